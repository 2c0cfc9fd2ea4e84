"""Decompositions: cholesky, qr, and the eigenvalue problems eig, eigvals, eigh, eigvalsh.

Each routine copies its input once into a work buffer of the compute dtype (any
layout in, see ``_common`` for the column-major bookkeeping), runs cuSOLVER over
the stack (one batched call for small matrices, a loop otherwise) and reads every
matrix's status back in one synchronisation where NumPy can raise.
"""

from __future__ import annotations

import warnings

import numpy

from .._core.ndarray import _empty
from .._engine import copy as _copy
from ..cuda import _cusolver as _cs
from ._common import (BATCHED_MAX_N, JACOBI_BATCHED_MAX, EigResult, EighResult, LinAlgError,
                      QRResult, as_input, assert_stacked_2d, assert_stacked_square, batch_count,
                      complex_dtype, fetch, identity_stack, info_array,
                      keep_triangle, pointer_array, raise_if, real_dtype, result_dtype,
                      transposed_copy, work_copy, zeros)


# -- Cholesky -------------------------------------------------------------------------------------
def cholesky(a, /, *, upper=False):
    """See numpy.linalg.cholesky.

    Differences from NumPy: a stack is factorised whole and LinAlgError names no
    matrix; the check costs one synchronisation.
    """
    a = as_input(a, "cholesky")
    assert_stacked_square(a)
    dt = result_dtype(a.dtype)
    out = work_copy(a, dt)
    n = a._shape[-1]
    b = batch_count(a._shape[:-2])
    if not b or not n:
        return out
    # The C copy is A^T column-major: A's lower triangle is its upper one, and the factor
    # of A^T's upper triangle, U with A^T = U^H U, reads back in C order as L = U^T.
    fill = _cs.LOWER if upper else _cs.UPPER
    info = info_array(b)
    ws = _cs.Workspace()
    stride = n * n * dt.itemsize
    if b > 1 and n <= BATCHED_MAX_N:
        ptrs = pointer_array(out, b, stride)
        _cs.potrf_batched(dt, fill, n, ptrs._ptr, n, info._ptr, b)
    else:
        _cs.potrf(ws, dt, fill, n, out._ptr, n, info._ptr, b, stride)
    keep_triangle(out, lower=not upper)
    (failed,) = fetch(info)
    raise_if(failed, "Matrix is not positive definite")
    return out


# -- QR --------------------------------------------------------------------------------------------
_QR_MODES = ("reduced", "complete", "r", "raw")


def _qr_mode(mode) -> str:
    if mode in _QR_MODES:
        return mode
    if mode in ("f", "full"):
        warnings.warn("The 'full' option is deprecated in favor of 'reduced'.\n"
                      "For backward compatibility let mode default.", DeprecationWarning,
                      stacklevel=3)
        return "reduced"
    if mode in ("e", "economic"):
        warnings.warn("The 'economic' option is deprecated.", DeprecationWarning, stacklevel=3)
        return "economic"
    raise ValueError(f"Unrecognized mode '{mode}'")


def qr(a, mode="reduced"):
    """See numpy.linalg.qr.

    Differences from NumPy: the Householder vectors of mode 'raw' are cuSOLVER's
    (geqrf), equal to LAPACK's up to rounding.
    """
    mode = _qr_mode(mode)
    a = as_input(a, "qr")
    assert_stacked_2d(a)
    dt = result_dtype(a.dtype)
    batch_shape = a._shape[:-2]
    m, n = a._shape[-2:]
    k, b = min(m, n), batch_count(batch_shape)
    # geqrf on a column-major copy of A (C shape (..., n, m), leading dimension m).
    f = work_copy(a, dt, transpose=True)
    tau = _empty(batch_shape + (k,), dt)
    it = dt.itemsize
    info = info_array(b)      # geqrf/orgqr report only invalid arguments: never read
    ws = _cs.Workspace()
    if b and k:
        _cs.geqrf(ws, dt, m, n, f._ptr, m, tau._ptr, info._ptr, b, n * m * it, k * it)
    # NumPy's `a` after geqrf: its astype(copy=True) copy keeps the input's layout.
    from .._routines.creation import empty_like
    factored = empty_like(a, dtype=dt)
    _copy.copy_into(factored, f.swapaxes(-1, -2))
    if mode == "raw":
        return factored.swapaxes(-1, -2), tau
    if mode == "economic":
        return factored
    from .._routines.matrices import triu
    if mode == "r":
        return triu(factored[..., :k, :])
    mc = m if mode == "complete" and m > n else k
    r = triu(factored[..., :mc, :])
    if not (b and k):
        return QRResult(identity_stack(batch_shape + (m, mc), dt), r)
    if mc == k:             # Q's k columns over the reflectors, in place
        _cs.orgqr(ws, dt, m, k, k, f._ptr, m, tau._ptr, info._ptr, b, n * m * it, k * it)
        q = transposed_copy(f[..., :k, :])
    else:                   # all m columns: the reflectors into an m x m buffer first
        qbuf = zeros(batch_shape + (m, m), dt)
        _copy.copy_into(qbuf[..., :n, :], f)
        _cs.orgqr(ws, dt, m, m, n, qbuf._ptr, m, tau._ptr, info._ptr, b, m * m * it, k * it)
        q = transposed_copy(qbuf)
    return QRResult(q, r)


