"""cuarray.fft against numpy.fft on the GPU: every function, dtype, norm, n/s, axes (any
order, non-last, repeated, more than three), layouts (F, transposed, sliced, negative
strides, broadcast), odd and prime sizes, empty and length-1 axes, out=, errors,
round trips, streams, and the plan cache's reuse and eviction.

Inputs lie in [-1, 1) (small integers for integer dtypes), so results stay below ~100
and one absolute tolerance per precision covers rounding in either library's order.
"""

import numpy
import pytest

import cuarray
from cuarray import testing

pytestmark = [pytest.mark.gpu,
              pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")]

ALL = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
       "float16", "float32", "float64", "complex64", "complex128"]
TOL = {"float16": 2e-3, "float32": 1e-4, "complex64": 1e-4, "float64": 1e-11,
       "complex128": 1e-11, "default": 1e-11}
ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
ND = ["fftn", "ifftn", "rfftn", "irfftn"]
TWO_D = ["fft2", "ifft2", "rfft2", "irfft2"]
REAL_IN = ("rfft", "ihfft", "rfftn", "rfft2")


def values(xp, shape, dtype, seed=0, layout="C"):
    kind = numpy.dtype(dtype).kind
    low, high = (0, 5) if kind in "iu" else (-1, 1)
    return testing.random_array(xp, shape, dtype, seed=seed, layout=layout, low=low, high=high)


def in_dtype(name):
    return "float64" if name in REAL_IN else "complex128"


# --- one axis ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("name", ONE_D)
@testing.numpy_compare(rtol=TOL, atol=TOL, accept_error=TypeError)
def test_one_axis_dtypes(xp, name, dtype):
    return getattr(xp.fft, name)(values(xp, (3, 10), dtype))


@pytest.mark.parametrize("norm", [None, "backward", "ortho", "forward"])
@pytest.mark.parametrize("n", [None, 1, 2, 5, 7, 16, 17, 31])
@pytest.mark.parametrize("name", ONE_D)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_one_axis_n_and_norm(xp, name, n, norm):
    return getattr(xp.fft, name)(values(xp, (4, 9), in_dtype(name), 1), n=n, norm=norm)


@pytest.mark.parametrize("layout", testing.LAYOUTS)
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("dtype", ["float32", "complex64", "float64", "complex128"])
@pytest.mark.parametrize("name", ONE_D)
@testing.numpy_compare(rtol=TOL, atol=TOL, accept_error=TypeError)
def test_one_axis_layouts(xp, name, dtype, axis, layout):
    return getattr(xp.fft, name)(values(xp, (6, 8, 5), dtype, 2, layout), axis=axis)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 97, 128, 243, 1000, 1024, 4099, 65537])
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@testing.numpy_compare(rtol={"float32": 1e-3, "complex64": 1e-3, "default": 1e-9},
                       atol={"float32": 1e-3, "complex64": 1e-3, "default": 1e-9},
                       accept_error=ValueError)      # irfft of one point: n = 0
def test_odd_prime_and_large_sizes(xp, name, size, dtype):
    return getattr(xp.fft, name)(values(xp, (2, size), dtype, 3))


@pytest.mark.parametrize("shape,axis", [((0,), 0), ((3, 0), 0), ((0, 4), 1), ((1,), 0),
                                        ((5, 1), 1), ((1, 5), 0), ((2, 1, 3), 1), ((3, 0), 1)])
@pytest.mark.parametrize("name", ONE_D)
@testing.numpy_compare(rtol=TOL, atol=TOL, accept_error=ValueError)
def test_empty_and_length_one_axes(xp, name, shape, axis):
    return getattr(xp.fft, name)(values(xp, shape, "float64", 4), axis=axis)


@pytest.mark.parametrize("n", [1, 4, 9])
@pytest.mark.parametrize("name", ONE_D)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_padding_an_empty_axis(xp, name, n):
    return getattr(xp.fft, name)(values(xp, (3, 0), "float32"), n=n)


@pytest.mark.parametrize("shape,axis", [((256, 1024), 0), ((256, 1024), 1), ((3, 64, 5), 1),
                                        ((64, 16, 64), 1), ((8, 6, 4, 5), 2)])
