"""cuarray: NumPy and SciPy for NVIDIA GPUs.

This module only assembles the public namespace by explicit re-export, grouped
under NumPy's reference headings; nothing is defined here.  Importing it never
touches the GPU or loads the CUDA libraries, so it works (and is fast) on
machines without either.
"""

# --- Package information ---------------------------------------------------
from ._version import __version__ as __version__
from ._config import is_available as is_available
from ._config import show_config as show_config

# --- The N-dimensional array ------------------------------------------------
from ._core.ndarray import ndarray as ndarray

# --- Data types (NumPy's own objects: cuarray.float32 is numpy.float32) --------
from numpy import bool_ as bool_
from numpy import int8 as int8
from numpy import int16 as int16
from numpy import int32 as int32
from numpy import int64 as int64
from numpy import uint8 as uint8
from numpy import uint16 as uint16
from numpy import uint32 as uint32
from numpy import uint64 as uint64
from numpy import float16 as float16
from numpy import float32 as float32
from numpy import float64 as float64
from numpy import complex64 as complex64
from numpy import complex128 as complex128
from numpy import dtype as dtype

# --- Universal functions ---------------------------------------------------------
from ._ufunc.ufunc import ufunc as ufunc
from ._ufunc.namespace import add as add
from ._ufunc.namespace import subtract as subtract
from ._ufunc.namespace import multiply as multiply
from ._ufunc.namespace import divide as divide
from ._ufunc.namespace import true_divide as true_divide
from ._ufunc.namespace import negative as negative
from ._ufunc.namespace import equal as equal
from ._ufunc.namespace import not_equal as not_equal
from ._ufunc.namespace import less as less
from ._ufunc.namespace import less_equal as less_equal
from ._ufunc.namespace import greater as greater
from ._ufunc.namespace import greater_equal as greater_equal
from ._ufunc.namespace import exp as exp
from ._ufunc.namespace import exp2 as exp2
from ._ufunc.namespace import expm1 as expm1
from ._ufunc.namespace import log as log
from ._ufunc.namespace import log2 as log2
from ._ufunc.namespace import log10 as log10
from ._ufunc.namespace import log1p as log1p
from ._ufunc.namespace import logaddexp as logaddexp
from ._ufunc.namespace import logaddexp2 as logaddexp2
from ._ufunc.namespace import sqrt as sqrt
from ._ufunc.namespace import cbrt as cbrt
from ._ufunc.namespace import square as square
from ._ufunc.namespace import reciprocal as reciprocal
from ._ufunc.namespace import sin as sin
from ._ufunc.namespace import cos as cos
from ._ufunc.namespace import tan as tan
from ._ufunc.namespace import arcsin as arcsin
from ._ufunc.namespace import arccos as arccos
from ._ufunc.namespace import arctan as arctan
from ._ufunc.namespace import arctan2 as arctan2
from ._ufunc.namespace import hypot as hypot
from ._ufunc.namespace import sinh as sinh
from ._ufunc.namespace import cosh as cosh
from ._ufunc.namespace import tanh as tanh
from ._ufunc.namespace import arcsinh as arcsinh
from ._ufunc.namespace import arccosh as arccosh
from ._ufunc.namespace import arctanh as arctanh
from ._ufunc.namespace import degrees as degrees
from ._ufunc.namespace import radians as radians
from ._ufunc.namespace import deg2rad as deg2rad
from ._ufunc.namespace import rad2deg as rad2deg
from ._ufunc.namespace import acos as acos
from ._ufunc.namespace import acosh as acosh
from ._ufunc.namespace import asin as asin
from ._ufunc.namespace import asinh as asinh
from ._ufunc.namespace import atan as atan
from ._ufunc.namespace import atan2 as atan2
from ._ufunc.namespace import atanh as atanh
from ._ufunc.namespace import floor as floor
from ._ufunc.namespace import ceil as ceil
from ._ufunc.namespace import trunc as trunc
from ._ufunc.namespace import rint as rint
from ._ufunc.namespace import fabs as fabs
from ._ufunc.namespace import isnan as isnan
from ._ufunc.namespace import isinf as isinf
from ._ufunc.namespace import isfinite as isfinite
from ._ufunc.namespace import signbit as signbit
from ._ufunc.namespace import copysign as copysign
from ._ufunc.namespace import nextafter as nextafter
from ._ufunc.namespace import spacing as spacing
from ._ufunc.namespace import frexp as frexp
from ._ufunc.namespace import ldexp as ldexp
from ._ufunc.namespace import modf as modf
from ._ufunc.namespace import fmod as fmod
from ._ufunc.namespace import sign as sign
from ._ufunc.namespace import heaviside as heaviside
from ._ufunc.namespace import positive as positive
from ._ufunc.namespace import absolute as absolute
from ._ufunc.namespace import abs as abs
from ._ufunc.namespace import conjugate as conjugate
from ._ufunc.namespace import conj as conj
from ._ufunc.namespace import floor_divide as floor_divide
from ._ufunc.namespace import remainder as remainder
from ._ufunc.namespace import mod as mod
from ._ufunc.namespace import divmod as divmod
from ._ufunc.namespace import power as power
from ._ufunc.namespace import pow as pow
from ._ufunc.namespace import float_power as float_power
from ._ufunc.namespace import gcd as gcd
from ._ufunc.namespace import lcm as lcm
from ._ufunc.namespace import logical_and as logical_and
from ._ufunc.namespace import logical_or as logical_or
from ._ufunc.namespace import logical_xor as logical_xor
from ._ufunc.namespace import logical_not as logical_not
from ._ufunc.namespace import maximum as maximum
from ._ufunc.namespace import minimum as minimum
from ._ufunc.namespace import fmax as fmax
from ._ufunc.namespace import fmin as fmin
from ._ufunc.namespace import isnat as isnat
from ._ufunc.namespace import bitwise_and as bitwise_and
from ._ufunc.namespace import bitwise_or as bitwise_or
from ._ufunc.namespace import bitwise_xor as bitwise_xor
from ._ufunc.namespace import invert as invert
from ._ufunc.namespace import bitwise_invert as bitwise_invert
from ._ufunc.namespace import bitwise_not as bitwise_not
from ._ufunc.namespace import left_shift as left_shift
from ._ufunc.namespace import bitwise_left_shift as bitwise_left_shift
from ._ufunc.namespace import right_shift as right_shift
from ._ufunc.namespace import bitwise_right_shift as bitwise_right_shift
from ._ufunc.namespace import bitwise_count as bitwise_count
from ._ufunc.namespace import matmul as matmul
from ._ufunc.namespace import vecdot as vecdot
# matvec and vecmat, where the installed NumPy has them (2.2 and later):
from ._ufunc.defs.linalg import *  # noqa: E402,F401,F403

