"""Basic manipulation routines against NumPy: shapes, transposes, dimensions, broadcasting,
copyto, require, asarray_chkfinite and numpy.lib.stride_tricks.

Where NumPy returns a view, the test writes through the result and compares the
input too, so view/copy behaviour is checked, not only values and layout.
"""

import numpy
import pytest

import cuarray
from cuarray import testing

pytestmark = [pytest.mark.gpu,
              pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")]

LAYOUTS = testing.LAYOUTS
WRITABLE = ["C", "F", "transposed", "negative_stride", "sliced"]


def arr(xp, shape, dtype="float32", seed=0, layout="C"):
    return testing.random_array(xp, shape, dtype, seed=seed, layout=layout)


def write_through(xp, base, view):
    """Set the view's first element; return (view, base) to compare both."""
    if view.size:
        view[(0,) * view.ndim] = 99
    return view, base


# -- changing shape ----------------------------------------------------------------------
@pytest.mark.parametrize("layout", WRITABLE)
@pytest.mark.parametrize("shape", [(6, 4), (24,), (2, -1, 3), (4, 3, 2)])
@pytest.mark.parametrize("order", ["C", "F", "A"])
@testing.numpy_compare()
def test_reshape(xp, layout, shape, order):
    a = arr(xp, (2, 3, 4), "int32", 1, layout)
    return write_through(xp, a, xp.reshape(a, shape, order=order))


@pytest.mark.parametrize("layout", WRITABLE + ["broadcast"])
@pytest.mark.parametrize("order", ["C", "F", "A", "K", None])
@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (2, 3, 4)])
@testing.numpy_compare()
def test_ravel(xp, layout, order, shape):
    a = arr(xp, shape, "float64", 2, layout)
    r = xp.ravel(a, order)
    if layout == "broadcast":
        return r
    return write_through(xp, a, r)


@pytest.mark.parametrize("layout", WRITABLE)
@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
@testing.numpy_compare()
def test_flatten(xp, layout, order):
    a = arr(xp, (2, 3, 4), "complex64", 3, layout)
    return write_through(xp, a, a.flatten(order))


@testing.numpy_compare(accept_error=ValueError)
def test_ravel_bad_order(xp):
    return xp.ravel(arr(xp, (2, 2)), "X")


# -- transpose-like ----------------------------------------------------------------------
@pytest.mark.parametrize("axes", [None, (1, 0, 2), (2, 0, 1), (-1, 0, 1), [0, 2, 1]])
@testing.numpy_compare()
def test_transpose_permute_dims(xp, axes):
    a = arr(xp, (2, 3, 4), "int8", 4, "F")
    return write_through(xp, a, xp.transpose(a, axes)), xp.permute_dims(a, axes)


@pytest.mark.parametrize("axes", [(0,), (0, 0, 1), (0, 1, 3)])
@testing.numpy_compare(accept_error=ValueError)
def test_transpose_errors(xp, axes):
    return xp.transpose(arr(xp, (2, 3, 4)), axes)


@pytest.mark.parametrize("a1,a2", [(0, 1), (-1, 0), (2, 2), (0, 3)])
@testing.numpy_compare(accept_error=ValueError)
def test_swapaxes(xp, a1, a2):
    a = arr(xp, (2, 3, 4), "float16", 5)
    return write_through(xp, a, xp.swapaxes(a, a1, a2))


@pytest.mark.parametrize("src,dst", [(0, 2), (-1, 0), ((0, 1), (2, 0)), ([0, 1], [0]),
                                     (0, 0), ([0, 0], [0, 1]), (3, 0), ((), ())])
@testing.numpy_compare(accept_error=ValueError)
def test_moveaxis(xp, src, dst):
    a = arr(xp, (2, 3, 4), "uint16", 6)
    return write_through(xp, a, xp.moveaxis(a, src, dst))


@pytest.mark.parametrize("axis,start", [(0, 0), (2, 0), (0, 3), (1, -1), (-1, 1), (0, 4),
                                        (3, 0), (1, 1), (0, -4)])
