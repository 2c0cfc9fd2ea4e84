"""unique (every option, axis, equal_nan), unique_all/counts/inverse/values, intersect1d,
union1d, setdiff1d, setxor1d, isin (and in1d where NumPy has it) against NumPy; CPU tests
for the kernel sources and the value-range logic.

Inputs hold duplicates, NaNs of both signs, +-0.0 and infinities; sizes cover the block
sort (<= 4096), CUB's radix sort, and integer arrays of 65536 elements or more (the
range read back and a radix sort of the varying bits only).
"""

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._routines import sets as T

gpu = pytest.mark.gpu
ALL = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
       "float16", "float32", "float64", "complex64", "complex128"]
SIZES = [0, 1, 17, 5000, 70000]


def values(xp, n, dtype, seed=0, shape=None):
    """Few distinct values (many duplicates), with NaN, +-0.0 and inf for inexact dtypes."""
    dt = np.dtype(dtype)
    rng = np.random.default_rng(seed)
    if dt.kind == "b":
        host = rng.integers(0, 2, n).astype(dt)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        host = rng.integers(0, 40, n).astype(dt)
        if n > 3:
            host[:3] = [info.min, info.max, info.max]
    else:
        fdt = np.dtype(f"f{dt.itemsize // 2}") if dt.kind == "c" else dt
        pool = np.array([0.0, -0.0, 1.0, -2.5, np.inf, -np.inf, np.nan, -np.nan, 7.0], fdt)
        host = pool[rng.integers(0, pool.size, n)]
        if dt.kind == "c":
            im = pool[rng.integers(0, pool.size, n)]
            im[rng.random(n) < 0.6] = 0
            c = np.empty(n, dt)
            c.real, c.imag = host, im
            host = c
    return xp.asarray(host.reshape(shape if shape is not None else (n,)))


# -- unique ---------------------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("equal_nan", [True, False])
@testing.numpy_compare()
def test_unique_all_outputs(xp, dtype, n, equal_nan):
    a = values(xp, n, dtype, seed=1)
    return xp.unique(a, return_index=True, return_inverse=True, return_counts=True,
                     equal_nan=equal_nan)


@gpu
@pytest.mark.parametrize("dtype", ["int64", "float32", "complex128", "bool"])
@pytest.mark.parametrize("flags", [(False, False, False), (True, False, False),
                                   (False, True, False), (False, False, True),
                                   (True, False, True)])
@testing.numpy_compare()
def test_unique_flags(xp, dtype, flags):
    a = values(xp, 300, dtype, seed=2, shape=(15, 20))
    return xp.unique(a, *flags)


@gpu
@pytest.mark.parametrize("n, k", [(70000, 1000), (100000, 3), (70000, 2**40)])
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint64", "int8"])
@testing.numpy_compare()
def test_unique_large_ints(xp, n, k, dtype):
    dt = np.dtype(dtype)
    hi = min(k, int(np.iinfo(dt).max))
    host = np.random.default_rng(3).integers(-hi if dt.kind == "i" else 0, hi, n).astype(dt)
    return xp.unique(xp.asarray(host), return_index=True, return_inverse=True,
                     return_counts=True)


@gpu
@testing.numpy_compare()
def test_unique_large_single_value(xp):
    a = xp.asarray(np.full(70000, -7, np.int64))
    return xp.unique(a, return_counts=True)


@gpu
@pytest.mark.parametrize("layout", testing.LAYOUTS)
@testing.numpy_compare()
def test_unique_layouts(xp, layout):
    a = testing.random_array(xp, (8, 9), "int16", seed=4, layout=layout, low=0, high=6)
    return xp.unique(a, return_index=True, return_inverse=True)


@gpu
@pytest.mark.parametrize("shape, axis", [((6, 4), 0), ((6, 4), 1), ((5, 3, 4), 1),
                                         ((5, 3, 4), -1), ((3, 0), 0), ((0, 3), 0),
                                         ((3, 0), 1), ((7,), 0), ((200, 3), 0)])
