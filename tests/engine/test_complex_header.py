"""cuarray/complex.cuh compiles for sm_90 with NVRTC, alone and beside cuda_fp16.h, and fast.

No GPU needed: these tests only compile.  The values the header computes are checked
against NumPy on a device in test_complex_header_gpu.py.
"""

import re
import time
import uuid
from pathlib import Path

import pytest

from cuarray.cuda.compiler import CompileException, compile_to_cubin

ARCH = "sm_90"
HEADER = (Path(__file__).resolve().parents[2] / "src" / "cuarray" / "_engine" / "include"
          / "cuarray" / "complex.cuh")

# Layout checks the kernels below carry: NumPy's complex64/complex128 memory (C's T[2]),
# aligned to the whole size so that 16-byte vector loads of complex<double> work.  Standard
# layout puts the first member at offset 0, and the size leaves room for no padding, so the
# real part first means im at offset sizeof(T).  (Not __builtin_offsetof, which the NVRTC of
# CUDA 13.0 rejects: "identifier __builtin_offsetof is undefined".)
_LAYOUT = r"""
using cuarray::complex;
static_assert(sizeof(complex<float>) == 8 && alignof(complex<float>) == 8, "complex64 size");
static_assert(sizeof(complex<double>) == 16 && alignof(complex<double>) == 16, "complex128 size");
static_assert(sizeof(complex<float>[3]) == 24 && sizeof(complex<double>[3]) == 48, "arrays");
template <typename T> __host__ __device__ constexpr bool real_part_first() {
  const complex<T> z(T(1), T(2));
  return &z.re < &z.im;
}
static_assert(real_part_first<float>() && real_part_first<double>(), "real part first, as T[2]");
static_assert(__is_trivially_copyable(complex<float>) &&
              __is_trivially_copyable(complex<double>), "trivially copyable");
static_assert(__is_standard_layout(complex<float>) &&
              __is_standard_layout(complex<double>), "standard layout");
static_assert(__has_trivial_constructor(complex<float>) &&
              __has_trivial_constructor(complex<double>), "trivial default constructor");
"""

# One kernel per precision that uses every constructor, accessor, operator and function of
# the header (a mix-up of overloads, or a function that fails to instantiate, breaks the build).
_EVERY = r"""
template <typename T>
__device__ void every(const complex<T>* in, complex<T>* out, T* reals, bool* flags, int* k) {
  typedef complex<T> C;
  const C a = in[0], b = in[1];
  const T r = in[2].re;
  C d;                                   // trivial default constructor
  d = a;
  C v[] = {C(), C(r), C(r, r), C(1), C(true), C(2u), C(-3ll), C(2.5f), C(2.5), C(short(4)),
           C(complex<float>(1, 2)), C(complex<double>(3, 4))};
  complex<double> wide = complex<float>(1, 2);          // widening is implicit
  complex<float> narrow = complex<float>(complex<double>(1, 2));   // narrowing explicit
  d.real(r);
  d.imag(a.imag());
  reals[(*k)++] = a.real() + real(b) + imag(b) + abs(a) + arg(a) + norm(a) + T(wide.re + narrow.im);
  out[(*k)++] = +a + -b + conj(a) + v[0] + v[11];
  out[(*k)++] = a + b + (a - b) + a * b + a / b;
  out[(*k)++] = a + r + (r + a) + (a - r) + (r - a) + a * r + r * a + a / r + r / a;
  out[(*k)++] = a * 2 + 2.0 * a + a / 3 + a * 2.0f;
  d += b; d -= b; d *= b; d /= b; d += r; d -= r; d *= r; d /= r;
  out[(*k)++] = d;
  flags[(*k)++] = a == b || a != b || a == r || r == a || a != r || r != a || a == 0;
  flags[(*k)++] = isnan(a) || isinf(a) || isfinite(a);
  flags[(*k)++] = less(a, b) || less_equal(a, b) || greater(a, b) || greater_equal(a, b);
  out[(*k)++] = maximum(a, b) + minimum(a, b) + fmax(a, b) + fmin(a, b);
  out[(*k)++] = exp(a) + exp2(a) + expm1(a) + log(a) + log10(a) + log2(a) + log1p(a) + sqrt(a);
  out[(*k)++] = pow(a, b) + pow(a, r) + pow(r, a) + pow(a, 3) + pow(a, 2.5f) + pow(2, a);
  out[(*k)++] = sin(a) + cos(a) + tan(a) + sinh(a) + cosh(a) + tanh(a);
  out[(*k)++] = asin(a) + acos(a) + atan(a) + asinh(a) + acosh(a) + atanh(a);
  out[(*k)++] = reciprocal(a) + square(a) + sign(a);
}

extern "C" __global__ void every_f(const complex<float>* in, complex<float>* out, float* reals,
                                   bool* flags, int* k) {
  every(in, out, reals, flags, k);
}

extern "C" __global__ void every_d(const complex<double>* in, complex<double>* out,
                                   double* reals, bool* flags, int* k) {
  every(in, out, reals, flags, k);
}
"""

