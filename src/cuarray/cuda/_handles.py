"""Vendor library handles (cuBLAS, cuSOLVER dense, cuSPARSE) per (device, thread).

A handle holds its stream as state, so threads must not share one: each thread
gets its own handle per device, created on first request through
``nvmath.bindings`` (imported then, never at import time).  The getters return
the handle bound to the calling thread's current stream; ``set_stream`` runs
only when that stream changed since the handle's last use, so the common call
costs two thread-local look-ups and one comparison.

Handles are destroyed when their thread ends and, for threads still alive, at
interpreter exit; both are best effort and never raise.

cuRAND has no handle in this sense: a generator is state (seed, offset,
ordering) that belongs to whoever draws from it, as CuPy's RandomState owns
its generator.  :class:`CurandGenerator` wraps one such owned generator with
the same bind-the-current-stream rule.
"""

from __future__ import annotations

import atexit
import importlib
import threading
import weakref

from . import _device
from . import _driver
from ._device import get_device_id
from ._stream import current_stream_ptr

# library -> (nvmath.bindings module, create, destroy)
_LIBRARIES = {
    "cublas": ("nvmath.bindings.cublas", "create", "destroy"),
    "cusolver": ("nvmath.bindings.cusolverDn", "create", "destroy"),
    "cusparse": ("nvmath.bindings.cusparse", "create", "destroy"),
    "curand": ("nvmath.bindings.curand", "create_generator", "destroy_generator"),
}
_INSTALL_HINT = 'pip install "cuarray[cu13]"'

_modules: dict[str, object] = {}
_tls = threading.local()
_live: dict[int, dict] = {}     # id(table) -> a thread's handle table, until destroyed
_atexit_registered = False
_lock = threading.Lock()


def _binding(lib: str):
    """The nvmath.bindings module of ``lib``, imported on first use."""
    mod = _modules.get(lib)
    if mod is None:
        name = _LIBRARIES[lib][0]
        try:
            mod = importlib.import_module(name)
        except ImportError as exc:
            raise ImportError(
                f"{name} is needed for this operation but nvmath-python is not installed "
                f"(or failed to import: {exc}); install cuarray's CUDA libraries with "
                f"`{_INSTALL_HINT}`") from exc
        _modules[lib] = mod
    return mod


# --- Per-thread handles ------------------------------------------------------------
def get_cublas_handle() -> int:
    """See cupy.cuda.device.get_cublas_handle; bound to the current stream."""
    return _get("cublas")


def get_cusolver_handle() -> int:
    """See cupy.cuda.device.get_cusolver_handle (cuSOLVER dense); bound to the current stream."""
    return _get("cusolver")


def get_cusparse_handle() -> int:
    """See cupy.cuda.device.get_cusparse_handle; bound to the current stream."""
    return _get("cusparse")


def _get(lib: str) -> int:
    dev = get_device_id()  # also makes the device's context current, as create() needs
    try:
        entry = _tls.table[lib, dev]
    except (AttributeError, KeyError):
        entry = _create(lib, dev)
    ptr = current_stream_ptr()
    if entry[1] != ptr:
        _modules[lib].set_stream(entry[0], ptr)
        entry[1] = ptr
    return entry[0]


def _create(lib: str, dev: int) -> list:
    mod = _binding(lib)
    table = _thread_table()
    handle = getattr(mod, _LIBRARIES[lib][1])()
    entry = table[lib, dev] = [handle, None]   # None: no stream bound yet
    return entry


class _TableOwner:
    """Lives in the thread-local; its death (thread exit) destroys the thread's handles."""

    __slots__ = ("__weakref__",)


def _thread_table() -> dict:
    try:
        return _tls.table
    except AttributeError:
        pass
    table = _tls.table = {}
    owner = _tls.owner = _TableOwner()
    # The table, not the owner, goes to the finalizer, so the owner can die.
    weakref.finalize(owner, _destroy_table, table).atexit = False
    _live[id(table)] = table
    _register_atexit()
    return table


def _register_atexit() -> None:
    # Registered on first use, after nvmath's import, so it runs before any exit
    # hook the libraries registered (atexit runs last-registered first).
    global _atexit_registered
    with _lock:
        if not _atexit_registered:
            atexit.register(_destroy_all)
            _atexit_registered = True


def _destroy_all() -> None:
    for table in list(_live.values()):
        _destroy_table(table)


def _destroy_table(table: dict) -> None:
    _live.pop(id(table), None)
    entries = list(table.items())
    table.clear()
    for (lib, dev), entry in entries:
        _destroy(lib, dev, entry[0])


def _destroy(lib: str, dev: int, handle: int) -> None:
    """Destroy one handle with its device's context current; never raises."""
    d = _driver._driver
    mod = _modules.get(lib)
    ctx = _device._primary_contexts.get(dev)
    if d is None or mod is None or ctx is None:
        return
    try:
        # This may run on any thread (a dying one, the exit hook): save and
        # restore whatever context that thread had current.
        err, saved = d.cuCtxGetCurrent()
        if err != d.CUresult.CUDA_SUCCESS:  # the driver is shutting down or broken
            return
        d.cuCtxSetCurrent(ctx)
        try:
            getattr(mod, _LIBRARIES[lib][2])(handle)
        finally:
            d.cuCtxSetCurrent(saved)
    except Exception:  # best effort: at shutdown or after a sticky error nothing more can be done
        pass


# --- cuRAND ------------------------------------------------------------------------
class CurandGenerator:
    """A cuRAND generator on the current device, owned by its creator (e.g. a RandomState).

    ``rng_type`` is a ``nvmath.bindings.curand.RngType`` value (default
    ``PSEUDO_DEFAULT``).  :meth:`bind` returns the raw generator with the current
    stream set.  Destroyed when garbage collected or at interpreter exit.
    """

    __slots__ = ("ptr", "device_id", "_stream", "_finalizer", "__weakref__")

    def __init__(self, rng_type=None):
        mod = _binding("curand")
        self.device_id = get_device_id()
        if rng_type is None:
            rng_type = mod.RngType.PSEUDO_DEFAULT
        self.ptr = int(mod.create_generator(int(rng_type)))
        self._stream = None
        self._finalizer = weakref.finalize(self, _destroy, "curand", self.device_id, self.ptr)

    def __int__(self):
        return self.ptr

    def __repr__(self):
        return f"<CurandGenerator {self.ptr:#x} (device {self.device_id})>"

    def bind(self) -> int:
        """The generator handle, bound to the current stream of its device."""
        if get_device_id() != self.device_id:
            raise RuntimeError(
                f"this cuRAND generator belongs to device {self.device_id} but the current "
                f"device is {get_device_id()}; make its device current first")
        ptr = current_stream_ptr()
        if self._stream != ptr:
            _modules["curand"].set_stream(self.ptr, ptr)
            self._stream = ptr
        return self.ptr
