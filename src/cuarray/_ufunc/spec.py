"""Ufuncs as data: the spec each NumPy ufunc is declared with, and its validation.

A spec names the ufunc, its arity and its C++ body per family of loop dtypes.
Which loops exist and what they return is NumPy's decision: cuarray resolves
types with the NumPy ufunc of the same name, then picks the body by the first
input's loop dtype.  Body keys, most specific first: a dtype name
("float16"), then a string of dtype kinds ("b" bool, "i" signed, "u" unsigned,
"f" float, "c" complex; e.g. "iu"), then "*".
"""

from __future__ import annotations

import dataclasses
from typing import Mapping

import numpy

from .._core.dtypes import SUPPORTED

KINDS = "biufc"


@dataclasses.dataclass(frozen=True)
class UfuncSpec:
    name: str
    nin: int
    nout: int
    body: str | Mapping[str, str]
    preamble: str = ""
    doc: str = ""

    def body_for(self, dt: numpy.dtype) -> str | None:
        """The body for loops whose first input has dtype ``dt`` (None: no such loop)."""
        b = self.body
        if isinstance(b, str):
            return b
        if dt.name in b:
            return b[dt.name]
        for key, text in b.items():
            if key != "*" and key not in _DTYPE_NAMES and dt.kind in key:
                return text
        return b.get("*")


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
    """Check a spec against NumPy: the arity matches and every NumPy loop has a body."""
    uf = getattr(numpy, spec.name, None)
    if not isinstance(uf, numpy.ufunc):
        raise ValueError(f"{spec.name!r} is not a NumPy ufunc")
    if (uf.nin, uf.nout) != (spec.nin, spec.nout):
        raise ValueError(f"{spec.name}: NumPy has nin={uf.nin}, nout={uf.nout}; the spec says "
                         f"nin={spec.nin}, nout={spec.nout}")
    if not isinstance(spec.body, str):
        for key in spec.body:
            if key != "*" and key not in _DTYPE_NAMES and not set(key) <= set(KINDS):
                raise ValueError(f"{spec.name}: bad body key {key!r}")
    for ins, _ in numpy_loops(spec.name):
        if spec.body_for(ins[0]) is None:
            raise ValueError(f"{spec.name}: no body for NumPy's loop on {ins[0]}")
