"""Manipulation routines without a GPU: view arithmetic, layout rules, argument checks and
the gather kernels (compiled by NVRTC for sm_90, and run on the host against NumPy).

- Views: device arrays are built over a NumPy array's address with the same strides
  (no device memory is touched), so each view routine's shape, strides and offset are
  compared with NumPy's view of the same data.
- Errors raised before any kernel runs are compared with NumPy's (class and message).
- Layout rules (concatenate's stride order, advanced-indexing results) against NumPy.
- The remap kernel (pad/roll/repeat/delete/insert/resize) and the many-small-inputs
  concatenate kernel are compiled with the host C++ compiler (one thread runs each
  grid-stride loop) and checked against numpy.pad, numpy.roll, numpy.concatenate.
"""

import ctypes
import hashlib
import shutil
import subprocess

import numpy as np
import pytest

import cuarray
from cuarray._core.ndarray import ndarray
from cuarray._routines import _remap, joining, padding, tiling
from cuarray.cuda import compiler


class _HostPtr:
    """A stand-in memory pointer: a host address, never dereferenced by these tests."""

    def __init__(self, ptr):
        self.ptr, self.device_id = ptr, 0


def fake(host):
    """A device array header over ``host``'s memory (same shape, strides and dtype)."""
    return ndarray(host.shape, host.dtype, memptr=_HostPtr(host.ctypes.data),
                   strides=host.strides)


def layout(x, origin):
    """(shape, strides of axes longer than 1, byte offset from ``origin``)."""
    ptr = x._ptr if isinstance(x, ndarray) else x.ctypes.data
    if 0 in x.shape:
        return x.shape
    return x.shape, tuple(s for s, n in zip(x.strides, x.shape) if n > 1), ptr - origin


def host_arrays():
    base = np.arange(2 * 3 * 4 * 2, dtype=np.float32).reshape(4, 6, 2)
    return {
        "C": np.arange(24, dtype=np.float64).reshape(2, 3, 4),
        "F": np.asfortranarray(np.arange(24, dtype=np.int16).reshape(2, 3, 4)),
        "T": np.arange(24, dtype=np.int8).reshape(4, 3, 2).T,
        "neg": np.arange(24, dtype=np.complex64).reshape(2, 3, 4)[::-1, :, ::-1],
        "sliced": base[::2, 1::2, 0],
        "1d": np.arange(7, dtype=np.uint8)[::-2],
        "0d": np.array(3.5),
        "empty": np.zeros((3, 0, 2)),
    }


