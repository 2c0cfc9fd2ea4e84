"""Rows per block of the staged short-row reduction, timed on sums over the last axis of
(10^6, 7) and (10^7, 2) float32, beside CuPy.

Run on a GPU machine: ``python3 -m benchmarks.probes.short_rows``.
"""
import cuarray as cp
from benchmarks.probes._events import median_ms
from cuarray._engine import reduction as red




orig = red._staged_rows
shapes = [(10**6, 7), (10**7, 2), (4 * 10**6, 5)]
arrays = [cp.ones(s, dtype=cp.float32) for s in shapes]
try:
    import cupy
    for s in shapes:
        b = cupy.ones(s, dtype=cupy.float32)
        print("cupy", s, round(median_ms(cupy, lambda: b.sum(axis=-1)), 4))
except ImportError:
    pass
for rows in (None, 256, 512, 1024, 2048, 0):
    def staged(*args, r=rows):
        got = orig(*args)
        return got if r is None or not got else r
    red._staged_rows = staged
    red._plans.clear()
    cp.add._memo.clear()
    for s, a in zip(shapes, arrays):
        if rows and rows * s[1] * 4 > 32768:
            continue
        print(rows, s, round(median_ms(cp, lambda: a.sum(axis=-1)), 4))
red._staged_rows = orig
