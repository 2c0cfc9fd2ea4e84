"""Workloads of the rest of the namespace: correlating, polynomials, interpolation, bit
packing, vectorize and window functions.

Bytes count the inputs read once plus the outputs written.  Inputs are random, made once
per library; the arrays are far beyond the 50 MB L2 except where rotated.
"""

from benchmarks._registry import rotations, workload


def _rand(xp, shape, dtype="float32", seed=0):
    import numpy
    host = numpy.random.default_rng(seed).random(shape, dtype=numpy.float64)
    return xp.asarray(host.astype(dtype))


@workload("namespace.convolve_f32_2^22x63", kind="device", bytes=lambda n, m: 4 * (2 * n + m),
          flops=lambda n, m: 2 * n * m, params={"n": 2**22, "m": 63})
def convolve_short(xp, n, m):
    a, v = _rand(xp, (n,)), _rand(xp, (m,), seed=1)
    return lambda: xp.convolve(a, v, "same")


@workload("namespace.correlate_f64_2^20x2^12", kind="device",
          bytes=lambda n, m: 8 * (2 * n + m), flops=lambda n, m: 2 * n * m,
          params={"n": 2**20, "m": 2**12})
def correlate_long(xp, n, m):
    a, v = _rand(xp, (n,), "float64"), _rand(xp, (m,), "float64", seed=1)
    return lambda: xp.correlate(a, v, "valid")


@workload("namespace.convolve_i32_2^20x255", kind="device", bytes=lambda n, m: 4 * (2 * n + m),
          params={"n": 2**20, "m": 255})
def convolve_int(xp, n, m):
    a = (_rand(xp, (n,)) * 100).astype("int32")
    v = (_rand(xp, (m,), seed=1) * 100).astype("int32")
    return lambda: xp.convolve(a, v)


@workload("namespace.cov_f64_(64,2^20)", kind="device", bytes=lambda k, n: 2 * 8 * k * n,
          flops=lambda k, n: 2 * k * k * n, params={"k": 64, "n": 2**20})
def cov(xp, k, n):
    m = _rand(xp, (k, n), "float64")
    return lambda: xp.cov(m)


@workload("namespace.polyval_f32_2^26_deg8", kind="device", bytes=lambda n: 2 * 4 * n,
          params={"n": 2**26})
def polyval(xp, n):
    p = _rand(xp, (9,), "float32", seed=1)
    x = _rand(xp, (n,))
    return lambda: xp.polyval(p, x)


@workload("namespace.interp_f64_2^24_into_2^12", kind="device", bytes=lambda n: 2 * 8 * n,
          params={"n": 2**24, "m": 2**12})
def interp(xp, n, m):
    xs = xp.linspace(0.0, 1.0, m)
    fs = _rand(xp, (m,), "float64", seed=1)
    x = _rand(xp, (n,), "float64")
    return lambda: xp.interp(x, xs, fs)


@workload("namespace.packbits_bool_2^28", kind="device", bytes=lambda n: n + n // 8,
          params={"n": 2**28})
def packbits(xp, n):
    a = _rand(xp, (n,)) > 0.5
    return lambda: xp.packbits(a)


@workload("namespace.unpackbits_u8_2^25", kind="device", bytes=lambda n: 9 * n,
          params={"n": 2**25})
def unpackbits(xp, n):
    a = (_rand(xp, (n,)) * 255).astype("uint8")
    return lambda: xp.unpackbits(a)


@workload("namespace.vectorize_f32_2^26", kind="device", bytes=lambda n: 3 * 4 * n,
          params={"n": 2**26})
def vectorize(xp, n):
    import numpy
    # Operators only: they trace into one kernel here and fuse in CuPy's vectorize.
    f = xp.vectorize(lambda x, y: x * x + y - 1.5 * x, otypes=[numpy.float32])
    a, b = _rand(xp, (n,)), _rand(xp, (n,), seed=1)
    return lambda: f(a, b)


@workload("namespace.hanning_2^16", kind="overhead", params={"n": 2**16})
def hanning(xp, n):
    return lambda: xp.hanning(n)


@workload("namespace.unwrap_f64_2^24", kind="device", bytes=lambda n: 2 * 8 * n,
          params={"n": 2**24})
def unwrap(xp, n):
    p = _rand(xp, (n,), "float64") * 20
    return lambda: xp.unwrap(p)


@workload("namespace.correlate_f32_2^14x2^14", kind="device", bytes=lambda n: 3 * 4 * 2 * n,
          flops=lambda n: 2 * n * n, params={"n": 2**14})
def correlate_square(xp, n):
    k = rotations(3 * 4 * 2 * n)
    sets = [(_rand(xp, (n,), seed=2 * i), _rand(xp, (n,), seed=2 * i + 1)) for i in range(k)]
    return [lambda a=a, v=v: xp.correlate(a, v, "full") for a, v in sets]
