"""Index and array builders of NumPy's "Indexing routines": ``r_`` and ``c_`` (the array
builders; their pieces are joined on the device), ``s_`` and ``index_exp`` (NumPy's own
objects: they build index tuples and touch no array).
"""

from __future__ import annotations

import numpy

from .._core.ndarray import ndarray


def _array(item, ndmin, dtype=None):
    """``numpy.array(item, copy=None, ndmin=ndmin, dtype=dtype)`` on the device (host values,
    scalars and lists among them, are copied as ``cuarray.array`` copies them)."""
    from .creation import array
    return array(item, dtype=dtype, copy=None, ndmin=ndmin)


class AxisConcatenator:
    """Translates slice objects to concatenation along an axis.  See
    numpy.lib.index_tricks.AxisConcatenator.

    Differences from NumPy: there is no matrix class, so the ``'r'`` and ``'c'`` directives
    and string (matrix-builder) keys raise ValueError.
    """

    def __init__(self, axis=0, matrix=False, ndmin=1, trans1d=-1):
        if matrix:
            raise ValueError("cuarray has no matrix class")
        self.axis, self.ndmin, self.trans1d = axis, ndmin, trans1d

    def __getitem__(self, key):
        from .joining import concatenate
        if isinstance(key, str):
            raise ValueError("cuarray has no matrix class: matrix-builder strings are not "
                             "supported")
        if not isinstance(key, tuple):
            key = (key,)
        trans1d, ndmin, axis = self.trans1d, self.ndmin, self.axis
        objs, result_type_objs = [], []
        for k, item in enumerate(key):
            scalar = False
            if isinstance(item, slice):
                newobj = _ramp(item)
                if ndmin > 1:
                    newobj = _array(newobj, ndmin)
                    if trans1d != -1:
                        newobj = newobj.swapaxes(-1, trans1d)
            elif isinstance(item, str):
                if k != 0:
                    raise ValueError("special directives must be the first entry.")
                axis, ndmin, trans1d = _directive(item, axis, ndmin, trans1d)
                continue
            elif type(item) in numpy.ScalarType:
                scalar, newobj = True, item
            else:
                item_ndim = item.ndim if isinstance(item, ndarray) else numpy.ndim(item)
                newobj = _array(item, ndmin)
                if trans1d != -1 and item_ndim < ndmin:
                    k2 = ndmin - item_ndim
                    k1 = trans1d + k2 + 1 if trans1d < 0 else trans1d
                    defaxes = list(range(ndmin))
                    newobj = newobj.transpose(defaxes[:k1] + defaxes[k2:] + defaxes[k1:k2])
            objs.append(newobj)
            result_type_objs.append(item if scalar else newobj.dtype)
        if result_type_objs:
            final_dtype = numpy.result_type(*result_type_objs)
            objs = [_array(obj, ndmin, final_dtype) for obj in objs]
        return concatenate(tuple(objs), axis=axis)

    def __len__(self):
        return 0


def _ramp(item: slice):
    """A slice item: arange, or linspace for a complex step (its magnitude is the count)."""
    from .ranges import arange, linspace
    start = 0 if item.start is None else item.start
    step = 1 if item.step is None else item.step
    if isinstance(step, (numpy.complexfloating, complex)):
        return linspace(start, item.stop, num=int(abs(step)))
    return arange(start, item.stop, step)


def _directive(item: str, axis, ndmin, trans1d):
    if item in ("r", "c"):
        raise ValueError("cuarray has no matrix class: the 'r' and 'c' directives are not "
                         "supported")
    if "," in item:
        vec = item.split(",")
        try:
            axis, ndmin = [int(x) for x in vec[:2]]
            if len(vec) == 3:
                trans1d = int(vec[2])
            return axis, ndmin, trans1d
        except Exception as e:
            raise ValueError(f"unknown special directive {item!r}") from e
    try:
        return int(item), ndmin, trans1d
    except (ValueError, TypeError) as e:
        raise ValueError("unknown special directive") from e


class RClass(AxisConcatenator):
    """Translates slice objects to concatenation along the first axis.  See numpy.r_."""

    def __init__(self):
        AxisConcatenator.__init__(self, 0)


class CClass(AxisConcatenator):
    """Translates slice objects to concatenation along the second axis.  See numpy.c_."""

    def __init__(self):
        AxisConcatenator.__init__(self, -1, ndmin=2, trans1d=0)


r_ = RClass()
c_ = CClass()
