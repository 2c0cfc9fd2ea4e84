"""Questions about arrays and the installation that need no kernel: ndim, shape, size,
matrix_transpose, isfortran (NumPy reference: "Array manipulation", "Logic functions"), may_share_memory and
shares_memory ("Array manipulation", memory overlap), info and show_runtime
("Utility functions").

ndim, shape and size answer from the array's metadata (host array-likes through NumPy,
which copies nothing to the device).  The memory-overlap questions compare device
addresses: NumPy's own exact solver runs on the arrays' pointers and strides, without
touching their data.
"""

from __future__ import annotations

import sys

import numpy

from .._core.ndarray import ndarray


def ndim(a):
    """See numpy.ndim."""
    try:
        return a.ndim
    except AttributeError:
        return numpy.asarray(a).ndim


def shape(a):
    """See numpy.shape."""
    try:
        return a.shape
    except AttributeError:
        return numpy.asarray(a).shape


def size(a, axis=None):
    """See numpy.size."""
    if not isinstance(a, ndarray):
        return numpy.size(a, axis)
    if axis is None:
        return a.size
    # NumPy answers for a stand-in of the same shape that holds no memory, so that its axis
    # rules (which axes, tuples, errors) are the installed NumPy's.
    return numpy.size(numpy.broadcast_to(numpy.empty((), numpy.bool_), a.shape), axis)


def matrix_transpose(x, /):
    """See numpy.matrix_transpose: the last two axes swapped (a view)."""
    from ._args import device_operand
    x = device_operand(x, "matrix_transpose")
    if x.ndim < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {x.ndim}")
    return x.swapaxes(-1, -2)


def isfortran(a):
    """See numpy.isfortran: Fortran-contiguous and not C-contiguous."""
    return a.flags.f_contiguous and not a.flags.c_contiguous


# -- memory overlap ------------------------------------------------------------------------------
class _Addresses:
    """The array interface of a device array's addresses, for NumPy's overlap solver (which
    reads pointers and strides only, never the data)."""

    def __init__(self, a: ndarray):
        self.__array_interface__ = {"shape": a.shape, "strides": a.strides,
                                    "typestr": a.dtype.str, "data": (a._ptr, False),
                                    "version": 3}


def _overlap_candidates(a, b) -> bool:
    """Both are non-empty device arrays on one device."""
    return (isinstance(a, ndarray) and isinstance(b, ndarray) and a.size and b.size
            and a._mp.device_id == b._mp.device_id)


def may_share_memory(a, b, /, max_work=None):
    """See numpy.may_share_memory.

    Differences from NumPy: a host object (NumPy array, list) never shares memory with a
    device array, so the answer is False for it.
    """
    if not _overlap_candidates(a, b):
        return False
    x, y = numpy.asarray(_Addresses(a)), numpy.asarray(_Addresses(b))
    if max_work is None:            # NumPy's default: compare the bounds only
        return numpy.may_share_memory(x, y)
    return numpy.may_share_memory(x, y, max_work=max_work)


def shares_memory(a, b, /, max_work=None):
    """See numpy.shares_memory (the exact answer, NumPy's solver on device addresses).

    Differences from NumPy: a host object (NumPy array, list) never shares memory with a
    device array, so the answer is False for it.
    """
    if not _overlap_candidates(a, b):
        return False
    return numpy.shares_memory(numpy.asarray(_Addresses(a)), numpy.asarray(_Addresses(b)),
                               max_work=max_work)


# -- utilities -----------------------------------------------------------------------------------
def info(object=None, maxwidth=76, output=None, toplevel="cuarray"):  # noqa: A002
    """Get help information for an array, function, class or module.  See numpy.info."""
    if object is None:
        object = info
    numpy.info(object, maxwidth=maxwidth, output=output, toplevel=toplevel)


def show_runtime():
    """Print cuarray's runtime (devices, CUDA driver, NVRTC, libraries), then NumPy's
    (the host side).  See numpy.show_runtime."""
    from .._config import config_lines
    print("\n".join(config_lines()), file=sys.stdout)
    numpy.show_runtime()
