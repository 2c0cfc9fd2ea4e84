"""Test-suite wiring: GPU tests skip with a reason where no CUDA device is usable.

Mark a test (or a module, via ``pytestmark``) with ``@pytest.mark.gpu`` when it
needs a device.  Everything else (dtype rules, shapes, kernel sources compiled
by NVRTC, import without a GPU) runs everywhere, CI included.
"""

import pytest

import cuarray

_NO_GPU_REASON = ("no CUDA device: cuarray.is_available() is False "
                  "(check `nvidia-smi` and `python -c 'import cuarray; cuarray.show_config()'`)")


def pytest_report_header(config):
    if not cuarray.is_available():
        return [f"cuarray {cuarray.__version__}: no CUDA device, GPU tests will be skipped"]
    from cuarray._config import _devices
    return [f"cuarray {cuarray.__version__}: GPU tests run on " + "; ".join(_devices())]


def pytest_collection_modifyitems(config, items):
    if cuarray.is_available():
        return
    skip = pytest.mark.skip(reason=_NO_GPU_REASON)
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def gpu():
    """Skip the requesting test unless a CUDA device is usable."""
    if not cuarray.is_available():
        pytest.skip(_NO_GPU_REASON)
