"""Pure C++ source builders for reduction kernels: (ReductionOp, layout) -> kernel text.

A reduction is data (STYLE.md): an accumulator type, an identity, a map from the
inputs of one element to an accumulator, a combine of two accumulators and a
post-map from the final accumulator to the output.  Nothing here touches the
GPU, so every generated source compiles with NVRTC in CI.

Reserved names in the C++ snippets: ``in0``.. (inputs, compute types), ``in0_type``..,
``out0`` / ``out0_type`` (the output, in ``post``), ``acc_t`` (the accumulator type),
``a``, ``b`` (accumulators, in ``reduce`` and ``post``), ``_j`` (the element's C-order
index over the reduced axes, a long long, in ``map``), ``_n`` (the number of reduced
elements, a long long, in ``post``).

Kernel variants (the launcher picks one per shape, see ``reduction.py``):
  ``t``   one thread per output, the reduced axes walked in order (short axes; reduced
          axes slower than kept ones; ordered reductions);
  ``c``   a (32, 8) block per 32 outputs, the 8 rows of threads splitting the reduced
          axes (coalesced column reductions);
  ``w``   one warp per output (contiguous reduced axis, rows of moderate length);
  ``b``   one 256-thread block per output (long rows);
  ``bv<N>`` as ``b`` with N-wide vector loads (one contiguous array input);
  ``ft``/``fb`` the second pass over per-block partial accumulators (thread or block per
          output), when the reduced axes were split across blocks (``t``, ``c``, ``b``).
"""

from __future__ import annotations

import dataclasses

from .._core.dtypes import ctype
from .source import convert, includes

BLOCK = 256
COL_TX, COL_TY = 32, 8
WARPS = BLOCK // 32
UNROLL = 4


@dataclasses.dataclass(frozen=True, eq=False)   # hashed by identity: ops are memoised
class ReductionOp:
    """A reduction kernel's spec.  ``identity`` None: there is none; elements combine in
    order from the first one (``ordered`` is then implied).  ``acc_itemsize``: bytes of
    one ``acc`` value (partials buffers)."""
    name: str
    nin: int
    acc: str
    acc_itemsize: int
    identity: str | None
    map: str
    reduce: str
    post: str = "out0 = a"
    preamble: str = ""
    index: bool = False
    ordered: bool = False
    #: The C++ type ``map`` returns and ``reduce``'s ``b`` takes: the accumulator, except for
    #: ordered reductions, whose elements keep their own loop type (NumPy's ``ldexp``).
    elem: str = "acc_t"
    #: A cheaper ``reduce`` for a thread's running result and its next element, valid when
    #: ``b`` comes after every element of ``a`` in index order (None: ``reduce``).
    step: str | None = None
    #: C++ placed before the type definitions (user kernels: their typedefs and preamble,
    #: which ``acc`` may name), and NVRTC options.
    head: str = ""
    options: tuple = ()

    @property
    def sequential(self) -> bool:
        return self.ordered or self.identity is None


@dataclasses.dataclass(frozen=True)
class Layout:
    """``kinds``: per input "a" (array) or "s" (scalar by value); ``variant`` (see the module
    docstring); ``kd``/``rd``: collapsed kept/reduced dimension counts; ``index``: "int" or
    "long long"; ``init``: an initial value is passed; ``split``: the reduced axes span
    several blocks (partials go to a buffer)."""
    kinds: tuple
    variant: str
    kd: int
    rd: int
    index: str
    init: bool = False
    step: bool = False      # threads meet their elements in index order: use ``op.step``


def kernel_name(op_name, dtypes, variant) -> str:
    return f"cuarray_reduce_{op_name}__{'_'.join(d.name for d in dtypes)}__{variant}"


