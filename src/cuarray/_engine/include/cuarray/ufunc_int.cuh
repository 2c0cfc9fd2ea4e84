// Device helpers for the integer, division and bit-twiddling ufuncs, written to give NumPy's
// results where plain C++ would be undefined or differ from NumPy:
// - floor division and remainder follow Python (quotient rounded down, remainder with the
//   divisor's sign); NumPy's integer loops return 0 for a zero divisor (with a warning) and
//   wrap INT_MIN // -1 to INT_MIN, and so do these;
// - float floor division, remainder and divmod are NumPy's npy_divmod (CPython's algorithm);
// - power, negation and absolute value of signed integers wrap as NumPy's do, computed in
//   unsigned arithmetic (signed overflow is undefined in C++);
// - shifts by a negative count or by the bit width or more give 0 (-1 for a negative value
//   shifted right), as NumPy's npy_lshift / npy_rshift, not C++'s undefined behaviour;
// - gcd, lcm and bitwise_count work on absolute values, as NumPy's npy_gcd and npy_popcount;
// - comparisons of a signed with an unsigned integer compare values, as NumPy's loops do.
//
// Everything is also plain C++ (include <math.h> first and define __popc/__popcll) so that the
// algorithms can be checked on the host against NumPy.
#ifndef CUARRAY_UFUNC_INT_CUH
#define CUARRAY_UFUNC_INT_CUH

#ifdef __CUDACC__
#define CUARRAY_UI __device__ __forceinline__
#else
#define CUARRAY_UI inline
#endif

