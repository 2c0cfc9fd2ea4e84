"""The indexing routines (NumPy reference: "Indexing routines") against NumPy."""

import numpy as np
import pytest

import cuarray
from cuarray import testing

pytestmark = pytest.mark.gpu


def _idx(xp, host, form):
    """An index argument as a device array, a NumPy array or a list."""
    host = np.asarray(host)
    if form == "device":
        return xp.asarray(host)
    return host if form == "numpy" else host.tolist()


# -- take ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, axis", [((5,), None), ((5,), 0), ((3, 4), 1), ((3, 4), -2),
                                         ((2, 3, 4), 1), ((2, 3, 4), None), ((), None),
                                         ((3, 0), 0), ((0, 3), 1)])
@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
@pytest.mark.parametrize("form", ["device", "numpy", "list"])
@testing.numpy_compare(accept_error=IndexError)
def test_take(xp, shape, axis, mode, form):
    a = testing.random_array(xp, shape, "float32", seed=1, layout="transposed")
    n = a.size if axis is None else a.shape[axis]
    lo, hi = (-n, n) if mode == "raise" else (-2 * n - 3, 2 * n + 3)
    host = np.random.default_rng(2).integers(lo, max(hi, lo + 1), size=(2, 3))
    if mode == "raise" and n == 0:
        host = host[:0]
    return xp.take(a, _idx(xp, host, form), axis=axis, mode=mode)


@testing.for_all_dtypes()
@testing.numpy_compare()
def test_take_dtypes(xp, dtype):
    a = testing.random_array(xp, (4, 5), dtype, seed=3, layout="negative_stride")
    return xp.take(a, xp.asarray(np.array([[4, 0], [-1, 2]])), axis=1)


@testing.for_int_dtypes(name="idx_dtype")
@testing.numpy_compare()
def test_take_index_dtypes(xp, idx_dtype):
    a = testing.random_array(xp, (7,), "float64", seed=4)
    return xp.take(a, xp.asarray(np.array([6, 0, 3], dtype=idx_dtype)))


@testing.numpy_compare(accept_error=(IndexError, ValueError, TypeError))
@pytest.mark.parametrize("case", ["oob", "neg_oob", "scalar", "bad_mode", "float_array",
                                  "float_list", "empty_axis_wrap", "axis_error", "bool_array"])
def test_take_errors_and_scalars(xp, case):
    a = testing.random_array(xp, (3, 4), "float32", seed=5)
    if case == "oob":
        return xp.take(a, xp.asarray(np.array([0, 4])), axis=1)
    if case == "neg_oob":
        return xp.take(a, [-4], axis=0)
    if case == "scalar":
        return xp.take(a, 2), xp.take(a, xp.asarray(np.array(-1)), axis=0)
    if case == "bad_mode":
        return xp.take(a, [0], mode="foo")
    if case == "float_array":
        return xp.take(a, xp.asarray(np.array([0.0])))
    if case == "float_list":
        return xp.take(a, [0.0, 1.7])
    if case == "empty_axis_wrap":
        return xp.take(xp.zeros((0,)), [0], mode="wrap")
    if case == "axis_error":
        return xp.take(a, [0], axis=2)
    return xp.take(a, xp.asarray(np.array([True, False])))


@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int32"])
@testing.numpy_compare(accept_error=(TypeError, ValueError))
def test_take_out(xp, out_dtype):
    a = testing.random_array(xp, (3, 4), "float32", seed=6)
    out = xp.zeros((3, 2), out_dtype)
    r = xp.take(a, xp.asarray(np.array([3, 1])), axis=1, out=out)
    assert r is out
    bad = xp.zeros((2, 3), "float32")
    with pytest.raises(ValueError):
        xp.take(a, [0], axis=1, out=bad)
    return out


