"""cumsum, cumprod, nancumsum, nancumprod, cumulative_sum, cumulative_prod and ufunc.accumulate
against NumPy (GPU).

Most inputs hold small integers (in every dtype, floats included): sums and products of those
are exact in every order, so the parallel scans must match NumPy's sequential loop bit for
bit, however long the axis.  Tests on general floats compare with a tolerance scaled to the
scanned length (the parallel scan rounds in a different order; see the routines' docstrings).
The long-axis tests are sized to reach every launch plan of the scan engine: one row of many
tiles (decoupled look-back), rows of one or several tiles, one warp per row, columns with and
without a look-back, and the sequential driver.
"""

import warnings

import numpy
import pytest

from cuarray import testing
from cuarray.testing._arrays import _place

pytestmark = pytest.mark.gpu

ALL = testing.ALL
SHAPES = [(), (0,), (3, 0), (1,), (5,), (2, 3), (2, 3, 4)]
LAYOUTS = ["C", "F", "transposed", "negative_stride", "sliced", "broadcast"]


def small_ints(xp, shape, dtype, *, layout="C", seed=0, low=-4, high=5):
    """Integers in [low, high) (bool: 0/1, unsigned: from 0) in ``dtype``, laid out as asked."""
    dt = numpy.dtype(dtype)
    rng = numpy.random.default_rng(seed)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if dt.kind == "b":
        values = rng.integers(0, 2, shape).astype(dt)
    else:
        lo = max(low, 0) if dt.kind == "u" else low
        values = rng.integers(lo, high, shape).astype(dt)
        if dt.kind == "c":
            values = values + 1j * rng.integers(lo, high, shape).astype(dt)
    return _place(xp, values, layout)


def scan_tol(dtype, n):
    """Tolerance for a float scan of length n rounded in another order than NumPy's (float16:
    NumPy rounds its running value to float16 at every step, cuarray does not)."""
    return {"float16": 0.05 * n, "float32": 1e-6 * n, "float64": 1e-14 * n,
            "complex64": 1e-6 * n, "complex128": 1e-14 * n, "default": 0}


# -- cumsum / cumprod: dtypes, shapes, axes --------------------------------------------------------

@testing.for_all_dtypes()
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("func", ["cumsum", "cumprod", "nancumsum", "nancumprod"])
@testing.numpy_compare()
def test_flattened(xp, dtype, shape, func):
    a = small_ints(xp, shape, dtype, low=-2, high=3)
    return getattr(xp, func)(a)


@testing.for_all_dtypes()
@pytest.mark.parametrize("shape, axis", [((5,), 0), ((5,), -1), ((2, 3), 0), ((2, 3), 1),
                                         ((2, 3, 4), 1), ((2, 3, 4), -1), ((3, 0), 0),
                                         ((3, 0), 1), ((), 0), ((), -1)])
@pytest.mark.parametrize("func", ["cumsum", "cumprod"])
@testing.numpy_compare()
def test_axis(xp, dtype, shape, axis, func):
    a = small_ints(xp, shape, dtype, low=-2, high=3)
    return getattr(xp, func)(a, axis=axis)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("shape", [(7, 9), (4, 5, 6)])
@pytest.mark.parametrize("axis", [0, 1, -1])
@testing.for_dtypes(["int16", "float32", "complex128"])
@testing.numpy_compare()
def test_layouts(xp, dtype, shape, axis, layout):
    a = small_ints(xp, shape, dtype, layout=layout)
    return xp.cumsum(a, axis=axis)


@testing.for_dtypes(["int8", "uint8", "int32", "uint32", "int64", "uint64"])
@testing.numpy_compare()
def test_integer_products_wrap(xp, dtype):
    a = small_ints(xp, (3, 200), dtype, low=-7, high=8)
    return xp.cumprod(a, axis=1), xp.multiply.accumulate(a, axis=1, dtype=dtype)


@testing.for_dtypes(["int8", "uint8", "int16", "bool"])
@testing.numpy_compare()
def test_small_integers_widen_like_numpy(xp, dtype):
    a = small_ints(xp, 300, dtype, low=60, high=127)
    # cumsum widens to the platform integer; add.accumulate with dtype= keeps the width.
    return xp.cumsum(a), xp.add.accumulate(a), xp.add.accumulate(a, dtype=dtype)


# -- long axes: every launch plan, exact ----------------------------------------------------------

