"""The pure-Python FFT planner without a GPU: how axes and strides map onto cuFFT's
advanced data layout, when host loops or staged copies are used, NumPy 2's dtype and
layout rules, norm factors, and the generated kernels compiling with NVRTC."""

import numpy as np
import pytest

from cuarray.cuda import _cufft
from cuarray.fft import _plan
from cuarray.fft._plan import KIND_C2C, KIND_C2R, KIND_R2C, Geom, cufft_layout, plan_passes


def geom(shape, dtype, order="C", strides=None):
    from cuarray._core.shape import c_strides, f_strides
    dt = np.dtype(dtype)
    if strides is None:
        strides = (c_strides if order == "C" else f_strides)(shape, dt.itemsize)
    return Geom(shape, strides, dt.itemsize)


def key(lay):
    return None if lay is None else lay.key


# --- one plan --------------------------------------------------------------------------------
def test_contiguous_rows_are_cuffts_basic_layout():
    g = geom((8, 32), "complex64")
    assert key(cufft_layout(KIND_C2C, g, g, (1,))) == (_cufft.C2C, (32,), None, 1, 32, None, 1,
                                                       32, 8)


def test_columns_of_a_c_array_are_strided_with_interleaved_batches():
    g = geom((32, 8), "complex128")
    assert key(cufft_layout(KIND_C2C, g, g, (0,))) == (_cufft.Z2Z, (32,), (32,), 8, 1, (32,), 8,
                                                       1, 8)


def test_f_order_2d_is_one_basic_plan_with_axes_swapped():
    g = geom((6, 10), "complex64", "F")
    lay = cufft_layout(KIND_C2C, g, g, (0, 1))
    assert lay.key == (_cufft.C2C, (10, 6), None, 1, 60, None, 1, 60, 1) and not lay.loops


def test_sliced_input_uses_embeds():
    # a[::2, ::3] of a (12, 18) complex64 array: element strides (36, 3).
    src = Geom((6, 6), (36 * 8, 3 * 8), 8)
    dst = geom((6, 6), "complex64")
    assert key(cufft_layout(KIND_C2C, src, dst, (0, 1))) == (
        _cufft.C2C, (6, 6), (6, 12), 3, 36, (6, 6), 1, 36, 1)    # one batch: dists unused


def test_r2c_halved_axis_must_be_innermost():
    x, o = geom((8, 6), "float32", "F"), geom((8, 4), "complex64", "F")
    assert cufft_layout(KIND_R2C, x, o, (0, 1)) is None          # axis 1 is outermost in F
    lay = cufft_layout(KIND_R2C, x, o, (1,))
    assert lay.key == (_cufft.R2C, (6,), (6,), 8, 1, (4,), 8, 1, 8)


def test_c2r_sizes_are_the_real_side():
    x, o = geom((5, 4), "complex128"), geom((5, 6), "float64")
    assert key(cufft_layout(KIND_C2R, x, o, (0, 1))) == (_cufft.Z2D, (5, 6), None, 1, 20, None,
                                                         1, 30, 1)


def test_batch_axis_between_transformed_axes_is_refused():
    g = geom((4, 5, 6), "complex64")
    assert cufft_layout(KIND_C2C, g, g, (0, 2)) is None


def test_unmergeable_batches_loop_on_the_host_within_limits():
    g = geom((3, 8, 5), "complex64")
    lay = cufft_layout(KIND_C2C, g, g, (1,))
    assert lay.key == (_cufft.C2C, (8,), (8,), 5, 1, (8,), 5, 1, 5)
    assert lay.loops == ((3, 320, 320),)
    big = geom((64, 8, 64), "complex64")
    assert cufft_layout(KIND_C2C, big, big, (1,)) is None       # 64 small launches: staged
    huge = geom((32, 4096, 512), "complex64")
    lay = cufft_layout(KIND_C2C, huge, huge, (1,))
    assert lay is not None and lay.loops == ((32, 4096 * 512 * 8, 4096 * 512 * 8),)


@pytest.mark.parametrize("strides", [(-40, 8), (0, 8), (40, 0), (40, 6)])
def test_unusable_strides_are_refused(strides):
    src = Geom((4, 5), strides, 8)
    dst = geom((4, 5), "complex64")
    assert cufft_layout(KIND_C2C, src, dst, (0, 1)) is None


