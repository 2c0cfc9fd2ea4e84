"""pad against NumPy: every mode, pad widths as a scalar, a pair, per-axis pairs and a dict,
widths larger than the array (NumPy's chunk-by-chunk reflections), constant values and
end values per axis and side, stat_length, reflect_type='odd', a callable mode, every
dtype on representative modes, 0-d, empty and non-contiguous inputs, and the errors.
"""

import numpy
import pytest

from cuarray import testing

pytestmark = [pytest.mark.gpu,
              pytest.mark.filterwarnings("ignore::RuntimeWarning"),
              pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")]

GATHER_MODES = ["constant", "edge", "wrap", "reflect", "symmetric"]
STAT_MODES = ["maximum", "minimum", "mean"]
WIDTHS = [0, 1, 3, (2, 0), ((1, 2),), ((0, 3), (2, 1)), ((4, 4), (0, 0)), [[1, 0], [0, 2]]]
TOL = {"float16": 2e-2, "float32": 1e-5, "complex64": 1e-5, "default": 1e-12}


def arr(xp, shape, dtype="float32", seed=0, layout="C"):
    return testing.random_array(xp, shape, dtype, seed=seed, layout=layout)


@testing.for_all_dtypes()
@pytest.mark.parametrize("mode", GATHER_MODES)
@testing.numpy_compare()
def test_pad_gather_modes_dtypes(xp, dtype, mode):
    return xp.pad(arr(xp, (3, 4), dtype, 1), ((2, 1), (0, 3)), mode=mode)


@pytest.mark.parametrize("mode", GATHER_MODES)
@pytest.mark.parametrize("width", WIDTHS, ids=repr)
@pytest.mark.parametrize("layout", ["C", "F", "transposed", "negative_stride", "sliced",
                                    "broadcast"])
@testing.numpy_compare()
def test_pad_gather_modes(xp, mode, width, layout):
    return xp.pad(arr(xp, (3, 4), "float64", 2, layout), width, mode=mode)


@pytest.mark.parametrize("mode", ["edge", "wrap", "reflect", "symmetric"])
@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("width", [(0, 7), (9, 1), (13, 13), (4, 11)])
@testing.numpy_compare()
def test_pad_wider_than_array(xp, mode, n, width):
    a = arr(xp, (n, 2), "int32", 3)
    return xp.pad(a, (width, (5, 6)), mode=mode)


@pytest.mark.parametrize("shape", [(), (1,), (2, 3, 4), (1, 1, 5)])
@pytest.mark.parametrize("mode", GATHER_MODES + ["linear_ramp"] + STAT_MODES)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_pad_shapes(xp, shape, mode):
    return xp.pad(arr(xp, shape, "float32", 4, "F"), 2, mode=mode)


@pytest.mark.parametrize("shape,width", [((0,), 2), ((3, 0), ((1, 1), (0, 0))),
                                         ((0, 3), ((0, 0), (1, 2))), ((0, 2), 1)])
@pytest.mark.parametrize("mode", GATHER_MODES + ["linear_ramp", "empty"] + STAT_MODES)
@testing.numpy_compare(accept_error=ValueError)
def test_pad_empty(xp, shape, width, mode):
    r = xp.pad(arr(xp, shape, "float32", 5), width, mode=mode)
    return r.shape, r.dtype, r.flags.c_contiguous, r.flags.f_contiguous, r if r.size == 0 or \
        mode == "constant" else None


@pytest.mark.parametrize("values", [0, 7, -2.5, (1, 2), ((1, 2), (3, 4)), [[5], [6]],
                                    numpy.array([[1, 2], [3, 4]], numpy.int8), 1.5 + 2j])
@testing.for_dtypes(["bool", "int16", "uint8", "float16", "float64", "complex64"])
@testing.numpy_compare()
def test_pad_constant_values(xp, dtype, values):
    if dtype.kind == "u" and numpy.any(numpy.real(numpy.asarray(values)) < 0):
        pytest.skip("negative Python ints do not fit unsigned dtypes")
    return xp.pad(arr(xp, (2, 3), dtype, 6), ((1, 2), (3, 1)), constant_values=values)


@pytest.mark.parametrize("layout", ["C", "F", "transposed", "negative_stride"])
@testing.numpy_compare()
def test_pad_constant_corners(xp, layout):
    # Where pad areas of several axes meet, the last axis's value wins (NumPy pads axis
    # after axis), whatever the memory order of the result.
    a = arr(xp, (2, 3, 4), "int32", 6, layout)
    return xp.pad(a, ((1, 2), (2, 1), (1, 1)), constant_values=((1, 2), (3, 4), (5, 6)))


@testing.numpy_compare(accept_error=(OverflowError, ValueError))
def test_pad_constant_value_errors(xp):
    a = arr(xp, (3,), "int8", 7)
    out = []
    for v in (300, numpy.nan):
        try:
            out.append(xp.pad(a, 1, constant_values=v))
        except (OverflowError, ValueError) as e:
            out.append(type(e).__name__)
    return out


@pytest.mark.parametrize("mode", ["empty"])
@testing.numpy_compare()
def test_pad_empty_mode(xp, mode):
    r = xp.pad(arr(xp, (3, 4), "float32", 8, "F"), ((1, 2), (3, 0)), mode=mode)
    return r.shape, r.dtype, r.flags.c_contiguous, r.flags.f_contiguous


@testing.for_dtypes(["int8", "uint16", "int64", "float16", "float32", "float64", "complex128"])
@pytest.mark.parametrize("end_values", [0, 5, (1, -3), ((2, 4), (-1, 0))])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_pad_linear_ramp(xp, dtype, end_values):
    if dtype.kind == "u" and end_values not in (0, 5):
        pytest.skip("negative end values for unsigned dtypes")
    return xp.pad(arr(xp, (3, 4), dtype, 9), ((2, 3), (4, 1)), mode="linear_ramp",
                  end_values=end_values)


@testing.for_dtypes(["bool", "int8", "uint8", "int32", "float16", "float32", "float64",
                     "complex64"])
@pytest.mark.parametrize("mode", STAT_MODES)
@pytest.mark.parametrize("stat_length", [None, 1, 2, (1, 3), ((2, 1), (3, 2)), 100])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_pad_stat_modes(xp, dtype, mode, stat_length):
    if dtype.kind == "c" and mode != "mean":
        pytest.skip("ordering complex values")
    if dtype.kind == "b" and mode == "mean":
        pytest.skip("the mean of bools stored back into bool")
    return xp.pad(arr(xp, (4, 5), dtype, 10), ((1, 2), (3, 1)), mode=mode,
                  stat_length=stat_length)


@testing.numpy_compare()
def test_pad_mean_rounds_integers(xp):
    # Means ending in .5 round half to even before they are stored.
    a = xp.asarray(numpy.array([[1, 2], [4, 5], [0, 3]], numpy.int32))
    return xp.pad(a, 1, mode="mean")


@pytest.mark.parametrize("stat_length", [None, 1, 2, 3, ((1, 2), (3, 1))])
@testing.numpy_compare()
def test_pad_median(xp, stat_length):
    return xp.pad(arr(xp, (4, 5), "float64", 11), 2, mode="median", stat_length=stat_length)


@pytest.mark.parametrize("dtype", ["int8", "uint16", "int64", "float16", "float32"])
@testing.numpy_compare(rtol={"float16": 2e-3, "default": 1e-6})
def test_pad_median_dtypes(xp, dtype):
    # Integer arrays round the median (half to even) before storing it.
    return xp.pad(arr(xp, (4, 6), dtype, 12), ((1, 2), (3, 0)), mode="median")


@testing.numpy_compare()
def test_pad_median_nan(xp):
    a = arr(xp, (3, 5), "float64", 13)
    a[1, 2] = numpy.nan
    return xp.pad(a, 1, mode="median")


@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
@pytest.mark.parametrize("dtype", ["int16", "uint8", "float32", "float64", "complex64",
                                   "bool"])
@pytest.mark.parametrize("width", [1, (2, 3), ((0, 7), (9, 2)), ((11, 11), (1, 0))])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_pad_odd_reflections(xp, mode, dtype, width):
    a = arr(xp, (3, 4), dtype, 12, "negative_stride")
    return xp.pad(a, width, mode=mode, reflect_type="odd")


@testing.numpy_compare()
def test_pad_odd_singleton_axis(xp):
    a = arr(xp, (1, 4), "float64", 13)
    return xp.pad(a, 3, mode="reflect", reflect_type="odd")


@testing.numpy_compare()
def test_pad_dict_widths(xp):
    a = arr(xp, (2, 3, 4), "int32", 14)
    return xp.pad(a, {0: 1, -1: (2, 0)}), xp.pad(a, {1: (0, 3)}, mode="edge")


def _mark_edges(vector, pad_width, iaxis, kwargs):
    vector[:pad_width[0]] = kwargs.get("value", -1)
    if pad_width[1]:
        vector[-pad_width[1]:] = iaxis + 10


@testing.numpy_compare()
def test_pad_callable(xp):
    a = arr(xp, (3, 4), "float32", 15, "F")
    return xp.pad(a, ((1, 2), (2, 1)), _mark_edges), xp.pad(a, 1, _mark_edges, value=7)


@testing.numpy_compare()
def test_pad_device_arguments(xp):
    a = arr(xp, (3, 4), "float32", 16)
    return xp.pad(a, xp.asarray(numpy.array([[1, 2], [0, 1]])),
                  constant_values=xp.asarray(numpy.float32(4)))


@pytest.mark.parametrize("case", range(10))
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_pad_errors(xp, case):
    a = arr(xp, (2, 3), "float64", 17)
    calls = [
        lambda: xp.pad(a, -1),
        lambda: xp.pad(a, 1.5),
        lambda: xp.pad(a, ((1, 2), (3, 4), (5, 6))),
        lambda: xp.pad(a, 1, mode="bogus"),
        lambda: xp.pad(a, 1, mode="edge", foo=1),
        lambda: xp.pad(xp.ones((0, 3)), 1, mode="edge"),
        lambda: xp.pad(a, 1, mode="maximum", stat_length=0),
        lambda: xp.pad(a, 1, mode="constant", constant_values=((1, 2), (3, 4), (5, 6))),
        lambda: xp.pad(a, numpy.array([1, 2], numpy.uint8)),
        lambda: xp.pad(a, 1, mode="constant", reflect_type="odd"),
    ]
    return calls[case]()
