"""Tests for random_array, shaped_arange, SHAPES and BROADCAST_PAIRS."""

import numpy as np
import pytest

import cuarray.testing as testing
from cuarray.testing import LAYOUTS, SHAPES, random_array, shaped_arange


class FakeDeviceArray:
    """A NumPy array posing as device memory, with just the view operations
    random_array applies (``.T``, slicing, ``swapaxes``, ``broadcast_to``)."""

    def __init__(self, a):
        self._a = a

    @property
    def __cuda_array_interface__(self):
        a = self._a
        return {"shape": a.shape, "typestr": a.dtype.str, "data": (0, False),
                "strides": None if a.flags.c_contiguous else a.strides,
                "version": 3}

    def get(self):
        return self._a.copy()

    @property
    def T(self):
        return FakeDeviceArray(self._a.T)

    def __getitem__(self, key):
        return FakeDeviceArray(self._a[key])


class fake:
    """The array module of FakeDeviceArray."""

    @staticmethod
    def asarray(a):
        # A copy: device memory never aliases the host array.
        return FakeDeviceArray(np.array(a))

    @staticmethod
    def swapaxes(a, i, j):
        return FakeDeviceArray(np.swapaxes(a._a, i, j))

    @staticmethod
    def broadcast_to(a, shape):
        return FakeDeviceArray(np.broadcast_to(a._a, shape))


# --- Standard shapes ---------------------------------------------------------------
def test_shapes_cover_the_edge_cases():
    for shape in [(), (0,), (3, 0), (1,), (5,), (2, 3), (2, 3, 4)]:
        assert shape in SHAPES


@pytest.mark.parametrize("a, b", testing.BROADCAST_PAIRS)
def test_broadcast_pairs_broadcast(a, b):
    np.broadcast_shapes(a, b)


def test_broadcast_pairs_cover_0d_empty_and_rank_extension():
    pairs = testing.BROADCAST_PAIRS
    assert any(() in pair for pair in pairs)
    assert any(0 in np.broadcast_shapes(*pair) for pair in pairs)
    assert any(len(a) != len(b) and a and b for a, b in pairs)
    assert any(1 in a and 1 in b for a, b in pairs)


# --- random_array ---------------------------------------------------------------
@testing.for_all_dtypes()
@pytest.mark.parametrize("layout", LAYOUTS)
def test_same_seed_same_values(dtype, layout):
    a = random_array(np, (4, 5), dtype, seed=3, layout=layout)
    b = random_array(np, (4, 5), dtype, seed=3, layout=layout)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == dtype and a.shape == (4, 5)


@testing.for_all_dtypes()
def test_different_seeds_differ(dtype):
    a = random_array(np, (50,), dtype, seed=1)
    b = random_array(np, (50,), dtype, seed=2)
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("layout", ["F", "transposed", "negative_stride", "sliced"])
def test_layout_does_not_change_values(layout):
    expected = random_array(np, (2, 3, 4), "float32", seed=5)
    np.testing.assert_array_equal(
        random_array(np, (2, 3, 4), "float32", seed=5, layout=layout), expected)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_on_every_shape(shape, layout):
    a = random_array(np, shape, "int16", layout=layout)
    assert isinstance(a, np.ndarray) and a.shape == shape


def test_layout_c():
    a = random_array(np, (2, 3, 4), "float64")
    assert a.flags.c_contiguous and not a.flags.f_contiguous and a.flags.owndata


def test_layout_f():
    a = random_array(np, (2, 3, 4), "float64", layout="F")
    assert a.flags.f_contiguous and not a.flags.c_contiguous


def test_layout_transposed():
    a = random_array(np, (2, 3, 4), "float64", layout="transposed")
    assert not a.flags.c_contiguous and not a.flags.f_contiguous
    assert a.strides == (96, 8, 24)


def test_layout_negative_stride():
    a = random_array(np, (2, 3, 4), "int32", layout="negative_stride")
    assert all(s < 0 for s in a.strides)


def test_layout_sliced():
    a = random_array(np, (2, 3, 4), "int8", layout="sliced")
    assert a.strides == (2 * 6 * 8, 2 * 8, 2)
    assert a.base is not None and a.base.size == 8 * a.size


