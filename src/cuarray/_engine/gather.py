"""Gather and scatter kernels: the element moves behind advanced indexing, take, put, choose.

A gather (``out = src[...]``) or a scatter (``dst[...] = value``) walks an iteration
space of *dims*, each ``(extent, base stride, index strides, value stride)``.  The
element at coordinates ``c`` lies at::

    base + sum_d c_d * base_stride_d
         + sum_k norm_k(idx_k[sum_d c_d * idx_stride_kd]) * axis_stride_k

``idx_k`` are integer index arrays of any integer dtype, read in place with byte
strides (broadcasting is a stride of 0); ``norm_k`` is array k's index *mode*:
"raise" (negative values count from the end; out of range is flagged), "strict"
(``choose``: negative values are out of range too), "nocheck" (indices checked
before: negative ones still count from the end), "wrap" or "clip" (NumPy's ``mode=``);
``axis_stride_k`` is the byte stride of the axis array k indexes.  A gather writes
a C-contiguous ``out`` in iteration order, moving raw words of the element size;
a scatter reads its value per element (an array with a byte stride per dim,
converted to the destination's dtype, or a scalar passed by value).

Bounds errors ("raise"): the kernel stores 1 in a 4-byte device word, the *error
flag* (one per device and stream, zero at rest), and the launcher reads it back
once after the kernel: a 4-byte copy and a stream synchronisation (~10-20 us) per
call with unchecked device indices.  The check costs nothing else: it is a compare
in the gather's own loop.  Host index arrays are checked on the host instead, and
index dtypes whose every value is in range need no check.

The source builders are pure: CI compiles every variant for sm_90 without a GPU.
"""

from __future__ import annotations

import functools

import numpy

from .._core.dtypes import ctype, needs_complex, needs_half
from . import source as _src

BLOCK = 256
INT32_LIMIT = 2**31 - 2**25
MODES = ("raise", "strict", "nocheck", "wrap", "clip")
CHECKED = ("raise", "strict")
_I32 = numpy.dtype(numpy.int32)
_kernels: dict = {}
_flags: dict = {}


# -- sources ---------------------------------------------------------------------------------------
def _includes(dtypes=()) -> str:
    text = "#include <cuarray/common.cuh>\n#include <cuarray/indexing.cuh>\n"
    if needs_half(dtypes):
        text += "#include <cuda_fp16.h>\n"
    if needs_complex(dtypes):
        text += "#include <cuarray/complex.cuh>\n"
    return text


def word(itemsize: int) -> str:
    """The C++ type that moves one element of ``itemsize`` bytes as raw bits."""
    return f"cuarray::ix::word_of<{itemsize}>::type"


def _norm(mode: str, value: str, ext: str) -> str:
    if mode in CHECKED:
        return f"cuarray::ix::norm_{mode}({value}, {ext}, flag)"
    return f"cuarray::ix::norm_{mode}({value}, {ext})"


def _index_params(idx_dtypes, ndim, index) -> list:
    params = [f"const char* __restrict__ ix{k}" for k in range(len(idx_dtypes))]
    params += [f"const {index} ist{k}_{d}" for k in range(len(idx_dtypes)) for d in range(ndim)]
    params += [f"const long long ext{k}, const long long ast{k}" for k in range(len(idx_dtypes))]
    return params


def _walk(ndim, index, operands) -> list:
    """Statements decomposing ``_i`` (C order over shape0..) into byte offsets ``o_<op>``,
    for each operand name in ``operands`` (strides named ``<op>st<d>`` / ``ist<k>_<d>``)."""
    lines = [f"    {index} _r = _i; (void)_r;"]
    lines.append("    " + " ".join(f"{index} o_{op} = 0;" for op in operands))
    for d in range(ndim - 1, -1, -1):
        coord = f"_r % shape{d}" if d else "_r"
        step = f" _r /= shape{d};" if d else ""
        adds = " ".join(f"o_{op} += _c * {_stride(op, d)};" for op in operands)
        lines.append(f"    {{ const {index} _c = {coord};{step} {adds} }}")
    return lines


def _stride(op: str, d: int) -> str:
    # Operand "s" (source) has strides sst<d>, "d" (destination) dst<d>, "v" (value) vst<d>.
    return f"ist{op[2:]}_{d}" if op.startswith("ix") else f"{op}st{d}"


