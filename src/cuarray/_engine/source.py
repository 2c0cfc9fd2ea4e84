"""Pure C++ source builders for elementwise kernels: (op, operand layout) -> kernel text.

Nothing here touches the GPU, so every generated source can be compiled by NVRTC
in CI.  Reserved names in a body: ``in0``.., ``out0``.. (variables of the compute
type), ``in0_type``.., ``out0_type``.. (typedefs), ``_i`` (the flat index).
"""

from __future__ import annotations

import numpy

from .._core.dtypes import ctype, needs_complex, needs_half

_HALF = numpy.dtype("float16")


def convert(expr: str, src: numpy.dtype, dst: numpy.dtype) -> str:
    """A C++ expression converting ``expr`` from ``src`` to ``dst`` with NumPy's cast rules.

    Complex to real keeps the real part (NumPy's ComplexWarning cast), anything to
    bool tests for non-zero, and half goes through float.
    """
    if src == dst:
        return expr
    sk, dk = src.kind, dst.kind
    if dk == "b":
        if sk == "c":
            return f"((({expr}).re != 0) || (({expr}).im != 0))"
        if src == _HALF:
            return f"(__half2float({expr}) != 0.0f)"
        return f"(({expr}) != 0)"
    if src == _HALF:
        expr, src, sk = f"__half2float({expr})", numpy.dtype("float32"), "f"
        if src == dst:
            return expr
    if sk == "c" and dk != "c":
        expr = f"({expr}).re"
    if dst == _HALF:
        if src == numpy.dtype("float64") or sk == "c" and src.itemsize == 16:
            return f"__double2half((double)({expr}))"
        return f"__float2half((float)({expr}))"
    if dk == "c":
        return f"{ctype(dst)}({expr})"
    if sk in "fc" and dk in "iu":
        return _float_to_int(expr, dst)
    return f"(({ctype(dst)})({expr}))"


def _float_to_int(expr: str, dst: numpy.dtype) -> str:
    """Float to integer as NumPy's C casts compile on x86-64, not the GPU's saturating cvt.

    Out-of-range values are undefined in C; NumPy on x86 truncates through a 32-bit
    (8/16-bit targets) or 64-bit (uint32) signed conversion and wraps, e.g.
    ``-2.0 -> uint16 65534``.  Values beyond int32/int64 and NaN still differ.
    """
    t = ctype(dst)
    if dst.itemsize <= 2:
        return f"(({t})(int)({expr}))"
    if dst == numpy.dtype("uint32"):
        return f"(({t})(long long)({expr}))"
    if dst == numpy.dtype("uint64"):
        return (f"((({expr}) < 9223372036854775808.0) ? ({t})(long long)({expr}) "
                f": ({t})({expr}))")
    return f"(({t})({expr}))"


def includes(dtypes) -> str:
    lines = ["#include <cuarray/common.cuh>"]
    if needs_half(dtypes):
        lines.append("#include <cuda_fp16.h>")
    if needs_complex(dtypes):
        lines.append("#include <cuarray/complex.cuh>")
    return "\n".join(lines) + "\n"


def kernel_name(op_name: str, dtypes, variant: str) -> str:
    """Symbols carry their dtypes so profiler timelines read well."""
    return f"cuarray_{op_name}__{'_'.join(d.name for d in dtypes)}__{variant}"


class Layout:
    """How the operands of one launch are laid out (part of the kernel cache key).

    ``kinds``: per input, "a" (array) or "s" (scalar passed by value); outputs are
    always arrays.  ``variant``: "vec<N>" (contiguous, N values per access), "flat"
    (contiguous, one value per access) or "nd<K>" (K collapsed dimensions, byte
    strides).  ``index``: "int" or "long long".
    """

    __slots__ = ("kinds", "variant", "index", "where")

    def __init__(self, kinds, variant, index, where=False):
        self.kinds, self.variant, self.index, self.where = tuple(kinds), variant, index, where


