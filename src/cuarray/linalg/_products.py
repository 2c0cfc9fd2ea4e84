"""Matrix and vector products (NumPy's "Linear algebra: matrix and vector products").

Every product reduces to the ``matmul`` gufunc (cuBLAS for float16/32/64 and
complex64/128, cuarray's own GEMM kernels for integers and bool, NumPy's wrap-around
included), or to ufuncs where no sum is involved (outer, kron, cross).  Operands are
rearranged as views: a transposed operand reaches cuBLAS as op T, never as a copy;
only layouts no leading dimension can describe are copied, once.

Operands are cuarray arrays or scalars; NumPy arrays and lists raise TypeError (no
implicit host transfers).  Scalars become 0-d arrays as NumPy converts them (a Python
float is float64): ``dot``, ``vdot``, ``inner``, ``kron``, ``einsum`` do not treat
Python scalars as weak, as NumPy's don't.
"""

from __future__ import annotations

import math
import operator
import warnings

import numpy
from numpy.lib.array_utils import normalize_axis_index

from .._core import ndarray as _nd
from .._routines.manipulation import shape_text
from .._ufunc import namespace as _uf

ndarray = _nd.ndarray
_SCALARS = (bool, int, float, complex)


# -- operands -----------------------------------------------------------------------------------
def _operand(x) -> ndarray:
    """``x`` as a device array: arrays as they are, scalars as NumPy converts them."""
    if isinstance(x, ndarray):
        return x
    if type(x) in _SCALARS or isinstance(x, (numpy.generic, *_SCALARS)):
        from .._routines.creation import asarray
        return asarray(x)
    from .._routines.interop import device_view
    dev = device_view(x)
    if dev is not None:
        return dev
    if isinstance(x, numpy.ndarray):
        raise TypeError("Unsupported type numpy.ndarray: cuarray does not copy host arrays "
                        "implicitly; convert with cuarray.asarray() first")
    raise TypeError(f"Unsupported type {type(x).__name__}")


def _result_type(a, b) -> numpy.dtype:
    """NumPy's dot/matmul result dtype for two arrays (no weak scalars)."""
    return numpy.result_type(a.dtype, b.dtype)


def _matmul_into(a, b, out) -> ndarray:
    _uf.matmul(a, b, out=out)
    return out


