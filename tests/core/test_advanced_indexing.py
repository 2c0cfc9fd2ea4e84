"""Advanced indexing (integer arrays, boolean masks) in getitem and setitem, against NumPy.

The random keys (tests/core/conftest.py) combine integers, slices with any step,
``...``, ``None``, integer arrays of every integer dtype passed as cuarray arrays, NumPy
arrays or lists (negative values, broadcasting shapes), boolean masks and boolean
scalars, over 1-4-d arrays of every memory layout.
"""

import contextlib

import numpy as np
import pytest

import cuarray
from cuarray import testing

pytestmark = pytest.mark.gpu

SEEDS = range(400)
_WRITABLE = ("C", "F", "transposed", "negative_stride", "sliced")


def _layout(seed, writable=False):
    layouts = _WRITABLE if writable else _WRITABLE + ("broadcast",)
    return layouts[seed % len(layouts)]


# -- getitem --------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
@testing.numpy_compare(accept_error=IndexError)
def test_getitem_random_keys(xp, index_keys, seed):
    shape, spec = index_keys.make(seed)
    a = testing.random_array(xp, shape, "float32", seed=seed, layout=_layout(seed))
    return a[index_keys.materialize(spec, xp)]


@pytest.mark.parametrize("seed", range(0, 400, 9))
@testing.for_all_dtypes()
@testing.numpy_compare(accept_error=IndexError)
def test_getitem_random_keys_every_dtype(xp, index_keys, seed, dtype):
    shape, spec = index_keys.make(seed)
    a = testing.random_array(xp, shape, dtype, seed=seed, layout=_layout(seed + 1))
    return a[index_keys.materialize(spec, xp)]


@pytest.mark.parametrize("key", [
    [1, -1, 0], [[0, 1], [2, -3]], np.array([2, 2, 0]), (slice(None, None, -1), [0, 3]),
    (Ellipsis, [1, 2]), ([0, 2], Ellipsis, [1]), (None, [1], slice(1, None), None),
    ([[0], [1]], [[0, 1, 2]]), (slice(None, None, 2), [0, 2]), ([], slice(None)),
    (np.ones(3, bool),), (np.array([True, False, True]), slice(None, 2)),
    (slice(None), np.array([True, False, False, True])), (True,), (False, Ellipsis),
    (slice(None), True, [1, 2]), (np.array(2),), (slice(None), np.array(-1)),
])
@testing.for_dtypes(["int32", "uint8", "int64", "uint64", "int8", "int16", "uint16"],
                    name="idx_dtype")
@testing.numpy_compare()
def test_getitem_device_index_dtypes(xp, key, idx_dtype):
    a = testing.shaped_arange((3, 4), xp, "float64")

    def convert(k):         # index arrays as device arrays of idx_dtype
        h = np.asarray(k) if isinstance(k, (list, np.ndarray)) else None
        if h is None:
            return k
        if h.dtype.kind == "b":
            return xp.asarray(h)
        if idx_dtype.kind == "u" and h.size and h.min() < 0:
            return k            # (a negative index has no unsigned form)
        return xp.asarray(h.astype(idx_dtype))
    return a[tuple(convert(k) for k in (key if isinstance(key, tuple) else (key,)))]


@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (0, 4), (1,), (5,)])
@pytest.mark.parametrize("key", ["true", "false", "none_true", "mask", "empty_list"])
@testing.numpy_compare(accept_error=IndexError)
def test_getitem_empty_and_0d(xp, shape, key):
    a = testing.random_array(xp, shape, "float32", seed=3)
    if key == "true":
        return a[True]
    if key == "false":
        return a[False]
    if key == "none_true":
        return a[None, True]
    if key == "mask":
        return a[xp.asarray(testing.random_array(np, shape, "bool", seed=4))]
    return a[[]]


@pytest.mark.parametrize("shape", [(100003,), (301, 257), (7, 11, 13, 5)])
@pytest.mark.parametrize("layout", ["C", "negative_stride", "transposed"])
@testing.for_dtypes(["float32", "bool", "complex128", "float16", "int8"])
@testing.numpy_compare()
def test_boolean_mask_large(xp, shape, layout, dtype):
    a = testing.random_array(xp, shape, dtype, seed=5, layout=layout)
    m = testing.random_array(xp, shape, "float32", seed=6) > 0.5
    return a[m]


@testing.numpy_compare()
@pytest.mark.parametrize("n", [1, 4095, 4096, 4097, 12345])
def test_boolean_mask_tile_edges(xp, n):
    a = testing.random_array(xp, (n,), "float64", seed=n)
    return a[a > 0], a[a > 20], a[a < 20]


