"""Differences and integrals (NumPy reference: "Mathematical functions", "Sums, products,
differences"): diff, ediff1d, gradient and trapezoid.

Each routine follows NumPy's own implementation step by step, as ufunc calls on
basic-slicing views (``subtract(a[1:], a[:-1])``), so every step's loop dtype,
rounding and special values are NumPy's by construction: the ufuncs resolve
their loops as NumPy does, with Python scalars weak and NumPy scalars strong.
Where NumPy assigns a result into a slice of a preallocated array, the ufunc
writes there directly through ``out=``.

Host data (lists, NumPy arrays) is checked on the host before it is copied to
the device, so argument errors are raised before any device work, in NumPy's
order.  Where NumPy decides from values (gradient asks whether coordinate
spacing is uniform), both candidates are computed and the device picks one:
nothing synchronises.
"""

from __future__ import annotations

import functools
import operator

import numpy
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from .._core.dtypes import COMPUTE, check_supported
from .._core.ndarray import _empty, ndarray
from .._engine import copy as _copy
from .._engine import elementwise as _ew
from .._ufunc.namespace import add, divide, equal, multiply, not_equal, subtract
from . import creation as _cr
from . import elementwise as _el

_NoValue = numpy._NoValue
_BOOL = numpy.dtype(bool)
_F64 = numpy.dtype(numpy.float64)
_HALF = numpy.dtype(numpy.float16)


# -- operands ---------------------------------------------------------------------------------
def _input(x):
    """``x`` as a device array, or host data as a NumPy array: its shape and dtype are
    checked before anything is copied (see ``_device``)."""
    if _cr.is_device(x) or isinstance(x, (list, tuple)) and _cr._holds_device_array(x):
        return _cr.asarray(x)
    return numpy.asarray(x)


def _device(x) -> ndarray:
    return x if isinstance(x, ndarray) else _cr.as_device_array(x)


def _at(axis: int, index) -> tuple:
    """The basic index selecting ``index`` along ``axis`` (every other axis whole)."""
    return (slice(None),) * axis + (index,)


def _store(uf, dst, *args) -> None:
    """``dst[...] = uf(*args)`` as NumPy's assignment does it: the loop's result cast to
    ``dst`` (written through ``out=`` unless that cast is not 'same_kind': complex to
    real, which NumPy does with a ComplexWarning)."""
    keys = tuple(_el.key_of(x, uf.__name__) for x in args)
    res = _el.resolve(uf._np, keys)[-1]
    if numpy.can_cast(res, dst.dtype, "same_kind"):
        uf(*args, out=dst)
    else:
        _cr.warn_if_complex_to_real(res, dst.dtype, stacklevel=4)
        _copy.copy_into(dst, uf(*args))


# -- diff -------------------------------------------------------------------------------------
def diff(a, n=1, axis=-1, prepend=_NoValue, append=_NoValue):
    """See numpy.diff."""
    if n == 0:
        return a
    if n < 0:
        raise ValueError("order must be non-negative but got " + repr(n))
    a = _input(a)
    nd = a.ndim
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = normalize_axis_index(axis, nd)
    parts = []
    if prepend is not _NoValue:
        parts.append(_Part.end(prepend, a.shape, axis))
    parts.append(_Part(a))
    if append is not _NoValue:
        parts.append(_Part.end(append, a.shape, axis))
    if len(parts) > 1:
        _check_concatenate(parts, axis)
    n = operator.index(n)       # NumPy's range(n): TypeError for a non-integer order
    a = _concatenate(parts, axis) if len(parts) > 1 else _device(a)
    return _differences(a, n, axis)


def _differences(a: ndarray, n: int, axis: int) -> ndarray:
    """``n`` rounds of ``op(a[1:], a[:-1])`` along ``axis``: NumPy's loop.  Once the axis is
    empty, further rounds give the same empty array (dtype and shape), so they are skipped."""
    upper, lower = _at(axis, slice(1, None)), _at(axis, slice(None, -1))
    op = not_equal if a.dtype == _BOOL else subtract    # NumPy: bool differences are !=
    for _ in range(n):
        a = op(a[upper], a[lower])
        if a._shape[axis] == 0:
            break
    return a


class _Part:
    """One operand of diff's concatenation: a device array, host data, or a 0-d value that
    NumPy broadcasts to length 1 along the axis (strides 0 for the layout rule)."""

    __slots__ = ("value", "shape", "strides", "dtype")

    def __init__(self, value, shape=None, strides=None):
        self.value, self.dtype = value, value.dtype
        self.shape = value.shape if shape is None else shape
        self.strides = value.strides if strides is None else strides

    @classmethod
    def end(cls, v, shape, axis) -> "_Part":
        v = _input(v)
        if v.ndim:
            return cls(v)
        shape = shape[:axis] + (1,) + shape[axis + 1:]
        return cls(v, shape, (0,) * len(shape))


