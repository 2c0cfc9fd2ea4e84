"""Tracing a scalar Python function into one elementwise kernel (behind ``cuarray.vectorize``).

The function is called once with tracer objects instead of elements.  Each operation on a
tracer (Python operators, NumPy ufuncs through ``__array_ufunc__``, ``numpy.where``,
``.real``/``.imag``/``.conj()``/``.astype()``) is recorded with the loop dtypes NumPy
would use, resolved by the NumPy ufunc of the same name (``resolve_dtypes``) and run by
the body of cuarray's ufunc of that name.  Anything else (branching on a value, ``float(x)``,
``math`` functions, indexing, other routines) raises :class:`Untraceable`, and the caller
runs the function on the host instead.

Two element semantics, as NumPy's ``vectorize`` has them:
- ``strong``: elements are NumPy scalars of the arrays' dtypes (NumPy calls the function
  on the first elements this way to find the output dtypes);
- ``python``: elements are Python scalars (NumPy computes every element this way, from
  an object array): bool, int (here 64-bit), float (double) or complex, weak in NumPy's
  promotion, with Python's rules where they differ from NumPy's (``True + True`` is 2,
  ``-True`` is -1, ``2 ** -1`` is 0.5).  An argument that is itself a NumPy scalar stays
  one in that object array, so it stays strong (``Trace.input(strong=True)``).

A trace becomes C++ (:func:`kernel_body`): one ``__device__`` function per recorded ufunc
call wrapping the ufunc's body, values converted between loop dtypes with NumPy's cast
rules and float16 results rounded to half after each operation, as NumPy stores them.
"""

from __future__ import annotations

import re

import numpy

from .._core.dtypes import COMPUTE, is_supported

_BOOL = numpy.dtype(bool)
_I64 = numpy.dtype(numpy.int64)
_F64 = numpy.dtype(numpy.float64)
_C128 = numpy.dtype(numpy.complex128)
_HALF = numpy.dtype(numpy.float16)
_PY_TYPES = (bool, int, float, complex)
_PY_KIND = {"b": _BOOL, "i": _I64, "u": _I64, "f": _F64, "c": _C128}
_WEAK_KEY = {_BOOL: _BOOL, _I64: int, _F64: float, _C128: complex}
# Python's arithmetic treats bool as int; its bitwise and comparison operators keep bool.
_ARITHMETIC = frozenset({"add", "subtract", "multiply", "divide", "floor_divide", "remainder",
                         "power", "divmod", "negative", "positive", "absolute", "invert",
                         "left_shift", "right_shift"})
_ORDERING = frozenset({"less", "less_equal", "greater", "greater_equal"})
_GUFUNCS = frozenset({"matmul", "vecdot", "matvec", "vecmat"})


class Untraceable(Exception):
    """The function did something a kernel cannot express; run it on the host."""


class tracing:
    """``with tracing():`` while the function runs on tracers: raises the tracing flag that
    cuarray's ufuncs check before handing tracer operands to ``__cuarray_ufunc__``."""

    def __enter__(self):
        from .._ufunc import ufunc as _uf
        if hasattr(_uf, "_tracing"):
            _uf._tracing += 1

    def __exit__(self, *exc):
        from .._ufunc import ufunc as _uf
        if hasattr(_uf, "_tracing"):
            _uf._tracing -= 1


