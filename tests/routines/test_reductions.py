"""Reductions against NumPy: sums, products, extrema, logic, arg-reductions, count_nonzero,
ptp, means and variances, and ufunc.reduce / reduceat for every binary ufunc.

Every dtype each routine accepts, axes None/int/negative/tuple, keepdims, out=, where=,
initial=, empty and 0-d inputs, NaN/inf, non-contiguous layouts, and shapes large
enough to take every strategy of the engine (thread, column, warp, block, vector,
split over blocks with a second pass).  Floating-point sums combine in another order
than NumPy's, so inexact results compare with tolerances.
"""

import numpy
import pytest

import cuarray
from cuarray import testing

pytestmark = pytest.mark.gpu

ALL = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
       "float16", "float32", "float64", "complex64", "complex128"]
NUMERIC = ALL[1:]
REAL = ALL[:-2]
INEXACT = ["float16", "float32", "float64", "complex64", "complex128"]
TOL = {"float16": 1e-2, "float32": 2e-5, "complex64": 2e-5, "float64": 1e-12,
       "complex128": 1e-12, "default": 1e-12}

# (shape, axis) pairs covering every strategy: small, rows, columns, whole arrays.
CASES = [((), None), ((5,), None), ((5,), 0), ((0,), None), ((3, 0), 1), ((3, 0), 0),
         ((4, 5), None), ((4, 5), 0), ((4, 5), -1), ((2, 3, 4), (0, 2)), ((2, 3, 4), 1),
         ((2, 3, 4), (-1, -2)), ((37, 129), 1), ((129, 37), 0), ((3, 5000), 1),
         ((5000, 3), 0), ((5000, 3), 1), ((2, 70000), 1), ((70000, 2), 0), ((300, 300), 0),
         ((300, 300), 1), ((100003,), None), ((64, 33, 17), (0, 1))]


def values(xp, shape, dtype, seed, layout="C"):
    low, high = (0, 3) if numpy.dtype(dtype).kind in "iu" else (None, None)
    return testing.random_array(xp, shape, dtype, seed=seed, layout=layout, low=low, high=high)


def small_ints(xp, shape, dtype, seed):
    """Integer-valued data in [-2, 2] (0..2 unsigned): sums are exact in any order."""
    kind = numpy.dtype(dtype).kind
    if kind in "iub":
        return values(xp, shape, dtype, seed)
    host = numpy.random.default_rng(seed).integers(-2, 3, shape).astype(dtype)
    if kind == "c":
        host = host + 1j * numpy.random.default_rng(seed + 1).integers(-2, 3, shape)
    return xp.asarray(host.astype(dtype))


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("shape,axis", CASES)
@pytest.mark.parametrize("fn", ["sum", "prod", "max", "min", "all", "any"])
@testing.numpy_compare(rtol=TOL, accept_error=ValueError)
def test_basic_reductions(xp, fn, shape, axis, dtype):
    a = small_ints(xp, shape, dtype, seed=1)
    if fn == "prod" and numpy.dtype(dtype).kind in "fc":
        # Products of +-1 are exact in any order; magnitudes are tested on short axes.
        a = xp.where(a.real > 0, 1, -1).astype(dtype)
    if fn == "sum" and dtype == "float16" and xp is numpy:
        # NumPy adds float16 rows one at a time in float16 (an axis-0 sum of 5000 rows stalls
        # at 2048); cuarray accumulates in float32 and rounds once, as NumPy's own pairwise
        # float16 sum of a contiguous axis does.
        return numpy.sum(a.astype("float32"), axis=axis).astype("float16")
    return getattr(xp, fn)(a, axis=axis)


@pytest.mark.parametrize("layout", testing.LAYOUTS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2)])
@pytest.mark.parametrize("fn", ["sum", "max", "argmax", "mean", "var"])
@testing.numpy_compare(rtol=TOL)
def test_layouts(xp, fn, axis, layout):
    a = values(xp, (6, 7, 9), "float32", seed=2, layout=layout)
    if fn == "argmax" and isinstance(axis, tuple):
        axis = 1
    return getattr(xp, fn)(a, axis=axis)


