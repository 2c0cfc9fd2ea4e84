"""Numerical ranges (NumPy reference: arange, linspace, logspace, geomspace, meshgrid, mgrid,
ogrid) and the index grids behind them (indices, fromfunction).

Every value is generated on the device by a kernel that computes element ``_i``
from a few scalars, with NumPy's own arithmetic: the same operations in the same
dtype, each rounded separately (``cuarray_gen::add``/``mul``... never fuse into an
FMA), so results match NumPy's to the last bit wherever the device's basic
arithmetic is IEEE (it is), and to a few ulp where ``pow``/``log10`` are involved.
Only the scalars (lengths, steps, first values) are computed on the host.
"""

from __future__ import annotations

import functools
import math
import operator

import numpy

from .._core.dtypes import check_supported, get_dtype
from .._core.ndarray import _empty, _view, ndarray
from .._core.shape import normalize_axis_index, normalize_shape, prod
from .._engine import elementwise as _ew
from .._engine.elementwise import ElementwiseOp, broadcast_strides
from .creation import (as_device_array, compute_dtype, device_scope, empty_iter, empty_strided,
                       generate, host_scalar, is_device, iter_strides, keep_order_strides,
                       warn_if_complex_to_real)

_I64 = numpy.dtype(numpy.int64)
_U64 = numpy.dtype(numpy.uint64)
_BOOL = numpy.dtype(bool)
_HALF = numpy.dtype(numpy.float16)

# Separately rounded arithmetic for generated values.  NumPy computes these steps as
# separate array operations; the compiler would otherwise contract a*b+c into one FMA
# (rounded once), which differs in the last bit.
ARITH = r"""
namespace cuarray_gen {
__device__ __forceinline__ float add(float a, float b) { return __fadd_rn(a, b); }
__device__ __forceinline__ double add(double a, double b) { return __dadd_rn(a, b); }
__device__ __forceinline__ float sub(float a, float b) { return __fsub_rn(a, b); }
__device__ __forceinline__ double sub(double a, double b) { return __dsub_rn(a, b); }
__device__ __forceinline__ float mul(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ double mul(double a, double b) { return __dmul_rn(a, b); }
__device__ __forceinline__ float div(float a, float b) { return __fdiv_rn(a, b); }
__device__ __forceinline__ double div(double a, double b) { return __ddiv_rn(a, b); }
// Integers wrap as NumPy's do (signed overflow is undefined in C++, unsigned is not).
__device__ __forceinline__ long long mul(long long a, long long b) {
  return (long long)((unsigned long long)a * (unsigned long long)b);
}
// NumPy's float-to-uint64 cast on x86: a negative value converts through int64 and wraps
// (the device's direct conversion gives 0).
__device__ __forceinline__ unsigned long long to_u64(double x) {
  return x < 0 ? (unsigned long long)(long long)x : (unsigned long long)x;
}
template <typename T> __device__ __forceinline__ T add(T a, T b) { return a + b; }
template <typename T> __device__ __forceinline__ T sub(T a, T b) { return a - b; }
template <typename T> __device__ __forceinline__ T mul(T a, T b) { return a * b; }
template <typename T> __device__ __forceinline__ T div(T a, T b) { return a / b; }
#ifdef CUARRAY_COMPLEX_CUH
// NumPy's complex product, (ac - bd) + (ad + bc)i, with every step rounded.
template <typename R>
__device__ __forceinline__ cuarray::complex<R> mul(cuarray::complex<R> a, cuarray::complex<R> b) {
  return cuarray::complex<R>(sub(mul(a.re, b.re), mul(a.im, b.im)),
                             add(mul(a.re, b.im), mul(a.im, b.re)));
}
#endif
}  // namespace cuarray_gen
"""

_ops: dict = {}


def _op(name: str, body: str, nin: int, nout: int = 1) -> ElementwiseOp:
    """One ElementwiseOp per distinct body (the kernel cache keys on the op)."""
    key = (name, body)
    op = _ops.get(key)
    if op is None:
        # Rounding to half needs cuda_fp16.h even where no operand is float16.
        pre = ("#include <cuda_fp16.h>\n" if "__float2half" in body else "") + ARITH
        op = _ops[key] = ElementwiseOp(name, body, nin, nout, pre)
    return op


