"""Page-locked (pinned) host memory and its pool.  See cupy.cuda.pinned_memory.

Pinned buffers make host<->device copies fast and truly asynchronous.  The pool
caches freed buffers by size class; a cached buffer is handed out again at once,
so keep a buffer alive until the asynchronous copies that use it have finished
(as with CuPy).
"""

from __future__ import annotations

import ctypes
import operator
import sys
import threading

from . import _driver
from . import memory as _memory
from ._device import get_device_id
from ._pool import round_size
from .memory import OutOfMemoryError, _check_alloc_size

# Python 3.12 lets a Python class export a buffer (PEP 688); before that a pointer is also a
# ctypes array of its length, which numpy.frombuffer and memoryview accept.
_PEP688 = sys.version_info >= (3, 12)


class PinnedMemory:
    """Pinned host memory (cuMemHostAlloc, portable).  See cupy.cuda.PinnedMemory."""

    __slots__ = ("ptr", "size", "_device_id")

    def __init__(self, size, flags=0):
        self.ptr = 0    # first, so __del__ is safe when allocation fails
        self.size = size = _check_alloc_size(size)
        if not size:
            return
        self._device_id = get_device_id()       # the driver needs a current context
        d = _driver.driver()
        err, ptr = d.cuMemHostAlloc(size, d.CU_MEMHOSTALLOC_PORTABLE | int(flags))
        if err == d.CUresult.CUDA_ERROR_OUT_OF_MEMORY:
            raise OutOfMemoryError(size, 0)
        if err != d.CUresult.CUDA_SUCCESS:
            _driver.raise_error(err, "cuMemHostAlloc")
        self.ptr = int(ptr)

    def __int__(self):
        return self.ptr

    def __repr__(self):
        return f"<PinnedMemory {self.ptr:#x} ({self.size:,} bytes)>"

    def _release(self, ptr: int) -> None:
        if _memory is None or _memory._shutting_down is not False:   # interpreter teardown
            return
        d = _driver._driver
        if d is not None:
            _memory._on_device(self._device_id, d.cuMemFreeHost, ptr)

    def free(self) -> None:
        """Free the buffer now; later calls do nothing."""
        with _memory._free_lock:
            ptr, self.ptr = self.ptr, 0
        if ptr:
            self._release(ptr)

    def __del__(self):
        ptr = self.ptr
        if ptr:
            self._release(ptr)


class PinnedMemoryPointer:
    """Pointer into pinned memory, a writable byte buffer.  See cupy.cuda.PinnedMemoryPointer.

    Differences from CuPy: ``+=`` and ``-=`` rebind to a new pointer instead of moving this one.
    """

    # No __slots__: before Python 3.12, instances are also ctypes arrays (see _sized_class).

    def __new__(cls, mem, offset):
        if _PEP688 or cls is not PinnedMemoryPointer:
            return object.__new__(cls)
        offset = operator.index(offset)
        return _sized_class(max(mem.size - offset, 0)).from_address(mem.ptr + offset)

    def __init__(self, mem, offset):
        offset = operator.index(offset)
        self.mem = mem
        self.offset = offset
        self.ptr = mem.ptr + offset
        self.size = mem.size - offset

    def __int__(self):
        return self.ptr

    def __repr__(self):
        return f"<PinnedMemoryPointer {self.ptr:#x} ({self.size:,} bytes)>"

    def __add__(self, offset):
        return PinnedMemoryPointer(self.mem, self.offset + operator.index(offset))

    __radd__ = __add__

    def __sub__(self, offset):
        return PinnedMemoryPointer(self.mem, self.offset - operator.index(offset))

    def __buffer__(self, flags):
        n = max(self.size, 0)
        return memoryview((ctypes.c_char * n).from_address(self.ptr)).cast("B")

    @property
    def __array_interface__(self):
        return {"shape": (max(self.size, 0),), "typestr": "|u1",
                "data": (self.ptr, False), "version": 3}


_sized_classes: dict[int, type] = {}


def _sized_class(n: int) -> type:
    """A PinnedMemoryPointer subclass that is also a ctypes ``c_char * n`` (Python < 3.12)."""
    cls = _sized_classes.get(n)
    if cls is None:
        if len(_sized_classes) > 1024:     # odd lengths from pointer arithmetic: keep it bounded
            _sized_classes.clear()
        cls = type("PinnedMemoryPointer", (PinnedMemoryPointer, ctypes.c_char * n),
                   {"__module__": __name__})
        cls = _sized_classes.setdefault(n, cls)
    return cls


