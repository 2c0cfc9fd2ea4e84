"""Linear systems and what LU and the SVD give: solve, inv, det, slogdet, pinv, lstsq,
matrix_rank, tensorsolve, tensorinv.

LU: stacks of matrices up to ``BATCHED_MAX_N`` take cuBLAS's batched getrf with
getrs (solve) or getri (inv); single matrices and larger ones loop over cuSOLVER's
64-bit getrf/getrs.  Every routine factors A itself, as NumPy's LAPACK calls do (it
hands getrf/gesv a Fortran-order copy of A): a column-major copy of A (the C copy of
A^T) goes in, so that partial pivoting meets the same columns and an exactly singular
matrix (a zero pivot, "Singular matrix", det 0) is found where NumPy finds one.
Factoring A^T instead gives the same determinant mathematically, but other
multipliers and roundings: for [[1, 2, 3], [2, 4, 6], [0, 1, 1]], A's multiplier is
1/2 (exact, U[2, 2] = 0) and A^T's are 2/3 and 1/3, whose rounding the device's fused
multiply-add keeps (U[1, 1] = 2.2e-16, no zero pivot).  Results come back
column-major: one transposed copy out (none for a vector b).

Device addresses handed to a library call (pointer arrays) belong to arrays that
stay referenced until the call is queued: a temporary's block goes back to the pool
when its last reference goes, and the next allocation of its size class takes it
again and overwrites it before the library reads it.
"""

from __future__ import annotations

import numpy

from .._core.ndarray import _empty
from ..cuda import _cusolver as _cs
from ._common import (BATCHED_MAX_N, LinAlgError, SlogdetResult, as_input,
                      assert_2d, assert_stacked_square, batch_count, diagonals, fetch,
                      identity_stack, info_array, pointer_array, raise_if, real_dtype,
                      result_dtype, stack_view, transposed_copy, work_copy, zeros)

_I32 = numpy.dtype(numpy.int32)
_I64 = numpy.dtype(numpy.int64)
_NoValue = numpy._NoValue


# -- LU --------------------------------------------------------------------------------------------
class _LU:
    """LU factors (partial pivoting) of the column-major matrices of the C-contiguous stack
    ``w`` (b, n, n), in place: ``w`` is the C copy of A^T, so these are A's factors."""

    def __init__(self, w, b: int, n: int, dt):
        self.w, self.b, self.n, self.dt = w, b, n, dt
        self.stride = n * n * dt.itemsize
        self.info = info_array(b)
        self.ws = _cs.Workspace()
        self.batched = b > 1 and n <= BATCHED_MAX_N
        if self.batched:                        # cuBLAS: int32 pivots
            self.ptrs = pointer_array(w, b, self.stride)
            self.ipiv = _empty((b, n), _I32)
            _cs.getrf_batched(dt, n, self.ptrs._ptr, n, self.ipiv._ptr, self.info._ptr, b)
        else:                                   # cuSOLVER 64-bit API: int64 pivots
            self.ipiv = _empty((b, n), _I64)
            _cs.getrf(self.ws, dt, n, w._ptr, n, self.ipiv._ptr, self.info._ptr, b,
                      self.stride)

    def solve(self, rhs, nrhs: int, trans: int) -> None:
        """op(A) X = B in place, ``rhs`` a C stack (b, nrhs, n): B column-major each."""
        n, dt = self.n, self.dt
        if not nrhs:
            return
        rstride = nrhs * n * dt.itemsize
        if self.batched:
            bptrs = pointer_array(rhs, self.b, rstride)
            _cs.getrs_batched(dt, trans, n, nrhs, self.ptrs._ptr, n, self.ipiv._ptr, bptrs._ptr,
                              n, self.b)
        else:
            # getrs reports only invalid arguments: its own status array, never read (the
            # factorisation's, which says "singular", must survive).
            status = info_array(self.b)
            _cs.getrs(dt, trans, n, nrhs, self.w._ptr, n, self.ipiv._ptr, rhs._ptr, n,
                      status._ptr, self.b, self.stride, rstride)


