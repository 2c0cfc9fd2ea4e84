"""Elementwise routines that are not ufuncs (clip, where, nan_to_num, round, isclose, ...).

Three kinds of test:
- GPU tests (marked ``gpu``) run each routine with NumPy and cuarray through
  ``numpy_compare``: every dtype, shapes, broadcasting, layouts, scalars, special
  values, out= and the error cases;
- CPU tests compile every kernel the routines can generate for sm_90 with NVRTC;
- CPU tests run those same kernel sources on the host (a C++ compiler with a
  small shim for the CUDA names they use) against NumPy, so that the dtype plans
  and the bodies' arithmetic (NaN rules, float16 rounding between steps, scalar
  conversions) are checked in CI, where there is no GPU.
"""

import ctypes
import hashlib
import re
import shutil
import subprocess
import warnings

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._core.dtypes import COMPUTE
from cuarray._engine import source as _src
from cuarray._routines import elementwise as _el
from cuarray._routines import logic as _logic
from cuarray._routines import math as _math
from cuarray._routines import searching as _search
from cuarray.cuda import compiler

gpu = pytest.mark.gpu

ALL = testing.ALL
INEXACT = testing.INEXACT
REAL = testing.BOOL + testing.INTEGER + testing.FLOATING
SHAPES = [(), (0,), (3, 0), (5,), (2, 3), (2, 3, 4)]
LAYOUTS_2D = ["C", "F", "negative_stride", "sliced", "broadcast"]


def special(dtype, n=40, seed=0):
    """Signed zeros, halves (round-half-even), inf, NaN, the range's ends, and random values."""
    dt = np.dtype(dtype)
    rng = np.random.default_rng(seed)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(bool)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        ends = np.array([info.min, info.max, 0, 1, 5, 15, 25, 35, 125], dtype=object)
        ends = ends[[info.min <= v <= info.max for v in ends]].astype(dt)
        return np.concatenate([ends, rng.integers(info.min, info.max, n - ends.size, dtype=dt,
                                                  endpoint=True)])
    fi = np.finfo(dt)
    sp = np.array([0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, np.nan, np.inf, -np.inf,
                   fi.max, fi.min, fi.tiny, 7.99, 8.0, 8.01, -8.0, 123.456])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        v = np.concatenate([sp, rng.uniform(-10, 10, n - sp.size)]).astype(dt)
        if dt.kind == "c":
            v = v + 1j * rng.permutation(v).astype(dt)
    return v


# =================================================================================================
# GPU tests against NumPy
# =================================================================================================

# -- clip -----------------------------------------------------------------------------------------
@gpu
@testing.for_all_dtypes()
@pytest.mark.parametrize("shape", SHAPES)
@testing.numpy_compare()
def test_clip_array_bounds(xp, dtype, shape):
    a = testing.random_array(xp, shape, dtype, seed=1)
    lo = testing.random_array(xp, shape, dtype, seed=2)
    hi = testing.random_array(xp, shape, dtype, seed=3)
    return xp.clip(a, lo, hi)


@gpu
@testing.for_all_dtypes(no_bool=True)
@pytest.mark.parametrize("bounds", [(-3, 4), (2.5, 7.5), (None, 3), (-2, None), (None, None),
                                    (4, -3), (-1000, 1000), (-1000, 5), (0, 10**20)])
@testing.numpy_compare(accept_error=(TypeError, OverflowError))
def test_clip_scalar_bounds(xp, dtype, bounds):
    a = testing.random_array(xp, (4, 5), dtype, seed=4)
    return xp.clip(a, *bounds)


@gpu
@pytest.mark.parametrize("bounds", [(False, True), (0, 1), (None, True), (None, None)])
@testing.numpy_compare(accept_error=TypeError)
def test_clip_bool(xp, bounds):
    return xp.clip(testing.random_array(xp, (7,), "bool", seed=5), *bounds)


@gpu
@pytest.mark.parametrize("dtype", ["int8", "uint8"])
@testing.numpy_compare(accept_error=OverflowError)
def test_clip_python_int_out_of_range_raises(xp, dtype):
    return xp.clip(testing.random_array(xp, (5,), dtype, seed=6), 200, 5)


@gpu
@testing.for_inexact_dtypes()
@testing.numpy_compare()
def test_clip_special_values(xp, dtype):
    a = xp.asarray(special(dtype, seed=7))
    lo = xp.asarray(special(dtype, seed=8))
    hi = xp.asarray(special(dtype, seed=9))
    return xp.clip(a, lo, hi), xp.clip(a, None, hi), xp.clip(a, lo, None), xp.clip(a, -1, 1)


# NumPy lays out the result of operands with mixed layouts (an F array broadcast against a
# C one, a stride-0 axis) by its iterator's stride sorting; cuarray's ufunc engine and these
# routines choose C unless every array operand is F (ufunc._out_order).  Values, dtypes and
# shapes are compared; layouts where the operands agree are checked in the other tests.
MIXED_LAYOUTS = {"contiguous_check": False}


@gpu
@pytest.mark.parametrize("layout", LAYOUTS_2D)
@pytest.mark.parametrize("shapes", [((4, 5), (5,), (4, 1)), ((4, 5), (), (1, 5)),
                                    ((1, 5), (4, 1), ())])
@testing.numpy_compare(**MIXED_LAYOUTS)
def test_clip_broadcast_and_layouts(xp, layout, shapes):
    a = testing.random_array(xp, shapes[0], "float32", seed=10, layout=layout)
    lo = testing.random_array(xp, shapes[1], "float32", seed=11, low=-10, high=0)
    hi = testing.random_array(xp, shapes[2], "float32", seed=12, low=0, high=10)
    return xp.clip(a, lo, hi)


@gpu
@pytest.mark.parametrize("case", ["min_max_kw", "min_kw", "max_kw", "mixed_dtypes",
                                  "numpy_scalar_bound", "weak_float_bound", "scalar_a"])
@testing.numpy_compare()
def test_clip_argument_forms(xp, case):
    a = testing.random_array(xp, (3, 4), "int16", seed=13)
    if case == "min_max_kw":
        return xp.clip(a, min=-5, max=5)
    if case == "min_kw":
        return xp.clip(a, min=-5)
    if case == "max_kw":
        return xp.clip(a, max=5)
    if case == "mixed_dtypes":
        return xp.clip(a, testing.random_array(xp, (4,), "int8", seed=14),
                       testing.random_array(xp, (3, 1), "float32", seed=15))
    if case == "numpy_scalar_bound":
        return xp.clip(a, np.int64(-3), np.float32(3))
    if case == "weak_float_bound":
        return xp.clip(a, -2.5, 3)
    return xp.clip(3.5, 1, 2)