def rounder(dt: numpy.dtype):
    """C++ wrapper rounding a float expression to ``dt``: NumPy's float16 loops round
    every result to half, while cuarray computes float16 in float32."""
    if dt == _HALF:
        return lambda e: f"__half2float(__float2half_rn({e}))"
    return lambda e: e


@functools.cache
def _float_casts_wrap() -> bool:
    """Whether the installed NumPy casts out-of-range floats to integers by wrapping, as it
    does on x86 (a C cast compiled as a 32- or 64-bit signed conversion: -2.0 becomes 65534
    in uint16), rather than saturating as the device's conversions (and AArch64's) do."""
    with numpy.errstate(invalid="ignore"):
        return int(numpy.array(-2.0).astype(numpy.uint16)) == 65534


_I32 = numpy.dtype(numpy.int32)


def int_store(compute: numpy.dtype, odt: numpy.dtype):
    """``(wrap, out_compute)`` for storing a value computed in ``compute`` into ``odt`` as
    NumPy's ``astype(odt)`` of the inexact result does: ``wrap`` turns the C++ value into
    the kernel's ``out0``, of type ``out_compute``, which the engine then converts to ``odt``.

    Only a float (or complex) value stored into an integer dtype needs care, and only where
    NumPy wraps out-of-range values: then it goes through the signed conversion x86 uses
    (32-bit for 8- and 16-bit dtypes, 64-bit for uint32) and the engine's integer
    narrowing wraps; uint64 converts negative values through int64.  Values in the dtype's
    range convert exactly either way.
    """
    if odt.kind not in "iu" or compute.kind not in "fc" or not _float_casts_wrap():
        return (lambda e: e), compute
    part = (lambda e: f"({e}).re") if compute.kind == "c" else (lambda e: e)
    if odt.itemsize <= 2:
        return (lambda e: f"(int)({part(e)})"), _I32
    if odt == numpy.dtype(numpy.uint32):
        return (lambda e: f"(long long)({part(e)})"), _I64
    if odt == _U64:
        return (lambda e: f"cuarray_gen::to_u64((double)({part(e)}))"), _U64
    return (lambda e: e), compute


def is_zero(dt: numpy.dtype, e: str) -> str:
    return f"({e}.re == 0 && {e}.im == 0)" if dt.kind == "c" else f"({e} == 0)"


def scalar_as(value, dt: numpy.dtype, compute: numpy.dtype):
    """``value`` converted to ``dt`` (NumPy's rules), then to the kernel's compute type.

    Integers are passed as uint64 and computed modulo 2**64, which is what NumPy's
    wrapping integer arithmetic gives once truncated to the result dtype.
    """
    v = numpy.array(value, dtype=dt)[()] if not isinstance(value, numpy.generic) else \
        value.astype(dt)
    if compute == _U64:
        return numpy.uint64(int(v) % 2**64)
    return compute.type(v)


def _int_compute(dt: numpy.dtype) -> numpy.dtype:
    return _U64 if dt.kind in "biu" else compute_dtype(dt)


# -- arange ------------------------------------------------------------------------------------
_ARANGE = ("out0 = _i == 0 ? in0 : (_i == 1 ? in1 : "
           "cuarray_gen::add(in0, cuarray_gen::mul((in0_type)_i, in2)))")
_ARANGE_COMPLEX = ("typedef decltype(in0.re) g_R;\n"
                   "out0 = _i == 0 ? in0 : (_i == 1 ? in1 : out0_type("
                   "cuarray_gen::add(in0.re, cuarray_gen::mul((g_R)_i, in2.re)), "
                   "cuarray_gen::add(in0.im, cuarray_gen::mul((g_R)_i, in2.im))))")


