"""CPU tests for the products (dot, einsum, ...) and the matmul cuBLAS route. No GPU needed.

- the cuBLAS planner (row-major operands -> column-major op/ld/stride arguments) run
  through an emulated ``cublasGemmStridedBatchedEx`` that checks cuBLAS's argument rules
  (leading dimensions, sizes, alpha = 1 / beta = 0 behind the host pointers) on NumPy
  arrays of every layout;
- the cuBLAS facade's constants against nvmath-python's enums, and the TF32 switch;
- einsum's parser and ``einsum_path`` against NumPy (paths, reports, error messages);
- multi_dot's chain order against NumPy's;
- every product end to end on a *host device*: arrays live in host memory, the gufunc
  runs its real planning with the emulated cuBLAS (floating dtypes) or an emulated GEMM
  kernel (integers, bool), and the few elementwise ufuncs and reductions the products
  call run in NumPy.  That checks shapes, dtypes, views, strides, copies (counted) and
  result layouts against NumPy without a GPU; the GPU tests in test_products.py check
  the same routines on the device.
"""

import ctypes
import os
import subprocess
import sys
import warnings

import numpy
import pytest

import cuarray
from cuarray._core import ndarray as _nd
from cuarray._core.shape import contiguity
from cuarray._ufunc import gufunc as G
from cuarray.cuda import _cublas
from cuarray.linalg import _einsum_path as P
from cuarray.linalg import _products

# =================================================================================================
# Host memory standing in for device memory
# =================================================================================================
_TYPE_OF = {2: numpy.float16, 0: numpy.float32, 1: numpy.float64, 4: numpy.complex64,
            5: numpy.complex128}


def host_view(ptr, shape, strides, dtype) -> numpy.ndarray:
    """The NumPy array at address ``ptr`` with these byte strides (writeable)."""
    dt = numpy.dtype(dtype)
    shape, strides = tuple(shape), tuple(strides)
    if 0 in shape:
        return numpy.empty(shape, dt)
    lo = ptr + sum((s - 1) * st for s, st in zip(shape, strides) if st < 0)
    hi = ptr + sum((s - 1) * st for s, st in zip(shape, strides) if st > 0) + dt.itemsize
    buf = (ctypes.c_char * (hi - lo)).from_address(lo)
    return numpy.ndarray(shape, dt, buffer=buf, offset=ptr - lo, strides=strides)


class FakeCublas:
    """cublasGemmEx / cublasGemmStridedBatchedEx on host memory, checking the arguments."""

    def __init__(self):
        self.calls = []

    def set_pointer_mode(self, handle, mode):
        assert mode == 0

    def set_math_mode(self, handle, mode):
        assert mode == 16

    def gemm_ex(self, h, ta, tb, m, n, k, alpha, a, at, lda, b, bt, ldb, beta, c, ct, ldc,
                compute, algo):
        self._gemm(ta, tb, m, n, k, alpha, a, at, lda, 0, b, bt, ldb, 0, beta, c, ct, ldc, 0, 1,
                   compute, algo)

    def gemm_strided_batched_ex(self, h, ta, tb, m, n, k, alpha, a, at, lda, sa, b, bt, ldb, sb,
                                beta, c, ct, ldc, sc, count, compute, algo):
        assert count >= 1
        self._gemm(ta, tb, m, n, k, alpha, a, at, lda, sa, b, bt, ldb, sb, beta, c, ct, ldc, sc,
                   count, compute, algo)

    def _gemm(self, ta, tb, m, n, k, alpha, a, at, lda, sa, b, bt, ldb, sb, beta, c, ct, ldc, sc,
              count, compute, algo):
        self.calls.append((ta, tb, m, n, k, lda, ldb, ldc, sa, sb, sc, count, compute))
        assert at == bt == ct and algo == -1
        dt = numpy.dtype(_TYPE_OF[at])
        scale = numpy.float64 if dt.char in "dD" else numpy.float32
        if dt.kind == "c":
            scale = numpy.complex128 if dt.char == "D" else numpy.complex64
        assert host_view(alpha, (1,), (1,), scale)[0] == 1
        assert host_view(beta, (1,), (1,), scale)[0] == 0
        assert compute == {"e": 68, "f": 68, "d": 70, "F": 68, "D": 70}[dt.char] or \
            (compute == 77 and dt.char in "fF")
        for v in (m, n, k, lda, ldb, ldc):
            assert 0 <= v < 2**31
        assert m > 0 and n > 0 and k > 0
        ra = m if ta == 0 else k
        rb = k if tb == 0 else n
        assert lda >= max(1, ra) and ldb >= max(1, rb) and ldc >= max(1, m)
        assert a % dt.itemsize == 0 and b % dt.itemsize == 0 and c % dt.itemsize == 0
        size = dt.itemsize
        for i in range(count):
            pa = self._op(ta, host_view(a + i * sa * size, (ra, k if ta == 0 else m),
                                        (size, lda * size), dt))
            pb = self._op(tb, host_view(b + i * sb * size, (rb, n if tb == 0 else k),
                                        (size, ldb * size), dt))
            x = host_view(c + i * sc * size, (m, n), (size, ldc * size), dt)
            acc = numpy.float32 if dt.char == "e" else dt
            x[...] = (pa.astype(acc) @ pb.astype(acc)).astype(dt)

    @staticmethod
    def _op(op, s):
        assert op in (0, 1, 2)
        return s if op == 0 else (s.T if op == 1 else s.conj().T)


@pytest.fixture
def fake_cublas(monkeypatch):
    lib = FakeCublas()
    monkeypatch.setattr(_cublas, "_binding", lambda: lib)
    monkeypatch.setattr(_cublas, "_handle", lambda: 0)
    return lib


class _HostMemory:
    def __init__(self, nbytes):
        self.buffer = numpy.zeros(max(nbytes, 1) + 64, numpy.uint8)
        self.ptr = (self.buffer.ctypes.data + 63) // 64 * 64
        self.device_id = 0


def to_host(x) -> numpy.ndarray:
    return host_view(x._ptr, x._shape, x._strides, x.dtype).copy()


def from_host(h) -> "cuarray.ndarray":
    h = numpy.asarray(h)
    out = _nd._empty(h.shape, h.dtype)
    host_view(out._ptr, out._shape, out._strides, out.dtype)[...] = h
    return out


def _host_operand(x):
    return to_host(x) if isinstance(x, cuarray.ndarray) else x


class _HostUfunc:
    def __init__(self, np_ufunc):
        self.np = np_ufunc

    def __call__(self, *args, out=None, **kw):
        if len(args) > self.np.nin:
            args, out = args[:self.np.nin], args[self.np.nin]
        with numpy.errstate(all="ignore"):
            r = self.np(*[_host_operand(x) for x in args], **kw)
        if out is None:
            return from_host(r)
        host_view(out._ptr, out._shape, out._strides, out.dtype)[...] = r
        return out

    def reduce(self, x, axis=0, dtype=None, **kw):
        with numpy.errstate(all="ignore"):
            return from_host(self.np.reduce(to_host(x), axis=axis, dtype=dtype, **kw))


