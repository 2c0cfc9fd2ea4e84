// Counter-based random numbers for cuarray.random: Philox4x32-10, word-to-float
// conversions, and device samplers for NumPy's distributions.  Includes only common.cuh
// (NVRTC parses this for every random kernel; curand_kernel.h would cost seconds).
//
// Streams.  A generator is a 64-bit key and a 128-bit counter kept on the host.  A launch
// reserves counters: "lanes" kernels split the four words of the block at counter S + j
// between the V consecutive elements from j V (a thread takes one or a few such blocks,
// depending on the sampler; the numbers do not); elements that need more words (rejection
// loops, several draws) read their own substream, the blocks (k, F/2^32 + i) for element i
// and k = 0, 1, ... (F a multiple of 2^32), so every element's draws are reproducible
// whatever the launch shape.
//
// The same text compiles with a host C++ compiler (include <math.h> first): the CPU tests
// run the samplers and the generated kernels there and test their distributions.
#ifndef CUARRAY_RANDOM_CUH
#define CUARRAY_RANDOM_CUH

#include <cuarray/common.cuh>

#ifdef __CUDACC__
#define CUARRAY_RD __device__ __forceinline__
#else
#define CUARRAY_RD inline
#endif

namespace cuarray {
namespace rng {

// -- host stand-ins for the device intrinsics used here -------------------------------------
#ifdef __CUDA_ARCH__
CUARRAY_RD uint32 mulhi(uint32 a, uint32 b) { return __umulhi(a, b); }
CUARRAY_RD uint64 mulhi(uint64 a, uint64 b) { return __umul64hi(a, b); }
// One special-function (MUFU) instruction each; .ftz skips the fix-ups for subnormal
// operands, which the callers never pass.
CUARRAY_RD float uint_as_float(uint32 b) { return __uint_as_float(b); }
CUARRAY_RD float approx_log2(float x) {
  float y;
  asm("lg2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
}
CUARRAY_RD float approx_rsqrt(float x) {
  float y;
  asm("rsqrt.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
}
CUARRAY_RD void approx_sincos(float x, float* s, float* c) {
  asm("sin.approx.ftz.f32 %0, %1;" : "=f"(*s) : "f"(x));
  asm("cos.approx.ftz.f32 %0, %1;" : "=f"(*c) : "f"(x));
}
CUARRAY_RD void sin_cos_pi(double x, double* s, double* c) { sincospi(x, s, c); }
CUARRAY_RD void sin_cos_pi(float x, float* s, float* c) { sincospif(x, s, c); }
#else
CUARRAY_RD uint32 mulhi(uint32 a, uint32 b) { return (uint32)(((uint64)a * b) >> 32); }
CUARRAY_RD uint64 mulhi(uint64 a, uint64 b) {
  return (uint64)(((unsigned __int128)a * b) >> 64);
}
CUARRAY_RD float uint_as_float(uint32 b) {
  float f;
  __builtin_memcpy(&f, &b, sizeof f);
  return f;
}
CUARRAY_RD float approx_log2(float x) { return log2f(x); }
CUARRAY_RD float approx_rsqrt(float x) { return 1.0f / sqrtf(x); }
CUARRAY_RD void approx_sincos(float x, float* s, float* c) { *s = sinf(x); *c = cosf(x); }
CUARRAY_RD void sin_cos_pi(double x, double* s, double* c) {
  const double a = x * 3.14159265358979323846;
  *s = sin(a);
  *c = cos(a);
}
CUARRAY_RD void sin_cos_pi(float x, float* s, float* c) {
  double sd, cd;
  sin_cos_pi((double)x, &sd, &cd);
  *s = (float)sd;
  *c = (float)cd;
}
#endif

// -- float/double overloads, so that samplers are templates on the real type ----------------
CUARRAY_RD float r_log(float x) { return logf(x); }
CUARRAY_RD double r_log(double x) { return log(x); }
CUARRAY_RD float r_log1p(float x) { return log1pf(x); }
CUARRAY_RD double r_log1p(double x) { return log1p(x); }
CUARRAY_RD float r_exp(float x) { return expf(x); }
CUARRAY_RD double r_exp(double x) { return exp(x); }
CUARRAY_RD float r_expm1(float x) { return expm1f(x); }
CUARRAY_RD double r_expm1(double x) { return expm1(x); }
CUARRAY_RD float r_sqrt(float x) { return sqrtf(x); }
CUARRAY_RD double r_sqrt(double x) { return sqrt(x); }
CUARRAY_RD float r_pow(float x, float y) { return powf(x, y); }
CUARRAY_RD double r_pow(double x, double y) { return pow(x, y); }
CUARRAY_RD float r_fabs(float x) { return fabsf(x); }
CUARRAY_RD double r_fabs(double x) { return fabs(x); }

// -- Philox4x32-10 (Salmon et al., SC'11) ----------------------------------------------------
struct Words {
  uint32 x, y, z, w;
};

CUARRAY_RD Words philox(uint32 c0, uint32 c1, uint32 c2, uint32 c3, uint32 k0, uint32 k1) {
#pragma unroll
  for (int r = 0; r < 10; ++r) {
    if (r) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    const uint32 lo0 = 0xD2511F53u * c0, hi0 = mulhi(0xD2511F53u, c0);
    const uint32 lo1 = 0xCD9E8D57u * c2, hi1 = mulhi(0xCD9E8D57u, c2);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  Words out = {c0, c1, c2, c3};
  return out;
}

// The block at the 128-bit counter (s_hi:s_lo) + t.
CUARRAY_RD Words block_at(uint32 k0, uint32 k1, uint64 s_lo, uint64 s_hi, uint64 t) {
  const uint64 lo = s_lo + t;
  const uint64 hi = s_hi + (lo < t ? 1u : 0u);
  return philox((uint32)lo, (uint32)(lo >> 32), (uint32)hi, (uint32)(hi >> 32), k0, k1);
}

// -- words to floats ---------------------------------------------------------------------------
// [0, 1): 24 bits (float), 53 bits from two words (double), as NumPy's random().
CUARRAY_RD float u01f(uint32 a) { return (float)(a >> 8) * 0x1p-24f; }
CUARRAY_RD double u01d(uint32 a, uint32 b) {
  return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) * 0x1p-53;
}
// (0, 1), for logarithms of both u and 1 - u: 23 / 52 bits plus half a step, exact.
CUARRAY_RD float u01of(uint32 a) { return ((float)(a >> 9) + 0.5f) * 0x1p-23f; }
CUARRAY_RD double u01od(uint32 a, uint32 b) {
  return ((double)(a >> 6) * 67108864.0 + (double)(b >> 6) + 0.5) * 0x1p-52;
}
// (0, 1] with 32 (float) or 53 bits and the smallest value 2^-33 / 2^-54: -log(u) keeps the
// tail of the exponential (to 22.9 / 37.4) where a 24-bit u would stop at 16.6.
CUARRAY_RD float u01pf(uint32 a) { return (float)a * 0x1p-32f + 0x1p-33f; }
CUARRAY_RD double u01pd(uint32 a, uint32 b) {
  return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6) + 0.5) * 0x1p-53;
}

// Box-Muller: two normals from two words (float) or four (double).
//
// float, 14 instructions per pair, 5 of them special-function/conversion ones: the radius
// r = sqrt(2E), E = -ln u = -ln 2 * log2(u), from the 32-bit word a (u = (a + 1/2) / 2^32
// in (0, 1]: the tail reaches 6.66 sigma), with the hardware log2 (lg2.approx: absolute
// error <= 2^-22 for u in [1/2, 1), 2 ulp below) and r = s * rsqrt(s) (2^-22.9 relative);
// the angle from the low 23 bits of b as a float in [1, 2) (one logic operation, no
// conversion), mapped to [-pi, pi) where sin/cos.approx err by <= 2^-21.19.  The log's
// error moves E by at most 2^-22 ln 2 < 1.7e-7 (near u = 1, where E is small: the delicate
// case), and since E's density is at most 1, the Kolmogorov distance between the radius
// distribution produced and the exact one is at most 1.7e-7 (2 ulp relative below u = 1/2
// add < 9e-8): far below what 10^13 samples could detect, and of the order of the
// quantisation of u to float near 1 (2^-25).  s is clamped to the smallest normal float
// (u == 1, or a log2 error that crosses 0): r = 1e-19 rather than 0 * rsqrt(0) = NaN.
CUARRAY_RD void box_muller(uint32 a, uint32 b, float* z0, float* z1) {
  const float e2 = -1.3862943611198906f * approx_log2(u01pf(a));      // -2 ln 2 log2(u)
  const float s2 = e2 > 1.17549435e-38f ? e2 : 1.17549435e-38f;
  const float r = s2 * approx_rsqrt(s2);
  const float f = uint_as_float((b & 0x007FFFFFu) | 0x3F800000u);      // [1, 2)
  float s, c;
  approx_sincos(f * 6.2831853071795865f - 9.4247779607693797f, &s, &c);  // [-pi, pi)
  *z0 = r * c;
  *z1 = r * s;
}
CUARRAY_RD void box_muller(uint32 a, uint32 b, uint32 c, uint32 d, double* z0, double* z1) {
  const double r = sqrt(-2.0 * log(u01pd(a, b)));
  double s, co;
  sin_cos_pi(2.0 * u01d(c, d), &s, &co);
  *z0 = r * co;
  *z1 = r * s;
}

// Two lanes' (normal, uniform) pairs from one block: the first proposal of each lane's
// rejection sampler (the radius from 32 bits: normals reach 6.66 sigma; the uniforms are
// 32-bit acceptance tests).
CUARRAY_RD void normal_uniform(Words b, float* z, float* u) {
  box_muller(b.x, b.y, &z[0], &z[1]);
  u[0] = u01of(b.z);
  u[1] = u01of(b.w);
}
CUARRAY_RD void normal_uniform(Words b, double* z, double* u) {
  const double r = sqrt(-2.0 * log(((double)b.x + 0.5) * 0x1p-32));
  double sn, cs;
  sin_cos_pi((double)b.y * 0x1p-31, &sn, &cs);
  z[0] = r * cs;
  z[1] = r * sn;
  u[0] = ((double)b.z + 0.5) * 0x1p-32;
  u[1] = ((double)b.w + 0.5) * 0x1p-32;
}

// -- an element's own substream ---------------------------------------------------------------
// Words come first from those the lane was given (preload), then from the blocks
// (k, c1, c2, c3), k = 0, 1, ...  A shift register keeps the buffer in registers.
struct Stream {
  uint32 k0, k1, c1, c2, c3, blk, n, w0, w1, w2, w3;

