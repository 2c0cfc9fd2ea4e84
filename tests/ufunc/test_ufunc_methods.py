"""ufunc.outer, ufunc.at and the reductions declared in the ufunc tables.

CPU tests (no mark): every scatter kernel variant compiles for sm_90; the elements
``at`` selects agree with NumPy's indexing on host arrays (shapes, the placement of
advanced-index dimensions, negative indices, errors); ``at`` runs end to end against
NumPy on an emulated device (host memory, the kernels' index arithmetic in Python), and
a set of generated kernels runs compiled by the host C++ compiler; the dtypes ``at``
resolves agree with NumPy's ``ufunc.at``; the reduction and atomic declarations
validate.  GPU tests (marked ``gpu``) compare outer and at with NumPy.

Repeated indices run concurrently in ``at``, in no particular order, so the GPU tests
draw values for which every order gives NumPy's result exactly: integers, and floats
holding small integers (sums and products of those are exact in every order), or a
scalar ``b`` for order-dependent operations.
"""

import warnings

import numpy
import pytest

import cuarray
from cuarray import testing
from cuarray._core import ndarray as nd
from cuarray._engine import scatter
from cuarray._engine.source import Layout, elementwise_source
from cuarray._ufunc import methods, namespace
from cuarray._ufunc.gufunc import gufunc
from cuarray._ufunc.spec import Reduction, UfuncSpec, numpy_loops, validate
from cuarray._ufunc.ufunc import ufunc
from cuarray.cuda.compiler import compile_to_cubin

gpu = pytest.mark.gpu
ARCH = "sm_90"
# Each ufunc once, under its own name.
UFUNCS = {u.__name__: u for u in vars(namespace).values()
          if isinstance(u, ufunc) and not isinstance(u, gufunc)}
SINGLE_OUTPUT = sorted(n for n, u in UFUNCS.items() if u.nout == 1)
REDUCIBLE = ["add", "multiply", "maximum", "minimum", "fmax", "fmin", "logical_and",
             "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "gcd",
             "lcm"]
D = numpy.dtype
REPEATED = [0, 3, 3, 1, 0, 3, 7, -1, -1, 2]       # index 3 three times, 0 and -1 twice


def unique_loops(name):
    seen = {}
    for ins, outs in numpy_loops(name):
        seen.setdefault(ins + outs, (ins, outs))
    return list(seen.values())


# -- kernel sources (CPU) -------------------------------------------------------------------------

def scatter_kernel(name, a, ins, out, layout, b_storage=None):
    spec = UFUNCS[name]._spec
    kname = scatter.kernel_name(name, a, ins, out, b_storage, layout)
    return kname, scatter.scatter_source(kname, spec.body_for(ins[0]), spec.preamble, a, ins,
                                         out, b_storage, layout)


def every_scatter_kernel():
    """Every loop of every single-output ufunc once (compare-and-swap, an index table, ``b`` an
    array), every native atomic on every dtype it serves, and each layout and mode once."""
    kernels = []
    for name in SINGLE_OUTPUT:
        binary = UFUNCS[name].nin == 2
        for ins, outs in unique_loops(name):
            layout = scatter.ScatterLayout("a" if binary else "", "i", True, "int", "cas")
            kernels.append(scatter_kernel(name, ins[0], ins, outs[0], layout,
                                          ins[1] if binary else None))
    by_op = {"add": "add", "sub": "subtract", "max": "maximum", "min": "minimum",
             "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor"}
    for op, dtypes in scatter.NATIVE.items():
        for dt in map(D, dtypes):
            layout = scatter.ScatterLayout("s", "i", True, "int", op)
            kernels.append(scatter_kernel(by_op[op], dt, (dt, dt), dt, layout))
    c16, f16, i8, f8 = D("complex128"), D("float16"), D("int8"), D("float64")
    variants = [   # (ufunc, a, loop inputs, loop output, b storage, layout)
        ("multiply", c16, (c16, c16), c16, c16, ("a", "is", True, "int", "serial")),
        ("power", c16, (c16, c16), c16, None, ("s", "sis", True, "long long", "serial")),
        ("add", f16, (f16, f16), f16, None, ("s", "", True, "int", "plain")),
        ("add", i8, (f8, f8), f8, D("uint16"), ("a", "ss", False, "long long", "plain")),
        ("negative", f16, (f16,), f16, None, ("", "sis", True, "long long", "cas")),
        ("less", D("int32"), (D("int64"), D("int64")), D("bool"), D("int8"),
         ("a", "si", True, "int", "cas")),
    ]
    for name, a, ins, out, b, args in variants:
        layout = scatter.ScatterLayout(*args)
        kernels.append(scatter_kernel(name, a, ins, out, layout, b))
    return kernels


def offset_kernels():
    """The index-table kernels for 1-3 device index arrays of assorted integer dtypes."""
    kernels = []
    cases = [(("int64",), "flat"), (("int32", "uint8"), "nd2"),
             (("int16", "uint64", "int8"), "nd3"), (("uint32",), "vec2")]
    for dts, variant in cases:
        k = len(dts)
        op = scatter.offset_op(k)
        storage = tuple(map(D, dts)) + (D("int64"),) * (2 * k) + (D("uint64"),)
        kinds = ("a",) * k + ("s",) * (2 * k + 1)
        name = f"cuarray_at_offsets_{'_'.join(dts)}_{variant}"
        kernels.append((name, elementwise_source(name, op.body, op.preamble, storage, storage,
                                                 (D("int64"),), (D("int64"),),
                                                 Layout(kinds, variant, "int", False))))
    return kernels


@pytest.fixture
def no_disk_cache(monkeypatch):
    monkeypatch.setenv("CUARRAY_DISABLE_DISK_CACHE", "1")


def test_every_scatter_kernel_compiles_for_sm90(no_disk_cache):
    # One NVRTC program: headers have include guards and are parsed once.
    kernels = every_scatter_kernel() + offset_kernels()
    names = [k for k, _ in kernels]
    assert len(set(names)) == len(names)
    cubin, _ = compile_to_cubin("\n".join(src for _, src in kernels), arch=ARCH)
    assert cubin[:4] == b"\x7fELF"
    for name in names:
        assert name.encode() in cubin, f"kernel {name} missing from the cubin"


def test_scatter_source_modes():
    f4, c16 = D("float32"), D("complex128")
    _, src = scatter_kernel("add", f4, (f4, f4), f4, scatter.ScatterLayout("s", "i", True,
                                                                             "int", "add"))
    assert "cuarray::atomic::add(_p, _b)" in src and "_apply" not in src
    _, src = scatter_kernel("add", c16, (c16, c16), c16,
                            scatter.ScatterLayout("a", "i", True, "int", "add"), c16)
    assert "add(&_p->re, _b.re)" in src and "add(&_p->im, _b.im)" in src
    _, src = scatter_kernel("multiply", c16, (c16, c16), c16,
                            scatter.ScatterLayout("a", "i", True, "int", "serial"), c16)
    assert "__syncthreads()" in src and "atomic::" not in src.split("__global__")[1]
    with pytest.raises(ValueError, match="mode"):
        scatter.ScatterLayout("a", "i", True, "int", "fetch_add")


