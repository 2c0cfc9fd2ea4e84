"""Kernel templates with user code: ``ElementwiseKernel`` and ``ReductionKernel``.

CuPy's classes, signatures and parameter syntax, compiled by our own engines: an
ElementwiseKernel is an ``ElementwiseOp`` of the elementwise engine (vector accesses,
collapsed n-d layouts, the tiled transpose kernel, 32-bit indices) and a
ReductionKernel a ``ReductionOp`` of the reduction engine (its per-shape strategies,
deterministic combine order), so user kernels run as fast as the built-in ufuncs.

Parameters are ``"[raw] TYPE NAME"`` separated by commas.  TYPE is a dtype name
(``float32``) or a one-letter type placeholder (``T``) that the arguments decide; all
uses of a placeholder must agree, an output argument fixes it too, and placeholders
are ``typedef``-ed for the code.  Rules (CuPy's):

- array arguments must have exactly their parameter's dtype (TypeError otherwise);
  scalars are converted to it;
- non-raw array arguments broadcast together and give the loop's shape; ``size=``
  sets it for kernels whose arrays are all raw;
- in the operation, a non-raw parameter is its element, ``i`` the element's C-order
  index and ``_ind.size()`` the number of elements; a raw parameter is the whole array
  (``x[j]`` with a C-order flat index or an array of indices, ``x.size()``,
  ``x.shape()``, ``x.strides()``);
- outputs are allocated in C order unless passed after the inputs; an input that
  overlaps an output (other than being the same view) is copied first.

Differences from CuPy: outputs are written once per element from a local variable (a
body that reads an output loads it first, which this module detects from the code);
``reduce_dims`` is accepted and has no effect (the engine always merges dimensions,
and ``i`` is the C-order index either way); ReductionKernel takes no raw parameters and
exactly one output; a ReductionKernel without ``identity`` combines elements in order
(correct for any operation, but one thread per output).
"""

from __future__ import annotations

import re

import numpy

from .._core.dtypes import ctype, get_dtype
from .._core.ndarray import _empty, ndarray
from . import elementwise as _ew

_WEAK = (bool, int, float, complex)


class ParameterInfo:
    """One parsed parameter: name, dtype (None for a placeholder), ctype, raw, is_const."""

    __slots__ = ("name", "dtype", "ctype", "raw", "is_const")

    def __init__(self, text: str, is_const: bool):
        words = text.split()
        if len(words) < 2:
            raise ValueError(f"Syntax error in parameter {text.strip()!r}: expected "
                             "'[raw] TYPE NAME'")
        t, self.name = words[-2:]
        if not re.fullmatch(r"[A-Za-z_]\w*", self.name):
            raise ValueError(f"Syntax error in parameter {text.strip()!r}: {self.name!r} is not "
                             "a C++ identifier")
        self.raw, self.is_const = False, is_const
        for w in words[:-2]:
            if w == "raw":
                self.raw = True
            elif w == "_non_const":
                self.is_const = False
            else:
                raise ValueError(f"Unknown keyword {w!r} in parameter {text.strip()!r}")
        if len(t) == 1:
            self.dtype, self.ctype = None, t
        else:
            try:
                self.dtype = get_dtype(t)
            except TypeError:
                raise TypeError(f"parameter {self.name!r}: unknown or unsupported type {t!r}") \
                    from None
            self.ctype = ctype(self.dtype)

    def __repr__(self):
        return (f"<ParameterInfo name={self.name!r} dtype={self.dtype} ctype={self.ctype!r} "
                f"raw={self.raw} is_const={self.is_const}>")


def parse_params(text: str, is_const: bool) -> tuple:
    params = tuple(ParameterInfo(p, is_const) for p in text.split(",") if p.strip()) \
        if text.strip() else ()
    return params


def _check_names(params) -> None:
    seen = set()
    for p in params:
        if p.name in seen:
            raise ValueError(f"Duplicate parameter name {p.name!r}")
        seen.add(p.name)


def _arg_dtype(a):
    """The dtype an argument brings to type decisions (None for a Python scalar)."""
    if hasattr(a, "_ptr"):
        return a.dtype
    if isinstance(a, numpy.generic):
        return a.dtype
    return None


