"""The three libraries compared, and the machine they run on.

Each library becomes a :class:`Library`: the module passed to workloads as
``xp``, how to time it, and, when it cannot run here, the reason its column
reads "n/a".  Loading never raises: a missing GPU library must not stop the
NumPy column (and the runner's own tests run on machines without a GPU).

cuarray exposes CuPy's runtime names (``cuda.Event``, ``cuda.get_elapsed_time``,
``cuda.get_current_stream``), so both GPU libraries go through one code path.
"""

from __future__ import annotations

import dataclasses
import gc
import importlib
import re
import subprocess
from types import ModuleType
from typing import Any, Callable

LABELS = {"cuarray": "cuarray", "cupy": "CuPy", "numpy": "NumPy"}
ORDER = ("cuarray", "cupy", "numpy")
_UNSET = object()


def _noop():
    return None


@dataclasses.dataclass
class Library:
    name: str
    xp: ModuleType | None = None
    version: str | None = None
    device: bool = False
    reason: str = ""                     # why the column is n/a; "" when usable
    event: Callable | None = None
    elapsed: Callable | None = None
    sync: Callable[[], Any] = _noop
    release: Callable[[], Any] = _noop   # frees pooled memory between workloads

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)

    @property
    def ok(self) -> bool:
        return self.xp is not None and not self.reason


def unavailable(name: str, reason: str, version: str | None = None) -> Library:
    return Library(name=name, version=version, reason=reason)


def load_library(name: str, module: Any = _UNSET) -> Library:
    """Import ``name`` (or use ``module``, for tests) and describe how to time it."""
    if module is _UNSET:
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # ImportError, or a broken install raising anything
            return unavailable(name, f"not importable ({type(exc).__name__}: {exc})")
    if module is None:
        return unavailable(name, "not importable")
    version = str(getattr(module, "__version__", "?"))
    if name == "numpy":
        return Library(name=name, xp=module, version=version)
    if name == "cuarray":
        try:
            available = module.is_available()
        except Exception as exc:
            return unavailable(name, f"is_available() failed ({exc})", version)
        if not available:
            return unavailable(name, "no CUDA device (cuarray.is_available() is False)", version)
    return _gpu_library(name, module, version)


def _gpu_library(name: str, module, version: str) -> Library:
    try:
        cuda = module.cuda                     # lazy subpackage: may import CUDA
        event, elapsed = cuda.Event, cuda.get_elapsed_time
        if hasattr(cuda, "get_current_stream"):
            def sync():
                cuda.get_current_stream().synchronize()
        else:
            sync = cuda.Device().synchronize
        if name == "cupy":
            cuda.runtime.getDeviceCount()      # raises without a driver or device
    except Exception as exc:
        return unavailable(name, f"no device timing ({type(exc).__name__}: {exc})", version)
    return Library(name=name, xp=module, version=version, device=True, event=event,
                   elapsed=elapsed, sync=sync, release=_releaser(module, sync))


def _releaser(module, sync):
    def release():
        # Workloads hold gigabytes; give them back before the next one so the
        # other library's allocations do not fail or trigger pool trimming.
        try:
            sync()
        except Exception:
            pass
        gc.collect()
        pool = getattr(module, "get_default_memory_pool", None)
        if pool is not None:
            try:
                pool().free_all_blocks()
            except Exception:
                pass
    return release


# --- machine description -----------------------------------------------------

def slugify(text: str) -> str:
    """``"NVIDIA H100 80GB HBM3"`` -> ``"nvidia-h100-80gb-hbm3"``."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "unknown"


def _nvidia_smi(field: str) -> str | None:
    try:
        out = subprocess.run(["nvidia-smi", f"--query-gpu={field}", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=15, check=True).stdout
    except Exception:
        return None
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    return lines[0] if lines else None


def _cuda_version(number: int) -> str:
    return f"{number // 1000}.{number % 1000 // 10}"


def machine_info(libs: list[Library]) -> dict:
    """Card name, driver and CUDA runtime, asked of the first GPU library that
    can answer, then of ``nvidia-smi``; ``card`` is "cpu" without a GPU."""
    info = {"card": None, "driver": None, "cuda_runtime": None}
    for lib in sorted((l for l in libs if l.ok and l.device),
                      key=lambda l: l.name != "cupy"):   # CuPy's answers are known good
        runtime = getattr(lib.xp.cuda, "runtime", None)
        try:
            dev = lib.xp.cuda.Device().id
        except Exception:
            dev = 0
        if info["card"] is None:
            for ask in (lambda: runtime.getDeviceProperties(dev)["name"],
                        lambda: lib.xp.cuda.Device(dev).name):
                try:
                    name = ask()
                except Exception:
                    continue
                name = name() if callable(name) else name
                info["card"] = name.decode() if isinstance(name, bytes) else str(name)
                break
        if info["cuda_runtime"] is None:
            try:
                info["cuda_runtime"] = _cuda_version(int(runtime.runtimeGetVersion()))
            except Exception:
                pass
    info["card"] = info["card"] or _nvidia_smi("name") or "cpu"
    info["driver"] = _nvidia_smi("driver_version") or "n/a"
    info["cuda_runtime"] = info["cuda_runtime"] or "n/a"
    return info
