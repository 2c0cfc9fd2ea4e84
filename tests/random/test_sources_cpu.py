"""cuarray.random's kernel sources compile with NVRTC for sm_90 (CPU tests, run in CI).

Every distribution for every real type it runs in, with scalar parameters and with each
kind of device parameter (one value, full array, trailing-shape array), with and without
vector stores; every integer dtype of the bounded-integer kernels; the row kernels.
"""

import numpy as np
import pytest

from cuarray.cuda.compiler import compile_to_cubin
from cuarray.random import _distributions as D
from cuarray.random import _kernels as K
from cuarray.random import _row_kernels as R

ARCH = "sm_90"
_INT_OUT = {"binomial", "negative_binomial", "poisson", "geometric", "hypergeometric",
            "logseries", "zipf", "poisson_inversion", "poisson_ptrs", "binomial_inversion",
            "binomial_btrs"}
_RAW = {"raw32": "uint32", "raw64": "uint64"}


def _variants():
    for d in D.ALL:
        if d.name.startswith(("integers", "uintegers")) or d.name in _RAW:
            continue
        reals = ["float64"] if d.name in _INT_OUT else ["float32", "float64"]
        for real in reals:
            out = "int64" if d.name in _INT_OUT else real
            scalar = "s" * len(d.params)
            mixed = "".join("car"[k % 3] for k in range(len(d.params)))
            yield pytest.param(d, out, real, scalar, True, id=f"{d.name}-{real}-{scalar}-vec")
            if d.params and real == "float64":     # the parameter kinds: one real type
                yield pytest.param(d, out, real, mixed, False, id=f"{d.name}-{real}-{mixed}")


@pytest.mark.parametrize("dist,out,real,kinds,vec", list(_variants()))
def test_distribution_sources_compile(dist, out, real, kinds, vec):
    src = K.kernel_source(dist, np.dtype(out), np.dtype(real), kinds, vec)
    assert K.kernel_name(dist, np.dtype(out), np.dtype(real), kinds, vec) in src
    compile_to_cubin(src, arch=ARCH)


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint8", "int16", "uint16", "int32",
                                   "uint32", "int64", "uint64"])
def test_integer_sources_compile(dtype):
    dt = np.dtype(dtype)
    dists = (D.UINTEGERS32, D.UINTEGERS64) if dt == np.uint64 else (D.INTEGERS32, D.INTEGERS64)
    for d in dists:
        for kinds, vec in (("ss", True), ("ar", False)):
            compile_to_cubin(K.kernel_source(d, dt, np.dtype("float64"), kinds, vec), arch=ARCH)


@pytest.mark.parametrize("name", sorted(_RAW))
def test_raw_sources_compile(name):
    d = getattr(D, name.upper())
    compile_to_cubin(K.kernel_source(d, np.dtype(_RAW[name]), np.dtype("float64"), "", True),
                     arch=ARCH)


@pytest.mark.parametrize("name", sorted(R.SOURCES))
def test_row_sources_compile(name):
    src = R.SOURCES[name]()
    assert f"cuarray_random_{name}(" in src
    compile_to_cubin(src, arch=ARCH)


def test_lanes_and_plans():
    f32, f64 = np.dtype("float32"), np.dtype("float64")
    assert K.lanes(D.STANDARD_NORMAL, f32) == 4 and K.lanes(D.STANDARD_NORMAL, f64) == 2
    assert K.lanes(D.INTEGERS32, f64) == 4 and K.lanes(D.INTEGERS64, f64) == 2
    assert K.lanes(D.GAMMA, f32) == 2 and K.lanes(D.BETA, f32) == 1
    # 2^28 float32 normals: 2^26 Philox blocks, two per thread: 2^25 threads in blocks of
    # 256, no substreams
    assert K.blocks_per_thread(D.STANDARD_NORMAL) == 2
    assert K.plan(D.STANDARD_NORMAL, 2**28, f32, []) == (2**17, 4, 2**26, 0)
    assert K.plan(D.STANDARD_NORMAL, 9, f32, []) == (1, 4, 3, 0)
    # gammas: two elements per block, a substream each for rejected proposals; one block
    # per thread where elements may loop
    assert K.blocks_per_thread(D.GAMMA) == 1 and K.blocks_per_thread(D.INTEGERS32) == 1
    assert K.plan(D.GAMMA, 1000, f64, []) == (2, 2, 500, 1000)
    # rejection samplers without lanes: one thread per element, no lane blocks
    assert K.plan(D.BETA, 1000, f64, []) == (4, 1, 0, 1000)
    assert K.plan(D.POISSON, 7, f64, []) == (1, 2, 4, 7)


def test_every_distribution_is_listed():
    names = {d.name for d in D.ALL}
    assert len(names) == len(D.ALL)
    for want in ("normal", "gamma", "beta", "binomial", "hypergeometric", "vonmises", "zipf",
                 "noncentral_f", "integers32", "uintegers64", "raw32"):
        assert want in names
