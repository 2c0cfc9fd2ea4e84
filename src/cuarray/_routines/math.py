"""Mathematical functions that are not ufuncs (NumPy reference: "Mathematical functions").

clip, nan_to_num, real, imag, angle, around/round, fix, sinc, i0 and real_if_close.
Each resolves its dtypes as NumPy's implementation does (which ufuncs it calls, on
which dtypes, with which scalars) and runs one fused kernel.  Where NumPy's
float16 path rounds to half between ufunc calls, the kernel rounds there too, so
results match NumPy's rather than a more precise float32 evaluation.
"""

from __future__ import annotations

import functools
import operator

import numpy

from .._core.ndarray import _empty, ndarray
from .._engine import copy as _copy
from . import elementwise as _el

_NoValue = numpy._NoValue
_UMATH_CLIP = numpy._core.umath.clip      # the ufunc behind numpy.clip
_F64 = numpy.dtype("float64")
_HALF = numpy.dtype("float16")


def _real_dtype(dt: numpy.dtype) -> numpy.dtype:
    return numpy.dtype(f"f{dt.itemsize // 2}") if dt.kind == "c" else dt


def _family(dt: numpy.dtype) -> str:
    if dt == _HALF:
        return "half"
    return {"b": "int", "i": "int", "u": "int", "f": "float", "c": "complex"}[dt.kind]


# -- clip -------------------------------------------------------------------------------------
# NumPy's clip loops: max(x, lo) then min(., hi), where a NaN in x or in a bound wins
# (float: strict comparisons; float16: >= and <=; complex: lexicographic order as
# PyArray_CGT/CLT, NaN in x wins).  With one bound NumPy calls maximum or minimum, whose
# complex loops also propagate a NaN in the bound (cuarray::maximum/minimum).
_CLIP_PREAMBLE = {
    "int": """namespace cuarray_clip {
template <typename T> __device__ __forceinline__ T lo(T x, T m) { return x > m ? x : m; }
template <typename T> __device__ __forceinline__ T hi(T x, T m) { return x < m ? x : m; }
}""",
    "float": """namespace cuarray_clip {
template <typename T> __device__ __forceinline__ T lo(T x, T m) {
  return (isnan(x) || x > m) ? x : m;
}
template <typename T> __device__ __forceinline__ T hi(T x, T m) {
  return (isnan(x) || x < m) ? x : m;
}
}""",
    "half": """namespace cuarray_clip {
__device__ __forceinline__ float lo(float x, float m) { return (isnan(x) || x >= m) ? x : m; }
__device__ __forceinline__ float hi(float x, float m) { return (isnan(x) || x <= m) ? x : m; }
}""",
    "complex": """namespace cuarray_clip {
template <typename T>
__device__ __forceinline__ cuarray::complex<T> lo(cuarray::complex<T> x, cuarray::complex<T> m) {
  const bool gt = x.re == m.re ? x.im > m.im : x.re > m.re;
  return (isnan(x.re) || isnan(x.im) || gt) ? x : m;
}
template <typename T>
__device__ __forceinline__ cuarray::complex<T> hi(cuarray::complex<T> x, cuarray::complex<T> m) {
  const bool lt = x.re == m.re ? x.im < m.im : x.re < m.re;
  return (isnan(x.re) || isnan(x.im) || lt) ? x : m;
}
}""",
}
_CLIP_BODIES = {
    "clip": "out0 = cuarray_clip::hi(cuarray_clip::lo(in0, in1), in2)",
    "maximum": "out0 = cuarray_clip::lo(in0, in1)",
    "minimum": "out0 = cuarray_clip::hi(in0, in1)",
    "positive": "out0 = in0",
}
_CLIP_UFUNCS = {"clip": _UMATH_CLIP, "maximum": numpy.maximum, "minimum": numpy.minimum,
                "positive": numpy.positive}


