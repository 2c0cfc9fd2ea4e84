"""histogram, histogram_bin_edges, histogram2d, histogramdd, bincount, digitize against
NumPy; CPU tests for NumPy's bin logic on the host and the kernel sources.

Counts must match exactly, including values that lie on bin edges or one ulp beside
them (NumPy's uniform-bin arithmetic and its edge corrections are reproduced); weighted
sums are compared with tolerances (another summation order).
"""

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._routines import histograms as H

gpu = pytest.mark.gpu
REAL = ["uint8", "int8", "int16", "int32", "int64", "uint64", "float16", "float32",
        "float64"]
WTOL = {"float16": 2e-3, "float32": 1e-5, "complex64": 1e-5, "default": 1e-10}


def data(xp, n, dtype, seed=0, nan=False):
    dt = np.dtype(dtype)
    rng = np.random.default_rng(seed)
    if dt.kind in "iu":
        host = rng.integers(0, 60, n).astype(dt)
    else:
        host = (rng.standard_normal(n) * 20).astype(dt)
        if nan and n > 2:
            host[1] = np.nan
    return xp.asarray(host)


def on_edges(xp, dtype, lo, hi, bins):
    """Values on every edge of numpy.linspace(lo, hi, bins + 1) and one ulp either side."""
    e = np.linspace(lo, hi, bins + 1)
    host = np.concatenate([e, np.nextafter(e, -np.inf), np.nextafter(e, np.inf)])
    return xp.asarray(host.astype(dtype))


# -- histogram ------------------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("dtype", REAL + ["bool"])
@pytest.mark.parametrize("bins", [1, 10, 37, 1000])
@pytest.mark.parametrize("n", [0, 1, 1000, 100003])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
# One float16 value with 1000 bins: its range (x - 0.5, x + 0.5) has too few float16
# steps, and both raise NumPy's "Too many bins for data range".
@testing.numpy_compare(accept_error=ValueError)
def test_histogram_int_bins(xp, dtype, bins, n):
    return xp.histogram(data(xp, n, dtype, 1) if dtype != "bool" else
                        xp.asarray(np.arange(n) % 3 == 0), bins=bins)


@gpu
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32"])
@pytest.mark.parametrize("bins", [3, 7, 10, 100])
@pytest.mark.parametrize("lo, hi", [(0.0, 1.0), (-3.3, 7.7), (1e-3, 5e3)])
@testing.numpy_compare()
def test_histogram_values_on_edges(xp, dtype, bins, lo, hi):
    a = on_edges(xp, dtype, lo, hi, bins)
    return xp.histogram(a, bins=bins, range=(lo, hi)), xp.histogram(a, bins=bins)


@gpu
@pytest.mark.parametrize("rng", [(-10.0, 10.0), (0, 5), (np.float32(-1.5), np.float32(2.5)),
                                 (3.0, 3.0)])
@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8"])
@testing.numpy_compare()
def test_histogram_range(xp, rng, dtype):
    return xp.histogram(data(xp, 500, dtype, 2, nan=True), bins=13, range=rng)


@gpu
@pytest.mark.parametrize("wdtype", ["float32", "float64", "int16", "int64", "bool",
                                    "complex64", "float16"])
@pytest.mark.parametrize("bins", [20, "edges"])
@testing.numpy_compare(rtol=WTOL)
def test_histogram_weights(xp, wdtype, bins):
    if wdtype == "bool" and bins == "edges":
        pytest.skip("NumPy's cumulative path cannot add int64 sums into bool counts")
    a = data(xp, 3000, "float64", 3)
    w = testing.random_array(xp, (3000,), wdtype, seed=4, low=0, high=3)
    if bins == "edges":
        bins = xp.asarray(np.array([-40.0, -10, -10, 0, 3, 50]))
        if xp is np and wdtype == "float16":
            # NumPy's explicit-edge path takes differences of a float16 running sum of
            # the weights (spacing 2 to 4 near 3000 here), so its sums are off by tens;
            # cuarray sums in float64 and rounds once: compare with that.
            h, e = np.histogram(a, bins=bins, weights=w.astype(np.float64))
            return h.astype(np.float16), e
    return xp.histogram(a, bins=bins, weights=w)


