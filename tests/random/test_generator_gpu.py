"""cuarray.random.Generator on the GPU: distributions, shapes, parameters, reproducibility.

Statistical tests (``_rng_cases``): every distribution in several parameter regimes, 10^6
samples with a fixed seed, a Kolmogorov-Smirnov or chi-square test against SciPy's
distribution (p > 1e-4) and the first two moments within 6 standard errors.  Then array
parameters and broadcasting, every integer dtype, result shapes and dtypes against
NumPy's, device-side argument validation against NumPy's messages, reproducibility,
independence of spawned and jumped streams, and out=.
"""

import math

import numpy as np
import pytest
from scipy import stats

import cuarray
import cuarray.random as cr
from _rng_cases import ALL, call, check_case, check_moments, ks_pvalue

pytestmark = pytest.mark.gpu
N = 1_000_000


@pytest.mark.parametrize("case", ALL, ids=repr)
def test_distribution(case):
    x = call(cr.default_rng(20260101), case, N)
    want = np.dtype(case.dtype or ("int64" if case.discrete else "float64"))
    assert x.dtype == want and x.shape == (N,)
    check_case(case, x.get())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_standard_normal_large(dtype):
    """2^25 normals: every lane and block of a large grid; tails reach beyond 5 sigma."""
    x = cr.default_rng(1).standard_normal(2**25, dtype=dtype).get().astype(np.float64)
    assert abs(x.mean()) < 6 / math.sqrt(x.size)
    assert abs(x.var() - 1) < 6 * math.sqrt(2 / x.size)
    assert np.abs(x).max() > 5.0
    tail = np.mean(np.abs(x) > 4.0)
    assert abs(tail - 2 * stats.norm.sf(4.0)) < 6 * math.sqrt(2 * stats.norm.sf(4.0) / x.size)
    assert ks_pvalue(x[::32], stats.norm()) > 1e-4


# -- array parameters ------------------------------------------------------------------------------
def test_array_parameters_broadcast():
    """Per-column parameters (a trailing-shape array) and a full array: each column follows
    its own distribution."""
    loc = cuarray.asarray(np.array([-5.0, 0.0, 3.0]))
    scale = cuarray.asarray(np.array([[0.5], [2.0]]))           # broadcast (2, 1) x (3,)
    x = cr.default_rng(3).normal(loc, scale, size=(100_000, 2, 3)).get()
    for i, s in enumerate((0.5, 2.0)):
        for j, m in enumerate((-5.0, 0.0, 3.0)):
            check_moments(x[:, i, j], stats.norm(m, s), (i, j))
    y = cr.default_rng(3).normal(loc, scale)
    assert y.shape == (2, 3)


@pytest.mark.parametrize("method,args,dist", [
    ("gamma", (np.array([0.5, 3.0]), 2.0), lambda a: stats.gamma(a, scale=2.0)),
    ("poisson", (np.array([2.0, 40.0]),), lambda lam: stats.poisson(lam)),
    ("binomial", (np.array([10, 500]), 0.3), lambda n: stats.binom(n, 0.3)),
    ("beta", (np.array([0.3, 4.0]), 2.0), lambda a: stats.beta(a, 2.0)),
    ("uniform", (np.array([-1.0, 10.0]), 20.0), lambda lo: stats.uniform(lo, 20.0 - lo)),
])
def test_array_parameter_distributions(method, args, dist):
    dev = [cuarray.asarray(a) if isinstance(a, np.ndarray) else a for a in args]
    x = getattr(cr.default_rng(5), method)(*dev, size=(200_000, 2)).get()
    for j in range(2):
        d = dist(args[0][j])
        if method in ("poisson", "binomial"):
            from _rng_cases import chi2_pvalue
            assert chi2_pvalue(x[:, j], d) > 1e-4
        else:
            assert ks_pvalue(x[:, j], d) > 1e-4
        check_moments(x[:, j], d, (method, j))


