"""Interoperability: DLPack and ``__cuda_array_interface__`` import and export, device
transfer (array API ``to_device``), ``get_array_module`` and ``ndarray.flat``.

Stream rules (array API standard, ``__dlpack__``): the consumer passes its stream;
the producer makes that stream wait, with an event, for the work queued on the
producer's current stream (nothing when they are the same stream; ``-1`` asks for
no synchronisation; ``None`` means the legacy default stream; ``0`` is ambiguous
and refused).  cuarray follows them as producer (``ndarray.__dlpack__``) and as
consumer (:func:`from_dlpack` passes its current stream), and for
``__cuda_array_interface__`` v3 streams.

The ndarray methods defined here are attached by :func:`install`.
"""

from __future__ import annotations

import operator

import numpy

from .._core import dlpack as _dl
from .._core.dtypes import check_supported
from .._core.ndarray import _empty, _from_host, _init, _view, ndarray
from .._core.shape import c_strides

_new = object.__new__
_CPU, _CUDA = _dl.DLDeviceType.kDLCPU, _dl.DLDeviceType.kDLCUDA


# -- devices and streams -------------------------------------------------------------------
def _device_id(device, error=ValueError):
    """A device argument (Device, id, "cuda", "cuda:N") as an id; None stays None."""
    if device is None:
        return None
    if isinstance(device, str):
        name, _, index = device.partition(":")
        if name == "cuda":
            if not index:
                from ..cuda import get_device_id
                return get_device_id()
            return int(index)
        raise error(f"unsupported device {device!r}: cuarray arrays live in CUDA device memory")
    dev_id = getattr(device, "id", device)      # cuarray.cuda.Device
    try:
        return operator.index(dev_id)
    except TypeError:
        raise error(f"unsupported device {device!r}: expected a cuarray.cuda.Device, a device "
                    "id or 'cuda:N'") from None


class _OnDevice:
    """Make ``dev_id`` current for a block when it is not already."""

    __slots__ = ("dev_id", "_device")

    def __init__(self, dev_id):
        self.dev_id, self._device = dev_id, None

    def __enter__(self):
        from ..cuda import Device, get_device_id
        if get_device_id() != self.dev_id:
            self._device = Device(self.dev_id)
            self._device.__enter__()

    def __exit__(self, *exc):
        if self._device is not None:
            self._device.__exit__(*exc)


def _stream_wait(waiter: int, signaller: int, dev_id: int) -> None:
    """Make later work on stream ``waiter`` wait for the work queued so far on ``signaller``."""
    if waiter == signaller:
        return
    from ..cuda import Event, ExternalStream
    with _OnDevice(dev_id):
        ev = Event(disable_timing=True)
        ev.record(ExternalStream(signaller, dev_id))
        # Destroying the event now is safe: the driver keeps it until the wait is done.
        ExternalStream(waiter, dev_id).wait_event(ev)


def _current_ptr(dev_id: int) -> int:
    from ..cuda import get_current_stream
    return get_current_stream(dev_id).ptr


def _consumer_stream(stream):
    """The stream handle a ``__dlpack__`` caller passed (None: synchronise nothing).

    DLPack numbers the CUDA default streams 1 (legacy) and 2 (per-thread); the
    driver's handles are 0 (or 1) and 2, and cuarray's legacy stream is 0.
    """
    if stream is None:          # "producer must assume the legacy default stream"
        return 0
    if isinstance(stream, bool) or not hasattr(stream, "__index__"):
        raise TypeError(f"stream must be an int or None, not {type(stream).__name__}")
    stream = operator.index(stream)
    if stream == -1:
        return None
    if stream == 0:
        raise ValueError("stream=0 is ambiguous in DLPack (legacy or per-thread default "
                         "stream?); pass 1 for the legacy and 2 for the per-thread default stream")
    if stream < -1:
        raise ValueError(f"invalid stream {stream}")
    return 0 if stream == 1 else stream


