"""Array creation without a GPU: layout rules, NumPy's range arithmetic, dtype/shape/layout
decisions and the generated kernels (compiled by NVRTC for sm_90).

The GPU tests (test_creation.py) compare values; these pin down the host-side logic
so that it is checked in CI too.  ``fake_device`` stands device memory in with host
buffers and records kernel launches instead of running them.
"""

import ctypes

import numpy as np
import pytest

import cuarray
from cuarray._routines import creation, ranges

# -- NumPy's layout rules ----------------------------------------------------------------------


def _random_view(rng, shape):
    """A view of ``shape`` with permuted axes, reversed and step-2 strides."""
    nd = len(shape)
    perm = rng.permutation(nd)
    base = np.zeros([shape[p] * 2 for p in perm])
    steps = tuple(slice(None, None, int(rng.choice([1, -1, 2, -2]))) for _ in range(nd))
    view = base[steps][tuple(slice(0, shape[p]) for p in perm)]
    return view.transpose(np.argsort(perm))


def _axis_order(strides, shape):
    return [i for i in sorted(range(len(shape)), key=lambda i: -strides[i]) if shape[i] != 1]


def test_iter_strides_match_numpy_ufunc_outputs():
    rng = np.random.default_rng(0)
    checked = 0
    for _ in range(1500):
        nd = int(rng.integers(1, 5))
        shape = tuple(int(s) for s in rng.integers(1, 4, nd))
        ops = []
        for _ in range(int(rng.integers(1, 4))):
            sub = [1 if rng.random() < 0.3 else s for s in shape[int(rng.integers(0, nd)):]]
            ops.append(_random_view(rng, tuple(sub)))
        if len(ops) == 1:
            ref = np.negative(ops[0])
        elif len(ops) == 2:
            ref = np.add(*ops)
        else:
            ref = np.where(ops[0] > 0, ops[1], ops[2])
        if ref.shape != shape:
            continue
        got = creation.iter_strides(shape, [(o.shape, o.strides) for o in ops], 8)
        assert _axis_order(got, shape) == _axis_order(ref.strides, shape), (shape, ops)
        checked += 1
    assert checked > 500


def test_keep_order_strides_match_numpy_empty_like():
    rng = np.random.default_rng(1)
    for _ in range(1000):
        nd = int(rng.integers(1, 5))
        shape = tuple(int(s) for s in rng.integers(1, 4, nd))
        a = _random_view(rng, shape)
        if rng.random() < 0.3:
            a = np.broadcast_to(a[..., :1], shape)
        if a.flags.c_contiguous or a.flags.f_contiguous:
            continue
        ref = np.empty_like(a, order="K")
        assert creation.keep_order_strides(a.strides, shape, 8) == ref.strides


# -- NumPy's arithmetic for arange and linspace: the kernels' formulas, evaluated on the host ---
def _emulate_arange(start, stop, step, dtype):
    """What the arange kernel computes from arange_scalars, with NumPy on the host."""
    dt = ranges._arange_dtype(start, stop, step) if dtype is None else np.dtype(dtype)
    n = ranges.arange_length(start, stop, step, dt.kind == "c")
    if not n:
        return np.empty(0, dt)
    (first, second, delta), compute = ranges.arange_scalars(start, step, n, dt)
    c = compute[0]
    i = np.arange(n)
    if c == np.uint64:
        v = first + i.astype(np.uint64) * delta
        v = v != 0 if dt.kind == "b" else v.astype(dt)
    elif c.kind == "c":
        r = first.real.dtype
        v = (first.real + i.astype(r) * delta.real).astype(c)
        v.imag = first.imag + i.astype(r) * delta.imag
    else:
        v = (first + i.astype(c) * delta).astype(c)
    v = v.astype(dt)
    v[0] = np.array(first).astype(dt)
    if n > 1:
        v[1] = np.array(second).astype(dt)
    return v


ARANGE_CASES = [(0, 10, 1, None), (0.1, 1.0, 0.1, None), (-3, 3, 0.7, np.float16),
                (10, 0, -3, np.uint8), (0, 300, 1, np.int8), (0.1, 1, 0.1, np.int32),
                (1 + 1j, 5 + 3j, 0.5 + 0.25j, None), (0, 4, 1, complex), (0, 2, 1, bool),
                (np.float32(0), 1, np.float32(0.1), None), (5, 1, -0.3, np.float32),
                (2**62, 2**62 + 100, 7, np.uint64), (-5, 5, 1, np.uint64), (0, 1e-310, 1, None),
                (np.int8(-100), np.int8(100), np.int8(50), None)]


