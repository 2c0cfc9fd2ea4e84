"""The ufunc methods ``reduce`` and ``reduceat`` (bound onto the ``ufunc`` class on import).

``reduce`` phases: ``_check_array`` -> ``normalize_axes`` -> ``_resolve_reduce`` (NumPy's
loop via ``resolve_dtypes(..., reduction=True)``, memoised) -> ``_prepare_out`` ->
``reduction_op`` (the ufunc spec's ``Reduction`` as an engine ``ReductionOp``) ->
``cuarray._engine.reduction.reduce``.

A ufunc whose spec declares a reorderable reduction reduces in parallel; every other
binary ufunc (subtract, divide, power, lcm, ...) combines in NumPy's order, one GPU
thread per output, with its own loop body, exactly as NumPy defines the result.
"""

from __future__ import annotations

import numpy
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from .._core import ndarray as _nd
from .._core.dtypes import COMPUTE, ctype
from .._engine import reduction as _red
from .._engine.reduction_source import ReductionOp
from . import ufunc as _ufunc_module
from .ufunc import _check_input, _detach_overlaps, ufunc

ndarray = _nd.ndarray
_empty = _nd._empty
_BOOL = numpy.dtype(bool)
_NOVALUE = numpy._NoValue


def normalize_axes(axis, ndim) -> tuple:
    """NumPy's reduction axes: None -> all; int or tuple, negative allowed; sorted."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted(normalize_axis_tuple(axis, ndim)))


def reorderable(self) -> bool:
    """NumPy's rule: ufuncs with an identity, and those declared reorderable without one
    (maximum, minimum, fmax, fmin), reduce over several axes at once."""
    red = self._spec.reduce
    if red is not None:
        return red.reorderable
    return self._np.identity is not None


def _cpp_literal(v) -> str:
    if isinstance(v, float) and v in (float("inf"), float("-inf")):
        return "-cuarray::red::limits<double>::highest()" if v < 0 else \
            "cuarray::red::limits<double>::highest()"
    return repr(int(v)) if isinstance(v, (bool, int)) else repr(float(v))


def _check_array(x) -> ndarray:
    if type(x) is ndarray or isinstance(x, ndarray):
        return x
    _check_input(x)
    from .._routines.creation import asarray
    return asarray(x)


def _resolve_reduce(self, in_dt, out_dt, dtype) -> tuple:
    """NumPy's reduction loop (in0, in1, out) for input ``in_dt``: ``out=`` and ``dtype=``
    choose it as NumPy's reduce does (output casting is unsafe for reductions)."""
    key = ("reduce", in_dt, out_dt, dtype)
    loop = self._memo.get(key)
    if loop is None:
        kw = {} if dtype is None else {"signature": (numpy.dtype(dtype), None, None)}
        loop = self._np.resolve_dtypes((out_dt, in_dt, None), reduction=True, casting="unsafe",
                                       **kw)
        for d in loop:
            _nd_supported(d, self.__name__)
        self._memo[key] = loop
    return loop


def _nd_supported(d, name):
    from .._core.dtypes import is_supported
    if not is_supported(d):
        raise TypeError(f"ufunc {name!r}: the reduction loop uses dtype {d}, which cuarray does "
                        "not support")


def reduction_op(self, loop_dt, where: bool, mapped: str = "acc_t(in0)") -> ReductionOp:
    """The engine op reducing this ufunc on accumulator dtype ``loop_dt`` (plus a where-mask
    input when ``where``; ``mapped``: the C++ accumulator of one element): parallel where the
    spec declares a neutral start, else in order with the ufunc's own body."""
    key = ("reduce-op", loop_dt, where, mapped)
    op = self._ops.get(key)
    if op is not None:
        return op
    spec, c = self._spec, COMPUTE.get(loop_dt, loop_dt)
    red = spec.reduce
    neutral = red.neutral_for(loop_dt) if red is not None else None
    preamble = spec.preamble
    # Without a start value, a where-mask cannot stand in for skipped elements: each one
    # carries its mask bit and the in-order combine skips it (NumPy then needs initial=).
    skip_masked = where and neutral is None and self._np.identity is None
    elem = "acc_t"
    if red is not None and not skip_masked:
        combine = red.combine_for(loop_dt)
    else:      # NumPy's loop body, with the running result as in0 (its out dtype)
        body = spec.body_for(loop_dt)
        preamble += ("\n__device__ __forceinline__ acc_t r_body(acc_t in0, in0_type in1) {\n"
                     "  typedef in0_type in1_type; out0_type out0;\n"
                     f"  {body.strip().rstrip(';')};\n  return out0;\n}}\n")
        combine, mapped, elem = "r_body(a, b)", "in0", "in0_type"
    if skip_masked:
        combine, mapped = "b.keep ? r_body(a, b.v) : a", "elem_t{in0, in1}"
        elem = "cuarray::red::masked<in0_type>"
    elif where:     # masked elements become the start value (NumPy's identity, in order)
        start = "r_op::identity()" if neutral is not None else \
            f"elem_t({_cpp_literal(self._np.identity)})"
        mapped = f"(in1 ? {mapped} : {start})"
    op = ReductionOp(name=self.__name__, nin=2 if where else 1, acc=ctype(c),
                     acc_itemsize=c.itemsize, identity=neutral, map=mapped, reduce=combine,
                     preamble=preamble, ordered=neutral is None, elem=elem)
    self._ops[key] = op
    return op