def test_input_and_output_axis_orders_must_agree():
    src, dst = geom((6, 10), "complex64", "F"), geom((6, 10), "complex64", "C")
    assert cufft_layout(KIND_C2C, src, dst, (0, 1)) is None
    assert cufft_layout(KIND_C2C, src, dst, (1,)) is not None


def test_more_than_three_axes_need_passes():
    g = geom((2, 3, 4, 5), "complex64")
    assert cufft_layout(KIND_C2C, g, g, (0, 1, 2, 3)) is None
    passes = plan_passes(KIND_C2C, g, g, (0, 1, 2, 3))
    assert [(p.op, p.src, p.dst, len(p.axes)) for p in passes] == [("fft", "x", "o", 3),
                                                                   ("fft", "o", "o", 1)]


def test_separated_axes_split_into_single_axis_passes():
    g = geom((4, 5, 6), "complex64")
    passes = plan_passes(KIND_C2C, g, g, (0, 2))
    assert [(p.op, p.axes, p.loops) for p in passes] == [("fft", (2,), ()), ("fft", (0,), ())]


def test_r2c_with_the_halved_axis_outermost_splits():
    x, o = geom((4, 6), "float32", "F"), geom((4, 4), "complex64", "F")
    passes = plan_passes(KIND_R2C, x, o, (0, 1))
    assert [(p.op, p.kind, p.src, p.dst, p.axes) for p in passes] == [
        ("fft", KIND_R2C, "x", "o", (1,)), ("fft", KIND_C2C, "o", "o", (0,))]


def test_c2r_runs_its_c2c_passes_in_place_on_the_scratch_first():
    x, o = geom((4, 4), "complex64", "F"), geom((4, 6), "float32", "F")
    passes = plan_passes(KIND_C2R, x, o, (0, 1))
    assert [(p.kind, p.src, p.dst) for p in passes] == [(KIND_C2C, "x", "x"), (KIND_C2R, "x", "o")]


def test_length_one_transforms_are_copies():
    g = geom((4, 1), "complex64")
    assert [p.op for p in plan_passes(KIND_C2C, g, g, (1,))] == ["copy"]
    x, o = geom((4, 1), "float64"), geom((4, 1), "complex128")
    assert [p.op for p in plan_passes(KIND_R2C, x, o, (0, 1))] == ["copy", "fft"]


def test_staged_pass_puts_the_axes_innermost():
    g = geom((64, 8, 64), "complex64")
    (p,) = plan_passes(KIND_C2C, g, g, (1,))
    assert p.op == "staged" and p.perm == (0, 2, 1)
    assert p.key == (_cufft.C2C, (8,), None, 1, 8, None, 1, 8, 64 * 64)


# --- cuFFT's pointer alignment ----------------------------------------------------------------
# cuFFT's exec functions need both pointers aligned to the plan's complex element, the real
# pointer of an R2C/C2R included (CUFFT_INVALID_VALUE otherwise): a host loop may step the
# real side only by whole complex elements.
def _real_steps(kind, lay):
    side = 1 if kind == KIND_R2C else 2
    return [lp[side] for lp in lay.loops]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_real_plans_loop_over_the_batch_with_an_even_real_stride(dtype):
    # rfft(a, axis=1) of a (6, 8, 5) C array: batches (5, stride 1) and (6, stride 40).
    # The larger one as cuFFT's batch would loop over stride 1, one real element.
    re, cx = np.dtype(dtype), np.dtype("complex64" if dtype == "float32" else "complex128")
    x, o = geom((6, 8, 5), re), geom((6, 5, 5), cx)
    lay = cufft_layout(KIND_R2C, x, o, (1,))
    assert lay.key[1:] == ((8,), (8,), 5, 1, (5,), 5, 1, 5)
    assert lay.loops == ((6, 40 * re.itemsize, 25 * cx.itemsize),)
    assert all(step % cx.itemsize == 0 for step in _real_steps(KIND_R2C, lay))
    lay = cufft_layout(KIND_C2R, geom((6, 5, 5), cx), geom((6, 8, 5), re), (1,))
    assert lay.key[1:] == ((8,), (5,), 5, 1, (8,), 5, 1, 5)
    assert lay.loops == ((6, 25 * cx.itemsize, 40 * re.itemsize),)


def test_complex_plans_keep_the_largest_batch():
    g = geom((6, 8, 5), "complex64")            # every step is whole complex elements
    lay = cufft_layout(KIND_C2C, g, g, (1,))
    assert lay.key[-1] == 6 and lay.loops == ((5, 8, 8),)


