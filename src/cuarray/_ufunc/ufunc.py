"""The ``ufunc`` class: NumPy's type resolution, broadcasting, out=, where=, casting=, dtype=.

One call runs in named phases: ``_parse_inputs`` -> ``_resolve`` (memoised) ->
``_prepare_outputs`` -> the elementwise engine's ``launch``.  The memo key is the
tuple of input dtypes (Python types for NEP 50 weak scalars) plus the keyword
arguments that change resolution, so the common call is a few dict look-ups.
"""

from __future__ import annotations

import numpy

from .._core import ndarray as _nd
from .._core.dtypes import COMPUTE, is_supported
from .._core.shape import byte_bounds
from .._engine import elementwise as _ew
from .spec import UfuncSpec, validate

ndarray = _nd.ndarray
_empty = _nd._empty
_WEAK = (int, float, complex)
_BOOL = numpy.dtype(bool)


_tracing = 0     # > 0 while cuarray.fuse traces a function (any thread)

class _Loop:
    """A resolved loop: NumPy's loop dtypes, our compute dtypes and the kernel op."""

    __slots__ = ("in_dtypes", "in_compute", "out_dtypes", "out_compute", "op", "scalar_types",
                 "flat")

    def __init__(self, spec: UfuncSpec, in_dtypes, out_dtypes, ops: dict):
        self.in_dtypes, self.out_dtypes = in_dtypes, out_dtypes
        self.in_compute = tuple(COMPUTE.get(d, d) for d in in_dtypes)
        self.out_compute = tuple(COMPUTE.get(d, d) for d in out_dtypes)
        # A scalar operand converts to its loop dtype first (NumPy rounds a weak float to
        # float16 in a half loop), then to the compute dtype the kernel takes.
        self.scalar_types = tuple((d.type, c.type) for d, c in zip(in_dtypes, self.in_compute))
        body = spec.body_for(in_dtypes[0])
        if body is None:
            raise TypeError(f"ufunc {spec.name!r} has no cuarray loop for {in_dtypes}")
        op = ops.get(body)
        if op is None:
            op = ops[body] = _ew.ElementwiseOp(spec.name, body, spec.nin, spec.nout,
                                               spec.preamble)
        self.op = op
        self.flat = {}

    def flat_plan(self, kinds: str, ops, outs, n: int):
        """(kernel, grid, args) for contiguous operands of one shape: the fast path's launch."""
        big = n >= _ew.INT32_LIMIT
        entry = self.flat.get((kinds, big))
        if entry is None:
            entry = self.flat[(kinds, big)] = self._flat_entry(kinds, ops, outs, big)
        vec = entry[0]
        args = [x._ptr if k == "a" else x for x, k in zip(ops, kinds)]
        acc = 0
        for o in outs:
            p = o._ptr
            args.append(p)
            acc |= p
        for x, k in zip(ops, kinds):
            if k == "a":
                acc |= x._ptr
        args.append(n)
        if vec > 1 and n >= vec and not acc & 15:
            slot, work = 1, n // vec
        else:
            slot, work = 2, n
        fn = entry[slot]
        if fn is None:      # compiled on first use: a cold start pays only for what runs
            fn = entry[slot] = self._flat_kernel(kinds, ops, outs, big,
                                                 f"vec{vec}" if slot == 1 else "flat")
        return fn, min((work + _ew.BLOCK - 1) // _ew.BLOCK, _ew.max_grid()), tuple(args)

    def _flat_entry(self, kinds, ops, outs, big) -> list:
        """[values per vector access, vector kernel, scalar kernel] (kernels made lazily)."""
        width = max([x.dtype.itemsize for x, k in zip(ops, kinds) if k == "a"]
                    + [o.dtype.itemsize for o in outs])
        return [16 // width, None, None]

    def _flat_kernel(self, kinds, ops, outs, big, variant):
        in_storage = tuple(x.dtype if k == "a" else c
                           for x, k, c in zip(ops, kinds, self.in_compute))
        out_storage = tuple(o.dtype for o in outs)
        return _ew.get_kernel(self.op, in_storage, self.in_compute, out_storage,
                              self.out_compute,
                              (tuple(kinds), variant, "long long" if big else "int", False))


def _launch_arrays(loop, args, shape):
    """The array-only fast path: one output, contiguous inputs of one shape."""
    out = _empty(shape, loop.out_dtypes[0])
    n = out.size
    if n:
        kinds = "aa" if len(args) == 2 else "a"
        big = n >= _ew.INT32_LIMIT
        entry = loop.flat.get((kinds, big))
        if entry is None:
            entry = loop.flat[(kinds, big)] = loop._flat_entry(kinds, args, (out,), big)
        p = out._ptr
        acc = p
        for x in args:
            acc |= x._ptr
        vec = entry[0]
        if vec > 1 and n >= vec and not acc & 15:
            fn, work = entry[1], n // vec
            if fn is None:
                fn = entry[1] = loop._flat_kernel(kinds, args, (out,), big, f"vec{vec}")
        else:
            fn, work = entry[2], n
            if fn is None:
                fn = entry[2] = loop._flat_kernel(kinds, args, (out,), big, "flat")
        ptrs = (args[0]._ptr, args[1]._ptr, p, n) if len(args) == 2 else (args[0]._ptr, p, n)
        fn.launch_1d((work + _ew.BLOCK - 1) // _ew.BLOCK, _ew.BLOCK, ptrs)
    return out


class ufunc:
    """A universal function on GPU arrays.  See numpy.ufunc.

    Differences from NumPy: integer division and remainder by zero give 0 (no
    per-element errors or warnings on a GPU), and floating-point warnings are not
    raised.  Inputs must be cuarray arrays or scalars: NumPy arrays raise TypeError
    (convert them with ``cuarray.asarray``; no implicit host transfers).
    """

    def __init__(self, spec: UfuncSpec):
        validate(spec)
        self._spec = spec
        self._np = getattr(numpy, spec.name)
        self.__name__ = spec.name
        self.nin, self.nout, self.nargs = spec.nin, spec.nout, spec.nin + spec.nout
        self._memo: dict = {}
        self._ops: dict = {}
        self.__doc__ = spec.doc or f"See numpy.{spec.name}."

    def __repr__(self):
        return f"<ufunc '{self.__name__}'>"

    @property
    def identity(self):
        return self._np.identity

    @property
    def types(self) -> list[str]:
        return [t for t in self._np.types
                if all(_supported_char(c) for c in t.replace("->", ""))]

    @property
    def ntypes(self) -> int:
        return len(self.types)

    @property
    def signature(self):
        return None

    # -- __call__ ------------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if not kwargs and len(args) == self.nin:
            result = self._fast(args)
            if result is not None:
                return result
        if _tracing:       # inside cuarray.fuse or vectorize: record on their stand-ins
            from .fusion import Var, trace_ufunc
            if any(type(x) is Var for x in args):
                return trace_ufunc(self, args, kwargs)
            for x in args:
                hook = getattr(type(x), "__cuarray_ufunc__", None)
                if hook is not None:
                    return hook(x, self, args, kwargs)
        return self._call(*args, **kwargs)

    def _fast(self, args):
        """The common call: no keywords, C-contiguous arrays of one shape, Python scalars.

        Returns None to send the call down the general path (which also resolves and
        memoises loops this path has not seen yet).
        """
        if len(args) <= 2 and self.nout == 1:
            a = args[0]
            b = args[-1]
            if (type(a) is ndarray and type(b) is ndarray and a._c and b._c
                    and a._shape == b._shape):
                loop = self._memo.get((a.dtype, b.dtype) if len(args) == 2 else (a.dtype,))
                if loop is not None:
                    return _launch_arrays(loop, args, a._shape)
        shape = None
        key = []
        kinds = ""
        for x in args:
            if type(x) is ndarray:
                if not x._c or shape is not None and x._shape != shape:
                    return None
                shape = x._shape
                key.append(x.dtype)
                kinds += "a"
            elif type(x) in _WEAK:
                key.append(type(x))
                kinds += "s"
            else:
                return None
        loop = self._memo.get(tuple(key))
        if loop is None or shape is None:
            return None
        outs = [_empty(shape, d) for d in loop.out_dtypes]
        ops = args
        if "s" in kinds:    # converted even for empty arrays: out-of-range ints raise (NEP 50)
            try:
                ops = _operands(args, loop, outs)
            except OverflowError:
                return None     # the general path decides (comparisons may still answer)
        n = outs[0].size
        if n:
            plan = loop.flat_plan(kinds, ops, outs, n)
            plan[0].launch_1d(plan[1], _ew.BLOCK, plan[2])
        return outs[0] if self.nout == 1 else tuple(outs)

    def _call(self, *args, out=None, where=True, casting="same_kind", order="K",
              dtype=None, signature=None, subok=True):
        nin = self.nin
        if len(args) != nin:
            args, out = self._split_positional_out(args, out)
        inputs = args
        key = tuple(_key_of(x) for x in inputs)
        if dtype is not None or signature is not None or casting != "same_kind":
            key = key + ((dtype, signature, casting),)
        loop = self._memo.get(key)
        if loop is None:
            loop = self._resolve(key, inputs, dtype, signature, casting)
        shape = _broadcast_shape(inputs)
        outs = self._prepare_outputs(out, shape, loop, casting, order, inputs)
        if out is not None:
            inputs = _detach_overlaps(inputs, outs)
        mask = None
        if where is not True:
            mask = _where_mask(where, outs[0]._shape)
        try:
            operands = _operands(inputs, loop, outs)
        except OverflowError as exc:
            self._fill_out_of_range(exc, inputs, loop, outs, mask, dtype, signature, casting)
        else:
            _ew.launch(loop.op, operands,
                       tuple(_storage(x, d) for x, d in zip(operands, loop.in_compute)),
                       loop.in_compute, outs, loop.out_compute, mask)
        if out is not None and self.nout == 1 and not isinstance(out, tuple):
            return out
        return outs[0] if self.nout == 1 else tuple(outs)

    def _split_positional_out(self, args, out):
        if len(args) < self.nin:
            raise TypeError(f"{self.__name__}() takes from {self.nin} to {self.nargs} positional "
                            f"arguments but {len(args)} were given")
        if len(args) > self.nargs:
            raise TypeError(f"{self.__name__}() takes from {self.nin} to {self.nargs} positional "
                            f"arguments but {len(args)} were given")
        if out is not None:
            raise TypeError("cannot specify 'out' as both a positional and keyword argument")
        pos_out = args[self.nin:]
        return args[:self.nin], pos_out if len(pos_out) > 1 else pos_out[0]

    def _fill_out_of_range(self, exc, inputs, loop, outs, mask, dtype, signature, casting):
        """A Python int outside the range of its integer loop dtype (NEP 50).

        NumPy raises OverflowError, except that its comparisons give the mathematically
        right answer (int8_array < 1000 is all True).  That answer cannot depend on the
        array's values, since none lies beyond the scalar: NumPy is asked with each
        array replaced by its dtype's extreme values, and if it answers, and alike for
        both, the outputs are filled with that answer.  Otherwise ``exc`` is raised.
        """
        kwargs = {"casting": casting}
        if dtype is not None:
            kwargs["dtype"] = dtype
        if signature is not None:
            kwargs["signature"] = signature
        answers = []
        for pick in (0, -1):
            stand_ins = [_extreme(x.dtype, pick) if type(x) is ndarray else x for x in inputs]
            try:
                r = self._np(*stand_ins, **kwargs)
            except Exception:
                raise exc from None
            answers.append(tuple(numpy.asarray(v).item() for v in (r if self.nout > 1 else (r,))))
        if answers[0] != answers[1]:
            raise exc
        key = ("constant", self.nout)
        op = self._ops.get(key)
        if op is None:
            body = "; ".join(f"out{k} = in{k}" for k in range(self.nout))
            op = self._ops[key] = _ew.ElementwiseOp(f"{self.__name__}_constant", body,
                                                    self.nout, self.nout)
        values = tuple(c.type(v) for v, c in zip(answers[0], loop.out_compute))
        _ew.launch(op, values, loop.out_compute, loop.out_compute, outs, loop.out_compute, mask)

    # -- phases ----------------------------------------------------------------------------------
    def _resolve(self, key, inputs, dtype, signature, casting) -> _Loop:
        dts = key[:self.nin]
        for x in inputs:
            _check_input(x)
        if dtype is not None:
            if signature is not None:
                raise TypeError("cannot specify both 'signature' and 'dtype'")
            signature = (None,) * self.nin + (numpy.dtype(dtype),) * self.nout
        full = dts + (None,) * self.nout
        kwargs = {"casting": casting}
        if signature is not None:
            kwargs["signature"] = signature
        resolved = self._np.resolve_dtypes(full, **kwargs)
        for d in resolved:
            if not is_supported(d):
                raise TypeError(f"ufunc {self.__name__!r}: the loop for {dts} uses dtype {d}, "
                                "which cuarray does not support")
        loop = _Loop(self._spec, resolved[:self.nin], resolved[self.nin:], self._ops)
        self._memo[key] = loop
        return loop

    def _prepare_outputs(self, out, shape, loop, casting, order, inputs) -> list:
        if out is None:
            return [_new_output(shape, d, order, inputs) for d in loop.out_dtypes]
        outs = out if isinstance(out, tuple) else (out,)
        if len(outs) != self.nout:
            raise ValueError(f"The 'out' tuple must have exactly {self.nout} entries: one per "
                             "ufunc output")
        result = []
        for o, d in zip(outs, loop.out_dtypes):
            if o is None:
                result.append(_empty(shape, d))
                continue
            if type(o) is not ndarray:
                raise TypeError(f"return arrays must be of ArrayType (cuarray.ndarray), not "
                                f"{type(o).__name__}")
            if o._shape != shape:
                if numpy.broadcast_shapes(shape, o._shape) != o._shape:
                    raise ValueError(f"non-broadcastable output operand with shape {o._shape} "
                                     f"doesn't match the broadcast shape {shape}")
            if not numpy.can_cast(d, o.dtype, casting):
                raise numpy._core._exceptions._UFuncOutputCastingError(
                    self._np, casting, d, o.dtype, 0)
            result.append(o)
        return result


def _supported_char(c: str) -> bool:
    try:
        return is_supported(numpy.dtype(c))
    except TypeError:
        return False


def _key_of(x):
    if type(x) is ndarray:
        return x.dtype
    t = type(x)
    if t in _WEAK:
        return t
    if t is bool:
        return _BOOL
    if isinstance(x, numpy.generic):
        return x.dtype
    if isinstance(x, ndarray):
        return x.dtype
    _check_input(x)
    return t


def _check_input(x) -> None:
    if isinstance(x, ndarray) or type(x) in (bool, int, float, complex):
        return
    if isinstance(x, numpy.generic):
        if not is_supported(x.dtype):
            raise TypeError(f"cuarray does not support dtype {x.dtype}")
        return
    if isinstance(x, numpy.ndarray):
        raise TypeError("Unsupported type numpy.ndarray: cuarray ufuncs do not copy host arrays "
                        "implicitly; convert with cuarray.asarray() first")
    raise TypeError(f"Unsupported type {type(x).__name__}")


def _broadcast_shape(inputs) -> tuple:
    shape = None
    same = True
    for x in inputs:
        if type(x) is ndarray:
            if shape is None:
                shape = x._shape
            elif x._shape != shape:
                same = False
    if shape is None:
        return ()
    if same:
        return shape
    return numpy.broadcast_shapes(*(x._shape for x in inputs if isinstance(x, ndarray)))


def _operands(inputs, loop, outs) -> list:
    """Arrays pass through; scalars become NumPy scalars of the compute dtype."""
    ops = []
    for x, (loop_t, compute_t) in zip(inputs, loop.scalar_types):
        if type(x) is ndarray:
            ops.append(x)
        else:
            v = loop_t(x) if not isinstance(x, numpy.generic) else x.astype(loop_t)
            ops.append(v if loop_t is compute_t else compute_t(v))
    return ops


def _extreme(dt, pick):
    """A 0-d host array of ``dt`` holding its lowest (``pick`` 0) or highest (-1) value."""
    if dt.kind in "iu":
        info = numpy.iinfo(dt)
        return numpy.array((info.min, info.max)[pick], dt)
    if dt.kind == "b":
        return numpy.array(pick == -1, dt)
    return numpy.zeros((), dt)


def _storage(x, compute):
    return x.dtype if type(x) is ndarray else compute


def _where_mask(where, shape):
    if isinstance(where, (bool, numpy.bool_)):
        if where:
            return None
        from .._core.ndarray import _empty as empty
        from ..cuda import _copy
        m = empty((), _BOOL)
        _copy.memset8(m._ptr, 0, 1)
        return m
    if type(where) is not ndarray:
        raise TypeError("where= must be a cuarray bool array or a Python bool")
    if where.dtype != _BOOL:
        raise TypeError(f"Cannot cast array data from {where.dtype!r} to dtype('bool') according "
                        "to the rule 'safe'")
    if numpy.broadcast_shapes(where._shape, shape) != shape:
        raise ValueError(f"where operand with shape {where._shape} cannot be broadcast to the "
                         f"output shape {shape}")
    return where


def _span(a):
    """(lowest address, one past the highest byte) of ``a``'s elements."""
    return byte_bounds(a._ptr, a._shape, a._strides, a.dtype.itemsize)


def _detach_overlaps(inputs, outs) -> tuple:
    """NumPy computes as if inputs were copied first: copy an input that partially overlaps
    an output (an identical view is safe: each element is read before it is written)."""
    result = list(inputs)
    for i, x in enumerate(inputs):
        if type(x) is not ndarray or not x.size:
            continue
        lo, hi = _span(x)
        for o in outs:
            if not o.size:
                continue
            olo, ohi = _span(o)
            if lo < ohi and olo < hi and not (x._ptr == o._ptr and x._strides == o._strides
                                              and x._shape == o._shape
                                              and x.dtype.itemsize == o.dtype.itemsize):
                result[i] = x.copy()
                break
    return tuple(result)


def _new_output(shape, dt, order, inputs):
    """An output laid out as NumPy's iterator would: C or F when asked (or when every
    array input is), else ('K') following the inputs' stride order."""
    arrays = [x for x in inputs if type(x) is ndarray and x.ndim]
    if order == "C" or len(shape) <= 1 or not arrays or all(x._c for x in arrays):
        return _empty(shape, dt)
    if order == "F" or all(x._f and x._shape == shape for x in arrays):
        return _empty(shape, dt, "F")
    if order == "A":
        return _empty(shape, dt)
    from .._routines.creation import empty_iter
    return empty_iter(shape, dt, arrays)


def _out_order(order, inputs) -> str:
    """'C' or 'F' for a new output (callers that need NumPy's full 'K' layout use
    ``_new_output``)."""
    if order == "F":
        return "F"
    if order in ("K", "A"):
        arrays = [x for x in inputs if type(x) is ndarray]
        if arrays and all(x._f and not x._c for x in arrays):
            return "F"
    return "C"


# The methods outer and at live in their own module, which binds them onto the class.
from . import methods as _methods  # noqa: E402,F401
# reduce, reduceat and accumulate load their engines on first use (a cheap import).
from .. import _lazy  # noqa: E402
_lazy.method(ufunc, "reduce", "cuarray._ufunc.reduce")
_lazy.method(ufunc, "reduceat", "cuarray._ufunc.reduce")
_lazy.method(ufunc, "accumulate", "cuarray._ufunc.accumulate")
