"""Array creation routines against NumPy: values, dtypes, shapes, memory layouts and errors.

"From shape or value", "From existing data", "Numerical ranges" and "Building
matrices" of NumPy's reference, one test body run with NumPy and with cuarray.
"""

import numpy as np
import pytest

import cuarray
from cuarray import testing

pytestmark = [pytest.mark.gpu,
              pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning"),
              pytest.mark.filterwarnings("ignore::RuntimeWarning")]

SHAPES = testing.SHAPES
LAYOUTS = testing.LAYOUTS
ALL = [np.dtype(d) for d in ("bool", "int8", "uint8", "int16", "uint16", "int32", "uint32",
                             "int64", "uint64", "float16", "float32", "float64", "complex64",
                             "complex128")]


def layout_of(a):
    """What an uninitialised array can be compared on: shape, dtype and contiguity."""
    return a.shape, a.dtype, bool(a.flags.c_contiguous), bool(a.flags.f_contiguous)


# -- from shape or value -----------------------------------------------------------------------
@testing.for_all_dtypes()
@pytest.mark.parametrize("shape", SHAPES + [4, [2, 2]])
@pytest.mark.parametrize("order", ["C", "F"])
@testing.numpy_compare()
def test_zeros_ones(xp, dtype, shape, order):
    return xp.zeros(shape, dtype, order), xp.ones(shape, dtype=dtype, order=order)


@testing.for_all_dtypes()
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("order", ["C", "F"])
@testing.numpy_compare()
def test_empty(xp, dtype, shape, order):
    return layout_of(xp.empty(shape, dtype, order))


@testing.numpy_compare()
def test_default_dtypes(xp):
    return xp.zeros(3), xp.ones((2,)), layout_of(xp.empty(2)), xp.full(2, 7), xp.full(2, 1.5)


@pytest.mark.parametrize("call", [
    lambda xp: xp.zeros((2, -1)), lambda xp: xp.ones(3, order="K"),
    lambda xp: xp.empty(3, order="X"), lambda xp: xp.zeros(3, dtype="float128x"),
    lambda xp: xp.full((2, 3), [1, 2]), lambda xp: xp.full(3, 300, dtype=np.int8)])
@testing.numpy_compare(accept_error=(ValueError, TypeError, OverflowError))
def test_shape_value_errors(xp, call):
    return call(xp)


@testing.for_all_dtypes()
@pytest.mark.parametrize("value", [0, 1, -3, 2.5, True, np.float32(-1.25), 1 + 2j, np.nan,
                                   -0.0])
@testing.numpy_compare()
def test_full_scalar(xp, dtype, value):
    if dtype.kind in "iub" and isinstance(value, (float, np.floating, complex)) \
            and not np.isfinite(value):
        pytest.skip("NaN to integer is undefined behaviour on both sides")
    if dtype.kind == "u" and value == -3:
        value = 3
    return xp.full((2, 3), value, dtype=dtype)


@pytest.mark.parametrize("value", [0, 7, 2.5, True, 1j, np.float32(3), np.int8(-2)])
@testing.numpy_compare()
def test_full_infers_dtype(xp, value):
    return xp.full((2, 2), value, order="F")


@pytest.mark.parametrize("kind", ["list", "host", "device", "device_2d"])
@testing.numpy_compare()
def test_full_array_value(xp, kind):
    value = {"list": [1, 2, 3], "host": np.arange(3, dtype=np.float32),
             "device": testing.random_array(xp, (3,), "float64", seed=1),
             "device_2d": testing.random_array(xp, (2, 1), "int16", seed=2)}[kind]
    return xp.full((2, 3), value), xp.full((2, 3), value, dtype=np.complex64)


@testing.for_all_dtypes()
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("order", ["K", "A", "C", "F"])
@testing.numpy_compare()
def test_like_routines(xp, dtype, layout, order):
    a = testing.random_array(xp, (3, 4, 2), dtype, seed=3, layout=layout)
    return (xp.zeros_like(a, order=order), xp.ones_like(a, order=order),
            xp.full_like(a, 2, order=order), layout_of(xp.empty_like(a, order=order)))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("shape", [(2, 5, 3), (6,), (2, 3, 1, 2), (), 4])