VIEW_CALLS = [
    ("transpose", lambda xp, a: xp.transpose(a)),
    ("transpose_axes", lambda xp, a: xp.transpose(a, tuple(range(a.ndim))[::-1])),
    ("permute_dims", lambda xp, a: xp.permute_dims(a)),
    ("swapaxes", lambda xp, a: xp.swapaxes(a, 0, -1)),
    ("moveaxis", lambda xp, a: xp.moveaxis(a, 0, -1)),
    ("moveaxis2", lambda xp, a: xp.moveaxis(a, [0, -1], [-1, 0])),
    ("rollaxis", lambda xp, a: xp.rollaxis(a, -1)),
    ("rollaxis2", lambda xp, a: xp.rollaxis(a, 0, a.ndim)),
    ("expand_dims", lambda xp, a: xp.expand_dims(a, (0, -1))),
    ("squeeze", lambda xp, a: xp.squeeze(xp.expand_dims(a, 1))),
    ("broadcast_to", lambda xp, a: xp.broadcast_to(a, (2,) + a.shape)),
    ("broadcast_arrays", lambda xp, a: xp.broadcast_arrays(a, xp.expand_dims(a, 0))[0]),
    ("atleast_1d", lambda xp, a: xp.atleast_1d(a)),
    ("atleast_2d", lambda xp, a: xp.atleast_2d(a)),
    ("atleast_3d", lambda xp, a: xp.atleast_3d(a)),
    ("flip", lambda xp, a: xp.flip(a)),
    ("flip0", lambda xp, a: xp.flip(a, 0)),
    ("flipud", lambda xp, a: xp.flipud(a)),
    ("fliplr", lambda xp, a: xp.fliplr(a)),
    ("rot90", lambda xp, a: xp.rot90(a)),
    ("rot90_2", lambda xp, a: xp.rot90(a, 2, (1, 0))),
    ("rot90_3", lambda xp, a: xp.rot90(a, 3, (0, -1))),
    ("split0", lambda xp, a: xp.array_split(a, 3)[1]),
    ("split1", lambda xp, a: xp.array_split(a, [1, 2], axis=-1)[2]),
    ("hsplit", lambda xp, a: xp.hsplit(a, [1])[1]),
    ("vsplit", lambda xp, a: xp.vsplit(a, [1])[0]),
    ("dsplit", lambda xp, a: xp.dsplit(a, [1])[1]),
    ("unstack", lambda xp, a: xp.unstack(a, axis=-1)[-1]),
    ("ravel_view", lambda xp, a: xp.ravel(a, "K")),
    ("ravel_A", lambda xp, a: xp.ravel(a, "A")),
    ("reshape_view", lambda xp, a: xp.reshape(a, (1,) + a.shape + (1,))),
    ("as_strided", lambda xp, a: _stride_tricks(xp).as_strided(a, (2, 2), (a.itemsize, 0))),
    ("sliding", lambda xp, a: _stride_tricks(xp).sliding_window_view(a, 1, axis=0)),
]


def _stride_tricks(xp):
    return np.lib.stride_tricks if xp is np else cuarray.lib.stride_tricks


def _outcome(fn, xp, a):
    try:
        return fn(xp, a), None
    except Exception as e:  # noqa: BLE001 - compared with NumPy's
        return None, e


@pytest.mark.parametrize("name", list(host_arrays()))
@pytest.mark.parametrize("call", VIEW_CALLS, ids=[c[0] for c in VIEW_CALLS])
def test_views_match_numpy(name, call):
    host = host_arrays()[name]
    dev = fake(host)
    ref, ref_err = _outcome(call[1], np, host)
    if ref_err is None and ref.size and not np.shares_memory(ref, host):
        pytest.skip("NumPy copies here (a GPU test checks the copy)")
    got, err = _outcome(call[1], cuarray, dev)
    if ref_err is not None or err is not None:
        assert type(err) is type(ref_err), (ref_err, err)
        return
    if isinstance(ref, np.generic):     # NumPy returns a scalar; cuarray a 0-d view
        ref = host
    assert layout(got, dev._ptr) == layout(ref, host.ctypes.data), call[0]
    assert (got._c, got._f) == (ref.flags.c_contiguous, ref.flags.f_contiguous), call[0]


# -- errors raised before any kernel -----------------------------------------------------
def _host(shape=(2, 3), dtype=np.float64):
    return np.zeros(shape, dtype)


