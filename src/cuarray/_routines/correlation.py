"""Correlating (NumPy reference: "Statistics", "Correlating"): cov, corrcoef, correlate,
convolve.

correlate and convolve compute NumPy's direct sums with one kernel, one thread per
output element, accumulating as NumPy's ``dot`` functions do (bool: OR of ANDs;
integers: in 64 bits, wrapped to the result dtype at the end; float16: in float32;
complex: complex multiply-adds).  Long floating-point inputs use the FFT instead when
``cuarray.fft`` is there (``FFT_MIN_SHORTER``, ``FFT_MIN_WORK``); the direct sums are
always used for integers and bool, whose results must be exact.

cov and corrcoef follow NumPy's algorithm on the device (mean, centring, one matrix
product).  With weights, the checks NumPy makes on their values and the normalisation
factor are read back together: one synchronisation.
"""

from __future__ import annotations

import operator
import warnings

import numpy

from .._core.dtypes import ctype
from .._core.ndarray import _empty, _view, ndarray
from .._engine import source as _src
from ._args import device_operand, read_back

_F32 = numpy.dtype(numpy.float32)
_F64 = numpy.dtype(numpy.float64)
_BLOCK = 256
_kernels: dict = {}

#: The FFT path runs where the shorter input has at least this many elements ...
FFT_MIN_SHORTER = 256
#: ... and the direct sums would take at least this many multiply-adds.
FFT_MIN_WORK = 2**27

_MODES = {"valid": 0, "same": 1, "full": 2}


# -- the direct kernel -------------------------------------------------------------------------
def accumulator(res: numpy.dtype) -> numpy.dtype:
    """The dtype NumPy's ``dot`` loop for ``res`` accumulates in."""
    if res.kind == "i":
        return numpy.dtype(numpy.int64)
    if res.kind == "u":
        return numpy.dtype(numpy.uint64)
    if res == numpy.dtype(numpy.float16):
        return _F32
    return res


def _load(expr: str, src: numpy.dtype, res: numpy.dtype, acc: numpy.dtype) -> str:
    """An input element cast to the result dtype (as NumPy casts the inputs), then widened."""
    return _src.convert(_src.convert(expr, src, res), res, acc)


def correlate_source(a_dt, b_dt, res, conj: bool) -> tuple[str, str]:
    """(name, source): ``out[j] = sum_k a[j + lag0 + k] * (conj) b[k]`` over the overlap.

    ``a``/``b`` are addressed with element strides (negative for reversed views).
    """
    acc = accumulator(res)
    name = (f"cuarray_correlate__{a_dt.name}_{b_dt.name}_{res.name}"
            f"{'__conj' if conj else ''}")
    x = _load("a[(s + k) * sa]", a_dt, res, acc)
    y = _load("b[k * sb]", b_dt, res, acc)
    if res.kind == "b":
        step = f"if ({x} && {y}) {{ r = true; break; }}"
        init = "bool r = false;"
    else:
        if conj and res.kind == "c":
            y = f"cuarray::conj({y})"
        step = f"r += {x} * {y};"
        init = f"{ctype(acc)} r(0);"
    store = _src.convert("r", acc, res)
    src = (_src.includes((a_dt, b_dt, res, acc)) + f"""
extern "C" __global__ void {name}(const {ctype(a_dt)}* __restrict__ a, const long long sa,
    const long long na, const {ctype(b_dt)}* __restrict__ b, const long long sb,
    const long long nb, {ctype(res)}* __restrict__ out, const long long n_out,
    const long long lag0)
{{
  CUARRAY_GRID_STRIDE_LOOP(long long, j, n_out) {{
    const long long s = j + lag0;
    const long long k0 = s < 0 ? -s : 0;
    const long long k1 = na - s < nb ? na - s : nb;
    {init}
    for (long long k = k0; k < k1; ++k) {{ {step} }}
    out[j] = {store};
  }}
}}
""")
    return name, src


