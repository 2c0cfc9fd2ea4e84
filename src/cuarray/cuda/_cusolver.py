"""cuSOLVER dense (and cuBLAS batched LU) calls for cuarray.linalg: a thin facade.

The only module besides ``_handles`` that touches ``nvmath.bindings.cusolverDn``.
Every function takes raw device pointers (ints), sizes and a NumPy dtype, queries
the workspace it needs, allocates it from the memory pool (stream-ordered, so it
may be dropped as soon as the work is queued) and queues the call on the current
stream.  ``batch``/``stride`` arguments repeat a call over matrices ``stride``
bytes apart, so a loop over a batch costs one buffer-size query.

Conventions: matrices are column-major (LAPACK); ``info`` is a device int32 array
with one entry per matrix (``info + 4 * i`` for the i-th call of a loop); nothing
here synchronises except where cuSOLVER itself returns a host value (gesvdp's
``h_err_sigma``) or needs host workspace (see :class:`Workspace`).

Where an X API routine asks for host workspace it computes partly on the host (as
Xgeev does) and waits for the device itself; the facade then waits for the stream
before returning, so the host buffer is free on return (routines that ask for none,
the common case, stay asynchronous).
"""

from __future__ import annotations

import numpy

from . import _driver, _handles
from ._stream import current_stream_ptr

# cublasFillMode_t, cublasOperation_t, cusolverEigMode_t
LOWER, UPPER = 0, 1
OP_N, OP_T, OP_C = 0, 1, 2
NOVECTOR, VECTOR = 0, 1

# cudaDataType_t
_CUDA_TYPE = {"f": 0, "d": 1, "F": 4, "D": 5}
_REAL_CUDA_TYPE = {"f": 0, "d": 1, "F": 0, "D": 1}
# LAPACK letters of the legacy entry points
_LETTER = {"f": "s", "d": "d", "F": "c", "D": "z"}

_params = None                 # one cusolverDnParams_t (default algorithms), shared
_jacobi: dict = {}             # ("gesvdj" | "syevj") -> info object (sorted results)


def _solver():
    return _handles._binding("cusolver")


def _blas():
    return _handles._binding("cublas")


def _letter(dt) -> str:
    try:
        return _LETTER[numpy.dtype(dt).char]
    except KeyError:
        raise TypeError(f"cuSOLVER has no routines for dtype {numpy.dtype(dt)}") from None


def cuda_type(dt) -> int:
    """The cudaDataType_t of ``dt`` (float32/64, complex64/128)."""
    return _CUDA_TYPE[numpy.dtype(dt).char]


def real_cuda_type(dt) -> int:
    """The cudaDataType_t of ``dt``'s real part (singular values, eigenvalues)."""
    return _REAL_CUDA_TYPE[numpy.dtype(dt).char]


def _legacy(name: str, dt):
    """cuSOLVER's legacy entry point ``name`` ("potrf_batched", "gesvdj", ...) for ``dt``;
    symmetric eigensolvers and orgqr take their Hermitian/unitary names for complex."""
    letter = _letter(dt)
    if letter in "cz":
        name = name.replace("syev", "heev").replace("orgqr", "ungqr")
    return getattr(_solver(), letter + name)


def _params_handle() -> int:
    global _params
    if _params is None:
        _params = _solver().create_params()
    return _params


def _jacobi_info(kind: str) -> int:
    """A gesvdj/syevj configuration: default tolerance (machine precision) and sweeps,
    results sorted (descending singular values, ascending eigenvalues)."""
    info = _jacobi.get(kind)
    if info is None:
        mod = _solver()
        if kind == "gesvdj":
            info = mod.create_gesvdj_info()
            mod.xgesvdj_set_sort_eig(info, 1)
        else:
            info = mod.create_syevj_info()
            mod.xsyevj_set_sort_eig(info, 1)
        _jacobi[kind] = info
    return info


def _host_done(hsize: int) -> None:
    """After calls that used host workspace: wait for the stream, so that the library is
    done with the host buffer (no-op when none was asked for)."""
    if hsize:
        _driver.check(_driver.driver().cuStreamSynchronize(current_stream_ptr()))


