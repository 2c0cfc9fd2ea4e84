"""Index generators and fill_diagonal (NumPy reference: "Indexing routines", the part NumPy
implements in ``numpy/lib/_index_tricks_impl.py``): ix_, ravel_multi_index,
unravel_index, diag_indices(_from), tril/triu_indices(_from), mask_indices,
fill_diagonal.

Host arguments (Python ints, lists, NumPy arrays) of ravel_multi_index and
unravel_index are computed by NumPy itself and copied to the device; device
arguments run an elementwise kernel whose invalid entries set the error flag of
``cuarray._engine.gather`` (read once: one synchronisation).
"""

from __future__ import annotations

import operator

import numpy

from .._core.ndarray import _empty, _from_host, _view, ndarray
from .._engine import copy as _copy
from .._engine import elementwise as _ew
from .._engine import gather as _gather
from . import _subscript as _sub
from .creation import as_device_array

_I64 = numpy.dtype(numpy.int64)
_U64 = numpy.dtype(numpy.uint64)
_INTP = numpy.dtype(numpy.intp)
_ops: dict = {}


def _op(name, body, nin, nout=1):
    key = (name, body, nin, nout)
    op = _ops.get(key)
    if op is None:
        op = _ops[key] = _ew.ElementwiseOp(name, body, nin, nout)
    return op


def _device(x) -> ndarray:
    return x if isinstance(x, ndarray) else as_device_array(x)


# -- ix_ -------------------------------------------------------------------------------------------
def ix_(*args):
    """See numpy.ix_ (the index arrays are device arrays)."""
    out = []
    nd = len(args)
    for k, new in enumerate(args):
        if not isinstance(new, ndarray):
            new = numpy.asarray(new)
            if new.size == 0:
                new = new.astype(_INTP)     # empty lists index as intp, as in NumPy
        if new.ndim != 1:
            raise ValueError("Cross index must be 1 dimensional")
        if new.dtype.kind == "b":
            new = _sub.mask_coordinates(new)[0]
        if isinstance(new, numpy.ndarray):
            new = _from_host(new)
        out.append(new.reshape((1,) * k + (new.size,) + (1,) * (nd - k - 1)))
    return tuple(out)


# -- ravel_multi_index, unravel_index --------------------------------------------------------------
def _is_host(x) -> bool:
    return not isinstance(x, ndarray) and not hasattr(x, "__cuda_array_interface__")


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """See numpy.ravel_multi_index.

    Differences from NumPy: scalar results are 0-d device arrays.
    """
    if all(_is_host(x) for x in multi_index):
        return _from_host(numpy.asarray(numpy.ravel_multi_index(multi_index, dims, mode,
                                                                order)))
    dims = tuple(operator.index(d) for d in dims)
    k = len(dims)
    modes = (mode,) * k if isinstance(mode, str) else tuple(mode)
    # NumPy validates dims, modes and order (on empty indices: no index can be wrong).
    numpy.ravel_multi_index(tuple(numpy.zeros(0, _INTP) for _ in multi_index), dims, mode,
                            order)
    arrays = [_multi_operand(x) for x in multi_index]
    strides = _dim_strides(dims, order)
    op = _op("ravel_multi_index", ravel_body(modes), 3 * k + 1)
    flag = _gather.error_flag()
    inputs = arrays + [numpy.int64(d) for d in dims] + [numpy.int64(s) for s in strides]
    inputs.append(numpy.uint64(flag._ptr))
    storage = tuple(x.dtype for x in arrays) + (_I64,) * (2 * k) + (_U64,)
    compute = (_I64,) * (3 * k) + (_U64,)
    shape = tuple(numpy.broadcast_shapes(*[x.shape for x in arrays]))
    out = _empty(shape, _I64)
    _ew.launch(op, inputs, storage, compute, [out], (_I64,))
    if out.size and "raise" in modes and _gather.flag_raised():
        raise ValueError("invalid entry in coordinates array")
    return out


