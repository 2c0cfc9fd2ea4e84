"""Order statistics (NumPy reference: "Statistics"): median, percentile, quantile and their
nan* forms, with every ``method`` NumPy has, axis tuples, keepdims, out and weights
(``method='inverted_cdf'``).

The reduced axes are moved last and merged into rows (NumPy's ``_ureduce``), the rows
sorted (:mod:`.sorting`; NaNs last), and one kernel computes every (quantile, row): the
count of non-NaN values (a binary search, NaNs being last) for the nan* forms, NumPy's
virtual index, neighbours and gamma for the method, and NumPy's ``_lerp``, each step in
the dtype NumPy computes it in (compiled with ``--fmad=false`` so that no multiply-add is
fused where NumPy rounds twice).  The result dtype is asked of NumPy itself (on a small
host stand-in, memoised), which also raises NumPy's errors for bad methods or dtypes.
"""

from __future__ import annotations

import numpy
from numpy.lib.array_utils import normalize_axis_tuple

from .._core.dtypes import check_supported
from .._core.ndarray import _empty, ndarray
from .._engine import copy as _copy
from .._ufunc.reduce import _check_array
from . import sorting as _s

_F64 = numpy.dtype(numpy.float64)
_F16 = numpy.dtype(numpy.float16)
_I32 = numpy.dtype(numpy.int32)
_BOOL = numpy.dtype(bool)
_NoValue = numpy._NoValue
BLOCK = _s.BLOCK

# method -> (id, kind, alpha, beta); "take" methods index the sorted values directly.
METHODS = {
    "inverted_cdf": (0, "take", 0.0, 0.0),
    "averaged_inverted_cdf": (1, "interp", 0.0, 0.0),
    "closest_observation": (2, "take", 0.0, 0.0),
    "interpolated_inverted_cdf": (3, "interp", 0.0, 1.0),
    "hazen": (4, "interp", 0.5, 0.5),
    "weibull": (5, "interp", 0.0, 0.0),
    "linear": (6, "interp", 0.0, 0.0),
    "median_unbiased": (7, "interp", 1 / 3.0, 1 / 3.0),
    "normal_unbiased": (8, "interp", 3 / 8.0, 3 / 8.0),
    "lower": (9, "take", 0.0, 0.0),
    "higher": (10, "take", 0.0, 0.0),
    "midpoint": (11, "interp", 0.0, 0.0),
    "nearest": (12, "take", 0.0, 0.0),
}
_LINEAR_TAKE = 13       # 'linear' with integer quantiles: NumPy takes, no interpolation


# -- kernel source --------------------------------------------------------------------------------
def _types(dt):
    """(storage type, arithmetic type, load expression) of an element of ``dt``."""
    if dt == _F16:
        return "__half", "float", "__half2float({})"
    if dt.kind == "c":
        t = "float2" if dt.itemsize == 8 else "double2"
        return t, t, "{}"
    c = _s._native(dt)
    return c, c, "{}"


def _nan(t: str) -> str:
    return {"float": "__int_as_float(0x7fc00000)",
            "double": "__longlong_as_double(0x7ff8000000000000ll)"}[t]


def _round(dt) -> str:
    """Round a float to ``dt``'s precision (float16 arithmetic is float32 rounded per op)."""
    return "__half2float(__float2half({}))" if dt == _F16 else "{}"


def _isnan(dt, v: str) -> str:
    if dt.kind == "c":
        return f"({v}.x != {v}.x || {v}.y != {v}.y)"
    if dt.kind == "f":
        return f"({v} != {v})"
    return "false"


