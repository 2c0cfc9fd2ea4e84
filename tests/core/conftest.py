"""Random index expressions for the indexing tests (CPU parsing tests and GPU tests).

A key is generated once per seed as a *spec* (host data only), then materialised for
NumPy or for cuarray: index arrays in "device" form become cuarray arrays for cuarray
(NumPy arrays for NumPy), "numpy" form stays a NumPy array and "list" form a list, so
that every way of passing an index is exercised.
"""

import numpy as np
import pytest

_INDEX_DTYPES = ("int64", "int32", "int16", "int8", "uint8", "uint32", "uint64", "intp")
_BROADCAST_BASES = [(), (1,), (3,), (4,), (2, 3), (2, 1), (1, 3), (2, 2, 2), (0,), (3, 1)]


class IndexKeys:
    """``make(seed)`` -> (array shape, key spec); ``materialize(spec, xp)`` -> the key."""

    @staticmethod
    def make(seed, ndim=None):
        rng = np.random.default_rng(seed)
        nd = int(rng.integers(1, 5)) if ndim is None else ndim
        shape = tuple(int(s) for s in rng.choice([1, 2, 3, 4, 5, 0], size=nd,
                                                 p=[0.1, 0.25, 0.25, 0.2, 0.15, 0.05]))
        base = _BROADCAST_BASES[int(rng.integers(len(_BROADCAST_BASES)))]
        entries, i = [], 0
        masks = 0
        while i < nd:
            r = rng.random()
            if r < 0.15:
                n = shape[i]
                entries.append(("int", int(rng.integers(-n, n))) if n else _slice(rng, n))
                i += 1
            elif r < 0.4:
                entries.append(_slice(rng, shape[i]))
                i += 1
            elif r < 0.75:
                entries.append(_array(rng, shape[i], base))
                i += 1
            elif r < 0.85 and masks == 0:
                k = int(rng.integers(1, min(2, nd - i) + 1))
                mask = rng.random(shape[i:i + k]) < 0.5
                entries.append(("mask", mask, _form(rng)))
                masks += 1
                i += k
            else:
                entries.append(("slice", None, None, None))
                i += 1
        if not any(e[0] in ("array", "mask") for e in entries):
            j = int(rng.integers(len(entries)))
            if entries[j][0] in ("int", "slice"):
                entries[j] = _array(rng, shape[_axis_of(entries, j)], base)
        if masks:       # other index arrays mostly broadcast with the mask's count
            entries = [_scalar_like(rng, e) if e[0] == "array" and rng.random() < 0.8 else e
                       for e in entries]
        if rng.random() < 0.25:
            entries.insert(int(rng.integers(len(entries) + 1)), ("none",))
        if rng.random() < 0.1:
            entries.insert(int(rng.integers(len(entries) + 1)), ("bool", bool(rng.random() < 0.7)))
        r = rng.random()
        if r < 0.3:
            entries = _add_ellipsis(rng, entries)
        elif r < 0.6:
            while entries and entries[-1] == ("slice", None, None, None):
                entries.pop()
        return shape, entries

    @staticmethod
    def materialize(spec, xp, bare=True):
        key = []
        for e in spec:
            kind = e[0]
            if kind == "int":
                key.append(e[1])
            elif kind == "slice":
                key.append(slice(e[1], e[2], e[3]))
            elif kind == "none":
                key.append(None)
            elif kind == "ellipsis":
                key.append(Ellipsis)
            elif kind == "bool":
                key.append(e[1])
            else:
                host, form = e[1], e[2]
                if form == "list":
                    key.append(host.tolist())
                elif form == "numpy" or xp is np:
                    key.append(host.copy())
                else:
                    key.append(xp.asarray(host))
        if bare and len(key) == 1:
            return key[0]
        return tuple(key)

    @staticmethod
    def has_device_arrays(spec):
        return any(e[0] in ("array", "mask") and e[2] == "device" for e in spec)


def _form(rng):
    return ("device", "device", "numpy", "list")[int(rng.integers(4))]


def _slice(rng, n):
    lo = -n - 2 if n else -2
    start = None if rng.random() < 0.4 else int(rng.integers(lo, n + 3))
    stop = None if rng.random() < 0.4 else int(rng.integers(lo, n + 3))
    step = None if rng.random() < 0.5 else int(rng.choice([1, 2, -1, -2, 3]))
    return ("slice", start, stop, step)


def _array(rng, n, base):
    shape = tuple(s if rng.random() < 0.8 else 1 for s in base)
    if shape and rng.random() < 0.2:
        shape = shape[1:]
    dt = np.dtype(_INDEX_DTYPES[int(rng.integers(len(_INDEX_DTYPES)))])
    lo = 0 if dt.kind == "u" else -n
    values = rng.integers(lo, n, size=shape) if n else np.zeros(shape, np.int64)
    form = _form(rng)
    if form == "list" and not shape:
        form = "numpy"          # a bare Python int is not an array
    return ("array", values.astype(dt), form)


def _scalar_like(rng, e):
    """An index array of shape (1,) or () holding one of ``e``'s values."""
    host = e[1]
    v = host.ravel()[:1] if host.size else np.zeros(1, host.dtype)
    shape = (1,) if rng.random() < 0.5 else ()
    form = "numpy" if not shape and e[2] == "list" else e[2]
    return ("array", v.reshape(shape).astype(host.dtype), form)


def _axis_of(entries, j):
    axis = 0
    for e in entries[:j]:
        axis += e[1].ndim if e[0] == "mask" else (0 if e[0] in ("none", "bool") else 1)
    return axis


def _add_ellipsis(rng, entries):
    """Replace a run of full slices (possibly empty) by an Ellipsis."""
    full = ("slice", None, None, None)
    runs = [(i, i) for i in range(len(entries) + 1)]
    i = 0
    while i < len(entries):
        if entries[i] == full:
            j = i
            while j < len(entries) and entries[j] == full:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    a, b = runs[int(rng.integers(len(runs)))]
    return entries[:a] + [("ellipsis",)] + entries[b:]


@pytest.fixture
def index_keys():
    return IndexKeys