def ravel_body(modes) -> str:
    """The elementwise body of ravel_multi_index: inputs k coordinates, k dims, k strides,
    the error flag's address; ``modes`` per dim."""
    k = len(modes)
    parts = [f"{{ long long _v = (long long)in{j}; const long long _n = in{k + j}; "
             + _RAVEL_MODES[m].replace("FLAG", f"in{3 * k}") + f" _s += _v * in{2 * k + j}; }}"
             for j, m in enumerate(modes)]
    return "long long _s = 0;\n" + "\n".join(parts) + "\nout0 = _s"


def unravel_body(k) -> str:
    """The elementwise body of unravel_index: inputs the index, the size, the error flag's
    address, then (dim, stride) per output."""
    lines = ["long long _v = (long long)in0",
             "if (_v < 0 || _v >= in1) { *reinterpret_cast<int*>(in2) = 1; _v = 0; }"]
    lines += [f"out{j} = in{3 + 2 * j} ? (_v / in{4 + 2 * j}) % in{3 + 2 * j} : 0"
              for j in range(k)]
    return ";\n".join(lines)


_RAVEL_MODES = {
    "raise": "if (_v < 0 || _v >= _n) { *reinterpret_cast<int*>(FLAG) = 1; _v = 0; }",
    "wrap": "if (_n) { _v %= _n; if (_v < 0) _v += _n; }",
    "clip": "_v = _v < 0 ? 0 : (_v >= _n ? _n - 1 : _v);",
}


def _multi_operand(x):
    """A coordinate array: device integer arrays as they are, host ones as NumPy int64."""
    if isinstance(x, ndarray) or hasattr(x, "__cuda_array_interface__"):
        x = _device(x)
        if x.dtype.kind not in "biu":
            raise TypeError("only int indices permitted")
        return x
    host = numpy.asarray(x)
    if host.dtype.kind not in "biu":
        raise TypeError("only int indices permitted")
    return _from_host(host.astype(_I64)) if host.ndim else host.astype(_I64)[()]


def _dim_strides(dims, order):
    strides, acc = [0] * len(dims), 1
    seq = range(len(dims) - 1, -1, -1) if order == "C" else range(len(dims))
    for j in seq:
        strides[j] = acc
        acc *= dims[j]
    return strides


def unravel_index(indices, shape, order="C"):
    """See numpy.unravel_index.

    Differences from NumPy: scalar results are 0-d device arrays.
    """
    if _is_host(indices):
        res = numpy.unravel_index(indices, shape, order)
        if not res:
            return ()
        return _columns(_from_host(numpy.stack([numpy.asarray(r) for r in res], axis=-1)))
    idx = _device(indices)
    if idx.dtype.kind not in "biu":
        raise TypeError("only int indices permitted")
    dims = (operator.index(shape),) if not isinstance(shape, (tuple, list)) else tuple(
        operator.index(d) for d in shape)
    if not dims:
        return unravel_index(idx.get(), dims, order)
    numpy.unravel_index(numpy.zeros(0, _INTP), dims, order)     # NumPy's argument checks
    size = 1
    for d in dims:
        size *= d
    k = len(dims)
    strides = _dim_strides(dims, order)
    op = _op("unravel_index", unravel_body(k), 3 + 2 * k, k)
    flag = _gather.error_flag()
    scalars = [numpy.int64(size), numpy.uint64(flag._ptr)]
    for d, s in zip(dims, strides):
        scalars += [numpy.int64(d), numpy.int64(s)]
    outs = _columns(_empty(idx._shape + (k,), _I64))    # NumPy's layout: one (..., k) array
    storage = (idx.dtype, _I64, _U64) + (_I64,) * (2 * k)
    compute = (_I64, _I64, _U64) + (_I64,) * (2 * k)
    _ew.launch(op, [idx] + scalars, storage, compute, list(outs), (_I64,) * k)
    if idx.size and _gather.flag_raised():
        host = idx.get().astype(numpy.int64).ravel()
        bad = host[(host < 0) | (host >= size)]
        value = int(bad[0]) if bad.size else -1
        raise ValueError(f"index {value} is out of bounds for array with size {size}")
    return outs


