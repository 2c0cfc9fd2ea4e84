"""``cuarray.fuse``: one kernel for a Python function of ufuncs, plus a trailing reduction.

The function is traced on stand-ins (:class:`Var`) for its array arguments: ufunc
calls and operators on them are recorded, not run, with the loop each would resolve
eagerly (NumPy's type resolution, NEP 50 for Python scalars).  A trace is kept per
argument signature: array dtypes and ndims, the values of scalar arguments and of the
function's closure cells (by identity for unhashable ones), so a new scalar value or a
rebound closure variable is traced afresh (cheap: microseconds).  Kernels are cached
by the trace's structure (the ufuncs, their loop dtypes and the wiring), never by
scalar values, which are kernel parameters: a new value costs no compilation.  Like
CuPy's fuse, values read from module globals or mutated containers are those of the
first trace of a signature.

The generated kernel computes every step as the eager ufunc would, in the same
compute types, and rounds each intermediate to its eager dtype, so a fused result
equals the eager one exactly (a trailing floating-point reduction may combine in
another order, equal up to rounding).  It runs on the elementwise engine (or, for a
trailing ``sum``/``prod``/``max``/``min``/``all``/``any`` with ``axis``, the
reduction engine with the fused expression as its map): one kernel, no temporaries.

What cannot be fused runs eagerly, with a ``FusionFallbackWarning`` that names the
reason: Python control flow on array values, indexing, in-place operators, ufunc
keywords other than ``dtype``, routines that are not ufuncs (``where``, ``clip``, ...),
reductions that are not the last step, outputs of different shapes, and any error
raised while tracing (the eager run then raises it for real, or succeeds).
"""

from __future__ import annotations

import functools
import re
import warnings

import numpy

from .._core.dtypes import COMPUTE, ctype
from .._core.ndarray import ndarray
from .._engine import elementwise as _ew
from .._engine.source import convert
from . import ufunc as _uf

_WEAK = (bool, int, float, complex)
_HASHABLE = frozenset({bool, int, float, complex, str, bytes, type(None)})
_REDUCTIONS = ("add", "multiply", "maximum", "minimum", "logical_and", "logical_or")


class FusionFallbackWarning(UserWarning):
    """A fused function ran eagerly (op by op) because part of it cannot be fused."""


class _Unfusable(Exception):
    pass


class _Trace:
    __slots__ = ("steps", "scalars", "nvars", "dtypes", "inputs", "reduction")

    def __init__(self):
        self.steps = []        # (ufunc, loop, input refs, output var ids)
        self.scalars = []      # (value, compute dtype)
        self.nvars = 0
        self.dtypes = {}       # var id -> storage dtype
        self.inputs = {}       # var id -> argument position
        self.reduction = None  # (var id it reduces, ufunc, axes, keepdims, dtype, result var id)

    def new_var(self, dt) -> "Var":
        v = Var(self, self.nvars, numpy.dtype(dt))
        self.dtypes[self.nvars] = v.dtype
        self.nvars += 1
        return v


