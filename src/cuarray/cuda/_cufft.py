"""cuFFT plans through ``nvmath.bindings.cufft`` (the only module that imports it).

A :class:`Plan` is one ``cufftMakePlanMany64`` plan: advanced data layout (``n``,
``inembed``/``istride``/``idist``, ``onembed``/``ostride``/``odist``, ``batch``;
strides and distances in elements), created on the current device with automatic
work-area allocation off.  :meth:`Plan.execute` binds the plan to the current
stream (``cufftSetStream`` only when the stream changed since the plan's last
use), takes a work area of the plan's size from the memory pool on that stream
(stream-ordered, so it goes back to the pool as soon as the call returns) and
runs the transform once per offset of the caller's host loops.

Plans are not thread-safe (the stream and the work area are plan state): the FFT
layer keeps one plan cache per (thread, device).  A plan is destroyed when it is
garbage collected, with its device's context current.
"""

from __future__ import annotations

import importlib
import itertools
import weakref

from . import _device
from . import _driver
from ._device import get_device_id
from .memory import alloc as _alloc
from ._stream import current_stream_ptr

FORWARD = -1            # CUFFT_FORWARD
INVERSE = 1             # CUFFT_INVERSE

# cufftType codes (cufft.h); fixed by the library's ABI, so the pure-Python planner can
# use them without importing the bindings.
C2C, R2C, C2R = 0x29, 0x2A, 0x2C
Z2Z, D2Z, Z2D = 0x69, 0x6A, 0x6C
TYPE_NAMES = {C2C: "C2C", R2C: "R2C", C2R: "C2R", Z2Z: "Z2Z", D2Z: "D2Z", Z2D: "Z2D"}

_ALLOC_FAILED = 2       # CUFFT_ALLOC_FAILED
_MODULE = "nvmath.bindings.cufft"
_lib = None
_exec_fns: dict = {}    # cufftType -> the binding's exec function


class CuFFTError(RuntimeError):
    """A cuFFT call failed.  ``status`` is cuFFT's result code (``cufftResult``)."""

    def __init__(self, status: int, message: str):
        self.status = int(status)
        super().__init__(message)

    def __reduce__(self):
        return (type(self), (self.status, str(self)))


def lib():
    """``nvmath.bindings.cufft``, imported on first use."""
    global _lib
    if _lib is None:
        try:
            mod = importlib.import_module(_MODULE)
        except ImportError as exc:
            raise ImportError(
                f"{_MODULE} is needed for cuarray.fft but nvmath-python is not installed "
                f"(or failed to import: {exc}); install cuarray's CUDA libraries with "
                '`pip install "cuarray[cu13]"`') from exc
        _exec_fns.update({C2C: mod.exec_c2c, Z2Z: mod.exec_z2z, R2C: mod.exec_r2c,
                          D2Z: mod.exec_d2z, C2R: mod.exec_c2r, Z2D: mod.exec_z2d})
        _lib = mod
    return _lib


def version() -> int:
    """``cufftGetVersion()`` (e.g. 12000 for cuFFT 12.0)."""
    return int(lib().get_version())


def _error(exc, what: str) -> CuFFTError:
    status = int(getattr(exc, "status", -1))
    return CuFFTError(status, f"{what}: {exc}")


