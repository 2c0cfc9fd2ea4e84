"""Rearranging elements against NumPy: flip, fliplr, flipud, rot90 (views) and roll.

Views are checked to share memory with their input (writing through them), roll on
every layout, with tuple shifts and axes, repeated axes, shifts beyond the length
and negative shifts.
"""

import numpy
import pytest

from cuarray import testing

pytestmark = pytest.mark.gpu

LAYOUTS = testing.LAYOUTS


def arr(xp, shape, dtype="float32", seed=0, layout="C"):
    return testing.random_array(xp, shape, dtype, seed=seed, layout=layout)


@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (5,), (2, 3), (2, 3, 4)])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1), 2])
@pytest.mark.parametrize("layout", ["C", "F", "negative_stride", "sliced"])
@testing.numpy_compare(accept_error=numpy.exceptions.AxisError)
def test_flip(xp, shape, axis, layout):
    return xp.flip(arr(xp, shape, "int32", 1, layout), axis)


@testing.numpy_compare()
def test_flip_is_a_view(xp):
    a = arr(xp, (3, 4), "float64", 2)
    v = xp.flip(a, 1)
    v[0, 0] = -1.0
    return a, xp.fliplr(a)[1], xp.flipud(a)[0]


@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 3, 4)])
@testing.numpy_compare(accept_error=ValueError)
def test_fliplr_flipud(xp, shape):
    a = arr(xp, shape, "complex64", 3)
    out = []
    for fn in (xp.fliplr, xp.flipud):
        try:
            out.append(fn(a))
        except ValueError as e:
            out.append(str(e))
    return out


@pytest.mark.parametrize("k", [-3, -1, 0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("axes", [(0, 1), (1, 0), (0, 2), (-1, -2), (2, 1)])
@testing.numpy_compare()
def test_rot90(xp, k, axes):
    return xp.rot90(arr(xp, (2, 3, 4), "int16", 4, "F"), k, axes)


@pytest.mark.parametrize("axes", [(0, 0), (0, 1, 2), (0, 3), (1, -2), (-3, 0)])
@testing.numpy_compare(accept_error=ValueError)
def test_rot90_errors(xp, axes):
    return xp.rot90(arr(xp, (2, 3)), 1, axes)


@testing.for_all_dtypes()
@testing.numpy_compare()
def test_roll_dtypes(xp, dtype):
    a = arr(xp, (4, 5), dtype, 1)
    return xp.roll(a, 2), xp.roll(a, -1, axis=1), xp.roll(a, (1, 3), axis=(0, 1))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("shift,axis", [(1, None), (-7, None), (0, None), (2, 0), (-1, -1),
                                        ((1, 2), (0, 2)), ((1, 1), (1, 1)), (5, (0, 1, 2)),
                                        ((1, -2), 1), (4, 1), (13, 2)])
@testing.numpy_compare()
def test_roll(xp, layout, shift, axis):
    return xp.roll(arr(xp, (2, 3, 4), "float64", 2, layout), shift, axis)


@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (1,), (7,)])
@testing.numpy_compare()
def test_roll_shapes(xp, shape):
    a = arr(xp, shape, "uint8", 3)
    out = [xp.roll(a, 3)]
    if a.ndim:
        out.append(xp.roll(a, -2, axis=0))
    return out


@testing.numpy_compare()
def test_roll_device_shift(xp):
    a = arr(xp, (6,), "int64", 4)
    return xp.roll(a, xp.asarray(numpy.int64(2)))


@pytest.mark.parametrize("shift,axis", [((1, 2, 3), (0, 1)), ([[1]], None), (1, 2),
                                        ((1, 2), 5)])
@testing.numpy_compare(accept_error=ValueError)
def test_roll_errors(xp, shift, axis):
    return xp.roll(arr(xp, (2, 3)), shift, axis)
