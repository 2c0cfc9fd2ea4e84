"""Argument helpers shared by the routines of the rest of the namespace (correlation,
polynomials, interpolation, functional programming, bits, I/O)."""

from __future__ import annotations

import numpy

from .._core.ndarray import ndarray


def device_operand(x, fname: str) -> ndarray:
    """``x`` as a device array: device arrays as they are, Python and NumPy scalars copied
    (a few bytes); NumPy arrays, lists and other objects raise TypeError, as the ufuncs do
    (cuarray never copies host arrays implicitly)."""
    if isinstance(x, ndarray):
        return x
    from . import elementwise as _el
    _el.check_operand(x, fname)
    from .creation import asarray
    return asarray(x)


def optional_operand(x, fname: str):
    return None if x is None else device_operand(x, fname)


def read_back(values) -> list:
    """Read several 0-d device values (or host numbers) with one transfer; floats or complex."""
    dev = [i for i, v in enumerate(values) if isinstance(v, ndarray)]
    out = list(values)
    if dev:
        from .joining import stack
        kind = "c" if any(values[i].dtype.kind == "c" for i in dev) else "f"
        dt = numpy.dtype(numpy.complex128 if kind == "c" else numpy.float64)
        host = stack([values[i].astype(dt).reshape(()) for i in dev]).get()
        for i, h in zip(dev, host):
            out[i] = h
    return out