def _random_arange_cases(n):
    rng = np.random.default_rng(2)
    cases = []
    for _ in range(n):
        dt = rng.choice(["float64", "float32", "float16", "int8", "int64", "uint16", None,
                         "complex128", "complex64"])
        s, st = float(rng.uniform(-50, 50)), float(rng.uniform(-3, 3)) or 1.0
        stop = s + st * int(rng.integers(0, 200)) + float(rng.uniform(-1, 1))
        if dt and dt.startswith(("int", "uint")):
            s, stop, st = int(s), int(stop), int(st) or 1
        cases.append((s, stop, st, dt))
    return cases


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_arange_formula_is_numpys_bit_for_bit():
    checked = 0
    for start, stop, step, dtype in ARANGE_CASES + _random_arange_cases(1500):
        try:
            expected = np.arange(start, stop, step, dtype=dtype)
        except (ValueError, TypeError, OverflowError):
            continue
        got = _emulate_arange(start, stop, step, dtype)
        assert got.dtype == expected.dtype and got.shape == expected.shape
        np.testing.assert_array_equal(got, expected, strict=True)
        checked += 1
    assert checked > 1000


def _emulate_linspace(start, stop, num, endpoint, dtype):
    """What the linspace kernel computes from the host-side scalars, with NumPy."""
    bounds = ranges._Bounds(start, stop)
    dt = ranges._inexact(*bounds.standins())
    odt = dt if dtype is None else np.dtype(dtype)
    div = num - 1 if endpoint else num
    first, last, delta, step, zero = ranges._scalar_prep(bounds, dt, div)
    k = np.arange(num).astype(dt)
    y = ((k / dt.type(max(div, 1))) * delta + first) if zero else (k * step + first)
    y = y.astype(dt)
    if endpoint and num > 1:
        y[-1] = last
    if odt.kind in "iu":
        y = np.floor(y)
    return y.astype(odt), step if div > 0 else float("nan")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
def test_linspace_formula_is_numpys_bit_for_bit():
    rng = np.random.default_rng(3)
    cases = [(0, 1, 5, True, None), (0, 1, 1, True, None), (0, 1, 0, True, None),
             (-1, 1, 5, True, int), (np.float16(0), 1, 11, True, None),
             (0, 1e-320, 5, True, None), (1, 1, 4, True, None), (0j, 1 + 1j, 5, True, None),
             (np.float32(1.5), np.float32(-7), 13, True, None), (0, 10, 7, True, np.int8)]
    convert = {"py": float, "f32": np.float32, "f16": np.float16,
               "c": lambda x: complex(x, x / 3)}
    for _ in range(1500):
        conv = convert[rng.choice(list(convert))]
        cases.append((conv(float(rng.uniform(-100, 100))), conv(float(rng.uniform(-100, 100))),
                      int(rng.integers(0, 60)), bool(rng.integers(0, 2)),
                      rng.choice([None, "float32", "int32", "uint8", "float16", "complex64"])))
    for start, stop, num, endpoint, dtype in cases:
        try:
            expected, expected_step = np.linspace(start, stop, num, endpoint=endpoint,
                                                  dtype=dtype, retstep=True)
        except TypeError:
            continue
        got, step = _emulate_linspace(start, stop, num, endpoint, dtype)
        np.testing.assert_array_equal(got, expected, strict=True)
        assert type(step) is type(expected_step)
        assert step == expected_step or np.isnan(step) and np.isnan(expected_step)


# -- host logic on a fake device ---------------------------------------------------------------
class _HostMemory:
    """Host bytes standing in for a device allocation (MemoryPointer's interface)."""

    def __init__(self, nbytes, buf=None, ptr=None):
        self.buf = np.zeros(nbytes + 64, np.uint8) if buf is None else buf
        self.ptr = (self.buf.ctypes.data + 63) // 64 * 64 if ptr is None else ptr
        self.device_id = 0

    def __add__(self, offset):
        return _HostMemory(0, self.buf, self.ptr + offset)


