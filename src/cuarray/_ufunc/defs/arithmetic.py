"""Arithmetic ufuncs (NumPy reference: "Math operations", the arithmetic entries).

Which loops exist and what they return is NumPy's decision (``resolve_dtypes``), so
each body only has to be right for NumPy's loop dtypes: ``divide`` on integers is a
float64 loop, ``floor_divide`` on complex has no loop (NumPy's TypeError).  float16
loops compute in float32, as NumPy's do.  Integer results wrap on overflow as
NumPy's (int8 127 + 1 is -128).  Integer division, remainder, power, absolute value
and gcd/lcm are the helpers in ``cuarray/ufunc_int.cuh``, written to give NumPy's
value where plain C++ is undefined (INT_MIN // -1, a zero divisor) or differs from
Python (C truncates, Python floors).
"""

from ..spec import Reduction, UfuncSpec
from ..ufunc import ufunc

__all__ = [
    "add", "subtract", "multiply", "divide", "true_divide", "negative", "positive",
    "absolute", "abs", "conjugate", "conj", "floor_divide", "remainder", "mod", "divmod",
    "power", "pow", "float_power", "gcd", "lcm",
]

_INT = "#include <cuarray/ufunc_int.cuh>\n"

_DIV_BY_ZERO = """

Differences from NumPy: an integer divisor of zero gives 0 without NumPy's
RuntimeWarning (NumPy gives 0 too); floating-point warnings are not raised."""


add = ufunc(UfuncSpec(
    name="add", nin=2, nout=1,
    body={"b": "out0 = in0 || in1", "*": "out0 = in0 + in1"},
    # -0.0 is the neutral float sum (0.0 + -0.0 is 0.0): a sum of one -0.0 stays -0.0.
    reduce=Reduction(combine={"b": "a || b", "*": "a + b"}, identity=0,
                     neutral={"f": "acc_t(-0.0)", "c": "acc_t(-0.0, -0.0)"}),
    atomic={"b": "or", "iufc": "add"},
))
subtract = ufunc(UfuncSpec(
    name="subtract", nin=2, nout=1,
    body="out0 = in0 - in1",   # NumPy has no bool loop: resolution raises TypeError first
    atomic="sub",
))
multiply = ufunc(UfuncSpec(
    name="multiply", nin=2, nout=1,
    body={"b": "out0 = in0 && in1", "*": "out0 = in0 * in1"},
    reduce=Reduction(combine={"b": "a && b", "*": "a * b"}, identity=1),
    atomic={"b": "and"},
))
divide = ufunc(UfuncSpec(
    name="divide", nin=2, nout=1,
    body="out0 = in0 / in1",   # NumPy's loops are all inexact
))
true_divide = divide
negative = ufunc(UfuncSpec(
    name="negative", nin=1, nout=1,
    body="out0 = -in0",
))
positive = ufunc(UfuncSpec(
    name="positive", nin=1, nout=1,
    body="out0 = in0",         # NumPy has no bool loop (TypeError); -0.0 stays -0.0
))
absolute = ufunc(UfuncSpec(
    name="absolute", nin=1, nout=1, preamble=_INT,
    body={
        "bu": "out0 = in0",
        "i": "out0 = cuarray::intops::absolute(in0)",      # absolute(INT_MIN) wraps to INT_MIN
        "f": "out0 = fabs(in0)",                             # absolute(-0.0) is 0.0
        "c": "out0 = cuarray::abs(in0)",                     # hypot: no overflow; returns real
    },
))
abs = absolute   # noqa: A001 - NumPy 2's alias, the same object
conjugate = ufunc(UfuncSpec(
    name="conjugate", nin=1, nout=1,
    body={"c": "out0 = cuarray::conj(in0)", "*": "out0 = in0"},
))
conj = conjugate
floor_divide = ufunc(UfuncSpec(
    name="floor_divide", nin=2, nout=1, preamble=_INT,
    body={
        # Python's floor division; x // 0 is 0 and INT_MIN // -1 wraps to INT_MIN, as NumPy.
        "iu": "out0 = cuarray::intops::floor_divide(in0, in1)",
        # NumPy's npy_floor_divide: x // 0.0 is x / 0.0 (inf or nan), else npy_divmod.
        "f": "out0 = cuarray::intops::floor_divide_fp(in0, in1)",
    },
    doc="See numpy.floor_divide." + _DIV_BY_ZERO,
))
remainder = ufunc(UfuncSpec(
    name="remainder", nin=2, nout=1, preamble=_INT,
    body={
        # The divisor's sign (Python's %); x % 0 is 0 and INT_MIN % -1 is 0, as NumPy.
        "iu": "out0 = cuarray::intops::remainder(in0, in1)",
        # NumPy's npy_remainder: fmod(x, 0.0) (nan) for a zero divisor, else npy_divmod.
        "f": "out0 = cuarray::intops::remainder_fp(in0, in1)",
    },
    doc="See numpy.remainder." + _DIV_BY_ZERO,
))
mod = remainder
divmod = ufunc(UfuncSpec(   # noqa: A001 - NumPy's name
    name="divmod", nin=2, nout=2, preamble=_INT,
    body={
        "iu": "cuarray::intops::divmod(in0, in1, out0, out1)",
        # NumPy's divmod loop calls npy_divmod directly: (x / 0.0, fmod(x, 0.0)) for 0.0.
        "f": "out0 = cuarray::intops::divmod_fp(in0, in1, out1)",
    },
    doc="See numpy.divmod." + _DIV_BY_ZERO,
))

