"""Run kernel sources on the host: the CPU tests' way to check a kernel's arithmetic.

A kernel source compiles with the host C++ compiler after a small shim defines the CUDA
names it uses (one block of one thread: every grid-stride loop visits each element in
order).  The result is loaded with ctypes and called on NumPy buffers.  Tests use this
to compare the formulas of generated kernels with NumPy where no GPU is available; NVRTC
compiles the same sources for sm_90 in separate tests.
"""

from __future__ import annotations

import ctypes
import hashlib
import shutil
import subprocess

import numpy as np
import pytest

from cuarray._core.dtypes import COMPUTE
from cuarray._engine import source as _src
from cuarray.cuda import compiler

SHIM = r"""
#include <math.h>
#include <cmath>
using std::isnan; using std::isinf; using std::isfinite; using std::signbit;
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __constant__
#define __restrict__
struct cuarray_dim3_ { unsigned x, y, z; };
static const cuarray_dim3_ blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0};
static const cuarray_dim3_ blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
static inline double __dadd_rn(double a, double b) { return a + b; }
static inline double __dsub_rn(double a, double b) { return a - b; }
static inline double __dmul_rn(double a, double b) { return a * b; }
static inline double __ddiv_rn(double a, double b) { return a / b; }
static inline float __fadd_rn(float a, float b) { return a + b; }
static inline float __fsub_rn(float a, float b) { return a - b; }
static inline float __fmul_rn(float a, float b) { return a * b; }
static inline float __fdiv_rn(float a, float b) { return a / b; }
"""
FP16 = r"""
#pragma once
typedef _Float16 __half;
static inline float __half2float(__half h) { return (float)h; }
static inline __half __float2half(float f) { return (__half)f; }
static inline __half __double2half(double d) { return (__half)d; }
"""

_CTYPES = {"i": ctypes.c_longlong, "d": ctypes.c_double, "f": ctypes.c_float}


class HostKernels:
    """Builds kernel sources with the host compiler and calls them on NumPy buffers."""

    def __init__(self, cxx, workdir):
        self.cxx, self.dir, self.libs = cxx, workdir, {}
        (workdir / "cuda_fp16.h").write_text(FP16)

    def build(self, src: str):
        key = hashlib.sha256(src.encode()).hexdigest()[:20]
        if key not in self.libs:
            cpp, so = self.dir / f"{key}.cpp", self.dir / f"{key}.so"
            cpp.write_text(SHIM + src)
            subprocess.run([self.cxx, "-O1", "-std=c++17", "-ffp-contract=off", "-shared",
                            "-fPIC", f"-I{self.dir}", f"-I{compiler._INCLUDE_DIR}", str(cpp),
                            "-o", str(so)], check=True, capture_output=True, text=True)
            self.libs[key] = ctypes.CDLL(str(so))
        return self.libs[key]

    def call(self, src: str, name: str, *args):
        """Call kernel ``name`` of ``src``: NumPy arrays pass as pointers, Python ints as
        64-bit integers, Python floats as doubles, NumPy scalars as their C type."""
        fn = getattr(self.build(src), name)
        fn(*[_arg(a) for a in args])

    def elementwise(self, op, inputs, in_compute, out_dtypes, n):
        """Run an elementwise-engine op over ``n`` elements (flat layout): ``inputs`` are
        NumPy arrays of length ``n`` or NumPy scalars (passed by value, of their compute
        dtype); returns the outputs."""
        in_compute = tuple(np.dtype(c) for c in in_compute)
        kinds = tuple("a" if isinstance(x, np.ndarray) else "s" for x in inputs)
        storage = tuple(x.dtype if isinstance(x, np.ndarray) else c
                        for x, c in zip(inputs, in_compute))
        out_dtypes = tuple(np.dtype(d) for d in out_dtypes)
        out_compute = tuple(COMPUTE.get(d, d) for d in out_dtypes)
        src = _src.elementwise_source("k", op.body, op.preamble, storage, in_compute,
                                      out_dtypes, out_compute, _src.Layout(kinds, "flat", "int"))
        outs = [np.empty(n, d) for d in out_dtypes]
        args = [np.ascontiguousarray(x) if k == "a" else x for x, k in zip(inputs, kinds)]
        fn = self.build(src).k
        fn(*[_arg(a) for a in args], *[_arg(o) for o in outs], ctypes.c_int(n))
        return outs


def _arg(a):
    if isinstance(a, np.ndarray):
        return a.ctypes.data_as(ctypes.c_void_p)
    if isinstance(a, bool):
        return ctypes.c_bool(a)
    if isinstance(a, int):
        return ctypes.c_longlong(a)
    if isinstance(a, float):
        return ctypes.c_double(a)
    if isinstance(a, np.generic):
        if a.dtype.kind == "b":
            return ctypes.c_bool(bool(a))
        if a.dtype.kind in "iu":
            return getattr(ctypes, f"c_{'u' if a.dtype.kind == 'u' else ''}int{8 * a.itemsize}")(
                int(a))
        if a.dtype == np.float32:
            return ctypes.c_float(float(a))
        if a.dtype == np.float64:
            return ctypes.c_double(float(a))
        if a.dtype.kind == "c":             # cuarray::complex<T>: {re, im}, passed by value
            part = ctypes.c_float if a.dtype == np.complex64 else ctypes.c_double
            cls = type("cx", (ctypes.Structure,), {"_fields_": [("re", part), ("im", part)]})
            return cls(a.real, a.imag)
    raise TypeError(f"cannot pass {type(a).__name__} to a host kernel")


def host_kernels(tmp_path_factory, probe=None):
    """A HostKernels for a test module, or skip where no host compiler can build kernels."""
    cxx = shutil.which("g++") or shutil.which("clang++")
    if cxx is None:
        pytest.skip("no host C++ compiler to run the kernels with")
    runner = HostKernels(cxx, tmp_path_factory.mktemp("host_kernels"))
    if probe is not None:
        try:
            probe(runner)
        except subprocess.CalledProcessError as e:     # e.g. no _Float16 on this compiler
            pytest.skip(f"the host compiler cannot build the kernels: {e.stderr[:300]}")
    return runner


def compile_sm90(src: str) -> None:
    """NVRTC compiles ``src`` to an sm_90 cubin (raises CompileException otherwise)."""
    compiler.compile_to_cubin(src, arch="sm_90")
