"""cuarray.cuda: the CUDA runtime layer, with CuPy's public names (``cupy.cuda.*``).

This package is the only importer of ``cuda.core``, ``cuda.bindings`` and
``nvmath.bindings`` (their APIs move; one facade keeps that cost in one place).
Importing it touches no GPU: the driver loads on the first call that needs it.
"""

# --- Errors -----------------------------------------------------------------------
from ._driver import CUDADriverError as CUDADriverError

# --- Devices ----------------------------------------------------------------------
from ._device import Device as Device

# --- Streams, events, graphs ------------------------------------------------------
from ._stream import ExternalStream as ExternalStream
from ._stream import Stream as Stream
from ._stream import get_current_stream as get_current_stream
from ._event import Event as Event
from ._event import get_elapsed_time as get_elapsed_time
from ._graph import Graph as Graph

# --- Runtime-API style functions (cupy.cuda.runtime) -------------------------------
# [runtime section]
from . import runtime as runtime
from ._device import get_device_id as get_device_id
from .._config import is_available as is_available

# --- Memory -----------------------------------------------------------------------
# [memory section]
from . import memory as memory
from . import pinned_memory as pinned_memory
from .memory import Memory as Memory
from .memory import MemoryPointer as MemoryPointer
from .memory import UnownedMemory as UnownedMemory
from .memory import ManagedMemory as ManagedMemory
from .memory import MemoryPool as MemoryPool
from .memory import MemoryAsyncPool as MemoryAsyncPool
from .memory import OutOfMemoryError as OutOfMemoryError
from .memory import alloc as alloc
from .memory import malloc_managed as malloc_managed
from .memory import malloc_async as malloc_async
from .memory import set_allocator as set_allocator
from .memory import get_allocator as get_allocator
from .memory import using_allocator as using_allocator
from .memory import get_default_memory_pool as get_default_memory_pool
from .pinned_memory import PinnedMemory as PinnedMemory
from .pinned_memory import PinnedMemoryPointer as PinnedMemoryPointer
from .pinned_memory import PinnedMemoryPool as PinnedMemoryPool
from .pinned_memory import alloc_pinned_memory as alloc_pinned_memory
from .pinned_memory import set_pinned_memory_allocator as set_pinned_memory_allocator
from .pinned_memory import get_default_pinned_memory_pool as get_default_pinned_memory_pool

# --- Compiler and kernels ---------------------------------------------------------
# [compiler section]
from . import compiler as compiler
from . import function as function
from .compiler import CompileException as CompileException
from .compiler import compile_with_cache as compile_with_cache
from .function import Function as Function
from .function import Module as Module

# --- Vendor library handles, NVTX -------------------------------------------------
# [libraries section]
from . import device as device
from . import nvtx as nvtx
