"""Functional programming (NumPy reference: "Functional programming"): apply_along_axis,
apply_over_axes, vectorize, piecewise.

apply_along_axis, apply_over_axes and piecewise are NumPy's algorithms over device
arrays: the Python callables they take are called from Python as NumPy calls them, on
device arrays (one call per 1-D slice, per axis, per condition).

vectorize compiles the function into one elementwise kernel when it can be traced (see
``_vectorize``), and otherwise runs it on the host, element by element, as NumPy does.
"""

from __future__ import annotations

import collections.abc

import numpy

from .._core.dtypes import is_supported
from .._core.ndarray import _from_host, ndarray
from .._core.shape import normalize_axis_index
from .._engine import elementwise as _ew
from . import _vectorize as _vz
from ._args import device_operand


# -- apply_along_axis, apply_over_axes ---------------------------------------------------------
def _result_array(res) -> ndarray:
    """A callable's result as a device array (scalars and host arrays are copied)."""
    from .creation import asarray
    return res if isinstance(res, ndarray) else asarray(res)


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """See numpy.apply_along_axis.

    ``func1d`` is called from Python once per 1-D slice (a device view), as in NumPy, so
    each call's kernels launch separately; scalars and host arrays it returns are copied
    to the device.
    """
    from .creation import zeros
    arr = device_operand(arr, "apply_along_axis")
    nd = arr.ndim
    axis = normalize_axis_index(axis, nd)
    in_dims = list(range(nd))
    inarr_view = arr.transpose(in_dims[:axis] + in_dims[axis + 1:] + [axis])
    inds = (ind + (Ellipsis,) for ind in numpy.ndindex(inarr_view.shape[:-1]))
    try:
        ind0 = next(inds)
    except StopIteration:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0") \
            from None
    res = _result_array(func1d(inarr_view[ind0], *args, **kwargs))
    buff = zeros(inarr_view.shape[:-1] + res.shape, res.dtype)
    buff_dims = list(range(buff.ndim))
    buff_permute = (buff_dims[0:axis] + buff_dims[buff.ndim - res.ndim:buff.ndim]
                    + buff_dims[axis:buff.ndim - res.ndim])
    buff[ind0] = res
    for ind in inds:
        buff[ind] = _result_array(func1d(inarr_view[ind], *args, **kwargs))
    return buff.transpose(buff_permute)


def apply_over_axes(func, a, axes):
    """See numpy.apply_over_axes."""
    from .manipulation import expand_dims
    val = device_operand(a, "apply_over_axes")
    N = val.ndim
    if numpy.ndim(axes) == 0:
        axes = (axes,)
    for axis in axes:
        if axis < 0:
            axis = N + axis
        res = func(val, axis)
        if res.ndim == val.ndim:
            val = res
        else:
            res = expand_dims(res, axis)
            if res.ndim == val.ndim:
                val = res
            else:
                raise ValueError("function is not returning an array of the correct shape")
    return val


# -- piecewise -----------------------------------------------------------------------------------
def _is_condition_list(condlist, x) -> bool:
    """NumPy's test for a list of conditions (rather than one condition): its first entry
    is a list or an array (a row of a 2-d array; an element of a 1-d one is a scalar), or
    ``x`` is 0-d."""
    if numpy.isscalar(condlist) or isinstance(condlist, ndarray) and condlist.ndim == 0:
        return False            # (a 0-d device condition stands for NumPy's scalar one)
    if isinstance(condlist, ndarray):
        first_is_array = condlist.ndim > 1
    else:
        first_is_array = isinstance(condlist[0], (list, ndarray, numpy.ndarray))
    return first_is_array or x.ndim == 0


def piecewise(x, condlist, funclist, *args, **kw):
    """See numpy.piecewise.

    Each condition selects ``x[cond]`` with a boolean mask (its size is read back, as
    every boolean index is); callables are called on those device arrays.
    """
    from .creation import asarray, zeros_like
    from .joining import concatenate
    from .reductions import any as _any
    x = device_operand(x, "piecewise")
    n2 = len(funclist)
    if not _is_condition_list(condlist, x):
        condlist = [condlist]
    condlist = asarray(condlist, dtype=bool)
    n = len(condlist)
    if n == n2 - 1:
        condelse = ~_any(condlist, axis=0, keepdims=True)
        condlist = concatenate([condlist, condelse], axis=0)
        n += 1
    elif n != n2:
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are expected")
    y = zeros_like(x)
    for cond, func in zip(condlist, funclist):
        if not isinstance(func, collections.abc.Callable):
            y[cond] = func
        else:
            vals = x[cond]
            if vals.size > 0:
                y[cond] = func(vals, *args, **kw)
    return y


