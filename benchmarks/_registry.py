"""Workload registry: what to time, at which size, and how many bytes/flops it moves.

A workload is a setup function registered with :func:`workload`::

    @workload("elementwise.add_f32_2^26", kind="device",
              bytes=lambda n: 3 * 4 * n, params={"n": 2**26})
    def add_f32(xp, n):
        a = xp.ones(n, dtype=xp.float32)
        b = xp.ones(n, dtype=xp.float32)
        return lambda: xp.add(a, b)

``setup(xp, **params)`` runs once per library (``xp`` is ``cuarray``, ``cupy``
or ``numpy``) and returns the callable that is timed, or a list of callables.
Allocation and data preparation belong in setup, never in the callable.

Rotating inputs where caches would flatter
------------------------------------------
Every timed repeat runs right after the previous one, so inputs that fit in
the GPU's L2 cache (50 MB on an H100) are still resident and the kernel looks
faster than it will in a program.  Such workloads return a *list* of K
callables, each over its own input set; the runner calls them in turn (repeat
i runs callable i % K; warm-up touches every set once).  :func:`rotations`
picks K so that one cycle overflows L2 twice::

    k = rotations(3 * 4 * n)                      # bytes one call touches
    sets = [(xp.ones(n), xp.ones(n)) for _ in range(k)]
    return [lambda a=a, b=b: xp.add(a, b) for a, b in sets]

(bind loop variables as defaults: a plain closure would see only the last set.)
Inputs larger than L2 need no rotation; K = 1 is the default.

``kind="device"`` is timed with CUDA events around each call (NumPy: wall
clock); ``kind="overhead"`` is host wall time per call over a long loop, for
tiny inputs where launch and dispatch cost is what matters.

``bytes`` and ``flops`` are numbers or functions of the params (each receives
only the params it names); they turn times into GB/s or TFLOP/s.  ``quick``
gives the params for ``--quick`` runs; without it every integer param is
clamped to :data:`QUICK_MAX`.

Workload modules must not import a GPU library themselves: they get ``xp``.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import re
from typing import Any, Callable

#: H100 L2 cache size; rotation targets twice this so nothing survives a cycle.
L2_BYTES = 50 * 2**20
#: Largest integer param (or shape entry) that ``--quick`` keeps.
QUICK_MAX = 256
KINDS = ("device", "overhead")


@dataclasses.dataclass(frozen=True)
class Workload:
    name: str
    area: str
    kind: str
    setup: Callable[..., Any]
    params: dict
    bytes: Any = None
    flops: Any = None
    quick: dict | None = None

    def resolve_params(self, quick: bool = False, overrides: dict | None = None) -> dict:
        """Params for one run: defaults, shrunk by ``quick``, then ``overrides``
        for the keys this workload has (others are not ours to take)."""
        params = dict(self.params)
        if quick:
            params = ({**params, **self.quick} if self.quick is not None
                      else {k: _shrink(v) for k, v in params.items()})
        for key, value in (overrides or {}).items():
            if key in params:
                params[key] = value
        return params

    def make(self, xp, params: dict) -> list[Callable[[], Any]]:
        """Run setup and return the list of callables to cycle through."""
        out = self.setup(xp, **params)
        fns = list(out) if isinstance(out, (list, tuple)) else [out]
        if not fns or not all(callable(f) for f in fns):
            raise TypeError(f"setup of {self.name} must return a callable "
                            "or a non-empty list of callables")
        return fns

    def bytes_moved(self, params: dict) -> float | None:
        return _evaluate(self.bytes, params)

    def flop_count(self, params: dict) -> float | None:
        return _evaluate(self.flops, params)


_REGISTRY: dict[str, Workload] = {}


def workload(name: str, *, area: str | None = None, kind: str = "device",
             bytes=None, flops=None, params: dict | None = None,
             quick: dict | None = None):
    """Register the decorated setup function as workload ``name``.

    ``area`` defaults to the part of ``name`` before the first dot.
    """
    if kind not in KINDS:
        raise ValueError(f"workload {name!r}: kind must be one of {KINDS}, not {kind!r}")

    def decorate(setup):
        w = Workload(name=name, area=area or name.split(".", 1)[0], kind=kind,
                     setup=setup, params=dict(params or {}), bytes=bytes,
                     flops=flops, quick=None if quick is None else dict(quick))
        old = _REGISTRY.get(name)
        # Re-importing the same module (reload, tests) may re-register; two
        # different functions under one name would silently hide one of them.
        if old is not None and _origin(old.setup) != _origin(setup):
            raise ValueError(f"workload {name!r} registered twice "
                             f"({_origin(old.setup)} and {_origin(setup)})")
        _REGISTRY[name] = w
        return setup

    return decorate


def rotations(set_bytes: float, l2_bytes: int = L2_BYTES, max_sets: int = 64) -> int:
    """Number of input sets K whose cycle overflows L2 twice (1 if one set does)."""
    if set_bytes <= 0:
        return 1
    return max(1, min(max_sets, math.ceil(2 * l2_bytes / set_bytes)))


def discover() -> list[Workload]:
    """Import every module of ``benchmarks.workloads`` and return all workloads."""
    importlib.import_module("benchmarks.workloads")
    return list(_REGISTRY.values())


def select(pattern: str | None = None) -> list[Workload]:
    """Registered workloads whose name matches ``pattern`` (``re.search``)."""
    workloads = discover()
    if not pattern:
        return workloads
    rx = re.compile(pattern)
    return [w for w in workloads if rx.search(w.name)]


def _origin(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def _shrink(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return min(value, QUICK_MAX)
    if isinstance(value, tuple):
        return tuple(_shrink(v) for v in value)
    return value


def _evaluate(spec, params: dict) -> float | None:
    if spec is None:
        return None
    if not callable(spec):
        return float(spec)
    sig = inspect.signature(spec)
    if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
        return float(spec(**params))
    return float(spec(**{k: v for k, v in params.items() if k in sig.parameters}))
