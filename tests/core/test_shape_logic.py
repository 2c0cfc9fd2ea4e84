"""Shape arithmetic against NumPy's own behaviour (no GPU needed)."""

import numpy as np
import pytest

from cuarray._core.shape import collapse, contiguity, infer_reshape, reshape_strides


def _random_views(seed, count):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        nd = int(rng.integers(0, 5))
        shape = tuple(int(s) for s in rng.integers(1, 5, nd))
        base = np.empty(tuple(2 * s for s in shape) + (2,), np.float32)
        key = tuple(slice(None, None, int(rng.choice([1, 2, -1]))) for _ in shape) + (0,)
        v = base[key][tuple(slice(0, s) for s in shape)]
        if nd and rng.random() < 0.5:
            v = v.transpose(rng.permutation(nd))
        yield rng, v


def test_reshape_views_match_numpy():
    checked = 0
    for rng, v in _random_views(0, 400):
        n = v.size
        factors = [f for f in (2, 3, 4) if n % f == 0]
        new = (n,) if not factors else (int(rng.choice(factors)), -1)
        new = infer_reshape(n, new)
        for order in "CF":
            got = reshape_strides(v.shape, v.strides, 4, new, order)
            try:
                expected = v.reshape(new, order=order, copy=False).strides
            except ValueError:
                expected = None
            assert (got is None) == (expected is None), (v.shape, v.strides, new, order)
            if got is not None and v.size > 1:
                idx = np.indices(new).reshape(len(new), -1).T
                assert all(sum(i * s for i, s in zip(ix, got)) ==
                           sum(i * s for i, s in zip(ix, expected)) for ix in idx)
            checked += 1
    assert checked == 800


def test_contiguity_matches_numpy_flags():
    for _, v in _random_views(1, 300):
        assert contiguity(v.shape, v.strides, 4) == (v.flags.c_contiguous, v.flags.f_contiguous)


def test_collapse_keeps_addressing():
    for rng, v in _random_views(2, 300):
        w = np.empty(v.shape, np.float32)
        shape, (sv, sw) = collapse(v.shape, [v.strides, w.strides])
        assert len(shape) <= max(v.ndim, 1)
        # Walk both index spaces in C order: the byte offsets must agree element by element.
        full = [sum(i * s for i, s in zip(ix, v.strides)) for ix in np.ndindex(v.shape)]
        short = [sum(i * s for i, s in zip(ix, sv)) for ix in np.ndindex(shape)] if shape else [0]
        assert full == short


@pytest.mark.parametrize("new", [(-1, 5), (3, -1, 2), (-1,)])
def test_infer_reshape(new):
    assert infer_reshape(30, new) == np.empty(30).reshape(new).shape


@pytest.mark.parametrize("new", [(-1, -1), (7, -1), (4, 4)])
def test_infer_reshape_errors(new):
    with pytest.raises(ValueError):
        np.empty(30).reshape(new)
    with pytest.raises(ValueError):
        infer_reshape(30, new)
