"""Interoperability: DLPack, __cuda_array_interface__, NumPy dispatch, flat, to_device.

CPU tests check the DLPack C layouts, the dtype codes, capsule reading and
building (against NumPy's own DLPack implementation, which shares the C ABI),
the stream-argument rules and the dispatch tables.  GPU tests (marked ``gpu``)
exchange arrays with PyTorch, JAX and CuPy in both directions: values, shared
memory (a write through one library is read through the other), views, every
dtype both sides support, lifetimes and stream ordering.
"""

import ctypes
import gc
import os
import sys

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._core import dlpack
from cuarray._core.ndarray import _init
from cuarray._routines import dispatch, interop

gpu = pytest.mark.gpu
ALL_DTYPES = [np.dtype(n) for n in testing.ALL]


# -- helpers --------------------------------------------------------------------------------
def _fake_device_array(host):
    """A cuarray array over ``host``'s memory, labelled as device 0's; never dereferenced."""
    from cuarray.cuda.memory import MemoryPointer, UnownedMemory
    ptr = host.ctypes.data
    lo, nbytes = interop._span(ptr, host.shape, host.strides, host.itemsize)
    mem = UnownedMemory(lo, nbytes, host, device_id=0)
    a = object.__new__(cuarray.ndarray)
    _init(a, host.shape, host.strides, host.dtype, MemoryPointer(mem, ptr - lo), ptr, None)
    return a


class _Producer:
    """Hands a prepared capsule to a consumer through the DLPack protocol."""

    def __init__(self, capsule, device):
        self.capsule, self.device = capsule, device

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return self.device


def _layout_views():
    base = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    return {"C": base, "transposed": base.transpose(2, 0, 1), "negative": base[::-1, :, ::-2],
            "offset": base[1:, 1:, 2:], "zero_d": base[1, 2, 3, ...], "empty": base[:, :0],
            "broadcast": np.lib.stride_tricks.as_strided(base, (5, 3, 4), (0, 16, 4))}


# -- ctypes layouts and dtype codes (CPU) ----------------------------------------------------------
def test_ctypes_layouts_match_dlpack_h():
    c = ctypes
    assert c.sizeof(dlpack.DLDevice) == 8 and c.sizeof(dlpack.DLDataType) == 4
    assert c.sizeof(dlpack.DLPackVersion) == 8
    offsets = {name: getattr(dlpack.DLTensor, name).offset for name, _ in dlpack.DLTensor._fields_}
    assert offsets == {"data": 0, "device": 8, "ndim": 16, "dtype": 20, "shape": 24,
                       "strides": 32, "byte_offset": 40}
    assert c.sizeof(dlpack.DLTensor) == 48
    assert c.sizeof(dlpack.DLManagedTensor) == 64
    assert dlpack.DLManagedTensor.manager_ctx.offset == 48
    assert dlpack.DLManagedTensor.deleter.offset == 56
    v = dlpack.DLManagedTensorVersioned
    assert (v.version.offset, v.manager_ctx.offset, v.deleter.offset, v.flags.offset,
            v.dl_tensor.offset, c.sizeof(v)) == (0, 8, 16, 24, 32, 80)
    assert dlpack.DLDataType.code.offset == 0 and dlpack.DLDataType.lanes.offset == 2


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_dtype_codes_match_numpy_exporter(dtype):
    m, _ = dlpack.managed_tensor(np.zeros(3, dtype).__dlpack__(max_version=(1, 0)))
    t = m.dl_tensor.dtype
    assert dlpack.dl_dtype(dtype) == (t.code, t.bits, t.lanes)
    assert dlpack.numpy_dtype(t.code, t.bits, t.lanes) == dtype


def test_dtype_code_values():
    k = dlpack.DLDataTypeCode
    assert dlpack.dl_dtype(np.dtype(bool)) == (6, 8, 1)            # kDLBool (DLPack >= 0.8)
    assert dlpack.dl_dtype(np.dtype("float16")) == (2, 16, 1)      # kDLFloat
    assert dlpack.dl_dtype(np.dtype("complex64")) == (5, 64, 1)    # kDLComplex
    assert dlpack.dl_dtype(np.dtype("uint32")) == (1, 32, 1)
    assert (k.kDLInt, k.kDLUInt, k.kDLFloat, k.kDLBfloat, k.kDLComplex, k.kDLBool) == \
        (0, 1, 2, 4, 5, 6)
    assert (dlpack.DLDeviceType.kDLCPU, dlpack.DLDeviceType.kDLCUDA,
            dlpack.DLDeviceType.kDLCUDAManaged) == (1, 2, 13)


@pytest.mark.parametrize("code_bits_lanes", [(4, 16, 1), (2, 8, 1), (2, 32, 4), (0, 128, 1),
                                             (6, 1, 1), (9, 8, 1)])
def test_unsupported_dl_dtypes_raise(code_bits_lanes):
    with pytest.raises(BufferError):
        dlpack.numpy_dtype(*code_bits_lanes)
    with pytest.raises(BufferError):
        dlpack.dl_dtype(np.dtype("datetime64[s]"))


