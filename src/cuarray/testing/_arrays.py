"""Deterministic test inputs: random arrays in every memory layout, standard shapes.

Values are always drawn on the host with NumPy's Generator, so a test body
run once with ``xp=numpy`` and once with ``xp=cuarray`` sees the same inputs.
Layouts are then made with NumPy-compatible view operations (``.T``,
``swapaxes``, slicing, ``broadcast_to``) on the `xp` array itself, so the
device array really has the strides under test instead of a contiguous copy.
"""

import math

import numpy

# Shapes every routine should survive: 0-d, empty, empty with a non-empty
# axis, length 1 (broadcastable), and 1-3 dimensions.
SHAPES = [(), (0,), (3, 0), (1,), (5,), (2, 3), (2, 3, 4)]

# Pairs of shapes that broadcast (numpy.broadcast_shapes accepts each pair),
# covering 0-d, stretched 1s on either side, rank extension and empty results.
BROADCAST_PAIRS = [
    ((), (3,)),
    ((3,), ()),
    ((1,), (5,)),
    ((5,), (1,)),
    ((2, 3), (3,)),
    ((3,), (2, 3)),
    ((2, 1), (1, 3)),
    ((2, 3, 4), (3, 1)),
    ((1, 3, 1), (2, 1, 4)),
    ((3, 0), (1,)),
    ((0,), (3, 1)),
]

# C: C-contiguous.  F: Fortran-contiguous.  transposed: last two axes
# swapped (neither C nor F from 3-d on).  negative_stride: every axis
# reversed.  sliced: a step-2 view of an array twice as large on every axis.
# broadcast: axis 0 has stride 0 (values repeat along it; read-only in NumPy).
# 0-d arrays are C in every layout; 1-d arrays are C for F and transposed.
LAYOUTS = ("C", "F", "transposed", "negative_stride", "sliced", "broadcast")

# Integer inputs stay within +-sqrt(max) so that a + b and a * b of two
# inputs never overflow, capped to keep large types readable in messages.
_INT_BOUND_CAP = 1000
_FLOAT_RANGE = (-10.0, 10.0)


def _default_range(dtype):
    if dtype.kind == "b":
        return (0, 2)
    if dtype.kind in "iu":
        bound = min(math.isqrt(int(numpy.iinfo(dtype).max)), _INT_BOUND_CAP)
        return (0 if dtype.kind == "u" else -bound, bound + 1)
    return _FLOAT_RANGE


def _fill_value(dtype, low, high):
    # A nonzero value inside [low, high) to replace zeros with.
    if dtype.kind == "b":
        return True
    candidates = (1, -1, high - 1, low) if dtype.kind in "iu" else (
        1.0, -1.0, (low + high) / 2, low)
    for c in candidates:
        if c != 0 and low <= c < high:
            return c
    raise ValueError(f"no nonzero {dtype.name} value in [{low}, {high})")


def _draw(rng, shape, dtype, low, high):
    if dtype.kind == "b":
        return rng.integers(0, 2, size=shape).astype(dtype)
    if dtype.kind in "iu":
        return rng.integers(low, high, size=shape, dtype=dtype)
    if dtype.kind == "f":
        return rng.uniform(low, high, size=shape).astype(dtype)
    if dtype.kind == "c":
        real = rng.uniform(low, high, size=shape)
        imag = rng.uniform(low, high, size=shape)
        return (real + 1j * imag).astype(dtype)
    raise TypeError(f"random_array does not support dtype {dtype.name}")


def _move(xp, host):
    # A fresh, writeable, owned array on xp's side, C-ordered like `host`.
    if xp is numpy:
        return host.copy()
    return xp.asarray(host)


def _broadcast_base_shape(shape):
    return (1,) + tuple(shape[1:]) if shape else ()


def _place(xp, values, layout, filler=None):
    """Return `values` on `xp` with memory layout `layout` (same logical values)."""
    nd = values.ndim
    if layout == "C" or nd == 0:
        return _move(xp, values)
    if layout == "F":
        return _move(xp, numpy.ascontiguousarray(values.T)).T
    if layout == "transposed":
        if nd < 2:
            return _move(xp, values)
        swapped = numpy.ascontiguousarray(numpy.swapaxes(values, -1, -2))
        return xp.swapaxes(_move(xp, swapped), -1, -2)
    if layout == "negative_stride":
        rev = (slice(None, None, -1),) * nd
        return _move(xp, numpy.ascontiguousarray(values[rev]))[rev]
    if layout == "sliced":
        step = (slice(None, None, 2),) * nd
        big = numpy.empty(tuple(2 * n for n in values.shape), values.dtype)
        # The gaps hold other values so that a kernel reading them is caught.
        big[...] = 0 if filler is None else filler
        big[step] = values
        return _move(xp, big)[step]
    if layout == "broadcast":
        base = numpy.ascontiguousarray(values[:1])
        return xp.broadcast_to(_move(xp, base), values.shape)
    raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")


def random_array(xp, shape, dtype, *, seed=None, low=None, high=None,
                 layout="C", nonzero=False):
    """Return a random `xp` array, identical for every `xp` given the same arguments.

    Values lie in [`low`, `high`) (per-dtype defaults; ignored for bool).
    `seed` None means 0: pass different seeds for different inputs of one
    test.  `nonzero` replaces zeros (all False for bool) with a nonzero value.
    `layout` is one of LAYOUTS; "broadcast" values repeat along axis 0.
    """
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    dtype = numpy.dtype(dtype)
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    default_low, default_high = _default_range(dtype)
    low = default_low if low is None or dtype.kind == "b" else low
    high = default_high if high is None or dtype.kind == "b" else high
    rng = numpy.random.default_rng(0 if seed is None else seed)
    draw_shape = _broadcast_base_shape(shape) if layout == "broadcast" else shape
    values = _draw(rng, draw_shape, dtype, low, high)
    if nonzero:
        values[values == 0] = _fill_value(dtype, low, high)
    if layout == "broadcast":
        values = numpy.broadcast_to(values, shape)
    filler = None
    if layout == "sliced":
        filler = _draw(rng, tuple(2 * n for n in shape), dtype, low, high)
    return _place(xp, values, layout, filler)


def shaped_arange(shape, xp=numpy, dtype="float32", order="C"):
    """Return ``1, 2, ...`` in C order reshaped to `shape` on `xp`, as `dtype`.

    Integers wrap within ``[1, max]``; bool alternates False, True; complex
    has imaginary part ``size + 1 - real``.  `order` is "C" or "F" (memory).
    """
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    dtype = numpy.dtype(dtype)
    if order not in ("C", "F"):
        raise ValueError(f"order must be 'C' or 'F', not {order!r}")
    size = math.prod(shape)
    a = numpy.arange(1, size + 1, dtype=numpy.int64)
    if dtype.kind == "b":
        values = a % 2 == 0
    elif dtype.kind in "iu":
        values = (a - 1) % min(int(numpy.iinfo(dtype).max), 2**62) + 1
    elif dtype.kind == "c":
        values = a + 1j * (size + 1 - a)
    else:
        values = a
    return _place(xp, values.astype(dtype).reshape(shape), order)