# -- take_along_axis, put_along_axis --------------------------------------------------------------
@pytest.mark.parametrize("ashape, ishape, axis", [
    ((3, 4), (3, 2), 1), ((3, 4), (2, 4), 0), ((3, 4), (1, 2), 1), ((1, 4), (3, 2), 1),
    ((2, 3, 4), (2, 3, 5), -1), ((5,), (7,), None), ((3, 4), (3, 0), 1),
])
@testing.numpy_compare(accept_error=(IndexError, ValueError))
def test_take_along_axis(xp, ashape, ishape, axis):
    a = testing.random_array(xp, ashape, "float64", seed=7, layout="F")
    n = a.size if axis is None else a.shape[axis]
    host = np.random.default_rng(8).integers(-n, n, size=ishape)
    return xp.take_along_axis(a, xp.asarray(host), axis=axis)


@testing.numpy_compare(accept_error=(IndexError, ValueError))
@pytest.mark.parametrize("case", ["argsort", "oob", "ndim", "float", "none_2d", "broadcast"])
def test_take_along_axis_cases(xp, case):
    a = testing.random_array(xp, (3, 4), "float32", seed=9)
    if case == "argsort":
        return xp.take_along_axis(a, xp.asarray(np.argsort(testing.random_array(
            np, (3, 4), "float32", seed=9), axis=1)), axis=1)
    if case == "oob":
        return xp.take_along_axis(a, xp.asarray(np.array([[4]])), axis=1)
    if case == "ndim":
        return xp.take_along_axis(a, xp.asarray(np.array([0])), axis=1)
    if case == "float":
        return xp.take_along_axis(a, xp.asarray(np.array([[0.0]])), axis=1)
    if case == "none_2d":
        return xp.take_along_axis(a, xp.asarray(np.array([[0]])), axis=None)
    return xp.take_along_axis(a, xp.asarray(np.array([[0], [1], [2], [3]])), axis=0)


@pytest.mark.parametrize("values", ["scalar", "array", "broadcast"])
@pytest.mark.parametrize("axis", [0, 1, -1])
@testing.numpy_compare(accept_error=IndexError)
def test_put_along_axis(xp, values, axis):
    a = testing.random_array(xp, (4, 5), "float32", seed=10, layout="transposed")
    n = a.shape[axis]
    ishape = (4, 1) if axis in (1, -1) else (1, 5)
    idx = xp.asarray(np.random.default_rng(11).integers(-n, n, size=ishape))
    if values == "scalar":
        v = 9.5
    elif values == "array":
        v = xp.asarray(np.arange(int(np.prod(ishape)), dtype=np.float32).reshape(ishape))
    else:
        v = xp.asarray(np.array([7.0], np.float32))
    xp.put_along_axis(a, idx, v, axis=axis)
    return a


@testing.numpy_compare(accept_error=IndexError)
def test_put_along_axis_errors_and_flat(xp):
    a = xp.asarray(np.arange(6.0))
    xp.put_along_axis(a, xp.asarray(np.array([5, 0])), -1.0, axis=None)
    xp.put_along_axis(a, xp.asarray(np.array([9])), 1.0, axis=0)
    return a


# -- put, place, putmask ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
@pytest.mark.parametrize("values", ["scalar", "short", "exact", "long", "2d"])
@pytest.mark.parametrize("layout", ["C", "F", "negative_stride"])
@testing.numpy_compare()
def test_put(xp, mode, values, layout):
    a = testing.random_array(xp, (3, 4), "float64", seed=12, layout=layout)
    lo, hi = (-12, 12) if mode == "raise" else (-30, 30)
    host = np.random.default_rng(13).permutation(np.arange(lo, hi))[:5]
    if mode != "raise":     # distinct destinations (NumPy's order among duplicates: last wins)
        dest = np.clip(host, 0, 11) if mode == "clip" else host % 12
        host = host[np.unique(dest, return_index=True)[1]]
    else:
        host = host[np.unique(host % 12, return_index=True)[1]]
    v = {"scalar": 2.5, "short": [1.0, 2.0], "exact": list(range(host.size)),
         "long": list(range(20)), "2d": np.arange(4.0).reshape(2, 2)}[values]
    if values != "scalar":
        v = xp.asarray(np.asarray(v, np.float64))
    xp.put(a, xp.asarray(host), v, mode=mode)
    return a