@pytest.mark.parametrize("order", ["K", "A", "C"])
@testing.numpy_compare()
def test_like_shape_override(xp, layout, shape, order):
    a = testing.random_array(xp, (3, 4, 2), "float32", seed=4, layout=layout)
    return (xp.zeros_like(a, shape=shape, order=order),
            xp.full_like(a, 3.5, dtype=np.int16, shape=shape, order=order),
            layout_of(xp.empty_like(a, dtype=np.complex64, shape=shape, order=order)))


@pytest.mark.parametrize("shape", [(), (0,), (3, 0)])
@testing.numpy_compare()
def test_like_empty_and_0d(xp, shape):
    a = testing.random_array(xp, shape, "int32", seed=5)
    return xp.ones_like(a), xp.full_like(a, -1, dtype=np.float16), layout_of(xp.empty_like(a))


@testing.numpy_compare()
def test_like_host_prototypes(xp):
    host = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    return (xp.zeros_like([[1, 2, 3]]), xp.ones_like(host), xp.full_like(host, 7, dtype=int),
            xp.full_like(np.float32(2), 5))


@testing.numpy_compare()
def test_full_like_array_value(xp):
    a = testing.random_array(xp, (2, 3), "float64", seed=6, layout="F")
    return xp.full_like(a, testing.random_array(xp, (3,), "float32", seed=7))


@pytest.mark.parametrize("call", [
    lambda xp, a: xp.empty_like(a, order="X"), lambda xp, a: xp.zeros_like(a, shape=(-1,)),
    lambda xp, a: xp.full_like(a, [1, 2]), lambda xp, a: xp.ones_like(a, dtype="int5")])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_like_errors(xp, call):
    return call(xp, xp.zeros((2, 3)))


@pytest.mark.parametrize("call", [
    lambda: cuarray.zeros(3, dtype="U3"), lambda: cuarray.empty_like(np.zeros(2, "M8[s]")),
    lambda: cuarray.ones_like(cuarray.zeros(2), dtype=np.longdouble),
    lambda: cuarray.asarray(["a", "b"]), lambda: cuarray.array([2**70]),
    lambda: cuarray.full(2, "x")])
def test_unsupported_dtypes_raise_type_error(call):
    # Differences from NumPy: strings, objects, datetimes and long double have no GPU form.
    with pytest.raises(TypeError):
        call()


# -- from existing data ------------------------------------------------------------------------
@testing.for_all_dtypes()
@pytest.mark.parametrize("shape", SHAPES)
@testing.numpy_compare()
def test_asarray_host_array(xp, dtype, shape):
    host = testing.random_array(np, shape, dtype, seed=8)
    return xp.asarray(host), xp.array(host), xp.asanyarray(host)


@pytest.mark.parametrize("layout", ["F", "transposed", "negative_stride", "sliced"])
@pytest.mark.parametrize("order", ["K", "A", "C", "F"])
@testing.numpy_compare()
def test_array_host_layouts(xp, layout, order):
    host = testing.random_array(np, (3, 4, 5), "float32", seed=9, layout=layout)
    return xp.array(host, order=order), xp.array(host, dtype=np.int16, order=order)


@pytest.mark.parametrize("obj", [[1, 2, 3], [[1.5, 2], [3, 4]], [[1, 2j]], [True, False],
                                 3, 2.5, 1j, True, np.float32(1.5), np.int8(-3), [],
                                 [[]], ((1, 2), (3, 4)), np.array(7, dtype=np.uint16)])
@pytest.mark.parametrize("dtype", [None, np.float32, np.int64, np.complex128])
@testing.numpy_compare(accept_error=TypeError)
def test_array_python_objects(xp, obj, dtype):
    return xp.array(obj, dtype=dtype), xp.asarray(obj, dtype=dtype)


@testing.for_all_dtypes()
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("order", ["K", "A", "C", "F", None])
@testing.numpy_compare()
def test_array_device_layouts(xp, dtype, layout, order):
    a = testing.random_array(xp, (3, 4, 2), dtype, seed=10, layout=layout)
    return (xp.array(a, order=order), xp.asarray(a, order=order),
            xp.array(a, dtype=np.float64, order=order))


@pytest.mark.parametrize("src, dst", [("float32", "int32"), ("int64", "float16"),
                                      ("complex128", "float64"), ("float64", "bool"),
                                      ("uint8", "int8"), ("bool", "complex64")])
@testing.numpy_compare()
def test_array_device_casts(xp, src, dst):
    a = testing.random_array(xp, (4, 5), src, seed=11, layout="transposed")
    return xp.array(a, dtype=dst), xp.asarray(a, dtype=dst)