ERROR_CALLS = [
    lambda xp, a, b: xp.concatenate([]),
    lambda xp, a, b: xp.concatenate([a, b[0]]),
    lambda xp, a, b: xp.concatenate([a, b[:, :2]]),
    lambda xp, a, b: xp.concatenate([a, b], axis=2),
    lambda xp, a, b: xp.concatenate([a[0, 0], b[0, 0]]),
    lambda xp, a, b: xp.concatenate([a, b], dtype="int64"),
    lambda xp, a, b: xp.concatenate([a, b], casting="x"),
    lambda xp, a, b: xp.concatenate([a, b], out=a, dtype="float64"),
    lambda xp, a, b: xp.stack([a, b[:1]]),
    lambda xp, a, b: xp.stack([]),
    lambda xp, a, b: xp.stack([a, b], axis=-4),
    lambda xp, a, b: xp.stack(3),
    lambda xp, a, b: xp.hstack(3),
    lambda xp, a, b: xp.split(a, 4, axis=1),
    lambda xp, a, b: xp.array_split(a, 0),
    lambda xp, a, b: xp.vsplit(a[0], 2),
    lambda xp, a, b: xp.dsplit(a, 2),
    lambda xp, a, b: xp.hsplit(a[0, 0], 2),
    lambda xp, a, b: xp.unstack(a[0, 0]),
    lambda xp, a, b: xp.moveaxis(a, [0, 1], [0]),
    lambda xp, a, b: xp.moveaxis(a, [0, 0], [0, 1]),
    lambda xp, a, b: xp.rollaxis(a, 0, 4),
    lambda xp, a, b: xp.rollaxis(a, 3),
    lambda xp, a, b: xp.expand_dims(a, (0, 0)),
    lambda xp, a, b: xp.expand_dims(a, 3),
    lambda xp, a, b: xp.squeeze(a, 0),
    lambda xp, a, b: xp.squeeze(a[:1, :1], (0, 0)),
    lambda xp, a, b: xp.broadcast_to(a, (3,)),
    lambda xp, a, b: xp.broadcast_to(a, (4, 3)),
    lambda xp, a, b: xp.broadcast_to(a, (-1, 3)),
    lambda xp, a, b: xp.broadcast_to(a, ()),
    lambda xp, a, b: xp.broadcast_arrays(a, b[:, :2]),
    lambda xp, a, b: xp.transpose(a, (0,)),
    lambda xp, a, b: xp.transpose(a, (0, 0)),
    lambda xp, a, b: xp.flip(a, 2),
    lambda xp, a, b: xp.fliplr(a[0]),
    lambda xp, a, b: xp.flipud(a[0, 0]),
    lambda xp, a, b: xp.rot90(a, axes=(0, 0)),
    lambda xp, a, b: xp.rot90(a, axes=(0,)),
    lambda xp, a, b: xp.rot90(a, axes=(0, 2)),
    lambda xp, a, b: xp.roll(a, (1, 2, 3), axis=(0, 1)),
    lambda xp, a, b: xp.roll(a, [[1]], axis=None),
    lambda xp, a, b: xp.roll(a, 1, axis=2),
    lambda xp, a, b: xp.repeat(a, [1, 2]),
    lambda xp, a, b: xp.repeat(a, [1, -1, 1], axis=1),
    lambda xp, a, b: xp.repeat(a, -1),
    lambda xp, a, b: xp.repeat(a, [[1, 2, 1]], axis=1),
    lambda xp, a, b: xp.repeat(a, np.array([1, 2, 1], np.uint64), axis=1),
    lambda xp, a, b: xp.repeat(a, np.array(2.5)),
    lambda xp, a, b: xp.repeat(a, 1, axis=2),
    lambda xp, a, b: xp.tile(a, 2.5),
    lambda xp, a, b: xp.resize(a, (2, -1)),
    lambda xp, a, b: xp.delete(a, 5, axis=1),
    lambda xp, a, b: xp.delete(a, [1, 5], axis=1),
    lambda xp, a, b: xp.delete(a, np.array([True]), axis=1),
    lambda xp, a, b: xp.delete(a, [1.5], axis=1),
    lambda xp, a, b: xp.delete(a, 0, axis=2),
    lambda xp, a, b: xp.insert(a, 5, 1, axis=1),
    lambda xp, a, b: xp.insert(a, [[1]], 1, axis=1),
    lambda xp, a, b: xp.insert(a, 0, 1, axis=-3),
    lambda xp, a, b: xp.trim_zeros(a, "x"),
    lambda xp, a, b: xp.trim_zeros(a, axis=2),
    lambda xp, a, b: xp.pad(a, -1),
    lambda xp, a, b: xp.pad(a, 1.5),
    lambda xp, a, b: xp.pad(a, ((1, 2), (3, 4), (5, 6))),
    lambda xp, a, b: xp.pad(a, 1, mode="bogus"),
    lambda xp, a, b: xp.pad(a, 1, mode="edge", foo=1),
    lambda xp, a, b: xp.pad(a, 1, mode="constant", end_values=1),
    lambda xp, a, b: xp.pad(a, np.array([1, 2], np.uint8)),
    lambda xp, a, b: xp.pad(a, 1, constant_values=((1, 2),) * 3),
    lambda xp, a, b: xp.copyto(a, b[:, :2]),
    lambda xp, a, b: xp.copyto(a.astype(np.int64) if xp is np else _int_view(a), b),
    lambda xp, a, b: xp.copyto(a, b, casting="x"),
    lambda xp, a, b: xp.copyto([1], b),
    lambda xp, a, b: xp.copyto(a, b, where=np.ones(3, int)),
    lambda xp, a, b: xp.copyto(a, 1j),
    lambda xp, a, b: xp.require(a, requirements="CF"),
    lambda xp, a, b: xp.require(a, requirements="X"),
    lambda xp, a, b: _stride_tricks(xp).sliding_window_view(a, 5),
    lambda xp, a, b: _stride_tricks(xp).sliding_window_view(a, (1,)),
    lambda xp, a, b: _stride_tricks(xp).sliding_window_view(a, 1, axis=(0, 1)),
    lambda xp, a, b: _stride_tricks(xp).sliding_window_view(a, (-1, 1)),
    lambda xp, a, b: _stride_tricks(xp).sliding_window_view(a, (5, 1)),
    lambda xp, a, b: _stride_tricks(xp).as_strided(a, (2, 2), (8,)),
]


