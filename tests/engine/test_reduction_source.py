"""Reduction kernel sources (CPU): every variant and every reduction op compiles for sm_90.

The ops come from the same factories the routines use (``reduction_op`` of each binary
ufunc, argmax/argmin, count_nonzero, mean, var), so a broken declaration fails here,
in CI, before any GPU runs it.  Also the strategy choice and the NumPy-facing checks
that raise before any kernel.
"""

import numpy
import pytest

import cuarray
from cuarray._core.dtypes import COMPUTE
from cuarray._engine import reduction_source as rs
from cuarray._ufunc import namespace
from cuarray._ufunc.reduce import normalize_axes, reduction_op
from cuarray._ufunc.spec import numpy_loops
from cuarray._ufunc.gufunc import gufunc
from cuarray._ufunc.ufunc import ufunc
from cuarray.cuda.compiler import compile_to_cubin

ARCH = "sm_90"
D = numpy.dtype
BINARY = sorted({u.__name__: u for u in vars(namespace).values()
                 if isinstance(u, ufunc) and not isinstance(u, gufunc)
                 and u.nin == 2 and u.nout == 1}.items())


def compile_first(op, in_storage, in_compute, out_storage, variant="t", kd=1, rd=1,
                  init=False, index="int"):
    kinds = ("a",) * op.nin
    lay = rs.Layout(kinds, variant, kd, rd, index, init, op.step is not None)
    out_c = COMPUTE.get(out_storage, out_storage)
    name = rs.kernel_name(op.name, in_storage + (out_storage,), variant)
    src = rs.reduction_source(name, op, in_storage, in_compute, out_storage, out_c, lay)
    compile_to_cubin(src, arch=ARCH)


def reduce_loops(name):
    """NumPy's reduction loops of ``name`` (in == out dtypes), one per dtype."""
    return sorted({ins[0] for ins, outs in numpy_loops(name)
                   if ins[0] == ins[1] == outs[0]}, key=str)


@pytest.mark.parametrize("name,uf", BINARY, ids=[n for n, _ in BINARY])
def test_every_ufunc_reduction_compiles(name, uf):
    for dt in reduce_loops(name):
        op = reduction_op(uf, dt, False)
        c = COMPUTE.get(dt, dt)
        compile_first(op, (dt,), (c,), dt, "t", init=not op.ordered)


@pytest.mark.parametrize("variant,kd,rd", [("t", 2, 1), ("c", 1, 2), ("w", 3, 1), ("b", 0, 1),
                                           ("bv4", 0, 1), ("bv8", 2, 1), ("b", 1, 3), ("c", 0, 1),
                                           ("s7x128", 1, 1)])
@pytest.mark.parametrize("dtype", ["float16", "float32", "complex128", "int8", "bool"])
def test_parallel_variants_compile(variant, kd, rd, dtype):
    dt = D(dtype)
    loop = numpy.add.resolve_dtypes((None, dt, None), reduction=True)[2]
    op = reduction_op(namespace.add, loop, True)
    c = COMPUTE.get(loop, loop)
    if variant.startswith("bv"):
        op = reduction_op(namespace.add, loop, False)
        variant = f"bv{16 // dt.itemsize}" if dt.itemsize < 16 else "b"
        compile_first(op, (dt,), (c,), loop, variant, kd, rd, init=True, index="long long")
        return
    if variant.startswith("s"):         # one array input: the mask is not staged
        op = reduction_op(namespace.add, loop, False)
        compile_first(op, (dt,), (c,), loop, variant, kd, rd, init=True)
        return
    compile_first(op, (dt, D(bool)), (c, D(bool)), loop, variant, kd, rd, init=True)


@pytest.mark.parametrize("name", ["power", "lcm", "ldexp"])
def test_ordered_staged_compiles(name):
    uf = getattr(namespace, name)
    dt = D("int32") if name == "lcm" else D("float64")
    loop = uf._np.resolve_dtypes((None, dt if name != "ldexp" else D("int32"), None),
                                 reduction=True)
    op = reduction_op(uf, loop[2], False)
    for init in (False, True):
        compile_first(op, (loop[1],), (COMPUTE.get(loop[1], loop[1]),), loop[2], "s5x256",
                      init=init)