def test_zero_d_and_size_one_parameters():
    lam = cuarray.asarray(np.float64(3.0))
    x = cr.default_rng(0).poisson(lam, size=100_000)
    assert x.shape == (100_000,)
    check_moments(x.get(), stats.poisson(3.0))
    y = cr.default_rng(0).poisson(lam)
    assert y.shape == () and y.dtype == np.int64


def test_parameter_layouts():
    """Transposed, strided and float32 parameter arrays are read element by element."""
    base = np.linspace(1, 2, 12).reshape(3, 4)
    dev = cuarray.asarray(base)
    for d, host in ((dev, base), (dev.T, base.T), (dev[:, ::2], base[:, ::2]),
                    (dev[::-1], base[::-1]), (dev.astype(np.float32), base.astype(np.float32))):
        x = cr.default_rng(2).normal(d, 0.0).get()
        assert x.shape == host.shape and np.array_equal(x, host.astype(np.float64))


# -- shapes and dtypes against NumPy -----------------------------------------------------------
@pytest.mark.parametrize("size", [None, 0, 5, (2, 3), (0, 4), (2, 1, 3)])
@pytest.mark.parametrize("method,args", [
    ("random", ()), ("standard_normal", ()), ("normal", (1.0, 2.0)), ("poisson", (3.0,)),
    ("integers", (0, 5)), ("gamma", (2.0,)), ("binomial", (5, 0.5)), ("triangular", (0, 1, 2)),
])
def test_shapes_and_dtypes_match_numpy(method, args, size):
    ours = getattr(cr.default_rng(0), method)(*args, size=size)
    theirs = getattr(np.random.default_rng(0), method)(*args, size=size)
    assert isinstance(ours, cuarray.ndarray)
    assert ours.shape == np.shape(theirs)
    assert ours.dtype == np.asarray(theirs).dtype


@pytest.mark.parametrize("pshape,size", [((3,), None), ((2, 1), (2, 3)), ((3,), (4, 3)),
                                         ((1,), None), ((), (2,)), ((2, 3), (3,)),
                                         ((3,), (2,))])
def test_parameter_broadcasting_matches_numpy(pshape, size):
    def run(xp, rng):
        loc = xp.zeros(pshape)
        try:
            return rng.normal(loc, 1.0, size=size).shape
        except ValueError as e:
            return ("ValueError", str(e))
    assert run(cuarray, cr.default_rng(0)) == run(np, np.random.default_rng(0))


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint8", "int16", "uint16", "int32",
                                   "uint32", "int64", "uint64"])
def test_integers_every_dtype(dtype):
    dt = np.dtype(dtype)
    lo, hi = (0, 2) if dt.kind == "b" else (int(np.iinfo(dt).min), int(np.iinfo(dt).max) + 1)
    x = cr.default_rng(4).integers(lo, hi, size=200_000, dtype=dt).get()
    assert x.dtype == dt
    assert int(x.min()) >= lo and int(x.max()) < hi
    # The range has 2^bits values: x - lo (exact, in uint64) binned by its top byte (or all
    # of it for bool) and its low byte gives equiprobable bins for a chi-square test.  (A KS
    # test of (x - lo) / (hi - lo) against the continuous uniform is wrong for few values:
    # the steps of the discrete CDF alone give p = 0 for bool and ~1e-4 for 8 bits.)
    bits = 1 if dt.kind == "b" else 8 * dt.itemsize
    off = x.astype(np.uint64) if dt.kind == "b" else x.view(f"u{dt.itemsize}").astype(np.uint64)
    if dt.kind == "i":
        off = off ^ np.uint64(1 << (bits - 1))     # x - lo modulo 2^bits
    top = min(bits, 8)
    assert stats.chisquare(np.bincount((off >> np.uint64(bits - top)).astype(np.int64),
                                       minlength=1 << top)).pvalue > 1e-4
    if bits > 8:
        assert stats.chisquare(np.bincount((off & np.uint64(255)).astype(np.int64),
                                           minlength=256)).pvalue > 1e-4
    small = cr.default_rng(4).integers(1, 4, size=90_000, dtype=dt if dt.kind != "b" else "int8")
    counts = np.bincount(small.get().astype(np.int64), minlength=4)[1:]
    assert stats.chisquare(counts).pvalue > 1e-4


