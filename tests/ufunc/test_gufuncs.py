"""The gufuncs matmul, matvec, vecmat and vecdot against NumPy.

CPU tests (CI): the objects' attributes; NumPy's gufunc shape rules as ported (result
shapes, output layout and exact error messages, checked on shapes and strides alone);
every kernel instantiation compiled for sm_90 by NVRTC; and the kernels' arithmetic and
addressing, compiled for the host with a small emulation of CUDA's thread blocks.
GPU tests (marked ``gpu``) compare results with NumPy through ``numpy_compare``.
"""

import ctypes
import shutil
import subprocess

import numpy
import pytest

import cuarray
from cuarray import testing
from cuarray._core.shape import contiguity
from cuarray._ufunc import gufunc as G
from cuarray.cuda import compiler
from cuarray.cuda.compiler import compile_to_cubin

gpu = pytest.mark.gpu
NAMES = [n for n in ("matmul", "matvec", "vecmat", "vecdot") if hasattr(numpy, n)]
OURS = set("?bBhHiIlLqQefdFD")
# Inputs lie in [-1, 1): sums of k products then differ from NumPy's (BLAS) order by
# roughly k * eps * k; a wrong element is off by O(1).
RTOL = {"float16": 2e-3, "float32": 1e-5, "complex64": 1e-5, "default": 1e-12}
ATOL = {"float16": 1e-3, "float32": 1e-4, "complex64": 1e-4, "default": 1e-12}


def arr(xp, shape, dtype, seed, layout="C"):
    dt = numpy.dtype(dtype)
    if dt.kind in "fc":
        return testing.random_array(xp, shape, dt, seed=seed, low=-1, high=1, layout=layout)
    return testing.random_array(xp, shape, dt, seed=seed, layout=layout)


# -- CPU: the objects ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_attributes_match_numpy(name):
    uf, ref = getattr(cuarray, name), getattr(numpy, name)
    assert isinstance(uf, cuarray.ufunc)
    assert (uf.__name__, uf.nin, uf.nout, uf.nargs) == (name, ref.nin, ref.nout, ref.nargs)
    assert uf.signature == ref.signature and uf.identity == ref.identity
    assert uf.types == [t for t in ref.types if set(t.replace("->", "")) <= OURS]
    assert uf.ntypes == len(uf.types) and repr(uf) == repr(ref)
    assert uf.__doc__.startswith(f"See numpy.{name}.")


def test_names_exist_exactly_where_numpy_has_them():
    for name in ("matmul", "matvec", "vecmat", "vecdot"):
        assert hasattr(cuarray, name) == hasattr(numpy, name)


@pytest.mark.parametrize("method, args, exc", [("reduce", (1,), RuntimeError),
                                               ("accumulate", (1,), RuntimeError),
                                               ("outer", (1, 2), TypeError),
                                               ("at", (1, [0], 1), TypeError)])
def test_reductions_and_outer_rejected_as_in_numpy(method, args, exc):
    with pytest.raises(exc) as ref:
        getattr(numpy.matmul, method)(*[numpy.ones((2, 2)) if a == 1 else a for a in args])
    with pytest.raises(exc) as got:
        getattr(cuarray.matmul, method)(*args)
    assert str(got.value) == str(ref.value)


