"""Philox and the counter bookkeeping (CPU tests).

- The host reference of Philox4x32-10 and 4x64-10 against the known-answer vectors of the
  Random123 distribution (Salmon et al., SC'11), and 4x64-10 against NumPy's own Philox.
- The device cipher (``cuarray/random.cuh`` run on the host) against the reference: the
  lanes' blocks (counter S + i / V) and the elements' substreams (blocks (k, F/2^32 + i)).
- Counter reservations, state, advance, jumped, seeding and NumPy's argument errors.
- Permutations (random keys, sorted) and choice without replacement (also the sparse path
  for a small k of a large n): permutations of every n, uniform distributions, parity.
"""

import itertools
import math

import numpy as np
import pytest
from scipy import stats

import cuarray.random as cr
from cuarray.random import _bit_generator as B
from cuarray.random import _distributions as D
from cuarray.random import _kernels as K
from cuarray.random import _sampling
from _rng_host import alloc, view

# counter (4 words), key (2 words) -> output (4 words)
KAT_4X32 = [
    ("00000000 00000000 00000000 00000000", "00000000 00000000",
     "6627e8d5 e169c58d bc57ac4c 9b00dbd8"),
    ("ffffffff ffffffff ffffffff ffffffff", "ffffffff ffffffff",
     "408f276d 41c83b0e a20bc7c6 6d5451fd"),
    ("243f6a88 85a308d3 13198a2e 03707344", "a4093822 299f31d0",
     "d16cfe09 94fdcceb 5001e420 24126ea1"),
]
KAT_4X64 = [
    ("0000000000000000 0000000000000000 0000000000000000 0000000000000000",
     "0000000000000000 0000000000000000",
     "16554d9eca36314c db20fe9d672d0fdc d7e772cee186176b 7e68b68aec7ba23b"),
    ("ffffffffffffffff ffffffffffffffff ffffffffffffffff ffffffffffffffff",
     "ffffffffffffffff ffffffffffffffff",
     "87b092c3013fe90b 438c3c67be8d0224 9cc7d7c69cd777b6 a09caebf594f0ba0"),
    ("243f6a8885a308d3 13198a2e03707344 a4093822299f31d0 082efa98ec4e6c89",
     "452821e638d01377 be5466cf34e90c6c",
     "a528f45403e61d95 38c72dbd566e9788 a5a1610e72fd18b5 57bd43b5e52b7fe6"),
]


def _hex(s, dt):
    return np.array([int(w, 16) for w in s.split()], dt)


@pytest.mark.parametrize("ctr,key,want", KAT_4X32)
def test_reference_4x32_known_answers(ctr, key, want):
    got = B.philox4x32(_hex(ctr, np.uint32), _hex(key, np.uint32))
    assert got.tolist() == _hex(want, np.uint32).tolist()


@pytest.mark.parametrize("ctr,key,want", KAT_4X64)
def test_reference_4x64_known_answers(ctr, key, want):
    got = B.philox4x64(_hex(ctr, np.uint64), _hex(key, np.uint64))
    assert [int(v) for v in got] == [int(w, 16) for w in want.split()]


@pytest.mark.parametrize("start", [0, 5, 2**64 - 1])
def test_reference_4x64_matches_numpy_philox(start):
    """NumPy's Philox is 4x64-10; its raw stream is the cipher of counters start+1, ..."""
    key = np.array([0x0123456789ABCDEF, 0xFEDCBA9876543210], np.uint64)
    bg = np.random.Philox(key=key, counter=np.array([start, 0, 0, 0], np.uint64))
    raw = bg.random_raw(12)
    ctrs = []
    for i in range(1, 4):
        c = start + i
        ctrs.append([c & (2**64 - 1), c >> 64, 0, 0])
    ref = B.philox4x64(np.array(ctrs, np.uint64), np.broadcast_to(key, (3, 2)))
    assert raw.tolist() == ref.ravel().tolist()


