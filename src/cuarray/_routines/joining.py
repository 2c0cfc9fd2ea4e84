"""Joining and splitting arrays (NumPy reference: "Joining arrays", "Splitting arrays").

concatenate allocates its result with NumPy's layout rule (the inputs' common
stride order, ``PyArray_CreateMultiSortedStridePerm``) and fills it with one copy per
input into a view of the result: a plain device-to-device memcpy where layouts
agree, else the elementwise copy kernel (which collapses dimensions).  Many small
contiguous inputs are copied by one kernel instead (see ``_SMALL_BYTES``): it finds
each output element's input by a scan over at most ``_GROUP`` column ranges.
Splitting makes views.
"""

from __future__ import annotations

import operator
import warnings

import numpy
from numpy.lib.array_utils import normalize_axis_index

from .._core.dtypes import get_dtype
from .._core.ndarray import _view, ndarray
from .._core.shape import prod
from .._engine import copy as _copy
from .._engine.elementwise import BLOCK, INT32_LIMIT, max_grid
from . import _remap
from .manipulation import (_array, _with_unit_axes, atleast_1d, atleast_2d, atleast_3d,
                           check_casting, slice_axis, swapaxes)

# Inputs averaging fewer bytes than this are copied by one kernel per _GROUP inputs: a
# launch (~5 us) costs more than copying a MiB at HBM bandwidth.
_SMALL_BYTES = 1 << 20
_GROUP = 16
_kernels: dict = {}


# -- layout ------------------------------------------------------------------------------
def multi_sorted_strides(arrays, shape, itemsize) -> tuple:
    """Strides NumPy gives a concatenation result: PyArray_CreateMultiSortedStridePerm.
    ``arrays``: ndarrays or (shape, strides) pairs.

    A stable insertion sort of the axes from the largest stride to the smallest, each
    pair decided by the first input in which neither axis has length 1 (C order where
    inputs disagree or no input decides).
    """
    ops = [(a._shape, a._strides) if hasattr(a, "_shape") else a for a in arrays]
    ndim = len(shape)
    perm = list(range(ndim))
    for i0 in range(1, ndim):
        ipos, j0 = i0, perm[i0]
        for i1 in range(i0 - 1, -1, -1):
            j1 = perm[i1]
            ambiguous, swap = True, False
            for oshape, ostrides in ops:
                if oshape[j0] != 1 and oshape[j1] != 1:
                    if abs(ostrides[j0]) <= abs(ostrides[j1]):
                        swap = False
                    elif ambiguous:
                        swap = True
                    ambiguous = False
            if not ambiguous:
                if not swap:
                    break
                ipos = i1
        if ipos != i0:
            perm[ipos + 1:i0 + 1] = perm[ipos:i0]
            perm[ipos] = j0
    strides = [0] * ndim
    step = itemsize
    for ax in reversed(perm):
        strides[ax] = step
        step *= shape[ax] or 1
    return tuple(strides)


def _allocate(shape, dt, arrays) -> ndarray:
    from .creation import empty_strided
    return empty_strided(tuple(shape), dt, multi_sorted_strides(arrays, shape, dt.itemsize))


