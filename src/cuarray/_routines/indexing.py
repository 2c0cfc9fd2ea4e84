"""Indexing routines (NumPy reference: "Indexing routines"): take, put, choose, nonzero, ...

The index generators (``ix_``, ``ravel_multi_index``, ``tril_indices``, ...) and
``fill_diagonal`` live in ``index_tricks.py``.  Everything here is a gather or a
scatter (``cuarray._engine.gather``) or a compaction (``cuarray._engine.compact``),
planned with the same index arrays as advanced indexing (``_subscript.Index``).

Index arguments may be cuarray arrays or host data (lists, NumPy arrays): host
indices are bounds-checked on the host and copied to the device; device indices
are checked on the device with one stream synchronisation where ``mode='raise'``.
Results whose size depends on the data (nonzero, compress, boolean masks) read that
size back from the device.
"""

from __future__ import annotations

import operator

import numpy

from .._core.ndarray import _empty, _from_host, _view, ndarray
from .._core.shape import normalize_axis_index
from .._engine import compact as _compact
from .._engine import copy as _copy
from .._engine import elementwise as _ew
from .._engine import gather as _gather
from . import _subscript as _sub
from .creation import as_device_array

_INTP = numpy.dtype(numpy.intp)
_BOOL = numpy.dtype(bool)
_CLIPMODES = ("raise", "wrap", "clip")


# -- arguments --------------------------------------------------------------------------------
def _clipmode(mode) -> str:
    if mode not in _CLIPMODES:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    return mode


def index_operand(x, casting="same_kind"):
    """An index argument as a device integer array or a host intp-compatible NumPy array.

    Arrays keep their integer dtype (a boolean one counts as 0/1 values, as NumPy's cast
    to intp does); other dtypes raise NumPy's TypeError for ``casting``.  Lists and
    scalars convert as NumPy converts them to intp.
    """
    if not isinstance(x, (ndarray, numpy.ndarray)):
        from .interop import device_view
        dev = device_view(x)
        if dev is None:
            # NumPy converts a list straight to intp for take/put (``[0., 1]`` works), but
            # makes an array first for choose (the 'safe' cast then refuses floats).
            return numpy.asarray(x, dtype=_INTP) if casting != "safe" else index_operand(
                numpy.asarray(x), casting)
        x = dev
    if x.dtype.kind not in "biu" and not numpy.can_cast(x.dtype, _INTP, casting):
        raise TypeError(f"Cannot cast array data from {x.dtype!r} to {_INTP!r} according to "
                        f"the rule '{casting}'")
    if x.dtype.kind == "b":
        return x.astype(numpy.uint8)
    if isinstance(x, numpy.ndarray) and not x.dtype.isnative:
        return x.astype(x.dtype.newbyteorder("="))
    return x


def _shape(x) -> tuple:
    return x.shape if hasattr(x, "shape") else ()


def _array(a) -> ndarray:
    return a if isinstance(a, ndarray) else as_device_array(a)


def _check_out(out, shape, dt, message, error=ValueError):
    """``take``'s and ``compress``'s ``out``: the result's shape, and a dtype that casts
    safely to the input's (NumPy casts ``out`` to the input's dtype and back)."""
    if not isinstance(out, ndarray):
        raise TypeError(f"out must be a cuarray.ndarray, not {type(out).__name__}")
    if out._shape != tuple(shape):
        raise error(message)
    _probe_out_cast(out.dtype, dt)


_out_casts: dict = {}


def _probe_out_cast(out_dt, dt) -> None:
    """NumPy 2.4 casts ``out`` to the input's dtype with the 'safe' rule, NumPy 2.5 accepts
    any dtype: ask the installed NumPy (on one-element host arrays) and raise what it does."""
    error = _out_casts.get((out_dt, dt), 0)
    if error == 0:
        try:
            numpy.take(numpy.zeros(1, dt), [0], out=numpy.zeros(1, out_dt))
            error = None
        except TypeError as exc:
            error = str(exc)
        _out_casts[(out_dt, dt)] = error
    if error is not None:
        raise TypeError(error)


def _into_out(result, out):
    if out is None:
        return result
    _copy.copy_into(out, result)
    return out


