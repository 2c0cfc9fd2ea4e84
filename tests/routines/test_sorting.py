"""sort, argsort, lexsort, sort_complex, partition, argpartition, searchsorted against NumPy,
and the CPU side of sorting: kernel sources (NVRTC, sm_90), planning logic and the
cuda.compute facade's disk cache (with fake payloads).

GPU tests cover every dtype, NaN placement (NaNs last, complex NaNs in NumPy's extended
order), -0.0/+0.0 ties (equal, stable), duplicates (argsort is stable: compared with
NumPy's kind='stable'), empty and 0-d inputs, non-contiguous layouts, and lengths that
take each path: a block sort per row (L <= 4096), CUB's radix sort (one long row) and
CUB's segmented sort (several long rows).
"""

import ctypes
import importlib.util
import os
import pathlib

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._engine import cub
from cuarray._routines import sorting as S

_spec = importlib.util.spec_from_file_location(
    "_host_kernels", pathlib.Path(__file__).with_name("_host_kernels.py"))
hostk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostk)

gpu = pytest.mark.gpu
ALL = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
       "float16", "float32", "float64", "complex64", "complex128"]
# (shape, axis): small rows (block sort), one long row (radix sort), several long rows
# (segmented sort), the axis not last, empty and 0-d arrays.
CASES = [((7,), -1), ((0,), -1), ((1,), 0), ((4, 33), -1), ((33, 4), 0), ((3, 5, 7), 1),
         ((2, 3, 4), None), ((4096,), 0), ((4097,), 0), ((100003,), -1), ((3, 5000), 1),
         ((5000, 3), 0), ((3, 0), 1), ((0, 3), 1), ((2, 2049), -1)]


