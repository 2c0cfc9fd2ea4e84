"""The math ufuncs (exponents and logarithms, trigonometry, floating-point functions) against NumPy.

Driven by the ufunc tables plus the small override tables below.  One test per
(ufunc, input dtype) over every dtype cuarray stores: that reaches each of
NumPy's loops, the float loops integer and bool inputs resolve to (sqrt(int8)
runs the float16 loop, sqrt(int32) the float64 one), and NumPy's TypeError where
it has no loop.  Then special values (signed zeros, infinities, NaN, subnormals,
extremes), out= and where=, and scalar operands.
"""

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._ufunc.defs import explog, floating, trig

pytestmark = pytest.mark.gpu

NAMES = sorted({n for m in (explog, trig, floating) for n in m.__all__
                if getattr(m, n).__name__ == n})          # aliases (acos, ...) are the same objects
BINARY = [n for n in NAMES if getattr(np, n).nin == 2]

# -- overrides --------------------------------------------------------------------------------
# Input domains (low, high) where the default (-10, 10) would give mostly NaN; values outside
# them are covered by test_out_of_domain and the special values.  Complex inputs always use the
# default square.
DOMAIN = {"arcsin": (-1, 1), "arccos": (-1, 1), "arctanh": (-1, 1), "arccosh": (1, 10),
          "log": (0, 10), "log2": (0, 10), "log10": (0, 10), "log1p": (-1, 10), "sqrt": (0, 10)}
# ldexp's second operand is an exponent: NumPy's loops take int32 and int64.
EXPONENT_RANGE = (-30, 30)
# Integer inputs over their type's whole range: wrap-around, INT_MIN and unsigned extremes.
FULL_INT_RANGE = {"square", "sign", "fmod", "floor", "ceil", "trunc", "isnan", "isinf",
                  "isfinite"}
# Results without rounding error, or one correctly rounded operation on both sides (sqrt,
# 1/x, x*x, x * (180/pi)): compared exactly, and the sign of zero results too.
EXACT = {"floor", "ceil", "trunc", "rint", "fabs", "isnan", "isinf", "isfinite", "signbit",
         "copysign", "nextafter", "spacing", "frexp", "ldexp", "modf", "fmod", "sign",
         "heaviside", "degrees", "radians", "deg2rad", "rad2deg", "square", "reciprocal", "sqrt"}
EXACT_COMPLEX = {"rint", "isnan", "isinf", "isfinite"}
# The rest: CUDA's math functions are documented to 1-4 ulp, NumPy's (libm or SIMD) likewise,
# so a few ulp of the result dtype either way; complex results compose several functions.
RTOL = {"float16": 1e-3, "float32": 2e-6, "float64": 1e-14,
        "complex64": 4e-6, "complex128": 1e-13}
# Special values get an absolute tolerance of a few subnormals instead (results like
# arctan2(tiny, 100) may round differently in the last subnormal place).
SUBNORMAL_ATOL = {"float16": 2 * 2.0**-24, "float32": 3e-45, "float64": 1e-323,
                  "complex64": 3e-45, "complex128": 1e-323}


def tolerance(name, atol=None):
    """numpy_compare's rtol/atol for ``name``: exact, or RTOL per result dtype."""
    rtol = {}
    for dt, r in RTOL.items():
        exact = name in (EXACT_COMPLEX if dt.startswith("complex") else EXACT)
        rtol[dt] = 0.0 if exact else r
    atol = {dt: 0.0 if rtol[dt] == 0 else (r if atol is None else atol[dt])
            for dt, r in rtol.items()}
    return {"rtol": rtol, "atol": atol}


