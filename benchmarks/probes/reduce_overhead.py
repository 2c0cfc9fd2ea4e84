"""Where the host time of a tiny reduction goes: cProfile over many ``a.sum()`` calls.

Run on a GPU machine: ``python3 -m benchmarks.probes.reduce_overhead``.
"""

import cProfile
import pstats
import time


def main():
    import cuarray
    a = cuarray.ones(1, dtype=cuarray.float32)
    for _ in range(100):
        a.sum()
    cuarray.cuda.Device().synchronize()
    n = 20000
    t0 = time.perf_counter()
    for _ in range(n):
        a.sum()
    cuarray.cuda.Device().synchronize()
    print(f"a.sum(): {(time.perf_counter() - t0) / n * 1e6:.2f} us/call")
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        a.sum()
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(18)


if __name__ == "__main__":
    main()
