"""What the decompositions and solvers share: NumPy's argument checks and dtype rules,
column-major work buffers, pointer arrays, the info read-back and small kernels.

Layout trick used throughout.  cuSOLVER is column-major: the memory of a C-contiguous
(m, n) matrix A is, read column-major, A^T (n x m, leading dimension n).  Routines
feed that memory as it is wherever the transposed problem gives the answer directly
(inv, det, cholesky, eigenvalues, the SVD of wide matrices) and make one transposed
copy where it does not (a column-major copy of A, or of a result).

Results follow NumPy's layouts (C-contiguous unless NumPy returns a view) and
NumPy's dtypes (``_commonType``): float32/complex64 stay single precision, integers
and bool compute in float64, float16 raises TypeError.

Differences from NumPy (all routines): single-precision inputs are factorised in
single precision (NumPy's LAPACK path computes them in double and rounds the
result), so float32 results carry float32 rounding errors.
"""

from __future__ import annotations

import typing

import numpy

from .._core.ndarray import _empty, _from_host, _view, ndarray
from .._engine import copy as _copy
from .._engine import elementwise as _ew

LinAlgError = numpy.linalg.LinAlgError

#: Largest n for which stacks of n x n matrices use the batched library calls
#: (cuBLAS getrfBatched/getrsBatched/getriBatched, cuSOLVER potrfBatched); larger
#: matrices loop over the stack with the one-matrix routines.
BATCHED_MAX_N = 64
#: The batched Jacobi solvers (gesvdjBatched, syevjBatched) take matrices up to 32 x 32.
JACOBI_BATCHED_MAX = 32

_I32 = numpy.dtype(numpy.int32)
_I64 = numpy.dtype(numpy.int64)
_U8 = numpy.dtype(numpy.uint8)


# -- NumPy's result types ---------------------------------------------------------------------
class EigResult(typing.NamedTuple):
    eigenvalues: object
    eigenvectors: object


class EighResult(typing.NamedTuple):
    eigenvalues: object
    eigenvectors: object


class QRResult(typing.NamedTuple):
    Q: object
    R: object


class SlogdetResult(typing.NamedTuple):
    sign: object
    logabsdet: object


class SVDResult(typing.NamedTuple):
    U: object
    S: object
    Vh: object


# -- arguments -----------------------------------------------------------------------------------
def as_input(x, fname: str) -> ndarray:
    """A routine's array argument: device arrays as they are, Python and NumPy scalars
    as 0-d device arrays; host arrays and lists raise TypeError (no implicit copies)."""
    if isinstance(x, ndarray):
        return x
    from .._routines.creation import asarray, is_device
    if is_device(x):
        return asarray(x)
    from .._routines.elementwise import check_operand
    check_operand(x, fname)
    return _from_host(numpy.asarray(x))


def result_dtype(*dtypes) -> numpy.dtype:
    """NumPy's ``_commonType``: the dtype a decomposition computes and returns.

    float32/complex64 inputs alone stay single precision; anything float64, integer
    or bool makes it double; any complex input makes it complex; float16 (and any
    other inexact type LAPACK lacks) raises TypeError, as in NumPy.
    """
    single, cplx = True, False
    for dt in dtypes:
        dt = numpy.dtype(dt)
        if dt.kind in "fc":
            cplx = cplx or dt.kind == "c"
            if dt.char in "dD":
                single = False
            elif dt.char not in "fF":
                raise TypeError(f"array type {dt.name} is unsupported in linalg")
        else:
            single = False
    if cplx:
        return numpy.dtype(numpy.complex64 if single else numpy.complex128)
    return numpy.dtype(numpy.float32 if single else numpy.float64)


def real_dtype(dt: numpy.dtype) -> numpy.dtype:
    return numpy.dtype(numpy.float32) if dt.char in "fF" else numpy.dtype(numpy.float64)


def complex_dtype(dt: numpy.dtype) -> numpy.dtype:
    return numpy.dtype(numpy.complex64) if dt.char in "fF" else numpy.dtype(numpy.complex128)


def assert_stacked_2d(*arrays) -> None:
    for a in arrays:
        if a.ndim < 2:
            raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be at least "
                              "two-dimensional")


def assert_2d(*arrays) -> None:
    for a in arrays:
        if a.ndim != 2:
            raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be "
                              "two-dimensional")


def assert_stacked_square(*arrays) -> None:
    for a in arrays:
        assert_stacked_2d(a)
        if a._shape[-1] != a._shape[-2]:
            raise LinAlgError("Last 2 dimensions of the array must be square")


