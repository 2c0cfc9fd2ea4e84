"""Set routines (NumPy reference: "Set routines"): unique and NumPy 2's unique_all,
unique_counts, unique_inverse, unique_values; intersect1d, union1d, setdiff1d, setxor1d,
isin (and in1d where the installed NumPy still has it).

unique sorts (stable, :mod:`.sorting`), flags the first element of each run of equal
values (one kernel; NaNs equal when ``equal_nan``), then compacts the flagged elements
(:mod:`cuarray._engine.compact`; the count is read back: the result's size depends on
the data).  For integer inputs of 65536 elements or more, the value range is read back
first (one more synchronisation) so that the radix sort only sorts the bits that vary:
unique of 2^26 int64 values in [0, 1000) sorts 10 bits, not 64.  isin sorts the test
elements once and binary-searches every element among them.
"""

from __future__ import annotations

import operator
from typing import NamedTuple

import numpy
from numpy.lib.array_utils import normalize_axis_index

from .._core.dtypes import check_supported
from .._core.ndarray import _empty, ndarray
from .._engine import compact as _compact
from .._ufunc.reduce import _check_array
from . import sorting as _s

_I64 = numpy.dtype(numpy.int64)
_U64 = numpy.dtype(numpy.uint64)
_BOOL = numpy.dtype(bool)
BLOCK = _s.BLOCK
RANGE_MIN_SIZE = 1 << 16


# -- kernels ------------------------------------------------------------------------------------
def minmax_source(name, dt) -> str:
    """The least and greatest ukey of an integer array (atomics on a (2,) uint64 buffer
    that ``{name}_init`` resets)."""
    w = _s._WORDS[dt.itemsize]
    return ("#include <cuarray/common.cuh>\n" + _s.UKEY_PREAMBLE + f"""
extern "C" __global__ void {name}_init(unsigned long long* r) {{ r[0] = ~0ull; r[1] = 0; }}
extern "C" __global__ void {name}(const {w}* __restrict__ src, const long long n,
                                  unsigned long long* __restrict__ r)
{{
  unsigned long long lo = ~0ull, hi = 0;
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) {{
    const unsigned long long u = {_s.ukey_expr(dt, 'v', 'i')};
    lo = u < lo ? u : lo;
    hi = u > hi ? u : hi;
  }}
  for (int o = 16; o; o >>= 1) {{
    const unsigned long long l2 = __shfl_down_sync(0xffffffffu, lo, o);
    const unsigned long long h2 = __shfl_down_sync(0xffffffffu, hi, o);
    lo = l2 < lo ? l2 : lo;
    hi = h2 > hi ? h2 : hi;
  }}
  if ((threadIdx.x & 31) == 0) {{ atomicMin(r, lo); atomicMax(r + 1, hi); }}
}}
""")


def _eq(dt, a, b) -> str:
    if dt.kind == "c":
        return f"({a}.x == {b}.x && {a}.y == {b}.y)"
    return f"({a} == {b})"


def _isnan(dt, a) -> str:
    if dt.kind == "c":
        return f"({a}.x != {a}.x || {a}.y != {a}.y)"
    if dt.kind == "f":
        return f"({a} != {a})"
    return "false"


def flags_source(name, dt, equal_nan: bool) -> str:
    """mask[i]: element i of the sorted ``s`` starts a run of equal values (NumPy's
    ``aux[1:] != aux[:-1]``; with ``equal_nan`` all NaNs form one run)."""
    st, ct, load = _s.compute_type(dt)
    head = "#include <cuarray/common.cuh>\n" + ("#include <cuda_fp16.h>\n" if dt == _s._F16
                                                else "")
    same = _eq(dt, "a", "b")
    if equal_nan:
        same = f"({same} || ({_isnan(dt, 'a')} && {_isnan(dt, 'b')}))"
    return head + f"""
extern "C" __global__ void {name}(const {st}* __restrict__ s, bool* __restrict__ mask,
                                  const long long n)
{{
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) {{
    if (i == 0) {{ mask[0] = true; continue; }}
    const {ct} a = {load.format('s[i - 1]')};
    const {ct} b = {load.format('s[i]')};
    mask[i] = !{same};
  }}
}}
"""


