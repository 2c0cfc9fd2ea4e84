"""Data type routines and the scalar type names, against NumPy.

These need no GPU: a device array stands for its dtype, so the CPU tests use
cuarray ndarrays that have a shape and a dtype but no memory (any attempt to
read their data fails loudly).  The GPU tests at the end repeat the essentials
with real device arrays.
"""

import itertools

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._core import ndarray as _nd

ALL = testing.ALL


def hollow(shape, dtype):
    """A cuarray ndarray with shape and dtype but no device memory behind it."""
    a = object.__new__(cuarray.ndarray)
    dt = np.dtype(dtype)
    strides = tuple(np.empty(shape, dt).strides)
    _nd._init(a, tuple(shape), strides, dt, None, 0, None)
    return a


# -- names ----------------------------------------------------------------------------------------
SCALAR_TYPES = ["bool", "bool_", "byte", "ubyte", "short", "ushort", "intc", "uintc", "int_",
                "uint", "long", "ulong", "longlong", "ulonglong", "intp", "uintp", "half",
                "single", "double", "csingle", "cdouble", "int8", "int16", "int32", "int64",
                "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64",
                "complex64", "complex128"]
ABSTRACT_TYPES = ["generic", "number", "integer", "signedinteger", "unsignedinteger", "inexact",
                  "floating", "complexfloating"]
CONSTANTS = ["pi", "e", "inf", "nan", "newaxis", "euler_gamma"]
NUMPY_OBJECTS = ["dtype", "finfo", "iinfo", "issubdtype", "isdtype", "promote_types"]


@pytest.mark.parametrize("name", SCALAR_TYPES + ABSTRACT_TYPES + NUMPY_OBJECTS)
def test_names_are_numpy_objects(name):
    assert getattr(cuarray, name) is getattr(np, name)


@pytest.mark.parametrize("name", CONSTANTS)
def test_constants(name):
    value, ref = getattr(cuarray, name), getattr(np, name)
    assert value is ref or (value != value and ref != ref) or value == ref


@pytest.mark.parametrize("name", SCALAR_TYPES)
def test_scalar_types_are_supported_dtypes(name):
    assert cuarray.dtype(getattr(cuarray, name)).name in ALL


@pytest.mark.parametrize("name", ["float_", "complex_", "cfloat", "Inf", "NaN", "PINF"])
def test_names_numpy2_removed_are_absent(name):
    assert not hasattr(np, name)
    assert not hasattr(cuarray, name)


# -- result_type ----------------------------------------------------------------------------------
PY_SCALARS = [True, 1, -1, 1000, 2**63, 1.5, 1e300, 1j]


@pytest.mark.parametrize("d1, d2", list(itertools.product(ALL, repeat=2)))
def test_result_type_arrays(d1, d2):
    assert cuarray.result_type(hollow((3,), d1), hollow((2, 1), d2)) == \
        np.result_type(np.empty(3, d1), np.empty((2, 1), d2))
    assert cuarray.result_type(hollow((), d1), d2) == np.result_type(np.empty((), d1), d2)


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("scalar", PY_SCALARS + [np.int8(1), np.float32(1), np.complex64(1)])
def test_result_type_weak_python_scalars(dtype, scalar):
    # NEP 50: Python scalars take the array's dtype where their kind allows it; 0-d arrays
    # and NumPy scalars are not weak.
    for shape in [(), (4,)]:
        try:
            ref = np.result_type(np.empty(shape, dtype), scalar)
        except (TypeError, OverflowError) as e:
            with pytest.raises(type(e)):
                cuarray.result_type(hollow(shape, dtype), scalar)
            continue
        assert cuarray.result_type(hollow(shape, dtype), scalar) == ref


def test_result_type_dtypes_and_scalars_only():
    assert cuarray.result_type(1, 2.5) == np.result_type(1, 2.5)
    assert cuarray.result_type("i2", np.float16, 1j) == np.result_type("i2", np.float16, 1j)
    with pytest.raises(ValueError):
        np.result_type()
    with pytest.raises(ValueError):
        cuarray.result_type()