def batch_count(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


# -- work buffers ----------------------------------------------------------------------------------
def work_copy(a, dt: numpy.dtype, transpose: bool = False) -> ndarray:
    """A fresh C-contiguous copy of ``a`` (``a.mT`` with ``transpose``) as ``dt``.

    The copy of ``a.mT`` holds each matrix of ``a`` column-major (leading dimension
    its row count); the plain copy holds each matrix's transpose column-major.
    """
    src = a.swapaxes(-1, -2) if transpose else a
    out = _empty(src._shape, dt)
    _copy.copy_into(out, src)
    return out


def transposed_copy(x, conj: bool = False) -> ndarray:
    """A C-contiguous copy of ``x.mT`` (conjugated with ``conj`` for complex ``x``)."""
    src = x.swapaxes(-1, -2)
    out = _empty(src._shape, x.dtype)
    if conj and x.dtype.kind == "c":
        from .._ufunc.namespace import conjugate
        conjugate(src, out=out)
    else:
        _copy.copy_into(out, src)
    return out


def contiguous(x) -> ndarray:
    """``x`` itself when C-contiguous, else a C-contiguous copy."""
    if x._c:
        return x
    out = _empty(x._shape, x.dtype)
    _copy.copy_into(out, x)
    return out


def stack_view(a, batch: int) -> ndarray:
    """A C-contiguous (..., r, c) array viewed as (batch, r, c)."""
    r, c = a._shape[-2:]
    s = a.dtype.itemsize
    return _view(a, (batch, r, c), (r * c * s, c * s, s), a.dtype, a._ptr)


def diagonals(x) -> ndarray:
    """The main diagonals of a C-contiguous (..., n, n) stack as a (..., n) view."""
    n, s = x._shape[-1], x.dtype.itemsize
    strides = tuple(st for st in x._strides[:-2]) + ((n + 1) * s,)
    return _view(x, x._shape[:-1], strides, x.dtype, x._ptr)


def identity_stack(shape, dt: numpy.dtype) -> ndarray:
    """A C-contiguous stack of identity matrices of ``shape`` (..., n, m)."""
    from ..cuda import _copy as _raw
    out = _empty(tuple(shape), dt)
    _raw.memset8(out._ptr, 0, out.nbytes)
    n, m = out._shape[-2:]
    if out.size and min(n, m):
        s = dt.itemsize
        diag = _view(out, out._shape[:-2] + (min(n, m),),
                     tuple(out._strides[:-2]) + ((m + 1) * s,), dt, out._ptr)
        _copy.fill(diag, dt.type(1))
    return out


def zeros(shape, dt: numpy.dtype) -> ndarray:
    from ..cuda import _copy as _raw
    out = _empty(tuple(shape), dt)
    _raw.memset8(out._ptr, 0, out.nbytes)
    return out


def pointer_array(buf, count: int, stride: int) -> ndarray:
    """A device int64 array of ``count`` pointers ``buf._ptr + i * stride`` (the batched
    library calls take a device array of matrix addresses).

    Keep the returned array referenced until the call that reads it is queued: passing
    ``pointer_array(...)._ptr`` straight on frees the block at once, and the next
    allocation of its size (another pointer array) takes it and overwrites it first."""
    from .._routines.ranges import arange
    start = buf._ptr
    return arange(start, start + count * stride, stride, dtype=_I64)


def info_array(count: int) -> ndarray:
    """One int32 status per matrix, zeroed (loops that skip a matrix leave it 0)."""
    return zeros((max(count, 1),), _I32)


def fetch(*arrays) -> list:
    """Copy small contiguous device arrays to the host with one synchronisation."""
    if len(arrays) == 1:
        return [arrays[0].get()]
    offsets, total = [], 0
    for a in arrays:
        offsets.append(total)
        total += -(-a.nbytes // 8) * 8
    staging = _empty((max(total, 1),), _U8)
    from ..cuda import _copy as _raw
    for a, off in zip(arrays, offsets):
        _raw.dtod(staging._ptr + off, contiguous(a)._ptr, a.nbytes)
    host = staging.get()
    return [numpy.frombuffer(host, a.dtype, a.size, off).reshape(a._shape).copy()
            for a, off in zip(arrays, offsets)]


# -- small kernels ---------------------------------------------------------------------------------
_triangle_ops: dict = {}


def triangle_op(lower: bool):
    """The elementwise op behind :func:`keep_triangle` (in0: the matrix, in1 its column
    count, in2 its row count, in3 the diagonal offset k)."""
    op = _triangle_ops.get(lower)
    if op is None:
        test = ">" if lower else "<"
        op = _triangle_ops[lower] = _ew.ElementwiseOp(
            "linalg_keep_" + ("lower" if lower else "upper"),
            "const long long g_col = (long long)_i % in1;\n"
            "const long long g_row = ((long long)_i / in1) % in2;\n"
            f"out0 = g_col - g_row {test} in3 ? out0_type(0) : in0", 4, 1)
    return op


def keep_triangle(x, lower: bool, k: int = 0) -> None:
    """Zero, in place, what lies outside the lower (``col - row <= k``) or upper
    (``col - row >= k``) triangle of every matrix in ``x`` (NumPy's tril/triu)."""
    if not x.size:
        return
    rows, cols = x._shape[-2:]
    # Each element is read and written by the same thread: in place is safe.
    _ew.launch(triangle_op(lower), [x, numpy.int64(cols), numpy.int64(rows), numpy.int64(k)],
               (x.dtype, _I64, _I64, _I64), (x.dtype, _I64, _I64, _I64), [x], (x.dtype,))


def raise_if(flags, message: str) -> None:
    """LinAlgError(message) when any of the host ``flags`` (infos) is non-zero."""
    if numpy.any(flags):
        raise LinAlgError(message)