def _offsets(idx_dtypes, modes) -> list:
    """Statements adding each index array's element offset to ``off`` (and clearing ``ok``
    for an out-of-range "raise" index)."""
    lines = []
    for k, (dt, mode) in enumerate(zip(idx_dtypes, modes)):
        load = f"(long long)*reinterpret_cast<const {ctype(dt)}*>(ix{k} + o_ix{k})"
        lines.append(f"    {{ const long long _v = {_norm(mode, load, f'ext{k}')};")
        if mode in CHECKED:
            lines.append("      _ok = _ok && _v >= 0;")
        lines.append(f"      _off += _v * ast{k}; }}")
    return lines


def gather_source(name, itemsize, idx_dtypes, modes, ndim, index) -> str:
    """``out[_i] = *(src + offset of element _i)``; ``out`` C-contiguous, raw words."""
    w = word(itemsize)
    checked = any(m in CHECKED for m in modes)
    params = ["const char* __restrict__ src", f"{w}* __restrict__ out"]
    params += _index_params(idx_dtypes, ndim, index)
    if checked:
        params.append("int* __restrict__ flag")
    params.append(f"const {index} n")
    params += [f"const {index} shape{d}" for d in range(ndim)]
    params += [f"const {index} sst{d}" for d in range(ndim)]
    operands = ["s"] + [f"ix{k}" for k in range(len(idx_dtypes))]
    body = [f"  CUARRAY_GRID_STRIDE_LOOP({index}, _i, n) {{"]
    body += _walk(ndim, index, operands)
    body.append("    long long _off = o_s; bool _ok = true; (void)_ok;")
    body += _offsets(idx_dtypes, modes)
    if checked:
        body.append(f"    out[_i] = _ok ? *reinterpret_cast<const {w}*>(src + _off) : {w}();")
    else:
        body.append(f"    out[_i] = *reinterpret_cast<const {w}*>(src + _off);")
    body.append("  }")
    return (_includes() + f'extern "C" __global__ void {name}(' + ", ".join(params)
            + ")\n{\n" + "\n".join(body) + "\n}\n")


def scatter_source(name, dst_dtype, value_dtype, value_kind, idx_dtypes, modes, ndim,
                   index) -> str:
    """``*(dst + offset of element _i) = value``.

    ``value_kind``: "s" (a scalar passed by value as ``dst_dtype``'s raw word) or "a" (an
    array of ``value_dtype`` read with byte strides ``vst<d>``, converted to ``dst_dtype``
    with NumPy's cast rules; raw words when the dtypes are equal).
    """
    if any(m in CHECKED for m in modes):
        raise ValueError("a scatter checks its indices before it runs (no checked mode)")
    raw = value_kind == "s" or value_dtype == dst_dtype
    w = word(dst_dtype.itemsize)
    params = ["char* __restrict__ dst"]
    if value_kind == "s":
        params.append(f"const {w} sval")
    else:
        params.append("const char* __restrict__ val")
    params += _index_params(idx_dtypes, ndim, index)
    params.append(f"const {index} n")
    params += [f"const {index} shape{d}" for d in range(ndim)]
    params += [f"const {index} dst{d}" for d in range(ndim)]
    operands = ["d"] + [f"ix{k}" for k in range(len(idx_dtypes))]
    if value_kind == "a":
        params += [f"const {index} vst{d}" for d in range(ndim)]
        operands.append("v")
    body = [f"  CUARRAY_GRID_STRIDE_LOOP({index}, _i, n) {{"]
    body += _walk(ndim, index, operands)
    body.append("    long long _off = o_d; bool _ok = true; (void)_ok;")
    body += _offsets(idx_dtypes, modes)
    if value_kind == "s":
        body.append(f"    *reinterpret_cast<{w}*>(dst + _off) = sval;")
    elif raw:
        body.append(f"    *reinterpret_cast<{w}*>(dst + _off) = "
                    f"*reinterpret_cast<const {w}*>(val + o_v);")
    else:
        load = f"*reinterpret_cast<const {ctype(value_dtype)}*>(val + o_v)"
        body.append(f"    *reinterpret_cast<{ctype(dst_dtype)}*>(dst + _off) = "
                    f"{_src.convert(load, value_dtype, dst_dtype)};")
    body.append("  }")
    dts = () if raw else (dst_dtype, value_dtype)
    return (_includes(dts) + f'extern "C" __global__ void {name}(' + ", ".join(params)
            + ")\n{\n" + "\n".join(body) + "\n}\n")


