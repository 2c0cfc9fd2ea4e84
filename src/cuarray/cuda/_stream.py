"""Streams and the per-(thread, device) current stream.

Every operation runs on the current stream of the current device.  The hot
path, :func:`current_stream_ptr`, is a thread-local dict look-up returning the
raw ``CUstream`` handle as an int.
"""

from __future__ import annotations

import ctypes
import threading

from . import _driver
from ._device import _tls as _dev_tls
from ._device import get_device_id

_tls = threading.local()

# The legacy default stream and the per-thread default stream have fixed handles.
_NULL_PTR = 0
_PTDS_PTR = 2          # CU_STREAM_PER_THREAD
_ANY_DEVICE = -1       # the null/ptds streams belong to whichever device is current


def _current_map() -> dict:
    try:
        return _tls.current
    except AttributeError:
        _tls.current = {}
        _tls.saved = []
        return _tls.current


class _BaseStream:
    """Common behaviour of Stream and ExternalStream (see cupy.cuda.Stream)."""

    __slots__ = ("ptr", "device_id", "_owned", "_capture_graph", "__weakref__")

    def __repr__(self):
        return f"<{type(self).__name__} {self.ptr:#x} (device {self.device_id})>"

    def __eq__(self, other):
        return isinstance(other, _BaseStream) and other.ptr == self.ptr \
            and other.device_id == self.device_id

    def __hash__(self):
        return hash((self.ptr, self.device_id))

    def _check_device(self) -> int:
        dev = get_device_id()
        if self.device_id != _ANY_DEVICE and self.device_id != dev:
            raise RuntimeError(
                f"this stream belongs to device {self.device_id} but the current device is "
                f"{dev}; make its device current first (`with cuarray.cuda.Device("
                f"{self.device_id}):`)")
        return dev

    # -- making it current ------------------------------------------------------------
    def __enter__(self):
        dev = self._check_device()
        cur = _current_map()
        _tls.saved.append((dev, cur.get(dev)))
        cur[dev] = self
        return self

    def __exit__(self, *exc):
        dev, prev = _tls.saved.pop()
        cur = _current_map()
        if prev is None:
            cur.pop(dev, None)
        else:
            cur[dev] = prev

    def use(self):
        """Make this the current stream of its device on this thread."""
        dev = self._check_device()
        _current_map()[dev] = self
        return self

    # -- synchronisation ---------------------------------------------------------------
    def synchronize(self) -> None:
        """Block the host until all work queued on this stream is done."""
        _driver.check(_driver.driver().cuStreamSynchronize(self.ptr))

    @property
    def done(self) -> bool:
        """True when all work queued on this stream has finished."""
        d = _driver.driver()
        (err,) = d.cuStreamQuery(self.ptr)
        if err == d.CUresult.CUDA_SUCCESS:
            return True
        if err == d.CUresult.CUDA_ERROR_NOT_READY:
            return False
        _driver.raise_error(err, "cuStreamQuery")

    def record(self, event=None):
        """Record ``event`` (a new Event when None) on this stream and return it."""
        from ._event import Event
        if event is None:
            event = Event()
        event.record(self)
        return event

    def wait_event(self, event) -> None:
        """Make later work on this stream wait for ``event``."""
        _driver.check(_driver.driver().cuStreamWaitEvent(self.ptr, event.ptr, 0))

    def launch_host_func(self, callback, arg) -> None:
        """Call ``callback(arg)`` on a driver thread once preceding work is done.

        The callback must not call CUDA (a driver rule).  One launched while the
        stream is being captured runs at every replay of the graph and stays
        registered for the life of the process.
        """
        from ._graph import capturing
        d = _driver.driver()
        # A callback captured into a graph runs at every replay: keep its entry.
        persistent = bool(capturing()) and self.is_capturing()
        key = _register_host_callback(callback, arg, persistent)
        fn = d.CUhostFn(ctypes.cast(_host_trampoline, ctypes.c_void_p).value)
        _driver.check(d.cuLaunchHostFunc(self.ptr, fn, key))

    # -- graph capture -----------------------------------------------------------------
    def begin_capture(self, mode=None) -> None:
        """Start capturing work queued on this stream into a graph (see Graph)."""
        from ._graph import begin_capture
        begin_capture(self, mode)

    def end_capture(self):
        """Stop capturing and return the instantiated Graph."""
        from ._graph import end_capture
        return end_capture(self)

    def is_capturing(self) -> bool:
        d = _driver.driver()
        status = _driver.check(d.cuStreamIsCapturing(self.ptr))
        return status == d.CUstreamCaptureStatus.CU_STREAM_CAPTURE_STATUS_ACTIVE


