"""Tests for numpy_compare, the dtype groups and tolerances, and the asserts.

cuarray has no ndarray yet, so the "device" side here is a fake:
FakeDeviceArray wraps a NumPy array behind ``__cuda_array_interface__`` and,
like the real one, refuses implicit conversion by ``numpy.asarray``; the
module ``fake`` is NumPy with device arrays in and out (NumPy scalars come
back as 0-d device arrays, as GPU libraries return them).
"""

import functools
import inspect
import math
import types

import numpy as np
import pytest

import cuarray.testing as testing
from cuarray.testing import numpy_compare


# --- The fake device ----------------------------------------------------------
def _unwrap(obj):
    if isinstance(obj, FakeDeviceArray):
        return obj._a
    if isinstance(obj, (list, tuple)):
        return type(obj)(_unwrap(o) for o in obj)
    return obj


def _wrap(obj):
    if isinstance(obj, np.ndarray):
        return FakeDeviceArray(obj)
    if isinstance(obj, np.generic):
        return FakeDeviceArray(np.asarray(obj))
    if isinstance(obj, (list, tuple)) and not hasattr(obj, "_fields"):
        return type(obj)(_wrap(o) for o in obj)
    return obj


def _wrapped(fn):
    @functools.wraps(fn)
    def call(*args, **kwargs):
        kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
        return _wrap(fn(*_unwrap(args), **kwargs))
    return call


class FakeDeviceArray:
    """A NumPy array posing as device memory."""

    def __init__(self, a):
        self._a = a

    @property
    def __cuda_array_interface__(self):
        a = self._a
        return {"shape": a.shape, "typestr": a.dtype.str, "data": (0, False),
                "strides": None if a.flags.c_contiguous else a.strides,
                "version": 3}

    def __array__(self, *args, **kwargs):
        raise TypeError("implicit conversion to a NumPy array is not allowed")

    def get(self):
        return self._a.copy()

    def __getitem__(self, key):
        return _wrap(self._a[_unwrap(key)])

    def __getattr__(self, name):
        # Methods and attributes (shape, dtype, flags, T, astype, sum...), but
        # no protocols: __array_interface__ would let numpy.asarray copy.
        if name.startswith("__"):
            raise AttributeError(name)
        attr = getattr(self._a, name)
        return _wrapped(attr) if callable(attr) else _wrap(attr)

    def __repr__(self):
        return f"FakeDeviceArray({self._a!r})"


for _op in ("add", "sub", "mul", "truediv", "neg", "eq", "lt", "radd", "rmul"):
    setattr(FakeDeviceArray, f"__{_op}__",
            _wrapped(getattr(np.ndarray, f"__{_op}__")))


class NoFlagsArray(FakeDeviceArray):
    """A device array without ``flags``: contiguity comes from the interface."""

    def __getattr__(self, name):
        if name == "flags":
            raise AttributeError(name)
        return super().__getattr__(name)


class NoGetArray(FakeDeviceArray):
    """A device array without ``get``: the host copy comes from xp.asnumpy."""

    get = property(lambda self: (_ for _ in ()).throw(AttributeError("get")))


class FakeModule(types.ModuleType):
    """`source` (numpy, scipy...) with device arrays in and out."""

    def __init__(self, name, source):
        super().__init__(name)
        self._source = source

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        attr = getattr(self._source, name)
        if isinstance(attr, types.ModuleType):
            return FakeModule(f"{self.__name__}.{name}", attr)
        if callable(attr) and not isinstance(attr, type):
            return _wrapped(attr)
        return attr


fake = FakeModule("fake", np)
fake.asarray = lambda a, dtype=None: FakeDeviceArray(np.array(_unwrap(a), dtype=dtype))
fake.asnumpy = lambda a: a._a.copy()




def _fake_scipy():
    import scipy.special
    return FakeModule("fake.scipy", types.SimpleNamespace(special=scipy.special))


# numpy_compare finds a target's SciPy as its `scipy` attribute.
fake.scipy = _fake_scipy()


