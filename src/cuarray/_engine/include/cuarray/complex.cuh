// Complex numbers for generated kernels: cuarray::complex<float> and cuarray::complex<double>.
//
// <cuda/std/complex> costs about a second of NVRTC time per program; this header includes
// nothing and costs milliseconds.  It computes what NumPy computes:
// - the layout is C's T[2] (NumPy's complex64 / complex128), aligned to its whole size so that
//   a complex<double> moves in one 16-byte load;
// - *, /, reciprocal, square, sign and power use NumPy's own formulas (its SIMD product, Smith's
//   quotient, repeated multiplication for small integer powers), so infinities and NaNs come
//   out where NumPy's do;
// - exp, log, sqrt, the trigonometric and hyperbolic functions and their inverses follow
//   C99 Annex G for infinities, NaNs, signed zeros and branch cuts as the C library that NumPy
//   calls does (where Annex G leaves a sign open, as glibc), and are accurate to a few ulp.
// Mixed complex-real operators treat the real operand as real (C99 Annex G, C++): z * 2.0
// scales both parts.  NumPy's ufuncs cast it to complex first ((inf+1j) * 2.0 is inf+nanj
// there), so ufunc bodies should convert before operating.
//
// Everything is also plain C++ (include <math.h> first), so that the algorithms can be checked
// on the host against the C library.
#ifndef CUARRAY_COMPLEX_CUH
#define CUARRAY_COMPLEX_CUH

#ifdef __CUDACC__
#define CUARRAY_CX __host__ __device__ __forceinline__
#else
#define CUARRAY_CX inline
#endif
#define CUARRAY_CX_T template <typename T> CUARRAY_CX

