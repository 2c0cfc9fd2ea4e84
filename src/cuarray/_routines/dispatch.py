"""NumPy calling cuarray: ``ndarray.__array_ufunc__`` (NEP 13) and ``__array_function__`` (NEP 18).

``numpy.sin(a)`` on a cuarray array runs ``cuarray.sin``, ``numpy.linalg.norm(a)``
runs ``cuarray.linalg.norm``: the cuarray callable of the same qualified name.
Where cuarray has none, the methods return NotImplemented and NumPy raises
TypeError; nothing is ever copied to the host implicitly.  Only NumPy calls these
methods, so cuarray's own call paths pay nothing for them; the look-ups are
memoised per NumPy callable.
"""

from __future__ import annotations

import importlib

import numpy

from .._core.ndarray import ndarray

_SCALARS = (bool, int, float, complex, numpy.generic)
# NumPy arrays pass through so that cuarray raises its own TypeError (no implicit copy).
_UFUNC_OPERANDS = (ndarray, numpy.ndarray) + _SCALARS
_FUNCTION_TYPES = (ndarray, numpy.ndarray)
_MISSING = object()
_ufunc_targets: dict = {}
_function_targets: dict = {}


def ufunc_target(np_ufunc):
    """The cuarray callable named like ``np_ufunc``, or None."""
    target = _ufunc_targets.get(np_ufunc, _MISSING)
    if target is _MISSING:
        import cuarray
        target = getattr(cuarray, np_ufunc.__name__, None)
        if not callable(target) or target is np_ufunc:
            target = None
        _ufunc_targets[np_ufunc] = target
    return target


def function_target(func):
    """The cuarray callable at ``func``'s qualified name (numpy.X.f -> cuarray.X.f), or None."""
    target = _function_targets.get(func, _MISSING)
    if target is _MISSING:
        target = _resolve(getattr(func, "__module__", None) or "", func.__name__)
        if target is func or not callable(target):
            target = None           # a NumPy object re-exported by cuarray: calling it recurses
        _function_targets[func] = target
    return target


def _resolve(module: str, name: str):
    head, _, rest = module.partition(".")
    if head != "numpy":
        return None
    path = "cuarray" + ("." + rest if rest else "")
    try:
        mod = importlib.import_module(path)
    except ModuleNotFoundError as exc:
        if exc.name is not None and path.startswith(exc.name):
            return None             # cuarray has no such submodule
        raise
    return getattr(mod, name, None)


def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
    """Run NumPy ufuncs on cuarray arrays with cuarray's ufunc of the same name (NEP 13)."""
    target = ufunc_target(ufunc)
    if target is None:
        return NotImplemented
    operands = inputs
    if method == "at":              # (a, indices, b): the indices may be lists or slices
        operands = inputs[:1] + inputs[2:]
    elif method == "reduceat":      # (a, indices)
        operands = inputs[:1]
    for x in operands + kwargs.get("out", ()):
        if not isinstance(x, _UFUNC_OPERANDS) and x is not None:
            return NotImplemented
    if method != "__call__":
        target = getattr(target, method, None)
        if target is None:
            return NotImplemented
    return target(*inputs, **kwargs)


def __array_function__(self, func, types, args, kwargs):
    """Run NumPy functions on cuarray arrays with cuarray's function of the same name (NEP 18)."""
    for t in types:
        if not issubclass(t, _FUNCTION_TYPES):
            return NotImplemented
    target = function_target(func)
    if target is None:
        return NotImplemented
    return target(*args, **kwargs)


def install() -> None:
    ndarray.__array_ufunc__ = __array_ufunc__
    ndarray.__array_function__ = __array_function__
