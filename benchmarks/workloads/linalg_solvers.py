"""Linear algebra workloads: the decomposition and solver targets of the linear-algebra
issue (H100, ratio against CuPy in one process).

Both libraries read each call's status back (LinAlgError), so every timed call ends
with a synchronisation; CUDA events still time the device work.  Inputs are made
once per library: well-conditioned random matrices (a dominant diagonal for the
solvers, A A^T + n I for cholesky, symmetric for eigh).  FLOP counts are the usual
LAPACK ones (LU 2/3 n^3, triangular solves 2 n^2 per right-hand side, inverse 2 n^3,
Householder QR with Q 8/3 n^3, Cholesky 1/3 n^3); eigh and svd report time only.
"""

from benchmarks._registry import workload


def _host(shape, seed=0):
    import numpy
    return numpy.random.default_rng(seed).standard_normal(shape)


def _regular(xp, n, seed=0):
    import numpy
    return xp.asarray(_host((n, n), seed) + n ** 0.5 * numpy.eye(n))


def _spd(xp, n, seed=0):
    import numpy
    a = _host((n, n), seed)
    return xp.asarray(a @ a.T + n * numpy.eye(n))


def _symmetric(xp, n, seed=0):
    a = _host((n, n), seed)
    return xp.asarray(a + a.T)


@workload("linalg.solve_f64_4096_rhs4096", kind="device",
          flops=lambda n: 2 * n**3 / 3 + 2 * n**3, params={"n": 4096})
def solve_many(xp, n):
    a, b = _regular(xp, n), xp.asarray(_host((n, n), 1))
    return lambda: xp.linalg.solve(a, b)


@workload("linalg.solve_f64_4096_rhs1", kind="device", flops=lambda n: 2 * n**3 / 3 + 2 * n**2,
          params={"n": 4096})
def solve_vector(xp, n):
    a, b = _regular(xp, n), xp.asarray(_host((n,), 1))
    return lambda: xp.linalg.solve(a, b)


@workload("linalg.inv_f64_4096", kind="device", flops=lambda n: 2 * n**3, params={"n": 4096})
def inv(xp, n):
    a = _regular(xp, n)
    return lambda: xp.linalg.inv(a)


@workload("linalg.det_f64_4096", kind="device", flops=lambda n: 2 * n**3 / 3,
          params={"n": 4096})
def det(xp, n):
    a = _regular(xp, n)
    return lambda: xp.linalg.det(a)


@workload("linalg.qr_f64_4096", kind="device", flops=lambda n: 8 * n**3 / 3,
          params={"n": 4096})
def qr(xp, n):
    a = xp.asarray(_host((n, n)))
    return lambda: xp.linalg.qr(a)


@workload("linalg.cholesky_f64_4096", kind="device", flops=lambda n: n**3 / 3,
          params={"n": 4096})
def cholesky(xp, n):
    a = _spd(xp, n)
    return lambda: xp.linalg.cholesky(a)


@workload("linalg.eigh_f64_2048", kind="device", params={"n": 2048})
def eigh(xp, n):
    a = _symmetric(xp, n)
    return lambda: xp.linalg.eigh(a)


@workload("linalg.svd_f64_2048", kind="device", params={"n": 2048})
def svd(xp, n):
    a = xp.asarray(_host((n, n)))
    return lambda: xp.linalg.svd(a)


@workload("linalg.svd_batched_f64_10000x8x8", kind="device", params={"b": 10000, "n": 8},
          quick={"b": 256, "n": 8})
def svd_batched(xp, b, n):
    a = xp.asarray(_host((b, n, n)))
    return lambda: xp.linalg.svd(a)


@workload("linalg.svd_batched_f32_10000x8x8", kind="device", params={"b": 10000, "n": 8},
          quick={"b": 256, "n": 8})
def svd_batched_f32(xp, b, n):
    a = xp.asarray(_host((b, n, n)).astype("float32"))
    return lambda: xp.linalg.svd(a)
