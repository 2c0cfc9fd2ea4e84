"""Running a :class:`~cuarray.fft._plan.Recipe` on the GPU.

Five primitives do all the device work: :func:`alloc` (pool memory, stream-ordered),
:func:`zero` (memset), :func:`copy` (an elementwise copy with a cast, optionally
scaled and conjugated: where the norm factor is folded), :func:`hermitian` (a C2R
input made a valid half spectrum) and :func:`run_plan` (one cuFFT plan from the
current thread's cache for the current device, on the current stream).  They are module attributes so that the CPU tests can run whole recipes
against host memory with a cuFFT emulator.
"""

from __future__ import annotations

import numpy

from .._core.ndarray import _view
from .._engine import elementwise as _ew
from .._routines.creation import empty_strided
from ._cache import get_plan_cache

_SCALE = _ew.ElementwiseOp("fft_scale", "out0 = in0 * in1", 2, 1)
_CONJ_SCALE = _ew.ElementwiseOp("fft_conj_scale", "out0 = cuarray::conj(in0) * in1", 2, 1)
_CONJ = _ew.ElementwiseOp("fft_conj", "out0 = cuarray::conj(in0)", 1, 1)
_COMPUTE = {"e": numpy.dtype("float32")}
_SCALAR = {"f": numpy.float32, "d": numpy.float64, "F": numpy.float32, "D": numpy.float64}


def alloc(shape: tuple, dtype: numpy.dtype, strides: tuple):
    """A new array with dense ``strides`` (bytes) from the memory pool."""
    return empty_strided(shape, dtype, strides)


def zero(a) -> None:
    """Set a freshly allocated (dense) array to zero."""
    from ..cuda._copy import memset8
    memset8(a._ptr, 0, a.nbytes)


def copy(dst, src, scale=None, conj=False) -> None:
    """``dst[...] = conj?(src) * scale`` with NumPy's casts (complex to real keeps the real
    part); one kernel, or a plain copy when there is nothing to fold in."""
    if scale is None and not conj:
        from .._engine.copy import copy_into
        copy_into(dst, src)
        return
    if not dst.size:
        return
    cdt = _COMPUTE.get(dst.dtype.char, dst.dtype)
    conj = conj and cdt.kind == "c"
    if scale is None:
        if not conj:
            from .._engine.copy import copy_into
            copy_into(dst, src)
            return
        _ew.launch(_CONJ, [src], (src.dtype,), (cdt,), [dst], (cdt,))
        return
    s = _SCALAR[cdt.char](scale)
    sdt = s.dtype
    _ew.launch(_CONJ_SCALE if conj else _SCALE, [src, s], (src.dtype, sdt), (cdt, sdt),
               [dst], (cdt,))


def hermitian(x, h: int, nyquist: bool, mirror_axes) -> None:
    """Make a C2R input a valid half spectrum, in place (see ``_hermitian``)."""
    from ._hermitian import symmetrize
    symmetrize(x, h, nyquist, mirror_axes)


def run_plan(key, direction: int, in_ptr: int, out_ptr: int, loops=()) -> None:
    """Execute the plan of geometry ``key`` (cached per thread and device)."""
    get_plan_cache().get_plan(key).execute(in_ptr, out_ptr, direction, loops)


# --- the recipe interpreter ----------------------------------------------------------------
def execute(r, a, out=None):
    """Run recipe ``r`` on input ``a``; the result goes into ``out`` when given."""
    res = out if out is not None else alloc(r.o_shape, r.r_dtype, r.r_strides)
    if not res.size:
        return res
    o = res if r.direct else alloc(r.o_shape, r.o_dtype, r.o_strides)
    x = a
    if r.trunc_shape is not None:
        x = _view(a, r.trunc_shape, a._strides, a.dtype, a._ptr)
    p = r.prep
    if p is not None:
        s = alloc(p.shape, p.dtype, p.strides)
        if p.zero:
            zero(s)
            copy(_view(s, x._shape, s._strides, s.dtype, s._ptr), x, p.scale, p.conj)
        else:
            copy(s, x, p.scale, p.conj)
        x = s
    if r.herm is not None:
        hermitian(x, *r.herm)
    for ps in r.passes:
        src = x if ps.src == "x" else o
        dst = o if ps.dst == "o" else x
        op = ps.op
        if op == "fft":
            run_plan(ps.key, ps.direction, src._ptr, dst._ptr, ps.loops)
        elif op == "copy":
            copy(dst, src, ps.scale_out, ps.conj_out)
        else:
            _staged(ps, src, dst)
    if r.post is not None:
        copy(o, o, *r.post)
    if not r.direct:
        copy(res, o, *r.final)
    return res


def _permuted(a, perm):
    return _view(a, tuple(a._shape[i] for i in perm), tuple(a._strides[i] for i in perm),
                 a.dtype, a._ptr)


def _staged(ps, src, dst) -> None:
    """Transposing copy in, cuFFT on the C-ordered scratch (in place for C2C), copy back."""
    from .._core.shape import c_strides
    sv, dv = _permuted(src, ps.perm), _permuted(dst, ps.perm)
    tin = alloc(sv._shape, sv.dtype, c_strides(sv._shape, sv.dtype.itemsize))
    copy(tin, sv, ps.scale_in, False)
    if ps.kind == "C2C":
        tout = tin
    else:
        tout = alloc(dv._shape, dv.dtype, c_strides(dv._shape, dv.dtype.itemsize))
    run_plan(ps.key, ps.direction, tin._ptr, tout._ptr, ())
    copy(dv, tout, ps.scale_out, ps.conj_out)