def test_layout_broadcast():
    a = random_array(np, (2, 3, 4), "complex64", layout="broadcast")
    assert a.strides[0] == 0 and a.strides[1:] == (32, 8)
    np.testing.assert_array_equal(a[0], a[1])


def test_unknown_layout_and_dtype_are_rejected():
    with pytest.raises(ValueError, match="layout"):
        random_array(np, (2,), "float32", layout="diagonal")
    with pytest.raises(TypeError, match="datetime64"):
        random_array(np, (2,), "datetime64[s]")


@testing.for_int_dtypes()
def test_int_defaults_cannot_overflow_products(dtype):
    a = random_array(np, (1000,), dtype).astype(object)  # exact Python ints
    info = np.iinfo(dtype)
    assert info.min <= min(a * a) and max(a * a) <= info.max
    assert max(a + a) <= info.max
    assert (min(a) < 0) == (dtype.kind == "i")


@testing.for_float_dtypes()
def test_float_defaults_are_signed_and_moderate(dtype):
    a = random_array(np, (1000,), dtype)
    assert a.min() < 0 < a.max() and np.abs(a).max() <= 10


def test_complex_has_both_parts_random():
    a = random_array(np, (100,), "complex128")
    assert np.unique(a.real).size > 50 and np.unique(a.imag).size > 50


def test_bool_has_both_values():
    a = random_array(np, (100,), "bool")
    assert a.any() and not a.all()


def test_low_high():
    a = random_array(np, (1000,), "int64", low=5, high=8)
    assert set(np.unique(a)) == {5, 6, 7}
    b = random_array(np, (1000,), "float32", low=0.5, high=1.0)
    assert b.min() >= 0.5 and b.max() <= 1.0


@testing.for_all_dtypes()
def test_nonzero(dtype):
    low, high = {"b": (None, None), "u": (0, 2)}.get(dtype.kind, (-1, 2))
    a = random_array(np, (500,), dtype, low=low, high=high, nonzero=True,
                     layout="sliced")
    assert np.all(a != 0)


def test_nonzero_without_a_nonzero_value_is_rejected():
    with pytest.raises(ValueError, match="nonzero"):
        random_array(np, (3,), "int32", low=0, high=1, nonzero=True)


def test_numpy_result_does_not_alias_between_calls():
    a = random_array(np, (3,), "float32")
    a[...] = 0
    assert np.all(random_array(np, (3,), "float32") != 0)


@testing.for_all_dtypes()
@pytest.mark.parametrize("layout", LAYOUTS)
def test_device_and_numpy_agree(dtype, layout):
    host = random_array(np, (2, 3, 4), dtype, seed=7, layout=layout)
    dev = random_array(fake, (2, 3, 4), dtype, seed=7, layout=layout)
    assert isinstance(dev, FakeDeviceArray)
    # The view operations ran on the device side: same strides as NumPy's.
    assert dev._a.strides == host.strides
    np.testing.assert_array_equal(dev.get(), host)


# --- shaped_arange ----------------------------------------------------------------
def test_shaped_arange_values():
    np.testing.assert_array_equal(shaped_arange((2, 3)),
                                  np.arange(1, 7, dtype="float32").reshape(2, 3))
    assert shaped_arange((2, 3)).dtype == np.float32
    assert shaped_arange((), dtype="int64") == 1


def test_shaped_arange_small_ints_wrap_without_overflow():
    a = shaped_arange((300,), dtype="int8")
    assert a.min() == 1 and a.max() == 127 and a[127] == 1


def test_shaped_arange_bool_and_complex():
    np.testing.assert_array_equal(shaped_arange((4,), dtype="bool"),
                                  [False, True, False, True])
    np.testing.assert_array_equal(shaped_arange((3,), dtype="complex64"),
                                  [1 + 3j, 2 + 2j, 3 + 1j])


def test_shaped_arange_order_and_device():
    a = shaped_arange((2, 3), np, "float64", order="F")
    assert a.flags.f_contiguous and not a.flags.c_contiguous
    dev = shaped_arange((2, 3), fake, "float64", order="F")
    assert dev._a.flags.f_contiguous
    np.testing.assert_array_equal(dev.get(), a)
    with pytest.raises(ValueError, match="order"):
        shaped_arange((2,), order="K")