@pytest.mark.parametrize("atomic, a, loop_in, loop_out, repeats, sm, aligned, mode", [
    ("add", "int32", ("int32", "int32"), "int32", True, 90, True, "add"),
    ("add", "int8", ("int8", "int8"), "int8", True, 90, True, "cas"),          # no sub-word add
    ("add", "float16", ("float16", "float16"), "float16", True, 90, True, "cas"),
    ("add", "int8", ("int16", "int16"), "int16", True, 90, True, "cas"),       # a cast back
    ("add", "float32", ("float32", "float32"), "float32", False, 90, True, "plain"),
    ("or", "bool", ("bool", "bool"), "bool", True, 90, True, "or"),
    ("and", "int16", ("int16", "int16"), "int16", True, 90, True, "and"),
    ("max", "uint64", ("uint64", "uint64"), "uint64", True, 90, True, "max"),
    ("max", "float64", ("float64", "float64"), "float64", True, 90, True, "cas"),
    (None, "complex128", ("complex128", "complex128"), "complex128", True, 90, True, "cas"),
    (None, "complex128", ("complex128", "complex128"), "complex128", True, 80, True, "serial"),
    (None, "complex128", ("complex128", "complex128"), "complex128", True, 90, False, "serial"),
    ("add", "complex128", ("complex128", "complex128"), "complex128", True, 80, True, "add"),
])
def test_pick_mode(atomic, a, loop_in, loop_out, repeats, sm, aligned, mode):
    got = scatter.pick_mode(atomic, D(a), tuple(map(D, loop_in)), D(loop_out), repeats, sm,
                            aligned)
    assert got == mode


def test_collapse_dims():
    assert scatter.collapse_dims([("s", 3, 40, 0), ("s", 5, 8, 0), ("i", 1, 1, 8)]) == [
        ("s", 15, 8, 0)]
    assert scatter.collapse_dims([("i", 2, 3, 24), ("i", 3, 1, 8), ("s", 4, 8, 0)]) == [
        ("i", 6, 1, 8), ("s", 4, 8, 0)]
    assert scatter.collapse_dims([("s", 2, 8, 0), ("i", 3, 1, 0)]) == [
        ("s", 2, 8, 0), ("i", 3, 1, 0)]


# -- which elements at() selects: NumPy's indexing, on the host (CPU) ----------------------------

def fake_array(shape, order="C"):
    """A cuarray array header without memory (``_select`` reads only shape and strides)."""
    strides = numpy.empty(shape, numpy.int64, order=order).strides
    a = nd._new(nd.ndarray)
    nd._init(a, tuple(shape), tuple(strides), D("int64"), None, 0, None)
    return a