def _check_concatenate(parts, axis) -> None:
    """numpy.concatenate's checks, with its messages (axis taken against the first part)."""
    first = parts[0].shape
    normalize_axis_index(axis, len(first))
    for i, p in enumerate(parts[1:], 1):
        if len(p.shape) != len(first):
            raise ValueError("all the input arrays must have same number of dimensions, but the "
                             f"array at index 0 has {len(first)} dimension(s) and the array at "
                             f"index {i} has {len(p.shape)} dimension(s)")
        for d, (s0, s) in enumerate(zip(first, p.shape)):
            if d != axis and s != s0:
                raise ValueError("all the input array dimensions except for the concatenation "
                                 f"axis must match exactly, but along dimension {d}, the array "
                                 f"at index 0 has size {s0} and the array at index {i} has size "
                                 f"{s}")


def concatenate_strides(shape, operands, itemsize) -> tuple:
    """Strides of numpy.concatenate's result (see ``joining.multi_sorted_strides``).

    ``operands``: (shape, strides) of each input, all of ``len(shape)`` dimensions.
    """
    from .joining import multi_sorted_strides
    return multi_sorted_strides(operands, shape, itemsize)


def _concatenate(parts, axis) -> ndarray:
    """numpy.concatenate(parts, axis) on the device: NumPy's result dtype and layout."""
    dt = numpy.result_type(*(p.dtype for p in parts))
    check_supported(dt)
    shape = list(parts[0].shape)
    shape[axis] = sum(p.shape[axis] for p in parts)
    shape = tuple(shape)
    out = _cr.empty_strided(shape, dt, concatenate_strides(
        shape, [(p.shape, p.strides) for p in parts], dt.itemsize))
    start = 0
    for p in parts:
        stop = start + p.shape[axis]
        region = out[_at(axis, slice(start, stop))]
        start = stop
        if isinstance(p.value, ndarray):
            _copy.copy_into(region, p.value)        # a 0-d value broadcasts
        else:
            _cr.copyto_unsafe(region, p.value)      # host data: cast on the host, copied once
    return out


# -- ediff1d ----------------------------------------------------------------------------------
def ediff1d(ary, to_end=None, to_begin=None):
    """See numpy.ediff1d."""
    ary = _input(ary)
    dt = ary.dtype          # NumPy: the result has the input's dtype
    ends = []
    for value, name in ((to_begin, "to_begin"), (to_end, "to_end")):
        if value is not None:
            value = _input(value)
            if not numpy.can_cast(value.dtype, dt, casting="same_kind"):
                raise TypeError(f"dtype of `{name}` must be compatible with input `ary` under "
                                "the `same_kind` rule.")
            value = value.ravel()
        ends.append(value)
    ary = _device(ary).ravel()
    upper, lower = ary[1:], ary[:-1]
    begin, end = ends
    if begin is None and end is None:
        return subtract(upper, lower)
    n_begin = 0 if begin is None else begin.size
    n_end = 0 if end is None else end.size
    n_diff = max(ary.size - 1, 0)
    result = _empty((n_begin + n_diff + n_end,), dt)
    if n_begin:
        _put(result[:n_begin], begin)
    if n_end:
        _put(result[n_begin + n_diff:], end)
    subtract(upper, lower, out=result[n_begin:n_begin + n_diff])
    return result


def _put(dst: ndarray, value) -> None:
    """``dst[...] = value`` (NumPy's unsafe cast) for device or host ``value``."""
    if isinstance(value, ndarray):
        _copy.copy_into(dst, value)
    else:
        _cr.copyto_unsafe(dst, value)


# -- gradient ---------------------------------------------------------------------------------
class _Coordinates:
    """A 1-d array of sample coordinates for one axis (host or device), before any device
    work."""

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x


def _ndim(x) -> int:
    return x.ndim if isinstance(x, ndarray) else numpy.ndim(x)


