"""Inputs shared by the linalg tests: dtypes, tolerances, layouts, random matrices.

Loaded by file path (tests are not a package): see the top of test_decompositions.py.
"""

import numpy

FLOATS = ["float32", "float64", "complex64", "complex128"]
TOL = {"float32": 2e-4, "complex64": 2e-4, "float64": 1e-10, "complex128": 1e-10,
       "default": 1e-10}
LAYOUTS = ["C", "F", "transposed", "negative_stride", "sliced"]


def place(xp, host, layout="C"):
    """``host`` on ``xp`` with the memory layout ``layout`` (same values)."""
    host = numpy.asarray(host)
    if layout == "C" or host.ndim < 2:
        return xp.asarray(numpy.array(host, order="C"))     # (0-d stays 0-d)
    if layout == "F":
        return xp.asarray(numpy.asfortranarray(host))
    if layout == "transposed":
        return xp.asarray(numpy.ascontiguousarray(numpy.swapaxes(host, -1, -2))).swapaxes(-1, -2)
    if layout == "negative_stride":
        rev = (Ellipsis, slice(None, None, -1), slice(None, None, -1))
        return xp.asarray(numpy.ascontiguousarray(host[rev]))[rev]
    if layout == "sliced":
        big = numpy.full(host.shape[:-2] + (2 * host.shape[-2], 2 * host.shape[-1]), 99,
                         host.dtype)
        big[..., ::2, ::2] = host
        return xp.asarray(big)[..., ::2, ::2]
    raise ValueError(layout)


def general(shape, dtype, seed=0):
    rng = numpy.random.default_rng(seed)
    dt = numpy.dtype(dtype)
    if dt.kind in "iub":
        return rng.integers(0 if dt.kind in "ub" else -5, 2 if dt.kind == "b" else 6,
                            shape).astype(dt)
    x = rng.uniform(-1, 1, shape)
    if dt.kind == "c":
        x = x + 1j * rng.uniform(-1, 1, shape)
    return x.astype(dt)
