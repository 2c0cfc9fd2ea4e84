// What user kernels (ElementwiseKernel, ReductionKernel) see besides their element
// variables: ``raw`` array parameters and the loop index object ``_ind``.
// Semantics follow CuPy's CArray and CIndexer, so CuPy kernels compile unchanged.
#ifndef CUARRAY_RAW_CUH
#define CUARRAY_RAW_CUH

typedef long ptrdiff_t;

namespace cuarray {

// A whole array passed to a kernel: data, size, shape and byte strides.  Indexing with one
// integer takes a C-order flat index (any layout); with an array of N integers, a
// multi-index.  Methods are const but give writable elements (a shallow const, as CArray's).
template <typename T, int N>
struct raw {
  T* data_;
  long long size_;
  long long contiguous_;                 // C-contiguous: a flat index is a plain offset
  long long shape_[N > 0 ? N : 1];
  long long strides_[N > 0 ? N : 1];     // bytes

  __device__ __forceinline__ long long size() const { return size_; }
  __device__ __forceinline__ const long long* shape() const { return shape_; }
  __device__ __forceinline__ const long long* strides() const { return strides_; }
  __device__ __forceinline__ T* data() const { return data_; }
  static constexpr int ndim = N;

  __device__ __forceinline__ T& at(long long i) const {
    if (contiguous_) return data_[i];
    const char* p = reinterpret_cast<const char*>(data_);
    for (int d = N - 1; d > 0; --d) {
      p += (i % shape_[d]) * strides_[d];
      i /= shape_[d];
    }
    if (N > 0) p += i * strides_[0];
    return *const_cast<T*>(reinterpret_cast<const T*>(p));
  }
  __device__ __forceinline__ T& operator[](int i) const { return at(i); }
  __device__ __forceinline__ T& operator[](unsigned int i) const { return at(i); }
  __device__ __forceinline__ T& operator[](long i) const { return at(i); }
  __device__ __forceinline__ T& operator[](unsigned long i) const { return at((long long)i); }
  __device__ __forceinline__ T& operator[](long long i) const { return at(i); }
  __device__ __forceinline__ T& operator[](unsigned long long i) const {
    return at((long long)i);
  }
  template <typename I>
  __device__ __forceinline__ T& operator[](const I (&idx)[N > 0 ? N : 1]) const {
    const char* p = reinterpret_cast<const char*>(data_);
    for (int d = 0; d < N; ++d) p += (long long)idx[d] * strides_[d];
    return *const_cast<T*>(reinterpret_cast<const T*>(p));
  }
};

// The loop index of an elementwise kernel: ``_ind.size()`` is the number of elements of
// the loop, ``_ind.get()`` the current element's C-order index.
template <typename I>
struct loop_index {
  I i_, n_;
  __device__ __forceinline__ I size() const { return n_; }
  __device__ __forceinline__ I get() const { return i_; }
};

}  // namespace cuarray

#endif  // CUARRAY_RAW_CUH
