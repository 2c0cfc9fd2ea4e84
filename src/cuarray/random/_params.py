"""Distribution parameters: parsing, output shapes, NumPy's constraint checks, kernel kinds.

NumPy converts each parameter to a float64 (or int64) array, checks its constraints, and
broadcasts it against ``size``.  Here a parameter is a host scalar (Python or NumPy scalar:
checked on the host, passed to the kernel by value) or a device array (checked on the
device; all the device checks of one call are read back with a single synchronisation).

Messages follow NumPy's: when every parameter is 0-d NumPy uses its scalar wording
("p is NaN"), otherwise its array wording ("p contains NaNs").
"""

from __future__ import annotations

import math
import operator

import numpy

from .._core.ndarray import ndarray

_I64 = numpy.dtype(numpy.int64)
_U64 = numpy.dtype(numpy.uint64)
_F64 = numpy.dtype(numpy.float64)
#: NumPy's bounds of a Poisson mean: int64 max - 10 sqrt(int64 max) (the same for "long" on
#: the 64-bit Linux and macOS NumPy builds whose legacy bound is ``long``'s).
POISSON_LAM_MAX = float(numpy.iinfo(numpy.int64).max) - float(numpy.sqrt(numpy.iinfo(numpy.int64).max)) * 10
LEGACY_POISSON_LAM_MAX = float(numpy.iinfo("l").max) - float(numpy.sqrt(numpy.iinfo("l").max)) * 10


class Arg:
    """One parameter: ``value`` a Python float/int (host) or an ndarray (device)."""

    __slots__ = ("name", "value", "device")

    def __init__(self, name, value, device):
        self.name, self.value, self.device = name, value, device

    @property
    def ndim(self) -> int:
        return self.value.ndim if self.device else 0


def host_array_error(name: str) -> TypeError:
    return TypeError(f"{name}: host arrays and sequences are not accepted; cuarray.random takes "
                     "device arrays (cuarray.asarray(...)) or scalars as parameters")


def parse(value, name: str, ptype: str = "r") -> Arg:
    """A parameter as NumPy converts it (float, or int64 for ``ptype`` 'i')."""
    if isinstance(value, ndarray):
        if value.dtype.kind == "c":
            raise TypeError("Cannot cast array data from dtype('complex128') to dtype('float64') "
                            "according to the rule 'safe'")
        return Arg(name, value, True)
    if isinstance(value, (numpy.ndarray, list, tuple)):
        raise host_array_error(name)
    if ptype == "r":
        return Arg(name, float(value), False)
    return Arg(name, as_int64(value), False)


def as_int64(value) -> int:
    """NumPy's conversion of an integer parameter (floats truncate, NaN raises)."""
    if isinstance(value, (float, numpy.floating)):
        value = int(value)          # ValueError "cannot convert float NaN to integer"
    v = operator.index(value)
    if not -(1 << 63) <= v < (1 << 63):
        raise OverflowError("Python int too large to convert to C long")
    return v


def normalize_size(size):
    """``size`` as a shape tuple (None stays None), with NumPy's errors."""
    if size is None:
        return None
    try:
        shape = (operator.index(size),)
    except TypeError:
        try:
            items = tuple(size)
        except TypeError:
            raise TypeError("expected a sequence of integers or a single integer, "
                            f"got '{size!r}'") from None
        shape = []
        for s in items:
            try:
                shape.append(operator.index(s))
            except TypeError:
                raise TypeError(f"'{type(s).__name__}' object cannot be interpreted as an "
                                "integer") from None
        shape = tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError("negative dimensions are not allowed")
    return shape


def out_shape(args, size) -> tuple:
    """The result's shape: ``size`` (which the parameters must broadcast to) or the
    parameters' broadcast shape.  Host scalars count as 0-d (NumPy's numbering of the
    arguments in its broadcasting errors)."""
    if not any(a.device for a in args):
        shape = normalize_size(size)
        return () if shape is None else shape
    shapes = [a.value.shape if a.device else () for a in args]
    if size is None:
        return numpy.broadcast_shapes(*shapes)
    shape = normalize_size(size)
    b = numpy.broadcast_shapes(shape, *shapes)
    if b != shape:
        raise ValueError(f"Output size {shape} is not compatible with broadcast dimensions "
                         f"of inputs {b}.")
    return shape


def all_scalar(args) -> bool:
    return all(a.ndim == 0 for a in args)


# -- constraint checks ----------------------------------------------------------------------------
class Check:
    """A violation test over parameters ``params`` (indices): ``fn(xp, *values)`` on device
    arrays (``xp`` is cuarray), ``host(*values)`` on Python scalars (default: ``fn`` with
    NumPy); NumPy's messages for scalar and array parameters."""

    __slots__ = ("params", "fn", "host", "scalar_msg", "array_msg", "exc")

    def __init__(self, params, fn, scalar_msg, array_msg=None, exc=ValueError, host=None):
        self.params, self.fn, self.exc = tuple(params), fn, exc
        self.scalar_msg, self.array_msg = scalar_msg, array_msg or scalar_msg
        self.host = host

    def error(self, scalar: bool) -> Exception:
        return self.exc(self.scalar_msg if scalar else self.array_msg)

    def violated_on_host(self, vals) -> bool:
        if self.host is not None:
            return self.host(*vals)
        with numpy.errstate(all="ignore"):
            return bool(numpy.any(self.fn(numpy, *vals)))


def _nn(xp, v):
    return xp.logical_and(xp.logical_not(xp.isnan(v)), xp.signbit(v))


def _nn_host(v) -> bool:
    return v == v and math.copysign(1.0, v) < 0


