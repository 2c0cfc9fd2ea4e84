"""Sampling routines on the GPU: choice, permutations, multinomial, multivariate
hypergeometric, Dirichlet and multivariate normal (Generator and RandomState).

Correctness of the sets drawn (permutations are permutations, no repeats without
replacement, elements of ``a``), their distributions (uniform positions, frequencies in
proportion to p, marginals of the multivariate samplers against SciPy), shapes and axes
against NumPy's, and the argument errors NumPy raises.
"""

import itertools
import math
import warnings

import numpy as np
import pytest
from scipy import stats

import cuarray
import cuarray.random as cr
from _rng_cases import chi2_pvalue, check_moments

pytestmark = pytest.mark.gpu


def dev(x, dtype=None):
    return cuarray.asarray(np.asarray(x, dtype=dtype))


# -- permutations ----------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 2, 7, 1000, 100_003])
def test_permutation_of_int(n):
    p = cr.default_rng(n).permutation(n)
    assert p.dtype == np.int64 and p.shape == (max(n, 0),)
    assert np.array_equal(np.sort(p.get()), np.arange(n))


def test_permutation_positions_uniform():
    rows = np.stack([cr.default_rng(s).permutation(10).get() for s in range(3000)])
    counts = np.zeros((10, 10))
    for r in rows:
        counts[np.arange(10), r] += 1
    assert stats.chisquare(counts.ravel()).pvalue > 1e-4


def _parity(p) -> int:
    seen, odd = np.zeros(len(p), bool), 0
    for i in range(len(p)):
        j, length = i, 0
        while not seen[j]:
            seen[j], j, length = True, p[j], length + 1
        odd ^= max(length - 1, 0) & 1
    return odd


@pytest.mark.parametrize("n", [16, 100])
def test_permutation_parity(n):
    """Half of all permutations are odd (a Feistel-network permutation of 16 never is)."""
    odd = sum(_parity(cr.default_rng(s).permutation(n).get()) for s in range(1000))
    assert stats.binomtest(odd, 1000).pvalue > 1e-4


def test_permuted_rows_parity():
    x = cuarray.asarray(np.tile(np.arange(16), (2000, 1)))
    rows = cr.default_rng(9).permuted(x, axis=1).get()
    assert stats.binomtest(sum(_parity(r) for r in rows), len(rows)).pvalue > 1e-4


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_permutation_of_array_along_axis(axis):
    a = np.arange(24).reshape(4, 6)
    p = cr.default_rng(1).permutation(dev(a), axis=axis).get()
    assert p.shape == a.shape
    ax = axis % 2
    moved = sorted(tuple(r) for r in np.moveaxis(p, ax, 0))
    assert moved == sorted(tuple(r) for r in np.moveaxis(a, ax, 0))
    assert not np.array_equal(p, a)


def test_shuffle_in_place():
    x = dev(np.arange(1000.0))
    view = x[::2]
    cr.default_rng(2).shuffle(view)
    h = x.get()
    assert np.array_equal(h[1::2], np.arange(1, 1000, 2))        # untouched
    assert np.array_equal(np.sort(h[::2]), np.arange(0, 1000, 2.0))
    assert not np.array_equal(h[::2], np.arange(0, 1000, 2.0))
    m = dev(np.arange(12).reshape(3, 4))
    cr.default_rng(3).shuffle(m, axis=1)
    mh = m.get()
    assert sorted(map(tuple, mh.T)) == sorted(map(tuple, np.arange(12).reshape(3, 4).T))


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_permuted(axis):
    a = np.arange(5 * 400).reshape(5, 400)
    p = cr.default_rng(4).permuted(dev(a), axis=axis).get()
    assert p.shape == a.shape
    if axis is None:
        assert np.array_equal(np.sort(p.ravel()), a.ravel())
    else:
        assert np.array_equal(np.sort(p, axis=axis), np.sort(a, axis=axis))
    if axis == 1:   # rows are shuffled independently
        assert not np.array_equal(np.argsort(p[0]), np.argsort(p[1]))
    out = cuarray.empty_like(dev(a))
    r = cr.default_rng(4).permuted(dev(a), axis=axis, out=out)
    assert r is out and np.array_equal(out.get(), p)


