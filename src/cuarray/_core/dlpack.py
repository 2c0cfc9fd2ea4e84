"""DLPack: the C structures, the dtype codes, and building and reading capsules.

The layouts follow ``dlpack.h`` (DLPack 1.x): ``DLManagedTensorVersioned`` in
capsules named ``"dltensor_versioned"`` and the legacy ``DLManagedTensor`` in
capsules named ``"dltensor"``.  A consumer renames a capsule it takes to
``"used_dltensor_versioned"`` / ``"used_dltensor"`` and later calls the tensor's
deleter; a capsule dropped unconsumed frees the tensor itself.

Exporting: NumPy builds the capsule.  NumPy's deleter and capsule destructor are
C functions that take the GIL and leave a pending Python exception alone.  A
ctypes callback runs Python code instead, and consumers drop a rejected capsule
while their own error is set (``numpy.from_dlpack`` on device memory does): the
callback then turns that error into a SystemError and the array leaks (seen
with NumPy 2.4 and a ctypes destructor).  So the device memory is
described to NumPy through ``__array_interface__`` (NumPy records the pointer and
never reads it), NumPy's ``__dlpack__`` allocates and fills the structure and owns
the references, and the device, dtype code and flags are then written into it
through the ctypes views below.

Importing: the capsule is read through the same ctypes views, renamed once the
tensor is known to be usable, and an :class:`Owner` calls the producer's deleter
when the last array viewing the memory is gone.

This module needs no GPU and imports nothing above ``cuarray.cuda``.
"""

from __future__ import annotations

import ctypes
import enum

import numpy


class DLDeviceType(enum.IntEnum):
    """``DLDeviceType`` of dlpack.h (the array API standard's device enum)."""

    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17


class DLDataTypeCode(enum.IntEnum):
    """``DLDataTypeCode`` of dlpack.h (the codes cuarray meets)."""

    kDLInt = 0
    kDLUInt = 1
    kDLFloat = 2
    kDLOpaqueHandle = 3
    kDLBfloat = 4
    kDLComplex = 5
    kDLBool = 6


#: Device types whose memory CUDA kernels address directly (device or managed memory).
CUDA_DEVICE_TYPES = frozenset({DLDeviceType.kDLCUDA, DLDeviceType.kDLCUDAManaged})

FLAG_READ_ONLY = 1 << 0
FLAG_IS_COPIED = 1 << 1

_U64 = (1 << 64) - 1

VERSIONED = b"dltensor_versioned"
LEGACY = b"dltensor"
USED_VERSIONED = b"used_dltensor_versioned"
USED_LEGACY = b"used_dltensor"


# -- the C structures (dlpack.h) --------------------------------------------------------------
class DLPackVersion(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32)]


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p),
                ("device", DLDevice),
                ("ndim", ctypes.c_int32),
                ("dtype", DLDataType),
                ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("strides", ctypes.POINTER(ctypes.c_int64)),    # in elements, not bytes
                ("byte_offset", ctypes.c_uint64)]


_DELETER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", DLTensor),
                ("manager_ctx", ctypes.c_void_p),
                ("deleter", ctypes.c_void_p)]


class DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = [("version", DLPackVersion),
                ("manager_ctx", ctypes.c_void_p),
                ("deleter", ctypes.c_void_p),
                ("flags", ctypes.c_uint64),
                ("dl_tensor", DLTensor)]


# -- dtype codes ----------------------------------------------------------------------------------
_KIND_CODE = {"b": DLDataTypeCode.kDLBool, "i": DLDataTypeCode.kDLInt,
              "u": DLDataTypeCode.kDLUInt, "f": DLDataTypeCode.kDLFloat,
              "c": DLDataTypeCode.kDLComplex}

