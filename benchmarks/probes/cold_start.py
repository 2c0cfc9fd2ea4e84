"""Cold start: the first call of a new ufunc loop in a fresh process, empty vs warm disk cache.

Run on a GPU machine: ``python benchmarks/probes/cold_start.py``.  Each measurement is a
new Python process; "cold" uses an empty kernel cache directory, "warm" reuses it.
"""

import json
import os
import subprocess
import sys
import tempfile

_CODE = r"""
import json, sys, time
lib = sys.argv[1]
t0 = time.perf_counter()
xp = __import__(lib)
t1 = time.perf_counter()
a = xp.arange(1000, dtype=xp.float32) if lib == "cupy" else xp.asarray(
    __import__("numpy").arange(1000, dtype="float32"))
xp.cuda.Device().synchronize() if lib == "cupy" else xp.cuda.Device().synchronize()
t2 = time.perf_counter()
if len(sys.argv) > 2:       # --profile: where does the first call's time go?
    import cProfile, pstats, io
    prof = cProfile.Profile()
    prof.enable()
b = xp.sin(a)
xp.cuda.Device().synchronize()
t3 = time.perf_counter()
if len(sys.argv) > 2:
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumtime").print_stats(18)
    print(out.getvalue(), file=sys.stderr)
c = xp.add(a, 2.5)
xp.cuda.Device().synchronize()
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first array": t2 - t1, "first sin": t3 - t2,
                  "first add (scalar)": t4 - t3}))
"""


def run(lib: str, cache: str, profile: bool = False) -> dict:
    env = dict(os.environ, CUARRAY_CACHE_DIR=cache, CUPY_CACHE_DIR=cache)
    argv = [sys.executable, "-c", _CODE, lib] + (["profile"] if profile else [])
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    if profile:
        print(out.stderr[-4000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    for lib in ("cuarray", "cupy"):
        try:
            with tempfile.TemporaryDirectory() as cache:
                cold, warm = run(lib, cache), run(lib, cache)
                if "--profile" in sys.argv and lib == "cuarray":
                    run(lib, cache, profile=True)
        except subprocess.CalledProcessError as exc:
            print(lib, "failed:", exc.stderr[-500:])
            continue
        for label, r in (("cold", cold), ("warm", warm)):
            print(f"{lib:8s} {label}: " + ", ".join(f"{k} {v * 1e3:.1f} ms" for k, v in r.items()))


if __name__ == "__main__":
    main()
