"""Named dtype groups, per-dtype default tolerances and dtype parametrisation.

Groups hold NumPy dtype *names* (strings), never type characters: names stay
meaningful for dtypes NumPy spells oddly (bfloat16, fp8) and read well as
pytest ids.
"""

import numpy

# --- Dtype groups -----------------------------------------------------------
BOOL = ("bool",)
SIGNED = ("int8", "int16", "int32", "int64")
UNSIGNED = ("uint8", "uint16", "uint32", "uint64")
INTEGER = SIGNED + UNSIGNED
FLOATING = ("float16", "float32", "float64")
COMPLEX = ("complex64", "complex128")
INEXACT = FLOATING + COMPLEX
NUMERIC = INTEGER + INEXACT
ALL = BOOL + NUMERIC

# --- Default tolerances -----------------------------------------------------
# (rtol, atol) per real floating dtype; complex dtypes use their real part's.
#
# rtol: float16 1e-3 is one ulp (2**-10) everywhere, enough for a result
# rounded from a float32 computation on either side.  float32 1e-6 is ~8 ulp:
# CUDA's single-precision math functions are documented to 1-4 ulp, glibc's
# to 1-2.  float64 1e-12 (~4500 ulp), not 1e-15: GPU and host math libraries
# and summation orders differ in the last bits, and 1e-15 would fail on
# correct results while 1e-12 still catches any wrong-precision computation
# (a float32 code path is off by ~1e-7).
#
# atol equals rtol: random_array draws inputs of magnitude ~1-10, and a result
# that should be zero keeps about one input-sized rounding error after
# cancellation.  Tests on tiny magnitudes pass a smaller atol explicitly.
_FLOAT_TOLERANCE = {
    "float16": (1e-3, 1e-3),
    "float32": (1e-6, 1e-6),
    "float64": (1e-12, 1e-12),
}


def default_tolerance(dtype):
    """Return the default ``(rtol, atol)`` for comparing results of `dtype`.

    Integers, bool and every non-numeric dtype compare exactly: ``(0.0, 0.0)``.
    """
    dtype = numpy.dtype(dtype)
    if dtype.kind == "c":
        dtype = numpy.dtype(f"f{dtype.itemsize // 2}")
    if dtype.kind != "f":
        return (0.0, 0.0)
    # Wider floats (longdouble) get float64's tolerance: GPUs have nothing wider.
    return _FLOAT_TOLERANCE.get(dtype.name, _FLOAT_TOLERANCE["float64"])


# --- Parametrisation --------------------------------------------------------
def for_dtypes(dtypes, name="dtype"):
    """Parametrise a test over `dtypes`, one test per dtype, id'd by name.

    The test receives ``numpy.dtype`` objects.  Stack two decorators with
    different `name`s for the cartesian product of two dtype arguments.
    """
    import pytest  # Lazy: `import cuarray.testing` must not import pytest.

    dtypes = [numpy.dtype(d) for d in dtypes]
    return pytest.mark.parametrize(name, dtypes, ids=[d.name for d in dtypes])


def _select(groups, *, no_bool=False, no_float16=False, no_complex=False):
    dtypes = [d for group in groups for d in group]
    if no_bool:
        dtypes = [d for d in dtypes if d != "bool"]
    if no_float16:
        dtypes = [d for d in dtypes if d != "float16"]
    if no_complex:
        dtypes = [d for d in dtypes if d not in COMPLEX]
    return dtypes


def for_all_dtypes(name="dtype", *, no_bool=False, no_float16=False,
                   no_complex=False):
    """Parametrise over ALL (bool, integers, floats, complex)."""
    return for_dtypes(_select([ALL], no_bool=no_bool, no_float16=no_float16,
                              no_complex=no_complex), name)


def for_numeric_dtypes(name="dtype", *, no_float16=False, no_complex=False):
    """Parametrise over NUMERIC (ALL without bool)."""
    return for_all_dtypes(name, no_bool=True, no_float16=no_float16,
                          no_complex=no_complex)


def for_signed_dtypes(name="dtype"):
    """Parametrise over SIGNED."""
    return for_dtypes(SIGNED, name)


def for_unsigned_dtypes(name="dtype"):
    """Parametrise over UNSIGNED."""
    return for_dtypes(UNSIGNED, name)


def for_int_dtypes(name="dtype", *, with_bool=False):
    """Parametrise over INTEGER, plus bool when `with_bool`."""
    return for_dtypes((BOOL if with_bool else ()) + INTEGER, name)


def for_float_dtypes(name="dtype", *, no_float16=False):
    """Parametrise over FLOATING."""
    return for_dtypes(_select([FLOATING], no_float16=no_float16), name)


def for_complex_dtypes(name="dtype"):
    """Parametrise over COMPLEX."""
    return for_dtypes(COMPLEX, name)


def for_inexact_dtypes(name="dtype", *, no_float16=False):
    """Parametrise over INEXACT (floats and complex)."""
    return for_dtypes(_select([INEXACT], no_float16=no_float16), name)
