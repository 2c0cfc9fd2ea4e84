"""Every indexing kernel source compiles with NVRTC for sm_90, and the pure launch helpers.

No GPU needed.  The gather, scatter, bounds-check and compaction kernels (and the
elementwise bodies of ravel_multi_index / unravel_index) are generated for each
element size, index dtype, index mode, dimension count and index width the launchers
can ask for; each group compiles as one NVRTC program (headers parsed once).
"""

import itertools

import numpy as np
import pytest

from cuarray._core.dtypes import SUPPORTED
from cuarray._engine import compact, gather
from cuarray._engine.source import Layout, elementwise_source
from cuarray._routines import index_tricks
from cuarray.cuda.compiler import compile_to_cubin

ARCH = "sm_90"
_INT_DTYPES = [np.dtype(n) for n in ("int8", "uint8", "int16", "uint16", "int32", "uint32",
                                     "int64", "uint64")]
_I64 = np.dtype("int64")


def compile_all(sources):
    """Compile several generated sources as one program (their includes merged)."""
    includes = sorted({line for t in sources for line in t.splitlines()
                       if line.startswith("#include")})
    bodies = ["\n".join(line for line in t.splitlines() if not line.startswith("#include"))
              for t in sources]
    cubin, _ = compile_to_cubin("\n".join(includes) + "\n" + "\n".join(bodies), arch=ARCH)
    assert cubin[:4] == b"\x7fELF"


def test_gather_sources_compile():
    sources = []
    combos = itertools.product((1, 2, 4, 8, 16), (0, 1, 3), ("int", "long long"))
    for k, (size, ndim, index) in enumerate(combos):
        dts = (_INT_DTYPES[k % 8], _INT_DTYPES[(k + 3) % 8])[: 1 + k % 2]
        modes = (gather.MODES[k % 5], gather.MODES[(k + 2) % 5])[: len(dts)]
        sources.append(gather.gather_source(f"g{k}", size, dts, modes, ndim, index))
    for k, mode in enumerate(gather.MODES):     # every mode, and no index array at all
        sources.append(gather.gather_source(f"m{k}", 4, (_I64,), (mode,), 2, "int"))
    sources.append(gather.gather_source("none", 8, (), (), 2, "int"))
    compile_all(sources)


def test_scatter_sources_compile():
    sources = []
    modes = ("nocheck", "wrap", "clip")
    for k, dt in enumerate(SUPPORTED):          # scalars and same-dtype arrays: raw words
        sources.append(gather.scatter_source(f"s{k}", dt, None, "s", (_INT_DTYPES[k % 8],),
                                             (modes[k % 3],), k % 4, "int"))
        sources.append(gather.scatter_source(f"a{k}", dt, dt, "a", (_I64, _INT_DTYPES[k % 8]),
                                             ("nocheck", modes[k % 3]), 2, "long long"))
    for k, (src, dst) in enumerate(itertools.product(SUPPORTED, SUPPORTED)):
        if src != dst:                          # every cast a value can need
            sources.append(gather.scatter_source(f"c{k}", dst, src, "a", (_I64,),
                                                 ("nocheck",), 1, "int"))
    compile_all(sources)


def test_scatter_refuses_checked_modes():
    with pytest.raises(ValueError):
        gather.scatter_source("k", _I64, _I64, "a", (_I64,), ("raise",), 1, "int")


def test_check_sources_compile():
    sources = [gather.check_source(f"k{k}", dt, index, mode)
               for k, (dt, index, mode) in enumerate(itertools.product(
                   _INT_DTYPES, ("int", "long long"), ("raise", "strict")))]
    compile_all(sources)


