"""The one place that loads the CUDA driver bindings and turns their status codes into exceptions.

``cuda.bindings`` returns ``(CUresult, *values)`` tuples.  :func:`check` unwraps
them on the hot path with one comparison; the error path builds a readable
message.  The driver is initialised once per process, on the first call that
needs it, so importing cuarray never touches the GPU.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_driver = None          # the cuda.bindings.driver module once initialised
_SUCCESS = None         # CUresult.CUDA_SUCCESS, cached for the hot path


class CUDADriverError(RuntimeError):
    """A CUDA driver call failed.  ``status`` is the driver's integer error code."""

    def __init__(self, status: int, message: str):
        self.status = int(status)
        super().__init__(message)

    def __reduce__(self):
        return (type(self), (self.status, str(self)))


def _error_message(err) -> str:
    d = _driver
    try:
        _, name = d.cuGetErrorName(err)
        _, desc = d.cuGetErrorString(err)
        return f"{name.decode()}: {desc.decode()}"
    except Exception:
        return f"CUDA driver error {int(err)}"


def raise_error(err, what: str = "") -> None:
    msg = _error_message(err)
    raise CUDADriverError(int(err), f"{what}: {msg}" if what else msg)


def check(result):
    """Unwrap a ``(CUresult, *values)`` tuple: raise on error, else return the value(s)."""
    err = result[0]
    if err != _SUCCESS:
        raise_error(err)
    n = len(result)
    if n == 1:
        return None
    if n == 2:
        return result[1]
    return result[1:]


def driver():
    """Return the initialised ``cuda.bindings.driver`` module.

    Raises CUDADriverError with a clear message when no driver or device exists.
    """
    if _driver is not None:
        return _driver
    return _init()


def _init():
    global _driver, _SUCCESS
    with _lock:
        if _driver is not None:
            return _driver
        try:
            from cuda.bindings import driver as d
            (err,) = d.cuInit(0)
        except Exception as exc:
            raise CUDADriverError(
                100, "no CUDA driver found: cuarray needs an NVIDIA GPU and its driver "
                f"(check `nvidia-smi`; cuarray.is_available() is False here) [{exc}]") from exc
        _SUCCESS = d.CUresult.CUDA_SUCCESS
        if err != _SUCCESS:
            _driver = d  # for the error text
            try:
                raise_error(err, "cuInit failed (no usable CUDA device? check `nvidia-smi`)")
            finally:
                _driver = None
        _driver = d
        return d