@functools.cache
def clip_plan(variant: str, keys, dtype=None, casting="same_kind") -> _el.Plan:
    """The kernel for numpy.clip's ``variant`` ("clip", or "maximum"/"minimum" with one bound,
    "positive" with none) on operand ``keys`` (dtypes or weak Python types)."""
    np_uf = _CLIP_UFUNCS[variant]
    loop = _el.resolve(np_uf, tuple(keys), dtype, casting)
    fam = _family(loop[0])
    body = _CLIP_BODIES[variant]
    if fam == "complex" and variant != "clip":
        body = f"out0 = cuarray::{variant}(in0, in1)" if variant != "positive" else body
    preamble = "" if variant == "positive" else _CLIP_PREAMBLE[fam]
    op = _el.kernel_op("clip", body, len(keys), preamble)
    return _el.Plan(op, loop[:-1], loop[-1], np_uf.__name__)


def clip(a, a_min=_NoValue, a_max=_NoValue, out=None, *, min=_NoValue, max=_NoValue,
         **kwargs):
    """See numpy.clip.

    Differences from NumPy: bounds must be device arrays or scalars; of the ufunc keyword
    arguments, ``dtype``, ``casting`` and ``order`` are supported.
    """
    if a_min is _NoValue and a_max is _NoValue:
        a_min = None if min is _NoValue else min
        a_max = None if max is _NoValue else max
    elif a_min is _NoValue:
        raise TypeError("clip() missing 1 required positional argument: 'a_min'")
    elif a_max is _NoValue:
        raise TypeError("clip() missing 1 required positional argument: 'a_max'")
    elif min is not _NoValue or max is not _NoValue:
        raise ValueError("Passing `min` or `max` keyword argument when `a_min` and `a_max` "
                         "are provided is forbidden.")
    dtype = kwargs.pop("dtype", None)
    casting = kwargs.pop("casting", "same_kind")
    order = kwargs.pop("order", "K")
    if kwargs:
        raise TypeError(f"clip() got an unexpected keyword argument {next(iter(kwargs))!r}")
    a = _el.as_operand(a, "clip")
    if a.dtype.kind in "iu":
        # NumPy drops a Python-int bound beyond the dtype's range (NEP 50 would otherwise
        # reject it), so clip(int8_array, -1000, 5) is minimum(int8_array, 5).
        info = numpy.iinfo(a.dtype)
        if type(a_min) is int and a_min <= info.min:
            a_min = None
        if type(a_max) is int and a_max >= info.max:
            a_max = None
    if a_min is None and a_max is None:
        variant, args = "positive", (a,)
    elif a_min is None:
        variant, args = "minimum", (a, a_max)
    elif a_max is None:
        variant, args = "maximum", (a, a_min)
    else:
        variant, args = "clip", (a, a_min, a_max)
    keys = tuple(_el.key_of(x, "clip") for x in args)
    plan = clip_plan(variant, keys, dtype, casting)
    return _el.apply(plan, args, out, casting=casting, order=order)


# -- nan_to_num ---------------------------------------------------------------------------------
_N2N_PREAMBLE = """namespace cuarray_n2n {
template <typename T> __device__ __forceinline__ T fix(T v, T nan_v, T pos_v, T neg_v) {
  return isnan(v) ? nan_v : (isinf(v) ? (v > 0 ? pos_v : neg_v) : v);
}
}"""


@functools.cache
def nan_to_num_plan(dt: numpy.dtype) -> _el.Plan:
    r = _real_dtype(dt)
    if dt.kind == "c":
        body = ("out0 = out0_type(cuarray_n2n::fix(in0.re, in1, in2, in3), "
                "cuarray_n2n::fix(in0.im, in1, in2, in3))")
    else:
        body = "out0 = cuarray_n2n::fix(in0, in1, in2, in3)"
    return _el.Plan(_el.kernel_op("nan_to_num", body, 4, _N2N_PREAMBLE), (dt, r, r, r), dt,
                    "copyto")


def _copyto_value(value, dt):
    """``value`` as numpy.copyto(array_of_dt, value) stores it (same_kind; NumPy's errors)."""
    tmp = numpy.empty((), dt)
    numpy.copyto(tmp, value, casting="same_kind")
    return tmp[()]


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """See numpy.nan_to_num."""
    x = _el.as_operand(x, "nan_to_num")
    dt = x.dtype
    if dt.kind not in "fc":
        return x.copy(order="K") if copy and isinstance(x, ndarray) else x
    r = _real_dtype(dt)
    info = numpy.finfo(r)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    values = [_copyto_value(v, r) for v in (nan, posinf, neginf)]
    out = x if not copy and isinstance(x, ndarray) else None
    return _el.apply(nan_to_num_plan(dt), [x, *values], out)