def reduce(self, array, axis=0, dtype=None, out=None, keepdims=False, initial=_NOVALUE,
           where=True):
    """See numpy.ufunc.reduce.

    Differences from NumPy: a 0-d result is a 0-d cuarray array, not a NumPy scalar
    (no implicit synchronisation).  Floating-point sums combine in a different order
    than NumPy's pairwise summation (equal up to rounding).
    """
    if _ufunc_module._tracing:
        from .fusion import Var, trace_reduce, _Unfusable
        if type(array) is Var:
            if out is not None or initial is not _NOVALUE or where is not True:
                raise _Unfusable("out=, initial= or where= in a fused reduction")
            return trace_reduce(self, array, axis, dtype, keepdims)
    return reduce_mapped(self, array, axis, dtype, out, keepdims, initial, where)


def reduce_mapped(self, array, axis=0, dtype=None, out=None, keepdims=False, initial=_NOVALUE,
                  where=True, mapped="acc_t(in0)"):
    """``reduce`` with each element first mapped by the C++ expression ``mapped`` (of
    ``in0``, the element in the loop's compute type): nansum's NaN -> 0 and the like."""
    if (out is None and where is True and initial is _NOVALUE and type(array) is ndarray
            and type(axis) is not list):
        fast = self._memo.get(("fast-reduce", array.dtype, array._shape, array._strides, axis,
                               dtype, keepdims, mapped))
        if fast is not None:
            plan, op, kshape, shape, dt, order = fast
            kept = _empty(kshape, dt, order)
            _red.launch(plan, op, (array,), ("a",), kept)
            return kept if shape is None else kept.reshape(shape)
    if self.signature is not None:
        raise ValueError("Reduction not defined on ufunc with signature")
    if self.nin != 2 or self.nout != 1:
        raise ValueError("reduce only supported for binary functions")
    a = _check_array(array)
    axes = normalize_axes(axis, a.ndim)
    if isinstance(out, tuple):
        if len(out) != 1:
            raise ValueError("The 'out' tuple must have exactly one entry")
        out = out[0]
    if out is not None and type(out) is not ndarray:
        raise TypeError(f"output must be a cuarray array, not {type(out).__name__}")
    loop = _resolve_reduce(self, a.dtype, None if out is None else out.dtype, dtype)
    if len(axes) > 1 and not reorderable(self):     # after NumPy's TypeErrors
        raise ValueError(f"reduction operation '{self.__name__}' is not reorderable, so at most "
                         "one axis may be specified")
    acc_dt = loop[2]
    if initial is None:
        initial = _NOVALUE
    mask = None if where is True else _where_mask(where, a._shape)
    identity = self._np.identity
    if mask is not None and initial is _NOVALUE and identity is None:
        raise ValueError(f"reduction operation '{self.__name__}' does not have an identity, so to "
                         "use a where mask one has to specify 'initial'")
    res, kept = reduction_output(self.__name__, a, axes, keepdims, out, acc_dt)
    n_red = 1
    for d in axes:
        n_red *= a._shape[d]
    if n_red == 0 or not a.size:
        _fill_empty(self, kept, initial, identity)
        return res
    if out is not None:
        a, = _detach_overlaps((a,), (kept,))
    op = reduction_op(self, acc_dt, mask is not None, mapped)
    init = None
    c = COMPUTE.get(acc_dt, acc_dt)
    if initial is not _NOVALUE:
        init = c.type(acc_dt.type(initial))
    inputs = [a] if mask is None else [a, mask]
    in_compute = (COMPUTE.get(loop[1], loop[1]),) + ((_BOOL,) if mask is not None else ())
    plan = _red.reduce(op, inputs, tuple(x.dtype for x in inputs), in_compute, kept, c,
                       a._shape, axes, init)
    if (out is None and mask is None and init is None and type(array) is ndarray
            and type(axis) is not list and (kept._c or kept._f)):
        # The next call with this layout skips straight to the launch.
        self._memo[("fast-reduce", a.dtype, a._shape, a._strides, axis, dtype, keepdims,
                    mapped)] = (plan, op, kept._shape, res._shape if keepdims else None,
                                kept.dtype, "C" if kept._c else "F")
    return res


