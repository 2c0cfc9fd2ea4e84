"""CPU and GPU timing of a callable.  See cupyx.profiler.benchmark."""

from __future__ import annotations

import math
import time

import numpy

from ..cuda import Device, Event, get_elapsed_time, get_device_id


class _PerfCaseResult:
    """Timings recorded by :func:`benchmark`; ``str()`` gives the summary.  See cupyx.profiler.

    ``cpu_times`` (seconds, one per repeat) and ``gpu_times`` (seconds, one row
    per timed device) are NumPy arrays.
    """

    def __init__(self, name: str, ts, devices):
        ts = numpy.asarray(ts, dtype=numpy.float64)
        if ts.ndim != 2 or ts.shape[0] != len(devices) + 1 or ts.shape[1] == 0:
            raise ValueError("ts must have shape (1 + len(devices), n_repeat > 0)")
        self.name = name
        self._ts = ts
        self._devices = tuple(devices)

    @property
    def cpu_times(self) -> numpy.ndarray:
        """Host wall time of each repeat, in seconds."""
        return self._ts[0]

    @property
    def gpu_times(self) -> numpy.ndarray:
        """GPU time of each repeat, in seconds: one row per device."""
        return self._ts[1:]

    @staticmethod
    def _summary(label: str, t) -> str:
        us = t * 1e6
        s = f"    {label}:{us.mean():9.3f} us"
        if us.size > 1:
            s += f"   +/-{us.std():6.3f} (min:{us.min():9.3f} / max:{us.max():9.3f}) us"
        return s

    def to_str(self, show_gpu: bool = False) -> str:
        """The summary line; GPU columns only with ``show_gpu`` (CuPy's default is False)."""
        parts = [self._summary("CPU", self.cpu_times)]
        if show_gpu:
            parts += [self._summary(f"GPU-{d}", t) for d, t in zip(self._devices, self.gpu_times)]
        return f"{self.name:<20s}:{' '.join(parts)}"

    def __str__(self):
        return self.to_str(show_gpu=True)

    __repr__ = __str__


def benchmark(func, args=(), kwargs={}, n_repeat=10000, *,
              name=None, n_warmup=10, max_duration=math.inf, devices=None):
    """See cupyx.profiler.benchmark.

    Times ``func(*args, **kwargs)`` ``n_repeat`` times after ``n_warmup`` untimed
    calls, stopping early once ``max_duration`` seconds are spent.  CPU time is
    the host wall time of each call; GPU time is measured with events recorded
    on the current stream of each device in ``devices`` (default: the current
    device) around each call.  ``kwargs`` is never modified.
    """
    if name is None:
        name = getattr(func, "__name__", type(func).__name__)
    if devices is None:
        devices = (get_device_id(),)
    _validate(func, args, kwargs, n_repeat, name, n_warmup, max_duration, devices)
    ts = _repeat(func, args, kwargs, n_repeat, n_warmup, max_duration, devices)
    return _PerfCaseResult(name, ts, devices)


def _validate(func, args, kwargs, n_repeat, name, n_warmup, max_duration, devices):
    # CuPy raises ValueError for each of these; so do we.
    checks = ((callable(func), "`func` should be a callable object."),
              (isinstance(args, tuple), "`args` should be of tuple type."),
              (isinstance(kwargs, dict), "`kwargs` should be of dict type."),
              (isinstance(n_repeat, int) and n_repeat > 0,
               "`n_repeat` should be a positive integer."),
              (isinstance(name, str), "`name` should be a string."),
              (isinstance(n_warmup, int), "`n_warmup` should be an integer."),
              (numpy.isreal(max_duration), "`max_duration` should be given in seconds"),
              (isinstance(devices, tuple), "`devices` should be of tuple type"))
    for ok, message in checks:
        if not ok:
            raise ValueError(message)


def _record(events, devices) -> None:
    for event, dev in zip(events, devices):
        with dev:  # record on that device's current stream
            event.record()


def _repeat(func, args, kwargs, n_repeat, n_warmup, max_duration, devices):
    devices = [Device(d) for d in devices]
    starts, ends = [], []
    for dev in devices:
        with dev:
            starts.append(Event())
            ends.append(Event())
    for _ in range(n_warmup):
        func(*args, **kwargs)
    _record(starts, devices)
    for event in starts:
        event.synchronize()  # warm-up work must not count in the first repeat
    cpu, gpu = [], [[] for _ in devices]
    duration = 0.0
    for _ in range(n_repeat):
        _record(starts, devices)
        t1 = time.perf_counter()
        func(*args, **kwargs)
        t2 = time.perf_counter()
        _record(ends, devices)
        for row, start, end in zip(gpu, starts, ends):
            row.append(get_elapsed_time(start, end) * 1e-3)  # waits for `end`
        cpu.append(t2 - t1)
        duration += time.perf_counter() - t1
        if duration > max_duration:
            break
    return numpy.array([cpu] + gpu, dtype=numpy.float64)