# -- take, take_along_axis, choose --------------------------------------------------------------
def take(a, indices, axis=None, out=None, mode="raise"):
    """See numpy.take.

    Differences from NumPy: a scalar index gives a 0-d array, not a NumPy scalar.
    """
    a = _array(a)
    mode = _clipmode(mode)
    idx = index_operand(indices)
    if axis is None:
        a, axis = a.ravel(), 0
    else:
        if a.ndim == 0:
            a = a.reshape(1)        # NumPy treats a 0-d array as 1-d here
        axis = normalize_axis_index(axis, a.ndim)
    shape = a._shape[:axis] + tuple(idx.shape) + a._shape[axis + 1:]
    if out is not None:
        _check_out(out, shape, a.dtype, "output array does not match result of ndarray.take")
    return _into_out(take_along(a, idx, axis, mode), out)


def take_along(a, idx, axis, mode):
    """``a`` indexed by ``idx`` along ``axis`` (the index dims replacing it): a C-contiguous
    result; ``idx`` a host or device integer array."""
    n = a._shape[axis]
    if n == 0 and idx.size and mode != "raise":
        raise IndexError("cannot do a non-empty take from an empty axes.")
    x = _index(idx, n, a._strides[axis], mode, axis)
    shape = a._shape[:axis] + tuple(idx.shape) + a._shape[axis + 1:]
    dims = [(a._shape[d], a._strides[d], [0]) for d in range(axis)]
    dims.append(None)
    dims += [(a._shape[d], a._strides[d], [0]) for d in range(axis + 1, a.ndim)]
    outer = 1
    for s in a._shape[:axis]:
        outer *= s
    return _gather_into(a, shape, dims, [x], check_empty=outer > 0)


def _index(idx, ext, ast, mode, axis, strict=False):
    """An :class:`_subscript.Index` for one index operand (``mode`` from ``mode=``)."""
    kmode = {"raise": "strict" if strict else "raise", "wrap": "wrap", "clip": "clip"}[mode]
    if isinstance(idx, ndarray) and kmode in _gather.CHECKED and _gather.in_range(
            idx.dtype, ext, kmode):
        kmode = "nocheck"
    return _sub.Index(idx, 0, ext, ast, kmode, axis, tuple(idx.shape))


def _gather_into(a, shape, dims, idx, error=None, check_empty=True):
    """Gather ``a``'s elements into a new C array of ``shape``.  ``dims``: the dims of
    ``a`` [(extent, stride, [index strides])], with None where the (single) index
    array's own dims go.  ``check_empty``: whether the indices are checked when the
    result is empty (NumPy's take skips them when the axes before ``axis`` are)."""
    if not check_empty and not _sub._prod(shape):
        idx[0].mode = "nocheck" if idx[0].mode in _gather.CHECKED else idx[0].mode
    _sub.check_host(idx, error)
    _sub.upload(idx)
    x = idx[0]
    if None in dims:
        i = dims.index(None)
        dims[i:i + 1] = [(e, 0, [st]) for e, st in zip(x.arr._shape, x.arr._strides)]
    out = _empty(tuple(shape), a.dtype)
    if out.size:
        checked = _gather.gather(a._ptr, a.dtype.itemsize, out._ptr, dims,
                                 [(x.arr, x.ext, x.ast)], [x.mode])
        _sub.after_gather(idx, checked, error)
    elif x.arr.size:
        _sub.run_checks(idx, error)
    return out


def take_along_axis(arr, indices, axis=-1):
    """See numpy.take_along_axis."""
    arr, idx, axis = _along_args(arr, indices, axis)
    shape, strides = _along_dims(arr, idx, axis)
    x = _index(idx, arr._shape[axis], arr._strides[axis], "raise", axis)
    x.shape = shape
    _sub.check_host([x])
    _sub.upload([x])
    out = _empty(shape, arr.dtype)
    if out.size:
        ist = _ew.broadcast_strides(x.arr, shape)
        checked = _gather.gather(arr._ptr, arr.dtype.itemsize, out._ptr,
                                 [(e, s, [i]) for e, s, i in zip(shape, strides, ist)],
                                 [(x.arr, x.ext, x.ast)], [x.mode])
        _sub.after_gather([x], checked)
    elif x.arr.size:
        _sub.run_checks([x])
    return out


def _along_args(arr, indices, axis):
    arr = _array(arr)
    if not isinstance(indices, (ndarray, numpy.ndarray)):
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute 'dtype'")
    if indices.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if indices.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        return arr.ravel(), indices, 0
    axis = normalize_axis_index(axis, arr.ndim)
    if arr.ndim != indices.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    return arr, indices, axis


