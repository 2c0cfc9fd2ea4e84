"""Building matrices (NumPy reference): eye, identity, diag, diagflat, tri, tril, triu, vander.

Each result is made by one kernel that computes element ``_i`` from its row and
column (``_i / ncols``, ``_i % ncols`` of the C-order index), or, for diag of a
2-D array, is a strided view.
"""

from __future__ import annotations

import functools
import math
import operator

import numpy

from .._core.dtypes import get_dtype
from .._core.ndarray import _empty, _view, ndarray
from .._engine import copy as _copy
from .creation import (as_device_array, check_order, compute_dtype, device_scope, empty_iter,
                       generate, zeros)
from .ranges import _op

_I64 = numpy.dtype(numpy.int64)
_BOOL = numpy.dtype(bool)

# out0 = (column - row) compared with k, a bool converted to the result dtype.
_DIAGONAL = "out0 = (long long)(_i % in0) - (long long)(_i / in0) == in1"
_LOWER = "out0 = (long long)(_i % in0) - (long long)(_i / in0) <= in1"


def eye(N, M=None, k=0, dtype=float, order="C", *, device=None, like=None):
    """See numpy.eye."""
    order = check_order(order, ("C", "F"))
    if M is None:
        M = N
    shape = (operator.index(N), operator.index(M))
    dt = get_dtype(dtype)
    with device_scope(device):
        if k >= M:          # as NumPy: no further check of k then
            return zeros(shape, dt, order)
        out = _empty(_checked(shape), dt, order)
        return generate(_op("eye", _DIAGONAL, 2), [numpy.int64(M), numpy.int64(operator.index(k))],
                        (_I64, _I64), out, _BOOL)


def _checked(shape):
    if any(s < 0 for s in shape):
        raise ValueError("negative dimensions are not allowed")
    return shape


def identity(n, dtype=None, *, like=None):
    """See numpy.identity."""
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=float, *, like=None):
    """See numpy.tri."""
    if M is None:
        M = N
    # NumPy builds it from arange(N) and arange(-k, M - k): negative sizes give empty axes.
    shape = (max(_ceil(N), 0), max(_ceil(M), 0))
    out = _empty(shape, get_dtype(dtype))
    return generate(_op("tri", _LOWER, 2), [numpy.int64(shape[1]), numpy.int64(operator.index(k))],
                    (_I64, _I64), out, _BOOL)


def _ceil(x) -> int:
    try:
        return operator.index(x)
    except TypeError:
        return math.ceil(x)


@functools.cache
def _triangle_body(lower: bool) -> str:
    # Keep m where column - row <= k (tril) or >= k (triu); in1 columns, in2 rows, in3 k.
    test = "<=" if lower else ">="
    return ("const long long g_col = (long long)_i % in1;\n"
            "const long long g_row = ((long long)_i / in1) % in2;\n"
            f"out0 = g_col - g_row {test} in3 ? in0 : out0_type(0)")


def tril(m, k=0):
    """See numpy.tril (NumPy 2: on the last two axes; a 1-D array gives a square matrix)."""
    return _triangle(m, operator.index(k), True)


def triu(m, k=0):
    """See numpy.triu (NumPy 2: on the last two axes; a 1-D array gives a square matrix)."""
    return _triangle(m, operator.index(k), False)


def _triangle(m, k, lower) -> ndarray:
    m = as_device_array(m)
    if m.ndim == 0:
        raise TypeError("tri() missing 1 required positional argument: 'N'")
    rows, cols = m._shape[-2:] if m.ndim >= 2 else (m._shape[-1],) * 2
    shape = numpy.broadcast_shapes(m._shape, (rows, cols))
    # NumPy computes where(tri(...), m, zeros(1)): the result is laid out as that iterates.
    mask = ((rows, cols), (cols, 1))
    out = empty_iter(shape, m.dtype, [mask, m])
    c = compute_dtype(m.dtype)
    args = [m, numpy.int64(max(cols, 1)), numpy.int64(max(rows, 1)), numpy.int64(k)]
    return generate(_op("tril" if lower else "triu", _triangle_body(lower), 4), args,
                    (c, _I64, _I64, _I64), out, c)


