"""Random kernels: distributions as data, their CUDA sources, and the launch.

A :class:`Dist` names a distribution's parameters, the *base* values its lanes draw from one
Philox block, and a C++ body that turns a base value ``x``, the parameters ``p_<name>`` and
(for rejection loops and multi-draw samplers) the element's substream ``_s`` into ``out``::

    NORMAL = Dist("normal", ("loc", "scale"), "normal", "out = p_loc + p_scale * x;")

Bases and lanes (elements per Philox block of four 32-bit words):

============ ====================================== ========= =========
base         value per lane                          float32   float64
============ ====================================== ========= =========
``u01``      uniform [0, 1)                          4         2
``u01o``     uniform (0, 1)                          4         2
``normal``   standard normal (Box-Muller pairs)      4         2
``exp``      standard exponential                    4         2
``w32``      one raw 32-bit word                     4         4
``w64``      one raw 64-bit word                     2         2
``normal_u`` a normal ``x`` and a uniform ``y``      2         2
             (the first proposal of a rejection
             sampler: 32-bit uniforms)
``none``     nothing: the body draws from ``_s``     1         1
============ ====================================== ========= =========

The lanes of elements [i0, i0 + V) come from the block at counter S + i0 / V (S reserved
from the bit generator), whatever the launch shape.  A thread fills the lanes of one block,
or of ``GROUP`` blocks for closed-form samplers (warp-interleaved: each store instruction of
a warp writes one contiguous span), and stores each block's values with one vector store
where the output allows.
Element i's substream (``_s``) reads blocks (k, F/2^32 + i), k = 0, 1, ... (see
``cuarray/random.cuh``), so a variable number of draws per element stays reproducible.

Parameters are passed per launch as one of four kinds: ``s`` a scalar by value, ``c`` a
device pointer to one value (a size-1 array), ``a`` a contiguous array of the output's
shape (index i), ``r`` a contiguous array of the output's trailing shape (index i % m).
"""

from __future__ import annotations

import dataclasses

import numpy

from .._core.dtypes import ctype

BLOCK = 256
GROUP = 2
_F32 = numpy.dtype(numpy.float32)
_F64 = numpy.dtype(numpy.float64)
_kernels: dict = {}
_CTYPE = {"r": "real", "i": "long long", "u": "unsigned long long"}


@dataclasses.dataclass(frozen=True)
class Dist:
    """A distribution's kernel: parameters, base, C++ body (sets ``out``)."""
    name: str
    params: tuple = ()
    base: str = "none"
    body: str = "out = x;"
    stream: bool = False
    ptypes: str = ""            # per parameter: r (real), i (int64), u (uint64); default r

    def ptype(self, k: int) -> str:
        return self.ptypes[k] if self.ptypes else "r"

    @property
    def uses_stream(self) -> bool:
        return self.stream or self.base == "none"


def lanes(dist: Dist, real: numpy.dtype) -> int:
    """Elements per Philox block (one thread)."""
    base = dist.base
    if base == "none":
        return 1
    if base == "w32":
        return 4
    if base in ("w64", "normal_u"):
        return 2
    return 4 if real == _F32 else 2


def blocks_per_thread(dist: Dist) -> int:
    """Philox blocks per thread: GROUP for closed-form samplers (amortising the index
    arithmetic, the bounds checks and the key schedule over 2 blocks), 1 where elements may
    loop (rejection samplers) or draw only from their substreams."""
    return GROUP if dist.base != "none" and not dist.uses_stream else 1


