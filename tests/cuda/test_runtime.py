"""cuarray.cuda.runtime: CuPy's runtime-API subset on the driver API."""

import threading

import pytest

import cuarray
import cuarray.cuda
from cuarray.cuda import runtime

_NEEDS_NO_DRIVER = pytest.mark.skipif(
    cuarray.is_available(), reason="checks the error path on a machine without a CUDA driver")

_REQUIRED_KEYS = (
    "name", "totalGlobalMem", "multiProcessorCount", "major", "minor", "sharedMemPerBlock",
    "sharedMemPerBlockOptin", "warpSize", "maxThreadsPerBlock", "maxThreadsDim", "maxGridSize",
    "clockRate", "memoryClockRate", "memoryBusWidth", "l2CacheSize", "regsPerBlock", "pciBusID",
    "pciDeviceID", "computeMode", "concurrentKernels", "ECCEnabled", "integrated",
    "canMapHostMemory", "unifiedAddressing", "managedMemory", "uuid")


# --- No GPU needed ---------------------------------------------------------------------
def test_runtime_error_is_the_driver_error_class():
    assert runtime.CUDARuntimeError is cuarray.cuda.CUDADriverError
    assert issubclass(runtime.CUDARuntimeError, RuntimeError)
    with pytest.raises(runtime.CUDARuntimeError):
        raise cuarray.cuda.CUDADriverError(101, "x")


def test_module_exports():
    assert cuarray.cuda.runtime is runtime
    assert runtime.is_hip is False
    assert cuarray.cuda.is_available is cuarray.is_available
    from cuarray.cuda import _device
    assert cuarray.cuda.get_device_id is _device.get_device_id
    assert runtime.errorPeerAccessAlreadyEnabled == 704
    assert runtime.errorInvalidDevice == 101


def test_runtime_version_needs_no_gpu():
    v = runtime.runtimeGetVersion()
    assert isinstance(v, int)
    assert v >= 12000 and v % 10 == 0
    assert runtime.runtimeGetVersion() == v


def test_runtime_version_falls_back_to_nvrtc(monkeypatch):
    monkeypatch.setattr(runtime, "_runtime_version", None)
    monkeypatch.setattr(runtime, "_cudart_version", lambda: 0)
    from cuda.bindings import nvrtc
    _, major, minor = nvrtc.nvrtcVersion()
    assert runtime.runtimeGetVersion() == major * 1000 + minor * 10


@_NEEDS_NO_DRIVER
@pytest.mark.parametrize("call", [
    runtime.getDeviceCount, runtime.getDevice, lambda: runtime.setDevice(0),
    lambda: runtime.getDeviceProperties(0), runtime.driverGetVersion,
    lambda: runtime.deviceCanAccessPeer(0, 1), lambda: runtime.deviceEnablePeerAccess(1),
    runtime.deviceSynchronize, runtime.memGetInfo, lambda: runtime.deviceGetAttribute(1, 0),
    runtime.profilerStart,
], ids=["getDeviceCount", "getDevice", "setDevice", "getDeviceProperties", "driverGetVersion",
        "deviceCanAccessPeer", "deviceEnablePeerAccess", "deviceSynchronize", "memGetInfo",
        "deviceGetAttribute", "profilerStart"])
def test_without_driver_raises_runtime_error(call):
    with pytest.raises(runtime.CUDARuntimeError, match="no CUDA driver"):
        call()


# --- GPU ---------------------------------------------------------------------------------
@pytest.mark.gpu
def test_device_count_and_current_device():
    n = runtime.getDeviceCount()
    assert n >= 1
    runtime.setDevice(0)
    assert runtime.getDevice() == 0 == cuarray.cuda.get_device_id()


@pytest.mark.gpu
@pytest.mark.parametrize("offset", [0, 3, -1, -2])
def test_invalid_device_ids_raise(offset):
    bad = runtime.getDeviceCount() + offset if offset >= 0 else offset
    for call in (lambda: runtime.setDevice(bad), lambda: runtime.getDeviceProperties(bad),
                 lambda: runtime.deviceCanAccessPeer(0, bad),
                 lambda: runtime.deviceGetAttribute(1, bad)):
        with pytest.raises(runtime.CUDARuntimeError, match="invalid device id") as info:
            call()
        assert info.value.status == runtime.errorInvalidDevice
    assert runtime.getDevice() == cuarray.cuda.get_device_id()