@gpu
@pytest.mark.parametrize("density", [False, True])
@pytest.mark.parametrize("bins", [8, [-30, -5, 0, 0.5, 40], np.array([0, 1, 2.5]), []])
@testing.numpy_compare(rtol=1e-12)
def test_histogram_edges_and_density(xp, bins, density):
    a = data(xp, 2000, "float32", 5, nan=True)
    if isinstance(bins, np.ndarray) and xp is not np:
        bins = xp.asarray(bins)
    # Equal bins need a range: the NaN makes the autodetected one non-finite (an error
    # that test_histogram_errors covers).
    rng = (-40.0, 40.0) if isinstance(bins, int) else None
    return xp.histogram(a, bins=bins, range=rng, density=density)


@gpu
@pytest.mark.parametrize("estimator", ["auto", "fd", "doane", "scott", "stone", "rice",
                                       "sturges", "sqrt"])
@pytest.mark.parametrize("dtype", ["float64", "int32"])
@testing.numpy_compare(rtol=1e-12)
def test_histogram_estimators(xp, estimator, dtype):
    # Data whose estimated widths are not near a bin-count boundary: device statistics
    # are summed in another order than NumPy's.
    a = data(xp, 5000, dtype, 6)
    return xp.histogram(a, bins=estimator), xp.histogram_bin_edges(a, bins=estimator,
                                                                   range=(-30, 30))


@gpu
@pytest.mark.parametrize("case", ["bins_zero", "bins_float", "bins_2d", "bins_decreasing",
                                  "range_inverted", "range_inf", "data_nan", "weights_shape",
                                  "estimator_name", "estimator_weights", "too_many_bins"])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_histogram_errors(xp, case):
    a = data(xp, 10, "float64", 7)
    if case == "bins_zero":
        return xp.histogram(a, bins=0)
    if case == "bins_float":
        return xp.histogram(a, bins=2.5)
    if case == "bins_2d":
        return xp.histogram(a, bins=[[1, 2], [3, 4]])
    if case == "bins_decreasing":
        return xp.histogram(a, bins=[3, 2, 1])
    if case == "range_inverted":
        return xp.histogram(a, range=(1, 0))
    if case == "range_inf":
        return xp.histogram(a, range=(0, np.inf))
    if case == "data_nan":
        return xp.histogram(data(xp, 10, "float64", 7, nan=True))
    if case == "weights_shape":
        return xp.histogram(a, weights=xp.ones(9))
    if case == "estimator_name":
        return xp.histogram(a, bins="nope")
    if case == "estimator_weights":
        return xp.histogram(a, bins="auto", weights=xp.ones(10))
    return xp.histogram(xp.asarray(np.array([1.0, 1.0 + 1e-15])), bins=100)


@gpu
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
@testing.numpy_compare()
def test_histogram_ravels_nd_input(xp, shape):
    a = testing.random_array(xp, shape, "float32", seed=8, layout="transposed")
    return xp.histogram(a, bins=5)


