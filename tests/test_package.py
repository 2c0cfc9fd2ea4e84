"""Package-level behaviour that needs no GPU: import cost, version, config report."""

import os
import subprocess
import sys

import pytest

import cuarray


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_version_is_pep440():
    from packaging.version import Version
    assert Version(cuarray.__version__) >= Version("0.1.0.dev0")


def test_import_is_cheap_and_loads_no_cuda():
    # A fresh interpreter: the import must not pull in the CUDA stack (it loads lazily).
    # Best of three, so a busy machine does not fail the budget by itself.  The budget
    # (0.3 s) is for machines without a GPU, like CI; GPU machines may carry slower
    # NumPy installs, so there only cuarray's own share (beyond NumPy's) is checked.
    code = ("import sys, time; t = time.perf_counter(); import numpy; "
            "t1 = time.perf_counter(); import cuarray; t2 = time.perf_counter(); "
            "print(t2 - t, t2 - t1, any(m.startswith('cuda.') for m in sys.modules))")
    total, own = [], []
    for _ in range(3):
        out = _run(code)
        assert out.returncode == 0, out.stderr
        dt, dt_own, loaded_cuda = out.stdout.split()
        assert loaded_cuda == "False"
        total.append(float(dt))
        own.append(float(dt_own))
    if cuarray.is_available():
        assert min(own) < 0.15, own
    else:
        assert min(total) < 0.3, total


def test_is_available_matches_driver_probe():
    assert isinstance(cuarray.is_available(), bool)
    assert cuarray.is_available() == (cuarray._config._probe_devices() > 0)


def test_is_available_without_driver_is_false_and_never_raises():
    # Hide every driver library from the loader: the probe must answer False, not raise.
    code = ("import cuda.pathfinder._dynamic_libs.load_nvidia_dynamic_lib as m\n"
            "import cuarray._config as c\n"
            "def boom(*a, **k): raise OSError('no driver')\n"
            "import cuda.bindings.driver as d\n"
            "d.cuInit = boom\n"
            "print(c.is_available())")
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_show_config_reports_the_stack(capsys):
    cuarray.show_config()
    text = capsys.readouterr().out
    for key in ("cuarray", "numpy", "cuda-core", "cuda-bindings", "CUDA driver", "NVRTC",
                "lib nvrtc", "lib cublas", "devices"):
        assert key in text
    assert cuarray.__version__ in text
    import numpy
    assert numpy.__version__ in text


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        cuarray.no_such_name


@pytest.mark.gpu
def test_show_config_lists_devices(capsys):
    cuarray.show_config()
    text = capsys.readouterr().out
    assert "sm_" in text and "GiB" in text


def test_top_level_memory_pool_names_are_the_runtime_ones():
    from cuarray.cuda import memory, pinned_memory
    assert cuarray.get_default_memory_pool is memory.get_default_memory_pool
    assert cuarray.get_default_pinned_memory_pool is pinned_memory.get_default_pinned_memory_pool
