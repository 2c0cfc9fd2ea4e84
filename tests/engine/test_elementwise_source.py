"""Generated elementwise kernel sources compile with NVRTC for sm_90 (no GPU needed)."""

import itertools

import numpy as np
import pytest

from cuarray._engine.source import Layout, convert, elementwise_source
from cuarray.cuda.compiler import compile_to_cubin

_DTYPES = [np.dtype(n) for n in ("bool", "int8", "uint16", "int32", "uint64", "float16",
                                 "float32", "float64", "complex64", "complex128")]


@pytest.mark.parametrize("variant", ["vec4", "vec2", "flat", "nd1", "nd3", "t2_0", "t2_0_1"])
@pytest.mark.parametrize("where", [False, True])
@pytest.mark.parametrize("index", ["int", "long long"])
def test_every_layout_variant_compiles(variant, where, index):
    f32, f16 = np.dtype("float32"), np.dtype("float16")
    kinds = "aa" if variant != "t2_0" else "as"
    src = elementwise_source("k", "out0 = in0 * in1 + (in0_type)_i", "", [f16, f32], [f32, f32],
                             [f16], [f32], Layout(kinds, variant, index, where))
    cubin, _ = compile_to_cubin(src, arch="sm_90")
    assert cubin[:4] == b"\x7fELF"


def test_every_cast_between_supported_dtypes_compiles():
    # One kernel per (source, destination) pair, all in one NVRTC program.
    kernels = []
    for k, (src, dst) in enumerate(itertools.product(_DTYPES, _DTYPES)):
        text = elementwise_source(f"cast{k}", "out0 = in0", "", [src], [dst], [dst], [dst],
                                  Layout("a", "flat", "int"))
        kernels.append(text)
    # Each generated source carries its includes; merge them into one program.
    includes = sorted({line for t in kernels for line in t.splitlines() if line.startswith("#")})
    bodies = ["\n".join(l for l in t.splitlines() if not l.startswith("#")) for t in kernels]
    cubin, _ = compile_to_cubin("\n".join(includes) + "\n" + "\n".join(bodies), arch="sm_90")
    assert cubin[:4] == b"\x7fELF"


@pytest.mark.parametrize("src, dst, expected", [
    ("complex64", "float32", "(x).re"), ("float16", "bool", "__half2float(x) != 0.0f"),
    ("float64", "float16", "__double2half"), ("int8", "complex128", "cuarray::complex<double>(x)"),
])
def test_convert_expressions_follow_numpy_casts(src, dst, expected):
    assert expected in convert("x", np.dtype(src), np.dtype(dst))
