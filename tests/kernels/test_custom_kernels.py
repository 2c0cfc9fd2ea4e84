"""RawKernel, RawModule, ElementwiseKernel and ReductionKernel on the GPU, against NumPy."""

import numpy
import pytest

import cuarray
from cuarray import testing

pytestmark = pytest.mark.gpu

_ADD = r'''
extern "C" __global__ void add2(const float* x, const float* y, float* z, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) z[i] = x[i] + y[i];
}
'''


def _rand(shape, dtype, seed, xp=cuarray, **kw):
    return testing.random_array(xp, shape, dtype, seed=seed, **kw)


# -- RawKernel ---------------------------------------------------------------------------------
class TestRawKernel:
    def test_launch_matches_numpy(self):
        k = cuarray.RawKernel(_ADD, "add2")
        n = 1000
        x, y = _rand((n,), "float32", 1), _rand((n,), "float32", 2)
        z = cuarray.empty(n, dtype=numpy.float32)
        k(((n + 127) // 128,), (128,), (x, y, z, numpy.int32(n)))
        numpy.testing.assert_array_equal(z.get(), x.get() + y.get())

    def test_python_int_and_stream(self):
        k = cuarray.RawKernel(_ADD, "add2")
        x, y = _rand((300,), "float32", 3), _rand((300,), "float32", 4)
        z = cuarray.zeros(300, dtype=numpy.float32)
        s = cuarray.cuda.Stream()
        k(3, 128, (x, y, z, 300), stream=s)      # a Python int narrows to the int parameter
        s.synchronize()
        numpy.testing.assert_array_equal(z.get(), x.get() + y.get())

    def test_attributes(self):
        k = cuarray.RawKernel(_ADD, "add2")
        assert k.max_threads_per_block >= 128
        assert k.num_regs > 0
        assert k.binary_version >= 90 or k.binary_version > 0
        for name in ("shared_size_bytes", "const_size_bytes", "local_size_bytes",
                     "ptx_version", "max_dynamic_shared_size_bytes",
                     "preferred_shared_memory_carveout"):
            assert isinstance(getattr(k, name), int)
        assert set(k.attributes) >= {"num_regs", "max_threads_per_block"}

    def test_dynamic_shared_memory_setter(self):
        code = r'''
        extern "C" __global__ void rev(const float* x, float* y, int n) {
          extern __shared__ float buf[];
          int i = threadIdx.x;
          if (i < n) buf[i] = x[i];
          __syncthreads();
          if (i < n) y[i] = buf[n - 1 - i];
        }'''
        k = cuarray.RawKernel(code, "rev")
        k.max_dynamic_shared_size_bytes = 64 * 1024
        assert k.max_dynamic_shared_size_bytes == 64 * 1024
        x = _rand((256,), "float32", 5)
        y = cuarray.empty_like(x)
        k((1,), (256,), (x, y, numpy.int32(256)), shared_mem=256 * 4)
        numpy.testing.assert_array_equal(y.get(), x.get()[::-1])

    def test_compile_error_shows_log_and_source(self):
        k = cuarray.RawKernel('extern "C" __global__ void bad(float* x) { x[0] = undefined_y; }',
                              "bad")
        with pytest.raises(cuarray.cuda.compiler.CompileException) as info:
            k.compile()
        assert "undefined_y" in str(info.value)

    def test_wrong_argument_count_and_type(self):
        k = cuarray.RawKernel(_ADD, "add2")
        x = cuarray.zeros(4, dtype=numpy.float32)
        with pytest.raises(TypeError):
            k((1,), (4,), (x, x, x))
        with pytest.raises(TypeError):
            k((1,), (4,), (x, x, x, 1.5))     # a double for an int parameter
        with pytest.raises(TypeError):
            k((1,), (4,), (x, numpy.zeros(4, numpy.float32), x, 4))

    def test_illegal_configuration(self):
        k = cuarray.RawKernel(_ADD, "add2")
        x = cuarray.zeros(4, dtype=numpy.float32)
        with pytest.raises(cuarray.cuda.CUDADriverError, match="threads"):
            k((1,), (2048,), (x, x, x, numpy.int32(4)))

    def test_cooperative_grid_sync(self):
        code = r'''
        #include <cooperative_groups.h>
        extern "C" __global__ void two_phase(int* a, int* b, int n) {
          namespace cg = cooperative_groups;
          int i = blockIdx.x * blockDim.x + threadIdx.x;
          if (i < n) a[i] = i;
          cg::this_grid().sync();
          if (i < n) b[i] = a[n - 1 - i];
        }'''
        k = cuarray.RawKernel(code, "two_phase", enable_cooperative_groups=True)
        n = 512
        a = cuarray.zeros(n, dtype=numpy.int32)
        b = cuarray.zeros(n, dtype=numpy.int32)
        k((4,), (128,), (a, b, numpy.int32(n)))
        numpy.testing.assert_array_equal(b.get(), numpy.arange(n)[::-1])

    def test_backend_options(self):
        with pytest.raises(ValueError):
            cuarray.RawKernel(_ADD, "add2", backend="nvcc")
        code = _ADD.replace("x[i] + y[i]", "SCALE * x[i] + y[i]")
        k = cuarray.RawKernel(code, "add2", options=("-DSCALE=3",))
        x, y = _rand((8,), "float32", 6), _rand((8,), "float32", 60)
        z = cuarray.empty_like(x)
        k((1,), (8,), (x, y, z, numpy.int32(8)))
        numpy.testing.assert_allclose(z.get(), 3 * x.get() + y.get(), rtol=1e-6)  # FMA

    def test_cuda_array_interface_argument(self):
        torch = pytest.importorskip("torch")
        t = torch.arange(16, dtype=torch.float32, device="cuda")
        k = cuarray.RawKernel(_ADD, "add2")
        z = cuarray.empty(16, dtype=numpy.float32)
        torch.cuda.synchronize()
        k((1,), (16,), (t, t, z, numpy.int32(16)))
        numpy.testing.assert_array_equal(z.get(), 2 * numpy.arange(16, dtype=numpy.float32))


# -- RawModule ---------------------------------------------------------------------------------
_TEMPLATES = r'''
template <typename T>
__global__ void scale(const T* x, T* y, T a, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i];
}
__device__ float bias[4];
extern "C" __global__ void add_bias(float* y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] += bias[i % 4];
}
'''


class TestRawModule:
    @pytest.mark.parametrize("dtype,ctype", [("float32", "float"), ("float64", "double"),
                                             ("int32", "int")])
    def test_name_expressions(self, dtype, ctype):
        m = cuarray.RawModule(code=_TEMPLATES, name_expressions=[f"scale<{ctype}>"])
        k = m.get_function(f"scale<{ctype}>")
        x = _rand((100,), dtype, 7)
        y = cuarray.empty_like(x)
        k((1,), (128,), (x, y, numpy.dtype(dtype).type(3), numpy.int32(100)))
        numpy.testing.assert_array_equal(y.get(), 3 * x.get())

    def test_get_global(self):
        m = cuarray.RawModule(code=_TEMPLATES)
        ptr = m.get_global("bias")
        bias = cuarray.ndarray((4,), numpy.float32, memptr=ptr)
        host_bias = numpy.array([1, 2, 3, 4], numpy.float32)
        bias.set(host_bias)
        y = _rand((10,), "float32", 8)
        expect = y.get() + numpy.resize(host_bias, 10)
        m.get_function("add_bias")((1,), (32,), (y, numpy.int32(10)))
        numpy.testing.assert_array_equal(y.get(), expect)

    def test_load_cubin_from_path(self, tmp_path):
        from cuarray.cuda.compiler import compile_to_cubin
        cubin, _ = compile_to_cubin(_ADD)
        path = tmp_path / "add.cubin"
        path.write_bytes(cubin)
        m = cuarray.RawModule(path=str(path))
        x, y = _rand((64,), "float32", 9), _rand((64,), "float32", 10)
        z = cuarray.empty_like(x)
        m.get_function("add2")((1,), (64,), (x, y, z, numpy.int32(64)))
        numpy.testing.assert_array_equal(z.get(), x.get() + y.get())

    def test_unknown_function(self):
        m = cuarray.RawModule(code=_TEMPLATES)
        with pytest.raises(AttributeError):
            m.get_function("nope")

    def test_code_or_path(self):
        with pytest.raises(TypeError):
            cuarray.RawModule()
        with pytest.raises(TypeError):
            cuarray.RawModule(code=_ADD, path="x.cubin")


# -- ElementwiseKernel -----------------------------------------------------------------------------
class TestElementwiseKernel:
    squared_diff = cuarray.ElementwiseKernel(
        "float32 x, float32 y", "float32 z", "z = (x - y) * (x - y)", "squared_diff")
    squared_diff_generic = cuarray.ElementwiseKernel(
        "T x, T y", "T z", "z = (x - y) * (x - y)", "squared_diff_generic")

    def test_documented_example(self):
        x = _rand((5, 7), "float32", 11)
        y = _rand((5, 7), "float32", 12)
        z = self.squared_diff(x, y)
        assert z.dtype == numpy.float32 and z.shape == (5, 7)
        numpy.testing.assert_array_equal(z.get(), (x.get() - y.get()) ** 2)

    @pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "int32",
                                       "uint64"])
    def test_placeholder_dtypes(self, dtype):
        x = _rand((33, 5), dtype, 13)
        y = _rand((33, 5), dtype, 14)
        z = self.squared_diff_generic(x, y)
        assert z.dtype == numpy.dtype(dtype)
        hx, hy = x.get(), y.get()
        with numpy.errstate(over="ignore"):
            expect = (hx - hy) * (hx - hy)
        numpy.testing.assert_array_equal(z.get(), expect)

    def test_broadcast_and_scalar(self):
        x = _rand((4, 1, 6), "float64", 15)
        y = _rand((3, 1), "float64", 16)
        z = self.squared_diff_generic(x, y)
        numpy.testing.assert_array_equal(z.get(), (x.get() - y.get()) ** 2)
        z = self.squared_diff_generic(x, 2.5)
        numpy.testing.assert_array_equal(z.get(), (x.get() - 2.5) ** 2)

    def test_noncontiguous_and_transposed(self):
        x = _rand((64, 48), "float32", 17).T                  # F-ordered
        y = _rand((48, 128), "float32", 18)[:, ::2]            # strided
        z = self.squared_diff(x, y)
        numpy.testing.assert_array_equal(z.get(), (x.get() - y.get()) ** 2)

    def test_type_mismatch(self):
        x = _rand((4,), "float64", 19)
        with pytest.raises(TypeError, match="Type is mismatched"):
            self.squared_diff(x, x)
        with pytest.raises(TypeError, match="Type is mismatched"):
            self.squared_diff_generic(x, x.astype(numpy.float32))

    def test_wrong_argument_count(self):
        x = _rand((4,), "float32", 20)
        with pytest.raises(TypeError, match="Wrong number of arguments"):
            self.squared_diff(x)

    def test_output_given_and_checked(self):
        x, y = _rand((8,), "float32", 21), _rand((8,), "float32", 22)
        out = cuarray.empty(8, dtype=numpy.float32)
        r = self.squared_diff(x, y, out)
        assert r is out
        numpy.testing.assert_array_equal(out.get(), (x.get() - y.get()) ** 2)
        with pytest.raises(ValueError, match="shape"):
            self.squared_diff(x, y, cuarray.empty(9, dtype=numpy.float32))
        with pytest.raises(TypeError):
            self.squared_diff(x, y, cuarray.empty(8, dtype=numpy.float64))

    def test_output_read_in_place(self):
        k = cuarray.ElementwiseKernel("T x", "T y", "y += 2 * x", "axpy_into")
        x = _rand((1001,), "float32", 23)
        y = _rand((1001,), "float32", 24)
        expect = y.get() + 2 * x.get()
        k(x, y)
        numpy.testing.assert_array_equal(y.get(), expect)

    def test_raw_index_size_and_ind(self):
        k = cuarray.ElementwiseKernel(
            "raw T x", "T y", "y = x[_ind.size() - 1 - i]", "reverse")
        x = _rand((37,), "int64", 25)
        y = cuarray.empty_like(x)
        k(x, y)
        numpy.testing.assert_array_equal(y.get(), x.get()[::-1])

    def test_raw_noncontiguous_flat_index(self):
        k = cuarray.ElementwiseKernel("raw T x", "T y", "y = x[i] * 2", "raw_double")
        x = _rand((6, 8), "float32", 26)[:, ::2]
        y = cuarray.empty((6, 4), dtype=numpy.float32)
        k(x, y)
        numpy.testing.assert_array_equal(y.get(), x.get() * 2)

    def test_raw_multi_index(self):
        k = cuarray.ElementwiseKernel(
            "raw T x, int32 ncol", "T y",
            "ptrdiff_t idx[2] = {i % ncol, i / ncol}; y = x[idx]", "transpose_raw")
        x = _rand((5, 7), "float64", 27)
        y = cuarray.empty((7, 5), dtype=numpy.float64)
        k(x, 5, y)
        numpy.testing.assert_array_equal(y.get(), x.get().T)

    def test_size_without_arrays(self):
        k = cuarray.ElementwiseKernel("", "raw int64 y", "y[i] = i * i", "squares")
        y = cuarray.empty(100, dtype=numpy.int64)
        k(y, size=100)
        numpy.testing.assert_array_equal(y.get(), numpy.arange(100) ** 2)
        with pytest.raises(ValueError):
            k(y)            # loop size undecided

    def test_size_with_nonraw_rejected(self):
        x = _rand((4,), "float32", 28)
        with pytest.raises(ValueError, match="size"):
            self.squared_diff(x, x, size=4)

    def test_multiple_outputs_preamble_loop_prep(self):
        k = cuarray.ElementwiseKernel(
            "T x", "T s, T c", "s = my_sin(x) * scale; c = cos(x) * scale", "sincos",
            preamble="__device__ double my_sin(double v) { return sin(v); }",
            loop_prep="const double scale = 2.0")
        x = _rand((50,), "float64", 29)
        s, c = k(x)
        numpy.testing.assert_allclose(s.get(), 2 * numpy.sin(x.get()), rtol=1e-15)
        numpy.testing.assert_allclose(c.get(), 2 * numpy.cos(x.get()), rtol=1e-15)

    def test_no_return_and_return_tuple(self):
        k = cuarray.ElementwiseKernel("T x", "T y", "y = x + 1", "inc", no_return=True)
        x = _rand((4,), "int32", 30)
        y = cuarray.empty_like(x)
        assert k(x, y) is None
        numpy.testing.assert_array_equal(y.get(), x.get() + 1)
        k2 = cuarray.ElementwiseKernel("T x", "T y", "y = x + 1", "inc2", return_tuple=True)
        r = k2(x)
        assert isinstance(r, tuple) and len(r) == 1

    def test_overlapping_input_copied(self):
        k = cuarray.ElementwiseKernel("T x", "T y", "y = x", "copy_k")
        a = cuarray.asarray(numpy.arange(10, dtype=numpy.float32))
        k(a[:-1], a[1:])
        numpy.testing.assert_array_equal(a.get(), numpy.r_[0, numpy.arange(9)].astype("f4"))

    def test_stream_argument(self):
        x = _rand((1 << 16,), "float32", 31)
        s = cuarray.cuda.Stream()
        z = self.squared_diff(x, x, stream=s)
        s.synchronize()
        assert not z.get().any()

    def test_parameter_syntax_errors(self):
        with pytest.raises(ValueError):
            cuarray.ElementwiseKernel("float32", "float32 z", "z = 1")
        with pytest.raises(ValueError):
            cuarray.ElementwiseKernel("float32 x", "float32 x", "x = 1")
        with pytest.raises(TypeError):
            cuarray.ElementwiseKernel("float128 x", "float32 z", "z = x")

    def test_empty(self):
        x = cuarray.empty((0, 3), dtype=numpy.float32)
        assert self.squared_diff(x, x).shape == (0, 3)


