"""Loaded device code (Module) and its kernels (Function), with the launch fast path.

See cupy.cuda.function.  A Module is a context-independent ``CUlibrary``: the
driver loads it into a device's context the first time a kernel of it runs
there, so one Module serves every GPU.

Kernel arguments (CuPy's rules, checked before anything is launched):

- an object with ``__cuda_array_interface__``: its data pointer;
- an object with an int ``.ptr`` (a MemoryPointer, say): that pointer;
- ``None``: a NULL pointer;
- a NumPy scalar of a bool, integer, float or complex dtype: its exact bytes;
- a Python ``int`` as ``long long``, ``float`` as ``double``, ``complex`` as
  ``complex<double>``, ``bool`` as ``bool``;
- a ctypes instance (a structure, say): its bytes.

The driver reports each parameter's size (``cuKernelGetParamInfo``); cuarray
checks the argument count and every argument's size against it.  Differences
from CuPy: a size mismatch is a TypeError where CuPy would pass the wrong
bytes; a Python int or bool is narrowed (range-checked) to a smaller integer
parameter, as a C call would; a Python bool fills a 1-byte ``bool`` (CuPy
passes it as ``long long``).  Host arrays, NumPy 0-d arrays, lists and strings
are rejected with a TypeError naming the argument, as in CuPy.  The stream in a
``__cuda_array_interface__`` is not waited on.  Grid and block extents below 1
become 1 (CuPy's rule).  A cooperative grid too large to be co-resident raises
the driver's error (CuPy shrinks a 1-D grid with a warning).

A launch packs every argument's bytes, with one ``struct.pack_into``, into a
recycled host buffer whose array of parameter pointers was written when the
buffer was made, then calls ``cuLaunchKernel`` with that buffer's address.

``CUARRAY_LAUNCH_PATH=core`` launches through ``cuda.core.launch`` instead of
``cuLaunchKernel`` (default ``driver``), so that the two can be timed.
"""

from __future__ import annotations

import ctypes
import os
import struct
from typing import NamedTuple

import numpy

from . import _driver
from ._device import get_device_id
from ._stream import current_stream_ptr

# -- argument packing ---------------------------------------------------------------------

_PTR = struct.Struct("<Q").pack
_I64 = struct.Struct("<q").pack
_F64 = struct.Struct("<d").pack
_C128 = struct.Struct("<dd").pack
_POINTER_SIZE = 8


class _ArgError(Exception):
    """A packer's complaint; re-raised as TypeError (or OverflowError) naming the argument."""

    def __init__(self, msg, exc_type=TypeError):
        self.exc_type = exc_type
        super().__init__(msg)


def _size_error(what: str, nbytes: int, size: int) -> _ArgError:
    return _ArgError(f"{what} is {nbytes} bytes but the kernel's parameter is {size} bytes")


def _pack_pointer(ptr, size) -> bytes:
    if size and size != _POINTER_SIZE:
        raise _ArgError(f"a pointer is {_POINTER_SIZE} bytes but the kernel's parameter is "
                        f"{size} bytes")
    return _PTR(ptr)


def _pack_cai(a, size):
    return _pack_pointer(a.__cuda_array_interface__["data"][0], size)


def _pack_ptr_attr(a, size):
    return _pack_pointer(a.ptr, size)


def _pack_none(a, size):
    return _pack_pointer(0, size)


def _pack_int(a, size):
    if size == 8 or not size:
        if -(1 << 63) <= a < (1 << 63):
            return _I64(a)
        size = 8   # uint64 range (or overflow) below
    try:
        return int(a).to_bytes(size, "little", signed=a < 0)
    except OverflowError:
        raise _ArgError(f"Python int {a} does not fit the kernel's {size}-byte parameter",
                        OverflowError) from None


def _pack_bool(a, size):
    if size > 1:   # an integer parameter: widen as C would
        return _pack_int(int(a), size)
    return b"\x01" if a else b"\x00"


