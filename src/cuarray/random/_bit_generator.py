"""Bit generators: the host-side state of the GPU's counter-based generator.

A :class:`Philox` is a 64-bit key and a 128-bit counter, both on the host.  Every launch
reserves a range of counters (:meth:`Philox._reserve`) and the kernel derives its words from
(key, counter) with Philox4x32-10, so no generator state lives on the device and the same
seed gives the same numbers on every run, whatever the launch configuration.

Seeding uses NumPy's :class:`numpy.random.SeedSequence` (entropy pooling, ``spawn``); the key
is the sequence's first two 32-bit words.  :func:`philox4x32` and :func:`philox4x64` are host
references of the cipher (vectorised with NumPy), used to derive per-call keys and by the
tests against the published known-answer vectors and NumPy's own Philox.
"""

from __future__ import annotations

import operator
import threading

import numpy
from numpy.random import SeedSequence

_M32 = (0xD2511F53, 0xCD9E8D57)
_W32 = (0x9E3779B9, 0xBB67AE85)
_M64 = (0xD2E7470EE14C6C93, 0xCA5A826395121157)
_W64 = (0x9E3779B97F4A7C15, 0xBB67AE8584CAA73B)
_MASK128 = (1 << 128) - 1
#: jumped() moves the counter by this many blocks: far beyond what any stream uses (a launch
#: of n elements with per-element substreams takes n * 2^32 blocks).
JUMP = 1 << 96


def _philox(counter, key, rounds, bits):
    """Philox4xW on NumPy arrays: ``counter`` (..., 4), ``key`` (..., 2) -> (..., 4).

    64-bit words multiply through Python ints (object arrays); 32-bit words through uint64.
    """
    mults, weyl = (_M32, _W32) if bits == 32 else (_M64, _W64)
    mask = (1 << bits) - 1
    dt = numpy.uint64 if bits == 32 else object
    c = [numpy.asarray(counter, dtype=dt)[..., i] for i in range(4)]
    k = [numpy.asarray(key, dtype=dt)[..., i] for i in range(2)]
    if bits == 64:
        c = [numpy.vectorize(int, otypes=[object])(x) for x in c]
        k = [numpy.vectorize(int, otypes=[object])(x) for x in k]
    for r in range(rounds):
        if r:
            k = [(k[0] + weyl[0]) & mask, (k[1] + weyl[1]) & mask]
        p0 = c[0] * mults[0]
        p1 = c[2] * mults[1]
        hi0, lo0 = p0 >> bits, p0 & mask
        hi1, lo1 = p1 >> bits, p1 & mask
        c = [hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0]
    if bits == 32:
        return numpy.stack(c, axis=-1).astype(numpy.uint32)
    return numpy.stack([numpy.asarray(x, dtype=object) for x in c], axis=-1).astype(numpy.uint64)


def philox4x32(counter, key, rounds=10):
    """Philox4x32-``rounds`` of uint32 words: counter (..., 4), key (..., 2)."""
    return _philox(counter, key, rounds, 32)


def philox4x64(counter, key, rounds=10):
    """Philox4x64-``rounds`` of uint64 words: counter (..., 4), key (..., 2)."""
    return _philox(counter, key, rounds, 64)


def words(value: int, count: int) -> numpy.ndarray:
    """``value`` as ``count`` little-endian uint32 words."""
    return numpy.array([(value >> (32 * i)) & 0xFFFFFFFF for i in range(count)], numpy.uint32)


def _int_from_words(w) -> int:
    return sum(int(x) << (32 * i) for i, x in enumerate(w))


def _as_int(value, name: str, bits: int) -> int:
    """An int key/counter from an int or an array of uint32 words (NumPy's two forms)."""
    arr = numpy.asarray(value)
    if arr.ndim == 0:
        v = operator.index(value)
        if not 0 <= v < (1 << bits):
            raise ValueError(f"{name} must be positive and less than 2**{bits}.")
        return v
    n = bits // 32
    if arr.shape != (n,):
        raise ValueError(f"{name} must have {n} elements when using array form")
    return _int_from_words(arr.astype(numpy.uint32))


class BitGenerator:
    """Base class of the GPU bit generators.  See numpy.random.BitGenerator.

    Differences from NumPy: the state is a key and a counter on the host; the numbers are
    made on the GPU by the kernel of each distribution, never by the bit generator itself.
    """

    def __init__(self, seed=None):
        if isinstance(seed, SeedSequence) or _is_seed_sequence(seed):
            self._seed_seq = seed
        else:
            self._seed_seq = SeedSequence(seed)
        self.lock = threading.Lock()

    @property
    def seed_seq(self):
        """The SeedSequence this generator was seeded from."""
        return self._seed_seq

    def spawn(self, n_children):
        """New bit generators with independent keys.  See numpy.random.BitGenerator.spawn."""
        if not isinstance(self._seed_seq, SeedSequence) and not _is_seed_sequence(self._seed_seq):
            raise TypeError("The underlying SeedSequence does not implement spawning.")
        return [type(self)(seed=s) for s in self._seed_seq.spawn(n_children)]


