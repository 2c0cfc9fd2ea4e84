"""Sums, products, extrema, logic reductions and arg-reductions (NumPy's "Mathematical
functions: sums, products", "Sorting, searching" argmax/argmin, "Logic functions" all/any).

Each routine is one ufunc reduction (``ufunc.reduce`` or ``reduce_mapped`` with a C++
map of the element, e.g. NaN -> 0 for nansum) or one ``ReductionOp`` of its own (the
(value, index) accumulator of argmin/argmax, count_nonzero): no behaviour keyed on names
in the engine.
"""

from __future__ import annotations

import numpy

from .._core.dtypes import COMPUTE, ctype
from .._core.ndarray import ndarray
from .._engine import reduction as _red
from .._engine.reduction_source import ReductionOp
from .._ufunc import namespace as _uf
from .._ufunc.reduce import (_NOVALUE, _check_array, normalize_axes, reduce_mapped,
                              reduction_output)

_BOOL = numpy.dtype(bool)
_I64 = numpy.dtype(numpy.int64)
_NAN_FREE = "biu"


def _kw(initial, where) -> dict:
    kw = {}
    if initial is not _NOVALUE:
        kw["initial"] = initial
    if where is not True:
        kw["where"] = where
    return kw


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NOVALUE,  # noqa: A001
        where=True):
    """See numpy.sum.

    Differences from NumPy: floating-point sums combine in a tree, not NumPy's pairwise
    order (equal up to rounding); a 0-d result is a 0-d array.
    """
    return _uf.add.reduce(a, axis, dtype, out, keepdims, **_kw(initial, where))


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NOVALUE, where=True):
    """See numpy.prod."""
    return _uf.multiply.reduce(a, axis, dtype, out, keepdims, **_kw(initial, where))


def max(a, axis=None, out=None, keepdims=False, initial=_NOVALUE, where=True):  # noqa: A001
    """See numpy.max."""
    return _uf.maximum.reduce(a, axis, None, out, keepdims, **_kw(initial, where))


def min(a, axis=None, out=None, keepdims=False, initial=_NOVALUE, where=True):  # noqa: A001
    """See numpy.min."""
    return _uf.minimum.reduce(a, axis, None, out, keepdims, **_kw(initial, where))


amax = max
amin = min


def all(a, axis=None, out=None, keepdims=False, *, where=True):  # noqa: A001
    """See numpy.all."""
    return _uf.logical_and.reduce(a, axis, None, out, keepdims, **_kw(_NOVALUE, where))


def any(a, axis=None, out=None, keepdims=False, *, where=True):  # noqa: A001
    """See numpy.any."""
    return _uf.logical_or.reduce(a, axis, None, out, keepdims, **_kw(_NOVALUE, where))


def _nan_mapped(a, replacement: str) -> str:
    """The element map replacing NaN by ``replacement`` (C++), or the identity map for
    dtypes without NaN."""
    if a.dtype.kind in _NAN_FREE:
        return "acc_t(in0)"
    return f"(cuarray::red::is_nan(in0) ? acc_t({replacement}) : acc_t(in0))"


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NOVALUE, where=True):
    """See numpy.nansum."""
    a = _check_array(a)
    return reduce_mapped(_uf.add, a, axis, dtype, out, keepdims, initial, where,
                         _nan_mapped(a, "0"))


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NOVALUE, where=True):
    """See numpy.nanprod."""
    a = _check_array(a)
    return reduce_mapped(_uf.multiply, a, axis, dtype, out, keepdims, initial, where,
                         _nan_mapped(a, "1"))


def nanmax(a, axis=None, out=None, keepdims=False, initial=_NOVALUE, where=True):
    """See numpy.nanmax.

    Differences from NumPy: an all-NaN slice gives NaN without a RuntimeWarning.
    """
    return _uf.fmax.reduce(a, axis, None, out, keepdims, **_kw(initial, where))


def nanmin(a, axis=None, out=None, keepdims=False, initial=_NOVALUE, where=True):
    """See numpy.nanmin.

    Differences from NumPy: an all-NaN slice gives NaN without a RuntimeWarning.
    """
    return _uf.fmin.reduce(a, axis, None, out, keepdims, **_kw(initial, where))


def ptp(a, axis=None, out=None, keepdims=False):
    """See numpy.ptp."""
    hi = max(a, axis, None, keepdims)
    lo = min(a, axis, None, keepdims)
    return _uf.subtract(hi, lo, out=out)


# -- count_nonzero and arg-reductions: ops of their own ----------------------------------------

_ops: dict = {}


def _op(key, factory) -> ReductionOp:
    op = _ops.get(key)
    if op is None:
        op = _ops[key] = factory()
    return op