def _prologue(op: ReductionOp, in_compute, out_compute, all_dtypes, step=False) -> str:
    lines = [includes(all_dtypes).rstrip(), "#include <cuarray/reduce.cuh>", op.head]
    lines += [f"typedef {ctype(c)} in{k}_type;" for k, c in enumerate(in_compute)]
    lines.append(f"typedef {ctype(out_compute)} out0_type;")
    lines.append(f"typedef {op.acc} acc_t;")
    lines.append(f"typedef {op.elem} elem_t;")
    lines.append(op.preamble)
    ident = op.identity if op.identity is not None else "acc_t()"
    lines.append("struct r_op {\n"
                 f"  static __device__ __forceinline__ acc_t identity() {{ return {ident}; }}\n"
                 "  static __device__ __forceinline__ acc_t reduce(const acc_t& a, const elem_t& b)"
                 f" {{ return {op.reduce}; }}\n"
                 "  static __device__ __forceinline__ acc_t step(const acc_t& a, const elem_t& b)"
                 f" {{ return {op.step if step and op.step else op.reduce}; }}\n}};")
    params = ", ".join(f"in{k}_type in{k}" for k in range(op.nin))
    lines.append(f"__device__ __forceinline__ elem_t r_map({params}{', ' if params else ''}"
                 f"long long _j) {{ (void)_j; return {op.map}; }}")
    lines.append("__device__ __forceinline__ void r_post(acc_t a, out0_type& out0, long long _n)"
                 f" {{ (void)_n; {op.post.strip().rstrip(';')}; }}")
    return "\n".join(lines) + "\n"


def _offsets(prefix: str, dims: int, coord: str, names, idx: str) -> list:
    """C++ lines computing byte offsets ``{prefix}_{name}`` of ``coord`` (a C-order index over
    ``dims`` collapsed dimensions ``{prefix}shape<d>``) for every stride set in ``names``."""
    lines = [f"{idx} " + ", ".join(f"{prefix}_{n} = 0" for n in names) + ";"] if names else []
    if not dims or not names:
        return lines
    lines.append(f"{{ {idx} _r = {coord};")
    for d in range(dims - 1, -1, -1):
        c = f"_r % {prefix}shape{d}" if d else "_r"
        lines.append(f"  {{ const {idx} _c = {c};" + (f" _r /= {prefix}shape{d};" if d else ""))
        lines += [f"    {prefix}_{n} += _c * {prefix}st_{n}_{d};" for n in names]
        lines.append("  }")
    lines.append("}")
    return lines


