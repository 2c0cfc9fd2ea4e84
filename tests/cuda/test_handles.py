"""Vendor library handles per (device, thread), bound to the current stream."""

import gc
import os
import subprocess
import sys
import threading
import time

import numpy
import pytest

from cuarray import cuda
from cuarray.cuda import _driver, _handles, runtime


def _drv():
    return _driver.driver()


def _to_device(host: numpy.ndarray) -> int:
    cuda.get_device_id()
    ptr = int(_driver.check(_drv().cuMemAlloc(host.nbytes)))
    _driver.check(_drv().cuMemcpyHtoDAsync(ptr, host.ctypes.data, host.nbytes, 0))
    _driver.check(_drv().cuStreamSynchronize(0))
    return ptr


def _to_host(ptr: int, like: numpy.ndarray) -> numpy.ndarray:
    out = numpy.empty_like(like)
    _driver.check(_drv().cuMemcpyDtoHAsync(out.ctypes.data, ptr, out.nbytes, 0))
    _driver.check(_drv().cuStreamSynchronize(0))
    return out


def _free(*ptrs):
    runtime.deviceSynchronize()
    for p in ptrs:
        _driver.check(_drv().cuMemFree(p))


# --- No GPU needed ---------------------------------------------------------------------
def test_import_loads_no_nvmath():
    code = ("import sys; import cuarray.cuda._handles, cuarray.cuda.device, cuarray.cuda; "
            "print(any(m == 'nvmath' or m.startswith('nvmath.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=os.environ.copy(), timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_missing_nvmath_raises_import_error_with_hint(monkeypatch):
    monkeypatch.setattr(_handles, "_modules", {})
    monkeypatch.setitem(sys.modules, "nvmath.bindings.cublas", None)   # makes the import fail
    with pytest.raises(ImportError, match=r'pip install "cuarray\[cu13\]"'):
        _handles._binding("cublas")


def test_destroying_never_raises(monkeypatch):
    # The exit hook and thread finalizers must be safe with no library loaded and
    # devices that have no context (never touching a real handle here).
    monkeypatch.setattr(_handles, "_modules", {})
    table = {("cublas", 1000): [0x1234, None], ("cusparse", 1001): [0x5678, 0]}
    _handles._live[id(table)] = table
    _handles._destroy_table(table)
    assert table == {} and id(table) not in _handles._live
    _handles._destroy("cusolver", 1002, 0xdead)


class _FakeLibrary:
    """Stands in for an nvmath.bindings module: records create/set_stream calls."""

    def __init__(self):
        self.created, self.bound = [], []

    def create(self):
        self.created.append(0x1000 + len(self.created))
        return self.created[-1]

    def set_stream(self, handle, stream):
        self.bound.append((handle, stream))


@pytest.fixture
def fake_cublas(monkeypatch):
    lib, destroyed, stream = _FakeLibrary(), [], [0]
    monkeypatch.setattr(_handles, "_modules", {"cublas": lib})
    monkeypatch.setattr(_handles, "_tls", threading.local())
    monkeypatch.setattr(_handles, "_live", {})
    monkeypatch.setattr(_handles, "_atexit_registered", True)
    monkeypatch.setattr(_handles, "get_device_id", lambda: 0)
    monkeypatch.setattr(_handles, "current_stream_ptr", lambda: stream[0])
    monkeypatch.setattr(_handles, "_destroy", lambda lib_, dev, h: destroyed.append((lib_, h)))
    yield lib, destroyed, stream
    # Empty the fake tables while the fakes are in place: a finalizer running later
    # must never hand a fake handle to a real library.
    _handles._destroy_all()


def test_handle_binds_stream_only_when_it_changes(fake_cublas):
    lib, _, stream = fake_cublas
    h = _handles.get_cublas_handle()
    assert _handles.get_cublas_handle() == h and lib.created == [h]
    assert lib.bound == [(h, 0)]
    stream[0] = 0xABC
    assert _handles.get_cublas_handle() == h == _handles.get_cublas_handle()
    assert lib.bound == [(h, 0), (h, 0xABC)]


def test_handles_are_per_thread_and_die_with_it(fake_cublas):
    lib, destroyed, _ = fake_cublas
    h = _handles.get_cublas_handle()
    seen = []
    t = threading.Thread(target=lambda: seen.append(_handles.get_cublas_handle()))
    t.start()
    t.join()
    gc.collect()
    assert seen[0] != h and lib.created == [h, seen[0]]
    assert destroyed == [("cublas", seen[0])]
    assert len(_handles._live) == 1
    _handles._destroy_all()             # the exit hook
    assert destroyed == [("cublas", seen[0]), ("cublas", h)] and _handles._live == {}


# --- GPU ---------------------------------------------------------------------------------
@pytest.fixture
def cublas():
    return pytest.importorskip("nvmath.bindings.cublas")


@pytest.mark.gpu
def test_cublas_handle_is_cached_per_thread(cublas):
    h = cuda.device.get_cublas_handle()
    assert isinstance(h, int) and h != 0
    assert cuda.device.get_cublas_handle() == h
    seen = {}

    def worker():
        seen["handle"] = _handles.get_cublas_handle()
        seen["again"] = _handles.get_cublas_handle()
        seen["table"] = id(_handles._tls.table)

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    # Both handles were alive together, so distinct values mean distinct handles.
    assert seen["handle"] == seen["again"] != h
    # The thread's death destroys its handles (its table leaves the live set).
    deadline = time.monotonic() + 5
    while seen["table"] in _handles._live and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.01)
    assert seen["table"] not in _handles._live
    assert cuda.device.get_cublas_handle() == h