# -- real, imag, angle ------------------------------------------------------------------------
def real(val):
    """See numpy.real.  For a complex array the result is a view."""
    if not hasattr(val, "real"):
        _el.check_operand(val, "real")
    return val.real


def imag(val):
    """See numpy.imag.  For a complex array the result is a view.

    Differences from NumPy: the zeros returned for a real array are writeable.
    """
    if isinstance(val, ndarray) and val.dtype.kind != "c":
        # Zeros in the array's own layout (NumPy allocates them like the array).
        out = _empty(val._shape, val.dtype, "F" if val._f and not val._c else "C")
        _copy.fill(out, val.dtype.type(0))
        return out
    if not hasattr(val, "imag"):
        _el.check_operand(val, "imag")
    return val.imag


@functools.cache
def angle_plan(dt: numpy.dtype, deg: bool) -> _el.Plan:
    """arctan2(z.imag, z.real), or arctan2(0, z) for real z, then ``*= 180/pi``, each step
    in NumPy's loop dtype."""
    if dt.kind == "c":
        r = _real_dtype(dt)
        in_dtypes, res = (dt, r), r
        expr = "atan2(in0.im, in0.re)"
    else:
        loop = _el.resolve(numpy.arctan2, (int, dt))
        in_dtypes, res = (loop[1], loop[2]), loop[2]
        expr = "atan2((in0_type)0, in0)"
    if not deg:
        op = _el.kernel_op("angle", f"out0 = {expr}", 1)
        return _el.Plan(op, in_dtypes[:1], res, "arctan2")
    body = f"out0 = {_el.round_to(expr, res)} * in1"
    op = _el.kernel_op("angle", body, 2, _el.HALF_ROUND if res == _HALF else "")
    return _el.Plan(op, in_dtypes, res, "multiply")


def angle(z, deg=False):
    """See numpy.angle."""
    z = _el.as_operand(z, "angle")
    plan = angle_plan(z.dtype, bool(deg))
    return _el.apply(plan, [z, 180 / numpy.pi] if deg else [z])


# -- around / round -------------------------------------------------------------------------
def _power_of_ten(n: int) -> float:
    # NumPy's factor: exact powers up to 1e8, then repeated multiplication by 10.
    if n < 9:
        return float(10 ** n)
    r = 1e9
    for _ in range(n - 9):
        r *= 10.0
    return r


def _cast_to_int(expr: str, dt: numpy.dtype) -> str:
    # Through a 64-bit integer, so that a result beyond the dtype's range wraps to its width
    # (a direct float-to-narrow conversion saturates in PTX); within range both are exact.
    if dt == numpy.dtype("uint64"):
        return f"(({_el.ctype(dt)})({expr}))"
    return f"(({_el.ctype(dt)})(long long)({expr}))"


@functools.cache
def round_plan(dt: numpy.dtype, decimals: int, out_dt=None) -> _el.Plan:
    """NumPy's PyArray_Round for an inexact or bool ``dt`` (or an integer ``dt`` with
    decimals < 0): rint, or (multiply, rint, divide) by 10**|decimals| (divide, rint,
    multiply when negative), each step in the dtype NumPy runs it in."""
    if dt.kind == "c":
        r = _real_dtype(dt)
        if decimals == 0:
            part = "rint({v})"
        elif decimals > 0:
            part = "rint({v} * in1) / in1"
        else:
            part = "rint({v} / in1) * in1"
        body = ("out0 = out0_type(" + part.format(v="in0.re") + ", "
                + part.format(v="in0.im") + ")")
        nin = 1 if decimals == 0 else 2
        return _el.Plan(_el.kernel_op("around", body, nin), (dt, r)[:nin], dt, "rint")
    if decimals == 0:
        loop = _el.resolve(numpy.rint, (dt,))
        _check_cast(loop[1], out_dt, "rint")
        return _el.Plan(_el.kernel_op("around", "out0 = rint(in0)", 1), loop[:1], loop[1],
                        "rint")
    op1, op2 = (numpy.multiply, numpy.true_divide) if decimals > 0 else \
        (numpy.true_divide, numpy.multiply)
    l1 = _el.resolve(op1, (dt, float))[2]
    to_int = out_dt is None and dt.kind in "iu"
    res = out_dt if out_dt is not None else (_F64 if dt.kind in "iu" else dt)
    _check_cast(l1, res, op1.__name__)
    rr = _real_dtype(res)
    s1, s2 = ("*", "/") if decimals > 0 else ("/", "*")
    step1 = _el.round_to(f"(in0 {s1} in1)", l1)
    rounded = f"rint({_el.cconvert(step1, l1, rr)})"
    half = _HALF in (l1, rr)
    f2 = res if res.kind == "c" else rr         # the dtype of the last step's factor
    if to_int:
        body, res = f"out0 = {_cast_to_int(f'{rounded} {s2} in2', dt)}", dt
    elif res.kind == "c":
        # A complex out: NumPy's last step is complex arithmetic with (f + 0j), whose
        # quotient multiplies by a reciprocal and whose product turns inf * 0 into NaN.
        body = f"out0 = out0_type({rounded}) {s2} in2"
    else:
        body, res = f"out0 = {rounded} {s2} in2", rr
    op = _el.kernel_op("around", body, 3, _el.HALF_ROUND if half else "")
    return _el.Plan(op, (l1, l1, f2), res, op2.__name__)


