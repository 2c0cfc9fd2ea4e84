"""Searching (NumPy reference: "Sorting, searching, and counting"): where.

The one-argument ``where(condition)`` is ``nonzero(condition)`` (``indexing.py``).
"""

from __future__ import annotations

import functools
import warnings

import numpy

from .._core.ndarray import ndarray
from . import elementwise as _el

_NoValue = numpy._NoValue
_BOOL = numpy.dtype(bool)


@functools.cache
def where_plan(cond_dtype, dtype) -> _el.Plan:
    """condition (any dtype, read as bool) ? x : y, with x and y in the result ``dtype``."""
    op = _el.kernel_op("where", "out0 = in0 ? in1 : in2", 3)
    return _el.Plan(op, (_BOOL, dtype, dtype), dtype, "where")


_I64_RANGE = (-2**63, 2**63 - 1)
_results: dict = {}


@functools.cache
def _int_range(dt) -> tuple:
    if isinstance(dt, numpy.dtype) and dt.kind in "iu":
        info = numpy.iinfo(dt)
        return int(info.min), int(info.max)
    return _I64_RANGE


def _key(v):
    """An operand as where's promotion sees it: arrays and NumPy scalars by dtype, Python
    scalars (weak, NEP 50) by type."""
    dt = getattr(v, "dtype", None)
    return type(v) if dt is None else dt


def _int_class(v: int, other) -> tuple:
    # What decides how NumPy converts a Python int: whether the integer dtype beside it (or
    # int64) holds it, and whether int64 and uint64 do.
    lo, hi = _int_range(other)
    return lo <= v <= hi, -2**63 <= v < 2**63, 0 <= v < 2**64


def _standin(v):
    return v if type(v) in (bool, int, float, complex) else numpy.zeros((), v.dtype)


def where_dtype(x, y) -> numpy.dtype:
    """The result dtype of ``numpy.where(condition, x, y)``, or the error NumPy raises.

    NumPy's own ``where`` is asked, on a 0-d stand-in for each array and the actual Python
    scalars, so that cuarray follows the installed NumPy (NumPy 2.4 wraps an out-of-range
    Python int such as ``where(c, uint8_array, -1)`` into the result dtype, later versions
    raise OverflowError).  The answer is memoised per (operand dtypes or scalar types, and
    for Python ints whether the dtypes at hand hold them); errors are raised afresh.
    """
    kx, ky = _key(x), _key(y)
    key = (kx, ky, _int_class(x, ky) if kx is int else None,
           _int_class(y, kx) if ky is int else None)
    dt = _results.get(key)
    if dt is None:
        with warnings.catch_warnings():     # the conversion itself warns where it happens
            warnings.simplefilter("ignore", RuntimeWarning)
            dt = numpy.where(True, _standin(x), _standin(y)).dtype
        _results[key] = dt
    return dt


def _result_operand(v, dt):
    """A scalar x or y (one that where_dtype accepted) as numpy.where converts it: through a
    NumPy array, then an unsafe cast (NumPy 2.4's where(c, int8_array, 1000) stores -24)."""
    if isinstance(v, ndarray):
        return v
    return numpy.asarray(v).astype(dt)[()]


def where(condition, x=_NoValue, y=_NoValue, /):
    """See numpy.where.

    Differences from NumPy: ``where(condition)`` (``nonzero(condition)``) reads the number
    of non-zero elements back from the device (a synchronisation).
    """
    if x is _NoValue and y is _NoValue:
        from .indexing import nonzero
        return nonzero(condition)
    if x is _NoValue or y is _NoValue:
        raise ValueError("either both or neither of x and y should be given")
    for v, name in ((condition, "condition"), (x, "x"), (y, "y")):
        _el.check_operand(v, f"where ({name})")
    dt = where_dtype(x, y)
    if not _el.is_supported(dt):
        raise TypeError(f"where: cuarray does not support the result dtype {dt}")
    cond = condition if isinstance(condition, ndarray) else numpy.bool_(condition)
    plan = where_plan(cond.dtype, dt)
    return _el.apply(plan, [cond, _result_operand(x, dt), _result_operand(y, dt)])