@pytest.mark.parametrize("ndmin", [0, 1, 2, 4])
@pytest.mark.parametrize("source", ["device", "host", "list", "scalar"])
@testing.numpy_compare()
def test_array_ndmin(xp, ndmin, source):
    obj = {"device": testing.random_array(xp, (2, 3), "int32", seed=12, layout="F"),
           "host": np.arange(6).reshape(2, 3), "list": [[1, 2]], "scalar": 4.5}[source]
    return xp.array(obj, ndmin=ndmin), xp.array(obj, ndmin=ndmin, copy=None)


@pytest.mark.parametrize("copy", [True, None, False])
@pytest.mark.parametrize("change", ["none", "dtype", "order_C", "order_F"])
@testing.numpy_compare(accept_error=ValueError)
def test_copy_keyword_on_device_arrays(xp, copy, change):
    a = testing.random_array(xp, (3, 4), "float32", seed=13, layout="F")
    kw = {"none": {}, "dtype": {"dtype": np.float64}, "order_C": {"order": "C"},
          "order_F": {"order": "F"}}[change]
    b = xp.asarray(a, copy=copy, **kw)
    c = xp.array(a, copy=copy, **kw)
    return b, c, b is a, c is a


def test_host_data_with_copy_false_raises():
    # Differences from NumPy: host memory always has to be copied to the device.
    for obj in (np.arange(3), [1, 2], 3.0):
        with pytest.raises(ValueError):
            cuarray.asarray(obj, copy=False)
        with pytest.raises(ValueError):
            cuarray.array(obj, copy=False)


class _Producer:
    """Another library's device array: only ``__cuda_array_interface__``."""

    def __init__(self, a):
        self._a = a

    @property
    def __cuda_array_interface__(self):
        return self._a.__cuda_array_interface__


def test_cuda_array_interface_input_is_viewed_or_copied():
    a = cuarray.asarray(testing.random_array(np, (3, 4), "float32", seed=14, layout="F"))
    view = cuarray.asarray(_Producer(a))
    assert view.data.ptr == a.data.ptr and view.strides == a.strides
    np.testing.assert_array_equal(view.get(), a.get())
    copied = cuarray.array(_Producer(a))
    assert copied.data.ptr != a.data.ptr and copied.flags.f_contiguous
    np.testing.assert_array_equal(copied.get(), a.get())
    cast = cuarray.asarray(_Producer(a), dtype=np.float64, order="C")
    assert cast.flags.c_contiguous
    np.testing.assert_array_equal(cast.get(), a.get().astype(np.float64))
    with pytest.raises(ValueError):
        cuarray.asarray(_Producer(a), dtype=np.float64, copy=False)


@pytest.mark.parametrize("dtype", [None, np.float32])
@testing.numpy_compare()
def test_array_of_nested_device_arrays(xp, dtype):
    a = testing.random_array(xp, (3,), "float64", seed=15)
    b = testing.random_array(xp, (3,), "int8", seed=16)
    c = testing.random_array(xp, (2, 3), "float32", seed=17, layout="F")
    return (xp.array([a, b], dtype=dtype), xp.array([[a, [1, 2, 3]], c], dtype=dtype),
            xp.array((a, 2.5 * np.ones(3)), dtype=dtype), xp.asarray([c[0], b]))


@testing.numpy_compare(accept_error=ValueError)
def test_array_of_inhomogeneous_device_arrays(xp):
    return xp.array([testing.random_array(xp, (3,), "float64", seed=18),
                     testing.random_array(xp, (2,), "float64", seed=19)])


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4)])
@pytest.mark.parametrize("dtype", [None, np.float32])
@testing.numpy_compare()
def test_ascontiguousarray_asfortranarray(xp, layout, shape, dtype):
    a = testing.random_array(xp, shape, "int64", seed=20, layout=layout)
    return xp.ascontiguousarray(a, dtype=dtype), xp.asfortranarray(a, dtype=dtype)


@testing.numpy_compare()
def test_ascontiguousarray_host_and_scalar(xp):
    return (xp.ascontiguousarray(3.0), xp.asfortranarray([[1, 2], [3, 4]]),
            xp.ascontiguousarray(np.arange(12.0).reshape(3, 4).T))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("order", ["K", "A", "C", "F"])