# -- reading capsules (NumPy as the producer) ------------------------------------------------
@pytest.mark.parametrize("max_version", [None, (1, 0)])
@pytest.mark.parametrize("layout", list(_layout_views()))
def test_read_and_consume_numpy_capsule(max_version, layout):
    view = _layout_views()[layout]
    before = sys.getrefcount(view)
    capsule = view.__dlpack__(max_version=max_version)
    assert sys.getrefcount(view) == before + 1          # the capsule holds the array
    info = dlpack.read(capsule)
    assert info.versioned == (max_version is not None)
    assert info.device == (1, 0) and info.dtype == view.dtype and info.shape == view.shape
    if view.size:
        assert info.ptr == view.ctypes.data and info.strides == view.strides
    owner = dlpack.consume(capsule, info, producer=None)
    name = "used_dltensor_versioned" if max_version else "used_dltensor"
    assert f'"{name}"' in repr(capsule)
    with pytest.raises(BufferError, match="already consumed"):
        dlpack.read(capsule)
    del capsule
    gc.collect()
    assert sys.getrefcount(view) == before + 1          # renamed: the owner holds it now
    del owner
    gc.collect()
    assert sys.getrefcount(view) == before              # the owner called the deleter


def test_read_rejects_other_capsules():
    api = ctypes.pythonapi
    api.PyCapsule_New.restype = ctypes.py_object
    api.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    other = api.PyCapsule_New(ctypes.addressof(ctypes.c_int(1)), b"something", None)
    with pytest.raises(TypeError):
        dlpack.read(other)
    assert dlpack.is_capsule(other) and not dlpack.is_capsule(object())


# -- reading capsules built field by field -------------------------------------------------------
_capsule_new = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.c_char_p,
                                 ctypes.c_void_p)(("PyCapsule_New", ctypes.pythonapi))


def _hand_made_capsule(view, element_strides, *, versioned, use_byte_offset=False):
    """A capsule describing ``view``'s host memory as CUDA device 0's, built without a
    producer library.  ``element_strides``: int64 values written as they are.  Returns
    the capsule and the ctypes objects it points into (keep them alive)."""
    n = view.ndim
    shape = (ctypes.c_int64 * max(n, 1))(*view.shape)
    strides = (ctypes.c_int64 * max(n, 1))(*(int(s) for s in element_strides))
    m = (dlpack.DLManagedTensorVersioned if versioned else dlpack.DLManagedTensor)()
    if versioned:
        m.version.major, m.version.minor = 1, 0
    t = m.dl_tensor
    start = view.ctypes.data
    if use_byte_offset:         # data at the allocation, the first element byte_offset after it
        base = view.base if view.base is not None else view
        t.data, t.byte_offset = base.ctypes.data, start - base.ctypes.data
    else:
        t.data, t.byte_offset = start, 0
    t.device.device_type, t.device.device_id = int(dlpack.DLDeviceType.kDLCUDA), 0
    t.dtype.code, t.dtype.bits, t.dtype.lanes = dlpack.dl_dtype(view.dtype)
    t.ndim = n
    t.shape = ctypes.cast(shape, ctypes.POINTER(ctypes.c_int64))
    t.strides = ctypes.cast(strides, ctypes.POINTER(ctypes.c_int64))
    name = dlpack.VERSIONED if versioned else dlpack.LEGACY     # must outlive the capsule
    return _capsule_new(ctypes.addressof(m), name, None), (m, shape, strides)


