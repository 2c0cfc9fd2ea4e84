"""The products (dot, vdot, inner, outer, tensordot, einsum, kron, trace, cross, and
cuarray.linalg's multi_dot, matrix_power, vecdot, ...) and matmul's cuBLAS route, against
NumPy on the GPU.

Inputs lie in [-1, 1) for inexact dtypes: sums of k products then differ from NumPy's
order by about k * eps, while a wrong element is off by O(1).  CPU tests of the planning
(cuBLAS arguments, einsum parsing and paths, every product on emulated device memory)
are in test_products_cpu.py.
"""

import numpy
import pytest

import cuarray
from cuarray import testing

pytestmark = pytest.mark.gpu

RTOL = {"float16": 5e-3, "float32": 2e-5, "complex64": 2e-5, "default": 1e-12}
ATOL = {"float16": 5e-3, "float32": 1e-4, "complex64": 1e-4, "default": 1e-12}
# Long sums (k in the hundreds) of float16/float32 inputs
RTOL_LONG = {"float16": 1e-2, "float32": 1e-4, "complex64": 1e-4, "default": 1e-11}
ATOL_LONG = {"float16": 5e-2, "float32": 1e-3, "complex64": 1e-3, "default": 1e-11}


def arr(xp, shape, dtype, seed, layout="C"):
    dt = numpy.dtype(dtype)
    if dt.kind in "fc":
        return testing.random_array(xp, shape, dt, seed=seed, low=-1, high=1, layout=layout)
    return testing.random_array(xp, shape, dt, seed=seed, layout=layout)


# -- dot, vdot, inner, outer ----------------------------------------------------------------------
DOT_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
              ((2, 5, 3), (3, 4)), ((3,), (2, 3, 4)), ((2, 3), (5, 3, 4)),
              ((2, 4, 3), (5, 6, 3, 2)), ((0, 3), (3, 4)), ((2, 0), (0, 4)), ((), (2, 3)),
              ((2, 3), ()), ((40, 70), (70, 33))]


@pytest.mark.parametrize("sa, sb", DOT_SHAPES)
@testing.for_all_dtypes()
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_dot(xp, sa, sb, dtype):
    return xp.dot(arr(xp, sa, dtype, 1), arr(xp, sb, dtype, 2))


@pytest.mark.parametrize("la", testing.LAYOUTS)
@pytest.mark.parametrize("lb", testing.LAYOUTS)
@testing.for_dtypes(["int16", "float32", "complex128"])
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_dot_layouts(xp, la, lb, dtype):
    return (xp.dot(arr(xp, (7, 9), dtype, 3, la), arr(xp, (9, 5), dtype, 4, lb)),
            xp.dot(arr(xp, (2, 7, 9), dtype, 5, la), arr(xp, (3, 9, 5), dtype, 6, lb)))


@testing.for_dtypes(["float32", "float64"])
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_dot_out_and_scalars(xp, dtype):
    a, b = arr(xp, (4, 3, 5), dtype, 7), arr(xp, (2, 5, 6), dtype, 8)
    out = xp.zeros((4, 3, 2, 6), dtype)
    assert xp.dot(a, b, out=out) is out
    return out, xp.dot(a, 2.0), xp.dot(3, b), xp.dot(a[0, 0], a[1, 1])


@pytest.mark.parametrize("sa, sb, so, odt", [((2, 3), (3, 4), (2, 4), "float32"),
                                             ((2, 3), (3, 4), (2, 5), "float64"),
                                             ((2, 3), (4,), None, None),
                                             ((2, 3), (2, 4, 5), None, None)])
@testing.numpy_compare(accept_error=ValueError)
def test_dot_errors(xp, sa, sb, so, odt):
    out = None if so is None else xp.zeros(so, odt)
    return xp.dot(xp.ones(sa), xp.ones(sb), out=out)


@pytest.mark.parametrize("sa, sb", [((3,), (3,)), ((2, 3), (3, 2)), ((), ()), ((2, 2), (4,)),
                                    ((500,), (500,))])
@testing.for_all_dtypes()
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_vdot(xp, sa, sb, dtype):
    return xp.vdot(arr(xp, sa, dtype, 1, "F" if len(sa) == 2 else "C"), arr(xp, sb, dtype, 2))


