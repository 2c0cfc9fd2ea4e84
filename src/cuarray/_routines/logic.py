"""Logic functions that are not ufuncs (NumPy reference: "Logic functions").

isclose, isreal, iscomplex, isrealobj, iscomplexobj, isneginf and isposinf; allclose,
array_equal and array_equiv (Python bools, as NumPy returns).
"""

from __future__ import annotations

import functools
import warnings

import numpy

from .._core.ndarray import _empty, ndarray
from .._engine import copy as _copy
from . import elementwise as _el

_BOOL = numpy.dtype(bool)
_PY = (int, float, complex)


# -- isclose ----------------------------------------------------------------------------------
class _Val:
    """A value of NumPy's isclose expression: C++ text with its loop dtype, or (``expr`` None)
    a weak Python scalar that NumPy computes with on the host."""

    __slots__ = ("expr", "dt", "py")

    def __init__(self, expr, dt, py=None):
        self.expr, self.dt, self.py = expr, dt, py

    @property
    def key(self):
        return type(self.py) if self.expr is None else self.dt


class _Builder:
    """Collects the kernel's inputs while the body is written: every operand, and every weak
    scalar at the loop dtype of the first ufunc that converts it."""

    def __init__(self):
        self.inputs, self.dtypes = [], []

    def operand(self, x) -> _Val:
        if type(x) in _PY:
            return _Val(None, None, x)
        return _Val(self._arg(x, x.dtype), x.dtype)

    def _arg(self, value, dt) -> str:
        self.inputs.append(value)
        self.dtypes.append(dt)
        return f"in{len(self.inputs) - 1}"

    def at(self, v: _Val, dt) -> str:
        """``v`` converted to loop dtype ``dt``."""
        if v.expr is None:
            return self._arg(v.py, dt)
        return _el.cconvert(v.expr, v.dt, dt)

    def binary(self, np_uf, a: _Val, b: _Val, fmt, host) -> _Val:
        """``fmt``: C++ text with two ``{}``, or a function of the loop's output dtype
        giving it."""
        if a.expr is None and b.expr is None:
            return _Val(None, None, host(a.py, b.py))
        la, lb, lo = _el.resolve(np_uf, (a.key, b.key))
        expr = (fmt if isinstance(fmt, str) else fmt(lo)).format(self.at(a, la), self.at(b, lb))
        return _Val(_el.round_to(expr, lo), lo)

    def absolute(self, v: _Val) -> _Val:
        if v.expr is None:
            return _Val(None, None, abs(v.py))
        li, lo = _el.resolve(numpy.absolute, (v.key,))
        e = self.at(v, li)
        if li.kind == "c":
            return _Val(f"cuarray::abs({e})", lo)
        if li.kind in "biu":
            return _Val(f"(({e}) < 0 ? -({e}) : ({e}))" if li.kind == "i" else e, lo)
        return _Val(f"fabs({e})", lo)

    def classify(self, v: _Val, fn: str) -> str:
        """isfinite / isnan of ``v`` as a C++ bool expression."""
        if v.expr is None:
            return "true" if getattr(numpy, fn)(v.py) else "false"
        if v.dt.kind in "biu":
            return "true" if fn == "isfinite" else "false"
        return f"{'cuarray::' if v.dt.kind == 'c' else ''}{fn}({v.expr})"