@testing.numpy_compare(accept_error=ValueError)
def test_rollaxis(xp, axis, start):
    a = arr(xp, (2, 3, 4), "float32", 7)
    return write_through(xp, a, xp.rollaxis(a, axis, start))


# -- changing number of dimensions -------------------------------------------------------
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4)])
@testing.numpy_compare()
def test_atleast(xp, shape):
    a = arr(xp, shape, "int64", 8, "F")
    b = arr(xp, (4,), "int64", 9)
    return (xp.atleast_1d(a), xp.atleast_2d(a), xp.atleast_3d(a),
            xp.atleast_1d(a, b), xp.atleast_2d(a, b), xp.atleast_3d(b, a), xp.atleast_1d(),
            xp.atleast_3d(5.0), xp.atleast_2d([1, 2]))


@pytest.mark.parametrize("axis", [0, -1, 2, (0, 1), (0, 3), [1, -1], (0, 0), 4])
@testing.numpy_compare(accept_error=ValueError)
def test_expand_dims(xp, axis):
    a = arr(xp, (2, 3), "bool", 10, "F")
    return write_through(xp, a, xp.expand_dims(a, axis))


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2), (0, 0), 1, 3])
@testing.numpy_compare(accept_error=ValueError)
def test_squeeze(xp, axis):
    a = arr(xp, (1, 3, 1), "float32", 11, "negative_stride")
    return write_through(xp, a, xp.squeeze(a, axis))


# -- broadcasting ------------------------------------------------------------------------
@pytest.mark.parametrize("shape,target", testing.BROADCAST_PAIRS + [
    ((3,), (2, 3)), ((2, 1), (2, 5)), ((), ()), ((1,), 4), ((3,), ()), ((2, 3), (3,)),
    ((3,), (-1, 3)), ((2,), (3,))])
@testing.numpy_compare(accept_error=ValueError)
def test_broadcast_to(xp, shape, target):
    return xp.broadcast_to(arr(xp, shape, "int16", 12), target)


@pytest.mark.parametrize("s1,s2", testing.BROADCAST_PAIRS + [((2, 3), (2, 4))])
@testing.numpy_compare(accept_error=ValueError)
def test_broadcast_arrays(xp, s1, s2):
    a, b = arr(xp, s1, "float32", 13), arr(xp, s2, "int8", 14, "F" if len(s2) else "C")
    return xp.broadcast_arrays(a, b), xp.broadcast_arrays(a), xp.broadcast_arrays()


def test_broadcast_shapes_is_numpys():
    assert cuarray.broadcast_shapes((2, 1), (3,), 3) == numpy.broadcast_shapes((2, 1), (3,), 3)
    with pytest.raises(ValueError):
        cuarray.broadcast_shapes((2,), (3,))


# -- copyto ------------------------------------------------------------------------------
@testing.for_all_dtypes(name="src_dtype")
@testing.for_dtypes(["bool", "int8", "uint32", "float16", "float64", "complex64"],
                    name="dst_dtype")
@pytest.mark.parametrize("casting", ["same_kind", "unsafe"])
@testing.numpy_compare(accept_error=TypeError)
def test_copyto_casting(xp, src_dtype, dst_dtype, casting):
    dst = arr(xp, (2, 3), dst_dtype, 15)
    xp.copyto(dst, arr(xp, (3,), src_dtype, 16), casting=casting)
    return dst


@pytest.mark.parametrize("layout", WRITABLE)
@pytest.mark.parametrize("where", [True, False, "mask", "row_mask", "list"])
@testing.numpy_compare()
def test_copyto_where(xp, layout, where):
    dst = arr(xp, (3, 4), "float32", 17, layout)
    src = arr(xp, (4,), "float64", 18)
    w = {"mask": arr(xp, (3, 4), "bool", 19), "row_mask": arr(xp, (3, 1), "bool", 20),
         "list": [1, 0, 0, 1]}.get(where, where)
    xp.copyto(dst, src, casting="unsafe", where=w)
    return dst


@pytest.mark.parametrize("value", [3, -1, 2.5, True, 1j, numpy.float32(1.5), numpy.int64(7),
                                   300])