# -- CPU: NumPy's shape rules, on (shape, strides) only ------------------------------------
SHAPE_CASES = [
    ("matmul", (2, 3, 4), (5, 4, 6), None, {}), ("matmul", (2, 1, 3, 4), (5, 4, 6), None, {}),
    ("matmul", (3, 4), (3, 4), None, {}), ("matmul", (4,), (3,), None, {}),
    ("matmul", (3, 4), (), None, {}), ("matmul", (), (3, 4), None, {}),
    ("matmul", (4,), (4, 5), None, {}), ("matmul", (3, 4), (4,), None, {}),
    ("matmul", (4,), (4,), None, {}), ("matmul", (6,), (4, 6, 2), None, {}),
    ("matmul", (1, 3, 1, 5, 6), (4, 6, 2), None, {}), ("matmul", (2, 3, 4), (0, 4, 5), None, {}),
    ("matmul", (2, 0, 3, 0), (1, 0, 5), None, {}), ("matvec", (3, 4), (3,), None, {}),
    ("matvec", (4,), (4,), None, {}), ("matvec", (2, 3, 4), (5, 1, 4), None, {}),
    ("vecmat", (4,), (3, 4), None, {}), ("vecdot", (4,), (3,), None, {}),
    ("vecdot", (2, 3, 4), (5, 4), None, {}), ("vecdot", (3, 0), (3, 0), None, {}),
    # axis / axes / keepdims
    ("vecdot", (3, 4), (3, 4), None, dict(axis=0)),
    ("vecdot", (3, 4), (3, 4), None, dict(axis=0, keepdims=True)),
    ("vecdot", (3, 4), (3, 4), None, dict(axis=5)),
    ("vecdot", (4, 3, 5), (4, 1, 5), None, dict(axis=1)),
    ("vecdot", (3, 4), (3, 4), None, dict(axes=[0, 0, ()])),
    ("vecdot", (3, 4), (3, 4), None, dict(axes=[0, 0])),
    ("vecdot", (3, 4), (4, 3), None, dict(axes=[(0,), (1,)], keepdims=True)),
    ("vecdot", (4, 3, 5), (4, 3, 5), None, dict(axes=[0, 0, 1], keepdims=True)),
    ("vecdot", (3, 4), (4,), None, dict(axes=[(0,), (0,)])),
    ("vecdot", (3, 4), (3, 4), None, dict(axes=[(0,), (0,), (0,)])),
    ("vecdot", (3, 4), (3, 4), None, dict(axes=[(0,), (0,), 0])),
    ("vecdot", (3, 4), (3, 4), None, dict(axes=[(0,), (0,), None])),
    ("vecdot", (3, 4), (3, 4), None, dict(axes=[(0,), (0.5,)])),
    ("vecdot", (3, 4), (3, 4), None, dict(keepdims=True)),
    ("matmul", (3, 4, 5), (3, 5, 4), None, dict(axes=[(0, 1), (0, 1), (0, 1)])),
    ("matmul", (3, 4, 5), (3, 5, 4), None, dict(axes=[(0, 1), (0, 1)])),
    ("matmul", (3, 4, 5), (3, 5, 4), None, dict(axes=[(0, 1), (0, 1), (0, 5)])),
    ("matmul", (3, 4, 5), (3, 5, 4), None, dict(axes=[(0, 0), (0, 1), (0, 1)])),
    ("matmul", (3, 4, 5), (3, 5, 4), None, dict(axes=[(0,), (0, 1), (0, 1)])),
    ("matmul", (3, 4, 5), (3, 5, 4), None, dict(axes=(0, 1))),
    ("matmul", (3, 4), (4, 5), None, dict(axes=[(0, 1), 0, (0, 1)])),
    ("matmul", (3, 4), (4, 5), None, dict(axes=[(0, 1), "x", (0, 1)])),
    ("matmul", (3, 4), (4,), None, dict(axes=[(0, 1), (0,), (0,)])),
    ("matmul", (4,), (4, 5), None, dict(axes=[(-2, -1), (-2, -1), (-2, -1)])),
    ("matmul", (4,), (4,), None, dict(axes=[-1, -1, ()])),
    ("matmul", (2, 4, 3), (2, 4, 5), None, dict(axes=[(-1, -2), (-2, -1), (-2, -1)])),
    ("matmul", (3, 4, 5), (3, 5, 6), None, dict(axes=[(-2, -1), (-2, -1), (-1, -2)])),
    ("matmul", (3, 4, 5), (3, 5, 6), None, dict(axes=[(-2, -1), (-2, -1), (0, 2)])),
    ("matmul", (3, 4), (4, 5), None, dict(axis=0)), ("matvec", (3, 4), (4,), None, dict(axis=0)),
    ("matmul", (3, 4), (4, 5), None, dict(keepdims=False)),
    ("matvec", (3, 4), (4,), None, dict(axes=[(1, 0), 0, 0])),
    ("vecmat", (4,), (4, 3), None, dict(axes=[0, (0, 1), 0])),
    # out= shapes
    ("matmul", (3, 4), (4, 5), (2, 3, 5), {}), ("matmul", (3, 4), (4, 5), (3, 6), {}),
    ("matmul", (2, 3, 4), (4, 5), (3, 5), {}), ("matmul", (3, 4), (4,), (3, 3), {}),
    ("matmul", (3, 4), (4, 5), (5,), {}), ("matmul", (3, 4), (4, 5), (3,), {}),
    ("matmul", (3, 4), (4,), (), {}), ("matmul", (4,), (4,), (2, 3), {}),
    ("matmul", (2, 3, 3), (3, 3), (1, 3, 3), {}),
    ("matmul", (2, 3, 4), (5, 1, 4, 6), (1, 3, 6), {}),
    ("matmul", (2, 3, 4), (5, 1, 4, 6), (5, 3, 3, 6), {}),
    ("matvec", (2, 3, 4), (5, 1, 4), (4, 2, 3), {}),
    ("vecdot", (2, 3, 4), (2, 3, 4), (2, 3, 1), {}), ("vecdot", (2, 3, 4), (2, 3, 4), (3,), {}),
    ("vecdot", (2, 3, 4), (2, 3, 4), (4, 2, 3), {}), ("vecdot", (2, 1, 4), (1, 3, 4), (2, 1), {}),
    ("vecdot", (3, 4), (3, 4), (3, 4), dict(keepdims=True)),
    ("vecdot", (3, 4), (3, 4), (3, 1), dict(keepdims=True)),
    # output layout (order, and 'K' following the inputs' strides)
    ("matmul", (2, 3, 4), (4, 5), None, dict(order="F")),
    ("matmul", (2, 3, 4), (4, 5), None, dict(order="A")),
    ("matmul", "F(2,3,4)", "F(4,5)", None, dict(order="A")),
    ("matmul", "F(4,5,2,3)", (3, 6), None, {}),
    ("matmul", "T(4,3,5,6)", (3, 6, 2), None, {}), ("vecdot", "F(3,4,5)", "F(3,4,5)", None, {}),
    ("matvec", "T(4,3,5,6)", (6,), None, {}), ("matmul", "R(3,4,5,6)", (6, 2), None, {}),
]


