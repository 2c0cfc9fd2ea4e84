"""Whole cuarray.fft calls on the CPU: recipes run against host memory (conftest's cuFFT
emulation of the advanced data layout) and are compared with numpy.fft.

This checks everything but the GPU kernels themselves: argument handling and errors,
NumPy 2's result dtypes and layouts, n/s padding and truncation, axes in any order
and layout (transposed, F, sliced, negative strides, broadcast), norm factors, out=,
the mapping of every layout onto cuFFT's (n, embed, stride, dist, batch) plus host
loops and staged copies, and that no plan reads or writes outside its arrays.
"""

import warnings

import numpy as np
import pytest

import cuarray.fft as F
from cuarray.fft import _fft

DTYPES = ["bool", "int8", "uint16", "int64", "float16", "float32", "float64", "complex64",
          "complex128"]
TOL = {"float16": 2e-3, "float32": 2e-5, "complex64": 2e-5, "float64": 1e-12,
       "complex128": 1e-12}


def data(shape, dtype, seed=0, layout="C"):
    """Host values in [-1, 1) (small ints for integer dtypes) in the given layout."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.kind == "b":
        v = rng.integers(0, 2, shape).astype(dt)
    elif dt.kind in "iu":
        v = rng.integers(0, 5, shape).astype(dt)
    elif dt.kind == "c":
        v = (rng.uniform(-1, 1, shape) + 1j * rng.uniform(-1, 1, shape)).astype(dt)
    else:
        v = rng.uniform(-1, 1, shape).astype(dt)
    return place(v, layout)


def place(v, layout):
    if layout == "C" or v.ndim == 0:
        return v.copy()
    if layout == "F":
        return np.asfortranarray(v)
    if layout == "transposed":
        return np.ascontiguousarray(np.swapaxes(v, 0, -1)).swapaxes(0, -1)
    if layout == "sliced":
        big = np.zeros(tuple(2 * n + 1 for n in v.shape), v.dtype)
        idx = tuple(slice(1, None, 2) for _ in v.shape)
        big[idx] = v
        return big[idx]
    if layout == "negative":
        idx = tuple(slice(None, None, -1) for _ in v.shape)
        return np.ascontiguousarray(v[idx])[idx]
    if layout == "broadcast":
        return np.broadcast_to(v[:1], v.shape)
    raise ValueError(layout)


def check(host, got, expected, tol_dtype=None):
    """Same dtype, shape, contiguity flags and values (relative to the largest value)."""
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    g = host.view(got)
    assert g.flags.c_contiguous == expected.flags.c_contiguous, (g.strides, expected.strides)
    assert g.flags.f_contiguous == expected.flags.f_contiguous, (g.strides, expected.strides)
    if expected.size:
        tol = TOL[(tol_dtype or expected.dtype).name] if (tol_dtype or expected.dtype).name in TOL \
            else 1e-12
        scale = max(1.0, float(np.abs(expected.astype(np.complex128)).max()))
        err = float(np.abs(g.astype(np.complex128) - expected.astype(np.complex128)).max())
        assert err <= tol * scale, (err, scale)


def run(host, name, v, **kw):
    """(cuarray result over fake memory, NumPy result); the input must stay unchanged."""
    before = v.copy()
    got = getattr(F, name)(host.fake(v), **kw)
    expected = getattr(np.fft, name)(v, **kw)
    np.testing.assert_array_equal(v, before)
    return got, expected


# --- one axis -------------------------------------------------------------------------------
ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ONE_D)
def test_one_axis_every_dtype(host_fft, name, dtype):
    v = data((3, 10), dtype)
    if name in ("rfft", "ihfft") and np.dtype(dtype).kind == "c":
        with pytest.raises(TypeError):
            getattr(F, name)(host_fft.fake(v))
        with pytest.raises(TypeError):
            getattr(np.fft, name)(v)
        return
    got, expected = run(host_fft, name, v)
    check(host_fft, got, expected)


@pytest.mark.parametrize("norm", [None, "backward", "ortho", "forward"])
@pytest.mark.parametrize("n", [None, 1, 2, 5, 7, 13, 16, 31])
@pytest.mark.parametrize("name", ONE_D)
def test_one_axis_n_and_norm(host_fft, name, n, norm):
    v = data((4, 9), "complex128" if name not in ("rfft", "ihfft") else "float64", seed=1)
    got, expected = run(host_fft, name, v, n=n, norm=norm)
    check(host_fft, got, expected)


@pytest.mark.parametrize("layout", ["C", "F", "transposed", "sliced", "negative", "broadcast"])
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
@pytest.mark.parametrize("name", ONE_D)
def test_one_axis_layouts(host_fft, name, axis, layout):
    dt = "float32" if name in ("rfft", "ihfft") else "complex64"
    v = data((4, 6, 5), dt, seed=2, layout=layout)
    got, expected = run(host_fft, name, v, axis=axis)
    check(host_fft, got, expected)


@pytest.mark.parametrize("shape,axis", [((0,), 0), ((3, 0), 0), ((0, 4), 1), ((1,), 0),
                                        ((5, 1), 1), ((1, 5), 0), ((2, 1, 3), 1)])
@pytest.mark.parametrize("name", ONE_D)
def test_empty_and_length_one(host_fft, name, shape, axis):
    v = data(shape, "float64", seed=3)
    try:
        expected = getattr(np.fft, name)(v, axis=axis)
    except ValueError as e:
        with pytest.raises(ValueError, match="Invalid number of FFT data points"):
            getattr(F, name)(host_fft.fake(v), axis=axis)
        assert "Invalid number" in str(e)
        return
    got = getattr(F, name)(host_fft.fake(v), axis=axis)
    check(host_fft, got, expected)


@pytest.mark.parametrize("n", [1, 3, 8])
@pytest.mark.parametrize("name", ONE_D)
def test_padding_an_empty_axis(host_fft, name, n):
    v = data((3, 0), "float32")
    got, expected = run(host_fft, name, v, n=n)
    check(host_fft, got, expected)


def test_middle_axis_uses_host_loops_or_a_staged_copy(host_fft):
    v = data((3, 8, 5), "complex64", seed=4)
    got, expected = run(host_fft, "fft", v, axis=1)
    check(host_fft, got, expected)
    (key, _, loops), = host_fft.calls
    assert loops and key[1] == (8,)             # one plan, looped over the outer batch
    host_fft.calls.clear()
    v = data((40, 8, 30), "complex64", seed=4)
    got, expected = run(host_fft, "fft", v, axis=1)
    check(host_fft, got, expected)
    (key, _, loops), = host_fft.calls
    assert not loops and key[2] is None         # staged: basic layout on the scratch


def test_strided_column_transform_is_one_plan(host_fft):
    v = data((16, 12), "complex128", seed=5)
    got, expected = run(host_fft, "fft", v, axis=0)
    check(host_fft, got, expected)
    (key, _, loops), = host_fft.calls
    assert key[1:] == ((16,), (16,), 12, 1, (16,), 12, 1, 12) and not loops
    assert host_fft.copies == 0


# --- several axes ------------------------------------------------------------------------------
ND = ["fftn", "ifftn", "rfftn", "irfftn"]
AXES = [None, (0,), (1,), (0, 1), (1, 0), (0, 2), (2, 0), (-1, -3), (0, 1, 2), (2, 1, 0),
        (1, 2, 0), (3, 1), (0, 1, 2, 3), (3, 2, 1, 0), (1, 3, 0, 2)]


@pytest.mark.parametrize("axes", AXES)
@pytest.mark.parametrize("name", ND)
def test_nd_axes(host_fft, name, axes):
    dt = "float64" if name == "rfftn" else "complex128"
    v = data((3, 4, 5, 6), dt, seed=6)
    got, expected = run(host_fft, name, v, axes=axes)
    check(host_fft, got, expected)


@pytest.mark.parametrize("layout", ["C", "F", "transposed", "sliced", "negative", "broadcast"])
@pytest.mark.parametrize("axes", [None, (0, 1), (1, 2), (0, 2), (2, 0)])
@pytest.mark.parametrize("name", ND + ["fft2", "ifft2", "rfft2", "irfft2"])
def test_nd_layouts(host_fft, name, axes, layout):
    dt = "float32" if name.startswith("rfft") else "complex64"
    v = data((4, 6, 5), dt, seed=7, layout=layout)
    kw = {} if (axes is None and name.endswith("2")) else {"axes": axes}
    got, expected = run(host_fft, name, v, **kw)
    check(host_fft, got, expected)


@pytest.mark.parametrize("s,axes", [((3, 4), (0, 1)), ((8, 2), (0, 1)), ((1, 1), (0, 1)),
                                    ((5,), (1,)), ((2, 9, 4), (0, 1, 2)), ((-1, 6), (0, 2)),
                                    ((7, 3), (2, 0)), ((1, 5, 2), (2, 0, 1))])
@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
@pytest.mark.parametrize("name", ND)
def test_nd_s_and_norm(host_fft, name, s, axes, norm):
    dt = "float64" if name == "rfftn" else "complex128"
    v = data((4, 6, 5), dt, seed=8)
    got, expected = run(host_fft, name, v, s=s, axes=axes, norm=norm)
    check(host_fft, got, expected)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ND)
def test_nd_dtypes(host_fft, name, dtype):
    v = data((4, 3, 6), dtype, seed=9)
    if name == "rfftn" and np.dtype(dtype).kind == "c":
        with pytest.raises(TypeError):
            F.rfftn(host_fft.fake(v))
        return
    got, expected = run(host_fft, name, v, norm="ortho")
    check(host_fft, got, expected)


@pytest.mark.parametrize("axes", [(1, 1), (0, 1, 0), (-1, 2)])
@pytest.mark.parametrize("name", ND)
def test_repeated_axes_follow_numpys_sequence(host_fft, name, axes):
    dt = "float64" if name == "rfftn" else "complex128"
    v = data((4, 6, 5), dt, seed=10)
    got, expected = run(host_fft, name, v, axes=axes)
    check(host_fft, got, expected)


def test_no_axes_returns_the_input(host_fft):
    v = data((3, 4), "float64")
    a = host_fft.fake(v)
    assert F.fftn(a, axes=()) is a and F.ifftn(a, axes=[]) is a
    assert np.fft.fftn(v, axes=()) is v
    zero_d = host_fft.fake(np.array(2.5))
    assert F.fftn(zero_d) is zero_d
    for name in ("rfftn", "irfftn"):
        with pytest.raises(IndexError):
            getattr(F, name)(a, axes=())
        with pytest.raises(IndexError):
            getattr(np.fft, name)(v, axes=())


def test_more_than_three_axes_in_passes_of_at_most_three(host_fft):
    v = data((2, 3, 4, 5, 3), "complex64", seed=11)
    got, expected = run(host_fft, "fftn", v)
    check(host_fft, got, expected)
    assert [len(c[0][1]) for c in host_fft.calls] == [3, 2]


def test_deprecated_s_without_axes_warns_like_numpy(host_fft):
    v = data((4, 6), "complex128")
    with pytest.warns(DeprecationWarning, match="`axes` should not be `None`"):
        got = F.fftn(host_fft.fake(v), s=(3, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        expected = np.fft.fftn(v, s=(3, 3))
    check(host_fft, got, expected)
    with pytest.warns(DeprecationWarning, match="containing `None`"):
        F.fftn(host_fft.fake(v), s=(None, 3), axes=(0, 1))


# --- cuFFT's pointer alignment ----------------------------------------------------------------
# cuFFT executes a plan only with both pointers aligned to its complex element (8 bytes in
# single, 16 in double precision), the real pointer of R2C/C2R included; it answers
# CUFFT_INVALID_VALUE otherwise.  The emulator enforces that for every execution.
POOL = 256                                      # the memory pool's block alignment


def at(v, offset=0):
    """A C-ordered copy of ``v`` whose first element lies ``offset`` bytes past a
    pool-aligned address (``offset`` one element: a view ``a[1:]`` of a pool array)."""
    raw = np.zeros(v.nbytes + offset + POOL, np.uint8)
    start = -raw.ctypes.data % POOL + offset
    out = np.ndarray(v.shape, v.dtype, buffer=raw, offset=start)
    out[...] = v
    return out


@pytest.mark.parametrize("kind,offset,loops", [("D2Z", 8, ()), ("D2Z", 0, ((2, 8, 16),)),
                                               ("C2R", 0, ((2, 8, 4),)), ("Z2Z", 8, ())])
def test_the_emulator_rejects_pointers_cufft_rejects(host_fft, kind, offset, loops):
    from cuarray.cuda import _cufft
    fft_type = getattr(_cufft, kind)
    real, cx = {"D2Z": ("f8", "c16"), "C2R": ("f4", "c8"), "Z2Z": ("c16", "c16")}[kind]
    sdt, ddt = np.dtype(cx if kind == "C2R" else real), np.dtype(real if kind == "C2R" else cx)
    src = host_fft.alloc((64,), sdt, (sdt.itemsize,))
    dst = host_fft.alloc((64,), ddt, (ddt.itemsize,))
    src_h, dst_h = host_fft.view(src), host_fft.view(dst)
    src_h[...] = 0
    dst_h[...] = 0
    n, half = 8, 5
    in_n, out_n = (half, n) if kind == "C2R" else (n, half if kind == "D2Z" else n)
    key = (fft_type, (n,), None, 1, in_n, None, 1, out_n, 1)
    host_fft.run_plan(key, -1, src._ptr, dst._ptr)          # aligned: accepted
    with pytest.raises(AssertionError, match="not aligned"):
        host_fft.run_plan(key, -1, src._ptr + offset, dst._ptr, loops)


REAL_1D = [("rfft", "float32"), ("rfft", "float64"), ("ihfft", "float64"),
           ("irfft", "complex64"), ("irfft", "complex128"), ("hfft", "complex64")]


@pytest.mark.parametrize("layout", ["C", "F", "transposed", "sliced", "negative", "broadcast"])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("name,dtype", REAL_1D)
def test_real_transforms_of_6_8_5_arrays(host_fft, name, dtype, axis, layout):
    # The GPU suite's shape: with 6 > 5 the outer batch is the larger one, and cuFFT's
    # batch must still be the inner one (a loop over it would step one real element).
    v = data((6, 8, 5), dtype, seed=2, layout=layout)
    got, expected = run(host_fft, name, v, axis=axis)
    check(host_fft, got, expected)


@pytest.mark.parametrize("shape,axis", [((8, 6, 4, 5), 2), ((3, 64, 5), 1), ((7, 9, 3), 1)])
@pytest.mark.parametrize("name", ["rfft", "irfft"])
def test_real_transforms_of_middle_axes(host_fft, name, shape, axis):
    v = data(shape, "float64" if name == "rfft" else "complex128", seed=5)
    got, expected = run(host_fft, name, v, axis=axis)
    check(host_fft, got, expected)


@pytest.mark.parametrize("name,dtype", [("rfft", "float32"), ("rfft", "float64"),
                                        ("ihfft", "float32"), ("rfftn", "float64"),
                                        ("rfft2", "float32"), ("fft", "complex128"),
                                        ("fft", "float64"), ("irfft", "complex128")])
def test_inputs_one_element_past_an_aligned_address(host_fft, name, dtype):
    v = data((4, 10), dtype, seed=17)
    for offset in (0, np.dtype(dtype).itemsize):
        a = at(v, offset)
        got, expected = run(host_fft, name, a)
        check(host_fft, got, expected)


def test_the_memo_does_not_hand_a_misaligned_input_to_cufft(host_fft):
    v = data((4, 10), "float64", seed=18)
    a0, a8 = at(v), at(v, 8)                    # same shape, strides and dtype
    check(host_fft, F.rfft(host_fft.fake(a0)), np.fft.rfft(v))
    assert len(_fft._memo) == 1 and host_fft.copies == 0
    check(host_fft, F.rfft(host_fft.fake(a8)), np.fft.rfft(v))
    assert host_fft.copies == 1                 # read through the scratch copy
    check(host_fft, F.rfft(host_fft.fake(a0)), np.fft.rfft(v))
    assert host_fft.copies == 1 and len(_fft._memo) == 1


@pytest.mark.parametrize("name,in_dtype,out_dtype", [("irfft", "complex128", "float64"),
                                                     ("irfft", "complex64", "float32"),
                                                     ("irfftn", "complex128", "float64"),
                                                     ("fft", "complex128", "complex128"),
                                                     ("rfft", "float64", "complex128")])
def test_out_one_element_past_an_aligned_address(host_fft, name, in_dtype, out_dtype):
    v = data((4, 6), in_dtype, seed=19)
    expected = getattr(np.fft, name)(v).astype(out_dtype)
    for offset in (0, np.dtype(out_dtype).itemsize):
        out_h = at(np.zeros(expected.shape, out_dtype), offset)
        out = host_fft.fake(out_h)
        assert getattr(F, name)(host_fft.fake(v), out=out) is out
        np.testing.assert_allclose(out_h, expected, rtol=1e-5, atol=1e-5)


# --- out= -------------------------------------------------------------------------------------
@pytest.mark.parametrize("out_dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("out_layout", ["C", "F", "sliced"])
@pytest.mark.parametrize("name,kw", [("fft", {}), ("ifft", {"axis": 0}), ("fftn", {}),
                                     ("rfftn", {}), ("ifft2", {}), ("ihfft", {})])
def test_out(host_fft, name, kw, out_layout, out_dtype):
    dt = "float64" if name in ("rfftn", "ihfft") else "complex128"
    v = data((6, 8), dt, seed=12)
    expected = getattr(np.fft, name)(v, **kw)
    out_host = place(np.zeros(expected.shape, out_dtype), out_layout)
    out = host_fft.fake(out_host)
    got = getattr(F, name)(host_fft.fake(v), out=out, **kw)
    assert got is out
    tol = "complex64" if out_dtype == "complex64" else None
    np.testing.assert_allclose(out_host, expected.astype(out_dtype), rtol=TOL[tol or out_dtype],
                               atol=TOL[tol or out_dtype] * 10)


@pytest.mark.parametrize("name", ["irfft", "hfft", "irfftn", "irfft2"])
def test_out_real_results(host_fft, name):
    v = data((6, 5), "complex128", seed=13)
    expected = getattr(np.fft, name)(v)
    for out_dtype in ("float32", "float64", "complex128"):
        out_host = np.zeros(expected.shape, out_dtype)
        got = getattr(F, name)(host_fft.fake(v), out=host_fft.fake(out_host))
        assert host_fft.view(got) is not None
        np.testing.assert_allclose(out_host, expected.astype(out_dtype), atol=1e-5)


def test_out_is_the_input_runs_in_place(host_fft):
    v = data((6, 8), "complex128", seed=14)
    expected = np.fft.fft(v, axis=0)
    a = host_fft.fake(v)
    assert F.fft(a, axis=0, out=a) is a
    np.testing.assert_allclose(v, expected, atol=1e-12)
    assert host_fft.copies == 0                 # one in-place plan, nothing staged


def test_out_overlapping_the_input_goes_through_a_temporary(host_fft):
    buf = data((12,), "complex128", seed=15)
    v = buf[:8].copy()
    expected = np.fft.fft(buf[:8])
    got = F.fft(host_fft.fake(buf[:8]), out=host_fft.fake(buf[4:12]))
    np.testing.assert_allclose(buf[4:12], expected, atol=1e-12)
    assert host_fft.view(got).shape == (8,) and v.shape == (8,)


@pytest.mark.parametrize("name,kw,shape,dtype,error", [
    ("fft", {}, (4, 9), "complex128", ValueError),
    ("fft", {}, (5, 8), "complex128", ValueError),
    ("fft", {}, (8,), "complex128", ValueError),
    ("fft", {}, (4, 8), "float64", TypeError),
    ("rfft", {}, (4, 5), "float64", TypeError),
    ("irfft", {}, (4, 14), "complex64", None),
    ("ifft", {}, (4, 8), "complex64", None),
])
def test_out_errors_match_numpy(host_fft, name, kw, shape, dtype, error):
    v = data((4, 8), "complex128" if name != "rfft" else "float64")
    out = np.zeros(shape, dtype)
    if error is None:
        getattr(np.fft, name)(v, out=out.copy(), **kw)
        getattr(F, name)(host_fft.fake(v), out=host_fft.fake(out), **kw)
        return
    with pytest.raises(error):
        getattr(np.fft, name)(v, out=out, **kw)
    with pytest.raises(error):
        getattr(F, name)(host_fft.fake(v), out=host_fft.fake(out), **kw)


def test_out_must_be_a_device_array(host_fft):
    with pytest.raises(TypeError, match="out must be a cuarray.ndarray"):
        F.fft(host_fft.fake(data((4,), "complex64")), out=np.zeros(4, np.complex64))


# --- errors -------------------------------------------------------------------------------------
def _same_error(call_np, call_ca):
    with pytest.raises(Exception) as e_np:
        call_np()
    with pytest.raises(Exception) as e_ca:
        call_ca()
    assert type(e_ca.value) is type(e_np.value) or isinstance(e_ca.value, type(e_np.value)) \
        or type(e_np.value).__name__.startswith("_"), (e_np.value, e_ca.value)
    return e_np.value, e_ca.value


@pytest.mark.parametrize("name", ONE_D)
@pytest.mark.parametrize("kw", [{"n": 0}, {"n": -3}, {"axis": 2}, {"axis": -3},
                                {"n": 4, "axis": 2}, {"norm": "bad"}, {"axis": 1.0},
                                {"n": 2.5}, {"n": 4.0}])
def test_one_axis_errors_match_numpy(host_fft, name, kw):
    v = data((3, 4), "float64")
    e_np, e_ca = _same_error(lambda: getattr(np.fft, name)(v, **kw),
                             lambda: getattr(F, name)(host_fft.fake(v), **kw))
    if isinstance(e_np, ValueError) and "Invalid" in str(e_np):
        assert str(e_np).split(";")[0] == str(e_ca).split(";")[0]


@pytest.mark.parametrize("name", ONE_D)
def test_zero_d_input_raises_index_error(host_fft, name):
    _same_error(lambda: getattr(np.fft, name)(np.array(1.0)),
                lambda: getattr(F, name)(host_fft.fake(np.array(1.0))))


@pytest.mark.parametrize("name", ND + ["fft2", "rfft2"])
@pytest.mark.parametrize("kw", [{"axes": (0, 3)}, {"axes": (0, -4)}, {"s": (4,), "axes": (0, 1)},
                                {"s": (0, 4), "axes": (0, 1)}, {"s": (4, -2), "axes": (0, 1)},
                                {"norm": "bad"}, {"axes": (0.5,)}])
def test_nd_errors_match_numpy(host_fft, name, kw):
    v = data((3, 4, 5), "float64" if name.startswith("rfft") else "complex128")
    _same_error(lambda: getattr(np.fft, name)(v, **kw),
                lambda: getattr(F, name)(host_fft.fake(v), **kw))


def test_fft2_of_a_1d_array_is_an_index_error(host_fft):
    v = data((4,), "complex64")
    _same_error(lambda: np.fft.fft2(v), lambda: F.fft2(host_fft.fake(v)))


def test_host_arrays_are_refused():
    with pytest.raises(TypeError, match="cuarray.asarray"):
        F.fft(np.ones(4))
    with pytest.raises(TypeError, match="cuarray.asarray"):
        F.rfftn([1.0, 2.0])


# --- the per-call memo ------------------------------------------------------------------------
def test_repeated_calls_reuse_the_recipe(host_fft):
    v = data((4, 16), "complex64")
    a = host_fft.fake(v)
    F.fft(a)
    assert len(_fft._memo) == 1
    recipe = next(iter(_fft._memo.values()))
    F.fft(a)
    F.fft(host_fft.fake(v.copy()))              # same shape, strides, dtype: same recipe
    assert len(_fft._memo) == 1 and next(iter(_fft._memo.values())) is recipe
    F.fft(a, n=16)                             # n=16 and n=None are different keys
    with pytest.raises(TypeError):
        F.fft(a, n=16.0)                        # 16.0 == 16 must not hit n=16's entry
    F.fftn(a, axes=(1,))
    F.fftn(a, axes=[1])                         # lists and tuples share an entry
    assert len(_fft._memo) == 3


def test_misaligned_input_is_copied_first(host_fft):
    buf = np.zeros(8 * 9 + 4, np.uint8)
    v = np.ndarray((9,), np.complex64, buffer=buf, offset=4)
    v[...] = data((9,), "complex64")
    got = F.fft(host_fft.fake(v))
    check(host_fft, got, np.fft.fft(v))
    assert host_fft.copies >= 1 and not _fft._memo


def test_irfft_never_hands_the_input_to_cufft(host_fft):
    # The emulated C2R plan scribbles NaN over its input: the user's array must not be it.
    for name in ("irfft", "hfft", "irfftn"):
        v = data((4, 5), "complex128", seed=16)
        got, expected = run(host_fft, name, v)
        check(host_fft, got, expected)


def test_overwrite_x_lets_c2r_run_on_the_input(host_fft):
    from cuarray.fft._fft import _IRFFT, make_recipe
    v = data((4, 5), "complex128")
    a = host_fft.fake(v)
    r = make_recipe(a, _IRFFT, {1: 8}, (1,), "forward", overwrite_x=True)
    assert r.prep is None
    r = make_recipe(a, _IRFFT, {1: 8}, (1,), None, overwrite_x=True)
    assert r.prep is not None                  # the 1/n factor rides on the copy
