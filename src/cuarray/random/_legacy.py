"""NumPy's legacy random API on the GPU engine: RandomState and the module functions.

The module functions (``cuarray.random.normal``, ``rand``, ``seed``, ...) use one
RandomState per device (``get_random_state``/``set_random_state``, CuPy's names), created
on first use and seeded from the operating system's entropy.

Differences from NumPy: RandomState runs on Philox4x32-10, not MT19937, so its numbers
differ from NumPy's (the same seed gives the same numbers on every run and device);
``get_state`` returns the Philox state as a dict; results NumPy returns as scalars are 0-d
device arrays; array parameters must be device arrays.  As in CuPy, the continuous
distributions and ``rand``, ``randn``, ``random_sample`` take ``dtype=`` (float32 or
float64; float32 samples are made in float32).
"""

from __future__ import annotations

import functools
import warnings

import numpy

from . import _distributions as D
from . import _generator as G
from . import _params as P
from . import _prepare
from ._bit_generator import BitGenerator, Philox

_F32 = numpy.dtype(numpy.float32)
_F64 = numpy.dtype(numpy.float64)
_I64 = numpy.dtype(numpy.int64)
_MAX_SEED = 2**32 - 1

# NumPy's legacy constraints where they differ from the Generator's.
_UNIFORM = [P.Check((0, 1), G._uniform_range, "Range exceeds valid bounds",
                    "Range exceeds valid bounds", OverflowError, host=G._uniform_range_host)]
_NEGATIVE_BINOMIAL = P.constraint(0, "n", "positive") + P.constraint(1, "p", "bounded_0_1")
_POISSON = P.constraint(0, "lam", "legacy_poisson")
_HYPERGEOMETRIC = [
    P.Check((0, 1, 2), G.hyper_short, "ngood + nbad < nsample", host=lambda g, b, s: g + b < s),
] + P.constraint(0, "ngood", "non_negative_int") + P.constraint(1, "nbad", "non_negative_int") + \
    P.constraint(2, "nsample", "gte_1")


def _legacy_seed(seed):
    """NumPy's legacy seed rules (ints in [0, 2^32)), then a SeedSequence of it."""
    if seed is None:
        return None
    arr = numpy.asarray(seed)
    if arr.dtype.kind not in "iub" and not (arr.dtype == object and arr.size == 0):
        raise TypeError(f"Cannot cast scalar from {arr.dtype!r} to dtype('int64') according to "
                        "the rule 'safe'")
    values = [int(v) for v in arr.ravel().tolist()]
    if any(v < 0 or v > _MAX_SEED for v in values):
        raise ValueError("Seed must be between 0 and 2**32 - 1")
    return values[0] if arr.ndim == 0 else values


