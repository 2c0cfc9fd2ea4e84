"""poly1d, the poly* functions and cuarray.polynomial's classes against NumPy.

CPU tests: polyval's kernel runs on the host (a CUDA shim) for every pairing of the
coefficients' and the points' dtypes and matches NumPy's values and dtypes (float16 and
complex included); NVRTC compiles it; the classes behave as NumPy's on host values and
keep their class through arithmetic.  GPU tests compare the public functions with NumPy.
"""

import importlib.util
import pathlib
import warnings

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._core.dtypes import COMPUTE
from cuarray._engine import source as _src
from cuarray._routines import polynomials as P

_spec = importlib.util.spec_from_file_location(
    "_host_kernels", pathlib.Path(__file__).with_name("_host_kernels.py"))
hostk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostk)

X_DTYPES = ["float32", "float64", "int8", "float16", "complex64", "bool", "uint16"]
P_DTYPES = ["float64", "int32", "float16", "complex128", "bool", "float32"]
U8, I8 = np.dtype("uint64"), np.dtype("int64")


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    return hostk.host_kernels(tmp_path_factory)


def _values(rng, dt, n):
    dt = np.dtype(dt)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(dt)
    if dt.kind in "iu":
        return rng.integers(0 if dt.kind == "u" else -3, 4, n).astype(dt)
    v = rng.uniform(-2, 2, n)
    if dt.kind == "c":
        v = v + 1j * rng.uniform(-2, 2, n)
    return v.astype(dt)


