"""FFT configuration: the cuFFT plan caches.  See cupy.fft.config.

Each thread has one plan cache per device (:class:`~cuarray.fft._cache.PlanCache`,
least recently used first out); the functions below act on the current thread's
cache of the current device, as CuPy's do.
"""

from __future__ import annotations

from ._cache import PlanCache as PlanCache
from ._cache import get_plan_cache as get_plan_cache

__all__ = ["PlanCache", "get_plan_cache", "get_plan_cache_size", "set_plan_cache_size",
           "get_plan_cache_max_memsize", "set_plan_cache_max_memsize", "clear_plan_cache",
           "show_plan_cache_info"]


def get_plan_cache_size() -> int:
    """The current device's cache size limit (plans; -1: no limit)."""
    return get_plan_cache().get_size()


def set_plan_cache_size(size) -> None:
    """Limit the current device's cache to ``size`` plans (-1: no limit, 0: off)."""
    get_plan_cache().set_size(size)


def get_plan_cache_max_memsize() -> int:
    """The current device's limit on the cached plans' work areas (bytes; -1: none)."""
    return get_plan_cache().get_memsize()


def set_plan_cache_max_memsize(size) -> None:
    """Limit the work areas of the current device's cached plans to ``size`` bytes
    (-1: no limit, 0: cache off)."""
    get_plan_cache().set_memsize(size)


def clear_plan_cache() -> None:
    """Drop every plan of the current device's cache."""
    get_plan_cache().clear()


def show_plan_cache_info() -> None:
    """Print every plan cache of this thread (one per device used so far)."""
    from ._cache import thread_caches
    print("=============== cuFFT plan cache info (all devices) ===============")
    caches = thread_caches()
    if not caches:
        print("(no plan cache on this thread yet)\n")
    for dev in sorted(caches):
        caches[dev].show_info()