# -- DLPack export: ndarray.__dlpack__ / __dlpack_device__ --------------------------------------
def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    """Export as a DLPack capsule (zero-copy).  See the array API standard's array.__dlpack__.

    A ``max_version`` of (1, 0) or later gets a ``"dltensor_versioned"`` capsule,
    otherwise the legacy ``"dltensor"`` one.  ``dl_device=(kDLCPU, 0)`` exports a
    host copy (flagged as copied); ``copy=True`` exports a device copy.
    """
    versioned = _wants_versioned(max_version)
    consumer = _consumer_stream(stream)
    dev = self._mp.device_id
    src, copied = self, False
    if dl_device is not None:
        kind, index = _dl_device(dl_device)
        if kind == _CPU:
            return _export_host(self, versioned, copy)
        if kind != _CUDA:
            raise BufferError(f"cannot export a cuarray array to DLPack device {dl_device}: "
                              "it lives in CUDA device memory (kDLCUDA)")
        if index != dev:
            if copy is False:
                raise BufferError(f"exporting to CUDA device {index} needs a copy from device "
                                  f"{dev}, but copy=False")
            src, copied = self.to_device(index), True
    if copy and not copied:
        with _OnDevice(dev):
            src, copied = self.copy(order="K"), True
    out_dev = src._mp.device_id
    if consumer is not None:
        _stream_wait(consumer, _current_ptr(out_dev), out_dev)
    return _dl.export(src._ptr, src._shape, src._strides, src.dtype, (_CUDA, out_dev), src,
                      versioned=versioned, copied=copied)


def __dlpack_device__(self):
    """``(kDLCUDA, device id)``.  See the array API standard's array.__dlpack_device__."""
    return _CUDA, self._mp.device_id


def _wants_versioned(max_version) -> bool:
    if max_version is None:
        return False
    try:
        major, _minor = max_version
        return operator.index(major) >= 1
    except (TypeError, ValueError):
        raise TypeError(f"max_version must be None or a (major, minor) tuple, not "
                        f"{max_version!r}") from None


def _dl_device(dl_device) -> tuple[int, int]:
    try:
        kind, index = dl_device
        return int(kind), operator.index(index)
    except (TypeError, ValueError):
        raise TypeError(f"dl_device must be a (device type, device id) tuple, not "
                        f"{dl_device!r}") from None


def _export_host(a, versioned: bool, copy):
    if copy is False:
        raise BufferError("exporting to the host (kDLCPU) needs a device-to-host copy, but "
                          "copy=False")
    with _OnDevice(a._mp.device_id):
        host = a.get()          # waits for the copy: the data is ready for any host reader
    capsule = _dl.numpy_capsule(host, versioned)
    _dl.mark_copied(capsule)
    return capsule


# -- DLPack import: from_dlpack ----------------------------------------------------------------
def from_dlpack(x, /, *, device=None, copy=None):
    """A cuarray array sharing ``x``'s device memory.  See numpy.from_dlpack.

    ``x`` is an object with ``__dlpack__`` (a PyTorch, JAX or CuPy array, ...) or a
    DLPack capsule.  The producer is asked to make cuarray's current stream wait for
    its pending work.  ``device`` (a Device, an id or ``"cuda:N"``) places the result
    on that device, copying if needed; ``copy=True`` always copies.

    Differences from NumPy: device memory is imported without a copy; host data (a
    NumPy array, a CPU tensor) raises BufferError unless ``copy=True`` or ``device``
    asks for the copy (or use ``cuarray.asarray``).  A raw capsule carries no stream:
    its producer must have synchronised already.
    """
    want = _device_id(device, BufferError)
    if isinstance(x, ndarray):
        return _relocate(x, want, copy)
    if _dl.is_capsule(x):
        return _relocate(_import_capsule(x, x), want, copy)
    if not hasattr(x, "__dlpack__"):
        raise AttributeError(f"'{type(x).__name__}' object has no attribute '__dlpack__': "
                             "from_dlpack takes an array implementing the DLPack protocol or "
                             "a DLPack capsule")
    kind, dev = x.__dlpack_device__()
    kind, dev = int(kind), int(dev)
    if kind not in _dl.CUDA_DEVICE_TYPES:
        return _from_host_producer(x, kind, want, copy)
    if copy is False and want is not None and want != dev:
        raise ValueError(f"the array is on CUDA device {dev}; moving it to device {want} needs "
                         "a copy, but copy=False")
    with _OnDevice(dev):        # some producers export only from their current device
        ours = _current_ptr(dev)
        capsule = _call_dlpack(x, 1 if ours == 0 else ours)
    return _relocate(_import_capsule(capsule, x), want, copy)


