"""The device memory pool.  See cupy.cuda.MemoryPool.

Two layers (ARCHITECTURE.md, "Memory"):

* underneath, the driver's stream-ordered pool: the device's default memory
  pool, with its release threshold at the maximum so the driver keeps what it
  has mapped; misses allocate with ``cuMemAllocFromPoolAsync`` on the current
  stream;
* in front, a cache of freed blocks per (device, stream, size class).  A block
  goes back to the cache of the stream it was allocated on, and only a request
  on that same stream reuses it, so stream order alone keeps reuse safe.  A hit
  is a dict look-up and a list pop, with no driver call and no lock: ``list.pop``
  and ``list.append`` are atomic under the GIL.

Accounting needs no work on the hot path either: ``total`` (bytes obtained from
the driver) changes only on a miss or a release, under a lock; cached bytes are
summed when asked for, and used bytes are the difference.

Graph capture: while the current stream is capturing, allocations bypass the
cache and become graph allocation nodes (freed by free nodes when they die during
the capture).  Arrays that a graph writes must therefore be allocated before the
capture starts and kept alive while the graph is replayed.  While any capture
is in progress, cached blocks stay cached (releasing them needs a synchronisation).
"""

from __future__ import annotations

import operator
import threading
import weakref

from . import _driver, _graph
from . import memory as _memory
from ._device import _tls as _dev_tls
from ._device import get_device_id
from ._stream import _tls as _stream_tls
from ._stream import get_current_stream
from .memory import BaseMemory, Memory, MemoryAsync, MemoryPointer, OutOfMemoryError

_SMALL_MAX = 1 << 20        # up to here, 512-byte classes (CuPy's rounding)
_LARGE_STEP_MAX = 1 << 25   # above, 16 classes per power of two, but steps of at most 32 MiB
_UINT64_MAX = (1 << 64) - 1
_new = object.__new__

# Driver constants, read once the driver is up (enum look-ups are slow on the miss path).
_SUCCESS = _OOM = _CAPTURE_NONE = None
_pool_handles: dict[int, object] = {}   # device id -> its default CUmemoryPool, threshold set


def round_size(size: int) -> int:
    """The size class a request of ``size`` (> 0) bytes is served from."""
    if size <= _SMALL_MAX:
        return (size + 511) & -512
    step = 1 << (size.bit_length() - 5)
    if step > _LARGE_STEP_MAX:
        step = _LARGE_STEP_MAX
    return (size + step - 1) & -step


def _init_constants():
    global _SUCCESS, _OOM, _CAPTURE_NONE
    d = _driver.driver()
    _OOM = d.CUresult.CUDA_ERROR_OUT_OF_MEMORY
    _CAPTURE_NONE = d.CUstreamCaptureStatus.CU_STREAM_CAPTURE_STATUS_NONE
    _SUCCESS = d.CUresult.CUDA_SUCCESS
    return d


def _stream_capturing(sptr: int) -> bool:
    """Whether the stream is capturing (asked only while some capture is in progress)."""
    if _SUCCESS is None:
        _init_constants()
    err, status = _driver._driver.cuStreamIsCapturing(sptr)
    # An error (e.g. the legacy stream beside a capturing one) takes the uncached path,
    # where the driver reports it.
    return err != _SUCCESS or status != _CAPTURE_NONE


def _default_pool_handle(device_id: int):
    h = _pool_handles.get(device_id)
    if h is not None:
        return h
    d = _init_constants()
    try:
        dev = _driver.check(d.cuDeviceGet(device_id))
        h = _driver.check(d.cuDeviceGetDefaultMemPool(dev))
        attr = d.CUmemPool_attribute.CU_MEMPOOL_ATTR_RELEASE_THRESHOLD
        _driver.check(d.cuMemPoolSetAttribute(h, attr, d.cuuint64_t(_UINT64_MAX)))
    except _driver.CUDADriverError as exc:
        raise _driver.CUDADriverError(exc.status, (
            f"{exc} (device {device_id} has no stream-ordered memory pool; allocate without "
            "pooling with cuarray.cuda.set_allocator(cuarray.cuda.memory._malloc))")) from exc
    _pool_handles[device_id] = h
    return h


