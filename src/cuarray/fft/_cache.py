"""The cuFFT plan cache: least recently used, one per (thread, device).  See
cupy.fft._cache.PlanCache.

A plan is keyed by its whole geometry (cuFFT type, sizes, embeds, strides,
distances, batch); the device is the cache's own.  Plans are not thread-safe (the
bound stream and the work area are plan state), hence one cache per thread, as
CuPy has.  ``size`` caps the number of plans and ``memsize`` the sum of their work
area sizes (-1: no limit; 0 on either disables the cache, and every call makes and
destroys its own plan).

Differences from CuPy: plans hold no work area of their own (each execution takes
one from the memory pool on the current stream), so ``memsize`` bounds the work
area the cached plans ask for when they run, not memory they keep; a plan larger
than ``memsize`` is used without being cached instead of raising RuntimeError.
"""

from __future__ import annotations

import collections
import threading

from ..cuda._device import get_device_id

_tls = threading.local()
DEFAULT_SIZE = 16


def _default_factory(key):
    from ..cuda._cufft import Plan
    return Plan(key)


def _describe(key) -> str:
    from ..cuda._cufft import describe
    try:
        return describe(key)
    except (TypeError, ValueError):     # a key of someone else's plan factory
        return repr(key)


class PlanCache:
    """A per-thread, per-device LRU cache of cuFFT plans.  See cupy.fft._cache.PlanCache.

    ``factory(key)`` makes a plan with ``work_size`` bytes of work area (a cuFFT plan by
    default; tests pass their own).  Iterating yields (key, plan), most recent first.
    """

    def __init__(self, size=DEFAULT_SIZE, memsize=-1, dev=-1, factory=None):
        _validate(size, memsize)
        self._size, self._memsize = int(size), int(memsize)
        if dev == -1:
            dev = get_device_id()
        self.dev = int(dev)
        self._factory = factory or _default_factory
        self._plans: collections.OrderedDict = collections.OrderedDict()   # LRU first
        self._curr_memsize = 0
        self.hits = self.misses = 0

    # -- the hot path ---------------------------------------------------------------------
    def get_plan(self, key):
        """The plan for ``key``, made (and cached if it fits) on a miss."""
        plans = self._plans
        plan = plans.get(key)
        if plan is not None:
            plans.move_to_end(key)
            self.hits += 1
            return plan
        self.misses += 1
        plan = self._factory(key)
        self._add(key, plan)
        return plan

    # -- mapping interface (CuPy's) ----------------------------------------------------------
    def __getitem__(self, key):
        plan = self._plans.get(key)
        if plan is None:
            self.misses += 1
            raise KeyError(f"plan not found for key: {key}")
        self._plans.move_to_end(key)
        self.hits += 1
        return plan

    def __setitem__(self, key, plan):
        self._add(key, plan)

    def __delitem__(self, key):
        plan = self._plans.pop(key)
        self._curr_memsize -= _memsize(plan)

    def __contains__(self, key):
        return key in self._plans

    def __len__(self):
        return len(self._plans)

    def __iter__(self):
        return iter(reversed(list(self._plans.items())))

    def get(self, key, default=None):
        """The cached plan for ``key`` (marked most recently used), else ``default``."""
        try:
            return self[key]
        except KeyError:
            return default

    # -- limits ---------------------------------------------------------------------------
    @property
    def is_enabled(self) -> bool:
        return self._size != 0 and self._memsize != 0

    def get_size(self) -> int:
        return self._size

    def set_size(self, size) -> None:
        _validate(size, self._memsize)
        self._size = int(size)
        self._evict(self._size, self._memsize)

    def get_curr_size(self) -> int:
        return len(self._plans)

    def get_memsize(self) -> int:
        return self._memsize

    def set_memsize(self, memsize) -> None:
        _validate(self._size, memsize)
        self._memsize = int(memsize)
        self._evict(self._size, self._memsize)

    def get_curr_memsize(self) -> int:
        return self._curr_memsize

    def clear(self) -> None:
        """Drop every plan (each is destroyed once nothing else holds it)."""
        self._plans.clear()
        self._curr_memsize = 0
        self.hits = self.misses = 0

    def show_info(self) -> None:
        print(self)

    def __repr__(self):
        lim = "(unlimited)"
        lines = [f"------------------- cuFFT plan cache (device {self.dev}) -------------------",
                 f"cache enabled? {self.is_enabled}",
                 f"current / max size   : {len(self._plans)} / "
                 f"{lim if self._size == -1 else self._size} (counts)",
                 f"current / max memsize: {self._curr_memsize} / "
                 f"{lim if self._memsize == -1 else self._memsize} (bytes)",
                 f"hits / misses: {self.hits} / {self.misses} (counts)",
                 "", "cached plans (most recently used first):"]
        for key, plan in self:
            lines.append(f"key: {_describe(key)}, memory usage: {_memsize(plan)}")
        return "\n".join(lines) + "\n"

    # -- internals ------------------------------------------------------------------------
    def _add(self, key, plan) -> None:
        if not self.is_enabled:
            return
        need = _memsize(plan)
        if self._memsize != -1 and need > self._memsize:
            return                      # used once, never cached
        old = self._plans.pop(key, None)
        if old is not None:
            self._curr_memsize -= _memsize(old)
        self._evict(self._size - 1 if self._size != -1 else -1,
                    self._memsize - need if self._memsize != -1 else -1)
        self._plans[key] = plan
        self._curr_memsize += need

    def _evict(self, size: int, memsize: int) -> None:
        plans = self._plans
        while plans and ((size != -1 and len(plans) > size)
                         or (memsize != -1 and self._curr_memsize > memsize)):
            _, plan = plans.popitem(last=False)
            self._curr_memsize -= _memsize(plan)


def _memsize(plan) -> int:
    return int(getattr(plan, "work_size", 0) or 0)


def _validate(size, memsize) -> None:
    if int(size) < -1 or int(memsize) < -1:
        raise ValueError("invalid input")


# --- the per-thread, per-device caches -----------------------------------------------------
def get_plan_cache() -> PlanCache:
    """The current thread's plan cache of the current device (made on first use)."""
    dev = get_device_id()
    try:
        return _tls.caches[dev]
    except AttributeError:
        _tls.caches = {}
    except KeyError:
        pass
    cache = _tls.caches[dev] = PlanCache(dev=dev)
    return cache


def thread_caches() -> dict:
    """device id -> this thread's cache, for the caches made so far."""
    return dict(getattr(_tls, "caches", {}))
