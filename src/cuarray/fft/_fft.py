"""NumPy's discrete Fourier transforms on cuFFT.  See numpy.fft.

Every function parses its arguments with NumPy's rules and errors, turns them into
a :class:`~cuarray.fft._plan.Recipe` (pure Python, cached per (function, shape,
strides, dtype, n/s, axis/axes, norm) for calls without ``out``) and runs it with
:func:`~cuarray.fft._exec.execute`.  A repeated call is one dict look-up, one
allocation and one cuFFT execution.

Multi-axis transforms run as one cuFFT plan of up to three axes wherever cuFFT's
strided layout can describe the data (any axis order, batched, sliced views), as
single-axis passes where it cannot, and through a transposing copy only where a
single axis cannot be expressed either.  Padding and truncation by ``n``/``s``
happen once, before the transform, in the same copy as any dtype conversion; the
norm factor rides on a copy the call makes anyway where there is one.

The core, :func:`transform`, also takes ``overwrite_x`` so that a later
``cuarray.scipy.fft`` can share this module.
"""

from __future__ import annotations

import operator
import warnings

import numpy
from numpy.lib.array_utils import normalize_axis_index

from .._core.ndarray import ndarray
from ..cuda._cufft import FORWARD, INVERSE
from . import _exec
from ._plan import (KIND_C2C, KIND_C2R, KIND_R2C, build_recipe, dtypes_for, exec_alignment,
                    factor_dtype, norm_factor)

_memo: dict = {}
_MEMO_MAX = 4096
_NO_AXES = object()         # a recipe that returns the input (fftn over no axes)


class _Spec:
    """One NumPy function: its transform kind, direction, default ``n`` rule, norm style
    (True: scaled by default, as inverse transforms are), conjugations."""

    __slots__ = ("name", "kind", "direction", "half_n", "inverse_norm", "conj_in", "conj_out")

    def __init__(self, name, kind, direction, half_n, inverse_norm, conj_in=False,
                 conj_out=False):
        self.name, self.kind, self.direction, self.half_n = name, kind, direction, half_n
        self.inverse_norm, self.conj_in, self.conj_out = inverse_norm, conj_in, conj_out


_FFT = _Spec("fft", KIND_C2C, FORWARD, False, False)
_IFFT = _Spec("ifft", KIND_C2C, INVERSE, False, True)
_RFFT = _Spec("rfft", KIND_R2C, FORWARD, False, False)
_IRFFT = _Spec("irfft", KIND_C2R, INVERSE, True, True)
# hfft(a) = irfft(conj(a)) with the norm direction swapped; ihfft = conj(rfft) likewise.
_HFFT = _Spec("hfft", KIND_C2R, INVERSE, True, False, conj_in=True)
_IHFFT = _Spec("ihfft", KIND_R2C, FORWARD, False, True, conj_out=True)

_NORM_MODES = {  # (norm, scaled-by-default) -> per-axis factor
    (None, False): "none", ("backward", False): "none", ("ortho", False): "ortho",
    ("forward", False): "n", (None, True): "n", ("backward", True): "n",
    ("ortho", True): "ortho", ("forward", True): "none"}


def _norm_mode(norm, inverse_norm: bool) -> str:
    try:
        return _NORM_MODES[norm, inverse_norm]
    except (KeyError, TypeError):
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or '
                         '"forward".') from None


def _as_array(a) -> ndarray:
    if isinstance(a, ndarray):
        return a
    if isinstance(a, (numpy.ndarray, list, tuple)):
        raise TypeError(f"unsupported type {type(a).__name__}: cuarray.fft does not copy host "
                        "data implicitly; convert it with cuarray.asarray() first")
    from .._routines.creation import asarray
    return asarray(a)       # device arrays of other libraries, Python and NumPy scalars


def _check_n(n) -> int:
    if n < 1:
        raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    return operator.index(n)


# --- out= -----------------------------------------------------------------------------------
def _out_spec(out, a, shape, kind, name):
    """NumPy's checks of ``out`` (a device array of the result's shape, and a dtype the
    result casts to 'same_kind'), and how it aliases the input."""
    if not isinstance(out, ndarray):
        raise TypeError(f"out must be a cuarray.ndarray, not {type(out).__name__}")
    if out._shape != tuple(shape):
        raise ValueError("output array has wrong shape.")
    res = dtypes_for(kind, a.dtype, name)[1]
    if not numpy.can_cast(res, out.dtype, "same_kind"):
        raise TypeError(f"Cannot cast ufunc '{name}' output from {res!r} to {out.dtype!r} "
                        "with casting rule 'same_kind'")
    return (out._shape, out._strides, out.dtype, _alias(a, out), out._ptr)