def _call_dlpack(x, stream: int):
    try:
        return x.__dlpack__(stream=stream, max_version=(1, 0))
    except TypeError:
        # A producer older than the 2023.12 standard (no max_version): legacy capsule.
        return x.__dlpack__(stream=stream)


def _import_capsule(capsule, producer) -> ndarray:
    info = _dl.read(capsule)
    kind = info.device[0]
    if kind not in _dl.CUDA_DEVICE_TYPES:
        raise BufferError(f"the DLPack tensor is in {_device_name(kind)} memory; cuarray imports "
                          "CUDA device memory only (copy host data with cuarray.asarray)")
    owner = _dl.consume(capsule, info, producer)
    dev = info.device[1] if kind == _CUDA else None   # managed memory: ask the driver
    return _wrap(info.ptr, info.shape, info.strides, info.dtype, owner, dev)


def _wrap(ptr, shape, strides, dt, owner, device_id) -> ndarray:
    """An ndarray viewing foreign memory; ``owner`` lives as long as the memory is viewed."""
    from ..cuda.memory import MemoryPointer, UnownedMemory
    lo, nbytes = _span(ptr, shape, strides, dt.itemsize)
    mem = UnownedMemory(lo, nbytes, owner, device_id)
    a = _new(ndarray)
    _init(a, shape, strides, dt, MemoryPointer(mem, ptr - lo), ptr, None)
    return a


def _span(ptr, shape, strides, itemsize) -> tuple[int, int]:
    """(lowest address, bytes) of the elements a strided view touches (negative strides too)."""
    from .._core.shape import byte_bounds
    lo, end = byte_bounds(ptr, shape, strides, itemsize)
    return lo, end - lo


def _relocate(a, want, copy) -> ndarray:
    if want is not None and want != a._mp.device_id:
        if copy is False:
            raise ValueError(f"the array is on CUDA device {a._mp.device_id}; moving it to "
                             f"device {want} needs a copy, but copy=False")
        return a.to_device(want)
    if copy:
        with _OnDevice(a._mp.device_id):
            return a.copy(order="K")
    return a


def _from_host_producer(x, kind, want, copy) -> ndarray:
    where = _device_name(kind)
    if copy is False:
        raise ValueError(f"{type(x).__name__} is in {where} memory: importing it needs a copy "
                         "to the device, but copy=False")
    if copy is not True and want is None:
        raise BufferError(f"{type(x).__name__} is in {where} memory, and from_dlpack shares "
                          "device memory without copying.  Copy host data to the device with "
                          "cuarray.asarray(x) (or from_dlpack(x, copy=True)).")
    host = numpy.from_dlpack(x)
    check_supported(host.dtype)
    with _OnDevice(want if want is not None else _default_device()):
        return _from_host(host)


def _default_device() -> int:
    from ..cuda import get_device_id
    return get_device_id()


def _device_name(kind: int) -> str:
    try:
        return _dl.DLDeviceType(kind).name.removeprefix("kDL") + " (DLPack device type " \
            f"{kind})"
    except ValueError:
        return f"DLPack device type {kind}"