def selected_elements(shape, key, order="C"):
    """The C-order numbers of the elements ``methods._select`` picks, in its result shape."""
    a = fake_array(shape, order)
    sel = methods._select(a, key)
    offsets = numpy.full(sel.shape, sel.base, numpy.int64)
    if sel.arrays:
        table = sel.host_table
        index_axes = [d for d, (k, *_) in enumerate(sel.dims) if k == "i"]
        expand = [slice(None) if d in index_axes else None for d in range(len(sel.dims))]
        offsets = offsets + table[tuple(expand)]
    for d, (kind, n, stride) in enumerate(sel.dims):
        if kind == "s":
            shape_d = [1] * len(sel.dims)
            shape_d[d] = n
            offsets = offsets + (numpy.arange(n) * stride).reshape(shape_d)
    ids = numpy.arange(numpy.prod(shape)).reshape(shape)
    by_address = numpy.asarray(ids, order=order).ravel(order="K")    # memory order
    return by_address[offsets // 8]


SHAPE = (4, 5, 6)
KEYS = [
    0, -1, slice(None), slice(1, None, 2), slice(None, None, -1), Ellipsis, (), (1, 2, 3),
    (-1, slice(None, None, -2)), [0, 0, 3], [-1, -4, 2, 2], numpy.array([[1, 1], [3, 0]]),
    ([0, 0, 3], [1, 1, 4]), ([0, 0], slice(None), [5, 5]), (slice(None), [1, 1], [2, 2]),
    (slice(None), [1, 1], 2), (1, slice(None), [2, 2, 0]), (Ellipsis, [5, 5, 0]),
    ([[0], [3]], [1, 1, 2]), (slice(None), None, [1, 1]), ([0, 1], None, [1, 2]),
    (None, [2, 2], slice(1, 3), 0), (numpy.array([True, False, True, True]), 2),
    (slice(None), numpy.array([True, False, True, False, True])),
    numpy.arange(20).reshape(4, 5) % 3 == 0,
    numpy.array([1, 2], numpy.uint8), numpy.array([2**64 - 1], numpy.uint64),
    ([], slice(None)), (numpy.zeros((0, 3), numpy.int64),), (numpy.array(2), [1, 1]),
    (slice(None), numpy.array(3), slice(2, 0, -1), ),
]


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("key", KEYS, ids=[f"key{i}" for i in range(len(KEYS))])
def test_selection_matches_numpy_indexing(key, order):
    expected = numpy.arange(numpy.prod(SHAPE)).reshape(SHAPE)[key]
    got = selected_elements(SHAPE, key, order)
    assert got.shape == expected.shape
    numpy.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("shape, key", [
    ((5,), 5), ((5,), -6), ((5,), [0, 5]), ((5,), [-6]), ((3, 4), (0, 0, 0)),
    ((3, 4), (Ellipsis, Ellipsis)), ((3, 4), ([0, 1], [0, 1, 2])),
    ((3, 4, 2), ([[0, 1]], [[0], [1]], 5)),
    ((3, 4, 2), ([0, 3], 0, 7)), ((3, 4, 2), ([0, 9], [0, 1], [0, 9])), ((), 0),
    ((3,), numpy.array([1.0])), ((3,), 1.5), ((3,), "a"),
])
def test_selection_errors_match_numpy(shape, key):
    host = numpy.zeros(shape)
    with pytest.raises(IndexError) as ref:
        host[key]
    with pytest.raises(IndexError) as got:
        methods._select(fake_array(shape), key)
    assert str(got.value) == str(ref.value)


@pytest.mark.parametrize("key", [True, (numpy.bool_(False),), None])
def test_selection_of_bool_scalars_is_not_implemented(key):
    if key is None:         # None alone is supported: a new axis of length 1
        assert methods._select(fake_array((3,)), key).shape == (1, 3)
        return
    with pytest.raises(NotImplementedError, match="bool"):
        methods._select(fake_array((3,)), key)


@pytest.mark.parametrize("bshape, shape, ok", [
    ((), (3,), True), ((3,), (3,), True), ((1,), (3,), True), ((2, 1), (2, 3), True),
    ((1,), (), False), ((1, 3), (3,), False), ((2,), (3,), False), ((3, 2), (2, 3), False),
])
def test_b_broadcasts_to_the_selection(bshape, shape, ok):
    # NumPy's at: b broadcasts *to* the selection (np.add.at(a, 2, [1]) is an error).
    a = numpy.zeros((4,) + shape)
    call = lambda: numpy.add.at(a, 0, numpy.ones(bshape))     # noqa: E731
    if ok:
        call()
        methods._check_b_shape(bshape, shape)
    else:
        with pytest.raises(ValueError, match="not broadcastable") as ref:
            call()
        with pytest.raises(ValueError) as got:
            methods._check_b_shape(bshape, shape)
        assert str(got.value) == str(ref.value)


# -- at() end to end on an emulated device (CPU) ---------------------------------------------------

class Memory:
    """Host bytes standing in for device memory: arrays are headers whose ``_ptr`` is the
    host address of their element 0 in ``data`` (64-byte aligned at ``base``)."""

    def __init__(self, nbytes=1 << 16):
        raw = numpy.zeros(nbytes + 64, numpy.uint8)
        skip = -raw.ctypes.data % 64
        self.data = raw[skip:skip + nbytes]
        self.base = self.data.ctypes.data
        self.top = 0

    def put(self, host):
        """A header for a copy of host array ``host`` (its strides kept, 16-byte aligned)."""
        host = numpy.asarray(host)
        low = sum((n - 1) * st for n, st in zip(host.shape, host.strides) if st < 0)
        span = sum((n - 1) * abs(st) for n, st in zip(host.shape, host.strides)) + host.itemsize
        start = self.top - low          # element 0 sits above the elements before it
        self.top += (span + 15) // 16 * 16 + 16
        a = nd._new(nd.ndarray)
        nd._init(a, host.shape, host.strides, host.dtype, None, self.base + start, None)
        if host.size:
            self.view(a)[...] = host
        return a

    def view(self, a):
        """A writeable NumPy view of header ``a``'s elements."""
        off = a._ptr - self.base
        first = self.data[off:off + a.dtype.itemsize].view(a.dtype)
        return numpy.lib.stride_tricks.as_strided(first, a._shape, a._strides)


def emulated_launch(memory, name, body, preamble, a_dtype, loop_in, loop_out, mode, base_ptr,
                    dims, table, b):
    """scatter.launch in Python: the kernel's index arithmetic, one element at a time, and the
    ufunc's loop computed by NumPy on the loop dtypes, cast back into ``a`` unsafely."""
    n = 1
    for d in dims:
        n *= d[1]
    if n == 0:
        return
    dims = scatter.collapse_dims(dims)
    if mode == "serial":
        dims = [d for d in dims if d[0] == "i"] + [d for d in dims if d[0] != "i"]
    uf = getattr(numpy, name)
    tab = memory.view(table) if table is not None else None
    data = memory.data
    for i in range(n):
        r, o_a, o_p, o_b = i, 0, 0, 0
        for d in range(len(dims) - 1, -1, -1):
            kind, ext, sa, sb = dims[d]
            c = r % ext if d else r
            r //= ext if d else 1
            if kind == "i":
                o_p += c * sa
            else:
                o_a += c * sa
            o_b += c * sb
        addr = base_ptr + o_a + (int(tab.reshape(-1)[o_p]) if tab is not None else 0)
        off = addr - memory.base
        x = data[off:off + a_dtype.itemsize].view(a_dtype)[0]
        args = [numpy.asarray(x).astype(loop_in[0])]
        if b is not None:
            if hasattr(b, "_ptr"):
                boff = b._ptr - memory.base + o_b
                bv = data[boff:boff + b.dtype.itemsize].view(b.dtype)[0]
            else:
                bv = b
            args.append(numpy.asarray(bv).astype(loop_in[1]))
        with numpy.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = numpy.asarray(uf(*args, dtype=loop_out)).astype(a_dtype)
        data[off:off + a_dtype.itemsize] = numpy.frombuffer(y.tobytes(), numpy.uint8)


def emulated_table(memory, arrays, extents, strides, shape):
    """scatter.device_table in Python: the offsets and the smallest (array, position) key of
    an out-of-bounds index, as the kernel's atomicMin keeps it."""
    table = numpy.zeros(shape, numpy.int64)
    bad = None
    for k, (x, n, stride) in enumerate(zip(arrays, extents, strides)):
        values = numpy.broadcast_to(memory.view(x).astype(numpy.int64), shape).ravel()
        for pos, v in enumerate(values):
            i = v + n if v < 0 else v
            if 0 <= i < n:
                table.reshape(-1)[pos] += i * stride
            elif bad is None or (k, pos) < bad:
                bad = (k, pos)
    return memory.put(table), bad


@pytest.fixture(params=[90, 80], ids=["sm90", "sm80"])
def device(monkeypatch, request):
    """An emulated device; on "sm80" complex128 scatters take the serial walk."""
    memory = Memory()
    monkeypatch.setattr(nd, "_from_host", memory.put)
    monkeypatch.setattr(nd.ndarray, "get", lambda self, *args, **kw: memory.view(self).copy())
    monkeypatch.setattr(scatter, "launch", lambda *args: emulated_launch(memory, *args))
    monkeypatch.setattr(scatter, "device_table", lambda *args: emulated_table(memory, *args))
    monkeypatch.setattr(scatter, "device_sm", lambda: request.param)
    return memory


AT_CASES = [   # (ufunc, a shape, a dtype, key, b: shape or scalar, b dtype)
    ("add", (10,), "int32", REPEATED, (10,), "int32"),
    ("add", (10,), "int8", REPEATED, 100, None),
    ("add", (10,), "int64", REPEATED, 1.5, None),
    ("subtract", (10,), "float16", REPEATED, (10,), "float32"),
    ("multiply", (10,), "complex64", REPEATED, (1,), "complex128"),
    ("maximum", (10,), "uint8", [[0, 0], [9, 9]], (2, 1), "int8"),
    ("negative", (10,), "int16", REPEATED, None, None),
    ("logical_and", (10,), "int32", [1, 1, 2], (3,), "bool"),
    ("less", (10,), "float32", [1, 1, 2], 3.0, None),
    ("add", (4, 5, 6), "int32", (0, slice(None), [1, 1, 3]), (3, 5), "int32"),
    ("add", (4, 5, 6), "int32", (slice(None), 0, [1, 1, 3]), (4, 3), "int16"),
    ("add", (4, 5, 6), "float64", ([0, 0, 2], slice(None), [1, 1, 3]), (5,), "float64"),
    ("add", (4, 5, 6), "int64", ([[0], [3]], [4, 4, 0]), (2, 3, 6), "int64"),
    ("add", (4, 5, 6), "int64", ([1, 1], slice(1, 4), [-1, -1]), (2, 3), "uint8"),
    ("bitwise_xor", (4, 5, 6), "uint16", (Ellipsis, [5, 5, 0]), (4, 5, 1), "uint16"),
    ("add", (4, 5, 6), "int32", (slice(None, None, -1), [2, 2]), (), "int32"),
    ("add", (4, 5, 6), "int32", (slice(None), None, [2, 2]), (4, 1, 2, 6), "int32"),
    ("add", (4, 5, 6), "int32", (numpy.array([True, False, False, True]),), (2, 5, 6), "int32"),
    ("add", (4, 5, 6), "int32", (2, 3), (6,), "int32"),
    ("power", (4, 5, 6), "complex128", ([3, 3, 0], 1), 2, None),
    ("add", (4, 5, 6), "int32", ([], slice(None)), (5, 6), "int32"),
    ("add", (), "float32", (), (), "float32"),
]


@pytest.mark.parametrize("strided", [False, True])
@pytest.mark.parametrize("name, shape, dtype, key, b, b_dtype", AT_CASES)
def test_at_on_an_emulated_device(device, name, shape, dtype, key, b, b_dtype, strided):
    """The NumPy-facing logic of at (selection, b's broadcasting and strides, dtypes, the
    index table) and the kernels' index arithmetic, checked against NumPy on the host."""
    rng = numpy.random.default_rng(0)
    big = rng.integers(-5, 6, tuple(2 * n for n in shape)).astype(dtype)
    if strided:         # every axis reversed, every other element
        a_host = numpy.asarray(big[tuple(slice(None, None, -2) for _ in shape)])
    else:
        a_host = numpy.ascontiguousarray(big[tuple(slice(0, n) for n in shape)])
    a = device.put(a_host)
    if isinstance(b, tuple):
        b_host = rng.integers(0, 4, b).astype(b_dtype)
        if strided and b_host.ndim:     # the same values, last axis at a negative stride
            b_host = b_host[..., ::-1].copy()[..., ::-1]
        b_dev, b_ref = device.put(b_host), b_host
    else:
        b_dev = b_ref = b
    expected = a_host.copy()
    args = () if b is None else (b_ref,)
    with numpy.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(numpy, name).at(expected, key, *args)
    getattr(cuarray, name).at(a, key, *(() if b is None else (b_dev,)))
    numpy.testing.assert_array_equal(device.view(a), expected)


@pytest.mark.parametrize("key", [
    [3, 3, -1, 0], ([0, 0, 2], slice(None), [1, 1, -3]), (1, [[0], [4]], [5, 5, 1]),
    ([0, 7], 1), ([0, -9], 1), (slice(None), [0, 1], [[2], [6]]), ([1, 1], [0, 5], [0, 6]),
])
@pytest.mark.parametrize("index_dtype", ["int64", "int8", "uint16", "uint64"])
def test_at_with_device_indices_on_an_emulated_device(device, key, index_dtype):
    host = numpy.arange(120, dtype=numpy.int32).reshape(4, 5, 6)
    a = device.put(host)
    key = key if isinstance(key, tuple) else (key,)
    if index_dtype[0] == "u" and any(isinstance(k, list) and min(numpy.ravel(k)) < 0
                                     for k in key):
        pytest.skip("negative indices in an unsigned array")
    dev_key = tuple(device.put(numpy.asarray(k, index_dtype)) if isinstance(k, list) else k
                    for k in key)
    try:
        numpy.add.at(host, key, 1)
    except IndexError as ref:
        with pytest.raises(IndexError) as got:
            cuarray.add.at(a, dev_key, 1)
        assert str(got.value) == str(ref)
        return
    cuarray.add.at(a, dev_key, 1)
    numpy.testing.assert_array_equal(device.view(a), host)


# -- the generated kernels, compiled for and run on the host (CPU) ------------------------------

# The CUDA names a scatter kernel uses, for a host compiler: one thread (blockDim = gridDim = 1)
# runs the whole grid-stride loop, and the atomics are plain read-modify-writes.  What this
# checks is the generated C++: index arithmetic, casts, loop bodies, the compare-and-swap
# loops' bit handling for 1-, 2-, 4- and 8-byte types, the sub-word bitwise masks, and the
# native operations' arguments.  (Atomicity, sm_90's 128-bit CAS and float32 CAS adds need a
# GPU; on the host the 16-byte CAS traps and float32 add is the CAS loop.)
HOST_PRELUDE = r"""
#include <math.h>
#include <cstring>
#include <cstdlib>
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __popc __builtin_popcount
#define __popcll __builtin_popcountll
static struct { unsigned x, y, z; } threadIdx = {0, 0, 0}, blockIdx = {0, 0, 0},
    blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
inline void __syncthreads() {}
inline void __trap() { abort(); }
template <class T> T atomicAdd(T* p, T v) { T o = *p; *p = o + v; return o; }
template <class T> T atomicMax(T* p, T v) { T o = *p; if (v > o) *p = v; return o; }
template <class T> T atomicMin(T* p, T v) { T o = *p; if (v < o) *p = v; return o; }
template <class T> T atomicAnd(T* p, T v) { T o = *p; *p = o & v; return o; }
template <class T> T atomicOr(T* p, T v) { T o = *p; *p = o | v; return o; }
template <class T> T atomicXor(T* p, T v) { T o = *p; *p = o ^ v; return o; }
template <class T> T atomicCAS(T* p, T c, T v) { T o = *p; if (o == c) *p = v; return o; }
"""
# cuda_fp16.h needs the CUDA runtime's host headers; conversions are all the kernels use.
HOST_HALF = r"""
#pragma once
struct __half { _Float16 v; };
inline float __half2float(__half h) { return (float)h.v; }
inline __half __float2half(float f) { __half h; h.v = (_Float16)f; return h; }
inline __half __double2half(double d) { __half h; h.v = (_Float16)d; return h; }
"""

HOST_CASES = [   # (ufunc, a shape, a dtype, key, b: shape, scalar or None, b dtype, sm)
    ("add", (10,), "int32", REPEATED, (10,), "int32", 90),              # native
    ("add", (10,), "uint64", REPEATED, 7, None, 90),
    ("add", (10,), "float64", REPEATED, (10,), "float64", 90),
    ("add", (10,), "float32", REPEATED, (10,), "float32", 90),          # CAS (host)
    ("add", (10,), "complex64", REPEATED, (10,), "complex64", 90),       # native, per part
    ("add", (10,), "complex128", REPEATED, (1,), "complex128", 90),
    ("subtract", (10,), "int64", REPEATED, (10,), "int64", 90),
    ("subtract", (10,), "complex64", REPEATED, (10,), "complex64", 90),
    ("maximum", (10,), "int32", REPEATED, (10,), "int32", 90),
    ("minimum", (10,), "uint32", REPEATED, (10,), "uint32", 90),
    ("bitwise_and", (10,), "int8", REPEATED, (10,), "int8", 90),        # sub-word words
    ("bitwise_or", (10,), "uint16", REPEATED, (10,), "uint16", 90),
    ("bitwise_xor", (10,), "int64", REPEATED, (10,), "int64", 90),
    ("add", (10,), "bool", REPEATED, (10,), "bool", 90),
    ("logical_and", (10,), "bool", REPEATED, (10,), "bool", 90),
    ("add", (10,), "int8", REPEATED, (10,), "int8", 90),                # CAS, 1 byte
    ("add", (10,), "uint16", REPEATED, (10,), "uint16", 90),            # CAS, 2 bytes
    ("add", (10,), "float16", REPEATED, (10,), "float16", 90),
    ("multiply", (10,), "float16", REPEATED, 3.0, None, 90),
    ("maximum", (10,), "float32", REPEATED, (10,), "float32", 90),
    ("multiply", (10,), "complex64", REPEATED, (10,), "complex64", 90),
    ("multiply", (10,), "complex128", REPEATED, (10,), "complex128", 80),   # serial
    ("power", (10,), "int16", REPEATED, 2, None, 90),
    ("remainder", (10,), "int32", REPEATED, 3, None, 90),
    ("negative", (10,), "int8", REPEATED, None, None, 90),
    ("invert", (10,), "bool", REPEATED, None, None, 90),
    ("sqrt", (10,), "float16", REPEATED, None, None, 90),
    ("add", (10,), "int8", REPEATED, 1000, None, 90),                   # int64 loop, wraps
    ("add", (10,), "int64", REPEATED, 1.5, None, 90),                   # float64 loop
    ("multiply", (10,), "uint8", REPEATED, (10,), "float16", 90),
    ("less", (10,), "int16", REPEATED, 1.5, None, 90),                  # bool result
    ("add", (10,), "bool", REPEATED, 2, None, 90),
    ("add", (4, 5, 6), "int32", (0, slice(None), [1, 1, 3]), (3, 5), "int32", 90),
    ("add", (4, 5, 6), "int16", (slice(None), 0, [1, 1, 3]), (4, 3), "int16", 90),
    ("add", (4, 5, 6), "float64", ([[0], [3]], [4, 4, 0]), (1, 6), "float64", 90),
    ("add", (4, 5, 6), "int32", ([1, 1], slice(1, 4), [-1, -1]), (2, 3), "uint8", 90),
    ("add", (4, 5, 6), "int32", (slice(None, None, -1), 2), (6,), "int32", 90),     # plain
    ("add", (4, 5, 6), "float32", (Ellipsis, [5, 5, 0]), (4, 5, 1), "float32", 90),
    ("add", (4, 5, 6), "complex128", ([0, 0], slice(None), 1), (5,), "complex128", 80),
]


def run_host_case(memory, case):
    """Run ``case``'s at() on ``memory``; return (result view, NumPy's result)."""
    name, shape, dtype, key, b, b_dtype, _ = case
    rng = numpy.random.default_rng(0)
    big = rng.integers(0 if dtype[0] in "ub" else -5, 6, tuple(2 * n for n in shape))
    if D(dtype).kind == "c":
        big = big + 1j * rng.integers(-3, 4, big.shape)
    big = big.astype(dtype)
    a_host = numpy.asarray(big[tuple(slice(None, None, -2) for _ in shape)])   # strided
    a = memory.put(a_host)
    if isinstance(b, tuple):
        vals = rng.integers(0 if b_dtype[0] in "ub" else -3, 4, b)
        if D(b_dtype).kind == "c":
            vals = vals + 1j * rng.integers(-2, 3, b)
        b_ref = vals.astype(b_dtype)
        b_dev = memory.put(b_ref)
    else:
        b_ref = b_dev = b
    expected = a_host.copy()
    with numpy.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(numpy, name).at(expected, key, *(() if b is None else (b_ref,)))
    getattr(cuarray, name).at(a, key, *(() if b is None else (b_dev,)))
    return memory.view(a), expected


def host_param_types(source, kname):
    head = source.split(f"void {kname}(")[1].split(")\n{")[0]
    return [" ".join(p.replace("__restrict__", "").split()[:-1]) for p in head.split(", ")]


class HostKernel:
    """A generated kernel compiled for the host, called the way a launch passes arguments."""

    def __init__(self, lib, kname, types):
        self.fn, self.types = getattr(lib, f"host_{kname}"), types

    def __call__(self, grid, block, args):
        import ctypes
        keep = []
        for t, v in zip(self.types, args):
            if t.endswith("*"):
                keep.append(numpy.array([v], numpy.uint64))
            elif isinstance(v, numpy.generic):
                keep.append(numpy.array([v]))
            else:
                keep.append(numpy.array([v], numpy.int64 if "long long" in t else numpy.int32))
        ptrs = (ctypes.c_void_p * len(keep))(*[k.ctypes.data for k in keep])
        self.fn(ptrs)


@pytest.fixture(scope="module")
def host_kernels(tmp_path_factory):
    """Every kernel HOST_CASES launch, compiled by the host C++ compiler into one library."""
    import ctypes
    import shutil
    import subprocess
    from cuarray.cuda import compiler
    cxx = shutil.which("c++") or shutil.which("g++") or shutil.which("clang++")
    if cxx is None:
        pytest.skip("no host C++ compiler to run the generated kernels with")
    sources = {}

    def record(name, body, preamble, a_dtype, loop_in, loop_out, b_storage, layout):
        kname = scatter.kernel_name(name, a_dtype, loop_in, loop_out, b_storage, layout)
        sources[kname] = scatter.scatter_source(kname, body, preamble, a_dtype, loop_in,
                                                loop_out, b_storage, layout)
        return lambda *args: None
    for case in HOST_CASES:
        with pytest.MonkeyPatch.context() as mp:
            memory = Memory()
            patch_memory(mp, memory, case[-1])
            mp.setattr(scatter, "get_kernel", record)
            run_host_case(memory, case)
    d = tmp_path_factory.mktemp("scatter_host")
    (d / "cuda_fp16.h").write_text(HOST_HALF)
    parts = [HOST_PRELUDE]
    types = {}
    for kname, src in sources.items():
        types[kname] = host_param_types(src, kname)
        call = ", ".join(f"*({t}*)a[{i}]" for i, t in enumerate(types[kname]))
        parts.append(src + f'extern "C" void host_{kname}(void** a) {{ {kname}({call}); }}\n')
    (d / "kernels.cpp").write_text("\n".join(parts))
    r = subprocess.run([cxx, "-O1", "-std=c++17", "-shared", "-fPIC", f"-I{d}",
                        f"-I{compiler._INCLUDE_DIR}", str(d / "kernels.cpp"), "-o",
                        str(d / "kernels.so")], capture_output=True, text=True, timeout=600)
    if r.returncode and "_Float16" in r.stderr:
        pytest.skip("the host C++ compiler has no _Float16")
    assert r.returncode == 0, r.stderr[-4000:]
    lib = ctypes.CDLL(str(d / "kernels.so"))
    return {k: HostKernel(lib, k, t) for k, t in types.items()}


def patch_memory(mp, memory, sm):
    mp.setattr(nd, "_from_host", memory.put)
    mp.setattr(nd.ndarray, "get", lambda self, *args, **kw: memory.view(self).copy())
    mp.setattr(scatter, "device_table", lambda *args: emulated_table(memory, *args))
    mp.setattr(scatter, "device_sm", lambda: sm)


@pytest.mark.parametrize("case", HOST_CASES, ids=[
    f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(HOST_CASES)])
def test_at_kernels_on_the_host(host_kernels, case, monkeypatch):
    memory = Memory()
    patch_memory(monkeypatch, memory, case[-1])
    monkeypatch.setattr(scatter, "get_kernel", lambda *args: host_kernels[
        scatter.kernel_name(args[0], *args[3:])])
    got, expected = run_host_case(memory, case)
    numpy.testing.assert_array_equal(got, expected)


# -- dtypes and argument checks (CPU) ------------------------------------------------------------

@pytest.mark.parametrize("name, a, b", [
    ("add", "int8", "float32"), ("add", "int64", "float64"), ("add", "int8", "int64"),
    ("add", "int32", "complex128"), ("floor_divide", "int8", "int16"), ("less", "int32", "int64"),
    ("add", "bool", "bool"), ("multiply", "uint64", "int64"), ("sqrt", "int32", None),
    ("negative", "float16", None), ("logical_and", "int8", "float32"), ("ldexp", "float32", "int8"),
])
def test_at_resolves_numpys_loop(name, a, b):
    a, b = D(a), None if b is None else D(b)
    loop_in, loop_out, body, _ = methods._resolve_at(UFUNCS[name], a, b)
    # NumPy's ufunc_at resolves with a as the output operand and casting="unsafe".
    ref = getattr(numpy, name).resolve_dtypes((a,) + ((b,) if b else ()) + (a,),
                                              casting="unsafe")
    assert loop_in + (loop_out,) == tuple(ref)
    assert body == UFUNCS[name]._spec.body_for(loop_in[0])


def test_at_python_scalars_are_not_weak():
    # NumPy converts b with asarray: int8 a with 300 runs the int64 loop (NEP 50 weak
    # scalars would overflow).
    b, dt = methods._at_operand(300)
    assert dt == D("int64") and b == 300
    assert methods._at_operand(2**64 - 1)[1] == D("uint64")
    assert methods._at_operand(1.5)[1] == D("float64")
    assert methods._at_operand(True)[1] == D("bool")
    with pytest.raises(OverflowError):
        methods._at_operand(2**70)
    with pytest.raises(TypeError, match="numpy.ndarray"):
        methods._at_operand(numpy.ones(3))


@pytest.mark.parametrize("name, b, message", [
    ("divmod", 1, "Only single output ufuncs supported at this time"),
    ("modf", None, "Only single output ufuncs supported at this time"),
    ("add", None, "second operand needed for ufunc"),
    ("negative", 1, "second operand provided when ufunc is unary"),
])
def test_at_argument_errors(name, b, message):
    a = numpy.zeros(3)
    args = (a, [0]) if b is None else (a, [0], b)
    with pytest.raises(ValueError) as ref:
        getattr(numpy, name).at(*args)
    assert str(ref.value) == message
    fake = fake_array((3,))
    with pytest.raises(ValueError, match=message):
        getattr(cuarray, name).at(fake, [0], *(() if b is None else (b,)))


def test_at_rejects_host_arrays_and_gufuncs():
    with pytest.raises(TypeError, match="first operand must be array"):
        cuarray.add.at([1, 2], [0], 1)
    with pytest.raises(TypeError, match="numpy.ndarray"):
        cuarray.add.at(numpy.zeros(3), [0], 1)
    with pytest.raises(TypeError, match="non-trivial signature"):
        cuarray.matmul.at(fake_array((3,)), [0], 1)


def test_outer_of_a_unary_ufunc_raises():
    with pytest.raises(ValueError, match="outer product only supported for binary functions"):
        cuarray.negative.outer(1, 2)
    with pytest.raises(TypeError, match="numpy.ndarray"):
        cuarray.add.outer(numpy.ones(2), 1)


# -- declared reductions and atomics (CPU) -------------------------------------------------------

@pytest.mark.parametrize("name", REDUCIBLE)
def test_reductions_are_declared(name):
    uf = UFUNCS[name]
    red = uf._spec.reduce
    assert red is not None
    ident = getattr(numpy, name).identity
    assert red.identity == ident and type(red.identity) is type(ident)
    assert uf.identity == getattr(numpy, name).identity
    for _, outs in numpy_loops(name):
        assert red.combine_for(outs[0]) is not None
    assert red.reorderable == (name != "lcm")


def test_only_reorderable_combiners_are_declared():
    declared = sorted(n for n, u in UFUNCS.items() if u._spec.reduce is not None)
    assert declared == sorted(REDUCIBLE)


@pytest.mark.parametrize("spec, message", [
    (UfuncSpec("add", 2, 1, "out0 = in0", reduce=Reduction("a + b", identity=0.0)), "identity"),
    (UfuncSpec("add", 2, 1, "out0 = in0", reduce=Reduction({"f": "a + b"}, identity=0)),
     "no combine"),
    (UfuncSpec("add", 2, 1, "out0 = in0", reduce=Reduction({"x": "a"}, identity=0)), "bad"),
    (UfuncSpec("lcm", 2, 1, "out0 = in0", reduce=Reduction("a")), "reorderable"),
    (UfuncSpec("subtract", 2, 1, "out0 = in0", reduce=Reduction("a - b", reorderable=False)),
     None),
    (UfuncSpec("negative", 1, 1, "out0 = in0", reduce=Reduction("a")), "binary"),
    (UfuncSpec("add", 2, 1, "out0 = in0", atomic="mul"), "atomic"),
    (UfuncSpec("add", 2, 1, "out0 = in0", atomic={"q": "add"}), "bad atomic key"),
])
def test_validate_reductions_and_atomics(spec, message):
    if message is None:
        validate(spec)
        return
    with pytest.raises(ValueError, match=message):
        validate(spec)


# -- outer (GPU) ---------------------------------------------------------------------------------

OUTER_SHAPES = [((3,), (4,)), ((2, 3), (4,)), ((), (3,)), ((3,), ()), ((), ()), ((0,), (3,)),
                ((2, 0), (3, 1)), ((2, 3), (2, 2))]


@gpu
@pytest.mark.parametrize("ashape, bshape", OUTER_SHAPES)
@pytest.mark.parametrize("name", ["add", "subtract", "maximum", "less", "power", "arctan2"])
@testing.for_dtypes(["bool", "int8", "uint32", "float16", "float32", "complex128"])
@testing.numpy_compare(accept_error=TypeError, rtol={"float32": 1e-5, "complex128": 1e-12})
def test_outer(xp, name, ashape, bshape, dtype):
    a = testing.random_array(xp, ashape, dtype, seed=1, low=0, high=4)
    b = testing.random_array(xp, bshape, dtype, seed=2, low=0, high=4)
    return getattr(xp, name).outer(a, b)


@gpu
@pytest.mark.parametrize("layout", ["F", "transposed", "negative_stride", "sliced"])
@testing.numpy_compare()
def test_outer_strided(xp, layout):
    a = testing.random_array(xp, (3, 4), "float32", seed=1, layout=layout)
    b = testing.random_array(xp, (2, 5), "float64", seed=2, layout=layout)
    return xp.multiply.outer(a, b)


@gpu
@testing.numpy_compare()
def test_outer_with_scalars_is_not_weak(xp):
    a = testing.random_array(xp, (3,), "int8", seed=1)
    return xp.add.outer(a, 1), xp.add.outer(2.5, a), xp.add.outer(numpy.float32(1), a)


@gpu
@testing.numpy_compare()
def test_outer_keywords(xp):
    a = testing.random_array(xp, (3,), "int32", seed=1)
    b = testing.random_array(xp, (4,), "int32", seed=2)
    out = xp.zeros((3, 4), "float64")
    r = xp.add.outer(a, b, out=out)
    mask = testing.random_array(xp, (3, 4), "bool", seed=3)
    w = xp.zeros((3, 4), "int32")
    xp.subtract.outer(a, b, out=w, where=mask)
    return (r is out, out, xp.add.outer(a, b, dtype="float32"), w,
            xp.add.outer(a, b, casting="unsafe", dtype="int8"), xp.divmod.outer(a, b + 1000))


@gpu
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_outer_errors(xp):
    a = testing.random_array(xp, (3,), "float32", seed=1)
    return xp.add.outer(a, a, out=xp.zeros((3,), "float32"))


# -- at (GPU) ------------------------------------------------------------------------------------

def small(xp, shape, dtype, seed, low=-4, high=5):
    """Random small integers in ``dtype`` (floats and complex hold integers exactly)."""
    dt = D(dtype)
    rng = numpy.random.default_rng(seed)
    if dt.kind == "b":
        values = rng.integers(0, 2, shape).astype(dt)
    elif dt.kind == "u":
        values = rng.integers(0, high, shape).astype(dt)
    else:
        values = rng.integers(low, high, shape).astype(dt)
        if dt.kind == "c":
            values = values + 1j * rng.integers(low, high, shape).astype(dt)
    return xp.asarray(values)


def index(xp, values, device):
    values = numpy.asarray(values)
    return xp.asarray(values) if device else values


def binary_loops(names):
    out = []
    for name in names:
        for ins, outs in unique_loops(name):
            if ins[0] == ins[1] == outs[0]:     # a, b and the result of one dtype
                out.append(pytest.param(name, ins[0].name, id=f"{name}-{ins[0].name}"))
    return out


ORDER_FREE = ["add", "subtract", "multiply", "maximum", "minimum", "fmax", "fmin", "bitwise_and",
              "bitwise_or", "bitwise_xor", "logical_and", "logical_or", "logical_xor", "gcd",
              "lcm", "left_shift"]


@gpu
@pytest.mark.parametrize("device_index", [False, True])
@pytest.mark.parametrize("name, dtype", binary_loops(ORDER_FREE))
@testing.numpy_compare()
def test_at_repeated_indices(xp, name, dtype, device_index):
    a = small(xp, (8,), dtype, seed=1)
    high = 3 if name == "left_shift" else 5
    b = small(xp, (len(REPEATED),), dtype, seed=2, low=-3 if dtype != "bool" else 0, high=high)
    if name == "multiply":      # keeps products of repeats in float16's exact range
        b = small(xp, (len(REPEATED),), dtype, seed=2, low=-2, high=3)
    getattr(xp, name).at(a, index(xp, REPEATED, device_index), b)
    return a


@gpu
@pytest.mark.parametrize("name, dtype", binary_loops(["power", "floor_divide", "remainder",
                                                      "true_divide", "copysign", "heaviside",
                                                      "arctan2", "hypot", "nextafter",
                                                      "right_shift", "fmod", "logaddexp"]))
@testing.numpy_compare(rtol={"float16": 2e-3, "float32": 1e-5, "complex64": 1e-5})
def test_at_order_dependent_ops_with_a_scalar_b(xp, name, dtype):
    a = small(xp, (8,), dtype, seed=1, low=1, high=5)
    b = numpy.asarray(2, dtype)[()]             # a NumPy scalar keeps the dtype on both sides
    with numpy.errstate(all="ignore"):
        getattr(xp, name).at(a, REPEATED, b)
    return a


@gpu
# (Repeated exp or reciprocal would push integers through float-to-int casts out of range,
# which C leaves undefined and CPUs and GPUs answer differently.)
@pytest.mark.parametrize("name", ["negative", "invert", "absolute", "square", "logical_not",
                                  "positive", "sign", "conjugate", "floor", "sqrt"])
@testing.for_all_dtypes()
@testing.numpy_compare(accept_error=TypeError, rtol={"float16": 2e-3, "float32": 1e-5})
def test_at_unary(xp, name, dtype):
    a = small(xp, (8,), dtype, seed=1, low=1 if name == "sqrt" else -2, high=3)
    with numpy.errstate(all="ignore"):
        getattr(xp, name).at(a, [0, 0, 5, 5, 5, 2, -1])
    return a


@gpu
@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "maximum", "minimum", "power",
                                  "bitwise_or"])
