"""save, load, savez, savez_compressed, savetxt, loadtxt, genfromtxt, fromregex, fromfile and
the ndarray I/O methods (tofile, tobytes, dump, dumps) against NumPy.

CPU tests: what cuarray cannot hold (object, structured, masked) raises TypeError before
anything reaches the device; ``.npz`` archives come back as a lazy mapping; host objects
are written as NumPy writes them.  GPU tests round-trip device arrays through files.
"""

import io
import pickle

import numpy as np
import pytest

import cuarray
from cuarray import testing
from cuarray._routines import io as cio

gpu = pytest.mark.gpu


# =================================================================================================
# CPU
# =================================================================================================
def test_load_refuses_dtypes_cuarray_cannot_hold(tmp_path):
    f = tmp_path / "s.npy"
    np.save(f, np.zeros(3, dtype=[("a", "f8"), ("b", "i4")]))
    with pytest.raises(TypeError, match="does not support dtype"):
        cuarray.load(f)
    np.save(f, np.array(["a", "bc"]))
    with pytest.raises(TypeError, match="does not support dtype"):
        cuarray.load(f)
    np.save(f, np.array([{"a": 1}], dtype=object))
    with pytest.raises(TypeError, match="does not support dtype"):
        cuarray.load(f, allow_pickle=True)
    with pytest.raises(ValueError):            # NumPy's refusal to unpickle by default
        cuarray.load(f)


def test_text_readers_refuse_structured_and_masked_results():
    text = "1 2\n3 4\n"
    with pytest.raises(TypeError, match="masked"):
        cuarray.genfromtxt(io.StringIO("1 2\n3 -99\n"), missing_values="-99", usemask=True)
    with pytest.raises(TypeError, match="does not support dtype"):
        cuarray.genfromtxt(io.StringIO(text), names="a,b")
    with pytest.raises(TypeError, match="does not support dtype"):
        cuarray.loadtxt(io.StringIO(text), dtype=[("a", "f8"), ("b", "f8")])
    with pytest.raises(TypeError, match="does not support dtype"):
        cuarray.loadtxt(io.StringIO("x y\n"), dtype=str)


def test_fromregex_refuses_several_fields():
    with pytest.raises(TypeError, match="does not support dtype"):
        cuarray.fromregex(io.StringIO("1 2\n3 4\n"), r"(\d) (\d)", [("a", "i8"), ("b", "i8")])


def test_npz_archive_is_a_lazy_mapping(tmp_path):
    f = tmp_path / "a.npz"
    np.savez(f, np.arange(3), b=np.ones(2))
    with cuarray.load(f) as z:
        assert isinstance(z, cio.NpzFile)
        assert sorted(z.files) == ["arr_0", "b"] and len(z) == 2
        assert "b" in z and "c" not in z and sorted(z) == ["arr_0", "b"]
        assert z.get("c", 5) == 5


def test_saving_host_objects_is_numpys(tmp_path):
    a = np.arange(6.0).reshape(2, 3)
    cuarray.save(tmp_path / "h.npy", a)
    np.testing.assert_array_equal(np.load(tmp_path / "h.npy"), a)
    cuarray.savez(tmp_path / "h.npz", a, x=[1, 2])
    with np.load(tmp_path / "h.npz") as z:
        np.testing.assert_array_equal(z["x"], [1, 2])
    cuarray.savetxt(tmp_path / "h.txt", a, fmt="%.3f")
    assert (tmp_path / "h.txt").read_text() == "0.000 1.000 2.000\n3.000 4.000 5.000\n"


# =================================================================================================
# GPU
# =================================================================================================
@gpu
@testing.for_all_dtypes()
@pytest.mark.parametrize("layout", ["C", "F", "transposed", "negative_stride"])
@pytest.mark.parametrize("shape", [(), (0,), (5,), (3, 4)])
@testing.numpy_compare()
def test_save_load_roundtrip(xp, dtype, layout, shape, tmp_path):
    a = testing.random_array(xp, shape, dtype, seed=1, layout=layout)
    f = tmp_path / f"{xp.__name__}.npy"
    xp.save(f, a)
    return xp.load(f)


