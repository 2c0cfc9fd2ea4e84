"""The cuFFT plan cache's LRU logic without a GPU (a fake plan factory), and the
per-thread, per-device registry and config functions with the device id faked."""

import threading

import pytest

from cuarray.fft import _cache, config
from cuarray.fft._cache import PlanCache


class FakePlan:
    def __init__(self, key, work_size):
        self.key, self.work_size = key, work_size


def make(size=16, memsize=-1, work=None):
    made = []

    def factory(key):
        made.append(key)
        return FakePlan(key, (work or {}).get(key, 100))
    return PlanCache(size, memsize, dev=0, factory=factory), made


def keys(cache):
    return [k for k, _ in cache]        # most recently used first


def test_hits_reuse_plans_and_misses_make_them():
    cache, made = make()
    p = cache.get_plan("a")
    assert cache.get_plan("a") is p and made == ["a"]
    assert (cache.hits, cache.misses) == (1, 1)


def test_least_recently_used_plan_goes_first():
    cache, made = make(size=3)
    for k in "abc":
        cache.get_plan(k)
    cache.get_plan("a")                 # a becomes the most recent
    cache.get_plan("d")                 # evicts b
    assert keys(cache) == ["d", "a", "c"]
    cache.get_plan("b")
    assert made == list("abcdb") and keys(cache) == ["b", "d", "a"]


def test_memsize_limit_evicts_by_work_area():
    cache, _ = make(memsize=250, work={"a": 100, "b": 100, "c": 100})
    cache.get_plan("a")
    cache.get_plan("b")
    assert cache.get_curr_memsize() == 200
    cache.get_plan("c")
    assert keys(cache) == ["c", "b"] and cache.get_curr_memsize() == 200


def test_a_plan_larger_than_memsize_is_used_but_not_cached():
    cache, made = make(memsize=50, work={"big": 100})
    p = cache.get_plan("big")
    assert p.key == "big" and len(cache) == 0
    cache.get_plan("big")
    assert made == ["big", "big"]


def test_shrinking_limits_evicts_at_once():
    cache, _ = make()
    for k in "abcd":
        cache.get_plan(k)
    cache.set_size(2)
    assert keys(cache) == ["d", "c"] and cache.get_curr_size() == 2
    cache.set_memsize(100)
    assert keys(cache) == ["d"] and cache.get_memsize() == 100


def test_size_or_memsize_zero_disables_the_cache():
    for kw in ({"size": 0}, {"memsize": 0}):
        cache, made = make(**kw)
        cache.get_plan("a")
        cache.get_plan("a")
        assert made == ["a", "a"] and len(cache) == 0 and not cache.is_enabled
    cache.set_size(4)
    cache.set_memsize(-1)
    cache.get_plan("a")
    assert cache.is_enabled and len(cache) == 1


def test_unlimited_size():
    cache, _ = make(size=-1)
    for k in range(100):
        cache.get_plan(k)
    assert len(cache) == 100 and cache.get_size() == -1


def test_mapping_interface():
    cache, _ = make()
    plan = FakePlan("x", 7)
    cache["x"] = plan
    assert "x" in cache and cache["x"] is plan and cache.get("x") is plan
    assert cache.get("nope", 3) == 3
    with pytest.raises(KeyError, match="plan not found"):
        cache["nope"]
    del cache["x"]
    assert len(cache) == 0 and cache.get_curr_memsize() == 0
    cache["y"] = FakePlan("y", 5)
    cache["y"] = FakePlan("y", 9)       # replacing a key replaces its memory count
    assert cache.get_curr_memsize() == 9


def test_clear_and_show_info(capsys):
    cache, _ = make()
    cache.get_plan((0x29, (8,), None, 1, 8, None, 1, 8, 4))
    cache.show_info()
    text = capsys.readouterr().out
    assert "cuFFT plan cache (device 0)" in text and "C2C, n=[8], basic layout, batch=4" in text
    assert "current / max size   : 1 / 16" in text and "(unlimited)" in text
    cache.clear()
    assert len(cache) == 0 and cache.hits == cache.misses == 0


@pytest.mark.parametrize("size,memsize", [(-2, -1), (16, -5)])
def test_invalid_limits(size, memsize):
    with pytest.raises(ValueError):
        PlanCache(size, memsize, dev=0)
    cache, _ = make()
    with pytest.raises(ValueError):
        cache.set_size(-2)
    with pytest.raises(ValueError):
        cache.set_memsize(-7)


def test_one_cache_per_thread_and_device(monkeypatch):
    dev = [0]
    monkeypatch.setattr(_cache, "get_device_id", lambda: dev[0])
    monkeypatch.setattr(_cache, "_tls", threading.local())
    c0 = config.get_plan_cache()
    assert config.get_plan_cache() is c0 and c0.dev == 0
    dev[0] = 1
    c1 = config.get_plan_cache()
    assert c1 is not c0 and c1.dev == 1
    config.set_plan_cache_size(3)
    config.set_plan_cache_max_memsize(1000)
    assert (config.get_plan_cache_size(), config.get_plan_cache_max_memsize()) == (3, 1000)
    assert c0.get_size() == _cache.DEFAULT_SIZE
    other = []
    t = threading.Thread(target=lambda: other.append(config.get_plan_cache()))
    t.start()
    t.join()
    assert other[0] is not c1
    config.clear_plan_cache()


def test_show_plan_cache_info_lists_this_threads_caches(monkeypatch, capsys):
    monkeypatch.setattr(_cache, "get_device_id", lambda: 0)
    monkeypatch.setattr(_cache, "_tls", threading.local())
    config.show_plan_cache_info()
    assert "no plan cache on this thread yet" in capsys.readouterr().out
    config.get_plan_cache()
    config.show_plan_cache_info()
    assert "(device 0)" in capsys.readouterr().out