@testing.for_all_dtypes()
@testing.numpy_compare(accept_error=TypeError)
def test_at_every_dtype_with_a_scalar(xp, name, dtype):
    a = small(xp, (6,), dtype, seed=1, low=0, high=3)
    getattr(xp, name).at(a, [1, 1, 4], numpy.asarray(2 if dtype != "bool" else True, dtype)[()])
    return a


@gpu
@pytest.mark.parametrize("a_dtype, b", [
    ("int64", 1.5), ("int8", 1000), ("uint8", -1), ("int32", 2 + 3j),
    ("float32", numpy.float64(0.1)), ("float16", 0.1), ("int8", numpy.float16(2.5)),
    ("bool", 2), ("uint64", 2**64 - 1), ("complex64", 1e-3 + 2j), ("float32", True),
])
@testing.numpy_compare()
def test_at_casts_back_unsafely(xp, a_dtype, b):
    a = small(xp, (5,), a_dtype, seed=1, low=0, high=3)
    # NumPy warns (ComplexWarning, overflow) where cuarray does not.
    with numpy.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        xp.add.at(a, [0, 0, 3], b)
        xp.multiply.at(a, [1, 1], b)
    return a


@gpu
@pytest.mark.parametrize("key, bshape", [
    ((0, slice(None), [1, 1, 3]), (3, 5)),           # separated: index dims first
    ((slice(None), 0, [1, 1, 3]), (4, 3)),           # adjacent: in place
    (([0, 0, 2], slice(None), [1, 1, 3]), (5,)),
    (([[0], [3]], [4, 4, 0]), (2, 3, 6)),
    (([[0], [3]], [4, 4, 0]), (1, 6)),
    (([1, 1], slice(1, 4), [-1, -1]), (2, 3)),
    ((Ellipsis, [5, 5, 0]), (4, 5, 1)),
    ((slice(None, None, -1), [2, 2]), ()),
    ((slice(None), None, [2, 2]), (4, 1, 2, 6)),
    ([3, 3, 0, -4], (4, 5, 6)),
    ((numpy.array([True, False, False, True]),), (2, 5, 6)),
    ((2, 3), (6,)),                                  # basic indexing: plain in-place update
    ((slice(1, 3), slice(None), 4), ()),
])
@pytest.mark.parametrize("device_index", [False, True])
@pytest.mark.parametrize("dtype", ["int32", "float64", "int16", "complex64"])
@testing.numpy_compare()
def test_at_tuple_indices(xp, key, bshape, device_index, dtype):
    a = small(xp, (4, 5, 6), dtype, seed=1)
    b = small(xp, bshape, dtype, seed=2)
    if device_index:
        key = tuple(xp.asarray(numpy.asarray(k)) if isinstance(k, list) else k
                    for k in (key if isinstance(key, tuple) else (key,)))
    xp.add.at(a, key, b)
    return a


