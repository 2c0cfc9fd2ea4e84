"""einsum and einsum_path.

A call is planned on shapes alone (``_einsum_path``: subscripts, label sizes, the
contraction path; memoised per subscripts, shapes and ``optimize``) and then run as a
sequence of pairwise contractions:

1. each operand becomes a view with one axis per distinct label: repeated labels are a
   diagonal (the strides add), size-1 axes that broadcast are dropped;
2. labels neither operand of a pair shares with anything still needed are summed first;
3. the pair is one batched ``matmul`` (labels in both and still needed: batch; in both
   and not needed: contracted; in one only: rows or columns), each group of labels
   merged into one axis where the strides allow (else that operand is copied once), or
   one broadcasting ``multiply`` when nothing is contracted.  ``matmul`` sends floating
   and complex dtypes to cuBLAS (strided-batched GEMM), integers and bool to cuarray's
   kernels, so sums wrap around as NumPy's do.

The last contraction writes straight into the output (or ``out=``) through a permuted
view when the output's strides allow.  Without ``optimize``, three or more operands are
still contracted pairwise (in ``numpy.einsum_path``'s greedy order) rather than in one
loop over every label; the result differs from NumPy's only by rounding.
"""

from __future__ import annotations

import numpy

from .._core import ndarray as _nd
from .._core.shape import best_axis_order
from .._ufunc import namespace as _uf
from . import _einsum_path as _path
from ._products import _operand

ndarray = _nd.ndarray
_KWARGS = ("dtype", "order", "casting")
_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")
_BOOL = numpy.dtype(bool)
_plans: dict = {}
_MAX_PLANS = 256


# -- public functions ---------------------------------------------------------------------------
def einsum(*operands, out=None, optimize=False, **kwargs):
    """See numpy.einsum.

    Differences from NumPy: operands must be cuarray arrays or scalars.  Sums run as
    cuBLAS/cuarray matrix products in another order than NumPy's loops (results differ
    by rounding); without ``optimize`` more than two operands are still contracted
    pairwise.  ``order='K'`` lays the result out as NumPy's unoptimised einsum does; an
    optimised NumPy einsum may return other strides.  Broadcast (``...``) dimensions left
    out of an explicit output raise ValueError without ``optimize`` and are summed with
    it, as in NumPy.
    """
    _check_kwargs(kwargs, optimize)
    dtype = kwargs.get("dtype")
    order = kwargs.get("order", "K")
    casting = kwargs.get("casting", "safe")
    text, ops = _path.split_operands(operands)
    ops = [_operand(x) for x in ops]
    if casting not in _CASTINGS:
        raise ValueError("casting must be one of 'no', 'equiv', 'safe', 'same_kind', 'unsafe' "
                         f"(got {casting!r})")
    order = order.upper() if isinstance(order, str) else order
    if order not in ("C", "F", "A", "K"):
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    terms, output, sizes, steps = _plan(text, ops, optimize)
    dt = _compute_dtype(ops, dtype, casting)
    if out is not None:
        _check_out(out, output, sizes, dt, casting, len(ops))
    views = [_label_view(x, t, sizes) for x, t in zip(ops, terms)]
    if len(ops) == 1 and out is None and (dtype is None or dt == ops[0].dtype) \
            and set(views[0][1]) <= set(output):
        x, labels = views[0]        # NumPy returns a view when nothing is summed
        return x.transpose([labels.index(c) for c in output])
    target = out if out is not None and out.dtype == dt else \
        _new_output(views, ops, output, sizes, order, dt)
    _run(views, steps, output, target, dt)
    if target is not out and out is not None:
        from .._engine.copy import copy_into
        copy_into(out, target)
        return out
    return target


def einsum_path(*operands, optimize="greedy", einsum_call=False):
    """See numpy.einsum_path: (['einsum_path', *pairs], report).

    Differences from NumPy: operands must be cuarray arrays or scalars (only their shapes
    are read); subscript errors carry the messages of ``numpy.einsum``'s C parser;
    broadcast dimensions are named by the last unused letters in order (NumPy picks
    unused letters in set order).
    """
    _path.path_kind(optimize)
    text, ops = _path.split_operands(operands)
    ops = [_operand(x) for x in ops]
    shapes = [x._shape for x in ops]
    terms, output = _path.parse(text, [len(s) for s in shapes], sum_broadcast=True)
    sizes = _path.label_sizes(terms, shapes, numpy_path_message=True)
    path, steps, report = _path.plan_path(terms, output, sizes, optimize,
                                          report=not einsum_call)
    if einsum_call:
        return ops, steps
    return path, report


