"""``cuarray.polynomial``: the convenience classes of ``numpy.polynomial`` for device data.

Polynomial, Chebyshev, Legendre, Laguerre, Hermite and HermiteE are NumPy's classes with
these differences:

- the coefficients (and domain, window) are small host NumPy arrays, as in NumPy; device
  arrays given for them are copied to the host;
- calling a series on a device array evaluates it on the device (NumPy's recurrence for
  the basis, one kernel per step) and returns a device array; ``linspace`` and ``roots``
  return device arrays;
- ``fit`` and ``fromroots`` accept device arrays and compute on the host with NumPy;
- arithmetic, ``deriv``, ``integ``, ``convert``, ``cast``, ``trim``, ``truncate`` and
  printing are NumPy's, on the host coefficients.

The function modules (``numpy.polynomial.polynomial.polyval`` and the like) are not
provided; ``cuarray.polyval`` and the other legacy functions cover the power series.
"""

from ._classes import Chebyshev as Chebyshev
from ._classes import Hermite as Hermite
from ._classes import HermiteE as HermiteE
from ._classes import Laguerre as Laguerre
from ._classes import Legendre as Legendre
from ._classes import Polynomial as Polynomial
from numpy.polynomial import set_default_printstyle as set_default_printstyle

__all__ = ["Polynomial", "Chebyshev", "Legendre", "Hermite", "HermiteE", "Laguerre",
           "set_default_printstyle"]