@pytest.mark.parametrize("dtype", ["int8", "uint8", "float32", "complex128", "bool"])
@testing.numpy_compare(accept_error=(TypeError, OverflowError))
def test_copyto_scalars(xp, value, dtype):
    if dtype == "uint8" and value == -1:
        pytest.skip("NumPy wraps or raises depending on the version")
    dst = arr(xp, (2, 3), dtype, 21)
    xp.copyto(dst, value)
    xp.copyto(dst[:, 1], value, where=xp.asarray(numpy.array([True, False])))
    return dst


@testing.numpy_compare()
def test_copyto_leading_unit_axes(xp):
    dst = arr(xp, (3,), "float32", 28)
    xp.copyto(dst, arr(xp, (1, 1, 3), "float64", 29))
    return dst


@testing.numpy_compare()
def test_copyto_overlap(xp):
    a = arr(xp, (10,), "int32", 22)
    xp.copyto(a[1:], a[:-1])
    b = arr(xp, (3, 3), "float64", 23)
    xp.copyto(b, b.T)
    return a, b


@pytest.mark.parametrize("case", range(6))
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_copyto_errors(xp, case):
    a = arr(xp, (2, 3), "float64", 24)
    calls = [lambda: xp.copyto(a, arr(xp, (2, 4), "float64")),
             lambda: xp.copyto(a.astype(xp.int64), a),
             lambda: xp.copyto(a, a, where=numpy.ones(3, int)),
             lambda: xp.copyto(a, a, casting="x"),
             lambda: xp.copyto([1], a),
             lambda: xp.copyto(a, 1.0, where=numpy.ones((2, 2), bool))]
    return calls[case]()


# -- require, asarray_chkfinite ----------------------------------------------------------
@pytest.mark.parametrize("requirements", [None, "C", "F", "A", "W", "O", "E", ["F", "W"],
                                          ("C_CONTIGUOUS",), "CA"])
@pytest.mark.parametrize("layout", ["C", "F", "sliced"])
@testing.numpy_compare()
def test_require(xp, requirements, layout):
    a = arr(xp, (3, 4), "float32", 25, layout)
    r = xp.require(a, requirements=requirements)
    return r, r.flags.owndata, xp.require(a, "float64", requirements)


@pytest.mark.parametrize("requirements", ["CF", "X"])
@testing.numpy_compare(accept_error=(ValueError, KeyError))
def test_require_errors(xp, requirements):
    return xp.require(arr(xp, (2, 2)), requirements=requirements)


@pytest.mark.parametrize("values", [[1.0, 2.0], [1.0, numpy.inf], [numpy.nan], [1, 2],
                                    [1 + 2j, numpy.nan * 1j], []])
@testing.numpy_compare(accept_error=ValueError)
def test_asarray_chkfinite(xp, values):
    return xp.asarray_chkfinite(values), xp.asarray_chkfinite(xp.asarray(values), "float32")


# -- stride tricks -----------------------------------------------------------------------
@testing.numpy_compare()
def test_as_strided(xp):
    st = xp.lib.stride_tricks
    a = arr(xp, (12,), "int32", 26)
    v = st.as_strided(a, shape=(5, 3), strides=(8, 4))
    return write_through(xp, a, v), st.as_strided(a), st.as_strided(a[::2], (3, 2), (8, 8))


@pytest.mark.parametrize("window,axis", [(3, None), ((2, 2), None), (2, 1), ((2, 3), (0, 1)),
                                         ((1, 2), (1, 1)), (0, 0), (5, 0), (-1, 0),
                                         ((2,), None), ((2, 2), 0)])
@pytest.mark.parametrize("layout", ["C", "F", "negative_stride"])
@testing.numpy_compare(accept_error=ValueError)
def test_sliding_window_view(xp, window, axis, layout):
    st = xp.lib.stride_tricks
    a = arr(xp, (4, 5), "float32", 27, layout)
    if numpy.ndim(window) == 0 and axis is None:
        a = a[0]
    return st.sliding_window_view(a, window, axis)
