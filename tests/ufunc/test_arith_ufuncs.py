"""Arithmetic, integer, bitwise, logical, comparison and extremum ufuncs against NumPy.

Table-driven: every NumPy loop on cuarray's dtypes of every ufunc below runs on random
inputs (C-contiguous, 0-d, empty, transposed and negative-stride, broadcast) and on
every pair of special values (INT_MIN, INT_MAX, 0, -1, nan, +-inf, -0.0), with
ufunc-specific input domains only where NumPy itself errors (negative integer powers)
or where a domain exercises the interesting range (shift counts beyond the bit width).
Then Python and NumPy scalar operands (NEP 50), out=/where=/dtype=/casting=, integer
wrap-around and the documented GPU differences.  NumPy runs under
``errstate(all="ignore")``: its integer // 0 and % 0 give 0 with a warning, as cuarray
gives 0 without one.
"""

import numpy
import pytest

import cuarray
from cuarray import testing
from cuarray._ufunc.spec import numpy_loops

pytestmark = pytest.mark.gpu

UNARY = ["negative", "positive", "absolute", "conjugate", "invert", "bitwise_count",
         "logical_not"]
BINARY = ["add", "subtract", "multiply", "divide", "floor_divide", "remainder", "divmod",
          "gcd", "lcm", "maximum", "minimum", "fmax", "fmin", "bitwise_and", "bitwise_or",
          "bitwise_xor", "left_shift", "right_shift", "logical_and", "logical_or",
          "logical_xor", "equal", "not_equal", "less", "less_equal", "greater",
          "greater_equal"]
POWERS = ["power", "float_power"]
# Results whose sign of zero is exact and compared (assert_allclose ignores it): the
# division family, extrema, and the sign-only operations.  fmax/fmin are left out: NumPy's
# own tie-break between -0.0 and 0.0 depends on the element's position (documented).
SIGNED_ZEROS = {"add", "subtract", "negative", "positive", "absolute", "conjugate",
                "floor_divide", "remainder", "divmod", "maximum", "minimum"}
EXACT_COMPLEX = {"add", "subtract", "negative", "positive", "conjugate", "maximum", "minimum"}
CASES = ["random", "0d", "empty", "strided", "broadcast", "special"]
POWER_RTOL = {"float32": 1e-5, "complex64": 1e-5, "complex128": 1e-11}


def loops(names):
    """(name, input dtypes) for every distinct NumPy loop of ``names`` on our dtypes."""
    out = []
    for name in names:
        seen = set()
        for ins, _ in numpy_loops(name):
            if ins not in seen:
                seen.add(ins)
                dts = "_".join(dict.fromkeys(d.name for d in ins))    # int64_uint64 loops too
                out.append(pytest.param(name, ins, id=f"{name}-{dts}"))
    return out


# -- inputs ---------------------------------------------------------------------------------------

def domain(name, k, dt):
    """(low, high) of random input ``k`` of ``name`` on dtype ``dt``; None: the default."""
    if name == "power" and k == 1 and dt.kind in "iu":
        return 0, 20                   # NumPy raises for negative integer exponents
    if name in ("left_shift", "right_shift") and k == 1:
        return (-2 if dt.kind == "i" else 0), 8 * dt.itemsize + 3   # beyond the width too
    if name in POWERS and dt.kind == "c":
        return -2, 2                   # keeps |b log a| small: exp amplifies its error
    if name in POWERS and k == 1 and dt.kind == "f":
        return -4, 4
    return None, None


def operand(xp, name, k, dt, shape, layout="C"):
    low, high = domain(name, k, dt)
    return testing.random_array(xp, shape, dt, seed=10 + k, low=low, high=high, layout=layout)


