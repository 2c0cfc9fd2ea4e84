"""``numpy_compare``: run one test body with NumPy and with cuarray, compare.

The checks run in this order, and a failure names the first that failed:

1. exceptions: both raise a compatible class (see ``_public_classes``) that
   `accept_error` allows, or neither raises;
2. result type: ``numpy.ndarray`` <-> device array; NumPy scalar
   (``numpy.generic``) <-> 0-d device array or NumPy scalar; Python scalar <->
   the same Python type; tuple/list <-> the same kind and length, compared
   element-wise; dict <-> same keys; None <-> None;
3. dtype; 4. shape; 5. C and F contiguity (NumPy arrays only);
6. values: integers and bool exactly, inexact dtypes with the result dtype's
   tolerance (``default_tolerance`` unless `rtol`/`atol` are given), NaNs
   equal where both have them.

Why a NumPy scalar may come back as a 0-d device array: a NumPy scalar lives
on the host, so returning one from a reduction (``a.sum()``) would force a
device-to-host copy and a stream synchronisation on every call.  GPU array
libraries (CuPy, cuarray) return 0-d device arrays instead; the value is
still compared.
"""

import dataclasses
import functools
import importlib
import inspect

import numpy
import numpy.testing

from ._asserts import contiguity, is_device_array, to_host
from ._dtypes import default_tolerance

_PYTHON_SCALARS = (bool, int, float, complex)


@dataclasses.dataclass(frozen=True)
class _Options:
    rtol: object
    atol: object
    type_check: bool
    dtype_check: bool
    shape_check: bool
    contiguous_check: bool
    ref_label: str = "numpy"
    label: str = "cuarray"
    xp: object = None


def numpy_compare(*, rtol=None, atol=None, name="xp", type_check=True,
                  dtype_check=True, shape_check=True, contiguous_check=True,
                  accept_error=False, sp_name=None, ref=None, target=None):
    """Decorate a test body to run with ``xp=numpy`` and ``xp=cuarray`` and compare.

    `rtol`/`atol`: a number, or a dict from dtype name (or ``"default"``) to a
    number; dtypes not given use ``default_tolerance``.  `accept_error`: True
    (any Exception), False (none), or an exception class or tuple of them.
    `sp_name`: also pass ``scipy`` / ``cuarray.scipy`` as this keyword.
    `ref`/`target`: modules replacing numpy/cuarray (for testing the kit).
    """
    options = _Options(_normalize_tol(rtol), _normalize_tol(atol),
                       type_check, dtype_check, shape_check, contiguous_check)
    accepted = _accepted_errors(accept_error)
    names = (name,) if sp_name is None else (name, sp_name)

    def decorator(body):
        sig = inspect.signature(body)
        for n in names:
            if n not in sig.parameters:
                raise TypeError(f"{body.__qualname__}() has no parameter {n!r} "
                                "for numpy_compare to pass the module in")

        @functools.wraps(body)
        def wrapper(*args, **kwargs):
            ref_mods = _reference_modules(ref, sp_name)
            tgt_mods = _target_modules(target, sp_name)
            opts = dataclasses.replace(
                options, ref_label=_label(ref_mods[0], "numpy"),
                label=_label(tgt_mods[0], "cuarray"), xp=tgt_mods[0])
            expected, ref_error = _call(body, args, kwargs, names, ref_mods)
            actual, error = _call(body, args, kwargs, names, tgt_mods)
            if ref_error is not None or error is not None:
                _check_errors(ref_error, error, accepted, opts)
                return
            _compare_results(expected, actual, opts)

        # pytest asks the signature which fixtures and parameters to pass;
        # the modules are ours to pass, so hide them (as CuPy does).
        wrapper.__signature__ = sig.replace(parameters=[
            p for p in sig.parameters.values() if p.name not in names])
        return wrapper

    return decorator


# --- Calling the body ----------------------------------------------------------
def _label(module, default):
    return getattr(module, "__name__", default)


def _scipy_of(module):
    sub = getattr(module, "scipy", None)
    if sub is None:
        sub = importlib.import_module(f"{module.__name__}.scipy")
    return sub


def _reference_modules(ref, sp_name):
    xp = numpy if ref is None else ref
    if sp_name is None:
        return (xp,)
    return (xp, importlib.import_module("scipy") if xp is numpy else _scipy_of(xp))


def _target_modules(target, sp_name):
    # Imported at call time: collecting tests must not need cuarray's runtime.
    xp = importlib.import_module("cuarray") if target is None else target
    return (xp,) if sp_name is None else (xp, _scipy_of(xp))


