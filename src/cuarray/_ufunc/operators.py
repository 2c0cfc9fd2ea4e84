"""Python operators on ndarray, installed from one table over one shim factory."""

from __future__ import annotations

import numpy

from .._core.ndarray import ndarray

_OPERAND_TYPES = (ndarray, bool, int, float, complex, numpy.generic)

# (dunder stem, ufunc name): installs __x__, __rx__ and __ix__.
BINARY = (
    ("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "divide"),
    ("floordiv", "floor_divide"), ("mod", "remainder"), ("pow", "power"),
    ("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor"),
    ("lshift", "left_shift"), ("rshift", "right_shift"), ("matmul", "matmul"),
)
COMPARISON = (("eq", "equal"), ("ne", "not_equal"), ("lt", "less"), ("le", "less_equal"),
              ("gt", "greater"), ("ge", "greater_equal"))
UNARY = (("neg", "negative"), ("pos", "positive"), ("invert", "invert"), ("abs", "absolute"))


def _binop(uf, reflected=False):
    def op(self, other):
        if not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        return uf(other, self) if reflected else uf(self, other)
    return op


def _inplace(uf):
    # A ufunc may define its own in-place operator semantics (matmul: NumPy's ``a @= b``
    # keeps a's shape and rejects a 1-D ``b``); the others write into ``self``.
    hook = getattr(uf, "_inplace_operator", None)

    def op(self, other):
        if not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        return hook(self, other) if hook is not None else uf(self, other, out=self)
    return op


def _unary(uf):
    def op(self):
        return uf(self)
    return op


def _divmod(reflected=False):
    def op(self, other):
        from . import namespace
        if not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        return namespace.divmod(other, self) if reflected else namespace.divmod(self, other)
    return op


def install(namespace) -> None:
    """Attach every operator whose ufunc ``namespace`` defines (others stay absent)."""
    for stem, name in BINARY:
        uf = getattr(namespace, name, None)
        if uf is None:
            continue
        setattr(ndarray, f"__{stem}__", _binop(uf))
        setattr(ndarray, f"__r{stem}__", _binop(uf, reflected=True))
        setattr(ndarray, f"__i{stem}__", _inplace(uf))
    for stem, name in COMPARISON:
        uf = getattr(namespace, name, None)
        if uf is not None:
            setattr(ndarray, f"__{stem}__", _binop(uf))
    for stem, name in UNARY:
        uf = getattr(namespace, name, None)
        if uf is not None:
            setattr(ndarray, f"__{stem}__", _unary(uf))
    if getattr(namespace, "divmod", None) is not None:
        ndarray.__divmod__ = _divmod()
        ndarray.__rdivmod__ = _divmod(reflected=True)
    ndarray.__hash__ = None     # arrays are mutable and define __eq__: unhashable, as NumPy's