class Var:
    """A stand-in for an array while a fused function is traced."""

    __slots__ = ("_trace", "_id", "dtype")
    __array_priority__ = 1000

    def __init__(self, trace, vid, dtype):
        self._trace, self._id, self.dtype = trace, vid, dtype

    def __bool__(self):
        raise _Unfusable("the function branches on an array value")

    def __len__(self):
        raise _Unfusable("the function takes len() of an array")

    def __iter__(self):
        raise _Unfusable("the function iterates over an array")

    def __getitem__(self, key):
        raise _Unfusable("the function indexes an array")

    def __setitem__(self, key, value):
        raise _Unfusable("the function assigns into an array")

    def __array__(self, *args, **kwargs):
        raise _Unfusable("the function converts an array to NumPy")

    def __getattr__(self, name):
        if name.startswith("__"):       # protocol probes (hasattr) see a plain object
            raise AttributeError(name)
        raise _Unfusable(f"the function uses the array attribute {name!r}")

    def astype(self, dtype, copy=True):
        dt = numpy.dtype(dtype)
        out = self._trace.new_var(dt)
        self._trace.steps.append(("cast", dt, (("v", self._id),), (out._id,)))
        return out

    def _reduce(self, name, axis=None, dtype=None, keepdims=False, **kwargs):
        if kwargs:
            raise _Unfusable(f"{sorted(kwargs)} in a fused reduction")
        return trace_reduce(getattr(_uf_namespace(), name), self, axis, dtype, keepdims)

    def sum(self, axis=None, dtype=None, out=None, keepdims=False):
        return self._reduce("add", axis, dtype, keepdims, **_given(out=out))

    def prod(self, axis=None, dtype=None, out=None, keepdims=False):
        return self._reduce("multiply", axis, dtype, keepdims, **_given(out=out))

    def max(self, axis=None, out=None, keepdims=False):
        return self._reduce("maximum", axis, None, keepdims, **_given(out=out))

    def min(self, axis=None, out=None, keepdims=False):
        return self._reduce("minimum", axis, None, keepdims, **_given(out=out))

    def all(self, axis=None, out=None, keepdims=False):
        return self._reduce("logical_and", axis, numpy.bool_, keepdims, **_given(out=out))

    def any(self, axis=None, out=None, keepdims=False):
        return self._reduce("logical_or", axis, numpy.bool_, keepdims, **_given(out=out))


def _given(**kwargs):
    return {k: v for k, v in kwargs.items() if v is not None}


def _uf_namespace():
    from . import namespace
    return namespace


def _binary(name, reflected=False):
    def method(self, other):
        uf = getattr(_uf_namespace(), name)
        return uf(other, self) if reflected else uf(self, other)
    method.__name__ = name
    return method


def _unary(name):
    def method(self):
        return getattr(_uf_namespace(), name)(self)
    method.__name__ = name
    return method


def _inplace(self, other):
    raise _Unfusable("the function updates an array in place")


for _op, _name in (("add", "add"), ("sub", "subtract"), ("mul", "multiply"),
                   ("truediv", "true_divide"), ("floordiv", "floor_divide"),
                   ("mod", "remainder"), ("pow", "power"), ("and", "bitwise_and"),
                   ("or", "bitwise_or"), ("xor", "bitwise_xor"), ("lshift", "left_shift"),
                   ("rshift", "right_shift")):
    setattr(Var, f"__{_op}__", _binary(_name))
    setattr(Var, f"__r{_op}__", _binary(_name, True))
    setattr(Var, f"__i{_op}__", _inplace)
for _op, _name in (("eq", "equal"), ("ne", "not_equal"), ("lt", "less"), ("le", "less_equal"),
                   ("gt", "greater"), ("ge", "greater_equal")):
    setattr(Var, f"__{_op}__", _binary(_name))
for _op, _name in (("neg", "negative"), ("pos", "positive"), ("abs", "absolute"),
                   ("invert", "invert")):
    setattr(Var, f"__{_op}__", _unary(_name))
Var.__divmod__ = _binary("divmod")
Var.__rdivmod__ = _binary("divmod", True)
Var.__hash__ = object.__hash__
del _op, _name