def _pack_float(a, size):
    if size and size != 8:
        raise _ArgError(f"a Python float is passed as a double (8 bytes) but the kernel's "
                        f"parameter is {size} bytes; pass numpy.float32(x) for a float")
    return _F64(a)


def _pack_complex(a, size):
    if size and size != 16:
        raise _ArgError(f"a Python complex is passed as complex<double> (16 bytes) but the "
                        f"kernel's parameter is {size} bytes; pass numpy.complex64(x)")
    return _C128(a.real, a.imag)


def _pack_numpy(a, size):
    data = a.tobytes()
    if size and len(data) != size:   # the message is built only here: dtype.name is slow
        raise _size_error(f"a numpy.{a.dtype.name} scalar", len(data), size)
    return data


def _pack_ctypes(a, size):
    data = bytes(memoryview(a).cast("B"))
    if size and len(data) != size:
        raise _size_error(f"a {type(a).__name__}", len(data), size)
    return data


# Exact types to packers; other types are resolved once by _packer_for and added here.
_NUMPY_SCALAR_TYPES = frozenset(numpy.dtype(c).type for c in "?bhilqBHILQefdFD")
_PACKERS: dict[type, object] = {t: _pack_numpy for t in _NUMPY_SCALAR_TYPES}
_PACKERS.update({int: _pack_int, bool: _pack_bool, float: _pack_float,
                 complex: _pack_complex, type(None): _pack_none})


_POINTER_GETTERS: dict[type, object] = {}


def register_pointer_type(cls, get_ptr) -> None:
    """Pass instances of ``cls`` as the device pointer ``get_ptr(obj)`` (a fast path for arrays)."""
    _POINTER_GETTERS[cls] = get_ptr
    _PACKERS[cls] = lambda a, size: _pack_pointer(get_ptr(a), size)


def _packer_for(a):
    """Find (and remember) the packer for an argument type not seen before."""
    tp = type(a)
    if isinstance(a, numpy.ndarray):
        raise _ArgError("host (NumPy) arrays cannot be kernel arguments; pass a device array, "
                        "or a NumPy scalar for a scalar parameter")
    if hasattr(a, "__cuda_array_interface__"):
        packer = _pack_cai
    elif isinstance(getattr(a, "ptr", None), int):
        packer = _pack_ptr_attr
    elif isinstance(a, (ctypes._SimpleCData, ctypes.Structure, ctypes.Union, ctypes.Array)):
        packer = _pack_ctypes
    elif isinstance(a, bool):
        packer = _pack_bool
    elif isinstance(a, int):
        packer = _pack_int
    else:
        raise _ArgError("unsupported kernel argument type")
    _PACKERS[tp] = packer
    return packer


def _pack_args(args, sizes) -> list[bytes]:
    """The bytes of each argument, sized for the kernel's parameters (size 0: unknown)."""
    try:
        return [(_PACKERS.get(type(a)) or _packer_for(a))(a, s) for a, s in zip(args, sizes)]
    except Exception:
        _raise_arg_error(args, sizes)
        raise


# Struct codes for the argument types a specialised packer writes directly.
_INT_CODES = {1: "b", 2: "h", 4: "i", 8: "q"}
# By kind and size: NumPy's type characters ("l") do not match struct's standard sizes.
_KIND_CODES = {"b": {1: "?"}, "i": _INT_CODES, "u": {1: "B", 2: "H", 4: "I", 8: "Q"},
               "f": {2: "e", 4: "f", 8: "d"}}
_NUMPY_CODES = {numpy.dtype(c).type: _KIND_CODES[numpy.dtype(c).kind][numpy.dtype(c).itemsize]
                for c in "?bhilqBHILQefd"}


