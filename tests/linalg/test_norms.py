"""norm (every ord, axis and keepdims), vector_norm, matrix_norm and cond against NumPy.

Each body runs on the GPU where one is usable, else on the host emulation of
tests/linalg/conftest.py (the ``backend`` fixture).  Sums of squares run in another
order than NumPy's dot, so values compare with tolerances; float16 (which NumPy's norm
accepts wherever no SVD is needed) accumulates in float32.
"""

import math

import numpy
import pytest

from cuarray import testing

LinAlgError = numpy.linalg.LinAlgError
TOL = {"float16": 5e-3, "float32": 2e-5, "complex64": 2e-5, "float64": 1e-12,
       "complex128": 1e-12, "default": 1e-12}
INF = math.inf
VECTOR_ORDS = [None, 2, 1, 0, INF, -INF, -1, -2, 3, 0.5, "fro", "nuc"]
MATRIX_ORDS = [None, "fro", "f", "nuc", 1, -1, 2, -2, INF, -INF, 3, "bogus"]


def place(xp, host, layout="C"):
    host = numpy.asarray(host)
    if layout == "C" or host.ndim < 2:
        return xp.asarray(numpy.array(host, order="C"))     # (0-d stays 0-d)
    if layout == "F":
        return xp.asarray(numpy.asfortranarray(host))
    if layout == "negative_stride":
        rev = (slice(None, None, -1),) * host.ndim
        return xp.asarray(numpy.ascontiguousarray(host[rev]))[rev]
    if layout == "transposed":
        return xp.asarray(numpy.ascontiguousarray(numpy.swapaxes(host, -1, -2))).swapaxes(-1, -2)
    raise ValueError(layout)


def values(shape, dtype, seed=0):
    rng = numpy.random.default_rng(seed)
    dt = numpy.dtype(dtype)
    if dt.kind in "iub":
        return rng.integers(0 if dt.kind in "ub" else -5, 2 if dt.kind == "b" else 6,
                            shape).astype(dt)
    x = rng.uniform(-2, 2, shape)
    if dt.kind == "c":
        x = x + 1j * rng.uniform(-2, 2, shape)
    return x.astype(dt)


@pytest.mark.parametrize("shape", [(), (0,), (5,), (1,), (3, 0), (4, 5), (2, 3, 4)])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64", "complex128",
                                   "int32", "uint8", "bool"])
@pytest.mark.parametrize("keepdims", [False, True])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_norm_default(xp, backend, shape, dtype, keepdims):
    """ord=None, axis=None: the 2-norm of the flattened array, any dimension."""
    return xp.linalg.norm(place(xp, values(shape, dtype)), keepdims=keepdims)


@pytest.mark.parametrize("shape,axis", [((7,), None), ((7,), 0), ((4, 5), 1), ((4, 5), -2),
                                        ((2, 3, 4), 1), ((2, 3, 4), (2,)), ((3, 0), 1),
                                        ((3, 0), 0), ((0,), 0)])
@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex128", "int64"])
@testing.numpy_compare(rtol=TOL, atol=TOL, accept_error=ValueError)
def test_norm_vector_ords(xp, backend, shape, axis, ord, dtype):
    if axis is None and len(shape) != 1:
        pytest.skip("vector norms of 1-d arrays only without axis")
    x = place(xp, values(shape, dtype))
    with numpy.errstate(divide="ignore"):
        return (xp.linalg.norm(x, ord=ord, axis=axis),
                xp.linalg.norm(x, ord=ord, axis=axis, keepdims=True))


@pytest.mark.parametrize("shape,axis", [((4, 5), None), ((4, 5), (0, 1)), ((4, 5), (1, 0)),
                                        ((2, 3, 4), (0, 2)), ((2, 3, 4), (-1, -3)),
                                        ((2, 3, 4), (2, 1)), ((3, 0), None), ((2, 0, 3), (0, 2)),
                                        ((40, 35), None)])