@pytest.mark.gpu
def test_set_device_is_per_thread():
    runtime.setDevice(0)
    seen = {}

    def worker():
        seen["before"] = hasattr(cuarray.cuda._device._tls, "device_id")
        runtime.setDevice(runtime.getDeviceCount() - 1)
        seen["after"] = runtime.getDevice()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == {"before": False, "after": runtime.getDeviceCount() - 1}
    assert runtime.getDevice() == 0


@pytest.mark.gpu
def test_device_properties_match_device_attributes():
    dev = cuarray.cuda.Device(0)
    props = runtime.getDeviceProperties(0)
    for key in _REQUIRED_KEYS:
        assert key in props, key
    attrs = dev.attributes
    assert isinstance(props["name"], bytes) and props["name"].decode() == dev.name
    assert f"{props['major']}{props['minor']}" == dev.compute_capability
    assert props["multiProcessorCount"] == attrs["MultiprocessorCount"]
    assert props["maxThreadsPerBlock"] == attrs["MaxThreadsPerBlock"] == 1024
    assert props["warpSize"] == 32
    # cuMemGetInfo's total may leave out memory the driver reserves.
    assert 0.9 * props["totalGlobalMem"] <= dev.mem_info[1] <= props["totalGlobalMem"]
    assert props["sharedMemPerBlockOptin"] >= props["sharedMemPerBlock"] == 48 * 1024
    assert props["maxThreadsDim"] == (attrs["MaxBlockDimX"], attrs["MaxBlockDimY"],
                                      attrs["MaxBlockDimZ"])
    assert props["maxGridSize"][0] == 2**31 - 1
    assert isinstance(props["uuid"], bytes) and len(props["uuid"]) == 16
    assert props["pciBusID"] == int(dev.pci_bus_id.split(":")[1], 16)
    assert props["l2CacheSize"] > 0 and props["memoryBusWidth"] > 0 and props["clockRate"] > 0
    assert props["unifiedAddressing"] == 1 and props["managedMemory"] == 1


@pytest.mark.gpu
def test_device_properties_returns_a_fresh_dict():
    runtime.getDeviceProperties(0)["warpSize"] = -1
    assert runtime.getDeviceProperties(0)["warpSize"] == 32


@pytest.mark.gpu
def test_device_get_attribute_uses_cuda_attribute_numbers():
    assert runtime.deviceGetAttribute(1, 0) == 1024   # cudaDevAttrMaxThreadsPerBlock
    assert runtime.deviceGetAttribute(10, 0) == 32    # cudaDevAttrWarpSize


@pytest.mark.gpu
def test_versions():
    v = runtime.driverGetVersion()
    assert isinstance(v, int) and v >= 12000
    assert runtime.runtimeGetVersion() >= 12000


@pytest.mark.gpu
def test_mem_get_info_and_synchronize():
    free, total = runtime.memGetInfo()
    assert 0 < free <= total <= runtime.getDeviceProperties(runtime.getDevice())["totalGlobalMem"]
    runtime.deviceSynchronize()


@pytest.mark.gpu
def test_pci_bus_id_round_trip():
    for i in range(runtime.getDeviceCount()):
        assert runtime.deviceGetByPCIBusId(runtime.deviceGetPCIBusId(i)) == i


@pytest.mark.gpu
def test_profiler_start_stop_without_profiler():
    runtime.profilerStart()
    runtime.profilerStop()


@pytest.mark.gpu
def test_peer_access():
    if runtime.getDeviceCount() < 2:
        pytest.skip("peer access needs 2 GPUs; this machine has 1")
    if not runtime.deviceCanAccessPeer(0, 1):
        pytest.skip("devices 0 and 1 cannot access each other")
    with cuarray.cuda.Device(0):
        runtime._deviceEnsurePeerAccess(1)
        with pytest.raises(runtime.CUDARuntimeError) as info:   # CuPy raises here too
            runtime.deviceEnablePeerAccess(1)
        assert info.value.status == runtime.errorPeerAccessAlreadyEnabled
        runtime._deviceEnsurePeerAccess(1)                        # tolerant form
        runtime.deviceDisablePeerAccess(1)
        runtime.deviceEnablePeerAccess(1)
        runtime.deviceDisablePeerAccess(1)