@testing.numpy_compare(accept_error=(IndexError, TypeError))
@pytest.mark.parametrize("case", ["oob", "empty_a", "empty_v", "not_array", "cast", "list"])
def test_put_cases(xp, case):
    a = xp.zeros(5, "int32")
    if case == "oob":
        xp.put(a, xp.asarray(np.array([0, 5])), 1)
    elif case == "empty_a":
        xp.put(xp.zeros(0), [0], 1.0)
    elif case == "empty_v":
        xp.put(a, [0, 1], xp.zeros(0))
    elif case == "not_array":
        xp.put([1, 2, 3], [0], 1)
    elif case == "cast":
        xp.put(a, [0, 3], xp.asarray(np.array([1.7, -2.2])))
    else:
        xp.put(a, [[4, 0], [1, 2]], [9, 8, 7, 6])
    return a


@pytest.mark.parametrize("vals", ["short", "exact", "scalar", "long"])
@pytest.mark.parametrize("layout", ["C", "transposed", "sliced"])
@testing.numpy_compare()
def test_place(xp, vals, layout):
    a = testing.random_array(xp, (4, 6), "float32", seed=14, layout=layout)
    mask = testing.random_array(xp, (4, 6), "float32", seed=15) > 0
    n = int(np.count_nonzero(testing.random_array(np, (4, 6), "float32", seed=15) > 0))
    v = {"short": xp.asarray(np.array([1.0, 2.0, 3.0], np.float32)),
         "exact": xp.arange(n, dtype="float32") * 1.5, "scalar": 4.0,
         "long": xp.arange(50, dtype="int16")}[vals]
    xp.place(a, mask, v)
    return a


@testing.numpy_compare(accept_error=(ValueError, TypeError))
@pytest.mark.parametrize("case", ["empty_vals", "no_true", "size", "not_array", "int_mask",
                                  "host_mask"])
def test_place_cases(xp, case):
    a = xp.asarray(np.arange(6.0))
    if case == "empty_vals":
        xp.place(a, a > 2, xp.zeros(0))
    elif case == "no_true":
        xp.place(a, a > 10, xp.zeros(0))
    elif case == "size":
        xp.place(a, [True, False], [1.0])
    elif case == "not_array":
        xp.place([1.0, 2.0], [True, False], [1.0])
    elif case == "int_mask":
        xp.place(a, xp.asarray(np.array([0, 2, 0, 1, 0, 0])), [7.0, 8.0])
    else:
        xp.place(a, [True, False, True, False, False, True], [9.0])
    return a


@pytest.mark.parametrize("values", ["scalar", "short", "exact", "long", "empty"])
@testing.for_dtypes(["float32", "int64", "bool", "complex64"])
@testing.numpy_compare()
def test_putmask(xp, values, dtype):
    a = testing.random_array(xp, (3, 5), dtype, seed=16, layout="F")
    mask = testing.random_array(xp, (3, 5), "float32", seed=17) > 0
    v = {"scalar": 1, "short": xp.asarray(np.array([1, 0, 1], dtype)),
         "exact": testing.random_array(xp, (3, 5), dtype, seed=18),
         "long": testing.random_array(xp, (40,), dtype, seed=19),
         "empty": xp.zeros(0, dtype)}[values]
    xp.putmask(a, mask, v)
    return a


@testing.numpy_compare(accept_error=(ValueError, TypeError))
@pytest.mark.parametrize("case", ["size", "not_array", "overlap"])
def test_putmask_cases(xp, case):
    a = xp.asarray(np.arange(6.0))
    if case == "size":
        xp.putmask(a, [True, False], 1.0)
    elif case == "not_array":
        xp.putmask([1.0, 2.0], [True, False], 1.0)
    else:
        xp.putmask(a, a > 2, a[::-1])
    return a


# -- choose, compress, select, extract -------------------------------------------------------------
@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
@pytest.mark.parametrize("form", ["device", "list"])
@testing.numpy_compare(accept_error=ValueError)
def test_choose(xp, mode, form):
    lo, hi = (0, 3) if mode == "raise" else (-5, 8)
    host = np.random.default_rng(20).integers(lo, hi, size=(2, 4))
    choices = [testing.random_array(xp, (4,), "float32", seed=21),
               testing.random_array(xp, (2, 1), "int8", seed=22), 3]
    return xp.choose(_idx(xp, host, form), choices, mode=mode)


