"""Floating-point error handling and ufunc configuration (NumPy reference: "Floating point
error handling", "Miscellaneous routines": setbufsize, getbufsize).

Device kernels raise no per-element floating-point errors and issue no warnings: a GPU
thread cannot raise, and collecting IEEE flags would cost a synchronisation per call
(see the decisions page).  These routines keep NumPy's interface so that programs written
for NumPy run unchanged, and they set NumPy's own state: that state still governs the
host-side NumPy computations cuarray does (small planning steps, I/O, polynomial division
and roots), so a program that silences or raises there behaves as it would with NumPy.
"""

from __future__ import annotations

import numpy

_DEVICE_NOTE = """

    Differences from NumPy: the setting is NumPy's own (this calls NumPy's function), so it
    applies to host-side NumPy computations; cuarray's device kernels never warn or raise
    on floating-point errors, whatever the setting.
    """


def seterr(all=None, divide=None, over=None, under=None, invalid=None):  # noqa: A002
    return numpy.seterr(all=all, divide=divide, over=over, under=under, invalid=invalid)


def geterr():
    return numpy.geterr()


def seterrcall(func):
    return numpy.seterrcall(func)


def geterrcall():
    return numpy.geterrcall()


class errstate(numpy.errstate):
    """Context manager (and decorator) for floating-point error handling.  See numpy.errstate.

    Differences from NumPy: the state entered is NumPy's own, so it applies to host-side
    NumPy computations; cuarray's device kernels never warn or raise on floating-point
    errors, whatever the setting.
    """

    __slots__ = ()


def setbufsize(size):
    """Set the size of NumPy's ufunc buffer.  See numpy.setbufsize.

    Differences from NumPy: device kernels use no such buffer; the value is NumPy's, kept
    for its host-side computations.
    """
    return numpy.setbufsize(size)


def getbufsize():
    """Return the size of NumPy's ufunc buffer.  See numpy.getbufsize."""
    return numpy.getbufsize()


for _fn in (seterr, geterr, seterrcall, geterrcall):
    _fn.__doc__ = f"See numpy.{_fn.__name__}." + _DEVICE_NOTE
del _fn
