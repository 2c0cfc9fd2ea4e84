"""Exponents, logarithms, powers of two and roots (NumPy reference: "Math operations").

Bodies are keyed by the first input's loop dtype, which NumPy's resolution picks:
integer and bool inputs reach the float loops (``sqrt(int8)`` runs the float16
loop), float16 computes in float32.  Real loops call CUDA's float or double math
functions (never fast-math); complex loops call ``<cuarray/complex.cuh>``, which
follows NumPy's formulas and C99 Annex G for special values.
"""

from ..spec import UfuncSpec
from ..ufunc import ufunc

__all__ = [
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "logaddexp", "logaddexp2",
    "sqrt", "cbrt", "square", "reciprocal",
]

_MATH = "#include <cuarray/ufunc_math.cuh>\n"


def _unary(name, real, complex_fn=None, doc=""):
    """A float ufunc calling ``real`` (a CUDA math function) and ``cuarray::complex_fn``."""
    body = {"f": f"out0 = {real}(in0)"}
    if complex_fn is not None:
        body["c"] = f"out0 = cuarray::{complex_fn}(in0)"
    return ufunc(UfuncSpec(name=name, nin=1, nout=1, body=body, doc=doc))


exp = _unary("exp", "exp", "exp")
exp2 = _unary("exp2", "exp2", "exp2")
expm1 = _unary("expm1", "expm1", "expm1")
log = _unary("log", "log", "log")
log2 = _unary("log2", "log2", "log2")
log10 = _unary("log10", "log10", "log10")
log1p = _unary("log1p", "log1p", "log1p", doc="""See numpy.log1p.

Differences from NumPy: for complex z within 0.001 of the circle |1 + z| = 1 (small z
included), the real part is log1p(x**2 + 2x + y**2)/2 in extra precision.  NumPy 2.4
returns log(|1 + z|) there, which loses the real part of small z: 0 instead of 1e-20
for log1p(1e-20+1e-20j).
""")
sqrt = _unary("sqrt", "sqrt", "sqrt")
cbrt = _unary("cbrt", "cbrt")             # NumPy has no complex cbrt
# NumPy's npy_logaddexp/npy_logaddexp2: max + log1p(exp(-|x - y|)), x + log 2 for x == y.
logaddexp = ufunc(UfuncSpec(
    name="logaddexp", nin=2, nout=1,
    body="out0 = cuarray::math::logaddexp(in0, in1)", preamble=_MATH,
))
logaddexp2 = ufunc(UfuncSpec(
    name="logaddexp2", nin=2, nout=1,
    body="out0 = cuarray::math::logaddexp2(in0, in1)", preamble=_MATH,
))
square = ufunc(UfuncSpec(
    name="square", nin=1, nout=1,
    # Integers wrap like NumPy's: the product is formed in unsigned 64-bit arithmetic, where
    # wrapping is defined (int promotion would make int32 and uint16 overflow undefined).  Bool
    # resolves to int8 (NumPy has no bool loop).
    body={"iu": "out0 = (in0_type)((unsigned long long)in0 * (unsigned long long)in0)",
          "f": "out0 = in0 * in0",
          "c": "out0 = cuarray::square(in0)"},
))
reciprocal = ufunc(UfuncSpec(
    name="reciprocal", nin=1, nout=1,
    body={
        # 1 / x in integers is 0 except for x = +-1; 0 maps to 0, as for integer division.
        "iu": "out0 = in0 == 0 ? (in0_type)0 : (in0_type)(1 / in0)",
        "f": "out0 = out0_type(1) / in0",
        "c": "out0 = cuarray::reciprocal(in0)",
    },
    doc="""See numpy.reciprocal.

Differences from NumPy: for integer inputs, the reciprocal of 0 is 0 (no error on a
GPU).  NumPy converts 1/0.0 = inf to the integer type, which is undefined in C and
platform-dependent (on x86: 0 for int8/int16 and unsigned types, the minimum value for
int32/int64), with a divide-by-zero warning.
""",
))
