"""The scan engine without a GPU (CPU tests, run in CI).

- Every scan kernel ``ufunc.accumulate`` can generate (each binary ufunc on each of its
  NumPy loops), every launch plan's variants and the nancum* maps compile with NVRTC for
  sm_90.
- Plans: which driver each layout gets, vector widths, status-buffer sizes.
- Argument checks that raise before anything is allocated agree with NumPy's.
- The generated kernels RUN on the host: compiled by the host C++ compiler against a small
  emulator of the CUDA features they use (every CUDA thread a host thread, warps exchanging
  values through barriers, several blocks at once so that tiles really wait for each other in
  the decoupled look-back), through the engine's own planning and launch code, on host
  memory; then the routines (cumsum, nancumprod, cumulative_sum, accumulate, ...) end to end
  the same way.  Results are compared with NumPy.
"""

import ctypes
import re
import shutil
import subprocess
import warnings

import numpy
import pytest

import cuarray
from cuarray._core import ndarray as nd
from cuarray._engine import scan as S
from cuarray._ufunc import accumulate as A
from cuarray._ufunc.gufunc import gufunc
from cuarray._ufunc.spec import numpy_loops
from cuarray._ufunc.ufunc import ufunc
from cuarray.cuda import compiler
from cuarray.cuda.compiler import compile_to_cubin

D = numpy.dtype
ARCH = "sm_90"


def merged(texts):
    """Several kernel sources as one NVRTC program (includes once, then the bodies)."""
    inc = sorted({line for t in texts for line in t.splitlines() if line.startswith("#")})
    body = ["\n".join(x for x in t.splitlines() if not x.startswith("#")) for t in texts]
    return "\n".join(inc) + "\n" + "\n".join(body)


def source_for(op, s, loop, o, kind, consts, ndim=1):
    name = S.kernel_name(op, (D(s), D(loop), D(o)), kind, consts, ndim)
    return S.scan_source(name, op, D(s), D(loop), D(o), kind, consts, ndim)


