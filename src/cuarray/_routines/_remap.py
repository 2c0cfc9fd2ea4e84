"""One gather kernel for the manipulation routines whose output element copies one source
element found by a per-axis index map (pad, roll, repeat, delete, insert, resize).

``out[o_0, ..., o_k] = src[s_0(o_0), ..., s_k(o_k)]`` where each axis has its own map:

- ``id``: ``s = o`` (the axis is not touched);
- ``edge``, ``reflect``, ``symmetric``, ``wrap``: NumPy's pad modes for a source of
  length ``n`` placed after ``b`` output positions (``p = o - b``), the even
  reflections closed over any pad width (NumPy pads wide areas chunk by chunk; the
  result is the periodic extension computed here);
- ``const``: ``p`` outside ``[0, n)`` writes a constant instead; where several axes
  are outside, the highest (original) axis's constant wins, as NumPy pads axis after
  axis and the last axis writes the corners;
- ``roll``: ``s = (o - shift) mod n``;
- ``table``: ``s = table[o]`` (an int64 device array).

Elements move as raw bits (words of the widest size the pointers and strides allow),
so one kernel serves every dtype of an item size.  The launcher reorders axes so the
output's fastest axis runs innermost, drops and merges untouched axes, and uses 32-bit
indices when every extent fits: one launch, each output byte written once.
"""

from __future__ import annotations

import ctypes
import math

from .._engine.elementwise import BLOCK, INT32_LIMIT, max_grid

KINDS = ("id", "edge", "reflect", "symmetric", "wrap", "const", "roll", "table")
_WORDS = {1: "unsigned char", 2: "unsigned short", 4: "unsigned int", 8: "unsigned long long"}
_kernels: dict = {}


class AxisMap:
    """How one output axis finds its source index (see the module docstring)."""

    __slots__ = ("kind", "b", "n", "table", "lo", "hi")

    def __init__(self, kind, b=0, n=0, table=None, lo=None, hi=None):
        self.kind, self.b, self.n, self.table, self.lo, self.hi = kind, b, n, table, lo, hi


IDENTITY = AxisMap("id")


# -- source -----------------------------------------------------------------------------
def _axis_code(kind: str, d: int, idx: str) -> str:
    """C++ that sets ``_s`` (the source index on axis ``d``) from ``_o``."""
    p = f"const {idx} _p = _o - b{d};"
    inside = f"if (_p >= 0 && _p < n{d}) {{ _s = _p; }} else "
    if kind == "id":
        return "_s = _o;"
    if kind == "edge":
        return f"{p} _s = _p < 0 ? 0 : (_p >= n{d} ? n{d} - 1 : _p);"
    if kind == "reflect":
        return (f"{p} {inside}if (n{d} == 1) {{ _s = 0; }} else {{ "
                f"const {idx} _P = 2 * (n{d} - 1); {idx} _m = _p % _P; if (_m < 0) _m += _P; "
                f"_s = _m < n{d} ? _m : _P - _m; }}")
    if kind == "symmetric":
        return (f"{p} {inside}{{ const {idx} _P = 2 * n{d}; {idx} _m = _p % _P; "
                f"if (_m < 0) _m += _P; _s = _m < n{d} ? _m : _P - 1 - _m; }}")
    if kind == "wrap":
        return f"{p} {inside}{{ {idx} _m = _p % n{d}; if (_m < 0) _m += n{d}; _s = _m; }}"
    if kind == "const":
        # Of the axes where p is outside the source, the one of highest rank (the
        # original axis number) gives the constant.
        return (f"{p} if (_p >= 0 && _p < n{d}) {{ _s = _p; }} else {{ _s = 0; "
                f"if (r{d} > _rank) {{ _rank = r{d}; _v = _p < 0 ? lo{d} : hi{d}; }} }}")
    if kind == "roll":
        return f"_s = _o - b{d}; if (_s < 0) _s += n{d};"
    if kind == "table":
        return f"_s = ({idx})t{d}[_o];"
    raise ValueError(f"unknown axis map {kind!r}")


def _elem_decl(itemsize: int, word: int) -> str:
    if word == 16:
        return "struct alignas(16) cuarray_elem { unsigned long long w[2]; };\n"
    return (f"struct alignas({word}) cuarray_elem {{ {_WORDS[word]} w[{itemsize // word}]; }};\n")


def kernel_name(itemsize, word, kinds, dense, idx) -> str:
    layout = "dense" if dense else "strided"
    bits = "i32" if idx == "int" else "i64"
    return f"cuarray_remap__{itemsize}b_w{word}_{'_'.join(kinds)}__{layout}_{bits}"


