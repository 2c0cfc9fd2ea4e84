"""Cumulative sums and products (NumPy reference: "Mathematical functions: sums, products,
differences"): cumsum, cumprod, nancumsum, nancumprod, cumulative_sum, cumulative_prod.

Each is ``add.accumulate`` or ``multiply.accumulate`` as NumPy defines it (cumsum is
``add.accumulate`` of the flattened array when ``axis`` is None; bool and small integers
widen to the platform integer by NumPy's reduction promotion); the nan variants map NaN to
the identity as each element is loaded, so no masked copy is made.  The scans run in the
scan engine (``cuarray._engine.scan``).
"""

from __future__ import annotations

import operator

import numpy
from numpy.lib.array_utils import normalize_axis_index

from .._core.ndarray import _empty, ndarray
from .._engine import copy as _copy
from .._ufunc import accumulate as _acc
from .._ufunc import namespace as _uf

_ROUNDING = """

Differences from NumPy: floating-point results are scanned in parallel, so their rounding
differs from NumPy's left-to-right loop in the last bits (more so for long axes); the
order is fixed, so the same input gives the same bits every run.  float16 accumulates in
float32 (NumPy rounds the running value to float16 at every step).  Inputs must be cuarray
arrays or scalars (no implicit host transfers)."""

#: NaN -> the identity, on each loaded element (``x`` has type ``x_type``; see ScanOp.map).
_NAN_TO = {
    0: {"f": "isnan(x) ? (x_type)0 : x", "c": "cuarray::isnan(x) ? x_type(0) : x"},
    1: {"f": "isnan(x) ? (x_type)1 : x", "c": "cuarray::isnan(x) ? x_type(1) : x"},
}


def _operand(a, fname: str) -> ndarray:
    """A device array; Python and NumPy scalars become 0-d device arrays (as NumPy's
    ``asanyarray``); host arrays raise TypeError."""
    if isinstance(a, ndarray):
        return a
    from .creation import asarray
    from .elementwise import check_operand
    check_operand(a, fname)
    return asarray(a)


def _check_out(out, shape):
    if out is None:
        return None
    if not isinstance(out, ndarray):
        raise TypeError(f"return arrays must be of ArrayType (cuarray.ndarray), not "
                        f"{type(out).__name__}")
    if out._shape != shape:
        raise ValueError("provided out is the wrong size for the accumulation.")
    return out


def _cum(uf, fname, a, axis, dtype, out, nan_to=None):
    """NumPy's cumsum/cumprod: flatten for axis None, 0-d counts as 1-d."""
    a = _operand(a, fname)
    if axis is None:
        a = a.ravel()
        axis = 0
    else:
        if a.ndim == 0:
            a = a.reshape(1)
        axis = normalize_axis_index(operator.index(axis), a.ndim)
    out = _check_out(out, a._shape)
    nan_map = _NAN_TO[nan_to].get(a.dtype.kind) if nan_to is not None else None
    return _acc.run(uf, a, axis, dtype, out, nan_map)


def cumsum(a, axis=None, dtype=None, out=None):
    """See numpy.cumsum."""
    return _cum(_uf.add, "cumsum", a, axis, dtype, out)


def cumprod(a, axis=None, dtype=None, out=None):
    """See numpy.cumprod."""
    return _cum(_uf.multiply, "cumprod", a, axis, dtype, out)


def nancumsum(a, axis=None, dtype=None, out=None):
    """See numpy.nancumsum."""
    return _cum(_uf.add, "nancumsum", a, axis, dtype, out, nan_to=0)


def nancumprod(a, axis=None, dtype=None, out=None):
    """See numpy.nancumprod."""
    return _cum(_uf.multiply, "nancumprod", a, axis, dtype, out, nan_to=1)


def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """See numpy.cumulative_sum."""
    return _cumulative(_uf.add, "cumulative_sum", x, axis, dtype, out, include_initial)


def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """See numpy.cumulative_prod."""
    return _cumulative(_uf.multiply, "cumulative_prod", x, axis, dtype, out, include_initial)


for _f in (cumsum, cumprod, nancumsum, nancumprod, cumulative_sum, cumulative_prod):
    _f.__doc__ += _ROUNDING
del _f


def _cumulative(uf, fname, x, axis, dtype, out, include_initial):
    """NumPy's ``_cumulative_func``: atleast_1d; ``axis`` required beyond 1-d; with
    ``include_initial`` the identity first, then the scan (written in place, no concat)."""
    x = _operand(x, fname)
    if x.ndim == 0:
        x = x.reshape(1)
    if axis is None:
        if x.ndim >= 2:
            raise ValueError("For arrays which have more than one dimension ``axis`` argument "
                             "is required.")
        axis = 0
    else:
        axis = normalize_axis_index(operator.index(axis), x.ndim)
    if not include_initial:
        return _acc.run(uf, x, axis, dtype, _acc._parse_out(out, x._shape))
    shape = x._shape[:axis] + (x._shape[axis] + 1,) + x._shape[axis + 1:]
    if out is not None:
        res = _acc._parse_out(out, shape)
    else:
        loop = _acc.resolve(uf, x.dtype, dtype, None)
        res = _like(x, shape, loop)
    head = (slice(None),) * axis
    _acc.run(uf, x, axis, dtype, res[head + (slice(1, None),)])
    first = res[head + (slice(0, 1),)]
    _copy.fill(first, numpy.asarray(uf.identity).astype(res.dtype)[()])
    return res


def _like(x, shape, dt):
    """A new array laid out as NumPy's concatenate lays out pieces shaped like ``x``."""
    if x._c:
        return _empty(shape, dt)
    if x._f:
        return _empty(shape, dt, "F")
    from .creation import empty_iter
    return empty_iter(shape, dt, [(x._shape, x._strides)])
