"""Generator: NumPy's random Generator on the GPU.  See numpy.random.Generator.

Every method validates its arguments as NumPy does (host parameters on the host, device
parameters on the device with one synchronisation per call), allocates the result and runs
one kernel of ``_kernels`` (see ``_distributions`` for the samplers).  Sampling routines
that are not elementwise (choice, permutations, multinomial, dirichlet, ...) live in
``_sampling``.

Differences from NumPy (all methods): the numbers differ from NumPy's (the bit generator is
Philox4x32-10 on the GPU and the samplers are GPU algorithms), but the same seed gives the
same numbers on every run and device; results NumPy returns as Python or NumPy scalars are
0-d device arrays; array parameters must be device arrays (host arrays and lists raise
TypeError).
"""

from __future__ import annotations

import math

import numpy

from .._core.ndarray import _empty, ndarray
from . import _distributions as D
from . import _params as P
from . import _prepare
from ._bit_generator import BitGenerator, Philox
from ._kernels import launch

_F32 = numpy.dtype(numpy.float32)
_F64 = numpy.dtype(numpy.float64)
_I64 = numpy.dtype(numpy.int64)
_U64 = numpy.dtype(numpy.uint64)
_TARGET = {"r": None, "i": _I64, "u": _U64}


def _c(k, name, kind):
    return P.constraint(k, name, kind)


def _float_dtype(dtype, fname: str) -> numpy.dtype:
    dt = numpy.dtype(dtype)
    if dt not in (_F32, _F64):
        raise TypeError(f"Unsupported dtype {dt!r} for {fname}")
    return dt


