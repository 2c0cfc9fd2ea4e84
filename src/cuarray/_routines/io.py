"""Input and output (NumPy reference: "Input and output"): NumPy binary files (save, load,
savez, savez_compressed), text files (savetxt, loadtxt, genfromtxt, fromregex), raw binary
files (fromfile; ``ndarray.tofile``) and pickling (``ndarray.dump``, ``ndarray.dumps``).

Files are read and written by NumPy in host memory: device arrays are copied to the host
before writing (one transfer each) and what is read is copied to the device.  Data that
cuarray cannot hold (object, string or structured dtypes, masked arrays) raises
TypeError when read.
"""

from __future__ import annotations

import os
import pickle

import numpy

from .._core.dtypes import is_supported
from .._core.ndarray import _from_host, ndarray

_NoValue = numpy._NoValue


def _to_host(a):
    """A device array's host copy; anything else as NumPy takes it."""
    return a.get() if isinstance(a, ndarray) else a


def _to_device(result, what: str):
    """What NumPy read, on the device (arrays, and tuples/lists of them)."""
    if isinstance(result, numpy.ma.MaskedArray):
        raise TypeError(f"{what}: cuarray has no masked arrays; read with usemask=False")
    if isinstance(result, numpy.ndarray):
        if not is_supported(result.dtype):
            raise TypeError(f"{what}: cuarray does not support dtype {result.dtype} (GPU "
                            "arrays hold bool, integer, float16/32/64 and complex64/128 "
                            "data)")
        if not result.dtype.isnative:
            result = result.astype(result.dtype.newbyteorder("="))
        return _from_host(result)
    if isinstance(result, (tuple, list)):
        return type(result)(_to_device(r, what) for r in result)
    return result


# -- NumPy binary files ---------------------------------------------------------------------------
def save(file, arr, allow_pickle=True, **kwargs):
    """See numpy.save.  A device array is copied to the host and written by NumPy."""
    numpy.save(file, _to_host(arr), allow_pickle=allow_pickle, **kwargs)


def savez(file, *args, allow_pickle=True, **kwds):
    """See numpy.savez.  Device arrays are copied to the host and written by NumPy."""
    numpy.savez(file, *map(_to_host, args), allow_pickle=allow_pickle,
                **{k: _to_host(v) for k, v in kwds.items()})


def savez_compressed(file, *args, allow_pickle=True, **kwds):
    """See numpy.savez_compressed.  Device arrays are copied to the host and written by
    NumPy."""
    numpy.savez_compressed(file, *map(_to_host, args), allow_pickle=allow_pickle,
                           **{k: _to_host(v) for k, v in kwds.items()})


class NpzFile:
    """A ``.npz`` archive whose arrays are copied to the device when they are read.

    See numpy.lib.npyio.NpzFile: a mapping from names to arrays, usable as a context
    manager; ``close()`` closes the file.
    """

    def __init__(self, npz):
        self.npz = npz

    @property
    def files(self):
        return self.npz.files

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.npz.close()

    def __getitem__(self, key):
        return _to_device(self.npz[key], "load")

    def __contains__(self, key):
        return key in self.npz

    def __iter__(self):
        return iter(self.npz)

    def __len__(self):
        return len(self.npz)

    def keys(self):
        return self.npz.keys()

    def values(self):
        return [self[k] for k in self.npz.files]

    def items(self):
        return [(k, self[k]) for k in self.npz.files]

    def get(self, key, default=None):
        return self[key] if key in self.npz else default

    def __repr__(self):
        return f"<cuarray NpzFile wrapping {self.npz!r}>"


def load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, encoding="ASCII", *,
         max_header_size=10000):
    """See numpy.load.

    Differences from NumPy: the array is copied to the device (with ``mmap_mode`` the file
    is mapped on the host and then copied); ``.npz`` archives give a mapping whose arrays
    are copied to the device when read; a pickled object is returned as unpickled.
    """
    kwargs = {} if fix_imports is True else {"fix_imports": fix_imports}
    res = numpy.load(file, mmap_mode=mmap_mode, allow_pickle=allow_pickle, encoding=encoding,
                     max_header_size=max_header_size, **kwargs)
    if isinstance(res, numpy.lib.npyio.NpzFile):
        return NpzFile(res)
    if isinstance(res, numpy.ndarray):
        return _to_device(numpy.asarray(res), "load")
    return res


