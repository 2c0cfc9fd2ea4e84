"""unwrap and interp against NumPy.

CPU tests: interp's kernel runs on the host (a CUDA shim) and matches NumPy's compiled
interp exactly (real and complex, fill values, duplicates, infinities, NaN); NVRTC
compiles it.  GPU tests compare the public functions with NumPy.
"""

import importlib.util
import pathlib
import warnings

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._routines import math_misc as M

_spec = importlib.util.spec_from_file_location(
    "_host_kernels", pathlib.Path(__file__).with_name("_host_kernels.py"))
hostk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostk)

gpu = pytest.mark.gpu


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    return hostk.host_kernels(tmp_path_factory)


@pytest.mark.parametrize("cmplx", [False, True])
@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 9, 40])
@pytest.mark.parametrize("fill", [(None, None), (-7.5, 8.25), (1 + 2j, None)])
def test_interp_kernel_on_host(host, cmplx, m, fill):
    if not cmplx and isinstance(fill[0], complex):
        return
    rng = np.random.default_rng(m)
    name, src = M.interp_source(cmplx)
    xp = np.sort(rng.uniform(-5, 5, m))
    if m > 3:
        xp[2] = xp[1]                       # a repeated sample point
    fp = rng.uniform(-3, 3, m) + (1j * rng.uniform(-3, 3, m) if cmplx else 0)
    if m > 4:
        fp[3] = fp[4] = np.inf              # NaN from inf - inf: NumPy's retries
    x = np.concatenate([rng.uniform(-6, 6, 50), xp[:3], [np.nan, np.inf, -np.inf]])
    with np.errstate(all="ignore"):
        ref = np.interp(x, xp, fp, *fill)
    out = np.empty(x.shape, ref.dtype)
    host.call(src, name, x, x.size, xp, np.ascontiguousarray(fp.astype(ref.dtype)), m,
              *M._fill_value(fill[0], cmplx), *M._fill_value(fill[1], cmplx), out)
    np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize("cmplx", [False, True])
def test_interp_kernel_compiles(cmplx):
    hostk.compile_sm90(M.interp_source(cmplx)[1])


def test_interp_fill_values_are_read_as_numpy_reads_them():
    assert M._fill_value(None, False) == (0, 0.0, 0.0)
    assert M._fill_value(np.float32(2.5), False) == (1, 2.5, 0.0)
    assert M._fill_value(3, True) == (1, 3.0, 0.0)
    with pytest.raises(TypeError):
        M._fill_value(1j, False)


def test_host_arrays_are_refused():
    with pytest.raises(TypeError):
        cuarray.interp(np.ones(3), np.ones(3), np.ones(3))
    with pytest.raises(TypeError):
        cuarray.unwrap([0.0, 7.0])


# =================================================================================================
# GPU: interp
# =================================================================================================
@gpu
@pytest.mark.parametrize("xdt", ["float64", "float32", "int32", "float16"])
@pytest.mark.parametrize("fdt", ["float64", "float32", "int64", "complex128", "complex64"])
@pytest.mark.parametrize("shape", [(), (0,), (17,), (3, 5)])
@testing.numpy_compare(rtol=1e-13, atol=1e-13)
def test_interp(xp, xdt, fdt, shape):
    x = testing.random_array(xp, shape, xdt, seed=1, low=-12, high=12)
    xs = xp.asarray(np.sort(np.random.default_rng(2).uniform(-10, 10, 9)).astype(xdt))
    fs = testing.random_array(xp, (9,), fdt, seed=3)
    return xp.interp(x, xs, fs), xp.interp(x, xs, fs, left=-1, right=2)


@gpu
@pytest.mark.parametrize("layout", ["F", "transposed", "negative_stride", "sliced"])
@testing.numpy_compare(rtol=1e-13, atol=1e-13)
def test_interp_layouts_and_scalars(xp, layout):
    x = testing.random_array(xp, (4, 6), "float64", seed=4, layout=layout)
    xs = xp.asarray(np.linspace(-8, 8, 7))[::-1][::-1]
    fs = testing.random_array(xp, (7,), "float64", seed=5, layout="negative_stride")
    return xp.interp(x, xs, fs), xp.interp(2.5, xs, fs), xp.interp(x, xs[:1], fs[:1])


@gpu
@pytest.mark.parametrize("period", [360, 2 * np.pi, -5.0])
@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_interp_period(xp, period):
    x = testing.random_array(xp, (20,), "float64", seed=6, low=-400, high=400)
    xs = testing.random_array(xp, (8,), "float64", seed=7, low=-400, high=400)
    fs = testing.random_array(xp, (8,), "complex128", seed=8)
    return xp.interp(x, xs, fs, period=period)


@gpu
@pytest.mark.parametrize("case", ["empty_xp", "lengths", "2d_xp", "0d_fp", "period0",
                                  "complex_left", "period_2d"])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_interp_errors(xp, case):
    x = testing.random_array(xp, (5,), "float64", seed=9)
    xs = xp.asarray(np.arange(4.0))
    fs = testing.random_array(xp, (4,), "float64", seed=10)
    if case == "empty_xp":
        return xp.interp(x, xs[:0], fs[:0])
    if case == "lengths":
        return xp.interp(x, xs, fs[:3])
    if case == "2d_xp":
        return xp.interp(x, xs.reshape(2, 2), fs)
    if case == "0d_fp":
        return xp.interp(x, xs, fs[0])
    if case == "period0":
        return xp.interp(x, xs, fs, period=0)
    if case == "complex_left":
        return xp.interp(x, xs, fs, left=1j)
    return xp.interp(x, xs.reshape(2, 2), fs.reshape(2, 2), period=3)


# =================================================================================================
# GPU: unwrap
# =================================================================================================
@gpu
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8"])
@pytest.mark.parametrize("shape,axis", [((30,), -1), ((4, 9), 0), ((4, 9), 1), ((0,), 0),
                                        ((3, 1), -1)])
@pytest.mark.parametrize("kw", [{}, {"discont": 4.0}, {"period": 360}, {"period": 7},
                                {"period": 6, "discont": 2}])
@testing.numpy_compare(rtol={"float32": 1e-5, "default": 1e-12},
                       atol={"float32": 1e-4, "default": 1e-10},
                       # int8 with period 360: -180 does not fit int8 (NEP 50), both raise
                       accept_error=OverflowError)
def test_unwrap(xp, dtype, shape, axis, kw):
    p = testing.random_array(xp, shape, dtype, seed=11, low=-20, high=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return xp.unwrap(p, axis=axis, **kw)


@gpu
@pytest.mark.parametrize("layout", ["F", "negative_stride", "sliced"])
@testing.numpy_compare(rtol=1e-12, atol=1e-10)
def test_unwrap_layouts(xp, layout):
    p = testing.random_array(xp, (6, 7), "float64", seed=12, layout=layout, low=-9, high=9)
    return xp.unwrap(p), xp.unwrap(p, axis=0)


@gpu
@testing.numpy_compare(accept_error=ValueError)
def test_unwrap_0d(xp):
    return xp.unwrap(testing.random_array(xp, (), "float64"))
