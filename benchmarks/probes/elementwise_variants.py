"""Elementwise launch-configuration probe: grid caps and the transposed tiling, on one card.

Run on a GPU machine: ``python benchmarks/probes/elementwise_variants.py``; prints ms and GB/s.
"""

import numpy

import cuarray
from cuarray import cuda
from cuarray._engine import elementwise as ew


def timeit(fn, reps=20):
    fn()
    start, stop = cuda.Event(), cuda.Event()
    times = []
    for _ in range(reps):
        start.record()
        fn()
        stop.record()
        times.append(cuda.get_elapsed_time(start, stop))
    return float(numpy.median(times))


def main():
    rng = numpy.random.default_rng(0)
    cases = {
        "add f32 2^28": (lambda: cuarray.asarray(rng.random(2**28, dtype=numpy.float32)), 2, 12),
        "add f64 2^27": (lambda: cuarray.asarray(rng.random(2**27)), 2, 24),
    }
    for name, (make, nin, bpe) in cases.items():
        a, b = make(), make()
        n = a.size
        for per_thread in (1, 2, 4, 8):
            # Vector accesses per thread through the grid-stride loop: grid = work / per_thread.
            ew._GRID_LIMIT = max(1, n // (16 // (bpe // 3)) // ew.BLOCK // per_thread)
            t = timeit(lambda: a + b)
            print(f"{name:16s} {per_thread} vector(s)/thread {t:7.3f} ms "
                  f"{bpe * n / t / 1e6:8.0f} GB/s")
    ew._GRID_LIMIT = 2**31 - 1
    n = 16384
    a = cuarray.asarray(rng.random((n, n), dtype=numpy.float32))
    b = cuarray.asarray(rng.random((n, n), dtype=numpy.float32))
    t = timeit(lambda: a.T + b)
    print(f"add a.T + b 16384^2 (tiled)   {t:7.3f} ms {12 * n * n / t / 1e6:8.0f} GB/s")
    orig = ew._strided_variant
    ew._strided_variant = lambda arrays, kinds, ops, cs, cst: (f"nd{len(cs)}", (cs, cst))
    t = timeit(lambda: a.T + b)
    print(f"add a.T + b 16384^2 (n-d)     {t:7.3f} ms {12 * n * n / t / 1e6:8.0f} GB/s")
    ew._strided_variant = orig
    try:
        import cupy
        ca, cb = cupy.asarray(a.get()), cupy.asarray(b.get())
        s, e = cupy.cuda.Event(), cupy.cuda.Event()
        ts = []
        for _ in range(20):
            s.record()
            ca.T + cb
            e.record()
            e.synchronize()
            ts.append(cupy.cuda.get_elapsed_time(s, e))
        print(f"CuPy a.T + b                  {numpy.median(ts):7.3f} ms")
    except ImportError:
        pass


if __name__ == "__main__":
    main()
