"""The dtypes cuarray stores, their C++ names, and normalisation of user dtype arguments.

NumPy's dtype objects are used throughout (``cuarray.float32 is numpy.float32``);
this module only decides which of them live on the GPU and how C++ spells them.
"""

from __future__ import annotations

import numpy

#: NumPy dtype name -> C++ type used in generated kernels.
CTYPES = {
    "bool": "bool",
    "int8": "signed char", "uint8": "unsigned char",
    "int16": "short", "uint16": "unsigned short",
    "int32": "int", "uint32": "unsigned int",
    "int64": "long long", "uint64": "unsigned long long",
    "float16": "__half", "float32": "float", "float64": "double",
    "complex64": "cuarray::complex<float>", "complex128": "cuarray::complex<double>",
}

SUPPORTED = tuple(numpy.dtype(n) for n in CTYPES)
_SUPPORTED_SET = frozenset(SUPPORTED)

# float16 is stored as half but computed in float32 (NumPy's loops do the same).
COMPUTE = {numpy.dtype("float16"): numpy.dtype("float32")}

_cache: dict = {}


def get_dtype(dtype, *, allow_none_default=True) -> numpy.dtype:
    """Normalise a dtype argument to a supported ``numpy.dtype``; TypeError for others.

    ``None`` means float64, as in NumPy's creation functions.
    """
    try:
        return _cache[dtype]
    except (KeyError, TypeError):
        pass
    if dtype is None and allow_none_default:
        dt = numpy.dtype(numpy.float64)
    else:
        try:
            dt = numpy.dtype(dtype)
        except TypeError as exc:
            raise TypeError(f"data type {dtype!r} not understood") from exc
    check_supported(dt)
    try:
        _cache[dtype] = dt
    except TypeError:       # unhashable dtype specification
        pass
    return dt


def check_supported(dt: numpy.dtype) -> None:
    if dt not in _SUPPORTED_SET:
        raise TypeError(f"cuarray does not support dtype {dt!s} ({dt.name}): GPU arrays hold "
                        "bool, integer, float16/32/64 and complex64/128 data")


def is_supported(dt) -> bool:
    return dt in _SUPPORTED_SET


def ctype(dt: numpy.dtype) -> str:
    return CTYPES[dt.name]


def needs_half(dtypes) -> bool:
    return any(d.char == "e" for d in dtypes)


def needs_complex(dtypes) -> bool:
    return any(d.kind == "c" for d in dtypes)