def special(xp, shape, dtype, seed=0):
    """Values with duplicates, +-0.0, +-inf and NaNs (both signs) for inexact dtypes."""
    dt = np.dtype(dtype)
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if dt.kind == "b":
        host = rng.integers(0, 2, n).astype(dt)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        host = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
        host[: n // 2] = rng.integers(0, 5, n // 2)         # ties
    else:
        fdt = np.dtype(f"f{dt.itemsize // 2}") if dt.kind == "c" else dt
        parts = []
        for _ in range(2 if dt.kind == "c" else 1):
            x = np.round(rng.standard_normal(n) * 3).astype(fdt)
            pick = rng.integers(0, n, n // 4) if n else []
            x[pick] = rng.choice(np.array([np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0],
                                          fdt), len(pick))
            parts.append(x)
        host = parts[0]
        if dt.kind == "c":
            host = np.empty(n, dt)
            host.real, host.imag = parts
    return xp.asarray(host.reshape(shape))


# -- GPU: sort and argsort ------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("shape, axis", CASES)
@testing.numpy_compare(accept_error=np.exceptions.AxisError)
def test_sort(xp, dtype, shape, axis):
    return xp.sort(special(xp, shape, dtype, 1), axis=axis)


@gpu
@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("shape, axis", CASES)
@testing.numpy_compare(accept_error=np.exceptions.AxisError)
def test_argsort_stable(xp, dtype, shape, axis):
    return xp.argsort(special(xp, shape, dtype, 2), axis=axis, kind="stable")


@gpu
@pytest.mark.parametrize("layout", testing.LAYOUTS)
@pytest.mark.parametrize("axis", [0, 1, -1, None])
@pytest.mark.parametrize("fn", ["sort", "argsort"])
@testing.numpy_compare()
def test_sort_layouts(xp, layout, axis, fn):
    a = testing.random_array(xp, (6, 37), "float32", seed=3, layout=layout)
    if fn == "argsort":
        return xp.argsort(a, axis=axis, kind="stable")
    return xp.sort(a, axis=axis)


@gpu
@testing.numpy_compare()
def test_sort_f_order_keeps_layout(xp):
    a = xp.asfortranarray(special(xp, (50, 60), "float64", 4))
    return xp.sort(a, axis=0), xp.sort(a, axis=1)


@gpu
@pytest.mark.parametrize("n", [10, 5000, 100003])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_sort_nans_last_and_signed_zeros(n, dtype):
    host = special(np, (n,), dtype, 5)
    got = cuarray.sort(cuarray.asarray(host)).get()
    ref = np.sort(host)
    assert np.isnan(got[np.isnan(ref)]).all() and np.isnan(ref[-1]) == np.isnan(got[-1])
    np.testing.assert_array_equal(got[~np.isnan(ref)], ref[~np.isnan(ref)])
    # -0.0 and +0.0 compare equal and keep their order (NumPy's sort is value-equal;
    # the stable argsort fixes the order, and the sorted signs must follow it).
    order = np.argsort(host, kind="stable")
    np.testing.assert_array_equal(np.signbit(got[~np.isnan(ref)]),
                                  np.signbit(host[order][~np.isnan(ref)]))


@gpu
@pytest.mark.parametrize("n", [9, 5000, 100003])
def test_argsort_ties_and_nans_keep_order(n):
    host = np.zeros(n)
    host[::3] = np.nan
    host[1::3] = -0.0
    got = cuarray.argsort(cuarray.asarray(host)).get()
    np.testing.assert_array_equal(got, np.argsort(host, kind="stable"))


@gpu
@pytest.mark.parametrize("kind", [None, "quicksort", "mergesort", "heapsort", "stable", "q",
                                  "foo", 3])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_sort_kind(xp, kind):
    return xp.sort(special(xp, (40,), "int16", 6), kind=kind)


@gpu
@pytest.mark.parametrize("case", ["kind_and_stable", "order", "stable_false", "axis_oob",
                                  "zero_d", "zero_d_none"])
@testing.numpy_compare(accept_error=(ValueError, TypeError, np.exceptions.AxisError))
def test_sort_errors(xp, case):
    a = special(xp, (5,), "float32", 7)
    if case == "kind_and_stable":
        return xp.sort(a, kind="stable", stable=True)
    if case == "order":
        return xp.argsort(a, order="x")
    if case == "stable_false":
        return xp.sort(a, stable=False)
    if case == "axis_oob":
        return xp.sort(a, axis=1)
    if case == "zero_d":
        return xp.argsort(xp.asarray(np.float32(3)))
    return xp.sort(xp.asarray(np.float32(3)), axis=None)


@gpu
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_sort_inplace(axis):
    host = special(np, (40, 70), "float32", 8)
    a = cuarray.asarray(host)
    assert S.sort_inplace(a, axis=axis) is None
    host.sort(axis=axis)
    testing.assert_array_equal(a, host)


@gpu
def test_sort_inplace_view():
    host = special(np, (30, 40), "int32", 9)
    a = cuarray.asarray(host)
    S.sort_inplace(a[::2, 5:], axis=0)
    host[::2, 5:].sort(axis=0)
    testing.assert_array_equal(a, host)


# -- lexsort, sort_complex ------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("n", [11, 5000])
@testing.numpy_compare()
def test_lexsort_mixed_keys(xp, n):
    k1 = special(xp, (n,), "float32", 10)
    k2 = xp.asarray(np.random.default_rng(11).integers(0, 3, n).astype(np.int8))
    k3 = special(xp, (n,), "complex64", 12)
    return xp.lexsort((k1, k2, k3))


@gpu
@pytest.mark.parametrize("axis", [0, 1, -1])
@testing.numpy_compare()
def test_lexsort_2d_axis(xp, axis):
    keys = xp.asarray(np.random.default_rng(13).integers(0, 3, (3, 20, 30)))
    return xp.lexsort(keys, axis=axis)


@gpu
@pytest.mark.parametrize("case", ["empty_seq", "shapes", "zero_d", "axis_none"])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_lexsort_errors(xp, case):
    a = xp.asarray(np.arange(4.0))
    if case == "empty_seq":
        return xp.lexsort([])
    if case == "shapes":
        return xp.lexsort([a, xp.asarray(np.arange(3.0))])
    if case == "zero_d":
        return xp.lexsort([xp.asarray(np.float64(1)), xp.asarray(np.float64(2))])
    return xp.lexsort([a], axis=None)


@gpu
@pytest.mark.parametrize("dtype", ALL)
@testing.numpy_compare()
def test_sort_complex(xp, dtype):
    return xp.sort_complex(special(xp, (57,), dtype, 14))


# -- partition, argpartition ----------------------------------------------------------------------
def _check_partition(host, part, kth, axis):
    ref = np.sort(host, axis=axis)
    kths = np.atleast_1d(kth)
    moved = np.moveaxis(part, axis, -1)
    srt = np.moveaxis(ref, axis, -1)
    for k in kths:
        np.testing.assert_array_equal(moved[..., k], srt[..., k])
        left, right = moved[..., :k], moved[..., k + 1:]
        kv = moved[..., k:k + 1]
        with np.errstate(invalid="ignore"):
            assert not np.any(left > kv) and not np.any(right < kv)


@gpu
@pytest.mark.parametrize("shape, axis, kth", [((20,), 0, 5), ((20,), -1, [0, 19]),
                                              ((100003,), 0, 50000), ((7, 30), 1, -3),
                                              ((30, 7), 0, [2, 4, 28]), ((3, 5000), -1, 0)])
@pytest.mark.parametrize("dtype", ["int32", "float32", "float64", "uint8"])
def test_partition_and_argpartition(shape, axis, kth, dtype):
    host = testing.random_array(np, shape, dtype, seed=15)
    a = cuarray.asarray(host)
    part = cuarray.partition(a, kth, axis=axis).get()
    _check_partition(host, part, kth, axis)
    idx = cuarray.argpartition(a, kth, axis=axis).get()
    _check_partition(host, np.take_along_axis(host, idx, axis=axis), kth, axis)
    b = a.copy()
    S.partition_inplace(b, kth, axis=axis)
    _check_partition(host, b.get(), kth, axis)


@gpu
@pytest.mark.parametrize("dtype", [d for d in ALL if not d.startswith("complex")])
@pytest.mark.parametrize("kth", [0, 7, 10000, -1])
def test_partition_radix_select(dtype, kth):
    # One kth of a 1-D array longer than 4096: radix select, NaNs (both signs) last.
    host = special(np, (20000,), dtype, 30)
    a = cuarray.asarray(host)
    part = cuarray.partition(a, kth).get()
    k = kth % host.size
    ref = np.sort(host)
    np.testing.assert_array_equal(np.sort(part), ref)            # a permutation of a
    np.testing.assert_array_equal(part[k], ref[k])
    with np.errstate(invalid="ignore"):
        if not np.isnan(part[k]):
            assert not np.any(part[:k] > part[k]) and not np.any(part[k + 1:] < part[k])
            assert not np.isnan(part[:k]).any()
    idx = cuarray.argpartition(a, kth).get()
    np.testing.assert_array_equal(np.sort(idx), np.arange(host.size))
    np.testing.assert_array_equal(host[idx][k], ref[k])
    b = a[::-1]
    S.partition_inplace(b, kth)
    np.testing.assert_array_equal(b.get()[k], ref[k])


@gpu
def test_partition_axis_none_and_zero_d():
    host = testing.random_array(np, (4, 6), "float64", seed=16)
    part = cuarray.partition(cuarray.asarray(host), 10, axis=None).get()
    _check_partition(host.ravel(), part, 10, 0)
    testing.assert_array_equal(cuarray.argpartition(cuarray.asarray(np.float32(2)), 0), [0])


@gpu
@pytest.mark.parametrize("kth", [5, -6, True, 1.0, [[1]], [1, 9]])
@pytest.mark.parametrize("fn", ["partition", "argpartition"])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_partition_kth_errors(xp, fn, kth):
    a = special(xp, (5,), "float64", 17)
    return getattr(xp, fn)(a, kth)


@gpu
@testing.numpy_compare(accept_error=ValueError)
def test_partition_bad_kind(xp):
    return xp.partition(special(xp, (5,), "int64", 18), 1, kind="quicksort")


# -- searchsorted ---------------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("side", ["left", "right"])
@testing.numpy_compare()
def test_searchsorted(xp, dtype, side):
    a = xp.sort(special(xp, (301,), dtype, 19))
    v = special(xp, (5, 40), dtype, 20)
    return xp.searchsorted(a, v, side=side)


@gpu
@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("sorter_dtype", ["int64", "int32", "uint16"])
@testing.numpy_compare()
def test_searchsorted_sorter(xp, side, sorter_dtype):
    a = special(xp, (200,), "float32", 21)
    sorter = xp.argsort(a, kind="stable").astype(sorter_dtype)
    return xp.searchsorted(a, special(xp, (77,), "float32", 22), side=side, sorter=sorter)


@gpu
@pytest.mark.parametrize("a_dtype, v", [("int8", 300), ("uint8", -1), ("float32", 0.1),
                                        ("int64", 2.5), ("float64", True)])
@pytest.mark.parametrize("side", ["left", "right"])
@testing.numpy_compare()
def test_searchsorted_scalars_promote(xp, a_dtype, v, side):
    a = xp.asarray(np.array([-5, 0, 1, 2, 2, 3, 120], dtype=a_dtype)) if a_dtype != "uint8" \
        else xp.asarray(np.array([0, 1, 2, 250], dtype=a_dtype))
    if a_dtype == "float32":
        a = xp.asarray(np.array([0.0, np.float32(0.1), 0.2], np.float32))
    return xp.searchsorted(a, v, side=side)


@gpu
@pytest.mark.parametrize("n, m", [(0, 5), (5, 0), (100003, 1000), (1, 1)])
@testing.numpy_compare()
def test_searchsorted_sizes(xp, n, m):
    a = xp.sort(testing.random_array(xp, (n,), "float64", seed=23))
    v = testing.random_array(xp, (m,), "float64", seed=24, layout="negative_stride")
    return xp.searchsorted(a, v)


@gpu
@pytest.mark.parametrize("case", ["side", "a_2d", "a_0d", "sorter_len", "sorter_float",
                                  "side_letter"])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_searchsorted_errors(xp, case):
    a = xp.asarray(np.arange(5.0))
    if case == "side":
        return xp.searchsorted(a, 1.0, side="middle")
    if case == "a_2d":
        return xp.searchsorted(xp.ones((2, 2)), 1.0)
    if case == "a_0d":
        return xp.searchsorted(xp.asarray(np.float64(1)), 1.0)
    if case == "sorter_len":
        return xp.searchsorted(a, 1.0, sorter=xp.asarray(np.arange(4)))
    if case == "sorter_float":
        return xp.searchsorted(a, 1.0, sorter=xp.asarray(np.arange(5.0)))
    return xp.searchsorted(a, 1.0, side="R")


# -- CPU: planning logic and kernel sources -------------------------------------------------------
def test_tiers_cover_rows_up_to_4096():
    assert S.tier(1) == (32, 1) and S.tier(32) == (32, 1) and S.tier(33) == (32, 4)
    assert S.tier(4096) == (256, 16) and S.tier(4097) is None
    for L in range(1, 4097, 37):
        t, i = S.tier(L)
        assert t * i >= L
        smaller = [ti for ti in S.TIERS if ti[0] * ti[1] >= L]
        assert (t, i) == smaller[0]


def test_components_and_key_widths():
    assert S.components(np.dtype("complex64")) == ("im", "re", "cls")
    assert S.components(np.dtype("float16")) == ("v",)
    assert S.component_width(np.dtype("complex128"), "re") == 8
    assert S.component_width(np.dtype("complex64"), "cls") == 1
    assert S.component_width(np.dtype("int16"), "v") == 2


@pytest.mark.parametrize("kth, n, expect", [(3, 5, [3]), (-1, 5, [4]), ([0, -5], 5, [0, 0]),
                                            (np.int8(2), 3, [2])])
def test_kth_values(kth, n, expect):
    assert S.kth_values(kth, n) == expect


@pytest.mark.parametrize("kth, n, error", [(5, 5, ValueError), (-6, 5, ValueError),
                                           (True, 5, ValueError), (1.5, 5, TypeError),
                                           ([[1]], 5, ValueError), (0, 0, ValueError)])
def test_kth_values_errors(kth, n, error):
    with pytest.raises(error):
        S.kth_values(kth, n)


def test_check_kind():
    for kind in (None, "quicksort", "mergesort", "heapsort", "stable", "Q", "s"):
        S._check_kind(kind, None)
    with pytest.raises(ValueError, match="sort kind must be one of"):
        S._check_kind("x", None)
    with pytest.raises(ValueError, match="can't be provided at the same time"):
        S._check_kind("stable", True)
    with pytest.raises(TypeError):
        S._check_kind(1, None)


def _compile(src, opts=()):
    from cuarray.cuda.compiler import compile_to_cubin
    cubin, _ = compile_to_cubin(src, options=opts, arch="sm_90")
    assert len(cubin) > 0


@pytest.mark.parametrize("dtype", ALL)
def test_key_and_search_sources_compile(dtype):
    dt = np.dtype(dtype)
    for comp in S.components(dt):
        _compile(S.keys_source("k", dt, comp, "int"))
    for side in ("left", "right"):
        _compile(S.searchsorted_source("s", dt, side, np.dtype("int64")))
    _compile(S.gather_rows_source("g", dt.itemsize))


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    return hostk.host_kernels(tmp_path_factory)


def _host_ukeys(host, arr, comp):
    """The sort-key kernel run on the host: ukeys of component ``comp`` of ``arr``."""
    dt = arr.dtype
    n = arr.size
    keys = np.empty(n, f"u{S.component_width(dt, comp)}")
    vals = np.empty(n, np.int64)
    fn = host.build(S.keys_source("k", dt, comp, "long long")).k
    ptr = ctypes.c_void_p
    fn(ptr(arr.ctypes.data), ptr(None), ptr(keys.ctypes.data), ptr(vals.ctypes.data),
       ctypes.c_longlong(n), ctypes.c_longlong(n))
    np.testing.assert_array_equal(vals, np.arange(n))
    return keys


@pytest.mark.parametrize("dtype", ["int8", "uint16", "int64", "float16", "float32", "float64",
                                   "complex64", "complex128"])
@pytest.mark.parametrize("n", [57, 5000])
def test_ukeys_order_as_numpy(host, dtype, n):
    # One stable pass per component, least significant first (what the block sort and
    # CUB's radix sorts do on the device), must give NumPy's stable argsort: NaNs last,
    # complex NaNs in NumPy's extended order, -0.0 equal to +0.0.
    arr = np.ascontiguousarray(special(np, (n,), dtype, 30))
    perm = np.arange(n)
    for comp in S.components(arr.dtype):
        keys = _host_ukeys(host, arr, comp)
        perm = perm[np.argsort(keys[perm], kind="stable")]
    np.testing.assert_array_equal(perm, np.argsort(arr, kind="stable"))


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_class_key(host, dtype):
    arr = np.ascontiguousarray(special(np, (400,), dtype, 31))
    np.testing.assert_array_equal(_host_ukeys(host, arr, "cls"),
                                  2 * np.isnan(arr.real) + np.isnan(arr.imag))


@pytest.mark.parametrize("mode, dtype, comp, tier_, perm", [
    ("sort", "float32", "v", (256, 16), False), ("sort", "float16", "v", (32, 1), False),
    ("sort", "bool", "v", (64, 4), False), ("sort", "int64", "v", (128, 8), False),
    ("argsort", "float64", "v", (256, 16), False), ("argsort", "complex64", "cls", (32, 4), True),
    ("argsort", "int8", "v", (256, 8), True)])
def test_rowsort_sources_compile(mode, dtype, comp, tier_, perm):
    _compile(S.rowsort_source("rs", mode, np.dtype(dtype), comp, tier_[0], tier_[1], perm))


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16", "int32", "int64", "float16",
                                   "float32", "float64"])
