"""Tiling arrays and adding or removing elements (NumPy reference): tile, repeat, resize,
the ndarray.resize method, insert, delete, append, trim_zeros.

tile and a scalar repeat are one broadcast copy each (the source viewed with stride 0
along the repeated axes).  Per-element repeats, delete and insert build, on the host,
the source index of every output position along the axis (the routine's argument is
host data, or is read back once when it is device data: the result's shape depends on
it) and gather with one ``_remap`` kernel.  Results are laid out as NumPy lays them out
(C for repeat and tile, the input's order for delete/insert, NumPy's advanced-indexing
layout where NumPy's delete indexes with a mask).
"""

from __future__ import annotations

import operator

import numpy
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from .._core.ndarray import _allocate, _empty, _from_host, _view, ndarray
from .._core.shape import c_strides, contiguity, f_strides, prod
from .._engine import copy as _copy
from . import _remap
from .manipulation import _array, ravel, shape_text, slice_axis

_INTP = numpy.dtype(numpy.intp)


def _host(x):
    """Host (NumPy) data for an index-like argument; device data is read back (a sync)."""
    from .creation import is_device
    if is_device(x):
        return _array(x).get()
    return x


def _table(values, n) -> _remap.AxisMap:
    """A 'table' axis map reading source indices ``values`` (host ints) of a length-n axis."""
    return _remap.AxisMap("table", n=n, table=_from_host(numpy.ascontiguousarray(values,
                                                                                 numpy.int64)))


def _gather_axis(out, src, axis, indices) -> None:
    """out = src[..., indices, ...] along ``axis`` (host indices, already in range)."""
    maps = [_remap.IDENTITY] * src.ndim
    maps[axis] = _table(indices, src._shape[axis])
    _remap.remap(out, src, maps)


# -- tile and repeat -----------------------------------------------------------------------
def tile(A, reps):
    """See numpy.tile (one broadcast copy)."""
    from .creation import array
    try:
        tup = tuple(reps)
    except TypeError:
        tup = (reps,)
    tup = tuple(operator.index(t) for t in tup)
    d = len(tup)
    if all(t == 1 for t in tup) and isinstance(A, ndarray):
        return array(A, copy=True, ndmin=d)
    c = array(A, copy=None, ndmin=d)
    if any(t < 0 for t in tup):
        raise ValueError("negative dimensions are not allowed")
    tup = (1,) * (c.ndim - d) + tup
    shape_out = tuple(s * t for s, t in zip(c._shape, tup))
    out = _empty(shape_out, c.dtype)
    if out.size:
        # out as (t0, s0, t1, s1, ...) in C order; the source repeats with stride 0 on t_k.
        inter = tuple(x for t, s in zip(tup, c._shape) for x in (t, s))
        src_st = tuple(x for st in c._strides for x in (0, st))
        dst = _view(out, inter, c_strides(inter, out.dtype.itemsize), out.dtype, out._ptr)
        _copy.copy_into(dst, _view(c, inter, src_st, c.dtype, c._ptr))
    return out


def _repeat_counts(repeats, n):
    """The repeat counts as NumPy reads them: an int, or an intp array of length n.

    Arrays must cast to intp safely; Python objects (and NumPy scalars) are converted
    as ``numpy.array(x, dtype=intp)`` converts them (2.5 -> 2), as NumPy's repeat does.
    """
    from .creation import is_device
    if is_device(repeats) or isinstance(repeats, numpy.ndarray):
        r = numpy.asarray(_host(repeats))
        if not numpy.can_cast(r.dtype, _INTP, "safe"):
            what = "scalar" if r.ndim == 0 else "array data"
            raise TypeError(f"Cannot cast {what} from {r.dtype!r} to {_INTP!r} according to the "
                            "rule 'safe'")
    else:
        r = numpy.array(repeats, dtype=_INTP)
    if r.ndim > 1:
        raise ValueError("setting an array element with a sequence. The requested array would "
                         "exceed the maximum number of dimension of 1.")
    r = r.astype(_INTP).ravel()
    if r.size == 1:
        if r[0] < 0:
            raise ValueError("negative dimensions are not allowed")
        return int(r[0])
    if r.size != n:
        raise ValueError(f"operands could not be broadcast together with shape ({n},) "
                         f"({r.size},)")
    if (r < 0).any():
        raise ValueError("repeats may not contain negative values.")
    return r