def as_argument(a, name):
    """An argument as the engines take it: our ndarray, or a host scalar."""
    from .._core.ndarray import ndarray
    if isinstance(a, ndarray) or type(a) in _WEAK or isinstance(a, numpy.generic):
        return a
    if isinstance(a, numpy.ndarray):
        raise TypeError(f"argument {name!r}: Unsupported type numpy.ndarray (no implicit host "
                        "transfer; convert with cuarray.asarray() first)")
    if hasattr(a, "__cuda_array_interface__"):
        from .._routines.creation import asarray
        return asarray(a)
    raise TypeError(f"argument {name!r}: Unsupported type {type(a).__name__}")


def decide_types(in_params, out_params, in_args, out_args) -> tuple:
    """(input dtypes, output dtypes, {placeholder: dtype}) by CuPy's rules; TypeError on
    a mismatch, naming the parameter."""
    types = {}
    for p, a in zip(out_params, out_args):
        if a is None:
            continue
        _bind(p, a.dtype, types)
    for p, a in zip(in_params, in_args):
        dt = _arg_dtype(a) if hasattr(a, "_ptr") else None
        if dt is not None:
            _bind(p, dt, types)
    for p, a in zip(in_params, in_args):        # placeholders only scalars decide
        if p.dtype is None and p.ctype not in types and not hasattr(a, "_ptr"):
            dt = _arg_dtype(a)
            types[p.ctype] = dt if dt is not None else numpy.asarray(a).dtype
    in_types = tuple(p.dtype if p.dtype is not None else types[p.ctype] for p in in_params)
    out_types = []
    for p in out_params:
        if p.dtype is not None:
            out_types.append(p.dtype)
        elif p.ctype in types:
            out_types.append(types[p.ctype])
        else:
            raise TypeError(f"Cannot determine the type of output {p.name!r}: placeholder "
                            f"{p.ctype!r} appears in no input; pass the output array")
    return in_types, tuple(out_types), types


def _bind(p, dt, types) -> None:
    if p.dtype is not None:
        if dt != p.dtype:
            raise TypeError(f"Type is mismatched. {p.name} {dt} {p.dtype}")
    elif p.ctype in types:
        if types[p.ctype] != dt:
            raise TypeError(f"Type is mismatched. {p.name} {dt} {types[p.ctype]} {p.ctype}")
    else:
        types[p.ctype] = dt


def typedefs(types: dict) -> str:
    return "".join(f"typedef {ctype(dt)} {name};\n" for name, dt in sorted(types.items()))


def scalar_value(a, dt, name):
    """A host scalar converted to its parameter's dtype (OverflowError naming it)."""
    try:
        if isinstance(a, numpy.generic):
            return a.astype(dt)
        return dt.type(a)
    except OverflowError:
        raise OverflowError(f"argument {name!r}: {a!r} is out of range for {dt}") from None


def broadcast_shape(arrays) -> tuple:
    try:
        return numpy.broadcast_shapes(*(a._shape for a in arrays))
    except ValueError:
        shapes = " ".join(str(a._shape) for a in arrays)
        raise ValueError(f"operands could not be broadcast together with shapes {shapes}") \
            from None


def _overlaps(x, o) -> bool:
    from .._core.shape import byte_bounds
    if not x.size or not o.size or (x._ptr == o._ptr and x._strides == o._strides
                                    and x._shape == o._shape):
        return False
    lo, hi = byte_bounds(x._ptr, x._shape, x._strides, x.dtype.itemsize)
    olo, ohi = byte_bounds(o._ptr, o._shape, o._strides, o.dtype.itemsize)
    return lo < ohi and olo < hi


def detach(inputs, outs) -> list:
    """Copy any input that overlaps an output without being the same view."""
    result = list(inputs)
    for k, x in enumerate(inputs):
        if hasattr(x, "_ptr") and any(_overlaps(x, o) for o in outs):
            result[k] = x.copy()
    return result


def _reads(name: str, code: str) -> bool:
    """Whether ``code`` may read the variable ``name``: any use other than ``name = ...``."""
    for m in re.finditer(rf"(?<![\w.]){re.escape(name)}\b", code):
        if not re.match(r"\s*=(?!=)", code[m.end():]):
            return True
    return False