def arange(start, stop=None, step=None, *, dtype=None, device=None, like=None):
    """See numpy.arange.

    Differences from NumPy: 0-d device arrays given as bounds or step are read back
    to the host (the length depends on their values).
    """
    start, stop, step = host_scalar(start), host_scalar(stop), host_scalar(step)
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    dt = _arange_dtype(start, stop, step) if dtype is None else get_dtype(dtype)
    n = arange_length(start, stop, step, dt.kind == "c")
    if n * dt.itemsize > 2**63 - 1:
        raise ValueError("Maximum allowed size exceeded")
    if dt.kind == "b" and n > 2:
        raise TypeError("arange() is only supported for booleans when the result has at most "
                        "length 2.")
    with device_scope(device):
        out = _empty((n,), dt)
        if n:
            args, compute = arange_scalars(start, step, n, dt)
            body = _ARANGE_COMPLEX if dt.kind == "c" else _ARANGE
            generate(_op("arange", body, 3), args, compute, out, compute[0])
    return out


def _arange_dtype(start, stop, step) -> numpy.dtype:
    # NumPy discovers each argument's dtype and promotes with intp: "at least np.int_".
    dt = numpy.result_type(numpy.intp, *(numpy.asarray(x).dtype for x in (start, stop, step)))
    check_supported(dt)
    return dt


def arange_length(start, stop, step, cmplx: bool) -> int:
    """NumPy's length rule: ceil((stop - start) / step), computed with the arguments' own
    arithmetic (Python numbers or NumPy scalars), as NumPy's _calc_length does."""
    try:
        delta = stop - start
    except TypeError:
        if isinstance(stop, tuple):
            raise TypeError("arange: scalar arguments expected instead of a tuple.") from None
        raise
    nonzero = delta != 0
    val = delta / step              # ZeroDivisionError for a zero step, as in NumPy
    if not nonzero:
        return 0
    if cmplx and isinstance(val, complex):
        n = min(_ceil_length(val.real), _ceil_length(val.imag))
    else:
        value = float(val)
        if val == 0:                # underflow: a tiny positive quotient still gives one value
            n = 0 if math.copysign(1.0, value) < 0 else 1
        else:
            n = _ceil_length(value)
    return max(n, 0)


def _ceil_length(value: float) -> int:
    if math.isnan(value):
        raise ValueError("arange: cannot compute length")
    if math.isinf(value) or not -2.0**63 <= math.ceil(value) <= 2.0**63:
        raise ValueError("Maximum allowed size exceeded")
    return math.ceil(value)


def arange_scalars(start, step, n, dt):
    """Kernel scalars (first, second, delta) as NumPy's fill computes them.

    NumPy stores ``start`` and ``start + step`` (Python arithmetic) into the result,
    then fills ``out[i] = out[0] + i * (out[1] - out[0])`` in the result dtype
    (float16: in float32, rounded once at the end).
    """
    buf = numpy.empty(2, dt)
    buf[0] = start
    buf[1] = start + step if n > 1 else buf[0]
    compute = _int_compute(dt)
    with numpy.errstate(all="ignore"):
        if dt.kind in "biu":
            delta = int(numpy.subtract(buf[1:], buf[:1])[0]) if dt.kind != "b" else 0
            first, second = (numpy.uint64(int(x) % 2**64) for x in buf)
            return (first, second, numpy.uint64(delta % 2**64)), (compute,) * 3
        first, second = compute.type(buf[0]), compute.type(buf[1])
        return (first, second, second - first), (compute,) * 3


# -- linspace, logspace, geomspace -------------------------------------------------------------
# Kernel inputs shared by linspace and geomspace: in0 first value (start, or log10 start),
# in1 step, in2 delta, in3 "some step underflowed to zero", in4 value of sample 0,
# in5 elements per sample, in6 index of the sample set to in8 (-1: none), in7 div.
@functools.cache
def _ramp(dt: numpy.dtype) -> str:
    """NumPy's linspace value of sample ``g_k``: ``g_k*step + start`` or, where a step
    underflowed to zero anywhere, ``(g_k/div)*delta + start`` (NumPy's gh-5437 branch)."""
    r = rounder(dt)
    k = r("(in0_type)g_k")
    scaled = r(f"cuarray_gen::div({k}, in7)")
    small = r(f"cuarray_gen::add({r(f'cuarray_gen::mul({scaled}, in2)')}, in0)")
    usual = r(f"cuarray_gen::add({r(f'cuarray_gen::mul({k}, in1)')}, in0)")
    return f"(in3 ? {small} : {usual})"