@pytest.mark.parametrize("sa, sb", [((3,), (3,)), ((2, 3), (4, 3)), ((2, 3, 4), (5, 4)),
                                    ((4,), (2, 3, 4)), ((), (2, 3)), ((0, 3), (2, 3)),
                                    ((30, 200), (40, 200))])
@testing.for_all_dtypes()
@testing.numpy_compare(rtol=RTOL_LONG, atol=ATOL_LONG)
def test_inner_outer(xp, sa, sb, dtype):
    a, b = arr(xp, sa, dtype, 1), arr(xp, sb, dtype, 2)
    return xp.inner(a, b), xp.outer(a, b), xp.linalg.outer(a.ravel(), b.ravel())


# -- tensordot, kron, trace, cross --------------------------------------------------------------
TENSORDOT = [((3, 4, 5), (4, 5, 6), 2), ((3, 4, 5), (5, 4, 6), ([1, 2], [1, 0])),
             ((2, 3), (4, 3), ([1], [1])), ((2, 3), (3, 2), 0), ((2, 3), (3, 2), (1, 0)),
             ((2, 3), (2, 3), ([0, 1], [0, 1])), ((2, 3, 4), (3, 2), ([-3, -2], [1, 0])),
             ((60, 50, 4), (50, 4, 30), 2)]


@pytest.mark.parametrize("sa, sb, axes", TENSORDOT)
@pytest.mark.parametrize("layout", ["C", "transposed", "negative_stride"])
@testing.for_dtypes(["int32", "float32", "float64", "complex64"])
@testing.numpy_compare(rtol=RTOL_LONG, atol=ATOL_LONG)
def test_tensordot(xp, sa, sb, axes, layout, dtype):
    a, b = arr(xp, sa, dtype, 1, layout), arr(xp, sb, dtype, 2)
    return xp.tensordot(a, b, axes), xp.linalg.tensordot(a, b, axes=axes)


@pytest.mark.parametrize("axes", [3, ([1, 0], [1]), ([1, 1], [0, 0]), ([5], [0])])
@testing.numpy_compare(accept_error=(ValueError, IndexError))
def test_tensordot_errors(xp, axes):
    return xp.tensordot(xp.ones((2, 3)), xp.ones((4, 3)), axes)


@pytest.mark.parametrize("sa, sb", [((2, 3), (4, 5)), ((2, 3), (4,)), ((3,), (2, 2)), ((), (3,)),
                                    ((2, 1, 3), (3, 2)), ((0, 2), (3, 3)), ((), ())])
@testing.for_all_dtypes()
@testing.numpy_compare()
def test_kron(xp, sa, sb, dtype):
    return xp.kron(arr(xp, sa, dtype, 1, "F" if len(sa) == 2 else "C"), arr(xp, sb, dtype, 2))


@testing.numpy_compare()
def test_kron_scalars_are_not_weak(xp):
    a = arr(xp, (2, 2), "float32", 3)
    return xp.kron(a, 2), xp.kron(3.0, a), xp.kron(a, numpy.float16(2))


@pytest.mark.parametrize("shape, kw", [((3, 4), {}), ((3, 4, 5), dict(offset=1, axis1=1, axis2=2)),
                                       ((4, 3), dict(offset=-2)), ((3, 3), dict(dtype="int8")),
                                       ((2, 3, 3), dict(axis1=-1, axis2=0)), ((0, 3), {})])
@testing.for_all_dtypes()
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_trace(xp, shape, kw, dtype):
    a = arr(xp, shape, dtype, 1)
    return xp.trace(a, **kw), xp.linalg.trace(a), xp.linalg.diagonal(a, offset=-1)


@testing.numpy_compare()
def test_trace_out(xp):
    a = arr(xp, (3, 4, 5), "float64", 2)
    out = xp.zeros(5)
    assert xp.trace(a, out=out) is out
    return out


CROSS = [((3,), (3,), {}), ((4, 3), (3,), {}), ((2,), (3,), {}), ((3,), (2,), {}),
         ((5, 2), (5, 2), {}), ((3, 4), (4, 3), dict(axisa=0, axisc=0)),
         ((2, 3, 5), (3, 5), dict(axis=-2)), ((4, 3), (1, 3), dict(axisc=0)),
         ((1000, 3), (1000, 3), {})]


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.parametrize("sa, sb, kw", CROSS)
@testing.for_dtypes(["int8", "uint16", "int64", "float16", "float32", "float64", "complex128"])
@testing.numpy_compare(rtol=RTOL, atol=ATOL, accept_error=ValueError)
def test_cross(xp, sa, sb, kw, dtype):
    """2-element vectors: a DeprecationWarning before NumPy 2.5, ValueError from 2.5."""
    return xp.cross(arr(xp, sa, dtype, 1, "negative_stride"), arr(xp, sb, dtype, 2), **kw)


