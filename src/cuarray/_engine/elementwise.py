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

BLOCK = 256
EXACT = ("-fmad=false",)     # no FMA contraction: see ElementwiseOp
INT32_LIMIT = 2**31 - 2**25      # leaves room for the grid-stride index to step past n
_kernels: dict = {}
_GRID_LIMIT = 2**31 - 1


class ElementwiseOp:
    """A kernel body over ``nin`` inputs and ``nout`` outputs (C++ names in0.., out0..).

    ``load_outs``: the body reads its outputs, so they start as the values in memory;
    ``loop_prep``/``after_loop``: statements before and after the element loop (user
    kernels); ``options``: NVRTC options.  By default (``EXACT``) a multiply and an add are
    never contracted into one FMA, so every C++ operation rounds as written: as NumPy's C
    loops do, and so that a fused chain of ufuncs rounds exactly as the eager chain.  Hashed
    by identity: ops are made once and memoised by their owners.
    """

    __slots__ = ("name", "body", "preamble", "nin", "nout", "load_outs", "loop_prep",
                 "after_loop", "options", "__weakref__")

    def __init__(self, name: str, body: str, nin: int, nout: int, preamble: str = "", *,
                 load_outs: bool = False, loop_prep: str = "", after_loop: str = "",
                 options: tuple = None):
        self.name, self.body, self.nin, self.nout, self.preamble = name, body, nin, nout, preamble
        self.load_outs, self.loop_prep, self.after_loop = load_outs, loop_prep, after_loop
        self.options = EXACT if options is None else tuple(options)

    def __repr__(self):
        return f"ElementwiseOp({self.name!r}, {self.body!r})"


class RawArg:
    """A whole array passed to a kernel as ``cuarray::raw<T, N>`` (not iterated over)."""

    __slots__ = ("kind", "struct")

    def __init__(self, a):
        nd = a.ndim
        self.kind = f"r{nd}"
        self.struct = _raw_struct(nd)(a._ptr, a.size, bool(a._c), tuple(a._shape),
                                      tuple(a._strides))


_RAW_STRUCTS: dict = {}


def _raw_struct(nd: int):
    """The ctypes mirror of ``cuarray::raw<T, nd>`` (raw.cuh): pointer, size, contiguity,
    shape and byte strides."""
    cls = _RAW_STRUCTS.get(nd)
    if cls is None:
        import ctypes
        n = max(nd, 1)
        cls = _RAW_STRUCTS[nd] = type(f"raw{nd}", (ctypes.Structure,), {"_fields_": [
            ("data", ctypes.c_uint64), ("size", ctypes.c_longlong),
            ("contiguous", ctypes.c_longlong), ("shape", ctypes.c_longlong * n),
            ("strides", ctypes.c_longlong * n)]})
    return cls


def max_grid() -> int:
    """The grid-size cap for grid-stride kernels.

    Measured on an H200 (2026-11-26, float32/float64 add of 2^28/2^27 elements):
    one vector access per thread with an uncapped grid beat every capped grid
    (x4..x128 blocks per SM) by 2-5%, so the cap is the hardware limit.
    """
    return _GRID_LIMIT


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
                                   _src.Layout(kinds, variant, index, where),
                                   load_outs=op.load_outs, loop_prep=op.loop_prep,
                                   after_loop=op.after_loop)
    return compile_with_cache(text, op.options).get_function(name)


def broadcast_strides(a, shape) -> tuple:
    """``a``'s strides for broadcasting it to ``shape`` (0 on new and stretched axes)."""
    ashape, astrides = a._shape, a._strides
    if ashape == shape:
        return astrides
    lead = len(shape) - len(ashape)
    return (0,) * lead + tuple(st if s == n else 0
                               for s, st, n in zip(ashape, astrides, shape[lead:]))


