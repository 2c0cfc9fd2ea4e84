"""The small chapters of the rest of the namespace against NumPy: floating-point error
state, array questions (ndim, shape, size, isfortran, matrix_transpose), memory overlap,
iterators (ndenumerate, broadcast), r_/c_, string representations, emath and the array
API's inspection namespace.

CPU tests cover what needs no device array (error state, host arguments, the overlap
solver on synthetic addresses); GPU tests compare with NumPy on device arrays.
"""

import io
import warnings

import numpy as np
import pytest

import cuarray
from cuarray import testing

gpu = pytest.mark.gpu


# =================================================================================================
# CPU
# =================================================================================================
def test_errstate_is_numpys_state():
    old = cuarray.geterr()
    assert old == np.geterr()
    with cuarray.errstate(divide="raise", invalid="ignore"):
        assert cuarray.geterr()["divide"] == "raise" and np.geterr()["invalid"] == "ignore"
        with pytest.raises(FloatingPointError):
            np.array(1.0) / np.array(0.0)          # host NumPy computations obey it
    assert cuarray.geterr() == old
    prev = cuarray.seterr(all="warn")
    try:
        assert cuarray.geterr() == {"divide": "warn", "over": "warn", "under": "warn",
                                    "invalid": "warn"}
    finally:
        cuarray.seterr(**prev)
    assert cuarray.geterr() == old

    @cuarray.errstate(over="ignore")
    def f():
        return np.geterr()["over"]
    assert f() == "ignore"
    calls = []
    old_call = cuarray.seterrcall(calls.append)
    try:
        assert cuarray.geterrcall() == calls.append
    finally:
        cuarray.seterrcall(old_call)
    with pytest.raises(ValueError):
        cuarray.seterr(divide="loudly")
    size = cuarray.getbufsize()
    assert size == np.getbufsize()
    cuarray.setbufsize(size)


@pytest.mark.parametrize("obj", [[1, 2, 3], [[1.0], [2.0]], 5, np.ones((2, 0, 3)), ()])
def test_array_questions_on_host_values(obj):
    assert cuarray.ndim(obj) == np.ndim(obj)
    assert cuarray.shape(obj) == np.shape(obj)
    assert cuarray.size(obj) == np.size(obj)


def test_isfortran_and_host_objects_share_no_device_memory():
    assert cuarray.isfortran(np.ones((2, 3), order="F")) == np.isfortran(
        np.ones((2, 3), order="F"))
    a = np.ones(4)
    assert cuarray.may_share_memory(a, a) is False
    assert cuarray.shares_memory(a, a) is False


class _FakeDevice(cuarray.ndarray):
    """A device array header around an address (the overlap questions read no data)."""

    def __init__(self, ptr, shape, strides, itemsize=8):
        class _Mp:
            device_id = 0
        self._ptr, self._shape, self._strides = ptr, shape, strides
        self.dtype = np.dtype(f"f{itemsize}")
        self.size = int(np.prod(shape))
        self._mp = _Mp()


@pytest.mark.parametrize("a,b", [
    (((5,), (16,)), ((5,), (16,), 8)),            # interleaved: bounds overlap, no element
    (((5,), (16,)), ((5,), (16,), 16)),           # shifted by one element: overlap
    (((4, 4), (64, 8)), ((4, 4), (8, 64), 0)),    # a matrix and its transpose
    (((3,), (8,)), ((3,), (8,), 24)),             # adjacent, disjoint
])
def test_overlap_questions_use_numpys_solver(a, b):
    base = 1 << 40
    x = _FakeDevice(base, *a)
    y = _FakeDevice(base + b[2], b[0], b[1])
    buf = np.zeros(4096, np.uint8)

    def host(shape, strides, offset):
        return np.lib.stride_tricks.as_strided(buf[offset:offset + 8].view(np.float64), shape,
                                               strides)
    hx, hy = host(*a, 0), host(b[0], b[1], b[2])
    assert cuarray.shares_memory(x, y) == np.shares_memory(hx, hy)
    assert cuarray.may_share_memory(x, y) == np.may_share_memory(hx, hy)


def test_ndenumerate_and_ndindex_on_host_values():
    assert list(cuarray.ndenumerate([[1, 2], [3, 4]])) == list(np.ndenumerate([[1, 2], [3, 4]]))
    assert list(cuarray.ndindex(2, 3)) == list(np.ndindex(2, 3))


def test_printing_host_values_is_numpys():
    a = np.arange(6.0).reshape(2, 3)
    assert cuarray.array2string(a, precision=2) == np.array2string(a, precision=2)
    assert cuarray.array_repr(a) == np.array_repr(a)
    assert cuarray.array_str(a) == np.array_str(a)
    assert cuarray.format_float_positional(np.float32(0.1)) == "0.1"
    assert cuarray.format_float_scientific(1.5, precision=2) == np.format_float_scientific(
        1.5, precision=2)


def test_info_and_show_runtime_print():
    out = io.StringIO()
    cuarray.info(cuarray.vectorize, output=out)
    assert "vectorize" in out.getvalue()
    cuarray.show_runtime()


def test_matrix_transpose_and_r_refuse_host_arrays():
    with pytest.raises(TypeError):
        cuarray.matrix_transpose(np.ones((2, 2)))
    with pytest.raises(ValueError, match="matrix"):
        cuarray.r_["r", 1, 2]
    with pytest.raises(ValueError, match="matrix"):
        cuarray.r_["1 2; 3 4"]


def test_emath_is_a_submodule_with_numpys_names():
    assert sorted(cuarray.emath.__all__) == sorted(np.emath.__all__)
    with pytest.raises(TypeError):
        cuarray.emath.sqrt(np.ones(3))