#: numpy dtype -> (code, bits, lanes), for the dtypes cuarray stores.
DTYPE_TO_DL = {dt: (int(_KIND_CODE[dt.kind]), 8 * dt.itemsize, 1) for dt in map(numpy.dtype, (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128"))}
DL_TO_DTYPE = {v: k for k, v in DTYPE_TO_DL.items()}


def dl_dtype(dt: numpy.dtype) -> tuple[int, int, int]:
    """The DLPack ``(code, bits, lanes)`` of a cuarray dtype; BufferError for others."""
    try:
        return DTYPE_TO_DL[dt]
    except KeyError:
        raise BufferError(f"DLPack export of dtype {dt} is not supported") from None


def numpy_dtype(code: int, bits: int, lanes: int) -> numpy.dtype:
    """The cuarray dtype of a DLPack ``(code, bits, lanes)``; BufferError for others."""
    dt = DL_TO_DTYPE.get((code, bits, lanes))
    if dt is not None:
        return dt
    if lanes != 1:
        raise BufferError(f"DLPack vector types (lanes={lanes}) are not supported")
    try:
        name = DLDataTypeCode(code).name
    except ValueError:
        name = f"type code {code}"
    raise BufferError(f"DLPack dtype ({name}, {bits} bits) is not supported: cuarray arrays hold "
                      "bool, integer, float16/32/64 and complex64/128 data")


# -- capsule C-API ---------------------------------------------------------------------------
_api = ctypes.pythonapi
_is_valid = _api.PyCapsule_IsValid
_is_valid.restype, _is_valid.argtypes = ctypes.c_int, [ctypes.py_object, ctypes.c_char_p]
_get_pointer = _api.PyCapsule_GetPointer
_get_pointer.restype, _get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
_set_name = _api.PyCapsule_SetName
_set_name.restype, _set_name.argtypes = ctypes.c_int, [ctypes.py_object, ctypes.c_char_p]
# PyCapsule_SetName keeps the pointer it is given, not a copy: the two names must
# outlive every capsule, module teardown included, so they get a reference never released.
for _name in (USED_VERSIONED, USED_LEGACY):
    _api.Py_IncRef(ctypes.py_object(_name))
del _name


def is_capsule(obj) -> bool:
    t = type(obj)
    return t.__name__ == "PyCapsule" and t.__module__ == "builtins"


def capsule_name(capsule) -> bytes | None:
    """The capsule's DLPack name, or None when it has another one."""
    for name in (VERSIONED, LEGACY, USED_VERSIONED, USED_LEGACY):
        if _is_valid(capsule, name):
            return name
    return None


def managed_tensor(capsule):
    """``(struct, versioned)``: a ctypes view of the capsule's managed tensor (not consumed)."""
    name = capsule_name(capsule)
    if name is None:
        raise TypeError("expected a DLPack capsule (named 'dltensor' or 'dltensor_versioned')")
    if name in (USED_VERSIONED, USED_LEGACY):
        raise BufferError("this DLPack capsule was already consumed; a capsule can be imported "
                          "only once")
    addr = _get_pointer(capsule, name)
    versioned = name == VERSIONED
    return (DLManagedTensorVersioned if versioned else DLManagedTensor).from_address(addr), \
        versioned


# -- export --------------------------------------------------------------------------------------
class _Described:
    """Describes memory to NumPy (``__array_interface__``) and keeps its owner alive."""

    __slots__ = ("__array_interface__", "owner")

    def __init__(self, interface, owner):
        self.__array_interface__ = interface
        self.owner = owner


def numpy_capsule(host: numpy.ndarray, versioned: bool):
    """NumPy's own capsule for ``host`` (versioned when asked and NumPy supports it)."""
    if versioned:
        try:
            return host.__dlpack__(max_version=(1, 0))
        except TypeError:       # NumPy 2.0 exports only the legacy capsule
            pass
    return host.__dlpack__()


def export(ptr: int, shape: tuple, strides: tuple, dt: numpy.dtype, device: tuple, owner, *,
           versioned: bool, copied: bool = False):
    """A capsule for the memory at ``ptr`` (``strides`` in bytes) on ``device``.

    ``owner`` stays referenced until the consumer calls the deleter, or the capsule
    is dropped unconsumed.  BufferError when DLPack cannot describe the layout.
    """
    code_bits_lanes = dl_dtype(dt)
    item = dt.itemsize
    size = 1
    for n in shape:
        size *= n
    if size > 1:
        for n, s in zip(shape, strides):
            if n > 1 and s % item:
                raise BufferError("DLPack only supports strides which are a multiple of itemsize")
    # NumPy records the pointer and never dereferences it; the fields are rewritten below.
    interface = {"data": (ptr, False), "shape": shape,
                 "strides": strides, "typestr": dt.str, "version": 3}
    host_view = numpy.asarray(_Described(interface, owner))
    capsule = numpy_capsule(host_view, versioned)
    m, is_versioned = managed_tensor(capsule)
    t = m.dl_tensor
    t.data = ptr if size else None      # dlpack.h: NULL for empty tensors
    t.byte_offset = 0
    t.device.device_type, t.device.device_id = int(device[0]), int(device[1])
    t.dtype.code, t.dtype.bits, t.dtype.lanes = code_bits_lanes
    if is_versioned:
        m.flags = (m.flags & ~FLAG_READ_ONLY) | (FLAG_IS_COPIED if copied else 0)
    return capsule


def mark_copied(capsule) -> None:
    """Set DLPACK_FLAG_BITMASK_IS_COPIED on a versioned capsule (legacy ones have no flags)."""
    m, versioned = managed_tensor(capsule)
    if versioned:
        m.flags |= FLAG_IS_COPIED


# -- import --------------------------------------------------------------------------------------
class Imported:
    """What a capsule describes: pointer, shape, byte strides, dtype, device."""

    __slots__ = ("ptr", "shape", "strides", "dtype", "device", "flags", "versioned",
                 "_managed", "_deleter")


def read(capsule) -> Imported:
    """Describe an unconsumed capsule without consuming it.

    BufferError (the capsule is left for its producer to free) when the tensor's
    version, dtype or layout cannot be imported.
    """
    m, versioned = managed_tensor(capsule)
    if versioned and m.version.major != 1:
        raise BufferError(f"DLPack version {m.version.major}.{m.version.minor} is not supported "
                          "(cuarray reads DLPack 1.x)")
    t = m.dl_tensor
    info = Imported()
    info.versioned = versioned
    info.flags = int(m.flags) if versioned else 0
    info.device = (int(t.device.device_type), int(t.device.device_id))
    info.dtype = dt = numpy_dtype(t.dtype.code, t.dtype.bits, t.dtype.lanes)
    ndim = int(t.ndim)
    if ndim < 0 or ndim > 64:
        raise BufferError(f"DLPack tensor has an invalid number of dimensions ({ndim})")
    shape = tuple(int(t.shape[i]) for i in range(ndim))
    if any(n < 0 for n in shape):
        raise BufferError(f"DLPack tensor has a negative extent: shape {shape}")
    if t.strides and ndim:
        strides = tuple(_int64(int(t.strides[i]) * dt.itemsize) for i in range(ndim))
    else:   # NULL strides (allowed before DLPack 1.2): compact row-major
        strides, acc = [], dt.itemsize
        for n in reversed(shape):
            strides.append(acc)
            acc *= max(n, 1)
        strides = tuple(reversed(strides))
    info.shape, info.strides = shape, strides
    info.ptr = (t.data or 0) + int(t.byte_offset)      # byte_offset is uint64 in dlpack.h
    _check_extent(info.ptr, shape, strides, dt.itemsize)
    info._managed = ctypes.addressof(m)
    info._deleter = m.deleter or 0
    return info


def _int64(v: int) -> int:
    """``v`` wrapped to a signed 64-bit integer, as C consumers compute byte strides.

    A valid tensor's byte strides fit in int64, so this changes nothing for
    them.  CuPy exporters before the fix of cupy/cupy#10172 divide a negative
    byte stride by the itemsize as unsigned (``-64`` bytes of float64 becomes
    ``(2**64 - 64) // 8`` elements); times the itemsize, wrapped, that is the
    intended stride again, which is how C consumers (NumPy, CuPy) read such
    capsules correctly.
    """
    v &= _U64
    return v - (1 << 64) if v >> 63 else v


def _check_extent(ptr: int, shape: tuple, strides: tuple, itemsize: int) -> None:
    """BufferError when the elements of a non-empty tensor do not lie in the address space."""
    if 0 in shape:
        return
    from .shape import byte_bounds
    lo, end = byte_bounds(ptr, shape, strides, itemsize)
    if lo < 0 or end - 1 > _U64:
        raise BufferError(f"DLPack tensor with shape {shape} and byte strides {strides} at "
                          f"{ptr:#x} reaches outside the address space (corrupt strides?)")


class Owner:
    """Holds an imported tensor; calls the producer's deleter when collected."""

    __slots__ = ("_managed", "_deleter", "producer", "__weakref__")

    def __init__(self, managed: int, deleter: int, producer):
        self._managed, self._deleter, self.producer = managed, deleter, producer

    def __del__(self):
        deleter, self._deleter = self._deleter, 0
        if deleter and _DELETER is not None:
            # A foreign call: the GIL is released around it, so a deleter that
            # takes the GIL itself (NumPy's does) cannot deadlock.
            _DELETER(deleter)(self._managed)


def consume(capsule, info: Imported, producer) -> Owner:
    """Take ownership of a capsule :func:`read` accepted (rename it, return its owner)."""
    name = USED_VERSIONED if info.versioned else USED_LEGACY
    if _set_name(capsule, name) != 0:       # pragma: no cover - only fails for non-capsules
        raise BufferError("could not mark the DLPack capsule as consumed")
    return Owner(info._managed, info._deleter, producer)