def _spacings(varargs, shape, axes) -> list:
    """NumPy's parsing of gradient's spacing arguments (its errors, in its order)."""
    n, naxes = len(varargs), len(axes)
    if n == 0:
        return [1.0] * naxes
    if n == 1 and _ndim(varargs[0]) == 0:
        return [_operand(varargs[0])] * naxes
    if n != naxes:
        raise TypeError("invalid number of arguments")
    out = []
    for i, d in enumerate(varargs):
        x = _input(d)
        if x.ndim == 0:
            out.append(_operand(d))
            continue
        if x.ndim != 1:
            raise ValueError("distances must be either scalars or 1d")
        if x.shape[0] != shape[axes[i]]:
            raise ValueError("when 1d, distances must match the length of the corresponding "
                             "dimension")
        if x.shape[0] < 2:      # NumPy reads diff(x)[0]
            raise IndexError("index 0 is out of bounds for axis 0 with size 0")
        out.append(_Coordinates(x))
    return out


def _check_axes(f, axes, edge_order) -> None:
    """The errors NumPy's per-axis loop raises before it writes anything, in its order."""
    for ax in axes:
        size = f.shape[ax]
        if size < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, at "
                             "least (edge_order + 1) elements are required.")
        if f.dtype == _BOOL:
            _el.resolve(numpy.subtract, (_BOOL, _BOOL))     # NumPy's TypeError for bool - bool
        if edge_order != 1 and size < 3:
            # second-order edges read f[0], f[1], f[2] along the axis
            raise IndexError(f"index {size} is out of bounds for axis {ax} with size {size}")


def gradient(f, *varargs, axis=None, edge_order=1):
    """See numpy.gradient.

    Differences from NumPy: a boolean ``f`` always raises TypeError (NumPy computes a
    result when coordinate arrays are given, edge_order is 2 and the spacing is not
    uniform); boolean coordinate arrays give NumPy's result for uniform spacing and a
    result computed in float64 otherwise, where NumPy raises TypeError.  Whether
    coordinate spacing is uniform is decided on the device (no synchronisation).
    """
    f = _input(f)
    nd = f.ndim
    axes = tuple(range(nd)) if axis is None else normalize_axis_tuple(axis, nd)
    spacings = _spacings(varargs, f.shape, axes)
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    _check_axes(f, axes, edge_order)
    outs = []
    if axes:
        f = _device(f)
        # NumPy: integer input is converted to float64; inexact input keeps its dtype.
        otype = f.dtype if f.dtype.kind in "fc" else _F64
        values = f
        if otype != f.dtype:
            values = _cr.empty_like(f, dtype=otype)
            _copy.copy_into(values, f)
        for ax, spacing in zip(axes, spacings):
            out = _cr.empty_like(f, dtype=otype)
            if isinstance(spacing, _Coordinates):
                _gradient_coordinates(values, out, ax, spacing.x, edge_order)
            else:
                _gradient_uniform(values, out, ax, spacing, edge_order)
            outs.append(out)
    return outs[0] if len(axes) == 1 else tuple(outs)


def _gradient_uniform(f, out, axis, dx, edge_order) -> None:
    """NumPy's gradient along ``axis`` for a scalar spacing ``dx`` (host scalar or 0-d
    device array; host arithmetic on it is NumPy's own)."""
    _gradient_uniform_interior(f, out, axis, dx)
    if edge_order == 1:
        _first_order_edges(f, out, axis, dx, dx)
        return
    _combine(out[_at(axis, 0)], (-1.5 / dx, 2. / dx, -0.5 / dx),
             (f[_at(axis, 0)], f[_at(axis, 1)], f[_at(axis, 2)]))
    _combine(out[_at(axis, -1)], (0.5 / dx, -2. / dx, 1.5 / dx),
             (f[_at(axis, -3)], f[_at(axis, -2)], f[_at(axis, -1)]))


def _first_order_edges(f, out, axis, dx_first, dx_last) -> None:
    for i, (hi, lo), dx in ((0, (1, 0), dx_first), (-1, (-1, -2), dx_last)):
        edge = out[_at(axis, i)]
        subtract(f[_at(axis, hi)], f[_at(axis, lo)], out=edge)
        _store(divide, edge, edge, dx)


def _combine(dst, coefs, fs) -> None:
    """``dst[...] = a * f0 + b * f1 + c * f2``: NumPy's expression, one ufunc per step
    (the three coefficients have one dtype, so the sums run in the products' dtype)."""
    a, b, c = coefs
    t1 = multiply(a, fs[0])
    t2 = multiply(b, fs[1])
    add(t1, t2, out=t1)
    multiply(c, fs[2], out=t2)
    _store(add, dst, t1, t2)


