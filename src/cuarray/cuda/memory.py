"""Device memory: allocations, pointers and the allocator hooks.  See cupy.cuda.memory.

Every array's memory comes from :func:`alloc`, which calls the current
allocator: by default the shared :class:`MemoryPool` (``_pool.py``), a cache of
freed blocks per (device, stream) in front of the driver's stream-ordered pool.

Host pointers passed to the copy methods are ints (``numpy_array.ctypes.data``),
ctypes pointers or :class:`PinnedMemoryPointer` objects.  ``*_async`` methods run
on the current stream unless given one; the synchronous ones run on the current
stream and then wait for it.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import operator
import threading

from . import _driver
from ._device import _tls as _dev_tls
from ._device import get_device_id, primary_context
from ._stream import current_stream_ptr, get_current_stream

_free_lock = threading.Lock()   # explicit free() only; __del__ needs no lock (no other reference)
_shutting_down = False


@atexit.register
def _mark_shutdown():
    # Driver calls from finalizers during interpreter teardown can crash; skip them.
    global _shutting_down
    _shutting_down = True


# -- errors -------------------------------------------------------------------------------
def _human(n: int) -> str:
    """``1.00 GiB`` style size for messages."""
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        value /= 1024.0
        if value < 1024.0 or unit == "EiB":
            return f"{value:.2f} {unit}"


class OutOfMemoryError(MemoryError):
    """Out of device memory, or over a pool's limit.  See cupy.cuda.memory.OutOfMemoryError.

    ``limit`` is non-zero only when the pool's own limit (``set_limit``) refused the request.
    """

    def __init__(self, size, total, limit=0):
        self.size, self.total, self.limit = int(size), int(total), int(limit)
        msg = (f"Out of memory allocating {self.size:,} bytes ({_human(self.size)}) "
               f"(allocated so far: {self.total:,} bytes")
        if self.limit:
            msg += (f", limit set to: {self.limit:,} bytes ({_human(self.limit)})); the memory "
                    "pool's limit was reached (see MemoryPool.set_limit).")
        else:
            msg += ")."
        super().__init__(msg)

    def __reduce__(self):
        return (type(self), (self.size, self.total, self.limit))


def _check_alloc_size(size) -> int:
    size = operator.index(size)
    if size < 0:
        raise ValueError(f"allocation size must be non-negative, got {size}")
    return size


def _checked_alloc(d, result, size: int, device_id: int, what: str) -> int:
    """The pointer of an allocation call's ``(err, ptr)``; OutOfMemoryError when out of memory."""
    err, ptr = result
    if err == d.CUresult.CUDA_SUCCESS:
        return int(ptr)
    if err == d.CUresult.CUDA_ERROR_OUT_OF_MEMORY:
        raise OutOfMemoryError(size, _device_used_bytes(device_id))
    _driver.raise_error(err, what)


def _device_used_bytes(device_id: int) -> int:
    """Bytes in use on the whole device (for raw allocation errors); 0 when unknown."""
    try:
        free, total = _on_device(device_id, _driver.driver().cuMemGetInfo)[1:]
        return int(total) - int(free)
    except Exception:
        return 0


# -- small helpers ------------------------------------------------------------------------
def _on_device(device_id: int, fn, *args):
    """Call a driver function with ``device_id``'s context current (frees may run on any thread)."""
    if getattr(_dev_tls, "device_id", None) == device_id:
        return fn(*args)
    d = _driver.driver()
    _driver.check(d.cuCtxPushCurrent(primary_context(device_id)))
    try:
        return fn(*args)
    finally:
        d.cuCtxPopCurrent()


def _stream_ptr(stream) -> int:
    if stream is None:
        return current_stream_ptr()
    if type(stream) is int:
        return stream
    return stream.ptr


def _sync(stream_ptr: int) -> None:
    _driver.check(_driver.driver().cuStreamSynchronize(stream_ptr))


def _host_ptr(p) -> int:
    """Address of a host pointer given as int, ctypes pointer or PinnedMemoryPointer."""
    if type(p) is int:
        return p
    if isinstance(p, (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_wchar_p, ctypes._Pointer)):
        # Not the ctypes object's own buffer (the driver bindings would take that).
        return ctypes.cast(p, ctypes.c_void_p).value or 0
    ptr = getattr(p, "ptr", None)
    if ptr is not None:
        return int(ptr)
    if isinstance(p, ctypes.Array):
        return ctypes.addressof(p)
    try:
        return operator.index(p)
    except TypeError:
        raise TypeError("expected a host pointer (int, ctypes pointer or PinnedMemoryPointer), "
                        f"got {type(p).__name__}") from None