@pytest.mark.parametrize("variant", ["ft", "fb"])
@pytest.mark.parametrize("dtype", ["float32", "complex64", "int64"])
def test_final_pass_compiles(variant, dtype):
    dt = D(dtype)
    op = reduction_op(namespace.maximum, dt, False)
    c = COMPUTE.get(dt, dt)
    compile_to_cubin(rs.final_source("k", op, (c,), dt, c, 2, "int", True, variant), arch=ARCH)


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint64", "float16", "float32", "complex128"])
@pytest.mark.parametrize("best", ["max", "min"])
@pytest.mark.parametrize("nan_skip", [False, True])
def test_arg_reductions_compile(dtype, best, nan_skip):
    from cuarray._routines import reductions
    a = cuarray.ndarray.__new__(cuarray.ndarray)
    a.dtype = D(dtype)
    op, c = reductions._arg_op(a, best, nan_skip)
    for variant, rd in (("w", 1), ("c", 2), ("bv4", 1)):
        if variant.startswith("bv"):
            variant = f"bv{max(2, 16 // a.dtype.itemsize)}" if a.dtype.itemsize < 16 else "b"
        compile_first(op, (a.dtype,), (c,), D("int64"), variant, 1 if variant != "bv" else 0,
                      rd)
    compile_to_cubin(rs.final_source("k", op, (c,), D("int64"), D("int64"), 1, "int", False,
                                     "fb"), arch=ARCH)


@pytest.mark.parametrize("dtype", ["float16", "float32", "complex64", "float64"])
def test_moment_ops_compile(dtype):
    from cuarray._routines import statistics
    dt = D(dtype)
    acc = statistics._acc(dt)
    for root in (False, True):
        op = statistics._sq_dev_op(acc, 1.0, root, False)
        compile_first(op, (dt, acc), (acc, acc), statistics._real(dt), "b", 1, 1)


def test_segment_source_compiles():
    for name in ("add", "subtract", "lcm"):
        uf = getattr(namespace, name)
        dt = D("int32") if name == "lcm" else D("float32")
        op = reduction_op(uf, dt, False)
        compile_to_cubin(rs.segment_source("k", op, dt, dt, dt, dt), arch=ARCH)


def test_ops_follow_the_spec():
    """Parallel exactly where the spec declares a reorderable reduction with a start value."""
    for name, uf in BINARY:
        red = uf._spec.reduce
        for dt in reduce_loops(name)[:1]:
            op = reduction_op(uf, dt, False)
            parallel = red is not None and red.reorderable and red.neutral_for(dt) is not None
            assert op.ordered == (not parallel), name


@pytest.mark.parametrize("axis,ndim,expected", [(None, 3, (0, 1, 2)), (-1, 3, (2,)),
                                                ((2, 0), 3, (0, 2)), ((), 2, ())])
def test_normalize_axes(axis, ndim, expected):
    assert normalize_axes(axis, ndim) == expected


@pytest.mark.parametrize("axis", [3, -4, (0, 0), (1, -2)])
def test_normalize_axes_errors_like_numpy(axis):
    with pytest.raises(Exception) as ours:
        normalize_axes(axis, 3)
    with pytest.raises(Exception) as theirs:
        numpy.add.reduce(numpy.zeros((2, 2, 2)), axis=axis)
    assert type(ours.value) is type(theirs.value)


@pytest.mark.parametrize("name", ["subtract", "lcm", "hypot"])
def test_masked_ordered_reductions_compile(name):
    """where= on in-order reductions: elements carry their mask bit (no start value)."""
    uf = getattr(namespace, name)
    dt = D("int32") if name == "lcm" else D("float64")
    op = reduction_op(uf, dt, True)
    assert op.ordered
    compile_first(op, (dt, D(bool)), (dt, D(bool)), dt, "t", init=True)
