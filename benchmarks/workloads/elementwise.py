"""Elementwise workloads: the targets of the ufunc issue (bandwidth-bound kernels).

Every array here is 256 MiB or more, far beyond the 50 MB L2, so no input
rotation is needed.  Inputs are random (never zeros), made once per library.
"""

from benchmarks._registry import workload


def _rand(xp, shape, dtype):
    # The same generator for every library: uniform floats, cast to the dtype asked.
    import numpy
    host = numpy.random.default_rng(0).random(shape, dtype=numpy.float32)
    a = xp.asarray(host)
    if numpy.dtype(dtype).kind == "c":
        a = a + 1j * a
    return a.astype(dtype)


@workload("elementwise.add_f32_2^28", kind="device", bytes=lambda n: 3 * 4 * n,
          params={"n": 2**28})
def add_f32(xp, n):
    a, b = _rand(xp, (n,), "float32"), _rand(xp, (n,), "float32")
    return lambda: xp.add(a, b)


@workload("elementwise.sin_f32_2^28", kind="device", bytes=lambda n: 2 * 4 * n,
          params={"n": 2**28})
def sin_f32(xp, n):
    a = _rand(xp, (n,), "float32")
    return lambda: xp.sin(a)


@workload("elementwise.add_transposed_f32_16384^2", kind="device",
          bytes=lambda n: 3 * 4 * n * n, params={"n": 16384})
def add_transposed(xp, n):
    a, b = _rand(xp, (n, n), "float32"), _rand(xp, (n, n), "float32")
    return lambda: xp.add(a.T, b)


@workload("elementwise.add_broadcast_f32_(N,1)+(1,M)", kind="device",
          bytes=lambda n: 4 * n * n + 2 * 4 * n, params={"n": 16384})
def add_broadcast(xp, n):
    a, b = _rand(xp, (n, 1), "float32"), _rand(xp, (1, n), "float32")
    return lambda: xp.add(a, b)


@workload("elementwise.add_f64_2^27", kind="device", bytes=lambda n: 3 * 8 * n,
          params={"n": 2**27})
def add_f64(xp, n):
    a, b = _rand(xp, (n,), "float64"), _rand(xp, (n,), "float64")
    return lambda: xp.add(a, b)


@workload("elementwise.mul_c64_2^27", kind="device", bytes=lambda n: 3 * 8 * n,
          params={"n": 2**27})
def mul_c64(xp, n):
    a, b = _rand(xp, (n,), "complex64"), _rand(xp, (n,), "complex64")
    return lambda: xp.multiply(a, b)


@workload("elementwise.exp_f64_2^27", kind="device", bytes=lambda n: 2 * 8 * n,
          params={"n": 2**27})
def exp_f64(xp, n):
    a = _rand(xp, (n,), "float64")
    return lambda: xp.exp(a)


@workload("elementwise.astype_f32_to_f16_2^28", kind="device", bytes=lambda n: 6 * n,
          params={"n": 2**28})
def astype_f16(xp, n):
    a = _rand(xp, (n,), "float32")
    return lambda: a.astype("float16")
