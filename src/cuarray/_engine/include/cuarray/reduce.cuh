// Device code shared by every reduction kernel: warp and block combines of any
// accumulator type, the (value, index) accumulator of argmin/argmax, and the
// extreme values reductions without an identity start from.
#ifndef CUARRAY_REDUCE_CUH
#define CUARRAY_REDUCE_CUH

namespace cuarray {
template <typename T> struct complex;
namespace red {

// Shuffle any trivially copyable value as 32-bit words, so structs (complex,
// (value, index) pairs) reduce through registers like scalars do.
template <typename T>
__device__ __forceinline__ T shfl_down(const T& v, int delta) {
  constexpr int W = (sizeof(T) + 3) / 4;
  int w[W];
#pragma unroll
  for (int k = 0; k < W; ++k) w[k] = 0;
  memcpy(w, &v, sizeof(T));
#pragma unroll
  for (int k = 0; k < W; ++k) w[k] = __shfl_down_sync(0xffffffffu, w[k], delta);
  T r;
  memcpy(&r, w, sizeof(T));
  return r;
}

// Lane 0 gets the combine of the warp's 32 values, in a fixed tree order.
template <typename Op, typename T>
__device__ __forceinline__ T warp_reduce(T v) {
#pragma unroll
  for (int d = 16; d > 0; d >>= 1) v = Op::reduce(v, shfl_down(v, d));
  return v;
}

// Thread 0 gets the combine of a 1-D block of NT threads (NT a multiple of 32).
template <int NT, typename Op, typename T>
__device__ __forceinline__ T block_reduce(T v) {
  __shared__ T partial[NT / 32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_reduce<Op>(v);
  if (NT == 32) return v;
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < NT / 32 ? partial[lane] : Op::identity();
    v = warp_reduce<Op>(v);
  }
  return v;
}

// Row ty == 0 of a (TX, TY) block gets, per column tx, the combine over ty.
template <int TX, int TY, typename Op, typename T>
__device__ __forceinline__ T column_reduce(T v) {
  if (TY == 1) return v;
  __shared__ T tile[TY][TX];
  tile[threadIdx.y][threadIdx.x] = v;
  __syncthreads();
#pragma unroll
  for (int s = TY / 2; s > 0; s >>= 1) {
    if (threadIdx.y < s)
      tile[threadIdx.y][threadIdx.x] =
          Op::reduce(tile[threadIdx.y][threadIdx.x], tile[threadIdx.y + s][threadIdx.x]);
    __syncthreads();
  }
  return tile[0][threadIdx.x];
}

// -- extreme values --------------------------------------------------------------------------
template <typename T> struct limits;
#define CUARRAY_RED_LIMITS(T, LO, HI)                                  \
  template <> struct limits<T> {                                      \
    static __device__ __forceinline__ T lowest() { return LO; }       \
    static __device__ __forceinline__ T highest() { return HI; }      \
    static __device__ __forceinline__ T nan_or_lowest() { return LO; }  \
    static __device__ __forceinline__ T nan_or_highest() { return HI; } \
  };
CUARRAY_RED_LIMITS(bool, false, true)
CUARRAY_RED_LIMITS(signed char, -128, 127)
CUARRAY_RED_LIMITS(unsigned char, 0, 255)
CUARRAY_RED_LIMITS(short, -32768, 32767)
CUARRAY_RED_LIMITS(unsigned short, 0, 65535)
CUARRAY_RED_LIMITS(int, (-2147483647 - 1), 2147483647)
CUARRAY_RED_LIMITS(unsigned int, 0u, 4294967295u)
CUARRAY_RED_LIMITS(long long, (-9223372036854775807LL - 1), 9223372036854775807LL)
CUARRAY_RED_LIMITS(unsigned long long, 0ull, 18446744073709551615ull)
#undef CUARRAY_RED_LIMITS

#define CUARRAY_RED_FLIMITS(T, INF, NAN_)                                     \
  template <> struct limits<T> {                                              \
    static __device__ __forceinline__ T lowest() { return -(INF); }           \
    static __device__ __forceinline__ T highest() { return INF; }             \
    static __device__ __forceinline__ T nan_or_lowest() { return NAN_; }      \
    static __device__ __forceinline__ T nan_or_highest() { return NAN_; }     \
  };
CUARRAY_RED_FLIMITS(float, __int_as_float(0x7f800000), __int_as_float(0x7fc00000))
CUARRAY_RED_FLIMITS(double, __longlong_as_double(0x7ff0000000000000LL),
                    __longlong_as_double(0x7ff8000000000000LL))
#undef CUARRAY_RED_FLIMITS

// Complex numbers order lexicographically (NumPy's rule for maximum/minimum).
template <typename T> struct limits<complex<T>> {
  static __device__ __forceinline__ complex<T> lowest() {
    return complex<T>(limits<T>::lowest(), limits<T>::lowest());
  }
  static __device__ __forceinline__ complex<T> highest() {
    return complex<T>(limits<T>::highest(), limits<T>::highest());
  }
  static __device__ __forceinline__ complex<T> nan_or_lowest() {
    return complex<T>(limits<T>::nan_or_lowest(), limits<T>::nan_or_lowest());
  }
  static __device__ __forceinline__ complex<T> nan_or_highest() {
    return complex<T>(limits<T>::nan_or_highest(), limits<T>::nan_or_highest());
  }
};

template <typename T> __device__ __forceinline__ T lowest() { return limits<T>::lowest(); }
template <typename T> __device__ __forceinline__ T highest() { return limits<T>::highest(); }
template <typename T> __device__ __forceinline__ T nan_or_lowest() {
  return limits<T>::nan_or_lowest();
}
template <typename T> __device__ __forceinline__ T nan_or_highest() {
  return limits<T>::nan_or_highest();
}

template <typename T> __device__ __forceinline__ bool is_nan(T x) { return x != x; }
template <typename T> __device__ __forceinline__ bool is_nan(const complex<T>& z) {
  return z.re != z.re || z.im != z.im;
}

// An element of an in-order reduction under a where-mask: skipped when ``keep`` is false.
template <typename T>
struct masked {
  T v;
  bool keep;
};

// -- argmin / argmax ---------------------------------------------------------------------------
// NumPy's rule: the first NaN wins; otherwise the extreme value, the lowest index on ties.
// The index breaks every tie, so the combine is commutative and associative and the result
// does not depend on the order partial results meet in.
template <typename T>
struct arg {
  T v;
  long long i;
};

template <typename T, typename Less>
__device__ __forceinline__ arg<T> arg_pick(const arg<T>& a, const arg<T>& b, Less better) {
  const bool an = is_nan(a.v), bn = is_nan(b.v);
  if (an || bn) {
    if (an && bn) return a.i <= b.i ? a : b;
    return an ? a : b;
  }
  if (better(a.v, b.v)) return a;
  if (better(b.v, a.v)) return b;
  return a.i <= b.i ? a : b;
}

// arg_pick for a thread's own running result ``a`` and its next element ``b``, whose
// index is higher than all of a's (a thread walks its elements in index order): ties
// and NaNs resolve without comparing indices, except against the start value.
template <typename T, typename Less>
__device__ __forceinline__ arg<T> arg_step(const arg<T>& a, const arg<T>& b, Less better) {
  if (b.i < a.i) return arg_pick(a, b, better);     // a is still the start value
  if (is_nan(a.v)) return a;
  return (is_nan(b.v) || better(b.v, a.v)) ? b : a;
}

}  // namespace red
}  // namespace cuarray

#endif  // CUARRAY_REDUCE_CUH
