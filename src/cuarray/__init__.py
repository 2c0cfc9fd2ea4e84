"""cuarray: NumPy and SciPy for NVIDIA GPUs.

This module only assembles the public namespace by explicit re-export, grouped
under NumPy's reference headings; nothing is defined here.  Importing it never
touches the GPU or loads the CUDA libraries, so it works (and is fast) on
machines without either.
"""

# --- Package information ---------------------------------------------------
from ._version import __version__ as __version__
from ._config import is_available as is_available
from ._config import show_config as show_config

# --- The N-dimensional array ------------------------------------------------
from ._core.ndarray import ndarray as ndarray

# --- Data types (NumPy's own objects: cuarray.float32 is numpy.float32) --------
from numpy import bool_ as bool_
from numpy import int8 as int8
from numpy import int16 as int16
from numpy import int32 as int32
from numpy import int64 as int64
from numpy import uint8 as uint8
from numpy import uint16 as uint16
from numpy import uint32 as uint32
from numpy import uint64 as uint64
from numpy import float16 as float16
from numpy import float32 as float32
from numpy import float64 as float64
from numpy import complex64 as complex64
from numpy import complex128 as complex128
from numpy import dtype as dtype

# --- Universal functions ---------------------------------------------------------
from ._ufunc.ufunc import ufunc as ufunc
from ._ufunc.namespace import add as add
from ._ufunc.namespace import subtract as subtract
from ._ufunc.namespace import multiply as multiply
from ._ufunc.namespace import divide as divide
from ._ufunc.namespace import true_divide as true_divide
from ._ufunc.namespace import negative as negative
from ._ufunc.namespace import equal as equal
from ._ufunc.namespace import not_equal as not_equal
from ._ufunc.namespace import less as less
from ._ufunc.namespace import less_equal as less_equal
from ._ufunc.namespace import greater as greater
from ._ufunc.namespace import greater_equal as greater_equal
# [ufuncs: math section]
# [ufuncs: arithmetic-integer-logic section]
# [gufuncs section]

# --- Elementwise routines that are not ufuncs, dtype routines -------------------------
# [elementwise routines section]

# --- Interoperability ---------------------------------------------------------------------
# [interop section]

# --- Array creation routines -----------------------------------------------------
from ._routines.creation import array as array
from ._routines.creation import asarray as asarray
from ._routines.creation import asnumpy as asnumpy
from ._routines.creation import empty as empty
from ._routines.creation import full as full
from ._routines.creation import ones as ones
from ._routines.creation import zeros as zeros
# [creation section]

# --- Array manipulation routines -------------------------------------------------
from ._routines.manipulation import broadcast_to as broadcast_to
from ._routines.manipulation import ravel as ravel
from ._routines.manipulation import reshape as reshape
from ._routines.manipulation import squeeze as squeeze
from ._routines.manipulation import swapaxes as swapaxes
from ._routines.manipulation import transpose as transpose


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

# --- Methods and operators that need kernels, attached to ndarray -----------------------
from ._routines import _methods as _methods  # noqa: E402
from ._ufunc import namespace as _namespace  # noqa: E402
from ._ufunc import operators as _operators  # noqa: E402

_methods.install()
_operators.install(_namespace)
del _methods, _namespace, _operators