@gpu
@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int16", "complex64"])
@testing.numpy_compare(accept_error=TypeError)
def test_clip_out(xp, out_dtype):
    a = testing.random_array(xp, (3, 4), "float32", seed=16)
    out = xp.zeros((3, 4), out_dtype)
    r = xp.clip(a, -2, 2, out=out)
    return r is out, out


@gpu
@testing.numpy_compare()
def test_clip_out_aliases_input(xp):
    a = testing.random_array(xp, (10,), "float64", seed=17)
    xp.clip(a, -1, 1, out=a)
    b = testing.random_array(xp, (10,), "float64", seed=18)
    xp.clip(b[1:], -1, 1, out=b[:-1])      # partial overlap: NumPy reads before writing
    return a, b


@gpu
@testing.numpy_compare(accept_error=(TypeError, ValueError))
@pytest.mark.parametrize("case", ["missing_max", "missing_min", "both_forms", "bad_kwarg",
                                  "bad_out_shape", "casting_dtype"])
def test_clip_errors(xp, case):
    a = testing.random_array(xp, (3,), "float32", seed=19)
    if case == "missing_max":
        return xp.clip(a, 1)
    if case == "missing_min":
        return xp.clip(a, a_max=1)
    if case == "both_forms":
        return xp.clip(a, 0, 1, min=0)
    if case == "bad_kwarg":
        return xp.clip(a, 0, 1, foo=1)
    if case == "bad_out_shape":
        return xp.clip(a, 0, 1, out=xp.zeros((4,), "float32"))
    return xp.clip(a, 0, 1, dtype="int32")


@gpu
@testing.numpy_compare()
def test_clip_dtype_keyword(xp):
    a = testing.random_array(xp, (3, 4), "int8", seed=20)
    return xp.clip(a, -3, 3, dtype="float32"), xp.clip(a, -3, 3, dtype="int8", casting="unsafe")


# -- where ----------------------------------------------------------------------------------------
@gpu
@testing.for_dtypes(["bool", "int8", "float16", "float64", "complex64"], name="cond_dtype")
@testing.for_all_dtypes()
@testing.numpy_compare()
def test_where_dtypes(xp, cond_dtype, dtype):
    c = testing.random_array(xp, (4, 5), cond_dtype, seed=21)
    x = testing.random_array(xp, (4, 5), dtype, seed=22)
    y = testing.random_array(xp, (4, 5), dtype, seed=23)
    return xp.where(c, x, y)


@gpu
@pytest.mark.parametrize("dtypes", [("int8", "uint8"), ("float16", "int16"), ("bool", "int64"),
                                    ("complex64", "float64"), ("uint64", "int64")])
@testing.numpy_compare()
def test_where_mixed_dtypes(xp, dtypes):
    c = testing.random_array(xp, (6,), "bool", seed=24)
    return xp.where(c, testing.random_array(xp, (6,), dtypes[0], seed=25),
                    testing.random_array(xp, (6,), dtypes[1], seed=26))


@gpu
@testing.for_all_dtypes()
@pytest.mark.parametrize("scalars", [(1, "x"), (2.5, "y"), (1000, "x"), (-1, "y"), (True, "x"),
                                     (1j, "y"), (np.float32(1.5), "x"), (np.int8(3), "y")])
@testing.numpy_compare(accept_error=OverflowError)   # NumPy >= 2.5 rejects out-of-range ints
def test_where_scalar_operands(xp, dtype, scalars):
    value, which = scalars
    c = testing.random_array(xp, (5,), "bool", seed=27)
    a = testing.random_array(xp, (5,), dtype, seed=28)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return xp.where(c, value, a) if which == "x" else xp.where(c, a, value)


@gpu
@pytest.mark.parametrize("args", [(1, 2), (1, 2.5), (True, 2), (1.0, 2j), (True, False)])
@testing.numpy_compare()
def test_where_all_scalar_values(xp, args):
    return xp.where(testing.random_array(xp, (2, 3), "bool", seed=29), *args)


@gpu
@pytest.mark.parametrize("cond", [True, False, 0.0, np.float32(np.nan)])
@testing.numpy_compare()
def test_where_scalar_condition(xp, cond):
    return xp.where(cond, testing.random_array(xp, (4,), "float32", seed=30), 7)


@gpu
@testing.numpy_compare()
def test_where_condition_special_values(xp):
    c = xp.asarray(np.array([0.0, -0.0, np.nan, np.inf, 1e-30, complex(0, 1e-30)]))
    return xp.where(c, 1, 0), xp.where(c.real, 1, 0)


@gpu
@pytest.mark.parametrize("layout", LAYOUTS_2D)
@pytest.mark.parametrize("shapes", list(zip(testing.BROADCAST_PAIRS, [(1,)] * 11)))
@testing.numpy_compare(**MIXED_LAYOUTS)
def test_where_broadcast(xp, layout, shapes):
    (sc, sx), sy = shapes
    c = testing.random_array(xp, sc, "bool", seed=31)
    x = testing.random_array(xp, sx, "int32", seed=32, layout=layout)
    y = testing.random_array(xp, sy, "float32", seed=33)
    return xp.where(c, x, y)


@gpu
@pytest.mark.parametrize("layout", LAYOUTS_2D)
@testing.numpy_compare()
def test_where_layouts(xp, layout):
    c = testing.random_array(xp, (6, 7), "bool", seed=34, layout=layout)
    x = testing.random_array(xp, (6, 7), "complex128", seed=35, layout=layout)
    y = testing.random_array(xp, (6, 7), "complex128", seed=36, layout=layout)
    return xp.where(c, x, y)


def test_where_one_argument_is_nonzero():
    # where(condition) is nonzero(condition): NumPy refuses 0-d conditions (before any kernel)
    with pytest.raises(ValueError, match="nonzero on 0d arrays"):
        np.where(True)
    with pytest.raises(ValueError, match="nonzero on 0d arrays"):
        cuarray.where(True)


