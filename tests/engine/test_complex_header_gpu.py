"""cuarray/complex.cuh on a device computes what NumPy computes.

Every function and operator runs elementwise over random complex64/complex128 values and a
grid of special values (+-0, +-inf, nan, huge, tiny and subnormal parts, points on the branch
cuts with either sign of zero) and is compared with NumPy on the same inputs: finite values
within a few ulp of |expected|, and exactly the same NaN, infinity and signed-zero pattern
on the special values (power: NaN and infinity only).  The references are NumPy's own
functions, except log1p (NumPy's current algorithm, computed here exactly, since older NumPy
loses the real part of log1p(z) for small z).
"""

import ctypes
import functools
from fractions import Fraction

import numpy as np
import pytest

import cuarray

pytestmark = pytest.mark.gpu

DTYPES = [np.complex64, np.complex128]
_REAL = {np.complex64: np.float32, np.complex128: np.float64}
_CTYPE = {np.complex64: "float", np.complex128: "double"}


# -- references NumPy lacks or computes differently ---------------------------------------

def _log1p_reference(z):
    """log1p as NumPy computes it since it stopped losing the real part of log1p(1e-20+1e-20j).

    log(1 + z), except within 0.001 of the circle |1 + z| = 1, where the real part is
    log1p(x^2 + 2x + y^2)/2 with that sum computed exactly (older NumPy: log(hypot(1 + x, y))).
    """
    ft = z.real.dtype.type
    x, y = z.real, z.imag
    xp1 = np.empty_like(z)
    xp1.real, xp1.imag = x + ft(1), y   # (x + 1) + 1j*y would lose the sign of a zero y
    with np.errstate(all="ignore"):
        out = np.log(xp1)
        d = ft(0.001)
        m = np.abs(xp1)
        near = ((x > -2 - d) & (x < d) & (y > -1 - d) & (y < 1 + d) & (m > 1 - d) & (m < 1 + d))
    for i in np.nonzero(near)[0]:
        fx, fy = Fraction(float(x[i])), Fraction(float(y[i]))
        t = ft(float(fx * (2 + fx) + fy * fy))
        out.real[i] = ft(0.5) * np.log1p(t)
    return out


def _scaled(op):
    """A complex and a real operand, the real one treated as real (C99, C++), part by part."""
    def ref(a, b):
        r = b.real
        out = np.empty_like(a)
        out.real, out.imag = op(a.real, a.imag, r)
        return out
    return ref


def _power_ulps(a, b):
    """a**b = exp(b log a) turns an error of one ulp in log(a) into |b log a| ulps."""
    with np.errstate(all="ignore"):
        w = np.abs(b.astype(np.complex128) * np.log(a.astype(np.complex128)))
    return 8 * (1 + np.where(np.isfinite(w), w, 0))


# -- the operations under test -------------------------------------------------------------
# name: (C++ expression of a and b (complex<T>), output kind, NumPy reference of (a, b), ulps)
# Output kinds: "C" complex<T>, "T" real, "bool".  ulps bounds |got - want| / |want| in units
# of the precision's epsilon (a number, or a function of the inputs); None compares exactly.

_UNARY = {
    "exp": ("exp(a)", "C", np.exp, 8),
    "exp2": ("exp2(a)", "C", np.exp2, 8),
    "expm1": ("expm1(a)", "C", np.expm1, 8),
    "log": ("log(a)", "C", np.log, 8),
    "log10": ("log10(a)", "C", np.log10, 8),
    "log2": ("log2(a)", "C", np.log2, 8),
    "log1p": ("log1p(a)", "C", _log1p_reference, 8),
    "sqrt": ("sqrt(a)", "C", np.sqrt, 4),
    "sin": ("sin(a)", "C", np.sin, 8),
    "cos": ("cos(a)", "C", np.cos, 8),
    "tan": ("tan(a)", "C", np.tan, 8),
    "sinh": ("sinh(a)", "C", np.sinh, 8),
    "cosh": ("cosh(a)", "C", np.cosh, 8),
    "tanh": ("tanh(a)", "C", np.tanh, 8),
    "arcsin": ("asin(a)", "C", np.arcsin, 8),
    "arccos": ("acos(a)", "C", np.arccos, 8),
    "arctan": ("atan(a)", "C", np.arctan, 8),
    "arcsinh": ("asinh(a)", "C", np.arcsinh, 8),
    "arccosh": ("acosh(a)", "C", np.arccosh, 8),
    "arctanh": ("atanh(a)", "C", np.arctanh, 8),
    "reciprocal": ("reciprocal(a)", "C", np.reciprocal, 2),
    "square": ("square(a)", "C", np.square, 2),
    "sign": ("sign(a)", "C", np.sign, 4),
    "conj": ("conj(a)", "C", np.conjugate, None),
    "negative": ("-a", "C", np.negative, None),
    "positive": ("+a", "C", np.positive, None),
    "abs": ("abs(a)", "T", np.abs, 4),
    "arg": ("arg(a)", "T", np.angle, 8),
    "norm": ("norm(a)", "T", lambda a: a.real * a.real + a.imag * a.imag, 2),
    "real": ("real(a)", "T", np.real, None),
    "imag": ("imag(a)", "T", np.imag, None),
    "isnan": ("isnan(a)", "bool", np.isnan, None),
    "isinf": ("isinf(a)", "bool", np.isinf, None),
    "isfinite": ("isfinite(a)", "bool", np.isfinite, None),
}