@pytest.fixture
def host_device(monkeypatch, fake_cublas):
    """Arrays in host memory; GEMMs emulated; the elementwise calls of the products in NumPy.

    Returns a dict counting copies (``copy_into`` calls) and kernel GEMMs.
    """
    from cuarray._engine import copy as _copy_mod
    from cuarray._routines import reductions
    from cuarray._ufunc import namespace
    from cuarray.cuda import _copy as _raw
    stats = {"copies": 0, "kernel": 0}
    keep = []

    def allocate(nbytes):
        mem = _HostMemory(nbytes)
        keep.append(mem)
        return mem

    def copy_into(dst, src):
        stats["copies"] += 1
        if dst.size:
            with warnings.catch_warnings(), numpy.errstate(all="ignore"):
                warnings.simplefilter("ignore", numpy.exceptions.ComplexWarning)
                host_view(dst._ptr, dst._shape, dst._strides, dst.dtype)[...] = to_host(src)

    def kernel(self, storage, loop, nd, index, variant):
        conj = self._spec.conj_first

        def run(grid, block, args):
            stats["kernel"] += 1
            ap, bp, cp, n, m, k, an, ak, bk, bm, cn, cm, _ = args[:13]
            dims = args[13:]
            shape, la, lb, lc = dims[0::4], dims[1::4], dims[2::4], dims[3::4]
            a = host_view(ap, (*shape, n, k), (*la, an, ak), storage[0]).astype(loop[0])
            b = host_view(bp, (*shape, k, m), (*lb, bk, bm), storage[1]).astype(loop[1])
            if conj and a.dtype.kind == "c":
                a = a.conj()
            with numpy.errstate(all="ignore"):
                r = numpy.matmul(a, b) if k else numpy.zeros((*shape, n, m), loop[2])
                host_view(cp, (*shape, n, m), (*lc, cn, cm), storage[2])[...] = \
                    r.astype(loop[2]).astype(storage[2])
        return run

    monkeypatch.setattr(_nd, "_allocate", allocate)
    monkeypatch.setattr(_copy_mod, "copy_into", copy_into)
    monkeypatch.setattr(_raw, "htod", lambda d, h, n: ctypes.memmove(d, h, n))
    monkeypatch.setattr(G.gufunc, "_kernel", kernel)
    for name in ("multiply", "subtract", "negative", "add", "logical_or"):
        monkeypatch.setattr(namespace, name, _HostUfunc(getattr(numpy, name)))
    monkeypatch.setattr(reductions, "sum", lambda a, axis=None, dtype=None, out=None:
                        from_host(numpy.sum(to_host(a), axis=axis, dtype=dtype)))
    for name in ("matmul", "vecdot", "matvec", "vecmat"):      # plans memoised on a GPU
        if hasattr(cuarray, name):
            monkeypatch.setattr(getattr(cuarray, name), "_calls", {})
    yield stats
    keep.clear()


def device_like(h) -> "cuarray.ndarray":
    """A device array (in host memory) with exactly ``h``'s strides and values."""
    h = numpy.asarray(h)
    if h.size == 0:
        return from_host(h)
    lo = sum((s - 1) * st for s, st in zip(h.shape, h.strides) if st < 0)
    hi = sum((s - 1) * st for s, st in zip(h.shape, h.strides) if st > 0) + h.itemsize
    mem = _nd._allocate(hi - lo)
    ctypes.memmove(mem.ptr, h.ctypes.data + lo, hi - lo)
    a = _nd._new(cuarray.ndarray)
    _nd._init(a, h.shape, h.strides, h.dtype, mem, mem.ptr - lo, None)
    return a


def host_random(shape, dtype, seed, layout="C"):
    """A device array (in host memory) and its NumPy twin, in ``layout``."""
    from cuarray import testing
    dt = numpy.dtype(dtype)
    kw = dict(low=-1, high=1) if dt.kind in "fc" else {}
    h = numpy.asarray(testing.random_array(numpy, shape, dt, seed=seed, layout=layout, **kw))
    return device_like(h), h


def _numpy_private(module, name):
    """A private NumPy helper the port is checked against (skip where NumPy moved it)."""
    import importlib
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        pytest.skip(f"{module}.{name} is not in this NumPy")


# =================================================================================================
# The cuBLAS planner and facade
# =================================================================================================
def test_constants_match_nvmath():
    cublas = pytest.importorskip("nvmath.bindings.cublas")
    assert (_cublas.OP_N, _cublas.OP_T, _cublas.OP_C) == (
        cublas.Operation.N, cublas.Operation.T, cublas.Operation.C)
    assert _cublas._COMPUTE_32F == cublas.ComputeType.COMPUTE_32F
    assert _cublas._COMPUTE_64F == cublas.ComputeType.COMPUTE_64F
    assert _cublas._COMPUTE_32F_FAST_TF32 == cublas.ComputeType.COMPUTE_32F_FAST_TF32
    assert _cublas._MATH_MODE == (cublas.Math.DEFAULT_MATH
                                  | cublas.Math.DISALLOW_REDUCED_PRECISION_REDUCTION)
    assert _cublas._POINTER_MODE_HOST == cublas.PointerMode.HOST
    assert _cublas._GEMM_DEFAULT == cublas.GemmAlgo.DFALT


def test_data_type_codes_match_cuda_headers():
    import re
    try:
        from cuda.pathfinder import find_nvidia_header_directory
        inc = find_nvidia_header_directory("cudart")
    except Exception:                                   # noqa: BLE001 - optional here
        inc = None
    paths = [os.path.join(d, "library_types.h") for d in (inc, "/usr/local/cuda/include") if d]
    paths = [p for p in paths if os.path.exists(p)]
    if not paths:
        pytest.skip("library_types.h not found")
    text = open(paths[0]).read()
    for name, value in (("CUDA_R_16F", 2), ("CUDA_R_32F", 0), ("CUDA_R_64F", 1),
                        ("CUDA_C_32F", 4), ("CUDA_C_64F", 5)):
        assert re.search(rf"\b{name}\s*=\s*{value}\s*,", text), name
    assert {_TYPE_OF[c] for c in (2, 0, 1, 4, 5)} == {numpy.float16, numpy.float32,
                                                       numpy.float64, numpy.complex64,
                                                       numpy.complex128}
    assert [_cublas._TYPES[c][0] for c in "efdFD"] == [2, 0, 1, 4, 5]


def test_tf32_switch_selects_the_compute_type():
    old = _cublas.set_tf32(False)
    try:
        assert _cublas.compute_type("f") == 68 and _cublas.compute_type("F") == 68
        assert cuarray.linalg.set_tf32(True) is False
        assert _cublas.compute_type("f") == 77 and _cublas.compute_type("F") == 77
        assert _cublas.compute_type("d") == 70 and _cublas.compute_type("e") == 68
        assert cuarray.linalg.set_tf32(False) is True
    finally:
        _cublas.set_tf32(old)


