"""ndarray methods that need kernels, installed onto the class from this layer.

The ndarray module itself holds no math (ARCHITECTURE.md); these methods are
plain functions attached by :func:`install` when cuarray is imported.
"""

from __future__ import annotations

import warnings

import numpy

from .._core import indexing as _indexing
from .._core.dtypes import get_dtype
from .._core.ndarray import _empty, _from_host, _view, ndarray
from .. import _lazy
from .._engine import copy as _copy


def _layout(a, order) -> str:
    if order in ("K", "A"):
        return "F" if a._f and not a._c else "C"
    if order not in ("C", "F"):
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    return order


def copy(self, order="C"):
    """See numpy.ndarray.copy."""
    out = _empty(self._shape, self.dtype, _layout(self, order))
    _copy.copy_into(out, self)
    return out


def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """See numpy.ndarray.astype."""
    dt = get_dtype(dtype)
    if not numpy.can_cast(self.dtype, dt, casting):
        raise TypeError(f"Cannot cast array data from {self.dtype!r} to {dt!r} according to the "
                        f"rule {casting!r}")
    layout = _layout(self, order)
    if not copy and dt == self.dtype and (order == "K" or layout == "C" and self._c
                                          or layout == "F" and self._f):
        return self
    if self.dtype.kind == "c" and dt.kind != "c":
        warnings.warn("Casting complex values to real discards the imaginary part",
                      numpy.exceptions.ComplexWarning, stacklevel=2)
    out = _empty(self._shape, dt, layout)
    _copy.copy_into(out, self)
    return out


def fill(self, value):
    """See numpy.ndarray.fill."""
    if isinstance(value, ndarray):
        if value.size != 1:
            raise ValueError("fill takes a scalar or a size-1 array")
        _copy.copy_into(self, value.reshape(()))
        return
    _copy.fill(self, _scalar(value, self.dtype))


def _scalar(value, dt):
    """``value`` as a NumPy scalar of ``dt`` (NumPy 2: out-of-range Python ints raise)."""
    if isinstance(value, numpy.generic):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", numpy.exceptions.ComplexWarning)
            return value.astype(dt)
    if isinstance(value, complex) and dt.kind != "c":
        warnings.warn("Casting complex values to real discards the imaginary part",
                      numpy.exceptions.ComplexWarning, stacklevel=3)
        value = value.real
    return dt.type(value)


def __setitem__(self, key, value):
    """``self[key] = value``; values broadcast and cast as NumPy's do.  See numpy.ndarray.

    Differences from NumPy: where an advanced index selects an element more than once
    (``a[[0, 0]] = [1, 2]``), NumPy leaves the result unspecified; here the writes run
    concurrently and an arbitrary one wins.  Device index arrays are bounds-checked on
    the device, which costs one stream synchronisation (see cuarray._routines._subscript).
    """
    view = _indexing.basic_view(self, key)
    if view is None:
        from . import _subscript        # advanced indexing loads its kernels on first use
        _subscript.setitem(self, key, value)
        return
    if not isinstance(value, (bool, int, float, complex, numpy.generic)):
        from . import _subscript
        single = not view._shape and not (key is Ellipsis or isinstance(key, tuple) and
                                          any(k is Ellipsis for k in key))
        _subscript.check_view_value(value, view.ndim, single)
    if isinstance(value, ndarray):
        src = value
    elif isinstance(value, (bool, int, float, complex, numpy.generic)):
        _copy.fill(view, _scalar(value, self.dtype))
        return
    elif hasattr(value, "__cuda_array_interface__"):
        from .creation import asarray
        src = asarray(value)
    else:
        host = numpy.asarray(value)
        if host.dtype.kind not in "biufc":
            raise TypeError(f"cannot assign {type(value).__name__} of dtype {host.dtype} to a "
                            f"{self.dtype} array")
        if host.dtype != self.dtype:
            host = host.astype(self.dtype)
        src = _from_host(host)
    fresh = src is not value
    if len(src._shape) > len(view._shape) and src._shape[0] == 1:
        src = _strip_leading_ones(src, len(view._shape))     # NumPy drops them too
    if numpy.broadcast_shapes(src._shape, view._shape) != view._shape:
        raise ValueError(f"could not broadcast input array from shape {src._shape} into shape "
                         f"{view._shape}")
    if fresh or not _overlaps(src, view):
        _copy.copy_into(view, src)
    else:
        _copy.copy_into(view, src.copy())


def _strip_leading_ones(src, ndim):
    shape, strides = src._shape, src._strides
    while len(shape) > ndim and shape[0] == 1:
        shape, strides = shape[1:], strides[1:]
    return _view(src, shape, strides, src.dtype, src._ptr)


def _overlaps(a, b) -> bool:
    from .._ufunc.ufunc import _span
    if not a.size or not b.size:
        return False
    lo, hi = _span(a)
    blo, bhi = _span(b)
    return lo < bhi and blo < hi


def install() -> None:
    for fn in (copy, astype, fill, __setitem__):
        setattr(ndarray, fn.__name__, fn)
    _indexing.set_advanced(_advanced_getitem)       # ndarray.__getitem__'s advanced keys
    # Methods whose chapters load on first use (NumPy's methods take the functions'
    # arguments after ``self``).
    for names, module in (
            (("sum", "prod", "max", "min", "all", "any", "argmax", "argmin"), "reductions"),
            (("mean", "var", "std"), "statistics"),
            (("cumsum", "cumprod"), "cumulative"),
            (("flatten", "ravel"), "manipulation")):
        for name in names:
            _lazy.method(ndarray, name, f"cuarray._routines.{module}")
    if hasattr(numpy.ndarray, "ptp"):
        _lazy.method(ndarray, "ptp", "cuarray._routines.reductions")
    _lazy.method(ndarray, "resize", "cuarray._routines.tiling", "resize_inplace")
    for name in ("nonzero", "take", "put", "choose", "diagonal"):
        _lazy.method(ndarray, name, "cuarray._routines.indexing")
    _lazy.method(ndarray, "compress", "cuarray._routines.indexing", "compress_method")
    _lazy.method(ndarray, "repeat", "cuarray._routines._methods", "_repeat_method")
    _lazy.method(ndarray, "clip", "cuarray._routines.math")
    _lazy.method(ndarray, "round", "cuarray._routines.math")
    for name in ("conj", "conjugate"):
        _lazy.method(ndarray, name, "cuarray._ufunc.namespace", "conjugate")
    _lazy.method(ndarray, "sort", "cuarray._routines.sorting", "sort_inplace")
    _lazy.method(ndarray, "partition", "cuarray._routines.sorting", "partition_inplace")
    for name in ("argsort", "argpartition", "searchsorted"):
        _lazy.method(ndarray, name, "cuarray._routines.sorting")
    for name in ("dot", "trace"):
        _lazy.method(ndarray, name, "cuarray.linalg._products")
    for name in ("tofile", "tobytes", "dump", "dumps"):
        _lazy.method(ndarray, name, "cuarray._routines.io")


def _advanced_getitem(a, key):
    """Loads advanced indexing on first use, then hands it the key."""
    from . import _subscript
    _indexing.set_advanced(_subscript.getitem)
    return _subscript.getitem(a, key)


def _repeat_method(self, repeats, axis=None):
    """See numpy.ndarray.repeat."""
    from .tiling import repeat
    return repeat(self, repeats, axis)