def _check_span(mp, size) -> int:
    """Validate ``size`` bytes from ``mp`` against its allocation, before any driver call."""
    size = operator.index(size)
    if size < 0:
        raise ValueError(f"size must be non-negative, got {size}")
    avail = mp.mem.size - mp.offset
    if size > avail:
        raise ValueError(f"{size:,} bytes exceed the {max(avail, 0):,} bytes available at this "
                         f"pointer (allocation of {mp.mem.size:,} bytes, offset {mp.offset:,})")
    return size


# -- allocations ----------------------------------------------------------------------------
class BaseMemory:
    """Common attributes of device allocations: ``ptr``, ``size`` (bytes) and ``device_id``."""

    __slots__ = ("ptr", "size", "device_id")

    def __int__(self):
        return self.ptr

    @property
    def device(self):
        from ._device import Device
        return Device(self.device_id)

    def __repr__(self):
        return (f"<{type(self).__name__} {self.ptr:#x} ({self.size:,} bytes, "
                f"device {self.device_id})>")


class Memory(BaseMemory):
    """A device allocation of its own (cuMemAlloc), freed with the object.  See cupy.cuda.Memory."""

    __slots__ = ()

    def __init__(self, size):
        self.ptr = 0    # first, so __del__ is safe when allocation fails
        self.size = size = _check_alloc_size(size)
        self.device_id = get_device_id()
        if size:
            self.ptr = self._allocate(size)

    def _allocate(self, size: int) -> int:
        d = _driver.driver()
        return _checked_alloc(d, d.cuMemAlloc(size), size, self.device_id, "cuMemAlloc")

    def _release(self, ptr: int) -> None:
        if _shutting_down is not False:     # None once teardown has cleared this module
            return
        d = _driver._driver
        if d is not None:
            _on_device(self.device_id, d.cuMemFree, ptr)

    def free(self) -> None:
        """Free the allocation now; later calls do nothing."""
        with _free_lock:
            ptr, self.ptr = self.ptr, 0
        if ptr:
            self._release(ptr)

    def __del__(self):
        ptr = self.ptr
        if ptr:
            self._release(ptr)


class ManagedMemory(Memory):
    """Unified (managed) memory from cuMemAllocManaged.  See cupy.cuda.ManagedMemory."""

    __slots__ = ()

    def _allocate(self, size: int) -> int:
        d = _driver.driver()
        flags = int(d.CUmemAttach_flags.CU_MEM_ATTACH_GLOBAL)
        return _checked_alloc(d, d.cuMemAllocManaged(size, flags), size, self.device_id,
                              "cuMemAllocManaged")


class MemoryAsync(BaseMemory):
    """A stream-ordered allocation, freed on its stream.  See cupy.cuda.MemoryAsync."""

    __slots__ = ("stream",)

    def __init__(self, size, stream=None):
        self.ptr = 0
        self.size = size = _check_alloc_size(size)
        self.device_id = get_device_id()
        self.stream = get_current_stream(self.device_id) if stream is None else stream
        if size:
            d = _driver.driver()
            self.ptr = _checked_alloc(d, d.cuMemAllocAsync(size, self.stream.ptr), size,
                                      self.device_id, "cuMemAllocAsync")

    def _release(self, ptr: int) -> None:
        # Holding the stream object keeps its handle valid until this free is queued.
        if _shutting_down is not False:
            return
        d = _driver._driver
        if d is not None:
            _on_device(self.device_id, d.cuMemFreeAsync, ptr, self.stream.ptr)

    free = Memory.free

    def __del__(self):
        ptr = self.ptr
        if ptr:
            self._release(ptr)


class UnownedMemory(BaseMemory):
    """Device memory owned elsewhere; ``owner`` is kept alive.  See cupy.cuda.UnownedMemory."""

    __slots__ = ("owner",)

    def __init__(self, ptr, size, owner, device_id=None):
        self.ptr = int(ptr)
        self.size = _check_alloc_size(size)
        self.owner = owner
        self.device_id = _pointer_device(self.ptr) if device_id is None else int(device_id)


