"""Every distribution's kernel run on the host (CPU tests): goodness of fit and moments.

The generated kernels and ``cuarray/random.cuh`` compile with the host C++ compiler and run
through the public ``Generator`` and ``RandomState`` methods (``conftest.host``), so these
tests cover the samplers' mathematics, the lanes and substreams, the parameter passing and
the counter bookkeeping without a GPU.  Host libm replaces CUDA's math functions; the GPU
tests repeat the statistical tests on the device.
"""

import numpy as np
import pytest
from scipy import stats

import cuarray.random as cr
from _rng_cases import ALL, CONTINUOUS, call, check_case
from _rng_host import view

N = 100_000


@pytest.mark.parametrize("case", ALL, ids=repr)
def test_generator_distribution(host, case):
    g = cr.default_rng(20260101)
    x = call(g, case, N)
    assert x.shape == (N,)
    want = np.dtype(case.dtype or ("int64" if case.discrete else "float64"))
    assert x.dtype == want
    check_case(case, view(x))


# float32 cannot hold beta(0.05, 0.02)'s tails (values below 1e-45 round to 0)
_LEGACY = [c for c in CONTINUOUS if c.method != "random" and not c.binned]


@pytest.mark.parametrize("case", _LEGACY, ids=repr)
def test_legacy_float32_distribution(host, case):
    """CuPy's dtype= extension: float32 samplers run in float32 arithmetic."""
    rs = cr.RandomState(7)
    x = getattr(rs, case.method)(*case.args, size=N, dtype=np.float32)
    assert x.dtype == np.float32
    check_case(case, view(x).astype(np.float64))


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint8", "int16", "uint16", "int32",
                                   "uint32", "int64", "uint64"])