@pytest.mark.parametrize("dtype", ["int8", "float64", "bool", "complex64"])
@testing.numpy_compare(accept_error=np.exceptions.AxisError)
def test_unique_axis(xp, shape, axis, dtype):
    n = int(np.prod(shape))
    host = np.random.default_rng(5).integers(0, 2, n).reshape(shape).astype(dtype)
    if host.ndim and host.shape[0] > 2:
        host[1] = host[0]                    # a duplicated row along axis 0
    return xp.unique(xp.asarray(host), return_index=True, return_inverse=True,
                     return_counts=True, axis=axis)


@gpu
@testing.numpy_compare(accept_error=np.exceptions.AxisError)
@pytest.mark.parametrize("case", ["axis_oob", "axis_1d_oob", "zero_d"])
def test_unique_errors(xp, case):
    if case == "axis_oob":
        return xp.unique(xp.ones((2, 3)), axis=2)
    if case == "axis_1d_oob":
        return xp.unique(xp.ones(3), axis=1)
    return xp.unique(xp.asarray(np.float32(2.5)), return_inverse=True)


@gpu
@pytest.mark.parametrize("dtype", ["int32", "float64", "complex64", "float16"])
@pytest.mark.parametrize("shape", [(8, 8), (0,), (70,)])
def test_array_api_unique_functions(dtype, shape):
    # NumPy >= 2.3 may return these in hash order: compare what the values mean, with
    # NaNs distinct (equal_nan=False), not their order.
    host = values(np, int(np.prod(shape)), dtype, seed=6, shape=shape)
    x = cuarray.asarray(host)
    ref = np.unique(host, equal_nan=False)
    res = cuarray.unique_all(x)
    assert res._fields == ("values", "indices", "inverse_indices", "counts")
    v, idx, inv, counts = (r.get() for r in res)
    np.testing.assert_array_equal(v, ref)
    np.testing.assert_array_equal(host.ravel()[idx], v)
    assert inv.shape == host.shape and inv.dtype == np.intp
    np.testing.assert_array_equal(v[inv] if v.size else host, host)
    np.testing.assert_array_equal(counts, np.bincount(inv.ravel(), minlength=v.size))
    counts2 = cuarray.unique_counts(x)
    assert counts2._fields == ("values", "counts")
    np.testing.assert_array_equal(counts2.counts.get(), counts)
    inv2 = cuarray.unique_inverse(x)
    assert inv2._fields == ("values", "inverse_indices")
    np.testing.assert_array_equal(inv2.inverse_indices.get(), inv)
    np.testing.assert_array_equal(np.sort(cuarray.unique_values(x).get()),
                                  np.sort(np.unique_values(host)))


# -- set operations -------------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("dtype", ["int16", "float32", "complex128", "bool"])
@pytest.mark.parametrize("n1, n2", [(0, 5), (30, 0), (40, 25), (6000, 5000)])
@pytest.mark.parametrize("fn", ["intersect1d", "union1d", "setdiff1d", "setxor1d"])
@testing.numpy_compare()
def test_set_operations(xp, fn, dtype, n1, n2):
    a = values(xp, n1, dtype, seed=8)
    b = values(xp, n2, dtype, seed=9)
    return getattr(xp, fn)(a, b)


@gpu
@pytest.mark.parametrize("assume_unique", [False, True])
@testing.numpy_compare()
def test_intersect1d_indices(xp, assume_unique):
    rng = np.random.default_rng(10)
    a = rng.integers(0, 50, 60)
    b = rng.integers(20, 80, 70)
    if assume_unique:
        a, b = np.unique(a), rng.permutation(np.unique(b))
    return xp.intersect1d(xp.asarray(a), xp.asarray(b), assume_unique=assume_unique,
                          return_indices=True)


@gpu
@pytest.mark.parametrize("fn", ["setdiff1d", "setxor1d", "intersect1d"])
@testing.numpy_compare()
def test_set_operations_assume_unique(xp, fn):
    a = xp.asarray(np.array([5, 1, 3, 9, 2]))
    b = xp.asarray(np.array([2, 8, 5, 0]))
    return getattr(xp, fn)(a, b, assume_unique=True)


