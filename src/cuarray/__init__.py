"""cuarray: NumPy and SciPy for NVIDIA GPUs.

This module only assembles the public namespace by explicit re-export; nothing
is defined here.  Importing it never touches the GPU or the CUDA libraries, so
it works (and is fast) on machines without either.
"""

# --- Package information ---------------------------------------------------
from ._version import __version__ as __version__
from ._config import is_available as is_available
from ._config import show_config as show_config


def __getattr__(name):
    # Subpackages that are heavy or optional load on first use, keeping
    # `import cuarray` cheap (< 0.3 s, no CUDA libraries needed).
    import importlib

    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY_NAMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cuarray' has no attribute {name!r}")


_LAZY_SUBMODULES = frozenset({"cuda", "profiler", "testing"})

# --- Memory management (CuPy's top-level names) --------------------------------------
_LAZY_NAMES = {
    "get_default_memory_pool": "cuda.memory",
    "get_default_pinned_memory_pool": "cuda.pinned_memory",
}