# -- recording (called from ufunc._call and ufunc.reduce while a trace is active) --------------
def trace_ufunc(uf, args, kwargs):
    """Record ``uf(*args, **kwargs)`` where some argument is a Var; return its Var(s)."""
    if uf.signature is not None:
        raise _Unfusable(f"{uf.__name__} is a generalized ufunc")
    dtype = kwargs.pop("dtype", None)
    if kwargs:
        raise _Unfusable(f"ufunc keywords {sorted(kwargs)}")
    if len(args) != uf.nin:
        raise _Unfusable(f"{uf.__name__} called with output arguments")
    trace = next(x._trace for x in args if type(x) is Var)
    key = []
    for x in args:
        if type(x) is Var:
            if x._trace is not trace:
                raise _Unfusable("an array of another trace")
            key.append(x.dtype)
        elif type(x) in _WEAK:
            key.append(type(x))
        elif isinstance(x, numpy.generic):
            key.append(x.dtype)
        else:
            raise _Unfusable(f"{uf.__name__} got a {type(x).__name__}")
    key = tuple(key)
    if dtype is not None:
        key = key + ((dtype, None, "same_kind"),)
    loop = uf._memo.get(key)
    if loop is None:
        loop = uf._resolve(key, [x for x in args if type(x) is not Var], dtype, None,
                           "same_kind")
    refs = []
    for x, (loop_t, compute_t) in zip(args, loop.scalar_types):
        if type(x) is Var:
            refs.append(("v", x._id))
            continue
        try:
            v = loop_t(x) if not isinstance(x, numpy.generic) else x.astype(loop_t)
        except OverflowError as exc:
            raise _Unfusable(f"scalar {x!r} out of range ({exc})") from None
        refs.append(("s", len(trace.scalars)))
        trace.scalars.append((v if loop_t is compute_t else compute_t(v), numpy.dtype(compute_t)))
    outs = tuple(trace.new_var(d) for d in loop.out_dtypes)
    trace.steps.append((uf, loop, tuple(refs), tuple(v._id for v in outs)))
    return outs[0] if uf.nout == 1 else outs


def trace_reduce(uf, var, axis, dtype, keepdims):
    """Record a reduction of ``var``: allowed as the function's last step only."""
    if uf.__name__ not in _REDUCTIONS:
        raise _Unfusable(f"{uf.__name__}.reduce")
    trace = var._trace
    if trace.reduction is not None:
        raise _Unfusable("more than one reduction")
    out = trace.new_var(numpy.bool_)    # dtype fixed at launch (it needs the loop)
    trace.reduction = (var._id, uf, axis, dtype, keepdims, out._id)
    return out


# -- the decorator ------------------------------------------------------------------------------

def fuse(*args, **kwargs):
    """Fuse a function of ufuncs into one kernel.  See cupy.fuse.

    Usable as ``@fuse``, ``@fuse()`` or ``@fuse(kernel_name="name")``, on functions,
    lambdas, closures and nested functions.  See this module's docstring for what is
    fused and what runs eagerly (with a ``FusionFallbackWarning``).
    """
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return Fusion(args[0])
    kernel_name = kwargs.pop("kernel_name", None)
    if kwargs or args:
        raise TypeError("fuse() takes a function, or the keyword argument kernel_name")
    return lambda f: Fusion(f, kernel_name)


