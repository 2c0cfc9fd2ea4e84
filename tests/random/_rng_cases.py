"""Distribution cases and goodness-of-fit helpers shared by the CPU (host-run kernels) and
GPU statistical tests.

Each case names a sampling method, its scalar parameters, the SciPy distribution the
samples must follow, and what to test: a Kolmogorov-Smirnov test for continuous
distributions, a chi-square test on binned counts for discrete ones, and the first two
moments (within 6 standard errors, estimated from the samples) where they exist.  Every
test uses a fixed seed; the thresholds are p > 1e-4, so a correct sampler fails one test in
ten thousand.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

ALPHA = 1e-4


class Case:
    """``method(*args)``; ``dist`` a frozen SciPy distribution; ``moments`` whether the
    mean and variance exist (finite fourth moment for the variance check)."""

    def __init__(self, method, args, dist, discrete=False, moments=True, dtype=None, label=None,
                 transform=None, binned=False):
        self.method, self.args, self.dist = method, tuple(args), dist
        self.discrete, self.moments, self.dtype = discrete, moments, dtype
        self.transform, self.binned = transform, binned
        self.label = label or f"{method}{self.args}" + (f"-{dtype}" if dtype else "")

    def __repr__(self):
        return self.label


def _c(method, args, dist, **kw):
    return Case(method, args, dist, **kw)


def _unwrap(mu):
    """vonmises samples lie in [-pi, pi]; SciPy's distribution in [mu - pi, mu + pi]."""
    def f(x):
        assert np.all(np.abs(x) <= math.pi), "vonmises samples outside [-pi, pi]"
        return np.mod(x - mu + math.pi, 2 * math.pi) - math.pi + mu
    return f


S = stats
CONTINUOUS = [
    _c("random", (), S.uniform()),
    _c("random", (), S.uniform(), dtype="float32"),
    _c("uniform", (-2.0, 3.0), S.uniform(-2.0, 5.0)),
    _c("standard_normal", (), S.norm()),
    _c("standard_normal", (), S.norm(), dtype="float32"),
    _c("normal", (1.5, 2.5), S.norm(1.5, 2.5)),
    _c("lognormal", (0.3, 0.7), S.lognorm(0.7, scale=math.exp(0.3))),
    _c("standard_exponential", (), S.expon()),
    _c("standard_exponential", (), S.expon(), dtype="float32"),
    _c("exponential", (3.0,), S.expon(scale=3.0)),
    _c("standard_gamma", (0.3,), S.gamma(0.3)),
    _c("standard_gamma", (1.0,), S.gamma(1.0)),
    _c("standard_gamma", (4.5,), S.gamma(4.5)),
    _c("standard_gamma", (0.3,), S.gamma(0.3), dtype="float32"),
    _c("standard_gamma", (4.5,), S.gamma(4.5), dtype="float32"),
    _c("gamma", (2.0, 3.0), S.gamma(2.0, scale=3.0)),
    _c("gamma", (1e4, 1.0), S.gamma(1e4)),
    _c("beta", (0.5, 0.7), S.beta(0.5, 0.7)),
    # a third of the samples round to exactly 1.0: binned, not KS (a continuous-data test)
    _c("beta", (0.05, 0.02), S.beta(0.05, 0.02), binned=True),
    _c("beta", (2.0, 5.0), S.beta(2.0, 5.0)),
    _c("beta", (0.4, 3.0), S.beta(0.4, 3.0)),
    _c("chisquare", (3.0,), S.chi2(3.0)),
    _c("chisquare", (0.5,), S.chi2(0.5)),
    _c("noncentral_chisquare", (3.0, 2.0), S.ncx2(3.0, 2.0)),
    _c("noncentral_chisquare", (0.7, 4.0), S.ncx2(0.7, 4.0)),
    _c("noncentral_chisquare", (2.0, 0.0), S.chi2(2.0)),
    _c("f", (5.0, 12.0), S.f(5.0, 12.0)),
    _c("noncentral_f", (3.0, 20.0, 3.0), S.ncf(3.0, 20.0, 3.0)),
    _c("standard_t", (3.5,), S.t(3.5), moments=False),
    _c("standard_t", (30.0,), S.t(30.0)),
    _c("standard_cauchy", (), S.cauchy(), moments=False),
    _c("logistic", (1.0, 2.0), S.logistic(1.0, 2.0)),
    _c("gumbel", (0.5, 1.5), S.gumbel_r(0.5, 1.5)),
    _c("laplace", (-1.0, 0.5), S.laplace(-1.0, 0.5)),
    _c("pareto", (3.0,), S.lomax(3.0), moments=False),
    _c("pareto", (10.0,), S.lomax(10.0)),
    _c("power", (2.5,), S.powerlaw(2.5)),
    _c("power", (0.3,), S.powerlaw(0.3)),
    _c("rayleigh", (2.0,), S.rayleigh(scale=2.0)),
    _c("triangular", (-1.0, 0.5, 3.0), S.triang(1.5 / 4.0, loc=-1.0, scale=4.0)),
    _c("triangular", (0.0, 0.0, 2.0), S.triang(0.0, loc=0.0, scale=2.0)),
    _c("vonmises", (0.5, 2.0), S.vonmises(2.0, loc=0.5), transform=_unwrap(0.5)),
    _c("vonmises", (-2.5, 50.0), S.vonmises(50.0, loc=-2.5), transform=_unwrap(-2.5)),
    _c("vonmises", (1.0, 1e-6), S.vonmises(1e-6, loc=1.0), transform=_unwrap(1.0)),
    _c("vonmises", (0.0, 1e-9), S.uniform(-math.pi, 2 * math.pi)),
    _c("vonmises", (0.3, 1e7), S.vonmises(1e7, loc=0.3), transform=_unwrap(0.3)),
    _c("wald", (2.0, 3.0), S.invgauss(2.0 / 3.0, scale=3.0)),
    _c("wald", (0.5, 50.0), S.invgauss(0.5 / 50.0, scale=50.0)),
    _c("weibull", (1.7,), S.weibull_min(1.7)),
    _c("weibull", (0.4,), S.weibull_min(0.4)),
]