namespace cuarray {

template <typename T> struct complex;

namespace cx_detail {

// Tiny <type_traits> substitutes (that header drags CCCL in, and NVRTC time is user time).
template <bool B, typename T = int> struct enable_if {};
template <typename T> struct enable_if<true, T> { typedef T type; };
template <typename T> struct is_arithmetic { static constexpr bool value = false; };
#define CUARRAY_CX_ARITH(U) \
  template <> struct is_arithmetic<U> { static constexpr bool value = true; };
CUARRAY_CX_ARITH(bool) CUARRAY_CX_ARITH(char) CUARRAY_CX_ARITH(signed char)
CUARRAY_CX_ARITH(unsigned char) CUARRAY_CX_ARITH(short) CUARRAY_CX_ARITH(unsigned short)
CUARRAY_CX_ARITH(int) CUARRAY_CX_ARITH(unsigned int) CUARRAY_CX_ARITH(long)
CUARRAY_CX_ARITH(unsigned long) CUARRAY_CX_ARITH(long long)
CUARRAY_CX_ARITH(unsigned long long) CUARRAY_CX_ARITH(float) CUARRAY_CX_ARITH(double)
#undef CUARRAY_CX_ARITH

// Real math by overloading: float calls the f-suffixed functions, double the plain ones.
#define CUARRAY_CX_M1(fn) \
  CUARRAY_CX float fn(float x) { return ::fn##f(x); } \
  CUARRAY_CX double fn(double x) { return ::fn(x); }
#define CUARRAY_CX_M2(fn) \
  CUARRAY_CX float fn(float x, float y) { return ::fn##f(x, y); } \
  CUARRAY_CX double fn(double x, double y) { return ::fn(x, y); }
CUARRAY_CX_M1(fabs) CUARRAY_CX_M1(sqrt) CUARRAY_CX_M1(exp) CUARRAY_CX_M1(expm1)
CUARRAY_CX_M1(log) CUARRAY_CX_M1(log1p) CUARRAY_CX_M1(sin) CUARRAY_CX_M1(cos)
CUARRAY_CX_M2(hypot) CUARRAY_CX_M2(atan2) CUARRAY_CX_M2(copysign)
#undef CUARRAY_CX_M1
#undef CUARRAY_CX_M2
CUARRAY_CX float fma(float a, float b, float c) { return ::fmaf(a, b, c); }
CUARRAY_CX double fma(double a, double b, double c) { return ::fma(a, b, c); }
CUARRAY_CX void sincos(float x, float* s, float* c) { ::sincosf(x, s, c); }
CUARRAY_CX void sincos(double x, double* s, double* c) { ::sincos(x, s, c); }
#ifdef __CUDA_ARCH__
CUARRAY_CX float inf(float) { return __int_as_float(0x7f800000); }
CUARRAY_CX double inf(double) { return __longlong_as_double(0x7ff0000000000000LL); }
CUARRAY_CX float nan(float) { return __int_as_float(0x7fffffff); }   // positive, as NumPy's
CUARRAY_CX double nan(double) { return __longlong_as_double(0x7fffffffffffffffLL); }
// A product the compiler may not fuse into an FMA (FMA contraction is on by default):
// NumPy's unfused formulas and the exact-product tricks below need it.
CUARRAY_CX float mul(float a, float b) { return __fmul_rn(a, b); }
CUARRAY_CX double mul(double a, double b) { return __dmul_rn(a, b); }
#else
CUARRAY_CX float inf(float) { return __builtin_inff(); }
CUARRAY_CX double inf(double) { return __builtin_inf(); }
CUARRAY_CX float nan(float) { return __builtin_nanf(""); }
CUARRAY_CX double nan(double) { return __builtin_nan(""); }
CUARRAY_CX float mul(float a, float b) { volatile float p = a * b; return p; }
CUARRAY_CX double mul(double a, double b) { volatile double p = a * b; return p; }
#endif
CUARRAY_CX_T bool isnan(T x) { return __builtin_isnan(x); }
CUARRAY_CX_T bool isinf(T x) { return __builtin_isinf(x); }
CUARRAY_CX_T bool isfinite(T x) { return __builtin_isfinite(x); }
CUARRAY_CX_T bool signbit(T x) { return copysign(T(1), x) < 0; }

template <typename T> struct lim;
template <> struct lim<float> {
  static CUARRAY_CX constexpr float eps() { return 1.1920929e-07f; }
  static CUARRAY_CX constexpr float max() { return 3.4028235e+38f; }
  static CUARRAY_CX constexpr float min() { return 1.1754944e-38f; }   // smallest normal
  static CUARRAY_CX constexpr float exp_big() { return 88.0f; }        // exp() of it is finite
  static CUARRAY_CX constexpr float exp_of_big() { return 1.6516363e+38f; }
  static CUARRAY_CX constexpr int mant() { return 24; }
  static CUARRAY_CX constexpr float two_mant() { return 16777216.0f; }  // 2^mant
  static CUARRAY_CX constexpr float sqrt_up() { return 67108864.0f; }   // 2^26; sqrt: 2^13
  static CUARRAY_CX constexpr float sqrt_down() { return 1.220703125e-4f; }
  static CUARRAY_CX constexpr float asin_hi() { return 2.3058429e+18f; }  // sqrt(max) / 8
  static CUARRAY_CX constexpr float asin_lo() { return 4.3368087e-19f; }  // 4 sqrt(min)
};
template <> struct lim<double> {
  static CUARRAY_CX constexpr double eps() { return 2.220446049250313e-16; }
  static CUARRAY_CX constexpr double max() { return 1.7976931348623157e+308; }
  static CUARRAY_CX constexpr double min() { return 2.2250738585072014e-308; }
  static CUARRAY_CX constexpr double exp_big() { return 709.0; }
  static CUARRAY_CX constexpr double exp_of_big() { return 8.218407461554972e+307; }
  static CUARRAY_CX constexpr int mant() { return 53; }
  static CUARRAY_CX constexpr double two_mant() { return 9007199254740992.0; }
  static CUARRAY_CX constexpr double sqrt_up() { return 18014398509481984.0; }   // 2^54
  static CUARRAY_CX constexpr double sqrt_down() { return 7.450580596923828125e-9; }
  static CUARRAY_CX constexpr double asin_hi() { return 1.6759759912428245e+153; }
  static CUARRAY_CX constexpr double asin_lo() { return 5.966672584960166e-154; }
};
CUARRAY_CX_T constexpr T pi() { return T(3.14159265358979323846); }
CUARRAY_CX_T constexpr T pi_2() { return T(1.57079632679489661923); }
CUARRAY_CX_T constexpr T pi_4() { return T(0.78539816339744830962); }
CUARRAY_CX_T constexpr T ln2() { return T(0.69314718055994530942); }

// hypot(x, y) for finite x, y where the device's hypot overflowed.  CUDA's double hypot takes
// its square root from an approximate reciprocal square root (2 ulp), so a result within an
// ulp or two of the largest double can round up past it: hypot(DBL_MAX, 1) is inf on the
// device and DBL_MAX in the C library.  Its result overflowed, so the larger part exceeds
// 2^emax, and scaling by the smallest normal 2^(1 - emax) (exact) brings it into [2, 4).
// There the sum of the squares is formed exactly (an FMA gives each product's rounding error)
// and one Newton step corrects its square root: the result is correctly rounded, but for
// rare near-ties, so it overflows only where the exact value does.  (What the scaling loses
// of a tiny smaller part lies far below the result's last bit.)  ufunc_math.cuh has the same
// for the hypot ufunc.
CUARRAY_CX_T T hypot_near_overflow(T x, T y) {
  T a = fabs(x) * lim<T>::min(), b = fabs(y) * lim<T>::min();
  if (a < b) { const T t = a; a = b; b = t; }
  const T p = mul(a, a), q = mul(b, b), s = p + q;
  const T lo = (q - (s - p)) + (fma(a, a, -p) + fma(b, b, -q));   // a^2 + b^2 = s + lo
  const T h = sqrt(s);
  return (h + (fma(-h, h, s) + lo) / (2 * h)) * (T(1) / lim<T>::min());
}

}  // namespace cx_detail

// -- the type ------------------------------------------------------------------------------

template <typename T>
struct alignas(2 * sizeof(T)) complex {
  T re, im;

  complex() = default;   // trivial, so that __shared__ arrays and unions of complex work
  CUARRAY_CX constexpr complex(T r) : re(r), im(T(0)) {}
  CUARRAY_CX constexpr complex(T r, T i) : re(r), im(i) {}
  template <typename U, typename cx_detail::enable_if<cx_detail::is_arithmetic<U>::value>::type = 0>
  CUARRAY_CX constexpr complex(U r) : re(T(r)), im(T(0)) {}
  // Widening (complex<float> -> complex<double>) is implicit, narrowing explicit, as in C++.
  template <typename U, typename cx_detail::enable_if<(sizeof(U) <= sizeof(T))>::type = 0>
  CUARRAY_CX constexpr complex(const complex<U>& z) : re(T(z.re)), im(T(z.im)) {}
  template <typename U, typename cx_detail::enable_if<(sizeof(U) > sizeof(T))>::type = 0>
  CUARRAY_CX explicit constexpr complex(const complex<U>& z) : re(T(z.re)), im(T(z.im)) {}

  CUARRAY_CX constexpr T real() const { return re; }
  CUARRAY_CX constexpr T imag() const { return im; }
  CUARRAY_CX void real(T r) { re = r; }
  CUARRAY_CX void imag(T i) { im = i; }

  CUARRAY_CX complex& operator+=(const complex& b) { re += b.re; im += b.im; return *this; }
  CUARRAY_CX complex& operator-=(const complex& b) { re -= b.re; im -= b.im; return *this; }
  CUARRAY_CX complex& operator*=(const complex& b) { return *this = *this * b; }
  CUARRAY_CX complex& operator/=(const complex& b) { return *this = *this / b; }
  CUARRAY_CX complex& operator+=(T b) { re += b; return *this; }
  CUARRAY_CX complex& operator-=(T b) { re -= b; return *this; }
  CUARRAY_CX complex& operator*=(T b) { re *= b; im *= b; return *this; }
  CUARRAY_CX complex& operator/=(T b) { re /= b; im /= b; return *this; }

  // Hidden friends: found by argument-dependent lookup, and the real operand converts
  // implicitly (z * 2 and z * 2.0 work for complex<float>).
  friend CUARRAY_CX complex operator+(const complex& a) { return a; }
  friend CUARRAY_CX complex operator-(const complex& a) { return complex(-a.re, -a.im); }
  friend CUARRAY_CX complex operator+(const complex& a, const complex& b) {
    return complex(a.re + b.re, a.im + b.im);
  }
  friend CUARRAY_CX complex operator-(const complex& a, const complex& b) {
    return complex(a.re - b.re, a.im - b.im);
  }
  // NumPy's product as its SIMD loops form it, one FMA per part (so (3+0.5j) * (-max +
  // max/3 j) keeps a finite imaginary part), and like them without Annex G's recovery of
  // infinities from NaN results.
  friend CUARRAY_CX complex operator*(const complex& a, const complex& b) {
    return complex(cx_detail::fma(a.re, b.re, -cx_detail::mul(a.im, b.im)),
                   cx_detail::fma(a.re, b.im, cx_detail::mul(a.im, b.re)));
  }
  // NumPy's quotient: Smith's algorithm, which scales by the larger part of b and so does not
  // overflow or underflow needlessly, with unfused products as NumPy's loop has them.  A zero
  // divisor gives (a.re/0, a.im/0) with the zero taken as +0: (1+1j)/0 = inf+infj, 1/0j =
  // inf+nanj, 0/0j = nan+nanj.  (Two divisions in all: each inlined one costs NVRTC time.)
  friend CUARRAY_CX complex operator/(const complex& a, const complex& b) {
    const T abr = cx_detail::fabs(b.re), abi = cx_detail::fabs(b.im);
    const bool by_re = abr >= abi, zero = abr == 0 && abi == 0;
    const T big = by_re ? b.re : b.im, small = by_re ? b.im : b.re;
    const T rat = small / big, scl = T(1) / (zero ? abr : big + cx_detail::mul(small, rat));
    if (zero) return complex(a.re * scl, a.im * scl);   // x * (1/+0) == x / +0 for every x
    const T ar = cx_detail::mul(a.re, rat), ai = cx_detail::mul(a.im, rat);
    return by_re ? complex((a.re + ai) * scl, (a.im - ar) * scl)
                 : complex((ar + a.im) * scl, (ai - a.re) * scl);
  }
  friend CUARRAY_CX complex operator+(const complex& a, T b) { return complex(a.re + b, a.im); }
  friend CUARRAY_CX complex operator+(T a, const complex& b) { return complex(a + b.re, b.im); }
  friend CUARRAY_CX complex operator-(const complex& a, T b) { return complex(a.re - b, a.im); }
  friend CUARRAY_CX complex operator-(T a, const complex& b) { return complex(a - b.re, -b.im); }
  friend CUARRAY_CX complex operator*(const complex& a, T b) { return complex(a.re * b, a.im * b); }
  friend CUARRAY_CX complex operator*(T a, const complex& b) { return complex(a * b.re, a * b.im); }
  friend CUARRAY_CX complex operator/(const complex& a, T b) { return complex(a.re / b, a.im / b); }
  friend CUARRAY_CX complex operator/(T a, const complex& b) { return complex(a) / b; }
  friend CUARRAY_CX bool operator==(const complex& a, const complex& b) {
    return a.re == b.re && a.im == b.im;
  }
  friend CUARRAY_CX bool operator!=(const complex& a, const complex& b) { return !(a == b); }
  friend CUARRAY_CX bool operator==(const complex& a, T b) { return a.re == b && a.im == 0; }
  friend CUARRAY_CX bool operator==(T a, const complex& b) { return b == a; }
  friend CUARRAY_CX bool operator!=(const complex& a, T b) { return !(a == b); }
  friend CUARRAY_CX bool operator!=(T a, const complex& b) { return !(b == a); }
};

static_assert(sizeof(complex<float>) == 8 && alignof(complex<float>) == 8, "complex64 layout");
static_assert(sizeof(complex<double>) == 16 && alignof(complex<double>) == 16,
              "complex128 layout");
static_assert(__is_trivially_copyable(complex<float>) && __is_trivially_copyable(complex<double>),
              "complex must be trivially copyable");

// Keep the real functions visible beside the complex overloads declared in this namespace,
// so that unqualified calls on reals inside namespace cuarray still find them.
using ::exp; using ::log; using ::log10; using ::log2; using ::log1p; using ::expm1;
using ::sqrt; using ::pow; using ::sin; using ::cos; using ::tan; using ::sinh; using ::cosh;
using ::tanh; using ::asin; using ::acos; using ::atan; using ::asinh; using ::acosh;
using ::atanh; using ::exp2; using ::isnan; using ::isinf; using ::isfinite;

CUARRAY_CX_T T real(const complex<T>& z) { return z.re; }
CUARRAY_CX_T T imag(const complex<T>& z) { return z.im; }
// |z|, infinite only where the true value overflows (see hypot_near_overflow).
CUARRAY_CX_T T abs(const complex<T>& z) {
  const T h = cx_detail::hypot(z.re, z.im);
  return cx_detail::isinf(h) && cx_detail::isfinite(z.re) && cx_detail::isfinite(z.im)
             ? cx_detail::hypot_near_overflow(z.re, z.im) : h;
}
CUARRAY_CX_T T arg(const complex<T>& z) { return cx_detail::atan2(z.im, z.re); }
CUARRAY_CX_T T norm(const complex<T>& z) { return z.re * z.re + z.im * z.im; }
CUARRAY_CX_T complex<T> conj(const complex<T>& z) { return complex<T>(z.re, -z.im); }
// NumPy's classification: NaN or infinity in either part; finite only if both parts are.
CUARRAY_CX_T bool isnan(const complex<T>& z) {
  return cx_detail::isnan(z.re) || cx_detail::isnan(z.im);
}
CUARRAY_CX_T bool isinf(const complex<T>& z) {
  return cx_detail::isinf(z.re) || cx_detail::isinf(z.im);
}
CUARRAY_CX_T bool isfinite(const complex<T>& z) {
  return cx_detail::isfinite(z.re) && cx_detail::isfinite(z.im);
}

// -- NumPy's ordering: lexicographic, real part first -------------------------------------
// As NumPy's complex comparison loops: a NaN anywhere makes every ordered comparison false,
// except that equal real parts decide on the imaginary parts alone.  NumPy's maximum and
// minimum return the first operand holding a NaN; fmax and fmin prefer the one without.
namespace cx_detail {
CUARRAY_CX_T bool less(const complex<T>& a, const complex<T>& b, bool or_equal) {
  return (a.re < b.re && !isnan(a.im) && !isnan(b.im)) ||
         (a.re == b.re && (or_equal ? a.im <= b.im : a.im < b.im));
}
}  // namespace cx_detail
#define CUARRAY_CX_ORDER(R, name, expr) \
  CUARRAY_CX_T R name(const complex<T>& a, const complex<T>& b) { return expr; }
CUARRAY_CX_ORDER(bool, less, cx_detail::less(a, b, false))
CUARRAY_CX_ORDER(bool, less_equal, cx_detail::less(a, b, true))
CUARRAY_CX_ORDER(bool, greater, cx_detail::less(b, a, false))
CUARRAY_CX_ORDER(bool, greater_equal, cx_detail::less(b, a, true))
CUARRAY_CX_ORDER(complex<T>, maximum, (isnan(a) || cx_detail::less(b, a, true)) ? a : b)
CUARRAY_CX_ORDER(complex<T>, minimum, (isnan(a) || cx_detail::less(a, b, true)) ? a : b)
CUARRAY_CX_ORDER(complex<T>, fmax, (isnan(b) || cx_detail::less(b, a, true)) ? a : b)
CUARRAY_CX_ORDER(complex<T>, fmin, (isnan(b) || cx_detail::less(a, b, true)) ? a : b)
#undef CUARRAY_CX_ORDER

// -- NumPy's arithmetic ufuncs -------------------------------------------------------------

// NumPy computes square as z*z (so (inf+0j)**2 is inf+nanj).
CUARRAY_CX_T complex<T> square(const complex<T>& z) { return z * z; }

// NumPy's reciprocal loop: Smith's quotient 1/z, with 1/0j = nan+nanj (it divides 0 by 0).
CUARRAY_CX_T complex<T> reciprocal(const complex<T>& z) {
  const bool by_re = cx_detail::fabs(z.im) <= cx_detail::fabs(z.re);
  const T big = by_re ? z.re : z.im, small = by_re ? z.im : z.re;
  const T r = small / big, d = big + cx_detail::mul(small, r), p = T(1) / d, q = r / d;
  return by_re ? complex<T>(p, -q) : complex<T>(q, -p);
}

// NumPy 2's sign: z/|z| and 0 for 0; NaN where |z| is NaN or both parts are infinite.  Where
// |z| is infinite it is +-1 for an infinite real part and otherwise +-1j, by the sign of the
// imaginary part, as NumPy's loop has it (even where |z| merely overflows: sign(max+maxj) = 1j).
CUARRAY_CX_T complex<T> sign(const complex<T>& z) {
  const T a = abs(z);
  if (cx_detail::isnan(a) || (cx_detail::isinf(z.re) && cx_detail::isinf(z.im))) {
    return complex<T>(cx_detail::nan(T()), cx_detail::nan(T()));
  }
  if (cx_detail::isinf(a)) {
    return cx_detail::isinf(z.re) ? complex<T>(z.re > 0 ? T(1) : T(-1), T(0))
                                  : complex<T>(T(0), z.im > 0 ? T(1) : T(-1));
  }
  return a == 0 ? complex<T>(T(0), T(0)) : complex<T>(z.re / a, z.im / a);
}

// -- exponentials and logarithms -----------------------------------------------------------

namespace cx_detail {

// Reduces x > exp_big by exp_big up to twice, multiplying a and b by e^exp_big each time, so
// that e^x a overflows only where the true result does (e^x alone overflows from x = 710, but
// e^x cos(y) may not).  Past 3 exp_big every non-zero result overflows, so x is clamped there;
// x = +inf thus gives +-inf for non-zero a, b and keeps exact zeros.  Returns the reduced x.
CUARRAY_CX_T T exp_reduce(T x, T& a, T& b) {
  const T big = lim<T>::exp_big(), eb = lim<T>::exp_of_big();
  for (int k = 0; k < 2 && x > big; ++k) { x -= big; a *= eb; b *= eb; }
  return x > big ? big : x;
}

// x^2 + y^2 - 1 for 0 <= y <= x without cancellation error.  float: exactly, in double (the
// squares are exact, and so are the sums where they cancel); double: the FMA gives each
// square's rounding error, and x^2 - 1 is exact where it cancels (x^2 in [0.5, 2]).
CUARRAY_CX float x2y2m1(float x, float y) {
  const double xd = x, yd = y;
  return float((xd * xd - 1) + yd * yd);
}
CUARRAY_CX double x2y2m1(double x, double y) {
  const double xx = mul(x, x), yy = mul(y, y);
  return ((xx - 1) + yy) + (fma(x, x, -xx) + fma(y, y, -yy));
}

CUARRAY_CX_T T two_sum(T a, T b, T& err) {
  const T s = a + b, bb = s - a;
  err = (a - (s - bb)) + (b - bb);
  return s;
}

// x^2 + 2x + y^2 = |1 + z|^2 - 1 in more than working precision, as NumPy's log1p forms it near
// the circle |1 + z| = 1 (float: in double; double: exact products and sums).
CUARRAY_CX float xp1y2m1(float x, float y) {
  const double xd = x, yd = y;
  return float(xd * (2.0 + xd) + yd * yd);
}
CUARRAY_CX double xp1y2m1(double x, double y) {
  const double xx = mul(x, x), yy = mul(y, y);
  double e1, e2, s = two_sum(two_sum(2 * x, xx, e1), yy, e2);
  return s + ((e1 + e2) + (fma(x, x, -xx) + fma(y, y, -yy)));
}

}  // namespace cx_detail

// C99 Annex G cexp; e^x cos(y) is formed without spurious overflow for large x.
CUARRAY_CX_T complex<T> exp(const complex<T>& z) {
  const T x = z.re, y = z.im, nan = cx_detail::nan(T());
  if (cx_detail::isnan(x)) return complex<T>(x, y == 0 ? y : nan);
  if (!cx_detail::isfinite(y)) {
    if (!cx_detail::isinf(x)) return complex<T>(nan, nan);
    return x > 0 ? complex<T>(x, nan) : complex<T>(T(0), cx_detail::copysign(T(0), y));
  }
  T s, c;
  cx_detail::sincos(y, &s, &c);   // y = +-0 gives s = +-0 exactly, kept even for x = +inf
  const T e = cx_detail::exp(cx_detail::exp_reduce(x, c, s));
  return complex<T>(c * e, s * e);
}

// NumPy's exp2: exp(z ln 2).
CUARRAY_CX_T complex<T> exp2(const complex<T>& z) { return exp(z * cx_detail::ln2<T>()); }

// NumPy's expm1: (expm1(x) cos(y) - 2 sin^2(y/2)) + i e^x sin(y).
CUARRAY_CX_T complex<T> expm1(const complex<T>& z) {
  const T a = cx_detail::sin(z.im / 2);
  return complex<T>(cx_detail::expm1(z.re) * cx_detail::cos(z.im) - 2 * a * a,
                    cx_detail::exp(z.re) * cx_detail::sin(z.im));
}

// C99 Annex G clog: log|z| + i arg(z), branch cut along the negative real axis (arg(-1 - 0j) is
// -pi).  log|z| is scaled where |z| would overflow or be subnormal, and formed as
// log1p(|z|^2 - 1)/2 near |z| = 1, where log(hypot) loses all relative accuracy.
CUARRAY_CX_T complex<T> log(const complex<T>& z) {
  const T x = z.re, y = z.im;
  if (cx_detail::isnan(x) || cx_detail::isnan(y)) {
    const T nan = cx_detail::nan(T());
    return complex<T>(cx_detail::isinf(x) || cx_detail::isinf(y) ? cx_detail::inf(T()) : nan, nan);
  }
  T ax = cx_detail::fabs(x), ay = cx_detail::fabs(y), add = 0, re;
  if (ax < ay) { const T t = ax; ax = ay; ay = t; }
  if (ax > cx_detail::lim<T>::max() / 2) {
    ax *= T(0.5); ay *= T(0.5);
    add = cx_detail::ln2<T>();
  } else if (ax < cx_detail::lim<T>::min()) {   // also z = 0: log(0) = -inf
    ax *= cx_detail::lim<T>::two_mant(); ay *= cx_detail::lim<T>::two_mant();
    add = -T(cx_detail::lim<T>::mant()) * cx_detail::ln2<T>();
  }
  if (add == 0 && ax >= T(0.5) && ax < T(2)) {
    re = cx_detail::log1p(cx_detail::x2y2m1(ax, ay)) * T(0.5);
  } else {
    re = cx_detail::log(cx_detail::hypot(ax, ay)) + add;
  }
  return complex<T>(re, cx_detail::atan2(y, x));
}

// NumPy's log10 and log2: log(z) with both parts scaled.
CUARRAY_CX_T complex<T> log10(const complex<T>& z) { return log(z) * T(0.43429448190325182765); }
CUARRAY_CX_T complex<T> log2(const complex<T>& z) { return log(z) * T(1.44269504088896340736); }

// NumPy's log1p: log(1 + z), except within 0.001 of the circle |1 + z| = 1 (which holds the
// small z) where the real part is log1p(x^2 + 2x + y^2)/2 with that sum in extra precision.
// (Before that change NumPy computed log(hypot(1 + x, y)), which returns 0 as the real part
// of log1p(1e-20+1e-20j); this gives the accurate 1e-20.)
CUARRAY_CX_T complex<T> log1p(const complex<T>& z) {
  const T x = z.re, y = z.im, d = T(0.001);
  if (x > -2 - d && x < d && y > -1 - d && y < 1 + d) {
    const T m = cx_detail::hypot(x + 1, y);
    if (m > 1 - d && m < 1 + d) {
      return complex<T>(T(0.5) * cx_detail::log1p(cx_detail::xp1y2m1(x, y)),
                        cx_detail::atan2(y, x + 1));
    }
  }
  return log(complex<T>(x + 1, y));
}

// C99 Annex G csqrt: branch cut along the negative real axis, sqrt(-4 - 0j) = -2j; the real
// part is never negative.  The smaller part comes from 2 Re(w) Im(w) = y, which avoids the
// cancellation in |z| - |x|.
CUARRAY_CX_T complex<T> sqrt(const complex<T>& z) {
  T x = z.re, y = z.im, s = 1;
  const T inf = cx_detail::inf(T()), nan = cx_detail::nan(T()), ay = cx_detail::fabs(y);
  if (cx_detail::isinf(y)) return complex<T>(inf, y);
  if (cx_detail::isnan(x)) return complex<T>(x, nan);
  if (cx_detail::isinf(x)) {
    if (x > 0) return complex<T>(x, cx_detail::isnan(y) ? y : cx_detail::copysign(T(0), y));
    return complex<T>(cx_detail::isnan(y) ? y : T(0), cx_detail::copysign(inf, y));
  }
  if (cx_detail::isnan(y)) return complex<T>(nan, nan);
  if (y == 0) {
    if (x < 0) return complex<T>(T(0), cx_detail::copysign(cx_detail::sqrt(-x), y));
    return complex<T>(cx_detail::fabs(cx_detail::sqrt(x)), y);
  }
  if (x == 0) {
    const T r = ay >= 2 * cx_detail::lim<T>::min() ? cx_detail::sqrt(T(0.5) * ay)
                                                : T(0.5) * cx_detail::sqrt(2 * ay);
    return complex<T>(r, cx_detail::copysign(r, y));
  }
  // Scale by 4^k so that hypot cannot overflow and tiny parts keep their precision.
  const T big = cx_detail::lim<T>::max() / 4, tiny = 2 * cx_detail::lim<T>::min();
  if (cx_detail::fabs(x) > big || ay > big) {
    x *= T(0.25); y *= T(0.25); s = 2;
  } else if (cx_detail::fabs(x) < tiny && ay < tiny) {
    x *= cx_detail::lim<T>::sqrt_up(); y *= cx_detail::lim<T>::sqrt_up();
    s = cx_detail::lim<T>::sqrt_down();
  }
  // t is the part on the side of x (real for x > 0, imaginary for x < 0), o the other one.
  const T t = cx_detail::sqrt(T(0.5) * (cx_detail::hypot(x, y) + cx_detail::fabs(x)));
  const T o = cx_detail::fabs(y / t) * (T(0.5) * s);
  return x > 0 ? complex<T>(t * s, cx_detail::copysign(o, y))
               : complex<T>(o, cx_detail::copysign(t * s, y));
}

namespace cx_detail {

// The product of NumPy's scalar complex helpers: no FMA, no recovery of infinities.
CUARRAY_CX_T complex<T> mul_plain(const complex<T>& a, const complex<T>& b) {
  return complex<T>(mul(a.re, b.re) - mul(a.im, b.im), mul(a.re, b.im) + mul(a.im, b.re));
}

// The C99 product (Annex G.5.1, as the C library's cpow multiplies): where the plain product is
// NaN + i NaN but an operand is infinite, or a partial product overflowed, redo it with each
// infinite operand boxed to parts +-1 or +-0, and NaNs elsewhere made 0, times infinity.
CUARRAY_CX_T complex<T> mul_annex_g(complex<T> a, complex<T> b) {
  const complex<T> r = mul_plain(a, b);
  const bool ia = isinf(a.re) || isinf(a.im), ib = isinf(b.re) || isinf(b.im);
  if (!isnan(r.re) || !isnan(r.im) ||
      !(ia || ib || isinf(mul(a.re, b.re)) || isinf(mul(a.im, b.im)) ||
        isinf(mul(a.re, b.im)) || isinf(mul(a.im, b.re)))) {
    return r;
  }
  complex<T>* ops[2] = {&a, &b};
  for (int k = 0; k < 2; ++k) {
    complex<T>& p = *ops[k];
    if (k ? ib : ia) {
      p = complex<T>(copysign(T(isinf(p.re)), p.re), copysign(T(isinf(p.im)), p.im));
    } else {
      p = complex<T>(isnan(p.re) ? copysign(T(0), p.re) : p.re,
                     isnan(p.im) ? copysign(T(0), p.im) : p.im);
    }
  }
  const complex<T> q = mul_plain(a, b);
  return complex<T>(inf(T()) * q.re, inf(T()) * q.im);
}

}  // namespace cx_detail

// NumPy's power: a**0 = 1 (even for NaN a), 0**b = 0 for Re(b) > 0 and NaN otherwise, integral
// real b in (-100, 100) by repeated multiplication (starting from 1 * a, so infinities give
// NumPy's NaNs) and a reciprocal for b < 0; otherwise the C library's cpow, exp(b log a) with
// the C99 product.
CUARRAY_CX_T complex<T> pow(const complex<T>& a, const complex<T>& b) {
  const T br = b.re, bi = b.im;
  if (br == 0 && bi == 0) return complex<T>(T(1), T(0));
  if (a.re == 0 && a.im == 0) {
    return br > 0 ? complex<T>(T(0), T(0)) : complex<T>(cx_detail::nan(T()), cx_detail::nan(T()));
  }
  if (bi == 0 && br > -100 && br < 100 && br == T(int(br))) {
    const int n = int(br);
    if (n == 1) return a;
    if (n == 2) return cx_detail::mul_plain(a, a);
    if (n == 3) return cx_detail::mul_plain(a, cx_detail::mul_plain(a, a));
    complex<T> r(T(1), T(0)), p = a;
    for (int m = n < 0 ? -n : n;;) {
      if (m & 1) r = cx_detail::mul_plain(r, p);
      if ((m >>= 1) == 0) break;
      p = cx_detail::mul_plain(p, p);
    }
    return n < 0 ? complex<T>(T(1), T(0)) / r : r;
  }
  return exp(cx_detail::mul_annex_g(b, log(a)));
}
// A real exponent or base is a complex one with zero imaginary part, as NumPy casts it.
template <typename T, typename U,
          typename cx_detail::enable_if<cx_detail::is_arithmetic<U>::value>::type = 0>
CUARRAY_CX complex<T> pow(const complex<T>& a, U b) { return pow(a, complex<T>(T(b), T(0))); }
template <typename T, typename U,
          typename cx_detail::enable_if<cx_detail::is_arithmetic<U>::value>::type = 0>
CUARRAY_CX complex<T> pow(U a, const complex<T>& b) { return pow(complex<T>(T(a), T(0)), b); }

// -- hyperbolic and trigonometric functions ------------------------------------------------

namespace cx_detail {

// sinh(|x|), cosh(|x|) and e^-|x| from one expm1 and one division (each inlined libm
// expansion costs NVRTC time): sinh = (e - 1)(1 + 1/e)/2 keeps small |x| accurate.
CUARRAY_CX_T T sinh_cosh_abs(T ax, T& sh, T& ch) {
  const T em = expm1(ax), e = em + 1, ie = T(1) / e;
  sh = em * (T(0.5) * (1 + ie));   // not 0.5 * em: that loses a subnormal |x|
  ch = T(0.5) * (e + ie);
  return ie;
}

// sinh(z) (or cosh(z)) for non-NaN x and finite y: sinh(x) cos(y) + i cosh(x) sin(y)
// (cosh(x) cos(y) + i sinh(x) sin(y)); past |x| = exp_big, cosh(x) = |sinh(x)| = e^|x|/2 is
// applied through exp_reduce so that only results that overflow do.
CUARRAY_CX_T complex<T> sinh_cosh(T x, T y, bool want_cosh) {
  T s, c, sh, ch;
  sincos(y, &s, &c);
  const T ax = fabs(x);
  const bool big = ax > lim<T>::exp_big();
  sinh_cosh_abs(big ? exp_reduce(ax, c, s) : ax, sh, ch);
  if (big) sh = ch = T(0.5) * (sh + ch);   // e^|x|/2 (halving c or s could lose a subnormal)
  if (signbit(x)) sh = -sh;
  return want_cosh ? complex<T>(ch * c, sh * s) : complex<T>(sh * c, ch * s);
}

}  // namespace cx_detail

// C99 Annex G csinh, e.g. sinh(+0 + i inf) = 0 + i nan, sinh(inf + iy) = inf cis(y).
CUARRAY_CX_T complex<T> sinh(const complex<T>& z) {
  const T x = z.re, y = z.im, nan = cx_detail::nan(T());
  if (cx_detail::isnan(x)) return complex<T>(x, y == 0 ? y : nan);
  if (!cx_detail::isfinite(y)) {   // the C library's choice of the unspecified sign: +inf
    if (cx_detail::isinf(x)) return complex<T>(cx_detail::fabs(x), nan);
    return complex<T>(x == 0 ? x : nan, nan);
  }
  return cx_detail::sinh_cosh(x, y, false);
}

// C99 Annex G ccosh, e.g. cosh(+0 + i inf) = nan + i0, cosh(inf + i0) = inf + i0.
CUARRAY_CX_T complex<T> cosh(const complex<T>& z) {
  const T x = z.re, y = z.im, nan = cx_detail::nan(T());
  if (cx_detail::isnan(x)) return complex<T>(x, y == 0 ? y : nan);
  if (!cx_detail::isfinite(y)) {
    if (x == 0) return complex<T>(nan, T(0));
    return complex<T>(cx_detail::isinf(x) ? cx_detail::inf(T()) : nan, nan);
  }
  return cx_detail::sinh_cosh(x, y, true);
}

// C99 Annex G ctanh (tanh(+0 + i inf) = 0 + i nan, tanh(inf + iy) = 1 + i0 sin(2y)), robust for
// large |x|: there tanh(x) = +-1 and the imaginary part is 4 sin(y) cos(y) e^(-2|x|).
CUARRAY_CX_T complex<T> tanh(const complex<T>& z) {
  const T x = z.re, y = z.im, nan = cx_detail::nan(T());
  if (!cx_detail::isfinite(x) || !cx_detail::isfinite(y)) {
    if (cx_detail::isinf(x)) {
      T s = y, c = 1;
      if (cx_detail::isfinite(y) && cx_detail::fabs(y) > 1) cx_detail::sincos(y, &s, &c);
      return complex<T>(cx_detail::copysign(T(1), x), cx_detail::copysign(T(0), s * c));
    }
    if (y == 0) return z;
    return complex<T>(x == 0 ? x : nan, nan);
  }
  T s, c, sh, ch;
  cx_detail::sincos(y, &s, &c);
  const T ax = cx_detail::fabs(x), e = cx_detail::sinh_cosh_abs(ax, sh, ch);   // e = e^-|x|
  if (ax > cx_detail::lim<T>::exp_big() / 2) {   // e applied twice to delay underflow
    return complex<T>(cx_detail::copysign(T(1), x), (4 * s * c * e) * e);
  }
  const T iden = T(1) / (sh * sh + c * c);
  return complex<T>(cx_detail::copysign(sh * ch * iden, x), s * c * iden);
}

// sin(z) = -i sinh(iz), cos(z) = cosh(iz), tan(z) = -i tanh(iz), as Annex G defines them
// (where it leaves a sign open, sin follows the C library: sin(inf + i inf) = nan + i inf).
CUARRAY_CX_T complex<T> sin(const complex<T>& z) {
  if (cx_detail::isinf(z.im) && !cx_detail::isfinite(z.re)) {
    return complex<T>(cx_detail::nan(T()), cx_detail::inf(T()));
  }
  const complex<T> w = sinh(complex<T>(-z.im, z.re));
  return complex<T>(w.im, -w.re);
}
CUARRAY_CX_T complex<T> cos(const complex<T>& z) { return cosh(complex<T>(-z.im, z.re)); }
CUARRAY_CX_T complex<T> tan(const complex<T>& z) {
  const complex<T> w = tanh(complex<T>(-z.im, z.re));
  return complex<T>(w.im, -w.re);
}

// -- inverse functions ---------------------------------------------------------------------

namespace cx_detail {

// y + ix for z = x + iy: conj(iz), formed without negating a part.
CUARRAY_CX_T complex<T> swap_parts(const complex<T>& z) { return complex<T>(z.im, z.re); }

// asin(x + iy) for finite x, y >= 0 (with acos_re: the real part of acos instead), by the
// algorithm of ACM TOMS 23(3), 1997 ("Implementing the complex arcsine and arccosine
// functions using exception handling"): accurate to a few ulp everywhere, without overflow
// or underflow.  Returns (real part, magnitude of the imaginary part).
CUARRAY_CX_T complex<T> asin_kernel(T x, T y, bool acos_re) {
  const T one = 1, half = T(0.5), eps = lim<T>::eps(), lo = lim<T>::asin_lo();
  // The real part is atan2(p, q) for asin and atan2(q, p) for acos (p, q are proportional to
  // the sine and cosine of asin's real part); the imaginary part is h log1p(u) + add, or u
  // itself where direct.  One call of each libm function keeps the inlined code small.
  T p = x, q = y, u, h = 1, add = 0;
  bool direct = false;
  if (x > lo && x < lim<T>::asin_hi() && y > lo && y < lim<T>::asin_hi()) {
    const T xp1 = x + one, xm1 = x - one, yy = y * y;
    const T r = hypot(xp1, y), s = hypot(xm1, y), A = half * (r + s), B = x / A;
    if (B <= T(0.6417)) {
      p = B;
      q = sqrt((one - B) * (one + B));
    } else {   // B close to 1: sqrt(A^2 - x^2) formed without cancellation
      q = x <= one ? sqrt(half * (A + x) * (yy / (r + xp1) + (s - xm1)))
                   : y * sqrt(half * ((A + x) / (r + xp1) + (A + x) / (s + xm1)));
    }
    if (A <= T(1.5)) {   // A - 1 without cancellation
      const T am1 = x < one ? half * (yy / (r + xp1) + yy / (s - xm1))
                            : half * (yy / (r + xp1) + (s + xm1));
      u = am1 + sqrt(am1 * (A + one));
    } else {
      u = (A - one) + sqrt((A - one) * (A + one));
    }
  } else if (y < eps * fabs(x - one)) {   // y negligible beside the distance to the cut
    if (x < one) {
      q = sqrt((one + x) * (one - x));
      u = y / q;
      direct = true;
    } else if (lim<T>::max() / (x + one) > x - one) {
      p = sqrt((x - one) * (x + one));
      u = (x - one) + p;
    } else {
      u = x;
      add = ln2<T>();
    }
  } else if (y <= lo) {   // only x == 1 gets here
    p = one;
    q = u = sqrt(y);
    direct = true;
  } else if (eps * y - one >= x) {   // |z| huge, x negligible: log(2y)
    u = y;
    add = ln2<T>();
  } else if (x > one) {   // |z| huge: log(2|z|)
    u = hypot(x * half, y * half);
    add = 2 * ln2<T>();
  } else {   // x tiny: log1p(2y(y + sqrt(1 + y^2)))/2
    q = sqrt(one + y * y);
    u = 2 * y * (y + q);
    h = half;
  }
  return complex<T>(acos_re ? atan2(q, p) : atan2(p, q), direct ? u : h * log1p(u) + add);
}

}  // namespace cx_detail

// C99 Annex G casinh; cuts along the imaginary axis outside [-i, i].
CUARRAY_CX_T complex<T> asinh(const complex<T>& z) {
  const T x = z.re, y = z.im, nan = cx_detail::nan(T());
  if (!cx_detail::isfinite(x) || !cx_detail::isfinite(y)) {
    if (cx_detail::isinf(y)) {   // +-inf + i(pi/2 or pi/4); the sign of inf copies even a NaN x's
      const T im = cx_detail::isinf(x) ? cx_detail::pi_4<T>() : cx_detail::pi_2<T>();
      return complex<T>(cx_detail::copysign(cx_detail::inf(T()), x),
                        cx_detail::isnan(x) ? nan : cx_detail::copysign(im, y));
    }
    if (cx_detail::isinf(x)) {
      return complex<T>(x, cx_detail::isnan(y) ? y : cx_detail::copysign(T(0), y));
    }
    if (cx_detail::isnan(x)) return complex<T>(x, y == 0 ? y : nan);   // NaN + i0 gives NaN + i0
    return complex<T>(nan, nan);
  }
  const complex<T> k = cx_detail::asin_kernel(cx_detail::fabs(y), cx_detail::fabs(x), false);
  return complex<T>(cx_detail::copysign(k.im, x), cx_detail::copysign(k.re, y));
}

// asin(z) = -i asinh(iz) (Annex G); cuts along the real axis outside [-1, 1].  As asinh is
// odd and asinh(conj(z)) = conj(asinh(z)), that is asinh(y + ix) with its parts swapped: no
// part is negated.  That matters for a NaN part, whose sign gives the sign of an infinite
// result as in the C library (asin(inf + i nan) = nan + i inf): PTX leaves the sign of a
// negated NaN unspecified, and the device answers with the positive NaN.
CUARRAY_CX_T complex<T> asin(const complex<T>& z) {
  return cx_detail::swap_parts(asinh(cx_detail::swap_parts(z)));
}

// C99 Annex G cacos; the real part lies in [0, pi], acos(2 + 0j) = -1.3169...j.
CUARRAY_CX_T complex<T> acos(const complex<T>& z) {
  const T x = z.re, y = z.im, nan = cx_detail::nan(T()), inf = cx_detail::inf(T());
  if (cx_detail::isinf(y)) {   // pi/2, pi/4 or 3pi/4 - i inf sign(y)
    const T re = cx_detail::isinf(x) ? (x > 0 ? 1 : 3) * cx_detail::pi_4<T>()
                                     : cx_detail::pi_2<T>();
    return complex<T>(cx_detail::isnan(x) ? x : re, -y);
  }
  if (cx_detail::isinf(x)) {   // 0 or pi - i inf sign(y); NaN -+ i inf for NaN y
    if (cx_detail::isnan(y)) return complex<T>(y, -cx_detail::copysign(inf, y));
    return complex<T>(x > 0 ? T(0) : cx_detail::pi<T>(), -cx_detail::copysign(inf, y));
  }
  if (cx_detail::isnan(x) || cx_detail::isnan(y)) {   // acos(+-0 + i nan) = pi/2 + i nan
    return complex<T>(x == 0 ? cx_detail::pi_2<T>() : nan, nan);
  }
  const complex<T> k = cx_detail::asin_kernel(cx_detail::fabs(x), cx_detail::fabs(y), true);
  return complex<T>(x < 0 ? cx_detail::pi<T>() - k.re : k.re, cx_detail::copysign(k.im, -y));
}

// C99 Annex G cacosh: acosh(z) = +-i acos(z), the sign making the real part non-negative
// (acosh(+-0 + i nan) = nan + i pi/2, acosh(x + i nan) = nan + i nan for other finite x).
CUARRAY_CX_T complex<T> acosh(const complex<T>& z) {
  if (cx_detail::isnan(z.im) && cx_detail::isfinite(z.re) && z.re != 0) {
    return complex<T>(cx_detail::nan(T()), cx_detail::nan(T()));
  }
  const complex<T> w = acos(z);
  return complex<T>(cx_detail::fabs(w.im), cx_detail::copysign(w.re, z.im));
}

// C99 Annex G catanh; cuts along the real axis outside [-1, 1].  The real part is
// log1p(4|x| / ((1 - |x|)^2 + y^2)) / 4, the imaginary part atan2(2y, 1 - x^2 - y^2) / 2
// with 1 - x^2 - y^2 formed without cancellation; past 16/eps, atanh(z) = 1/z + i pi/2.
CUARRAY_CX_T complex<T> atanh(const complex<T>& z) {
  const T x = z.re, y = z.im, nan = cx_detail::nan(T()), pi_2 = cx_detail::pi_2<T>();
  const T ax = cx_detail::fabs(x), ay = cx_detail::fabs(y), eps = cx_detail::lim<T>::eps();
  if (cx_detail::isinf(x) || cx_detail::isinf(y) || (x == 0 && cx_detail::isnan(y))) {
    return complex<T>(cx_detail::copysign(T(0), x),
                      cx_detail::isnan(y) ? y : cx_detail::copysign(pi_2, y));
  }
  if (cx_detail::isnan(x) || cx_detail::isnan(y)) return complex<T>(nan, nan);
  T re;
  if (ax >= 16 / eps || ay >= 16 / eps) {
    if (ay <= 1) {
      re = 1 / x;
    } else if (ax <= 1) {
      re = x / y / y;
    } else {
      const T h = cx_detail::hypot(x * T(0.5), y * T(0.5));
      re = x / h / h / 4;
    }
    return complex<T>(re, cx_detail::copysign(pi_2, y));
  }
  if (ax == 1 && ay < eps * eps) {
    re = T(0.5) * (cx_detail::ln2<T>() - cx_detail::log(ay));
  } else {
    re = T(0.25) * cx_detail::log1p(4 * ax / ((1 - ax) * (1 - ax) + ay * ay));
  }
  // 0 - (...) turns an exact -0 into +0, so that atanh(1 + 0j) has imaginary part +0.
  const T den = T(0) - (ax >= ay ? cx_detail::x2y2m1(ax, ay) : cx_detail::x2y2m1(ay, ax));
  return complex<T>(cx_detail::copysign(re, x), T(0.5) * cx_detail::atan2(2 * y, den));
}

// atan(z) = -i atanh(iz) (Annex G); cuts along the imaginary axis outside [-i, i].  Computed as
// atanh(y + ix) with its parts swapped, as asin (atan(inf + i nan) = pi/2 + i0, with the zero
// taking the NaN's sign, as the C library).
CUARRAY_CX_T complex<T> atan(const complex<T>& z) {
  return cx_detail::swap_parts(atanh(cx_detail::swap_parts(z)));
}

}  // namespace cuarray

#undef CUARRAY_CX_T
#undef CUARRAY_CX
#endif  // CUARRAY_COMPLEX_CUH
