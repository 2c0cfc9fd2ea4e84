"""Polynomials, the legacy ``poly1d`` interface (NumPy reference: "Polynomials", "Power
series (numpy.polynomial.polynomial)" is ``cuarray.polynomial``).

Coefficients live on the device.  polyval is one kernel (Horner's rule in NumPy's
order and dtypes, every step rounded as NumPy's array operations round it); polyadd,
polysub, polymul (``convolve``), polyder, polyint and polyfit's Vandermonde matrix and
scaling are device routines.

On the host, with NumPy, and documented in each function:
- polydiv, poly and roots: sequential algorithms on a handful of coefficients whose
  result's shape or dtype depends on the values (trailing remainder zeros, conjugate
  pairs, the companion matrix's eigenvalues); the coefficients are copied to the host
  once and the results back;
- polyfit's least-squares solve (and ``cov``'s inverse) use ``cuarray.linalg`` where it
  provides ``lstsq``/``inv``, else NumPy's on a host copy of the (deg+1)-column system.
Stripping leading zero coefficients (every ``poly1d``) reads back one index.
"""

from __future__ import annotations

import operator
import warnings

import numpy

from .._core.dtypes import ctype
from .._core.ndarray import _from_host, ndarray
from .._engine.elementwise import ElementwiseOp
from ._args import device_operand

_F64 = numpy.dtype(numpy.float64)
_U64 = numpy.dtype(numpy.uint64)
_I64 = numpy.dtype(numpy.int64)
_HALF = numpy.dtype(numpy.float16)
_ops: dict = {}


# -- arguments --------------------------------------------------------------------------------
def _coefficients(p, fname: str) -> ndarray:
    """A coefficient argument: a poly1d's coefficients, a device array or a scalar."""
    if isinstance(p, poly1d):
        return p.coeffs
    return device_operand(p, fname)


def _atleast_1d(p, fname: str) -> ndarray:
    p = _coefficients(p, fname)
    return p.reshape((1,)) if p.ndim == 0 else p


def _host(*arrays) -> list:
    """Host copies of several device arrays with one transfer (their bytes, concatenated)."""
    if len(arrays) == 1:
        return [arrays[0].get()]
    from .joining import concatenate
    u8 = numpy.dtype(numpy.uint8)
    parts = [(a if a._c else a.copy()).reshape((a.size,)).view(u8) for a in arrays]
    raw = concatenate(parts).get()
    out, start = [], 0
    for a, b in zip(arrays, parts):
        out.append(raw[start:start + b.size].view(a.dtype).reshape(a.shape))
        start += b.size
    return out


def _first_nonzero(*arrays) -> list:
    """For each 1-D array the index of its first nonzero element (its length when there is
    none), read back with one transfer."""
    from .._ufunc.namespace import not_equal
    from .joining import stack
    from .reductions import any as _any
    from .reductions import argmax
    flags = []
    for a in arrays:
        if a.size:
            nz = not_equal(a, 0)
            flags += [argmax(nz), _any(nz)]
    host = stack(flags).get().tolist() if flags else []
    out = []
    for a in arrays:
        if a.size:
            first, found = host[0], host[1]
            host = host[2:]
            out.append(int(first) if found else a.size)
        else:
            out.append(0)
    return out


