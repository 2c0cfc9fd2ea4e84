"""Averages and variances (NumPy's "Statistics": mean, var, std, their nan* forms, average).

mean is one reduction (a sum whose post-map divides by the count).  var/std are NumPy's
two passes, each one reduction: the mean (kept dims), then the sum of squared deviations
from it divided by ``n - ddof`` in the post-map; float16 and float32 accumulate in
float32, like NumPy's results, and integers in float64.
"""

from __future__ import annotations

import numpy

from .._core.dtypes import COMPUTE, ctype
from .._core.ndarray import _empty
from .._engine import reduction as _red
from .._engine.reduction_source import ReductionOp
from .._ufunc import namespace as _uf
from .._ufunc.reduce import _check_array, _where_mask, normalize_axes, reduction_output
from . import reductions as _r

_F64 = numpy.dtype(numpy.float64)
_F32 = numpy.dtype(numpy.float32)
_F16 = numpy.dtype(numpy.float16)
_BOOL = numpy.dtype(bool)
_ops: dict = {}


def _mean_dtype(a, dtype) -> numpy.dtype:
    """NumPy's mean: integers and bool in float64, float16 in float32 (stored as float16)."""
    if dtype is not None:
        return numpy.dtype(dtype)
    if a.dtype.kind in "biu":
        return _F64
    return a.dtype


def _real(dt):
    return numpy.dtype(dt.char.lower()) if dt.kind == "c" else dt


def _target(a, axes, keepdims, out, dt):
    return reduction_output("mean", a, axes, keepdims, out, dt)


def _acc(dt):
    c = COMPUTE.get(dt, dt)
    return (_F32 if dt == _F16 else c)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """See numpy.mean.

    Differences from NumPy: the mean of an empty slice is NaN without a RuntimeWarning.
    """
    a = _check_array(a)
    if where is not True:
        return _masked_mean(a, axis, dtype, out, keepdims, where)
    dt = _mean_dtype(a, dtype)
    if dt.kind not in "fc":
        raise TypeError(f"mean of dtype {dt} is not supported (NumPy computes it in an "
                        "integer accumulator); pass a floating dtype")
    axes = normalize_axes(axis, a.ndim)
    acc = _acc(dt)
    res, kept = _target(a, axes, keepdims, out, dt)
    key = ("mean", acc)
    op = _ops.get(key)
    if op is None:
        real = ctype(_real(acc))
        op = _ops[key] = ReductionOp(
            name="mean", nin=1, acc=ctype(acc), acc_itemsize=acc.itemsize, identity="acc_t(0)",
            map="acc_t(in0)", reduce="a + b", post=f"out0 = out0_type(a / ({real})_n)")
    _red.reduce(op, [a], (a.dtype,), (acc,), kept, acc, a._shape, axes)
    return res


def _masked_mean(a, axis, dtype, out, keepdims, where):
    dt = _mean_dtype(a, dtype)
    acc = _acc(dt)
    mask = _where_mask(where, a._shape)
    s = _r.sum(a, axis, acc, None, keepdims, where=mask)
    n = _r.sum(_broadcast(mask, a._shape), axis, acc if acc.kind != "c" else _real(acc), None,
               keepdims)
    return _finish(_uf.divide(s, n), out, dt)


def _broadcast(x, shape):
    from .manipulation import broadcast_to
    return broadcast_to(x, shape)


def _ddof(ddof, correction):
    if correction is not numpy._NoValue and correction is not None:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        return correction
    return ddof


def _sq_dev_op(acc, ddof, root: bool, nan_skip: bool):
    """Sum of |x - mean|^2 (``in1`` is the mean, broadcast), divided by n - ddof."""
    key = ("var", acc, float(ddof), root, nan_skip)
    op = _ops.get(key)
    if op is None:
        r = _real(acc)
        rt = ctype(r)
        if acc.kind == "c":
            sq = "[&]() { in0_type d = in0 - in1; return d.re * d.re + d.im * d.im; }()"
        else:
            sq = "((in0 - in1) * (in0 - in1))"
        if nan_skip:
            sq = f"(cuarray::red::is_nan(in0) ? acc_t(0) : acc_t({sq}))"
        div = f"a / (acc_t)(_n - {float(ddof)!r} > 0 ? _n - {float(ddof)!r} : 0)"
        post = f"out0 = out0_type({'sqrt(' + div + ')' if root else div})"
        op = _ops[key] = ReductionOp(
            name="std" if root else "var", nin=2, acc=rt, acc_itemsize=r.itemsize,
            identity="acc_t(0)", map=sq, reduce="a + b", post=post)
    return op


def _var(a, axis, dtype, out, ddof, keepdims, where, mean_arg, correction, root):
    a = _check_array(a)
    ddof = _ddof(ddof, correction)
    if where is not True:
        return _masked_var(a, axis, dtype, out, ddof, keepdims, where, root)
    dt = _mean_dtype(a, dtype)
    if dt.kind not in "fc":
        raise TypeError(f"var of dtype {dt} is not supported; pass a floating dtype")
    acc = _acc(dt)
    axes = normalize_axes(axis, a.ndim)
    m = mean_arg if mean_arg is not None else mean(a, axis, acc, None, True)
    if m.dtype != acc:
        m = m.astype(acc)
    res, kept = _target(a, axes, keepdims, out, _real(dt))
    op = _sq_dev_op(acc, ddof, root, False)
    _red.reduce(op, [a, m], (a.dtype, m.dtype), (acc, acc), kept, _real(acc), a._shape, axes)
    return res


