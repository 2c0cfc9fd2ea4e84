"""Stream compaction: the kernels behind boolean masks, nonzero, place and compress.

Self-contained (the scan engine is not used), in three launches over tiles of
``TILE`` = 4096 mask elements (256 threads x 16 rounds, thread t of round r reading
element ``tile * TILE + r * 256 + t``, so every access is coalesced):

1. ``count``: each block counts the true elements of its tile;
2. ``scan``: one block turns the tile counts into exclusive int64 offsets (and the
   total, read back by the host: the result's size depends on it);
3. ``compact``: each block finds, for its tile, every true element's position
   (warp ballots give the rank inside a warp and round; a scan of the 16 x 8
   (round, warp) counts in shared memory the rank inside the tile) and writes
   its payload there: the element's value (``a[mask]``), its coordinates
   (``nonzero``), or, the other way round, reads value ``pos`` into it
   (``a[mask] = values``, ``place``).

Positions and element indices are 64-bit, so any size works.  The mask is read
twice (count, compact) and may have any dtype: non-zero is true.
"""

from __future__ import annotations

import numpy

from .._core.dtypes import ctype
from . import source as _src
from .gather import _includes, _kernel, _kernels, _named, word

BLOCK = 256
ROUNDS = 16
TILE = BLOCK * ROUNDS
NWARPS = BLOCK // 32
SCAN_BLOCK = 1024
SCAN_ITEMS = 8
_BOOL = numpy.dtype(bool)
_I32 = numpy.dtype(numpy.int32)
_I64 = numpy.dtype(numpy.int64)


# -- sources ---------------------------------------------------------------------------------------
def _test(mask_dtype) -> str:
    """The C++ truth test of the mask element ``_m``."""
    return _src.convert("_m", mask_dtype, _BOOL)


def count_source(name, mask_dtype) -> str:
    return (_includes([mask_dtype]) + f"""
extern "C" __global__ void {name}(const {ctype(mask_dtype)}* __restrict__ mask, const long long n,
                                  int* __restrict__ counts)
{{
  const long long base = (long long)blockIdx.x * {TILE};
  int c = 0;
#pragma unroll
  for (int r = 0; r < {ROUNDS}; ++r) {{
    const long long e = base + r * {BLOCK} + threadIdx.x;
    if (e < n) {{ const {ctype(mask_dtype)} _m = mask[e]; if ({_test(mask_dtype)}) ++c; }}
  }}
  __shared__ int s[{NWARPS}];
  c = cuarray::ix::warp_sum(c);
  if ((threadIdx.x & 31) == 0) s[threadIdx.x >> 5] = c;
  __syncthreads();
  if (threadIdx.x < 32) {{
    int v = threadIdx.x < {NWARPS} ? s[threadIdx.x] : 0;
    v = cuarray::ix::warp_sum(v);
    if (threadIdx.x == 0) counts[blockIdx.x] = v;
  }}
}}
""")


def scan_source(name) -> str:
    """One block: exclusive int64 offsets of the tile counts, the total in offsets[nb]."""
    return (_includes() + f"""
extern "C" __global__ void {name}(const int* __restrict__ counts, const long long nb,
                                  long long* __restrict__ offsets)
{{
  __shared__ long long warp_tot[{SCAN_BLOCK // 32}];
  __shared__ long long carry;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (threadIdx.x == 0) carry = 0;
  __syncthreads();
  for (long long start = 0; start < nb; start += {SCAN_BLOCK * SCAN_ITEMS}LL) {{
    const long long b = start + (long long)threadIdx.x * {SCAN_ITEMS};
    long long v[{SCAN_ITEMS}];
    long long sum = 0;
#pragma unroll
    for (int j = 0; j < {SCAN_ITEMS}; ++j) {{
      v[j] = b + j < nb ? (long long)counts[b + j] : 0;
      sum += v[j];
    }}
    const long long inc = cuarray::ix::warp_inclusive_scan(sum);
    if (lane == 31) warp_tot[warp] = inc;
    __syncthreads();
    if (warp == 0) warp_tot[lane] = cuarray::ix::warp_inclusive_scan(warp_tot[lane]);
    __syncthreads();
    long long excl = carry + (warp ? warp_tot[warp - 1] : 0) + inc - sum;
#pragma unroll
    for (int j = 0; j < {SCAN_ITEMS}; ++j) {{
      if (b + j < nb) offsets[b + j] = excl;
      excl += v[j];
    }}
    __syncthreads();
    if (threadIdx.x == {SCAN_BLOCK - 1}) carry = excl;
    __syncthreads();
  }}
  if (threadIdx.x == 0) offsets[nb] = carry;
}}
""")