@testing.numpy_compare(accept_error=(ValueError, TypeError))
@pytest.mark.parametrize("case", ["array_choices", "negative_raise", "oob", "empty", "float",
                                  "out", "out_shape", "scalars", "weak_scalar"])
def test_choose_cases(xp, case):
    a = xp.asarray(np.array([[0, 1, 2], [2, 1, 0]]))
    c = testing.random_array(xp, (3, 2, 3), "float64", seed=23, layout="transposed")
    if case == "array_choices":
        return xp.choose(a, c)
    if case == "negative_raise":
        return xp.choose(xp.asarray(np.array([0, -1])), [[1, 2], [3, 4]])
    if case == "oob":
        return xp.choose(a, c[:2])
    if case == "empty":
        return xp.choose(0, [])
    if case == "float":
        return xp.choose(xp.asarray(np.array([0.0])), [[1], [2]])
    if case == "out":
        out = xp.zeros((2, 3), "float32")
        xp.choose(a, c, out=out)
        return out
    if case == "out_shape":
        return xp.choose(a, c, out=xp.zeros((3,)))
    if case == "scalars":
        return xp.choose(xp.asarray(np.array([1, 0, 1])), [5, 7.5])
    return xp.choose(xp.asarray(np.array([1, 0], np.int8)),
                     [xp.asarray(np.array([1, 2], np.int8)), 100])


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("cond", ["short", "exact", "long_false", "long_true", "int"])
@pytest.mark.parametrize("form", ["device", "list"])
@testing.numpy_compare(accept_error=IndexError)
def test_compress(xp, axis, cond, form):
    a = testing.random_array(xp, (3, 4), "int32", seed=24, layout="F")
    n = a.size if axis is None else a.shape[axis]
    host = {"short": [True, False], "exact": [i % 3 == 1 for i in range(n)],
            "long_false": [True] * n + [False, False], "long_true": [False] * n + [True],
            "int": [0, 2, 0, 1][:n]}[cond]
    return xp.compress(_idx(xp, host, form), a, axis=axis)


@testing.numpy_compare(accept_error=(ValueError, TypeError))
@pytest.mark.parametrize("case", ["2d", "0d_a", "out", "out_dtype"])
def test_compress_cases(xp, case):
    a = testing.random_array(xp, (3, 4), "float32", seed=25)
    if case == "2d":
        return xp.compress(xp.asarray(np.ones((2, 2), bool)), a)
    if case == "0d_a":
        return xp.compress([True], xp.asarray(np.array(5.0)))
    out = xp.zeros((3, 2), "float32" if case == "out" else "int64")
    xp.compress([True, False, True], a, axis=1, out=out)
    return out


@testing.numpy_compare(accept_error=(ValueError, TypeError))
@pytest.mark.parametrize("case", ["basic", "default", "scalar_choices", "broadcast",
                                  "weak_default", "strong_default", "non_bool", "lengths",
                                  "empty", "first_wins"])
def test_select(xp, case):
    x = testing.random_array(xp, (3, 4), "float32", seed=26)
    if case == "basic":
        return xp.select([x < -2, x > 2], [-x, x * 2])
    if case == "default":
        return xp.select([x < 0], [x], default=xp.asarray(np.array([1.0, 2.0, 3.0, 4.0])))
    if case == "scalar_choices":
        return xp.select([x < 0, x > 5], [1, 2.5], default=-1)
    if case == "broadcast":
        return xp.select([xp.asarray(np.array([True, False, True]))[:, None]], [x])
    if case == "weak_default":
        return xp.select([x < 0], [x.astype("float16")], default=0.5)
    if case == "strong_default":
        return xp.select([x < 0], [x], default=np.float64(1.5))
    if case == "non_bool":
        return xp.select([xp.asarray(np.array([1, 0]))], [xp.asarray(np.array([1, 2]))])
    if case == "lengths":
        return xp.select([x < 0], [x, x])
    if case == "empty":
        return xp.select([], [])
    return xp.select([x > 0, x > 1], [xp.zeros_like(x), xp.ones_like(x)])


