"""NVTX markers and ranges for profiler timelines.  See cupy.cuda.nvtx.

The backend is chosen on the first call: the ``nvtx`` package when it is
installed, else the NVTX library through ctypes (``libnvToolsExt`` of CUDA <= 11
or ``libnvtx3interop`` of CUDA >= 12, found by the system loader or under the
CUDA toolkit), else nothing: every function becomes a no-op and ``available``
is False.  Without a profiler attached, NVTX calls cost almost nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

# ARGB colours picked by ``id_color`` (modulo their number), as CuPy does.
_COLORS = (0xFF00FF00, 0xFF007FFF, 0xFF7F00FF, 0xFFFF0000, 0xFF7FFF00,
           0xFF00FF7F, 0xFF0000FF, 0xFFFF007F, 0xFFFF7F00, 0xFF7F7F7F)

_NVTX_COLOR_ARGB = 1
_NVTX_MESSAGE_TYPE_ASCII = 1


class _EventAttributes(ctypes.Structure):
    """nvtxEventAttributes_t (the same layout in NVTX 2 and 3)."""

    _fields_ = [("version", ctypes.c_uint16), ("size", ctypes.c_uint16),
                ("category", ctypes.c_uint32), ("colorType", ctypes.c_int32),
                ("color", ctypes.c_uint32), ("payloadType", ctypes.c_int32),
                ("reserved0", ctypes.c_int32), ("payload", ctypes.c_uint64),
                ("messageType", ctypes.c_int32), ("message", ctypes.c_char_p)]


class _NoOpBackend:
    available = False

    def push(self, message, color):
        pass

    def pop(self):
        pass

    def mark(self, message, color):
        pass

    def start(self, message, color):
        return 0

    def end(self, range_id):
        pass


class _CtypesBackend:
    available = True

    def __init__(self, lib, version):
        self._version = version
        lib.nvtxRangePushEx.argtypes = [ctypes.POINTER(_EventAttributes)]
        lib.nvtxMarkEx.argtypes = [ctypes.POINTER(_EventAttributes)]
        lib.nvtxMarkEx.restype = None
        lib.nvtxRangeStartEx.argtypes = [ctypes.POINTER(_EventAttributes)]
        lib.nvtxRangeStartEx.restype = ctypes.c_uint64
        lib.nvtxRangeEnd.argtypes = [ctypes.c_uint64]
        lib.nvtxRangeEnd.restype = None
        self._lib = lib

    def _attributes(self, message, color):
        a = _EventAttributes()
        a.version = self._version
        a.size = ctypes.sizeof(_EventAttributes)
        a.messageType = _NVTX_MESSAGE_TYPE_ASCII
        a.message = message.encode()
        if color is not None:
            a.colorType = _NVTX_COLOR_ARGB
            a.color = color & 0xFFFFFFFF
        return a

    def push(self, message, color):
        self._lib.nvtxRangePushEx(ctypes.byref(self._attributes(message, color)))

    def pop(self):
        self._lib.nvtxRangePop()

    def mark(self, message, color):
        self._lib.nvtxMarkEx(ctypes.byref(self._attributes(message, color)))

    def start(self, message, color):
        return int(self._lib.nvtxRangeStartEx(ctypes.byref(self._attributes(message, color))))

    def end(self, range_id):
        self._lib.nvtxRangeEnd(range_id)


class _PackageBackend:
    available = True

    def __init__(self, nvtx):
        self._nvtx = nvtx

    def push(self, message, color):
        self._nvtx.push_range(message, color=color)

    def pop(self):
        self._nvtx.pop_range()

    def mark(self, message, color):
        self._nvtx.mark(message, color=color)

    def start(self, message, color):
        return self._nvtx.start_range(message, color=color)

    def end(self, range_id):
        self._nvtx.end_range(range_id)


_NOOP = _NoOpBackend()
_impl = None


def _package_backend():
    try:
        import nvtx
    except Exception:  # not installed, or broken: try the library itself
        return None
    return _PackageBackend(nvtx)


def _library_candidates():
    # (library name, NVTX_VERSION its header declares)
    names = (("nvToolsExt", 2), ("nvtx3interop", 3))
    for name, version in names:
        path = ctypes.util.find_library(name)
        if path:
            yield path, version
    try:
        from cuda.pathfinder import get_cuda_path_or_home
        home = get_cuda_path_or_home()
    except Exception:
        home = None
    for sub in ("lib64", "lib"):
        for name, version in names:
            if home:
                yield os.path.join(home, sub, f"lib{name}.so.1"), version


def _ctypes_backend():
    for path, version in _library_candidates():
        try:
            return _CtypesBackend(ctypes.CDLL(path), version)
        except (OSError, AttributeError):  # missing file or symbols: try the next one
            continue
    return None


def _backend():
    global _impl
    if _impl is None:
        _impl = _package_backend() or _ctypes_backend() or _NOOP
    return _impl


def __getattr__(name):
    # ``available`` is computed on first access, so importing this module loads nothing.
    if name == "available":
        return _backend().available
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _color(id_color: int):
    return None if id_color < 0 else _COLORS[id_color % len(_COLORS)]


def Mark(message: str, id_color: int = -1) -> None:
    """See cupy.cuda.nvtx.Mark."""
    _backend().mark(message, _color(id_color))


def MarkC(message: str, color: int = 0) -> None:
    """See cupy.cuda.nvtx.MarkC (``color`` is ARGB, e.g. 0xFF00FF00)."""
    _backend().mark(message, color)


def RangePush(message: str, id_color: int = -1) -> None:
    """See cupy.cuda.nvtx.RangePush."""
    _backend().push(message, _color(id_color))


def RangePushC(message: str, color: int = 0) -> None:
    """See cupy.cuda.nvtx.RangePushC (``color`` is ARGB)."""
    _backend().push(message, color)


def RangePop() -> None:
    """See cupy.cuda.nvtx.RangePop."""
    _backend().pop()


def RangeStart(message: str, color=None) -> int:
    """See cupy.cuda.nvtx.RangeStart: a range that may end on another thread."""
    return _backend().start(message, color)


def RangeEnd(range_id) -> None:
    """See cupy.cuda.nvtx.RangeEnd."""
    _backend().end(range_id)