def _host(spec):
    """A host array for a case's shape: "F(..)" Fortran order, "T(..)" axes 0 and 1 swapped,
    "R(..)" axis 1 reversed; () a 0-d array (NumPy's view of a scalar operand)."""
    if isinstance(spec, tuple):
        return numpy.zeros(spec)
    shape = tuple(int(s) for s in spec[2:-1].split(","))
    a = numpy.zeros(shape, order="F" if spec[0] == "F" else "C")
    return {"F": a, "T": a.swapaxes(0, 1), "R": a[:, ::-1]}[spec[0]]


def _numpy_outcome(name, a, b, out, kw):
    try:
        r = getattr(numpy, name)(a, b, out=out, **kw)
    except Exception as e:  # noqa: BLE001 - the outcome compared
        return type(e), str(e)
    r = numpy.asarray(r)
    return r.shape, (r.strides if r.size else None), r.flags.c_contiguous, r.flags.f_contiguous


def _our_outcome(name, a, b, out, kw):
    uf = getattr(cuarray, name)
    ops = [(x.shape, x.strides, x.flags.f_contiguous) for x in (a, b)]
    ops.append(None if out is None else (out.shape, out.strides, out.flags.f_contiguous))
    try:
        lay = uf._core_layout(ops, kw.get("axes"), kw.get("axis"), kw.get("keepdims"))
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)
    if out is not None:
        return out.shape, (out.strides if out.size else None), out.flags.c_contiguous, \
            out.flags.f_contiguous
    shape, strides = G.out_geometry(lay, ops, 8, kw.get("order", "K"))
    empty = 0 in shape
    return (shape, None if empty else strides, *contiguity(shape, strides, 8))


@pytest.mark.parametrize("name, sa, sb, so, kw", [c for c in SHAPE_CASES if c[0] in NAMES])
def test_shape_rules_match_numpy(name, sa, sb, so, kw):
    a, b = _host(sa), _host(sb)
    out = None if so is None else numpy.zeros(so)
    assert _our_outcome(name, a, b, out, kw) == _numpy_outcome(name, a, b, out, kw)


# -- CPU: every kernel instantiation compiles for sm_90 -----------------------------------------
def _same_type_loops(name):
    """NumPy's loops of ``name`` on cuarray's dtypes, each once ('l' and 'q' are both int64)."""
    seen = {}
    for t in getattr(numpy, name).types:
        if set(t.replace("->", "")) <= OURS:
            ins, out = t.split("->")
            dts = tuple(numpy.dtype(c) for c in ins + out)
            seen.setdefault(dts, dts)
    return list(seen)


def _kernel_sources(name):
    """[(kernel base, source)]: every loop with 1 batch dim and 32-bit indices, plus other
    batch ranks, 64-bit indices and mixed storage dtypes on a few loops."""
    conj = getattr(cuarray, name)._spec.conj_first
    f8, c8, i8 = numpy.dtype("float64"), numpy.dtype("complex64"), numpy.dtype("int8")
    variants = [(loop, loop, 1, "int") for loop in _same_type_loops(name)]
    variants += [((f8,) * 3, (f8,) * 3, 0, "long long"), ((f8,) * 3, (f8,) * 3, 3, "int"),
                 ((numpy.dtype(bool), numpy.dtype("float16"), c8), (c8,) * 3, 2, "long long"),
                 ((i8, numpy.dtype("uint64"), f8), (f8,) * 3, 1, "int"),
                 ((c8, c8, numpy.dtype("float16")), (numpy.dtype("float32"),) * 3, 1, "int")]
    result = []
    for storage, loop, nd, index in variants:
        base = G.kernel_base(name, storage, nd, index)
        result.append((base, G.gemm_source(base, storage, loop, conj, nd, index)))
    return result