@testing.numpy_compare()
def test_copy(xp, layout, order):
    a = testing.random_array(xp, (3, 4, 2), "complex64", seed=21, layout=layout)
    b = xp.copy(a, order=order)
    return b, b is a


@testing.numpy_compare()
def test_copy_host_input(xp):
    return xp.copy([[1, 2], [3, 4]]), xp.copy(np.float64(3))


@testing.numpy_compare(accept_error=ValueError)
def test_copy_bad_order(xp):
    return xp.copy(xp.zeros(3), order="X")


@testing.for_all_dtypes(name="src")
@pytest.mark.parametrize("dst", ["int8", "float16", "complex128", "bool"])
@testing.numpy_compare()
def test_astype_function(xp, src, dst):
    a = testing.random_array(xp, (3, 4), src, seed=22, layout="negative_stride")
    same = xp.astype(a, src, copy=False)
    return xp.astype(a, dst), same is a, xp.astype(a, src) is a


@testing.numpy_compare(accept_error=TypeError)
def test_astype_function_rejects_lists(xp):
    return xp.astype([1, 2], np.int32)


@testing.numpy_compare()
def test_frombuffer_fromiter_fromstring(xp):
    raw = np.arange(8, dtype=np.int16).tobytes()
    return (xp.frombuffer(raw, dtype=np.int16), xp.frombuffer(raw, np.int32, count=2, offset=4),
            xp.fromiter(range(5), dtype=np.float32), xp.fromiter((i * i for i in range(4)), int),
            xp.fromstring("1 2 3.5", dtype=np.float64, sep=" "))


# -- numerical ranges: arange ------------------------------------------------------------------
ARANGE_CASES = [
    (5,), (0,), (-3,), (2.5,), (1, 7), (7, 1), (1, 7, 2), (7, 1, -2), (0, 1, 0.1), (1, 0, -0.1),
    (-3.5, 3.5, 0.7), (0.1, 1.0, 0.1), (1, 2.5), (np.float32(0), 1, np.float32(0.1)),
    (np.int8(5), 10), (np.uint8(3), np.int8(9)), (np.float16(1), 4), (True,), (0, 1e-310),
    (0, -1e-310), (2**62, 2**62 + 5), (2**63, 2**63 + 3), (-1e6, 1e6, 0.37),
    (0, 1 + 1j, 0.2), (1j, 4j, 1j), (1 + 1j, 5 + 3j, 0.5 + 0.25j), (np.int8(-100), np.int8(100),
                                                                     np.int8(50)),
]


@pytest.mark.parametrize("args", ARANGE_CASES)
@testing.numpy_compare()
def test_arange(xp, args):
    return xp.arange(*args)


@pytest.mark.parametrize("args", [(10,), (1, 11, 3), (10, 0, -3), (0.5, 9.7, 1.3), (-5, 5),
                                  (300,), (200, 300), (2,)])
@testing.for_all_dtypes()
@testing.numpy_compare(accept_error=(TypeError, OverflowError))
def test_arange_dtype(xp, args, dtype):
    return xp.arange(*args, dtype=dtype)


@testing.numpy_compare()
def test_arange_keywords_and_0d_bounds(xp):
    n = xp.asarray(np.int64(4))
    return xp.arange(n), xp.arange(1, stop=7, step=2), xp.arange(6, step=2), \
        xp.arange(xp.asarray(np.float32(0.5)), 3)


@pytest.mark.parametrize("args", [(0, 10, 0), (0, 10, 0.0), (0, 0, 0), (0, np.inf), (0, np.nan),
                                  (0, 1e300, 1e-300), (1, 0, 1e-320), ((3,),), (None,),
                                  (5, 0, -1, bool), (0, 3j, 1, float), ("a",)])
@testing.numpy_compare(accept_error=(ValueError, TypeError, ZeroDivisionError))
def test_arange_errors(xp, args):
    if len(args) == 4:
        return xp.arange(*args[:3], dtype=args[3])
    return xp.arange(*args)


@testing.numpy_compare(accept_error=TypeError)
def test_arange_of_1d_array_raises(xp):
    return xp.arange(xp.asarray(np.array([3])))