@pytest.mark.parametrize("sa, sb, kw", [((3,), (4,), {}), ((4, 3), (3,), dict(axisa=5)),
                                        ((), (3,), {}), ((3, 3), (3,), dict(axisb=1))])
@testing.numpy_compare(accept_error=ValueError)
def test_cross_errors(xp, sa, sb, kw):
    return xp.cross(xp.ones(sa), xp.ones(sb), **kw)


@testing.numpy_compare(accept_error=TypeError)
def test_cross_bool_raises(xp):
    return xp.cross(xp.ones(3, bool), xp.ones(3, bool))


@testing.for_dtypes(["int32", "float64"])
@testing.numpy_compare(accept_error=ValueError)
def test_linalg_cross(xp, dtype):
    a, b = arr(xp, (4, 3, 2), dtype, 1), arr(xp, (3, 2), dtype, 2)
    return xp.linalg.cross(a, b, axis=-2), xp.linalg.cross(a[..., 0], b[..., 0])


# -- linalg: multi_dot, matrix_power, vecdot, matmul, matrix_transpose ----------------------------
@pytest.mark.parametrize("shapes", [[(3,), (3, 4), (4,)], [(2, 3), (3, 4), (4, 5)],
                                    [(10, 3), (3, 20), (20, 2), (2, 30)],
                                    [(4,), (4, 5), (5, 6), (6, 2), (2, 3)],
                                    [(50, 4), (4, 60), (60,)], [(2, 3), (3, 2)]])
@testing.for_dtypes(["int64", "float32", "float64", "complex128"])
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_multi_dot(xp, shapes, dtype):
    return xp.linalg.multi_dot([arr(xp, s, dtype, i) for i, s in enumerate(shapes)])


@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_multi_dot_out(xp):
    arrays = [arr(xp, s, "float64", i) for i, s in enumerate([(5, 3), (3, 4), (4, 6), (6, 2)])]
    out = xp.zeros((5, 2))
    assert xp.linalg.multi_dot(arrays, out=out) is out
    return out


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 12])
@testing.for_dtypes(["int8", "int64", "bool", "float32", "complex128"])
@testing.numpy_compare(rtol=1e-4, atol=1e-4)
def test_matrix_power(xp, n, dtype):
    return xp.linalg.matrix_power(arr(xp, (2, 3, 3), dtype, 1, "transposed"), n)


@pytest.mark.parametrize("n", [-1, -3])
@testing.numpy_compare(rtol=1e-9, atol=1e-9)
def test_matrix_power_negative(xp, n):
    a = arr(xp, (3, 3), "float64", 1) + 3 * xp.eye(3)      # well conditioned
    return xp.linalg.matrix_power(a, n)


@testing.for_dtypes(["int16", "float32", "complex64"])
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_linalg_array_api_spellings(xp, dtype):
    a, b = arr(xp, (4, 3, 5), dtype, 1), arr(xp, (3, 5), dtype, 2)
    return (xp.linalg.vecdot(a, b), xp.linalg.vecdot(a, a, axis=1),
            xp.linalg.matmul(a, b.T), xp.linalg.matrix_transpose(a),
            xp.linalg.diagonal(a, offset=1), xp.linalg.trace(a, offset=-1))


# -- matmul on cuBLAS ---------------------------------------------------------------------------
@pytest.mark.parametrize("la", ["C", "F", "transposed", "sliced", "negative_stride"])
@pytest.mark.parametrize("lb", ["C", "F", "transposed", "broadcast"])
@testing.for_inexact_dtypes()
@testing.numpy_compare(rtol=RTOL_LONG, atol=ATOL_LONG)
def test_matmul_large_layouts(xp, la, lb, dtype):
    a = arr(xp, (3, 130, 300), dtype, 1, la)
    b = arr(xp, (3, 300, 70), dtype, 2, lb)
    return xp.matmul(a, b), xp.matmul(a[0], b[1]), xp.matmul(a[1, 5], b[2])