def _element_offset(ndim, var="e", prefix="st") -> str:
    """Statements computing ``_o``, the byte offset of C-order element ``var`` over
    shape0.. with strides <prefix>0.."""
    lines = [f"long long _r = {var}, _o = 0;"]
    for d in range(ndim - 1, 0, -1):
        lines.append(f"{{ const long long _c = _r % shape{d}; _r /= shape{d}; "
                     f"_o += _c * {prefix}{d}; }}")
    if ndim:
        lines.append(f"_o += _r * {prefix}0;")
    return " ".join(lines)


def compact_source(name, mask_dtype, payload) -> str:
    """The compaction kernel; ``payload`` is one of

    - ("values", itemsize, ndim): ``out[pos] = *(src + offset of e)``, the source
      walked in C order over ``ndim`` dims (``shape<d>``, byte strides ``st<d>``);
    - ("indices", k): ``out[pos * sp + d * sd]`` = coordinate d of e over the mask's
      shape (``shape1..``), int64 (element strides ``sp``, ``sd``: a (count, k) or a
      (k, count) array);
    - ("expand", value dtype, dst dtype, ndim, cyclic): ``*(dst + offset of e) =
      val[pos % vmod if cyclic else pos]`` (byte stride ``vst``), cast as NumPy does.
    """
    kind = payload[0]
    params = [f"const {ctype(mask_dtype)}* __restrict__ mask", "const long long n",
              "const long long* __restrict__ offsets"]
    dts = [mask_dtype]
    if kind == "values":
        _, itemsize, ndim = payload
        w = word(itemsize)
        params += ["const char* __restrict__ src", f"{w}* __restrict__ out"]
        params += [f"const long long shape{d}" for d in range(ndim)]
        params += [f"const long long st{d}" for d in range(ndim)]
        write = (_element_offset(ndim)
                 + f" out[pos] = *reinterpret_cast<const {w}*>(src + _o);")
    elif kind == "indices":
        _, k = payload
        params += ["long long* __restrict__ out", "const long long sp", "const long long sd"]
        params += [f"const long long shape{d}" for d in range(1, k)]
        lines = ["long long _r = e;"]
        for d in range(k - 1, 0, -1):
            lines.append(f"out[pos * sp + {d} * sd] = _r % shape{d}; _r /= shape{d};")
        lines.append("out[pos * sp] = _r;")
        write = " ".join(lines)
    elif kind == "expand":
        _, vdt, ddt, ndim, cyclic = payload
        params += ["char* __restrict__ dst", "const char* __restrict__ val",
                   "const long long vst"]
        if cyclic:
            params.append("const long long vmod")
        params += [f"const long long shape{d}" for d in range(ndim)]
        params += [f"const long long st{d}" for d in range(ndim)]
        vpos = "(pos % vmod)" if cyclic else "pos"
        if vdt == ddt:
            w = word(ddt.itemsize)
            store = (f"*reinterpret_cast<{w}*>(dst + _o) = "
                     f"*reinterpret_cast<const {w}*>(val + {vpos} * vst);")
        else:
            dts += [vdt, ddt]
            load = f"*reinterpret_cast<const {ctype(vdt)}*>(val + {vpos} * vst)"
            store = (f"*reinterpret_cast<{ctype(ddt)}*>(dst + _o) = "
                     f"{_src.convert(load, vdt, ddt)};")
        write = _element_offset(ndim) + " " + store
    else:
        raise ValueError(f"unknown compaction payload {payload!r}")
    return (_includes(dts) + f'extern "C" __global__ void {name}(' + ", ".join(params) + f""")
{{
  __shared__ int wc[{ROUNDS * NWARPS}];
  __shared__ int part[{NWARPS}];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const long long base = (long long)blockIdx.x * {TILE};
  unsigned int bal[{ROUNDS}];
#pragma unroll
  for (int r = 0; r < {ROUNDS}; ++r) {{
    const long long e = base + r * {BLOCK} + threadIdx.x;
    bool f = false;
    if (e < n) {{ const {ctype(mask_dtype)} _m = mask[e]; f = {_test(mask_dtype)}; }}
    bal[r] = __ballot_sync(0xffffffffu, f);
    if (lane == 0) wc[r * {NWARPS} + warp] = __popc(bal[r]);
  }}
  __syncthreads();
  const int x = threadIdx.x < {ROUNDS * NWARPS} ? wc[threadIdx.x] : 0;
  const int inc = cuarray::ix::warp_inclusive_scan(x);
  if (lane == 31) part[warp] = inc;
  __syncthreads();
  int add = 0;
  for (int w = 0; w < warp; ++w) add += part[w];
  if (threadIdx.x < {ROUNDS * NWARPS}) wc[threadIdx.x] = add + inc - x;
  __syncthreads();
  const long long boff = offsets[blockIdx.x];
  const unsigned int lt = (1u << lane) - 1u;
#pragma unroll
  for (int r = 0; r < {ROUNDS}; ++r) {{
    if ((bal[r] >> lane) & 1u) {{
      const long long e = base + r * {BLOCK} + threadIdx.x;
      const long long pos = boff + wc[r * {NWARPS} + warp] + __popc(bal[r] & lt);
      {write}
    }}
  }}
}}
""")


