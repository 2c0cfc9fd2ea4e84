"""Singular value decomposition: svd, svdvals, and the core that pinv, lstsq,
matrix_rank, cond and the matrix 2-norms share.

cuSOLVER offers four SVD algorithms; each shape takes the fastest one that is
accurate to working precision (see :func:`svd_driver`):

- ``gesvdj_batched``: Jacobi on stacks of matrices up to 32 x 32, one call;
- ``gesvdj``: one-sided Jacobi per matrix (any m, n), the fastest for small and
  medium matrices, accurate to the tolerance (machine precision by default);
- ``gesvdp``: polar decomposition (QDWH) then a symmetric eigensolver; the fastest
  for large matrices.  Where A has singular values near zero the library perturbs
  them by ``h_err_sigma``; a result perturbed by more than eps * s_max is discarded
  and the call redone with ``gesvd``;
- ``gesvd``: the QR algorithm (LAPACK's, as CuPy uses); the fallback when Jacobi
  does not converge or the polar path lost accuracy.

``gesvda`` (approximate, through the eigenvalues of A^H A) is never used: its
errors grow with the square of the condition number, far from NumPy's accuracy.
The environment variable ``CUARRAY_SVD_DRIVER`` (one of the names above) forces
one algorithm, for measurements.

Column-major bookkeeping (see ``_common``): the C-contiguous copy of an (m, n)
matrix A is, for cuSOLVER, M = A^T (n x m).  M = conj(V) S U^T, so the left vectors
cuSOLVER returns for M are conj(V), read back in C order as V^H: the ``vh`` NumPy
wants, with no copy.  The right vectors conj(U) read back as U^H and take one
conjugate-transposed copy.
"""

from __future__ import annotations

import os

import numpy

from .._core.ndarray import _empty
from .._engine import copy as _copy
from ..cuda import _cusolver as _cs
from ._common import (JACOBI_BATCHED_MAX, LinAlgError, SVDResult, as_input, assert_stacked_2d,
                      batch_count, contiguous, fetch, identity_stack, info_array, real_dtype,
                      result_dtype, transposed_copy, work_copy)

#: Above this min(m, n), single matrices take the polar-decomposition SVD (gesvdp);
#: at or below it, one-sided Jacobi (gesvdj).
JACOBI_MAX = 256
DRIVERS = ("gesvdj_batched", "gesvdj", "gesvdp", "gesvd")


def svd_driver(m: int, n: int) -> str:
    """The SVD algorithm for (m, n) matrices: ``CUARRAY_SVD_DRIVER`` when set, else by size."""
    forced = os.environ.get("CUARRAY_SVD_DRIVER")
    if forced:
        if forced not in DRIVERS:
            raise ValueError(f"CUARRAY_SVD_DRIVER must be one of {DRIVERS}, not {forced!r}")
        if forced == "gesvdj_batched" and max(m, n) > JACOBI_BATCHED_MAX:
            return "gesvdj"
        return forced
    if max(m, n) <= JACOBI_BATCHED_MAX:
        return "gesvdj_batched"
    if min(m, n) <= JACOBI_MAX:
        return "gesvdj"
    return "gesvdp"


def svd_shapes(batch_shape, m, n, full: bool) -> tuple:
    """NumPy's result shapes (u, s, vh)."""
    k = min(m, n)
    return (batch_shape + (m, m if full else k), batch_shape + (k,),
            batch_shape + (n if full else k, n))


# -- public ---------------------------------------------------------------------------------------
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """See numpy.linalg.svd.

    Differences from NumPy: the algorithm is cuSOLVER's (Jacobi, polar decomposition or
    QR iteration by shape, see cuarray.linalg._svd), not LAPACK's gesdd: singular values
    agree to working precision, singular vectors of repeated or close singular values
    may differ by a rotation and signs may differ (U S Vh reconstructs A either way).
    A failure to converge raises LinAlgError after one synchronisation.
    """
    a = as_input(a, "svd")
    if hermitian:
        return _svd_hermitian(a, compute_uv)
    assert_stacked_2d(a)
    dt = result_dtype(a.dtype)
    u, s, vh = svd_core(a, dt, bool(compute_uv), bool(full_matrices))
    return SVDResult(u, s, vh) if compute_uv else s


