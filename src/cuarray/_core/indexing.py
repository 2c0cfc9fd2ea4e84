"""Basic indexing: integers, slices, Ellipsis and None produce views (NumPy's rules).

Advanced indexing (integer arrays, boolean masks) is not part of this module yet.
"""

from __future__ import annotations

import operator

import numpy

from .ndarray import _view


def _expand(key, ndim):
    """The index as a tuple with the Ellipsis expanded; NumPy's errors for bad keys."""
    if not isinstance(key, tuple):
        key = (key,)
    n_ell = 0
    consumed = 0
    for k in key:
        if k is Ellipsis:
            n_ell += 1
        elif k is None:
            continue
        elif isinstance(k, (bool, numpy.bool_)):
            raise _advanced()
        elif isinstance(k, slice) or hasattr(k, "__index__") and not _is_array(k):
            consumed += 1
        else:
            raise _advanced()
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but "
                         f"{consumed} were indexed")
    if n_ell:
        i = next(j for j, k in enumerate(key) if k is Ellipsis)
        key = key[:i] + (slice(None),) * (ndim - consumed) + key[i + 1:]
    else:
        key = key + (slice(None),) * (ndim - consumed)
    return key


def _is_array(k) -> bool:
    return hasattr(k, "__cuda_array_interface__") or isinstance(k, numpy.ndarray) and k.ndim > 0


def _advanced():
    return NotImplementedError(
        "advanced indexing (integer arrays, boolean masks, lists) is not supported yet; "
        "basic indexing (integers, slices, ..., None) is")


def parse(shape, strides, key):
    """(new shape, new strides, byte offset) of ``key`` applied to ``shape``/``strides``."""
    key = _expand(key, len(shape))
    out_shape, out_strides, offset, axis = [], [], 0, 0
    for k in key:
        if k is None:
            out_shape.append(1)
            out_strides.append(0)
            continue
        n, st = shape[axis], strides[axis]
        if isinstance(k, slice):
            start, stop, step = k.indices(n)
            length = len(range(start, stop, step))
            if length:
                offset += start * st
            out_shape.append(length)
            out_strides.append(st * step)
        else:
            i = operator.index(k)
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
            offset += (i + n if i < 0 else i) * st
        axis += 1
    return tuple(out_shape), tuple(out_strides), offset


def basic_view(a, key):
    shape, strides, offset = parse(a._shape, a._strides, key)
    return _view(a, shape, strides, a.dtype, a._ptr + offset)