class _Engine:
    """The sampling machinery shared by Generator and RandomState."""

    _bit_generator: BitGenerator

    def _sample(self, dist, values, size, checks=(), *, dtype=_F64, real=None, out=None,
                require_c=True, prepare=None):
        """Validate, allocate and launch ``dist`` (``values``: its parameters in order).

        ``prepare(*host values)``: for all-scalar parameters, (dist, values) of a kernel
        whose setup the host has done (``_prepare``), or None."""
        real = dtype if real is None else real
        if out is not None:
            _check_out(out, dtype, size, require_c)
        args = [P.parse(v, n, dist.ptype(k)) for k, (v, n) in enumerate(zip(values, dist.params))]
        _check_int_args(args, dist)
        P.run_checks(checks, args)
        if out is not None:
            shape = P.out_shape(args, out.shape)
        else:
            shape = P.out_shape(args, size)
        result = out if out is not None else _empty(shape, dtype)
        if not result.size:
            return result
        if prepare is not None and not any(a.device for a in args):
            ready = prepare(*[a.value for a in args])
            if ready is not None:
                pdist, pvalues = ready
                launch(pdist, result, real, [("s", v, 0) for v in pvalues], self._bit_generator)
                return result
        params = [P.kernel_param(a, _TARGET[dist.ptype(k)] or real, shape)
                  for k, a in enumerate(args)]
        launch(dist, result, real, params, self._bit_generator)
        return result

    def _raw(self, size, bits=64):
        shape = P.normalize_size(size)
        out = _empty(() if shape is None else shape, _U64 if bits == 64 else numpy.dtype("u4"))
        launch(D.RAW64 if bits == 64 else D.RAW32, out, _F64, [], self._bit_generator)
        return out

    def _bytes(self, length) -> bytes:
        import operator
        length = operator.index(length)
        if length < 0:
            raise ValueError("negative dimensions are not allowed")
        if length == 0:
            return b""
        return self._raw(((length + 3) // 4,), bits=32).get().tobytes()[:length]

    def _integers(self, low, high, size, dtype, endpoint, fname):
        from ._integers import integers
        return integers(self._bit_generator, low, high, size, dtype, endpoint, fname)


def _check_out(out, dtype, size, require_c):
    if not isinstance(out, ndarray):
        raise TypeError(f"out must be a cuarray.ndarray, not {type(out).__name__}")
    if not (out._c or (out._f and not require_c)):
        req = "C-" if require_c else ""
        raise ValueError(f"Supplied output array must be {req}contiguous, writable, aligned, "
                         "and in machine byte-order.")
    if out.dtype != dtype:
        raise TypeError(f"Supplied output array has the wrong type. Expected {numpy.dtype(dtype)}, "
                        f"got {out.dtype}")
    if size is not None and P.normalize_size(size) != out.shape:
        raise ValueError("size must match out.shape when used together")


def _check_int_args(args, dist):
    """Integer parameters from device arrays cast as NumPy's 'safe' rule allows."""
    for k, a in enumerate(args):
        if a.device and dist.ptype(k) == "i" and not numpy.can_cast(a.value.dtype, _I64, "safe"):
            raise TypeError(f"Cannot cast array data from {a.value.dtype!r} to dtype('int64') "
                            "according to the rule 'safe'")


# -- checks shared with the legacy API (NumPy's constraints per distribution) --------------------
NORMAL = _c(1, "scale", "non_negative")
EXPONENTIAL = _c(0, "scale", "non_negative")
GAMMA1 = _c(0, "shape", "non_negative")
GAMMA2 = _c(0, "shape", "non_negative") + _c(1, "scale", "non_negative")
BETA = _c(0, "a", "positive") + _c(1, "b", "positive")
DF = _c(0, "df", "positive")
NC_CHISQ = _c(0, "df", "positive") + _c(1, "nonc", "non_negative")
FDIST = _c(0, "dfnum", "positive") + _c(1, "dfden", "positive")
NC_F = FDIST + _c(2, "nonc", "non_negative")
LOGNORMAL = _c(1, "sigma", "non_negative")
SCALE2 = _c(1, "scale", "non_negative")
A_POSITIVE = _c(0, "a", "positive")
A_NON_NEGATIVE = _c(0, "a", "non_negative")
RAYLEIGH = _c(0, "scale", "non_negative")
VONMISES = _c(1, "kappa", "non_negative")
WALD = _c(0, "mean", "positive") + _c(1, "scale", "positive")
ZIPF = _c(0, "a", "gt_1")
GEOMETRIC = _c(0, "p", "bounded_gt_0_1")
LOGSERIES = _c(0, "p", "bounded_lt_0_1")
TRIANGULAR = [
    P.Check((0, 1), lambda xp, l, m: xp.greater(l, m), "left > mode", host=lambda l, m: l > m),
    P.Check((1, 2), lambda xp, m, r: xp.greater(m, r), "mode > right", host=lambda m, r: m > r),
    P.Check((0, 2), lambda xp, l, r: xp.equal(l, r), "left == right", host=lambda l, r: l == r),
]
BINOMIAL = _c(0, "n", "non_negative_int") + _c(1, "p", "bounded_0_1")


def _uniform_range(xp, lo, hi):
    return xp.logical_not(xp.isfinite(xp.subtract(hi, lo)))


def _uniform_range_host(lo, hi) -> bool:
    return not math.isfinite(hi - lo)


UNIFORM = [
    P.Check((0, 1), _uniform_range, "high - low range exceeds valid bounds",
            "Range exceeds valid bounds", OverflowError, host=_uniform_range_host),
    P.Check((0, 1), lambda xp, lo, hi: P._nn(xp, xp.subtract(hi, lo)), "high - low < 0",
            host=lambda lo, hi: P._nn_host(hi - lo)),
]


def _nb_too_large(xp, n, p):
    lam = xp.multiply(xp.divide(xp.subtract(1.0, p), p), xp.add(n, xp.multiply(10, xp.sqrt(n))))
    return xp.greater(lam, P.POISSON_LAM_MAX)


NEGATIVE_BINOMIAL = (_c(0, "n", "positive_not_nan") + _c(1, "p", "bounded_gt_0_1")
                     + [P.Check((0, 1), _nb_too_large, "n too large or p too small, see "
                                "Generator.negative_binomial Notes")])
POISSON = _c(0, "lam", "poisson")


def _at_least(xp, v, c):
    """``v >= c`` for a device array or a host int: cuarray has no loop for two Python
    ints (NumPy resolves comparisons of Python ints to the object dtype)."""
    return xp.greater_equal(v, c) if isinstance(v, ndarray) else v >= c


def _hyper_too_big(xp, g, b):
    return xp.logical_or(_at_least(xp, g, 10**9), _at_least(xp, b, 10**9))


def hyper_short(xp, g, b, s):
    """ngood + nbad < nsample, with host operands added on the host (see ``_at_least``)."""
    both = g + b if not (isinstance(g, ndarray) or isinstance(b, ndarray)) else xp.add(g, b)
    return xp.less(both, s)


HYPERGEOMETRIC = [
    P.Check((0, 1), _hyper_too_big, "both ngood and nbad must be less than 1000000000",
            host=lambda g, b: g >= 10**9 or b >= 10**9),
    P.Check((0, 1, 2), hyper_short, "ngood + nbad < nsample", host=lambda g, b, s: g + b < s),
] + _c(0, "ngood", "non_negative_int") + _c(1, "nbad", "non_negative_int") + \
    _c(2, "nsample", "non_negative_int")


class Generator(_Engine):
    """Container for a bit generator, with NumPy's sampling methods.  See numpy.random.Generator.

    ``bit_generator``: a :class:`Philox` (``default_rng`` makes one).

    Differences from NumPy: the numbers are not NumPy's (Philox4x32-10 and GPU samplers; the
    same seed gives the same numbers on every run and device); scalar results are 0-d device
    arrays; array parameters must be device arrays (host arrays and lists raise TypeError);
    validating device-array parameters reads one flag word back (a synchronisation).
    """

    def __init__(self, bit_generator):
        if not isinstance(bit_generator, BitGenerator):
            raise TypeError("bit_generator must be a cuarray.random BitGenerator (Philox)")
        self._bit_generator = bit_generator

    @property
    def bit_generator(self):
        """The bit generator.  See numpy.random.Generator.bit_generator."""
        return self._bit_generator

    def spawn(self, n_children):
        """Independent child generators.  See numpy.random.Generator.spawn."""
        return [type(self)(g) for g in self._bit_generator.spawn(n_children)]

    def __repr__(self):
        return f"Generator({type(self._bit_generator).__name__})"

    def __getstate__(self):
        return {"bit_generator": self._bit_generator}

    def __setstate__(self, state):
        self._bit_generator = state["bit_generator"]

    # -- simple random data ----------------------------------------------------------------------
    def random(self, size=None, dtype=numpy.float64, out=None):
        """See numpy.random.Generator.random."""
        dt = _float_dtype(dtype, "random")
        return self._sample(D.RANDOM, (), size, dtype=dt, out=out, require_c=False)

    def integers(self, low, high=None, size=None, dtype=numpy.int64, endpoint=False):
        """See numpy.random.Generator.integers (Lemire's unbiased method)."""
        return self._integers(low, high, size, dtype, endpoint, "integers")

    def bytes(self, length):
        """See numpy.random.Generator.bytes (the words are made on the device, then copied)."""
        return self._bytes(length)

    def choice(self, a, size=None, replace=True, p=None, axis=0, shuffle=True):
        """See numpy.random.Generator.choice.

        Differences from NumPy: without replacement the sample is always in random order
        (``shuffle`` is accepted and ignored) and comes from sorting random 64-bit keys (or,
        for a few of many, from the distinct values of draws with replacement, which reads
        their count back: one synchronisation), each ordered sample equally likely; weighted
        sampling without replacement sorts exponential keys (Efraimidis-Spirakis), the same
        distribution as NumPy's sequential draws.
        """
        from ._sampling import choice
        return choice(self._bit_generator, a, size, replace, p, axis, legacy=False)

    # -- permutations --------------------------------------------------------------------------------
    def shuffle(self, x, axis=0):
        """See numpy.random.Generator.shuffle (in place, along ``axis``)."""
        from ._sampling import shuffle
        shuffle(self._bit_generator, x, axis)

    def permutation(self, x, axis=0):
        """See numpy.random.Generator.permutation."""
        from ._sampling import permutation
        return permutation(self._bit_generator, x, axis)

    def permuted(self, x, axis=None, out=None):
        """See numpy.random.Generator.permuted (each slice along ``axis`` independently)."""
        from ._sampling import permuted
        return permuted(self._bit_generator, x, axis, out)

    # -- continuous distributions ----------------------------------------------------------------
    def standard_normal(self, size=None, dtype=numpy.float64, out=None):
        """See numpy.random.Generator.standard_normal (Box-Muller, float32 made in float32)."""
        dt = _float_dtype(dtype, "standard_normal")
        return self._sample(D.STANDARD_NORMAL, (), size, dtype=dt, out=out, require_c=False)

    def normal(self, loc=0.0, scale=1.0, size=None):
        """See numpy.random.Generator.normal."""
        return self._sample(D.NORMAL, (loc, scale), size, NORMAL)

    def standard_exponential(self, size=None, dtype=numpy.float64, method="zig", out=None):
        """See numpy.random.Generator.standard_exponential (inversion for either ``method``)."""
        dt = _float_dtype(dtype, "standard_exponential")
        return self._sample(D.STANDARD_EXPONENTIAL, (), size, dtype=dt, out=out, require_c=False)

    def exponential(self, scale=1.0, size=None):
        """See numpy.random.Generator.exponential."""
        return self._sample(D.EXPONENTIAL, (scale,), size, EXPONENTIAL)

    def standard_gamma(self, shape, size=None, dtype=numpy.float64, out=None):
        """See numpy.random.Generator.standard_gamma (Marsaglia-Tsang)."""
        dt = _float_dtype(dtype, "standard_gamma")
        return self._sample(D.STANDARD_GAMMA, (shape,), size, GAMMA1, dtype=dt, out=out,
                            prepare=prepare_standard_gamma)

    def gamma(self, shape, scale=1.0, size=None):
        """See numpy.random.Generator.gamma."""
        return self._sample(D.GAMMA, (shape, scale), size, GAMMA2, prepare=_prepare.gamma)

    def beta(self, a, b, size=None):
        """See numpy.random.Generator.beta."""
        return self._sample(D.BETA, (a, b), size, BETA)

    def chisquare(self, df, size=None):
        """See numpy.random.Generator.chisquare."""
        return self._sample(D.CHISQUARE, (df,), size, DF, prepare=prepare_chisquare)

    def noncentral_chisquare(self, df, nonc, size=None):
        """See numpy.random.Generator.noncentral_chisquare."""
        return self._sample(D.NONCENTRAL_CHISQUARE, (df, nonc), size, NC_CHISQ)

    def f(self, dfnum, dfden, size=None):
        """See numpy.random.Generator.f."""
        return self._sample(D.F, (dfnum, dfden), size, FDIST)

    def noncentral_f(self, dfnum, dfden, nonc, size=None):
        """See numpy.random.Generator.noncentral_f."""
        return self._sample(D.NONCENTRAL_F, (dfnum, dfden, nonc), size, NC_F)

    def standard_t(self, df, size=None):
        """See numpy.random.Generator.standard_t."""
        return self._sample(D.STANDARD_T, (df,), size, DF)

    def standard_cauchy(self, size=None):
        """See numpy.random.Generator.standard_cauchy."""
        return self._sample(D.STANDARD_CAUCHY, (), size)

    def lognormal(self, mean=0.0, sigma=1.0, size=None):
        """See numpy.random.Generator.lognormal."""
        return self._sample(D.LOGNORMAL, (mean, sigma), size, LOGNORMAL)

    def logistic(self, loc=0.0, scale=1.0, size=None):
        """See numpy.random.Generator.logistic."""
        return self._sample(D.LOGISTIC, (loc, scale), size, SCALE2)

    def gumbel(self, loc=0.0, scale=1.0, size=None):
        """See numpy.random.Generator.gumbel."""
        return self._sample(D.GUMBEL, (loc, scale), size, SCALE2)

    def laplace(self, loc=0.0, scale=1.0, size=None):
        """See numpy.random.Generator.laplace."""
        return self._sample(D.LAPLACE, (loc, scale), size, SCALE2)

    def pareto(self, a, size=None):
        """See numpy.random.Generator.pareto."""
        return self._sample(D.PARETO, (a,), size, A_POSITIVE)

    def power(self, a, size=None):
        """See numpy.random.Generator.power."""
        return self._sample(D.POWER, (a,), size, A_POSITIVE)

    def rayleigh(self, scale=1.0, size=None):
        """See numpy.random.Generator.rayleigh."""
        return self._sample(D.RAYLEIGH, (scale,), size, RAYLEIGH)

    def triangular(self, left, mode, right, size=None):
        """See numpy.random.Generator.triangular."""
        return self._sample(D.TRIANGULAR, (left, mode, right), size, TRIANGULAR)

    def uniform(self, low=0.0, high=1.0, size=None):
        """See numpy.random.Generator.uniform."""
        return self._sample(D.UNIFORM, (low, high), size, UNIFORM)

    def vonmises(self, mu, kappa, size=None):
        """See numpy.random.Generator.vonmises (Best-Fisher)."""
        return self._sample(D.VONMISES, (mu, kappa), size, VONMISES)

    def wald(self, mean, scale, size=None):
        """See numpy.random.Generator.wald."""
        return self._sample(D.WALD, (mean, scale), size, WALD)

    def weibull(self, a, size=None):
        """See numpy.random.Generator.weibull."""
        return self._sample(D.WEIBULL, (a,), size, A_NON_NEGATIVE)

    # -- discrete distributions ------------------------------------------------------------------
    def binomial(self, n, p, size=None):
        """See numpy.random.Generator.binomial (inversion, or BTRS for n min(p, 1-p) >= 10)."""
        return self._sample(D.BINOMIAL, (n, p), size, BINOMIAL, dtype=_I64, real=_F64,
                            prepare=_prepare.binomial)

    def negative_binomial(self, n, p, size=None):
        """See numpy.random.Generator.negative_binomial (a Poisson of a gamma)."""
        return self._sample(D.NEGATIVE_BINOMIAL, (n, p), size, NEGATIVE_BINOMIAL,
                            dtype=_I64, real=_F64)

    def poisson(self, lam=1.0, size=None):
        """See numpy.random.Generator.poisson (inversion below 10, PTRS above)."""
        return self._sample(D.POISSON, (lam,), size, POISSON, dtype=_I64, real=_F64,
                            prepare=_prepare.poisson)

    def geometric(self, p, size=None):
        """See numpy.random.Generator.geometric (inversion)."""
        return self._sample(D.GEOMETRIC, (p,), size, GEOMETRIC, dtype=_I64, real=_F64)

    def hypergeometric(self, ngood, nbad, nsample, size=None):
        """See numpy.random.Generator.hypergeometric (urn draws, or HRUA for larger samples)."""
        return self._sample(D.HYPERGEOMETRIC, (ngood, nbad, nsample), size, HYPERGEOMETRIC,
                            dtype=_I64, real=_F64)

    def logseries(self, p, size=None):
        """See numpy.random.Generator.logseries."""
        return self._sample(D.LOGSERIES, (p,), size, LOGSERIES, dtype=_I64, real=_F64)

    def zipf(self, a, size=None):
        """See numpy.random.Generator.zipf."""
        return self._sample(D.ZIPF, (a,), size, ZIPF, dtype=_I64, real=_F64)

    # -- multivariate ----------------------------------------------------------------------------
    def multinomial(self, n, pvals, size=None):
        """See numpy.random.Generator.multinomial (one thread per draw: sequential binomials)."""
        from ._sampling import multinomial
        return multinomial(self._bit_generator, n, pvals, size)

    def multivariate_hypergeometric(self, colors, nsample, size=None, method="marginals"):
        """See numpy.random.Generator.multivariate_hypergeometric.

        Differences from NumPy: both methods draw the marginals (sequential hypergeometric
        draws, one thread per sample); ``colors`` is a device array.
        """
        from ._sampling import multivariate_hypergeometric
        return multivariate_hypergeometric(self._bit_generator, colors, nsample, size, method)

    def multivariate_normal(self, mean, cov, size=None, check_valid="warn", tol=1e-8, *,
                            method="svd"):
        """See numpy.random.Generator.multivariate_normal.

        Differences from NumPy: ``mean`` and ``cov`` are device arrays, copied to the host
        (one synchronisation) where NumPy factors the covariance (svd, eigh or cholesky, as
        NumPy does); the normals and the product run on the device.
        """
        from ._sampling import multivariate_normal
        return multivariate_normal(self, mean, cov, size, check_valid, tol, method)

    def dirichlet(self, alpha, size=None):
        """See numpy.random.Generator.dirichlet (normalised gammas; stick-breaking with betas
        when every alpha < 0.1, as NumPy)."""
        from ._sampling import dirichlet
        return dirichlet(self._bit_generator, alpha, size, legacy=False)


def prepare_standard_gamma(shape):
    return _prepare.gamma(shape, 1.0)


def prepare_chisquare(df):
    return _prepare.gamma(df / 2.0, 2.0)


def default_rng(seed=None):
    """A Generator over a :class:`Philox` bit generator.  See numpy.random.default_rng.

    ``seed``: None, an int, a sequence of ints, a SeedSequence, a cuarray BitGenerator (used
    as it is) or a cuarray Generator (returned as it is).
    """
    if isinstance(seed, Generator):
        return seed
    if isinstance(seed, BitGenerator):
        return Generator(seed)
    return Generator(Philox(seed))