def quantile_source(name, in_dt, out_dt, mode, vt) -> str:
    """out[qi, r] for the sorted rows ``s`` (rows x L): ``mode`` "interp", "take",
    "median" or "weighted" (inverted_cdf over ``cdf``, the rows' cumulative weights)."""
    st, it, ld = _types(in_dt)
    ot = _types(out_dt)[0]
    ct = _types(out_dt)[1]
    rin, rout = _round(in_dt), _round(out_dt)
    head = "#include <cuarray/common.cuh>\n"
    if _F16 in (in_dt, out_dt) or vt == "half":
        head += "#include <cuda_fp16.h>\n"
    # vt: the dtype NumPy computes virtual indexes in (that of q: float64 for Python
    # numbers; float16 arithmetic is float32 rounded after every operation).
    head += ("typedef float vt;\n#define RV(x) __half2float(__float2half((float)(x)))\n"
             if vt == "half" else f"typedef {vt} vt;\n#define RV(x) (x)\n")
    lv = ld.format("row[{}]")

    def store(x):
        return f"__float2half({x})" if out_dt == _F16 else f"({ot})({x})"

    if mode == "take" or mode == "weighted":
        nan_out = (f"__float2half({_nan('float')})" if in_dt == _F16 else
                   _nan(it) if in_dt.kind == "f" else "row[0]")
        fallback = "row[L - 1]"
    elif out_dt.kind == "c":
        nan_out = f"make_{ct}({_nan(ct[:-1])}, 0)"
        fallback = nan_out
    else:
        nan_out = store(_nan(ct))
        fallback = store(f"({ct}){lv.format('L - 1')}")
    if mode == "take":
        body = """
    vt vi, p, g;
    long long idx;
    switch (method) {
      case 0: vi = RV(RV(dn * qq) - 1); p = floor(vi); g = RV(vi - p);
              idx = (long long)(g == 0 ? p : p + 1); break;
      case 2: vi = RV(RV(RV(dn * qq) - 1) - (vt)0.5); p = floor(vi); g = RV(vi - p);
              idx = (long long)((g == 0 && ((((long long)p) % 2) + 2) % 2 == 1) ? p : p + 1);
              break;
      case 10: idx = (long long)ceil(RV(dm1 * qq)); break;
      case 12: idx = (long long)rint(RV(dm1 * qq)); break;
      default: idx = (long long)floor(RV(dm1 * qq)); break;   // lower, linear (integer q)
    }
    idx = idx < 0 ? 0 : (idx >= n ? n - 1 : idx);
    out[t] = row[idx];"""
    elif mode == "weighted":
        body = """
    const double* c = cdf + r * L;
    const double total = c[n - 1];
    if (!(total > 0) || total - total != 0) { *bad = 1; out[t] = row[n - 1]; continue; }
    long long lo = 0, hi = n;
    while (lo < hi) {
      const long long mid = lo + ((hi - lo) >> 1);
      vt cv = RV((vt)(c[mid] / total));
      if (cv == 0) cv = -1;
      if (cv < qq) lo = mid + 1; else hi = mid;
    }
    out[t] = row[lo < n ? lo : n - 1];"""
    elif mode == "median":
        if out_dt.kind == "c":
            # The parts are summed in the result's precision (complex64 input, complex128
            # ``out``: NumPy's sum runs in complex128).
            half = "0.5f" if ct == "float2" else "0.5"
            body = f"""
    const long long h = n / 2;
    const {st} c = row[h];
    {ct} m;
    m.x = c.x;
    m.y = c.y;
    if (!(n & 1)) {{
      const {st} a = row[h - 1];
      m.x = (a.x + m.x) * {half};
      m.y = (a.y + m.y) * {half};
    }}
    out[t] = m;"""
        else:
            acc = "float" if out_dt in (_F16, numpy.dtype(numpy.float32)) else "double"
            body = f"""
    const long long h = n / 2;
    {acc} m = ({acc}){lv.format('h')};
    if (!(n & 1)) m = (({acc}){lv.format('h - 1')} + m) / ({acc})2;
    out[t] = {store('m')};"""
    else:
        if in_dt.kind == "f":       # NumPy's b - a, in the input's dtype
            diff = f"({ct})" + rin.format(f"({lv.format('ib')} - {lv.format('ia')})")
        else:
            diff = f"({ct})({it})(row[ib] - row[ia])"
        body = f"""
    vt vi;
    switch (method) {{
      case 1: vi = RV(RV(dn * qq) - 1); break;
      case 11: vi = RV((vt)0.5 * RV(floor(RV(dm1 * qq)) + ceil(RV(dm1 * qq)))); break;
      case 6: vi = RV(dm1 * qq); break;
      default: vi = RV(RV(RV(dn * qq) + RV(RV((vt)alpha)
                                            + RV(qq * RV((vt)((1.0 - alpha) - beta))))) - 1);
               break;
    }}
    vt p = floor(vi), nx = RV(p + 1);
    if (vi >= dm1) {{ p = -1; nx = -1; }}
    if (vi < 0) {{ p = 0; nx = 0; }}
    vt g = RV(vi - p);
    if (method == 1) g = (g == 0) ? (vt)0.5 : (vt)1.0;
    if (method == 11) g = (vi == floor(vi)) ? (vt)0.0 : (vt)0.5;
    const long long ia = p < 0 ? n - 1 : (long long)p;
    const long long ib = nx < 0 ? n - 1 : (long long)nx;
    const {ct} a = ({ct}){lv.format('ia')}, b = ({ct}){lv.format('ib')};
    const {ct} d = {diff};
    const {ct} tt = {rout.format(f'({ct})g')}, omt = {rout.format(f'({ct})RV((vt)1 - g)')};
    {ct} res = {rout.format(f'a + {rout.format("d * tt")}')};
    if (g >= 0.5) res = {rout.format(f'b - {rout.format("d * omt")}')};
    out[t] = {store('res')};"""
    return head + f"""
extern "C" __global__ void {name}(const {st}* __restrict__ s, const long long rows,
    const long long L, const double* __restrict__ q, const long long nq,
    {ot}* __restrict__ out, const int method, const double alpha, const double beta,
    const int nanskip, const double* __restrict__ cdf, int* __restrict__ bad)
{{
  (void)alpha; (void)beta; (void)cdf; (void)bad; (void)method;
  CUARRAY_GRID_STRIDE_LOOP(long long, t, nq * rows) {{
    const long long qi = t / rows, r = t - qi * rows;
    const {st}* row = s + r * L;
    long long n = L;
    if (nanskip) {{
      long long lo = 0, hi = L;
      while (lo < hi) {{
        const long long mid = lo + ((hi - lo) >> 1);
        const {it} v = {lv.format('mid')};
        if (!{_isnan(in_dt, 'v')}) lo = mid + 1; else hi = mid;
      }}
      n = lo;
    }} else if (L > 0) {{
      const {it} last = {lv.format('L - 1')};
      if ({_isnan(in_dt, 'last')}) {{ out[t] = {fallback}; continue; }}
    }}
    if (n == 0) {{ out[t] = {nan_out}; continue; }}
    const vt qq = (vt)q[qi], dn = (vt)n, dm1 = (vt)(n - 1);
    (void)qq; (void)dn; (void)dm1;{body}
  }}
}}
"""


