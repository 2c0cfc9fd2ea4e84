"""A host emulation of cuarray.fft's device primitives, for CPU tests of whole calls.

The ``host_fft`` fixture swaps the primitives of ``cuarray.fft._exec`` (alloc,
zero, copy, hermitian, run_plan) for host versions working on raw host addresses, so that a
recipe runs unchanged against host memory:

- arrays are cuarray ndarray headers over NumPy buffers (``fake``);
- ``run_plan`` executes a plan geometry exactly as cuFFT's advanced data layout
  defines it (``input[b * idist + ((x0 * inembed[1] + x1) * inembed[2] + x2) * istride]``,
  basic layout when the embeds are None), including the host loops; it checks that
  both pointers of every execution are aligned to the plan's complex element (8 or 16
  bytes, the real pointer of R2C/C2R included: cuFFT answers CUFFT_INVALID_VALUE
  otherwise), that every element it touches lies inside a live allocation, that it
  writes no element twice, and it scribbles over a C2R plan's input afterwards, as
  cuFFT may;
- ``alloc`` hands out 256-byte aligned buffers, as the memory pool does;
- every execution is recorded (``host.calls``) for tests of the plans chosen.
"""

import ctypes
import itertools
import warnings

import numpy as np
import pytest

from cuarray._core.ndarray import ndarray
from cuarray.cuda import _cufft

POOL_ALIGN = 256        # CUDA allocations (pool blocks) are aligned at least this much
_TYPES = {  # cuFFT type -> (input dtype, output dtype, kind)
    _cufft.C2C: (np.complex64, np.complex64, "C2C"), _cufft.Z2Z: (np.complex128, np.complex128, "C2C"),
    _cufft.R2C: (np.float32, np.complex64, "R2C"), _cufft.D2Z: (np.float64, np.complex128, "R2C"),
    _cufft.C2R: (np.complex64, np.float32, "C2R"), _cufft.Z2D: (np.complex128, np.float64, "C2R"),
}


class _HostPtr:
    """A memory pointer over a host buffer that it keeps alive."""

    def __init__(self, buf):
        self.buf = buf
        self.ptr = buf.ctypes.data
        self.device_id = 0


