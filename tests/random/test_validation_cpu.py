"""Argument validation against NumPy's, without a GPU (CPU tests).

Every distribution of Generator and RandomState with each of its parameters set to values
at and beyond the edges of its range (negative, zero, one, NaN, infinities, huge): where
NumPy raises, cuarray raises the same exception with the same message before anything is
allocated; where NumPy accepts, the kernel runs (on the host: ``conftest.host``).  Then the
bounds of integers/randint, size, dtype and out= arguments, and host arrays (refused).
"""

import math
import warnings

import numpy as np
import pytest

import cuarray.random as cr
from _rng_host import alloc, fake, view

from cuarray._core.ndarray import ndarray

VALID = {
    "normal": dict(loc=0.0, scale=1.0), "uniform": dict(low=0.0, high=1.0),
    "exponential": dict(scale=1.0), "standard_gamma": dict(shape=1.0),
    "gamma": dict(shape=1.0, scale=1.0), "beta": dict(a=1.0, b=1.0), "chisquare": dict(df=1.0),
    "noncentral_chisquare": dict(df=1.0, nonc=1.0), "f": dict(dfnum=1.0, dfden=1.0),
    "noncentral_f": dict(dfnum=1.0, dfden=1.0, nonc=1.0), "standard_t": dict(df=1.0),
    "lognormal": dict(mean=0.0, sigma=1.0), "logistic": dict(loc=0.0, scale=1.0),
    "gumbel": dict(loc=0.0, scale=1.0), "laplace": dict(loc=0.0, scale=1.0),
    "pareto": dict(a=1.0), "power": dict(a=1.0), "rayleigh": dict(scale=1.0),
    "triangular": dict(left=0.0, mode=0.5, right=1.0), "vonmises": dict(mu=0.0, kappa=1.0),
    "wald": dict(mean=1.0, scale=1.0), "weibull": dict(a=1.0), "zipf": dict(a=2.0),
    "binomial": dict(n=5, p=0.5), "negative_binomial": dict(n=5.0, p=0.5),
    "poisson": dict(lam=1.0), "geometric": dict(p=0.5),
    "hypergeometric": dict(ngood=5, nbad=5, nsample=3), "logseries": dict(p=0.5),
}
_INT_PARAMS = {("binomial", "n"), ("hypergeometric", "ngood"), ("hypergeometric", "nbad"),
               ("hypergeometric", "nsample")}
VALUES = [-1.0, -0.0, 0.0, 0.5, 1.0, 2.0, math.nan, math.inf, -math.inf, 1e300]
# NumPy's legacy samplers loop for ever on these (cuarray's return)
_NUMPY_HANGS = {("legacy", "zipf", "a", math.inf), ("legacy", "vonmises", "kappa", math.inf),
                ("legacy", "vonmises", "kappa", 1e300)}
# values accepted by both whose samplers take (in NumPy's algorithms too) a very long time
_SLOW = {("zipf", "a", 1e300)}


def _cases():
    for api in ("generator", "legacy"):
        for method, kw in VALID.items():
            for param in kw:
                for v in VALUES:
                    if (method, param) in _INT_PARAMS:
                        if not math.isfinite(v) or abs(v) > 1e18:
                            continue
                        v = int(v)
                    if (api, method, param, v) in _NUMPY_HANGS or (method, param, v) in _SLOW:
                        continue
                    yield pytest.param(api, method, param, v, id=f"{api}-{method}-{param}={v}")


def _numpy(api):
    return np.random.default_rng(0) if api == "generator" else np.random.RandomState(0)


def _ours(api):
    return cr.default_rng(0) if api == "generator" else cr.RandomState(0)


