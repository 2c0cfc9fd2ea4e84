"""Array creation routines, "From shape or value" and "From existing data" (NumPy reference).

The numerical ranges live in ``ranges.py`` and the matrix builders in ``matrices.py``.
This module also holds what those share: NumPy's memory-layout rules for new arrays
(``order='K'`` allocation and the iterator's output order) and a launcher for
generator kernels (elementwise ops whose body computes a value from ``_i``).

Host data (NumPy arrays, lists, scalars, buffers) is always copied to the device;
device data (cuarray arrays, ``__cuda_array_interface__`` and CUDA DLPack producers)
is used in place where NumPy would not copy.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy

from .._core.dtypes import COMPUTE, check_supported, get_dtype
from .._core.ndarray import _allocate, _empty, _from_host, _init, _view, ndarray
from .._core.shape import best_axis_order, normalize_shape
from .._engine import copy as _copy
from .._engine import elementwise as _ew

_new = object.__new__
_ORDERS = ("C", "F", "A", "K")
_SCALARS = (bool, int, float, complex, numpy.generic)


# -- shared helpers: arguments, layouts, generator launches ------------------------------------
def check_order(order, allowed=_ORDERS) -> str:
    if order is None and "K" in allowed:
        return "K"
    if order not in _ORDERS:
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    if order not in allowed:
        raise ValueError("only 'C' or 'F' order is permitted")
    return order


def device_scope(device):
    """``with`` this to allocate on ``device`` (None: the current device)."""
    if device is None:
        return contextlib.nullcontext()
    from ..cuda import Device
    return Device(device)


def empty_strided(shape: tuple, dt: numpy.dtype, strides: tuple) -> ndarray:
    """A new array with the given (dense, non-negative) byte strides."""
    a = _new(ndarray)
    n = 1
    for s in shape:
        n *= s
    mp = _allocate(n * dt.itemsize)
    _init(a, shape, strides, dt, mp, mp.ptr, None)
    return a


def _dense_strides(shape, perm, itemsize) -> tuple:
    """Strides with the axes of ``perm`` (fastest first) laid out densely."""
    strides = [0] * len(shape)
    step = itemsize
    for ax in perm:
        strides[ax] = step
        step *= shape[ax] or 1
    return tuple(strides)


def keep_order_strides(proto_strides, shape, itemsize) -> tuple:
    """NumPy's ``order='K'`` allocation: axes ordered like the prototype's |strides|,
    largest first, ties in axis order (PyArray_CreateSortedStridePerm)."""
    perm = sorted(range(len(shape)), key=lambda i: (-abs(proto_strides[i]), i))
    return _dense_strides(shape, perm[::-1], itemsize)


def iter_strides(shape, operands, itemsize) -> tuple:
    """Strides of the output NumPy's iterator allocates for ``operands`` in ``order='K'``.

    ``operands``: (shape, strides) of the arrays broadcast to ``shape``.  This is
    the insertion sort of NumPy's nditer (npyiter_find_best_axis_ordering): axes run
    fastest first; an axis moves outwards past one with a smaller |stride| in the
    first operand that strides both, zero strides never vote, and where operands
    disagree C order wins.  Ufunc results, ``where`` and friends are laid out so.
    """
    nd = len(shape)
    op_strides = []
    for oshape, ostrides in operands:
        lead = nd - len(oshape)
        op_strides.append([0 if ax < lead or oshape[ax - lead] == 1 else ostrides[ax - lead]
                           for ax in range(nd)])
    perm = best_axis_order(op_strides, nd)
    return _dense_strides(shape, perm, itemsize)


def empty_iter(shape, dt, operands) -> ndarray:
    """A new array laid out as NumPy lays out an elementwise result over ``operands``."""
    ops = [(x._shape, x._strides) if isinstance(x, ndarray) else x for x in operands]
    ops = [o for o in ops if len(o[0])]
    if len(shape) <= 1 or not ops:
        return _empty(shape, dt)
    return empty_strided(shape, dt, iter_strides(shape, ops, dt.itemsize))


def empty_like_layout(shape, dt, proto_shape, proto_strides, proto_c, proto_f, order,
                      same_ndim=True) -> ndarray:
    """NumPy's PyArray_NewLikeArray: 'A' and 'K' follow the prototype's layout."""
    if order == "A":
        order = "F" if proto_f and not proto_c else "C"
    elif order == "K":
        if not same_ndim or proto_c or len(shape) <= 1:
            order = "C"
        elif proto_f:
            order = "F"
        else:
            return empty_strided(shape, dt, keep_order_strides(proto_strides, shape,
                                                                dt.itemsize))
    return _empty(shape, dt, order)


def compute_dtype(dt: numpy.dtype) -> numpy.dtype:
    return COMPUTE.get(dt, dt)


def generate(op, inputs, compute, out, out_compute=None) -> ndarray:
    """Run the generator ``op`` over ``out``.

    ``inputs``: arrays (broadcast to ``out``) or NumPy scalars already of their
    ``compute`` dtype (passed by value); ``out_compute``: the type ``out0`` is
    computed in (default: ``out``'s compute dtype), converted to ``out``'s dtype.
    """
    storage = tuple(x.dtype if isinstance(x, ndarray) else c for x, c in zip(inputs, compute))
    if out_compute is None:
        out_compute = compute_dtype(out.dtype)
    _ew.launch(op, list(inputs), storage, tuple(compute), [out], (out_compute,))
    return out


def warn_if_complex_to_real(src: numpy.dtype, dst: numpy.dtype, stacklevel=3) -> None:
    if src.kind == "c" and dst.kind != "c":
        warnings.warn("Casting complex values to real discards the imaginary part",
                      numpy.exceptions.ComplexWarning, stacklevel=stacklevel + 1)


def _device_view(obj):
    """``obj`` as a cuarray array without copying (cuarray arrays, CUDA array interface
    and CUDA DLPack producers), or None for host data."""
    if isinstance(obj, ndarray):
        return obj
    from .interop import device_view
    return device_view(obj)


def _supported_host(host: numpy.ndarray, what) -> numpy.ndarray:
    if host.dtype.kind not in "biufc":
        raise TypeError(f"cuarray does not support dtype {host.dtype} (from "
                        f"{type(what).__name__})")
    if not host.dtype.isnative:
        host = host.astype(host.dtype.newbyteorder("="))
    check_supported(host.dtype)
    return host


def _broadcasts_to(shape, target) -> bool:
    try:
        return numpy.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def copyto_unsafe(dst: ndarray, value) -> None:
    """``numpy.copyto(dst, value, casting='unsafe')``: broadcast, cast, copy."""
    if isinstance(value, _SCALARS):
        from ._methods import _scalar
        _copy.fill(dst, _scalar(value, dst.dtype))
        return
    src = _device_view(value)
    if src is None:
        host = _supported_host(numpy.asarray(value), value)
        if host.ndim == 0:
            copyto_unsafe(dst, host[()])
            return
        if host.dtype != dst.dtype:
            warn_if_complex_to_real(host.dtype, dst.dtype)
            host = host.astype(dst.dtype)
        src = _from_host(host)
    if src._shape != dst._shape and not _broadcasts_to(src._shape, dst._shape):
        raise ValueError(f"could not broadcast input array from shape {src._shape} into shape "
                         f"{dst._shape}")
    warn_if_complex_to_real(src.dtype, dst.dtype)
    _copy.copy_into(dst, src)


# -- from shape or value -----------------------------------------------------------------------
def empty(shape, dtype=float, order="C", *, device=None, like=None):
    """See numpy.empty."""
    dt = get_dtype(dtype)
    order = check_order(order, ("C", "F"))
    with device_scope(device):
        return _empty(normalize_shape(shape), dt, order)


def zeros(shape, dtype=float, order="C", *, device=None, like=None):
    """See numpy.zeros."""
    with device_scope(device):
        a = empty(shape, dtype, order)
        _copy.fill(a, a.dtype.type(0))
    return a


def ones(shape, dtype=None, order="C", *, device=None, like=None):
    """See numpy.ones."""
    with device_scope(device):
        a = empty(shape, dtype, order)
        _copy.fill(a, a.dtype.type(1))
    return a


def full(shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    """See numpy.full."""
    if dtype is None:
        dtype = _dtype_of(fill_value)
    with device_scope(device):
        a = empty(shape, dtype, order)
        copyto_unsafe(a, fill_value)
    return a


def _dtype_of(value) -> numpy.dtype:
    dev = _device_view(value)
    if dev is not None:
        return dev.dtype
    return _supported_host(numpy.asarray(value), value).dtype


def empty_like(prototype, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """See numpy.empty_like."""
    order = check_order(order)
    proto = _device_view(prototype)
    if proto is None:
        proto = numpy.asarray(prototype)
        pc, pf = proto.flags.c_contiguous, proto.flags.f_contiguous
    else:
        pc, pf = proto._c, proto._f
    dt = proto.dtype if dtype is None else get_dtype(dtype)
    check_supported(dt)
    new_shape = proto.shape if shape is None else normalize_shape(shape)
    with device_scope(device):
        return empty_like_layout(new_shape, dt, proto.shape, proto.strides, pc, pf, order,
                                 len(new_shape) == len(proto.shape))


def zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """See numpy.zeros_like."""
    with device_scope(device):
        out = empty_like(a, dtype, order, subok, shape)
        _copy.fill(out, out.dtype.type(0))
    return out


def ones_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """See numpy.ones_like."""
    with device_scope(device):
        out = empty_like(a, dtype, order, subok, shape)
        _copy.fill(out, out.dtype.type(1))
    return out


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """See numpy.full_like."""
    with device_scope(device):
        out = empty_like(a, dtype, order, subok, shape)
        copyto_unsafe(out, fill_value)
    return out


# -- from existing data ------------------------------------------------------------------------
def array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0, *, like=None):
    """See numpy.array.

    Differences from NumPy: host data (NumPy arrays, lists, scalars) is always
    copied to the device, so ``copy=False`` raises ValueError for it.  Lists may
    hold cuarray arrays; they are stacked on the device.
    """
    return _array(obj, dtype, copy, check_order(order), ndmin)


def asarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """See numpy.asarray.

    Differences from NumPy: host data (NumPy arrays, lists, scalars) is always
    copied to the device, so ``copy=False`` raises ValueError for it.  Objects with
    ``__cuda_array_interface__`` are used in place (no copy) where possible.
    """
    with device_scope(device):
        out = _array(a, dtype, copy, check_order(order), 0)
    if device is not None and out._mp.device_id != int(device):
        out = out.to_device(device)
    return out


def asanyarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """See numpy.asanyarray (cuarray has one array type: the same as asarray)."""
    return asarray(a, dtype, order, device=device, copy=copy)


def ascontiguousarray(a, dtype=None, *, like=None):
    """See numpy.ascontiguousarray."""
    return _array(a, dtype, None, "C", 1)


def asfortranarray(a, dtype=None, *, like=None):
    """See numpy.asfortranarray."""
    return _array(a, dtype, None, "F", 1)


def copy(a, order="K", subok=False):
    """See numpy.copy.  The copy is a device array, also for host input."""
    return _array(a, None, True, check_order(order), 0)


def astype(x, dtype, /, *, copy=True, device=None):
    """See numpy.astype."""
    if not isinstance(x, ndarray):
        raise TypeError(f"Input should be a cuarray array. It is a {type(x).__name__} instead.")
    out = x.astype(dtype, copy=copy)
    if device is not None:
        out = out.to_device(device)
    return out


_NO_COPY = "Unable to avoid copy while creating an array as requested."


def _array(obj, dtype, copy, order, ndmin) -> ndarray:
    dt = None if dtype is None else get_dtype(dtype)
    src = _device_view(obj)
    if src is not None:
        out = _from_device(src, dt, copy, order)
    elif isinstance(obj, (list, tuple)) and _holds_device_array(obj):
        if copy is False:
            raise ValueError(_NO_COPY)
        out = _stack_nested(obj, dt, order)
    else:
        if copy is False:
            raise ValueError(_NO_COPY + " Host data must be copied to the device.")
        out = _from_host_data(obj, dt, order)
    if ndmin > out.ndim:
        extra = ndmin - out.ndim
        out = _view(out, (1,) * extra + out._shape, (out.dtype.itemsize,) * extra + out._strides,
                    out.dtype, out._ptr)
    return out


def _from_device(src, dt, copy, order) -> ndarray:
    dt = src.dtype if dt is None else dt
    need = (bool(copy) or dt != src.dtype or order == "C" and not src._c
            or order == "F" and not src._f)
    if not need:
        return src
    if copy is False:
        raise ValueError(_NO_COPY)
    warn_if_complex_to_real(src.dtype, dt, stacklevel=4)
    if order == "A" and dt != src.dtype:
        order = "K"         # NumPy keeps the layout of a casting copy for 'A'
    out = empty_like_layout(src._shape, dt, src._shape, src._strides, src._c, src._f, order)
    _copy.copy_into(out, src)
    return out


def _from_host_data(obj, dt, order) -> ndarray:
    host = _supported_host(numpy.asarray(obj, dtype=dt), obj)
    c, f = host.flags.c_contiguous, host.flags.f_contiguous
    if order == "A":
        # NumPy: F for a Fortran array, the same layout for a casting copy, else C.
        cast = isinstance(obj, numpy.ndarray) and obj.dtype != host.dtype
        order = "F" if f and not c else ("K" if cast else "C")
    if order == "C" and not c:
        host = host.copy(order="C")
    elif order == "F" and not f:
        host = host.copy(order="F")
    elif order == "K" and not (c or f):
        # A dense copy in the same axis order (NumPy's K copy), moved as one block.
        host = host.copy(order="K")
        from ..cuda import _copy as _raw
        out = empty_strided(host.shape, host.dtype, host.strides)
        _raw.htod(out._ptr, host.ctypes.data, out.nbytes)
        return out
    return _from_host(host)


def _holds_device_array(seq) -> bool:
    for x in seq:
        if is_device(x):
            return True
        if isinstance(x, (list, tuple)) and _holds_device_array(x):
            return True
    return False


def _nested_shape(obj, leaves, index=()):
    """Shape of a nested sequence whose leaves are arrays or scalars; collects the leaves."""
    dev = _device_view(obj)
    if dev is not None:
        leaves.append((index, dev))
        return dev._shape
    if isinstance(obj, (list, tuple)):
        shapes = [_nested_shape(x, leaves, index + (i,)) for i, x in enumerate(obj)]
        if any(s != shapes[0] for s in shapes[1:]):
            raise ValueError("setting an array element with a sequence. The requested array has "
                             f"an inhomogeneous shape after {len(index) + 1} dimensions.")
        return (len(obj),) + (shapes[0] if shapes else ())
    host = _supported_host(numpy.asarray(obj), obj)
    leaves.append((index, host))
    return host.shape


def _stack_nested(obj, dt, order) -> ndarray:
    """``numpy.array`` of a nested list holding device arrays: one copy per leaf, on the device."""
    leaves: list = []
    shape = _nested_shape(obj, leaves)
    if dt is None:
        dt = numpy.result_type(*[x.dtype for _, x in leaves]) if leaves else numpy.dtype(float)
        check_supported(dt)
    out = _empty(shape, dt, "F" if order == "F" else "C")
    for index, leaf in leaves:
        dst = out[index]
        if isinstance(leaf, numpy.ndarray) and not leaf.ndim:
            leaf = leaf[()]
        copyto_unsafe(dst, leaf)
    return out


def asnumpy(a, stream=None, order="C", out=None, *, blocking=True):
    """A host (NumPy) copy of ``a``.  See cupy.asnumpy."""
    if isinstance(a, ndarray):
        return a.get(stream=stream, order=order, out=out, blocking=blocking)
    if hasattr(a, "__cuda_array_interface__"):
        return asarray(a).get(stream=stream, order=order, out=out)
    if out is not None:
        out[...] = a
        return out
    return numpy.asarray(a, order=order)


# -- host-side constructors (built by NumPy on the host, then copied) --------------------------
def frombuffer(buffer, dtype=float, count=-1, offset=0, *, like=None):
    """See numpy.frombuffer.

    Differences from NumPy: the buffer is read on the host and copied to the
    device; the result does not share memory with the buffer.
    """
    return _from_host(_supported_host(numpy.frombuffer(buffer, dtype, count, offset), buffer))


def fromiter(iter, dtype, count=-1, *, like=None):
    """See numpy.fromiter.  The values are gathered on the host, then copied to the device."""
    return _from_host(_supported_host(numpy.fromiter(iter, dtype, count), iter))


def fromstring(string, dtype=float, count=-1, *, sep, like=None):
    """See numpy.fromstring.  The text is parsed on the host, then copied to the device."""
    return _from_host(_supported_host(numpy.fromstring(string, dtype, count, sep=sep), string))


def host_scalar(x):
    """A 0-d device array as a NumPy scalar (a synchronising read); anything else unchanged.

    Routines whose result shape depends on argument values (arange, mgrid) need
    the values on the host, as NumPy's own conversion of 0-d arrays does.
    """
    if is_device(x):
        dev = _device_view(x)
        if dev.ndim:
            raise TypeError("only 0-dimensional arrays can be converted to Python scalars")
        return dev.get()[()]
    return x


def as_device_array(x) -> ndarray:
    """``x`` as a device array (host data copied)."""
    dev = _device_view(x)
    return dev if dev is not None else _from_host_data(x, None, "K")


def is_device(x) -> bool:
    """Whether ``x`` is device data (viewed, not copied, by asarray)."""
    if isinstance(x, ndarray) or hasattr(x, "__cuda_array_interface__"):
        return True
    return (hasattr(x, "__dlpack_device__") and not isinstance(x, (numpy.ndarray, numpy.generic))
            and _device_view(x) is not None)