def _element_strides(view, division):
    """DLPack element strides of ``view`` as a C producer computes them: byte stride
    divided by the itemsize in int64 ("signed"), or with the itemsize a size_t
    ("unsigned": the byte stride converts to uint64 first, as CuPy before the fix of
    cupy/cupy#10172 exports negative strides)."""
    byte_strides = np.array(view.strides, np.int64)
    if division == "signed":
        return byte_strides // view.itemsize
    return (byte_strides.view(np.uint64) // np.uint64(view.itemsize)).view(np.int64)


NEGATIVE_STRIDE_KEYS = {"rows_reversed": (slice(None, None, -1), slice(None)),
                        "both_stepped": (slice(None, None, -2), slice(1, None, 3)),
                        "columns_reversed": (slice(None), slice(None, None, -1)),
                        "transposed_reversed": (slice(None, None, -1), slice(2, None))}


@pytest.mark.parametrize("division", ["signed", "unsigned"])
@pytest.mark.parametrize("use_byte_offset", [False, True])
@pytest.mark.parametrize("versioned", [True, False])
@pytest.mark.parametrize("key", list(NEGATIVE_STRIDE_KEYS))
@pytest.mark.parametrize("dtype", ["int8", "float16", "float32", "float64", "complex128"])
def test_import_negative_strides_from_hand_made_capsule(dtype, key, versioned, use_byte_offset,
                                                         division):
    base = np.zeros((6, 8), dtype)      # host memory labelled as device memory, never read
    view = base[NEGATIVE_STRIDE_KEYS[key]]
    if key == "transposed_reversed":
        view = view.T
    capsule, keep = _hand_made_capsule(view, _element_strides(view, division),
                                       versioned=versioned, use_byte_offset=use_byte_offset)
    info = dlpack.read(capsule)
    assert info.shape == view.shape and info.strides == view.strides
    assert info.ptr == view.ctypes.data
    a = cuarray.from_dlpack(capsule)
    assert a.shape == view.shape and a.dtype == view.dtype and a.strides == view.strides
    assert a.data.ptr == view.ctypes.data
    lo, hi = np.lib.array_utils.byte_bounds(view)
    assert (a.data.mem.ptr, a.data.mem.size) == (lo, hi - lo)   # the span the view touches
    assert (a.flags.c_contiguous, a.flags.f_contiguous) == \
        (view.flags.c_contiguous, view.flags.f_contiguous)
    assert "used_dltensor" in repr(capsule)
    del a, keep


@pytest.mark.parametrize("case", ["negative_extent", "past_the_top", "below_zero"])
def test_read_rejects_impossible_layouts(case):
    view = np.zeros(6, np.float64)
    strides = [1]
    if case == "negative_extent":
        capsule, keep = _hand_made_capsule(view, strides, versioned=True)
        keep[1][0] = -6
    else:           # byte strides 2**62 (past the top of the address space), -2**63
        strides = [1 << 59] if case == "past_the_top" else [1 << 60]
        capsule, keep = _hand_made_capsule(view, strides, versioned=True)
    with pytest.raises(BufferError):
        dlpack.read(capsule)
    with pytest.raises(BufferError):
        cuarray.from_dlpack(capsule)
    assert '"dltensor_versioned"' in repr(capsule)      # refused, not consumed
    del keep


# -- building capsules (NumPy as the consumer) -----------------------------------------------
@pytest.mark.parametrize("versioned", [True, False])
@pytest.mark.parametrize("layout", list(_layout_views()))
def test_exported_capsule_is_consumed_by_numpy(versioned, layout):
    view = _layout_views()[layout]
    owner = object()
    before = sys.getrefcount(owner)
    capsule = dlpack.export(view.ctypes.data, view.shape, view.strides, view.dtype, (1, 0),
                            owner, versioned=versioned)
    assert sys.getrefcount(owner) == before + 1
    got = np.from_dlpack(_Producer(capsule, (1, 0)))
    np.testing.assert_array_equal(got, view)
    if view.size:
        assert got.ctypes.data == view.ctypes.data and got.strides == view.strides
    assert "used_dltensor" in repr(capsule)
    del capsule
    gc.collect()
    assert sys.getrefcount(owner) == before + 1         # NumPy's array still views it
    del got
    gc.collect()
    assert sys.getrefcount(owner) == before


def test_unconsumed_capsule_releases_owner():
    owner = object()
    before = sys.getrefcount(owner)
    capsule = dlpack.export(8, (3,), (8,), np.dtype("float64"), (2, 0), owner, versioned=True)
    assert sys.getrefcount(owner) == before + 1
    del capsule
    gc.collect()
    assert sys.getrefcount(owner) == before


def test_consumer_error_with_rejected_capsule_is_kept():
    # NumPy refuses CUDA memory and drops the capsule while its error is pending: the
    # error must reach the caller unchanged (no SystemError) and the owner be released.
    host = np.arange(6.0)
    owner = object()
    before = sys.getrefcount(owner)
    capsule = dlpack.export(host.ctypes.data, host.shape, host.strides, host.dtype, (2, 0),
                            owner, versioned=True)
    with pytest.raises((BufferError, RuntimeError), match="[Dd]evice"):
        np.from_dlpack(_Producer(capsule, (1, 0)))
    del capsule
    gc.collect()
    assert sys.getrefcount(owner) == before


def test_export_fields_and_flags():
    host = np.zeros((2, 3), np.complex64)
    for copied in (False, True):
        capsule = dlpack.export(host.ctypes.data, host.shape, host.strides, host.dtype, (2, 3),
                                None, versioned=True, copied=copied)
        m, versioned = dlpack.managed_tensor(capsule)
        t = m.dl_tensor
        assert versioned and m.version.major == 1
        assert m.flags == (dlpack.FLAG_IS_COPIED if copied else 0)
        assert (t.device.device_type, t.device.device_id) == (2, 3)
        assert (t.dtype.code, t.dtype.bits, t.dtype.lanes) == (5, 64, 1)
        assert t.data == host.ctypes.data and t.byte_offset == 0 and t.ndim == 2
        assert [t.shape[i] for i in range(2)] == [2, 3]
        assert [t.strides[i] for i in range(2)] == [3, 1]          # elements, not bytes
    empty = dlpack.export(0, (0, 4), (16, 4), np.dtype("float32"), (2, 0), None, versioned=True)
    assert dlpack.managed_tensor(empty)[0].dl_tensor.data is None  # NULL for empty tensors


# -- ndarray.__dlpack__ and from_dlpack without touching a GPU ------------------------------------
@pytest.mark.parametrize("max_version", [None, (1, 0), (1, 3)])
@pytest.mark.parametrize("layout", list(_layout_views()))
def test_ndarray_dlpack_round_trip_through_capsule(max_version, layout):
    host = _layout_views()[layout]
    a = _fake_device_array(host)
    assert a.__dlpack_device__() == (dlpack.DLDeviceType.kDLCUDA, 0)
    before = sys.getrefcount(a)
    capsule = a.__dlpack__(stream=-1, max_version=max_version)
    assert ("dltensor_versioned" in repr(capsule)) == (max_version is not None)
    b = cuarray.from_dlpack(capsule)
    assert b.shape == a.shape and b.dtype == a.dtype
    if a.size:      # an empty tensor's data pointer is NULL (dlpack.h)
        assert b._ptr == a._ptr and b.strides == a.strides
    assert "used_dltensor" in repr(capsule)
    del capsule
    gc.collect()
    assert sys.getrefcount(a) == before + 1             # the imported view keeps `a` alive
    del b
    gc.collect()
    assert sys.getrefcount(a) == before


def test_ndarray_dlpack_refuses_strides_not_multiple_of_itemsize():
    host = np.zeros((3, 6), np.int8)[:, :4].view(np.int32)     # strides (6, 4)
    with pytest.raises(BufferError, match="multiple of itemsize"):
        _fake_device_array(host).__dlpack__(stream=-1)


@pytest.mark.parametrize("stream, error", [(0, ValueError), (-2, ValueError), ("1", TypeError),
                                           (True, TypeError), (1.0, TypeError)])
def test_ndarray_dlpack_stream_errors(stream, error):
    with pytest.raises(error):
        _fake_device_array(np.zeros(3)).__dlpack__(stream=stream)


@pytest.mark.parametrize("kwargs, error", [
    ({"dl_device": (1, 0), "copy": False}, BufferError),
    ({"dl_device": (4, 0)}, BufferError),
    ({"dl_device": "cuda"}, TypeError),
    ({"max_version": 1}, TypeError),
])
def test_ndarray_dlpack_argument_errors(kwargs, error):
    with pytest.raises(error):
        _fake_device_array(np.zeros(3)).__dlpack__(stream=-1, **kwargs)


@pytest.mark.parametrize("stream, handle", [(None, 0), (1, 0), (2, 2), (0x7F001234, 0x7F001234),
                                            (-1, None), (np.int64(2), 2)])
def test_consumer_stream_numbers(stream, handle):
    assert interop._consumer_stream(stream) == handle


def test_from_dlpack_refuses_host_data():
    host = np.arange(4.0)
    with pytest.raises(BufferError, match=r"cuarray\.asarray"):
        cuarray.from_dlpack(host)
    with pytest.raises(ValueError, match="copy=False"):
        cuarray.from_dlpack(host, copy=False)
    capsule = host.__dlpack__(max_version=(1, 0))
    with pytest.raises(BufferError, match="CPU"):
        cuarray.from_dlpack(capsule)
    assert '"dltensor_versioned"' in repr(capsule)      # refused, not consumed
    with pytest.raises(BufferError):
        cuarray.from_dlpack(host, device="cpu")
    with pytest.raises(AttributeError, match="__dlpack__"):
        cuarray.from_dlpack([1.0, 2.0])


def test_from_dlpack_of_cuarray_array_is_itself():
    a = _fake_device_array(np.zeros((2, 2)))
    assert cuarray.from_dlpack(a) is a
    assert cuarray.from_dlpack(a, device=0) is a


# -- NumPy dispatch tables (CPU) ------------------------------------------------------------------
def test_ufunc_targets():
    assert dispatch.ufunc_target(np.add) is cuarray.add
    assert dispatch.ufunc_target(np.true_divide) is cuarray.divide     # NumPy's alias
    assert dispatch.ufunc_target(np.less_equal) is cuarray.less_equal


def test_function_targets():
    assert dispatch.function_target(np.reshape) is cuarray.reshape
    assert dispatch.function_target(np.permute_dims) is cuarray.transpose   # __name__
    assert dispatch.function_target(np.busday_count) is None     # datetime: never on the GPU
    assert dispatch.function_target(np.strings.upper) is None
    linalg = getattr(cuarray, "linalg", None) if _has_module("cuarray.linalg") else None
    expected = getattr(linalg, "norm", None)
    assert dispatch.function_target(np.linalg.norm) is expected


def _has_module(name):
    import importlib.util
    return importlib.util.find_spec(name) is not None


def test_dispatch_declines_foreign_types():
    nd = cuarray.ndarray
    assert nd.__array_function__(None, np.reshape, (list,), ([1],), {}) is NotImplemented
    assert nd.__array_function__(None, np.busday_count, (nd,), (), {}) is NotImplemented
    assert nd.__array_ufunc__(None, np.add, "__call__", object(), 1) is NotImplemented
    assert nd.__array_ufunc__(None, np.add, "__call__", 1, 2, out=([],)) is NotImplemented
    for method in ("reduce", "accumulate", "reduceat", "outer", "at"):
        if not hasattr(cuarray.add, method):
            assert nd.__array_ufunc__(None, np.add, method, 1) is NotImplemented


def test_get_array_module_host():
    assert cuarray.get_array_module() is np
    assert cuarray.get_array_module(np.zeros(2), 1.0, [1]) is np


# -- flat without a GPU ------------------------------------------------------------------------
@pytest.mark.parametrize("layout", list(_layout_views()))
def test_flat_element_addresses(layout):
    host = _layout_views()[layout]
    a = _fake_device_array(host)
    assert len(a.flat) == host.size
    for i in range(host.size):
        idx = np.unravel_index(i, host.shape)
        expected = host.ctypes.data + sum(int(k) * s for k, s in zip(idx, host.strides))
        element = a.flat[i]
        assert element.shape == () and element._ptr == expected
    it, host_it = a.flat, host.flat
    for _ in range(min(2, host.size)):
        next(it), next(host_it)
    assert iter(it) is it and it.index == host_it.index
    if host.size > it.index:
        assert it.coords == host_it.coords


@pytest.mark.parametrize("key, error", [(24, IndexError), (-25, IndexError),
                                        ((1, 2), IndexError)])
def test_flat_index_errors(key, error):
    host = np.zeros((4, 6))
    with pytest.raises(error):
        host.flat[key]
    with pytest.raises(error):
        _fake_device_array(host).flat[key]


# == GPU tests ===================================================================================
@pytest.fixture(scope="module")
def torch():
    try:
        import torch
    except Exception as exc:        # not installed, or a broken CUDA build
        pytest.skip(f"PyTorch is not importable: {exc}")
    if not torch.cuda.is_available():
        pytest.skip("PyTorch sees no CUDA device")
    return torch


@pytest.fixture(scope="module")
def jax():
    # JAX would otherwise reserve most of the GPU's memory for itself.
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    try:
        import jax
        import jax.dlpack  # noqa: F401
    except Exception as exc:
        pytest.skip(f"JAX is not importable: {exc}")
    try:
        jax.devices("gpu")
    except RuntimeError as exc:
        pytest.skip(f"JAX has no GPU backend: {exc}")
    jax.config.update("jax_enable_x64", True)
    return jax


@pytest.fixture(scope="module")
def cupy():
    try:
        import cupy
    except Exception as exc:
        pytest.skip(f"CuPy is not importable: {exc}")
    return cupy


def _torch_tensor(torch, host):
    try:
        return torch.from_numpy(np.ascontiguousarray(host)).cuda()
    except (TypeError, RuntimeError) as exc:
        pytest.skip(f"PyTorch {torch.__version__} cannot hold {host.dtype} tensors: {exc}")


def _torch_host(t):
    return t.cpu().numpy()


def _skip_unless_torch_exports(torch, t):
    try:
        torch.utils.dlpack.to_dlpack(t)
    except Exception as exc:
        pytest.skip(f"PyTorch {torch.__version__} cannot export {t.dtype} through DLPack: {exc}")


SPIN_FILL = r'''
extern "C" __global__ void spin_fill(float* p, long long n, float value, long long cycles) {
    if (threadIdx.x == 0) {
        long long start = clock64();
        while (clock64() - start < cycles) { }
    }
    __syncthreads();
    for (long long i = threadIdx.x; i < n; i += blockDim.x) p[i] = value;
}
'''


def _spin_fill(a, value, stream, cycles=300_000_000):
    """Fill float32 ``a`` with ``value`` on ``stream`` after ~0.15 s of spinning."""
    kernel = cuarray.cuda.compile_with_cache(SPIN_FILL).get_function("spin_fill")
    kernel((1,), (256,), (a, np.int64(a.size), np.float32(value), np.int64(cycles)),
           stream=stream)


# -- PyTorch -------------------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_torch_to_cuarray_shares_memory(torch, dtype):
    host = testing.random_array(np, (4, 6), dtype, seed=1)
    t = _torch_tensor(torch, host)
    _skip_unless_torch_exports(torch, t)
    a = cuarray.from_dlpack(t)
    assert type(a) is cuarray.ndarray and a.dtype == dtype and a.shape == host.shape
    assert a.data.ptr == t.data_ptr() and a.device.id == t.device.index
    np.testing.assert_array_equal(a.get(), host)
    new = testing.random_array(np, (4, 6), dtype, seed=2)
    a[...] = cuarray.asarray(new)                   # write through cuarray ...
    np.testing.assert_array_equal(_torch_host(t), new)   # ... read through PyTorch
    newer = testing.random_array(np, (4, 6), dtype, seed=3)
    t.copy_(_torch_tensor(torch, newer))
    np.testing.assert_array_equal(a.get(), newer)


@gpu
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_cuarray_to_torch_shares_memory(torch, dtype):
    host = testing.random_array(np, (5, 3), dtype, seed=4)
    _skip_unless_torch_exports(torch, _torch_tensor(torch, host))
    a = cuarray.asarray(host)
    t = torch.from_dlpack(a)
    assert t.is_cuda and t.data_ptr() == a.data.ptr and tuple(t.shape) == host.shape
    assert t.dtype == getattr(torch, dtype.name)
    np.testing.assert_array_equal(_torch_host(t), host)
    new = testing.random_array(np, (5, 3), dtype, seed=5)
    t.copy_(_torch_tensor(torch, new))              # write through PyTorch ...
    np.testing.assert_array_equal(a.get(), new)     # ... read through cuarray
    a[...] = cuarray.asarray(host)
    np.testing.assert_array_equal(_torch_host(t), host)


def _views(xp_array, host):
    return {"T": (xp_array.T, host.T), "step": (xp_array[:, ::3], host[:, ::3]),
            "offset": (xp_array[2:, 3:], host[2:, 3:]),
            "column": (xp_array[:, 5], host[:, 5])}


@gpu
@pytest.mark.parametrize("view", ["T", "step", "offset", "column", "broadcast"])
@pytest.mark.parametrize("dtype", ["float32", "int16", "complex128"])
def test_torch_views_to_cuarray(torch, view, dtype):
    host = testing.random_array(np, (6, 8), dtype, seed=6)
    t = _torch_tensor(torch, host)
    if view == "broadcast":
        tv, expected = t[:1].expand(5, 8), np.broadcast_to(host[:1], (5, 8))
    else:
        tv, expected = _views(t, host)[view]
    a = cuarray.from_dlpack(tv)
    assert a.data.ptr == tv.data_ptr()
    assert a.strides == tuple(s * host.itemsize for s in tv.stride())
    np.testing.assert_array_equal(a.get(), expected)


@gpu
@pytest.mark.parametrize("view", ["T", "step", "offset", "column", "broadcast"])
@pytest.mark.parametrize("dtype", ["float32", "uint8", "complex64"])
def test_cuarray_views_to_torch(torch, view, dtype):
    host = testing.random_array(np, (6, 8), dtype, seed=7)
    a = cuarray.asarray(host)
    if view == "broadcast":
        av, expected = cuarray.broadcast_to(a[:1], (5, 8)), np.broadcast_to(host[:1], (5, 8))
    else:
        av, expected = _views(a, host)[view]
    t = torch.from_dlpack(av)
    assert t.data_ptr() == av.data.ptr
    assert tuple(t.stride()) == tuple(s // host.itemsize for s in av.strides)
    np.testing.assert_array_equal(_torch_host(t), expected)


@gpu
@pytest.mark.parametrize("max_version", [None, (1, 0), (1, 7)])
def test_capsules_to_torch(torch, max_version):
    host = testing.random_array(np, (3, 4), "float64", seed=8)
    a = cuarray.asarray(host)
    capsule = a.__dlpack__(max_version=max_version)
    name = "dltensor_versioned" if max_version else "dltensor"
    assert f'"{name}"' in repr(capsule)
    t = torch.utils.dlpack.from_dlpack(capsule)
    assert f'"used_{name}"' in repr(capsule)
    assert t.data_ptr() == a.data.ptr
    np.testing.assert_array_equal(_torch_host(t), host)


@gpu
def test_legacy_torch_capsule_to_cuarray(torch):
    host = testing.random_array(np, (3, 4), "int32", seed=9)
    t = _torch_tensor(torch, host)
    capsule = torch.utils.dlpack.to_dlpack(t)
    a = cuarray.from_dlpack(capsule)
    assert '"used_dltensor"' in repr(capsule) and a.data.ptr == t.data_ptr()
    np.testing.assert_array_equal(a.get(), host)
    with pytest.raises(BufferError, match="already consumed"):
        cuarray.from_dlpack(capsule)


@gpu
def test_asarray_of_torch_tensor_is_zero_copy(torch):
    host = testing.random_array(np, (4, 5), "float32", seed=10)
    t = _torch_tensor(torch, host)
    for tv, expected in ((t, host), (t.T, host.T)):
        a = cuarray.asarray(tv)
        assert a.data.ptr == tv.data_ptr()
        np.testing.assert_array_equal(a.get(), expected)


@gpu
def test_export_keeps_array_alive(torch):
    host = testing.random_array(np, (1 << 18,), "float32", seed=11)
    a = cuarray.asarray(host)
    t = torch.from_dlpack(a)
    del a
    gc.collect()
    junk = [cuarray.zeros(host.shape, host.dtype) for _ in range(4)]   # would reuse a freed block
    np.testing.assert_array_equal(_torch_host(t), host)
    pool = cuarray.get_default_memory_pool()
    used = pool.used_bytes()
    del t
    gc.collect()
    assert pool.used_bytes() < used                     # the deleter released our array
    del junk


@gpu
def test_import_keeps_tensor_alive(torch):
    t = torch.arange(1 << 18, dtype=torch.float32, device="cuda")
    expected = _torch_host(t)
    a = cuarray.from_dlpack(t)
    allocated = torch.cuda.memory_allocated()
    del t
    gc.collect()
    junk = [torch.full((1 << 18,), -1.0, device="cuda") for _ in range(4)]
    np.testing.assert_array_equal(a.get(), expected)
    del junk
    gc.collect()
    assert torch.cuda.memory_allocated() == allocated
    del a
    gc.collect()
    assert torch.cuda.memory_allocated() == allocated - (1 << 20)


# -- streams ---------------------------------------------------------------------------------------
@gpu
def test_export_orders_producer_stream_before_torch(torch):
    s = cuarray.cuda.Stream(non_blocking=True)
    with s:
        a = cuarray.zeros(1 << 16, "float32")
        _spin_fill(a, 3.0, s)
        t = torch.from_dlpack(a)                # torch passes its legacy default stream (1)
    assert t.sum().item() == 3.0 * a.size
    with s:
        _spin_fill(a, 4.0, s)
        ts = torch.cuda.Stream()
        with torch.cuda.stream(ts):
            t2 = torch.from_dlpack(a)           # torch passes its own stream
            total = t2.sum().item()
    assert total == 4.0 * a.size


@gpu
def test_import_waits_for_torch_stream(torch):
    t = torch.zeros(1 << 16, device="cuda")
    torch.cuda.synchronize()
    ts = torch.cuda.Stream()
    with torch.cuda.stream(ts):
        torch.cuda._sleep(300_000_000)
        t.fill_(5.0)
        a = cuarray.from_dlpack(t)              # cuarray on the legacy stream: passes 1
    np.testing.assert_array_equal(a.get(), 5.0)
    s = cuarray.cuda.Stream(non_blocking=True)
    with torch.cuda.stream(ts):
        torch.cuda._sleep(300_000_000)
        t.fill_(6.0)
        with s:
            b = cuarray.from_dlpack(t)          # passes s
            got = b.get()
    np.testing.assert_array_equal(got, 6.0)


@gpu
def test_dlpack_stream_argument_between_cuarray_streams():
    s1 = cuarray.cuda.Stream(non_blocking=True)
    s2 = cuarray.cuda.Stream(non_blocking=True)
    with s1:
        a = cuarray.zeros(1 << 16, "float32")
        _spin_fill(a, 2.0, s1)
        capsule = a.__dlpack__(stream=s2.ptr, max_version=(1, 0))
    with s2:
        got = cuarray.from_dlpack(capsule).copy().get()
    np.testing.assert_array_equal(got, 2.0)
    s1.synchronize()
    assert dlpack.is_capsule(a.__dlpack__(stream=-1))   # no synchronisation asked


# -- JAX -------------------------------------------------------------------------------------------
def _jax_copy_to_host(jax, j):
    # A device-side copy first: a host conversion of `j` itself could be cached by JAX.
    return np.asarray(jax.numpy.array(j, copy=True))


@gpu
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_jax_to_cuarray_shares_memory(jax, dtype):
    host = testing.random_array(np, (4, 6), dtype, seed=12)
    j = jax.device_put(host, jax.devices("gpu")[0])
    a = cuarray.from_dlpack(j)
    assert a.dtype == dtype and a.shape == host.shape
    assert a.data.ptr == j.unsafe_buffer_pointer()
    np.testing.assert_array_equal(a.get(), host)
    new = testing.random_array(np, (4, 6), dtype, seed=13)
    a[...] = cuarray.asarray(new)
    cuarray.cuda.Device().synchronize()         # JAX reads on its own stream
    np.testing.assert_array_equal(_jax_copy_to_host(jax, j), new)


@gpu
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_cuarray_to_jax_shares_memory(jax, dtype):
    host = testing.random_array(np, (5, 3), dtype, seed=14)
    a = cuarray.asarray(host)
    j = jax.dlpack.from_dlpack(a)
    assert j.dtype == dtype and j.shape == host.shape
    assert j.unsafe_buffer_pointer() == a.data.ptr
    np.testing.assert_array_equal(np.asarray(j), host)
    new = testing.random_array(np, (5, 3), dtype, seed=15)
    a[...] = cuarray.asarray(new)
    cuarray.cuda.Device().synchronize()
    np.testing.assert_array_equal(_jax_copy_to_host(jax, j), new)


@gpu
def test_jax_import_on_non_default_stream(jax):
    j = jax.numpy.arange(1 << 16, dtype="float32") * 2
    with cuarray.cuda.Stream(non_blocking=True):
        a = cuarray.from_dlpack(j)
        got = a.get()
    np.testing.assert_array_equal(got, np.arange(1 << 16, dtype="float32") * 2)


@gpu
def test_asarray_of_jax_array_is_zero_copy(jax):
    j = jax.device_put(np.arange(12.0).reshape(3, 4), jax.devices("gpu")[0])
    a = cuarray.asarray(j)
    assert a.data.ptr == j.unsafe_buffer_pointer()
    np.testing.assert_array_equal(a.get(), np.arange(12.0).reshape(3, 4))


# -- CuPy ------------------------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("key", [(slice(None, None, -1), slice(None)),
                                 (slice(None, None, -2), slice(1, None, 3)), (Ellipsis,)])
