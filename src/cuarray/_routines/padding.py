"""Padding arrays (NumPy reference): pad, every mode NumPy has.

Modes whose padded values are copies of source elements at an index computed per axis
(constant, edge, wrap, and reflect/symmetric with the default even reflection) run as
one gather kernel over the output (``_remap``): each output element finds its source
index with a few integer operations and is written once; no per-axis or per-chunk
copies.  NumPy pads axis after axis, later axes reading the corners earlier axes
wrote; for these modes that equals the per-axis index maps (the highest padded axis
owns a corner's constant).  The modes whose values are computed (linear_ramp,
maximum, mean, median, minimum, reflect_type='odd') and a callable ``mode`` follow
NumPy's axis-by-axis algorithm on device views, with the reductions and ufuncs
doing the arithmetic, so rounding and dtypes are NumPy's.
"""

from __future__ import annotations

import numpy

from .._core.ndarray import _empty, _view, ndarray
from .._engine import copy as _copy
from . import _remap
from .manipulation import _array, moveaxis, slice_axis

_GATHER_MODES = {"edge": "edge", "wrap": "wrap", "reflect": "reflect",
                 "symmetric": "symmetric"}
_ALLOWED_KWARGS = {
    "empty": (), "edge": (), "wrap": (),
    "constant": ("constant_values",),
    "linear_ramp": ("end_values",),
    "maximum": ("stat_length",), "mean": ("stat_length",),
    "median": ("stat_length",), "minimum": ("stat_length",),
    "reflect": ("reflect_type",), "symmetric": ("reflect_type",),
}


def _host(x):
    from .creation import is_device
    return _array(x).get() if is_device(x) else x


# -- arguments (host side, NumPy's rules) ------------------------------------------------
def _as_pairs(x, ndim, as_index=False):
    """NumPy's ``_as_pairs``: ``x`` broadcast to ``ndim`` (before, after) pairs."""
    if x is None:
        return ((None, None),) * ndim
    x = numpy.array(_host(x))
    if as_index:
        x = numpy.round(x).astype(numpy.intp, copy=False)
    if x.ndim < 3:
        if x.size == 1:
            x = x.ravel()
            if as_index and x < 0:
                raise ValueError("index can't contain negative values")
            return ((x[0], x[0]),) * ndim
        if x.size == 2 and x.shape != (2, 1):
            x = x.ravel()
            if as_index and (x[0] < 0 or x[1] < 0):
                raise ValueError("index can't contain negative values")
            return ((x[0], x[1]),) * ndim
    if as_index and x.min() < 0:
        raise ValueError("index can't contain negative values")
    return numpy.broadcast_to(x, (ndim, 2)).tolist()


def _pad_pairs(pad_width, ndim):
    if isinstance(pad_width, dict):
        seq = [(0, 0)] * ndim
        for axis, width in pad_width.items():
            if isinstance(width, int):
                seq[axis] = width, width
            elif (isinstance(width, tuple) and len(width) == 2
                  and all(isinstance(w, int) for w in width)):
                seq[axis] = width
            else:
                raise AssertionError(f"Expected code to be unreachable, but got: {width!r}")
        pad_width = seq
    pw = numpy.asarray(_host(pad_width))
    if pw.dtype.kind != "i":
        raise TypeError("`pad_width` must be of integral type.")
    return _as_pairs(pw, ndim, as_index=True)


# -- pad ---------------------------------------------------------------------------------
def pad(array, pad_width, mode="constant", **kwargs):
    """See numpy.pad."""
    a = _array(array)
    pairs = _pad_pairs(pad_width, a.ndim)
    widths = [(int(lo), int(hi)) for lo, hi in pairs]
    if callable(mode):
        return _pad_callable(a, pairs, widths, mode, kwargs)
    try:
        unsupported = set(kwargs) - set(_ALLOWED_KWARGS[mode])
    except KeyError:
        raise ValueError(f"mode '{mode}' is not supported") from None
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {unsupported}")
    if mode == "constant":
        values = _as_pairs(kwargs.get("constant_values", 0), a.ndim)
        return _gather(a, widths, "const", values)
    if mode == "empty":
        return _pad_simple(a, widths)[0]
    if a.size == 0:
        for axis, (lo, hi) in enumerate(widths):
            if a._shape[axis] == 0 and (lo or hi):
                raise ValueError(f"can't extend empty axis {axis} using modes other than "
                                 "'constant' or 'empty'")
        return _pad_simple(a, widths)[0]
    if mode in _GATHER_MODES and kwargs.get("reflect_type", "even") != "odd":
        return _gather(a, widths, _GATHER_MODES[mode])
    if mode in ("reflect", "symmetric"):
        return _pad_odd(a, widths, include_edge=mode == "symmetric")
    if mode == "linear_ramp":
        return _pad_linear_ramp(a, widths, _as_pairs(kwargs.get("end_values", 0), a.ndim))
    length = _as_pairs(kwargs.get("stat_length"), a.ndim, as_index=True)
    return _pad_stat(a, widths, length, mode)


