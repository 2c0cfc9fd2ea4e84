"""Events (ordering, timing) and CUDA graphs made by stream capture."""

import threading

import numpy
import pytest

from cuarray import cuda
from cuarray.cuda import _driver, _graph, runtime


def _drv():
    return _driver.driver()


def _copy(dst, src, nbytes, stream):
    _driver.check(_drv().cuMemcpyDtoDAsync(dst, src, nbytes, stream.ptr))


def _reset(*buffers):
    for b in buffers:
        b.fill(0, cuda.Stream.null)
    cuda.Stream.null.synchronize()


# --- No GPU needed ---------------------------------------------------------------------
def test_interprocess_event_requires_disable_timing():
    with pytest.raises(ValueError, match="disable_timing"):
        cuda.Event(interprocess=True)


# --- Events ------------------------------------------------------------------------------
@pytest.mark.gpu
def test_event_records_on_current_stream():
    s = cuda.Stream(non_blocking=True)
    gate = threading.Event()
    s.launch_host_func(lambda _: gate.wait(10), None)
    with s:
        e = cuda.Event()
        e.record()          # the current stream, s, which is blocked
    try:
        assert not e.done
    finally:
        gate.set()
    e.synchronize()
    assert e.done
    ev = s.record()
    ev.synchronize()
    assert ev.done


@pytest.mark.gpu
def test_elapsed_time_is_plausible():
    nbytes = 1 << 30
    ptr = int(_driver.check(_drv().cuMemAlloc(nbytes)))
    try:
        s = cuda.Stream()
        start, end = cuda.Event(), cuda.Event()
        start.record(s)
        _driver.check(_drv().cuMemsetD8Async(ptr, 1, nbytes, s.ptr))
        end.record(s)
        ms = cuda.get_elapsed_time(start, end)
        assert 0.05 < ms < 1000, ms
        assert end.done
    finally:
        runtime.deviceSynchronize()
        _driver.check(_drv().cuMemFree(ptr))


@pytest.mark.gpu
def test_event_flags():
    e = cuda.Event(disable_timing=True)
    e.record()
    e.synchronize()
    with pytest.raises(ValueError, match="disable_timing"):
        cuda.get_elapsed_time(e, e)
    b = cuda.Event(block=True)
    b.record()
    b.synchronize()
    assert b.done
    ipc = cuda.Event(interprocess=True, disable_timing=True)
    ipc.record()
    ipc.synchronize()


# --- Graphs ------------------------------------------------------------------------------
def _copy_sequence(s, a, b):
    """Memsets and copies whose result depends on their order: b = [1]*2q + [7]*q + [0]*q."""
    q = a.n // 4
    a.fill(1, s)
    _copy(b.ptr, a.ptr, 2 * q * 4, s)
    a.fill(7, s)
    _copy(b.ptr + 2 * q * 4, a.ptr + q * 4, q * 4, s)


def _capture(s, sequence, *args):
    assert not s.is_capturing() and _graph.capturing() == 0
    s.begin_capture()
    try:
        assert s.is_capturing() and _graph.capturing() == 1
        sequence(s, *args)
    finally:
        graph = s.end_capture()
    assert not s.is_capturing() and _graph.capturing() == 0
    return graph


@pytest.mark.gpu
def test_graph_replay_matches_eager(bufs):
    n = 1 << 20
    a, b = bufs(n), bufs(n)
    s = cuda.Stream(non_blocking=True)
    _reset(a, b)
    _copy_sequence(s, a, b)
    s.synchronize()
    eager_a, eager_b = a.get(), b.get()
    q = n // 4
    expected_b = numpy.concatenate([numpy.full(2 * q, 1), numpy.full(q, 7), numpy.zeros(q)])
    numpy.testing.assert_array_equal(eager_b, expected_b.astype(numpy.uint32))

    _reset(a, b)
    graph = _capture(s, _copy_sequence, a, b)
    numpy.testing.assert_array_equal(b.get(), numpy.zeros(n, numpy.uint32))  # captured, not run
    graph.upload(s)
    graph.launch(s)
    s.synchronize()
    numpy.testing.assert_array_equal(a.get(), eager_a)
    numpy.testing.assert_array_equal(b.get(), eager_b)

    _reset(a, b)                        # a second replay, on the current stream
    with s:
        graph.launch()
    s.synchronize()
    numpy.testing.assert_array_equal(a.get(), eager_a)
    numpy.testing.assert_array_equal(b.get(), eager_b)


@pytest.mark.gpu
def test_capturing_the_null_stream_raises():
    with pytest.raises(RuntimeError, match="cannot be captured"):
        cuda.Stream.null.begin_capture()
    assert _graph.capturing() == 0
    assert not cuda.Stream.null.is_capturing()


@pytest.mark.gpu
def test_capture_mode_names(bufs):
    s = cuda.Stream(non_blocking=True)
    a = bufs(256)
    with pytest.raises(ValueError, match="unknown capture mode"):
        s.begin_capture("bogus")
    assert not s.is_capturing() and _graph.capturing() == 0
    for value, mode in enumerate(("global", "thread_local", "relaxed")):
        s.begin_capture(mode)
        assert s.is_capturing()
        a.fill(value + 1, s)
        graph = s.end_capture()
        assert not s.is_capturing()
        graph.launch(s)
        s.synchronize()
        numpy.testing.assert_array_equal(a.get(), numpy.full(256, value + 1, numpy.uint32))


_KERNEL = r"""
extern "C" __global__ void axpb(unsigned int* x, unsigned int a, unsigned int b, unsigned int n) {
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] = x[i] * a + b;
}
"""


@pytest.mark.gpu
def test_graph_of_kernels_matches_eager(bufs):
    compiler = pytest.importorskip("cuarray.cuda.compiler")
    fn = compiler.compile_with_cache(_KERNEL).get_function("axpb")
    n = 1 << 16
    a, b = bufs(n), bufs(n)

    def sequence(s, a, b):
        a.fill(1, s)
        for mul, add in ((3, 2), (2, 1), (5, 0)):      # ((1*3+2)*2+1)*5 = 55
            fn(((n + 255) // 256,), (256,),
               (numpy.uint64(a.ptr), numpy.uint32(mul), numpy.uint32(add), numpy.uint32(n)),
               stream=s)
        _copy(b.ptr, a.ptr, a.nbytes // 2, s)

    s = cuda.Stream(non_blocking=True)
    _reset(a, b)
    sequence(s, a, b)
    s.synchronize()
    eager_a, eager_b = a.get(), b.get()
    numpy.testing.assert_array_equal(eager_a, numpy.full(n, 55, numpy.uint32))
    numpy.testing.assert_array_equal(eager_b[: n // 2], numpy.full(n // 2, 55, numpy.uint32))

    _reset(a, b)
    graph = _capture(s, sequence, a, b)
    for _ in range(2):
        _reset(a, b)
        graph.launch(s)
        s.synchronize()
        numpy.testing.assert_array_equal(a.get(), eager_a)
        numpy.testing.assert_array_equal(b.get(), eager_b)