_BINARY = {
    "add": ("a + b", "C", np.add, None),
    "subtract": ("a - b", "C", np.subtract, None),
    "multiply": ("a * b", "C", np.multiply, 2),
    "divide": ("a / b", "C", np.divide, 2),
    "power": ("pow(a, b)", "C", np.power, _power_ulps),
    "power_real": ("pow(a, b.re)", "C", lambda a, b: np.power(a, b.real.astype(a.dtype)),
                   lambda a, b: _power_ulps(a, b.real)),
    "maximum": ("maximum(a, b)", "C", np.maximum, None),
    "minimum": ("minimum(a, b)", "C", np.minimum, None),
    "fmax": ("fmax(a, b)", "C", np.fmax, None),
    "fmin": ("fmin(a, b)", "C", np.fmin, None),
    "less": ("less(a, b)", "bool", np.less, None),
    "less_equal": ("less_equal(a, b)", "bool", np.less_equal, None),
    "greater": ("greater(a, b)", "bool", np.greater, None),
    "greater_equal": ("greater_equal(a, b)", "bool", np.greater_equal, None),
    "equal": ("a == b", "bool", np.equal, None),
    "not_equal": ("a != b", "bool", np.not_equal, None),
    "equal_real": ("a == b.re", "bool", lambda a, b: np.equal(a, b.real), None),
    "add_real": ("a + b.re", "C", _scaled(lambda x, y, r: (x + r, y)), None),
    "real_minus": ("b.re - a", "C", _scaled(lambda x, y, r: (r - x, -y)), None),
    "times_real": ("a * b.re", "C", _scaled(lambda x, y, r: (x * r, y * r)), None),
    "over_real": ("a / b.re", "C", _scaled(lambda x, y, r: (x / r, y / r)), None),
    "real_over": ("b.re / a", "C", lambda a, b: np.divide(b.real.astype(a.dtype), a), 2),
}

# NumPy's power multiplies repeatedly for integral exponents in (-100, 100): pow(a, n) must
# agree closely, not merely to within the log/exp path's error.
_INT_POWERS = (-5, -3, -2, -1, 1, 2, 3, 4, 7, 99)

_KERNEL_MACRO = r"""
#define CX_KERNEL(name, OUT, expr)                                                    \
  extern "C" __global__ void name(const C* in0, const C* in1, OUT* out, long long n) { \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;       \
         i += (long long)blockDim.x * gridDim.x) {                                    \
      const C a = in0[i], b = in1[i];                                                 \
      out[i] = (expr);                                                                \
    }                                                                                 \
  }
"""


def _kernels():
    """(kernel name, output kind, C++ expression) for every operation under test."""
    rows = [(f"cx_{name}", kind, expr) for name, (expr, kind, _, _) in
            [*_UNARY.items(), *_BINARY.items()]]
    rows += [(f"cx_pow_int{n if n >= 0 else f'm{-n}'}", "C", f"pow(a, {n})") for n in _INT_POWERS]
    return rows