def _pointer_device(ptr: int) -> int:
    if ptr == 0:
        return get_device_id()
    d = _driver.driver()
    attr = d.CUpointer_attribute.CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL
    err, dev = d.cuPointerGetAttribute(attr, ptr)
    return int(dev) if err == _driver._SUCCESS else get_device_id()


# -- pointers -----------------------------------------------------------------------------
class MemoryPointer:
    """A pointer into a device allocation: ``mem`` plus ``offset``.  See cupy.cuda.MemoryPointer."""

    __slots__ = ("ptr", "mem", "device_id", "offset")

    def __init__(self, mem, offset):
        offset = operator.index(offset)
        self.mem = mem
        self.offset = offset
        self.ptr = mem.ptr + offset
        self.device_id = mem.device_id

    @property
    def device(self):
        from ._device import Device
        return Device(self.device_id)

    def __int__(self):
        return self.ptr

    def __repr__(self):
        return f"<MemoryPointer {self.ptr:#x} (device {self.device_id}, offset {self.offset:,})>"

    # -- offset arithmetic (CuPy: + and - make new pointers, += and -= move this one) ---------
    def __add__(self, offset):
        return MemoryPointer(self.mem, self.offset + operator.index(offset))

    __radd__ = __add__

    def __sub__(self, offset):
        return MemoryPointer(self.mem, self.offset - operator.index(offset))

    def __iadd__(self, offset):
        offset = operator.index(offset)
        self.offset += offset
        self.ptr += offset
        return self

    def __isub__(self, offset):
        return self.__iadd__(-operator.index(offset))

    # -- copies -------------------------------------------------------------------------
    def _d2d(self, src, size, sptr):
        _driver.check(_driver.driver().cuMemcpyAsync(self.ptr, src.ptr, size, sptr))

    def _h2d(self, host, size, sptr):
        host = _host_ptr(host)
        _driver.check(_driver.driver().cuMemcpyHtoDAsync(self.ptr, host, size, sptr))

    def _d2h(self, host, size, sptr):
        host = _host_ptr(host)
        _driver.check(_driver.driver().cuMemcpyDtoHAsync(host, self.ptr, size, sptr))

    def _set(self, value, size, sptr):
        # Only the low byte is used, as cudaMemset does.
        _driver.check(_driver.driver().cuMemsetD8Async(self.ptr, int(value) & 0xFF, size, sptr))

    def _run(self, op, arg, size, stream, wait):
        if size:
            sptr = _stream_ptr(stream)
            op(self, arg, size, sptr)
            if wait:
                _sync(sptr)

    def copy_from_device(self, src, size):
        """Copy ``size`` bytes from device pointer ``src``; wait.  See cupy.cuda.MemoryPointer."""
        size = _check_span(src, _check_span(self, size))
        self._run(MemoryPointer._d2d, src, size, None, True)

    def copy_from_device_async(self, src, size, stream=None):
        """Queue a copy of ``size`` bytes from ``src``.  See cupy.cuda.MemoryPointer."""
        size = _check_span(src, _check_span(self, size))
        self._run(MemoryPointer._d2d, src, size, stream, False)

    def copy_from_host(self, mem_ptr, size):
        """Copy ``size`` bytes from host address ``mem_ptr``; wait.  See cupy.cuda.MemoryPointer."""
        self._run(MemoryPointer._h2d, mem_ptr, _check_span(self, size), None, True)

    def copy_from_host_async(self, mem_ptr, size, stream=None):
        """Queue a copy of ``size`` bytes from host ``mem_ptr``.  See cupy.cuda.MemoryPointer."""
        self._run(MemoryPointer._h2d, mem_ptr, _check_span(self, size), stream, False)

    def copy_from(self, mem, size):
        """Copy from a MemoryPointer or a host address and wait.  See cupy.cuda.MemoryPointer."""
        if isinstance(mem, MemoryPointer):
            self.copy_from_device(mem, size)
        else:
            self.copy_from_host(mem, size)

    def copy_from_async(self, mem, size, stream=None):
        """Queue a copy from a MemoryPointer or a host address.  See cupy.cuda.MemoryPointer."""
        if isinstance(mem, MemoryPointer):
            self.copy_from_device_async(mem, size, stream)
        else:
            self.copy_from_host_async(mem, size, stream)

    def copy_to_host(self, mem_ptr, size):
        """Copy ``size`` bytes to host address ``mem_ptr``; wait.  See cupy.cuda.MemoryPointer."""
        self._run(MemoryPointer._d2h, mem_ptr, _check_span(self, size), None, True)

    def copy_to_host_async(self, mem_ptr, size, stream=None):
        """Queue a copy of ``size`` bytes to host ``mem_ptr``.  See cupy.cuda.MemoryPointer."""
        self._run(MemoryPointer._d2h, mem_ptr, _check_span(self, size), stream, False)

    def memset(self, value, size):
        """Set ``size`` bytes to the byte ``value`` and wait.  See cupy.cuda.MemoryPointer."""
        self._run(MemoryPointer._set, value, _check_span(self, size), None, True)

    def memset_async(self, value, size, stream=None):
        """Queue setting ``size`` bytes to the byte ``value``.  See cupy.cuda.MemoryPointer."""
        self._run(MemoryPointer._set, value, _check_span(self, size), stream, False)