@pytest.mark.parametrize("layout", testing.LAYOUTS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2)])
@testing.numpy_compare(contiguous_check=False)
def test_count_nonzero_layouts(xp, axis, layout):
    # NumPy's count_nonzero goes through an astype(bool) copy, whose layout for broadcast
    # views differs from the input's; the values are what matter here.
    return xp.count_nonzero(values(xp, (6, 7, 9), "int8", seed=2, layout=layout), axis=axis)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, (0, 1), -1])
@pytest.mark.parametrize("fn", ["sum", "prod", "min", "max", "all", "any", "mean", "std",
                                "nansum", "nanmax", "count_nonzero", "argmin"])
@testing.numpy_compare(rtol=TOL)
def test_keepdims(xp, fn, axis, keepdims):
    a = values(xp, (4, 3, 5), "float64", seed=3)
    if fn in ("argmin",) and isinstance(axis, tuple):
        axis = 0
    return getattr(xp, fn)(a, axis=axis, keepdims=keepdims)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "bool", "int32", "float16", "float32"])
@pytest.mark.parametrize("out_dtype", ["int64", "float32", "float64", "int8"])
@testing.numpy_compare(rtol=TOL)
def test_sum_out_and_dtype(xp, dtype, out_dtype):
    a = values(xp, (6, 10), dtype, seed=4)
    out = xp.zeros((10,), out_dtype)
    r = xp.sum(a, axis=0, out=out)
    return r is out, out, xp.sum(a, axis=1, dtype=out_dtype), xp.prod(a[:3], axis=0,
                                                                        dtype=out_dtype)


@pytest.mark.parametrize("dtype", ["int16", "float32", "float64", "complex64", "bool"])
@pytest.mark.parametrize("fn", ["sum", "prod", "max", "min", "all", "any"])
@testing.numpy_compare(rtol=TOL)
def test_where_and_initial(xp, fn, dtype):
    a = values(xp, (5, 8), dtype, seed=5)
    mask = testing.random_array(xp, (5, 8), "bool", seed=6)
    kw = {} if fn in ("all", "any") else {"initial": 1}
    if fn in ("max", "min") and numpy.dtype(dtype).kind == "c":
        kw = {"initial": 1}
    return (getattr(xp, fn)(a, axis=0, where=mask, **kw),
            getattr(xp, fn)(a, axis=None, where=mask[0], **kw),
            getattr(xp, fn)(a, axis=1, **kw))


@pytest.mark.parametrize("fn", ["max", "min"])
@testing.numpy_compare(accept_error=ValueError)
def test_extrema_where_needs_initial(xp, fn):
    a = values(xp, (5, 8), "float32", seed=7)
    return getattr(xp, fn)(a, axis=0, where=a > 0)


@pytest.mark.parametrize("fn", ["max", "min", "argmax", "argmin"])
@testing.numpy_compare(accept_error=ValueError)
def test_empty_without_identity_raises(xp, fn):
    return getattr(xp, fn)(xp.zeros((3, 0), "float32"), axis=1)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("fn", ["sum", "prod", "max", "min", "nansum", "nanprod", "nanmax",
                                "nanmin", "argmax", "argmin", "mean", "var", "std", "nanmean",
                                "nanvar", "nanstd", "ptp", "count_nonzero", "all", "any"])
@testing.numpy_compare(rtol=TOL)
def test_special_values(xp, fn, dtype):
    if fn in ("prod", "nanprod") and numpy.dtype(dtype).kind == "c":
        pytest.skip("complex products of infinities depend on the order of the factors")
    rng = numpy.random.default_rng(8)
    specials = numpy.array([numpy.nan, numpy.inf, -numpy.inf, 0.0, -0.0, 1.5, -2.0])
    host = rng.choice(specials, size=(6, 40)).astype(dtype)
    if numpy.dtype(dtype).kind == "c":
        host = host + 1j * rng.choice(specials, size=(6, 40)).astype(dtype)
    host[0] = 1.0                              # a row without NaN
    host[1, ::2] = numpy.nan                   # and one with many
    a = xp.asarray(host)
    with numpy.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if fn.startswith("nanarg"):
                return getattr(xp, fn)(a[:1], axis=1)
            return getattr(xp, fn)(a, axis=1), getattr(xp, fn)(a[0])