# -- can_cast, promote_types, min_scalar_type -----------------------------------------------------
@pytest.mark.parametrize("casting", ["no", "equiv", "safe", "same_kind", "unsafe"])
@pytest.mark.parametrize("d1", ALL)
def test_can_cast(d1, casting):
    for d2 in ALL:
        ref = np.can_cast(np.empty(2, d1), d2, casting)
        assert cuarray.can_cast(hollow((2,), d1), d2, casting) == ref
        assert cuarray.can_cast(d1, hollow((), d2), casting) == np.can_cast(d1, d2, casting)


def test_can_cast_rejects_python_scalars_as_numpy_does():
    with pytest.raises(TypeError):
        np.can_cast(1, np.int8)
    with pytest.raises(TypeError):
        cuarray.can_cast(1, np.int8)


@pytest.mark.parametrize("d1, d2", list(itertools.product(ALL, repeat=2)))
def test_promote_types(d1, d2):
    assert cuarray.promote_types(d1, d2) == np.promote_types(d1, d2)


@pytest.mark.parametrize("dtype", ALL)
def test_min_scalar_type_of_arrays_reads_no_data(dtype):
    assert cuarray.min_scalar_type(hollow((3,), dtype)) == np.min_scalar_type(np.empty(3, dtype))
    assert cuarray.min_scalar_type(hollow((0, 2), dtype)) == np.dtype(dtype)


@pytest.mark.parametrize("value", [0, 1, 255, 256, -1, -129, 2**40, 1.5, 1e50, -1e300, 1 + 1j,
                                   np.float64(0.5), np.int64(70000), True])
def test_min_scalar_type_of_scalars(value):
    assert cuarray.min_scalar_type(value) == np.min_scalar_type(value)


# -- common_type ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtypes", [d for n in (1, 2, 3) for d in
                                    itertools.combinations_with_replacement(ALL, n)])
def test_common_type(dtypes):
    arrays = [np.empty(2, d) for d in dtypes]
    try:
        ref = np.common_type(*arrays)
    except TypeError:
        with pytest.raises(TypeError, match="non-numeric"):
            cuarray.common_type(*(hollow((2,), d) for d in dtypes))
        return
    assert cuarray.common_type(*(hollow((2,), d) for d in dtypes)) is ref


def test_common_type_of_nothing():
    assert cuarray.common_type() is np.common_type()


# -- finfo, iinfo, issubdtype, isdtype with device arrays -----------------------------------------
@pytest.mark.parametrize("dtype", testing.INEXACT)
def test_finfo_of_device_array(dtype):
    assert cuarray.finfo(hollow((2,), dtype)) == np.finfo(np.dtype(dtype))


@pytest.mark.parametrize("dtype", testing.INTEGER)
def test_iinfo_of_device_array(dtype):
    info = cuarray.iinfo(hollow((2,), dtype))
    assert (info.min, info.max) == (np.iinfo(dtype).min, np.iinfo(dtype).max)


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("kind", ABSTRACT_TYPES + ["float32", "int64"])
def test_issubdtype_and_isdtype(dtype, kind):
    ref = np.issubdtype(np.dtype(dtype), getattr(np, kind))
    assert cuarray.issubdtype(hollow((1,), dtype).dtype, getattr(cuarray, kind)) == ref
    for api_kind in ["bool", "signed integer", "unsigned integer", "integral", "real floating",
                     "complex floating", "numeric"]:
        assert cuarray.isdtype(hollow((), dtype).dtype, api_kind) == \
            np.isdtype(np.dtype(dtype), api_kind)


# -- with device memory ---------------------------------------------------------------------------
@pytest.mark.gpu
@pytest.mark.parametrize("dtype", ALL)
def test_device_arrays(dtype):
    a = cuarray.zeros((3,), dtype)
    z = cuarray.asarray(np.array(7, dtype))
    assert cuarray.result_type(a, 1.5) == np.result_type(np.zeros(3, dtype), 1.5)
    assert cuarray.result_type(z, a) == np.result_type(np.array(7, dtype), np.zeros(3, dtype))
    assert cuarray.can_cast(a, np.float64) == np.can_cast(np.zeros(3, dtype), np.float64)
    assert cuarray.min_scalar_type(a) == np.min_scalar_type(np.zeros(3, dtype))
    # A 0-d array is value-based, as in NumPy (its value is read back).
    assert cuarray.min_scalar_type(z) == np.min_scalar_type(np.array(7, dtype))
    if np.dtype(dtype).kind != "b":
        assert cuarray.common_type(a) is np.common_type(np.zeros(3, dtype))
