"""The arithmetic, comparison, logical and bitwise ufunc tables against NumPy, and every
loop's kernel compiled for sm_90.

No GPU needed: NVRTC compiles to a cubin for a named architecture, so CI checks that each
body is valid C++ for each of NumPy's loop dtypes, in each kernel layout the engine
generates (the vector width it would pick, flat, strided 2-d, masked, 64-bit indices,
and a scalar operand).  One NVRTC program per ufunc holds all its kernels: headers are
parsed once per program, which is most of the compile time.
"""

import numpy
import pytest

import cuarray
from cuarray._core.dtypes import COMPUTE
from cuarray._engine.source import Layout, elementwise_source, kernel_name
from cuarray._ufunc.defs import arithmetic, bitwise, comparison
from cuarray._ufunc.spec import UfuncSpec, numpy_loops, validate
from cuarray.cuda.compiler import compile_to_cubin

ARCH = "sm_90"
MODULES = (arithmetic, comparison, bitwise)
# Each ufunc once, under its own name (aliases are the same objects).
UFUNCS = {name: getattr(m, name) for m in MODULES for name in m.__all__
          if getattr(m, name).__name__ == name}
OURS = set("?bBhHiIlLqQefdFD")


def unique_loops(name):
    """NumPy's loops for ``name`` on cuarray's dtypes, without repeats ('l' and 'q' are int64)."""
    seen = {}
    for ins, outs in numpy_loops(name):
        seen.setdefault(ins + outs, (ins, outs))
    return list(seen.values())


def layouts(nin, ins, outs):
    """(kinds, variant, index, where) covering each kernel form the engine can launch for
    one loop: the vector width it would pick, flat (masked), strided, 64-bit indices, and
    scalar operands in either position (each code path once, to keep NVRTC time down)."""
    vec = 16 // max(d.itemsize for d in ins + outs)
    arrays = ("a",) * nin
    result = [(arrays, f"vec{vec}" if vec > 1 else "flat", "int", False),
              (arrays, "flat", "int", True)]
    if nin == 1:
        return result + [(arrays, "nd2", "long long", False)]
    return result + [(arrays, "nd2", "int", False), (("a", "s"), "flat", "int", False),
                     (("s", "a"), "nd3", "long long", False)]


def kernel_sources(uf):
    """[(kernel name, source)] for every loop and layout of ``uf``."""
    spec = uf._spec
    kernels = []
    for ins, outs in unique_loops(spec.name):
        in_c = tuple(COMPUTE.get(d, d) for d in ins)
        out_c = tuple(COMPUTE.get(d, d) for d in outs)
        body = spec.body_for(ins[0])
        for k, (kinds, variant, index, where) in enumerate(layouts(spec.nin, ins, outs)):
            # Scalars are passed by value in their compute dtype.
            in_s = tuple(c if kind == "s" else d for kind, d, c in zip(kinds, ins, in_c))
            name = f"{kernel_name(spec.name, ins + outs, variant)}_{''.join(kinds)}{k}"
            src = elementwise_source(name, body, spec.preamble, in_s, in_c, outs, out_c,
                                     Layout(kinds, variant, index, where))
            kernels.append((name, src))
    return kernels


@pytest.fixture(autouse=True)
def no_disk_cache(monkeypatch):
    monkeypatch.setenv("CUARRAY_DISABLE_DISK_CACHE", "1")


# isnat has no loop on cuarray's dtypes: nothing to compile.
@pytest.mark.parametrize("name", sorted(n for n in UFUNCS if unique_loops(n)))
def test_every_loop_compiles_for_sm90(name):
    kernels = kernel_sources(UFUNCS[name])
    # Headers have include guards and preambles only include headers, so the sources
    # concatenate into one program.
    cubin, _ = compile_to_cubin("\n".join(src for _, src in kernels), arch=ARCH)
    assert cubin[:4] == b"\x7fELF"
    for kname, _ in kernels:
        assert kname.encode() in cubin, f"kernel {kname} missing from the cubin"


@pytest.mark.parametrize("name", sorted(UFUNCS))
def test_spec_matches_numpy(name):
    uf, ref = UFUNCS[name], getattr(numpy, name)
    assert (uf.nin, uf.nout, uf.nargs) == (ref.nin, ref.nout, ref.nargs)
    assert uf.__name__ == ref.__name__
    assert uf.identity == ref.identity
    for ins, _ in numpy_loops(name):
        assert uf._spec.body_for(ins[0]) is not None, (name, ins)
    assert uf.types == [t for t in ref.types if set(t.replace("->", "")) <= OURS]


def test_no_body_for_kinds_numpy_lacks():
    # A body for a dtype kind NumPy has no loop for is dead code, or a sign that the table
    # was written for the wrong ufunc; bodies keyed "*" are exempt.
    for name, uf in UFUNCS.items():
        body = uf._spec.body
        if not isinstance(body, dict):
            continue
        kinds = {ins[0].kind for ins, _ in numpy_loops(name)}
        names = {ins[0].name for ins, _ in numpy_loops(name)}
        for key in body:
            if key == "*":
                continue
            assert key in names or set(key) & kinds, (name, key)