@pytest.fixture
def no_disk_cache(monkeypatch):
    monkeypatch.setenv("CUARRAY_DISABLE_DISK_CACHE", "1")


@pytest.mark.parametrize("name", NAMES)
def test_every_kernel_compiles_for_sm90(name, no_disk_cache):
    sources = _kernel_sources(name)
    # Names are unique per kernel base and headers have include guards: one program.
    cubin, _ = compile_to_cubin("\n".join(src for _, src in sources), arch="sm_90")
    assert cubin[:4] == b"\x7fELF"
    for base, _ in sources:
        for variant in G.VARIANTS:
            assert f"{base}_{variant}".encode() in cubin, f"{base}_{variant} missing"


# -- CPU: the kernels' arithmetic and addressing, on the host ------------------------------
# One OS thread per CUDA thread and a std::barrier per block stand in for the GPU, so the
# kernels run unchanged (grid-stride loops, shared-memory tiles, reductions) against NumPy.
HOST_SHIM = r"""
#include <math.h>
#include <barrier>
#include <thread>
#include <vector>
struct shim_dim3 { unsigned x, y, z; };
inline thread_local shim_dim3 threadIdx, blockIdx;
inline shim_dim3 blockDim, gridDim;
inline std::barrier<>* shim_barrier;
#define __syncthreads() shim_barrier->arrive_and_wait()
#define __shared__ static
#define __device__
#define __forceinline__ inline
#define __global__
#define __launch_bounds__(x)
template <typename F>
void shim_launch(const unsigned* g, const unsigned* b, F f) {
  gridDim = {g[0], g[1], g[2]};
  blockDim = {b[0], b[1], b[2]};
  for (unsigned z = 0; z < g[2]; ++z) for (unsigned y = 0; y < g[1]; ++y)
    for (unsigned x = 0; x < g[0]; ++x) {
      std::barrier<> bar(b[0] * b[1] * b[2]);
      shim_barrier = &bar;
      std::vector<std::thread> ts;
      for (unsigned ty = 0; ty < b[1]; ++ty) for (unsigned tx = 0; tx < b[0]; ++tx)
        ts.emplace_back([=] { threadIdx = {tx, ty, 0}; blockIdx = {x, y, z}; f(); });
      for (auto& t : ts) t.join();
    }
}
"""
HOST_DTYPES = ["float64", "float32", "int8", "uint64", "bool", "complex64", "complex128"]


def _host_program(tmp_path_factory):
    cxx = shutil.which("c++") or shutil.which("g++") or shutil.which("clang++")
    if cxx is None:
        pytest.skip("no host C++ compiler to run the gemm kernels with")
    parts, wrappers = [HOST_SHIM], []
    for dt in HOST_DTYPES:
        loop = (numpy.dtype(dt),) * 3
        for nd, index in ((2, "int"), (0, "long long")):
            base = G.kernel_base(f"host_{dt}", loop, nd, index)
            parts.append(G.gemm_source(base, loop, loop, True, nd, index))
            params = ", ".join(["const char* A", "const char* B", "char* C"]
                               + [f"const long long q{i}" for i in range(10 + 4 * nd)])
            call = ", ".join(["A", "B", "C"] + [f"q{i}" for i in range(10 + 4 * nd)])
            for v in G.VARIANTS:
                wrappers.append(f'extern "C" void run_{base}_{v}(const unsigned* g, '
                                f'const unsigned* b, {params}) {{ shim_launch(g, b, [=] {{ '
                                f'{base}_{v}({call}); }}); }}')
    d = tmp_path_factory.mktemp("gemm_host")
    (d / "k.cpp").write_text("\n".join(parts + wrappers))
    r = subprocess.run([cxx, "-O1", "-std=c++20", "-shared", "-fPIC", "-pthread", "-w",
                        f"-I{compiler._INCLUDE_DIR}", str(d / "k.cpp"), "-o", str(d / "k.so")],
                       capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"the host compiler cannot build the emulation (C++20 <barrier>): "
                    f"{r.stderr[:300]}")
    return ctypes.CDLL(str(d / "k.so"))


@pytest.fixture(scope="module")
def host_gemm(tmp_path_factory):
    return _host_program(tmp_path_factory)