class ElementwiseKernel:
    """A user-defined elementwise kernel.  See cupy.ElementwiseKernel (and the module
    docstring for the parameter rules and the differences from CuPy)."""

    def __init__(self, in_params, out_params, operation, name="kernel", reduce_dims=True,
                 preamble="", no_return=False, return_tuple=False, loop_prep="",
                 after_loop="", **kwargs):
        self.in_params = parse_params(in_params, True)
        self.out_params = parse_params(out_params, False)
        self.params = self.in_params + self.out_params
        _check_names(self.params)
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"Invalid kernel name {name!r}: it must be a C++ identifier")
        self.nin, self.nout = len(self.in_params), len(self.out_params)
        self.nargs = self.nin + self.nout
        self.operation, self.name, self.preamble = operation, name, preamble
        self.reduce_dims, self.no_return, self.return_tuple = reduce_dims, no_return, return_tuple
        self.loop_prep, self.after_loop = loop_prep, after_loop
        self.options = tuple(kwargs.pop("options", ()))
        if kwargs:
            raise TypeError(f"ElementwiseKernel() got unexpected keyword arguments "
                            f"{sorted(kwargs)}")
        self._sigs: dict = {}

    def __repr__(self):
        return f"<cuarray.ElementwiseKernel {self.name!r}>"

    def __call__(self, *args, size=None, stream=None, block_size=None):
        """Run on ``args`` (the inputs, optionally followed by every output)."""
        key = tuple(a.dtype if type(a) is ndarray else type(a) for a in args)
        sig = self._sigs.get(key)
        if sig is None:
            sig = self._signature(args)
            if len(self._sigs) < 1024:
                self._sigs[key] = sig
        op, in_types, out_types, nonraw_in, nonraw_out, raw_pos, scalar_pos = sig
        nin = self.nin
        outs = list(args[nin:])
        loop_ins = [args[k] for k in nonraw_in]
        if size is not None:
            if loop_ins or nonraw_out:
                raise ValueError("Specified 'size' can be used only if all of the ndarray are "
                                 "'raw'.")
            shape = (int(size),)
        elif loop_ins:
            shape = loop_ins[0]._shape
            for a in loop_ins:
                if a._shape != shape:
                    shape = broadcast_shape(loop_ins)
                    break
        elif outs and nonraw_out:
            shape = broadcast_shape([outs[k] for k in nonraw_out])
        else:
            raise ValueError("Loop size is undecided: pass a non-raw array or size=")
        if not outs:
            if raw_pos and any(k >= nin for k in raw_pos) and size is None:
                raise ValueError("Output array size is undecided for a raw output; pass it "
                                 "or size=")
            outs = [_empty(shape, dt) for dt in out_types]
            ins = args
        else:
            for k in nonraw_out:
                if outs[k]._shape != shape:
                    raise ValueError(f"Out shape is mismatched: output "
                                     f"{self.out_params[k].name!r} has shape {outs[k]._shape}, "
                                     f"the loop has {shape}")
            ins = detach(args[:nin], outs)
        engine_ins = [ins[k] for k in nonraw_in]
        for k in scalar_pos:
            engine_ins.append(scalar_value(ins[k], in_types[k], self.in_params[k].name))
        allargs = list(ins[:nin]) + outs
        engine_ins += [_ew.RawArg(allargs[k]) for k in raw_pos]
        engine_outs = [outs[k] for k in nonraw_out]
        storage = tuple(x.dtype if type(x) is ndarray else in_types[k]
                        for x, k in zip(engine_ins, nonraw_in + scalar_pos)) + \
            tuple(allargs[k].dtype for k in raw_pos)
        if stream is None:
            _ew.launch(op, engine_ins, storage, storage, engine_outs,
                       tuple(o.dtype for o in engine_outs), shape=shape)
        else:
            with stream:
                _ew.launch(op, engine_ins, storage, storage, engine_outs,
                           tuple(o.dtype for o in engine_outs), shape=shape)
        if self.no_return:
            return None
        if self.nout == 1 and not self.return_tuple:
            return outs[0]
        return tuple(outs)

    def _signature(self, args):
        """What the argument types decide, once per type tuple: the op, the parameter types
        and where each argument goes (CuPy's checks raise here)."""
        if len(args) not in (self.nin, self.nargs):
            raise TypeError(f"Wrong number of arguments for {self.name!r}: expected {self.nin} "
                            f"or {self.nargs}, got {len(args)}")
        ins = [as_argument(a, p.name) for a, p in zip(args, self.in_params)]
        outs = [as_argument(a, p.name) for a, p in zip(args[self.nin:], self.out_params)]
        for k, (a, b) in enumerate(zip(args, ins + outs)):
            if a is not b:     # converted (an object with __cuda_array_interface__)
                raise TypeError(f"argument {self.params[k].name!r}: pass a cuarray.ndarray "
                                f"(cuarray.asarray() converts {type(a).__name__} without a copy)")
        for p, a in zip(self.params, ins + outs):
            if p.raw and not hasattr(a, "_ptr"):
                raise TypeError(f"argument {p.name!r}: a raw parameter takes an array, not "
                                f"{type(a).__name__}")
        for p, a in zip(self.out_params, outs):
            if not hasattr(a, "_ptr"):
                raise TypeError(f"output {p.name!r} must be a cuarray.ndarray, not "
                                f"{type(a).__name__}")
        in_types, out_types, types = decide_types(self.in_params, self.out_params, ins,
                                                  outs or [None] * self.nout)
        nonraw_in = tuple(k for k, (p, a) in enumerate(zip(self.in_params, ins))
                          if not p.raw and hasattr(a, "_ptr"))
        scalar_pos = tuple(k for k, (p, a) in enumerate(zip(self.in_params, ins))
                           if not p.raw and not hasattr(a, "_ptr"))
        nonraw_out = tuple(k for k, p in enumerate(self.out_params) if not p.raw)
        raw_pos = tuple(k for k, p in enumerate(self.in_params) if p.raw) + \
            tuple(self.nin + k for k, p in enumerate(self.out_params) if p.raw)
        op = self._make_op(nonraw_in + scalar_pos + raw_pos, types)
        return op, in_types, out_types, nonraw_in, nonraw_out, raw_pos, scalar_pos

    def _make_op(self, order, types):
        """The engine op; ``order``: the parameter index (inputs, then outputs) of each engine
        input (non-raw arrays, scalars, then raw arrays)."""
        binds = []
        for k, pos in enumerate(order):
            p = self.params[pos]
            binds.append(f"const auto& {p.name} = in{k};" if p.raw else
                         f"const {p.ctype}& {p.name} = in{k};")
        j = 0
        reads = False
        for p in self.out_params:
            if not p.raw:
                binds.append(f"{p.ctype}& {p.name} = out{j};")
                reads = reads or _reads(p.name, self.operation)
                j += 1
        body = ("const auto i = _i; (void)i;\n"
                "const cuarray::loop_index<long long> _ind{(long long)_i, (long long)n}; "
                "(void)_ind;\n" + "\n".join(binds) + "\n" + self.operation)
        preamble = typedefs(types) + self.preamble
        return _ew.ElementwiseOp(self.name, "{\n" + body.strip().rstrip(";") + ";\n}",
                                 len(order), j, preamble, load_outs=reads,
                                 loop_prep=self.loop_prep, after_loop=self.after_loop,
                                 options=self.options)


