"""Array manipulation routines (NumPy reference: "Array manipulation routines").

This module holds the chapter's basic operations, changing shapes and kinds of
array (views wherever NumPy makes views), and the copying helpers ``copyto``,
``require`` and ``asarray_chkfinite``.  Joining and splitting live in
``joining.py``, tiling and adding/removing elements in ``tiling.py``,
rearranging in ``rearranging.py`` and ``pad`` in ``padding.py``.
"""

from __future__ import annotations

import operator

import numpy
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from .._core.ndarray import _empty, _from_host, _view, ndarray
from .._core.shape import best_axis_order, c_strides, f_strides
from .._engine import copy as _copy
from .._engine.elementwise import broadcast_strides

_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")
_SCALARS = (bool, int, float, complex)


def _array(a) -> ndarray:
    if isinstance(a, ndarray):
        return a
    from .creation import asarray
    return asarray(a)


def shape_text(shape) -> str:
    """A shape as NumPy's C code prints it: ``(3,2)``."""
    return "(" + ",".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def slice_axis(a, axis: int, start, stop, step=1) -> ndarray:
    """``a[..., start:stop:step, ...]`` on ``axis`` (Python slice rules), a view."""
    n = a._shape[axis]
    start, stop, step = slice(start, stop, step).indices(n)
    length = len(range(start, stop, step))
    st = a._strides[axis]
    return _view(a, a._shape[:axis] + (length,) + a._shape[axis + 1:],
                 a._strides[:axis] + (st * step,) + a._strides[axis + 1:], a.dtype,
                 a._ptr + (start * st if length else 0))


def check_casting(casting) -> None:
    if casting not in _CASTINGS:
        raise ValueError("casting must be one of 'no', 'equiv', 'safe', 'same_kind', 'unsafe' "
                         f"(got {casting!r})")


# -- changing array shape -----------------------------------------------------------------
def reshape(a, /, shape=None, order="C", *, newshape=None, copy=None):
    """See numpy.reshape."""
    if newshape is not None:
        if shape is not None:
            raise TypeError("You cannot specify 'newshape' and 'shape' arguments at the same time.")
        shape = newshape
    return _array(a).reshape(shape, order=order, copy=copy)


def _flat_order(a, order) -> tuple:
    """(array to read in C or F order, that order) for ravel/flatten's ``order``.

    'K' reads the elements in memory order as NumPy's iterator walks them (by |stride|,
    broadcast axes keeping their place, negative strides not reversed).
    """
    if order is None:
        order = "C"
    if order not in ("C", "F", "A", "K"):
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    if order == "A":
        return a, "F" if a._f and not a._c else "C"
    if order == "K":
        if a._c:
            return a, "C"
        if a._f:
            return a, "F"
        fastest_first = best_axis_order([a._strides], a.ndim)
        return a.transpose(fastest_first[::-1]), "C"
    return a, order


def _dense_in_memory(a) -> bool:
    """Whether ``a``'s elements fill one block with positive strides (NumPy's test for a
    'K' ravel view: PyArray_CreateSortedStridePerm order)."""
    step = a.dtype.itemsize
    for ax in sorted(range(a.ndim), key=lambda i: (abs(a._strides[i]), -i)):
        if a._shape[ax] == 1:
            continue
        if a._strides[ax] != step:
            return False
        step *= a._shape[ax]
    return True


def _flat_copy(a, order) -> ndarray:
    out = _empty((a.size,), a.dtype)
    strides = (c_strides if order == "C" else f_strides)(a._shape, a.dtype.itemsize)
    _copy.copy_into(_view(out, a._shape, strides, a.dtype, out._ptr), a)
    return out


def ravel(a, order="C"):
    """A 1-D view where the memory allows one, else a copy.  See numpy.ravel."""
    a = _array(a)
    if order == "K" and _dense_in_memory(a):
        return _view(a, (a.size,), (a.dtype.itemsize,), a.dtype, a._ptr)
    a, order = _flat_order(a, order)
    if a._c if order == "C" else a._f:
        return _view(a, (a.size,), (a.dtype.itemsize,), a.dtype, a._ptr)
    return _flat_copy(a, order)


def flatten(a, order="C"):
    """A 1-D copy.  See numpy.ndarray.flatten (the ndarray method)."""
    a, order = _flat_order(a, order)
    return _flat_copy(a, order)


# -- transpose-like operations ------------------------------------------------------------
def transpose(a, axes=None):
    """See numpy.transpose."""
    return _array(a).transpose(axes)


def permute_dims(a, axes=None):
    """See numpy.permute_dims."""
    return _array(a).transpose(axes)


def swapaxes(a, axis1, axis2):
    """See numpy.swapaxes."""
    return _array(a).swapaxes(axis1, axis2)


