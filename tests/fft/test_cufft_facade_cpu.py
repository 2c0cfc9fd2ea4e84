"""cuarray.cuda._cufft without a GPU: the plan facade's calls into nvmath.bindings.cufft
(recorded by a fake module), and the ABI constants against the installed bindings."""

import pytest

from cuarray.cuda import _cufft


class _Err(Exception):
    def __init__(self, status):
        self.status = status
        super().__init__(f"CUFFT_STATUS_{status}")


class FakeCufft:
    cuFFTError = _Err

    def __init__(self, fail=()):
        self.calls, self.fail, self.next = [], list(fail), 7

    def _rec(self, *c):
        self.calls.append(c)

    def create(self):
        self.next += 1
        self._rec("create", self.next)
        return self.next

    def set_auto_allocation(self, h, v):
        self._rec("auto", h, v)

    def make_plan_many64(self, h, *args):
        self._rec("make", h, args)
        if self.fail:
            raise _Err(self.fail.pop(0))
        return 4096

    def destroy(self, h):
        self._rec("destroy", h)

    def set_stream(self, h, s):
        self._rec("stream", h, s)

    def set_work_area(self, h, p):
        self._rec("work", h, p)

    def exec_c2c(self, h, i, o, d):
        self._rec("c2c", h, i, o, d)

    def exec_d2z(self, h, i, o):
        self._rec("d2z", h, i, o)


class _Mem:
    def __init__(self, ptr):
        self.ptr = ptr


@pytest.fixture
def fake(monkeypatch):
    mod = FakeCufft()
    monkeypatch.setattr(_cufft, "_lib", mod)
    monkeypatch.setattr(_cufft, "lib", lambda: mod)
    monkeypatch.setattr(_cufft, "_exec_fns", {_cufft.C2C: mod.exec_c2c, _cufft.D2Z: mod.exec_d2z})
    monkeypatch.setattr(_cufft, "get_device_id", lambda: 0)
    stream = [0]
    monkeypatch.setattr(_cufft, "current_stream_ptr", lambda: stream[0])
    monkeypatch.setattr(_cufft, "_alloc", lambda n: _Mem(0x9000 + n))
    mod.stream = stream
    return mod


def test_plan_creation_turns_auto_allocation_off_first(fake):
    key = (_cufft.C2C, (8, 4), (8, 6), 2, 48, (8, 4), 1, 32, 3)
    plan = _cufft.Plan(key)
    assert [c[0] for c in fake.calls] == ["create", "auto", "make"]
    assert fake.calls[1] == ("auto", plan.handle, 0)
    assert fake.calls[2] == ("make", plan.handle,
                             (2, [8, 4], [8, 6], 2, 48, [8, 4], 1, 32, _cufft.C2C, 3))
    assert plan.work_size == 4096


def test_basic_layout_passes_null_embeds(fake):
    _cufft.Plan((_cufft.C2C, (16,), None, 1, 16, None, 1, 16, 5))
    args = fake.calls[-1][2]
    assert args[2] == 0 and args[5] == 0


def test_alloc_failure_is_retried_once_then_reported(fake, monkeypatch):
    released = []
    monkeypatch.setattr(_cufft, "_release_pool", lambda: released.append(1))
    fake.fail = [_cufft._ALLOC_FAILED]
    plan = _cufft.Plan((_cufft.C2C, (16,), None, 1, 16, None, 1, 16, 5))
    assert released == [1] and plan.work_size == 4096
    assert [c[0] for c in fake.calls].count("destroy") == 1
    fake.fail = [4]
    with pytest.raises(_cufft.CuFFTError, match=r"cufftMakePlanMany64\(C2C, n=\[16\]"):
        _cufft.Plan((_cufft.C2C, (16,), None, 1, 16, None, 1, 16, 5))


def test_execute_binds_streams_only_when_they_change_and_takes_a_work_area(fake):
    plan = _cufft.Plan((_cufft.C2C, (16,), None, 1, 16, None, 1, 16, 5))
    fake.calls.clear()
    plan.execute(100, 200, _cufft.INVERSE)
    plan.execute(100, 200, _cufft.INVERSE)
    fake.stream[0] = 0x55
    plan.execute(100, 200, _cufft.FORWARD)
    h = plan.handle
    assert fake.calls == [("stream", h, 0), ("work", h, 0x9000 + 4096), ("c2c", h, 100, 200, 1),
                          ("work", h, 0x9000 + 4096), ("c2c", h, 100, 200, 1),
                          ("stream", h, 0x55), ("work", h, 0x9000 + 4096),
                          ("c2c", h, 100, 200, -1)]


def test_execute_runs_every_host_loop_offset(fake):
    plan = _cufft.Plan((_cufft.D2Z, (8,), (8,), 3, 1, (5,), 3, 1, 3))
    fake.calls.clear()
    plan.execute(1024, 2048, loops=((2, 192, 240), (3, 16, 16)))
    execs = [c[2:] for c in fake.calls if c[0] == "d2z"]
    assert execs == [(1024 + i * 192 + j * 16, 2048 + i * 240 + j * 16)
                     for i in range(2) for j in range(3)]


def test_execution_errors_name_the_plan_and_the_pointers(fake):
    plan = _cufft.Plan((_cufft.D2Z, (8,), (8,), 3, 1, (5,), 3, 1, 3))
    seen = []

    def exec_d2z(h, i, o):
        seen.append((i, o))
        if len(seen) == 2:
            raise _Err(4)

    plan._exec = exec_d2z
    with pytest.raises(_cufft.CuFFTError) as info:
        plan.execute(0x1000, 0x2000, loops=((3, 0x100, 0x200),))
    assert info.value.status == 4 and seen == [(0x1000, 0x2000), (0x1100, 0x2200)]
    msg = str(info.value)
    assert msg.startswith("exec_d2z: CUFFT_STATUS_4 (D2Z, n=[8], inembed=[8], istride=3")
    assert msg.endswith("batch=3; input at 0x1100, output at 0x2200)")


def test_plans_are_destroyed_when_dropped(fake, monkeypatch):
    gone = []
    monkeypatch.setattr(_cufft, "_destroy", lambda dev, h: gone.append((dev, h)))
    plan = _cufft.Plan((_cufft.C2C, (16,), None, 1, 16, None, 1, 16, 5))
    h = plan.handle
    plan.destroy()
    assert gone == [(0, h)]


def test_type_codes_match_the_bindings():
    cufft = pytest.importorskip("nvmath.bindings.cufft")
    T = cufft.Type
    assert (_cufft.C2C, _cufft.R2C, _cufft.C2R, _cufft.Z2Z, _cufft.D2Z, _cufft.Z2D) == tuple(
        int(t) for t in (T.C2C, T.R2C, T.C2R, T.Z2Z, T.D2Z, T.Z2D))
    assert int(cufft.Result.ALLOC_FAILED) == _cufft._ALLOC_FAILED