def _run_failing(body, match):
    with pytest.raises(AssertionError, match=match) as info:
        body()
    return str(info.value)


# --- Agreeing results pass ------------------------------------------------------
@numpy_compare(target=fake)
def test_passes_when_arrays_agree(xp):
    return xp.arange(6, dtype="float32").reshape(2, 3) * 2


@numpy_compare(target=fake)
def test_passes_with_nan_in_the_same_places(xp):
    return xp.asarray([1.0, np.nan, 3.0, np.nan])


@numpy_compare(target=fake)
def test_passes_for_body_returning_none(xp):
    assert xp.sum(xp.ones(3)) is not None


@numpy_compare(target=fake)
def test_numpy_scalar_matches_0d_device_array(xp):
    # numpy.sum returns numpy.float64; the fake returns a 0-d device array.
    return xp.sum(xp.ones(3))


@numpy_compare(target=fake)
def test_numpy_scalar_matches_numpy_scalar(xp):
    return np.float32(2.5)


@numpy_compare(target=fake)
def test_python_scalars_and_nested_sequences(xp):
    return 1, 2.5, True, [None, xp.zeros((2, 0))], {"a": xp.ones(2)}, np.dtype("int8")


@numpy_compare(target=fake)
def test_fixture_values_reach_the_body(xp, tmp_path):
    assert tmp_path.exists()


@pytest.mark.parametrize("n", [0, 1, 5])
@numpy_compare(target=fake)
def test_parametrize_above_decorator(xp, n):
    return xp.arange(n) + 1


@numpy_compare(target=fake)
@pytest.mark.parametrize("n", [0, 3])
def test_parametrize_below_decorator(xp, n):
    return xp.ones((n, 2))


@testing.for_all_dtypes()
@numpy_compare(target=fake)
def test_for_all_dtypes_with_decorator(xp, dtype):
    return testing.random_array(xp, (2, 3), dtype, layout="F")


class TestInsideAClass:
    @numpy_compare(target=fake)
    def test_method(self, xp):
        return xp.full((2, 2), 7, dtype="int16")


@numpy_compare(target=fake, sp_name="sp")
def test_sp_name_passes_scipy(xp, sp):
    assert sp is not xp
    return sp.special.expit(xp.asarray([0.0, 1.0]))



@numpy_compare()
def test_default_target_is_cuarray(xp):
    # cuarray imports without a GPU; nothing here touches a device.
    assert xp.__name__ in ("numpy", "cuarray")


def test_ref_replaces_numpy():
    seen = []
    ref = FakeModule("numpy_again", np)
    ref.arange = lambda n: (seen.append(n), np.arange(n))[1]

    @numpy_compare(ref=ref, target=fake)
    def body(xp):
        return xp.arange(4)

    body()
    assert seen == [4]
    msg = _run_failing(numpy_compare(ref=ref, target=fake)(
        lambda xp: xp.arange(3) if xp is ref else xp.arange(2)), "shape differs")
    assert "numpy_again:" in msg


def test_signature_hides_module_parameters():
    @numpy_compare(target=fake, sp_name="sp")
    def body(a, xp, sp, b=1):
        pass

    assert list(inspect.signature(body).parameters) == ["a", "b"]
    assert body.__name__ == "body"


def test_body_without_the_module_parameter_is_rejected():
    with pytest.raises(TypeError, match="'xp'"):
        numpy_compare(target=fake)(lambda ys: None)


def test_custom_name():
    @numpy_compare(target=fake, name="np_")
    def body(np_):
        return np_.ones(2)

    body()


def test_skip_in_body_skips():
    @numpy_compare(target=fake)
    def body(xp):
        pytest.skip("not for this module")

    with pytest.raises(pytest.skip.Exception):
        body()


def test_passes_within_float16_tolerance():
    @numpy_compare(target=fake)
    def body(xp):
        one = np.float16(1)
        # One ulp above 1.0 on the device side.
        return xp.asarray([one if xp is np else np.nextafter(one, np.float16(2))])

    body()


