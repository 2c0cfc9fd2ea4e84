"""Histograms and counting (NumPy reference: "Statistics" and "Sorting, searching, and
counting"): histogram, histogram_bin_edges, histogram2d, histogramdd, bincount, digitize.

One counting kernel serves them all: each element finds its bin (NumPy's uniform-bin
arithmetic with its edge corrections, a binary search over explicit edges, one search
per dimension, or the value itself for bincount) and adds 1 or its weight there, in a
per-block copy of the histogram in shared memory when it fits (48 KiB), else straight
into global memory with atomics.  Counts are 64-bit integers; weights accumulate in
float64 (complex: two float64s; integer and bool weights: int64) and are cast to
NumPy's result dtype at the end, so sums may differ from NumPy's in the last bits.

Bin edges are computed on the host exactly as NumPy computes them (``numpy.linspace``
on the same scalars); the data's range (autodetected bins) and array ``bins`` (NumPy
checks they increase) are read back from the device.  The uniform-bin kernel rounds as
NumPy's float arithmetic does and is compiled with ``--fmad=false``.
"""

from __future__ import annotations

import operator
import warnings

import numpy

from .._core.dtypes import check_supported
from .._core.ndarray import _empty, ndarray
from .._engine import copy as _copy
from .._ufunc.reduce import _check_array
from . import sorting as _s

_I64 = numpy.dtype(numpy.int64)
_U64 = numpy.dtype(numpy.uint64)
_F64 = numpy.dtype(numpy.float64)
_F16 = numpy.dtype(numpy.float16)
_C128 = numpy.dtype(numpy.complex128)
_BOOL = numpy.dtype(bool)
BLOCK = _s.BLOCK
SHARED_BYTES = 48 * 1024
GRID_CAP = 1024
_range = range          # the functions below take NumPy's ``range`` argument


# -- kernel source --------------------------------------------------------------------------------
def _acc(weights_dt) -> tuple:
    """(accumulator kind, C++ type, components) for weights of ``weights_dt`` (or None)."""
    if weights_dt is None:
        return "count", "unsigned long long", 1
    if weights_dt.kind == "c":
        return "complex", "double", 2
    if weights_dt.kind in "iub":
        return "int", "unsigned long long", 1
    return "real", "double", 1


def _add(kind, w_dt) -> str:
    if kind == "count":
        return "atomicAdd(&H[bin], 1ull);"
    st, _, load = _s.compute_type(w_dt) if w_dt.kind != "b" else ("bool", "bool", "{}")
    if kind == "complex":
        return "{ const %s wv = w[i]; atomicAdd(&H[2 * bin], (double)wv.x); " \
               "atomicAdd(&H[2 * bin + 1], (double)wv.y); }" % st
    if kind == "int":
        return "atomicAdd(&H[bin], (unsigned long long)(long long)w[i]);"
    return f"atomicAdd(&H[bin], (double){load.format('w[i]')});"


def _arith(dt) -> tuple:
    """(storage, arithmetic type, load, round-to-dt) of ``dt`` in the bin computation."""
    st, ct, load = _s.compute_type(dt)
    rnd = "__half2float(__float2half({}))" if dt == _F16 else "{}"
    return st, ct, load, rnd