@pytest.mark.parametrize("value, expected", [("1", "True"), ("0", "False"), ("", "False")])
def test_tf32_environment_variable(value, expected):
    env = dict(os.environ, CUARRAY_TF32=value)
    out = subprocess.run([sys.executable, "-c", "from cuarray.cuda import _cublas; "
                          "print(_cublas.tf32_enabled())"], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.stdout.strip() == expected, out.stderr


def _strided(h, layout, rng):
    """A view of a copy of ``h`` in one of many memory layouts (same values)."""
    if layout == "C":
        return h.copy()
    if layout == "F":
        return numpy.asfortranarray(h)
    if layout == "T":                                        # last two axes swapped in memory
        return numpy.ascontiguousarray(h.swapaxes(-1, -2)).swapaxes(-1, -2)
    if layout == "pad":                                      # rows padded (ld > columns)
        big = numpy.zeros(h.shape[:-1] + (h.shape[-1] + 3,), h.dtype)
        big[..., :h.shape[-1]] = h
        return big[..., :h.shape[-1]]
    if layout == "padT":
        big = numpy.zeros(h.shape[:-2] + (h.shape[-1], h.shape[-2] + 5), h.dtype)
        v = big[..., :h.shape[-2]].swapaxes(-1, -2)
        v[...] = h
        return v
    if layout == "step":                                     # every other column
        big = numpy.zeros(h.shape[:-1] + (2 * h.shape[-1],), h.dtype)
        big[..., ::2] = h
        return big[..., ::2]
    if layout == "neg":
        return h[..., ::-1, :].copy()[..., ::-1, :]
    raise ValueError(layout)


def _run_plan(n, m, k, batch, la, lb, lc, dt, conj, fake):
    rng = numpy.random.default_rng(n * 100 + m * 10 + k)
    shape_a, shape_b = batch + (n, k), batch + (k, m)
    ha = (rng.standard_normal(shape_a) + (1j * rng.standard_normal(shape_a)
                                          if dt.kind == "c" else 0)).astype(dt)
    hb = (rng.standard_normal(shape_b) + (1j * rng.standard_normal(shape_b)
                                          if dt.kind == "c" else 0)).astype(dt)
    a, b = _strided(ha, la, rng), _strided(hb, lb, rng)
    c = _strided(numpy.zeros(batch + (n, m), dt), lc, rng)
    st = (a.strides[-2], a.strides[-1], b.strides[-2], b.strides[-1], c.strides[-2],
          c.strides[-1])
    bshape, strides = G.collapse(batch, [a.strides[:-2], b.strides[:-2], c.strides[:-2]])
    for _ in range(3):
        gemm, why = _cublas.plan_gemm(n, m, k, st, dt.itemsize, bshape, strides, conj)
        if gemm is not None:
            break
        assert why in "abc", why
        x = {"a": a, "b": b, "c": c}[why]
        assert not (x.flags.c_contiguous and x.strides[-1] == dt.itemsize), (why, x.strides)
        return why
    _cublas.run(gemm, dt.char, a.ctypes.data, b.ctypes.data, c.ctypes.data)
    ref = numpy.matmul(ha.conj() if conj else ha, hb)
    tol = 2e-2 if dt.char == "e" else 1e-4
    numpy.testing.assert_allclose(c, ref, rtol=tol, atol=tol)
    return gemm


LAYOUTS = ["C", "F", "T", "pad", "padT", "step", "neg"]


@pytest.mark.parametrize("la", LAYOUTS)
@pytest.mark.parametrize("lb", LAYOUTS)
@pytest.mark.parametrize("lc", ["C", "F", "pad", "padT", "step"])
def test_planned_gemm_matches_numpy(fake_cublas, la, lb, lc):
    for n, m, k, batch, dt in [(5, 7, 3, (), "float64"), (1, 6, 4, (3,), "float32"),
                               (6, 1, 4, (2,), "complex128"), (4, 5, 1, (2, 3), "float16"),
                               (3, 3, 3, (1,), "complex64")]:
        result = _run_plan(n, m, k, batch, la, lb, lc, numpy.dtype(dt), False, fake_cublas)
        expressible = {"C", "T", "pad", "padT"}
        if all(d == 1 for d in batch):           # an F-ordered stack has no unit stride
            expressible.add("F")
        if la in expressible and lb in expressible and lc in expressible - {"T"}:
            assert not isinstance(result, str), (la, lb, lc, n, m, k, result)


@pytest.mark.parametrize("la", ["C", "F", "pad"])
@pytest.mark.parametrize("dt", ["complex64", "complex128"])
def test_conjugated_first_operand_uses_op_c(fake_cublas, la, dt):
    # vecmat's conj(x) @ B: A is one row (n = 1), always expressible with op C.
    gemm = _run_plan(1, 6, 5, (4,), la, "C", "C", numpy.dtype(dt), True, fake_cublas)
    assert not isinstance(gemm, str) and _cublas.OP_C in (gemm.transa, gemm.transb)


def test_transposed_operands_are_op_t_without_copies():
    f8 = 8
    # C = A @ B with A F-ordered (a_n = 1): cuBLAS's second operand A^T is op T.
    g, why = _cublas.plan_gemm(4, 5, 6, (f8, 4 * f8, 5 * f8, f8, 5 * f8, f8), f8)
    assert why is None and g.b_first and (g.transa, g.transb) == (_cublas.OP_N, _cublas.OP_T)
    assert (g.m, g.n, g.k, g.lda, g.ldb, g.ldc) == (5, 4, 6, 5, 4, 5)
    # Everything F-ordered: C is column-major, A and B go as they are.
    g, why = _cublas.plan_gemm(4, 5, 6, (f8, 4 * f8, f8, 6 * f8, f8, 4 * f8), f8)
    assert why is None and not g.b_first and (g.transa, g.transb) == (0, 0)
    assert (g.m, g.n, g.k, g.lda, g.ldb, g.ldc) == (4, 5, 6, 4, 6, 4)


def test_plan_reports_what_to_copy():
    f4 = 4
    assert _cublas.plan_gemm(4, 5, 6, (12 * f4, 2 * f4, 5 * f4, f4, 5 * f4, f4), f4)[1] == "a"
    assert _cublas.plan_gemm(4, 5, 6, (6 * f4, f4, -5 * f4, f4, 5 * f4, f4), f4)[1] == "b"
    assert _cublas.plan_gemm(4, 5, 6, (6 * f4, f4, 5 * f4, f4, 10 * f4, 2 * f4), f4)[1] == "c"
    assert _cublas.plan_gemm(4, 5, 6, (6 * f4, 3, 5 * f4, f4, 5 * f4, f4), f4)[1] == "a"
    # a broadcast row (stride 0 along n) has no leading dimension
    assert _cublas.plan_gemm(4, 5, 6, (0, f4, 5 * f4, f4, 5 * f4, f4), f4)[1] == "a"
    assert _cublas.plan_gemm(2**31, 5, 6, (6 * f4, f4, 5 * f4, f4, 5 * f4, f4), f4)[1] == "size"


def test_batch_dims_stride_loop_and_limits(fake_cublas, monkeypatch):
    monkeypatch.setattr(_cublas, "MAX_BATCH", 3)
    rng = numpy.random.default_rng(3)
    a = rng.standard_normal((2, 7, 4, 5))
    b = rng.standard_normal((7, 5, 3))
    c = numpy.zeros((2, 7, 4, 3))
    bst = (a.strides[:2], (0, b.strides[0]), c.strides[:2])
    g, why = _cublas.plan_gemm(4, 3, 5, (a.strides[2], a.strides[3], b.strides[1],
                                         b.strides[2], c.strides[2], c.strides[3]), 8,
                               (2, 7), bst)
    assert why is None
    _cublas.run(g, "d", a.ctypes.data, b.ctypes.data, c.ctypes.data)
    numpy.testing.assert_allclose(c, a @ b, rtol=1e-12)
    assert len(fake_cublas.calls) == 2 * 3             # 2 outer rows x ceil(7 / 3) chunks
    # a batch of 70 x 70 matrices that share no stride needs 70 Python-level calls: refused
    g, why = _cublas.plan_gemm(2, 2, 2, (16, 8, 16, 8, 16, 8), 8, (70, 70),
                               ((32, 0), (0, 32), (70 * 32, 32)))
    assert why == "batch"


# =================================================================================================
# matmul on the host device: which route, how many copies
# =================================================================================================
@pytest.mark.parametrize("dt", ["float16", "float32", "float64", "complex64", "complex128",
                                "int8", "int64", "uint16", "bool"])
@pytest.mark.parametrize("la, lb, copies", [("C", "C", 0), ("transposed", "C", 0),
                                            ("C", "transposed", 0), ("broadcast", "C", 0),
                                            ("sliced", "C", 1), ("C", "negative_stride", 1),
                                            ("F", "C", None), ("transposed", "F", None)])
def test_matmul_routes(host_device, fake_cublas, dt, la, lb, copies):
    a, ha = host_random((3, 6, 5), dt, 1, la)
    b, hb = host_random((3, 5, 4), dt, 2, lb)
    r = cuarray.matmul(a, b)
    ref = numpy.matmul(ha, hb)
    assert r.dtype == ref.dtype and r.shape == ref.shape
    assert contiguity(r.shape, r.strides, r.itemsize) == (ref.flags.c_contiguous,
                                                          ref.flags.f_contiguous)
    tol = 2e-2 if dt == "float16" else 1e-5
    numpy.testing.assert_allclose(to_host(r), ref, rtol=tol, atol=tol)
    if numpy.dtype(dt).char in "efdFD":
        assert fake_cublas.calls and host_device["kernel"] == 0
        if copies is not None:
            assert host_device["copies"] == copies
    else:
        assert not fake_cublas.calls and host_device["kernel"] == 1


@pytest.mark.parametrize("la", ["C", "F", "sliced"])
@pytest.mark.parametrize("lb", ["C", "F", "negative_stride"])
def test_matmul_2d_layouts(host_device, fake_cublas, la, lb):
    a, ha = host_random((6, 5), "float64", 1, la)
    b, hb = host_random((5, 4), "float64", 2, lb)
    r = cuarray.matmul(a, b)
    ref = ha @ hb
    assert contiguity(r.shape, r.strides, 8) == (ref.flags.c_contiguous, ref.flags.f_contiguous)
    numpy.testing.assert_allclose(to_host(r), ref, rtol=1e-12)
    assert host_device["copies"] == (la == "sliced") + (lb == "negative_stride")
    assert len(fake_cublas.calls) == 1 and host_device["kernel"] == 0


def test_matmul_memo_reuses_the_plan(host_device, fake_cublas):
    a, ha = host_random((4, 8, 8), "float32", 1)
    b, hb = host_random((4, 8, 8), "float32", 2)
    cuarray.matmul(a, b)
    assert len(cuarray.matmul._calls) == 1
    a2 = from_host(ha[::-1].copy())
    r = a2 @ b
    numpy.testing.assert_allclose(to_host(r), ha[::-1] @ hb, rtol=1e-5)
    assert len(fake_cublas.calls) == 2


def test_matmul_mixed_dtypes_and_out(host_device, fake_cublas):
    a, ha = host_random((40, 300), "float32", 1)
    b, hb = host_random((300, 200), "float64", 2)
    r = cuarray.matmul(a, b)                         # large: cast a, then cuBLAS in float64
    numpy.testing.assert_allclose(to_host(r), ha @ hb, rtol=1e-12)
    assert fake_cublas.calls[-1][-1] == 70
    out = from_host(numpy.zeros((80, 200)))[::2]     # rows 2 apart: ldc = 400
    cuarray.matmul(a, b, out=out)
    numpy.testing.assert_allclose(to_host(out), ha @ hb, rtol=1e-12)
    small = cuarray.matmul(a[:4, :5], b[:5, :3])     # small: the kernel casts as it loads
    numpy.testing.assert_allclose(to_host(small), ha[:4, :5] @ hb[:5, :3], rtol=1e-12)
    assert host_device["kernel"] == 1


def test_vector_products_route(host_device, fake_cublas):
    a, ha = host_random((7, 5), "complex128", 1)
    x, hx = host_random((7,), "complex128", 2)
    numpy.testing.assert_allclose(to_host(cuarray.vecmat(x, a)), numpy.vecmat(hx, ha)
                                  if hasattr(numpy, "vecmat") else hx.conj() @ ha, rtol=1e-12)
    assert fake_cublas.calls[-1][0] == _cublas.OP_C or fake_cublas.calls[-1][1] == _cublas.OP_C
    calls = len(fake_cublas.calls)
    numpy.testing.assert_allclose(to_host(cuarray.vecdot(x, x)), numpy.vecdot(hx, hx),
                                  rtol=1e-12)
    assert len(fake_cublas.calls) == calls and host_device["kernel"] == 1   # n = m = 1: kernel


# =================================================================================================
# Products on the host device, against NumPy
# =================================================================================================
def _compare(ours, ref, rtol=1e-6, layout=True):
    ref = numpy.asarray(ref)
    assert isinstance(ours, cuarray.ndarray)
    assert ours.dtype == ref.dtype, (ours.dtype, ref.dtype)
    assert ours.shape == ref.shape, (ours.shape, ref.shape)
    if layout and ref.size > 1:
        assert contiguity(ours.shape, ours.strides, ours.itemsize) == (
            ref.flags.c_contiguous, ref.flags.f_contiguous), (ours.strides, ref.strides)
    h = to_host(ours)
    if ref.dtype.kind in "fc":
        numpy.testing.assert_allclose(h, ref, rtol=rtol, atol=rtol)
    else:
        numpy.testing.assert_array_equal(h, ref)


DOT_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
              ((2, 5, 3), (3, 4)), ((3,), (2, 3, 4)), ((2, 3), (5, 3, 4)),
              ((2, 4, 3), (5, 6, 3, 2)), ((0, 3), (3, 4)), ((2, 0), (0, 4)), ((), (2, 3)),
              ((2, 3), ())]