def test_where_needs_both_x_and_y():
    with pytest.raises(ValueError, match="both or neither"):
        np.where(True, 1)
    with pytest.raises(ValueError, match="both or neither"):
        cuarray.where(True, 1)


def test_where_rejects_host_arrays():
    with pytest.raises(TypeError, match="numpy.ndarray"):
        cuarray.where(np.array([True]), 1, 2)


# -- nan_to_num -----------------------------------------------------------------------------------
@gpu
@testing.for_all_dtypes()
@pytest.mark.parametrize("kwargs", [{}, {"nan": 5.0, "posinf": 1e3, "neginf": -1e3},
                                    {"nan": -1, "posinf": 2}, {"neginf": 0.5},
                                    {"posinf": 1e300, "neginf": -1e300}])
@testing.numpy_compare()
def test_nan_to_num(xp, dtype, kwargs):
    a = xp.asarray(special(dtype, seed=37))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return xp.nan_to_num(a, **kwargs)


@gpu
@testing.for_all_dtypes()
@testing.numpy_compare()
def test_nan_to_num_in_place(xp, dtype):
    a = xp.asarray(special(dtype, seed=38))
    r = xp.nan_to_num(a[::2], copy=False)
    return a, r


@gpu
@pytest.mark.parametrize("layout", ["F", "negative_stride", "sliced"])
@testing.numpy_compare()
def test_nan_to_num_layouts(xp, layout):
    return xp.nan_to_num(testing.random_array(xp, (4, 6), "float64", seed=39, layout=layout))


@gpu
@testing.numpy_compare(accept_error=TypeError)
def test_nan_to_num_complex_nan_into_real_raises(xp):
    return xp.nan_to_num(xp.asarray(special("float32")), nan=1j)


@gpu
@pytest.mark.parametrize("value", [np.nan, np.inf, 2.0, np.float32(-np.inf), 3])
@testing.numpy_compare()
def test_nan_to_num_scalar(xp, value):
    return xp.nan_to_num(value)


# -- real, imag, angle ----------------------------------------------------------------------------
@gpu
@testing.for_all_dtypes()
@pytest.mark.parametrize("layout", ["C", "F", "negative_stride"])
@testing.numpy_compare()
def test_real_imag(xp, dtype, layout):
    a = testing.random_array(xp, (3, 4), dtype, seed=40, layout=layout)
    return xp.real(a), xp.imag(a)


@gpu
@testing.for_complex_dtypes()
@testing.numpy_compare()
def test_real_imag_are_views(xp, dtype):
    a = testing.random_array(xp, (3, 4), dtype, seed=41)
    xp.real(a)[0] = 7
    xp.imag(a)[:, 1] = -3
    return a


@pytest.mark.parametrize("value", [3, 2.5, 1 + 2j, np.complex64(1 - 1j), True])
def test_real_imag_of_scalars_stay_on_host(value):
    assert cuarray.real(value) == np.real(value)
    assert type(cuarray.imag(value)) is type(np.imag(value))


@gpu
@testing.for_all_dtypes()
@pytest.mark.parametrize("deg", [False, True])
@testing.numpy_compare()
def test_angle(xp, dtype, deg):
    return xp.angle(xp.asarray(special(dtype, seed=42)), deg=deg)


@gpu
@testing.numpy_compare()
def test_angle_scalar_and_layout(xp):
    a = testing.random_array(xp, (4, 5), "complex64", seed=43, layout="F")
    return xp.angle(a), xp.angle(1j, deg=True), xp.angle(-2.0)


