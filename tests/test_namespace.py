"""Namespace coverage against NumPy (no GPU needed).

Every public name of ``numpy``, ``numpy.linalg``, ``numpy.fft`` and ``numpy.random`` in
the installed NumPy must exist in the matching cuarray module, unless it is one of the
deliberate gaps in ``cuarray._gaps.GAPS`` (each with its reason).  The missing names are
computed in full and reported together.  Also: the gap list is not stale, every name
registered for loading on first use resolves, and every NumPy creation function with a
``device=`` argument has one in cuarray.
"""

import importlib
import inspect

import numpy as np
import pytest

import cuarray
from cuarray._gaps import GAPS

MODULES = {"numpy": "cuarray", "numpy.linalg": "cuarray.linalg", "numpy.fft": "cuarray.fft",
           "numpy.random": "cuarray.random"}


def public_names(module) -> list:
    """NumPy's public names of ``module``: its ``__all__``, else its names without a leading
    underscore."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    return sorted(set(names))


def _provides(module, name: str):
    """True, False, or the exception raised while loading ``name``."""
    try:
        return hasattr(module, name)
    except Exception as exc:         # a name registered for lazy loading that fails to load
        return exc


def missing_names() -> dict:
    """{NumPy module: {name: why}} for every public NumPy name cuarray lacks."""
    missing = {}
    for np_name, cu_name in MODULES.items():
        np_mod = importlib.import_module(np_name)
        gaps = GAPS.get(np_name, {})
        try:
            cu_mod = importlib.import_module(cu_name)
        except ImportError as exc:
            cu_mod, why = None, f"{cu_name} does not import: {exc}"
        found = {}
        for name in public_names(np_mod):
            if name in gaps:
                continue
            ok = False if cu_mod is None else _provides(cu_mod, name)
            if ok is True:
                continue
            found[name] = why if cu_mod is None else (
                "missing" if ok is False else f"fails to load: {ok!r}")
        if found:
            missing[np_name] = found
    return missing


def test_no_missing_names():
    missing = missing_names()
    report = "\n".join(f"{mod}: {len(names)} missing\n  " + "\n  ".join(
        f"{n} ({why})" for n, why in sorted(names.items())) for mod, names in missing.items())
    assert not missing, "public NumPy names missing from cuarray (add them, or list them " \
                        "with a reason in cuarray._gaps.GAPS):\n" + report


@pytest.mark.parametrize("np_name", sorted(GAPS))
def test_gaps_have_reasons_and_are_not_provided(np_name):
    cu_name = MODULES[np_name]
    try:
        cu_mod = importlib.import_module(cu_name)
    except ImportError:
        cu_mod = None
    for name, reason in GAPS[np_name].items():
        assert isinstance(reason, str) and len(reason) > 20, (np_name, name)
        if cu_mod is not None:
            assert _provides(cu_mod, name) is not True, \
                f"{cu_name}.{name} exists now: remove it from cuarray._gaps.GAPS"


def test_public_names_of_numpy_include_submodules_and_functions():
    # The check above is only as good as the names it sees: NumPy's __all__ lists its
    # functions, types and public submodules.
    names = public_names(np)
    for expected in ("convolve", "linalg", "fft", "random", "polynomial", "emath", "float32",
                     "newaxis", "vectorize"):
        assert expected in names


def test_lazy_names_resolve():
    """Every name registered for loading on first use is defined by its module."""
    broken = {}
    for name, module in sorted(cuarray._LAZY_NAMES.items()):
        try:
            getattr(importlib.import_module(f"cuarray.{module}"), name)
        except Exception as exc:
            broken[name] = f"cuarray.{module}: {exc!r}"
    assert not broken, broken


def test_lazy_submodules_import():
    for name in sorted(cuarray._LAZY_SUBMODULES):
        try:
            importlib.import_module(f"cuarray.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"cuarray.{name}":
                pytest.fail(f"cuarray.{name} is registered but does not exist")
            raise


def _device_functions():
    out = []
    for name in np.__all__:
        obj = getattr(np, name, None)
        try:
            sig = inspect.signature(obj)
        except (TypeError, ValueError):
            continue
        if "device" in sig.parameters:
            out.append(name)
    return sorted(out)


@pytest.mark.parametrize("name", _device_functions())
def test_device_keyword(name):
    fn = getattr(cuarray, name)
    assert "device" in inspect.signature(fn).parameters, \
        f"numpy.{name} takes device=, cuarray.{name} does not"


def test_array_api_inspection_namespace():
    assert cuarray.__array_api_version__ == "2024.12"
    info = cuarray.__array_namespace_info__()
    caps = info.capabilities()
    assert caps == {"boolean indexing": True, "data-dependent shapes": True,
                    "max dimensions": 64}
    np_info = np.__array_namespace_info__()
    assert info.default_dtypes() == np_info.default_dtypes()
    for kind in (None, "bool", "signed integer", "unsigned integer", "integral",
                 "real floating", "complex floating", "numeric", ("bool", "integral")):
        dts = info.dtypes(kind=kind)
        assert dts == np_info.dtypes(kind=kind)
        for dt in dts.values():
            cuarray._core.dtypes.check_supported(np.dtype(dt))
    with pytest.raises(ValueError):
        info.dtypes(kind="float")
    with pytest.raises(ValueError):
        info.dtypes(device="cpu")
    with pytest.raises(ValueError):
        info.default_dtypes(device="cpu")
    if not cuarray.is_available():
        assert info.devices() == []


def test_namespace_objects_are_numpys_where_they_touch_no_data():
    for name in ("isscalar", "iterable", "ndindex", "s_", "index_exp", "typename",
                 "mintypecode", "set_printoptions", "get_printoptions", "printoptions",
                 "ScalarType", "sctypeDict", "typecodes", "little_endian", "False_", "True_",
                 "exceptions", "dtypes"):
        assert getattr(cuarray, name) is getattr(np, name), name
