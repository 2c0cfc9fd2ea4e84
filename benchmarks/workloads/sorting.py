"""Sorting workloads: the targets of the sorting part of issue 11 (ratios vs CuPy, H100).

Arrays are 64 MiB or more; inputs are made once per library from the same NumPy
generator.  ``bytes`` count one read of the input and one write of the result (what
any sort must move at least), so GB/s reads as a fraction of a single pass.
"""

from benchmarks._registry import workload


def _uniform(xp, shape, seed=0, dtype="float32"):
    import numpy
    host = numpy.random.default_rng(seed).random(shape, dtype=numpy.float32)
    return xp.asarray(host.astype(dtype))


@workload("sorting.sort_f32_2^26", kind="device", bytes=lambda n: 2 * 4 * n,
          params={"n": 2**26})
def sort_f32(xp, n):
    # Target: >= CuPy (1.82 ms).  CUB's radix sort; NaNs would be moved last afterwards.
    a = _uniform(xp, (n,))
    return lambda: xp.sort(a)


@workload("sorting.argsort_f32_2^26", kind="device", bytes=lambda n: (4 + 8) * n,
          params={"n": 2**26})
def argsort_f32(xp, n):
    # Target: >= CuPy (3.59 ms).  Radix sort of (ukey, int32 index) pairs, then int64.
    a = _uniform(xp, (n,), seed=1)
    return lambda: xp.argsort(a)


@workload("sorting.unique_i64_2^26_1000_values", kind="device", bytes=lambda n: 8 * n,
          params={"n": 2**26, "k": 1000})
def unique_i64(xp, n, k):
    # Target: >= 1.5x CuPy (5.98 ms).  The value range is read back, so the radix sort
    # sorts 10 bits instead of 64.
    import numpy
    a = xp.asarray(numpy.random.default_rng(2).integers(0, k, n, dtype=numpy.int64))
    return lambda: xp.unique(a)


@workload("sorting.sort_last_axis_f32_4096^2", kind="device", bytes=lambda n: 2 * 4 * n * n,
          params={"n": 4096})
def sort_rows(xp, n):
    # Target: >= CuPy.  One thread block sorts each row in shared memory.
    a = _uniform(xp, (n, n), seed=3)
    return lambda: xp.sort(a, axis=-1)


@workload("sorting.searchsorted_f32_2^24_into_2^24", kind="device",
          bytes=lambda n: (4 + 4 + 8) * n, params={"n": 2**24})
def searchsorted(xp, n):
    # Target: >= CuPy.  One binary search per value (NumPy's NaN order).
    a = xp.sort(_uniform(xp, (n,), seed=4))
    v = _uniform(xp, (n,), seed=5)
    return lambda: xp.searchsorted(a, v)


@workload("sorting.median_f32_2^26", kind="device", bytes=lambda n: 4 * n,
          params={"n": 2**26})
def median_f32(xp, n):
    # Target: >= CuPy.  A radix sort, then one kernel picks the middle values.
    a = _uniform(xp, (n,), seed=6)
    return lambda: xp.median(a)


@workload("sorting.histogram_f32_2^26_1024_bins", kind="device", bytes=lambda n: 4 * n,
          params={"n": 2**26, "bins": 1024})
def histogram_f32(xp, n, bins):
    # Target: >= CuPy.  range= given, so neither library reads the data's range back: the
    # timing is the counting (per-block shared-memory histograms, NumPy's edge rules).
    a = _uniform(xp, (n,), seed=7)
    return lambda: xp.histogram(a, bins=bins, range=(0.0, 1.0))


@workload("sorting.histogram_auto_range_f32_2^26_1024_bins", kind="device",
          bytes=lambda n: 4 * n, params={"n": 2**26, "bins": 1024})
def histogram_auto(xp, n, bins):
    # The same with the range taken from the data (one min/max read back).
    a = _uniform(xp, (n,), seed=8)
    return lambda: xp.histogram(a, bins=bins)
