"""The math ufuncs' tables against NumPy, and every loop's kernel compiled for sm_90.

No GPU needed: NVRTC compiles to a cubin for a named architecture, so CI checks
that each body is valid C++ for each of NumPy's loop dtypes, in each kernel
layout the engine generates.  One NVRTC program per ufunc holds all its kernels
(headers are parsed once per program, which is most of the compile time).  The
helpers of ufunc_math.cuh are also compiled for the host and checked against
NumPy bit for bit.
"""

import ctypes
import decimal
import shutil
import subprocess

import numpy
import pytest

from cuarray._core.dtypes import COMPUTE
from cuarray._engine.source import Layout, elementwise_source, kernel_name
from cuarray._ufunc.defs import explog, floating, trig
from cuarray._ufunc.spec import numpy_loops
from cuarray.cuda import compiler
from cuarray.cuda.compiler import compile_to_cubin

ARCH = "sm_90"
MODULES = (explog, trig, floating)
# Each ufunc once, under its own name (the NumPy 2 aliases are the same objects).
UFUNCS = {name: getattr(m, name) for m in MODULES for name in m.__all__
          if getattr(m, name).__name__ == name}
# (variant, index, where): contiguous vectorised, contiguous, strided 2-d, a masked store,
# 64-bit indexing; binary ufuncs also with a scalar operand on either side.
LAYOUTS = [("vec4", "int", False), ("flat", "int", False), ("nd2", "int", False),
           ("flat", "int", True), ("nd2", "long long", False)]


def unique_loops(name):
    """NumPy's loops for ``name`` on cuarray's dtypes, without repeats ('l' and 'q' are int64)."""
    seen = {}
    for ins, outs in numpy_loops(name):
        seen.setdefault(ins + outs, (ins, outs))
    return list(seen.values())


def kernel_sources(uf):
    """[(kernel name, source)] for every loop and layout of ``uf``."""
    spec = uf._spec
    kernels = []
    for ins, outs in unique_loops(spec.name):
        in_c = tuple(COMPUTE.get(d, d) for d in ins)
        out_c = tuple(COMPUTE.get(d, d) for d in outs)
        body = spec.body_for(ins[0])
        kinds_list = [("a",) * spec.nin]
        if spec.nin == 2:
            kinds_list += [("a", "s"), ("s", "a")]
        for kinds in kinds_list:
            for k, (variant, index, where) in enumerate(LAYOUTS):
                name = f"{kernel_name(spec.name, ins + outs, variant)}_{''.join(kinds)}{k}"
                src = elementwise_source(name, body, spec.preamble, ins, in_c, outs, out_c,
                                         Layout(kinds, variant, index, where))
                kernels.append((name, src))
    return kernels


@pytest.fixture(autouse=True)
def no_disk_cache(monkeypatch):
    monkeypatch.setenv("CUARRAY_DISABLE_DISK_CACHE", "1")


@pytest.mark.parametrize("name", sorted(UFUNCS))
def test_every_loop_compiles_for_sm90(name):
    kernels = kernel_sources(UFUNCS[name])
    assert kernels, f"{name}: NumPy has no loop on cuarray's dtypes"
    # Headers have include guards and preambles only include headers, so the sources
    # concatenate into one program.
    cubin, _ = compile_to_cubin("\n".join(src for _, src in kernels), arch=ARCH)
    assert cubin[:4] == b"\x7fELF"
    for kname, _ in kernels:
        assert kname.encode() in cubin, f"kernel {kname} missing from the cubin"


@pytest.mark.parametrize("name", sorted(UFUNCS))
def test_spec_matches_numpy(name):
    uf, ref = UFUNCS[name], getattr(numpy, name)
    assert (uf.nin, uf.nout) == (ref.nin, ref.nout)
    assert uf.__name__ == ref.__name__
    # Every NumPy loop on our dtypes has a body (validate() ran at import, check it stays so).
    for ins, _ in numpy_loops(name):
        assert uf._spec.body_for(ins[0]) is not None, (name, ins)
    assert uf.types == [t for t in ref.types if all(
        c in "?bBhHiIlLqQefdFD" for c in t.replace("->", ""))]


def test_complex_loops_only_where_numpy_has_them():
    # A complex body for a ufunc without complex loops would hide NumPy's TypeError.
    for name, uf in UFUNCS.items():
        has_complex = any(ins[0].kind == "c" for ins, _ in numpy_loops(name))
        body = uf._spec.body
        declared = isinstance(body, dict) and any("c" in k for k in body if k != "*")
        if declared:
            assert has_complex, name