# -- __cuda_array_interface__ import -------------------------------------------------------------
def from_cuda_array_interface(obj) -> ndarray:
    """A view of ``obj``'s device memory (kept alive by the view).  CAI v2/v3.

    A v2 producer (no ``stream`` entry: PyTorch, JAX) that also speaks DLPack is
    imported through DLPack instead, whose handshake orders its pending work
    before cuarray's.
    """
    cai = obj.__cuda_array_interface__
    if "stream" not in cai and hasattr(obj, "__dlpack__"):
        try:
            return from_dlpack(obj)
        except BufferError:     # e.g. PyTorch refuses the per-thread default stream
            pass
    if cai.get("mask") is not None:
        raise TypeError("__cuda_array_interface__ with a mask is not supported")
    dt = numpy.dtype(cai["typestr"])
    if not dt.isnative:
        raise TypeError(f"non-native byte order {dt.str} is not supported")
    check_supported(dt)
    shape = tuple(cai["shape"])
    strides = cai.get("strides")
    strides = c_strides(shape, dt.itemsize) if strides is None else tuple(strides)
    ptr = cai["data"][0] or 0
    dev = _pointer_device(ptr)
    stream = cai.get("stream")
    if stream == 0:
        raise ValueError("__cuda_array_interface__ stream 0 is disallowed (ambiguous); "
                         "producers pass 1, 2 or a stream handle")
    if stream is not None:
        # CAI v3: later work on our stream must see the producer's queued work.
        _stream_wait(_current_ptr(dev), 0 if stream == 1 else stream, dev)
    return _wrap(ptr, shape, strides, dt, obj, dev)


def device_view(obj):
    """``obj`` as a cuarray array sharing its device memory, or None for host data.

    cuarray arrays, ``__cuda_array_interface__`` producers and DLPack producers
    whose data is in CUDA memory (JAX, PyTorch, CuPy, ...) are viewed in place.
    """
    if isinstance(obj, ndarray):
        return obj
    if hasattr(obj, "__cuda_array_interface__"):
        return from_cuda_array_interface(obj)
    if hasattr(obj, "__dlpack_device__") and not isinstance(obj, (numpy.ndarray, numpy.generic)):
        if int(obj.__dlpack_device__()[0]) in _dl.CUDA_DEVICE_TYPES:
            return from_dlpack(obj)
    return None


def _pointer_device(ptr: int) -> int:
    from ..cuda.memory import _pointer_device
    return _pointer_device(ptr)


# -- array API: to_device ---------------------------------------------------------------------
def to_device(self, device, /, *, stream=None) -> ndarray:
    """This array on ``device``: itself when already there, else a copy (array API).

    ``device``: a ``cuarray.cuda.Device``, a device id or ``"cuda:N"``.  ``stream``:
    a cuarray stream (or a raw handle) of the target device to queue the copy on;
    default, the target's current stream.  Pending work on the source is ordered
    before the copy, and the source is not reused before the copy has read it.
    """
    from ..cuda import Event, ExternalStream, get_current_stream
    dst = _device_id(device)
    src_dev = self._mp.device_id
    if dst == src_dev:
        return self
    with _OnDevice(src_dev):
        src = self if self._c else self.copy()
        src_stream = get_current_stream(src_dev)
        ready = src_stream.record(Event(disable_timing=True))
    with _OnDevice(dst):
        if stream is None:
            target = get_current_stream(dst)
        else:
            target = stream if hasattr(stream, "wait_event") else ExternalStream(stream, dst)
        target.wait_event(ready)
        with target:
            out = _empty(self._shape, self.dtype)
            out.data.copy_from_device_async(src.data, self.nbytes, target)
        done = target.record(Event(disable_timing=True))
    with _OnDevice(src_dev):
        src_stream.wait_event(done)
    return out


# -- get_array_module ------------------------------------------------------------------------
def get_array_module(*args):
    """``cuarray`` when any argument is a cuarray array, else ``numpy``.

    See cupy.get_array_module.
    """
    for a in args:
        if isinstance(a, ndarray):
            import cuarray
            return cuarray
    return numpy


