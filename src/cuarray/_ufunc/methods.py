"""The ufunc methods ``outer`` and ``at`` (bound onto the ``ufunc`` class on import).

``outer`` reshapes its first operand to ``A.shape + (1,) * B.ndim`` (a view) and
calls the ufunc: broadcasting does the rest, with no kernel of its own.

``at`` is NumPy's unbuffered in-place operation: ``a[indices] = op(a[indices], b)``
where an element selected twice is updated twice.  Its phases: ``_check_args`` ->
``_select`` (NumPy's indexing rules: which elements, in which shape, and the index
table of byte offsets for integer-array indices) -> ``_check_b_shape`` ->
``_resolve_at`` (NumPy's dtypes for ``ufunc.at``, memoised) -> the table on the
device -> ``scatter.launch`` (atomic updates; see ``cuarray._engine.scatter``).
"""

from __future__ import annotations

import operator

import numpy

from .._core import ndarray as _nd
from .._core.dtypes import COMPUTE, is_supported
from .._engine import scatter as _scatter
from .ufunc import _check_input, _span, ufunc

ndarray = _nd.ndarray
_INTP = numpy.dtype(numpy.intp)
_I64 = numpy.dtype(numpy.int64)
_PY_SCALARS = (bool, int, float, complex)


# -- outer ---------------------------------------------------------------------------------------

def outer(self, A, B, /, **kwargs):
    """See numpy.ufunc.outer.

    Differences from NumPy: operands must be cuarray arrays or scalars (NumPy arrays and
    lists raise TypeError: no implicit host transfers).
    """
    if self.nin != 2:
        raise ValueError("outer product only supported for binary functions")
    A, B = _outer_operand(A), _outer_operand(B)
    if type(A) is ndarray and type(B) is ndarray and B.ndim:
        A = A.reshape(A._shape + (1,) * B.ndim)
    return self(A, B, **kwargs)


def _outer_operand(x):
    """NumPy's outer converts its operands to arrays first: Python scalars are not weak."""
    if type(x) in _PY_SCALARS:
        host = numpy.asarray(x)
        if not is_supported(host.dtype):
            raise TypeError(f"cuarray does not support dtype {host.dtype}")
        return host[()]
    _check_input(x)
    return x


# -- at ------------------------------------------------------------------------------------------

def at(self, a, indices, b=None, /):
    """See numpy.ufunc.at.

    ``indices``: an integer, a slice, ``...``, ``None``, an integer array (cuarray,
    NumPy or a nested list; a host boolean array counts as its ``nonzero()``) or a
    tuple of those, with NumPy's indexing rules (integer arrays broadcast together;
    their dimensions replace the indexed axes where those are adjacent, else come
    first; axes not indexed are taken whole).

    Differences from NumPy:

    - ``a`` must be a cuarray array and ``b`` a cuarray array or a scalar (NumPy
      arrays and lists raise TypeError: no implicit host transfers).
    - An element selected several times is updated once per occurrence, as in
      NumPy, but the occurrences run in no particular order (they run concurrently,
      as atomic updates).  Operations whose repeated application does not depend
      on the order (add, multiply, maximum, minimum, the bitwise and logical
      operations, integer subtract, ...) give NumPy's result; floating-point sums
      and products may differ in rounding; and order-dependent ones (remainder,
      copysign, heaviside, nextafter, ...) may differ from NumPy's when repeated
      occurrences carry different ``b`` values.
    - Indices in cuarray arrays are checked on the device: an out-of-bounds index
      raises IndexError after a synchronisation, and after the checks of ``b``'s
      shape and of the dtypes (NumPy checks indices first).
    - complex128 operations other than add and subtract need the 128-bit
      compare-and-swap of sm_90 and later: on older devices, or for a view not
      aligned to 16 bytes, one thread block walks the indices in order (correct,
      slow).
    - Boolean index arrays held in cuarray arrays, and boolean scalars (Python or
      NumPy ``True``/``False``, 0-d boolean arrays) as indices, raise
      NotImplementedError.  No ComplexWarning is emitted for complex results cast
      into a real ``a``.
    """
    _check_at_args(self, a, b)
    b, b_dtype = _at_operand(b)
    sel = _select(a, indices)
    if type(b) is ndarray:
        _check_b_shape(b._shape, sel.shape)
    loop_in, loop_out, body, atomic = _resolve_at(self, a.dtype, b_dtype)
    table = sel.build_table()
    if sel.size == 0:
        return
    if type(b) is ndarray:
        b = _detach(b, a)
        b_strides = _broadcast_strides(b, sel.shape)
    else:
        b_strides = (0,) * len(sel.shape)
        if b is not None:
            in1c = COMPUTE.get(loop_in[1], loop_in[1])
            b = numpy.asarray(b).astype(loop_in[1]).astype(in1c)[()]
    base = a._ptr + sel.base
    repeats = (table is not None and table.size > 1
               or any(k == "s" and e > 1 and st == 0 for k, e, st in sel.dims))
    sm = _scatter.device_sm() if a.dtype.itemsize == 16 and repeats else 0
    aligned = base % 16 == 0 and all(st % 16 == 0 for st in a._strides)
    mode = _scatter.pick_mode(atomic, a.dtype, loop_in, loop_out, repeats, sm, aligned)
    dims = [(k, e, st, bst) for (k, e, st), bst in zip(sel.dims, b_strides)]
    _scatter.launch(self.__name__, body, self._spec.preamble, a.dtype, loop_in, loop_out,
                    mode, base, dims, table, b)