def _device_total_memory(device_id: int) -> int:
    d = _driver.driver()
    return int(_driver.check(d.cuDeviceTotalMem(_driver.check(d.cuDeviceGet(device_id)))))


class _PooledMemory(BaseMemory):
    """A pool block; freeing it puts the pointer back in its (device, stream, size) bin."""

    __slots__ = ("_bin", "_state")   # _state keeps the pool's device state (and its bins) alive

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


def _wrap(ptr, cls, dev, b, st) -> MemoryPointer:
    m = _new(_PooledMemory)
    m.ptr, m.size, m.device_id, m._bin, m._state = ptr, cls, dev, b, st
    p = _new(MemoryPointer)
    p.ptr, p.mem, p.device_id, p.offset = ptr, m, dev, 0
    return p


class _DeviceState(dict):
    """One device's part of a pool: ``{stream: {size class: [free pointers]}}``, accounting."""

    __slots__ = ("device_id", "handle", "allocator", "raw", "lock", "total", "limit")

    def __init__(self, device_id: int, allocator):
        super().__init__()
        self.device_id = device_id
        self.allocator = allocator
        # With a user allocator, ``raw`` keeps its MemoryPointers alive: ptr -> MemoryPointer.
        self.raw = None if allocator is None else {}
        self.handle = _default_pool_handle(device_id) if allocator is None else None
        self.lock = threading.Lock()
        self.total = 0      # bytes obtained and not yet given back: in use + cached
        self.limit = 0      # 0: no limit

    def bin(self, sptr: int, cls: int) -> list:
        bins = self.get(sptr)
        if bins is None:
            bins = self.setdefault(sptr, {})
        b = bins.get(cls)
        if b is None:
            b = bins.setdefault(cls, [])
        return b

    def cached(self) -> tuple[int, int]:
        """(number, bytes) of cached blocks; list() snapshots are atomic under the GIL."""
        n = nbytes = 0
        for bins in list(self.values()):
            for cls, b in list(bins.items()):
                k = len(b)
                n += k
                nbytes += k * cls
        return n, nbytes

    # -- obtaining memory -------------------------------------------------------------------
    def allocate(self, size: int, cls: int, sptr: int) -> int:
        self._reserve(size, cls)
        try:
            ptr = self._obtain(cls, sptr)
            if ptr is None:
                self.release()          # the retry: cached blocks of every stream go back
                ptr = self._obtain(cls, sptr)
                if ptr is None:
                    raise OutOfMemoryError(size, self.total - cls)
            return ptr
        except BaseException:
            with self.lock:
                self.total -= cls
            raise

    def _reserve(self, size: int, cls: int) -> None:
        # Counted before the driver call, so concurrent misses cannot overshoot the limit.
        for attempt in (0, 1):
            with self.lock:
                if not self.limit or self.total + cls <= self.limit:
                    self.total += cls
                    return
                total, limit = self.total, self.limit
            if attempt == 0:
                self.release()
        raise OutOfMemoryError(size, total, limit)

    def _obtain(self, cls: int, sptr: int):
        """A new block from the driver or the allocator; None when out of memory."""
        if self.raw is None:
            err, ptr = _driver._driver.cuMemAllocFromPoolAsync(cls, self.handle, sptr)
            if err == _SUCCESS:
                return int(ptr)
            if err == _OOM:
                return None
            _driver.raise_error(err, "cuMemAllocFromPoolAsync")
        try:
            mp = self.allocator(cls)
        except MemoryError:
            return None
        except _driver.CUDADriverError as exc:
            if exc.status == 2:     # CUDA_ERROR_OUT_OF_MEMORY
                return None
            raise
        self.raw[mp.ptr] = mp
        return mp.ptr

    # -- giving memory back -----------------------------------------------------------------
    def _take(self, sptr=None) -> list:
        """Pop cached blocks (of one stream, or all) as ``(ptr, size class)`` pairs."""
        out = []
        for s, bins in list(self.items()):
            if sptr is not None and s != sptr:
                continue
            for cls, b in list(bins.items()):
                while b:
                    try:
                        out.append((b.pop(), cls))
                    except IndexError:      # another thread emptied it
                        break
        return out

    def release(self, sptr=None) -> None:
        """Give cached blocks back to the driver (or the allocator) and trim the driver pool."""
        if _graph._capturing:
            return      # synchronising would break the capture; keep the blocks cached
        blocks = self._take(sptr)
        try:
            if self.raw is None:
                _memory._on_device(self.device_id, self._free_to_driver, blocks)
            else:
                for ptr, _ in blocks:
                    self.raw.pop(ptr, None)
        finally:
            if blocks:
                with self.lock:
                    self.total -= sum(cls for _, cls in blocks)

    def release_stream(self, sptr: int) -> None:
        """Free, in the stream's order, the blocks cached under a stream about to be destroyed.

        No synchronisation: the frees queue behind the stream's last work.  Blocks still in
        use when the stream dies return to this handle's bin later; a new stream given the
        same handle value may reuse them (the hazard CuPy's pool shares).
        """
        if self.raw is not None or _graph._capturing:
            return
        blocks = self._take(sptr)
        if not blocks:
            return

        def free_all():
            d = _driver._driver
            for ptr, _ in blocks:
                d.cuMemFreeAsync(ptr, sptr)
        try:
            _memory._on_device(self.device_id, free_all)
        finally:
            with self.lock:
                self.total -= sum(cls for _, cls in blocks)

    def _free_to_driver(self, blocks) -> None:
        d, check = _driver._driver, _driver.check
        # A synchronisation first: the blocks' last uses are done on every stream, so they can be
        # freed on the legacy stream (their own stream may have been destroyed since).
        check(d.cuCtxSynchronize())
        for ptr, _ in blocks:
            check(d.cuMemFreeAsync(ptr, 0))
        check(d.cuCtxSynchronize())     # trimming releases only frees the host has seen complete
        check(d.cuMemPoolTrimTo(self.handle, 0))

    def __del__(self):
        # The pool is gone and no block refers to this state: free what is still cached.
        if self.raw is not None or _memory is None or _memory._shutting_down is not False:
            return
        if _driver._driver is None:
            return
        try:
            self.release()
        except Exception:
            pass