def repeat(a, repeats, axis=None):
    """See numpy.repeat.

    Differences from NumPy: per-element ``repeats`` given as a device array are read
    back to the host (one synchronisation): the result's shape depends on them.
    """
    a = _array(a)
    if axis is None or a.ndim == 0:     # NumPy repeats a 0-d array as a 1-d one
        a = ravel(a)
    axis = 0 if axis is None else normalize_axis_index(axis, a.ndim)
    n = a._shape[axis]
    counts = _repeat_counts(repeats, n)
    length = counts * n if isinstance(counts, int) else int(counts.sum())
    out = _empty(a._shape[:axis] + (length,) + a._shape[axis + 1:], a.dtype)
    if not out.size:
        return out
    if isinstance(counts, int):
        # out as (pre, n, count, post); the source with stride 0 on the count axis.
        shape = a._shape[:axis + 1] + (counts,) + a._shape[axis + 1:]
        st = a._strides[:axis + 1] + (0,) + a._strides[axis + 1:]
        dst = _view(out, shape, c_strides(shape, out.dtype.itemsize), out.dtype, out._ptr)
        _copy.copy_into(dst, _view(a, shape, st, a.dtype, a._ptr))
    else:
        _gather_axis(out, a, axis, numpy.repeat(numpy.arange(n), counts))
    return out


# -- resize ----------------------------------------------------------------------------------
def resize(a, new_shape):
    """See numpy.resize (one kernel: the flat source read cyclically)."""
    if isinstance(new_shape, (int, numpy.integer)):
        new_shape = (new_shape,)
    a = ravel(_array(a))
    new_shape = tuple(operator.index(s) for s in new_shape)
    if any(s < 0 for s in new_shape):
        raise ValueError("all elements of `new_shape` must be non-negative")
    out = _empty(new_shape, a.dtype)
    size = out.size
    if a.size == 0 or size == 0:
        _copy.fill(out, a.dtype.type(0))
        return out
    flat = _view(out, (size,), (a.dtype.itemsize,), a.dtype, out._ptr)
    if size <= a.size:
        _copy.copy_into(flat, slice_axis(a, 0, 0, size))
    else:
        _remap.remap(flat, a, [_remap.AxisMap("wrap", 0, a.size)])
    return out


def resize_inplace(self, *new_shape, refcheck=True):
    """ndarray.resize: change the shape and size in place; new elements are zero.

    See numpy.ndarray.resize.  Differences from NumPy: ``refcheck`` is not checked
    (Python's reference counts do not tell which arrays view this one); views made
    before the call keep the old memory.
    """
    if not new_shape or (len(new_shape) == 1 and new_shape[0] is None):
        return None
    if len(new_shape) == 1 and not isinstance(new_shape[0], (int, numpy.integer)):
        new_shape = new_shape[0]
    shape = tuple(operator.index(s) for s in new_shape)
    if any(s < 0 for s in shape):
        raise ValueError("negative dimensions not allowed")
    if not (self._c or self._f):
        raise ValueError("resize only works on single-segment arrays")
    itemsize = self.dtype.itemsize
    size = prod(shape)
    if size != self.size:
        if self.base is not None:
            raise ValueError("cannot resize this array: it does not own its data")
        from ..cuda import _copy as _raw
        mp = _allocate(size * itemsize)
        keep = min(size, self.size) * itemsize
        _raw.dtod(mp.ptr, self._ptr, keep)
        if size * itemsize > keep:
            _raw.memset8(mp.ptr + keep, 0, size * itemsize - keep)
        self._mp, self._ptr, self.size = mp, mp.ptr, size
    order = "F" if self._f and not self._c else "C"
    self._shape = shape
    self._strides = (c_strides if order == "C" else f_strides)(shape, itemsize)
    self._c, self._f = contiguity(shape, self._strides, itemsize)
    return None


# -- delete, insert, append ------------------------------------------------------------------
def _prepare(arr, axis):
    """(array, axis, output order) as NumPy's delete and insert set them up."""
    arr = _array(arr)
    order = "F" if arr._f and not arr._c else "C"
    if axis is None:
        if arr.ndim != 1:
            arr = ravel(arr)
        return arr, arr.ndim - 1, order
    return arr, normalize_axis_index(axis, arr.ndim), order


def _with_axis(shape, axis, n) -> tuple:
    return shape[:axis] + (n,) + shape[axis + 1:]


def _copy_runs(new, arr, axis, runs) -> None:
    """new[..., dst:dst+len, ...] = arr[..., src:src+len, ...] for each (dst, src, len)."""
    for dst, src, length in runs:
        if length:
            _copy.copy_into(slice_axis(new, axis, dst, dst + length),
                            slice_axis(arr, axis, src, src + length))