# -- vectorize -------------------------------------------------------------------------------
_ops: dict = {}


class vectorize:  # noqa: N801 - NumPy's name
    """Generalized function class.  See numpy.vectorize.

    Differences from NumPy: ``pyfunc`` is compiled into one elementwise kernel when it is
    made of what a kernel can compute: Python's arithmetic, bitwise and comparison
    operators, ``abs``, NumPy ufuncs (``numpy.sin(x)``; not ``math.sin``), ``numpy.where``,
    and ``.real``, ``.imag``, ``.conj()``, ``.astype()`` on its arguments, with Python
    scalars and NumPy scalars as constants.  The function is then called once, with
    placeholder arguments, and every element is computed as NumPy computes it (from Python
    scalars: bool, 64-bit int, float, complex, but NumPy scalar arguments stay NumPy
    scalars; the output dtypes those of NumPy scalars), except that Python's integers are 64-bit and errors (division by zero, integer
    overflow) give the ufuncs' values instead of raising.

    Otherwise it runs on the host, exactly as NumPy's: the arguments are copied to the host,
    ``numpy.vectorize`` calls the function once per element, and the results are copied
    back.  That happens with ``signature=``, and when the function branches on a value
    (``if x > 0``), converts one to a Python number (``float(x)``, ``math`` functions),
    indexes, or calls anything else: cuarray routines, and cuarray's ufuncs until their
    tracing hook hands tracers to ``Tracer.__cuarray_ufunc__`` (write ``numpy.sin(x)``
    for a kernel today).  Device arrays such a function returns are read back one element
    at a time.  ``host_reason`` says why the last call ran on the host (None: a kernel).
    Arguments must be device arrays or scalars.
    """

    def __init__(self, pyfunc=numpy._NoValue, otypes=None, doc=None, excluded=None,
                 cache=False, signature=None):
        # NumPy validates the arguments (otypes, signature) and keeps the same attributes.
        self._np = numpy.vectorize(pyfunc, otypes=otypes, doc=doc, excluded=excluded,
                                   cache=cache, signature=signature)
        self.pyfunc, self.cache, self.signature = pyfunc, cache, signature
        self.otypes, self.excluded = self._np.otypes, self._np.excluded
        self.__doc__ = self._np.__doc__
        if hasattr(self._np, "__name__"):
            self.__name__ = self._np.__name__
        #: Why the last call ran on the host (None: it ran as a kernel).
        self.host_reason = None

    def __call__(self, *args, **kwargs):
        if self.pyfunc is numpy._NoValue:       # used as @vectorize(otypes=...)
            self._np(*args, **kwargs)
            self.pyfunc = self._np.pyfunc
            self.__doc__ = self._np.__doc__
            self.__name__ = self._np.__name__
            return self
        func, vargs = self._bind(args, kwargs)
        return self._vectorize_call(func, vargs)

    def _bind(self, args, kwargs):
        """(function of the vectorized arguments only, those arguments), as NumPy's."""
        excluded = self.excluded
        if not kwargs and not excluded:
            return self.pyfunc, list(args)
        names = [n for n in kwargs if n not in excluded]
        inds = [i for i in range(len(args)) if i not in excluded]
        the_args = list(args)

        def func(*vargs):
            for n, i in enumerate(inds):
                the_args[i] = vargs[n]
            kwargs.update(zip(names, vargs[len(inds):]))
            return self.pyfunc(*the_args, **kwargs)
        return func, [args[i] for i in inds] + [kwargs[n] for n in names]

    def _vectorize_call(self, func, args):
        if not args:
            return func()
        arrays = [_argument(a) for a in args]
        if self.signature is not None:
            return self._host(func, arrays, "signature= runs on the host")
        if self.otypes is None and any(a.size == 0 for a in arrays):
            raise ValueError("cannot call `vectorize` on size 0 inputs unless `otypes` is set")
        # NumPy's object array of a NumPy scalar argument holds that NumPy scalar (not a
        # Python one, as for array elements and Python scalars): strong in NumPy's promotion.
        strong = [isinstance(a, numpy.generic) for a in args]
        try:
            plan = self._trace(func, arrays, strong)
        except Exception as exc:       # anything a kernel cannot express, NumPy's errors too
            return self._host(func, arrays, f"{type(exc).__name__}: {exc}")
        self.host_reason = None
        return _launch(plan, arrays)

    # -- the kernel path -----------------------------------------------------------------------
    def _trace(self, func, arrays, strong=None):
        """(op, input compute dtypes, constants, output dtypes) for these arguments
        (``strong``: which of them were NumPy scalars; None: none).

        Traced on every call: the function may read globals that change between calls.
        Constants are kernel arguments, so the kernel is reused while the structure (the
        operations and their dtypes) stays the same.
        """
        dts = tuple(a.dtype for a in arrays)
        if self.otypes is None:
            otypes = [d for d, _ in _outputs(_run(func, dts, python=False))]
        else:
            otypes = [numpy.dtype(c) for c in self.otypes]
        trace = _vz.Trace(python=True)
        results = _outputs(_run(func, dts, python=True, trace=trace, strong=strong))
        if len(results) != len(otypes):
            raise _vz.Untraceable("the number of outputs differs from otypes")
        refs = []
        for (dt, ref), ot in zip(results, otypes):
            if not is_supported(ot) or dt.kind == "c" and ot.kind != "c":
                raise _vz.Untraceable(f"output dtype {ot} from {dt}")
            refs.append(ref if isinstance(ref, tuple) else trace.const(_vz._scalar_as(ref, dt)))
        body, pre = _vz.kernel_body(trace, refs, otypes, len(arrays))
        in_compute = tuple(_vz.compute_of(d) for d in trace.inputs) + tuple(
            _vz.compute_of(c.dtype) for c in trace.consts)
        consts = [c.astype(_vz.compute_of(c.dtype)) for c in trace.consts]
        op_key = (body, pre, len(in_compute), len(otypes))
        op = _ops.get(op_key)
        if op is None:
            op = _ops[op_key] = _ew.ElementwiseOp(_vz.kernel_name(self.pyfunc), body,
                                                  len(in_compute), len(otypes), pre)
        return op, in_compute, consts, tuple(otypes)

    # -- the host path -----------------------------------------------------------------------
    def _host(self, func, arrays, reason):
        self.host_reason = reason
        host_args = [a.get() if isinstance(a, ndarray) else a for a in arrays]
        vf = numpy.vectorize(lambda *v: _to_host(func(*v)), otypes=self.otypes,
                             cache=self.cache, signature=self.signature)
        res = vf(*host_args)
        if isinstance(res, tuple):
            return tuple(_from_host(numpy.asarray(r)) for r in res)
        return _from_host(numpy.asarray(res))


