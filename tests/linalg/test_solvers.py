"""solve, inv, det, slogdet, pinv, lstsq, matrix_rank, tensorsolve, tensorinv against NumPy.

Well- and ill-conditioned inputs, stacks (the batched cuBLAS paths up to 64 x 64, the
per-matrix cuSOLVER loop beyond and for single matrices), NumPy 2's broadcasting
of ``b``, empty matrices, every layout, integer and single-precision inputs, and the
LinAlgError cases.  Each body runs on the GPU where one is usable, else on the host
emulation of tests/linalg/conftest.py (the ``backend`` fixture).
"""

import importlib.util
import pathlib

import numpy
import pytest

from cuarray import testing

_spec = importlib.util.spec_from_file_location(
    "_linalg_inputs", pathlib.Path(__file__).with_name("_inputs.py"))
_inputs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_inputs)
FLOATS, TOL, LAYOUTS = _inputs.FLOATS, _inputs.TOL, _inputs.LAYOUTS
place, general = _inputs.place, _inputs.general
LinAlgError = numpy.linalg.LinAlgError
# Square sizes reaching each LU path: cuBLAS batched (<= 64, stacks), cuSOLVER (the rest).
SIZES = [1, 5, 32, 70]


def well_conditioned(shape, dtype, seed=0):
    """Random plus a dominant diagonal: condition numbers of a few units."""
    a = general(shape, dtype, seed)
    n = shape[-1]
    if numpy.dtype(dtype).kind == "b":
        return numpy.broadcast_to(numpy.eye(n, dtype=bool), shape).copy()
    return (a + 2 * n * numpy.eye(n, dtype=a.dtype)).astype(a.dtype)


def ill_conditioned(shape, cond, seed=0):
    rng = numpy.random.default_rng(seed)
    n = shape[-1]
    u, _ = numpy.linalg.qr(rng.standard_normal(shape))
    v, _ = numpy.linalg.qr(rng.standard_normal(shape))
    return (u * numpy.logspace(0, -numpy.log10(cond), n)) @ numpy.swapaxes(v, -1, -2)


def meta(x):
    return (tuple(x.shape), str(x.dtype), bool(x.flags.c_contiguous), bool(x.flags.f_contiguous))


# -- solve -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("batch_a,batch_b,k", [
    ((), (), None), ((), (), 3), ((3,), (), None), ((3,), (3,), 2), ((), (4,), 2),
    ((2, 1), (1, 3), 2), ((1,), (3,), 1), ((3,), (), 2), ((0,), (), 2)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_solve(xp, backend, n, batch_a, batch_b, k, dtype):
    """NumPy 2: ``b`` is a vector only when 1-d; otherwise a stack of matrices broadcast
    against ``a``'s stack."""
    a = place(xp, well_conditioned(batch_a + (n, n), dtype))
    b = place(xp, general(batch_b + ((n,) if k is None else (n, k)), dtype, seed=1))
    return xp.linalg.solve(a, b)