def _is_seed_sequence(obj) -> bool:
    return hasattr(obj, "generate_state") and hasattr(obj, "spawn")


class Philox(BitGenerator):
    """Philox4x32-10 counter-based bit generator.  See numpy.random.Philox.

    ``key``: an int below 2^64 or 2 uint32 words; ``counter``: an int below 2^128 or 4 uint32
    words (NumPy's Philox is the 4x64 variant with a 128-bit key and 256-bit counter).

    Differences from NumPy: the cipher is Philox4x32-10 (the GPU's fast variant), so the
    numbers differ from NumPy's; ``advance(delta)`` moves the counter by ``delta`` blocks of
    four 32-bit words; ``jumped()`` moves it by 2^96 blocks; ``random_raw`` returns a device
    array of uint64.
    """

    def __init__(self, seed=None, counter=None, key=None):
        if key is not None and seed is not None:
            raise ValueError("seed and key cannot be both used")
        super().__init__(seed)
        if key is None:
            k = self._seed_seq.generate_state(2, numpy.uint32)
            self._key = (int(k[0]), int(k[1]))
        else:
            kv = _as_int(key, "key", 64)
            self._key = (kv & 0xFFFFFFFF, kv >> 32)
        self._counter = 0 if counter is None else _as_int(counter, "counter", 128)

    # -- NumPy's state interface ----------------------------------------------------------------
    @property
    def state(self) -> dict:
        """{'bit_generator': 'Philox', 'state': {'counter': uint32[4], 'key': uint32[2]}}."""
        return {"bit_generator": "Philox",
                "state": {"counter": words(self._counter, 4),
                          "key": numpy.array(self._key, numpy.uint32)}}

    @state.setter
    def state(self, value):
        if not isinstance(value, dict):
            raise TypeError("state must be a dict")
        if value.get("bit_generator") != "Philox":
            raise ValueError("state must be for a Philox PRNG")
        st = value["state"]
        self._counter = _as_int(numpy.asarray(st["counter"]), "counter", 128)
        k = _as_int(numpy.asarray(st["key"]), "key", 64)
        self._key = (k & 0xFFFFFFFF, k >> 32)

    def advance(self, delta):
        """Move the counter by ``delta`` blocks (wrapping at 2^128).  Returns self."""
        self._counter = (self._counter + operator.index(delta)) & _MASK128
        return self

    def jumped(self, jumps=1):
        """A copy whose counter is ``jumps`` * 2^96 blocks ahead.  See numpy.random.Philox."""
        bg = type(self).__new__(type(self))
        BitGenerator.__init__(bg, self._seed_seq)
        bg._key = self._key
        bg._counter = (self._counter + operator.index(jumps) * JUMP) & _MASK128
        return bg

    def random_raw(self, size=None, output=True):
        """Raw 64-bit words (two Philox words each) as a device uint64 array."""
        from ._generator import Generator
        out = Generator(self)._raw(size)
        return out if output else None

    def __repr__(self):
        return f"Philox(key={self._key[0] | (self._key[1] << 32):#018x}, counter={self._counter})"

    def __getstate__(self):
        return {"state": self.state, "seed_seq": self._seed_seq}

    def __setstate__(self, d):
        BitGenerator.__init__(self, d["seed_seq"])
        self.state = d["state"]

    # -- the engine's side -----------------------------------------------------------------------
    def _reserve(self, blocks: int, stream_elements: int) -> tuple:
        """Counters for one launch: ``blocks`` consecutive blocks for the lanes, then (when
        ``stream_elements``) 2^32 blocks per element for their substreams.

        Returns (k0, k1, s_lo, s_hi, f_lo, f_hi): the key words, the first lane block S as
        two 64-bit halves, and F / 2^32 (F, the first substream block, a multiple of 2^32) as
        its low 64 and high 32 bits.
        """
        with self.lock:
            s = self._counter
            c = s + blocks
            f = 0
            if stream_elements:
                f = (c + 0xFFFFFFFF) & ~0xFFFFFFFF
                c = f + (stream_elements << 32)
            self._counter = c & _MASK128
        f &= _MASK128
        return (self._key[0], self._key[1], s & 0xFFFFFFFFFFFFFFFF, (s >> 64) & 0xFFFFFFFFFFFFFFFF,
                (f >> 32) & 0xFFFFFFFFFFFFFFFF, (f >> 96) & 0xFFFFFFFF)
