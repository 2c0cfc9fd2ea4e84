"""Array creation routines (NumPy reference: "Array creation routines")."""

from __future__ import annotations

import numpy

from .._core.dtypes import check_supported, get_dtype
from .._core.ndarray import _empty, _from_host, ndarray
from .._core.shape import normalize_shape
from .._engine import copy as _copy


def _order(order) -> str:
    if order not in ("C", "F"):
        raise ValueError(f"order must be one of 'C' or 'F' (got {order!r})")
    return order


def empty(shape, dtype=float, order="C", *, device=None, like=None):
    """See numpy.empty."""
    return _empty(normalize_shape(shape), get_dtype(dtype), _order(order))


def zeros(shape, dtype=float, order="C", *, device=None, like=None):
    """See numpy.zeros."""
    a = empty(shape, dtype, order)
    _copy.fill(a, a.dtype.type(0))
    return a


def ones(shape, dtype=None, order="C", *, device=None, like=None):
    """See numpy.ones."""
    a = empty(shape, dtype, order)
    _copy.fill(a, a.dtype.type(1))
    return a


def full(shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    """See numpy.full."""
    if dtype is None:
        dtype = fill_value.dtype if isinstance(fill_value, ndarray) else \
            numpy.asarray(fill_value).dtype
    a = empty(shape, dtype, order)
    a.fill(fill_value)
    return a


def asarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """See numpy.asarray.  Host data (NumPy arrays, lists, scalars) is copied to the device."""
    if isinstance(a, ndarray):
        dt = a.dtype if dtype is None else get_dtype(dtype)
        if copy:
            return a.astype(dt, order=order or "K", copy=True)
        if dt != a.dtype or order == "C" and not a._c or order == "F" and not a._f:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            return a.astype(dt, order=order or "K")
        return a
    if hasattr(a, "__cuda_array_interface__"):
        from .interop import from_cuda_array_interface
        return asarray(from_cuda_array_interface(a), dtype, order, copy=copy)
    if copy is False:
        raise ValueError("Unable to avoid copy while creating an array as requested: host data "
                         "must be copied to the device")
    host = numpy.asarray(a, dtype=None if dtype is None else get_dtype(dtype),
                         order=order if order in ("C", "F") else None)
    if host.dtype.kind not in "biufc":
        raise TypeError(f"cuarray does not support dtype {host.dtype} (from "
                        f"{type(a).__name__})")
    if not host.dtype.isnative:
        host = host.astype(host.dtype.newbyteorder("="))
    check_supported(host.dtype)
    return _from_host(host)


def array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0, *, like=None):
    """See numpy.array."""
    if isinstance(obj, ndarray):
        dt = obj.dtype if dtype is None else get_dtype(dtype)
        out = obj.astype(dt, order=order, copy=bool(copy)) if copy is not None else \
            asarray(obj, dt)
    else:
        out = asarray(obj, dtype, order if order in ("C", "F") else None,
                      copy=None if copy is not False else False)
    if ndmin > out.ndim:
        out = out.reshape((1,) * (ndmin - out.ndim) + out._shape)
    return out


def asnumpy(a, stream=None, order="C", out=None, *, blocking=True):
    """A host (NumPy) copy of ``a``.  See cupy.asnumpy."""
    if isinstance(a, ndarray):
        return a.get(stream=stream, order=order, out=out, blocking=blocking)
    if hasattr(a, "__cuda_array_interface__"):
        return asarray(a).get(stream=stream, order=order, out=out)
    if out is not None:
        out[...] = a
        return out
    return numpy.asarray(a, order=order)