def default_consts(kind, s, loop, o, *, vec=True, lookback=True):
    acc = S.compute_of(D(loop))
    items = S.items_per_thread(acc)
    v = S.vector_width(D(s), D(o), items) if vec else 1
    return {"sequential": (),
            "tiles": (v, items // v, v > 1, lookback, S._status_kind(acc)),
            "warps": (v, items // v, v > 1),
            "columns": (32, 8, 8 if acc.itemsize == 16 else 16, lookback)}[kind]


def binary_accumulate_loops():
    """(ufunc name, loop dtype) for every NumPy loop whose three dtypes agree."""
    cases = []
    for name in sorted({u.__name__ for u in vars(cuarray).values()
                        if isinstance(u, ufunc) and not isinstance(u, gufunc)
                        and u.nin == 2 and u.nout == 1}):
        seen = set()
        for ins, outs in numpy_loops(name):
            if ins[0] == ins[1] == outs[0] and ins[0] not in seen:
                seen.add(ins[0])
                cases.append((name, ins[0]))
    return cases


# =================================================================================================
# Every generated source compiles (NVRTC, sm_90)
# =================================================================================================

def test_every_accumulate_kernel_compiles():
    """Each binary ufunc on each loop: its reduction in a parallel driver (the drivers taken in
    turn), or its body in the sequential one."""
    texts = []
    for i, (name, dt) in enumerate(binary_accumulate_loops()):
        op = A.scan_op(getattr(cuarray, name), dt)
        kind = "sequential" if op.sequential else ("tiles", "warps", "columns")[i % 3]
        texts.append(source_for(op, dt, dt, dt, kind, default_consts(kind, dt, dt, dt)))
    assert len(texts) > 150
    for k in range(0, len(texts), 40):
        cubin, _ = compile_to_cubin(merged(texts[k:k + 40]), arch=ARCH)
        assert cubin[:4] == b"\x7fELF"


ADD = S.ScanOp("add", combine="a + b")
MUL = S.ScanOp("multiply", combine="a * b")
SUB = S.ScanOp("subtract", body="out0 = in0 - in1")
# (input, loop, output) dtypes: widening, narrowing stores, half, complex, bool.
TRIPLES = [("float32",) * 3, ("int32", "int64", "int64"), ("bool", "int64", "int64"),
           ("float16",) * 3, ("float16", "float16", "float64"), ("float64", "float64", "int8"),
           ("complex128",) * 3, ("complex64", "complex64", "float32"),
           ("uint8", "uint64", "uint64"), ("bool",) * 3, ("int8",) * 3,
           ("float64", "float16", "float16")]


@pytest.mark.parametrize("kind", ["tiles", "warps", "columns", "sequential"])
def test_every_driver_variant_compiles(kind):
    texts = []
    for s, loop, o in TRIPLES:
        op = ADD if D(loop).kind != "b" else S.ScanOp("add", combine="a || b")
        for vec in (True, False):
            for lookback in (True, False):
                for ndim in (0, 1, 3):
                    if kind in ("warps", "sequential") and (lookback is False or ndim == 0):
                        continue
                    consts = default_consts(kind, s, loop, o, vec=vec, lookback=lookback)
                    texts.append(source_for(op if kind != "sequential" else SUB, s, loop, o,
                                            kind, consts, ndim))
    texts = list(dict.fromkeys(texts))
    for k in range(0, len(texts), 40):
        cubin, _ = compile_to_cubin(merged(texts[k:k + 40]), arch=ARCH)
        assert cubin[:4] == b"\x7fELF"


def test_nan_maps_compile():
    from cuarray._routines.cumulative import _NAN_TO
    texts = []
    for value, maps in _NAN_TO.items():
        for dt in ("float16", "float32", "float64", "complex64", "complex128"):
            op = S.ScanOp(f"nan{value}", combine="a * b" if value else "a + b",
                          map=maps[D(dt).kind])
            for loop in (dt, "float64" if D(dt).kind == "f" else dt, "int32"):
                if D(dt).kind == "c" and loop == "int32":
                    continue
                texts.append(source_for(op, dt, loop, loop, "tiles",
                                        default_consts("tiles", dt, loop, loop)))
    cubin, _ = compile_to_cubin(merged(list(dict.fromkeys(texts))), arch=ARCH)
    assert cubin[:4] == b"\x7fELF"


def test_kernel_names_carry_op_dtypes_and_layout():
    name = S.kernel_name(ADD, (D("int32"), D("int64"), D("int64")), "tiles",
                         (2, 8, True, True, "packed8"), 1)
    assert name == "cuarray_scan_add__int32_int64_int64__tiles_2_8_1_1_packed8_k1"


def test_scan_op_needs_exactly_one_of_combine_and_body():
    with pytest.raises(ValueError):
        S.ScanOp("x")
    with pytest.raises(ValueError):
        S.ScanOp("x", combine="a + b", body="out0 = in0")


# =================================================================================================
# Plans (headers without memory: planning reads shapes, strides and pointers only)
# =================================================================================================

def header(shape, dtype, *, order="C", ptr=1 << 20, strides=None, view=None):
    """A cuarray array header at address ``ptr`` (no memory behind it)."""
    host = numpy.empty(shape, dtype, order=order)
    if view is not None:
        host = view(host)
    a = nd._new(nd.ndarray)
    nd._init(a, host.shape, strides or host.strides, host.dtype, None, ptr, None)
    return a


@pytest.mark.parametrize("shape, axis, order, kind, lookback", [
    ((2**28,), 0, "C", "tiles", True),
    ((8192,), 0, "C", "tiles", False),
    ((8193,), 0, "C", "tiles", True),
    ((8192, 8192), 1, "C", "tiles", False),
    ((8192, 8192), 0, "C", "columns", True),
    ((8192, 8192), 0, "F", "tiles", False),
    ((4, 100_000), 1, "C", "tiles", True),
    ((100, 37), 1, "C", "warps", None),
    ((10_000, 5), 1, "C", "sequential", None),
    ((300, 40), 0, "C", "columns", True),
    ((100, 40), 0, "C", "columns", False),
    ((20, 1_000_000), 0, "C", "sequential", None),
    ((31, 1000), 0, "C", "sequential", None),
])
def test_plan_kinds(shape, axis, order, kind, lookback):
    a = header(shape, "float32", order=order)
    o = header(shape, "float32", order=order, ptr=1 << 40)
    p = S.plan(ADD, a, o, axis, D("float32"))
    assert p.kind == kind
    if lookback is not None:
        assert p.consts[-1 if kind == "columns" else 3] is lookback
        assert (p.status is not None) is lookback


def test_plan_flat_float32_is_vectorised_with_packed_status():
    n = 2**28
    p = S.plan(ADD, header((n,), "float32"), header((n,), "float32", ptr=1 << 40), 0,
               D("float32"))
    assert p.consts == (4, 8, True, True, "packed4")
    tiles = n // (256 * 32)
    assert p.grid == tiles and p.status == (16 + 8 * tiles, 16 + 8 * tiles)


def test_plan_int32_to_int64_uses_16_byte_words():
    p = S.plan(ADD, header((10**6,), "int32"), header((10**6,), "int64", ptr=1 << 40), 0,
               D("int64"))
    assert p.consts == (2, 8, True, True, "packed8")
    assert p.status == (16 + 16 * p.grid,) * 2


def test_plan_complex128_splits_flags_and_values():
    p = S.plan(ADD, header((10**5,), "complex128"), header((10**5,), "complex128", ptr=1 << 40),
               0, D("complex128"))
    assert p.consts[-1] == "split"
    flags = (p.grid * 4 + 15) // 16 * 16
    assert p.status == (16 + flags + 2 * p.grid * 16, 16 + flags)


@pytest.mark.parametrize("cols, ptr, view, vec", [
    (40_000, 1 << 20, None, 4), (40_000, 1 << 20 | 4, None, 1),
    (40_000, 1 << 20, lambda h: h[:, ::2], 1), (40_000, 1 << 20, lambda h: h[::2], 4),
    (40_001, 1 << 20, None, 1), (40_004, 1 << 20, None, 4),
])
def test_vector_width_needs_unit_steps_and_aligned_rows(cols, ptr, view, vec):
    a = header((4, cols), "float32", ptr=ptr, view=view)
    o = header(a.shape, "float32", ptr=1 << 40)
    p = S.plan(ADD, a, o, 1, D("float32"))
    assert p.kind == "tiles" and p.consts[0] == vec


def test_plan_collapses_kept_axes_and_follows_any_strides():
    a = header((6, 7, 5000), "float32", view=lambda h: h[::-1, ::2])
    o = header(a.shape, "float64", ptr=1 << 40)
    p = S.plan(ADD, a, o, 2, D("float64"))
    assert p.kind == "tiles" and p.n == 5000 and p.rows == 24 and len(p.kept[0]) == 2
    b = header((6, 7, 5000), "float32")
    p = S.plan(ADD, b, header(b.shape, "float32", ptr=1 << 40), 2, D("float32"))
    assert p.kept[0] == (42,)          # two C-contiguous kept axes collapse into one


def test_sequential_ops_always_run_in_order():
    p = S.plan(SUB, header((2**20,), "float32"), header((2**20,), "float32", ptr=1 << 40), 0,
               D("float32"))
    assert p.kind == "sequential" and p.rows == 1


# =================================================================================================
# Argument checks before any allocation, against NumPy's
# =================================================================================================

def both(call, shape=(2, 3), dtype="float32"):
    """Run ``call(xp, a)`` with NumPy and with a memory-less cuarray header; both must raise
    the same exception class (AxisError included) with a similar message."""
    with pytest.raises(Exception) as ref:
        call(numpy, numpy.zeros(shape, dtype))
    with pytest.raises(Exception) as got:
        call(cuarray, header(shape, dtype))
    assert type(got.value) is type(ref.value) or (
        isinstance(got.value, TypeError) and isinstance(ref.value, TypeError)
        and not isinstance(ref.value, ValueError)), (ref.value, got.value)
    return str(ref.value), str(got.value)


@pytest.mark.parametrize("call", [
    lambda xp, a: xp.sin.accumulate(a),
    lambda xp, a: xp.divmod.accumulate(a),
    lambda xp, a: xp.matmul.accumulate(a),
    lambda xp, a: xp.add.accumulate(a, axis=2),
    lambda xp, a: xp.add.accumulate(a, axis=-3),
    lambda xp, a: xp.add.accumulate(a, axis=(0, 1)),
    lambda xp, a: xp.add.accumulate(a, axis=None),
    lambda xp, a: xp.add.accumulate(a, axis=1.5),
    lambda xp, a: xp.equal.accumulate(a),
    lambda xp, a: xp.cumsum(a, axis=2),
    lambda xp, a: xp.cumsum(a, axis=(1,)),
    lambda xp, a: xp.cumprod(a, axis=-3),
    lambda xp, a: xp.nancumsum(a, axis=5),
    lambda xp, a: xp.cumulative_sum(a),
    lambda xp, a: xp.cumulative_prod(a, axis=2),
])
def test_errors_match_numpy(call):
    ref, got = both(call)
    if "out of bounds" in ref or "only supported" in ref or "multiple axes" in ref:
        assert ref == got


def test_accumulate_of_a_scalar_and_of_subtract_on_bool():
    both(lambda xp, a: xp.add.accumulate(a), shape=())
    both(lambda xp, a: xp.subtract.accumulate(a), dtype="bool")


def test_out_shape_and_type_checks():
    a = header((2, 3), "float32")
    with pytest.raises(ValueError):
        cuarray.add.accumulate(a, out=header((3, 3), "float32"))
    with pytest.raises(ValueError):
        cuarray.cumsum(a, out=header((6, 1), "float32"))
    with pytest.raises(TypeError):
        cuarray.cumsum(a, axis=0, out=numpy.zeros((2, 3)))
    with pytest.raises(ValueError):
        cuarray.cumulative_sum(a, axis=1, out=header((2, 3), "float32"), include_initial=True)
    with pytest.raises(TypeError):
        cuarray.add.accumulate(numpy.zeros(3))
    with pytest.raises(TypeError):
        cuarray.cumsum([1, 2, 3])


@pytest.mark.parametrize("uf, dt, dtype, out, loop", [
    ("add", "int8", None, None, "int64"), ("add", "uint16", None, None, "uint64"),
    ("add", "bool", None, None, "int64"), ("add", "float16", None, None, "float16"),
    ("add", "int8", "int8", None, "int8"), ("add", "int8", None, "float32", "float32"),
    ("add", "float64", None, "int32", "float64"), ("add", "uint8", None, "int8", "int16"),
    ("multiply", "int32", None, None, "int64"), ("maximum", "int8", None, None, "int8"),
    ("logical_and", "float32", None, None, "bool"), ("divide", "int32", None, None, "float64"),
    ("add", "int32", "float16", "int64", "float16"),
])
def test_loop_dtype_is_numpys(uf, dt, dtype, out, loop):
    got = A.resolve(getattr(cuarray, uf), D(dt), dtype, None if out is None else D(out))
    assert got == D(loop)
    kwargs = {} if dtype is None else {"dtype": dtype}
    if out is None:
        assert getattr(numpy, uf).accumulate(numpy.ones(3, dt), **kwargs).dtype == D(loop)


def test_scan_ops_come_from_the_ufunc_tables():
    assert A.scan_op(cuarray.add, D("float32")).combine == "a + b"
    assert A.scan_op(cuarray.add, D("bool")).combine == "a || b"
    assert A.scan_op(cuarray.subtract, D("float32")).body == "out0 = in0 - in1"
    assert A.scan_op(cuarray.lcm, D("int64")).sequential          # not reorderable in NumPy
    assert A.scan_op(cuarray.maximum, D("float64")).combine is not None    # no identity needed


# =================================================================================================
# The kernels on the host: an emulator of warps and blocks
# =================================================================================================

EMULATOR = r"""
#include <math.h>
#include <cstring>
#include <cstdlib>
#include <atomic>
#include <barrier>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(n)
struct uint4 { unsigned x, y, z, w; };
struct cuarray_dim3 { unsigned x, y, z; };
thread_local cuarray_dim3 threadIdx, blockIdx, blockDim, gridDim;

namespace cuarray_host {
struct Block {
  std::mutex m;
  std::map<long, std::unique_ptr<unsigned char[]>> shared;
  std::unique_ptr<std::barrier<>> bar;
  std::vector<std::unique_ptr<std::barrier<>>> warp_bar;
  std::vector<std::vector<unsigned>> slots;
};
thread_local Block* blk;
thread_local int lane, warp;
std::mutex wide;  // 16-byte words: one access, as on the GPU
template <typename T> T& shared(long key) {
  std::lock_guard<std::mutex> g(blk->m);
  auto& p = blk->shared[key * 4096 + (long)sizeof(T)];
  if (!p) { p.reset(new unsigned char[sizeof(T)]); std::memset(p.get(), 0, sizeof(T)); }
  return *reinterpret_cast<T*>(p.get());
}
// Blocks run ``concurrent`` at a time, each CUDA thread a host thread.
inline void launch(unsigned grid, unsigned bx, unsigned by, unsigned concurrent,
                   const std::function<void()>& kernel) {
  const unsigned nt = bx * by, nw = (nt + 31) / 32;
  for (unsigned b0 = 0; b0 < grid; b0 += concurrent) {
    std::vector<std::unique_ptr<Block>> blocks;
    std::vector<std::thread> threads;
    for (unsigned b = b0; b < grid && b < b0 + concurrent; ++b) {
      blocks.emplace_back(new Block());
      Block* B = blocks.back().get();
      B->bar.reset(new std::barrier<>(nt));
      for (unsigned w = 0; w < nw; ++w) {
        B->warp_bar.emplace_back(new std::barrier<>(32));
        B->slots.emplace_back(32, 0u);
      }
      for (unsigned t = 0; t < nt; ++t)
        threads.emplace_back([=, &kernel] {
          blk = B; lane = t % 32; warp = t / 32;
          threadIdx = {t % bx, t / bx, 0}; blockIdx = {b, 0, 0};
          blockDim = {bx, by, 1}; gridDim = {grid, 1, 1};
          kernel();
        });
    }
    for (auto& th : threads) th.join();
  }
}
}  // namespace cuarray_host

#define CUARRAY_SCAN_SHARED(type, name) type& name = cuarray_host::shared<type>(__LINE__)

inline void __syncthreads() { cuarray_host::blk->bar->arrive_and_wait(); }
inline void __syncwarp() { cuarray_host::blk->warp_bar[cuarray_host::warp]->arrive_and_wait(); }
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }
inline void __nanosleep(unsigned) { std::this_thread::yield(); }
inline int __clz(int x) { return x ? __builtin_clz((unsigned)x) : 32; }
inline int __clzll(long long x) { return x ? __builtin_clzll((unsigned long long)x) : 64; }
inline unsigned cuarray_exchange(unsigned v, int src) {
  auto& s = cuarray_host::blk->slots[cuarray_host::warp];
  s[cuarray_host::lane] = v;
  __syncwarp();
  const unsigned r = (src >= 0 && src < 32) ? s[src] : v;
  __syncwarp();
  return r;
}
inline unsigned __shfl_sync(unsigned, unsigned v, int src) { return cuarray_exchange(v, src & 31); }
inline unsigned __shfl_up_sync(unsigned, unsigned v, unsigned d) {
  return cuarray_exchange(v, cuarray_host::lane - (int)d);
}
inline unsigned __ballot_sync(unsigned, int pred) {
  unsigned mask = 0;
  for (int i = 0; i < 32; ++i) mask |= __shfl_sync(~0u, pred ? 1u : 0u, i) << i;
  return mask;
}
inline unsigned atomicAdd(unsigned* p, unsigned v) {
  return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}
template <typename T> T __ldcg(const T* p) {
  if constexpr (sizeof(T) <= 8) { T r; __atomic_load(p, &r, __ATOMIC_RELAXED); return r; }
  else { std::lock_guard<std::mutex> g(cuarray_host::wide); return *p; }
}
template <typename T> void __stcg(T* p, T v) {
  if constexpr (sizeof(T) <= 8) { __atomic_store(p, &v, __ATOMIC_RELAXED); }
  else { std::lock_guard<std::mutex> g(cuarray_host::wide); *p = v; }
}
namespace cuarray { namespace scan {
inline unsigned long long ld_relaxed(const unsigned long long* p) {
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}
inline void st_relaxed(unsigned long long* p, unsigned long long v) {
  __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
inline unsigned ld_relaxed(const unsigned* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
inline void st_relaxed(unsigned* p, unsigned v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
inline void ld_relaxed2(const unsigned long long* p, unsigned long long& a,
                        unsigned long long& b) {
  std::lock_guard<std::mutex> g(cuarray_host::wide); a = p[0]; b = p[1];
}
inline void st_relaxed2(unsigned long long* p, unsigned long long a, unsigned long long b) {
  std::lock_guard<std::mutex> g(cuarray_host::wide); p[0] = a; p[1] = b;
}
}}  // namespace cuarray::scan
"""
# cuda_fp16.h needs the CUDA runtime's host headers; conversions are all the kernels use.
HOST_HALF = r"""
#pragma once
struct __half { _Float16 v; };
inline float __half2float(__half h) { return (float)h.v; }
inline __half __float2half(float f) { __half h; h.v = (_Float16)f; return h; }
inline __half __double2half(double d) { __half h; h.v = (_Float16)d; return h; }
"""


class HostMemory:
    """Host bytes standing in for device memory: ``_allocate`` carves blocks (256-aligned)
    out of one buffer, so array headers keep real host addresses."""

    def __init__(self, nbytes=1 << 26):
        raw = numpy.zeros(nbytes + 256, numpy.uint8)
        skip = -raw.ctypes.data % 256
        self.data = raw[skip:skip + nbytes]
        self.base = self.data.ctypes.data
        self.top = 0

    def allocate(self, nbytes):
        class Ptr:
            device_id = 0
        p = Ptr()
        p.ptr = self.base + self.top
        self.top += (nbytes + 255) // 256 * 256 + 256
        assert self.top <= self.data.size, "host memory exhausted"
        return p

    def put(self, host):
        """A header over a copy of ``host`` with the same strides (negative ones included)."""
        host = numpy.asarray(host)
        low = sum((n - 1) * st for n, st in zip(host.shape, host.strides) if st < 0)
        span = sum((n - 1) * abs(st) for n, st in zip(host.shape, host.strides))
        mp = self.allocate(span + host.itemsize)
        a = nd._new(nd.ndarray)
        nd._init(a, host.shape, host.strides, host.dtype, mp, mp.ptr - low, None)
        if host.size:
            self.view(a)[...] = host
        return a

    def view(self, a):
        off = a._ptr - self.base
        first = self.data[off:off + a.dtype.itemsize].view(a.dtype)
        return numpy.lib.stride_tricks.as_strided(first, a._shape, a._strides)


class HostKernel:
    """A generated kernel compiled for the host, launched with the engine's arguments."""

    def __init__(self, lib, name, types):
        self.fn, self.types = getattr(lib, f"host_{name}"), types

    def __call__(self, grid, block, args):
        keep = [numpy.array([v], numpy.uint64 if t.endswith("*") else numpy.int64)
                for t, v in zip(self.types, args)]
        ptrs = (ctypes.c_void_p * len(keep))(*[k.ctypes.data for k in keep])
        bx, by = (tuple(block) + (1,))[:2]
        self.fn(ctypes.c_uint(grid), ctypes.c_uint(bx), ctypes.c_uint(by), ptrs)


def build_host_kernels(sources, directory):
    cxx = shutil.which("g++") or shutil.which("c++") or shutil.which("clang++")
    if cxx is None:
        pytest.skip("no host C++ compiler to run the generated kernels with")
    (directory / "cuda_fp16.h").write_text(HOST_HALF)
    parts, types = [EMULATOR], {}
    for name, src in sources.items():
        head = src.split(f" {name}(")[1].split(")\n{")[0]
        types[name] = [" ".join(p.split()[:-1]) for p in re.split(r",\s*", head)]
        call = ", ".join(f"*({t}*)a[{i}]" for i, t in enumerate(types[name]))
        parts.append(src + f'extern "C" void host_{name}(unsigned g, unsigned bx, unsigned by, '
                     f'void** a) {{ cuarray_host::launch(g, bx, by, 3, [&] {{ {name}({call}); '
                     '}); }\n')
    (directory / "kernels.cpp").write_text("\n".join(parts))
    r = subprocess.run([cxx, "-O1", "-std=c++20", "-shared", "-fPIC", "-pthread",
                        f"-I{directory}", f"-I{compiler._INCLUDE_DIR}",
                        str(directory / "kernels.cpp"), "-o", str(directory / "kernels.so")],
                       capture_output=True, text=True, timeout=900)
    if r.returncode and ("_Float16" in r.stderr or "barrier" in r.stderr):
        pytest.skip("the host C++ compiler lacks _Float16 or C++20 <barrier>")
    assert r.returncode == 0, r.stderr[-4000:]
    lib = ctypes.CDLL(str(directory / "kernels.so"))
    return {n: HostKernel(lib, n, t) for n, t in types.items()}


def emulate(mp, memory, get_kernel):
    """Route allocation, fills, host transfers and kernel launches to the host."""
    from cuarray._engine import copy as ecopy
    from cuarray._routines import creation
    from cuarray.cuda import _copy
    mp.setattr(nd, "_allocate", memory.allocate)
    mp.setattr(creation, "_allocate", memory.allocate)
    mp.setattr(nd, "_from_host", memory.put)
    mp.setattr(nd.ndarray, "get", lambda self, *a, **k: memory.view(self).copy())
    mp.setattr(_copy, "memset8", lambda ptr, v, n: ctypes.memset(ptr, v, n))
    mp.setattr(ecopy, "fill", lambda dst, value: memory.view(dst).__setitem__(..., value))
    mp.setattr(S, "get_kernel", get_kernel)


def ints(shape, dtype, low=-4, high=5, seed=0):
    rng = numpy.random.default_rng(seed)
    dt = D(dtype)
    if dt.kind == "b":
        return rng.random(shape) < 0.3
    v = rng.integers(max(low, 0) if dt.kind == "u" else low, high, shape).astype(dt)
    return v + 1j * rng.integers(low, high, shape).astype(dt) if dt.kind == "c" else v


def nan_some(x, frac=0.1, seed=1):
    x = x.copy()
    x[numpy.random.default_rng(seed).random(x.shape) < frac] = numpy.nan
    return x


# Engine cases: (label, op, input, axis, loop dtype, out dtype, out order); "inplace" scans
# the input into itself.  Sizes reach several tiles per row so that the look-back waits.
ENGINE_CASES = [
    ("flat f32, 7 tiles", ADD, lambda: ints(50_000, "f4"), 0, "f4", "f4", "C"),
    ("flat i32 -> i64", ADD, lambda: ints(9000, "i4", -1000, 1000), 0, "i8", "i8", "C"),
    ("flat c128, split status", ADD, lambda: ints(5000, "c16"), 0, "c16", "c16", "C"),
    ("flat f32 strided", ADD, lambda: ints(40_000, "f4")[::2], 0, "f4", "f4", "C"),
    ("flat f32 reversed", ADD, lambda: ints(20_000, "f4")[::-1], 0, "f4", "f4", "C"),
    ("flat f32 -> f64 out", ADD, lambda: ints(20_000, "f4"), 0, "f4", "f8", "C"),
    ("flat f64 loop -> i16", ADD, lambda: ints(12_000, "f4"), 0, "f8", "i2", "C"),
    ("flat i64 products wrap", MUL, lambda: ints(13_000, "i8", -9, 10), 0, "i8", "i8", "C"),
    ("flat bool or", S.ScanOp("add", combine="a || b"), lambda: ints(9000, "?") & ints(
        9000, "?", seed=1) & ints(9000, "?", seed=2), 0, "?", "?", "C"),
    ("flat int8 wraps", ADD, lambda: ints(5000, "i1", -128, 127), 0, "i1", "i1", "C"),
    ("flat in place", ADD, lambda: ints(30_000, "f4"), 0, "f4", "f4", "inplace"),
    ("rows with look-back", ADD, lambda: ints((5, 9000), "f4"), 1, "f4", "f4", "C"),
    ("warps, unaligned rows", ADD, lambda: ints((40, 37), "f4"), 1, "f4", "f4", "C"),
    ("warps, vectorised", ADD, lambda: ints((64, 40), "f4"), 1, "f4", "f4", "C"),
    ("warps, many chunks", ADD, lambda: ints((10, 2000), "f4"), 1, "f4", "f4", "C"),
    ("warps, middle axis", ADD, lambda: ints((6, 7, 300), "f4").transpose(2, 0, 1), 0, "f4",
     "f4", "C"),
    ("columns, look-back", ADD, lambda: ints((300, 40), "f4"), 0, "f4", "f4", "C"),
    ("columns, 16 wide", ADD, lambda: ints((700, 20), "i4"), 0, "i8", "i8", "C"),
    ("columns, 8 wide", ADD, lambda: ints((1500, 9), "f8"), 0, "f8", "f8", "C"),
    ("columns, c128", ADD, lambda: ints((300, 33), "c16"), 0, "c16", "c16", "C"),
    ("columns, F out", ADD, lambda: ints((300, 40), "f4"), 0, "f4", "f4", "F"),
    ("sequential subtract", SUB, lambda: ints((50, 7), "f4"), 0, "f4", "f4", "C"),
    ("sequential, 2 kept axes", SUB, lambda: ints((5, 6, 7), "f4").transpose(1, 0, 2)[:, ::2],
     1, "f4", "f4", "C"),
    ("sequential short rows", ADD, lambda: ints((1000, 5), "f4"), 1, "f4", "f4", "C"),
    ("maximum with NaN", S.ScanOp("maximum", combine="(a > b || a != a) ? a : b"),
     lambda: nan_some(ints(10_000, "f8"), 3e-4), 0, "f8", "f8", "C"),
    ("nancumsum half", S.ScanOp("add", combine="a + b", map="isnan(x) ? (x_type)0 : x"),
     lambda: nan_some(ints(3000, "f2", -1, 2)), 0, "f2", "f2", "C"),
]
_NUMPY = {"add": numpy.add, "multiply": numpy.multiply, "subtract": numpy.subtract,
          "maximum": numpy.maximum}


# Routine cases: (label, call(xp, a), input).  The inputs avoid partial overlaps and
# non-contiguous flattening (those copy with elementwise kernels, not emulated here).
ROUTINE_CASES = [
    ("cumsum int8 widens", lambda xp, a: xp.cumsum(a), lambda: ints(20_000, "i1", 50, 127)),
    ("cumsum uint16 axis 0", lambda xp, a: xp.cumsum(a, axis=0), lambda: ints((300, 7), "u2")),
    ("cumsum bool", lambda xp, a: xp.cumsum(a, axis=1), lambda: ints((4, 5000), "?")),
    ("cumsum 0-d", lambda xp, a: xp.cumsum(a), lambda: numpy.array(3.0)),
    ("cumsum 0-d axis", lambda xp, a: xp.cumsum(a, axis=-1), lambda: numpy.array(2, "i2")),
    ("cumsum empty", lambda xp, a: xp.cumsum(a, axis=1), lambda: ints((3, 0), "f4")),
    ("cumsum F layout", lambda xp, a: xp.cumsum(a, axis=1),
     lambda: numpy.asfortranarray(ints((300, 50), "f4"))),
    ("cumsum transposed 3-d", lambda xp, a: xp.cumsum(a, axis=1),
     lambda: ints((5, 6, 7), "i4").transpose(2, 0, 1)),
    ("cumsum dtype=", lambda xp, a: xp.cumsum(a, axis=0, dtype=numpy.float16),
     lambda: ints((30, 4), "i4", 0, 3)),
    ("cumprod int32", lambda xp, a: xp.cumprod(a, axis=1), lambda: ints((3, 3000), "i4", -7, 8)),
    ("cumprod float16", lambda xp, a: xp.cumprod(a), lambda: ints(12, "f2", 1, 3)),
    ("nancumsum f4", lambda xp, a: xp.nancumsum(a, axis=0), lambda: nan_some(ints((500, 9), "f4"))),
    ("nancumprod c8", lambda xp, a: xp.nancumprod(a),
     lambda: nan_some(ints(2000, "c8", -1, 2))),
    ("nancumsum to int", lambda xp, a: xp.nancumsum(a, dtype=numpy.int32),
     lambda: nan_some(ints(100, "f8"))),
    ("cumulative_sum initial", lambda xp, a: xp.cumulative_sum(a, axis=1, include_initial=True),
     lambda: ints((4, 9000), "f4")),
    ("cumulative_prod initial F", lambda xp, a: xp.cumulative_prod(
        a, axis=0, include_initial=True), lambda: numpy.asfortranarray(ints((6, 5), "i2"))),
    ("cumulative_sum 1-d", lambda xp, a: xp.cumulative_sum(a), lambda: ints(10, "u1")),
    ("cumulative_sum 0-d initial", lambda xp, a: xp.cumulative_sum(a, include_initial=True),
     lambda: numpy.array(5, "i8")),
    ("accumulate maximum", lambda xp, a: xp.maximum.accumulate(a, axis=1),
     lambda: ints((40, 300), "i2")),
    ("accumulate subtract", lambda xp, a: xp.subtract.accumulate(a, axis=0),
     lambda: ints((9, 11), "f8")),
    ("accumulate power half", lambda xp, a: xp.power.accumulate(a),
     lambda: ints(6, "f2", 1, 3) * numpy.float16(1.1)),
    ("accumulate lcm", lambda xp, a: xp.lcm.accumulate(a), lambda: ints(12, "i4", 1, 7)),
    ("accumulate gcd", lambda xp, a: xp.gcd.accumulate(a, axis=0),
     lambda: ints((50, 3), "u8", 0, 60)),
    ("accumulate logical_xor", lambda xp, a: xp.logical_xor.accumulate(a, axis=1),
     lambda: ints((2, 9000), "?")),
]


# One warp running ``lookback`` on status words the test prepares (each status kind).
_LOOKBACK = """
namespace NAME_ns {
template <typename T> struct Sum {
  typedef T acc_t;
  static __device__ __forceinline__ T zero() { return T(); }
  static __device__ __forceinline__ T combine(const T& a, const T& b) { return a + b; }
};
}
extern "C" __global__ void __launch_bounds__(32) NAME(void* words, void* agg, void* inc,
    long long t, long long k, void* out)
{
  typedef TYPE T;
  const STATUS st = INIT;
  const T r = cuarray::scan::lookback<NAME_ns::Sum<T>>(st, t, k, threadIdx.x & 31);
  if (threadIdx.x == 0) *(T*)out = r;
}
"""
LOOKBACK_KINDS = {
    "packed4": ("float", "cuarray::scan::Packed4<T>", "{(unsigned long long*)words}"),
    "packed8": ("double", "cuarray::scan::Packed8<T>", "{(unsigned long long*)words}"),
    "split": ("cuarray::complex<double>", "cuarray::scan::Split<T>",
              "{(unsigned*)words, (T*)agg, (T*)inc}"),
}
LOOKBACK_KERNELS = {
    f"lookback_{kind}": "#include <cuarray/common.cuh>\n#include <cuarray/complex.cuh>\n"
    "#include <cuarray/scan.cuh>\n" + _LOOKBACK.replace("NAME", f"lookback_{kind}").replace(
        "TYPE", t).replace("STATUS", st).replace("INIT", init)
    for kind, (t, st, init) in LOOKBACK_KINDS.items()}


@pytest.fixture(scope="module")
def host_kernels(tmp_path_factory):
    """Every kernel the engine and routine cases launch, compiled for the host into one
    library (the cases run once first with launches recorded, not run)."""
    sources = {}

    def record(op, s, loop, o, kind, consts, ndim):
        name = S.kernel_name(op, (s, loop, o), kind, consts, ndim)
        sources[name] = S.scan_source(name, op, s, loop, o, kind, consts, ndim)
        return lambda *args: None
    with pytest.MonkeyPatch.context() as mp:
        emulate(mp, HostMemory(), record)
        for case in ENGINE_CASES:
            run_engine_case(HostMemory(), case)
        for _, call, make in ROUTINE_CASES:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                call(cuarray, nd._from_host(make()))
    sources.update(LOOKBACK_KERNELS)
    return build_host_kernels(sources, tmp_path_factory.mktemp("scan_host"))


def run_engine_case(memory, case):
    _, op, make, axis, loop, odt, order = case
    host = make()
    src = memory.put(host)
    out = src if order == "inplace" else memory.put(numpy.zeros(host.shape, odt, order=order))
    S.scan(op, src, out, axis, D(loop))
    return host, memory.view(out)


def use_host_kernels(mp, kernels, memory):
    emulate(mp, memory, lambda op, s, loop, o, kind, consts, ndim: kernels[
        S.kernel_name(op, (s, loop, o), kind, consts, ndim)])


@pytest.mark.parametrize("case", ENGINE_CASES, ids=[c[0] for c in ENGINE_CASES])
def test_engine_on_the_host(host_kernels, case, monkeypatch):
    memory = HostMemory()
    use_host_kernels(monkeypatch, host_kernels, memory)
    host, got = run_engine_case(memory, case)
    _, op, _, axis, loop, odt, _ = case
    x = numpy.where(numpy.isnan(host), 0, host).astype(host.dtype) if op.map else host
    want = _NUMPY[op.name].accumulate(x.astype(loop), axis=axis).astype(odt)
    if D(loop) == D("float16"):        # cuarray keeps float32 partials; NumPy rounds each step
        numpy.testing.assert_allclose(got, want, rtol=2e-3, atol=0.5)
    else:
        numpy.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("case", ROUTINE_CASES, ids=[c[0] for c in ROUTINE_CASES])
def test_routines_on_the_host(host_kernels, case, monkeypatch):
    memory = HostMemory()
    use_host_kernels(monkeypatch, host_kernels, memory)
    _, call, make = case
    host = make()
    with warnings.catch_warnings(), numpy.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        want = call(numpy, host.copy(order="K"))
        got = call(cuarray, nd._from_host(host))
    assert isinstance(got, nd.ndarray)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert (got._c, got._f) == (want.flags.c_contiguous, want.flags.f_contiguous)
    if want.dtype.kind in "fc":
        numpy.testing.assert_allclose(got.get(), want, rtol=1e-3 if want.dtype.itemsize <= 4
                                      else 1e-12, equal_nan=True)
    else:
        numpy.testing.assert_array_equal(got.get(), want)


def test_float_results_are_the_same_bits_every_run(host_kernels, monkeypatch):
    """Tiles find their predecessors' results at different times each run; the look-back's
    left fold makes the result independent of that."""
    memory = HostMemory()
    use_host_kernels(monkeypatch, host_kernels, memory)
    x = numpy.random.default_rng(2).standard_normal(30_000).astype("f4")
    src = memory.put(x)
    runs = set()
    for _ in range(3):
        out = memory.put(numpy.zeros_like(x))
        S.scan(ADD, src, out, 0, D("f4"))
        runs.add(memory.view(out).tobytes())
    assert len(runs) == 1
    ref = numpy.cumsum(x.astype("f8"))
    assert numpy.abs(numpy.frombuffer(runs.pop(), "f4") - ref).max() < 1e-4 * numpy.abs(
        ref).max()


class StatusWords:
    """Status words for tiles [0, t) of one status kind, written as the kernels write them."""

    DT = {"packed4": D("f4"), "packed8": D("f8"), "split": D("c16")}

    def __init__(self, kind, t):
        self.kind, self.t = kind, t
        if kind == "packed4":
            self.words = numpy.zeros(t, numpy.uint64)
        elif kind == "packed8":
            self.words = numpy.zeros(2 * t, numpy.uint64)
        else:
            self.words = numpy.zeros(t, numpy.uint32)
            self.agg = numpy.zeros(t, self.DT[kind])
            self.inc = numpy.zeros(t, self.DT[kind])

    def publish(self, tile, status, value):
        value = numpy.asarray(value, self.DT[self.kind])
        if self.kind == "packed4":
            bits = int(value.view(numpy.uint32))
            self.words[tile] = numpy.uint64(status << 32 | bits)
        elif self.kind == "packed8":
            self.words[2 * tile + 1] = value.view(numpy.uint64)
            self.words[2 * tile] = status
        else:
            (self.inc if status == 2 else self.agg)[tile] = value
            self.words[tile] = status

    def pointers(self):
        if self.kind == "split":
            return self.words.ctypes.data, self.agg.ctypes.data, self.inc.ctypes.data
        return self.words.ctypes.data, 0, 0


@pytest.mark.parametrize("kind", list(LOOKBACK_KINDS))
@pytest.mark.parametrize("k, latest", [(100, 63), (100, 40), (100, 31), (100, 5), (100, 0),
                                       (40, 24), (40, 50), (3, 61), (1, 63)])
def test_lookback_folds_from_the_latest_inclusive(host_kernels, kind, k, latest):
    """Window position j is tile t - 64 + j; positions before the row start are absent."""
    t = 1000
    words = StatusWords(kind, t)
    first = 64 - k                       # the row's tile 0, INCLUSIVE by construction
    rng = numpy.random.default_rng(k * 100 + latest)
    expected = 0
    for pos in range(max(first, 0), 64):
        value = int(rng.integers(1, 9)) * (1 + (1j if kind == "split" else 0))
        if pos == latest or pos == first:
            words.publish(t - 64 + pos, 2, value * 1000)
        elif pos < latest and rng.random() < 0.3:
            words.publish(t - 64 + pos, 2, value * 1000)   # an older INCLUSIVE: not used
        else:
            words.publish(t - 64 + pos, 1, value)
        if pos == latest:
            expected = value * 1000
        elif pos > latest:
            expected = expected + value
    out = numpy.zeros(1, StatusWords.DT[kind])
    host_kernels[f"lookback_{kind}"](1, (32,), (*words.pointers(), t, k, out.ctypes.data))
    assert out[0] == expected


@pytest.mark.parametrize("kind", list(LOOKBACK_KINDS))
def test_lookback_waits_for_every_tile_after_the_inclusive_one(host_kernels, kind):
    import threading
    import time
    t = 500
    words = StatusWords(kind, t)
    for pos in range(64):
        words.publish(t - 64 + pos, 2 if pos == 20 else 1, 1)
    words.publish(t - 64 + 50, 0, 0)          # not yet published: the warp must spin
    out = numpy.zeros(1, StatusWords.DT[kind])
    call = threading.Thread(target=host_kernels[f"lookback_{kind}"],
                            args=(1, (32,), (*words.pointers(), t, 200, out.ctypes.data)))
    call.start()
    time.sleep(0.3)
    assert call.is_alive()
    words.publish(t - 64 + 50, 1, 7)
    call.join(timeout=60)
    assert not call.is_alive()
    assert out[0] == 1 + 42 + 7               # inclusive(20) + 43 aggregates, one of them 7
