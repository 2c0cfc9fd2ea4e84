"""Advanced ``a[key]`` and ``a[key] = value``: integer arrays and boolean masks (NumPy's rules).

Phases (errors in NumPy's order, all before any kernel writes):

1. ``_core.indexing.prepare`` / ``plan`` (pure): classification, the ellipsis, too
   many indices, mask shapes, integer bounds, the basic view and the placement of
   the index dimensions;
2. :func:`resolve`: masks become coordinate arrays (host masks with
   ``numpy.nonzero``; device masks with the compaction kernels: one
   synchronisation, the result's size depends on the data);
3. broadcasting of the index arrays (IndexError), bounds of host index arrays
   (checked on the host, then copied to the device);
4. the gather or scatter kernel (``cuarray._engine.gather``).  Device index arrays
   are bounds-checked on the device: a getitem checks inside the gather and reads
   the error flag once afterwards; a setitem checks before it writes (a check
   kernel, then the flag), so that an IndexError leaves the array unchanged as in
   NumPy.  Either way an advanced index with unchecked device indices costs one
   stream synchronisation; index dtypes that cannot hold an out-of-range value (a
   uint8 index into an axis of 256 or more) skip it.

A single device mask covering the whole array (``a[a > 0]``) is compacted directly
(count, scan, compact) without coordinate arrays; ``a[mask] = scalar`` is a masked
elementwise fill with no synchronisation at all.

Repeated indices in a setitem (``a[[0, 0]] = [1, 2]``): NumPy leaves the result
unspecified (in practice the last write wins); on the GPU the writes run
concurrently and an arbitrary one of them wins.
"""

from __future__ import annotations

import warnings

import numpy

from .._core import indexing as _ix
from .._core.ndarray import _empty, _from_host, _view, ndarray
from .._engine import compact as _compact
from .._engine import copy as _copy
from .._engine import elementwise as _ew
from .._engine import gather as _gather
from .._ufunc.ufunc import _span

_INTP = numpy.dtype(numpy.intp)
_BOOL = numpy.dtype(bool)


class Index:
    """A resolved index array: ``arr`` indexes view axis ``vaxis`` (extent ``ext``, byte
    stride ``ast``) with ``mode``; ``axis`` is the indexed array's axis (for messages).
    ``arr`` is a host array until :func:`upload`; ``None`` for a boolean scalar, which
    only adds its shape (1,) or (0,) to the broadcast (its axis has length 1)."""

    __slots__ = ("arr", "vaxis", "ext", "ast", "mode", "axis", "shape")

    def __init__(self, arr, vaxis, ext, ast, mode, axis, shape):
        self.arr, self.vaxis, self.ext, self.ast = arr, vaxis, ext, ast
        self.mode, self.axis, self.shape = mode, axis, shape


# -- phase 2: index arrays ----------------------------------------------------------------------
def device_key(key):
    """``key`` with foreign device arrays (``__cuda_array_interface__``) as cuarray views."""
    if not isinstance(key, tuple):
        key = (key,)
    if not any(hasattr(k, "__cuda_array_interface__") and not isinstance(k, ndarray)
               for k in key):
        return key
    from .interop import device_view
    return tuple(device_view(k) if hasattr(k, "__cuda_array_interface__")
                 and not isinstance(k, ndarray) else k for k in key)


def resolve(p) -> list:
    """The index arrays of plan ``p`` in key order (masks as coordinate arrays)."""
    out = []
    for vaxis, e in p.adv:
        if e.kind == "t":
            out.append(Index(None, vaxis, 1, 0, "nocheck", e.axis, e.shape))
        elif e.kind == "i":
            ext, ast = p.shape[vaxis], p.strides[vaxis]
            mode = "raise"
            if e.on_device and _gather.in_range(e.value.dtype, ext):
                mode = "nocheck"
            out.append(Index(e.value, vaxis, ext, ast, mode, e.axis, e.value.shape))
        else:
            for j, coords in enumerate(mask_coordinates(e.value)):
                out.append(Index(coords, vaxis + j, p.shape[vaxis + j], p.strides[vaxis + j],
                                 "nocheck", e.axis + j, coords.shape))
    return out


