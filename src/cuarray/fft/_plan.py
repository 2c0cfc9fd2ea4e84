"""Planning an FFT call: pure Python from shapes, strides and dtypes to a recipe.

Nothing here touches the GPU, so every rule is unit-tested on the CPU.

A call becomes a :class:`Recipe`:

1. an optional *prep* copy of the input into a scratch array (dtype conversion, zero
   padding for ``n``/``s`` larger than the input, a layout cuFFT cannot read, and
   always for C2R, whose execution overwrites its input);
2. *passes*: cuFFT executions (``fft``), each of up to three axes described with
   cuFFT's advanced data layout, plus host loops where the batch axes do not merge
   into one stride; ``staged`` passes where cuFFT cannot express the layout at all
   (the pass's input is copied into a scratch array with the transformed axes
   innermost, transformed there, and copied back); ``copy`` passes for length-1
   transforms, which are copies;
3. the normalisation factor and conjugations (``hfft``/``ihfft``), folded into the
   first full copy the recipe makes anyway, else one elementwise pass.

cuFFT's advanced layout (``cufftMakePlanMany64``), strides in elements::

    input[b * idist + ((x0 * inembed[1] + x1) * inembed[2] + x2) * istride]

so the transformed axes, ordered by decreasing stride, need strides that are integer
multiples of each other (the embeds) and the batch axes must merge into one
(count, idist) pair.  As nvmath-python's planner does, no batch axis may lie between
two transformed axes in memory; such a group is split into single-axis passes.

Every pointer handed to a cuFFT execution must be aligned to the plan's complex element
(8 bytes in single, 16 in double precision), the real one of an R2C/C2R included: cuFFT
answers CUFFT_INVALID_VALUE otherwise.  Scratch arrays come from the pool (256-byte
aligned); the caller's input and ``out`` are used in place only when aligned (see
:func:`exec_alignment`), and host loops of a real-data plan only step its real side by
whole complex elements (:func:`_batch_choice`).
"""

from __future__ import annotations

import itertools
import operator

import numpy

from ..cuda._cufft import C2C, C2R, D2Z, FORWARD, INVERSE, R2C, Z2D, Z2Z

# Abstract transform kinds (precision picks the cuFFT type code).
KIND_C2C, KIND_R2C, KIND_C2R = "C2C", "R2C", "C2R"
_TYPE_CODE = {(KIND_C2C, 8): C2C, (KIND_C2C, 16): Z2Z, (KIND_R2C, 4): R2C,
              (KIND_R2C, 8): D2Z, (KIND_C2R, 8): C2R, (KIND_C2R, 16): Z2D}

#: Host loops around one plan are allowed up to this many executions ...
LOOP_MAX = 16
#: ... or up to LOOP_MAX_BIG when each execution transforms at least this many points
#: (the launches then cost less than the copies of a staged pass).
LOOP_BIG_EXEC = 1 << 20
LOOP_MAX_BIG = 4096

_F16, _F32, _F64 = numpy.dtype("float16"), numpy.dtype("float32"), numpy.dtype("float64")
_C64, _C128 = numpy.dtype("complex64"), numpy.dtype("complex128")
_EXEC_ALIGN = {"f": 8, "F": 8, "d": 16, "D": 16}   # dtype char -> complex element size


# --- dtype rules ----------------------------------------------------------------------------
def dtypes_for(kind: str, dt: numpy.dtype, name: str = "fft"):
    """(cuFFT input dtype, cuFFT output dtype, NumPy's result dtype) for input dtype ``dt``.

    NumPy 2: float16/float32/complex64 stay single precision (float16 computes as
    float32; only C2R gives float16 back, ``result_type(float16, 1.0)``); bool and
    integers go to double precision.  Complex input to a real-input transform is
    NumPy's TypeError.
    """
    single = dt.char in "efF"
    cx = _C64 if single else _C128
    if kind == KIND_C2C:
        return cx, cx, cx
    re = _F32 if single else _F64
    if kind == KIND_R2C:
        if dt.kind == "c":
            raise TypeError(f"ufunc '{name}' not supported for the input types, and the "
                            "inputs could not be safely coerced to any supported types "
                            "according to the casting rule ''safe''")
        return re, cx, cx
    return cx, re, (_F16 if dt == _F16 else re)