@pytest.mark.parametrize("sa, sb", [((2, 1, 30, 40), (5, 40, 60)), ((1, 3, 30, 40), (4, 1, 40, 20)),
                                    ((70, 1, 3, 4), (1, 70, 4, 2)), ((4096, 16, 16), (16, 16)),
                                    ((300,), (5, 300, 200))])
@testing.for_dtypes(["float32", "complex128"])
@testing.numpy_compare(rtol=RTOL_LONG, atol=ATOL_LONG)
def test_matmul_broadcast_batches(xp, sa, sb, dtype):
    return xp.matmul(arr(xp, sa, dtype, 3), arr(xp, sb, dtype, 4))


@pytest.mark.parametrize("out_kind", ["C", "F", "rows", "cols"])
@testing.for_dtypes(["float32", "float64", "complex64"])
@testing.numpy_compare(rtol=RTOL_LONG, atol=ATOL_LONG)
def test_matmul_out_layouts(xp, out_kind, dtype):
    # "cols" (every other column) is no cuBLAS layout: computed aside, then copied in.
    a, b = arr(xp, (50, 300), dtype, 5), arr(xp, (300, 40), dtype, 6)
    base = {"C": lambda: xp.zeros((50, 40), dtype), "F": lambda: xp.zeros((40, 50), dtype),
            "rows": lambda: xp.zeros((100, 40), dtype),
            "cols": lambda: xp.zeros((50, 80), dtype)}[out_kind]()
    view = {"C": base, "F": base.T, "rows": base[::2], "cols": base[:, ::2]}[out_kind]
    assert xp.matmul(a, b, out=view) is view
    return base


@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_matmul_mixed_dtypes_large(xp):
    a, b = arr(xp, (256, 300), "float32", 7), arr(xp, (300, 256), "float64", 8)
    return xp.matmul(a, b), xp.matmul(b.T, a.T.astype("int16"))


@testing.numpy_compare(rtol=2e-3, atol=2e-3)
def test_matmul_float16_sums_in_float32(xp):
    # 4096 products of 1: a float16 running sum would stop at 2048.
    ones = xp.ones((64, 4096), "float16")
    return xp.matmul(ones, ones.T), xp.matmul(ones[:3], xp.ones((4096, 8), "float16"))


def test_tf32_switch():
    a = cuarray.asarray(numpy.random.default_rng(0).standard_normal((256, 512), numpy.float32))
    b = cuarray.asarray(numpy.random.default_rng(1).standard_normal((512, 128), numpy.float32))
    ref = a.get().astype(numpy.float64) @ b.get().astype(numpy.float64)
    exact = (a @ b).get()
    old = cuarray.linalg.set_tf32(True)
    try:
        tf32 = (cuarray.matmul(a, b)).get()
    finally:
        cuarray.linalg.set_tf32(old)
    err_exact = numpy.abs(exact - ref).max()
    err_tf32 = numpy.abs(tf32 - ref).max()
    assert err_exact < 1e-3                   # float32: ~1e-5 relative to sums of size ~20
    assert err_tf32 < 0.5                     # TF32: 10-bit mantissa inputs
    testing.assert_allclose(cuarray.matmul(a, b), exact, rtol=1e-6, atol=1e-5)  # switched back


def test_matmul_on_a_side_stream():
    a = cuarray.asarray(numpy.ones((64, 64), numpy.float32))
    with cuarray.cuda.Stream() as s:
        r = a @ a
        s.synchronize()
    assert (r.get() == 64).all()