def diag(v, k=0):
    """See numpy.diag.

    Differences from NumPy: the diagonal of a 2-D array is a writeable view (NumPy's
    is read-only); writing to it writes the array.
    """
    v = as_device_array(v)
    k = operator.index(k)
    if v.ndim == 1:
        return _diag_matrix(v, k)
    if v.ndim == 2:
        return diagonal_view(v, k)
    raise ValueError("Input must be 1- or 2-d.")


def diagonal_view(a, k) -> ndarray:
    """The k-th diagonal of a 2-D array as a view (stride: row stride + column stride)."""
    rows, cols = a._shape
    rs, cs = a._strides
    if k >= 0:
        n, offset = max(0, min(rows, cols - k)), k * cs
    else:
        n, offset = max(0, min(rows + k, cols)), -k * rs
    return _view(a, (n,), (rs + cs,), a.dtype, a._ptr + (offset if n else 0))


def _diag_matrix(v, k) -> ndarray:
    n = v._shape[0] + abs(k)
    out = zeros((n, n), v.dtype)
    if v.size:
        _copy.copy_into(diagonal_view(out, k), v)
    return out


def diagflat(v, k=0):
    """See numpy.diagflat."""
    return _diag_matrix(as_device_array(v).ravel(), operator.index(k))


# vander: x[i] ** e by NumPy's repeated multiplication (multiply.accumulate along each
# row); in0 x, in1 columns, in2 increasing.  Floats multiply e - 1 times in order, so the
# rounding is NumPy's; integers square-and-multiply (the same value modulo 2**64).
_VANDER_POWER = ("const long long g_j = (long long)_i % in1;\n"
                 "const long long g_e = in2 ? g_j : in1 - 1 - g_j;\n"
                 "in0_type g_p = (in0_type)1;\n"
                 "if (g_e > 0) { g_p = in0; for (long long g_t = 1; g_t < g_e; ++g_t) "
                 "g_p = cuarray_gen::mul(g_p, in0); }\n"
                 "out0 = g_p")
_VANDER_INT = ("const long long g_j = (long long)_i % in1;\n"
               "long long g_e = in2 ? g_j : in1 - 1 - g_j;\n"
               "unsigned long long g_b = (unsigned long long)in0, g_p = 1;\n"
               "for (; g_e; g_e >>= 1) { if (g_e & 1) g_p *= g_b; g_b *= g_b; }\n"
               "out0 = (out0_type)g_p")
# Wide matrices: one thread per row walks the row (O(N) instead of O(N) per element);
# in3 is the address of the row-major result, out0 its first column.
_VANDER_ROW = ("out0_type* g_rowptr = reinterpret_cast<out0_type*>(in3) + (long long)_i * in1;\n"
               "out0_type g_p = (out0_type)1;\n"
               "for (long long g_e = 0; g_e < in1; ++g_e) {\n"
               "  g_rowptr[in2 ? g_e : in1 - 1 - g_e] = g_p;\n"
               "  g_p = g_e == 0 ? in0 : cuarray_gen::mul(g_p, in0);\n"
               "}\n"
               "out0 = g_rowptr[0]")
_ROW_THRESHOLD = 64


def vander(x, N=None, increasing=False):
    """See numpy.vander."""
    x = as_device_array(x)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = x._shape[0]
    N = n if N is None else operator.index(N)
    dt = numpy.promote_types(x.dtype, numpy.int64)
    out = _empty(_checked((n, N)), dt)
    if not out.size:
        return out
    column = _view(x, (n, 1), (x._strides[0], x.dtype.itemsize), x.dtype, x._ptr)
    flag = numpy.bool_(increasing)
    if N > _ROW_THRESHOLD:
        first = _view(out, (n,), (out._strides[0],), dt, out._ptr)
        args = [x, numpy.int64(N), flag, numpy.uint64(out._ptr)]
        generate(_op("vander_rows", _VANDER_ROW, 4), args, (dt, _I64, _BOOL,
                                                              numpy.dtype(numpy.uint64)), first)
        return out
    body = _VANDER_INT if dt.kind == "i" else _VANDER_POWER
    return generate(_op("vander", body, 3), [column, numpy.int64(N), flag], (dt, _I64, _BOOL),
                    out)