class Plan:
    """One cuFFT plan for ``geometry`` = (type, n, inembed, istride, idist, onembed,
    ostride, odist, batch) on the current device; ``inembed``/``onembed`` None for
    cuFFT's basic layout.  ``work_size``: bytes of work area each execution takes."""

    __slots__ = ("handle", "fft_type", "work_size", "device_id", "geometry", "_stream",
                 "_exec", "_finalizer", "__weakref__")

    def __init__(self, geometry):
        mod = lib()
        fft_type, n, inembed, istride, idist, onembed, ostride, odist, batch = geometry
        self.geometry, self.fft_type = geometry, fft_type
        self.device_id = get_device_id()       # also makes the device's context current
        self._stream = None
        self._exec = _exec_fns[fft_type]
        self.handle = None
        args = (len(n), list(n), 0 if inembed is None else list(inembed), istride, idist,
                0 if onembed is None else list(onembed), ostride, odist, fft_type, batch)
        for attempt in (0, 1):
            try:
                handle = mod.create()
            except mod.cuFFTError as exc:
                raise _error(exc, "cufftCreate") from exc
            try:
                # Auto-allocation must be off before the plan is made: the work area comes
                # from cuarray's pool at each execution instead of living with the plan.
                mod.set_auto_allocation(handle, 0)
                self.work_size = int(mod.make_plan_many64(handle, *args))
            except mod.cuFFTError as exc:
                _destroy_now(mod, handle)
                if attempt == 0 and int(getattr(exc, "status", -1)) == _ALLOC_FAILED:
                    _release_pool()         # cached pool blocks may be what cuFFT lacks
                    continue
                raise _error(exc, f"cufftMakePlanMany64({describe(geometry)})") from exc
            break
        self.handle = handle
        self._finalizer = weakref.finalize(self, _destroy, self.device_id, handle)
        self._finalizer.atexit = False      # process teardown frees it anyway

    def __repr__(self):
        return f"<cuFFT plan {describe(self.geometry)}, work area {self.work_size} B>"

    def execute(self, in_ptr: int, out_ptr: int, direction: int = FORWARD, loops=()) -> None:
        """Run the transform on the current stream: ``in_ptr``/``out_ptr`` are device
        addresses; ``loops`` is ((count, in_step_bytes, out_step_bytes), ...), host loops
        around the plan (every combination of offsets runs once)."""
        handle = self.handle
        sptr = current_stream_ptr()
        if self._stream != sptr:
            _call(_lib.set_stream, handle, sptr)
            self._stream = sptr
        work = None
        if self.work_size:
            work = _alloc(self.work_size)   # the current stream's pool: freed in order
            _call(_lib.set_work_area, handle, work.ptr)
        fn = self._exec
        two = self.fft_type in (C2C, Z2Z)
        i, o = in_ptr, out_ptr
        try:
            if not loops:
                if two:
                    _call(fn, handle, i, o, direction)
                else:
                    _call(fn, handle, i, o)
                return
            for offs in itertools.product(*(range(c) for c, _, _ in loops)):
                i = in_ptr + sum(k * lp[1] for k, lp in zip(offs, loops))
                o = out_ptr + sum(k * lp[2] for k, lp in zip(offs, loops))
                if two:
                    _call(fn, handle, i, o, direction)
                else:
                    _call(fn, handle, i, o)
        except CuFFTError as exc:
            raise CuFFTError(exc.status, f"{exc} ({describe(self.geometry)}; input at {i:#x}, "
                             f"output at {o:#x})") from exc.__cause__
        finally:
            del work

    def destroy(self) -> None:
        """Destroy the plan now (later use raises)."""
        if self._finalizer.alive:
            self._finalizer()


def _call(fn, *args):
    try:
        return fn(*args)
    except _lib.cuFFTError as exc:
        raise _error(exc, getattr(fn, "__name__", "cuFFT")) from exc


def describe(geometry) -> str:
    """A readable one-line form of a plan geometry, for errors and show_info()."""
    fft_type, n, inembed, istride, idist, onembed, ostride, odist, batch = geometry
    if inembed is None and onembed is None:
        layout = "basic layout"
    else:
        layout = (f"inembed={list(inembed)}, istride={istride}, idist={idist}, "
                  f"onembed={list(onembed)}, ostride={ostride}, odist={odist}")
    return f"{TYPE_NAMES.get(fft_type, fft_type)}, n={list(n)}, {layout}, batch={batch}"


def _release_pool() -> None:
    try:
        from .memory import get_default_memory_pool
        get_default_memory_pool().free_all_blocks()
    except Exception:  # best effort: the retry reports the real failure
        pass


def _destroy_now(mod, handle) -> None:
    try:
        mod.destroy(handle)
    except Exception:  # a half-made plan: nothing more can be done
        pass


def _destroy(device_id: int, handle: int) -> None:
    """Destroy a plan with its device's context current; never raises."""
    d = _driver._driver
    ctx = _device._primary_contexts.get(device_id)
    if d is None or _lib is None or ctx is None:
        return
    try:
        err, saved = d.cuCtxGetCurrent()
        if err != d.CUresult.CUDA_SUCCESS:   # the driver is shutting down or broken
            return
        d.cuCtxSetCurrent(ctx)
        try:
            _lib.destroy(handle)
        finally:
            d.cuCtxSetCurrent(saved)
    except Exception:  # at shutdown or after a sticky error nothing more can be done
        pass
