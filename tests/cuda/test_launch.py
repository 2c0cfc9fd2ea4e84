"""Modules, kernels and launches.

The argument-packing tests at the top need no GPU; the rest are marked ``gpu``.
Device memory comes from ``cuarray.cuda.memory.alloc`` (CuPy's API: a
MemoryPointer with ``.ptr``, ``copy_from_host`` and ``copy_to_host``).
"""

import ctypes

import numpy as np
import pytest

import cuarray
from cuarray.cuda import function as fn_module
from cuarray.cuda.function import _dim3, _layout_for, _pack_args

gpu = pytest.mark.gpu


# -- argument packing (no GPU) ------------------------------------------------------------

class _Ptr:
    """Stands for a MemoryPointer: an int ``.ptr`` and no array interface."""

    def __init__(self, ptr):
        self.ptr = ptr


class _CudaArray:
    """Stands for a foreign device array (``__cuda_array_interface__`` v3)."""

    def __init__(self, ptr):
        self.__cuda_array_interface__ = {"data": (ptr, False), "shape": (1,),
                                         "typestr": "<f4", "version": 3, "strides": None}


def test_pack_pointers_and_scalars():
    parts = _pack_args((_Ptr(0x1000), _CudaArray(0x2000), None, np.float32(1.5), 7),
                       (8, 8, 8, 4, 8))
    assert parts == [(0x1000).to_bytes(8, "little"), (0x2000).to_bytes(8, "little"),
                     bytes(8), np.float32(1.5).tobytes(), (7).to_bytes(8, "little")]


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint8", "int16", "uint16", "int32",
                                   "uint32", "int64", "uint64", "float16", "float32",
                                   "float64", "complex64", "complex128"])
def test_pack_numpy_scalar_exact_bytes(dtype):
    value = np.ones(1, dtype)[0]
    (part,) = _pack_args((value,), (np.dtype(dtype).itemsize,))
    assert part == value.tobytes()


def test_python_scalars_follow_cupy():
    assert _pack_args((3,), (8,)) == [np.int64(3).tobytes()]
    assert _pack_args((2.5,), (8,)) == [np.float64(2.5).tobytes()]
    assert _pack_args((1 + 2j,), (16,)) == [np.complex128(1 + 2j).tobytes()]
    assert _pack_args((True,), (1,)) == [b"\x01"]
    assert _pack_args((2**64 - 1,), (8,)) == [b"\xff" * 8]


def test_python_int_and_bool_narrow_to_the_parameter():
    assert _pack_args((-7, 300, True), (4, 2, 4)) == [
        np.int32(-7).tobytes(), np.int16(300).tobytes(), np.int32(1).tobytes()]
    with pytest.raises(OverflowError, match="argument 0"):
        _pack_args((2**40,), (4,))


@pytest.mark.parametrize("args, sizes, match", [
    (("text",), (8,), r"argument 0 \(str\)"),
    ((_Ptr(1), [1, 2]), (8, 8), r"argument 1 \(list\)"),
    ((np.zeros(3),), (8,), r"argument 0 \(ndarray\).*host"),
    ((np.array(1.0),), (8,), r"argument 0 \(ndarray\)"),
    ((np.float64(1),), (4,), r"argument 0 \(float64\).*8 bytes.*4 bytes"),
    ((1.5,), (4,), r"argument 0 \(float\).*float32"),
    ((_Ptr(1),), (4,), r"argument 0 \(_Ptr\).*pointer"),
    ((np.datetime64(1, "s"),), (8,), r"argument 0 \(datetime64\)"),
    ((_Ptr("not an int"),), (8,), r"argument 0 \(_Ptr\)"),
])
def test_bad_arguments_raise_type_error(args, sizes, match):
    with pytest.raises(TypeError, match=match):
        _pack_args(args, sizes)


def test_unknown_sizes_use_natural_sizes():
    parts = _pack_args((np.int8(1), 5, 1.0, _Ptr(9)), (0, 0, 0, 0))
    assert [len(p) for p in parts] == [1, 8, 8, 8]