# -- einsum ---------------------------------------------------------------------------------------
EINSUM = [
    ("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,jk", [(3, 4), (4, 5)]), ("ij,jk->ki", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("bij,bkj->bik", [(2, 3, 4), (2, 5, 4)]),
    ("ij,ij->", [(3, 4), (3, 4)]), ("ij,ij->ij", [(3, 4), (3, 4)]), ("i,j->ij", [(3,), (4,)]),
    ("ii->i", [(4, 4)]), ("ii", [(4, 4)]), ("ij->ji", [(3, 4)]), ("ijk->", [(2, 3, 4)]),
    ("ijk->kj", [(2, 3, 4)]), ("iij->j", [(3, 3, 2)]), ("i,i", [(5,), (5,)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]), ("...ij,...jk", [(5, 2, 3), (4, 1, 3, 2)]),
    ("ij...,j...->i...", [(2, 3, 4), (3, 4)]), ("i...->...", [(3, 2, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ea,fb,abcd,gc,hd->efgh", [(3, 2), (4, 3), (2, 3, 2, 3), (2, 2), (3, 3)]),
    ("bhqd,bhkd,bhkv->bhqv", [(2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 4)]),
    ("i,i,i->", [(4,), (4,), (4,)]), ("ijk,jil->kl", [(3, 4, 5), (4, 3, 2)]),
    ("ij,jk", [(3, 1), (4, 5)]), ("ij,ij->ij", [(1, 3), (2, 3)]), ("i,->i", [(3,), ()]),
    ("ab,ab,cd->", [(2, 3), (2, 3), (4, 5)]), ("ijkl,jk->il", [(2, 3, 4, 5), (3, 4)]),
    ("aab,bc->ac", [(3, 3, 4), (4, 2)]), ("ij,kl->ijkl", [(2, 3), (4, 5)]),
    ("ij,jk->ik", [(3, 0), (0, 5)]), ("Ab,bC->AC", [(3, 4), (4, 2)]),
    ("bij,bjk->bik", [(16, 64, 96), (16, 96, 32)]),
]


@pytest.mark.parametrize("subscripts, shapes", EINSUM)
@testing.for_dtypes(["bool", "int8", "int32", "uint64", "float16", "float32", "float64",
                     "complex64", "complex128"])
@testing.numpy_compare(rtol=RTOL_LONG, atol=ATOL_LONG)
def test_einsum(xp, subscripts, shapes, dtype):
    ops = [arr(xp, s, dtype, i, "F" if len(s) == 2 and i == 1 else "C")
           for i, s in enumerate(shapes)]
    return xp.einsum(subscripts, *ops)


@pytest.mark.parametrize("subscripts, shapes", EINSUM)
@pytest.mark.parametrize("optimize", [True, "optimal", ("greedy", 1000)])
@testing.for_dtypes(["int32", "float64", "complex64"])
@testing.numpy_compare(rtol=RTOL_LONG, atol=ATOL_LONG, contiguous_check=False)
def test_einsum_optimize(xp, subscripts, shapes, optimize, dtype):
    # NumPy's optimised einsum lays some results out differently: values only.
    ops = [arr(xp, s, dtype, i) for i, s in enumerate(shapes)]
    return xp.einsum(subscripts, *ops, optimize=optimize)


@pytest.mark.parametrize("subscripts, shapes", [("ij,jk->ik", [(30, 40), (40, 50)]),
                                                ("ij,jk->ki", [(30, 40), (40, 50)]),
                                                ("bij,bjk->bik", [(4, 30, 40), (4, 40, 20)]),
                                                ("ijk,kj->i", [(2, 3, 4), (4, 3)])])
@pytest.mark.parametrize("layout", testing.LAYOUTS)
@testing.for_dtypes(["int16", "float32"])
@testing.numpy_compare(rtol=RTOL_LONG, atol=ATOL_LONG)
def test_einsum_layouts(xp, subscripts, shapes, layout, dtype):
    return xp.einsum(subscripts, *[arr(xp, s, dtype, i, layout) for i, s in enumerate(shapes)])


@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_einsum_keywords(xp):
    a, b = arr(xp, (4, 4), "float64", 1), arr(xp, (4, 3), "float32", 2)
    out1 = xp.zeros((3, 4), "complex128").T
    r1 = xp.einsum("ij,jk->ik", a, b, out=out1)
    out2 = xp.zeros((4, 3))
    r2 = xp.einsum("ij,jk", a, b, out=out2, optimize=True)
    assert r1 is out1 and r2 is out2
    return (out1, out2, xp.einsum("ij,jk", a, b, dtype="complex128"),
            xp.einsum("ij,jk", a, b, order="F"), xp.einsum("ij,jk", a, b, order="A"),
            xp.einsum("ii->i", a), xp.einsum(a, [0, 1], b, [1, 2], [0, 2]),
            xp.einsum("i,", xp.ones(3, "float32"), 2.0),
            xp.einsum("ij,jk", a.astype("int8"), b.astype("int8"), dtype="int8",
                      casting="unsafe"))


@testing.numpy_compare()
def test_einsum_single_operand_views(xp):
    # Views where NumPy returns views (same strides, so the same contiguity).
    a = arr(xp, (4, 4, 3), "float32", 3)
    return xp.einsum("iij->ji", a), xp.einsum("ijk->kji", a), xp.einsum("ii...->...i", a)


def test_einsum_single_operand_is_a_view():
    a = cuarray.ones((4, 4, 3))
    d = cuarray.einsum("iij->ji", a)
    assert d._ptr == a._ptr and d.strides == (8, 120)      # (4, 4, 3) float64: 96 + 24


@testing.numpy_compare()
def test_einsum_integer_sums_wrap(xp):
    h = numpy.full((3, 40), 100, numpy.int8)
    a = xp.asarray(h)
    return xp.einsum("ij,ij->i", a, a), xp.einsum("ij->i", a), xp.einsum("ij,kj->ik", a, a)


@pytest.mark.parametrize("subscripts, shapes, kw", [
    ("i$", [(3,)], {}), ("i->j", [(3,)], {}), ("ij", [(3,)], {}), ("ij,jk", [(2, 2), (3, 4)], {}),
    ("ii", [(2, 3)], {}), ("i,i", [(3,), (3,)], dict(dtype="int32")),
    ("ij,jk,kl", [(2, 3), (3, 4), (4, 5)], dict(optimize="bogus")),
    ("...ij->ij", [(2, 3, 4)], {})])
@testing.numpy_compare(accept_error=(ValueError, TypeError, KeyError))
def test_einsum_errors(xp, subscripts, shapes, kw):
    return xp.einsum(subscripts, *[xp.ones(s) for s in shapes], **kw)


@pytest.mark.parametrize("subscripts, shapes", EINSUM)
def test_einsum_path_matches_numpy(subscripts, shapes):
    for optimize in ("greedy", "optimal"):
        ref = numpy.einsum_path(subscripts, *[numpy.ones(s) for s in shapes], optimize=optimize)
        ours = cuarray.einsum_path(subscripts, *[cuarray.ones(s) for s in shapes],
                                   optimize=optimize)
        assert ours[0] == ref[0]
        if "..." not in subscripts:
            assert ours[1] == ref[1]


# -- numpy functions dispatch here ------------------------------------------------------------------
def test_numpy_functions_dispatch():
    a = cuarray.asarray(numpy.arange(12.0).reshape(3, 4))
    assert isinstance(numpy.dot(a, a.T), cuarray.ndarray)
    assert isinstance(numpy.einsum("ij->j", a), cuarray.ndarray)
    assert isinstance(numpy.linalg.multi_dot([a, a.T, a]), cuarray.ndarray)
    testing.assert_allclose(numpy.tensordot(a, a, 2), numpy.tensordot(a.get(), a.get(), 2))


def test_host_arrays_rejected():
    for fn in (cuarray.dot, cuarray.inner, cuarray.outer, cuarray.kron, cuarray.vdot):
        with pytest.raises(TypeError):
            fn(cuarray.ones(3), numpy.ones(3))
    with pytest.raises(TypeError):
        cuarray.einsum("i,i", cuarray.ones(3), [1, 2, 3])


# -- the cuBLAS route: used for floating dtypes, with no copies of transposed operands -----------
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64", "complex128"])
def test_cublas_route_without_copies(monkeypatch, dtype):
    from cuarray._engine import copy as copy_module
    from cuarray.cuda import _cublas
    a = arr(cuarray, (64, 48), dtype, 1)
    b = arr(cuarray, (32, 48), dtype, 2)
    x = arr(cuarray, (5, 48, 64), dtype, 3)
    copies, calls = [], []
    copy_into, run = copy_module.copy_into, _cublas.run
    monkeypatch.setattr(copy_module, "copy_into", lambda d, s: (copies.append(1), copy_into(d, s)))
    monkeypatch.setattr(_cublas, "run", lambda *args: (calls.append(args[0]), run(*args)))
    results = [a @ b.T, b.T.T @ a.T, a.T.T @ x, x.swapaxes(1, 2) @ a.T,
               cuarray.matmul(a, b.T, out=cuarray.empty((32, 64), dtype).T)]
    assert not copies and len(calls) == len(results)
    ha, hb, hx = a.get(), b.get(), x.get()
    refs = [ha @ hb.T, hb @ ha.T, ha @ hx, hx.swapaxes(1, 2) @ ha.T, ha @ hb.T]
    tol = 2e-2 if dtype == "float16" else 1e-4
    for r, ref in zip(results, refs):
        testing.assert_allclose(r, ref, rtol=tol, atol=tol)