def member_source(name, dt) -> str:
    """out[i] = (v[i] is in the sorted t) != invert, with NumPy's == (NaN never found)."""
    st, ct, load = _s.compute_type(dt)
    head = "#include <cuarray/common.cuh>\n" + ("#include <cuda_fp16.h>\n" if dt == _s._F16
                                                else "")
    return head + _s._CLT + f"""
extern "C" __global__ void {name}(const {st}* __restrict__ t, const long long m,
    const {st}* __restrict__ v, const long long n, bool* __restrict__ out, const int invert)
{{
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) {{
    const {ct} x = {load.format('v[i]')};
    long long lo = 0, hi = m;
    while (lo < hi) {{
      const long long mid = lo + ((hi - lo) >> 1);
      const {ct} y = {load.format('t[mid]')};
      if ({_s.less_expr(dt, 'y', 'x')}) lo = mid + 1; else hi = mid;
    }}
    bool found = false;
    if (lo < m) {{ const {ct} y = {load.format('t[lo]')}; found = {_eq(dt, 'x', 'y')}; }}
    out[i] = found != (invert != 0);
  }}
}}
"""


INDEX_SOURCE = r"""
#include <cuarray/common.cuh>
// counts[i] = pos[i + 1] - pos[i] (pos[total] = n): the length of each run.
extern "C" __global__ void cuarray_unique_counts(const long long* __restrict__ pos,
    long long* __restrict__ counts, const long long total, const long long n)
{
  CUARRAY_GRID_STRIDE_LOOP(long long, i, total)
    counts[i] = (i + 1 < total ? pos[i + 1] : n) - pos[i];
}
// inv[perm[i]] = csum[i] - 1: the run (unique value) each original element belongs to.
extern "C" __global__ void cuarray_unique_inverse(const long long* __restrict__ perm,
    const long long* __restrict__ csum, long long* __restrict__ inv, const long long n)
{
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) inv[perm[i]] = csum[i] - 1;
}
"""


def _index_kernel(which):
    fns = _s._kernels.get("unique_index")
    if fns is None:
        from ..cuda.compiler import compile_with_cache
        mod = compile_with_cache(INDEX_SOURCE)
        fns = _s._kernels["unique_index"] = {
            "counts": mod.get_function("cuarray_unique_counts"),
            "inverse": mod.get_function("cuarray_unique_inverse")}
    return fns[which]


# -- unique -------------------------------------------------------------------------------------
def _flat(a) -> ndarray:
    """``a`` as a C-contiguous 1-D array (a view when it is one)."""
    return a.reshape((a.size,)) if a._c else a.flatten()


def value_range(ar) -> tuple:
    """(least, greatest) ukey of the C-contiguous integer (or bool) array ``ar``, as Python
    ints: one synchronising read."""
    dt = ar.dtype
    r = _empty((2,), _U64)
    name = f"cuarray_unique_minmax__{dt.name}"
    fns = _s._kernels.get(("minmax", dt))
    if fns is None:
        from ..cuda.compiler import compile_with_cache
        mod = compile_with_cache(minmax_source(name, dt))
        fns = _s._kernels[("minmax", dt)] = (mod.get_function(name + "_init"),
                                             mod.get_function(name))
    init, reduce = fns
    init(1, 1, (r._ptr,))
    reduce(_s.grid_for(ar.size, 4096), BLOCK, (ar._ptr, ar.size, r._ptr))
    lo, hi = (int(x) for x in r.get())
    return lo, hi


def from_ukey(u: int, dt) -> int:
    """The integer value of ``dt`` whose ukey is ``u``."""
    if dt.kind == "i":          # the ukey of x is x + 2**(bits - 1)
        return u - (1 << (8 * dt.itemsize - 1))
    return u


def value_bits(ar) -> int | None:
    """For a large integer array: the number of low ukey bits in which its values differ
    (one synchronising read of the least and greatest value); None otherwise."""
    if ar.dtype.kind not in "iu" or ar.size < RANGE_MIN_SIZE:
        return None
    lo, hi = value_range(ar)
    return max(1, (lo ^ hi).bit_length())