def test_ctypes_structure_argument():
    class Pair(ctypes.Structure):
        _fields_ = [("a", ctypes.c_int), ("b", ctypes.c_float)]
    (part,) = _pack_args((Pair(3, 1.5),), (8,))
    assert part == np.int32(3).tobytes() + np.float32(1.5).tobytes()


def test_registered_pointer_type():
    class Array:
        def __init__(self, ptr):
            self.data_ptr = ptr
    fn_module.register_pointer_type(Array, lambda a: a.data_ptr)
    assert _pack_args((Array(0x40),), (8,)) == [(0x40).to_bytes(8, "little")]


def test_layout_buffer_points_at_each_value():
    layout = _layout_for((4, 8, 1, 16))
    buf, addr, extra = layout.new_buffer()
    assert extra == 0          # offsets unknown to the driver: pointer form only
    parts = [b"\x01" * 4, b"\x02" * 8, b"\x03", b"\x04" * 16]
    layout.pack_into(buf, layout.data_offset, *parts)
    raw = bytes(buf)
    base = ctypes.addressof(buf)
    for i, part in enumerate(parts):
        ptr = int.from_bytes(raw[addr - base + 8 * i:addr - base + 8 * i + 8], "little")
        assert ptr % 8 == 0
        assert raw[ptr - base:ptr - base + len(part)] == part
    assert _layout_for((4, 8, 1, 16)) is layout
    assert _layout_for(()).new_buffer()[1:] == (0, 0)   # no parameters: NULL kernelParams


def test_layout_extra_buffer_follows_kernel_offsets():
    # Offsets as the driver reports them for (int, double, char, float4-aligned 16 bytes).
    sizes, offsets = (4, 8, 1, 16), (0, 8, 16, 32)
    layout = _layout_for(sizes, offsets)
    buf, params, extra = layout.new_buffer()
    parts = [b"\x01" * 4, b"\x02" * 8, b"\x03", b"\x04" * 16]
    layout.pack_into(buf, layout.data_offset, *parts)
    raw, base = bytes(buf), ctypes.addressof(buf)
    words = [int.from_bytes(raw[extra - base + 8 * k:extra - base + 8 * k + 8], "little")
             for k in range(5)]
    assert words[0] == 1 and words[2] == 2 and words[4] == 0
    values, size = words[1], int.from_bytes(raw[words[3] - base:words[3] - base + 8], "little")
    assert size == 48
    block = raw[values - base:values - base + size]
    for off, part in zip(offsets, parts):
        assert block[off:off + len(part)] == part
    for i, off in enumerate(offsets):   # the pointer array points into the same values
        ptr = int.from_bytes(raw[params - base + 8 * i:params - base + 8 * i + 8], "little")
        assert ptr == values + off


@pytest.mark.parametrize("d, expected", [
    (5, (5, 1, 1)), ((5,), (5, 1, 1)), ((2, 3), (2, 3, 1)), ((2, 3, 4), (2, 3, 4)),
    ([2, 3], (2, 3, 1)), (0, (1, 1, 1)), ((0, 2), (1, 2, 1)), ((np.int64(7),), (7, 1, 1)),
])
def test_dim3(d, expected):
    assert tuple(_dim3(d)) == expected


def test_dim3_rejects_four_dimensions():
    with pytest.raises(ValueError):
        _dim3((1, 1, 1, 1))


def test_launch_path_switch():
    with pytest.raises(ValueError):
        fn_module.set_launch_path("cupy")
    before = fn_module._use_core_launch
    fn_module.set_launch_path("core")
    assert fn_module._use_core_launch
    fn_module.set_launch_path("driver" if not before else "core")
    assert fn_module._use_core_launch == before


# -- GPU helpers --------------------------------------------------------------------------

def _alloc(nbytes):
    from cuarray.cuda import memory
    return memory.alloc(max(int(nbytes), 1))


def _to_device(host: np.ndarray):
    host = np.ascontiguousarray(host)
    mem = _alloc(host.nbytes)
    mem.copy_from_host(ctypes.c_void_p(host.ctypes.data), host.nbytes)
    return mem


