"""Package-level queries: is a GPU usable, and what is this installation made of.

Nothing here runs at import time.  Both functions import the CUDA bindings
lazily, so `import cuarray` works on machines without a driver or GPU.
"""

from __future__ import annotations

import sys

_available: bool | None = None

# CUDA libraries reported by show_config(), as cuda-pathfinder names them.
_CUDA_LIBRARIES = ("cudart", "nvrtc", "nvJitLink", "cublas", "cublasLt", "cufft",
                   "curand", "cusolver", "cusparse")
_PACKAGES = ("numpy", "cuda-core", "cuda-bindings", "cuda-pathfinder", "nvmath-python",
             "cuda-cccl", "scipy", "dask", "distributed")


def is_available() -> bool:
    """Return True when a CUDA driver and at least one GPU can be used.

    Never raises: a missing driver library, a failed ``cuInit`` or zero devices
    all give False.  The answer is computed once per process.
    """
    global _available
    if _available is None:
        _available = _probe_devices() > 0
    return _available


def _probe_devices() -> int:
    try:
        from cuda.bindings import driver
        (err,) = driver.cuInit(0)
        if err != driver.CUresult.CUDA_SUCCESS:
            return 0
        err, count = driver.cuDeviceGetCount()
        return int(count) if err == driver.CUresult.CUDA_SUCCESS else 0
    except Exception:  # no driver library, no bindings, a broken install: all mean "no GPU"
        return 0


def _package_version(name: str) -> str:
    from importlib import metadata
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _driver_version() -> str:
    try:
        from cuda.bindings import driver
        err, v = driver.cuDriverGetVersion()
        if err != driver.CUresult.CUDA_SUCCESS:
            return f"unavailable ({err.name})"
        return f"{v // 1000}.{v % 1000 // 10}"
    except Exception as exc:
        return f"unavailable ({type(exc).__name__})"


def _nvrtc_version() -> str:
    try:
        from cuda.bindings import nvrtc
        err, major, minor = nvrtc.nvrtcVersion()
        return f"{major}.{minor}" if err == nvrtc.nvrtcResult.NVRTC_SUCCESS else "unavailable"
    except Exception as exc:
        return f"unavailable ({type(exc).__name__})"


def _library_path(libname: str) -> str:
    try:
        from cuda.pathfinder import load_nvidia_dynamic_lib
        return load_nvidia_dynamic_lib(libname).abs_path or "found"
    except Exception:
        return "not found"


def _devices() -> list[str]:
    if not is_available():
        return []
    from cuda.bindings import driver
    out = []
    _, count = driver.cuDeviceGetCount()
    attr = driver.CUdevice_attribute
    for i in range(count):
        _, dev = driver.cuDeviceGet(i)
        _, name = driver.cuDeviceGetName(256, dev)
        _, major = driver.cuDeviceGetAttribute(attr.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev)
        _, minor = driver.cuDeviceGetAttribute(attr.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev)
        _, mem = driver.cuDeviceTotalMem(dev)
        name = name.split(b"\0", 1)[0].decode()
        out.append(f"{i}: {name}, sm_{major}{minor}, {mem / 2**30:.1f} GiB")
    return out


def config_lines() -> list[str]:
    """The lines that show_config() prints."""
    from ._version import __version__
    rows = [("cuarray", __version__), ("Python", sys.version.split()[0])]
    rows += [(name, _package_version(name)) for name in _PACKAGES]
    rows += [("CUDA driver", _driver_version()), ("NVRTC", _nvrtc_version())]
    rows += [(f"lib {name}", _library_path(name)) for name in _CUDA_LIBRARIES]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}} : {v}" for k, v in rows]
    devices = _devices()
    lines.append(f"{'devices':<{width}} : {len(devices) if devices else 'none (no CUDA device found)'}")
    lines += [f"  {d}" for d in devices]
    return lines


def show_config(file=None) -> None:
    """Print versions of cuarray and its CUDA stack, the libraries found and the devices."""
    print("\n".join(config_lines()), file=file or sys.stdout)
