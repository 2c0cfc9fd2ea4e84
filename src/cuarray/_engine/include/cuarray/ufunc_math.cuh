// Helpers for the math ufuncs (exponents and logarithms, trigonometry, floating-point
// functions) where NumPy's result is not a single CUDA math call: NumPy's own formulas
// (logaddexp, spacing, heaviside, sign, degrees), C semantics that CUDA leaves unspecified
// (frexp of inf/NaN) or misses by an ulp (hypot next to overflow), and NumPy's float16 loops
// that work on half-precision bits (nextafter, spacing).  Overloads for float and double; a
// float16 loop passes its value as a float, which holds every half exactly.  Includes
// nothing: every kernel that uses it parses it.
#ifndef CUARRAY_UFUNC_MATH_CUH
#define CUARRAY_UFUNC_MATH_CUH

#ifdef __CUDACC__
#define CUARRAY_UM __host__ __device__ __forceinline__
#else
#define CUARRAY_UM inline
#endif

namespace cuarray {
namespace math {

// -- bits --------------------------------------------------------------------------------
// Device intrinsics on the GPU; memcpy on the host, where tests check these helpers against
// NumPy bit for bit (include <math.h> first there).
#ifdef __CUDA_ARCH__
CUARRAY_UM unsigned int bits(float x) { return __float_as_uint(x); }
CUARRAY_UM unsigned long long bits(double x) {
  return (unsigned long long)__double_as_longlong(x);
}
CUARRAY_UM float from_bits(unsigned int b) { return __uint_as_float(b); }
CUARRAY_UM double from_bits(unsigned long long b) { return __longlong_as_double((long long)b); }
#else
CUARRAY_UM unsigned int bits(float x) { unsigned int b; __builtin_memcpy(&b, &x, 4); return b; }
CUARRAY_UM unsigned long long bits(double x) {
  unsigned long long b;
  __builtin_memcpy(&b, &x, 8);
  return b;
}
CUARRAY_UM float from_bits(unsigned int b) { float x; __builtin_memcpy(&x, &b, 4); return x; }
CUARRAY_UM double from_bits(unsigned long long b) {
  double x;
  __builtin_memcpy(&x, &b, 8);
  return x;
}
#endif
// A product the compiler may not fuse into an FMA (contraction is on by default in NVRTC):
// exact-arithmetic tricks need the rounded product itself.
#ifdef __CUDA_ARCH__
CUARRAY_UM float mul_rn(float a, float b) { return __fmul_rn(a, b); }
CUARRAY_UM double mul_rn(double a, double b) { return __dmul_rn(a, b); }
#else
CUARRAY_UM float mul_rn(float a, float b) { volatile float p = a * b; return p; }
CUARRAY_UM double mul_rn(double a, double b) { volatile double p = a * b; return p; }
#endif
template <typename T> CUARRAY_UM T min_subnormal() { return from_bits(decltype(bits(T()))(1)); }
template <typename T> CUARRAY_UM T quiet_nan() { return T(from_bits(0x7fc00000u)); }
CUARRAY_UM float inf_float() { return from_bits(0x7f800000u); }

// The binary16 pattern of a float that holds a half value exactly (no rounding needed).
CUARRAY_UM unsigned int half_bits(float x) {
  const unsigned int u = bits(x), sign = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
  if (a >= 0x7f800000u) return sign | (a == 0x7f800000u ? 0x7c00u : 0x7e00u);
  if (a >= 0x38800000u) return sign | ((a - 0x38000000u) >> 13);   // normal: rebias 127 -> 15
  return sign | (unsigned int)(from_bits(a) * 16777216.0f);   // subnormal: m * 2^-24
}

// The value of a binary16 pattern, as a float (exact).
CUARRAY_UM float half_value(unsigned int h) {
  const unsigned int sign = (h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
  if (e == 0) {
    const float v = (float)m * 5.9604644775390625e-8f;   // 2^-24
    return sign ? -v : v;
  }
  if (e == 31) return from_bits(sign | 0x7f800000u | (m << 13));
  return from_bits(sign | ((e + 112u) << 23) | (m << 13));
}

// -- neighbours: nextafter and spacing ----------------------------------------------------

// C's nextafter (NumPy's float32/float64 loops call it): y when x == y, so the sign of a zero
// comes from y; the smallest subnormal with y's sign after a zero.
template <typename T> CUARRAY_UM T nextafter(T x, T y) {
  if (isnan(x) || isnan(y)) return x + y;
  if (x == y) return y;
  if (x == 0) return copysign(min_subnormal<T>(), y);
  auto b = bits(x);
  // Moving away from zero increments the magnitude bits, towards zero decrements them.
  b = ((x < y) == (x > 0)) ? b + 1 : b - 1;
  return from_bits(b);
}

// NumPy's float16 nextafter works on the half bits.  Like C's, it returns y when x == y, so
// nextafter(0.0, -0.0) is -0.0: NumPy 2.5 made it so (numpy/numpy#31472); before, its float16
// loop returned x there, unlike its float32 and float64 loops.
CUARRAY_UM float nextafter_half(float x, float y) {
  if (isnan(x) || isnan(y)) return quiet_nan<float>();
  if (x == y) return y;
  const unsigned int hx = half_bits(x);
  if (x == 0) return half_value((half_bits(y) & 0x8000u) | 1u);
  return half_value(((x < y) == (x > 0)) ? hx + 1u : hx - 1u);
}

// NumPy's spacing for float32/float64: the step to the next value away from zero, with the
// sign of x (the smallest subnormal for either zero); NaN for infinities.
template <typename T> CUARRAY_UM T spacing(T x) {
  if (isinf(x)) return quiet_nan<T>();
  if (isnan(x)) return x;
  if (x == 0) return min_subnormal<T>();
  return from_bits(bits(x) + 1) - x;
}

// NumPy's float16 spacing differs: the step to the next half towards +inf, always positive.
CUARRAY_UM float spacing_half(float x) {
  if (isinf(x) || isnan(x)) return quiet_nan<float>();
  return nextafter_half(x, inf_float()) - x;
}

// -- exponents and logarithms ---------------------------------------------------------------

template <typename T> CUARRAY_UM T ln2() { return T(0.693147180559945309417232121458176568); }
template <typename T> CUARRAY_UM T log2e() { return T(1.442695040888963407359924681001892137); }

// NumPy's npy_logaddexp: equal arguments (infinities of one sign included) give x + log 2;
// otherwise max + log1p(exp(-|x - y|)); NaN when x - y is NaN.
template <typename T> CUARRAY_UM T logaddexp(T x, T y) {
  if (x == y) return x + ln2<T>();
  const T d = x - y;
  if (d > 0) return x + ::log1p(::exp(-d));
  if (d <= 0) return y + ::log1p(::exp(d));
  return d;
}

// NumPy's npy_logaddexp2, the same in base 2.
template <typename T> CUARRAY_UM T logaddexp2(T x, T y) {
  if (x == y) return x + T(1);
  const T d = x - y;
  if (d > 0) return x + log2e<T>() * ::log1p(::exp2(-d));
  if (d <= 0) return y + log2e<T>() * ::log1p(::exp2(d));
  return d;
}

// -- trigonometry ---------------------------------------------------------------------------------

// hypot(x, y) for finite x, y where the device's hypot overflowed.  CUDA's double hypot takes
// its square root from an approximate reciprocal square root (2 ulp), so a result within an
// ulp or two of the largest double can round up past it: hypot(DBL_MAX, 1) is inf on the
// device and DBL_MAX in the C library.  Its result overflowed, so the larger part exceeds
// 2^emax, and scaling by the smallest normal 2^(1 - emax) (exact) brings it into [2, 4).
// There the sum of the squares is formed exactly (an FMA gives each product's rounding error)
// and one Newton step corrects its square root: the result is correctly rounded, but for
// rare near-ties, so it overflows only where the exact value does.  (What the scaling loses
// of a tiny smaller part lies far below the result's last bit.)  complex.cuh has the same
// for |z|.
CUARRAY_UM float min_normal(float) { return 0x1p-126f; }
CUARRAY_UM double min_normal(double) { return 0x1p-1022; }
template <typename T> CUARRAY_UM T hypot_near_overflow(T x, T y) {
  T a = ::fabs(x) * min_normal(T()), b = ::fabs(y) * min_normal(T());
  if (a < b) { const T t = a; a = b; b = t; }
  const T p = mul_rn(a, a), q = mul_rn(b, b), s = p + q;
  const T lo = (q - (s - p)) + (::fma(a, a, -p) + ::fma(b, b, -q));   // a^2 + b^2 = s + lo
  const T h = ::sqrt(s);
  return (h + (::fma(-h, h, s) + lo) / (2 * h)) * (T(1) / min_normal(T()));
}

// C99 (F.9.4.3) and NumPy: hypot(+-inf, y) is +inf even for a NaN y.  Spelled out rather than
// left to the device library, whose documentation of that case is easy to misread.
template <typename T> CUARRAY_UM T hypot(T x, T y) {
  if (isinf(x) || isinf(y)) return T(inf_float());
  const T h = ::hypot(x, y);
  return isinf(h) ? hypot_near_overflow(x, y) : h;   // (a NaN operand gives a NaN h)
}

// -- floating-point functions -----------------------------------------------------------------

// frexp with C's exponent for zero, inf and NaN (0); CUDA leaves it unspecified for inf/NaN.
template <typename T> CUARRAY_UM T frexp(T x, int& e) {
  int k = 0;
  const T m = ::frexp(x, &k);
  e = isfinite(x) ? k : 0;
  return m;
}

// NumPy's ldexp loops with a 64-bit exponent clamp it to int first (the result has
// overflowed or underflowed long before that).
template <typename T> CUARRAY_UM T ldexp(T x, long long n) {
  const int k = n > 2147483647LL ? 2147483647 : (n < -2147483647LL - 1 ? -2147483647 - 1 : (int)n);
  return ::ldexp(x, k);
}

// NumPy's sign for reals: +1, -1, 0 (+0 for -0 too), NaN for NaN.
template <typename T> CUARRAY_UM T sign(T x) {
  return x > 0 ? T(1) : (x < 0 ? T(-1) : (x == 0 ? T(0) : x));
}

// NumPy's heaviside: NaN for NaN x, h0 for x == 0.
template <typename T> CUARRAY_UM T heaviside(T x, T h0) {
  if (isnan(x)) return quiet_nan<T>();
  if (x == 0) return h0;
  return x < 0 ? T(0) : T(1);
}

// NumPy's degrees/radians multiply by 180/pi (pi/180) computed in the loop's own precision,
// so float32's factor is float(180) / float(pi), not float(180 / pi).
template <typename T> CUARRAY_UM T degrees(T x) {
  return x * (T(180) / T(3.14159265358979323846264338327950288));
}
template <typename T> CUARRAY_UM T radians(T x) {
  return x * (T(3.14159265358979323846264338327950288) / T(180));
}

#undef CUARRAY_UM

}  // namespace math
}  // namespace cuarray

#endif  // CUARRAY_UFUNC_MATH_CUH
