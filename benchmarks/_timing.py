"""Timing loops.  They know nothing about libraries: they get the callables,
a synchronize function and, for device timing, the event factory.

Device timing follows the yardstick's own method: record a start event on the
current stream, call, record a stop event, wait for it, read the elapsed time.
Waiting after each repeat means the GPU idles while Python issues the next
call, so host dispatch of the *first* kernel is inside the window; for
workloads of milliseconds that is noise, and the per-call cost of tiny calls
is what ``kind="overhead"`` measures instead.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from typing import Callable, Sequence

#: Wall-clock cap for one library on one workload (warm-up included).
HOST_BUDGET_S = 2.0
DEVICE_BUDGET_S = 20.0
OVERHEAD_BATCHES = 5


@dataclasses.dataclass(frozen=True)
class Timing:
    median: float
    min: float
    n: int          # samples behind the median
    unit: str       # "ms" per call, or "us" per call for overhead workloads


def summarize(samples: Sequence[float], unit: str) -> Timing:
    if not samples:
        raise ValueError("no timing samples")
    return Timing(median=statistics.median(samples), min=min(samples),
                  n=len(samples), unit=unit)


def _noop():
    return None


def _warm(fns, warmup: int, sync, deadline: float, clock) -> int:
    """Warm-up calls; every input set is touched once so lazy first-use costs
    (allocation, page mapping, kernel compilation) stay out of the samples."""
    calls = max(warmup, len(fns)) if warmup > 0 else 0
    for i in range(calls):
        fns[i % len(fns)]()
        if clock() > deadline:
            calls = i + 1
            break
    sync()
    return calls


def time_device(fns: Sequence[Callable], event: Callable, elapsed: Callable, *,
                warmup: int = 3, repeat: int = 20, sync: Callable = _noop,
                budget_s: float = DEVICE_BUDGET_S, clock=time.perf_counter) -> Timing:
    """Median/min milliseconds per call between two CUDA events.

    ``event()`` makes an event with ``record()`` and ``synchronize()`` (recorded
    on the library's current stream); ``elapsed(start, stop)`` returns ms.
    """
    t_start = clock()
    deadline = t_start + budget_s
    i = _warm(fns, warmup, sync, t_start + budget_s / 2, clock)
    start, stop = event(), event()
    samples = []
    for _ in range(repeat):
        start.record()
        fns[i % len(fns)]()
        stop.record()
        stop.synchronize()
        samples.append(float(elapsed(start, stop)))
        i += 1
        if clock() > deadline:
            break
    return summarize(samples, "ms")


def time_host(fns: Sequence[Callable], *, warmup: int = 3, repeat: int = 20,
              sync: Callable = _noop, budget_s: float = HOST_BUDGET_S,
              clock=time.perf_counter) -> Timing:
    """Median/min wall-clock milliseconds per call; stops early past ``budget_s``
    (at least one sample) so slow CPU references do not dominate the run."""
    t_start = clock()
    i = _warm(fns, warmup, sync, t_start + budget_s / 2, clock)
    samples = []
    for _ in range(repeat):
        t0 = clock()
        fns[i % len(fns)]()
        sync()
        samples.append((clock() - t0) * 1e3)
        i += 1
        if clock() - t_start > budget_s:
            break
    return summarize(samples, "ms")


def time_overhead(fns: Sequence[Callable], *, calls: int = 10_000,
                  batches: int = OVERHEAD_BATCHES, warmup: int = 3,
                  sync: Callable = _noop, budget_s: float = HOST_BUDGET_S,
                  clock=time.perf_counter) -> Timing:
    """Median/min host microseconds per call over ``batches`` loops of ``calls``.

    Each batch ends with ``sync()`` inside the timed window, so work still
    queued on the device is paid for; over thousands of calls that tail is
    small.  ``calls`` shrinks when one call is slow enough to blow the budget.
    """
    n_fns = len(fns)
    probe = max(warmup, n_fns, 1)
    t0 = clock()
    for i in range(probe):
        fns[i % n_fns]()
    sync()
    per_call = (clock() - t0) / probe
    if per_call > 0:
        calls = max(1, min(calls, int(budget_s / (batches * per_call))))
    samples = []
    for _ in range(batches):
        t0 = clock()
        if n_fns == 1:
            fn = fns[0]
            for _ in range(calls):
                fn()
        else:
            for i in range(calls):
                fns[i % n_fns]()
        sync()
        samples.append((clock() - t0) / calls * 1e6)
    return summarize(samples, "us")