class Trace:
    """The operations recorded while the function runs on tracers."""

    def __init__(self, python: bool):
        self.python = python
        self.ops = []           # (kind, name, operand refs, in dtypes, out dtypes)
        self.consts = []        # NumPy scalars of the dtype their operation uses
        self.inputs = []        # dtypes of the function's arguments

    def input(self, dt: numpy.dtype, strong: bool = False) -> "Tracer":
        """A tracer for the next argument, whose elements have dtype ``dt``.

        ``strong``: the argument is a NumPy scalar, which NumPy's object array holds as it
        is (a NumPy scalar), where array elements become Python scalars.
        """
        weak = self.python and not strong
        if weak:
            dt = _PY_KIND[dt.kind]
        self.inputs.append(dt)
        return Tracer(self, ("in", len(self.inputs) - 1), dt, weak)

    def const(self, value) -> tuple:
        self.consts.append(value)
        return ("c", len(self.consts) - 1)

    # -- recording -----------------------------------------------------------------------------
    def operand(self, x, name: str, python_op: bool):
        """(ref or Python value, resolution key, weak) of one operand."""
        if isinstance(x, Tracer):
            if x.trace is not self:
                raise Untraceable("a tracer of another call")
            if x.weak and python_op and x.dtype == _BOOL and name in _ARITHMETIC:
                x = self.cast(x, _I64, weak=True)
            return x.ref, (_WEAK_KEY[x.dtype] if x.weak else x.dtype), x.weak
        if type(x) is bool:
            if python_op and name in _ARITHMETIC:
                return int(x), int, True
            return numpy.bool_(x), _BOOL, False
        if type(x) in _PY_TYPES:
            return x, type(x), True
        if isinstance(x, numpy.generic) and is_supported(x.dtype):
            return x, x.dtype, False
        raise Untraceable(f"an operand of type {type(x).__name__}")

    def ufunc(self, name: str, operands, python_op: bool = False):
        """Record NumPy ufunc ``name`` on ``operands``; its result tracer(s)."""
        from .._ufunc import namespace
        uf = getattr(namespace, name, None)
        np_uf = getattr(numpy, name, None)
        if name in _GUFUNCS or uf is None or not isinstance(np_uf, numpy.ufunc):
            raise Untraceable(f"ufunc {name}")
        if len(operands) != np_uf.nin:
            raise Untraceable(f"{name} with {len(operands)} operands")
        # Python's rules apply between Python scalars only; a NumPy scalar makes it NumPy's.
        python_op = python_op and all(
            x.weak if isinstance(x, Tracer) else type(x) in _PY_TYPES for x in operands)
        parsed = [self.operand(x, name, python_op) for x in operands]
        if python_op and name == "power" and isinstance(parsed[1][0], tuple) and \
                parsed[0][1] is int and parsed[1][1] is int:
            raise Untraceable("Python int ** int with a traced exponent")
        keys = [k for _, k, _ in parsed]
        if python_op and name in _ORDERING and complex in keys:
            raise Untraceable("Python complex numbers are not ordered")
        if name == "power" and not isinstance(parsed[1][0], tuple):
            keys = self._power_keys(keys, parsed[1][0], python_op)
        if all(isinstance(k, type) for k in keys):
            # Between Python scalars NumPy resolves some loops to object; Python computes
            # in int (here int64), float or complex, which are these loops.
            keys = [_PY_KIND[numpy.dtype(k).kind] for k in keys]
        loop = np_uf.resolve_dtypes(tuple(keys) + (None,) * np_uf.nout)
        ins, outs = loop[:np_uf.nin], loop[np_uf.nin:]
        for d in loop:
            if not is_supported(d):
                raise Untraceable(f"{name} needs dtype {d}")
        if uf._spec.body_for(ins[0]) is None:
            raise Untraceable(f"no cuarray loop of {name} for {ins}")
        refs = []
        for (value, _, _), d in zip(parsed, ins):
            refs.append(value if isinstance(value, tuple) else
                        self.const(_scalar_as(value, d)))
        weak = python_op            # a Python operator on Python scalars gives one
        i = len(self.ops)
        self.ops.append(("ufunc", name, tuple(refs), tuple(ins), tuple(outs)))
        result = tuple(Tracer(self, ("op", i, k), d, weak) for k, d in enumerate(outs))
        return result[0] if len(result) == 1 else result

    @staticmethod
    def _power_keys(keys, exponent, python_op):
        """Integer ** a negative constant: a float for Python, an error for NumPy scalars."""
        base_int = keys[0] is int or isinstance(keys[0], numpy.dtype) and keys[0].kind in "biu"
        if base_int and not isinstance(exponent, (float, complex)) and exponent < 0 and \
                numpy.asarray(exponent).dtype.kind in "iu":
            if not python_op:
                raise Untraceable("Integers to negative integer powers are not allowed.")
            return [float, float]
        return keys

    def cast(self, x: "Tracer", dt: numpy.dtype, weak=False) -> "Tracer":
        i = len(self.ops)
        self.ops.append(("cast", "cast", (x.ref,), (x.dtype,), (dt,)))
        return Tracer(self, ("op", i, 0), dt, weak)

    def part(self, x: "Tracer", which: str) -> "Tracer":
        """``x.real`` or ``x.imag``."""
        dt = numpy.dtype(f"f{x.dtype.itemsize // 2}") if x.dtype.kind == "c" else x.dtype
        i = len(self.ops)
        self.ops.append(("part", which, (x.ref,), (x.dtype,), (dt,)))
        return Tracer(self, ("op", i, 0), dt, x.weak)

    def where(self, cond, a, b) -> "Tracer":
        """``numpy.where(cond, a, b)``: NumPy's promotion of ``a`` and ``b`` (weak Python
        values stay weak)."""
        parsed = [self.operand(x, "where", False) for x in (cond, a, b)]
        protos = [k(0) if isinstance(k, type) else k for _, k, _ in parsed[1:]]
        dt = numpy.result_type(*protos)
        if not is_supported(dt):
            raise Untraceable(f"where needs dtype {dt}")
        ins = (_BOOL, dt, dt)
        refs = tuple(v if isinstance(v, tuple) else self.const(_scalar_as(v, d))
                     for (v, _, _), d in zip(parsed, ins))
        i = len(self.ops)
        self.ops.append(("where", "where", refs, ins, (dt,)))
        return Tracer(self, ("op", i, 0), dt, False)


