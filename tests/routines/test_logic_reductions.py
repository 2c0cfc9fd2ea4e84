"""allclose, array_equal and array_equiv against NumPy (GPU).

NumPy returns Python bools from these; ``numpy_compare`` checks the result type too.
Inputs: every dtype, shapes incl. 0-d and empty, broadcasting, non-contiguous
layouts, NaN/inf, mixed dtypes and host operands beside device arrays.  The
host-only paths (answered by NumPy, no GPU needed) are tested in
test_differences_cpu.py.
"""

import numpy as np
import pytest

import cuarray
from cuarray import testing

pytestmark = pytest.mark.gpu

SHAPES = [(), (0,), (3, 0), (1,), (5,), (2, 3), (2, 3, 4)]
LAYOUTS = testing.LAYOUTS


def _with_nan(xp, shape, dtype, seed):
    """Random values with NaN and inf in fixed places (inexact dtypes)."""
    v = testing.random_array(np, shape, dtype, seed=seed)
    if v.size and np.dtype(dtype).kind in "fc":
        flat = v.reshape(-1)
        flat[:: 3] = np.nan
        flat[1:: 5] = np.inf
    return xp.asarray(v)


# =================================================================================================
# allclose
# =================================================================================================
@testing.for_all_dtypes()
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("change", ["same", "tiny", "large"])
@testing.numpy_compare()
def test_allclose(xp, dtype, shape, change):
    a = testing.random_array(xp, shape, dtype, seed=1)
    b = a
    if change == "tiny" and np.dtype(dtype).kind in "fc":
        b = a * (1 + 1e-7)
    elif change == "large":
        b = testing.random_array(xp, shape, dtype, seed=2)
    return xp.allclose(a, b), xp.allclose(b, a, rtol=0.5, atol=2)


@testing.for_inexact_dtypes()
@pytest.mark.parametrize("equal_nan", [False, True])
@testing.numpy_compare()
def test_allclose_nan_inf(xp, dtype, equal_nan):
    a = _with_nan(xp, (4, 5), dtype, seed=3)
    b = _with_nan(xp, (4, 5), dtype, seed=3)
    c = _with_nan(xp, (4, 5), dtype, seed=4)
    return (xp.allclose(a, b, equal_nan=equal_nan), xp.allclose(a, c, equal_nan=equal_nan),
            xp.allclose(a, a, equal_nan=equal_nan))


@testing.for_dtypes(["int8", "float16", "float32", "complex64"])
@pytest.mark.parametrize("layout", LAYOUTS)
@testing.numpy_compare()
def test_allclose_layouts(xp, dtype, layout):
    a = testing.random_array(xp, (3, 4, 5), dtype, seed=5, layout=layout)
    b = testing.random_array(xp, (3, 4, 5), dtype, seed=5)
    return xp.allclose(a, b), xp.allclose(a, b + 1)


@pytest.mark.parametrize("shapes", testing.BROADCAST_PAIRS)
@testing.numpy_compare()
def test_allclose_broadcasts(xp, shapes):
    a = testing.random_array(xp, shapes[0], "float32", seed=6)
    b = testing.random_array(xp, shapes[1], "float64", seed=7)
    return xp.allclose(a, b, atol=20.0), xp.allclose(a, b)


@testing.numpy_compare()
def test_allclose_scalars_and_tolerances(xp):
    a = testing.random_array(xp, (6,), "float64", seed=8)
    return (xp.allclose(a, 3.0, atol=20), xp.allclose(a, 3, rtol=0.0, atol=0.0),
            xp.allclose(xp.asarray(np.array([1e10, 1e-7])), xp.asarray(np.array([1.00001e10,
                                                                              1e-8]))),
            xp.allclose(xp.asarray(np.array([1e-8, 1e-7])), xp.asarray(np.array([0.0, 0.0]))))


@testing.numpy_compare(accept_error=ValueError)
def test_allclose_shape_mismatch_raises(xp):
    return xp.allclose(xp.ones(3), xp.ones(4))


# =================================================================================================
# array_equal
# =================================================================================================
@testing.for_all_dtypes()
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("equal_nan", [False, True])
@testing.numpy_compare()
def test_array_equal(xp, dtype, shape, equal_nan):
    a = testing.random_array(xp, shape, dtype, seed=1)
    b = testing.random_array(xp, shape, dtype, seed=1)
    c = testing.random_array(xp, shape, dtype, seed=2)
    return (xp.array_equal(a, b, equal_nan=equal_nan), xp.array_equal(a, c, equal_nan=equal_nan),
            xp.array_equal(a, a, equal_nan=equal_nan))