def test_select_sources_compile(dtype):
    from cuarray._routines.order_statistics import select_source
    _compile(select_source("sel", np.dtype(dtype)))


def test_fixnan_sources_compile():
    for size in (4, 8):
        _compile(S.fixnan_source("fx", size))


# -- CPU: the cuda.compute facade's disk cache ----------------------------------------------------
@pytest.fixture
def fresh_cub(monkeypatch):
    monkeypatch.setattr(cub, "_blobs", {})
    monkeypatch.setattr(cub, "_unwritable", set())
    monkeypatch.setattr(cub, "stats", {"builds": 0, "disk_hits": 0, "disk_writes": 0})
    return cub


def test_entry_round_trip_and_rejections():
    key = cub.entry_key("radix_sort", ("<f4", None), "sm_90", "1.2.1")
    data = cub.encode_entry(key, b"payload bytes")
    assert cub.decode_entry(data, key) == b"payload bytes"
    other = cub.entry_key("radix_sort", ("<f8", None), "sm_90", "1.2.1")
    assert cub.decode_entry(data, other) is None                 # another key
    assert cub.decode_entry(data[:-1], key) is None              # truncated
    flipped = bytearray(data)
    flipped[60] ^= 1
    assert cub.decode_entry(bytes(flipped), key) is None         # corrupted
    assert cub.decode_entry(b"", key) is None
    assert cub.decode_entry(b"X" * 200, key) is None


