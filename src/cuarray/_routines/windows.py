"""Window functions (NumPy reference: "Window functions"): bartlett, blackman, hamming,
hanning, kaiser.

Each window is one generator kernel: element ``_i`` computes NumPy's sample
``n = arange(...)[_i]`` exactly as NumPy's arange fills it (``start + i * delta``), then
NumPy's formula in float64 with every step rounded separately (no FMA contraction), so
the values match NumPy's to the ulp of the device's ``cos`` (kaiser: NumPy's Chebyshev
series for ``i0``, the one ``cuarray.i0`` evaluates).  Only the scalars are computed on
the host.  Arguments NumPy would not turn into a float64 ``M`` (complex, object) are
handed to NumPy's own function on the host and the result is copied to the device.
"""

from __future__ import annotations

import math

import numpy

from .._core.ndarray import _empty, _from_host
from .._engine.elementwise import ElementwiseOp
from .creation import generate, host_scalar
from .ranges import ARITH, arange_length, arange_scalars

_F64 = numpy.dtype(numpy.float64)
_ops: dict = {}

# in0 = first sample, in1 = second sample, in2 = NumPy's fill delta: arange's values.
_SAMPLE = ("const double w_n = _i == 0 ? in0 : (_i == 1 ? in1 : "
           "cuarray_gen::add(in0, cuarray_gen::mul((double)_i, in2)));\n")
# in3 = M - 1, in4 = pi (or 2 pi): pi * n / (M - 1), rounded per step as NumPy's array ops.
_ANGLE = "cuarray_gen::div(cuarray_gen::mul({pi}, w_n), in3)"


def _cos_term(weight: str, pi: str) -> str:
    return f"cuarray_gen::mul({weight}, cos({_ANGLE.format(pi=pi)}))"


#: NumPy's formulas over ``n = arange(1 - M, M, 2)``.
BODIES = {
    "bartlett": _SAMPLE + (
        "const double w_t = cuarray_gen::div(w_n, in3);\n"
        "out0 = w_n <= 0.0 ? cuarray_gen::add(1.0, w_t) : cuarray_gen::sub(1.0, w_t)"),
    "hanning": _SAMPLE + f"out0 = cuarray_gen::add(0.5, {_cos_term('0.5', 'in4')})",
    "hamming": _SAMPLE + f"out0 = cuarray_gen::add(0.54, {_cos_term('0.46', 'in4')})",
    "blackman": _SAMPLE + (
        f"out0 = cuarray_gen::add(cuarray_gen::add(0.42, {_cos_term('0.5', 'in4')}), "
        f"{_cos_term('0.08', 'in5')})"),
}
NIN = {"bartlett": 4, "hanning": 5, "hamming": 5, "blackman": 6}

#: kaiser over ``n = arange(0, M)`` (n = _i exactly): in0 = alpha, in1 = beta,
#: in2 = i0(beta); i0(beta * sqrt(1 - ((n - alpha) / alpha)**2)) / i0(beta).
KAISER_BODY = (
    "const double w_r = cuarray_gen::div(cuarray_gen::sub((double)_i, in0), in0);\n"
    "const double w_x = cuarray_gen::mul(in1, "
    "sqrt(cuarray_gen::sub(1.0, cuarray_gen::mul(w_r, w_r))));\n"
    "out0 = cuarray_gen::div(cuarray_i0::eval(w_x, cuarray_i0::f64()), in2)")


def window_op(name: str) -> ElementwiseOp:
    op = _ops.get(name)
    if op is None:
        if name == "kaiser":
            from .math import _I0_COMMON
            op = ElementwiseOp("kaiser", KAISER_BODY, 3, 1, ARITH + _I0_COMMON)
        else:
            op = ElementwiseOp(name, BODIES[name], NIN[name], 1, ARITH)
        _ops[name] = op
    return op


def _float_values(name, *args):
    """NumPy's ``numpy.array([0.0, *args])``; None where NumPy's own function must decide."""
    values = numpy.array([0.0, *(host_scalar(x) for x in args)])
    if values.ndim != 1 or values.dtype != _F64:
        return None
    return values


def _cosine_window(name: str, M):
    values = _float_values(name, M)
    if values is None:
        return _from_host(getattr(numpy, name)(host_scalar(M)))
    M = values[1]
    if M < 1:
        return _empty((0,), _F64)
    if M == 1:
        out = _empty((1,), _F64)
        out.fill(1.0)
        return out
    start = 1 - M
    n = arange_length(start, M, 2, False)
    out = _empty((n,), _F64)
    (first, second, delta), _ = arange_scalars(start, 2, n, _F64)
    args = [first, second, delta, M - 1, numpy.float64(math.pi), numpy.float64(2.0 * math.pi)]
    op = window_op(name)
    return generate(op, args[:op.nin], (_F64,) * op.nin, out)


def bartlett(M):
    """See numpy.bartlett."""
    return _cosine_window("bartlett", M)


def blackman(M):
    """See numpy.blackman."""
    return _cosine_window("blackman", M)


def hamming(M):
    """See numpy.hamming."""
    return _cosine_window("hamming", M)


def hanning(M):
    """See numpy.hanning."""
    return _cosine_window("hanning", M)


def kaiser(M, beta):
    """See numpy.kaiser."""
    values = _float_values("kaiser", M, beta)
    if values is None:
        return _from_host(numpy.kaiser(host_scalar(M), host_scalar(beta)))
    M, beta = values[1], values[2]
    if M == 1:
        out = _empty((1,), _F64)
        out.fill(1.0)
        return out
    n = arange_length(0, M, 1, False)
    out = _empty((n,), _F64)
    if n:
        alpha = (M - 1) / 2.0
        denom = numpy.float64(numpy.i0(beta))
        generate(window_op("kaiser"), [alpha, beta, denom], (_F64,) * 3, out)
    return out
