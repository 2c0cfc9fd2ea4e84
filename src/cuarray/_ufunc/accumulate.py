"""``ufunc.accumulate`` (bound onto the ``ufunc`` class on import) and the call path that
cumsum, cumprod and their nan- and cumulative_ variants share.

Phases: ``_check_ufunc`` -> ``_parse_axis`` / ``_parse_out`` -> ``resolve`` (NumPy's
accumulate dtypes, memoised) -> ``_scan_op`` (the ufunc's declared reduction when it is
reorderable, else its body run in order) -> output (NumPy's 'K' layout) -> the scan engine.

How the ufunc scans is data: ``spec.reduce`` (a :class:`Reduction`) gives the associative
``combine`` for its accumulator dtype; a ufunc without one, or whose reduction NumPy does not
reorder (lcm), runs its own body in NumPy's order, one GPU thread per scanned row.
"""

from __future__ import annotations

import operator

import numpy
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from .._core import ndarray as _nd
from .._core.dtypes import is_supported
from .._engine import scan as _scan
from .ufunc import _check_input, _detach_overlaps, _new_output, ufunc

ndarray = _nd.ndarray
_ops: dict = {}


def accumulate(self, array, axis=0, dtype=None, out=None):
    """See numpy.ufunc.accumulate.

    Differences from NumPy:

    - ``array`` must be a cuarray array (NumPy arrays and lists raise TypeError: no implicit
      host transfers).
    - Ufuncs with an associative reduction (add, multiply, maximum, minimum, fmax, fmin, the
      logical and bitwise operations, gcd) scan in parallel: floating-point sums and products
      are rounded in a different order than NumPy's left-to-right loop, so they may differ
      from NumPy's in the last bits (more so for long axes; the parallel order is usually the
      more accurate).  The order is fixed, so the same input gives the same bits every run.
      float16 accumulates in float32 there (NumPy rounds the running value to float16 at
      every step).  Other ufuncs (subtract, divide, power, arctan2, lcm, ...) run NumPy's
      order exactly, one GPU thread per scanned row.
    """
    _check_ufunc(self)
    array = _check_array(array)
    axis = _parse_axis(axis, array.ndim)
    out = _parse_out(out, array._shape)
    return run(self, array, axis, dtype, out)


def _check_ufunc(uf) -> None:
    """NumPy's checks, in NumPy's order (a gufunc first, then the arity)."""
    if getattr(uf, "signature", None) is not None:
        raise RuntimeError("Reduction not defined on ufunc with signature")
    if uf.nin != 2:
        raise ValueError("accumulate only supported for binary functions")
    if uf.nout != 1:
        raise ValueError("accumulate only supported for functions returning a single value")


def _check_array(array):
    if type(array) is ndarray or isinstance(array, ndarray):
        if array.ndim == 0:
            raise TypeError("cannot accumulate on a scalar")
        return array
    if type(array) in (bool, int, float, complex) or isinstance(array, numpy.generic):
        raise TypeError("cannot accumulate on a scalar")
    _check_input(array)
    raise TypeError(f"Unsupported type {type(array).__name__}")


def _parse_axis(axis, ndim: int) -> int:
    """One axis: an int, a 1-tuple, or None for 1-d arrays (NumPy's errors otherwise)."""
    if axis is None:
        axes = tuple(range(ndim))
    elif isinstance(axis, tuple):
        axes = normalize_axis_tuple(axis, ndim)
    else:
        axes = (normalize_axis_index(operator.index(axis), ndim),)
    if len(axes) != 1:
        raise ValueError("accumulate does not allow multiple axes")
    return axes[0]


def _parse_out(out, shape):
    if isinstance(out, tuple):
        if len(out) != 1:
            raise ValueError("The 'out' tuple must have exactly one entry")
        out = out[0]
    if out is None:
        return None
    if not isinstance(out, ndarray):
        raise TypeError(f"return arrays must be of ArrayType (cuarray.ndarray), not "
                        f"{type(out).__name__}")
    if out._shape != shape:
        raise ValueError(f"operands could not be broadcast together with remapped shapes "
                         f"[original->remapped]: {out._shape} {shape}")
    return out


def resolve(uf, in_dtype: numpy.dtype, dtype, out_dtype) -> numpy.dtype:
    """The loop dtype NumPy's accumulate runs: ``dtype=`` pins it; else ``out``'s dtype takes
    part in the promotion (an int32 ``out`` of a float64 input runs the float64 loop and
    casts each element); else NumPy's reduction promotion decides (add and multiply widen
    bool and small integers to the platform integer).  Casts into ``out`` are unsafe, as in
    NumPy.  NumPy's errors (no loop, unequal loop dtypes)."""
    key = ("accumulate", in_dtype, dtype, out_dtype)
    loop = uf._memo.get(key)
    if loop is not None:
        return loop
    kwargs = {"casting": "unsafe"}
    if dtype is not None:
        kwargs["signature"] = (numpy.dtype(dtype), None, None)
    dts = uf._np.resolve_dtypes((out_dtype, in_dtype, None), reduction=True, **kwargs)
    if not dts[0] == dts[1] == dts[2]:
        raise TypeError(f"the resolved dtypes are not compatible with {uf.__name__}.accumulate. "
                        f"Resolved (dtypes or descriptors): {dts}")
    if not is_supported(dts[0]):
        raise TypeError(f"ufunc {uf.__name__!r}: accumulate runs a {dts[0]} loop, which cuarray "
                        "does not support")
    uf._memo[key] = dts[0]
    return dts[0]


def scan_op(uf, loop: numpy.dtype, nan_map: str | None = None) -> _scan.ScanOp:
    """The engine op for ``uf`` on loop dtype ``loop``: its declared reduction's combine when
    NumPy reorders it, else its body in order.  ``nan_map``: an expression of ``x`` applied
    to every loaded element (the nancum* routines)."""
    key = (uf, loop, nan_map)
    op = _ops.get(key)
    if op is not None:
        return op
    spec = uf._spec
    red = spec.reduce
    combine = red.combine_for(loop) if red is not None and red.reorderable else None
    name = uf.__name__ + ("_nan" if nan_map else "")
    if combine is not None:
        op = _scan.ScanOp(name, combine=combine, preamble=spec.preamble, map=nan_map)
    else:
        body = spec.body_for(loop)
        if body is None:
            raise TypeError(f"ufunc {uf.__name__!r} has no cuarray loop for {loop}")
        op = _scan.ScanOp(name, body=body, preamble=spec.preamble, map=nan_map)
    _ops[key] = op
    return op


def run(uf, array, axis: int, dtype, out, nan_map: str | None = None):
    """Accumulate ``array`` (ndim >= 1, checked) along ``axis`` into ``out`` (checked, or
    None for a new array laid out as NumPy's); returns the result."""
    loop = resolve(uf, array.dtype, dtype, None if out is None else out.dtype)
    op = scan_op(uf, loop, nan_map)
    if out is None:
        out = _new_output(array._shape, loop, "K", (array,))
    else:
        array = _detach_overlaps((array,), (out,))[0]
    _scan.scan(op, array, out, axis, loop)
    return out


ufunc.accumulate = accumulate