def _int_view(a):
    return a.view(np.int64)


@pytest.mark.parametrize("i", range(len(ERROR_CALLS)))
def test_errors_match_numpy(i):
    call = ERROR_CALLS[i]
    a, b = _host(), _host()
    ref, ref_err = _outcome(lambda xp, x: call(xp, x, b), np, a)
    got, err = _outcome(lambda xp, x: call(xp, x, fake(b)), cuarray, fake(a))
    assert ref_err is not None, "NumPy accepted the call"
    assert err is not None, f"cuarray accepted it; NumPy raised {ref_err!r}"
    public = [c for c in type(ref_err).__mro__ if not c.__name__.startswith("_")]
    assert isinstance(err, public[0]), (ref_err, err)
    if isinstance(ref_err, (ValueError, IndexError)) and "dispatcher" not in str(ref_err):
        assert str(err).replace("cuarray", "numpy") == str(ref_err), (ref_err, err)


def test_broadcast_shapes():
    for shapes in [((2, 1), (3,)), ((), (4, 1), 3), ((0,), (3, 1)), ((5,),)]:
        assert cuarray.broadcast_shapes(*shapes) == np.broadcast_shapes(*shapes)
    with pytest.raises(ValueError, match="shape mismatch"):
        cuarray.broadcast_shapes((2,), (3,))


# -- layout rules --------------------------------------------------------------------------
class _Meta:
    def __init__(self, a):
        self._shape, self._strides = a.shape, a.strides


def _random_layout(rng, shape, dtype=np.float32):
    nd = len(shape)
    perm = rng.permutation(nd)
    big = np.zeros(tuple(shape[p] * (1 + (rng.random() < 0.3)) for p in perm), dtype)
    v = big[tuple(slice(None, shape[p]) for p in perm)].transpose(np.argsort(perm))
    if nd and rng.random() < 0.3:
        ax = int(rng.integers(nd))
        v = np.flip(v, ax)
    if nd and rng.random() < 0.2:
        ax = int(rng.integers(nd))
        v = np.broadcast_to(np.take(v, [0], axis=ax), v.shape)
    return v