def _check_at_args(self, a, b) -> None:
    """NumPy's argument checks, in NumPy's order."""
    if self.nout != 1:
        raise ValueError("Only single output ufuncs supported at this time")
    if self.nin > 2:
        raise ValueError("Only unary and binary ufuncs supported at this time")
    if self.nin == 2 and b is None:
        raise ValueError("second operand needed for ufunc")
    if self.nin == 1 and b is not None:
        raise ValueError("second operand provided when ufunc is unary")
    if type(a) is not ndarray:
        if isinstance(a, numpy.ndarray):
            raise TypeError("Unsupported type numpy.ndarray: cuarray ufuncs do not copy host "
                            "arrays implicitly; convert with cuarray.asarray() first")
        raise TypeError("first operand must be array")


def _at_operand(b):
    """(operand, dtype): NumPy converts ``b`` with ``asarray``, so Python scalars are not weak
    (``np.add.at(int8_array, i, 1000)`` runs the int64 loop and wraps on the way back)."""
    if b is None:
        return None, None
    if type(b) is ndarray:
        return b, b.dtype
    if type(b) in _PY_SCALARS:
        host = numpy.asarray(b)
        if host.dtype == object:
            raise OverflowError("Python int too large to convert to C long")
        return host[()], host.dtype
    _check_input(b)             # a NumPy scalar of a supported dtype passes
    return b, b.dtype


def _check_b_shape(bshape, shape) -> None:
    """``b`` broadcasts *to* the selection's shape (it may not add dimensions)."""
    if len(bshape) > len(shape) or any(
            x != 1 and x != y for x, y in zip(reversed(bshape), reversed(shape))):
        raise ValueError("array is not broadcastable to correct shape")


def _resolve_at(uf, a_dtype, b_dtype):
    """NumPy's loop for ``ufunc.at``: ``a`` is both an input and the output, and the result
    is cast back into ``a`` with the 'unsafe' rule (``np.add.at(int_array, i, 1.5)`` runs
    the float64 loop and truncates)."""
    key = ("at", a_dtype, b_dtype)
    loop = uf._memo.get(key)
    if loop is not None:
        return loop
    dts = (a_dtype,) if uf.nin == 1 else (a_dtype, b_dtype)
    resolved = uf._np.resolve_dtypes(dts + (a_dtype,), casting="unsafe")
    for d in resolved:
        if not is_supported(d):
            raise TypeError(f"ufunc {uf.__name__!r}: the loop for {dts} uses dtype {d}, which "
                            "cuarray does not support")
    spec = uf._spec
    body = spec.body_for(resolved[0])
    if body is None:
        raise TypeError(f"ufunc {uf.__name__!r} has no cuarray loop for {resolved[:uf.nin]}")
    loop = uf._memo[key] = (tuple(resolved[:uf.nin]), resolved[uf.nin], body,
                            spec.atomic_for(resolved[0]))
    return loop