SELECT_ITEMS = 8
SELECT_GRID = 2048


def select_source(name, dt) -> str:
    """Radix select of the k-th smallest ukey, 8 bits per pass from the top, then a
    three-way scatter (NumPy's partition of a 1-D array around one kth).

    ``st`` (uint64 x 5, device): prefix and mask of the ukey bits fixed so far, the rank
    still sought among the elements matching them, the count of smaller elements, and
    (after the last pass) the count equal to the k-th.  ``{name}_hist`` counts the next
    digit of the matching elements (per-block shared histograms), ``{name}_pick`` (one
    thread) fixes that digit; ``{name}_scatter`` writes each element to the "<", "==" or
    ">" part of the output (ranks from warp ballots and one shared atomic per warp and
    part, block bases from one global atomic per block and part; order within a part is
    arbitrary, as NumPy allows), with its index for argpartition.
    """
    w = _s._WORDS[dt.itemsize]
    key = _s.ukey_expr(dt, "v", "i")
    return ("#include <cuarray/common.cuh>\n" + _s.UKEY_PREAMBLE + f"""
typedef unsigned long long u64;
extern "C" __global__ void {name}_init(u64* __restrict__ st, u64* __restrict__ hist,
                                       const long long k, u64* __restrict__ cnt)
{{
  for (int j = threadIdx.x; j < 256; j += blockDim.x) hist[j] = 0;
  if (threadIdx.x == 0) {{
    st[0] = 0; st[1] = 0; st[2] = (u64)k; st[3] = 0; st[4] = 0;
    cnt[0] = 0; cnt[1] = 0; cnt[2] = 0;
  }}
}}
extern "C" __global__ void {name}_hist(const {w}* __restrict__ src, const long long n,
    const u64* __restrict__ st, u64* __restrict__ hist, const int shift)
{{
  __shared__ unsigned int sh[256];
  for (int j = threadIdx.x; j < 256; j += blockDim.x) sh[j] = 0;
  __syncthreads();
  const u64 prefix = st[0], mask = st[1];
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) {{
    const u64 u = (u64){key};
    if ((u & mask) == prefix) atomicAdd(&sh[(u >> shift) & 255], 1u);
  }}
  __syncthreads();
  for (int j = threadIdx.x; j < 256; j += blockDim.x)
    if (sh[j]) atomicAdd(&hist[j], (u64)sh[j]);
}}
extern "C" __global__ void {name}_pick(u64* __restrict__ hist, u64* __restrict__ st,
                                       const int shift)
{{
  const u64 k = st[2];
  u64 cum = 0;
  int b = 0;
  for (; b < 255; ++b) {{
    if (cum + hist[b] > k) break;
    cum += hist[b];
  }}
  st[0] |= (u64)b << shift;
  st[1] |= 255ull << shift;
  st[2] = k - cum;
  st[3] += cum;
  st[4] = hist[b];
  for (int j = 0; j < 256; ++j) hist[j] = 0;
}}
extern "C" __global__ void __launch_bounds__({BLOCK}) {name}_scatter(
    const {w}* __restrict__ src, const long long n, const u64* __restrict__ st,
    {w}* __restrict__ out, long long* __restrict__ iout, u64* __restrict__ cnt)
{{
  __shared__ unsigned int part[3];
  __shared__ u64 base[3];
  const u64 pivot = st[0];
  const long long c_lt = (long long)st[3], c_eq = (long long)st[4];
  const unsigned int lane = threadIdx.x & 31;
  const unsigned int below = (1u << lane) - 1u;
  const long long tile = (long long){BLOCK} * {SELECT_ITEMS};
  for (long long t0 = (long long)blockIdx.x * tile; t0 < n; t0 += (long long)gridDim.x * tile) {{
    if (threadIdx.x < 3) part[threadIdx.x] = 0;
    __syncthreads();
    {w} v[{SELECT_ITEMS}];
    int cat[{SELECT_ITEMS}];
    unsigned int rank[{SELECT_ITEMS}];
#pragma unroll
    for (int q = 0; q < {SELECT_ITEMS}; ++q) {{
      const long long i = t0 + (long long)q * {BLOCK} + threadIdx.x;
      cat[q] = 3;
      rank[q] = 0;
      if (i < n) {{
        v[q] = src[i];
        const u64 u = (u64){key};
        cat[q] = u < pivot ? 0 : (u == pivot ? 1 : 2);
      }}
#pragma unroll
      for (int c = 0; c < 3; ++c) {{
        const unsigned int bal = __ballot_sync(0xffffffffu, cat[q] == c);
        if (bal) {{
          const int leader = __ffs(bal) - 1;
          unsigned int r0 = 0;
          if ((int)lane == leader) r0 = atomicAdd(&part[c], (unsigned int)__popc(bal));
          r0 = __shfl_sync(0xffffffffu, r0, leader);
          if (cat[q] == c) rank[q] = r0 + __popc(bal & below);
        }}
      }}
    }}
    __syncthreads();
    if (threadIdx.x < 3) base[threadIdx.x] = atomicAdd(&cnt[threadIdx.x], (u64)part[threadIdx.x]);
    __syncthreads();
#pragma unroll
    for (int q = 0; q < {SELECT_ITEMS}; ++q) {{
      if (cat[q] < 3) {{
        const long long start = cat[q] == 0 ? 0 : (cat[q] == 1 ? c_lt : c_lt + c_eq);
        const long long pos = start + (long long)base[cat[q]] + rank[q];
        out[pos] = v[q];
        if (iout) iout[pos] = t0 + (long long)q * {BLOCK} + threadIdx.x;
      }}
    }}
    __syncthreads();
  }}
}}
""")


