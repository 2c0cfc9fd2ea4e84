"""cholesky, qr, svd, svdvals, eig, eigvals, eigh, eigvalsh against NumPy.

Factors that are unique (Cholesky, singular values, eigenvalues of Hermitian matrices)
compare directly; the others through what is unique about them: reconstructions
(Q R, U S V^H, V diag(w) V^H, A V - V diag(w)), orthogonality, column norms,
symmetric functions of general eigenvalues, and their dtypes, shapes and layouts.

Each test body runs on the GPU where one is usable and otherwise on the host
emulation of tests/linalg/conftest.py (the ``backend`` fixture).  CPU-only tests
check the cuSOLVER facade's calls against nvmath's documented signatures, the dtype
rules against NumPy's own, the SVD algorithm policy and the generated kernels.
"""

import importlib.util
import pathlib

import numpy
import pytest

import cuarray
from cuarray import testing
from cuarray.cuda import _cusolver
from cuarray.linalg import _common, _svd

_spec = importlib.util.spec_from_file_location(
    "_linalg_inputs", pathlib.Path(__file__).with_name("_inputs.py"))
_inputs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_inputs)
FLOATS, TOL, LAYOUTS = _inputs.FLOATS, _inputs.TOL, _inputs.LAYOUTS
place, general = _inputs.place, _inputs.general
LinAlgError = numpy.linalg.LinAlgError


def positive_definite(shape, dtype, seed=0):
    """A A^H + n I: well conditioned; integer dtypes get integer entries."""
    dt = numpy.dtype(dtype)
    a = general(shape, "complex128" if dt.kind == "c" else "float64", seed)
    if dt.kind in "iub":
        a = numpy.round(3 * a)
    n = shape[-1]
    x = a @ numpy.swapaxes(a.conj(), -1, -2) + n * numpy.eye(n)
    return x.astype(dt)


def hermitian(shape, dtype, seed=0):
    a = general(shape, dtype, seed)
    return ((a + numpy.swapaxes(a.conj(), -1, -2)) / 2).astype(a.dtype)


def meta(x):
    """What NumPy and cuarray must agree on beyond values: shape, dtype and layout."""
    return (tuple(x.shape), str(x.dtype), bool(x.flags.c_contiguous), bool(x.flags.f_contiguous))


def herm_t(xp, x):
    return xp.conj(x.swapaxes(-1, -2))


# -- CPU: the facade's calls match nvmath's signatures ---------------------------------------------
def _signature(fn):
    head = fn.__doc__.strip().split("\n")[0]
    params = [p.strip() for p in head[head.index("(") + 1:head.rindex(")")].split(",")]
    ret = head.split("->")[-1].strip() if "->" in head else None
    return [p for p in params if p], ret