def svdvals(x, /):
    """See numpy.linalg.svdvals."""
    return svd(x, compute_uv=False, hermitian=False)


# -- the core --------------------------------------------------------------------------------------
def svd_core(a, dt, compute_uv: bool, full: bool):
    """(u, s, vh) of every matrix in ``a`` (u, vh None without ``compute_uv``), as ``dt``
    with NumPy's shapes; raises LinAlgError("SVD did not converge")."""
    batch_shape = a._shape[:-2]
    m, n = a._shape[-2:]
    ushape, sshape, vshape = svd_shapes(batch_shape, m, n, full)
    if not batch_count(batch_shape) or not min(m, n):
        return _empty_svd(ushape, sshape, vshape, dt, compute_uv)
    driver = svd_driver(m, n)
    result = _run(driver, a, dt, compute_uv, full)
    if result is None:                      # gesvdp lost accuracy: the QR algorithm instead
        driver, result = "gesvd", _run("gesvd", a, dt, compute_uv, full)
    u, s, vh, info, ws = result
    from .._routines.reductions import any as _any
    from .._ufunc.namespace import isnan
    failed, nan = fetch(info, _any(isnan(s)))
    if failed.any() and driver != "gesvd":
        u, s, vh, info, ws = _run("gesvd", a, dt, compute_uv, full)
        failed, nan = fetch(info, _any(isnan(s)))
    if failed.any() or nan:
        raise LinAlgError("SVD did not converge")
    return u, s, vh


def _empty_svd(ushape, sshape, vshape, dt, compute_uv):
    s = _empty(sshape, real_dtype(dt))
    if not compute_uv:
        return None, s, None
    # NumPy: min(m, n) == 0 still gives square identities for full matrices.
    return identity_stack(ushape, dt), s, identity_stack(vshape, dt)


def _run(driver, a, dt, uv, full):
    """One algorithm over the whole stack: (u, s, vh, info, workspace) with u, vh in NumPy's
    layout (the workspace kept until the info read-back), or None when gesvdp had to
    perturb a matrix beyond working precision."""
    return {"gesvdj_batched": _jacobi_batched, "gesvdj": _jacobi, "gesvdp": _polar,
            "gesvd": _qr_iteration}[driver](a, dt, uv, full)


def _outputs(a, dt):
    batch_shape = a._shape[:-2]
    m, n = a._shape[-2:]
    return batch_shape, batch_count(batch_shape), m, n, min(m, n), real_dtype(dt)


def _jacobi_batched(a, dt, uv, full):
    """gesvdjBatched on the C copy (M = A^T, n x m, packed): full U_M = conj(V) (its C
    view is vh) and V_M = conj(U) (its C view is U^H)."""
    batch_shape, b, m, n, k, rdt = _outputs(a, dt)
    w = work_copy(a, dt)
    s = _empty(batch_shape + (k,), rdt)
    um = _empty(batch_shape + (n, n), dt)
    vm = _empty(batch_shape + (m, m), dt)
    info = info_array(b)
    ws = _cs.Workspace()
    _cs.gesvdj_batched(ws, dt, _cs.VECTOR if uv else _cs.NOVECTOR, n, m, w._ptr, n, s._ptr,
                       um._ptr, n, vm._ptr, m, info._ptr, b)
    if not uv:
        return None, s, None, info, ws
    vh = um if full else contiguous(um[..., :k, :])
    u = transposed_copy(vm if full else vm[..., :k, :], conj=True)
    return u, s, vh, info, ws


