"""Running cuarray.linalg without a GPU: the ``emulated`` fixture.

Host memory stands in for device memory (array headers keep real host addresses),
NumPy stands in for cuarray's kernels (copies, ufuncs, operators, reductions,
gathers), and SciPy's LAPACK stands in for cuSOLVER and cuBLAS's batched LU, called
with cuSOLVER's conventions: column-major matrices at raw addresses with leading
dimensions, one int32 status per matrix, V (not V^H) from the Jacobi and polar SVDs,
LAPACK's real packing of complex eigenvectors, matrices packed ``lda * n`` apart for
the batched Jacobi routines, pointer arrays in "device" memory.  The stand-ins check
the limits cuSOLVER has (gesvd needs m >= n, the batched Jacobi routines take 32 x 32)
and leading dimensions, so the emulated tests check what the routines own: argument
checks, dtype and shape planning, the column-major bookkeeping (which copy is
transposed, which result is read back as which factor), batching, status read-back and
result layouts.  Memory behaves as the pool's does (see :class:`HostMemory`): freed
blocks are reused at once and nothing is zeroed, so an address that outlives its array,
or a read of memory nothing wrote, shows up here as on the device.  The GPU tests run
the same bodies on the device.
"""

from __future__ import annotations

import bisect
import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import warnings

import numpy
import pytest
import scipy.linalg.lapack as lapack

import cuarray
from cuarray._core import ndarray as nd

LOWER, UPPER = 0, 1


# -- memory ---------------------------------------------------------------------------------------
class _Ptr:
    """One allocation; dropping the last reference gives its block back to the pool."""

    device_id = 0

    def __init__(self, ptr, free_list=None):
        self.ptr = ptr
        self._free_list = free_list

    def __del__(self):
        if self._free_list is not None:
            self._free_list.append(self.ptr)


#: The bytes a fresh block holds (NaN for floats, -1 for integers; a reused block keeps what
#: it held): device memory from the pool is never zeroed, so nothing may read what it did
#: not write.
POISON = 0xFF


