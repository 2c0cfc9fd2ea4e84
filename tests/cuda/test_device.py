"""cuarray.cuda.Device and the per-thread current device."""

import threading

import pytest

import cuarray
from cuarray import cuda
from cuarray.cuda import _device, _driver, runtime


def _current_driver_context_device():
    """The device of the driver context current on this thread, or None when there is none."""
    d = _driver.driver()
    ctx = _driver.check(d.cuCtxGetCurrent())
    if int(ctx) == 0:
        return None
    return int(_driver.check(d.cuCtxGetDevice()))


# --- No GPU needed ---------------------------------------------------------------------
@pytest.mark.skipif(cuarray.is_available(), reason="checks the error path without a driver")
def test_device_without_driver_raises():
    with pytest.raises(cuda.CUDADriverError, match="no CUDA driver"):
        cuda.Device(0)


def test_device_module_reexports():
    from cuarray.cuda import _handles
    assert cuda.device.Device is cuda.Device
    assert cuda.device.get_device_id is _device.get_device_id
    assert cuda.device.get_cublas_handle is _handles.get_cublas_handle
    assert cuda.device.get_cusolver_handle is _handles.get_cusolver_handle
    assert cuda.device.get_cusparse_handle is _handles.get_cusparse_handle


# --- GPU ---------------------------------------------------------------------------------
@pytest.mark.gpu
def test_device_basics():
    dev = cuda.Device(0)
    assert int(dev) == dev.id == 0
    assert dev == cuda.Device(0) and hash(dev) == hash(cuda.Device(0))
    assert repr(dev) == "<CUDA Device 0>"
    assert cuda.Device() == cuda.Device(cuda.get_device_id())
    assert cuda.Device(dev) == dev
    assert len(dev.compute_capability) >= 2 and dev.arch == f"sm_{dev.compute_capability}"
    assert dev.name and isinstance(dev.name, str)
    free, total = dev.mem_info
    assert 0 < free <= total
    assert dev.attributes["WarpSize"] == 32
    dev.synchronize()


@pytest.mark.gpu
@pytest.mark.parametrize("which", ["count", "count+3", "-1", "-100"])
def test_invalid_device_id_raises(which):
    n = runtime.getDeviceCount()
    bad = {"count": n, "count+3": n + 3, "-1": -1, "-100": -100}[which]
    with pytest.raises(cuda.CUDADriverError, match="invalid device id") as info:
        cuda.Device(bad)
    assert isinstance(info.value, runtime.CUDARuntimeError)
    assert info.value.status == 101
    with pytest.raises(runtime.CUDARuntimeError, match="invalid device id"):
        _device.set_device_id(bad)
    assert cuda.get_device_id() in range(n)


@pytest.mark.gpu
def test_context_manager_nests_and_restores():
    cuda.Device(0).use()
    with cuda.Device(0) as d0:
        assert cuda.get_device_id() == 0 and d0.id == 0
        with cuda.Device(0):
            assert cuda.get_device_id() == 0
        assert cuda.get_device_id() == 0
    assert cuda.get_device_id() == 0
    assert _current_driver_context_device() == 0


@pytest.mark.gpu
def test_context_manager_restores_after_exception():
    cuda.Device(0).use()
    with pytest.raises(KeyError):
        with cuda.Device(runtime.getDeviceCount() - 1):
            raise KeyError
    assert cuda.get_device_id() == 0


@pytest.mark.gpu
def test_current_device_state_is_per_thread():
    # A new thread has neither our thread-local device nor a driver context until
    # it first asks; asking gives device 0 and makes its primary context current.
    cuda.Device(0).use()
    seen = {}

    def worker():
        seen["tls_before"] = hasattr(_device._tls, "device_id")
        seen["ctx_before"] = _current_driver_context_device()
        with cuda.Device(0):
            seen["inside"] = cuda.get_device_id()
            seen["ctx_inside"] = _current_driver_context_device()
        seen["after"] = cuda.get_device_id()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == {"tls_before": False, "ctx_before": None, "inside": 0, "ctx_inside": 0,
                    "after": 0}
    assert cuda.get_device_id() == 0


@pytest.mark.gpu
def test_switching_device_in_a_thread_leaves_others_alone():
    if runtime.getDeviceCount() < 2:
        pytest.skip("needs 2 GPUs to switch to a different device; this machine has 1")
    cuda.Device(0).use()
    barrier = threading.Barrier(2)
    seen = {}

    def worker():
        cuda.Device(1).use()
        barrier.wait()   # the main thread checks its own device now
        barrier.wait()
        seen["worker"] = (cuda.get_device_id(), _current_driver_context_device())

    t = threading.Thread(target=worker)
    t.start()
    barrier.wait()
    assert cuda.get_device_id() == 0 and _current_driver_context_device() == 0
    barrier.wait()
    t.join()
    assert seen["worker"] == (1, 1)
    with cuda.Device(1):
        assert _current_driver_context_device() == 1
    assert _current_driver_context_device() == 0
