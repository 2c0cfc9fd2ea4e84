"""cuBLAS GEMM facade: NumPy's row-major products as column-major cuBLAS calls.

The only module besides ``_handles`` that imports ``nvmath.bindings.cublas`` (lazily,
on the first product).  Two halves:

* :func:`plan_gemm` (pure Python, no GPU): maps one batched row-major product
  ``C[n, m] = A[n, k] @ B[k, m]`` with arbitrary byte strides onto one
  ``cublasGemmStridedBatchedEx`` call (plus a short Python loop over batch dims that
  do not collapse into one stride), or says which operand must be copied first.
* :func:`run` issues the planned calls on the current stream's handle, with host
  pointer alpha = 1 and beta = 0 from preallocated buffers.

Row-major C = A @ B is column-major C^T = B^T A^T: with C unit-strided along m, cuBLAS's
first operand is B and its second A.  A column-major C (unit stride along n) computes
C = A B directly.  An operand whose rows or columns are unit-strided is passed as it lies
in memory, with op N or op T (op C where the gufunc conjugates it); anything else
(negative or non-unit strides in both directions, overlapping rows, misalignment) is
reported so that the caller copies it once.

Handles: every handle this module uses gets pointer mode HOST and math mode
``CUBLAS_DEFAULT_MATH | CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION`` once (the
latter keeps split-K partial sums of float16 products in float32, as NumPy sums them).
Code that changes either mode on a cuarray handle must restore it.

TF32: off by default (NumPy's float32 results).  ``CUARRAY_TF32=1`` in the environment
when this module is first imported, or :func:`set_tf32`, makes float32 and complex64
products use ``CUBLAS_COMPUTE_32F_FAST_TF32``; the setting is process-wide and read at
every call.
"""

from __future__ import annotations

import os
from typing import NamedTuple

import numpy

# cublasOperation_t (cublas_api.h)
OP_N, OP_T, OP_C = 0, 1, 2
# cudaDataType_t (library_types.h)
_R_16F, _R_32F, _R_64F, _C_32F, _C_64F = 2, 0, 1, 4, 5
# cublasComputeType_t
_COMPUTE_32F, _COMPUTE_64F, _COMPUTE_32F_FAST_TF32 = 68, 70, 77
# cublasMath_t, cublasPointerMode_t, cublasGemmAlgo_t
_MATH_MODE = 0 | 16                 # DEFAULT_MATH | DISALLOW_REDUCED_PRECISION_REDUCTION
_POINTER_MODE_HOST = 0
_GEMM_DEFAULT = -1

_INT_MAX = 2**31 - 1
#: Batches per call: cuBLAS takes an int, but chunks keep every launch grid well inside
#: its limits whatever the library version does internally.
MAX_BATCH = 65535
#: Batch dims that collapse into no single stride are looped over in Python up to this
#: many calls; beyond, the caller uses its own kernel.
MAX_OUTER_CALLS = 64

# dtype char -> (cudaDataType, compute type, TF32 compute type or None, scale dtype)
_TYPES = {
    "e": (_R_16F, _COMPUTE_32F, None, numpy.float32),     # half in/out, float32 sums
    "f": (_R_32F, _COMPUTE_32F, _COMPUTE_32F_FAST_TF32, numpy.float32),
    "d": (_R_64F, _COMPUTE_64F, None, numpy.float64),
    "F": (_C_32F, _COMPUTE_32F, _COMPUTE_32F_FAST_TF32, numpy.complex64),
    "D": (_C_64F, _COMPUTE_64F, None, numpy.complex128),
}
DTYPE_CHARS = frozenset(_TYPES)
_SIZES = {c: numpy.dtype(c).itemsize for c in _TYPES}

# alpha = 1, beta = 0 of each scale type; cuBLAS reads them during the call (pointer
# mode host), so one read-only buffer per type serves every thread.
_ONE = {c: numpy.ones(1, t[3]) for c, t in _TYPES.items()}
_ZERO = {c: numpy.zeros(1, t[3]) for c, t in _TYPES.items()}
_SCALARS = {c: (_ONE[c].ctypes.data, _ZERO[c].ctypes.data) for c in _TYPES}