def test_cupy_round_trips_with_negative_strides(cupy, key):
    host = testing.random_array(np, (6, 8), "float64", seed=16)
    c = cupy.asarray(host)[key]
    a = cuarray.from_dlpack(c)
    assert a.data.ptr == c.data.ptr and a.strides == c.strides
    np.testing.assert_array_equal(a.get(), host[key])
    back = cupy.from_dlpack(cuarray.asarray(host)[key])
    assert back.strides == host[key].strides
    np.testing.assert_array_equal(cupy.asnumpy(back), host[key])
    via_cai = cuarray.asarray(c)                # CAI v3, with its stream
    assert via_cai.data.ptr == c.data.ptr
    np.testing.assert_array_equal(via_cai.get(), host[key])


# -- host transfers through DLPack ----------------------------------------------------------------
@gpu
@pytest.mark.parametrize("max_version", [None, (1, 0)])
def test_export_to_host_with_dl_device(max_version):
    host = testing.random_array(np, (3, 5), "float32", seed=17)
    a = cuarray.asarray(host).T
    capsule = a.__dlpack__(dl_device=(1, 0), max_version=max_version)
    if max_version:
        assert dlpack.managed_tensor(capsule)[0].flags & dlpack.FLAG_IS_COPIED
    np.testing.assert_array_equal(np.from_dlpack(_Producer(capsule, (1, 0))), host.T)
    np.testing.assert_array_equal(np.from_dlpack(a, device="cpu"), host.T)
    with pytest.raises((BufferError, RuntimeError)):    # device memory: NumPy refuses it
        np.from_dlpack(a)


