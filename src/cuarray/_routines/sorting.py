"""Sorting (NumPy reference: "Sorting, searching, and counting"): sort, argsort, lexsort,
sort_complex, partition, argpartition, searchsorted and the ndarray methods.

Every sort is stable and orders as NumPy does: NaNs last, -0.0 equal to +0.0, complex
numbers by NumPy's extended order (finite, then imaginary NaN, then real NaN, then both).
Three ways to sort, chosen by the length L of the sorted axis and the number of rows:

- L <= 4096: one thread block per row sorts it in registers and shared memory with
  CUB's ``BlockRadixSort`` (compiled by NVRTC): one read and one write of the data.
- one row (a flat sort): CUB's DeviceRadixSort through ``cuda.compute``
  (:mod:`cuarray._engine.cub`).  float32/float64 values are sorted as they are (CUB
  treats -0.0 as +0.0); NaNs with the sign bit set, which CUB puts first, are moved to
  the end afterwards by kernels that exit at once when there are none.
- several long rows: CUB's DeviceSegmentedSort (``cuda.compute``).

argsort sorts *ukeys*: an unsigned integer of the element's width that orders as NumPy
does (sign bit flipped for integers; for floats -0.0 mapped to +0.0, NaN to the largest
key), with the indices as values.  lexsort and complex numbers sort one key at a time,
least significant first, each stable pass gathering its key through the permutation of
the previous one.
"""

from __future__ import annotations

import operator

import numpy
from numpy.lib.array_utils import normalize_axis_index

from .._core.ndarray import _empty, ndarray
from .._engine import copy as _copy
from .._ufunc.reduce import _check_array

_I32 = numpy.dtype(numpy.int32)
_I64 = numpy.dtype(numpy.int64)
_U8 = numpy.dtype(numpy.uint8)
_BOOL = numpy.dtype(bool)
_F16 = numpy.dtype(numpy.float16)
BLOCK = 256
MAX_ROW = 4096
# (threads, items per thread) of the block sort, smallest first.
TIERS = ((32, 1), (32, 4), (64, 4), (128, 4), (128, 8), (256, 8), (256, 16))
_WORDS = {1: "unsigned char", 2: "unsigned short", 4: "unsigned int", 8: "unsigned long long"}
_kernels: dict = {}


# -- kernel sources -------------------------------------------------------------------------------
UKEY_PREAMBLE = r"""
// Unsigned keys that order as NumPy's sort: -0.0 as +0.0, every NaN last and equal.
__device__ __forceinline__ unsigned short cu_uk_f16(unsigned short u) {
  if ((u & 0x7fffu) > 0x7c00u) return 0xffffu;
  if (u == 0x8000u) u = 0;
  return (u & 0x8000u) ? (unsigned short)~u : (unsigned short)(u | 0x8000u);
}
__device__ __forceinline__ unsigned int cu_uk_f32(unsigned int u) {
  if ((u & 0x7fffffffu) > 0x7f800000u) return 0xffffffffu;
  if (u == 0x80000000u) u = 0;
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}
__device__ __forceinline__ unsigned long long cu_uk_f64(unsigned long long u) {
  if ((u & 0x7fffffffffffffffull) > 0x7ff0000000000000ull) return ~0ull;
  if (u == 0x8000000000000000ull) u = 0;
  return (u & 0x8000000000000000ull) ? ~u : (u | 0x8000000000000000ull);
}
__device__ __forceinline__ bool cu_nan_f32(unsigned int u) { return (u & 0x7fffffffu) > 0x7f800000u; }
__device__ __forceinline__ bool cu_nan_f64(unsigned long long u) {
  return (u & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
}
"""


def component_width(dt: numpy.dtype, comp: str) -> int:
    """Bytes of the ukey of component ``comp`` ("v", "re", "im", "cls") of ``dt``."""
    if comp == "cls":
        return 1
    return dt.itemsize // 2 if dt.kind == "c" else dt.itemsize