@pytest.mark.parametrize("xd", X_DTYPES)
@pytest.mark.parametrize("pd", P_DTYPES)
def test_polyval_kernel_on_host(host, xd, pd):
    rng = np.random.default_rng(0)
    x, p = _values(rng, xd, 60), _values(rng, pd, 7)
    if x.dtype.kind in "fc":
        x[:3] = [np.inf, -0.0, np.nan]
    res = np.result_type(x.dtype, p.dtype)
    op = P.polyval_op(x.dtype, p.dtype, res)
    xc = COMPUTE.get(x.dtype, x.dtype)
    pc = np.ascontiguousarray(p)
    out = host.elementwise(op, [x, np.uint64(pc.ctypes.data), np.int64(len(p))],
                           (xc, U8, I8), (res,), len(x))[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = np.polyval(p, x)
    assert out.dtype == ref.dtype
    np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize("xd", X_DTYPES)
@pytest.mark.parametrize("pd", ["float64", "float16", "complex128"])
def test_polyval_kernel_compiles(xd, pd):
    xd, pd = np.dtype(xd), np.dtype(pd)
    res = np.result_type(xd, pd)
    op = P.polyval_op(xd, pd, res)
    src = _src.elementwise_source("k", op.body, op.preamble, (xd, U8, I8),
                                  (COMPUTE.get(xd, xd), U8, I8), (res,),
                                  (COMPUTE.get(res, res),), _src.Layout("ass", "nd2", "int"))
    hostk.compile_sm90(src)


@pytest.mark.parametrize("name", ["Polynomial", "Chebyshev", "Legendre", "Laguerre",
                                  "Hermite", "HermiteE"])
def test_classes_on_host_values_are_numpys(name):
    cls, np_cls = getattr(cuarray.polynomial, name), getattr(np.polynomial, name)
    p, q = cls([1.0, -2.0, 3.0], domain=[0, 2]), np_cls([1.0, -2.0, 3.0], domain=[0, 2])
    assert isinstance(p, np_cls)
    for got, ref in ((p + p, q + q), (p * 2 - 1, q * 2 - 1), (p.deriv(), q.deriv()),
                     (p.integ(k=1), q.integ(k=1)), (p ** 2, q ** 2), (p // (p - 3), q // (q - 3))):
        assert type(got) is cls
        np.testing.assert_allclose(got.coef, ref.coef)
        np.testing.assert_allclose(got.domain, ref.domain)
    np.testing.assert_allclose(p(0.3), q(0.3))
    conv = p.convert(kind=cuarray.polynomial.Polynomial)
    assert type(conv) is cuarray.polynomial.Polynomial
    np.testing.assert_allclose(conv.coef, q.convert(kind=np.polynomial.Polynomial).coef)
    x = np.linspace(0, 2, 20)
    fit = cls.fit(x, x ** 2, 3)
    assert type(fit) is cls
    np.testing.assert_allclose(fit.coef, np_cls.fit(x, x ** 2, 3).coef, atol=1e-12)
    assert str(p) == str(q)


@pytest.mark.parametrize("fn", ["polyval", "polyadd", "polymul", "polyder", "roots"])
def test_host_arrays_are_refused(fn):
    args = {"polyval": (np.ones(3), np.ones(3)), "polyadd": (np.ones(3), np.ones(2)),
            "polymul": (np.ones(3), np.ones(2)), "polyder": (np.ones(3),),
            "roots": (np.ones(3),)}[fn]
    with pytest.raises(TypeError):
        getattr(cuarray, fn)(*args)


# =================================================================================================
# GPU
# =================================================================================================
gpu = pytest.mark.gpu
TOL = {"rtol": {"float16": 2e-3, "float32": 1e-5, "complex64": 1e-5, "default": 1e-12},
       "atol": {"float16": 2e-3, "float32": 1e-5, "complex64": 1e-5, "default": 1e-12}}


@gpu
@pytest.mark.parametrize("xd", X_DTYPES + ["int64"])
@pytest.mark.parametrize("pd", P_DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (7,), (3, 4)])
@testing.numpy_compare(**TOL)
def test_polyval(xp, xd, pd, shape):
    p = testing.random_array(xp, (5,), pd, seed=1, low=-2, high=3)
    x = testing.random_array(xp, shape, xd, seed=2, low=0 if xd[0] == "u" else -2, high=3)
    return xp.polyval(p, x)


@gpu
@pytest.mark.parametrize("layout", ["F", "transposed", "negative_stride", "sliced"])
@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_polyval_layouts_and_scalars(xp, layout):
    p = testing.random_array(xp, (4,), "float64", seed=3, layout="negative_stride")
    x = testing.random_array(xp, (3, 5, 2), "float32", seed=4, layout=layout)
    return xp.polyval(p, x), xp.polyval(p, 1.5), xp.polyval(p[:0], x)


@gpu
@testing.numpy_compare(accept_error=TypeError)
def test_polyval_of_0d_coefficients_raises(xp):
    return xp.polyval(testing.random_array(xp, (), "float64"), 1.0)


@gpu
@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_polyval_of_a_poly1d_is_composition(xp):
    p = xp.poly1d(xp.asarray([1.0, -2.0, 0.5]))
    q = xp.poly1d(xp.asarray([3.0, 1.0]))
    return xp.polyval(p, q).coeffs, p(q).coeffs, p(2.0)


@gpu
@pytest.mark.parametrize("fn", ["polyadd", "polysub", "polymul"])
@pytest.mark.parametrize("n1,n2", [(1, 1), (3, 5), (5, 3), (4, 4)])
@pytest.mark.parametrize("dtypes", [("float64", "float64"), ("int32", "float32"),
                                    ("complex128", "int8"), ("bool", "int16")])
@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_polyadd_sub_mul(xp, fn, n1, n2, dtypes):
    if fn == "polysub" and dtypes[0] == "bool":
        dtypes = ("int8", "int16")
    a = testing.random_array(xp, (n1,), dtypes[0], seed=5)
    b = testing.random_array(xp, (n2,), dtypes[1], seed=6)
    return getattr(xp, fn)(a, b)


@gpu
@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_polymul_strips_leading_zeros_and_keeps_poly1d(xp):
    a = xp.asarray(np.array([0.0, 0.0, 1.0, 2.0]))
    b = xp.asarray(np.array([0.0, 3.0]))
    z = xp.asarray(np.array([0.0, 0.0]))
    pm = xp.polymul(xp.poly1d(a), b)
    return xp.polymul(a, b), xp.polymul(a, z), pm.coeffs, type(pm).__name__


@gpu
@pytest.mark.parametrize("dtype", ["float64", "int64", "float32", "complex128", "bool"])
@pytest.mark.parametrize("m", [0, 1, 2, 5])
@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_polyder_polyint(xp, dtype, m):
    p = testing.random_array(xp, (5,), dtype, seed=7)
    return xp.polyder(p, m), xp.polyint(p, m), xp.polyint(p, m, k=[1.5] * max(m, 1)), \
        xp.polyint(p, m, k=2)


@gpu
@pytest.mark.parametrize("case", ["neg_der", "neg_int", "k_short"])
@testing.numpy_compare(accept_error=ValueError)
def test_polyder_polyint_errors(xp, case):
    p = testing.random_array(xp, (3,), "float64", seed=8)
    if case == "neg_der":
        return xp.polyder(p, -1)
    if case == "neg_int":
        return xp.polyint(p, -1)
    return xp.polyint(p, 3, k=[1.0, 2.0])


@gpu
@pytest.mark.parametrize("nu,nv", [(5, 2), (3, 3), (2, 4), (1, 1), (6, 1)])
@pytest.mark.parametrize("dtypes", [("float64", "float64"), ("int32", "float32"),
                                    ("complex128", "float64")])
@testing.numpy_compare(rtol=1e-10, atol=1e-10)
def test_polydiv(xp, nu, nv, dtypes):
    u = testing.random_array(xp, (nu,), dtypes[0], seed=9, nonzero=True)
    v = testing.random_array(xp, (nv,), dtypes[1], seed=10, nonzero=True)
    return xp.polydiv(u, v)


@gpu
@pytest.mark.parametrize("coeffs", [[1.0, -3.0, 2.0], [0.0, 0.0, 1.0, 0.0, 0.0], [0.0, 0.0],
                                    [2.0], [1.0, 0.0, 1.0], [1, 2, 3, 4, 5]])
@testing.numpy_compare(rtol=1e-10, atol=1e-10)
def test_roots(xp, coeffs):
    return xp.roots(xp.asarray(np.array(coeffs)))


@gpu
@pytest.mark.parametrize("zeros", [[1.0, 2.0, 3.0], [1j, -1j, 2.0], [], [0.5], "matrix"])
@testing.numpy_compare(rtol=1e-10, atol=1e-10)
def test_poly(xp, zeros):
    if zeros == "matrix":
        return xp.poly(testing.random_array(xp, (3, 3), "float64", seed=11))
    return xp.poly(xp.asarray(np.array(zeros, dtype=complex if 1j in zeros else float)))


@gpu
@pytest.mark.parametrize("deg", [0, 1, 3])
@pytest.mark.parametrize("ydim", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
@testing.numpy_compare(rtol=1e-8, atol=1e-8)
def test_polyfit(xp, deg, ydim, weighted):
    x = testing.random_array(xp, (20,), "float64", seed=12)
    y = testing.random_array(xp, (20,) if ydim == 1 else (20, 3), "float64", seed=13)
    w = testing.random_array(xp, (20,), "float64", seed=14, low=0.5, high=2) if weighted \
        else None
    c = xp.polyfit(x, y, deg, w=w)
    c2, cov = xp.polyfit(x, y, deg, w=w, cov=True)
    full = xp.polyfit(x, y, deg, w=w, full=True)
    return c, c2, cov, full[0], full[1], int(full[2]), full[3]


@gpu
@pytest.mark.parametrize("case", ["deg", "x2d", "xempty", "ylen", "wlen"])
@testing.numpy_compare(accept_error=(TypeError, ValueError))
def test_polyfit_errors(xp, case):
    x = testing.random_array(xp, (6,), "float64", seed=15)
    y = testing.random_array(xp, (6,), "float64", seed=16)
    if case == "deg":
        return xp.polyfit(x, y, -1)
    if case == "x2d":
        return xp.polyfit(x.reshape(2, 3), y, 1)
    if case == "xempty":
        return xp.polyfit(x[:0], y[:0], 1)
    if case == "ylen":
        return xp.polyfit(x, y[:4], 1)
    return xp.polyfit(x, y, 1, w=x[:3])


@gpu
def test_polyfit_rank_warning():
    x = cuarray.asarray(np.ones(5))
    y = cuarray.asarray(np.arange(5.0))
    with pytest.warns(np.exceptions.RankWarning):
        cuarray.polyfit(x, y, 3)


@gpu
@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_poly1d(xp):
    c = xp.asarray(np.array([0.0, 2.0, -1.0, 3.0]))
    p = xp.poly1d(c)
    q = xp.poly1d(xp.asarray(np.array([1.0, 1.0])), variable="t")
    r = xp.poly1d(xp.asarray(np.array([1.0, -2.0])), r=True)
    x = testing.random_array(xp, (6,), "float64", seed=17)
    out = [p.coeffs, p.order, len(p), p(x), p(2.0), (p + q).coeffs, (p - 1).coeffs,
           (2 * p).coeffs, (p * q).coeffs, (p ** 3).coeffs, (-p).coeffs, (p / 2).coeffs,
           p.deriv().coeffs, p.integ(2, 1.0).coeffs, r.coeffs, q.variable,
           str(p), repr(p), str(q), p[0], p[1], p[7], bool(p == p), p != q]
    quot, rem = p / q
    out += [quot.coeffs, rem.coeffs]
    s = xp.poly1d(c.copy())
    s[5] = 4.0
    out.append(s.coeffs)
    return out


@gpu
@testing.numpy_compare(accept_error=ValueError)
def test_poly1d_errors(xp):
    return xp.poly1d(xp.ones((2, 2)))


@gpu
@pytest.mark.parametrize("name", ["Polynomial", "Chebyshev", "Legendre", "Laguerre",
                                  "Hermite", "HermiteE"])
@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128"])
def test_classes_evaluate_on_the_device(name, dtype):
    cls, np_cls = getattr(cuarray.polynomial, name), getattr(np.polynomial, name)
    coef = cuarray.asarray(np.array([0.5, -1.0, 2.0, 0.25]))
    p = cls(coef, domain=[-1, 3])
    q = np_cls([0.5, -1.0, 2.0, 0.25], domain=[-1, 3])
    x = testing.random_array(np, (4, 5), dtype, seed=18, low=-1, high=3)
    got = p(cuarray.asarray(x))
    assert isinstance(got, cuarray.ndarray)
    ref = q(x)
    assert got.dtype == ref.dtype and got.shape == ref.shape
    testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    xs, ys = p.linspace(7)
    rx, ry = q.linspace(7)
    testing.assert_allclose(xs, rx, rtol=1e-14, atol=1e-14)
    testing.assert_allclose(ys, ry, rtol=1e-12, atol=1e-12)
    roots = p.roots()
    assert isinstance(roots, cuarray.ndarray)
    testing.assert_allclose(roots, q.roots(), rtol=1e-10, atol=1e-10)
    fit = cls.fit(cuarray.asarray(rx), cuarray.asarray(ry), 3)
    np.testing.assert_allclose(fit.coef, np_cls.fit(rx, ry, 3).coef, atol=1e-10)