# -- ndarray.flat ----------------------------------------------------------------------------
class flatiter:
    """A flat (C-order) iterator over an array.  See numpy.flatiter.

    Differences from NumPy: elements and integer indices give 0-d device arrays
    (views of the element) rather than NumPy scalars; integer-array and boolean
    indices are not supported yet.
    """

    __slots__ = ("base", "index")

    def __init__(self, base):
        self.base, self.index = base, 0

    def __len__(self):
        return self.base.size

    def __iter__(self):
        return self

    def __next__(self):
        i = self.index
        if i >= self.base.size:
            raise StopIteration
        self.index = i + 1
        return _element(self.base, i)

    @property
    def coords(self) -> tuple:
        coords, i = [], self.index
        for n in reversed(self.base._shape):
            i, r = divmod(i, n) if n else (i, 0)
            coords.append(r)
        return tuple(reversed(coords))

    def copy(self) -> ndarray:
        """A 1-D copy of the array.  See numpy.flatiter.copy."""
        return self.base.flatten()

    def __array__(self, dtype=None, copy=None):
        return self.base.__array__(dtype, copy)

    def __getitem__(self, key):
        a = self.base
        key = _flat_key(key)
        if type(key) is int:
            return _element(a, _flat_index(key, a.size))
        out = a.reshape(-1)[key]
        # NumPy returns a new array; a C-contiguous base gave a view of itself.
        return out.copy() if a._c or not out._c else out

    def __setitem__(self, key, value):
        a = self.base
        key = _flat_key(key)
        if type(key) is int:
            _element(a, _flat_index(key, a.size))[...] = _single_item(value)
            return
        flat = a.reshape(-1)                # a view when C-contiguous, else a copy
        _assign_cycled(flat[key], value, a)
        if not a._c:
            a[...] = flat.reshape(a._shape)


def _flat_key(key):
    if isinstance(key, tuple):
        if len(key) != 1:
            raise IndexError(f"too many indices for flat iterator: flat iterator is "
                             f"1-dimensional, but {len(key)} were indexed")
        key = key[0]
    if key is Ellipsis:
        return slice(None)
    if isinstance(key, (slice, bool, numpy.bool_)) or not hasattr(key, "__index__"):
        return key                          # slices; others reach basic indexing's errors
    if isinstance(key, ndarray) and key.ndim:
        return key
    return operator.index(key)


def _flat_index(i: int, n: int) -> int:
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of bounds for size {n}")
    return i + n if i < 0 else i


def _element(a, i: int) -> ndarray:
    """A 0-d view of the ``i``-th element of ``a`` in C order."""
    offset = 0
    for n, s in zip(reversed(a._shape), reversed(a._strides)):
        i, r = divmod(i, n)
        offset += r * s
    return _view(a, (), (), a.dtype, a._ptr + offset)


def _single_item(value):
    if isinstance(value, ndarray) and value.ndim or \
            not isinstance(value, (ndarray, bool, int, float, complex, numpy.generic)) and \
            numpy.ndim(value):
        raise ValueError("Error setting single item of array.")
    return value


def _assign_cycled(target, value, a) -> None:
    """NumPy's flat assignment: ``value`` (raveled) repeats until ``target`` (1-D) is full."""
    if isinstance(value, (bool, int, float, complex, numpy.generic)):
        target[...] = value
        return
    from .creation import asarray
    if isinstance(value, ndarray):
        src = value.copy() if value._mp.mem is a._mp.mem else value
    elif hasattr(value, "__cuda_array_interface__"):
        src = asarray(value)
    else:
        host = numpy.asarray(value)
        if host.dtype != a.dtype:
            host = host.astype(a.dtype)     # NumPy casts flat assignments unsafely
        src = asarray(host)
    src = src.reshape(-1)
    n, m = target.size, src.size
    if not n or not m:
        return
    if m == n or m == 1:
        target[...] = src
        return
    k, r = divmod(n, m)
    if k:
        st = target._strides[0]
        _view(target, (k, m), (m * st, st), target.dtype, target._ptr)[...] = src
    if r:
        target[k * m:][...] = src[:r]


def _get_flat(self) -> flatiter:
    return flatiter(self)


def _set_flat(self, value) -> None:
    flatiter(self)[...] = value


def install() -> None:
    for fn in (__dlpack__, __dlpack_device__, to_device):
        setattr(ndarray, fn.__name__, fn)
    ndarray.flat = property(_get_flat, _set_flat, doc="A flat iterator over the array.  "
                                                      "See numpy.ndarray.flat.")