@pytest.mark.parametrize("layout_a", LAYOUTS)
@pytest.mark.parametrize("layout_b", ["C", "F", "negative_stride"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_solve_layouts(xp, backend, layout_a, layout_b):
    a = place(xp, well_conditioned((2, 6, 6), "complex128"), layout_a)
    b = place(xp, general((2, 6, 3), "complex128", seed=1), layout_b)
    return xp.linalg.solve(a, b), xp.linalg.solve(a, b[0, :, 0])


@pytest.mark.parametrize("da,db", [("int64", "int64"), ("float32", "float64"),
                                   ("bool", "float32"), ("int8", "complex64"),
                                   ("float32", "complex64")])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_solve_mixed_dtypes(xp, backend, da, db):
    a = place(xp, well_conditioned((5, 5), da))
    b = place(xp, general((5, 2), db, seed=2))
    return xp.linalg.solve(a, b)


@pytest.mark.parametrize("shapes", [((3, 3), (0, 2)), ((0, 0), (0,)), ((0, 0), (0, 2)),
                                    ((3, 3), (3, 0)), ((2, 3, 3), (2, 3, 0))])
@testing.numpy_compare(rtol=TOL, atol=TOL, accept_error=ValueError)
def test_solve_empty(xp, backend, shapes):
    sa, sb = shapes
    return xp.linalg.solve(place(xp, well_conditioned(sa, "float64")),
                           place(xp, general(sb, "float64")))


@pytest.mark.parametrize("shapes", [((3, 3), (2,)), ((3, 3), (2, 1)), ((2, 3, 3), (4, 3, 1)),
                                    ((3, 4), (3,)), ((3,), (3,)), ((2, 2), ())])
@testing.numpy_compare(accept_error=(ValueError, LinAlgError))
def test_solve_shape_errors(xp, backend, shapes):
    sa, sb = shapes
    return xp.linalg.solve(place(xp, general(sa, "float64")), place(xp, general(sb, "float64")))


@pytest.mark.parametrize("n", [4, 40, 70])
@pytest.mark.parametrize("fn", ["solve", "inv"])
@testing.numpy_compare(accept_error=LinAlgError)
def test_singular_raises(xp, backend, n, fn):
    host = well_conditioned((3, n, n), "float64")
    host[1, :, 2] = 0.0                           # one singular matrix in the stack
    a = place(xp, host)
    if fn == "solve":
        return xp.linalg.solve(a, place(xp, general((3, n, 1), "float64")))
    return xp.linalg.inv(a)


@pytest.mark.parametrize("cond", [1e6, 1e10])
@testing.numpy_compare(rtol=1e-3, atol=1e-8)
def test_solve_ill_conditioned(xp, backend, cond):
    """A x = b for x known, to the accuracy the condition number allows."""
    a = ill_conditioned((2, 30, 30), cond)
    x = general((2, 30), "float64", seed=4)
    b = numpy.einsum("bij,bj->bi", a, x)[..., None]
    got = xp.linalg.solve(place(xp, a), place(xp, b))
    return xp.matmul(place(xp, a), got)


# -- inv -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", SIZES + [0])
@pytest.mark.parametrize("batch", [(), (1,), (3,), (2, 2), (0,)])
@pytest.mark.parametrize("dtype", FLOATS + ["int32", "bool"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_inv(xp, backend, n, batch, dtype):
    return xp.linalg.inv(place(xp, well_conditioned(batch + (n, n), dtype)))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("n", [5, 40])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_inv_layouts(xp, backend, layout, n):
    return xp.linalg.inv(place(xp, well_conditioned((2, n, n), "float64"), layout))


@testing.numpy_compare(accept_error=(LinAlgError, TypeError))
def test_inv_errors(xp, backend):
    for shape, dtype in (((3,), "float64"), ((3, 4), "float64"), ((2, 2), "float16")):
        try:
            xp.linalg.inv(place(xp, general(shape, dtype)))
        except (LinAlgError, TypeError) as e:
            last = type(e).__name__
        else:
            last = "none"
        assert last != "none"
    return xp.linalg.inv(place(xp, general((2, 2), "float16")))


# -- det, slogdet ----------------------------------------------------------------------------------
@pytest.mark.parametrize("n", SIZES + [0])
@pytest.mark.parametrize("batch", [(), (3,), (2, 2), (0,)])
@pytest.mark.parametrize("dtype", FLOATS + ["int64"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_det_slogdet(xp, backend, n, batch, dtype):
    a = place(xp, general(batch + (n, n), dtype, seed=n))
    sign, logdet = xp.linalg.slogdet(a)
    if n >= 40:         # the determinant itself under- or overflows: compare logs
        return sign, logdet
    return sign, logdet, xp.linalg.det(a)


@pytest.mark.parametrize("layout", LAYOUTS)
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_det_layouts(xp, backend, layout):
    a = place(xp, general((3, 5, 5), "complex128"), layout)
    return xp.linalg.det(a), xp.linalg.slogdet(a)


@pytest.mark.parametrize("dtype", ["float64", "complex128", "float32"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_det_singular_and_permuted(xp, backend, dtype):
    """Exactly singular: sign 0, logabsdet -inf, det 0; permutation matrices: sign +-1."""
    host = numpy.stack([numpy.array([[1, 2, 3], [2, 4, 6], [0, 1, 1]]),
                        numpy.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]]),
                        numpy.array([[0, 0, 1], [1, 0, 0], [0, 1, 0]]),
                        numpy.zeros((3, 3))]).astype(dtype)
    a = place(xp, host)
    return xp.linalg.det(a), xp.linalg.slogdet(a)


# -- pinv, matrix_rank, lstsq ----------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 5, 3), (0, 3), (3, 0), (2, 0, 0),
                                   (40, 70), (70, 40)])
@pytest.mark.parametrize("dtype", FLOATS + ["int32"])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_pinv(xp, backend, shape, dtype):
    return xp.linalg.pinv(place(xp, general(shape, dtype)))


@pytest.mark.parametrize("kw", [{}, {"rcond": 0.2}, {"rtol": None}, {"rtol": 0.3},
                                {"hermitian": True}, {"rcond": 1e-3, "hermitian": True}])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_pinv_cutoffs(xp, backend, kw):
    rng = numpy.random.default_rng(5)
    low_rank = rng.standard_normal((2, 6, 2)) @ rng.standard_normal((2, 2, 6))
    h = low_rank + numpy.swapaxes(low_rank, -1, -2)
    return xp.linalg.pinv(place(xp, h), **kw)


@testing.numpy_compare(accept_error=ValueError)
def test_pinv_rcond_and_rtol(xp, backend):
    return xp.linalg.pinv(place(xp, general((3, 3), "float64")), rcond=0.1, rtol=0.1)


@pytest.mark.parametrize("shape,rank", [((6, 4), 4), ((6, 4), 2), ((4, 6), 1), ((2, 5, 5), 3),
                                        ((40, 35), 10), ((0, 3), 0), ((3,), None),
                                        ((), None)])
@pytest.mark.parametrize("kw", [{}, {"tol": 0.5}, {"rtol": 0.1}, {"hermitian": True}])
@testing.numpy_compare()
def test_matrix_rank(xp, backend, shape, rank, kw):
    rng = numpy.random.default_rng(6)
    if rank is None:
        host = rng.standard_normal(shape)
    else:
        m, n = shape[-2:]
        host = rng.standard_normal(shape[:-2] + (m, rank)) @ rng.standard_normal(
            shape[:-2] + (rank, n))
    if kw.get("hermitian"):
        if len(shape) < 2 or shape[-1] != shape[-2]:
            pytest.skip("hermitian needs square matrices")
        host = host + numpy.swapaxes(host, -1, -2)
    return xp.linalg.matrix_rank(place(xp, host), **kw)


@testing.numpy_compare(accept_error=ValueError)
def test_matrix_rank_tol_and_rtol(xp, backend):
    return xp.linalg.matrix_rank(place(xp, general((3, 3), "float64")), tol=0.1, rtol=0.1)


@pytest.mark.parametrize("m,n,k", [(6, 3, None), (6, 3, 2), (3, 6, 2), (4, 4, 1), (6, 3, 0),
                                   (0, 3, 2), (5, 0, 2), (40, 30, 3)])
@pytest.mark.parametrize("dtype", FLOATS)
@testing.numpy_compare(rtol={"float32": 2e-3, "complex64": 2e-3, "default": 1e-9},
                       atol={"float32": 2e-3, "complex64": 2e-3, "default": 1e-9})
def test_lstsq(xp, backend, m, n, k, dtype):
    a = place(xp, general((m, n), dtype))
    b = place(xp, general((m,) if k is None else (m, k), dtype, seed=1))
    return xp.linalg.lstsq(a, b)


@pytest.mark.parametrize("rcond", [None, 1e-2, -1.0])
@testing.numpy_compare(rtol=1e-9, atol=1e-9)
def test_lstsq_rank_deficient(xp, backend, rcond):
    rng = numpy.random.default_rng(7)
    a = rng.standard_normal((8, 2)) @ rng.standard_normal((2, 5))
    b = rng.standard_normal((8, 3))
    return xp.linalg.lstsq(place(xp, a), place(xp, b), rcond=rcond)


@pytest.mark.parametrize("shapes", [((3, 2), (4,)), ((2, 3, 2), (3,)), ((3, 2), (2, 3, 1))])
@testing.numpy_compare(accept_error=LinAlgError)
def test_lstsq_errors(xp, backend, shapes):
    sa, sb = shapes
    return xp.linalg.lstsq(place(xp, general(sa, "float64")), place(xp, general(sb, "float64")))


# -- tensorsolve, tensorinv ------------------------------------------------------------------------
@pytest.mark.parametrize("axes", [None, (0, 2)])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_tensorsolve(xp, backend, axes):
    rng = numpy.random.default_rng(8)
    a = numpy.eye(2 * 3 * 4).reshape((2 * 3, 4, 2, 3, 4)) + 0.1 * rng.standard_normal(
        (6, 4, 2, 3, 4))
    if axes is not None:
        a = a.transpose(3, 0, 4, 1, 2)       # axes (0, 2) move back to the end
    b = rng.standard_normal((6, 4))
    return xp.linalg.tensorsolve(place(xp, a), place(xp, b), axes=axes)


@testing.numpy_compare(accept_error=LinAlgError)
def test_tensorsolve_not_square(xp, backend):
    return xp.linalg.tensorsolve(place(xp, general((6, 4, 2, 3), "float64")),
                                 place(xp, general((6, 4), "float64")))


@pytest.mark.parametrize("shape,ind", [((4, 6, 8, 3), 2), ((24, 8, 3), 1), ((6, 2, 3), 1)])
@testing.numpy_compare(rtol=TOL, atol=TOL)
def test_tensorinv(xp, backend, shape, ind):
    rng = numpy.random.default_rng(9)
    n = 1
    for s in shape[:ind]:
        n *= s
    a = (rng.standard_normal((n, n)) + 3 * numpy.eye(n) * n ** 0.5).reshape(shape)
    return xp.linalg.tensorinv(place(xp, a), ind=ind)


@testing.numpy_compare(accept_error=ValueError)
def test_tensorinv_bad_ind(xp, backend):
    return xp.linalg.tensorinv(place(xp, general((4, 4), "float64")), ind=0)


# -- host emulation only: which library path each shape takes -------------------------------------
@pytest.mark.parametrize("n,batch,want", [(5, (3,), "getri_batched"), (5, (), "getrs"),
                                          (1, (2, 2), "getri_batched"),
                                          (32, (3,), "getri_batched"), (40, (), "getrs"),
                                          (70, (3,), "getrs")])
def test_inv_paths(emulated, n, batch, want):
    import cuarray
    cuarray.linalg.inv(cuarray.asarray(well_conditioned(batch + (n, n), "float64")))
    assert want in emulated.calls


@pytest.mark.parametrize("fn", ["inv", "solve", "det", "slogdet"])
@pytest.mark.parametrize("batch,n", [((), 3), ((3,), 3), ((2,), 70)])
def test_lu_factors_a_itself(emulated, fn, batch, n):
    """getrf sees A, as NumPy's LAPACK calls do (not A^T): partial pivoting then takes
    the same rows, and exact zero pivots (singular matrices) come out where NumPy's do.
    (A^T of test_det_singular_and_permuted's singular matrix has the multipliers 2/3 and
    1/3, whose rounding the device's fused multiply-add keeps: U[1, 1] = 2.2e-16, not 0.)"""
    import cuarray
    host = general(batch + (n, n), "float64", seed=3)
    a = cuarray.asarray(numpy.asfortranarray(host))         # any input layout
    if fn == "solve":
        cuarray.linalg.solve(a, cuarray.asarray(general(batch + (n, 2), "float64", seed=4)))
    else:
        getattr(cuarray.linalg, fn)(a)
    stack = host.reshape((-1, n, n))
    assert len(emulated.factored) == len(stack)
    for got, want in zip(emulated.factored, stack):
        numpy.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("n,batch,want", [(5, (3,), "getrs_batched"), (70, (3,), "getrs"),
                                          (5, (), "getrs")])
def test_solve_paths(emulated, n, batch, want):
    import cuarray
    a = cuarray.asarray(well_conditioned(batch + (n, n), "float64"))
    cuarray.linalg.solve(a, cuarray.asarray(general(batch + (n, 2), "float64")))
    assert want in emulated.calls
