"""cov, corrcoef, correlate and convolve against NumPy.

CPU tests (no GPU): the direct-sum kernel runs on the host through a small CUDA shim and
matches NumPy exactly on small integer-valued inputs of every dtype pair; NVRTC compiles
it for sm_90; the window of each mode, the FFT size and the FFT decision; host arrays are
refused.  GPU tests (marked ``gpu``) compare every routine with NumPy on random data.
"""

import importlib.util
import pathlib
import warnings

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._routines import correlation as C

_spec = importlib.util.spec_from_file_location(
    "_host_kernels", pathlib.Path(__file__).with_name("_host_kernels.py"))
hostk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostk)

gpu = pytest.mark.gpu
MODES = ["valid", "same", "full"]
PAIRS = [("float64", "float64"), ("float32", "float32"), ("int8", "int8"), ("bool", "bool"),
         ("complex128", "complex128"), ("complex64", "float32"), ("float16", "int8"),
         ("uint16", "int32"), ("float64", "complex128"), ("uint64", "uint64"),
         ("int64", "float16")]


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    def probe(h):
        name, src = C.correlate_source(np.dtype("float16"), np.dtype("float16"),
                                       np.dtype("float16"), False)
        h.build(src)
    return hostk.host_kernels(tmp_path_factory, probe)


def _small(rng, dt, n):
    """Small integer values (exact in every dtype, so sums are exact too)."""
    dt = np.dtype(dt)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(dt)
    v = rng.integers(0 if dt.kind == "u" else -4, 5, n)
    if dt.kind == "c":
        return (v + 1j * rng.integers(-4, 5, n)).astype(dt)
    return v.astype(dt)


def _run_host(host, a, v, mode, conv):
    res = np.result_type(a.dtype, v.dtype)
    if conv:
        if len(v) > len(a):
            a, v = v, a
        offset, length = C.window(len(a), len(v), C._MODES[mode], False)
        b, conj = v[::-1], False
    else:
        offset, length = C.window(len(a), len(v), C._MODES[mode], len(a) < len(v))
        b, conj = v, res.kind == "c"
    name, src = C.correlate_source(a.dtype, b.dtype, res, conj)
    out = np.empty(length, res)
    # b is passed as a reversed view (negative element stride), as the device call does.
    base = np.ascontiguousarray(v)
    if conv:
        ptr_b = base[len(base) - 1:]
        stride = -1
    else:
        ptr_b, stride = base, 1
    host.call(src, name, np.ascontiguousarray(a), 1, len(a), ptr_b, stride, len(b), out,
              length, offset - (len(b) - 1))
    return out


@pytest.mark.parametrize("da,dv", PAIRS)
@pytest.mark.parametrize("conv", [False, True])
def test_direct_kernel_on_host(host, da, dv, conv):
    rng = np.random.default_rng(0)
    for na in (1, 2, 5, 8):
        for nv in (1, 3, 8, 9):
            a, v = _small(rng, da, na), _small(rng, dv, nv)
            for mode in MODES:
                ref = (np.convolve if conv else np.correlate)(a, v, mode)
                out = _run_host(host, a, v, mode, conv)
                assert out.dtype == ref.dtype
                np.testing.assert_array_equal(out, ref, err_msg=f"{na=} {nv=} {mode=}")


def test_direct_kernel_wraps_integers_as_numpy(host):
    a = np.array([100, 120, -128, 127], np.int8)
    v = np.array([3, -7, 127], np.int8)
    for mode in MODES:
        np.testing.assert_array_equal(_run_host(host, a, v, mode, False),
                                      np.correlate(a, v, mode))


@pytest.mark.parametrize("da,dv", PAIRS)
def test_direct_kernel_compiles(da, dv):
    res = np.result_type(np.dtype(da), np.dtype(dv))
    for conj in (False, True):
        hostk.compile_sm90(C.correlate_source(np.dtype(da), np.dtype(dv), res, conj)[1])