class Workspace:
    """Device and host scratch for one linalg call, grown on demand (device memory is
    stream-ordered: dropping it after queueing work is safe)."""

    __slots__ = ("_dev", "_dev_size", "_host")

    def __init__(self):
        self._dev, self._dev_size, self._host = None, 0, []

    def device(self, nbytes: int) -> int:
        nbytes = max(int(nbytes), 1)
        if nbytes > self._dev_size:
            from .memory import alloc
            if self._dev is not None:
                self._host.append(self._dev)   # work queued on it may still be pending
            self._dev, self._dev_size = alloc(nbytes), nbytes
        return self._dev.ptr

    def host(self, nbytes: int) -> int:
        if not nbytes:
            return 0
        buf = numpy.empty(int(nbytes), numpy.uint8)
        self._host.append(buf)
        return buf.ctypes.data


# -- Cholesky -----------------------------------------------------------------------------------
def potrf(ws, dt, uplo, n, a, lda, info, batch=1, stride=0):
    """Cholesky factorisations of ``batch`` matrices (64-bit API), one info each."""
    mod, h, p, t = _solver(), _handles.get_cusolver_handle(), _params_handle(), cuda_type(dt)
    dsize, hsize = mod.xpotrf_buffer_size(h, p, uplo, n, t, a, lda, t)
    dwork, hwork = ws.device(dsize), ws.host(hsize)
    for i in range(batch):
        mod.xpotrf(h, p, uplo, n, t, a + i * stride, lda, t, dwork, dsize, hwork, hsize,
                   info + 4 * i)
    _host_done(hsize)



def potrf_batched(dt, uplo, n, ptrs, lda, info, batch):
    """Batched Cholesky of small matrices; ``ptrs`` a device array of matrix pointers."""
    _legacy("potrf_batched", dt)(_handles.get_cusolver_handle(), uplo, n, ptrs, lda, info,
                                 batch)


# -- LU -------------------------------------------------------------------------------------------
def getrf(ws, dt, n, a, lda, ipiv, info, batch=1, stride=0):
    """LU with partial pivoting of ``batch`` n x n matrices (64-bit API, int64 pivots
    ``ipiv + 8 * n * i``)."""
    mod, h, p, t = _solver(), _handles.get_cusolver_handle(), _params_handle(), cuda_type(dt)
    dsize, hsize = mod.xgetrf_buffer_size(h, p, n, n, t, a, lda, t)
    dwork, hwork = ws.device(dsize), ws.host(hsize)
    for i in range(batch):
        mod.xgetrf(h, p, n, n, t, a + i * stride, lda, ipiv + 8 * n * i, t, dwork, dsize,
                   hwork, hsize, info + 4 * i)
    _host_done(hsize)



def getrs(dt, trans, n, nrhs, a, lda, ipiv, b, ldb, info, batch=1, a_stride=0, b_stride=0):
    """op(A) X = B from getrf's factors (64-bit API), X over B."""
    mod, h, p, t = _solver(), _handles.get_cusolver_handle(), _params_handle(), cuda_type(dt)
    for i in range(batch):
        mod.xgetrs(h, p, trans, n, nrhs, t, a + i * a_stride, lda, ipiv + 8 * n * i, t,
                   b + i * b_stride, ldb, info + 4 * i)


def getrf_batched(dt, n, ptrs, lda, ipiv, info, batch):
    """cuBLAS batched LU of small matrices (int32 pivots, ``n`` per matrix)."""
    getattr(_blas(), _letter(dt) + "getrf_batched")(_handles.get_cublas_handle(), n, ptrs, lda,
                                                     ipiv, info, batch)


def getrs_batched(dt, trans, n, nrhs, aptrs, lda, ipiv, bptrs, ldb, batch):
    """cuBLAS batched solve from getrf_batched's factors.  Its info is a host value that
    only reports invalid arguments (raised here as ValueError)."""
    host_info = numpy.zeros(1, numpy.int32)
    getattr(_blas(), _letter(dt) + "getrs_batched")(
        _handles.get_cublas_handle(), trans, n, nrhs, aptrs, lda, ipiv, bptrs, ldb,
        host_info.ctypes.data, batch)
    if host_info[0] < 0:
        raise ValueError(f"cublas getrsBatched rejected argument {-int(host_info[0])}")