# -- solve, inv ------------------------------------------------------------------------------------
def _solve_shapes(a, b):
    """NumPy 2's gufunc rules: b is a stack of vectors only when 1-d (solve1,
    (m,m),(m)->(m)); otherwise a stack of matrices ((m,m),(m,n)->(m,n)), broadcast."""
    n = a._shape[-1]
    if b.ndim == 1:
        if b._shape[0] != n:
            raise ValueError(f"solve1: Input operand 1 has a mismatch in its core dimension 0, "
                             f"with gufunc signature (m,m),(m)->(m) (size {b._shape[0]} is "
                             f"different from {n})")
        return a._shape[:-2], 1, True
    if b.ndim < 2:
        raise ValueError(f"solve: Input operand 1 does not have enough dimensions (has "
                         f"{b.ndim}, gufunc core with signature (m,m),(m,n)->(m,n) requires 2)")
    if b._shape[-2] != n:
        raise ValueError(f"solve: Input operand 1 has a mismatch in its core dimension 0, with "
                         f"gufunc signature (m,m),(m,n)->(m,n) (size {b._shape[-2]} is "
                         f"different from {n})")
    return numpy.broadcast_shapes(a._shape[:-2], b._shape[:-2]), b._shape[-1], False


def solve(a, b):
    """See numpy.linalg.solve (NumPy 2 rules: ``b`` is a vector only when 1-d).

    Differences from NumPy: LinAlgError("Singular matrix") is found from the factors'
    status after one synchronisation and names no matrix of a stack.
    """
    a, b = as_input(a, "solve"), as_input(b, "solve")
    assert_stacked_square(a)
    dt = result_dtype(a.dtype, b.dtype)
    batch_shape, k, vector = _solve_shapes(a, b)
    n = a._shape[-1]
    out_shape = batch_shape + ((n,) if vector else (n, k))
    bt = batch_count(batch_shape)
    if not bt or not n:
        return zeros(out_shape, dt)
    from .._routines.manipulation import broadcast_to
    single = a.ndim == 2
    w = work_copy(a if single else broadcast_to(a, batch_shape + (n, n)), dt, transpose=True)
    lu = _LU(w, 1 if single else bt, n, dt)
    if vector:
        rhs = work_copy(b if single else broadcast_to(b, batch_shape + (n,)), dt)
    else:
        rhs = work_copy(broadcast_to(b, batch_shape + (n, k)), dt, transpose=True)
    # One matrix: every right-hand side of the stack is a column of one n x (bt * k) B.
    lu.solve(rhs, bt * k if single else k, _cs.OP_N)
    (failed,) = fetch(lu.info)
    raise_if(failed, "Singular matrix")
    return rhs if vector else transposed_copy(rhs)


def inverse(a, dt, check: bool = True):
    """The inverses of the square stack ``a`` as ``dt``; singular matrices raise
    LinAlgError (``check``) or come back all NaN (NumPy's inverse with errors ignored)."""
    n = a._shape[-1]
    b = batch_count(a._shape[:-2])
    if not b or not n:
        return zeros(a._shape, dt)
    lu = _LU(work_copy(a, dt, transpose=True), b, n, dt)
    info = lu.info
    if lu.batched:
        x = _empty(a._shape, dt)
        out_ptrs = pointer_array(x, b, n * n * dt.itemsize)     # referenced until queued
        status = info_array(b)                  # getri's own; the factorisation's says singular
        _cs.getri_batched(dt, n, lu.ptrs._ptr, n, lu.ipiv._ptr, out_ptrs._ptr, n,
                          status._ptr, b)
    else:                                       # getrs against I (symmetric: any layout)
        x = identity_stack(a._shape, dt)
        lu.solve(stack_view(x, b), n, _cs.OP_N)
    out = transposed_copy(x)                    # A^-1 column-major -> C order
    if check:
        (failed,) = fetch(info)
        raise_if(failed, "Singular matrix")
        return out
    # NumPy's inverse of a singular matrix (errors ignored) is all NaN.
    from .._routines.searching import where
    return where(info.reshape(a._shape[:-2] + (1, 1)) != 0, numpy.nan, out).astype(dt)


def inv(a):
    """See numpy.linalg.inv.

    Differences from NumPy: LinAlgError("Singular matrix") is found from the factors'
    status after one synchronisation.
    """
    a = as_input(a, "inv")
    assert_stacked_square(a)
    return inverse(a, result_dtype(a.dtype))


