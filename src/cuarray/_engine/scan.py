"""The scan engine: inclusive scans along one axis (cumsum, cumprod, ufunc.accumulate).

A :class:`ScanOp` is frozen data: the C++ ``combine`` of two partial results ``a`` and
``b`` (an associative operation: scanned in parallel), or a ufunc ``body`` (``in0`` the
running value, ``in1`` the next element: scanned in NumPy's order, one thread per row),
plus an optional ``map`` applied to each loaded element (``x``, in the input's compute
type; nancumsum's NaN -> 0).  No identity is needed: see ``cuarray/scan.cuh``.

Dtypes per launch: the input's storage dtype S, the loop dtype L (NumPy's accumulator),
the output's dtype O.  Elements load as S, are mapped, cast to L and computed in L's
compute type (float16 -> float32); results cast to L, then to O, on store.

Plans, chosen by :func:`plan` from the layout after collapsing the kept axes:

- ``tiles``: a single row, or rows whose scan axis is the fastest in memory and at least
  half a tile long.  Blocks of 256 threads scan tiles of 256 x ITEMS elements (ITEMS = 32,
  16, 8 for 4-, 8-, 16-byte accumulators); tiles of one row are joined by a single-pass
  decoupled look-back (tile ids from an atomic counter; status words zeroed on the stream
  before the launch); 16-byte accesses when every row is aligned for them.
- ``warps``: shorter contiguous rows, one warp per row in chunks with a carry.
- ``columns``: the scan axis strided and the kept axis faster: threads run down columns
  (coalesced across the warp), tiles of rows joined by the same look-back per column.
- ``sequential``: non-associative ufuncs, very short rows, and columns many enough to fill
  the GPU with one thread each.
"""

from __future__ import annotations

import dataclasses

import numpy

from .._core.dtypes import COMPUTE, ctype
from .source import includes as _ew_includes
from . import source as _src

BLOCK = 256
WARPS = BLOCK // 32
#: Rows shorter than 1/WARP_ROW_FRACTION of a tile go to the warps driver (not yet tuned on a
#: GPU: a tile of 256 threads for a row of a few hundred items would idle most of them).
WARP_ROW_FRACTION = 2
#: Columns enough to fill an H100 with one sequential thread each (132 SMs x 1024).
SEQUENTIAL_COLUMNS = 1 << 17
#: Rows this short run one thread each even when contiguous (a warp would idle).
SHORT_ROW = 8
SHORT_COLUMN = 32
_GRID_CAP = 1 << 20            # grid-stride drivers (warps, sequential)
_GRID_LIMIT = 2**31 - 1
_STATUS_HEADER = 16            # bytes before the status words: the tile counter
_kernels: dict = {}


@dataclasses.dataclass(frozen=True)
class ScanOp:
    """A scan: ``combine`` (C++ expression of ``a``, ``b``; associative) or ``body`` (a ufunc
    body: ``out0 = f(in0, in1)``, run in order); ``map``: expression of ``x`` on each loaded
    element (``x_type`` is its type), or None."""
    name: str
    combine: str | None = None
    body: str | None = None
    preamble: str = ""
    map: str | None = None

    def __post_init__(self):
        if (self.combine is None) == (self.body is None):
            raise ValueError("a ScanOp has exactly one of combine= and body=")

    @property
    def sequential(self) -> bool:
        return self.combine is None


# -- dtypes and items per thread ------------------------------------------------------------------

def compute_of(dt: numpy.dtype) -> numpy.dtype:
    return COMPUTE.get(dt, dt)


def items_per_thread(acc: numpy.dtype) -> int:
    """Accumulator registers per thread stay near 32 words."""
    return {16: 8, 8: 16}.get(acc.itemsize, 32)


