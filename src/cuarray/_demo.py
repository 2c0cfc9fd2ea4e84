"""The demonstration run by ``python -m cuarray``.

It exercises the runtime layer end to end: NVRTC compilation to a cubin (with
the on-disk cache), the memory pool, host/device copies, a kernel launch on
the current stream and CUDA-event timing, and checks the result against NumPy.
"""

from __future__ import annotations

import time

import numpy as np

_SAXPY = r"""
extern "C" __global__ void saxpy(float a, const float* __restrict__ x,
                                 float* __restrict__ y, long long n)
{
    long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    long long stride = (long long)gridDim.x * blockDim.x;
    for (; i < n; i += stride) y[i] = a * x[i] + y[i];
}
"""


def _no_device() -> int:
    print("cuarray demo: no CUDA device was found, so nothing ran on a GPU.\n"
          "  Check that an NVIDIA GPU and driver are present with `nvidia-smi`, and see what\n"
          "  cuarray finds with `python -c \"import cuarray; cuarray.show_config()\"`.")
    return 1


def main(argv=()) -> int:
    import cuarray
    if not cuarray.is_available():
        return _no_device()
    from cuarray import cuda

    n = 1 << 26 if "--small" not in argv else 1 << 16
    dev = cuda.Device()
    print(f"cuarray {cuarray.__version__} on device {dev.id}: {dev.name} ({dev.arch})")

    t0 = time.perf_counter()
    kernel = cuda.compile_with_cache(_SAXPY).get_function("saxpy")
    print(f"compiled saxpy with NVRTC to a {dev.arch} cubin in {time.perf_counter() - t0:.3f} s "
          "(cached on disk for the next run)")

    rng = np.random.default_rng(0)
    x = rng.standard_normal(n, dtype=np.float32)
    y = rng.standard_normal(n, dtype=np.float32)
    a = np.float32(2.5)
    dx, dy = cuda.alloc(x.nbytes), cuda.alloc(y.nbytes)
    dx.copy_from_host(x.ctypes.data, x.nbytes)
    dy.copy_from_host(y.ctypes.data, y.nbytes)

    block, grid = 256, min((n + 255) // 256, 132 * 32)
    kernel((grid,), (block,), (a, dx, dy, np.int64(n)))          # warm-up
    dy.copy_from_host(y.ctypes.data, y.nbytes)
    reps = 20
    start, stop = cuda.Event(), cuda.Event()
    start.record()
    for _ in range(reps):
        kernel((grid,), (block,), (a, dx, dy, np.int64(n)))
    stop.record()
    gpu_ms = cuda.get_elapsed_time(start, stop) / reps

    expect = y.copy()
    t0 = time.perf_counter()
    for _ in range(reps):
        expect = a * x + expect
    cpu_ms = (time.perf_counter() - t0) * 1e3 / reps

    got = np.empty_like(y)
    dy.copy_to_host(got.ctypes.data, got.nbytes)
    ok = np.allclose(got, expect, rtol=1e-5, atol=1e-4)
    gbps = 3 * x.nbytes / (gpu_ms * 1e-3) / 1e9
    print(f"saxpy y = a*x + y on {n:,} float32, {reps} times:")
    print(f"  GPU  {gpu_ms:8.3f} ms per call ({gbps:,.0f} GB/s)")
    print(f"  NumPy {cpu_ms:7.3f} ms per call  -> {cpu_ms / gpu_ms:,.1f}x faster on the GPU")
    print(f"  result matches NumPy: {ok}")
    return 0 if ok else 2