@testing.numpy_compare(accept_error=IndexError)
@pytest.mark.parametrize("case", ["bool", "int", "shorter", "longer_true", "device_2d"])
def test_extract(xp, case):
    a = testing.random_array(xp, (3, 4), "float32", seed=27, layout="transposed")
    if case == "bool":
        return xp.extract(a > 0, a)
    if case == "int":
        return xp.extract(xp.asarray(np.array([1, 0, 3])), a)
    if case == "shorter":
        return xp.extract([True, False, True], a)
    if case == "longer_true":
        return xp.extract([False] * 12 + [True], a)
    return xp.extract(testing.random_array(xp, (2, 6), "int8", seed=28), a)


# -- nonzero, argwhere, flatnonzero, where --------------------------------------------------------
@pytest.mark.parametrize("shape", [(0,), (1,), (7,), (3, 0), (3, 5), (2, 3, 4), (5000,),
                                   (3, 2, 2, 5)])
@testing.for_all_dtypes()
@testing.numpy_compare()
def test_nonzero_argwhere_flatnonzero(xp, shape, dtype):
    a = testing.random_array(xp, shape, dtype, seed=29, layout="negative_stride", low=-1,
                             high=2) if np.dtype(dtype).kind != "u" else testing.random_array(
        xp, shape, dtype, seed=29, layout="negative_stride", low=0, high=2)
    return xp.nonzero(a), xp.argwhere(a), xp.flatnonzero(a), xp.where(a)


@testing.numpy_compare(accept_error=ValueError)
@pytest.mark.parametrize("case", ["nonzero_0d", "argwhere_0d_true", "argwhere_0d_false",
                                  "where_0d", "flatnonzero_0d", "list", "special"])
def test_nonzero_cases(xp, case):
    if case == "nonzero_0d":
        return xp.nonzero(xp.asarray(np.array(1.0)))
    if case == "argwhere_0d_true":
        return xp.argwhere(xp.asarray(np.array(3)))
    if case == "argwhere_0d_false":
        return xp.argwhere(xp.asarray(np.array(0.0)))
    if case == "where_0d":
        return xp.where(xp.asarray(np.array(True)))
    if case == "flatnonzero_0d":
        return xp.flatnonzero(xp.asarray(np.array(2)))
    if case == "list":
        return xp.nonzero(xp.asarray([[0, 1], [2, 0]]))
    return xp.nonzero(xp.asarray(np.array([np.nan, -0.0, 0.0, np.inf, 1e-40])))


@testing.numpy_compare()
def test_nonzero_large_tiles(xp):
    a = testing.random_array(xp, (9000, 5), "float32", seed=30) > 9.0
    return xp.nonzero(a), xp.argwhere(a)


# -- diagonal ------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, offset, axis1, axis2", [
    ((4, 4), 0, 0, 1), ((3, 5), 2, 0, 1), ((3, 5), -1, 0, 1), ((5, 3), -4, 0, 1),
    ((3, 5), 9, 0, 1), ((2, 3, 4), 1, 2, 0), ((2, 3, 4), 0, -1, -2), ((2, 3, 4), -1, 1, 2),
    ((0, 3), 0, 0, 1),
])
@pytest.mark.parametrize("layout", ["C", "F", "negative_stride"])
@testing.numpy_compare()
def test_diagonal(xp, shape, offset, axis1, axis2, layout):
    a = testing.random_array(xp, shape, "float32", seed=31, layout=layout)
    return xp.diagonal(a, offset, axis1, axis2)


@testing.numpy_compare(accept_error=ValueError)
@pytest.mark.parametrize("case", ["1d", "same_axes", "axis_error"])
def test_diagonal_errors(xp, case):
    if case == "1d":
        return xp.diagonal(xp.zeros(3))
    if case == "same_axes":
        return xp.diagonal(xp.zeros((3, 3)), axis1=1, axis2=-1)
    return xp.diagonal(xp.zeros((3, 3)), axis1=5)


def test_diagonal_is_a_writeable_view():
    a = cuarray.zeros((3, 3))
    d = cuarray.diagonal(a)
    assert d.base is a
    d[...] = 1.0
    np.testing.assert_array_equal(a.get(), np.eye(3))