# -- around / round -------------------------------------------------------------------------------
@gpu
@testing.for_all_dtypes()
@pytest.mark.parametrize("decimals", [0, 1, 2, 3, -1, -2, 5, 12, -20])
@testing.numpy_compare(accept_error=TypeError)
def test_around(xp, dtype, decimals):
    a = special(dtype, seed=44)
    if a.dtype.kind in "iu":
        # Results must stay in the dtype's range (NumPy's cast back is undefined otherwise).
        a = (a // 4).astype(dtype)
    a = xp.asarray(a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return xp.around(a, decimals), xp.round(a, decimals)


@gpu
@testing.for_float_dtypes()
@pytest.mark.parametrize("decimals", [0, 1, 2, -1])
@testing.numpy_compare()
def test_round_half_even(xp, dtype, decimals):
    # Exact halves at each scale: 0.5, 1.5, ..., 0.05, 0.15, ..., 5, 15, ...
    base = np.arange(-20, 21) + 0.5
    a = xp.asarray((base * 10.0**-max(decimals, 0) * 10.0**max(-decimals, 0)).astype(dtype))
    return xp.round(a, decimals)


@gpu
@testing.for_int_dtypes()
@pytest.mark.parametrize("decimals", [-1, -2, -3])
@testing.numpy_compare()
def test_round_integers_negative_decimals(xp, dtype, decimals):
    # Values whose rounding stays in range (overflowing ones differ: see around's docstring).
    info = np.iinfo(dtype)
    lim = min(int(info.max) // 2, 10**6)
    rng = np.random.default_rng(45)
    a = rng.integers(max(int(info.min) // 2, -lim), lim, 50).astype(dtype)
    a[:6] = np.array([0, 5, 15, 25, 35, 45], dtype)
    return xp.round(xp.asarray(a), decimals)


@gpu
@pytest.mark.parametrize("layout", ["F", "negative_stride", "sliced"])
@pytest.mark.parametrize("dtype", ["int32", "float32", "complex128"])
@testing.numpy_compare()
def test_round_layouts(xp, layout, dtype):
    a = testing.random_array(xp, (4, 6), dtype, seed=46, layout=layout)
    return xp.round(a, 1), xp.round(a), xp.round(a, -1)


@gpu
@pytest.mark.parametrize("dtype", ["int32", "float32", "complex128"])
@testing.numpy_compare(**MIXED_LAYOUTS)
def test_round_broadcast_layout(xp, dtype):
    a = testing.random_array(xp, (4, 6), dtype, seed=46, layout="broadcast")
    return xp.round(a, 1), xp.round(a), xp.round(a, -1)


@gpu
@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("float64", "float16"),
                                    ("float16", "float32"), ("int16", "float32"),
                                    ("int16", "int64"), ("complex64", "complex128"),
                                    ("float32", "int32"), ("int8", "bool"),
                                    ("float32", "complex128")])
@pytest.mark.parametrize("decimals", [0, 2, -1])
@testing.numpy_compare(accept_error=TypeError)
def test_round_out(xp, dtypes, decimals):
    a = testing.random_array(xp, (3, 4), dtypes[0], seed=47)
    out = xp.zeros((3, 4), dtypes[1])
    r = xp.round(a, decimals, out=out)
    return r is out, out


@gpu
@testing.numpy_compare(accept_error=(TypeError, ValueError))
@pytest.mark.parametrize("case", ["float_decimals", "out_size", "complex_into_real"])
def test_round_errors(xp, case):
    a = testing.random_array(xp, (4,), "complex64" if case == "complex_into_real" else "float32",
                             seed=48)
    if case == "float_decimals":
        return xp.round(a, 1.5)
    if case == "out_size":
        return xp.round(a, 1, out=xp.zeros((5,), "float32"))
    return xp.round(a, 1, out=xp.zeros((4,), "float32"))


@gpu
@pytest.mark.parametrize("value", [2.5, 3.5, 7, np.float16(0.125)])
@testing.numpy_compare()
def test_round_scalars(xp, value):
    return xp.round(value), xp.round(value, 1), xp.round(value, -1)


# -- fix, sinc, i0 --------------------------------------------------------------------------------
@gpu
@testing.for_all_dtypes()
@testing.numpy_compare(accept_error=TypeError)
def test_fix(xp, dtype):
    return xp.fix(xp.asarray(special(dtype, seed=49)))


@gpu
@pytest.mark.parametrize("out_dtype", ["float64", "float16", "int32"])
@testing.numpy_compare(accept_error=TypeError)
def test_fix_out(xp, out_dtype):
    a = testing.random_array(xp, (2, 5), "float32", seed=50, layout="F")
    out = xp.zeros((2, 5), out_dtype)
    return xp.fix(a, out=out) is out, out, xp.fix(a), xp.fix(-2.5)


@gpu
@testing.for_all_dtypes()
@testing.numpy_compare(rtol={"float16": 2e-3, "default": None}, atol={"float16": 2e-3})
def test_sinc(xp, dtype):
    return xp.sinc(xp.asarray(special(dtype, seed=51)))


@gpu
@testing.numpy_compare()
def test_sinc_integral_points_and_scalars(xp):
    a = xp.asarray(np.arange(-5, 6, dtype=np.float64) / 2)
    return xp.sinc(a), xp.sinc(0), xp.sinc(0.5)


@gpu
@testing.for_all_dtypes()
@testing.numpy_compare(rtol={"float16": 4e-3, "float32": 2e-6, "default": None},
                       accept_error=TypeError)
def test_i0(xp, dtype):
    a = xp.asarray(special(dtype, seed=52))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return xp.i0(a)


@gpu
@testing.for_float_dtypes()
@testing.numpy_compare(rtol={"float16": 4e-3, "float32": 2e-6, "default": None})
def test_i0_range(xp, dtype):
    # Both series and the switch at 8, up to where float16/float32 overflow.
    a = xp.asarray(np.linspace(-12, 12, 97).astype(dtype))
    return xp.i0(a)


# -- isclose --------------------------------------------------------------------------------------
@gpu
@testing.for_all_dtypes()
@pytest.mark.parametrize("equal_nan", [False, True])
@testing.numpy_compare()
def test_isclose(xp, dtype, equal_nan):
    a = xp.asarray(special(dtype, seed=53))
    b = xp.asarray(special(dtype, seed=53))
    b2 = xp.asarray(special(dtype, seed=54))
    return (xp.isclose(a, b, equal_nan=equal_nan), xp.isclose(a, b2, equal_nan=equal_nan),
            xp.isclose(a, b2, rtol=0.5, atol=1.0, equal_nan=equal_nan))


@gpu
@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("int8", "int8"), ("int64", "float16"),
                                    ("complex64", "float32"), ("bool", "float64"),
                                    ("uint8", "int16")])
@testing.numpy_compare()
def test_isclose_mixed_dtypes(xp, dtypes):
    a = testing.random_array(xp, (5, 6), dtypes[0], seed=55, low=0, high=4)
    b = testing.random_array(xp, (6,), dtypes[1], seed=56, low=0, high=4)
    return xp.isclose(a, b), xp.isclose(a, b, atol=1.5), xp.isclose(a, a)


@gpu
@pytest.mark.parametrize("b", [2, 2.0, 1 + 0j, np.float32(2.0), np.int8(2), True])
@pytest.mark.parametrize("tols", [(1e-5, 1e-8), (0.1, 0.0), (np.float32(0.1), np.float64(0.5)),
                                  (0, 1)])
@testing.numpy_compare()
def test_isclose_scalars(xp, b, tols):
    a = xp.asarray(np.array([2.0, 2.05, 2.2, 1.5, np.nan, np.inf, 2 + 1e-6], np.float32))
    rtol, atol = tols
    return xp.isclose(a, b, rtol=rtol, atol=atol), xp.isclose(b, a, rtol=rtol, atol=atol)


@gpu
@testing.numpy_compare()
def test_isclose_infinities(xp):
    a = xp.asarray(np.array([np.inf, -np.inf, np.inf, np.nan, 1.0, np.inf]))
    b = xp.asarray(np.array([np.inf, np.inf, 1e308, np.nan, np.inf, np.nan]))
    return xp.isclose(a, b), xp.isclose(a, b, equal_nan=True), xp.isclose(a, b, atol=np.inf)


@gpu
@testing.numpy_compare()
def test_isclose_array_tolerances_and_broadcast(xp):
    a = testing.random_array(xp, (4, 1), "float64", seed=57)
    b = testing.random_array(xp, (1, 5), "float64", seed=58)
    rtol = testing.random_array(xp, (5,), "float64", seed=59, low=0, high=1)
    atol = testing.random_array(xp, (4, 1), "float32", seed=60, low=0, high=5)
    return xp.isclose(a, b, rtol=rtol, atol=atol)


@gpu
@testing.numpy_compare()
def test_isclose_host_scalars_and_layouts(xp):
    a = testing.random_array(xp, (4, 6), "float32", seed=61, layout="F")
    return xp.isclose(1.0, 1.0 + 1e-9), xp.isclose(a, a.copy()), xp.isclose(a.T, 0.5, atol=5)


# -- isreal, iscomplex, isrealobj, iscomplexobj ---------------------------------------------------
@gpu
@testing.for_all_dtypes()
@pytest.mark.parametrize("layout", ["C", "F", "sliced"])
@testing.numpy_compare()
def test_isreal_iscomplex(xp, dtype, layout):
    a = testing.random_array(xp, (4, 5), dtype, seed=62, layout=layout)
    if np.dtype(dtype).kind == "c":
        a[1] = a[1].real        # some rows with zero imaginary parts
        a[:, 2] = 3
    return xp.isreal(a), xp.iscomplex(a), xp.isrealobj(a), xp.iscomplexobj(a)


@gpu
@pytest.mark.parametrize("value", [1, 1.5, 1j, 1 + 0j, np.complex64(2), np.float16(1)])
@testing.numpy_compare()
def test_isreal_iscomplex_scalars(xp, value):
    return xp.isreal(value), xp.iscomplex(value), xp.isrealobj(value), xp.iscomplexobj(value)


@gpu
@testing.numpy_compare()
def test_isreal_zero_d(xp):
    a = xp.asarray(np.complex128(1 + 1j))
    return xp.isreal(a), xp.iscomplex(a), xp.isreal(a.real)


@pytest.mark.parametrize("dtype", ALL)
def test_isrealobj_iscomplexobj_read_only_the_dtype(dtype):
    class Holder:       # stands for a device array: only its dtype may be read
        def __init__(self, dt):
            self.dtype = np.dtype(dt)

    h = Holder(dtype)
    assert cuarray.iscomplexobj(h) == np.iscomplexobj(np.zeros(1, dtype))
    assert cuarray.isrealobj(h) == np.isrealobj(np.zeros(1, dtype))
    assert cuarray.iscomplexobj([1, 2j]) and cuarray.isrealobj(3.0)


# -- isposinf, isneginf ---------------------------------------------------------------------------
@gpu
@testing.for_all_dtypes()
@testing.numpy_compare(accept_error=TypeError)
def test_isposinf_isneginf(xp, dtype):
    a = xp.asarray(special(dtype, seed=63))
    return xp.isposinf(a), xp.isneginf(a)


@gpu
@pytest.mark.parametrize("out_dtype", ["bool", "int8", "float32"])
@testing.numpy_compare()
def test_isposinf_isneginf_out(xp, out_dtype):
    a = xp.asarray(special("float64", seed=64)).reshape(5, 8)
    o1, o2 = xp.ones((5, 8), out_dtype), xp.ones((5, 8), out_dtype)
    return xp.isposinf(a, out=o1) is o1, xp.isneginf(a.T, o2.T) is not None, o1, o2


@gpu
@pytest.mark.parametrize("value", [np.inf, -np.inf, 1.0, 3, np.float16(-np.inf)])
@testing.numpy_compare()
def test_isposinf_isneginf_scalars(xp, value):
    return xp.isposinf(value), xp.isneginf(value)


@pytest.mark.parametrize("fn", ["isposinf", "isneginf"])
def test_isposinf_complex_raises_without_gpu(fn):
    with pytest.raises(TypeError, match="ambiguous"):
        getattr(cuarray, fn)(1 + 1j)


# -- real_if_close --------------------------------------------------------------------------------
@gpu
@testing.for_dtypes(["complex64", "complex128", "float32", "int8", "bool"])
@pytest.mark.parametrize("imag", [0.0, 1e-10, 1e-5, 1.0, np.nan])
@pytest.mark.parametrize("tol", [100, 1e-3, 1, np.float64(1e-8)])
@testing.numpy_compare()
def test_real_if_close(xp, dtype, imag, tol):
    base = testing.random_array(np, (4, 5), dtype, seed=65)
    if base.dtype.kind == "c":
        base = base.real.astype(dtype)
        base[2, 3] += 1j * imag
    return xp.real_if_close(xp.asarray(base), tol=tol)


@gpu
@pytest.mark.parametrize("layout", ["F", "negative_stride", "sliced", "broadcast"])
@testing.numpy_compare()
def test_real_if_close_layouts(xp, layout):
    a = testing.random_array(xp, (6, 7), "complex128", seed=66, layout=layout)
    return xp.real_if_close(a.real + 0j), xp.real_if_close(a)


@gpu
@testing.numpy_compare()
def test_real_if_close_empty_and_zero_d(xp):
    return (xp.real_if_close(xp.zeros((0, 3), "complex64")),
            xp.real_if_close(xp.asarray(np.complex128(2 + 1e-20j))))


@gpu
@testing.numpy_compare()
def test_numpy_functions_dispatch_here(xp):
    # NumPy's functions called on device arrays run these routines (NEP 18), unchanged.
    if xp is cuarray and not hasattr(cuarray.ndarray, "__array_function__"):
        pytest.skip("ndarray.__array_function__ is not installed")
    a = testing.random_array(xp, (3, 4), "float32", seed=67)
    c = testing.random_array(xp, (3, 4), "bool", seed=68)
    return (np.clip(a, -1, 1), np.where(c, a, 0), np.round(a, 1), np.isclose(a, a),
            np.nan_to_num(a), np.real(a), np.angle(a), np.result_type(a, 1.0))


# -- no host round trips --------------------------------------------------------------------------
@pytest.mark.parametrize("fn", ["clip", "nan_to_num", "angle", "around", "fix", "sinc", "i0",
                                "isclose", "isposinf", "isneginf", "isreal", "iscomplex"])
def test_host_arrays_are_rejected(fn):
    a = np.ones(3)
    args = {"clip": (a, 0, 1), "isclose": (a, a)}.get(fn, (a,))
    with pytest.raises(TypeError, match="numpy.ndarray"):
        getattr(cuarray, fn)(*args)


def test_i0_complex_raises_without_gpu():
    with pytest.raises(TypeError, match="complex"):
        cuarray.i0(1j)


@pytest.mark.parametrize("case", ["missing_max", "both_forms"])
def test_clip_argument_errors_without_gpu(case):
    with pytest.raises(TypeError if case == "missing_max" else ValueError):
        if case == "missing_max":
            cuarray.clip(1.0, 0)
        else:
            cuarray.clip(1.0, 0, 1, max=2)


# =================================================================================================
# CPU: every kernel the routines generate compiles for sm_90
# =================================================================================================
def _plans():
    """(id, plan, array storage dtypes or None) for every routine and dtype."""
    out = []
    dts = [np.dtype(d) for d in ALL]

    def add(name, fn, *args, storage=None):
        try:
            out.append((name, fn(*args), storage))
        except TypeError:       # NumPy has no loop: the routine raises before any kernel
            pass

    for d in dts:
        for variant, n in (("clip", 3), ("maximum", 2), ("minimum", 2), ("positive", 1)):
            add(f"clip-{variant}-{d}", _math.clip_plan, variant, (d,) * n)
        add(f"clip-weak-{d}", _math.clip_plan, "clip", (d, int, float))
        if d.kind in "fc":
            add(f"nan_to_num-{d}", _math.nan_to_num_plan, d)
        for deg in (False, True):
            add(f"angle-{d}-{deg}", _math.angle_plan, d, deg)
        for dec in (0, 2, -2):
            if d.kind not in "iu" or dec < 0:
                add(f"round-{d}-{dec}", _math.round_plan, d, dec)
        for od in ("float16", "float64", "complex128"):
            add(f"round-{d}-out-{od}", _math.round_plan, d, 2, np.dtype(od))
        add(f"fix-{d}", _math.fix_plan, d)
        add(f"sinc-{d}", _math.sinc_plan, d)
        add(f"i0-{d}", _math.i0_plan, d)
        add(f"isposinf-{d}", _logic._inf_plan, d, False)
        add(f"isneginf-{d}", _logic._inf_plan, d, True)
        for cd in (np.dtype(bool), np.dtype("float16"), np.dtype("complex64"), d):
            add(f"where-{cd}-{d}", _search.where_plan, cd, d, storage=(cd, d, d))
        for b in (np.zeros(1, d), 2.5, np.float16(1)):
            add(f"isclose-{d}-{type(b).__name__}",
                lambda b=b: _logic.isclose_plan(np.zeros(1, d), b, 1e-8, 1e-5, True)[0])
    return out


PLANS = _plans()


def _source(plan, storage=None, name="k", variant="flat"):
    in_compute = tuple(COMPUTE.get(d, d) for d in plan.in_dtypes)
    in_storage = tuple(storage or plan.in_dtypes)
    out_compute = COMPUTE.get(plan.out_dtype, plan.out_dtype)
    return _src.elementwise_source(name, plan.op.body, plan.op.preamble, in_storage, in_compute,
                                   (plan.out_dtype,), (out_compute,),
                                   _src.Layout("a" * len(in_storage), variant, "int"))


def _batch(sources) -> str:
    """Several kernel sources as one program: each in its own namespace (so that preambles
    may repeat), with the headers and the half-rounding helper hoisted to the top (they
    must not land inside a namespace).  Kernel i is named ``k<i>``."""
    head, bodies = [], []
    half = False
    for i, src in enumerate(sources):
        if _el.HALF_ROUND in src:
            src, half = src.replace(_el.HALF_ROUND, ""), True
        lines = src.split("\n")
        n = 0
        while lines[n].startswith("#include"):
            if lines[n] not in head:
                head.append(lines[n])
            n += 1
        rest = "\n".join(lines[n:])
        bodies.append(f"namespace ns{i} {{\n{rest}\n}}\n")
    return "\n".join(head) + "\n" + (_el.HALF_ROUND if half else "") + "".join(bodies)


BY_DTYPE = {d: [(n, p, s) for n, p, s in PLANS if f"-{d}" in n] for d in ALL}


@pytest.mark.parametrize("dtype", ALL)
def test_every_kernel_compiles_for_sm90(dtype):
    kernels = BY_DTYPE[dtype]
    src = _batch([_source(p, s, name=f"k{i}") for i, (_, p, s) in enumerate(kernels)])
    cubin, _ = compiler.compile_to_cubin(src, arch="sm_90")
    assert cubin and len(kernels) > 5


@pytest.mark.parametrize("variant", ["vec4", "nd3"])
def test_strided_and_vector_variants_compile(variant):
    plan = _math.clip_plan("clip", (np.dtype("float16"),) * 3)
    assert compiler.compile_to_cubin(_source(plan, variant=variant), arch="sm_90")[0]


@pytest.mark.parametrize("dtype", testing.COMPLEX)
@pytest.mark.parametrize("cmp", ["float32", "float64"])
def test_real_if_close_kernel_compiles(dtype, cmp):
    _, src = _math.real_if_close_source(np.dtype(dtype), np.dtype(cmp))
    assert compiler.compile_to_cubin(src, arch="sm_90")[0]


def test_plans_match_numpy_result_dtypes():
    for name, plan, _ in PLANS:
        if name.startswith(("fix-", "sinc-", "i0-")):
            d = np.dtype(name.split("-")[1])
            ref = getattr(np, name.split("-")[0])(np.zeros(2, d))
            assert plan.out_dtype == ref.dtype, name


# =================================================================================================
# CPU: the same kernel sources run on the host against NumPy
# =================================================================================================
_SHIM = r"""
#include <math.h>
#include <cmath>
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __constant__
struct cuarray_dim3_ { unsigned x, y, z; };
static const cuarray_dim3_ blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0};
static const cuarray_dim3_ blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
static inline double __dmul_rn(double a, double b) { return a * b; }
static inline float __fmul_rn(float a, float b) { return a * b; }
"""
# cuda_fp16.h's conversions, on the host compiler's _Float16 (round to nearest even).
_FP16 = r"""
#pragma once
typedef _Float16 __half;
static inline float __half2float(__half h) { return (float)h; }
static inline __half __float2half(float f) { return (__half)f; }
static inline __half __double2half(double d) { return (__half)d; }
"""


class _HostRunner:
    """Compiles generated kernels with the host C++ compiler and runs them over NumPy arrays.

    With one block of one thread, a kernel's grid-stride loop visits every element in
    order; the shim maps the few CUDA names the kernels use onto host C++.  Host libm
    stands in for CUDA's math functions, so this checks the kernels' logic and dtype flow;
    the GPU tests check the device results.  ``run`` takes a batch of (plan, inputs) and
    compiles them as one program.
    """

    def __init__(self, cxx, workdir):
        self.cxx, self.dir, self.libs = cxx, workdir, {}
        (workdir / "cuda_fp16.h").write_text(_FP16)

    def _lib(self, src):
        key = hashlib.sha256(src.encode()).hexdigest()[:20]
        if key not in self.libs:
            cpp, so = self.dir / f"{key}.cpp", self.dir / f"{key}.so"
            cpp.write_text(_SHIM + src)
            subprocess.run([self.cxx, "-O1", "-std=c++17", "-ffp-contract=off", "-shared",
                            "-fPIC", f"-I{self.dir}", f"-I{compiler._INCLUDE_DIR}", str(cpp),
                            "-o", str(so)], check=True, capture_output=True, text=True)
            self.libs[key] = ctypes.CDLL(str(so))
        return self.libs[key]

    @staticmethod
    def _prepare(plan, inputs):
        """Operands as elementwise.apply passes them: arrays broadcast (made contiguous here),
        scalars converted to their loop dtype and then the compute dtype."""
        shapes = [x.shape for x in inputs if isinstance(x, np.ndarray)]
        shape = np.broadcast_shapes(*shapes) if shapes else ()
        arrays, storage = [], []
        for x, d in zip(inputs, plan.in_dtypes):
            c = COMPUTE.get(d, d)
            if isinstance(x, np.ndarray):
                arrays.append(np.ascontiguousarray(np.broadcast_to(x, shape)))
                storage.append(x.dtype)
            else:       # by value in the real launch; an array of the same value here
                v = _el.scalar_as(x, d)
                arrays.append(np.full(shape, v if d == c else v.astype(c), dtype=c))
                storage.append(c)
        return arrays, storage, np.empty(shape, plan.out_dtype)

    def run(self, cases):
        """[(plan, inputs)] -> [output array]."""
        prepared = [self._prepare(p, x) for p, x in cases]
        src = _batch([_source(p, st, name=f"k{i}")
                      for i, ((p, _), (_, st, _)) in enumerate(zip(cases, prepared))])
        lib = self._lib(src)
        for i, (arrays, _, out) in enumerate(prepared):
            if out.size:
                ptrs = [a.ctypes.data_as(ctypes.c_void_p) for a in (*arrays, out)]
                getattr(lib, f"k{i}")(*ptrs, ctypes.c_int(out.size))
        return [out for _, _, out in prepared]


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    cxx = shutil.which("g++") or shutil.which("clang++")
    if cxx is None:
        pytest.skip("no host C++ compiler to run the kernels with")
    try:
        runner = _HostRunner(cxx, tmp_path_factory.mktemp("routine_kernels"))
        runner.run([(_math.fix_plan(np.dtype("float16")), [np.zeros(1, np.float16)])])
    except subprocess.CalledProcessError as e:     # e.g. no _Float16 on this compiler
        pytest.skip(f"the host compiler cannot build the kernels: {e.stderr[:200]}")
    return runner


HOST_TOL = {"float16": 1e-3, "float32": 1e-6, "float64": 1e-13}


def _check_all(results, refs, tol=None, labels=None):
    for i, (got, ref) in enumerate(zip(results, refs)):
        label = labels[i] if labels else i
        ref = np.asarray(ref)
        assert got.dtype == ref.dtype and got.shape == ref.shape, label
        if tol is None or got.dtype.kind not in "fc":
            same = (got == ref) | ((got != got) & (ref != ref))
            assert same.all(), (label, ref[~same][:8], got[~same][:8])
        else:
            r = HOST_TOL[_math._real_dtype(got.dtype).name] * tol
            np.testing.assert_allclose(got, ref, rtol=r, atol=r, equal_nan=True,
                                       err_msg=str(label))


def _three(dtype):
    return special(dtype, 64, seed=1), special(dtype, 64, seed=2), special(dtype, 64, seed=3)


@pytest.fixture(autouse=True)
def _quiet_numpy():
    # Overflow in casts (1e300 into float32, 1e5 into float16) warns on both sides alike.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


@pytest.mark.parametrize("dtype", ALL)
def test_host_clip(host, dtype):
    a, b, c = _three(dtype)
    d = np.dtype(dtype)
    ordered = (np.minimum(b, c), np.maximum(b, c)) if d.kind != "c" else (c, b)
    cases, refs = [], []
    for lo, hi in ((b, c), ordered):
        cases.append((_math.clip_plan("clip", (d, d, d)), [a, lo, hi]))
        refs.append(np.clip(a, lo, hi))
    if d.kind != "b":
        cases += [(_math.clip_plan("maximum", (d, d)), [a, b]),
                  (_math.clip_plan("minimum", (d, d)), [a, b])]
        refs += [np.clip(a, b, None), np.clip(a, None, b)]
    cases.append((_math.clip_plan("clip", (d, int, float)), [a, -3, 4.5]))
    refs.append(np.clip(a, -3, 4.5))
    _check_all(host.run(cases), refs)


NAN_TO_NUM_VALUES = [(0.0, None, None), (5.0, 1e3, -1e3), (-1.5, 2, None), (7, 1e300, -1e300)]


@pytest.mark.parametrize("dtype", INEXACT)
def test_host_nan_to_num(host, dtype):
    a = special(dtype, 64)
    r = _math._real_dtype(np.dtype(dtype))
    fi = np.finfo(r)
    cases, refs = [], []
    for nan, pinf, ninf in NAN_TO_NUM_VALUES:
        v = [_math._copyto_value(x, r) for x in
             (nan, fi.max if pinf is None else pinf, fi.min if ninf is None else ninf)]
        cases.append((_math.nan_to_num_plan(np.dtype(dtype)), [a, *v]))
        refs.append(np.nan_to_num(a, nan=nan, posinf=pinf, neginf=ninf))
    _check_all(host.run(cases), refs)


@pytest.mark.parametrize("dtype", ALL)
def test_host_angle(host, dtype):
    a = special(dtype, 64)
    cases = [(_math.angle_plan(a.dtype, False), [a]),
             (_math.angle_plan(a.dtype, True), [a, 180 / np.pi])]
    _check_all(host.run(cases), [np.angle(a), np.angle(a, True)], tol=1)


DECIMALS = [0, 1, 2, 3, -1, -2, 5, 10, -12]


@pytest.mark.parametrize("dtype", ALL)
def test_host_round(host, dtype):
    d = np.dtype(dtype)
    a = special(dtype, 64)
    if d.kind in "iu":      # keep integer results in range (see around's docstring)
        a = (a // 4).astype(d)
    cases, refs, labels = [], [], []
    for dec in DECIMALS:
        if d.kind in "iu" and dec >= 0:
            continue        # a copy, no kernel
        try:
            plan = _math.round_plan(d, dec)
        except TypeError:
            with pytest.raises(TypeError):
                np.round(a, dec)
            continue
        f = _math._power_of_ten(abs(dec))
        cases.append((plan, [a, f, f][:plan.op.nin]))
        refs.append(np.round(a, dec))
        labels.append(dec)
    if cases:
        _check_all(host.run(cases), refs, labels=labels)


@pytest.mark.parametrize("dtypes", [("float32", "float16"), ("float16", "float64"),
                                    ("float64", "float32"), ("int16", "float32"),
                                    ("float32", "complex128"), ("float64", "complex64")])
def test_host_round_into_other_out_dtype(host, dtypes):
    a = special(dtypes[0], 64)
    cases, refs = [], []
    for dec in (0, 2, -1):
        out = np.zeros(a.shape, dtypes[1])
        np.round(a, dec, out=out)
        refs.append(out)
        plan = _math.round_plan(a.dtype, dec, np.dtype(dtypes[1]))
        f = _math._power_of_ten(abs(dec))
        cases.append((plan, [a, f, f][:plan.op.nin]))
    got = [g.astype(dtypes[1]) for g in host.run(cases)]
    _check_all(got, refs)


@pytest.mark.parametrize("dtype", ALL)
def test_host_fix_sinc_i0(host, dtype):
    a = special(dtype, 64)
    d = a.dtype
    sinc = _math.sinc_plan(d)
    lt = sinc.out_dtype
    cases = [(sinc, [a, np.pi, np.finfo(lt).eps if lt.kind == "f" else 1e-20])]
    refs = [np.sinc(a)]
    if d.kind != "c":
        wide = np.concatenate([a, np.linspace(-12, 12, 97).astype(d)]) if d.kind == "f" else a
        cases += [(_math.i0_plan(d), [wide])]
        refs += [np.i0(wide)]
    results = host.run(cases)
    _check_all(results, refs, tol=2)
    if d.kind != "c":
        _check_all(host.run([(_math.fix_plan(d), [a])]), [np.fix(a)])


@pytest.mark.parametrize("dtype", ALL)
def test_host_isposinf_isneginf(host, dtype):
    a = special(dtype, 64)
    if a.dtype.kind == "c":
        for negative in (False, True):
            with pytest.raises(TypeError, match="ambiguous"):
                _logic._inf_plan(a.dtype, negative)
        return
    cases = [(_logic._inf_plan(a.dtype, False), [a]), (_logic._inf_plan(a.dtype, True), [a])]
    _check_all(host.run(cases), [np.isposinf(a), np.isneginf(a)])


WHERE_OTHERS = ["same", 3, 2.5, 1000, True, 1j, "int8", "float32"]


@pytest.mark.parametrize("dtype", ALL)
def test_host_where(host, dtype):
    c, x, y0 = _three(dtype)
    cases, refs, labels = [], [], []
    for other in WHERE_OTHERS:
        if isinstance(other, str):
            y = y0 if other == "same" else special(other, 64, seed=4)
        else:
            y = other
        try:
            ref = np.where(c, x, y)
        except OverflowError as e:      # NumPy > 2.4: a Python int the result dtype lacks
            with pytest.raises(OverflowError, match=re.escape(str(e))):
                _search.where_dtype(x, y)
            continue
        dt = _search.where_dtype(x, y)
        ys = y if isinstance(y, np.ndarray) else _search._result_operand(y, dt)
        cases.append((_search.where_plan(c.dtype, dt), [c, x, ys]))
        refs.append(ref)
        labels.append(other)
    _check_all(host.run(cases), refs, labels=labels)


WHERE_SCALARS = [0, 1, -1, 127, 128, 255, 256, -129, 1000, 2**31, 2**32, -2**63, 2**63 - 1,
                 2**63, 2**64 - 1, 2**64, -2**63 - 1, True, False, 2.5, -1e300, 1e40, 1j,
                 np.float32(1.5), np.int8(3), np.uint64(7), np.float16(2), np.bool_(True)]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("dtype", ALL)
def test_where_dtype_is_numpys(dtype):
    # The result dtype, or the error, of the installed NumPy's where, for every operand pair
    # in both orders (asked twice: the second answer comes from the memo).
    a = np.zeros(3, dtype)
    for v in WHERE_SCALARS:
        for x, y in ((a, v), (v, a), (v, 1), (2.5, v)):
            try:
                ref = np.where(np.array([True, False, True]), x, y).dtype
            except (OverflowError, TypeError) as e:
                for _ in range(2):
                    with pytest.raises(type(e), match=re.escape(str(e))):
                        _search.where_dtype(x, y)
                continue
            for _ in range(2):
                assert _search.where_dtype(x, y) == ref, (x, y)


ISCLOSE_CASES = ["same", "near", "other", "wide_tol", "weak_b", "strong_tols", "int_b",
                 "array_tols", "weak_x"]


@pytest.mark.parametrize("dtype", ALL)
def test_host_isclose(host, dtype):
    a0, b0, _ = _three(dtype)
    cases, refs, labels = [], [], []
    for case in ISCLOSE_CASES:
        a, b, rtol, atol = a0, b0, 1e-5, 1e-8
        if case == "same":
            b = a.copy()
        elif case == "near":
            b = (a * (1 + 3e-6)).astype(a.dtype) if a.dtype.kind in "fc" else a
        elif case == "wide_tol":
            rtol, atol = 0.5, 1.0
        elif case == "weak_b":
            b = 2.5
        elif case == "strong_tols":
            rtol, atol = np.float32(0.1), np.float64(0.5)
        elif case == "int_b":
            b = 3
        elif case == "array_tols":
            rtol = np.linspace(0, 1, a.size).astype(np.float32)
            atol = np.linspace(0, 2, a.size)
        elif case == "weak_x":
            a = 1.5
        for equal_nan in (False, True):
            plan, inputs = _logic.isclose_plan(a, b, atol, rtol, equal_nan)
            cases.append((plan, inputs))
            refs.append(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))
            labels.append((case, equal_nan))
    _check_all(host.run(cases), refs, labels=labels)