def _source(dtype):
    """One NVRTC program holding every kernel for one precision."""
    lines = ["#include <cuarray/complex.cuh>", "using namespace cuarray;",
             f"typedef {_CTYPE[dtype]} T;", "typedef cuarray::complex<T> C;", _KERNEL_MACRO]
    lines += [f"CX_KERNEL({name}, {kind}, {expr})" for name, kind, expr in _kernels()]
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=None)
def _module(dtype):
    return cuarray.cuda.compile_with_cache(_source(dtype))


def _out_dtype(kind, dtype):
    return {"C": np.dtype(dtype), "T": np.dtype(_REAL[dtype]), "bool": np.dtype(np.bool_)}[kind]


def _device(host):
    mem = cuarray.cuda.alloc(max(host.nbytes, 1))
    mem.copy_from_host(ctypes.c_void_p(host.ctypes.data), host.nbytes)
    return mem


def _launch(name, kind, dtype, a, b):
    """Run kernel ``name`` over a and b (complex arrays of ``dtype``) on the device."""
    a = np.ascontiguousarray(a, dtype)
    b = np.ascontiguousarray(b, dtype)
    out = np.empty(a.size, _out_dtype(kind, dtype))
    d_a, d_b, d_out = _device(a), _device(b), cuarray.cuda.alloc(max(out.nbytes, 1))
    threads = 128
    blocks = max(1, min((a.size + threads - 1) // threads, 4096))
    _module(dtype).get_function(name)((blocks,), (threads,), (d_a, d_b, d_out, np.int64(a.size)))
    d_out.copy_to_host(ctypes.c_void_p(out.ctypes.data), out.nbytes)
    return out


# -- inputs ----------------------------------------------------------------------------------

def _special_reals(dtype):
    # (Not +-1e-3: log1p(-1e-3) sits on the edge of NumPy's extra-precision region, where
    # one ulp of hypot decides which of two results differing by 100 ulp is returned.)
    fi = np.finfo(_REAL[dtype])
    big, tiny = float(fi.max), float(fi.tiny)
    return np.array(
        [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3e-3, -3e-3, np.pi / 2, -np.pi, 3.0, -7.5,
         20.0, -20.0, 100.0, -100.0, 700.0, -700.0, 1000.0, 1e10, -1e10, 1e30, 1e-30,
         big, -big, big / 3, tiny, -tiny, float(fi.smallest_subnormal), float(fi.eps),
         1 + float(fi.eps), 1 - float(fi.eps) / 2, np.inf, -np.inf, np.nan], _REAL[dtype])


def _specials(dtype):
    """Every pair of special reals as (real, imaginary) parts: 37 x 37 values.

    Holds the branch cuts with both signs of zero: x +- 0j for x in (-inf, -1) (sqrt, log,
    asin, acos, atanh, acosh) and +-0 + iy for |y| > 1 (asinh, atan).
    """
    v = _special_reals(dtype)
    re, im = np.meshgrid(v, v)
    z = np.empty(re.size, dtype)
    z.real, z.imag = re.ravel(), im.ravel()
    return z


def _randoms(dtype, n=12000, seed=0):
    """Normal values at several scales, and log-uniform magnitudes over most of the range."""
    rng = np.random.default_rng(seed)
    k = n // 7
    parts = [rng.standard_normal(k) * s + 1j * rng.standard_normal(k) * s
             for s in (1e-3, 0.5, 1.0, 2.0, 10.0, 50.0)]
    top = 30 if dtype == np.complex64 else 300
    parts.append(10.0 ** rng.uniform(-top, top, k) * np.exp(1j * rng.uniform(-np.pi, np.pi, k)))
    return np.concatenate(parts).astype(dtype)


def _binary_specials(dtype):
    """Special values against plain ones (both orders) and against each other."""
    s = _specials(dtype)
    plain = np.array([1 + 1j, -2.5 + 0.5j, 0j, 3 + 0j, 0.5j, -1 + 0j, 2 + 0j, -3 + 0j, 2.5 + 0j,
                      -0.5 - 4j], dtype)
    shuffled = s[np.random.default_rng(1).permutation(s.size)]
    a = np.concatenate([np.repeat(s, plain.size), np.tile(plain, s.size), s])
    b = np.concatenate([np.tile(plain, s.size), np.repeat(s, plain.size), shuffled])
    return a, b


def _ties(dtype):
    """All pairs of values with parts in {-1, 0, 1, nan}: equal parts decide comparisons."""
    v = np.array([-1.0, 0.0, 1.0, np.nan])
    z = np.empty(v.size * v.size, dtype)
    z.real, z.imag = np.repeat(v, v.size), np.tile(v, v.size)   # 1j * nan would be nan+nanj
    return np.repeat(z, z.size), np.tile(z, z.size)


# -- comparison ----------------------------------------------------------------------------

def _check(got, want, ulps, dtype, inputs, zero_signs):
    """Same NaN and infinity pattern, finite parts within ulps * eps * |want| (None: exactly).

    ulps is a number or an array (one bound per element).  With zero_signs, the sign of every
    exactly zero part must match too.
    """
    if want.dtype == np.bool_:
        bad = got != want
        assert not bad.any(), _report(bad, got, want, inputs)
        return
    g = np.asarray(got).astype(np.complex128)
    w = np.asarray(want).astype(np.complex128)
    bad = np.zeros(g.shape, bool)
    fin = []
    for gp, wp in ((g.real, w.real), (g.imag, w.imag)):
        bad |= np.isnan(gp) != np.isnan(wp)
        bad |= np.isinf(gp) != np.isinf(wp)
        bad |= np.isinf(gp) & np.isinf(wp) & (np.signbit(gp) != np.signbit(wp))
        if zero_signs:
            bad |= (gp == 0) & (wp == 0) & (np.signbit(gp) != np.signbit(wp))
        fin.append(np.isfinite(gp) & np.isfinite(wp))
    with np.errstate(all="ignore"):
        dre = np.where(fin[0], g.real - w.real, 0.0)
        dim = np.where(fin[1], g.imag - w.imag, 0.0)
        scale = np.hypot(np.where(fin[0], w.real, 0.0), np.where(fin[1], w.imag, 0.0))
        err = np.hypot(dre, dim)
    if ulps is None:
        bad |= err != 0
    else:
        fi = np.finfo(_REAL[dtype])
        # The absolute term only admits subnormal results that differ in their last bits.
        bad |= err > ulps * float(fi.eps) * scale + 4 * float(fi.tiny)
    assert not bad.any(), _report(bad, got, want, inputs)


def _report(bad, got, want, inputs):
    idx = np.nonzero(bad)[0]
    rows = [f"{bad.sum()} of {bad.size} differ; first ones (input -> got, NumPy):"]
    for i in idx[:12]:
        args = ", ".join(repr(x[i]) for x in inputs)
        rows.append(f"  ({args}) -> {got[i]!r}, {want[i]!r}")
    return "\n".join(rows)


def _ulps(spec, a, b):
    return spec(a, b) if callable(spec) else spec


def _want(ref, *args):
    with np.errstate(all="ignore"):
        return np.asarray(ref(*args))


# -- tests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES, ids=["complex64", "complex128"])
@pytest.mark.parametrize("name", sorted(_UNARY))
def test_unary_random(name, dtype):
    expr, kind, ref, ulps = _UNARY[name]
    a = _randoms(dtype)
    got = _launch(f"cx_{name}", kind, dtype, a, a)
    _check(got, _want(ref, a).astype(got.dtype), ulps, dtype, (a,), zero_signs=False)


@pytest.mark.parametrize("dtype", DTYPES, ids=["complex64", "complex128"])
@pytest.mark.parametrize("name", sorted(_UNARY))
def test_unary_special_values(name, dtype):
    expr, kind, ref, ulps = _UNARY[name]
    a = _specials(dtype)
    if name == "sign":
        # z/|z| with a subnormal |z| is as exact as hypot's last subnormal bit: NumPy itself
        # answers sign(1e-45+1e-45j) = 1+1j in complex64.
        a = a[~(np.abs(a) < np.finfo(_REAL[dtype]).tiny)]
    got = _launch(f"cx_{name}", kind, dtype, a, a)
    _check(got, _want(ref, a).astype(got.dtype), ulps, dtype, (a,), zero_signs=True)


@pytest.mark.parametrize("dtype", DTYPES, ids=["complex64", "complex128"])
@pytest.mark.parametrize("name", sorted(_BINARY))
def test_binary_random(name, dtype):
    expr, kind, ref, ulps = _BINARY[name]
    a, b = _randoms(dtype, seed=2), _randoms(dtype, seed=3)
    if name.startswith("power"):
        # Moderate |b log a|, where the results neither overflow nor underflow wholesale.
        keep = (np.abs(a) < 1e4) & (np.abs(a) > 1e-4)
        a = a[keep]
        b = (b[:a.size] / (1 + np.abs(b[:a.size])) * 3).astype(dtype)
    got = _launch(f"cx_{name}", kind, dtype, a, b)
    _check(got, _want(ref, a, b).astype(got.dtype), _ulps(ulps, a, b), dtype, (a, b),
           zero_signs=False)


@pytest.mark.parametrize("dtype", DTYPES, ids=["complex64", "complex128"])
@pytest.mark.parametrize("name", sorted(_BINARY))
def test_binary_special_values(name, dtype):
    expr, kind, ref, ulps = _BINARY[name]
    a, b = _binary_specials(dtype)
    if name.startswith("power"):
        # Where b*log(a) is huge (a huge finite part of a or b), the result's angle, and so
        # the signs of its overflowing parts, hang on the last bit of log(a): no two libraries
        # agree there.  Infinite and NaN parts (Annex G's rules) stay in.
        def tame(v, limit):
            return ((~np.isfinite(v.real) | (np.abs(v.real) <= limit)) &
                    (~np.isfinite(v.imag) | (np.abs(v.imag) <= limit)))
        keep = tame(a, 1e3) & tame(b, 100)
        # Results that overflow from finite operands: the signs of their infinities are
        # those of cos and sin of an angle known to |b log a| ulps, as good as random.
        with np.errstate(all="ignore"):
            w = np.power(a, b.real.astype(a.dtype) if name == "power_real" else b)
        keep &= ~(np.isfinite(a) & np.isfinite(b) & ~np.isfinite(w))
        a, b = a[keep], b[keep]
    ta, tb = _ties(dtype)
    a, b = np.concatenate([a, ta]), np.concatenate([b, tb])
    got = _launch(f"cx_{name}", kind, dtype, a, b)
    _check(got, _want(ref, a, b).astype(got.dtype), _ulps(ulps, a, b), dtype, (a, b),
           zero_signs=not name.startswith("power"))


@pytest.mark.parametrize("dtype", DTYPES, ids=["complex64", "complex128"])
@pytest.mark.parametrize("n", _INT_POWERS)
def test_integer_power(n, dtype):
    a = np.concatenate([_randoms(dtype, n=2000, seed=4), _specials(dtype)])
    if abs(n) > 3:
        a = a[~(np.abs(a) > 1e3)]   # keep NaNs; drop magnitudes whose powers only overflow
    name = f"cx_pow_int{n if n >= 0 else f'm{-n}'}"
    got = _launch(name, "C", dtype, a, a)
    want = _want(lambda z: np.power(z, n), a).astype(dtype)
    _check(got, want, 2 * max(1, abs(n).bit_length()), dtype, (a,), zero_signs=False)


@pytest.mark.parametrize("dtype", DTYPES, ids=["complex64", "complex128"])
def test_branch_cuts_follow_signed_zero(dtype):
    # Spelled out for the record; the special-value grid checks these too.
    z = np.array([complex(-4, 0), complex(-4, -0.0), complex(2, 0), complex(2, -0.0),
                  complex(0, 2), complex(-0.0, 2), complex(0.5, 0), complex(0.5, -0.0)], dtype)
    for name in ("sqrt", "log", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh"):
        expr, kind, ref, ulps = _UNARY[name]
        got = _launch(f"cx_{name}", kind, dtype, z, z)
        _check(got, _want(ref, z).astype(dtype), ulps, dtype, (z,), zero_signs=True)
    got = _launch("cx_sqrt", "C", dtype, z[:2], z[:2])
    np.testing.assert_array_equal(got, np.array([2j, -2j], dtype))


def test_division_by_zero_matches_numpy():
    a = np.array([1 + 1j, 1 + 0j, 0j, 1j, -1 + 0j, complex(np.inf, 1), complex(np.nan, 1)])
    b = np.array([0j, 0j, 0j, complex(-0.0, 0.0), complex(0.0, -0.0), 0j, 0j])
    for dtype in DTYPES:
        got = _launch("cx_divide", "C", dtype, a.astype(dtype), b.astype(dtype))
        want = _want(np.divide, a.astype(dtype), b.astype(dtype))
        np.testing.assert_array_equal(got, want)   # (1+1j)/0 = inf+infj, 1/0j = inf+nanj, ...
