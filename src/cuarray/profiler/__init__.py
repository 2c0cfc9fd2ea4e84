"""Profiling helpers: benchmark timing, NVTX ranges, profiler start/stop.  See cupyx.profiler."""

from __future__ import annotations

import contextlib
import copy
import functools

from ..cuda import nvtx as _nvtx
from ..cuda import runtime as _runtime
from ._benchmark import benchmark as benchmark


@contextlib.contextmanager
def profile():
    """See cupyx.profiler.profile: collect profiler data only inside the block.

    With Nsight Systems, run ``nsys profile --capture-range=cudaProfilerApi``.
    """
    _runtime.profilerStart()
    try:
        yield
    finally:
        _runtime.profilerStop()


class time_range:
    """See cupyx.profiler.time_range: an NVTX range, as a context manager or a decorator.

    Differences from CuPy: where no NVTX backend is found the range is a no-op
    instead of a RuntimeError, so annotated code runs everywhere.
    """

    def __init__(self, message=None, color_id=None, argb_color=None, sync=False):
        if color_id is not None and argb_color is not None:
            raise ValueError("Only either color_id or argb_color can be specified")
        self.message = message
        self.color_id = -1 if color_id is None else color_id
        self.argb_color = argb_color
        self.sync = sync

    def __enter__(self):
        if self.message is None:
            raise ValueError("when used as a context manager, the message argument "
                             "cannot be None")
        if self.sync:
            _runtime.deviceSynchronize()
        if self.argb_color is not None:
            _nvtx.RangePushC(self.message, self.argb_color)
        else:
            _nvtx.RangePush(self.message, self.color_id)
        return self

    def __exit__(self, *exc):
        if self.sync:
            _runtime.deviceSynchronize()
        _nvtx.RangePop()

    def __call__(self, func):
        # A copy named after the function, so one time_range() can decorate many.
        rng = copy.copy(self)
        if rng.message is None:
            rng.message = func.__name__

        @functools.wraps(func)
        def inner(*args, **kwargs):
            with rng:
                return func(*args, **kwargs)
        return inner