def hist_source(name, mode, in_dt, cmp_dt, bin_dt, w_dt, shared) -> str:
    """The counting kernel.  ``mode``:

    - "uniform": NumPy's equal-width bins: keep ``first <= x <= last`` (compared in
      ``cmp_dt``), ``f = ((x - fe) / nd) * nb`` in ``bin_dt`` (``x`` cast to it), then
      NumPy's corrections against ``edges``;
    - "edges": x (already in the edges' dtype ``in_dt``) goes to the bin j with
      ``edges[j] <= x < edges[j + 1]`` (the last bin closed), NumPy's sort order;
    - "direct": the bin is the integer value itself (bincount; checked non-negative).
    """
    kind, acc, comps = _acc(w_dt)
    st, ct, load, _ = _arith(in_dt)
    head = "#include <cuarray/common.cuh>\n"
    if _F16 in (in_dt, cmp_dt, bin_dt, w_dt):
        head += "#include <cuda_fp16.h>\n"
    params = [f"const {st}* __restrict__ a", "const long long n"]
    if mode == "uniform":
        bst, bct, bload, brnd = _arith(bin_dt)
        cct = _s.compute_type(cmp_dt)[1]
        cload = _s.compute_type(in_dt)[2]
        params += [f"const {bst}* __restrict__ edges", "const long long nb",
                   f"const {cct} first", f"const {cct} last", f"const {bct} fe",
                   f"const {bct} nd"]
        xin = cload.format("a[i]")
        tx = brnd.format(f"({bct}){xin}")
        step1 = brnd.format("(tx - fe)")
        step2 = brnd.format(f"({step1} / nd)")
        f_expr = brnd.format(f"({step2} * ({bct})nb)")
        find = f"""
    const {cct} xc = ({cct}){xin};
    if (!(xc >= first && xc <= last)) continue;
    const {bct} tx = ({bct}){tx};
    const {bct} f = {f_expr};
    long long bin = (long long)f;
    if (bin == nb) bin -= 1;
    if (bin < 0) bin = 0;
    if (bin > nb - 1) bin = nb - 1;
    if (tx < ({bct}){bload.format('edges[bin]')}) bin -= 1;
    if (bin < 0) bin = 0;
    if (bin != nb - 1 && tx >= ({bct}){bload.format('edges[bin + 1]')}) bin += 1;"""
    elif mode == "edges":
        params += [f"const {st}* __restrict__ edges", "const long long nb"]
        lt = _s.less_expr(in_dt, "{0}", "{1}")
        find = f"""
    const {ct} x = {load.format('a[i]')};
    long long lo = 0, hi = nb;
    while (lo < hi) {{
      const long long mid = lo + ((hi - lo) >> 1);
      const {ct} e = {load.format('edges[mid]')};
      if ({lt.format('x', 'e')}) hi = mid; else lo = mid + 1;
    }}
    long long bin = lo - 1;
    if (bin < 0) continue;
    if (bin == nb - 1) {{
      const {ct} e = {load.format('edges[nb]')};
      if ({lt.format('e', 'x')}) continue;
    }}"""
    else:
        params += ["const long long nb"]
        find = "\n    const long long bin = (long long)a[i];"
    if w_dt is not None:
        params.append(f"const {_s.compute_type(w_dt)[0] if w_dt.kind != 'b' else 'bool'}* "
                      f"__restrict__ w")
    params.append(f"{acc}* __restrict__ hist")
    add = _add(kind, w_dt)
    if shared:
        # Counts per block fit 32 bits (the launcher caps the elements a block sees), and
        # 32-bit shared-memory atomics are the fastest.
        sh = "unsigned int" if kind == "count" else acc
        if kind == "count":
            add = "atomicAdd(&H[bin], 1u);"
        pre = f"""
  extern __shared__ __align__(8) unsigned char smem_raw[];
  {sh}* H = reinterpret_cast<{sh}*>(smem_raw);
  for (long long b = threadIdx.x; b < nb * {comps}; b += blockDim.x) H[b] = 0;
  __syncthreads();"""
        post = f"""
  __syncthreads();
  for (long long b = threadIdx.x; b < nb * {comps}; b += blockDim.x)
    if (H[b] != 0) atomicAdd(&hist[b], ({acc})H[b]);"""
    else:
        pre, post = f"\n  {acc}* H = hist;", ""
    return (head + _s._CLT + f'extern "C" __global__ void {name}(' + ", ".join(params)
            + ")\n{" + pre + f"""
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) {{{find}
    {add}
  }}""" + post + "\n}\n")