# -- linspace, logspace, geomspace -------------------------------------------------------------
LIN_SCALARS = [(0, 1), (2.0, 3.0), (-5, 5), (1, -1), (0, 0), (3, 3), (0, 1e-320), (-1e300, 1e300),
               (np.float32(0.1), np.float32(7.3)), (np.float16(-1), 2.5), (1 + 1j, -2 + 3j),
               (np.int8(0), np.int8(100)), (0, np.inf), (np.nan, 1), (np.complex64(1j), 3)]


@pytest.mark.parametrize("bounds", LIN_SCALARS)
@pytest.mark.parametrize("num", [0, 1, 2, 5, 50])
@pytest.mark.parametrize("endpoint", [True, False])
@testing.numpy_compare()
def test_linspace_scalars(xp, bounds, num, endpoint):
    return xp.linspace(*bounds, num=num, endpoint=endpoint, retstep=True)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.int8, np.float16, np.float32,
                                   np.float64, np.complex64, np.complex128, bool])
@pytest.mark.parametrize("bounds", [(0, 10), (-7.5, 3.2), (10, -10), (0.5, 0.5)])
@pytest.mark.parametrize("endpoint", [True, False])
@testing.numpy_compare()
def test_linspace_dtype(xp, dtype, bounds, endpoint):
    # integer dtypes are floored (NumPy 1.20+), not truncated; negative values cast into an
    # unsigned dtype as the installed NumPy casts them (x86: they wrap)
    return xp.linspace(*bounds, num=11, endpoint=endpoint, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32, np.uint64, np.int8])
@testing.numpy_compare()
def test_ranges_out_of_range_values_into_integer_dtypes(xp, dtype):
    # NumPy computes in float64 and casts the result: on x86 a negative value wraps into an
    # unsigned dtype (-3.0 is 253 in uint8) and so does one beyond a narrow dtype's range,
    # where the device's own conversions saturate.  No value lies within an ulp of an integer.
    return (xp.linspace(-300.5, 300, 7, dtype=dtype), xp.geomspace(-3, -700, 4, dtype=dtype),
            xp.logspace(0.15, 2.7, 6, dtype=dtype),
            xp.linspace(xp.asarray(np.array([-7.5, 2.25])), 300, 5, dtype=dtype))


@pytest.mark.parametrize("start_shape, stop_shape", [((3,), ()), ((), (4,)), ((2, 3), (3,)),
                                                     ((2, 1), (1, 4)), ((0,), ()), ((3,), (3,))])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "complex64"])
@testing.numpy_compare(accept_error=np.exceptions.AxisError)
def test_linspace_arrays(xp, start_shape, stop_shape, axis, dtype):
    start = testing.random_array(xp, start_shape, dtype, seed=23)
    stop = testing.random_array(xp, stop_shape, dtype, seed=24)
    return xp.linspace(start, stop, 6, axis=axis, retstep=True)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("axis", [0, 2, -1])
@testing.numpy_compare()
def test_linspace_array_layouts(xp, layout, axis):
    start = testing.random_array(xp, (3, 4), "float64", seed=25, layout=layout)
    return xp.linspace(start, 10.0, 5, axis=axis), xp.linspace(start, 10.0, 5, dtype=int)


@pytest.mark.parametrize("num", [0, 1, 2, 7])
@pytest.mark.parametrize("endpoint", [True, False])
@testing.numpy_compare()
def test_linspace_arrays_num_and_step(xp, num, endpoint):
    # Equal bounds in one pair make a zero step: NumPy then computes every sample as
    # start + (i/div)*delta, for all pairs.
    start = xp.asarray(np.array([0.0, 1.0, 2.5, -1e-300]))
    stop = xp.asarray(np.array([0.0, 3.3, -7.1, 1e-300]))
    return xp.linspace(start, stop, num, endpoint=endpoint, retstep=True), \
        xp.linspace([0.0, 1.0], [1.0, 2.0], num, endpoint=endpoint, retstep=True)


@testing.numpy_compare()
def test_linspace_host_sequences(xp):
    return xp.linspace([0, 1], [[2], [3]], 4), xp.linspace(np.arange(3.0), 5, 3, axis=-1)


@pytest.mark.parametrize("call", [lambda xp: xp.linspace(0, 1, -1),
                                  lambda xp: xp.linspace(0, 1, 2.5),
                                  lambda xp: xp.linspace(0, 1, 3, axis=1),
                                  lambda xp: xp.linspace(0, 1j, 3, dtype=int)])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_linspace_errors(xp, call):
    return call(xp)


