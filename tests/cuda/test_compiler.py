"""NVRTC to cubin and the kernel caches.  These need NVRTC (a wheel), never a GPU."""

import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cuarray.cuda import compiler

ARCH = "sm_90"

SAXPY = r'''
extern "C" __global__ void saxpy(float a, const float* x, float* y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}
'''

TEMPLATE = r'''
template <typename T>
__global__ void fill(T* out, T value, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = value;
}
'''

BROKEN = r'''extern "C" __global__ void broken(float* x) {
    int i = threadIdx.x;
    x[i] = 1.0f;
    x[i] += 2.0f;
    x[i] *= undefined_name;
    x[i] -= 3.0f;
}
'''


@pytest.fixture(autouse=True)
def fresh_caches(tmp_path, monkeypatch):
    """Each test gets an empty cache directory, empty in-process caches and zeroed counters."""
    monkeypatch.setenv("CUARRAY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CUARRAY_DISABLE_DISK_CACHE", raising=False)
    monkeypatch.delenv("CUARRAY_DUMP_SOURCE", raising=False)
    compiler._cubin_cache.clear()
    compiler._unwritable_dirs.clear()
    for k in compiler.stats:
        compiler.stats[k] = 0
    yield tmp_path / "cache"
    compiler._cubin_cache.clear()


def _entries(cache_dir: Path):
    return sorted(cache_dir.glob("*" + compiler._ENTRY_SUFFIX)) if cache_dir.exists() else []


def _leftovers(cache_dir: Path):
    return [p for p in cache_dir.iterdir() if p.name.endswith(".tmp")] if cache_dir.exists() else []


# -- compiling ----------------------------------------------------------------------------

def test_cubin_for_sm90():
    cubin, mapping = compiler.compile_to_cubin(SAXPY, arch=ARCH)
    assert cubin[:4] == b"\x7fELF"
    assert b"saxpy" in cubin
    assert mapping == {}


@pytest.mark.parametrize("arch", ["sm_90", "90", 90, "SM_90"])
def test_arch_spellings_agree(arch):
    cubin, _ = compiler.compile_to_cubin(SAXPY, arch=arch)
    assert cubin == compiler.compile_to_cubin(SAXPY, arch="sm_90")[0]


def test_arch_option_in_options_is_honoured():
    cubin, _ = compiler.compile_to_cubin(SAXPY, ("-arch=sm_90",))
    assert cubin[:4] == b"\x7fELF"


@pytest.mark.parametrize("arch", ["compute_90", "sm_x", "hopper"])
def test_bad_arch_rejected(arch):
    with pytest.raises(ValueError):
        compiler.compile_to_cubin(SAXPY, arch=arch)


def test_name_expressions_give_mangled_names():
    cubin, mapping = compiler.compile_to_cubin(
        TEMPLATE, arch=ARCH, name_expressions=["fill<float>", "fill<int>"])
    assert set(mapping) == {"fill<float>", "fill<int>"}
    assert mapping["fill<float>"].startswith("_Z")
    assert mapping["fill<float>"] != mapping["fill<int>"]
    for lowered in mapping.values():
        assert lowered.encode() in cubin


def test_many_kernels_in_one_program():
    source = "\n".join(f'extern "C" __global__ void k{i}(int* x) {{ x[0] = {i}; }}'
                       for i in range(8))
    cubin, _ = compiler.compile_to_cubin(source, arch=ARCH)
    assert compiler.stats["nvrtc_compiles"] == 1
    for i in range(8):
        assert f"k{i}".encode() in cubin


def test_define_option_changes_result():
    source = r'''
    #ifndef VALUE
    #error VALUE must be defined
    #endif
    extern "C" __global__ void k(int* x) { x[0] = VALUE; }
    '''
    one, _ = compiler.compile_to_cubin(source, ("-DVALUE=1",), arch=ARCH)
    two, _ = compiler.compile_to_cubin(source, ("-DVALUE=2",), arch=ARCH)
    assert one != two
    with pytest.raises(compiler.CompileException, match="VALUE must be defined"):
        compiler.compile_to_cubin(source, arch=ARCH)


def test_user_std_option_replaces_default():
    source = 'extern "C" __global__ void k(int* x) { if constexpr (true) x[0] = 1; }'
    compiler.compile_to_cubin(source, ("-std=c++17",), arch=ARCH)
    with pytest.raises(compiler.CompileException):
        compiler.compile_to_cubin(source, ("-std=c++11",), arch=ARCH)


