"""CUB's device-wide algorithms through ``cuda.compute`` (cuda-cccl), behind one facade.

``cuda.compute`` JIT-compiles each algorithm for its key and value types the first time
it is built, which takes seconds.  This module builds each algorithm lazily, once per
(algorithm, key dtype, value dtype, ...) and device, keeps it in a process dict, and
keeps the compiled algorithm on disk (``cuda.compute.serialize`` / ``deserialize``)
under ``<cuarray cache dir>/cub/``, so that the JIT is paid once per machine, not per
process.

Disk entries are ``<sha256 of the key>.cub``: a fixed header (magic, format version,
the key's digest, payload length), the serialized algorithm, then a sha256 of all of
that.  They are written to a temporary file and renamed into place; an entry that fails
any check, or that ``deserialize`` rejects, is rebuilt and rewritten.  The key covers the
algorithm and its types, the device architecture, and the cuda-cccl version.
``CUARRAY_DISABLE_DISK_CACHE=1`` turns the disk cache off (as for NVRTC kernels).

Everything runs on cuarray's current stream, with temporary storage from cuarray's
memory pool.  ``cuda.compute`` is imported on first use only (``import cuarray`` never
loads it).  Deserialized algorithms are not thread-safe (their calls write arguments
into the object), so the process dict keeps one object per (device, thread).
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
import threading

import numpy

_U8 = numpy.dtype(numpy.uint8)
_MAGIC = b"CUARRCUB"
_FORMAT_VERSION = 1
_HEADER = struct.Struct("<8sI32sQ")      # magic, format version, key digest, payload bytes
_CHECKSUM = 32
_SUFFIX = ".cub"

# Counters for tests and diagnostics.
stats = {"builds": 0, "disk_hits": 0, "disk_writes": 0}

_algorithms: dict = {}       # (name, spec, device, thread) -> algorithm object
_blobs: dict = {}            # (name, spec, arch) -> serialized algorithm
_temp_bytes: dict = {}       # (name, spec, sizes...) -> temporary storage bytes
_build_lock = threading.Lock()
_unwritable: set = set()
_TEMP_MEMO_LIMIT = 4096


# -- the disk cache (pure Python: tested on the CPU with fake payloads) ---------------------------
def entry_key(name: str, spec: tuple, arch: str, version: str) -> str:
    """The hex digest naming one algorithm's disk entry."""
    text = "\0".join([f"format={_FORMAT_VERSION}", f"cuda-cccl={version}", arch, name,
                      repr(spec)])
    return hashlib.sha256(text.encode()).hexdigest()


def encode_entry(key: str, payload: bytes) -> bytes:
    body = _HEADER.pack(_MAGIC, _FORMAT_VERSION, bytes.fromhex(key), len(payload)) + payload
    return body + hashlib.sha256(body).digest()


def decode_entry(data: bytes, key: str):
    """The payload of an entry's bytes, or None when anything about them is wrong."""
    if len(data) < _HEADER.size + _CHECKSUM:
        return None
    magic, version, digest, size = _HEADER.unpack_from(data)
    if (magic != _MAGIC or version != _FORMAT_VERSION or digest != bytes.fromhex(key)
            or len(data) != _HEADER.size + size + _CHECKSUM):
        return None
    body = data[:-_CHECKSUM]
    if hashlib.sha256(body).digest() != data[-_CHECKSUM:]:
        return None
    return data[_HEADER.size:-_CHECKSUM]


def cache_dir() -> str:
    from ..cuda.compiler import get_cache_dir
    return os.path.join(get_cache_dir(), "cub")


def _disk_enabled() -> bool:
    from ..cuda.compiler import _disk_cache_enabled
    return _disk_cache_enabled()


def read_entry(directory: str, key: str):
    try:
        with open(os.path.join(directory, key + _SUFFIX), "rb") as f:
            data = f.read()
    except OSError:
        return None
    return decode_entry(data, key)