def test_reference_is_vectorised():
    ctrs = np.arange(40, dtype=np.uint32).reshape(10, 4)
    keys = np.full((10, 2), 7, np.uint32)
    batch = B.philox4x32(ctrs, keys)
    single = np.stack([B.philox4x32(c, k) for c, k in zip(ctrs, keys)])
    assert np.array_equal(batch, single)


# -- the device cipher, run on the host --------------------------------------------------------
def test_device_blocks_match_reference(host):
    """RAW32: elements 4j..4j+3 are the four words of block S + j (S spans a 64-bit carry)."""
    start = 2**64 - 3
    g = cr.Generator(cr.Philox(key=0x299F31D0A4093822, counter=start))
    words = view(g._raw((10,), bits=32))
    ctrs = [B.words(start + t, 4) for t in range(3)]
    ref = B.philox4x32(np.array(ctrs), np.broadcast_to(np.array([0xA4093822, 0x299F31D0],
                                                                 np.uint32), (3, 2)))
    assert words.tolist() == ref.ravel()[:10].tolist()
    assert g.bit_generator._counter == start + 3


@pytest.mark.parametrize("dist,real", [(D.STANDARD_NORMAL, "float32"),
                                       (D.STANDARD_NORMAL, "float64"), (D.RANDOM, "float32"),
                                       (D.STANDARD_EXPONENTIAL, "float32"), (D.INTEGERS32, "float64")])
@pytest.mark.parametrize("n", [1, 7, 8, 9, 1000, 1027])
@pytest.mark.parametrize("offset", [0, 1])
def test_numbers_do_not_depend_on_the_launch_shape(host, monkeypatch, dist, real, n, offset):
    """Blocks per thread (1, 2, 4), vector or scalar stores (offset 1: a misaligned output),
    and the tail of a launch give the same numbers: element i's lane block is S + i / v."""
    real = np.dtype(real)
    out_dt = np.dtype(np.int64) if dist is D.INTEGERS32 else real
    params = [("s", -5, 0), ("s", 10**6, 0)] if dist is D.INTEGERS32 else []
    got = []
    for group in (1, 2, 4):
        monkeypatch.setattr(K, "GROUP", group)
        buf = alloc((n + 1,), out_dt)
        out = buf[offset:offset + n]
        K.launch(dist, out, real, params, cr.Philox(key=77, counter=2**64 - 2))
        got.append(view(out))
    assert np.array_equal(got[0], got[1], equal_nan=True)
    assert np.array_equal(got[0], got[2], equal_nan=True)


_STREAM_WORDS = K.Dist("test_stream_words", (), "none",
                       "unsigned int w[6]; for (int k = 0; k < 6; ++k) w[k] = _s.next();"
                       " out = (out_t)w[(int)(i % 6)];")


