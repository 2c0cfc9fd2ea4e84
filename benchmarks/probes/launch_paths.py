"""Where does the time of one small kernel launch go?  Host µs per call for each step.

Run on a GPU machine: ``python benchmarks/probes/launch_paths.py``.  Each line times
one way of launching the same no-op kernel (one pointer, one int), best of 5 loops.
"""

import ctypes
import time

import numpy

import cuarray.cuda as cuda
from cuarray.cuda import function as F
from cuarray.cuda._driver import driver

SRC = r'extern "C" __global__ void noop(float* p, int n) { if (n < 0) p[0] = 0.f; }'
N = 50_000


def best(fn, n=N):
    out = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        cuda.Stream.null.synchronize()
        out.append((time.perf_counter() - t) / n * 1e6)
    return min(out)


def main():
    d = driver()
    f = cuda.compile_with_cache(SRC).get_function("noop")
    buf = cuda.alloc(4)
    args = (buf, numpy.int32(1))
    f((1,), (32,), args)
    layout = f._layout
    b, addr, _ = layout.new_buffer()
    layout.pack_into(b, layout.data_offset, *F._pack_args(args, layout.sizes))
    fn, launch = f._fn, d.cuLaunchKernel
    s0 = d.CUstream(0)
    rows = [
        ("Function.__call__ (full path)", lambda: f((1,), (32,), args)),
        ("pack only (_pack_args + pack_into)",
         lambda: layout.pack_into(b, layout.data_offset, *F._pack_args(args, layout.sizes))),
        ("cuLaunchKernel, int stream", lambda: launch(fn, 1, 1, 1, 32, 1, 1, 0, 0, addr, 0)),
        ("cuLaunchKernel, CUstream object", lambda: launch(fn, 1, 1, 1, 32, 1, 1, 0, s0, addr, 0)),
    ]
    kfn = d.cuKernelGetFunction(f._kernel)[1]
    rows.append(("cuLaunchKernel, cuKernelGetFunction fn",
                 lambda: launch(kfn, 1, 1, 1, 32, 1, 1, 0, 0, addr, 0)))
    # The 'extra' form: one block of packed values at the kernel's offsets.
    _, _, eaddr = layout.new_buffer() if layout.use_extra else (None, None, 0)
    if eaddr:
        assert launch(fn, 1, 1, 1, 32, 1, 1, 0, 0, 0, eaddr)[0] == d.CUresult.CUDA_SUCCESS
        rows.append(("cuLaunchKernel, extra buffer",
                     lambda: launch(fn, 1, 1, 1, 32, 1, 1, 0, 0, 0, eaddr)))
    rows.append(("binding baseline: cuCtxGetCurrent", d.cuCtxGetCurrent))
    lib = ctypes.CDLL("libcuda.so.1")
    cl = lib.cuLaunchKernel
    cl.restype = ctypes.c_int
    cl.argtypes = [ctypes.c_void_p] + [ctypes.c_uint] * 7 + [ctypes.c_void_p] * 3
    fptr = int(fn)
    rows.append(("ctypes libcuda.cuLaunchKernel", lambda: cl(fptr, 1, 1, 1, 32, 1, 1, 0, 0, addr, 0)))
    rows.append(("current_stream_ptr()", F.current_stream_ptr))
    rows.append(("_dim3((1,)) x2", lambda: (F._dim3((1,)), F._dim3((32,)))))
    try:
        import cupy
        k = cupy.RawKernel(SRC, "noop")
        a = cupy.empty(1, cupy.float32)
        k((1,), (32,), (a, numpy.int32(1)))
        rows.append(("CuPy RawKernel call", lambda: k((1,), (32,), (a, numpy.int32(1)))))
    except Exception as exc:  # noqa: BLE001
        print("CuPy unavailable:", exc)
    for name, fn_ in rows:
        print(f"{name:40s} {best(fn_):7.3f} us")


if __name__ == "__main__":
    main()