class Fusion:
    """A fused function: call it like the original."""

    def __init__(self, func, name=None):
        self.func = func
        self.name = _kernel_name(name or getattr(func, "__name__", "fused"))
        self._kernels: dict = {}     # trace structure -> op (compiled once)
        self._plans: dict = {}       # argument signature -> _Plan, or why it is not fusable
        self._cells = getattr(func, "__closure__", None)
        functools.update_wrapper(self, func)

    def __repr__(self):
        return f"<cuarray.fuse {self.name!r}>"

    def __call__(self, *args, **kwargs):
        if kwargs or not any(type(a) is ndarray for a in args):
            return self.func(*args, **kwargs)
        key = self._key(args)
        plan = self._plans.get(key) if key is not None else None
        if plan is None:
            if key is None:
                return self._eager(args, "an argument that is not an array or a scalar")
            traced = self._trace(args)
            plan = traced if type(traced) is str else self._plan(*traced, args)
            if len(self._plans) < 4096:
                self._plans[key] = plan
        if type(plan) is str:
            return self._eager(args, plan)
        return self._execute(plan, args)

    def _key(self, args):
        """What a trace depends on besides the code: array dtypes and ndims, scalar values
        and the values of closure cells (None: an argument fusion does not take)."""
        key = []
        for a in args:
            t = type(a)
            if t is ndarray:
                key.append((a.dtype, len(a._shape)))
            elif t in _WEAK or isinstance(a, numpy.generic):
                key.append((t, a))
            else:
                return None
        cells = self._cells
        if cells:
            for c in cells:
                try:
                    v = c.cell_contents
                except ValueError:       # an unbound cell
                    v = None
                key.append(v if type(v) in _HASHABLE or isinstance(v, numpy.generic) else id(v))
        return tuple(key)

    def _trace(self, args):
        """(trace, result) of calling the function on stand-ins, or why it cannot be fused."""
        trace = _Trace()
        targs = []
        for pos, a in enumerate(args):
            if type(a) is ndarray:
                v = trace.new_var(a.dtype)
                trace.inputs[v._id] = pos
                targs.append(v)
            else:
                targs.append(a)
        _uf._tracing += 1
        try:
            result = self.func(*targs)
        except _Unfusable as exc:
            return str(exc)
        except Exception as exc:      # the eager run raises it properly, or works
            return f"tracing raised {type(exc).__name__}: {exc}"
        finally:
            _uf._tracing -= 1
        return trace, result

    def _eager(self, args, reason):
        warnings.warn(f"cuarray.fuse: {self.name!r} runs unfused: {reason}",
                      FusionFallbackWarning, stacklevel=3)
        return self.func(*args)

    def _plan(self, trace, result, args):
        """The launch recipe of a trace (or why it cannot be fused)."""
        single = type(result) is Var
        results = (result,) if single else result
        if not isinstance(results, tuple) or not results or \
                any(type(r) is not Var for r in results):
            return "the function does not return arrays"
        if trace.reduction is not None:
            if not single or result._id != trace.reduction[5]:
                return "a reduction that is not the final result"
            return self._reduction_plan(trace, args)
        needed = _needed(trace, [r._id for r in results])
        outputs, kernel_outs = [], []
        for r in results:
            if r._id in trace.inputs:
                outputs.append(("arg", trace.inputs[r._id]))
                continue
            deps = tuple(trace.inputs[v] for v in sorted(_needed(trace, [r._id]))
                         if v in trace.inputs)
            outputs.append(("out", len(kernel_outs), r.dtype, deps))
            kernel_outs.append(r._id)
        plan = _Plan()
        plan.single, plan.outputs, plan.reduction = single, outputs, None
        plan.op = None
        if kernel_outs:
            plan.op, plan.array_pos, plan.scalars, plan.storage = self._elementwise_op(
                trace, needed, kernel_outs)
        else:
            plan.array_pos = ()
        return plan

    def _execute(self, plan, args):
        arrays = [args[k] for k in plan.array_pos]
        shape = arrays[0]._shape if arrays else ()
        for a in arrays:
            if a._shape != shape:
                shape = _broadcast(arrays)
                break
        if plan.reduction is not None:
            return self._execute_reduction(plan, args, arrays, shape)
        outs, kouts = [], []
        for entry in plan.outputs:
            if entry[0] == "arg":
                outs.append(args[entry[1]])
                continue
            if len(plan.outputs) > 1 and _broadcast([args[k] for k in entry[3]]) != shape:
                return self._eager(args, "outputs of different shapes")
            o = _uf._new_output(shape, entry[2], "K", arrays)
            outs.append(o)
            kouts.append(o)
        if kouts:
            _ew.launch(plan.op, arrays + plan.scalars, plan.storage, plan.storage, kouts,
                       tuple(o.dtype for o in kouts), shape=shape)
        return outs[0] if plan.single else tuple(outs)

    # -- code generation ----------------------------------------------------------------------
    def _operands(self, trace, needed):
        """Kernel inputs: the argument positions of the needed arrays, every scalar's value,
        their dtypes, and the C++ lines binding them to trace names."""
        array_pos, scalars, storage, binds = [], [], [], []
        for v in sorted(needed):
            if v in trace.inputs:
                dt = trace.dtypes[v]
                binds.append(f"const {ctype(dt)} t{v} = in{len(array_pos)};")
                array_pos.append(trace.inputs[v])
                storage.append(dt)
        for k, (value, dt) in enumerate(trace.scalars):
            binds.append(f"const {ctype(dt)} s{k} = in{len(array_pos) + k};")
            scalars.append(value)
            storage.append(dt)
        return tuple(array_pos), scalars, tuple(storage), binds

    def _steps_code(self, trace, needed) -> tuple[list, str]:
        lines, preambles = [], []
        for uf, loop, refs, outs in trace.steps:
            if not any(o in needed for o in outs):
                continue
            for o in outs:
                lines.append(f"{ctype(trace.dtypes[o])} t{o};")
            if uf == "cast":
                (_, src), = refs
                lines.append(f"t{outs[0]} = {convert(f't{src}', trace.dtypes[src], loop)};")
                continue
            block = [f"typedef {ctype(c)} in{k}_type;" for k, c in enumerate(loop.in_compute)]
            block += [f"typedef {ctype(c)} out{k}_type;" for k, c in enumerate(loop.out_compute)]
            for k, ((kind, ref), c) in enumerate(zip(refs, loop.in_compute)):
                src = f"s{ref}" if kind == "s" else convert(f"t{ref}", trace.dtypes[ref], c)
                block.append(f"in{k}_type in{k} = {src};")
            block += [f"out{k}_type out{k};" for k in range(len(outs))]
            block.append(loop.op.body.strip().rstrip(";") + ";")
            block += [f"t{o} = {convert(f'out{k}', c, trace.dtypes[o])};"
                      for k, (o, c) in enumerate(zip(outs, loop.out_compute))]
            lines.append("{ " + "\n  ".join(block) + " }")
            if loop.op.preamble and loop.op.preamble not in preambles:
                preambles.append(loop.op.preamble)
        return lines, "\n".join(preambles)

    def _elementwise_op(self, trace, needed, kernel_outs):
        array_pos, scalars, storage, binds = self._operands(trace, needed)
        key = ("ew", _structure(trace), storage, tuple(kernel_outs))
        op = self._kernels.get(key)
        if op is None:
            lines, preamble = self._steps_code(trace, needed)
            lines += [f"out{k} = t{v};" for k, v in enumerate(kernel_outs)]
            body = "{\n" + "\n".join(binds + lines) + "\n}"
            op = self._kernels[key] = _ew.ElementwiseOp(self.name, body, len(storage),
                                                        len(kernel_outs), preamble)
        return op, array_pos, scalars, storage

    def _reduction_plan(self, trace, args):
        from .._engine.reduction_source import ReductionOp
        from .reduce import _resolve_reduce, normalize_axes, reduction_op
        src, uf, axis, dtype, keepdims, _ = trace.reduction
        if src in trace.inputs:
            return "a reduction of an argument itself"
        needed = _needed(trace, [src])
        ndim = max((args[trace.inputs[v]].ndim for v in needed if v in trace.inputs),
                   default=0)
        axes = normalize_axes(axis, ndim)
        elem_dt = trace.dtypes[src]
        loop = _resolve_reduce(uf, elem_dt, None, dtype)
        acc_dt = loop[2]
        base = reduction_op(uf, acc_dt, False)
        if base.ordered or base.elem != "acc_t":
            return f"{uf.__name__} has no parallel reduction for {acc_dt}"
        array_pos, scalars, storage, binds = self._operands(trace, needed)
        key = ("red", _structure(trace), storage, uf.__name__, dtype)
        op = self._kernels.get(key)
        if op is None:
            lines, preamble = self._steps_code(trace, needed)
            params = ", ".join(f"const in{k}_type in{k}" for k in range(len(storage)))
            fn = f"{self.name}_map"
            preamble += (f"\n__device__ __forceinline__ {ctype(elem_dt)} {fn}({params}) {{\n"
                         + "\n".join(binds + lines) + f"\nreturn t{src};\n}}\n")
            c_in = COMPUTE.get(loop[1], loop[1])
            call = f"{fn}({', '.join(f'in{k}' for k in range(len(storage)))})"
            op = self._kernels[key] = ReductionOp(
                name=f"{self.name}_{uf.__name__}", nin=len(storage), acc=base.acc,
                acc_itemsize=base.acc_itemsize, identity=base.identity,
                map=f"acc_t({convert(call, elem_dt, c_in)})", reduce=base.reduce,
                post=base.post, preamble=base.preamble + "\n" + preamble, step=base.step,
                options=_ew.EXACT)
        plan = _Plan()
        plan.single, plan.outputs, plan.op = True, (), op
        plan.array_pos, plan.scalars, plan.storage = array_pos, scalars, storage
        plan.reduction = (uf.__name__, axes, keepdims, acc_dt, COMPUTE.get(acc_dt, acc_dt),
                          elem_dt.itemsize)
        return plan

    def _execute_reduction(self, plan, args, arrays, shape):
        from .._engine import reduction as _red
        from .reduce import reduction_output
        name, axes, keepdims, acc_dt, c, itemsize = plan.reduction
        if 0 in shape:
            return self._eager(args, "an empty array")
        if len(shape) <= max(axes, default=-1):
            return self._eager(args, "a reduction axis beyond the broadcast shape")
        res, kept = reduction_output(name, _Shape(shape, _c_strides(shape, itemsize)), axes,
                                     keepdims, None, acc_dt)
        _red.reduce(plan.op, arrays + plan.scalars, plan.storage, plan.storage, kept, c, shape,
                    axes)
        return res