def dd_source(name, d, w_dt, shared) -> str:
    """histogramdd: ``d`` coordinates per sample (float64, (d, n) C-contiguous), edges of
    every dimension concatenated (float64, ``eoff`` offsets): NumPy's searchsorted(right)
    per dimension, the right edge closed, outliers dropped, bins raveled in C order."""
    kind, acc, comps = _acc(w_dt)
    head = "#include <cuarray/common.cuh>\n"
    if w_dt == _F16:
        head += "#include <cuda_fp16.h>\n"
    wparam = "" if w_dt is None else \
        f", const {_s.compute_type(w_dt)[0] if w_dt.kind != 'b' else 'bool'}* __restrict__ w"
    lt = _s.less_expr(_F64, "{0}", "{1}")
    if shared:
        pre = f"""
  extern __shared__ __align__(8) unsigned char smem_raw[];
  {acc}* H = reinterpret_cast<{acc}*>(smem_raw);
  for (long long b = threadIdx.x; b < nb * {comps}; b += blockDim.x) H[b] = 0;
  __syncthreads();"""
        post = f"""
  __syncthreads();
  for (long long b = threadIdx.x; b < nb * {comps}; b += blockDim.x)
    if (H[b] != 0) atomicAdd(&hist[b], H[b]);"""
    else:
        pre, post = f"\n  {acc}* H = hist;", ""
    return head + f"""
extern "C" __global__ void {name}(const double* __restrict__ a, const long long n,
    const double* __restrict__ edges, const long long* __restrict__ eoff, const long long nb
    {wparam}, {acc}* __restrict__ hist)
{{{pre}
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) {{
    long long bin = 0;
    bool out = false;
#pragma unroll 1
    for (int k = 0; k < {d}; ++k) {{
      const double x = a[(long long)k * n + i];
      const double* e = edges + eoff[k];
      const long long m = eoff[k + 1] - eoff[k];
      long long lo = 0, hi = m;
      while (lo < hi) {{
        const long long mid = lo + ((hi - lo) >> 1);
        if ({lt.format('x', 'e[mid]')}) hi = mid; else lo = mid + 1;
      }}
      if (x == e[m - 1]) lo -= 1;
      if (lo < 1 || lo > m - 1) {{ out = true; break; }}
      bin = bin * (m - 1) + (lo - 1);
    }}
    if (out) continue;
    {_add(kind, w_dt)}
  }}{post}
}}
"""


# -- launches -------------------------------------------------------------------------------------
def _count(mode, a, nb, extra, weights, cmp_dt=None, bin_dt=None):
    """Run the counting kernel over the 1-D C-contiguous ``a``: (accumulator array, kind)."""
    w_dt = None if weights is None else weights.dtype
    kind, acc, comps = _acc(w_dt)
    acc_dt = _U64 if acc.startswith("unsigned") else _F64
    hist = _empty((nb * comps,), acc_dt)
    _copy.fill(hist, acc_dt.type(0))
    n = a.size
    if n == 0 or nb == 0:
        return hist, kind
    smem = nb * comps * (4 if kind == "count" else 8)
    shared = smem <= SHARED_BYTES and n < 2**40
    key = ("hist", mode, a.dtype, cmp_dt, bin_dt, w_dt, shared)
    tag = "_".join(str(getattr(x, "name", x)) for x in (a.dtype, cmp_dt, bin_dt, w_dt))
    fn = _s.kernel(key, f"cuarray_hist__{mode}_{tag}{'_sh' if shared else ''}",
                   lambda nm: hist_source(nm, mode, a.dtype, cmp_dt, bin_dt, w_dt, shared),
                   options=("--fmad=false",))
    args = (a._ptr, n) + tuple(extra)
    if weights is not None:
        args += (weights._ptr,)
    args += (hist._ptr,)
    fn(_s.grid_for(n, GRID_CAP), BLOCK, args, shared_mem=smem if shared else 0)
    return hist, kind


def _as_ntype(hist, kind, ntype):
    """The accumulator as NumPy's result dtype."""
    if kind == "count":
        return hist.view(_I64)
    if kind == "complex":
        h = hist.view(_C128)
        return h if ntype == _C128 else h.astype(ntype)
    if kind == "int":
        h = hist.view(_I64)
        return h if ntype == _I64 else h.astype(ntype)
    return hist if ntype == _F64 else hist.astype(ntype)


def _flat(a) -> ndarray:
    return a.reshape((a.size,)) if a._c else a.flatten()


