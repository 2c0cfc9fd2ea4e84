"""Random-number workloads: the targets of the random issue (ratios against CuPy).

Each call allocates and fills a new array, as a user's call does; bytes count the output
written once (a generator reads nothing).  Generators are made once per library in setup;
the timed calls advance them.  NumPy's legacy ``standard_normal`` has no ``dtype=`` (CuPy's
and cuarray's extension), so that cell is n/a for NumPy.
"""

from benchmarks._registry import workload


def _rng(xp):
    return xp.random.default_rng(0)


@workload("random.generator_standard_normal_f32_2^28", kind="device", bytes=lambda n: 4 * n,
          params={"n": 2**28})
def generator_standard_normal_f32(xp, n):
    rng = _rng(xp)
    return lambda: rng.standard_normal(n, dtype=xp.float32)


@workload("random.legacy_standard_normal_f32_2^28", kind="device", bytes=lambda n: 4 * n,
          params={"n": 2**28})
def legacy_standard_normal_f32(xp, n):
    if xp.__name__ == "numpy":
        raise NotImplementedError("numpy.random.standard_normal has no dtype=")
    xp.random.seed(0)
    return lambda: xp.random.standard_normal(n, dtype=xp.float32)


@workload("random.generator_standard_normal_f64_2^27", kind="device", bytes=lambda n: 8 * n,
          params={"n": 2**27})
def generator_standard_normal_f64(xp, n):
    rng = _rng(xp)
    return lambda: rng.standard_normal(n)


@workload("random.generator_random_f32_2^28", kind="device", bytes=lambda n: 4 * n,
          params={"n": 2**28})
def generator_random_f32(xp, n):
    rng = _rng(xp)
    return lambda: rng.random(n, dtype=xp.float32)


@workload("random.integers_i64_2^26", kind="device", bytes=lambda n: 8 * n,
          params={"n": 2**26})
def integers_i64(xp, n):
    rng = _rng(xp)
    return lambda: rng.integers(0, 1000, size=n)


@workload("random.uniform_f64_2^26", kind="device", bytes=lambda n: 8 * n,
          params={"n": 2**26})
def uniform_f64(xp, n):
    rng = _rng(xp)
    return lambda: rng.uniform(-1.0, 1.0, size=n)


@workload("random.poisson_lam5_2^26", kind="device", bytes=lambda n: 8 * n,
          params={"n": 2**26})
def poisson_small(xp, n):
    rng = _rng(xp)
    return lambda: rng.poisson(5.0, size=n)


@workload("random.poisson_lam100_2^26", kind="device", bytes=lambda n: 8 * n,
          params={"n": 2**26})
def poisson_large(xp, n):
    rng = _rng(xp)
    return lambda: rng.poisson(100.0, size=n)


@workload("random.gamma_shape2_2^26", kind="device", bytes=lambda n: 8 * n,
          params={"n": 2**26})
def gamma_shape2(xp, n):
    rng = _rng(xp)
    return lambda: rng.gamma(2.0, 1.0, size=n)


@workload("random.gamma_shape0.5_2^26", kind="device", bytes=lambda n: 8 * n,
          params={"n": 2**26})
def gamma_shape_half(xp, n):
    rng = _rng(xp)
    return lambda: rng.gamma(0.5, 1.0, size=n)


@workload("random.permutation_2^24", kind="device", bytes=lambda n: 8 * n,
          params={"n": 2**24})
def permutation(xp, n):
    rng = _rng(xp)
    return lambda: rng.permutation(n)


@workload("random.choice_2^12_of_2^26_noreplace", kind="device", bytes=lambda k: 8 * k,
          params={"k": 2**12})
def choice_few_of_many(xp, k):
    rng = _rng(xp)
    return lambda: rng.choice(2**26, size=k, replace=False)


@workload("overhead.random_normal_small", kind="overhead", params={"n": 16})
def normal_small(xp, n):
    rng = _rng(xp)
    return lambda: rng.normal(0.0, 1.0, size=n)