def advanced_strides(shape, itemsize, strides, axis) -> tuple:
    """Strides NumPy's advanced indexing gives ``a[..., idx, ...]`` (``a`` with
    ``strides``): the indexed axis outermost, the others in ``a``'s memory order."""
    rest = sorted((d for d in range(len(shape)) if d != axis),
                  key=lambda d: (-abs(strides[d]), d))
    out = [0] * len(shape)
    step = itemsize
    for d in reversed([axis] + rest):
        out[d] = step
        step *= shape[d] or 1
    return tuple(out)


def delete(arr, obj, axis=None):
    """See numpy.delete.

    Differences from NumPy: an ``obj`` given as a device array is read back to the
    host (one synchronisation): the result's shape depends on it.
    """
    arr, axis, order = _prepare(arr, axis)
    n = arr._shape[axis]
    if isinstance(obj, slice):
        xr = range(*obj.indices(n))
        if len(xr) <= 0:
            return arr.copy(order=order)
        keep = numpy.ones(n, bool)
        keep[obj] = False
        new = _empty(_with_axis(arr._shape, axis, n - len(xr)), arr.dtype, order)
        if abs(xr.step) == 1:
            start, stop = min(xr[0], xr[-1]), max(xr[0], xr[-1]) + 1
            _copy_runs(new, arr, axis, [(0, 0, start), (start, stop, n - stop)])
        else:
            _gather_axis(new, arr, axis, numpy.flatnonzero(keep))
        return new
    single = isinstance(obj, (int, numpy.integer)) and not isinstance(obj, (bool, numpy.bool_))
    if not single:
        given = obj
        obj = numpy.asarray(_host(obj))
        if obj.size == 0 and not isinstance(given, (numpy.ndarray, ndarray)):
            obj = obj.astype(_INTP)
        elif obj.size == 1 and obj.dtype.kind in "ui":
            obj, single = obj.item(), True
    if single:
        if obj < -n or obj >= n:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {n}")
        if obj < 0:
            obj += n
        new = _empty(_with_axis(arr._shape, axis, n - 1), arr.dtype, order)
        _copy_runs(new, arr, axis, [(0, 0, obj), (obj, obj + 1, n - obj - 1)])
        return new
    if obj.dtype == bool:
        if obj.shape != (n,):
            raise ValueError("boolean array argument obj to delete must be one dimensional and "
                             f"match the axis length of {n}")
        keep = ~obj
    else:
        keep = numpy.ones(n, dtype=bool)
        keep[obj,] = False
    kept = numpy.flatnonzero(keep)
    from .creation import empty_strided
    shape = _with_axis(arr._shape, axis, kept.size)
    new = empty_strided(shape, arr.dtype, advanced_strides(shape, arr.dtype.itemsize,
                                                           arr._strides, axis))
    _gather_axis(new, arr, axis, kept)
    return new


def _values_array(values, dt, ndmin=0) -> ndarray:
    """``values`` converted as NumPy's ``array(values, dtype=dt, ndmin=ndmin)``."""
    from .creation import array
    return array(values, dtype=dt, copy=None, ndmin=ndmin)


def _broadcast_into(values, shape, what) -> ndarray:
    from .manipulation import broadcast_to
    try:
        if numpy.broadcast_shapes(values._shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"{what} of shape {shape_text(values._shape)} could not be broadcast "
                         f"to indexing result of shape {shape_text(shape)}") from None
    return broadcast_to(values, shape)