# --- Elementwise routines that are not ufuncs, dtype routines -------------------------
# Mathematical functions
from ._routines.math import around as around
from ._routines.math import angle as angle
from ._routines.math import clip as clip
from ._routines.math import fix as fix
from ._routines.math import i0 as i0
from ._routines.math import imag as imag
from ._routines.math import nan_to_num as nan_to_num
from ._routines.math import real as real
from ._routines.math import real_if_close as real_if_close
from ._routines.math import round as round  # noqa: A004 - NumPy's name
from ._routines.math import sinc as sinc
# Logic functions
from ._routines.logic import iscomplex as iscomplex
from ._routines.logic import iscomplexobj as iscomplexobj
from ._routines.logic import isclose as isclose
from ._routines.logic import isneginf as isneginf
from ._routines.logic import isposinf as isposinf
from ._routines.logic import isreal as isreal
from ._routines.logic import isrealobj as isrealobj
from ._routines.logic import allclose as allclose
from ._routines.logic import array_equal as array_equal
from ._routines.logic import array_equiv as array_equiv
# Sorting, searching
from ._routines.searching import where as where
# Indexing routines
# Data type routines (NumPy's objects where they never copy a device array)
from ._routines.dtypes import can_cast as can_cast
from ._routines.dtypes import common_type as common_type
from ._routines.dtypes import min_scalar_type as min_scalar_type
from ._routines.dtypes import result_type as result_type
from numpy import finfo as finfo
from numpy import iinfo as iinfo
from numpy import isdtype as isdtype
from numpy import issubdtype as issubdtype
from numpy import promote_types as promote_types
# Scalar type names (NumPy's objects) and abstract scalar types
from numpy import bool as bool  # noqa: A004 - NumPy's name
from numpy import byte as byte
from numpy import ubyte as ubyte
from numpy import short as short
from numpy import ushort as ushort
from numpy import intc as intc
from numpy import uintc as uintc
from numpy import int_ as int_
from numpy import uint as uint
from numpy import long as long
from numpy import ulong as ulong
from numpy import longlong as longlong
from numpy import ulonglong as ulonglong
from numpy import intp as intp
from numpy import uintp as uintp
from numpy import half as half
from numpy import single as single
from numpy import double as double
from numpy import csingle as csingle
from numpy import cdouble as cdouble
from numpy import generic as generic
from numpy import number as number
from numpy import integer as integer
from numpy import signedinteger as signedinteger
from numpy import unsignedinteger as unsignedinteger
from numpy import inexact as inexact
from numpy import floating as floating
from numpy import complexfloating as complexfloating
# Constants
from numpy import e as e
from numpy import euler_gamma as euler_gamma
from numpy import inf as inf
from numpy import nan as nan
from numpy import newaxis as newaxis
from numpy import pi as pi

