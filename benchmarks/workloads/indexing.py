"""Advanced-indexing workloads: the targets of the indexing issue (gather, boolean mask)
and the other paths that move data by index (scatter, take, nonzero, masked fill).

Arrays are 256 MiB or more (beyond the 50 MB L2), so no input rotation; inputs are
made once per library from the same NumPy generator.  The gather's random reads are
the point: its ``bytes`` count the index, the output and one source element per index.
"""

from benchmarks._registry import workload


def _uniform(xp, n, seed=0):
    import numpy
    return xp.asarray(numpy.random.default_rng(seed).random(n, dtype=numpy.float32))


def _indices(xp, n, high, seed=1):
    import numpy
    return xp.asarray(numpy.random.default_rng(seed).integers(0, high, n, dtype=numpy.int64))


@workload("indexing.gather_f32_2^26_by_int64", kind="device", bytes=lambda n: (8 + 4 + 4) * n,
          params={"n": 2**26})
def gather(xp, n):
    # Target: >= CuPy (2.26 ms on an H100).  cuarray checks the indices' bounds on the
    # device and reads the error flag back once (one synchronisation per call).
    s, idx = _uniform(xp, n), _indices(xp, n, n)
    return lambda: s[idx]


@workload("indexing.mask_f32_2^26", kind="device",
          bytes=lambda n: 4 * n + n + 2 * n + 4 * n + 2 * n, params={"n": 2**26})
def boolean_mask(xp, n):
    # Target: >= CuPy (0.98 ms on an H100).  Half the elements are selected; the timing
    # includes the comparison, as in user code.
    s = _uniform(xp, n)
    return lambda: s[s > 0.5]


@workload("indexing.mask_prebuilt_f32_2^26", kind="device", bytes=lambda n: 2 * n + 4 * n + 2 * n,
          params={"n": 2**26})
def boolean_mask_prebuilt(xp, n):
    s = _uniform(xp, n)
    m = s > 0.5
    return lambda: s[m]


@workload("indexing.take_rows_f32_2^13x2^13", kind="device",
          bytes=lambda n: 2 * 4 * n * n + 8 * n, params={"n": 2**13})
def take_rows(xp, n):
    a = _uniform(xp, n * n).reshape(n, n)
    idx = _indices(xp, n, n, seed=2)
    return lambda: xp.take(a, idx, axis=0)


@workload("indexing.scatter_f32_2^26_by_int64", kind="device", bytes=lambda n: (8 + 4 + 4) * n,
          params={"n": 2**26})
def scatter(xp, n):
    # A permutation: no two writes hit one element.
    import numpy
    s, v = _uniform(xp, n), _uniform(xp, n, seed=3)
    perm = xp.asarray(numpy.random.default_rng(4).permutation(n))

    def run():
        s[perm] = v
    return run


@workload("indexing.nonzero_bool_2^26", kind="device", bytes=lambda n: 2 * n + 8 * n // 2,
          params={"n": 2**26})
def nonzero(xp, n):
    m = _uniform(xp, n) > 0.5
    return lambda: xp.nonzero(m)


@workload("indexing.mask_fill_scalar_f32_2^26", kind="device", bytes=lambda n: n + 2 * 4 * n,
          params={"n": 2**26})
def mask_fill(xp, n):
    s = _uniform(xp, n)
    m = s > 0.5

    def run():
        s[m] = 0.0
    return run


@workload("overhead.gather_16_elements", kind="overhead", params={"n": 16})
def gather_small(xp, n):
    # Dispatch plus the bounds-flag read (a synchronisation) for a tiny fancy index.
    s, idx = _uniform(xp, 1024), _indices(xp, n, 1024)
    return lambda: s[idx]


@workload("overhead.gather_16_elements_uint8_index", kind="overhead", params={"n": 16})
def gather_small_unchecked(xp, n):
    # A uint8 index into 256 or more elements needs no bounds check: no synchronisation.
    import numpy
    s = _uniform(xp, 1024)
    idx = xp.asarray(numpy.arange(n, dtype=numpy.uint8))
    return lambda: s[idx]