@functools.cache
def _linspace_body(dt, floor: bool, odt) -> str:
    # in8 = stop; in4 (sample 0) is unused: the ramp itself gives start there.
    value = f"g_k == in6 ? in8 : {_ramp(dt)}"
    value = f"{'floor' if floor else ''}({value})"
    store = int_store(compute_dtype(dt), odt)[0]
    return f"const long long g_k = (long long)_i / in5;\nout0 = {store(value)}"


@functools.cache
def _geomspace_body(dt, odt) -> str:
    # NumPy's power(10, linspace(log10 start, log10 stop)) with the first and last samples
    # set to start and stop rotated to the positive real axis (in4, in8), times the sign
    # of start (in9).
    r = rounder(dt)
    ten = "in0_type(10)" if dt.kind == "c" else "(in0_type)10"
    power = r(f"cuarray::pow({ten}, g_y)" if dt.kind == "c" else f"pow({ten}, g_y)")
    store = int_store(compute_dtype(dt), odt)[0]
    return ("const long long g_k = (long long)_i / in5;\n"
            "in0_type g_v;\n"
            "if (g_k == 0) g_v = in4;\n"
            "else if (g_k == in6) g_v = in8;\n"
            f"else {{ const in0_type g_y = {_ramp(dt)}; g_v = {power}; }}\n"
            f"out0 = {store(r('cuarray_gen::mul(g_v, in9)'))}")


@functools.cache
def _prep_body(dt, geometric: bool) -> str:
    """Per start/stop pair, what NumPy derives before sampling (in0 start, in1 stop, in2
    div, in3 address of two flags: [0] a step is zero, [1] a bound is zero).

    linspace: out0 delta, out1 step.  geomspace: out0 log10 of start / sign, out1 step,
    out2 delta, out3 start / sign, out4 stop / sign, out5 sign of start.
    """
    r = rounder(dt)
    flag = "reinterpret_cast<bool*>(in3)"
    if not geometric:
        delta = r("cuarray_gen::sub(in1, in0)")
        step = r("cuarray_gen::div(out0, in2)")
        return (f"out0 = {delta};\nout1 = {step};\n"
                f"if {is_zero(dt, 'out1')} {flag}[0] = true")
    if dt.kind == "c":
        # NumPy 2's complex sign: z / |z|.
        sign = ("const auto g_a = hypot(in0.re, in0.im);\n"
                "out5 = g_a == 0 ? in0 : out5_type(in0.re / g_a, in0.im / g_a);\n")
        log = "cuarray::log10"
    else:
        sign = "out5 = in0 > 0 ? (in0_type)1 : (in0 < 0 ? (in0_type)-1 : in0);\n"
        log = "log10"
    rstart, rstop = r("cuarray_gen::div(in0, out5)"), r("cuarray_gen::div(in1, out5)")
    lstop = r(f"{log}(out4)")
    delta = r(f"cuarray_gen::sub({lstop}, out0)")
    return (f"if ({is_zero(dt, 'in0')} || {is_zero(dt, 'in1')}) {flag}[1] = true;\n" + sign
            + f"out3 = {rstart};\nout4 = {rstop};\nout0 = {r(f'{log}(out3)')};\n"
            f"out2 = {delta};\nout1 = {r('cuarray_gen::div(out2, in2)')};\n"
            f"if {is_zero(dt, 'out1')} {flag}[0] = true")


class _Bounds:
    """start/stop of linspace-like routines: scalars stay on the host, arrays go to the
    device; ``shape`` is their broadcast shape."""

    def __init__(self, start, stop):
        self.scalar = not (is_device(start) or is_device(stop)
                           or numpy.ndim(start) or numpy.ndim(stop))
        if self.scalar:
            self.start, self.stop, self.shape = start, stop, ()
        else:
            self.start = start if _host_scalar_like(start) else as_device_array(start)
            self.stop = stop if _host_scalar_like(stop) else as_device_array(stop)
            self.shape = numpy.broadcast_shapes(_shape(self.start), _shape(self.stop))

    def standins(self):
        """What NumPy's result_type sees: arrays by dtype, Python scalars weakly."""
        return [x.dtype if isinstance(x, ndarray) else x for x in (self.start, self.stop)]

    def arrays(self):
        return [x for x in (self.start, self.stop) if isinstance(x, ndarray)]