def _field(i: int, tp: type, size: int, env: dict):
    """(struct code, expression) packing argument ``a{i}`` of type ``tp`` in ``size`` bytes.

    Types and sizes without a direct struct code go through their generic packer,
    which also does the checking; the resulting bytes are packed as ``{size}s``.
    """
    packer = _PACKERS.get(tp)
    if size == 8 and tp in _POINTER_GETTERS:
        env[f"g{i}"] = _POINTER_GETTERS[tp]
        return "Q", f"g{i}(a{i})"
    if size == 8 and packer is _pack_ptr_attr:
        return "Q", f"a{i}.ptr"
    if size == 8 and packer is _pack_none:
        return "Q", "0"
    if tp in _NUMPY_CODES and numpy.dtype(tp).itemsize == size:
        return _NUMPY_CODES[tp], f"a{i}"
    if tp is int and size in _INT_CODES:
        return _INT_CODES[size], f"a{i}"
    if tp is float and size == 8:
        return "d", f"a{i}"
    env[f"p{i}"] = packer
    return f"{size}s", f"p{i}(a{i}, {size})"


def _make_packer(layout, types: tuple):
    """Generate ``pack(buf, args)`` for one tuple of argument types: one struct call.

    A struct error (a Python int out of range, say) falls back to the generic path,
    which raises the error that names the argument.
    """
    env = {"struct": struct}
    fmt, exprs, pos = ["<"], [], 0
    for i, (tp, off, size) in enumerate(zip(types, layout.offsets, layout.sizes)):
        if tp not in _PACKERS:
            return None
        code, expr = _field(i, tp, size, env)
        fmt.append(f"{off - pos}x{code}" if off > pos else code)
        exprs.append(expr)
        pos = off + size
    env["_pack_into"] = struct.Struct("".join(fmt)).pack_into
    names = "".join(f"a{i}, " for i in range(len(types)))
    src = (f"def pack(buf, args):\n    {names or '_'} = args\n"
           f"    _pack_into(buf, {layout.data_offset}{''.join(', ' + e for e in exprs)})\n")
    exec(src, env)
    layout.packers[types] = env["pack"]
    return env["pack"]


def _raise_arg_error(args, sizes) -> None:
    """Re-run the packing one argument at a time to name the one that failed."""
    for i, (a, s) in enumerate(zip(args, sizes)):
        try:
            (_PACKERS.get(type(a)) or _packer_for(a))(a, s)
        except _ArgError as e:
            raise e.exc_type(f"kernel argument {i} ({type(a).__name__}): {e}") from None
        except (TypeError, ValueError, AttributeError, struct.error) as e:
            raise TypeError(f"kernel argument {i} ({type(a).__name__}): {e}") from None


class _Layout:
    """A host buffer for one parameter layout: the ``extra`` array, the pointer array, the values.

    The values sit at the kernel's own parameter offsets, so one buffer serves both
    launch forms: ``extra`` (CU_LAUNCH_PARAM_BUFFER_POINTER: the driver copies one
    block; measured 2 µs cheaper per launch than ``kernelParams`` on an H200) and the
    pointer array (cooperative launches, or kernels whose parameter offsets the
    driver cannot report).  The pointers are written once per buffer; a launch only
    packs the values.  Buffers are recycled through a free list (atomic list
    pop/append): the driver copies the parameters before the launch call returns.
    """

    __slots__ = ("sizes", "nargs", "pack_into", "data_offset", "ptr_offset", "nbytes",
                 "offsets", "values_size", "use_extra", "pool", "packers")

    _EXTRA_WORDS = 5     # BUFFER_POINTER, &values, BUFFER_SIZE, &size, END

    def __init__(self, sizes: tuple[int, ...], offsets: tuple[int, ...] | None = None):
        self.sizes, self.nargs = sizes, len(sizes)
        self.use_extra = offsets is not None and self.nargs > 0
        if offsets is None:   # unknown to the driver: 8-byte aligned, pointer form only
            offsets, pos = [], 0
            for size in sizes:
                pos += -pos % 8
                offsets.append(pos)
                pos += size
        self.offsets = tuple(offsets)
        fmt, pos = ["<"], 0
        for off, size in zip(self.offsets, sizes):
            fmt.append(f"{off - pos}x{size}s" if off > pos else f"{size}s")
            pos = off + size
        self.values_size = pos
        self.pack_into = struct.Struct("".join(fmt)).pack_into
        self.ptr_offset = 8 * (self._EXTRA_WORDS + 1)
        self.data_offset = self.ptr_offset + 8 * self.nargs + (8 * self.nargs) % 16
        self.nbytes = self.data_offset + pos
        self.pool: list = []
        self.packers: dict[tuple, object] = {}   # argument types -> generated packer

    def new_buffer(self):
        """(buffer, kernelParams address, extra address); addresses are 0 where unused."""
        buf = ctypes.create_string_buffer(max(self.nbytes, 8))
        addr = ctypes.addressof(buf)
        if not self.nargs:
            return buf, 0, 0
        values = addr + self.data_offset
        ptrs = (ctypes.c_void_p * self.nargs).from_buffer(buf, self.ptr_offset)
        ptrs[:] = [values + off for off in self.offsets]
        if not self.use_extra:
            return buf, addr + self.ptr_offset, 0
        size_addr = addr + 8 * self._EXTRA_WORDS
        ctypes.c_size_t.from_buffer(buf, 8 * self._EXTRA_WORDS).value = self.values_size
        extra = (ctypes.c_void_p * self._EXTRA_WORDS).from_buffer(buf)
        extra[:] = [1, values, 2, size_addr, 0]    # CU_LAUNCH_PARAM_BUFFER_POINTER/SIZE/END
        return buf, addr + self.ptr_offset, addr


