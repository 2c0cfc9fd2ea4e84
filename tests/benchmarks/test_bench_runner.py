"""The benchmark runner's own tests: CPU only, NumPy plus fake GPU modules."""

import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from benchmarks import _libs, _registry, _report, _timing, run

ROOT = Path(__file__).resolve().parents[2]

SMOKE = {"smoke.copy_f32", "smoke.add_f32", "smoke.sum_f32",
         "overhead.add_1elem", "overhead.sum_1elem"}


def fake_gpu(name, cost_ms=1.0, complete=True, card=b"Fake GPU 9000"):
    """A module with CuPy's runtime names whose events read a fake device clock
    that ``add`` advances by ``cost_ms``; without ``complete`` it lacks ``ones``."""
    clock = {"ms": 0.0}

    class Event:
        def record(self, stream=None):
            self.ms = clock["ms"]

        def synchronize(self):
            pass

    def add(a, b):
        clock["ms"] += cost_ms
        return np.add(a, b)

    stream = types.SimpleNamespace(synchronize=lambda: None)
    runtime = types.SimpleNamespace(getDeviceProperties=lambda dev: {"name": card},
                                    runtimeGetVersion=lambda: 13000,
                                    getDeviceCount=lambda: 1)
    mod = types.ModuleType(name)
    mod.__version__ = "9.9"
    mod.is_available = lambda: True
    mod.cuda = types.SimpleNamespace(Event=Event, get_elapsed_time=lambda a, b: b.ms - a.ms,
                                     get_current_stream=lambda: stream, runtime=runtime,
                                     Device=lambda dev=0: types.SimpleNamespace(id=dev))
    mod.float32 = np.float32
    mod.add = add
    if complete:
        mod.ones = np.ones
    return mod


def quick_run(tmp_path, *args, modules=None):
    argv = ["--filter", r"^smoke\.add_f32$", "--quick", "--out", str(tmp_path), *args]
    return run.main(argv, modules=modules)


# --- registry ----------------------------------------------------------------

def test_discovery_lists_smoke_workloads():
    names = {w.name for w in _registry.discover()}
    assert SMOKE <= names
    kinds = {w.name: w.kind for w in _registry.discover()}
    assert kinds["overhead.add_1elem"] == kinds["overhead.sum_1elem"] == "overhead"
    assert kinds["smoke.copy_f32"] == "device"


def test_list_option(capsys):
    assert run.main(["--list", "--filter", "smoke"]) == 0
    out = capsys.readouterr().out
    assert "smoke.copy_f32" in out and "overhead.add_1elem" not in out


def test_params_quick_and_override():
    w = next(w for w in _registry.discover() if w.name == "smoke.copy_f32")
    assert w.resolve_params() == {"n": 2**28}
    assert w.resolve_params(quick=True) == {"n": _registry.QUICK_MAX}
    assert w.resolve_params(quick=True, overrides={"n": 16, "other": 3}) == {"n": 16}
    assert w.bytes_moved({"n": 16}) == 2 * 4 * 16
    assert _registry._shrink((8192, 3, True)) == (_registry.QUICK_MAX, 3, True)


def test_duplicate_name_rejected():
    @_registry.workload("test.dup_once", params={"n": 1})
    def one(xp, n):
        return lambda: None

    with pytest.raises(ValueError, match="registered twice"):
        @_registry.workload("test.dup_once", params={"n": 1})
        def other(xp, n):
            return lambda: None
    _registry._REGISTRY.pop("test.dup_once")


def test_rotations():
    assert _registry.rotations(4 * 2**30) == 1
    assert _registry.rotations(_registry.L2_BYTES) == 2
    assert _registry.rotations(1) == 64
    assert _registry.rotations(0) == 1


# --- timing helpers -----------------------------------------------------------

def test_summarize_median_and_min():
    t = _timing.summarize([3.0, 1.0, 2.0, 10.0], "ms")
    assert (t.median, t.min, t.n, t.unit) == (2.5, 1.0, 4, "ms")
    with pytest.raises(ValueError):
        _timing.summarize([], "ms")


def test_time_device_rotates_inputs_and_reads_events():
    gpu = fake_gpu("fakegpu", cost_ms=2.0)
    calls = []
    fns = [lambda k=k: (calls.append(k), gpu.add(1, 1)) for k in range(4)]
    t = _timing.time_device(fns, gpu.cuda.Event, gpu.cuda.get_elapsed_time,
                            warmup=3, repeat=6)
    # Warm-up touches every input set once, then repeats continue the cycle.
    assert calls == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]
    assert (t.median, t.min, t.n, t.unit) == (2.0, 2.0, 6, "ms")


def test_time_host_stops_at_budget():
    ticks = iter(range(0, 10_000, 1))          # every clock read is one second later
    t = _timing.time_host([lambda: None], warmup=1, repeat=20, budget_s=5,
                          clock=lambda: next(ticks))
    assert 1 <= t.n < 20 and t.unit == "ms"