def getri_batched(dt, n, aptrs, lda, ipiv, cptrs, ldc, info, batch):
    """cuBLAS batched inverse from getrf_batched's factors, out of place."""
    getattr(_blas(), _letter(dt) + "getri_batched")(_handles.get_cublas_handle(), n, aptrs, lda,
                                                     ipiv, cptrs, ldc, info, batch)


# -- QR -------------------------------------------------------------------------------------------
def geqrf(ws, dt, m, n, a, lda, tau, info, batch=1, stride=0, tau_stride=0):
    """Householder QR of ``batch`` m x n matrices (64-bit API)."""
    mod, h, p, t = _solver(), _handles.get_cusolver_handle(), _params_handle(), cuda_type(dt)
    dsize, hsize = mod.xgeqrf_buffer_size(h, p, m, n, t, a, lda, t, tau, t)
    dwork, hwork = ws.device(dsize), ws.host(hsize)
    for i in range(batch):
        mod.xgeqrf(h, p, m, n, t, a + i * stride, lda, t, tau + i * tau_stride, t, dwork, dsize,
                   hwork, hsize, info + 4 * i)
    _host_done(hsize)



def orgqr(ws, dt, m, n, k, a, lda, tau, info, batch=1, stride=0, tau_stride=0):
    """The first n columns of Q from geqrf's k reflectors (orgqr / ungqr), in place."""
    h, itemsize = _handles.get_cusolver_handle(), numpy.dtype(dt).itemsize
    lwork = _legacy("orgqr_buffer_size", dt)(h, m, n, k, a, lda, tau)
    work = ws.device(lwork * itemsize)
    fn = _legacy("orgqr", dt)
    for i in range(batch):
        fn(h, m, n, k, a + i * stride, lda, tau + i * tau_stride, work, lwork, info + 4 * i)


# -- Symmetric / Hermitian eigenproblems -----------------------------------------------------------
def syevd(ws, dt, jobz, uplo, n, a, lda, w, info, batch=1, stride=0, w_stride=0):
    """Divide-and-conquer eigensolver (64-bit API): eigenvalues ascending into ``w``,
    eigenvectors over ``a`` when ``jobz`` is VECTOR."""
    mod, h, p = _solver(), _handles.get_cusolver_handle(), _params_handle()
    t, rt = cuda_type(dt), real_cuda_type(dt)
    dsize, hsize = mod.xsyevd_buffer_size(h, p, jobz, uplo, n, t, a, lda, rt, w, t)
    dwork, hwork = ws.device(dsize), ws.host(hsize)
    for i in range(batch):
        mod.xsyevd(h, p, jobz, uplo, n, t, a + i * stride, lda, rt, w + i * w_stride, t, dwork,
                   dsize, hwork, hsize, info + 4 * i)
    _host_done(hsize)



def syevj_batched(ws, dt, jobz, uplo, n, a, lda, w, info, batch):
    """Batched Jacobi eigensolver for matrices up to 32 x 32, packed ``lda * n`` apart."""
    h, params = _handles.get_cusolver_handle(), _jacobi_info("syevj")
    lwork = _legacy("syevj_batched_buffer_size", dt)(h, jobz, uplo, n, a, lda, w, params, batch)
    work = ws.device(lwork * numpy.dtype(dt).itemsize)
    _legacy("syevj_batched", dt)(h, jobz, uplo, n, a, lda, w, work, lwork, info, params, batch)


# -- Singular value decomposition -----------------------------------------------------------------
def gesvd(ws, dt, job, m, n, a, lda, s, u, ldu, vt, ldvt, info, batch=1, strides=(0, 0, 0, 0)):
    """QR-iteration SVD (64-bit API; needs m >= n).  ``job``: "A", "S" or "N" for both
    U and V^H; ``strides``: bytes between matrices of a, s, u and vt."""
    mod, h, p = _solver(), _handles.get_cusolver_handle(), _params_handle()
    t, rt, j = cuda_type(dt), real_cuda_type(dt), ord(job)
    dsize, hsize = mod.xgesvd_buffer_size(h, p, j, j, m, n, t, a, lda, rt, s, t, u, ldu, t, vt,
                                          ldvt, t)
    dwork, hwork = ws.device(dsize), ws.host(hsize)
    sa, ss, su, sv = strides
    for i in range(batch):
        mod.xgesvd(h, p, j, j, m, n, t, a + i * sa, lda, rt, s + i * ss, t,
                   u + i * su if u else 0, ldu, t, vt + i * sv if vt else 0, ldvt, t, dwork,
                   dsize, hwork, hsize, info + 4 * i)
    _host_done(hsize)