# -- NumPy's bin logic (host) ---------------------------------------------------------------------
def unsigned_subtract(a, b):
    """NumPy's _unsigned_subtract: ``a - b`` for a >= b, unsigned for signed integers."""
    signed_to_unsigned = {numpy.byte: numpy.ubyte, numpy.short: numpy.ushort,
                          numpy.intc: numpy.uintc, numpy.int_: numpy.uint,
                          numpy.longlong: numpy.ulonglong}
    dt = numpy.result_type(a, b)
    try:
        unsigned_dt = signed_to_unsigned[dt.type]
    except KeyError:
        return numpy.subtract(a, b, dtype=dt)
    return numpy.subtract(numpy.asarray(a, dtype=dt), numpy.asarray(b, dtype=dt),
                          casting="unsafe", dtype=unsigned_dt)


def _minmax(a):
    """(min, max) of ``a`` as NumPy scalars of its dtype: one read."""
    from .joining import concatenate
    from .reductions import max as _max
    from .reductions import min as _min
    host = concatenate((_min(a).reshape((1,)), _max(a).reshape((1,)))).get()
    return host[0], host[1]


def outer_edges(a, range):
    """NumPy's _get_outer_edges (the data's range read back when needed)."""
    if range is not None:
        first_edge, last_edge = range
        if first_edge > last_edge:
            raise ValueError("max must be larger than min in range parameter.")
        if not (numpy.isfinite(first_edge) and numpy.isfinite(last_edge)):
            raise ValueError(f"supplied range of [{first_edge}, {last_edge}] is not finite")
    elif a.size == 0:
        first_edge, last_edge = 0, 1
    else:
        first_edge, last_edge = _minmax(a)
        if not (numpy.isfinite(first_edge) and numpy.isfinite(last_edge)):
            raise ValueError(f"autodetected range of [{first_edge}, {last_edge}] is not "
                             "finite")
    if first_edge == last_edge:
        first_edge = first_edge - 0.5
        last_edge = last_edge + 0.5
    return first_edge, last_edge


def _host_bins(bins):
    if isinstance(bins, ndarray):
        return bins.get()
    return numpy.asarray(bins)


def bin_edges(a, bins, range, weights):
    """NumPy's _get_bin_edges: (host edges, device edges or None, uniform (first, last,
    n) or None)."""
    n_equal_bins = None
    if isinstance(bins, str):
        if bins not in ESTIMATORS:
            raise ValueError(f"{bins!r} is not a valid estimator for `bins`")
        if weights is not None:
            raise TypeError("Automated estimation of the number of bins is not supported for "
                            "weighted data")
        first_edge, last_edge = outer_edges(a, range)
        n_equal_bins = _estimate(bins, a, range, first_edge, last_edge)
    elif numpy.ndim(bins) == 0 and not isinstance(bins, ndarray) or (
            isinstance(bins, ndarray) and bins.ndim == 0):
        try:
            n_equal_bins = operator.index(bins)
        except TypeError as e:
            raise TypeError("`bins` must be an integer, a string, or an array") from e
        if n_equal_bins < 1:
            raise ValueError("`bins` must be positive, when an integer")
        first_edge, last_edge = outer_edges(a, range)
    else:
        host = _host_bins(bins)
        if host.ndim != 1:
            raise ValueError("`bins` must be 1d, when an array")
        if numpy.any(host[:-1] > host[1:]):
            raise ValueError("`bins` must increase monotonically, when an array")
        dev = bins if isinstance(bins, ndarray) else None
        return host, dev, None
    bin_type = numpy.result_type(first_edge, last_edge, a.dtype)
    if numpy.issubdtype(bin_type, numpy.integer):
        bin_type = numpy.result_type(bin_type, float)
    host = numpy.linspace(first_edge, last_edge, n_equal_bins + 1, endpoint=True,
                          dtype=bin_type)
    if numpy.any(host[:-1] >= host[1:]):
        raise ValueError(f"Too many bins for data range. Cannot create {n_equal_bins} "
                         "finite-sized bins.")
    return host, None, (first_edge, last_edge, n_equal_bins)


def _prepare(a, weights):
    """NumPy's _ravel_and_check_weights (bool data counts as uint8, with its warning)."""
    a = _check_array(a)
    if a.dtype.kind == "c":
        raise TypeError("cuarray's histograms do not support complex data")
    if a.dtype == _BOOL:
        warnings.warn(f"Converting input from {a.dtype} to {numpy.uint8} for compatibility.",
                      RuntimeWarning, stacklevel=3)
        a = a.astype(numpy.uint8)
    if weights is not None:
        weights = _check_array(weights)
        if weights._shape != a._shape:
            raise ValueError("weights should have the same shape as a.")
        weights = _flat(weights)
    return _flat(a), weights