@pytest.mark.parametrize("sa, sb", DOT_SHAPES)
@pytest.mark.parametrize("dt", ["float64", "int16", "complex64", "bool"])
def test_dot(host_device, sa, sb, dt):
    a, ha = host_random(sa, dt, 1)
    b, hb = host_random(sb, dt, 2)
    _compare(cuarray.dot(a, b), numpy.dot(ha, hb), rtol=1e-5)


@pytest.mark.parametrize("la, lb", [("F", "F"), ("transposed", "C"), ("C", "transposed"),
                                    ("negative_stride", "sliced")])
def test_dot_layouts_and_out(host_device, la, lb):
    a, ha = host_random((4, 3, 5), "float32", 3, la)
    b, hb = host_random((2, 5, 6), "float32", 4, lb)
    _compare(cuarray.dot(a, b), numpy.dot(ha, hb), rtol=1e-5)
    out = from_host(numpy.zeros((4, 3, 2, 6), numpy.float32))
    assert cuarray.dot(a, b, out=out) is out
    _compare(out, numpy.dot(ha, hb), rtol=1e-5)


@pytest.mark.parametrize("out_shape, out_dtype, order", [((2, 4), "float32", "C"),
                                                         ((4, 2), "float64", "F"),
                                                         ((2, 5), "float64", "C"),
                                                         ((2, 4, 1), "float64", "C")])
def test_dot_out_errors(host_device, out_shape, out_dtype, order):
    h = numpy.zeros(out_shape, out_dtype)
    if order == "F":
        h = h.T
    with pytest.raises(ValueError) as ref:
        numpy.dot(numpy.ones((2, 3)), numpy.ones((3, 4)), out=h)
    out = from_host(numpy.zeros(out_shape, out_dtype))
    if order == "F":
        out = out.T
    with pytest.raises(ValueError) as got:
        cuarray.dot(from_host(numpy.ones((2, 3))), from_host(numpy.ones((3, 4))), out=out)
    assert str(got.value) == str(ref.value)


@pytest.mark.parametrize("sa, sb", [((3,), (4,)), ((2, 3), (4,)), ((2, 3), (2, 4, 5)),
                                    ((3,), (2, 4, 3))])
def test_dot_shape_errors(host_device, sa, sb):
    with pytest.raises(ValueError) as ref:
        numpy.dot(numpy.ones(sa), numpy.ones(sb))
    with pytest.raises(ValueError) as got:
        cuarray.dot(from_host(numpy.ones(sa)), from_host(numpy.ones(sb)))
    assert str(got.value) == str(ref.value)


