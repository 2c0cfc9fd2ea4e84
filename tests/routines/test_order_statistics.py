"""median, percentile, quantile and their nan* forms against NumPy: every method, q as a
Python number, a sequence, a NumPy array (float64, float32) or a device array, axes
(None, int, tuples), keepdims, out, weights (inverted_cdf), NaNs, empty inputs; and the
CPU side: the _ureduce plan, NumPy's checks, result dtypes, kernel sources.

The kernel follows NumPy's arithmetic step by step (virtual index in q's dtype, _lerp in
the result dtype), so values are compared with tight tolerances.
"""

import ctypes
import importlib.util
import pathlib

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._routines import order_statistics as O

_spec = importlib.util.spec_from_file_location(
    "_host_kernels", pathlib.Path(__file__).with_name("_host_kernels.py"))
hostk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostk)

gpu = pytest.mark.gpu
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
METHODS = list(O.METHODS)
REAL = ["bool", "int8", "uint8", "int16", "int32", "uint32", "int64", "uint64", "float16",
        "float32", "float64"]
TOL = {"float16": 1e-3, "float32": 1e-6, "default": 1e-12}


def data(xp, shape, dtype, seed=0, nans=True):
    dt = np.dtype(dtype)
    rng = np.random.default_rng(seed)
    if dt.kind == "b":
        host = rng.integers(0, 2, shape).astype(dt)
    elif dt.kind in "iu":
        host = rng.integers(0, 100, shape).astype(dt)
    elif dt.kind == "c":
        host = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dt)
    else:
        host = (rng.standard_normal(shape) * 10).astype(dt)
        if nans and host.size > 3:
            flat = host.reshape(-1)
            flat[rng.integers(0, flat.size, max(1, flat.size // 7))] = np.nan
    return xp.asarray(host)


# -- median ---------------------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("dtype", REAL + ["complex64", "complex128"])
@pytest.mark.parametrize("shape, axis", [((7,), None), ((8,), 0), ((5, 6), 0), ((5, 6), 1),
                                         ((4, 5, 6), (0, 2)), ((4, 5, 6), None), ((3, 0), 1),
                                         ((3, 0), 0), ((0,), None), ((100003,), None),
                                         ((3, 5000), -1)])
@pytest.mark.parametrize("fn", ["median", "nanmedian"])
@testing.numpy_compare(rtol=TOL, contiguous_check=False)
def test_median(xp, fn, dtype, shape, axis):
    return getattr(xp, fn)(data(xp, shape, dtype, 1), axis=axis)


@gpu
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 1, (0, 2), -1])
@testing.numpy_compare(contiguous_check=False)
def test_median_keepdims_and_layouts(xp, keepdims, axis):
    a = testing.random_array(xp, (4, 5, 6), "float64", seed=2, layout="transposed")
    return xp.median(a, axis=axis, keepdims=keepdims), xp.nanmedian(a, axis=axis,
                                                                     keepdims=keepdims)


@gpu
@testing.numpy_compare()
def test_median_out(xp):
    a = data(xp, (6, 7), "float32", 3)
    out = xp.zeros((7,), dtype=xp.float64)
    r = xp.median(a, axis=0, out=out)
    return r, out


@gpu
def test_median_all_nan_and_even_counts():
    host = np.array([[np.nan, np.nan, np.nan, np.nan], [1.0, np.nan, 3.0, 2.0],
                     [4.0, 1.0, np.nan, np.nan]])
    a = cuarray.asarray(host)
    testing.assert_allclose(cuarray.nanmedian(a, axis=1), np.nanmedian(host, axis=1))
    testing.assert_allclose(cuarray.median(a, axis=1), np.median(host, axis=1))


# -- quantile and percentile ----------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", ["int16", "uint8", "int64", "float16", "float32", "float64"])
@pytest.mark.parametrize("q", [0.0, 0.5, 1.0, 0.37, [0.1, 0.5, 0.9],
                               np.array([0.25, 0.75], np.float32), 0, 1])
@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
@testing.numpy_compare(rtol=TOL, contiguous_check=False)
def test_quantile_methods(xp, fn, method, dtype, q):
    a = data(xp, (6, 11), dtype, 4)
    return getattr(xp, fn)(a, q, axis=1, method=method)


@gpu
@pytest.mark.parametrize("fn", ["percentile", "nanpercentile"])
@pytest.mark.parametrize("q", [50, 12.5, [0, 25, 100], np.array([33.3])])
@pytest.mark.parametrize("axis", [None, 0, (0, 1), -1])
@pytest.mark.parametrize("keepdims", [False, True])
@testing.numpy_compare(rtol=TOL, contiguous_check=False)
def test_percentile(xp, fn, q, axis, keepdims):
    a = data(xp, (5, 4, 3), "float64", 5)
    return getattr(xp, fn)(a, q, axis=axis, keepdims=keepdims)


@gpu
@pytest.mark.parametrize("n", [1, 2, 4096, 4097, 100003])
@testing.numpy_compare(rtol=TOL)
def test_quantile_sizes(xp, n):
    a = data(xp, (n,), "float32", 6, nans=False)
    return xp.quantile(a, [0.0, 0.01, 0.5, 0.99, 1.0], method="linear")


@gpu
@testing.numpy_compare(rtol=TOL)
def test_quantile_device_q_and_out(xp):
    a = data(xp, (7, 9), "float64", 7, nans=False)
    q = xp.asarray(np.array([0.2, 0.8]))
    out = xp.empty((2, 9))
    return xp.quantile(a, q, axis=0, out=out), out


@gpu
@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
@pytest.mark.parametrize("axis, wshape", [(None, "full"), (1, "full"), (1, "axis"),
                                          (0, "axis"), ((0, 1), "axis")])
@testing.numpy_compare(rtol=TOL, contiguous_check=False)
def test_weighted_quantile(xp, fn, dtype, axis, wshape):
    a = data(xp, (5, 8), dtype, 8)
    shape = (5, 8) if wshape == "full" else (
        (8,) if axis == 1 else (5,) if axis == 0 else (5, 8))
    w = xp.asarray(np.random.default_rng(9).integers(1, 4, shape).astype(np.float64))
    if xp is np and fn == "nanquantile" and w.shape != a.shape:
        # NumPy's nan* forms raise IndexError for weights shaped like the reduced axis
        # (numpy/numpy#29709, NumPy 2.4 and 2.5); the documented meaning is those weights
        # broadcast along the other axes, which quantile accepts and cuarray implements.
        w = np.broadcast_to(np.expand_dims(w, 1 - axis), a.shape)
    return getattr(xp, fn)(a, [0.0, 0.3, 0.5, 1.0], axis=axis, method="inverted_cdf",
                           weights=w)


@gpu
@pytest.mark.parametrize("case", ["q_range", "p_range", "method", "complex", "weights_method",
                                  "weights_negative", "weights_zero", "weights_shape",
                                  "weights_no_axis", "q_3d", "empty", "bool_interp"])
@testing.numpy_compare(accept_error=(ValueError, TypeError, IndexError))
def test_quantile_errors(xp, case):
    a = data(xp, (4, 5), "float64", 10, nans=False)
    if case == "q_range":
        return xp.quantile(a, [0.5, 1.5])
    if case == "p_range":
        return xp.percentile(a, -1)
    if case == "method":
        return xp.quantile(a, 0.5, method="foo")
    if case == "complex":
        return xp.nanquantile(a.astype(xp.complex64), 0.5)
    if case == "weights_method":
        return xp.quantile(a, 0.5, weights=xp.ones((4, 5)))
    if case == "weights_negative":
        w = xp.asarray(-np.ones((4, 5)))
        return xp.quantile(a, 0.5, axis=1, method="inverted_cdf", weights=w)
    if case == "weights_zero":
        return xp.quantile(a, 0.5, axis=1, method="inverted_cdf", weights=xp.zeros((4, 5)))
    if case == "weights_shape":
        return xp.quantile(a, 0.5, axis=1, method="inverted_cdf", weights=xp.ones(4))
    if case == "weights_no_axis":
        return xp.quantile(a, 0.5, method="inverted_cdf", weights=xp.ones(5))
    if case == "q_3d":
        return xp.quantile(a, np.zeros((1, 1, 1)) + 0.5)
    if case == "empty":
        return xp.quantile(xp.ones((0,)), 0.5)
    return xp.quantile(xp.ones(3, dtype=bool), 0.5)


@gpu
@testing.numpy_compare()
def test_nan_functions_empty(xp):
    return xp.nanquantile(xp.ones((0, 3)), 0.5, axis=0), xp.nanpercentile(xp.ones((0,)), 50)


# -- CPU ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, axis, expect", [
    ((2, 3, 4), None, ((0, 1, 2), (), (1, 1, 1))),
    ((2, 3, 4), 1, ((0, 2, 1), (2, 4), (2, 1, 4))),
    ((2, 3, 4), (0, -1), ((1, 0, 2), (3,), (1, 3, 1))),
    ((5,), 0, ((0,), (), (1,))),
    ((), None, ((), (), ())),
])
def test_reduce_plan(shape, axis, expect):
    assert O.reduce_plan(shape, axis) == expect