def _detach(b, a):
    """NumPy copies ``b`` when it overlaps ``a`` (the updates must not change it)."""
    if not b.size or not a.size:
        return b
    lo, hi = _span(b)
    alo, ahi = _span(a)
    return b.copy() if lo < ahi and alo < hi else b


def _broadcast_strides(b, shape) -> tuple:
    lead = len(shape) - b.ndim
    return (0,) * lead + tuple(st if s == n else 0
                               for s, st, n in zip(b._shape, b._strides, shape[lead:]))


# -- indexing: which elements ``a[indices]`` selects ---------------------------------------------

class _Selection:
    """The elements ``a[indices]`` selects, in NumPy's shape.

    ``dims``: [(kind, extent, a_stride)] in the order of ``a[indices].shape``: kind "s"
    (a strided axis, byte stride) or "i" (an axis of the index table, stride in table
    elements).  ``base``: byte offset of integer and slice-start indices.  ``arrays``:
    [(array, axis, extent, byte stride)] for the integer-array indices, broadcast to
    ``table_shape``.
    """

    __slots__ = ("dims", "base", "arrays", "table_shape", "host_table")

    def __init__(self, dims, base, arrays, table_shape):
        self.dims, self.base, self.arrays, self.table_shape = dims, base, arrays, table_shape
        self.host_table = None
        if arrays and all(isinstance(x, numpy.ndarray) for x, *_ in arrays):
            self.host_table = _host_table(arrays, table_shape)

    @property
    def shape(self) -> tuple:
        return tuple(d[1] for d in self.dims)

    @property
    def size(self) -> int:
        n = 1
        for d in self.dims:
            n *= d[1]
        return n

    def build_table(self):
        """The index table on the device (None without integer-array indices)."""
        if not self.arrays:
            return None
        if self.host_table is not None:
            return _nd._from_host(self.host_table)
        arrays = [x if type(x) is ndarray else _nd._from_host(x.astype(_I64))
                  for x, *_ in self.arrays]
        table, bad = _scatter.device_table(arrays, [e for _, _, e, _ in self.arrays],
                                           [s for *_, s in self.arrays], self.table_shape)
        if bad is not None:
            k, pos = bad
            _, axis, extent, _ = self.arrays[k]
            value = _value_at(arrays[k], self.table_shape, pos)
            raise IndexError(f"index {value} is out of bounds for axis {axis} with size {extent}")
        return table


def _value_at(arr, shape, pos) -> int:
    """The index value that ``arr`` broadcast to ``shape`` holds at C-order position ``pos``."""
    coords = numpy.unravel_index(pos, shape) if shape else ()
    lead = len(shape) - arr.ndim
    own = tuple(int(c) if n != 1 else 0 for c, n in zip(coords[lead:], arr._shape))
    v = int(arr[own])
    return v - 2**64 if v >= 2**63 else v        # as intp, the way NumPy reads it


def _host_table(arrays, shape):
    """The byte offsets of host index arrays, checked as NumPy does (array by array)."""
    table = numpy.zeros(shape, _I64)
    for x, axis, n, stride in arrays:
        v = x.astype(_I64)
        bad = (v < -n) | (v >= n)
        if bad.any():
            first = v.ravel()[int(numpy.argmax(bad.ravel()))]
            raise IndexError(f"index {first} is out of bounds for axis {axis} with size {n}")
        table += numpy.where(v < 0, v + n, v) * stride
    return table


_ELLIPSIS = object()
_NEWAXIS = object()


