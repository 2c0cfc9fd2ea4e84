"""CuPy's ``cupy.cuda.runtime`` subset, implemented on the CUDA driver API.

cuarray loads no CUDA runtime library for its own work: each function here is
the driver-API equivalent of the runtime call CuPy wraps, with CuPy's name,
arguments and results, and it works on the calling thread's current device.

Errors raise ``CUDARuntimeError``, which *is* ``cuarray.cuda.CUDADriverError``
(one error class for the whole runtime layer, so ``except CUDARuntimeError``
catches everything it raises).  Its ``status`` is the driver's ``CUresult``;
for the codes users test (``errorInvalidValue`` 1, ``errorMemoryAllocation`` 2,
invalid device 101, ``errorInvalidResourceHandle`` 400,
``errorPeerAccessAlreadyEnabled`` 704, ``errorContextIsDestroyed`` 709) the
driver and runtime numbers are the same.  Unlike CuPy's class, it is built as
``CUDARuntimeError(status, message)``.
"""

from __future__ import annotations

import ctypes

from . import _device
from . import _driver

CUDARuntimeError = _driver.CUDADriverError

is_hip = False

# CuPy's aliases of cudaError_t values (identical to the driver's CUresult values).
errorInvalidValue = 1
errorMemoryAllocation = 2
errorInvalidDevice = 101
errorInvalidResourceHandle = 400
errorPeerAccessAlreadyEnabled = 704
errorPeerAccessNotEnabled = 705
errorContextIsDestroyed = 709

# getDeviceProperties keys (CuPy's, from cudaDeviceProp) -> CU_DEVICE_ATTRIBUTE_* suffix.
_ATTRIBUTE_PROPERTIES = (
    ("sharedMemPerBlock", "MAX_SHARED_MEMORY_PER_BLOCK"),
    ("regsPerBlock", "MAX_REGISTERS_PER_BLOCK"),
    ("warpSize", "WARP_SIZE"),
    ("maxThreadsPerBlock", "MAX_THREADS_PER_BLOCK"),
    ("clockRate", "CLOCK_RATE"),
    ("totalConstMem", "TOTAL_CONSTANT_MEMORY"),
    ("major", "COMPUTE_CAPABILITY_MAJOR"),
    ("minor", "COMPUTE_CAPABILITY_MINOR"),
    ("textureAlignment", "TEXTURE_ALIGNMENT"),
    ("texturePitchAlignment", "TEXTURE_PITCH_ALIGNMENT"),
    ("multiProcessorCount", "MULTIPROCESSOR_COUNT"),
    ("kernelExecTimeoutEnabled", "KERNEL_EXEC_TIMEOUT"),
    ("integrated", "INTEGRATED"),
    ("canMapHostMemory", "CAN_MAP_HOST_MEMORY"),
    ("computeMode", "COMPUTE_MODE"),
    ("concurrentKernels", "CONCURRENT_KERNELS"),
    ("ECCEnabled", "ECC_ENABLED"),
    ("pciBusID", "PCI_BUS_ID"),
    ("pciDeviceID", "PCI_DEVICE_ID"),
    ("pciDomainID", "PCI_DOMAIN_ID"),
    ("tccDriver", "TCC_DRIVER"),
    ("memoryClockRate", "MEMORY_CLOCK_RATE"),
    ("memoryBusWidth", "GLOBAL_MEMORY_BUS_WIDTH"),
    ("l2CacheSize", "L2_CACHE_SIZE"),
    ("maxThreadsPerMultiProcessor", "MAX_THREADS_PER_MULTIPROCESSOR"),
    ("isMultiGpuBoard", "MULTI_GPU_BOARD"),
    ("cooperativeLaunch", "COOPERATIVE_LAUNCH"),
    ("cooperativeMultiDeviceLaunch", "COOPERATIVE_MULTI_DEVICE_LAUNCH"),
    ("asyncEngineCount", "ASYNC_ENGINE_COUNT"),
    ("unifiedAddressing", "UNIFIED_ADDRESSING"),
    ("streamPrioritiesSupported", "STREAM_PRIORITIES_SUPPORTED"),
    ("globalL1CacheSupported", "GLOBAL_L1_CACHE_SUPPORTED"),
    ("localL1CacheSupported", "LOCAL_L1_CACHE_SUPPORTED"),
    ("sharedMemPerMultiprocessor", "MAX_SHARED_MEMORY_PER_MULTIPROCESSOR"),
    ("regsPerMultiprocessor", "MAX_REGISTERS_PER_MULTIPROCESSOR"),
    ("managedMemory", "MANAGED_MEMORY"),
    ("multiGpuBoardGroupID", "MULTI_GPU_BOARD_GROUP_ID"),
    ("hostNativeAtomicSupported", "HOST_NATIVE_ATOMIC_SUPPORTED"),
    ("singleToDoublePrecisionPerfRatio", "SINGLE_TO_DOUBLE_PRECISION_PERF_RATIO"),
    ("pageableMemoryAccess", "PAGEABLE_MEMORY_ACCESS"),
    ("concurrentManagedAccess", "CONCURRENT_MANAGED_ACCESS"),
    ("computePreemptionSupported", "COMPUTE_PREEMPTION_SUPPORTED"),
    ("canUseHostPointerForRegisteredMem", "CAN_USE_HOST_POINTER_FOR_REGISTERED_MEM"),
    ("sharedMemPerBlockOptin", "MAX_SHARED_MEMORY_PER_BLOCK_OPTIN"),
    ("pageableMemoryAccessUsesHostPageTables", "PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES"),
    ("directManagedMemAccessFromHost", "DIRECT_MANAGED_MEM_ACCESS_FROM_HOST"),
    ("persistingL2CacheMaxSize", "MAX_PERSISTING_L2_CACHE_SIZE"),
    ("maxBlocksPerMultiProcessor", "MAX_BLOCKS_PER_MULTIPROCESSOR"),
    ("accessPolicyMaxWindowSize", "MAX_ACCESS_POLICY_WINDOW_SIZE"),
    ("reservedSharedMemPerBlock", "RESERVED_SHARED_MEMORY_PER_BLOCK"),
)
_TRIPLES = (("maxThreadsDim", "MAX_BLOCK_DIM_"), ("maxGridSize", "MAX_GRID_DIM_"))