def check_source(name, idx_dtype, index, mode="raise") -> str:
    """Flag (in ``*flag``) any value of a contiguous index array outside [-ext, ext)
    (``mode`` "raise") or [0, ext) ("strict")."""
    return (_includes() + f'extern "C" __global__ void {name}('
            f"const {ctype(idx_dtype)}* __restrict__ ix, const {index} n, const long long ext, "
            f"int* __restrict__ flag)\n{{\n"
            f"  CUARRAY_GRID_STRIDE_LOOP({index}, _i, n) {{\n"
            f"    cuarray::ix::norm_{mode}((long long)ix[_i], ext, flag);\n  }}\n}}\n")


# -- kernels ---------------------------------------------------------------------------------------
def _kernel(key, make):
    """The kernel cached under ``key``; ``make()`` -> (name, source) builds it on a miss."""
    fn = _kernels.get(key)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        name, text = make()
        fn = _kernels[key] = compile_with_cache(text).get_function(name)
    return fn


def _named(name, build):
    return name, build(name)


def _tag(dtypes) -> str:
    return "_".join(d.name for d in dtypes) or "x"


def gather_name(itemsize, idx_dtypes, modes, ndim, index) -> str:
    m = "".join(x[0] for x in modes)
    return (f"cuarray_gather__b{itemsize}_{_tag(idx_dtypes)}__{m}_nd{ndim}"
            f"{'_64' if index != 'int' else ''}")


def scatter_name(dst_dtype, value_dtype, value_kind, idx_dtypes, modes, ndim, index) -> str:
    v = "s" if value_kind == "s" else value_dtype.name
    m = "".join(x[0] for x in modes)
    return (f"cuarray_scatter__{dst_dtype.name}_{v}_{_tag(idx_dtypes)}__{m}_nd{ndim}"
            f"{'_64' if index != 'int' else ''}")


# -- launch planning -------------------------------------------------------------------------------
def plan_dims(dims, n_ops):
    """Collapse ``dims`` [(extent, [stride per operand])] (C order, ``n_ops`` operands);
    return (shape, per-operand strides, index type)."""
    from .._core.shape import collapse
    shape = tuple(d[0] for d in dims)
    strides = [tuple(d[1][j] for d in dims) for j in range(n_ops)]
    cshape, cstrides = collapse(shape, strides)
    n = 1
    for s in cshape:
        n *= s
    fits = n < INT32_LIMIT and all(
        sum((s - 1) * abs(t) for s, t in zip(cshape, st)) < INT32_LIMIT for st in cstrides)
    return cshape, cstrides, "int" if fits else "long long"


def gather(src_ptr, itemsize, out_ptr, dims, arrays, modes) -> bool:
    """Gather into the C-contiguous buffer at ``out_ptr``.

    ``dims``: [(extent, src byte stride, [byte stride per index array])] in C order;
    ``arrays``: [(device index array, extent, axis byte stride)]; ``modes``: per array.
    Returns whether the error flag may have been set (a "raise" mode ran).
    """
    n = 1
    for d in dims:
        n *= d[0]
    if n == 0:
        return False
    k = len(arrays)
    cshape, cstrides, index = plan_dims([(e, [s] + list(ist)) for e, s, ist in dims], k + 1)
    ndim = len(cshape)
    idx_dtypes = tuple(a.dtype for a, _, _ in arrays)
    modes = tuple(modes)
    key = ("gather", itemsize, idx_dtypes, modes, ndim, index)
    fn = _kernels.get(key) or _kernel(key, lambda: _named(
        gather_name(itemsize, idx_dtypes, modes, ndim, index),
        lambda nm: gather_source(nm, itemsize, idx_dtypes, modes, ndim, index)))
    args = [src_ptr, out_ptr] + [a._ptr for a, _, _ in arrays]
    for j in range(k):
        args += cstrides[j + 1]
    for _, ext, ast in arrays:
        args += [ext, ast]
    checked = any(m in CHECKED for m in modes)
    if checked:
        args.append(error_flag()._ptr)
    args.append(n)
    args += list(cshape) + list(cstrides[0])
    _launch(fn, n, args)
    return checked