@gpu
@pytest.mark.parametrize("layout", ["F", "negative_stride", "sliced"])
@pytest.mark.parametrize("dtype", ["int8", "float16", "float32", "uint64", "complex128"])
@testing.numpy_compare()
def test_at_strided_operands(xp, layout, dtype):
    big = small(xp, (12, 14), dtype, seed=1)
    a = {"F": big[:6, :7].T.copy().T, "negative_stride": big[::-2, ::-2],
         "sliced": big[1::2, ::3]}[layout]
    b = small(xp, (a.shape[1], 3), dtype, seed=2).T        # a transposed view
    xp.add.at(a, ([0, 0, -1],), b)
    xp.maximum.at(a, (slice(None), [0, 0]), small(xp, (a.shape[0], 1), dtype, seed=3))
    return a, big


@gpu
@testing.numpy_compare()
def test_at_b_overlapping_a_is_read_before_the_updates(xp):
    a = small(xp, (8,), "int64", seed=1)
    xp.add.at(a, [7, 6, 5, 4, 3, 2, 1, 0], a[::-1])
    b = xp.asarray(numpy.arange(10, 19))
    xp.subtract.at(b[1:], [0, 1, 1, 2], b[:4])
    return a, b


@gpu
@testing.numpy_compare()
def test_at_empty_and_0d(xp):
    a = small(xp, (5,), "float32", seed=1)
    xp.add.at(a, [], 1.0)
    xp.add.at(a, numpy.zeros((0, 3), numpy.int64), small(xp, (3,), "float32", seed=2))
    z = small(xp, (), "int32", seed=3)
    xp.add.at(z, (), 5)
    xp.negative.at(z, Ellipsis)
    e = xp.zeros((3, 0), "int16")
    xp.add.at(e, [0, 0, 2], 1)
    return a, z, e


