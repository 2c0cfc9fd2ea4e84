"""CUDA events.  See cupy.cuda.Event."""

from __future__ import annotations

from . import _driver
from ._device import get_device_id


class Event:
    """A CUDA event for ordering streams and timing GPU work.

    ``block=True`` makes :meth:`synchronize` yield the CPU instead of spinning;
    ``interprocess=True`` requires ``disable_timing=True`` (a driver rule).
    """

    __slots__ = ("ptr", "device_id", "_timing", "__weakref__")

    def __init__(self, block=False, disable_timing=False, interprocess=False):
        self.ptr = 0
        if interprocess and not disable_timing:
            raise ValueError("an interprocess event requires disable_timing=True")
        d = _driver.driver()
        f = d.CUevent_flags
        flags = f.CU_EVENT_DEFAULT
        if block:
            flags |= f.CU_EVENT_BLOCKING_SYNC
        if disable_timing:
            flags |= f.CU_EVENT_DISABLE_TIMING
        if interprocess:
            flags |= f.CU_EVENT_INTERPROCESS
        self.device_id = get_device_id()
        self._timing = not disable_timing
        self.ptr = int(_driver.check(d.cuEventCreate(flags)))

    def __del__(self):
        if self.ptr and _driver._driver is not None:
            _driver._driver.cuEventDestroy(self.ptr)
            self.ptr = 0

    def __repr__(self):
        return f"<Event {self.ptr:#x} (device {self.device_id})>"

    def record(self, stream=None) -> None:
        """Record this event on ``stream`` (default: the current stream)."""
        if stream is None:
            from ._stream import current_stream_ptr
            ptr = current_stream_ptr()
        else:
            ptr = stream.ptr
        _driver.check(_driver.driver().cuEventRecord(self.ptr, ptr))

    def synchronize(self) -> None:
        """Block the host until the work before the last record() is done."""
        _driver.check(_driver.driver().cuEventSynchronize(self.ptr))

    @property
    def done(self) -> bool:
        d = _driver.driver()
        (err,) = d.cuEventQuery(self.ptr)
        if err == d.CUresult.CUDA_SUCCESS:
            return True
        if err == d.CUresult.CUDA_ERROR_NOT_READY:
            return False
        _driver.raise_error(err, "cuEventQuery")


def get_elapsed_time(start_event: Event, end_event: Event) -> float:
    """Milliseconds between two recorded events (waits for ``end_event``)."""
    for e in (start_event, end_event):
        if not e._timing:
            raise ValueError("get_elapsed_time needs events created with disable_timing=False")
    end_event.synchronize()
    return float(_driver.check(_driver.driver().cuEventElapsedTime(start_event.ptr, end_event.ptr)))
