"""CPU tests for diff, ediff1d, gradient, trapezoid, allclose, array_equal and array_equiv.

No GPU needed (these run in CI):
- argument errors are raised on the host, before anything is copied to the device, with
  NumPy's exception classes (host inputs; a device call would fail here);
- the layout rule of diff's concatenation (prepend/append) against numpy.concatenate;
- every kernel gradient generates compiles with NVRTC for sm_90;
- the same kernel sources, compiled for the host with a small shim for the CUDA names
  they use, compute NumPy's coefficient formulas (float16 rounding after every step,
  complex arithmetic, special values).
The GPU tests against NumPy are in test_differences.py and test_logic_reductions.py.
"""

import ctypes
import hashlib
import itertools
import shutil
import subprocess
import warnings

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._core.dtypes import COMPUTE
from cuarray._engine import source as _src
from cuarray._routines import differences as _diff
from cuarray._routines import elementwise as _el
from cuarray.cuda import compiler

INEXACT = [np.dtype(d) for d in testing.INEXACT]
AxisError = np.exceptions.AxisError


# =================================================================================================
# Argument errors: raised before any device work
# =================================================================================================
ERROR_CASES = [
    ("diff", ([1, 2, 3],), {"n": -1}, ValueError),
    ("diff", (5,), {}, ValueError),
    ("diff", ([1, 2, 3],), {"axis": 1}, AxisError),
    ("diff", ([[1, 2], [3, 4]],), {"axis": -3}, AxisError),
    ("diff", ([1, 2, 3],), {"n": 1.5}, TypeError),
    ("diff", (np.ones((2, 3)),), {"prepend": np.ones(3), "axis": 1}, AxisError),
    ("diff", (np.ones((2, 3)),), {"prepend": np.ones(3), "axis": 0}, ValueError),
    ("diff", (np.ones((2, 3)),), {"append": np.ones((2, 2)), "axis": 0}, ValueError),
    ("diff", (np.ones((2, 3)),), {"append": np.ones((2, 2, 2))}, ValueError),
    ("diff", (np.ones((2, 3)),), {"prepend": np.ones((3, 3))}, ValueError),
    ("ediff1d", ([1, 2, 3],), {"to_begin": 1.5}, TypeError),
    ("ediff1d", ([1, 2, 3],), {"to_end": [1.0, 2.0]}, TypeError),
    ("ediff1d", (np.array([1, 2], np.uint8),), {"to_end": -1}, TypeError),
    ("ediff1d", (np.array([1.0, 2.0]),), {"to_begin": 1j}, TypeError),
    ("ediff1d", ([True, False],), {"to_begin": 1}, TypeError),
    ("gradient", ([1.0, 2, 3], 1, 2), {}, TypeError),
    ("gradient", ([[1.0, 2], [3, 4]], 1, 2, 3), {}, TypeError),
    ("gradient", ([[1.0, 2], [3, 4]],), {"axis": 2}, AxisError),
    ("gradient", ([[1.0, 2], [3, 4]],), {"axis": (0, -2)}, ValueError),
    ("gradient", ([1.0, 2, 3], [[1, 2, 3]]), {}, ValueError),
    ("gradient", ([1.0, 2, 3], [1, 2]), {}, ValueError),
    ("gradient", ([[1.0, 2], [3, 4]], [1, 2], [1, 2, 3]), {}, ValueError),
    ("gradient", ([1.0], [1]), {}, IndexError),
    ("gradient", ([1.0, 2, 3],), {"edge_order": 3}, ValueError),
    ("gradient", ([1.0, 2],), {"edge_order": 2}, ValueError),
    ("gradient", ([[1.0, 2, 3]],), {}, ValueError),
    ("gradient", ([[1.0, 2, 3]],), {"axis": 0}, ValueError),
    ("gradient", ([],), {}, ValueError),
    ("gradient", ([True, False, True],), {}, TypeError),
    ("gradient", ([True, False, True], 2.0), {"edge_order": 2}, TypeError),
    ("gradient", ([1.0, 2],), {"edge_order": 0}, IndexError),
    ("trapezoid", (1.0,), {}, IndexError),
    ("trapezoid", (np.ones((2, 3)),), {"axis": 5}, IndexError),
    ("trapezoid", (np.ones((2, 3)),), {"axis": -3}, IndexError),
    ("trapezoid", (np.ones((2, 3)),), {"x": np.ones((2, 3)), "axis": 5}, AxisError),
    ("trapezoid", (np.ones(3),), {"x": np.array(1.0)}, ValueError),
    ("trapezoid", (np.array(1.0),), {"x": np.ones(3)}, IndexError),
    ("trapezoid", (np.ones((2, 3)),), {"x": np.ones(3), "axis": 2}, IndexError),
]