def _to_host(mem, shape, dtype) -> np.ndarray:
    out = np.empty(shape, dtype)
    cuarray.cuda.Device().synchronize()
    mem.copy_to_host(ctypes.c_void_p(out.ctypes.data), out.nbytes)
    return out


def _driver():
    from cuarray.cuda import _driver
    return _driver.driver(), _driver.check


SAXPY = r'''
extern "C" __global__ void saxpy(float a, const float* x, float* y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}
'''


def _saxpy(n=1000, **launch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    kernel = cuarray.cuda.compile_with_cache(SAXPY).get_function("saxpy")
    dx, dy = _to_device(x), _to_device(y)
    kernel(((n + 127) // 128,), (128,), (np.float32(2.0), dx, dy, n), **launch)
    return _to_host(dy, n, np.float32), 2.0 * x + y


@gpu
def test_saxpy_matches_numpy():
    got, expected = _saxpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6)


@gpu
def test_saxpy_through_cuda_core_launch():
    fn_module.set_launch_path("core")
    try:
        got, expected = _saxpy()
    finally:
        fn_module.set_launch_path("driver")
    np.testing.assert_allclose(got, expected, rtol=1e-6)


@gpu
def test_cuda_array_interface_argument():
    n = 64
    kernel = cuarray.cuda.compile_with_cache(SAXPY).get_function("saxpy")
    x, y = np.arange(n, dtype=np.float32), np.ones(n, np.float32)
    dx, dy = _to_device(x), _to_device(y)
    kernel(1, n, (np.float32(3.0), _CudaArray(dx.ptr), _CudaArray(dy.ptr), np.int64(n)))
    np.testing.assert_allclose(_to_host(dy, n, np.float32), 3 * x + 1)


@gpu
def test_non_default_stream():
    s = cuarray.cuda.Stream(non_blocking=True)
    got, expected = _saxpy(stream=s)
    s.synchronize()
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    with s:
        got, expected = _saxpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6)


# -- scalar arguments of every dtype ------------------------------------------------------

_C_TYPES = {"bool": "bool", "int8": "signed char", "uint8": "unsigned char", "int16": "short",
            "uint16": "unsigned short", "int32": "int", "uint32": "unsigned int",
            "int64": "long long", "uint64": "unsigned long long", "float16": "__half",
            "float32": "float", "float64": "double", "complex64": "c64", "complex128": "c128"}
_VALUES = {"bool": True, "int8": -5, "uint8": 250, "int16": -30000, "uint16": 65000,
           "int32": -2**31 + 1, "uint32": 2**32 - 1, "int64": -2**62, "uint64": 2**64 - 1,
           "float16": 1.5, "float32": 3.25, "float64": 1e300, "complex64": 1.5 - 2.5j,
           "complex128": 1e200 + 3j}
_PUT_SOURCE = ("#include <cuda_fp16.h>\n"
               "struct __align__(8) c64 { float re, im; };\n"
               "struct __align__(16) c128 { double re, im; };\n"
               + "".join(f'extern "C" __global__ void put_{name}({ct} v, {ct}* out) '
                         "{ *out = v; }\n" for name, ct in _C_TYPES.items()))


@pytest.fixture(scope="module")
def put_module():
    return cuarray.cuda.compile_with_cache(_PUT_SOURCE)


def _put(module, name, value, dtype):
    out = _alloc(np.dtype(dtype).itemsize)
    module.get_function(f"put_{name}")(1, 1, (value, out))
    return _to_host(out, (), dtype)[()]


@gpu
@pytest.mark.parametrize("dtype", list(_C_TYPES))
def test_numpy_scalar_of_every_dtype(put_module, dtype):
    value = np.dtype(dtype).type(_VALUES[dtype])
    assert _put(put_module, dtype, value, dtype) == value


@gpu
@pytest.mark.parametrize("name, value, dtype", [
    ("int64", -2**62 - 5, "int64"), ("float64", 0.1, "float64"), ("bool", True, "bool"),
    ("complex128", 1.5 - 0.25j, "complex128"), ("int32", -7, "int32"),
    ("uint8", 255, "uint8"), ("int32", True, "int32"), ("uint64", 2**64 - 1, "uint64"),
])
def test_python_scalars(put_module, name, value, dtype):
    assert _put(put_module, name, value, dtype) == value


@gpu
def test_wrong_arguments_raise_before_launch(put_module):
    put = put_module.get_function("put_float32")
    out = _alloc(4)
    with pytest.raises(TypeError, match="takes 2 arguments but 1 were given"):
        put(1, 1, (np.float32(1),))
    with pytest.raises(TypeError, match="takes 2 arguments but 3 were given"):
        put(1, 1, (np.float32(1), out, out))
    with pytest.raises(TypeError, match="argument 0"):
        put(1, 1, ("1.0", out))
    with pytest.raises(TypeError, match="argument 0"):
        put(1, 1, (np.float64(1), out))   # 8 bytes for a 4-byte float
    with pytest.raises(TypeError, match="argument 1"):
        put(1, 1, (np.float32(1), np.zeros(1, np.float32)))
    with pytest.raises(TypeError, match="argument 0"):
        put(1, 1, (np.array(1.0, np.float32), out))
    with pytest.raises(TypeError, match="tuple"):
        put(1, 1, out)
    put(1, 1, (np.float32(4.5), out))   # nothing was left half-launched
    assert _to_host(out, (), np.float32)[()] == 4.5


# -- attributes ---------------------------------------------------------------------------

SHARED = r'''
extern "C" __global__ void reverse(const float* x, float* y, int n) {
    extern __shared__ float tile[];
    int i = threadIdx.x;
    if (i < n) tile[i] = x[i];
    __syncthreads();
    if (i < n) y[i] = tile[n - 1 - i];
}
'''


@gpu
def test_attributes_are_plausible():
    kernel = cuarray.cuda.compile_with_cache(SHARED).get_function("reverse")
    attrs = kernel.attributes
    assert set(attrs) == set(fn_module._ATTRIBUTES)
    assert all(isinstance(v, int) for v in attrs.values())
    assert 0 < kernel.max_threads_per_block <= 1024
    assert kernel.num_regs > 0
    assert kernel.local_size_bytes >= 0 and kernel.const_size_bytes >= 0
    assert kernel.binary_version == int(cuarray.cuda.Device().compute_capability)
    assert kernel.ptx_version > 0
    assert kernel.num_args == 3


@gpu
def test_max_dynamic_shared_size_is_settable():
    kernel = cuarray.cuda.compile_with_cache(SHARED, ("-DVARIANT=1",)).get_function("reverse")
    nbytes = 100 * 1024   # above the 48 KiB a launch gets without opting in
    kernel.max_dynamic_shared_size_bytes = nbytes
    assert kernel.max_dynamic_shared_size_bytes == nbytes
    kernel.preferred_shared_memory_carveout = 100
    assert isinstance(kernel.preferred_shared_memory_carveout, int)
    n = 256
    x = np.arange(n, dtype=np.float32)
    dx, dy = _to_device(x), _alloc(x.nbytes)
    kernel(1, n, (dx, dy, n), shared_mem=nbytes)
    np.testing.assert_array_equal(_to_host(dy, n, np.float32), x[::-1])


# -- modules ------------------------------------------------------------------------------

TEMPLATE = r'''
template <typename T>
__global__ void fill(T* out, T value, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = value;
}
'''


@gpu
@pytest.mark.parametrize("expr, value", [("fill<float>", np.float32(2.5)),
                                         ("fill<int>", np.int32(-3)),
                                         ("fill<double>", np.float64(1e-300))])
def test_template_kernel_via_name_expressions(expr, value):
    module = cuarray.cuda.compile_with_cache(
        TEMPLATE, name_expressions=["fill<float>", "fill<int>", "fill<double>"])
    n = 100
    out = _alloc(n * value.itemsize)
    module.get_function(expr)(1, 128, (out, value, np.int32(n)))
    np.testing.assert_array_equal(_to_host(out, n, value.dtype), np.full(n, value))


@gpu
def test_missing_kernel_name():
    module = cuarray.cuda.compile_with_cache(TEMPLATE, name_expressions=["fill<float>"])
    with pytest.raises(AttributeError, match="name_expressions"):
        module.get_function("fill<short>")


@gpu
def test_module_load_file(tmp_path):
    from cuarray.cuda.compiler import compile_to_cubin
    cubin, _ = compile_to_cubin(SAXPY)
    path = tmp_path / "saxpy.cubin"
    path.write_bytes(cubin)
    module = cuarray.cuda.Module()
    module.load_file(str(path))
    n = 32
    x, y = np.arange(n, dtype=np.float32), np.ones(n, np.float32)
    dx, dy = _to_device(x), _to_device(y)
    module.get_function("saxpy")(1, n, (np.float32(2), dx, dy, n))
    np.testing.assert_allclose(_to_host(dy, n, np.float32), 2 * x + 1)


GLOBALS = r'''
__device__ int counter;
__device__ float table[4];
extern "C" __global__ void use_globals(float* out) {
    atomicAdd(&counter, 1);
    out[threadIdx.x] = table[threadIdx.x];
}
'''


@gpu
def test_get_global_read_write():
    d, check = _driver()
    module = cuarray.cuda.compile_with_cache(GLOBALS)
    table, counter = module.get_global("table"), module.get_global("counter")
    assert table.size == 16 and counter.size == 4
    assert module.get_global_var("table") == table.ptr
    values = np.array([1.5, 2.5, 3.5, 4.5], np.float32)
    check(d.cuMemcpyHtoD(table.ptr, values.ctypes.data, values.nbytes))
    zero = np.zeros(1, np.int32)
    check(d.cuMemcpyHtoD(counter.ptr, zero.ctypes.data, 4))
    out = _alloc(16)
    module.get_function("use_globals")(1, 4, (out,))
    np.testing.assert_array_equal(_to_host(out, 4, np.float32), values)
    count = np.zeros(1, np.int32)
    check(d.cuMemcpyDtoH(count.ctypes.data, counter.ptr, 4))
    assert count[0] == 4


COUNT = r'''
extern "C" __global__ void count(unsigned long long* total) { atomicAdd(total, 1ULL); }
'''


@gpu
@pytest.mark.parametrize("grid, block, threads", [
    (3, 32, 96), ((3,), (32,), 96), ((2, 3), (4, 4), 96), ((2, 2, 2), (2, 2, 2), 64),
    ([2, 1], [8], 16), ((0,), (1,), 1),
])
def test_grid_and_block_forms(grid, block, threads):
    kernel = cuarray.cuda.compile_with_cache(COUNT).get_function("count")
    total = _to_device(np.zeros(1, np.uint64))
    kernel(grid, block, (total,))
    assert _to_host(total, 1, np.uint64)[0] == threads


@gpu
def test_linear_launch():
    kernel = cuarray.cuda.compile_with_cache(COUNT).get_function("count")
    total = _to_device(np.zeros(1, np.uint64))
    kernel.linear_launch(1000, (total,), block_max_size=128)
    assert _to_host(total, 1, np.uint64)[0] == 8 * 128


COOPERATIVE = r'''
#include <cooperative_groups.h>
namespace cg = cooperative_groups;
extern "C" __global__ void grid_sync(int* out) {
    cg::grid_group grid = cg::this_grid();
    if (grid.thread_rank() == 0) out[0] = 42;
    grid.sync();
    if (threadIdx.x == 0) out[1 + blockIdx.x] = out[0];
}
'''


@gpu
def test_cooperative_launch():
    kernel = cuarray.cuda.compile_with_cache(COOPERATIVE).get_function("grid_sync")
    blocks = 4
    out = _to_device(np.zeros(1 + blocks, np.int32))
    kernel(blocks, 32, (out,), cooperative=True)
    np.testing.assert_array_equal(_to_host(out, 1 + blocks, np.int32), 42)


@gpu
def test_cooperative_launch_too_large_raises():
    kernel = cuarray.cuda.compile_with_cache(COOPERATIVE).get_function("grid_sync")
    out = _alloc(4 * 2**20)
    with pytest.raises(cuarray.cuda.CUDADriverError):
        kernel(2**20, 1024, (out,), cooperative=True)


@gpu
def test_same_function_on_a_second_device():
    if cuarray.cuda._device.get_device_count() < 2:
        pytest.skip("needs two GPUs")
    kernel = cuarray.cuda.compile_with_cache(COUNT).get_function("count")
    with cuarray.cuda.Device(1):
        total = _to_device(np.zeros(1, np.uint64))
        kernel(2, 32, (total,))
        assert _to_host(total, 1, np.uint64)[0] == 64


_MIXED = r"""
extern "C" __global__ void mixed(signed char a, double b, short c, float d, long long e,
                                 unsigned char f, double* out)
{
    out[0] = a; out[1] = b; out[2] = c; out[3] = d; out[4] = (double)e; out[5] = f;
}
"""


@gpu
def test_mixed_alignment_parameters_arrive_intact():
    # Padding between 1-, 2-, 4- and 8-byte parameters: the packed buffer must follow the
    # kernel's own parameter offsets.
    rng = np.random.default_rng()
    vals = (np.int8(rng.integers(-128, 127)), np.float64(rng.standard_normal()),
            np.int16(rng.integers(-30000, 30000)), np.float32(rng.standard_normal()),
            np.int64(rng.integers(-2**40, 2**40)), np.uint8(rng.integers(0, 255)))
    f = cuarray.cuda.compile_with_cache(_MIXED).get_function("mixed")
    out = _alloc(6 * 8)
    f((1,), (1,), (*vals, out))
    got = _to_host(out, (6,), np.float64)
    np.testing.assert_array_equal(got, np.array([float(v) for v in vals]))


class _Ptr:
    """A memory-pointer stand-in: an int ``.ptr`` attribute."""

    def __init__(self, ptr):
        self.ptr = ptr


@pytest.mark.parametrize("values", [
    (np.int8(-3), np.float64(2.5), np.int16(-7), np.float32(1.25), np.int64(-(2**40)),
     np.uint8(200)),
    (_Ptr(0x1000), 7, np.float16(0.5), 3.5, None, np.complex64(1 - 2j)),
    (np.bool_(True), np.uint64(2**64 - 1), np.complex128(3 + 4j), -1, np.uint32(4000000000)),
])
def test_generated_packer_matches_generic_packing(values):
    # The specialised one-struct packer must write exactly the bytes the checked,
    # per-argument packers produce, at the kernel's offsets.
    sizes = tuple(len(b) for b in _pack_args(values, (0,) * len(values)))
    sizes = tuple(8 if v is None or isinstance(v, (_Ptr, int, float)) and not isinstance(
        v, np.generic) else s for v, s in zip(values, sizes))
    offsets, pos = [], 0
    for size in sizes:
        pos += -pos % min(size, 16)
        offsets.append(pos)
        pos += size
    layout = _layout_for(sizes, tuple(offsets))
    expected, _, _ = layout.new_buffer()
    layout.pack_into(expected, layout.data_offset, *_pack_args(values, sizes))
    got, _, _ = layout.new_buffer()
    fn_module._make_packer(layout, tuple(map(type, values)))(got, values)
    start = layout.data_offset
    assert bytes(got)[start:] == bytes(expected)[start:]


@pytest.mark.parametrize("value, size, expected", [
    (255, 1, b"\xff"), (2**64 - 1, 8, b"\xff" * 8), (40000, 2, (40000).to_bytes(2, "little"))])
def test_generated_packer_falls_back_for_unsigned_python_ints(value, size, expected):
    # struct's signed codes reject these; the generic packer narrows them as C would.
    layout = _layout_for((size,), (0,))
    buf, _, _ = layout.new_buffer()
    with pytest.raises(Exception):
        fn_module._make_packer(layout, (int,))(buf, (value,))
    layout.pack_into(buf, layout.data_offset, *_pack_args((value,), (size,)))
    assert bytes(buf)[layout.data_offset:layout.data_offset + size] == expected
