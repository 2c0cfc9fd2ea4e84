"""Shape and stride arithmetic: contiguity, reshape-as-view, dimension collapsing.

Pure functions on tuples; NumPy's rules are the spec.
"""

from __future__ import annotations

import operator

from numpy.lib.array_utils import normalize_axis_index  # noqa: F401  (re-exported)


def normalize_shape(shape) -> tuple[int, ...]:
    """A shape argument (int or sequence of ints) as a tuple; NumPy's errors."""
    if isinstance(shape, (tuple, list)):
        try:
            out = tuple(operator.index(s) for s in shape)
        except TypeError:
            bad = next(s for s in shape if not hasattr(s, "__index__"))
            raise TypeError(f"'{type(bad).__name__}' object cannot be interpreted as an integer"
                            ) from None
    else:
        out = (operator.index(shape),)
    for s in out:
        if s < 0:
            raise ValueError("negative dimensions are not allowed")
    return out


def prod(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def c_strides(shape, itemsize: int) -> tuple[int, ...]:
    strides, acc = [], itemsize
    for s in reversed(shape):
        strides.append(acc)
        acc *= s if s else 1
    return tuple(reversed(strides))


def f_strides(shape, itemsize: int) -> tuple[int, ...]:
    strides, acc = [], itemsize
    for s in shape:
        strides.append(acc)
        acc *= s if s else 1
    return tuple(strides)


def contiguity(shape, strides, itemsize: int) -> tuple[bool, bool]:
    """(C-contiguous, F-contiguous) by NumPy's rule: size-1 dims are ignored, empty is both."""
    if 0 in shape:
        return True, True
    c = f = True
    acc = itemsize
    for s, st in zip(reversed(shape), reversed(strides)):
        if s != 1:
            if st != acc:
                c = False
                break
            acc *= s
    acc = itemsize
    for s, st in zip(shape, strides):
        if s != 1:
            if st != acc:
                f = False
                break
            acc *= s
    return c, f


def reshape_strides(shape, strides, itemsize, new_shape, order="C"):
    """Strides that view ``shape``/``strides`` as ``new_shape`` without copying, or None.

    NumPy's no-copy reshape: each run of old axes that maps onto a run of new axes
    must be contiguous within itself in the iteration order.
    """
    if prod(shape) == 0 or not shape:
        return (c_strides if order == "C" else f_strides)(new_shape, itemsize)
    old = [(s, st) for s, st in zip(shape, strides) if s != 1]
    if order == "F":
        old = old[::-1]
        new_shape = tuple(reversed(new_shape))
    new_strides = [0] * len(new_shape)
    oi = ni = 0
    n_old, n_new = len(old), len(new_shape)
    while ni < n_new and new_shape[ni] == 1:
        ni += 1
    while oi < n_old and ni < n_new:
        np_, op_ = new_shape[ni], old[oi][0]
        oj, nj = oi + 1, ni + 1
        while np_ != op_:
            if np_ < op_:
                np_ *= new_shape[nj]
                nj += 1
            else:
                op_ *= old[oj][0]
                oj += 1
        for k in range(oi, oj - 1):          # the old run must be contiguous
            if old[k][1] != old[k + 1][0] * old[k + 1][1]:
                return None
        new_strides[nj - 1] = old[oj - 1][1]
        for k in range(nj - 1, ni, -1):
            new_strides[k - 1] = new_strides[k] * new_shape[k]
        oi, ni = oj, nj
        while ni < n_new and new_shape[ni] == 1:
            ni += 1
    # Remaining size-1 axes: any stride works; use the C-order value for tidiness.
    last = itemsize if not old else old[-1][1]
    for k in range(n_new - 1, -1, -1):
        if new_shape[k] == 1:
            new_strides[k] = (new_strides[k + 1] * new_shape[k + 1]) if k + 1 < n_new else last
    if order == "F":
        new_strides.reverse()
    return tuple(new_strides)


def infer_reshape(size: int, new_shape) -> tuple[int, ...]:
    """Resolve one -1 in ``new_shape``; NumPy's errors for the rest."""
    new_shape = tuple(operator.index(s) for s in new_shape)
    unknown = [i for i, s in enumerate(new_shape) if s < 0]
    if len(unknown) > 1:
        raise ValueError("can only specify one unknown dimension")
    if unknown:
        if new_shape[unknown[0]] != -1:
            raise ValueError("negative dimensions not allowed")
        known = prod(s for s in new_shape if s >= 0)
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape array of size {size} into shape "
                             f"{_shape_text(new_shape)}")
        new_shape = tuple(size // known if s == -1 else s for s in new_shape)
    if prod(new_shape) != size:
        raise ValueError(f"cannot reshape array of size {size} into shape "
                         f"{_shape_text(new_shape)}")
    return new_shape


def _shape_text(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def byte_bounds(ptr: int, shape, strides, itemsize: int) -> tuple[int, int]:
    """(lowest address, one past the highest byte) the elements of a strided view touch,
    negative strides included; (ptr, ptr) when it has no elements."""
    if 0 in shape:
        return ptr, ptr
    lo = hi = ptr
    for n, s in zip(shape, strides):
        if s < 0:
            lo += (n - 1) * s
        else:
            hi += (n - 1) * s
    return lo, hi + itemsize


def collapse(shape, strides_list):
    """Merge adjacent axes that every operand walks contiguously; drop size-1 axes.

    ``strides_list``: one stride tuple per operand.  Returns (shape, strides_list)
    with the fewest axes that address the same elements in the same order.
    """
    dims = [i for i, s in enumerate(shape) if s != 1]
    if not dims:
        return (), [() for _ in strides_list]
    out_shape = [shape[dims[0]]]
    out_strides = [[st[dims[0]]] for st in strides_list]
    for i in dims[1:]:
        s = shape[i]
        if all(os[-1] == st[i] * s for os, st in zip(out_strides, strides_list)):
            out_shape[-1] *= s
            for os, st in zip(out_strides, strides_list):
                os[-1] = st[i]
        else:
            out_shape.append(s)
            for os, st in zip(out_strides, strides_list):
                os.append(st[i])
    return tuple(out_shape), [tuple(os) for os in out_strides]


def best_axis_order(op_strides, nd) -> list:
    """NumPy's ``npyiter_find_best_axis_ordering``: iterator dims, fastest first.

    A stable insertion sort by stride magnitude; a pair of dims is compared only by the
    operands that step along both, and where operands disagree C order wins.
    """
    perm = list(range(nd - 1, -1, -1))
    for i0 in range(1, nd):
        pos, j0 = i0, perm[i0]
        for i1 in range(i0 - 1, -1, -1):
            j1, ambiguous, swap = perm[i1], True, False
            for st in op_strides:
                if st[j0] and st[j1]:
                    if abs(st[j1]) <= abs(st[j0]):
                        swap = False
                    elif ambiguous:
                        swap = True
                    ambiguous = False
            if not ambiguous:
                if not swap:
                    break
                pos = i1
        if pos != i0:
            perm[pos + 1:i0 + 1] = perm[pos:i0]
            perm[pos] = j0
    return perm
