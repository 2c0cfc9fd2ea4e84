"""Copies with casts and fills: the kernels behind astype, copy, fill and setitem."""

from __future__ import annotations

import numpy

from . import elementwise as _ew

COPY = _ew.ElementwiseOp("copy", "out0 = in0", 1, 1)


def copy_into(dst, src) -> None:
    """dst[...] = src with NumPy's unsafe cast; ``src`` broadcastable to ``dst`` (arrays)."""
    if not dst.size:
        return
    if (src.dtype == dst.dtype and src._shape == dst._shape
            and (src._c and dst._c or src._f and dst._f)):
        from ..cuda import _copy
        _copy.dtod(dst._ptr, src._ptr, dst.nbytes)
        return
    _ew.launch(COPY, [src], (src.dtype,), (dst.dtype,), [dst], (dst.dtype,))


def fill(dst, value) -> None:
    """Set every element of ``dst`` to ``value`` (a NumPy scalar of dst's dtype)."""
    if not dst.size:
        return
    raw = numpy.asarray(value).tobytes()
    if raw.count(raw[:1]) == len(raw) and (dst._c or dst._f):
        from ..cuda import _copy
        _copy.memset8(dst._ptr, raw[0], dst.nbytes)
        return
    _ew.launch(COPY, [value], (dst.dtype,), (dst.dtype,), [dst], (dst.dtype,))