def _along_dims(arr, idx, axis):
    """(result shape, ``arr``'s stride per result dim): NumPy's fancy index of aranges along
    the other axes (they broadcast with ``idx``) and ``idx`` along ``axis``."""
    shapes = [tuple(n if j == d else 1 for j in range(arr.ndim)) if d != axis else None
              for d, n in enumerate(arr._shape)]
    shapes[axis] = tuple(idx.shape)
    from .._core.indexing import broadcast_index_shapes
    shape = broadcast_index_shapes(shapes)
    strides = [0 if d == axis or arr._shape[d] != shape[d] else arr._strides[d]
               for d in range(arr.ndim)]
    return shape, strides


def choose(a, choices, out=None, mode="raise"):
    """See numpy.choose."""
    mode = _clipmode(mode)
    idx = index_operand(a, casting="safe")
    items = _choice_items(choices)
    dt = _choose_dtype(items)
    shape = tuple(numpy.broadcast_shapes(*[_shape(c) for c in items], idx.shape))
    if out is not None and (not isinstance(out, ndarray) or out._shape != shape):
        raise TypeError("choose: invalid shape for output array.")
    src = choices if isinstance(choices, ndarray) else _stacked(items, dt, shape)
    x = _index(idx, len(items), src._strides[0], mode, 0, strict=True)
    x.shape = shape
    error = ValueError("invalid entry in choice array")
    _sub.check_host([x], error)
    _sub.upload([x])
    sub = _view(src, src._shape[1:], src._strides[1:], dt, src._ptr)
    sst = _ew.broadcast_strides(sub, shape)
    ist = _ew.broadcast_strides(x.arr, shape)
    result = _empty(shape, dt)
    if result.size:
        checked = _gather.gather(src._ptr, dt.itemsize, result._ptr,
                                 [(e, s, [i]) for e, s, i in zip(shape, sst, ist)],
                                 [(x.arr, x.ext, x.ast)], [x.mode])
        _sub.after_gather([x], checked, error)
    return _into_out(result, out)


def _choice_items(choices) -> list:
    if isinstance(choices, ndarray):
        if choices.ndim == 0:
            raise TypeError("object of too small depth for desired array")
        items = [choices[i] for i in range(choices._shape[0])]
    else:
        items = [c if isinstance(c, (ndarray, bool, int, float, complex, numpy.generic))
                 else as_device_array(c) for c in choices]
    if not items:
        raise ValueError("0-length sequence.")
    return items


def _choose_dtype(items) -> numpy.dtype:
    """NumPy's result dtype for these choices (Python scalars are weak), asked of NumPy."""
    standins = [c if type(c) in (bool, int, float, complex) else numpy.zeros((), c.dtype)
                for c in items]
    return numpy.choose(0, standins).dtype


def _stacked(items, dt, shape):
    """The choices broadcast to ``shape`` and cast to ``dt``, stacked: (n,) + shape."""
    out = _empty((len(items),) + shape, dt)
    for k, c in enumerate(items):
        part = out[k]
        if isinstance(c, ndarray):
            _copy.copy_into(part, c)
        else:
            _copy.fill(part, numpy.asarray(c).astype(dt)[()])
    return out


# -- put, put_along_axis, place, putmask ---------------------------------------------------------
def put(a, ind, v, mode="raise"):
    """See numpy.put.

    Differences from NumPy: an element indexed more than once gets an arbitrary one of
    its values (NumPy: the last).
    """
    if not isinstance(a, ndarray):
        raise TypeError(f"put() argument 1 must be cuarray.ndarray, not {type(a).__name__}")
    mode = _clipmode(mode)
    idx = index_operand(ind).ravel()
    src = _sub.as_value(v, a.dtype)
    if not isinstance(src, numpy.generic):
        src = src.ravel()
        if not src.size:
            return
    if not idx.size:
        return
    if not a.size:
        raise IndexError("cannot replace elements of an empty array")
    _put_flat(a, idx, src, mode)


def _put_flat(a, idx, src, mode, cyclic=True) -> None:
    """``a.flat[idx] = src`` (a 1-D index array; ``src`` repeated as NumPy's put does)."""
    m = idx.size
    x = _index(idx, a.size, a.dtype.itemsize, mode, 0)
    _sub.check_host([x])
    _sub.upload([x])
    _sub.run_checks([x])
    if isinstance(src, numpy.generic):
        vst = 0
    else:
        src = _cycled(_sub.detach(src, a), m)
        vst = src._strides[0]
    target = a if a._c else a.copy()
    arr = _sub.detach(x.arr, target)
    _gather.scatter(target._ptr, a.dtype, src, [(m, 0, [arr._strides[0]], vst)],
                    [(arr, x.ext, x.ast)], [x.mode])
    if target is not a:
        _copy.copy_into(a, target)