@gpu
def test_dlpack_copy_true():
    host = testing.random_array(np, (4, 4), "int64", seed=18)
    a = cuarray.asarray(host)
    capsule = a.__dlpack__(max_version=(1, 0), copy=True)
    assert dlpack.managed_tensor(capsule)[0].flags & dlpack.FLAG_IS_COPIED
    b = cuarray.from_dlpack(capsule)
    assert b.data.ptr != a.data.ptr
    np.testing.assert_array_equal(b.get(), host)
    c = cuarray.from_dlpack(a, copy=True)
    assert c.data.ptr != a.data.ptr
    np.testing.assert_array_equal(c.get(), host)


@gpu
def test_from_dlpack_copies_host_data_when_asked():
    host = testing.random_array(np, (3, 4), "complex64", seed=19)
    for kwargs in ({"copy": True}, {"device": 0}, {"device": cuarray.cuda.Device(0)}):
        a = cuarray.from_dlpack(host, **kwargs)
        assert type(a) is cuarray.ndarray
        np.testing.assert_array_equal(a.get(), host)


# -- NumPy calling cuarray -----------------------------------------------------------------------
@gpu
def test_numpy_ufuncs_dispatch_to_cuarray():
    host = testing.random_array(np, (3, 4), "float32", seed=20)
    a = cuarray.asarray(host)
    if hasattr(cuarray, "sin"):
        r = np.sin(a)
        assert type(r) is cuarray.ndarray
        np.testing.assert_allclose(r.get(), np.sin(host), rtol=1e-6, atol=1e-6)
    r = np.add(a, a)
    assert type(r) is cuarray.ndarray
    np.testing.assert_allclose(r.get(), host + host)
    r = np.float32(2) * a
    assert type(r) is cuarray.ndarray and r.dtype == np.float32
    np.testing.assert_allclose(r.get(), 2 * host)
    out = cuarray.empty_like(a) if hasattr(cuarray, "empty_like") else cuarray.empty(a.shape)
    assert np.negative(a, out=out) is out
    np.testing.assert_allclose(out.get(), -host)