def _check_cast(src, dst, name):
    if dst is not None and not numpy.can_cast(src, dst, "same_kind"):
        raise TypeError(f"Cannot cast ufunc '{name}' output from {src!r} to {dst!r} with "
                        "casting rule 'same_kind'")


def around(a, decimals=0, out=None):
    """See numpy.around.

    Differences from NumPy: rounding an integer array to negative ``decimals`` goes through
    float64 as in NumPy; where the rounded value leaves the integer dtype's range, NumPy's
    cast back is undefined in C (on x86 it gives the dtype's minimum for int32 and int64),
    while cuarray wraps modulo 2**64 and then to the dtype's width (saturating beyond the
    int64 range).
    """
    a = _el.as_operand(a, "around")
    decimals = operator.index(decimals)
    if out is not None:
        if type(out) is not ndarray:
            raise TypeError(f"return arrays must be of ArrayType (cuarray.ndarray), not "
                            f"{type(out).__name__}")
        if out.size != a.size:
            raise ValueError("invalid output shape")
    dt = a.dtype
    if dt.kind in "iu" and decimals >= 0:      # nothing to round: a copy
        if out is None:
            return a.copy(order="K")
        _check_cast(dt, out.dtype, "copyto")
        shape = a.shape if isinstance(a, ndarray) else ()
        if numpy.broadcast_shapes(shape, out.shape) != out.shape:
            raise ValueError(f"could not broadcast input array from shape {shape} into shape "
                             f"{out.shape}")
        if isinstance(a, ndarray):
            _copy.copy_into(out, a)
        else:
            out.fill(a)
        return out
    if dt.kind == "c" and out is not None and out.dtype.kind != "c":
        raise TypeError("array does not have imaginary part to set")
    # The plan checks the casts NumPy checks (into out, per step), so none is left for apply.
    plan = round_plan(dt, decimals, None if out is None or dt.kind == "c" else out.dtype)
    f = _power_of_ten(abs(decimals))
    return _el.apply(plan, [a, f, f][:plan.op.nin], out, casting="unsafe")


def round(a, decimals=0, out=None):  # noqa: A001 - NumPy's name
    """See numpy.round."""
    return around(a, decimals, out)


# -- fix, sinc, i0 ----------------------------------------------------------------------------
@functools.cache
def fix_plan(key) -> _el.Plan:
    loop = _el.resolve(numpy.trunc, (key,))
    body = "out0 = trunc(in0)" if loop[0].kind == "f" else "out0 = in0"
    return _el.Plan(_el.kernel_op("fix", body, 1), loop[:1], loop[1], "trunc")


def fix(x, out=None):
    """See numpy.fix."""
    return _el.apply(fix_plan(_el.key_of(x, "fix")), [x], out)