def test_rtol_dict_overrides_the_table():
    @numpy_compare(target=fake, rtol={"float32": 1e-3, "default": 0})
    def body(xp):
        return xp.asarray([1.0 if xp is np else 1.0001], dtype="float32")

    body()


def test_dtype_shape_contiguity_checks_can_be_disabled():
    @numpy_compare(target=fake, dtype_check=False, shape_check=False,
                   contiguous_check=False, type_check=False)
    def body(xp):
        a = np.ones((2, 3), dtype="float32")
        return a if xp is np else xp.asfortranarray(xp.ones((1, 3)))

    body()


def test_contiguity_from_interface_when_flags_are_missing():
    @numpy_compare(target=fake)
    def body(xp):
        a = np.arange(6.0).reshape(2, 3)
        return a.T if xp is np else NoFlagsArray(np.asfortranarray(a.T))

    body()

    @numpy_compare(target=fake)
    def wrong(xp):
        a = np.arange(6.0).reshape(2, 3)
        return a.T if xp is np else NoFlagsArray(np.ascontiguousarray(a.T))

    _run_failing(wrong, "contiguity differs")


def test_host_copy_through_asnumpy_when_get_is_missing():
    @numpy_compare(target=fake)
    def body(xp):
        return np.arange(3) if xp is np else NoGetArray(np.arange(3))

    body()


# --- Disagreeing results fail -------------------------------------------------
def test_fails_on_wrong_dtype():
    @numpy_compare(target=fake)
    def body(xp):
        a = xp.arange(3, dtype="float32")
        return a if xp is np else a.astype("float64")

    msg = _run_failing(body, "dtype differs")
    assert "float32" in msg and "float64" in msg
    assert "numpy:" in msg and "fake:" in msg


def test_fails_on_wrong_value():
    @numpy_compare(target=fake)
    def body(xp):
        return xp.asarray([1.0, 2.0, 3.0 if xp is np else 3.1])

    msg = _run_failing(body, "values differ")
    assert "3.1" in msg


@pytest.mark.parametrize("dtype", ["int8", "uint64", "bool"])
def test_fails_on_any_difference_for_exact_dtypes(dtype):
    @numpy_compare(target=fake, rtol=1.0, atol=1.0)
    def body(xp):
        return xp.asarray([0, 1 if xp is np else 0], dtype=dtype)

    _run_failing(body, "values differ")


def test_fails_outside_float16_tolerance():
    @numpy_compare(target=fake)
    def body(xp):
        return xp.asarray([1.0 if xp is np else 1.01], dtype="float16")

    _run_failing(body, "values differ")


def test_fails_outside_float32_tolerance():
    @numpy_compare(target=fake)
    def body(xp):
        return xp.asarray([1.0 if xp is np else 1.00001], dtype="float32")

    _run_failing(body, "values differ")


def test_fails_when_nan_positions_differ():
    @numpy_compare(target=fake)
    def body(xp):
        return xp.asarray([np.nan, 1.0] if xp is np else [1.0, np.nan])

    _run_failing(body, "values differ")


def test_fails_on_wrong_shape():
    @numpy_compare(target=fake)
    def body(xp):
        return xp.zeros((2, 3) if xp is np else (3, 2))

    msg = _run_failing(body, "shape differs")
    assert "(2, 3)" in msg and "(3, 2)" in msg


def test_fails_on_wrong_contiguity():
    @numpy_compare(target=fake)
    def body(xp):
        a = xp.ones((2, 3))
        return a if xp is np else xp.asfortranarray(a)

    msg = _run_failing(body, "contiguity differs")
    assert "C=True F=False" in msg and "C=False F=True" in msg


def test_fails_when_target_returns_a_numpy_array():
    @numpy_compare(target=fake)
    def body(xp):
        return np.arange(3)

    msg = _run_failing(body, "result type differs")
    assert "ndarray" in msg


def test_fails_when_numpy_scalar_meets_non_0d_array():
    @numpy_compare(target=fake)
    def body(xp):
        return np.float64(1.0) if xp is np else xp.ones(1)

    _run_failing(body, "result type differs")