@pytest.mark.parametrize("fn", ["nanmax", "nanmin", "nanmean", "nanvar", "nansum"])
@testing.numpy_compare(rtol=TOL)
def test_all_nan_slices(xp, fn):
    host = numpy.full((3, 5), numpy.nan, "float32")
    host[0, 2] = 1.0
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return getattr(xp, fn)(xp.asarray(host), axis=1)


@pytest.mark.parametrize("fn", ["nanargmax", "nanargmin"])
@testing.numpy_compare(accept_error=ValueError)
def test_nanarg_all_nan_raises(xp, fn):
    host = numpy.full((3, 5), numpy.nan, "float64")
    host[0, 2] = 1.0
    return getattr(xp, fn)(xp.asarray(host), axis=1)


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("shape,axis", [((7,), None), ((9, 13), 0), ((9, 13), 1),
                                        ((3, 4, 5), None), ((3, 4, 5), 2), ((200000,), None),
                                        ((40, 3000), 1), ((3000, 40), 0)])
@pytest.mark.parametrize("fn", ["argmax", "argmin"])
@testing.numpy_compare()
def test_argreductions(xp, fn, shape, axis, dtype):
    a = values(xp, shape, dtype, seed=9)          # small ints: many ties, first index wins
    return getattr(xp, fn)(a, axis=axis)


@testing.numpy_compare()
def test_argmax_first_nan_and_out(xp):
    host = numpy.arange(20, dtype="float32").reshape(4, 5)
    host[1, 3] = host[1, 1] = numpy.nan
    a = xp.asarray(host)
    out = xp.zeros((4,), "int64")
    xp.argmax(a, axis=1, out=out)
    return out, xp.argmin(a, axis=1), xp.argmax(a), xp.argmax(a, axis=0, keepdims=True)


@pytest.mark.parametrize("dtype", ALL)
@testing.numpy_compare()
def test_count_nonzero(xp, dtype):
    a = values(xp, (6, 9), dtype, seed=10)
    return (xp.count_nonzero(a, axis=0), xp.count_nonzero(a, axis=(0, 1)),
            xp.count_nonzero(a, axis=1, keepdims=True), int(xp.count_nonzero(a)))


@pytest.mark.parametrize("dtype", NUMERIC)
@testing.numpy_compare(rtol=TOL, accept_error=TypeError)
def test_ptp(xp, dtype):
    a = values(xp, (6, 9), dtype, seed=11)
    return xp.ptp(a, axis=0), xp.ptp(a), xp.ptp(a, axis=1, keepdims=True)


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("shape,axis", CASES[:14] + [((300, 300), 0), ((2, 1000), 1)])
@pytest.mark.parametrize("fn", ["mean", "var", "std"])
@testing.numpy_compare(rtol={"float16": 1e-2, "float32": 1e-4, "complex64": 1e-4,
                             "default": 1e-10}, accept_error=False)