class _Recorder:
    """Stands in for an nvmath.bindings module: every call is checked against the real
    function's documented signature (argument count, integer arguments)."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def __getattr__(self, name):
        params, ret = _signature(getattr(self.real, name))

        def call(*args):
            assert len(args) == len(params), f"{name}: {len(args)} arguments for {params}"
            for p, a in zip(params, args):
                kind = p.rsplit(" ", 1)[0] if " " in p else "object"
                if kind == "double":
                    assert isinstance(a, (int, float)), f"{name}: {p} = {a!r}"
                else:
                    assert isinstance(a, int) and not isinstance(a, bool), f"{name}: {p}={a!r}"
            self.calls.append(name)
            return {"int": 64, "tuple": (256, 32), "double": 0.0, "intptr_t": 5,
                    "size_t": 64}.get(ret)
        return call


@pytest.fixture
def recorded(monkeypatch):
    pytest.importorskip("nvmath.bindings.cusolverDn")
    import nvmath.bindings.cublas
    import nvmath.bindings.cusolverDn
    from cuarray.cuda import _handles, memory
    mods = {"cusolver": _Recorder(nvmath.bindings.cusolverDn),
            "cublas": _Recorder(nvmath.bindings.cublas)}
    monkeypatch.setattr(_handles, "_binding", lambda lib: mods[lib])
    monkeypatch.setattr(_handles, "get_cusolver_handle", lambda: 11)
    monkeypatch.setattr(_handles, "get_cublas_handle", lambda: 12)

    class _Mem:
        ptr = 4096
    monkeypatch.setattr(memory, "alloc", lambda n: _Mem())
    monkeypatch.setattr(_cusolver, "_host_done", lambda hsize: None)
    monkeypatch.setattr(_cusolver, "_params", None)      # keep the real caches clean
    monkeypatch.setattr(_cusolver, "_jacobi", {})
    return mods


@pytest.mark.parametrize("dtype", FLOATS)
def test_facade_calls_match_nvmath_signatures(recorded, dtype):
    dt = numpy.dtype(dtype)
    cs, ws, P = _cusolver, _cusolver.Workspace(), 1 << 20
    cs.potrf(ws, dt, cs.UPPER, 4, P, 4, P, 2, 128)
    cs.potrf_batched(dt, cs.LOWER, 4, P, 4, P, 3)
    cs.getrf(ws, dt, 4, P, 4, P, P, 2, 128)
    cs.getrs(dt, cs.OP_T, 4, 2, P, 4, P, P, 4, P, 2, 128, 64)
    cs.getrf_batched(dt, 4, P, 4, P, P, 3)
    cs.getrs_batched(dt, cs.OP_T, 4, 2, P, 4, P, P, 4, 3)
    cs.getri_batched(dt, 4, P, 4, P, P, 4, P, 3)
    cs.geqrf(ws, dt, 5, 3, P, 5, P, P, 2, 120, 24)
    cs.orgqr(ws, dt, 5, 3, 3, P, 5, P, P, 2, 120, 24)
    cs.syevd(ws, dt, cs.VECTOR, cs.UPPER, 4, P, 4, P, P, 2, 128, 32)
    cs.syevj_batched(ws, dt, cs.VECTOR, cs.LOWER, 4, P, 4, P, P, 3)
    cs.gesvd(ws, dt, "A", 5, 3, P, 5, P, P, 5, P, 3, P, 2, (120, 24, 200, 72))
    cs.gesvd(ws, dt, "N", 5, 3, P, 5, P, 0, 5, 0, 3, P)
    cs.gesvdj(ws, dt, cs.VECTOR, 1, 3, 5, P, 3, P, P, 3, P, 5, P, 2, (120, 24, 72, 120))
    cs.gesvdj_batched(ws, dt, cs.NOVECTOR, 3, 5, P, 3, P, P, 3, P, 5, P, 4)
    assert cs.gesvdp(ws, dt, cs.VECTOR, 0, 5, 3, P, 5, P, P, 5, P, 3, P) == 0.0
    cs.geev(ws, dt, cs.VECTOR, 4, P, 4, P, P, 4, P, 2, (128, 64, 128))
    cs.geev(ws, dt, cs.NOVECTOR, 4, P, 4, P, 0, 4, P)
    letter = {"float32": "s", "float64": "d", "complex64": "c", "complex128": "z"}[dtype]
    called = set(recorded["cusolver"].calls)
    herm = letter in "cz"
    for name in ("potrf_batched", "gesvdj", "gesvdj_batched",
                 "heevj_batched" if herm else "syevj_batched", "ungqr" if herm else "orgqr"):
        assert letter + name in called
    for name in ("xpotrf", "xgetrf", "xgetrs", "xgeqrf", "xsyevd", "xgesvd", "xgesvdp", "xgeev",
                 "create_params", "create_gesvdj_info", "create_syevj_info"):
        assert name in called
    assert {letter + n for n in ("getrf_batched", "getrs_batched", "getri_batched")} <= set(
        recorded["cublas"].calls)


# -- CPU: the namespace ----------------------------------------------------------------------------
OWN = ["cholesky", "qr", "svd", "svdvals", "eig", "eigvals", "eigh", "eigvalsh", "solve", "inv",
       "pinv", "lstsq", "det", "slogdet", "matrix_rank", "norm", "matrix_norm", "vector_norm",
       "cond", "tensorsolve", "tensorinv"]


def test_linalg_error_is_numpys():
    assert cuarray.linalg.LinAlgError is numpy.linalg.LinAlgError
    assert issubclass(cuarray.linalg.LinAlgError, ValueError)


@pytest.mark.parametrize("name", OWN)
def test_signatures_are_numpys(name):
    """Same parameter names, kinds and defaults (positional-only and keyword-only too)."""
    import inspect

    def params(fn):
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]
    assert params(getattr(cuarray.linalg, name)) == params(getattr(numpy.linalg, name))


# -- CPU: dtype rules and the SVD policy -----------------------------------------------------------
DTYPES = ["bool", "int8", "uint16", "int64", "float16", "float32", "float64", "complex64",
          "complex128"]


@pytest.mark.parametrize("first", DTYPES)
@pytest.mark.parametrize("second", [None] + DTYPES)
def test_result_dtype_is_numpys_common_type(first, second):
    from numpy.linalg import _linalg
    arrays = [numpy.zeros(1, first)] + ([] if second is None else [numpy.zeros(1, second)])
    try:
        want = numpy.dtype(_linalg._commonType(*arrays)[1])
    except TypeError as e:
        with pytest.raises(TypeError, match="unsupported in linalg"):
            _common.result_dtype(*(a.dtype for a in arrays))
        assert "unsupported in linalg" in str(e)
        return
    assert _common.result_dtype(*(a.dtype for a in arrays)) == want


def test_svd_driver_policy(monkeypatch):
    monkeypatch.delenv("CUARRAY_SVD_DRIVER", raising=False)
    assert _svd.svd_driver(8, 8) == "gesvdj_batched"
    assert _svd.svd_driver(32, 5) == "gesvdj_batched"
    assert _svd.svd_driver(33, 5) == "gesvdj"
    assert _svd.svd_driver(5000, _svd.JACOBI_MAX) == "gesvdj"
    assert _svd.svd_driver(2048, 2048) == "gesvdp"
    monkeypatch.setenv("CUARRAY_SVD_DRIVER", "gesvd")
    assert _svd.svd_driver(8, 8) == "gesvd"
    monkeypatch.setenv("CUARRAY_SVD_DRIVER", "gesvdj_batched")
    assert _svd.svd_driver(40, 8) == "gesvdj"          # the batched Jacobi stops at 32
    monkeypatch.setenv("CUARRAY_SVD_DRIVER", "gesvda")
    with pytest.raises(ValueError, match="CUARRAY_SVD_DRIVER"):
        _svd.svd_driver(8, 8)


@pytest.mark.parametrize("m,n,full", [(3, 5, True), (5, 3, False), (0, 4, True), (4, 0, False)])
def test_svd_shapes_are_numpys(m, n, full):
    u, s, vh = numpy.linalg.svd(numpy.ones((2, m, n)), full_matrices=full)
    assert _svd.svd_shapes((2,), m, n, full) == (u.shape, s.shape, vh.shape)


# -- CPU: the kernels linalg generates ------------------------------------------------------------
def test_generated_kernels_compile_for_sm90():
    from cuarray._engine import source as src
    from cuarray.cuda.compiler import compile_to_cubin
    i64 = numpy.dtype(numpy.int64)
    for lower in (True, False):
        op = _common.triangle_op(lower)
        for dt in map(numpy.dtype, FLOATS):
            for variant in ("vec2", "flat", "nd3"):
                compile_to_cubin(src.elementwise_source(
                    "k", op.body, op.preamble, (dt, i64, i64, i64), (dt, i64, i64, i64), (dt,),
                    (dt,), src.Layout(("a", "s", "s", "s"), variant, "long long")), arch="sm_90")
    for ctype in ("float", "double"):
        compile_to_cubin(_svd.abs_desc_order_source("k", ctype), arch="sm_90")


@pytest.mark.parametrize("values", [[-3.0, -1.0, 0.5, 2.0], [-2.0, -1.0, 1.0, 2.0], [1.0, 2.0],
                                    [-5.0, -4.0], [0.0], [-1.0, 1.0], [-3.0, 0.0, 0.0, 3.0]])
def test_abs_desc_order_kernel_on_the_host(host_module, values):
    """The hermitian SVD's order is NumPy's argsort(|w|)[::-1] of ascending w (ties: the
    later index first, as a stable argsort reversed)."""
    w = numpy.array([values, values[::-1][::-1]], numpy.float64)
    perm = numpy.full(w.shape, -1, numpy.int64)
    name = "order"
    fn = host_module(_svd.abs_desc_order_source(name, "double")).get_function(name)
    fn(1, 4, (w.ctypes.data, perm.ctypes.data, w.shape[0], w.shape[1]))
    want = numpy.argsort(numpy.abs(w), axis=-1, kind="stable")[..., ::-1]
    numpy.testing.assert_array_equal(perm, want)


# -- cholesky --------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (4, 4), (3, 5, 5), (2, 2, 6, 6), (40, 40),
                                   (3, 70, 70), (0, 3, 3), (2, 0, 0)])
@pytest.mark.parametrize("dtype", FLOATS + ["int64", "bool"])
@pytest.mark.parametrize("upper", [False, True])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_cholesky(xp, backend, shape, dtype, upper):
    host = numpy.broadcast_to(numpy.eye(shape[-1], dtype=bool), shape) if dtype == "bool" \
        else positive_definite(shape, dtype)
    return xp.linalg.cholesky(place(xp, host), upper=upper)


@pytest.mark.parametrize("layout", LAYOUTS)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_cholesky_layouts(xp, backend, layout):
    host = positive_definite((2, 6, 6), "complex128")
    # Only one triangle is read: the other holds values that would break a wrong read.
    host = numpy.tril(host) + numpy.triu(numpy.full(host.shape, 1e3), 1)
    return xp.linalg.cholesky(place(xp, host, layout))


@pytest.mark.parametrize("shape", [(4, 4), (3, 4, 4), (3, 40, 40)])
@testing.numpy_compare(accept_error=LinAlgError)
def test_cholesky_not_positive_definite(xp, backend, shape):
    host = positive_definite(shape, "float64")
    host[(0,) * (len(shape) - 2)][1, 1] = -100.0      # one bad matrix in the stack
    return xp.linalg.cholesky(place(xp, host))


@pytest.mark.parametrize("fn", ["cholesky", "qr", "svd", "eig", "eigvals", "eigh", "eigvalsh",
                                "svdvals"])
@pytest.mark.parametrize("shape,dtype", [((3,), "float64"), ((), "float64"),
                                         ((3, 4), "float64"), ((3, 3), "float16")])
@testing.numpy_compare(accept_error=(LinAlgError, TypeError))
def test_argument_errors(xp, backend, fn, shape, dtype):
    """Dimensions, squareness and float16 raise as in NumPy, before any kernel."""
    r = getattr(xp.linalg, fn)(xp.asarray(general(shape, dtype)))
    return [meta(x) for x in (r if isinstance(r, tuple) else (r,))]


def test_host_arrays_raise_type_error(backend):
    for fn in (cuarray.linalg.cholesky, cuarray.linalg.svd, cuarray.linalg.eigh):
        with pytest.raises(TypeError, match="numpy.ndarray"):
            fn(numpy.eye(3))
        with pytest.raises(TypeError):
            fn([[1.0, 0.0], [0.0, 1.0]])


# -- qr --------------------------------------------------------------------------------------------
QR_SHAPES = [(5, 3), (3, 5), (4, 4), (2, 6, 4), (2, 4, 6), (1, 1), (0, 3), (3, 0), (2, 0, 3),
             (0, 2, 2), (40, 25)]


@pytest.mark.parametrize("shape", QR_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS + ["int32"])
@pytest.mark.parametrize("mode", ["reduced", "complete"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_qr_factors(xp, backend, shape, dtype, mode):
    a = place(xp, general(shape, dtype))
    q, r = xp.linalg.qr(a, mode=mode)
    eye = xp.matmul(herm_t(xp, q), q)
    # R is unique up to its rows' signs (phases) for a full-rank A.
    return meta(q), meta(r), xp.matmul(q, r), eye, xp.abs(r)


@pytest.mark.parametrize("shape", QR_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mode", ["r", "raw"])
@pytest.mark.parametrize("layout", ["C", "F", "transposed"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_qr_r_and_raw(xp, backend, shape, dtype, mode, layout):
    """R, and LAPACK's reflectors and tau (cuSOLVER's geqrf has LAPACK's conventions),
    with NumPy's layouts (they follow the input's)."""
    return xp.linalg.qr(place(xp, general(shape, dtype), layout), mode=mode)


@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_qr_deprecated_modes(xp, backend):
    a = place(xp, general((5, 3), "float64"))
    with pytest.warns(DeprecationWarning):
        e = xp.linalg.qr(a, mode="economic")
    with pytest.warns(DeprecationWarning):
        q, r = xp.linalg.qr(a, mode="full")
    return e, xp.matmul(q, r)


@testing.numpy_compare(accept_error=ValueError)
def test_qr_bad_mode(xp, backend):
    return xp.linalg.qr(place(xp, general((3, 3), "float64")), mode="bogus")


# -- svd -------------------------------------------------------------------------------------------
SVD_SHAPES = [(3, 5), (5, 3), (4, 4), (2, 3, 5), (2, 5, 3), (1, 1), (0, 3), (3, 0), (2, 0, 3),
              (0, 3, 3), (33, 40), (40, 33), (2, 50, 35), (300, 270), (270, 300)]
DRIVERS = ["auto", "gesvdj_batched", "gesvdj", "gesvdp", "gesvd"]


def _svd_checks(xp, a, full):
    u, s, vh = xp.linalg.svd(a, full_matrices=full)
    k = s.shape[-1]
    uk, vk = u[..., :, :k], vh[..., :k, :]
    recon = xp.matmul(uk * s[..., None, :], vk)
    return (meta(u), meta(vh), s, recon, xp.matmul(herm_t(xp, u), u),
            xp.matmul(vh, herm_t(xp, vh)))


@pytest.mark.parametrize("shape", SVD_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("full", [True, False])
@pytest.mark.parametrize("driver", DRIVERS)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_svd(xp, backend, monkeypatch, shape, dtype, full, driver):
    """Every algorithm, every shape class: singular values, U S V^H = A, orthonormal U, V."""
    if driver == "gesvdj_batched" and max(shape[-2:]) > 32:
        pytest.skip("the batched Jacobi SVD takes matrices up to 32 x 32")
    if driver != "auto":
        monkeypatch.setenv("CUARRAY_SVD_DRIVER", driver)
    return _svd_checks(xp, place(xp, general(shape, dtype)), full)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ["int16", "bool", "float32"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_svd_layouts_and_integers(xp, backend, layout, dtype):
    return _svd_checks(xp, place(xp, general((2, 6, 4), dtype, seed=3), layout), False)


@pytest.mark.parametrize("shape", SVD_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_svd_values_only(xp, backend, shape, dtype):
    a = place(xp, general(shape, dtype))
    return xp.linalg.svd(a, compute_uv=False), xp.linalg.svdvals(a)


def _ill_conditioned(shape, dtype, cond, rank=None, seed=0):
    """U diag(s) V^H with singular values from 1 down to 1/cond (zeros past ``rank``)."""
    rng = numpy.random.default_rng(seed)
    m, n = shape[-2:]
    k = min(m, n)
    u, _ = numpy.linalg.qr(rng.standard_normal(shape[:-2] + (m, m)))
    v, _ = numpy.linalg.qr(rng.standard_normal(shape[:-2] + (n, n)))
    s = numpy.logspace(0, -numpy.log10(cond), k)
    if rank is not None:
        s[rank:] = 0
    return ((u[..., :, :k] * s) @ numpy.swapaxes(v[..., :, :k], -1, -2)).astype(dtype)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (2, 40, 40), (300, 300)])
@pytest.mark.parametrize("driver", DRIVERS)
@testing.numpy_compare(rtol=1e-6, atol=1e-13)
def test_svd_ill_conditioned(xp, backend, monkeypatch, shape, driver):
    """Condition number 1e12: singular values to an absolute eps * s_max; rank-deficient
    matrices (which gesvdp perturbs) too."""
    if driver == "gesvdj_batched" and max(shape[-2:]) > 32:
        pytest.skip("the batched Jacobi SVD takes matrices up to 32 x 32")
    if driver != "auto":
        monkeypatch.setenv("CUARRAY_SVD_DRIVER", driver)
    a = place(xp, _ill_conditioned(shape, "float64", 1e12))
    b = place(xp, _ill_conditioned(shape, "float64", 1e3, rank=2, seed=1))
    s_b = xp.linalg.svd(b, compute_uv=False)
    u, s, vh = xp.linalg.svd(b, full_matrices=False)
    return (xp.linalg.svd(a, compute_uv=False), s_b, s,
            xp.matmul(u * s[..., None, :], vh))


@pytest.mark.parametrize("shape", [(4, 4), (3, 5, 5), (0, 0), (40, 40)])
@pytest.mark.parametrize("dtype", ["float64", "complex128", "float32"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_svd_hermitian(xp, backend, shape, dtype):
    a = place(xp, hermitian(shape, dtype))
    u, s, vh = xp.linalg.svd(a, hermitian=True)
    values = xp.linalg.svd(a, compute_uv=False, hermitian=True)
    return (meta(u), meta(vh), meta(values), s, values, xp.matmul(u * s[..., None, :], vh))


@testing.numpy_compare(accept_error=LinAlgError)
def test_svd_nan_does_not_converge(xp, backend):
    host = general((5, 4), "float64")
    host[1, 2] = numpy.nan
    return xp.linalg.svd(place(xp, host))


# -- eigh, eigvalsh --------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (4, 4), (3, 6, 6), (2, 2, 5, 5), (40, 40),
                                   (2, 40, 40), (2, 0, 0)])
@pytest.mark.parametrize("dtype", FLOATS + ["int32"])
@pytest.mark.parametrize("uplo", ["L", "U", "u"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_eigh(xp, backend, shape, dtype, uplo):
    # Not Hermitian: each UPLO reads its own triangle (the diagonal is real, as LAPACK
    # assumes without reading its imaginary part).
    host = general(shape, dtype)
    if host.dtype.kind == "c" and shape[-1]:
        idx = numpy.arange(shape[-1])
        host[..., idx, idx] = host[..., idx, idx].real
    a = place(xp, host)
    w, v = xp.linalg.eigh(a, UPLO=uplo)
    recon = xp.matmul(v * w[..., None, :], herm_t(xp, v))
    return meta(v), w, xp.linalg.eigvalsh(a, UPLO=uplo), recon, xp.matmul(herm_t(xp, v), v)


@pytest.mark.parametrize("layout", LAYOUTS)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_eigh_layouts(xp, backend, layout):
    a = place(xp, general((2, 5, 5), "complex128"), layout)
    w, v = xp.linalg.eigh(a)
    return w, xp.matmul(v * w[..., None, :], herm_t(xp, v))


@testing.numpy_compare(accept_error=ValueError)
def test_eigh_bad_uplo(xp, backend):
    return xp.linalg.eigh(place(xp, general((3, 3), "float64")), UPLO="X")


# -- eig, eigvals ----------------------------------------------------------------------------------
def _eig_checks(xp, a):
    w, v = xp.linalg.eig(a)
    residual = xp.matmul(a.astype(v.dtype), v) - v * w[..., None, :]
    norms = xp.sum(xp.abs(v) ** 2, axis=-2)          # LAPACK normalises to unit length
    values = xp.linalg.eigvals(a)
    # Symmetric functions of the eigenvalues do not depend on their order.
    return (meta(w), meta(v), meta(values), residual, norms, xp.sum(w, axis=-1),
            xp.prod(w, axis=-1), xp.sum(values * values, axis=-1))


@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (4, 4), (3, 6, 6), (20, 20), (2, 0, 0)])
@pytest.mark.parametrize("dtype", FLOATS + ["int64"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_eig_general(xp, backend, shape, dtype):
    """Real input with complex eigenvalues gives complex results."""
    return _eig_checks(xp, place(xp, general(shape, dtype)))


@pytest.mark.parametrize("shape", [(4, 4), (3, 6, 6), (20, 20)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_eig_real_spectrum(xp, backend, shape, dtype):
    """Symmetric real input, every eigenvalue real: real results (NumPy's views) before
    NumPy 2.5, complex ones from 2.5; cuarray follows the installed NumPy."""
    return _eig_checks(xp, place(xp, hermitian(shape, dtype)))


@pytest.mark.parametrize("always", [False, True])
@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (4, 4), (3, 6, 6), (2, 0, 0)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_eig_result_dtype_rules(emulated, monkeypatch, always, shape, dtype):
    """Both NumPy rules for real input with a real spectrum, whichever NumPy is installed:
    real results (NumPy < 2.5) or complex ones whatever the spectrum (NumPy >= 2.5)."""
    from cuarray.linalg import _decompositions
    monkeypatch.setattr(_decompositions, "_complex_always", {"eig": always, "eigvals": always})
    host = hermitian(shape, dtype)
    a = place(cuarray, host)
    w, v = cuarray.linalg.eig(a)
    values = cuarray.linalg.eigvals(a)
    real = numpy.dtype("float32" if dtype == "float32" else "float64")
    want = numpy.result_type(real, numpy.complex64) if always else real
    assert w.dtype == v.dtype == values.dtype == want
    assert w.shape == values.shape == shape[:-1] and v.shape == shape
    if always:                       # NumPy's layout for complex results: C-contiguous
        assert w.flags.c_contiguous and v.flags.c_contiguous
    h_w, h_v, h_values = (x.get() for x in (w, v, values))
    ref = numpy.linalg.eigvalsh(host.astype(real)) if host.size else numpy.empty(shape[:-1])
    tol = 2e-4 if dtype == "float32" else 1e-10
    numpy.testing.assert_allclose(numpy.sort(h_w.real, axis=-1), ref, rtol=tol, atol=tol)
    numpy.testing.assert_allclose(numpy.sort(h_values.real, axis=-1), ref, rtol=tol, atol=tol)
    if always:
        assert not numpy.any(h_w.imag) and not numpy.any(h_values.imag)
    residual = host.astype(h_v.dtype) @ h_v - h_v * h_w[..., None, :]
    numpy.testing.assert_allclose(residual, 0, atol=tol * 10)


def test_eig_rule_is_the_installed_numpys(monkeypatch):
    """The memoised answer is what the installed NumPy does on a real spectrum."""
    from cuarray.linalg import _decompositions
    monkeypatch.setattr(_decompositions, "_complex_always", {})
    host = numpy.diag([1.0, 2.0, 3.0])
    assert _decompositions.complex_always("eig") == (
        numpy.linalg.eig(host).eigenvalues.dtype.kind == "c")
    assert _decompositions.complex_always("eigvals") == (
        numpy.linalg.eigvals(host).dtype.kind == "c")
    assert set(_decompositions._complex_always) == {"eig", "eigvals"}


@pytest.mark.parametrize("layout", LAYOUTS)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_eig_layouts(xp, backend, layout):
    return _eig_checks(xp, place(xp, general((2, 5, 5), "float64"), layout))


@pytest.mark.parametrize("bad", [numpy.nan, numpy.inf])
@pytest.mark.parametrize("fn", ["eig", "eigvals"])
@testing.numpy_compare(accept_error=LinAlgError)
def test_eig_refuses_non_finite(xp, backend, bad, fn):
    host = general((3, 4, 4), "float64")
    host[1, 2, 3] = bad
    return getattr(xp.linalg, fn)(place(xp, host))
