"""Joining and splitting against NumPy: concatenate/concat (axis=None, out, dtype, casting),
stack, vstack, hstack, dstack, column_stack, row_stack, block, split, array_split,
hsplit, vsplit, dsplit, unstack.

Results are compared on values, dtype, shape and C/F contiguity, so the result layout
rule (NumPy lays a concatenation out in its inputs' common stride order) is checked on
transposed, Fortran, negative-stride, sliced and broadcast inputs.  Both copy
strategies run: one copy per input, and one kernel for many small inputs.
"""

import warnings

import numpy
import pytest

from cuarray import testing

pytestmark = pytest.mark.gpu

ALL = testing.ALL
LAYOUTS = testing.LAYOUTS


def arr(xp, shape, dtype="float32", seed=0, layout="C"):
    return testing.random_array(xp, shape, dtype, seed=seed, layout=layout)


# -- concatenate -------------------------------------------------------------------------
@testing.for_all_dtypes()
@pytest.mark.parametrize("axis", [0, 1, -1, -2])
@testing.numpy_compare()
def test_concatenate_dtypes(xp, dtype, axis):
    a, b, c = (arr(xp, (3, 4), dtype, seed=s) for s in range(3))
    return xp.concatenate([a, b, c], axis=axis)


@pytest.mark.parametrize("layout_a", LAYOUTS)
@pytest.mark.parametrize("layout_b", LAYOUTS)
@pytest.mark.parametrize("axis", [0, 1, 2])
@testing.numpy_compare()
def test_concatenate_layouts(xp, layout_a, layout_b, axis):
    a = arr(xp, (2, 3, 4), "float64", 1, layout_a)
    b = arr(xp, (2, 3, 4), "float64", 2, layout_b)
    return xp.concatenate((a, b), axis=axis)


@pytest.mark.parametrize("shapes,axis", [
    ([(0,), (3,)], 0), ([(3, 0), (3, 2)], 1), ([(0, 2), (0, 2)], 0), ([(2, 0), (3, 0)], 0),
    ([(1,)], 0), ([(5,)] * 20, 0), ([(2, 1)] * 40, 1), ([(1, 3, 2)] * 17, 0),
    ([(4, 3), (0, 3), (2, 3)], 0)])
@testing.numpy_compare()
def test_concatenate_shapes(xp, shapes, axis):
    return xp.concatenate([arr(xp, s, "int32", i) for i, s in enumerate(shapes)], axis=axis)


@pytest.mark.parametrize("dtype", ["int8", "float16", "complex128", "bool"])
@pytest.mark.parametrize("count", [2, 3, 16, 17, 40])
@testing.numpy_compare()
def test_concatenate_many_small(xp, dtype, count):
    # Different lengths along the axis; sliced views start at odd addresses.
    parts = [arr(xp, (3, 1 + i % 4), dtype, i) for i in range(count)]
    parts[1] = arr(xp, (7, 9), dtype, 99)[2:5, 1:3]
    return xp.concatenate(parts, axis=1), xp.concatenate(parts[::-1], axis=None)


@pytest.mark.parametrize("layout", LAYOUTS)
@testing.numpy_compare()
def test_concatenate_axis_none(xp, layout):
    a = arr(xp, (2, 3), "float32", 1, layout)
    b = arr(xp, (4,), "float32", 2)
    c = arr(xp, (), "float32", 3)
    return xp.concatenate([a, b], axis=None), xp.concatenate([c, a, c], axis=None)


@testing.numpy_compare()
def test_concatenate_large(xp):
    # Above the small-input threshold: one copy per input.
    a = arr(xp, (300, 1000), "float32", 1)
    b = arr(xp, (300, 1000), "float32", 2, "F")
    return xp.concatenate([a, b], axis=1), xp.concatenate([a, a], axis=0)


@pytest.mark.parametrize("dtype,casting", [("float32", "same_kind"), ("int8", "unsafe"),
                                           ("complex64", "safe"), ("float16", "same_kind"),
                                           ("int64", "same_kind"), ("int32", "safe")])
@testing.numpy_compare(accept_error=TypeError)
def test_concatenate_dtype_casting(xp, dtype, casting):
    a = arr(xp, (2, 3), "float64", 1)
    b = arr(xp, (2, 3), "int16", 2)
    return xp.concatenate([a, b], dtype=dtype, casting=casting)


