"""CUDA graphs made by stream capture.  See cupy.cuda.Graph.

Work queued on a capturing stream through this package (kernel launches,
copies, memsets, stream-ordered allocations and vendor library calls) is
recorded instead of run; ``end_capture`` instantiates it once and the Graph
replays it with one launch.
"""

from __future__ import annotations

import threading

from . import _driver

_capturing = 0          # number of streams capturing now; the memory pool reads it
_lock = threading.Lock()

_MODES = {"global": "CU_STREAM_CAPTURE_MODE_GLOBAL",
          "thread_local": "CU_STREAM_CAPTURE_MODE_THREAD_LOCAL",
          "relaxed": "CU_STREAM_CAPTURE_MODE_RELAXED"}


def capturing() -> int:
    return _capturing


def begin_capture(stream, mode=None) -> None:
    global _capturing
    if stream.ptr in (0, 1):
        raise RuntimeError("the legacy default stream (Stream.null) cannot be captured; "
                           "capture on a Stream() you created")
    d = _driver.driver()
    m = d.CUstreamCaptureMode
    if mode is None:
        mode = m.CU_STREAM_CAPTURE_MODE_RELAXED
    elif isinstance(mode, str):
        try:
            mode = getattr(m, _MODES[mode])
        except KeyError:
            raise ValueError(f"unknown capture mode {mode!r}; expected one of "
                             f"{sorted(_MODES)}") from None
    _driver.check(d.cuStreamBeginCapture(stream.ptr, mode))
    with _lock:
        _capturing += 1


def end_capture(stream) -> "Graph":
    global _capturing
    d = _driver.driver()
    try:
        graph = _driver.check(d.cuStreamEndCapture(stream.ptr))
    finally:
        with _lock:
            _capturing = max(0, _capturing - 1)
    return Graph(graph)


class Graph:
    """An instantiated CUDA graph.  ``launch(stream)`` replays it."""

    __slots__ = ("_graph", "_exec")

    def __init__(self, graph):
        d = _driver.driver()
        self._graph = graph
        self._exec = _driver.check(d.cuGraphInstantiate(graph, 0))

    def _stream_ptr(self, stream) -> int:
        if stream is None:
            from ._stream import current_stream_ptr
            return current_stream_ptr()
        return stream.ptr

    def upload(self, stream=None) -> None:
        """Upload the graph's resources ahead of its first launch."""
        _driver.check(_driver.driver().cuGraphUpload(self._exec, self._stream_ptr(stream)))

    def launch(self, stream=None) -> None:
        """Replay the captured work on ``stream`` (default: the current stream)."""
        _driver.check(_driver.driver().cuGraphLaunch(self._exec, self._stream_ptr(stream)))

    def __del__(self):
        d = _driver._driver
        if d is not None:
            if getattr(self, "_exec", None) is not None:
                d.cuGraphExecDestroy(self._exec)
            if getattr(self, "_graph", None) is not None:
                d.cuGraphDestroy(self._graph)