@pytest.mark.parametrize("name,args,kwargs,error", ERROR_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(ERROR_CASES)])
def test_errors_before_device_work(name, args, kwargs, error):
    @testing.numpy_compare(accept_error=error)
    def body(xp):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return getattr(xp, name)(*args, **kwargs)
    body()


def test_diff_order_zero_returns_the_input():
    for a in ([1, 2, 3], np.arange(3.0), 5):
        assert cuarray.diff(a, n=0) is a
        assert cuarray.diff(a, n=0, axis=7, prepend=[[1]]) is a    # NumPy checks nothing


@pytest.mark.parametrize("args", [(5.0,), (5.0, 2.0), (np.float32(1),), (np.array(2.0), 0.5)])
@testing.numpy_compare()
def test_gradient_of_0d_input_is_an_empty_tuple(xp, args):
    return xp.gradient(*args)


HOST_LOGIC = [
    ("array_equal", ([1, 2], [1, 2]), {}),
    ("array_equal", ([1, 2], [1, 2, 3]), {}),
    ("array_equal", ([1.0, np.nan], [1.0, np.nan]), {}),
    ("array_equal", ([1.0, np.nan], [1.0, np.nan]), {"equal_nan": True}),
    ("array_equiv", ([1, 2], [[1, 2], [1, 2]]), {}),
    ("array_equiv", ([1, 2], [[1, 2], [1, 3]]), {}),
    ("array_equiv", ([1, 2], [1, 2, 3]), {}),
    ("allclose", ([1.0, 2.0], [1.0, 2.0000001]), {}),
    ("allclose", ([1.0, np.nan], [1.0, np.nan]), {"equal_nan": True}),
    ("allclose", ([1.0, 2.0], [1.0, 2.1]), {"rtol": 0.01}),
    ("allclose", (1.0, 1.0 + 1e-9), {}),
]


@pytest.mark.parametrize("name,args,kwargs", HOST_LOGIC,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(HOST_LOGIC)])
@testing.numpy_compare()
def test_logic_without_device_operands_answers_as_numpy(xp, name, args, kwargs):
    return getattr(xp, name)(*args, **kwargs)


# =================================================================================================
# diff's concatenation: numpy.concatenate's result layout
# =================================================================================================
def _host_layouts(shape, seed):
    values = np.random.default_rng(seed).uniform(size=shape)
    rev = (slice(None, None, -1),) * len(shape)
    out = [values, np.asfortranarray(values), values[rev].copy()[rev]]
    if len(shape) >= 2:
        out.append(np.swapaxes(np.swapaxes(values, -1, -2).copy(), -1, -2))
    if len(shape) == 3:
        out.append(np.transpose(np.transpose(values, (1, 2, 0)).copy(), (2, 0, 1)))
        out.append(np.transpose(np.transpose(values, (2, 0, 1)).copy(), (1, 2, 0)))
    big = np.zeros(tuple(2 * s for s in shape))
    out.append(big[tuple(slice(None, None, 2) for _ in shape)])
    return out


@pytest.mark.parametrize("shape", [(4,), (3, 5), (2, 3, 4), (1, 3, 4), (3, 1, 4)])
def test_concatenate_strides_match_numpy(shape):
    for axis in range(len(shape)):
        end_shape = shape[:axis] + (2,) + shape[axis + 1:]
        one_shape = shape[:axis] + (1,) + shape[axis + 1:]
        ends = _host_layouts(end_shape, 1) + [np.broadcast_to(np.float64(3), one_shape)]
        for a, end in itertools.product(_host_layouts(shape, 0), ends):
            for parts in ([end, a], [a, end], [end, a, end]):
                ref = np.concatenate(parts, axis)
                got = _diff.concatenate_strides(ref.shape, [(p.shape, p.strides) for p in parts],
                                                ref.itemsize)
                assert got == ref.strides, (shape, axis, [p.strides for p in parts])