  CUARRAY_RD Stream(uint32 key0, uint32 key1, uint64 f_lo, uint32 f_hi, uint64 i)
      : k0(key0), k1(key1), blk(0), n(0), w0(0), w1(0), w2(0), w3(0) {
    const uint64 lo = f_lo + i;
    c1 = (uint32)lo;
    c2 = (uint32)(lo >> 32);
    c3 = f_hi + (lo < i ? 1u : 0u);
  }
  CUARRAY_RD void preload(uint32 a) { w0 = a; n = 1; }
  CUARRAY_RD void preload(uint32 a, uint32 b) { w0 = a; w1 = b; n = 2; }
  CUARRAY_RD void preload(uint32 a, uint32 b, uint32 c, uint32 d) {
    w0 = a; w1 = b; w2 = c; w3 = d; n = 4;
  }
  CUARRAY_RD uint32 next() {
    if (n == 0) {
      const Words b = philox(blk++, c1, c2, c3, k0, k1);
      w0 = b.x; w1 = b.y; w2 = b.z; w3 = b.w;
      n = 4;
    }
    const uint32 r = w0;
    w0 = w1; w1 = w2; w2 = w3;
    --n;
    return r;
  }
  CUARRAY_RD uint64 next64() {
    const uint64 hi = next();
    return (hi << 32) | next();
  }
};

// Draws from a stream (one statement per word: C++ leaves argument order unspecified).
template <typename T> CUARRAY_RD T uniform(Stream& s);
template <> CUARRAY_RD float uniform<float>(Stream& s) { return u01f(s.next()); }
template <> CUARRAY_RD double uniform<double>(Stream& s) {
  const uint32 a = s.next();
  return u01d(a, s.next());
}
template <typename T> CUARRAY_RD T uniform_open(Stream& s);
template <> CUARRAY_RD float uniform_open<float>(Stream& s) { return u01of(s.next()); }
template <> CUARRAY_RD double uniform_open<double>(Stream& s) {
  const uint32 a = s.next();
  return u01od(a, s.next());
}
template <typename T> CUARRAY_RD T exponential(Stream& s);
template <> CUARRAY_RD float exponential<float>(Stream& s) { return -logf(u01pf(s.next())); }
template <> CUARRAY_RD double exponential<double>(Stream& s) {
  const uint32 a = s.next();
  return -log1p(-u01d(a, s.next()));
}
// (0, 1) from one word, for acceptance tests (32 bits: a bias below 2^-32 per test).
template <typename T> CUARRAY_RD T accept_uniform(Stream& s);
template <> CUARRAY_RD float accept_uniform<float>(Stream& s) { return u01of(s.next()); }
template <> CUARRAY_RD double accept_uniform<double>(Stream& s) {
  return ((double)s.next() + 0.5) * 0x1p-32;
}

// One normal per call (the Box-Muller partner is dropped; these feed rejection loops).
template <typename T> CUARRAY_RD T normal(Stream& s);
template <> CUARRAY_RD float normal<float>(Stream& s) {
  const uint32 a = s.next();
  float z0, z1;
  box_muller(a, s.next(), &z0, &z1);
  return z0;
}
template <> CUARRAY_RD double normal<double>(Stream& s) {
  const uint32 a = s.next(), b = s.next();
  double sn, cs;
  sin_cos_pi((double)s.next() * 0x1p-31, &sn, &cs);
  return sqrt(-2.0 * log(u01pd(a, b))) * cs;
}

// -- bounded integers: Lemire's multiply-shift with rejection (unbiased) ----------------------
// ``rng`` is high - low (inclusive range minus one); ``x`` the lane's first word(s).
CUARRAY_RD uint32 bounded32(Stream& s, uint32 x, uint32 rng) {
  if (rng == 0xFFFFFFFFu) return x;
  const uint32 m = rng + 1u;
  uint64 p = (uint64)x * m;
  uint32 lo = (uint32)p;
  if (lo < m) {
    const uint32 t = (0u - m) % m;
    while (lo < t) {
      p = (uint64)s.next() * m;
      lo = (uint32)p;
    }
  }
  return (uint32)(p >> 32);
}
CUARRAY_RD uint64 bounded64(Stream& s, uint64 x, uint64 rng) {
  if (rng == 0xFFFFFFFFFFFFFFFFull) return x;
  const uint64 m = rng + 1u;
  uint64 lo = x * m, hi = mulhi(x, m);
  if (lo < m) {
    const uint64 t = (0ull - m) % m;
    while (lo < t) {
      const uint64 y = s.next64();
      lo = y * m;
      hi = mulhi(y, m);
    }
  }
  return hi;
}

// -- continuous samplers ------------------------------------------------------------------------
// Marsaglia & Tsang (2000): one proposal from the normal z and the uniform u; true when
// accepted (*g set).  d = a - 1/3, c = 1/sqrt(9d), a >= 1.
template <typename T> CUARRAY_RD bool gamma_accept(T d, T c, T z, T u, T* g) {
  T v = T(1) + c * z;
  if (v <= 0) return false;
  v = v * v * v;
  const T z2 = z * z;
  if (u < T(1) - T(0.0331) * z2 * z2 || r_log(u) < T(0.5) * z2 + d * (T(1) - v + r_log(v))) {
    *g = d * v;
    return true;
  }
  return false;
}

// Marsaglia-Tsang from its constants (d, c) and the boost exponent inv_a (1/a for a shape
// a < 1, whose gamma is G(a + 1) U^(1/a); 0 otherwise).  ``lane``: the first proposal's
// normal and uniform come from the lane (z, u) instead of the substream.
template <typename T>
CUARRAY_RD T gamma_prepared(Stream& s, T d, T c, T inv_a, bool lane, T z, T u) {
  const T boost = inv_a > 0 ? r_pow(uniform_open<T>(s), inv_a) : T(1);
  T g;
  if (lane && gamma_accept(d, c, z, u, &g)) return g * boost;
  for (;;) {
    const T zs = normal<T>(s);
    if (gamma_accept(d, c, zs, accept_uniform<T>(s), &g)) return g * boost;
  }
}

// Standard gamma of shape a (the host prepares the constants for a scalar shape:
// cuarray.random._prepare mirrors this).
template <typename T> CUARRAY_RD T gamma_from(Stream& s, T a, bool lane, T z, T u) {
  if (!(a > 0)) return a == 0 ? T(0) : a;          // 0 -> 0, NaN -> NaN
  if (a == 1) return exponential<T>(s);
  T inv_a = 0;
  if (a < 1) {
    inv_a = T(1) / a;
    a += 1;
  }
  const T d = a - T(1) / T(3);
  return gamma_prepared<T>(s, d, T(1) / r_sqrt(T(9) * d), inv_a, lane, z, u);
}

template <typename T> CUARRAY_RD T standard_gamma(Stream& s, T a) {
  return gamma_from<T>(s, a, false, T(0), T(0));
}

template <typename T> CUARRAY_RD T smallest_normal();
template <> CUARRAY_RD float smallest_normal<float>() { return 1.17549435e-38f; }
template <> CUARRAY_RD double smallest_normal<double>() { return 2.2250738585072014e-308; }

// Johnk's algorithm for a, b <= 1 (in logarithms where the powers reach subnormal numbers,
// whose lost bits would bias the ratio), else gammas.
template <typename T> CUARRAY_RD T beta(Stream& s, T a, T b) {
  if (a <= 1 && b <= 1) {
    for (;;) {
      const T u = uniform_open<T>(s);
      const T v = uniform_open<T>(s);
      const T x = r_pow(u, T(1) / a), y = r_pow(v, T(1) / b), xy = x + y;
      if (xy <= 1) {
        if (xy >= smallest_normal<T>()) return x / xy;
        T lx = r_log(u) / a, ly = r_log(v) / b;
        const T lm = lx > ly ? lx : ly;
        lx -= lm;
        ly -= lm;
        return r_exp(lx - r_log(r_exp(lx) + r_exp(ly)));
      }
    }
  }
  const T x = standard_gamma<T>(s, a);
  const T y = standard_gamma<T>(s, b);
  return x / (x + y);
}

template <typename T> CUARRAY_RD T chisquare(Stream& s, T df) {
  return T(2) * standard_gamma<T>(s, df / T(2));
}

template <typename T> CUARRAY_RD T standard_t(Stream& s, T df) {
  const T z = normal<T>(s);
  const T g = standard_gamma<T>(s, df / T(2));
  return r_sqrt(df / T(2)) * z / r_sqrt(g);
}

// Wald: Michael, Schucany & Haas (1976), with X written without the cancellation of
// mean + mean/(2 scale) (Y - sqrt(4 scale Y + Y^2)).
template <typename T> CUARRAY_RD T wald(Stream& s, T mean, T scale) {
  const T z = normal<T>(s);
  const T y = mean * z * z;
  const T x = mean - T(2) * mean / (T(1) + r_sqrt(T(1) + T(4) * scale / y));
  const T u = uniform<T>(s);
  return u <= mean / (mean + x) ? x : mean * mean / x;
}

// von Mises: Best & Fisher (1979); nearly uniform below kappa 1e-8, a wrapped normal above
// 1e6.  Result in [-pi, pi].
CUARRAY_RD double vonmises(Stream& s, double mu, double kappa) {
  const double pi = 3.14159265358979323846;
  if (kappa != kappa) return kappa;
  if (kappa < 1e-8) return pi * (2.0 * uniform<double>(s) - 1.0);
  double sr, w;
  if (kappa > 1e6) {
    double r = mu + sqrt(1.0 / kappa) * normal<double>(s);
    if (r < -pi) r += 2 * pi;
    if (r > pi) r -= 2 * pi;
    return r;
  }
  if (kappa < 1e-5) {
    sr = 1.0 / kappa + kappa;
  } else {
    const double r = 1.0 + sqrt(1.0 + 4.0 * kappa * kappa);
    const double rho = (r - sqrt(2.0 * r)) / (2.0 * kappa);
    sr = (1.0 + rho * rho) / (2.0 * rho);
  }
  for (;;) {
    double sn, z;
    sin_cos_pi(uniform<double>(s), &sn, &z);
    w = (1.0 + sr * z) / (sr + z);
    const double y = kappa * (sr - w);
    const double v = uniform_open<double>(s);
    if (y * (2.0 - y) - v >= 0 || log(y / v) + 1.0 - y >= 0) break;
  }
  double r = acos(w);
  if (uniform<double>(s) < 0.5) r = -r;
  r += mu;
  // wrap into [-pi, pi], keeping the sign of an angle that lands exactly on the boundary
  const bool neg = r < 0;
  double m = fmod(fabs(r) + pi, 2 * pi) - pi;
  return neg ? -m : m;
}

// -- discrete samplers (int64 results, double arithmetic) ---------------------------------------
CUARRAY_RD double clamp_int64(double k) { return k < 9.2233720368547758e18 ? k : 9.2233720368547748e18; }

// 1/k: the sequential searches below step k in lockstep across a warp, so each step reads
// one constant for all its threads instead of dividing.
#define CUARRAY_RNG_INV_K 32
#ifdef __CUDACC__
__constant__ double cuarray_rng_inv_k[CUARRAY_RNG_INV_K] = {
#else
static const double cuarray_rng_inv_k[CUARRAY_RNG_INV_K] = {
#endif
    0.0, 1.0, 1.0 / 2, 1.0 / 3, 1.0 / 4, 1.0 / 5, 1.0 / 6, 1.0 / 7, 1.0 / 8, 1.0 / 9, 1.0 / 10,
    1.0 / 11, 1.0 / 12, 1.0 / 13, 1.0 / 14, 1.0 / 15, 1.0 / 16, 1.0 / 17, 1.0 / 18, 1.0 / 19,
    1.0 / 20, 1.0 / 21, 1.0 / 22, 1.0 / 23, 1.0 / 24, 1.0 / 25, 1.0 / 26, 1.0 / 27, 1.0 / 28,
    1.0 / 29, 1.0 / 30, 1.0 / 31};

// Inversion by sequential search; lam < 10; p0 = exp(-lam).
CUARRAY_RD long long poisson_inversion(double u, double lam, double p0) {
  double p = p0, f = p;
  long long k = 0;
  while (u > f) {
    ++k;
    p *= lam * (k < CUARRAY_RNG_INV_K ? cuarray_rng_inv_k[k] : 1.0 / (double)k);
    if (p == 0.0) break;      // rounding left f just below 1: a tail event
    f += p;
  }
  return k;
}
CUARRAY_RD long long poisson_inversion(double u, double lam) {
  return poisson_inversion(u, lam, exp(-lam));
}

// PTRS, transformed rejection with squeeze: Hormann (1993); lam >= 10.  The constants depend
// on lam only: the host computes them once for a scalar mean (``ptrs_setup`` on the device
// otherwise; cuarray.random._prepare mirrors it).
struct Ptrs {
  double lam, loglam, a, b, lalpha, vr;
};
CUARRAY_RD Ptrs ptrs_setup(double lam) {
  const double b = 0.931 + 2.53 * sqrt(lam);
  const Ptrs c = {lam, log(lam), -0.059 + 0.02483 * b, b, log(1.1239 + 1.1328 / (b - 3.4)),
                  0.9277 - 3.6224 / (b - 2.0)};
  return c;
}
CUARRAY_RD long long poisson_ptrs(Stream& s, const Ptrs& c) {
  for (;;) {
    const double u = uniform<double>(s) - 0.5;
    const double v = uniform<double>(s);
    const double us = 0.5 - fabs(u);
    if (!(us > 0)) continue;
    const double k = floor((2.0 * c.a / us + c.b) * u + c.lam + 0.43);
    if (us >= 0.07 && v <= c.vr) return (long long)clamp_int64(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (log(v) + c.lalpha - log(c.a / (us * us) + c.b) <=
        -c.lam + k * c.loglam - lgamma(k + 1.0))
      return (long long)clamp_int64(k);
  }
}
CUARRAY_RD long long poisson_ptrs(Stream& s, double lam) { return poisson_ptrs(s, ptrs_setup(lam)); }

CUARRAY_RD long long poisson(Stream& s, double lam) {
  if (!(lam > 0)) return 0;
  if (lam < 10) return poisson_inversion(uniform<double>(s), lam);
  return poisson_ptrs(s, lam);
}

// Inversion for n q < 10 (q <= 1/2): P(0) = p0 = (1-q)^n, then the pmf ratio (r = q/(1-q)).
CUARRAY_RD long long binomial_inversion(double u, long long n, double p0, double r) {
  double p = p0, f = p;
  long long k = 0;
  while (u > f && k < n) {
    p *= (double)(n - k) / (double)(k + 1) * r;
    ++k;
    if (p == 0.0) break;
    f += p;
  }
  return k;
}

// BTRS, transformed rejection with squeeze: Hormann (1993); n q >= 10, q <= 1/2.  As for
// PTRS, the host computes the constants for scalar parameters.
struct Btrs {
  double n, q, a, b, c, vr, alpha, lpq, m, h;
};
CUARRAY_RD Btrs btrs_setup(long long n, double q) {
  const double nd = (double)n, spq = sqrt(nd * q * (1.0 - q));
  const double b = 1.15 + 2.53 * spq, m = floor((nd + 1.0) * q);
  const Btrs c = {nd, q, -0.0873 + 0.0248 * b + 0.01 * q, b, nd * q + 0.5, 0.92 - 4.2 / b,
                  (2.83 + 5.1 / b) * spq, log(q / (1.0 - q)), m,
                  lgamma(m + 1.0) + lgamma(nd - m + 1.0)};
  return c;
}
CUARRAY_RD long long binomial_btrs(Stream& s, const Btrs& c) {
  for (;;) {
    const double u = uniform<double>(s) - 0.5;
    const double v = uniform<double>(s);
    const double us = 0.5 - fabs(u);
    if (!(us > 0)) continue;
    const double k = floor((2.0 * c.a / us + c.b) * u + c.c);
    if (k < 0 || k > c.n) continue;
    if (us >= 0.07 && v <= c.vr) return (long long)k;
    if (log(v * c.alpha / (c.a / (us * us) + c.b)) <=
        c.h - lgamma(k + 1.0) - lgamma(c.n - k + 1.0) + (k - c.m) * c.lpq)
      return (long long)k;
  }
}

CUARRAY_RD long long binomial(Stream& s, long long n, double p) {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const bool flip = p > 0.5;
  const double q = flip ? 1.0 - p : p;
  long long k;
  if ((double)n * q < 10.0) {
    k = binomial_inversion(uniform<double>(s), n, exp((double)n * log1p(-q)), q / (1.0 - q));
  } else {
    k = binomial_btrs(s, btrs_setup(n, q));
  }
  return flip ? n - k : k;
}

CUARRAY_RD long long geometric(double e, double p) {
  if (p >= 1) return 1;
  const double k = ceil(-e / log1p(-p));
  return k < 1 ? 1 : (long long)clamp_int64(k);
}

// Rejection from Devroye (1986), as NumPy's Generator.
CUARRAY_RD long long zipf(Stream& s, double a) {
  if (a >= 1025) return 1;      // P(k > 1) < 2^-1024
  const double am1 = a - 1.0, b = pow(2.0, am1);
  for (;;) {
    const double u = 1.0 - uniform<double>(s);
    const double v = uniform<double>(s);
    const double x = floor(pow(u, -1.0 / am1));
    if (!(x >= 1) || x > 9.2233720368547748e18) continue;
    const double t = pow(1.0 + 1.0 / x, am1);
    if (v * x * (t - 1.0) / (b - 1.0) <= t / b) return (long long)x;
  }
}

// Kemp (1981), algorithm LK.
CUARRAY_RD long long logseries(Stream& s, double p) {
  const double r = log1p(-p);
  for (;;) {
    const double v = uniform<double>(s);
    if (v >= p) return 1;
    const double q = -expm1(r * uniform<double>(s));
    if (v <= q * q) {
      const double k = floor(1.0 + log(v) / log(q));
      if (k < 1 || v == 0.0) continue;
      return (long long)clamp_int64(k);
    }
    return v >= q ? 1 : 2;
  }
}

// Draws without replacement from the urn, for small samples (or their complements).
CUARRAY_RD long long hypergeometric_urn(Stream& s, long long good, long long bad, long long sample) {
  const long long total = good + bad;
  const bool complement = sample > total / 2;
  const long long m = complement ? total - sample : sample;
  double left = (double)total, left_good = (double)good;
  for (long long i = 0; i < m; ++i) {
    if (uniform<double>(s) * left < left_good) left_good -= 1.0;
    left -= 1.0;
  }
  const long long drawn_good = good - (long long)left_good;
  return complement ? good - drawn_good : drawn_good;
}

// Ratio of uniforms: Stadlober (1989), "HRUA".
CUARRAY_RD long long hypergeometric_hrua(Stream& s, long long good, long long bad, long long sample) {
  const double d1 = 1.7155277699214135, d2 = 0.8989161620588988;
  const double mingb = (double)(good < bad ? good : bad), maxgb = (double)(good < bad ? bad : good);
  const double pop = (double)(good + bad);
  const double m = (double)(sample < good + bad - sample ? sample : good + bad - sample);
  const double d4 = mingb / pop, d5 = 1.0 - d4, d6 = m * d4 + 0.5;
  const double d7 = sqrt((pop - m) * (double)sample * d4 * d5 / (pop - 1.0) + 0.5);
  const double d8 = d1 * d7 + d2, d9 = floor((m + 1.0) * (mingb + 1.0) / (pop + 2.0));
  const double d10 = lgamma(d9 + 1.0) + lgamma(mingb - d9 + 1.0) + lgamma(m - d9 + 1.0) +
                     lgamma(maxgb - m + d9 + 1.0);
  const double top = (m < mingb ? m : mingb) + 1.0, bound = floor(d6 + 16.0 * d7);
  const double d11 = top < bound ? top : bound;
  double z;
  for (;;) {
    const double x = uniform_open<double>(s);
    const double y = uniform<double>(s);
    const double w = d6 + d8 * (y - 0.5) / x;
    if (w < 0.0 || w >= d11) continue;
    z = floor(w);
    const double t = d10 - (lgamma(z + 1.0) + lgamma(mingb - z + 1.0) + lgamma(m - z + 1.0) +
                            lgamma(maxgb - m + z + 1.0));
    if (x * (4.0 - x) - 3.0 <= t) break;      // quick accept
    if (x * (x - t) >= 1.0) continue;         // quick reject
    if (2.0 * log(x) <= t) break;
  }
  long long k = (long long)z;
  if (good > bad) k = (long long)m - k;
  if ((long long)m < sample) k = good - k;
  return k;
}

CUARRAY_RD long long hypergeometric(Stream& s, long long good, long long bad, long long sample) {
  if (sample >= 10 && sample <= good + bad - 10) return hypergeometric_hrua(s, good, bad, sample);
  return hypergeometric_urn(s, good, bad, sample);
}

template <typename T> CUARRAY_RD T noncentral_chisquare(Stream& s, T df, T nonc) {
  if (nonc != nonc) return nonc;
  if (nonc == 0) return chisquare<T>(s, df);
  if (df > 1) {
    const T c = chisquare<T>(s, df - T(1));
    const T z = normal<T>(s) + r_sqrt(nonc);
    return c + z * z;
  }
  const long long i = poisson(s, (double)nonc / 2.0);
  return chisquare<T>(s, df + T(2) * T(i));
}

}  // namespace rng
}  // namespace cuarray

#endif  // CUARRAY_RANDOM_CUH