def moveaxis(a, source, destination):
    """See numpy.moveaxis."""
    a = _array(a)
    source = normalize_axis_tuple(source, a.ndim, "source")
    destination = normalize_axis_tuple(destination, a.ndim, "destination")
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have the same number of "
                         "elements")
    order = [n for n in range(a.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return a.transpose(order)


def rollaxis(a, axis, start=0):
    """See numpy.rollaxis."""
    a = _array(a)
    n = a.ndim
    axis = normalize_axis_index(axis, n)
    start = operator.index(start)
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        raise numpy.exceptions.AxisError(
            f"'start' arg requires {-n} <= start < {n + 1}, but {start} was passed in")
    if axis < start:
        start -= 1
    if axis == start:
        return _view(a, a._shape, a._strides, a.dtype, a._ptr)
    axes = list(range(n))
    axes.remove(axis)
    axes.insert(start, axis)
    return a.transpose(axes)


# -- changing number of dimensions ----------------------------------------------------------
def _with_unit_axes(a, positions, ndim) -> ndarray:
    """``a`` viewed with length-1 axes at ``positions`` of an ``ndim``-d result."""
    it = iter(zip(a._shape, a._strides))
    shape, strides = [], []
    for ax in range(ndim):
        s, st = (1, 0) if ax in positions else next(it)
        shape.append(s)
        strides.append(st)
    return _view(a, tuple(shape), tuple(strides), a.dtype, a._ptr)


def expand_dims(a, axis):
    """See numpy.expand_dims."""
    a = _array(a)
    if not isinstance(axis, (tuple, list)):
        axis = (axis,)
    out_ndim = len(axis) + a.ndim
    return _with_unit_axes(a, normalize_axis_tuple(axis, out_ndim), out_ndim)


def squeeze(a, axis=None):
    """See numpy.squeeze."""
    a = _array(a)
    if isinstance(axis, tuple):
        norm = [normalize_axis_index(operator.index(x), a.ndim) for x in axis]
        if len(set(norm)) != len(norm):
            raise ValueError("duplicate value in 'axis'")
    return a.squeeze(axis)


def atleast_1d(*arys):
    """See numpy.atleast_1d."""
    res = [_at_least(_array(x), 1) for x in arys]
    return res[0] if len(res) == 1 else tuple(res)


def atleast_2d(*arys):
    """See numpy.atleast_2d."""
    res = [_at_least(_array(x), 2) for x in arys]
    return res[0] if len(res) == 1 else tuple(res)


def atleast_3d(*arys):
    """See numpy.atleast_3d (a 1-D array becomes (1, N, 1), a 2-D one (M, N, 1))."""
    res = []
    for x in arys:
        x = _array(x)
        if x.ndim == 0:
            x = _with_unit_axes(x, (0, 1, 2), 3)
        elif x.ndim == 1:
            x = _with_unit_axes(x, (0, 2), 3)
        elif x.ndim == 2:
            x = _with_unit_axes(x, (2,), 3)
        res.append(x)
    return res[0] if len(res) == 1 else tuple(res)


def _at_least(x, ndim) -> ndarray:
    if x.ndim >= ndim:
        return x
    return _with_unit_axes(x, tuple(range(ndim - x.ndim)), ndim)


# -- broadcasting ---------------------------------------------------------------------------
def broadcast_shapes(*args):
    """See numpy.broadcast_shapes (pure shape arithmetic, done by NumPy)."""
    return numpy.broadcast_shapes(*args)


def broadcast_to(array, shape, subok=False):
    """A broadcast view (stride 0 on stretched axes).  See numpy.broadcast_to.

    Differences from NumPy: the view is not marked read-only; writing to it writes
    the shared elements.
    """
    a = _array(array)
    shape = tuple(operator.index(s) for s in shape) if numpy.iterable(shape) else (
        operator.index(shape),)
    if not shape and a._shape:
        raise ValueError("cannot broadcast a non-scalar to a scalar array")
    if any(s < 0 for s in shape):
        raise ValueError("all elements of broadcast shape must be non-negative")
    if a.ndim > len(shape):
        raise ValueError("input operand has more dimensions than allowed by the axis remapping")
    lead = len(shape) - a.ndim
    if any(s != 1 and s != n for s, n in zip(a._shape, shape[lead:])):
        raise ValueError("operands could not be broadcast together with remapped shapes "
                         f"[original->remapped]: {shape_text(a._shape)}  and requested shape "
                         f"{shape_text(shape)}")
    return _view(a, shape, broadcast_strides(a, shape), a.dtype, a._ptr)


def broadcast_arrays(*args, subok=False):
    """See numpy.broadcast_arrays (a tuple of views, as NumPy 2 returns)."""
    arrays = [_array(a) for a in args]
    shape = numpy.broadcast_shapes(*[a._shape for a in arrays])
    return tuple(a if a._shape == shape else broadcast_to(a, shape) for a in arrays)


# -- copying ----------------------------------------------------------------------------------
def copyto(dst, src, casting="same_kind", where=True):
    """See numpy.copyto."""
    if not isinstance(dst, ndarray):
        raise TypeError(f"copyto() argument 1 must be a cuarray.ndarray, not "
                        f"{type(dst).__name__}")
    check_casting(casting)
    value = _copy_source(src, dst.dtype, casting)
    mask = _where_mask(where, dst)
    if mask is False:
        return
    if isinstance(value, ndarray):
        while value.ndim > dst.ndim and value._shape[0] == 1:     # NumPy drops these
            value = _view(value, value._shape[1:], value._strides[1:], value.dtype, value._ptr)
        if value._shape != dst._shape and not _broadcastable(value._shape, dst._shape):
            raise ValueError(f"could not broadcast input array from shape "
                             f"{shape_text(value._shape)} into shape {shape_text(dst._shape)}")
        from ._methods import _overlaps
        if value is dst or (value.dtype == dst.dtype and value._ptr == dst._ptr
                            and value._strides == dst._strides and value._shape == dst._shape):
            return                  # copying an array onto itself
        if _overlaps(value, dst):
            value = value.copy()
    if mask is None:
        if isinstance(value, ndarray):
            _copy.copy_into(dst, value)
        else:
            _copy.fill(dst, value)
        return
    from .._engine import elementwise as _ew
    storage = (value.dtype if isinstance(value, ndarray) else dst.dtype,)
    _ew.launch(_copy.COPY, [value], storage, (dst.dtype,), [dst], (dst.dtype,), where=mask)


def _copy_source(src, dt, casting):
    """``src`` as a device array, or as a NumPy scalar of ``dt`` (checked against ``casting``)."""
    from ._methods import _scalar
    if isinstance(src, _SCALARS):
        weak = numpy.result_type(src, dt)       # NEP 50: a Python scalar takes dst's kind
        if not numpy.can_cast(weak, dt, casting):
            raise TypeError(f"Cannot cast scalar from {weak!r} to {dt!r} according to the rule "
                            f"{casting!r}")
        return _scalar(src, dt)
    if isinstance(src, numpy.generic) or (isinstance(src, numpy.ndarray) and src.ndim == 0):
        host = numpy.asarray(src)
        _check_cast(host.dtype, dt, casting, "scalar")
        return _scalar(host[()], dt)
    value = src if isinstance(src, ndarray) else None
    if value is None:
        from .creation import as_device_array
        value = as_device_array(src)
    _check_cast(value.dtype, dt, casting, "array data")
    return value


def _check_cast(src_dt, dt, casting, what) -> None:
    if not numpy.can_cast(src_dt, dt, casting):
        raise TypeError(f"Cannot cast {what} from {src_dt!r} to {dt!r} according to the rule "
                        f"{casting!r}")


def _where_mask(where, dst):
    """None (copy everything), False (copy nothing) or a bool device array."""
    if where is True or (isinstance(where, (numpy.bool_,)) and where):
        return None
    if where is False or (isinstance(where, numpy.bool_) and not where):
        return False
    if isinstance(where, (ndarray, numpy.ndarray)) or hasattr(where, "__cuda_array_interface__"):
        mask = where if isinstance(where, numpy.ndarray) else _array(where)
        _check_cast(mask.dtype, numpy.dtype(bool), "safe", "array data")
    else:
        mask = numpy.asarray(where, dtype=bool)
    if isinstance(mask, numpy.ndarray):
        mask = _from_host(numpy.ascontiguousarray(mask))
    if not _broadcastable(mask._shape, dst._shape):
        raise ValueError(f"could not broadcast where mask from shape {shape_text(mask._shape)} "
                         f"into shape {shape_text(dst._shape)}")
    return mask


def _broadcastable(shape, target) -> bool:
    if len(shape) > len(target):
        return False
    return all(s == 1 or s == t for s, t in zip(shape, target[len(target) - len(shape):]))


_REQUIREMENTS = {"C": "C", "C_CONTIGUOUS": "C", "CONTIGUOUS": "C", "F": "F",
                 "F_CONTIGUOUS": "F", "FORTRAN": "F", "A": "A", "ALIGNED": "A", "W": "W",
                 "WRITEABLE": "W", "O": "O", "OWNDATA": "O", "E": "E", "ENSUREARRAY": "E"}


def require(a, dtype=None, requirements=None, *, like=None):
    """See numpy.require.  Device arrays are always aligned and writeable."""
    from .creation import array, asarray
    if not requirements:
        return asarray(a, dtype=dtype)
    reqs = {_REQUIREMENTS[x.upper()] for x in requirements}
    reqs.discard("E")
    if reqs >= {"C", "F"}:
        raise ValueError('Cannot specify both "C" and "F" order')
    order = "A"
    for o in ("C", "F"):
        if o in reqs:
            order = o
            reqs.discard(o)
    arr = array(a, dtype=dtype, order=order, copy=None)
    for prop in reqs:
        if not arr.flags[prop]:
            return arr.copy(order)
    return arr


def asarray_chkfinite(a, dtype=None, order=None):
    """See numpy.asarray_chkfinite.  Checking the values reads one flag back (a sync)."""
    from .creation import asarray
    a = asarray(a, dtype=dtype, order=order)
    if a.dtype.kind in "fc" and a.size:
        from .._ufunc.namespace import isfinite
        from .reductions import all as _all
        if not bool(_all(isfinite(a))):
            raise ValueError("array must not contain infs or NaNs")
    return a
