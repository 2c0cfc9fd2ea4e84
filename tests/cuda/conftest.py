"""Shared fixtures for the runtime-layer tests."""

import numpy
import pytest

from cuarray import cuda
from cuarray.cuda import _driver, runtime


def _drv():
    return _driver.driver()


class _Buf:
    """Raw device memory of ``n`` uint32 values, through the driver (no pool involved)."""

    def __init__(self, n):
        cuda.get_device_id()
        self.n, self.nbytes = n, 4 * n
        self.ptr = int(_driver.check(_drv().cuMemAlloc(self.nbytes)))

    def fill(self, value, stream):
        _driver.check(_drv().cuMemsetD32Async(self.ptr, value, self.n, stream.ptr))

    def get(self):
        out = numpy.empty(self.n, numpy.uint32)
        _driver.check(_drv().cuMemcpyDtoHAsync(out.ctypes.data, self.ptr, self.nbytes, 0))
        _driver.check(_drv().cuStreamSynchronize(0))
        return out

    def free(self):
        _driver.check(_drv().cuMemFree(self.ptr))


@pytest.fixture
def bufs():
    made = []

    def make(n):
        made.append(_Buf(n))
        return made[-1]
    yield make
    runtime.deviceSynchronize()
    for b in made:
        b.free()
