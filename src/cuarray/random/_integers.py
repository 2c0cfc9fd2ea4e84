"""Bounded integers (Generator.integers, RandomState.randint and random_integers).

Every integer dtype and bool.  The kernel draws one 32-bit word per element when the range
fits 32 bits (four elements per Philox block), else one 64-bit word, and maps it to the
range with Lemire's multiply-shift; the rare rejected draws (probability below range/2^32)
continue on the element's substream, so the result is exactly uniform.

Bounds are checked as NumPy checks them, in NumPy's order: a missing ``high`` that is not
positive, ``low`` below the dtype's minimum, ``high`` above its maximum, then ``low >= high``
(``low > high`` with ``endpoint``).  Device bounds are checked on the device (one read).
"""

from __future__ import annotations

import operator

import numpy

from .._core.ndarray import _empty, ndarray
from . import _distributions as D
from . import _params as P
from ._kernels import launch

_I64 = numpy.dtype(numpy.int64)
_U64 = numpy.dtype(numpy.uint64)
_F64 = numpy.dtype(numpy.float64)
_BOOL = numpy.dtype(bool)


def int_dtype(dtype, fname: str) -> numpy.dtype:
    dt = numpy.dtype(dtype)
    if dt.kind not in "biu":
        raise TypeError(f"Unsupported dtype {dt!r} for {fname}")
    return dt


def bounds(dt: numpy.dtype) -> tuple:
    if dt == _BOOL:
        return 0, 1
    info = numpy.iinfo(dt)
    return int(info.min), int(info.max)


def _host_int(v) -> int:
    if isinstance(v, (float, numpy.floating)):
        return int(v)               # truncates; NaN raises NumPy's ValueError
    return operator.index(v)


def _cmp(xp, a, op: str, c: int):
    """``a op c`` for a device integer/float array and a Python int that may not fit a's
    dtype: out-of-range constants decide the answer on the host."""
    if a.dtype.kind in "iu":
        info = numpy.iinfo(a.dtype)
        if c > info.max or c < info.min:
            below = c < info.min
            value = {"<": not below, "<=": not below, ">": below, ">=": below}[op]
            return xp.full(a.shape, value, dtype=bool)
    return {"<": xp.less, "<=": xp.less_equal, ">": xp.greater, ">=": xp.greater_equal}[op](a, c)


def integers(bitgen, low, high, size, dtype, endpoint, fname):
    """Samples of ``dtype`` from [low, high) ([low, high] with ``endpoint``)."""
    dt = int_dtype(dtype, fname)
    lo_b, hi_b = bounds(dt)
    high_none = high is None
    if high_none:
        low, high = 0, low
    for v, name in ((low, "low"), (high, "high")):
        if isinstance(v, (numpy.ndarray, list, tuple)):
            raise P.host_array_error(name)
    if isinstance(low, ndarray) or isinstance(high, ndarray):
        return _array_bounds(bitgen, low, high, size, dt, endpoint, high_none, lo_b, hi_b)
    lo, hi = _host_int(low), _host_int(high)
    if high_none and (hi < 0 if endpoint else hi <= 0):
        raise ValueError("high < 0" if endpoint else "high <= 0")
    if not endpoint:
        hi -= 1
    if lo < lo_b:
        raise ValueError(f"low is out of bounds for {dt.name}")
    if hi > hi_b:
        raise ValueError(f"high is out of bounds for {dt.name}")
    if lo > hi:
        raise ValueError("low > high" if endpoint else "low >= high")
    shape = P.normalize_size(size)
    out = _empty(() if shape is None else shape, dt)
    wide = hi - lo >= (1 << 32)
    unsigned = dt == _U64
    dist = _dist(wide, unsigned)
    if out.size:
        launch(dist, out, _F64, [("s", lo, 0), ("s", hi, 0)], bitgen)
    return out


def _dist(wide: bool, unsigned: bool):
    if unsigned:
        return D.UINTEGERS64 if wide else D.UINTEGERS32
    return D.INTEGERS64 if wide else D.INTEGERS32


def _viol(xp, v, op: str, c: int):
    """``v op c`` for a device array or a host int (``c`` a Python int of any size)."""
    if isinstance(v, ndarray):
        return _cmp(xp, v, op, c)
    return {"<": v < c, "<=": v <= c, ">": v > c, ">=": v >= c}[op]


def _order(xp, lo, hi, closed: bool, target):
    """low > high (``closed``) or low >= high, for any mix of device arrays and host ints.

    Evaluated with the other checks, so values may be out of the dtype's range here; the
    result only matters once the bound checks have passed."""
    op = ">" if closed else ">="
    if isinstance(lo, ndarray) and isinstance(hi, ndarray):
        a, b = lo.astype(target), hi.astype(target)
        return xp.greater(a, b) if closed else xp.greater_equal(a, b)
    if isinstance(lo, ndarray):
        return _cmp(xp, lo, op, hi)
    return _cmp(xp, hi, {">": "<", ">=": "<="}[op], lo)


def _array_bounds(bitgen, low, high, size, dt, endpoint, high_none, lo_b, hi_b):
    import cuarray as cp
    args = [_arg(low, "low"), _arg(high, "high")]
    unsigned = dt == _U64
    target = _U64 if unsigned else _I64
    top = hi_b if endpoint else hi_b + 1
    checks = []
    if high_none:
        checks.append(P.Check((1,), lambda xp, h: _viol(xp, h, "<" if endpoint else "<=", 0),
                              "high < 0" if endpoint else "high <= 0"))
    checks += [
        P.Check((0,), lambda xp, v: _viol(xp, v, "<", lo_b), f"low is out of bounds for {dt.name}"),
        P.Check((1,), lambda xp, v: _viol(xp, v, ">", top), f"high is out of bounds for {dt.name}"),
        P.Check((0, 1), lambda xp, a, b: _order(xp, a, b, endpoint, target),
                "low > high" if endpoint else "low >= high"),
    ]
    P.run_checks(checks, args)
    shape = P.out_shape(args, size)
    out = _empty(shape, dt)
    if not out.size:
        return out
    params = []
    for k, a in enumerate(args):
        v = a.value
        if a.device:
            v = v.astype(target)
            if k == 1 and not endpoint:
                v = cp.subtract(v, target.type(1))
            params.append(P.kernel_param(P.Arg(a.name, v, True), target, shape))
        else:
            params.append(("s", v - (1 if k == 1 and not endpoint else 0), 0))
    # a dtype of 32 bits or less has ranges of at most 2^32 values: one word each
    launch(_dist(dt.itemsize > 4, unsigned), out, _F64, params, bitgen)
    return out


def _arg(v, name) -> P.Arg:
    if isinstance(v, ndarray):
        if v.dtype.kind not in "biuf":
            raise TypeError(f"Unsupported array dtype {v.dtype} for {name}")
        return P.Arg(name, v, True)
    return P.Arg(name, _host_int(v), False)
