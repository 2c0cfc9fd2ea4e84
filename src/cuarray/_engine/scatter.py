"""Scatter kernels: the unbuffered in-place updates behind ``ufunc.at``.

A scatter walks a *selection* of elements of an array ``a`` and replaces each
element x by ``op(x, b)`` (or ``op(x)``), where ``b`` is a broadcast operand.
The selection is a set of *dims*, each ``(kind, extent, a_stride, b_stride)``:

- kind ``"s"``: a strided axis of ``a`` (``a_stride`` in bytes);
- kind ``"i"``: an axis of the index table, an int64 array of byte offsets into
  ``a`` (``a_stride`` counts table elements); the table is what integer-array
  indices become, and the only source of repeated elements;
- ``b_stride``: bytes in ``b`` (0 where ``b`` is broadcast).

Element k of the selection lies at ``a + sum(s-dim offsets) + table[sum(i-dim
offsets)]``.  One thread per element; how it updates is the *mode*:

- a native atomic (``"add"``, ``"sub"``, ``"max"``, ``"min"``, ``"and"``, ``"or"``,
  ``"xor"``), where the hardware computes exactly the ufunc's loop (``NATIVE``);
- ``"cas"``: a compare-and-swap loop around the ufunc's own loop body
  (``cuarray/atomic.cuh``; 16-byte types need sm_90's 128-bit CAS);
- ``"plain"``: a non-atomic read-modify-write, when no element can repeat;
- ``"serial"``: one block walks the index table in order, one table entry at a
  time, the entry's elements in parallel; for 16-byte types where no 128-bit CAS
  exists (before sm_90, or a view not aligned to 16 bytes).  Correct and slow.

The source builder is pure (CI compiles every variant for sm_90 without a GPU);
``launch`` collapses dims, picks 32- or 64-bit indexing and caches kernels.
"""

from __future__ import annotations

import numpy

from .._core.dtypes import COMPUTE, ctype
from . import source as _src

BLOCK = 256
INT32_LIMIT = 2**31 - 2**25
_kernels: dict = {}

_INTS_4_8 = ("int32", "uint32", "int64", "uint64")
_INTS = ("int8", "uint8", "int16", "uint16") + _INTS_4_8
#: atomic operation -> dtypes of ``a`` on which the native atomic computes it exactly.  float16
#: has none (NumPy computes in float32 and rounds each result to half), nor do 1- and 2-byte
#: integers for add/max/min (no sub-word atomics).  Complex add/sub is one atomic per part.
#: float32 add is a CAS loop inside the header's add() (the plain float atomicAdd flushes
#: subnormals to zero, and CUDA 13.0's ptxas rejects the non-flushing red.add.noftz.f32).
NATIVE = {
    "add": _INTS_4_8 + ("float32", "float64", "complex64", "complex128"),
    "sub": _INTS_4_8 + ("float32", "float64", "complex64", "complex128"),
    "max": _INTS_4_8,
    "min": _INTS_4_8,
    "and": ("bool",) + _INTS,
    "or": ("bool",) + _INTS,
    "xor": ("bool",) + _INTS,
}
MODES = tuple(NATIVE) + ("cas", "plain", "serial")
_DEVICE_FN = {"add": "add", "sub": "sub", "max": "max", "min": "min",
              "and": "bit_and", "or": "bit_or", "xor": "bit_xor"}


class ScatterLayout:
    """The launch-dependent part of a scatter kernel (part of the cache key).

    ``b_kind``: "a" (array), "s" (scalar by value) or "" (unary ufunc).  ``dims``: one
    letter per collapsed dim, "i" or "s" (see the module docstring).  ``table``: whether
    an index table is read (it is, even with no "i" dim left, when it has one entry).
    ``index``: "int" or "long long".  ``mode``: one of ``MODES``.
    """

    __slots__ = ("b_kind", "dims", "table", "index", "mode")

    def __init__(self, b_kind: str, dims: str, table: bool, index: str, mode: str):
        if mode not in MODES:
            raise ValueError(f"unknown scatter mode {mode!r}")
        self.b_kind, self.dims, self.table, self.index, self.mode = (
            b_kind, dims, table, index, mode)

    def key(self) -> tuple:
        return (self.b_kind, self.dims, self.table, self.index, self.mode)

    def variant(self) -> str:
        return (f"{self.mode}_{self.dims or 'x'}{'t' if self.table else ''}_"
                f"{self.b_kind or 'u'}{'64' if self.index != 'int' else ''}")


