"""Custom-kernel workloads: RawKernel call overhead, fuse, ElementwiseKernel/ReductionKernel.

The user-kernel versions of add and sum sit beside the built-in ones (``builtin_*``) so
that their ratio within one library reads off the table.  Bytes: what the kernel must
move (each input once, the output once).
"""

import numpy

from benchmarks._registry import workload

_TWO_ARGS = r"""
extern "C" __global__ void two_args(float* p, int n) { if (n < 0) p[0] = 0.f; }
"""
N = 2**28


def _rand(xp, n, seed=0):
    host = numpy.random.default_rng(seed).random(n, dtype=numpy.float32)
    return xp.asarray(host)


@workload("kernels.rawkernel_call_2args", kind="overhead", params={"n": 1})
def rawkernel_call(xp, n):
    k = xp.RawKernel(_TWO_ARGS, "two_args")
    buf = xp.empty(1, dtype=xp.float32)
    args = (buf, numpy.int32(n))
    k((1,), (32,), args)
    return lambda: k((1,), (32,), args)


@workload("kernels.fuse_axpby_f32_2^28", kind="device", bytes=lambda n: 12 * n,
          params={"n": N})
def fuse_axpby(xp, n):
    x, y = _rand(xp, n, 1), _rand(xp, n, 2)

    def axpby(x, y):          # a named function: CuPy's fuse cannot compile a lambda
        return x * 2 + y * 3 - 1
    f = xp.fuse(axpby)
    return lambda: f(x, y)


@workload("kernels.fuse_mul_sum_f32_2^28", kind="device", bytes=lambda n: 8 * n,
          params={"n": N})
def fuse_mul_sum(xp, n):
    x, y = _rand(xp, n, 3), _rand(xp, n, 4)

    def f(x, y):
        return xp.sum(x * y + 1)
    f = xp.fuse(f)
    return lambda: f(x, y)


@workload("kernels.elementwise_kernel_add_f32_2^28", kind="device", bytes=lambda n: 12 * n,
          params={"n": N})
def ew_add(xp, n):
    x, y = _rand(xp, n, 5), _rand(xp, n, 6)
    k = xp.ElementwiseKernel("T x, T y", "T z", "z = x + y", "user_add")
    return lambda: k(x, y)


@workload("kernels.builtin_add_f32_2^28", kind="device", bytes=lambda n: 12 * n,
          params={"n": N})
def builtin_add(xp, n):
    x, y = _rand(xp, n, 5), _rand(xp, n, 6)
    return lambda: xp.add(x, y)


@workload("kernels.reduction_kernel_sum_f32_2^28", kind="device", bytes=lambda n: 4 * n,
          params={"n": N})
def rk_sum(xp, n):
    x = _rand(xp, n, 7)
    k = xp.ReductionKernel("T x", "T y", "x", "a + b", "y = a", "0", "user_sum")
    return lambda: k(x)


@workload("kernels.builtin_sum_f32_2^28", kind="device", bytes=lambda n: 4 * n,
          params={"n": N})
def builtin_sum(xp, n):
    x = _rand(xp, n, 7)
    return lambda: x.sum()