@gpu
def test_numpy_never_converts_implicitly():
    host = np.ones((2, 3), np.float32)
    a = cuarray.asarray(host)
    for call in (lambda: np.add(host, a), lambda: np.add(a, host), lambda: host + a,
                 lambda: np.negative(a, out=np.empty_like(host)), lambda: np.asarray(a),
                 lambda: np.array(a), lambda: np.busday_count(a, a)):
        with pytest.raises(TypeError):
            call()
    if not hasattr(cuarray.add, "reduce"):
        with pytest.raises(TypeError):
            np.add.reduce(a)


@gpu
def test_numpy_functions_dispatch_to_cuarray():
    host = testing.random_array(np, (3, 4), "int32", seed=21)
    a = cuarray.asarray(host)
    for np_call, expected in ((lambda x: np.reshape(x, (4, 3)), host.reshape(4, 3)),
                              (lambda x: np.transpose(x), host.T),
                              (lambda x: np.permute_dims(x, (1, 0)), host.T)):
        r = np_call(a)
        assert type(r) is cuarray.ndarray
        np.testing.assert_array_equal(r.get(), expected)


@gpu
def test_get_array_module_and_device():
    a = cuarray.zeros(3)
    assert cuarray.get_array_module(np.zeros(2), a) is cuarray
    assert a.device == cuarray.cuda.Device() and a.__dlpack_device__() == (2, a.device.id)
    assert a.to_device(a.device) is a and a.to_device(a.device.id) is a
    assert a.__array_namespace__() is cuarray