@testing.numpy_compare()
def test_gather_large(xp):
    s = testing.random_array(xp, (70001,), "float32", seed=7)
    idx = testing.random_array(xp, (50000,), "int64", seed=8, low=-70001, high=70001)
    return s[idx]


@pytest.mark.parametrize("key", [
    [3], [-4], [0, 5], np.array([[0], [7]]), ([0], [9]), (slice(None), [4]), (0, [-5]),
])
@pytest.mark.parametrize("form", ["device", "list"])
def test_out_of_bounds_raises_index_error(key, form):
    a = cuarray.zeros((3, 4))
    h = np.zeros((3, 4))
    conv = (lambda k: cuarray.asarray(np.asarray(k)) if isinstance(k, (list, np.ndarray))
            else k) if form == "device" else (lambda k: k)
    dkey = tuple(conv(k) for k in key) if isinstance(key, tuple) else conv(key)
    with pytest.raises(IndexError) as expected:
        h[key]
    with pytest.raises(IndexError) as got:
        a[dkey]
    assert str(got.value) == str(expected.value)
    with pytest.raises(IndexError):
        a[dkey] = 1.0


def test_out_of_bounds_setitem_leaves_the_array_unchanged():
    a = cuarray.asarray(np.arange(6.0))
    with pytest.raises(IndexError):
        a[cuarray.asarray(np.array([0, 1, 9]))] = -1.0
    np.testing.assert_array_equal(a.get(), np.arange(6.0))
    # and the error flag is clear afterwards
    np.testing.assert_array_equal(a[cuarray.asarray(np.array([5, 0]))].get(), [5.0, 0.0])


@pytest.mark.parametrize("mask_shape", [(4,), (3, 5), (2, 4), (3, 4, 1)])
def test_wrong_shape_masks_raise_before_any_kernel(mask_shape):
    a = cuarray.zeros((3, 4))
    with pytest.raises(IndexError) as expected:
        np.zeros((3, 4))[np.ones(mask_shape, bool)]
    with pytest.raises(IndexError) as got:
        a[cuarray.ones(mask_shape, bool)]
    assert str(got.value) == str(expected.value)


def test_index_array_broadcast_error_message():
    with pytest.raises(IndexError) as expected:
        np.zeros((3, 4))[[0, 1], [0, 1, 2]]
    with pytest.raises(IndexError) as got:
        cuarray.zeros((3, 4))[cuarray.asarray(np.array([0, 1])), [0, 1, 2]]
    assert str(got.value) == str(expected.value)


@testing.numpy_compare(accept_error=IndexError)
def test_float_index_arrays_raise(xp):
    return xp.zeros(3)[xp.asarray(np.array([0.0]))]


def test_basic_keys_stay_views():
    a = cuarray.zeros((3, 4))
    v = a[1:, ::-1]
    assert v.base is a
    assert a[[0]].base is None


# -- setitem --------------------------------------------------------------------------------------
def _value(xp, kind, sel, seed, dtype="float32"):
    """A value for a setitem whose selection (flat destination indices) is ``sel``."""
    rng = np.random.default_rng(seed)
    if kind == "scalar" or sel.size == 0 and kind == "broadcast":
        return 2.5
    if kind == "array":     # derived from the destination: repeated indices write one value
        host = (sel * 3 + 1).astype(dtype)
    else:
        dup = np.unique(sel).size < sel.size
        host = rng.uniform(-5, 5, (1,) if dup or sel.ndim == 0 else sel.shape[-1:]).astype(dtype)
    form = seed % 3
    if form == 0:
        return xp.asarray(host)
    return host if form == 1 else host.tolist()


@pytest.mark.parametrize("seed", range(0, 400, 2))
@pytest.mark.parametrize("kind", ["scalar", "array", "broadcast"])
@testing.numpy_compare(accept_error=(IndexError, ValueError))
def test_setitem_random_keys(xp, index_keys, seed, kind):
    shape, spec = index_keys.make(seed)
    a = testing.random_array(xp, shape, "float32", seed=seed, layout=_layout(seed, True))
    try:
        sel = np.arange(int(np.prod(shape))).reshape(shape)[index_keys.materialize(spec, np)]
    except IndexError:
        sel = np.zeros(0, np.int64)
    a[index_keys.materialize(spec, xp)] = _value(xp, kind, sel, seed)
    return a


@pytest.mark.parametrize("seed", range(0, 400, 11))
@testing.for_all_dtypes()
@testing.numpy_compare(accept_error=(IndexError, ValueError))
def test_setitem_random_keys_every_dtype(xp, index_keys, seed, dtype):
    shape, spec = index_keys.make(seed)
    a = testing.random_array(xp, shape, dtype, seed=seed)
    try:
        sel = np.arange(int(np.prod(shape))).reshape(shape)[index_keys.materialize(spec, np)]
    except IndexError:
        sel = np.zeros(0, np.int64)
    v = xp.asarray((sel % 2 == 0).astype(dtype) if dtype == "bool" else (sel + 1).astype(dtype))
    a[index_keys.materialize(spec, xp)] = v
    return a


