"""vectorize, apply_along_axis, apply_over_axes and piecewise against NumPy.

CPU tests: vectorize's tracer turns functions into kernels whose host run (a CUDA shim)
matches ``numpy.vectorize`` in values and dtypes, for NumPy's two element semantics
(output dtypes from NumPy scalars, values from Python scalars); NVRTC compiles them;
functions a kernel cannot express are recognised (they run on the host); arguments are
checked.  GPU tests compare the public functions with NumPy.
"""

import importlib.util
import math
import pathlib
import warnings

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._core.dtypes import COMPUTE
from cuarray._engine import source as _src
from cuarray._routines import _vectorize as V
from cuarray._routines import functional as F

_spec = importlib.util.spec_from_file_location(
    "_host_kernels", pathlib.Path(__file__).with_name("_host_kernels.py"))
hostk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostk)

DTYPES = ["float32", "float64", "int8", "int64", "float16", "complex64", "bool", "uint8"]

# Functions a kernel expresses: (name, function, number of arguments).
TRACEABLE = [
    ("affine", lambda x: x * 2 + 1, 1),
    ("divisions", lambda x, y: x / y - x // 3, 2),
    ("trig", lambda x: np.sin(x) ** 2 + np.cos(x) ** 2, 1),
    ("where", lambda x: np.where(x > 0, x, -x * 0.5), 1),
    ("two_outputs", lambda x: (x, x * 2), 1),
    ("divmod", lambda x: divmod(x, 3), 1),
    ("abs_and_compare", lambda x: abs(x) + (x > 1), 1),
    ("negate", lambda x: -x, 1),
    ("parts", lambda x: x.real + x.imag, 1),
    ("constant", lambda x: 5, 1),
    ("square", lambda x: x ** 2, 1),
    ("strong_constant", lambda x: np.float32(1.5) * x, 1),
    ("bool_plus", lambda x: True + x, 1),
    ("exp", lambda x: np.exp(x / 10) - 1, 1),
    ("hypot_mask", lambda x, y: np.hypot(x, y) * (x < y), 2),
    ("bitwise", lambda x: (x & 3) | 1, 1),
]


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    return hostk.host_kernels(tmp_path_factory)


def _inputs(dt, n, nin, seed=0):
    rng = np.random.default_rng(seed)
    dt = np.dtype(dt)
    out = []
    for _ in range(nin):
        if dt.kind == "b":
            v = rng.integers(0, 2, n)
        elif dt.kind in "iu":
            v = rng.integers(1 if dt.kind == "u" else -5, 6, n)
        else:
            v = rng.uniform(-3, 3, n) + (1j * rng.uniform(-3, 3, n) if dt.kind == "c" else 0)
        out.append(v.astype(dt))
    return out


def _traced(vf, args):
    """The kernel vectorize would launch for host ``args``: (op, compute dtypes, constants,
    output dtypes) and the inputs as the launch passes them."""
    func, vargs = vf._bind(args, {})
    op, in_compute, consts, otypes = vf._trace(func, vargs)
    ins = [a if isinstance(a, np.ndarray) else a.astype(c) for a, c in zip(vargs, in_compute)]
    return op, in_compute, otypes, ins + list(consts)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,fn,nin", TRACEABLE, ids=[t[0] for t in TRACEABLE])
@pytest.mark.parametrize("otypes", [None, [np.float32]], ids=["otypes_none", "float32"])
def test_traced_kernels_on_host_match_numpy(host, dtype, name, fn, nin, otypes):
    args = _inputs(dtype, 40, nin)
    if name == "divisions" and np.dtype(dtype).kind in "biu":
        args[1][args[1] == 0] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ref = np.vectorize(fn, otypes=otypes)(*args)
        except (OverflowError, ZeroDivisionError):
            # Per-element errors of Python's arithmetic: the kernel gives the ufunc's value
            # instead (a documented difference).
            return
        except Exception:
            ref = None
    vf = cuarray.vectorize(fn, otypes=otypes)
    try:
        op, in_compute, otys, ins = _traced(vf, args)
    except Exception:
        # Not traceable: the function runs on the host, where NumPy's vectorize decides.
        return
    assert ref is not None, "traced a function NumPy's vectorize rejects"
    outs = host.elementwise(op, ins, in_compute, otys, 40)
    refs = ref if isinstance(ref, tuple) else (ref,)
    assert len(outs) == len(refs)
    for o, r in zip(outs, refs):
        assert o.dtype == r.dtype
        if o.dtype.kind in "fc":
            eps = np.finfo(o.dtype).eps       # host and NumPy math functions: an ulp or two
            np.testing.assert_allclose(o, r, rtol=8 * eps, atol=8 * eps)
        else:
            np.testing.assert_array_equal(o, r)


@pytest.mark.parametrize("name,fn,nin", TRACEABLE, ids=[t[0] for t in TRACEABLE])
def test_traced_kernels_compile(name, fn, nin):
    for dtype in ("float16", "complex64", "int8"):
        args = _inputs(dtype, 4, nin)
        try:
            op, in_compute, otypes, ins = _traced(cuarray.vectorize(fn), args)
        except Exception:
            continue
        storage = tuple(a.dtype if isinstance(a, np.ndarray) else c
                        for a, c in zip(ins, in_compute))
        kinds = tuple("a" if isinstance(a, np.ndarray) else "s" for a in ins)
        src = _src.elementwise_source("k", op.body, op.preamble, storage, tuple(in_compute),
                                      tuple(otypes), tuple(COMPUTE.get(d, d) for d in otypes),
                                      _src.Layout(kinds, "nd2", "int"))
        hostk.compile_sm90(src)


def _branchy(x):
    return x if x > 0 else -x


UNTRACEABLE = [
    ("branch", _branchy),
    ("math_module", lambda x: math.sin(x)),
    ("float_call", lambda x: float(x) * 2),
    ("index", lambda x: x[0]),
    ("returns_list", lambda x: [x]),
    ("int_pow_traced_exponent", lambda x: 2 ** x),
    ("clip", lambda x: np.clip(x, 0, 1)),
    ("ufunc_keyword", lambda x: np.add(x, 1, dtype=np.float32)),
]


@pytest.mark.parametrize("name,fn", UNTRACEABLE, ids=[t[0] for t in UNTRACEABLE])
def test_untraceable_functions_are_recognised(name, fn):
    vf = cuarray.vectorize(fn)
    x = np.arange(1, 5, dtype=np.int64)
    with pytest.raises(Exception):
        vf._trace(fn, [x])


def test_python_and_numpy_scalar_semantics(host):
    vf = cuarray.vectorize(lambda x: x / 3)
    x = np.ones(3, np.float32)
    _, in_compute, _, otypes = vf._trace(vf.pyfunc, [x])
    # Output dtype from NumPy scalars (float32), values computed from Python floats.
    assert otypes == (np.dtype("float32"),) and in_compute[0] == np.dtype("float64")
    # NumPy scalars: -numpy.True_ raises; with otypes given only Python's -True == -1 runs.
    vf = cuarray.vectorize(lambda x: -x)
    with pytest.raises(TypeError):
        vf._trace(vf.pyfunc, [np.ones(2, bool)])
    vf = cuarray.vectorize(lambda x: -x, otypes=[np.int8])
    x = np.array([True, False])
    op, in_compute, otypes, ins = _traced(vf, [x])
    out = host.elementwise(op, ins, in_compute, otypes, 2)[0]
    ref = np.vectorize(lambda x: -x, otypes=[np.int8])(x)
    assert out.dtype == ref.dtype and out.tolist() == ref.tolist() == [-1, 0]
    with pytest.raises(V.Untraceable):               # NumPy: int ** negative int raises
        cuarray.vectorize(abs)._trace(lambda x: x ** -1, [np.ones(2, np.int64)])


@pytest.mark.parametrize("scalars", [(1, np.float32(2)), (1, 2.5), (np.float32(1.5), 2),
                                     (np.int8(3), np.float16(2)), (True, np.int16(4)),
                                     (2, 3j), (np.complex64(1j), 2.0)])
def test_numpy_scalar_arguments_stay_numpy_scalars(host, scalars):
    # NumPy's object array keeps a NumPy scalar argument a NumPy scalar (strong in the
    # promotion), while array elements and Python scalars become Python scalars:
    # float * 1 - float32(2) is computed in float32, then stored as float64.
    fn = lambda a, b, c: a * b - c          # noqa: E731
    x = np.random.default_rng(0).uniform(-5, 5, 12)
    args = (x,) + scalars
    ref = np.vectorize(fn)(*args)
    vf = cuarray.vectorize(fn)
    vargs = [x] + [F._argument(a) for a in scalars]      # (x stands for a device array)
    op, in_compute, consts, otypes = vf._trace(fn, vargs, [isinstance(a, np.generic)
                                                          for a in args])
    ins = [a if isinstance(a, np.ndarray) else a.astype(c) for a, c in zip(vargs, in_compute)]
    out = host.elementwise(op, ins + list(consts), in_compute, otypes, x.size)[0]
    assert out.dtype == ref.dtype
    np.testing.assert_array_equal(out, ref)


def test_vectorize_arguments_are_checked_without_a_device():
    assert F._argument(3) == np.int64(3) and F._argument(np.float32(2)).dtype == np.float32
    with pytest.raises(TypeError):
        F._argument(np.ones(2))
    with pytest.raises(TypeError):
        F._argument([1, 2])


def test_cuarray_ufuncs_trace_through_the_tracer_hook(host):
    # What cuarray.ufunc.__call__ does with tracer operands once its tracing hook hands them
    # to __cuarray_ufunc__: the call is recorded like numpy.sin(x).
    def f(x):
        return x.__cuarray_ufunc__(cuarray.sin, (x,), {}) * 2 + 1

    x = _inputs("float32", 16, 1)[0]
    op, in_compute, otypes, ins = _traced(cuarray.vectorize(f), [x])
    out = host.elementwise(op, ins, in_compute, otypes, 16)[0]
    ref = np.vectorize(lambda v: np.sin(v) * 2 + 1)(x)
    assert out.dtype == ref.dtype
    np.testing.assert_allclose(out, ref, rtol=1e-6, atol=1e-6)


def test_vectorize_attributes_and_decorator():
    def f(x, y=2):
        """Docs of f."""
        return x * y
    vf = cuarray.vectorize(f, excluded={"y"}, otypes="d")
    ref = np.vectorize(f, excluded={"y"}, otypes="d")
    assert vf.__doc__ == ref.__doc__ and vf.__name__ == "f"
    assert vf.otypes == ref.otypes and vf.excluded == ref.excluded

    @cuarray.vectorize(otypes=[np.float64], doc="docs")
    def g(x):
        return x + 1
    assert isinstance(g, cuarray.vectorize) and g.__doc__ == "docs" and g.pyfunc(1) == 2
    with pytest.raises(ValueError):
        cuarray.vectorize(f, otypes="?!")
    with pytest.raises(TypeError):
        cuarray.vectorize(5)


def test_vectorize_refuses_host_arrays():
    with pytest.raises(TypeError):
        cuarray.vectorize(lambda x: x)(np.ones(3))
    with pytest.raises(TypeError):
        cuarray.vectorize(lambda x: x)([1, 2])


# =================================================================================================
# GPU: vectorize
# =================================================================================================
gpu = pytest.mark.gpu


@gpu
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,fn,nin", TRACEABLE, ids=[t[0] for t in TRACEABLE])
@testing.numpy_compare(accept_error=True)
def test_vectorize(xp, dtype, name, fn, nin):
    if name == "negate" and dtype == "uint8":
        pytest.skip("NumPy raises OverflowError casting -x back to uint8; the kernel wraps "
                    "(documented)")
    args = [testing.random_array(xp, (3, 4), dtype, seed=i, nonzero=True) for i in range(nin)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xp.vectorize(fn)(*args)


@gpu
@pytest.mark.parametrize("layout", ["F", "transposed", "negative_stride", "sliced",
                                    "broadcast"])
# NumPy's result for a broadcast (zero-stride) input is neither C- nor F-contiguous; ours is C.
@testing.numpy_compare(contiguous_check=False)
def test_vectorize_layouts_broadcasting_and_scalars(xp, layout):
    x = testing.random_array(xp, (3, 4, 5), "float64", seed=1, layout=layout)
    y = testing.random_array(xp, (4, 1), "float32", seed=2)
    f = xp.vectorize(lambda a, b, c: a * b - c)
    return f(x, y, 2.5), f(x, 1, np.float32(2)), f(1.5, 2, 3)


@gpu
def test_vectorize_runs_traceable_functions_as_one_kernel():
    vf = cuarray.vectorize(lambda x: x * x + 1)
    out = vf(cuarray.asarray(np.arange(5.0)))
    assert vf.host_reason is None
    testing.assert_array_equal(out, np.arange(5.0) ** 2 + 1)


@gpu
@pytest.mark.parametrize("name,fn", UNTRACEABLE[:3] + [("cuarray_ufunc", None)],
                         ids=[t[0] for t in UNTRACEABLE[:3]] + ["cuarray_ufunc"])
def test_vectorize_host_path(name, fn):
    fn = fn if fn is not None else (lambda x: cuarray.sin(x) + 1)
    ref_fn = fn if name != "cuarray_ufunc" else (lambda x: np.sin(x) + 1)
    x = testing.random_array(np, (7,), "float64", seed=3)
    vf = cuarray.vectorize(fn)
    out = vf(cuarray.asarray(x))
    ref = np.vectorize(ref_fn)(x)
    if name != "cuarray_ufunc":
        assert vf.host_reason is not None
    assert out.dtype == ref.dtype
    testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)


@gpu
@testing.numpy_compare()
def test_vectorize_excluded_keywords_otypes_and_outputs(xp):
    def f(a, b, scale=1.0, offset=0):
        return a * scale + b + offset, a > b
    x = testing.random_array(xp, (6,), "float32", seed=4)
    y = testing.random_array(xp, (6,), "int16", seed=5)
    vf = xp.vectorize(f, excluded={"offset"}, otypes=[np.float64, bool])
    return vf(x, y, scale=2.0, offset=3), xp.vectorize(f)(x, y, 0.5)


@gpu
@pytest.mark.parametrize("otypes", [None, "f"])
@testing.numpy_compare(accept_error=ValueError)
def test_vectorize_empty(xp, otypes):
    return xp.vectorize(lambda a: a + 1, otypes=otypes)(xp.zeros((0, 3)))


@gpu
@testing.numpy_compare()
def test_vectorize_signature_runs_on_the_host(xp):
    x = testing.random_array(xp, (4, 3), "float64", seed=6)
    return xp.vectorize(lambda row: row - row.mean(), signature="(n)->(n)")(x)


# =================================================================================================
# GPU: apply_along_axis, apply_over_axes, piecewise
# =================================================================================================
@gpu
@pytest.mark.parametrize("axis", [0, 1, -1, 2])
@pytest.mark.parametrize("func", ["sum", "cumsum", "outer", "scalar"])
@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_apply_along_axis(xp, axis, func):
    a = testing.random_array(xp, (3, 4, 5), "float64", seed=7)
    fn = {"sum": lambda v: v.sum(), "cumsum": lambda v: xp.cumsum(v),
          "outer": lambda v: v[:, None] * v[None, :2], "scalar": lambda v: 1.5}[func]
    return xp.apply_along_axis(fn, axis, a)


@gpu
@testing.numpy_compare(accept_error=(ValueError, np.exceptions.AxisError))
def test_apply_along_axis_errors(xp):
    a = testing.random_array(xp, (3, 0), "float64")
    return xp.apply_along_axis(lambda v: v.sum(), 0, a)


@gpu
@pytest.mark.parametrize("axes", [0, [0, 2], (1, -1), []])
@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_apply_over_axes(xp, axes):
    a = testing.random_array(xp, (2, 3, 4), "float64", seed=8)
    return xp.apply_over_axes(xp.sum, a, axes), xp.apply_over_axes(
        lambda v, ax: xp.max(v, axis=ax, keepdims=True), a, axes)


@gpu
@pytest.mark.parametrize("dtype", ["float64", "int32", "float32"])
@pytest.mark.parametrize("shape", [(7,), (2, 5), ()])
@testing.numpy_compare(rtol=1e-12, atol=1e-12)
def test_piecewise(xp, dtype, shape):
    x = testing.random_array(xp, shape, dtype, seed=9)
    conds = [x < -2, (x >= -2) & (x < 3)]
    r1 = xp.piecewise(x, conds, [lambda v: v * 2, 7])
    r2 = xp.piecewise(x, conds, [-1, lambda v: v + 1, 0])          # with "otherwise"
    # One bare condition: NumPy takes the rows of a 2-d one as conditions (the next test).
    one = x > 0 if x.ndim < 2 else [x > 0]
    r3 = xp.piecewise(x, one, [lambda v: -v])                       # one condition
    return r1, r2, r3


@gpu
@testing.numpy_compare(accept_error=ValueError)
def test_piecewise_takes_the_rows_of_a_2d_condition_as_conditions(xp):
    x = testing.random_array(xp, (2, 5), "float64", seed=9)
    return xp.piecewise(x, x > 0, [lambda v: -v])


@gpu
@testing.numpy_compare(accept_error=ValueError)
def test_piecewise_wrong_number_of_functions(xp):
    x = testing.random_array(xp, (5,), "float64", seed=10)
    return xp.piecewise(x, [x < 0, x > 0], [1, 2, 3, 4])