def _columns(buf):
    """The views ``buf[..., j]`` (NumPy returns unravel_index's results so)."""
    k = buf._shape[-1]
    return tuple(_view(buf, buf._shape[:-1], buf._strides[:-1], buf.dtype,
                       buf._ptr + j * buf.dtype.itemsize) for j in range(k))


# -- diagonals and triangles ---------------------------------------------------------------------
def diag_indices(n, ndim=2):
    """See numpy.diag_indices."""
    from .ranges import arange
    idx = arange(n)
    return (idx,) * ndim


def diag_indices_from(arr):
    """See numpy.diag_indices_from."""
    shape = numpy.shape(arr) if not isinstance(arr, ndarray) else arr._shape
    if not len(shape) >= 2:
        raise ValueError("input array must be at least 2-d")
    if any(s != shape[0] for s in shape):
        raise ValueError("All dimensions of input must be of equal length")
    return diag_indices(shape[0], len(shape))


def _rows(mask):
    """The coordinates of ``mask``'s true elements as contiguous 1-D arrays."""
    from .indexing import coordinates
    coords = coordinates(mask)
    return tuple(coords[j] for j in range(mask.ndim))


def tril_indices(n, k=0, m=None):
    """See numpy.tril_indices."""
    from .matrices import tri
    return _rows(tri(n, m, k=k, dtype=bool))


def triu_indices(n, k=0, m=None):
    """See numpy.triu_indices."""
    from .._ufunc.namespace import logical_not
    from .matrices import tri
    return _rows(logical_not(tri(n, m, k=k - 1, dtype=bool)))


def _shape_2d(arr):
    shape = numpy.shape(arr) if not isinstance(arr, ndarray) else arr._shape
    if len(shape) != 2:
        raise ValueError("input array must be 2-d")
    return shape


def tril_indices_from(arr, k=0):
    """See numpy.tril_indices_from."""
    rows, cols = _shape_2d(arr)
    return tril_indices(rows, k=k, m=cols)


def triu_indices_from(arr, k=0):
    """See numpy.triu_indices_from."""
    rows, cols = _shape_2d(arr)
    return triu_indices(rows, k=k, m=cols)


def mask_indices(n, mask_func, k=0):
    """See numpy.mask_indices (``mask_func`` gets a device array)."""
    from .creation import ones
    from .indexing import nonzero
    a = mask_func(ones((n, n), int), k)
    return nonzero(a != 0)


# -- fill_diagonal ---------------------------------------------------------------------------------
def fill_diagonal(a, val, wrap=False):
    """See numpy.fill_diagonal."""
    if not isinstance(a, ndarray):
        raise TypeError(f"fill_diagonal: a must be a cuarray.ndarray, not {type(a).__name__}")
    if a.ndim < 2:
        raise ValueError("array must be at least 2-d")
    end = None
    if a.ndim == 2:
        step = a._shape[1] + 1
        if not wrap:
            end = a._shape[1] * a._shape[1]
    else:
        if any(s != a._shape[0] for s in a._shape):
            raise ValueError("All dimensions of input must be of equal length")
        step, acc = 1, 1
        for s in a._shape[:-1]:
            acc *= s
            step += acc
    target = a if a._c else a.copy()
    flat = _view(target, (a.size,), (a.dtype.itemsize,), a.dtype, target._ptr)
    diag = flat[:end:step]
    src = _sub.as_value(val, a.dtype)
    if isinstance(src, numpy.generic):
        _copy.fill(diag, src)
    else:
        src = src.ravel()
        if not src.size or not diag.size:
            return
        from .indexing import _cycled
        _copy.copy_into(diag, _cycled(_sub.detach(src, a), diag.size))
    if target is not a:
        _copy.copy_into(a, target)
