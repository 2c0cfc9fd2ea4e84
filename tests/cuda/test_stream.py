"""Streams: the per-(thread, device) current stream, ordering, host callbacks."""

import ctypes
import threading

import numpy
import pytest

import cuarray
from cuarray import cuda
from cuarray.cuda import _driver, _stream, runtime


def _drv():
    return _driver.driver()


def _gate(stream):
    """Block ``stream`` on a host callback until the returned event is set (10 s at most)."""
    gate = threading.Event()
    stream.launch_host_func(lambda _: gate.wait(10), None)
    return gate


# --- No GPU needed ---------------------------------------------------------------------
def test_null_and_ptds_need_no_gpu():
    assert cuda.Stream.null.ptr == 0 and cuda.Stream.ptds.ptr == 2
    assert cuda.Stream.null.device_id == cuda.Stream.ptds.device_id == -1
    assert cuda.Stream(null=True) == cuda.Stream.null
    assert cuda.Stream(ptds=True) == cuda.Stream.ptds
    assert cuda.Stream.null != cuda.Stream.ptds
    assert hash(cuda.Stream(null=True)) == hash(cuda.Stream.null)
    assert "0x0" in repr(cuda.Stream.null)


def test_external_stream_with_device_needs_no_gpu():
    s = cuda.ExternalStream(0x1234, device_id=0)
    assert s.ptr == 0x1234 and s.device_id == 0
    assert s != cuda.Stream.null


@pytest.mark.skipif(cuarray.is_available(), reason="checks the error path without a driver")
def test_creating_a_stream_without_driver_raises():
    with pytest.raises(cuda.CUDADriverError):
        cuda.Stream()


# --- GPU ---------------------------------------------------------------------------------
@pytest.mark.gpu
def test_default_current_stream_is_null():
    assert cuda.get_current_stream() == cuda.Stream.null
    assert _stream.current_stream_ptr() == 0


@pytest.mark.gpu
def test_nested_with_restores_previous_stream():
    s1, s2 = cuda.Stream(), cuda.Stream(non_blocking=True)
    assert s1.ptr not in (0, 1, 2) and s1.ptr != s2.ptr
    with s1 as entered:
        assert entered is s1
        assert cuda.get_current_stream() is s1 and _stream.current_stream_ptr() == s1.ptr
        with s2:
            assert cuda.get_current_stream() is s2 and _stream.current_stream_ptr() == s2.ptr
            with cuda.Stream.ptds:
                assert _stream.current_stream_ptr() == 2
            assert cuda.get_current_stream() is s2
        assert cuda.get_current_stream() is s1
        with pytest.raises(ZeroDivisionError):
            with s2:
                1 / 0
        assert cuda.get_current_stream() is s1
    assert cuda.get_current_stream() == cuda.Stream.null


@pytest.mark.gpu
def test_use_sets_current_stream():
    s = cuda.Stream()
    try:
        assert s.use() is s
        assert cuda.get_current_stream() is s
    finally:
        cuda.Stream.null.use()
    assert _stream.current_stream_ptr() == 0


@pytest.mark.gpu
def test_current_stream_is_per_thread():
    s1 = cuda.Stream()
    barrier = threading.Barrier(2)
    seen = {}

    def worker():
        seen["initial"] = cuda.get_current_stream()
        s2 = cuda.Stream()
        with s2:
            seen["inside"] = (cuda.get_current_stream() is s2,
                              _stream.current_stream_ptr() == s2.ptr)
            barrier.wait()      # main checks its own stream while this thread is inside
            barrier.wait()
        seen["after"] = cuda.get_current_stream()

    with s1:
        t = threading.Thread(target=worker)
        t.start()
        barrier.wait()
        assert cuda.get_current_stream() is s1 and _stream.current_stream_ptr() == s1.ptr
        barrier.wait()
        t.join()
        assert cuda.get_current_stream() is s1
    assert seen["initial"] == cuda.Stream.null
    assert seen["inside"] == (True, True)
    assert seen["after"] == cuda.Stream.null