def test_isnat_spec_without_loops_is_valid():
    # NumPy's isnat is datetime-only: the spec has no loop on our dtypes, validates, and
    # calling it raises NumPy's TypeError from resolution (no device work).
    assert numpy_loops("isnat") == []
    validate(UfuncSpec(name="isnat", nin=1, nout=1, body={}))
    assert cuarray.isnat.types == [] and cuarray.isnat.ntypes == 0
    with pytest.raises(TypeError, match="datetime64"):
        numpy.isnat(numpy.float64(1.0))
    with pytest.raises(TypeError, match="datetime64"):
        cuarray.isnat(1.0)


def test_validate_rejects_missing_bodies():
    with pytest.raises(ValueError, match="no body"):
        validate(UfuncSpec(name="gcd", nin=2, nout=1, body={"u": "out0 = 0"}))
    with pytest.raises(ValueError, match="nout"):
        validate(UfuncSpec(name="divmod", nin=2, nout=1, body="out0 = 0"))


# -- NEP 50: Python ints out of the loop dtype's range, without a device ------------------------

@pytest.fixture
def fake_device(monkeypatch):
    """Arrays without memory, and launches recorded instead of run."""
    from cuarray._core import ndarray as nd
    from cuarray._engine import elementwise as ew
    from cuarray._ufunc import ufunc as ufunc_module

    addresses = iter(range(1 << 20, 1 << 40, 1 << 20))    # disjoint: no overlap copies

    def empty(shape, dt, order="C"):
        strides, step = [], dt.itemsize
        for n in reversed(shape):
            strides.insert(0, step)
            step *= max(n, 1)
        a = nd._new(nd.ndarray)
        nd._init(a, tuple(shape), tuple(strides), numpy.dtype(dt), None, next(addresses), None)
        return a

    launches = []
    monkeypatch.setattr(ufunc_module, "_empty", empty)
    monkeypatch.setattr(ew, "launch", lambda op, inputs, *args: launches.append((op, inputs, args)))
    return empty, launches


@pytest.mark.parametrize("name, dtype, scalar, first", [
    ("less", "int8", 1000, False), ("less", "int8", -1000, False),
    ("greater", "int8", 1000, False), ("equal", "uint8", -1, False),
    ("not_equal", "uint8", -1, False), ("less_equal", "int64", 2**63, False),
    ("greater_equal", "uint64", 2**64, False), ("less", "int32", -2**70, True),
    ("greater", "uint16", -5, True),
])
def test_comparison_with_out_of_range_int_fills_numpys_answer(fake_device, name, dtype, scalar,
                                                              first):
    empty, launches = fake_device
    uf = getattr(cuarray, name)
    a = empty((4, 3), numpy.dtype(dtype))
    args = (scalar, a) if first else (a, scalar)
    ref = getattr(numpy, name)(*[numpy.zeros((), dtype) if x is a else x for x in args])
    for _ in range(2):          # the second call finds the loop memoised (the fast path)
        launches.clear()
        r = uf(*args)
        assert r.shape == (4, 3) and r.dtype == bool
        (op, inputs, _), = launches
        assert op.body == "out0 = in0" and op.nin == 1
        assert inputs == (numpy.bool_(ref),) and type(inputs[0]) is numpy.bool_


@pytest.mark.parametrize("call", [
    lambda a: cuarray.add(a, 1000),
    lambda a: cuarray.maximum(1000, a),
    lambda a: cuarray.less(a, 1000, signature=("int8", "int8", "bool")),   # no special case
    lambda a: cuarray.add(a[:0], 1000),                  # empty arrays convert the scalar too
    lambda a: cuarray.equal(a.view("bool"), 2**64),      # bool compares in int64
], ids=["add", "maximum", "signature", "empty", "bool"])
def test_out_of_range_int_raises_numpys_overflow_error(fake_device, call):
    empty, launches = fake_device
    a = empty((5,), numpy.dtype("int8"))
    for _ in range(2):
        with pytest.raises(OverflowError, match="out of bounds|too large"):
            call(a)
    assert not launches


def test_out_of_range_int_comparison_keeps_out_where_and_casting(fake_device):
    empty, launches = fake_device
    a = empty((4, 3), numpy.dtype("int8"))
    out = empty((4, 3), numpy.dtype("float32"))
    mask = empty((3,), numpy.dtype("bool"))
    assert cuarray.less(a, 1000, out=out, where=mask) is out
    (op, inputs, (in_storage, in_compute, outs, out_compute, where)), = launches
    assert inputs == (numpy.bool_(True),) and outs == [out] and where is mask
    assert out_compute == (numpy.dtype(bool),)
    launches.clear()
    cuarray.greater_equal(a, -300, dtype=bool, casting="unsafe")
    assert launches[0][1] == (numpy.bool_(True),)