def test_integers_array_bounds():
    low = cuarray.asarray(np.array([0, 100, -50]))
    high = cuarray.asarray(np.array([10, 103, 50]))
    x = cr.default_rng(6).integers(low, high, size=(30_000, 3)).get()
    for j, (a, b) in enumerate(((0, 10), (100, 103), (-50, 50))):
        assert x[:, j].min() == a and x[:, j].max() == b - 1
        counts = np.bincount(x[:, j] - a)
        assert stats.chisquare(counts).pvalue > 1e-4
    y = cr.default_rng(6).integers(low, high, endpoint=True).get()
    assert y.shape == (3,) and np.all((y >= [0, 100, -50]) & (y <= [10, 103, 50]))
    u8 = cr.default_rng(6).integers(cuarray.asarray(np.array([250], np.uint8)), 256,
                                    dtype=np.uint8, size=1000).get()
    assert u8.min() >= 250 and u8.dtype == np.uint8


@pytest.mark.parametrize("low,high,kw", [
    (np.array([5, 1]), 3, {}), (np.array([5, 3]), 3, {"endpoint": True}),
    (np.array([-200]), 3, {"dtype": np.int8}), (0, np.array([300]), {"dtype": np.int8}),
    (0, np.array([128]), {"dtype": np.int8}), (np.array([-5]), None, {}),
    (np.array([0]), None, {"endpoint": True}), (np.array([-1]), 3, {"dtype": np.uint64}),
    (np.array([1.5]), np.array([3.7]), {}),
])
def test_integers_device_bound_errors_match_numpy(low, high, kw):
    def run(xp, g):
        lo = xp.asarray(low) if isinstance(low, np.ndarray) else low
        hi = xp.asarray(high) if isinstance(high, np.ndarray) else high
        try:
            return g.integers(lo, hi, size=4, **kw).shape
        except ValueError as e:
            return str(e)
    assert run(cuarray, cr.default_rng(0)) == run(np, np.random.default_rng(0))


@pytest.mark.parametrize("method,kw,bad", [
    ("normal", {"loc": 0.0}, {"scale": [1.0, -1.0]}),
    ("normal", {"loc": 0.0}, {"scale": [1.0, -0.0]}),
    ("gamma", {}, {"shape": [1.0, -2.0]}),
    ("beta", {"b": 1.0}, {"a": [1.0, 0.0]}),
    ("binomial", {"p": 0.5}, {"n": [3, -1]}),
    ("binomial", {"n": 3}, {"p": [0.5, np.nan]}),
    ("poisson", {}, {"lam": [1.0, np.nan]}),
    ("poisson", {}, {"lam": [1.0, -1.0]}),
    ("zipf", {}, {"a": [2.0, 1.0]}),
    ("logseries", {}, {"p": [0.5, 1.0]}),
    ("geometric", {}, {"p": [0.5, 0.0]}),
    ("uniform", {"low": 0.0}, {"high": [1.0, -1.0]}),
    ("uniform", {"low": 0.0}, {"high": [1.0, np.inf]}),
    ("triangular", {"left": 0.0, "right": 1.0}, {"mode": [0.5, 2.0]}),
    ("hypergeometric", {"nbad": 5, "nsample": 3}, {"ngood": [5, -1]}),
    ("hypergeometric", {"nbad": 1, "nsample": 3}, {"ngood": [5, 1]}),
    ("negative_binomial", {"p": 0.5}, {"n": [1.0, np.nan]}),
    ("wald", {"mean": 1.0}, {"scale": [1.0, 0.0]}),
    ("vonmises", {"mu": 0.0}, {"kappa": [1.0, -1.0]}),
])
def test_device_parameter_errors_match_numpy(method, kw, bad):
    name, values = next(iter(bad.items()))
    for shape in ((2,), ()):
        vals = np.asarray(values) if shape else np.asarray(values[-1])
        with pytest.raises((ValueError, OverflowError)) as theirs:
            getattr(np.random.default_rng(0), method)(**kw, **{name: vals})
        with pytest.raises((ValueError, OverflowError)) as ours:
            getattr(cr.default_rng(0), method)(**kw, **{name: cuarray.asarray(vals)})
        assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))


