"""Items per thread of the single-pass scan, timed on cumsum of 2^28 float32.

Run on a GPU machine: ``python3 -m benchmarks.probes.scan_items``.
"""
import cuarray as cp
from benchmarks.probes._events import median_ms
from cuarray._engine import scan

n = 2**28
a = cp.ones(n, dtype=cp.float32)




orig = scan.items_per_thread
for items in (32, 16, 24, 48, 64):
    scan.items_per_thread = lambda acc, i=items: {16: 8, 8: 16}.get(acc.itemsize, i)
    scan._kernels.clear()
    try:
        ms = median_ms(cp, lambda: cp.cumsum(a))
        print(items, round(ms, 4), "ms", round(2 * 4 * n / ms / 1e6, 1), "GB/s")
    except Exception as exc:
        print(items, "error", type(exc).__name__, str(exc)[:200])