def test_concatenate_layout_matches_numpy():
    rng = np.random.default_rng(0)
    for _ in range(600):
        nd = int(rng.integers(1, 5))
        shape = [int(s) for s in rng.integers(1, 4, nd)]
        axis = int(rng.integers(nd))
        stacked = rng.random() < 0.3      # stack's inputs: a unit axis at ``axis``
        arrays = []
        for _ in range(int(rng.integers(1, 4))):
            s = list(shape)
            if not stacked:
                s[axis] = int(rng.integers(1, 4))
            a = _random_layout(rng, s)
            arrays.append(np.expand_dims(a, axis) if stacked else a)
        ref = np.concatenate(arrays, axis=axis)
        got = joining.multi_sorted_strides([_Meta(a) for a in arrays], ref.shape, 4)
        assert ref.size == 0 or ref.strides == got or \
            np.lib.stride_tricks.as_strided(ref, strides=got).flags.c_contiguous == \
            ref.flags.c_contiguous and _same_order(ref.strides, got, ref.shape), \
            ([a.strides for a in arrays], ref.strides, got)


def _same_order(a, b, shape):
    keep = [i for i, n in enumerate(shape) if n > 1]
    return [a[i] for i in keep] == [b[i] for i in keep]


def test_delete_advanced_layout_matches_numpy():
    rng = np.random.default_rng(1)
    for _ in range(300):
        nd = int(rng.integers(1, 4))
        shape = [int(s) for s in rng.integers(2, 5, nd)]
        a = _random_layout(rng, shape, np.float64)
        axis = int(rng.integers(nd))
        ref = np.delete(a, [0, 1], axis=axis)
        if not ref.size:
            continue
        strides = tiling.advanced_strides(ref.shape, ref.dtype.itemsize, a.strides, axis)
        assert _same_order(ref.strides, strides, ref.shape), (a.strides, axis, ref.strides)


def test_pad_argument_pairs_match_numpy():
    from numpy.lib import _arraypad_impl as ref
    for x in [1, (1, 2), ((1, 2),), ((1, 2), (3, 4)), [[1], [2]], np.array([[0, 1], [2, 3]]),
              None, 2.6, [1.4, 2.6]]:
        for as_index in (False, True):
            if x is None and as_index:
                continue
            want = ref._as_pairs(x, 2, as_index=as_index)
            got = padding._as_pairs(x, 2, as_index=as_index)
            assert np.array_equal(np.asarray(got, dtype=float), np.asarray(want, dtype=float),
                                  equal_nan=True)


def test_repeat_counts_match_numpy():
    for reps in [2, 2.5, "3", np.float64(1.5), [1, 2, 0], np.array([True, False, True]),
                 (np.int8(2),)]:
        got = tiling._repeat_counts(reps, 3)
        want = np.repeat(np.arange(3), reps)
        assert np.array_equal(np.repeat(np.arange(3), got), want), reps


# -- kernel sources ------------------------------------------------------------------------
REMAP_CASES = [
    (4, 4, ("id",), True, "int"),
    (4, 4, ("edge", "reflect"), True, "int"),
    (8, 8, ("symmetric", "wrap", "const"), False, "long long"),
    (1, 1, ("const", "const"), True, "int"),
    (2, 2, ("roll", "id", "table"), False, "int"),
    (16, 8, ("reflect", "const"), True, "long long"),
    (16, 16, ("table",), True, "int"),
    (8, 4, ("wrap",), True, "int"),
]


@pytest.mark.parametrize("case", REMAP_CASES, ids=str)
def test_remap_sources_compile_for_sm90(case):
    compiler.compile_to_cubin(_remap.remap_source(*case), arch="sm_90")


@pytest.mark.parametrize("count", [1, 2, 16])
@pytest.mark.parametrize("itemsize,word", [(1, 1), (4, 4), (16, 8)])
def test_small_concat_sources_compile_for_sm90(count, itemsize, word):
    src = joining.small_concat_source(itemsize, word, count, "int")
    compiler.compile_to_cubin(src, arch="sm_90")


