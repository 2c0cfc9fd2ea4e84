"""Bit packing and integer formatting (NumPy reference: "Binary operations", "Bit packing",
"Output formatting").

packbits and unpackbits run one kernel over the output: each output element reads the
(at most eight) input elements it packs, or the one byte it unpacks from.  The array is
seen as (pre, n, post) around the packed axis, C-contiguous (a strided input is copied
first; a Fortran-ordered one is seen through its transpose and gives NumPy's
Fortran-ordered result), so every output element is written by one thread and reads
along ``post`` are coalesced.  binary_repr and base_repr format one integer on the host, as NumPy does.
"""

from __future__ import annotations

import operator

import numpy

from .._core.dtypes import ctype
from .._core.ndarray import _empty, ndarray
from .._core.shape import normalize_axis_index

_U8 = numpy.dtype(numpy.uint8)
_BLOCK = 256
_kernels: dict = {}


def _check_bitorder(bitorder) -> bool:
    """True for 'big' (the most significant bit first)."""
    if bitorder not in ("big", "little"):
        raise ValueError("'order' must be either 'little' or 'big'")
    return bitorder == "big"


def _as_device(a, fname) -> ndarray:
    if isinstance(a, ndarray):
        return a
    from . import elementwise as _el
    _el.check_operand(a, fname)
    from .creation import asarray
    return asarray(a)


def _split(a: ndarray, axis):
    """(C-contiguous data, pre, n, post, result shape before the packed axis is resized, axis,
    transposed).

    NumPy gives a Fortran-ordered result for a Fortran-ordered input packed along an axis
    (``PyArray_ISFORTRAN``: F- and not C-contiguous).  Such an input is worked on as its
    transpose, a C-contiguous view (no copy), whose C-ordered result, transposed back
    (``transposed``), is that Fortran-ordered array.
    """
    transposed = False
    if a.ndim == 0:
        a = a.reshape((1,))
    if axis is None:
        a = a.reshape((a.size,))        # a C-order ravel (a copy where NumPy makes one)
        axis = 0
    else:
        axis = normalize_axis_index(operator.index(axis), a.ndim)
        if a._f and not a._c:
            a, axis, transposed = a.T, a.ndim - 1 - axis, True
    if not a._c:
        a = a.copy()
    shape = a._shape
    pre = 1
    for s in shape[:axis]:
        pre *= s
    post = 1
    for s in shape[axis + 1:]:
        post *= s
    return a, pre, shape[axis], post, shape, axis, transposed


def packbits_source(dt: numpy.dtype, big: bool) -> tuple[str, str]:
    """(name, source) of the kernel: out[p, j, q] packs in[p, 8j .. 8j+7, q] != 0."""
    name = f"cuarray_packbits__{dt.name}__{'big' if big else 'little'}"
    shift = "7 - k" if big else "k"
    src = f"""#include <cuarray/common.cuh>
extern "C" __global__ void {name}(const {ctype(dt)}* __restrict__ in,
    unsigned char* __restrict__ out, const long long total, const long long m,
    const long long n, const long long post)
{{
  CUARRAY_GRID_STRIDE_LOOP(long long, i, total) {{
    const long long q = i % post;
    const long long t = i / post;
    const long long j = t % m;
    const long long p = t / m;
    const {ctype(dt)}* row = in + p * n * post + q;
    unsigned int v = 0;
    for (int k = 0; k < 8; ++k) {{
      const long long idx = 8 * j + k;
      if (idx < n && row[idx * post] != 0) v |= 1u << ({shift});
    }}
    out[i] = (unsigned char)v;
  }}
}}
"""
    return name, src


def unpackbits_source(big: bool) -> tuple[str, str]:
    """(name, source) of the kernel: out[p, j, q] is bit j % 8 of in[p, j / 8, q] (0 past n)."""
    name = f"cuarray_unpackbits__{'big' if big else 'little'}"
    shift = "7 - (int)(j & 7)" if big else "(int)(j & 7)"
    src = f"""#include <cuarray/common.cuh>
extern "C" __global__ void {name}(const unsigned char* __restrict__ in,
    unsigned char* __restrict__ out, const long long total, const long long m,
    const long long n, const long long post)
{{
  CUARRAY_GRID_STRIDE_LOOP(long long, i, total) {{
    const long long q = i % post;
    const long long t = i / post;
    const long long j = t % m;
    const long long p = t / m;
    const long long byte = j >> 3;
    out[i] = byte < n ? (unsigned char)((in[(p * n + byte) * post + q] >> ({shift})) & 1u) : 0;
  }}
}}
"""
    return name, src


def _kernel(key, make):
    fn = _kernels.get(key)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        name, src = make()
        fn = _kernels[key] = compile_with_cache(src).get_function(name)
    return fn


def _launch(fn, data, out, m, n, post):
    total = out.size
    if total:
        grid = min((total + _BLOCK - 1) // _BLOCK, 2**31 - 1)
        fn(grid, _BLOCK, (data._ptr, out._ptr, total, m, n, post))
    return out


def packbits(a, /, axis=None, bitorder="big"):
    """See numpy.packbits."""
    a = _as_device(a, "packbits")
    if a.dtype.kind not in "biu":
        raise TypeError("Expected an input array of integer or boolean data type")
    big = _check_bitorder(bitorder)
    data, pre, n, post, shape, axis, transposed = _split(a, axis)
    m = (n + 7) // 8
    out = _empty(shape[:axis] + (m,) + shape[axis + 1:], _U8)
    fn = _kernel(("pack", data.dtype, big), lambda: packbits_source(data.dtype, big))
    out = _launch(fn, data, out, m, n, post)
    return out.T if transposed else out


def unpacked_length(n: int, count) -> int:
    """The length of the unpacked axis: NumPy's rule for ``count``."""
    bits = 8 * n
    if count is None:
        return bits
    count = operator.index(count)
    if count >= 0:
        return count
    if -count > bits:
        raise ValueError("-count larger than number of elements")
    return bits + count


def unpackbits(a, /, axis=None, count=None, bitorder="big"):
    """See numpy.unpackbits.

    Differences from NumPy: ``count`` beyond an empty input pads with zeros, as documented
    (NumPy returns uninitialised bytes there).
    """
    a = _as_device(a, "unpackbits")
    if a.dtype != _U8:
        raise TypeError("Expected an input array of unsigned byte data type")
    big = _check_bitorder(bitorder)
    data, pre, n, post, shape, axis, transposed = _split(a, axis)
    m = unpacked_length(n, count)
    out = _empty(shape[:axis] + (m,) + shape[axis + 1:], _U8)
    fn = _kernel(("unpack", big), lambda: unpackbits_source(big))
    out = _launch(fn, data, out, m, n, post)
    return out.T if transposed else out


# -- formatting on the host ----------------------------------------------------------------------
def _host_int(x):
    """A Python int from ``x`` (a 0-d integer device array is read back: one synchronisation)."""
    return operator.index(x)


def binary_repr(num, width=None):
    """See numpy.binary_repr.  Runs on the host; a 0-d device array is read back first."""
    return numpy.binary_repr(_host_int(num), width)


def base_repr(number, base=2, padding=0):
    """See numpy.base_repr.  Runs on the host; a 0-d device array is read back first."""
    return numpy.base_repr(_host_int(number), base, padding)