class HostMemory:
    """Host blocks, 256-byte aligned, found again from any address inside them.

    Like cuarray's memory pool, a block whose last array is dropped goes back to a
    free list of its size class and the next allocation of that class takes it again
    (last freed, first reused), with the contents it had.  A device address that outlives
    its array (a temporary pointer array passed on as a bare int) is then overwritten by
    the next allocation, as on the device."""

    def __init__(self):
        self.starts, self.blocks = [], []
        self.free: dict = {}

    def allocate(self, nbytes):
        cls = max(-(-int(nbytes) // 512) * 512, 512)
        free_list = self.free.setdefault(cls, [])
        if free_list:
            return _Ptr(free_list.pop(), free_list)
        buf = numpy.full(cls + 256, POISON, numpy.uint8)
        start = buf.ctypes.data + (-buf.ctypes.data % 256)
        i = bisect.bisect(self.starts, start)
        self.starts.insert(i, start)
        self.blocks.insert(i, (start, buf))
        return _Ptr(start, free_list)

    def array(self, ptr, shape, strides, dtype):
        """A NumPy view of ``shape``/``strides`` (bytes) at address ``ptr``."""
        dtype = numpy.dtype(dtype)
        i = bisect.bisect(self.starts, ptr) - 1
        assert i >= 0, f"address {ptr:#x} was never allocated"
        start, buf = self.blocks[i]
        off = ptr - buf.ctypes.data
        lo = off + sum((n - 1) * s for n, s in zip(shape, strides) if s < 0 and n)
        hi = off + sum((n - 1) * s for n, s in zip(shape, strides) if s > 0 and n) + dtype.itemsize
        if all(shape):
            assert 0 <= lo and hi <= buf.size, "access outside the allocation"
        first = buf[off:off + dtype.itemsize].view(dtype) if off + dtype.itemsize <= buf.size \
            else buf[:dtype.itemsize].view(dtype)
        return numpy.lib.stride_tricks.as_strided(first, tuple(shape), tuple(strides))

    def view(self, a):
        return self.array(a._ptr, a._shape, a._strides, a.dtype)

    def put(self, host):
        """A device header over a copy of ``host`` with the same strides."""
        host = numpy.asarray(host)
        low = sum((n - 1) * st for n, st in zip(host.shape, host.strides) if st < 0)
        span = sum((n - 1) * abs(st) for n, st in zip(host.shape, host.strides))
        mp = self.allocate(span + host.itemsize)
        a = nd._new(nd.ndarray)
        nd._init(a, tuple(host.shape), tuple(host.strides), host.dtype, mp, mp.ptr - low, None)
        if host.size:
            self.view(a)[...] = host
        return a

    def colmajor(self, ptr, rows, cols, ld, dtype):
        """The column-major rows x cols matrix at ``ptr`` with leading dimension ``ld``."""
        assert ld >= max(rows, 1), f"leading dimension {ld} < {rows} rows"
        it = numpy.dtype(dtype).itemsize
        return self.array(ptr, (rows, cols), (it, ld * it), dtype)

    def put_int(self, ptr, value):
        self.array(ptr, (), (), numpy.int32)[()] = value


# -- NumPy in place of kernels --------------------------------------------------------------------
class Emulation:
    def __init__(self, memory):
        self.memory = memory

    def to_np(self, x):
        if isinstance(x, nd.ndarray):
            return self.memory.view(x)
        if isinstance(x, tuple):
            return tuple(self.to_np(v) for v in x)
        if isinstance(x, list):
            return [self.to_np(v) for v in x]
        return x

    def from_np(self, r):
        if isinstance(r, tuple):
            return tuple(self.from_np(v) for v in r)
        if isinstance(r, (numpy.ndarray, numpy.generic)):
            return self.memory.put(numpy.asarray(r))
        return r

    def wrap(self, fn):
        def run(*args, **kwargs):
            out = kwargs.get("out")
            a = [self.to_np(x) for x in args]
            kw = {k: self.to_np(v) for k, v in kwargs.items()}
            with numpy.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", numpy.exceptions.ComplexWarning)
                r = fn(*a, **kw)
            return out if out is not None else self.from_np(r)
        return run

    # copies and fills
    def copy_into(self, dst, src):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", numpy.exceptions.ComplexWarning)
            self.memory.view(dst)[...] = self.to_np(src)

    def fill(self, dst, value):
        self.memory.view(dst)[...] = value


def _patch_kernels(mp, em):
    from cuarray._engine import copy as ecopy
    from cuarray._routines import (creation, indexing, manipulation, matrices, ranges,
                                   reductions, searching)
    from cuarray._ufunc import namespace
    from cuarray._ufunc import operators
    from cuarray.cuda import _copy
    from cuarray.linalg import _common, _svd
    mem = em.memory
    for mod in (nd, creation):
        mp.setattr(mod, "_allocate", mem.allocate)
        mp.setattr(mod, "_from_host", mem.put)
    mp.setattr(_common, "_from_host", mem.put)
    mp.setattr(nd.ndarray, "get", lambda self, *a, **k: mem.view(self).copy())
    from cuarray.cuda import _stream
    mp.setattr(_stream, "current_stream_ptr", lambda: 0)
    mp.setattr(_copy, "memset8", lambda ptr, v, n: ctypes.memset(ptr, v, n))
    mp.setattr(_copy, "dtod", lambda dst, src, n: ctypes.memmove(dst, src, n))
    mp.setattr(_copy, "htod", lambda dst, src, n: ctypes.memmove(dst, src, n))
    mp.setattr(ecopy, "copy_into", em.copy_into)
    mp.setattr(ecopy, "fill", em.fill)
    for name in ("conjugate", "conj", "absolute", "abs", "isnan", "isfinite", "copysign", "log",
                 "exp", "sqrt", "matmul", "multiply", "add", "subtract"):
        if hasattr(namespace, name):
            mp.setattr(namespace, name, em.wrap(getattr(numpy, name)))
    for name in ("sum", "prod", "max", "min", "any", "all", "count_nonzero"):
        mp.setattr(reductions, name, em.wrap(getattr(numpy, name)))
    mp.setattr(searching, "where", em.wrap(numpy.where))
    mp.setattr(indexing, "take", em.wrap(numpy.take))
    mp.setattr(ranges, "arange", em.wrap(numpy.arange))
    mp.setattr(manipulation, "copyto", em.wrap(numpy.copyto))
    mp.setattr(creation, "ones", em.wrap(numpy.ones))
    mp.setattr(creation, "zeros", em.wrap(numpy.zeros))
    mp.setattr(matrices, "triu", em.wrap(numpy.triu))
    # Top-level names the test bodies use on results.
    for name in ("matmul", "conj", "conjugate", "abs", "absolute", "sqrt", "sum", "prod",
                 "real", "imag", "isnan", "isfinite", "all", "any"):
        mp.setattr(cuarray, name, em.wrap(getattr(numpy, name)), raising=False)
    # The few kernels linalg generates itself (keep_triangle's elementwise op, the
    # hermitian SVD's order) run for real: compiled for the host, launched thread by thread.
    from cuarray._engine import elementwise as _ew
    from cuarray.cuda import compiler
    mp.setattr(_ew, "_kernels", {})
    mp.setattr(_svd, "_order_kernels", {})
    mp.setattr(compiler, "compile_with_cache", lambda src, *a, **k: HostModule(src))
    for stem, name in operators.BINARY + operators.COMPARISON:
        fn = getattr(numpy, name)
        mp.setattr(nd.ndarray, f"__{stem}__", _binop(em, fn))
        if (stem, name) in operators.BINARY:
            mp.setattr(nd.ndarray, f"__r{stem}__", _binop(em, fn, reflected=True))
            mp.setattr(nd.ndarray, f"__i{stem}__", _inplace(em, fn))
    for stem, name in operators.UNARY:
        mp.setattr(nd.ndarray, f"__{stem}__", _unary(em, getattr(numpy, name)))


def _binop(em, fn, reflected=False):
    run = em.wrap(fn)
    return lambda self, other: run(other, self) if reflected else run(self, other)


def _inplace(em, fn):
    def op(self, other):
        with numpy.errstate(all="ignore"):
            fn(em.memory.view(self), em.to_np(other), out=em.memory.view(self))
        return self
    return op


def _unary(em, fn):
    run = em.wrap(fn)
    return lambda self: run(self)


def abs_desc_order_reference(w):
    """The order abs_desc_order's kernel computes, row by row (the same merge)."""
    w = numpy.asarray(w)
    perm = numpy.empty(w.shape, numpy.int64)
    for idx in numpy.ndindex(w.shape[:-1]):
        x, lo, hi = w[idx], 0, w.shape[-1] - 1
        for k in range(w.shape[-1]):
            if lo < hi and abs(x[lo]) > abs(x[hi]):
                perm[idx + (k,)] = lo
                lo += 1
            else:
                perm[idx + (k,)] = hi
                hi -= 1
    return perm


# -- kernels on the host ---------------------------------------------------------------------------
SHIM = r"""
#include <math.h>
#include <cmath>
using std::isnan; using std::isinf; using std::isfinite; using std::signbit; using std::fabs;
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __constant__
#define __restrict__
struct cuarray_dim3_ { unsigned x, y, z; };
static cuarray_dim3_ blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0};
static cuarray_dim3_ blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
extern "C" void cuarray_host_launch(unsigned b, unsigned t, unsigned g, unsigned d) {
  blockIdx.x = b; threadIdx.x = t; gridDim.x = g; blockDim.x = d;
}
"""
_HOST_LIBS: dict = {}
_CTYPE_OF = {"long long": ctypes.c_longlong, "int": ctypes.c_int, "double": ctypes.c_double,
             "float": ctypes.c_float, "bool": ctypes.c_bool,
             "unsigned long long": ctypes.c_ulonglong}


def host_library(src):
    """``src`` compiled by the host C++ compiler (skips the test where there is none)."""
    lib = _HOST_LIBS.get(src)
    if lib is None:
        cxx = shutil.which("g++") or shutil.which("clang++")
        if cxx is None:
            pytest.skip("no host C++ compiler to run linalg's kernels with")
        from cuarray.cuda import compiler
        d = tempfile.mkdtemp(prefix="linalg_host_")
        key = hashlib.sha256(src.encode()).hexdigest()[:16]
        cpp, so = os.path.join(d, key + ".cpp"), os.path.join(d, key + ".so")
        with open(cpp, "w") as f:
            f.write(SHIM + src)
        subprocess.run([cxx, "-O1", "-std=c++17", "-shared", "-fPIC",
                        f"-I{compiler._INCLUDE_DIR}", cpp, "-o", so], check=True,
                       capture_output=True, text=True)
        lib = _HOST_LIBS[src] = ctypes.CDLL(so)
    return lib


class HostModule:
    """compile_with_cache's Module, for the host: get_function gives a launcher."""

    def __init__(self, src):
        self.src = src

    def get_function(self, name):
        return HostFunction(self.src, name)


class HostFunction:
    """A kernel launched by running every (block, thread) of its grid in turn (the
    kernels linalg makes use no shared memory and no synchronisation)."""

    def __init__(self, src, name):
        self.lib = host_library(src)
        self.fn = getattr(self.lib, name)
        head = src.split(f" {name}(")[1].split(")\n{")[0]
        self.types = []
        for p in re.split(r",\s*", head):
            words = p.replace("const ", "").split()
            t = " ".join(words[:-1])
            self.types.append(ctypes.c_void_p if "*" in p else _CTYPE_OF[t])

    def __call__(self, grid, block, args, *rest, **kw):
        grid = grid[0] if isinstance(grid, tuple) else grid
        block = block[0] if isinstance(block, tuple) else block
        cargs = [t(int(a) if t is not ctypes.c_double and t is not ctypes.c_float else float(a))
                 for t, a in zip(self.types, args)]
        for b in range(grid):
            for t in range(block):
                self.lib.cuarray_host_launch(b, t, grid, block)
                self.fn(*cargs)

    def launch_1d(self, grid, block, args):      # Function's fast launch paths
        self(grid, block, args)

    launch_2d = launch_1d


# -- LAPACK in place of cuSOLVER -------------------------------------------------------------------
def _lp(dt, name):
    """SciPy's LAPACK routine ``name`` ("potrf", "syevd", ...) for dtype ``dt``."""
    dt = numpy.dtype(dt)
    letter = {"f": "s", "d": "d", "F": "c", "D": "z"}[dt.char]
    if dt.kind == "c":
        name = name.replace("syevd", "heevd").replace("orgqr", "ungqr")
    return getattr(lapack, letter + name)


def _real(dt):
    return numpy.dtype(numpy.float32) if numpy.dtype(dt).char in "fF" else numpy.dtype("f8")


class FakeSolver:
    """The cuarray.cuda._cusolver functions, computed by LAPACK on host memory."""

    LOWER, UPPER, OP_N, OP_T, OP_C, NOVECTOR, VECTOR = 0, 1, 0, 1, 2, 0, 1

    def __init__(self, memory):
        self.m = memory
        self.calls = []
        self.factored = []      # a copy of every matrix handed to getrf (as LAPACK sees it)

    def _ptrs(self, ptrs, batch):
        return [int(p) for p in self.m.array(ptrs, (batch,), (8,), numpy.int64)]

    # Cholesky
    def _potrf1(self, dt, uplo, n, a, lda, info):
        A = self.m.colmajor(a, n, n, lda, dt)
        c, inf = _lp(dt, "potrf")(A.copy(), lower=uplo == LOWER, clean=0)
        mask = numpy.tril(numpy.ones((n, n), bool)) if uplo == LOWER else numpy.triu(
            numpy.ones((n, n), bool))
        A[mask] = c[mask]
        self.m.put_int(info, inf)

    def potrf(self, ws, dt, uplo, n, a, lda, info, batch=1, stride=0):
        self.calls.append("potrf")
        for i in range(batch):
            self._potrf1(dt, uplo, n, a + i * stride, lda, info + 4 * i)

    def potrf_batched(self, dt, uplo, n, ptrs, lda, info, batch):
        self.calls.append("potrf_batched")
        for i, p in enumerate(self._ptrs(ptrs, batch)):
            self._potrf1(dt, uplo, n, p, lda, info + 4 * i)

    # LU
    def _getrf1(self, dt, n, a, lda, ipiv, info, pdt):
        A = self.m.colmajor(a, n, n, lda, dt)
        self.factored.append(A.copy())
        lu, piv, inf = _lp(dt, "getrf")(A.copy())
        A[...] = lu
        self.m.array(ipiv, (n,), (pdt.itemsize,), pdt)[...] = piv + 1
        self.m.put_int(info, inf)

    def getrf(self, ws, dt, n, a, lda, ipiv, info, batch=1, stride=0):
        self.calls.append("getrf")
        for i in range(batch):
            self._getrf1(dt, n, a + i * stride, lda, ipiv + 8 * n * i, info + 4 * i,
                         numpy.dtype(numpy.int64))

    def _getrs1(self, dt, trans, n, nrhs, a, lda, ipiv, pdt, b, ldb):
        A = self.m.colmajor(a, n, n, lda, dt)
        piv = self.m.array(ipiv, (n,), (pdt.itemsize,), pdt) - 1
        B = self.m.colmajor(b, n, nrhs, ldb, dt)
        x, inf = _lp(dt, "getrs")(A.copy(), piv.astype(numpy.int32), B.copy(), trans=trans)
        assert inf == 0
        B[...] = x

    def getrs(self, dt, trans, n, nrhs, a, lda, ipiv, b, ldb, info, batch=1, a_stride=0,
              b_stride=0):
        self.calls.append("getrs")
        for i in range(batch):
            self._getrs1(dt, trans, n, nrhs, a + i * a_stride, lda, ipiv + 8 * n * i,
                         numpy.dtype(numpy.int64), b + i * b_stride, ldb)
            self.m.put_int(info + 4 * i, 0)

    def getrf_batched(self, dt, n, ptrs, lda, ipiv, info, batch):
        self.calls.append("getrf_batched")
        for i, p in enumerate(self._ptrs(ptrs, batch)):
            self._getrf1(dt, n, p, lda, ipiv + 4 * n * i, info + 4 * i, numpy.dtype(numpy.int32))

    def getrs_batched(self, dt, trans, n, nrhs, aptrs, lda, ipiv, bptrs, ldb, batch):
        self.calls.append("getrs_batched")
        for i, (p, q) in enumerate(zip(self._ptrs(aptrs, batch), self._ptrs(bptrs, batch))):
            self._getrs1(dt, trans, n, nrhs, p, lda, ipiv + 4 * n * i,
                         numpy.dtype(numpy.int32), q, ldb)

    def getri_batched(self, dt, n, aptrs, lda, ipiv, cptrs, ldc, info, batch):
        self.calls.append("getri_batched")
        for i, (p, q) in enumerate(zip(self._ptrs(aptrs, batch), self._ptrs(cptrs, batch))):
            lu = self.m.colmajor(p, n, n, lda, dt)
            piv = self.m.array(ipiv + 4 * n * i, (n,), (4,), numpy.int32) - 1
            inv, inf = _lp(dt, "getri")(lu.copy(), piv)
            self.m.colmajor(q, n, n, ldc, dt)[...] = inv if inf == 0 else 7.0
            self.m.put_int(info + 4 * i, inf)

    # QR
    def geqrf(self, ws, dt, m, n, a, lda, tau, info, batch=1, stride=0, tau_stride=0):
        self.calls.append("geqrf")
        k = min(m, n)
        it = numpy.dtype(dt).itemsize
        for i in range(batch):
            A = self.m.colmajor(a + i * stride, m, n, lda, dt)
            qr, t, _, inf = _lp(dt, "geqrf")(A.copy())
            A[...] = qr
            self.m.array(tau + i * tau_stride, (k,), (it,), dt)[...] = t[:k]
            self.m.put_int(info + 4 * i, inf)

    def orgqr(self, ws, dt, m, n, k, a, lda, tau, info, batch=1, stride=0, tau_stride=0):
        self.calls.append("orgqr")
        assert m >= n >= k
        it = numpy.dtype(dt).itemsize
        for i in range(batch):
            A = self.m.colmajor(a + i * stride, m, n, lda, dt)
            t = self.m.array(tau + i * tau_stride, (k,), (it,), dt)
            q, _, inf = _lp(dt, "orgqr")(A.copy(), t.copy())
            A[...] = q
            self.m.put_int(info + 4 * i, inf)

    # symmetric eigenproblems
    def _syevd1(self, dt, jobz, uplo, n, a, lda, w, info):
        A = self.m.colmajor(a, n, n, lda, dt)
        ev, v, inf = _lp(dt, "syevd")(A.copy(), compute_v=jobz, lower=uplo == LOWER)
        rdt = _real(dt)
        self.m.array(w, (n,), (rdt.itemsize,), rdt)[...] = ev
        if jobz:
            A[...] = v
        self.m.put_int(info, inf)

    def syevd(self, ws, dt, jobz, uplo, n, a, lda, w, info, batch=1, stride=0, w_stride=0):
        self.calls.append("syevd")
        for i in range(batch):
            self._syevd1(dt, jobz, uplo, n, a + i * stride, lda, w + i * w_stride, info + 4 * i)

    def syevj_batched(self, ws, dt, jobz, uplo, n, a, lda, w, info, batch):
        self.calls.append("syevj_batched")
        assert n <= 32
        it, rit = numpy.dtype(dt).itemsize, _real(dt).itemsize
        for i in range(batch):
            self._syevd1(dt, jobz, uplo, n, a + i * lda * n * it, lda, w + i * n * rit,
                         info + 4 * i)

    # SVD
    def _svd1(self, dt, want, full, m, n, a, lda, s, vectors, info, v_not_vh, sort=True):
        """vectors: (u, ldu, ucols, v, ldv, vrows_or_cols) or None."""
        A = self.m.colmajor(a, m, n, lda, dt)
        k = min(m, n)
        rdt = _real(dt)
        u_, s_, vt_ = numpy.linalg.svd(A.copy(), full_matrices=full)
        self.m.array(s, (k,), (rdt.itemsize,), rdt)[...] = s_
        if want:
            u, ldu, ucols, v, ldv, vcols = vectors
            self.m.colmajor(u, m, ucols, ldu, dt)[...] = u_[:, :ucols]
            if v_not_vh:
                self.m.colmajor(v, n, vcols, ldv, dt)[...] = vt_.conj().T[:, :vcols]
            else:
                self.m.colmajor(v, vcols, n, ldv, dt)[...] = vt_[:vcols]
        A[...] = 0.5           # the input is destroyed
        self.m.put_int(info, 0)

    def gesvd(self, ws, dt, job, m, n, a, lda, s, u, ldu, vt, ldvt, info, batch=1,
              strides=(0, 0, 0, 0)):
        self.calls.append("gesvd")
        assert m >= n, "cuSOLVER's gesvd needs m >= n"
        k = min(m, n)
        sa, ss, su, sv = strides
        for i in range(batch):
            want = job != "N"
            vec = (u + i * su, ldu, m if job == "A" else k, vt + i * sv, ldvt,
                   n if job == "A" else k) if want else None
            self._svd1(dt, want, job == "A", m, n, a + i * sa, lda, s + i * ss, vec,
                       info + 4 * i, v_not_vh=False)

    def gesvdj(self, ws, dt, jobz, econ, m, n, a, lda, s, u, ldu, v, ldv, info, batch=1,
               strides=(0, 0, 0, 0)):
        self.calls.append("gesvdj")
        k = min(m, n)
        sa, ss, su, sv = strides
        for i in range(batch):
            vec = (u + i * su, ldu, k if econ else m, v + i * sv, ldv, k if econ else n)
            self._svd1(dt, jobz, not econ, m, n, a + i * sa, lda, s + i * ss, vec, info + 4 * i,
                       v_not_vh=True)

    def gesvdj_batched(self, ws, dt, jobz, m, n, a, lda, s, u, ldu, v, ldv, info, batch):
        self.calls.append("gesvdj_batched")
        assert m <= 32 and n <= 32, "gesvdjBatched takes m, n <= 32"
        it, rit, k = numpy.dtype(dt).itemsize, _real(dt).itemsize, min(m, n)
        for i in range(batch):
            vec = (u + i * ldu * m * it, ldu, m, v + i * ldv * n * it, ldv, n)
            self._svd1(dt, jobz, True, m, n, a + i * lda * n * it, lda, s + i * k * rit, vec,
                       info + 4 * i, v_not_vh=True)

    def gesvdp(self, ws, dt, jobz, econ, m, n, a, lda, s, u, ldu, v, ldv, info):
        self.calls.append("gesvdp")
        assert m >= n, "fed the tall orientation"
        A = self.m.colmajor(a, m, n, lda, dt).copy()
        k = min(m, n)
        vec = (u, ldu, k if econ else m, v, ldv, n)
        self._svd1(dt, jobz, not econ, m, n, a, lda, s, vec, info, v_not_vh=True)
        sv = numpy.linalg.svd(A, compute_uv=False)
        # The library perturbs singular values near zero: report a perturbation there.
        return float(1e-3 * sv[0]) if sv[-1] < 1e-10 * sv[0] else 0.0

    # general eigenproblem
    def geev(self, ws, dt, jobvr, n, a, lda, w, vr, ldvr, info, batch=1, strides=(0, 0, 0)):
        self.calls.append("geev")
        dt = numpy.dtype(dt)
        sa, sw, sv = strides
        for i in range(batch):
            A = self.m.colmajor(a + i * sa, n, n, lda, dt)
            if dt.kind == "f":
                wr, wi, _, v, inf = _lp(dt, "geev")(A.copy(), compute_vl=0, compute_vr=jobvr)
                self.m.array(w + i * sw, (2 * n,), (dt.itemsize,), dt)[...] = numpy.concatenate(
                    [wr, wi])
            else:
                ev, _, v, inf = _lp(dt, "geev")(A.copy(), compute_vl=0, compute_vr=jobvr)
                self.m.array(w + i * sw, (n,), (dt.itemsize,), dt)[...] = ev
            if jobvr:
                self.m.colmajor(vr + i * sv, n, n, ldvr, dt)[...] = v
            self.m.put_int(info + 4 * i, inf)


def _patch_solver(mp, fake):
    from cuarray.cuda import _cusolver
    for name in ("potrf", "potrf_batched", "getrf", "getrs", "getrf_batched", "getrs_batched",
                 "getri_batched", "geqrf", "orgqr", "syevd", "syevj_batched",
                 "gesvd", "gesvdj", "gesvdj_batched", "gesvdp", "geev"):
        mp.setattr(_cusolver, name, getattr(fake, name))


@pytest.fixture
def emulated(monkeypatch):
    """cuarray.linalg on the host (see the module docstring); yields the FakeSolver, whose
    ``calls`` list the cuSOLVER routines each test reached.  Skips where a GPU is usable
    (kernels there must never see host addresses)."""
    if cuarray.is_available():
        pytest.skip("a GPU is usable: the GPU tests cover this")
    memory = HostMemory()
    _patch_kernels(monkeypatch, Emulation(memory))
    fake = FakeSolver(memory)
    _patch_solver(monkeypatch, fake)
    monkeypatch.delenv("CUARRAY_SVD_DRIVER", raising=False)
    yield fake


@pytest.fixture(params=["emulated", "gpu"])
def backend(request):
    """Run a test body on the GPU where one is usable, else on the host emulation.

    Where a GPU is present the emulated variant skips: the device runs the same body
    for real, and host addresses must never reach a kernel launch there."""
    gpu = cuarray.is_available()
    if request.param == "gpu":
        if not gpu:
            pytest.skip("no CUDA device: cuarray.is_available() is False")
        yield None
    else:
        if gpu:
            pytest.skip("a GPU is usable: the gpu variant runs this body on the device")
        yield request.getfixturevalue("emulated")




@pytest.fixture
def host_module():
    """``HostModule(source)``: a kernel source compiled for the host (see HostFunction)."""
    return HostModule
