"""Rows per block of the staged short-row reduction, timed on sums over the last axis of
(10^6, 7) and (10^7, 2) float32, beside CuPy.

Run on a GPU machine: ``python3 benchmarks/probes/short_rows.py``.
"""
import cuarray as cp
from cuarray._engine import reduction as red


def t(lib, fn, reps=30):
    s, e = lib.cuda.Event(), lib.cuda.Event()
    for _ in range(5):
        fn()
    ts = []
    for _ in range(reps):
        s.record()
        fn()
        e.record()
        e.synchronize()
        ts.append(lib.cuda.get_elapsed_time(s, e))
    ts.sort()
    return ts[len(ts) // 2]


orig = red._staged_rows
shapes = [(10**6, 7), (10**7, 2), (4 * 10**6, 5)]
arrays = [cp.ones(s, dtype=cp.float32) for s in shapes]
try:
    import cupy
    for s in shapes:
        b = cupy.ones(s, dtype=cupy.float32)
        print("cupy", s, round(t(cupy, lambda: b.sum(axis=-1)), 4))
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
        print(rows, s, round(t(cp, lambda: a.sum(axis=-1)), 4))
red._staged_rows = orig