def _host_run(lib, dt, variant, grid, a, b, c, roles, nd, index):
    """C = A @ B (conjugating A) over the loop dims that lead each operand's shape."""
    (an, ak), (bk, bm), (cn, cm) = roles
    n, k, m = (c.shape[cn] if cn is not None else 1, a.shape[ak],
               c.shape[cm] if cm is not None else 1)
    lead = c.ndim - sum(r is not None for r in (cn, cm))
    st = [x.strides[ax] if ax is not None else 0
          for x, ax in ((a, an), (a, ak), (b, bk), (b, bm), (c, cn), (c, cm))]
    args = [n, m, k, *st, int(numpy.prod(c.shape[:lead]))]
    for d in range(lead):
        args += [c.shape[d], a.strides[d] if a.shape[d] > 1 else 0,
                 b.strides[d] if b.shape[d] > 1 else 0, c.strides[d]]
    base = G.kernel_base(f"host_{dt}", (numpy.dtype(dt),) * 3, nd, index)
    g = (ctypes.c_uint * 3)(*grid)
    blk = (ctypes.c_uint * 3)(*((32, 8, 1) if variant == "tiled" else (256, 1, 1)))
    getattr(lib, f"run_{base}_{variant}")(g, blk, *[ctypes.c_void_p(x.ctypes.data)
                                                   for x in (a, b, c)],
                                         *[ctypes.c_longlong(v) for v in args])


@pytest.mark.parametrize("dt", HOST_DTYPES)
@pytest.mark.parametrize("variant, grid, n, m", [("tiled", (1, 1, 1), 40, 33),
                                                 ("tiled", (2, 1, 2), 40, 33),
                                                 ("dot4", (2, 1, 1), 40, 33),
                                                 ("dot32", (3, 1, 1), 7, 3),
                                                 ("dot256", (2, 1, 1), 3, 2)])
def test_host_kernels_match_numpy(host_gemm, dt, variant, grid, n, m):
    # Small grids make every block-stride loop take several steps (the emulation runs a
    # barrier per step on OS threads: the dot variants get few outputs).
    a = arr(numpy, (2, 3, n, 70), dt, 1)[:, :, ::-1, ::2]      # (2, 3, n, 35), strided
    b = arr(numpy, (3, 35, m), dt, 2).swapaxes(1, 2).copy().swapaxes(1, 2)
    b = numpy.broadcast_to(b, (2, 3, 35, m))                     # a broadcast batch dim
    c = numpy.zeros((2, 3, n, m), dt)
    _host_run(host_gemm, dt, variant, grid, a, b, c, ((2, 3), (2, 3), (2, 3)), 2, "int")
    ref = numpy.matmul(a.conj() if c.dtype.kind == "c" else a, b)
    testing.assert_allclose(c, ref, rtol=1e-5, atol=1e-5) if c.dtype.kind in "fc" else \
        testing.assert_array_equal(c, ref)


@pytest.mark.parametrize("dt", HOST_DTYPES)
@pytest.mark.parametrize("variant", ["tiled", "dot4", "dot32", "dot256"])
def test_host_kernels_vector_products_and_64bit(host_gemm, dt, variant):
    # A vector-matrix product (n = 1) with no batch dims and 64-bit indices, C transposed.
    x = arr(numpy, (300,), dt, 3)[::-3]                         # (100,), negative stride
    m = arr(numpy, (9, 100), dt, 4).T                            # (100, 9), column-major
    c = numpy.zeros((9,), dt)
    _host_run(host_gemm, dt, variant, (2, 1, 1), x, m, c, ((None, 0), (0, 1), (None, 0)), 0,
              "long long")
    ref = numpy.vecmat(x, m) if hasattr(numpy, "vecmat") else numpy.matmul(x.conj(), m)
    testing.assert_allclose(c, ref, rtol=1e-5, atol=1e-5) if c.dtype.kind in "fc" else \
        testing.assert_array_equal(c, ref)


# -- GPU: values, dtypes and layouts against NumPy -----------------------------------------
PAIRS = {
    "matmul": [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)),
               ((2, 1, 3, 4), (5, 4, 6)), ((40, 70), (70, 33)), ((1, 3), (3, 1)),
               ((6, 1), (1, 7)), ((2, 1500), (1500, 3))],
    "matvec": [((3, 4), (4,)), ((2, 3, 4), (5, 1, 4)), ((40, 70), (70,))],
    "vecmat": [((4,), (4, 3)), ((5, 1, 4), (2, 4, 3)), ((70,), (70, 33))],
    "vecdot": [((4,), (4,)), ((2, 3, 4), (3, 4)), ((1500,), (1500,)), ((5, 300), (300,))],
}
CASES = [(name, sa, sb) for name in NAMES for sa, sb in PAIRS[name]]


@gpu
@pytest.mark.parametrize("name, sa, sb", CASES)
@testing.for_all_dtypes()
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_every_dtype(xp, name, sa, sb, dtype):
    return getattr(xp, name)(arr(xp, sa, dtype, 1), arr(xp, sb, dtype, 2))