def test_real_plans_with_two_odd_real_strides_are_refused_and_staged():
    # irfftn(s=(5,), axes=(1,)) of (4, 6, 5): real batches of strides 1 and 25.
    x, o = geom((4, 3, 5), "complex128"), geom((4, 5, 5), "float64")
    assert cufft_layout(KIND_C2R, x, o, (1,)) is None
    (p,) = plan_passes(KIND_C2R, x, o, (1,))
    assert p.op == "staged" and p.key == (_cufft.Z2D, (5,), None, 1, 3, None, 1, 5, 20)


def test_real_plans_with_one_odd_group_make_it_the_batch():
    # A (4, 6, 5) float32 view with element strides (1, 4, 25), transformed over axis 0:
    # batches of 6 at real stride 4 and of 5 at real stride 25.  The odd one is cuFFT's
    # batch (idist 25) and the host loop steps 4 floats, one complex64.
    x = Geom((4, 6, 5), (4, 16, 100), 4)
    o = Geom((3, 6, 5), (8, 24, 144), 8)
    lay = cufft_layout(KIND_R2C, x, o, (0,))
    assert lay.key[-1] == 5 and lay.key[4] == 25      # the odd group is cuFFT's batch
    assert lay.loops == ((6, 16, 24),)


@pytest.mark.parametrize("kind,dtype,align", [
    (KIND_C2C, "complex64", 8), (KIND_C2C, "complex128", 16), (KIND_C2C, "float64", 8),
    (KIND_C2C, "int16", 2), (KIND_R2C, "float32", 8), (KIND_R2C, "float64", 16),
    (KIND_R2C, "float16", 2), (KIND_R2C, "int32", 4), (KIND_C2R, "complex64", 8),
    (KIND_C2R, "float32", 8), (KIND_C2R, "float64", 16)])
def test_exec_alignment_is_the_complex_element_for_arrays_cufft_reads(kind, dtype, align):
    assert _plan.exec_alignment(kind, np.dtype(dtype)) == align


def test_a_misaligned_out_is_written_through_a_temporary():
    st = np.empty((4, 16), "f8").strides
    r = recipe(KIND_C2R, (4, 9), "complex128", (1,), {1: 16},
               out=((4, 16), st, np.dtype("float64"), None, 0x1000))
    assert r.direct
    r = recipe(KIND_C2R, (4, 9), "complex128", (1,), {1: 16},
               out=((4, 16), st, np.dtype("float64"), None, 0x1008))
    assert not r.direct and r.final is not None
    st = np.empty((4, 16), "c16").strides
    r = recipe(KIND_C2C, (4, 16), "complex128", (1,), {1: 16},
               out=((4, 16), st, np.dtype("complex128"), None, 0x1008))
    assert not r.direct


def test_recipes_record_the_input_alignment_they_assume():
    assert recipe(KIND_R2C, (4, 16), "float64", (1,), {1: 16}).in_align == 16
    assert recipe(KIND_R2C, (4, 16), "float32", (1,), {1: 16}).in_align == 8
    assert recipe(KIND_C2C, (4, 16), "int8", (1,), {1: 16}).in_align == 1


# --- recipes ---------------------------------------------------------------------------------
def recipe(kind, shape, dtype, axes, nlen, order="C", **kw):
    dt = np.dtype(dtype)
    a = np.empty(shape, dt, order=order)
    return _plan.build_recipe(kind, a.shape, a.strides, dt, a.flags.c_contiguous,
                              a.flags.f_contiguous, axes, nlen, **kw)


def test_plain_transform_has_no_copy_and_no_scale_pass():
    r = recipe(KIND_C2C, (4, 16), "complex64", (1,), {1: 16})
    assert r.prep is None and r.post is None and r.direct and len(r.passes) == 1


def test_scale_rides_on_the_prep_copy_when_there_is_one():
    r = recipe(KIND_C2C, (4, 16), "float32", (1,), {1: 16}, scale=0.25)
    assert r.prep is not None and r.prep.scale == 0.25 and r.post is None
    r = recipe(KIND_C2C, (4, 16), "complex64", (1,), {1: 16}, scale=0.25)
    assert r.prep is None and r.post == (0.25, False)


def test_c2r_always_copies_its_input():
    r = recipe(KIND_C2R, (4, 9), "complex64", (1,), {1: 16})
    assert r.prep is not None and not r.prep.zero and r.prep.dtype == np.complex64


