"""Kernels of the sampling routines that are not one value per element.

- ``choice_cdf``: indices drawn by inverting a cumulative distribution (binary search).
- ``multinomial``, ``mvhg`` (multivariate hypergeometric), ``dirichlet``: one thread per
  sample vector, drawing its components in order from its own substream.

Every source is a pure function of its arguments (the CPU tests compile each with NVRTC and
run them with the host compiler).
"""

from __future__ import annotations

_kernels: dict = {}
BLOCK = 256

_HEAD = "#include <cuarray/random.cuh>\n"
_STREAM = ("const unsigned int k0, const unsigned int k1, const unsigned long long f_lo, "
           "const unsigned int f_hi")


def choice_cdf_source() -> str:
    # two draws per thread (53-bit uniforms), as the float64 lanes of the elementwise kernels
    return _HEAD + r"""
extern "C" __global__ void cuarray_random_choice_cdf(long long* __restrict__ out,
    const long long n, const unsigned int k0, const unsigned int k1,
    const unsigned long long s_lo, const unsigned long long s_hi,
    const double* __restrict__ cdf, const long long m)
{
  using namespace cuarray::rng;
  const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (2 * t >= n) return;
  const Words b = block_at(k0, k1, s_lo, s_hi, (unsigned long long)t);
  const double us[2] = {u01d(b.x, b.y), u01d(b.z, b.w)};
#pragma unroll
  for (int j = 0; j < 2; ++j) {
    if (2 * t + j >= n) break;
    // NumPy's searchsorted(cdf, u, side='right'): the first index whose cdf exceeds u
    long long lo = 0, hi = m;
    while (lo < hi) {
      const long long mid = lo + (hi - lo) / 2;
      if (cdf[mid] <= us[j]) lo = mid + 1; else hi = mid;
    }
    out[2 * t + j] = lo < m ? lo : m - 1;
  }
}
"""


def multinomial_source() -> str:
    return _HEAD + r"""
extern "C" __global__ void cuarray_random_multinomial(long long* __restrict__ out,
    const long long rows, const long long d, const long long* __restrict__ ns,
    const long long n_step, const double* __restrict__ pvals, const long long p_step, """ + _STREAM + r""")
{
  using namespace cuarray::rng;
  const long long r = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  Stream s(k0, k1, f_lo, f_hi, (unsigned long long)r);
  const double* p = pvals + r * p_step;
  long long* o = out + r * d;
  long long left = ns[r * n_step];
  double mass = 1.0;
  for (long long j = 0; j + 1 < d; ++j) {
    long long x = 0;
    if (left > 0) {
      double q = mass > 0 ? p[j] / mass : 1.0;
      q = q < 0 ? 0.0 : (q > 1 ? 1.0 : q);
      x = binomial(s, left, q);
    }
    o[j] = x;
    left -= x;
    mass -= p[j];
  }
  o[d - 1] = left > 0 ? left : 0;
}
"""


def mvhg_source() -> str:
    return _HEAD + r"""
extern "C" __global__ void cuarray_random_mvhg(long long* __restrict__ out,
    const long long rows, const long long d, const long long* __restrict__ colors,
    const long long total, const long long nsample, """ + _STREAM + r""")
{
  using namespace cuarray::rng;
  const long long r = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  Stream s(k0, k1, f_lo, f_hi, (unsigned long long)r);
  long long* o = out + r * d;
  long long left = nsample, pool = total;
  for (long long j = 0; j + 1 < d; ++j) {
    long long x = 0;
    if (left > 0) x = hypergeometric(s, colors[j], pool - colors[j], left);
    o[j] = x;
    left -= x;
    pool -= colors[j];
  }
  o[d - 1] = left;
}
"""


def dirichlet_source() -> str:
    return _HEAD + r"""
extern "C" __global__ void cuarray_random_dirichlet(double* __restrict__ out,
    const long long rows, const long long d, const double* __restrict__ alpha,
    const double* __restrict__ tail, const int stick, """ + _STREAM + r""")
{
  using namespace cuarray::rng;
  const long long r = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  Stream s(k0, k1, f_lo, f_hi, (unsigned long long)r);
  double* o = out + r * d;
  if (stick) {
    // every alpha < 0.1: gammas would underflow to 0/0; break the stick with betas
    // (tail[j] = alpha[j] + ... + alpha[d-1])
    double acc = 1.0;
    long long j = 0;
    for (; j + 1 < d; ++j) {
      const double v = beta<double>(s, alpha[j], tail[j + 1]);
      o[j] = acc * v;
      acc *= 1.0 - v;
      if (tail[j + 1] == 0) { ++j; break; }
    }
    for (; j + 1 < d; ++j) o[j] = 0.0;
    o[d - 1] = acc;
    return;
  }
  double sum = 0.0;
  for (long long j = 0; j < d; ++j) {
    const double g = standard_gamma<double>(s, alpha[j]);
    o[j] = g;
    sum += g;
  }
  const double inv = 1.0 / sum;
  for (long long j = 0; j < d; ++j) o[j] *= inv;
}
"""


SOURCES = {"choice_cdf": choice_cdf_source,
           "multinomial": multinomial_source, "mvhg": mvhg_source, "dirichlet": dirichlet_source}


def get(name: str):
    fn = _kernels.get(name)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        fn = _kernels[name] = compile_with_cache(SOURCES[name]()).get_function(
            f"cuarray_random_{name}")
    return fn


def grid(n: int) -> int:
    return max(1, (n + BLOCK - 1) // BLOCK)