def operand(xp, name, dtype, shape, seed, layout="C"):
    """A random first operand for ``name``, within its domain."""
    dtype = np.dtype(dtype)
    low, high = DOMAIN.get(name, (None, None))
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        if name in FULL_INT_RANGE:
            low, high = int(info.min), int(info.max)
        elif low is not None:
            low, high = max(int(low), int(info.min)), int(high) + 1
    elif dtype.kind == "c":
        low, high = None, None
    # 1/0 in integers is a documented difference (test_reciprocal_of_integer_zero).
    nonzero = name == "reciprocal" and dtype.kind in "biu"
    return testing.random_array(xp, shape, dtype, seed=seed, low=low, high=high,
                                layout=layout, nonzero=nonzero)


def second(xp, name, dtype, shape, seed, layout="C", exponent="int32"):
    """The second operand of a binary ufunc: the same dtype, or ldexp's integer exponent."""
    if name == "ldexp":
        return testing.random_array(xp, shape, exponent, seed=seed, low=EXPONENT_RANGE[0],
                                    high=EXPONENT_RANGE[1], layout=layout)
    dtype = np.dtype(dtype)
    if dtype.kind in "iu" and name == "fmod":
        info = np.iinfo(dtype)
        return testing.random_array(xp, shape, dtype, seed=seed, low=int(info.min),
                                    high=int(info.max), layout=layout)
    return testing.random_array(xp, shape, dtype, seed=seed, layout=layout)


def with_zero_signs(xp, result):
    """``result`` plus 1/result for float results: assert_allclose takes -0.0 == 0.0, but
    1/-0.0 = -inf differs from 1/0.0 = inf (and NaNs stay NaN, whatever their sign)."""
    if isinstance(result, (tuple, list)):
        return type(result)(with_zero_signs(xp, r) for r in result)
    if result.dtype.kind == "f":
        with np.errstate(divide="ignore", over="ignore"):
            return result, xp.divide(1, result)
    return result


def call(xp, name, *args, **kwargs):
    with np.errstate(all="ignore"):    # NumPy warns for log(0), 0/0, ...; a GPU does not
        return getattr(xp, name)(*args, **kwargs)


# -- every loop ---------------------------------------------------------------------------------
# (layout, shape): contiguous, 0-d, empty, empty with a non-empty axis, Fortran-ordered
# (transposed), negative strides, strided.  The layouts exercise the engine, the same for every
# body: integer and bool inputs run the first two only (each compiles new kernels).
CASES = [("C", (2, 3)), ("C", ()), ("C", (0,)), ("C", (3, 0)), ("transposed", (5, 6)),
         ("negative_stride", (9,)), ("sliced", (4, 5))]


@pytest.mark.parametrize("dtype", testing.ALL)
@pytest.mark.parametrize("name", NAMES)
def test_loop(name, dtype):
    cases = CASES if np.dtype(dtype).kind in "fc" else CASES[:2]
    binary = name in BINARY

    # NumPy has no loop for some dtypes (fabs of complex, sign of bool): the same TypeError.
    @testing.numpy_compare(accept_error=TypeError, **tolerance(name))
    def check(xp):
        results = []
        for seed, (layout, shape) in enumerate(cases):
            args = [operand(xp, name, dtype, shape, seed, layout)]
            if binary:
                args.append(second(xp, name, dtype, shape, seed + 100, layout))
            results.append(call(xp, name, *args))
        if binary:      # broadcasting both ways, and ldexp's int64 exponent loop
            a = operand(xp, name, dtype, (2, 3), 50)
            b = second(xp, name, dtype, (3,), 51, exponent="int64")
            results.append(call(xp, name, a, b))
            if name != "ldexp":
                results.append(call(xp, name, b, a))
        return with_zero_signs(xp, results) if name in EXACT else results
    check()


# -- special values -------------------------------------------------------------------------


def special_values(dtype):
    fi = np.finfo(dtype)
    values = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, -0.5, 1.5, -2.5, 2.0, 3.0,
              -3.0, 100.0, -100.0, fi.eps, 1 + fi.eps, fi.tiny, -fi.tiny, fi.max, -fi.max,
              fi.smallest_subnormal, -fi.smallest_subnormal, 3 * fi.smallest_subnormal]
    if dtype != "float16":
        # A negative NaN (signbit and copysign see its sign).  Not for float16: the loop
        # computes in float32, and whether half-to-float conversion on the GPU keeps a NaN's
        # sign is not specified.
        values.append(-np.nan)
    return np.array(values, dtype)