def ukey_expr(dt: numpy.dtype, comp: str, j: str) -> str:
    """C++ expression: the ukey of component ``comp`` of element ``j`` of ``src`` (words)."""
    w = component_width(dt, comp)
    if dt.kind == "c":
        # The parts' float width, not the key's: the class key is one byte wide.
        bits = f"f{4 * dt.itemsize}"
        if comp == "cls":
            return (f"(unsigned char)(2 * cu_nan_{bits}(src[2 * ({j})]) + "
                    f"cu_nan_{bits}(src[2 * ({j}) + 1]))")
        return f"cu_uk_{bits}(src[2 * ({j}){' + 1' if comp == 'im' else ''}])"
    if dt.kind == "f":
        return f"cu_uk_f{8 * w}(src[{j}])"
    if dt.kind == "i":
        return f"({_WORDS[w]})(src[{j}] ^ ({_WORDS[w]})(1ull << {8 * w - 1}))"
    return f"src[{j}]"


def components(dt: numpy.dtype) -> tuple:
    """The keys of one element, least significant first (complex: NumPy's order)."""
    return ("im", "re", "cls") if dt.kind == "c" else ("v",)


def keys_source(name, dt, comp, vtype) -> str:
    """keys[i] = ukey(src[row(i) * L + (perm ? perm[i] : i % L)]); without perm, also
    vals[i] = i % L (when vals is not null)."""
    w = _WORDS[dt.itemsize // 2 if dt.kind == "c" else dt.itemsize]
    k = _WORDS[component_width(dt, comp)]
    return ("#include <cuarray/common.cuh>\n" + UKEY_PREAMBLE + f"""
extern "C" __global__ void {name}(const {w}* __restrict__ src, const long long* __restrict__ perm,
    {k}* __restrict__ keys, {vtype}* __restrict__ vals, const long long n, const long long L)
{{
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) {{
    long long j;
    if (perm) {{
      j = (i / L) * L + perm[i];
    }} else {{
      j = i;
      if (vals) vals[i] = ({vtype})(i % L);
    }}
    keys[i] = {ukey_expr(dt, comp, 'j')};
  }}
}}
""")


_NATIVE = {"b": "unsigned char", "i1": "signed char", "u1": "unsigned char", "i2": "short",
           "u2": "unsigned short", "i4": "int", "u4": "unsigned int", "i8": "long long",
           "u8": "unsigned long long", "f4": "float", "f8": "double"}


def _native(dt) -> str:
    return _NATIVE["b" if dt.kind == "b" else f"{dt.kind}{dt.itemsize}"]


def rowsort_source(name, mode, dt, comp, threads, items, perm: bool) -> str:
    """One block per row of L <= threads * items elements: CUB BlockRadixSort.

    ``mode`` "sort": keys are the values themselves (NaN made canonical, so that it sorts
    last; CUB orders -0.0 as +0.0), written to ``kout``; float16 sorts its ukey with the
    value's bits as payload.  "argsort": ukeys of component ``comp`` with the row-local
    index (``perm[row, r]`` when ``perm``) as payload, written to ``vout``.  Elements load
    in blocked order (thread t holds ranks t * items ..), which is the order CUB keeps
    ties in.
    """
    payload_only = mode == "sort" and dt == _F16
    value_t = value = None
    if mode == "sort" and not payload_only:
        key = src_t = _native(dt)
        if dt.kind == "f":
            nan = ("__int_as_float(0x7fc00000)" if dt.itemsize == 4
                   else "__longlong_as_double(0x7ff8000000000000ll)")
            load, pad = f"{{ const {key} x = src[j]; k[q] = (x != x ? {nan} : x); }}", nan
        else:
            load, pad = "k[q] = src[j];", f"cuda::std::numeric_limits<{key}>::max()"
        store, out_t = "kout[base + r] = k[q];", key
    else:
        src_t = _WORDS[dt.itemsize // 2 if dt.kind == "c" else dt.itemsize]
        key = _WORDS[component_width(dt, comp)]
        load, pad = f"k[q] = {ukey_expr(dt, comp, 'j')};", f"({key})~0ull"
        if payload_only:
            value_t, value = "unsigned short", "src[j]"
            store, out_t = "kout[base + r] = v[q];", "unsigned short"
        else:
            value_t, value = "long long", "(perm ? perm[base + r] : (long long)r)"
            store, out_t = "vout[base + r] = v[q];", "unsigned char"
    vt = value_t or "cub::NullType"
    vdecl = f"{value_t} v[{items}];" if value_t else ""
    vset = f"v[q] = {value};" if value_t else ""
    vpad = "v[q] = 0;" if value_t else ""
    args = "k, v" if value_t else "k"
    j = "base + perm[base + r]" if perm else "base + r"
    return ("#include <cub/block/block_radix_sort.cuh>\n#include <cuda/std/limits>\n"
            + UKEY_PREAMBLE + f"""
extern "C" __global__ void __launch_bounds__({threads}) {name}(
    const {src_t}* __restrict__ src, const long long* __restrict__ perm,
    {out_t}* __restrict__ kout, long long* __restrict__ vout, const long long L,
    const long long nrows)
{{
  typedef cub::BlockRadixSort<{key}, {threads}, {items}, {vt}> S;
  __shared__ typename S::TempStorage tmp;
  (void)perm; (void)kout; (void)vout;
  for (long long row = blockIdx.x; row < nrows; row += gridDim.x) {{
    const long long base = row * L;
    {key} k[{items}];
    {vdecl}
#pragma unroll
    for (int q = 0; q < {items}; ++q) {{
      const int r = threadIdx.x * {items} + q;
      if (r < L) {{
        const long long j = {j};
        {load}
        {vset}
      }} else {{
        k[q] = {pad};
        {vpad}
      }}
    }}
    S(tmp).SortBlockedToStriped({args});
#pragma unroll
    for (int q = 0; q < {items}; ++q) {{
      const int r = q * {threads} + threadIdx.x;
      if (r < L) {{ {store} }}
    }}
    __syncthreads();
  }}
}}
""")


def fixnan_source(name, itemsize) -> str:
    """After CUB's float sort, NaNs with the sign bit set lead the array: count them
    (one thread), then rotate them to the end through a scratch copy.  Both rotation
    kernels return at once when there are none."""
    w = _WORDS[itemsize]
    sign = "0x80000000u" if itemsize == 4 else "0x8000000000000000ull"
    nan = "cu_nan_f32" if itemsize == 4 else "cu_nan_f64"
    return ("#include <cuarray/common.cuh>\n" + UKEY_PREAMBLE + f"""
extern "C" __global__ void {name}_count(const {w}* __restrict__ s, const long long n,
                                        long long* __restrict__ k)
{{
  long long lo = 0, hi = n;
  while (lo < hi) {{
    const long long mid = (lo + hi) / 2;
    const {w} u = s[mid];
    if ((u & {sign}) && {nan}(u)) lo = mid + 1; else hi = mid;
  }}
  *k = lo;
}}
extern "C" __global__ void {name}_save(const {w}* __restrict__ s, {w}* __restrict__ tmp,
                                       const long long n, const long long* __restrict__ k)
{{
  if (*k == 0) return;
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) tmp[i] = s[i];
}}
extern "C" __global__ void {name}_rotate({w}* __restrict__ s, const {w}* __restrict__ tmp,
                                         const long long n, const long long* __restrict__ k)
{{
  const long long kk = *k;
  if (kk == 0) return;
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) {{
    long long j = i + kk;
    if (j >= n) j -= n;
    s[i] = tmp[j];
  }}
}}
""")


def gather_rows_source(name, itemsize) -> str:
    """out[i] = src[row(i) * L + perm[i]] (raw words)."""
    w = _WORDS[itemsize] if itemsize <= 8 else "ulonglong2"
    return ("#include <cuarray/common.cuh>\n" + f"""
extern "C" __global__ void {name}(const {w}* __restrict__ src, const long long* __restrict__ perm,
                                  {w}* __restrict__ out, const long long n, const long long L)
{{
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) out[i] = src[(i / L) * L + perm[i]];
}}
""")


# -- kernel cache and launches --------------------------------------------------------------------
def kernel(key, name, make_source, options=()):
    """The kernel cached under ``key``; ``make_source(name)`` builds its source on a miss."""
    fn = _kernels.get(key)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        fn = _kernels[key] = compile_with_cache(make_source(name), options).get_function(name)
    return fn


def grid_for(n: int, cap: int = 1 << 20) -> int:
    return max(1, min((n + BLOCK - 1) // BLOCK, cap))


def tier(L: int):
    """The (threads, items) block sort for rows of length L, or None (too long)."""
    for threads, items in TIERS:
        if L <= threads * items:
            return threads, items
    return None


def _rowsort(mode, src, comp, rows, L, perm=None, kout=None, vout=None):
    threads, items = tier(L)
    dt = src.dtype
    key = ("rowsort", mode, dt, comp, threads, items, perm is not None)
    fn = kernel(key, f"cuarray_rowsort__{mode}_{dt.name}_{comp}_{threads}x{items}"
                     f"{'_p' if perm is not None else ''}",
                lambda nm: rowsort_source(nm, mode, dt, comp, threads, items, perm is not None))
    fn(min(rows, 2**31 - 1), threads, (src._ptr, 0 if perm is None else perm._ptr,
                                       0 if kout is None else kout._ptr,
                                       0 if vout is None else vout._ptr, L, rows))


def _ukeys(src, comp, perm, rows, L, vals=None):
    """The ukeys of component ``comp`` of ``src`` (rows * L, C order) gathered through the
    row-local permutation ``perm`` (or in place, writing ``vals`` = row-local indices)."""
    dt = src.dtype
    n = rows * L
    kdt = numpy.dtype(f"u{component_width(dt, comp)}")
    keys = _empty((n,), kdt)
    vtype = "int" if vals is not None and vals.dtype == _I32 else "long long"
    fn = kernel(("keys", dt, comp, vtype), f"cuarray_sortkeys__{dt.name}_{comp}_{vtype[-3:]}",
                lambda nm: keys_source(nm, dt, comp, vtype))
    fn(grid_for(n), BLOCK, (src._ptr, 0 if perm is None else perm._ptr, keys._ptr,
                            0 if vals is None else vals._ptr, n, L))
    return keys


def _offsets(rows, L):
    from .ranges import arange
    return arange(0, (rows + 1) * L, L, dtype=_I64)


def _cub_sort_pairs(keys, vals, rows, L, end_bit=None):
    """Stable sort of (keys, vals) within each row (both consumed); returns the values.
    ``end_bit``: keys differ only below this bit (flat sorts only)."""
    from .._engine import cub
    n = rows * L
    alt_k, alt_v = _empty((n,), keys.dtype), _empty((n,), vals.dtype)
    if rows == 1:
        _, out = cub.radix_sort(keys, alt_k, n, vals, alt_v, end_bit=end_bit,
                                double_buffer=True)
    else:
        _, out = cub.segmented_sort(keys, alt_k, n, _offsets(rows, L), rows, vals, alt_v,
                                    double_buffer=True)
    return out


def argsort_rows(src, rows, L, comps=None, end_bit=None):
    """int64 (rows * L,) row-local stable argsort of the C-contiguous ``src`` (rows x L);
    ``comps``: [(array, component)] keys, least significant first (default: src's).
    ``end_bit``: for one integer key, its ukeys differ only below this bit."""
    if comps is None:
        comps = [(src, c) for c in components(src.dtype)]
    n = rows * L
    perm = None
    if n == 0:
        return _empty((n,), _I64)
    for arr, comp in comps:
        if tier(L) is not None:
            out = _empty((n,), _I64)
            _rowsort("argsort", arr, comp, rows, L, perm=perm, vout=out)
            perm = out
            continue
        if perm is None and len(comps) == 1 and n < 2**31:
            # One key: int32 indices move 4 bytes less per element in every radix pass.
            vals = _empty((n,), _I32)
            keys = _ukeys(arr, comp, None, rows, L, vals)
            out = _empty((n,), _I64)
            _copy.copy_into(out, _cub_sort_pairs(keys, vals, rows, L, end_bit))
            return out
        if perm is None:
            perm = _empty((n,), _I64)
            keys = _ukeys(arr, comp, None, rows, L, perm)
        else:
            keys = _ukeys(arr, comp, perm, rows, L)
        perm = _cub_sort_pairs(keys, perm, rows, L)
    return perm


def gather_rows(src, perm, rows, L, out=None):
    """out[r, i] = src[r, perm[r, i]] for C-contiguous (rows x L) arrays."""
    n = rows * L
    if out is None:
        out = _empty((n,), src.dtype)
    if n:
        size = src.dtype.itemsize
        fn = kernel(("gather_rows", size), f"cuarray_sort_gather__b{size}",
                    lambda nm: gather_rows_source(nm, size))
        fn(grid_for(n), BLOCK, (src._ptr, perm._ptr, out._ptr, n, L))
    return out


def _fix_nans(out, n):
    size = out.dtype.itemsize
    fns = _kernels.get(("fixnan", size))
    if fns is None:
        from ..cuda.compiler import compile_with_cache
        name = f"cuarray_sort_fixnan__b{size}"
        mod = compile_with_cache(fixnan_source(name, size))
        fns = _kernels[("fixnan", size)] = tuple(
            mod.get_function(f"{name}_{part}") for part in ("count", "save", "rotate"))
    k = _empty((1,), _I64)
    scratch = _empty((n,), out.dtype)
    count, save, rotate = fns
    count(1, 1, (out._ptr, n, k._ptr))
    grid = grid_for(n, 2048)
    save(grid, BLOCK, (out._ptr, scratch._ptr, n, k._ptr))
    rotate(grid, BLOCK, (out._ptr, scratch._ptr, n, k._ptr))


def sort_rows(src, rows, L, out=None, end_bit=None):
    """Sort each row of the C-contiguous ``src`` (rows x L) into ``out`` (a new
    C-contiguous (rows * L,) array when None); returns ``out``.  ``end_bit``: integer
    values differ only below this bit of their ukeys (CUB's order), a flat sort then
    sorts only those bits."""
    n = rows * L
    dt = src.dtype
    if out is None:
        out = _empty((n,), dt)
    if n == 0:
        return out
    if dt.kind == "c":
        return gather_rows(src, argsort_rows(src, rows, L), rows, L, out)
    if tier(L) is not None:
        _rowsort("sort", src, "v", rows, L, kout=out)
        return out
    from .._engine import cub
    if dt.kind == "f" and (dt == _F16 or rows > 1):
        # Segmented sorts compare small segments with operator<, so floats sort as ukeys
        # with their own bits as payload (-0.0 keeps its sign, NaNs their payload).
        bits = numpy.dtype(f"u{dt.itemsize}")
        payload = _empty((n,), bits)
        _copy.copy_into(payload, src.view(bits).reshape((n,)))
        keys = _ukeys(src, "v", None, rows, L)
        sorted_bits = _cub_sort_pairs(keys, payload, rows, L)
        _copy.copy_into(out.view(bits), sorted_bits)
        return out
    flat_in = src.reshape((n,))
    if dt == _BOOL:
        flat_in, out_k = flat_in.view(_U8), out.view(_U8)
    else:
        out_k = out
    if rows == 1:
        cub.radix_sort(flat_in, out_k, n, end_bit=end_bit if dt.kind in "iub" else None)
        if dt.kind == "f":
            _fix_nans(out_k.view(numpy.dtype(f"u{dt.itemsize}")), n)
    else:
        cub.segmented_sort(flat_in, out_k, n, _offsets(rows, L), rows)
    return out


# -- axis handling --------------------------------------------------------------------------------
def work_rows(a, axis):
    """(C-contiguous (rows, L) array of ``a`` with ``axis`` last, rows, L)."""
    from .manipulation import moveaxis
    w = moveaxis(a, axis, -1) if axis != a.ndim - 1 else a
    L = w._shape[-1] if w.ndim else 1
    rows = w.size // L if L else 0
    if not w._c:
        c = _empty(w._shape, w.dtype)
        _copy.copy_into(c, w)
        w = c
    return w.reshape((rows, L)) if w.size else _empty((rows, L), w.dtype), rows, L


def _into(result, axis, flat, rows, L):
    """Copy the (rows * L,) row results into ``result`` (any layout) along ``axis``."""
    from .manipulation import moveaxis
    view = moveaxis(result, axis, -1) if result.ndim else result
    if flat is not None and view.size:
        _copy.copy_into(view, flat.reshape(view._shape))
    return result


def _rows_target(result, axis):
    """A (rows * L,) C-contiguous view of ``result`` along ``axis`` when its memory is laid
    out that way (the kernels write straight into it), else None."""
    from .manipulation import moveaxis
    view = moveaxis(result, axis, -1)
    return view.reshape((view.size,)) if view._c else None


def _result_like(a) -> ndarray:
    from .creation import empty_like_layout
    return empty_like_layout(a._shape, a.dtype, a._shape, a._strides, a._c, a._f, "K")


def _check_kind(kind, stable) -> None:
    if kind is not None:
        if not isinstance(kind, str):
            raise TypeError(f"sort kind must be str, not {type(kind).__name__}")
        if not kind or kind[0].lower() not in "qhms":
            raise ValueError(f"sort kind must be one of 'quick', 'heap', or 'stable' "
                             f"(got {kind!r})")
        if stable is not None:
            raise ValueError("`kind` and keyword parameters can't be provided at the same "
                             "time. Use only one of them.")


def _check_order(order) -> None:
    if order is not None:
        raise ValueError("Cannot specify order when the array has no fields.")


def _sorted_along(a, axis, result=None):
    """``a`` sorted along ``axis`` into ``result`` (a new array laid out like ``a``)."""
    if result is None:
        result = _result_like(a)
    if not a.size:
        return result
    w, rows, L = work_rows(a, axis)
    target = _rows_target(result, axis)
    flat = sort_rows(w, rows, L, out=target)
    return result if target is not None else _into(result, axis, flat, rows, L)


# -- sorting --------------------------------------------------------------------------------------
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """See numpy.sort.

    Every sort is stable (``kind`` is accepted and checked, as NumPy does).

    Differences from NumPy: NaN payloads are not kept along an axis of length <= 4096
    (NaNs come out as the canonical quiet NaN); the sign and order of zeros are kept.
    """
    a = _check_array(a)
    _check_kind(kind, stable)
    _check_order(order)
    if axis is None:
        a, axis = a.reshape((a.size,)) if a._c else a.flatten(), 0
    else:
        axis = normalize_axis_index(operator.index(axis), a.ndim)
    return _sorted_along(a, axis)


def sort_inplace(self, axis=-1, kind=None, order=None, *, stable=None):
    """ndarray.sort: sort in place.  See numpy.ndarray.sort."""
    _check_kind(kind, stable)
    _check_order(order)
    axis = normalize_axis_index(operator.index(axis), self.ndim)
    if self.size:
        _copy.copy_into(self, _sorted_along(self, axis))


def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    """See numpy.argsort.  Always stable (ties keep their order, NaNs last)."""
    a = _check_array(a)
    _check_kind(kind, stable)
    _check_order(order)
    if a.ndim == 0 and axis is not None:
        a = a.reshape((1,))          # NumPy argsorts a 0-d array as one element
    if axis is None:
        a, axis = a.reshape((a.size,)) if a._c else a.flatten(), 0
    else:
        axis = normalize_axis_index(operator.index(axis), a.ndim)
    return _argsorted_along(a, axis)


def _argsorted_along(a, axis, comps=None):
    if not a.size:
        return _empty(a._shape, _I64)
    w, rows, L = work_rows(a, axis)
    if comps is not None:
        comps = [(work_rows(k, axis)[0], c) for k, c in comps]
    perm = argsort_rows(w, rows, L, comps)
    if axis == a.ndim - 1:
        return perm.reshape(a._shape)
    return _into(_empty(a._shape, _I64), axis, perm, rows, L)


def lexsort(keys, axis=-1):
    """See numpy.lexsort (the last key is the primary one)."""
    if isinstance(keys, ndarray):
        if keys.ndim == 0:
            raise TypeError("need sequence of keys with len > 0 in lexsort")
        keys = [keys[i] for i in range(keys._shape[0])]
    elif isinstance(keys, (list, tuple)):
        keys = [_check_array(k) for k in keys]
    else:
        keys = [_check_array(keys)]
    if not keys:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    shape = keys[0]._shape
    if any(k._shape != shape for k in keys):
        raise ValueError("all keys need to be the same shape")
    if axis is None:
        raise TypeError("'NoneType' object cannot be interpreted as an integer")
    if not shape:                   # 0-d keys: one element, index 0
        out = _empty((), _I64)
        out.fill(0)
        return out
    axis = normalize_axis_index(operator.index(axis), len(shape))
    comps = [(k, c) for k in keys for c in components(k.dtype)]
    return _argsorted_along(keys[0], axis, comps)


def sort_complex(a):
    """See numpy.sort_complex."""
    a = _check_array(a)
    b = sort(a)
    if b.dtype.kind == "c":
        return b
    dt = numpy.dtype("F") if b.dtype.char in "bhBH" else numpy.dtype("D")
    return b.astype(dt)


# -- partitions -----------------------------------------------------------------------------------
def kth_values(kth, n) -> list:
    """NumPy's kth checks: integers (not booleans), within [-n, n); non-negative values."""
    if isinstance(kth, ndarray):
        kth = kth.get()
    arr = numpy.asarray(kth)
    if arr.dtype == _BOOL:
        raise ValueError("Booleans unacceptable as partition index")
    if arr.dtype.kind not in "iu":
        raise TypeError("Partition index must be integer")
    if arr.ndim > 1:
        raise ValueError("object too deep for desired array")
    out = []
    for k in arr.reshape(-1).tolist():
        kk = k + n if k < 0 else k
        if not 0 <= kk < n:
            raise ValueError(f"kth(={kk}) out of bounds ({n})")
        out.append(kk)
    return out


def _check_partition_kind(kind, order):
    if kind != "introselect":
        raise ValueError(f"select kind must be 'introselect' (got {kind!r})")
    _check_order(order)


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """See numpy.partition.

    One ``kth`` of a 1-D array longer than 4096 is a radix select and a three-way scatter;
    otherwise the result is sorted along ``axis`` (a valid partition for every ``kth``).
    As in NumPy, the order on either side of a ``kth`` is unspecified (NumPy's and
    cuarray's agree at the ``kth`` positions and in the sets on each side).
    """
    a = _check_array(a)
    _check_partition_kind(kind, order)
    if axis is None:
        a, axis = a.reshape((a.size,)) if a._c else a.flatten(), 0
    else:
        axis = normalize_axis_index(operator.index(axis), a.ndim)
    ks = kth_values(kth, a._shape[axis])
    if _selects(a, ks):
        from .order_statistics import select_partition
        return select_partition(a if a._c else a.copy(), ks[0])[0]
    return _sorted_along(a, axis)


def _selects(a, ks) -> bool:
    """Whether a radix select (a few passes over the data and one scatter) replaces the
    sort: one kth of a 1-D real array longer than a block sort takes."""
    return len(ks) == 1 and a.ndim == 1 and a.size > MAX_ROW and a.dtype.kind != "c"


def partition_inplace(self, kth, axis=-1, kind="introselect", order=None):
    """ndarray.partition: partition in place.  See numpy.ndarray.partition."""
    _check_partition_kind(kind, order)
    axis = normalize_axis_index(operator.index(axis), self.ndim)
    ks = kth_values(kth, self._shape[axis])
    if _selects(self, ks):
        from .order_statistics import select_partition
        _copy.copy_into(self, select_partition(self if self._c else self.copy(), ks[0])[0])
    elif self.size:
        _copy.copy_into(self, _sorted_along(self, axis))


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """See numpy.argpartition.

    One ``kth`` of a 1-D array longer than 4096 is a radix select; otherwise the indices
    sort ``a`` along ``axis`` (stable), a valid partition for every ``kth``.
    """
    a = _check_array(a)
    _check_partition_kind(kind, order)
    if a.ndim == 0 and axis is not None:
        a = a.reshape((1,))
    if axis is None:
        a, axis = a.reshape((a.size,)) if a._c else a.flatten(), 0
    else:
        axis = normalize_axis_index(operator.index(axis), a.ndim)
    ks = kth_values(kth, a._shape[axis])
    if _selects(a, ks):
        from .order_statistics import select_partition
        return select_partition(a if a._c else a.copy(), ks[0], False, True)[1]
    return _argsorted_along(a, axis)


# -- searchsorted ---------------------------------------------------------------------------------
def less_expr(dt, a, b) -> str:
    """NumPy's sort order ``a < b`` for values of ``dt`` (C++ variables a and b, already
    loaded as the compute type): NaNs last; complex by NumPy's extended order."""
    if dt.kind == "f":
        return f"({a} < {b} || ({b} != {b} && {a} == {a}))"
    if dt.kind == "c":
        return f"cu_clt({a}, {b})"
    return f"({a} < {b})"


_CLT = r"""
template <typename V>
__device__ __forceinline__ bool cu_clt(V a, V b) {
  // NumPy's CLT (npysort): finite values lexicographically, then imaginary NaNs,
  // then real NaNs.
  if (a.x < b.x) return a.y == a.y || b.y != b.y;
  if (a.x > b.x) return b.y != b.y && a.y == a.y;
  if (a.x == b.x || (a.x != a.x && b.x != b.x)) return a.y < b.y || (b.y != b.y && a.y == a.y);
  return b.x != b.x;
}
"""


def compute_type(dt) -> tuple:
    """(C++ storage type, C++ compute type, load expression template) for searching."""
    if dt == _F16:
        return "__half", "float", "__half2float({})"
    if dt.kind == "c":
        t = "float2" if dt.itemsize == 8 else "double2"
        return t, t, "{}"
    c = _native(dt)
    return c, c, "{}"


def searchsorted_source(name, dt, side, sorter_dt) -> str:
    st, ct, load = compute_type(dt)
    head = "#include <cuarray/common.cuh>\n"
    if dt == _F16:
        head += "#include <cuda_fp16.h>\n"
    idx = "a[mid]" if sorter_dt is None else "a[cu_idx(sorter[mid], n)]"
    cond = less_expr(dt, "y", "x") if side == "left" else "!" + less_expr(dt, "x", "y")
    sparam = "const void* __restrict__ sorter_" if sorter_dt is None else \
        f"const {_native(sorter_dt)}* __restrict__ sorter"
    return (head + _CLT + f"""
__device__ __forceinline__ long long cu_idx(long long i, long long n) {{
  // Out-of-range sorter entries are clipped (NumPy raises; that needs a device read).
  return i < 0 ? 0 : (i >= n ? n - 1 : i);
}}
extern "C" __global__ void {name}(const {st}* __restrict__ a, const long long n,
    {sparam}, const {st}* __restrict__ v, const long long m, long long* __restrict__ out)
{{
  CUARRAY_GRID_STRIDE_LOOP(long long, i, m) {{
    const {ct} x = {load.format('v[i]')};
    long long lo = 0, hi = n;
    while (lo < hi) {{
      const long long mid = lo + ((hi - lo) >> 1);
      const {ct} y = {load.format(idx)};
      if ({cond}) lo = mid + 1; else hi = mid;
    }}
    out[i] = lo;
  }}
}}
""")


def search(a, v, side="left", sorter=None) -> ndarray:
    """Insertion points (int64, v's shape) of ``v`` into the sorted 1-D ``a`` (both device
    arrays of the same dtype; ``sorter`` an integer device array of a's length or None)."""
    if a._shape and not a._c:
        a = a.copy()
    vc = v if v._c else v.copy()
    out = _empty(v._shape, _I64)
    m = v.size
    if m == 0:
        return out
    if a.size == 0:
        out.fill(0)
        return out
    if sorter is not None and not sorter._c:
        sorter = sorter.copy()
    dt = a.dtype
    sdt = None if sorter is None else sorter.dtype
    fn = kernel(("searchsorted", dt, side, sdt),
                f"cuarray_searchsorted__{dt.name}_{side}{'_' + sdt.name if sdt else ''}",
                lambda nm: searchsorted_source(nm, dt, side, sdt))
    fn(grid_for(m), BLOCK, (a._ptr, a.size, 0 if sorter is None else sorter._ptr, vc._ptr, m,
                            out._ptr))
    return out


def searchsorted(a, v, side="left", sorter=None):
    """See numpy.searchsorted.

    Differences from NumPy: out-of-range ``sorter`` entries are clipped instead of raising
    (checking them would need a device-to-host read).  A scalar ``v`` gives a 0-d array.
    """
    a = _check_array(a)
    v = _check_array(v)
    if side not in ("left", "right"):
        raise ValueError(f"search side must be 'left' or 'right' (got {side!r})")
    if a.ndim != 1:
        raise ValueError("object too deep for desired array" if a.ndim > 1
                         else "object of too small depth for desired array")
    if sorter is not None:
        sorter = _check_array(sorter)
        if sorter.dtype.kind not in "iu":
            raise TypeError("sorter must only contain integers")
        if sorter.size != a.size:
            raise ValueError("sorter.size must equal a.size")
    dt = numpy.result_type(a.dtype, v.dtype)
    from .._core.dtypes import check_supported
    check_supported(dt)
    if a.dtype != dt:
        a = a.astype(dt)
    if v.dtype != dt:
        v = v.astype(dt)
    return search(a, v, side, sorter)