def insert(arr, obj, values, axis=None):
    """See numpy.insert.

    Differences from NumPy: an ``obj`` given as a device array is read back to the
    host (one synchronisation): the result's shape depends on it.
    """
    from .manipulation import moveaxis
    arr, axis, order = _prepare(arr, axis)
    n = arr._shape[axis]
    if isinstance(obj, slice):
        indices = numpy.arange(*obj.indices(n), dtype=_INTP)
    else:
        indices = numpy.array(_host(obj))
        if indices.dtype == bool:
            if indices.ndim != 1:
                raise ValueError("boolean array argument obj to insert must be one dimensional")
            indices = numpy.flatnonzero(indices)
        elif indices.ndim > 1:
            raise ValueError("index array argument obj to insert must be one dimensional or "
                             "scalar")
    if indices.size == 1:
        index = indices.item()
        if index < -n or index > n:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {n}")
        if index < 0:
            index += n
        vals = _values_array(values, arr.dtype, arr.ndim)
        if indices.ndim == 0:
            vals = moveaxis(vals, 0, axis)
        numnew = vals._shape[axis]
        new = _empty(_with_axis(arr._shape, axis, n + numnew), arr.dtype, order)
        _copy_runs(new, arr, axis, [(0, 0, index), (index + numnew, index, n - index)])
        slot = slice_axis(new, axis, index, index + numnew)
        if numpy.broadcast_shapes(vals._shape, slot._shape) != slot._shape:
            raise ValueError(f"could not broadcast input array from shape "
                             f"{shape_text(vals._shape)} into shape {shape_text(slot._shape)}")
        _copy.copy_into(slot, vals)
        return new
    if indices.size == 0 and not isinstance(obj, (numpy.ndarray, ndarray)):
        indices = indices.astype(_INTP)
    indices[indices < 0] += n
    numnew = len(indices)
    order_ = indices.argsort(kind="mergesort")
    indices[order_] += numpy.arange(numnew)
    total = n + numnew
    old_mask = numpy.ones(total, dtype=bool)
    old_mask[indices] = False
    new = _empty(_with_axis(arr._shape, axis, total), arr.dtype, order)
    # The source: arr followed by the values broadcast to the inserted slots.
    vals = _broadcast_into(_insert_values(values, arr.dtype),
                           _with_axis(arr._shape, axis, numnew), "shape mismatch: value array")
    table = numpy.empty(total, numpy.int64)
    table[old_mask] = numpy.arange(n)
    table[indices] = n + numpy.arange(numnew)
    from .joining import concatenate
    _gather_axis(new, concatenate([arr, vals], axis=axis), axis, table)
    return new


def _insert_values(values, dt) -> ndarray:
    """Values stored by ``new[..., indices, ...] = values``: NumPy's assignment casts."""
    from ._methods import _scalar
    from .creation import is_device
    if is_device(values):
        v = _array(values)
        return v if v.dtype == dt else v.astype(dt)
    if isinstance(values, (bool, int, float, complex, numpy.generic)):
        return _from_host(numpy.asarray(_scalar(values, dt)))
    host = numpy.asarray(values)
    if host.dtype.kind not in "biufc":
        raise TypeError(f"cannot insert values of dtype {host.dtype}")
    return _from_host(numpy.ascontiguousarray(host.astype(dt)))


def append(arr, values, axis=None):
    """See numpy.append."""
    from .joining import concatenate
    arr = _array(arr)
    if axis is None:
        if arr.ndim != 1:
            arr = ravel(arr)
        values = ravel(_array(values))
        axis = arr.ndim - 1
    return concatenate((arr, values), axis=axis)


# -- trim_zeros --------------------------------------------------------------------------------
def trim_zeros(filt, trim="fb", axis=None):
    """See numpy.trim_zeros (NumPy 2's ``axis``).  A view of ``filt``.

    Finding the bounds reads back one small array (a synchronisation): the result's
    shape depends on the data.
    """
    a = _array(filt)
    trim = trim.lower()
    if trim not in {"fb", "bf", "f", "b"}:
        raise ValueError(f"unexpected character(s) in `trim`: {trim!r}")
    if axis is None:
        axes = tuple(range(a.ndim))
    else:
        axes = normalize_axis_tuple(axis, a.ndim, argname="axis")
    if not axes:
        return filt
    bounds = _nonzero_bounds(a, axes)
    key = []
    for ax in range(a.ndim):
        if ax not in axes:
            key.append((None, None))
        elif bounds is None:
            key.append((0, 0))
        else:
            start, stop = bounds[ax]
            key.append((start if "f" in trim else None, stop if "b" in trim else None))
    out = a
    for ax, (start, stop) in enumerate(key):
        out = slice_axis(out, ax, start, stop)
    return out


def _nonzero_bounds(a, axes):
    """{axis: (first, last + 1)} of the nonzero elements along each of ``axes``, or None
    when every element is zero."""
    if not a.size:
        return None
    from .._ufunc.namespace import not_equal
    from .joining import stack
    from .reductions import any as _any
    from .reductions import argmax
    from .rearranging import flip
    nz = not_equal(a, 0)
    parts = []
    for ax in axes:
        others = tuple(d for d in range(a.ndim) if d != ax)
        v = _any(nz, axis=others) if others else nz
        parts += [argmax(v), argmax(flip(v)), _any(v)]
    values = stack([p.astype(numpy.int64) for p in parts]).get()
    if not values[2]:
        return None
    return {ax: (int(values[3 * i]), a._shape[ax] - int(values[3 * i + 1]))
            for i, ax in enumerate(axes)}