def _host_scalar_like(x) -> bool:
    return not is_device(x) and numpy.ndim(x) == 0


def _shape(x) -> tuple:
    return x._shape if isinstance(x, ndarray) else ()


def _inexact(*standins) -> numpy.dtype:
    dt = numpy.result_type(*standins)
    if dt.kind not in "fc":
        dt = numpy.dtype(numpy.float64)
    check_supported(dt)
    return dt


def _kernel_arg(x, dt, compute):
    return x if isinstance(x, ndarray) else scalar_as(x, dt, compute)


def _prepare(bounds: _Bounds, dt, div: int, geometric: bool, layout):
    """Run _prep_body over the bounds' broadcast shape.  Returns its outputs (laid out
    like ``layout``) and the two flags as 0-d device arrays."""
    from ..cuda import _copy
    c = compute_dtype(dt)
    nout = 6 if geometric else 2
    outs = [empty_iter(bounds.shape, dt, layout) for _ in range(nout)]
    flags = _empty((2,), _BOOL)
    _copy.memset8(flags._ptr, 0, 2)
    inputs = [_kernel_arg(bounds.start, dt, c), _kernel_arg(bounds.stop, dt, c),
              c.type(max(div, 1)), numpy.uint64(flags._ptr)]
    compute = (c, c, c, _U64)
    storage = tuple(x.dtype if isinstance(x, ndarray) else k for x, k in zip(inputs, compute))
    op = _op("geomspace_prep" if geometric else "linspace_prep", _prep_body(dt, geometric),
             4, nout)
    _ew.launch(op, inputs, storage, compute, outs, (c,) * nout)
    return outs, flags[0], flags[1]


def _frame(num, bounds_shape, dt, delta):
    """The (num, *shape) array of NumPy's ``arange(num)[:, None, ...] * step``, laid out
    as NumPy's iterator lays out that product."""
    shape = (num,) + tuple(bounds_shape)
    if not bounds_shape:
        return _empty(shape, dt)
    nd = len(bounds_shape)
    samples = ((num,) + (1,) * nd, (dt.itemsize,) * (nd + 1))
    return empty_strided(shape, dt, iter_strides(shape, [samples, delta], dt.itemsize))


def _move_axis0(a, axis) -> ndarray:
    axis = normalize_axis_index(axis, a.ndim, "destination")
    order = list(range(1, a.ndim))
    order.insert(axis, 0)
    return a.transpose(order)


def _samples(num, endpoint, shape):
    """Kernel scalars in5 (elements per sample), in6 (index of the last sample when it is
    set to stop, else -1)."""
    return [numpy.int64(max(prod(shape), 1)), numpy.int64(num - 1 if endpoint and num > 1
                                                          else -1)]


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    """See numpy.linspace.

    Differences from NumPy: with an integer ``dtype``, values far outside its range (beyond
    int32 or int64) and NaN convert as the device converts them (saturating), where NumPy's
    cast is undefined in C; values that merely wrap (-1.0 into uint8) wrap as in NumPy.
    """
    # NumPy's arithmetic, bit for bit: start + i*step (or start + (i/div)*delta once a
    # step underflows to zero), the last sample set to stop, integer dtypes floored.
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    with device_scope(device):
        y, step = _linspace(_Bounds(start, stop), num, endpoint, dtype)
        y = _move_axis0(y, axis)
    return (y, step) if retstep else y


