"""Rearranging elements (NumPy reference): flip, fliplr, flipud, roll, rot90.

flip and rot90 are views (negative strides, transposes), as in NumPy.  roll writes its
result with one gather kernel (``_remap``: ``s = (o - shift) mod n`` on each rolled
axis) where NumPy copies up to 2**k blocks.
"""

from __future__ import annotations

import operator

import numpy
from numpy.lib.array_utils import normalize_axis_tuple

from .._core.ndarray import _view
from .._engine import copy as _copy
from . import _remap
from .manipulation import _array, ravel


def _flipped(m, axes) -> object:
    shape, strides, ptr = m._shape, list(m._strides), m._ptr
    for ax in axes:
        if shape[ax]:
            ptr += (shape[ax] - 1) * strides[ax]
        strides[ax] = -strides[ax]
    return _view(m, shape, tuple(strides), m.dtype, ptr)


def flip(m, axis=None):
    """See numpy.flip (a view)."""
    m = _array(m)
    if axis is None:
        return _flipped(m, range(m.ndim))
    return _flipped(m, normalize_axis_tuple(axis, m.ndim))


def fliplr(m):
    """See numpy.fliplr (a view)."""
    m = _array(m)
    if m.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return _flipped(m, (1,))


def flipud(m):
    """See numpy.flipud (a view)."""
    m = _array(m)
    if m.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return _flipped(m, (0,))


def rot90(m, k=1, axes=(0, 1)):
    """See numpy.rot90 (a view)."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    m = _array(m)
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == m.ndim:
        raise ValueError("Axes must be different.")
    if not all(-m.ndim <= ax < m.ndim for ax in axes):
        raise ValueError(f"Axes={axes} out of range for array of ndim={m.ndim}.")
    k = operator.index(k) % 4
    if k == 0:
        return _view(m, m._shape, m._strides, m.dtype, m._ptr)
    if k == 2:
        return flip(flip(m, axes[0]), axes[1])
    perm = list(range(m.ndim))
    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
    if k == 1:
        return flip(m, axes[1]).transpose(perm)
    return flip(m.transpose(perm), axes[1])


def roll(a, shift, axis=None):
    """See numpy.roll.  One gather kernel; a non-contiguous input with ``axis=None`` is
    raveled (copied) first, as NumPy does.

    Differences from NumPy: a ``shift`` given as a device array is read back to the host
    (one synchronisation).
    """
    a = _array(a)
    from .creation import is_device
    if is_device(shift):
        shift = _array(shift).get()
    if axis is None:
        flat = ravel(a)
        return _roll(flat, {0: _total_shift(shift, (0,))}).reshape(a._shape)
    axes = normalize_axis_tuple(axis, a.ndim, allow_duplicate=True)
    return _roll(a, _shifts(shift, axes, a.ndim))


def _total_shift(shift, axes) -> int:
    return _shifts(shift, axes, 1)[0]


def _shifts(shift, axes, ndim) -> dict:
    b = numpy.broadcast(shift, axes)
    if b.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    shifts = dict.fromkeys(range(ndim), 0)
    for sh, ax in b:
        shifts[int(ax)] += int(sh)
    return shifts


def _roll(a, shifts):
    from .creation import empty_like_layout
    out = empty_like_layout(a._shape, a.dtype, a._shape, a._strides, a._c, a._f, "K")
    maps = []
    for ax in range(a.ndim):
        n = a._shape[ax]
        offset = shifts.get(ax, 0) % (n or 1)
        maps.append(_remap.AxisMap("roll", offset, n) if offset else _remap.IDENTITY)
    if all(m.kind == "id" for m in maps):
        _copy.copy_into(out, a)
    else:
        _remap.remap(out, a, maps)
    return out
