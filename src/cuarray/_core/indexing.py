"""Index parsing: basic indexing (views) and the plan of an advanced index (NumPy's rules).

A key of integers, slices, ``...`` and ``None`` is *basic*: :func:`parse` turns it
into a view's shape, strides and offset, and pays nothing for advanced indexing
(it gives up, returning None, at the first entry that is not basic).

Any other key is *advanced* (integer arrays of any integer dtype as cuarray arrays,
NumPy arrays or (nested) lists; boolean masks; boolean scalars).  Two pure steps
describe it, raising NumPy's errors in NumPy's order before any kernel runs:

1. :func:`prepare`: classify each entry, expand the ellipsis, count the indexed
   axes ("too many indices"), check boolean masks against the axes they cover,
   then bounds-check the integers;
2. :func:`plan`: the basic view the advanced entries apply to (their axes kept
   whole, a boolean scalar as a new axis of length 1) and where the broadcast
   index dimensions land in the result: in place when the advanced entries (and
   the integers among them) are adjacent, else first (an ellipsis between them
   separates them even when it stands for no axis, as in NumPy);
3. :func:`result_layout`: NumPy's memory layout of the result, so that strides
   and contiguity flags match NumPy's.

Running a plan needs kernels, which live above this layer: the routines layer
installs the advanced getitem with :func:`set_advanced` (see
``cuarray._routines._subscript``).
"""

from __future__ import annotations

import operator

import numpy

from .ndarray import _view, ndarray

_INTP = numpy.dtype(numpy.intp)
_BAD_ENTRY = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
              "integer or boolean arrays are valid indices")
_advanced_getitem = None


class _Gap:
    """A prepared key's entry for an ellipsis that stands for no axis: it still separates
    the advanced entries around it (see :func:`prepare`)."""

    __slots__ = ()

    def __repr__(self):
        return "GAP"


GAP = _Gap()


# -- basic indexing: the fast path ------------------------------------------------------------
def _expand(key, ndim):
    """The index as a tuple with the Ellipsis expanded; None when an entry is advanced."""
    if not isinstance(key, tuple):
        key = (key,)
    n_ell = 0
    consumed = 0
    for k in key:
        t = type(k)
        if t is int or t is slice:
            consumed += 1
        elif k is Ellipsis:
            n_ell += 1
        elif k is None:
            continue
        elif isinstance(k, (bool, numpy.bool_)):
            return None
        elif isinstance(k, slice) or hasattr(k, "__index__") and not _is_array(k):
            consumed += 1
        else:
            return None
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
    # NumPy 2 treats every array (0-d included) as an advanced index: a[np.array(1)] copies.
    return isinstance(k, (ndarray, numpy.ndarray)) or hasattr(k, "__cuda_array_interface__")


def parse(shape, strides, key):
    """(new shape, new strides, byte offset) of the basic ``key``; None for an advanced key."""
    key = _expand(key, len(shape))
    if key is None:
        return None
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
    """``a[key]`` as a view for a basic key; None for an advanced key."""
    parsed = parse(a._shape, a._strides, key)
    if parsed is None:
        return None
    shape, strides, offset = parsed
    return _view(a, shape, strides, a.dtype, a._ptr + offset)


def getitem(a, key):
    """``a[key]``: a view for a basic key, else the advanced getitem of the routines layer."""
    parsed = parse(a._shape, a._strides, key)
    if parsed is not None:
        shape, strides, offset = parsed
        return _view(a, shape, strides, a.dtype, a._ptr + offset)
    if _advanced_getitem is None:
        raise NotImplementedError("advanced indexing needs cuarray's routines layer "
                                  "(import cuarray)")
    return _advanced_getitem(a, key)


def set_advanced(getitem_fn) -> None:
    """Install the function that runs advanced getitems (it needs kernels)."""
    global _advanced_getitem
    _advanced_getitem = getitem_fn


# -- advanced indexing: classification -----------------------------------------------------------
class Adv:
    """One advanced entry of a prepared key.

    ``kind``: "i" an integer array (``value``: a NumPy array or a device array; one
    axis), "b" a boolean mask (``ndim`` >= 1 axes), "t" a boolean scalar (``value``:
    a Python bool; a new axis of length 1, indexed by ``[0]`` or ``[]``).  ``axis``:
    the first axis of the indexed array the entry covers (for "t": the next one).
    """

    __slots__ = ("kind", "value", "ndim", "axis")

    def __init__(self, kind, value, ndim):
        self.kind, self.value, self.ndim, self.axis = kind, value, ndim, -1

    @property
    def shape(self) -> tuple:
        return self.value.shape if self.kind != "t" else ((1,) if self.value else (0,))

    @property
    def on_device(self) -> bool:
        return isinstance(self.value, ndarray)

    def __repr__(self):
        return f"Adv({self.kind!r}, shape={self.shape}, axis={self.axis})"