def uniform_params(a_dtype, first_edge, last_edge, edges_host) -> tuple:
    """The uniform kernel's (compare dtype, bin dtype, first, last, fe, nd), each scalar
    converted as NumPy's arithmetic converts it (Python numbers weakly, NEP 50)."""
    bin_dt = edges_host.dtype
    cmp_dt = numpy.result_type(a_dtype, first_edge, last_edge)
    check_supported(cmp_dt)
    ccmp = numpy.dtype(numpy.float32) if cmp_dt in (_F16, numpy.dtype(numpy.float32)) \
        else cmp_dt
    bct = numpy.dtype(numpy.float32) if bin_dt.itemsize <= 4 else _F64
    norm_denom = unsigned_subtract(last_edge, first_edge)
    fe = bct.type(bin_dt.type(first_edge))
    nd = bct.type(bin_dt.type(norm_denom))
    first = ccmp.type(cmp_dt.type(first_edge))
    last = ccmp.type(cmp_dt.type(last_edge))
    return cmp_dt, bin_dt, first, last, fe, nd


def uniform_counts(a, first_edge, last_edge, nb, edges_host, weights=None):
    """Counts (or weight sums, accumulator form) of ``a`` in NumPy's equal-width bins."""
    from .creation import asarray
    cmp_dt, bin_dt, first, last, fe, nd = uniform_params(a.dtype, first_edge, last_edge,
                                                         edges_host)
    edges = asarray(edges_host)
    return _count("uniform", a, nb, (edges._ptr, nb, first, last, fe, nd), weights,
                  cmp_dt, bin_dt)


def _histogram(a, bins, range, weights):
    """(device counts in NumPy's dtype, host edges, device edges or None)."""
    host, dev, uniform = bin_edges(a, bins, range, weights)
    ntype = _I64 if weights is None else weights.dtype
    nb = host.size - 1
    if uniform is not None:
        first_edge, last_edge, n_equal = uniform
        hist, kind = uniform_counts(a, first_edge, last_edge, n_equal, host, weights)
    else:
        from .creation import asarray
        edges = dev if dev is not None else asarray(host)
        dt = numpy.result_type(a.dtype, edges.dtype)
        check_supported(dt)
        ea = _flat(edges if edges.dtype == dt else edges.astype(dt))
        aa = a if a.dtype == dt else a.astype(dt)
        hist, kind = _count("edges", aa, max(nb, 0), (ea._ptr, max(nb, 0)), weights)
    return _as_ntype(hist, kind, ntype), host, dev


# -- bin-count estimators (NumPy's _hist_bin_*; statistics computed on the device) ------------------
def _ptp(x):
    lo, hi = _minmax(x)
    return unsigned_subtract(hi, lo)


def _std(x):
    from .statistics import std
    return std(x).get()[()]


def _sqrt(x, rng):
    return _ptp(x) / numpy.sqrt(x.size)


def _sturges(x, rng):
    return _ptp(x) / (numpy.log2(x.size) + 1.0)


def _rice(x, rng):
    return _ptp(x) / (2.0 * x.size ** (1.0 / 3))


def _scott(x, rng):
    return (24.0 * numpy.pi**0.5 / x.size)**(1.0 / 3.0) * _std(x)


def _doane(x, rng):
    if x.size > 2:
        sg1 = numpy.sqrt(6.0 * (x.size - 2) / ((x.size + 1.0) * (x.size + 3)))
        sigma = _std(x)
        if sigma > 0.0:
            from .._ufunc.namespace import divide, power, subtract
            from .statistics import mean
            temp = power(divide(subtract(x, mean(x)), sigma), 3)
            g1 = mean(temp).get()[()]
            return _ptp(x) / (1.0 + numpy.log2(x.size) +
                              numpy.log2(1.0 + numpy.absolute(g1) / sg1))
    return 0.0


