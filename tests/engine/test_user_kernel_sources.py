"""CPU checks of the custom-kernel layer: parameter parsing, CuPy's type rules, errors raised
before any launch, and that the generated sources compile with NVRTC for sm_90."""

import numpy
import pytest

import cuarray
from cuarray._core import shape as _sh
from cuarray._core.ndarray import _init, _new, ndarray
from cuarray._engine import reduction_source as RS
from cuarray._engine import source as S
from cuarray._engine import user_kernels as uk
from cuarray._ufunc import fusion
from cuarray.cuda.compiler import compile_to_cubin


def fake(shape, dtype, order="C"):
    """An ndarray header with no memory: enough for tracing and type checks."""
    dt = numpy.dtype(dtype)
    strides = (_sh.c_strides if order == "C" else _sh.f_strides)(shape, dt.itemsize)
    a = _new(ndarray)
    _init(a, tuple(shape), strides, dt, None, 0, None)
    return a


def _compile(src):
    cubin, _ = compile_to_cubin(src, arch="sm_90")
    assert cubin[:4] == b"\x7fELF"


# -- parameters and types --------------------------------------------------------------------------
def test_parse_params():
    ps = uk.parse_params("raw T x, float32 y , int64 _n", True)
    assert [(p.name, p.raw, p.ctype) for p in ps] == [("x", True, "T"), ("y", False, "float"),
                                                      ("_n", False, "long long")]
    assert ps[1].dtype == numpy.float32 and ps[0].dtype is None and ps[0].is_const
    assert uk.parse_params("", True) == ()


@pytest.mark.parametrize("text,exc", [("float32", ValueError), ("ref T x", ValueError),
                                      ("float128 x", TypeError), ("T 1x", ValueError)])
def test_parse_errors(text, exc):
    with pytest.raises(exc):
        uk.parse_params(text, True)


def test_decide_types_placeholders_and_scalars():
    ins = uk.parse_params("T x, T y, U s, float64 c", True)
    outs = uk.parse_params("T z, U w", False)
    it, ot, types = uk.decide_types(ins, outs, [fake((3,), "int16"), 5, 2.5, 1], [None, None])
    assert it == (numpy.int16, numpy.int16, numpy.float64, numpy.float64)
    assert ot == (numpy.int16, numpy.float64)
    assert types == {"T": numpy.dtype("int16"), "U": numpy.dtype("float64")}
    it, ot, _ = uk.decide_types(ins, outs, [fake((3,), "int16"), 5, numpy.float32(1), 1],
                                [None, None])
    assert ot[1] == numpy.float32


def test_decide_types_mismatch_and_undetermined():
    ins = uk.parse_params("T x, T y", True)
    outs = uk.parse_params("T z", False)
    with pytest.raises(TypeError, match="Type is mismatched"):
        uk.decide_types(ins, outs, [fake((2,), "f4"), fake((2,), "f8")], [None])
    with pytest.raises(TypeError, match="Type is mismatched"):
        uk.decide_types(ins, outs, [fake((2,), "f4"), 1], [fake((2,), "f8")])
    with pytest.raises(TypeError, match="determine"):
        uk.decide_types(uk.parse_params("T x", True), uk.parse_params("U z", False),
                        [fake((2,), "f4")], [None])


def test_reads_detection():
    assert not uk._reads("z", "z = x + y")
    assert not uk._reads("z", "z = (z_other == 1)")
    assert uk._reads("z", "z += x")
    assert uk._reads("z", "z = z * 2")
    assert uk._reads("z", "y = z == 1")
    assert not uk._reads("z", "a.z = 1; z = 2")