def _spacing_differences(x):
    """``(diff(x), uniform)``: NumPy's float64 conversion of integer coordinates, their
    differences, and a 0-d device flag for ``all(diffx == diffx[0])``."""
    from .reductions import all as _all
    x = _device(x)
    if x.dtype.kind in "iu":
        x = x.astype(_F64)
    dx = diff(x)
    if dx.dtype == _BOOL:
        # NumPy keeps bool differences; with uniform spacing they act as the float64 values
        # 1.0 or 0.0 in every formula below (and NumPy raises TypeError otherwise).
        dx = dx.astype(_F64)
    return dx, _all(equal(dx, dx[0]))


def _gradient_coordinates(f, out, axis, x, edge_order) -> None:
    """NumPy's gradient along ``axis`` for coordinates ``x``.  NumPy uses the scalar formulas
    when the spacing is uniform and the general ones otherwise; both are computed here
    and the flag selects, on the device."""
    dx, uniform = _spacing_differences(x)
    _gradient_uniform_interior(f, out, axis, dx[0])
    m = dx.size - 1
    coefs = [_empty((m,), dx.dtype) for _ in range(3)]
    dt, ct = dx.dtype, COMPUTE.get(dx.dtype, dx.dtype)
    _ew.launch(interior_coefficients_op(dt), [dx[:-1], dx[1:]], (dt, dt), (ct, ct), coefs,
               (ct,) * 3)
    shape = [1] * f.ndim
    shape[axis] = m
    a, b, c = (k.reshape(tuple(shape)) for k in coefs)
    t1 = multiply(a, f[_at(axis, slice(None, -2))])
    t2 = multiply(b, f[_at(axis, slice(1, -1))])
    add(t1, t2, out=t1)
    multiply(c, f[_at(axis, slice(2, None))], out=t2)
    interior = out[_at(axis, slice(1, -1))]
    _el.apply(select_sum_plan(out.dtype, t1.dtype), [uniform, interior, t1, t2], interior)
    if edge_order == 1:
        # NumPy divides by diffx[0] at both ends for uniform spacing: the same value as
        # diffx[-1] then.
        _first_order_edges(f, out, axis, dx[0], dx[-1])
        return
    k = _empty((6,), dt)
    _ew.launch(edge_coefficients_op(dt), [uniform, dx[0], dx[1], dx[-2], dx[-1]],
               (_BOOL, dt, dt, dt, dt), (_BOOL, ct, ct, ct, ct), [k], (ct,))
    _combine(out[_at(axis, 0)], (k[0], k[1], k[2]),
             (f[_at(axis, 0)], f[_at(axis, 1)], f[_at(axis, 2)]))
    _combine(out[_at(axis, -1)], (k[3], k[4], k[5]),
             (f[_at(axis, -3)], f[_at(axis, -2)], f[_at(axis, -1)]))


def _gradient_uniform_interior(f, out, axis, dx) -> None:
    """``out[1:-1] = (f[2:] - f[:-2]) / (2. * dx)``: the difference is written in place (it
    has the output's dtype), then divided in the loop dtype NumPy resolves."""
    interior = out[_at(axis, slice(1, -1))]
    subtract(f[_at(axis, slice(2, None))], f[_at(axis, slice(None, -2))], out=interior)
    _store(divide, interior, interior, 2. * dx)


# Coefficient kernels: NumPy computes them with ufuncs (arrays) or NumPy scalar arithmetic
# (edges), every step in the spacing dtype.  Here each kernel evaluates the same formulas in
# the same order, rounding float16 to half after every step as NumPy's float16 loops do; no
# product feeds a sum except 2 * dx, which is exact, so FMA contraction changes nothing.
def _ops_for(dt: numpy.dtype):
    """(round, literal) C++ helpers for computing in ``dt``."""
    def rnd(e: str) -> str:
        return f"cuarray_rt::rh({e})" if dt == _HALF else f"({e})"

    def lit(v: float) -> str:
        return f"((out0_type)({v!r}))"
    return rnd, lit


@functools.cache
def interior_coefficients_op(dt: numpy.dtype) -> _ew.ElementwiseOp:
    """a, b, c of NumPy's non-uniform interior formula from dx1 = diffx[:-1] (in0) and
    dx2 = diffx[1:] (in1): ``-dx2 / (dx1 * (dx1 + dx2))``, ``(dx2 - dx1) / (dx1 * dx2)``
    and ``dx1 / (dx2 * (dx1 + dx2))``."""
    r, _ = _ops_for(dt)
    a = r("-in1 / " + r("in0 * g_s"))
    b = r(r("in1 - in0") + " / " + r("in0 * in1"))
    c = r("in0 / " + r("in1 * g_s"))
    body = (f"const out0_type g_s = {r('in0 + in1')};\n"
            f"out0 = {a};\nout1 = {b};\nout2 = {c}")
    return _ew.ElementwiseOp("gradient_coefficients", body, 2, 3, _preamble(dt))