def _fd(x, rng):
    from .order_statistics import percentile
    iqr = numpy.subtract(*percentile(x, [75, 25]).get())
    return 2.0 * iqr * x.size ** (-1.0 / 3.0)


def _auto(x, rng):
    fd_bw = _fd(x, rng)
    sturges_bw = _sturges(x, rng)
    sqrt_bw = _sqrt(x, rng)
    return min(max(fd_bw, sqrt_bw / 2), sturges_bw)


def _stone(x, rng):
    """NumPy's Stone estimator: every candidate count's histogram runs on the device and
    the (p . p) values are read back together."""
    from .._ufunc.namespace import divide, multiply
    from .joining import concatenate
    from .reductions import sum as _sum
    n = x.size
    ptp_x = _ptp(x)
    if n <= 1 or ptp_x == 0:
        return 0
    upper = max(100, int(numpy.sqrt(n)))
    dots = []
    for nbins in _range(1, upper + 1):
        counts = _histogram(x, nbins, rng, None)[0]
        p = divide(counts, n)
        dots.append(_sum(multiply(p, p)).reshape((1,)))
    dots = concatenate(dots).get()

    def jhat(nbins):
        hh = ptp_x / nbins
        return (2 - (n + 1) * dots[nbins - 1]) / hh
    nbins = min(_range(1, upper + 1), key=jhat)
    if nbins == upper:
        warnings.warn("The number of bins estimated may be suboptimal.", RuntimeWarning,
                      stacklevel=4)
    return ptp_x / nbins


ESTIMATORS = {"stone": _stone, "auto": _auto, "doane": _doane, "fd": _fd, "rice": _rice,
              "scott": _scott, "sqrt": _sqrt, "sturges": _sturges}


def _estimate(name, a, range, first_edge, last_edge) -> int:
    """NumPy's number of equal bins for estimator ``name`` (data outside ``range`` left
    out first)."""
    if range is not None:
        from .._ufunc.namespace import greater_equal, less_equal, logical_and
        from .reductions import all as _all
        keep = logical_and(greater_equal(a, first_edge), less_equal(a, last_edge))
        if not bool(_all(keep)):
            a = a[keep]
    if a.size == 0:
        return 1
    width = ESTIMATORS[name](a, (first_edge, last_edge))
    if width:
        if numpy.issubdtype(a.dtype, numpy.integer) and width < 1:
            width = 1
        delta = unsigned_subtract(last_edge, first_edge)
        return int(numpy.ceil(delta / width))
    return 1


# -- public functions -----------------------------------------------------------------------------
def histogram(a, bins=10, range=None, density=None, weights=None):
    """See numpy.histogram.

    ``bins`` may be an int, an estimator name, or a sequence or device array of edges.
    Differences from NumPy: complex data is not supported; the data's range (when
    ``range`` is None), array edges and estimator statistics are read back from the
    device; weight sums are accumulated in another order (float64) than NumPy's, and
    rounded once to the result dtype (NumPy's explicit-edge path differences running sums
    kept in the weights' dtype, which loses precision for float16 weights).
    """
    a, weights = _prepare(a, weights)
    n, host, dev = _histogram(a, bins, range, weights)
    from .creation import asarray
    edges = dev if dev is not None else asarray(host)
    if density:
        from .._ufunc.namespace import divide
        from .reductions import sum as _sum
        db = asarray(numpy.array(numpy.diff(host), float))
        return divide(divide(n, db), _sum(n)), edges
    return n, edges


def histogram_bin_edges(a, bins=10, range=None, weights=None):
    """See numpy.histogram_bin_edges."""
    a, weights = _prepare(a, weights)
    host, dev, _ = bin_edges(a, bins, range, weights)
    from .creation import asarray
    return dev if dev is not None else asarray(host)