@gpu
def test_to_device_between_gpus():
    if cuarray.cuda.runtime.getDeviceCount() < 2:
        pytest.skip("needs two GPUs")
    host = testing.random_array(np, (4, 5), "float64", seed=22)
    a = cuarray.asarray(host).T
    b = a.to_device(1)
    assert b.device.id == 1
    with cuarray.cuda.Device(1):
        np.testing.assert_array_equal(b.get(), host.T)


# -- flat -----------------------------------------------------------------------------------------
FLAT_LAYOUTS = ["C", "F", "transposed", "negative_stride", "sliced"]


@gpu
@pytest.mark.parametrize("layout", FLAT_LAYOUTS + ["broadcast"])
@pytest.mark.parametrize("key", [0, 5, -1, np.int64(7), (4,), slice(None), slice(2, 9, 3),
                                 slice(None, None, -2), slice(5, 5), Ellipsis])
@testing.numpy_compare()
def test_flat_getitem(xp, layout, key):
    a = testing.random_array(xp, (3, 4), "float32", seed=23, layout=layout)
    return a.flat[key]


@gpu
@pytest.mark.parametrize("layout", FLAT_LAYOUTS)
@pytest.mark.parametrize("key, value", [
    (slice(None), 7), (slice(1, 9, 2), [1, 2, 3]), (slice(None), [1.5, -2.5]),
    (slice(None, None, -1), "device"), (Ellipsis, [[4], [5]]), (5, 3), (-1, 2.5),
    (slice(2, 7), []), (3, "device0d")])