def exec_alignment(kind: str, dt: numpy.dtype) -> int:
    """Byte alignment an array of dtype ``dt`` needs to be handed to cuFFT in place by a
    ``kind`` transform: the complex element size of the plan's precision when ``dt`` is
    what the plan reads or writes (cuFFT's exec functions require both pointers aligned
    to ``cufftComplex``/``cufftDoubleComplex``, the real one of R2C/C2R included), else
    ``dt``'s own itemsize (the array only meets a copy kernel)."""
    if kind == KIND_C2C and dt.kind != "c":
        return dt.itemsize
    return _EXEC_ALIGN.get(dt.char, dt.itemsize)


def factor_dtype(dt: numpy.dtype) -> numpy.dtype:
    """NumPy's ``result_type(a.real.dtype, 1.0)``: the dtype its norm factor is computed in."""
    if dt.kind == "c":
        return _F32 if dt == _C64 else _F64
    return dt if dt.kind == "f" else _F64


def norm_factor(mode: str, n: int, real_dt: numpy.dtype) -> float:
    """NumPy's factor for one axis: ``mode`` "none", "ortho" (1/sqrt(n)) or "n" (1/n),
    computed in ``real_dt`` as NumPy does (float16 factors are rounded to float16)."""
    if mode == "ortho":
        return float(numpy.reciprocal(numpy.sqrt(n, dtype=real_dt)))
    if mode == "n":
        return float(numpy.reciprocal(n, dtype=real_dt))
    return 1.0


def result_strides(a_shape, a_strides, a_c, a_f, shape, itemsize) -> tuple:
    """NumPy's ``empty_like(a, shape=shape)`` layout (order 'K'): C when ``a`` is C
    contiguous, F when it is F contiguous, else ``a``'s axis order by |stride|."""
    from .._core.shape import c_strides, f_strides
    if a_c or len(shape) <= 1:
        return c_strides(shape, itemsize)
    if a_f:
        return f_strides(shape, itemsize)
    from .._routines.creation import keep_order_strides
    return keep_order_strides(a_strides, shape, itemsize)


# --- one cuFFT plan --------------------------------------------------------------------------
class Geom:
    """An array as the planner sees it: shape, byte strides, itemsize."""

    __slots__ = ("shape", "strides", "itemsize")

    def __init__(self, shape, strides, itemsize):
        self.shape, self.strides, self.itemsize = tuple(shape), tuple(strides), int(itemsize)

    def __repr__(self):
        return f"Geom({self.shape}, {self.strides}, {self.itemsize})"


class Layout:
    """One plan's geometry (``key``, the plan cache's key) and host loops around it:
    ((count, in_step_bytes, out_step_bytes), ...)."""

    __slots__ = ("key", "loops")

    def __init__(self, key, loops=()):
        self.key, self.loops = key, tuple(loops)

    def __repr__(self):
        return f"Layout({self.key}, loops={self.loops})"


def _elem(stride: int, itemsize: int):
    if stride <= 0 or stride % itemsize:
        return None
    return stride // itemsize