_layouts: dict[tuple, _Layout] = {}


def _layout_for(sizes: tuple[int, ...], offsets: tuple[int, ...] | None = None) -> _Layout:
    layout = _layouts.get((sizes, offsets))
    if layout is None:
        layout = _layouts[(sizes, offsets)] = _Layout(sizes, offsets)
    return layout


# -- launch configuration -----------------------------------------------------------------

def _dim3(d):
    """(x, y, z) from an int or a 1-3 tuple; values below 1 become 1, as in CuPy."""
    if type(d) is int:
        return (d if d > 0 else 1), 1, 1
    n = len(d)
    if n == 3:
        x, y, z = d
    elif n == 1:
        x, y, z = d[0], 1, 1
    elif n == 2:
        x, y, z = d[0], d[1], 1
    else:
        raise ValueError(f"grid and block take 1 to 3 dimensions, not {n}")
    return (x if x > 0 else 1), (y if y > 0 else 1), (z if z > 0 else 1)


_use_core_launch = os.environ.get("CUARRAY_LAUNCH_PATH", "driver").strip().lower() == "core"


def set_launch_path(path: str) -> None:
    """Launch through ``"driver"`` (cuLaunchKernel) or ``"core"`` (cuda.core.launch)."""
    global _use_core_launch
    if path not in ("driver", "core"):
        raise ValueError(f"launch path must be 'driver' or 'core', not {path!r}")
    _use_core_launch = path == "core"


class GlobalVariable(NamedTuple):
    """A ``__device__`` variable in the current device's context: address and size in bytes."""
    ptr: int
    size: int


# -- the cuda.core launch path (CUARRAY_LAUNCH_PATH=core) ---------------------------------

_UINT_TYPES = {1: numpy.uint8, 2: numpy.uint16, 4: numpy.uint32, 8: numpy.uint64}
_CACHE_LIMIT = 1024   # launch configurations and stream wrappers kept for the core path
_core_configs: dict = {}
_core_streams: dict = {}


def _core_args(args, parts) -> list:
    """Arguments for cuda.core.launch that carry the same bytes as the driver path's buffer."""
    out = []
    for a, p in zip(args, parts):
        t = type(a)
        if t in _NUMPY_SCALAR_TYPES or t is float or t is complex:
            out.append(a)
        elif len(p) == 8 and p[7] < 0x80:
            out.append(int.from_bytes(p, "little"))   # cuda.core passes an int as intptr_t
        elif len(p) in _UINT_TYPES:
            out.append(_UINT_TYPES[len(p)](int.from_bytes(p, "little")))
        else:
            out.append(a)   # a ctypes structure: cuda.core packs it itself
    return out