EXPONENTS = [0, 1, -1, 10, -10, 24, -24, 150, -150, 1100, -1100, 2**31 - 1, -2**31]
# Before 2.5, NumPy's float16 nextafter(x, y) returned x where x == y, so nextafter(0.0, -0.0)
# was 0.0 (numpy/numpy#31472); cuarray returns y there, as C, NumPy's float32 and float64 loops
# and NumPy 2.5 do.  With an older NumPy the reference takes y there too.
OLD_HALF_NEXTAFTER = not np.signbit(np.nextafter(np.float16(0.0), np.float16(-0.0)))


@pytest.mark.parametrize("dtype", testing.FLOATING)
@pytest.mark.parametrize("name", NAMES)
def test_special_values(name, dtype):
    """Every special value, and for binary ufuncs every pair of them (broadcast outer)."""
    values = special_values(dtype)

    @testing.numpy_compare(**tolerance(name, SUBNORMAL_ATOL))
    def check(xp):
        x = xp.asarray(values)
        if name == "ldexp":
            e32 = xp.asarray(np.array(EXPONENTS, "int32"))
            e64 = xp.asarray(np.array(EXPONENTS + [2**40, -2**40, 2**62, -2**62], "int64"))
            result = (call(xp, name, x[:, None], e32), call(xp, name, x[:, None], e64))
        elif name in BINARY:
            result = call(xp, name, x[:, None], x)
            if name == "nextafter" and dtype == "float16" and xp is np and OLD_HALF_NEXTAFTER:
                result = np.where(x[:, None] == x, np.broadcast_to(x, result.shape), result)
        else:
            result = call(xp, name, x)
        return with_zero_signs(xp, result) if name in EXACT else result
    check()


def complex_special_values(dtype):
    parts = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -3.0, np.inf, -np.inf, np.nan, 1e30]
    re, im = np.meshgrid(parts, parts)
    z = np.empty(re.size, dtype)      # not re + 1j*im: 1j * inf is nan+infj
    z.real, z.imag = re.ravel(), im.ravel()
    return z


COMPLEX_NAMES = [n for n in NAMES if any(t.startswith("D") for t in getattr(np, n).types)]


@pytest.mark.parametrize("dtype", testing.COMPLEX)
@pytest.mark.parametrize("name", COMPLEX_NAMES)
def test_complex_special_values(name, dtype):
    """Infinities, NaNs and signed zeros in either part (C99 Annex G, as NumPy's loops)."""
    values = complex_special_values(dtype)

    @testing.numpy_compare(**tolerance(name, SUBNORMAL_ATOL))
    def check(xp):
        return call(xp, name, xp.asarray(values))
    check()


@pytest.mark.parametrize("dtype", testing.FLOATING)
@pytest.mark.parametrize("name", ["arcsin", "arccos", "arctanh", "arccosh", "log", "log2",
                                  "log10", "log1p", "sqrt"])
def test_out_of_domain(name, dtype):
    """Real inputs outside the domain give NaN (or -inf at the edge), as in NumPy."""

    @testing.numpy_compare(**tolerance(name))
    def check(xp):
        x = testing.random_array(xp, (40,), dtype, seed=7, low=-5, high=5)
        return call(xp, name, x), call(xp, name, xp.asarray(np.array([-1, 1, 0], dtype)))
    check()


# -- integer specifics ----------------------------------------------------------------------------