class _Builder:
    def __init__(self, op, in_storage, in_compute, out_storage, out_compute, layout):
        self.op, self.lay = op, layout
        self.in_storage, self.in_compute = in_storage, in_compute
        self.out_storage, self.out_compute = out_storage, out_compute
        self.arrays = [k for k, kind in enumerate(layout.kinds) if kind == "a"]
        self.idx = layout.index

    # -- parameters ----------------------------------------------------------------------------
    def params(self) -> list:
        p = []
        for k, kind in enumerate(self.lay.kinds):
            if kind == "s":
                p.append(f"const in{k}_type s_in{k}")
            else:
                p.append(f"const {ctype(self.in_storage[k])}* __restrict__ p_in{k}")
        p.append(f"{ctype(self.out_storage)}* __restrict__ p_out0")
        p.append("acc_t* __restrict__ p_part")
        if self.lay.init:
            p.append("const acc_t r_init")
        idx = self.idx
        p += [f"const {idx} n_keep", f"const {idx} n_red", f"const {idx} chunk"]
        p += [f"const {idx} kshape{d}" for d in range(self.lay.kd)]
        p += [f"const {idx} rshape{d}" for d in range(self.lay.rd)]
        for n in self.keep_names():
            p += [f"const {idx} kst_{n}_{d}" for d in range(self.lay.kd)]
        for n in self.red_names():
            p += [f"const {idx} rst_{n}_{d}" for d in range(self.lay.rd)]
        return p

    def keep_names(self) -> list:
        return [f"in{k}" for k in self.arrays] + ["out0"]

    def red_names(self) -> list:
        return [f"in{k}" for k in self.arrays] + (["j"] if self.op.index else [])

    # -- pieces --------------------------------------------------------------------------------
    def keep_offsets(self, coord) -> list:
        return _offsets("k", self.lay.kd, coord, self.keep_names(), self.idx)

    def element(self, j: str) -> str:
        """An expression: the mapped accumulator of reduced element ``j``."""
        if self.lay.rd == 1:
            offs = {n: f"({j}) * rst_{n}_0" for n in self.red_names()}
            pre = ""
        else:
            offs = {n: f"r_{n}" for n in self.red_names()}
            pre = " ".join(_offsets("r", self.lay.rd, j, self.red_names(), self.idx))
        args = []
        for k, kind in enumerate(self.lay.kinds):
            if kind == "s":
                args.append(f"s_in{k}")
                continue
            s = self.in_storage[k]
            addr = (f"(*reinterpret_cast<const {ctype(s)}*>(reinterpret_cast<const char*>(p_in{k})"
                    f" + k_in{k} + {offs[f'in{k}']}))")
            args.append(convert(addr, s, self.in_compute[k]))
        jl = f"(long long)({offs['j']})" if self.op.index else "0LL"
        call = f"r_map({', '.join(args + [jl])})"
        if pre:
            return f"[&]() -> elem_t {{ {pre} return {call}; }}()"
        return call

    def store(self, acc: str, part_index: str) -> list:
        """Write ``acc``: a partial when the grid splits the reduced axes, else the output."""
        init = [f"{acc} = r_op::reduce(r_init, {acc});"] if self.lay.init else []
        return [f"if (gridDim.y > 1) {{ p_part[(({self.idx})blockIdx.y) * n_keep + {part_index}] "
                f"= {acc}; }} else {{"] + ["  " + x for x in init] + self.final_store(acc) + ["}"]

    def final_store(self, acc: str) -> list:
        out = convert("out0", self.out_compute, self.out_storage)
        return ["  out0_type out0;", f"  r_post({acc}, out0, (long long)n_red);",
                f"  *reinterpret_cast<{ctype(self.out_storage)}*>(reinterpret_cast<char*>(p_out0)"
                f" + k_out0) = {out};"]

    def loop(self, start: str, end: str, step: str) -> list:
        """Accumulate elements start, start+step, .. < end into ``acc``, UNROLL loads in flight."""
        u = UNROLL
        vs = ", ".join(f"v{q} = {self.element(f'_j + {q} * ({step})')}" for q in range(u))
        lines = [f"{{ {self.idx} _j = {start};",
                 f"  for (; _j + {u - 1} * ({step}) < {end}; _j += {u} * ({step})) {{",
                 f"    const elem_t {vs};"]
        lines += [f"    acc = r_op::step(acc, v{q});" for q in range(u)]
        return lines + ["  }",
                        f"  for (; _j < {end}; _j += {step}) "
                        f"acc = r_op::step(acc, {self.element('_j')});", "}"]

    def chunk_bounds(self) -> list:
        idx = self.idx
        return [f"const {idx} j0 = (({idx})blockIdx.y) * chunk;",
                f"const {idx} j1 = (j0 + chunk < n_red) ? j0 + chunk : n_red;"]

    # -- variants ------------------------------------------------------------------------------
    def body(self) -> list:
        v = self.lay.variant
        if v in ("t", "c"):
            return self.column(*((BLOCK, 1) if v == "t" else (COL_TX, COL_TY)))
        if v == "w":
            return self.warp()
        if v == "b":
            return self.block()
        if v.startswith("bv"):
            return self.block_vec(int(v[2:]))
        if v.startswith("s"):
            r, rows = map(int, v[1:].split("x"))
            return self.staged(r, rows)
        raise ValueError(f"unknown reduction variant {v!r}")

    def staged(self, r: int, rows: int) -> list:
        """Short contiguous rows (``n_red == r``), consecutive rows adjacent in memory: the
        block copies its ``rows`` rows into shared memory with coalesced 16-byte loads, then
        each thread reduces whole rows from there (a thread per row reading global memory
        directly would touch each 128-byte line ``r`` times)."""
        (k,) = self.arrays
        st, idx = self.in_storage[k], self.idx
        t, size = ctype(st), st.itemsize
        scalars = {q: f"s_in{q}" for q, kind in enumerate(self.lay.kinds) if kind == "s"}
        args = [scalars.get(q, convert(f"tile[_t * {r} + _e]", st, self.in_compute[k]))
                for q in range(self.op.nin)]
        lines = [f"__shared__ __align__(16) unsigned char tile_raw[{rows * r * size}];",
                 f"{t}* tile = reinterpret_cast<{t}*>(tile_raw);",
                 f"const {idx} row0 = (({idx})blockIdx.x) * {rows};",
                 f"const {idx} nrows = (n_keep - row0 < {rows}) ? n_keep - row0 : {rows};",
                 f"const char* src = reinterpret_cast<const char*>(p_in{k}) + row0 * kst_in{k}_0;",
                 f"const {idx} nbytes = nrows * {r * size};",
                 "if (((reinterpret_cast<unsigned long long>(src) | (unsigned long long)nbytes)"
                 " & 15) == 0) {",
                 "  const int4* s4 = reinterpret_cast<const int4*>(src);",
                 "  int4* t4 = reinterpret_cast<int4*>(tile_raw);",
                 f"  for ({idx} e = threadIdx.x; e < nbytes / 16; e += {BLOCK}) t4[e] = s4[e];",
                 "} else {",
                 f"  const {t}* se = reinterpret_cast<const {t}*>(src);",
                 f"  for ({idx} e = threadIdx.x; e < nrows * {r}; e += {BLOCK}) tile[e] = se[e];",
                 "}",
                 "__syncthreads();",
                 f"for (int _t = threadIdx.x; _t < nrows; _t += {BLOCK}) {{"]
        element = f"r_map({', '.join(args + ['(long long)_e'])})"
        if self.op.sequential:      # in order, from the initial value or the first element
            first = "r_init" if self.lay.init else f"(acc_t)({element})"
            lines += ["  int _e = 0;", f"  acc_t acc = {first};",
                      f"  for (_e = {0 if self.lay.init else 1}; _e < {r}; ++_e) "
                      f"acc = r_op::reduce(acc, {element});"]
        else:
            lines += ["  acc_t acc = r_op::identity();",
                      f"  #pragma unroll\n  for (int _e = 0; _e < {r}; ++_e) "
                      f"acc = r_op::step(acc, {element});"]
            if self.lay.init:
                lines.append("  acc = r_op::reduce(r_init, acc);")
        lines.append(f"  const {idx} k_out0 = (row0 + _t) * kst_out0_0;")
        lines += ["  " + x for x in self.final_store("acc")]
        return lines + ["}"]

    def column(self, tx, ty) -> list:
        idx = self.idx
        lines = [f"const {idx} ox = (({idx})blockIdx.x) * {tx} + threadIdx.x;",
                 "const bool live = ox < n_keep;"]
        lines += self.keep_offsets("(live ? ox : 0)") + self.chunk_bounds()
        if self.op.sequential:       # in order from the first element (or the initial value)
            start = "r_init" if self.lay.init else self.element("j0")
            first = "j0" if self.lay.init else "j0 + 1"
            lines += ["if (!live) return;",
                      f"acc_t acc = (j0 < j1) ? (acc_t)({start}) : r_op::identity();"]
            lines += self.loop(first, "j1", "1")
            return lines + self.final_store("acc")
        # Blocks along the reduced axes interleave rows (gridDim.y * ty apart), so that at any
        # moment every block reads near the others: DRAM pages stay open.
        lines += ["acc_t acc = r_op::identity();", "if (live) {"]
        lines += ["  " + x for x in self.loop(f"(({idx})blockIdx.y) * {ty} + threadIdx.y", "n_red",
                                              f"(({idx})gridDim.y) * {ty}")] + ["}"]
        lines.append(f"acc = cuarray::red::column_reduce<{tx}, {ty}, r_op>(acc);")
        lines.append("if (threadIdx.y == 0 && live) {")
        return lines + ["  " + x for x in self.store("acc", "ox")] + ["}"]

    def warp(self) -> list:
        idx = self.idx
        lines = ["const int lane = threadIdx.x & 31;",
                 f"const {idx} ox = (({idx})blockIdx.x) * {WARPS} + (threadIdx.x >> 5);",
                 "if (ox >= n_keep) return;    // whole warps leave together"]
        lines += self.keep_offsets("ox") + ["acc_t acc = r_op::identity();"]
        lines += self.loop("lane", "n_red", "32")
        lines += ["acc = cuarray::red::warp_reduce<r_op>(acc);", "if (lane == 0) {"]
        return lines + ["  " + x for x in self.store("acc", "ox")] + ["}"]

    def block(self) -> list:
        idx = self.idx
        lines = [f"const {idx} ox = blockIdx.x;"] + self.keep_offsets("ox")
        lines += ["acc_t acc = r_op::identity();"]
        lines += self.loop(f"(({idx})blockIdx.y) * {BLOCK} + threadIdx.x", "n_red",
                           f"(({idx})gridDim.y) * {BLOCK}")
        lines += [f"acc = cuarray::red::block_reduce<{BLOCK}, r_op>(acc);", "if (threadIdx.x == 0) {"]
        return lines + ["  " + x for x in self.store("acc", "ox")] + ["}"]

    def block_vec(self, n: int) -> list:
        """One array input whose rows are contiguous and start 16-byte aligned: n-wide loads."""
        (k,) = self.arrays
        s, c, idx = self.in_storage[k], self.in_compute[k], self.idx
        scalars = {q: f"s_in{q}" for q, kind in enumerate(self.lay.kinds) if kind == "s"}

        def mapped(x, j):
            args = [scalars.get(q, convert(x, s, c)) for q in range(self.op.nin)]
            return f"r_map({', '.join(args + [f'(long long)({j})'])})"
        vt = f"cuarray::vec<{ctype(s)}, {n}>"
        lines = [f"const {idx} ox = blockIdx.x;"] + self.keep_offsets("ox")
        lines += [f"const char* __restrict__ _base = reinterpret_cast<const char*>(p_in{k})"
                  f" + k_in{k};"]
        step = f"(({idx})gridDim.y) * {BLOCK}"
        lines += [f"const {vt}* __restrict__ pv = reinterpret_cast<const {vt}*>(_base);",
                  "acc_t acc = r_op::identity();",
                  f"const {idx} jv1 = n_red / {n}, step = {step};",
                  f"{idx} jv = (({idx})blockIdx.y) * {BLOCK} + threadIdx.x;",
                  f"for (; jv + {UNROLL - 1} * step < jv1; jv += {UNROLL} * step) {{",
                  f"  const {vt} " + ", ".join(f"x{q} = pv[jv + {q} * step]" for q in range(UNROLL))
                  + ";"]
        for q in range(UNROLL):
            lines.append(f"  #pragma unroll\n  for (int e = 0; e < {n}; ++e) acc = r_op::step(acc, "
                         f"{mapped(f'x{q}.v[e]', f'(jv + {q} * step) * {n} + e')});")
        lines += ["}", "for (; jv < jv1; jv += step) {", f"  const {vt} x = pv[jv];",
                  f"  #pragma unroll\n  for (int e = 0; e < {n}; ++e) acc = r_op::step(acc, "
                  f"{mapped('x.v[e]', f'jv * {n} + e')});", "}"]
        lines += [f"if (blockIdx.y == 0) for ({idx} _j = jv1 * {n} + threadIdx.x; _j < n_red; "
                  f"_j += {BLOCK}) acc = r_op::step(acc, {self.element('_j')});"]
        lines += [f"acc = cuarray::red::block_reduce<{BLOCK}, r_op>(acc);", "if (threadIdx.x == 0) {"]
        return lines + ["  " + x for x in self.store("acc", "ox")] + ["}"]