def isclose_plan(a, b, atol, rtol, equal_nan):
    """(plan, kernel inputs) for NumPy's
    ``(|x - y| <= atol + rtol * |y|) & isfinite(y) | (x == y) [| isnan(x) & isnan(y)]``
    with y made inexact first, every ufunc in the loop dtype NumPy resolves for it."""
    k = _Builder()
    x = k.operand(a)
    if hasattr(b, "dtype"):
        ydt = numpy.result_type(b.dtype, 1.0)      # NumPy first converts y to this dtype
        y = _Val(k._arg(b, ydt), ydt)
    else:
        y = _Val(None, None, float(b) if isinstance(b, int) else b)
    diff = k.binary(numpy.subtract, x, y, "({} - {})", lambda p, q: p - q)
    lhs = k.absolute(diff)
    scaled = k.binary(numpy.multiply, k.operand(rtol), k.absolute(y), _product,
                      lambda p, q: p * q)
    tol = k.binary(numpy.add, k.operand(atol), scaled, "({} + {})", lambda p, q: p + q)
    le = k.binary(numpy.less_equal, lhs, tol, "({} <= {})", lambda p, q: p <= q)
    eq = k.binary(numpy.equal, x, y, "({} == {})", lambda p, q: p == q)
    parts = [_bool_text(le), k.classify(y, "isfinite"), _bool_text(eq)]
    body = f"out0 = ({parts[0]} && {parts[1]}) || {parts[2]}"
    if equal_nan:
        body += f" || ({k.classify(x, 'isnan')} && {k.classify(y, 'isnan')})"
    op = _el.kernel_op("isclose", body, len(k.inputs),
                       _el.HALF_ROUND if "cuarray_rt::" in body else "")
    return _el.Plan(op, k.dtypes, _BOOL, "logical_or"), k.inputs


def _product(dt) -> str:
    # NumPy rounds rtol * |y| before adding atol; the compiler would contract the product and
    # the sum into one FMA (rounded once), which moves results at the tolerance boundary.
    if dt.kind == "f":
        return "__dmul_rn({}, {})" if dt.itemsize == 8 else "__fmul_rn({}, {})"
    return "({} * {})"


def _bool_text(v: _Val) -> str:
    if v.expr is None:
        return "true" if v.py else "false"
    return v.expr


def isclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    """See numpy.isclose.

    Differences from NumPy: the warning for a non-finite ``rtol``/``atol`` is given only
    for host values (checking device values would synchronise).
    """
    args = (a, b, atol, rtol)
    for v in args:
        _el.check_operand(v, "isclose")
    if not any(isinstance(v, ndarray) for v in args):
        return numpy.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    atol, rtol = (v if type(v) in _PY or isinstance(v, ndarray) else numpy.asarray(v)[()]
                  for v in (atol, rtol))
    host_tols = [v for v in (atol, rtol) if not isinstance(v, ndarray)]
    if not all(numpy.isfinite(v) for v in host_tols):
        _warn_tolerance(atol, rtol)
    a = a if type(a) in _PY else _el.as_operand(a, "isclose")
    plan, inputs = isclose_plan(a, b, atol, rtol, bool(equal_nan))
    return _el.apply(plan, inputs)


def _warn_tolerance(atol, rtol):
    err = numpy.geterr()["invalid"]
    msg = f"One of rtol or atol is not valid, atol: {atol}, rtol: {rtol}"
    if err == "warn":
        warnings.warn(msg, RuntimeWarning, stacklevel=3)
    elif err == "raise":
        raise FloatingPointError(msg)
    elif err == "print":
        print(msg)


# -- type tests ---------------------------------------------------------------------------------
def _constant(shape, order, value: bool):
    out = _empty(shape, _BOOL, order)
    _copy.fill(out, numpy.bool_(value))
    return out


def isreal(x):
    """See numpy.isreal."""
    if not isinstance(x, ndarray):
        _el.check_operand(x, "isreal")
        return numpy.isreal(x)
    if x.dtype.kind != "c":
        # NumPy: imag(x) == 0, where imag of a real array is zeros in x's layout.
        return _constant(x._shape, "F" if x._f and not x._c else "C", True)
    plan = _el.Plan(_el.kernel_op("isreal", "out0 = in0.im == 0", 1), (x.dtype,), _BOOL,
                    "equal")
    return _el.apply(plan, [x])


def iscomplex(x):
    """See numpy.iscomplex."""
    if not isinstance(x, ndarray):
        _el.check_operand(x, "iscomplex")
        return numpy.iscomplex(x)
    if x.dtype.kind != "c":
        return _constant(x._shape, "C", False)     # NumPy: zeros(x.shape, bool)
    plan = _el.Plan(_el.kernel_op("iscomplex", "out0 = in0.im != 0", 1), (x.dtype,), _BOOL,
                    "not_equal")
    return _el.apply(plan, [x])