# -- index generators ----------------------------------------------------------------------------
@testing.numpy_compare()
@pytest.mark.parametrize("n, ndim", [(0, 2), (1, 2), (4, 2), (3, 3), (2, 4)])
def test_diag_indices(xp, n, ndim):
    return xp.diag_indices(n, ndim), xp.diag_indices_from(xp.zeros((n,) * max(ndim, 2)))


@testing.numpy_compare(accept_error=ValueError)
@pytest.mark.parametrize("shape", [(3,), (3, 4), (2, 2, 3)])
def test_diag_indices_from_errors(xp, shape):
    return xp.diag_indices_from(xp.zeros(shape))


@pytest.mark.parametrize("n, k, m", [(4, 0, None), (4, 1, None), (4, -2, None), (3, 0, 5),
                                     (5, -1, 2), (0, 0, None), (3, 10, None), (3, -10, 4)])
@testing.numpy_compare()
def test_tril_triu_indices(xp, n, k, m):
    return xp.tril_indices(n, k, m), xp.triu_indices(n, k, m)


@pytest.mark.parametrize("shape, k", [((4, 4), 0), ((3, 5), 1), ((5, 3), -1)])
@testing.numpy_compare(accept_error=ValueError)
def test_tril_triu_indices_from(xp, shape, k):
    a = xp.zeros(shape)
    return xp.tril_indices_from(a, k), xp.triu_indices_from(a, k)


@testing.numpy_compare(accept_error=ValueError)
def test_tril_indices_from_needs_2d(xp):
    return xp.tril_indices_from(xp.zeros((2, 2, 2)))


@pytest.mark.parametrize("k", [0, 1, -1])
@testing.numpy_compare()
def test_mask_indices(xp, k):
    return xp.mask_indices(4, xp.triu, k), xp.mask_indices(3, xp.tril, k)


@testing.numpy_compare(accept_error=ValueError)
@pytest.mark.parametrize("case", ["ints", "bools", "mixed", "empty", "none", "device", "2d",
                                  "int32"])
def test_ix_(xp, case):
    if case == "ints":
        return xp.ix_([0, 2], [1, 3, 0])
    if case == "bools":
        return xp.ix_([True, False, True], [False, True])
    if case == "mixed":
        return xp.ix_(np.array([1, 0]), [True, True, False, True])
    if case == "empty":
        return xp.ix_([], [1])
    if case == "none":
        return xp.ix_()
    if case == "device":
        return xp.ix_(xp.asarray(np.array([2, 1])), xp.asarray(np.array([True, False])))
    if case == "2d":
        return xp.ix_([[0, 1]])
    return xp.ix_(np.array([1, 2], np.int32))


@testing.numpy_compare()
def test_ix_indexes_a_cross_product(xp):
    a = testing.shaped_arange((4, 5), xp, "int32")
    return a[xp.ix_([0, 3], [4, 1, 2])]


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip", ("clip", "wrap")])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("form", ["device", "host"])
@testing.numpy_compare(accept_error=ValueError)
def test_ravel_multi_index(xp, mode, order, form):
    dims = (3, 4, 5)
    rng = np.random.default_rng(32)
    lo, hi = (0, 1) if mode == "raise" else (-7, 9)
    idx = tuple(rng.integers(lo * d, max(hi * d, 1), size=(2, 3)) for d in dims)
    if form == "device":
        idx = tuple(xp.asarray(i) for i in idx)
    else:
        idx = tuple(i.tolist() for i in idx)
    return xp.ravel_multi_index(idx, dims, mode=mode, order=order)


@testing.numpy_compare(accept_error=(ValueError, TypeError))
@pytest.mark.parametrize("case", ["invalid", "scalars", "broadcast", "length", "float",
                                  "bad_order", "dtypes"])