def _direct(a, b, res, conj, offset, length) -> ndarray:
    """Entries ``offset .. offset + length`` of the full correlation of ``a`` with ``b``."""
    key = (a.dtype, b.dtype, res, conj)
    fn = _kernels.get(key)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        name, src = correlate_source(a.dtype, b.dtype, res, conj)
        fn = _kernels[key] = compile_with_cache(src).get_function(name)
    out = _empty((length,), res)
    if length:
        isz_a, isz_b = a.dtype.itemsize, b.dtype.itemsize
        grid = min((length + _BLOCK - 1) // _BLOCK, 2**31 - 1)
        fn(grid, _BLOCK, (a._ptr, a._strides[0] // isz_a, a.size, b._ptr,
                          b._strides[0] // isz_b, b.size, out._ptr, length,
                          offset - (b.size - 1)))
    return out


# -- the FFT path --------------------------------------------------------------------------------
def _fft_module():
    """``cuarray.fft`` where it exists (it is optional here: imported at call time)."""
    try:
        from .. import fft
    except ImportError:
        return None
    needed = ("fft", "ifft", "rfft", "irfft")
    return fft if all(hasattr(fft, n) for n in needed) else None


def fft_length(n: int) -> int:
    """The smallest 2^a 3^b 5^c 7^d >= n (cuFFT's fast sizes)."""
    best = 1
    while best < n:
        best *= 2
    p7 = 1
    while p7 < best:
        p5 = p7
        while p5 < best:
            p3 = p5
            while p3 < best:
                p2 = p3
                while p2 < n:
                    p2 *= 2
                best = min(best, p2)
                p3 *= 3
            p5 *= 5
        p7 *= 7
    return best


def use_fft(na: int, nb: int, res: numpy.dtype) -> bool:
    """Whether the FFT path should compute a correlation of lengths ``na``, ``nb``."""
    return (res.kind in "fc" and min(na, nb) >= FFT_MIN_SHORTER and na * nb >= FFT_MIN_WORK
            and _fft_module() is not None)


def _fft_full(x, y, res) -> ndarray:
    """The full linear convolution of ``x`` and ``y`` through the FFT, in ``res``."""
    fft = _fft_module()
    work = _F32 if res == numpy.dtype(numpy.float16) else res
    x, y = x.astype(work, copy=False), y.astype(work, copy=False)
    n = x.size + y.size - 1
    size = fft_length(n)
    if work.kind == "c":
        full = fft.ifft(fft.fft(x, size) * fft.fft(y, size))
    else:
        full = fft.irfft(fft.rfft(x, size) * fft.rfft(y, size), size)
    return full[:n].astype(res, copy=False)


# -- correlate, convolve -----------------------------------------------------------------------
def _mode(mode) -> int:
    if isinstance(mode, str):
        try:
            return _MODES[mode]
        except KeyError:
            raise ValueError("mode must be one of 'valid', 'same', or 'full' (got "
                             f"{mode!r})") from None
    mode = operator.index(mode)
    if mode not in (0, 1, 2):
        raise ValueError("mode must be one of 'valid', 'same', or 'full' (got "
                         f"{mode!r})")
    return mode


def _vector(x, fname) -> ndarray:
    x = device_operand(x, fname)
    if x.ndim == 0:
        # NumPy's convolve makes its inputs at least 1-d; its correlate does not (the
        # C function asks for exactly one dimension).
        if fname == "correlate":
            raise ValueError("object of too small depth for desired array")
        x = x.reshape((1,))
    if x.ndim != 1:
        raise ValueError("object too deep for desired array")
    return x


def window(na: int, nb: int, mode: int, swapped: bool) -> tuple[int, int]:
    """(offset into the full correlation, length) of NumPy's ``mode`` output.

    NumPy correlates the longer input with the shorter one; where the first input is the
    shorter (``swapped``), its 'same' output starts elsewhere.
    """
    if mode == 2:
        return 0, na + nb - 1
    short, long_ = min(na, nb), max(na, nb)
    if mode == 0:
        return short - 1, long_ - short + 1
    return (na // 2 if swapped else (nb - 1) - nb // 2), long_


def _reversed(v) -> ndarray:
    step = v._strides[0]
    return _view(v, v._shape, (-step,), v.dtype, v._ptr + (v.size - 1) * step)


def correlate(a, v, mode="valid"):
    """See numpy.correlate.

    Differences from NumPy: long floating-point inputs are correlated through the FFT
    when ``cuarray.fft`` is available (see this module's ``FFT_MIN_*``), whose rounding
    errors scale with the largest value rather than with each output.
    """
    a, v = _vector(a, "correlate"), _vector(v, "correlate")
    mode = _mode(mode)
    if not a.size:
        raise ValueError("first array argument cannot be empty")
    if not v.size:
        raise ValueError("second array argument cannot be empty")
    res = numpy.result_type(a.dtype, v.dtype)
    offset, length = window(a.size, v.size, mode, a.size < v.size)
    conj = res.kind == "c"
    if use_fft(a.size, v.size, res):
        y = _reversed(v)
        if v.dtype.kind == "c":
            from .._ufunc.namespace import conjugate
            y = conjugate(y)
        return _fft_full(a, y, res)[offset:offset + length]
    return _direct(a, v, res, conj, offset, length)


def convolve(a, v, mode="full"):
    """See numpy.convolve.

    Differences from NumPy: long floating-point inputs are convolved through the FFT
    when ``cuarray.fft`` is available (see this module's ``FFT_MIN_*``), whose rounding
    errors scale with the largest value rather than with each output.
    """
    a, v = _vector(a, "convolve"), _vector(v, "convolve")
    if v.size > a.size:
        a, v = v, a
    if not a.size:
        raise ValueError("a cannot be empty")
    if not v.size:
        raise ValueError("v cannot be empty")
    mode = _mode(mode)
    res = numpy.result_type(a.dtype, v.dtype)
    offset, length = window(a.size, v.size, mode, False)
    if use_fft(a.size, v.size, res):
        return _fft_full(a, v, res)[offset:offset + length]
    return _direct(a, _reversed(v), res, False, offset, length)


# -- cov, corrcoef ---------------------------------------------------------------------------
class _Checks:
    """NumPy's argument checks in NumPy's order, where some need device values: host
    failures wait until the device checks before them are read (one transfer)."""

    def __init__(self):
        self.device = []        # (0-d bool device array, exception)

    def on_device(self, flag, exc) -> None:
        self.device.append((flag, exc))

    def on_host(self, failed: bool, exc) -> None:
        if failed:
            self.raise_first(exc)

    def raise_first(self, exc=None, extra=()):
        """Read the device flags (and ``extra`` values); raise the first failure (or ``exc``);
        return the extra values."""
        values = read_back([f for f, _ in self.device] + list(extra))
        for (_, e), bad in zip(self.device, values):
            if bad:
                raise e
        if exc is not None:
            raise exc
        return values[len(self.device):]


def _weights(w, name, nobs, checks, integral) -> ndarray:
    from .._ufunc.namespace import equal, less, logical_not
    from .reductions import all as _all, any as _any
    w = device_operand(w, "cov").astype(_F64)
    if integral:
        from .math import around
        checks.on_device(logical_not(_all(equal(w, around(w)))),
                         TypeError("fweights must be integer"))
    checks.on_host(w.ndim > 1, RuntimeError(f"cannot handle multidimensional {name}"))
    checks.on_host(w.shape[0] != nobs, RuntimeError(f"incompatible numbers of samples and "
                                                    f"{name}"))
    checks.on_device(_any(less(w, 0)), ValueError(f"{name} cannot be negative"))
    return w


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """See numpy.cov.

    Differences from NumPy: with ``fweights`` or ``aweights`` the value checks and the
    normalisation factor are read back from the device (one synchronisation); NumPy's
    in-place product of the weights, which writes into a float64 ``fweights``, is not done
    here (the caller's array is left unchanged).
    """
    from .creation import array
    from .joining import concatenate
    from .statistics import average
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    m = device_operand(m, "cov")
    if m.ndim > 2:
        raise ValueError("m has more than 2 dimensions")
    if y is not None:
        y = device_operand(y, "cov")
        if y.ndim > 2:
            raise ValueError("y has more than 2 dimensions")
    if dtype is None:
        dtype = numpy.result_type(m.dtype, *(() if y is None else (y.dtype,)), _F64)
    X = array(m, ndmin=2, dtype=dtype)
    if not rowvar and m.ndim != 1:
        X = X.T
    if X.shape[0] == 0:
        return _empty((0, 0), _F64)
    if y is not None:
        y = array(y, copy=None, ndmin=2, dtype=dtype)
        if not rowvar and y.shape[0] != 1:
            y = y.T
        X = concatenate((X, y), axis=0)
    if ddof is None:
        ddof = 1 if bias == 0 else 0
    checks = _Checks()
    w = None
    if fweights is not None:
        w = _weights(fweights, "fweights", X.shape[1], checks, True)
    if aweights is not None:
        aweights = _weights(aweights, "aweights", X.shape[1], checks, False)
        w = aweights if w is None else w * aweights
    if w is None:
        avg = average(X, axis=1)
        fact = X.shape[1] - ddof
    else:
        avg, w_sum = average(X, axis=1, weights=w, returned=True)
        w_sum = w_sum[0]
        if ddof == 0:
            fact = w_sum
        elif aweights is None:
            fact = w_sum - ddof
        else:
            from .reductions import sum as _sum
            fact = w_sum - ddof * _sum(w * aweights) / w_sum
        (fact,) = checks.raise_first(extra=(fact,))
    if fact <= 0:
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
        fact = 0.0
    return _scaled_product(X, avg, w, fact)


def _scaled_product(X, avg, w, fact) -> ndarray:
    from .._ufunc.namespace import conjugate, matmul
    X -= avg[:, None]
    X_T = X.T if w is None else (X * w).T
    c = matmul(X, conjugate(X_T))
    c *= numpy.true_divide(1, fact)
    return c.squeeze()


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """See numpy.corrcoef."""
    from .._ufunc.namespace import sqrt
    from .math import clip
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim != 2:
        return c / c            # a scalar covariance: NaN for 0, inf or NaN, else 1
    from .matrices import diag
    d = diag(c)
    stddev = sqrt(d.real)
    c /= stddev[:, None]
    c /= stddev[None, :]
    # Clip the real and imaginary parts to [-1, 1], as NumPy does.
    clip(c.real, -1, 1, out=c.real)
    if c.dtype.kind == "c":
        clip(c.imag, -1, 1, out=c.imag)
    return c