# -- arguments ------------------------------------------------------------------------------------
def _check_kwargs(kwargs, optimize) -> None:
    unknown = [k for k in kwargs if k not in _KWARGS]
    if not unknown:
        return
    if optimize is False:
        raise TypeError(f"einsum() got an unexpected keyword argument '{unknown[0]}'")
    raise TypeError(f"Did not understand the following kwargs: {unknown}")


def _compute_dtype(ops, dtype, casting) -> numpy.dtype:
    if dtype is None:
        return numpy.result_type(*[x.dtype for x in ops])
    dt = numpy.dtype(dtype)
    for i, x in enumerate(ops):
        if not numpy.can_cast(x.dtype, dt, casting):
            raise TypeError(f"Iterator operand {i} dtype could not be cast from {x.dtype!r} to "
                            f"{dt!r} according to the rule '{casting}'")
    from .._core.dtypes import check_supported
    check_supported(dt)
    return dt


def _check_out(out, output, sizes, dt, casting, nop) -> None:
    if not isinstance(out, ndarray):
        raise TypeError("keyword parameter out must be an array for einsum")
    if out.ndim != len(output):
        raise ValueError("out parameter does not have the correct number of dimensions, has "
                         f"{out.ndim} but should have {len(output)}")
    shape = tuple(sizes[c] for c in output)
    if out._shape != shape:
        raise ValueError(f"non-broadcastable output operand with shape {out._shape} doesn't "
                         f"match the broadcast shape {shape}")
    if not numpy.can_cast(dt, out.dtype, casting):
        raise TypeError(f"Iterator requested dtype could not be cast from {dt!r} to "
                        f"{out.dtype!r}, the operand {nop} dtype, according to the rule "
                        f"'{casting}'")


def _plan(text, ops, optimize) -> tuple:
    """(input terms, output term, label sizes, contraction steps), memoised."""
    shapes = tuple(x._shape for x in ops)
    try:
        key = (text, shapes, type(optimize),
               tuple(optimize) if isinstance(optimize, list) else optimize)
        hash(key)
    except TypeError:
        key = None
    plan = _plans.get(key) if key is not None else None
    if plan is None:
        plan = _make_plan(text, shapes, optimize)
        if key is not None:
            if len(_plans) >= _MAX_PLANS:
                _plans.clear()
            _plans[key] = plan
    return plan


def _make_plan(text, shapes, optimize) -> tuple:
    ndims = [len(s) for s in shapes]
    if optimize is False:
        terms, output = _path.parse(text, ndims)
        sizes = _path.label_sizes(terms, shapes)
        kind = "greedy" if len(terms) > 2 else False
    else:
        _path.path_kind(optimize)
        terms, output = _path.parse(text, ndims, sum_broadcast=True)
        sizes = _path.label_sizes(terms, shapes, numpy_path_message=True)
        kind = optimize
    _, steps, _ = _path.plan_path(terms, output, sizes, kind, report=False)
    return terms, output, sizes, [positions for positions, _, _ in steps]


# -- operands as labelled views -------------------------------------------------------------------
def _label_view(x, term, sizes) -> tuple:
    """(view, labels): one axis per distinct label (a repeated label is a diagonal: its
    strides add); axes of size 1 that broadcast against a larger size are dropped."""
    if len(set(term)) == len(term) and all(d != 1 or sizes[c] == 1 for c, d in
                                           zip(term, x._shape)):
        return x, term
    shape, strides, labels = [], [], []
    for ch, dim, st in zip(term, x._shape, x._strides):
        if ch in labels:
            strides[labels.index(ch)] += st
            continue
        labels.append(ch)
        shape.append(dim)
        strides.append(st)
    keep = [i for i, ch in enumerate(labels) if not (shape[i] == 1 and sizes[ch] != 1)]
    view = _nd._view(x, tuple(shape[i] for i in keep), tuple(strides[i] for i in keep),
                     x.dtype, x._ptr)
    return view, "".join(labels[i] for i in keep)