@pytest.mark.parametrize("out_dtype", ["float64", "float32", "int64"])
@pytest.mark.parametrize("axis", [0, None])
@testing.numpy_compare(accept_error=TypeError)
def test_concatenate_out(xp, out_dtype, axis):
    a = arr(xp, (2, 3), "float32", 1)
    b = arr(xp, (1, 3), "int16", 2)
    out = xp.zeros((3, 3) if axis == 0 else (9,), out_dtype)
    r = xp.concatenate([a, b], axis=axis, out=out)
    return r is out, out


@testing.numpy_compare()
def test_concatenate_out_strided(xp):
    a, b = arr(xp, (2, 3), "float32", 1), arr(xp, (2, 3), "float32", 2)
    big = xp.zeros((4, 8), "float32")
    out = big[:, ::2].T[:3]
    xp.concatenate([a, b], axis=0, out=out.T)
    return big


@testing.numpy_compare()
def test_concatenate_out_overlapping_input(xp):
    base = arr(xp, (6,), "float64", 1)
    xp.concatenate([base[:3], base[1:4]], out=base)
    return base


@testing.numpy_compare()
def test_concatenate_lists_and_host(xp):
    a = arr(xp, (2,), "int64", 1)
    return xp.concatenate([[1.5, 2.5], a, numpy.array([7], numpy.int8)])


@pytest.mark.parametrize("call", [
    lambda xp, a: xp.concatenate([]),
    lambda xp, a: xp.concatenate([a[0, 0], a]),
    lambda xp, a: xp.concatenate([a, a[0]]),
    lambda xp, a: xp.concatenate([a, a[:, :2].T]),
    lambda xp, a: xp.concatenate([a, a], axis=2),
    lambda xp, a: xp.concatenate([a, a], axis=-3),
    lambda xp, a: xp.concatenate([a, a], out=xp.empty((4, 4))),
    lambda xp, a: xp.concatenate([a, a], axis=None, out=xp.empty((4, 3))),
    lambda xp, a: xp.concatenate([a, a], axis=None, out=xp.empty(11)),
    lambda xp, a: xp.concatenate([a, a], out=xp.empty((4, 3)), dtype=float),
    lambda xp, a: xp.concatenate([a, a], dtype=xp.int64),
    lambda xp, a: xp.concatenate([a, a], casting="bogus"),
    lambda xp, a: xp.concatenate(5),
])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_concatenate_errors(xp, call):
    return call(xp, arr(xp, (2, 3), "float64"))


@testing.numpy_compare()
def test_concat(xp):
    a, b = arr(xp, (2, 3), "float32", 1), arr(xp, (2, 3), "float32", 2)
    return xp.concat([a, b], axis=1), xp.concat((a, b), axis=None)


# -- stacking ----------------------------------------------------------------------------
@testing.for_all_dtypes()
@testing.numpy_compare()
def test_stack_dtypes(xp, dtype):
    a, b = arr(xp, (3, 4), dtype, 1), arr(xp, (3, 4), dtype, 2)
    return xp.stack([a, b]), xp.stack([a, b], axis=-1)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
@testing.numpy_compare()
def test_stack_layouts(xp, layout, axis):
    a = arr(xp, (3, 4), "float64", 1, layout)
    b = arr(xp, (3, 4), "float64", 2, layout)
    return xp.stack((a, b, a), axis=axis)


@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (5,)])
@testing.numpy_compare()
def test_stack_shapes(xp, shape):
    a, b = arr(xp, shape, "int16", 1), arr(xp, shape, "int16", 2)
    out = xp.empty((2,) + shape, "float32")
    return xp.stack([a, b]), xp.stack([a, b], out=out), out, xp.stack([a, b], dtype="int64")


@testing.numpy_compare()
def test_stack_of_array_rows(xp):
    return xp.stack(arr(xp, (3, 4), "float32", 1), axis=1)


@pytest.mark.parametrize("call", [
    lambda xp, a: xp.stack([]),
    lambda xp, a: xp.stack([a, a[:, :2]]),
    lambda xp, a: xp.stack([a, a], axis=3),
    lambda xp, a: xp.stack(5),
    lambda xp, a: xp.stack([a, a], casting="no", dtype="float32"),
    lambda xp, a: xp.vstack(5),
    lambda xp, a: xp.hstack(5),
    lambda xp, a: xp.dstack(5),
    lambda xp, a: xp.column_stack(5),
])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_stack_errors(xp, call):
    return call(xp, arr(xp, (2, 3), "float64"))


