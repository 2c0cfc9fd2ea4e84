"""Raw copies and fills on the current stream, for the array layer's hot paths.

Pointers are ints; sizes are trusted (the caller owns the checks).  Host-side
copies synchronise the stream so the host buffer is ready when they return.
"""

from __future__ import annotations

from . import _driver
from ._stream import current_stream_ptr


def dtoh(host_ptr: int, dev_ptr: int, nbytes: int) -> None:
    """Copy device memory to host memory and wait for it."""
    if nbytes:
        d = _driver.driver()
        s = current_stream_ptr()
        _driver.check(d.cuMemcpyDtoHAsync(host_ptr, dev_ptr, nbytes, s))
        _driver.check(d.cuStreamSynchronize(s))


def htod(dev_ptr: int, host_ptr: int, nbytes: int) -> None:
    """Copy host memory to the device, stream-ordered; the host buffer may be reused on return."""
    if nbytes:
        d = _driver.driver()
        s = current_stream_ptr()
        _driver.check(d.cuMemcpyHtoDAsync(dev_ptr, host_ptr, nbytes, s))
        # Pageable sources are staged before the call returns, but a pinned source is read
        # later: synchronise so callers may free or change the host buffer at once.
        _driver.check(d.cuStreamSynchronize(s))


def dtod(dst: int, src: int, nbytes: int) -> None:
    """Queue a device-to-device copy."""
    if nbytes:
        _driver.check(_driver.driver().cuMemcpyDtoDAsync(dst, src, nbytes, current_stream_ptr()))


def memset8(dev_ptr: int, value: int, nbytes: int) -> None:
    """Queue setting ``nbytes`` bytes to ``value``."""
    if nbytes:
        _driver.check(_driver.driver().cuMemsetD8Async(dev_ptr, value, nbytes,
                                                       current_stream_ptr()))