@pytest.mark.parametrize("bounds", [(0, 3), (2.0, -1.5), (np.float32(1), np.float32(2)),
                                    (np.float16(0), 1), (0, 1j), (1, 1)])
@pytest.mark.parametrize("num", [0, 1, 5])
@pytest.mark.parametrize("endpoint", [True, False])
@pytest.mark.parametrize("base", [10.0, 2, np.float32(3.0), 0.5])
@testing.numpy_compare()
def test_logspace_scalars(xp, bounds, num, endpoint, base):
    return xp.logspace(*bounds, num=num, endpoint=endpoint, base=base)


@pytest.mark.parametrize("dtype", [np.int64, np.uint8, np.float32, np.complex128])
@testing.numpy_compare()
def test_logspace_dtype(xp, dtype):
    # Exponents chosen so that no power lies within an ulp of an integer: integer dtypes
    # truncate, and the device's pow may differ from the host's in the last bit.
    return xp.logspace(0.15, 2.2, 6, dtype=dtype)


@pytest.mark.parametrize("base_shape", [(2,), (3, 1), (1, 2)])
@pytest.mark.parametrize("axis", [0, -1])
@testing.numpy_compare()
def test_logspace_array_base_and_bounds(xp, base_shape, axis):
    base = testing.random_array(xp, base_shape, "float64", seed=26, low=1.5, high=4)
    start = testing.random_array(xp, (2,), "float32", seed=27, low=-1, high=1)
    return xp.logspace(start, 2.0, 4, base=base, axis=axis), \
        xp.logspace(0.0, 1.0, 3, base=base, axis=axis), xp.logspace(start, 1, 5, axis=axis)


@pytest.mark.parametrize("bounds", [(1, 1000), (1000, 1), (-1000, -1), (-1, 2), (1j, 1000j),
                                    (-1 + 0j, 1 + 0j), (2.5, 7.25), (np.float32(1), 256),
                                    (1, 1), (np.float16(1), np.float16(8))])
@pytest.mark.parametrize("num", [0, 1, 2, 9])
@pytest.mark.parametrize("endpoint", [True, False])
@testing.numpy_compare()
def test_geomspace_scalars(xp, bounds, num, endpoint):
    return xp.geomspace(*bounds, num=num, endpoint=endpoint)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.complex64, np.float64])
@testing.numpy_compare()
def test_geomspace_dtype(xp, dtype):
    return xp.geomspace(1, 256, 9, dtype=dtype), xp.geomspace(2, 7, 4, endpoint=False,
                                                               dtype=dtype)


@pytest.mark.parametrize("dtype", [int, np.int8, np.uint16])
@testing.numpy_compare()
def test_geomspace_integer_dtype(xp, dtype):
    # Integer dtypes truncate; these samples are not within an ulp of an integer, where
    # the device's pow and log10 may round differently from the host's.
    return xp.geomspace(1.5, 100, 6, dtype=dtype), xp.geomspace(-2, -90, 5, dtype=dtype)


@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128"])
@testing.numpy_compare()
def test_geomspace_arrays(xp, axis, dtype):
    start = testing.random_array(xp, (2, 3), dtype, seed=28, low=1, high=5)
    stop = testing.random_array(xp, (3,), dtype, seed=29, low=-50, high=-2)
    return xp.geomspace(start, stop, 5, axis=axis), xp.geomspace(start, 10.0, 4, axis=axis), \
        xp.geomspace([1, 2], [[3], [4]], 3)


@pytest.mark.parametrize("call", [lambda xp: xp.geomspace(0, 3, 4),
                                  lambda xp: xp.geomspace(1, 0.0, 4),
                                  lambda xp: xp.geomspace([1, 0], 3, 4),
                                  lambda xp: xp.geomspace(xp.asarray(np.array([2.0, 0.0])), 3, 4),
                                  lambda xp: xp.geomspace(1, 3, -4)])
@testing.numpy_compare(accept_error=ValueError)
def test_geomspace_errors(xp, call):
    return call(xp)


# -- meshgrid, mgrid, ogrid, indices, fromfunction ---------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 2, 3])
@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("copy", [True, False])
@testing.numpy_compare()
def test_meshgrid(xp, n, indexing, sparse, copy):
    xs = [testing.random_array(xp, (k + 2,), d, seed=30 + k)
          for k, d in zip(range(n), ("float32", "int16", "complex64"))]
    return xp.meshgrid(*xs, indexing=indexing, sparse=sparse, copy=copy)