def test_permutation_errors_match_numpy():
    calls = (lambda m, g: g.permuted(m.zeros(3), out=m.zeros(4)),
             lambda m, g: g.shuffle(m.zeros(3), axis=1),
             lambda m, g: g.permutation(m.zeros(())))
    for fn in calls:
        got = []
        for mod, g in ((np, np.random.default_rng(0)), (cuarray, cr.default_rng(0))):
            try:
                fn(mod, g)
                got.append(None)
            except Exception as e:      # noqa: BLE001 - the outcome is compared
                got.append(type(e).__name__)
        assert got[0] == got[1] and got[0] is not None


# -- choice ------------------------------------------------------------------------------------------
def test_choice_with_replacement_uniform():
    x = cr.default_rng(5).choice(7, size=140_000).get()
    assert x.min() >= 0 and x.max() <= 6
    assert stats.chisquare(np.bincount(x, minlength=7)).pvalue > 1e-4


def test_choice_with_p():
    p = np.array([0.1, 0.0, 0.25, 0.4, 0.25])
    x = cr.default_rng(6).choice(5, size=200_000, p=dev(p)).get()
    counts = np.bincount(x, minlength=5)
    assert counts[1] == 0
    keep = p > 0
    assert stats.chisquare(counts[keep], p[keep] * x.size).pvalue > 1e-4
    y = cr.default_rng(6).choice(5, size=(3, 4), p=dev(p, np.float32))
    assert y.shape == (3, 4) and y.dtype == np.int64


@pytest.mark.parametrize("n,k", [(10, 10), (1000, 7), (10**9, 5), (50, 0)])
def test_choice_without_replacement(n, k):
    x = cr.default_rng(7).choice(n, size=k, replace=False).get()
    assert x.shape == (k,) and len(set(x.tolist())) == k
    assert np.all((x >= 0) & (x < n))


def test_choice_without_replacement_is_uniform():
    first = np.array([cr.default_rng(s).choice(6, 3, replace=False).get() for s in range(6000)])
    sets = {c: i for i, c in enumerate(itertools.permutations(range(6), 3))}
    counts = np.bincount([sets[tuple(r)] for r in first.tolist()], minlength=len(sets))
    assert stats.chisquare(counts).pvalue > 1e-4


def test_choice_of_few_from_many_is_uniform():
    """k small against a large n (the sparse path: distinct draws, ordered by random
    keys): each position uniform, the order of two positions a fair coin."""
    n, k = 1 << 20, 4
    x = np.stack([cr.default_rng(s).choice(n, k, replace=False).get() for s in range(4000)])
    assert all(len(set(r)) == k for r in x.tolist()) and x.min() >= 0 and x.max() < n
    for j in range(k):
        assert stats.chisquare(np.bincount(x[:, j] >> 14, minlength=64)).pvalue > 1e-4
    assert stats.binomtest(int(np.sum(x[:, 0] < x[:, 1])), len(x)).pvalue > 1e-4


def test_choice_weighted_without_replacement():
    """The first draw follows p; the second follows p renormalised without the first (the
    distribution of NumPy's sequential draws)."""
    p = np.array([0.5, 0.3, 0.15, 0.05])
    draws = np.array([cr.default_rng(s).choice(4, 2, replace=False, p=dev(p)).get()
                      for s in range(8000)])
    assert np.all(draws[:, 0] != draws[:, 1])
    first = np.bincount(draws[:, 0], minlength=4)
    assert stats.chisquare(first, p * len(draws)).pvalue > 1e-4
    pairs = np.zeros((4, 4))
    for a, b in draws:
        pairs[a, b] += 1
    exp = np.array([[0 if i == j else p[i] * p[j] / (1 - p[i]) for j in range(4)]
                    for i in range(4)]) * len(draws)
    m = exp > 0
    assert stats.chisquare(pairs[m], exp[m]).pvalue > 1e-4