def _outcome(fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn()
    except Exception as e:      # noqa: BLE001 - the outcome is compared
        return type(e), str(e)
    return None


@pytest.mark.parametrize("api,method,param,value", list(_cases()))
def test_parameter_edges_match_numpy(host, api, method, param, value):
    kw = dict(VALID[method], **{param: value})
    want = _outcome(lambda: getattr(_numpy(api), method)(**kw, size=4))
    got = _outcome(lambda: getattr(_ours(api), method)(**kw, size=4))
    assert got == want



# -- device checks with host and device parameters mixed --------------------------------------------
class _DeviceStandIn:
    """Stands in for cuarray in the device checks: every ufunc call first resolves its loop
    exactly as cuarray's ufunc does (refusing, e.g., two Python ints, whose NumPy loop is the
    object dtype), then computes with NumPy on the host arrays behind the fake device arrays."""

    def __getattr__(self, name):
        import cuarray
        from cuarray._ufunc.ufunc import _key_of
        uf = getattr(cuarray, name)

        def call(*args):
            uf._resolve(tuple(_key_of(a) for a in args), args, None, None, "same_kind")
            host = [view(a) if isinstance(a, ndarray) else a for a in args]
            return fake(np.ascontiguousarray(getattr(np, name)(*host)))
        return call


def _recorded_checks(api, method):
    """(checks, args) of one call with valid host scalars (``run_checks`` recorded)."""
    from cuarray.random import _params as P
    seen, original = [], P.run_checks

    def record(checks, args):
        seen.append((checks, args))
        return original(checks, args)
    P.run_checks = record
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            getattr(_ours(api), method)(**VALID[method], size=2)
    finally:
        P.run_checks = original
    return seen[0]


@pytest.mark.parametrize("api", ["generator", "legacy"])
@pytest.mark.parametrize("method", sorted(VALID))
def test_device_checks_take_any_mix_of_host_and_device_parameters(host, api, method):
    """Every constraint check of every distribution, with each non-empty subset of its
    parameters on the device and the rest host scalars (the call
    ``hypergeometric(ngood=device, nbad=5, nsample=3)`` once compared two Python ints with a
    cuarray ufunc): the device evaluation runs and agrees with the host one, for valid values
    and for each parameter set to each edge value."""
    from cuarray.random import _params as P
    checks, args = _recorded_checks(api, method)
    scalar = len(args) == 0 or all(a.ndim == 0 for a in args)
    flat = []
    for c in checks:
        flat += c.expand(scalar) if isinstance(c, P._Ordered) else [c]
    xp = _DeviceStandIn()
    variants = [[a.value for a in args]]
    for k, a in enumerate(args):
        for v in VALUES:
            if isinstance(a.value, int):
                if not math.isfinite(v) or abs(v) > 1e18:
                    continue
                v = int(v)
            variants.append([v if j == k else b.value for j, b in enumerate(args)])
    for values in variants:
        for mask in range(1, 1 << len(args)):
            dev = [fake(np.array([v], np.int64 if isinstance(v, int) else np.float64))
                   if mask >> j & 1 else v for j, v in enumerate(values)]
            for c in flat:
                vals = [dev[i] for i in c.params]
                if not any(isinstance(v, ndarray) for v in vals):
                    continue
                with np.errstate(all="ignore"):
                    got = bool(view(c.fn(xp, *vals)).any())
                want = c.violated_on_host([values[i] for i in c.params])
                assert got == want, (c.scalar_msg, values, mask)


@pytest.mark.parametrize("api", ["generator", "legacy"])
@pytest.mark.parametrize("low,high,kw", [
    (5, 3, {}), (5, 5, {}), (5, 5, {"endpoint": True}), (5, 3, {"endpoint": True}),
    (-200, 3, {"dtype": "int8"}), (0, 300, {"dtype": "int8"}), (0, 128, {"dtype": "int8"}),
    (0, 128, {"dtype": "int8", "endpoint": True}), (300, 200, {"dtype": "int8"}),
    (-1, 5, {"dtype": "uint64"}), (0, 2**64, {"dtype": "uint64"}),
    (0, 2**64 + 1, {"dtype": "uint64"}), (2**65, 2**66, {"dtype": "uint64"}),
    (-2**65, 0, {}), (0, 3, {"dtype": "float64"}), (0, 2, {"dtype": "bool"}),
    (0, 3, {"dtype": "bool"}), (0, None, {}), (-5, None, {}), (0, None, {"endpoint": True}),
    (-5, None, {"endpoint": True}), (0.5, 3.7, {}), (math.nan, 3, {}), (2**63, None, {}),
])
def test_integer_bounds_match_numpy(host, api, low, high, kw):
    kw = dict(kw)
    if api == "legacy":
        if kw.pop("endpoint", False):
            return
        np_fn = lambda: np.random.RandomState(0).randint(low, high, size=3, **kw)  # noqa: E731
        ours = lambda: cr.RandomState(0).randint(low, high, size=3, **kw)          # noqa: E731
    else:
        np_fn = lambda: np.random.default_rng(0).integers(low, high, size=3, **kw)  # noqa: E731
        ours = lambda: cr.default_rng(0).integers(low, high, size=3, **kw)          # noqa: E731
    assert _outcome(ours) == _outcome(np_fn)


def test_random_integers_is_inclusive_and_deprecated(host):
    with pytest.warns(DeprecationWarning, match="randint"):
        x = cr.RandomState(1).random_integers(3, size=2000)
    from _rng_host import view
    assert sorted(set(view(x).tolist())) == [1, 2, 3]
    with pytest.warns(DeprecationWarning):
        with pytest.raises(ValueError, match="low >= high"):
            cr.RandomState(1).random_integers(0)


@pytest.mark.parametrize("size,exc", [(-1, ValueError), ((2, -1), ValueError), (2.0, TypeError),
                                      ((2, 1.5), TypeError), ("a", TypeError)])
@pytest.mark.parametrize("method", ["random", "normal", "poisson", "integers"])
def test_size_errors_match_numpy(method, size, exc):
    args = (5,) if method == "integers" else ()
    with pytest.raises(exc) as ours:
        getattr(cr.default_rng(0), method)(*args, size=size)
    with pytest.raises(exc) as theirs:
        getattr(np.random.default_rng(0), method)(*args, size=size)
    if exc is ValueError:
        assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("method", ["random", "standard_normal", "standard_exponential"])
@pytest.mark.parametrize("dtype", ["int32", "float16", "complex64", "bool"])
def test_float_dtypes_match_numpy(method, dtype):
    with pytest.raises(TypeError) as ours:
        getattr(cr.default_rng(0), method)(3, dtype=dtype)
    with pytest.raises(TypeError) as theirs:
        getattr(np.random.default_rng(0), method)(3, dtype=dtype)
    assert str(ours.value) == str(theirs.value)


def test_standard_gamma_dtype_error():
    with pytest.raises(TypeError, match="Unsupported dtype dtype\\('int64'\\) for standard_gamma"):
        cr.default_rng(0).standard_gamma(1.0, dtype=np.int64)


@pytest.mark.parametrize("method", ["random", "standard_normal", "standard_exponential"])
def test_out_checks_match_numpy(method):
    g, n = cr.default_rng(0), np.random.default_rng(0)
    cases = [
        (np.empty((2, 3), np.float32), {}),                 # wrong dtype
        (np.empty((2, 3)), {"size": (3, 2)}),                # size mismatch
        (np.empty((4, 3))[::2], {}),                         # not contiguous
    ]
    for host, kw in cases:
        dev = fake(np.ascontiguousarray(host)) if host.flags.c_contiguous else None
        if dev is None:
            dev = fake(np.empty((4, 3)))[::2]
        ours = _outcome(lambda: getattr(g, method)(out=dev, **kw))
        theirs = _outcome(lambda: getattr(n, method)(out=host, **kw))
        assert ours == theirs


def test_standard_gamma_out_must_be_c_contiguous():
    dev = fake(np.empty((3, 2))).T
    with pytest.raises(ValueError, match="must be C-contiguous"):
        cr.default_rng(0).standard_gamma(1.0, out=dev)


def test_out_is_filled_in_place(host):
    from _rng_host import view
    out = alloc((5, 4), np.float64)
    r = cr.default_rng(3).random(out=out)
    assert r is out and np.all((view(out) >= 0) & (view(out) < 1))
    f = fake(np.asfortranarray(np.zeros((3, 4))))
    assert cr.default_rng(3).standard_normal(out=f) is f


@pytest.mark.parametrize("value", [np.zeros(3), [1.0, 2.0], (1.0,)])
def test_host_arrays_are_refused(value):
    with pytest.raises(TypeError, match="device arrays"):
        cr.default_rng(0).normal(value)
    with pytest.raises(TypeError, match="device arrays"):
        cr.RandomState(0).poisson(value)
    with pytest.raises(TypeError, match="device arrays"):
        cr.default_rng(0).integers(value, 5)


def test_scalar_conversions_match_numpy():
    for bad, exc in ((1j, TypeError), ("a", ValueError)):
        with pytest.raises(exc) as ours:
            cr.default_rng(0).normal(bad)
        with pytest.raises(exc) as theirs:
            np.random.default_rng(0).normal(bad)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(OverflowError):
        cr.default_rng(0).binomial(2**63, 0.5)


@pytest.mark.parametrize("a,kw", [(0, {}), (-1, {}), (3.5, {}), (3, {"size": 5, "replace": False}),
                                  (0, {"size": 0})])
@pytest.mark.parametrize("api", ["generator", "legacy"])
def test_choice_errors_match_numpy(host, api, a, kw):
    ours = _outcome(lambda: _ours(api).choice(a, **kw))
    theirs = _outcome(lambda: _numpy(api).choice(a, **kw))
    assert ours == theirs


def test_sampling_argument_errors():
    g = cr.default_rng(0)
    with pytest.raises(ValueError, match='method must be "count" or "marginals"'):
        g.multivariate_hypergeometric(None, 2, method="x")
    with pytest.raises(ValueError, match="method must be one of"):
        g.multivariate_normal(None, None, method="qr")
    with pytest.raises(TypeError, match="has no len"):
        g.dirichlet(1.0)
    with pytest.raises(TypeError, match="device arrays"):
        g.dirichlet([1.0, 2.0])
    with pytest.raises(TypeError, match="device arrays"):
        g.multinomial(3, [0.5, 0.5])
    with pytest.raises(numpy_axis_error()):
        g.permutation(3.0)


def numpy_axis_error():
    return np.exceptions.AxisError


def test_legacy_seed_rules_match_numpy():
    for s in (-1, 2**32, 1.5, "a", [1, -2]):
        theirs = _outcome(lambda: np.random.RandomState(s))
        ours = _outcome(lambda: cr.RandomState(s))
        assert ours == theirs, s
    for s in (0, 2**32 - 1, [1, 2, 3], None):
        cr.RandomState(s)
    assert cr.RandomState(5)._bit_generator._key == cr.RandomState(5)._bit_generator._key


def test_namespace_matches_numpy():
    """Every public name of numpy.random but NumPy's other bit generators and its test hook."""
    missing = {n for n in dir(np.random) if not n.startswith("_")} - set(dir(cr))
    assert missing == {"MT19937", "PCG64", "PCG64DXSM", "SFC64", "bit_generator", "mtrand",
                       "test"}
    for name in ("get_random_state", "set_random_state", "Philox", "SeedSequence"):
        assert hasattr(cr, name)
    gen_methods = {n for n in dir(np.random.Generator) if not n.startswith("_")}
    assert gen_methods <= set(dir(cr.Generator))
    rs_methods = {n for n in dir(np.random.RandomState) if not n.startswith("_")}
    assert rs_methods <= set(dir(cr.RandomState))
