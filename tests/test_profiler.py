"""cuarray.profiler (benchmark, time_range, profile) and cuarray.cuda.nvtx."""

import ctypes
import inspect
import math

import numpy
import pytest

import cuarray
from cuarray.cuda import nvtx


def _result(ts, devices=(0,), name="case"):
    from cuarray.profiler._benchmark import _PerfCaseResult
    return _PerfCaseResult(name, numpy.asarray(ts), devices)


# --- No GPU needed: result formatting ------------------------------------------------------
def test_profiler_is_a_lazy_submodule():
    import cuarray.profiler
    assert cuarray.profiler.benchmark is cuarray.profiler._benchmark.benchmark


def test_result_arrays_and_string():
    r = _result([[1e-6, 2e-6, 3e-6], [4e-6, 5e-6, 6e-6]], name="my_func")
    numpy.testing.assert_array_equal(r.cpu_times, [1e-6, 2e-6, 3e-6])
    assert r.gpu_times.shape == (1, 3)
    text = str(r)
    assert text.startswith("my_func             :")
    assert "CPU:    2.000 us" in text and "GPU-0:    5.000 us" in text
    assert "+/- 0.816 (min:    1.000 / max:    3.000) us" in text
    assert repr(r) == text
    assert "GPU" not in r.to_str() and r.to_str(show_gpu=True) == text


def test_result_with_one_repeat_and_two_devices():
    r = _result([[1e-3], [2e-3], [3e-3]], devices=(0, 1), name="f")
    assert r.gpu_times.shape == (2, 1)
    text = str(r)
    assert "+/-" not in text
    assert "GPU-0: 2000.000 us" in text and "GPU-1: 3000.000 us" in text


@pytest.mark.parametrize("ts", [numpy.zeros((3, 2)), numpy.zeros((2, 0)), numpy.zeros(4)])
def test_result_rejects_bad_shapes(ts):
    with pytest.raises(ValueError):
        _result(ts)


def test_benchmark_signature_follows_cupy():
    # CuPy's default n_repeat is 10000 (not 100).
    params = inspect.signature(cuarray.profiler.benchmark).parameters
    assert params["n_repeat"].default == 10000
    assert params["n_warmup"].default == 10 and params["max_duration"].default == math.inf
    assert params["name"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("kwargs", [
    dict(func=1), dict(args=[1]), dict(kwargs=[]), dict(n_repeat=1.5), dict(n_repeat=0),
    dict(name=3), dict(n_warmup=None), dict(devices=[0])])
def test_benchmark_validates_arguments(kwargs):
    call = dict(func=lambda: None, devices=(0,))   # explicit devices: no GPU touched
    call.update(kwargs)
    with pytest.raises(ValueError):
        cuarray.profiler.benchmark(**call)


@pytest.mark.skipif(cuarray.is_available(), reason="checks the error path without a driver")
def test_profile_without_driver_raises():
    with pytest.raises(cuarray.cuda.CUDADriverError):
        with cuarray.profiler.profile():
            pass


# --- No GPU needed: NVTX -------------------------------------------------------------------
def test_nvtx_calls_do_not_raise():
    assert isinstance(nvtx.available, bool)
    nvtx.RangePush("outer")
    nvtx.RangePush("colored", 3)
    nvtx.RangePushC("argb", 0xFF00FF00)
    nvtx.Mark("mark")
    nvtx.Mark("mark", 12)
    nvtx.MarkC("markc", 0xFFFF0000)
    nvtx.RangePop()
    nvtx.RangePop()
    nvtx.RangePop()
    nvtx.RangeEnd(nvtx.RangeStart("start", 0xFF0000FF))


def test_nvtx_event_attributes_layout():
    # nvtxEventAttributes_t: 48 bytes with the message pointer at offset 40.
    assert ctypes.sizeof(nvtx._EventAttributes) == 48
    assert nvtx._EventAttributes.message.offset == 40
    assert nvtx._EventAttributes.payload.offset == 24


def test_nvtx_falls_back_to_no_ops(monkeypatch):
    monkeypatch.setattr(nvtx, "_package_backend", lambda: None)
    monkeypatch.setattr(nvtx, "_ctypes_backend", lambda: None)
    monkeypatch.setattr(nvtx, "_impl", None)
    assert nvtx.available is False
    assert nvtx.RangePush("x", 1) is None
    assert nvtx.RangePop() is None
    assert nvtx.Mark("x") is None
    assert nvtx.RangeStart("x") == 0


def test_nvtx_missing_attribute():
    with pytest.raises(AttributeError):
        nvtx.no_such_name


def test_time_range_as_decorator_and_context_manager():
    calls = []

    @cuarray.profiler.time_range()
    def work(x):
        calls.append(x)
        return x + 1

    @cuarray.profiler.time_range("named", argb_color=0xFF00FF00)
    def other():
        return "ok"

    assert work(1) == 2 and work.__name__ == "work" and other() == "ok"
    with cuarray.profiler.time_range("block", color_id=2) as rng:
        assert rng.message == "block"
    assert calls == [1]


def test_time_range_argument_errors():
    with pytest.raises(ValueError, match="Only either"):
        cuarray.profiler.time_range("x", color_id=1, argb_color=0xFF000000)
    with pytest.raises(ValueError, match="cannot be None"):
        with cuarray.profiler.time_range():
            pass


# --- GPU ---------------------------------------------------------------------------------
def _memset_work(nbytes):
    from cuarray.cuda import _driver, _stream
    d = _driver.driver()
    cuarray.cuda.get_device_id()
    ptr = int(_driver.check(d.cuMemAlloc(nbytes)))

    def work():
        _driver.check(d.cuMemsetD8Async(ptr, 1, nbytes, _stream.current_stream_ptr()))

    def free():
        cuarray.cuda.runtime.deviceSynchronize()
        _driver.check(d.cuMemFree(ptr))
    return work, free


@pytest.mark.gpu
def test_benchmark_times_gpu_work():
    work, free = _memset_work(256 << 20)
    try:
        r = cuarray.profiler.benchmark(work, n_repeat=20, n_warmup=2)
        assert r.name == "work"
        assert r.cpu_times.shape == (20,) and r.gpu_times.shape == (1, 20)
        assert (r.cpu_times > 0).all() and (r.gpu_times > 0).all()
        # 256 MiB at most ~4 TB/s takes well over 10 us of GPU time.
        assert r.gpu_times.min() > 10e-6 and r.gpu_times.max() < 1.0
        assert "work" in str(r) and "GPU-0" in str(r)
    finally:
        free()


@pytest.mark.gpu
def test_benchmark_on_a_stream_and_with_max_duration():
    work, free = _memset_work(1 << 20)
    try:
        with cuarray.cuda.Stream():
            r = cuarray.profiler.benchmark(work, n_repeat=1000, name="short", n_warmup=0,
                                           max_duration=0.0, devices=(0,))
        assert r.name == "short" and r.cpu_times.shape == (1,) and r.gpu_times.shape == (1, 1)
        assert r.gpu_times[0, 0] > 0
    finally:
        free()


@pytest.mark.gpu
def test_profile_and_synchronising_time_range():
    with cuarray.profiler.profile():
        with cuarray.profiler.time_range("synced", sync=True):
            cuarray.cuda.runtime.deviceSynchronize()
