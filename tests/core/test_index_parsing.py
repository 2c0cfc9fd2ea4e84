"""Advanced-index parsing against NumPy, without a GPU.

``prepare`` and ``plan`` (cuarray._core.indexing) are pure: for random keys with host
index arrays, the plan's view, index shapes and result layout reproduce NumPy's result
(shape, C/F contiguity, and the values, gathered here with NumPy from the plan), and
keys NumPy rejects raise the same exception with the same message, before any kernel.
"""

import numpy as np
import pytest

from cuarray._core import indexing as ix
from cuarray._core.shape import c_strides, contiguity

SEEDS = range(400)


class _Raw:
    def __init__(self, iface, owner):
        self.__array_interface__, self.owner = iface, owner


def _view_at(a, shape, strides, offset):
    """The view of ``a``'s memory that the plan describes (byte offset from element 0)."""
    iface = dict(a.__array_interface__)
    iface.update(data=(iface["data"][0] + offset, False), shape=tuple(shape),
                 strides=tuple(strides))
    return np.asarray(_Raw(iface, a))


def predict(a, key):
    """``a[key]`` computed from cuarray's plan: (result, C-contiguous, F-contiguous)."""
    shape = a.shape
    entries = ix.prepare(shape, key)
    p = ix.plan(shape, a.strides, entries)
    shapes, coords = [], []
    for vaxis, e in p.adv:
        if e.kind == "b":
            nz = np.nonzero(e.value)
            shapes += [x.shape for x in nz]
            coords += list(zip(range(vaxis, vaxis + e.ndim), nz))
        elif e.kind == "t":
            shapes.append(e.shape)
            coords.append((vaxis, np.zeros(e.shape, np.intp)))
        else:
            shapes.append(e.shape)
            coords.append((vaxis, e.value))
    bshape = ix.broadcast_index_shapes(shapes)
    for vaxis, e in p.adv:      # NumPy checks the indices it uses: none when bshape is empty
        if e.kind == "i" and np.prod(bshape):
            ix.check_bounds_host(e.value, p.shape[vaxis], e.axis)
    sub = p.sub_axes()
    buf_shape, order, perm = ix.result_layout([p.shape[d] for d in sub],
                                              [p.strides[d] for d in sub], bshape, p.first)
    view = _view_at(a, p.shape, p.strides, p.offset) if a.size else np.zeros(p.shape, a.dtype)
    nb, ns = len(bshape), len(sub)
    grid = [None] * len(p.shape)
    for vaxis, c in coords:
        c = np.asarray(c).astype(np.int64)
        c = np.where(c < 0, c + p.shape[vaxis], c)
        grid[vaxis] = np.broadcast_to(c, bshape).reshape(bshape + (1,) * ns)
    for k, d in enumerate(sub):
        grid[d] = np.arange(p.shape[d]).reshape((1,) * nb + (1,) * k + (-1,)
                                                + (1,) * (ns - k - 1))
    logical = view[tuple(grid)] if grid else view.copy()
    logical = np.broadcast_to(logical, bshape + tuple(p.shape[d] for d in sub))
    result = np.moveaxis(logical, list(range(nb)), list(range(p.first, p.first + nb)))
    rstrides = c_strides(buf_shape, a.itemsize)
    rshape = tuple(buf_shape[i] for i in perm)
    assert rshape == result.shape
    c, f = contiguity(rshape, tuple(rstrides[i] for i in perm), a.itemsize)
    return result, c, f


@pytest.mark.parametrize("seed", SEEDS)
def test_random_keys_match_numpy(index_keys, seed):
    shape, spec = index_keys.make(seed)
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    key = index_keys.materialize(spec, np)
    try:
        expected = a[key]
    except IndexError as e:
        with pytest.raises(IndexError) as got:
            predict(a, index_keys.materialize(spec, np))
        assert str(got.value) == str(e)
        return
    result, c, f = predict(a, index_keys.materialize(spec, np))
    assert result.shape == expected.shape
    np.testing.assert_array_equal(result, expected)
    assert (c, f) == (expected.flags.c_contiguous, expected.flags.f_contiguous)


@pytest.mark.parametrize("seed", range(0, 400, 7))
@pytest.mark.parametrize("layout", ["negative", "F", "transposed", "broadcast"])
def test_random_keys_on_strided_views(index_keys, seed, layout):
    # The plan's offset and strides on views, and NumPy's result layout for sources that
    # are not C-contiguous (the other dims keep the source's memory order).
    shape, spec = index_keys.make(seed)
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    if layout == "negative":
        big = np.zeros([2 * s + 1 for s in shape])
        sl = tuple(slice(None, 0, -2) if s else slice(0, 0) for s in shape)
        big[sl] = a
        a = big[sl]
    elif layout == "F":
        a = np.asfortranarray(a)
    elif layout == "broadcast":
        a = np.broadcast_to(a[:1], shape) if shape[0] else a
    elif len(shape) > 1:
        a = np.ascontiguousarray(np.swapaxes(a, 0, -1)).swapaxes(0, -1)
    key = index_keys.materialize(spec, np)
    try:
        expected = a[key]
    except IndexError:
        return
    result, c, f = predict(a, index_keys.materialize(spec, np))
    np.testing.assert_array_equal(result, expected)
    assert (c, f) == (expected.flags.c_contiguous, expected.flags.f_contiguous)