class RandomState(G._Engine):
    """NumPy's legacy container of random samplers, on the GPU.  See numpy.random.RandomState.

    ``seed``: None, an int in [0, 2^32), a sequence of them, or a cuarray BitGenerator.
    """

    def __init__(self, seed=None):
        if isinstance(seed, BitGenerator):
            self._bit_generator = seed
        else:
            self._bit_generator = Philox(_legacy_seed(seed))

    def __repr__(self):
        return f"RandomState({type(self._bit_generator).__name__})"

    def seed(self, seed=None):
        """Reseed.  See numpy.random.RandomState.seed."""
        self._bit_generator = Philox(_legacy_seed(seed))

    def get_state(self, legacy=True):
        """The bit generator's state (a dict: Philox, not NumPy's MT19937 tuple)."""
        return self._bit_generator.state

    def set_state(self, state):
        """Set the state from ``get_state()``'s dict.  See numpy.random.RandomState.set_state."""
        self._bit_generator.state = state

    # -- simple random data ----------------------------------------------------------------------
    def random_sample(self, size=None, dtype=float):
        """See numpy.random.RandomState.random_sample."""
        return self._sample(D.RANDOM, (), size, dtype=G._float_dtype(dtype, "random_sample"))

    def random(self, size=None, dtype=float):
        """See numpy.random.RandomState.random."""
        return self.random_sample(size, dtype)

    def rand(self, *args, dtype=float):
        """See numpy.random.RandomState.rand."""
        return self.random_sample(args, dtype)

    def randn(self, *args, dtype=float):
        """See numpy.random.RandomState.randn."""
        return self.standard_normal(args, dtype)

    def randint(self, low, high=None, size=None, dtype=int):
        """See numpy.random.RandomState.randint."""
        return self._integers(low, high, size, dtype, False, "randint")

    def random_integers(self, low, high=None, size=None):
        """See numpy.random.RandomState.random_integers (deprecated in NumPy: inclusive)."""
        if high is None:
            warnings.warn(f"This function is deprecated. Please call randint(1, {low} + 1) "
                          "instead", DeprecationWarning, stacklevel=2)
            low, high = 1, low
        else:
            warnings.warn(f"This function is deprecated. Please call randint({low}, {high} + 1) "
                          "instead", DeprecationWarning, stacklevel=2)
        # randint(low, high + 1), as NumPy (its errors say "low >= high")
        return self._integers(low, high + 1, size, int, False, "randint")

    def tomaxint(self, size=None):
        """See numpy.random.RandomState.tomaxint: integers in [0, the int64 maximum]."""
        return self._integers(0, numpy.iinfo(numpy.int64).max, size, numpy.int64, True,
                              "tomaxint")

    def bytes(self, length):
        """See numpy.random.RandomState.bytes."""
        return self._bytes(length)

    def choice(self, a, size=None, replace=True, p=None):
        """See numpy.random.RandomState.choice (and Generator.choice's differences)."""
        from ._sampling import choice
        return choice(self._bit_generator, a, size, replace, p, 0, legacy=True)

    def shuffle(self, x):
        """See numpy.random.RandomState.shuffle (in place, along the first axis)."""
        from ._sampling import shuffle
        shuffle(self._bit_generator, x, 0)

    def permutation(self, x):
        """See numpy.random.RandomState.permutation."""
        from ._sampling import permutation
        return permutation(self._bit_generator, x, 0)

    # -- continuous distributions (dtype=: CuPy's extension) --------------------------------------
    def _cont(self, dist, values, size, checks, dtype, fname, prepare=None):
        return self._sample(dist, values, size, checks, dtype=G._float_dtype(dtype, fname),
                            prepare=prepare)

    def standard_normal(self, size=None, dtype=float):
        """See numpy.random.RandomState.standard_normal."""
        return self._cont(D.STANDARD_NORMAL, (), size, (), dtype, "standard_normal")

    def normal(self, loc=0.0, scale=1.0, size=None, dtype=float):
        """See numpy.random.RandomState.normal."""
        return self._cont(D.NORMAL, (loc, scale), size, G.NORMAL, dtype, "normal")

    def uniform(self, low=0.0, high=1.0, size=None, dtype=float):
        """See numpy.random.RandomState.uniform (low > high is allowed, as in NumPy)."""
        return self._cont(D.UNIFORM, (low, high), size, _UNIFORM, dtype, "uniform")

    def standard_exponential(self, size=None, dtype=float):
        """See numpy.random.RandomState.standard_exponential."""
        return self._cont(D.STANDARD_EXPONENTIAL, (), size, (), dtype, "standard_exponential")

    def exponential(self, scale=1.0, size=None, dtype=float):
        """See numpy.random.RandomState.exponential."""
        return self._cont(D.EXPONENTIAL, (scale,), size, G.EXPONENTIAL, dtype, "exponential")

    def standard_gamma(self, shape, size=None, dtype=float):
        """See numpy.random.RandomState.standard_gamma."""
        return self._cont(D.STANDARD_GAMMA, (shape,), size, G.GAMMA1, dtype, "standard_gamma",
                          G.prepare_standard_gamma)

    def gamma(self, shape, scale=1.0, size=None, dtype=float):
        """See numpy.random.RandomState.gamma."""
        return self._cont(D.GAMMA, (shape, scale), size, G.GAMMA2, dtype, "gamma",
                          _prepare.gamma)

    def beta(self, a, b, size=None, dtype=float):
        """See numpy.random.RandomState.beta."""
        return self._cont(D.BETA, (a, b), size, G.BETA, dtype, "beta")

    def chisquare(self, df, size=None, dtype=float):
        """See numpy.random.RandomState.chisquare."""
        return self._cont(D.CHISQUARE, (df,), size, G.DF, dtype, "chisquare",
                          G.prepare_chisquare)

    def noncentral_chisquare(self, df, nonc, size=None, dtype=float):
        """See numpy.random.RandomState.noncentral_chisquare."""
        return self._cont(D.NONCENTRAL_CHISQUARE, (df, nonc), size, G.NC_CHISQ, dtype,
                          "noncentral_chisquare")

    def f(self, dfnum, dfden, size=None, dtype=float):
        """See numpy.random.RandomState.f."""
        return self._cont(D.F, (dfnum, dfden), size, G.FDIST, dtype, "f")

    def noncentral_f(self, dfnum, dfden, nonc, size=None, dtype=float):
        """See numpy.random.RandomState.noncentral_f."""
        return self._cont(D.NONCENTRAL_F, (dfnum, dfden, nonc), size, G.NC_F, dtype,
                          "noncentral_f")

    def standard_t(self, df, size=None, dtype=float):
        """See numpy.random.RandomState.standard_t."""
        return self._cont(D.STANDARD_T, (df,), size, G.DF, dtype, "standard_t")

    def standard_cauchy(self, size=None, dtype=float):
        """See numpy.random.RandomState.standard_cauchy."""
        return self._cont(D.STANDARD_CAUCHY, (), size, (), dtype, "standard_cauchy")

    def lognormal(self, mean=0.0, sigma=1.0, size=None, dtype=float):
        """See numpy.random.RandomState.lognormal."""
        return self._cont(D.LOGNORMAL, (mean, sigma), size, G.LOGNORMAL, dtype, "lognormal")

    def logistic(self, loc=0.0, scale=1.0, size=None, dtype=float):
        """See numpy.random.RandomState.logistic."""
        return self._cont(D.LOGISTIC, (loc, scale), size, G.SCALE2, dtype, "logistic")

    def gumbel(self, loc=0.0, scale=1.0, size=None, dtype=float):
        """See numpy.random.RandomState.gumbel."""
        return self._cont(D.GUMBEL, (loc, scale), size, G.SCALE2, dtype, "gumbel")

    def laplace(self, loc=0.0, scale=1.0, size=None, dtype=float):
        """See numpy.random.RandomState.laplace."""
        return self._cont(D.LAPLACE, (loc, scale), size, G.SCALE2, dtype, "laplace")

    def pareto(self, a, size=None, dtype=float):
        """See numpy.random.RandomState.pareto."""
        return self._cont(D.PARETO, (a,), size, G.A_POSITIVE, dtype, "pareto")

    def power(self, a, size=None, dtype=float):
        """See numpy.random.RandomState.power."""
        return self._cont(D.POWER, (a,), size, G.A_POSITIVE, dtype, "power")

    def rayleigh(self, scale=1.0, size=None, dtype=float):
        """See numpy.random.RandomState.rayleigh."""
        return self._cont(D.RAYLEIGH, (scale,), size, G.RAYLEIGH, dtype, "rayleigh")

    def triangular(self, left, mode, right, size=None, dtype=float):
        """See numpy.random.RandomState.triangular."""
        return self._cont(D.TRIANGULAR, (left, mode, right), size, G.TRIANGULAR, dtype,
                          "triangular")

    def vonmises(self, mu, kappa, size=None, dtype=float):
        """See numpy.random.RandomState.vonmises."""
        return self._cont(D.VONMISES, (mu, kappa), size, G.VONMISES, dtype, "vonmises")

    def wald(self, mean, scale, size=None, dtype=float):
        """See numpy.random.RandomState.wald."""
        return self._cont(D.WALD, (mean, scale), size, G.WALD, dtype, "wald")

    def weibull(self, a, size=None, dtype=float):
        """See numpy.random.RandomState.weibull."""
        return self._cont(D.WEIBULL, (a,), size, G.A_NON_NEGATIVE, dtype, "weibull")

    # -- discrete distributions (int64, NumPy's legacy 'long' on 64-bit Linux) ---------------------
    def _disc(self, dist, values, size, checks, prepare=None):
        return self._sample(dist, values, size, checks, dtype=_I64, real=_F64, prepare=prepare)

    def binomial(self, n, p, size=None):
        """See numpy.random.RandomState.binomial."""
        return self._disc(D.BINOMIAL, (n, p), size, G.BINOMIAL, _prepare.binomial)

    def negative_binomial(self, n, p, size=None):
        """See numpy.random.RandomState.negative_binomial."""
        return self._disc(D.NEGATIVE_BINOMIAL, (n, p), size, _NEGATIVE_BINOMIAL)

    def poisson(self, lam=1.0, size=None):
        """See numpy.random.RandomState.poisson."""
        return self._disc(D.POISSON, (lam,), size, _POISSON, _prepare.poisson)

    def geometric(self, p, size=None):
        """See numpy.random.RandomState.geometric."""
        return self._disc(D.GEOMETRIC, (p,), size, G.GEOMETRIC)

    def hypergeometric(self, ngood, nbad, nsample, size=None):
        """See numpy.random.RandomState.hypergeometric."""
        return self._disc(D.HYPERGEOMETRIC, (ngood, nbad, nsample), size, _HYPERGEOMETRIC)

    def logseries(self, p, size=None):
        """See numpy.random.RandomState.logseries."""
        return self._disc(D.LOGSERIES, (p,), size, G.LOGSERIES)

    def zipf(self, a, size=None):
        """See numpy.random.RandomState.zipf."""
        return self._disc(D.ZIPF, (a,), size, G.ZIPF)

    # -- multivariate -----------------------------------------------------------------------------
    def multinomial(self, n, pvals, size=None):
        """See numpy.random.RandomState.multinomial."""
        from ._sampling import multinomial
        return multinomial(self._bit_generator, n, pvals, size)

    def multivariate_normal(self, mean, cov, size=None, check_valid="warn", tol=1e-8):
        """See numpy.random.RandomState.multivariate_normal (and Generator's differences)."""
        from ._sampling import multivariate_normal
        return multivariate_normal(self, mean, cov, size, check_valid, tol, "svd")

    def dirichlet(self, alpha, size=None):
        """See numpy.random.RandomState.dirichlet."""
        from ._sampling import dirichlet
        return dirichlet(self._bit_generator, alpha, size, legacy=True)