def pick_mode(atomic, a_dtype, loop_in, loop_out, repeats: bool, sm: int,
              aligned16: bool) -> str:
    """The update mode for a scatter into ``a_dtype`` with NumPy's loop ``loop_in -> loop_out``.

    ``atomic``: the ufunc's declared native operation for this loop (or None); it applies
    only when every loop dtype is ``a``'s own.  ``repeats``: whether an element may be
    selected twice (an index table of two or more entries).
    """
    if not repeats:
        return "plain"
    if (atomic is not None and loop_out == a_dtype and all(d == a_dtype for d in loop_in)
            and a_dtype.name in NATIVE[atomic]):
        return atomic
    if a_dtype.itemsize == 16 and (sm < 90 or not aligned16):
        return "serial"
    return "cas"


def _convert(expr, src, mid, dst):
    """``expr`` from ``src`` through NumPy's loop dtype ``mid`` to ``dst`` (exact casts chain)."""
    return _src.convert(_src.convert(expr, src, mid), mid, dst)


def scatter_source(name: str, body: str, preamble: str, a_dtype, loop_in, loop_out,
                   b_storage, layout: ScatterLayout) -> str:
    """The source of one scatter kernel named ``name``.

    ``loop_in``/``loop_out``: NumPy's loop dtypes (compute dtypes follow ``COMPUTE``);
    ``b_storage``: the dtype of an array ``b`` (ignored for a scalar or unary ufunc).
    """
    in_c = tuple(COMPUTE.get(d, d) for d in loop_in)
    out_c = COMPUTE.get(loop_out, loop_out)
    dts = [a_dtype, *loop_in, *in_c, loop_out, out_c]
    if layout.b_kind == "a":
        dts.append(b_storage)
    idx, mode, nd = layout.index, layout.mode, len(layout.dims)
    at = ctype(a_dtype)
    binary = len(loop_in) == 2
    parts = [_src.includes(dts), "#include <cuarray/atomic.cuh>\n", preamble, "\n"]
    if mode not in NATIVE:
        parts.append(_apply_source(name, body, a_dtype, loop_in, in_c, loop_out, out_c))
    params = ["char* p_a"]
    if layout.table:
        params.append("const long long* __restrict__ p_off")
    if layout.b_kind == "a":
        params.append(f"const {ctype(b_storage)}* __restrict__ p_b")
    elif layout.b_kind == "s":
        params.append(f"const {ctype(in_c[1])} s_b")
    params.append(f"const {idx} n")
    if mode == "serial":
        params.append(f"const {idx} inner")
    params += [f"const {idx} shape{d}" for d in range(nd)]
    params += [f"const {idx} st_a{d}" for d in range(nd)]
    if layout.b_kind == "a":
        params += [f"const {idx} st_b{d}" for d in range(nd)]
    element = _element(name, layout, a_dtype, at, binary, loop_in, in_c, b_storage)
    if mode == "serial":
        loop = (f"  for ({idx} _row = 0; _row < n; _row += inner) {{\n"
                f"    for ({idx} _t = threadIdx.x; _t < inner; _t += blockDim.x) {{\n"
                f"      const {idx} _i = _row + _t;\n{element}    }}\n"
                "    __syncthreads();\n  }\n")
    else:
        loop = f"  CUARRAY_GRID_STRIDE_LOOP({idx}, _i, n) {{\n{element}  }}\n"
    parts.append(f'extern "C" __global__ void {name}(' + ", ".join(params) + ")\n{\n"
                 + loop + "}\n")
    return "".join(parts)


def _apply_source(name, body, a_dtype, loop_in, in_c, loop_out, out_c) -> str:
    """``{name}_apply``: one step of the ufunc's loop on an element of ``a`` (and ``b``),
    converting through NumPy's loop dtypes and back into ``a``'s dtype (the 'unsafe' cast
    of NumPy's ``ufunc.at``); float16 loops compute in float32 and round on the way out."""
    at = ctype(a_dtype)
    args = f"const {at} _x" + (f", const {ctype(in_c[1])} in1" if len(loop_in) == 2 else "")
    lines = [f"static __device__ __forceinline__ {at} {name}_apply({args}) {{"]
    lines += [f"  typedef {ctype(c)} in{k}_type;" for k, c in enumerate(in_c)]
    lines.append(f"  typedef {ctype(out_c)} out0_type;")
    lines.append(f"  in0_type in0 = {_convert('_x', a_dtype, loop_in[0], in_c[0])};")
    lines.append("  out0_type out0;")
    lines.append("  " + body.strip().rstrip(";") + ";")
    lines.append(f"  return {_convert('out0', out_c, loop_out, a_dtype)};")
    lines.append("}\n")
    return "\n".join(lines) + "\n"