def _cycled(values, m):
    """The first ``m`` of ``values`` repeated (NumPy's put and putmask repeat short values)."""
    if values.size >= m:
        return values[:m]
    from .ranges import arange
    return take_along(values, arange(m), 0, "wrap")


def put_along_axis(arr, indices, values, axis):
    """See numpy.put_along_axis.

    Differences from NumPy: an element indexed more than once gets an arbitrary one of
    its values.
    """
    if not isinstance(arr, ndarray):
        raise TypeError(f"put_along_axis: arr must be a cuarray.ndarray, not "
                        f"{type(arr).__name__}")
    target = arr
    if axis is None and not arr._c:
        target = arr.copy()         # NumPy writes into np.array(arr.flat): a copy here
    arr2, idx, axis = _along_args(target, indices, axis)
    shape, dims = _along_dims(arr2, idx, axis)
    x = _index(idx, arr2._shape[axis], arr2._strides[axis], "raise", axis)
    x.shape = shape
    _sub.check_host([x])
    _sub.upload([x])
    _sub.run_checks([x])
    src = _sub.as_value(values, arr.dtype)
    if isinstance(src, numpy.generic):
        vst = [0] * len(shape)
    else:
        vst = _sub.value_strides(src, shape)
        src = _sub.detach(src, arr)
    index = _sub.detach(x.arr, arr)
    ist = _ew.broadcast_strides(index, shape)
    _gather.scatter(arr2._ptr, arr.dtype, src,
                    [(e, s, [i], v) for e, s, i, v in zip(shape, dims, ist, vst)],
                    [(index, x.ext, x.ast)], [x.mode])


def _bool_mask(mask, size, message):
    """A mask argument as a C-contiguous device bool array of ``size`` elements."""
    if isinstance(mask, ndarray):
        m = mask if mask.dtype == _BOOL else mask.astype(_BOOL)
    else:
        m = _from_host(numpy.asarray(mask, dtype=_BOOL))
    if m.size != size:
        raise ValueError(message)
    return m if m._c else m.copy()


def place(arr, mask, vals):
    """See numpy.place."""
    if not isinstance(arr, ndarray):
        raise TypeError(f"place() argument 1 must be cuarray.ndarray, not {type(arr).__name__}")
    m = _bool_mask(mask, arr.size, "place: mask and data must be the same size")
    _check_safe(vals, arr.dtype)
    src = _values_1d(vals, arr.dtype)
    offsets, total = _compact.count(m)
    if not total:
        return
    if not src.size:
        raise ValueError("Cannot insert from an empty array!")
    _compact.expand(m, offsets, arr, _sub.detach(src, arr), cyclic=src.size < total)


def _check_safe(values, dt) -> None:
    """place and putmask take array values only where they cast safely (NumPy's rule)."""
    if isinstance(values, (ndarray, numpy.ndarray)) and not numpy.can_cast(values.dtype, dt,
                                                                           "safe"):
        raise TypeError(f"Cannot cast array data from {values.dtype!r} to {dt!r} according to "
                        "the rule 'safe'")


def _values_1d(vals, dt):
    src = _sub.as_value(vals, dt)
    if isinstance(src, numpy.generic):
        return _from_host(numpy.asarray(src).reshape(1))
    return src.ravel()


def putmask(a, mask, values):
    """See numpy.putmask."""
    if not isinstance(a, ndarray):
        raise TypeError("putmask: first argument must be an array")
    m = _bool_mask(mask, a.size, "putmask: mask and data must be the same size")
    m = _sub.detach(m, a).reshape(a._shape)
    _check_safe(values, a.dtype)
    src = _sub.as_value(values, a.dtype)
    dt = a.dtype
    if isinstance(src, numpy.generic):
        _ew.launch(_copy.COPY, [src], (dt,), (dt,), [a], (dt,), where=m)
        return
    src = src.ravel()
    if not src.size or not a.size:
        return
    src = _cycled(_sub.detach(src, a), a.size).reshape(a._shape)
    _ew.launch(_copy.COPY, [src], (src.dtype,), (dt,), [a], (dt,), where=m)


# -- compress, extract, select -----------------------------------------------------------------
def _flat_nonzero(cond):
    """The positions of the true elements of ``cond`` raveled (host or device array)."""
    if isinstance(cond, numpy.ndarray):
        return numpy.flatnonzero(cond)
    m = cond.ravel()
    m = m if m._c else m.copy()
    offsets, total = _compact.count(m)
    return _compact.compact_indices(m, offsets, total)[0]