@gpu
@pytest.mark.parametrize("fn", ["savez", "savez_compressed"])
@testing.numpy_compare()
def test_savez_load(xp, fn, tmp_path):
    a = testing.random_array(xp, (3, 4), "float32", seed=2, layout="F")
    b = testing.random_array(xp, (5,), "complex128", seed=3)
    f = tmp_path / f"{xp.__name__}.npz"
    getattr(xp, fn)(f, a, named=b)
    with xp.load(f) as z:
        return z["arr_0"], z["named"], sorted(z.files)


@gpu
@testing.numpy_compare()
def test_load_mmap_mode_gives_a_device_copy(xp, tmp_path):
    f = tmp_path / "m.npy"
    np.save(f, np.arange(12.0).reshape(3, 4))
    a = xp.load(f, mmap_mode="r")
    return xp.asarray(a) if xp is np else a


@gpu
@pytest.mark.parametrize("dtype", ["float64", "int32", "complex128", "float32"])
@testing.numpy_compare()
def test_savetxt_loadtxt(xp, dtype, tmp_path):
    a = testing.random_array(xp, (4, 3), dtype, seed=4)
    f = tmp_path / f"{xp.__name__}.txt"
    # The default format ("%.18e") writes integers as floats, which loadtxt refuses to
    # read back as integers.
    fmt = "%d" if dtype == "int32" else "%.18e"
    xp.savetxt(f, a, fmt=fmt, delimiter=",", header="h")
    out = xp.loadtxt(f, dtype=dtype, delimiter=",")
    cols = xp.loadtxt(f, dtype=dtype, delimiter=",", usecols=(0, 2), unpack=True)
    return out, cols, xp.loadtxt(f, dtype=dtype, delimiter=",", max_rows=1, ndmin=2)


@gpu
@testing.numpy_compare()
def test_genfromtxt_and_fromregex(xp, tmp_path):
    f = tmp_path / f"{xp.__name__}.txt"
    f.write_text("1,2,3\n4,,6\n# comment\n7,8,9\n")
    g = xp.genfromtxt(f, delimiter=",", filling_values=-1)
    r = tmp_path / f"{xp.__name__}_r.txt"
    r.write_text("a=1.5 b=2\na=3.25 b=4\n")
    regex = xp.fromregex(r, r"a=(\S+)", [("a", np.float64)])
    if xp is np:
        regex = regex["a"]          # cuarray gives the single field's array
    return g, xp.genfromtxt(f, delimiter=",", skip_footer=1, dtype=np.int64), regex


@gpu
@pytest.mark.parametrize("sep", ["", " "])
@testing.numpy_compare()
def test_tofile_fromfile(xp, sep, tmp_path):
    a = testing.random_array(xp, (3, 4), "float64", seed=5, layout="transposed")
    f = tmp_path / f"{xp.__name__}.bin"
    if xp is np:
        a.tofile(f, sep=sep)
    else:
        cio.tofile(a, f, sep=sep)
    return xp.fromfile(f, dtype=np.float64, sep=sep), xp.fromfile(f, count=3, sep=sep)


@gpu
@testing.for_all_dtypes()
def test_tobytes_dump_dumps(dtype, tmp_path):
    h = testing.random_array(np, (3, 5), dtype, seed=6, layout="F")
    a = cuarray.asarray(h)
    assert cio.tobytes(a) == h.tobytes()
    assert cio.tobytes(a, order="F") == h.tobytes(order="F")
    back = pickle.loads(cio.dumps(a))
    assert isinstance(back, cuarray.ndarray)
    testing.assert_array_equal(back, h)
    cio.dump(a, tmp_path / "d.pkl")
    with open(tmp_path / "d.pkl", "rb") as fh:
        testing.assert_array_equal(pickle.load(fh), h)
