"""Devices and the per-thread current device.

Each thread has its own current device (CuPy's and the CUDA runtime's rule).
Making a device current makes its primary context current on the thread, so
every driver call after it (allocation, launch, copies) targets that device.
The hot path, :func:`get_device_id`, is one thread-local attribute read.
"""

from __future__ import annotations

import threading

from . import _driver

_tls = threading.local()
_primary_contexts: dict[int, object] = {}   # device id -> retained primary CUcontext
_device_count: int | None = None
_lock = threading.Lock()


def get_device_count() -> int:
    global _device_count
    if _device_count is None:
        d = _driver.driver()
        _device_count = int(_driver.check(d.cuDeviceGetCount()))
    return _device_count


def validate_device_id(device_id) -> int:
    try:
        i = int(device_id)
    except TypeError:
        raise TypeError(f"device id must be an integer, not {type(device_id).__name__}") from None
    n = get_device_count()
    if not 0 <= i < n:
        raise _driver.CUDADriverError(
            101, f"CUDA_ERROR_INVALID_DEVICE: invalid device id {i} "
            f"(this machine has {n} CUDA device{'s' if n != 1 else ''})")
    return i


def primary_context(device_id: int):
    ctx = _primary_contexts.get(device_id)
    if ctx is None:
        d = _driver.driver()
        with _lock:
            ctx = _primary_contexts.get(device_id)
            if ctx is None:
                dev = _driver.check(d.cuDeviceGet(device_id))
                ctx = _driver.check(d.cuDevicePrimaryCtxRetain(dev))
                _primary_contexts[device_id] = ctx
    return ctx


def set_device_id(device_id: int) -> None:
    """Make ``device_id`` current on this thread (its primary context too)."""
    device_id = validate_device_id(device_id)
    if getattr(_tls, "device_id", None) == device_id:
        return
    d = _driver.driver()
    _driver.check(d.cuCtxSetCurrent(primary_context(device_id)))
    _tls.device_id = device_id


def get_device_id() -> int:
    """The current device of this thread, initialising it on first use."""
    try:
        return _tls.device_id
    except AttributeError:
        return _init_thread()


def _init_thread() -> int:
    # Respect a context another library (PyTorch, JAX, Numba) already made current
    # on this thread; otherwise start on device 0, as the CUDA runtime does.
    d = _driver.driver()
    device_id = 0
    err, ctx = d.cuCtxGetCurrent()
    if err == d.CUresult.CUDA_SUCCESS and int(ctx) != 0:
        err, dev = d.cuCtxGetDevice()
        if err == d.CUresult.CUDA_SUCCESS:
            device_id = int(dev)
    set_device_id(device_id)
    return device_id


class Device:
    """A CUDA device; a context manager that makes it current on this thread.

    See cupy.cuda.Device.
    """

    __slots__ = ("id", "_prev")

    def __init__(self, device=None):
        if device is None:
            self.id = get_device_id()
        else:
            self.id = validate_device_id(device.id if isinstance(device, Device) else device)
        self._prev: list[int] = []

    def __int__(self):
        return self.id

    __index__ = __int__

    def __repr__(self):
        return f"<CUDA Device {self.id}>"

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(("cuarray.cuda.Device", self.id))

    def __enter__(self):
        self._prev.append(get_device_id())
        set_device_id(self.id)
        return self

    def __exit__(self, *exc):
        set_device_id(self._prev.pop())

    def use(self) -> None:
        """Make this device current on this thread."""
        set_device_id(self.id)

    def synchronize(self) -> None:
        """Wait for all work on this device."""
        with self:
            _driver.check(_driver.driver().cuCtxSynchronize())

    def _attr(self, attr) -> int:
        d = _driver.driver()
        return int(_driver.check(d.cuDeviceGetAttribute(attr, self.id)))

    @property
    def compute_capability(self) -> str:
        """``"90"`` for sm_90, as CuPy spells it."""
        a = _driver.driver().CUdevice_attribute
        return (f"{self._attr(a.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)}"
                f"{self._attr(a.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)}")

    @property
    def arch(self) -> str:
        """NVRTC architecture name, e.g. ``"sm_90"``."""
        return f"sm_{self.compute_capability}"

    @property
    def attributes(self) -> dict[str, int]:
        """All device attributes, keyed by CuPy's CamelCase names (``MaxThreadsPerBlock``)."""
        d = _driver.driver()
        out = {}
        for attr in d.CUdevice_attribute:
            name = attr.name
            if not name.startswith("CU_DEVICE_ATTRIBUTE_") or name.endswith("_MAX"):
                continue
            err, value = d.cuDeviceGetAttribute(attr, self.id)
            if err == d.CUresult.CUDA_SUCCESS:
                key = "".join(w.capitalize() for w in name[len("CU_DEVICE_ATTRIBUTE_"):].split("_"))
                out[key] = int(value)
        return out

    @property
    def mem_info(self) -> tuple[int, int]:
        """(free, total) bytes of device memory."""
        with self:
            free, total = _driver.check(_driver.driver().cuMemGetInfo())
        return int(free), int(total)

    @property
    def pci_bus_id(self) -> str:
        d = _driver.driver()
        raw = _driver.check(d.cuDeviceGetPCIBusId(16, self.id))
        return raw.split(b"\0", 1)[0].decode()

    @property
    def name(self) -> str:
        d = _driver.driver()
        raw = _driver.check(d.cuDeviceGetName(256, self.id))
        return raw.split(b"\0", 1)[0].decode()
