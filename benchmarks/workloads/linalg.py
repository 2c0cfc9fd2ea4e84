"""Linear algebra workloads: the product targets of the linear-algebra issue (H100, ratio
against CuPy in one process).

FLOPs count 2 per multiply-add of the contraction as written (the 3-operand einsum: of
the cheapest order, which both libraries find with ``optimize=True``).  Inputs are
random values in [0, 1) made once per library; every working set exceeds the 50 MB L2,
so no rotation is needed.  float32 runs without TF32 in both libraries (their default).
"""

from benchmarks._registry import workload


def _rand(xp, shape, dtype="float32", seed=0):
    import numpy
    host = numpy.random.default_rng(seed).random(shape, dtype=numpy.float32)
    return xp.asarray(host.astype(dtype))


@workload("linalg.matmul_f32_8192", kind="device", flops=lambda n: 2 * n**3,
          bytes=lambda n: 3 * 4 * n * n, params={"n": 8192})
def matmul_f32(xp, n):
    a, b = _rand(xp, (n, n), seed=1), _rand(xp, (n, n), seed=2)
    return lambda: a @ b


@workload("linalg.matmul_f64_8192", kind="device", flops=lambda n: 2 * n**3,
          bytes=lambda n: 3 * 8 * n * n, params={"n": 8192})
def matmul_f64(xp, n):
    a, b = _rand(xp, (n, n), "float64", 1), _rand(xp, (n, n), "float64", 2)
    return lambda: a @ b


@workload("linalg.matmul_batched_f32_4096x64x64", kind="device",
          flops=lambda b, n: 2 * b * n**3, bytes=lambda b, n: 3 * 4 * b * n * n,
          params={"b": 4096, "n": 64})
def matmul_batched_f32(xp, b, n):
    x, y = _rand(xp, (b, n, n), seed=1), _rand(xp, (b, n, n), seed=2)
    return lambda: x @ y


@workload("linalg.einsum_bij,bjk->bik_f32_256x512^3", kind="device",
          flops=lambda b, n: 2 * b * n**3, bytes=lambda b, n: 3 * 4 * b * n * n,
          params={"b": 256, "n": 512})
def einsum_bmm_f32(xp, b, n):
    x, y = _rand(xp, (b, n, n), seed=1), _rand(xp, (b, n, n), seed=2)
    return lambda: xp.einsum("bij,bjk->bik", x, y)


@workload("linalg.einsum_bhqd,bhkd,bhkv->bhqv_f32", kind="device",
          flops=lambda b, h, s, d: 2 * 2 * b * h * s * d * d,
          bytes=lambda b, h, s, d: 4 * 4 * b * h * s * d,
          params={"b": 8, "h": 16, "s": 4096, "d": 128})
def einsum_three_operands_f32(xp, b, h, s, d):
    # Linear attention: the cheapest order contracts k first ((k,d),(k,v) -> (d,v)), then
    # q with that; left to right would build the (q, k) matrix, 32x the work.
    q, k, v = (_rand(xp, (b, h, s, d), seed=i) for i in (1, 2, 3))
    return lambda: xp.einsum("bhqd,bhkd,bhkv->bhqv", q, k, v, optimize=True)