class _Plan:
    """A fused call's recipe, cached per argument signature (``Fusion._key``)."""

    __slots__ = ("single", "outputs", "op", "array_pos", "scalars", "storage", "reduction")


class _Shape:
    """What reduction_output reads of an array: its shape and strides."""

    __slots__ = ("_shape", "_strides")

    def __init__(self, shape, strides):
        self._shape, self._strides = shape, strides


def _c_strides(shape, itemsize) -> tuple:
    strides, step = [], itemsize
    for s in reversed(shape):
        strides.append(step)
        step *= max(s, 1)
    return tuple(reversed(strides))


def _needed(trace, roots) -> set:
    """The var ids the results in ``roots`` depend on (inputs included)."""
    producer = {}
    for step in trace.steps:
        for o in step[3]:
            producer[o] = step
    needed, todo = set(), list(roots)
    while todo:
        v = todo.pop()
        if v in needed:
            continue
        needed.add(v)
        step = producer.get(v)
        if step is not None:
            todo += [ref for kind, ref in step[2] if kind == "v"]
            needed.update(step[3])
    return needed


def _structure(trace) -> tuple:
    """The trace without scalar values: what the generated code depends on."""
    steps = tuple((uf if uf == "cast" else uf.__name__, loop if uf == "cast" else
                   (loop.in_dtypes, loop.out_dtypes), refs, outs)
                  for uf, loop, refs, outs in trace.steps)
    return (steps, tuple(dt for _, dt in trace.scalars),
            tuple(sorted(trace.inputs.items())),
            tuple(sorted((k, v) for k, v in trace.dtypes.items())))


def _broadcast(arrays) -> tuple:
    if not arrays:
        return ()
    return numpy.broadcast_shapes(*(a._shape for a in arrays))


def _kernel_name(name: str) -> str:
    """A C++ identifier from any Python name ('<lambda>' included)."""
    text = re.sub(r"\W", "_", str(name)).strip("_") or "fused"
    if text[0].isdigit():
        text = "f_" + text
    return text
