"""The legacy API on the GPU: RandomState, the module functions and the per-device state.

Seeding and reproducibility of the module functions, get/set_state, set_random_state, the
simple random data functions (rand, randn, randint, random_integers, random_sample and its
aliases, tomaxint, bytes), permutations, the legacy distributions' statistics and CuPy's
dtype= extension, and shapes/dtypes against NumPy's.
"""

import math

import numpy as np
import pytest
from scipy import stats

import cuarray
import cuarray.random as cr
from _rng_cases import CONTINUOUS, DISCRETE, check_case, ks_pvalue

pytestmark = pytest.mark.gpu


def test_module_seed_reproducible():
    cr.seed(123)
    a = cr.standard_normal(1000).get()
    cr.seed(123)
    b = cr.standard_normal(1000).get()
    assert np.array_equal(a, b)
    cr.seed(124)
    assert not np.array_equal(cr.standard_normal(1000).get(), a)


def test_get_set_state():
    cr.seed(5)
    st = cr.get_state()
    a = cr.random_sample(100).get()
    cr.set_state(st)
    assert np.array_equal(cr.random_sample(100).get(), a)
    rs = cr.RandomState(5)
    assert np.array_equal(rs.random_sample(100).get(), a)


def test_set_random_state():
    old = cr.get_random_state()
    try:
        rs = cr.RandomState(9)
        cr.set_random_state(rs)
        assert cr.get_random_state() is rs
        x = cr.rand(10).get()
        assert np.array_equal(x, cr.RandomState(9).rand(10).get())
        bg = cr.Philox(4)
        cr.set_bit_generator(bg)
        assert cr.get_bit_generator() is bg
    finally:
        cr.set_random_state(old)


def test_per_device_state():
    rs = cr.get_random_state()
    assert cr.get_random_state() is rs
    if cuarray.cuda.runtime.getDeviceCount() > 1:
        with cuarray.cuda.Device(1):
            assert cr.get_random_state() is not rs


@pytest.mark.parametrize("fn,args,shape", [
    ("rand", (), ()), ("rand", (3,), (3,)), ("rand", (2, 3), (2, 3)),
    ("randn", (), ()), ("randn", (4, 1), (4, 1)),
    ("random_sample", ((2, 2),), (2, 2)), ("random", (5,), (5,)), ("ranf", (3,), (3,)),
    ("sample", (3,), (3,)), ("randint", (5, None, (7,)), (7,)),
])
def test_simple_random_data_shapes_match_numpy(fn, args, shape):
    ours = getattr(cr, fn)(*args)
    theirs = getattr(np.random, fn)(*args)
    assert ours.shape == np.shape(theirs) == shape
    assert ours.dtype == np.asarray(theirs).dtype


def test_rand_randn_values():
    x = cr.RandomState(1).rand(200_000).get()
    assert x.min() >= 0 and x.max() < 1 and ks_pvalue(x, stats.uniform()) > 1e-4
    y = cr.RandomState(1).randn(200_000).get()
    assert ks_pvalue(y, stats.norm()) > 1e-4


def test_randint_and_random_integers():
    x = cr.RandomState(2).randint(-3, 4, size=70_000).get()
    assert x.dtype == np.int64 and x.min() == -3 and x.max() == 3
    assert stats.chisquare(np.bincount(x + 3)).pvalue > 1e-4
    b = cr.RandomState(2).randint(2, size=100, dtype=bool)
    assert b.dtype == np.bool_
    t = cr.RandomState(2).tomaxint(1000).get()
    assert t.dtype == np.int64 and t.min() >= 0
    with pytest.warns(DeprecationWarning):
        y = cr.RandomState(2).random_integers(1, 6, size=60_000).get()
    assert y.min() == 1 and y.max() == 6


def test_cupy_dtype_extension():
    """CuPy's dtype= on the legacy functions: float32 results made in float32."""
    x = cr.standard_normal(2**20, dtype=np.float32)
    assert x.dtype == np.float32
    assert ks_pvalue(x.get(), stats.norm()) > 1e-4
    for fn, args in (("normal", (1.0, 2.0)), ("uniform", ()), ("gamma", (2.0,)),
                     ("exponential", ()), ("beta", (2.0, 3.0)), ("rand", ())):
        kw = {"dtype": np.float32}
        r = getattr(cr, fn)(*args, **kw) if fn == "rand" else getattr(cr, fn)(*args, size=10, **kw)
        assert r.dtype == np.float32, fn
    with pytest.raises(TypeError):
        cr.normal(size=3, dtype=np.int32)


_LEGACY_CASES = [c for c in CONTINUOUS + DISCRETE
                 if c.method not in ("random", "integers") and c.dtype is None]


@pytest.mark.parametrize("case", _LEGACY_CASES, ids=repr)
def test_legacy_distribution(case):
    rs = cr.RandomState(31)
    x = getattr(rs, case.method)(*case.args, size=500_000)
    assert x.dtype == (np.int64 if case.discrete else np.float64)
    check_case(case, x.get())


def test_legacy_permutations_and_choice():
    rs = cr.RandomState(3)
    p = rs.permutation(50).get()
    assert sorted(p.tolist()) == list(range(50))
    x = cuarray.arange(20)
    rs.shuffle(x)
    assert sorted(x.get().tolist()) == list(range(20))
    c = rs.choice(10, size=5, replace=False).get()
    assert len(set(c.tolist())) == 5
    with pytest.raises(ValueError, match="a must be 1-dimensional"):
        rs.choice(cuarray.zeros((2, 2)))
    assert len(rs.bytes(7)) == 7


def test_legacy_uniform_allows_reversed_bounds():
    x = cr.RandomState(0).uniform(2.0, 1.0, size=1000).get()
    assert np.all((x > 1.0) & (x <= 2.0))


def test_legacy_multivariate():
    rs = cr.RandomState(4)
    m = rs.multinomial(10, cuarray.asarray(np.array([0.3, 0.7])), size=1000).get()
    assert np.all(m.sum(axis=1) == 10)
    d = rs.dirichlet(cuarray.asarray(np.array([1.0, 2.0])), size=1000).get()
    assert np.allclose(d.sum(axis=1), 1)
    mv = rs.multivariate_normal(cuarray.asarray(np.zeros(2)), cuarray.asarray(np.eye(2)),
                                size=100_000).get()
    assert np.allclose(np.cov(mv.T), np.eye(2), atol=0.02)
    assert abs(np.corrcoef(mv.T)[0, 1]) < 6 / math.sqrt(1e5)