def _order(a) -> str:
    return "F" if a._f and not a._c else "C"


def _out_shape(a, widths) -> tuple:
    return tuple(lo + n + hi for n, (lo, hi) in zip(a._shape, widths))


def _center(padded, widths, shape) -> ndarray:
    v = padded
    for axis, ((lo, _), n) in enumerate(zip(widths, shape)):
        v = slice_axis(v, axis, lo, lo + n)
    return v


def _pad_simple(a, widths):
    """The padded array with the source copied into its centre (pad area undefined)."""
    padded = _empty(_out_shape(a, widths), a.dtype, _order(a))
    _copy.copy_into(_center(padded, widths, a._shape), a)
    return padded, a._shape


def _gather(a, widths, kind, values=None) -> ndarray:
    """One kernel: every output element copies its source element (or a constant)."""
    out = _empty(_out_shape(a, widths), a.dtype, _order(a))
    maps = []
    for axis, (lo, hi) in enumerate(widths):
        n = a._shape[axis]
        if kind == "const":
            # NumPy assigns every axis's values, even to empty pad areas: convert them all.
            vlo, vhi = (_stored(v, a.dtype) for v in values[axis])
            maps.append(_remap.AxisMap("const", lo, n, lo=vlo, hi=vhi) if lo or hi
                        else _remap.IDENTITY)
        else:
            maps.append(_remap.AxisMap(kind, lo, n) if lo or hi else _remap.IDENTITY)
    _remap.remap(out, a, maps)
    return out


def _stored(value, dt):
    """``value`` as NumPy's ``padded[area] = value`` stores it (its casts, warnings and
    errors), as a NumPy scalar of ``dt``."""
    cell = numpy.empty((), dt)
    cell[...] = _host(value)
    return cell[()]


# -- the axis-by-axis modes (NumPy's algorithm on device views) ----------------------------
def _roi(padded, widths, shape, axis) -> ndarray:
    """NumPy's ``_view_roi``: the axes after ``axis`` limited to the original area."""
    v = padded
    for d in range(axis + 1, padded.ndim):
        v = slice_axis(v, d, widths[d][0], widths[d][0] + shape[d])
    return v


def _set_pad_area(roi, axis, width_pair, value_pair) -> None:
    roi_len = roi._shape[axis]
    slice_axis(roi, axis, None, width_pair[0])[...] = value_pair[0]
    slice_axis(roi, axis, roi_len - width_pair[1], None)[...] = value_pair[1]


def _edges(roi, axis, width_pair):
    left = slice_axis(roi, axis, width_pair[0], width_pair[0] + 1)
    right_index = roi._shape[axis] - width_pair[1]
    return left, slice_axis(roi, axis, right_index - 1, right_index)


def _pad_odd(a, widths, include_edge) -> ndarray:
    padded, shape = _pad_simple(a, widths)
    for axis, (left, right) in enumerate(widths):
        if shape[axis] == 1 and (left or right):
            # NumPy extends a singleton axis with its edge value for both reflections.
            _set_pad_area(padded, axis, (left, right), _edges(padded, axis, (left, right)))
            continue
        roi = _roi(padded, widths, shape, axis)
        while left > 0 or right > 0:
            left, right = _reflect_odd_step(roi, axis, (left, right), shape[axis],
                                            include_edge)
    return padded


