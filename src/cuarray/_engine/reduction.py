"""The reduction engine: plan (collapse, pick a strategy by shape), find the kernel, launch.

``reduce(op, inputs, ..., out, axes)`` reduces the broadcast of ``inputs`` over
``axes`` into ``out`` (the kept axes, any layout).  Phases: ``_plan`` (memoised on
the shapes and strides, so a repeated call is a dict look-up) -> kernels from the
in-process cache (NVRTC on a miss, with the runtime's on-disk cache) -> launch.

Strategy by shape, after the kept axes and the reduced axes are collapsed apart
(each ordered by the first array input's strides):
- reduced axis the fastest in memory ("inner"): short rows (<= 16) one thread per
  output; rows up to a few thousand one warp per output; longer rows one block per
  output, split over several blocks when there are too few outputs to fill the GPU;
  a single contiguous row (the whole-array reduction) with 16-byte vector loads;
- a kept axis the fastest ("outer"): one thread per output when the reduced extent is
  short or the outputs alone fill the GPU, else (32, 8) blocks reading 32 adjacent
  outputs per row (coalesced), split over blocks along the reduced axes as needed.
Splits write per-block partial accumulators, combined in a fixed order by a second
kernel: no atomics, so float results are deterministic for a given device.
"""

from __future__ import annotations

import numpy

from . import reduction_source as _src
from .elementwise import INT32_LIMIT, broadcast_strides

_kernels: dict = {}
_plans: dict = {}
_sms: dict = {}
_U8 = numpy.dtype("uint8")


def sm_count() -> int:
    from ..cuda import _device, _driver
    dev = _device.get_device_id()
    n = _sms.get(dev)
    if n is None:
        d = _driver.driver()
        attr = d.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
        n = _sms[dev] = int(_driver.check(d.cuDeviceGetAttribute(attr, dev)))
    return n


def _kernel(kind, op, in_storage, in_compute, out_storage, out_compute, layout):
    key = (kind, op, in_storage, in_compute, out_storage, out_compute, layout)
    fn = _kernels.get(key)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        if kind == "final":
            name = _src.kernel_name(op.name, in_compute + (out_storage,), layout.variant)
            text = _src.final_source(name, op, in_compute, out_storage, out_compute, layout.kd,
                                     layout.index, layout.init, layout.variant)
        else:
            name = _src.kernel_name(op.name, in_storage + (out_storage,), layout.variant)
            text = _src.reduction_source(name, op, in_storage, in_compute, out_storage,
                                         out_compute, layout)
        fn = _kernels[key] = compile_with_cache(text, op.options).get_function(name)
    return fn


class _Plan:
    __slots__ = ("fn", "grid", "block", "dims", "n_keep", "n_red", "chunk", "gy", "final",
                 "vec_fn", "vec_grid", "vec_chunk")


def _collapse(shape, strides_list):
    from .._core.shape import collapse
    return collapse(shape, strides_list)