def mask_coordinates(mask) -> list:
    """``mask.nonzero()`` (host or device mask; device results)."""
    if isinstance(mask, numpy.ndarray):
        return list(mask.nonzero())
    m = mask if mask._c else mask.copy()
    offsets, total = _compact.count(m)
    coords = _compact.compact_indices(m, offsets, total)
    return [coords[j] for j in range(m.ndim)]


def check_host(idx, error=None) -> None:
    """NumPy's bounds check of the host index arrays (device ones first where they come
    first in the key, so that the error names the same index as NumPy's)."""
    if any(isinstance(x.arr, numpy.ndarray) and x.mode in _gather.CHECKED and _bad(x, x.arr)
           for x in idx):
        raise_first_bad(idx, error)


def _bad(x, host) -> bool:
    if not host.size:
        return False
    v = host.astype(numpy.int64, copy=False)        # uint64 wraps, as NumPy's intp cast
    return bool(((v < (0 if x.mode == "strict" else -x.ext)) | (v >= x.ext)).any())


def raise_first_bad(idx, error=None) -> None:
    """Raise NumPy's IndexError (or ``error``) for the first out-of-bounds index (key order,
    then C order within an array); reads device index arrays back (an error path)."""
    for x in idx:
        if x.arr is None or x.mode not in _gather.CHECKED:
            continue
        host = x.arr if isinstance(x.arr, numpy.ndarray) else x.arr.get()
        if _bad(x, host):
            if error is not None:
                raise error
            _ix.check_bounds_host(host, x.ext, x.axis)


def upload(idx) -> None:
    """Host index arrays to the device; checked ones are "nocheck" from now on."""
    for x in idx:
        if isinstance(x.arr, numpy.ndarray):
            x.arr = _from_host(x.arr)
            if x.mode in _gather.CHECKED:
                x.mode = "nocheck"


def kernel_arrays(idx) -> list:
    return [x for x in idx if x.arr is not None]


def index_dims(idx, bshape) -> list:
    """Per broadcast index dim: the byte stride of each kernel array along it."""
    arrays = kernel_arrays(idx)
    st = [_ew.broadcast_strides(x.arr, tuple(bshape)) for x in arrays]
    return [[s[j] for s in st] for j in range(len(bshape))]


def run_checks(idx, error=None) -> None:
    """Bounds-check the device "raise" index arrays with check kernels and one read of the
    error flag (before a scatter writes anything)."""
    pending = [x for x in idx if x.arr is not None and x.mode in _gather.CHECKED]
    if not pending:
        return
    for x in pending:
        _gather.check(x.arr, x.ext, x.mode)
    if _gather.flag_raised():
        raise_first_bad(idx, error)
    for x in pending:
        x.mode = "nocheck"


def after_gather(idx, checked, error=None) -> None:
    """Read the error flag after a checked gather; raise NumPy's error if it is set."""
    if checked and _gather.flag_raised():
        raise_first_bad(idx, error)


# -- getitem -----------------------------------------------------------------------------------
def getitem(a, key):
    """``a[key]`` for an advanced key."""
    entries = _ix.prepare(a._shape, device_key(key))
    p = _ix.plan(a._shape, a._strides, entries)
    view = _view(a, p.shape, p.strides, a.dtype, a._ptr + p.offset)
    if p.single_mask() and p.adv[0][1].on_device:
        mask = p.adv[0][1].value
        mask = mask if mask._c else mask.copy()
        offsets, total = _compact.count(mask)
        return _compact.compact_values(mask, offsets, total, view)
    idx = resolve(p)
    bshape = _ix.broadcast_index_shapes([x.shape for x in idx])
    if _prod(bshape):       # NumPy checks the indices it uses: none if the broadcast is empty
        check_host(idx)
    upload(idx)
    sub = p.sub_axes()
    buf_shape, order, perm = _ix.result_layout([p.shape[d] for d in sub],
                                               [p.strides[d] for d in sub], bshape, p.first)
    out = _empty(buf_shape, a.dtype)
    arrays = kernel_arrays(idx)
    if out.size:
        dims = [(e, 0, st) for e, st in zip(bshape, index_dims(idx, bshape))]
        dims += [(p.shape[sub[j]], p.strides[sub[j]], [0] * len(arrays)) for j in order]
        checked = _gather.gather(view._ptr, a.dtype.itemsize, out._ptr, dims,
                                 [(x.arr, x.ext, x.ast) for x in arrays],
                                 [x.mode for x in arrays])
        after_gather(idx, checked)
    elif _prod(bshape):
        run_checks(idx)         # NumPy checks the indices even when the result is empty
    if perm != list(range(len(perm))):
        return out.transpose(perm)
    return out