@gpu
@testing.numpy_compare()
def test_set_operations_promote_and_ravel(xp):
    a = xp.asarray(np.arange(12, dtype=np.int8).reshape(3, 4))
    b = xp.asarray(np.array([[2.5, 3.0], [11.0, -1.0]]))
    return xp.union1d(a, b), xp.setxor1d(a, b), xp.intersect1d(a, b), xp.setdiff1d(a, b)


# -- isin -----------------------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("invert", [False, True])
@testing.numpy_compare()
def test_isin(xp, dtype, invert):
    element = values(xp, 120, dtype, seed=11, shape=(10, 12))
    test = values(xp, 7, dtype, seed=12)
    return xp.isin(element, test, invert=invert)


@gpu
@pytest.mark.parametrize("kind", [None, "sort", "table", "hash"])
@pytest.mark.parametrize("dtypes", [("int32", "int64"), ("int8", "float32"),
                                    ("float64", "float16"), ("bool", "int16")])
@testing.numpy_compare(accept_error=ValueError)
def test_isin_kinds_and_promotion(xp, kind, dtypes):
    element = testing.random_array(xp, (5, 9), dtypes[0], seed=13, low=0, high=8,
                                   layout="transposed")
    test = testing.random_array(xp, (6,), dtypes[1], seed=14, low=0, high=8)
    return xp.isin(element, test, kind=kind)


@gpu
@testing.numpy_compare()
def test_isin_empty(xp):
    a = xp.asarray(np.arange(4))
    e = xp.asarray(np.array([], np.int64))
    return (xp.isin(a, e), xp.isin(a, e, invert=True), xp.isin(e, a),
            xp.isin(xp.asarray(np.float64(2.0)), a))


@gpu
@pytest.mark.skipif(not hasattr(np, "in1d"), reason="this NumPy has no in1d")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@testing.numpy_compare()
def test_in1d(xp):
    a = values(xp, 30, "int32", seed=15, shape=(5, 6))
    return xp.in1d(a, values(xp, 5, "int32", seed=16), invert=True)


# -- CPU ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int8", "int64", "uint16", "uint64"])
def test_from_ukey(dtype):
    dt = np.dtype(dtype)
    info = np.iinfo(dt)
    bits = 8 * dt.itemsize
    for v in (info.min, -1 if dt.kind == "i" else 1, 0, info.max):
        u = (int(v) + (1 << (bits - 1))) % (1 << bits) if dt.kind == "i" else int(v)
        assert T.from_ukey(u, dt) == v


def test_unique_results_are_named_tuples():
    assert T.UniqueAllResult._fields == np.lib._arraysetops_impl.UniqueAllResult._fields
    assert T.UniqueCountsResult._fields == ("values", "counts")
    assert T.UniqueInverseResult._fields == ("values", "inverse_indices")


def test_host_arrays_are_rejected():
    for fn in (cuarray.unique, cuarray.unique_values):
        with pytest.raises(TypeError):
            fn([1, 2, 2])
    with pytest.raises(TypeError):
        cuarray.isin(np.arange(3), [1])


def test_isin_kind_errors_before_any_kernel():
    a = object.__new__(cuarray.ndarray)
    a.dtype = np.dtype(np.float32)
    with pytest.raises(ValueError, match="Invalid kind"):
        T._isin(a, a, kind="hash")
    with pytest.raises(ValueError, match="only supported for boolean or integer"):
        T._isin(a, a, kind="table")


@pytest.mark.parametrize("dtype", ALL)
def test_sources_compile(dtype):
    from cuarray.cuda.compiler import compile_to_cubin
    dt = np.dtype(dtype)
    for equal_nan in (False, True):
        compile_to_cubin(T.flags_source("f", dt, equal_nan), arch="sm_90")
    compile_to_cubin(T.member_source("m", dt), arch="sm_90")
    if dt.kind in "iu":
        compile_to_cubin(T.minmax_source("mm", dt), arch="sm_90")


def test_index_source_compiles():
    from cuarray.cuda.compiler import compile_to_cubin
    compile_to_cubin(T.INDEX_SOURCE, arch="sm_90")