def test_entry_key_covers_its_inputs():
    base = ("radix_sort", ("<f4", None), "sm_90", "1.2.1")
    keys = {cub.entry_key(*base), cub.entry_key("segmented_sort", *base[1:]),
            cub.entry_key(base[0], ("<f4", "<i4"), *base[2:]),
            cub.entry_key(*base[:2], "sm_100", base[3]), cub.entry_key(*base[:3], "1.3.0")}
    assert len(keys) == 5


def test_load_or_build_writes_then_reads(tmp_path, fresh_cub):
    built = []

    def build():
        built.append(1)
        return "algorithm"

    ser = lambda alg: alg.encode()                   # noqa: E731
    deser = lambda blob: blob.decode() + "(loaded)"  # noqa: E731
    args = ("radix_sort", ("<u4", None), "sm_90")
    first = fresh_cub.load_or_build(*args, build, ser, deser, "1.2.1", str(tmp_path))
    assert first == "algorithm" and built == [1] and fresh_cub.stats["disk_writes"] == 1
    files = os.listdir(tmp_path)
    assert len(files) == 1 and files[0].endswith(".cub") and not files[0].startswith(".")
    fresh_cub._blobs.clear()                          # a new process
    again = fresh_cub.load_or_build(*args, build, ser, deser, "1.2.1", str(tmp_path))
    assert again == "algorithm(loaded)" and built == [1] and fresh_cub.stats["disk_hits"] == 1
    # In-process blobs need no disk at all.
    third = fresh_cub.load_or_build(*args, build, ser, deser, "1.2.1", None)
    assert third == "algorithm(loaded)" and built == [1]