def _element(name, layout, a_dtype, at, binary, loop_in, in_c, b_storage) -> str:
    """The statements for element ``_i``: its offsets, ``b``'s value, the update."""
    idx, dims, nd = layout.index, layout.dims, len(layout.dims)
    has_b = layout.b_kind == "a"
    ind = "    "
    lines = [f"{idx} _r = _i, o_a = 0, o_p = 0, o_b = 0;",
             "(void)_r; (void)o_p; (void)o_b;"]
    for d in range(nd - 1, -1, -1):
        coord = f"_r % shape{d}" if d else "_r"
        step = f"_r /= shape{d}; " if d else ""
        target = "o_p" if dims[d] == "i" else "o_a"
        b_part = f" o_b += _c * st_b{d};" if has_b else ""
        lines.append(f"{{ const {idx} _c = {coord}; {step}{target} += _c * st_a{d};{b_part} }}")
    offset = "o_a + p_off[o_p]" if layout.table else "o_a"
    lines.append(f"{at}* _p = reinterpret_cast<{at}*>(p_a + {offset});")
    if binary:
        if has_b:
            load = (f"*reinterpret_cast<const {ctype(b_storage)}*>("
                    f"reinterpret_cast<const char*>(p_b) + o_b)")
            value = _convert(load, b_storage, loop_in[1], in_c[1])
        else:
            value = "s_b"
        lines.append(f"const {ctype(in_c[1])} _b = {value};")
    mode = layout.mode
    call = f"{name}_apply(_v, _b)" if binary else f"{name}_apply(_v)"
    if mode in NATIVE:
        fn = f"cuarray::atomic::{_DEVICE_FN[mode]}"
        if a_dtype.kind == "c":
            lines.append(f"{fn}(&_p->re, _b.re); {fn}(&_p->im, _b.im);")
        else:
            lines.append(f"{fn}(_p, _b);")
    elif mode == "cas":
        lines.append(f"cuarray::atomic::update(_p, [&](const {at} _v) {{ return {call}; }});")
    else:
        lines.append(f"{{ const {at} _v = *_p; *_p = {call}; }}")
    return "".join(f"{ind}{line}\n" for line in lines)


# -- launching -----------------------------------------------------------------------------------

def collapse_dims(dims) -> list:
    """Drop extent-1 dims and merge neighbours of one kind whose strides chain (C order)."""
    out = []
    for kind, ext, sa, sb in dims:
        if ext == 1:
            continue
        if out:
            k0, e0, a0, b0 = out[-1]
            if k0 == kind and a0 == sa * ext and b0 == sb * ext:
                out[-1] = (kind, e0 * ext, sa, sb)
                continue
        out.append((kind, ext, sa, sb))
    return out


def _fits32(dims, n) -> bool:
    if n >= INT32_LIMIT:
        return False
    for pos in (2, 3):
        if sum((d[1] - 1) * abs(d[pos]) for d in dims) >= INT32_LIMIT:
            return False
    return True


def get_kernel(name, body, preamble, a_dtype, loop_in, loop_out, b_storage, layout):
    key = (name, body, preamble, a_dtype, loop_in, loop_out, b_storage, layout.key())
    fn = _kernels.get(key)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        kname = kernel_name(name, a_dtype, loop_in, loop_out, b_storage, layout)
        text = scatter_source(kname, body, preamble, a_dtype, loop_in, loop_out, b_storage,
                              layout)
        fn = _kernels[key] = compile_with_cache(text).get_function(kname)
    return fn


def kernel_name(name, a_dtype, loop_in, loop_out, b_storage, layout) -> str:
    dts = (a_dtype, *loop_in, loop_out) + ((b_storage,) if layout.b_kind == "a" else ())
    return _src.kernel_name(f"{name}_at", dts, layout.variant())