# -- errors before any launch (no GPU needed) --------------------------------------------------------
def test_elementwise_argument_errors():
    k = cuarray.ElementwiseKernel("float32 x, float32 y", "float32 z", "z = x - y", "k")
    x = fake((4,), "float32")
    with pytest.raises(TypeError, match="Wrong number of arguments"):
        k(x)
    with pytest.raises(TypeError, match="Type is mismatched"):
        k(x, fake((4,), "float64"))
    with pytest.raises(TypeError, match="numpy.ndarray"):
        k(x, numpy.ones(4, numpy.float32))
    with pytest.raises(ValueError, match="broadcast"):
        k(x, fake((5,), "float32"))
    with pytest.raises(ValueError, match="size"):
        k(x, x, size=4)
    with pytest.raises(ValueError, match="Out shape"):
        k(x, x, fake((3,), "float32"))
    raw = cuarray.ElementwiseKernel("raw T x", "T y", "y = x[i]", "r")
    with pytest.raises(TypeError, match="raw parameter takes an array"):
        raw(1.0, fake((2,), "float32"))
    with pytest.raises(ValueError, match="undecided"):
        raw(x)


def test_kernel_name_and_constructor_errors():
    with pytest.raises(ValueError):
        cuarray.ElementwiseKernel("T x", "T y", "y = x", "bad name")
    with pytest.raises(ValueError, match="Duplicate"):
        cuarray.ElementwiseKernel("T x", "T x", "x = x")
    with pytest.raises(ValueError):
        cuarray.ReductionKernel("T x", "T y, T w", "x", "a + b", "y = a", "0")
    with pytest.raises(ValueError):
        cuarray.RawKernel("", "k", backend="nvcc")
    with pytest.raises(ValueError):
        cuarray.RawModule(code="", jitify=True)
    with pytest.raises(TypeError):
        cuarray.RawModule()


def test_reduction_argument_errors():
    k = cuarray.ReductionKernel("T x", "T y", "x", "a + b", "y = a", "0", "s")
    x = fake((4, 3), "float32")
    with pytest.raises(TypeError, match="Wrong number"):
        k(x, x, x)
    with pytest.raises(numpy.exceptions.AxisError):
        k(x, axis=2)
    with pytest.raises(ValueError, match="Out shape"):
        k(x, axis=0, out=fake((4,), "float32"))
    with pytest.raises(TypeError, match="Type is mismatched"):
        k(x, axis=0, out=fake((3,), "float64"))


# -- generated sources compile ---------------------------------------------------------------------
_F32, _F64, _F16, _I32 = (numpy.dtype(d) for d in ("float32", "float64", "float16", "int32"))


@pytest.mark.parametrize("variant", ["vec4", "flat", "nd3", "t2_0"])
@pytest.mark.parametrize("operation", ["z = (x - y) * (x - y)", "z += x * y"])
def test_elementwise_kernel_sources(variant, operation):
    k = cuarray.ElementwiseKernel("T x, T y", "T z", operation, "sqdiff")
    op = k._make_op((0, 1), {"T": _F32})
    assert op.load_outs == ("+=" in operation)
    _compile(S.elementwise_source("k", op.body, op.preamble, (_F32, _F32), (_F32, _F32),
                                  (_F32,), (_F32,), S.Layout(("a", "a"), variant, "int"),
                                  load_outs=op.load_outs))


def test_elementwise_kernel_raw_half_loop_prep_source():
    k = cuarray.ElementwiseKernel(
        "raw T x, int32 m", "T y",
        "ptrdiff_t idx[2] = {i / m, i % m}; y = x[idx] + x[_ind.size() - 1 - i] + x.size()",
        "rawk", loop_prep="int unused = 0", after_loop="(void)unused",
        preamble="__device__ float twice(float v) { return 2 * v; }")
    op = k._make_op((1, 0), {"T": _F32})
    _compile(S.elementwise_source("k", op.body, op.preamble, (_I32, _F32), (_I32, _F32),
                                  (_F32,), (_F32,), S.Layout(("s", "r2"), "vec4", "long long"),
                                  loop_prep=op.loop_prep, after_loop=op.after_loop))


def test_elementwise_kernel_half_source():
    k = cuarray.ElementwiseKernel("T x, T y", "T z", "z = (x - y) * (x - y)", "sqdiff")
    op = k._make_op((0, 1), {"T": _F16})
    _compile(S.elementwise_source("k", op.body, op.preamble, (_F16, _F16), (_F16, _F16),
                                  (_F16,), (_F16,), S.Layout(("a", "a"), "vec8", "int")))