# -- histogramdd, histogram2d ---------------------------------------------------------------------
# NumPy's histogram (D >= 2, no density) is a view into a padded array (neither C nor F
# contiguous); cuarray's is C-contiguous (a documented difference), so layouts are not
# compared.
@gpu
@pytest.mark.parametrize("D", [1, 2, 3])
@pytest.mark.parametrize("bins", [4, "per_dim", "arrays"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("density", [False, True])
@testing.numpy_compare(rtol=1e-12, contiguous_check=False)
def test_histogramdd(xp, D, bins, weighted, density):
    rng = np.random.default_rng(9)
    host = rng.standard_normal((3000, D)).astype(np.float32)
    host[:5] = 0.0
    sample = xp.asarray(host)
    if bins == "per_dim":
        bins = [3, 5, 2][:D]
    elif bins == "arrays":
        bins = [xp.asarray(np.array([-1.0, 0.0, 0.0, 0.5, 1.0]))] * D
    w = xp.asarray(rng.random(3000)) if weighted else None
    hist, edges = xp.histogramdd(sample, bins=bins, weights=w, density=density)
    return hist, list(edges)


@gpu
@testing.numpy_compare(rtol=1e-12, contiguous_check=False)
def test_histogramdd_sequence_sample_and_range(xp):
    x = data(xp, 400, "float64", 10)
    y = data(xp, 400, "int32", 11)
    hist, edges = xp.histogramdd((x, y), bins=(6, 4), range=[(-20, 20), None])
    return hist, list(edges)


@gpu
@pytest.mark.parametrize("bins", [5, [3, 7], "one_array", "two_arrays"])
@testing.numpy_compare(rtol=1e-12, contiguous_check=False)
def test_histogram2d(xp, bins):
    x = data(xp, 1000, "float32", 12)
    y = data(xp, 1000, "float64", 13)
    if bins == "one_array":
        bins = xp.asarray(np.linspace(-40, 40, 9))
    elif bins == "two_arrays":
        bins = [xp.asarray(np.linspace(-40, 40, 5)), xp.asarray(np.array([-50.0, 0, 50]))]
    return xp.histogram2d(x, y, bins=bins)


@gpu
@pytest.mark.parametrize("case", ["bins_len", "range_len", "bins_zero", "bins_decreasing"])
@testing.numpy_compare(accept_error=ValueError)
def test_histogramdd_errors(xp, case):
    s = xp.asarray(np.random.default_rng(14).random((10, 2)))
    if case == "bins_len":
        return xp.histogramdd(s, bins=[2, 3, 4])
    if case == "range_len":
        return xp.histogramdd(s, range=[(0, 1)])
    if case == "bins_zero":
        return xp.histogramdd(s, bins=[0, 2])
    return xp.histogramdd(s, bins=[xp.asarray(np.array([2.0, 1.0])), 2])


# -- bincount, digitize ---------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("dtype", ["bool", "int8", "uint8", "int32", "int64", "uint32",
                                   "uint64"])
@pytest.mark.parametrize("n, high", [(0, 1), (1, 5), (1000, 40), (100003, 10000)])
@pytest.mark.parametrize("minlength", [0, 7, 20000])
@testing.numpy_compare()
def test_bincount(xp, dtype, n, high, minlength):
    dt = np.dtype(dtype)
    hi = 2 if dt.kind == "b" else min(high, int(np.iinfo(dt).max))
    x = xp.asarray(np.random.default_rng(15).integers(0, hi, n).astype(dt))
    return xp.bincount(x, minlength=minlength)


@gpu
@pytest.mark.parametrize("wdtype", ["float32", "float64", "int64", "bool"])
@testing.numpy_compare(rtol=1e-12)
def test_bincount_weights(xp, wdtype):
    x = xp.asarray(np.random.default_rng(16).integers(0, 300, 5000))
    w = testing.random_array(xp, (5000,), wdtype, seed=17, layout="negative_stride")
    return xp.bincount(x, weights=w, minlength=4)


@gpu
@pytest.mark.parametrize("case", ["negative", "float", "two_d", "zero_d", "minlength_neg",
                                  "minlength_none", "weights_len", "weights_complex"])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_bincount_errors(xp, case):
    x = xp.asarray(np.array([1, 2, 3]))
    if case == "negative":
        return xp.bincount(xp.asarray(np.array([1, -1])))
    if case == "float":
        return xp.bincount(xp.asarray(np.array([1.0])))
    if case == "two_d":
        return xp.bincount(xp.asarray(np.ones((2, 2), np.int64)))
    if case == "zero_d":
        return xp.bincount(xp.asarray(np.int64(3)))
    if case == "minlength_neg":
        return xp.bincount(x, minlength=-1)
    if case == "minlength_none":
        return xp.bincount(x, minlength=None)
    if case == "weights_len":
        return xp.bincount(x, weights=xp.ones(2))
    return xp.bincount(x, weights=xp.asarray(np.ones(3, np.complex64)))


@gpu
@pytest.mark.parametrize("bins", [[0.0, 1.0, 2.5, 4.0], [4.0, 2.5, 1.0, 0.0], [1.0, 1.0, 2.0],
                                  [3.0], [], [2.0, 2.0, 1.0]])
@pytest.mark.parametrize("right", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "int16", "float32"])
@testing.numpy_compare()
def test_digitize(xp, bins, right, dtype):
    x = xp.asarray(np.array([-1, 0, 0.5, 1, 2.5, 3, 4, 5, np.nan]).astype(dtype)
                   if dtype != "int16" else np.arange(-2, 7).astype(dtype))
    return xp.digitize(x, xp.asarray(np.array(bins, dtype=np.float64)), right=right)


