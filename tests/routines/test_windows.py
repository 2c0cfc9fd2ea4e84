"""bartlett, blackman, hamming, hanning and kaiser against NumPy.

CPU tests: each window's generator kernel runs on the host (a CUDA shim, host ``cos``) and
matches NumPy to an ulp; NVRTC compiles every variant for sm_90.  GPU tests compare the
public functions with NumPy, special M included.
"""

import importlib.util
import math
import pathlib
import warnings

import numpy as np
import pytest

from cuarray import testing
from cuarray._engine import source as _src
from cuarray._routines import windows as W
from cuarray._routines.ranges import arange_length, arange_scalars

_spec = importlib.util.spec_from_file_location(
    "_host_kernels", pathlib.Path(__file__).with_name("_host_kernels.py"))
hostk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostk)

F8 = np.dtype("float64")
COSINE = ["bartlett", "blackman", "hamming", "hanning"]
M_VALUES = [2, 3, 4, 7, 10, 51, 100, 1001, 5.5, 1.5, 2.25, np.float32(6), np.int8(9)]


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    return hostk.host_kernels(tmp_path_factory)


def _host_window(host, name, M):
    M = np.array([0.0, M])[1]
    op = W.window_op(name)
    start = 1 - M
    n = arange_length(start, M, 2, False)
    (a, b, c), _ = arange_scalars(start, 2, n, F8)
    args = [a, b, c, M - 1, np.float64(math.pi), np.float64(2 * math.pi)][:op.nin]
    return host.elementwise(op, args, (F8,) * op.nin, (F8,), n)[0]


@pytest.mark.parametrize("name", COSINE)
@pytest.mark.parametrize("M", M_VALUES)
def test_cosine_window_kernels_on_host(host, name, M):
    ref = getattr(np, name)(M)
    got = _host_window(host, name, M)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=0, atol=4e-16)


@pytest.mark.parametrize("M", [2, 3, 10, 51, 7.5])
@pytest.mark.parametrize("beta", [0, 0.5, 5, 14, 30.0, -2.0])
def test_kaiser_kernel_on_host(host, M, beta):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = np.kaiser(M, beta)
    M, beta = np.float64(M), np.float64(beta)
    n = arange_length(0, M, 1, False)
    got = host.elementwise(W.window_op("kaiser"),
                           [(M - 1) / 2.0, beta, np.float64(np.i0(beta))], (F8,) * 3, (F8,),
                           n)[0]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(ref))
    np.testing.assert_allclose(got, ref, rtol=8e-16, atol=0, equal_nan=True)


@pytest.mark.parametrize("name", COSINE + ["kaiser"])
@pytest.mark.parametrize("variant", ["flat", "vec2", "nd1"])
def test_window_kernels_compile(name, variant):
    op = W.window_op(name)
    src = _src.elementwise_source("k", op.body, op.preamble, (F8,) * op.nin, (F8,) * op.nin,
                                  (F8,), (F8,), _src.Layout("s" * op.nin, variant, "int"))
    hostk.compile_sm90(src)


# =================================================================================================
# GPU
# =================================================================================================
@pytest.mark.gpu
@pytest.mark.parametrize("name", COSINE)
@pytest.mark.parametrize("M", [-3, 0, 1, 0.5, 1.0] + M_VALUES + [100000])
@testing.numpy_compare(rtol=1e-14, atol=1e-14)
def test_cosine_windows(xp, name, M):
    return getattr(xp, name)(M)


@pytest.mark.gpu
@pytest.mark.parametrize("M", [-3, 0, 1, 2, 3, 10, 51, 7.5, 10000])
@pytest.mark.parametrize("beta", [0, 0.5, 6, 14.0, 40])
@testing.numpy_compare(rtol=1e-13, atol=1e-14)
def test_kaiser(xp, M, beta):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return xp.kaiser(M, beta)


@pytest.mark.gpu
@pytest.mark.parametrize("name", COSINE)
@testing.numpy_compare(accept_error=ValueError)
def test_nan_length(xp, name):
    return getattr(xp, name)(float("nan"))