def vector_width(in_dt: numpy.dtype, out_dt: numpy.dtype, items: int) -> int:
    """Items per 16-byte access of the wider of input and output."""
    return max(1, min(items, 16 // max(in_dt.itemsize, out_dt.itemsize)))


# -- plans ----------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Plan:
    """One launch: ``kind`` and ``consts`` name the kernel (with the dtypes); ``grid``,
    ``block``; ``status``: (bytes to allocate, bytes to zero) or None; ``n`` items per row,
    ``rows``; ``steps``: byte steps along the axis (src, dst), then tiles per row (tiles) or
    column groups (columns); ``kept``: the collapsed kept axes (shape, src, dst strides)."""
    kind: str
    consts: tuple
    grid: int
    block: tuple
    status: tuple | None
    n: int
    rows: int
    steps: tuple
    kept: tuple


def _kept_layout(src, out, axis):
    """(n, (src step, dst step), kept shape, src kept strides, dst kept strides), collapsed.

    Kept axes are ordered by the source's |stride|, slowest (and broadcast) first, so that
    the innermost one (consecutive threads of the columns driver) is the fastest in memory;
    rows are independent, so their order is free."""
    from .._core.shape import collapse
    keep = sorted((d for d in range(src.ndim) if d != axis),
                  key=lambda d: -(abs(src._strides[d]) or float("inf")))
    shape = tuple(src._shape[d] for d in keep)
    kshape, (ks, kd) = collapse(shape, [tuple(src._strides[d] for d in keep),
                                        tuple(out._strides[d] for d in keep)])
    return src._shape[axis], (src._strides[axis], out._strides[axis]), kshape, ks, kd


def plan(op: ScanOp, src, out, axis: int, loop: numpy.dtype) -> Plan:
    """The launch for scanning ``src`` along ``axis`` into ``out`` (same shape, non-empty)."""
    n, steps, kshape, ks, kd = _kept_layout(src, out, axis)
    rows = 1
    for s in kshape:
        rows *= s
    kept = (kshape, ks, kd)
    acc = compute_of(loop)
    items = items_per_thread(acc)
    if op.sequential or (rows > 1 and _prefers_sequential(n, rows, steps, ks)):
        grid = max(1, min((rows + BLOCK - 1) // BLOCK, _GRID_CAP))
        return Plan("sequential", (), grid, (BLOCK,), None, n, rows, steps, kept)
    if rows == 1 or abs(steps[0]) <= abs(ks[-1]):
        vec = _vec_width(src, out, steps, ks, kd, items)
        segs = items // vec
        tile = BLOCK * items
        if rows > 1 and n * WARP_ROW_FRACTION < tile:
            grid = max(1, min((rows + WARPS - 1) // WARPS, _GRID_CAP))
            return Plan("warps", (vec, segs, vec > 1), grid, (BLOCK,), None, n, rows, steps,
                        kept)
        per_row = (n + tile - 1) // tile
        lookback = per_row > 1
        total = per_row * rows
        if total > _GRID_LIMIT:
            raise ValueError(f"scan too large: {total} tiles exceed the grid limit")
        status = _tile_status(total, acc) if lookback else None
        return Plan("tiles", (vec, segs, vec > 1, lookback, _status_kind(acc)), total,
                    (BLOCK,), status, n, rows, (steps[0], steps[1], per_row), kept)
    return _columns_plan(n, rows, steps, kept, acc)


def _prefers_sequential(n, rows, steps, ks) -> bool:
    if abs(steps[0]) <= abs(ks[-1]):            # rows contiguous-ish: only very short ones
        return n <= SHORT_ROW
    return n <= SHORT_COLUMN or rows >= SEQUENTIAL_COLUMNS


def _columns_plan(n, rows, steps, kept, acc) -> Plan:
    bx = 32 if rows >= 32 else 16 if rows >= 16 else 8
    by = BLOCK // bx
    items = 8 if acc.itemsize == 16 else 16
    chunk = by * items
    chunks = (n + chunk - 1) // chunk
    groups = (rows + bx - 1) // bx
    total = chunks * groups
    if total > _GRID_LIMIT:
        raise ValueError(f"scan too large: {total} tiles exceed the grid limit")
    lookback = chunks > 1
    status = None
    if lookback:
        flags = _round16(total * 4)
        vals = _round16(total * bx * acc.itemsize)
        status = (_STATUS_HEADER + flags + 2 * vals, _STATUS_HEADER + flags)
    return Plan("columns", (bx, by, items, lookback), total, (bx, by), status, n, rows,
                (steps[0], steps[1], groups), kept)


def _round16(x: int) -> int:
    return (x + 15) // 16 * 16


def _status_kind(acc: numpy.dtype) -> str:
    return "packed4" if acc.itemsize <= 4 else "packed8" if acc.itemsize == 8 else "split"


def _tile_status(total: int, acc: numpy.dtype) -> tuple:
    """(bytes, bytes to zero) of the status buffer: counter, then words or flags + values."""
    kind = _status_kind(acc)
    if kind != "split":
        words = total * (8 if kind == "packed4" else 16)
        return (_STATUS_HEADER + words, _STATUS_HEADER + words)
    flags = _round16(total * 4)
    vals = _round16(total * acc.itemsize)
    return (_STATUS_HEADER + flags + 2 * vals, _STATUS_HEADER + flags)


def _vec_width(src, out, steps, ks, kd, items) -> int:
    """16-byte accesses need unit steps and every row start aligned, in and out."""
    v = vector_width(src.dtype, out.dtype, items)
    if v == 1 or steps[0] != src.itemsize or steps[1] != out.itemsize:
        return 1
    for ptr, strides, size in ((src._ptr, ks, src.itemsize), (out._ptr, kd, out.itemsize)):
        align = v * size
        if ptr % align or any(st % align for st in strides):
            return 1
    return v


# -- sources --------------------------------------------------------------------------------------

def kernel_name(op: ScanOp, dtypes, kind: str, consts, ndim: int) -> str:
    """Symbols carry the op, dtypes and layout so profiler timelines read well."""
    tag = "_".join(str(int(c)) if isinstance(c, bool) else str(c) for c in consts)
    return (f"cuarray_scan_{op.name}__{'_'.join(d.name for d in dtypes)}__{kind}"
            + (f"_{tag}" if tag else "") + f"_k{ndim}")


def op_source(ns: str, op: ScanOp, s_dt, loop, o_dt, ndim: int) -> str:
    """``namespace ns { struct Op; struct Rows; }`` for one kernel (see ``scan.cuh``)."""
    sc, acc = compute_of(s_dt), compute_of(loop)
    conv = _src.convert
    mapped = f"    x = ({op.map});\n" if op.map else ""
    if op.sequential:
        # NumPy's running value is the previous output element: rounded to L every step.
        step = ("    typedef acc_t in0_type; typedef acc_t in1_type; typedef acc_t out0_type;\n"
                "    in0_type in0 = r; in1_type in1 = x; out0_type out0;\n"
                f"    {op.body.strip().rstrip(';')};\n"
                f"    return {conv(conv('out0', acc, loop), loop, acc)};\n")
        combine = "step(a, b)"       # only the sequential driver runs this op
    else:
        step = "    return combine(r, x);\n"
        combine = f"(acc_t)({op.combine})"
    return (f"namespace {ns} {{\nstruct Op {{\n"
            f"  typedef {ctype(s_dt)} in_t;\n  typedef {ctype(o_dt)} out_t;\n"
            f"  typedef {ctype(acc)} acc_t;\n"
            "  static __device__ __forceinline__ acc_t zero() { return acc_t(); }\n"
            "  static __device__ __forceinline__ acc_t load(const in_t& v) {\n"
            f"    typedef {ctype(sc)} x_type;\n    x_type x = {conv('v', s_dt, sc)};\n"
            f"{mapped}    return {conv(conv('x', sc, loop), loop, acc)};\n  }}\n"
            "  static __device__ __forceinline__ out_t store(const acc_t& v) {\n"
            f"    return {conv(conv('v', acc, loop), loop, o_dt)};\n  }}\n"
            "  static __device__ __forceinline__ acc_t combine(const acc_t& a, const acc_t& b) {\n"
            f"    return {combine};\n  }}\n"
            "  static __device__ __forceinline__ acc_t step(const acc_t& r, const acc_t& x) {\n"
            f"{step}  }}\n}};\n" + _rows_source(ndim) + "}\n")


def _rows_source(ndim: int) -> str:
    """``Rows::offsets(r, so, dof)``: byte offsets of row r over the collapsed kept axes."""
    fields = "".join(f"  long long n{d}, s{d}, d{d};\n" for d in range(ndim))
    lines = ["    so = 0; dof = 0;"]
    if ndim:
        lines.append("    long long c;")
    for d in range(ndim - 1, -1, -1):
        lines.append(f"    c = r % n{d}; r /= n{d};" if d else "    c = r;")
        lines.append(f"    so += c * s{d}; dof += c * d{d};")
    return ("struct Rows {\n" + fields
            + "  __device__ __forceinline__ void offsets(long long r, long long& so, "
            "long long& dof) const {\n" + "\n".join(lines) + "\n    (void)r;\n  }\n};\n")


def includes(dtypes) -> str:
    return _ew_includes(dtypes) + "#include <cuarray/scan.cuh>\n"


def scan_source(name: str, op: ScanOp, s_dt, loop, o_dt, kind: str, consts, ndim: int) -> str:
    """The full source of one scan kernel named ``name``."""
    ns = name + "_ns"
    head = (includes((s_dt, loop, compute_of(loop), o_dt)) + op.preamble + "\n"
            + op_source(ns, op, s_dt, loop, o_dt, ndim))
    kparams = "".join(f", long long n{d}, long long s{d}, long long d{d}" for d in range(ndim))
    rows = f"  const {ns}::Rows rows = {{" + ", ".join(
        f"n{d}, s{d}, d{d}" for d in range(ndim)) + "};\n"
    common = "const char* src, char* dst, long long n"
    if kind == "sequential":
        sig = f"{common}, long long nrows, long long sstep, long long dstep"
        call = f"cuarray::scan::sequential<{ns}::Op>(src, dst, n, nrows, sstep, dstep, rows);"
        bounds = BLOCK
    elif kind == "warps":
        vec, segs, use_vec = consts
        sig = f"{common}, long long nrows, long long sstep, long long dstep"
        call = (f"cuarray::scan::warps<{ns}::Op, {vec}, {segs}, {_b(use_vec)}>(src, dst, n, "
                "nrows, sstep, dstep, rows);")
        bounds = BLOCK
    elif kind == "tiles":
        vec, segs, use_vec, lookback, status = consts
        sig = (f"{common}, long long sstep, long long dstep, long long per_row, "
               "unsigned* counter, void* words, void* agg, void* inc")
        acc_t = f"{ns}::Op::acc_t"
        st = {"packed4": f"cuarray::scan::Packed4<{acc_t}> st = {{(unsigned long long*)words}};",
              "packed8": f"cuarray::scan::Packed8<{acc_t}> st = {{(unsigned long long*)words}};",
              "split": (f"cuarray::scan::Split<{acc_t}> st = {{(unsigned*)words, ({acc_t}*)agg, "
                        f"({acc_t}*)inc}};")}[status]
        call = (f"(void)agg; (void)inc;\n  {st}\n  cuarray::scan::tiles<{ns}::Op, {vec}, {segs}, "
                f"{_b(use_vec)}, {_b(lookback)}>(src, dst, n, per_row, sstep, dstep, counter, "
                "st, rows);")
        bounds = BLOCK
    elif kind == "columns":
        bx, by, items, lookback = consts
        sig = (f"{common}, long long sstep, long long dstep, long long groups, long long ncols, "
               "unsigned* counter, void* flags, void* agg, void* inc")
        acc_t = f"{ns}::Op::acc_t"
        call = (f"cuarray::scan::columns<{ns}::Op, {bx}, {by}, {items}, {_b(lookback)}>(src, dst, "
                f"n, ncols, groups, sstep, dstep, counter, (unsigned*)flags, ({acc_t}*)agg, "
                f"({acc_t}*)inc, rows);")
        bounds = BLOCK
    else:
        raise ValueError(f"unknown scan kernel kind {kind!r}")
    return (head + f'extern "C" __global__ void __launch_bounds__({bounds}) {name}({sig}{kparams})'
            + "\n{\n" + rows + "  " + call + "\n}\n")


def _b(x) -> str:
    return "true" if x else "false"


# -- launch ---------------------------------------------------------------------------------------

def get_kernel(op: ScanOp, s_dt, loop, o_dt, kind: str, consts, ndim: int):
    key = (op, s_dt, loop, o_dt, kind, consts, ndim)
    fn = _kernels.get(key)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        name = kernel_name(op, (s_dt, loop, o_dt), kind, consts, ndim)
        text = scan_source(name, op, s_dt, loop, o_dt, kind, consts, ndim)
        fn = _kernels[key] = compile_with_cache(text).get_function(name)
    return fn


def scan(op: ScanOp, src, out, axis: int, loop) -> None:
    """out[...] = the inclusive scan of ``src`` along ``axis`` (``out``: same shape, any layout
    and dtype; it may be ``src`` itself, but must not overlap it otherwise)."""
    if out.size == 0:
        return
    loop = numpy.dtype(loop)
    p = plan(op, src, out, axis, loop)
    fn = get_kernel(op, src.dtype, loop, out.dtype, p.kind, p.consts, len(p.kept[0]))
    status = None
    ptrs = (0, 0, 0, 0)
    if p.status is not None:
        status, ptrs = _status_buffer(p, compute_of(loop))
    fn(p.grid, p.block, _arguments(p, src._ptr, out._ptr, ptrs))
    del status      # freed in stream order: the kernel queued before any reuse


def _status_buffer(p: Plan, acc: numpy.dtype):
    """A pool buffer, its counter and flags zeroed on the current stream; the pointers
    (counter, words/flags, aggregate values, inclusive values)."""
    from .._core.ndarray import _empty
    from ..cuda import _copy
    nbytes, zero = p.status
    buf = _empty((nbytes,), numpy.dtype(numpy.uint8))
    _copy.memset8(buf._ptr, 0, zero)
    base = buf._ptr
    words = base + _STATUS_HEADER
    if p.kind == "tiles" and p.consts[-1] != "split":
        return buf, (base, words, 0, 0)
    total = p.grid
    per_tile = p.consts[0] if p.kind == "columns" else 1
    agg = words + _round16(total * 4)
    inc = agg + _round16(total * per_tile * acc.itemsize)
    return buf, (base, words, agg, inc)


def _arguments(p: Plan, src_ptr: int, dst_ptr: int, status_ptrs) -> tuple:
    kshape, ks, kd = p.kept
    kept = []
    for d in range(len(kshape)):
        kept += [kshape[d], ks[d], kd[d]]
    sstep, dstep = p.steps[0], p.steps[1]
    if p.kind in ("sequential", "warps"):
        args = [src_ptr, dst_ptr, p.n, p.rows, sstep, dstep]
    elif p.kind == "tiles":
        args = [src_ptr, dst_ptr, p.n, sstep, dstep, p.steps[2], *status_ptrs]
    else:
        args = [src_ptr, dst_ptr, p.n, sstep, dstep, p.steps[2], p.rows, *status_ptrs]
    return tuple(args + kept)