DISCRETE = [
    _c("integers", (0, 10), S.randint(0, 10), discrete=True),
    _c("integers", (-7, 1000003), S.randint(-7, 1000003), discrete=True),
    _c("poisson", (0.5,), S.poisson(0.5), discrete=True),
    _c("poisson", (7.3,), S.poisson(7.3), discrete=True),
    _c("poisson", (10.0,), S.poisson(10.0), discrete=True),
    _c("poisson", (250.0,), S.poisson(250.0), discrete=True),
    _c("poisson", (1e7,), S.poisson(1e7), discrete=True),
    _c("binomial", (20, 0.3), S.binom(20, 0.3), discrete=True),
    _c("binomial", (1000, 0.005), S.binom(1000, 0.005), discrete=True),
    _c("binomial", (100, 0.4), S.binom(100, 0.4), discrete=True),
    _c("binomial", (100, 0.93), S.binom(100, 0.93), discrete=True),
    _c("binomial", (10**6, 0.25), S.binom(10**6, 0.25), discrete=True),
    _c("negative_binomial", (3.5, 0.4), S.nbinom(3.5, 0.4), discrete=True),
    _c("negative_binomial", (20.0, 0.05), S.nbinom(20.0, 0.05), discrete=True),
    _c("geometric", (0.35,), S.geom(0.35), discrete=True),
    _c("geometric", (0.003,), S.geom(0.003), discrete=True),
    _c("hypergeometric", (7, 12, 5), S.hypergeom(19, 7, 5), discrete=True),
    _c("hypergeometric", (60, 40, 90), S.hypergeom(100, 60, 90), discrete=True),
    _c("hypergeometric", (400, 600, 300), S.hypergeom(1000, 400, 300), discrete=True),
    _c("hypergeometric", (5000, 30, 2000), S.hypergeom(5030, 5000, 2000), discrete=True),
    _c("logseries", (0.6,), S.logser(0.6), discrete=True),
    _c("logseries", (0.97,), S.logser(0.97), discrete=True, moments=False),
    _c("zipf", (2.5,), S.zipf(2.5), discrete=True, moments=False),
    _c("zipf", (6.0,), S.zipf(6.0), discrete=True),
]

ALL = CONTINUOUS + DISCRETE


def ks_pvalue(x, dist) -> float:
    return float(stats.kstest(np.asarray(x, np.float64), dist.cdf).pvalue)


