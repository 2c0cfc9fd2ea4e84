"""Manipulation workloads: the targets of the shape-manipulation issue.

Transposed copy (the elementwise engine's tiled kernel), concatenation along both
axes (one copy per input), reflect padding (one gather kernel over the output), and
the per-call cost of joining many small arrays (one kernel for all of them).  The
large inputs are 64 MiB to 1 GiB, beyond the 50 MB L2, so they need no rotation.
"""

from benchmarks._registry import workload


def _rand(xp, shape, seed=0):
    import numpy
    return xp.asarray(numpy.random.default_rng(seed).random(shape, dtype=numpy.float32))


@workload("manipulation.transpose_copy_f32_16384^2", kind="device",
          bytes=lambda n: 2 * 4 * n * n, params={"n": 16384})
def transpose_copy(xp, n):
    # a.T.copy(): read n^2 and write n^2 float32 (H100 copy floor ~2.95 TB/s).
    a = _rand(xp, (n, n))
    return lambda: a.T.copy()


@workload("manipulation.concatenate_axis0_8x2^24_f32", kind="device",
          bytes=lambda n, k: 2 * 4 * n * k, params={"n": 2**24, "k": 8}, quick={"n": 256, "k": 8})
def concatenate_axis0(xp, n, k):
    arrays = [_rand(xp, (n,), seed=i) for i in range(k)]
    return lambda: xp.concatenate(arrays, axis=0)


@workload("manipulation.concatenate_axis1_8x4096^2_f32", kind="device",
          bytes=lambda n, k: 2 * 4 * n * n * k, params={"n": 4096, "k": 8},
          quick={"n": 64, "k": 8})
def concatenate_axis1(xp, n, k):
    # 8 blocks of (4096, 4096) = 2^24 float32 each, joined side by side: (4096, 32768).
    arrays = [_rand(xp, (n, n), seed=i) for i in range(k)]
    return lambda: xp.concatenate(arrays, axis=1)


@workload("manipulation.pad_reflect_f32_8192^2", kind="device",
          bytes=lambda n, w: 4 * (n * n + (n + 2 * w) ** 2), params={"n": 8192, "w": 64},
          quick={"n": 256, "w": 8})
def pad_reflect(xp, n, w):
    a = _rand(xp, (n, n))
    return lambda: xp.pad(a, w, mode="reflect")


@workload("overhead.concatenate_16_small", kind="overhead", params={"n": 1000, "k": 16})
def concatenate_small(xp, n, k):
    arrays = [_rand(xp, (n,), seed=i) for i in range(k)]
    return lambda: xp.concatenate(arrays)