@pytest.mark.parametrize("endpoint", [False, True])
def test_integers_full_range(host, dtype, endpoint):
    """The whole range of every integer dtype, each value (or each of 16 bins) equally likely."""
    dt = np.dtype(dtype)
    lo, hi = (0, 1) if dt.kind == "b" else (int(np.iinfo(dt).min), int(np.iinfo(dt).max))
    g = cr.default_rng(5)
    x = view(g.integers(lo, hi if endpoint else hi + 1, size=64_000, dtype=dt,
                        endpoint=endpoint))
    assert x.dtype == dt
    xs = x.astype(object) if dt.itemsize == 8 else x.astype(np.int64)
    assert min(xs) >= lo and max(xs) <= hi
    span = hi - lo + 1
    bins = min(span, 16)
    counts = np.bincount(np.array([(int(v) - lo) * bins // span for v in xs]), minlength=bins)
    from scipy import stats
    assert stats.chisquare(counts).pvalue > 1e-4, counts


@pytest.mark.parametrize("low,high", [(0, 1), (5, 6), (-3, 4), (10**12, 10**12 + 3),
                                      (0, 2**32), (0, 2**32 + 1), (-2**63, 2**63 - 1)])
def test_integers_ranges(host, low, high):
    """Small, 32-bit boundary and full 64-bit ranges: values in range, every value hit."""
    g = cr.default_rng(11)
    x = view(g.integers(low, high, size=20_000))
    assert x.min() >= low and x.max() < high
    if high - low <= 8:
        assert sorted(set(x.tolist())) == list(range(low, high))


def test_integers_rejection_is_unbiased(host):
    """A range just above 2^31 rejects almost half of the first words: the substream draws
    keep it uniform (halves of the range equally likely, no excess at the bottom)."""
    g = cr.default_rng(3)
    m = 2**31 + 1
    x = view(g.integers(0, m, size=200_000)).astype(np.float64)
    from scipy import stats
    assert stats.kstest(x / m, "uniform").pvalue > 1e-4


def test_generator_scalar_and_zero_size(host):
    g = cr.default_rng(0)
    x = g.normal(2.0, 0.0)
    assert x.shape == () and x.dtype == np.float64 and view(x) == 2.0
    assert g.poisson(3.0, size=(0, 4)).shape == (0, 4)
    y = g.standard_gamma(2.0, size=(3, 5))
    assert y.shape == (3, 5) and np.all(view(y) > 0)


def test_degenerate_parameters(host):
    """NumPy's results at the edges of the parameter ranges."""
    g = cr.default_rng(1)
    assert np.all(view(g.standard_gamma(0.0, size=8)) == 0)
    assert np.all(view(g.weibull(0.0, size=8)) == 0)
    assert np.all(view(g.binomial(0, 0.3, size=8)) == 0)
    assert np.all(view(g.binomial(7, 1.0, size=8)) == 7)
    assert np.all(view(g.binomial(7, 0.0, size=8)) == 0)
    assert np.all(view(g.poisson(0.0, size=8)) == 0)
    assert np.all(view(g.geometric(1.0, size=8)) == 1)
    assert np.all(view(g.negative_binomial(3.0, 1.0, size=8)) == 0)
    assert np.all(view(g.logseries(0.0, size=8)) == 1)
    assert np.all(view(g.zipf(2000.0, size=8)) == 1)
    assert np.all(view(g.hypergeometric(5, 0, 3, size=8)) == 3)
    assert np.all(view(g.hypergeometric(0, 5, 3, size=8)) == 0)
    assert np.all(np.isnan(view(g.standard_gamma(np.nan, size=8))))
    assert np.all(np.isnan(view(g.beta(np.nan, 1.0, size=8))))
    assert np.all(view(g.exponential(0.0, size=8)) == 0)
    e = view(g.standard_exponential(size=4096, dtype=np.float32))
    assert not np.any(np.signbit(e))            # -log(1) must be +0.0
    pareto = view(g.pareto(np.inf, size=8))
    assert np.all(pareto == 0)
    assert np.all(view(g.power(np.inf, size=8)) == 1)


def test_poisson_huge_mean(host):
    g = cr.default_rng(2)
    x = view(g.poisson(1e18, size=1000)).astype(np.float64)
    assert abs(x.mean() - 1e18) < 6e9 / np.sqrt(1000) * 6


def test_same_seed_same_numbers(host):
    a = view(cr.default_rng(99).normal(size=1001))
    b = view(cr.default_rng(99).normal(size=1001))
    c = view(cr.default_rng(100).normal(size=1001))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_calls_advance_the_counter(host):
    """Consecutive calls never reuse counters: the second draw differs from the first, and
    equals a fresh generator's draw after advancing by what the first call used."""
    g = cr.default_rng(4)
    first = view(g.random(10))
    second = view(g.random(10))
    assert not np.array_equal(first, second)
    h = cr.default_rng(4)
    h.bit_generator.advance(5)            # 10 float64 values: 2 per block
    assert np.array_equal(view(h.random(10)), second)


def test_substreams_do_not_depend_on_lanes(host):
    """Element i of a rejection sampler reads only its own substream: the first elements of a
    longer draw equal a shorter draw's (same counter)."""
    a = view(cr.default_rng(8).gamma(0.7, size=37))
    b = view(cr.default_rng(8).gamma(0.7, size=5))
    assert np.array_equal(a[:5], b)


def test_float32_does_not_round_trip_through_float64(host):
    cr.default_rng(0).standard_normal(10, dtype=np.float32)
    cr.default_rng(0).standard_gamma(2.0, 10, dtype=np.float32)
    cr.default_rng(0).standard_gamma(0.0, 10, dtype=np.float32)
    assert [(k[0], k[1].name, k[2].name) for k in host.launched] == [
        ("standard_normal", "float32", "float32"), ("gamma_prepared", "float32", "float32"),
        ("standard_gamma", "float32", "float32")]


def test_spawned_streams_are_independent(host):
    parent = cr.default_rng(12345)
    kids = parent.spawn(3)
    xs = [view(k.standard_normal(50_000)) for k in kids]
    for i in range(3):
        for j in range(i + 1, 3):
            r = np.corrcoef(xs[i], xs[j])[0, 1]
            assert abs(r) < 6 / np.sqrt(50_000), (i, j, r)
    again = [view(k.standard_normal(10)) for k in cr.default_rng(12345).spawn(3)]
    assert all(np.array_equal(a, x[:10]) for a, x in zip(again, xs))


def test_jumped_streams_differ(host):
    bg = cr.Philox(77)
    a = view(cr.Generator(bg.jumped()).random(1000))
    b = view(cr.Generator(bg).random(1000))
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.2 and not np.array_equal(a, b)


# -- device-array parameters, through the launcher with host buffers --------------------------------
def _launch(dist, shape, out_dtype, real, params, seed=0):
    from cuarray.random import _kernels as K
    from _rng_host import alloc
    out = alloc(shape, out_dtype)
    K.launch(dist, out, np.dtype(real), params, cr.Philox(seed))
    return view(out)


def test_array_parameter_kinds(host):
    """'a' (one value per element), 'r' (trailing shape, i % m) and 'c' (one value) params."""
    from cuarray.random import _distributions as D
    from _rng_host import fake
    from _rng_cases import check_moments, chi2_pvalue
    from scipy import stats
    rows = 40_000
    loc = fake(np.array([-3.0, 0.0, 5.0]))                       # 'r', m = 3
    scale = fake(np.array([2.0]))                                # 'c'
    x = _launch(D.NORMAL, (rows, 3), np.float64, np.float64,
                [("r", loc, 3), ("c", scale, 0)])
    for j, m in enumerate((-3.0, 0.0, 5.0)):
        check_moments(x[:, j], stats.norm(m, 2.0), j)
    lam = fake(np.tile(np.array([4.0, 60.0]), rows))            # 'a': small and large means
    y = _launch(D.POISSON, (rows, 2), np.int64, np.float64, [("a", lam, 0)])
    assert chi2_pvalue(y[:, 0], stats.poisson(4.0)) > 1e-4
    assert chi2_pvalue(y[:, 1], stats.poisson(60.0)) > 1e-4
    shape = fake(np.array([0.4, 1.0, 3.0], np.float32))
    g = _launch(D.STANDARD_GAMMA, (rows, 3), np.float32, np.float32, [("r", shape, 3)])
    for j, a in enumerate((0.4, 1.0, 3.0)):
        check_moments(g[:, j].astype(np.float64), stats.gamma(a), j)
    lo = fake(np.array([0, -10, 2**40], np.int64))
    hi = fake(np.array([2, 10, 2**40 + 6], np.int64))            # inclusive highs
    z = _launch(D.INTEGERS64, (rows, 3), np.int64, np.float64, [("r", lo, 3), ("r", hi, 3)])
    for j, (a, b) in enumerate(((0, 2), (-10, 10), (2**40, 2**40 + 6))):
        assert z[:, j].min() == a and z[:, j].max() == b
        assert stats.chisquare(np.bincount(z[:, j] - a)).pvalue > 1e-4


def test_prepared_kernel_choice(host):
    """Scalar parameters run the kernels whose setup the host did (cuarray.random._prepare)."""
    g = cr.default_rng(0)
    g.poisson(10.0, size=4)
    g.poisson(9.99, size=4)
    g.binomial(100, 0.5, size=4)
    g.binomial(100, 0.01, size=4)
    g.binomial(0, 0.5, size=4)
    g.gamma(0.5, size=4)
    g.gamma(1.0, size=4)
    g.chisquare(3.0, size=4)
    assert [k[0] for k in host.launched] == [
        "poisson_ptrs", "poisson_inversion", "binomial_btrs", "binomial_inversion",
        "binomial_inversion", "gamma_prepared", "gamma", "gamma_prepared"]


_GENERIC = [
    ("STANDARD_GAMMA", (0.3,), lambda a: stats.gamma(a), False),
    ("STANDARD_GAMMA", (4.5,), lambda a: stats.gamma(a), False),
    ("CHISQUARE", (3.0,), lambda df: stats.chi2(df), False),
    ("POISSON", (0.5,), lambda lam: stats.poisson(lam), True),
    ("POISSON", (7.3,), lambda lam: stats.poisson(lam), True),
    ("POISSON", (250.0,), lambda lam: stats.poisson(lam), True),
    ("BINOMIAL", (20, 0.3), lambda n, p: stats.binom(n, p), True),
    ("BINOMIAL", (1000, 0.005), lambda n, p: stats.binom(n, p), True),
    ("BINOMIAL", (100, 0.93), lambda n, p: stats.binom(n, p), True),
    ("BINOMIAL", (10**6, 0.25), lambda n, p: stats.binom(n, p), True),
]


@pytest.mark.parametrize("name,args,dist,discrete", _GENERIC,
                         ids=[f"{g[0].lower()}{g[1]}" for g in _GENERIC])
def test_generic_kernels_with_scalar_parameters(host, name, args, dist, discrete):
    """The per-element setup (what device-array parameters run) gives the same
    distributions as the host-prepared kernels."""
    from cuarray.random import _distributions as D
    from _rng_cases import chi2_pvalue, check_moments, ks_pvalue
    d = getattr(D, name)
    out_dt = np.int64 if discrete else np.float64
    x = _launch(d, (100_000,), out_dt, np.float64, [("s", a, 0) for a in args], seed=3)
    ref = dist(*args)
    p = chi2_pvalue(x, ref) if discrete else ks_pvalue(x, ref)
    assert p > 1e-4
    check_moments(x, ref)