def cufft_layout(kind: str, src: Geom, dst: Geom, axes) -> Layout | None:
    """The plan for transforming ``axes`` (<= 3, each longer than one on the input side;
    for R2C/C2R the last is the halved axis) from ``src`` into ``dst``, or None when
    cuFFT's advanced layout cannot describe it."""
    if not 0 < len(axes) <= 3:
        return None
    fft_type = _TYPE_CODE[kind, src.itemsize]
    h = axes[-1]
    es = {}
    ed = {}
    for ax in axes:
        es[ax] = _elem(src.strides[ax], src.itemsize)
        ed[ax] = _elem(dst.strides[ax], dst.itemsize)
        if es[ax] is None or ed[ax] is None:
            return None
    order = sorted(axes, key=lambda ax: -es[ax])
    for i in range(1, len(order)):
        if not (es[order[i - 1]] > es[order[i]] and ed[order[i - 1]] > ed[order[i]]):
            return None                      # different axis orders, or overlapping axes
    if kind != KIND_C2C and order[-1] != h:
        return None                          # the halved axis must be the innermost
    inner, outer = order[-1], order[0]
    inembed, onembed = [src.shape[outer]], [dst.shape[outer]]
    for prev, ax in zip(order, order[1:]):
        qi, ri = divmod(es[prev], es[ax])
        qo, ro = divmod(ed[prev], ed[ax])
        if ri or ro or qi < src.shape[ax] or qo < dst.shape[ax]:
            return None
        inembed.append(qi)
        onembed.append(qo)
    if kind == KIND_C2R:
        n = [dst.shape[ax] for ax in order]
    else:
        n = [src.shape[ax] for ax in order]
    groups = _batch_groups(src, dst, set(axes), es[outer], ed[outer], es[inner], ed[inner])
    if groups is None:
        return None
    istride, ostride = es[inner], ed[inner]
    sizes_in = [src.shape[ax] for ax in order]
    sizes_out = [dst.shape[ax] for ax in order]
    span_in, span_out = _prod(sizes_in), _prod(sizes_out)
    if groups:
        b = _batch_choice(kind, groups)
        if b is None:
            return None
        batch, idist, odist = groups[b]
        loops = [(c, si * src.itemsize, so * dst.itemsize)
                 for i, (c, si, so) in enumerate(groups) if i != b]
    else:
        batch, idist, odist, loops = 1, span_in, span_out, []
    if loops:
        execs = _prod(c for c, _, _ in loops)
        per_exec = batch * _prod(n)
        if execs > LOOP_MAX and (per_exec < LOOP_BIG_EXEC or execs > LOOP_MAX_BIG):
            return None
    if (istride == 1 and ostride == 1 and inembed[1:] == sizes_in[1:]
            and onembed[1:] == sizes_out[1:]
            and (batch == 1 or (idist == span_in and odist == span_out))):
        key = (fft_type, tuple(n), None, 1, span_in, None, 1, span_out, batch)
    else:
        key = (fft_type, tuple(n), tuple(inembed), istride, idist, tuple(onembed), ostride,
               odist, batch)
    return Layout(key, loops)


def _batch_choice(kind, groups):
    """The batch group cuFFT's plan takes (the others become host loops): the largest
    count, except that a real-data plan's loops must step its real side by whole complex
    elements.  cuFFT's R2C/C2R executions need both pointers aligned to the complex
    element (``cufftComplex``/``cufftDoubleComplex``, twice the real itemsize) and fail
    with CUFFT_INVALID_VALUE otherwise, so a loop over an odd real element stride (a
    3-D array's innermost batch axis, ...) is not allowed; None when two groups need it."""
    cand = range(len(groups))
    if kind != KIND_C2C:
        real = 1 if kind == KIND_R2C else 2          # the real side's step in (c, si, so)
        odd = [i for i, g in enumerate(groups) if g[real] % 2]
        if len(odd) > 1:
            return None
        cand = odd or cand
    return max(cand, key=lambda i: (groups[i][0], -i))


def _batch_groups(src, dst, taxes, si_outer, so_outer, si_inner, so_inner):
    """Batch axes merged into (count, in_stride, out_stride) groups (element strides),
    fastest first; None when a batch axis is unusable or lies between transformed axes."""
    batch = []
    for ax, n in enumerate(src.shape):
        if ax in taxes or n == 1:
            continue
        si, so = _elem(src.strides[ax], src.itemsize), _elem(dst.strides[ax], dst.itemsize)
        if si is None or so is None:
            return None
        if si_inner < si < si_outer or so_inner < so < so_outer:
            return None                      # between transformed axes: not expressible
        batch.append((si, so, n))
    batch.sort()
    groups = []
    for si, so, n in batch:
        if groups:
            c, gi, go = groups[-1]
            if si == gi * c and so == go * c:
                groups[-1] = (c * n, gi, go)
                continue
            if si == gi or so == go:
                return None                  # two batch axes on the same stride: overlap
        groups.append((n, si, so))
    return groups


def _prod(xs) -> int:
    p = 1
    for x in xs:
        p *= x
    return p


# --- passes -------------------------------------------------------------------------------
class Pass:
    """One step over the roles ``"x"`` (cuFFT's input array) and ``"o"`` (its output).

    ``op``: "fft" (execute ``key`` with ``loops``), "staged" (copy ``src`` transposed by
    ``perm`` into a C-ordered scratch, execute ``key`` there, copy back), or "copy".
    ``scale_in``/``scale_out``/``conj_out`` are folded into the copies of staged and
    copy passes.
    """

    __slots__ = ("op", "kind", "src", "dst", "axes", "key", "direction", "loops", "perm",
                 "scale_in", "scale_out", "conj_out")

    def __init__(self, op, kind, src, dst, axes, key=None, direction=FORWARD, loops=(),
                 perm=None):
        self.op, self.kind, self.src, self.dst, self.axes = op, kind, src, dst, tuple(axes)
        self.key, self.direction, self.loops, self.perm = key, direction, tuple(loops), perm
        self.scale_in = self.scale_out = None
        self.conj_out = False

    def __repr__(self):
        extra = f", perm={self.perm}" if self.perm is not None else ""
        return (f"Pass({self.op}, {self.kind}, {self.src}->{self.dst}, axes={self.axes}, "
                f"key={self.key}, loops={self.loops}{extra})")