@gpu
@pytest.mark.parametrize("name, sa, sb", [("matmul", (2, 5, 7), (7, 3)),
                                          ("matmul", (9,), (2, 9, 4)),
                                          ("vecdot", (4, 9), (4, 9)),
                                          ("matvec", (3, 5, 7), (7,)),
                                          ("vecmat", (7,), (3, 7, 5))])
@pytest.mark.parametrize("la", testing.LAYOUTS)
@pytest.mark.parametrize("lb", testing.LAYOUTS)
@testing.for_dtypes(["int16", "float32", "complex128"])
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_layouts(xp, name, sa, sb, la, lb, dtype):
    if name not in NAMES:
        pytest.skip(f"numpy.{name} needs NumPy 2.2")
    return getattr(xp, name)(arr(xp, sa, dtype, 3, la), arr(xp, sb, dtype, 4, lb))


@gpu
@pytest.mark.parametrize("name, sa, sb", [("matmul", (0, 4), (4, 5)), ("matmul", (3, 0), (0, 5)),
                                          ("matmul", (2, 0, 3, 4), (4, 5)),
                                          ("matmul", (2, 3, 0), (0,)), ("matmul", (0,), (0,)),
                                          ("vecdot", (3, 0), (3, 0)), ("vecdot", (0, 3), (3,)),
                                          ("matvec", (0, 3, 4), (4,)), ("vecmat", (0,), (0, 5))])
@testing.for_dtypes(["bool", "int8", "float16", "float64", "complex64"])
@testing.numpy_compare()
def test_empty_dimensions(xp, name, sa, sb, dtype):
    if name not in NAMES:
        pytest.skip(f"numpy.{name} needs NumPy 2.2")
    return getattr(xp, name)(arr(xp, sa, dtype, 5), arr(xp, sb, dtype, 6))


@gpu
@pytest.mark.parametrize("da, db", [("bool", "int8"), ("int8", "uint8"), ("int32", "float32"),
                                    ("float16", "int16"), ("uint64", "int64"),
                                    ("float32", "complex64"), ("float16", "complex128"),
                                    ("bool", "float16"), ("int64", "float64"), ("uint8", "bool")])
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_mixed_dtypes(xp, da, db):
    return xp.matmul(arr(xp, (3, 5), da, 7), arr(xp, (5, 2), db, 8)), \
        xp.vecdot(arr(xp, (3, 5), da, 7), arr(xp, (5,), db, 8))


@gpu
@pytest.mark.parametrize("kw", [dict(dtype="float16"), dict(dtype="complex64"),
                                dict(dtype="int8", casting="unsafe"), dict(dtype="int32"),
                                dict(casting="no"), dict(casting="safe"),
                                dict(signature=(None, None, "f4"))])
@testing.for_dtypes(["int16", "float32"])
@testing.numpy_compare(rtol=RTOL, atol=ATOL, accept_error=TypeError)
def test_dtype_and_casting(xp, kw, dtype):
    return xp.matmul(arr(xp, (3, 4), dtype, 9), arr(xp, (4, 5), "int16", 10), **kw)


@gpu
@testing.numpy_compare()
def test_float16_sums_in_float32(xp):
    # 2048 + 1 + 1: a float16 running sum stays at 2048; NumPy's loop sums in float32.
    a = xp.asarray(numpy.array([2048, 1, 1], "float16"))
    ones = xp.asarray(numpy.ones(3, "float16"))
    return xp.matmul(a, ones), xp.vecdot(a, ones), xp.matmul(a[None], ones[:, None])


@gpu
@testing.for_dtypes(["int8", "uint8", "int16", "int32", "uint32", "int64", "uint64"])
@testing.numpy_compare()
def test_integer_overflow_wraps(xp, dtype):
    info = numpy.iinfo(dtype)
    a = xp.asarray(numpy.full((3, 7), info.max, dtype))
    b = xp.asarray(numpy.array(numpy.arange(7 * 2).reshape(7, 2) % 5 + 2, dtype))
    return xp.matmul(a, b)


@gpu
@testing.for_dtypes(["float16", "float32", "float64"])
@testing.numpy_compare()
def test_nan_and_inf_propagate(xp, dtype):
    h = numpy.full((3, 4), 0.5, dtype)
    h[0, 1], h[1, 2] = numpy.nan, numpy.inf
    return xp.matmul(xp.asarray(h), xp.asarray(numpy.full((4, 5), 0.25, dtype)))