def _linspace(bounds, num, endpoint, dtype):
    dt = _inexact(*bounds.standins())
    odt = dt if dtype is None else get_dtype(dtype)
    floor = odt.kind in "iu"
    if floor and dt.kind == "c":
        raise TypeError("ufunc 'floor' not supported for the input types, and the inputs could "
                        "not be safely coerced to any supported types according to the casting "
                        "rule ''safe''")
    warn_if_complex_to_real(dt, odt, stacklevel=4)
    div = num - 1 if endpoint else num
    c = compute_dtype(dt)
    if bounds.scalar:
        start, stop, delta, step, zero = _scalar_prep(bounds, dt, div)
        args = [c.type(start), c.type(step), c.type(delta), numpy.bool_(zero), c.type(start)]
        stop = c.type(stop)
        out = _empty((num,), odt)
    else:
        (delta, step), zero, _ = _prepare(bounds, dt, div, False, bounds.arrays())
        start = _kernel_arg(bounds.start, dt, c)
        stop = _kernel_arg(bounds.stop, dt, c)
        args = [start, step if div > 0 else delta, delta,
                zero if div > 0 else numpy.bool_(False), start]
        out = _frame(num, bounds.shape, odt, (delta._shape, delta._strides))
    args += _samples(num, endpoint, bounds.shape) + [c.type(max(div, 1)), stop]
    compute = (c, c, c, _BOOL, c, _I64, _I64, c, c)
    generate(_op("linspace", _linspace_body(dt, floor, odt), 9), args, compute, out,
             int_store(c, odt)[1])
    return out, step if div > 0 else float("nan")


def _scalar_prep(bounds, dt, div):
    """linspace's derived scalars, computed by NumPy on the host as NumPy computes them."""
    start = numpy.array(bounds.start, dtype=dt)[()]
    stop = numpy.array(bounds.stop, dtype=dt)[()]
    delta = numpy.subtract(stop, start)
    step = delta / div if div > 0 else delta
    return start, stop, delta, step, bool(step == 0) if div > 0 else False


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """See numpy.logspace.

    Differences from NumPy: with an integer ``dtype``, values far outside its range (beyond
    int32 or int64) and NaN convert as the device converts them (saturating), where NumPy's
    cast is undefined in C; values that merely wrap (-1.0 into uint8) wrap as in NumPy.
    """
    if not isinstance(base, (float, int)) and (base.ndim if is_device(base) else
                                               numpy.ndim(base)):
        # As NumPy: an array base broadcasts with the bounds and gets the samples axis.
        start, stop, base = (as_device_array(x) for x in (start, stop, base))
        nd = max(start.ndim, stop.ndim, base.ndim)
        start, stop, base = (_ndmin(x, nd) for x in (start, stop, base))
        ax = normalize_axis_index(axis, nd + 1)
        base = base.reshape(base._shape[:ax] + (1,) + base._shape[ax:])
    y = linspace(start, stop, num, endpoint, axis=axis)
    return power_of(base, y, None if dtype is None else get_dtype(dtype))


def _ndmin(a, nd) -> ndarray:
    if a.ndim >= nd:
        return a
    extra = nd - a.ndim
    return _view(a, (1,) * extra + a._shape, (a.dtype.itemsize,) * extra + a._strides,
                 a.dtype, a._ptr)


def power_of(base, y, odt) -> ndarray:
    """``numpy.power(base, y).astype(odt)`` for logspace: y inexact, base a scalar or array."""
    base_arr = base if isinstance(base, ndarray) else None
    pdt = _inexact(base_arr.dtype if base_arr is not None else base, y.dtype)
    odt = pdt if odt is None else odt
    warn_if_complex_to_real(pdt, odt, stacklevel=3)
    c = compute_dtype(pdt)
    arrays = [y] if base_arr is None else [base_arr, y]
    shape = numpy.broadcast_shapes(*(x._shape for x in arrays))
    out = empty_iter(shape, odt, arrays)
    r = rounder(pdt)
    store, store_dt = int_store(c, odt)
    body = "out0 = " + store(r("cuarray::pow(in0, in1)" if pdt.kind == "c" else "pow(in0, in1)"))
    b = base_arr if base_arr is not None else scalar_as(base, pdt, c)
    return generate(_op("logspace", body, 2), [b, y], (c, c), out, store_dt)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """See numpy.geomspace.

    Differences from NumPy: with device-array bounds, checking them for zeros reads a
    flag back from the device (a synchronisation).  With an integer ``dtype``, values far
    outside its range (beyond int32 or int64) and NaN convert as the device converts them
    (saturating), where NumPy's cast is undefined in C; values that merely wrap (-1.0 into
    uint8) wrap as in NumPy.
    """
    for x in (start, stop):
        if not is_device(x) and numpy.any(numpy.asarray(x) == 0):
            raise ValueError("Geometric sequence cannot include zero")
    bounds = _Bounds(start, stop)
    strong = [x.dtype if isinstance(x, ndarray) else numpy.asarray(x).dtype
              for x in (bounds.start, bounds.stop)]
    dt = numpy.result_type(*strong, float(num), numpy.zeros((), get_dtype(dtype)))
    check_supported(dt)
    odt = dt if dtype is None else get_dtype(dtype)
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    div = num - 1 if endpoint else num
    c = compute_dtype(dt)
    if bounds.scalar:
        lstart, step, delta, zero, rstart, rstop, sign = _geom_scalars(bounds, dt, div)
        out = _empty((num,), odt)
    else:
        prep, zero, zero_bound = _prepare(bounds, dt, div, True, [_geom_layout(bounds, dt)])
        if any(is_device(x) for x in (start, stop)) and bool(zero_bound.get()):
            raise ValueError("Geometric sequence cannot include zero")
        lstart, step, delta, rstart, rstop, sign = prep
        step = step if div > 0 else delta
        zero = zero if div > 0 else numpy.bool_(False)
        out = _frame(num, bounds.shape, odt, (delta._shape, delta._strides))
    args = [lstart, step, delta, zero, rstart] + _samples(num, endpoint, bounds.shape)
    args += [c.type(max(div, 1)), rstop, sign]
    compute = (c, c, c, _BOOL, c, _I64, _I64, c, c, c)
    warn_if_complex_to_real(dt, odt, stacklevel=2)
    generate(_op("geomspace", _geomspace_body(dt, odt), 10), args, compute, out,
             int_store(c, odt)[1])
    return _move_axis0(out, axis)