def test_choice_from_array_and_axis():
    a = np.arange(24).reshape(4, 6)
    x = cr.default_rng(8).choice(dev(a), size=5).get()
    assert x.shape == (5, 6) and all(tuple(r) in set(map(tuple, a)) for r in x)
    y = cr.default_rng(8).choice(dev(a), size=(2, 2), axis=1).get()
    assert y.shape == (4, 2, 2)
    z = cr.default_rng(8).choice(dev(a), axis=1)
    assert z.shape == (4,)
    w = cr.default_rng(8).choice(dev(np.array([0.5, 1.5])), size=3)
    assert w.dtype == np.float64 and set(w.get().tolist()) <= {0.5, 1.5}
    s = cr.default_rng(8).choice(5)
    assert s.shape == () and 0 <= int(s) < 5


@pytest.mark.parametrize("kw", [
    {"a": 3, "p": [0.2, 0.2, 0.2]}, {"a": 3, "p": [-0.2, 0.6, 0.6]}, {"a": 3, "p": [0.5, 0.5]},
    {"a": 3, "p": [np.nan, 0.5, 0.5]}, {"a": 3, "p": [[0.5, 0.5]]},
    {"a": 3, "size": 3, "replace": False, "p": [0.5, 0.5, 0.0]},
    {"a": np.array([]), "size": 2}, {"a": np.arange(3), "axis": 1},
])
@pytest.mark.parametrize("api", ["generator", "legacy"])
def test_choice_errors_match_numpy(kw, api):
    def run(mod, g):
        k = {key: (mod.asarray(np.asarray(v)) if key in ("p", "a") and not isinstance(v, int)
                   else v) for key, v in kw.items()}
        if api == "legacy":
            k.pop("axis", None)
        try:
            g.choice(**k)
        except Exception as e:      # noqa: BLE001
            return type(e).__name__, str(e)
        return None
    if api == "legacy":
        ours, theirs = run(cuarray, cr.RandomState(0)), run(np, np.random.RandomState(0))
    else:
        ours, theirs = run(cuarray, cr.default_rng(0)), run(np, np.random.default_rng(0))
    assert ours == theirs


# -- multinomial, multivariate hypergeometric, dirichlet -------------------------------------------
def test_multinomial_marginals():
    p = np.array([0.2, 0.5, 0.3])
    x = cr.default_rng(9).multinomial(40, dev(p), size=100_000).get()
    assert x.shape == (100_000, 3) and np.all(x.sum(axis=1) == 40)
    for j in range(3):
        assert chi2_pvalue(x[:, j], stats.binom(40, p[j])) > 1e-4
    cov = np.cov(x[:, 0], x[:, 1])[0, 1]
    assert abs(cov + 40 * p[0] * p[1]) < 0.2          # -n p0 p1 = -4, standard error 0.03


def test_multinomial_shapes_and_arrays():
    pv = dev([[0.2, 0.8], [0.5, 0.5]])
    assert cr.default_rng(0).multinomial(5, pv).shape == (2, 2)
    assert cr.default_rng(0).multinomial(5, pv, size=(3, 2)).shape == (3, 2, 2)
    n = dev([5, 1000])
    x = cr.default_rng(0).multinomial(n, dev([0.1, 0.9]), size=(50_000, 2)).get()
    assert np.all(x.sum(axis=-1) == [5, 1000])
    check_moments(x[:, 1, 0], stats.binom(1000, 0.1))
    big = cr.default_rng(0).multinomial(10**9, dev([0.25, 0.25, 0.5]), size=1000).get()
    assert np.all(big.sum(axis=1) == 10**9)


@pytest.mark.parametrize("n,pvals", [(10, [0.7, 0.6, 0.1]), (-1, [0.2, 0.8]),
                                     (-1, [0.7, 0.6, 0.1]), (-1, [1.7, 0.1]),
                                     (5, [[0.7, 0.6, 0.1], [0.2, 0.2, 0.6]]), (5, 0.5), (5, [])])
