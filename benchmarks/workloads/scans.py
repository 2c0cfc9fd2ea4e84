"""Scan workloads: the targets of the scan-engine issue (cumsum along each kind of layout).

Bytes count what a scan must move: the input read once and the output written once
(int32 input widens to an int64 output, as NumPy's cumsum does).  The effective
bandwidth of ``cumsum_f32_2^28`` is the issue's target (>= 2.4 TB/s on an H100).
Inputs are random, made once per library; all are far beyond the 50 MB L2.
"""

from benchmarks._registry import workload


def _rand(xp, shape, dtype="float32"):
    import numpy
    rng = numpy.random.default_rng(0)
    if numpy.dtype(dtype).kind in "iu":
        host = rng.integers(-1000, 1000, shape, dtype=dtype)
    else:
        host = rng.random(shape, dtype=numpy.float32).astype(dtype)
    return xp.asarray(host)


@workload("scan.cumsum_f32_2^28", kind="device", bytes=lambda n: 2 * 4 * n,
          params={"n": 2**28})
def cumsum_f32(xp, n):
    # One row of 2^28: the device-wide single-pass scan (decoupled look-back).
    a = _rand(xp, (n,))
    return lambda: xp.cumsum(a)


@workload("scan.cumsum_axis0_f32_8192^2", kind="device", bytes=lambda n: 2 * 4 * n * n,
          params={"n": 8192})
def cumsum_axis0(xp, n):
    # The scan axis strided, the kept axis contiguous: threads run down columns.
    a = _rand(xp, (n, n))
    return lambda: xp.cumsum(a, axis=0)


@workload("scan.cumsum_axis1_f32_8192^2", kind="device", bytes=lambda n: 2 * 4 * n * n,
          params={"n": 8192})
def cumsum_axis1(xp, n):
    # Contiguous rows, one tile each.
    a = _rand(xp, (n, n))
    return lambda: xp.cumsum(a, axis=1)


@workload("scan.cumsum_i32_2^26", kind="device", bytes=lambda n: (4 + 8) * n,
          params={"n": 2**26})
def cumsum_i32(xp, n):
    # int32 in, int64 out (NumPy's platform-integer widening).
    a = _rand(xp, (n,), "int32")
    return lambda: xp.cumsum(a)