# -- poly1d -------------------------------------------------------------------------------------
class poly1d:  # noqa: N801 - NumPy's name
    """A one-dimensional polynomial with device coefficients.  See numpy.poly1d.

    Differences from NumPy: the coefficients are a device array (a list or scalars given
    to the constructor are copied to the device); stripping leading zeros reads back one
    index (a synchronisation), as does printing; ``roots`` is computed on the host.
    """

    __hash__ = None

    def __init__(self, c_or_r, r=False, variable=None):
        if isinstance(c_or_r, poly1d):
            self._variable = c_or_r._variable
            self._coeffs = c_or_r._coeffs
            if variable is not None:
                self._variable = variable
            return
        if r:
            c_or_r = poly(_as_coefficients(c_or_r))
        c = _as_coefficients(c_or_r)
        if c.ndim == 0:
            c = c.reshape((1,))
        if c.ndim > 1:
            raise ValueError("Polynomial must be 1d only.")
        (first,) = _first_nonzero(c)
        c = c[first:]
        if c.size == 0:
            from .creation import zeros
            c = zeros((1,), c.dtype)
        self._coeffs = c
        self._variable = "x" if variable is None else variable

    @classmethod
    def _trimmed(cls, coeffs, variable=None):
        """A poly1d of coefficients whose leading zeros are already stripped."""
        p = object.__new__(cls)
        p._coeffs, p._variable = coeffs, "x" if variable is None else variable
        return p

    # Backed by __dict__['coeffs'], as NumPy's (SciPy relies on it).
    @property
    def _coeffs(self):
        return self.__dict__["coeffs"]

    @_coeffs.setter
    def _coeffs(self, coeffs):
        self.__dict__["coeffs"] = coeffs

    @property
    def coeffs(self):
        """The polynomial coefficients (a device array)."""
        return self._coeffs

    @coeffs.setter
    def coeffs(self, value):
        if value is not self._coeffs:       # allows p.coeffs *= 2
            raise AttributeError("Cannot set attribute")

    @property
    def variable(self):
        """The name of the polynomial variable."""
        return self._variable

    @property
    def order(self):
        """The order or degree of the polynomial."""
        return self._coeffs.size - 1

    @property
    def roots(self):
        """The roots of the polynomial, where self(x) == 0 (computed on the host)."""
        return roots(self._coeffs)

    r = roots
    c = coef = coefficients = coeffs
    o = order

    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Use "
                        "`p.coeffs.get()` to copy the coefficients to the host explicitly.")

    def __repr__(self):
        return f"poly1d({repr(self.coeffs)[6:-1]})"

    def __str__(self):
        return str(numpy.poly1d(self.coeffs.get(), variable=self.variable))

    def __len__(self):
        return self.order

    def __call__(self, val):
        return polyval(self.coeffs, val)

    def __neg__(self):
        return poly1d._trimmed(-self.coeffs)

    def __pos__(self):
        return self

    def __mul__(self, other):
        if numpy.isscalar(other):
            return poly1d(self.coeffs * other)
        return poly1d(polymul(self.coeffs, poly1d(other).coeffs))

    def __rmul__(self, other):
        if numpy.isscalar(other):
            return poly1d(other * self.coeffs)
        return poly1d(polymul(self.coeffs, poly1d(other).coeffs))

    def __add__(self, other):
        return poly1d(polyadd(self.coeffs, poly1d(other).coeffs))

    __radd__ = __add__

    def __pow__(self, val):
        if not numpy.isscalar(val) or int(val) != val or val < 0:
            raise ValueError("Power to non-negative integers only.")
        from .creation import asarray
        res = asarray([1])
        for _ in range(val):
            res = polymul(self.coeffs, res)
        return poly1d(res)

    def __sub__(self, other):
        return poly1d(polysub(self.coeffs, poly1d(other).coeffs))

    def __rsub__(self, other):
        return poly1d(polysub(poly1d(other).coeffs, self.coeffs))

    def __truediv__(self, other):
        if numpy.isscalar(other):
            return poly1d(self.coeffs / other)
        return polydiv(self, poly1d(other))

    def __rtruediv__(self, other):
        if numpy.isscalar(other):
            return poly1d(other / self.coeffs)
        return polydiv(poly1d(other), self)

    def __eq__(self, other):
        if not isinstance(other, poly1d):
            return NotImplemented
        if self.coeffs.shape != other.coeffs.shape:
            return False
        return (self.coeffs == other.coeffs).all()

    def __ne__(self, other):
        if not isinstance(other, poly1d):
            return NotImplemented
        return not self.__eq__(other)

    def __getitem__(self, val):
        if val > self.order or val < 0:
            return self.coeffs.dtype.type(0)
        return self.coeffs[self.order - val]

    def __setitem__(self, key, val):
        ind = self.order - key
        if key < 0:
            raise ValueError("Does not support negative powers.")
        if key > self.order:
            from .creation import zeros
            from .joining import concatenate
            self._coeffs = concatenate((zeros(key - self.order, self.coeffs.dtype),
                                        self.coeffs))
            ind = 0
        self._coeffs[ind] = val

    def __iter__(self):
        return iter(self.coeffs)

    def integ(self, m=1, k=0):
        """An antiderivative of this polynomial.  See numpy.poly1d.integ."""
        return poly1d(polyint(self.coeffs, m=m, k=k))

    def deriv(self, m=1):
        """A derivative of this polynomial.  See numpy.poly1d.deriv."""
        return poly1d(polyder(self.coeffs, m=m))