def _scalar_as(value, dt: numpy.dtype):
    """A constant converted to its loop dtype as a ufunc converts it (NEP 50: a Python int
    out of the dtype's range raises OverflowError)."""
    if isinstance(value, numpy.generic):
        return value.astype(dt)
    if dt == _BOOL:
        return numpy.bool_(value)
    return dt.type(value)


def _binary(name, reflected=False):
    def op(self, other):
        args = (other, self) if reflected else (self, other)
        return self.trace.ufunc(name, args, python_op=self.weak)
    op.__name__ = f"__{'r' if reflected else ''}{name}__"
    return op


def _unary(name):
    def op(self):
        return self.trace.ufunc(name, (self,), python_op=self.weak)
    return op


class Tracer:
    """Stands for one element while the function is traced."""

    __slots__ = ("trace", "ref", "dtype", "weak")
    __array_priority__ = 1e6
    __hash__ = None

    def __init__(self, trace, ref, dtype, weak):
        self.trace, self.ref, self.dtype, self.weak = trace, ref, dtype, weak

    __add__, __radd__ = _binary("add"), _binary("add", True)
    __sub__, __rsub__ = _binary("subtract"), _binary("subtract", True)
    __mul__, __rmul__ = _binary("multiply"), _binary("multiply", True)
    __truediv__, __rtruediv__ = _binary("divide"), _binary("divide", True)
    __floordiv__, __rfloordiv__ = _binary("floor_divide"), _binary("floor_divide", True)
    __mod__, __rmod__ = _binary("remainder"), _binary("remainder", True)
    __pow__, __rpow__ = _binary("power"), _binary("power", True)
    __divmod__, __rdivmod__ = _binary("divmod"), _binary("divmod", True)
    __lshift__, __rlshift__ = _binary("left_shift"), _binary("left_shift", True)
    __rshift__, __rrshift__ = _binary("right_shift"), _binary("right_shift", True)
    __and__, __rand__ = _binary("bitwise_and"), _binary("bitwise_and", True)
    __or__, __ror__ = _binary("bitwise_or"), _binary("bitwise_or", True)
    __xor__, __rxor__ = _binary("bitwise_xor"), _binary("bitwise_xor", True)
    __lt__, __le__ = _binary("less"), _binary("less_equal")
    __gt__, __ge__ = _binary("greater"), _binary("greater_equal")
    __eq__, __ne__ = _binary("equal"), _binary("not_equal")
    __neg__, __pos__ = _unary("negative"), _unary("positive")
    __abs__, __invert__ = _unary("absolute"), _unary("invert")

    def __bool__(self):
        raise Untraceable("the function branches on a value")

    def _no_scalar(self, *args):
        raise Untraceable("the function converts a value to a Python number")

    __float__ = __int__ = __index__ = __complex__ = __round__ = _no_scalar
    __len__ = __iter__ = __getitem__ = __array__ = _no_scalar

    @property
    def real(self):
        return self.trace.part(self, "real")

    @property
    def imag(self):
        return self.trace.part(self, "imag")

    def conjugate(self):
        return self.trace.ufunc("conjugate", (self,))

    def conj(self):
        if self.weak:               # Python scalars have conjugate() only
            raise Untraceable("conj() of a Python scalar")
        return self.conjugate()

    def astype(self, dtype, *args, **kwargs):
        if self.weak:
            raise Untraceable("astype() of a Python scalar")
        if args or kwargs:
            raise Untraceable("astype with options")
        dt = numpy.dtype(dtype)
        if not is_supported(dt):
            raise Untraceable(f"astype to {dt}")
        return self.trace.cast(self, dt)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy ufuncs (NEP 13) and cuarray ufuncs that defer to their operands."""
        if method != "__call__" or any(v is not None for v in kwargs.values()):
            raise Untraceable(f"ufunc.{method} or ufunc keywords")
        return self.trace.ufunc(ufunc.__name__, inputs)

    def __cuarray_ufunc__(self, ufunc, inputs, kwargs):
        """A cuarray ufunc called on a tracer (the tracing hook of ``cuarray.ufunc``)."""
        return self.__array_ufunc__(ufunc, "__call__", *inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func is numpy.where and len(args) == 3 and not kwargs:
            return self.trace.where(*args)
        raise Untraceable(f"numpy.{getattr(func, '__name__', func)}")


# -- C++ --------------------------------------------------------------------------------------
def _ctype_of(dt) -> str:
    from .elementwise import cvalue_type
    return cvalue_type(dt)


def kernel_body(trace: Trace, results, otypes, n_args: int) -> tuple[str, str]:
    """(body, preamble) of the kernel computing ``results`` (refs or constants) cast to
    ``otypes``.  Kernel inputs: the ``n_args`` arguments, then ``trace.consts``."""
    from .._ufunc import namespace
    from .elementwise import HALF_ROUND, cconvert
    dtypes = list(trace.inputs)
    helpers, preambles = [], []
    lines = []
    values = {}             # ref -> (C++ expression, dtype)
    for k, dt in enumerate(dtypes):
        values[("in", k)] = (f"in{k}", dt)
    for j, c in enumerate(trace.consts):
        values[("c", j)] = (f"in{n_args + j}", c.dtype)
    every = set(dtypes) | {c.dtype for c in trace.consts} | set(otypes)
    for i, (kind, name, refs, ins, outs) in enumerate(trace.ops):
        every |= set(ins) | set(outs)
        args = [cconvert(values[r][0], values[r][1], d) for r, d in zip(refs, ins)]
        names = [f"vf_{i}_{k}" for k in range(len(outs))]
        decl = " ".join(f"{_ctype_of(d)} {n};" for n, d in zip(names, outs))
        if kind == "ufunc":
            spec = getattr(namespace, name)._spec
            if spec.preamble and spec.preamble not in preambles:
                preambles.append(spec.preamble)
            helpers.append(_helper(i, spec.body_for(ins[0]), ins, outs))
            lines.append(f"{decl} cuarray_vf::op{i}({', '.join(args + names)});")
        elif kind == "cast":
            lines.append(f"{decl} {names[0]} = {cconvert(args[0], ins[0], outs[0])};")
        elif kind == "part":
            src = args[0]
            expr = (f"({src}).{'re' if name == 'real' else 'im'}" if ins[0].kind == "c" else
                    (src if name == "real" else f"({_ctype_of(outs[0])})0"))
            lines.append(f"{decl} {names[0]} = {expr};")
        else:   # where
            lines.append(f"{decl} {names[0]} = {args[0]} ? {args[1]} : {args[2]};")
        for n, d in zip(names, outs):
            if d == _HALF:      # NumPy stores each float16 result as half
                lines.append(f"{n} = cuarray_rt::rh({n});")
        for k, (n, d) in enumerate(zip(names, outs)):
            values[("op", i, k)] = (n, d)
    for k, (ref, dt) in enumerate(zip(results, otypes)):
        expr, src = values[ref]
        lines.append(f"out{k} = {cconvert(expr, src, dt)};")
    pre = ""
    if any(d.kind == "c" for d in every):
        pre += "#include <cuarray/complex.cuh>\n"
    if _HALF in every:
        pre += HALF_ROUND
    pre += "\n".join(preambles) + "\nnamespace cuarray_vf {\n" + "\n".join(helpers) + "}\n"
    return "\n".join(lines), pre


def _helper(i: int, body: str, ins, outs) -> str:
    """A device function running one ufunc body (its ``in0``.. and ``out0``.. names)."""
    params = [f"const {_ctype_of(d)} in{k}" for k, d in enumerate(ins)]
    params += [f"{_ctype_of(d)}& out{k}" for k, d in enumerate(outs)]
    typedefs = "".join(f"  typedef {_ctype_of(d)} in{k}_type;\n" for k, d in enumerate(ins))
    typedefs += "".join(f"  typedef {_ctype_of(d)} out{k}_type;\n" for k, d in enumerate(outs))
    return (f"__device__ __forceinline__ void op{i}({', '.join(params)}) {{\n{typedefs}"
            f"  {body.strip().rstrip(';')};\n}}\n")


def kernel_name(pyfunc) -> str:
    """``vectorize_<function name>`` as a C identifier."""
    name = re.sub(r"\W", "_", getattr(pyfunc, "__name__", "") or "")
    return f"vectorize_{name}"[:48]


def compute_of(dt: numpy.dtype) -> numpy.dtype:
    return COMPUTE.get(dt, dt)