# --- Interoperability ---------------------------------------------------------------------
from ._routines.interop import from_dlpack as from_dlpack
from ._routines.interop import get_array_module as get_array_module
from ._routines.interop import flatiter as flatiter
from ._routines import dispatch as _dispatch
from ._routines import interop as _interop

_interop.install()      # __dlpack__, __dlpack_device__, to_device, flat
_dispatch.install()     # __array_ufunc__, __array_function__
del _dispatch, _interop

# --- Array creation routines -----------------------------------------------------
from ._routines.creation import array as array
from ._routines.creation import asarray as asarray
from ._routines.creation import asnumpy as asnumpy
from ._routines.creation import empty as empty
from ._routines.creation import full as full
from ._routines.creation import ones as ones
from ._routines.creation import zeros as zeros
from ._routines.creation import empty_like as empty_like
from ._routines.creation import zeros_like as zeros_like
from ._routines.creation import ones_like as ones_like
from ._routines.creation import full_like as full_like
from ._routines.creation import asanyarray as asanyarray
from ._routines.creation import ascontiguousarray as ascontiguousarray
from ._routines.creation import asfortranarray as asfortranarray
from ._routines.creation import copy as copy
from ._routines.creation import astype as astype
from ._routines.creation import frombuffer as frombuffer
from ._routines.creation import fromiter as fromiter
from ._routines.creation import fromstring as fromstring

# --- Array manipulation routines -------------------------------------------------
from ._routines.manipulation import broadcast_to as broadcast_to
from ._routines.manipulation import ravel as ravel
from ._routines.manipulation import reshape as reshape
from ._routines.manipulation import squeeze as squeeze
from ._routines.manipulation import swapaxes as swapaxes
from ._routines.manipulation import transpose as transpose
from ._routines.manipulation import permute_dims as permute_dims
from ._routines.manipulation import moveaxis as moveaxis
from ._routines.manipulation import rollaxis as rollaxis
from ._routines.manipulation import expand_dims as expand_dims
from ._routines.manipulation import broadcast_arrays as broadcast_arrays
from ._routines.manipulation import broadcast_shapes as broadcast_shapes
from ._routines.manipulation import atleast_1d as atleast_1d
from ._routines.manipulation import atleast_2d as atleast_2d
from ._routines.manipulation import atleast_3d as atleast_3d
from ._routines.manipulation import copyto as copyto
from ._routines.manipulation import require as require
from ._routines.manipulation import asarray_chkfinite as asarray_chkfinite


def __getattr__(name):
    # Subpackages that are heavy or optional load on first use, keeping
    # `import cuarray` cheap (< 0.3 s, no CUDA libraries needed).
    import importlib

    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY_NAMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cuarray' has no attribute {name!r}")


import numpy as _np_module  # noqa: E402