def test_ravel_multi_index_cases(xp, case):
    d = xp.asarray
    if case == "invalid":
        return xp.ravel_multi_index((d(np.array([0, 1])), d(np.array([2, 5]))), (2, 3))
    if case == "scalars":
        return xp.ravel_multi_index((1, 2), (2, 3))
    if case == "broadcast":
        return xp.ravel_multi_index((d(np.array([[0], [1]])), d(np.array([0, 1, 2]))), (2, 3))
    if case == "length":
        return xp.ravel_multi_index((d(np.array([0])),), (2, 3))
    if case == "float":
        return xp.ravel_multi_index((d(np.array([0.0])), d(np.array([1]))), (2, 3))
    if case == "bad_order":
        return xp.ravel_multi_index((d(np.array([0])), d(np.array([1]))), (2, 3), order="K")
    return xp.ravel_multi_index((d(np.array([1], np.uint8)), d(np.array([2], np.int16)), 3),
                                (2, 3, 4))


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("shape", [(6,), (2, 3), (3, 1, 4), (2, 3, 4, 5)])
@pytest.mark.parametrize("form", ["device", "host"])
@testing.numpy_compare()
def test_unravel_index(xp, order, shape, form):
    size = int(np.prod(shape))
    host = np.random.default_rng(33).integers(0, size, size=(2, 5))
    idx = xp.asarray(host) if form == "device" else host.tolist()
    return xp.unravel_index(idx, shape, order=order)


@testing.numpy_compare(accept_error=(ValueError, TypeError))
@pytest.mark.parametrize("case", ["oob", "negative", "scalar", "float", "int_shape",
                                  "empty_dims", "0d_shape", "uint8"])
def test_unravel_index_cases(xp, case):
    d = xp.asarray
    if case == "oob":
        return xp.unravel_index(d(np.array([1, 7])), (2, 3))
    if case == "negative":
        return xp.unravel_index(d(np.array([1, -1])), (2, 3))
    if case == "scalar":
        return xp.unravel_index(d(np.array(4)), (2, 3), order="F")
    if case == "float":
        return xp.unravel_index(d(np.array([1.0])), (2, 3))
    if case == "int_shape":
        return xp.unravel_index(d(np.array([3, 1])), 5)
    if case == "empty_dims":
        return xp.unravel_index(d(np.array([], np.int64)), (2, 0))
    if case == "0d_shape":
        return xp.unravel_index(d(np.array(0)), ())
    return xp.unravel_index(d(np.array([200, 3], np.uint8)), (20, 11))


@pytest.mark.parametrize("shape, wrap", [((4, 4), False), ((3, 5), False), ((7, 3), False),
                                         ((7, 3), True), ((3, 3, 3), False), ((0, 0), False)])
@pytest.mark.parametrize("val", ["scalar", "short", "long"])
@pytest.mark.parametrize("layout", ["C", "F"])
@testing.numpy_compare()
def test_fill_diagonal(xp, shape, wrap, val, layout):
    a = testing.random_array(xp, shape, "float32", seed=34, layout=layout)
    v = {"scalar": 5, "short": xp.asarray(np.array([1.0, 2.0])),
         "long": xp.asarray(np.arange(20.0))}[val]
    xp.fill_diagonal(a, v, wrap=wrap)
    return a


@testing.numpy_compare(accept_error=ValueError)
@pytest.mark.parametrize("shape", [(3,), (2, 3, 3)])
def test_fill_diagonal_errors(xp, shape):
    a = xp.zeros(shape)
    xp.fill_diagonal(a, 1.0)
    return a


@pytest.mark.parametrize("dims, dtype, sparse", [((2, 3), int, False), ((3,), "int32", False),
                                                 ((2, 0, 3), float, False), ((2, 3, 4), int, True),
                                                 ((), int, False), ((4, 2), "uint8", True)])
@testing.numpy_compare()
def test_indices(xp, dims, dtype, sparse):
    return xp.indices(dims, dtype=dtype, sparse=sparse)


# -- methods -------------------------------------------------------------------------------------
@testing.numpy_compare()
def test_methods(xp):
    a = testing.random_array(xp, (3, 4), "float32", seed=35)
    b = a.copy()
    b.put(xp.asarray(np.array([0, 5])), xp.asarray(np.array([1.0, 2.0], np.float32)))
    return (a.nonzero(), a.take(xp.asarray(np.array([1, 0])), axis=1),
            a.compress([True, False, True], axis=0), a.diagonal(1),
            xp.asarray(np.array([0, 1, 0, 1])).choose([a[0], a[1]]), b)
