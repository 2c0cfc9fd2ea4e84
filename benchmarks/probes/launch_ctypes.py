"""Host cost of one small launch by path: cuda.bindings' cuLaunchKernel, libcuda's through
ctypes, the engine path (_launch_known), Function.__call__, RawKernel.__call__, CuPy's."""

import ctypes
import time

import numpy

import cuarray as cp
from cuarray.cuda import function as F
from cuarray.cuda._stream import current_stream_ptr

SRC = r'extern "C" __global__ void two_args(float* p, int n) { if (n < 0) p[0] = 0.f; }'


def per_call(fn, n=300):
    for _ in range(200):
        fn()
    cp.cuda.Device().synchronize()
    best = 1e9
    for _ in range(30):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t) / n * 1e6)
        cp.cuda.Device().synchronize()
    return best


def main():
    k = cp.RawKernel(SRC, "two_args")
    buf = cp.empty(1, dtype=cp.float32)
    args = (buf, numpy.int32(1))
    k((1,), (32,), args)
    fn = k.kernel
    layout = fn._layout
    entry = layout.new_buffer()
    layout.packers[tuple(map(type, args))](entry[0], args)
    launch = F._launch_kernel
    h = fn._fn
    s = current_stream_ptr()
    lib = ctypes.CDLL("libcuda.so.1")
    cl = lib.cuLaunchKernel
    cl.argtypes = [ctypes.c_void_p] + [ctypes.c_uint] * 6 + [ctypes.c_uint, ctypes.c_void_p,
                                                             ctypes.c_void_p, ctypes.c_void_p]
    cl.restype = ctypes.c_int
    hi = int(h)
    from cuda.bindings import driver as d
    s_obj = d.CUstream(s)
    rows = {
        "bindings: stream object, extra": lambda: launch(h, 1, 1, 1, 32, 1, 1, 0, s_obj, 0,
                                                         entry[2]),
        "bindings: int stream, kernelParams": lambda: launch(h, 1, 1, 1, 32, 1, 1, 0, s,
                                                             entry[1], 0),
        "bindings: stream object, kernelParams": lambda: launch(h, 1, 1, 1, 32, 1, 1, 0, s_obj,
                                                                entry[1], 0),
        "cuda.bindings cuLaunchKernel (extra)": lambda: launch(h, 1, 1, 1, 32, 1, 1, 0, s, 0,
                                                               entry[2]),
        "ctypes libcuda cuLaunchKernel (extra)": lambda: cl(hi, 1, 1, 1, 32, 1, 1, 0, s, None,
                                                            entry[2]),
        "Function._launch_known": lambda: fn._launch_known(1, 1, 32, 1, args),
        "Function.__call__": lambda: fn((1,), (32,), args),
        "RawKernel.__call__": lambda: k((1,), (32,), args),
        "current_stream_ptr": current_stream_ptr,
        "tuple(map(type, args))": lambda: tuple(map(type, args)),
    }
    for name, f in rows.items():
        print(f"{name:42s} {per_call(f):6.2f} us")
    try:
        import cupy
        ck = cupy.RawKernel(SRC, "two_args")
        cb = cupy.empty(1, dtype=cupy.float32)
        cargs = (cb, numpy.int32(1))
        print(f"{'CuPy RawKernel.__call__':42s} {per_call(lambda: ck((1,), (32,), cargs)):6.2f} us")
    except ImportError:
        pass


if __name__ == "__main__":
    main()