def test_multinomial_errors_match_numpy(n, pvals):
    def run(mod, g):
        try:
            g.multinomial(n, mod.asarray(np.asarray(pvals, dtype=float)))
        except ValueError as e:
            return str(e)
    assert run(cuarray, cr.default_rng(0)) == run(np, np.random.default_rng(0))


def test_multivariate_hypergeometric():
    colors = np.array([10, 5, 20, 1])
    x = cr.default_rng(10).multivariate_hypergeometric(dev(colors), 12, size=80_000).get()
    assert x.shape == (80_000, 4) and np.all(x.sum(axis=1) == 12)
    assert np.all(x <= colors)
    for j in range(4):
        d = stats.hypergeom(colors.sum(), colors[j], 12)
        assert chi2_pvalue(x[:, j], d) > 1e-4
    y = cr.default_rng(10).multivariate_hypergeometric(dev(colors), 36, method="count")
    assert np.array_equal(y.get(), colors)             # every ball drawn


def test_dirichlet():
    alpha = np.array([0.5, 2.0, 3.5])
    x = cr.default_rng(11).dirichlet(dev(alpha), size=100_000).get()
    assert x.shape == (100_000, 3)
    assert np.allclose(x.sum(axis=1), 1.0)
    for j in range(3):
        d = stats.beta(alpha[j], alpha.sum() - alpha[j])
        check_moments(x[:, j], d, j)
    small = cr.default_rng(11).dirichlet(dev([0.01, 0.02, 0.05]), size=50_000).get()
    assert np.allclose(small.sum(axis=1), 1.0) and not np.any(np.isnan(small))
    a = np.array([0.01, 0.02, 0.05])
    check_moments(small[:, 2], stats.beta(a[2], a.sum() - a[2]))
    with pytest.raises(ValueError, match="alpha < 0"):
        cr.default_rng(0).dirichlet(dev([1.0, -1.0]))
    with pytest.raises(ValueError, match="alpha <= 0"):
        cr.RandomState(0).dirichlet(dev([1.0, 0.0]))


@pytest.mark.parametrize("method", ["svd", "eigh", "cholesky"])
def test_multivariate_normal(method):
    mean = np.array([1.0, -2.0, 0.5])
    cov = np.array([[2.0, 0.3, -0.4], [0.3, 1.0, 0.2], [-0.4, 0.2, 0.5]])
    x = cr.default_rng(12).multivariate_normal(dev(mean), dev(cov), size=200_000,
                                               method=method).get()
    assert x.shape == (200_000, 3)
    assert np.allclose(x.mean(axis=0), mean, atol=6 * math.sqrt(2.0 / 2e5))
    assert np.allclose(np.cov(x.T), cov, atol=0.03)
    assert cr.default_rng(0).multivariate_normal(dev(mean), dev(cov)).shape == (3,)


def test_multivariate_normal_checks():
    bad = dev([[1.0, 2.0], [2.0, 1.0]])
    with pytest.warns(RuntimeWarning, match="positive-semidefinite"):
        cr.default_rng(0).multivariate_normal(dev([0.0, 0.0]), bad)
    with pytest.raises(ValueError, match="positive-semidefinite"):
        cr.default_rng(0).multivariate_normal(dev([0.0, 0.0]), bad, check_valid="raise")
    with pytest.raises(ValueError, match="mean and cov must have same length"):
        cr.default_rng(0).multivariate_normal(dev([0.0, 0.0, 0.0]), dev(np.eye(2)))
    with pytest.raises(ValueError, match="cov must be 2 dimensional and square"):
        cr.default_rng(0).multivariate_normal(dev([0.0]), dev([1.0]))
    with pytest.raises(np.linalg.LinAlgError):
        cr.default_rng(0).multivariate_normal(dev([0.0, 0.0]), bad, method="cholesky")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cr.default_rng(0).multivariate_normal(dev([0.0, 0.0]), bad, check_valid="ignore")