def test_mode_windows_match_numpy():
    rng = np.random.default_rng(1)
    for na in range(1, 12):
        for nv in range(1, 12):
            a, v = rng.integers(-9, 9, na), rng.integers(-9, 9, nv)
            full = np.correlate(a, v, "full")
            for mode in MODES:
                off, n = C.window(na, nv, C._MODES[mode], na < nv)
                np.testing.assert_array_equal(full[off:off + n], np.correlate(a, v, mode))
                big, small = (a, v) if na >= nv else (v, a)
                off, n = C.window(len(big), len(small), C._MODES[mode], False)
                np.testing.assert_array_equal(np.convolve(a, v, "full")[off:off + n],
                                              np.convolve(a, v, mode))


def test_fft_length_is_the_smallest_7_smooth_size():
    def smooth(n):
        for p in (2, 3, 5, 7):
            while n % p == 0:
                n //= p
        return n == 1
    for n in range(1, 3000):
        got = C.fft_length(n)
        assert got >= n and smooth(got)
        assert all(not smooth(m) for m in range(n, got))


def test_fft_only_for_long_floating_inputs(monkeypatch):
    monkeypatch.setattr(C, "_fft_module", lambda: object())
    big = C.FFT_MIN_WORK // C.FFT_MIN_SHORTER
    f8, i8 = np.dtype("float64"), np.dtype("int64")
    assert C.use_fft(big, C.FFT_MIN_SHORTER, f8)
    assert C.use_fft(C.FFT_MIN_SHORTER, big, np.dtype("complex64"))
    assert not C.use_fft(big, C.FFT_MIN_SHORTER, i8)           # integers stay exact
    assert not C.use_fft(big, C.FFT_MIN_SHORTER - 1, f8)
    assert not C.use_fft(C.FFT_MIN_SHORTER, C.FFT_MIN_SHORTER, f8)
    monkeypatch.setattr(C, "_fft_module", lambda: None)
    assert not C.use_fft(big, C.FFT_MIN_SHORTER, f8)


@pytest.mark.parametrize("fn", ["correlate", "convolve", "cov", "corrcoef"])
def test_host_arrays_are_refused(fn):
    with pytest.raises(TypeError):
        getattr(cuarray, fn)(np.ones(3), np.ones(3))
    with pytest.raises(TypeError):
        getattr(cuarray, fn)([1.0, 2.0], [1.0, 2.0])


# =================================================================================================
# GPU: correlate, convolve
# =================================================================================================
@gpu
@pytest.mark.parametrize("da,dv", PAIRS)
@pytest.mark.parametrize("na,nv", [(1, 1), (7, 3), (3, 7), (8, 8), (50, 9), (6, 40)])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn", ["correlate", "convolve"])
@testing.numpy_compare(rtol={"float16": 2e-3, "float32": 1e-5, "complex64": 1e-5,
                             "default": 1e-12},
                       atol={"float16": 2e-2, "float32": 1e-4, "complex64": 1e-4,
                             "default": 1e-10})
def test_correlate_convolve(xp, da, dv, na, nv, mode, fn):
    a = testing.random_array(xp, (na,), da, seed=1)
    v = testing.random_array(xp, (nv,), dv, seed=2)
    return getattr(xp, fn)(a, v, mode)


@gpu
@pytest.mark.parametrize("layout", ["negative_stride", "sliced", "broadcast"])
@pytest.mark.parametrize("fn", ["correlate", "convolve"])
@testing.numpy_compare()
def test_correlate_convolve_layouts(xp, layout, fn):
    a = testing.random_array(xp, (33,), "float64", seed=3, layout=layout)
    v = testing.random_array(xp, (6,), "complex128", seed=4, layout="negative_stride")
    return getattr(xp, fn)(a, v, "same"), getattr(xp, fn)(v, a, "full")