def test_padding_zero_fills_and_truncation_is_a_view():
    r = recipe(KIND_C2C, (4, 16), "complex64", (1,), {1: 20})
    assert r.prep.zero and r.prep.shape == (4, 20)
    r = recipe(KIND_C2C, (4, 16), "complex64", (1,), {1: 10})
    assert r.prep is None and r.trunc_shape == (4, 10)


def test_float16_c2r_result_goes_through_a_float32_temporary():
    r = recipe(KIND_C2R, (4, 9), "float16", (1,), {1: 16})
    assert not r.direct and r.o_dtype == np.float32 and r.r_dtype == np.float16


def test_out_with_another_dtype_is_written_by_the_final_copy():
    out = ((4, 16), np.empty((4, 16), "c16").strides, np.dtype("complex128"), None)
    r = recipe(KIND_C2C, (4, 16), "complex64", (1,), {1: 16}, out=out, scale=0.5)
    assert not r.direct and r.final == (0.5, False)


def test_ihfft_conjugation_is_fused_with_the_scale():
    r = recipe(KIND_R2C, (4, 16), "float64", (1,), {1: 16}, scale=0.0625, conj_out=True)
    assert r.post == (0.0625, True)


# --- dtype and layout rules against NumPy ----------------------------------------------------
ALL = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
       "float16", "float32", "float64", "complex64", "complex128"]


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("name,kind", [("fft", KIND_C2C), ("ifft", KIND_C2C), ("rfft", KIND_R2C),
                                       ("irfft", KIND_C2R), ("hfft", KIND_C2R),
                                       ("ihfft", KIND_R2C)])
def test_result_dtypes_are_numpys(name, kind, dtype):
    a = np.ones(8, dtype)
    try:
        expected = getattr(np.fft, name)(a).dtype
    except TypeError:
        with pytest.raises(TypeError):
            _plan.dtypes_for(kind, np.dtype(dtype))
        return
    assert _plan.dtypes_for(kind, np.dtype(dtype))[2] == expected


@pytest.mark.parametrize("dtype", ["int32", "float16", "float32", "float64", "complex64"])
@pytest.mark.parametrize("mode,norm", [("ortho", "ortho"), ("n", "forward")])
@pytest.mark.parametrize("n", [1, 3, 7, 1000, 12345])
def test_norm_factors_are_numpys(n, mode, norm, dtype):
    a = np.zeros(n, dtype)
    a[0] = 1                                  # fft of a unit impulse: the factor itself
    expected = float(np.fft.fft(a, norm=norm)[0].real)
    got = _plan.norm_factor(mode, n, _plan.factor_dtype(np.dtype(dtype)))
    # float16 inputs get a float16-rounded factor (relative error up to 5e-4): 1e-5 tells
    # it apart from float32 rounding inside the transform.
    rtol = 1e-5 if np.dtype(dtype).char in "efF" else 1e-14
    assert got == pytest.approx(expected, rel=rtol)


@pytest.mark.parametrize("layout", ["C", "F", "T", "sliced", "neg", "bcast", "ones"])
def test_result_layout_is_numpys_empty_like(layout):
    base = np.zeros((4, 6, 5))
    a = {"C": base, "F": np.asfortranarray(base), "T": base.transpose(1, 2, 0),
         "sliced": base[::2, 1:, ::-1], "neg": base[::-1], "bcast": np.broadcast_to(base[:1], (4, 6, 5)),
         "ones": np.zeros((1, 6, 1))}[layout]
    shape = a.shape[:-1] + (9,)
    expected = np.empty_like(a, shape=shape, dtype=np.complex128).strides
    got = _plan.result_strides(a.shape, a.strides, a.flags.c_contiguous, a.flags.f_contiguous,
                               shape, 16)
    assert got == expected


