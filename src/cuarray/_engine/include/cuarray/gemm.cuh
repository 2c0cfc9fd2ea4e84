// Batched matrix products behind the gufuncs matmul, matvec, vecmat and vecdot.
//
// Every product is C[z][i][j] = sum_k A[z][i][k] * B[z][k][j] over a batch of z, with every
// operand addressed through byte strides (any layout, negative strides, broadcast batches
// with stride 0): matvec has one column, vecmat one row, vecdot one of each.  A kernel is
// instantiated per element traits T, which the generated source defines:
//
//   typedef ... acc;                                   accumulation type
//   static acc zero();
//   static acc load_a(const char* p), load_b(...);     storage -> acc (conjugating for vecdot)
//   static void madd(acc& s, const acc& a, const acc& b);   s += a * b
//   static void add(acc& s, const acc& x);                  s += x
//   static void store(char* p, const acc& s);          acc -> the output's storage type
//
// Two kernels: `tiled`, a classic shared-memory GEMM (32x32 output tile per block of 32x8
// threads, the k loop over 32-wide tiles), and `dot`, G threads per output element that
// stride along k and reduce in shared memory, for products with one row or one column or
// few outputs over a long k, where a 32x32 tile would idle almost every thread.
// Keep this header free of includes: every gemm kernel compile parses it.
#ifndef CUARRAY_GEMM_CUH
#define CUARRAY_GEMM_CUH

namespace cuarray {
namespace gemm {

constexpr int TILE = 32;
constexpr int ROWS = 8;              // blockDim of `tiled` is (TILE, ROWS)
constexpr int PER_THREAD = TILE / ROWS;
constexpr int DOT_THREADS = 256;     // blockDim of `dot`

// Sizes and byte strides of one product: C is n x m, the inner dimension is k.
template <typename Index>
struct Problem {
  Index n, m, k;
  Index a_n, a_k, b_k, b_m, c_n, c_m;
  Index batch;
};

// The operands' byte offsets for batch z: z unravelled in C order over ND loop dimensions.
template <typename Index, int ND>
struct Batch {
  Index shape[ND], a[ND], b[ND], c[ND];