@pytest.mark.gpu
def test_cublas_handle_follows_current_stream(cublas):
    h = _handles.get_cublas_handle()
    assert cublas.get_stream(h) == 0
    s1, s2 = cuda.Stream(), cuda.Stream(non_blocking=True)
    with s1:
        assert _handles.get_cublas_handle() == h and cublas.get_stream(h) == s1.ptr
        with s2:
            assert _handles.get_cublas_handle() == h and cublas.get_stream(h) == s2.ptr
        assert _handles.get_cublas_handle() == h and cublas.get_stream(h) == s1.ptr
    assert _handles.get_cublas_handle() == h and cublas.get_stream(h) == 0


@pytest.mark.gpu
@pytest.mark.parametrize("lib, module", [("cusolver", "nvmath.bindings.cusolverDn"),
                                         ("cusparse", "nvmath.bindings.cusparse")])
def test_other_handles_follow_current_stream(lib, module):
    mod = pytest.importorskip(module)
    getter = getattr(cuda.device, f"get_{lib}_handle")
    h = getter()
    assert h != 0 and getter() == h and mod.get_stream(h) == 0
    s = cuda.Stream()
    with s:
        assert getter() == h and mod.get_stream(h) == s.ptr
    assert getter() == h and mod.get_stream(h) == 0


@pytest.mark.gpu
def test_saxpy_matches_numpy(cublas):
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal(1000, dtype=numpy.float32)
    y = rng.standard_normal(1000, dtype=numpy.float32)
    alpha = numpy.array([2.5], numpy.float32)
    dx, dy = _to_device(x), _to_device(y)
    try:
        s = cuda.Stream()
        with s:
            cublas.saxpy(_handles.get_cublas_handle(), x.size, alpha.ctypes.data, dx, 1, dy, 1)
        s.synchronize()
        numpy.testing.assert_allclose(_to_host(dy, y), alpha[0] * x + y, rtol=1e-6, atol=1e-6)
    finally:
        _free(dx, dy)


@pytest.mark.gpu
def test_sgemm_matches_numpy(cublas):
    rng = numpy.random.default_rng(1)
    m, k, n = 33, 17, 20
    a = rng.standard_normal((m, k), dtype=numpy.float32)
    b = rng.standard_normal((k, n), dtype=numpy.float32)
    c = numpy.zeros((m, n), numpy.float32)
    one, zero = numpy.array([1], numpy.float32), numpy.array([0], numpy.float32)
    da, db, dc = _to_device(a), _to_device(b), _to_device(c)
    try:
        # Row-major C = A @ B is column-major C^T = B^T @ A^T.
        op = int(cublas.Operation.N)
        cublas.sgemm(_handles.get_cublas_handle(), op, op, n, m, k, one.ctypes.data,
                     db, n, da, k, zero.ctypes.data, dc, n)
        runtime.deviceSynchronize()
        numpy.testing.assert_allclose(_to_host(dc, c), a @ b, rtol=1e-4, atol=1e-4)
    finally:
        _free(da, db, dc)


@pytest.mark.gpu
def test_curand_generator_is_owned_and_stream_bound():
    curand = pytest.importorskip("nvmath.bindings.curand")
    gen = _handles.CurandGenerator()
    assert int(gen) == gen.ptr != 0 and gen.device_id == cuda.get_device_id()
    curand.set_pseudo_random_generator_seed(gen.ptr, 1234)
    n = 1 << 16
    out = numpy.empty(n, numpy.float32)
    ptr = _to_device(out)
    try:
        s = cuda.Stream()
        with s:
            curand.generate_uniform(gen.bind(), ptr, n)
        assert gen._stream == s.ptr
        s.synchronize()
        values = _to_host(ptr, out)
        assert values.min() > 0 and values.max() <= 1
        assert abs(values.mean() - 0.5) < 0.01
    finally:
        _free(ptr)
    del gen
    gc.collect()