# --- kernels -----------------------------------------------------------------------------------
def test_fft_kernels_compile_for_sm90():
    pytest.importorskip("cuda.bindings")
    from cuarray._engine.source import Layout, elementwise_source
    from cuarray.cuda.compiler import compile_to_cubin
    from cuarray.fft import _exec, _helper
    f32, f64 = np.dtype("float32"), np.dtype("float64")
    c64, c128, f16, i64 = (np.dtype(n) for n in ("complex64", "complex128", "float16", "int64"))
    cases = [(_exec._SCALE, [f16, f32], [c64, f32], [c64], [c64], "as"),
             (_exec._SCALE, [c128, f64], [c128, f64], [c128], [c128], "as"),
             (_exec._SCALE, [f32, f32], [f32, f32], [f16], [f32], "as"),
             (_exec._CONJ_SCALE, [f64, f64], [c128, f64], [c128], [c128], "as"),
             (_exec._CONJ, [c64], [c64], [c64], [c64], "a"),
             (_helper._FREQ, [i64, i64, f64], [i64, i64, f64], [f64], [f64], "sss"),
             (_helper._FREQ, [i64, i64, c128], [i64, i64, c128], [c128], [c128], "sss")]
    for k, (op, ins, inc, outs, outc, kinds) in enumerate(cases):
        for variant in ("flat", "vec2", "nd2"):
            src = elementwise_source(f"k{k}", op.body, op.preamble, ins, inc, outs, outc,
                                     Layout(kinds, variant, "int"))
            cubin, _ = compile_to_cubin(src, arch="sm_90")
            assert cubin[:4] == b"\x7fELF"


# --- the half-spectrum kernel ------------------------------------------------------------------
_SHIM = r"""
#define __global__
struct cuarray_dim3_ { unsigned x, y, z; };
static const cuarray_dim3_ blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0};
static const cuarray_dim3_ blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
"""


@pytest.mark.parametrize("real", ["float", "double"])
@pytest.mark.parametrize("nd", [0, 1, 3])
def test_hermitian_kernel_compiles_for_sm90(real, nd):
    pytest.importorskip("cuda.bindings")
    from cuarray.cuda.compiler import compile_to_cubin
    from cuarray.fft._hermitian import hermitian_source
    name, src = hermitian_source(real, nd)
    cubin, _ = compile_to_cubin(src, arch="sm_90")
    assert cubin[:4] == b"\x7fELF"


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("shape,h,nyquist,mirror,layout", [
    ((9,), 0, True, (), "C"), ((9,), 0, False, (), "C"), ((4, 5), 1, True, (0,), "C"),
    ((5, 4), 0, False, (1,), "F"), ((3, 4, 6), 2, True, (0, 1), "C"),
    ((3, 4, 6), 2, True, (1,), "C"), ((6, 5, 7), 1, True, (0, 2), "F"),
    ((4, 6, 5), 0, False, (1, 2), "T"), ((2, 1, 3), 2, True, (0,), "C")])
def test_hermitian_kernel_on_the_host_matches_its_definition(tmp_path, host_fft, dtype, shape,
                                                             h, nyquist, mirror, layout):
    """The generated kernel, compiled for the host (one thread walks the grid-stride loop),
    against the definition z[k] <- (z[k] + conj(z[-k])) / 2 (conftest's emulation)."""
    import ctypes
    import shutil
    import subprocess
    cxx = shutil.which("g++") or shutil.which("clang++")
    if cxx is None:
        pytest.skip("no host C++ compiler to run the kernel with")
    from cuarray.fft._hermitian import hermitian_source, slice_args
    real = "float" if dtype == "complex64" else "double"
    count_dims = len(shape) - 1
    name, src = hermitian_source(real, count_dims)
    cpp, so = tmp_path / "k.cpp", tmp_path / "k.so"
    cpp.write_text(_SHIM + src)
    subprocess.run([cxx, "-O1", "-shared", "-fPIC", str(cpp), "-o", str(so)], check=True)
    fn = getattr(ctypes.CDLL(str(so)), name)
    fn.argtypes = [ctypes.c_void_p] + [ctypes.c_longlong] * (4 + 2 * count_dims)
    rng = np.random.default_rng(0)
    v = (rng.uniform(-1, 1, shape) + 1j * rng.uniform(-1, 1, shape)).astype(dtype)
    if layout == "F":
        v = np.asfortranarray(v)
    elif layout == "T":
        v = np.ascontiguousarray(v.transpose(2, 0, 1)).transpose(1, 2, 0)
    original, expected = v.copy(), v.copy()
    host_fft.hermitian(host_fft.fake(expected), h, nyquist, mirror)
    count, nslices, second, mask, dims = slice_args(v.shape, v.strides, h, nyquist, mirror)
    args = [v.ctypes.data, count, nslices, second, mask]
    for n, st in dims:
        args += [n, st]
    fn(*args)
    np.testing.assert_allclose(v, expected, rtol=1e-6, atol=1e-7)
    assert not np.array_equal(v, original)