@gpu
@pytest.mark.parametrize("device_index", [False, True])
@pytest.mark.parametrize("call", [
    lambda xp, a, i: xp.add.at(a, i([0, 8]), 1),
    lambda xp, a, i: xp.add.at(a, i([-9, 0]), 1),
    lambda xp, a, i: xp.add.at(a, (i([0, 1]), i([0, 4])), 1),
    lambda xp, a, i: xp.add.at(a, (i([1, 0]), i([[0], [9]])), 1),
    lambda xp, a, i: xp.add.at(a, (i([0, 0]), i([0, 0, 0])), 1),
    lambda xp, a, i: xp.add.at(a, i([0, 0]), xp.ones((3,), "int64")),
    lambda xp, a, i: xp.add.at(a, i([0, 0]), xp.ones((1, 2), "int64")),
    lambda xp, a, i: xp.divmod.at(a, i([0, 0]), 1),
    lambda xp, a, i: xp.negative.at(a, i([0]), 1),
    lambda xp, a, i: xp.add.at(a, i([0])),
    lambda xp, a, i: xp.bitwise_and.at(a.astype("float32"), i([0]), 1),
    lambda xp, a, i: xp.subtract.at(a.astype("bool"), i([0]), True),
    lambda xp, a, i: xp.add.at(a, (0, 0, 0), 1),
], ids=[f"case{i}" for i in range(13)])
@testing.numpy_compare(accept_error=(IndexError, ValueError, TypeError))
def test_at_errors(xp, call, device_index):
    a = small(xp, (8, 4), "int64", seed=1)
    call(xp, a, lambda v: index(xp, v, device_index))
    return a


