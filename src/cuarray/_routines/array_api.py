"""The array API standard's inspection namespace: ``__array_api_version__`` and
``__array_namespace_info__`` (capabilities, devices, default and supported dtypes).

cuarray is the array API namespace of its arrays (``ndarray.__array_namespace__``); the
dtype answers are NumPy's, every dtype the standard names being one cuarray stores, and
the devices are the CUDA devices of this machine (``cuarray.cuda.Device`` objects).
"""

from __future__ import annotations

import numpy

#: The revision of the array API standard the namespace follows (NumPy 2.4's).
__array_api_version__ = "2024.12"

_NUMPY_INFO = numpy.__array_namespace_info__()


def _check_device(device) -> None:
    if device is None:
        return
    from ..cuda import Device
    if isinstance(device, Device):
        return
    raise ValueError(f"Device not understood. Only cuarray.cuda.Device objects (see "
                     f"__array_namespace_info__().devices()) are allowed, not {device!r}")


class __array_namespace_info__:  # noqa: N801 - the standard's name
    """Get information about the array API inspection namespace.

    See numpy.__array_namespace_info__ and the array API standard.  Devices are
    ``cuarray.cuda.Device`` objects, one per CUDA device.
    """

    __module__ = "cuarray"

    def capabilities(self) -> dict:
        """Optional features: boolean indexing and data-dependent shapes (both synchronise
        once to read a size back), and the largest number of dimensions."""
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}

    def default_device(self):
        """The current CUDA device."""
        from ..cuda import Device
        return Device()

    def devices(self) -> list:
        """Every CUDA device of this machine (empty when there is none)."""
        from .._config import is_available
        if not is_available():
            return []
        from ..cuda import Device
        from ..cuda._device import get_device_count
        return [Device(i) for i in range(get_device_count())]

    def default_dtypes(self, *, device=None) -> dict:
        """The default real floating, complex floating, integral and indexing dtypes."""
        _check_device(device)
        return _NUMPY_INFO.default_dtypes()

    def dtypes(self, *, device=None, kind=None) -> dict:
        """The array API dtypes of ``kind`` (a kind name, a tuple of them, or None for all);
        cuarray stores every one of them."""
        _check_device(device)
        return _NUMPY_INFO.dtypes(kind=kind)