def _run_flags(aux, equal_nan) -> ndarray:
    n = aux.size
    mask = _empty((n,), _BOOL)
    dt = aux.dtype
    equal_nan = bool(equal_nan) and dt.kind in "fc"
    fn = _s.kernel(("unique_flags", dt, equal_nan),
                   f"cuarray_unique_flags__{dt.name}{'_eqnan' if equal_nan else ''}",
                   lambda nm: flags_source(nm, dt, equal_nan))
    fn(_s.grid_for(n), BLOCK, (aux._ptr, mask._ptr, n))
    return mask


def _run_info(mask, n, perm, offsets, total, return_index, return_inverse, return_counts,
              inverse_shape):
    """As asked, the first index (through ``perm``), inverse and length of each run that
    ``mask`` starts."""
    ret = ()
    if return_index:
        ret += (_compact.compact_values(mask, offsets, total, perm),)
    if return_inverse:
        from .cumulative import cumsum
        inv = _empty((n,), _I64)
        if n:
            csum = cumsum(mask, dtype=_I64)
            _index_kernel("inverse")(_s.grid_for(n), BLOCK,
                                     (perm._ptr, csum._ptr, inv._ptr, n))
        ret += (inv.reshape(inverse_shape),)
    if return_counts:
        counts = _empty((total,), _I64)
        if total:
            pos = _compact.compact_indices(mask, offsets, total)
            _index_kernel("counts")(_s.grid_for(total), BLOCK,
                                    (pos._ptr, counts._ptr, total, n))
        ret += (counts,)
    return ret


def _unique1d(ar, return_index, return_inverse, return_counts, equal_nan, inverse_shape):
    ar = _flat(ar)
    n = ar.size
    if n == 0:
        ret = (_empty((0,), ar.dtype),)
        ret += (_empty((0,), _I64),) if return_index else ()
        ret += (_empty(tuple(inverse_shape), _I64),) if return_inverse else ()
        ret += (_empty((0,), _I64),) if return_counts else ()
        return ret
    bits = value_bits(ar)
    perm = None
    if return_index or return_inverse:
        perm = _s.argsort_rows(ar, 1, n, end_bit=bits)
        aux = _s.gather_rows(ar, perm, 1, n)
    else:
        aux = _s.sort_rows(ar, 1, n, end_bit=bits)
    mask = _run_flags(aux, equal_nan)
    offsets, total = _compact.count(mask)
    values = _compact.compact_values(mask, offsets, total, aux)
    return (values,) + _run_info(mask, n, perm, offsets, total, return_index, return_inverse,
                                 return_counts, inverse_shape)


def _unique_axis(ar, axis, return_index, return_inverse, return_counts):
    """Unique sub-arrays along ``axis``: rows sorted lexicographically (a stable LSD sort
    over the columns), then runs of equal rows (NumPy compares them with ``!=``: rows
    holding a NaN are never equal to another)."""
    from .._engine import copy as _copy
    from .._ufunc.namespace import not_equal
    from .manipulation import moveaxis
    from .ranges import arange
    from .reductions import any as _any
    moved = moveaxis(ar, axis, 0)
    orig = moved._shape
    n0 = orig[0]
    m = moved.size // n0 if n0 else 0
    rows = _empty(orig, ar.dtype)
    _copy.copy_into(rows, moved)
    rows = rows.reshape((n0, m))
    if n0 == 0:
        values = _empty(orig, ar.dtype)
        ret = (values,) + tuple(_empty((0,), _I64) for f in
                                (return_index, return_inverse, return_counts) if f)
        return (moveaxis(values, 0, axis),) + ret[1:]
    mask = _empty((n0,), _BOOL)
    mask.fill(False)
    mask[0:1].fill(True)
    if m == 0:      # zero-size rows are all equal (NumPy's empty structured dtype)
        perm, srt = arange(n0, dtype=_I64), rows
    else:
        comps = [(_s.work_rows(rows[:, j], 0)[0], k) for j in range(m - 1, -1, -1)
                 for k in _s.components(ar.dtype)]
        perm = _s.argsort_rows(comps[0][0], 1, n0, comps)
        srt = _s.gather_rows(rows, _row_index(perm, m), 1, n0 * m).reshape((n0, m))
        if n0 > 1:
            _any(not_equal(srt[1:], srt[:-1]), axis=1, out=mask[1:])
    offsets, total = _compact.count(mask)
    first = _compact.compact_indices(mask, offsets, total).reshape((total,))
    values = _s.gather_rows(srt, _row_index(first, m), 1, total * m) if m else \
        _empty((total * m,), ar.dtype)
    values = moveaxis(values.reshape((total,) + orig[1:]), 0, axis)
    return (values,) + _run_info(mask, n0, perm, offsets, total, return_index, return_inverse,
                                 return_counts, (n0,))