def launch(name, body, preamble, a_dtype, loop_in, loop_out, mode, base_ptr, dims, table, b):
    """Run one scatter.

    ``base_ptr``: the address of the selection's first element (before table offsets);
    ``dims``: [(kind, extent, a_stride, b_stride)] in any order; ``table``: an int64 device
    array or None; ``b``: a device array (read with the b strides), a NumPy scalar of the
    loop's second compute dtype, or None (unary).
    """
    n = 1
    for d in dims:
        n *= d[1]
    if n == 0:
        return
    dims = collapse_dims(dims)
    if mode == "serial":        # table entries outermost: one entry's elements per step
        dims = [d for d in dims if d[0] == "i"] + [d for d in dims if d[0] != "i"]
    index = "int" if _fits32(dims, n) else "long long"
    b_kind = "" if b is None else ("a" if hasattr(b, "_ptr") else "s")
    b_storage = b.dtype if b_kind == "a" else None
    layout = ScatterLayout(b_kind, "".join(d[0] for d in dims), table is not None, index, mode)
    fn = get_kernel(name, body, preamble, a_dtype, loop_in, loop_out, b_storage, layout)
    args = [base_ptr]
    if table is not None:
        args.append(table._ptr)
    if b_kind == "a":
        args.append(b._ptr)
    elif b_kind == "s":
        args.append(b)
    args.append(n)
    if mode == "serial":
        inner = 1
        for d in dims:
            if d[0] != "i":
                inner *= d[1]
        args.append(inner)
    args += [d[1] for d in dims] + [d[2] for d in dims]
    if b_kind == "a":
        args += [d[3] for d in dims]
    if mode == "serial":
        fn(1, BLOCK, tuple(args))
        return
    from .elementwise import max_grid
    fn(min((n + BLOCK - 1) // BLOCK, max_grid()), BLOCK, tuple(args))


def device_sm() -> int:
    """The current device's compute capability as an int (90 for sm_90)."""
    from ..cuda.compiler import _device_arch
    return int("".join(c for c in _device_arch() if c.isdigit()))


# -- index tables from device index arrays ------------------------------------------------------

_OFFSET_PREAMBLE = """
#ifndef CUARRAY_AT_OFFSET
#define CUARRAY_AT_OFFSET
// Index v of an axis of extent n as a byte offset.  The index converts to int64 first, as
// NumPy casts index arrays to intp (a uint64 index wraps); a negative one counts from the
// end.  Out of bounds: the smallest (array k, position) key is kept in *bad and 0 returned.
template <typename T>
__device__ __forceinline__ long long cuarray_at_offset(const T v, const long long n,
    const long long stride, const int k, const long long pos, unsigned long long* bad) {
  long long i = (long long)v;
  if (i < 0) i += n;
  if (i < 0 || i >= n) {
    atomicMin(bad, ((unsigned long long)k << 56) | (unsigned long long)pos);
    return 0;
  }
  return i * stride;
}
#endif
"""
_offset_ops: dict = {}
_I64 = numpy.dtype(numpy.int64)
_U64 = numpy.dtype(numpy.uint64)
POSITION_BITS = 56


def offset_op(k: int):
    """The elementwise op turning ``k`` broadcast index arrays into one byte-offset table.

    Inputs: the k arrays, then k extents, k byte strides (int64 scalars) and the address
    of the error key (a uint64 scalar); ``_i`` is the table position.
    """
    op = _offset_ops.get(k)
    if op is None:
        from .elementwise import ElementwiseOp
        lines = ["long long _o = 0"]
        lines += [f"_o += cuarray_at_offset(in{j}, in{k + j}, in{2 * k + j}, {j}, (long long)_i, "
                  f"reinterpret_cast<unsigned long long*>(in{3 * k}))" for j in range(k)]
        lines.append("out0 = _o")
        op = _offset_ops[k] = ElementwiseOp(f"at_offsets{k}", "; ".join(lines), 3 * k + 1, 1,
                                            _OFFSET_PREAMBLE)
    return op


def device_table(arrays, extents, strides, shape):
    """The int64 byte-offset table of index ``arrays`` (device, integer) broadcast to ``shape``.

    Returns (table, bad): ``bad`` is None, or (k, position) of the first out-of-bounds
    index (array k first, then the position in ``shape``'s C order).  Reading that back
    synchronises the stream.
    """
    from .._core.ndarray import _empty
    from ..cuda import _copy
    from .elementwise import launch as ew_launch
    k = len(arrays)
    table = _empty(tuple(shape), _I64)
    if not table.size:
        return table, None
    flag = _empty((1,), _U64)
    _copy.memset8(flag._ptr, 0xFF, 8)
    inputs = (list(arrays) + [numpy.int64(e) for e in extents]
              + [numpy.int64(s) for s in strides] + [numpy.uint64(flag._ptr)])
    storage = tuple(x.dtype for x in arrays) + (_I64,) * (2 * k) + (_U64,)
    ew_launch(offset_op(k), inputs, storage, storage, [table], (_I64,))
    host = numpy.empty(1, _U64)
    _copy.dtoh(host.ctypes.data, flag._ptr, 8)
    key = int(host[0])
    if key == 2**64 - 1:
        return table, None
    return table, (key >> POSITION_BITS, key & ((1 << POSITION_BITS) - 1))