def constraint(k: int, name: str, kind: str) -> list:
    """NumPy's named constraint (CONS_*) on parameter ``k`` as checks, in NumPy's order."""
    if kind == "non_negative":
        return [Check((k,), _nn, f"{name} < 0", host=_nn_host)]
    if kind == "positive":
        return [Check((k,), lambda xp, v: xp.less_equal(v, 0), f"{name} <= 0",
                      host=lambda v: v <= 0)]
    if kind == "positive_not_nan":
        return [Check((k,), lambda xp, v: xp.isnan(v), f"{name} must not be NaN",
                      host=lambda v: v != v),
                Check((k,), lambda xp, v: xp.less_equal(v, 0), f"{name} <= 0",
                      host=lambda v: v <= 0)]
    if kind == "bounded_0_1":
        return [Check((k,), lambda xp, v: xp.logical_not(
            xp.logical_and(xp.greater_equal(v, 0), xp.less_equal(v, 1))),
            f"{name} < 0, {name} > 1 or {name} is NaN",
            f"{name} < 0, {name} > 1 or {name} contains NaNs", host=lambda v: not 0 <= v <= 1)]
    if kind == "bounded_gt_0_1":
        return [Check((k,), lambda xp, v: xp.logical_not(
            xp.logical_and(xp.greater(v, 0), xp.less_equal(v, 1))),
            f"{name} <= 0, {name} > 1 or {name} contains NaNs", host=lambda v: not 0 < v <= 1)]
    if kind == "bounded_lt_0_1":
        return [Check((k,), lambda xp, v: xp.logical_not(
            xp.logical_and(xp.greater_equal(v, 0), xp.less(v, 1))),
            f"{name} < 0, {name} >= 1 or {name} is NaN",
            f"{name} < 0, {name} >= 1 or {name} contains NaNs", host=lambda v: not 0 <= v < 1)]
    if kind == "gt_1":
        return [Check((k,), lambda xp, v: xp.logical_not(xp.greater(v, 1)),
                      f"{name} <= 1 or {name} is NaN", f"{name} <= 1 or {name} contains NaNs",
                      host=lambda v: not v > 1)]
    if kind == "gte_1":
        return [Check((k,), lambda xp, v: xp.logical_not(xp.greater_equal(v, 1)),
                      f"{name} < 1 or {name} is NaN", f"{name} < 1 or {name} contains NaNs",
                      host=lambda v: not v >= 1)]
    if kind in ("poisson", "legacy_poisson"):
        top = POISSON_LAM_MAX if kind == "poisson" else LEGACY_POISSON_LAM_MAX
        big = Check((k,), lambda xp, v: xp.logical_not(xp.less_equal(v, top)),
                    f"{name} value too large", host=lambda v: not v <= top)
        neg = Check((k,), lambda xp, v: xp.logical_not(xp.greater_equal(v, 0)),
                    f"{name} < 0 or {name} is NaN", f"{name} < 0 or {name} contains NaNs",
                    host=lambda v: not v >= 0)
        return [_Ordered(neg, big)]
    if kind == "non_negative_int":
        return [Check((k,), lambda xp, v: xp.less(v, 0), f"{name} < 0", host=lambda v: v < 0)]
    raise ValueError(f"unknown constraint {kind!r}")


class _Ordered:
    """Two checks whose order differs between NumPy's scalar path (first, second) and its
    array path (second, first): the Poisson mean's checks."""

    __slots__ = ("first", "second")

    def __init__(self, first, second):
        self.first, self.second = first, second

    def expand(self, scalar: bool) -> list:
        return [self.first, self.second] if scalar else [self.second, self.first]


def _cp():
    import cuarray
    return cuarray


def run_checks(checks, args) -> None:
    """Raise NumPy's error for the first violated check; one synchronisation at most."""
    if not checks:
        return
    scalar = all_scalar(args)
    flat = []
    for c in checks:
        flat += c.expand(scalar) if isinstance(c, _Ordered) else [c]
    pending = []
    for c in flat:
        vals = [args[i].value for i in c.params]
        if any(isinstance(v, ndarray) for v in vals):
            cp = _cp()
            pending.append((cp.any(c.fn(cp, *vals)), c))
            continue
        if c.violated_on_host(vals):
            if not pending:
                raise c.error(scalar)
            pending.append((True, c))
            break
    if pending:
        raise_first(pending, scalar)


def raise_first(pending, scalar: bool) -> None:
    """``pending``: (flag, check) with device 0-d bool flags or Python bools; one read."""
    dev = [f for f, _ in pending if isinstance(f, ndarray)]
    values = iter(_cp().stack([f.reshape(1) for f in dev]).ravel().get().tolist() if dev else [])
    for flag, c in pending:
        if (next(values) if isinstance(flag, ndarray) else flag):
            raise c.error(scalar)


# -- kernel parameters ------------------------------------------------------------------------------
def kernel_param(arg: Arg, target: numpy.dtype, shape: tuple):
    """(kind, value, m) for ``_kernels.launch``: host scalars by value; a device array as a
    pointer to one value ('c'), to the output's trailing shape ('r', index i % m; 'a' when
    that is the whole shape), or to a contiguous broadcast copy ('a')."""
    if not arg.device:
        return ("s", arg.value, 0)
    a = arg.value
    if a.dtype != target:
        a = a.astype(target)
    if a.size == 1:
        return ("c", a, 0)
    ps = a.shape
    while ps and ps[0] == 1:
        ps = ps[1:]
    n = 1
    for s in shape:
        n *= s
    if a._c and ps == shape[len(shape) - len(ps):]:
        return ("a" if a.size == n else "r", a, a.size)
    from .._routines.manipulation import broadcast_to
    from .._routines.creation import ascontiguousarray
    return ("a", ascontiguousarray(broadcast_to(a, shape)), 0)