def iscomplexobj(x):
    """See numpy.iscomplexobj."""
    try:
        type_ = x.dtype.type
    except AttributeError:
        type_ = numpy.asarray(x).dtype.type
    return issubclass(type_, numpy.complexfloating)


def isrealobj(x):
    """See numpy.isrealobj."""
    return not iscomplexobj(x)


@functools.cache
def _inf_plan(key, negative: bool) -> _el.Plan:
    dt = numpy.dtype(float) if key is float else numpy.dtype(int) if key is int else \
        numpy.dtype(complex) if key is complex else key
    if dt.kind == "c":
        raise TypeError(f"This operation is not supported for {dt} values because it would "
                        "be ambiguous.")
    _el.resolve(numpy.signbit, (key,))      # NumPy's TypeError for dtypes it has no loop for
    if dt.kind == "f":
        body = f"out0 = isinf(in0) && {'' if negative else '!'}signbit(in0)"
    else:
        body = "out0 = false"
    name = "isneginf" if negative else "isposinf"
    return _el.Plan(_el.kernel_op(name, body, 1), (dt,), _BOOL, "logical_and")


def isposinf(x, out=None):
    """See numpy.isposinf."""
    return _el.apply(_inf_plan(_el.key_of(x, "isposinf"), False), [x], out)


def isneginf(x, out=None):
    """See numpy.isneginf."""
    return _el.apply(_inf_plan(_el.key_of(x, "isneginf"), True), [x], out)


# -- array comparisons that reduce to one Python bool ---------------------------------------------
# NumPy returns Python bools here, so each ends with one synchronising read of a 0-d device
# result (the only host round trip).  With no device operand NumPy itself answers.
def _is_device(x) -> bool:
    from .creation import _holds_device_array, is_device
    return is_device(x) or isinstance(x, (list, tuple)) and _holds_device_array(x)


def _as_device(x):
    from .creation import asarray
    return asarray(x)


def _all_true(mask) -> bool:
    from .reductions import all as _all
    return bool(_all(mask))


def allclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    """See numpy.allclose.

    Differences from NumPy: as for isclose, host arrays (lists, NumPy arrays) beside a
    device array raise TypeError, and the warning for a non-finite ``rtol``/``atol`` is
    given only for host values.  With no device operand NumPy answers on the host.
    """
    if not any(_is_device(v) for v in (a, b, rtol, atol)):
        return bool(numpy.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))
    return _all_true(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def array_equal(a1, a2, equal_nan=False):
    """See numpy.array_equal.

    Host operands (lists, NumPy arrays) compared with a device array are copied to the
    device first; with no device operand NumPy compares on the host.
    """
    if not (_is_device(a1) or _is_device(a2)):
        return numpy.array_equal(a1, a2, equal_nan=equal_nan)
    try:
        a1, a2 = _as_device(a1), _as_device(a2)
    except (TypeError, ValueError, OverflowError):     # NumPy: operands that do not convert
        return False
    if a1.shape != a2.shape:
        return False
    from .._ufunc.namespace import equal, isnan, logical_and, logical_or
    if equal_nan and a1 is a2:
        return True         # NumPy: NaNs compare equal, so an array equals itself
    same = equal(a1, a2)
    if equal_nan and (a1.dtype.kind in "fc" or a2.dtype.kind in "fc"):
        # NumPy: NaNs in the same places, the rest equal.  Equivalently: every element is
        # equal or NaN in both.
        logical_or(same, logical_and(isnan(a1), isnan(a2)), out=same)
    return _all_true(same)


def array_equiv(a1, a2):
    """See numpy.array_equiv.

    Host operands compared with a device array are copied to the device first; with no
    device operand NumPy compares on the host.
    """
    if not (_is_device(a1) or _is_device(a2)):
        return numpy.array_equiv(a1, a2)
    try:
        a1, a2 = _as_device(a1), _as_device(a2)
    except (TypeError, ValueError, OverflowError):     # NumPy: operands that do not convert
        return False
    try:
        numpy.broadcast_shapes(a1.shape, a2.shape)
    except ValueError:
        return False
    from .._ufunc.namespace import equal
    return _all_true(equal(a1, a2))
