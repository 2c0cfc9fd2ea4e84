"""String representations (NumPy reference: "Input and output", "String formatting"):
array2string, array_repr, array_str, format_float_positional, format_float_scientific.

Printing a device array copies it to the host (a synchronisation) and formats the copy
with NumPy, under NumPy's print options (``cuarray.set_printoptions`` is NumPy's).
"""

from __future__ import annotations

import numpy

from .._core.ndarray import ndarray


def _host(a):
    return a.get() if isinstance(a, ndarray) else a


def _host_scalar(x):
    """What NumPy formats for ``x``: a 0-d device array's host copy, still a 0-d array (NumPy
    formats a 0-d array's value as a Python float, not as a NumPy scalar of its dtype);
    for a larger device array a stand-in of its shape and dtype, for NumPy's error, without
    copying its data."""
    if isinstance(x, ndarray):
        if x.size > 1:
            return numpy.broadcast_to(numpy.zeros((), x.dtype), x.shape)
        return x.get()
    return x


def array2string(a, *args, **kwargs):
    """See numpy.array2string.  The array is copied to the host and formatted by NumPy."""
    return numpy.array2string(_host(a), *args, **kwargs)


def array_repr(arr, max_line_width=None, precision=None, suppress_small=None):
    """See numpy.array_repr.  The array is copied to the host and formatted by NumPy."""
    return numpy.array_repr(_host(arr), max_line_width, precision, suppress_small)


def array_str(a, max_line_width=None, precision=None, suppress_small=None):
    """See numpy.array_str.  The array is copied to the host and formatted by NumPy."""
    return numpy.array_str(_host(a), max_line_width, precision, suppress_small)


def format_float_positional(x, *args, **kwargs):
    """See numpy.format_float_positional.  A 0-d device array is read back first (and
    formatted as NumPy formats a 0-d array)."""
    return numpy.format_float_positional(_host_scalar(x), *args, **kwargs)


def format_float_scientific(x, *args, **kwargs):
    """See numpy.format_float_scientific.  A 0-d device array is read back first (and
    formatted as NumPy formats a 0-d array)."""
    return numpy.format_float_scientific(_host_scalar(x), *args, **kwargs)