@pytest.fixture
def fake_device(monkeypatch):
    """Allocations and copies on host memory; kernel launches recorded, not run."""
    from cuarray._core import ndarray as nd
    from cuarray._engine import elementwise
    from cuarray.cuda import _copy, _device, _stream
    launches = []
    monkeypatch.setattr(nd, "_alloc", _HostMemory)
    monkeypatch.setattr(_copy, "htod", lambda d, h, n: ctypes.memmove(d, h, n))
    monkeypatch.setattr(_copy, "dtoh", lambda h, d, n: ctypes.memmove(h, d, n))
    monkeypatch.setattr(_copy, "dtod", lambda d, s, n: ctypes.memmove(d, s, n))
    monkeypatch.setattr(_copy, "memset8", lambda d, v, n: ctypes.memset(d, v, n))
    monkeypatch.setattr(_stream, "current_stream_ptr", lambda: 0)
    monkeypatch.setattr(_device, "get_device_id", lambda: 0)
    monkeypatch.setattr(elementwise, "launch", lambda *args, **kw: launches.append(args))
    return launches


def _meta(r):
    if isinstance(r, (list, tuple)):
        return type(r).__name__, [_meta(x) for x in r]
    if isinstance(r, (np.ndarray, cuarray.ndarray)):
        return r.shape, r.dtype, bool(r.flags.c_contiguous), bool(r.flags.f_contiguous)
    if isinstance(r, np.generic):
        return "scalar", r.dtype
    return type(r).__name__


def _on(xp, host):
    return host if xp is np else cuarray.asarray(host)


_F = np.asfortranarray(np.ones((3, 4)))
_T3 = np.ones((2, 3, 4)).transpose(1, 0, 2)