# =================================================================================================
# GPU
# =================================================================================================
@gpu
@pytest.mark.parametrize("layout", ["C", "F", "transposed", "sliced"])
@testing.numpy_compare()
def test_array_questions(xp, layout):
    a = testing.random_array(xp, (3, 4, 2), "float32", layout=layout)
    return (xp.ndim(a), xp.shape(a), xp.size(a), xp.size(a, 1), xp.size(a, (0, 2)),
            xp.isfortran(a), xp.matrix_transpose(a), xp.isscalar(a))


@gpu
@pytest.mark.parametrize("axis", [-1, 3, (0, 0), (2, -3), (), 1.5])
@testing.numpy_compare(accept_error=(ValueError, IndexError, TypeError))
def test_size_axes_follow_numpy(xp, axis):
    return xp.size(testing.random_array(xp, (3, 4, 2), "float32"), axis)


@gpu
@testing.numpy_compare(accept_error=ValueError)
def test_matrix_transpose_1d(xp):
    return xp.matrix_transpose(xp.ones(3))


@gpu
def test_memory_overlap_of_views():
    a = cuarray.zeros((6, 8))
    b = cuarray.zeros(4)
    h = np.zeros((6, 8))
    for x, y, hx, hy in ((a, a[::2], h, h[::2]), (a[::2], a[1::2], h[::2], h[1::2]),
                         (a[:, :4], a[:, 4:], h[:, :4], h[:, 4:]), (a, a.T, h, h.T),
                         (a[0], a[:, 0], h[0], h[:, 0])):
        assert cuarray.shares_memory(x, y) == np.shares_memory(hx, hy)
        assert cuarray.may_share_memory(x, y) == np.may_share_memory(hx, hy)
    assert not cuarray.shares_memory(a, b) and not cuarray.may_share_memory(a, b)


@gpu
def test_ndenumerate_and_broadcast():
    h = testing.random_array(np, (2, 3), "int32")
    a = cuarray.asarray(h)
    assert list(cuarray.ndenumerate(a)) == list(np.ndenumerate(h))
    x = cuarray.asarray(np.arange(3.0))
    y = cuarray.asarray(np.arange(2.0).reshape(2, 1))
    b, hb = cuarray.broadcast(x, y, 5), np.broadcast(np.arange(3.0),
                                                      np.arange(2.0).reshape(2, 1), 5)
    assert (b.shape, b.nd, b.ndim, b.size, b.numiter) == (hb.shape, hb.nd, hb.ndim, hb.size,
                                                           hb.numiter)
    assert [tuple(float(v) for v in t) for t in b] == [tuple(float(v) for v in t) for t in hb]
    assert b.index == hb.index == 6
    b.reset()
    assert b.index == 0 and [float(next(it)) for it in b.iters] == [0.0, 0.0, 5.0]
    assert cuarray.broadcast(b, x).shape == (2, 3)


@gpu
@testing.numpy_compare()
def test_r_and_c(xp):
    a = testing.random_array(xp, (3,), "float32", seed=1)
    m = testing.random_array(xp, (2, 3), "int16", seed=2)
    return (xp.r_[a, 0, 1:4, a], xp.r_[-1:1:5j], xp.r_["0,2", a, a], xp.r_["1,2,0", a, a],
            xp.r_[m, m], xp.r_["-1", m, m], xp.c_[a, a], xp.c_[m, m], xp.r_[1, 2.5],
            xp.r_[[1, 2], 3])


@gpu
@testing.numpy_compare()
def test_printing(xp):
    a = testing.random_array(xp, (3, 4), "float64", seed=3)
    z = testing.random_array(xp, (), "float32", seed=4)
    return (xp.array2string(a, precision=3, separator=","), xp.array_repr(a),
            xp.array_str(a, precision=2), xp.format_float_positional(z, precision=3),
            xp.format_float_scientific(z), xp.format_float_positional(z))


@gpu
@pytest.mark.parametrize("shape", [(3,), (1,), (0,)])
@pytest.mark.parametrize("fn", ["format_float_positional", "format_float_scientific"])
@testing.numpy_compare(accept_error=TypeError)
def test_format_float_of_arrays(xp, fn, shape):
    return getattr(xp, fn)(testing.random_array(xp, shape, "float64"))


@gpu
@pytest.mark.parametrize("fn", ["sqrt", "log", "log2", "log10", "arccos", "arcsin", "arctanh"])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int16", "complex64", "float16"])
@pytest.mark.parametrize("sign", ["positive", "mixed"])
@testing.numpy_compare(rtol={"float16": 2e-3, "float32": 1e-5, "complex64": 1e-5,
                             "default": 1e-12},
                       atol={"float16": 2e-3, "float32": 1e-5, "complex64": 1e-5,
                             "default": 1e-12})
def test_emath(xp, fn, dtype, sign):
    low = 0.1 if sign == "positive" else -3
    x = testing.random_array(xp, (9,), dtype, seed=5, low=low, high=3)
    if sign == "positive" and fn in ("arccos", "arcsin", "arctanh") and dtype != "complex64":
        x = x / 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return getattr(xp.emath, fn)(x)


@gpu
@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_emath_logn_power(xp):
    x = testing.random_array(xp, (6,), "float64", seed=6, low=-4, high=4)
    n = testing.random_array(xp, (6,), "int64", seed=7, low=-3, high=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return (xp.emath.logn(2, x), xp.emath.power(x, 2), xp.emath.power(x, n),
                xp.emath.power(4, -1), xp.emath.sqrt(-4))


@gpu
def test_array_api_devices():
    info = cuarray.__array_namespace_info__()
    devices = info.devices()
    assert devices and devices[0] == cuarray.cuda.Device(0)
    assert info.default_device() == cuarray.cuda.Device()
    assert info.dtypes(device=devices[0]) == np.__array_namespace_info__().dtypes()