_pools: "weakref.WeakSet[MemoryPool]" = weakref.WeakSet()


def release_stream(device_id: int, sptr: int) -> None:
    """Called before a stream we own is destroyed: its cached blocks go back in stream order."""
    for pool in list(_pools):
        st = pool._states.get(device_id)
        if st is not None:
            st.release_stream(sptr)


def _limit_args(size, fraction):
    """Validate set_limit's arguments (no driver call): ``(size, None)`` or ``(None, fraction)``."""
    if size is not None and fraction is not None:
        raise ValueError("size and fraction cannot be specified at one time")
    if fraction is not None:
        fraction = float(fraction)
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"memory limit fraction must be in [0, 1], got {fraction}")
        return None, fraction
    if size is None:
        return 0, None
    size = operator.index(size)
    if size < 0:
        raise ValueError(f"memory limit must be non-negative, got {size}")
    return size, None


class MemoryPool:
    """Device memory pool with a cache of freed blocks per stream.  See cupy.cuda.MemoryPool.

    ``allocator`` (optional) is a callable ``size -> MemoryPointer`` used for cache
    misses instead of the driver's pool, e.g. ``malloc_managed``.  Methods act on
    the current device.  Freed blocks are reused only on the stream they were
    allocated on.  While the current stream is capturing a graph, ``malloc``
    bypasses the cache: arrays a graph writes must be allocated before the
    capture starts.
    """

    __slots__ = ("_states", "_allocator", "_lock", "__weakref__")

    def __init__(self, allocator=None):
        if isinstance(allocator, str):      # MemoryAsyncPool('current') as in CuPy
            if allocator not in ("current", "default"):
                raise ValueError(f"unknown pool handle {allocator!r}; use 'current' or 'default'")
            allocator = None
        elif allocator is not None and not callable(allocator):
            raise TypeError(f"allocator must be callable, got {type(allocator).__name__}")
        self._states: dict[int, _DeviceState] = {}
        self._allocator = allocator
        self._lock = threading.Lock()
        _pools.add(self)

    def malloc(self, size) -> MemoryPointer:
        """Allocate ``size`` bytes on the current device and stream.  See cupy.cuda.MemoryPool."""
        if size <= _SMALL_MAX:
            if size <= 0:
                return _malloc_empty(size)
            cls = (size + 511) & -512
        else:
            cls = round_size(size)
        try:
            dev = _dev_tls.device_id
            s = _stream_tls.current.get(dev)
        except AttributeError:      # first call on this thread
            dev = get_device_id()
            s = get_current_stream(dev)
        sptr = 0 if s is None else s.ptr
        if _graph._capturing and _stream_capturing(sptr):
            return self._malloc_uncached(size, cls, s)
        try:
            st = self._states[dev]
            b = st[sptr][cls]
            ptr = b.pop()
        except LookupError:
            return self._malloc_miss(size, cls, dev, sptr)
        m = _new(_PooledMemory)
        m.ptr = ptr
        m.size = cls
        m.device_id = dev
        m._bin = b
        m._state = st
        p = _new(MemoryPointer)
        p.ptr = ptr
        p.mem = m
        p.device_id = dev
        p.offset = 0
        return p

    def _malloc_miss(self, size, cls, dev, sptr) -> MemoryPointer:
        st = self._state(dev)
        b = st.bin(sptr, cls)
        return _wrap(st.allocate(size, cls, sptr), cls, dev, b, st)

    def _malloc_uncached(self, size, cls, stream) -> MemoryPointer:
        # A capturing stream: the allocation becomes a graph node, its free a free node.
        if self._allocator is not None:
            return self._allocator(size)
        return MemoryPointer(MemoryAsync(cls, stream), 0)

    def _state(self, dev: int) -> _DeviceState:
        st = self._states.get(dev)
        if st is None:
            with self._lock:
                st = self._states.get(dev)
                if st is None:
                    st = self._states[dev] = _DeviceState(dev, self._allocator)
        return st

    def _current(self):
        return self._states.get(get_device_id())

    def free_all_blocks(self, stream=None) -> None:
        """Give cached blocks (of ``stream``, or all) back.  See cupy.cuda.MemoryPool."""
        st = self._current()
        if st is not None:
            st.release(None if stream is None else _memory._stream_ptr(stream))

    def n_free_blocks(self) -> int:
        """Number of cached blocks on the current device.  See cupy.cuda.MemoryPool."""
        st = self._current()
        return 0 if st is None else st.cached()[0]

    def used_bytes(self) -> int:
        """Bytes in use by live blocks on the current device.  See cupy.cuda.MemoryPool."""
        st = self._current()
        return 0 if st is None else st.total - st.cached()[1]

    def free_bytes(self) -> int:
        """Bytes held in the cache on the current device.  See cupy.cuda.MemoryPool."""
        st = self._current()
        return 0 if st is None else st.cached()[1]

    def total_bytes(self) -> int:
        """Bytes held (in use + cached) on the current device.  See cupy.cuda.MemoryPool."""
        st = self._current()
        return 0 if st is None else st.total

    def set_limit(self, size=None, fraction=None) -> None:
        """Cap the bytes held on the current device (0: none).  See cupy.cuda.MemoryPool."""
        size, fraction = _limit_args(size, fraction)
        dev = get_device_id()
        if fraction is not None:
            size = int(fraction * _device_total_memory(dev))
        self._state(dev).limit = size

    def get_limit(self) -> int:
        """The current device's cap in bytes (0: none).  See cupy.cuda.MemoryPool."""
        st = self._current()
        return 0 if st is None else st.limit


MemoryAsyncPool = MemoryPool    # CuPy's name for a pool over the stream-ordered allocator


def _malloc_empty(size) -> MemoryPointer:
    if size < 0:
        raise ValueError(f"allocation size must be non-negative, got {size}")
    return MemoryPointer(Memory(0), 0)      # CuPy: no allocation, pointer 0