# Calls whose result layout, dtype, shape, container type or error NumPy decides in a
# way worth pinning: K-order allocation, the iterator's output order, moved sample
# axes, broadcasting, promotion, and the error classes.
LAYOUT_CALLS = {
    "linspace F start": lambda xp: xp.linspace(_on(xp, _F), 2, 5),
    "linspace F start axis 1": lambda xp: xp.linspace(_on(xp, _F), 2, 5, axis=1),
    "linspace F start axis -1": lambda xp: xp.linspace(_on(xp, _F), 2, 5, axis=-1),
    "linspace mixed layouts": lambda xp: xp.linspace(_on(xp, _F), _on(xp, np.ones((3, 4))), 5,
                                                     axis=1),
    "linspace broadcast": lambda xp: xp.linspace(_on(xp, np.ones((3, 1))),
                                                 _on(xp, np.ones((1, 4))), 5, axis=2),
    "linspace lists": lambda xp: xp.linspace([0, 1], [[2], [3]], 4),
    "linspace retstep arrays": lambda xp: xp.linspace([0, 1], 3, 4, retstep=True),
    "linspace retstep num 1": lambda xp: xp.linspace([0, 1], 3, 1, retstep=True),
    "linspace int dtype arrays": lambda xp: xp.linspace([0, 1], 3, 4, dtype=np.int16, axis=-1),
    "linspace float16 arrays": lambda xp: xp.linspace(_on(xp, np.ones(3, np.float16)), 3, 4),
    "linspace float16 to int": lambda xp: xp.linspace(np.float16(0), np.float16(9), 4, dtype=int),
    "linspace axis out of range": lambda xp: xp.linspace(0, 1, 3, axis=1),
    "linspace complex to int": lambda xp: xp.linspace(0, 1j, 3, dtype=int),
    "logspace array base": lambda xp: xp.logspace([0, 1], [2, 3], 4, axis=-1, base=[2., 3.]),
    "logspace wide base": lambda xp: xp.logspace(0, 1, 4, axis=-1, base=[[2.], [3.]]),
    "logspace wide base 2": lambda xp: xp.logspace([0, 1], [2, 3], 4, base=[[2.], [3.], [4.]]),
    "logspace int dtype": lambda xp: xp.logspace(0, 2, 5, dtype=np.int32),
    "logspace float16 to float32": lambda xp: xp.logspace(np.float16(0), np.float16(1), 3,
                                                          dtype=np.float32),
    "logspace complex base": lambda xp: xp.logspace(0, 2, 5, base=1j),
    "geomspace F": lambda xp: xp.geomspace(_on(xp, _F), 2, 5, axis=-1),
    "geomspace lists": lambda xp: xp.geomspace([1, 2], [[3], [4]], 5),
    "geomspace int": lambda xp: xp.geomspace(1, 256, 9, dtype=int),
    "geomspace float16": lambda xp: xp.geomspace(_on(xp, np.ones(2, np.float16)), 4, 3,
                                                 dtype=np.float16),
    "geomspace float32 scalars": lambda xp: xp.geomspace(np.float32(1), np.float32(256), 9),
    "geomspace zero": lambda xp: xp.geomspace([1, 0], 3, 4),
    "zeros_like permuted": lambda xp: xp.zeros_like(_on(xp, np.ones((2, 3, 4))).transpose(1, 0, 2)
                                                    if xp is cuarray else _T3),
    "zeros_like permuted A": lambda xp: xp.zeros_like(_on(xp, _T3.copy()).transpose(1, 0, 2)
                                                      if xp is cuarray else _T3.copy()
                                                      .transpose(1, 0, 2), order="A"),
    "empty_like F new shape": lambda xp: xp.empty_like(_on(xp, _F), shape=(2, 5)),
    "empty_like F new ndim": lambda xp: xp.empty_like(_on(xp, _F), shape=(2, 5, 3)),
    "empty_like F new ndim A": lambda xp: xp.empty_like(_on(xp, _F), shape=(2, 5, 3), order="A"),
    "ones_like broadcast": lambda xp: xp.ones_like(xp.broadcast_to(_on(xp, np.ones(4)), (3, 4))),
    "full bad broadcast": lambda xp: xp.full((2, 3), [1, 2]),
    "array permuted host": lambda xp: xp.array(_T3),
    "array A casting": lambda xp: xp.array(_T3, order="A", dtype=np.int16),
    "array ndmin F": lambda xp: xp.array(_F, ndmin=4),
    "array nested device": lambda xp: xp.array([_on(xp, np.ones(3)), _on(xp, np.zeros(3, "i1"))]),
    "ascontiguousarray 0-d": lambda xp: xp.ascontiguousarray(3.0),
    "copy transposed": lambda xp: xp.copy(_on(xp, np.ones((2, 3))).T),
    "eye F": lambda xp: xp.eye(3, 4, 1, order="F"),
    "tri float N": lambda xp: xp.tri(2.0, 3),
    "tril F": lambda xp: xp.tril(_on(xp, _F)),
    "tril permuted": lambda xp: xp.tril(_on(xp, np.ones((2, 3, 4))).transpose(1, 0, 2)
                                        if xp is cuarray else _T3),
    "triu 1-d": lambda xp: xp.triu([1, 2, 3], 1),
    "diag 2-d": lambda xp: xp.diag(_on(xp, np.ones((3, 4))), -2),
    "diagflat 0-d": lambda xp: xp.diagflat(5),
    "vander wide": lambda xp: xp.vander([1.5, 2], 70, increasing=True),
    "meshgrid": lambda xp: xp.meshgrid([1, 2, 3], [4, 5]),
    "meshgrid views": lambda xp: xp.meshgrid([1, 2, 3], [4, 5], copy=False),
    "meshgrid sparse views": lambda xp: xp.meshgrid([1, 2, 3], [4, 5], copy=False, sparse=True),
    "meshgrid none": lambda xp: xp.meshgrid(copy=False),
    "indices sparse": lambda xp: xp.indices((2, 3), sparse=True),
    "indices bool": lambda xp: xp.indices((2, 3), dtype=bool),
    "mgrid complex step": lambda xp: xp.mgrid[0:1:5j, 0:3],
    "mgrid float32": lambda xp: xp.mgrid[np.float32(0):1:0.25, 0:2],
    "mgrid negative size": lambda xp: xp.mgrid[5:0, 0:2],
    "ogrid": lambda xp: xp.ogrid[0:5, 0:1:3j],
    "arange uint64 bounds": lambda xp: xp.arange(2**63, 2**63 + 3),
    "arange float32 scalar": lambda xp: xp.arange(np.float32(5)),
    "arange complex": lambda xp: xp.arange(0, 1 + 1j, 0.2),
    "arange bool": lambda xp: xp.arange(5, dtype=bool),
    "arange tuple": lambda xp: xp.arange((3,)),
    "arange zero step": lambda xp: xp.arange(0, 10, 0.0),
    "arange nan": lambda xp: xp.arange(0, np.nan),
}


def _outcome(call, xp):
    try:
        return _meta(call(xp))
    except Exception as e:  # noqa: BLE001 - the class is compared
        return "error", next(c for c in type(e).__mro__ if not c.__name__.startswith("_"))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", list(LAYOUT_CALLS))
def test_layout_dtype_shape_and_errors_match_numpy(fake_device, name):
    call = LAYOUT_CALLS[name]
    assert _outcome(call, cuarray) == _outcome(call, np)