@functools.cache
def sinc_plan(dt: numpy.dtype) -> _el.Plan:
    """x = pi * x; y = where(x, x, eps); sin(y) / y, in NumPy's loop dtype."""
    lt = _el.resolve(numpy.multiply, (float, dt))[2]
    if lt.kind == "c":
        body = ("in0_type t = in1 * in0; "
                "in0_type y = (t.re != 0 || t.im != 0) ? t : in2; "
                "out0 = cuarray::sin(y) / y")
    else:
        body = (f"in0_type t = {_el.round_to('in1 * in0', lt)}; "
                "in0_type y = (t != 0) ? t : in2; "
                f"out0 = {_el.round_to('sin(y)', lt)} / y")
    op = _el.kernel_op("sinc", body, 3, _el.HALF_ROUND if lt == _HALF else "")
    return _el.Plan(op, (lt, lt, lt), lt, "divide")


def sinc(x):
    """See numpy.sinc."""
    x = _el.as_operand(x, "sinc")
    plan = sinc_plan(x.dtype)
    lt = plan.out_dtype
    eps = numpy.finfo(lt).eps if lt.kind == "f" else 1e-20
    return _el.apply(plan, [x, numpy.pi, eps])


# NumPy's i0: Chebyshev series of exp(-x) I0(x) on [0, 8] and of exp(-x) sqrt(x) I0(x) on
# (8, inf), with the coefficients of the Cephes library.  NumPy keeps them as Python floats,
# so the whole evaluation runs in the input's own precision (float16: every step rounded to
# half); so does this kernel.
_I0_A = (
    -4.4153416464793395e-18, 3.3307945188222384e-17, -2.431279846547955e-16,
    1.715391285555133e-15, -1.1685332877993451e-14, 7.676185498604936e-14,
    -4.856446783111929e-13, 2.95505266312964e-12, -1.726826291441556e-11,
    9.675809035373237e-11, -5.189795601635263e-10, 2.6598237246823866e-09,
    -1.300025009986248e-08, 6.046995022541919e-08, -2.670793853940612e-07,
    1.1173875391201037e-06, -4.4167383584587505e-06, 1.6448448070728896e-05,
    -5.754195010082104e-05, 0.00018850288509584165, -0.0005763755745385824,
    0.0016394756169413357, -0.004324309995050576, 0.010546460394594998,
    -0.02373741480589947, 0.04930528423967071, -0.09490109704804764,
    0.17162090152220877, -0.3046826723431984, 0.6767952744094761)
_I0_B = (
    -7.233180487874754e-18, -4.830504485944182e-18, 4.46562142029676e-17,
    3.461222867697461e-17, -2.8276239805165836e-16, -3.425485619677219e-16,
    1.7725601330565263e-15, 3.8116806693526224e-15, -9.554846698828307e-15,
    -4.150569347287222e-14, 1.54008621752141e-14, 3.8527783827421426e-13,
    7.180124451383666e-13, -1.7941785315068062e-12, -1.3215811840447713e-11,
    -3.1499165279632416e-11, 1.1889147107846439e-11, 4.94060238822497e-10,
    3.3962320257083865e-09, 2.266668990498178e-08, 2.0489185894690638e-07,
    2.8913705208347567e-06, 6.889758346916825e-05, 0.0033691164782556943,
    0.8044904110141088)


def _cxx_table(name, values) -> str:
    return (f"__constant__ double {name}[{len(values)}] = {{"
            + ", ".join(repr(v) for v in values) + "};\n")


# P (the precision) rounds a computed value to the loop dtype, converts a coefficient to it
# and multiplies without fusing into an FMA, so each step rounds as NumPy's array ops do.
_I0_COMMON = (
    "namespace cuarray_i0 {\n" + _cxx_table("A", _I0_A) + _cxx_table("B", _I0_B) + """
template <typename T, typename P>
__device__ __forceinline__ T chbevl(T x, const double* c, int n, P p) {
  T b0 = p.c(c[0]), b1 = T(0), b2 = T(0);
  for (int i = 1; i < n; ++i) { b2 = b1; b1 = b0; b0 = p(p(p.mul(x, b1) - b2) + p.c(c[i])); }
  return p(T(0.5) * p(b0 - b2));
}
template <typename T, typename P> __device__ __forceinline__ T eval(T x, P p) {
  x = fabs(x);
  if (x <= T(8)) return p(p(exp(x)) * chbevl(p(p(x / T(2)) - T(2)), A, 30, p));
  return p(p(p(exp(x)) * chbevl(p(p(T(32) / x) - T(2)), B, 25, p)) / p(sqrt(x)));
}
struct f64 {
  __device__ double operator()(double v) const { return v; }
  __device__ double c(double v) const { return v; }
  __device__ double mul(double a, double b) const { return __dmul_rn(a, b); }
};
struct f32 {
  __device__ float operator()(float v) const { return v; }
  __device__ float c(double v) const { return (float)v; }
  __device__ float mul(float a, float b) const { return __fmul_rn(a, b); }
};
}
""")
_I0_HALF = """namespace cuarray_i0 {
struct f16 {
  __device__ float operator()(float v) const { return cuarray_rt::rh(v); }
  __device__ float c(double v) const { return cuarray_rt::rh(v); }
  __device__ float mul(float a, float b) const { return cuarray_rt::rh(__fmul_rn(a, b)); }
};
}
"""