def test_enough_distinct_expressions(index_keys):
    texts = {repr(index_keys.make(s)) for s in SEEDS}
    assert len(texts) >= 300


@pytest.mark.parametrize("shape, key", [
    ((2, 3, 4), (slice(None), [0, 1])),                  # in place: not C-contiguous
    ((2, 3, 4), ([0, 1], slice(None), [0, 1])),          # separated: first
    ((2, 3, 4), (slice(None), 0, [0, 1])),               # an integer counts as advanced
    ((2, 3, 4), (slice(None), True, slice(None), [0, 1])),
    ((2, 3, 4), (Ellipsis, np.ones((3, 4), bool))),      # F-contiguous result
    ((2, 3, 4), (None, [0, 1])),
    ((2, 3, 4), ([0, 1], None, [0, 1])),
    ((2, 3, 4), (np.array(1),)),                         # 0-d arrays are advanced (a copy)
    ((2, 3, 4), (slice(None), np.array(1), slice(None))),
    ((2, 3, 4), (False,)),
    ((2, 3, 4), (slice(None), slice(None), True)),
    ((3,), ([],)),
    ((2, 0, 3), (slice(None), [])),
])
def test_placement_and_layout(shape, key):
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    expected = a[key]
    result, c, f = predict(a, key)
    assert result.shape == expected.shape
    assert (c, f) == (expected.flags.c_contiguous, expected.flags.f_contiguous)
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("shape, key", [
    ((2, 3), (5, [0, 1, 2], [0, 1])),                    # integer bounds before broadcasting
    ((2, 3), ([0, 5], [0, 1, 2])),                       # broadcasting before array bounds
    ((2, 3, 4), (np.ones((2, 4), bool),)),
    ((2, 3, 4), (None, slice(None), np.ones(2, bool))),  # None is not an axis
    ((2, 3, 4), (5, np.ones(4, bool))),                  # masks before integers
    ((2, 3, 4), (np.ones(3, bool), 0, 0, 0)),            # too many indices first
    ((2, 3), ([0, 1], ..., ...)),
    ((2, 3), (1.0,)),
    ((2, 3), ([0.0],)),
    ((2, 3), (np.array([1.0]),)),
    ((2, 3), ("a",)),
    ((2, 3), ([slice(None)],)),
    ((6,), (np.array([2**63], np.uint64),)),            # uint64 wraps to a negative intp
    ((2, 3), ([[0, 1]], [0, 1, 2])),
    ((2, 3), (False, [0, 1])),
    ((2, 3), (np.array(0), [0, 1], [0, 1, 2])),          # 0-d arrays are not listed
    ((2, 3), (True, [0, 1], [0, 1, 2])),
    ((2, 3), ([1, 0], [0, 4])),
    ((2, 3), ([-3, 0],)),
    ((2, 0, 3), (slice(None), [1, 0])),
])
def test_errors_match_numpy(shape, key):
    a = np.zeros(shape)
    with pytest.raises(Exception) as expected:
        a[key]
    with pytest.raises(type(expected.value)) as got:
        predict(a, key)
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("key", [0, -1, (1, 2), slice(None, None, -1), (Ellipsis, 1), (None, 0),
                                 (), (np.int64(1),), (slice(1, None, 2), None, -2)])
def test_basic_keys_never_reach_advanced_parsing(key):
    a = np.zeros((3, 4, 5))
    parsed = ix.parse(a.shape, a.strides, key)
    assert parsed is not None
    v = a[key]
    assert parsed[0] == v.shape and parsed[1] == v.strides


@pytest.mark.parametrize("key", [[0], np.array(1), np.array([1]), True, np.bool_(False),
                                 (0, [1]), (slice(None), np.zeros((3,), bool)), (1.5,), "x"])
def test_advanced_and_invalid_keys_leave_the_fast_path(key):
    assert ix.parse((3, 3), (24, 8), key) is None


def test_bounds_message_uses_the_array_axis():
    with pytest.raises(IndexError, match="index 7 is out of bounds for axis 2 with size 4"):
        predict(np.zeros((2, 3, 4)), (None, 0, slice(None), [7]))