def remap_source(itemsize: int, word: int, kinds: tuple, dense: bool, idx: str) -> str:
    """The full source of one gather kernel: ``kinds`` per axis, slowest first."""
    name = kernel_name(itemsize, word, kinds, dense, idx)
    params = ["const char* __restrict__ src", "char* __restrict__ out", f"const {idx} n"]
    for d, kind in enumerate(kinds):
        params.append(f"const {idx} os{d}")
        if not dense:
            params.append(f"const {idx} ot{d}")
        params.append(f"const {idx} st{d}")
        if kind in ("edge", "reflect", "symmetric", "wrap", "const", "roll"):
            params += [f"const {idx} b{d}", f"const {idx} n{d}"]
        if kind == "table":
            params.append(f"const long long* __restrict__ t{d}")
        if kind == "const":
            params += [f"const cuarray_elem lo{d}", f"const cuarray_elem hi{d}", f"const int r{d}"]
    has_const = "const" in kinds
    lines = [f"  CUARRAY_GRID_STRIDE_LOOP({idx}, _i, n) {{",
             f"    {idx} _r = _i, _so = 0" + ("" if dense else ", _oo = 0") + ";"]
    if has_const:
        lines.append("    int _rank = -1; cuarray_elem _v;")
    for d in range(len(kinds) - 1, -1, -1):
        lines.append(f"    {{ const {idx} _o = " + (f"_r % os{d}; _r /= os{d};" if d else "_r;"))
        lines.append(f"      {idx} _s; {_axis_code(kinds[d], d, idx)}")
        lines.append(f"      _so += _s * st{d};" + ("" if dense else f" _oo += _o * ot{d};"))
        lines.append("    }")
    dst = ("reinterpret_cast<cuarray_elem*>(out)[_i]" if dense
           else "*reinterpret_cast<cuarray_elem*>(out + _oo)")
    load = "*reinterpret_cast<const cuarray_elem*>(src + _so)"
    lines.append(f"    {dst} = " + (f"_rank >= 0 ? _v : {load};" if has_const else f"{load};"))
    lines.append("  }")
    return ("#include <cuarray/common.cuh>\n" + _elem_decl(itemsize, word)
            + f'extern "C" __global__ void {name}(' + ", ".join(params) + ")\n{\n"
            + "\n".join(lines) + "\n}\n")


def _kernel(itemsize, word, kinds, dense, idx):
    key = (itemsize, word, kinds, dense, idx)
    fn = _kernels.get(key)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        src = remap_source(itemsize, word, kinds, dense, idx)
        fn = _kernels[key] = compile_with_cache(src).get_function(
            kernel_name(itemsize, word, kinds, dense, idx))
    return fn


# -- planning ----------------------------------------------------------------------------
def word_size(itemsize: int, values) -> int:
    """The widest power-of-two word (<= 16 bytes, dividing the item) every address allows."""
    g = itemsize
    for v in values:
        g = math.gcd(g, v)
    w = 1
    while w * 2 <= min(g, 16) and g % (w * 2) == 0:
        w *= 2
    return w


def plan(out_shape, out_strides, src_strides, maps, itemsize):
    """Axes for the kernel: (shape, out stride, src stride, map, original axis), slowest
    first.

    Axes are ordered by the output's strides (its fastest axis innermost), untouched
    axes of length 1 are dropped, and adjacent untouched axes that both arrays walk
    contiguously are merged.  Returns also whether the output is dense in that order.
    """
    order = sorted(range(len(out_shape)), key=lambda d: (-abs(out_strides[d]), d))
    axes = []
    for d in order:
        m = maps[d]
        if m.kind == "id" and out_shape[d] == 1:
            continue
        if (axes and m.kind == "id" and axes[-1][3].kind == "id"
                and axes[-1][1] == out_shape[d] * out_strides[d]
                and axes[-1][2] == out_shape[d] * src_strides[d]):
            prev = axes[-1]
            axes[-1] = (prev[0] * out_shape[d], out_strides[d], src_strides[d], m, d)
            continue
        axes.append((out_shape[d], out_strides[d], src_strides[d], m, d))
    dense, step = True, itemsize
    for shape, ost, _, _, _ in reversed(axes):
        if ost != step:
            dense = False
            break
        step *= shape
    return axes, dense


def _span(axes, src: bool) -> int:
    total = 0
    for shape, ost, sst, m, _ in axes:
        extent = m.n if (src and m.kind not in ("id",)) else shape
        total += max(extent - 1, 0) * abs(sst if src else ost)
    return total


def remap(out, src, maps) -> None:
    """``out[o] = src[s(o)]`` with one map per axis (``maps[d]`` an :class:`AxisMap`).

    ``out`` and ``src`` have the same dtype and number of dimensions; ``out`` may be
    any view.  Source indices must be in range (tables are trusted).
    """
    n = out.size
    if n == 0:
        return
    itemsize = out.dtype.itemsize
    axes, dense = plan(out._shape, out._strides, src._strides, maps, itemsize)
    if not axes:                    # a single element copied
        axes, dense = [(1, itemsize, itemsize, IDENTITY, 0)], True
    kinds = tuple(a[3].kind for a in axes)
    idx = ("int" if n < INT32_LIMIT and _span(axes, True) < INT32_LIMIT
           and _span(axes, False) < INT32_LIMIT else "long long")
    word = word_size(itemsize, [out._ptr, src._ptr] + [a[1] for a in axes]
                     + [a[2] for a in axes])
    fn = _kernel(itemsize, word, kinds, dense, idx)
    args = [src._ptr, out._ptr, n]
    for shape, ost, sst, m, rank in axes:
        args.append(shape)
        if not dense:
            args.append(ost)
        args.append(sst)
        if m.kind in ("edge", "reflect", "symmetric", "wrap", "const", "roll"):
            args += [m.b, m.n]
        if m.kind == "table":
            args.append(m.table._ptr)
        if m.kind == "const":
            args += [_bits(m.lo, itemsize), _bits(m.hi, itemsize), rank]
    grid = min((n + BLOCK - 1) // BLOCK, max_grid())
    fn(grid, BLOCK, tuple(args))


def _bits(value, itemsize: int):
    """A NumPy scalar's bytes as a kernel argument of the element struct's size."""
    raw = value.tobytes()
    return (ctypes.c_ubyte * itemsize).from_buffer_copy(raw)