def _prod(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


# -- dot, vdot, inner, outer ----------------------------------------------------------------------
def _not_aligned(a_shape, b_shape, ia, ib):
    raise ValueError(f"shapes {shape_text(a_shape)} and {shape_text(b_shape)} not aligned: "
                     f"{a_shape[ia]} (dim {ia}) != {b_shape[ib]} (dim {ib})")


def _dot_out(out, shape, dt) -> ndarray:
    if out is None:
        return _nd._empty(shape, dt)
    if not isinstance(out, ndarray):
        raise TypeError(f"out must be a cuarray.ndarray, not {type(out).__name__}")
    if out.ndim != len(shape) or out.dtype != dt or not out._c:
        raise ValueError("output array is not acceptable (must have the right datatype, "
                         "number of dimensions, and be a C-Array)")
    if out._shape != shape:
        raise ValueError("output array has wrong dimensions")
    return out


def dot(a, b, out=None):
    """See numpy.dot.

    Differences from NumPy: floating-point sums run in cuBLAS's order (results may differ
    in the last bits); float32 may use TF32 when enabled (``cuarray.linalg.set_tf32``).
    """
    a, b = _operand(a), _operand(b)
    if a.ndim == 0 or b.ndim == 0:
        return _uf.multiply(a, b) if out is None else _uf.multiply(a, b, out=out)
    ib = 0 if b.ndim == 1 else b.ndim - 2
    if a._shape[-1] != b._shape[ib]:
        _not_aligned(a._shape, b._shape, a.ndim - 1, ib)
    shape = a._shape[:-1] + b._shape[:ib] + b._shape[ib + 1:]
    out = _dot_out(out, shape, _result_type(a, b))
    if a.ndim == 1 or b.ndim <= 2:
        # matmul's shapes agree with dot's here (b's stack dims, if any, lead).
        return _matmul_into(a, b, out)
    # Every row of a with every matrix of b: a (N, K) against b (P, K, M) -> out (N, P, M),
    # computed as the batched product (P, N, K) @ (P, K, M) into a transposed view of out.
    k, m = b._shape[-2], b._shape[-1]
    n, p = _prod(a._shape[:-1]), _prod(b._shape[:-2])
    a2 = a.reshape(n, k)
    b3 = b.reshape(p, k, m)
    view = out.reshape(n, p, m).transpose(1, 0, 2)
    _uf.matmul(a2, b3, out=view)
    return out


def vdot(a, b, /):
    """See numpy.vdot (complex ``a`` is conjugated; both are flattened).

    Differences from NumPy: the result is a 0-d array.
    """
    a, b = _operand(a).ravel(), _operand(b).ravel()
    if a.size != b.size:
        raise ValueError(f"cannot reshape array of size {b.size} into shape ({a.size},)")
    return _uf.vecdot(a, b)


def inner(a, b, /):
    """See numpy.inner."""
    a, b = _operand(a), _operand(b)
    if a.ndim == 0 or b.ndim == 0:
        return _uf.multiply(a, b)
    k = a._shape[-1]
    if b._shape[-1] != k:
        # NumPy reports the shapes of dot(a, b with its last two axes swapped).
        bt = b._shape if b.ndim == 1 else b._shape[:-2] + (b._shape[-1], b._shape[-2])
        _not_aligned(a._shape, bt, a.ndim - 1, 0 if b.ndim == 1 else b.ndim - 2)
    out = _nd._empty(a._shape[:-1] + b._shape[:-1], _result_type(a, b))
    n, p = _prod(a._shape[:-1]), _prod(b._shape[:-1])
    _uf.matmul(a.reshape(n, k), b.reshape(p, k).T, out=out.reshape(n, p))
    return out


def outer(a, b, out=None):
    """See numpy.outer."""
    a, b = _operand(a).ravel(), _operand(b).ravel()
    if out is None:
        return _uf.multiply(a[:, None], b[None, :])
    return _uf.multiply(a[:, None], b[None, :], out=out)


# -- tensordot, kron --------------------------------------------------------------------------------
def _axes_list(axes):
    try:
        return len(axes), list(axes)
    except TypeError:
        return 1, [axes]


def tensordot(a, b, axes=2):
    """See numpy.tensordot."""
    try:
        iter(axes)
    except Exception:       # noqa: BLE001 - NumPy's test for "an integer"
        axes_a, axes_b = list(range(-axes, 0)), list(range(axes))
    else:
        axes_a, axes_b = axes
    na, axes_a = _axes_list(axes_a)
    nb, axes_b = _axes_list(axes_b)
    if len(set(axes_a)) != len(axes_a) or len(set(axes_b)) != len(axes_b):
        raise ValueError("duplicate axes are not allowed in tensordot")
    a, b = _operand(a), _operand(b)
    as_, bs, nda, ndb = a._shape, b._shape, a.ndim, b.ndim
    equal = na == nb
    if equal:
        for i in range(na):
            if as_[axes_a[i]] != bs[axes_b[i]]:
                equal = False
                break
            axes_a[i] += nda if axes_a[i] < 0 else 0
            axes_b[i] += ndb if axes_b[i] < 0 else 0
    if not equal:
        raise ValueError("shape-mismatch for sum")
    free_a = [i for i in range(nda) if i not in axes_a]
    free_b = [i for i in range(ndb) if i not in axes_b]
    k = math.prod(as_[i] for i in axes_a)
    at = a.transpose(free_a + axes_a).reshape(math.prod(as_[i] for i in free_a), k)
    bt = b.transpose(axes_b + free_b).reshape(k, math.prod(bs[i] for i in free_b))
    return dot(at, bt).reshape([as_[i] for i in free_a] + [bs[i] for i in free_b])


def kron(a, b):
    """See numpy.kron."""
    b = _operand(b)
    a = _operand(a)
    if a.ndim < b.ndim:
        a = a.reshape((1,) * (b.ndim - a.ndim) + a._shape)
    if a.ndim == 0 or b.ndim == 0:
        return _uf.multiply(a, b)
    nd = a.ndim
    as_, bs = a._shape, (1,) * (nd - b.ndim) + b._shape
    # a[i0, 1, i1, 1, ...] * b[1, j0, 1, j1, ...] -> (i0, j0, i1, j1, ...), then merge pairs.
    a_arr = a.reshape([s for d in as_ for s in (d, 1)])
    b_arr = b.reshape([s for d in bs for s in (1, d)])
    out = _nd._empty(tuple(s for pair in zip(as_, bs) for s in pair), _result_type(a, b))
    _uf.multiply(a_arr, b_arr, out=out)
    return out.reshape(tuple(x * y for x, y in zip(as_, bs)))


# -- trace, cross ---------------------------------------------------------------------------------
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """See numpy.trace.

    Differences from NumPy: the trace of a 2-d array is a 0-d array.
    """
    from .._routines.indexing import diagonal
    from .._routines.reductions import sum as _sum
    return _sum(diagonal(_operand(a), offset, axis1, axis2), axis=-1, dtype=dtype, out=out)


_cross_takes_2d = None          # asked of the installed NumPy on first use


def cross_takes_2d() -> bool:
    """Whether the installed NumPy's cross still takes 2-element vectors (deprecated in
    NumPy 2.0 with a DeprecationWarning, refused with ValueError from NumPy 2.5): asked
    of NumPy itself once, on two tiny host vectors."""
    global _cross_takes_2d
    if _cross_takes_2d is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                numpy.cross(numpy.zeros(2), numpy.zeros(3))
            except ValueError:
                _cross_takes_2d = False
            else:
                _cross_takes_2d = True
    return _cross_takes_2d


def _vectors_3d_error(n1, n2) -> ValueError:
    return ValueError("Both input arrays must be (arrays of) 3-dimensional vectors, but "
                      f"they are {n1} and {n2} dimensional instead.")


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """See numpy.cross.

    2-element vectors follow the installed NumPy: taken with a DeprecationWarning before
    NumPy 2.5, refused with NumPy's ValueError from 2.5.
    """
    from .._routines.manipulation import broadcast_shapes, moveaxis
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _operand(a), _operand(b)
    if a.ndim < 1 or b.ndim < 1:
        raise ValueError("At least one array has zero dimension")
    a = moveaxis(a, normalize_axis_index(axisa, a.ndim, msg_prefix="axisa"), -1)
    b = moveaxis(b, normalize_axis_index(axisb, b.ndim, msg_prefix="axisb"), -1)
    na, nb = a._shape[-1], b._shape[-1]
    if not cross_takes_2d():
        if na != 3 or nb != 3:
            raise _vectors_3d_error(na, nb)
    elif na not in (2, 3) or nb not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n"
                         "(dimension must be 2 or 3)")
    if na == 2 or nb == 2:
        warnings.warn("Arrays of 2-dimensional vectors are deprecated. Use arrays of "
                      "3-dimensional vectors instead. (deprecated in NumPy 2.0)",
                      DeprecationWarning, stacklevel=2)
    shape = broadcast_shapes(a._shape[:-1], b._shape[:-1])
    if na == 3 or nb == 3:
        shape += (3,)
        axisc = normalize_axis_index(axisc, len(shape), msg_prefix="axisc")
    dt = numpy.promote_types(a.dtype, b.dtype)
    cp = _nd._empty(shape, dt)
    a, b = a.astype(dt, copy=False), b.astype(dt, copy=False)
    a0, a1, b0, b1 = a[..., 0], a[..., 1], b[..., 0], b[..., 1]
    mul, sub = _uf.multiply, _uf.subtract
    # NumPy's sequence of ufunc calls, so that dtypes, rounding and errors agree.
    if na == 2 and nb == 2:
        mul(a0, b1, out=cp)
        sub(cp, mul(a1, b0), out=cp)
        return cp
    cp0, cp1, cp2 = cp[..., 0], cp[..., 1], cp[..., 2]
    if na == 2:
        b2 = b[..., 2]
        mul(a1, b2, out=cp0)
        mul(a0, b2, out=cp1)
        _uf.negative(cp1, out=cp1)
        mul(a0, b1, out=cp2)
        sub(cp2, mul(a1, b0), out=cp2)
    elif nb == 3:
        a2, b2 = a[..., 2], b[..., 2]
        mul(a1, b2, out=cp0)
        tmp = mul(a2, b1)
        sub(cp0, tmp, out=cp0)
        mul(a2, b0, out=cp1)
        mul(a0, b2, out=tmp)
        sub(cp1, tmp, out=cp1)
        mul(a0, b1, out=cp2)
        mul(a1, b0, out=tmp)
        sub(cp2, tmp, out=cp2)
    else:
        a2 = a[..., 2]
        mul(a2, b1, out=cp0)
        _uf.negative(cp0, out=cp0)
        mul(a2, b0, out=cp1)
        mul(a0, b1, out=cp2)
        sub(cp2, mul(a1, b0), out=cp2)
    return moveaxis(cp, -1, axisc)