def test_fast_math_option_accepted():
    cubin, _ = compiler.compile_to_cubin(SAXPY, ("--use_fast_math",), arch=ARCH)
    assert cubin[:4] == b"\x7fELF"


@pytest.mark.parametrize("include, body", [
    ("<cuarray/common.cuh>",
     "CUARRAY_GRID_STRIDE_LOOP(cuarray::int64, i, n) x[i] = (float)i;"),
    ("<cuda_fp16.h>", "__half h = __float2half(1.5f); x[0] = __half2float(h);"),
    ("<cuda/std/type_traits>",
     "static_assert(cuda::std::is_same<float, float>::value, \"\"); x[0] = 1;"),
])
def test_includes(include, body):
    source = f'#include {include}\nextern "C" __global__ void k(float* x, long long n) {{ {body} }}'
    cubin, _ = compiler.compile_to_cubin(source, arch=ARCH)
    assert cubin[:4] == b"\x7fELF"


def test_bytes_source_and_options():
    cubin, _ = compiler.compile_to_cubin(SAXPY.encode(), (b"-DX=1",), arch=ARCH)
    assert cubin == compiler.compile_to_cubin(SAXPY, ("-DX=1",), arch=ARCH)[0]


def test_compile_with_cache_rejects_other_backends():
    with pytest.raises(ValueError, match="NVRTC"):
        compiler.compile_with_cache(SAXPY, arch=ARCH, backend="nvcc")
    with pytest.raises(NotImplementedError):
        compiler.compile_with_cache(SAXPY, arch=ARCH, jitify=True)


# -- compile errors -----------------------------------------------------------------------

def test_compile_exception_content():
    with pytest.raises(compiler.CompileException) as info:
        compiler.compile_to_cubin(BROKEN, ("-DFOO=1",), arch=ARCH)
    e = info.value
    text = str(e)
    assert 'identifier "undefined_name" is undefined' in text
    assert "kernel.cu(5): error" in e.log
    assert e.source == BROKEN
    assert e.name == "kernel.cu"
    assert "-DFOO=1" in e.options and "-arch=sm_90" in e.options
    # Numbered source lines around the error, the error line marked.
    assert "> 5 |     x[i] *= undefined_name;" in text
    assert "  2 |     int i = threadIdx.x;" in text
    assert "  7 | }" in text
    assert "1 | extern" not in text   # more than 3 lines away
    assert isinstance(e, Exception)


def test_compile_exception_dump_and_pickle():
    with pytest.raises(compiler.CompileException) as info:
        compiler.compile_to_cubin(BROKEN, arch=ARCH)
    out = io.StringIO()
    info.value.dump(out)
    dumped = out.getvalue()
    assert "Options: -arch=sm_90" in dumped
    assert "1 | extern" in dumped and "5 |     x[i] *= undefined_name;" in dumped
    clone = pickle.loads(pickle.dumps(info.value))
    assert str(clone) == str(info.value) and clone.log == info.value.log


def test_invalid_option_is_a_compile_exception():
    with pytest.raises(compiler.CompileException, match="-no-such-option"):
        compiler.compile_to_cubin(SAXPY, ("-no-such-option",), arch=ARCH)


def test_error_in_many_places_shows_each():
    source = "\n".join(["extern \"C\" __global__ void k(int* x) {"] + ["  x[0] = 0;"] * 20
                       + ["  x[1] = bad_one;"] + ["  x[2] = 2;"] * 20 + ["  x[3] = bad_two;", "}"])
    with pytest.raises(compiler.CompileException) as info:
        compiler.compile_to_cubin(source, arch=ARCH)
    text = str(info.value)
    assert "> 22 |   x[1] = bad_one;" in text and "> 43 |   x[3] = bad_two;" in text
    assert "..." in text   # the two excerpts are not adjacent


# -- the disk cache -----------------------------------------------------------------------

def test_entry_written_and_hit(fresh_caches):
    compiler.compile_to_cubin(SAXPY, arch=ARCH)
    (entry,) = _entries(fresh_caches)
    compiler._cubin_cache.clear()
    cubin, _ = compiler.compile_to_cubin(SAXPY, arch=ARCH)
    assert compiler.stats == {"nvrtc_compiles": 1, "disk_hits": 1, "disk_writes": 1}
    assert cubin[:4] == b"\x7fELF"
    assert _leftovers(fresh_caches) == []