def compress(condition, a, axis=None, out=None):
    """See numpy.compress."""
    cond = condition if isinstance(condition, ndarray) else numpy.asarray(condition)
    if cond.ndim != 1:
        raise ValueError("condition must be a 1-d array")
    return take(a, _flat_nonzero(cond), axis=axis, out=out)


def compress_method(self, condition, axis=None, out=None):
    """See numpy.ndarray.compress."""
    return compress(condition, self, axis=axis, out=out)


def extract(condition, arr):
    """See numpy.extract."""
    cond = condition if isinstance(condition, ndarray) else numpy.asarray(condition)
    return take(_array(arr).ravel(), _flat_nonzero(cond))


def select(condlist, choicelist, default=0):
    """See numpy.select."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    choices = [c if type(c) in (int, float, complex) else _array(c) for c in choicelist]
    choices.append(default if type(default) in (int, float, complex) else _array(default))
    try:
        dt = numpy.result_type(*[c if type(c) in (int, float, complex)
                                 else numpy.zeros((), c.dtype) for c in choices])
    except TypeError as e:
        raise TypeError(f"Choicelist and default value do not have a common dtype: {e}") from None
    conds = [_array(c) for c in condlist]
    for i, c in enumerate(conds):
        if c.dtype != _BOOL:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
    shape = tuple(numpy.broadcast_shapes(*[c._shape for c in conds],
                                         *[_shape(c) for c in choices]))
    result = _empty(shape, dt)
    _write_where(result, choices[-1], None)
    for choice, cond in zip(choices[-2::-1], conds[::-1]):
        _write_where(result, choice, cond)
    return result


def _write_where(result, value, where) -> None:
    """``copyto(result, value, where=where)`` (``where`` None: everywhere)."""
    dt = result.dtype
    if where is not None:
        where = _view(where, result._shape, _ew.broadcast_strides(where, result._shape),
                      where.dtype, where._ptr)
    if not isinstance(value, ndarray):
        v = numpy.asarray(value).astype(dt)[()]
        _ew.launch(_copy.COPY, [v], (dt,), (dt,), [result], (dt,), where=where)
    else:
        _ew.launch(_copy.COPY, [value], (value.dtype,), (dt,), [result], (dt,), where=where)


# -- nonzero, argwhere, flatnonzero, where ---------------------------------------------------------
def coordinates(a, rows=True):
    """The int64 coordinates of the non-zero elements of device array ``a``: a (ndim,
    count) array (``rows``) or a (count, ndim) one."""
    m = a if a._c else a.copy()
    offsets, total = _compact.count(m)
    return _compact.compact_indices(m, offsets, total, rows)


def nonzero(a):
    """See numpy.nonzero.

    Differences from NumPy: the number of non-zero elements is read back from the
    device (a synchronisation).
    """
    if (a.ndim if isinstance(a, ndarray) else numpy.ndim(a)) == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use "
                         "np.atleast_1d(scalar).nonzero() instead.")
    a = _array(a)
    coords = coordinates(a, rows=False)     # NumPy's layout: columns of a (count, ndim) array
    return tuple(coords[:, j] for j in range(a.ndim))


def argwhere(a):
    """See numpy.argwhere."""
    a = _array(a)
    if a.ndim == 0:
        return coordinates(a.reshape(1)).T[:, :0]
    return coordinates(a).T


def flatnonzero(a):
    """See numpy.flatnonzero."""
    return nonzero(_array(a).ravel())[0]


# -- diagonal -------------------------------------------------------------------------------------
def diagonal(a, offset=0, axis1=0, axis2=1):
    """See numpy.diagonal.

    Differences from NumPy: the result is a writeable view (NumPy's is read-only):
    writing to it writes ``a``.
    """
    a = _array(a)
    nd = a.ndim
    if nd < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    ax1 = normalize_axis_index(axis1, nd, "axis1")
    ax2 = normalize_axis_index(axis2, nd, "axis2")
    if ax1 == ax2:
        raise ValueError("axis1 and axis2 cannot be the same")
    offset = operator.index(offset)
    n1, n2 = a._shape[ax1], a._shape[ax2]
    s1, s2 = a._strides[ax1], a._strides[ax2]
    if offset >= 0:
        length, start = max(0, min(n1, n2 - offset)), offset * s2
    else:
        length, start = max(0, min(n1 + offset, n2)), -offset * s1
    rest = [d for d in range(nd) if d not in (ax1, ax2)]
    shape = tuple(a._shape[d] for d in rest) + (length,)
    strides = tuple(a._strides[d] for d in rest) + (s1 + s2,)
    return _view(a, shape, strides, a.dtype, a._ptr + (start if length else 0))
