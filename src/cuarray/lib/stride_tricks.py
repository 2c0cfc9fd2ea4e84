"""Views with arbitrary strides.  See numpy.lib.stride_tricks.

Differences from NumPy: device arrays have no read-only flag, so ``writeable=False``
is accepted and ignored; writing through overlapping windows writes shared elements.
"""

from __future__ import annotations

import operator

import numpy
from numpy.lib.array_utils import normalize_axis_tuple

from .._core.ndarray import _view
from .._routines.manipulation import _array

__all__ = ["as_strided", "sliding_window_view"]


def as_strided(x, shape=None, strides=None, subok=False, writeable=True):
    """See numpy.lib.stride_tricks.as_strided.  No bounds are checked, as in NumPy."""
    x = _array(x)
    shape = x.shape if shape is None else tuple(operator.index(s) for s in shape)
    strides = x.strides if strides is None else tuple(operator.index(s) for s in strides)
    if len(shape) != len(strides):
        raise ValueError("mismatch in length of strides and shape")
    return _view(x, shape, strides, x.dtype, x._ptr)


def sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    """See numpy.lib.stride_tricks.sliding_window_view (a view)."""
    window_shape = (tuple(operator.index(w) for w in window_shape)
                    if numpy.iterable(window_shape) else (operator.index(window_shape),))
    x = _array(x)
    if any(w < 0 for w in window_shape):
        raise ValueError("`window_shape` cannot contain negative values")
    if axis is None:
        axis = tuple(range(x.ndim))
        if len(window_shape) != len(axis):
            raise ValueError("Since axis is `None`, must provide window_shape for all "
                             f"dimensions of `x`; got {len(window_shape)} window_shape "
                             f"elements and `x.ndim` is {x.ndim}.")
    else:
        axis = normalize_axis_tuple(axis, x.ndim, allow_duplicate=True)
        if len(window_shape) != len(axis):
            raise ValueError("Must provide matching length window_shape and axis; got "
                             f"{len(window_shape)} window_shape elements and {len(axis)} axes "
                             "elements.")
    out_strides = x.strides + tuple(x.strides[ax] for ax in axis)
    trimmed = list(x.shape)
    for ax, dim in zip(axis, window_shape):
        if trimmed[ax] < dim:
            raise ValueError("window shape cannot be larger than input array shape")
        trimmed[ax] -= dim - 1
    return as_strided(x, shape=tuple(trimmed) + window_shape, strides=out_strides)