_tf32 = os.environ.get("CUARRAY_TF32", "").strip().lower() not in ("", "0", "false", "no")
_configured: set = set()
_cublas = None


def set_tf32(enabled: bool) -> bool:
    """Allow TF32 tensor cores for float32/complex64 products; returns the old setting."""
    global _tf32
    old, _tf32 = _tf32, bool(enabled)
    return old


def tf32_enabled() -> bool:
    return _tf32


def compute_type(char: str) -> int:
    """The cublasComputeType_t used now for dtype ``char``."""
    t = _TYPES[char]
    return t[2] if _tf32 and t[2] is not None else t[1]


# -- planning (pure Python) -------------------------------------------------------------------
class Gemm(NamedTuple):
    """One product as cuBLAS sees it (column-major), strides in elements.

    ``b_first``: cuBLAS's first operand is B (C is row-major: C^T = B^T A^T), else A.
    ``batch``/``stride_*``: the strided-batched dim (batch 1: a plain GEMM);
    ``outer``: (extent, a, b, c byte strides) of batch dims looped over in Python.
    """
    b_first: bool
    transa: int
    transb: int
    m: int
    n: int
    k: int
    lda: int
    ldb: int
    ldc: int
    batch: int
    stride_a: int
    stride_b: int
    stride_c: int
    outer: tuple


def matrix_operand(rows, cols, s_rows, s_cols, conj=False, transposable=True):
    """(op, ld) giving cuBLAS the column-major view of Y[rows, cols] (element strides), or None.

    Y[r, c] lies at r * s_rows + c * s_cols.  Op N: Y is column-major (unit row stride,
    ld = s_cols).  Op T (op C when ``conj``): Y^T is column-major (unit column stride,
    ld = s_rows).  A dimension of size 1 takes any stride, and its ld is then the
    smallest cuBLAS accepts.
    """
    if not conj and (rows == 1 or s_rows == 1):
        ld = s_cols if cols > 1 else max(rows, 1)
        if max(rows, 1) <= ld <= _INT_MAX:
            return OP_N, ld
    if transposable and (cols == 1 or s_cols == 1):
        ld = s_rows if rows > 1 else max(cols, 1)
        if max(cols, 1) <= ld <= _INT_MAX:
            return (OP_C if conj else OP_T), ld
    return None


