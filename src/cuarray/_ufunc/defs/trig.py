"""Trigonometric and hyperbolic functions, angle conversion (NumPy reference: "Math operations").

Real loops call CUDA's float or double math functions (float16 computes in
float32); complex loops call ``<cuarray/complex.cuh>`` (C99 Annex G branch cuts
and special values, as the C library functions NumPy calls).  NumPy 2's short
names (``acos``, ``atan2``, ...) are the same objects as the long ones.
"""

from ..spec import UfuncSpec
from ..ufunc import ufunc

__all__ = [
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "hypot",
    "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
    "degrees", "radians", "deg2rad", "rad2deg",
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh",
]

_MATH = "#include <cuarray/ufunc_math.cuh>\n"


def _unary(name, fn, complex_fn=None):
    """A float ufunc calling CUDA's ``fn`` and, where NumPy has complex loops, ``cuarray::fn``."""
    body = {"f": f"out0 = {fn}(in0)"}
    if complex_fn is not None:
        body["c"] = f"out0 = cuarray::{complex_fn}(in0)"
    return ufunc(UfuncSpec(name=name, nin=1, nout=1, body=body))


def _angle(name, fn):
    # NumPy multiplies by 180/pi (pi/180) formed in the loop's precision: see ufunc_math.cuh.
    return ufunc(UfuncSpec(name=name, nin=1, nout=1, body=f"out0 = cuarray::math::{fn}(in0)",
                           preamble=_MATH))


sin = _unary("sin", "sin", "sin")
cos = _unary("cos", "cos", "cos")
tan = _unary("tan", "tan", "tan")
arcsin = _unary("arcsin", "asin", "asin")
arccos = _unary("arccos", "acos", "acos")
arctan = _unary("arctan", "atan", "atan")
sinh = _unary("sinh", "sinh", "sinh")
cosh = _unary("cosh", "cosh", "cosh")
tanh = _unary("tanh", "tanh", "tanh")
arcsinh = _unary("arcsinh", "asinh", "asinh")
arccosh = _unary("arccosh", "acosh", "acosh")
arctanh = _unary("arctanh", "atanh", "atanh")
# NumPy has no complex arctan2 or hypot: complex inputs raise its TypeError.
arctan2 = ufunc(UfuncSpec(name="arctan2", nin=2, nout=1, body="out0 = atan2(in0, in1)"))
hypot = ufunc(UfuncSpec(name="hypot", nin=2, nout=1, body="out0 = cuarray::math::hypot(in0, in1)",
                        preamble=_MATH))      # hypot(inf, nan) = inf, as C99 and NumPy
degrees = _angle("degrees", "degrees")
rad2deg = _angle("rad2deg", "degrees")     # a separate NumPy ufunc with the same loops
radians = _angle("radians", "radians")
deg2rad = _angle("deg2rad", "radians")

# NumPy 2 (array API) names: aliases, the same objects.
acos = arccos
acosh = arccosh
asin = arcsin
asinh = arcsinh
atan = arctan
atan2 = arctan2
atanh = arctanh
