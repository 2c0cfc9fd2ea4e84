// Device helpers of the indexing kernels (gather, scatter, bounds checks, compaction).
// Small and free of other includes: NVRTC parses it for every such kernel.
#ifndef CUARRAY_INDEXING_CUH
#define CUARRAY_INDEXING_CUH

namespace cuarray {
namespace ix {

// An element moved without looking at its value: gathers and same-dtype scatters copy
// words of the element's size.  16-byte elements (complex128) are two 8-byte words, so
// that a view aligned to 8 bytes only stays correct.
struct alignas(8) word16 {
  unsigned long long lo, hi;
};
template <int N> struct word_of;
template <> struct word_of<1> { typedef unsigned char type; };
template <> struct word_of<2> { typedef unsigned short type; };
template <> struct word_of<4> { typedef unsigned int type; };
template <> struct word_of<8> { typedef unsigned long long type; };
template <> struct word_of<16> { typedef word16 type; };

// Index modes.  The value converts to int64 first, as NumPy casts index arrays to intp
// (a uint64 index wraps to a negative one).  Out of range, "raise" stores 1 in *flag
// (the launcher reads that word once and raises IndexError) and gives -1.
__device__ __forceinline__ long long norm_raise(long long v, long long n, int* flag) {
  if (v < 0) v += n;
  if ((unsigned long long)v >= (unsigned long long)n) {
    *flag = 1;
    return -1;
  }
  return v;
}
// choose's "raise": negative values are invalid too.
__device__ __forceinline__ long long norm_strict(long long v, long long n, int* flag) {
  if ((unsigned long long)v >= (unsigned long long)n) {
    *flag = 1;
    return -1;
  }
  return v;
}
// Indices known to be in range (checked before the launch): negative ones count from the end.
__device__ __forceinline__ long long norm_nocheck(long long v, long long n) {
  return v < 0 ? v + n : v;
}
__device__ __forceinline__ long long norm_wrap(long long v, long long n) {
  v %= n;
  return v < 0 ? v + n : v;
}
// NumPy's "clip" clips negative indices to 0 (they do not count from the end).
__device__ __forceinline__ long long norm_clip(long long v, long long n) {
  return v < 0 ? 0 : (v >= n ? n - 1 : v);
}

// Inclusive prefix sum across a full warp.
template <typename T>
__device__ __forceinline__ T warp_inclusive_scan(T x) {
  const int lane = threadIdx.x & 31;
#pragma unroll
  for (int d = 1; d < 32; d <<= 1) {
    const T y = __shfl_up_sync(0xffffffffu, x, d);
    if (lane >= d) x += y;
  }
  return x;
}

template <typename T>
__device__ __forceinline__ T warp_sum(T x) {
#pragma unroll
  for (int d = 16; d > 0; d >>= 1) x += __shfl_down_sync(0xffffffffu, x, d);
  return x;
}

}  // namespace ix
}  // namespace cuarray

#endif  // CUARRAY_INDEXING_CUH