def _normalize_entry(k, out: list) -> None:
    """Append ``k`` as _ELLIPSIS, _NEWAXIS, a slice, an int or an integer array."""
    if k is Ellipsis:
        out.append(_ELLIPSIS)
    elif k is None:
        out.append(_NEWAXIS)
    elif isinstance(k, slice):
        out.append(k)
    elif isinstance(k, (bool, numpy.bool_)):
        raise NotImplementedError("ufunc.at: a Python or NumPy bool as an index is not "
                                  "supported; use integer indices")
    elif type(k) is ndarray:
        if k.dtype.kind == "b":
            raise NotImplementedError("ufunc.at: boolean index arrays on the device are not "
                                      "supported; pass a host (NumPy) mask or integer indices")
        if k.dtype.kind not in "iu":
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        out.append(k)
    elif isinstance(k, (list, numpy.ndarray)):
        host = numpy.asarray(k)
        if isinstance(k, list) and host.size == 0:
            host = host.astype(_INTP)
        if host.dtype.kind == "b":
            if host.ndim == 0:
                raise NotImplementedError("ufunc.at: a 0-d boolean index is not supported")
            out.extend(host.nonzero())
        elif host.dtype.kind not in "iu":
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        elif host.ndim == 0:
            out.append(int(host))
        else:
            out.append(host)
    elif hasattr(k, "__index__"):
        out.append(operator.index(k))
    else:
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) "
                         "and integer or boolean arrays are valid indices")


def _expand(key, ndim) -> list:
    """The entries with the Ellipsis expanded and trailing axes taken whole; NumPy's errors."""
    entries: list = []
    for k in key:
        _normalize_entry(k, entries)
    consumed = sum(1 for e in entries if e is not _ELLIPSIS and e is not _NEWAXIS)
    n_ell = sum(1 for e in entries if e is _ELLIPSIS)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but "
                         f"{consumed} were indexed")
    fill = [slice(None)] * (ndim - consumed)
    if n_ell:
        i = entries.index(_ELLIPSIS)
        return entries[:i] + fill + entries[i + 1:]
    return entries + fill


def _select(a, indices) -> _Selection:
    """NumPy's ``a[indices]`` as a :class:`_Selection` (errors in NumPy's order)."""
    entries = _expand(indices if type(indices) is tuple else (indices,), a.ndim)
    has_arrays = any(isinstance(e, (ndarray, numpy.ndarray)) for e in entries)
    strided, advanced, arrays = [], [], []     # strided: (entry position, extent, stride)
    base, axis = 0, 0
    for pos, e in enumerate(entries):
        if e is _NEWAXIS:
            strided.append((pos, 1, 0))
            continue
        n, st = a._shape[axis], a._strides[axis]
        if isinstance(e, slice):
            start, stop, step = e.indices(n)
            length = len(range(start, stop, step))
            if length:
                base += start * st
            strided.append((pos, length, st * step))
        elif isinstance(e, int):
            if not -n <= e < n:
                raise IndexError(f"index {e} is out of bounds for axis {axis} with size {n}")
            base += (e + n if e < 0 else e) * st
            if has_arrays:
                advanced.append(pos)
        else:
            arrays.append((e, axis, n, st))
            advanced.append(pos)
        axis += 1
    if not arrays:
        return _Selection([("s", e, st) for _, e, st in strided], base, [], ())
    shapes = [x.shape for x, *_ in arrays]
    try:
        table_shape = numpy.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together with "
                         "shapes " + "".join(_shape_text(s) + " " for s in shapes if s)
                         ) from None     # (NumPy counts a 0-d index array as an integer)
    table_dims, step = [], 1
    for n in reversed(table_shape):
        table_dims.insert(0, ("i", n, step))
        step *= n
    # NumPy: adjacent advanced indices put their dimensions where they stand; separated
    # ones (by a slice or None) put them first.
    adjacent = advanced == list(range(advanced[0], advanced[0] + len(advanced)))
    cut = sum(1 for p, _, _ in strided if p < advanced[0]) if adjacent else 0
    dims = ([("s", e, st) for _, e, st in strided[:cut]] + table_dims
            + [("s", e, st) for _, e, st in strided[cut:]])
    return _Selection(dims, base, arrays, tuple(table_shape))


def _shape_text(shape) -> str:
    """A shape as NumPy's index errors print it: ``(2,)``, ``(2,3)``."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ",".join(str(s) for s in shape) + ")"


ufunc.outer = outer
ufunc.at = at
