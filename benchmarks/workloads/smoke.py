"""Smoke workloads: memory bandwidth at the three simplest shapes of work
(copy, binary elementwise, full reduction) and the per-call cost of tiny ops.

The large ones are 256 MiB to 1 GiB per array, far beyond L2, so they need no
input rotation; the 1-element ones measure dispatch, where caches are moot.
"""

from benchmarks._registry import workload


@workload("smoke.copy_f32", kind="device", bytes=lambda n: 2 * 4 * n,
          params={"n": 2**28})
def copy_f32(xp, n):
    # Read n + write n float32: an H100 SXM should approach ~2.9 TB/s.
    a = xp.ones(n, dtype=xp.float32)
    return lambda: a.copy()


@workload("smoke.add_f32", kind="device", bytes=lambda n: 3 * 4 * n,
          flops=None, params={"n": 2**26})
def add_f32(xp, n):
    a = xp.ones(n, dtype=xp.float32)
    b = xp.ones(n, dtype=xp.float32)
    return lambda: xp.add(a, b)


@workload("smoke.sum_f32", kind="device", bytes=lambda n: 4 * n,
          params={"n": 2**26})
def sum_f32(xp, n):
    a = xp.ones(n, dtype=xp.float32)
    return lambda: a.sum()


@workload("overhead.add_1elem", kind="overhead", params={"n": 1})
def add_1elem(xp, n):
    a = xp.ones(n, dtype=xp.float32)
    b = xp.ones(n, dtype=xp.float32)
    return lambda: a + b


@workload("overhead.sum_1elem", kind="overhead", params={"n": 1})
def sum_1elem(xp, n):
    a = xp.ones(n, dtype=xp.float32)
    return lambda: a.sum()