def histogramdd(sample, bins=10, range=None, density=None, weights=None):
    """See numpy.histogramdd (a float64 histogram and the list of edges).

    Differences from NumPy: samples and edges are compared in float64; complex samples
    are not supported; the histogram is C-contiguous (NumPy's, without ``density``, is a
    view into an array padded with outlier bins).
    """
    cols = _sample_columns(sample)
    D = len(cols)
    N = cols[0].size if D else 0
    if weights is not None:
        weights = _flat(_check_array(weights))
    try:
        M = len(bins)
        if M != D:
            raise ValueError("The dimension of bins must be equal to the dimension of the "
                             "sample x.")
    except TypeError:
        bins = D * [bins]
    if range is None:
        range = (None,) * D
    elif len(range) != D:
        raise ValueError("range argument must have one entry per dimension")
    edges_host, edges_out = [], []
    from .creation import asarray
    for i in _range(D):
        b = bins[i]
        if numpy.ndim(b) == 0 and not (isinstance(b, ndarray) and b.ndim):
            if b < 1:
                raise ValueError(f"`bins[{i}]` must be positive, when an integer")
            smin, smax = outer_edges(cols[i], range[i])
            try:
                n = operator.index(b)
            except TypeError as e:
                raise TypeError(f"`bins[{i}]` must be an integer, when a scalar") from e
            e = numpy.linspace(smin, smax, n + 1)
            edges_host.append(e)
            edges_out.append(asarray(e))
        elif numpy.ndim(b) == 1 or isinstance(b, ndarray) and b.ndim == 1:
            e = _host_bins(b)
            if numpy.any(e[:-1] > e[1:]):
                raise ValueError(f"`bins[{i}]` must be monotonically increasing, when an "
                                 "array")
            edges_host.append(e)
            edges_out.append(b if isinstance(b, ndarray) else asarray(e))
        else:
            raise ValueError(f"`bins[{i}]` must be a scalar or 1d array")
    nbin = [e.size - 1 for e in edges_host]
    hist = _dd_counts(cols, N, edges_host, nbin, weights)
    hist = hist.reshape(tuple(nbin))
    if density:
        from .._ufunc.namespace import divide
        from .reductions import sum as _sum
        s = _sum(hist)
        for i in _range(D):
            shape = [1] * D
            shape[i] = nbin[i]
            hist = divide(hist, asarray(numpy.diff(edges_host[i]).astype(float).reshape(shape)))
        hist = divide(hist, s)
    return hist, edges_out


def _sample_columns(sample):
    """The D coordinate arrays of ``sample``: an (N, D) array, or a sequence of D arrays."""
    if isinstance(sample, ndarray) and sample.ndim == 2:
        cols = [sample[:, i] for i in _range(sample._shape[1])]
    elif isinstance(sample, ndarray):
        cols = [_flat(sample)]
    else:
        cols = [_check_array(c) for c in sample]
        if any(c._shape != cols[0]._shape for c in cols):
            raise ValueError("all the input array dimensions must match")
        cols = [_flat(c) for c in cols]
        # NumPy stacks the sequence into one array first: every column takes the common dtype.
        common = numpy.result_type(*(c.dtype for c in cols)) if cols else None
        cols = [c if c.dtype == common else c.astype(common) for c in cols]
    if any(c.dtype.kind == "c" for c in cols):
        raise TypeError("cuarray's histograms do not support complex data")
    return cols


def _dd_counts(cols, N, edges_host, nbin, weights):
    """The float64 histogram over the raveled bins."""
    from .creation import asarray
    D = len(cols)
    total = 1
    for m in nbin:
        total *= max(m, 0)
    w_dt = None if weights is None else weights.dtype
    if weights is not None and weights.size != N:
        raise ValueError("The weights and list don't have the same length.")
    if w_dt is not None and not numpy.can_cast(w_dt, _F64, "safe"):
        raise TypeError(f"Cannot cast array data from {w_dt!r} to dtype('float64') according "
                        "to the rule 'safe'")
    kind, acc, comps = _acc(None if w_dt is None else _F64)
    acc_dt = _U64 if kind == "count" else _F64
    hist = _empty((total,), acc_dt)
    _copy.fill(hist, acc_dt.type(0))
    if N and total:
        coords = _empty((D, N), _F64)
        for k, c in enumerate(cols):
            _copy.copy_into(coords[k], c)
        edges = asarray(numpy.concatenate(edges_host).astype(_F64))
        offs = asarray(numpy.concatenate(([0], numpy.cumsum([e.size for e in edges_host])))
                       .astype(_I64))
        wd = None if weights is None else (weights if w_dt == _F64 else weights.astype(_F64))
        shared = total * 8 <= SHARED_BYTES
        fn = _s.kernel(("histdd", D, None if wd is None else _F64, shared),
                       f"cuarray_histdd__{D}{'_w' if wd is not None else ''}"
                       f"{'_sh' if shared else ''}",
                       lambda nm: dd_source(nm, D, None if wd is None else _F64, shared))
        args = (coords._ptr, N, edges._ptr, offs._ptr, total)
        args += (() if wd is None else (wd._ptr,)) + (hist._ptr,)
        fn(_s.grid_for(N, GRID_CAP), BLOCK, args, shared_mem=total * 8 if shared else 0)
    return hist.view(_I64).astype(_F64) if kind == "count" else hist


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):
    """See numpy.histogram2d (differences as for :func:`histogramdd`)."""
    try:
        N = len(bins)
    except TypeError:
        N = 1
    if N != 1 and N != 2:
        xedges = yedges = bins
        bins = [xedges, yedges]
    hist, edges = histogramdd([x, y], bins, range, density, weights)
    return hist, edges[0], edges[1]