def test_reduce_plan_errors():
    with pytest.raises(np.exceptions.AxisError):
        O.reduce_plan((2, 3), 2)
    with pytest.raises(ValueError):
        O.reduce_plan((2, 3), (0, 0))


@pytest.mark.parametrize("q, percent, expect", [(0.5, False, 0.5), ([0, 1], False, [0, 1]),
                                                (50, True, 0.5), ([25.0, 100], True,
                                                                  [0.25, 1.0])])
def test_q_values(q, percent, expect):
    np.testing.assert_array_equal(O._q_values(q, percent), expect)


@pytest.mark.parametrize("q, percent", [(1.5, False), ([0.2, -0.1], False), (101, True),
                                        (np.nan, False), (np.zeros((1, 1, 1)), False)])
def test_q_values_errors(q, percent):
    with pytest.raises(ValueError):
        O._q_values(q, percent)


@pytest.mark.parametrize("fname, dtype, q, method, weighted", [
    ("quantile", "float32", 0.5, "linear", False), ("quantile", "float32", [0.5], "linear",
                                                     False),
    ("quantile", "int8", 0.5, "lower", False), ("quantile", "int64", 1, "linear", False),
    ("percentile", "float16", 50, "hazen", False), ("nanquantile", "float64", 0.5, "inverted_cdf",
                                                    True),
    ("median", "int32", None, None, False), ("nanmedian", "float16", None, None, False),
    ("median", "complex64", None, None, False)])