_LAZY_SUBMODULES = frozenset({"cuda", "fft", "lib", "linalg", "profiler", "random", "testing"})

# --- Memory management (CuPy's top-level names) --------------------------------------
_LAZY_NAMES = {
    "get_default_memory_pool": "cuda.memory",
    "get_default_pinned_memory_pool": "cuda.pinned_memory",
}


# --- Chapters loaded on first use (each needs kernels of its own) -------------------------
# Ranges and matrices; sums, products, differences; statistics; cumulative operations;
# joining, tiling, rearranging and padding arrays; indexing routines.  ``__getattr__``
# imports the module on first access and caches the name here.
_LAZY_ROUTINES = {
    'ranges': (
        'arange', 'linspace', 'logspace', 'geomspace', 'meshgrid', 'mgrid', 'ogrid',
        'indices', 'fromfunction',
    ),
    'matrices': (
        'eye', 'identity', 'diag', 'diagflat', 'tri', 'tril', 'triu', 'vander',
    ),
    'reductions': (
        'sum', 'prod', 'nansum', 'nanprod', 'max', 'min', 'amax', 'amin', 'nanmax',
        'nanmin', 'ptp', 'all', 'any', 'count_nonzero', 'argmax', 'argmin', 'nanargmax',
        'nanargmin',
    ),
    'statistics': (
        'mean', 'var', 'std', 'nanmean', 'nanvar', 'nanstd', 'average',
    ),
    'cumulative': (
        'cumsum', 'cumprod', 'nancumsum', 'nancumprod', 'cumulative_sum', 'cumulative_prod',
    ),
    'differences': (
        'diff', 'ediff1d', 'gradient', 'trapezoid',
    ),
    'joining': (
        'concatenate', 'concat', 'stack', 'vstack', 'hstack', 'dstack', 'column_stack',
        'block', 'split', 'array_split', 'hsplit', 'vsplit', 'dsplit', 'unstack',
    ),
    'tiling': (
        'tile', 'repeat', 'resize', 'insert', 'delete', 'append', 'trim_zeros',
    ),
    'rearranging': (
        'flip', 'fliplr', 'flipud', 'roll', 'rot90',
    ),
    'padding': (
        'pad',
    ),
    'indexing': (
        'take', 'take_along_axis', 'put', 'put_along_axis', 'place', 'putmask', 'choose',
        'compress', 'select', 'extract', 'nonzero', 'argwhere', 'flatnonzero', 'diagonal',
    ),
    'index_tricks': (
        'ix_', 'ravel_multi_index', 'unravel_index', 'diag_indices', 'diag_indices_from',
        'tril_indices', 'tril_indices_from', 'triu_indices', 'triu_indices_from',
        'mask_indices', 'fill_diagonal',
    ),
}
if hasattr(_np_module, "row_stack"):        # deprecated in NumPy 2.0; gone later
    _LAZY_ROUTINES["joining"] += ("row_stack",)
_LAZY_NAMES.update({name: f"_routines.{module}" for module, names in _LAZY_ROUTINES.items()
                    for name in names})
# Linear algebra: matrix and vector products (cuarray.linalg loads on first use).
_LAZY_NAMES.update({name: "linalg._products" for name in (
    "dot", "vdot", "inner", "outer", "tensordot", "kron", "trace", "cross")})
_LAZY_NAMES.update({"einsum": "linalg._einsum", "einsum_path": "linalg._einsum"})
# Sorting, searching, sets, order statistics, histograms and counting (CUB through
# cuda.compute and NVRTC kernels, loaded on first use).
_LAZY_NAMES.update({name: "_routines.sorting" for name in (
    "sort", "argsort", "lexsort", "sort_complex", "partition", "argpartition", "searchsorted")})
_LAZY_NAMES.update({name: "_routines.sets" for name in (
    "unique", "unique_all", "unique_counts", "unique_inverse", "unique_values", "intersect1d",
    "union1d", "setdiff1d", "setxor1d", "isin") + (("in1d",) if hasattr(_np_module, "in1d")
                                                   else ())})