def _where_mask(where, shape):
    if isinstance(where, (bool, numpy.bool_)):
        m = _empty((), _BOOL)
        m.fill(bool(where))
        return m
    if not isinstance(where, ndarray):
        raise TypeError("where= must be a cuarray bool array or a Python bool")
    if where.dtype != _BOOL:
        raise TypeError(f"Cannot cast array data from {where.dtype!r} to dtype('bool') according "
                        "to the rule 'safe'")
    try:
        bshape = numpy.broadcast_shapes(where._shape, shape)
    except ValueError:
        bshape = None
    if bshape != shape:
        raise ValueError(f"operands could not be broadcast together with shapes {shape} "
                         f"{where._shape}")
    return where


def reduction_output(name, a, axes, keepdims, out, dt, c_order=False) -> tuple:
    """(result, its view without the reduced axes): ``out`` checked, or a new array laid
    out as NumPy lays out a reduction's result (following the input's kept axes; C order
    when ``c_order``, as NumPy's argmax/argmin give)."""
    kshape = tuple(s for d, s in enumerate(a._shape) if d not in axes)
    shape = tuple(1 if d in axes else s for d, s in enumerate(a._shape)) if keepdims else kshape
    if out is None and c_order:
        res = _empty(shape, dt)
        return res, (res.reshape(kshape) if keepdims else res)
    if out is None:
        from .._routines.creation import empty_iter
        kst = tuple(t for d, t in enumerate(a._strides) if d not in axes)
        kept = empty_iter(kshape, dt, [(kshape, kst)])
        return (kept.reshape(shape) if keepdims else kept), kept
    if type(out) is not ndarray:
        raise TypeError(f"output must be a cuarray array, not {type(out).__name__}")
    if out._shape != shape:
        raise ValueError(f"output parameter for reduction operation {name} has the wrong "
                         f"shape: found {out._shape}, expected {shape}")
    return out, (out.reshape(kshape) if keepdims else out)


def _prepare_out(self, out, shape, acc_dt):
    if out is None:
        return _empty(shape, acc_dt)
    if out._shape != shape:
        raise ValueError(f"output parameter for reduction operation {self.__name__} has the wrong "
                         f"shape: found {out._shape}, expected {shape}")
    return out


def _fill_empty(self, kept, initial, identity):
    """An empty reduction gives ``initial``, else NumPy's identity; with neither, NumPy's
    ValueError (unless the result itself is empty)."""
    if not kept.size:
        return
    value = initial if initial is not _NOVALUE else identity
    if value is None:
        raise ValueError(f"zero-size array to reduction operation {self.__name__} which has no "
                         "identity")
    kept.fill(value)


# -- reduceat ------------------------------------------------------------------------------------

def reduceat(self, array, indices, axis=0, dtype=None, out=None):
    """See numpy.ufunc.reduceat.

    Differences from NumPy: ``indices`` are read on the host (a device array is copied
    back once) so that out-of-range values raise IndexError before any kernel runs.
    """
    if self.nin != 2 or self.nout != 1:
        raise ValueError("reduceat only supported for binary functions")
    a = _check_array(array)
    ax = normalize_axis_index(axis, a.ndim)
    idx = indices.get() if isinstance(indices, ndarray) else numpy.asarray(indices)
    if idx.dtype.kind not in "iu" and idx.size:
        raise TypeError(f"Cannot cast array data from {idx.dtype!r} to dtype('int64') according "
                        "to the rule 'safe'")
    idx = idx.astype(numpy.int64).reshape(-1)
    n = a._shape[ax]
    for v in idx:
        if v < 0 or v >= n:
            raise IndexError(f"index {v} out-of-bounds in {self.__name__}.reduceat [0, {n})")
    loop = _resolve_reduce(self, a.dtype, None if out is None else out.dtype, dtype)
    acc_dt = loop[2]
    shape = a._shape[:ax] + (idx.size,) + a._shape[ax + 1:]
    res = _prepare_out(self, out, shape, acc_dt)
    if not res.size:
        return res
    if n == 0:
        raise IndexError(f"index {idx[0]} out-of-bounds in {self.__name__}.reduceat [0, 0)")
    perm = tuple(d for d in range(a.ndim) if d != ax) + (ax,)
    rows = a.transpose(perm)
    if not rows._c:
        rows = rows.copy()
    seg = _empty(rows._shape[:-1] + (idx.size,), acc_dt)
    from .._routines.creation import asarray
    op = reduction_op(self, acc_dt, False)
    c = COMPUTE.get(acc_dt, acc_dt)
    _red.reduce_segments(op, rows, loop[1], COMPUTE.get(loop[1], loop[1]), seg, c,
                         asarray(idx))
    inv = numpy.argsort(perm)
    res[...] = seg.transpose(tuple(int(i) for i in inv))
    return res


ufunc.reduce = reduce
ufunc.reduceat = reduceat