def _call(body, args, kwargs, names, modules):
    try:
        return body(*args, **kwargs, **dict(zip(names, modules))), None
    except Exception as e:  # noqa: BLE001 - compared below; skips propagate
        return None, e


# --- Exceptions ------------------------------------------------------------------
def _accepted_errors(accept_error):
    if accept_error is True:
        return (Exception,)
    if accept_error is False or accept_error is None:
        return ()
    if isinstance(accept_error, type):
        return (accept_error,)
    return tuple(accept_error)


def _is_public(cls):
    module = cls.__module__.split(".")
    return not cls.__name__.startswith("_") and not any(
        part.startswith("_") for part in module)


def _public_classes(error):
    # Errors match "up to public classes": NumPy raises private subclasses
    # (numpy._core._exceptions._UFuncNoLoopError < TypeError) that another
    # library cannot and should not raise, so only the public classes in the
    # MRO must agree.  AxisError (public, ValueError and IndexError) must
    # still be AxisError, not a bare ValueError.
    return frozenset(c for c in type(error).__mro__ if _is_public(c))


def _describe_error(error):
    return f"{type(error).__module__}.{type(error).__qualname__}: {error}"


def _check_errors(ref_error, error, accepted, opts):
    ref, tgt = opts.ref_label, opts.label
    width = max(len(ref), len(tgt)) + 1

    def fail(title, cause):
        lines = [title]
        for label, e in ((ref, ref_error), (tgt, error)):
            text = "returned normally" if e is None else _describe_error(e)
            lines.append(f"  {label + ':':<{width}} {text}")
        raise AssertionError("\n".join(lines)) from cause

    if error is None:
        fail(f"exception differs: only {ref} raised", ref_error)
    if ref_error is None:
        fail(f"exception differs: only {tgt} raised", error)
    if _public_classes(ref_error) != _public_classes(error):
        fail("exception differs: different classes", error)
    if not (isinstance(ref_error, accepted) and isinstance(error, accepted)):
        allowed = ", ".join(c.__name__ for c in accepted) or "no exception"
        fail(f"exception not accepted: both raised {type(ref_error).__name__}; "
             f"accept_error allows {allowed}", error)


# --- Results ---------------------------------------------------------------------
def _short(obj, xp):
    try:
        if is_device_array(obj):
            return "device " + _short(to_host(obj, xp), xp)
        with numpy.printoptions(threshold=8, edgeitems=2, linewidth=1000):
            text = " ".join(repr(obj).split())
    except Exception:  # noqa: BLE001 - a message must not fail to print
        text = f"<{type(obj).__name__}>"
    return text if len(text) <= 200 else text[:197] + "..."


def _fail(opts, path, check, expected, actual, detail=None):
    ref, tgt = opts.ref_label, opts.label
    width = max(len(ref), len(tgt)) + 1
    lines = [f"{path}: {check} differs"]
    for label, obj, extra in ((ref, expected, detail and detail[0]),
                              (tgt, actual, detail and detail[1])):
        prefix = f"{extra}  " if extra is not None else ""
        lines.append(f"  {label + ':':<{width}} {prefix}{_short(obj, opts.xp)}")
    raise AssertionError("\n".join(lines))


def _compare_results(expected, actual, opts, path="result"):
    """Assert that `actual` (target's result) matches `expected` (NumPy's)."""
    if isinstance(expected, (tuple, list)) or isinstance(actual, (tuple, list)):
        _compare_sequences(expected, actual, opts, path)
    elif isinstance(expected, dict) or isinstance(actual, dict):
        _compare_dicts(expected, actual, opts, path)
    elif expected is None or actual is None:
        if not (expected is None and actual is None):
            _fail(opts, path, "result type", expected, actual)
    elif isinstance(expected, (numpy.ndarray, numpy.generic)) or is_device_array(actual):
        _compare_arrays(expected, actual, opts, path)
    elif isinstance(expected, _PYTHON_SCALARS):
        if opts.type_check and type(expected) is not type(actual):
            _fail(opts, path, "result type", expected, actual,
                  (_type_name(expected), _type_name(actual)))
        _compare_values(numpy.asarray(expected), numpy.asarray(actual), opts, path)
    else:
        # Anything else (dtype objects, strings, shapes...) compares with ==.
        if opts.type_check and type(expected) is not type(actual):
            _fail(opts, path, "result type", expected, actual,
                  (_type_name(expected), _type_name(actual)))
        if not expected == actual:
            _fail(opts, path, "value", expected, actual)