def _as_coefficients(c) -> ndarray:
    """poly1d's constructor argument as a device array (host sequences are copied, as a
    creation function copies them)."""
    if isinstance(c, ndarray):
        return c
    if isinstance(c, poly1d):
        return c.coeffs
    from .creation import asarray
    return asarray(c)


# -- polyval ------------------------------------------------------------------------------------
_POLYVAL_PRE = """
namespace cuarray_pv {
template <typename T> __device__ __forceinline__ T mul(T a, T b) { return a * b; }
template <typename T> __device__ __forceinline__ T add(T a, T b) { return a + b; }
__device__ __forceinline__ bool mul(bool a, bool b) { return a && b; }
__device__ __forceinline__ bool add(bool a, bool b) { return a || b; }
__device__ __forceinline__ float mul(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ float add(float a, float b) { return __fadd_rn(a, b); }
__device__ __forceinline__ double mul(double a, double b) { return __dmul_rn(a, b); }
__device__ __forceinline__ double add(double a, double b) { return __dadd_rn(a, b); }
}
"""


def polyval_body(x_dt: numpy.dtype, p_dt: numpy.dtype, res: numpy.dtype) -> str:
    """NumPy's ``y = zeros_like(x); for pv in p: y = y * x + pv`` for one element: the first
    product in x's dtype, the rest in the result dtype, each operation rounded (float16:
    to half) as NumPy's array operations round them.  in0 = x, in1 = the coefficients'
    address, in2 = their number."""
    from . import elementwise as _el
    r = _el.cvalue_type(res)
    half = res == _HALF

    def rnd(e):
        return f"cuarray_rt::rh({e})" if half else e
    # 0 * x is exact (or NaN) in every dtype: no rounding to x's dtype is needed.
    first = _el.cconvert("cuarray_pv::mul((in0_type)0, in0)", x_dt, res)
    coef = _el.cconvert(_pv_load(p_dt), p_dt, res)
    return (f"const {ctype(p_dt)}* pv_c = reinterpret_cast<const {ctype(p_dt)}*>(in1);\n"
            f"const {r} pv_x = {_el.cconvert('in0', x_dt, res)};\n"
            f"{r} pv_y = {first};\n"
            "for (long long pv_k = 0; pv_k < in2; ++pv_k) {\n"
            f"  if (pv_k) pv_y = {rnd('cuarray_pv::mul(pv_y, pv_x)')};\n"
            f"  pv_y = {rnd(f'cuarray_pv::add(pv_y, {coef})')};\n"
            "}\n"
            "out0 = pv_y")


def _pv_load(p_dt) -> str:
    return "__half2float(pv_c[pv_k])" if p_dt == _HALF else "pv_c[pv_k]"


def polyval_op(x_dt, p_dt, res) -> ElementwiseOp:
    key = (x_dt, p_dt, res)
    op = _ops.get(key)
    if op is None:
        from . import elementwise as _el
        pre = ("#include <cuda_fp16.h>\n" if _HALF in key else "") + _POLYVAL_PRE
        if res == _HALF or x_dt == _HALF:
            pre += _el.HALF_ROUND
        if "c" in (x_dt.kind, p_dt.kind, res.kind):
            pre = "#include <cuarray/complex.cuh>\n" + pre
        op = _ops[key] = ElementwiseOp("polyval", polyval_body(x_dt, p_dt, res), 3, 1, pre)
    return op


