"""Discrete Fourier transform helpers: fftfreq, rfftfreq, fftshift, ifftshift.

The frequencies are made on the device by one kernel (``k * val`` with NumPy's
integer-times-scalar promotion, so the values are NumPy's to the bit); the shifts
are ``roll`` (one gather kernel).
"""

from __future__ import annotations

import numpy

from .._engine import elementwise as _ew

_INTEGER_TYPES = (int, numpy.integer)
_I64 = numpy.dtype("int64")
# out[i] = val * k with k = i, or i - n from index `wrap` on (fftfreq's negative half).
_FREQ = _ew.ElementwiseOp(
    "fft_freq", "long long _k = (long long)_i; if (_k >= in0) _k -= in1; "
    "out0 = in2 * (double)_k", 3, 1)


def _freqs(size: int, wrap: int, n: int, val, device):
    from .._routines.creation import device_scope, empty_strided
    if size < 0:
        raise ValueError("negative dimensions are not allowed")
    if numpy.ndim(val) or not isinstance(val, (int, float, complex, numpy.generic)):
        # d was an array: NumPy's `results * val`, broadcasting and all.
        from .. import multiply
        return multiply(_freqs(size, wrap, n, 1, device), val)
    dt = (numpy.zeros(1, _I64) * val).dtype      # NumPy's promotion of int64 * val
    with device_scope(device):
        out = empty_strided((size,), dt, (dt.itemsize,))
        if size:
            scalar = numpy.dtype(dt).type(val)
            _ew.launch(_FREQ, [_I64.type(wrap), _I64.type(n), scalar], (_I64, _I64, dt),
                       (_I64, _I64, dt), [out], (dt,))
    return out


def fftfreq(n, d=1.0, device=None):
    """See numpy.fft.fftfreq.

    ``device``: the device to allocate on (a cuarray.cuda.Device or an id).
    """
    if not isinstance(n, _INTEGER_TYPES):
        raise ValueError("n should be an integer")
    val = 1.0 / (n * d)
    return _freqs(int(n), (n - 1) // 2 + 1, int(n), val, device)


def rfftfreq(n, d=1.0, device=None):
    """See numpy.fft.rfftfreq.

    ``device``: the device to allocate on (a cuarray.cuda.Device or an id).
    """
    if not isinstance(n, _INTEGER_TYPES):
        raise ValueError("n should be an integer")
    val = 1.0 / (n * d)
    size = int(n) // 2 + 1
    return _freqs(size, size, 0, val, device)


def _shifts(x, axes, sign: int):
    if axes is None:
        axes = tuple(range(x.ndim))
        shift = [sign * (dim // 2) for dim in x._shape]
    elif isinstance(axes, _INTEGER_TYPES):
        shift = sign * (x._shape[axes] // 2)
    else:
        shift = [sign * (x._shape[ax] // 2) for ax in axes]
    return shift, axes


def fftshift(x, axes=None):
    """See numpy.fft.fftshift."""
    from .._routines.rearranging import roll
    from ._fft import _as_array
    x = _as_array(x)
    shift, axes = _shifts(x, axes, 1)
    return roll(x, shift, axes)


def ifftshift(x, axes=None):
    """See numpy.fft.ifftshift."""
    from .._routines.rearranging import roll
    from ._fft import _as_array
    x = _as_array(x)
    shift, axes = _shifts(x, axes, -1)
    return roll(x, shift, axes)
