"""Items per thread of the single-pass scan, timed on cumsum of 2^28 float32.

Run on a GPU machine: ``python3 benchmarks/probes/scan_items.py``.
"""
import cuarray as cp
from cuarray._engine import scan

n = 2**28
a = cp.ones(n, dtype=cp.float32)


def t(fn, reps=15):
    s, e = cp.cuda.Event(), cp.cuda.Event()
    for _ in range(3):
        fn()
    ts = []
    for _ in range(reps):
        s.record()
        fn()
        e.record()
        e.synchronize()
        ts.append(cp.cuda.get_elapsed_time(s, e))
    ts.sort()
    return ts[len(ts) // 2]


orig = scan.items_per_thread
for items in (32, 16, 24, 48, 64):
    scan.items_per_thread = lambda acc, i=items: {16: 8, 8: 16}.get(acc.itemsize, i)
    scan._kernels.clear()
    try:
        ms = t(lambda: cp.cumsum(a))
        print(items, round(ms, 4), "ms", round(2 * 4 * n / ms / 1e6, 1), "GB/s")
    except Exception as exc:
        print(items, "error", type(exc).__name__, str(exc)[:200])