@pytest.mark.parametrize("variant", ["t", "c", "w", "b", "bv4", "s8x256"])
def test_reduction_kernel_sources(variant):
    k = cuarray.ReductionKernel("T x, T w", "T y", "x * w", "a + b", "y = sqrt(a)", "0",
                                "wnorm", reduce_type="double")
    op = k._make_op((_F32, _F32), _F32, {"T": _F32})
    kinds = ("a", "s") if variant[0] in "bs" and variant != "b" else ("a", "a")
    lay = RS.Layout(kinds, variant, 1, 1, "int")
    _compile(RS.reduction_source("r", op, (_F32, _F32), (_F32, _F32), _F32, _F32, lay))
    _compile(RS.final_source("rf", op, (_F32, _F32), _F32, _F32, 1, "int", False, "fb"))


def test_reduction_kernel_no_identity_source():
    k = cuarray.ReductionKernel("T x", "T y", "x", "a - b", "y = a", None, "ordered_sub")
    op = k._make_op((_F64,), _F64, {"T": _F64})
    assert op.identity is None and op.sequential
    _compile(RS.reduction_source("r", op, (_F64,), (_F64,), _F64, _F64,
                                 RS.Layout(("a",), "t", 1, 1, "int")))


# -- fuse ------------------------------------------------------------------------------------------
def _fused_source(f, args, variant="flat"):
    trace, res = f._trace(args)
    results = res if isinstance(res, tuple) else (res,)
    needed = fusion._needed(trace, [r._id for r in results])
    op, array_pos, scalars, storage = f._elementwise_op(trace, needed, [r._id for r in results])
    kinds = ("a",) * len(array_pos) + ("s",) * len(scalars)
    outs = tuple(r.dtype for r in results)
    return S.elementwise_source("k", op.body, op.preamble, storage, storage, outs, outs,
                                S.Layout(kinds, variant, "int"))


def test_fuse_trace_types_follow_numpy():
    def f(a, b):
        return a * 2 + b, cuarray.sqrt(a) > b, divmod(a, 3)[0]
    args = (fake((3,), "int8"), fake((3,), "float16"))
    trace, res = cuarray.fuse(f)._trace(args)
    na, nb = numpy.ones(3, "int8"), numpy.ones(3, "float16")
    ref = (na * 2 + nb, numpy.sqrt(na) > nb, divmod(na, 3)[0])
    assert tuple(r.dtype for r in res) == tuple(r.dtype for r in ref)


@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("int8", "float16"),
                                    ("complex64", "float64"), ("bool", "uint8")])
def test_fuse_sources_compile(dtypes):
    f = cuarray.fuse(lambda x, y: cuarray.absolute(x * 3 - y) + 2.5 * y)
    _compile(_fused_source(f, (fake((4, 5), dtypes[0]), fake((5,), dtypes[1])), "nd2"))


def test_fuse_lambda_name_and_structure_key():
    f = cuarray.fuse(lambda x: x + 1)
    assert f.name == "lambda"
    t1, _ = f._trace((fake((3,), "float32"),))
    t2, _ = cuarray.fuse(lambda x: x + 2)._trace((fake((3,), "float32"),))
    assert fusion._structure(t1) == fusion._structure(t2)      # scalar values are not code


def test_fuse_unfusable_reasons():
    f = cuarray.fuse(lambda x: x[0])
    assert "index" in f._trace((fake((3,), "float32"),))
    g = cuarray.fuse(lambda x: x + 1 if x > 0 else x)
    assert "branches" in g._trace((fake((3,), "float32"),))


def test_fuse_reduction_trace():
    f = cuarray.fuse(lambda x, y: cuarray.sum(x * y, axis=1))
    trace, res = f._trace((fake((4, 3), "float32"), fake((3,), "float32")))
    assert trace.reduction is not None and trace.reduction[2] == 1
