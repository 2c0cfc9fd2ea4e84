"""Device memory: pointers and copies, the pool and its cache, limits and out-of-memory, allocator
hooks, pinned and managed memory.

Tests without the ``gpu`` marker need no driver: the pool's cache logic runs there
with a pure-Python allocator (the pool's ``allocator=`` mode) and a current device
id set by hand.
"""

import ctypes
import math
import pickle
import threading

import numpy
import pytest

from cuarray import cuda
from cuarray.cuda import _device, _driver, _pool, memory, pinned_memory
from cuarray.cuda.memory import MemoryPointer, OutOfMemoryError, UnownedMemory

gpu = pytest.mark.gpu
KiB, MiB, GiB, PiB = 1 << 10, 1 << 20, 1 << 30, 1 << 50


def _rand_bytes(n, seed=0):
    return numpy.random.default_rng(seed).integers(0, 256, n, dtype=numpy.uint8)


@pytest.fixture
def no_driver(monkeypatch):
    """Fail the test if anything reaches for the driver or the current device."""
    def boom(*args, **kwargs):
        raise AssertionError("the driver was touched")
    monkeypatch.setattr(_driver, "driver", boom)
    for mod in (memory, _pool, pinned_memory):
        monkeypatch.setattr(mod, "get_device_id", boom)


@pytest.fixture
def restore_allocator():
    saved = memory._allocator, pinned_memory._allocator
    yield
    memory._allocator, pinned_memory._allocator = saved