# -- concatenate -------------------------------------------------------------------------
def concatenate(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """See numpy.concatenate."""
    if out is not None and dtype is not None:
        raise TypeError("concatenate() only takes `out` or `dtype` as an argument, but both "
                        "were provided.")
    check_casting(casting)
    arrays = [_array(a) for a in arrays]
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        return _concatenate_flat(arrays, out, dtype, casting)
    nd = arrays[0].ndim
    if nd == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    axis = normalize_axis_index(axis, nd)
    shape = list(arrays[0]._shape)
    for i, a in enumerate(arrays[1:], 1):
        if a.ndim != nd:
            raise ValueError("all the input arrays must have same number of dimensions, but the "
                             f"array at index 0 has {nd} dimension(s) and the array at index {i} "
                             f"has {a.ndim} dimension(s)")
        for d in range(nd):
            if d != axis and a._shape[d] != shape[d]:
                raise ValueError("all the input array dimensions except for the concatenation "
                                 f"axis must match exactly, but along dimension {d}, the array "
                                 f"at index 0 has size {shape[d]} and the array at index {i} has "
                                 f"size {a._shape[d]}")
        shape[axis] += a._shape[axis]
    fresh = out is None
    _check_out(out)
    dt = _result_dtype(arrays, out, dtype, casting)
    if fresh:
        out = _allocate(shape, dt, arrays)
    elif out._shape != tuple(shape):
        raise ValueError("Output array is the wrong shape")
    _fill(out, arrays, axis, fresh)
    return out


def concat(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """See numpy.concat (the array API's name for concatenate)."""
    return concatenate(arrays, axis, out, dtype=dtype, casting=casting)


def _check_out(out) -> None:
    if out is not None and not isinstance(out, ndarray):
        raise TypeError(f"'out' must be a cuarray.ndarray, not {type(out).__name__}")


def _result_dtype(arrays, out, dtype, casting) -> numpy.dtype:
    if out is not None:
        dt = out.dtype
    elif dtype is not None:
        dt = get_dtype(dtype)
    else:
        return numpy.result_type(*[a.dtype for a in arrays])
    for a in arrays:
        if not numpy.can_cast(a.dtype, dt, casting):
            raise TypeError(f"Cannot cast array data from {a.dtype!r} to {dt!r} according to "
                            f"the rule {casting!r}")
    from .creation import warn_if_complex_to_real
    for a in arrays:
        warn_if_complex_to_real(a.dtype, dt, stacklevel=4)
    return dt


def _concatenate_flat(arrays, out, dtype, casting) -> ndarray:
    """axis=None: the inputs raveled in C order, one after another."""
    total = sum(a.size for a in arrays)
    fresh = out is None
    _check_out(out)
    dt = _result_dtype(arrays, out, dtype, casting)
    if fresh:
        from .._core.ndarray import _empty
        out = _empty((total,), dt)
    elif out.ndim != 1:
        raise ValueError("Output array must be 1D")
    elif out._shape[0] != total:
        raise ValueError("Output array is the wrong size")
    # Each C-contiguous input is a (1, size) block of the (1, total) result.
    flat = [_c_view_2d(a) for a in arrays]
    if fresh and _small_kernel_fits(out, flat, dt):
        _copy_small(_view(out, (1, total), (out._strides[0] * total, out._strides[0]), dt,
                          out._ptr), [f for f in flat if f is not None])
        return out
    pos = 0
    for a in arrays:
        if a.size:
            piece = slice_axis(out, 0, pos, pos + a.size)
            dst = _view(piece, a._shape, _c_strides_of(a._shape, piece._strides[0]), dt,
                        piece._ptr)
            _copy_in(dst, a, check_overlap=not fresh)
        pos += a.size
    return out


def _c_strides_of(shape, step) -> tuple:
    strides, acc = [], step
    for s in reversed(shape):
        strides.append(acc)
        acc *= s or 1
    return tuple(reversed(strides))


def _c_view_2d(a):
    """A C-contiguous array as (1, size); None for a non-contiguous one."""
    if not a._c:
        return None
    return _view(a, (1, a.size), (a.size * a.dtype.itemsize, a.dtype.itemsize), a.dtype, a._ptr)


def _fill(out, arrays, axis, fresh) -> None:
    """Copy each input into its slice of ``out`` along ``axis``."""
    blocks = _as_blocks(out, arrays, axis) if fresh else None
    if blocks is not None and _small_kernel_fits(out, blocks[1], out.dtype):
        _copy_small(*blocks)
        return
    pos = 0
    for a in arrays:
        n = a._shape[axis]
        if n:
            _copy_in(slice_axis(out, axis, pos, pos + n), a, check_overlap=not fresh)
        pos += n


def _copy_in(dst, src, check_overlap) -> None:
    if check_overlap:
        from ._methods import _overlaps
        if _overlaps(src, dst):
            src = src.copy()
    _copy.copy_into(dst, src)


def _as_blocks(out, arrays, axis):
    """``out`` and the inputs as 2-D C-contiguous (rows, columns) views, or None.

    In ``out``'s memory order, rows are the axes before ``axis`` and columns the rest;
    each input must be C-contiguous in that order too.
    """
    if not out._shape or not out.size:
        return None
    perm = sorted(range(out.ndim), key=lambda i: (-abs(out._strides[i]), i))
    o = out.transpose(perm)
    if not o._c:
        return None
    k = perm.index(axis)
    rows = prod(o._shape[:k])
    it = out.dtype.itemsize
    blocks = []
    for a in arrays:
        t = a.transpose(perm)
        if not t._c:
            return None
        cols = t.size // rows if rows else 0
        blocks.append(_view(t, (rows, cols), (cols * it, it), t.dtype, t._ptr))
    total = o.size // rows
    return _view(o, (rows, total), (total * it, it), o.dtype, o._ptr), blocks


def _small_kernel_fits(out, blocks, dt) -> bool:
    if any(b is None for b in blocks) or len(blocks) < 2 or not out.size:
        return False
    if any(b.dtype != dt for b in blocks):
        return False
    return sum(b.size for b in blocks) * dt.itemsize < _SMALL_BYTES * len(blocks)


def _copy_small(out, blocks) -> None:
    """One kernel per _GROUP inputs: out (rows, W) <- blocks (rows, w_j) side by side."""
    rows, total = out._shape
    it = out.dtype.itemsize
    pos = 0
    group = []
    for b in blocks:
        w = b._shape[1]
        if w:
            group.append((b, pos, w))
        pos += w
        if len(group) == _GROUP:
            _launch_small(out, rows, total, group, it)
            group = []
    if group:
        _launch_small(out, rows, total, group, it)


def _launch_small(out, rows, total, group, itemsize) -> None:
    first = group[0][1]
    width = group[-1][1] + group[-1][2] - first
    n = rows * width
    idx = "int" if rows * total < INT32_LIMIT else "long long"
    word = _remap.word_size(itemsize, [out._ptr] + [b._ptr for b, _, _ in group])
    fn = _small_kernel(itemsize, word, len(group), idx)
    args = [out._ptr + first * itemsize, n, width, total]
    for b, start, w in group:
        args += [b._ptr, start - first, w]
    fn(min((n + BLOCK - 1) // BLOCK, max_grid()), BLOCK, tuple(args))


def small_concat_source(itemsize: int, word: int, count: int, idx: str) -> str:
    """Source of the many-small-inputs kernel: ``count`` (pointer, start, width) column
    ranges; output element ``(r, c)`` of a ``(rows, width)`` block with row pitch
    ``pitch`` reads input ``j`` (the last with start <= c) at ``(r, c - start_j)``."""
    name = _small_name(itemsize, word, count, idx)
    params = ["char* __restrict__ out", f"const {idx} n", f"const {idx} width",
              f"const {idx} pitch"]
    for j in range(count):
        params += [f"const char* __restrict__ p{j}", f"const {idx} c{j}", f"const {idx} w{j}"]
    pick = "\n".join(f"    else if (_c >= c{j}) {{ _src = p{j} + (_r * w{j} + _c - c{j}) * "
                     f"(long long)sizeof(cuarray_elem); }}" for j in range(count - 1, 0, -1))
    return ("#include <cuarray/common.cuh>\n" + _remap._elem_decl(itemsize, word)
            + f'extern "C" __global__ void {name}(' + ", ".join(params) + ")\n{\n"
            + f"  CUARRAY_GRID_STRIDE_LOOP({idx}, _i, n) {{\n"
            + f"    const {idx} _r = _i / width, _c = _i % width;\n"
            + "    const char* _src;\n    if (false) {}\n" + (pick + "\n" if pick else "")
            + "    else { _src = p0 + (_r * w0 + _c) * (long long)sizeof(cuarray_elem); }\n"
            + "    reinterpret_cast<cuarray_elem*>(out)[_r * pitch + _c] = "
            + "*reinterpret_cast<const cuarray_elem*>(_src);\n  }\n}\n")


def _small_name(itemsize, word, count, idx) -> str:
    return (f"cuarray_concat_small__{itemsize}b_w{word}_x{count}_"
            f"{'i32' if idx == 'int' else 'i64'}")


def _small_kernel(itemsize, word, count, idx):
    key = (itemsize, word, count, idx)
    fn = _kernels.get(key)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        fn = _kernels[key] = compile_with_cache(
            small_concat_source(itemsize, word, count, idx)).get_function(
                _small_name(itemsize, word, count, idx))
    return fn


# -- stacking ----------------------------------------------------------------------------
def _check_sequence(arrays) -> None:
    # NumPy's dispatcher rejects anything without __getitem__ before the function runs.
    if not hasattr(arrays, "__getitem__"):
        raise TypeError('arrays to stack must be passed as a "sequence" type such as list or '
                        'tuple.')


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """See numpy.stack."""
    _check_sequence(arrays)
    arrays = [_array(a) for a in arrays]
    if not arrays:
        raise ValueError("need at least one array to stack")
    if len({a._shape for a in arrays}) != 1:
        raise ValueError("all input arrays must have the same shape")
    result_ndim = arrays[0].ndim + 1
    axis = normalize_axis_index(axis, result_ndim)
    expanded = [_with_unit_axes(a, (axis,), result_ndim) for a in arrays]
    return concatenate(expanded, axis=axis, out=out, dtype=dtype, casting=casting)


def vstack(tup, *, dtype=None, casting="same_kind"):
    """See numpy.vstack."""
    _check_sequence(tup)
    arrs = atleast_2d(*tup)
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    return concatenate(arrs, 0, dtype=dtype, casting=casting)


def hstack(tup, *, dtype=None, casting="same_kind"):
    """See numpy.hstack."""
    _check_sequence(tup)
    arrs = atleast_1d(*tup)
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    # As in NumPy, 1-D inputs are joined along their only axis.
    axis = 0 if arrs and arrs[0].ndim == 1 else 1
    return concatenate(arrs, axis, dtype=dtype, casting=casting)


def dstack(tup):
    """See numpy.dstack."""
    _check_sequence(tup)
    arrs = atleast_3d(*tup)
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    return concatenate(arrs, 2)


def column_stack(tup):
    """See numpy.column_stack."""
    _check_sequence(tup)
    arrays = []
    for v in tup:
        a = _array(v)
        if a.ndim < 2:
            a = _with_unit_axes(a, tuple(range(2 - a.ndim)), 2).T
        arrays.append(a)
    return concatenate(arrays, 1)


if hasattr(numpy, "row_stack"):
    def row_stack(tup, *, dtype=None, casting="same_kind"):
        """See numpy.row_stack (deprecated by NumPy: use vstack)."""
        warnings.warn("`row_stack` alias is deprecated. Use `np.vstack` directly.",
                      DeprecationWarning, stacklevel=2)
        return vstack(tup, dtype=dtype, casting=casting)

    __all__ = ["row_stack"]
else:
    __all__ = []


# -- block -------------------------------------------------------------------------------
def _block_index(index) -> str:
    return "arrays" + "".join(f"[{i}]" for i in index if i is not None)


def _size_ndim(x) -> tuple:
    if isinstance(x, ndarray):
        return x.size, x.ndim
    from .creation import is_device
    if is_device(x):
        a = _array(x)
        return a.size, a.ndim
    return numpy.size(x), numpy.ndim(x)


def _block_depths(arrays, parent_index=()):
    """(index of the first bottom element, its max ndim, total size): NumPy's checks."""
    if isinstance(arrays, tuple):
        raise TypeError(f"{_block_index(parent_index)} is a tuple. Only lists can be used to "
                        "arrange blocks, and np.block does not allow implicit conversion from "
                        "tuple to ndarray.")
    if isinstance(arrays, list) and arrays:
        results = [_block_depths(x, parent_index + (i,)) for i, x in enumerate(arrays)]
        first_index, max_ndim, final_size = results[0]
        for index, ndim, size in results[1:]:
            final_size += size
            max_ndim = max(max_ndim, ndim)
            if len(index) != len(first_index):
                raise ValueError("List depths are mismatched. First element was at depth "
                                 f"{len(first_index)}, but there is an element at depth "
                                 f"{len(index)} ({_block_index(index)})")
            if index[-1] is None:
                first_index = index
        return first_index, max_ndim, final_size
    if isinstance(arrays, list):
        return parent_index + (None,), 0, 0
    size, ndim = _size_ndim(arrays)
    return parent_index, ndim, size


def _at_least_nd(x, ndim) -> ndarray:
    from .creation import array
    return array(x, copy=None, ndmin=ndim)


def _block_shapes(shapes, axis):
    first = shapes[0]
    if any(s[:axis] != first[:axis] or s[axis + 1:] != first[axis + 1:] for s in shapes):
        raise ValueError(f"Mismatched array shapes in block along axis {axis}.")
    sizes = [s[axis] for s in shapes]
    shape = first[:axis] + (sum(sizes),) + first[axis + 1:]
    starts = [0]
    for s in sizes:
        starts.append(starts[-1] + s)
    return shape, [(slice(a, b),) for a, b in zip(starts, starts[1:])]


def _block_info(arrays, max_depth, result_ndim, depth=0):
    if depth < max_depth:
        infos = [_block_info(x, max_depth, result_ndim, depth + 1) for x in arrays]
        axis = result_ndim - max_depth + depth
        shape, prefixes = _block_shapes([i[0] for i in infos], axis)
        slices = [p + s for p, info in zip(prefixes, infos) for s in info[1]]
        leaves = [leaf for info in infos for leaf in info[2]]
        return shape, slices, leaves
    a = _at_least_nd(arrays, result_ndim)
    return a._shape, [()], [a]


def _block_concat(arrays, max_depth, result_ndim, depth=0):
    if depth < max_depth:
        parts = [_block_concat(x, max_depth, result_ndim, depth + 1) for x in arrays]
        return concatenate(parts, axis=-(max_depth - depth))
    return _at_least_nd(arrays, result_ndim)


def block(arrays):
    """See numpy.block (NumPy's two strategies, so results are laid out as NumPy's)."""
    bottom, arr_ndim, final_size = _block_depths(arrays)
    list_ndim = len(bottom)
    if bottom and bottom[-1] is None:
        raise ValueError(f"List at {_block_index(bottom)} cannot be empty")
    result_ndim = max(arr_ndim, list_ndim)
    if list_ndim * final_size > 2 * 512 * 512:
        shape, slices, leaves = _block_info(arrays, list_ndim, result_ndim)
        dt = numpy.result_type(*[a.dtype for a in leaves])
        order = "F" if all(a._f for a in leaves) and not all(a._c for a in leaves) else "C"
        from .._core.ndarray import _empty
        out = _empty(tuple(shape), dt, order)
        for sl, a in zip(slices, leaves):
            dst = out
            lead = out.ndim - len(sl)
            for d, s in enumerate(sl):
                dst = slice_axis(dst, lead + d, s.start, s.stop)
            _copy.copy_into(dst, a)
        return out
    result = _block_concat(arrays, list_ndim, result_ndim)
    return result.copy() if list_ndim == 0 else result


# -- splitting ---------------------------------------------------------------------------
def array_split(ary, indices_or_sections, axis=0):
    """See numpy.array_split."""
    a = _array(ary)
    total = a._shape[axis]
    try:
        sections = len(indices_or_sections) + 1
        points = [0] + [operator.index(i) for i in indices_or_sections] + [total]
    except TypeError:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        each, extras = divmod(total, sections)
        points = [0]
        for k in range(sections):
            points.append(points[-1] + each + (1 if k < extras else 0))
    sary = swapaxes(a, axis, 0)
    return [swapaxes(slice_axis(sary, 0, points[i], points[i + 1]), axis, 0)
            for i in range(sections)]


def split(ary, indices_or_sections, axis=0):
    """See numpy.split."""
    try:
        len(indices_or_sections)
    except TypeError:
        if _array(ary)._shape[axis] % indices_or_sections:
            raise ValueError("array split does not result in an equal division") from None
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """See numpy.hsplit."""
    a = _array(ary)
    if a.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(a, indices_or_sections, 1 if a.ndim > 1 else 0)


def vsplit(ary, indices_or_sections):
    """See numpy.vsplit."""
    a = _array(ary)
    if a.ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(a, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """See numpy.dsplit."""
    a = _array(ary)
    if a.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(a, indices_or_sections, 2)


def unstack(x, /, *, axis=0):
    """See numpy.unstack (a tuple of views)."""
    from .manipulation import moveaxis
    x = _array(x)
    if x.ndim == 0:
        raise ValueError("Input array must be at least 1-d.")
    m = moveaxis(x, axis, 0)
    return tuple(_index0(m, i) for i in range(m._shape[0]))


def _index0(a, i) -> ndarray:
    return _view(a, a._shape[1:], a._strides[1:], a.dtype, a._ptr + i * a._strides[0])