def _geom_scalars(bounds, dt, div) -> list:
    """geomspace's derived scalars, computed by NumPy on the host as NumPy computes them."""
    c = compute_dtype(dt)
    with numpy.errstate(all="ignore"):
        start = numpy.array(bounds.start).astype(dt)
        stop = numpy.array(bounds.stop).astype(dt)
        sign = numpy.sign(start)
        start, stop = start / sign, stop / sign
        lstart, lstop = numpy.log10(start), numpy.log10(stop)
        delta = numpy.subtract(lstop, lstart)
        step = delta / div if div > 0 else delta
        zero = bool(step == 0) if div > 0 else False
    return [c.type(lstart), c.type(step), c.type(delta), numpy.bool_(zero), c.type(start),
            c.type(stop), c.type(sign)]


def _geom_layout(bounds, dt):
    """Layout of NumPy's log10(stop / sign(start)) over copies of the bounds in 'K' order."""
    ops = [(x._shape, keep_order_strides(x._strides, x._shape, dt.itemsize))
           for x in bounds.arrays()]
    if len(ops) == 1:
        return ops[0]
    return (bounds.shape, iter_strides(bounds.shape, ops, dt.itemsize))


# -- index grids -------------------------------------------------------------------------------
@functools.cache
def _grid_body(dt) -> str:
    # Sample k of axis (_i / in2) % in3: k*step + start in the grid dtype.
    r = rounder(dt)
    product = r(f"cuarray_gen::mul({r('(in0_type)g_k')}, in0)")
    return ("const long long g_k = ((long long)_i / in2) % in3;\n"
            f"out0 = {r(f'cuarray_gen::add({product}, in1)')}")


def fill_axis_ramp(out, dt, step, start, inner, extent):
    """out (C-contiguous) = coordinate along an axis of ``extent`` samples, each repeated
    ``inner`` times, times ``step`` plus ``start`` (NumPy's ``arange(n) * step + start``)."""
    c = _int_compute(dt)
    args = [scalar_as(step, dt, c), scalar_as(start, dt, c), numpy.int64(max(inner, 1)),
            numpy.int64(max(extent, 1))]
    return generate(_op("grid", _grid_body(dt), 4), args, (c, c, _I64, _I64), out, c)


def _check_bool_arange(dt, n):
    if dt.kind == "b" and n > 2:
        raise TypeError("arange() is only supported for booleans when the result has at most "
                        "length 2.")