def test_in_process_cache_needs_no_disk(fresh_caches):
    compiler.compile_to_cubin(SAXPY, arch=ARCH)
    compiler.compile_to_cubin(SAXPY, arch=ARCH)
    assert compiler.stats["nvrtc_compiles"] == 1 and compiler.stats["disk_hits"] == 0


_CHILD = textwrap.dedent('''
    import json, sys, time
    from cuarray.cuda import compiler
    source = sys.stdin.read()
    t0 = time.perf_counter()
    cubin, mapping = compiler.compile_to_cubin(source, arch="sm_90",
                                               name_expressions=["fill<float>"])
    print(json.dumps({"stats": compiler.stats, "seconds": time.perf_counter() - t0,
                      "elf": cubin[:4] == b"\\x7fELF", "mapping": mapping}))
''')


def _child(cache_dir, extra_env=None):
    env = dict(os.environ, CUARRAY_CACHE_DIR=str(cache_dir), **(extra_env or {}))
    env["PYTHONPATH"] = os.pathsep.join([str(Path(compiler.__file__).parents[2]),
                                         env.get("PYTHONPATH", "")])
    return subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _finish(proc):
    import json
    out, err = proc.communicate(TEMPLATE, timeout=300)
    assert proc.returncode == 0, err
    return json.loads(out)


def test_new_process_hits_disk(fresh_caches):
    first = _finish(_child(fresh_caches))
    second = _finish(_child(fresh_caches))
    assert first["stats"]["nvrtc_compiles"] == 1 and first["stats"]["disk_writes"] == 1
    assert second["stats"] == {"nvrtc_compiles": 0, "disk_hits": 1, "disk_writes": 0}
    assert second["elf"] and second["mapping"] == first["mapping"]
    assert len(_entries(fresh_caches)) == 1