class Stream(_BaseStream):
    """A CUDA stream.  See cupy.cuda.Stream.

    ``Stream()`` creates a new stream on the current device; ``Stream.null`` is
    the legacy default stream and ``Stream.ptds`` the per-thread default stream,
    each standing for whichever device is current when used.
    """

    __slots__ = ("non_blocking", "priority")
    null: "Stream"
    ptds: "Stream"

    def __init__(self, null=False, non_blocking=False, priority=0, ptds=False):
        self._owned = False
        self._capture_graph = None
        self.non_blocking = bool(non_blocking)
        self.priority = int(priority)
        if null or ptds:
            self.ptr = _PTDS_PTR if ptds else _NULL_PTR
            self.device_id = _ANY_DEVICE
            return
        d = _driver.driver()
        self.device_id = get_device_id()
        flags = (d.CUstream_flags.CU_STREAM_NON_BLOCKING if non_blocking
                 else d.CUstream_flags.CU_STREAM_DEFAULT)
        handle = _driver.check(d.cuStreamCreateWithPriority(flags, self.priority))
        self.ptr = int(handle)
        self._owned = True

    def __del__(self):
        if getattr(self, "_owned", False) and _driver._driver is not None:
            self._owned = False
            try:
                # Blocks the pool cached under this handle must not outlive it: a new
                # stream may get the same handle value and reuse them unordered.
                from . import _pool
                _pool.release_stream(self.device_id, self.ptr)
            except Exception:
                pass
            # cuStreamDestroy returns at once; queued work still completes.
            _driver._driver.cuStreamDestroy(self.ptr)


class ExternalStream(_BaseStream):
    """A stream made elsewhere (another library), wrapped without taking ownership."""

    __slots__ = ()

    def __init__(self, ptr, device_id=None):
        self._owned = False
        self._capture_graph = None
        self.ptr = int(ptr)
        self.device_id = get_device_id() if device_id is None else int(device_id)


Stream.null = Stream(null=True)
Stream.ptds = Stream(ptds=True)


def get_current_stream(device_id=None) -> _BaseStream:
    """The current stream of ``device_id`` (default: the current device) on this thread."""
    if device_id is None:
        device_id = get_device_id()
    return _current_map().get(device_id, Stream.null)


def current_stream_ptr() -> int:
    """Hot path: the raw handle of the current stream of the current device."""
    try:
        s = _tls.current.get(_dev_tls.device_id)
    except AttributeError:
        _current_map()
        s = _tls.current.get(get_device_id())
    return _NULL_PTR if s is None else s.ptr


# -- host callbacks --------------------------------------------------------------------
_callbacks: dict[int, tuple] = {}
_callback_lock = threading.Lock()
_callback_counter = 0


def _register_host_callback(callback, arg, persistent=False) -> int:
    global _callback_counter
    with _callback_lock:
        _callback_counter += 1
        key = _callback_counter
        _callbacks[key] = (callback, arg, persistent)
    return key


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _host_trampoline(user_data):
    key = int(user_data or 0)
    with _callback_lock:
        callback, arg, persistent = _callbacks[key]
        if not persistent:
            del _callbacks[key]
    callback(arg)