def _fft_pass(kind, sr, sg, dr, dg, axes, direction):
    lay = cufft_layout(kind, sg, dg, axes)
    if lay is None:
        return None
    return Pass("fft", kind, sr, dr, axes, lay.key, direction, lay.loops)


def _staged_pass(kind, sr, sg, dr, dg, axes, direction):
    """Copy the pass's input into a C-ordered scratch whose innermost axes are ``axes``
    (the halved one last), transform there with cuFFT's basic layout, copy back."""
    nd = len(sg.shape)
    rest = sorted((ax for ax in range(nd) if ax not in axes), key=lambda ax: -dg.strides[ax])
    if kind == KIND_C2C:
        taxes = sorted(axes, key=lambda ax: -dg.strides[ax])
    else:
        taxes = sorted(axes[:-1], key=lambda ax: -dg.strides[ax]) + [axes[-1]]
    perm = tuple(rest + taxes)
    from .._core.shape import c_strides
    tin_shape = tuple(sg.shape[ax] for ax in perm)
    tout_shape = tuple(dg.shape[ax] for ax in perm)
    tin = Geom(tin_shape, c_strides(tin_shape, sg.itemsize), sg.itemsize)
    tout = Geom(tout_shape, c_strides(tout_shape, dg.itemsize), dg.itemsize)
    pos = tuple(range(len(rest), nd))
    lay = cufft_layout(kind, tin, tout, pos)
    if lay is None or lay.loops:
        raise AssertionError(f"internal error: no plan for the staged layout {tin} -> {tout}")
    return Pass("staged", kind, sr, dr, axes, lay.key, direction, (), perm)


def c2c_passes(sr, sg, dr, dg, axes, direction) -> list:
    """C2C over ``axes`` (each longer than one): the first pass reads ``sr`` into ``dr``,
    later ones run in place on ``dr``.  Greedy from the innermost axis: the largest group
    of up to three neighbouring axes (in memory order) that one plan takes; a single axis
    no plan takes is staged."""
    order = sorted(axes, key=lambda ax: dg.strides[ax])      # innermost first
    passes = []
    while order:
        for k in range(min(3, len(order)), 0, -1):
            p = _fft_pass(KIND_C2C, sr, sg, dr, dg, tuple(order[:k]), direction)
            if p is not None:
                break
        else:
            k = 1
            p = _staged_pass(KIND_C2C, sr, sg, dr, dg, (order[0],), direction)
        passes.append(p)
        order = order[k:]
        sr, sg = dr, dg
    return passes


def _real_group(kind, sr, sg, dr, dg, h, others, direction):
    """The R2C/C2R pass: over ``h`` and as many (<= 2) of ``others`` as cuFFT takes at
    once.  Returns (pass, the axes of ``others`` it left for C2C passes)."""
    for k in range(min(2, len(others)), -1, -1):
        for combo in itertools.combinations(others, k):
            p = _fft_pass(kind, sr, sg, dr, dg, combo + (h,), direction)
            if p is not None:
                return p, [ax for ax in others if ax not in combo]
    combo = tuple(others[:2])
    p = _staged_pass(kind, sr, sg, dr, dg, combo + (h,), direction)
    return p, [ax for ax in others if ax not in combo]


def plan_passes(kind: str, x: Geom, o: Geom, axes, direction=FORWARD) -> list:
    """The passes transforming ``x`` into ``o`` over ``axes`` (unique; for R2C/C2R the last
    is the halved axis).  Length-1 axes need no transform."""
    if kind == KIND_C2C:
        live = [ax for ax in axes if x.shape[ax] > 1]
        if not live:
            return [Pass("copy", kind, "x", "o", ())]
        return c2c_passes("x", x, "o", o, live, direction)
    h = axes[-1]
    others = [ax for ax in axes[:-1] if x.shape[ax] > 1]
    n_h = o.shape[h] if kind == KIND_C2R else x.shape[h]
    if kind == KIND_R2C:
        if n_h == 1:
            first, rest = Pass("copy", kind, "x", "o", ()), others
        else:
            first, rest = _real_group(kind, "x", x, "o", o, h, others, direction)
        return [first] + (c2c_passes("o", o, "o", o, rest, FORWARD) if rest else [])
    if n_h == 1:
        last, rest = Pass("copy", kind, "x", "o", ()), others
    else:
        last, rest = _real_group(kind, "x", x, "o", o, h, others, direction)
    return (c2c_passes("x", x, "x", x, rest, INVERSE) if rest else []) + [last]