@testing.numpy_compare()
def test_flat_setitem(xp, layout, key, value):
    a = testing.random_array(xp, (3, 4), "int32", seed=24, layout=layout)
    if value == "device":
        value = testing.random_array(xp, (5,), "float64", seed=25)
    elif value == "device0d":
        value = xp.asarray(9, dtype="int16")
    a.flat[key] = value
    return a


@gpu
@testing.numpy_compare()
def test_flat_attribute_assignment(xp):
    a = testing.random_array(xp, (2, 5), "float64", seed=26, layout="transposed")
    a.flat = [1, 2, 3]
    return a


@gpu
@testing.numpy_compare(accept_error=ValueError)
def test_flat_single_item_needs_a_scalar(xp):
    a = xp.zeros((2, 2))
    a.flat[1] = [1.0, 2.0]


@gpu
@pytest.mark.parametrize("shape", [(), (0,), (2, 3)])
def test_flat_iteration_and_len(shape):
    host = testing.random_array(np, shape, "int16", seed=27)
    a = cuarray.asarray(host)
    assert len(a.flat) == host.size
    assert [x.item() for x in a.flat] == [x.item() for x in host.flat]
    np.testing.assert_array_equal(a.flat.copy().get(), host.flatten())
    with pytest.raises(TypeError):
        np.asarray(a.flat)