def write_entry(directory: str, key: str, payload: bytes) -> bool:
    """Write atomically (temporary file in the same directory, then rename); never raise."""
    if directory in _unwritable:
        return False
    tmp = None
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{key[:16]}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(encode_entry(key, payload))
        os.replace(tmp, os.path.join(directory, key + _SUFFIX))
        tmp = None
        stats["disk_writes"] += 1
        return True
    except OSError:
        _unwritable.add(directory)      # read-only or missing: stop trying in this process
        return False
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def load_or_build(name, spec, arch, build, serialize, deserialize, version, directory=None):
    """The algorithm for (name, spec) on ``arch``: from this process's blobs, else from
    the disk cache, else ``build()`` (the JIT), which is then serialized and written.

    ``serialize(algorithm) -> bytes`` and ``deserialize(bytes) -> algorithm`` are passed
    in (cuda.compute's in production) so that the logic is testable without a GPU.
    Unreadable or rejected entries are ignored and rebuilt.
    """
    bkey = (name, spec, arch)
    use_disk = directory is not None
    key = entry_key(name, spec, arch, version)
    for source in ("memory", "disk"):
        blob = _blobs.get(bkey) if source == "memory" else (
            read_entry(directory, key) if use_disk else None)
        if blob is None:
            continue
        try:
            algorithm = deserialize(blob)
        except Exception:       # a blob from elsewhere, truncated, or of another version
            _blobs.pop(bkey, None)
            continue
        _blobs[bkey] = blob
        if source == "disk":
            stats["disk_hits"] += 1
        return algorithm
    algorithm = build()
    stats["builds"] += 1
    try:
        blob = serialize(algorithm)
    except Exception:           # a backend that cannot serialize: keep the in-process object
        return algorithm
    _blobs[bkey] = blob
    if use_disk:
        write_entry(directory, key, blob)
    return algorithm


# -- cuda.compute ---------------------------------------------------------------------------------
_cc_module = None
_version = None


def _cc():
    """cuda.compute, imported on first use (it loads nvJitLink and NVRTC)."""
    global _cc_module
    if _cc_module is None:
        import cuda.compute
        _cc_module = cuda.compute
    return _cc_module


def _cccl_version() -> str:
    global _version
    if _version is None:
        from importlib.metadata import version
        try:
            _version = version("cuda-cccl")
        except Exception:
            _version = "unknown"
    return _version


def available() -> bool:
    """Whether cuda.compute imports here (it needs the CUDA libraries)."""
    try:
        _cc()
        return bool(getattr(_cc_module, "_BINDINGS_AVAILABLE", True))
    except Exception:
        return False


class _CurrentStream:
    """cuarray's current stream, in the ``__cuda_stream__`` protocol cuda.compute reads."""

    __slots__ = ()

    def __cuda_stream__(self):
        from ..cuda._stream import current_stream_ptr
        return (0, current_stream_ptr())


_STREAM = _CurrentStream()


def _bind(algorithm, device_id: int) -> None:
    """Bind a deserialized algorithm to ``device_id`` once, as ``make_*`` does at build
    time; unbound, cuda.compute asks for the current device on every call."""
    try:
        results = algorithm.build_results
        if len(results) == 1 and getattr(algorithm, "_bound_build_result", None) is None:
            (cc,) = results
            algorithm._bound_build_result = results.resolve(cc, device_id)
    except Exception:
        pass        # another cuda.compute layout: per-call resolution still works


def _algorithm(name: str, spec: tuple, build):
    from ..cuda._device import get_device_id
    device = get_device_id()
    akey = (name, spec, device, threading.get_ident())
    algorithm = _algorithms.get(akey)
    if algorithm is None:
        from ..cuda.compiler import _device_arch
        cc = _cc()
        with _build_lock:
            algorithm = load_or_build(name, spec, _device_arch(), build, cc.serialize,
                                      cc.deserialize, _cccl_version(),
                                      cache_dir() if _disk_enabled() else None)
        _bind(algorithm, device)
        _algorithms[akey] = algorithm
    return algorithm


def _temp(tkey, query):
    """Temporary storage (a uint8 array from cuarray's pool) of the size CUB asks for."""
    from .._core.ndarray import _empty
    nbytes = _temp_bytes.get(tkey)
    if nbytes is None:
        if len(_temp_bytes) > _TEMP_MEMO_LIMIT:
            _temp_bytes.clear()
        nbytes = _temp_bytes[tkey] = int(query())
    return _empty((max(nbytes, 1),), _U8)


def _spec(keys, values, *extra) -> tuple:
    return (keys.dtype.str, None if values is None else values.dtype.str) + extra


