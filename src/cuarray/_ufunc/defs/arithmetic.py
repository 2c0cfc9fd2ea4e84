"""Arithmetic ufuncs (NumPy reference: "Math operations", first part)."""

from ..spec import UfuncSpec
from ..ufunc import ufunc

add = ufunc(UfuncSpec(
    name="add", nin=2, nout=1,
    body={"b": "out0 = in0 || in1", "*": "out0 = in0 + in1"},
))
subtract = ufunc(UfuncSpec(
    name="subtract", nin=2, nout=1,
    body="out0 = in0 - in1",   # NumPy has no bool loop: resolution raises TypeError first
))
multiply = ufunc(UfuncSpec(
    name="multiply", nin=2, nout=1,
    body={"b": "out0 = in0 && in1", "*": "out0 = in0 * in1"},
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
