"""Bit-twiddling ufuncs (NumPy reference: "Bit-twiddling functions").

NumPy's loops are bool and integers only (bool for and/or/xor/invert, where they are
the logical operations); other dtypes raise NumPy's TypeError from type resolution.
Shifts follow NumPy's npy_lshift / npy_rshift rather than C++, where shifting by the
bit width or more, or by a negative count, is undefined: NumPy gives 0, and -1 for a
negative value shifted right (a negative count counts as a huge one).  Mixed signed and
unsigned operands are NumPy's business too (int64 with uint64 has no integer loop).
"""

from ..spec import Reduction, UfuncSpec
from ..ufunc import ufunc

__all__ = [
    "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "bitwise_invert", "bitwise_not",
    "left_shift", "bitwise_left_shift", "right_shift", "bitwise_right_shift", "bitwise_count",
]

_INT = "#include <cuarray/ufunc_int.cuh>\n"


def _bitwise(name, op, atomic, identity):
    # bool operands promote to int in C++ and the result converts back to bool: exact.
    return ufunc(UfuncSpec(name=name, nin=2, nout=1, body=f"out0 = in0 {op} in1",
                           reduce=Reduction(combine=f"a {op} b", identity=identity),
                           atomic=atomic))


bitwise_and = _bitwise("bitwise_and", "&", "and", -1)
bitwise_or = _bitwise("bitwise_or", "|", "or", 0)
bitwise_xor = _bitwise("bitwise_xor", "^", "xor", 0)
invert = ufunc(UfuncSpec(
    name="invert", nin=1, nout=1,
    body={"b": "out0 = !in0", "*": "out0 = ~in0"},     # on bool, invert is logical not
))
bitwise_invert = invert
bitwise_not = invert
left_shift = ufunc(UfuncSpec(
    name="left_shift", nin=2, nout=1, preamble=_INT,
    body="out0 = cuarray::intops::left_shift(in0, in1)",
))
bitwise_left_shift = left_shift
right_shift = ufunc(UfuncSpec(
    name="right_shift", nin=2, nout=1, preamble=_INT,
    body="out0 = cuarray::intops::right_shift(in0, in1)",   # arithmetic for signed types
))
bitwise_right_shift = right_shift
bitwise_count = ufunc(UfuncSpec(
    name="bitwise_count", nin=1, nout=1, preamble=_INT,
    body="out0 = cuarray::intops::popcount(in0)",    # of |x| for signed types, as NumPy
))