def select_partition(a, k, with_values=True, with_indices=False):
    """Partition the C-contiguous 1-D real array ``a`` around its ``k``-th smallest
    element (NumPy's order: NaNs last): (values or None, int64 indices or None)."""
    from .._core.ndarray import _empty as empty
    dt = a.dtype
    n = a.size
    bits = numpy.dtype(f"u{dt.itemsize}")
    src = a.view(bits) if dt.kind != "b" else a.view(numpy.uint8)
    key = ("select", dt)
    fns = _s._kernels.get(key)
    if fns is None:
        from ..cuda.compiler import compile_with_cache
        name = f"cuarray_select__{dt.name}"
        mod = compile_with_cache(select_source(name, dt))
        fns = _s._kernels[key] = tuple(mod.get_function(f"{name}_{part}")
                                       for part in ("init", "hist", "pick", "scatter"))
    init, hist_k, pick, scatter = fns
    st = empty((5,), numpy.dtype(numpy.uint64))
    hist = empty((256,), numpy.dtype(numpy.uint64))
    cnt = empty((3,), numpy.dtype(numpy.uint64))
    init(1, 256, (st._ptr, hist._ptr, k, cnt._ptr))
    grid = _s.grid_for(n, SELECT_GRID)
    for shift in range(8 * dt.itemsize - 8, -1, -8):
        hist_k(grid, BLOCK, (src._ptr, n, st._ptr, hist._ptr, shift))
        pick(1, 1, (hist._ptr, st._ptr, shift))
    out = empty((n,), dt) if with_values else None
    idx = empty((n,), numpy.dtype(numpy.int64)) if with_indices else None
    if out is None:         # the scatter writes values: give it a scratch buffer
        out = empty((n,), dt)
    tiles = (n + BLOCK * SELECT_ITEMS - 1) // (BLOCK * SELECT_ITEMS)
    scatter(max(1, min(tiles, SELECT_GRID)), BLOCK,
            (src._ptr, n, st._ptr, out._ptr, 0 if idx is None else idx._ptr, cnt._ptr))
    return (out if with_values else None), idx