def _core_stream(hstream: int):
    key = (get_device_id(), hstream)
    stream = _core_streams.get(key)
    if stream is None:
        import cuda.core as core
        if hstream == 0:
            stream = core.LEGACY_DEFAULT_STREAM
        elif hstream == 2:
            stream = core.PER_THREAD_DEFAULT_STREAM
        else:
            stream = core.Stream.from_handle(hstream)
        if len(_core_streams) >= _CACHE_LIMIT:
            _core_streams.clear()
        _core_streams[key] = stream
    return stream


def _core_config(grid, block, shared_mem, cooperative):
    key = (grid, block, shared_mem, cooperative)
    config = _core_configs.get(key)
    if config is None:
        from cuda.core import LaunchConfig
        config = LaunchConfig(grid=grid, block=block, shmem_size=shared_mem,
                              is_cooperative=cooperative)
        if len(_core_configs) >= _CACHE_LIMIT:
            _core_configs.clear()
        _core_configs[key] = config
    return config


# -- Function -----------------------------------------------------------------------------

_SUCCESS = None          # CUresult.CUDA_SUCCESS, bound with the driver
_launch_kernel = None    # cuLaunchKernel, bound with the driver (one global read per launch)

_ATTRIBUTES = ("max_threads_per_block", "shared_size_bytes", "const_size_bytes",
               "local_size_bytes", "num_regs", "ptx_version", "binary_version", "cache_mode_ca",
               "max_dynamic_shared_size_bytes", "preferred_shared_memory_carveout")


def _bind_driver():
    global _SUCCESS, _launch_kernel
    d = _driver.driver()
    _SUCCESS, _launch_kernel = d.CUresult.CUDA_SUCCESS, d.cuLaunchKernel
    return d


def _attribute(name: str, settable: bool = False):
    enum_name = "CU_FUNC_ATTRIBUTE_" + name.upper()

    def fget(self):
        return self._get_attribute(enum_name)

    def fset(self, value):
        self._set_attribute(enum_name, value)

    doc = f"``{enum_name}`` of this kernel on the current device."
    return property(fget, fset if settable else None, doc=doc)