def elementwise_source(name: str, body: str, preamble: str, in_storage, in_compute,
                       out_storage, out_compute, layout: Layout, *, load_outs=False,
                       loop_prep="", after_loop="") -> str:
    """The full source of one elementwise kernel named ``name``.

    Input kind "r<N>" is a whole N-d array passed as ``cuarray::raw<T, N>`` (a user
    kernel's ``raw`` parameter), bound to ``in<k>`` by reference and never indexed by
    the loop.  ``load_outs``: the outputs start as the values in memory (a body that reads
    them); ``loop_prep``/``after_loop``: statements before and after the loop.
    """
    nin, nout = len(in_storage), len(out_storage)
    dts = list(in_storage) + list(in_compute) + list(out_storage) + list(out_compute)
    idx = layout.index
    typedefs = "".join(f"  typedef {ctype(c)} in{k}_type;\n" for k, c in enumerate(in_compute))
    typedefs += "".join(f"  typedef {ctype(c)} out{k}_type;\n" for k, c in enumerate(out_compute))
    params, arrays = [], []
    for k, (kind, s) in enumerate(zip(layout.kinds, in_storage)):
        if kind == "s":
            params.append(f"const {ctype(in_compute[k])} s_in{k}")
        elif kind[0] == "r":
            params.append(f"const cuarray::raw<{ctype(s)}, {kind[1:]}> r_in{k}")
        else:
            params.append(f"const {ctype(s)}* __restrict__ p_in{k}")
            arrays.append(("in", k, s))
    for k, s in enumerate(out_storage):
        params.append(f"{ctype(s)}* __restrict__ p_out{k}")
        arrays.append(("out", k, s))
    if layout.where:
        params.append("const bool* __restrict__ p_where")
        arrays.append(("where", 0, numpy.dtype(bool)))
    params.append(f"const {idx} n")
    loads = {}
    for k, (kind, s) in enumerate(zip(layout.kinds, in_storage)):
        loads[k] = (f"s_in{k}" if kind == "s" else None, s, in_compute[k])

    def compute(get) -> str:
        """Body of one element: load inputs via ``get(role, k)`` (a storage expression)."""
        lines = []
        for k in range(nin):
            scalar, s, c = loads[k]
            if layout.kinds[k][0] == "r":
                lines.append(f"const cuarray::raw<{ctype(s)}, {layout.kinds[k][1:]}>& in{k} "
                             f"= r_in{k};")
                continue
            src = scalar if scalar is not None else convert(get("in", k), s, c)
            lines.append(f"in{k}_type in{k} = {src};")
        if load_outs:
            lines += [f"out{k}_type out{k} = {convert(get('out', k), s, out_compute[k])};"
                      for k, s in enumerate(out_storage)]
        else:
            lines += [f"out{k}_type out{k};" for k in range(nout)]
        lines.append(body.strip().rstrip(";") + ";")
        stores = [f"{get('out', k)} = {convert(f'out{k}', out_compute[k], s)};"
                  for k, s in enumerate(out_storage)]
        if layout.where:
            return "if (" + get("where", 0) + ") {\n" + "\n".join(lines + stores) + "\n}"
        return "{\n" + "\n".join(lines + stores) + "\n}"

    v = layout.variant
    if v.startswith("vec"):
        loop = _vec_loop(int(v[3:]), arrays, compute, idx, load_outs)
    elif v == "flat":
        loop = ("  CUARRAY_GRID_STRIDE_LOOP(" + idx + ", _i, n) "
                + compute(lambda r, k: f"p_{r}{k if r != 'where' else ''}[_i]") + "\n")
    elif v.startswith("t2_"):
        staged = {int(k) for k in v[3:].split("_")}
        params += [f"const {idx} shape{d}" for d in range(2)]
        params += [f"const {idx} st_{r}{k if r != 'where' else ''}_{d}"
                   for r, k, _ in arrays for d in range(2)]
        loop = _tiled_loop(staged, arrays, compute, idx)
    else:
        ndim = int(v[2:])
        params += [f"const {idx} shape{d}" for d in range(ndim)]
        params += [f"const {idx} st_{r}{k if r != 'where' else ''}_{d}"
                   for r, k, _ in arrays for d in range(ndim)]
        loop = _nd_loop(ndim, arrays, compute, idx)
    head = includes(dts)
    if any(kind[0] == "r" for kind in layout.kinds) or "_ind" in body:
        head += "#include <cuarray/raw.cuh>\n"
    if loop_prep:
        typedefs += "  " + loop_prep.strip().rstrip(";") + ";\n"
    if after_loop:
        loop += "  " + after_loop.strip().rstrip(";") + ";\n"
    return (head + preamble + "\n"
            + f'extern "C" __global__ void {name}(' + ", ".join(params) + ")\n{\n"
            + typedefs + loop + "}\n")


def _ptr(role: str, k: int) -> str:
    return f"p_{role}{k if role != 'where' else ''}"


def _vec_loop(n: int, arrays, compute, idx: str, load_outs=False) -> str:
    """Contiguous operands, ``n`` values per vector access, then a scalar tail."""
    lines = [f"  const {idx} nvec = n / {n};",
             f"  CUARRAY_GRID_STRIDE_LOOP({idx}, _v, nvec) {{"]
    for r, k, s in arrays:
        if r != "out" or load_outs:
            const = "const " if r != "out" else ""
            lines.append(f"    {const}cuarray::vec<{ctype(s)}, {n}> v_{_ptr(r, k)} = "
                         f"reinterpret_cast<const cuarray::vec<{ctype(s)}, {n}>*>({_ptr(r, k)})[_v];")
        else:
            lines.append(f"    cuarray::vec<{ctype(s)}, {n}> v_{_ptr(r, k)};")
    lines.append("    #pragma unroll")
    lines.append(f"    for (int _j = 0; _j < {n}; ++_j) {{ const {idx} _i = _v * {n} + _j; (void)_i; "
                 + compute(lambda r, k: f"v_{_ptr(r, k)}.v[_j]") + " }")
    for r, k, s in arrays:
        if r == "out":
            lines.append(f"    reinterpret_cast<cuarray::vec<{ctype(s)}, {n}>*>({_ptr(r, k)})[_v] "
                         f"= v_{_ptr(r, k)};")
    lines.append("  }")
    lines.append(f"  for ({idx} _i = nvec * {n} + (({idx})blockIdx.x * blockDim.x + threadIdx.x);"
                 f" _i < n; _i += ({idx})blockDim.x * gridDim.x) "
                 + compute(lambda r, k: f"{_ptr(r, k)}[_i]"))
    return "\n".join(lines) + "\n"


