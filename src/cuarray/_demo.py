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
    dx, dy = cuarray.asarray(x), cuarray.asarray(y)

    block, grid = 256, (n + 255) // 256
    kernel((grid,), (block,), (a, dx, dy, np.int64(n)))          # warm-up
    dy = cuarray.asarray(y)
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
    ok = np.allclose(dy.get(), expect, rtol=1e-5, atol=1e-4)
    gbps = 3 * x.nbytes / (gpu_ms * 1e-3) / 1e9
    print(f"raw kernel saxpy y = a*x + y on {n:,} float32, {reps} times:")
    print(f"  GPU  {gpu_ms:8.3f} ms per call ({gbps:,.0f} GB/s)")
    print(f"  NumPy {cpu_ms:7.3f} ms per call  -> {cpu_ms / gpu_ms:,.1f}x faster on the GPU")
    print(f"  result matches NumPy: {ok}")

    # The same program written against the NumPy API: sin, multiply, add, a transpose.
    m = int(np.sqrt(n))
    hx = x[:m * m].reshape(m, m)
    gx = cuarray.asarray(hx)
    (cuarray.sin(gx) * a + gx.T)                                   # warm-up (compiles)
    start.record()
    gz = cuarray.sin(gx) * a + gx.T
    stop.record()
    gpu2 = cuda.get_elapsed_time(start, stop)
    t0 = time.perf_counter()
    hz = np.sin(hx) * a + hx.T
    cpu2 = (time.perf_counter() - t0) * 1e3
    ok2 = np.allclose(gz.get(), hz, rtol=1e-5, atol=1e-5)
    print(f"cuarray.sin(x) * a + x.T on a {m}x{m} float32 array:")
    print(f"  GPU  {gpu2:8.3f} ms, NumPy {cpu2:8.3f} ms -> {cpu2 / gpu2:,.1f}x; "
          f"matches NumPy: {ok2}")
    ok = ok and ok2
    return 0 if ok else 2