# -- planning (pure Python) -----------------------------------------------------------------------
def reduce_plan(shape, axis):
    """NumPy's _ureduce: (permutation putting kept axes first, kept shape, keepdims shape)."""
    nd = len(shape)
    axes = tuple(range(nd)) if axis is None else normalize_axis_tuple(axis, nd)
    keep = [d for d in range(nd) if d not in axes]
    kept = tuple(shape[d] for d in keep)
    keepdims = tuple(1 if d in axes else shape[d] for d in range(nd))
    return tuple(keep) + tuple(d for d in range(nd) if d in axes), kept, keepdims


def _rows(a, axis):
    """(C-contiguous rows x L array, rows, L, kept shape, keepdims shape)."""
    perm, kept, keepdims = reduce_plan(a._shape, axis)
    t = a.transpose(perm)
    rows = L = 1
    for s in kept:
        rows *= s
    for d in perm[len(kept):]:
        L *= a._shape[d]
    if not t._c:
        c = _empty(t._shape, t.dtype)
        _copy.copy_into(c, t)
        t = c
    return t.reshape((rows, L)), rows, L, kept, keepdims


_dtypes: dict = {}


def _q_key(q):
    if type(q) in (bool, int, float):
        return ("py", type(q))
    arr = numpy.asarray(q)
    return ("arr", arr.dtype, arr.ndim)


def _standin_q(key):
    if key[0] == "py":
        return key[1](0.5) if key[1] is float else key[1](0)
    return numpy.zeros((1,) * key[2], key[1])


def result_dtype(fname, dt, q, method, weighted):
    """The dtype of numpy.<fname> for an array of ``dt`` and this kind of ``q``, asked of
    NumPy on a 3-element stand-in (memoised); NumPy's own errors propagate."""
    key = (fname, dt, None if q is None else _q_key(q), method, weighted)
    res = _dtypes.get(key)
    if res is None:
        a = numpy.zeros(3, dt)
        fn = getattr(numpy, fname)
        kw = {} if q is None else {"method": method}
        if weighted:
            kw["weights"] = numpy.ones(3)
        args = (a,) if q is None else (a, _standin_q(key[2]))
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = numpy.asarray(fn(*args, **kw)).dtype
        _dtypes[key] = res
    return res


# -- the computation -----------------------------------------------------------------------------
def _launch(mode, sorted_rows, rows, L, qv, out_dt, method, alpha, beta, nanskip, q_dt,
            cdf=None):
    in_dt = sorted_rows.dtype
    nq = qv.size
    res = _empty((nq * rows,), out_dt)
    if nq * rows == 0:
        return res, None
    qc = {numpy.dtype(numpy.float32): "float", _F16: "half"}.get(q_dt, "double")
    key = ("quantile", in_dt, out_dt, mode, qc)
    fn = _s.kernel(key, f"cuarray_quantile__{mode}_{in_dt.name}_{out_dt.name}_{qc}",
                   lambda nm: quantile_source(nm, in_dt, out_dt, mode, qc),
                   options=("--fmad=false",))
    bad = None
    if cdf is not None:
        bad = _empty((1,), _I32)
        bad.fill(0)
    fn(_s.grid_for(nq * rows), BLOCK,
       (sorted_rows._ptr, rows, L, qv._ptr, nq, res._ptr, method, float(alpha), float(beta),
        1 if nanskip else 0, 0 if cdf is None else cdf._ptr, 0 if bad is None else bad._ptr))
    return res, bad