def plan_gemm(n, m, k, strides, itemsize, batch_shape=(), batch_strides=((), (), ()),
              conj_a=False):
    """Plan C[n, m] = op(A)[n, k] @ B[k, m] (op: conjugation when ``conj_a``).

    ``strides``: byte strides (a_n, a_k, b_k, b_m, c_n, c_m); ``batch_shape`` with
    ``batch_strides`` (per-dim byte strides of A, B, C): the loop dims after collapsing.
    Returns (Gemm, None), or (None, why) with why one of "a", "b", "c" (copy that operand
    into a fresh C-ordered array and plan again) or "size", "batch" (no cuBLAS call fits).
    """
    if max(n, m, k) > _INT_MAX:
        return None, "size"
    el = []
    for s in strides:
        if s % itemsize:
            el.append(None)
        else:
            el.append(s // itemsize)
    a_n, a_k, b_k, b_m, c_n, c_m = el
    if a_n is None or a_k is None:
        return None, "a"
    if b_k is None or b_m is None:
        return None, "b"
    if c_n is None or c_m is None:
        return None, "c"
    # C row-major: cuBLAS computes C^T[m, n] = B^T[m, k] @ A^T[k, n].
    c_op = matrix_operand(m, n, c_m, c_n, transposable=False)
    if c_op is not None:
        b_first, ldc = True, c_op[1]
        first = matrix_operand(m, k, b_m, b_k)
        second = matrix_operand(k, n, a_k, a_n, conj_a)
        dims = (m, n)
        bad_first, bad_second = "b", "a"
    else:
        # C column-major: cuBLAS computes C[n, m] = A[n, k] @ B[k, m].
        c_op = matrix_operand(n, m, c_n, c_m, transposable=False)
        if c_op is None:
            return None, "c"
        b_first, ldc = False, c_op[1]
        first = matrix_operand(n, k, a_n, a_k, conj_a)
        second = matrix_operand(k, m, b_k, b_m)
        dims = (n, m)
        bad_first, bad_second = "a", "b"
    if first is None:
        return None, bad_first
    if second is None:
        return None, bad_second
    batch = _plan_batch(batch_shape, batch_strides, itemsize)
    if isinstance(batch, str):
        return None, batch
    count, (sa, sb, sc), outer = batch
    if b_first:
        sa, sb = sb, sa
    return Gemm(b_first, first[0], second[0], dims[0], dims[1], k, first[1], second[1], ldc,
                count, sa, sb, sc, outer), None


def _plan_batch(shape, strides, itemsize):
    """(count, element strides of A, B, C, outer dims) for the loop dims, or a reason."""
    if not shape:
        return 1, (0, 0, 0), ()
    d = max(range(len(shape)), key=lambda i: shape[i])
    steps = []
    for name, st in zip("abc", strides):
        s = st[d]
        if s < 0 or s % itemsize or (name == "c" and s == 0):
            return name
        steps.append(s // itemsize)
    outer = tuple((shape[i], strides[0][i], strides[1][i], strides[2][i])
                  for i in range(len(shape)) if i != d)
    calls = 1
    for o in outer:
        calls *= o[0]
    if calls > MAX_OUTER_CALLS:
        return "batch"
    return shape[d], tuple(steps), outer


# -- running ----------------------------------------------------------------------------------
def _binding():
    global _cublas
    if _cublas is None:
        from ._handles import _binding as load
        _cublas = load("cublas")
    return _cublas


_get_handle = None


def _handle() -> int:
    global _get_handle
    if _get_handle is None:
        from ._handles import get_cublas_handle
        _get_handle = get_cublas_handle
    h = _get_handle()
    if h not in _configured:
        lib = _binding()
        lib.set_pointer_mode(h, _POINTER_MODE_HOST)
        try:
            lib.set_math_mode(h, _MATH_MODE)
        except Exception:       # noqa: BLE001 - a library without the flag: default math
            lib.set_math_mode(h, 0)
        _configured.add(h)
    return h


def aligned(char: str, *ptrs) -> bool:
    """Whether every pointer is aligned to the element size (cuBLAS's requirement)."""
    size = _SIZES[char]
    return all(p % size == 0 for p in ptrs)


def run(g: Gemm, char: str, a_ptr: int, b_ptr: int, c_ptr: int) -> None:
    """Issue the planned GEMM(s) for dtype ``char`` on the current stream."""
    lib = _binding()
    h = _handle()
    dtype = _TYPES[char][0]
    compute = compute_type(char)
    alpha, beta = _SCALARS[char]
    p0, p1 = (b_ptr, a_ptr) if g.b_first else (a_ptr, b_ptr)
    # Outer dims (rare): every combination of their indices, as byte offsets.
    offsets = [(0, 0, 0)]
    for extent, sa, sb, sc in g.outer:
        offsets = [(oa + i * sa, ob + i * sb, oc + i * sc) for oa, ob, oc in offsets
                   for i in range(extent)]
    size = _SIZES[char]
    for oa, ob, oc in offsets:
        o0, o1 = (ob, oa) if g.b_first else (oa, ob)
        if g.batch == 1:
            lib.gemm_ex(h, g.transa, g.transb, g.m, g.n, g.k, alpha, p0 + o0, dtype, g.lda,
                        p1 + o1, dtype, g.ldb, beta, c_ptr + oc, dtype, g.ldc, compute,
                        _GEMM_DEFAULT)
            continue
        for start in range(0, g.batch, MAX_BATCH):
            count = min(MAX_BATCH, g.batch - start)
            lib.gemm_strided_batched_ex(
                h, g.transa, g.transb, g.m, g.n, g.k, alpha,
                p0 + o0 + start * g.stride_a * size, dtype, g.lda, g.stride_a,
                p1 + o1 + start * g.stride_b * size, dtype, g.ldb, g.stride_b, beta,
                c_ptr + oc + start * g.stride_c * size, dtype, g.ldc, g.stride_c, count,
                compute, _GEMM_DEFAULT)