# =================================================================================================
# gradient's kernels: NVRTC compiles them, and the host runs them against NumPy's formulas
# =================================================================================================
def _op_source(op, in_dtypes, out_dtypes, name="k", variant="flat"):
    in_compute = tuple(COMPUTE.get(d, d) for d in in_dtypes)
    out_compute = tuple(COMPUTE.get(d, d) for d in out_dtypes)
    return _src.elementwise_source(name, op.body, op.preamble, tuple(in_dtypes), in_compute,
                                   tuple(out_dtypes), out_compute,
                                   _src.Layout("a" * len(in_dtypes), variant, "int"))


def _kernels(dt):
    """(op, input dtypes, output dtypes) of every kernel gradient launches for spacing ``dt``."""
    b = np.dtype(bool)
    out = [(_diff.interior_coefficients_op(dt), (dt, dt), (dt, dt, dt)),
           (_diff.edge_coefficients_op(dt), (b, dt, dt, dt, dt), (dt,))]
    for f in INEXACT:
        r = np.result_type(f, dt)
        plan = _diff.select_sum_plan(f, r)
        out.append((plan.op, plan.in_dtypes, (plan.out_dtype,)))
    return out


@pytest.mark.parametrize("dt", INEXACT, ids=str)
@pytest.mark.parametrize("variant", ["flat", "vec2", "nd2"])
def test_gradient_kernels_compile_for_sm90(dt, variant):
    for op, ins, outs in _kernels(dt):
        src = _op_source(op, ins, outs, variant=variant)
        assert compiler.compile_to_cubin(src, arch="sm_90")[0]


def test_select_plan_dtypes_follow_numpy():
    for f, dt in itertools.product(INEXACT, INEXACT):
        r = np.result_type(f, dt)
        plan = _diff.select_sum_plan(f, r)
        assert plan.in_dtypes == (np.dtype(bool), f, r, r) and plan.out_dtype == f


_SHIM = r"""
#include <math.h>
#include <cmath>
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __constant__
struct cuarray_dim3_ { unsigned x, y, z; };
static const cuarray_dim3_ blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0};
static const cuarray_dim3_ blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
static inline double __dmul_rn(double a, double b) { return a * b; }
static inline float __fmul_rn(float a, float b) { return a * b; }
"""
_FP16 = r"""
#pragma once
typedef _Float16 __half;
static inline float __half2float(__half h) { return (float)h; }
static inline __half __float2half(float f) { return (__half)f; }
static inline __half __double2half(double d) { return (__half)d; }
"""


class _HostKernels:
    """Builds kernel sources with the host C++ compiler (one block of one thread: the
    grid-stride loop visits every element in order) and runs them over NumPy arrays."""

    def __init__(self, cxx, workdir):
        self.cxx, self.dir, self.libs = cxx, workdir, {}
        (workdir / "cuda_fp16.h").write_text(_FP16)

    def run(self, op, inputs, out_dtypes, n):
        """Inputs: NumPy arrays of length ``n`` (their dtypes are the kernel's storage)."""
        src = _op_source(op, [x.dtype for x in inputs], out_dtypes)
        key = hashlib.sha256(src.encode()).hexdigest()[:20]
        if key not in self.libs:
            cpp, so = self.dir / f"{key}.cpp", self.dir / f"{key}.so"
            cpp.write_text(_SHIM + src)
            subprocess.run([self.cxx, "-O1", "-std=c++17", "-ffp-contract=off", "-shared",
                            "-fPIC", f"-I{self.dir}", f"-I{compiler._INCLUDE_DIR}", str(cpp),
                            "-o", str(so)], check=True, capture_output=True, text=True)
            self.libs[key] = ctypes.CDLL(str(so))
        outs = [np.empty(n, d) for d in out_dtypes]
        ins = [np.ascontiguousarray(x) for x in inputs]
        ptrs = [x.ctypes.data_as(ctypes.c_void_p) for x in (*ins, *outs)]
        self.libs[key].k(*ptrs, ctypes.c_int(n))
        return outs


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    cxx = shutil.which("g++") or shutil.which("clang++")
    if cxx is None:
        pytest.skip("no host C++ compiler to run the kernels with")
    runner = _HostKernels(cxx, tmp_path_factory.mktemp("gradient_kernels"))
    try:
        runner.run(_diff.interior_coefficients_op(np.dtype("float16")),
                   [np.ones(1, np.float16)] * 2, [np.dtype("float16")] * 3, 1)
    except subprocess.CalledProcessError as e:     # e.g. no _Float16 on this compiler
        pytest.skip(f"the host compiler cannot build the kernels: {e.stderr[:200]}")
    return runner