def _finish(res, shape, out):
    res = res.reshape(shape)
    if out is None:
        return res
    if not isinstance(out, ndarray):
        raise TypeError("out must be a cuarray array")
    if out._shape != shape:
        raise ValueError(f"out has shape {out._shape}; expected {shape}")
    _copy.copy_into(out, res)
    return out


def _q_values(q, percent: bool):
    """q as a host float64 array (and its NumPy dtype and shape), range-checked."""
    if isinstance(q, ndarray):
        q = q.get()
    host = numpy.asanyarray(q)
    if percent:
        host = numpy.true_divide(host, 100)
    host = numpy.asanyarray(host)
    if host.ndim > 2:
        raise ValueError("q must be a scalar or 1d")
    if host.size and not (numpy.all(host >= 0) and numpy.all(host <= 1)):
        raise ValueError("Percentiles must be in the range [0, 100]" if percent
                         else "Quantiles must be in the range [0, 1]")
    return host


def _weights_rows(weights, a, axis):
    """NumPy's _weights_are_valid, then the weights broadcast to ``a``'s shape."""
    w = _check_array(weights)
    if w._shape != a._shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        axes = normalize_axis_tuple(axis, a.ndim)
        if w._shape != tuple(a._shape[ax] for ax in axes):
            raise ValueError("Shape of weights must be consistent with shape of a along "
                             "specified axis.")
        w = w.transpose(list(numpy.argsort(axes)))
        w = w.reshape(tuple(s if ax in axes else 1 for ax, s in enumerate(a._shape)))
        from .manipulation import broadcast_to
        w = broadcast_to(w, a._shape)
    return w


def _quantile(fname, a, q, axis, out, method, keepdims, weights, nanskip, percent):
    a = _check_array(a)
    if keepdims is _NoValue:
        keepdims = False
    q_obj = q.get() if isinstance(q, ndarray) else q
    # NumPy's own checks (complex input, method, weights with a method) and result dtype.
    out_dt = result_dtype(fname, a.dtype, q_obj, method, weights is not None)
    qh = _q_values(q_obj, percent)
    if nanskip and a.size == 0:
        from .statistics import nanmean
        return nanmean(a, axis, out=out, keepdims=keepdims)
    w2 = None
    if weights is not None:
        w2 = _rows(_weights_rows(weights, a, axis), axis)[0]
    rows2, rows, L, kept, keepdims_shape = _rows(a, axis)
    if L == 0 and rows:
        raise IndexError("index -1 is out of bounds for axis 0 with size 0")
    mid, kind, alpha, beta = METHODS[method]
    q_dt = numpy.asarray(q_obj).dtype if not percent else qh.dtype
    if kind == "interp" and method == "linear" and q_dt.kind in "iub":
        mid, kind = _LINEAR_TAKE, "take"
    shape = qh.shape + (keepdims_shape if keepdims else kept)
    from .creation import asarray
    qv = asarray(qh.astype(_F64).reshape(-1))
    if w2 is not None:
        return _finish(_weighted(rows2, w2, rows, L, qv, out_dt, nanskip, q_dt), shape, out)
    srt = _s.sort_rows(rows2, rows, L).reshape((rows, L))
    res, _ = _launch(kind, srt, rows, L, qv, out_dt, mid, alpha, beta, nanskip, q_dt)
    return _finish(res, shape, out)


def _weighted(rows2, w2, rows, L, qv, out_dt, nanskip, q_dt):
    """inverted_cdf with weights: argsort the rows, gather values and weights, cumulative
    weights (float64), then a search per (quantile, row) in the kernel."""
    from .._ufunc.namespace import isnan, less, logical_not, multiply
    from .cumulative import cumsum
    from .reductions import any as _any
    neg = _any(less(w2, 0))
    n = rows * L
    perm = _s.argsort_rows(rows2, rows, L)
    srt = _s.gather_rows(rows2, perm, rows, L).reshape((rows, L))
    wc = w2 if w2._c else w2.copy()
    ws = _s.gather_rows(wc.astype(_F64) if wc.dtype != _F64 else wc, perm, rows, L)
    ws = ws.reshape((rows, L))
    if nanskip and srt.dtype.kind == "f":
        ws = multiply(ws, logical_not(isnan(srt)))
    cdf = cumsum(ws, axis=1, dtype=_F64)
    res, bad = _launch("weighted", srt, rows, L, qv, out_dt, 0, 0.0, 0.0, nanskip, q_dt, cdf)
    if n and bad is not None:
        from .joining import concatenate
        flags = concatenate((neg.reshape((1,)).astype(_I32), bad)).get()
        if flags[0]:
            raise ValueError("Weights must be non-negative.")
        if flags[1]:
            raise ValueError("Weights included NaN, inf or were all zero.")
    return res


