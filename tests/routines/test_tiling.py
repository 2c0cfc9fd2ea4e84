"""Tiling and adding/removing elements against NumPy: tile, repeat (function and method),
resize (function and ndarray.resize), insert, delete, append, trim_zeros.

Values, dtypes, shapes and C/F contiguity are compared; delete with an index array
checks NumPy's advanced-indexing result layout, the others the input's order.
"""

import numpy
import pytest

import cuarray
from cuarray import testing

pytestmark = pytest.mark.gpu

LAYOUTS = testing.LAYOUTS


def arr(xp, shape, dtype="float32", seed=0, layout="C"):
    return testing.random_array(xp, shape, dtype, seed=seed, layout=layout)


def device(xp, host):
    return xp.asarray(numpy.asarray(host))


# -- tile --------------------------------------------------------------------------------
@testing.for_all_dtypes()
@testing.numpy_compare()
def test_tile_dtypes(xp, dtype):
    return xp.tile(arr(xp, (2, 3), dtype), (2, 3))


@pytest.mark.parametrize("shape", testing.SHAPES)
@pytest.mark.parametrize("reps", [1, 2, (2, 1), (1, 1), (3, 1, 2), 0, (2, 0), [1, 1, 1]])
@pytest.mark.parametrize("layout", ["C", "F", "negative_stride", "sliced", "broadcast"])
@testing.numpy_compare()
def test_tile(xp, shape, reps, layout):
    return xp.tile(arr(xp, shape, "int32", 1, layout), reps)


@pytest.mark.parametrize("reps", [-1, 2.5, (1, -2)])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_tile_errors(xp, reps):
    return xp.tile(arr(xp, (2, 3)), reps)


@testing.numpy_compare()
def test_tile_host_input(xp):
    return xp.tile([1, 2, 3], 2), xp.tile(5.0, (2, 2))


# -- repeat ------------------------------------------------------------------------------
@testing.for_all_dtypes()
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@testing.numpy_compare()
def test_repeat_scalar(xp, dtype, axis):
    return xp.repeat(arr(xp, (3, 4), dtype), 3, axis=axis)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("axis", [None, 0, 1, 2])
@pytest.mark.parametrize("repeats", [0, 1, 2, [3], "per-element", "per-element-device"])
@testing.numpy_compare()
def test_repeat(xp, layout, axis, repeats):
    a = arr(xp, (2, 3, 4), "float64", 1, layout)
    if isinstance(repeats, str):
        n = a.size if axis is None else a.shape[axis]
        counts = numpy.random.default_rng(axis or 0).integers(0, 4, n)
        repeats = device(xp, counts) if repeats.endswith("device") else counts.tolist()
    return xp.repeat(a, repeats, axis=axis)


@testing.for_dtypes(["bool", "int8", "uint64", "complex128", "float16"])
@testing.numpy_compare()
def test_repeat_per_element_dtypes(xp, dtype):
    a = arr(xp, (4, 5), dtype, 2)
    return xp.repeat(a, [0, 3, 1, 2, 1], axis=1), xp.repeat(a, numpy.array([2, 0, 1, 5]),
                                                             axis=0)


@pytest.mark.parametrize("shape", [(), (0,), (3, 0)])
@testing.numpy_compare(accept_error=numpy.exceptions.AxisError)
def test_repeat_small_shapes(xp, shape):
    a = arr(xp, shape, "int16", 3)
    return xp.repeat(a, 2), xp.repeat(a, [2]), xp.repeat(a, 3, axis=0)


@testing.numpy_compare()
def test_repeat_method(xp):
    a = arr(xp, (3, 2), "float32", 4)
    return a.repeat(2), a.repeat([1, 0, 2], axis=0)