def _row_index(rows, m):
    """Element indices of whole rows ``rows`` (int64) of a C-contiguous (.., m) array."""
    from .._ufunc.namespace import add, multiply
    from .ranges import arange
    k = rows.size
    idx = add(multiply(rows.reshape((k, 1)), m), arange(m, dtype=_I64).reshape((1, m)))
    return idx.reshape((k * m,))


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True, sorted=True):
    """See numpy.unique.  Results are always sorted (``sorted=False`` allows any order).

    Differences from NumPy: reads the number of unique values back from the device (the
    result's size depends on it), and for integer arrays of 65536 elements or more also
    their range (to sort fewer bits).
    """
    ar = _check_array(ar)
    if axis is None or ar.ndim == 1:
        if axis is not None:
            normalize_axis_index(operator.index(axis), ar.ndim)
        ret = _unique1d(ar, return_index, return_inverse, return_counts, equal_nan,
                        ar._shape)
    else:
        axis = normalize_axis_index(operator.index(axis), ar.ndim)
        ret = _unique_axis(ar, axis, return_index, return_inverse, return_counts)
    return ret[0] if len(ret) == 1 else ret


class UniqueAllResult(NamedTuple):
    values: ndarray
    indices: ndarray
    inverse_indices: ndarray
    counts: ndarray


class UniqueCountsResult(NamedTuple):
    values: ndarray
    counts: ndarray


class UniqueInverseResult(NamedTuple):
    values: ndarray
    inverse_indices: ndarray


def unique_all(x):
    """See numpy.unique_all (values sorted; NaNs are distinct)."""
    return UniqueAllResult(*unique(x, True, True, True, equal_nan=False))


def unique_counts(x):
    """See numpy.unique_counts (values sorted; NaNs are distinct)."""
    return UniqueCountsResult(*unique(x, False, False, True, equal_nan=False))


def unique_inverse(x):
    """See numpy.unique_inverse (values sorted; NaNs are distinct)."""
    return UniqueInverseResult(*unique(x, False, True, False, equal_nan=False))


def unique_values(x):
    """See numpy.unique_values.

    Differences from NumPy: the values come out sorted (NumPy 2.3+ leaves them in hash
    order); NaNs are distinct, as in NumPy.
    """
    return unique(x, equal_nan=False)


# -- set operations -----------------------------------------------------------------------------
def _select(mask, *arrays):
    """``a[mask]`` for each of ``arrays`` (1-D, the mask's length), one count read."""
    offsets, total = _compact.count(mask)
    return tuple(_compact.compact_values(mask, offsets, total, a) for a in arrays)