def _argument(a):
    """A vectorized argument: a device array, or a scalar as a NumPy scalar (of the dtype
    of NumPy's 0-d array of it); host arrays and other objects raise TypeError."""
    from .elementwise import as_operand
    return as_operand(a, "vectorize")


def _run(func, dts, python, trace=None, strong=None):
    trace = trace if trace is not None else _vz.Trace(python=python)
    strong = strong if strong is not None else [False] * len(dts)
    args = [trace.input(numpy.dtype(d), s) for d, s in zip(dts, strong)]
    with _vz.tracing():
        out = func(*args)
    return trace, out


def _outputs(traced):
    """[(dtype, ref or constant)] of what the traced function returned (NumPy's output
    dtypes: those of ``numpy.asarray`` of each result)."""
    trace, out = traced
    outs = out if isinstance(out, tuple) else (out,)
    res = []
    for o in outs:
        if isinstance(o, _vz.Tracer):
            if o.trace is not trace:
                raise _vz.Untraceable("a tracer of another call")
            res.append((o.dtype, o.ref))
        elif type(o) in (bool, int, float, complex) or isinstance(o, numpy.generic):
            res.append((numpy.asarray(o).dtype, o))
        else:
            raise _vz.Untraceable(f"the function returned {type(o).__name__}")
    return res


def _launch(plan, arrays):
    from .._ufunc.ufunc import _new_output
    op, in_compute, consts, otypes = plan
    dev = [a for a in arrays if isinstance(a, ndarray)]
    shape = numpy.broadcast_shapes(*(a.shape for a in arrays))
    outs = [_new_output(shape, dt, "K", dev) for dt in otypes]
    inputs = [a if isinstance(a, ndarray) else a.astype(c) for a, c in zip(arrays, in_compute)]
    inputs += consts
    storage = tuple(a.dtype if isinstance(a, ndarray) else c
                    for a, c in zip(inputs, in_compute))
    out_compute = tuple(_vz.compute_of(d) for d in otypes)
    _ew.launch(op, inputs, storage, tuple(in_compute), outs, out_compute)
    return outs[0] if len(outs) == 1 else tuple(outs)


def _to_host(res):
    """A result of the function on the host path: device arrays are read back."""
    if isinstance(res, tuple):
        return tuple(_to_host(r) for r in res)
    if isinstance(res, ndarray):
        return res.get()[()] if res.ndim == 0 else res.get()
    return res