# -- the kernels run on the host -------------------------------------------------------------
_SHIM = r"""
#define __global__
#define __device__
#define __forceinline__ inline
struct cuarray_dim3_ { unsigned x, y, z; };
static const cuarray_dim3_ blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0};
static const cuarray_dim3_ blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
"""


class _Runner:
    """Builds a kernel source with the host compiler; calls it with packed arguments."""

    def __init__(self, cxx, workdir):
        self.cxx, self.dir, self.libs = cxx, workdir, {}

    def function(self, src, name):
        key = hashlib.sha256(src.encode()).hexdigest()[:20]
        if key not in self.libs:
            params = src[src.index(name + "(") + len(name) + 1:src.index(")\n{")]
            types = [p.rsplit(None, 1)[0] for p in params.split(", ")]
            call = ", ".join(f"*({t}*)a[{i}]" for i, t in enumerate(types))
            sizes = "".join(f"s[{i}] = sizeof({t}); " for i, t in enumerate(types))
            wrap = (f'\nextern "C" void run(void** a) {{ {name}({call}); }}\n'
                    f'extern "C" void sizes(long long* s) {{ {sizes}}}\n')
            cpp, so = self.dir / f"{key}.cpp", self.dir / f"{key}.so"
            cpp.write_text(_SHIM + src + wrap)
            subprocess.run([self.cxx, "-O1", "-std=c++17", "-shared", "-fPIC",
                            f"-I{compiler._INCLUDE_DIR}", str(cpp), "-o", str(so)],
                           check=True, capture_output=True, text=True)
            lib = ctypes.CDLL(str(so))
            n = len(types)
            buf = (ctypes.c_longlong * n)()
            lib.sizes(buf)
            self.libs[key] = (lib, tuple(buf))
        lib, sizes = self.libs[key]

        def call(grid, block, args):
            from cuarray.cuda.function import _pack_args
            packed = _pack_args(args, sizes)
            bufs = [ctypes.create_string_buffer(b, len(b)) for b in packed]
            lib.run((ctypes.c_void_p * len(bufs))(*[ctypes.addressof(b) for b in bufs]))
        return call


@pytest.fixture(scope="module")
def host_kernels(tmp_path_factory, monkeypatch_module):
    cxx = shutil.which("g++") or shutil.which("clang++")
    if cxx is None:
        pytest.skip("no host C++ compiler to run the kernels with")
    runner = _Runner(cxx, tmp_path_factory.mktemp("manipulation_kernels"))
    monkeypatch_module.setattr(_remap, "_kernel", lambda *k: runner.function(
        _remap.remap_source(*k), _remap.kernel_name(*k)))
    monkeypatch_module.setattr(joining, "_small_kernel", lambda *k: runner.function(
        joining.small_concat_source(*k), joining._small_name(*k)))
    return runner


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def _pad_maps(host, widths, kind, values=None):
    maps = []
    for axis, (lo, hi) in enumerate(widths):
        n = host.shape[axis]
        if not (lo or hi):
            maps.append(_remap.IDENTITY)
        elif kind == "const":
            v = [np.asarray(x, host.dtype)[()] for x in values[axis]]
            maps.append(_remap.AxisMap("const", lo, n, lo=v[0], hi=v[1]))
        else:
            maps.append(_remap.AxisMap(kind, lo, n))
    return maps


def _run_remap(out, src, maps):
    _remap.remap(fake(out), fake(src), maps)
    return out