@gpu
@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16", "int32", "uint32", "int64",
                                   "float16", "float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("name", ["add", "maximum", "bitwise_or", "multiply"])
@testing.numpy_compare(accept_error=TypeError)
def test_at_under_contention(xp, name, dtype):
    # 10000 updates of 7 elements: every update races; exact for small integer values.
    n = 10000
    rng = numpy.random.default_rng(5)
    idx = rng.integers(0, 7, n)
    a = small(xp, (7,), dtype, seed=1, low=0, high=2)
    if name == "multiply":      # +-1: products stay exact in every dtype
        sign = numpy.where(rng.integers(0, 50, n) == 0, -1, 1)
        b = xp.asarray(sign > 0 if dtype == "bool" else sign.astype(dtype))
    else:                       # 0 or 1: float16 sums stay below 2048
        b = small(xp, (n,), dtype, seed=2, low=0, high=2)
    getattr(xp, name).at(a, xp.asarray(idx), b)
    return a


@gpu
@testing.numpy_compare(rtol=0, atol=0)
def test_at_float_subnormals_are_kept(xp):
    # A plain float atomicAdd flushes subnormal operands to zero; NumPy keeps them.
    tiny32, tiny64 = numpy.float32(1e-44), numpy.float64(1e-310)
    a = xp.zeros(3, "float32")
    xp.add.at(a, [0, 0, 1], tiny32)
    c = xp.zeros(2, "complex64")
    xp.add.at(c, [1, 1], numpy.complex64(complex(tiny32, -tiny32)))
    d = xp.zeros(2, "float64")
    xp.subtract.at(d, [0, 0, 0], tiny64)
    return a, c, d


@gpu
@pytest.mark.parametrize("sm", [None, 80])
@pytest.mark.parametrize("name", ["multiply", "power", "maximum", "add"])
@testing.numpy_compare(rtol=1e-12)
def test_at_complex128_cas_and_serial(xp, name, sm, monkeypatch):
    # sm=80 forces the serial walk used where no 128-bit compare-and-swap exists.
    if sm is not None:
        monkeypatch.setattr(scatter, "device_sm", lambda: sm)
    a = small(xp, (4, 3), "complex128", seed=1, low=-1, high=2)
    if name == "power":         # a scalar exponent: repeated powers commute
        b = numpy.complex128(2)
    else:
        b = small(xp, (6, 3), "complex128", seed=2, low=-1, high=2)
    getattr(xp, name).at(a, [0, 2, 2, 0, 3, 2], b)
    return a


@gpu
def test_at_returns_none_and_numpy_dispatches():
    a = cuarray.zeros(4, "int32")
    assert cuarray.add.at(a, [1, 1], 3) is None
    numpy.add.at(a, [2, 2, 2], 1)                 # NEP 13: NumPy's at on a cuarray array
    numpy.testing.assert_array_equal(a.get(), [0, 6, 3, 0])