@pytest.mark.parametrize("shape, axis", [
    ((1_000_003,), 0),          # one row, many tiles: decoupled look-back
    ((8193,), 0),               # two tiles, the second of one item
    ((3, 300_001), 1),          # few long rows: look-back per row
    ((40, 8192), 1),            # one tile per row
    ((500, 1000), 1),           # one warp per row
    ((100_000, 3), 1),          # very short rows: one thread per row
    ((20_000, 40), 0),          # columns with a look-back along the axis
    ((3_000, 12), 0),           # narrow columns
    ((70, 3_000), 0),           # columns, one chunk
    ((40, 140_000), 0),         # columns many enough for one thread each
    ((64, 33, 257), 1),         # a middle axis
])
@testing.for_dtypes(["float32", "int32", "float64", "complex64", "complex128", "float16"])
@testing.numpy_compare()
def test_long_axes_exact(xp, dtype, shape, axis):
    if dtype == "float16" and shape[axis] > 200_000:
        pytest.skip("a random walk this long leaves float16's exact integers")
    low, high = (-1, 2) if dtype == "float16" else (-4, 5)     # float16 sums stay exact
    a = small_ints(xp, shape, dtype, low=low, high=high, seed=3)
    return xp.cumsum(a, axis=axis)


@pytest.mark.parametrize("shape, axis, layout", [
    ((200_000,), 0, "negative_stride"), ((200_000,), 0, "sliced"),
    ((3_000, 40), 1, "F"), ((3_000, 40), 0, "F"), ((50, 60, 70), 2, "transposed"),
    ((20_000, 16), 0, "negative_stride"), ((2, 100_000), 1, "broadcast"),
])
@testing.for_dtypes(["float32", "int64"])
@testing.numpy_compare()
def test_long_axes_strided(xp, dtype, shape, axis, layout):
    a = small_ints(xp, shape, dtype, layout=layout, seed=4)
    return xp.cumsum(a, axis=axis)


@pytest.mark.parametrize("n", [1, 31, 8191, 8192, 8193, 65_537, 4_000_000])
@testing.numpy_compare()
def test_int32_widening_lengths(xp, n):
    a = small_ints(xp, n, "int32", low=-1000, high=1000, seed=n)
    return xp.cumsum(a)


@pytest.mark.parametrize("shape, axis", [((2_000_000,), 0), ((30, 20_000), 1),
                                         ((20_000, 30), 0)])
@testing.for_dtypes(["float32", "float64"])
def test_random_floats_close_and_deterministic(dtype, shape, axis):
    import cuarray
    host = numpy.random.default_rng(5).standard_normal(shape).astype(dtype)
    a = cuarray.asarray(host)
    first = cuarray.cumsum(a, axis=axis).get()
    again = cuarray.cumsum(a, axis=axis).get()
    assert first.tobytes() == again.tobytes()           # the same bits every run
    ref = numpy.cumsum(host.astype(numpy.float64), axis=axis)
    # Tiles chain sequentially (one rounding per tile), a few dozen roundings within one.
    steps = shape[axis] / 1024 + 64
    atol = steps * numpy.finfo(dtype).eps * numpy.abs(ref).max()
    numpy.testing.assert_allclose(first, ref, rtol=0, atol=atol)


@pytest.mark.parametrize("dtype, n", [("float16", 10), ("float32", 10), ("float32", 1000),
                                      ("float64", 1000), ("complex64", 1000),
                                      ("complex128", 1000)])
def test_random_floats_within_scaled_tolerance(dtype, n):
    @testing.numpy_compare(rtol=scan_tol(dtype, n), atol=scan_tol(dtype, n))
    def body(xp):
        a = testing.random_array(xp, (3, n), dtype, seed=6)
        return xp.cumsum(a, axis=1)
    body()


# -- special values -------------------------------------------------------------------------------