@pytest.mark.parametrize("src_dtype", ["float64", "int32", "bool", "float16", "complex64"])
@pytest.mark.parametrize("dst_dtype", ["float32", "int64", "uint8", "complex128", "float16"])
@testing.numpy_compare()
def test_setitem_casts_values(xp, src_dtype, dst_dtype):
    a = xp.zeros((4, 5), dst_dtype)
    v = testing.random_array(xp, (2, 5), src_dtype, seed=9, low=0, high=50)
    warns = np.dtype(src_dtype).kind == "c" and np.dtype(dst_dtype).kind != "c"
    with pytest.warns(np.exceptions.ComplexWarning) if warns else contextlib.nullcontext():
        a[xp.asarray(np.array([3, 1]))] = v
        a[xp.asarray(np.array([0, 2])), 0] = v[0, :2]
    return a


@pytest.mark.parametrize("value", [7, 1.5, True, np.float32(3.25), [1, 2, 3], "array", "size1"])
@pytest.mark.parametrize("mask_shape", ["full", "rows", "middle"])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_setitem_boolean_mask(xp, value, mask_shape):
    a = testing.random_array(xp, (3, 4), "float32", seed=10, layout="transposed")
    if mask_shape == "full":
        m = a > 0
    elif mask_shape == "rows":
        m = xp.asarray(np.array([True, False, True]))
    else:
        m = (slice(None), xp.asarray(np.array([False, True, True, False])))
    n = int(np.count_nonzero(testing.random_array(np, (3, 4), "float32", seed=10) > 0))
    if value == "array":
        value = xp.asarray(np.arange(n if mask_shape == "full" else 4, dtype=np.float32))
    elif value == "size1":
        value = xp.asarray(np.array([4.5], np.float32))
    a[m] = value
    return a


@testing.numpy_compare(accept_error=(ValueError, TypeError))
@pytest.mark.parametrize("case", ["too_few", "two_d", "empty_mask_empty_value", "leading_ones"])
def test_setitem_boolean_mask_errors(xp, case):
    a = xp.asarray(np.arange(6.0))
    m = xp.asarray(np.array([True, False, True, True, False, False]))
    if case == "too_few":
        a[m] = xp.asarray(np.array([1.0, 2.0]))
    elif case == "two_d":
        a[m] = xp.asarray(np.ones((1, 3)))
    elif case == "empty_mask_empty_value":
        a[xp.zeros(6, bool)] = xp.zeros(0)
    else:
        a[[1, 2]] = xp.asarray(np.ones((1, 1, 2)))
    return a


@testing.numpy_compare()
def test_setitem_repeated_indices_with_one_value(xp):
    a = xp.zeros(5)
    a[xp.asarray(np.array([0, 0, 3, 3, 3]))] = 4.0
    a[[1, 1]] = xp.asarray(np.array([2.0, 2.0]))
    return a


@testing.numpy_compare()
def test_setitem_value_and_indices_overlap_the_target(xp):
    a = xp.asarray(np.arange(10.0))
    a[[9, 8, 7, 6, 5]] = a[:5]          # the value is read before anything is written
    b = xp.asarray(np.array([3, 0, 2, 1, 4]))
    b[b] = xp.asarray(np.array([9, 9, 9, 9, 9]))    # the indices too
    c = xp.asarray(np.array([True, False, True]))
    c[c] = False
    return a, b, c


@testing.numpy_compare()
def test_setitem_0d_and_bool_scalars(xp):
    z = xp.asarray(np.array(1.5))
    z[True] = 4.0
    z2 = xp.zeros(())
    z2[False] = 4.0
    a = xp.zeros((2, 3))
    a[True] = xp.asarray(np.array([1.0, 2.0, 3.0]))
    a[0, True] = 7.0
    return z, z2, a


@testing.numpy_compare()
def test_setitem_broadcast_values(xp):
    a = xp.zeros((4, 3, 2))
    a[[0, 2]] = xp.asarray(np.array([[1.0], [2.0], [3.0]]))       # (3, 1) -> (2, 3, 2)
    a[:, [1, 2], 1] = xp.asarray(np.array([5.0, 6.0]))             # (2,) -> (4, 2)
    a[[[3], [1]], [0, 2]] = -1.0
    return a


@testing.numpy_compare(accept_error=ValueError)
def test_setitem_value_shape_mismatch(xp):
    a = xp.zeros((3, 4))
    a[[0, 1]] = xp.zeros((3,))