# -- Hermitian eigenproblems ---------------------------------------------------------------------
def _uplo(UPLO) -> str:
    UPLO = UPLO.upper()
    if UPLO not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    return UPLO


def eigh_core(a, UPLO: str, vectors: bool):
    """Eigenvalues (ascending) and, with ``vectors``, eigenvectors of a Hermitian stack."""
    assert_stacked_square(a)
    dt = result_dtype(a.dtype)
    rdt = real_dtype(dt)
    batch_shape, n = a._shape[:-2], a._shape[-1]
    b = batch_count(batch_shape)
    w = _empty(batch_shape + (n,), rdt)
    if not b or not n:
        return w, (_empty(a._shape, dt) if vectors else None)
    # The C copy is M = A^T = conj(A): NumPy's lower triangle is M's upper one; M's
    # eigenvectors conj(V) read back in C order as V^H.
    buf = work_copy(a, dt)
    fill = _cs.UPPER if UPLO == "L" else _cs.LOWER
    jobz = _cs.VECTOR if vectors else _cs.NOVECTOR
    info = info_array(b)
    ws = _cs.Workspace()
    if b > 1 and n <= JACOBI_BATCHED_MAX:
        _cs.syevj_batched(ws, dt, jobz, fill, n, buf._ptr, n, w._ptr, info._ptr, b)
    else:
        _cs.syevd(ws, dt, jobz, fill, n, buf._ptr, n, w._ptr, info._ptr, b,
                  n * n * dt.itemsize, n * rdt.itemsize)
    (failed,) = fetch(info)
    raise_if(failed, "Eigenvalues did not converge")
    return w, (transposed_copy(buf, conj=True) if vectors else None)


def eigh(a, UPLO="L"):
    """See numpy.linalg.eigh.

    Differences from NumPy: eigenvectors of repeated eigenvalues may span the same
    space with another basis, and signs (phases) of eigenvectors may differ.
    """
    UPLO = _uplo(UPLO)
    w, v = eigh_core(as_input(a, "eigh"), UPLO, True)
    return EighResult(w, v)


def eigvalsh(a, UPLO="L"):
    """See numpy.linalg.eigvalsh."""
    UPLO = _uplo(UPLO)
    return eigh_core(as_input(a, "eigvalsh"), UPLO, False)[0]


# -- General eigenproblem --------------------------------------------------------------------------
_complex_always: dict = {}      # "eig" / "eigvals" -> bool, asked of the installed NumPy once


def complex_always(fname: str) -> bool:
    """Whether the installed NumPy's ``fname`` ("eig" or "eigvals") returns complex results
    for real input whatever the spectrum (NumPy >= 2.5), rather than real ones when every
    eigenvalue is real (NumPy < 2.5).  Asked of NumPy itself, once, on the 2 x 2 identity
    (a real spectrum), so that cuarray follows whichever NumPy it runs beside."""
    flag = _complex_always.get(fname)
    if flag is None:
        host = numpy.eye(2)
        if fname == "eig":
            w, v = numpy.linalg.eig(host)
            flag = w.dtype.kind == "c" and v.dtype.kind == "c"
        else:
            flag = numpy.linalg.eigvals(host).dtype.kind == "c"
        _complex_always[fname] = flag
    return flag


def _all_finite_or_raise(a) -> None:
    from .._routines.reductions import all as _all
    from .._ufunc.namespace import isfinite
    if not bool(_all(isfinite(a))):
        raise LinAlgError("Array must not contain infs or NaNs")