# C++ that fills xs[0..V-1] from the block b, per (base, real type).
_FILL = {
    ("u01", "float"): "xs[0] = u01f(b.x); xs[1] = u01f(b.y); xs[2] = u01f(b.z); xs[3] = u01f(b.w);",
    ("u01", "double"): "xs[0] = u01d(b.x, b.y); xs[1] = u01d(b.z, b.w);",
    ("u01o", "float"): ("xs[0] = u01of(b.x); xs[1] = u01of(b.y); xs[2] = u01of(b.z); "
                        "xs[3] = u01of(b.w);"),
    ("u01o", "double"): "xs[0] = u01od(b.x, b.y); xs[1] = u01od(b.z, b.w);",
    ("normal", "float"): "box_muller(b.x, b.y, &xs[0], &xs[1]); box_muller(b.z, b.w, &xs[2], &xs[3]);",
    ("normal", "double"): "box_muller(b.x, b.y, b.z, b.w, &xs[0], &xs[1]);",
    # 0 - log(u), not -log(u): u == 1 gives +0.0
    ("exp", "float"): ("xs[0] = 0.0f - logf(u01pf(b.x)); xs[1] = 0.0f - logf(u01pf(b.y)); "
                       "xs[2] = 0.0f - logf(u01pf(b.z)); xs[3] = 0.0f - logf(u01pf(b.w));"),
    ("exp", "double"): "xs[0] = 0.0 - log1p(-u01d(b.x, b.y)); xs[1] = 0.0 - log1p(-u01d(b.z, b.w));",
    ("w32", None): "xs[0] = b.x; xs[1] = b.y; xs[2] = b.z; xs[3] = b.w;",
    ("normal_u", None): "normal_uniform(b, xs, ys);",
    ("w64", None): ("xs[0] = ((unsigned long long)b.x << 32) | b.y; "
                    "xs[1] = ((unsigned long long)b.z << 32) | b.w;"),
}


def _base_type(base: str) -> str:
    return {"w32": "unsigned int", "w64": "unsigned long long"}.get(base, "real")


def kernel_name(dist: Dist, out_dt, real_dt, kinds: str, vec: bool) -> str:
    v, g = lanes(dist, real_dt), blocks_per_thread(dist)
    return (f"cuarray_random_{dist.name}__{numpy.dtype(out_dt).name}_{numpy.dtype(real_dt).name}"
            f"__v{v}x{g}_{kinds or 'none'}{'_vec' if vec else ''}")


def _param_load(name: str, kind: str, ct: str) -> str:
    if kind == "s":
        return f"const {ct} p_{name} = s_{name};"
    if kind == "c":
        return f"const {ct} p_{name} = a_{name}[0];"
    if kind == "a":
        return f"const {ct} p_{name} = a_{name}[i];"
    return f"const {ct} p_{name} = a_{name}[i % m_{name}];"


def kernel_source(dist: Dist, out_dt, real_dt, kinds: str, vec: bool) -> str:
    """The CUDA source of one launch shape: ``kinds`` has one letter (s/c/a/r) per param."""
    out_dt, real_dt = numpy.dtype(out_dt), numpy.dtype(real_dt)
    name = kernel_name(dist, out_dt, real_dt, kinds, vec)
    v = lanes(dist, real_dt)
    real = ctype(real_dt)
    params = ["out_t* __restrict__ out_ptr", "const long long n", "const unsigned int k0",
              "const unsigned int k1", "const unsigned long long s_lo",
              "const unsigned long long s_hi", "const unsigned long long f_lo",
              "const unsigned int f_hi"]
    loads = []
    for k, (pname, kind) in enumerate(zip(dist.params, kinds)):
        ct = _CTYPE[dist.ptype(k)]
        if kind == "s":
            params.append(f"const {ct} s_{pname}")
        else:
            params.append(f"const {ct}* __restrict__ a_{pname}")
            if kind == "r":
                params.append(f"const long long m_{pname}")
        loads.append(_param_load(pname, kind, ct))
    g = blocks_per_thread(dist)
    lines = ["  using namespace cuarray::rng;",
             "  const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;"]
    if g == 1:
        lines += ["  const long long tb = t;", f"  const long long i0 = tb * {v};",
                  "  if (i0 >= n) return;"]
    else:
        # Warp w takes the 32 g consecutive blocks from 32 g w; its q-th pass the 32 from
        # 32 (g w + q), one per lane, so each store instruction writes one contiguous span.
        lines += ["#pragma unroll", f"  for (int q = 0; q < {g}; ++q) {{",
                  f"  const long long tb = ((t >> 5) * {g} + q) * 32 + (t & 31);",
                  f"  const long long i0 = tb * {v};",
                  "  if (i0 >= n) break;"]
    # tb is the lane block of elements [i0, i0 + v): counter S + i0 / v, whatever the shape
    if dist.base != "none":
        base_t = _base_type(dist.base)
        fill = _FILL.get((dist.base, None)) or _FILL[(dist.base, real)]
        lines += ["  const Words b = block_at(k0, k1, s_lo, s_hi, (unsigned long long)tb);",
                  f"  {base_t} xs[{v}];"]
        if dist.base == "normal_u":
            lines.append(f"  real ys[{v}];")
        lines.append(f"  {fill}")
    lines += [f"  out_t r[{v}];", "#pragma unroll", f"  for (int j = 0; j < {v}; ++j) {{",
              "    const long long i = i0 + j;", "    if (i < n) {"]
    lines += ["      " + ld for ld in loads]
    if dist.base != "none":
        lines.append(f"      const {_base_type(dist.base)} x = xs[j]; (void)x;")
    if dist.base == "normal_u":
        lines.append("      const real y = ys[j];")
    if dist.uses_stream:
        lines.append("      Stream _s(k0, k1, f_lo, f_hi, (unsigned long long)i);")
    lines += ["      out_t out;", "      { " + dist.body.strip() + " }", "      r[j] = out;",
              "    }", "  }"]
    done = "continue" if g > 1 else "return"
    if vec and v > 1:
        lines += [f"  if (i0 + {v} <= n) {{",
                  f"    cuarray::vec<out_t, {v}> w;",
                  "#pragma unroll",
                  f"    for (int j = 0; j < {v}; ++j) w.v[j] = r[j];",
                  f"    reinterpret_cast<cuarray::vec<out_t, {v}>*>(out_ptr)[tb] = w;",
                  f"    {done};", "  }"]
    lines += ["#pragma unroll", f"  for (int j = 0; j < {v}; ++j) if (i0 + j < n) out_ptr[i0 + j] = r[j];"]
    if g > 1:
        lines.append("  }")
    return ("#include <cuarray/random.cuh>\n"
            f"typedef {real} real;\ntypedef {ctype(out_dt)} out_t;\n"
            f'extern "C" __global__ void {name}(' + ", ".join(params) + ")\n{\n"
            + "\n".join(lines) + "\n}\n")


