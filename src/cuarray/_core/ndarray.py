"""The GPU ndarray: shape, strides, dtype and memory; views; host transfers; protocols.

No math lives here.  Methods that need kernels (copy, astype, fill, setitem,
operators) are installed onto the class by the layers above (see
``cuarray._core.methods``), so this module imports nothing above ``cuarray.cuda``.
"""

from __future__ import annotations

import operator

import numpy

from . import shape as _sh
from .dtypes import check_supported, get_dtype

_new = object.__new__
_alloc = None           # cuarray.cuda.memory.alloc, bound on first allocation


def _allocate(nbytes: int):
    global _alloc
    if _alloc is None:
        from ..cuda.memory import alloc
        _alloc = alloc
    return _alloc(nbytes)


class ndarray:
    """An N-dimensional array in GPU memory.  See numpy.ndarray and cupy.ndarray.

    Differences from NumPy: results stay on the device; converting to a host
    array is explicit (``get()``, ``cuarray.asnumpy``), and ``numpy.asarray``
    on a device array raises TypeError instead of copying silently.
    """

    __slots__ = ("_shape", "_strides", "dtype", "_mp", "_ptr", "size", "base", "_c", "_f",
                 "__weakref__")
    __array_priority__ = 100.0

    def __init__(self, shape, dtype=float, memptr=None, offset=0, strides=None, order="C"):
        shape = _sh.normalize_shape(shape)
        dt = get_dtype(dtype)
        if order not in ("C", "F"):
            raise ValueError(f"order must be 'C' or 'F', not {order!r}")
        size = _sh.prod(shape)
        if strides is None:
            strides = (_sh.c_strides if order == "C" else _sh.f_strides)(shape, dt.itemsize)
        else:
            strides = tuple(operator.index(s) for s in strides)
            if len(strides) != len(shape):
                raise ValueError("strides, if given, must be the same length as shape")
        if memptr is None:
            if offset:
                raise ValueError("offset needs memptr")
            memptr = _allocate(size * dt.itemsize)
        _init(self, shape, strides, dt, memptr, memptr.ptr + operator.index(offset), None)

    # -- attributes ------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        v = self._reshape_view(_sh.infer_reshape(self.size, _sh.normalize_shape(new_shape)), "C")
        if v is None:
            raise AttributeError("Incompatible shape for in-place modification. Use "
                                 "`.reshape()` to make a copy with the desired shape.")
        self._shape, self._strides = v._shape, v._strides
        self._c, self._f = v._c, v._f

    @property
    def strides(self) -> tuple[int, ...]:
        return self._strides

    @property
    def ndim(self) -> int:
        return len(self._shape)

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @property
    def data(self):
        """A MemoryPointer to element 0."""
        mp = self._mp
        return mp if mp.ptr == self._ptr else mp + (self._ptr - mp.ptr)

    @property
    def flags(self) -> "Flags":
        return Flags(self._c, self._f, self.base is None)

    @property
    def device(self):
        from ..cuda import Device
        return Device(self._mp.device_id)

    @property
    def T(self) -> "ndarray":
        return self.transpose()

    @property
    def mT(self) -> "ndarray":
        if self.ndim < 2:
            raise ValueError("matrix transpose with ndim < 2 is undefined")
        return self.swapaxes(-1, -2)

    @property
    def real(self) -> "ndarray":
        if self.dtype.kind != "c":
            return self.view()
        return self._component(0)

    @property
    def imag(self) -> "ndarray":
        if self.dtype.kind != "c":
            from ..cuda import _copy
            out = _empty(self._shape, self.dtype)
            _copy.memset8(out._ptr, 0, out.nbytes)
            return out
        return self._component(1)

    def _component(self, part: int) -> "ndarray":
        dt = numpy.dtype(f"f{self.dtype.itemsize // 2}")
        return _view(self, self._shape, self._strides, dt, self._ptr + part * dt.itemsize)

    # -- views ---------------------------------------------------------------------------------
    def view(self, dtype=None, type=None) -> "ndarray":
        """A view, optionally reinterpreting the bytes as ``dtype``.  See numpy.ndarray.view."""
        if type is not None:
            raise TypeError("view(type=...) is not supported; cuarray has one array type")
        if dtype is None:
            return _view(self, self._shape, self._strides, self.dtype, self._ptr)
        dt = get_dtype(dtype, allow_none_default=False)
        old = self.dtype.itemsize
        if dt.itemsize == old:
            return _view(self, self._shape, self._strides, dt, self._ptr)
        if self.ndim == 0:
            raise ValueError("Changing the dtype of a 0d array is only supported if the itemsize "
                             "is unchanged")
        if self._shape[-1] != 1 and self._strides[-1] != old and self.size:
            raise ValueError("To change to a dtype of a different size, the last axis must be "
                             "contiguous")
        last = self._shape[-1] * old
        if last % dt.itemsize:
            raise ValueError("When changing to a smaller dtype, its size must be a divisor of the "
                             "size of original dtype" if dt.itemsize < old else
                             "When changing to a larger dtype, its size must be a divisor of the "
                             "total size in bytes of the last axis of the array.")
        shape = self._shape[:-1] + (last // dt.itemsize,)
        return _view(self, shape, self._strides[:-1] + (dt.itemsize,), dt, self._ptr)

    def reshape(self, *shape, order="C", copy=None) -> "ndarray":
        """A view where NumPy's would be one, else a copy.  See numpy.ndarray.reshape."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        if order not in ("C", "F", "A"):
            raise ValueError(f"order must be one of 'C', 'F', 'A' (got {order!r})")
        if order == "A":
            order = "F" if self._f and not self._c else "C"
        new_shape = _sh.infer_reshape(self.size, shape)
        if copy:
            return self.copy(order="C" if order == "C" else "F").reshape(new_shape, order=order)
        v = self._reshape_view(new_shape, order)
        if v is not None:
            return v
        if copy is False:
            raise ValueError("Unable to avoid creating a copy while reshaping.")
        return self.copy(order=order)._reshape_view(new_shape, order)

    def _reshape_view(self, new_shape, order):
        if new_shape == self._shape:
            return _view(self, self._shape, self._strides, self.dtype, self._ptr)
        strides = _sh.reshape_strides(self._shape, self._strides, self.dtype.itemsize,
                                      new_shape, order)
        if strides is None:
            return None
        return _view(self, new_shape, strides, self.dtype, self._ptr)

    def transpose(self, *axes) -> "ndarray":
        """See numpy.ndarray.transpose."""
        n = self.ndim
        if not axes or axes == (None,):
            perm = tuple(range(n - 1, -1, -1))
        else:
            if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
                axes = axes[0]
            if len(axes) != n:
                raise ValueError("axes don't match array")
            perm = tuple(_sh.normalize_axis_index(operator.index(a), n) for a in axes)
            if len(set(perm)) != n:
                raise ValueError("repeated axis in transpose")
        return _view(self, tuple(self._shape[i] for i in perm),
                     tuple(self._strides[i] for i in perm), self.dtype, self._ptr)

    def swapaxes(self, axis1, axis2) -> "ndarray":
        """See numpy.ndarray.swapaxes."""
        n = self.ndim
        a, b = _sh.normalize_axis_index(axis1, n), _sh.normalize_axis_index(axis2, n)
        perm = list(range(n))
        perm[a], perm[b] = b, a
        return self.transpose(perm)

    def squeeze(self, axis=None) -> "ndarray":
        """See numpy.ndarray.squeeze."""
        if axis is None:
            keep = [i for i, s in enumerate(self._shape) if s != 1]
        else:
            axes = axis if isinstance(axis, tuple) else (axis,)
            drop = {_sh.normalize_axis_index(operator.index(a), self.ndim) for a in axes}
            for i in drop:
                if self._shape[i] != 1:
                    raise ValueError("cannot select an axis to squeeze out which has size not "
                                     "equal to one")
            keep = [i for i in range(self.ndim) if i not in drop]
        return _view(self, tuple(self._shape[i] for i in keep),
                     tuple(self._strides[i] for i in keep), self.dtype, self._ptr)

    def ravel(self, order="C") -> "ndarray":
        """A 1-D view where possible, else a copy.  See numpy.ndarray.ravel."""
        if order == "K":
            order = "F" if self._f and not self._c else "C"
        elif order == "A":
            order = "F" if self._f and not self._c else "C"
        return self.reshape((self.size,), order=order)

    def flatten(self, order="C") -> "ndarray":
        """A 1-D copy.  See numpy.ndarray.flatten."""
        if order in ("A", "K"):
            order = "F" if self._f and not self._c else "C"
        return self.copy(order=order).reshape((self.size,), order=order)

    # -- indexing ---------------------------------------------------------------------------------
    def __getitem__(self, key):
        """Basic keys give views; integer arrays and boolean masks copy (NumPy's rules).

        Differences from NumPy: device index arrays are bounds-checked on the device at
        the cost of one stream synchronisation, and a boolean mask's result size is read
        back from the device (another); host index arrays (lists, NumPy arrays) are
        checked on the host.
        """
        from .indexing import getitem
        return getitem(self, key)

    # -- host transfers -----------------------------------------------------------------------
    def get(self, stream=None, order="C", out=None, blocking=True) -> numpy.ndarray:
        """Copy to a NumPy array (waits for the copy).  See cupy.ndarray.get."""
        from ..cuda import _copy
        if stream is not None:
            with stream:
                return self.get(None, order, out, blocking)
        src = self
        if not (self._c or self._f):
            src = self.copy(order="C" if order not in ("F",) else "F")
        if out is not None:
            if not isinstance(out, numpy.ndarray):
                raise TypeError("out must be a numpy.ndarray")
            if out.shape != self._shape or out.dtype != self.dtype:
                raise ValueError(f"out has shape {out.shape} and dtype {out.dtype}; expected "
                                 f"{self._shape} and {self.dtype}")
            if not ((src._c and out.flags.c_contiguous) or (src._f and out.flags.f_contiguous)):
                out[...] = self.get()
                return out
            host = out
        else:
            host = numpy.empty(self._shape, self.dtype, order="C" if src._c else "F")
        _copy.dtoh(host.ctypes.data, src._ptr, self.nbytes)
        return host

    def set(self, arr, stream=None) -> None:
        """Copy a NumPy array of the same shape into this array.  See cupy.ndarray.set."""
        from ..cuda import _copy
        if stream is not None:
            with stream:
                return self.set(arr, None)
        if not isinstance(arr, numpy.ndarray):
            raise TypeError(f"set() takes a numpy.ndarray, not {type(arr).__name__}")
        if arr.shape != self._shape:
            raise ValueError(f"shape mismatch: {arr.shape} vs {self._shape}")
        if arr.dtype != self.dtype:
            raise TypeError(f"dtype mismatch: {arr.dtype} vs {self.dtype}")
        if self._c or self._f:
            host = numpy.asarray(arr, order="C" if self._c else "F")
            _copy.htod(self._ptr, host.ctypes.data, self.nbytes)
        else:
            self[...] = _from_host(numpy.ascontiguousarray(arr))

    def item(self, *args):
        """See numpy.ndarray.item."""
        if args:
            return self[args if len(args) > 1 else args[0]].item()
        if self.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self.get().item()

    def tolist(self):
        """See numpy.ndarray.tolist."""
        return self.get().tolist()

    # -- Python protocols ------------------------------------------------------------------------
    def __len__(self):
        if not self._shape:
            raise TypeError("len() of unsized object")
        return self._shape[0]

    def __iter__(self):
        if not self._shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self._shape[0]))

    def _scalar_host(self):
        # NumPy's rules (size-1 only, 0-d for __index__) from a same-shaped host array.
        if self.size != 1:
            return numpy.empty(self._shape, self.dtype)
        return self.get()

    def __bool__(self):
        return bool(self._scalar_host())

    def __int__(self):
        return int(self._scalar_host())

    def __float__(self):
        return float(self._scalar_host())

    def __complex__(self):
        return complex(self._scalar_host())

    def __index__(self):
        if self.ndim or self.dtype.kind not in "biu":
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return operator.index(self.get()[()])

    def __repr__(self):
        return repr(self.get())

    def __str__(self):
        return str(self.get())

    def __format__(self, spec):
        return format(self.get(), spec)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce__(self):
        # Through host memory; NumPy's pickling keeps dtype and C/F order.
        return _from_host, (self.get(order="F" if self._f and not self._c else "C"),)

    # -- interoperability protocols ---------------------------------------------------------
    @property
    def __cuda_array_interface__(self) -> dict:
        from ..cuda._stream import current_stream_ptr
        s = current_stream_ptr()
        return {"shape": self._shape, "typestr": self.dtype.str, "descr": [("", self.dtype.str)],
                "data": (self._ptr if self.size else 0, False), "version": 3,
                "strides": None if self._c else self._strides,
                "stream": s if s else 1}

    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Use `.get()` or "
                        "`cuarray.asnumpy()` to copy a device array to the host explicitly.")

    def __array_namespace__(self, *, api_version=None):
        import cuarray
        return cuarray


class Flags:
    """Memory-layout flags.  See numpy.ndarray.flags."""

    __slots__ = ("c_contiguous", "f_contiguous", "owndata")
    writeable = True
    aligned = True

    def __init__(self, c, f, owndata):
        self.c_contiguous, self.f_contiguous, self.owndata = c, f, owndata

    _KEYS = {"C_CONTIGUOUS": "c_contiguous", "C": "c_contiguous", "CONTIGUOUS": "c_contiguous",
             "F_CONTIGUOUS": "f_contiguous", "F": "f_contiguous", "FORTRAN": "f_contiguous",
             "OWNDATA": "owndata", "O": "owndata", "WRITEABLE": "writeable", "W": "writeable",
             "ALIGNED": "aligned", "A": "aligned"}

    def __getitem__(self, key):
        try:
            return getattr(self, self._KEYS[key])
        except KeyError:
            raise KeyError(f"Unknown flag {key!r}") from None

    def __repr__(self):
        return "\n".join(f"  {k} : {getattr(self, v)}" for k, v in
                         (("C_CONTIGUOUS", "c_contiguous"), ("F_CONTIGUOUS", "f_contiguous"),
                          ("OWNDATA", "owndata"), ("WRITEABLE", "writeable")))


# -- construction helpers (the array layer's hot paths) -------------------------------------------
def _init(a, shape, strides, dt, mp, ptr, base):
    a._shape, a._strides, a.dtype, a._mp, a._ptr, a.base = shape, strides, dt, mp, ptr, base
    n = 1
    for s in shape:
        n *= s
    a.size = n
    a._c, a._f = _sh.contiguity(shape, strides, dt.itemsize)


def _view(a, shape, strides, dt, ptr) -> ndarray:
    v = _new(ndarray)
    _init(v, shape, strides, dt, a._mp, ptr, a if a.base is None else a.base)
    return v


def _empty(shape: tuple, dt: numpy.dtype, order: str = "C") -> ndarray:
    """A new array; ``shape`` a tuple of non-negative ints, ``dt`` a supported dtype."""
    a = _new(ndarray)
    n = 1
    for s in shape:
        n *= s
    mp = _allocate(n * dt.itemsize)
    a._shape, a.dtype, a._mp, a._ptr, a.base, a.size = shape, dt, mp, mp.ptr, None, n
    if len(shape) <= 1:
        a._strides = (dt.itemsize,) if shape else ()
        a._c = a._f = True
    else:
        a._strides = (_sh.c_strides if order == "C" else _sh.f_strides)(shape, dt.itemsize)
        a._c, a._f = _sh.contiguity(shape, a._strides, dt.itemsize)
    return a


def _from_host(host: numpy.ndarray) -> ndarray:
    """A device copy of a host array (C or F order kept; other layouts become C)."""
    from ..cuda import _copy
    check_supported(host.dtype)
    if host.flags.f_contiguous and not host.flags.c_contiguous:
        a = _empty(host.shape, host.dtype, "F")
    else:
        if not host.flags.c_contiguous:
            host = host.copy(order="C")      # (ascontiguousarray would make 0-d arrays 1-d)
        a = _empty(host.shape, host.dtype)
    _copy.htod(a._ptr, host.ctypes.data, a.nbytes)
    return a
