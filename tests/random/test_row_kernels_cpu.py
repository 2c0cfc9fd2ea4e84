"""The row kernels (multinomial, multivariate hypergeometric, Dirichlet, inverse-CDF choice)
run on the host (CPU tests): their samples against SciPy's distributions.

The routines around them check arguments on the device, so here the kernels are called
directly with host buffers, the way ``_sampling`` launches them; the GPU tests run the
routines end to end.
"""

import numpy as np
from scipy import stats

import cuarray.random as cr
from cuarray.random import _row_kernels as R
from cuarray.random import _sampling
from _rng_cases import chi2_pvalue, check_moments
from _rng_host import alloc, fake, view


def _kernel(host, name):
    return host.compiler.kernel(R.SOURCES[name](), f"cuarray_random_{name}")


def test_multinomial_kernel(host):
    rows, p = 60_000, np.array([0.15, 0.05, 0.5, 0.3])
    out = alloc((rows, 4), np.int64)
    ns = fake(np.array([25], np.int64))
    pv = fake(p.copy())
    k0, k1, _, _, f_lo, f_hi = cr.Philox(1)._reserve(0, rows)
    _kernel(host, "multinomial").launch_1d(R.grid(rows), R.BLOCK, (
        out._ptr, rows, 4, ns._ptr, 0, pv._ptr, 0, k0, k1, f_lo, f_hi))
    x = view(out)
    assert np.all(x.sum(axis=1) == 25) and np.all(x >= 0)
    for j in range(4):
        assert chi2_pvalue(x[:, j], stats.binom(25, p[j])) > 1e-4, j
    # the conditional structure: X1 given X0 is binomial(25 - X0, p1 / (1 - p0))
    sel = x[:, 0] == 4
    assert chi2_pvalue(x[sel, 1], stats.binom(21, p[1] / (1 - p[0]))) > 1e-4


def test_multinomial_kernel_per_row_parameters(host):
    rows = 40_000
    out = alloc((rows, 2), np.int64)
    ns = fake(np.tile(np.array([3, 900], np.int64), rows // 2))
    pv = fake(np.tile(np.array([[0.5, 0.5], [0.1, 0.9]]), (rows // 2, 1)))
    k0, k1, _, _, f_lo, f_hi = cr.Philox(2)._reserve(0, rows)
    _kernel(host, "multinomial").launch_1d(R.grid(rows), R.BLOCK, (
        out._ptr, rows, 2, ns._ptr, 1, pv._ptr, 2, k0, k1, f_lo, f_hi))
    x = view(out)
    assert chi2_pvalue(x[0::2, 0], stats.binom(3, 0.5)) > 1e-4
    assert chi2_pvalue(x[1::2, 0], stats.binom(900, 0.1)) > 1e-4


def test_mvhg_kernel(host):
    rows, colors = 50_000, np.array([12, 3, 30, 7], np.int64)
    out = alloc((rows, 4), np.int64)
    cols = fake(colors.copy())
    k0, k1, _, _, f_lo, f_hi = cr.Philox(3)._reserve(0, rows)
    _kernel(host, "mvhg").launch_1d(R.grid(rows), R.BLOCK, (
        out._ptr, rows, 4, cols._ptr, int(colors.sum()), 20, k0, k1, f_lo, f_hi))
    x = view(out)
    assert np.all(x.sum(axis=1) == 20) and np.all(x <= colors)
    for j in range(4):
        assert chi2_pvalue(x[:, j], stats.hypergeom(colors.sum(), colors[j], 20)) > 1e-4


def _dirichlet(host, alpha, rows, stick, seed):
    out = alloc((rows, alpha.size), np.float64)
    tail = np.cumsum(alpha[::-1])[::-1].copy()
    a, t = fake(alpha.copy()), fake(tail)
    k0, k1, _, _, f_lo, f_hi = cr.Philox(seed)._reserve(0, rows)
    _kernel(host, "dirichlet").launch_1d(R.grid(rows), R.BLOCK, (
        out._ptr, rows, alpha.size, a._ptr, t._ptr, stick, k0, k1, f_lo, f_hi))
    return view(out)


def test_dirichlet_kernel_gammas(host):
    alpha = np.array([0.7, 1.0, 4.0])
    x = _dirichlet(host, alpha, 60_000, 0, 4)
    assert np.allclose(x.sum(axis=1), 1.0)
    for j in range(3):
        check_moments(x[:, j], stats.beta(alpha[j], alpha.sum() - alpha[j]), j)


def test_dirichlet_kernel_stick_breaking(host):
    """Every alpha below 0.1: the beta stick-breaking path (gammas would give 0/0)."""
    alpha = np.array([0.02, 0.05, 0.08, 0.01])
    x = _dirichlet(host, alpha, 60_000, 1, 5)
    assert np.allclose(x.sum(axis=1), 1.0) and not np.any(np.isnan(x))
    for j in range(4):
        d = stats.beta(alpha[j], alpha.sum() - alpha[j])
        check_moments(x[:, j], d, j)
    zero = _dirichlet(host, np.array([0.05, 0.0, 0.0]), 100, 1, 6)
    assert np.all(zero[:, 0] == 1.0) and np.all(zero[:, 1:] == 0.0)


def test_choice_cdf_kernel(host):
    p = np.array([0.1, 0.0, 0.6, 0.3])
    cdf = np.cumsum(p)
    cdf /= cdf[-1]
    n = 120_001
    out = alloc((n,), np.int64)
    c = fake(cdf)
    k0, k1, s_lo, s_hi, _, _ = cr.Philox(7)._reserve((n + 1) // 2, 0)
    _kernel(host, "choice_cdf").launch_1d(R.grid((n + 1) // 2), R.BLOCK, (
        out._ptr, n, k0, k1, s_lo, s_hi, c._ptr, 4))
    x = view(out)
    counts = np.bincount(x, minlength=4)
    assert counts[1] == 0 and x.max() <= 3
    keep = p > 0
    assert stats.chisquare(counts[keep], p[keep] * n).pvalue > 1e-4


def test_choice_without_replacement_on_host(host):
    x = view(cr.default_rng(8).choice(100, size=100, replace=False))
    assert sorted(x.tolist()) == list(range(100))
    y = view(cr.default_rng(8).choice(10**12, size=(3, 4), replace=False))
    assert y.shape == (3, 4) and len(set(y.ravel().tolist())) == 12 and y.max() < 10**12
    z = view(cr.default_rng(8).choice(10, size=50_000))
    assert stats.chisquare(np.bincount(z, minlength=10)).pvalue > 1e-4
    assert view(_sampling.permutation(cr.Philox(1), 5)).shape == (5,)