# -- algorithms -----------------------------------------------------------------------------------
def radix_sort(keys_in, keys_out, n: int, values_in=None, values_out=None, *, begin_bit=0,
               end_bit=None, double_buffer=False):
    """Stable ascending radix sort of ``n`` keys (and values) with CUB's DeviceRadixSort.

    Arrays are C-contiguous 1-D device arrays of at least ``n`` elements.  With
    ``double_buffer``, ``keys_in``/``values_in`` and ``keys_out``/``values_out`` are the two
    halves of CUB's DoubleBuffer (both are overwritten; less temporary storage) and the
    arrays holding the result are returned; otherwise the inputs are left as they are and
    ``(keys_out, values_out)`` returned.  Bits outside ``[begin_bit, end_bit)`` are ignored.
    Floating-point keys follow CUB: -0.0 equals +0.0, NaNs order by their bits.
    """
    if n == 0:
        return keys_out, values_out
    cc = _cc()
    if end_bit is None:
        end_bit = keys_in.dtype.itemsize * 8
    if double_buffer:
        dk = cc.DoubleBuffer(keys_in, keys_out)
        dv = None if values_in is None else cc.DoubleBuffer(values_in, values_out)
        arrays = {"d_in_keys": dk, "d_out_keys": None, "d_in_values": dv, "d_out_values": None}
    else:
        arrays = {"d_in_keys": keys_in, "d_out_keys": keys_out, "d_in_values": values_in,
                  "d_out_values": values_out}
    spec = _spec(keys_in, values_in)
    algorithm = _algorithm("radix_sort", spec, lambda: cc.make_radix_sort(
        **arrays, order=cc.SortOrder.ASCENDING))
    call = dict(arrays, num_items=n, begin_bit=begin_bit, end_bit=end_bit, stream=_STREAM)
    temp = _temp(("radix_sort", spec, n, begin_bit, end_bit, double_buffer),
                 lambda: algorithm(temp_storage=None, **call))
    algorithm(temp_storage=temp, **call)
    if double_buffer:
        return dk.current(), (None if dv is None else dv.current())
    return keys_out, values_out


def segmented_sort(keys_in, keys_out, n: int, offsets, nseg: int, values_in=None,
                   values_out=None, *, double_buffer=False):
    """Sort each of ``nseg`` segments (``offsets[i]:offsets[i + 1]``, int64, ``nseg + 1``
    entries) with CUB's DeviceSegmentedSort; arrays as for :func:`radix_sort`.

    CUB sorts large segments by radix and small ones by a warp merge sort with
    ``operator<``; both are stable (cub/device/device_segmented_sort.cuh: SortKeys and
    StableSortKeys share one dispatch).  Callers pass unsigned keys when ``<`` must be
    a total order (floating-point NaNs).
    """
    if n == 0 or nseg == 0:
        return keys_out, values_out
    cc = _cc()
    from .._core.ndarray import _view
    step = offsets.dtype.itemsize
    begin = _view(offsets, (nseg,), (step,), offsets.dtype, offsets._ptr)
    end = _view(offsets, (nseg,), (step,), offsets.dtype, offsets._ptr + step)
    if double_buffer:
        dk = cc.DoubleBuffer(keys_in, keys_out)
        dv = None if values_in is None else cc.DoubleBuffer(values_in, values_out)
        arrays = {"d_in_keys": dk, "d_out_keys": None, "d_in_values": dv, "d_out_values": None}
    else:
        arrays = {"d_in_keys": keys_in, "d_out_keys": keys_out, "d_in_values": values_in,
                  "d_out_values": values_out}
    spec = _spec(keys_in, values_in, offsets.dtype.str)
    algorithm = _algorithm("segmented_sort", spec, lambda: cc.make_segmented_sort(
        **arrays, start_offsets_in=begin, end_offsets_in=end, order=cc.SortOrder.ASCENDING))
    call = dict(arrays, num_items=n, num_segments=nseg, start_offsets_in=begin,
                end_offsets_in=end, stream=_STREAM)
    temp = _temp(("segmented_sort", spec, n, nseg, double_buffer),
                 lambda: algorithm(temp_storage=None, **call))
    algorithm(temp_storage=temp, **call)
    if double_buffer:
        return dk.current(), (None if dv is None else dv.current())
    return keys_out, values_out


def clear_memory_cache() -> None:
    """Forget in-process algorithms and blobs (the disk cache stays): what a new
    process sees, for tests and the first-call probe."""
    _algorithms.clear()
    _blobs.clear()
    _temp_bytes.clear()
