"""packbits, unpackbits, binary_repr and base_repr against NumPy.

CPU tests: both kernels run on the host (a CUDA shim) over every layout of (pre, n, post)
and match NumPy; NVRTC compiles them; the unpacked length follows NumPy's ``count`` rule;
binary_repr and base_repr are NumPy's on host integers.  GPU tests compare the public
functions with NumPy.
"""

import importlib.util
import pathlib

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._routines import bits

_spec = importlib.util.spec_from_file_location(
    "_host_kernels", pathlib.Path(__file__).with_name("_host_kernels.py"))
hostk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostk)

PACK_DTYPES = ["bool", "int8", "uint8", "int16", "int32", "uint64", "int64"]
CASES = [((13,), 0), ((3, 17, 2), 1), ((4, 9), 0), ((5, 8, 3), 2), ((2, 3, 16), -1),
         ((1,), 0), ((7, 1), 1)]


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    return hostk.host_kernels(tmp_path_factory)


def _split(shape, axis):
    axis %= len(shape)
    return (int(np.prod(shape[:axis])), shape[axis], int(np.prod(shape[axis + 1:])))


@pytest.mark.parametrize("dtype", PACK_DTYPES)
@pytest.mark.parametrize("bitorder", ["big", "little"])
@pytest.mark.parametrize("shape,axis", CASES)
def test_packbits_kernel_on_host(host, dtype, bitorder, shape, axis):
    a = np.random.default_rng(0).integers(0, 3, shape).astype(dtype)
    ref = np.packbits(a, axis=axis, bitorder=bitorder)
    name, src = bits.packbits_source(np.dtype(dtype), bitorder == "big")
    _, n, post = _split(shape, axis)
    out = np.empty(ref.shape, np.uint8)
    host.call(src, name, np.ascontiguousarray(a), out, out.size, (n + 7) // 8, n, post)
    np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize("bitorder", ["big", "little"])
@pytest.mark.parametrize("shape,axis", CASES)
@pytest.mark.parametrize("count", [None, 0, 3, -3, 30])
def test_unpackbits_kernel_on_host(host, bitorder, shape, axis, count):
    a = np.random.default_rng(1).integers(0, 256, shape).astype(np.uint8)
    _, n, post = _split(shape, axis)
    if count is not None and count < 0 and -count > 8 * n:
        return
    ref = np.unpackbits(a, axis=axis, count=count, bitorder=bitorder)
    name, src = bits.unpackbits_source(bitorder == "big")
    m = bits.unpacked_length(n, count)
    out = np.empty(ref.shape, np.uint8)
    host.call(src, name, a, out, out.size, m, n, post)
    np.testing.assert_array_equal(out, ref)


class _HostArray:
    """The metadata ``bits._split`` reads, over a NumPy array (no device needed)."""

    def __init__(self, h):
        self.h = h
        self.ndim, self._shape, self.size = h.ndim, h.shape, h.size
        self._c, self._f = h.flags.c_contiguous, h.flags.f_contiguous

    @property
    def T(self):
        return _HostArray(self.h.T)

    def reshape(self, shape):
        return _HostArray(self.h.reshape(shape))

    def copy(self):
        return _HostArray(self.h.copy())


@pytest.mark.parametrize("layout", ["C", "F", "transposed", "negative_stride", "sliced"])
@pytest.mark.parametrize("shape,axis", [((5, 11), 0), ((5, 11), -1), ((5, 11), None),
                                        ((2, 3, 9), 1), ((2, 3, 9), 2), ((4, 1), 1), ((), None)])
@pytest.mark.parametrize("fn", ["packbits", "unpackbits"])
def test_split_gives_numpys_values_and_memory_order(host, layout, shape, axis, fn):
    # NumPy's result is Fortran-ordered for a Fortran-ordered input packed along an axis:
    # the plan works on its transpose and transposes the result back.
    h = testing.random_array(np, shape, "uint8", seed=7, layout=layout)
    ref = getattr(np, fn)(h, axis=axis)
    data, _, n, post, dshape, daxis, transposed = bits._split(_HostArray(h), axis)
    assert data._c
    if fn == "packbits":
        m = (n + 7) // 8
        name, src = bits.packbits_source(np.dtype(np.uint8), True)
    else:
        m = 8 * n
        name, src = bits.unpackbits_source(True)
    out = np.empty(dshape[:daxis] + (m,) + dshape[daxis + 1:], np.uint8)
    host.call(src, name, np.ascontiguousarray(data.h), out, out.size, m, n, post)
    out = out.T if transposed else out
    np.testing.assert_array_equal(out, ref)
    assert (out.flags.c_contiguous, out.flags.f_contiguous) == (
        ref.flags.c_contiguous, ref.flags.f_contiguous)


@pytest.mark.parametrize("dtype", PACK_DTYPES)
def test_kernels_compile(dtype):
    for big in (True, False):
        hostk.compile_sm90(bits.packbits_source(np.dtype(dtype), big)[1])
        hostk.compile_sm90(bits.unpackbits_source(big)[1])


def test_unpacked_length_follows_numpy():
    for n in (0, 1, 3):
        a = np.zeros(n, np.uint8)
        for count in (None, 0, 1, 7, 8, 25, -1, -8, -24, -25, np.int64(5)):
            try:
                ref = np.unpackbits(a, count=count).size
            except ValueError:
                with pytest.raises(ValueError, match="-count larger than number of elements"):
                    bits.unpacked_length(n, count)
                continue
            assert bits.unpacked_length(n, count) == ref
    with pytest.raises(TypeError):
        bits.unpacked_length(3, 1.5)


@pytest.mark.parametrize("num,width", [(0, None), (5, None), (-5, None), (-3, 8), (255, 8),
                                       (2**70, None), (np.int8(-3), 8), (np.uint64(7), 5)])
def test_binary_repr(num, width):
    assert cuarray.binary_repr(num, width) == np.binary_repr(num, width)


@pytest.mark.parametrize("num,base,padding", [(0, 2, 0), (35, 36, 2), (-17, 3, 1),
                                              (np.int64(10**12), 16, 0)])
def test_base_repr(num, base, padding):
    assert cuarray.base_repr(num, base, padding) == np.base_repr(num, base, padding)


def test_base_repr_errors_are_numpys():
    with pytest.raises(ValueError):
        cuarray.base_repr(5, 37)
    with pytest.raises(ValueError):
        cuarray.binary_repr(255, 4)         # insufficient width
    with pytest.raises(TypeError):
        cuarray.binary_repr(1.5)


@pytest.mark.parametrize("fn", ["packbits", "unpackbits"])
def test_host_arrays_are_refused(fn):
    with pytest.raises(TypeError):
        getattr(cuarray, fn)(np.ones(3, np.uint8))


# =================================================================================================
# GPU
# =================================================================================================
gpu = pytest.mark.gpu


@gpu
@pytest.mark.parametrize("dtype", PACK_DTYPES + ["uint16", "uint32", "int16"])
@pytest.mark.parametrize("shape,axis", [((), None), ((), 0), ((0,), None), ((3, 0), 0),
                                        ((3, 0), 1), ((19,), None), ((3, 17, 2), 1),
                                        ((4, 9), None), ((5, 8, 3), 2), ((2, 3, 16), -1)])
@pytest.mark.parametrize("bitorder", ["big", "little"])
@testing.numpy_compare()
def test_packbits(xp, dtype, shape, axis, bitorder):
    a = testing.random_array(xp, shape, dtype, seed=2)
    return xp.packbits(a, axis=axis, bitorder=bitorder)


@gpu
@pytest.mark.parametrize("layout", ["F", "transposed", "negative_stride", "sliced", "broadcast"])
@pytest.mark.parametrize("axis", [None, 0, -1])
@testing.numpy_compare()
def test_packbits_layouts(xp, layout, axis):
    a = testing.random_array(xp, (5, 11), "int32", seed=3, layout=layout)
    return xp.packbits(a, axis=axis)


@gpu
@pytest.mark.parametrize("shape,axis", [((), None), ((), 0), ((0,), None), ((3,), None),
                                        ((4, 3), 0), ((4, 3), 1), ((2, 3, 4), -2)])
@pytest.mark.parametrize("count", [None, 0, 5, -4, 40])
@pytest.mark.parametrize("bitorder", ["big", "little"])
@pytest.mark.parametrize("layout", ["C", "F", "negative_stride"])
@testing.numpy_compare(accept_error=ValueError)      # -count beyond an empty input's 0 bits
def test_unpackbits(xp, shape, axis, count, bitorder, layout):
    a = testing.random_array(xp, shape, "uint8", seed=4, layout=layout)
    out = xp.unpackbits(a, axis=axis, count=count, bitorder=bitorder)
    if a.size == 0 and count:
        # NumPy leaves the zero padding of an empty input uninitialised (its values are
        # whatever the allocation held): compare shapes and dtypes only; the test below
        # checks cuarray's zeros.
        return out.shape, out.dtype
    return out


@gpu
@pytest.mark.parametrize("count", [5, 40])
@pytest.mark.parametrize("bitorder", ["big", "little"])
def test_unpackbits_pads_an_empty_input_with_zeros(count, bitorder):
    out = cuarray.unpackbits(cuarray.zeros((2, 0), np.uint8), axis=1, count=count,
                             bitorder=bitorder)
    testing.assert_array_equal(out, np.zeros((2, count), np.uint8))


@gpu
@pytest.mark.parametrize("case", ["float", "order", "axis", "count", "unpack_int"])
@testing.numpy_compare(accept_error=(TypeError, ValueError))
def test_bits_errors(xp, case):
    a = testing.random_array(xp, (4,), "uint8", seed=5)
    if case == "float":
        return xp.packbits(a.astype(np.float32))
    if case == "order":
        return xp.packbits(a, bitorder="middle")
    if case == "axis":
        return xp.unpackbits(a, axis=1)
    if case == "count":
        return xp.unpackbits(a, count=-33)
    return xp.unpackbits(a.astype(np.int8))


@gpu
@pytest.mark.parametrize("dtype", ["int8", "uint64", "int16"])
def test_binary_repr_of_device_scalars(dtype):
    v = testing.random_array(np, (), dtype, seed=6)
    assert cuarray.binary_repr(cuarray.asarray(v), 9) == np.binary_repr(v, 9)
    assert cuarray.base_repr(cuarray.asarray(v), 7) == np.base_repr(v, 7)
