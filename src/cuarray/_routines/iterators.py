"""Iterating over arrays (NumPy reference: "Indexing routines", "Iterating over arrays"):
ndenumerate, ndindex (NumPy's own: it yields index tuples only) and broadcast.

``nditer`` and ``nested_iters`` are deliberate gaps: they step through elements one at a
time on the host, with per-element operand buffers, which device arrays cannot offer
without copying each operand to the host (see the namespace's list of gaps).
"""

from __future__ import annotations

import numpy

from .._core.ndarray import ndarray
from ._args import device_operand


class ndenumerate:  # noqa: N801 - NumPy's name
    """Multidimensional index iterator: (index, value) pairs.  See numpy.ndenumerate.

    Differences from NumPy: a device array is copied to the host once, when iteration
    starts, and the values are NumPy scalars of that copy (iterating element by element on
    the device would synchronise once per element).
    """

    def __init__(self, arr):
        self._arr = arr
        self._it = None

    def __iter__(self):
        return self

    def __next__(self):
        if self._it is None:
            a = self._arr
            host = a.get() if isinstance(a, ndarray) else numpy.asarray(a)
            self._it = numpy.ndenumerate(host)
        return next(self._it)


class broadcast:  # noqa: N801 - NumPy's name
    """Produce an object that mimics broadcasting.  See numpy.broadcast.

    Differences from NumPy: iterating gives tuples of 0-d device arrays (views of the
    elements); ``iters`` are flat iterators over broadcast views.  Arguments must be device
    arrays, scalars or broadcast objects.
    """

    def __init__(self, *args):
        arrays = []
        for a in args:
            arrays.extend(a._arrays if isinstance(a, broadcast) else [a])
        if len(arrays) > 64:
            raise ValueError("Need at least 0 and at most 64 array objects.")
        self._arrays = [device_operand(a, "broadcast") for a in arrays]
        self.shape = numpy.broadcast_shapes(*(a.shape for a in self._arrays))
        self._views = None
        self.index = 0

    @property
    def nd(self):
        return len(self.shape)

    ndim = nd

    @property
    def size(self):
        n = 1
        for s in self.shape:
            n *= s
        return n

    @property
    def numiter(self):
        return len(self._arrays)

    def _broadcast_views(self):
        if self._views is None:
            from .manipulation import broadcast_to
            self._views = [broadcast_to(a, self.shape) for a in self._arrays]
        return self._views

    @property
    def iters(self):
        from .interop import flatiter
        its = []
        for v in self._broadcast_views():
            it = flatiter(v)
            it.index = self.index
            its.append(it)
        return tuple(its)

    def reset(self):
        self.index = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.index >= self.size:
            raise StopIteration
        idx = numpy.unravel_index(self.index, self.shape) if self.shape else ()
        self.index += 1
        return tuple(v[idx] for v in self._broadcast_views())