def test_binomial_n_must_cast_safely():
    with pytest.raises(TypeError, match="safe"):
        cr.default_rng(0).binomial(cuarray.asarray(np.array([2.0])), 0.5)
    x = cr.default_rng(0).binomial(cuarray.asarray(np.array([2], np.int32)), 0.5, size=100)
    assert x.get().max() <= 2


# -- reproducibility and independence -------------------------------------------------------------
@pytest.mark.parametrize("method,args", [("standard_normal", ()), ("gamma", (0.6,)),
                                         ("integers", (0, 2**40)), ("poisson", (30.0,)),
                                         ("binomial", (50, 0.4)), ("random", ())])
def test_same_seed_same_numbers(method, args):
    a = getattr(cr.default_rng(2024), method)(*args, size=10_007).get()
    b = getattr(cr.default_rng(2024), method)(*args, size=10_007).get()
    c = getattr(cr.default_rng(2025), method)(*args, size=10_007).get()
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_results_do_not_depend_on_alignment():
    """A misaligned out= (no vector stores) gets the same numbers as a fresh array."""
    fresh = cr.default_rng(9).standard_normal(1001, dtype=np.float32).get()
    buf = cuarray.zeros(1002, dtype=np.float32)
    cr.default_rng(9).standard_normal(dtype=np.float32, out=buf[1:])
    assert np.array_equal(buf.get()[1:], fresh)


def test_consecutive_calls_differ_and_chain():
    g = cr.default_rng(11)
    a, b = g.random(1000).get(), g.random(1000).get()
    assert not np.array_equal(a, b)
    h = cr.default_rng(11)
    h.bit_generator.advance(500)
    assert np.array_equal(h.random(1000).get(), b)


def test_spawned_generators_are_independent():
    kids = cr.default_rng(77).spawn(4)
    xs = np.stack([k.standard_normal(200_000).get() for k in kids])
    c = np.corrcoef(xs)
    off = c[~np.eye(4, dtype=bool)]
    assert np.all(np.abs(off) < 6 / math.sqrt(200_000))
    # the pooled draws are still normal: no shared substreams
    assert ks_pvalue(xs.ravel(), stats.norm()) > 1e-4


def test_jumped_generators_are_independent():
    bg = cr.Philox(5)
    a = cr.Generator(bg).random(100_000).get()
    b = cr.Generator(bg.jumped()).random(100_000).get()
    assert abs(np.corrcoef(a, b)[0, 1]) < 6 / math.sqrt(100_000)


def test_out_parameter():
    out = cuarray.empty((300, 400), dtype=np.float32)
    r = cr.default_rng(1).standard_exponential(dtype=np.float32, out=out)
    assert r is out
    assert ks_pvalue(out.get().ravel(), stats.expon()) > 1e-4
    shape = cuarray.asarray(np.array([1.0, 5.0]))
    g = cuarray.empty((50_000, 2))
    cr.default_rng(1).standard_gamma(shape, out=g)
    check_moments(g.get()[:, 1], stats.gamma(5.0))


def test_bytes_and_random_raw():
    b = cr.default_rng(0).bytes(10_001)
    assert isinstance(b, bytes) and len(b) == 10_001
    counts = np.bincount(np.frombuffer(b, np.uint8), minlength=256)
    assert stats.chisquare(counts).pvalue > 1e-4
    assert cr.default_rng(0).bytes(0) == b""
    raw = cr.Philox(3).random_raw(1000)
    assert raw.dtype == np.uint64 and raw.shape == (1000,)
    assert len(set(raw.get().tolist())) == 1000