_properties: dict[int, dict] = {}
_runtime_version: int | None = None


# --- Versions ----------------------------------------------------------------------
def driverGetVersion() -> int:
    """See cupy.cuda.runtime.driverGetVersion (e.g. 13000 for a CUDA 13.0 driver)."""
    return int(_driver.check(_driver.driver().cuDriverGetVersion()))


def runtimeGetVersion() -> int:
    """See cupy.cuda.runtime.runtimeGetVersion.

    The version of the CUDA runtime library (libcudart) that cuda-pathfinder
    loads, the one the vendor libraries run beside; where none is found, the
    NVRTC version as ``major * 1000 + minor * 10`` (CuPy's answer when built on
    CUDA Python).  ``cuda.bindings.runtime.cudaRuntimeGetVersion`` is not used:
    it reports the runtime cuda-bindings was compiled with, not a library this
    process loads.  Needs no GPU.
    """
    global _runtime_version
    if _runtime_version is None:
        _runtime_version = _cudart_version() or _nvrtc_version()
    return _runtime_version


def _cudart_version() -> int:
    try:
        from cuda.pathfinder import load_nvidia_dynamic_lib
        path = load_nvidia_dynamic_lib("cudart").abs_path
        if not path:
            return 0
        version = ctypes.c_int(0)
        status = ctypes.CDLL(path).cudaRuntimeGetVersion(ctypes.byref(version))
        return version.value if status == 0 else 0
    except Exception:  # no cudart anywhere: fall back to NVRTC
        return 0


def _nvrtc_version() -> int:
    try:
        from cuda.bindings import nvrtc
        err, major, minor = nvrtc.nvrtcVersion()
    except Exception as exc:
        raise CUDARuntimeError(
            35, f"runtimeGetVersion: neither libcudart nor NVRTC could be loaded [{exc}]") from exc
    if err != nvrtc.nvrtcResult.NVRTC_SUCCESS:
        raise CUDARuntimeError(35, f"runtimeGetVersion: nvrtcVersion failed ({err})")
    return major * 1000 + minor * 10


# --- Devices -----------------------------------------------------------------------
def getDeviceCount() -> int:
    """See cupy.cuda.runtime.getDeviceCount."""
    return _device.get_device_count()


def getDevice() -> int:
    """See cupy.cuda.runtime.getDevice (the calling thread's current device)."""
    return _device.get_device_id()


def setDevice(device: int) -> None:
    """See cupy.cuda.runtime.setDevice (for the calling thread only)."""
    _device.set_device_id(device)


def deviceGetAttribute(attrib: int, device: int) -> int:
    """See cupy.cuda.runtime.deviceGetAttribute (cudaDevAttr values equal CUdevice_attribute's)."""
    device = _device.validate_device_id(device)
    d = _driver.driver()
    return int(_driver.check(d.cuDeviceGetAttribute(d.CUdevice_attribute(int(attrib)), device)))