_LAZY_NAMES.update({name: "_routines.order_statistics" for name in (
    "median", "percentile", "quantile", "nanmedian", "nanpercentile", "nanquantile")})
_LAZY_NAMES.update({name: "_routines.histograms" for name in (
    "histogram", "histogram2d", "histogramdd", "histogram_bin_edges", "bincount", "digitize")})
# The rest of NumPy's namespace.  Chapters with kernels (or NumPy I/O) load on first use:
# correlating; window functions; polynomials; input and output; functional programming;
# bit packing and integer formatting; floating-point error handling; the array API's
# inspection namespace; unwrap and interp; array questions and memory overlap; iterators;
# r_/c_; string representations.
_LAZY_NAMES.update({name: f"_routines.{module}" for module, names in {
    "correlation": ("cov", "corrcoef", "correlate", "convolve"),
    "windows": ("bartlett", "blackman", "hamming", "hanning", "kaiser"),
    "polynomials": ("poly", "polyval", "polyfit", "roots", "polyadd", "polysub", "polymul",
                    "polydiv", "polyder", "polyint", "poly1d"),
    "io": ("save", "load", "savez", "savez_compressed", "savetxt", "loadtxt", "genfromtxt",
           "fromregex", "fromfile"),
    "functional": ("apply_along_axis", "apply_over_axes", "vectorize", "piecewise"),
    "bits": ("packbits", "unpackbits", "binary_repr", "base_repr"),
    "errstate": ("errstate", "seterr", "geterr", "seterrcall", "geterrcall", "setbufsize",
                 "getbufsize"),
    "array_api": ("__array_api_version__", "__array_namespace_info__"),
    "math_misc": ("unwrap", "interp"),
    "array_info": ("ndim", "shape", "size", "isfortran", "matrix_transpose",
                   "may_share_memory", "shares_memory", "info", "show_runtime"),
    "iterators": ("ndenumerate", "broadcast"),
    "index_builders": ("r_", "c_"),
    "printing": ("array2string", "array_repr", "array_str", "format_float_positional",
                 "format_float_scientific"),
}.items() for name in names})
_LAZY_SUBMODULES = _LAZY_SUBMODULES | {"emath", "polynomial"}
# NumPy's own objects where they never touch array data: scalar-type tables and constants,
# index-tuple builders, type-code helpers, print options (printing goes through NumPy),
# and the exception and DType-class modules (cuarray raises NumPy's exceptions and uses
# NumPy's dtypes).
from numpy import False_ as False_  # noqa: E402
from numpy import True_ as True_  # noqa: E402
from numpy import ScalarType as ScalarType  # noqa: E402
from numpy import sctypeDict as sctypeDict  # noqa: E402
from numpy import typecodes as typecodes  # noqa: E402
from numpy import little_endian as little_endian  # noqa: E402
from numpy import isscalar as isscalar  # noqa: E402
from numpy import iterable as iterable  # noqa: E402
from numpy import ndindex as ndindex  # noqa: E402
from numpy import s_ as s_  # noqa: E402
from numpy import index_exp as index_exp  # noqa: E402
from numpy import typename as typename  # noqa: E402
from numpy import mintypecode as mintypecode  # noqa: E402
from numpy import get_printoptions as get_printoptions  # noqa: E402
from numpy import set_printoptions as set_printoptions  # noqa: E402
from numpy import printoptions as printoptions  # noqa: E402
from numpy import exceptions as exceptions  # noqa: E402
from numpy import dtypes as dtypes  # noqa: E402
# Custom kernels and fusion (CuPy's names): user C++ on the engines above.
_LAZY_NAMES.update({
    "RawKernel": "_engine.raw", "RawModule": "_engine.raw",
    "ElementwiseKernel": "_engine.user_kernels", "ReductionKernel": "_engine.user_kernels",
    "fuse": "_ufunc.fusion",
})

# --- Methods and operators that need kernels, attached to ndarray -----------------------
from ._routines import _methods as _methods  # noqa: E402
from ._ufunc import namespace as _namespace  # noqa: E402
from ._ufunc import operators as _operators  # noqa: E402

_methods.install()
_operators.install(_namespace)
del _methods, _namespace, _operators
