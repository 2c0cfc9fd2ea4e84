// Device code of the scan engine (cuarray/_engine/scan.py): inclusive scans along one axis.
//
// A generated kernel supplies an ``Op`` (typedefs in_t, out_t, acc_t and static functions
// load, store, combine, step, zero) and a ``Rows`` (the byte offsets of row r in the input
// and the output) and calls one of the four drivers below:
//
// - tiles:      rows scanned by blocks of 256 threads, TILE = 8 warps x SEGS x 32 x V items,
//               several tiles per row joined by a single-pass decoupled look-back;
// - warps:      one warp per row, chunk by chunk with a carry (many short contiguous rows);
// - columns:    the scan axis strided, the kept axis contiguous: threads run down columns
//               (coalesced across a warp), BY threads per column split a tile of rows, tiles
//               along the axis joined by the same look-back with one value per column;
// - sequential: one thread per row in NumPy's order (non-associative ufuncs, short rows).
//
// The scans never need an identity: a prefix that may be empty is an ``opt`` and is combined
// only where it exists, so maximum, minimum, fmax and fmin (no identity in NumPy) scan in
// parallel too.  Combination order is fixed by the structure alone, never by timing, so float
// results are the same bits on every run (see ``lookback``).
//
// Memory-model notes.  Tile status words are zeroed (INVALID) before the launch.  A value of
// at most 8 bytes travels in one word with its status (64-bit word, or 128-bit for 8-byte
// values, as CUB does), written and read with one relaxed gpu-scope access: no fence needed.
// Larger values (complex128) and the per-column vectors use separate slots: the value is
// stored to L2 (st.cg), then __threadfence(), then the flag; a reader reads the flag relaxed,
// then __threadfence(), then the value from L2 (ld.cg: never a stale L1 line).  Aggregate and
// inclusive values have separate slots, so a slot is never overwritten once its flag is up.
#ifndef CUARRAY_SCAN_CUH
#define CUARRAY_SCAN_CUH