def eig_core(a, vectors: bool):
    """Eigenvalues and (``vectors``) right eigenvectors of a general stack.  Real input
    gives complex results when some eigenvalue is complex, or always where the installed
    NumPy does so (see :func:`complex_always`); real results otherwise."""
    assert_stacked_square(a)
    try:
        dt = result_dtype(a.dtype)
    except TypeError:
        _all_finite_or_raise(a)     # NumPy checks finiteness before the dtype
        raise
    batch_shape, n = a._shape[:-2], a._shape[-1]
    b = batch_count(batch_shape)
    real = dt.kind == "f"
    always = real and complex_always("eig" if vectors else "eigvals")
    if not b or not n:
        _all_finite_or_raise(a)
        odt = complex_dtype(dt) if always else dt
        return _empty(batch_shape + (n,), odt), (_empty(a._shape, odt) if vectors else None)
    from .._routines.manipulation import copyto
    from .._routines.reductions import all as _all
    from .._routines.reductions import any as _any
    from .._ufunc.namespace import isfinite
    buf = work_copy(a, dt, transpose=True)      # A column-major, leading dimension n
    # NumPy refuses non-finite input before computing; the check is read back with the
    # status, so such matrices are zeroed rather than handed to the solver.
    finite = _all(isfinite(buf), axis=(-2, -1))
    copyto(buf, 0, where=~finite[..., None, None])
    it = dt.itemsize
    wlen = 2 * n if real else n                 # real: n real parts, then n imaginary parts
    w = _empty(batch_shape + (wlen,), dt)
    vr = _empty(a._shape, dt) if vectors else None
    info = info_array(b)
    ws = _cs.Workspace()
    _cs.geev(ws, dt, _cs.VECTOR if vectors else _cs.NOVECTOR, n, buf._ptr, n, w._ptr,
             vr._ptr if vectors else 0, n, info._ptr, b, (n * n * it, wlen * it, n * n * it))
    checks = [_all(finite), info]
    if real and not always:
        checks.append(_any(w[..., n:] != 0))
    flags = fetch(*checks)
    if not flags[0]:
        raise LinAlgError("Array must not contain infs or NaNs")
    raise_if(flags[1], "Eigenvalues did not converge")
    if not real:
        return w, (transposed_copy(vr) if vectors else None)
    if not always and not flags[2]:              # every eigenvalue real: real results
        return _real_results(w[..., :n], transposed_copy(vr) if vectors else None, dt)
    return _complex_values(w, n, dt), (_complex_vectors(transposed_copy(vr), w[..., n:])
                                       if vectors else None)


def _real_results(w, v, dt):
    """NumPy's real eigenpairs: it computes in complex128 and returns ``.real`` (a strided
    view) when that is already the result dtype (float64), a contiguous cast otherwise."""
    out = []
    for x in (w, v):
        if x is None:
            out.append(None)
        elif dt.char == "d":
            c = zeros(x._shape, complex_dtype(dt))
            _copy.copy_into(c.real, x)
            out.append(c.real)
        else:
            c = _empty(x._shape, dt)
            _copy.copy_into(c, x)
            out.append(c)
    return tuple(out)


def _complex_values(w, n, dt):
    out = _empty(w._shape[:-1] + (n,), complex_dtype(dt))
    _copy.copy_into(out.real, w[..., :n])
    _copy.copy_into(out.imag, w[..., n:])
    return out


def _complex_vectors(v, wi):
    """LAPACK's real packing of complex eigenvectors unpacked: for a conjugate pair j, j+1
    (wi[j] > 0), v_j = V[:, j] + i V[:, j+1] and v_{j+1} = V[:, j] - i V[:, j+1]."""
    from .._routines.searching import where
    pos = (wi > 0)[..., None, :]
    neg = (wi < 0)[..., None, :]
    nxt = zeros(v._shape, v.dtype)              # column j holds V[:, j + 1]
    prv = zeros(v._shape, v.dtype)              # column j holds V[:, j - 1]
    _copy.copy_into(nxt[..., :, :-1], v[..., :, 1:])
    _copy.copy_into(prv[..., :, 1:], v[..., :, :-1])
    out = _empty(v._shape, complex_dtype(v.dtype))
    _copy.copy_into(out.real, where(neg, prv, v))
    _copy.copy_into(out.imag, where(pos, nxt, where(neg, -v, 0)))
    return out


def eig(a):
    """See numpy.linalg.eig.

    The result dtype of real input follows the installed NumPy: complex whatever the
    spectrum from NumPy 2.5, real when every eigenvalue is real before.

    Differences from NumPy: the eigenvectors are cuSOLVER's (Xgeev), normalised as
    LAPACK's (unit norm, largest component real) but possibly of another phase for
    complex input.  The checks for non-finite input, convergence and real results are
    read back together in one synchronisation.
    """
    w, v = eig_core(as_input(a, "eig"), True)
    return EigResult(w, v)


def eigvals(a):
    """See numpy.linalg.eigvals (one synchronisation; result dtypes as eig's)."""
    return eig_core(as_input(a, "eigvals"), False)[0]