def launch(op, inputs, in_storage, in_compute, outs, out_compute, where=None, shape=None):
    """Run ``op`` over ``outs[0].shape`` (or ``shape``, for a kernel without outputs).

    ``inputs``: ndarrays (broadcastable to the output shape), :class:`RawArg` or NumPy
    scalars of their compute dtype; ``in_storage``/``in_compute`` and ``out_compute``
    are tuples of dtypes; ``outs`` are ndarrays of the output shape; ``where``, a bool
    ndarray broadcastable to it.
    """
    if shape is None:
        shape = outs[0]._shape
    n = 1
    for s in shape:
        n *= s
    if n == 0:
        return
    arrays = [x for x in inputs if type(x) is not numpy.ndarray and hasattr(x, "_ptr")]
    kinds = tuple("a" if hasattr(x, "_ptr") else x.kind if type(x) is RawArg else "s"
                  for x in inputs)
    operands = arrays + list(outs) + ([where] if where is not None else [])
    out_storage = tuple(o.dtype for o in outs)
    if all(x._c and x._shape == shape for x in operands):
        variant, strides = _flat_variant(operands, n, where), None
    else:
        cshape, cstrides = _collapse(operands, shape)
        if len(cshape) == 1 and all(st[0] == x.dtype.itemsize for st, x in zip(cstrides, operands)):
            variant, strides = _flat_variant(operands, n, where), None
        else:
            variant, strides = _strided_variant(arrays, kinds, operands, cshape, cstrides)
    index = "int" if n < INT32_LIMIT and (strides is None or _fits32(strides)) else "long long"
    fn = get_kernel(op, in_storage, in_compute, out_storage, out_compute,
                    (kinds, variant, index, where is not None))
    args = [x._ptr if k == "a" else x.struct if k[0] == "r" else x for x, k in zip(inputs, kinds)]
    args += [o._ptr for o in outs]
    if where is not None:
        args.append(where._ptr)
    args.append(n)
    if strides is not None:
        args += strides[0]
        for st in strides[1]:
            args += st
    if variant.startswith("t2_"):
        s0, s1 = strides[0]
        tiles = ((s0 + _src.TILE - 1) // _src.TILE) * ((s1 + _src.TILE - 1) // _src.TILE)
        fn(min(tiles, max_grid()), (_src.TILE, _src.TILE_ROWS), tuple(args))
        return
    work = n // int(variant[3:]) if variant.startswith("vec") else n
    grid = min((work + BLOCK - 1) // BLOCK, max_grid()) or 1
    fn.launch_1d(grid, BLOCK, tuple(args))


def _flat_variant(operands, n, where) -> str:
    if where is not None or not operands:   # a masked store leaves unselected elements alone
        return "flat"
    width = max(x.dtype.itemsize for x in operands)
    vec = 16 // width
    if vec > 1 and n >= vec and all(x._ptr % (vec * x.dtype.itemsize) == 0 for x in operands):
        return f"vec{vec}"
    return "flat"


def _strided_variant(arrays, kinds, operands, cshape, cstrides) -> tuple:
    """A tiled kernel when, over two axes, some inputs run along axis 0 while the outputs
    run along axis 1 (a transposed operand); else the n-d strided kernel."""
    variant = f"nd{len(cshape)}"
    if len(cshape) == 2 and cshape[0] >= 8 and cshape[1] >= 8:
        n_in = len(arrays)
        outs_ok = all(abs(st[1]) == x.dtype.itemsize
                      for st, x in zip(cstrides[n_in:], operands[n_in:]))
        staged, pos = [], 0
        for k, kind in enumerate(kinds):
            if kind == "a":
                st, x = cstrides[pos], operands[pos]
                if abs(st[0]) == x.dtype.itemsize and abs(st[1]) not in (0, x.dtype.itemsize):
                    staged.append(k)
                pos += 1
        if outs_ok and staged:
            variant = "t2_" + "_".join(map(str, staged))
    return variant, (cshape, cstrides)


def _collapse(operands, shape):
    from .._core.shape import collapse
    return collapse(shape, [broadcast_strides(x, shape) for x in operands])


def _fits32(strides) -> bool:
    cshape, cstrides = strides
    for st in cstrides:
        span = sum((s - 1) * abs(t) for s, t in zip(cshape, st))
        if span >= INT32_LIMIT:
            return False
    return True
