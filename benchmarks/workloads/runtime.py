"""Runtime-layer workloads: kernel launch overhead, pool alloc+free, compilation.

These time the runtime of each GPU library (``cupy.cuda`` / ``cuarray.cuda``),
so each setup picks the library's own spelling; NumPy has no column here.
"""

import itertools

import numpy

from benchmarks._registry import workload

_NOOP = r"""
extern "C" __global__ void noop(float* p, int n) { if (n < 0) p[0] = 0.f; }
"""
_unique = itertools.count()


def _runtime(xp):
    name = getattr(xp, "__name__", "")
    if name not in ("cupy", "cuarray"):
        raise NotImplementedError(f"{name} has no GPU runtime")
    return name


def _function(xp, source, name):
    if _runtime(xp) == "cupy":
        return xp.RawKernel(source, name)
    return xp.cuda.compile_with_cache(source).get_function(name)


@workload("runtime.launch_noop", kind="overhead", params={"n": 1})
def launch_noop(xp, n):
    # One pointer and one int argument: the common shape of a small launch.
    f = _function(xp, _NOOP, "noop")
    buf = xp.cuda.alloc(4)
    args = (buf, numpy.int32(n))
    return lambda: f((1,), (32,), args)


@workload("runtime.alloc_free_1KiB", kind="overhead", params={"n": 1024})
def alloc_free(xp, n):
    _runtime(xp)
    alloc = xp.cuda.alloc
    return lambda: alloc(n)          # the pointer dies at once: free back to the pool


@workload("runtime.compile_cold", kind="overhead", params={"n": 1})
def compile_cold(xp, n):
    # A source never seen before: NVRTC to cubin, disk-cache write, module load.
    lib = _runtime(xp)

    def run():
        src = _NOOP + f"// variant {next(_unique)} {id(run)}\n"
        if lib == "cupy":
            xp.RawKernel(src, "noop").compile()
        else:
            xp.cuda.compile_with_cache(src).get_function("noop")
    return run


@workload("runtime.compile_disk_hit", kind="overhead", params={"n": 1})
def compile_disk_hit(xp, n):
    # The same source again with the in-process cache bypassed: the disk-cache path
    # a new process takes (read + checksum + module load).
    lib = _runtime(xp)
    src = _NOOP + "// disk-hit variant\n"
    if lib == "cupy":
        # CuPy memoises loaded modules per source; clearing the memo leaves its disk cache.
        from cupy import _util

        def run_cupy():
            _util.clear_memo()
            xp.RawModule(code=src).get_function("noop")
        run_cupy()
        return run_cupy
    from cuarray.cuda import compiler
    compiler.compile_with_cache(src)

    def run():
        compiler._clear_memory_cache()
        compiler.compile_with_cache(src).get_function("noop")
    return run
