"""The deliberate gaps in cuarray's NumPy namespace: public names of ``numpy``,
``numpy.linalg``, ``numpy.fft`` and ``numpy.random`` that cuarray does not provide, each
with the reason.  ``tests/test_namespace.py`` fails on any other missing name, and on a
gap that cuarray has since filled.  Some names exist only on some platforms (``float128``)
or NumPy versions; a gap need not exist in the installed NumPy.
"""

_DATETIME = ("datetime and timedelta dtypes: GPU arrays hold bool, integer, float16/32/64 "
             "and complex64/128 data")
_FLEXIBLE = ("string, bytes, object, void and structured dtypes: variable-size or Python-object "
             "elements have no GPU representation")
_MATRIX = "numpy.matrix: deprecated by NumPy itself; use 2-D arrays and the @ operator"
_LONG = ("extended precision (long double): no GPU arithmetic for it; float64/complex128 are "
         "the widest types")
_TEST = "NumPy's own test-suite runner; cuarray's tests run with pytest from its repository"

#: {NumPy module: {name: reason}}
GAPS = {
    "numpy": {
        # Dates and times.
        "datetime64": _DATETIME,
        "timedelta64": _DATETIME,
        "datetime_as_string": _DATETIME,
        "datetime_data": _DATETIME,
        "busday_count": _DATETIME,
        "busday_offset": _DATETIME,
        "busdaycalendar": _DATETIME,
        "is_busday": _DATETIME,
        # Strings, bytes, objects, records.
        "bytes_": _FLEXIBLE,
        "str_": _FLEXIBLE,
        "character": _FLEXIBLE,
        "flexible": _FLEXIBLE,
        "void": _FLEXIBLE,
        "object_": _FLEXIBLE,
        "char": _FLEXIBLE + " (numpy.char works on string arrays)",
        "strings": _FLEXIBLE + " (numpy.strings works on string arrays)",
        "rec": _FLEXIBLE + " (numpy.rec builds record arrays)",
        "recarray": _FLEXIBLE,
        "record": _FLEXIBLE,
        "frompyfunc": ("returns ufuncs on object arrays; cuarray.vectorize compiles a Python "
                       "function into a kernel instead"),
        # Matrices.
        "matrix": _MATRIX,
        "asmatrix": _MATRIX,
        "bmat": _MATRIX,
        # Extended precision.
        "longdouble": _LONG,
        "clongdouble": _LONG,
        "float96": _LONG,
        "float128": _LONG,
        "complex192": _LONG,
        "complex256": _LONG,
        # Host-only machinery.
        "nditer": ("steps through elements on the host with per-element operand buffers; "
                   "device arrays would be copied to the host element by element (use "
                   "ufuncs, cuarray.vectorize or cuarray.ElementwiseKernel)"),
        "nested_iters": "host element iteration, as nditer",
        "memmap": ("maps a file into host memory; read it with numpy.memmap and copy with "
                   "cuarray.asarray, or cuarray.load(mmap_mode=...)"),
        "ma": ("masked arrays: not provided yet (a mask beside the data, with every routine "
               "aware of it)"),
        "ctypeslib": ("ctypes views of host memory; device memory is reached through "
                      "__cuda_array_interface__ and DLPack instead"),
        "get_include": ("the path of NumPy's C headers, for C extensions built against "
                        "NumPy; cuarray kernels include cuarray's own headers"),
        "f2py": "the Fortran-to-Python interface generator: a build tool of NumPy's",
        "core": "NumPy's private implementation package (numpy.core is deprecated)",
        "typing": "static type annotations for NumPy arrays; none are provided for cuarray yet",
        "test": _TEST,
    },
    "numpy.linalg": {"test": _TEST},
    "numpy.fft": {"test": _TEST},
    "numpy.random": {"test": _TEST, **dict.fromkeys(
        ("MT19937", "PCG64", "PCG64DXSM", "SFC64"),
        "NumPy's sequential bit generators: cuarray.random runs on the counter-based Philox, "
        "which needs no per-thread state on the device; use Philox or default_rng")},
}