def _cost(passes, copied: bool) -> int:
    """Full-array copies a plan costs beyond cuFFT's own passes."""
    return int(copied) + sum(2 if p.op == "staged" else 0 for p in passes)


# --- the recipe ---------------------------------------------------------------------------
class Prep:
    """The scratch input: ``shape``/``dtype``/``strides`` (dense), zero-filled when padded;
    the (truncated) input is copied into its leading corner, scaled and conjugated."""

    __slots__ = ("shape", "dtype", "strides", "zero", "scale", "conj")

    def __init__(self, shape, dtype, strides, zero):
        self.shape, self.dtype, self.strides, self.zero = shape, dtype, strides, zero
        self.scale, self.conj = None, False


class Recipe:
    """Everything one call does, computed once per (shape, strides, dtype, arguments).

    ``o_*``: the array cuFFT's last pass writes; ``r_*``: the returned array (NumPy's
    dtype and layout).  ``direct``: they are the same array.  ``trunc_shape``: the view
    of the input that is read (``n``/``s`` smaller than the input), or None.
    ``post``: (scale, conj) applied in place on ``o`` after the passes; ``final``:
    (scale, conj) folded into the copy of ``o`` into the returned array.  ``herm``: for
    C2R, (halved axis, even n, other transformed axes): the scratch is made a valid half
    spectrum before any pass (see ``_hermitian``).  ``in_align``: the byte alignment of
    the input's pointer the recipe was planned for (set by the caller; a recipe may be
    reused for an input whose pointer has it).
    """

    __slots__ = ("kind", "o_shape", "o_dtype", "o_strides", "r_dtype", "r_strides",
                 "direct", "trunc_shape", "prep", "herm", "passes", "post", "final", "x_dtype",
                 "in_align")

    def __repr__(self):
        return (f"Recipe({self.kind}, o={self.o_shape} {self.o_dtype}, direct={self.direct}, "
                f"trunc={self.trunc_shape}, prep={self.prep is not None}, "
                f"passes={self.passes}, post={self.post}, final={self.final})")


def _layout_ok(shape, strides, itemsize) -> bool:
    return all(n == 1 or (st > 0 and st % itemsize == 0) for n, st in zip(shape, strides))