# -- raw allocation functions ---------------------------------------------------------------
def _malloc(size) -> MemoryPointer:
    """Allocate with cuMemAlloc, no pool (``set_allocator(_malloc)`` turns pooling off)."""
    return MemoryPointer(Memory(size), 0)


def malloc_managed(size) -> MemoryPointer:
    """Allocate unified (managed) memory.  See cupy.cuda.malloc_managed."""
    return MemoryPointer(ManagedMemory(size), 0)


def malloc_async(size) -> MemoryPointer:
    """Stream-ordered allocation on the current stream, uncached.  See cupy.cuda.malloc_async."""
    _check_alloc_size(size)
    try:
        return MemoryPointer(MemoryAsync(size), 0)
    except OutOfMemoryError:
        # Our pool's cached blocks sit in the same driver pool; hand them back and retry once.
        _default_pool.free_all_blocks()
        return MemoryPointer(MemoryAsync(size), 0)


# -- allocator hooks --------------------------------------------------------------------------
_tls = threading.local()    # .allocator: this thread's using_allocator override
_n_overrides = 0            # live using_allocator blocks, any thread (at 0 alloc skips the TLS)
_override_lock = threading.Lock()


def alloc(size) -> MemoryPointer:
    """Allocate ``size`` bytes with the current allocator.  See cupy.cuda.alloc."""
    if _n_overrides:
        a = getattr(_tls, "allocator", None)
        if a is not None:
            return a(size)
    return _allocator(size)


def _resolve(allocator):
    if allocator is None:
        return _default_malloc
    if not callable(allocator):
        raise TypeError(f"an allocator must be callable (size -> MemoryPointer), "
                        f"got {type(allocator).__name__}")
    return allocator


def set_allocator(allocator=None) -> None:
    """Set the allocator of every thread.  See cupy.cuda.set_allocator.

    Differences from CuPy: ``None`` restores the default pool's ``malloc``; pass
    ``cuarray.cuda.memory._malloc`` to turn pooling off.
    """
    global _allocator
    if getattr(_tls, "allocator", None) is not None:
        raise ValueError("can't change the global allocator inside a using_allocator block")
    _allocator = _resolve(allocator)


def get_allocator():
    """The allocator :func:`alloc` uses on this thread.  See cupy.cuda.get_allocator."""
    a = getattr(_tls, "allocator", None)
    return _allocator if a is None else a


@contextlib.contextmanager
def using_allocator(allocator=None):
    """Use ``allocator`` (None: the default pool) on this thread.  See cupy.cuda.using_allocator."""
    global _n_overrides
    new = _resolve(allocator)
    prev = getattr(_tls, "allocator", None)
    with _override_lock:
        _n_overrides += 1
    _tls.allocator = new
    try:
        yield
    finally:
        _tls.allocator = prev
        with _override_lock:
            _n_overrides -= 1


def get_default_memory_pool():
    """The pool shared by all devices.  See cupy.get_default_memory_pool."""
    return _default_pool


# The pool module needs the classes above, so it is imported last.
from ._pool import MemoryAsyncPool as MemoryAsyncPool  # noqa: E402
from ._pool import MemoryPool as MemoryPool  # noqa: E402

_default_pool = MemoryPool()
_default_malloc = _default_pool.malloc
_allocator = _default_malloc
