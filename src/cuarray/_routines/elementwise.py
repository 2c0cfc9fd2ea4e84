"""The call path shared by the elementwise routines that are not ufuncs (clip, where, isclose...).

A routine decides its loop dtypes on the host, asking NumPy (a ufunc's
``resolve_dtypes``, ``result_type``), picks a kernel body for them and hands both
to :func:`apply`, which does around the kernel what a ufunc call does:
broadcasting, scalars passed to the kernel by value, ``out=`` (shape and casting
checks), inputs that overlap ``out``, and NumPy's output layout.

Routines are split into a *plan* (dtypes -> kernel and loop dtypes, pure host
code that CI can check and compile with NVRTC) and the launch through ``apply``.
"""

from __future__ import annotations

import numpy

from .._core.dtypes import COMPUTE, ctype, is_supported
from .._core.ndarray import _empty, ndarray
from .._engine import elementwise as _ew
from .._ufunc.ufunc import _detach_overlaps, _out_order

_PY_WEAK = (int, float, complex)
_BOOL = numpy.dtype(bool)
_HALF = numpy.dtype("float16")
_ops: dict = {}
_resolved: dict = {}

#: A device helper that rounds a float to the nearest half and back: NumPy's float16 loops
#: compute in float32 and store half, so a multi-step float16 formula rounds between steps.
HALF_ROUND = """#include <cuda_fp16.h>
#ifndef CUARRAY_RT_HALF_ROUND
#define CUARRAY_RT_HALF_ROUND
namespace cuarray_rt {
__device__ __forceinline__ float rh(float v) { return __half2float(__float2half(v)); }
__device__ __forceinline__ float rh(double v) { return __half2float(__double2half(v)); }
}
#endif
"""


class Plan:
    """A kernel and the loop dtypes it runs with: what a routine resolved, before any launch."""

    __slots__ = ("op", "in_dtypes", "out_dtype", "ufunc_name")

    def __init__(self, op, in_dtypes, out_dtype, ufunc_name):
        self.op, self.in_dtypes, self.out_dtype = op, tuple(in_dtypes), numpy.dtype(out_dtype)
        self.ufunc_name = ufunc_name

    def __repr__(self):
        return f"Plan({self.op.name!r}, {self.in_dtypes}, {self.out_dtype})"


def kernel_op(name: str, body: str, nin: int, preamble: str = "") -> _ew.ElementwiseOp:
    """The engine op for ``body`` (one per distinct text, so kernels are cached by it)."""
    key = (name, body, nin, preamble)
    op = _ops.get(key)
    if op is None:
        op = _ops[key] = _ew.ElementwiseOp(name, body, nin, 1, preamble)
    return op


# -- operands ----------------------------------------------------------------------------------
def check_operand(x, fname: str) -> None:
    """Device arrays and Python/NumPy scalars only: a host array would be a silent copy."""
    if isinstance(x, ndarray) or type(x) in (bool, int, float, complex):
        return
    if isinstance(x, numpy.generic):
        if not is_supported(x.dtype):
            raise TypeError(f"{fname}: cuarray does not support dtype {x.dtype}")
        return
    if isinstance(x, numpy.ndarray):
        raise TypeError(f"{fname}: unsupported type numpy.ndarray; cuarray does not copy host "
                        "arrays implicitly, convert with cuarray.asarray() first")
    raise TypeError(f"{fname}: unsupported type {type(x).__name__}")


def as_operand(x, fname: str):
    """NumPy's ``asanyarray`` for a routine's main argument: device arrays as they are,
    scalars as NumPy scalars of the dtype NumPy would give them (strong, not NEP 50 weak)."""
    if isinstance(x, ndarray):
        return x
    check_operand(x, fname)
    s = numpy.asarray(x)[()]
    if not is_supported(s.dtype):
        raise TypeError(f"{fname}: cuarray does not support dtype {s.dtype}")
    return s


def key_of(x, fname: str):
    """A ufunc operand as NumPy's type resolution sees it: a dtype, or the Python type of a
    weak scalar (NEP 50).  A Python bool is numpy.bool_, as in NumPy."""
    if isinstance(x, ndarray):
        return x.dtype
    t = type(x)
    if t in _PY_WEAK:
        return t
    if t is bool:
        return _BOOL
    check_operand(x, fname)
    return x.dtype


