"""NumPy's polynomial classes with device evaluation (see ``cuarray.polynomial``)."""

from __future__ import annotations

import numpy
import numpy.polynomial as _npp
from numpy.polynomial import polyutils as _pu

from .._core.ndarray import _from_host, ndarray


def _host(x):
    """A device array's host copy (a synchronisation); anything else unchanged."""
    return x.get() if isinstance(x, ndarray) else x


class _DeviceSeries:
    """What the six classes add to NumPy's: device arguments and results."""

    def __init__(self, coef, domain=None, window=None, symbol="x"):
        super().__init__(_host(coef), _host(domain), _host(window), symbol)

    def __call__(self, arg):
        if not isinstance(arg, ndarray):
            return super().__call__(arg)
        # NumPy's mapdomain (off + scl * x) and its recurrence for the basis, with the
        # operations on device arrays: each step is one kernel, in NumPy's dtypes.
        off, scl = _pu.mapparms(self.domain, self.window)
        return self._val(off + scl * arg, self.coef)

    def linspace(self, n=100, domain=None):
        """(x, self(x)) at ``n`` equally spaced points of ``domain``, as device arrays.
        See numpy.polynomial.Polynomial.linspace."""
        from .._routines.ranges import linspace
        domain = self.domain if domain is None else _host(domain)
        x = linspace(domain[0], domain[1], n)
        return x, self(x)

    def roots(self):
        """The roots of the series (NumPy's, computed on the host) as a device array."""
        return _from_host(numpy.asarray(super().roots()))

    @classmethod
    def fit(cls, x, y, deg, domain=None, rcond=None, full=False, w=None, window=None,
            symbol="x"):
        """Least-squares fit (computed on the host by NumPy; device arrays are copied
        there).  See numpy.polynomial.Polynomial.fit."""
        return super().fit(_host(x), _host(y), _host(deg), domain=_host(domain), rcond=rcond,
                           full=full, w=_host(w), window=_host(window), symbol=symbol)

    @classmethod
    def fromroots(cls, roots, domain=[], window=None, symbol="x"):  # noqa: B006 - NumPy's
        """The series with the given roots (on the host).  See
        numpy.polynomial.Polynomial.fromroots."""
        return super().fromroots(_host(roots), domain=_host(domain), window=_host(window),
                                 symbol=symbol)


def _make(np_cls):
    doc = (f"{np_cls.__name__} series with host coefficients and device evaluation.  See "
           f"numpy.polynomial.{np_cls.__name__} and cuarray.polynomial.")
    return type(np_cls.__name__, (_DeviceSeries, np_cls),
                {"__doc__": doc, "__module__": "cuarray.polynomial"})


Polynomial = _make(_npp.Polynomial)
Chebyshev = _make(_npp.Chebyshev)
Legendre = _make(_npp.Legendre)
Laguerre = _make(_npp.Laguerre)
Hermite = _make(_npp.Hermite)
HermiteE = _make(_npp.HermiteE)