def test_moments(xp, fn, shape, axis, dtype):
    import warnings
    a = values(xp, shape, dtype, seed=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return getattr(xp, fn)(a, axis=axis)


@pytest.mark.parametrize("ddof", [0, 1, 2.5])
@pytest.mark.parametrize("fn", ["var", "std", "nanvar", "nanstd"])
@testing.numpy_compare(rtol=1e-10)
def test_ddof_correction_keepdims(xp, fn, ddof):
    a = values(xp, (5, 6), "float64", seed=13)
    f = getattr(xp, fn)
    return (f(a, axis=0, ddof=ddof), f(a, axis=1, keepdims=True, ddof=ddof),
            f(a, correction=ddof))


@testing.numpy_compare(rtol=1e-6)
def test_var_mean_argument_and_where(xp):
    a = values(xp, (5, 6), "float32", seed=14)
    m = xp.mean(a, axis=1, keepdims=True)
    mask = testing.random_array(xp, (5, 6), "bool", seed=15)
    mask[:, 0] = True
    h = a.copy()
    h[0, 1] = xp.nan
    mn = xp.nanmean(h, axis=0, keepdims=True)
    return (xp.var(a, axis=1, mean=m), xp.nanvar(h, axis=0, mean=mn),
            xp.nanstd(h, axis=0, mean=mn), xp.mean(a, axis=1, where=mask),
            xp.var(a, axis=1, where=mask), xp.std(a, axis=0, where=mask))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64"])
@pytest.mark.parametrize("fn", ["nanmean", "nanvar", "nanstd", "nansum", "nanprod"])
@testing.numpy_compare(rtol={"float16": 1e-2, "float32": 1e-4, "complex64": 1e-4,
                             "default": 1e-10})
def test_nan_moments(xp, fn, dtype):
    rng = numpy.random.default_rng(16)
    host = rng.uniform(0.5, 1.5, (7, 30)).astype(dtype)
    host[rng.uniform(size=host.shape) < 0.3] = numpy.nan
    a = xp.asarray(host)
    f = getattr(xp, fn)
    return f(a, axis=0), f(a, axis=1), f(a)


@testing.numpy_compare(rtol=1e-12)
def test_average(xp):
    a = values(xp, (4, 6), "float64", seed=17)
    w = xp.abs(values(xp, (6,), "float64", seed=18)) + 0.1
    w2 = xp.abs(values(xp, (4, 6), "float64", seed=19)) + 0.1
    ai = values(xp, (4, 6), "int32", seed=20)
    return (xp.average(a), xp.average(a, axis=1, weights=w), xp.average(a, weights=w2),
            xp.average(a, axis=0, returned=True), xp.average(ai, axis=1, weights=w,
                                                              returned=True),
            xp.average(a, axis=1, weights=w, keepdims=True))


@pytest.mark.parametrize("call", [lambda xp, a: xp.average(a, weights=a[0]),
                                  lambda xp, a: xp.average(a, axis=1, weights=a[:, 0])])
@testing.numpy_compare(accept_error=(TypeError, ValueError))
def test_average_errors(xp, call):
    return call(xp, values(xp, (4, 6), "float64", seed=21))


@testing.numpy_compare(rtol=1e-5)
def test_float32_accuracy_large(xp):
    """10^7 float32 values: sum, mean and var within 1e-5 of NumPy's float64 result."""
    rng = numpy.random.default_rng(22)
    host = rng.normal(3.0, 2.0, 10**7).astype("float32")
    a = xp.asarray(host)
    if xp is numpy:
        h = host.astype("float64")
        return (numpy.float32(h.sum()), numpy.float32(h.mean()), numpy.float32(h.var()),
                numpy.float32(h.reshape(1000, -1).sum(axis=1)).astype("float32"))
    return (a.sum(), a.mean(), a.var(), a.reshape(1000, -1).sum(axis=1))


@pytest.mark.parametrize("fn", ["sum", "max", "argmax", "mean", "all"])
@pytest.mark.parametrize("axis", [2, -4, (0, 0)])
@testing.numpy_compare(accept_error=(ValueError, TypeError, numpy.exceptions.AxisError))
def test_axis_errors(xp, fn, axis):
    return getattr(xp, fn)(xp.zeros((2, 3)), axis=axis)


@testing.numpy_compare(rtol=TOL)
def test_methods(xp):
    a = values(xp, (4, 5), "float32", seed=23)
    return (a.sum(), a.sum(axis=0), a.prod(axis=1), a.max(), a.min(axis=0), a.argmax(),
            a.argmin(axis=1), a.all(), a.any(axis=0), a.mean(axis=1), a.var(), a.std(axis=0))


# -- ufunc.reduce and reduceat for every binary ufunc ---------------------------------------

BINARY = sorted(n for n in dir(numpy) if isinstance(getattr(numpy, n), numpy.ufunc)
                and getattr(numpy, n).nin == 2 and getattr(numpy, n).nout == 1
                and hasattr(cuarray, n) and n not in ("matmul", "vecdot", "matvec", "vecmat"))


def _domain(name, dtype):
    kind = numpy.dtype(dtype).kind
    if name in ("power", "float_power", "left_shift", "right_shift", "bitwise_left_shift",
                "bitwise_right_shift", "ldexp"):
        return 0, 3
    if kind in "iu":
        return 1, 5
    return 0.5, 2.0


def _fold(uf_np, host, axis):
    """NumPy's definition of reduce, one element at a time (NumPy's own SIMD loops of
    power, arctan2 and ldexp return a[0] op a[-1] when reducing a contiguous axis)."""
    loop = uf_np.resolve_dtypes((None, host.dtype, None), reduction=True)
    if axis is None:
        if host.ndim > 1 and uf_np.identity is None:
            return uf_np.reduce(host, axis=None)          # NumPy's ValueError
        host, axis = host.reshape(-1), 0
    moved = numpy.moveaxis(host, axis, 0)
    r = moved[0].astype(loop[0])
    for x in moved[1:]:
        r = uf_np(r, x, signature=loop, casting="unsafe")
    return r[()] if r.ndim == 0 else r


@pytest.mark.parametrize("dtype", ["bool", "int8", "int32", "uint16", "int64", "float16",
                                   "float32", "float64", "complex64"])
@pytest.mark.parametrize("name", BINARY)
def test_ufunc_reduce_every_binary(name, dtype):
    uf_np, uf = getattr(numpy, name), getattr(cuarray, name)
    low, high = _domain(name, dtype)
    host = testing.random_array(numpy, (5, 6), dtype, seed=24, low=low, high=high)
    parallel = uf._spec.reduce is not None
    for axis in (0, 1, None):
        try:
            with numpy.errstate(all="ignore"):
                expected = uf_np.reduce(host, axis=axis) if parallel else \
                    _fold(uf_np, host, axis)
        except (TypeError, ValueError) as exc:
            with pytest.raises(type(exc) if isinstance(exc, ValueError) else TypeError):
                uf.reduce(cuarray.asarray(host), axis=axis)
            continue
        got = uf.reduce(cuarray.asarray(host), axis=axis)
        assert got.dtype == expected.dtype, (name, dtype, axis)
        testing.assert_allclose(got, expected, rtol=TOL.get(str(got.dtype), 1e-12),
                                equal_nan=True)


@pytest.mark.parametrize("name", ["add", "multiply", "maximum", "subtract", "lcm",
                                  "bitwise_or", "divide"])
@testing.numpy_compare(rtol=1e-12, accept_error=TypeError)
def test_reduceat(xp, name):
    a = values(xp, (9, 4), "int64" if name in ("lcm", "bitwise_or") else "float64", seed=25)
    a = a + 1
    uf = getattr(xp, name)
    return (uf.reduceat(a, [0, 3, 3, 7, 2], axis=0), uf.reduceat(a, [1, 0, 3], axis=1),
            uf.reduceat(a[:, 0], [8]))


@testing.numpy_compare(accept_error=IndexError)
def test_reduceat_out_of_range(xp):
    return xp.add.reduceat(xp.zeros((5,)), [0, 5])


@testing.numpy_compare(rtol=1e-12)
def test_reduce_keepdims_out_initial(xp):
    a = values(xp, (3, 4, 5), "float64", seed=26)
    out = xp.zeros((3, 1, 5))
    xp.add.reduce(a, axis=1, keepdims=True, out=out)
    return (out, xp.multiply.reduce(a, axis=(0, 2), initial=2.0),
            xp.maximum.reduce(a, axis=None, initial=100.0), xp.add.reduce(a, axis=()),
            xp.subtract.reduce(a, axis=2), xp.minimum.reduce(a[..., :0], axis=2, initial=3.0))


@testing.numpy_compare(accept_error=ValueError)
def test_not_reorderable_many_axes(xp):
    return xp.subtract.reduce(xp.ones((3, 4)), axis=(0, 1))


@pytest.mark.parametrize("name,dtype", [("subtract", "float64"), ("divide", "float32"),
                                        ("lcm", "int32"), ("hypot", "float64"),
                                        ("power", "float64")])
@testing.numpy_compare(rtol=1e-5)
def test_where_on_ordered_reductions(xp, name, dtype):
    """In-order reductions skip masked elements (NumPy: initial= required without identity)."""
    a = values(xp, (6, 5), dtype, seed=27) + 1
    if name == "power":
        a = a / 4 + 0.5
    mask = testing.random_array(xp, (6, 5), "bool", seed=28)
    uf = getattr(xp, name)
    kw = {} if name == "hypot" else {"initial": 2}
    # NumPy's own power loop reduces a contiguous axis wrongly (see _fold): axis 0 only.
    return (uf.reduce(a, axis=0, where=mask, **kw),
            uf.reduce(a.T, axis=1, where=mask.T, **kw))
