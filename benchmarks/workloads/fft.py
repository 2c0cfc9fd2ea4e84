"""FFT workloads: the targets of the cuFFT issue (H100, ratio against CuPy).

Bytes count one read of the input and one write of the output (what a single-pass
transform must move; cuFFT may make several passes over large transforms).  Inputs
are random complex/real data made once per library; all but the overhead workload
are larger than the 50 MB L2, so no rotation is needed.
"""

from benchmarks._registry import workload


def _rand(xp, shape, dtype):
    import numpy
    rng = numpy.random.default_rng(0)
    host = rng.random(shape, dtype=numpy.float32)
    if numpy.dtype(dtype).kind == "c":
        host = host + 1j * rng.random(shape, dtype=numpy.float32)
    return xp.asarray(host.astype(dtype))


@workload("fft.fft_c64_2^24", kind="device", bytes=lambda n: 2 * 8 * n, params={"n": 2**24})
def fft_c64(xp, n):
    a = _rand(xp, (n,), "complex64")
    return lambda: xp.fft.fft(a)


@workload("fft.rfft2_f32_4096^2", kind="device", bytes=lambda n: 4 * n * n + 8 * n * (n // 2 + 1),
          params={"n": 4096})
def rfft2_f32(xp, n):
    a = _rand(xp, (n, n), "float32")
    return lambda: xp.fft.rfft2(a)


@workload("fft.fft_c128_(4096,4096)_axis0", kind="device", bytes=lambda n: 2 * 16 * n * n,
          params={"n": 4096})
def fft_c128_axis0(xp, n):
    # Strided columns: one plan with istride = n, idist = 1 (CuPy transposes and copies).
    a = _rand(xp, (n, n), "complex128")
    return lambda: xp.fft.fft(a, axis=0)


@workload("fft.fft_c128_(4096,4096)_axis1", kind="device", bytes=lambda n: 2 * 16 * n * n,
          params={"n": 4096})
def fft_c128_axis1(xp, n):
    a = _rand(xp, (n, n), "complex128")
    return lambda: xp.fft.fft(a, axis=1)


@workload("fft.fftn_c64_256^3", kind="device", bytes=lambda n: 2 * 8 * n ** 3,
          params={"n": 256})
def fftn_c64(xp, n):
    a = _rand(xp, (n, n, n), "complex64")
    return lambda: xp.fft.fftn(a)


@workload("overhead.fft_c64_64_cached_plan", kind="overhead", params={"n": 64})
def fft_small(xp, n):
    # Per-call cost of a small transform whose plan is cached: argument handling,
    # the plan look-up, one output allocation and one cuFFT launch.
    a = _rand(xp, (n,), "complex64")
    return lambda: xp.fft.fft(a)