def bincount(x, weights=None, minlength=0):
    """See numpy.bincount.

    Differences from NumPy: the least and greatest value are read back from the device
    (the result's length depends on them).
    """
    x = _check_array(x)
    if x.ndim != 1:
        raise ValueError("object too deep for desired array" if x.ndim > 1
                         else "object of too small depth for desired array")
    if x.dtype.kind not in "iub":
        raise TypeError(f"Cannot cast array data from {x.dtype!r} to dtype('int64') "
                        "according to the rule 'safe'")
    if minlength is None:
        raise TypeError("use 0 instead of None for minlength")
    minlength = operator.index(minlength)
    if minlength < 0:
        raise ValueError("'minlength' must not be negative")
    if weights is not None:
        weights = _check_array(weights)
        if weights._shape != x._shape:
            raise ValueError("The weights and list don't have the same length.")
        if not numpy.can_cast(weights.dtype, _F64, "safe"):
            raise TypeError(f"Cannot cast array data from {weights.dtype!r} to "
                            "dtype('float64') according to the rule 'safe'")
        weights = _flat(weights)
        if weights.dtype != _F64:
            weights = weights.astype(_F64)
    xs = _flat(x if x.dtype != _BOOL else x.view(numpy.uint8))
    length = minlength
    if xs.size:
        from .sets import from_ukey, value_range
        lo, hi = value_range(xs)
        if from_ukey(lo, xs.dtype) < 0:
            raise ValueError("'list' argument must have no negative elements")
        length = max(from_ukey(hi, xs.dtype) + 1, minlength)
    hist, kind = _count("direct", xs, length, (length,), weights)
    return _as_ntype(hist, kind, _I64 if weights is None else _F64)


def _monotonicity(b) -> int:
    """NumPy's check_array_monotonic on the float64 values of ``b``."""
    a = numpy.asarray(b, dtype=numpy.float64)
    n = a.size
    if n == 0:
        return 1
    last = a[0]
    i = 1
    while i < n and a[i] == last:
        i += 1
    if i == n:
        return 1
    nxt = a[i]
    if last < nxt:
        for i in _range(i + 1, n):
            last, nxt = nxt, a[i]
            if last > nxt:
                return 0
        return 1
    for i in _range(i + 1, n):
        last, nxt = nxt, a[i]
        if last < nxt:
            return 0
    return -1


def digitize(x, bins, right=False):
    """See numpy.digitize (``bins`` is read back to check that it is monotonic)."""
    x = _check_array(x)
    bins = _check_array(bins)
    if x.dtype.kind == "c":
        raise TypeError("x may not be complex")
    if bins.ndim != 1:
        raise ValueError("object too deep for desired array" if bins.ndim > 1
                         else "object of too small depth for desired array")
    mono = _monotonicity(bins.get())
    if mono == 0:
        raise ValueError("bins must be monotonically increasing or decreasing")
    side = "left" if right else "right"
    if mono == -1:
        from .._ufunc.namespace import subtract
        return subtract(bins.size, _s.searchsorted(bins[::-1], x, side=side))
    return _s.searchsorted(bins, x, side=side)
