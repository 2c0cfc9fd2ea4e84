"""Data type routines (NumPy reference: "Data type routines").

NumPy's own objects where they already accept device arrays without touching
their data (``finfo``, ``iinfo``, ``issubdtype``, ``isdtype``, ``promote_types``
are re-exported from NumPy by ``cuarray/__init__.py``); thin wrappers here for
the routines that would otherwise convert an array argument to a NumPy array
(and so copy it from the device, which cuarray refuses to do implicitly).  A
device array stands for its dtype: under NEP 50 an array, 0-d included, takes
part in promotion through its dtype alone.
"""

from __future__ import annotations

import numpy

from .._core.ndarray import ndarray


def _dtype_of(x):
    return x.dtype if isinstance(x, ndarray) else x


def result_type(*arrays_and_dtypes):
    """See numpy.result_type.  Python scalars are weak (NEP 50)."""
    return numpy.result_type(*map(_dtype_of, arrays_and_dtypes))


def can_cast(from_, to, casting="safe"):
    """See numpy.can_cast."""
    return numpy.can_cast(_dtype_of(from_), _dtype_of(to), casting)


def min_scalar_type(a, /):
    """See numpy.min_scalar_type.

    A device array with ndim >= 1 gives its dtype without touching the device; a 0-d
    device array is value-based as in NumPy, so its value is copied to the host (a
    synchronisation).
    """
    if isinstance(a, ndarray):
        if a.ndim:
            return a.dtype
        return numpy.min_scalar_type(a.get())
    return numpy.min_scalar_type(a)


# NumPy's common_type table: float16 -> float16, float32 -> float32, everything else that
# is numeric -> float64, and the complex type of that precision for complex inputs.
_PRECISION = {numpy.float16: 0, numpy.float32: 1, numpy.float64: 2, numpy.longdouble: 3,
              numpy.complex64: 1, numpy.complex128: 2, numpy.clongdouble: 3}
_REAL = (numpy.float16, numpy.float32, numpy.float64, numpy.longdouble)
_COMPLEX = (None, numpy.complex64, numpy.complex128, numpy.clongdouble)


def common_type(*arrays):
    """See numpy.common_type.  Reads only the arrays' dtypes."""
    is_complex = False
    precision = 0
    for a in arrays:
        t = a.dtype.type
        if issubclass(t, numpy.complexfloating):
            is_complex = True
        if issubclass(t, numpy.integer):
            p = 2
        else:
            p = _PRECISION.get(t)
            if p is None:
                raise TypeError("can't get common type for non-numeric array")
        precision = max(precision, p)
    if is_complex:
        return _COMPLEX[precision]
    return _REAL[precision]
