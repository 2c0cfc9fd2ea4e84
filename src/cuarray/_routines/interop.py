"""Zero-copy views of other libraries' device arrays (``__cuda_array_interface__``)."""

from __future__ import annotations

import numpy

from .._core.dtypes import check_supported
from .._core.ndarray import _init, ndarray
from .._core.shape import c_strides

_new = object.__new__


def from_cuda_array_interface(obj) -> ndarray:
    """A view of ``obj``'s device memory (kept alive by the view).  CAI v2/v3."""
    from ..cuda.memory import MemoryPointer, UnownedMemory
    cai = obj.__cuda_array_interface__
    dt = numpy.dtype(cai["typestr"])
    if not dt.isnative:
        raise TypeError(f"non-native byte order {dt.str} is not supported")
    check_supported(dt)
    shape = tuple(cai["shape"])
    strides = cai.get("strides")
    strides = c_strides(shape, dt.itemsize) if strides is None else tuple(strides)
    ptr = cai["data"][0]
    size = 1
    for s in shape:
        size *= s
    stream = cai.get("stream")
    if stream not in (None, 0):
        _wait_for_producer(stream)
    span = _span_bytes(shape, strides, dt.itemsize)
    mem = UnownedMemory(ptr, span, obj) if ptr else UnownedMemory(0, 0, obj)
    a = _new(ndarray)
    _init(a, shape, strides, dt, MemoryPointer(mem, 0), ptr, None)
    return a


def _span_bytes(shape, strides, itemsize) -> int:
    if 0 in shape:
        return 0
    return sum((s - 1) * abs(t) for s, t in zip(shape, strides)) + itemsize


def _wait_for_producer(stream_ptr: int) -> None:
    """CAI v3: make our current stream wait for work queued on the producer's stream."""
    from ..cuda import Event, ExternalStream, get_current_stream
    ours = get_current_stream()
    theirs = 0 if stream_ptr == 1 else stream_ptr
    if theirs == ours.ptr:
        return
    ev = Event(disable_timing=True)
    ev.record(ExternalStream(theirs))
    ours.wait_event(ev)