def _jacobi(a, dt, uv, full):
    """gesvdj per matrix on the C copy (M = A^T): U_M (n x ucols) is vh in C order; V_M
    (m x vcols) reads back as U^H."""
    batch_shape, b, m, n, k, rdt = _outputs(a, dt)
    econ = 0 if full and uv else 1
    ucols, vcols = (n, m) if not econ else (k, k)
    w = work_copy(a, dt)
    s = _empty(batch_shape + (k,), rdt)
    um = _empty(batch_shape + (ucols, n), dt)
    vm = _empty(batch_shape + (vcols, m), dt)
    info = info_array(b)
    it, ws = dt.itemsize, _cs.Workspace()
    _cs.gesvdj(ws, dt, _cs.VECTOR if uv else _cs.NOVECTOR, econ, n, m, w._ptr, n,
               s._ptr, um._ptr, n, vm._ptr, m, info._ptr, b,
               (m * n * it, k * rdt.itemsize, ucols * n * it, vcols * m * it))
    if not uv:
        return None, s, None, info, ws
    return transposed_copy(vm, conj=True), s, um, info, ws


def _polar(a, dt, uv, full):
    """gesvdp per matrix, fed its tall orientation: M = A^T (the C copy) when m <= n, as
    for gesvdj; else a column-major copy of A itself (U^T and V^T read back)."""
    batch_shape, b, m, n, k, rdt = _outputs(a, dt)
    econ = 0 if full and uv else 1
    wide = m <= n
    rows, cols = (n, m) if wide else (m, n)         # the matrix cuSOLVER factors
    w = work_copy(a, dt, transpose=not wide)
    s = _empty(batch_shape + (k,), rdt)
    ucols = rows if not econ else cols
    ubuf = _empty(batch_shape + (ucols, rows), dt)   # rows x ucols, column-major
    vbuf = _empty(batch_shape + (cols, cols), dt)    # V: cols x cols, column-major
    info = info_array(b)
    ws, it, eps = _cs.Workspace(), dt.itemsize, numpy.finfo(rdt).eps
    jobz = _cs.VECTOR if uv else _cs.NOVECTOR
    for i in range(b):
        sp = s._ptr + i * k * rdt.itemsize
        err = _cs.gesvdp(ws, dt, jobz, econ, rows, cols, w._ptr + i * rows * cols * it, rows,
                         sp, ubuf._ptr + i * ucols * rows * it, rows,
                         vbuf._ptr + i * cols * cols * it, cols, info._ptr + 4 * i)
        if err > 0.0 and not err <= eps * _largest(s, i, k):
            return None
    if not uv:
        return None, s, None, info, ws
    if wide:        # U_M = conj(V): vh; V_M = conj(U): U^H
        return transposed_copy(vbuf, conj=True), s, ubuf, info, ws
    u = transposed_copy(ubuf)                        # U^T -> U
    if dt.kind == "c":                               # V^T -> V^H
        from .._ufunc.namespace import conjugate
        conjugate(vbuf, out=vbuf)
    return u, s, vbuf, info, ws


def _largest(s, i, k) -> float:
    """s[i, 0], the largest singular value of matrix i (a synchronising read)."""
    from .._core.ndarray import _view
    return float(_view(s, (), (), s.dtype, s._ptr + i * k * s.dtype.itemsize).get())


def _qr_iteration(a, dt, uv, full):
    """Xgesvd (needs m >= n).  m <= n: on M = A^T (the C copy), U_M = conj(V) reads back
    as vh and VT_M = U^T as u, no copies.  m > n: on a column-major copy of A; U and VT
    read back transposed."""
    batch_shape, b, m, n, k, rdt = _outputs(a, dt)
    job = "N" if not uv else ("A" if full else "S")
    wide = m <= n
    rows, cols = (n, m) if wide else (m, n)
    w = work_copy(a, dt, transpose=not wide)
    s = _empty(batch_shape + (k,), rdt)
    info = info_array(b)
    it, ws = dt.itemsize, _cs.Workspace()
    ucols = rows if job == "A" else cols
    ubuf = _empty(batch_shape + (ucols, rows), dt) if uv else None
    vbuf = _empty(batch_shape + (cols, cols), dt) if uv else None
    _cs.gesvd(ws, dt, job, rows, cols, w._ptr, rows, s._ptr,
              ubuf._ptr if uv else 0, rows, vbuf._ptr if uv else 0, cols, info._ptr, b,
              (rows * cols * it, k * rdt.itemsize, ucols * rows * it, cols * cols * it))
    if not uv:
        return None, s, None, info, ws
    if wide:
        return vbuf, s, ubuf, info, ws
    return transposed_copy(ubuf), s, transposed_copy(vbuf), info, ws