def _run(op, a, in_compute, axis, out, keepdims, out_dt, c_order=False):
    """Reduce ``a`` over ``axis`` with ``op`` into a new (or the given) ``out_dt`` array."""
    a = _check_array(a)
    axes = normalize_axes(axis, a.ndim)
    res, kept = reduction_output(op.name, a, axes, keepdims, out, out_dt, c_order)
    _red.reduce(op, [a], (a.dtype,), (in_compute,), kept, out_dt, a._shape, axes)
    return res


def count_nonzero(a, axis=None, *, keepdims=False):
    """See numpy.count_nonzero.

    Differences from NumPy: with ``axis=None`` the count is a 0-d int64 array, not a
    Python int (no implicit synchronisation).
    """
    op = _op("count_nonzero", lambda: ReductionOp(
        name="count_nonzero", nin=1, acc="long long", acc_itemsize=8, identity="0LL",
        map="(long long)in0", reduce="a + b"))
    return _run(op, a, _BOOL, axis, None, keepdims, _I64)


def _arg_op(a, best: str, nan_skip: bool) -> tuple:
    """(op, compute dtype) of argmax (``best`` "max") or argmin over ``a``'s dtype."""
    c = COMPUTE.get(a.dtype, a.dtype)
    t = ctype(c)
    nan_skip = nan_skip and a.dtype.kind in "fc"

    def make():
        if c.kind == "c":
            better = f"cuarray::{'greater' if best == 'max' else 'less'}(x, y)"
        else:
            better = f"x {'>' if best == 'max' else '<'} y"
        start = "lowest" if best == "max" else "highest"
        lam = f"[]({t} x, {t} y) {{ return {better}; }}"
        mapped = "acc_t{in0, _j}"
        if nan_skip:
            mapped = f"(cuarray::red::is_nan(in0) ? r_op::identity() : {mapped})"
        size = -(-c.itemsize // 8) * 8 + 8
        return ReductionOp(
            name=("nanarg" if nan_skip else "arg") + best, nin=1, acc=f"cuarray::red::arg<{t}>",
            acc_itemsize=size, identity=f"acc_t{{cuarray::red::{start}<{t}>(), "
                                        "0x7fffffffffffffffLL}",
            map=mapped, reduce=f"cuarray::red::arg_pick(a, b, {lam})",
            step=f"cuarray::red::arg_step(a, b, {lam})", post="out0 = a.i", index=True)
    return _op(("arg", best, nan_skip, c), make), c


def _argreduce(a, axis, out, keepdims, best, nan_skip):
    a = _check_array(a)
    if a.size == 0:
        raise ValueError(f"attempt to get arg{best} of an empty sequence")
    if axis is not None:
        from numpy.lib.array_utils import normalize_axis_index
        axis = normalize_axis_index(axis, a.ndim)
    if out is not None and type(out) is ndarray and out.dtype != _I64:
        raise TypeError("Cannot cast array data from dtype('int64') to "
                        f"{out.dtype!r} according to the rule 'safe'")
    op, c = _arg_op(a, best, nan_skip)
    if axis is None and keepdims:
        res = _run(op, a, c, None, None, False, _I64, True)
        res = res.reshape((1,) * a.ndim)
        if out is not None:
            out[...] = res
            return out
        return res
    return _run(op, a, c, axis, out, keepdims, _I64, True)


def argmax(a, axis=None, out=None, *, keepdims=False):
    """See numpy.argmax."""
    return _argreduce(a, axis, out, keepdims, "max", False)


def argmin(a, axis=None, out=None, *, keepdims=False):
    """See numpy.argmin."""
    return _argreduce(a, axis, out, keepdims, "min", False)


def _nanarg(a, axis, out, keepdims, best):
    res = _argreduce(a, axis, out, keepdims, best, True)
    a = _check_array(a)
    if a.dtype.kind in "fc" and bool(any(_uf.equal(res, numpy.iinfo(_I64).max))):
        raise ValueError("All-NaN slice encountered")
    return res


def nanargmax(a, axis=None, out=None, *, keepdims=False):
    """See numpy.nanargmax.

    Differences from NumPy: detecting an all-NaN slice (NumPy's ValueError) reads one
    flag back from the GPU, a synchronisation.
    """
    return _nanarg(a, axis, out, keepdims, "max")


def nanargmin(a, axis=None, out=None, *, keepdims=False):
    """See numpy.nanargmin.

    Differences from NumPy: detecting an all-NaN slice (NumPy's ValueError) reads one
    flag back from the GPU, a synchronisation.
    """
    return _nanarg(a, axis, out, keepdims, "min")