class _PooledPinnedMemory:
    """A pinned pool block; freeing it puts the pointer back in its size bin."""

    __slots__ = ("ptr", "size", "_bin", "_pool")    # _pool keeps the raw allocations alive

    def __int__(self):
        return self.ptr

    def __del__(self):
        ptr = self.ptr
        if ptr:
            self._bin.append(ptr)

    def free(self) -> None:
        """Return the block to the pool now; later calls do nothing."""
        with _memory._free_lock:
            ptr, self.ptr = self.ptr, 0
        if ptr:
            self._bin.append(ptr)


class PinnedMemoryPool:
    """Pinned memory pool, caching freed blocks by size class.  See cupy.cuda.PinnedMemoryPool.

    ``allocator`` (optional) is a callable ``size -> PinnedMemoryPointer`` for new blocks.
    """

    def __init__(self, allocator=None):
        if allocator is not None and not callable(allocator):
            raise TypeError(f"allocator must be callable, got {type(allocator).__name__}")
        self._allocator = _malloc if allocator is None else allocator
        self._bins: dict[int, list] = {}    # size class -> free pointers
        self._raw: dict[int, object] = {}   # ptr -> the allocator's PinnedMemoryPointer
        self._lock = threading.Lock()
        self._total = 0

    def malloc(self, size) -> PinnedMemoryPointer:
        """Allocate ``size`` bytes of pinned memory.  See cupy.cuda.PinnedMemoryPool.malloc."""
        if size <= 0:
            if size < 0:
                raise ValueError(f"allocation size must be non-negative, got {size}")
            return PinnedMemoryPointer(PinnedMemory(0), 0)
        cls = round_size(size)
        try:
            b = self._bins[cls]
            ptr = b.pop()
        except LookupError:
            b = self._bins.setdefault(cls, [])
            ptr = self._obtain(size, cls)
        m = object.__new__(_PooledPinnedMemory)
        m.ptr, m.size, m._bin, m._pool = ptr, cls, b, self
        return PinnedMemoryPointer(m, 0)

    def _obtain(self, size: int, cls: int) -> int:
        try:
            mp = self._allocate(cls)
        except MemoryError:
            self.free_all_blocks()      # retry once with the cache emptied
            try:
                mp = self._allocate(cls)
            except MemoryError:
                raise OutOfMemoryError(size, self._total) from None
        with self._lock:
            self._raw[mp.ptr] = mp
            self._total += cls
        return mp.ptr

    def _allocate(self, cls: int):
        try:
            return self._allocator(cls)
        except _driver.CUDADriverError as exc:
            if exc.status == 2:     # CUDA_ERROR_OUT_OF_MEMORY
                raise OutOfMemoryError(cls, self._total) from exc
            raise

    def free_all_blocks(self) -> None:
        """Free every cached block.  See cupy.cuda.PinnedMemoryPool.free_all_blocks."""
        for cls, b in list(self._bins.items()):
            while b:
                try:
                    ptr = b.pop()
                except IndexError:
                    break
                with self._lock:
                    self._raw.pop(ptr, None)    # the raw allocation is freed when dropped
                    self._total -= cls

    def n_free_blocks(self) -> int:
        """Number of cached blocks.  See cupy.cuda.PinnedMemoryPool.n_free_blocks."""
        return sum(len(b) for b in list(self._bins.values()))

    def free_bytes(self) -> int:
        """Bytes held in the cache."""
        return sum(cls * len(b) for cls, b in list(self._bins.items()))

    def total_bytes(self) -> int:
        """Bytes held by the pool (in use + cached)."""
        return self._total

    def used_bytes(self) -> int:
        """Bytes in use by live blocks."""
        return self._total - self.free_bytes()


def _malloc(size) -> PinnedMemoryPointer:
    """Allocate pinned memory without pooling."""
    return PinnedMemoryPointer(PinnedMemory(size), 0)


_default_pool = PinnedMemoryPool()
_allocator = _default_pool.malloc


def alloc_pinned_memory(size) -> PinnedMemoryPointer:
    """Allocate with the current pinned allocator.  See cupy.cuda.alloc_pinned_memory."""
    return _allocator(size)


def set_pinned_memory_allocator(allocator=None) -> None:
    """Set the pinned allocator.  See cupy.cuda.set_pinned_memory_allocator.

    Differences from CuPy: ``None`` restores the default pinned pool's ``malloc``; pass
    ``cuarray.cuda.pinned_memory._malloc`` to turn pooling off.
    """
    global _allocator
    if allocator is not None and not callable(allocator):
        raise TypeError(f"an allocator must be callable, got {type(allocator).__name__}")
    _allocator = _default_pool.malloc if allocator is None else allocator


def get_default_pinned_memory_pool() -> PinnedMemoryPool:
    """The default pinned memory pool.  See cupy.get_default_pinned_memory_pool."""
    return _default_pool