@pytest.mark.parametrize("mode", ["edge", "reflect", "symmetric", "wrap", "constant"])
@pytest.mark.parametrize("dtype", ["uint8", "int16", "float32", "float64", "complex128"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_host_pad_modes(host_kernels, mode, dtype, order):
    rng = np.random.default_rng(3)
    for shape in [(1,), (4,), (3, 1), (3, 5), (2, 3, 4)]:
        src = np.asarray(rng.integers(0, 100, shape), dtype)
        if rng.random() < 0.5:
            src = np.flip(src, 0)
        for _ in range(6):
            widths = [tuple(int(w) for w in rng.integers(0, 9, 2)) for _ in shape]
            kw = {}
            values = None
            if mode == "constant":
                values = [tuple(int(v) for v in rng.integers(1, 50, 2)) for _ in shape]
                kw["constant_values"] = values
            ref = np.pad(src, widths, mode=mode, **kw)
            out = np.zeros(ref.shape, dtype, order=order)
            kind = "const" if mode == "constant" else mode
            _run_remap(out, src, _pad_maps(src, widths, kind, values))
            np.testing.assert_array_equal(out, ref, err_msg=str((shape, widths)))


@pytest.mark.parametrize("itemsize", [1, 2, 4, 8, 16])
def test_host_roll_table_wrap(host_kernels, itemsize):
    dt = {1: np.int8, 2: np.float16, 4: np.int32, 8: np.float64, 16: np.complex128}[itemsize]
    src = np.arange(60).astype(dt).reshape(3, 4, 5)[:, ::-1]
    out = np.zeros((3, 4, 5), dt)
    _run_remap(out, src, [_remap.AxisMap("roll", 2, 3), _remap.IDENTITY,
                          _remap.AxisMap("roll", 4, 5)])
    np.testing.assert_array_equal(out, np.roll(src, (2, 4), axis=(0, 2)))
    table = np.array([3, 0, 0, 2, 1, 3])
    out = np.zeros((3, 6, 5), dt)
    tmap = _remap.AxisMap("table", n=4, table=fake(table.astype(np.int64)))
    _run_remap(out, src, [_remap.IDENTITY, tmap, _remap.IDENTITY])
    np.testing.assert_array_equal(out, src[:, table])
    out = np.zeros(17, dt)
    flat = np.ascontiguousarray(src).ravel()[:7]
    _run_remap(out, flat, [_remap.AxisMap("wrap", 0, 7)])
    np.testing.assert_array_equal(out, np.resize(flat, 17))


def test_host_remap_into_strided_output(host_kernels):
    src = np.arange(12, dtype=np.float32).reshape(3, 4)
    big = np.zeros((5, 16), np.float32)
    out = big[::-1, 1::2][:5, :7]
    widths = [(1, 1), (2, 1)]
    _run_remap(out, src, _pad_maps(src, widths, "reflect"))
    np.testing.assert_array_equal(out, np.pad(src, widths, mode="reflect"))
    assert (big[:, ::2] == 0).all()


def test_remap_plan_merges_untouched_axes():
    axes, dense = _remap.plan((2, 3, 4), (48, 16, 4), (48, 16, 4),
                              [_remap.IDENTITY, _remap.IDENTITY, _remap.IDENTITY], 4)
    assert dense and [a[0] for a in axes] == [24]
    axes, dense = _remap.plan((2, 3, 4), (4, 8, 24), (4, 8, 24),
                              [_remap.AxisMap("edge", 1, 1), _remap.IDENTITY,
                               _remap.IDENTITY], 4)
    assert dense and [a[3].kind for a in axes] == ["id", "edge"]
    assert _remap.word_size(16, [0, 8, 32]) == 8 and _remap.word_size(4, [2]) == 2


@pytest.mark.parametrize("count", [2, 5, 16, 17, 33])
@pytest.mark.parametrize("dtype", ["int8", "float32", "complex128"])
def test_host_small_concatenate(host_kernels, count, dtype):
    rng = np.random.default_rng(count)
    parts = [np.asarray(rng.integers(0, 100, (3, int(rng.integers(0, 4)))), dtype)
             for _ in range(count)]
    ref = np.concatenate(parts, axis=1)
    out = np.zeros(ref.shape, dtype)
    blocks = [fake(p) for p in parts]
    joining._copy_small(fake(out), blocks)
    np.testing.assert_array_equal(out, ref)


def test_compile_cases_cover_every_axis_kind():
    assert {k for case in REMAP_CASES for k in case[2]} == set(_remap.KINDS)
