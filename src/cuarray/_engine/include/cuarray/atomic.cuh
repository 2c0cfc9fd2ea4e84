// Atomic read-modify-write of one array element, for the scatter kernels behind ufunc.at.
//
// - Native atomics where the hardware computes exactly what the ufunc's loop computes:
//   integer add/sub (two's complement wraps as NumPy's loops do), max/min, and/or/xor, and
//   float64 add.  float32 add is a compare-and-swap loop: plain atomicAdd on float flushes
//   subnormal operands and results to zero in global memory, which NumPy does not.
// - update(p, f): any other operation, as a compare-and-swap loop that stores f(old).  Bytes
//   (bool, int8, uint8) swap their aligned 32-bit word, 2-byte types use the 16-bit CAS
//   (sm_70 and later), 4- and 8-byte types their own width, and 16-byte types (complex128)
//   the 128-bit CAS of sm_90 and later (earlier devices trap: the launcher never sends
//   16-byte updates there).
//
// Keep this header small and free of includes: NVRTC time is user time.
#ifndef CUARRAY_ATOMIC_CUH
#define CUARRAY_ATOMIC_CUH

#define CUARRAY_AT __device__ __forceinline__

namespace cuarray {
namespace atomic {

template <typename U, typename T> CUARRAY_AT U bits_of(const T& v) {
  U u;
  memcpy(&u, &v, sizeof(T));
  return u;
}

template <typename T, typename U> CUARRAY_AT T from_bits(const U& u) {
  T v;
  memcpy(&v, &u, sizeof(T));
  return v;
}

// Width-sized unsigned integers for compare-and-swap.
template <int N> struct word;
template <> struct word<2> { typedef unsigned short type; };
template <> struct word<4> { typedef unsigned int type; };
template <> struct word<8> { typedef unsigned long long type; };

// The aligned 32-bit word holding a byte-sized element, and the element's bit offset in it.
// That word lies in the same allocation page as the element, so reading it is safe, and the
// bytes of neighbouring elements are written back unchanged (a CAS fails if they changed).
template <typename T> CUARRAY_AT unsigned int* word_of(T* p, unsigned int* shift) {
  const unsigned long long addr = reinterpret_cast<unsigned long long>(p);
  *shift = (unsigned int)(addr & 3ull) * 8u;
  return reinterpret_cast<unsigned int*>(addr & ~3ull);
}

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
// 128-bit compare-and-swap of sm_90 (PTX atom.cas.b128); returns the old value.
CUARRAY_AT void cas128(void* p, unsigned long long& lo, unsigned long long& hi,
                       unsigned long long new_lo, unsigned long long new_hi) {
  asm volatile(
      "{\n\t.reg .b128 d, c, s;\n\t"
      "mov.b128 c, {%0, %1};\n\t"
      "mov.b128 s, {%2, %3};\n\t"
      "atom.cas.b128 d, [%4], c, s;\n\t"
      "mov.b128 {%0, %1}, d;\n\t}"
      : "+l"(lo), "+l"(hi)
      : "l"(new_lo), "l"(new_hi), "l"(p)
      : "memory");
}
#endif

// *p = f(*p), atomically.  An update that leaves the bits of a value read in one access as
// they are stores nothing: that value was current at that moment, so the no-op takes effect
// there.
template <typename T, typename F> CUARRAY_AT void update(T* p, F f) {
  if constexpr (sizeof(T) == 1) {
    unsigned int shift;
    unsigned int* w = word_of(p, &shift);
    unsigned int old = *reinterpret_cast<volatile unsigned int*>(w), seen;
    do {
      seen = old;
      const T v = f(from_bits<T>((unsigned char)(seen >> shift)));
      const unsigned int next =
          (seen & ~(0xffu << shift)) | ((unsigned int)bits_of<unsigned char>(v) << shift);
      if (next == seen) return;
      old = atomicCAS(w, seen, next);
    } while (old != seen);
  } else if constexpr (sizeof(T) == 16) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    // The first read is two 8-byte loads and may mix two values, so unlike the narrower
    // types an unchanged result is still swapped in: only the CAS's own read is atomic.
    volatile unsigned long long* q = reinterpret_cast<volatile unsigned long long*>(p);
    unsigned long long lo = q[0], hi = q[1];
    while (true) {
      unsigned long long parts[2] = {lo, hi};
      const T v = f(from_bits<T>(parts));
      unsigned long long next[2];
      memcpy(next, &v, 16);
      const unsigned long long was_lo = lo, was_hi = hi;
      cas128(p, lo, hi, next[0], next[1]);
      if (lo == was_lo && hi == was_hi) return;
    }
#else
    __trap();
#endif
  } else {
    typedef typename word<sizeof(T)>::type W;
    W* w = reinterpret_cast<W*>(p);
    W old = *reinterpret_cast<volatile W*>(w), seen;
    do {
      seen = old;
      const W next = bits_of<W>(f(from_bits<T>(seen)));
      if (next == seen) return;
      old = atomicCAS(w, seen, next);
    } while (old != seen);
  }
}

// -- native operations (the launcher picks them only for the dtypes listed here) -------------

CUARRAY_AT void add(int* p, int v) { atomicAdd(p, v); }
CUARRAY_AT void add(unsigned int* p, unsigned int v) { atomicAdd(p, v); }
CUARRAY_AT void add(long long* p, long long v) {
  atomicAdd(reinterpret_cast<unsigned long long*>(p), (unsigned long long)v);
}
CUARRAY_AT void add(unsigned long long* p, unsigned long long v) { atomicAdd(p, v); }
CUARRAY_AT void add(double* p, double v) { atomicAdd(p, v); }
CUARRAY_AT void add(float* p, float v) {
  // A CAS loop, not atomicAdd: the native float atomic flushes subnormals in global memory,
  // and the non-flushing `red.add.noftz.f32` is rejected by CUDA 13.0's ptxas.
  update(p, [v](float x) { return x + v; });
}

// a - b is a + (-b) exactly: in IEEE arithmetic (signed zeros included) and in two's complement.
CUARRAY_AT void sub(int* p, int v) {
  atomicAdd(reinterpret_cast<unsigned int*>(p), 0u - (unsigned int)v);
}
CUARRAY_AT void sub(unsigned int* p, unsigned int v) { atomicAdd(p, 0u - v); }
CUARRAY_AT void sub(long long* p, long long v) {
  atomicAdd(reinterpret_cast<unsigned long long*>(p), 0ull - (unsigned long long)v);
}
CUARRAY_AT void sub(unsigned long long* p, unsigned long long v) { atomicAdd(p, 0ull - v); }
CUARRAY_AT void sub(float* p, float v) { add(p, -v); }
CUARRAY_AT void sub(double* p, double v) { atomicAdd(p, -v); }

CUARRAY_AT void max(int* p, int v) { atomicMax(p, v); }
CUARRAY_AT void max(unsigned int* p, unsigned int v) { atomicMax(p, v); }
CUARRAY_AT void max(long long* p, long long v) { atomicMax(p, v); }
CUARRAY_AT void max(unsigned long long* p, unsigned long long v) { atomicMax(p, v); }
CUARRAY_AT void min(int* p, int v) { atomicMin(p, v); }
CUARRAY_AT void min(unsigned int* p, unsigned int v) { atomicMin(p, v); }
CUARRAY_AT void min(long long* p, long long v) { atomicMin(p, v); }
CUARRAY_AT void min(unsigned long long* p, unsigned long long v) { atomicMin(p, v); }

// Bitwise operations on any integer or bool: 4- and 8-byte types directly, 1- and 2-byte
// types on their aligned 32-bit word (neighbours see and 1s, or/xor 0s: unchanged).
#define CUARRAY_AT_BITWISE(NAME, FN, KEEP)                                                   \
  template <typename T> CUARRAY_AT void NAME(T* p, T v) {                                   \
    if constexpr (sizeof(T) == 8) {                                                          \
      FN(reinterpret_cast<unsigned long long*>(p), bits_of<unsigned long long>(v));          \
    } else if constexpr (sizeof(T) == 4) {                                                   \
      FN(reinterpret_cast<unsigned int*>(p), bits_of<unsigned int>(v));                      \
    } else {                                                                                 \
      const unsigned int mask = sizeof(T) == 1 ? 0xffu : 0xffffu;                            \
      const unsigned int b = sizeof(T) == 1 ? (unsigned int)bits_of<unsigned char>(v)       \
                                            : (unsigned int)bits_of<unsigned short>(v);      \
      unsigned int shift;                                                                    \
      unsigned int* w = word_of(p, &shift);                                                  \
      FN(w, (b << shift) | (KEEP ? ~(mask << shift) : 0u));                                  \
    }                                                                                        \
  }
CUARRAY_AT_BITWISE(bit_and, atomicAnd, true)
CUARRAY_AT_BITWISE(bit_or, atomicOr, false)
CUARRAY_AT_BITWISE(bit_xor, atomicXor, false)
#undef CUARRAY_AT_BITWISE

}  // namespace atomic
}  // namespace cuarray

#endif  // CUARRAY_ATOMIC_CUH
