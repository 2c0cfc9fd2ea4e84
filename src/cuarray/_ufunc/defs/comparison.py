"""Comparison ufuncs (NumPy reference: "Comparison functions"): the six comparisons, the
logical operations, and the element-wise extrema; with ``isnat``.

NumPy decides the loops: logical operations return bool for every input dtype (complex
included: a number is true when either part is non-zero), comparisons of different
integer kinds go through NumPy's own resolution, and Python integers too large for the
other operand's integer dtype compare correctly (NEP 50, handled by the ufunc class).
Complex numbers order lexicographically with NumPy's NaN rules (``cuarray::less`` and
friends in ``cuarray/complex.cuh``); real NaNs compare false except with ``!=``.
"""

from ..spec import Reduction, UfuncSpec
from ..ufunc import ufunc

__all__ = [
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not",
    "maximum", "minimum", "fmax", "fmin", "isnat",
]


_INT = "#include <cuarray/ufunc_int.cuh>\n"


def _cmp(name, op, int_expr, complex_expr):
    # Integer loops include NumPy's int64-uint64 ones (the body is chosen by the first
    # input's dtype): the helpers compare values where C++ would convert to unsigned.
    return ufunc(UfuncSpec(name=name, nin=2, nout=1, preamble=_INT, body={
        "iu": f"out0 = {int_expr}",
        "c": f"out0 = {complex_expr}",
        "*": f"out0 = in0 {op} in1",
    }))


_I = "cuarray::intops::"
equal = _cmp("equal", "==", f"{_I}cmp_equal(in0, in1)", "in0 == in1")
not_equal = _cmp("not_equal", "!=", f"!{_I}cmp_equal(in0, in1)", "in0 != in1")
less = _cmp("less", "<", f"{_I}cmp_less(in0, in1)", "cuarray::less(in0, in1)")
less_equal = _cmp("less_equal", "<=", f"{_I}cmp_less_equal(in0, in1)",
                  "cuarray::less_equal(in0, in1)")
greater = _cmp("greater", ">", f"{_I}cmp_less(in1, in0)", "cuarray::greater(in0, in1)")
greater_equal = _cmp("greater_equal", ">=", f"{_I}cmp_less_equal(in1, in0)",
                     "cuarray::greater_equal(in0, in1)")


# -- logical operations: truth is "non-zero", so NaN is true ---------------------------------

_TRUTH = {"c": "({x}.re != 0 || {x}.im != 0)", "*": "({x} != 0)"}


def _logical(name, op, atomic, identity):
    # Every loop returns bool, so reductions combine bools; on bool operands (0 or 1) the
    # bitwise atomic computes the loop.
    return ufunc(UfuncSpec(name=name, nin=2, nout=1, body={
        kind: f"out0 = {t.format(x='in0')} {op} {t.format(x='in1')}" for kind, t in _TRUTH.items()
    }, reduce=Reduction(combine=f"a {op} b", identity=identity), atomic={"b": atomic}))


logical_and = _logical("logical_and", "&&", "and", True)
logical_or = _logical("logical_or", "||", "or", False)
logical_xor = _logical("logical_xor", "!=", "xor", False)
logical_not = ufunc(UfuncSpec(name="logical_not", nin=1, nout=1, body={
    kind: f"out0 = !{t.format(x='in0')}" for kind, t in _TRUTH.items()
}))


# -- extrema -------------------------------------------------------------------------------------

_FMAX_DOC = """See numpy.{name}.

Differences from NumPy: for zeros of opposite sign, NumPy's float32 and float64
loops return the second operand in their vectorised body and the first in their
scalar code, so its answer depends on the element's position; cuarray always returns
the second (and the first for float16, as NumPy's float16 loop does)."""


def _extremum(name, op, nan_wins):
    """maximum/minimum (``nan_wins``: a NaN in either operand propagates) or fmax/fmin (a NaN
    loses to a number).  Ties go to the second operand for float32/float64, as NumPy's vector
    loops give (maximum(-0.0, 0.0) is 0.0 and maximum(0.0, -0.0) is -0.0), and to the first
    operand for float16, as NumPy's float16 loop.  NaN tests are ``x != x``."""
    nan_test = "X != X" if nan_wins else "Y != Y"
    logical = "||" if op == ">" else "&&"
    exprs = {                                          # X, Y: the operands
        "b": f"X {logical} Y",
        "iu": f"X {op} Y ? X : Y",
        "float16": f"(X {op}= Y || {nan_test}) ? X : Y",
        "f": f"(X {op} Y || {nan_test}) ? X : Y",
        "c": f"cuarray::{name}(X, Y)",                 # NumPy's lexicographic order
    }

    def spell(x, y):
        return {k: e.replace("X", x).replace("Y", y) for k, e in exprs.items()}
    return ufunc(UfuncSpec(
        name=name, nin=2, nout=1,
        body={k: f"out0 = {e}" for k, e in spell("in0", "in1").items()},
        doc="" if nan_wins else _FMAX_DOC.format(name=name),
        # NumPy has no identity; partial results start from the value every element beats
        # (a NaN for fmax/fmin: it loses to any number and stays when every element is NaN).
        reduce=Reduction(combine=spell("a", "b"), identity=None, neutral=(
            f"cuarray::red::{'lowest' if op == '>' else 'highest'}<acc_t>()" if nan_wins else
            f"cuarray::red::nan_or_{'lowest' if op == '>' else 'highest'}<acc_t>()")),
        atomic={"b": "or" if op == ">" else "and", "iu": "max" if op == ">" else "min"},
    ))


maximum = _extremum("maximum", ">", nan_wins=True)
minimum = _extremum("minimum", "<", nan_wins=True)
fmax = _extremum("fmax", ">", nan_wins=False)
fmin = _extremum("fmin", "<", nan_wins=False)


# NumPy's isnat has loops for datetime64 and timedelta64 only, which cuarray does not store:
# every call raises NumPy's own TypeError from type resolution.
isnat = ufunc(UfuncSpec(name="isnat", nin=1, nout=1, body={}))