def test_compaction_sources_compile():
    sources = [compact.scan_source("scan")]
    for k, dt in enumerate(SUPPORTED):           # any dtype is a mask (non-zero is true)
        sources.append(compact.count_source(f"count{k}", dt))
        sources.append(compact.compact_source(f"coords{k}", dt, ("indices", 1 + k % 4)))
    for k, (size, ndim) in enumerate(itertools.product((1, 2, 4, 8, 16), (0, 1, 3))):
        sources.append(compact.compact_source(f"values{k}", np.dtype(bool),
                                              ("values", size, ndim)))
    pairs = [(d, d) for d in SUPPORTED] + [(np.dtype("float64"), np.dtype("float16")),
                                           (np.dtype("complex128"), np.dtype("int8")),
                                           (np.dtype("bool"), np.dtype("complex64")),
                                           (np.dtype("float16"), np.dtype("uint64"))]
    for k, (v, d) in enumerate(pairs):
        sources.append(compact.compact_source(f"expand{k}", np.dtype(bool),
                                              ("expand", v, d, k % 3, bool(k % 2))))
    compile_all(sources)


def test_compaction_rejects_unknown_payloads():
    with pytest.raises(ValueError):
        compact.compact_source("k", np.dtype(bool), ("sort",))


@pytest.mark.parametrize("modes", [("raise",), ("wrap", "clip"), ("raise", "wrap", "clip")])
def test_ravel_multi_index_bodies_compile(modes):
    k = len(modes)
    body = index_tricks.ravel_body(modes)
    storage = (np.dtype("int32"),) * k + (_I64,) * (2 * k) + (np.dtype("uint64"),)
    compute = (_I64,) * (3 * k) + (np.dtype("uint64"),)
    src = elementwise_source("rmi", body, "", storage, compute, (_I64,), (_I64,),
                             Layout(("a",) * k + ("s",) * (2 * k + 1), "nd2", "int"))
    compile_all([src])


@pytest.mark.parametrize("k", [1, 2, 4])
def test_unravel_index_bodies_compile(k):
    storage = (np.dtype("uint16"), _I64, np.dtype("uint64")) + (_I64,) * (2 * k)
    compute = (_I64, _I64, np.dtype("uint64")) + (_I64,) * (2 * k)
    src = elementwise_source("ui", index_tricks.unravel_body(k), "", storage, compute,
                             (_I64,) * k, (_I64,) * k,
                             Layout(("a",) + ("s",) * (2 + 2 * k), "nd2", "long long"))
    compile_all([src])


# -- pure helpers ------------------------------------------------------------------------------
@pytest.mark.parametrize("dt, ext, mode, expected", [
    ("uint8", 256, "raise", True), ("uint8", 255, "raise", False), ("int8", 128, "raise", True),
    ("int8", 127, "raise", False), ("int8", 1000, "strict", False), ("uint16", 65536, "strict",
                                                                      True),
    ("int64", 2**62, "raise", False), ("uint64", 2**62, "raise", False),
])
def test_in_range(dt, ext, mode, expected):
    assert gather.in_range(np.dtype(dt), ext, mode) is expected


def test_plan_dims_collapses_and_picks_index_width():
    # a C-contiguous (4, 5) walk with one index array broadcast along axis 0
    shape, strides, index = gather.plan_dims([(4, [20, 0]), (5, [4, 8])], 2)
    assert shape == (4, 5) and strides == [(20, 4), (0, 8)] and index == "int"
    shape, strides, _ = gather.plan_dims([(4, [20, 40]), (5, [4, 8])], 2)
    assert shape == (20,) and strides == [(4,), (8,)]
    _, _, index = gather.plan_dims([(2**31, [1, 0])], 2)
    assert index == "long long"
    _, _, index = gather.plan_dims([(3, [2**31, 0])], 2)
    assert index == "long long"


@pytest.mark.parametrize("value", [np.float16(1.5), np.float32(-2.0), np.int64(-3), np.bool_(True),
                                   np.complex64(1 + 2j), np.complex128(3 - 4j), np.uint8(200)])
def test_raw_scalar_keeps_the_bytes(value):
    raw = gather.raw_scalar(value)
    assert raw.dtype.itemsize == value.dtype.itemsize
    assert raw.tobytes() == value.tobytes()


def test_kernel_names_carry_dtypes_and_modes():
    name = gather.gather_name(4, (np.dtype("int32"),), ("raise",), 2, "long long")
    assert name == "cuarray_gather__b4_int32__r_nd2_64"
    name = gather.scatter_name(np.dtype("float16"), np.dtype("float64"), "a", (_I64,),
                               ("wrap",), 1, "int")
    assert name == "cuarray_scatter__float16_float64_int64__w_nd1"
