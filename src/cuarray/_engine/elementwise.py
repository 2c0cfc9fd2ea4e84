"""The elementwise engine: plan a launch (broadcast, collapse, vectorise), find the kernel, launch.

An :class:`ElementwiseOp` is the frozen spec of a kernel body; the engine turns
(op, operand dtypes, layout) into a kernel through ``source.elementwise_source``,
compiles it once (NVRTC, on-disk cache in the runtime layer) and keeps it in an
in-process dict keyed by everything the source depends on.

Launch plans, chosen per call:
- every array operand C-contiguous with the output's shape: a flat kernel, with
  16-byte vector accesses when every pointer is aligned for them;
- otherwise dimensions are collapsed and, if one contiguous axis remains, the
  flat kernel still runs; else an n-d kernel with byte strides;
- 32-bit indices whenever the element count and every byte offset fit.
"""

from __future__ import annotations

import numpy

from . import source as _src

_BLOCK = 256
_INT32_LIMIT = 2**31 - 2**25      # leaves room for the grid-stride index to step past n
_kernels: dict = {}
_grid_cap: int | None = None


class ElementwiseOp:
    """A kernel body over ``nin`` inputs and ``nout`` outputs (C++ names in0.., out0..)."""

    __slots__ = ("name", "body", "preamble", "nin", "nout")

    def __init__(self, name: str, body: str, nin: int, nout: int, preamble: str = ""):
        self.name, self.body, self.nin, self.nout, self.preamble = name, body, nin, nout, preamble

    def __repr__(self):
        return f"ElementwiseOp({self.name!r}, {self.body!r})"


def _max_grid() -> int:
    global _grid_cap
    if _grid_cap is None:
        from ..cuda import runtime
        props = runtime.getDeviceProperties(runtime.getDevice())
        # Enough resident blocks to fill every SM several times over; the grid-stride loop
        # covers the rest.
        _grid_cap = props["multiProcessorCount"] * 32
    return _grid_cap


def get_kernel(op, in_storage, in_compute, out_storage, out_compute, layout_key):
    key = (op, in_storage, in_compute, out_storage, out_compute, layout_key)
    fn = _kernels.get(key)
    if fn is None:
        fn = _kernels[key] = _build(*key)
    return fn


def _build(op, in_storage, in_compute, out_storage, out_compute, layout_key):
    from ..cuda.compiler import compile_with_cache
    kinds, variant, index, where = layout_key
    name = _src.kernel_name(op.name, in_storage + out_storage, variant)
    text = _src.elementwise_source(name, op.body, op.preamble, in_storage, in_compute,
                                   out_storage, out_compute,
                                   _src.Layout(kinds, variant, index, where))
    return compile_with_cache(text).get_function(name)


def broadcast_strides(a, shape) -> tuple:
    """``a``'s strides for broadcasting it to ``shape`` (0 on new and stretched axes)."""
    ashape, astrides = a._shape, a._strides
    if ashape == shape:
        return astrides
    lead = len(shape) - len(ashape)
    return (0,) * lead + tuple(st if s == n else 0
                               for s, st, n in zip(ashape, astrides, shape[lead:]))


def launch(op, inputs, in_storage, in_compute, outs, out_compute, where=None):
    """Run ``op`` over ``outs[0].shape``.

    ``inputs``: ndarrays (broadcastable to the output shape) or NumPy scalars of
    their compute dtype; ``in_storage``/``in_compute`` and ``out_compute`` are
    tuples of dtypes; ``outs`` are ndarrays of the output shape; ``where``, a bool
    ndarray broadcastable to it.
    """
    out0 = outs[0]
    n = out0.size
    if n == 0:
        return
    shape = out0._shape
    arrays = [x for x in inputs if type(x) is not numpy.ndarray and hasattr(x, "_ptr")]
    kinds = tuple("a" if hasattr(x, "_ptr") else "s" for x in inputs)
    operands = arrays + list(outs) + ([where] if where is not None else [])
    out_storage = tuple(o.dtype for o in outs)
    if all(x._c and x._shape == shape for x in operands):
        variant, strides = _flat_variant(operands, n, where), None
    else:
        cshape, cstrides = _collapse(operands, shape)
        if len(cshape) == 1 and all(st[0] == x.dtype.itemsize for st, x in zip(cstrides, operands)):
            variant, strides = _flat_variant(operands, n, where), None
        else:
            variant, strides = f"nd{len(cshape)}", (cshape, cstrides)
    index = "int" if n < _INT32_LIMIT and (strides is None or _fits32(strides)) else "long long"
    fn = get_kernel(op, in_storage, in_compute, out_storage, out_compute,
                    (kinds, variant, index, where is not None))
    args = [x._ptr if k == "a" else x for x, k in zip(inputs, kinds)]
    args += [o._ptr for o in outs]
    if where is not None:
        args.append(where._ptr)
    args.append(n)
    if strides is not None:
        args += strides[0]
        for st in strides[1]:
            args += st
    work = n // int(variant[3:]) if variant.startswith("vec") else n
    grid = min((work + _BLOCK - 1) // _BLOCK, _max_grid()) or 1
    fn(grid, _BLOCK, tuple(args))


def _flat_variant(operands, n, where) -> str:
    if where is not None:       # a masked store must leave unselected elements untouched
        return "flat"
    width = max(x.dtype.itemsize for x in operands)
    vec = 16 // width
    if vec > 1 and n >= vec and all(x._ptr % (vec * x.dtype.itemsize) == 0 for x in operands):
        return f"vec{vec}"
    return "flat"


def _collapse(operands, shape):
    from .._core.shape import collapse
    return collapse(shape, [broadcast_strides(x, shape) for x in operands])


def _fits32(strides) -> bool:
    cshape, cstrides = strides
    for st in cstrides:
        span = sum((s - 1) * abs(t) for s, t in zip(cshape, st))
        if span >= _INT32_LIMIT:
            return False
    return True