# -- hermitian=True: NumPy's construction from eigh ------------------------------------------------
_order_kernels: dict = {}


def abs_desc_order_source(name: str, ctype: str) -> str:
    """One thread per row of ascending eigenvalues: the order of decreasing magnitude.

    The largest magnitude among w[lo..hi] is at one end (w ascends), so the order is a
    merge from both ends; ties take the higher index first, as NumPy's
    ``argsort(abs(w))[..., ::-1]`` does.
    """
    return f"""
extern "C" __global__ void {name}(const {ctype}* __restrict__ w, long long* __restrict__ perm,
                                  const long long rows, const long long n)
{{
  const long long b = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= rows) return;
  const {ctype}* x = w + b * n;
  long long* p = perm + b * n;
  long long lo = 0, hi = n - 1;
  for (long long k = 0; k < n; ++k) {{
    if (lo < hi && fabs(x[lo]) > fabs(x[hi])) p[k] = lo++;
    else p[k] = hi--;
  }}
}}
"""


def abs_desc_order(w):
    """Per row of the C-contiguous ascending ``w`` (..., n): indices by decreasing |w|."""
    perm = _empty(w._shape, numpy.dtype(numpy.int64))
    n = w._shape[-1]
    rows = w.size // n if n else 0
    if rows:
        fn = _order_kernels.get(w.dtype)
        if fn is None:
            from ..cuda.compiler import compile_with_cache
            from .._core.dtypes import ctype
            name = f"cuarray_linalg_abs_desc_order__{w.dtype.name}"
            fn = _order_kernels[w.dtype] = compile_with_cache(
                abs_desc_order_source(name, ctype(w.dtype))).get_function(name)
        fn((rows + 127) // 128, 128, (w._ptr, perm._ptr, rows, n))
    return perm


def _along_last(x, perm):
    """``x[..., perm]`` along the last axis: x (..., n) with perm (..., n), or x (..., r, n)
    with every row taking perm (..., n).  A gather without the bounds check's
    synchronisation (perm is in range by construction)."""
    from .._routines.indexing import take
    from .._routines.ranges import arange
    x = contiguous(x)
    if not perm.size:
        return x
    n = perm._shape[-1]
    lead = perm._shape[:-1]
    rows = batch_count(lead)
    i64 = numpy.dtype(numpy.int64)
    if x.ndim == perm.ndim:
        base = arange(0, rows * n, n, dtype=i64).reshape(lead + (1,))
        return take(x, base + perm, mode="clip")
    r = x._shape[-2]
    base = arange(0, rows * r * n, r * n, dtype=i64).reshape(lead + (1, 1))
    row = arange(0, r * n, n, dtype=i64).reshape((r, 1))
    return take(x, base + row + perm.reshape(lead + (1, n)), mode="clip")


def _svd_hermitian(a, compute_uv):
    from ._decompositions import eigh, eigvalsh
    from .._ufunc.namespace import absolute, conjugate, copysign
    if not compute_uv:
        w = eigvalsh(a)
        desc = absolute(_along_last(w, abs_desc_order(w)))
        # NumPy returns sort(...)[..., ::-1], a reversed view: the same values, same layout.
        out = _empty(desc._shape, desc.dtype)
        rev = out[..., ::-1]
        _copy.copy_into(rev, desc)
        return rev
    w, v = eigh(a)
    perm = abs_desc_order(w)
    w = _along_last(w, perm)
    sgn = copysign(1.0, w)
    s = absolute(w)
    u = _along_last(v, perm)
    vt = conjugate((u * sgn[..., None, :]).swapaxes(-1, -2))
    return SVDResult(u, s, vt)
