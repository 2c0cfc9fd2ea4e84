"""Sampling routines beyond one value per element: choice, permutations, multinomial,
multivariate hypergeometric, Dirichlet and multivariate normal (Generator and RandomState).

Permutations sort random 64-bit keys (``cuarray``'s stable argsort): every permutation is
equally likely, up to ties between keys (total variation at most n(n-1)/2^65).  Choosing k
of n without replacement takes the first k entries of such a permutation, or, when k is
small against a large n, draws k + a margin indices with replacement, keeps the distinct
ones (``unique``: one synchronisation) and orders a random k of them by random keys; both
give NumPy's distribution (every ordered k-sample equally likely).  Weighted choice with
replacement inverts the cumulative distribution on the device; weighted choice without
replacement sorts exponential keys E_i / p_i (Efraimidis-Spirakis: the order of arrival of
independent exponential clocks is NumPy's sequential sampling in proportion to p) with
``cuarray``'s argsort.
"""

from __future__ import annotations

import math
import operator
import warnings

import numpy
from numpy.lib.array_utils import normalize_axis_index

from .._core.ndarray import _empty, _from_host, ndarray
from . import _params as P
from . import _row_kernels as R

_I64 = numpy.dtype(numpy.int64)
_U64 = numpy.dtype(numpy.uint64)
_F64 = numpy.dtype(numpy.float64)

# NumPy's messages: Generator's, then RandomState's.
_MSG = {
    False: {"pos": "a must be a positive integer unless no samples are taken",
            "empty": "a cannot be empty unless no samples are taken",
            "p1d": "p must be 1-dimensional", "psize": "a and p must have same size",
            "pnan": "Probabilities contain NaN", "pneg": "Probabilities are not non-negative",
            "psum": "Probabilities do not sum to 1. See Notes section of docstring for more "
                    "information.",
            "big": "Cannot take a larger sample than population when replace is False"},
    True: {"pos": "a must be greater than 0 unless no samples are taken",
           "empty": "'a' cannot be empty unless no samples are taken",
           "p1d": "'p' must be 1-dimensional", "psize": "'a' and 'p' must have same size",
           "pnan": "probabilities contain NaN", "pneg": "probabilities are not non-negative",
           "psum": "probabilities do not sum to 1",
           "big": "Cannot take a larger sample than population when 'replace=False'"},
}


def _cp():
    import cuarray
    return cuarray