@gpu
@pytest.mark.parametrize("args", [((), (3,)), ((3,), ())])
@testing.numpy_compare()
def test_convolve_takes_scalars_as_one_element_vectors(xp, args):
    a = 2.5 if not args[0] else testing.random_array(xp, args[0], "float32")
    v = 3 if not args[1] else testing.random_array(xp, args[1], "float32")
    return xp.convolve(a, v)


@gpu
@pytest.mark.parametrize("args", [((), (3,)), ((3,), ()), ((), ())])
@pytest.mark.parametrize("scalar", ["python", "0d"])
@testing.numpy_compare(accept_error=ValueError)
def test_correlate_refuses_scalars(xp, args, scalar):
    # NumPy's correlate (unlike convolve) wants exactly one dimension.
    def operand(shape, value, seed):
        if shape:
            return testing.random_array(xp, shape, "float32", seed=seed)
        return value if scalar == "python" else testing.random_array(xp, (), "float32")
    return xp.correlate(operand(args[0], 2.5, 1), operand(args[1], 3, 2), "full")


@gpu
@pytest.mark.parametrize("fn", ["correlate", "convolve"])
@pytest.mark.parametrize("case", ["empty_a", "empty_v", "2d", "mode", "mode_int"])
@testing.numpy_compare(accept_error=ValueError)
def test_correlate_convolve_errors(xp, fn, case):
    a = testing.random_array(xp, (4,), "float64")
    v = testing.random_array(xp, (2,), "float64")
    if case == "empty_a":
        a = a[:0]
    elif case == "empty_v":
        v = v[:0]
    elif case == "2d":
        a = a.reshape(2, 2)
    if case == "mode":
        return getattr(xp, fn)(a, v, "middle")
    if case == "mode_int":
        return getattr(xp, fn)(a, v, 1)
    return getattr(xp, fn)(a, v)


@gpu
@pytest.mark.parametrize("dt", ["float32", "float64", "complex128"])
@pytest.mark.parametrize("fn", ["correlate", "convolve"])
def test_fft_path(monkeypatch, dt, fn):
    assert C._fft_module() is not None      # cuarray.fft exists: the FFT path must run
    monkeypatch.setattr(C, "FFT_MIN_SHORTER", 16)
    monkeypatch.setattr(C, "FFT_MIN_WORK", 1)
    for na, nv in ((1000, 300), (257, 1001)):
        a = testing.random_array(np, (na,), dt, seed=5)
        v = testing.random_array(np, (nv,), dt, seed=6)
        for mode in MODES:
            ref = getattr(np, fn)(a, v, mode)
            got = getattr(cuarray, fn)(cuarray.asarray(a), cuarray.asarray(v), mode)
            assert got.dtype == ref.dtype and got.shape == ref.shape
            # FFT rounding scales with the largest output, not with each element.
            scale = np.abs(ref).max() * np.finfo(ref.dtype).eps * 64
            np.testing.assert_allclose(got.get(), ref, rtol=0, atol=scale)


# =================================================================================================
# GPU: cov, corrcoef
# =================================================================================================
COV_SHAPES = [(5,), (3, 7), (1, 6), (4, 1), (2, 2)]


@gpu
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "bool", "complex128",
                                   "float16"])
@pytest.mark.parametrize("shape", COV_SHAPES)
@pytest.mark.parametrize("rowvar", [True, False])
@pytest.mark.parametrize("kw", [{}, {"bias": True}, {"ddof": 0}, {"ddof": 2},
                                {"dtype": "float32"}])
@testing.numpy_compare(rtol={"float32": 1e-5, "default": 1e-10},
                       atol={"float32": 1e-5, "default": 1e-10})
def test_cov(xp, dtype, shape, rowvar, kw):
    m = testing.random_array(xp, shape, dtype, seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)      # degrees of freedom <= 0
        return xp.cov(m, rowvar=rowvar, **kw)


