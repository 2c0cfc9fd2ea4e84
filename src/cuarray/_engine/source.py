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
    return f"(({ctype(dst)})({expr}))"


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
                       out_storage, out_compute, layout: Layout) -> str:
    """The full source of one elementwise kernel named ``name``."""
    nin, nout = len(in_storage), len(out_storage)
    dts = list(in_storage) + list(in_compute) + list(out_storage) + list(out_compute)
    idx = layout.index
    typedefs = "".join(f"  typedef {ctype(c)} in{k}_type;\n" for k, c in enumerate(in_compute))
    typedefs += "".join(f"  typedef {ctype(c)} out{k}_type;\n" for k, c in enumerate(out_compute))
    params, arrays = [], []
    for k, (kind, s) in enumerate(zip(layout.kinds, in_storage)):
        if kind == "s":
            params.append(f"const {ctype(in_compute[k])} s_in{k}")
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
            src = scalar if scalar is not None else convert(get("in", k), s, c)
            lines.append(f"in{k}_type in{k} = {src};")
        lines += [f"out{k}_type out{k};" for k in range(nout)]
        lines.append(body.strip().rstrip(";") + ";")
        stores = [f"{get('out', k)} = {convert(f'out{k}', out_compute[k], s)};"
                  for k, s in enumerate(out_storage)]
        if layout.where:
            return "if (" + get("where", 0) + ") {\n" + "\n".join(lines + stores) + "\n}"
        return "{\n" + "\n".join(lines + stores) + "\n}"

    v = layout.variant
    if v.startswith("vec"):
        loop = _vec_loop(int(v[3:]), arrays, compute, idx)
    elif v == "flat":
        loop = ("  CUARRAY_GRID_STRIDE_LOOP(" + idx + ", _i, n) "
                + compute(lambda r, k: f"p_{r}{k if r != 'where' else ''}[_i]") + "\n")
    else:
        ndim = int(v[2:])
        params += [f"const {idx} shape{d}" for d in range(ndim)]
        params += [f"const {idx} st_{r}{k if r != 'where' else ''}_{d}"
                   for r, k, _ in arrays for d in range(ndim)]
        loop = _nd_loop(ndim, arrays, compute, idx)
    return (includes(dts) + preamble + "\n"
            + f'extern "C" __global__ void {name}(' + ", ".join(params) + ")\n{\n"
            + typedefs + loop + "}\n")


def _ptr(role: str, k: int) -> str:
    return f"p_{role}{k if role != 'where' else ''}"


def _vec_loop(n: int, arrays, compute, idx: str) -> str:
    """Contiguous operands, ``n`` values per vector access, then a scalar tail."""
    lines = [f"  const {idx} nvec = n / {n};",
             f"  CUARRAY_GRID_STRIDE_LOOP({idx}, _v, nvec) {{"]
    for r, k, s in arrays:
        if r != "out":
            lines.append(f"    const cuarray::vec<{ctype(s)}, {n}> v_{_ptr(r, k)} = "
                         f"reinterpret_cast<const cuarray::vec<{ctype(s)}, {n}>*>({_ptr(r, k)})[_v];")
        else:
            lines.append(f"    cuarray::vec<{ctype(s)}, {n}> v_{_ptr(r, k)};")
    lines.append("    #pragma unroll")
    lines.append(f"    for (int _j = 0; _j < {n}; ++_j) {{ const {idx} _i = _v * {n} + _j; "
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