def test_concurrent_processes_leave_one_valid_entry(fresh_caches):
    procs = [_child(fresh_caches) for _ in range(4)]
    results = [_finish(p) for p in procs]
    assert all(r["elf"] for r in results)
    assert len({str(r["mapping"]) for r in results}) == 1
    (entry,) = _entries(fresh_caches)
    key = entry.name[:-len(compiler._ENTRY_SUFFIX)]
    assert compiler._decode_entry(entry.read_bytes(), key) is not None
    assert _leftovers(fresh_caches) == []


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_damaged_entry_recompiled_and_rewritten(fresh_caches, damage):
    good, _ = compiler.compile_to_cubin(SAXPY, arch=ARCH)
    (entry,) = _entries(fresh_caches)
    data = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(data[:len(data) // 2])
    elif damage == "flip":
        mid = len(data) // 2
        entry.write_bytes(data[:mid] + bytes([data[mid] ^ 0xFF]) + data[mid + 1:])
    elif damage == "empty":
        entry.write_bytes(b"")
    else:
        entry.write_bytes(os.urandom(len(data)))
    compiler._cubin_cache.clear()
    cubin, _ = compiler.compile_to_cubin(SAXPY, arch=ARCH)
    assert cubin == good
    assert compiler.stats["nvrtc_compiles"] == 2 and compiler.stats["disk_hits"] == 0
    assert entry.read_bytes() == data   # rewritten whole


def test_entry_under_another_key_is_rejected(fresh_caches):
    compiler.compile_to_cubin(SAXPY, arch=ARCH)
    (entry,) = _entries(fresh_caches)
    assert compiler._decode_entry(entry.read_bytes(), "0" * 64) is None


def test_disable_disk_cache(fresh_caches, monkeypatch):
    monkeypatch.setenv("CUARRAY_DISABLE_DISK_CACHE", "1")
    compiler.compile_to_cubin(SAXPY, arch=ARCH)
    compiler._cubin_cache.clear()
    compiler.compile_to_cubin(SAXPY, arch=ARCH)
    assert compiler.stats == {"nvrtc_compiles": 2, "disk_hits": 0, "disk_writes": 0}
    assert _entries(fresh_caches) == []


def test_explicit_cache_dir(tmp_path, fresh_caches):
    other = tmp_path / "elsewhere"
    compiler.compile_to_cubin(SAXPY, arch=ARCH, cache_dir=str(other))
    assert len(_entries(other)) == 1 and _entries(fresh_caches) == []


def test_unwritable_cache_dir_is_silent(tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("CUARRAY_CACHE_DIR", str(blocker / "cache"))
    cubin, _ = compiler.compile_to_cubin(SAXPY, arch=ARCH)
    assert cubin[:4] == b"\x7fELF"
    assert compiler.stats["disk_writes"] == 0


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root ignores directory permissions")
def test_read_only_cache_dir_is_silent(fresh_caches):
    fresh_caches.mkdir(parents=True)
    fresh_caches.chmod(0o555)
    try:
        cubin, _ = compiler.compile_to_cubin(SAXPY, arch=ARCH)
    finally:
        fresh_caches.chmod(0o755)
    assert cubin[:4] == b"\x7fELF" and compiler.stats["disk_writes"] == 0


def test_key_covers_options_arch_and_names():
    base = compiler._disk_key(SAXPY, (), "sm_90", ())
    assert base == compiler._disk_key(SAXPY, (), "sm_90", ())
    assert base != compiler._disk_key(SAXPY, ("-DX",), "sm_90", ())
    assert base != compiler._disk_key(SAXPY, (), "sm_80", ())
    assert base != compiler._disk_key(SAXPY, (), "sm_90", ("k<int>",))
    assert base != compiler._disk_key(SAXPY + " ", (), "sm_90", ())


def test_header_change_changes_key(tmp_path, monkeypatch):
    include = tmp_path / "include"
    shutil.copytree(compiler._INCLUDE_DIR, include)
    monkeypatch.setattr(compiler, "_INCLUDE_DIR", include)
    compiler._headers_digest.cache_clear()
    before = compiler._disk_key(SAXPY, (), ARCH, ())
    header = include / "cuarray" / "common.cuh"
    header.write_text(header.read_text() + "\n// changed\n")
    compiler._headers_digest.cache_clear()
    after = compiler._disk_key(SAXPY, (), ARCH, ())
    compiler._headers_digest.cache_clear()
    assert before != after


def test_dump_source(fresh_caches, tmp_path, monkeypatch):
    monkeypatch.setenv("CUARRAY_DUMP_SOURCE", "1")
    compiler.compile_to_cubin(SAXPY, ("-DX=1",), arch=ARCH)
    (dumped,) = (fresh_caches / "dump").glob("*.cu")
    text = dumped.read_text()
    assert "-DX=1" in text and "sm_90" in text and SAXPY in text
    target = tmp_path / "dumps"
    monkeypatch.setenv("CUARRAY_DUMP_SOURCE", str(target))
    compiler._cubin_cache.clear()
    compiler.compile_to_cubin(SAXPY, ("-DX=2",), arch=ARCH)
    assert len(list(target.glob("*.cu"))) == 1


def test_dump_source_of_a_failing_compile(fresh_caches, monkeypatch):
    monkeypatch.setenv("CUARRAY_DUMP_SOURCE", "1")
    with pytest.raises(compiler.CompileException):
        compiler.compile_to_cubin(BROKEN, arch=ARCH)
    (dumped,) = (fresh_caches / "dump").glob("*.cu")
    assert "undefined_name" in dumped.read_text()


def _hit_in_new_process(cache_dir, source):
    code = ("import sys; from cuarray.cuda import compiler as c; "
            f"c.compile_to_cubin({source!r}, arch='sm_90'); "
            "print(c.stats['nvrtc_compiles'], 'cuda.pathfinder' in sys.modules)")
    env = {**os.environ, "CUARRAY_CACHE_DIR": str(cache_dir)}
    env.pop("CUARRAY_DISABLE_DISK_CACHE", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    compiles, pathfinder = out.stdout.split()
    return int(compiles), pathfinder == "True"


def test_warm_disk_hit_needs_no_header_search(tmp_path):
    # The toolchain fingerprint is memoised on disk: a warm start neither compiles nor
    # imports cuda.pathfinder (whose import alone costs a warm start tens of ms).
    src = 'extern "C" __global__ void memo_probe(int* p) { p[0] = 7; }'
    assert _hit_in_new_process(tmp_path, src) == (1, True)
    assert _hit_in_new_process(tmp_path, src) == (0, False)
    memo = next(tmp_path.glob("toolchain-*.json"))
    data = json.loads(memo.read_text())
    data["stats"][0][1] += 1          # as if NVRTC's header changed (an upgrade)
    memo.write_text(json.dumps(data))
    assert _hit_in_new_process(tmp_path, src) == (0, True)     # recomputed, same toolchain
