"""Host conversion of device arrays, and numpy.testing asserts that accept them.

A "device array" is any object with ``__cuda_array_interface__`` (cuarray's
ndarray, CuPy's, a test fake).  It reaches the host through its ``get()``
method, else through the array module's ``asnumpy``; never through
``numpy.asarray``, which cuarray's ndarray refuses (no hidden transfers).
"""

import importlib

import numpy
import numpy.testing


def is_device_array(obj):
    """Return True if `obj` exposes ``__cuda_array_interface__``."""
    return hasattr(obj, "__cuda_array_interface__")


def to_host(obj, xp=None):
    """Return `obj` as a NumPy array if it is a device array, else unchanged.

    Lists and tuples are converted element-wise.  `xp` is the array module
    whose ``asnumpy`` is used for device arrays without ``get``; cuarray when
    not given.
    """
    if is_device_array(obj):
        if hasattr(obj, "get"):
            return numpy.asarray(obj.get())
        if xp is None or not hasattr(xp, "asnumpy"):
            xp = importlib.import_module("cuarray")
        return numpy.asarray(xp.asnumpy(obj))
    if isinstance(obj, (list, tuple)):
        items = [to_host(o, xp) for o in obj]
        # Named tuples (e.g. numpy.unique_all's result) take fields, not one list.
        return type(obj)(*items) if hasattr(obj, "_fields") else type(obj)(items)
    return obj


def _contiguity_from_strides(shape, strides, itemsize):
    # NumPy's rule (relaxed strides, always on since NumPy 1.12): axes of
    # extent 1 do not constrain their stride, and an empty array is both.
    if any(n == 0 for n in shape):
        return True, True
    if strides is None:
        # ``strides is None`` in the CUDA array interface means C-contiguous.
        strides = []
        step = itemsize
        for n in reversed(shape):
            strides.insert(0, step)
            step *= n

    def packed(axes):
        expected = itemsize
        for n, s in axes:
            if n != 1 and s != expected:
                return False
            expected *= n
        return True

    pairs = list(zip(shape, strides))
    return packed(reversed(pairs)), packed(pairs)


def contiguity(arr):
    """Return ``(c_contiguous, f_contiguous)`` of a NumPy or device array."""
    flags = getattr(arr, "flags", None)
    if flags is not None:
        # Both attribute (CuPy, NumPy) and mapping spellings are common.
        try:
            return bool(flags.c_contiguous), bool(flags.f_contiguous)
        except AttributeError:
            return bool(flags["C_CONTIGUOUS"]), bool(flags["F_CONTIGUOUS"])
    cai = arr.__cuda_array_interface__
    itemsize = numpy.dtype(cai["typestr"]).itemsize
    return _contiguity_from_strides(tuple(cai["shape"]), cai.get("strides"),
                                    itemsize)


# --- numpy.testing wrappers --------------------------------------------------
def assert_allclose(actual, desired, rtol=1e-7, atol=0, equal_nan=True,
                    err_msg="", verbose=True, *, strict=False):
    """See numpy.testing.assert_allclose."""
    numpy.testing.assert_allclose(
        to_host(actual), to_host(desired), rtol=rtol, atol=atol,
        equal_nan=equal_nan, err_msg=err_msg, verbose=verbose, strict=strict)


def assert_array_equal(actual, desired, err_msg="", verbose=True, *,
                       strict=False):
    """See numpy.testing.assert_array_equal."""
    numpy.testing.assert_array_equal(
        to_host(actual), to_host(desired), err_msg=err_msg, verbose=verbose,
        strict=strict)


def assert_array_almost_equal(actual, desired, decimal=6, err_msg="",
                              verbose=True):
    """See numpy.testing.assert_array_almost_equal."""
    numpy.testing.assert_array_almost_equal(
        to_host(actual), to_host(desired), decimal=decimal, err_msg=err_msg,
        verbose=verbose)


def assert_array_less(x, y, err_msg="", verbose=True, *, strict=False):
    """See numpy.testing.assert_array_less."""
    numpy.testing.assert_array_less(
        to_host(x), to_host(y), err_msg=err_msg, verbose=verbose,
        strict=strict)


def assert_array_max_ulp(a, b, maxulp=1, dtype=None):
    """See numpy.testing.assert_array_max_ulp."""
    return numpy.testing.assert_array_max_ulp(
        to_host(a), to_host(b), maxulp=maxulp, dtype=dtype)