_POWER_DOC = """See numpy.power.

Differences from NumPy: NumPy raises ValueError ("Integers to negative integer
powers are not allowed.") when a signed integer exponent is negative; a GPU
kernel cannot raise per element, so, as CuPy, the result is 1 / x**n truncated
to an integer: 1 for x == 1, 1 or -1 (by the parity of n) for x == -1, and 0
otherwise, 0 ** -n included.  Floating-point warnings are not raised."""

_POWER_BODY = {
    # Repeated squaring in unsigned arithmetic: wraps modulo 2**bits as NumPy's loop does.
    "iu": "out0 = cuarray::intops::power(in0, in1)",
    # C's pow, special values included (pow(nan, 0) = 1, pow(1, nan) = 1, pow(-8, 1/3) = nan).
    "f": "out0 = pow(in0, in1)",
    # NumPy's npy_cpow: x**0 = 1, small integral exponents by repeated multiplication.
    "c": "out0 = cuarray::pow(in0, in1)",
}
power = ufunc(UfuncSpec(
    name="power", nin=2, nout=1, preamble=_INT, body=_POWER_BODY, doc=_POWER_DOC,
))
pow = power      # noqa: A001 - NumPy 2's alias, the same object
float_power = ufunc(UfuncSpec(
    # NumPy's loops are float64 and complex128 only: every input is cast up first.
    name="float_power", nin=2, nout=1,
    body={"f": _POWER_BODY["f"], "c": _POWER_BODY["c"]},
))
gcd = ufunc(UfuncSpec(
    name="gcd", nin=2, nout=1, preamble=_INT,
    body="out0 = cuarray::intops::gcd(in0, in1)",        # non-negative; gcd(0, 0) = 0
    reduce=Reduction(combine="cuarray::intops::gcd(a, b)", identity=0),
))
lcm = ufunc(UfuncSpec(
    name="lcm", nin=2, nout=1, preamble=_INT,
    body="out0 = cuarray::intops::lcm(in0, in1)",        # lcm(x, 0) = 0; wraps when too big
    # NumPy gives lcm no identity and reduces it over one axis at a time (wrapping products
    # make the order matter).
    reduce=Reduction(combine="cuarray::intops::lcm(a, b)", identity=None, reorderable=False),
))