def _reflect_odd_step(padded, axis, width_pair, period, include_edge):
    """NumPy's ``_set_reflect_both`` with method='odd': one chunk per side."""
    left_pad, right_pad = width_pair
    old_length = padded._shape[axis] - right_pad - left_pad
    if include_edge:
        old_length = old_length // period * period
        edge_offset = 1
    else:
        old_length = (old_length - 1) // (period - 1) * (period - 1) + 1
        edge_offset = 0
        old_length -= 1
    if left_pad > 0:
        chunk_length = min(old_length, left_pad)
        stop = left_pad - edge_offset
        chunk = slice_axis(padded, axis, stop + chunk_length, stop, -1)
        edge = slice_axis(padded, axis, left_pad, left_pad + 1)
        slice_axis(padded, axis, left_pad - chunk_length, left_pad)[...] = 2 * edge - chunk
        left_pad -= chunk_length
    if right_pad > 0:
        chunk_length = min(old_length, right_pad)
        start = -right_pad + edge_offset - 2
        chunk = slice_axis(padded, axis, start, start - chunk_length, -1)
        edge = slice_axis(padded, axis, -right_pad - 1, -right_pad)
        begin = padded._shape[axis] - right_pad
        slice_axis(padded, axis, begin, begin + chunk_length)[...] = 2 * edge - chunk
        right_pad -= chunk_length
    return left_pad, right_pad


def _pad_linear_ramp(a, widths, end_values) -> ndarray:
    from .ranges import linspace
    from .rearranging import flip
    padded, shape = _pad_simple(a, widths)
    for axis, (width_pair, value_pair) in enumerate(zip(widths, end_values)):
        roi = _roi(padded, widths, shape, axis)
        ramps = [linspace(end, edge.squeeze(axis), num=width, endpoint=False,
                          dtype=padded.dtype, axis=axis)
                 for end, edge, width in zip(value_pair, _edges(roi, axis, width_pair),
                                             width_pair)]
        _set_pad_area(roi, axis, width_pair, (ramps[0], flip(ramps[1], axis)))
    return padded


def _stat_function(mode):
    if mode == "median":
        from .order_statistics import median
        return median
    if mode == "mean":
        from .statistics import mean
        return mean
    from . import reductions
    return reductions.amax if mode == "maximum" else reductions.amin


def _pad_stat(a, widths, length, mode) -> ndarray:
    func = _stat_function(mode)
    padded, shape = _pad_simple(a, widths)
    for axis, (width_pair, length_pair) in enumerate(zip(widths, length)):
        roi = _roi(padded, widths, shape, axis)
        stats = _stats(roi, axis, width_pair, length_pair, func, mode in ("maximum", "minimum"))
        _set_pad_area(roi, axis, width_pair, stats)
    return padded


def _stats(padded, axis, width_pair, length_pair, func, extremum):
    """NumPy's ``_get_stats``: the statistic of each side's original values."""
    left_index = width_pair[0]
    right_index = padded._shape[axis] - width_pair[1]
    max_length = right_index - left_index
    left_length, right_length = (None if x is None else int(x) for x in length_pair)
    if left_length is None or max_length < left_length:
        left_length = max_length
    if right_length is None or max_length < right_length:
        right_length = max_length
    if (left_length == 0 or right_length == 0) and extremum:
        raise ValueError("stat_length of 0 yields no value for padding")
    chunk = slice_axis(padded, axis, left_index, left_index + left_length)
    left_stat = _rounded(func(chunk, axis=axis, keepdims=True), padded.dtype)
    if left_length == right_length == max_length:
        return left_stat, left_stat
    chunk = slice_axis(padded, axis, right_index - right_length, right_index)
    return left_stat, _rounded(func(chunk, axis=axis, keepdims=True), padded.dtype)


def _rounded(stat, dt):
    # NumPy rounds statistics (half to even) before storing them in an integer array.
    if dt.kind in "iu" and stat.dtype.kind in "fc":
        from .._ufunc.namespace import rint
        rint(stat, out=stat)
    return stat


def _pad_callable(a, pairs, widths, function, kwargs) -> ndarray:
    """NumPy's legacy path: ``function(vector, pad_width[axis], axis, kwargs)`` on every
    1-D line of the zero-padded array, axis by axis; the function writes in place."""
    zero = [(0, 0)] * a.ndim
    padded = _gather(a, widths, "const", zero)
    for axis in range(padded.ndim):
        view = moveaxis(padded, axis, -1)
        for ind in numpy.ndindex(view._shape[:-1]):
            offset = sum(i * st for i, st in zip(ind, view._strides))
            line = _view(view, view._shape[-1:], view._strides[-1:], view.dtype,
                         view._ptr + offset)
            function(line, pairs[axis], axis, kwargs)
    return padded