def polyval(p, x):
    """See numpy.polyval.  One kernel evaluates Horner's rule for every element of ``x``.

    Differences from NumPy: ``p`` must be 1-d (NumPy also accepts a 2-d ``p``, iterating
    over its rows).
    """
    if isinstance(x, poly1d):
        y = 0
        for pv in _coefficients(p, "polyval"):
            y = y * x + pv
        return y
    p = _coefficients(p, "polyval")
    x = device_operand(x, "polyval")
    if p.ndim == 0:
        raise TypeError("iteration over a 0-d array")       # NumPy iterates over p
    if p.ndim > 1:
        raise ValueError("polyval: the coefficients must be 1-d")
    from .._ufunc.ufunc import _new_output
    if p.size == 0:
        from .creation import zeros_like
        return zeros_like(x)
    res = numpy.result_type(x.dtype, p.dtype)
    if not p._c:
        p = p.copy()
    from . import elementwise as _el
    out = _new_output(x.shape, res, "K", (x,))
    plan = _el.Plan(polyval_op(x.dtype, p.dtype, res), (x.dtype, _U64, _I64), res, "add")
    return _el.apply(plan, [x, numpy.uint64(p._ptr), numpy.int64(p.size)], out)


# -- addition, subtraction, multiplication --------------------------------------------------------
def _padded(a1, a2):
    """``a1``, ``a2`` with zeros in front of the shorter, as NumPy's polyadd pads."""
    from .creation import zeros
    from .joining import concatenate
    diff = a2.size - a1.size
    if diff > 0:
        a1 = concatenate((zeros(diff, a1.dtype), a1))
    elif diff < 0:
        a2 = concatenate((zeros(-diff, a2.dtype), a2))
    return a1, a2


def polyadd(a1, a2):
    """See numpy.polyadd."""
    truepoly = isinstance(a1, poly1d) or isinstance(a2, poly1d)
    x, y = _padded(_atleast_1d(a1, "polyadd"), _atleast_1d(a2, "polyadd"))
    val = x + y
    return poly1d(val) if truepoly else val


def polysub(a1, a2):
    """See numpy.polysub."""
    truepoly = isinstance(a1, poly1d) or isinstance(a2, poly1d)
    x, y = _padded(_atleast_1d(a1, "polysub"), _atleast_1d(a2, "polysub"))
    val = x - y
    return poly1d(val) if truepoly else val


def polymul(a1, a2):
    """See numpy.polymul.  Leading zeros are stripped first, as NumPy's poly1d strips them
    (one synchronisation for both operands)."""
    from .correlation import convolve
    truepoly = isinstance(a1, poly1d) or isinstance(a2, poly1d)
    x, y = _atleast_1d(a1, "polymul"), _atleast_1d(a2, "polymul")
    if x.ndim > 1 or y.ndim > 1:
        raise ValueError("Polynomial must be 1d only.")
    fx, fy = _first_nonzero(x, y)
    x, y = _nonempty(x[fx:]), _nonempty(y[fy:])
    val = convolve(x, y)
    return poly1d(val) if truepoly else val


def _nonempty(c):
    if c.size:
        return c
    from .creation import zeros
    return zeros((1,), c.dtype)


# -- derivative and integral ---------------------------------------------------------------------
def polyder(p, m=1):
    """See numpy.polyder."""
    from .ranges import arange
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    truepoly = isinstance(p, poly1d)
    p = _coefficients(p, "polyder")
    len(p)                  # NumPy's TypeError for a 0-d p, whatever m
    val = p
    for _ in range(m):
        val = val[:-1] * arange(len(val) - 1, 0, -1)
    return poly1d(val) if truepoly else val


def polyint(p, m=1, k=None):
    """See numpy.polyint.  ``k`` (the integration constants) may be host values."""
    from .creation import asarray
    from .joining import concatenate
    from .ranges import arange
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    if k is None:
        k = numpy.zeros(m, float)
    k = numpy.atleast_1d(k.get() if isinstance(k, ndarray) else k)
    if len(k) == 1 and m > 1:
        k = k[0] * numpy.ones(m, float)
    if len(k) < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    truepoly = isinstance(p, poly1d)
    val = _coefficients(p, "polyint")
    for i in range(m):
        val = concatenate((val / arange(len(val), 0, -1), asarray(k[i:i + 1])))
    return poly1d(val) if truepoly else val


# -- on the host: division, roots, poly ----------------------------------------------------------
def polydiv(u, v):
    """See numpy.polydiv.

    Runs on the host with NumPy: a sequential elimination on a few coefficients whose
    remainder's length depends on the values (one transfer each way).
    """
    truepoly = isinstance(u, poly1d) or isinstance(v, poly1d)
    hu, hv = _host(_atleast_1d(u, "polydiv"), _atleast_1d(v, "polydiv"))
    q, r = numpy.polydiv(hu, hv)
    q, r = _from_host(numpy.asarray(q)), _from_host(numpy.asarray(r))
    if truepoly:
        return poly1d(q), poly1d(r)
    return q, r