@pytest.mark.parametrize("name", ["fft", "rfft", "irfft"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_batched(xp, name, shape, axis):
    # Strided columns (one plan), host loops over an outer batch, staged middle axes.
    return getattr(xp.fft, name)(values(xp, shape, in_dtype(name), 5), axis=axis)


@pytest.mark.parametrize("name", ["rfft", "ihfft", "rfftn", "rfft2"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_real_input_one_element_past_an_aligned_address(xp, name, dtype):
    # a[1:] of a pool array is aligned to its element but not to cuFFT's complex element,
    # which cuFFT's R2C needs of its real pointer too.
    return getattr(xp.fft, name)(values(xp, (41,), dtype, 18)[1:].reshape(4, 10))


@pytest.mark.parametrize("name", ["irfft", "hfft", "irfftn", "irfft2"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_real_out_one_element_past_an_aligned_address(name, dtype):
    a_np = values(numpy, (4, 6), "complex64" if dtype == "float32" else "complex128", 19)
    expected = getattr(numpy.fft, name)(a_np)
    out = cuarray.zeros(expected.size + 1, dtype)[1:].reshape(expected.shape)
    assert getattr(cuarray.fft, name)(cuarray.asarray(a_np), out=out) is out
    testing.assert_allclose(out, expected, rtol=TOL[dtype], atol=TOL[dtype])


# --- several axes -------------------------------------------------------------------------------
AXES = [None, (0,), (1,), (0, 1), (1, 0), (0, 2), (2, 0), (-1, -3), (0, 1, 2), (2, 1, 0),
        (1, 2, 0), (3, 1), (0, 1, 2, 3), (3, 2, 1, 0), (1, 1), (0, 2, 0)]


@pytest.mark.parametrize("axes", AXES)
@pytest.mark.parametrize("name", ND)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_nd_axes(xp, name, axes):
    return getattr(xp.fft, name)(values(xp, (3, 4, 5, 6), in_dtype(name), 6), axes=axes)


@pytest.mark.parametrize("layout", testing.LAYOUTS)
@pytest.mark.parametrize("axes", [None, (0, 1), (1, 2), (0, 2), (2, 0)])
@pytest.mark.parametrize("name", ND + TWO_D)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_nd_layouts(xp, name, axes, layout):
    dt = "float32" if name in REAL_IN else "complex64"
    kw = {} if (axes is None and name in TWO_D) else {"axes": axes}
    return getattr(xp.fft, name)(values(xp, (4, 6, 5), dt, 7, layout), **kw)


@pytest.mark.parametrize("s,axes", [((3, 4), (0, 1)), ((8, 2), (0, 1)), ((1, 1), (0, 1)),
                                    ((5,), (1,)), ((2, 9, 4), (0, 1, 2)), ((-1, 6), (0, 2)),
                                    ((7, 3), (2, 0)), ((1, 5, 2), (2, 0, 1))])
@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
@pytest.mark.parametrize("name", ND)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_nd_s_and_norm(xp, name, s, axes, norm):
    return getattr(xp.fft, name)(values(xp, (4, 6, 5), in_dtype(name), 8), s=s, axes=axes,
                                 norm=norm)


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("name", ND + TWO_D)
@testing.numpy_compare(rtol=TOL, atol=TOL, accept_error=TypeError)
def test_nd_dtypes(xp, name, dtype):
    return getattr(xp.fft, name)(values(xp, (4, 3, 6), dtype, 9), norm="ortho")


@pytest.mark.parametrize("shape", [(64, 64), (32, 48, 40), (17, 19, 23), (2, 128, 128)])
@pytest.mark.parametrize("name", ND)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_nd_sizes(xp, name, shape):
    dt = "float32" if name in REAL_IN else "complex64"
    return getattr(xp.fft, name)(values(xp, shape, dt, 10))


@testing.numpy_compare()
def test_no_axes_returns_the_input(xp):
    a = values(xp, (3, 4), "float64")
    assert xp.fft.fftn(a, axes=()) is a
    return xp.fft.fftn(a, axes=())


# --- out= --------------------------------------------------------------------------------------
@pytest.mark.parametrize("out_dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("out_layout", ["C", "F", "sliced"])
@pytest.mark.parametrize("name,kw", [("fft", {}), ("ifft", {"axis": 0}), ("fftn", {}),
                                     ("rfftn", {}), ("ifft2", {}), ("ihfft", {}), ("rfft", {})])
def test_out(name, kw, out_layout, out_dtype):
    a_np = values(numpy, (6, 8), in_dtype(name), 11)
    expected = getattr(numpy.fft, name)(a_np, **kw)
    out = testing.random_array(cuarray, expected.shape, out_dtype, layout=out_layout)
    got = getattr(cuarray.fft, name)(cuarray.asarray(a_np), out=out, **kw)
    assert got is out
    tol = 1e-4 if out_dtype == "complex64" else 1e-11
    testing.assert_allclose(out, expected.astype(out_dtype), rtol=tol, atol=tol)


@pytest.mark.parametrize("out_dtype", ["float16", "float32", "float64", "complex128"])
@pytest.mark.parametrize("name", ["irfft", "hfft", "irfftn", "irfft2"])
def test_out_of_real_results(name, out_dtype):
    a_np = values(numpy, (6, 5), "complex128", 12)
    expected = getattr(numpy.fft, name)(a_np).astype(out_dtype)
    out = cuarray.zeros(expected.shape, out_dtype)
    assert getattr(cuarray.fft, name)(cuarray.asarray(a_np), out=out) is out
    tol = 2e-2 if out_dtype == "float16" else 1e-5
    testing.assert_allclose(out, expected, rtol=tol, atol=tol)


def test_out_is_the_input():
    a_np = values(numpy, (6, 8), "complex128", 13)
    a = cuarray.asarray(a_np)
    assert cuarray.fft.fft(a, axis=0, out=a) is a
    testing.assert_allclose(a, numpy.fft.fft(a_np, axis=0), atol=1e-11)


def test_out_overlapping_the_input():
    buf_np = values(numpy, (12,), "complex128", 14)
    buf = cuarray.asarray(buf_np)
    cuarray.fft.fft(buf[:8], out=buf[4:])
    testing.assert_allclose(buf[4:], numpy.fft.fft(buf_np[:8]), atol=1e-11)


@pytest.mark.parametrize("shape,dtype", [((4, 9), "complex128"), ((5, 8), "complex128"),
                                         ((8,), "complex128"), ((4, 8), "float64")])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_out_errors(xp, shape, dtype):
    return xp.fft.fft(values(xp, (4, 8), "complex128"), out=xp.zeros(shape, dtype))


# --- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [{"n": 0}, {"n": -3}, {"axis": 2}, {"axis": -3},
                                {"n": 4, "axis": 2}, {"norm": "bad"}, {"axis": 1.0},
                                {"n": 2.5}, {"n": 4.0}])
@pytest.mark.parametrize("name", ONE_D)
@testing.numpy_compare(accept_error=True)
def test_one_axis_errors(xp, name, kw):
    return getattr(xp.fft, name)(values(xp, (3, 4), "float64"), **kw)


@pytest.mark.parametrize("name", ONE_D)
@testing.numpy_compare(accept_error=IndexError)
def test_zero_d_input(xp, name):
    return getattr(xp.fft, name)(xp.asarray(1.5))


@pytest.mark.parametrize("kw", [{"axes": (0, 3)}, {"axes": (0, -4)}, {"s": (4,), "axes": (0, 1)},
                                {"s": (0, 4), "axes": (0, 1)}, {"s": (4, -2), "axes": (0, 1)},
                                {"norm": "bad"}, {"axes": ()}])
@pytest.mark.parametrize("name", ND + TWO_D)
@testing.numpy_compare(accept_error=True)
def test_nd_errors(xp, name, kw):
    return getattr(xp.fft, name)(values(xp, (3, 4, 5), in_dtype(name)), **kw)


def test_host_arrays_are_refused():
    with pytest.raises(TypeError, match="cuarray.asarray"):
        cuarray.fft.fft(numpy.ones(4))


# --- behaviour beyond NumPy's values ----------------------------------------------------------------
@pytest.mark.parametrize("name", ["irfft", "hfft", "irfftn", "irfft2"])
def test_c2r_leaves_its_input_alone(name):
    a_np = values(numpy, (8, 9), "complex64", 15)
    a = cuarray.asarray(a_np)
    getattr(cuarray.fft, name)(a)
    testing.assert_array_equal(a, a_np)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,axes", [((1000,), None), ((30, 40), None), ((8, 9, 10), (0, 2)),
                                        ((7, 6, 5), (2, 1, 0))])
def test_round_trips(shape, axes, dtype):
    x = values(cuarray, shape, dtype, 16)
    tol = 1e-5 if dtype == "float32" else 1e-12
    f = cuarray.fft
    testing.assert_allclose(f.ifftn(f.fftn(x, axes=axes), axes=axes).real, x, atol=tol)
    s = None if axes is None else [x.shape[ax] for ax in axes]
    testing.assert_allclose(f.irfftn(f.rfftn(x, axes=axes), s=s, axes=axes), x, atol=tol)
    last = x.shape[-1]
    testing.assert_allclose(f.hfft(f.ihfft(x), n=last), x, atol=tol)


def test_streams_and_repeated_calls_agree():
    a_np = values(numpy, (64, 256), "complex64", 17)
    a = cuarray.asarray(a_np)
    expected = numpy.fft.fft(a_np)
    results = [cuarray.fft.fft(a)]
    for _ in range(2):
        s = cuarray.cuda.Stream(non_blocking=True)
        with s:
            results.append(cuarray.fft.fft(a))
        s.synchronize()
    results.append(cuarray.fft.fft(a))
    for r in results:
        testing.assert_allclose(r, expected, rtol=1e-4, atol=1e-4)


def test_plan_cache_reuses_and_evicts_plans():
    cache = cuarray.fft.config.get_plan_cache()
    cache.clear()
    old = cache.get_size()
    try:
        cache.set_size(2)
        a = values(cuarray, (4, 32), "complex64")
        cuarray.fft.fft(a)
        cuarray.fft.fft(a)
        assert (cache.hits, cache.misses, cache.get_curr_size()) == (1, 1, 1)
        cuarray.fft.fft(a, n=48)
        cuarray.fft.fft(a, n=64)
        assert cache.get_curr_size() == 2 and cache.misses == 3
        cuarray.fft.fft(a)                      # evicted: made again
        assert cache.misses == 4
        cache.set_size(0)
        testing.assert_allclose(cuarray.fft.fft(a), numpy.fft.fft(a.get()), rtol=1e-4, atol=1e-4)
        assert cache.get_curr_size() == 0
    finally:
        cache.set_size(old)
        cache.clear()


def test_plan_cache_memsize_limit():
    cache = cuarray.fft.config.get_plan_cache()
    cache.clear()
    try:
        cuarray.fft.fftn(values(cuarray, (64, 64, 64), "complex64"))
        used = cache.get_curr_memsize()
        if used == 0:
            pytest.skip("this plan needs no work area")
        cache.set_memsize(used - 1)
        assert cache.get_curr_size() == 0 and cache.get_curr_memsize() == 0
    finally:
        cache.set_memsize(-1)
        cache.clear()


def test_show_plan_cache_info(capsys):
    cuarray.fft.fft(values(cuarray, (8,), "complex64"))
    cuarray.fft.config.show_plan_cache_info()
    assert "cuFFT plan cache" in capsys.readouterr().out


# --- helpers -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 5, 8, 101])
@pytest.mark.parametrize("d", [1.0, 0.1, 2, numpy.float32(0.5), numpy.float16(0.25), 0.5 + 1j])
@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
@testing.numpy_compare()
def test_fftfreq(xp, name, n, d):
    return getattr(xp.fft, name)(n, d)


@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
@testing.numpy_compare(accept_error=True)
def test_fftfreq_errors(xp, name):
    return getattr(xp.fft, name)(4.0)


def test_fftfreq_device_argument():
    r = cuarray.fft.fftfreq(8, device=0)
    assert r.device.id == 0
    testing.assert_array_equal(r, numpy.fft.fftfreq(8))


@pytest.mark.parametrize("axes", [None, 0, 1, -1, (0,), (0, 1), (1, 0)])
@pytest.mark.parametrize("shape", [(0,), (1,), (5,), (4, 7), (3, 0)])
@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@testing.numpy_compare(accept_error=(ValueError, IndexError))
def test_shifts(xp, name, shape, axes):
    return getattr(xp.fft, name)(values(xp, shape, "float32"), axes=axes)


@pytest.mark.parametrize("n", [7, 8])
def test_shifts_undo_each_other(n):
    x = values(cuarray, (n, n + 1), "complex64")
    testing.assert_array_equal(cuarray.fft.ifftshift(cuarray.fft.fftshift(x)), x)