@testing.numpy_compare()
def test_meshgrid_inputs(xp):
    return xp.meshgrid([1, 2, 3], np.arange(2.0)), xp.meshgrid([[1, 2], [3, 4]], [5, 6]), \
        xp.meshgrid(3, [1, 2])


@testing.numpy_compare(accept_error=ValueError)
def test_meshgrid_bad_indexing(xp):
    return xp.meshgrid([1, 2], indexing="yx")


@pytest.mark.parametrize("dims", [(), (0,), (3,), (2, 3), (2, 0, 4), (2, 3, 4)])
@pytest.mark.parametrize("dtype", [int, np.int8, np.uint16, np.float16, np.float32,
                                   np.complex64])
@pytest.mark.parametrize("sparse", [False, True])
@testing.numpy_compare()
def test_indices(xp, dims, dtype, sparse):
    return xp.indices(dims, dtype=dtype, sparse=sparse)


@pytest.mark.parametrize("dims", [(2, 2), (2, 3), (1, -1)])
@testing.numpy_compare(accept_error=(TypeError, ValueError))
def test_indices_bool_and_negative(xp, dims):
    return xp.indices(dims, dtype=bool)


@pytest.mark.parametrize("key", [
    np.s_[0:5], np.s_[:4], np.s_[0:1:0.25], np.s_[5:0:-1], np.s_[0:5:1j], np.s_[-1:1:5j],
    np.s_[0:5, 0:3], np.s_[0:1:5j, 0:3], np.s_[5:0:-2, 1:2:0.25], np.s_[0:3:4j, 1:-1:3j, 0:2],
    np.s_[np.float32(0):1:0.25, 0:2], np.s_[5:0, 0:2], np.s_[0:0, 0:3]])
@testing.numpy_compare(accept_error=ValueError)
def test_mgrid_ogrid(xp, key):
    return xp.mgrid[key], xp.ogrid[key]


@testing.numpy_compare(accept_error=ZeroDivisionError)
def test_mgrid_zero_step(xp):
    return xp.mgrid[0:3:0, 0:2]


@pytest.mark.parametrize("dtype", [float, int, np.float32])
@testing.numpy_compare()
def test_fromfunction(xp, dtype):
    return (xp.fromfunction(lambda i, j: i * 3 + j, (3, 4), dtype=dtype),
            xp.fromfunction(lambda i: i, (5,), dtype=dtype),
            xp.fromfunction(lambda i, j, k, scale: (i + j - k) * scale, (2, 3, 2), dtype=dtype,
                            scale=2))


# -- building matrices -------------------------------------------------------------------------
@testing.for_all_dtypes()
@pytest.mark.parametrize("nmk", [(3, None, 0), (3, 5, 1), (4, 2, -1), (3, 3, 5), (3, 3, -5),
                                 (0, None, 0), (2, 0, 0), (1, 1, 0), (5, 4, -3)])
@pytest.mark.parametrize("order", ["C", "F"])
@testing.numpy_compare()
def test_eye(xp, dtype, nmk, order):
    n, m, k = nmk
    return xp.eye(n, m, k, dtype=dtype, order=order)


@testing.numpy_compare()
def test_eye_identity_defaults(xp):
    return xp.eye(3), xp.identity(4), xp.identity(2, dtype=np.complex64), xp.eye(2, k=2.0)


@pytest.mark.parametrize("call", [lambda xp: xp.eye(-1), lambda xp: xp.eye(3, k=1.5),
                                  lambda xp: xp.eye(3.0), lambda xp: xp.eye(3, order="K"),
                                  lambda xp: xp.identity(-2)])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_eye_errors(xp, call):
    return call(xp)


@testing.for_all_dtypes()
@pytest.mark.parametrize("nmk", [(3, None, 0), (3, 5, 1), (4, 2, -1), (3, 3, 7), (3, 3, -7),
                                 (0, 3, 0), (3, 0, 0), (-1, None, 0), (2.0, 3, 0)])
@testing.numpy_compare()
def test_tri(xp, dtype, nmk):
    n, m, k = nmk
    return xp.tri(n, m, k, dtype=dtype)


@testing.for_all_dtypes()
@pytest.mark.parametrize("shape", [(4,), (3, 4), (4, 3), (2, 3, 4), (2, 1, 3, 3), (0, 3),
                                   (3, 0), (2, 0, 4), (1, 1)])
