"""Reduction workloads: the targets of the reduction-engine issue.

Bytes count what the kernel must move: the input once plus the output (var reads
its input twice: NumPy's two-pass algorithm, mean then squared deviations).
Inputs are random, made once per library; all are far beyond the 50 MB L2.
"""

from benchmarks._registry import workload


def _rand(xp, shape, dtype="float32"):
    import numpy
    host = numpy.random.default_rng(0).random(shape, dtype=numpy.float32)
    return xp.asarray(host).astype(dtype)


@workload("reduction.sum_f32_2^28", kind="device", bytes=lambda n: 4 * n,
          params={"n": 2**28})
def sum_f32(xp, n):
    a = _rand(xp, (n,))
    return lambda: a.sum()


@workload("reduction.sum_axis0_f32_16384^2", kind="device", bytes=lambda n: 4 * n * (n + 1),
          params={"n": 16384})
def sum_axis0(xp, n):
    a = _rand(xp, (n, n))
    return lambda: a.sum(axis=0)


@workload("reduction.sum_axis1_f32_16384^2", kind="device", bytes=lambda n: 4 * n * (n + 1),
          params={"n": 16384})
def sum_axis1(xp, n):
    a = _rand(xp, (n, n))
    return lambda: a.sum(axis=1)


@workload("reduction.sum_last_f32_(10^7,2)", kind="device", bytes=lambda n, k: 4 * n * (k + 1),
          params={"n": 10**7, "k": 2})
def sum_short2(xp, n, k):
    a = _rand(xp, (n, k))
    return lambda: a.sum(axis=-1)


@workload("reduction.sum_last_f32_(10^6,7)", kind="device", bytes=lambda n, k: 4 * n * (k + 1),
          params={"n": 10**6, "k": 7})
def sum_short7(xp, n, k):
    a = _rand(xp, (n, k))
    return lambda: a.sum(axis=-1)


@workload("reduction.var_axis1_f32_(4096,65536)", kind="device",
          bytes=lambda m, n: 2 * 4 * m * n, params={"m": 4096, "n": 65536})
def var_axis1(xp, m, n):
    a = _rand(xp, (m, n))
    return lambda: a.var(axis=1)


@workload("reduction.argmax_f32_2^28", kind="device", bytes=lambda n: 4 * n,
          params={"n": 2**28})
def argmax_f32(xp, n):
    a = _rand(xp, (n,))
    return lambda: a.argmax()


@workload("reduction.mean_f64_2^27", kind="device", bytes=lambda n: 8 * n,
          params={"n": 2**27})
def mean_f64(xp, n):
    a = _rand(xp, (n,), "float64")
    return lambda: a.mean()


@workload("reduction.max_axis0_i32_(65536,1024)", kind="device", bytes=lambda m, n: 4 * m * n,
          params={"m": 65536, "n": 1024})
def max_axis0(xp, m, n):
    a = (_rand(xp, (m, n)) * 1000).astype("int32")
    return lambda: a.max(axis=0)


@workload("overhead.sum_axis0_small", kind="overhead", params={"n": 16})
def sum_axis0_small(xp, n):
    a = xp.ones((n, n), dtype=xp.float32)
    return lambda: a.sum(axis=0)