# -- the module's RandomState, one per device ----------------------------------------------------
_states: dict = {}


def _device_id() -> int:
    from ..cuda._device import get_device_id
    return get_device_id()


def get_random_state() -> RandomState:
    """The current device's RandomState (made on first use).  See cupy.random.get_random_state."""
    dev = _device_id()
    rs = _states.get(dev)
    if rs is None:
        rs = _states[dev] = RandomState()
    return rs


def set_random_state(rs) -> None:
    """Make ``rs`` the current device's RandomState.  See cupy.random.set_random_state."""
    if not isinstance(rs, RandomState):
        raise TypeError("set_random_state takes a cuarray.random.RandomState")
    _states[_device_id()] = rs


def seed(seed=None) -> None:
    """Reseed the current device's RandomState.  See numpy.random.seed."""
    get_random_state().seed(seed)


def get_state(legacy=True):
    """See numpy.random.get_state (a Philox state dict)."""
    return get_random_state().get_state(legacy)


def set_state(state) -> None:
    """See numpy.random.set_state."""
    get_random_state().set_state(state)


def get_bit_generator():
    """The bit generator of the current device's RandomState.  See numpy.random.get_bit_generator."""
    return get_random_state()._bit_generator


def set_bit_generator(bitgen) -> None:
    """See numpy.random.set_bit_generator."""
    if not isinstance(bitgen, BitGenerator):
        raise TypeError("bitgen must be a cuarray.random BitGenerator")
    get_random_state()._bit_generator = bitgen