@pytest.mark.gpu
def test_done_and_synchronize():
    s = cuda.Stream(non_blocking=True)
    s.synchronize()
    assert s.done
    gate = _gate(s)
    try:
        assert not s.done       # blocked on the host callback
    finally:
        gate.set()
    s.synchronize()
    assert s.done
    cuda.Stream.null.synchronize()
    cuda.Stream.ptds.synchronize()
    assert cuda.Stream.null.done


@pytest.mark.gpu
def test_wait_event_orders_two_streams(bufs):
    n = 16 << 20    # 64 MiB
    src, dst = bufs(n), bufs(n)
    a, b = cuda.Stream(non_blocking=True), cuda.Stream(non_blocking=True)
    src.fill(0, a)
    dst.fill(0, a)
    a.synchronize()
    gate = _gate(a)
    try:
        src.fill(7, a)
        ev = a.record()
        b.wait_event(ev)
        _driver.check(_drv().cuMemcpyDtoDAsync(dst.ptr, src.ptr, src.nbytes, b.ptr))
        assert not b.done and not ev.done     # b waits for a, which waits for the gate
    finally:
        gate.set()
    b.synchronize()
    numpy.testing.assert_array_equal(dst.get(), numpy.full(n, 7, numpy.uint32))


@pytest.mark.gpu
def test_host_func_runs_after_preceding_work(bufs):
    n = 1 << 20
    dev = bufs(n)
    s = cuda.Stream(non_blocking=True)
    host_ptr = int(_driver.check(_drv().cuMemAllocHost(4 * n)))   # pinned: the copy stays async
    try:
        view = numpy.ctypeslib.as_array((ctypes.c_uint32 * n).from_address(host_ptr))
        view[:] = 0
        token = object()
        seen = []
        gate = _gate(s)
        try:
            dev.fill(5, s)
            _driver.check(_drv().cuMemcpyDtoHAsync(host_ptr, dev.ptr, 4 * n, s.ptr))
            s.launch_host_func(lambda arg: seen.append((arg, view.copy())), token)
            assert seen == []
        finally:
            gate.set()
        s.synchronize()
        assert len(seen) == 1 and seen[0][0] is token
        numpy.testing.assert_array_equal(seen[0][1], numpy.full(n, 5, numpy.uint32))
    finally:
        _driver.check(_drv().cuMemFreeHost(host_ptr))


@pytest.mark.gpu
def test_ptds_and_null_streams_run_work(bufs):
    buf = bufs(1024)
    for s in (cuda.Stream.null, cuda.Stream.ptds):
        with s:
            buf.fill(3, s)
            s.synchronize()
        numpy.testing.assert_array_equal(buf.get(), numpy.full(1024, 3, numpy.uint32))


@pytest.mark.gpu
def test_external_stream_wraps_a_created_stream(bufs):
    owner = cuda.Stream(non_blocking=True)
    ext = cuda.ExternalStream(owner.ptr)
    assert ext.ptr == owner.ptr and ext.device_id == cuda.get_device_id()
    assert ext == owner
    buf = bufs(4096)
    with ext:
        assert _stream.current_stream_ptr() == owner.ptr
        gate = _gate(ext)
        try:
            buf.fill(9, ext)
            assert not owner.done     # the work went to the wrapped stream
        finally:
            gate.set()
    owner.synchronize()
    numpy.testing.assert_array_equal(buf.get(), numpy.full(4096, 9, numpy.uint32))
    del ext   # wrapping never owns: the owner stays usable
    owner.synchronize()


@pytest.mark.gpu
def test_stream_priority_and_flags():
    s = cuda.Stream(non_blocking=True, priority=-1)
    assert s.non_blocking and s.priority == -1
    s.synchronize()


@pytest.mark.gpu
def test_stream_of_another_device_raises():
    if runtime.getDeviceCount() < 2:
        pytest.skip("a stream of another device needs 2 GPUs; this machine has 1")
    with cuda.Device(1):
        s1 = cuda.Stream()
    with cuda.Device(0):
        with pytest.raises(RuntimeError, match="belongs to device 1"):
            with s1:
                pass
        with pytest.raises(RuntimeError, match="belongs to device 1"):
            s1.use()
        assert cuda.get_current_stream() == cuda.Stream.null
    with cuda.Device(1):
        with s1:
            assert cuda.get_current_stream(1) is s1
            assert cuda.get_current_stream(0) == cuda.Stream.null