# -- determinants ----------------------------------------------------------------------------------
def _slogdet(a):
    """(sign, logabsdet) as NumPy computes them from LU: the product of the pivots' signs
    (phases) and the permutation's parity; 0 and -inf for an exactly singular matrix."""
    assert_stacked_square(a)
    dt = result_dtype(a.dtype)
    rdt = real_dtype(dt)
    batch_shape, n = a._shape[:-2], a._shape[-1]
    b = batch_count(batch_shape)
    if not b or not n:
        from .._routines.creation import ones
        return ones(batch_shape, dt), zeros(batch_shape, rdt)
    from .._routines.ranges import arange
    from .._routines.reductions import any as _any
    from .._routines.reductions import count_nonzero, prod, sum as _sum
    from .._routines.searching import where
    from .._ufunc.namespace import absolute, log
    w = work_copy(a, dt, transpose=True)        # A column-major, as NumPy hands it to getrf
    lu = _LU(w, b, n, dt)                       # singular matrices raise nothing here
    d = diagonals(w)
    absd = absolute(d)
    logdet = _sum(log(absd), axis=-1)
    ipiv = lu.ipiv.reshape(batch_shape + (n,))
    swaps = count_nonzero(ipiv != arange(1, n + 1, dtype=ipiv.dtype), axis=-1)
    if dt.kind == "c":
        phase = prod(where(absd == 0, 0, d / absd), axis=-1)
        sign = where(swaps % 2 == 1, -phase, phase).astype(dt)
    else:
        # NaN pivots count as positive, as in NumPy's loop (sign 1, logabsdet nan).
        flips = swaps + count_nonzero(d < 0, axis=-1)
        sign = where(_any(absd == 0, axis=-1), 0, 1 - 2 * (flips % 2)).astype(dt)
    del lu
    return sign, logdet


def slogdet(a):
    """See numpy.linalg.slogdet.

    Differences from NumPy: the results of a 2-d input are 0-d device arrays (no
    synchronisation).
    """
    sign, logdet = _slogdet(as_input(a, "slogdet"))
    return SlogdetResult(sign, logdet)


def det(a):
    """See numpy.linalg.det (``sign * exp(logabsdet)``, as NumPy computes it).

    Differences from NumPy: the result of a 2-d input is a 0-d device array.
    """
    from .._ufunc.namespace import exp
    sign, logdet = _slogdet(as_input(a, "det"))
    return sign * exp(logdet)


# -- SVD-based -------------------------------------------------------------------------------------
def _is_empty_2d(a) -> bool:
    return a.size == 0 and batch_count(a._shape[-2:]) == 0


def _scalar_or_device(x):
    """A tolerance argument: device arrays as they are, Python/NumPy scalars as Python numbers
    (host arrays raise TypeError, as elsewhere)."""
    from .._routines.creation import is_device
    if is_device(x):
        return as_input(x, "linalg")
    if isinstance(x, numpy.ndarray) and x.ndim == 0:
        return x[()].item()
    if isinstance(x, numpy.generic):
        return x.item()
    if isinstance(x, (bool, int, float, complex)):
        return x
    return as_input(x, "linalg")


def _last_axis(x):
    """NumPy's ``asarray(x)[..., newaxis]``: a trailing unit axis for device arrays (scalars
    broadcast the same way as they are)."""
    return x[..., None] if not isinstance(x, (bool, int, float, complex)) else x


def pinv(a, rcond=None, hermitian=False, *, rtol=_NoValue):
    """See numpy.linalg.pinv.

    Differences from NumPy: ``rcond``/``rtol`` may be Python or NumPy scalars or device
    arrays (host arrays raise TypeError).
    """
    from .._routines.reductions import max as _max
    from .._routines.searching import where
    from .._ufunc.namespace import conjugate
    from ._svd import svd
    a = as_input(a, "pinv")
    if rcond is None:
        if rtol is _NoValue:
            rcond = 1e-15
        elif rtol is None:
            rcond = max(a._shape[-2:]) * numpy.finfo(a.dtype).eps
        else:
            rcond = rtol
    elif rtol is not _NoValue:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    rcond = _scalar_or_device(rcond)
    if _is_empty_2d(a):
        m, n = a._shape[-2:]
        return _empty(a._shape[:-2] + (n, m), a.dtype)
    u, s, vt = svd(conjugate(a), full_matrices=False, hermitian=hermitian)
    cutoff = _last_axis(rcond) * _max(s, axis=-1, keepdims=True)
    large = s > cutoff
    s = where(large, 1 / s, 0).astype(s.dtype)
    return _matmul(vt.swapaxes(-1, -2), s[..., None] * u.swapaxes(-1, -2))