@gpu
@pytest.mark.parametrize("layout", ["F", "transposed", "negative_stride", "sliced"])
@testing.numpy_compare(rtol=1e-10, atol=1e-10)
def test_cov_layouts_and_y(xp, layout):
    m = testing.random_array(xp, (3, 8), "float64", seed=8, layout=layout)
    y = testing.random_array(xp, (8,), "float64", seed=9, layout="negative_stride")
    return xp.cov(m, y), xp.cov(m.T, y, rowvar=False), xp.cov(y)


@gpu
@pytest.mark.parametrize("weights", ["f", "a", "fa"])
@pytest.mark.parametrize("ddof", [None, 0, 3])
@testing.numpy_compare(rtol=1e-10, atol=1e-10)
def test_cov_weights(xp, weights, ddof):
    m = testing.random_array(xp, (3, 9), "float64", seed=10)
    fw = testing.random_array(xp, (9,), "int64", seed=11, low=1, high=5)
    aw = testing.random_array(xp, (9,), "float64", seed=12, low=0.1, high=2.0)
    kw = {"fweights": fw if "f" in weights else None,
          "aweights": aw if "a" in weights else None}
    return xp.cov(m, ddof=ddof, **kw)


@gpu
@pytest.mark.parametrize("case", ["fractional_fweights", "negative_fweights",
                                  "negative_aweights", "2d_fweights", "short_aweights",
                                  "3d_m", "3d_y", "fractional_ddof"])
@testing.numpy_compare(accept_error=(TypeError, ValueError, RuntimeError))
def test_cov_errors(xp, case):
    m = testing.random_array(xp, (2, 4), "float64", seed=13)
    w = xp.asarray(np.array([1.0, 2.0, 3.0, 1.0]))
    if case == "fractional_fweights":
        return xp.cov(m, fweights=w * 0.5)
    if case == "negative_fweights":
        return xp.cov(m, fweights=-w)
    if case == "negative_aweights":
        return xp.cov(m, aweights=-w)
    if case == "2d_fweights":
        return xp.cov(m, fweights=w.reshape(2, 2))
    if case == "short_aweights":
        return xp.cov(m, aweights=w[:3])
    if case == "3d_m":
        return xp.cov(m.reshape(2, 2, 2))
    if case == "3d_y":
        return xp.cov(m, m.reshape(2, 2, 2))
    return xp.cov(m, ddof=1.5)


@gpu
def test_cov_warns_on_no_degrees_of_freedom():
    m = cuarray.asarray(np.array([[1.0, 2.0]]))
    with pytest.warns(RuntimeWarning, match="Degrees of freedom"):
        res = cuarray.cov(m, ddof=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = np.cov(m.get(), ddof=2)
    testing.assert_allclose(res, ref)


@gpu
@pytest.mark.parametrize("dtype", ["float64", "float32", "int16", "complex128"])
@pytest.mark.parametrize("shape", [(6,), (3, 7), (4, 4), (1, 5)])
@pytest.mark.parametrize("rowvar", [True, False])
@testing.numpy_compare(rtol={"float32": 1e-5, "complex64": 1e-5, "default": 1e-10},
                       atol={"float32": 1e-5, "complex64": 1e-5, "default": 1e-10})
def test_corrcoef(xp, dtype, shape, rowvar):
    x = testing.random_array(xp, shape, dtype, seed=14)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return xp.corrcoef(x, rowvar=rowvar)


@gpu
@testing.numpy_compare(rtol={"float32": 1e-6, "default": 1e-10},
                       atol={"float32": 1e-6, "default": 1e-10})
def test_corrcoef_with_y_and_constant_rows(xp):
    x = testing.random_array(xp, (2, 6), "float64", seed=15)
    y = testing.random_array(xp, (6,), "float64", seed=16)
    const = xp.ones((2, 6))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return xp.corrcoef(x, y), xp.corrcoef(const), xp.corrcoef(x, dtype=np.float32)