def _classify_array(k, from_list=False):
    """An array entry (host or device) as an Adv.  NumPy 2 keeps 0-d integer arrays advanced
    (``a[np.array(1)]`` is a copy); a 0-d boolean array is a boolean scalar."""
    dt = k.dtype
    if dt.kind == "b":
        if k.ndim == 0:
            return Adv("t", bool(k.get()[()] if isinstance(k, ndarray) else k[()]), 0)
        return Adv("b", k, k.ndim)
    if dt.kind in "iu":
        if isinstance(k, numpy.ndarray) and not dt.isnative:
            k = k.astype(dt.newbyteorder("="))
        return Adv("i", k, 1)
    if from_list:
        raise IndexError(_BAD_ENTRY)
    raise IndexError("arrays used as indices must be of integer (or boolean) type")


def _classify(k):
    """One key entry as Ellipsis, None, a slice, an int or an Adv."""
    if k is None or k is Ellipsis or isinstance(k, slice):
        return k
    if isinstance(k, (bool, numpy.bool_)):
        return Adv("t", bool(k), 0)
    if isinstance(k, (ndarray, numpy.ndarray)):
        return _classify_array(k)
    if isinstance(k, (list, tuple)):
        host = numpy.asarray(k)
        if host.size == 0 and host.dtype.kind not in "biu":
            host = host.astype(_INTP)       # NumPy: an empty list indexes as intp
        return _classify_array(host, from_list=True)
    if isinstance(k, numpy.generic) and k.dtype.kind not in "iu":
        raise IndexError(_BAD_ENTRY)
    if hasattr(k, "__index__"):
        return operator.index(k)
    raise IndexError(_BAD_ENTRY)


def prepare(shape, key) -> list:
    """``key`` for an array of ``shape`` as a list of entries (None, slices, ints, Adv, GAP)
    with the ellipsis expanded; NumPy's IndexErrors in NumPy's order."""
    ndim = len(shape)
    entries = [_classify(k) for k in (key if isinstance(key, tuple) else (key,))]
    n_ell = 0
    consumed = 0
    for e in entries:
        if e is Ellipsis:
            n_ell += 1
            if n_ell > 1:
                raise IndexError("an index can only have a single ellipsis ('...')")
        elif isinstance(e, Adv):
            consumed += e.ndim if e.kind == "b" else (1 if e.kind == "i" else 0)
        elif e is not None:
            consumed += 1
    if consumed > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but "
                         f"{consumed} were indexed")
    if n_ell:
        i = entries.index(Ellipsis)
        # An ellipsis that stands for no axis still separates advanced indices (NumPy:
        # a[:, [0], ..., [0]] puts the index dimensions first).
        entries[i:i + 1] = [slice(None)] * (ndim - consumed) or [GAP]
    else:
        entries += [slice(None)] * (ndim - consumed)
    _assign_axes(entries)
    for e in entries:                       # masks first, then integers (NumPy's order)
        if isinstance(e, Adv) and e.kind == "b":
            _check_mask(e, shape)
    axis = 0
    for e in entries:
        if type(e) is int:
            n = shape[axis]
            if not -n <= e < n:
                raise IndexError(f"index {e} is out of bounds for axis {axis} with size {n}")
        axis += _width(e)
    return entries


def _width(e) -> int:
    """How many axes of the indexed array an entry consumes."""
    if e is None or e is GAP:
        return 0
    if isinstance(e, Adv):
        return e.ndim if e.kind == "b" else (1 if e.kind == "i" else 0)
    return 1


def _assign_axes(entries) -> None:
    axis = 0
    for e in entries:
        if isinstance(e, Adv):
            e.axis = axis
        axis += _width(e)


def _check_mask(e, shape) -> None:
    for j, m in enumerate(e.value.shape):
        n = shape[e.axis + j]
        if m != n:
            raise IndexError(f"boolean index did not match indexed array along axis "
                             f"{e.axis + j}; size of axis is {n} but size of corresponding "
                             f"boolean axis is {m}")


