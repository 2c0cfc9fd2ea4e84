"""``cuarray.lib``: NumPy's ``numpy.lib`` submodules that cuarray provides.

Only ``stride_tricks`` so far; it loads on first use.
"""


def __getattr__(name):
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'cuarray.lib' has no attribute {name!r}")


_SUBMODULES = frozenset({"stride_tricks"})