@testing.for_dtypes(["float16", "float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("func", ["cumsum", "cumprod", "nancumsum", "nancumprod"])
@testing.numpy_compare()
def test_nan_and_inf(xp, dtype, func):
    host = numpy.array([1, 2, numpy.nan, 3, numpy.inf, 1, -numpy.inf, 2, numpy.nan, 1] * 3)
    host = host.reshape(3, 10).astype(dtype)
    if numpy.dtype(dtype).kind == "c":
        # Complex products of infinities make NaN parts that depend on the order of the
        # products, so complex rows hold NaNs (in either part) but no infinities.
        host[numpy.isinf(host)] = 2
        host[1] = numpy.where(numpy.isnan(host[1]), complex(1, numpy.nan), host[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return getattr(xp, func)(xp.asarray(host), axis=1)


@testing.for_dtypes(["float32", "float64"])
@pytest.mark.parametrize("name", ["maximum", "minimum", "fmax", "fmin"])
@testing.numpy_compare()
def test_extrema_accumulate_nan(xp, dtype, name):
    host = numpy.random.default_rng(7).uniform(-10, 10, 20_000).astype(dtype)
    host[[5, 9000, 15000]] = numpy.nan
    return getattr(xp, name).accumulate(xp.asarray(host))


@testing.for_dtypes(["float32", "float64"])
@testing.numpy_compare()
def test_signed_zeros(xp, dtype):
    a = xp.asarray(numpy.array([-0.0, -0.0, 0.0, -0.0], dtype))
    return xp.cumsum(a), xp.cumprod(a), xp.add.accumulate(a[:2])


# -- dtype= and out= ------------------------------------------------------------------------------

@testing.for_all_dtypes(name="dtype")
@testing.for_dtypes(["int32", "float32", "complex64", "float16", "uint8"], name="to")
@testing.numpy_compare()
def test_dtype_argument(xp, dtype, to):
    a = small_ints(xp, (4, 6), dtype, low=0, high=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", numpy.exceptions.ComplexWarning)
        return xp.cumsum(a, axis=1, dtype=to), xp.cumprod(a, axis=0, dtype=to)


@pytest.mark.parametrize("out_layout", ["C", "F", "sliced"])
@testing.for_dtypes(["int8", "int64", "float16", "float32", "complex128"], name="out_dtype")
@testing.for_dtypes(["int32", "float64", "bool"])
@testing.numpy_compare()
def test_out_any_dtype_and_layout(xp, dtype, out_dtype, out_layout):
    a = small_ints(xp, (30, 40), dtype, low=0, high=4)
    a = a * 1.5 if dtype == "float64" else a      # float64 loop, truncated on store
    out = small_ints(xp, (30, 40), out_dtype, layout=out_layout, seed=9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", numpy.exceptions.ComplexWarning)
        r = xp.cumsum(a, axis=0, out=out)
    assert r is out
    return out


@testing.numpy_compare()
def test_out_is_the_input(xp):
    a = small_ints(xp, (6, 50_000), "float32")
    xp.cumsum(a, axis=1, out=a)
    b = small_ints(xp, (5, 7), "int64", layout="F")
    xp.multiply.accumulate(b, axis=0, out=b)
    return a, b


@testing.numpy_compare()
def test_out_overlapping_the_input(xp):
    a = small_ints(xp, 1000, "int64")
    xp.cumsum(a[:-1], out=a[1:])
    return a


# -- nancumsum / nancumprod -----------------------------------------------------------------------

@testing.for_dtypes(["float16", "float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("func", ["nancumsum", "nancumprod"])
@pytest.mark.parametrize("axis", [None, 0, 1])
@testing.numpy_compare()
def test_nan_variants(xp, dtype, func, axis):
    host = numpy.random.default_rng(10).integers(-2, 3, (400, 30)).astype(dtype)
    host[numpy.random.default_rng(11).random((400, 30)) < 0.2] = numpy.nan
    if func == "nancumprod":
        host[numpy.abs(host) > 1] = 1           # products of 0 and +-1: exact
    return getattr(xp, func)(xp.asarray(host), axis=axis)


@testing.numpy_compare()
def test_nancumsum_to_integer_dtype(xp):
    a = xp.asarray(numpy.array([1.5, numpy.nan, 2.5, numpy.nan, 3.0]))
    return xp.nancumsum(a, dtype=numpy.int32)


# -- cumulative_sum / cumulative_prod -------------------------------------------------------------

@testing.for_all_dtypes()
@pytest.mark.parametrize("shape, axis", [((), None), ((5,), None), ((0,), None), ((5,), 0),
                                         ((3, 4), 0), ((3, 4), 1), ((3, 0), 1), ((2, 3, 4), -2)])
@pytest.mark.parametrize("include_initial", [False, True])
@pytest.mark.parametrize("func", ["cumulative_sum", "cumulative_prod"])
@testing.numpy_compare()
def test_cumulative(xp, dtype, shape, axis, include_initial, func):
    if not hasattr(numpy, func):
        pytest.skip(f"numpy {numpy.__version__} has no {func}")
    a = small_ints(xp, shape, dtype, low=-2, high=3)
    return getattr(xp, func)(a, axis=axis, include_initial=include_initial)


@pytest.mark.parametrize("layout", ["C", "F", "transposed"])
@pytest.mark.parametrize("include_initial", [False, True])
@testing.numpy_compare()
def test_cumulative_out_and_layout(xp, layout, include_initial):
    a = small_ints(xp, (3, 4, 5), "float32", layout=layout)
    n = 6 if include_initial else 5
    out = xp.zeros((3, 4, n), numpy.float64)
    r = xp.cumulative_sum(a, axis=2, out=out, include_initial=include_initial)
    assert r is out
    return out, xp.cumulative_prod(a, axis=0, include_initial=include_initial)


# -- ufunc.accumulate: every binary ufunc ----------------------------------------------------------

def _accumulate_cases():
    import cuarray
    from cuarray._ufunc.gufunc import gufunc
    from cuarray._ufunc.spec import numpy_loops
    from cuarray._ufunc.ufunc import ufunc
    cases = []
    for name in sorted({u.__name__ for u in vars(cuarray).values()
                        if isinstance(u, ufunc) and not isinstance(u, gufunc)
                        and u.nin == 2 and u.nout == 1}):
        seen = set()
        for ins, outs in numpy_loops(name):
            if ins[0] == ins[1] == outs[0] and ins[0] not in seen:
                seen.add(ins[0])
                cases.append((name, ins[0].name))
    return cases


@pytest.mark.parametrize("name, dtype", _accumulate_cases())
def test_accumulate_every_binary_ufunc(name, dtype):
    # Chained complex powers reach 1e31 and amplify each step's last-bit differences.
    k = 1000 if name in ("power", "pow", "float_power") and numpy.dtype(dtype).kind == "c" else 8
    @testing.numpy_compare(rtol=scan_tol(dtype, k), atol=scan_tol(dtype, k))
    def body(xp):
        a = small_ints(xp, (8, 5), dtype, low=1, high=4, seed=12)
        with warnings.catch_warnings(), numpy.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return getattr(xp, name).accumulate(a, axis=0), getattr(xp, name).accumulate(
                a[0], dtype=dtype)
    body()


@testing.numpy_compare()
def test_sequential_order_is_numpys(xp):
    # subtract and divide have no reduction: they run in NumPy's order, exactly.
    a = testing.random_array(xp, (4, 3000), "float32", seed=13, nonzero=True)
    b = testing.random_array(xp, (3000, 4), "float64", seed=14, low=0.5, high=1.5)
    return xp.subtract.accumulate(a, axis=1), xp.divide.accumulate(b, axis=0)


@testing.numpy_compare()
def test_accumulate_keyword_forms(xp):
    a = small_ints(xp, (4, 5), "int32")
    o = xp.zeros((4, 5), numpy.int64)
    xp.add.accumulate(a, 1, None, out=(o,))
    return (xp.add.accumulate(a), xp.add.accumulate(a, axis=(1,)),
            xp.add.accumulate(a[0], axis=None), o)


# -- errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda xp, a: xp.sin.accumulate(a),
    lambda xp, a: xp.divmod.accumulate(a),
    lambda xp, a: xp.matmul.accumulate(a),
    lambda xp, a: xp.add.accumulate(a[0, 0]),
    lambda xp, a: xp.add.accumulate(a, axis=2),
    lambda xp, a: xp.add.accumulate(a, axis=(0, 1)),
    lambda xp, a: xp.add.accumulate(a, axis=None),
    lambda xp, a: xp.add.accumulate(a, out=xp.zeros((3, 3))),
    lambda xp, a: xp.equal.accumulate(a),
    lambda xp, a: xp.subtract.accumulate(a > 0),
    lambda xp, a: xp.cumsum(a, axis=2),
    lambda xp, a: xp.cumsum(a, axis=(1,)),
    lambda xp, a: xp.cumsum(a, axis=1.0),
    # (NumPy accepts a (6, 1) out for a (6,) result when it must cast, a quirk of its
    # buffered path that cuarray does not follow: same dtype here)
    lambda xp, a: xp.cumsum(a, out=xp.zeros((6, 1), numpy.float32)),
    lambda xp, a: xp.cumsum(a[0, 0], axis=1),
    lambda xp, a: xp.cumulative_sum(a),
    lambda xp, a: xp.cumulative_prod(a, axis=-3),
    lambda xp, a: xp.cumulative_sum(a, axis=1, out=xp.zeros((2, 3)), include_initial=True),
])
@testing.numpy_compare(accept_error=True)
def test_errors(xp, call):
    a = small_ints(xp, (2, 3), "float32")
    return call(xp, a)


def test_numpy_array_input_is_rejected():
    import cuarray
    with pytest.raises(TypeError):
        cuarray.add.accumulate(numpy.ones(3))
    with pytest.raises(TypeError):
        cuarray.cumsum(numpy.ones(3))