# -- advanced indexing: the plan -------------------------------------------------------------------
class Plan:
    """An advanced index split into a basic view and the advanced entries applied to it.

    ``shape``/``strides``/``offset``: the view (advanced axes kept whole; a boolean
    scalar is a new axis of length 1 and stride 0).  ``adv``: [(view axis, Adv)] in
    key order; a mask covers ``ndim`` view axes from its view axis.  ``first``: the
    position of the broadcast index dimensions in the result.
    """

    __slots__ = ("shape", "strides", "offset", "adv", "first")

    def __init__(self, shape, strides, offset, adv, first):
        self.shape, self.strides, self.offset = shape, strides, offset
        self.adv, self.first = adv, first

    def sub_axes(self) -> list:
        """The view axes no advanced entry covers, in order (the result's other dims)."""
        covered = set()
        for vaxis, e in self.adv:
            covered.update(range(vaxis, vaxis + (e.ndim if e.kind == "b" else 1)))
        return [d for d in range(len(self.shape)) if d not in covered]

    def single_mask(self) -> bool:
        """Whether one mask is the only advanced entry and covers the whole view."""
        return (len(self.adv) == 1 and self.adv[0][1].kind == "b"
                and self.adv[0][1].ndim == len(self.shape))


def plan(shape, strides, entries) -> Plan:
    """The :class:`Plan` of prepared ``entries`` on an array of ``shape``/``strides``."""
    vshape, vstrides, adv, offset, axis = [], [], [], 0, 0
    positions = []                  # key positions of the entries that count as advanced
    for pos, e in enumerate(entries):
        if e is GAP:
            continue
        if e is None:
            vshape.append(1)
            vstrides.append(0)
        elif isinstance(e, slice):
            n, st = shape[axis], strides[axis]
            start, stop, step = e.indices(n)
            length = len(range(start, stop, step))
            if length:
                offset += start * st
            vshape.append(length)
            vstrides.append(st * step)
            axis += 1
        elif isinstance(e, Adv):
            positions.append(pos)
            adv.append((len(vshape), e))
            if e.kind == "t":
                vshape.append(1)
                vstrides.append(0)
            else:
                k = e.ndim if e.kind == "b" else 1
                vshape += shape[axis:axis + k]
                vstrides += strides[axis:axis + k]
                axis += k
        else:                       # an integer: an offset, advanced for the placement rule
            n = shape[axis]
            offset += (e + n if e < 0 else e) * strides[axis]
            positions.append(pos)
            axis += 1
    adjacent = positions == list(range(positions[0], positions[0] + len(positions)))
    first = 0
    if adjacent:
        first = sum(1 for e in entries[:positions[0]] if e is None or isinstance(e, slice))
    return Plan(tuple(vshape), tuple(vstrides), offset, adv, first)


# -- shapes ------------------------------------------------------------------------------------
def shape_text(shape) -> str:
    """A shape as NumPy's index errors print it: ``(2,)``, ``(2,3)``."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ",".join(str(s) for s in shape) + ")"


def broadcast_index_shapes(shapes) -> tuple:
    """The broadcast shape of the index arrays; NumPy's IndexError when they don't broadcast."""
    try:
        return tuple(numpy.broadcast_shapes(*shapes))
    except ValueError:
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together with "
                         "shapes " + "".join(shape_text(s) + " " for s in shapes if s)
                         ) from None       # (0-d index arrays are not listed, as in NumPy)


def result_layout(sub_shape, sub_strides, bshape, first):
    """(buffer shape, buffer order of the other dims, result axes): NumPy's layout of an
    advanced index's result.  The result is a buffer holding the broadcast index
    dimensions outermost (C order), then the other dimensions in the source's memory
    order (by decreasing absolute stride, ties in C order, as NumPy's sorted stride
    permutation), viewed with the index dimensions moved to ``first``: so strides and
    contiguity match NumPy's.

    ``order[j]``: which of the other dims is the buffer's dim ``len(bshape) + j``;
    ``perm``: the buffer axis of each result axis (for ``transpose``).
    """
    nb, ns = len(bshape), len(sub_shape)
    order = sorted(range(ns), key=lambda d: -abs(sub_strides[d]))
    buf = tuple(bshape) + tuple(sub_shape[d] for d in order)
    where = [0] * ns
    for j, d in enumerate(order):
        where[d] = nb + j
    perm = where[:first] + list(range(nb)) + where[first:]
    return buf, order, perm


def check_bounds_host(values: numpy.ndarray, n: int, axis: int) -> None:
    """NumPy's bounds check of a host integer index array (IndexError on the first bad one)."""
    if not values.size:
        return
    v = values.astype(numpy.int64, copy=False)      # uint64 wraps, as NumPy's intp cast
    bad = (v < -n) | (v >= n)
    if bad.any():
        first = v.ravel()[int(numpy.argmax(bad.ravel()))]
        raise IndexError(f"index {first} is out of bounds for axis {axis} with size {n}")