@pytest.mark.parametrize("sa, sb", [((3,), (3,)), ((2, 3), (3, 2)), ((), ()), ((2, 2), (4,))])
@pytest.mark.parametrize("dt", ["complex128", "float32", "int8", "bool"])
def test_vdot(host_device, sa, sb, dt):
    a, ha = host_random(sa, dt, 1, "F" if len(sa) == 2 else "C")
    b, hb = host_random(sb, dt, 2)
    _compare(cuarray.vdot(a, b), numpy.vdot(ha, hb), rtol=1e-5)


@pytest.mark.parametrize("sa, sb", [((3,), (3,)), ((2, 3), (4, 3)), ((2, 3, 4), (5, 4)),
                                    ((4,), (2, 3, 4)), ((), (2, 3)), ((0, 3), (2, 3))])
@pytest.mark.parametrize("dt", ["float64", "uint8"])
def test_inner_and_outer(host_device, sa, sb, dt):
    a, ha = host_random(sa, dt, 1)
    b, hb = host_random(sb, dt, 2)
    _compare(cuarray.inner(a, b), numpy.inner(ha, hb))
    _compare(cuarray.outer(a, b), numpy.outer(ha, hb))


def test_inner_error_message(host_device):
    for sa, sb in (((2, 3), (4, 5)), ((2, 3), (5,)), ((2, 3), (4, 6, 5))):
        with pytest.raises(ValueError) as ref:
            numpy.inner(numpy.ones(sa), numpy.ones(sb))
        with pytest.raises(ValueError) as got:
            cuarray.inner(from_host(numpy.ones(sa)), from_host(numpy.ones(sb)))
        assert str(got.value) == str(ref.value)


TENSORDOT_CASES = [((3, 4, 5), (4, 5, 6), 2), ((3, 4, 5), (5, 4, 6), ([1, 2], [1, 0])),
                   ((2, 3), (4, 3), ([1], [1])), ((2, 3), (3, 2), 0), ((2, 3), (3, 2), (1, 0)),
                   ((2, 3), (2, 3), ([0, 1], [0, 1])), ((2, 3, 4), (3, 2), ([-3, -2], [1, 0])),
                   ((2, 3), (3,), 1)]


@pytest.mark.parametrize("sa, sb, axes", TENSORDOT_CASES)
def test_tensordot(host_device, sa, sb, axes):
    a, ha = host_random(sa, "float64", 1, "transposed" if len(sa) > 1 else "C")
    b, hb = host_random(sb, "float64", 2)
    _compare(cuarray.tensordot(a, b, axes), numpy.tensordot(ha, hb, axes))
    _compare(cuarray.linalg.tensordot(a, b, axes=axes), numpy.linalg.tensordot(ha, hb, axes=axes))


@pytest.mark.parametrize("axes", [([1], [0]), 3, ([1, 0], [1]), ([1, 1], [0, 0]), ([5], [0])])
def test_tensordot_errors(host_device, axes):
    with pytest.raises(Exception) as ref:
        numpy.tensordot(numpy.ones((2, 3)), numpy.ones((4, 3)), axes)
    with pytest.raises(type(ref.value)) as got:
        cuarray.tensordot(from_host(numpy.ones((2, 3))), from_host(numpy.ones((4, 3))), axes)
    assert str(got.value) == str(ref.value)


@pytest.mark.parametrize("sa, sb", [((2, 3), (4, 5)), ((2, 3), (4,)), ((3,), (2, 2)), ((), (3,)),
                                    ((2, 1, 3), (3, 2)), ((0, 2), (3, 3))])
@pytest.mark.parametrize("da, db", [("float32", "float32"), ("int8", "uint8"),
                                    ("bool", "bool"), ("float16", "complex64")])
def test_kron(host_device, sa, sb, da, db):
    a, ha = host_random(sa, da, 1)
    b, hb = host_random(sb, db, 2)
    _compare(cuarray.kron(a, b), numpy.kron(ha, hb), rtol=1e-3)


@pytest.mark.parametrize("shape, kw", [((3, 4), {}), ((3, 4, 5), dict(offset=1, axis1=1, axis2=2)),
                                       ((4, 3), dict(offset=-2)), ((3, 3), dict(dtype="int8")),
                                       ((2, 3, 3), dict(axis1=-1, axis2=0))])
@pytest.mark.parametrize("dt", ["int8", "float32"])
def test_trace(host_device, shape, kw, dt):
    a, ha = host_random(shape, dt, 1)
    _compare(cuarray.trace(a, **kw), numpy.trace(ha, **kw), rtol=1e-5)
    if not kw:
        _compare(cuarray.linalg.trace(a), numpy.linalg.trace(ha), rtol=1e-5)
        _compare(cuarray.linalg.diagonal(a, offset=1), numpy.linalg.diagonal(ha, offset=1))


CROSS_CASES = [((3,), (3,), {}), ((4, 3), (3,), {}), ((2,), (3,), {}), ((3,), (2,), {}),
               ((5, 2), (5, 2), {}), ((3, 4), (4, 3), dict(axisa=0, axisc=0)),
               ((2, 3, 5), (3, 5), dict(axis=-2)), ((4, 3), (1, 3), dict(axisc=0))]


@pytest.mark.parametrize("sa, sb, kw", CROSS_CASES)
@pytest.mark.parametrize("da, db", [("float64", "float64"), ("int16", "int8"),
                                    ("complex64", "float32")])