def _masked_var(a, axis, dtype, out, ddof, keepdims, where, root):
    dt = _mean_dtype(a, dtype)
    acc = _acc(dt)
    mask = _where_mask(where, a._shape)
    m = _masked_mean(a, axis, acc, None, True, mask)
    d = _uf.subtract(a, m, dtype=acc)
    sq = _uf.multiply(d, _uf.conjugate(d)).real if acc.kind == "c" else _uf.multiply(d, d)
    s = _r.sum(sq, axis, None, None, keepdims, where=mask)
    n = _r.sum(_broadcast(mask, a._shape), axis, _real(acc), None, keepdims)
    v = _uf.divide(s, _uf.maximum(_uf.subtract(n, ddof), 0))
    if root:
        v = _uf.sqrt(v)
    return _finish(v, out, _real(dt))


def _finish(v, out, dt):
    if out is not None:
        out[...] = v
        return out
    return v.astype(dt, copy=False)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None,
        correction=numpy._NoValue):
    """See numpy.var.

    Differences from NumPy: a slice with n <= ddof gives inf/NaN without a RuntimeWarning.
    """
    return _var(a, axis, dtype, out, ddof, keepdims, where, mean, correction, False)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None,
        correction=numpy._NoValue):
    """See numpy.std.

    Differences from NumPy: a slice with n <= ddof gives inf/NaN without a RuntimeWarning.
    """
    return _var(a, axis, dtype, out, ddof, keepdims, where, mean, correction, True)


# -- nan* ------------------------------------------------------------------------------------

def _not_nan_count(a, axis, keepdims, dt):
    if a.dtype.kind not in "fc":
        n = 1
        for d in normalize_axes(axis, a.ndim):
            n *= a._shape[d]
        return dt.type(n)
    return _r.sum(_uf.logical_not(_uf.isnan(a)), axis, dt, None, keepdims)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """See numpy.nanmean.

    Differences from NumPy: an all-NaN slice gives NaN without a RuntimeWarning.
    """
    a = _check_array(a)
    if a.dtype.kind not in "fc":
        return mean(a, axis, dtype, out, keepdims, where=where)
    dt = _mean_dtype(a, dtype)
    acc = _acc(dt)
    s = _r.nansum(a, axis, acc, None, keepdims, where=where)
    valid = _uf.logical_not(_uf.isnan(a))
    if where is not True:
        valid = _uf.logical_and(valid, where)
    n = _r.sum(valid, axis, _real(acc), None, keepdims)
    return _finish(_uf.divide(s, n), out, dt)


def _nanvar(a, axis, dtype, out, ddof, keepdims, where, correction, root, mean_arg=None):
    a = _check_array(a)
    ddof = _ddof(ddof, correction)
    if a.dtype.kind not in "fc":
        return _var(a, axis, dtype, out, ddof, keepdims, where, mean_arg, numpy._NoValue, root)
    dt = _mean_dtype(a, dtype)
    acc = _acc(dt)
    valid = _uf.logical_not(_uf.isnan(a))
    if where is not True:
        valid = _uf.logical_and(valid, where)
    m = mean_arg if mean_arg is not None else nanmean(a, axis, acc, None, True, where=where)
    d = _uf.subtract(a, m, dtype=acc)
    sq = _uf.multiply(d, _uf.conjugate(d)).real if acc.kind == "c" else _uf.multiply(d, d)
    # Only the input's NaNs are skipped: an inf gives inf - inf = NaN, as in NumPy.
    s = _r.sum(sq, axis, None, None, keepdims, where=valid)
    n = _r.sum(valid, axis, _real(acc), None, keepdims)
    v = _uf.divide(s, _uf.maximum(_uf.subtract(n, ddof), 0))
    if root:
        v = _uf.sqrt(v)
    return _finish(v, out, _real(dt))


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None,
           correction=numpy._NoValue):
    """See numpy.nanvar.

    Differences from NumPy: an all-NaN slice gives NaN without a RuntimeWarning.
    """
    return _nanvar(a, axis, dtype, out, ddof, keepdims, where, correction, False, mean)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None,
           correction=numpy._NoValue):
    """See numpy.nanstd.

    Differences from NumPy: an all-NaN slice gives NaN without a RuntimeWarning.
    """
    return _nanvar(a, axis, dtype, out, ddof, keepdims, where, correction, True, mean)


# -- average -----------------------------------------------------------------------------------

def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """See numpy.average.

    Differences from NumPy: a zero sum of weights gives inf/NaN instead of raising
    ZeroDivisionError (checking would synchronise).
    """
    a = _check_array(a)
    if weights is None:
        avg = mean(a, axis, None, None, keepdims)
        if not returned:
            return avg
        n = a.size if axis is None else 1
        if axis is not None:
            for d in normalize_axes(axis, a.ndim):
                n *= a._shape[d]
        scl = _empty(avg._shape, avg.dtype)
        scl.fill(n)
        return avg, scl
    w = _check_array(weights)
    result_dtype = numpy.result_type(a.dtype, w.dtype, _F64 if a.dtype.kind in "biu" else
                                     a.dtype)
    if a._shape != w._shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        axes = normalize_axes(axis, a.ndim)
        if w.ndim != len(axes):
            raise TypeError("1D weights expected when shapes of a and weights differ.") \
                if w.ndim != 1 else ValueError("Length of weights not compatible with "
                                               "specified axis.")
        if tuple(a._shape[d] for d in axes) != w._shape:
            raise ValueError("Shape of weights must be consistent with shape of a along "
                             "specified axis.")
        shape = [1] * a.ndim
        for d, s in zip(axes, w._shape):
            shape[d] = s
        w = w.reshape(tuple(shape))
    wb = _broadcast(w, a._shape)
    scl = _r.sum(wb, axis, result_dtype, None, keepdims)
    avg = _uf.divide(_r.sum(_uf.multiply(a, w, dtype=result_dtype), axis, None, None, keepdims),
                     scl)
    if returned:
        return avg, scl
    return avg
