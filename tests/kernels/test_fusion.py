"""cuarray.fuse on the GPU: fused results equal the eager ones (exactly, for elementwise chains)."""

import warnings

import numpy
import pytest

import cuarray
from cuarray import testing
from cuarray._ufunc.fusion import FusionFallbackWarning

pytestmark = pytest.mark.gpu


def _rand(shape, dtype, seed, **kw):
    return testing.random_array(cuarray, shape, dtype, seed=seed, **kw)


def _same(fused, eager):
    if isinstance(eager, tuple):
        assert isinstance(fused, tuple) and len(fused) == len(eager)
        for f, e in zip(fused, eager):
            _same(f, e)
        return
    assert fused.dtype == eager.dtype and fused.shape == eager.shape
    numpy.testing.assert_array_equal(fused.get(), eager.get())


def _check(func, *args):
    """Fused and eager results must match exactly, with no fallback."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", FusionFallbackWarning)
        fused = cuarray.fuse(func)(*args)
    _same(fused, func(*args))
    return fused


def test_issue_chain():
    x, y = _rand((1 << 16,), "float32", 1), _rand((1 << 16,), "float32", 2)
    r = _check(lambda x, y: x * 2 + y * 3 - 1, x, y)
    numpy.testing.assert_array_equal(r.get(), x.get() * 2 + y.get() * 3 - 1)


@pytest.mark.parametrize("dx,dy", [("float32", "float64"), ("int8", "float16"),
                                   ("int32", "uint8"), ("uint16", "int64"), ("float16", "float16"),
                                   ("complex64", "float32"), ("bool", "int8")])
def test_mixed_dtypes_and_scalars(dx, dy):
    x = _rand((7, 33), dx, 3)
    y = _rand((33,), dy, 4)

    def f(a, b):
        return cuarray.absolute(a * 3 - b) + 2.5 * b

    _check(f, x, y)

    def g(a, b):
        return (a + b) * a - 1
    _check(g, x, y)


def test_math_functions_half_rounding():
    x = _rand((1000,), "float16", 5, low=0.1, high=4)
    _check(lambda a: cuarray.sqrt(cuarray.exp(a) * a) - cuarray.log1p(a) / 3, x)


def test_broadcasting_three_inputs():
    a, b, c = _rand((4, 1, 5), "float64", 6), _rand((3, 1), "float64", 7), _rand((5,), "float64", 8)
    _check(lambda a, b, c: cuarray.maximum(a, b) * c + cuarray.minimum(b, c), a, b, c)


def test_noncontiguous_inputs_keep_layout():
    x = _rand((64, 32), "float32", 9).T
    y = _rand((32, 128), "float32", 10)[:, ::2]
    r = _check(lambda x, y: x * y + 1, x, y)
    assert r.shape == (32, 64)


def test_scalar_argument_changes_between_calls():
    f = cuarray.fuse(lambda x, k: x * k + 1)
    x = _rand((100,), "float32", 11)
    for k in (2.0, -3.5, 7.25):
        _same(f(x, k), x * k + 1)
    assert len(f._kernels) == 1           # one kernel: scalars are parameters


def test_closure_and_nested_function():
    scale = 2.0

    def inner(x):
        return x * scale - 1
    f = cuarray.fuse(inner)
    x = _rand((50,), "float64", 12)
    _same(f(x), x * 2.0 - 1)
    scale = 5.0                             # a rebound closure variable: traced afresh
    _same(f(x), x * 5.0 - 1)
    assert len(f._kernels) == 1


def test_decorator_forms_and_kernel_name():
    @cuarray.fuse
    def a(x):
        return x + 1

    @cuarray.fuse()
    def b(x):
        return x + 2

    @cuarray.fuse(kernel_name="my_kernel")
    def c(x):
        return x + 3
    x = _rand((10,), "int32", 13)
    _same(a(x), x + 1)
    _same(b(x), x + 2)
    _same(c(x), x + 3)
    assert c.name == "my_kernel" and a.__name__ == "a"


def test_multiple_outputs_divmod_and_numpy_scalar():
    x = _rand((20,), "int32", 14, low=-50, high=50)
    y = _rand((20,), "int32", 15, low=1, high=9)

    def f(x, y):
        q, r = divmod(x, y)
        return q * numpy.int32(3), r + x
    _check(f, x, y)


def test_fused_calls_fused_and_astype():
    inner = cuarray.fuse(lambda x: x * x)
    x = _rand((64,), "float32", 16)
    _check(lambda x: (inner(x) + 1).astype(numpy.float16) * 2, x)


def test_returns_argument_itself():
    x = _rand((5,), "float32", 17)
    f = cuarray.fuse(lambda x: (x, x + 1))
    r0, r1 = f(x)
    assert r0 is x
    _same(r1, x + 1)


@pytest.mark.parametrize("red,axis,dtype", [
    ("sum", None, "float64"), ("sum", 1, "float32"), ("sum", 0, "int32"), ("max", 0, "float32"),
    ("min", (0, 1), "int64"), ("prod", 1, "int8"), ("all", 1, "float32"), ("any", None, "int16"),
])
def test_trailing_reduction(red, axis, dtype):
    x = _rand((300, 40), dtype, 18)
    y = _rand((40,), dtype, 19)

    def f(x, y):
        return getattr(cuarray, red)(x * y + 1, axis=axis)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FusionFallbackWarning)
        fused = cuarray.fuse(f)(x, y)
    eager = f(x, y)
    assert fused.dtype == eager.dtype and fused.shape == eager.shape
    if numpy.dtype(dtype).kind == "f" and red in ("sum", "prod"):
        e = eager.get()
        numpy.testing.assert_allclose(fused.get(), e, rtol=1e-5, atol=1e-5 * abs(e).max())
    else:
        numpy.testing.assert_array_equal(fused.get(), eager.get())


def test_reduction_method_keepdims():
    x = _rand((32, 16), "float64", 20)
    f = cuarray.fuse(lambda x: (x * x).sum(axis=1, keepdims=True))
    r = f(x)
    assert r.shape == (32, 1)
    numpy.testing.assert_allclose(r.get(), (x.get() ** 2).sum(1, keepdims=True), rtol=1e-12)


@pytest.mark.parametrize("func", [
    lambda x: x[0] + 1,                                  # indexing
    lambda x: x + 1 if (x > 0).all() else x - 1,          # control flow on values
    lambda x: cuarray.where(x > 0, x, 0.0),               # a routine that is not a ufunc
    lambda x: cuarray.sum(x + 1) * 2,                     # elementwise after a reduction
])
def test_fallback_warns_and_matches_eager(func):
    x = _rand((8, 3), "float32", 21)
    with pytest.warns(FusionFallbackWarning):
        fused = cuarray.fuse(func)(x)
    _same(fused, func(x))


def test_inplace_falls_back_and_updates_input():
    def f(x):
        x += 1
        return x * 2
    a = _rand((6,), "int64", 22)
    b = a.copy()
    with pytest.warns(FusionFallbackWarning):
        r = cuarray.fuse(f)(a)
    expect = f(b)
    _same(r, expect)
    _same(a, b)


def test_broadcast_error_is_numpys():
    f = cuarray.fuse(lambda x, y: x + y)
    with pytest.raises(ValueError):
        f(_rand((3,), "float32", 23), _rand((4,), "float32", 24))


def test_scalars_only_calls_python():
    f = cuarray.fuse(lambda a, b: a * b + 1)
    assert f(2, 3) == 7


def test_empty_arrays():
    x = cuarray.empty((0, 5), dtype=numpy.float32)
    _check(lambda x: x * 2 + 1, x)