def test_result_dtype_is_numpys(fname, dtype, q, method, weighted):
    dt = np.dtype(dtype)
    got = O.result_dtype(fname, dt, q, method, weighted)
    args = (np.ones(5, dt),) + (() if q is None else (q,))
    kw = {} if q is None else {"method": method}
    if weighted:
        kw["weights"] = np.ones(5)
    assert got == np.asarray(getattr(np, fname)(*args, **kw)).dtype


def test_result_dtype_raises_numpys_errors():
    with pytest.raises(ValueError, match="not a valid method"):
        O.result_dtype("quantile", np.dtype("float64"), 0.5, "nope", False)
    with pytest.raises(ValueError, match="Only method 'inverted_cdf' supports weights"):
        O.result_dtype("quantile", np.dtype("float64"), 0.5, "linear", True)
    with pytest.raises(TypeError):
        O.result_dtype("quantile", np.dtype("complex64"), 0.5, "linear", False)


@pytest.mark.parametrize("mode", ["interp", "take", "weighted", "median"])
@pytest.mark.parametrize("in_dt, out_dt", [("float32", "float32"), ("float16", "float16"),
                                           ("int8", "float64"), ("float32", "float64"),
                                           ("uint64", "float64")])
@pytest.mark.parametrize("vt", ["double", "float", "half"])
def test_quantile_sources_compile(mode, in_dt, out_dt, vt):
    from cuarray.cuda.compiler import compile_to_cubin
    in_dt, out_dt = np.dtype(in_dt), np.dtype(out_dt)
    if mode in ("take", "weighted"):
        out_dt = in_dt
    compile_to_cubin(O.quantile_source("q", in_dt, out_dt, mode, vt),
                     options=("--fmad=false",), arch="sm_90")


def test_complex_median_source_compiles():
    from cuarray.cuda.compiler import compile_to_cubin
    for dt, out in (("complex64", "complex64"), ("complex128", "complex128"),
                    ("complex64", "complex128")):
        compile_to_cubin(O.quantile_source("q", np.dtype(dt), np.dtype(out), "median",
                                           "double"),
                         options=("--fmad=false",), arch="sm_90")