def test_device_substreams_match_reference(host):
    """Element i's substream: blocks (k, F/2^32 + i); F rounds the counter up to 2^32."""
    bg = cr.Philox(key=12345, counter=(2**96 - 1) * 2**32 + 17)
    out = alloc((12,), np.uint32)
    K.launch(_STREAM_WORDS, out, np.float64, [], bg)
    f = (2**96 - 1) * 2**32 + 2**32
    key = np.array([12345, 0], np.uint32)
    for i, w in enumerate(view(out).tolist()):
        k = i % 6
        ctr = B.words((f >> 32) + i, 4)
        ctr = np.array([k // 4, ctr[0], ctr[1], ctr[2]], np.uint32)
        assert w == int(B.philox4x32(ctr, key)[k % 4]), i
    assert bg._counter == (f + 12 * 2**32) % 2**128


# -- counters and state ----------------------------------------------------------------------------
def test_reserve_layout():
    bg = cr.Philox(key=5, counter=10)
    k0, k1, s_lo, s_hi, f_lo, f_hi = bg._reserve(7, 0)
    assert (k0, k1, s_lo, s_hi, f_lo, f_hi) == (5, 0, 10, 0, 0, 0) and bg._counter == 17
    _, _, s_lo, s_hi, f_lo, f_hi = bg._reserve(3, 4)
    assert (s_lo, s_hi) == (17, 0)
    assert (f_lo, f_hi) == (1, 0)                 # F = 2^32: the next multiple after 20
    assert bg._counter == 2**32 + 4 * 2**32
    bg = cr.Philox(key=1, counter=2**128 - 2)
    bg._reserve(5, 0)
    assert bg._counter == 3                        # wraps at 2^128


def test_state_roundtrip_and_errors():
    bg = cr.Philox(2024)
    bg.advance(2**70 + 3)
    st = bg.state
    assert st["bit_generator"] == "Philox" and st["state"]["counter"].dtype == np.uint32
    other = cr.Philox(1)
    other.state = st
    assert other._key == bg._key and other._counter == bg._counter
    with pytest.raises(ValueError, match="Philox"):
        other.state = {"bit_generator": "PCG64", "state": {}}
    with pytest.raises(TypeError):
        other.state = 3
    with pytest.raises(ValueError, match="seed and key cannot be both used"):
        cr.Philox(1, key=2)
    with pytest.raises(ValueError, match="key must be positive and less than 2\\*\\*64"):
        cr.Philox(key=2**64)
    with pytest.raises(ValueError, match="counter must have 4 elements"):
        cr.Philox(counter=[1, 2])
    assert cr.Philox(key=[3, 4])._key == (3, 4)
    assert cr.Philox(counter=[1, 0, 0, 1])._counter == 1 + 2**96


def test_seeding_uses_seed_sequence():
    assert cr.Philox(42)._key == tuple(int(v) for v in
                                       np.random.SeedSequence(42).generate_state(2, np.uint32))
    ss = np.random.SeedSequence(7)
    assert cr.Philox(ss).seed_seq is ss
    assert cr.default_rng(42).bit_generator._key == cr.Philox(42)._key
    assert cr.Philox()._key != cr.Philox()._key      # fresh entropy each time


def test_spawn_gives_distinct_keys():
    bg = cr.Philox(3)
    kids = bg.spawn(4)
    assert len({k._key for k in kids} | {bg._key}) == 5
    assert [k._key for k in cr.Philox(3).spawn(4)] == [k._key for k in kids]


def test_jumped_advance():
    bg = cr.Philox(3, counter=9)
    j = bg.jumped(2)
    assert j._key == bg._key and j._counter == 9 + 2 * B.JUMP and bg._counter == 9
    assert bg.advance(-10)._counter == 2**128 - 1


def test_default_rng_accepts_generators():
    g = cr.default_rng(1)
    assert cr.default_rng(g) is g
    bg = cr.Philox(2)
    assert cr.default_rng(bg).bit_generator is bg
    with pytest.raises(TypeError):
        cr.Generator(np.random.PCG64(1))


def test_pickle_keeps_state():
    import pickle
    g = cr.default_rng(5)
    g.bit_generator.advance(123)
    h = pickle.loads(pickle.dumps(g))
    assert h.bit_generator.state["state"]["counter"].tolist() == [123, 0, 0, 0]
    assert h.bit_generator._key == g.bit_generator._key


# -- permutations ----------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 100, 1000, 4097])
def test_permutation_is_a_bijection(host, n):
    bg = cr.Philox(n)
    idx = view(_sampling.permutation_indices(bg, 3, n, n))
    for row in idx:
        assert sorted(row.tolist()) == list(range(n))
    if n > 3:
        assert not np.array_equal(idx[0], idx[1])


def test_partial_permutation_is_a_prefix(host):
    """Choosing k of n reads the first k entries of the same permutation."""
    full = view(_sampling.permutation_indices(cr.Philox(key=9), 1, 50, 50))
    part = view(_sampling.permutation_indices(cr.Philox(key=9), 1, 7, 50))
    assert np.array_equal(full[0, :7], part[0])


def test_permutations_are_uniform(host):
    """Each of the 24 permutations of 4 items equally likely (rows are independent)."""
    rows = 48_000
    idx = view(_sampling.permutation_indices(cr.Philox(2), rows, 4, 4))
    perms = {p: i for i, p in enumerate(itertools.permutations(range(4)))}
    counts = np.bincount([perms[tuple(r)] for r in idx.tolist()], minlength=24)
    assert stats.chisquare(counts).pvalue > 1e-4, counts


def test_permutation_positions_are_uniform(host):
    """Where item j lands in a permutation of 100, over 5000 rows: uniform, pair by pair."""
    idx = view(_sampling.permutation_indices(cr.Philox(8), 5000, 100, 100))
    counts = np.zeros((100, 100))
    for r in idx:
        counts[np.arange(100), r] += 1
    p = stats.chisquare(counts.ravel()).pvalue
    assert p > 1e-4
    # neighbouring entries: the correlation of two draws without replacement, -1/(n-1)
    r = np.corrcoef(idx[:, :-1].ravel(), idx[:, 1:].ravel())[0, 1]
    assert abs(r + 1 / 99) < 6 / math.sqrt(idx.size)


def _parity(p) -> int:
    seen, odd = np.zeros(len(p), bool), 0
    for i in range(len(p)):
        j, length = i, 0
        while not seen[j]:
            seen[j], j, length = True, p[j], length + 1
        odd ^= max(length - 1, 0) & 1
    return odd


@pytest.mark.parametrize("n", [8, 16, 12])
def test_permutation_parity_is_even_or_odd_alike(host, n):
    """Half the permutations are odd.  (The keyed Feistel network these once came from gave
    only even permutations of 16 items.)"""
    idx = view(_sampling.permutation_indices(cr.Philox(n), 2000, n, n))
    odd = sum(_parity(r) for r in idx)
    assert stats.binomtest(odd, len(idx)).pvalue > 1e-4


def _ordered_sample_counts(draw, n, k, seeds):
    sets = {c: i for i, c in enumerate(itertools.permutations(range(n), k))}
    return np.bincount([sets[tuple(draw(s).tolist())] for s in range(seeds)],
                       minlength=len(sets))


def test_choice_without_replacement_is_uniform_on_host(host):
    """Each ordered triple of 6 items, one call per seed (as the GPU test)."""
    counts = _ordered_sample_counts(
        lambda s: view(cr.default_rng(s).choice(6, 3, replace=False)), 6, 3, 6000)
    assert stats.chisquare(counts).pvalue > 1e-4


def test_sparse_sample_is_uniform_with_redraws(host, monkeypatch):
    """The sparse path (distinct values of draws with replacement, ordered by random keys)
    on a small domain with no margin, so that about half the calls draw again: every
    ordered triple of 6 equally likely."""
    monkeypatch.setattr(_sampling, "_sparse_margin", lambda k, n: 0)
    redraws = []
    real = _sampling._unique

    def unique(x):
        redraws.append(x.size)
        return real(x)
    monkeypatch.setattr(_sampling, "_unique", unique)
    counts = _ordered_sample_counts(
        lambda s: view(_sampling._sparse_sample(cr.Philox(s), 3, 6)), 6, 3, 6000)
    assert stats.chisquare(counts).pvalue > 1e-4
    assert len(redraws) > 1.2 * 6000


def test_sparse_choice_of_a_large_population(host):
    """choice(2^20, 4): the sparse path; each position uniform over 64 bins, the order of
    two positions a fair coin, no repeats."""
    n, k, seeds = 1 << 20, 4, 4000
    assert n >= _sampling._SPARSE_MIN_N and k * _sampling._SPARSE_RATIO <= n
    x = np.stack([view(cr.default_rng(s).choice(n, k, replace=False)) for s in range(seeds)])
    assert all(len(set(r)) == k for r in x.tolist()) and x.min() >= 0 and x.max() < n
    for j in range(k):
        assert stats.chisquare(np.bincount(x[:, j] >> 14, minlength=64)).pvalue > 1e-4
    assert stats.binomtest(int(np.sum(x[:, 0] < x[:, 1])), seeds).pvalue > 1e-4