@pytest.fixture(autouse=True)
def _quiet_numpy():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        yield


def _spacings(dt, n=48, seed=0):
    """Spacings: random (both signs, small and large), zeros, equal neighbours, inf, NaN."""
    rng = np.random.default_rng(seed)
    v = np.concatenate([[0.0, -0.0, 1.0, 1.0, 0.5, -2.0, np.inf, -np.inf, np.nan, 1e-3, 250.0],
                        rng.uniform(-3, 3, n - 11)])
    if dt.kind == "c":
        return (v + 1j * rng.permutation(v)).astype(dt)
    return v.astype(dt)


def _assert_same(got, ref, dt, label):
    ref = np.asarray(ref, dtype=dt)
    if dt.kind == "c":
        # complex products round per part (FMA on either side): compare within a few ulps
        r = np.finfo(dt).eps * 8
        np.testing.assert_allclose(got, ref, rtol=r, atol=0, equal_nan=True, err_msg=label)
        return
    same = (got == ref) | (np.isnan(got) & np.isnan(ref))
    assert same.all(), (label, ref[~same][:6], got[~same][:6])


@pytest.mark.parametrize("dt", INEXACT, ids=str)
def test_host_interior_coefficients(host, dt):
    diffx = _spacings(dt)
    dx1, dx2 = diffx[:-1], diffx[1:]
    got = host.run(_diff.interior_coefficients_op(dt), [dx1, dx2], [dt] * 3, dx1.size)
    refs = (-(dx2) / (dx1 * (dx1 + dx2)), (dx2 - dx1) / (dx1 * dx2),
            dx1 / (dx2 * (dx1 + dx2)))
    for name, g, r in zip("abc", got, refs):
        _assert_same(g, r, dt, name)


def _edge_reference(uniform, d0, d1, dm2, dm1):
    """NumPy's edge_order=2 coefficients, computed as NumPy computes them (scalar math)."""
    if uniform:
        h = d0
        return [-1.5 / h, 2. / h, -0.5 / h, 0.5 / h, -2. / h, 1.5 / h]
    dx1, dx2 = d0, d1
    start = [-(2. * dx1 + dx2) / (dx1 * (dx1 + dx2)), (dx1 + dx2) / (dx1 * dx2),
             - dx1 / (dx2 * (dx1 + dx2))]
    dx1, dx2 = dm2, dm1
    end = [(dx2) / (dx1 * (dx1 + dx2)), - (dx2 + dx1) / (dx1 * dx2),
           (2. * dx2 + dx1) / (dx2 * (dx1 + dx2))]
    return start + end


@pytest.mark.parametrize("dt", INEXACT, ids=str)
def test_host_edge_coefficients(host, dt):
    sp = _spacings(dt, seed=3)
    op = _diff.edge_coefficients_op(dt)
    for i in range(0, sp.size - 3, 2):
        d0, d1, dm2, dm1 = sp[i:i + 4]
        for uniform in (True, False):
            ins = [np.full(6, uniform)] + [np.full(6, v, dt) for v in (d0, d1, dm2, dm1)]
            got = host.run(op, ins, [dt], 6)[0]
            ref = _edge_reference(uniform, d0, d1, dm2, dm1)
            _assert_same(got, ref, dt, (uniform, d0, d1, dm2, dm1))


@pytest.mark.parametrize("f", INEXACT, ids=str)
@pytest.mark.parametrize("dt", INEXACT, ids=str)
def test_host_select_sum(host, f, dt):
    r = np.result_type(f, dt)
    plan = _diff.select_sum_plan(f, r)
    n = 40
    flag = np.random.default_rng(0).integers(0, 2, n).astype(bool)
    uniform = _spacings(f, n, seed=4)
    t1, t2 = _spacings(r, n, seed=5), _spacings(r, n, seed=6)
    got = host.run(plan.op, [flag, uniform, t1, t2], [f], n)[0]
    ref = np.where(flag, uniform, (t1 + t2).astype(f))
    _assert_same(got, ref, f, (f, r))


def test_half_round_helper_is_shared():
    # The select kernel and the coefficient kernels include the one half-rounding helper that
    # other routines use, so batched programs define it once.
    h = np.dtype("float16")
    assert _diff.interior_coefficients_op(h).preamble == _el.HALF_ROUND
    assert _diff.select_sum_plan(h, h).op.preamble == _el.HALF_ROUND