@testing.for_inexact_dtypes()
@pytest.mark.parametrize("equal_nan", [False, True])
@testing.numpy_compare()
def test_array_equal_nan(xp, dtype, equal_nan):
    a = _with_nan(xp, (4, 5), dtype, seed=3)
    b = _with_nan(xp, (4, 5), dtype, seed=3)
    c = _with_nan(xp, (5, 4), dtype, seed=3).T      # NaNs elsewhere
    return (xp.array_equal(a, b, equal_nan=equal_nan), xp.array_equal(a, c, equal_nan=equal_nan),
            xp.array_equal(a, a, equal_nan=equal_nan))


@testing.for_complex_dtypes()
@testing.numpy_compare()
def test_array_equal_complex_nan_parts(xp, dtype):
    # NumPy: a complex value is NaN when either part is; such values match each other.
    a = xp.asarray(np.array([complex(np.nan, 1), 2, complex(3, np.nan)], dtype))
    b = xp.asarray(np.array([complex(np.nan, 5), 2, complex(np.nan, 0)], dtype))
    return xp.array_equal(a, b, equal_nan=True), xp.array_equal(a, b)


@testing.for_dtypes(["bool", "int8", "uint64", "float16", "float64", "complex128"])
@testing.for_dtypes(["int64", "float32", "complex64"], name="dtype2")
@testing.numpy_compare()
def test_array_equal_mixed_dtypes(xp, dtype, dtype2):
    a = testing.random_array(xp, (3, 4), dtype, seed=4)
    return (xp.array_equal(a, a.astype(dtype2)), xp.array_equal(a, a.astype(dtype2) + 1),
            xp.array_equal(a, a.astype(dtype2), equal_nan=True))


@testing.for_dtypes(["int16", "float32", "complex64"])
@pytest.mark.parametrize("layout", LAYOUTS)
@testing.numpy_compare()
def test_array_equal_layouts(xp, dtype, layout):
    a = testing.random_array(xp, (3, 4, 5), dtype, seed=5, layout=layout)
    b = testing.random_array(xp, (3, 4, 5), dtype, seed=5)
    return xp.array_equal(a, b), xp.array_equal(b, a, equal_nan=True)


@testing.numpy_compare()
def test_array_equal_shapes_and_host_operands(xp):
    a = testing.random_array(xp, (2, 3), "int32", seed=6)
    host = testing.random_array(np, (2, 3), "int32", seed=6)
    return (xp.array_equal(a, a.reshape(3, 2)), xp.array_equal(a, a[None]),
            xp.array_equal(a, host.tolist()), xp.array_equal(host, a),
            xp.array_equal(a[0, 0], int(host[0, 0])), xp.array_equal(a, [[1, 2], [3]]))


# =================================================================================================
# array_equiv
# =================================================================================================
@testing.for_all_dtypes()
@pytest.mark.parametrize("shapes", testing.BROADCAST_PAIRS)
@testing.numpy_compare()
def test_array_equiv_broadcasts(xp, dtype, shapes):
    a = testing.random_array(xp, shapes[0], dtype, seed=1)
    b = testing.random_array(xp, shapes[1], dtype, seed=1)
    return xp.array_equiv(a, b), xp.array_equiv(a, a), xp.array_equiv(a, xp.zeros((7, 9)))


@testing.for_all_dtypes()
@pytest.mark.parametrize("layout", LAYOUTS)
@testing.numpy_compare()
def test_array_equiv_repeated_rows(xp, dtype, layout):
    row = testing.random_array(xp, (5,), dtype, seed=2)
    rows = xp.broadcast_to(row, (4, 5))
    table = testing.random_array(xp, (4, 5), dtype, seed=3, layout=layout)
    return xp.array_equiv(row, rows), xp.array_equiv(rows, row), xp.array_equiv(row, table)


@testing.for_inexact_dtypes()
@testing.numpy_compare()
def test_array_equiv_nan(xp, dtype):
    a = _with_nan(xp, (3, 4), dtype, seed=4)
    return xp.array_equiv(a, a), xp.array_equiv(a[:1], a[:1] + 0)


@testing.numpy_compare()
def test_array_equiv_scalars_and_host_operands(xp):
    a = xp.asarray(np.array([[2, 2], [2, 2]], np.int8))
    return (xp.array_equiv(a, 2), xp.array_equiv(2.0, a), xp.array_equiv(a, [2, 2]),
            xp.array_equiv(a, [2, 2, 2]), xp.array_equiv(a, np.array([2, 3])))


def test_results_are_python_bools():
    a = testing.random_array(cuarray, (3,), "float32")
    for r in (cuarray.allclose(a, a), cuarray.array_equal(a, a), cuarray.array_equiv(a, a)):
        assert type(r) is bool and r
