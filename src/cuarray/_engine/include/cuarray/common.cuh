// Definitions every generated kernel may use.  Keep this header small and free
// of other includes: every kernel compile parses it, and NVRTC time is user time.
#ifndef CUARRAY_COMMON_CUH
#define CUARRAY_COMMON_CUH

namespace cuarray {

// Fixed-width integers without <cstdint> (a CCCL include costs compile time).
typedef signed char int8;
typedef short int16;
typedef int int32;
typedef long long int64;
typedef unsigned char uint8;
typedef unsigned short uint16;
typedef unsigned int uint32;
typedef unsigned long long uint64;

static_assert(sizeof(int64) == 8 && sizeof(int32) == 4 && sizeof(int16) == 2,
              "unexpected integer sizes");

// A run of N values loaded or stored with one vector access (16 bytes at most).
template <typename T, int N>
struct alignas(sizeof(T) * N) vec {
  T v[N];
};

}  // namespace cuarray

// Grid-stride loop over [0, n): correct for any grid size, so launchers may cap the grid.
// The index type is the caller's (32-bit where every extent fits, else 64-bit).
#define CUARRAY_GRID_STRIDE_LOOP(type, i, n)                                     \
  for (type i = (type)blockIdx.x * blockDim.x + threadIdx.x; i < (type)(n);      \
       i += (type)blockDim.x * gridDim.x)

#endif  // CUARRAY_COMMON_CUH