# -- the helpers of ufunc_math.cuh, compiled for the host, against NumPy bit for bit -----------
# The header is plain C++ outside NVRTC (bit casts through memcpy), so its algorithms (NumPy's
# spacing, float16 nextafter on half bits, logaddexp, frexp of inf/NaN, ldexp's int64 clamp,
# sign, heaviside, hypot's infinities and its fallback near overflow, degrees' constant) are
# checked exhaustively here; the GPU suite then checks the compiled kernels against NumPy.

HOST_HARNESS = r"""
#include <math.h>
#include <cuarray/ufunc_math.cuh>
#include <cuarray/complex.cuh>
namespace m = cuarray::math;
#define U1(NAME, T, F) extern "C" void NAME(const T* x, T* o, long n) \
  { for (long i = 0; i < n; ++i) o[i] = F(x[i]); }
#define U2(NAME, T, F) extern "C" void NAME(const T* x, const T* y, T* o, long n) \
  { for (long i = 0; i < n; ++i) o[i] = F(x[i], y[i]); }
#define BOTH1(NAME) \
  U1(NAME##_float32, float, m::NAME<float>) U1(NAME##_float64, double, m::NAME<double>)
#define BOTH2(NAME) \
  U2(NAME##_float32, float, m::NAME<float>) U2(NAME##_float64, double, m::NAME<double>)
BOTH2(nextafter) BOTH2(heaviside) BOTH2(logaddexp) BOTH2(logaddexp2) BOTH2(hypot)
BOTH2(hypot_near_overflow)
// |z| of complex.cuh (the complex sign loop divides by it) has its own copy of the fallback.
U2(abs_near_overflow_float32, float, cuarray::cx_detail::hypot_near_overflow<float>)
U2(abs_near_overflow_float64, double, cuarray::cx_detail::hypot_near_overflow<double>)
BOTH1(spacing) BOTH1(sign) BOTH1(degrees) BOTH1(radians)
U2(nextafter_float16, float, m::nextafter_half)
U1(spacing_float16, float, m::spacing_half)
#define FREXP(T, NAME) extern "C" void NAME(const T* x, T* o, int* e, long n) \
  { for (long i = 0; i < n; ++i) o[i] = m::frexp(x[i], e[i]); }
FREXP(float, frexp_float32) FREXP(double, frexp_float64)
#define LDEXP(T, NAME) extern "C" void NAME(const T* x, const long long* k, T* o, long n) \
  { for (long i = 0; i < n; ++i) o[i] = m::ldexp(x[i], k[i]); }
LDEXP(float, ldexp_float32) LDEXP(double, ldexp_float64)
extern "C" void half_round_trip(const float* x, unsigned* b, float* back, long n) {
  for (long i = 0; i < n; ++i) { b[i] = m::half_bits(x[i]); back[i] = m::half_value(b[i]); }
}
"""