def test_time_overhead_counts_calls():
    count = [0]
    syncs = [0]

    def fn():
        count[0] += 1

    t = _timing.time_overhead([fn], calls=50, batches=5, warmup=3,
                              sync=lambda: syncs.__setitem__(0, syncs[0] + 1))
    assert count[0] == 3 + 50 * 5
    assert syncs[0] == 1 + 5 and t.n == 5 and t.unit == "us" and t.min <= t.median


# --- libraries and n/a --------------------------------------------------------

def test_missing_library_is_na(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)     # import raises ImportError
    lib = _libs.load_library("cupy")
    assert not lib.ok and "not importable" in lib.reason


def test_cuarray_without_device_is_na():
    mod = fake_gpu("cuarray")
    mod.is_available = lambda: False
    lib = _libs.load_library("cuarray", mod)
    assert not lib.ok and "is_available" in lib.reason and lib.version == "9.9"


def test_absent_function_is_na(tmp_path, capsys):
    rc = quick_run(tmp_path, "--libs", "cuarray,numpy",
                   modules={"cuarray": fake_gpu("cuarray", complete=False)})
    out = capsys.readouterr().out
    assert rc == 0
    line = next(l for l in out.splitlines() if l.startswith("smoke.add_f32"))
    assert line.split()[2] == "n/a"                      # cuarray column
    assert "AttributeError" in out and "ones" in out


def test_not_implemented_is_na_and_errors_are_reported():
    lib = _libs.load_library("numpy")
    settings = run.Settings(warmup=1, repeat=2)

    def make(exc):
        def setup(xp, n):
            raise exc
        return _registry.Workload("t.x", "t", "device", setup, {"n": 1})

    assert run.measure(make(NotImplementedError("later")), lib, {"n": 1}, settings).status == "n/a"
    cell = run.measure(make(RuntimeError("boom")), lib, {"n": 1}, settings)
    assert cell.status == "error" and "boom" in cell.note


def test_gpu_columns_rates_and_ratio(tmp_path, capsys):
    modules = {"cuarray": fake_gpu("cuarray", cost_ms=2.0),
               "cupy": fake_gpu("cupy", cost_ms=4.0)}
    assert quick_run(tmp_path, modules=modules) == 0
    out = capsys.readouterr().out
    assert "cuarray/CuPy time" in out
    line = next(l for l in out.splitlines() if l.startswith("smoke.add_f32"))
    assert line.split()[2] == "2.000" and line.split()[4] == "4.000"
    assert line.endswith("0.50") and "GB/s" in line
    md = list(tmp_path.glob("*-fake-gpu-9000.md"))
    assert len(md) == 1 and "versions: cuarray 9.9, CuPy 9.9" in md[0].read_text()


def test_machine_info_falls_back_to_device_name():
    mod = fake_gpu("cuarray")
    del mod.cuda.runtime
    mod.cuda.Device = lambda dev=0: types.SimpleNamespace(id=dev, name="NVIDIA H200")
    info = _libs.machine_info([_libs.load_library("cuarray", mod)])
    assert info["card"] == "NVIDIA H200" and info["cuda_runtime"] == "n/a"


# --- output -------------------------------------------------------------------

def test_numpy_only_run_writes_markdown_and_appends(tmp_path, capsys):
    assert quick_run(tmp_path, "--libs", "numpy") == 0
    out = capsys.readouterr().out
    assert "smoke.add_f32" in out and "cuarray/CuPy time" in out
    files = list(tmp_path.glob("*.md"))
    assert len(files) == 1
    text = files[0].read_text()
    assert text.startswith("# Benchmarks on ") and "| smoke.add_f32 | ms | n/a | n/a |" in text
    assert "command: `python -m benchmarks --filter" in text
    assert quick_run(tmp_path, "--libs", "numpy", "--param", "n=16") == 0
    text = files[0].read_text()
    assert text.count("## Run ") == 2 and "params n=16" in text


def test_overhead_row_in_microseconds(tmp_path, capsys):
    argv = ["--filter", "overhead.add", "--libs", "numpy", "--quick", "--no-save",
            "--out", str(tmp_path)]
    assert run.main(argv) == 0
    line = next(l for l in capsys.readouterr().out.splitlines() if l.startswith("overhead."))
    assert "µs/call" in line
    assert not list(tmp_path.iterdir())


def test_bad_arguments(capsys):
    assert run.main(["--filter", "no-such-workload-xyz"]) == 2
    assert run.main(["--filter", "smoke.add", "--param", "nope=1", "--no-save"]) == 2
    with pytest.raises(SystemExit):
        run.main(["--libs", "torch"])


@pytest.mark.parametrize("name, slug", [
    ("NVIDIA H100 80GB HBM3", "nvidia-h100-80gb-hbm3"),
    ("  NVIDIA H200 (MIG 1g.18gb) ", "nvidia-h200-mig-1g-18gb"),
    ("cpu", "cpu"), ("///", "unknown")])
def test_slugify(name, slug):
    assert _libs.slugify(name) == slug


def test_results_path_format(tmp_path):
    import datetime
    p = _report.results_path(tmp_path, "nvidia-h100-80gb-hbm3", datetime.date(2025, 1, 2))
    assert p.name == "2025-01-02-nvidia-h100-80gb-hbm3.md"


def test_script_entry_point_from_elsewhere(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--list"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "smoke.sum_f32" in proc.stdout