def binned_pvalue(x, dist, bins=40) -> float:
    """Chi-square test of continuous samples in bins between quantiles of ``dist`` (for
    samples that pile up on values where floating point runs out of resolution).

    Edges closer to a finite end of the support than 1e-9 are dropped: there the spacing of
    doubles is comparable to the distance to the end, and rounding moves samples across
    edges.  Bin masses above the median come from the survival function, which keeps its
    precision where the CDF is close to 1."""
    lo, hi = dist.support()
    edges = np.unique(dist.ppf(np.linspace(0, 1, bins + 1)[1:-1]))
    keep = np.ones(edges.size, bool)
    if np.isfinite(hi):
        keep &= (hi - edges) > 1e-9 * max(1.0, abs(hi))
    if np.isfinite(lo):
        keep &= (edges - lo) > 0
    edges = edges[keep]
    idx = np.searchsorted(edges, np.asarray(x, np.float64), side="left")
    obs = np.bincount(idx, minlength=edges.size + 1).astype(np.float64)
    med = dist.median()
    cdf = np.concatenate([[0.0], dist.cdf(edges), [1.0]])
    sf = np.concatenate([[1.0], dist.sf(edges), [0.0]])
    right = np.concatenate([edges, [np.inf]]) > med
    exp = np.where(right, sf[:-1] - sf[1:], cdf[1:] - cdf[:-1]) * obs.sum()
    keep = exp > 0
    return float(stats.chisquare(obs[keep], exp[keep] * obs[keep].sum() / exp[keep].sum()).pvalue)


def chi2_pvalue(x, dist, min_expected=20.0) -> float:
    """Chi-square test of integer samples against ``dist``: one bin per value where the
    expected count is large; the tails beyond the 1e-7 quantiles and sparse runs merged into
    bins of at least ``min_expected``."""
    x = np.asarray(x, np.int64)
    n = x.size
    lo, hi = int(dist.ppf(1e-7)), int(dist.ppf(1 - 1e-7))
    if hi - lo > 4_000_000:
        raise ValueError("support too wide for binning")
    ks = np.arange(lo, hi + 1)
    counts = np.bincount(np.clip(x, lo, hi) - lo, minlength=ks.size).astype(np.float64)
    probs = dist.pmf(ks)
    probs[0] += dist.cdf(lo - 1)
    probs[-1] += dist.sf(hi)
    obs, exp = [], []
    o_acc = e_acc = 0.0
    for o, p in zip(counts, probs * n):
        o_acc += o
        e_acc += p
        if e_acc >= min_expected:
            obs.append(o_acc)
            exp.append(e_acc)
            o_acc = e_acc = 0.0
    if exp:
        obs[-1] += o_acc
        exp[-1] += e_acc
    obs, exp = np.array(obs), np.array(exp)
    if obs.size < 2:
        return 1.0
    exp *= obs.sum() / exp.sum()
    return float(stats.chisquare(obs, exp).pvalue)


def check_moments(x, dist, label="") -> None:
    """Sample mean and variance within 6 standard errors of the distribution's."""
    x = np.asarray(x, np.float64)
    n = x.size
    mean, var = float(dist.mean()), float(dist.var())
    se_mean = math.sqrt(var / n)
    assert abs(x.mean() - mean) <= 6 * se_mean + 1e-12 * abs(mean), (label, x.mean(), mean)
    # the variance's standard error from the sample's fourth central moment
    m4 = float(np.mean((x - x.mean()) ** 4))
    se_var = math.sqrt(max(m4 - var * var, 0.0) / n)
    assert abs(x.var() - var) <= 6 * se_var + 1e-9 * var, (label, x.var(), var)


def check_case(case: Case, x) -> None:
    """Every test of one case on its samples ``x`` (a NumPy array)."""
    x = np.asarray(x)
    assert np.all(np.isfinite(x)), case
    if case.transform is not None:
        x = case.transform(x)
    if case.discrete:
        p = chi2_pvalue(x, case.dist)
    elif case.binned:
        p = binned_pvalue(x, case.dist)
    else:
        p = ks_pvalue(x, case.dist)
    assert p > ALPHA, (case, p)
    if case.moments:
        check_moments(x, case.dist, repr(case))


def call(rng, case: Case, size):
    kw = {"dtype": case.dtype} if case.dtype else {}
    return getattr(rng, case.method)(*case.args, size=size, **kw)