def _shape_size(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


# -- permutations ----------------------------------------------------------------------------------
# An earlier design evaluated a keyed Feistel bijection of [0, 2^b) (cycle-walked onto
# [0, n)) per entry, with no sort.  Its permutations were far from uniform on small domains
# (choice(6, 3) over 6000 seeds: chi-square p ~ 1e-15), and for n = 2^b >= 16 they were
# always even (each Feistel round XORs a half of >= 2 bits: an even permutation), so it was
# replaced by sorting random keys, as CuPy and PyTorch do.
_SPARSE_MIN_N = 1 << 16         # below: sort n keys (cheap)
_SPARSE_RATIO = 64              # sparse when k * 64 <= n


def _keys(bitgen, shape) -> ndarray:
    """Raw 64-bit words (uint64) of ``shape``, from the lanes of one launch."""
    from . import _distributions as D
    from ._kernels import launch
    out = _empty(shape, _U64)
    launch(D.RAW64, out, _F64, [], bitgen)
    return out


# Device routines the permutations use (the CPU tests swap in NumPy's).
def _argsort_last(keys) -> ndarray:
    """Stable argsort along the last axis (int64)."""
    from .._routines.sorting import argsort
    return argsort(keys, axis=-1)


def _unique(x) -> ndarray:
    """The sorted distinct values of the 1-D ``x`` (reads their count back)."""
    from .._routines.sets import unique
    return unique(x)


def _rows_prefix(idx, k: int, row_step: int) -> ndarray:
    """The first k columns of the (rows, n) ``idx``, row r's plus r * row_step (C order)."""
    cp = _cp()
    rows, n = idx.shape
    if k < n:
        idx = cp.ascontiguousarray(idx[:, :k])
    if row_step and rows > 1:
        idx = cp.add(idx, cp.arange(0, rows * row_step, row_step, dtype=_I64).reshape(rows, 1))
    return idx


def _sparse_margin(k: int, n: int) -> int:
    """Extra draws beyond k: the expected repeats among ~k draws from n (d ~ k^2 / 2n, nearly
    Poisson) plus 8 standard deviations and a constant, so a second round is rare."""
    d = k * k / (2.0 * n)
    return int(2 * d + 8 * math.sqrt(d) + 16)


def _sparse_sample(bitgen, k: int, n: int) -> ndarray:
    """(k,) int64: a uniformly random ordered sample of k distinct values of [0, n).

    m independent uniform draws from [0, n) have a set of distinct values S that is, given
    its size s, a uniformly random s-subset (the draws' distribution is invariant under
    every permutation of [0, n)); when s >= k, the first k of S in an order given by random
    keys are a uniformly random ordered k-sample.  When s < k (rare), draw again: the
    stopping rule looks at s only, so the result keeps its distribution."""
    from ._integers import integers
    m = k + _sparse_margin(k, n)
    while True:
        distinct = _unique(integers(bitgen, 0, n, (m,), _I64, False, "choice"))
        s = distinct.size
        if s >= k:
            break
        m += m - s + _sparse_margin(k, n)
    order = _argsort_last(_keys(bitgen, (s,)))
    return _take(distinct, order[:k])


def permutation_indices(bitgen, rows: int, k: int, n: int, row_step: int = 0) -> ndarray:
    """(rows, k) int64: the first k entries of ``rows`` independent uniformly random
    permutations of [0, n), row r's offset by r * row_step."""
    if rows * k == 0:
        return _empty((rows, k), _I64)
    if rows == 1 and n >= _SPARSE_MIN_N and k * _SPARSE_RATIO <= n:
        return _sparse_sample(bitgen, k, n).reshape(1, k)
    idx = _argsort_last(_keys(bitgen, (rows, n)))
    return _rows_prefix(idx, k, row_step)


def _take(a, idx, axis=None):
    # the indices are in range by construction: "clip" skips the bounds check and its sync
    return _cp().take(a, idx, axis=axis, mode="clip")


def _as_device(x, name="x") -> ndarray:
    if isinstance(x, ndarray):
        return x
    if isinstance(x, (numpy.ndarray, list, tuple)):
        raise P.host_array_error(name)
    raise TypeError(f"{name} must be a cuarray.ndarray")


def permutation(bitgen, x, axis=0):
    """See numpy.random.Generator.permutation (RandomState's: axis 0)."""
    if not isinstance(x, ndarray):
        if isinstance(x, (numpy.ndarray, list, tuple)):
            raise P.host_array_error("x")
        try:
            n = operator.index(x)
        except TypeError:
            raise numpy.exceptions.AxisError(axis, 0) from None
        return permutation_indices(bitgen, 1, max(n, 0), max(n, 0)).reshape(max(n, 0))
    if x.ndim == 0:
        raise numpy.exceptions.AxisError(axis, 0)
    axis = normalize_axis_index(axis, x.ndim)
    n = x.shape[axis]
    idx = permutation_indices(bitgen, 1, n, n).reshape(n)
    return _take(x, idx, axis)


def shuffle(bitgen, x, axis=0):
    """In place along ``axis``.  See numpy.random.Generator.shuffle."""
    x = _as_device(x)
    if x.ndim == 0:
        raise TypeError("len() of unsized object")
    axis = normalize_axis_index(axis, x.ndim)
    n = x.shape[axis]
    if n <= 1:
        return
    idx = permutation_indices(bitgen, 1, n, n).reshape(n)
    from .._engine.copy import copy_into
    copy_into(x, _take(x, idx, axis))


def permuted(bitgen, x, axis=None, out=None):
    """Each 1-D slice along ``axis`` shuffled independently (axis None: the flattened array).
    See numpy.random.Generator.permuted."""
    cp = _cp()
    x = _as_device(x)
    if out is not None:
        if not isinstance(out, ndarray):
            raise TypeError("out must be a cuarray.ndarray")
        if out.shape != x.shape:
            raise ValueError("out must have the same shape as x")
    if x.ndim == 0:
        raise TypeError("len() of unsized object")
    if axis is None:
        n = x.size
        idx = permutation_indices(bitgen, 1, n, n).reshape(n)
        result = _take(x, idx).reshape(x.shape)
    else:
        axis = normalize_axis_index(axis, x.ndim)
        moved = cp.moveaxis(x, axis, -1)
        n = x.shape[axis]
        rows = x.size // n if n else 0
        idx = permutation_indices(bitgen, rows, n, n, row_step=n)
        result = cp.moveaxis(_take(moved, idx).reshape(moved.shape), -1, axis)
    if out is None:
        return cp.ascontiguousarray(result) if not (result._c or result._f) else result
    from .._engine.copy import copy_into
    copy_into(out, result)
    return out


# -- choice ------------------------------------------------------------------------------------------
def _population(a, axis, legacy):
    """(population size, the array or None)."""
    if isinstance(a, ndarray):
        if a.ndim == 0:
            return operator.index(a.item()), None
        if legacy and a.ndim != 1:
            raise ValueError("a must be 1-dimensional")
        if not -a.ndim <= axis < a.ndim:
            raise IndexError("tuple index out of range")
        return a.shape[axis], a
    if isinstance(a, (numpy.ndarray, list, tuple)):
        raise P.host_array_error("a")
    try:
        return operator.index(a), None
    except TypeError:
        if legacy:
            raise ValueError("a must be 1-dimensional or an integer") from None
        raise ValueError(f"a must be a sequence or an integer, not {type(a)}") from None


def _check_p(p, pop, legacy, replace, want):
    """NumPy's checks of choice's p, read back with one synchronisation; p as float64."""
    msgs = _MSG[legacy]
    if isinstance(p, (numpy.ndarray, list, tuple)):
        raise P.host_array_error("p")
    if not isinstance(p, ndarray):
        raise TypeError("p must be a cuarray.ndarray")
    if p.ndim != 1:
        raise ValueError(msgs["p1d"])
    if p.size != pop:
        raise ValueError(msgs["psize"])
    atol = float(numpy.sqrt(numpy.finfo(numpy.float64).eps))
    if p.dtype.kind == "f":
        atol = max(atol, float(numpy.sqrt(numpy.finfo(p.dtype).eps)))
    cp = _cp()
    p64 = p.astype(_F64) if p.dtype != _F64 else p
    stats = cp.stack([cp.any(cp.isnan(p64)).astype(_F64), cp.any(cp.less(p64, 0)).astype(_F64),
                      cp.sum(p64), cp.count_nonzero(cp.greater(p64, 0)).astype(_F64)])
    nan, neg, total, nonzero = stats.get().tolist()
    if nan:
        raise ValueError(msgs["pnan"])
    if neg:
        raise ValueError(msgs["pneg"])
    if abs(total - 1.0) > atol:
        raise ValueError(msgs["psum"])
    if not replace and nonzero < want:
        raise ValueError("Fewer non-zero entries in p than size")
    return p64


def choice(bitgen, a, size=None, replace=True, p=None, axis=0, legacy=False):
    """See numpy.random.Generator.choice and numpy.random.RandomState.choice."""
    msgs = _MSG[legacy]
    pop, arr = _population(a, axis, legacy)
    shape = P.normalize_size(size)
    want = 1 if shape is None else _shape_size(shape)
    if pop <= 0 and want:
        raise ValueError(msgs["empty"] if arr is not None else msgs["pos"])
    p64 = None if p is None else _check_p(p, pop, legacy, replace, want)
    if not replace and want > pop:
        raise ValueError(msgs["big"])
    out_shape = () if shape is None else shape
    if replace:
        idx = _with_replacement(bitgen, pop, out_shape, p64)
    elif p64 is None:
        idx = permutation_indices(bitgen, 1, want, pop).reshape(out_shape)
    else:
        idx = _weighted_without_replacement(bitgen, p64, want).reshape(out_shape)
    if arr is None:
        return idx
    return _take(arr, idx, axis)


def _with_replacement(bitgen, pop, shape, p64):
    if pop <= 0:                    # nothing to draw from, and no draws asked for
        return _empty(shape, _I64)
    if p64 is None:
        from ._integers import integers
        return integers(bitgen, 0, pop, shape, _I64, False, "choice")
    cp = _cp()
    cdf = cp.cumsum(p64)
    cdf = cp.divide(cdf, cdf[-1])
    out = _empty(shape, _I64)
    n = out.size
    if n:
        k0, k1, s_lo, s_hi, _, _ = bitgen._reserve((n + 1) // 2, 0)
        R.get("choice_cdf").launch_1d(R.grid((n + 1) // 2), R.BLOCK,
                                      (out._ptr, n, k0, k1, s_lo, s_hi, cdf._ptr, pop))
    return out


def _weighted_without_replacement(bitgen, p64, want):
    from .._routines.sorting import argsort
    from ._generator import Generator
    cp = _cp()
    e = Generator(bitgen).standard_exponential(p64.size)
    keys = cp.divide(e, p64)                     # p == 0: +inf, drawn last (never, here)
    return argsort(keys)[:want]


# -- multinomial, multivariate hypergeometric, dirichlet -------------------------------------------
def multinomial(bitgen, n, pvals, size=None):
    """See numpy.random.Generator.multinomial (RandomState's too)."""
    cp = _cp()
    narg = P.parse(n, "n", "i")
    if narg.device and not numpy.can_cast(narg.value.dtype, _I64, "safe"):
        raise TypeError(f"Cannot cast array data from {narg.value.dtype!r} to dtype('int64') "
                        "according to the rule 'safe'")
    pv = _as_device(pvals, "pvals")
    if pv.ndim == 0 or pv.shape[-1] == 0:
        raise ValueError("pvals must have at least 1 dimension and the last dimension of pvals "
                         "must be greater than 0.")
    pv = pv.astype(_F64) if pv.dtype != _F64 else pv
    d = pv.shape[-1]
    bad = cp.any(cp.logical_not(cp.logical_and(cp.greater_equal(pv, 0), cp.less_equal(pv, 1))))
    head = cp.sum(pv[..., :-1], axis=-1) if d > 1 else cp.zeros(pv.shape[:-1])
    flags = [bad, cp.any(cp.greater(head, 1.0 + 1e-12))]
    checks = [("pvals < 0, pvals > 1 or pvals contains NaNs"),
              ("sum(pvals[:-1]) > 1.0" if pv.ndim == 1 else "sum(pvals[...,:-1]) > 1.0")]
    if narg.device:
        flags.append(cp.any(cp.less(narg.value, 0)))
    values = cp.stack([f.reshape(1) for f in flags]).ravel().get().tolist()
    for v, msg in zip(values, checks):
        if v:
            raise ValueError(msg)
    if (narg.device and values[2]) or (not narg.device and narg.value < 0):
        raise ValueError("n < 0")
    batch = numpy.broadcast_shapes(narg.value.shape if narg.device else (), pv.shape[:-1])
    if size is not None:
        shape = P.normalize_size(size)
        b = numpy.broadcast_shapes(shape, narg.value.shape if narg.device else (), pv.shape[:-1])
        if b != shape:
            raise ValueError(f"Output size {shape} is not compatible with broadcast dimensions "
                             f"of inputs {b}.")
        batch = shape
    rows = _shape_size(batch)
    out = _empty(batch + (d,), _I64)
    if not rows:
        return out
    if narg.device:
        ns, n_step = cp.ascontiguousarray(cp.broadcast_to(narg.value.astype(_I64), batch)), 1
    else:
        ns, n_step = _from_host(numpy.array([narg.value], numpy.int64)), 0
    if pv.ndim == 1:
        ps, p_step = cp.ascontiguousarray(pv), 0
    else:
        ps, p_step = cp.ascontiguousarray(cp.broadcast_to(pv, batch + (d,))), d
    k0, k1, _, _, f_lo, f_hi = bitgen._reserve(0, rows)
    R.get("multinomial").launch_1d(R.grid(rows), R.BLOCK, (out._ptr, rows, d, ns._ptr, n_step,
                                                           ps._ptr, p_step, k0, k1, f_lo, f_hi))
    return out


def _host_vector(x, name):
    """A small device parameter vector read back to the host (one synchronisation)."""
    return _as_device(x, name).get()


def multivariate_hypergeometric(bitgen, colors, nsample, size=None, method="marginals"):
    """See numpy.random.Generator.multivariate_hypergeometric."""
    if method not in ("count", "marginals"):
        raise ValueError('method must be "count" or "marginals".')
    host = _host_vector(colors, "colors")
    if host.ndim != 1 or host.dtype.kind not in "iu" or (host.size and host.min() < 0):
        raise ValueError("colors must be a one-dimensional sequence of nonnegative integers "
                         "not exceeding 9223372036854775807.")
    if isinstance(nsample, (float, numpy.floating)) or not hasattr(nsample, "__index__"):
        raise ValueError("nsample must be an integer")
    nsample = operator.index(nsample)
    if nsample < 0:
        raise ValueError("nsample must be nonnegative.")
    total = int(host.astype(object).sum()) if host.size else 0
    if total >= 10**9:
        raise ValueError(f'When method is "{method}", sum(colors) must be less than 1000000000.')
    if nsample > total:
        raise ValueError("nsample > sum(colors)")
    shape = P.normalize_size(size)
    batch = () if shape is None else shape
    d = host.size
    out = _empty(batch + (d,), _I64)
    rows = _shape_size(batch)
    if rows and d:
        cols = _from_host(host.astype(numpy.int64))
        k0, k1, _, _, f_lo, f_hi = bitgen._reserve(0, rows)
        R.get("mvhg").launch_1d(R.grid(rows), R.BLOCK, (out._ptr, rows, d, cols._ptr, total,
                                                        nsample, k0, k1, f_lo, f_hi))
    return out


def dirichlet(bitgen, alpha, size=None, legacy=False):
    """See numpy.random.Generator.dirichlet (RandomState's: ``legacy``)."""
    if not isinstance(alpha, ndarray):
        if isinstance(alpha, (numpy.ndarray, list, tuple)):
            raise P.host_array_error("alpha")
        raise TypeError(f"object of type '{type(alpha).__name__}' has no len()")
    if alpha.ndim != 1:
        raise ValueError("setting an array element with a sequence. The requested array would "
                         "exceed the maximum number of dimension of 1.")
    host = alpha.get().astype(numpy.float64)
    if legacy:
        if numpy.any(numpy.less_equal(host, 0)):
            raise ValueError("alpha <= 0")
    elif numpy.any(numpy.less(host, 0)):
        raise ValueError("alpha < 0")
    shape = P.normalize_size(size)
    batch = () if shape is None else shape
    d = host.size
    out = _empty(batch + (d,), _F64)
    rows = _shape_size(batch)
    if rows and d:
        tail = numpy.cumsum(host[::-1])[::-1].copy()
        stick = 1 if (not legacy and host.max() < 0.1) else 0
        a_dev, t_dev = _from_host(host), _from_host(tail)
        k0, k1, _, _, f_lo, f_hi = bitgen._reserve(0, rows)
        R.get("dirichlet").launch_1d(R.grid(rows), R.BLOCK, (out._ptr, rows, d, a_dev._ptr,
                                                             t_dev._ptr, stick, k0, k1, f_lo, f_hi))
    return out


# -- multivariate normal ---------------------------------------------------------------------------
def multivariate_normal(gen, mean, cov, size=None, check_valid="warn", tol=1e-8, method="svd"):
    """See numpy.random.Generator.multivariate_normal; the factor is computed on the host."""
    if method not in {"eigh", "svd", "cholesky"}:
        raise ValueError("method must be one of {'eigh', 'svd', 'cholesky'}")
    cp = _cp()
    m, c = _as_device(mean, "mean"), _as_device(cov, "cov")
    shape = P.normalize_size(size)
    shape = () if shape is None else shape
    if m.ndim != 1:
        raise ValueError("mean must be 1 dimensional")
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        raise ValueError("cov must be 2 dimensional and square")
    if m.shape[0] != c.shape[0]:
        raise ValueError("mean and cov must have same length")
    d = m.shape[0]
    both = cp.concatenate([m.astype(_F64).ravel(), c.astype(_F64).ravel()]).get()
    host_cov = both[d:].reshape(d, d)
    factor = _factor(host_cov, check_valid, tol, method)
    z = gen.standard_normal(shape + (d,))
    x = cp.matmul(z, _from_host(numpy.ascontiguousarray(factor.T)))
    return cp.add(x, _from_host(both[:d]))


def _factor(cov, check_valid, tol, method):
    """NumPy's factor F of cov (x = z @ F.T) and its positive-semidefinite check."""
    if method == "svd":
        u, s, vh = numpy.linalg.svd(cov)
    elif method == "eigh":
        s, u = numpy.linalg.eigh(cov)
    else:
        lower = numpy.linalg.cholesky(cov)
    if check_valid != "ignore" and method != "cholesky":
        if check_valid not in ("warn", "raise"):
            raise ValueError("check_valid must equal 'warn', 'raise', or 'ignore'")
        if method == "svd":
            psd = numpy.allclose(numpy.dot(vh.T * s, vh), cov, rtol=tol, atol=tol)
        else:
            psd = not numpy.any(s < -tol)
        if not psd:
            if check_valid == "warn":
                warnings.warn("covariance is not symmetric positive-semidefinite.",
                              RuntimeWarning, stacklevel=4)
            else:
                raise ValueError("covariance is not symmetric positive-semidefinite.")
    if method == "cholesky":
        return lower
    if method == "eigh":
        return u * numpy.sqrt(numpy.abs(s))
    return u * numpy.sqrt(s)
