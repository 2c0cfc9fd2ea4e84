"""Array manipulation routines (NumPy reference: "Array manipulation routines").

Only the view-making basics live here so far; the chapter's copying routines
(concatenate, stack, tile, pad, ...) are not implemented yet.
"""

from __future__ import annotations

import numpy

from .._core.ndarray import _view, ndarray
from .._engine.elementwise import broadcast_strides


def _array(a) -> ndarray:
    if isinstance(a, ndarray):
        return a
    from .creation import asarray
    return asarray(a)


def reshape(a, /, shape=None, order="C", *, newshape=None, copy=None):
    """See numpy.reshape."""
    if newshape is not None:
        if shape is not None:
            raise TypeError("You cannot specify 'newshape' and 'shape' arguments at the same time.")
        shape = newshape
    return _array(a).reshape(shape, order=order, copy=copy)


def transpose(a, axes=None):
    """See numpy.transpose."""
    return _array(a).transpose(axes)


def swapaxes(a, axis1, axis2):
    """See numpy.swapaxes."""
    return _array(a).swapaxes(axis1, axis2)


def squeeze(a, axis=None):
    """See numpy.squeeze."""
    return _array(a).squeeze(axis)


def ravel(a, order="C"):
    """See numpy.ravel."""
    return _array(a).ravel(order)


def broadcast_to(array, shape, subok=False):
    """A read-only-in-spirit broadcast view (stride 0 on stretched axes).  See numpy.broadcast_to.

    Differences from NumPy: the view is not marked read-only; writing to it writes
    the shared elements.
    """
    a = _array(array)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError("all elements of broadcast shape must be non-negative")
    if numpy.broadcast_shapes(a._shape, shape) != shape:
        raise ValueError(f"operands could not be broadcast together with remapped shapes "
                         f"[original->remapped]: {a._shape} and requested shape {shape}")
    return _view(a, shape, broadcast_strides(a, shape), a.dtype, a._ptr)
