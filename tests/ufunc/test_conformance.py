"""Conformance with NumPy's ufunc namespace, probed from NumPy itself (no GPU needed).

Every NumPy ufunc exists in cuarray with the same arity, and for every combination of
our dtypes NumPy resolves, cuarray has a loop body (or NumPy rejects it too).
"""

import itertools

import numpy as np
import pytest

import cuarray
from cuarray._core.dtypes import SUPPORTED
from cuarray._ufunc import namespace
from cuarray._ufunc.gufunc import gufunc
from cuarray._ufunc.ufunc import ufunc

# NumPy ufuncs with no meaning for cuarray's dtypes are still present (isnat raises as NumPy).
_NUMPY_UFUNCS = sorted(n for n in dir(np) if isinstance(getattr(np, n), np.ufunc))


_OUR_CHARS = set("?bBhHiIlLqQefdFD")


@pytest.mark.parametrize("name", _NUMPY_UFUNCS)
def test_every_numpy_ufunc_exists_with_its_attributes(name):
    # The one place the public ufunc namespace is checked against NumPy's, aliases included.
    ours = getattr(cuarray, name, None)
    assert ours is not None, f"cuarray.{name} is missing"
    theirs = getattr(np, name)
    assert isinstance(ours, (ufunc, gufunc))
    assert ours is getattr(namespace, name)
    assert (ours.nin, ours.nout, ours.nargs) == (theirs.nin, theirs.nout, theirs.nargs)
    assert ours.__name__ == theirs.__name__
    assert ours.identity == theirs.identity
    assert ours.types == [t for t in theirs.types if set(t.replace("->", "")) <= _OUR_CHARS]
    if theirs.__name__ != name:      # an alias in NumPy is an alias here too
        assert ours is getattr(cuarray, theirs.__name__)


def _combinations(uf):
    if uf.nin == 1:
        return [(d,) for d in SUPPORTED]
    return list(itertools.product(SUPPORTED, repeat=uf.nin))


@pytest.mark.parametrize("name", sorted({getattr(np, n).__name__ for n in _NUMPY_UFUNCS}))
def test_every_resolvable_dtype_combination_has_a_body(name):
    ours = getattr(cuarray, name)
    if isinstance(ours, gufunc) or not isinstance(ours, ufunc):
        pytest.skip(f"{name} is a generalized ufunc; its loops are tested in test_gufuncs")
    theirs = getattr(np, name)
    checked = 0
    for dts in _combinations(theirs):
        try:
            resolved = theirs.resolve_dtypes(dts + (None,) * theirs.nout)
        except TypeError:
            continue        # NumPy rejects it; cuarray raises the same error from resolution
        if all(d in SUPPORTED for d in resolved):
            assert ours._spec.body_for(resolved[0]) is not None, (name, dts, resolved)
            checked += 1
    if name != "isnat":
        assert checked, f"no loop of {name} was checked"
