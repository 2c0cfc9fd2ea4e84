"""Comparison ufuncs (NumPy reference: "Comparison functions")."""

from ..spec import UfuncSpec
from ..ufunc import ufunc


def _cmp(name, op, complex_fn):
    return ufunc(UfuncSpec(name=name, nin=2, nout=1,
                           body={"c": f"out0 = {complex_fn}", "*": f"out0 = in0 {op} in1"}))


equal = _cmp("equal", "==", "in0 == in1")
not_equal = _cmp("not_equal", "!=", "in0 != in1")
less = _cmp("less", "<", "cuarray::less(in0, in1)")
less_equal = _cmp("less_equal", "<=", "cuarray::less_equal(in0, in1)")
greater = _cmp("greater", ">", "cuarray::greater(in0, in1)")
greater_equal = _cmp("greater_equal", ">=", "cuarray::greater_equal(in0, in1)")