class Function:
    """A kernel of a Module, launched by calling it.  See cupy.cuda.function.Function."""

    __slots__ = ("module", "name", "_kernel", "_fn", "_layout", "_core_kernel", "__weakref__")

    def __init__(self, module, name: str):
        d = _bind_driver()
        err, kernel = d.cuLibraryGetKernel(module._library, name.encode())
        if err == d.CUresult.CUDA_ERROR_NOT_FOUND:
            raise AttributeError(f"no kernel named {name!r} in this module (a template kernel "
                                 "needs name_expressions=[...] at compile time)")
        if err != _SUCCESS:
            _driver.raise_error(err, f"cuLibraryGetKernel({name!r})")
        self.module = module   # keeps the library loaded
        self.name = name
        self._kernel = kernel
        # cuLaunchKernel takes a context-independent CUkernel cast to CUfunction.
        self._fn = d.CUfunction(int(kernel))
        self._layout = None
        self._core_kernel = None

    def __repr__(self):
        return f"<cuarray.cuda.Function {self.name!r}>"

    @property
    def ptr(self) -> int:
        """The ``CUkernel`` handle as an int."""
        return int(self._kernel)

    def __call__(self, grid, block, args, shared_mem=0, stream=None, cooperative=False, *,
                 enable_cooperative_groups=False):
        """Launch on ``stream`` (default: the current stream).  See cupy.RawKernel.__call__.

        ``grid`` and ``block`` are ints or 1-3 tuples; argument rules are in the
        module docstring.  ``cooperative=True`` launches with
        cuLaunchCooperativeKernel (a grid too large for co-residency raises).
        """
        layout = self._layout
        if layout is None or type(args) is not tuple or len(args) != layout.nargs:
            args, layout = self._prepare(args)
        types = tuple(map(type, args))
        packer = layout.packers.get(types)
        if packer is None:
            _pack_args(args, layout.sizes)      # checks every argument, learns new types
            packer = _make_packer(layout, types)
        if stream is None:
            hstream = current_stream_ptr()
        else:
            hstream = stream.ptr
            if type(hstream) is not int:
                hstream = int(hstream)
            if hstream <= 2:
                get_device_id()   # a default stream launches into the current context
        grid, block = _dim3(grid), _dim3(block)
        if _use_core_launch or cooperative or enable_cooperative_groups:
            return self._launch_other(grid, block, args, _pack_args(args, layout.sizes), layout,
                                      shared_mem, hstream,
                                      bool(cooperative or enable_cooperative_groups))
        entry = layout.pool.pop() if layout.pool else layout.new_buffer()
        try:
            packer(entry[0], args)
        except Exception:
            # Out of the struct code's range (an unsigned value for a Python int, say): the
            # checked per-argument path packs it, or raises the error naming the argument.
            try:
                layout.pack_into(entry[0], layout.data_offset, *_pack_args(args, layout.sizes))
            except BaseException:
                layout.pool.append(entry)
                raise
        if entry[2]:
            err = _launch_kernel(self._fn, grid[0], grid[1], grid[2], block[0], block[1],
                                 block[2], shared_mem, hstream, 0, entry[2])[0]
        else:
            err = _launch_kernel(self._fn, grid[0], grid[1], grid[2], block[0], block[1],
                                 block[2], shared_mem, hstream, entry[1], 0)[0]
        layout.pool.append(entry)
        if err != _SUCCESS:
            _driver.raise_error(err, f"launching kernel {self.name!r}")

    def launch_1d(self, grid: int, block: int, args: tuple) -> None:
        """The engine's hot path: 1-D ``grid``/``block`` ints (>= 1), on the current stream.

        Falls back to ``__call__`` (which checks everything) until this argument-type
        tuple has been launched once.
        """
        if not self._launch_known(grid, 1, block, 1, args):
            self(grid, block, args)

    def launch_2d(self, grid: tuple, block: tuple, args: tuple) -> None:
        """``launch_1d`` for 2-D ``grid``/``block`` tuples of ints (>= 1)."""
        if not self._launch_known(grid[0], grid[1], block[0], block[1], args):
            self(grid, block, args)

    def _launch_known(self, gx, gy, bx, by, args) -> bool:
        """Launch with the packer learned for these argument types; False if there is none
        yet (or a value falls outside the packer's range)."""
        layout = self._layout
        if layout is None or len(args) != layout.nargs:
            return False
        packer = layout.packers.get(tuple(map(type, args)))
        if packer is None:
            return False
        entry = layout.pool.pop() if layout.pool else layout.new_buffer()
        try:
            packer(entry[0], args)
        except Exception:
            layout.pool.append(entry)
            return False
        hstream = current_stream_ptr()
        if entry[2]:
            err = _launch_kernel(self._fn, gx, gy, 1, bx, by, 1, 0, hstream, 0, entry[2])[0]
        else:
            err = _launch_kernel(self._fn, gx, gy, 1, bx, by, 1, 0, hstream, entry[1], 0)[0]
        layout.pool.append(entry)
        if err != _SUCCESS:
            _driver.raise_error(err, f"launching kernel {self.name!r}")
        return True

    def linear_launch(self, size, args, shared_mem=0, block_max_size=128, stream=None,
                      cooperative=False):
        """Launch blocks of ``block_max_size`` threads covering ``size``.  See cupy.RawKernel."""
        block = max(1, min(block_max_size, size))
        grid = min(0x7FFFFFFF, (size + block_max_size - 1) // block_max_size)
        self(grid, block, args, shared_mem, stream, cooperative)

    def _prepare(self, args):
        """Slow path: check ``args``; on first use read the kernel's parameter sizes."""
        if type(args) is not tuple:
            if not isinstance(args, (tuple, list)):
                raise TypeError("kernel arguments must be a tuple (or list), not "
                                f"{type(args).__name__}")
            args = tuple(args)
        if self._layout is None:
            info = self._param_info()
            if info is None:   # a driver that cannot tell: natural sizes, no checks
                return args, _layout_for(tuple(map(len, _pack_args(args, (0,) * len(args)))))
            self._layout = _layout_for(*info)
        if len(args) != self._layout.nargs:
            n = self._layout.nargs
            raise TypeError(f"kernel {self.name!r} takes {n} argument{'s' if n != 1 else ''} "
                            f"but {len(args)} were given")
        return args, self._layout

    def _param_info(self):
        """(sizes, offsets) of the kernel parameters (cuKernelGetParamInfo), or None."""
        d = _driver.driver()
        get_info = getattr(d, "cuKernelGetParamInfo", None)
        if get_info is None:
            return None
        get_device_id()   # some queries need a current context
        sizes, offsets, err = [], [], _SUCCESS
        while err == _SUCCESS:
            try:
                result = get_info(self._kernel, len(sizes))   # (err, offset, size)
            except RuntimeError:   # bindings newer than the driver: the entry point is missing
                return None
            err = result[0]
            if err == _SUCCESS:
                offsets.append(int(result[1]))
                sizes.append(int(result[2]))
        if not sizes and err != d.CUresult.CUDA_ERROR_INVALID_VALUE:
            return None
        return tuple(sizes), tuple(offsets)

    def _param_sizes(self):
        """The size of each kernel parameter, or None if the driver cannot tell."""
        info = self._param_info()
        return None if info is None else info[0]

    def _launch_other(self, grid, block, args, parts, layout, shared_mem, hstream, cooperative):
        """The cuda.core path and cooperative launches (off the hot path)."""
        if _use_core_launch:
            kernel = self._core_kernel
            if kernel is None:
                from cuda.core import Kernel
                kernel = self._core_kernel = Kernel.from_handle(int(self._kernel))
            from cuda.core import launch
            config = _core_config(grid, block, shared_mem, cooperative)
            return launch(_core_stream(hstream), config, kernel, *_core_args(args, parts))
        d = _driver.driver()
        entry = layout.pool.pop() if layout.pool else layout.new_buffer()
        layout.pack_into(entry[0], layout.data_offset, *parts)
        err = d.cuLaunchCooperativeKernel(self._fn, *grid, *block, shared_mem, hstream,
                                          entry[1])[0]
        layout.pool.append(entry)
        if err != _SUCCESS:
            _driver.raise_error(err, f"cooperative launch of kernel {self.name!r}")

    # -- attributes (per device: the current one) ----------------------------------------
    def _get_attribute(self, enum_name: str) -> int:
        d = _driver.driver()
        attr = getattr(d.CUfunction_attribute, enum_name)
        return int(_driver.check(d.cuKernelGetAttribute(attr, self._kernel, get_device_id())))

    def _set_attribute(self, enum_name: str, value) -> None:
        d = _driver.driver()
        attr = getattr(d.CUfunction_attribute, enum_name)
        _driver.check(d.cuKernelSetAttribute(attr, int(value), self._kernel, get_device_id()))

    max_threads_per_block = _attribute("max_threads_per_block")
    shared_size_bytes = _attribute("shared_size_bytes")
    const_size_bytes = _attribute("const_size_bytes")
    local_size_bytes = _attribute("local_size_bytes")
    num_regs = _attribute("num_regs")
    ptx_version = _attribute("ptx_version")
    binary_version = _attribute("binary_version")
    cache_mode_ca = _attribute("cache_mode_ca")
    max_dynamic_shared_size_bytes = _attribute("max_dynamic_shared_size_bytes", settable=True)
    preferred_shared_memory_carveout = _attribute("preferred_shared_memory_carveout",
                                                  settable=True)

    def max_active_blocks_per_sm(self, block_size: int, dynamic_smem: int = 0) -> int:
        """How many blocks of ``block_size`` threads fit on one SM of the current device
        at once (registers, shared memory and thread limits: the driver's occupancy)."""
        d = _driver.driver()
        fn = _driver.check(d.cuKernelGetFunction(self._kernel))
        return int(_driver.check(d.cuOccupancyMaxActiveBlocksPerMultiprocessor(
            fn, block_size, dynamic_smem)))

    @property
    def attributes(self) -> dict[str, int]:
        """All of the above as a dict.  See cupy.RawKernel.attributes."""
        return {name: getattr(self, name) for name in _ATTRIBUTES}

    @property
    def num_args(self) -> int:
        """The number of kernel parameters (-1 where the driver cannot tell)."""
        sizes = self._param_sizes()
        return -1 if sizes is None else len(sizes)


# -- Module -------------------------------------------------------------------------------

_ELF_MAGIC = b"\x7fELF"
_FATBIN_MAGIC = b"\x50\xed\x55\xba"


class Module:
    """Device code loaded as a context-independent CUlibrary.  See cupy.cuda.function.Module."""

    __slots__ = ("_library", "mapping", "_functions", "__weakref__")

    def __init__(self):
        self._library = None
        self.mapping: dict[str, str] = {}   # name expression -> lowered name
        self._functions: dict[str, Function] = {}

    @classmethod
    def from_cubin(cls, cubin: bytes, mapping=None) -> "Module":
        """A Module loaded from cubin bytes, with a name-expression map from the compiler."""
        module = cls()
        module.load(cubin)
        module.mapping = dict(mapping or {})
        return module

    def load(self, image: bytes) -> None:
        """Load a cubin or fatbin (or PTX, which the driver compiles) from memory."""
        image = bytes(image)
        if image[:4] not in (_ELF_MAGIC, _FATBIN_MAGIC) and not image.endswith(b"\0"):
            image += b"\0"   # PTX text must be NUL-terminated
        d = _driver.driver()
        self._set_library(_driver.check(d.cuLibraryLoadData(image, None, None, 0,
                                                             None, None, 0)))

    def load_file(self, path) -> None:
        """Load a cubin, fatbin or PTX file (the driver JIT-compiles PTX).  See cupy.cuda.Module."""
        d = _driver.driver()
        self._set_library(_driver.check(d.cuLibraryLoadFromFile(os.fsencode(path), None, None, 0,
                                                                 None, None, 0)))

    def _set_library(self, library) -> None:
        self._unload()
        self._library = library
        self._functions = {}

    def get_function(self, name) -> Function:
        """The kernel ``name`` (a name expression given at compile time also works)."""
        fn = self._functions.get(name)
        if fn is None:
            if self._library is None:
                raise RuntimeError("this Module has nothing loaded")
            text = name.decode() if isinstance(name, bytes) else name
            fn = self._functions[name] = Function(self, self.mapping.get(text, text))
        return fn

    def get_global(self, name) -> GlobalVariable:
        """Address and size of the ``__device__`` variable ``name`` on the current device."""
        text = name.decode() if isinstance(name, bytes) else name
        get_device_id()   # the variable lives in the current context
        d = _driver.driver()
        ptr, size = _driver.check(d.cuLibraryGetGlobal(self._library,
                                                       self.mapping.get(text, text).encode()))
        return GlobalVariable(int(ptr), int(size))

    def get_global_var(self, name) -> int:
        """The address of the ``__device__`` variable ``name``.  See cupy.cuda.Module."""
        return self.get_global(name).ptr

    def _unload(self) -> None:
        if self._library is not None and _driver._driver is not None:
            _driver._driver.cuLibraryUnload(self._library)
        self._library = None

    def __del__(self):
        try:
            self._unload()
        except Exception:   # interpreter shutdown: the driver module may be half torn down
            pass