  __device__ __forceinline__ void offsets(Index z, Index& oa, Index& ob, Index& oc) const {
    oa = ob = oc = 0;
#pragma unroll
    for (int d = ND - 1; d > 0; --d) {
      const Index q = z / shape[d], r = z - q * shape[d];
      oa += r * a[d];
      ob += r * b[d];
      oc += r * c[d];
      z = q;
    }
    oa += z * a[0];
    ob += z * b[0];
    oc += z * c[0];
  }
};

template <typename Index>
struct Batch<Index, 0> {
  __device__ __forceinline__ void offsets(Index, Index& oa, Index& ob, Index& oc) const {
    oa = ob = oc = 0;
  }
};

template <typename Index>
__device__ __forceinline__ Index magnitude(Index x) { return x < 0 ? -x : x; }

// One 32x32 tile of C per block and step; grid x/y walk the tiles of m/n, grid z the batch,
// each with a block-stride loop so that any grid size is correct (z is at most 65535).
template <typename T, typename Index, int ND>
__device__ __forceinline__ void tiled(const char* A, const char* B, char* C,
                                      const Problem<Index>& p, const Batch<Index, ND>& bt) {
  typedef typename T::acc acc;
  // As[r][c] = A[i0 + r][k0 + c] and Bs[r][c] = B[k0 + r][j0 + c]; the extra column keeps
  // column-wise accesses free of bank conflicts.
  __shared__ acc As[TILE][TILE + 1];
  __shared__ acc Bs[TILE][TILE + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  // A warp reads a tile along whichever of its axes is nearer to contiguous in memory, so
  // that row-major and column-major (transposed) operands both load coalesced.
  const bool a_along_k = magnitude(p.a_k) <= magnitude(p.a_n);
  const bool b_along_m = magnitude(p.b_m) <= magnitude(p.b_k);
  const Index tiles_n = (p.n + TILE - 1) / TILE, tiles_m = (p.m + TILE - 1) / TILE;
  for (Index z = blockIdx.z; z < p.batch; z += gridDim.z) {
    Index oa, ob, oc;
    bt.offsets(z, oa, ob, oc);
    const char* a = A + oa;
    const char* b = B + ob;
    char* c = C + oc;
    for (Index tn = blockIdx.y; tn < tiles_n; tn += gridDim.y) {
      for (Index tm = blockIdx.x; tm < tiles_m; tm += gridDim.x) {
        const Index i0 = tn * TILE, j0 = tm * TILE;
        acc s[PER_THREAD];
#pragma unroll
        for (int q = 0; q < PER_THREAD; ++q) s[q] = T::zero();
        for (Index k0 = 0; k0 < p.k; k0 += TILE) {
          // Zero padding past k contributes 0 * 0; past n or m it only reaches outputs that
          // are never stored.
#pragma unroll
          for (int q = 0; q < PER_THREAD; ++q) {
            const int u = ty + q * ROWS;
            const int ar = a_along_k ? u : tx, ac = a_along_k ? tx : u;
            const Index i = i0 + ar, ka = k0 + ac;
            As[ar][ac] = (i < p.n && ka < p.k) ? T::load_a(a + i * p.a_n + ka * p.a_k)
                                               : T::zero();
            const int br = b_along_m ? u : tx, bc = b_along_m ? tx : u;
            const Index kb = k0 + br, j = j0 + bc;
            Bs[br][bc] = (kb < p.k && j < p.m) ? T::load_b(b + kb * p.b_k + j * p.b_m)
                                               : T::zero();
          }
          __syncthreads();
#pragma unroll 8
          for (int kk = 0; kk < TILE; ++kk) {
            const acc bv = Bs[kk][tx];
#pragma unroll
            for (int q = 0; q < PER_THREAD; ++q) T::madd(s[q], As[ty + q * ROWS][kk], bv);
          }
          __syncthreads();
        }
        const Index j = j0 + tx;
#pragma unroll
        for (int q = 0; q < PER_THREAD; ++q) {
          const Index i = i0 + ty + q * ROWS;
          if (i < p.n && j < p.m) T::store(c + i * p.c_n + j * p.c_m, s[q]);
        }
      }
    }
  }
}

// G threads per output element (G divides DOT_THREADS), outputs numbered in C order over
// (batch, n, m); a block-stride loop over groups of DOT_THREADS / G outputs.
template <typename T, typename Index, int ND, int G>
__device__ __forceinline__ void dot(const char* A, const char* B, char* C,
                                    const Problem<Index>& p, const Batch<Index, ND>& bt) {
  typedef typename T::acc acc;
  __shared__ acc red[DOT_THREADS];
  const int t = threadIdx.x, lane = t % G;
  const Index per_block = DOT_THREADS / G;
  const Index total = p.batch * p.n * p.m;
  for (Index first = (Index)blockIdx.x * per_block; first < total;
       first += (Index)gridDim.x * per_block) {
    const Index o = first + t / G;
    const bool live = o < total;
    acc s = T::zero();
    Index off_c = 0;
    if (live) {
      const Index j = o % p.m, r = o / p.m, i = r % p.n, z = r / p.n;
      Index oa, ob, oc;
      bt.offsets(z, oa, ob, oc);
      const char* a = A + oa + i * p.a_n;
      const char* b = B + ob + j * p.b_m;
      off_c = oc + i * p.c_n + j * p.c_m;
#pragma unroll 4
      for (Index kk = lane; kk < p.k; kk += G) {
        T::madd(s, T::load_a(a + kk * p.a_k), T::load_b(b + kk * p.b_k));
      }
    }
    red[t] = s;
    __syncthreads();
#pragma unroll
    for (int w = G / 2; w > 0; w >>= 1) {
      if (lane < w) T::add(red[t], red[t + w]);
      __syncthreads();
    }
    if (live && lane == 0) T::store(C + off_c, red[t]);
    __syncthreads();   // `red` is reused by the next group
  }
}

}  // namespace gemm
}  // namespace cuarray

#endif  // CUARRAY_GEMM_CUH
