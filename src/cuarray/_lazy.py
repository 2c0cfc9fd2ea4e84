"""Load-on-first-use for methods whose implementation lives in a heavy module.

``import cuarray`` must stay cheap (ARCHITECTURE.md), so chapters of NumPy that need
their own kernels load when first used: public names through ``cuarray.__getattr__``
and methods through the stubs installed here, which replace themselves with the real
function on their first call (later calls pay nothing).
"""

from __future__ import annotations

import importlib


def method(cls, attr: str, module: str, name: str | None = None) -> None:
    """Install ``cls.attr`` as a stub for ``module.name`` (``name`` defaults to ``attr``)."""
    name = name or attr

    def stub(self, *args, **kwargs):
        fn = getattr(importlib.import_module(module), name)
        setattr(cls, attr, fn)
        return fn(self, *args, **kwargs)

    stub.__name__ = attr
    stub.__qualname__ = f"{cls.__name__}.{attr}"
    stub.__doc__ = f"See {module}.{name} (loaded on first use)."
    setattr(cls, attr, stub)