# -- ReductionKernel -----------------------------------------------------------------------------
class TestReductionKernel:
    l2norm = cuarray.ReductionKernel("T x", "T y", "x * x", "a + b", "y = sqrt(a)", "0", "l2norm")

    def test_documented_example(self):
        x = _rand((10, 5), "float32", 40)
        r = self.l2norm(x, axis=1)
        numpy.testing.assert_allclose(r.get(), numpy.linalg.norm(x.get(), axis=1), rtol=1e-6)

    @pytest.mark.parametrize("shape,axis", [((1000,), None), ((64, 300), 0), ((64, 300), 1),
                                            ((8, 9, 10), (0, 2)), ((3, 100000), 1),
                                            ((100000, 3), 0)])
    def test_axes(self, shape, axis):
        x = _rand(shape, "float64", 41)
        r = self.l2norm(x, axis=axis)
        numpy.testing.assert_allclose(r.get(), numpy.sqrt((x.get() ** 2).sum(axis=axis)),
                                      rtol=1e-12)

    def test_keepdims_and_out(self):
        x = _rand((6, 7), "float32", 42)
        r = self.l2norm(x, axis=0, keepdims=True)
        assert r.shape == (1, 7)
        out = cuarray.empty(6, dtype=numpy.float32)
        r2 = self.l2norm(x, axis=1, out=out)
        assert r2 is out
        numpy.testing.assert_allclose(out.get(), numpy.linalg.norm(x.get(), axis=1), rtol=1e-6)
        with pytest.raises(ValueError):
            self.l2norm(x, axis=1, out=cuarray.empty(7, dtype=numpy.float32))

    def test_integer_sum_exact_and_reduce_type(self):
        k = cuarray.ReductionKernel("T x", "int64 y", "x", "a + b", "y = a", "0", "isum",
                                    reduce_type="long long")
        x = _rand((333, 77), "int32", 43)
        numpy.testing.assert_array_equal(k(x, axis=0).get(), x.get().sum(axis=0, dtype=numpy.int64))

    def test_two_inputs_weighted(self):
        k = cuarray.ReductionKernel("T x, T w", "T y", "x * w", "a + b", "y = a / _type_reduce(2)",
                                    "0", "wsum")
        x, w = _rand((50, 20), "float64", 44), _rand((20,), "float64", 45)
        numpy.testing.assert_allclose(k(x, w, axis=1).get(), (x.get() * w.get()).sum(1) / 2,
                                      rtol=1e-12)

    def test_max_with_identity(self):
        k = cuarray.ReductionKernel("T x", "T y", "x", "max(a, b)", "y = a", "-1e30", "kmax")
        x = _rand((1000, 31), "float32", 46)
        numpy.testing.assert_array_equal(k(x, axis=0).get(), x.get().max(axis=0))

    def test_no_identity_in_order(self):
        k = cuarray.ReductionKernel("T x", "T y", "x", "a - b", "y = a", None, "ksub")
        x = _rand((7, 9), "float64", 47)
        numpy.testing.assert_array_equal(k(x, axis=1).get(), numpy.subtract.reduce(x.get(), 1))

    def test_errors(self):
        x = _rand((4, 4), "float32", 48)
        with pytest.raises(TypeError):
            self.l2norm(x, x, x)
        with pytest.raises(TypeError):
            self.l2norm(numpy.ones(4, numpy.float32))
        with pytest.raises(numpy.exceptions.AxisError):
            self.l2norm(x, axis=2)
        with pytest.raises(ValueError):
            cuarray.ReductionKernel("raw T x", "T y", "x", "a + b", "y = a", "0")

    def test_empty_reduction_gives_post_of_identity(self):
        x = cuarray.empty((0, 4), dtype=numpy.float32)
        numpy.testing.assert_array_equal(self.l2norm(x, axis=0).get(), numpy.zeros(4))


def test_elementwise_kernel_matches_builtin_add_bitwise():
    add = cuarray.ElementwiseKernel("T x, T y", "T z", "z = x + y", "user_add")
    x, y = _rand((1 << 20,), "float32", 50), _rand((1 << 20,), "float32", 51)
    numpy.testing.assert_array_equal(add(x, y).get(), (x + y).get())