def resolve(np_ufunc, keys, dtype=None, casting="same_kind"):
    """``np_ufunc``'s loop dtypes for operand keys (see key_of), memoised; TypeError for
    dtypes cuarray lacks."""
    mkey = (np_ufunc, keys, dtype, casting)
    loop = _resolved.get(mkey)
    if loop is None:
        kwargs = {"casting": casting}
        if dtype is not None:
            kwargs["signature"] = (None,) * np_ufunc.nin + (numpy.dtype(dtype),) * np_ufunc.nout
        loop = np_ufunc.resolve_dtypes(tuple(keys) + (None,) * np_ufunc.nout, **kwargs)
        for d in loop:
            if not is_supported(d):
                raise TypeError(f"{np_ufunc.__name__}: the loop for {keys} uses dtype {d}, "
                                "which cuarray does not support")
        _resolved[mkey] = loop
    return loop


def scalar_as(x, dt: numpy.dtype):
    """A scalar operand converted to its loop dtype as a ufunc converts it (NEP 50: a Python
    int out of range raises OverflowError; NumPy scalars cast)."""
    if isinstance(x, numpy.generic):
        return x if x.dtype == dt else x.astype(dt)
    return dt.type(x)


def broadcast_shape(inputs) -> tuple:
    shapes = [x._shape for x in inputs if isinstance(x, ndarray)]
    if not shapes:
        return ()
    first = shapes[0]
    if all(s == first for s in shapes):
        return first
    return numpy.broadcast_shapes(*shapes)


# -- the launch ------------------------------------------------------------------------------
def apply(plan: Plan, inputs, out=None, *, casting="same_kind", order="K"):
    """Run ``plan`` over the broadcast of ``inputs`` (device arrays or scalars); return the
    output (``out`` when given)."""
    shape = broadcast_shape(inputs)
    if out is None:
        res = _empty(shape, plan.out_dtype, _out_order(order, inputs))
    else:
        res = check_out(out, shape, plan.out_dtype, casting, plan.ufunc_name)
        inputs = _detach_overlaps(tuple(inputs), (res,))
    in_compute = tuple(COMPUTE.get(d, d) for d in plan.in_dtypes)
    operands, storage = [], []
    for x, d, c in zip(inputs, plan.in_dtypes, in_compute):
        if isinstance(x, ndarray):
            operands.append(x)
            storage.append(x.dtype)
        else:
            v = scalar_as(x, d)
            operands.append(v if d == c else v.astype(c))
            storage.append(c)
    out_compute = COMPUTE.get(plan.out_dtype, plan.out_dtype)
    _ew.launch(plan.op, operands, tuple(storage), in_compute, [res], (out_compute,))
    return res


def check_out(out, shape, dt, casting, name):
    """NumPy's checks on a ufunc's ``out``: a device array (or a 1-tuple of one) whose shape
    the inputs broadcast to, and a loop output that casts to it under ``casting``."""
    if isinstance(out, tuple):
        if len(out) != 1:
            raise ValueError("The 'out' tuple must have exactly one entry per ufunc output")
        out = out[0]
    if type(out) is not ndarray:
        raise TypeError(f"return arrays must be of ArrayType (cuarray.ndarray), not "
                        f"{type(out).__name__}")
    if out._shape != shape and numpy.broadcast_shapes(shape, out._shape) != out._shape:
        raise ValueError(f"non-broadcastable output operand with shape {out._shape} doesn't "
                         f"match the broadcast shape {shape}")
    if not numpy.can_cast(dt, out.dtype, casting):
        raise TypeError(f"Cannot cast ufunc '{name}' output from {dt!r} to {out.dtype!r} with "
                        f"casting rule '{casting}'")
    return out


# -- C++ helpers for generated bodies -----------------------------------------------------------
def cvalue_type(dt: numpy.dtype) -> str:
    """The C++ type a kernel computes ``dt`` values in (float16 computes as float)."""
    return ctype(COMPUTE.get(dt, dt))


def cconvert(expr: str, src: numpy.dtype, dst: numpy.dtype) -> str:
    """Convert a computed value from loop dtype ``src`` to loop dtype ``dst`` with NumPy's
    cast rules; a float16 destination is rounded to half (uses HALF_ROUND)."""
    if src == dst:
        return expr
    if dst.kind == "b":
        if src.kind == "c":
            return f"((({expr}).re != 0) || (({expr}).im != 0))"
        return f"(({expr}) != 0)"
    if dst.kind == "c":
        return f"{ctype(dst)}({expr})"
    if src.kind == "c":
        expr = f"({expr}).re"
    if dst == _HALF:
        wide = src.itemsize == 8 or src.kind == "c" and src.itemsize == 16
        return f"cuarray_rt::rh(({'double' if wide else 'float'})({expr}))"
    return f"(({cvalue_type(dst)})({expr}))"


def round_to(expr: str, dt: numpy.dtype) -> str:
    """``expr`` (computed in float for a float16 loop) rounded to the loop dtype."""
    return f"cuarray_rt::rh({expr})" if dt == _HALF else expr