def reduction_source(name, op, in_storage, in_compute, out_storage, out_compute, layout) -> str:
    """The source of one first-pass kernel named ``name``."""
    b = _Builder(op, in_storage, in_compute, out_storage, out_compute, layout)
    dts = list(in_storage) + list(in_compute) + [out_storage, out_compute]
    return (_prologue(op, in_compute, out_compute, dts, layout.step)
            + f'extern "C" __global__ void __launch_bounds__({BLOCK}) {name}('
            + ", ".join(b.params()) + ")\n{\n"
            + "\n".join("  " + x for x in b.body()) + "\n}\n")


def final_source(name, op, in_compute, out_storage, out_compute, kd, index, init, variant) -> str:
    """The second pass: combine ``n_part`` partials per output (laid out [part][output])."""
    lay = Layout(kinds=(), variant=variant, kd=kd, rd=0, index=index, init=init)
    b = _Builder(op, (), in_compute, out_storage, out_compute, lay)
    idx = index
    params = [f"{ctype(out_storage)}* __restrict__ p_out0", "const acc_t* __restrict__ p_part"]
    params += ["const acc_t r_init"] if init else []
    params += [f"const {idx} n_keep", f"const {idx} n_red", f"const {idx} n_part"]
    params += [f"const {idx} kshape{d}" for d in range(kd)]
    params += [f"const {idx} kst_out0_{d}" for d in range(kd)]
    b.keep_names = lambda: ["out0"]
    fin = (["acc = r_op::reduce(r_init, acc);"] if init else []) + b.final_store("acc")
    if variant == "ft":
        body = [f"const {idx} ox = (({idx})blockIdx.x) * {BLOCK} + threadIdx.x;",
                "if (ox >= n_keep) return;"] + b.keep_offsets("ox")
        body += ["acc_t acc = r_op::identity();",
                 f"for ({idx} s = 0; s < n_part; ++s) acc = r_op::reduce(acc, p_part[s * n_keep + ox]);"]
        body += fin
    else:
        body = [f"const {idx} ox = blockIdx.x;"] + b.keep_offsets("ox")
        body += ["acc_t acc = r_op::identity();",
                 f"for ({idx} s = threadIdx.x; s < n_part; s += {BLOCK}) "
                 "acc = r_op::reduce(acc, p_part[s * n_keep + ox]);",
                 f"acc = cuarray::red::block_reduce<{BLOCK}, r_op>(acc);",
                 "if (threadIdx.x == 0) {"] + ["  " + x for x in fin] + ["}"]
    dts = list(in_compute) + [out_storage, out_compute]
    return (_prologue(op, in_compute, out_compute, dts)
            + f'extern "C" __global__ void __launch_bounds__({BLOCK}) {name}('
            + ", ".join(params) + ")\n{\n" + "\n".join("  " + x for x in body) + "\n}\n")