def _build(cxx, source, out):
    """Compile ``source`` into the shared library ``out``; (ok, compiler messages)."""
    src = out.with_suffix(".cpp")
    src.write_text(source)
    try:
        r = subprocess.run([cxx, "-O2", "-std=c++17", "-ffp-contract=off", "-shared", "-fPIC",
                            f"-I{compiler._INCLUDE_DIR}", str(src), "-o", str(out)],
                           capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, str(e)
    return r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def host_lib(tmp_path_factory):
    cxx = shutil.which("c++") or shutil.which("g++") or shutil.which("clang++")
    if cxx is None:
        pytest.skip("no host C++ compiler (c++, g++ or clang++ on PATH) to check "
                    "ufunc_math.cuh's helpers with")
    d = tmp_path_factory.mktemp("ufunc_math")
    # A compiler that cannot build a trivial shared library (no C++ library or headers, ...)
    # is an unusable host toolchain: skip.  Once it can, the harness must build.
    ok, log = _build(cxx, "#include <math.h>\nextern \"C\" double probe(double x) "
                          "{ return sqrt(x); }\n", d / "probe.so")
    if not ok:
        pytest.skip(f"host C++ compiler {cxx} cannot build a shared library: {log[-500:]}")
    ok, log = _build(cxx, HOST_HARNESS, d / "harness.so")
    assert ok, f"ufunc_math.cuh does not compile for the host with {cxx}:\n{log}"
    return ctypes.CDLL(str(d / "harness.so"))


def _run(lib, fn, *arrays, out_dtypes):
    outs = [numpy.empty(arrays[0].shape, dt) for dt in out_dtypes]
    args = [a.ctypes.data_as(ctypes.c_void_p) for a in (*arrays, *outs)]
    getattr(lib, fn)(*args, ctypes.c_long(arrays[0].size))
    return outs


def _assert_same_bits(got, ref):
    """Equal bit patterns, any NaN matching any NaN."""
    got, ref = numpy.asarray(got), numpy.asarray(ref)
    assert got.dtype == ref.dtype
    u = f"u{got.itemsize}"
    ok = (got.view(u) == ref.view(u)) | (numpy.isnan(got) & numpy.isnan(ref))
    assert ok.all(), (ref[~ok][:10], got[~ok][:10])


ALL_HALVES = numpy.arange(2**16, dtype=numpy.uint16).view(numpy.float16)


def _values(dtype):
    """Special values, every pair of them, and random bit patterns (NaNs, subnormals, ...)."""
    fi = numpy.finfo(dtype)
    s = numpy.array([0.0, -0.0, 1, -1, 0.5, 3, numpy.inf, -numpy.inf, numpy.nan, fi.max,
                     -fi.max, fi.tiny, -fi.tiny, fi.smallest_subnormal,
                     -fi.smallest_subnormal, 2 * fi.smallest_subnormal], dtype)
    u = f"u{fi.dtype.itemsize}"
    rng = numpy.random.default_rng(0)
    bits = rng.integers(0, numpy.iinfo(u).max, 100_000, dtype=u, endpoint=True).view(dtype)
    x = numpy.concatenate([numpy.repeat(s, s.size), bits])
    y = numpy.concatenate([numpy.tile(s, s.size), rng.permutation(bits)])
    return x, y


def test_host_half_bits_round_trip(host_lib):
    b, back = _run(host_lib, "half_round_trip", ALL_HALVES.astype(numpy.float32),
                   out_dtypes=("uint32", "float32"))
    keep = ~numpy.isnan(ALL_HALVES)
    assert (b.astype(numpy.uint16)[keep] == ALL_HALVES.view(numpy.uint16)[keep]).all()
    _assert_same_bits(back, ALL_HALVES.astype(numpy.float32))


def half_nextafter(x, y):
    """numpy.nextafter on float16 as NumPy 2.5 computes it: y where x == y.

    Before 2.5, NumPy's float16 loop returned x there, so nextafter(0.0, -0.0) was 0.0
    (numpy/numpy#31472), unlike C's nextafter and NumPy's float32 and float64 loops.
    """
    with numpy.errstate(all="ignore"):
        ref = numpy.nextafter(x, y)
    return numpy.where(x == y, y, ref)


def test_host_float16_nextafter_and_spacing(host_lib):
    x = ALL_HALVES.astype(numpy.float32)
    for y in numpy.array([0, -0.0, 1, -1, numpy.inf, -numpy.inf, numpy.nan, 65504, 6e-8, -6e-8],
                         numpy.float16):
        ys = numpy.full_like(ALL_HALVES, y)
        (got,) = _run(host_lib, "nextafter_float16", x, ys.astype(numpy.float32),
                      out_dtypes=("float32",))
        _assert_same_bits(got.astype(numpy.float16), half_nextafter(ALL_HALVES, ys))
    (got,) = _run(host_lib, "spacing_float16", x, out_dtypes=("float32",))
    with numpy.errstate(all="ignore"):
        ref = numpy.spacing(ALL_HALVES)
    _assert_same_bits(got.astype(numpy.float16), ref)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["nextafter", "heaviside", "hypot", "spacing", "sign",
                                  "degrees", "radians"])
def test_host_exact_helpers(host_lib, name, dtype):
    x, y = _values(dtype)
    nin = getattr(numpy, name).nin
    (got,) = _run(host_lib, f"{name}_{dtype}", *(x, y)[:nin], out_dtypes=(dtype,))
    with numpy.errstate(all="ignore"):
        _assert_same_bits(got, getattr(numpy, name)(*(x, y)[:nin]))