@gpu
@pytest.mark.parametrize("case", ["complex", "not_monotonic", "bins_2d", "bins_0d"])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_digitize_errors(xp, case):
    x = xp.asarray(np.arange(3.0))
    if case == "complex":
        return xp.digitize(x.astype(xp.complex64), xp.asarray(np.array([1.0])))
    if case == "not_monotonic":
        return xp.digitize(x, xp.asarray(np.array([1.0, 3.0, 2.0])))
    if case == "bins_2d":
        return xp.digitize(x, xp.ones((2, 2)))
    return xp.digitize(x, xp.asarray(np.float64(1)))


# -- CPU ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bins, expect", [([], 1), ([3.0], 1), ([1, 1, 1], 1), ([1, 2, 2, 3], 1),
                                          ([3, 2, 2, 1], -1), ([1, 3, 2], 0), ([2, 2, 1, 3], 0),
                                          ([1, np.nan], -1)])
def test_monotonicity(bins, expect):
    assert H._monotonicity(np.array(bins, float)) == expect


@pytest.mark.parametrize("a, b", [(np.int8(5), np.int8(-100)), (np.int64(7), np.int64(-2**62)),
                                  (np.float32(2.5), np.float32(-1)), (10, 3)])
def test_unsigned_subtract_matches_numpy(a, b):
    from numpy.lib import _histograms_impl
    ref = _histograms_impl._unsigned_subtract(a, b)
    got = H.unsigned_subtract(a, b)
    assert got == ref and np.asarray(got).dtype == np.asarray(ref).dtype


@pytest.mark.parametrize("a_dtype, first, last", [
    ("float32", np.float32(-1.25), np.float32(3.5)), ("float32", -0.1, 0.7),
    ("int16", np.float64(-0.5), np.float64(0.5)), ("float16", 0.1, 0.9),
    ("uint8", np.uint8(3), np.uint8(200)), ("float64", 0, 10)])
def test_uniform_params_follow_numpy_promotion(a_dtype, first, last):
    dt = np.dtype(a_dtype)
    bin_type = np.result_type(first, last, dt)
    if np.issubdtype(bin_type, np.integer):
        bin_type = np.result_type(bin_type, float)
    edges = np.linspace(first, last, 5, dtype=bin_type)
    cmp_dt, bin_dt, lo, hi, fe, nd = H.uniform_params(dt, first, last, edges)
    assert bin_dt == bin_type
    assert cmp_dt == np.result_type(np.zeros(1, dt), first, last)
    # fe and nd are NumPy's operands converted to the bin dtype (Python numbers weakly).
    assert fe == bin_type.type(first)
    assert nd == bin_type.type(H.unsigned_subtract(last, first))
    assert lo == cmp_dt.type(first) and hi == cmp_dt.type(last)


@pytest.mark.parametrize("mode", ["uniform", "edges", "direct"])
@pytest.mark.parametrize("w", [None, "float32", "int32", "bool", "complex64"])
@pytest.mark.parametrize("shared", [True, False])
def test_hist_sources_compile(mode, w, shared):
    from cuarray.cuda.compiler import compile_to_cubin
    w = None if w is None else np.dtype(w)
    a = np.dtype("int64") if mode == "direct" else np.dtype("float32")
    src = H.hist_source("h", mode, a, np.dtype("float32"), np.dtype("float32"), w, shared)
    compile_to_cubin(src, options=("--fmad=false",), arch="sm_90")


@pytest.mark.parametrize("D", [1, 3])
@pytest.mark.parametrize("w", [None, "float64"])
def test_dd_sources_compile(D, w):
    from cuarray.cuda.compiler import compile_to_cubin
    compile_to_cubin(H.dd_source("dd", D, None if w is None else np.dtype(w), True),
                     arch="sm_90")


def test_host_arrays_are_rejected():
    with pytest.raises(TypeError):
        cuarray.histogram([1.0, 2.0])
    with pytest.raises(TypeError):
        cuarray.digitize(np.arange(3.0), [1.0])
    with pytest.raises(TypeError):
        cuarray.bincount(np.arange(3))