def _nd_loop(ndim: int, arrays, compute, idx: str) -> str:
    """Strided operands over ``ndim`` collapsed dimensions (byte strides, row-major index)."""
    lines = [f"  CUARRAY_GRID_STRIDE_LOOP({idx}, _i, n) {{", f"    {idx} _r = _i;"]
    offs = [f"o_{_ptr(r, k)}" for r, k, _ in arrays]
    lines.append(f"    {idx} " + ", ".join(f"{o} = 0" for o in offs) + ";")
    for d in range(ndim - 1, -1, -1):
        if d:
            lines.append(f"    {{ const {idx} _c = _r % shape{d}; _r /= shape{d};")
        else:
            lines.append(f"    {{ const {idx} _c = _r;")
        for (r, k, _), o in zip(arrays, offs):
            lines.append(f"      {o} += _c * st_{r}{k if r != 'where' else ''}_{d};")
        lines.append("    }")

    def get(r, k):
        s = next(s for rr, kk, s in arrays if rr == r and kk == k)
        const = "" if r == "out" else "const "
        return (f"(*reinterpret_cast<{const}{ctype(s)}*>("
                f"reinterpret_cast<{const}char*>({_ptr(r, k)}) + o_{_ptr(r, k)}))")
    lines.append("    " + compute(get))
    lines.append("  }")
    return "\n".join(lines) + "\n"


TILE = 32
TILE_ROWS = 8      # blockDim = (TILE, TILE_ROWS)


def _tiled_loop(staged, arrays, compute, idx: str) -> str:
    """Two collapsed axes where some inputs run along axis 0 and the outputs along axis 1.

    Each block stages a 32x32 tile of every such input through shared memory, read
    along its contiguous axis, so both the staged reads and the other operands' reads
    and writes are coalesced (the classic transpose tiling; +1 column of padding
    keeps the column reads free of bank conflicts).
    """
    def addr(r, k, s, row, col, const=True):
        c = "const " if const else ""
        return (f"(*reinterpret_cast<{c}{ctype(s)}*>(reinterpret_cast<{c}char*>({_ptr(r, k)})"
                f" + {row} * st_{r}{k if r != 'where' else ''}_0"
                f" + {col} * st_{r}{k if r != 'where' else ''}_1))")

    lines = []
    for r, k, s in arrays:
        if r == "in" and k in staged:
            lines.append(f"  __shared__ {ctype(s)} t_in{k}[{TILE}][{TILE + 1}];")
    lines += [f"  const {idx} tiles1 = (shape1 + {TILE - 1}) / {TILE};",
              f"  const {idx} ntiles = tiles1 * ((shape0 + {TILE - 1}) / {TILE});",
              f"  for ({idx} _t = blockIdx.x; _t < ntiles; _t += gridDim.x) {{",
              f"    const {idx} r0 = (_t / tiles1) * {TILE}, c0 = (_t % tiles1) * {TILE};",
              "    #pragma unroll",
              f"    for (int _j = threadIdx.y; _j < {TILE}; _j += {TILE_ROWS}) {{",
              f"      const {idx} _r = r0 + threadIdx.x, _c = c0 + _j;",
              "      if (_r < shape0 && _c < shape1) {"]
    for r, k, s in arrays:
        if r == "in" and k in staged:
            lines.append(f"        t_in{k}[_j][threadIdx.x] = {addr(r, k, s, '_r', '_c')};")
    lines += ["      }", "    }", "    __syncthreads();",
              "    #pragma unroll",
              f"    for (int _j = threadIdx.y; _j < {TILE}; _j += {TILE_ROWS}) {{",
              f"      const {idx} _r = r0 + _j, _c = c0 + threadIdx.x;",
              f"      const {idx} _i = _r * shape1 + _c;",
              "      (void)_i;",
              "      if (_r < shape0 && _c < shape1) "]

    def get(r, k):
        if r == "in" and k in staged:
            return f"t_in{k}[threadIdx.x][_j]"
        s = next(s for rr, kk, s in arrays if rr == r and kk == k)
        return addr(r, k, s, "_r", "_c", const=(r != "out"))
    lines[-1] += compute(get)
    lines += ["    }", "    __syncthreads();", "  }"]
    return "\n".join(lines) + "\n"