# -- text files -------------------------------------------------------------------------------
def savetxt(fname, X, fmt="%.18e", delimiter=" ", newline="\n", header="", footer="",
            comments="# ", encoding=None):
    """See numpy.savetxt.  A device array is copied to the host and written by NumPy."""
    numpy.savetxt(fname, _to_host(X), fmt=fmt, delimiter=delimiter, newline=newline,
                  header=header, footer=footer, comments=comments, encoding=encoding)


def loadtxt(fname, dtype=float, comments="#", delimiter=None, converters=None, skiprows=0,
            usecols=None, unpack=False, ndmin=0, encoding=None, max_rows=None, *,
            quotechar=None, like=None):
    """See numpy.loadtxt.  NumPy parses the text on the host; the array is copied to the
    device."""
    res = numpy.loadtxt(fname, dtype=dtype, comments=comments, delimiter=delimiter,
                        converters=converters, skiprows=skiprows, usecols=usecols,
                        unpack=unpack, ndmin=ndmin, encoding=encoding, max_rows=max_rows,
                        quotechar=quotechar)
    return _to_device(res, "loadtxt")


def genfromtxt(fname, dtype=float, comments="#", delimiter=None, skip_header=0,
               skip_footer=0, converters=None, missing_values=None, filling_values=None,
               usecols=None, names=None, excludelist=None,
               deletechars=" !#$%&'()*+,-./:;<=>?@[\\]^{|}~", replace_space="_",
               autostrip=False, case_sensitive=True, defaultfmt="f%i", unpack=None,
               usemask=False, loose=True, invalid_raise=True, max_rows=None, encoding=None,
               *, ndmin=0, like=None):
    """See numpy.genfromtxt.

    NumPy parses the text on the host; the array is copied to the device.  Structured
    results (``names=``, a structured ``dtype``) and masked ones (``usemask=True``) raise
    TypeError: cuarray has neither.
    """
    res = numpy.genfromtxt(
        fname, dtype=dtype, comments=comments, delimiter=delimiter, skip_header=skip_header,
        skip_footer=skip_footer, converters=converters, missing_values=missing_values,
        filling_values=filling_values, usecols=usecols, names=names, excludelist=excludelist,
        deletechars=deletechars, replace_space=replace_space, autostrip=autostrip,
        case_sensitive=case_sensitive, defaultfmt=defaultfmt, unpack=unpack, usemask=usemask,
        loose=loose, invalid_raise=invalid_raise, max_rows=max_rows, encoding=encoding,
        ndmin=ndmin)
    return _to_device(res, "genfromtxt")


def fromregex(file, regexp, dtype, encoding=None):
    """See numpy.fromregex.  NumPy parses the text on the host; the array is copied to the
    device.

    Differences from NumPy: cuarray has no structured arrays, so a structured ``dtype``
    of one field gives that field's array; more fields raise TypeError.
    """
    res = numpy.fromregex(file, regexp, dtype, encoding=encoding)
    if res.dtype.names is not None and len(res.dtype.names) == 1:
        res = numpy.ascontiguousarray(res[res.dtype.names[0]])
    return _to_device(res, "fromregex")


# -- raw binary files, pickling --------------------------------------------------------------
def fromfile(file, dtype=float, count=-1, sep="", offset=0, *, like=None):
    """See numpy.fromfile.  NumPy reads the file on the host; the array is copied to the
    device."""
    return _to_device(numpy.fromfile(file, dtype=dtype, count=count, sep=sep, offset=offset),
                      "fromfile")


def tofile(self, fid, sep="", format="%s"):  # noqa: A002 - NumPy's name
    """Write the array to a file as text or binary.  See numpy.ndarray.tofile.

    The array is copied to the host (C order) and written by NumPy.
    """
    self.get().tofile(fid, sep=sep, format=format)


def tobytes(self, order="C"):
    """The array's raw bytes.  See numpy.ndarray.tobytes.  Copies the array to the host."""
    return self.get().tobytes(order=order)


def dumps(self):
    """A pickle of the array.  See numpy.ndarray.dumps.  ``pickle.loads`` gives a device
    array again (the data travels through the host)."""
    return pickle.dumps(self, protocol=2)


def dump(self, file):
    """Pickle the array to ``file`` (a path or a binary file).  See numpy.ndarray.dump."""
    if isinstance(file, (str, os.PathLike)):
        with open(os.fspath(file), "wb") as f:
            pickle.dump(self, f, protocol=2)
    else:
        pickle.dump(self, file, protocol=2)