def _plan(op, kinds, arrays, out, shape, axes, init, dts) -> _Plan:
    """Collapse, pick the strategy, compile its kernels and size the grid (once per layout)."""
    nd = len(shape)
    st = [broadcast_strides(a, shape) for a in arrays]
    keep = [d for d in range(nd) if d not in axes]
    ost = dict(zip(keep, out._strides))
    main = st[0] if st else (0,) * nd
    keep.sort(key=lambda d: (-abs(main[d]), -abs(ost[d])))     # stable: C order on ties
    red = sorted(axes)
    lst = {d: int(numpy.prod([shape[e] for e in red if e > d], dtype=numpy.int64)) for d in red}
    red.sort(key=lambda d: -abs(main[d]))
    kshape, kst = _collapse([shape[d] for d in keep],
                            [[s[d] for d in keep] for s in st] + [[ost[d] for d in keep]])
    rsets = [[s[d] for d in red] for s in st] + ([[lst[d] for d in red]] if op.index else [])
    rshape, rst = _collapse([shape[d] for d in red], rsets) if red else ((), [()] * len(rsets))
    n_keep = int(numpy.prod(kshape, dtype=numpy.int64))
    n_red = int(numpy.prod(rshape, dtype=numpy.int64))
    p = _Plan()
    p.n_keep, p.n_red = n_keep, n_red
    itemsize = arrays[0].dtype.itemsize if arrays else 1
    variant = _strategy(op, kshape, kst, rshape, rst, n_keep, n_red, arrays, itemsize)
    big = max([n_keep * 2, n_red * 2] + [_span(kshape, s) + _span(rshape, r)
                                         for s, r in zip(kst, rst)])
    index = "int" if big < INT32_LIMIT else "long long"
    # op.step needs each thread to meet its elements in index order: the logical strides
    # of the (stride-sorted) reduced dims must still be in C order.
    step = op.step is not None and (not op.index or list(rst[-1]) == sorted(rst[-1], reverse=True))
    layout = _src.Layout(tuple(kinds), variant, len(kshape), len(rshape), index, init, step)
    p.fn = _kernel("first", op, *dts, layout)
    p.dims = list(kshape) + list(rshape)
    for s in kst + rst:
        p.dims += s
    p.gy = _splits(p.fn, variant, n_keep, n_red)      # b and c blocks interleave: no chunks
    p.chunk = -(-n_red // p.gy) if n_red else 1
    p.grid, p.block = _grid(variant, n_keep, p.gy)
    p.vec_fn = None
    if (variant == "b" and len(arrays) == 1 and len(rshape) == 1 and rst[0][0] == itemsize
            and 16 // itemsize > 1 and all(t % 16 == 0 for t in kst[0])):
        n = 16 // itemsize
        vlay = _src.Layout(tuple(kinds), f"bv{n}", len(kshape), 1, index, init, step)
        p.vec_fn = _kernel("first", op, *dts, vlay)
        p.vec_chunk = n
        p.vec_grid = (n_keep, _splits(p.vec_fn, "b", n_keep, n_red // n * _src.UNROLL))
    p.final = None
    if p.gy > 1 or (p.vec_fn is not None and p.vec_grid[1] > 1):
        fv = "fb" if n_keep <= 1024 else "ft"
        flay = _src.Layout((), fv, len(kshape), 0, index, init)
        p.final = (_kernel("final", op, (), dts[1], dts[2], dts[3], flay),
                   (-(-n_keep // _src.BLOCK) if fv == "ft" else n_keep),
                   list(kshape) + list(kst[-1]))
    return p


def _splits(fn, variant, n_keep, n_red) -> int:
    """Blocks along the reduced axes: enough to fill every SM once (one full wave at the
    kernel's occupancy), none while the outputs alone fill the GPU."""
    if variant not in ("b", "c"):
        return 1
    slots = sm_count() * fn.max_active_blocks_per_sm(_src.BLOCK)
    if variant == "b":
        per_block = _src.BLOCK * _src.UNROLL * 2
        across = n_keep
    else:
        per_block = _src.COL_TY * _src.UNROLL * 4
        across = -(-n_keep // _src.COL_TX)
    if across >= slots:
        return 1
    return max(1, min(slots // across, -(-n_red // per_block), 65535))


def _span(shape, strides) -> int:
    return sum((s - 1) * abs(t) for s, t in zip(shape, strides))


def _strategy(op, kshape, kst, rshape, rst, n_keep, n_red, arrays, itemsize) -> str:
    """The kernel variant for this shape; see the module docstring."""
    if n_red <= 1 or not arrays:
        return "t"
    main_r = abs(rst[0][-1]) if rshape else 0
    main_k = abs(kst[0][-1]) if kshape else None
    inner = main_k is None or main_r < main_k
    staged = _staged_rows(kshape, kst, rshape, rst, n_red, arrays, itemsize) if inner else 0
    if staged:
        return f"s{n_red}x{staged}"
    if op.sequential:
        return "t"
    sms = sm_count()
    if inner:           # the reduced axis is the fastest
        if n_red <= 16:
            return "t"
        if n_red <= 2048 and n_keep * 32 >= sms * 1024:
            return "w"
        return "b"
    if n_red <= 8 or n_keep >= sms * 2048:
        return "t"
    return "c"


def _staged_rows(kshape, kst, rshape, rst, n_red, arrays, itemsize) -> int:
    """Rows per block of the staged variant (0: it does not apply): one array input whose
    short rows are contiguous and follow each other, staged in at most 32 KiB."""
    if (len(arrays) != 1 or len(kshape) != 1 or len(rshape) != 1 or n_red > 32
            or rst[0][0] != itemsize or kst[0][0] != n_red * itemsize):
        return 0
    rows = _src.BLOCK * max(1, min(8, 16 // n_red))
    while rows * n_red * itemsize > 32768:
        rows //= 2
    return rows if rows >= 32 else 0


def _grid(variant, n_keep, gy):
    if variant == "t":
        return (-(-n_keep // _src.BLOCK), gy), (_src.BLOCK, 1)
    if variant == "c":
        return (-(-n_keep // _src.COL_TX), gy), (_src.COL_TX, _src.COL_TY)
    if variant == "w":
        return (-(-n_keep // _src.WARPS), 1), (_src.BLOCK, 1)
    if variant.startswith("s"):
        rows = int(variant.split("x")[1])
        return (-(-n_keep // rows), 1), (_src.BLOCK, 1)
    return (n_keep, gy), (_src.BLOCK, 1)


def reduce(op, inputs, in_storage, in_compute, out, out_compute, shape, axes, init=None):
    """out[kept] = post(combine over ``axes`` of map(inputs)).

    ``inputs``: ndarrays broadcastable to ``shape`` or NumPy scalars of their compute
    dtype; ``axes``: the reduced axes of ``shape`` (a tuple); ``out``: an ndarray whose
    shape is ``shape`` without ``axes``; ``init``: None or a NumPy scalar of the
    accumulator's dtype combined once (NumPy's ``initial``).
    """
    if not out.size:
        return
    kinds = tuple("a" if hasattr(x, "_ptr") else "s" for x in inputs)
    arrays = [x for x, k in zip(inputs, kinds) if k == "a"]
    key = (op, kinds, shape, axes, init is not None, out._strides, out.dtype, in_storage,
           in_compute, out_compute, tuple((a._shape, a._strides) for a in arrays))
    plan = _plans.get(key)
    if plan is None:
        if len(_plans) > 4096:
            _plans.clear()
        dts = (in_storage, in_compute, out.dtype, out_compute)
        plan = _plans[key] = _plan(op, kinds, arrays, out, shape, axes, init is not None, dts)
    launch(plan, op, inputs, kinds, out, init)
    return plan


def launch(plan, op, inputs, kinds, out, init=None):
    """Run a plan made by ``reduce`` on new pointers (the callers' memoised fast paths)."""
    fn, grid, chunk = plan.fn, plan.grid, plan.chunk
    if plan.vec_fn is not None and inputs[kinds.index("a")]._ptr % 16 == 0:
        fn, grid, chunk = plan.vec_fn, plan.vec_grid, plan.vec_chunk
    gy = grid[1]
    part = None
    if gy > 1:
        from .._core.ndarray import _empty
        part = _empty((gy * plan.n_keep * op.acc_itemsize,), _U8)
    args = [x._ptr if k == "a" else x for x, k in zip(inputs, kinds)]
    args += [out._ptr, part._ptr if part is not None else 0]
    if init is not None:
        args.append(init)
    args += [plan.n_keep, plan.n_red, chunk]
    fn.launch_2d(grid, plan.block, tuple(args + plan.dims))
    if gy > 1:
        fn2, fgrid, fdims = plan.final
        args = [out._ptr, part._ptr] + ([init] if init is not None else [])
        args += [plan.n_keep, plan.n_red, gy]
        fn2.launch_1d(fgrid, _src.BLOCK, tuple(args + fdims))

def reduce_segments(op, rows, in_storage_dt, in_compute_dt, out, out_compute, idx):
    """``ufunc.reduceat`` over the last axis of C-contiguous ``rows`` into C-contiguous
    ``out`` (same leading shape, one column per segment); ``idx``: int64 device array."""
    from ..cuda.compiler import compile_with_cache
    key = ("segments", op, rows.dtype, in_compute_dt, out.dtype, out_compute)
    fn = _kernels.get(key)
    if fn is None:
        name = _src.kernel_name(op.name, (rows.dtype, out.dtype), "reduceat")
        text = _src.segment_source(name, op, rows.dtype, in_compute_dt, out.dtype, out_compute)
        fn = _kernels[key] = compile_with_cache(text).get_function(name)
    n_len = rows._shape[-1]
    n_rows = rows.size // n_len if n_len else 0
    total = n_rows * idx.size
    if total:
        fn(-(-total // _src.BLOCK), _src.BLOCK,
           (rows._ptr, out._ptr, idx._ptr, n_rows, n_len, idx.size))