@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128", "int16",
                                   "float16"])
@testing.numpy_compare(rtol=TOL, atol=TOL, accept_error=(ValueError, TypeError))
def test_norm_matrix_ords(xp, backend, shape, axis, ord, dtype):
    """The spectral and nuclear norms take the singular values (float16 raises there,
    as in NumPy); the others are sums and extrema of absolute values."""
    x = place(xp, values(shape, dtype))
    return (xp.linalg.norm(x, ord=ord, axis=axis),
            xp.linalg.norm(x, ord=ord, axis=axis, keepdims=True))


@pytest.mark.parametrize("layout", ["F", "negative_stride", "transposed"])
@pytest.mark.parametrize("ord", [None, 1, 2, "nuc", INF])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_norm_layouts(xp, backend, layout, ord):
    x = place(xp, values((3, 4, 5), "float64"), layout)
    return xp.linalg.norm(x, ord=ord, axis=(1, 2)), xp.linalg.norm(x[0], ord=ord)


@pytest.mark.parametrize("axis", [(0, 0), (0, 1, 2), "x", 1.5])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_norm_bad_axes(xp, backend, axis):
    return xp.linalg.norm(place(xp, values((2, 3, 4), "float64")), axis=axis)


@pytest.mark.parametrize("axis", [None, 1, -1, (0, 2), (2, 0), (0, 1, 2)])
@pytest.mark.parametrize("ord", [2, 1, INF, -INF, 0, 3])
@pytest.mark.parametrize("keepdims", [False, True])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_vector_norm(xp, backend, axis, ord, keepdims):
    x = place(xp, values((2, 3, 4), "complex128"))
    return xp.linalg.vector_norm(x, axis=axis, ord=ord, keepdims=keepdims)


@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, INF, -INF])
@pytest.mark.parametrize("keepdims", [False, True])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_matrix_norm(xp, backend, ord, keepdims):
    x = place(xp, values((2, 4, 3), "float32"))
    return xp.linalg.matrix_norm(x, ord=ord, keepdims=keepdims)


@pytest.mark.parametrize("shape", [(4, 4), (3, 5, 5), (4, 6), (6, 4), (40, 40)])
@pytest.mark.parametrize("p", [None, 2, -2, 1, -1, INF, -INF, "fro", "nuc"])
@pytest.mark.parametrize("dtype", ["float64", "complex128", "float32", "int32"])
@testing.numpy_compare(rtol={"float32": 1e-3, "default": 1e-9},
                       atol={"float32": 1e-3, "default": 1e-9}, accept_error=LinAlgError)
def test_cond(xp, backend, shape, p, dtype):
    x = values(shape, dtype)
    if numpy.dtype(dtype).kind in "iu" and shape[-1] == shape[-2]:
        x = x + 10 * numpy.eye(shape[-1], dtype=x.dtype)       # keep integer input regular
    return xp.linalg.cond(place(xp, x), p)


@pytest.mark.parametrize("p", [None, 1, "fro", INF, -2])
@testing.numpy_compare(rtol=1e-6, atol=0, accept_error=LinAlgError)
def test_cond_singular_and_nan(xp, backend, p):
    """A singular matrix is infinitely ill-conditioned; NaN input stays NaN (or, through
    the SVD, does not converge)."""
    host = numpy.stack([numpy.array([[1.0, 2.0], [2.0, 4.0]]), numpy.eye(2),
                        numpy.array([[numpy.nan, 0.0], [0.0, 1.0]])])
    with numpy.errstate(all="ignore"):
        return xp.linalg.cond(place(xp, host), p)


@pytest.mark.parametrize("shape", [(0, 0), (3, 0), (2, 0, 3)])
@testing.numpy_compare(accept_error=LinAlgError)
def test_cond_empty(xp, backend, shape):
    return xp.linalg.cond(place(xp, numpy.zeros(shape)))