namespace cuarray {
namespace intops {

// The unsigned type products are computed in: the type's own width, but never narrower than
// unsigned int, so that integer promotion never turns them into (overflowing) signed int.
template <typename T> struct wide_unsigned;
template <> struct wide_unsigned<signed char> { typedef unsigned int type; };
template <> struct wide_unsigned<unsigned char> { typedef unsigned int type; };
template <> struct wide_unsigned<short> { typedef unsigned int type; };
template <> struct wide_unsigned<unsigned short> { typedef unsigned int type; };
template <> struct wide_unsigned<int> { typedef unsigned int type; };
template <> struct wide_unsigned<unsigned int> { typedef unsigned int type; };
template <> struct wide_unsigned<long long> { typedef unsigned long long type; };
template <> struct wide_unsigned<unsigned long long> { typedef unsigned long long type; };

template <typename T> struct is_signed { static constexpr bool value = T(-1) < T(0); };

// |a| as an unsigned number: exact for every value, INT_MIN included.
template <typename T>
CUARRAY_UI typename wide_unsigned<T>::type abs_unsigned(T a) {
  typedef typename wide_unsigned<T>::type U;
  if constexpr (is_signed<T>::value) {
    return a < 0 ? U(0) - U(a) : U(a);
  } else {
    return U(a);
  }
}

// absolute(INT_MIN) is INT_MIN, as in NumPy.
template <typename T> CUARRAY_UI T absolute(T a) {
  if constexpr (is_signed<T>::value) {
    return a < 0 ? T(abs_unsigned(a)) : a;
  } else {
    return a;
  }
}

// -- comparisons exact across signedness ------------------------------------------------------

// NumPy's int64-uint64 comparison loops compare the mathematical values (C++ would convert
// the signed operand to unsigned): a negative value is below every unsigned one.
template <typename A, typename B> CUARRAY_UI bool cmp_less(A a, B b) {
  if constexpr (is_signed<A>::value == is_signed<B>::value) {
    return a < b;
  } else if constexpr (is_signed<A>::value) {
    return a < A(0) || (unsigned long long)a < (unsigned long long)b;
  } else {
    return b >= B(0) && (unsigned long long)a < (unsigned long long)b;
  }
}

template <typename A, typename B> CUARRAY_UI bool cmp_equal(A a, B b) {
  if constexpr (is_signed<A>::value == is_signed<B>::value) {
    return a == b;
  } else if constexpr (is_signed<A>::value) {
    return a >= A(0) && (unsigned long long)a == (unsigned long long)b;
  } else {
    return b >= B(0) && (unsigned long long)a == (unsigned long long)b;
  }
}

template <typename A, typename B> CUARRAY_UI bool cmp_less_equal(A a, B b) {
  return !cmp_less(b, a);
}

// -- integer floor division, remainder, divmod ----------------------------------------------

template <typename T> CUARRAY_UI T floor_divide(T a, T b) {
  typedef typename wide_unsigned<T>::type U;
  if (b == 0) return T(0);
  if constexpr (is_signed<T>::value) {
    if (b == T(-1)) return T(U(0) - U(a));      // -a, wrapping INT_MIN to itself
    T q = T(a / b);
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  } else {
    return T(a / b);
  }
}

template <typename T> CUARRAY_UI T remainder(T a, T b) {
  if (b == 0) return T(0);
  if constexpr (is_signed<T>::value) {
    if (b == T(-1)) return T(0);
    T r = T(a % b);
    if (r != 0 && ((r < 0) != (b < 0))) r = T(r + b);
    return r;
  } else {
    return T(a % b);
  }
}

template <typename T> CUARRAY_UI void divmod(T a, T b, T& q, T& r) {
  q = floor_divide(a, b);
  r = remainder(a, b);
}

// -- float floor division, remainder, divmod (NumPy's npy_divmod) ----------------------------

template <typename T> CUARRAY_UI T divmod_fp(T a, T b, T& modulus) {
  T mod = fmod(a, b);
  if (!b) {       // b == 0 (not NaN): fmod's NaN, and a / b for the quotient
    modulus = mod;
    return a / b;
  }
  T div = (a - mod) / b;     // a - mod is very nearly an integral multiple of b
  if (mod) {                 // give the remainder the divisor's sign (Python's convention)
    if ((b < T(0)) != (mod < T(0))) {
      mod += b;
      div -= T(1);
    }
  } else {
    mod = copysign(T(0), b);
  }
  T floordiv;
  if (div) {                 // snap the quotient to the nearest integral value
    floordiv = floor(div);
    if (div - floordiv > T(0.5)) floordiv += T(1);
  } else {
    floordiv = copysign(T(0), a / b);
  }
  modulus = mod;
  return floordiv;
}

template <typename T> CUARRAY_UI T floor_divide_fp(T a, T b) {
  if (!b) return a / b;
  T mod;
  return divmod_fp(a, b, mod);
}

template <typename T> CUARRAY_UI T remainder_fp(T a, T b) {
  if (!b) return fmod(a, b);
  T mod;
  divmod_fp(a, b, mod);
  return mod;
}

// -- integer power ---------------------------------------------------------------------------

// Repeated squaring in unsigned arithmetic: the result is a**b modulo 2**bits, as NumPy's
// wrapping loop gives.  NumPy raises ValueError for negative exponents; a GPU cannot, so this
// returns 1/a**|b| truncated to an integer (CuPy's choice): 1 for a == 1, +-1 for a == -1, and
// 0 otherwise (0 ** negative included).
template <typename T> CUARRAY_UI T power(T a, T b) {
  typedef typename wide_unsigned<T>::type U;
  if constexpr (is_signed<T>::value) {
    if (b < 0) {
      if (a == T(1)) return T(1);
      if (a == T(-1)) return (b & 1) ? T(-1) : T(1);
      return T(0);
    }
  }
  U base = U(a), out = U(1);
  for (U e = U(b); e != 0; e >>= 1) {
    if (e & 1) out *= base;
    base *= base;
  }
  return T(out);
}

// -- shifts ------------------------------------------------------------------------------------

template <typename T> CUARRAY_UI bool shift_in_range(T b) {
  // NumPy compares (size_t)b with the width, so a negative count is out of range too.
  return (unsigned long long)(long long)b < 8ull * sizeof(T);
}

template <typename T> CUARRAY_UI T left_shift(T a, T b) {
  typedef typename wide_unsigned<T>::type U;
  return shift_in_range(b) ? T(U(a) << int(b)) : T(0);
}

template <typename T> CUARRAY_UI T right_shift(T a, T b) {
  if (shift_in_range(b)) return T(a >> int(b));
  if constexpr (is_signed<T>::value) {
    return a < 0 ? T(-1) : T(0);
  } else {
    return T(0);
  }
}

// -- gcd, lcm, popcount ------------------------------------------------------------------------

template <typename U> CUARRAY_UI U gcd_unsigned(U a, U b) {
  while (a != 0) {
    const U c = a;
    a = b % a;
    b = c;
  }
  return b;
}

template <typename T> CUARRAY_UI T gcd(T a, T b) {
  return T(gcd_unsigned(abs_unsigned(a), abs_unsigned(b)));
}

// lcm(a, 0) = 0; otherwise |a| / gcd * |b|, wrapping like NumPy when it does not fit.
template <typename T> CUARRAY_UI T lcm(T a, T b) {
  const auto x = abs_unsigned(a), y = abs_unsigned(b);
  const auto g = gcd_unsigned(x, y);
  return g == 0 ? T(0) : T(x / g * y);
}

// Bits set in |a| (NumPy's bitwise_count counts the absolute value of signed integers).
template <typename T> CUARRAY_UI unsigned char popcount(T a) {
  const auto x = abs_unsigned(a);
  if constexpr (sizeof(x) == 8) {
    return (unsigned char)__popcll(x);
  } else {
    return (unsigned char)__popc(x);
  }
}

}  // namespace intops
}  // namespace cuarray

#undef CUARRAY_UI
#endif  // CUARRAY_UFUNC_INT_CUH