@gpu
@testing.for_complex_dtypes()
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_complex_conjugation(xp, dtype):
    x, y = arr(xp, (6, 5), dtype, 11), arr(xp, (5,), dtype, 12)
    out = [xp.vecdot(x, y), xp.matmul(x, y)]
    if hasattr(numpy, "vecmat"):
        out += [xp.vecmat(y, x.T), xp.matvec(x, y)]
    return tuple(out)


# -- GPU: keywords ------------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("name, sa, sb, kw", [
    ("vecdot", (4, 3, 5), (1, 3, 5), dict(axis=1)), ("vecdot", (3, 4), (3, 4), dict(axis=0)),
    ("vecdot", (3, 4), (3, 4), dict(axis=0, keepdims=True)),
    ("vecdot", (3, 4), (4, 3), dict(axes=[0, 1])),
    ("vecdot", (3, 4), (3, 4), dict(keepdims=True)),
    ("matmul", (2, 4, 3), (2, 4, 5), dict(axes=[(-1, -2), (-2, -1), (-2, -1)])),
    ("matmul", (3, 4, 5), (3, 5, 6), dict(axes=[(-2, -1), (-2, -1), (-1, -2)])),
    ("matmul", (3, 4, 5), (3, 5, 6), dict(axes=[(-2, -1), (-2, -1), (0, 1)])),
    ("matmul", (3, 4), (4,), dict(axes=[(0, 1), (0,), (0,)])),
    ("matmul", (4, 3), (4,), dict(axes=[(1, 0), (0,), (0,)])),
    ("matmul", (2, 3, 4), (4, 5), dict(order="F")), ("matmul", (2, 3, 4), (4, 5), dict(order="C")),
    ("matvec", (4, 3), (4,), dict(axes=[(1, 0), 0, 0])),
    ("vecmat", (4,), (4, 3), dict(axes=[0, (0, 1), 0])),
])
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_axes_axis_keepdims_order(xp, name, sa, sb, kw):
    if name not in NAMES:
        pytest.skip(f"numpy.{name} needs NumPy 2.2")
    return getattr(xp, name)(arr(xp, sa, "float64", 13), arr(xp, sb, "float64", 14), **kw)


@gpu
@pytest.mark.parametrize("so, odt", [((3, 5), "float64"), ((2, 3, 5), "float64"),
                                     ((3, 5), "float32"), ((3, 5), "complex128"),
                                     ((5, 3), "float64")])
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_out(xp, so, odt):
    a, b = arr(xp, (3, 4), "float64", 15), arr(xp, (4, 5), "float64", 16)
    out = xp.zeros(so, odt)
    if so == (5, 3):
        out = out.T                                  # a transposed output
    assert xp.matmul(a, b, out=out) is out
    assert xp.matmul(a, b, out=(out,)) is out
    assert xp.matmul(a, b, out) is out
    return out


@gpu
@pytest.mark.parametrize("so, odt", [((3, 6), "float64"), ((3, 5), "int32"), ((5,), "float64"),
                                     ((3,), "float64"), ((1, 3, 5), "float64")])
@testing.numpy_compare(accept_error=(ValueError, TypeError))
def test_out_errors(xp, so, odt):
    return xp.matmul(arr(xp, (2, 3, 4), "float64", 15), arr(xp, (4, 5), "float64", 16),
                     out=xp.zeros(so, odt))


@gpu
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_out_overlapping_inputs(xp):
    a = arr(xp, (3, 4, 4), "float64", 17)
    b = arr(xp, (4, 4), "float64", 18)
    xp.matmul(a, b, out=a)                           # computed as if the inputs were copied
    xp.matmul(b, b, out=b)
    c = arr(xp, (5, 4), "float64", 19)
    xp.matmul(c[:4], b, out=c[1:])                  # partially overlapping views
    return a, b, c


ERROR_CASES = [
    ("matmul", (2, 3, 4), (5, 4, 6), {}), ("matmul", (3, 4), (3, 4), {}),
    ("matmul", (4,), (3,), {}), ("matmul", (3, 4), 2.0, {}), ("matmul", 2, (3, 4), {}),
    ("vecdot", (4,), (3,), {}), ("vecdot", (2, 3, 4), (5, 4), {}),
    ("matmul", (3, 4), (4, 5), dict(axis=0)), ("vecdot", (3, 4), (3, 4), dict(axis=5)),
    ("vecdot", (3, 4), (3, 4), dict(axis=0, axes=[0, 0])),
    ("vecdot", (3, 4), (3, 4), dict(keepdims=1)),
    ("matmul", (3, 4), (4, 5), dict(keepdims=True)),
    ("matmul", (3, 4, 5), (3, 5, 4), dict(axes=[(0, 1), (0, 1)])),
    ("matmul", (3, 4, 5), (3, 5, 4), dict(axes=[(0, 0), (0, 1), (0, 1)])),
    ("matmul", (3, 4, 5), (3, 5, 4), dict(axes=(0, 1))),
    ("matmul", (3, 4), (4, 5), dict(casting="bogus")), ("matmul", (3, 4), (4, 5), dict(order="X")),
    ("matmul", (3, 4), (4, 5), dict(dtype="int32")),
    ("matmul", (3, 4), (4, 5), dict(dtype=float, signature=(None, None, float))),
]


