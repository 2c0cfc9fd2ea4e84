"""Where the time of a user kernel call goes: host µs per call on small arrays (ElementwiseKernel,
fuse, built-in add) and event-timed ms on 2^28 float32, with a profile of the slow path."""

import cProfile
import pstats
import time

import numpy

import cuarray as cp
from benchmarks.probes._events import median_ms


def host_us(fn, n=2000):
    for _ in range(50):
        fn()
    cp.cuda.Device().synchronize()
    t = time.perf_counter()
    for _ in range(n):
        fn()
    cp.cuda.Device().synchronize()
    return (time.perf_counter() - t) / n * 1e6


def main():
    add = cp.ElementwiseKernel("T x, T y", "T z", "z = x + y", "user_add")
    f = cp.fuse(lambda x, y: x * 2 + y * 3 - 1)
    rk = cp.ReductionKernel("T x", "T y", "x", "a + b", "y = a", "0", "user_sum")
    for n in (16, 2**28):
        x = cp.asarray(numpy.random.default_rng(0).random(n, dtype=numpy.float32))
        y = cp.asarray(numpy.random.default_rng(1).random(n, dtype=numpy.float32))
        cases = {"builtin add": lambda: cp.add(x, y), "ElementwiseKernel add": lambda: add(x, y),
                 "fuse axpby": lambda: f(x, y), "ReductionKernel sum": lambda: rk(x),
                 "builtin sum": lambda: x.sum()}
        for name, fn in cases.items():
            if n == 16:
                print(f"n={n:>10}  {name:24s} {host_us(fn):8.2f} us/call (host)")
            else:
                print(f"n={n:>10}  {name:24s} {median_ms(cp, fn):8.3f} ms (events)")
    prof = cProfile.Profile()
    x16 = cp.ones(16, dtype=cp.float32)
    prof.enable()
    for _ in range(2000):
        add(x16, x16)
        f(x16, x16)
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(18)


if __name__ == "__main__":
    main()