# --- No GPU needed ---------------------------------------------------------------------
def test_round_size_classes():
    r = _pool.round_size
    assert [r(1), r(511), r(512), r(513), r(1000), r(MiB)] == [512, 512, 512, 1024, 1024, MiB]
    assert r(MiB + 1) == MiB + 64 * KiB         # 16 classes per power of two above 1 MiB
    assert r(3 * MiB + 5) == 3 * MiB + 128 * KiB
    assert r(GiB + 1) == GiB + 32 * MiB         # steps of at most 32 MiB
    for n in (1, 700, MiB - 1, MiB + 1, 5 * MiB + 3, 100 * MiB + 7, 3 * GiB + 1):
        c = r(n)
        assert c >= n and c % 512 == 0 and r(c) == c
        assert c - n <= max(511, n // 16)


def test_out_of_memory_error_message_and_pickling():
    e = OutOfMemoryError(GiB, 5 * MiB)
    assert isinstance(e, MemoryError)
    assert str(e) == ("Out of memory allocating 1,073,741,824 bytes (1.00 GiB) "
                      "(allocated so far: 5,242,880 bytes).")
    assert (e.size, e.total, e.limit) == (GiB, 5 * MiB, 0)
    e = OutOfMemoryError(4096, 2048, 4096)
    assert "4,096 bytes (4.00 KiB)" in str(e) and "limit set to: 4,096 bytes" in str(e)
    assert "limit was reached" in str(e)
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is OutOfMemoryError and str(back) == str(e) and back.limit == 4096
    assert "(1.00 PiB)" in str(OutOfMemoryError(PiB, 0))
    assert "(100 B)" in str(OutOfMemoryError(100, 0))


def test_negative_sizes_raise_before_any_driver_call(no_driver):
    calls = [cuda.MemoryPool().malloc, cuda.alloc, cuda.Memory, cuda.ManagedMemory,
             cuda.malloc_managed, cuda.malloc_async, memory.MemoryAsync,
             lambda n: UnownedMemory(0, n, None, device_id=0),
             cuda.PinnedMemory, cuda.PinnedMemoryPool().malloc, cuda.alloc_pinned_memory]
    for call in calls:
        with pytest.raises(ValueError, match="non-negative"):
            call(-1)


def test_set_limit_validates_arguments_before_the_driver(no_driver):
    pool = cuda.MemoryPool()
    with pytest.raises(ValueError, match="at one time"):
        pool.set_limit(size=1, fraction=0.5)
    for bad in (1.5, -0.1, math.nan):
        with pytest.raises(ValueError, match="fraction"):
            pool.set_limit(fraction=bad)
    with pytest.raises(ValueError, match="non-negative"):
        pool.set_limit(size=-1)
    with pytest.raises(TypeError):
        pool.set_limit(size=1.5)


def test_memory_pointer_arithmetic_and_bounds(no_driver):
    owner = object()
    mem = UnownedMemory(0x10000, 4096, owner, device_id=0)
    assert mem.owner is owner and int(mem) == 0x10000
    p = MemoryPointer(mem, 0)
    q = p + 100
    assert (q.ptr, q.offset, q.mem, q.device_id) == (0x10064, 100, mem, 0)
    assert (100 + p).ptr == q.ptr and (q - 40).offset == 60 and int(q) == 0x10064
    r = p
    r += 8
    assert r is p and p.ptr == 0x10008 and p.offset == 8
    r -= 8
    assert p.offset == 0
    with pytest.raises(ValueError, match="4,097 bytes exceed the 4,096 bytes"):
        p.copy_from_host(0, 4097)
    with pytest.raises(ValueError, match="exceed"):
        (p + 4000).memset(0, 97)
    with pytest.raises(ValueError, match="exceed"):
        (p + 4000).memset_async(0, 97)
    with pytest.raises(ValueError, match="non-negative"):
        p.copy_to_host_async(0, -1)
    small = MemoryPointer(UnownedMemory(0x90000, 16, None, device_id=0), 0)
    with pytest.raises(ValueError, match="exceed the 16 bytes"):
        p.copy_from_device(small, 17)
    with pytest.raises(ValueError, match="exceed"):
        small.copy_from(p, 17)
    # Nothing to copy: no driver call either.
    p.copy_from_host(0, 0)
    p.memset(1, 0)


def test_host_pointer_forms():
    buf = (ctypes.c_char * 8)()
    addr = ctypes.addressof(buf)
    assert memory._host_ptr(addr) == addr
    assert memory._host_ptr(ctypes.c_void_p(addr)) == addr
    assert memory._host_ptr(ctypes.cast(buf, ctypes.POINTER(ctypes.c_int))) == addr
    assert memory._host_ptr(buf) == addr
    assert memory._host_ptr(numpy.intp(addr)) == addr
    arr = numpy.zeros(4)
    assert memory._host_ptr(arr.ctypes.data_as(ctypes.c_void_p)) == arr.ctypes.data
    with pytest.raises(TypeError, match="host pointer"):
        memory._host_ptr("0x10")


def test_allocator_hooks(restore_allocator, no_driver):
    calls = []

    def counting(size):
        calls.append(size)
        return MemoryPointer(UnownedMemory(0x1000, size, None, device_id=0), 0)

    default = cuda.get_default_memory_pool().malloc
    assert cuda.get_allocator() == default
    with cuda.using_allocator(counting):
        assert cuda.get_allocator() is counting
        assert cuda.alloc(100).mem.size == 100
        with cuda.using_allocator():                # None: the default pool, for this block
            assert cuda.get_allocator() == default
        seen = []
        t = threading.Thread(target=lambda: seen.append(cuda.get_allocator()))
        t.start()
        t.join()
        assert seen == [default]                    # the override is thread-local
        with pytest.raises(ValueError, match="using_allocator"):
            cuda.set_allocator(counting)
    assert cuda.get_allocator() == default and calls == [100]
    cuda.set_allocator(counting)
    cuda.alloc(7)
    assert calls == [100, 7] and cuda.get_allocator() is counting
    cuda.set_allocator(None)
    assert cuda.get_allocator() == default
    with pytest.raises(TypeError):
        cuda.set_allocator(42)
    cuda.set_pinned_memory_allocator(None)
    with pytest.raises(TypeError):
        cuda.set_pinned_memory_allocator("x")


class _FakeDevice:
    """A pure-Python allocator with a capacity: blocks are UnownedMemory whose owner gives the
    bytes back when the pool drops it."""

    class _Owner:
        def __init__(self, dev, size):
            self.dev, self.size = dev, size

        def __del__(self):
            with self.dev.lock:
                self.dev.used -= self.size

    def __init__(self, capacity=1 << 40):
        self.capacity, self.used, self.next, self.calls = capacity, 0, 1 << 20, 0
        self.lock = threading.Lock()

    def __call__(self, size):
        with self.lock:
            self.calls += 1
            if self.used + size > self.capacity:
                raise OutOfMemoryError(size, self.used)
            self.used += size
            ptr, self.next = self.next, self.next + size
        return MemoryPointer(UnownedMemory(ptr, size, self._Owner(self, size), device_id=0), 0)


@pytest.fixture
def fake(monkeypatch):
    """A pool on a fake device 0 (no driver): cache logic only."""
    monkeypatch.setattr(_device._tls, "device_id", 0, raising=False)
    dev = _FakeDevice()
    return cuda.MemoryPool(dev), dev


def test_pool_cache_reuse_and_accounting(fake):
    pool, dev = fake
    p = pool.malloc(1000)
    ptr = p.ptr
    assert (pool.used_bytes(), pool.total_bytes(), pool.free_bytes()) == (1024, 1024, 0)
    del p
    assert (pool.used_bytes(), pool.total_bytes(), pool.free_bytes()) == (0, 1024, 1024)
    assert pool.n_free_blocks() == 1
    q = pool.malloc(600)                    # same class: the cached block, no allocator call
    assert q.ptr == ptr and dev.calls == 1 and pool.n_free_blocks() == 0
    r = pool.malloc(5000)                   # another class: a new block
    assert r.ptr != ptr and dev.calls == 2
    q.mem.free()
    q.mem.free()                            # a second free is a no-op
    assert pool.n_free_blocks() == 1
    del q, r
    assert pool.n_free_blocks() == 2 and dev.used == 1024 + 5120
    pool.free_all_blocks()
    assert (pool.total_bytes(), pool.n_free_blocks(), dev.used) == (0, 0, 0)
    z = pool.malloc(0)
    assert z.ptr == 0 and pool.total_bytes() == 0


def test_pool_cache_is_per_stream(fake):
    pool, _ = fake
    a, b = cuda.ExternalStream(0xA000, device_id=0), cuda.ExternalStream(0xB000, device_id=0)
    with a:
        ptr = pool.malloc(1000).ptr         # freed at once into a's cache
    with b:
        q = pool.malloc(1000)
        assert q.ptr != ptr and pool.n_free_blocks() == 1
    with a:
        assert pool.malloc(1000).ptr == ptr
    del q                                   # back to b's cache
    with a:
        pool.malloc(2000)                   # into a's cache, beside the 1000-byte block
    assert pool.n_free_blocks() == 3
    pool.free_all_blocks(stream=b)          # only b's block goes
    assert pool.n_free_blocks() == 2
    with a:
        assert pool.malloc(1000).ptr == ptr


def test_pool_limit(fake):
    pool, _ = fake
    pool.set_limit(size=MiB)
    assert pool.get_limit() == MiB
    a, b = pool.malloc(512 * KiB), pool.malloc(512 * KiB)
    with pytest.raises(OutOfMemoryError, match="4,096 bytes") as info:
        pool.malloc(4096)
    assert info.value.limit == MiB and "limit" in str(info.value)
    assert pool.total_bytes() == MiB        # the failed request left no trace
    del a                                   # cached: still counted against the limit
    c = pool.malloc(4096)                   # fits once the cached block is released
    assert pool.total_bytes() == 512 * KiB + 4096 and pool.n_free_blocks() == 0
    pool.set_limit()
    assert pool.get_limit() == 0
    del b, c


def test_pool_retries_after_freeing_cached_blocks(fake):
    pool, dev = fake
    dev.capacity = 3 * MiB
    blocks = [pool.malloc(MiB) for _ in range(3)]
    del blocks                              # 3 MiB cached, device "full"
    assert dev.used == 3 * MiB and pool.n_free_blocks() == 3
    p = pool.malloc(2 * MiB)                # the allocator fails once; the cache is freed; retry
    assert p.mem.size == 2 * MiB and pool.n_free_blocks() == 0
    assert pool.total_bytes() == 2 * MiB
    with pytest.raises(OutOfMemoryError, match="2,097,152 bytes") as info:
        pool.malloc(2 * MiB)
    assert info.value.limit == 0 and pool.total_bytes() == 2 * MiB
    del p
    assert pool.malloc(2 * MiB).mem.size == 2 * MiB     # still usable


def test_pool_thread_safety(fake):
    pool, _ = fake
    live, lock, errors = set(), threading.Lock(), []

    def work(seed):
        _device._tls.device_id = 0
        rng = numpy.random.default_rng(seed)
        held = []
        try:
            for size in rng.choice([100, 1000, 3000, 70000], 2000):
                p = pool.malloc(int(size))
                with lock:
                    assert p.ptr not in live, "a block was handed out twice"
                    live.add(p.ptr)
                held.append(p)
                if len(held) > 4 or rng.random() < 0.5:
                    q = held.pop(int(rng.integers(len(held))))
                    with lock:
                        live.discard(q.ptr)
                    del q
                if rng.random() < 0.01:
                    pool.free_all_blocks()
            for q in held:
                with lock:
                    live.discard(q.ptr)
            held.clear()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert pool.used_bytes() == 0
    assert pool.total_bytes() == pool.free_bytes()


def test_pinned_pointer_exports_a_buffer():
    host = (ctypes.c_uint8 * 64)()
    mem = UnownedMemory(ctypes.addressof(host), 64, host, device_id=0)
    p = cuda.PinnedMemoryPointer(mem, 16)
    assert (p.size, p.ptr, int(p)) == (48, ctypes.addressof(host) + 16, ctypes.addressof(host) + 16)
    a = numpy.frombuffer(p, numpy.uint32)
    a[:] = 7
    assert list(host[16:20]) == [7, 0, 0, 0] and host[15] == 0
    assert numpy.asarray(p).shape == (48,)
    assert bytes(p.__buffer__(0)[:4]) == b"\x07\x00\x00\x00"    # the Python 3.12+ path
    assert (p + 8).size == 40 and (p + 8 - 8).ptr == p.ptr


# --- GPU --------------------------------------------------------------------------------
@pytest.fixture
def pool():
    p = cuda.MemoryPool()
    yield p
    p.free_all_blocks()


@gpu
def test_roundtrip_sync(pool):
    data = _rand_bytes(10_000)
    p = pool.malloc(data.nbytes)
    p.copy_from_host(data.ctypes.data, data.nbytes)
    out = numpy.zeros_like(data)
    p.copy_to_host(out.ctypes.data, out.nbytes)
    numpy.testing.assert_array_equal(out, data)
    q = pool.malloc(data.nbytes)
    q.copy_from(p, data.nbytes)             # device to device
    out2 = numpy.zeros_like(data)
    q.copy_to_host(out2.ctypes.data_as(ctypes.c_void_p), out2.nbytes)
    numpy.testing.assert_array_equal(out2, data)


@gpu
def test_roundtrip_async_with_offsets(pool):
    data = _rand_bytes(3000, seed=1)
    s = cuda.Stream(non_blocking=True)
    p = pool.malloc(8192)
    p.memset_async(0, 8192, stream=s)
    dst = p + 1000
    dst.copy_from_host_async(data.ctypes.data, 3000, stream=s)
    q = pool.malloc(3000)
    q.copy_from_device_async(dst, 3000, stream=s)
    out = numpy.zeros(5000, numpy.uint8)
    (p + 500).copy_to_host_async(out.ctypes.data, 5000, stream=s)
    back = numpy.zeros_like(data)
    q.copy_to_host_async(back.ctypes.data, 3000, stream=s)
    s.synchronize()
    numpy.testing.assert_array_equal(back, data)
    numpy.testing.assert_array_equal(out[500:3500], data)
    assert not out[:500].any() and not out[3500:].any()
    with s:                                 # the default is the current stream
        r = pool.malloc(3000)
        r.copy_from_async(data.ctypes.data, 3000)
        r.copy_to_host_async(back.ctypes.data, 3000)
    s.synchronize()
    numpy.testing.assert_array_equal(back, data)


@gpu
def test_memset(pool):
    p = pool.malloc(4096)
    p.memset(0xAB, 4096)
    (p + 100).memset(0x01, 50)
    out = numpy.zeros(4096, numpy.uint8)
    p.copy_to_host(out.ctypes.data, 4096)
    expect = numpy.full(4096, 0xAB, numpy.uint8)
    expect[100:150] = 1
    numpy.testing.assert_array_equal(out, expect)


@gpu
def test_raw_async_and_managed_allocations():
    data = _rand_bytes(256, seed=2)
    for mp in (cuda.memory._malloc(256), cuda.malloc_async(256), cuda.malloc_managed(256)):
        mp.copy_from_host(data.ctypes.data, 256)
        out = numpy.zeros_like(data)
        mp.copy_to_host(out.ctypes.data, 256)
        numpy.testing.assert_array_equal(out, data)
        assert mp.device_id == cuda.Device().id
    m = cuda.malloc_managed(64)
    assert isinstance(m.mem, cuda.ManagedMemory)
    m.memset(5, 64)
    assert ctypes.string_at(m.ptr, 64) == b"\x05" * 64      # managed memory is host-visible
    m.mem.free()
    m.mem.free()


@gpu
def test_pool_accounting_reuse_and_free_all_blocks(pool):
    p = pool.malloc(1000)
    ptr = p.ptr
    assert (pool.used_bytes(), pool.total_bytes(), pool.free_bytes()) == (1024, 1024, 0)
    del p
    assert (pool.used_bytes(), pool.total_bytes(), pool.free_bytes()) == (0, 1024, 1024)
    assert pool.n_free_blocks() == 1
    q = pool.malloc(900)
    assert q.ptr == ptr and pool.n_free_blocks() == 0
    r = pool.malloc(3 * MiB)
    assert r.mem.size == 3 * MiB and pool.total_bytes() == 1024 + 3 * MiB
    q.mem.free()
    q.mem.free()
    del q, r
    assert pool.n_free_blocks() == 2 and pool.used_bytes() == 0
    pool.free_all_blocks()
    assert (pool.total_bytes(), pool.free_bytes(), pool.n_free_blocks()) == (0, 0, 0)
    assert pool.malloc(0).ptr == 0 and pool.total_bytes() == 0


@gpu
def test_cross_stream_blocks_are_not_shared(pool):
    a, b = cuda.Stream(non_blocking=True), cuda.Stream(non_blocking=True)
    with a:
        p = pool.malloc(1000)
        p.memset_async(1, 1000)
        ptr = p.ptr
        del p                               # cached on a; a may still be using it
    with b:
        q = pool.malloc(1000)
        assert q.ptr != ptr and pool.n_free_blocks() == 1
    with a:
        assert pool.malloc(1000).ptr == ptr
    pool.free_all_blocks(stream=a)
    assert pool.n_free_blocks() == 0


@gpu
def test_limit_and_pool_still_usable(pool):
    pool.set_limit(size=MiB)
    assert pool.get_limit() == MiB
    a, b = pool.malloc(512 * KiB), pool.malloc(512 * KiB)
    with pytest.raises(OutOfMemoryError, match="4,096 bytes") as info:
        pool.malloc(4096)
    assert info.value.limit == MiB and "limit set to: 1,048,576 bytes" in str(info.value)
    assert pool.total_bytes() == MiB
    del a
    c = pool.malloc(4096)                   # the cached 512 KiB block is released first
    assert pool.n_free_blocks() == 0 and pool.total_bytes() == 512 * KiB + 4096
    data = _rand_bytes(4096, seed=3)
    c.copy_from_host(data.ctypes.data, 4096)
    out = numpy.zeros_like(data)
    c.copy_to_host(out.ctypes.data, 4096)
    numpy.testing.assert_array_equal(out, data)
    pool.set_limit(size=0)
    del b, c


@gpu
def test_limit_as_fraction(pool):
    total = cuda.Device().mem_info[1]
    pool.set_limit(fraction=0.5)
    assert abs(pool.get_limit() - total // 2) <= 64 * MiB
    pool.set_limit(fraction=1e-9)           # a few bytes: nothing fits
    with pytest.raises(OutOfMemoryError, match="limit"):
        pool.malloc(MiB)
    pool.set_limit()
    assert pool.get_limit() == 0
    assert pool.malloc(MiB).mem.size == MiB


@gpu
def test_limit_frees_cached_blocks_to_satisfy_a_request(pool):
    pool.set_limit(size=3 * MiB)
    blocks = [pool.malloc(MiB) for _ in range(3)]
    del blocks
    assert pool.n_free_blocks() == 3 and pool.total_bytes() == 3 * MiB
    p = pool.malloc(2 * MiB)                # another size class: fits only after the release
    assert pool.n_free_blocks() == 0 and pool.total_bytes() == 2 * MiB
    p.memset(3, 2 * MiB)


@gpu
def test_real_out_of_memory(pool):
    with pytest.raises(OutOfMemoryError, match="1,125,899,906,842,624 bytes") as info:
        pool.malloc(PiB)
    assert "1.00 PiB" in str(info.value)
    assert pool.total_bytes() == 0
    with pytest.raises(OutOfMemoryError, match="1,125,899,906,842,624 bytes"):
        cuda.Memory(PiB)
    p = pool.malloc(4096)                   # both left everything usable
    p.memset(0, 4096)


@gpu
def test_custom_allocator_counts_calls(restore_allocator, pool):
    calls = []

    def counting(size):
        calls.append(size)
        return pool.malloc(size)

    with cuda.using_allocator(counting):
        p = cuda.alloc(1000)
        p.memset(0, 1000)
    assert calls == [1000] and pool.used_bytes() == 1024
    cuda.set_allocator(counting)
    cuda.alloc(10)
    assert calls == [1000, 10]
    cuda.set_allocator()
    cuda.alloc(10)
    assert calls == [1000, 10]
    wrapped = cuda.MemoryPool(counting)     # a pool over another allocator
    wrapped.malloc(2000)
    assert calls[-1] == 2048


@gpu
def test_unowned_memory_wraps_a_pool_pointer(pool):
    p = pool.malloc(4096)
    u = MemoryPointer(UnownedMemory(p.ptr, 4096, p), 0)
    assert u.device_id == p.device_id == cuda.Device().id
    data = _rand_bytes(4096, seed=4)
    u.copy_from_host(data.ctypes.data, 4096)
    del p                                   # the owner lives on inside u
    assert pool.used_bytes() == 4096
    out = numpy.zeros_like(data)
    u.copy_to_host(out.ctypes.data, 4096)
    numpy.testing.assert_array_equal(out, data)
    del u
    assert pool.used_bytes() == 0


@gpu
def test_pinned_memory_roundtrip():
    ppool = cuda.PinnedMemoryPool()
    n = 5000
    src = ppool.malloc(n)
    host = numpy.frombuffer(src, numpy.uint8, n)
    host[:] = _rand_bytes(n, seed=5)
    s = cuda.Stream(non_blocking=True)
    dev = cuda.MemoryPool().malloc(n)
    dev.copy_from_host_async(src, n, stream=s)
    dst = ppool.malloc(n)
    dev.copy_to_host_async(dst.ptr, n, stream=s)
    s.synchronize()
    numpy.testing.assert_array_equal(numpy.frombuffer(dst, numpy.uint8, n), host)
    assert ppool.used_bytes() == 2 * 5120 and ppool.n_free_blocks() == 0
    ptr = dst.ptr
    del dst
    assert ppool.n_free_blocks() == 1 and ppool.malloc(4700).ptr == ptr
    ppool.free_all_blocks()
    assert ppool.n_free_blocks() == 0 and ppool.total_bytes() == 5120
    raw = cuda.PinnedMemory(100)
    raw.free()
    raw.free()
    p = cuda.alloc_pinned_memory(10)
    assert p.size == 512 and cuda.get_default_pinned_memory_pool().used_bytes() >= 512


@gpu
def test_threads_allocate_and_free(pool):
    live, lock, errors = set(), threading.Lock(), []

    def work(seed):
        rng = numpy.random.default_rng(seed)
        s = cuda.Stream(non_blocking=True) if seed % 2 else cuda.Stream.null
        try:
            with s:
                held = []
                for size in rng.choice([100, 1000, 5000, 2 * MiB], 300):
                    p = pool.malloc(int(size))
                    p.memset_async(seed, min(int(size), 64))
                    with lock:
                        assert p.ptr not in live, "a block was handed out twice"
                        live.add(p.ptr)
                    held.append(p)
                    if len(held) > 3:
                        q = held.pop(0)
                        with lock:
                            live.discard(q.ptr)
                        del q
                for q in held:
                    with lock:
                        live.discard(q.ptr)
                held.clear()
                s.synchronize()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert pool.used_bytes() == 0 and pool.n_free_blocks() > 0


@gpu
def test_graph_capture_bypasses_the_cache(pool):
    s = cuda.Stream(non_blocking=True)
    with s:
        out = pool.malloc(2048)             # allocated before capture: the graph may write it
        cached = pool.malloc(2048).ptr      # freed at once into s's cache
        s.begin_capture()
        try:
            tmp = pool.malloc(2048)         # a graph allocation, not the cached block
            assert tmp.ptr != cached and pool.n_free_blocks() == 1
            tmp.memset_async(7, 2048)
            out.copy_from_device_async(tmp, 2048)
            del tmp                         # a free node in the graph, not the cache
            assert pool.n_free_blocks() == 1
        finally:
            graph = s.end_capture()
        assert pool.malloc(2048).ptr == cached  # capture over: the cache serves again
    graph.launch(s)
    s.synchronize()
    res = numpy.zeros(2048, numpy.uint8)
    out.copy_to_host(res.ctypes.data, 2048)
    assert (res == 7).all()