def test_load_or_build_ignores_unreadable_entries(tmp_path, fresh_cub):
    args = ("segmented_sort", ("<f4", "<i8", "<i8"), "sm_90")
    key = cub.entry_key(*args, "1.2.1")
    (tmp_path / (key + ".cub")).write_bytes(b"garbage")
    out = fresh_cub.load_or_build(*args, lambda: "fresh", str.encode, bytes.decode, "1.2.1",
                                  str(tmp_path))
    assert out == "fresh" and fresh_cub.stats["builds"] == 1
    assert cub.read_entry(str(tmp_path), key) == b"fresh"     # rewritten

    def reject(blob):
        raise ValueError("serialization blob: cuda-cccl version mismatch")
    fresh_cub._blobs.clear()
    out = fresh_cub.load_or_build(*args, lambda: "rebuilt", str.encode, reject, "1.2.1",
                                  str(tmp_path))
    assert out == "rebuilt" and fresh_cub.stats["builds"] == 2


def test_load_or_build_without_serialization(tmp_path, fresh_cub):
    def no_serialize(alg):
        raise TypeError("not serializable")
    out = fresh_cub.load_or_build("radix_sort", ("<i4", None), "sm_90", lambda: "obj",
                                  no_serialize, bytes.decode, "1.2.1", str(tmp_path))
    assert out == "obj" and os.listdir(tmp_path) == []


def test_write_entry_unwritable_directory(tmp_path, fresh_cub):
    target = tmp_path / "file"
    target.write_text("not a directory")
    assert not cub.write_entry(str(target / "sub"), "ab" * 32, b"x")
    assert str(target / "sub") in fresh_cub._unwritable
    assert not cub.write_entry(str(target / "sub"), "ab" * 32, b"x")   # not retried


def test_cache_dir_follows_cuarray(monkeypatch, tmp_path):
    monkeypatch.setenv("CUARRAY_CACHE_DIR", str(tmp_path))
    assert cub.cache_dir() == os.path.join(str(tmp_path), "cub")


@gpu
def test_current_stream_protocol():
    version, handle = cub._STREAM.__cuda_stream__()
    assert version == 0 and handle == 0                 # the legacy default stream
    with cuarray.cuda.Stream() as s:
        assert cub._STREAM.__cuda_stream__() == (0, s.ptr)


def test_import_does_not_load_cuda_compute():
    import subprocess
    import sys
    code = ("import sys, cuarray; cuarray.sort; cuarray.unique; cuarray.median; "
            "print('cuda.compute' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ), check=True)
    assert out.stdout.strip() == "False"