def scatter(dst_ptr, dst_dtype, value, dims, arrays, modes) -> None:
    """Scatter ``value`` (a device array read with the dims' value strides, or a NumPy
    scalar of ``dst_dtype``) to the elements of ``dims`` [(extent, dst byte stride,
    [index strides], value byte stride)] and ``arrays`` (as for :func:`gather`)."""
    n = 1
    for d in dims:
        n *= d[0]
    if n == 0:
        return
    k = len(arrays)
    kind = "s" if isinstance(value, numpy.generic) else "a"
    ops = [(e, [s] + list(ist) + ([vs] if kind == "a" else [])) for e, s, ist, vs in dims]
    cshape, cstrides, index = plan_dims(ops, k + 1 + (kind == "a"))
    ndim = len(cshape)
    idx_dtypes = tuple(a.dtype for a, _, _ in arrays)
    modes = tuple(modes)
    vdt = dst_dtype if kind == "s" else value.dtype
    key = ("scatter", dst_dtype, vdt, kind, idx_dtypes, modes, ndim, index)
    fn = _kernels.get(key) or _kernel(key, lambda: _named(
        scatter_name(dst_dtype, vdt, kind, idx_dtypes, modes, ndim, index),
        lambda nm: scatter_source(nm, dst_dtype, vdt, kind, idx_dtypes, modes, ndim, index)))
    args = [dst_ptr, raw_scalar(value) if kind == "s" else value._ptr]
    args += [a._ptr for a, _, _ in arrays]
    for j in range(k):
        args += cstrides[j + 1]
    for _, ext, ast in arrays:
        args += [ext, ast]
    args.append(n)
    args += list(cshape) + list(cstrides[0])
    if kind == "a":
        args += cstrides[k + 1]
    _launch(fn, n, args)


_RAW = {1: numpy.uint8, 2: numpy.uint16, 4: numpy.uint32, 8: numpy.uint64}


def raw_scalar(value: numpy.generic):
    """A NumPy scalar as the unsigned integer (or 16-byte complex) with the same bytes."""
    size = value.dtype.itemsize
    if size == 16:
        return numpy.frombuffer(value.tobytes(), numpy.complex128)[0]
    return numpy.frombuffer(value.tobytes(), _RAW[size])[0]


def check(arr, ext, mode="raise") -> None:
    """Flag out-of-range values of the device integer array ``arr`` (any layout)."""
    if not arr.size:
        return
    if not arr._c:
        arr = arr.copy()
    n = arr.size
    index = "int" if n < INT32_LIMIT else "long long"
    key = ("check", arr.dtype, index, mode)
    fn = _kernels.get(key) or _kernel(key, lambda: _named(
        f"cuarray_index_check__{arr.dtype.name}__{mode}{'_64' if index != 'int' else ''}",
        lambda nm: check_source(nm, arr.dtype, index, mode)))
    _launch(fn, n, [arr._ptr, n, ext, error_flag()._ptr])


def _launch(fn, n, args) -> None:
    from .elementwise import max_grid
    fn(min((n + BLOCK - 1) // BLOCK, max_grid()) or 1, BLOCK, tuple(args))


def in_range(dt: numpy.dtype, ext: int, mode="raise") -> bool:
    """Whether every value of integer dtype ``dt`` is a valid index of an axis of ``ext``
    (no bounds check needed: a uint8 index into an axis of 256 or more)."""
    lo, hi = _value_range(dt)
    return (0 if mode == "strict" else -ext) <= lo and hi < ext


@functools.cache
def _value_range(dt) -> tuple:
    if dt.kind == "b":
        return 0, 1
    info = numpy.iinfo(dt)
    return int(info.min), int(info.max)


# -- the error flag --------------------------------------------------------------------------------
def error_flag():
    """The current (device, stream)'s error word: a 4-byte device int, zero at rest."""
    from ..cuda._device import get_device_id
    from ..cuda._stream import current_stream_ptr
    key = (get_device_id(), current_stream_ptr())
    f = _flags.get(key)
    if f is None:
        from .._core.ndarray import _empty
        from ..cuda import _copy
        f = _empty((1,), _I32)
        _copy.memset8(f._ptr, 0, 4)
        _flags[key] = f
    return f


def flag_raised() -> bool:
    """Read the error word (synchronises the stream); reset it when set."""
    from ..cuda import _copy
    f = error_flag()
    host = numpy.zeros(1, _I32)
    _copy.dtoh(host.ctypes.data, f._ptr, 4)
    if host[0]:
        _copy.memset8(f._ptr, 0, 4)
        return True
    return False