def getDeviceProperties(device: int) -> dict:
    """See cupy.cuda.runtime.getDeviceProperties (``name`` and ``uuid`` are bytes, as in CuPy).

    Built from cuDeviceGetAttribute; keys whose attribute this driver lacks are
    left out.  Computed once per device; each call returns a fresh dict.
    """
    device = _device.validate_device_id(device)
    props = _properties.get(device)
    if props is None:
        props = _properties[device] = _query_properties(device)
    return dict(props)


def _query_properties(device: int) -> dict:
    d = _driver.driver()
    dev = _driver.check(d.cuDeviceGet(device))
    name = _driver.check(d.cuDeviceGetName(256, dev))
    props = {
        "name": bytes(name).split(b"\0", 1)[0],
        "totalGlobalMem": int(_driver.check(d.cuDeviceTotalMem(dev))),
        "uuid": bytes(_driver.check(d.cuDeviceGetUuid(dev)).bytes),
    }
    for key, suffix in _ATTRIBUTE_PROPERTIES:
        value = _attribute(d, dev, suffix)
        if value is not None:
            props[key] = value
    for key, prefix in _TRIPLES:
        props[key] = tuple(_attribute(d, dev, prefix + axis) for axis in "XYZ")
    return props


def _attribute(d, dev, suffix: str):
    attr = getattr(d.CUdevice_attribute, "CU_DEVICE_ATTRIBUTE_" + suffix, None)
    if attr is None:  # older cuda-bindings without this attribute
        return None
    err, value = d.cuDeviceGetAttribute(attr, dev)
    # An older driver rejects attributes it predates: leave the key out, as the
    # device itself was already queried successfully by the caller.
    return int(value) if err == d.CUresult.CUDA_SUCCESS else None


def deviceGetPCIBusId(device: int) -> str:
    """See cupy.cuda.runtime.deviceGetPCIBusId."""
    return _device.Device(device).pci_bus_id


def deviceGetByPCIBusId(pci_bus_id: str) -> int:
    """See cupy.cuda.runtime.deviceGetByPCIBusId."""
    d = _driver.driver()
    return int(_driver.check(d.cuDeviceGetByPCIBusId(pci_bus_id.encode("ascii"))))


def deviceSynchronize() -> None:
    """See cupy.cuda.runtime.deviceSynchronize (waits for the current device)."""
    _device.get_device_id()  # makes this thread's device context current first
    _driver.check(_driver.driver().cuCtxSynchronize())


def memGetInfo() -> tuple[int, int]:
    """See cupy.cuda.runtime.memGetInfo: (free, total) bytes of the current device."""
    _device.get_device_id()
    free, total = _driver.check(_driver.driver().cuMemGetInfo())
    return int(free), int(total)


# --- Peer access -------------------------------------------------------------------
def deviceCanAccessPeer(device: int, peerDevice: int) -> int:
    """See cupy.cuda.runtime.deviceCanAccessPeer (1 or 0)."""
    device = _device.validate_device_id(device)
    peerDevice = _device.validate_device_id(peerDevice)
    d = _driver.driver()
    return int(_driver.check(d.cuDeviceCanAccessPeer(device, peerDevice)))


def deviceEnablePeerAccess(peerDevice: int) -> None:
    """See cupy.cuda.runtime.deviceEnablePeerAccess.

    As in CuPy, enabling it twice raises (``status == errorPeerAccessAlreadyEnabled``);
    :func:`_deviceEnsurePeerAccess` is the tolerant form.
    """
    _peer_call("cuCtxEnablePeerAccess", peerDevice, 0)


def deviceDisablePeerAccess(peerDevice: int) -> None:
    """See cupy.cuda.runtime.deviceDisablePeerAccess."""
    _peer_call("cuCtxDisablePeerAccess", peerDevice)


def _deviceEnsurePeerAccess(peerDevice: int) -> None:
    """Enable peer access unless it already is (CuPy's private helper of the same name)."""
    try:
        deviceEnablePeerAccess(peerDevice)
    except CUDARuntimeError as exc:
        if exc.status != errorPeerAccessAlreadyEnabled:
            raise


def _peer_call(name: str, peerDevice: int, *flags) -> None:
    peer = _device.validate_device_id(peerDevice)
    _device.get_device_id()  # the current device's primary context must be current
    d = _driver.driver()
    _driver.check(getattr(d, name)(_device.primary_context(peer), *flags))


# --- Profiler ----------------------------------------------------------------------
def profilerStart() -> None:
    """See cupy.cuda.runtime.profilerStart."""
    _device.get_device_id()
    _driver.check(_driver.driver().cuProfilerStart())


def profilerStop() -> None:
    """See cupy.cuda.runtime.profilerStop."""
    _device.get_device_id()
    _driver.check(_driver.driver().cuProfilerStop())