def _nearest(value, dtype):
    """The ``dtype`` value nearest to the positive Decimal ``value``, inf past the overflow
    threshold (rounding as if the exponent were unbounded, as IEEE 754 does)."""
    dtype = numpy.dtype(dtype).type
    top = decimal.Decimal(2) ** int(numpy.finfo(dtype).maxexp)    # what inf rounds from

    def exact(v):
        return top if numpy.isinf(v) else decimal.Decimal(float(v))

    with numpy.errstate(over="ignore"):
        c = dtype(float(value))
        candidates = [c, numpy.nextafter(c, dtype(0)), numpy.nextafter(c, dtype(numpy.inf))]
    return min(candidates, key=lambda v: abs(exact(v) - value))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("helper", ["hypot_near_overflow", "abs_near_overflow"])
def test_host_hypot_near_overflow(host_lib, helper, dtype):
    # CUDA's double hypot can overflow where the true value lies within an ulp or two below
    # the largest double; hypot (and complex.cuh's abs) then recompute with this fallback,
    # which must round correctly (and so overflow where the true value does; the C library's
    # hypot never overflows there, so the host reaches the fallback only directly, as here).
    # Larger parts from 0.7 max to max, smaller ones from 0 to the larger, and pairs whose
    # hypot lies within a few ulp of the overflow threshold on either side.
    fi = numpy.finfo(dtype)
    big = float(fi.max)
    rng = numpy.random.default_rng(2)
    n = 1500
    x = big * rng.uniform(0.7, 1.0, n)
    y = x * 10.0 ** rng.uniform(float(fi.minexp) / 3.3, 0, n)
    near = (big * (1 - rng.uniform(0, 1e-3, n))).astype(dtype).astype(float)
    with decimal.localcontext() as ctx:
        ctx.prec = 80
        D = decimal.Decimal
        # y with near^2 + y^2 = max^2 (1 + k eps), k in [-4, 4]
        y_near = [float(max(D(big) ** 2 * (1 + D(k) * D(float(fi.eps))) - D(a) ** 2, D(0)).sqrt())
                  for a, k in zip(near, rng.uniform(-4, 4, n))]
    specials = [(big, 0.0), (big, 1.0), (big, float(fi.smallest_subnormal)), (big, big),
                (big, big / 3), (big / 3, big), (-big, -1.0)]
    x = numpy.concatenate([x, near, [a for a, _ in specials]]).astype(dtype)
    y = numpy.concatenate([y, y_near, [b for _, b in specials]]).astype(dtype)
    flip = rng.random(x.size) < 0.3
    x[flip], y[flip] = y[flip], x[flip].copy()
    x[::5], y[::7] = -x[::5], -y[::7]
    (got,) = _run(host_lib, f"{helper}_{dtype}", x, y, out_dtypes=(dtype,))
    with decimal.localcontext() as ctx:
        ctx.prec = 80
        want = numpy.array([_nearest((D(float(a)) ** 2 + D(float(b)) ** 2).sqrt(), dtype)
                            for a, b in zip(x, y)], dtype)
    bad = got != want
    assert not bad.any(), (x[bad][:5], y[bad][:5], got[bad][:5], want[bad][:5])
    assert numpy.isinf(got).any() and numpy.isfinite(got).any()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2"])
def test_host_logaddexp(host_lib, name, dtype):
    x, y = _values(dtype)
    (got,) = _run(host_lib, f"{name}_{dtype}", x, y, out_dtypes=(dtype,))
    with numpy.errstate(all="ignore"):
        ref = getattr(numpy, name)(x, y)
    numpy.testing.assert_allclose(got, ref, rtol=4 * numpy.finfo(dtype).eps, atol=0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_host_frexp_and_ldexp(host_lib, dtype):
    x, _ = _values(dtype)
    mant, exp = _run(host_lib, f"frexp_{dtype}", x, out_dtypes=(dtype, "int32"))
    ref_mant, ref_exp = numpy.frexp(x)
    _assert_same_bits(mant, ref_mant)
    assert (exp == ref_exp).all()
    k = numpy.random.default_rng(1).integers(-400, 400, x.size, dtype=numpy.int64)
    k[:8] = [2**62, -2**62, 2**31, -2**31 - 1, 2**31 - 1, -2**31, 5000, -5000]
    (got,) = _run(host_lib, f"ldexp_{dtype}", x, k, out_dtypes=(dtype,))
    with numpy.errstate(all="ignore"):
        _assert_same_bits(got, numpy.ldexp(x, k))