def specials(dt, name=None, k=0):
    """Special values of ``dt`` for input ``k`` of ``name``."""
    if dt.kind == "b":
        return [False, True]
    if dt.kind in "iu":
        info = numpy.iinfo(dt)
        vals = {info.min, info.min + 1, 0, 1, 2, 3, 7, info.max // 2, info.max - 1, info.max}
        if dt.kind == "i":
            vals |= {-1, -2, -7}
        if name in ("left_shift", "right_shift") and k == 1:
            bits = 8 * dt.itemsize
            vals |= {bits - 1, bits, bits + 1}
        return sorted(vals)
    if dt.kind == "f":
        return [0.0, -0.0, 1.0, -1.0, 2.5, -3.5, 7.0, numpy.inf, -numpy.inf, numpy.nan]
    parts_re = (0.0, -0.0, 1.0, -2.5, numpy.inf, numpy.nan)
    parts_im = (0.0, -0.0, 1.5, -numpy.inf, numpy.nan)
    vals = [complex(r, i) for r in parts_re for i in parts_im]
    if name in POWERS:
        # C99 leaves inf-and-nan bases of non-integral powers loosely specified; the
        # library NumPy calls and cuarray's exp(b log a) disagree there.
        vals = [v for v in vals if not (numpy.isinf(v.real) and numpy.isnan(v.imag)
                                         or numpy.isnan(v.real) and numpy.isinf(v.imag))]
    return vals


def special_inputs(xp, name, ins):
    """Every pair (or every value) of special values, as 1-d arrays."""
    if len(ins) == 1:
        return [xp.asarray(numpy.array(specials(ins[0], name), ins[0]))]
    a = numpy.array(specials(ins[0], name, 0), ins[0])
    b = numpy.array(specials(ins[1], name, 1), ins[1])
    a, b = numpy.repeat(a, len(b)), numpy.tile(b, len(a))
    if name == "power" and ins[1].kind == "i":
        keep = b >= 0                  # NumPy raises; the GPU rule is tested separately
        a, b = a[keep], b[keep]
    return [xp.asarray(a), xp.asarray(b)]


def case_inputs(xp, name, ins, case):
    nin = len(ins)
    if case == "special":
        return special_inputs(xp, name, ins)
    if case == "broadcast":
        if nin == 1:
            return [operand(xp, name, 0, ins[0], (3, 4), "broadcast")]
        return [operand(xp, name, 0, ins[0], (3, 1)), operand(xp, name, 1, ins[1], (4,))]
    if case == "strided":
        layouts = ["negative_stride"] if nin == 1 else ["transposed", "negative_stride"]
        return [operand(xp, name, k, ins[k], (4, 5), layouts[k]) for k in range(nin)]
    shape = {"random": (4, 5), "0d": ()}[case]
    return [operand(xp, name, k, ins[k], shape) for k in range(nin)]


# -- results ------------------------------------------------------------------------------------

def host(xp, r):
    return numpy.asarray(r) if xp is numpy else r.get()


def signs(xp, r):
    """The sign bits of a float result's non-NaN elements, as nested lists (comparable)."""
    h = host(xp, r)
    parts = (h.real, h.imag) if h.dtype.kind == "c" else (h,)
    return [numpy.where(numpy.isnan(p), False, numpy.signbit(p)).tolist() for p in parts]


def call(xp, name, args, with_signs=False, **kwargs):
    with numpy.errstate(all="ignore"):
        r = getattr(xp, name)(*args, **kwargs)
    if not with_signs:
        return r
    results = r if isinstance(r, tuple) else (r,)
    return r, [signs(xp, x) for x in results if x.dtype.kind in "fc"]


def run_case(xp, name, ins, case):
    if case == "empty":
        return tuple(call(xp, name, [operand(xp, name, k, d, shape) for k, d in enumerate(ins)])
                     for shape in [(0,), (3, 0)])
    args = case_inputs(xp, name, ins, case)
    exact_sign = name in SIGNED_ZEROS and (ins[0].kind != "c" or name in EXACT_COMPLEX)
    return call(xp, name, args, with_signs=case == "special" and exact_sign)


# -- every loop, every case ---------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("name, ins", loops(UNARY + BINARY))
@testing.numpy_compare()
def test_loop(xp, name, ins, case):
    return run_case(xp, name, ins, case)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("name, ins", loops(POWERS))
@testing.numpy_compare(rtol=POWER_RTOL)
def test_power_loop(xp, name, ins, case):
    return run_case(xp, name, ins, case)


# -- the GPU differences, checked against the documented rules ---------------------------------

@testing.for_signed_dtypes()
def test_power_negative_integer_exponent(dtype):
    # NumPy raises ValueError; cuarray (as CuPy) returns 1 / x**n truncated.
    base = numpy.repeat(numpy.arange(-3, 4, dtype=dtype), 5)
    exp = numpy.tile(numpy.arange(-5, 0, dtype=dtype), 7)
    with pytest.raises(ValueError, match="negative integer powers"):
        numpy.power(base, exp)
    expected = numpy.where(base == 1, 1, numpy.where(base == -1, 1 - 2 * (exp % 2), 0))
    got = cuarray.power(cuarray.asarray(base), cuarray.asarray(exp))
    assert got.dtype == dtype
    numpy.testing.assert_array_equal(got.get(), expected.astype(dtype))
    numpy.testing.assert_array_equal((cuarray.asarray(base) ** -1).get(),
                                     numpy.where(numpy.abs(base) == 1, base, 0).astype(dtype))


@testing.for_int_dtypes()
@pytest.mark.parametrize("name", ["floor_divide", "remainder", "divmod"])
@testing.numpy_compare()
def test_integer_division_by_zero_is_zero(xp, name, dtype):
    a = testing.random_array(xp, (6, 7), dtype, seed=3)
    return call(xp, name, [a, xp.zeros((6, 7), dtype)])


@testing.for_signed_dtypes()
@testing.numpy_compare()
def test_int_min_cases(xp, dtype):
    info = numpy.iinfo(dtype)
    a = xp.asarray(numpy.array([info.min, info.min, info.min, info.min + 1, info.max], dtype))
    b = xp.asarray(numpy.array([-1, 1, info.min, -1, -1], dtype))
    return tuple(call(xp, name, [a, b]) for name in
                 ["floor_divide", "remainder", "divmod", "multiply", "subtract", "gcd", "lcm"]) + (
        call(xp, "absolute", [a]), call(xp, "negative", [a]), call(xp, "bitwise_count", [a]))


@pytest.mark.parametrize("dtype, a, b", [("int8", 127, 1), ("uint8", 255, 1), ("int16", -32768, -1),
                                         ("int32", 2**31 - 1, 1), ("uint64", 2**64 - 1, 1),
                                         ("int64", -2**63, -1)])
@testing.numpy_compare()
def test_integer_overflow_wraps(xp, dtype, a, b):
    x = xp.asarray(numpy.array([a, a], dtype))
    y = xp.asarray(numpy.array([b, 3], dtype))
    return (call(xp, "add", [x, y]), call(xp, "subtract", [y, x]), call(xp, "multiply", [x, x]),
            call(xp, "power", [x, xp.asarray(numpy.array([5, 63], dtype))]),
            call(xp, "left_shift", [x, y]))


@testing.for_dtypes(["float32", "float64"])
@pytest.mark.parametrize("name", ["maximum", "minimum"])
@pytest.mark.parametrize("n", [1, 3, 40])
@testing.numpy_compare()
def test_extrema_of_signed_zeros(xp, name, dtype, n):
    # Both operand orders, both in NumPy's vector loop body and its scalar tail.
    a = xp.asarray(numpy.array([-0.0, 0.0] * n, dtype))
    b = xp.asarray(numpy.array([0.0, -0.0] * n, dtype))
    r = getattr(xp, name)(a, b)
    return r, signs(xp, r)


def test_isnat_raises_numpys_type_error():
    for x in (cuarray.zeros(3), cuarray.zeros(3, "int64"), cuarray.zeros((), bool), 1.0):
        with pytest.raises(TypeError, match="datetime64 and np.timedelta64"):
            cuarray.isnat(x)


# -- scalars (NEP 50) -----------------------------------------------------------------------------

# Python scalars are weak (NEP 50): the array's dtype wins where the value fits.  (A Python
# bool promotes as NumPy's bool, the lowest kind: numpy.bool_ stands for it below.)
SCALAR_DTYPES = ["bool", "int8", "uint8", "float16", "complex64"]
SCALARS = [3, -7, 300, 2.5, 1.5j]


@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
@pytest.mark.parametrize("dtype", SCALAR_DTYPES)
@pytest.mark.parametrize("name", BINARY + POWERS)
@testing.numpy_compare(accept_error=True, rtol=POWER_RTOL)
def test_python_scalar_operand(xp, name, dtype, scalar):
    dt = numpy.dtype(dtype)
    if name == "power" and dt.kind in "iub" and type(scalar) is int and scalar < 0:
        pytest.skip("negative integer exponent: NumPy raises, the GPU rule is tested above")
    if name in POWERS and dt.kind == "c" and scalar == 300:
        pytest.skip("complex overflow: C leaves the infinities' signs to the library")
    low, high = domain(name, 0, dt)
    if name == "power" and dt.kind in "iu":
        low = 0                        # the array is an exponent too: non-negative
    a = testing.random_array(xp, (3, 4), dt, seed=5, low=low, high=high)
    return call(xp, name, [a, scalar]), call(xp, name, [scalar, a])


@pytest.mark.parametrize("scalar", [numpy.int16(3), numpy.float64(2.5), numpy.uint8(200),
                                    numpy.complex64(1 + 2j), numpy.bool_(True)], ids=repr)
@pytest.mark.parametrize("name", ["add", "floor_divide", "maximum", "less", "bitwise_or",
                                  "power", "logical_xor", "remainder"])
@testing.numpy_compare(accept_error=True)
def test_numpy_scalar_operand(xp, name, scalar):
    # NumPy scalars are not weak under NEP 50: their dtype takes part in promotion.
    a = testing.random_array(xp, (5,), "int8", seed=6, low=0)
    return call(xp, name, [a, scalar]), call(xp, name, [scalar, a])


@pytest.mark.parametrize("dtype, scalar, name", [
    ("int8", 1000, "add"), ("uint8", -1, "add"), ("int16", 2**20, "multiply"),
    ("uint64", -1, "bitwise_and"), ("int64", 2**64, "floor_divide"), ("int8", -129, "maximum"),
])
@testing.numpy_compare(accept_error=OverflowError)
def test_out_of_range_python_int_overflows(xp, dtype, scalar, name):
    return call(xp, name, [testing.random_array(xp, (3,), dtype), scalar])


@pytest.mark.parametrize("name", ["equal", "not_equal", "less", "less_equal", "greater",
                                  "greater_equal"])
@pytest.mark.parametrize("dtype, scalar", [("int8", 1000), ("int8", -1000), ("uint8", -1),
                                           ("uint64", -1), ("int64", 2**63), ("uint64", 2**64),
                                           ("int32", -2**70), ("bool", 2**64)])
@pytest.mark.parametrize("shape", [(4, 3), (), (0,)])
@testing.numpy_compare(accept_error=OverflowError)
def test_comparison_with_out_of_range_python_int(xp, name, dtype, scalar, shape):
    # NumPy 2 answers these mathematically (NEP 50) instead of raising OverflowError, for
    # integer arrays; a bool array compares in int64, where 2**64 does overflow.
    a = testing.random_array(xp, shape, dtype, seed=7)
    return call(xp, name, [a, scalar]), call(xp, name, [scalar, a])


@testing.numpy_compare()
def test_comparison_with_out_of_range_int_out_where(xp):
    a = testing.random_array(xp, (4, 5), "int8", seed=8)
    out = xp.full((4, 5), 7.0, dtype="float32")
    mask = testing.random_array(xp, (5,), "bool", seed=9)
    r1 = xp.less(a, 1000, out=out, where=mask)
    r2 = xp.greater_equal(a, -300, dtype=bool, casting="unsafe")
    r3 = xp.equal(a, 10**30, where=False, out=xp.ones((4, 5), bool))
    return r1, out, r2, r3


@testing.numpy_compare(accept_error=OverflowError)
def test_comparison_with_out_of_range_int_and_signature_raises(xp):
    # An explicit signature turns NumPy's special case off: the int converts, and overflows.
    a = testing.random_array(xp, (3,), "int8")
    return xp.less(a, 1000, signature=("int8", "int8", "bool"))


@pytest.mark.parametrize("expr", ["int8 + 1000", "uint8 + -1", "float32 * 2.5", "int + 2.5",
                                  "int8 127 + 1", "float16 + 70000", "uint8 < -1"])
@testing.numpy_compare(accept_error=OverflowError)
def test_nep50_examples(xp, expr):
    i8 = xp.asarray(numpy.array([1, 127, -128], "int8"))
    u8 = xp.asarray(numpy.array([0, 255], "uint8"))
    return {
        "int8 + 1000": lambda: i8 + 1000,
        "uint8 + -1": lambda: u8 + (-1),
        "float32 * 2.5": lambda: xp.ones(3, "float32") * 2.5,
        "int + 2.5": lambda: i8 + 2.5,
        "int8 127 + 1": lambda: i8 + 1,
        "float16 + 70000": lambda: call(xp, "add", [xp.ones(2, "float16"), 70000]),
        "uint8 < -1": lambda: u8 < -1,
    }[expr]()


# -- keywords: out=, where=, dtype=, casting=, positional out -------------------------------------

@pytest.mark.parametrize("name", ["floor_divide", "power", "maximum", "bitwise_xor", "gcd",
                                  "logical_or", "left_shift", "less"])
@testing.numpy_compare()
def test_out_and_where(xp, name):
    a = testing.random_array(xp, (4, 6), "int16", seed=1, low=0 if name == "power" else None)
    b = testing.random_array(xp, (6,), "int16", seed=2, low=0, high=9)
    dt = getattr(numpy, name)(numpy.int16(1), numpy.int16(1)).dtype
    out = xp.zeros((4, 6), dt)
    mask = testing.random_array(xp, (4, 1), "bool", seed=3)
    r = call(xp, name, [a, b], out=out, where=mask)
    return r, out, r is out


@testing.numpy_compare()
def test_divmod_out_tuple_and_positional(xp):
    a = testing.random_array(xp, (3, 4), "float32", seed=1)
    b = testing.random_array(xp, (3, 4), "float32", seed=2, nonzero=True)
    q, r = xp.zeros((3, 4), "float64"), xp.zeros((3, 4), "float32")
    res = xp.divmod(a, b, out=(q, r))
    q2 = xp.zeros((3, 4), "float32")
    res2 = xp.divmod(a, b, q2, None)
    return res, q, r, res[0] is q, res2, q2


@pytest.mark.parametrize("name, dtype", [("add", "float32"), ("power", "float64"),
                                         ("maximum", "int64"), ("floor_divide", "float16"),
                                         ("absolute", "float32"), ("remainder", "complex64"),
                                         ("logical_and", "int8"), ("left_shift", "float32"),
                                         ("float_power", "complex128")])
@testing.numpy_compare(accept_error=TypeError)
def test_dtype_argument(xp, name, dtype):
    a = testing.random_array(xp, (5,), "int8", seed=1, low=0)
    args = [a] if getattr(numpy, name).nin == 1 else [a, testing.random_array(xp, (5,), "uint8",
                                                                            seed=2, high=5)]
    return call(xp, name, args, dtype=dtype)


@pytest.mark.parametrize("casting", ["no", "equiv", "safe", "same_kind", "unsafe"])
@pytest.mark.parametrize("name", ["add", "floor_divide", "maximum", "power"])
@testing.numpy_compare(accept_error=TypeError)
def test_casting_into_out(xp, name, casting):
    a = testing.random_array(xp, (5,), "float32", seed=1, low=0, high=3)
    b = testing.random_array(xp, (5,), "float32", seed=2, low=1, high=3)
    out = xp.zeros((5,), "int16")
    return call(xp, name, [a, b], out=out, casting=casting), out


@pytest.mark.parametrize("src", ["bool", "int8", "uint32", "float16", "float32", "complex64"])
@testing.numpy_compare(rtol=POWER_RTOL)
def test_float_power_casts_up(xp, src):
    a = testing.random_array(xp, (6,), src, seed=1, low=0, high=4)
    b = testing.random_array(xp, (6,), src, seed=2, low=0, high=3)
    return xp.float_power(a, b)


# -- mixed dtypes resolve as NumPy (including its TypeErrors) -----------------------------------

@pytest.mark.parametrize("name", ["gcd", "left_shift", "bitwise_and", "floor_divide", "maximum",
                                  "logical_xor", "less", "remainder", "fmin"])
@pytest.mark.parametrize("pair", [("int8", "uint8"), ("int64", "uint64"), ("bool", "int16"),
                                  ("uint16", "float16"), ("int32", "complex64"),
                                  ("float32", "float64")])
@testing.numpy_compare(accept_error=TypeError)
def test_mixed_dtypes(xp, name, pair):
    a = testing.random_array(xp, (4, 3), pair[0], seed=1, low=0, high=5)
    b = testing.random_array(xp, (3,), pair[1], seed=2, low=1, high=5)
    return call(xp, name, [a, b]), call(xp, name, [b, a])


# -- operators dispatch to these ufuncs ------------------------------------------------------------

@testing.for_dtypes(["int8", "uint16", "int64", "float32", "bool"])
@testing.numpy_compare(accept_error=TypeError)
def test_operators(xp, dtype):
    a = testing.random_array(xp, (3, 4), dtype, seed=1, low=0, high=9)
    b = testing.random_array(xp, (4,), dtype, seed=2, low=1, high=5)
    with numpy.errstate(all="ignore"):
        results = [abs(a), a == b, a != b, a < b, a >= b]
        for op in ["//", "%", "**", "&", "|", "^", "<<", ">>", "+", "-", "*", "/"]:
            try:
                results.append(eval(f"a {op} b"))
            except TypeError:
                results.append("TypeError")
        for op in ["-", "+", "~"]:
            try:
                results.append(eval(f"{op}a"))
            except TypeError:
                results.append("TypeError")
    return tuple(results)


@testing.for_dtypes(["int32", "float64"])
@testing.numpy_compare()
def test_inplace_operators(xp, dtype):
    a = testing.random_array(xp, (3, 4), dtype, seed=1, low=1, high=9)
    b = testing.random_array(xp, (4,), dtype, seed=2, low=1, high=5)
    c = a.copy()
    c //= b
    d = a.copy()
    d %= b
    e = a.copy()
    e **= b
    return c, d, e