def indices(dimensions, dtype=int, sparse=False):
    """See numpy.indices."""
    dims = tuple(dimensions)
    dt = get_dtype(dtype)
    n = len(dims)
    if sparse:
        res = []
        for i, d in enumerate(dims):
            d = operator.index(d)
            _check_bool_arange(dt, d)
            a = fill_axis_ramp(_empty((max(d, 0),), dt), dt, 1, 0, 1, d)
            res.append(a.reshape((1,) * i + (-1 if d < 0 else d,) + (1,) * (n - i - 1)))
        return tuple(res)
    shape = normalize_shape(dims)
    out = _empty((n,) + shape, dt)
    for i, d in enumerate(shape):
        _check_bool_arange(dt, d)
        fill_axis_ramp(out[i], dt, 1, 0, prod(shape[i + 1:]), d)
    return out


def fromfunction(function, shape, *, dtype=float, like=None, **kwargs):
    """See numpy.fromfunction (``function`` gets device index arrays)."""
    return function(*indices(shape, dtype=dtype), **kwargs)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """See numpy.meshgrid."""
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    ndim = len(xi)
    s0 = (1,) * ndim
    output = [as_device_array(x).reshape(s0[:i] + (-1,) + s0[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and ndim > 1:
        output[0] = output[0].reshape((1, -1) + s0[2:])
        output[1] = output[1].reshape((-1, 1) + s0[2:])
    if not sparse:
        shape = numpy.broadcast_shapes(*(o._shape for o in output))
        output = tuple(_view(o, shape, broadcast_strides(o, shape), o.dtype, o._ptr)
                       for o in output)
    if copy:
        output = tuple(o.copy() for o in output)
    return _meshgrid_container(bool(sparse), bool(copy))(output)


@functools.cache
def _meshgrid_container(sparse: bool, copy: bool) -> type:
    """The sequence type numpy.meshgrid returns for these flags, asked of the installed NumPy:
    NumPy 2.4 returns a list for sparse views (copy=False) and a tuple otherwise, later
    versions always a tuple."""
    return type(numpy.meshgrid(numpy.zeros(1), sparse=sparse, copy=copy))


class _Grid:
    """``mgrid`` (dense) and ``ogrid`` (sparse).  See numpy.mgrid and numpy.ogrid.

    A complex step ``nj`` means n points with the stop included, as in NumPy.
    """

    __slots__ = ("sparse",)

    def __init__(self, sparse: bool):
        self.sparse = sparse

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self._one(key)
        sizes, params, num_list = [], [], [0]
        for kk in key:
            start = 0 if kk.start is None else host_scalar(kk.start)
            step = 1 if kk.step is None else host_scalar(kk.step)
            stop = host_scalar(kk.stop)
            if isinstance(step, (numpy.complexfloating, complex)):
                step = abs(step)
                sizes.append(int(step))
                n = int(step)
                params.append(((stop - start) / float(n - 1) if n != 1 else 1, start))
            else:
                sizes.append(math.ceil((stop - start) / step))
                params.append((step, start))
            num_list += [start, stop, step]
        typ = numpy.result_type(*num_list)
        check_supported(typ)
        if self.sparse:
            out = []
            for k, (n, (step, start)) in enumerate(zip(sizes, params)):
                a = fill_axis_ramp(_empty((max(n, 0),), typ), typ, step, start, 1, n)
                out.append(a.reshape((1,) * k + (a.size,) + (1,) * (len(sizes) - k - 1)))
            return tuple(out)
        shape = normalize_shape(sizes)
        out = _empty((len(shape),) + shape, typ)
        for k, (n, (step, start)) in enumerate(zip(shape, params)):
            fill_axis_ramp(out[k], typ, step, start, prod(shape[k + 1:]), n)
        return out

    @staticmethod
    def _one(key):
        start = 0 if key.start is None else host_scalar(key.start)
        stop, step = host_scalar(key.stop), host_scalar(key.step)
        if isinstance(step, (numpy.complexfloating, complex)):
            step_float = abs(step)
            n = int(step_float)
            typ = numpy.result_type(start, stop, step_float)
            check_supported(typ)
            step = (stop - start) / float(n - 1) if n != 1 else 1
            return fill_axis_ramp(_empty((n,), typ), typ, step, start, 1, n)
        return arange(start, stop, step)


mgrid = _Grid(sparse=False)
ogrid = _Grid(sparse=True)
