"""Norms and condition numbers: norm, vector_norm, matrix_norm, cond.

Composed, as NumPy composes them, from the reductions (sum, max, min), absolute
values, powers and square roots; the spectral and nuclear norms take the singular
values (``svd(..., compute_uv=False)``).  Nothing here synchronises except cond's
and the matrix 2-norms' SVD convergence check.
"""

from __future__ import annotations

import math

import numpy
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from ._common import (LinAlgError, as_input, assert_stacked_square, batch_count, real_dtype,
                      result_dtype)

_INF = math.inf
_F16 = numpy.dtype(numpy.float16)


def _float_input(x):
    """NumPy's ``x.astype(float)`` for non-inexact input (float16 stays float16)."""
    return x if x.dtype.kind in "fc" else x.astype(numpy.float64)


def _sum_of_squares(x, axis, keepdims):
    """add.reduce((x.conj() * x).real): |x|^2 summed."""
    from .._routines.reductions import sum as _sum
    sq = x.real * x.real + x.imag * x.imag if x.dtype.kind == "c" else x * x
    return _sum(sq, axis=axis, keepdims=keepdims)


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - NumPy's name
    """See numpy.linalg.norm.

    Differences from NumPy: results are device arrays (0-d for a single norm), and sums
    of squares run in another order than NumPy's BLAS dot (last-bit differences).
    """
    from .._routines.reductions import max as _max
    from .._routines.reductions import min as _min
    from .._routines.reductions import sum as _sum
    from .._ufunc.namespace import absolute, sqrt
    x = _float_input(as_input(x, "norm"))
    if axis is None:
        ndim = x.ndim
        if (ord is None or (_is_str(ord) and ord in ("f", "fro") and ndim == 2)
                or (_eq(ord, 2) and ndim == 1)):
            flat = x.ravel(order="K")
            if flat.dtype == _F16:      # NumPy's half dot accumulates in float
                ret = sqrt(_sum_of_squares(flat.astype(numpy.float32), None, False)).astype(_F16)
            else:
                ret = sqrt(_sum_of_squares(flat, None, False))
            if keepdims:
                ret = ret.reshape((1,) * ndim)
            return ret
    nd = x.ndim
    if axis is None:
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = int(axis)
        except Exception as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
        axis = (axis,)
    if len(axis) == 1:
        if _eq(ord, _INF):
            return _max(absolute(x), axis=axis, keepdims=keepdims, initial=0)
        if _eq(ord, -_INF):
            return _min(absolute(x), axis=axis, keepdims=keepdims)
        if _eq(ord, 0):
            return _sum((x != 0).astype(x.real.dtype), axis=axis, keepdims=keepdims)
        if _eq(ord, 1):
            return _sum(absolute(x), axis=axis, keepdims=keepdims)
        if ord is None or _eq(ord, 2):
            return sqrt(_sum_of_squares(x, axis, keepdims))
        if _is_str(ord):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        absx = absolute(x)
        absx **= ord                    # in place, as NumPy: the dtype stays x's
        ret = _sum(absx, axis=axis, keepdims=keepdims)
        ret **= numpy.reciprocal(ord, dtype=ret.dtype)
        return ret
    if len(axis) == 2:
        return _matrix_norm(x, ord, axis, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


def _is_str(ord) -> bool:
    return isinstance(ord, str)


def _eq(ord, value) -> bool:
    """``ord == value`` as NumPy evaluates it, False for strings and None."""
    return ord is not None and not isinstance(ord, str) and bool(ord == value)


def _matrix_norm(x, ord, axis, keepdims):
    from .._routines.reductions import max as _max
    from .._routines.reductions import min as _min
    from .._routines.reductions import sum as _sum
    from .._ufunc.namespace import absolute, sqrt
    nd = x.ndim
    row_axis, col_axis = axis
    row_axis = normalize_axis_index(row_axis, nd)
    col_axis = normalize_axis_index(col_axis, nd)
    if row_axis == col_axis:
        raise ValueError("Duplicate axes given.")
    if _eq(ord, 2):
        ret = _svd_norm(x, row_axis, col_axis, "max")
    elif _eq(ord, -2):
        ret = _svd_norm(x, row_axis, col_axis, "min")
    elif _eq(ord, 1):
        if col_axis > row_axis:
            col_axis -= 1
        ret = _max(_sum(absolute(x), axis=row_axis), axis=col_axis, initial=0)
    elif _eq(ord, _INF):
        if row_axis > col_axis:
            row_axis -= 1
        ret = _max(_sum(absolute(x), axis=col_axis), axis=row_axis, initial=0)
    elif _eq(ord, -1):
        if col_axis > row_axis:
            col_axis -= 1
        ret = _min(_sum(absolute(x), axis=row_axis), axis=col_axis)
    elif _eq(ord, -_INF):
        if row_axis > col_axis:
            row_axis -= 1
        ret = _min(_sum(absolute(x), axis=col_axis), axis=row_axis)
    elif ord is None or (_is_str(ord) and ord in ("fro", "f")):
        ret = sqrt(_sum_of_squares(x, axis, False))
    elif _is_str(ord) and ord == "nuc":
        ret = _svd_norm(x, row_axis, col_axis, "sum")
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        ret_shape = list(x._shape)
        ret_shape[axis[0]] = 1
        ret_shape[axis[1]] = 1
        ret = ret.reshape(ret_shape)
    return ret


def _svd_norm(x, row_axis, col_axis, op):
    """NumPy's _multi_svd_norm: the singular values of the (row, col) matrices, reduced."""
    from .._routines.manipulation import moveaxis
    from .._routines.reductions import max as _max
    from .._routines.reductions import min as _min
    from .._routines.reductions import sum as _sum
    from ._svd import svd
    y = moveaxis(x, (row_axis, col_axis), (-2, -1))
    s = svd(y, compute_uv=False)
    if op == "max":
        return _max(s, axis=-1, initial=0)
    if op == "min":
        return _min(s, axis=-1)
    return _sum(s, axis=-1, initial=0)


def matrix_norm(x, /, *, keepdims=False, ord="fro"):  # noqa: A002
    """See numpy.linalg.matrix_norm."""
    return norm(as_input(x, "matrix_norm"), axis=(-2, -1), keepdims=keepdims, ord=ord)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):  # noqa: A002
    """See numpy.linalg.vector_norm."""
    x = as_input(x, "vector_norm")
    shape = list(x._shape)
    if axis is None:
        x = x.ravel()
        _axis = 0
    elif isinstance(axis, tuple):
        normalized = normalize_axis_tuple(axis, x.ndim)
        rest = tuple(i for i in range(x.ndim) if i not in normalized)
        newshape = axis + rest
        x = x.transpose(newshape).reshape(
            (batch_count(x._shape[i] for i in axis), *[x._shape[i] for i in rest]))
        _axis = 0
    else:
        _axis = axis
    res = norm(x, axis=_axis, ord=ord)
    if keepdims:
        _axes = normalize_axis_tuple(range(len(shape)) if axis is None else axis, len(shape))
        for i in _axes:
            shape[i] = 1
        res = res.reshape(tuple(shape))
    return res


def cond(x, p=None):
    """See numpy.linalg.cond.

    Differences from NumPy: the result is a device array (0-d for a matrix).
    """
    from .._routines.reductions import any as _any
    from .._routines.searching import where
    from .._ufunc.namespace import isnan
    from ._solve import inverse
    from ._svd import svd
    x = as_input(x, "cond")
    if x.size == 0 and batch_count(x._shape[-2:]) == 0:
        raise LinAlgError("cond is not defined on empty arrays")
    if p is None or p in {2, -2}:
        s = svd(x, compute_uv=False)
        if p == -2:
            r = s[..., -1] / s[..., 0]
        else:
            r = s[..., 0] / s[..., -1]
    else:
        assert_stacked_square(x)
        dt = result_dtype(x.dtype)
        invx = inverse(x, dt, check=False)       # singular: NaN entries, as NumPy's
        r = norm(x, p, axis=(-2, -1)) * norm(invx, p, axis=(-2, -1))
        r = r.astype(real_dtype(dt))
    # NumPy: a NaN from a singular matrix (not from NaN input) means infinitely ill-conditioned.
    nan_mask = isnan(r) & ~_any(isnan(x), axis=(-2, -1))
    return where(nan_mask, numpy.inf, r)