def _compare_sequences(expected, actual, opts, path):
    if not (isinstance(expected, (tuple, list)) and isinstance(actual, (tuple, list))):
        _fail(opts, path, "result type", expected, actual)
    if opts.type_check and (
            isinstance(expected, tuple) != isinstance(actual, tuple)
            or getattr(expected, "_fields", None) != getattr(actual, "_fields", None)):
        _fail(opts, path, "result type", expected, actual,
              (_type_name(expected), _type_name(actual)))
    if len(expected) != len(actual):
        _fail(opts, path, "length", expected, actual, (len(expected), len(actual)))
    for i, (e, a) in enumerate(zip(expected, actual)):
        _compare_results(e, a, opts, f"{path}[{i}]")


def _compare_dicts(expected, actual, opts, path):
    if not (isinstance(expected, dict) and isinstance(actual, dict)):
        _fail(opts, path, "result type", expected, actual)
    if set(expected) != set(actual):
        _fail(opts, path, "keys", expected, actual,
              (sorted(map(repr, expected)), sorted(map(repr, actual))))
    for key in expected:
        _compare_results(expected[key], actual[key], opts, f"{path}[{key!r}]")


def _type_name(obj):
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ == "builtins" else (
        f"{cls.__module__}.{cls.__qualname__}")


def _required_type(expected):
    # What the target must return for `expected`, for the failure message.
    if isinstance(expected, numpy.ndarray):
        return "a device array"
    if isinstance(expected, numpy.generic):
        return "a 0-d device array or a NumPy scalar"
    return _type_name(expected)


def _type_matches(expected, actual):
    if isinstance(expected, numpy.ndarray):
        return is_device_array(actual)
    if isinstance(expected, numpy.generic):
        return isinstance(actual, numpy.generic) or (
            is_device_array(actual) and len(actual.shape) == 0)
    return False  # a Python scalar or other object against a device array


def _compare_arrays(expected, actual, opts, path):
    if opts.type_check and not _type_matches(expected, actual):
        _fail(opts, path, "result type", expected, actual,
              (_type_name(expected),
               f"{_type_name(actual)} (wanted {_required_type(expected)})"))
    host = numpy.asarray(to_host(actual, opts.xp))
    ref = numpy.asarray(expected)
    if opts.dtype_check and ref.dtype != host.dtype:
        _fail(opts, path, "dtype", expected, actual, (ref.dtype, host.dtype))
    if opts.shape_check and ref.shape != host.shape:
        _fail(opts, path, "shape", expected, actual, (ref.shape, host.shape))
    if not opts.shape_check and ref.shape != host.shape:
        # Without the shape check, shapes that broadcast compare values.
        try:
            ref, host = numpy.broadcast_arrays(ref, host)
        except ValueError:
            pass  # reported as a shape mismatch by the value comparison
    if (opts.contiguous_check and isinstance(expected, numpy.ndarray)
            and (is_device_array(actual) or isinstance(actual, numpy.ndarray))):
        ref_flags, flags = contiguity(expected), contiguity(actual)
        if ref_flags != flags:
            _fail(opts, path, "contiguity", expected, actual,
                  ("C=%s F=%s" % ref_flags, "C=%s F=%s" % flags))
    _compare_values(ref, host, opts, path)


def _tolerance(spec, dtype, index):
    if isinstance(spec, dict):
        value = spec.get(dtype.name, spec.get("default"))
        return default_tolerance(dtype)[index] if value is None else value
    return default_tolerance(dtype)[index] if spec is None else spec


def _normalize_tol(spec):
    if not isinstance(spec, dict):
        return spec
    return {k if k == "default" else numpy.dtype(k).name: v for k, v in spec.items()}


def _compare_values(ref, host, opts, path):
    header = f"{path}: values differ (ACTUAL: {opts.label}, DESIRED: {opts.ref_label})"
    dtypes = (ref.dtype, host.dtype)
    try:
        with numpy.printoptions(threshold=20, edgeitems=3):
            if any(d.kind in "fc" for d in dtypes):
                # The looser of the two dtypes' tolerances when dtype_check is
                # off and they differ.
                rtol = max(_tolerance(opts.rtol, d, 0) for d in dtypes)
                atol = max(_tolerance(opts.atol, d, 1) for d in dtypes)
                numpy.testing.assert_allclose(host, ref, rtol=rtol, atol=atol,
                                              equal_nan=True)
            else:
                numpy.testing.assert_array_equal(host, ref)
    except AssertionError as e:
        raise AssertionError(f"{header}{e}") from None