@testing.numpy_compare()
@pytest.mark.parametrize("dtype", testing.INTEGER)
def test_fmod_integer_edge_cases(xp, dtype):
    """The remainder takes the dividend's sign; x % 0 and MIN % -1 give 0 (NumPy: 0 and a
    warning for the first, 0 for the second)."""
    info = np.iinfo(dtype)
    values = [info.min, info.min + 1, -7, -1, 0, 1, 2, 7, info.max - 1, info.max]
    x = xp.asarray(np.array([v for v in values if info.min <= v <= info.max], dtype))
    return call(xp, "fmod", x[:, None], x)


@pytest.mark.parametrize("dtype", testing.INTEGER)
def test_reciprocal_of_integer_zero(dtype):
    # Documented difference: NumPy's result is the C conversion of 1/0.0 = inf (undefined
    # behaviour, platform-dependent); cuarray gives 0, as for integer division by zero.
    x = cuarray.asarray(np.array([0, 1, 2, 0], dtype))
    np.testing.assert_array_equal(cuarray.reciprocal(x).get(), np.array([0, 1, 0, 0], dtype))


# -- out=, where=, scalars ------------------------------------------------------------------------

# Outputs of a wider dtype of the same kind (same_kind casting): float32 results into float64,
# bool into int8, frexp's int32 exponent into int64.
WIDER = {"float32": "float64", "bool": "int8", "int32": "int64"}


def _inputs(xp, name, shape, seed):
    args = [operand(xp, name, "float32", shape, seed)]
    if name in BINARY:
        args.append(second(xp, name, "float32", shape, seed + 1))
    return args


@pytest.mark.parametrize("name", NAMES)
def test_out_with_another_dtype(name):
    # The loop computes in float32 and casts into the wider out: float32's tolerance applies.
    tol = tolerance(name)
    for key in ("rtol", "atol"):
        tol[key]["float64"] = tol[key]["float32"]

    @testing.numpy_compare(**tol)
    def check(xp):
        args = _inputs(xp, name, (3, 4), 20)
        dts = getattr(np, name).resolve_dtypes(tuple(a.dtype for a in args) + (None,) *
                                               getattr(np, name).nout)[len(args):]
        outs = tuple(xp.zeros((3, 4), WIDER[d.name]) for d in dts)
        result = call(xp, name, *args, out=outs if len(outs) > 1 else outs[0])
        return result, outs
    check()


@pytest.mark.parametrize("name", NAMES)
def test_where(name):
    """Elements where the mask is False keep out's previous values."""

    @testing.numpy_compare(**tolerance(name))
    def check(xp):
        args = _inputs(xp, name, (3, 4), 30)
        mask = testing.random_array(xp, (4,), "bool", seed=31)      # broadcast to (3, 4)
        ref = call(xp, name, *args)
        refs = ref if isinstance(ref, tuple) else (ref,)
        outs = tuple(xp.full((3, 4), 7, r.dtype) for r in refs)
        call(xp, name, *args, out=outs if len(outs) > 1 else outs[0], where=mask)
        return outs
    check()


SCALARS = [2.5, -0.0, 3, True, np.float32(0.75), np.float64(-1.25), np.int8(3)]
# ldexp's second operand is an exponent: integer scalars only.
SCALAR_CASES = [(name, scalar) for name in BINARY for scalar in SCALARS
                if name != "ldexp" or isinstance(scalar, (int, np.integer))]


@pytest.mark.parametrize("dtype", ["float16", "float64", "int16"])
@pytest.mark.parametrize("name, scalar", SCALAR_CASES, ids=repr)
def test_scalar_operands(name, scalar, dtype):
    """Python scalars are weak (NEP 50: float16 array op 2.5 stays float16); NumPy scalars
    are typed.  Both positions, and scalar op scalar (a 0-d result)."""

    @testing.numpy_compare(**tolerance(name))
    def check(xp):
        a = operand(xp, name, dtype, (5,), 40)
        results = [call(xp, name, a, scalar), call(xp, name, scalar, scalar)]
        if name != "ldexp":
            results.append(call(xp, name, scalar, a))
        return results
    check()