def roots(p):
    """See numpy.roots.

    Runs on the host with NumPy: the eigenvalues of the (small) companion matrix, whose
    count depends on the zero coefficients (one transfer each way).
    """
    (h,) = _host(_atleast_1d(p, "roots"))
    return _from_host(numpy.asarray(numpy.roots(h)))


def poly(seq_of_zeros):
    """See numpy.poly.

    Runs on the host with NumPy (the eigenvalues of a square matrix argument included):
    whether the result is real depends on the values (one transfer each way).
    """
    (h,) = _host(_atleast_1d(seq_of_zeros, "poly"))
    res = numpy.poly(h)
    if isinstance(res, float):
        return res
    return _from_host(numpy.asarray(res))


# -- polyfit ----------------------------------------------------------------------------------
def _linalg(name):
    """``cuarray.linalg.<name>`` where it exists, else NumPy's on host copies."""
    try:
        from .. import linalg
        fn = getattr(linalg, name)
    except (ImportError, AttributeError):
        fn = None
    if fn is not None:
        return fn
    np_fn = getattr(numpy.linalg, name)

    def host(*args):
        args = [a.get() if isinstance(a, ndarray) else a for a in args]
        res = np_fn(*args)
        wrap = (lambda v: _from_host(numpy.asarray(v)) if isinstance(v, numpy.ndarray) else v)
        return tuple(map(wrap, res)) if isinstance(res, tuple) else wrap(res)
    return host


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """See numpy.polyfit.

    The Vandermonde matrix and its scaling are built on the device; the least-squares
    solve uses ``cuarray.linalg.lstsq`` where it exists, else NumPy's on a host copy of the
    (len(x), deg + 1) system.  The rank warning reads the rank back.
    """
    from .._ufunc.namespace import sqrt
    from .matrices import vander
    order = int(deg) + 1
    x = device_operand(x, "polyfit") + 0.0
    y = device_operand(y, "polyfit") + 0.0
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if x.ndim != 1:
        raise TypeError("expected 1D vector for x")
    if x.size == 0:
        raise TypeError("expected non-empty vector for x")
    if y.ndim < 1 or y.ndim > 2:
        raise TypeError("expected 1D or 2D array for y")
    if x.shape[0] != y.shape[0]:
        raise TypeError("expected x and y to have same length")
    if rcond is None:
        rcond = len(x) * numpy.finfo(x.dtype).eps
    lhs = vander(x, order)
    rhs = y
    if w is not None:
        w = device_operand(w, "polyfit") + 0.0
        if w.ndim != 1:
            raise TypeError("expected a 1-d array for weights")
        if w.shape[0] != y.shape[0]:
            raise TypeError("expected w and y to have the same length")
        lhs *= w[:, None]
        if rhs.ndim == 2:
            rhs *= w[:, None]
        else:
            rhs *= w
    scale = sqrt((lhs * lhs).sum(axis=0))
    lhs /= scale
    c, resids, rank, s = _linalg("lstsq")(lhs, rhs, rcond)
    c = (c.T / scale).T
    if operator.index(rank) != order and not full:
        warnings.warn("Polyfit may be poorly conditioned", numpy.exceptions.RankWarning,
                      stacklevel=2)
    if full:
        return c, resids, rank, s, rcond
    if cov:
        return c, _fit_covariance(lhs, scale, resids, len(x), order, y.ndim, cov)
    return c


def _fit_covariance(lhs, scale, resids, n, order, ydim, cov):
    from .._ufunc.namespace import matmul
    Vbase = _linalg("inv")(matmul(lhs.T, lhs))
    Vbase /= scale[:, None] * scale[None, :]
    if cov == "unscaled":
        fac = 1
    else:
        if n <= order:
            raise ValueError("the number of data points must exceed order to scale the "
                             "covariance matrix")
        fac = resids / (n - order)
    return Vbase * fac if ydim == 1 else Vbase[:, :, None] * fac
