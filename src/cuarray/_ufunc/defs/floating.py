"""Floating-point functions: rounding, classification, sign and bit-level operations.

NumPy reference: "Floating functions" and the rounding and sign entries of "Math
operations".  These are exact (no rounding error): each result matches NumPy's
bit for bit, signed zeros included, except where a docstring says otherwise.
float16 loops compute in float32, which holds every half exactly; nextafter and
spacing then step in half-precision bits, as NumPy's float16 loops do.
"""

from ..spec import UfuncSpec
from ..ufunc import ufunc

__all__ = [
    "floor", "ceil", "trunc", "rint", "fabs", "isnan", "isinf", "isfinite", "signbit",
    "copysign", "nextafter", "spacing", "frexp", "ldexp", "modf", "fmod", "sign", "heaviside",
]

_MATH = "#include <cuarray/ufunc_math.cuh>\n"


def _rounding(name, fn):
    # NumPy 2 keeps integers and bool as they are (same dtype, same values).
    return ufunc(UfuncSpec(name=name, nin=1, nout=1,
                           body={"biu": "out0 = in0", "f": f"out0 = {fn}(in0)"}))


def _classify(name, exact_result):
    # Integers and bool are never NaN or infinite: NumPy has loops for them returning constants.
    return ufunc(UfuncSpec(name=name, nin=1, nout=1, body={
        "biu": f"out0 = {exact_result}",
        "f": f"out0 = {name}(in0)",
        "c": f"out0 = cuarray::{name}(in0)",
    }))


floor = _rounding("floor", "floor")
ceil = _rounding("ceil", "ceil")
trunc = _rounding("trunc", "trunc")
rint = ufunc(UfuncSpec(
    name="rint", nin=1, nout=1,
    # Round half to even (CUDA's rint uses the default rounding mode, as C's does).
    body={"f": "out0 = rint(in0)", "c": "out0 = in0_type(rint(in0.re), rint(in0.im))"},
))
fabs = ufunc(UfuncSpec(name="fabs", nin=1, nout=1, body="out0 = fabs(in0)"))
isnan = _classify("isnan", "false")
isinf = _classify("isinf", "false")
isfinite = _classify("isfinite", "true")
signbit = ufunc(UfuncSpec(name="signbit", nin=1, nout=1, body="out0 = signbit(in0) != 0"))
copysign = ufunc(UfuncSpec(name="copysign", nin=2, nout=1, body="out0 = copysign(in0, in1)"))
nextafter = ufunc(UfuncSpec(
    name="nextafter", nin=2, nout=1, preamble=_MATH,
    body={"float16": "out0 = cuarray::math::nextafter_half(in0, in1)",
          "f": "out0 = cuarray::math::nextafter(in0, in1)"},
    doc="""See numpy.nextafter.

Differences from NumPy: for float16, ``nextafter(x, y)`` is ``y`` where ``x == y``, so
``nextafter(0.0, -0.0)`` is ``-0.0``, as in NumPy 2.5 and later, in C and in NumPy's
float32 and float64 loops.  NumPy before 2.5 returns ``x`` there (``0.0``).
""",
))
spacing = ufunc(UfuncSpec(
    name="spacing", nin=1, nout=1, preamble=_MATH,
    body={"float16": "out0 = cuarray::math::spacing_half(in0)",
          "f": "out0 = cuarray::math::spacing(in0)"},
))
frexp = ufunc(UfuncSpec(
    name="frexp", nin=1, nout=2, preamble=_MATH,
    body="out0 = cuarray::math::frexp(in0, out1)",      # (mantissa, int32 exponent)
))
ldexp = ufunc(UfuncSpec(
    name="ldexp", nin=2, nout=1, preamble=_MATH,
    # One body for NumPy's int32 and int64 exponent loops: the helper clamps to int.
    body="out0 = cuarray::math::ldexp(in0, in1)",
))
modf = ufunc(UfuncSpec(
    name="modf", nin=1, nout=2,
    body="out0 = modf(in0, &out1)",      # (fractional, integral), both with the sign of x
))
fmod = ufunc(UfuncSpec(
    name="fmod", nin=2, nout=1,
    body={
        # C's % truncates, so the remainder has the dividend's sign, as NumPy's fmod.  A zero
        # divisor gives 0 (NumPy too, with a warning); -1 gives 0 without the overflow of
        # INT_MIN % -1.
        "i": "out0 = (in1 == 0 || in1 == -1) ? (in0_type)0 : (in0_type)(in0 % in1)",
        "u": "out0 = in1 == 0 ? (in0_type)0 : (in0_type)(in0 % in1)",
        "f": "out0 = fmod(in0, in1)",
    },
))
sign = ufunc(UfuncSpec(
    name="sign", nin=1, nout=1, preamble=_MATH,
    body={
        "i": "out0 = (in0 > 0) - (in0 < 0)",
        "u": "out0 = in0 > 0",
        "f": "out0 = cuarray::math::sign(in0)",
        "c": "out0 = cuarray::sign(in0)",           # NumPy 2: z / |z|
    },
))
heaviside = ufunc(UfuncSpec(
    name="heaviside", nin=2, nout=1, preamble=_MATH,
    body="out0 = cuarray::math::heaviside(in0, in1)",
))