def _matmul(x, y):
    from .. import matmul           # the namespace's matmul (cuBLAS where it routes there)
    return matmul(x, y)


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """See numpy.linalg.matrix_rank.

    Differences from NumPy: the rank of a stack (or of a matrix) is a device array (a
    0-d one for a matrix); the rank of a 0-d/1-d input, a Python int, is read back.
    """
    from .._routines.reductions import all as _all
    from .._routines.reductions import count_nonzero
    from .._routines.reductions import max as _max
    from ._svd import svd
    if rtol is not None and tol is not None:
        raise ValueError("`tol` and `rtol` can't be both set.")
    A = as_input(A, "matrix_rank")
    if A.ndim < 2:
        return int(not bool(_all(A == 0)))
    S = svd(A, compute_uv=False, hermitian=hermitian)
    if tol is None:
        if rtol is None:
            rtol = max(A._shape[-2:]) * numpy.finfo(S.dtype).eps
        else:
            rtol = _last_axis(_scalar_or_device(rtol))
        tol = _max(S, axis=-1, keepdims=True, initial=0) * rtol
    else:
        tol = _last_axis(_scalar_or_device(tol))
    return count_nonzero(S > tol, axis=-1)


def lstsq(a, b, rcond=None):
    """See numpy.linalg.lstsq (through the SVD, as LAPACK's gelsd).

    Differences from NumPy: single-precision input is solved in single precision and
    the default ``rcond`` is that precision's eps * max(M, N) (NumPy computes in double
    with double's eps); ``rank`` (a NumPy int32) is read back from the device, which
    costs a second synchronisation after the SVD's.
    """
    from .._routines.reductions import count_nonzero
    from .._routines.reductions import sum as _sum
    from .._routines.searching import where
    from .._ufunc.namespace import absolute, conjugate
    from ._svd import svd_core
    a, b = as_input(a, "lstsq"), as_input(b, "lstsq")
    is_1d = b.ndim == 1
    if is_1d:
        b = b[:, None]
    assert_2d(a, b)
    m, n = a._shape
    m2, n_rhs = b._shape
    if m != m2:
        raise LinAlgError("Incompatible dimensions")
    dt = result_dtype(a.dtype, b.dtype)
    rdt = real_dtype(dt)
    if rcond is None:
        rcond = numpy.finfo(dt).eps * max(n, m)
    elif rcond < 0:                             # LAPACK: a negative rcond means machine eps
        rcond = numpy.finfo(dt).eps
    k = min(m, n)
    if not k:
        x = zeros((n, n_rhs), dt)
        s, rank = _empty((0,), rdt), 0
    else:
        u, s, vh = svd_core(a, dt, True, False)
        keep = s > s[0] * rcond
        s_inv = where(keep, 1 / s, 0).astype(rdt)
        coef = s_inv[:, None] * _matmul(conjugate(u).swapaxes(-1, -2), work_copy(b, dt))
        x = _matmul(conjugate(vh).swapaxes(-1, -2), coef)
        rank = int(count_nonzero(keep))
    if rank == n and m > n and n_rhs:
        r = _matmul(work_copy(a, dt), x) - work_copy(b, dt)
        resids = _sum(absolute(r) ** 2, axis=0).astype(rdt)
    else:
        resids = _empty((0,), rdt)
    if is_1d:
        x = x[:, 0]
    return x, resids, numpy.int32(rank), s


# -- tensors ---------------------------------------------------------------------------------------
def tensorsolve(a, b, axes=None):
    """See numpy.linalg.tensorsolve."""
    a, b = as_input(a, "tensorsolve"), as_input(b, "tensorsolve")
    an = a.ndim
    if axes is not None:
        allaxes = list(range(an))
        for k in axes:
            allaxes.remove(k)
            allaxes.insert(an, k)
        a = a.transpose(allaxes)
    oldshape = a._shape[-(an - b.ndim):]
    prod = 1
    for k in oldshape:
        prod *= k
    if a.size != prod ** 2:
        raise LinAlgError("Input arrays must satisfy the requirement             "
                          "prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    a = a.reshape(prod, prod)
    b = b.ravel()
    return solve(a, b).reshape(oldshape)


def tensorinv(a, ind=2):
    """See numpy.linalg.tensorinv."""
    a = as_input(a, "tensorinv")
    oldshape = a._shape
    prod = 1
    if ind > 0:
        invshape = oldshape[ind:] + oldshape[:ind]
        for k in oldshape[ind:]:
            prod *= k
    else:
        raise ValueError("Invalid ind argument.")
    a = a.reshape(prod, -1)
    return inv(a).reshape(*invshape)