@gpu
@pytest.mark.parametrize("name, sa, sb, kw", ERROR_CASES)
def test_error_messages_match_numpy(name, sa, sb, kw):
    def run(xp):
        a = xp.ones(sa) if isinstance(sa, tuple) else sa
        b = xp.ones(sb) if isinstance(sb, tuple) else sb
        getattr(xp, name)(a, b, **kw)
    with pytest.raises(Exception) as ref:
        run(numpy)
    with pytest.raises(type(ref.value)) as got:
        run(cuarray)
    assert str(got.value) == str(ref.value)


@gpu
def test_host_arrays_rejected():
    with pytest.raises(TypeError):
        cuarray.matmul(cuarray.ones((2, 2)), numpy.ones((2, 2)))
    with pytest.raises(TypeError):
        cuarray.matmul(cuarray.ones((2, 2)), [[1, 2], [3, 4]])


# -- GPU: operators ------------------------------------------------------------------------------
@gpu
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_matmul_operators(xp):
    a, b = arr(xp, (2, 3, 4), "float32", 20), arr(xp, (4, 5), "float32", 21)
    v = arr(xp, (4,), "float32", 22)
    return a @ b, b.T @ a.mT, a @ v, v @ b, b.__rmatmul__(a)


@gpu
@pytest.mark.parametrize("sa, sb", [((3, 3), (3, 3)), ((2, 3, 3), (3, 3)), ((3, 4), (4, 4)),
                                    ((3,), (3, 3)), ((3, 4), (4, 5)), ((3, 3), (2, 3, 3)),
                                    ((3, 3), (3,)), ((3,), (3,))])
@testing.numpy_compare(rtol=RTOL, atol=ATOL, accept_error=ValueError)
def test_inplace_matmul(xp, sa, sb):
    # NumPy's `a @= b` never broadcasts the result into `a`: it raises ValueError when b is
    # 1-d, where `matmul(a, b, out=a)` would broadcast.
    a = arr(xp, sa, "float64", 23)
    a @= arr(xp, sb, "float64", 24)
    return a


@gpu
@pytest.mark.parametrize("other", [2, 2.5, numpy.float32(2)])
@testing.numpy_compare(accept_error=ValueError)
def test_matmul_rejects_scalars(xp, other):
    a = arr(xp, (3,), "float64", 25)
    return a @ other


@gpu
@pytest.mark.parametrize("other", [2, 2.5])
@testing.numpy_compare(accept_error=ValueError)
def test_rmatmul_rejects_scalars(xp, other):
    return other @ arr(xp, (3,), "float64", 25)


# -- GPU: sizes that need grid loops and 64-bit offsets ------------------------------------------
@gpu
@testing.for_dtypes(["int32", "float64"])
@testing.numpy_compare(rtol=RTOL, atol=ATOL)
def test_batch_beyond_grid_z(xp, dtype):
    # 70000 batches > 65535, the largest grid z: the kernel loops over batches.
    return xp.matmul(arr(xp, (70000, 2, 3), dtype, 26), arr(xp, (70000, 3, 2), dtype, 27))


@gpu
def test_offsets_beyond_32_bits():
    # Rows 2**28 bytes apart: byte offsets reach 2**31, so the kernels index in 64 bits.
    big = cuarray.zeros((9 * 2**26 + 2**20,), "float32")
    view = big[:9 * 2**26].reshape(9, 2**26)[:, :5]            # (9, 5), row stride 2**28 B
    ha = testing.random_array(numpy, (9, 5), "float32", seed=28, low=-1, high=1)
    hb = testing.random_array(numpy, (5, 4), "float32", seed=29, low=-1, high=1)
    hc = testing.random_array(numpy, (9, 3), "float32", seed=30, low=-1, high=1)
    view[...] = cuarray.asarray(ha)
    b, c = cuarray.asarray(hb), cuarray.asarray(hc)
    testing.assert_allclose(cuarray.matmul(view, b), ha @ hb, rtol=1e-5, atol=1e-5)
    testing.assert_allclose(cuarray.vecdot(view, view), numpy.vecdot(ha, ha), rtol=1e-5,
                            atol=1e-5)
    testing.assert_allclose(cuarray.matmul(view.T, c), ha.T @ hc, rtol=1e-5, atol=1e-5)