_ASTYPE_SOURCES = {"C": np.ones((3, 4)), "F": _F, "negative stride": np.ones((3, 4))[::-1],
                   "0-d": np.ones(()), "empty": np.ones((3, 0))}


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
@pytest.mark.parametrize("layout", list(_ASTYPE_SOURCES))
@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128", "int8", "bool"])
@pytest.mark.parametrize("copy", [True, False, None])
def test_astype_function_returns_the_input_where_numpy_does(fake_device, layout, dtype, copy):
    # numpy.astype(x, dtype, copy=False) returns x itself for the same dtype, whatever the
    # layout, and a new array otherwise (the same for copy=None).
    outcomes = []
    for xp in (np, cuarray):
        src = _on(xp, _ASTYPE_SOURCES[layout].astype(dtype))
        same = xp.astype(src, src.dtype, copy=copy)
        cast = xp.astype(src, "complex64", copy=copy)
        outcomes.append((same is src, cast is src, _meta(same), _meta(cast)))
    assert outcomes[1] == outcomes[0]


# -- every generated kernel compiles -----------------------------------------------------------
KERNEL_DTYPES = ["bool", "int8", "uint64", "float16", "float32", "float64", "complex64",
                 "complex128"]


def _exercise(dt):
    d = np.dtype(dt)
    cuarray.arange(2 if d.kind == "b" else 5, dtype=d)
    cuarray.eye(3, 4, 1, dtype=d)
    cuarray.tri(3, dtype=d)
    x = cuarray.zeros((2, 3, 4), dtype=d)
    cuarray.tril(x), cuarray.triu(x)
    cuarray.vander(cuarray.zeros(3, d)), cuarray.vander(cuarray.zeros(3, d), 70)
    if d.kind != "b":
        cuarray.indices((2, 3), dtype=d)
        cuarray.linspace(d.type(0), d.type(5), 7, dtype=d)
        cuarray.linspace(cuarray.zeros(3, d), 1, 5)
    if d.kind in "fc":
        cuarray.linspace(d.type(0), d.type(1), 5, dtype=np.int32 if d.kind == "f" else None)
        cuarray.linspace(cuarray.zeros(3, d), 1, 5, dtype=np.int8 if d.kind == "f" else None)
        cuarray.geomspace(cuarray.ones(3, d), 2, 5, dtype=d)
        cuarray.geomspace(d.type(1), d.type(2), 5, dtype=d)
        cuarray.logspace(cuarray.ones(3, d), 2, 5, dtype=d)
        cuarray.logspace(0, 2, 5, base=cuarray.ones(2, d))
        cuarray.mgrid[d.type(0):d.type(1):d.type(0.25), 0:2]
        for it in (np.uint8, np.uint32, np.uint64, np.int16):   # float results cast to ints
            cuarray.geomspace(d.type(-1), d.type(-5), 3, dtype=it)
            cuarray.logspace(d.type(0), d.type(2), 3, dtype=it)
            if d.kind == "f":
                cuarray.linspace(d.type(-1), d.type(5), 3, dtype=it)


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")    # complex into ints
def test_generated_kernels_compile_for_sm90(fake_device):
    from cuarray._engine import source
    from cuarray.cuda import compiler
    for dt in KERNEL_DTYPES:
        _exercise(dt)
    seen = set()
    for op, inputs, in_storage, in_compute, outs, out_compute in fake_device:
        kinds = tuple("a" if isinstance(x, cuarray.ndarray) else "s" for x in inputs)
        for x, kind, c in zip(inputs, kinds, in_compute):
            # scalars must come as NumPy scalars of exactly the compute dtype (their bytes
            # are the kernel parameter)
            assert kind == "a" or (isinstance(x, np.generic) and x.dtype == c), (op.name, x, c)
        out_storage = tuple(o.dtype for o in outs)
        key = (op, tuple(in_storage), tuple(in_compute), out_storage, tuple(out_compute), kinds)
        if key in seen:
            continue
        seen.add(key)
        # One layout suffices: every layout wraps the same body in its own block.
        name = source.kernel_name(op.name, tuple(in_storage) + out_storage, "flat")
        text = source.elementwise_source(name, op.body, op.preamble, in_storage, in_compute,
                                         out_storage, out_compute,
                                         source.Layout(kinds, "flat", "int"))
        compiler.compile_to_cubin(text, arch="sm_90")
    assert len(seen) > 60