@pytest.mark.parametrize("in_dt, out_dt", [
    ("float32", "float64"), ("float32", "float32"), ("float32", "float16"),
    ("float64", "float32"), ("float16", "float64"), ("float16", "float32"),
    ("float16", "float16"), ("int32", "float32"), ("int64", "float64"), ("uint8", "float16"),
    ("bool", "float64"), ("complex64", "complex128"), ("complex128", "complex64"),
    ("float32", "complex128"), ("float64", "complex64")])
def test_median_sum_dtype_gives_numpys_out_values(in_dt, out_dt):
    # The median computed in median_sum_dtype and cast to out's dtype is what NumPy writes
    # into out (its mean sums the middle elements into out).  Middle pairs whose sum
    # rounds differently in float32 and float64 tell the dtypes apart.
    rng = np.random.default_rng(40)
    in_dt, out_dt = np.dtype(in_dt), np.dtype(out_dt)
    if in_dt.kind == "b":
        host = rng.integers(0, 2, (6, 9)).astype(in_dt)
    elif in_dt.kind in "iu":
        host = rng.integers(0, 100, (6, 9)).astype(in_dt)
    else:
        host = (rng.standard_normal((6, 9)) * 10).astype(in_dt)
        if in_dt.kind == "c":
            host = host + (1j * rng.standard_normal((6, 9))).astype(in_dt)
    out = np.zeros(9, out_dt)
    np.median(host, axis=0, out=out)
    res_dt = O.result_dtype("median", in_dt, None, None, False)
    calc = O.median_sum_dtype(in_dt, out_dt, res_dt)
    srt = np.sort(host, axis=0)
    mid = srt[2:4].astype(calc)
    np.testing.assert_array_equal(((mid[0] + mid[1]) / calc.type(2)).astype(out_dt), out)


def test_host_arrays_are_rejected():
    with pytest.raises(TypeError):
        cuarray.median([1.0, 2.0])
    with pytest.raises(TypeError):
        cuarray.quantile(np.ones(3), 0.5)


# The bit-cast intrinsics the kernels' NaN constants use, for the host build.
_HOST_BITS = r"""
#include <cstring>
static inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
static inline double __longlong_as_double(long long i) {
  double d; std::memcpy(&d, &i, 8); return d;
}
"""


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    return hostk.host_kernels(tmp_path_factory)


@pytest.mark.parametrize("in_dt, out_dt", [("float32", "float64"), ("float32", "float32"),
                                           ("float64", "float32"), ("float16", "float64"),
                                           ("int32", "float32")])
@pytest.mark.parametrize("L", [6, 7])
def test_median_kernel_into_out_on_host(host, in_dt, out_dt, L):
    # The median kernel, run on the host over NumPy-sorted rows (NaNs last), writes what
    # numpy.median(..., out=) writes, NaN columns included.
    in_dt, out_dt = np.dtype(in_dt), np.dtype(out_dt)
    rng = np.random.default_rng(41)
    if in_dt.kind == "i":
        a = rng.integers(-1000, 1000, (L, 9)).astype(in_dt)
    else:
        a = (rng.standard_normal((L, 9)) * 10).astype(in_dt)
        a[1, 3] = a[0, 7] = np.nan
    ref = np.zeros(9, out_dt)
    np.median(a, axis=0, out=ref)
    res_dt = O.result_dtype("median", in_dt, None, None, False)
    calc = O.median_sum_dtype(in_dt, out_dt, res_dt)
    srt = np.ascontiguousarray(np.sort(a.T, axis=1))
    res = np.empty(9, calc)
    src = _HOST_BITS + O.quantile_source("m", in_dt, calc, "median", "double")
    p = ctypes.c_void_p
    host.build(src).m(p(srt.ctypes.data), ctypes.c_longlong(9), ctypes.c_longlong(L),
                      p(np.zeros(1).ctypes.data), ctypes.c_longlong(1), p(res.ctypes.data),
                      ctypes.c_int(0), ctypes.c_double(0), ctypes.c_double(0), ctypes.c_int(0),
                      p(None), p(None))
    np.testing.assert_array_equal(res.astype(out_dt), ref)