def _prod(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


# -- setitem -----------------------------------------------------------------------------------
def setitem(a, key, value):
    """``a[key] = value`` for an advanced key."""
    key = device_key(key)
    entries = _ix.prepare(a._shape, key)
    p = _ix.plan(a._shape, a._strides, entries)
    view = _view(a, p.shape, p.strides, a.dtype, a._ptr + p.offset)
    if all(type(e) is int or e is _ix.GAP or isinstance(e, slice)
           or isinstance(e, _ix.Adv) and e.kind == "i" and not e.value.ndim for e in entries):
        # NumPy assigns through a view (or to one element) when the arrays are all 0-d.
        nsel = sum(1 for e in entries if isinstance(e, slice))
        check_view_value(value, nsel, nsel == 0 and _ix.GAP not in entries)
    src = as_value(value, a.dtype)
    masks = [(v, e) for v, e in p.adv if e.kind == "b"]
    if len(key) == 1 and p.single_mask():
        return _whole_mask_setitem(a, view, p.adv[0][1].value, src)
    if len(masks) == len(p.adv) == 1 and (isinstance(src, numpy.generic) or src.size == 1):
        vaxis, e = masks[0]
        _where_fill(a, view, _mask_view(e.value, view, vaxis), src)
        return
    idx = resolve(p)
    bshape = _ix.broadcast_index_shapes([x.shape for x in idx])
    sub = p.sub_axes()
    sub_shape = [p.shape[d] for d in sub]
    result = tuple(sub_shape[:p.first]) + tuple(bshape) + tuple(sub_shape[p.first:])
    nb = len(bshape)
    if isinstance(src, numpy.generic):
        vst = [0] * len(result)
    else:                   # NumPy checks the value's shape before the indices' bounds
        vst = value_strides(src, result)
        vst = vst[p.first:p.first + nb] + vst[:p.first] + vst[p.first + nb:]
        src = detach(src, a)
    if not _prod(bshape):
        for x in idx:
            x.mode = "nocheck" if x.mode in _gather.CHECKED else x.mode
    check_host(idx)
    upload(idx)
    run_checks(idx)
    arrays = kernel_arrays(idx)
    for x in arrays:
        x.arr = detach(x.arr, a)
    dims = [(e, 0, st, v) for e, st, v in zip(bshape, index_dims(idx, bshape), vst)]
    dims += [(p.shape[d], p.strides[d], [0] * len(arrays), v)
             for d, v in zip(sub, vst[nb:])]
    _gather.scatter(view._ptr, a.dtype, src, dims, [(x.arr, x.ext, x.ast) for x in arrays],
                    [x.mode for x in arrays])


def _whole_mask_setitem(a, view, mask, src) -> None:
    """NumPy's boolean-assignment path (``a[mask] = v``, mask of a's shape): ``v`` is a
    scalar, one value, or one value per true element."""
    if not isinstance(src, numpy.generic):
        if src.ndim > 1:
            raise TypeError("NumPy boolean array indexing assignment requires a 0 or "
                            f"1-dimensional input, input has {src.ndim} dimensions")
    if isinstance(src, numpy.generic) or src.size == 1:
        _where_fill(a, view, _mask_view(mask, view, 0), src)
        return
    m = _device_mask(mask)
    offsets, total = _compact.count(m)
    if src.size != total:
        raise ValueError(f"NumPy boolean array indexing assignment cannot assign {src.size} "
                         f"input values to the {total} output values where the mask is true")
    if total:
        _compact.expand(m, offsets, view, detach(src, a))


def _device_mask(mask):
    if isinstance(mask, numpy.ndarray):
        return _from_host(mask)
    return mask if mask._c else mask.copy()


def _mask_view(mask, view, vaxis):
    """The mask as a device bool array of ``view``'s shape (stride 0 off its own axes)."""
    m = _from_host(mask) if isinstance(mask, numpy.ndarray) else mask
    k = m.ndim
    strides = [0] * view.ndim
    strides[vaxis:vaxis + k] = m._strides
    return _view(m, view._shape, tuple(strides), m.dtype, m._ptr)


def _where_fill(a, view, mask, src) -> None:
    """``view[mask] = src`` elementwise (``src`` a scalar or a one-element array)."""
    if not view.size:
        return
    mask = detach(mask, a, same_ok=view)
    dt = a.dtype
    if isinstance(src, numpy.generic):
        _ew.launch(_copy.COPY, [src], (dt,), (dt,), [view], (dt,), where=mask)
        return
    src = detach(src, a).reshape(())
    _ew.launch(_copy.COPY, [src], (src.dtype,), (dt,), [view], (dt,), where=mask)


# -- values ------------------------------------------------------------------------------------
def as_value(value, dt):
    """A setitem value as a NumPy scalar of ``dt`` or a device array (host data copied,
    cast to ``dt`` on the host as NumPy's assignment casts it)."""
    from ._methods import _scalar
    if isinstance(value, ndarray):
        warn_complex(value.dtype, dt)
        return value
    if isinstance(value, (bool, int, float, complex, numpy.generic)):
        return _scalar(value, dt)
    from .interop import device_view
    dev = device_view(value)
    if dev is not None:
        warn_complex(dev.dtype, dt)
        return dev
    if isinstance(value, numpy.ndarray):
        host = value
        if host.dtype.kind not in "biufc":
            raise TypeError(f"cannot assign {type(value).__name__} of dtype {host.dtype} to a "
                            f"{dt} array")
        if host.dtype != dt:
            warn_complex(host.dtype, dt)
            host = host.astype(dt)
    else:       # a sequence converts straight to ``dt`` (NumPy: [1000] into int8 overflows)
        host = numpy.asarray(value, dtype=dt)
    return _from_host(host)


def check_view_value(value, ndim, single) -> None:
    """NumPy's value rules where it assigns to one element (``single``: a scalar or 0-d
    value only) or through a view of ``ndim`` dims (a host sequence may not have more
    dims; arrays broadcast as usual)."""
    if isinstance(value, (bool, int, float, complex, numpy.generic)):
        return
    nd = getattr(value, "ndim", None)
    if nd is None:
        nd = numpy.ndim(value)
    if single:
        if nd >= 1:
            raise ValueError("setting an array element with a sequence.")
    elif not isinstance(value, (ndarray, numpy.ndarray)) and nd > ndim:
        raise ValueError("setting an array element with a sequence. The requested array "
                         f"would exceed the maximum number of dimension of {ndim}.")


def warn_complex(src, dst) -> None:
    if src.kind == "c" and dst.kind != "c":
        warnings.warn("Casting complex values to real discards the imaginary part",
                      numpy.exceptions.ComplexWarning, stacklevel=4)


def value_strides(src, shape) -> list:
    """``src``'s byte strides broadcast to ``shape`` (NumPy's setitem rule: leading length-1
    dims of the value may be dropped); ValueError as NumPy's when it does not broadcast."""
    vshape, vstrides = list(src._shape), list(src._strides)
    while len(vshape) > len(shape) and vshape[0] == 1:
        del vshape[0], vstrides[0]
    lead = len(shape) - len(vshape)
    ok = lead >= 0 and all(v in (1, n) for v, n in zip(vshape, shape[lead:]))
    if not ok:
        raise ValueError(f"shape mismatch: value array of shape {_ix.shape_text(src._shape)} "
                         f"could not be broadcast to indexing result of shape "
                         f"{_ix.shape_text(shape)}")
    return [0] * lead + [st if v == n else 0 for v, st, n in zip(vshape, vstrides, shape[lead:])]


def detach(x, a, same_ok=None):
    """``x``, or a copy of it when it shares memory with ``a`` (NumPy computes the value and
    the indices before writing); an identical view ``same_ok`` is safe (read then written
    by one thread)."""
    if not isinstance(x, ndarray) or not x.size or not a.size:
        return x
    lo, hi = _span(x)
    alo, ahi = _span(a)
    if lo < ahi and alo < hi:
        if (same_ok is not None and x._ptr == same_ok._ptr and x._strides == same_ok._strides
                and x.dtype.itemsize == same_ok.dtype.itemsize):
            return x
        return x.copy()
    return x