def test_cross(host_device, sa, sb, kw, da, db):
    """As the installed NumPy: 2-element vectors are refused from NumPy 2.5."""
    a, ha = host_random(sa, da, 1)
    b, hb = host_random(sb, db, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            ref = numpy.cross(ha, hb, **kw)
        except ValueError as e:
            with pytest.raises(ValueError) as got:
                cuarray.cross(a, b, **kw)
            assert str(got.value) == str(e)
            return
        ours = cuarray.cross(a, b, **kw)
    _compare(ours, ref)
    if sa[-1:] == (3,) and sb[-1:] == (3,) and not kw:
        _compare(cuarray.linalg.cross(a, b), numpy.linalg.cross(ha, hb))


def _cross_2d_outcome(xp, sa, sb):
    """("warned", None) or ("raised", message) of xp.cross on ones of these shapes."""
    args = (numpy.ones(sa), numpy.ones(sb))
    if xp is cuarray:
        args = tuple(from_host(x) for x in args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            xp.cross(*args)
        except ValueError as e:
            return "raised", str(e)
    assert [w.category for w in caught] == [DeprecationWarning]
    assert "2-dimensional vectors" in str(caught[0].message)
    return "warned", None


def test_cross_warns_and_errors(host_device):
    for sa, sb in (((2,), (3,)), ((3,), (2,)), ((4, 2), (2,))):
        assert _cross_2d_outcome(cuarray, sa, sb) == _cross_2d_outcome(numpy, sa, sb)
    cases = [((3,), (4,), {}), ((4, 3), (3,), dict(axisa=5)), ((4, 3), (3,), dict(axisc=5)),
             ((), (3,), {}), ((3, 3), (3,), dict(axisb=1)), ((4,), (1,), {})]
    for sa, sb, kw in cases:
        with pytest.raises(Exception) as ref:
            numpy.cross(numpy.ones(sa), numpy.ones(sb), **kw)
        with pytest.raises(type(ref.value)) as got:
            cuarray.cross(from_host(numpy.ones(sa)), from_host(numpy.ones(sb)), **kw)
        assert str(got.value) == str(ref.value)
    with pytest.raises(ValueError, match="3-dimensional vectors, but they are 2 and 2"):
        cuarray.linalg.cross(from_host(numpy.ones(2)), from_host(numpy.ones(2)))
    with pytest.raises(ValueError, match=r"x1.ndim=2 and x2.ndim=1"):
        cuarray.linalg.outer(from_host(numpy.ones((2, 2))), from_host(numpy.ones(2)))
    with pytest.raises(ValueError, match="at least 2-dimensional, but it is 1"):
        cuarray.linalg.matrix_transpose(from_host(numpy.ones(2)))


@pytest.mark.parametrize("takes_2d", [True, False])
def test_cross_both_numpy_rules(host_device, monkeypatch, takes_2d):
    """Both rules run here whatever NumPy is installed: before 2.5, 2-element vectors warn
    (and 4-element ones get the old message); from 2.5 any length but 3 raises NumPy
    2.5's ValueError (numpy/_core/numeric.py's message)."""
    monkeypatch.setattr(_products, "_cross_takes_2d", takes_2d)
    a2, a3, a4 = (from_host(numpy.arange(1.0, n + 1)) for n in (2, 3, 4))
    _compare(cuarray.cross(a3, a3[::-1]), numpy.cross(numpy.arange(1.0, 4), [3.0, 2, 1]))
    for x, y, n1, n2 in ((a2, a3, 2, 3), (a3, a2, 3, 2), (a2, a2, 2, 2), (a3, a4, 3, 4)):
        if takes_2d and 4 not in (n1, n2):
            with pytest.warns(DeprecationWarning, match="2-dimensional vectors"):
                cuarray.cross(x, y)
            continue
        if takes_2d:
            want = "incompatible dimensions for cross product\n(dimension must be 2 or 3)"
        else:
            want = ("Both input arrays must be (arrays of) 3-dimensional vectors, but they "
                    f"are {n1} and {n2} dimensional instead.")
        with warnings.catch_warnings():
            warnings.simplefilter("error")          # and no warning first
            with pytest.raises(ValueError) as got:
                cuarray.cross(x, y)
        assert str(got.value) == want


def test_cross_rule_is_the_installed_numpys(monkeypatch):
    monkeypatch.setattr(_products, "_cross_takes_2d", None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            numpy.cross(numpy.ones(2), numpy.ones(3))
            takes = True
        except ValueError:
            takes = False
    assert _products.cross_takes_2d() is takes
    assert _products._cross_takes_2d is takes           # memoised


@pytest.mark.parametrize("shapes", [[(3,), (3, 4), (4,)], [(2, 3), (3, 4), (4, 5)],
                                    [(10, 3), (3, 20), (20, 2), (2, 30)],
                                    [(4,), (4, 5), (5, 6), (6, 2), (2, 3)],
                                    [(5, 4), (4, 6), (6,)], [(2, 3), (3, 2)]])
def test_multi_dot(host_device, shapes):
    arrays = [host_random(s, "float64", i) for i, s in enumerate(shapes)]
    _compare(cuarray.linalg.multi_dot([a for a, _ in arrays]),
             numpy.linalg.multi_dot([h for _, h in arrays]))


def test_multi_dot_chain_order_and_errors(host_device):
    _multi_dot_matrix_chain_order = _numpy_private("numpy.linalg._linalg",
                                                   "_multi_dot_matrix_chain_order")
    rng = numpy.random.default_rng(0)
    for n in range(3, 9):
        dims = [int(x) for x in rng.integers(1, 60, n + 1)]
        ref = _multi_dot_matrix_chain_order([numpy.empty((dims[i], dims[i + 1]))
                                             for i in range(n)])
        ours = _products.chain_order(dims)
        assert all(ours[i][j] == ref[i, j] for i in range(n) for j in range(i + 1, n))
    for arrays in ([numpy.ones(2)], [numpy.ones(2), numpy.ones((3, 2, 2)), numpy.ones(2)]):
        with pytest.raises(Exception) as ref:
            numpy.linalg.multi_dot(arrays)
        with pytest.raises(type(ref.value)) as got:
            cuarray.linalg.multi_dot([from_host(x) for x in arrays])
        assert str(got.value) == str(ref.value)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 12])
@pytest.mark.parametrize("dt", ["float64", "int8", "bool"])
def test_matrix_power(host_device, n, dt):
    a, ha = host_random((2, 3, 3), dt, 1)
    _compare(cuarray.linalg.matrix_power(a, n), numpy.linalg.matrix_power(ha, n), rtol=1e-9)


def test_matrix_power_errors(host_device):
    for shape, n in (((2, 3), 2), ((2, 2), 2.0), ((2,), 2)):
        with pytest.raises(Exception) as ref:
            numpy.linalg.matrix_power(numpy.ones(shape), n)
        with pytest.raises(type(ref.value)) as got:
            cuarray.linalg.matrix_power(from_host(numpy.ones(shape)), n)
        assert str(got.value) == str(ref.value)


def test_host_arrays_are_rejected():
    for fn in (cuarray.dot, cuarray.vdot, cuarray.inner, cuarray.outer, cuarray.kron,
               cuarray.tensordot):
        with pytest.raises(TypeError):
            fn(numpy.ones(3), numpy.ones(3))
    with pytest.raises(TypeError):
        cuarray.einsum("i,i", numpy.ones(3), numpy.ones(3))
    with pytest.raises(TypeError):
        cuarray.dot([1, 2], [3, 4])


# =================================================================================================
# einsum on the host device
# =================================================================================================
EINSUM_CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,jk", [(3, 4), (4, 5)]), ("ij,jk->ki", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("bij,bkj->bik", [(2, 3, 4), (2, 5, 4)]),
    ("ij,ij->", [(3, 4), (3, 4)]), ("ij,ij->ij", [(3, 4), (3, 4)]), ("i,j->ij", [(3,), (4,)]),
    ("ii->i", [(4, 4)]), ("ii", [(4, 4)]), ("ij->ji", [(3, 4)]), ("ijk->", [(2, 3, 4)]),
    ("ijk->kj", [(2, 3, 4)]), ("iij->j", [(3, 3, 2)]), ("i,i", [(5,), (5,)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]), ("...ij,...jk", [(5, 2, 3), (4, 1, 3, 2)]),
    ("ij...,j...->i...", [(2, 3, 4), (3, 4)]), ("i...->...", [(3, 2, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]), ("ea,fb,abcd,gc,hd->efgh",
                                                 [(3, 2), (4, 3), (2, 3, 2, 3), (2, 2), (3, 3)]),
    ("bhqd,bhkd,bhkv->bhqv", [(2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 4)]),
    ("i,i,i->", [(4,), (4,), (4,)]), ("ijk,jil->kl", [(3, 4, 5), (4, 3, 2)]),
    ("ij,jk->ik", [(1, 4), (4, 5)]), ("ij,jk", [(3, 1), (4, 5)]), ("ij,ij->ij", [(1, 3), (2, 3)]),
    ("i,->i", [(3,), ()]), ("", [()]), ("ab,ab,cd->", [(2, 3), (2, 3), (4, 5)]),
    ("ijkl,jk->il", [(2, 3, 4, 5), (3, 4)]), ("aab,bc->ac", [(3, 3, 4), (4, 2)]),
    ("ij,kl->ijkl", [(2, 3), (4, 5)]), ("ij,jk->ik", [(3, 0), (0, 5)]),
    ("ij,jk->ik", [(0, 4), (4, 5)]), ("Ab,bC->AC", [(3, 4), (4, 2)]),
]


@pytest.mark.parametrize("subscripts, shapes", EINSUM_CASES)
@pytest.mark.parametrize("dt", ["float64", "int16", "complex64", "bool"])
def test_einsum(host_device, subscripts, shapes, dt):
    ops = [host_random(s, dt, i, "F" if len(s) == 2 and i == 1 else "C")
           for i, s in enumerate(shapes)]
    ref = numpy.einsum(subscripts, *[h for _, h in ops])
    _compare(cuarray.einsum(subscripts, *[a for a, _ in ops]), ref, rtol=1e-5)
    for optimize in (True, "optimal"):
        ref = numpy.einsum(subscripts, *[h for _, h in ops], optimize=optimize)
        _compare(cuarray.einsum(subscripts, *[a for a, _ in ops], optimize=optimize), ref,
                 rtol=1e-5, layout=False)


@pytest.mark.parametrize("subscripts, shapes", [("ij,jk->ik", [(3, 4), (4, 5)]),
                                                ("ij,jk->ki", [(3, 4), (4, 5)]),
                                                ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
                                                ("ijk,kj->i", [(2, 3, 4), (4, 3)])])
@pytest.mark.parametrize("layout", ["C", "F", "transposed", "negative_stride", "sliced"])
def test_einsum_layouts(host_device, subscripts, shapes, layout):
    ops = [host_random(s, "float32", i, layout) for i, s in enumerate(shapes)]
    ref = numpy.einsum(subscripts, *[h for _, h in ops])
    _compare(cuarray.einsum(subscripts, *[a for a, _ in ops]), ref, rtol=1e-5)


def test_einsum_views_sublists_and_keywords(host_device):
    a, ha = host_random((4, 4), "float64", 1)
    b, hb = host_random((4, 3), "float32", 2)
    v = cuarray.einsum("ii->i", a)                      # a view, as in NumPy
    assert v._ptr == a._ptr and v.strides == (40,)
    assert cuarray.einsum("ij->ji", a).strides == (8, 32)
    _compare(cuarray.einsum(a, [0, 1], b, [1, 2], [0, 2]), numpy.einsum(ha, [0, 1], hb, [1, 2],
                                                                         [0, 2]))
    _compare(cuarray.einsum(a, [Ellipsis, 1], b, [1, 2]), numpy.einsum(ha, [Ellipsis, 1], hb,
                                                                       [1, 2]))
    _compare(cuarray.einsum("ij,jk", a, b, dtype="complex128"),
             numpy.einsum("ij,jk", ha, hb, dtype="complex128"))
    _compare(cuarray.einsum("ij,jk", a, b, order="F"), numpy.einsum("ij,jk", ha, hb, order="F"))
    _compare(cuarray.einsum("ij,jk", a, b, order="C"), numpy.einsum("ij,jk", ha, hb, order="C"))
    out = from_host(numpy.zeros((3, 4), numpy.complex128)).T
    assert cuarray.einsum("ij,jk->ik", a, b, out=out) is out
    _compare(out, numpy.einsum("ij,jk->ik", ha, hb).astype(complex), layout=False)
    out = from_host(numpy.zeros((4, 3)))
    assert cuarray.einsum("ij,jk", a, b, out=out, optimize=True) is out
    _compare(out, ha @ hb)
    _compare(cuarray.einsum("i,", from_host(numpy.ones(3, numpy.float32)), 2.0),
             numpy.einsum("i,", numpy.ones(3, numpy.float32), 2.0))
    _compare(cuarray.einsum("...i->", a, optimize=True), numpy.einsum("...i->", ha, optimize=True))
    _compare(cuarray.einsum("ij,jk,kl->il", a, b, b.T, optimize=["einsum_path", (1, 2), (0, 1)]),
             numpy.einsum("ij,jk,kl->il", ha, hb, hb.T, optimize=["einsum_path", (1, 2), (0, 1)]),
             layout=False)       # NumPy's optimised einsum lays results out its own way


def test_einsum_integer_sums_wrap(host_device):
    h = numpy.full((3, 40), 100, numpy.int8)
    a = from_host(h)
    _compare(cuarray.einsum("ij,ij->i", a, a), numpy.einsum("ij,ij->i", h, h))
    _compare(cuarray.einsum("ij->i", a), numpy.einsum("ij->i", h))
    _compare(cuarray.einsum("ij,kj->ik", a, a), numpy.einsum("ij,kj->ik", h, h))


EINSUM_ERRORS = [
    ("i$", [(3,)], {}), ("i->j", [(3,)], {}), ("i->ii", [(3,)], {}), ("i,i,i", [(3,), (3,)], {}),
    ("i", [(3,), (3,)], {}), ("ij", [(3,)], {}), ("i", [(2, 3)], {}), ("..i", [(3,)], {}),
    ("i...->...i...", [(3,)], {}), ("i,i-", [(3,), (3,)], {}), ("i,i>", [(3,), (3,)], {}),
    ("ij,jk", [(2, 2), (3, 4)], {}), ("ii", [(2, 3)], {}), ("...ij->ij", [(2, 3, 4)], {}),
    ("i,i", [(3,), (3,)], dict(dtype="int32")), ("i,i", [(3,), (3,)], dict(casting="bogus")),
    ("i,i", [(3,), (3,)], dict(order="X")), ("i,i", [(3,), (3,)], dict(foo=1)),
    ("i,i", [(3,), (3,)], dict(foo=1, optimize=True)),
    ("ij,jk,kl", [(2, 3), (3, 4), (4, 5)], dict(optimize="bogus")),
    ("ij,jk,kl", [(2, 3), (3, 4), (4, 5)], dict(optimize=3)),
    ("ij,jk,kl", [(2, 3), (3, 4), (4, 5)], dict(optimize=["einsum_path", (0, 1)])),
    ("i->i", [(3,)], dict(out="zeros(1,3)")), ("i->i", [(3,)], dict(out="zeros_f2(3)")),
]


@pytest.mark.parametrize("subscripts, shapes, kw", EINSUM_ERRORS)
def test_einsum_errors_match_numpy(host_device, subscripts, shapes, kw):
    def run(xp, wrap):
        kwargs = dict(kw)
        if "out" in kwargs:
            spec = kwargs["out"]
            kwargs["out"] = wrap(numpy.zeros((1, 3)) if spec == "zeros(1,3)" else
                                 numpy.zeros(3, numpy.float16))
        xp.einsum(subscripts, *[wrap(numpy.ones(s)) for s in shapes], **kwargs)
    with pytest.raises(Exception) as ref:
        run(numpy, lambda x: x)
    with pytest.raises(type(ref.value)) as got:
        run(cuarray, from_host)
    if "optimize" not in kw or kw.get("optimize") is False:
        assert str(got.value).split(":")[0] == str(ref.value).split(":")[0]


@pytest.mark.parametrize("args", [(), ("i",), (numpy.ones(3),), ("x", [[0]]),
                                  ("x", [0, Ellipsis, Ellipsis]), ("x", 5), ("x", [True]),
                                  ("x", [52]), ("x", [0], "x")])
def test_einsum_sublist_errors(host_device, args):
    with pytest.raises(Exception) as ref:
        numpy.einsum(*[numpy.ones(3) if a == "x" else a for a in args])
    with pytest.raises(type(ref.value)) as got:
        cuarray.einsum(*[from_host(numpy.ones(3)) if a == "x" else
                         (from_host(a) if isinstance(a, numpy.ndarray) else a) for a in args])
    assert str(got.value) == str(ref.value)


# =================================================================================================
# einsum_path and the parser: shapes only
# =================================================================================================
def _fake(shape):
    """An array header with no memory behind it: enough for shape-only planning."""
    from cuarray._core.shape import c_strides
    a = _nd._new(cuarray.ndarray)
    _nd._init(a, tuple(shape), c_strides(tuple(shape), 8), numpy.dtype("float64"), None, 0,
              None)
    return a


PATH_CASES = [
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ea,fb,abcd,gc,hd->efgh", [(10, 10), (10, 10), (10, 10, 10, 10), (10, 10), (10, 10)]),
    ("ea,fb,gc,hd,abcd->efgh", [(10, 8), (9, 7), (6, 5), (4, 3), (8, 7, 5, 3)]),
    ("abc,bcd,cde,def->af", [(4, 5, 6), (5, 6, 7), (6, 7, 3), (7, 3, 8)]),
    ("ij,jk,k->i", [(400, 300), (300, 200), (200,)]), ("i,i", [(5,), (5,)]),
    ("ii->", [(4, 4)]), ("ab,cd,ef->abcdef", [(2, 3), (4, 5), (6, 7)]),
    ("bhqd,bhkd,bhkv->bhqv", [(8, 16, 1024, 64), (8, 16, 1024, 64), (8, 16, 1024, 64)]),
    ("ab,bc,cd,de,ef,fg->ag", [(3, 40), (40, 5), (5, 60), (60, 2), (2, 70), (70, 4)]),
    ("ij,jk,kl", [(2, 3), (3, 4), (4, 5)]), ("Ab,bc,cD->AD", [(2, 3), (3, 4), (4, 5)]),
    ("ij,jk,kl->il", [(1, 3), (3, 4), (4, 1)]),
]


@pytest.mark.parametrize("subscripts, shapes", PATH_CASES)
@pytest.mark.parametrize("optimize", ["greedy", "optimal", True, False, ("greedy", 50),
                                      ("optimal", 100)])
def test_einsum_path_matches_numpy(subscripts, shapes, optimize):
    ref = numpy.einsum_path(subscripts, *[numpy.empty(s) for s in shapes], optimize=optimize)
    ours = cuarray.einsum_path(subscripts, *[_fake(s) for s in shapes], optimize=optimize)
    assert ours[0] == ref[0]
    assert ours[1] == ref[1]


def test_einsum_path_explicit_and_errors():
    shapes = [(2, 3), (3, 4), (4, 5)]
    path = ["einsum_path", (1, 2), (0, 1)]
    ref = numpy.einsum_path("ij,jk,kl->il", *[numpy.empty(s) for s in shapes], optimize=path)
    assert cuarray.einsum_path("ij,jk,kl->il", *[_fake(s) for s in shapes],
                               optimize=path) == ref
    for kw in (dict(optimize="bogus"), dict(optimize=3), dict(optimize=["einsum_path", (0, 1)])):
        with pytest.raises(Exception) as r:
            numpy.einsum_path("ij,jk,kl->il", *[numpy.empty(s) for s in shapes], **kw)
        with pytest.raises(type(r.value)) as g:
            cuarray.einsum_path("ij,jk,kl->il", *[_fake(s) for s in shapes], **kw)
        assert str(g.value) == str(r.value)
    with pytest.raises(ValueError, match="Size of label 'j' for operand 1"):
        cuarray.einsum_path("ij,jk", _fake((2, 3)), _fake((4, 5)))
    ops, steps = cuarray.einsum_path("ij,jk,kl->il", *[_fake(s) for s in shapes],
                                     einsum_call=True)
    ref_ops, ref_steps = numpy.einsum_path("ij,jk,kl->il", *[numpy.empty(s) for s in shapes],
                                           einsum_call=True)
    assert len(ops) == 3 and [s[:2] for s in steps] == [s[:2] for s in ref_steps]


@pytest.mark.parametrize("subscripts, shapes", [
    ("ij,jk", [(2, 3), (3, 4)]), ("ba,ab", [(2, 3), (3, 2)]), ("Zz,zZ", [(2, 3), (3, 2)]),
    ("ii", [(3, 3)]), (" i , j ", [(2,), (3,)]), ("iij,jk->ik", [(2, 2, 3), (3, 4)]),
    ("...ij,...jk", [(5, 2, 3), (4, 1, 3, 2)]), ("i...,j", [(2,), (3,)]), ("...", [()]),
    ("...i->i", [(2, 3, 4)])])
def test_parse_implicit_and_explicit_outputs(subscripts, shapes):
    terms, output = P.parse(subscripts, [len(s) for s in shapes], sum_broadcast=True)
    ref = numpy.einsum_path(subscripts, *[numpy.empty(s) for s in shapes], optimize=False)
    ref_text = ref[1].splitlines()[0].split(":  ")[1]
    assert [len(t) for t in terms] == [len(s) for s in shapes]
    if "..." not in subscripts:
        assert f"{','.join(terms)}->{output}" == ref_text
    else:        # NumPy names broadcast dimensions by set order: compare lengths
        assert len(output) == len(ref_text.split("->")[1])
        assert [len(t) for t in ref_text.split("->")[0].split(",")] == [len(t) for t in terms]


def test_broadcast_letters_are_right_aligned():
    terms, output = P.parse("...ij,...jk", [3, 4])
    assert terms == ["zij", "yzjk"] and output == "yzik"
    assert P.parse("...,...", [0, 2]) == (["", "yz"], "yz")


def test_path_algorithms_are_ported_exactly():
    greedy = _numpy_private("numpy._core.einsumfunc", "_greedy_path")
    optimal = _numpy_private("numpy._core.einsumfunc", "_optimal_path")
    rng = numpy.random.default_rng(1)
    letters = "abcdefgh"
    for trial in range(60):
        nops = int(rng.integers(3, 6))
        sets = [set(rng.choice(list(letters), int(rng.integers(1, 4)), replace=False))
                for _ in range(nops)]
        sizes = {c: int(rng.integers(1, 9)) for c in letters}
        sets = [{str(c) for c in x} for x in sets]
        labels = sorted(set().union(*sets))
        output = {str(c) for c in rng.choice(labels, min(2, len(labels)), replace=False)}
        for limit in (10**9, 40):
            assert P.greedy_path([set(s) for s in sets], output, sizes, limit) == \
                greedy([set(s) for s in sets], output, sizes, limit)
            assert P.optimal_path([set(s) for s in sets], output, sizes, limit) == \
                optimal([set(s) for s in sets], output, sizes, limit)


def test_import_cuarray_does_not_load_the_products():
    code = ("import sys, cuarray; print(any(m.startswith('cuarray.linalg') or "
            "m == 'cuarray.cuda._cublas' for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip() == "False", out.stderr


def test_top_level_names():
    for name in ("dot", "vdot", "inner", "outer", "tensordot", "einsum", "einsum_path", "kron",
                 "trace", "cross"):
        fn = getattr(cuarray, name)
        assert fn.__name__ == name and fn.__doc__.startswith(f"See numpy.{name}")
    for name in ("multi_dot", "matrix_power", "vecdot", "cross", "outer", "tensordot", "matmul",
                 "diagonal", "trace", "matrix_transpose"):
        fn = getattr(cuarray.linalg, name)
        assert callable(fn) and fn.__name__ == name and hasattr(numpy.linalg, name)
    assert hasattr(cuarray.linalg, "matvec") == hasattr(numpy.linalg, "matvec")


def test_signatures_match_numpy():
    import inspect
    for name in ("dot", "vdot", "inner", "outer", "tensordot", "kron", "trace", "cross",
                 "einsum", "einsum_path"):
        assert inspect.signature(getattr(cuarray, name)) == \
            inspect.signature(getattr(numpy, name)), name
    for name in ("multi_dot", "matrix_power", "vecdot", "cross", "outer", "tensordot", "matmul",
                 "diagonal", "trace", "matrix_transpose"):
        ours, ref = getattr(cuarray.linalg, name), getattr(numpy.linalg, name)
        if not isinstance(ours, cuarray.ufunc):
            assert inspect.signature(ours) == inspect.signature(ref), name