@functools.cache
def i0_plan(dt: numpy.dtype) -> _el.Plan:
    if dt.kind == "c":
        raise TypeError("i0 not supported for complex values")
    lt = dt if dt.kind == "f" else _F64
    prec = {"float16": "f16", "float32": "f32", "float64": "f64"}[lt.name]
    pre = _I0_COMMON + (_el.HALF_ROUND + _I0_HALF if lt == _HALF else "")
    body = f"out0 = cuarray_i0::eval(in0, cuarray_i0::{prec}())"
    return _el.Plan(_el.kernel_op("i0", body, 1, pre), (lt,), lt, "i0")


def i0(x):
    """See numpy.i0."""
    x = _el.as_operand(x, "i0")
    return _el.apply(i0_plan(x.dtype), [x])


# -- real_if_close ----------------------------------------------------------------------------
_RIC_BLOCK = 256
_ric_kernels: dict = {}


def real_if_close_source(dt: numpy.dtype, cmp: numpy.dtype) -> tuple[str, str]:
    """(kernel name, source) of the check behind real_if_close: sets *flag when some element's
    |imag| < tol is false (NaN included), comparing in dtype ``cmp`` as NumPy's less does."""
    r, c = _el.ctype(_real_dtype(dt)), _el.ctype(cmp)
    name = f"cuarray_real_if_close__{dt.name}_{cmp.name}"
    src = (f'extern "C" __global__ void {name}(const {r}* __restrict__ p, const long long n, '
           f"const {c} tol, int* __restrict__ flag)\n{{\n"
           "  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;\n"
           "       i += (long long)blockDim.x * gridDim.x) {\n"
           f"    if (!(({c})fabs(p[2 * i + 1]) < tol)) *flag = 1;   // all threads write 1\n"
           "  }\n}\n")
    return name, src


def real_if_close(a, tol=100):
    """See numpy.real_if_close.

    The result's dtype depends on the data, so this synchronises with the device (one
    flag is copied back) when ``a`` is complex.
    """
    if not isinstance(a, ndarray):
        _el.check_operand(a, "real_if_close")
        return numpy.real_if_close(a, tol)
    if a.dtype.kind != "c":
        return a
    if tol > 1:
        tol = numpy.finfo(a.dtype).eps * tol
    r = _real_dtype(a.dtype)
    cmp = _el.resolve(numpy.less, (r, _el.key_of(tol, "real_if_close")))[0]
    if a.size and _any_imag_not_close(a, cmp, numpy.asarray(tol).astype(cmp)[()]):
        return a
    return a.real


def _any_imag_not_close(a, cmp, tol) -> bool:
    from ..cuda import _copy as _raw
    from ..cuda.compiler import compile_with_cache
    key = (a.dtype, cmp)
    fn = _ric_kernels.get(key)
    if fn is None:
        name, src = real_if_close_source(a.dtype, cmp)
        fn = _ric_kernels[key] = compile_with_cache(src).get_function(name)
    data = a if a._c or a._f else a.copy()     # every element once, in any order
    flag = _empty((), numpy.dtype(numpy.int32))
    _raw.memset8(flag._ptr, 0, 4)
    grid = min((a.size + _RIC_BLOCK - 1) // _RIC_BLOCK, 65535 * 32)
    fn(grid, _RIC_BLOCK, (data._ptr, a.size, tol, flag._ptr))
    return bool(flag.get())
