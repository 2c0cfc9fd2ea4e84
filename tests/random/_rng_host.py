"""Run cuarray.random's kernels on the host: the CPU tests' way to test the samplers.

The generated kernel sources (and ``cuarray/random.cuh``, which has host stand-ins for
its few intrinsics) compile with the host C++ compiler after a shim defines the CUDA
names they use; a launch runs every (block, thread) of the grid in turn (the kernels share
nothing between threads).  ``HostEngine.install`` swaps the engine's allocations and
kernel getters for host versions, so ``Generator`` and ``RandomState`` calls with scalar
parameters run unchanged on host memory: arrays are cuarray ndarray headers over NumPy
buffers, and the few cuarray routines the permutations call (argsort, unique, take) are
NumPy's.  Host libm stands in for CUDA's math functions, so values differ from the GPU's in
the last bits; the distributions are the same.
"""

from __future__ import annotations

import ctypes
import hashlib
import subprocess

import numpy as np

from cuarray._core.ndarray import _init, ndarray
from cuarray.cuda import compiler

SHIM = r"""
#include <math.h>
#include <cmath>
using std::isnan; using std::isinf;
#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__
struct cuarray_dim3_ { unsigned x, y, z; };
static cuarray_dim3_ blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0};
static cuarray_dim3_ blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
"""
ALIGN = 256


class _HostPtr:
    """Stands in for a MemoryPointer: keeps the NumPy buffer alive."""

    def __init__(self, buf):
        self.buf, self.ptr, self.device_id = buf, buf.ctypes.data, 0


def fake(host: np.ndarray) -> ndarray:
    """A cuarray array header over ``host``'s memory (C-contiguous host arrays)."""
    a = ndarray.__new__(ndarray)
    _init(a, host.shape, host.strides, host.dtype, _HostPtr(host), host.ctypes.data, None)
    return a


def alloc(shape, dtype) -> ndarray:
    """A new fake array, aligned as the memory pool's blocks, filled with garbage."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64)) if shape else 1
    raw = np.full(n * dtype.itemsize + ALIGN, 0xAB, np.uint8)
    skip = -raw.ctypes.data % ALIGN
    buf = raw[skip:skip + n * dtype.itemsize].view(dtype).reshape(shape)
    a = fake(buf)
    a._mp = _HostPtr(raw)
    return a


def view(a: ndarray) -> np.ndarray:
    """A NumPy copy of a fake (C- or F-contiguous) array's elements."""
    if a.size == 0:
        return np.empty(a.shape, a.dtype)
    raw = (ctypes.c_char * (a.size * a.dtype.itemsize)).from_address(a._ptr)
    order = "C" if a._c else "F"
    return np.ndarray(a.shape, a.dtype, buffer=raw, order=order).copy()


class HostKernel:
    """One kernel of a source, built with the host compiler; ``launch_1d`` runs the grid."""

    def __init__(self, lib, sizes):
        self.lib, self.sizes = lib, sizes

    def launch_1d(self, grid, block, args):
        from cuarray.cuda.function import _pack_args
        packed = _pack_args(args, self.sizes)
        bufs = [ctypes.create_string_buffer(b, len(b)) for b in packed]
        ptrs = (ctypes.c_void_p * len(bufs))(*[ctypes.addressof(b) for b in bufs])
        self.lib.run(ctypes.c_uint(int(grid)), ctypes.c_uint(int(block)), ptrs)

    __call__ = lambda self, grid, block, args: self.launch_1d(grid, block, args)  # noqa: E731


class HostCompiler:
    def __init__(self, cxx, workdir):
        self.cxx, self.dir, self.libs = cxx, workdir, {}

    def kernel(self, src: str, name: str) -> HostKernel:
        key = hashlib.sha256(src.encode()).hexdigest()[:20]
        if key not in self.libs:
            params = src[src.index(name + "(") + len(name) + 1:src.index(")\n{")]
            types = [p.strip().rsplit(None, 1)[0].replace("const ", "", 1).strip()
                     for p in params.split(",")]
            call = ", ".join(f"*({t}*)a[{i}]" for i, t in enumerate(types))
            sizes = "".join(f"s[{i}] = sizeof({t}); " for i, t in enumerate(types))
            wrap = (f'\nextern "C" void run(unsigned grid, unsigned block, void** a) {{\n'
                    f"  blockDim.x = block; gridDim.x = grid;\n"
                    f"  for (unsigned b = 0; b < grid; ++b) for (unsigned t = 0; t < block; ++t) {{\n"
                    f"    blockIdx.x = b; threadIdx.x = t; {name}({call}); }}\n}}\n"
                    f'extern "C" void sizes(long long* s) {{ {sizes}}}\n')
            cpp, so = self.dir / f"{key}.cpp", self.dir / f"{key}.so"
            cpp.write_text(SHIM + src + wrap)
            subprocess.run([self.cxx, "-O2", "-std=c++17", "-shared", "-fPIC",
                            f"-I{compiler._INCLUDE_DIR}", str(cpp), "-o", str(so)],
                           check=True, capture_output=True, text=True)
            lib = ctypes.CDLL(str(so))
            buf = (ctypes.c_longlong * len(types))()
            lib.sizes(buf)
            self.libs[key] = HostKernel(lib, tuple(buf))
        return self.libs[key]


class HostEngine:
    """Swaps cuarray.random's allocations and kernels for host ones (see the module doc)."""

    def __init__(self, cxx, workdir):
        self.compiler = HostCompiler(cxx, workdir)
        self.launched = []

    def install(self, mp):
        from cuarray.random import _generator, _integers, _kernels, _row_kernels, _sampling

        def get_kernel(dist, out_dt, real_dt, kinds, vec):
            self.launched.append((dist.name, np.dtype(out_dt), np.dtype(real_dt), kinds, vec))
            src = _kernels.kernel_source(dist, out_dt, real_dt, kinds, vec)
            return self.compiler.kernel(src, _kernels.kernel_name(dist, out_dt, real_dt, kinds,
                                                                  vec))

        def get_row(name):
            return self.compiler.kernel(_row_kernels.SOURCES[name](), f"cuarray_random_{name}")

        for mod in (_generator, _integers, _sampling):
            mp.setattr(mod, "_empty", lambda shape, dt, order="C": alloc(tuple(shape), dt))
        mp.setattr(_sampling, "_from_host", lambda host: fake(np.ascontiguousarray(host)))
        # the sorting and set routines permutations use, in NumPy (argsort is stable in both)
        mp.setattr(_sampling, "_argsort_last", lambda keys: fake(np.ascontiguousarray(
            np.argsort(view(keys), axis=-1, kind="stable").astype(np.int64))))
        mp.setattr(_sampling, "_unique", lambda x: fake(np.unique(view(x))))
        mp.setattr(_sampling, "_take", lambda a, idx, axis=None: fake(np.ascontiguousarray(
            np.take(view(a), view(idx), axis=axis))))

        def rows_prefix(idx, k, row_step):
            h = view(idx)[:, :k]
            return fake(np.ascontiguousarray(h + np.arange(h.shape[0])[:, None] * row_step))
        mp.setattr(_sampling, "_rows_prefix", rows_prefix)
        mp.setattr(_kernels, "get_kernel", get_kernel)
        mp.setattr(_row_kernels, "get", get_row)