def _concat(a, b):
    from .joining import concatenate
    return concatenate((_flat(a), _flat(b)))


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    """See numpy.intersect1d."""
    ar1, ar2 = _check_array(ar1), _check_array(ar2)
    if not assume_unique:
        if return_indices:
            ar1, ind1 = unique(ar1, return_index=True)
            ar2, ind2 = unique(ar2, return_index=True)
        else:
            ar1, ar2 = unique(ar1), unique(ar2)
    ar1, ar2 = _flat(ar1), _flat(ar2)
    aux = _concat(ar1, ar2)
    n = aux.size
    if return_indices:
        order = _s.argsort_rows(aux, 1, n) if n else _empty((0,), _I64)
        aux = _s.gather_rows(aux, order, 1, n)
    else:
        aux = _s.sort_rows(aux, 1, n)
    if n < 2:
        empty = _empty((0,), aux.dtype)
        return (empty, _empty((0,), _I64), _empty((0,), _I64)) if return_indices else empty
    from .._ufunc.namespace import equal, subtract
    mask = equal(aux[1:], aux[:-1])
    if not return_indices:
        return _select(mask, aux[:-1])[0]
    int1d, i1, i2 = _select(mask, aux[:-1], order[:-1], order[1:])
    i2 = subtract(i2, ar1.size)
    if not assume_unique:
        i1 = _s.gather_rows(ind1, i1, 1, i1.size)
        i2 = _s.gather_rows(ind2, i2, 1, i2.size)
    return int1d, i1, i2


def union1d(ar1, ar2):
    """See numpy.union1d."""
    return unique(_concat(_check_array(ar1), _check_array(ar2)))


def setdiff1d(ar1, ar2, assume_unique=False):
    """See numpy.setdiff1d."""
    ar1, ar2 = _check_array(ar1), _check_array(ar2)
    if assume_unique:
        ar1 = _flat(ar1)
    else:
        ar1, ar2 = unique(ar1), unique(ar2)
    return _select(_isin(ar1, ar2, invert=True), ar1)[0]


def setxor1d(ar1, ar2, assume_unique=False):
    """See numpy.setxor1d."""
    ar1, ar2 = _check_array(ar1), _check_array(ar2)
    if not assume_unique:
        ar1, ar2 = unique(ar1), unique(ar2)
    aux = _concat(ar1, ar2)
    n = aux.size
    if n == 0:
        return aux
    aux = _s.sort_rows(aux, 1, n)
    from .._ufunc.namespace import logical_and, not_equal
    flag = _empty((n + 1,), _BOOL)
    flag[0:1].fill(True)
    flag[n:].fill(True)
    if n > 1:
        not_equal(aux[1:], aux[:-1], out=flag[1:n])
    return _select(logical_and(flag[1:], flag[:-1]), aux)[0]


_KINDS = (None, "sort", "table")


def _isin(ar1, ar2, invert=False, kind=None) -> ndarray:
    """Flat boolean membership of ``ar1``'s elements in ``ar2``."""
    if kind not in _KINDS:
        raise ValueError(f"Invalid kind: '{kind}'. Please use None, 'sort' or 'table'.")
    if kind == "table" and not all(x.dtype.kind in "uib" for x in (ar1, ar2)):
        raise ValueError("The 'table' method is only supported for boolean or integer arrays. "
                         "Please select 'sort' or None for kind.")
    dt = numpy.result_type(ar1.dtype, ar2.dtype)
    check_supported(dt)
    a = _flat(ar1 if ar1.dtype == dt else ar1.astype(dt))
    t = _flat(ar2 if ar2.dtype == dt else ar2.astype(dt))
    out = _empty((a.size,), _BOOL)
    if a.size == 0:
        return out
    if t.size == 0:
        out.fill(bool(invert))
        return out
    t = _s.sort_rows(t, 1, t.size)
    fn = _s.kernel(("isin", dt), f"cuarray_isin__{dt.name}", lambda nm: member_source(nm, dt))
    fn(_s.grid_for(a.size), BLOCK, (t._ptr, t.size, a._ptr, a.size, out._ptr,
                                    1 if invert else 0))
    return out


def isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    """See numpy.isin.

    ``kind`` is checked as NumPy does; both kinds sort ``test_elements`` and binary-search
    each element (no lookup table).
    """
    element = _check_array(element)
    test_elements = _check_array(test_elements)
    return _isin(element, test_elements, invert, kind).reshape(element._shape)


def in1d(ar1, ar2, assume_unique=False, invert=False, *, kind=None):
    """See numpy.in1d (NumPy < 2.4): ``isin`` of the flattened ``ar1``."""
    import warnings
    warnings.warn("`in1d` is deprecated. Use `np.isin` instead.", DeprecationWarning,
                  stacklevel=2)
    return _isin(_check_array(ar1), _check_array(ar2), invert, kind)