@pytest.mark.parametrize("shapes", [[(), ()], [(3,), (3,)], [(2, 3), (1, 3)], [(3,), (2, 3)],
                                    [(2, 3, 4), (1, 3, 4)]])
@pytest.mark.parametrize("layout", ["C", "F", "negative_stride"])
@testing.numpy_compare(accept_error=ValueError)
def test_vstack_hstack_dstack(xp, shapes, layout):
    arrays = [arr(xp, s, "float32", i, layout) for i, s in enumerate(shapes)]
    out = []
    for fn in (xp.vstack, xp.hstack, xp.dstack, xp.column_stack):
        try:
            out.append(fn(arrays))
        except ValueError as e:
            out.append(type(e).__name__)
    out.append(xp.vstack(arrays[:1], dtype="float64"))
    out.append(xp.hstack(tuple(arrays[:1]), dtype="complex64", casting="safe"))
    return out


@testing.numpy_compare()
def test_column_stack(xp):
    return xp.column_stack([arr(xp, (3,), "int8", 1), arr(xp, (3, 2), "int32", 2),
                            arr(xp, (3,), "float16", 3, "negative_stride")])


@pytest.mark.skipif(not hasattr(numpy, "row_stack"), reason="NumPy without row_stack")
@testing.numpy_compare()
def test_row_stack(xp):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return xp.row_stack([arr(xp, (3,), "int8", 1), arr(xp, (2, 3), "int8", 2)])


# -- block -------------------------------------------------------------------------------
@pytest.mark.parametrize("big", [False, True])
@testing.numpy_compare()
def test_block(xp, big):
    n = 600 if big else 3
    a = arr(xp, (n, n), "float32", 1)
    b = arr(xp, (n, 2), "float64", 2, "F")
    c = arr(xp, (1, n + 2), "float32", 3)
    return xp.block([[a, b], [c]])


@pytest.mark.parametrize("case", range(7))
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_block_shapes_and_errors(xp, case):
    a = arr(xp, (2, 2), "int32", 1)
    v = arr(xp, (3,), "int32", 2)
    cases = [
        lambda: xp.block(a),
        lambda: xp.block([v, 1, [7][0]]),
        lambda: xp.block([[[a]], [[a]]]),
        lambda: xp.block([[a, a], [a]]),
        lambda: xp.block([[a], a]),
        lambda: xp.block([[]]),
        lambda: xp.block((a, a)),
    ]
    return cases[case]()


@pytest.mark.parametrize("layout", ["F", "C"])
@testing.numpy_compare()
def test_block_large_order(xp, layout):
    a = arr(xp, (400, 400), "float32", 1, layout)
    return xp.block([[a, a], [a, a]])


# -- splitting ---------------------------------------------------------------------------
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("sections", [1, 2, 3, 7, [1, 3], [0, 5, 2], [-2], []])
@pytest.mark.parametrize("axis", [0, 1, -1])
@testing.numpy_compare()
def test_array_split(xp, layout, sections, axis):
    return xp.array_split(arr(xp, (6, 5), "float32", 1, layout), sections, axis=axis)


@pytest.mark.parametrize("sections,axis", [(2, 0), (3, 0), (5, 1), ([2, 4], 1), (4, 0),
                                           (0, 0), (2, 2)])
@testing.numpy_compare(accept_error=(ValueError, ZeroDivisionError, IndexError))
def test_split(xp, sections, axis):
    return xp.split(arr(xp, (6, 5), "int64", 1), sections, axis=axis)


@pytest.mark.parametrize("shape", [(), (6,), (4, 6), (4, 6, 8)])
@testing.numpy_compare(accept_error=ValueError)
def test_hvdsplit(xp, shape):
    a = arr(xp, shape, "int16", 1)
    out = []
    for fn in (xp.hsplit, xp.vsplit, xp.dsplit):
        try:
            out.append(fn(a, 2))
        except ValueError as e:
            out.append(str(e))
    return out


@pytest.mark.parametrize("shape", [(3,), (3, 4), (2, 3, 4), (0, 3)])
@pytest.mark.parametrize("axis", [0, -1, 1])
@testing.numpy_compare(accept_error=(ValueError, IndexError))
def test_unstack(xp, shape, axis):
    return xp.unstack(arr(xp, shape, "float64", 1, "F"), axis=axis)


@testing.numpy_compare(accept_error=ValueError)
def test_unstack_0d(xp):
    return xp.unstack(arr(xp, (), "float64"))