# -- launches --------------------------------------------------------------------------------------
def _tiles(n: int) -> int:
    return (n + TILE - 1) // TILE


def count(mask):
    """(offsets, total): tile offsets of the true elements of the C-contiguous device array
    ``mask`` (any dtype; non-zero is true) and their number (a synchronising read)."""
    from .._core.ndarray import _empty
    from ..cuda import _copy
    n = mask.size
    if n == 0:
        return None, 0
    nt = _tiles(n)
    counts = _empty((nt,), _I32)
    offsets = _empty((nt + 1,), _I64)
    dt = mask.dtype
    fn = _kernel(("count", dt), lambda: _named(f"cuarray_mask_count__{dt.name}",
                                               lambda nm: count_source(nm, dt)))
    fn(nt, BLOCK, (mask._ptr, n, counts._ptr))
    scan = _kernel(("scan",), lambda: _named("cuarray_mask_scan", scan_source))
    scan(1, SCAN_BLOCK, (counts._ptr, nt, offsets._ptr))
    host = numpy.zeros(1, _I64)
    _copy.dtoh(host.ctypes.data, offsets._ptr + 8 * nt, 8)
    return offsets, int(host[0])


def _run(mask, offsets, payload, args) -> None:
    dt = mask.dtype
    key = ("compact", dt, payload)
    fn = _kernels.get(key) or _kernel(key, lambda: _named(
        f"cuarray_mask_compact__{dt.name}__"
        + "_".join(str(getattr(p, "name", p)) for p in payload),
        lambda nm: compact_source(nm, dt, payload)))
    fn(_tiles(mask.size), BLOCK, (mask._ptr, mask.size, offsets._ptr) + tuple(args))


def _collapsed(a):
    """``a``'s shape and strides with contiguous axes merged (C order kept)."""
    from .._core.shape import collapse
    shape, (strides,) = collapse(a._shape, [a._strides])
    return list(shape), list(strides)


def compact_values(mask, offsets, total, src):
    """``src[mask]`` for a C-contiguous ``mask`` of ``src``'s shape: a new 1-D array."""
    from .._core.ndarray import _empty
    out = _empty((total,), src.dtype)
    if total:
        shape, strides = _collapsed(src)
        _run(mask, offsets, ("values", src.dtype.itemsize, len(shape)),
             [src._ptr, out._ptr] + shape + strides)
    return out


def compact_indices(mask, offsets, total, rows=True):
    """The coordinates of the true elements of ``mask`` (C-contiguous, ndim >= 1): an int64
    (ndim, total) array (``rows``), else (total, ndim) (NumPy's nonzero layout)."""
    from .._core.ndarray import _empty
    k = mask.ndim
    out = _empty((k, total) if rows else (total, k), _I64)
    if total:
        sp, sd = (1, total) if rows else (k, 1)
        _run(mask, offsets, ("indices", k), [out._ptr, sp, sd] + list(mask._shape[1:]))
    return out


def expand(mask, offsets, dst, values, cyclic=False) -> None:
    """``dst[mask] = values`` (1-D device array, one value per true element; with
    ``cyclic``, repeated as often as needed), for a C-contiguous ``mask`` of the size of
    ``dst`` (any layout, walked in C order)."""
    shape, strides = _collapsed(dst)
    payload = ("expand", values.dtype, dst.dtype, len(shape), bool(cyclic))
    args = [dst._ptr, values._ptr, values._strides[0] if values.ndim else 0]
    if cyclic:
        args.append(values.size)
    _run(mask, offsets, payload, args + shape + strides)
