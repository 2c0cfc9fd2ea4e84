"""diff, ediff1d, gradient and trapezoid against NumPy (GPU).

Each test body runs with NumPy and with cuarray on the same random inputs through
``numpy_compare``: every dtype each routine accepts, shapes incl. 0-d and empty,
axes incl. negative ones, non-contiguous layouts, special values, and the error
cases (same exception class).  Argument errors that need no GPU, the layout rule of
diff's concatenation and gradient's kernels are tested on the CPU in
test_differences_cpu.py.
"""

import warnings

import numpy as np
import pytest

import cuarray
from cuarray import testing

pytestmark = pytest.mark.gpu

LAYOUTS = testing.LAYOUTS
AxisError = np.exceptions.AxisError


def _special(dtype, n=24, seed=0):
    """Host values with NaN, inf, -0.0 and random ones (integers: the range's ends)."""
    dt = np.dtype(dtype)
    rng = np.random.default_rng(seed)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(bool)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        ends = np.array([info.min, info.max, 0, 1, info.max - 1], dtype=dt)
        return np.concatenate([ends, rng.integers(info.min, info.max, n - 5, dtype=dt,
                                                  endpoint=True)])
    v = np.concatenate([[np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, np.inf, np.inf],
                        rng.uniform(-10, 10, n - 8)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if dt.kind == "c":
            return (v + 1j * rng.permutation(v)).astype(dt)
        return v.astype(dt)


def _coords(n, dtype, uniform, seed=0):
    """Increasing sample coordinates: exactly uniform (step 0.5 or 3) or random steps."""
    dt = np.dtype(dtype)
    if uniform:
        return (np.arange(n) * (3 if dt.kind in "iu" else 0.5)).astype(dt)
    steps = np.random.default_rng(seed).uniform(0.5, 1.5, n)
    if dt.kind in "iu":
        steps = np.random.default_rng(seed).integers(1, 4, n)
    return np.cumsum(steps).astype(dt)


# =================================================================================================
# diff
# =================================================================================================
DIFF_CASES = [((5,), 0), ((5,), -1), ((0,), 0), ((1,), -1), ((3, 0), 0), ((3, 0), 1),
              ((2, 3), 0), ((2, 3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), -1), ((2, 3, 4), -3)]


@testing.for_all_dtypes()
@pytest.mark.parametrize("shape,axis", DIFF_CASES)
@testing.numpy_compare()
def test_diff(xp, dtype, shape, axis):
    a = testing.random_array(xp, shape, dtype, seed=1)
    return xp.diff(a, axis=axis)


def test_diff_default_axis_is_last():
    a = testing.random_array(cuarray, (3, 4), "float32")
    testing.assert_array_equal(cuarray.diff(a), np.diff(a.get()))


@testing.for_all_dtypes()
@pytest.mark.parametrize("n", [2, 3, 6, 10])
@pytest.mark.parametrize("axis", [0, -1])
@testing.numpy_compare()
def test_diff_higher_order(xp, dtype, n, axis):
    a = testing.random_array(xp, (4, 7), dtype, seed=2)
    return xp.diff(a, n=n, axis=axis)


@testing.for_dtypes(["bool", "int16", "uint32", "float16", "float32", "complex64"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("n", [1, 2])
@testing.numpy_compare()
def test_diff_layouts(xp, dtype, layout, axis, n):
    a = testing.random_array(xp, (4, 5, 6), dtype, seed=3, layout=layout)
    return xp.diff(a, n=n, axis=axis)


@testing.for_all_dtypes()
@testing.numpy_compare()
def test_diff_special_values(xp, dtype):
    a = xp.asarray(_special(dtype).reshape(4, 6))
    return xp.diff(a, axis=-1), xp.diff(a, n=2, axis=0)


@testing.for_dtypes(["int8", "uint8", "int64", "uint64"])
@testing.numpy_compare()
def test_diff_integer_wraps(xp, dtype):
    info = np.iinfo(dtype)
    a = xp.asarray(np.array([info.min, info.max, info.min, 0, info.max], dtype))
    return xp.diff(a), xp.diff(a, n=3)


SCALAR_ENDS = [3, -2, 1.5, True, 1j, np.int8(2), np.float32(0.25), np.uint16(9), "device"]


@testing.for_all_dtypes()
@pytest.mark.parametrize("value", SCALAR_ENDS, ids=repr)
@pytest.mark.parametrize("where,axis", [("prepend", 0), ("append", -1), ("both", 1)])
@testing.numpy_compare()
def test_diff_prepend_append_scalars(xp, dtype, value, where, axis):
    # NumPy makes each scalar a 0-d array (strong: 3 with int8 gives int64) broadcast along
    # the axis; the concatenation's dtype is the result type of all parts.
    a = testing.random_array(xp, (3, 4), dtype, seed=4)
    if isinstance(value, str):
        value = xp.asarray(np.float32(2.5))        # a 0-d device array: strong float32
    kwargs = {"prepend": value} if where != "append" else {}
    if where != "prepend":
        kwargs["append"] = value
    return xp.diff(a, axis=axis, **kwargs)


@testing.for_dtypes(["bool", "int8", "uint64", "float16", "float64", "complex128"])
@testing.for_dtypes(["bool", "int32", "float32", "complex64"], name="end_dtype")
@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("layout", ["C", "transposed", "negative_stride"])
@testing.numpy_compare()
def test_diff_prepend_append_arrays(xp, dtype, end_dtype, axis, layout):
    a = testing.random_array(xp, (3, 4), dtype, seed=5, layout=layout)
    shape = (2, 4) if axis == 0 else (3, 2)
    before = testing.random_array(xp, shape, end_dtype, seed=6, layout=layout)
    after = testing.random_array(xp, shape[:axis] + (1,) + shape[axis + 1:], end_dtype, seed=7)
    return (xp.diff(a, axis=axis, prepend=before),
            xp.diff(a, n=2, axis=axis, prepend=before, append=after))


@testing.numpy_compare()
def test_diff_prepend_host_list(xp):
    a = testing.random_array(xp, (2, 3), "float32", seed=8)
    return xp.diff(a, axis=0, prepend=[[1, 2, 3]], append=7)


@testing.numpy_compare()
def test_diff_of_a_list(xp):
    return xp.diff([1, 4, 9, 16]), xp.diff([[1.5, 2.0], [0.0, -1.0]], axis=0)


def test_diff_order_zero_returns_the_same_array():
    a = testing.random_array(cuarray, (3,), "float32")
    assert cuarray.diff(a, n=0) is a


DIFF_ERRORS = [
    ((3,), {"n": -1}, ValueError),
    ((), {}, ValueError),
    ((3,), {"axis": 1}, AxisError),
    ((2, 3), {"axis": -3}, AxisError),
    ((3,), {"n": 1.5}, TypeError),
    ((2, 3), {"prepend": "rows3"}, ValueError),
    ((2, 3), {"append": "vector"}, ValueError),
    ((2, 3), {"prepend": "vector", "axis": 1}, AxisError),
]


@pytest.mark.parametrize("shape,kwargs,error", DIFF_ERRORS)
@testing.numpy_compare(accept_error=True)
def test_diff_errors(xp, shape, kwargs, error):
    a = testing.random_array(xp, shape, "float64")
    kwargs = dict(kwargs)
    for k, v in kwargs.items():
        if v == "rows3":
            kwargs[k] = xp.ones((3, 3))
        elif v == "vector":
            kwargs[k] = xp.ones(3)
    try:
        return xp.diff(a, **kwargs)
    except Exception as e:
        assert isinstance(e, error), e
        raise


# =================================================================================================
# ediff1d
# =================================================================================================
@testing.for_all_dtypes()
@pytest.mark.parametrize("shape", [(), (0,), (1,), (5,), (2, 3), (2, 3, 4)])
@testing.numpy_compare(accept_error=TypeError)     # bool: NumPy has no bool subtract
def test_ediff1d(xp, dtype, shape):
    return xp.ediff1d(testing.random_array(xp, shape, dtype, seed=1))


@testing.for_dtypes(["int16", "float32", "complex128"])
@pytest.mark.parametrize("layout", LAYOUTS)
@testing.numpy_compare()
def test_ediff1d_layouts(xp, dtype, layout):
    return xp.ediff1d(testing.random_array(xp, (3, 4, 5), dtype, seed=2, layout=layout))


@testing.for_all_dtypes()
@pytest.mark.parametrize("shape", [(0,), (1,), (6,), (2, 3)])
@pytest.mark.parametrize("ends", ["begin", "end", "both"])
@testing.numpy_compare(accept_error=TypeError)     # bool: NumPy has no bool subtract
def test_ediff1d_ends_of_the_same_dtype(xp, dtype, shape, ends):
    a = testing.random_array(xp, shape, dtype, seed=3)
    begin = testing.random_array(xp, (2, 2), dtype, seed=4, layout="transposed")
    end = testing.random_array(xp, (), dtype, seed=5)
    return xp.ediff1d(a, to_begin=begin if ends != "end" else None,
                      to_end=end if ends != "begin" else None)


ENDS = [7, -3, 300, 2.5, 1j, [1, 2], [[1.5], [2.5]], np.int16(-4), np.float32(0.5), True,
        "int64-array", "float16-array"]


@testing.for_all_dtypes()
@pytest.mark.parametrize("value", ENDS, ids=repr)
@testing.numpy_compare(accept_error=TypeError)
def test_ediff1d_end_casting(xp, dtype, value):
    # NumPy's rule: the ends must cast to the input's dtype under 'same_kind' (TypeError
    # otherwise) and are then cast unsafely (300 in int8 wraps).
    a = testing.random_array(xp, (5,), dtype, seed=6)
    if isinstance(value, str) and value == "int64-array":
        value = xp.asarray(np.array([300, -1], np.int64))
    elif isinstance(value, str):
        value = xp.asarray(np.array([[0.5, -1.25]], np.float16))
    return xp.ediff1d(a, to_end=value, to_begin=value)


@testing.for_inexact_dtypes()
@testing.numpy_compare()
def test_ediff1d_special_values(xp, dtype):
    return xp.ediff1d(xp.asarray(_special(dtype)), to_begin=np.nan, to_end=[np.inf])


# =================================================================================================
# gradient
# =================================================================================================
@testing.for_all_dtypes()
@pytest.mark.parametrize("shape", [(3,), (5,), (3, 4), (3, 4, 5)])
@pytest.mark.parametrize("edge_order", [1, 2])
@testing.numpy_compare(accept_error=TypeError)     # bool: NumPy's bool subtract TypeError
def test_gradient(xp, dtype, shape, edge_order):
    f = testing.random_array(xp, shape, dtype, seed=1)
    return xp.gradient(f, edge_order=edge_order)


@testing.for_dtypes(["int32", "float32", "float64", "complex64"])
@pytest.mark.parametrize("axis", [0, 1, -1, (0, 2), (-1, 0), (2, 1, 0), None])
@testing.numpy_compare()
def test_gradient_axes(xp, dtype, axis):
    f = testing.random_array(xp, (3, 4, 5), dtype, seed=2)
    return xp.gradient(f, axis=axis)


@testing.for_dtypes(["int8", "uint16", "float16", "float32", "complex128"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("edge_order", [1, 2])
@testing.numpy_compare()
def test_gradient_layouts(xp, dtype, layout, edge_order):
    f = testing.random_array(xp, (3, 4, 5), dtype, seed=3, layout=layout)
    return xp.gradient(f, 0.5, edge_order=edge_order)


SCALAR_SPACINGS = [0.5, 2, 3.0, np.float16(0.5), np.float32(0.25), np.float64(3.0),
                   np.int64(2), np.uint8(3), "0d-float32", "0d-int64", "host-0d"]


@testing.for_dtypes(["int16", "float16", "float32", "float64", "complex64"])
@pytest.mark.parametrize("spacing", SCALAR_SPACINGS, ids=repr)
@pytest.mark.parametrize("edge_order", [1, 2])
@testing.numpy_compare()
def test_gradient_scalar_spacing(xp, dtype, spacing, edge_order):
    f = testing.random_array(xp, (4, 5), dtype, seed=4)
    if isinstance(spacing, str):
        spacing = {"0d-float32": lambda: xp.asarray(np.float32(0.75)),
                   "0d-int64": lambda: xp.asarray(np.int64(2)),
                   "host-0d": lambda: np.array(1.25, np.float32)}[spacing]()
    return xp.gradient(f, spacing, edge_order=edge_order)


@testing.for_complex_dtypes()
@testing.numpy_compare()
def test_gradient_complex_spacing(xp, dtype):
    f = testing.random_array(xp, (6,), dtype, seed=5)
    return xp.gradient(f, 0.5 + 0.25j), xp.gradient(f, np.complex64(2j), edge_order=2)


@testing.for_dtypes(["float16", "float32", "float64", "int32", "int64", "complex64"],
                    name="coord_dtype")
@testing.for_dtypes(["int16", "float16", "float32", "float64", "complex128"])
@pytest.mark.parametrize("uniform", [True, False])
@pytest.mark.parametrize("edge_order", [1, 2])
@testing.numpy_compare()
def test_gradient_coordinates(xp, dtype, coord_dtype, uniform, edge_order):
    f = testing.random_array(xp, (6,), dtype, seed=6)
    x = xp.asarray(_coords(6, coord_dtype, uniform))
    return xp.gradient(f, x, edge_order=edge_order)


@pytest.mark.parametrize("uniform", [True, False])
@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("layout", ["C", "transposed", "negative_stride", "broadcast"])
@testing.numpy_compare()
def test_gradient_coordinates_per_axis(xp, uniform, edge_order, layout):
    f = testing.random_array(xp, (3, 4, 5), "float64", seed=7, layout=layout)
    x0 = list(_coords(3, "float64", uniform, seed=1))           # a host list
    x2 = xp.asarray(_coords(5, "float32", uniform, seed=2))
    return (xp.gradient(f, x0, 0.5, x2, edge_order=edge_order),
            xp.gradient(f, x2, x0, axis=(2, 0), edge_order=edge_order),
            xp.gradient(f, x2, axis=-1, edge_order=edge_order))


@pytest.mark.parametrize("uniform", [True, False])
@pytest.mark.parametrize("edge_order", [1, 2])
@testing.for_inexact_dtypes()
@testing.numpy_compare()
def test_gradient_special_values(xp, dtype, uniform, edge_order):
    # With uniform coordinates NumPy uses the scalar formulas, which never read the centre
    # value (an inf there stays out of the result); the general ones multiply it by 0.
    f = xp.asarray(_special(dtype, 12))
    x = xp.asarray(_coords(12, "float64", uniform))
    return xp.gradient(f, x, edge_order=edge_order), xp.gradient(f, edge_order=edge_order)


@testing.numpy_compare()
def test_gradient_uniform_bool_coordinates(xp):
    f = testing.random_array(xp, (5,), "float32", seed=8)
    x = xp.asarray(np.array([True, False, True, False, True]))      # diffs all True
    return xp.gradient(f, x), xp.gradient(f, x, edge_order=2)


@testing.numpy_compare()
def test_gradient_zero_spacing(xp):
    f = testing.random_array(xp, (4,), "float64", seed=9)
    return xp.gradient(f, 0.0), xp.gradient(f, xp.asarray(np.array([1.0, 1.0, 1.0, 1.0])))


@pytest.mark.parametrize("shape", [(3, 0), (0, 3), (2, 0, 3)])
@pytest.mark.parametrize("axis", [0, -1, None])
@testing.numpy_compare(accept_error=ValueError)     # an axis shorter than 2
def test_gradient_empty(xp, shape, axis):
    f = testing.random_array(xp, shape, "float32")
    return xp.gradient(f, axis=axis)


@testing.numpy_compare()
def test_gradient_0d(xp):
    return xp.gradient(testing.random_array(xp, (), "float64"))


GRADIENT_ERRORS = [
    ((3,), (1, 2), {}, TypeError),
    ((3,), ("2d",), {}, ValueError),
    ((3,), ("len2",), {}, ValueError),
    ((1,), ("len1",), {}, IndexError),
    ((3,), (), {"edge_order": 3}, ValueError),
    ((2,), (), {"edge_order": 2}, ValueError),
    ((2, 3), (), {"axis": 2}, AxisError),
    ((2, 3), (), {"axis": (1, -1)}, ValueError),
]


@pytest.mark.parametrize("shape,varargs,kwargs,error", GRADIENT_ERRORS)
@testing.numpy_compare(accept_error=True)
def test_gradient_errors(xp, shape, varargs, kwargs, error):
    f = testing.random_array(xp, shape, "float64")
    given = {"2d": xp.ones((1, 3)), "len2": xp.ones(2), "len1": xp.ones(1)}
    try:
        return xp.gradient(f, *(given.get(v, v) for v in varargs), **kwargs)
    except Exception as e:
        assert isinstance(e, error), e
        raise


# =================================================================================================
# trapezoid
# =================================================================================================
# Sums: cuarray combines in a tree, NumPy pairwise (equal up to rounding).
SUM_TOL = {"float16": 2e-3, "float32": 1e-5, "complex64": 1e-5}


@testing.for_all_dtypes()
@pytest.mark.parametrize("shape,axis", [((5,), -1), ((3, 4), 0), ((3, 4), -1),
                                        ((2, 3, 4), 1), ((0,), 0), ((1,), 0), ((3, 0), 0),
                                        ((3, 0), 1)])
@pytest.mark.parametrize("dx", [1.0, 0.5, 2, np.float32(0.25)], ids=repr)
@testing.numpy_compare(rtol=SUM_TOL, atol=SUM_TOL)
def test_trapezoid_dx(xp, dtype, shape, axis, dx):
    y = testing.random_array(xp, shape, dtype, seed=1)
    return xp.trapezoid(y, dx=dx, axis=axis)


@testing.for_all_dtypes()
@testing.for_dtypes(["bool", "int32", "float16", "float64"], name="x_dtype")
@pytest.mark.parametrize("axis", [0, -1])
@testing.numpy_compare(rtol=SUM_TOL, atol=SUM_TOL)
def test_trapezoid_1d_x(xp, dtype, x_dtype, axis):
    y = testing.random_array(xp, (3, 4), dtype, seed=2)
    n = y.shape[axis]
    x = xp.asarray(_coords(n, x_dtype, False) if x_dtype != "bool" else
                   np.arange(n) % 2 == 0)
    return xp.trapezoid(y, x, axis=axis)


@testing.for_dtypes(["int16", "float32", "float64", "complex64"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("axis", [0, 1, -1])
@testing.numpy_compare(rtol=SUM_TOL, atol=SUM_TOL)
def test_trapezoid_same_shape_x(xp, dtype, layout, axis):
    y = testing.random_array(xp, (3, 4, 5), dtype, seed=3, layout=layout)
    x = testing.random_array(xp, (3, 4, 5), "float64", seed=4, layout=layout)
    return xp.trapezoid(y, x=x, axis=axis), xp.trapezoid(y, axis=axis)


@testing.for_inexact_dtypes()
@testing.numpy_compare(rtol=SUM_TOL, atol=SUM_TOL)
def test_trapezoid_special_values(xp, dtype):
    y = xp.asarray(_special(dtype, 24).reshape(4, 6))
    return xp.trapezoid(y), xp.trapezoid(y, axis=0)


@testing.numpy_compare(rtol=SUM_TOL, atol=SUM_TOL)
def test_trapezoid_of_lists(xp):
    return xp.trapezoid([1, 2, 3]), xp.trapezoid([1, 2, 3], x=[4, 6, 8]), \
        xp.trapezoid([[1, 2], [3, 4]], dx=2, axis=0)


TRAPEZOID_ERRORS = [
    ((), {}, IndexError),
    ((2, 3), {"axis": 2}, IndexError),
    ((2, 3), {"x": "2d", "axis": 2}, AxisError),
    ((3,), {"x": "0d"}, ValueError),
    ((2, 3), {"x": "len5"}, ValueError),
]


@pytest.mark.parametrize("shape,kwargs,error", TRAPEZOID_ERRORS)
@testing.numpy_compare(accept_error=True)
def test_trapezoid_errors(xp, shape, kwargs, error):
    y = testing.random_array(xp, shape, "float64")
    given = {"2d": xp.ones((2, 3)), "0d": xp.asarray(1.0), "len5": xp.ones(5)}
    kwargs = {k: given.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
    try:
        return xp.trapezoid(y, **kwargs)
    except Exception as e:
        assert isinstance(e, error), e
        raise