def get_kernel(dist: Dist, out_dt, real_dt, kinds: str, vec: bool):
    key = (dist, out_dt, real_dt, kinds, vec)
    fn = _kernels.get(key)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        src = kernel_source(dist, out_dt, real_dt, kinds, vec)
        fn = _kernels[key] = compile_with_cache(src).get_function(
            kernel_name(dist, out_dt, real_dt, kinds, vec))
    return fn


def plan(dist: Dist, n: int, real_dt, params) -> tuple:
    """(grid, lanes, primary blocks, substream elements) of a launch over ``n`` elements."""
    v, g = lanes(dist, real_dt), blocks_per_thread(dist)
    nblocks = (n + v - 1) // v
    # g > 1: whole warps of 32 g blocks (see kernel_source)
    threads = nblocks if g == 1 else 32 * ((nblocks + 32 * g - 1) // (32 * g))
    blocks = 0 if dist.base == "none" else nblocks
    return (threads + BLOCK - 1) // BLOCK, v, blocks, (n if dist.uses_stream else 0)


def vector_ok(out, v: int) -> bool:
    return v > 1 and out._ptr % (v * out.dtype.itemsize) == 0


def launch(dist: Dist, out, real_dt, params, bitgen) -> None:
    """Fill the contiguous array ``out`` (any shape) with samples of ``dist``.

    ``params``: one (kind, value, m) per parameter: kind 's' with a host value (passed as
    the kernel's C type), else a device array of the parameter's C type ('c', 'a', 'r';
    ``m`` the modulus of an 'r' parameter).
    """
    n = out.size
    if n == 0:
        return
    grid, v, blocks, elems = plan(dist, n, real_dt, params)
    vec = vector_ok(out, v)
    kinds = "".join(p[0] for p in params)
    fn = get_kernel(dist, out.dtype, numpy.dtype(real_dt), kinds, vec)
    args = [out._ptr, n, *bitgen._reserve(blocks, elems)]
    for k, (kind, value, m) in enumerate(params):
        if kind == "s":
            args.append(scalar_arg(value, dist.ptype(k), real_dt))
        else:
            args.append(value._ptr)
            if kind == "r":
                args.append(m)
    fn.launch_1d(grid, BLOCK, tuple(args))


def scalar_arg(value, ptype: str, real_dt):
    if ptype == "r":
        return numpy.dtype(real_dt).type(value)
    return int(value)
