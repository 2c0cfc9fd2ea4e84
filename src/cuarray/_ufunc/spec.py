"""Ufuncs as data: the spec each NumPy ufunc is declared with, and its validation.

A spec names the ufunc, its arity and its C++ body per family of loop dtypes.
Which loops exist and what they return is NumPy's decision: cuarray resolves
types with the NumPy ufunc of the same name, then picks the body by the first
input's loop dtype.  Body keys, most specific first: a dtype name
("float16"), then a string of dtype kinds ("b" bool, "i" signed, "u" unsigned,
"f" float, "c" complex; e.g. "iu"), then "*".

A spec also declares, keyed the same way, how the ufunc combines and updates in
place: ``reduce`` (a :class:`Reduction`: the combiner of two partial results and
NumPy's identity, for the reduction engine) and ``atomic`` (the native atomic
operation that computes ``body`` exactly, for ``ufunc.at``).
"""

from __future__ import annotations

import dataclasses
from typing import Mapping

import numpy

from .._core.dtypes import SUPPORTED

KINDS = "biufc"
#: The native atomic operations ``atomic`` may name (see ``cuarray._engine.scatter.NATIVE``).
ATOMICS = ("add", "sub", "max", "min", "and", "or", "xor")


def lookup(table, dt: numpy.dtype):
    """The entry of ``table`` (a str, or a dict keyed as ``UfuncSpec.body``) for dtype ``dt``."""
    if table is None or isinstance(table, str):
        return table
    if dt.name in table:
        return table[dt.name]
    for key, text in table.items():
        if key != "*" and key not in _DTYPE_NAMES and dt.kind in key:
            return text
    return table.get("*")


@dataclasses.dataclass(frozen=True)
class Reduction:
    """How a binary ufunc reduces: ``combine`` is a C++ expression of ``a`` and ``b``, two
    partial results in the accumulator's compute type (a str, or keyed by the accumulator's
    dtype as ``UfuncSpec.body``); ``identity`` is NumPy's (None: the first element starts);
    ``reorderable``: NumPy reduces over several axes at once (partials may combine in any
    order), False where it allows one axis only; ``neutral``: the C++ value of ``acc_t``
    partial results start from, where NumPy's identity is missing or not neutral for every
    value (a str, or keyed as ``combine``; None: the identity)."""
    combine: str | Mapping[str, str]
    identity: object = None
    reorderable: bool = True
    neutral: str | Mapping[str, str] | None = None

    def combine_for(self, dt: numpy.dtype) -> str | None:
        return lookup(self.combine, dt)

    def neutral_for(self, dt: numpy.dtype) -> str | None:
        """The C++ start value of partial results for accumulator dtype ``dt`` (None: the
        reduction has no parallel form and combines in order from the first element)."""
        text = lookup(self.neutral, dt)
        if text is not None:
            return text
        if self.identity is None or not self.reorderable:
            return None
        return f"acc_t({int(self.identity)})"


@dataclasses.dataclass(frozen=True)
class UfuncSpec:
    name: str
    nin: int
    nout: int
    body: str | Mapping[str, str]
    preamble: str = ""
    doc: str = ""
    #: The reduction (None: none declared yet; NumPy may still reduce in order).
    reduce: Reduction | None = None
    #: The native atomic (one of ``ATOMICS``) that computes ``body`` exactly when every loop
    #: dtype is the first input's; None where there is none (``ufunc.at`` then uses a
    #: compare-and-swap loop around ``body``).  Keyed as ``body``.
    atomic: str | Mapping[str, str] | None = None

    def body_for(self, dt: numpy.dtype) -> str | None:
        """The body for loops whose first input has dtype ``dt`` (None: no such loop)."""
        return lookup(self.body, dt)

    def atomic_for(self, dt: numpy.dtype) -> str | None:
        return lookup(self.atomic, dt)


_DTYPE_NAMES = frozenset(d.name for d in SUPPORTED)


def numpy_loops(name: str) -> list[tuple[tuple[numpy.dtype, ...], tuple[numpy.dtype, ...]]]:
    """NumPy's loops for ``name`` whose dtypes cuarray supports: [(inputs, outputs)]."""
    uf = getattr(numpy, name)
    out = []
    supported = set(SUPPORTED)
    for t in uf.types:
        ins, outs = t.split("->")
        try:
            di = tuple(numpy.dtype(c) for c in ins)
            do = tuple(numpy.dtype(c) for c in outs)
        except TypeError:
            continue
        if all(d in supported for d in di + do):
            out.append((di, do))
    return out


def validate(spec: UfuncSpec) -> None:
    """Check a spec against NumPy: the arity matches, every NumPy loop has a body, atomics
    are known operations, and a reduction matches NumPy's identity and reorderability."""
    uf = getattr(numpy, spec.name, None)
    if not isinstance(uf, numpy.ufunc):
        raise ValueError(f"{spec.name!r} is not a NumPy ufunc")
    if (uf.nin, uf.nout) != (spec.nin, spec.nout):
        raise ValueError(f"{spec.name}: NumPy has nin={uf.nin}, nout={uf.nout}; the spec says "
                         f"nin={spec.nin}, nout={spec.nout}")
    _check_keys(spec.name, "body", spec.body)
    loops = numpy_loops(spec.name)
    for ins, _ in loops:
        if spec.body_for(ins[0]) is None:
            raise ValueError(f"{spec.name}: no body for NumPy's loop on {ins[0]}")
    if spec.atomic is not None:
        _check_keys(spec.name, "atomic", spec.atomic)
        values = [spec.atomic] if isinstance(spec.atomic, str) else list(spec.atomic.values())
        for op in values:
            if op not in ATOMICS:
                raise ValueError(f"{spec.name}: unknown atomic operation {op!r}; expected one "
                                 f"of {ATOMICS}")
    if spec.reduce is not None:
        _validate_reduction(spec, uf, loops)


def _check_keys(name, what, table) -> None:
    if isinstance(table, str):
        return
    for key in table:
        if key != "*" and key not in _DTYPE_NAMES and not set(key) <= set(KINDS):
            raise ValueError(f"{name}: bad {what} key {key!r}")


def _validate_reduction(spec: UfuncSpec, uf: numpy.ufunc, loops) -> None:
    """A reduction belongs to a binary ufunc, agrees with NumPy's identity and reorderability,
    and combines the output dtype of every NumPy loop (the accumulator's dtype)."""
    red = spec.reduce
    if (spec.nin, spec.nout) != (2, 1):
        raise ValueError(f"{spec.name}: only binary single-output ufuncs reduce")
    _check_keys(spec.name, "combine", red.combine)
    ident = uf.identity
    if type(red.identity) is not type(ident) or red.identity != ident:
        raise ValueError(f"{spec.name}: the identity is {red.identity!r}; NumPy's is {ident!r}")
    for _, outs in loops:
        if red.combine_for(outs[0]) is None:
            raise ValueError(f"{spec.name}: no combine for NumPy's loop to {outs[0]}")
    if loops and red.reorderable != _numpy_reorderable(uf, loops[0][0][0]):
        raise ValueError(f"{spec.name}: reorderable={red.reorderable}, but NumPy "
                         f"{'does not allow' if red.reorderable else 'allows'} reductions over "
                         "several axes")


def _numpy_reorderable(uf: numpy.ufunc, dt: numpy.dtype) -> bool:
    """Whether NumPy reduces over two axes at once (it refuses for non-reorderable ufuncs)."""
    try:
        uf.reduce(numpy.ones((1, 1), dt), axis=(0, 1))
    except ValueError:
        return False
    return True