@pytest.mark.parametrize("k", [0, 1, -1, 5, -5])
@testing.numpy_compare()
def test_tril_triu(xp, dtype, shape, k):
    a = testing.random_array(xp, shape, dtype, seed=40)
    return xp.tril(a, k), xp.triu(a, k)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("shape", [(5, 4), (3, 4, 5)])
@testing.numpy_compare()
def test_tril_triu_layouts(xp, layout, shape):
    a = testing.random_array(xp, shape, "float32", seed=41, layout=layout)
    return xp.tril(a, 1), xp.triu(a, -1)


@testing.numpy_compare()
def test_tril_triu_special_values_and_lists(xp):
    a = xp.asarray(np.array([[np.nan, -0.0, np.inf], [1.0, np.nan, -np.inf]]))
    return xp.tril(a), xp.triu(a), xp.tril([[1, 2], [3, 4]]), xp.triu([1, 2, 3], 1)


@testing.numpy_compare(accept_error=TypeError)
def test_tril_of_0d_raises(xp):
    return xp.tril(xp.asarray(np.float64(3)))


@testing.for_all_dtypes()
@pytest.mark.parametrize("k", [0, 2, -1, 9, -9])
@pytest.mark.parametrize("shape", [(4,), (0,), (3, 5), (5, 3), (1, 1), (0, 3)])
@testing.numpy_compare()
def test_diag(xp, dtype, k, shape):
    return xp.diag(testing.random_array(xp, shape, dtype, seed=42), k)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("k", [0, 1, -2])
@testing.numpy_compare()
def test_diag_of_strided_2d(xp, layout, k):
    return xp.diag(testing.random_array(xp, (4, 6), "complex128", seed=43, layout=layout), k)


def test_diag_of_2d_is_a_view():
    a = cuarray.asarray(np.arange(12.0).reshape(3, 4))
    d = cuarray.diag(a, 1)
    assert d.base is a and d.strides == (a.strides[0] + a.strides[1],)
    d[...] = -1
    expected = np.arange(12.0).reshape(3, 4)
    expected[[0, 1, 2], [1, 2, 3]] = -1
    np.testing.assert_array_equal(a.get(), expected)


@pytest.mark.parametrize("call", [lambda xp: xp.diag(xp.zeros(())),
                                  lambda xp: xp.diag(xp.zeros((2, 2, 2))),
                                  lambda xp: xp.diag(xp.zeros(3), 1.5)])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_diag_errors(xp, call):
    return call(xp)


@pytest.mark.parametrize("k", [0, 1, -2])
@testing.numpy_compare()
def test_diagflat(xp, k):
    a = testing.random_array(xp, (2, 3), "float32", seed=44, layout="transposed")
    return xp.diagflat(a, k), xp.diagflat([[1, 2], [3, 4]], k), xp.diagflat(5, k)


@pytest.mark.parametrize("dtype", ["bool", "int8", "int64", "uint8", "uint64", "float16",
                                   "float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("n", [None, 0, 1, 4, 70])
@pytest.mark.parametrize("increasing", [False, True])
@testing.numpy_compare()
def test_vander(xp, dtype, n, increasing):
    # Small magnitudes keep the float powers finite; integer powers wrap as in NumPy.
    x = testing.random_array(xp, (5,), dtype, seed=45, low=-3, high=4) \
        if np.dtype(dtype).kind != "u" else testing.random_array(xp, (5,), dtype, seed=45,
                                                                 low=0, high=4)
    if np.dtype(dtype).kind in "fc" and n == 70:
        x = x / 2.5
    return xp.vander(x, n, increasing=increasing)


@testing.numpy_compare()
def test_vander_inputs(xp):
    return xp.vander([1, 2, 3]), xp.vander(testing.random_array(xp, (6,), "float64", seed=46,
                                                                layout="sliced"), 3), \
        xp.vander(np.array([0.5, -1.5]), 80, increasing=True)


@pytest.mark.parametrize("call", [lambda xp: xp.vander(xp.zeros((2, 2))),
                                  lambda xp: xp.vander(xp.zeros(2), -1),
                                  lambda xp: xp.vander(xp.zeros(())),
                                  lambda xp: xp.vander(xp.zeros(2), 2.0)])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_vander_errors(xp, call):
    return call(xp)