@pytest.mark.parametrize("expected, actual", [
    (1.0, np.float64(1.0)),
    (1, True),
    (None, 0),
    ((1, 2), [1, 2]),
])
def test_fails_on_python_type_mismatch(expected, actual):
    @numpy_compare(target=fake)
    def body(xp):
        return expected if xp is np else actual

    _run_failing(body, "result type differs")


def test_fails_on_sequence_length_and_reports_the_path():
    @numpy_compare(target=fake)
    def short(xp):
        return (xp.ones(2),) * (2 if xp is np else 1)

    _run_failing(short, "length differs")

    @numpy_compare(target=fake)
    def inner(xp):
        return xp.ones(2), xp.ones(2, dtype="int32" if xp is np else "int64")

    _run_failing(inner, r"result\[1\]: dtype differs")


# --- Exceptions -------------------------------------------------------------------
class _PrivateTypeError(TypeError):
    pass


def _raising(numpy_error, fake_error, **kwargs):
    @numpy_compare(target=fake, **kwargs)
    def body(xp):
        error = numpy_error if xp is np else fake_error
        if error is not None:
            raise error
        return xp.ones(1)

    return body


@pytest.mark.parametrize("accept", [True, ValueError, (TypeError, ValueError)])
def test_same_exception_passes_when_accepted(accept):
    _raising(ValueError("bad"), ValueError("also bad"), accept_error=accept)()


def test_same_exception_fails_when_not_accepted():
    _run_failing(_raising(ValueError("bad"), ValueError("bad")), "not accepted")
    _run_failing(_raising(TypeError("t"), TypeError("t"), accept_error=ValueError),
                 "not accepted")


def test_fails_on_different_exception_classes_with_both_messages():
    msg = _run_failing(_raising(ValueError("from numpy"), TypeError("from fake"),
                                accept_error=True), "different classes")
    assert "from numpy" in msg and "from fake" in msg


def test_fails_when_only_one_raises():
    _run_failing(_raising(ValueError("x"), None, accept_error=True), "only numpy raised")
    _run_failing(_raising(None, ValueError("x"), accept_error=True), "only fake raised")


def test_axis_error_is_not_a_plain_value_error():
    _run_failing(_raising(np.exceptions.AxisError("axis"), ValueError("axis"),
                          accept_error=True), "different classes")


def test_private_subclasses_match_their_public_base():
    _raising(_PrivateTypeError("private"), TypeError("public"), accept_error=True)()

    # NumPy's own private _UFuncNoLoopError against a plain TypeError.
    @numpy_compare(target=fake, accept_error=TypeError)
    def body(xp):
        if xp is np:
            return np.add(np.array(["a"]), np.array([1.5]))
        raise TypeError("no loop")

    body()


def test_error_cause_is_chained():
    body = _raising(None, KeyError("where"), accept_error=True)
    with pytest.raises(AssertionError) as info:
        body()
    assert isinstance(info.value.__cause__, KeyError)


# --- Dtype groups and tolerances ------------------------------------------------
def _numpy_names(kind):
    # Every canonical dtype NumPy has of `kind`, except the platform-specific
    # long double types that GPUs do not have.  Types other packages register with
    # NumPy (ml_dtypes' float8 kinds, once JAX is imported) are not NumPy's.
    long = {np.dtype(np.longdouble).name, np.dtype(np.clongdouble).name}
    names = {np.dtype(t).name for t in np.sctypeDict.values() if t.__module__ == "numpy"}
    return {n for n in names if np.dtype(n).kind == kind and n not in long}


@pytest.mark.parametrize("group, kind", [
    (testing.BOOL, "b"), (testing.SIGNED, "i"), (testing.UNSIGNED, "u"),
    (testing.FLOATING, "f"), (testing.COMPLEX, "c"),
])
def test_dtype_groups_match_numpy(group, kind):
    assert set(group) == _numpy_names(kind)
    assert all(isinstance(n, str) and np.dtype(n).name == n for n in group)
    assert list(group) == sorted(group, key=lambda n: np.dtype(n).itemsize)


