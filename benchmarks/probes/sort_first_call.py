"""First call of sort in a fresh process: empty cache directory vs warm one.

Run on a GPU machine: ``python benchmarks/probes/sort_first_call.py``.  Every measurement
is a new Python process.  "cold" starts from an empty ``CUARRAY_CACHE_DIR`` (and an empty
cuda.compute precompiled-header cache), so the first sort pays cuda.compute's JIT of
CUB's radix sort (and NVRTC for the small-row block sort); "warm" reuses the directory
the cold run filled, so the algorithm is deserialized from disk.  Two first calls are
timed in each process: a 2^20 float32 sort (CUB radix sort through cuda.compute) and a
sort of 1000 values (one thread block, NVRTC), each after the array exists and the
device is synchronised, so that the times are the sorts' own first-call costs.
"""

import json
import os
import subprocess
import sys
import tempfile

_CODE = r"""
import json, sys, time
import numpy
lib = sys.argv[1]
t0 = time.perf_counter()
xp = __import__(lib)
t1 = time.perf_counter()
big = xp.asarray(numpy.random.default_rng(0).random(1 << 20, dtype=numpy.float32))
small = xp.asarray(numpy.random.default_rng(1).random(1000, dtype=numpy.float32))
xp.cuda.Device().synchronize()
t2 = time.perf_counter()
xp.sort(big)
xp.cuda.Device().synchronize()
t3 = time.perf_counter()
xp.sort(small)
xp.cuda.Device().synchronize()
t4 = time.perf_counter()
xp.sort(big)
xp.cuda.Device().synchronize()
t5 = time.perf_counter()
stats = {}
if lib == "cuarray":
    from cuarray._engine import cub
    stats = dict(cub.stats)
print(json.dumps({"import": t1 - t0, "first sort 2^20 f32": t3 - t2,
                  "first sort 1000 f32": t4 - t3, "second sort 2^20 f32": t5 - t4,
                  "cub": stats}))
"""


def run(lib: str, cache: str) -> dict:
    env = dict(os.environ, CUARRAY_CACHE_DIR=cache, CUPY_CACHE_DIR=cache,
               CCCL_PCH_CACHE_DIR=os.path.join(cache, "cccl-pch"))
    out = subprocess.run([sys.executable, "-c", _CODE, lib], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fmt(d: dict) -> str:
    return ", ".join(f"{k} {v * 1e3:.1f} ms" if isinstance(v, float) else f"{k} {v}"
                     for k, v in d.items())


def main():
    for lib in ("cuarray", "cupy"):
        try:
            with tempfile.TemporaryDirectory() as cache:
                cold = run(lib, cache)
                warm = run(lib, cache)
        except subprocess.CalledProcessError as exc:
            print(f"{lib}: failed: {exc.stderr[-800:]}")
            continue
        except FileNotFoundError as exc:
            print(f"{lib}: {exc}")
            continue
        print(f"{lib} cold (empty cache): {_fmt(cold)}")
        print(f"{lib} warm (filled cache): {_fmt(warm)}")


if __name__ == "__main__":
    main()