def gesvdj(ws, dt, jobz, econ, m, n, a, lda, s, u, ldu, v, ldv, info, batch=1,
           strides=(0, 0, 0, 0)):
    """One-sided Jacobi SVD (any m, n; V itself, not V^H); ``econ`` gives m x min(m, n) U
    and n x min(m, n) V."""
    h, params = _handles.get_cusolver_handle(), _jacobi_info("gesvdj")
    lwork = _legacy("gesvdj_buffer_size", dt)(h, jobz, econ, m, n, a, lda, s, u, ldu, v, ldv,
                                              params)
    work = ws.device(lwork * numpy.dtype(dt).itemsize)
    fn = _legacy("gesvdj", dt)
    sa, ss, su, sv = strides
    for i in range(batch):
        fn(h, jobz, econ, m, n, a + i * sa, lda, s + i * ss, u + i * su, ldu, v + i * sv, ldv,
           work, lwork, info + 4 * i, params)


def gesvdj_batched(ws, dt, jobz, m, n, a, lda, s, u, ldu, v, ldv, info, batch):
    """Batched Jacobi SVD for m, n <= 32, matrices packed ``lda * n`` apart; full U, V."""
    h, params = _handles.get_cusolver_handle(), _jacobi_info("gesvdj")
    lwork = _legacy("gesvdj_batched_buffer_size", dt)(h, jobz, m, n, a, lda, s, u, ldu, v, ldv,
                                                      params, batch)
    work = ws.device(lwork * numpy.dtype(dt).itemsize)
    _legacy("gesvdj_batched", dt)(h, jobz, m, n, a, lda, s, u, ldu, v, ldv, work, lwork, info,
                                  params, batch)


def gesvdp(ws, dt, jobz, econ, m, n, a, lda, s, u, ldu, v, ldv, info) -> float:
    """SVD through a polar decomposition and syevd (64-bit API; V itself, not V^H).

    Returns ``h_err_sigma``: where A has singular values close to zero the library
    perturbs them by this much (0.0 when it did not).  The call synchronises to
    return it."""
    mod, h, p = _solver(), _handles.get_cusolver_handle(), _params_handle()
    t, rt = cuda_type(dt), real_cuda_type(dt)
    dsize, hsize = mod.xgesvdp_buffer_size(h, p, jobz, econ, m, n, t, a, lda, rt, s, t, u, ldu,
                                           t, v, ldv, t)
    dwork, hwork = ws.device(dsize), ws.host(hsize)
    err = float(mod.xgesvdp(h, p, jobz, econ, m, n, t, a, lda, rt, s, t, u, ldu, t, v, ldv, t,
                            dwork, dsize, hwork, hsize, info))
    _host_done(hsize)
    return err


# -- General eigenproblem --------------------------------------------------------------------------
def geev(ws, dt, jobvr, n, a, lda, w, vr, ldvr, info, batch=1, strides=(0, 0, 0)):
    """Eigenvalues and right eigenvectors of general matrices (64-bit API).

    Real input: ``w`` holds 2n reals per matrix (real parts, then imaginary parts) and
    ``vr`` is real, LAPACK's packing of conjugate pairs; complex input: n complex
    eigenvalues and complex vectors.  ``strides``: bytes between matrices of a, w, vr."""
    mod, h, p, t = _solver(), _handles.get_cusolver_handle(), _params_handle(), cuda_type(dt)
    dsize, hsize = mod.xgeev_buffer_size(h, p, NOVECTOR, jobvr, n, t, a, lda, t, w, t, 0, 1, t,
                                         vr, ldvr, t)
    dwork, hwork = ws.device(dsize), ws.host(hsize)
    sa, sw, sv = strides
    for i in range(batch):
        mod.xgeev(h, p, NOVECTOR, jobvr, n, t, a + i * sa, lda, t, w + i * sw, t, 0, 1, t,
                  vr + i * sv if vr else 0, ldvr, t, dwork, dsize, hwork, hsize, info + 4 * i)
    _host_done(hsize)