def segment_source(name, op, in_storage, in_compute, out_storage, out_compute) -> str:
    """``ufunc.reduceat`` on C-contiguous rows: one thread per (row, segment), combining
    the segment's elements in order from its first (NumPy's definition, which also
    gives the lone element ``a[idx[s]]`` when a segment is empty)."""
    dts = [in_storage, in_compute, out_storage, out_compute]
    load = convert("row[{j}]", in_storage, in_compute)
    out = convert("out0", out_compute, out_storage)
    return (_prologue(op, (in_compute,), out_compute, dts)
            + f'extern "C" __global__ void {name}(const {ctype(in_storage)}* __restrict__ p_in, '
            f"{ctype(out_storage)}* __restrict__ p_out, const long long* __restrict__ p_idx, "
            "const long long n_rows, const long long n_len, const long long n_seg)\n{\n"
            "  const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;\n"
            "  if (t >= n_rows * n_seg) return;\n"
            "  const long long m = t / n_seg, s = t % n_seg;\n"
            "  const long long st = p_idx[s], en = s + 1 < n_seg ? p_idx[s + 1] : n_len;\n"
            f"  const {ctype(in_storage)}* row = p_in + m * n_len;\n"
            f"  acc_t acc = r_map({load.format(j='st')}, 0);\n"
            "  for (long long j = st + 1; j < en; ++j) "
            f"acc = r_op::reduce(acc, r_map({load.format(j='j')}, 0));\n"
            f"  out0_type out0;\n  r_post(acc, out0, 0);\n  p_out[t] = {out};\n}}\n")