@pytest.mark.parametrize("repeats,axis", [(2.5, None), (-1, None), ([1, 2], None),
                                          ([1, 2], 1), ([1, -2, 1], 1), ([[1, 2, 1]], 1),
                                          (numpy.array([1, 2, 1], numpy.uint64), 1),
                                          (numpy.array([True, False, True]), 1), (2, 2),
                                          (2, -3)])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_repeat_errors(xp, repeats, axis):
    return xp.repeat(arr(xp, (2, 3)), repeats, axis=axis)


# -- resize ------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3)])
@pytest.mark.parametrize("new_shape", [0, 3, 7, (2, 4), (3, 0), (4, 5, 2), ()])
@pytest.mark.parametrize("layout", ["C", "F", "negative_stride"])
@testing.numpy_compare()
def test_resize(xp, shape, new_shape, layout):
    return xp.resize(arr(xp, shape, "complex64", 1, layout), new_shape)


@pytest.mark.parametrize("new_shape", [-1, (2, -1)])
@testing.numpy_compare(accept_error=ValueError)
def test_resize_errors(xp, new_shape):
    return xp.resize(arr(xp, (2, 3)), new_shape)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("args", [((2, 4),), (2, 4), (3,), ((0,),), (12,), ((3, 2),)])
@testing.numpy_compare()
def test_ndarray_resize(xp, order, args):
    a = xp.asarray(arr(xp, (2, 3), "int32", 1), order=order)
    if order == "F":
        a = xp.asfortranarray(a)
    kwargs = {"refcheck": False} if xp is numpy else {}
    r = a.resize(*args, **kwargs)
    return r, a


@pytest.mark.parametrize("case", ["view", "strided", "negative"])
@testing.numpy_compare(accept_error=ValueError)
def test_ndarray_resize_errors(xp, case):
    a = arr(xp, (4, 3), "float32", 1)
    if case == "view":
        return a.T.resize(12, refcheck=False)
    if case == "strided":
        return a[::2].resize(2, refcheck=False)
    return a.copy().resize(-1, refcheck=False)


# -- delete ------------------------------------------------------------------------------
OBJS = [0, -1, 2, slice(1, 3), slice(None, None, 2), slice(None, None, -2), slice(3, 1),
        [0, 2], [], [1, 1, -1], numpy.array([1]), numpy.array([True, False, True]),
        numpy.array([], int)]


@pytest.mark.parametrize("layout", ["C", "F", "transposed", "negative_stride", "sliced"])
@pytest.mark.parametrize("obj", OBJS, ids=repr)
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@testing.numpy_compare(accept_error=(IndexError, ValueError))
def test_delete(xp, layout, obj, axis):
    return xp.delete(arr(xp, (3, 3, 4), "float32", 1, layout), obj, axis=axis)


@testing.for_all_dtypes()
@testing.numpy_compare()
def test_delete_dtypes(xp, dtype):
    a = arr(xp, (4, 5), dtype, 2)
    return xp.delete(a, [1, 3], axis=1), xp.delete(a, 2), xp.delete(a, slice(0, 4, 3), axis=0)


@testing.numpy_compare()
def test_delete_device_obj(xp):
    a = arr(xp, (4, 5), "int64", 2)
    return xp.delete(a, device(xp, [0, 3]), axis=1), xp.delete(a, device(xp, 2), axis=0)


@pytest.mark.parametrize("obj,axis", [(5, 1), ([5], 1), ([1, 5], 1), (numpy.array([True]), 1),
                                      (1.5, 1), ([1.5], 1), (0, 3)])
@testing.numpy_compare(accept_error=(IndexError, ValueError, TypeError))
def test_delete_errors(xp, obj, axis):
    return xp.delete(arr(xp, (2, 3)), obj, axis=axis)


# -- insert ------------------------------------------------------------------------------
@pytest.mark.parametrize("obj", [0, 2, -1, 3, [1], [0, 2], [2, 0, 2], slice(0, 3, 2),
                                 numpy.array([True, False, True]), [], numpy.array(1)],
                         ids=repr)