def _stride(x, labels, ch) -> int:
    i = labels.find(ch)
    return x._strides[i] if i >= 0 and x._shape[i] != 1 else 0


def _new_output(views, ops, output, sizes, order, dt) -> ndarray:
    """The result array, laid out as NumPy's einsum iterator allocates it."""
    shape = tuple(sizes[c] for c in output)
    if order == "A":
        order = "F" if all(x._f for x in ops) else "C"
    if order in ("C", "F") or len(shape) <= 1:
        return _nd._empty(shape, dt, "F" if order == "F" else "C")
    # order='K': iterator dims are the output labels, then the summed ones in ASCII order;
    # NumPy's axis ordering by the operands' strides picks the output's memory order.
    dims = list(output) + sorted(set("".join(lb for _, lb in views)) - set(output))
    perm = best_axis_order([[_stride(x, lb, c) for c in dims] for x, lb in views], len(dims))
    strides, step = [0] * len(output), dt.itemsize
    for d in perm:
        if d < len(output):
            strides[d] = step
            step *= shape[d]
    base = _nd._empty((_prod(shape),), dt)
    return _nd._view(base, shape, tuple(strides), dt, base._ptr)


def _prod(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


# -- running ----------------------------------------------------------------------------------------
def _run(views, steps, output, target, dt) -> None:
    operands = [(x.astype(dt, copy=False), lb) for x, lb in views]
    for num, positions in enumerate(steps):
        taken = [operands.pop(p) for p in positions][::-1]     # back in operand order
        last = num == len(steps) - 1
        rest = set(output).union(*(lb for _, lb in operands))
        operands.append(_contract_group(taken, rest, dt, target if last else None, output))
    x, labels = operands[0]
    if x is not target:
        _finish(x, labels, output, target, dt)


def _contract_group(taken, keep, dt, target, output) -> tuple:
    x = taken[0]
    if len(taken) == 1:
        if target is not None:
            _finish(x[0], x[1], output, target, dt)
            return target, output
        return _reduce(x[0], x[1], keep, dt)
    for i, y in enumerate(taken[1:]):
        later = set().union(*(lb for _, lb in taken[i + 2:]))
        final = i == len(taken) - 2
        x = _pair(x, y, keep | later, dt, target if final else None, output)
    return x


def _finish(x, labels, output, target, dt) -> None:
    from .._engine.copy import copy_into
    x, labels = _reduce(x, labels, set(output), dt)
    copy_into(target, x.transpose([labels.index(c) for c in output]))


def _reduce(x, labels, keep, dt) -> tuple:
    """Sum away the labels not in ``keep`` (in the compute dtype: integers wrap as in
    NumPy's einsum; bool sums are "any")."""
    axes = tuple(i for i, c in enumerate(labels) if c not in keep)
    if not axes:
        return x, labels
    if dt == _BOOL:
        r = _uf.logical_or.reduce(x, axis=axes)
    else:
        r = _uf.add.reduce(x, axis=axes, dtype=dt)
    return r, "".join(c for c in labels if c in keep)


def _by_stride(labels, x, xl) -> list:
    """``labels`` ordered by decreasing stride in ``x`` (stable)."""
    return sorted(labels, key=lambda c: -abs(_stride(x, xl, c)))


def _pair(a, b, keep, dt, target, output) -> tuple:
    (x, xl), (y, yl) = a, b
    x, xl = _reduce(x, xl, keep | set(yl), dt)
    y, yl = _reduce(y, yl, keep | set(xl), dt)
    batch = [c for c in xl if c in yl and c in keep]
    con = [c for c in xl if c in yl and c not in keep]
    xm = [c for c in xl if c not in yl]
    yn = [c for c in yl if c not in xl]
    if target is not None:      # group orders that the output's strides can merge
        batch, xm, yn = (_by_stride(g, target, output) for g in (batch, xm, yn))
    else:
        batch, xm, yn = _by_stride(batch, x, xl), _by_stride(xm, x, xl), _by_stride(yn, y, yl)
    labels = batch + xm + yn
    if not con:
        return _multiply(x, xl, y, yl, batch, xm, yn, dt, target, output)
    con = _contraction_order(con, x, xl, y, yl, batch, xm, yn)
    size = {c: x._shape[xl.index(c)] for c in xl}
    size.update({c: y._shape[yl.index(c)] for c in yl})
    bshape = tuple(size[c] for c in batch)
    x3 = _grouped(x, xl, batch, [xm, con], size)
    y3 = _grouped(y, yl, batch, [con, yn], size)
    mn_shape = bshape + (_prod(size[c] for c in xm), _prod(size[c] for c in yn))
    if target is not None:
        tv = _permuted(target, output, labels)
        t3 = tv._reshape_view(mn_shape, "C")
        if t3 is not None:
            _uf.matmul(x3, y3, out=t3)
            return target, output
    res = _nd._empty(mn_shape, dt)
    _uf.matmul(x3, y3, out=res)
    res = res.reshape(tuple(size[c] for c in labels))
    if target is not None:
        from .._engine.copy import copy_into
        copy_into(tv, res)
        return target, output
    return res, "".join(labels)


def _multiply(x, xl, y, yl, batch, xm, yn, dt, target, output) -> tuple:
    """No label summed: one broadcasting multiply, (batch, xm, 1...) * (batch, 1..., yn)."""
    labels = batch + xm + yn
    xv = _arrange(x, xl, batch + xm, len(yn), after=True)
    yv = _arrange(y, yl, batch, len(xm), after=False, tail=yn)
    if target is not None:
        _uf.multiply(xv, yv, out=_permuted(target, output, labels))
        return target, output
    return _uf.multiply(xv, yv), "".join(labels)


def _arrange(x, xl, order, ones, after, tail=()) -> ndarray:
    """``x`` with axes in label ``order`` and ``ones`` new axes (after them, or before
    ``tail``'s axes)."""
    idx = [xl.index(c) for c in order]
    tidx = [xl.index(c) for c in tail]
    shape = [x._shape[i] for i in idx]
    strides = [x._strides[i] for i in idx]
    if after:
        shape += [1] * ones
        strides += [0] * ones
    else:
        shape += [1] * ones + [x._shape[i] for i in tidx]
        strides += [0] * ones + [x._strides[i] for i in tidx]
    return _nd._view(x, tuple(shape), tuple(strides), x.dtype, x._ptr)


def _mergeable(x, xl, batch, groups, size) -> bool:
    return _grouped(x, xl, batch, groups, size, copy=False) is not None


def _permuted(x, labels, order) -> ndarray:
    """``x`` (axes named by ``labels``) with its axes in label ``order`` (a view)."""
    if "".join(order) == labels:
        return x
    return x.transpose([labels.index(c) for c in order])


def _grouped(x, xl, batch, groups, size, copy=True):
    """``x`` as (batch..., one axis per group): a view where the strides allow, else a
    C-ordered copy (or None when ``copy`` is False)."""
    v = _permuted(x, xl, batch + [c for g in groups for c in g])
    if all(len(g) == 1 for g in groups):
        return v
    shape = tuple(size[c] for c in batch) + tuple(_prod(size[c] for c in g) for g in groups)
    r = v._reshape_view(shape, "C")
    if r is None and copy:
        r = v.copy().reshape(shape)
    return r


def _contraction_order(con, x, xl, y, yl, batch, xm, yn) -> list:
    """The order of the contracted labels that needs the smaller copy: x's memory order or
    y's (both merge when the two agree)."""
    if len(con) == 1:
        return con
    size = {c: x._shape[xl.index(c)] for c in xl}
    size.update({c: y._shape[yl.index(c)] for c in yl})
    best, best_cost = None, None
    for order in (_by_stride(con, x, xl), _by_stride(con, y, yl)):
        cost = (0 if _mergeable(x, xl, batch, [xm, order], size) else x.size) + \
            (0 if _mergeable(y, yl, batch, [order, yn], size) else y.size)
        if best_cost is None or cost < best_cost:
            best, best_cost = order, cost
    return best