def build_recipe(kind, a_shape, a_strides, a_dtype, a_c, a_f, axes, nlen, *, direction=FORWARD,
                 scale=None, conj_in=False, conj_out=False, out=None, force_copy=False,
                 name="fft", proto=None, real_result=None) -> Recipe:
    """Plan one transform.

    ``axes``: unique, normalised; for R2C/C2R the last is the halved axis.  ``nlen``:
    axis -> logical length n.  ``out``: None, or (shape, strides, dtype, alias[, ptr]) of
    the user's output array, already checked for shape and casting; ``alias``: None,
    "same" (it is the input: same memory and layout; a C2C may run in place) or
    "overlap"; ``ptr``: its address (cuFFT writes it directly only when aligned to the
    plan's complex element).  ``force_copy``: read the input only through a scratch copy
    (its pointer is not aligned as :func:`exec_alignment` asks).
    ``proto``: (strides, c, f) of the array NumPy lays its result out like, when that is
    not the input (hfft's ``conjugate(a)``).  ``real_result``: overrides NumPy's result
    dtype of a C2R (irfftn of float16 over several axes gives float32: its first 1-D
    calls make complex64 intermediates).
    """
    x_dt, o_dt, r_dt = dtypes_for(kind, a_dtype, name)
    if real_result is not None:
        r_dt = real_result
    h = axes[-1]
    x_shape, o_shape = list(a_shape), list(a_shape)
    for ax in axes:
        n = nlen[ax]
        x_shape[ax] = n // 2 + 1 if (kind == KIND_C2R and ax == h) else n
        o_shape[ax] = n // 2 + 1 if (kind == KIND_R2C and ax == h) else n
    x_shape, o_shape = tuple(x_shape), tuple(o_shape)
    r = Recipe()
    r.kind, r.o_shape, r.o_dtype, r.x_dtype = kind, o_shape, o_dt, x_dt
    r.in_align = exec_alignment(kind, a_dtype)
    trunc = tuple(min(s, t) for s, t in zip(a_shape, x_shape))
    r.trunc_shape = None if trunc == tuple(a_shape) else trunc
    if out is None:
        r.r_dtype = r_dt
        p_strides, p_c, p_f = proto or (a_strides, a_c, a_f)
        r.r_strides = result_strides(a_shape, p_strides, p_c, p_f, o_shape, r_dt.itemsize)
        proto_strides = r.r_strides
    else:
        r.r_dtype, r.r_strides = out[2], tuple(out[1])
        proto_strides = out[1]
    r.final, r.post = None, None
    o_dense = _same_order_strides(proto_strides, o_shape, o_dt.itemsize)
    x_dense = _same_order_strides(proto_strides, x_shape, x_dt.itemsize)
    pad = any(t > s for s, t in zip(a_shape, x_shape))
    must_copy = (force_copy or pad or kind == KIND_C2R or a_dtype != x_dt
                 or not _layout_ok(trunc, a_strides, a_dtype.itemsize))
    size = _prod(o_shape)

    # Candidate (o layout, x copied or not) pairs; the fewest full-array copies wins.
    alias = None if out is None else out[3]
    o_choices = [(True, o_dense)]
    if out is None:
        if r_dt == o_dt:
            o_choices = [(False, r.r_strides)]
    elif out[2] == o_dt and not (len(out) > 4 and out[4] % exec_alignment(kind, o_dt)):
        o_choices.insert(0, (False, tuple(out[1])))
    best = None
    for temp, o_strides in o_choices:
        og = Geom(o_shape, o_strides, o_dt.itemsize)
        for copied in ((True,) if must_copy else (False, True)):
            # Writing into memory the input shares is safe once the input is read: after
            # a prep copy, or in place by C2C passes on the very same layout.
            if not temp and alias == "overlap" and not copied:
                continue
            if not temp and alias == "same" and not copied and kind != KIND_C2C:
                continue
            if size == 0:
                passes = []
            else:
                xg = Geom(x_shape, x_dense if copied else a_strides,
                          (x_dt if copied else a_dtype).itemsize)
                passes = plan_passes(kind, xg, og, axes, direction)
            cost = _cost(passes, copied) + (1 if temp else 0)
            if best is None or cost < best[0]:
                best = (cost, temp, o_strides, copied, passes)
    _, temp, o_strides, copied, passes = best
    r.direct = not temp
    r.o_strides = tuple(o_strides)
    r.passes = tuple(passes)
    r.prep = Prep(x_shape, x_dt, x_dense, pad) if copied else None
    r.herm = None
    if size and kind == KIND_C2R and nlen[h] > 1:
        r.herm = (h, nlen[h] % 2 == 0, tuple(ax for ax in axes[:-1] if x_shape[ax] > 1))
    if size:
        _place_scale(r, scale, conj_in, conj_out)
    return r


def _same_order_strides(proto_strides, shape, itemsize) -> tuple:
    """Dense strides for ``shape`` with the axis order of ``proto_strides`` (largest first,
    ties in axis order)."""
    from .._routines.creation import keep_order_strides
    return keep_order_strides(proto_strides, shape, itemsize)


def _place_scale(r: Recipe, scale, conj_in: bool, conj_out: bool) -> None:
    """Fold the norm factor and conjugations into copies the recipe makes anyway."""
    if scale == 1.0:
        scale = None
    if conj_in:                              # hfft: conj of the input (its prep copy)
        r.prep.conj = True
    passes = r.passes
    if scale is not None:
        if r.prep is not None:
            r.prep.scale, scale = scale, None
        elif passes and passes[0].op == "staged":
            passes[0].scale_in, scale = scale, None
    if scale is None and not conj_out:
        if not r.direct:
            r.final = (None, False)
        return
    if not r.direct:
        r.final = (scale, conj_out)
    elif passes and passes[-1].op in ("staged", "copy") and passes[-1].dst == "o":
        passes[-1].scale_out, passes[-1].conj_out = scale, conj_out
    else:
        r.post = (scale, conj_out)


# --- argument normalisation (NumPy's rules) -----------------------------------------------
def check_n(n) -> int:
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    return n