def test_composite_dtype_groups():
    assert testing.INTEGER == testing.SIGNED + testing.UNSIGNED
    assert testing.INEXACT == testing.FLOATING + testing.COMPLEX
    assert testing.NUMERIC == testing.INTEGER + testing.INEXACT
    assert testing.ALL == testing.BOOL + testing.NUMERIC
    assert "bool" not in testing.NUMERIC


@pytest.mark.parametrize("dtype, expected", [
    ("float16", (1e-3, 1e-3)), ("float32", (1e-6, 1e-6)),
    ("float64", (1e-12, 1e-12)), ("complex64", (1e-6, 1e-6)),
    ("complex128", (1e-12, 1e-12)), ("int8", (0.0, 0.0)),
    ("uint64", (0.0, 0.0)), ("bool", (0.0, 0.0)), (np.float32, (1e-6, 1e-6)),
])
def test_default_tolerance(dtype, expected):
    assert testing.default_tolerance(dtype) == expected


@pytest.mark.parametrize("dtype, lower", [
    ("float16", "float16"), ("float32", "float16"), ("float64", "float32")])
def test_tolerance_admits_one_ulp_but_not_the_next_precision_down(dtype, lower):
    rtol, _ = testing.default_tolerance(dtype)
    assert rtol >= float(np.finfo(dtype).eps)
    if dtype != lower:
        # A result computed in `lower` precision by mistake must fail.
        assert rtol < float(np.finfo(lower).eps)


def test_for_dtypes_mark():
    mark = testing.for_float_dtypes(no_float16=True).mark
    assert mark.name == "parametrize"
    assert mark.args == ("dtype", [np.dtype("float32"), np.dtype("float64")])
    assert mark.kwargs["ids"] == ["float32", "float64"]
    ids = testing.for_all_dtypes("t", no_bool=True, no_complex=True).mark.kwargs["ids"]
    assert ids == list(testing.INTEGER + testing.FLOATING)
    assert testing.for_int_dtypes(with_bool=True).mark.kwargs["ids"][0] == "bool"
    assert "bool" not in testing.for_numeric_dtypes().mark.kwargs["ids"]


@testing.for_signed_dtypes("a")
@testing.for_unsigned_dtypes("b")
def test_stacked_for_dtypes_give_the_product(a, b):
    assert isinstance(a, np.dtype) and a.kind == "i"
    assert isinstance(b, np.dtype) and b.kind == "u"


# --- Asserts with device arrays ---------------------------------------------------
def test_asserts_accept_device_arrays():
    a = FakeDeviceArray(np.array([1.0, 2.0, np.nan]))
    testing.assert_allclose(a, np.array([1.0, 2.0 + 1e-9, np.nan]))
    testing.assert_array_equal(a, a)
    testing.assert_array_almost_equal(a, [1.0, 2.0000001, np.nan])
    testing.assert_array_less(FakeDeviceArray(np.arange(3)), np.arange(1, 4))
    testing.assert_array_max_ulp(FakeDeviceArray(np.float32([1.0])),
                                 np.nextafter(np.float32([1.0]), 2))
    testing.assert_array_equal((a, FakeDeviceArray(np.ones(3))), (a, np.ones(3)))


@pytest.mark.parametrize("check", [
    lambda a: testing.assert_allclose(a, np.zeros(2)),
    lambda a: testing.assert_array_equal(a, np.zeros(2)),
    lambda a: testing.assert_array_almost_equal(a, np.zeros(2)),
    lambda a: testing.assert_array_less(a, np.zeros(2)),
    lambda a: testing.assert_array_max_ulp(a, np.zeros(2)),
])
def test_asserts_fail_on_device_arrays(check):
    with pytest.raises(AssertionError):
        check(FakeDeviceArray(np.ones(2)))


def test_fake_refuses_implicit_conversion():
    # The kit must never rely on numpy.asarray(device_array).
    with pytest.raises(TypeError):
        np.asarray(FakeDeviceArray(np.ones(2)))
    assert math.isclose(float(fake.asnumpy(fake.ones(1))[0]), 1.0)