# -- linalg: multi_dot, matrix_power -----------------------------------------------------------
def _linalg_error(message):
    return numpy.linalg.LinAlgError(message)


def chain_order(dims) -> list:
    """The optimal split of a matrix chain (NumPy's ``_multi_dot_matrix_chain_order``):
    ``dims`` = rows of each matrix then the last one's columns; returns s[i][j]."""
    n = len(dims) - 1
    cost = [[0.0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                q = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if q < cost[i][j]:
                    cost[i][j], split[i][j] = q, k
    return split


def _chain(arrays, split, i, j, out=None):
    if i == j:
        return arrays[i]
    return dot(_chain(arrays, split, i, split[i][j]), _chain(arrays, split, split[i][j] + 1, j),
               out=out)


def multi_dot(arrays, *, out=None):
    """See numpy.linalg.multi_dot (the cheapest multiplication order)."""
    n = len(arrays)
    if n < 2:
        raise ValueError("Expecting at least two arrays.")
    if n == 2:
        return dot(arrays[0], arrays[1], out=out)
    arrays = [_operand(x) for x in arrays]
    first, last = arrays[0].ndim, arrays[-1].ndim
    if first == 1:
        arrays[0] = arrays[0][None, :]
    if last == 1:
        arrays[-1] = arrays[-1][:, None]
    for x in arrays:
        if x.ndim != 2:
            raise _linalg_error(f"{x.ndim}-dimensional array given. Array must be "
                                "two-dimensional")
    if n == 3:
        a, b, c = arrays
        cost1 = a._shape[0] * c._shape[0] * (a._shape[1] + c._shape[1])
        cost2 = a._shape[1] * c._shape[1] * (a._shape[0] + c._shape[0])
        result = dot(dot(a, b), c, out=out) if cost1 < cost2 else dot(a, dot(b, c), out=out)
    else:
        dims = [x._shape[0] for x in arrays] + [arrays[-1]._shape[1]]
        result = _chain(arrays, chain_order(dims), 0, n - 1, out=out)
    if first == 1 and last == 1:
        return result[0, 0]
    if first == 1 or last == 1:
        return result.ravel()
    return result


def matrix_power(a, n):
    """See numpy.linalg.matrix_power (negative powers invert with cuarray.linalg.inv)."""
    a = _operand(a)
    if a.ndim < 2:
        raise _linalg_error(f"{a.ndim}-dimensional array given. Array must be at least "
                            "two-dimensional")
    if a._shape[-1] != a._shape[-2]:
        raise _linalg_error("Last 2 dimensions of the array must be square")
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    matmul = _uf.matmul
    if n == 0:
        from .._routines.creation import empty_like
        from .._routines.matrices import eye
        result = empty_like(a)
        result[...] = eye(a._shape[-2], dtype=a.dtype)
        return result
    if n < 0:
        from . import inv
        a, n = inv(a), -n
    if n == 1:
        return a
    if n == 2:
        return matmul(a, a)
    if n == 3:
        return matmul(matmul(a, a), a)
    z = result = None
    while n > 0:
        z = a if z is None else matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


# -- the array API's numpy.linalg spellings ---------------------------------------------------------
def _named(name):
    def rename(fn):
        fn.__name__ = name
        fn.__qualname__ = name
        fn.__doc__ = f"See numpy.linalg.{name}."
        return fn
    return rename


@_named("matmul")
def linalg_matmul(x1, x2, /):
    return _uf.matmul(x1, x2)


@_named("vecdot")
def linalg_vecdot(x1, x2, /, *, axis=-1):
    return _uf.vecdot(x1, x2, axis=axis)


@_named("tensordot")
def linalg_tensordot(x1, x2, /, *, axes=2):
    return tensordot(x1, x2, axes=axes)


@_named("outer")
def linalg_outer(x1, x2, /):
    x1, x2 = _operand(x1), _operand(x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError("Input arrays must be one-dimensional, but they are "
                         f"x1.ndim={x1.ndim} and x2.ndim={x2.ndim}.")
    return outer(x1, x2)


@_named("cross")
def linalg_cross(x1, x2, /, *, axis=-1):
    x1, x2 = _operand(x1), _operand(x2)
    n1, n2 = x1._shape[axis], x2._shape[axis]
    if n1 != 3 or n2 != 3:
        raise _vectors_3d_error(n1, n2)
    return cross(x1, x2, axis=axis)


@_named("diagonal")
def linalg_diagonal(x, /, *, offset=0):
    from .._routines.indexing import diagonal
    return diagonal(_operand(x), offset, axis1=-2, axis2=-1)


@_named("trace")
def linalg_trace(x, /, *, offset=0, dtype=None):
    return trace(x, offset, axis1=-2, axis2=-1, dtype=dtype)


@_named("matrix_transpose")
def linalg_matrix_transpose(x, /):
    x = _operand(x)
    if x.ndim < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {x.ndim}")
    return x.swapaxes(-1, -2)


def set_tf32(enabled: bool) -> bool:
    """Let float32 and complex64 products use TF32 tensor cores; returns the old setting.

    Off by default, so that float32 products round as NumPy's do.  Process-wide; the
    environment variable ``CUARRAY_TF32=1`` turns it on from the start.  TF32 keeps
    float32's range but rounds the inputs to a 10-bit mantissa (about 3 decimal digits)
    before the multiply, for several times the throughput on Ampere and later GPUs.
    """
    from ..cuda import _cublas
    return _cublas.set_tf32(enabled)