class Host:
    def __init__(self):
        self.regions = []       # (lo, hi) of every live buffer handed out or faked
        self.calls = []         # (key, direction, loops) per run_plan
        self.copies = 0
        self.herms = []
        self.scribble = True

    # -- arrays over host memory -------------------------------------------------------------
    def _register(self, buf):
        self.regions.append((buf.ctypes.data, buf.ctypes.data + buf.nbytes))

    def fake(self, host: np.ndarray) -> ndarray:
        """A cuarray array header over ``host``'s memory (same shape, strides, dtype)."""
        base = host
        while isinstance(base.base, np.ndarray):
            base = base.base
        self._register(base)
        a = ndarray.__new__(ndarray)
        from cuarray._core.ndarray import _init
        mp = _HostPtr(base)
        _init(a, host.shape, host.strides, host.dtype, mp, host.ctypes.data, None)
        return a

    @staticmethod
    def view(a: ndarray) -> np.ndarray:
        """A NumPy view of a (fake) device array's memory."""
        if a.size == 0:
            return np.empty(a.shape, a.dtype)
        from cuarray._core.shape import byte_bounds
        lo, hi = byte_bounds(a._ptr, a._shape, a._strides, a.dtype.itemsize)
        raw = (ctypes.c_char * (hi - lo)).from_address(lo)
        return np.ndarray(a._shape, a.dtype, buffer=raw, offset=a._ptr - lo, strides=a._strides)

    # -- the four primitives -----------------------------------------------------------------
    def alloc(self, shape, dtype, strides):
        n = 1
        for s in shape:
            n *= s
        nbytes = max(n * np.dtype(dtype).itemsize, 1)
        raw = np.full(nbytes + POOL_ALIGN, 0xAB, np.uint8)                    # garbage
        skip = -raw.ctypes.data % POOL_ALIGN
        buf = raw[skip:skip + nbytes]         # aligned like the pool's blocks
        self._register(buf)
        a = ndarray.__new__(ndarray)
        from cuarray._core.ndarray import _init
        _init(a, tuple(shape), tuple(strides), np.dtype(dtype), _HostPtr(buf), buf.ctypes.data,
              None)
        assert _dense(a), (shape, strides)
        return a

    def zero(self, a):
        self.view(a)[...] = 0

    def copy(self, dst, src, scale=None, conj=False):
        self.copies += 1
        assert dst.shape == src.shape, (dst.shape, src.shape)
        v = self.view(src)
        cdt = np.dtype(np.float32) if dst.dtype == np.float16 else dst.dtype
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            v = v.astype(cdt)
        if conj and cdt.kind == "c":
            v = np.conj(v)
        if scale is not None:
            v = v * (np.float32 if cdt.char in "fF" else np.float64)(scale)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            self.view(dst)[...] = v

    def hermitian(self, x, h, nyquist, mirror_axes):
        """The symmetrisation, by its definition: z[k] <- (z[k] + conj(z[-k])) / 2 on the
        DC and (even n) Nyquist slices along the halved axis ``h``."""
        self.herms.append((h, nyquist, tuple(mirror_axes)))
        v = self.view(x)
        for k in ([0, x.shape[h] - 1] if nyquist and x.shape[h] > 1 else [0]):
            sl = np.take(v, k, axis=h)
            mirrored = sl
            for ax in mirror_axes:
                a2 = ax if ax < h else ax - 1
                mirrored = np.roll(np.flip(mirrored, axis=a2), 1, axis=a2)
            new = (sl + np.conj(mirrored)) / 2
            idx = [slice(None)] * v.ndim
            idx[h] = k
            v[tuple(idx)] = new

    def run_plan(self, key, direction, in_ptr, out_ptr, loops=()):
        self.calls.append((key, direction, tuple(loops)))
        fft_type, n, inembed, istride, idist, onembed, ostride, odist, batch = key
        idt, odt, kind = _TYPES[fft_type]
        idt, odt = np.dtype(idt), np.dtype(odt)
        align = max(idt.itemsize, odt.itemsize)     # the complex element
        for combo in itertools.product(*(range(c) for c, _, _ in loops)):
            di = sum(k * lp[1] for k, lp in zip(combo, loops))
            do = sum(k * lp[2] for k, lp in zip(combo, loops))
            assert (in_ptr + di) % align == 0 and (out_ptr + do) % align == 0, \
                f"cuFFT rejects pointers not aligned to {align} bytes (CUFFT_INVALID_VALUE): " \
                f"{key}, loops {tuple(loops)}, input {(in_ptr + di) % align}, " \
                f"output {(out_ptr + do) % align} bytes off"
        n = list(n)
        rank = len(n)
        assert 1 <= rank <= 3 and batch >= 1 and all(v >= 1 for v in n), key
        in_dims = n[:-1] + [n[-1] // 2 + 1] if kind == "C2R" else n
        out_dims = n[:-1] + [n[-1] // 2 + 1] if kind == "R2C" else n
        if inembed is None:
            assert onembed is None and istride == 1 and ostride == 1, key
            inembed, onembed = in_dims, out_dims
            assert idist == _prod(in_dims) and odist == _prod(out_dims), key
        for j in range(1, rank):        # cuFFT's requirement: the embeds hold the data
            assert inembed[j] >= in_dims[j] and onembed[j] >= out_dims[j], key
        ioff = _offsets(in_dims, inembed, istride, idist, batch)
        ooff = _offsets(out_dims, onembed, ostride, odist, batch)
        ranges = [range(c) for c, _, _ in loops]
        for combo in itertools.product(*ranges):
            di = sum(k * lp[1] for k, lp in zip(combo, loops))
            do = sum(k * lp[2] for k, lp in zip(combo, loops))
            x = self._read(in_ptr + di, ioff, idt)
            axes = tuple(range(1, rank + 1))
            if kind == "C2R":
                _assert_half_spectrum(x, n)
            xc = x.astype(np.complex128) if kind != "R2C" else x.astype(np.float64)
            if kind == "C2C":
                y = np.fft.fftn(xc, axes=axes) if direction == -1 else \
                    np.fft.ifftn(xc, axes=axes) * _prod(n)
            elif kind == "R2C":
                y = np.fft.rfftn(xc, axes=axes)
            else:
                y = np.fft.irfftn(xc, s=n, axes=axes) * _prod(n)
            if kind == "C2R" and self.scribble:
                self._write(in_ptr + di, ioff, np.full(ioff.shape, np.nan + 1j * np.nan, idt))
            self._write(out_ptr + do, ooff, y.astype(odt))

    # -- raw memory ------------------------------------------------------------------------------
    def _span(self, ptr, off, dt):
        lo = ptr + int(off.min()) * dt.itemsize
        hi = ptr + (int(off.max()) + 1) * dt.itemsize
        assert any(r0 <= lo and hi <= r1 for r0, r1 in self.regions), \
            f"cuFFT would touch [{lo:#x}, {hi:#x}) outside every allocation"
        return lo, hi

    def _array(self, ptr, off, dt):
        lo, hi = self._span(ptr, off, dt)
        assert (lo - ptr) % dt.itemsize == 0
        raw = (ctypes.c_char * (hi - lo)).from_address(lo)
        return np.frombuffer(raw, dt), (ptr - lo) // dt.itemsize

    def _read(self, ptr, off, dt):
        flat, base = self._array(ptr, off, dt)
        return flat[off + base]

    def _write(self, ptr, off, values):
        flat, base = self._array(ptr, off, values.dtype)
        idx = (off + base).ravel()
        assert len(np.unique(idx)) == idx.size, "cuFFT layout writes an element twice"
        flat[idx] = values.ravel()


def _assert_half_spectrum(x, n):
    """cuFFT's C2R is defined for half spectra of real arrays only: the DC and (even n)
    Nyquist slices of the last axis must be Hermitian along the other plan axes."""
    last = x.shape[-1]
    for k in ([0, last - 1] if n[-1] % 2 == 0 else [0]):
        sl = x[..., k]
        mirrored = sl
        for ax in range(1, sl.ndim):
            mirrored = np.roll(np.flip(mirrored, axis=ax), 1, axis=ax)
        tol = 1e-4 if x.dtype == np.complex64 else 1e-12
        scale = max(1.0, float(np.abs(sl).max(initial=0)))
        assert np.abs(sl - np.conj(mirrored)).max(initial=0) <= tol * scale, \
            "a C2R plan got an input that is not a half spectrum"


def _prod(xs):
    p = 1
    for x in xs:
        p *= int(x)
    return p


def _offsets(dims, embed, stride, dist, batch):
    """Element offsets [b, x0, .., xk] of cuFFT's advanced layout."""
    rank = len(dims)
    grids = np.indices(dims).reshape(rank, -1)
    lin = grids[0].astype(np.int64)
    for j in range(1, rank):
        lin = lin * int(embed[j]) + grids[j]
    lin = lin * int(stride)
    off = np.arange(batch, dtype=np.int64)[:, None] * int(dist) + lin[None, :]
    return off.reshape((batch,) + tuple(dims))


def _dense(a) -> bool:
    """Non-overlapping, gap-free strides (any axis order)."""
    items = sorted((st, n) for n, st in zip(a._shape, a._strides) if n > 1)
    step = a.dtype.itemsize
    for st, n in items:
        if st != step:
            return False
        step *= n
    return True


@pytest.fixture
def host_fft(monkeypatch):
    """Route cuarray.fft's device primitives to the host emulation; yields the Host."""
    from cuarray.fft import _exec, _fft
    host = Host()
    for name in ("alloc", "zero", "copy", "hermitian", "run_plan"):
        monkeypatch.setattr(_exec, name, getattr(host, name))
    monkeypatch.setattr(_fft, "_memo", {})
    yield host