def _alias(a, out):
    if out._ptr == a._ptr and out._shape == a._shape and out._strides == a._strides \
            and out.dtype == a.dtype:
        return "same"
    from .._core.shape import byte_bounds
    lo1, hi1 = byte_bounds(a._ptr, a._shape, a._strides, a.dtype.itemsize)
    lo2, hi2 = byte_bounds(out._ptr, out._shape, out._strides, out.dtype.itemsize)
    return "overlap" if lo1 < hi2 and lo2 < hi1 else None


def _memo_store(key, recipe) -> None:
    if len(_memo) >= _MEMO_MAX:
        _memo.clear()
    _memo[key] = recipe


# --- the core ---------------------------------------------------------------------------------
def transform(a, spec, nlen, axes, norm, out=None, *, factor_axes=None, overwrite_x=False):
    """Run ``spec``'s transform (see :func:`make_recipe`) and return the result."""
    recipe = make_recipe(a, spec, nlen, axes, norm, out, factor_axes=factor_axes,
                         overwrite_x=overwrite_x)
    return _exec.execute(recipe, a, out)


def make_recipe(a, spec, nlen, axes, norm, out=None, *, factor_axes=None, overwrite_x=False):
    """Plan ``spec``'s transform over ``axes`` (unique, normalised; for real transforms the
    last is the halved axis) with logical lengths ``nlen`` (axis -> n).

    ``factor_axes``: the axes in the order NumPy's 1-D calls meet them (the first uses
    the input's real dtype for its norm factor, later ones the result's).
    ``overwrite_x``: the input may be destroyed (scipy.fft's option): a C2R transform
    then uses it as its scratch when its dtype and layout allow.
    """
    mode = _norm_mode(norm, spec.inverse_norm)
    scale = None
    if mode != "none":
        first = factor_dtype(a.dtype)
        later = factor_dtype(dtypes_for(spec.kind, a.dtype, spec.name)[0])
        scale = 1.0
        for i, ax in enumerate(factor_axes or axes):
            scale *= norm_factor(mode, nlen[ax], first if i == 0 else later)
    h = axes[-1]
    o_shape = tuple(
        (nlen[ax] // 2 + 1 if spec.kind == KIND_R2C and ax == h else nlen[ax])
        if ax in nlen else s for ax, s in enumerate(a._shape))
    ospec = None if out is None else _out_spec(out, a, o_shape, spec.kind, spec.name)
    o_dt = dtypes_for(spec.kind, a.dtype, spec.name)[1]
    # cuFFT reads an input in place only at an address aligned to its complex element
    # (a float64 view a[1:] of a pool array is not): else through the scratch copy.
    force = bool(a._ptr % exec_alignment(spec.kind, a.dtype))
    proto = _conj_layout(a) if spec.conj_in else None
    recipe = build_recipe(spec.kind, a._shape, a._strides, a.dtype, a._c, a._f, tuple(axes),
                          nlen, direction=spec.direction, scale=scale, conj_in=spec.conj_in,
                          conj_out=spec.conj_out, out=ospec, force_copy=force, name=spec.name,
                          proto=proto,
                          real_result=o_dt if spec.kind == KIND_C2R and len(axes) > 1 else None)
    if overwrite_x and recipe.prep is not None and spec.kind == KIND_C2R:
        recipe = _reuse_input(recipe, a)
    return recipe


def _conj_layout(a):
    """(strides, c, f) of NumPy's ``conjugate(a)``, which hfft transforms: a ufunc result,
    laid out by the iterator's axis order (zero strides do not vote)."""
    from .._core.shape import contiguity
    from .._routines.creation import iter_strides
    st = iter_strides(a._shape, [(a._shape, a._strides)], a.dtype.itemsize)
    return (st,) + contiguity(a._shape, st, a.dtype.itemsize)


def _reuse_input(recipe, a):
    """With overwrite_x, a C2R whose prep copy would only copy can run on the input."""
    p = recipe.prep
    if (recipe.trunc_shape is None and not p.zero and p.scale is None and not p.conj
            and a.dtype == p.dtype and a._strides == p.strides
            and not a._ptr % a.dtype.itemsize):
        recipe.prep = None
    return recipe


# --- one axis -----------------------------------------------------------------------------------
def _one(a, n, axis, norm, out, spec):
    if type(a) is not ndarray:
        a = _as_array(a)
    if out is None:
        key = (spec, a._shape, a._strides, a.dtype, n, n.__class__, axis, axis.__class__, norm)
        try:
            recipe = _memo.get(key)
        except TypeError:           # an unhashable argument: NumPy's errors below
            key = recipe = None
        if recipe is not None and not a._ptr % recipe.in_align:
            return _exec.execute(recipe, a, None)
    else:
        key = None
    recipe = _one_recipe(a, n, axis, norm, out, spec)
    if key is not None and not a._ptr % recipe.in_align:     # planned without force_copy
        _memo_store(key, recipe)
    return _exec.execute(recipe, a, out)


def _one_recipe(a, n, axis, norm, out, spec):
    if n is None:
        m = a._shape[axis]          # NumPy's IndexError/TypeError for a bad axis
        n = (m - 1) * 2 if spec.half_n else m
    if spec.conj_in or spec.conj_out:
        _norm_mode(norm, spec.inverse_norm)     # hfft/ihfft check norm first
    n = _check_n(n)
    _norm_mode(norm, spec.inverse_norm)
    ax = normalize_axis_index(axis, a.ndim)
    return make_recipe(a, spec, {ax: n}, (ax,), norm, out)


def fft(a, n=None, axis=-1, norm=None, out=None):
    """See numpy.fft.fft."""
    return _one(a, n, axis, norm, out, _FFT)


def ifft(a, n=None, axis=-1, norm=None, out=None):
    """See numpy.fft.ifft."""
    return _one(a, n, axis, norm, out, _IFFT)


def rfft(a, n=None, axis=-1, norm=None, out=None):
    """See numpy.fft.rfft."""
    return _one(a, n, axis, norm, out, _RFFT)


def irfft(a, n=None, axis=-1, norm=None, out=None):
    """See numpy.fft.irfft.

    The input is never modified (cuFFT's C2R overwrites its input, so it runs on a copy).
    """
    return _one(a, n, axis, norm, out, _IRFFT)


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """See numpy.fft.hfft.

    Differences from NumPy: ``out`` is honoured (NumPy 2.4 accepts and ignores it).
    """
    return _one(a, n, axis, norm, out, _HFFT)


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """See numpy.fft.ihfft."""
    return _one(a, n, axis, norm, out, _IHFFT)


# --- several axes ---------------------------------------------------------------------------------
def _cook_nd(a, s, axes, invreal):
    """NumPy's ``_cook_nd_args``: (lengths, axes) with its errors and deprecation warnings."""
    if s is None:
        shapeless = True
        if axes is None:
            s = list(a._shape)
        else:
            s = list(numpy.take(numpy.array(a._shape, dtype=numpy.intp), axes))
    else:
        shapeless = False
    s = list(s)
    if axes is None:
        if not shapeless:
            warnings.warn(
                "`axes` should not be `None` if `s` is not `None` (Deprecated in NumPy 2.0). "
                "In a future version of NumPy, this will raise an error and `s[i]` will "
                "correspond to the size along the transformed axis specified by `axes[i]`. "
                "To retain current behaviour, pass a sequence [0, ..., k-1] to `axes` for an "
                "array of dimension k.", DeprecationWarning, stacklevel=5)
        axes = list(range(-len(s), 0))
    axes = list(axes)
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    if invreal and shapeless:
        s[-1] = (a._shape[axes[-1]] - 1) * 2
    if any(v is None for v in s):
        warnings.warn(
            "Passing an array containing `None` values to `s` is deprecated in NumPy 2.0 and "
            "will raise an error in a future version of NumPy. To use the default behaviour "
            "of the corresponding 1-D transform, pass the value matching the default for its "
            "`n` parameter. To use the default behaviour for every axis, the `s` argument can "
            "be omitted.", DeprecationWarning, stacklevel=5)
    s = [a._shape[ax] if v is not None and v == -1 else v for v, ax in zip(s, axes)]
    return s, axes


def _nd_key(v):
    if v is None:
        return None
    t = v if type(v) is tuple else tuple(v)
    for e in t:
        if type(e) is not int:
            raise TypeError
    return t


def _nd(a, s, axes, norm, out, spec):
    if type(a) is not ndarray:
        a = _as_array(a)
    key = None
    if out is None and not (s is not None and axes is None):
        try:
            key = (spec, a._shape, a._strides, a.dtype, _nd_key(s), _nd_key(axes), norm)
            recipe = _memo.get(key)
        except TypeError:
            key = recipe = None
        if recipe is _NO_AXES:
            return a
        if recipe is not None and not a._ptr % recipe.in_align:
            return _exec.execute(recipe, a, None)
    recipe = _nd_recipe(a, s, axes, norm, out, spec)
    if type(recipe) is tuple:               # repeated axes: NumPy's sequence of 1-D calls
        return _nd_sequential(a, *recipe, norm, out, spec)
    if recipe is _NO_AXES:
        if key is not None:
            _memo_store(key, recipe)
        return a
    if key is not None and not a._ptr % recipe.in_align:      # planned without force_copy
        _memo_store(key, recipe)
    return _exec.execute(recipe, a, out)


def _nd_recipe(a, s, axes, norm, out, spec):
    """The recipe; _NO_AXES for no axes (NumPy returns the input); (s, axes) as cooked
    for repeated axes."""
    kind = spec.kind
    s, axes = _cook_nd(a, s, axes, kind == KIND_C2R)
    if not axes:
        if kind != KIND_C2C:
            raise IndexError("list index out of range")
        return _NO_AXES
    nd = a.ndim
    order = list(range(len(axes)))       # NumPy's order of 1-D calls
    if kind == KIND_C2C:
        order.reverse()
    elif kind == KIND_R2C:
        order = [len(axes) - 1] + order[-2::-1]
    else:
        order = order[:-1] + [len(axes) - 1]
    nlen, norm_axes = {}, []
    for i in order:
        ax = axes[i]
        n = s[i]
        if n is None:
            m = a._shape[ax]
            n = (m - 1) * 2 if (kind == KIND_C2R and i == len(axes) - 1) else m
        n = _check_n(n)
        _norm_mode(norm, spec.inverse_norm)
        ax = normalize_axis_index(ax, nd)
        if ax in nlen:
            return s, axes
        nlen[ax] = n
        norm_axes.append(ax)
    axes = tuple(normalize_axis_index(ax, nd) for ax in axes)
    return make_recipe(a, spec, nlen, axes, norm, out, factor_axes=norm_axes)


def _nd_sequential(a, s, axes, norm, out, spec):
    last = len(axes) - 1
    if spec.kind == KIND_C2C:
        fn = fft if spec.direction == FORWARD else ifft
        for i in range(last, -1, -1):
            a = fn(a, s[i], axes[i], norm, out if i == 0 else None)
        return a
    if spec.kind == KIND_R2C:
        a = rfft(a, s[-1], axes[-1], norm, out if last == 0 else None)
        for i in range(last - 1, -1, -1):
            a = fft(a, s[i], axes[i], norm, out if i == 0 else None)
        return a
    for i in range(last):
        a = ifft(a, s[i], axes[i], norm)
    return irfft(a, s[-1], axes[-1], norm, out)


_FFTN = _Spec("fftn", KIND_C2C, FORWARD, False, False)
_IFFTN = _Spec("ifftn", KIND_C2C, INVERSE, False, True)
_RFFTN = _Spec("rfftn", KIND_R2C, FORWARD, False, False)
_IRFFTN = _Spec("irfftn", KIND_C2R, INVERSE, True, True)


def fftn(a, s=None, axes=None, norm=None, out=None):
    """See numpy.fft.fftn."""
    return _nd(a, s, axes, norm, out, _FFTN)


def ifftn(a, s=None, axes=None, norm=None, out=None):
    """See numpy.fft.ifftn."""
    return _nd(a, s, axes, norm, out, _IFFTN)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """See numpy.fft.fft2."""
    return _nd(a, s, axes, norm, out, _FFTN)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """See numpy.fft.ifft2.

    Differences from NumPy: ``out`` is honoured (NumPy 2.4 accepts and ignores it).
    """
    return _nd(a, s, axes, norm, out, _IFFTN)


def rfftn(a, s=None, axes=None, norm=None, out=None):
    """See numpy.fft.rfftn."""
    return _nd(a, s, axes, norm, out, _RFFTN)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """See numpy.fft.rfft2."""
    return _nd(a, s, axes, norm, out, _RFFTN)


def irfftn(a, s=None, axes=None, norm=None, out=None):
    """See numpy.fft.irfftn.

    The input is never modified (cuFFT's C2R overwrites its input, so it runs on a copy).
    """
    return _nd(a, s, axes, norm, out, _IRFFTN)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """See numpy.fft.irfft2.

    Differences from NumPy: ``out`` is honoured (NumPy 2.4 accepts and ignores it).
    """
    return _nd(a, s, axes, norm, out, _IRFFTN)
