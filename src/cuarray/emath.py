"""``cuarray.emath``: mathematical functions with automatic domain (NumPy's ``numpy.emath``,
``numpy.lib.scimath``).

Each function computes in the complex plane where a real input is outside the real
function's domain (sqrt(-1) is 1j), as NumPy's: whether that is so depends on the values,
so a real input is checked on the device and one flag is read back (a synchronisation)
before the kernel runs.  Complex inputs need no check.
"""

from __future__ import annotations

import numpy

__all__ = ["sqrt", "log", "log2", "logn", "log10", "power", "arccos", "arcsin", "arctanh"]

_SINGLE = frozenset(numpy.dtype(c) for c in ("f", "b", "h", "B", "H", "F"))


def _array(x):
    from ._routines._args import device_operand
    return device_operand(x, "emath")


def _tocomplex(arr):
    # NumPy: complex64 for single precision and small integers, complex128 otherwise.
    return arr.astype(numpy.complex64 if arr.dtype in _SINGLE else numpy.complex128)


def _any_real(x, test) -> bool:
    from ._routines.logic import isreal
    from ._routines.reductions import any as _any
    return bool(_any(isreal(x) & test(x)))


def _fix_real_lt_zero(x):
    x = _array(x)
    if x.dtype.kind != "c" and _any_real(x, lambda v: v < 0):
        x = _tocomplex(x)
    return x


def _fix_int_lt_zero(x):
    x = _array(x)
    if x.dtype.kind != "c" and _any_real(x, lambda v: v < 0):
        x = x * 1.0
    return x


def _fix_real_abs_gt_1(x):
    from ._ufunc.namespace import absolute
    x = _array(x)
    if x.dtype.kind != "c" and _any_real(x, lambda v: absolute(v) > 1):
        x = _tocomplex(x)
    return x


def sqrt(x):
    """See numpy.emath.sqrt."""
    from ._ufunc.namespace import sqrt as _sqrt
    return _sqrt(_fix_real_lt_zero(x))


def log(x):
    """See numpy.emath.log."""
    from ._ufunc.namespace import log as _log
    return _log(_fix_real_lt_zero(x))


def log10(x):
    """See numpy.emath.log10."""
    from ._ufunc.namespace import log10 as _log10
    return _log10(_fix_real_lt_zero(x))


def log2(x):
    """See numpy.emath.log2."""
    from ._ufunc.namespace import log2 as _log2
    return _log2(_fix_real_lt_zero(x))


def logn(n, x):
    """See numpy.emath.logn."""
    from ._ufunc.namespace import log as _log
    x = _fix_real_lt_zero(x)
    n = _fix_real_lt_zero(n)
    return _log(x) / _log(n)


def power(x, p):
    """See numpy.emath.power."""
    from ._ufunc.namespace import power as _power
    x = _fix_real_lt_zero(x)
    p = _fix_int_lt_zero(p)
    return _power(x, p)


def arccos(x):
    """See numpy.emath.arccos."""
    from ._ufunc.namespace import arccos as _arccos
    return _arccos(_fix_real_abs_gt_1(x))


def arcsin(x):
    """See numpy.emath.arcsin."""
    from ._ufunc.namespace import arcsin as _arcsin
    return _arcsin(_fix_real_abs_gt_1(x))


def arctanh(x):
    """See numpy.emath.arctanh."""
    from ._ufunc.namespace import arctanh as _arctanh
    return _arctanh(_fix_real_abs_gt_1(x))