def _module_function(name: str):
    method = getattr(RandomState, name)

    @functools.wraps(method)
    def call(*args, **kwargs):
        return method(get_random_state(), *args, **kwargs)
    call.__qualname__ = name
    call.__doc__ = method.__doc__.replace("RandomState.", "") if method.__doc__ else None
    return call


#: The module functions, each calling the current device's RandomState.
FUNCTIONS = (
    "beta", "binomial", "bytes", "chisquare", "choice", "dirichlet", "exponential", "f",
    "gamma", "geometric", "gumbel", "hypergeometric", "laplace", "logistic", "lognormal",
    "logseries", "multinomial", "multivariate_normal", "negative_binomial",
    "noncentral_chisquare", "noncentral_f", "normal", "pareto", "permutation", "poisson",
    "power", "rand", "randint", "randn", "random", "random_integers", "random_sample",
    "rayleigh", "shuffle", "standard_cauchy", "standard_exponential", "standard_gamma",
    "standard_normal", "standard_t", "triangular", "uniform", "vonmises", "wald", "weibull",
    "zipf",
)
for _name in FUNCTIONS:
    globals()[_name] = _module_function(_name)
del _name
ranf = _module_function("random_sample")
ranf.__name__ = ranf.__qualname__ = "ranf"
sample = _module_function("random_sample")
sample.__name__ = sample.__qualname__ = "sample"