@functools.cache
def edge_coefficients_op(dt: numpy.dtype) -> _ew.ElementwiseOp:
    """The six second-order edge coefficients (a, b, c at the start, then at the end).

    in0: uniform flag; in1..in4: diffx[0], diffx[1], diffx[-2], diffx[-1].  Uniform
    spacing h = diffx[0]: -1.5/h, 2/h, -0.5/h and 0.5/h, -2/h, 1.5/h; otherwise NumPy's
    non-uniform formulas with (dx1, dx2) = (diffx[0], diffx[1]) at the start and
    (diffx[-2], diffx[-1]) at the end.
    """
    r, lit = _ops_for(dt)
    uniform = [r(f"{lit(v)} / in1") for v in (-1.5, 2.0, -0.5, 0.5, -2.0, 1.5)]
    start = [r(f"-{r(r(lit(2.0) + ' * in1') + ' + in2')} / {r('in1 * ' + r('in1 + in2'))}"),
             r(f"{r('in1 + in2')} / {r('in1 * in2')}"),
             r(f"-in1 / {r('in2 * ' + r('in1 + in2'))}")]
    end = [r(f"in4 / {r('in3 * ' + r('in3 + in4'))}"),
           r(f"-{r('in4 + in3')} / {r('in3 * in4')}"),
           r(f"{r(r(lit(2.0) + ' * in4') + ' + in3')} / {r('in4 * ' + r('in3 + in4'))}")]
    cases = "\n".join(f"  case {k}: out0 = in0 ? {u} : {g}; break;"
                      for k, (u, g) in enumerate(zip(uniform, start + end)))
    body = f"switch ((int)_i) {{\n{cases}\n  default: out0 = {lit(0.0)};\n}}"
    return _ew.ElementwiseOp("gradient_edge_coefficients", body, 5, 1, _preamble(dt))


@functools.cache
def select_sum_plan(dt: numpy.dtype, sum_dt: numpy.dtype) -> _el.Plan:
    """``out = flag ? out : t1 + t2``: the uniform result where the flag is set, else NumPy's
    last step ``(a*f0 + b*f1) + c*f2`` in the products' dtype, cast to the output's."""
    total = "(in2 + in3)"
    if sum_dt == _HALF:
        total = f"cuarray_rt::rh{total}"
    # (complex to real output: the uniform branch's assignment has given the ComplexWarning)
    body = f"out0 = in0 ? in1 : {_el.cconvert(total, sum_dt, dt)}"
    preamble = _el.HALF_ROUND if "cuarray_rt::" in body else ""
    op = _el.kernel_op("gradient_select", body, 4, preamble)
    return _el.Plan(op, (_BOOL, dt, sum_dt, sum_dt), dt, "add")


def _preamble(dt: numpy.dtype) -> str:
    return _el.HALF_ROUND if dt == _HALF else ""


# -- trapezoid --------------------------------------------------------------------------------
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """See numpy.trapezoid.

    Differences from NumPy: a result NumPy returns as a scalar (1-d ``y``) is a 0-d device
    array.
    """
    y = _input(y)
    nd = y.ndim
    shape = None
    if x is None:
        d = _operand(dx)
    else:
        x = _input(x)
        if x.ndim == 1:
            shape = [1] * nd
            shape[axis] = max(x.shape[0] - 1, 0)    # NumPy: IndexError for a bad axis
        else:
            d = diff(x, axis=axis)
    upper, lower = [slice(None)] * nd, [slice(None)] * nd
    upper[axis] = slice(1, None)        # NumPy's list indexing: IndexError for a bad axis
    lower[axis] = slice(None, -1)
    if shape is not None:
        d = diff(_device(x)).reshape(tuple(shape))
    elif isinstance(d, numpy.ndarray):
        d = _device(d)
    y = _device(y)
    from .reductions import sum as _sum
    total = multiply(d, add(y[tuple(upper)], y[tuple(lower)]))
    # NumPy's ``/ 2.0`` keeps an inexact dtype, so the quotient can overwrite the product.
    return _sum(divide(total, 2.0, out=total if total.dtype.kind in "fc" else None),
                axis=axis)


def _operand(v):
    """A ufunc operand as NumPy would take ``v``: scalars and device arrays as they are,
    host data as a NumPy scalar (0-d) or an array (copied to the device later)."""
    if isinstance(v, (ndarray, numpy.generic)) or type(v) in (bool, int, float, complex):
        return v
    v = _input(v)
    return v[()] if isinstance(v, numpy.ndarray) and v.ndim == 0 else v