class ReductionKernel:
    """A user-defined reduction.  See cupy.ReductionKernel (and the module docstring).

    ``map_expr`` maps the input elements (by parameter name) to a ``reduce_type``
    value; ``reduce_expr`` combines two of them, ``a`` and ``b``; ``post_map_expr``
    assigns the output from the result ``a``; ``identity`` (a C++ expression, or None)
    starts the combine.
    """

    def __init__(self, in_params, out_params, map_expr, reduce_expr, post_map_expr, identity,
                 name="reduce_kernel", reduce_type=None, reduce_dims=True, preamble="",
                 options=()):
        self.in_params = parse_params(in_params, True)
        self.out_params = parse_params(out_params, False)
        self.params = self.in_params + self.out_params
        _check_names(self.params)
        if any(p.raw for p in self.params):
            raise ValueError("ReductionKernel does not take raw parameters")
        if len(self.out_params) != 1:
            raise ValueError(f"ReductionKernel takes exactly one output parameter, got "
                             f"{len(self.out_params)}")
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"Invalid kernel name {name!r}: it must be a C++ identifier")
        self.nin, self.nout = len(self.in_params), 1
        self.nargs = self.nin + 1
        self.map_expr, self.reduce_expr, self.post_map_expr = map_expr, reduce_expr, post_map_expr
        self.identity = None if identity is None else str(identity)
        self.name, self.reduce_type, self.reduce_dims = name, reduce_type, reduce_dims
        self.preamble = preamble
        self.options = (options,) if isinstance(options, str) else tuple(options)
        self._sigs: dict = {}

    def __repr__(self):
        return f"<cuarray.ReductionKernel {self.name!r}>"

    def __call__(self, *args, out=None, axis=None, keepdims=False, stream=None):
        if len(args) == self.nargs:
            if out is not None:
                raise TypeError("the output was given both positionally and as out=")
            args, out = args[:self.nin], args[self.nin]
        key = (tuple(a.dtype if type(a) is ndarray else type(a) for a in args),
               None if out is None else getattr(out, "dtype", type(out)))
        sig = self._sigs.get(key)
        if sig is None:
            sig = self._signature(args, out)
            if len(self._sigs) < 1024:
                self._sigs[key] = sig
        op, in_types, out_dt, array_pos = sig
        shape = args[array_pos[0]]._shape
        for k in array_pos:
            if args[k]._shape != shape:
                shape = broadcast_shape([args[j] for j in array_pos])
                break
        nd = len(shape)
        if axis is None:
            axes = tuple(range(nd))
        elif type(axis) is int and -nd <= axis < nd:
            axes = (axis % nd,)
        else:
            from numpy.lib.array_utils import normalize_axis_tuple
            axes = normalize_axis_tuple(axis, nd)
        kshape = tuple(s for d, s in enumerate(shape) if d not in axes)
        rshape = tuple(1 if d in axes else s for d, s in enumerate(shape)) if keepdims else kshape
        if out is None:
            res = _empty(rshape, out_dt)
            ins = args
        else:
            res = out
            if res._shape != rshape:
                raise ValueError(f"Out shape is mismatched: out has shape {res._shape}, the "
                                 f"reduction gives {rshape}")
        kept = res.reshape(kshape) if keepdims else res
        if out is not None:
            ins = detach(args, [kept])
        if self.identity is None and kept.size:
            n_red = 1
            for d in axes:
                n_red *= shape[d]
            if n_red == 0:
                raise ValueError(f"zero-size array to reduction {self.name!r}, which has no "
                                 "identity")
        operands = [a if type(a) is ndarray else scalar_value(a, dt, p.name)
                    for a, dt, p in zip(ins, in_types, self.in_params)]
        from . import reduction as _red
        if stream is None:
            _red.reduce(op, operands, in_types, in_types, kept, out_dt, shape, axes)
        else:
            with stream:
                _red.reduce(op, operands, in_types, in_types, kept, out_dt, shape, axes)
        return res

    def _signature(self, args, out):
        """The op and parameter types for one argument-type tuple (CuPy's checks raise)."""
        if len(args) != self.nin:
            raise TypeError(f"Wrong number of arguments for {self.name!r}: expected {self.nin}, "
                            f"got {len(args)}")
        ins = [as_argument(a, p.name) for a, p in zip(args, self.in_params)]
        for p, a, b in zip(self.in_params, args, ins):
            if a is not b:
                raise TypeError(f"argument {p.name!r}: pass a cuarray.ndarray (cuarray.asarray() "
                                f"converts {type(a).__name__} without a copy)")
        if out is not None and type(out) is not ndarray:
            raise TypeError("out must be a cuarray.ndarray")
        in_types, out_types, types = decide_types(self.in_params, self.out_params, ins, [out])
        array_pos = tuple(k for k, a in enumerate(ins) if type(a) is ndarray)
        if not array_pos:
            raise ValueError("ReductionKernel needs at least one array argument")
        op = self._make_op(in_types, out_types[0], types)
        return op, in_types, out_types[0], array_pos

    def _make_op(self, in_types, out_type, types):
        from .reduction_source import ReductionOp
        rt = self.reduce_type
        if rt is None:
            rt = self.out_params[0].ctype
        size = 0
        try:
            size = numpy.dtype(types[rt] if rt in types else rt).itemsize
        except TypeError:
            pass
        acc = ctype(types[rt]) if rt in types else rt
        params = ", ".join(f"const {p.ctype} {p.name}" for p in self.in_params)
        args = ", ".join(f"in{k}" for k in range(self.nin))
        head = typedefs(types) + f"typedef {acc} _type_reduce;\n" + self.preamble
        preamble = (f"__device__ __forceinline__ acc_t {self.name}_map({params}) {{\n"
                    f"  return (acc_t)({self.map_expr});\n}}\n")
        o = self.out_params[0]
        post = f"{{ {o.ctype}& {o.name} = out0; {self.post_map_expr.strip().rstrip(';')}; }}"
        return ReductionOp(name=self.name, nin=self.nin, acc=acc,
                           acc_itemsize=size or 256, identity=self.identity,
                           map=f"{self.name}_map({args})", reduce=f"({self.reduce_expr})",
                           post=post, preamble=preamble, head=head, options=self.options)