@pytest.mark.parametrize("values", ["scalar", "row", "column", "matrix"])
@pytest.mark.parametrize("axis", [None, 0, 1])
@testing.numpy_compare(accept_error=(ValueError, IndexError))
def test_insert(xp, obj, values, axis):
    a = arr(xp, (3, 3), "float64", 1, "F")
    vals = {"scalar": 7.5, "row": arr(xp, (3,), "float32", 2),
            "column": arr(xp, (3, 1), "int8", 3), "matrix": [[1, 2, 3], [4, 5, 6]]}[values]
    return xp.insert(a, obj, vals, axis=axis)


@testing.for_all_dtypes()
@testing.numpy_compare()
def test_insert_dtypes(xp, dtype):
    a = arr(xp, (3, 4), dtype, 1)
    return xp.insert(a, [1, 3], 1, axis=1), xp.insert(a, 2, arr(xp, (4,), dtype, 2), axis=0)


@pytest.mark.parametrize("case", range(5))
@testing.numpy_compare(accept_error=(ValueError, IndexError, OverflowError))
def test_insert_errors(xp, case):
    a = arr(xp, (2, 3), "int8", 1)
    return [lambda: xp.insert(a, 5, 1, axis=1), lambda: xp.insert(a, [[1]], 1, axis=1),
            lambda: xp.insert(a, [1, 7], 1, axis=1), lambda: xp.insert(a, 1, 300, axis=1),
            lambda: xp.insert(a, [0, 1], [1, 2, 3], axis=1)][case]()


# -- append ------------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [None, 0, 1])
@testing.numpy_compare(accept_error=ValueError)
def test_append(xp, axis):
    a = arr(xp, (2, 3), "float32", 1, "F")
    return xp.append(a, arr(xp, (1, 3), "int64", 2), axis=axis), xp.append(a, [[1, 2, 3]],
                                                                            axis=axis)


@testing.numpy_compare()
def test_append_scalars(xp):
    return xp.append(arr(xp, (), "int16"), 3), xp.append([], arr(xp, (2,), "int8"))


# -- trim_zeros --------------------------------------------------------------------------
def zeros_around(xp, shape, dtype, pad, seed=0):
    inner = testing.random_array(numpy, shape, dtype, seed=seed, nonzero=True)
    host = numpy.pad(inner, pad)
    return xp.asarray(host)


@testing.for_all_dtypes()
@pytest.mark.parametrize("trim", ["fb", "f", "b", "BF"])
@testing.numpy_compare()
def test_trim_zeros_1d(xp, dtype, trim):
    return xp.trim_zeros(zeros_around(xp, (5,), dtype, (3, 2)), trim)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("trim", ["fb", "f", "b"])
@testing.numpy_compare()
def test_trim_zeros_nd(xp, axis, trim):
    a = zeros_around(xp, (3, 2), "float64", ((1, 2), (0, 3)))
    return xp.trim_zeros(a, trim, axis=axis)


@pytest.mark.parametrize("shape", [(0,), (4,), (3, 0), (2, 3)])
@testing.numpy_compare()
def test_trim_zeros_all_zero(xp, shape):
    return xp.trim_zeros(xp.zeros(shape, "int32")), xp.trim_zeros(xp.zeros(shape), "f")


@testing.numpy_compare()
def test_trim_zeros_special(xp):
    a = xp.asarray(numpy.array([0.0, -0.0, numpy.nan, 0.0, 1.0, 0.0]))
    return xp.trim_zeros(a), xp.trim_zeros(xp.asarray(numpy.array([0, 0, 1 + 0j, 0, 0])))


@pytest.mark.parametrize("trim,axis", [("x", None), ("fb", 2)])
@testing.numpy_compare(accept_error=ValueError)
def test_trim_zeros_errors(xp, trim, axis):
    return xp.trim_zeros(arr(xp, (2, 3)), trim, axis=axis)


def test_trim_zeros_0d_returns_input():
    a = cuarray.asarray(numpy.float32(3))
    assert cuarray.trim_zeros(a) is a