_FP16 = r"""
extern "C" __global__ void with_half(const __half* h, complex<float>* out) {
  out[0] = complex<float>(h[0]) + complex<float>(__half2float(h[1]), 1.0f);
}
"""


def _unique(source: str) -> str:
    """A source no cache has seen (the in-process cache is keyed by the text)."""
    return f"// {uuid.uuid4().hex}\n{source}"


def test_header_includes_nothing():
    # <cuda/std/complex> or any CCCL header costs about a second of NVRTC time per program.
    assert not re.search(r"^\s*#\s*include", HEADER.read_text(), re.M)


def test_layout_static_asserts_compile():
    compile_to_cubin("#include <cuarray/complex.cuh>\n" + _LAYOUT +
                     'extern "C" __global__ void k(cuarray::complex<double>* p) { p[0] = p[1]; }',
                     arch=ARCH)


@pytest.mark.parametrize("prelude", [
    "#include <cuarray/complex.cuh>\n",
    "#include <cuda_fp16.h>\n#include <cuarray/complex.cuh>\n",
], ids=["alone", "with_cuda_fp16"])
def test_every_function_compiles(prelude):
    source = prelude + _LAYOUT + _EVERY + (_FP16 if "fp16" in prelude else "")
    cubin, _ = compile_to_cubin(source, arch=ARCH)
    assert cubin[:4] == b"\x7fELF"


def test_compiles_before_cuda_fp16():
    # The other include order: nothing of ours may clash with what cuda_fp16.h declares later.
    source = ("#include <cuarray/complex.cuh>\n#include <cuda_fp16.h>\n" + _LAYOUT + _FP16 +
              'extern "C" __global__ void k(complex<double>* p) { p[0] = exp(p[1]) * 2; }')
    compile_to_cubin(source, arch=ARCH)


def test_narrowing_conversion_is_explicit():
    # complex<double> -> complex<float> loses precision, so (as in C++) it must be spelled out.
    source = ("#include <cuarray/complex.cuh>\n"
              'extern "C" __global__ void k(cuarray::complex<float>* p) {\n'
              "  cuarray::complex<float> f = cuarray::complex<double>(1, 2);\n  p[0] = f;\n}\n")
    with pytest.raises(CompileException):
        compile_to_cubin(source, arch=ARCH)


_TIMED = r"""
#include <cuarray/complex.cuh>
using cuarray::complex;
template <typename T>
__device__ complex<T> body(complex<T> a, complex<T> b) {
  return (a * b + a / b - a) * T(2) + exp(a) + log(b) + sin(a);
}
extern "C" __global__ void timed(const complex<float>* a, const complex<double>* b,
                                 complex<float>* fa, complex<double>* fb, long long n) {
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
       i += (long long)blockDim.x * gridDim.x) {
    fa[i] = body(a[i], a[i + 1]);
    fb[i] = body(b[i], b[i + 1]);
  }
}
"""


def _cold_compile_seconds(source: str, repeat: int = 3) -> float:
    """Best CPU time of cold compiles of ``source`` (each made unique, so no cache answers).

    CPU time rather than wall time, and the best of a few, so that other work on the machine
    counts as little as it can.
    """
    times = []
    for _ in range(repeat):
        start = time.process_time()
        compile_to_cubin(_unique(source), arch=ARCH)
        times.append(time.process_time() - start)
    return min(times)


def test_compile_time_is_small(monkeypatch):
    # Elementwise kernels must compile in tens of milliseconds; <cuda/std/complex> alone costs
    # about a second.  0.3 s holds on an idle machine, where an empty kernel compiles in about
    # 0.03 s; the limit scales with that floor so that a slow machine does not fail it.
    monkeypatch.setenv("CUARRAY_DISABLE_DISK_CACHE", "1")
    compile_to_cubin(_unique('extern "C" __global__ void warm() {}'), arch=ARCH)   # load NVRTC
    floor = _cold_compile_seconds('extern "C" __global__ void empty(float* p) { p[0] = 1; }')
    limit = 0.3 * max(1.0, floor / 0.03)
    seconds = _cold_compile_seconds(_TIMED)
    assert seconds < limit, (f"complex kernel compiled in {seconds:.3f} s (limit {limit:.2f} s, "
                             f"empty kernel {floor:.3f} s)")