namespace cuarray {
namespace scan {

// Block-shared variables (the tests' host emulator of these kernels gives each block its own).
#ifndef CUARRAY_SCAN_SHARED
#define CUARRAY_SCAN_SHARED(type, name) __shared__ type name
#endif

enum : unsigned { INVALID = 0u, AGGREGATE = 1u, INCLUSIVE = 2u, ABSENT = 3u };
constexpr unsigned FULL = 0xffffffffu;
constexpr int WARPS = 8;            // warps per block in the tiles driver (256 threads)

// -- primitives --------------------------------------------------------------------------------

// Shuffles of any trivially copyable type, 4 bytes at a time (complex<double> is 16).
template <typename T>
__device__ __forceinline__ T shfl_idx(const T& v, int src) {
  constexpr int W = (sizeof(T) + 3) / 4;
  unsigned w[W] = {};
  memcpy(w, &v, sizeof(T));
#pragma unroll
  for (int i = 0; i < W; ++i) w[i] = __shfl_sync(FULL, w[i], src);
  T r;
  memcpy(&r, w, sizeof(T));
  return r;
}

template <typename T>
__device__ __forceinline__ T shfl_up(const T& v, unsigned d) {
  constexpr int W = (sizeof(T) + 3) / 4;
  unsigned w[W] = {};
  memcpy(w, &v, sizeof(T));
#pragma unroll
  for (int i = 0; i < W; ++i) w[i] = __shfl_up_sync(FULL, w[i], d);
  T r;
  memcpy(&r, w, sizeof(T));
  return r;
}

#ifdef __CUDA_ARCH__
__device__ __forceinline__ unsigned long long ld_relaxed(const unsigned long long* p) {
  unsigned long long v;
  asm volatile("ld.relaxed.gpu.global.u64 %0, [%1];" : "=l"(v) : "l"(p) : "memory");
  return v;
}
__device__ __forceinline__ void st_relaxed(unsigned long long* p, unsigned long long v) {
  asm volatile("st.relaxed.gpu.global.u64 [%0], %1;" : : "l"(p), "l"(v) : "memory");
}
// A 16-byte word read and written as one access (CUB relies on the same for 8-byte values).
__device__ __forceinline__ void ld_relaxed2(const unsigned long long* p, unsigned long long& a,
                                            unsigned long long& b) {
  asm volatile("ld.relaxed.gpu.global.v2.u64 {%0, %1}, [%2];" : "=l"(a), "=l"(b) : "l"(p)
               : "memory");
}
__device__ __forceinline__ void st_relaxed2(unsigned long long* p, unsigned long long a,
                                            unsigned long long b) {
  asm volatile("st.relaxed.gpu.global.v2.u64 [%0], {%1, %2};" : : "l"(p), "l"(a), "l"(b)
               : "memory");
}
__device__ __forceinline__ unsigned ld_relaxed(const unsigned* p) {
  unsigned v;
  asm volatile("ld.relaxed.gpu.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
  return v;
}
__device__ __forceinline__ void st_relaxed(unsigned* p, unsigned v) {
  asm volatile("st.relaxed.gpu.global.u32 [%0], %1;" : : "l"(p), "r"(v) : "memory");
}
#endif

// Loads and stores that bypass L1 (.cg): a status slot read from L2 is never a stale line.
template <typename T>
__device__ __forceinline__ T load_cg(const T* p) {
  T r;
  if constexpr (sizeof(T) == 16) {
    const uint4 w = __ldcg(reinterpret_cast<const uint4*>(p));
    memcpy(&r, &w, 16);
  } else if constexpr (sizeof(T) == 8) {
    const unsigned long long w = __ldcg(reinterpret_cast<const unsigned long long*>(p));
    memcpy(&r, &w, 8);
  } else if constexpr (sizeof(T) == 4) {
    const unsigned w = __ldcg(reinterpret_cast<const unsigned*>(p));
    memcpy(&r, &w, 4);
  } else if constexpr (sizeof(T) == 2) {
    const unsigned short w = __ldcg(reinterpret_cast<const unsigned short*>(p));
    memcpy(&r, &w, 2);
  } else {
    const unsigned char w = __ldcg(reinterpret_cast<const unsigned char*>(p));
    memcpy(&r, &w, 1);
  }
  return r;
}

template <typename T>
__device__ __forceinline__ void store_cg(T* p, const T& v) {
  if constexpr (sizeof(T) == 16) {
    uint4 w;
    memcpy(&w, &v, 16);
    __stcg(reinterpret_cast<uint4*>(p), w);
  } else if constexpr (sizeof(T) == 8) {
    unsigned long long w;
    memcpy(&w, &v, 8);
    __stcg(reinterpret_cast<unsigned long long*>(p), w);
  } else if constexpr (sizeof(T) == 4) {
    unsigned w;
    memcpy(&w, &v, 4);
    __stcg(reinterpret_cast<unsigned*>(p), w);
  } else if constexpr (sizeof(T) == 2) {
    unsigned short w;
    memcpy(&w, &v, 2);
    __stcg(reinterpret_cast<unsigned short*>(p), w);
  } else {
    unsigned char w;
    memcpy(&w, &v, 1);
    __stcg(reinterpret_cast<unsigned char*>(p), w);
  }
}

// -- optional prefixes ------------------------------------------------------------------------

template <typename T>
struct opt {
  T v;
  bool has;
};

template <class Op>
__device__ __forceinline__ void fold(opt<typename Op::acc_t>& p, const typename Op::acc_t& v) {
  p.v = p.has ? Op::combine(p.v, v) : v;
  p.has = true;
}

template <class Op>
__device__ __forceinline__ opt<typename Op::acc_t> none() {
  opt<typename Op::acc_t> p;
  p.v = Op::zero();
  p.has = false;
  return p;
}

// -- tile status ------------------------------------------------------------------------------

// Values of at most 4 bytes: one 64-bit word, status in the high half.
template <typename T>
struct Packed4 {
  unsigned long long* w;
  __device__ __forceinline__ void publish(long long t, unsigned status, const T& v) const {
    unsigned bits = 0;
    memcpy(&bits, &v, sizeof(T));
    st_relaxed(w + t, ((unsigned long long)status << 32) | bits);
  }
  __device__ __forceinline__ unsigned poll(long long t, T& v) const {
    const unsigned long long x = ld_relaxed(w + t);
    const unsigned bits = (unsigned)x;
    memcpy(&v, &bits, sizeof(T));
    return (unsigned)(x >> 32);
  }
  __device__ __forceinline__ void after_poll() const {}
  __device__ __forceinline__ void value(long long, unsigned, T&) const {}
};

// 8-byte values: one 16-byte word {status, value}.
template <typename T>
struct Packed8 {
  unsigned long long* w;
  __device__ __forceinline__ void publish(long long t, unsigned status, const T& v) const {
    unsigned long long bits;
    memcpy(&bits, &v, 8);
    st_relaxed2(w + 2 * t, status, bits);
  }
  __device__ __forceinline__ unsigned poll(long long t, T& v) const {
    unsigned long long s, bits;
    ld_relaxed2(w + 2 * t, s, bits);
    memcpy(&v, &bits, 8);
    return (unsigned)s;
  }
  __device__ __forceinline__ void after_poll() const {}
  __device__ __forceinline__ void value(long long, unsigned, T&) const {}
};

// Any value: a flag word and two value slots per tile (see the memory-model notes above).
template <typename T>
struct Split {
  unsigned* flags;
  T* agg;
  T* inc;
  __device__ __forceinline__ void publish(long long t, unsigned status, const T& v) const {
    store_cg((status == INCLUSIVE ? inc : agg) + t, v);
    __threadfence();
    st_relaxed(flags + t, status);
  }
  __device__ __forceinline__ unsigned poll(long long t, T&) const { return ld_relaxed(flags + t); }
  __device__ __forceinline__ void after_poll() const { __threadfence(); }
  __device__ __forceinline__ void value(long long t, unsigned status, T& v) const {
    v = load_cg((status == INCLUSIVE ? inc : agg) + t);
  }
};

// Waits until, among the WINDOW (64) tiles before tile ``t`` (``k`` is t's position in its
// row), the latest INCLUSIVE one is followed only by tiles with an AGGREGATE, then returns the
// exclusive prefix of tile t.  Called by one whole warp; lane j watches tiles t - 64 + j
// (window position j) and t - 32 + j (position 32 + j).
//
// Determinism: the prefix is the left fold inclusive(p) + aggregate(p+1) + ... + aggregate(t-1).
// Every tile's inclusive value is its own prefix + its aggregate, so by induction inclusive(j)
// equals the chained fold aggregate(0) + ... + aggregate(j) whichever p each tile happened to
// find: the result bits never depend on timing.  (A tree over the window would.)  Waiting
// for an INCLUSIVE tile inside the window, instead of walking further back, costs no
// throughput: either way the chain of inclusive values advances one window per round trip
// through L2, hence a window of 64 rather than one warp's 32.
// Forward progress: tile ids come from an atomic counter in start order, so every tile
// waited on was taken by a block that is running or done.
template <class Op, class Status>
__device__ __forceinline__ typename Op::acc_t lookback(const Status& st, long long t,
                                                       long long k, int lane) {
  typedef typename Op::acc_t T;
  const long long t_lo = t - 64 + lane, t_hi = t - 32 + lane;
  const bool has_lo = k - 64 + lane >= 0, has_hi = k - 32 + lane >= 0;
  T v_lo = Op::zero(), v_hi = Op::zero();
  unsigned s_lo, s_hi;
  int p = 0;
  for (;;) {
    s_lo = has_lo ? st.poll(t_lo, v_lo) : ABSENT;
    s_hi = has_hi ? st.poll(t_hi, v_hi) : ABSENT;
    const unsigned long long inc =
        (unsigned long long)__ballot_sync(FULL, s_hi == INCLUSIVE) << 32 |
        __ballot_sync(FULL, s_lo == INCLUSIVE);
    const unsigned long long inv =
        (unsigned long long)__ballot_sync(FULL, s_hi == INVALID) << 32 |
        __ballot_sync(FULL, s_lo == INVALID);
    if (inc) {
      p = 63 - __clzll((long long)inc);
      if ((inv >> p) == 0ull) break;
    }
    __nanosleep(32);
  }
  st.after_poll();
  if (lane >= p) st.value(t_lo, s_lo, v_lo);
  if (32 + lane >= p) st.value(t_hi, s_hi, v_hi);
  T acc = p < 32 ? shfl_idx(v_lo, p) : shfl_idx(v_hi, p - 32);
  for (int q = p + 1; q < 32; ++q) acc = Op::combine(acc, shfl_idx(v_lo, q));
  for (int q = p < 32 ? 0 : p - 31; q < 32; ++q) acc = Op::combine(acc, shfl_idx(v_hi, q));
  return acc;
}

// -- items of a warp: segments of 32 x V, each lane V consecutive items ------------------------

// Items at chunk positions (seg0 + s) * 32 * V + lane * V + j; ``count`` of them exist from
// ``src`` on (byte step ``sstep``).  VEC: one V-wide access per full segment (16 bytes).
template <class Op, int V, int SEGS, bool VEC>
__device__ __forceinline__ void load_items(typename Op::acc_t (&x)[SEGS][V], const char* src,
                                           long long sstep, long long count, int lane,
                                           int seg0) {
  typedef typename Op::in_t in_t;
#pragma unroll
  for (int s = 0; s < SEGS; ++s) {
    const int base = (seg0 + s) * 32 * V;
    const int pos = base + lane * V;
    if (VEC && base + 32 * V <= count) {
      const cuarray::vec<in_t, V> w =
          reinterpret_cast<const cuarray::vec<in_t, V>*>(src)[pos / V];
#pragma unroll
      for (int j = 0; j < V; ++j) x[s][j] = Op::load(w.v[j]);
    } else {
#pragma unroll
      for (int j = 0; j < V; ++j)
        x[s][j] = pos + j < count
                      ? Op::load(*reinterpret_cast<const in_t*>(src + (pos + j) * sstep))
                      : Op::zero();
    }
  }
}

template <class Op, int V, int SEGS, bool VEC>
__device__ __forceinline__ void store_items(const typename Op::acc_t (&x)[SEGS][V], char* dst,
                                            long long dstep, long long count, int lane,
                                            int seg0) {
  typedef typename Op::out_t out_t;
#pragma unroll
  for (int s = 0; s < SEGS; ++s) {
    const int base = (seg0 + s) * 32 * V;
    const int pos = base + lane * V;
    if (VEC && base + 32 * V <= count) {
      cuarray::vec<out_t, V> w;
#pragma unroll
      for (int j = 0; j < V; ++j) w.v[j] = Op::store(x[s][j]);
      reinterpret_cast<cuarray::vec<out_t, V>*>(dst)[pos / V] = w;
    } else {
#pragma unroll
      for (int j = 0; j < V; ++j)
        if (pos + j < count)
          *reinterpret_cast<out_t*>(dst + (pos + j) * dstep) = Op::store(x[s][j]);
    }
  }
}

// Inclusive scan across a warp's lanes (Kogge-Stone; lanes below the distance keep their value).
template <class Op>
__device__ __forceinline__ typename Op::acc_t warp_inclusive(typename Op::acc_t x, int lane) {
#pragma unroll
  for (int d = 1; d < 32; d <<= 1) {
    const typename Op::acc_t y = shfl_up(x, d);
    if (lane >= d) x = Op::combine(y, x);
  }
  return x;
}

// Scans SEGS segments in order, each item getting carry + (earlier items); returns the carry
// after the last segment (``carry`` combined with every item).
template <class Op, int V, int SEGS>
__device__ __forceinline__ opt<typename Op::acc_t> scan_segments(
    typename Op::acc_t (&x)[SEGS][V], int lane, opt<typename Op::acc_t> carry) {
  typedef typename Op::acc_t T;
#pragma unroll
  for (int s = 0; s < SEGS; ++s) {
#pragma unroll
    for (int j = 1; j < V; ++j) x[s][j] = Op::combine(x[s][j - 1], x[s][j]);
    const T inc = warp_inclusive<Op>(x[s][V - 1], lane);
    const T ex = shfl_up(inc, 1);
    const T tot = shfl_idx(inc, 31);
    opt<T> pre = carry;
    if (lane > 0) fold<Op>(pre, ex);
    if (pre.has) {
#pragma unroll
      for (int j = 0; j < V; ++j) x[s][j] = Op::combine(pre.v, x[s][j]);
    }
    fold<Op>(carry, tot);
  }
  return carry;
}

// -- drivers ----------------------------------------------------------------------------------

// Block = 256 threads; tile t is row t / tiles_per_row, items [k * TILE, (k + 1) * TILE).
// LOOKBACK (tiles_per_row > 1): ids from ``counter``, rows joined by the look-back.
template <class Op, int V, int SEGS, bool VEC, bool LOOKBACK, class Status, class Rows>
__device__ __forceinline__ void tiles(const char* src, char* dst, long long n,
                                      long long tiles_per_row, long long sstep, long long dstep,
                                      unsigned* counter, const Status& st, const Rows& rows) {
  typedef typename Op::acc_t T;
  constexpr int TILE = WARPS * SEGS * 32 * V;
  typedef T warp_values[WARPS];
  CUARRAY_SCAN_SHARED(unsigned, s_tile);
  CUARRAY_SCAN_SHARED(warp_values, s_warp);
  CUARRAY_SCAN_SHARED(T, s_prefix);
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  long long t = blockIdx.x;
  if (LOOKBACK) {
    if (tid == 0) s_tile = atomicAdd(counter, 1u);
    __syncthreads();
    t = s_tile;
  }
  const long long row = t / tiles_per_row, k = t - row * tiles_per_row;
  long long so, dof;
  rows.offsets(row, so, dof);
  const long long first = k * TILE, count = n - first;
  const char* s_tile_ptr = src + so + first * sstep;
  char* d_tile_ptr = dst + dof + first * dstep;

  T x[SEGS][V];
  load_items<Op, V, SEGS, VEC>(x, s_tile_ptr, sstep, count, lane, warp * SEGS);
  const opt<T> total = scan_segments<Op, V, SEGS>(x, lane, none<Op>());
  if (lane == 0) s_warp[warp] = total.v;
  __syncthreads();
  opt<T> head = none<Op>();  // the items of the warps before this one
  for (int w = 0; w < WARPS; ++w)
    if (w < warp) fold<Op>(head, s_warp[w]);
  if (LOOKBACK) {
    if (warp == 0) {
      T agg = s_warp[0];
#pragma unroll
      for (int w = 1; w < WARPS; ++w) agg = Op::combine(agg, s_warp[w]);
      if (k == 0) {
        if (lane == 0) st.publish(t, INCLUSIVE, agg);
      } else {
        if (lane == 0) st.publish(t, AGGREGATE, agg);
        const T pre = lookback<Op>(st, t, k, lane);
        if (lane == 0) {
          st.publish(t, INCLUSIVE, Op::combine(pre, agg));
          s_prefix = pre;
        }
      }
    }
    __syncthreads();
    if (k > 0) {
      opt<T> h;
      h.v = s_prefix;
      h.has = true;
      if (head.has) fold<Op>(h, head.v);
      head = h;
    }
  }
  if (head.has) {
#pragma unroll
    for (int s = 0; s < SEGS; ++s)
#pragma unroll
      for (int j = 0; j < V; ++j) x[s][j] = Op::combine(head.v, x[s][j]);
  }
  store_items<Op, V, SEGS, VEC>(x, d_tile_ptr, dstep, count, lane, warp * SEGS);
}

// One warp per row (grid-stride over rows), chunks of SEGS x 32 x V items with a carry.
template <class Op, int V, int SEGS, bool VEC, class Rows>
__device__ __forceinline__ void warps(const char* src, char* dst, long long n, long long nrows,
                                      long long sstep, long long dstep, const Rows& rows) {
  typedef typename Op::acc_t T;
  constexpr int CHUNK = SEGS * 32 * V;
  const int lane = threadIdx.x & 31;
  const long long nw = ((long long)gridDim.x * blockDim.x) >> 5;
  for (long long r = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5; r < nrows;
       r += nw) {
    long long so, dof;
    rows.offsets(r, so, dof);
    opt<T> carry = none<Op>();
    for (long long c = 0; c < n; c += CHUNK) {
      T x[SEGS][V];
      load_items<Op, V, SEGS, VEC>(x, src + so + c * sstep, sstep, n - c, lane, 0);
      carry = scan_segments<Op, V, SEGS>(x, lane, carry);
      store_items<Op, V, SEGS, VEC>(x, dst + dof + c * dstep, dstep, n - c, lane, 0);
    }
  }
}

// After lanes of one warp stored a tile's values: each lane's fence makes its own stores
// visible at gpu scope, the warp barrier orders them before lane 0's fence and flag store
// (a release pattern covering the whole warp's stores).
__device__ __forceinline__ void publish_flag(unsigned* flag, unsigned status, int lane) {
  __threadfence();
  __syncwarp();
  if (lane == 0) {
    __threadfence();
    st_relaxed(flag, status);
  }
}

// Block = (BX, BY): thread (x, y) runs down column g * BX + x through rows
// s * BY * ITEMS + y * ITEMS + [0, ITEMS) of tile t = s * groups + g (chunk-major, so the
// tiles running at once mostly belong to different columns).  LOOKBACK (more than one chunk):
// per-column values published in ``agg``/``inc`` [tile][BX] under one flag per tile.
template <class Op, int BX, int BY, int ITEMS, bool LOOKBACK, class Rows>
__device__ __forceinline__ void columns(const char* src, char* dst, long long n, long long ncols,
                                        long long groups, long long sstep, long long dstep,
                                        unsigned* counter, unsigned* flags,
                                        typename Op::acc_t* agg, typename Op::acc_t* inc,
                                        const Rows& rows) {
  typedef typename Op::acc_t T;
  typedef typename Op::in_t in_t;
  typedef typename Op::out_t out_t;
  static_assert(BX * BY == 256 && BX >= 8 && BX <= 32, "columns: 256 threads, 8 <= BX <= 32");
  typedef T part_values[BY][BX];
  typedef T column_values[BX];
  CUARRAY_SCAN_SHARED(unsigned, s_tile);
  CUARRAY_SCAN_SHARED(part_values, s_part);
  CUARRAY_SCAN_SHARED(column_values, s_pre);
  const int cx = threadIdx.x, cy = threadIdx.y, tid = cy * BX + cx, lane = tid & 31;
  long long t = blockIdx.x;
  if (LOOKBACK) {
    if (tid == 0) s_tile = atomicAdd(counter, 1u);
    __syncthreads();
    t = s_tile;
  }
  const long long s = t / groups, g = t - s * groups, col = g * BX + cx;
  const bool live = col < ncols;
  long long so = 0, dof = 0;
  if (live) rows.offsets(col, so, dof);
  const long long r0 = s * (BY * ITEMS) + (long long)cy * ITEMS;
  const char* ps = src + so + r0 * sstep;

  T v[ITEMS];
#pragma unroll
  for (int i = 0; i < ITEMS; ++i)
    v[i] = live && r0 + i < n ? Op::load(*reinterpret_cast<const in_t*>(ps + i * sstep))
                              : Op::zero();
#pragma unroll
  for (int i = 1; i < ITEMS; ++i) v[i] = Op::combine(v[i - 1], v[i]);
  s_part[cy][cx] = v[ITEMS - 1];
  __syncthreads();
  opt<T> head = none<Op>();  // this column's items in the threads above this one
  for (int y = 0; y < BY; ++y)
    if (y < cy) fold<Op>(head, s_part[y][cx]);
  if (LOOKBACK) {
    if (tid < 32) {  // warp 0 publishes and looks back; its lanes below BX are the columns
      T tot = Op::zero();
      if (lane < BX) {
        tot = s_part[0][lane];
        for (int y = 1; y < BY; ++y) tot = Op::combine(tot, s_part[y][lane]);
        store_cg((s == 0 ? inc : agg) + t * BX + lane, tot);
      }
      publish_flag(flags + t, s == 0 ? INCLUSIVE : AGGREGATE, lane);
      if (s > 0) {
        const int back = 32 - lane;
        const bool present = s - back >= 0;
        int p = 0;
        for (;;) {
          const unsigned status = present ? ld_relaxed(flags + (t - back * groups)) : ABSENT;
          const unsigned incl = __ballot_sync(FULL, status == INCLUSIVE);
          const unsigned inv = __ballot_sync(FULL, status == INVALID);
          if (incl) {
            p = 31 - __clz((int)incl);
            if ((inv >> p) == 0u) break;
          }
          __nanosleep(32);
        }
        __threadfence();
        __syncwarp();
        if (lane < BX) {  // ``lookback``'s left fold (over 32 chunks), one column per lane
          T acc = load_cg(inc + (t - (32 - p) * groups) * BX + lane);
          for (int q = p + 1; q < 32; ++q)
            acc = Op::combine(acc, load_cg(agg + (t - (32 - q) * groups) * BX + lane));
          s_pre[lane] = acc;
          store_cg(inc + t * BX + lane, Op::combine(acc, tot));
        }
        publish_flag(flags + t, INCLUSIVE, lane);
      }
    }
    __syncthreads();
    if (s > 0) {
      opt<T> h;
      h.v = s_pre[cx];
      h.has = true;
      if (head.has) fold<Op>(h, head.v);
      head = h;
    }
  }
  char* pd = dst + dof + r0 * dstep;
#pragma unroll
  for (int i = 0; i < ITEMS; ++i) {
    if (live && r0 + i < n)
      *reinterpret_cast<out_t*>(pd + i * dstep) =
          Op::store(head.has ? Op::combine(head.v, v[i]) : v[i]);
  }
}

// One thread per row in order (NumPy's order: ``Op::step(running, next)``), U loads ahead.
template <class Op, class Rows>
__device__ __forceinline__ void sequential(const char* src, char* dst, long long n,
                                           long long nrows, long long sstep, long long dstep,
                                           const Rows& rows) {
  typedef typename Op::acc_t T;
  typedef typename Op::in_t in_t;
  typedef typename Op::out_t out_t;
  constexpr int U = 16;
  const long long stride = (long long)gridDim.x * blockDim.x;
  for (long long r = (long long)blockIdx.x * blockDim.x + threadIdx.x; r < nrows; r += stride) {
    long long so, dof;
    rows.offsets(r, so, dof);
    const char* ps = src + so;
    char* pd = dst + dof;
    T acc = Op::zero();
    for (long long i0 = 0; i0 < n; i0 += U) {
      T v[U];
#pragma unroll
      for (int u = 0; u < U; ++u)
        v[u] = i0 + u < n ? Op::load(*reinterpret_cast<const in_t*>(ps + (i0 + u) * sstep))
                          : Op::zero();
#pragma unroll
      for (int u = 0; u < U; ++u) {
        if (i0 + u < n) {
          acc = i0 + u == 0 ? v[u] : Op::step(acc, v[u]);
          *reinterpret_cast<out_t*>(pd + (i0 + u) * dstep) = Op::store(acc);
        }
      }
    }
  }
}

}  // namespace scan
}  // namespace cuarray

#endif  // CUARRAY_SCAN_CUH