def median_sum_dtype(in_dt, out_param_dt, res_dt):
    """The dtype the middle elements are added in when median writes into ``out``.

    NumPy's median is ``mean(middle, out=out)``: the sum runs in float64 for integer and
    bool input, in float32 for float16, and otherwise in the promotion of ``out``'s dtype
    with the input's (a reduction into ``out`` takes out's dtype into the loop), e.g.
    float64 for float32 data and a float64 ``out``.  Halving is exact, so computing the
    median in that dtype and casting it to ``out`` gives NumPy's value.  Real data summed
    into a complex ``out`` stay real (the imaginary parts are zeros).
    """
    if in_dt.kind in "iub":
        return res_dt
    if in_dt == _F16:
        return numpy.dtype(numpy.float32)
    dt = numpy.result_type(out_param_dt, in_dt)
    if dt.kind not in "fc":
        return res_dt           # NumPy refuses such an out (same_kind casting)
    if in_dt.kind == "f" and dt.kind == "c":
        dt = numpy.dtype(f"f{dt.itemsize // 2}")
    return dt


def _median(fname, a, axis, out, keepdims, nanskip):
    a = _check_array(a)
    if keepdims is _NoValue:
        keepdims = False
    out_dt = result_dtype(fname, a.dtype, None, None, False)
    check_supported(out_dt)
    if fname == "median" and isinstance(out, ndarray):
        out_dt = median_sum_dtype(a.dtype, out.dtype, out_dt)
    rows2, rows, L, kept, keepdims_shape = _rows(a, axis)
    shape = keepdims_shape if keepdims else kept
    from .creation import asarray
    qv = asarray(numpy.zeros(1))
    srt = _s.sort_rows(rows2, rows, L).reshape((rows, L)) if rows * L else rows2
    res, _ = _launch("median", srt, rows, L, qv, out_dt, 0, 0.0, 0.0, nanskip, _F64)
    return _finish(res, shape, out)


# -- public functions -----------------------------------------------------------------------------
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """See numpy.median.

    Differences from NumPy: a 0-d device array instead of a NumPy scalar; the median of
    an empty slice is NaN without a RuntimeWarning; results are C-contiguous.
    """
    return _median("median", a, axis, out, keepdims, nanskip=False)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=_NoValue):
    """See numpy.nanmedian (all-NaN slices give NaN, without a RuntimeWarning)."""
    return _median("nanmedian", a, axis, out, keepdims, nanskip=True)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None):
    """See numpy.quantile.

    ``q`` may be a Python scalar or sequence, a NumPy array or a device array (read back:
    NumPy checks its range).  Differences from NumPy: results are C-contiguous.
    """
    return _quantile("quantile", a, q, axis, out, method, keepdims, weights, False, False)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None):
    """See numpy.percentile (``q`` as for :func:`quantile`)."""
    return _quantile("percentile", a, q, axis, out, method, keepdims, weights, False, True)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=_NoValue, *, weights=None):
    """See numpy.nanquantile (``q`` as for :func:`quantile`).

    Differences from NumPy: the result dtype is the one :func:`quantile` gives (NumPy's
    apply_along_axis takes it from the first slice, which differs when that slice is
    all-NaN); all-NaN slices give NaN without a RuntimeWarning; ``weights`` shaped like
    the reduced axis are broadcast along the others, as documented and as
    :func:`quantile` does (NumPy's nan* forms raise IndexError there, numpy/numpy#29709).
    """
    return _quantile("nanquantile", a, q, axis, out, method, keepdims, weights, True, False)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=_NoValue, *, weights=None):
    """See numpy.nanpercentile (``q`` as for :func:`quantile`; ``weights`` as for
    :func:`nanquantile`)."""
    return _quantile("nanpercentile", a, q, axis, out, method, keepdims, weights, True, True)
