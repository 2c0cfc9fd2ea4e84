"""CUDA C++ to cubin with NVRTC, behind an in-process and an on-disk cache.  See cupy.cuda.compiler.

Kernels compile straight to a cubin for one exact architecture (``sm_90`` on
Hopper) and PTX never reaches the driver: NVRTC from the wheels can be newer
than the driver, which rejects newer PTX.  NVRTC is called through
``cuda.bindings.nvrtc`` directly: it takes CuPy-style option strings as they
are, and costs the same as ``cuda.core.Program`` (NVRTC itself dominates).

Environment:

- ``CUARRAY_CACHE_DIR``: the on-disk cache (default ``~/.cache/cuarray``).
- ``CUARRAY_DISABLE_DISK_CACHE=1``: neither read nor write the disk cache.
- ``CUARRAY_DUMP_SOURCE=1`` (or a directory): write each source compiled, with
  its options, to ``<cache dir>/dump/`` (or that directory).

A disk entry is ``<sha256>.cubin.entry``: a fixed header (magic, format version,
key, lengths), the cubin, the name-expression map as JSON, then a sha256 of all
that.  Entries are written to a temporary file and renamed into place, so
readers never see half an entry; several processes compiling the same kernel
each write a complete entry and the last rename wins.  An entry that fails any
check is compiled again and rewritten.  The key covers the source, options,
NVRTC version, architecture, name expressions, cuarray's version, the CUDA
runtime and CCCL header versions, and the contents of cuarray's own ``.cuh``
headers; it does not cover headers a user adds with ``-I``.  NVRTC's version
enters the key as its header's path, size and mtime, so that a disk hit never
loads NVRTC.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import struct
import sys
import tempfile
import threading
from pathlib import Path

from .._version import __version__

_PROGRAM_NAME = "kernel.cu"
_DEFAULT_STD = "-std=c++17"
_INCLUDE_DIR = Path(__file__).resolve().parent.parent / "_engine" / "include"

_FORMAT_VERSION = 1
_MAGIC = b"CUARRAY\x01"
_ENTRY_HEADER = struct.Struct("<8sI32sQI")   # magic, version, key, cubin bytes, map bytes
_CHECKSUM_SIZE = 32
_ENTRY_SUFFIX = ".cubin.entry"

# Counters for tests and diagnostics: how often NVRTC really ran, and the disk hits.
stats = {"nvrtc_compiles": 0, "disk_hits": 0, "disk_writes": 0}

_cubin_cache: dict[tuple, tuple[bytes, dict]] = {}   # in-process: key -> (cubin, name map)
_module_cache: dict[tuple, object] = {}              # in-process: key -> loaded Module
_unwritable_dirs: set[str] = set()
_arch_by_device: dict[int, str] = {}


class CompileException(Exception):
    """NVRTC rejected a source.  See cupy.cuda.compiler.CompileException.

    ``str(e)`` holds NVRTC's log and the numbered source lines around each error.
    """

    def __init__(self, msg, source, name, options, backend="nvrtc", log=None):
        self._msg = msg
        self.source = source
        self.name = name
        self.options = tuple(options)
        self.backend = backend
        self.log = msg if log is None else log
        super().__init__(msg)

    def __reduce__(self):
        return (type(self), (self._msg, self.source, self.name, self.options,
                             self.backend, self.log))

    def dump(self, f):
        """Write the error, the options and the whole numbered source to the text file ``f``."""
        f.write(f"{self.backend.upper()} compilation error: {self._msg}\n-----\n")
        f.write(f"Name: {self.name}\nOptions: {' '.join(self.options)}\nCUDA source:\n")
        lines = self.source.splitlines()
        width = len(str(len(lines)))
        for i, line in enumerate(lines, 1):
            f.write(f"{i:>{width}} | {line.rstrip()}\n")
        f.write("-----\n")
        f.flush()


# -- architecture and options ------------------------------------------------------------

def _normalize_arch(arch) -> str:
    """``"sm_90"`` from ``"sm_90"``, ``"90"``, ``90`` or ``"sm_90a"``; cubin targets only."""
    text = str(arch).strip().lower()
    if text.startswith("compute_"):
        raise ValueError(f"arch {arch!r} is a PTX target; cuarray compiles to cubin only "
                         f"(use 'sm_{text[len('compute_'):]}')")
    text = text.removeprefix("sm_")
    if not re.fullmatch(r"\d{2,3}[af]?", text):
        raise ValueError(f"invalid CUDA architecture {arch!r} (expected e.g. 'sm_90')")
    return f"sm_{text}"


def _device_arch() -> str:
    """The exact architecture of the current device, asked once per device."""
    from ._device import Device, get_device_id
    device_id = get_device_id()
    arch = _arch_by_device.get(device_id)
    if arch is None:
        arch = _arch_by_device[device_id] = Device(device_id).arch
    return arch


_ARCH_OPTION = re.compile(r"^(?:-arch|--gpu-architecture)(?:=|$)")


def _split_arch_option(options: tuple[str, ...], arch):
    """Take an ``-arch=...`` out of the user's options; ``arch=`` wins over it."""
    rest, found = [], None
    it = iter(options)
    for opt in it:
        if _ARCH_OPTION.match(opt):
            found = opt.split("=", 1)[1] if "=" in opt else next(it, "")
        else:
            rest.append(opt)
    return tuple(rest), (arch if arch is not None else found)


def _normalize_options(options) -> tuple[str, ...]:
    if isinstance(options, (str, bytes)):
        options = (options,)
    return tuple(o.decode() if isinstance(o, bytes) else str(o) for o in options)


@functools.cache
def _system_include_dirs() -> tuple[str, ...]:
    """CCCL and CUDA runtime headers, found once per process (never a hard-coded path)."""
    from cuda.pathfinder import find_nvidia_header_directory
    dirs = []
    for lib in ("cccl", "cudart"):
        try:
            found = find_nvidia_header_directory(lib)
        except Exception:   # an unsupported name or a broken install: compile without it
            found = None
        if found:
            dirs.append(str(found))
    return tuple(dirs)


def _nvrtc_options(user_options: tuple[str, ...], arch: str) -> list[str]:
    opts = [f"-arch={arch}"]
    if not any(o.startswith(("-std", "--std")) for o in user_options):
        opts.append(_DEFAULT_STD)
    opts += user_options
    opts += [f"-I{d}" for d in (str(_INCLUDE_DIR), *_system_include_dirs())]
    return opts


# -- NVRTC --------------------------------------------------------------------------------

@functools.cache
def _nvrtc():
    from cuda.bindings import nvrtc
    return nvrtc


@functools.cache
def nvrtc_version() -> tuple[int, int]:
    """(major, minor) of the NVRTC library in use."""
    nv = _nvrtc()
    err, major, minor = nv.nvrtcVersion()
    _check_nvrtc(err, "nvrtcVersion")
    return int(major), int(minor)


def _check_nvrtc(err, what: str) -> None:
    nv = _nvrtc()
    if err != nv.nvrtcResult.NVRTC_SUCCESS:
        _, text = nv.nvrtcGetErrorString(err)
        raise RuntimeError(f"{what} failed: {text.decode()}")


def _program_log(nv, prog) -> str:
    err, size = nv.nvrtcGetProgramLogSize(prog)
    _check_nvrtc(err, "nvrtcGetProgramLogSize")
    buf = bytearray(size)
    _check_nvrtc(nv.nvrtcGetProgramLog(prog, buf)[0], "nvrtcGetProgramLog")
    return buf.rstrip(b"\0").decode(errors="replace").strip()


def _program_cubin(nv, prog) -> bytes:
    err, size = nv.nvrtcGetCUBINSize(prog)
    _check_nvrtc(err, "nvrtcGetCUBINSize")
    buf = bytearray(size)
    _check_nvrtc(nv.nvrtcGetCUBIN(prog, buf)[0], "nvrtcGetCUBIN")
    return bytes(buf)


def _run_nvrtc(source: str, options: list[str], name_expressions: tuple[str, ...],
               name: str, log_stream=None) -> tuple[bytes, dict]:
    """One NVRTC program: compile, then return the cubin and the lowered names."""
    nv = _nvrtc()
    err, prog = nv.nvrtcCreateProgram(source.encode(), name.encode(), 0, [], [])
    _check_nvrtc(err, "nvrtcCreateProgram")
    try:
        for expr in name_expressions:
            _check_nvrtc(nv.nvrtcAddNameExpression(prog, expr.encode())[0],
                         f"nvrtcAddNameExpression({expr!r})")
        (err,) = nv.nvrtcCompileProgram(prog, len(options), [o.encode() for o in options])
        stats["nvrtc_compiles"] += 1
        log = _program_log(nv, prog)
        if err != nv.nvrtcResult.NVRTC_SUCCESS:
            raise _compile_error(nv, err, log, source, name, options)
        if log and log_stream is not None:
            log_stream.write(log + "\n")
        mapping = {}
        for expr in name_expressions:
            err, lowered = nv.nvrtcGetLoweredName(prog, expr.encode())
            _check_nvrtc(err, f"nvrtcGetLoweredName({expr!r})")
            mapping[expr] = lowered.decode()
        return _program_cubin(nv, prog), mapping
    finally:
        nv.nvrtcDestroyProgram(prog)


# -- error messages -----------------------------------------------------------------------

_CONTEXT_LINES = 3


def _error_lines(log: str, name: str) -> list[int]:
    """Line numbers of the errors NVRTC reports in the program itself (not in headers)."""
    pattern = re.compile(rf"^{re.escape(name)}\((\d+)\): (?:catastrophic )?error", re.M)
    return sorted({int(m.group(1)) for m in pattern.finditer(log)})


def _source_excerpt(source: str, error_lines: list[int]) -> str:
    """The numbered source lines around each error line, the error lines marked with '>'."""
    lines = source.splitlines()
    shown: list[int] = []
    for ln in error_lines:
        lo, hi = max(1, ln - _CONTEXT_LINES), min(len(lines), ln + _CONTEXT_LINES)
        shown += [i for i in range(lo, hi + 1) if i not in shown]
    width = len(str(len(lines)))
    out, prev = [], None
    for i in sorted(shown):
        if prev is not None and i != prev + 1:
            out.append(" " * (width + 2) + "...")
        out.append(f"{'>' if i in error_lines else ' '} {i:>{width}} | {lines[i - 1].rstrip()}")
        prev = i
    return "\n".join(out)


def _compile_error(nv, err, log, source, name, options) -> CompileException:
    _, status = nv.nvrtcGetErrorString(err)
    arch = next((o.split("=", 1)[1] for o in options if o.startswith("-arch=")), "?")
    msg = f"NVRTC compilation of {name!r} for {arch} failed ({status.decode()})"
    msg += f":\n{log}" if log else "."
    lines = _error_lines(log, name)
    if lines:
        msg += f"\n\nSource around the error{'s' if len(lines) > 1 else ''}:\n"
        msg += _source_excerpt(source, lines)
    return CompileException(msg, source, name, options, log=log)


# -- cache keys ---------------------------------------------------------------------------

@functools.cache
def _headers_digest(include_dir: str) -> str:
    """sha256 over the names and contents of cuarray's own headers (read once per process)."""
    h = hashlib.sha256()
    root = Path(include_dir)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".cuh", ".h")):
        data = path.read_bytes()
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


_VERSION_MACROS = (("cudart", "cuda_runtime_api.h", "CUDART_VERSION"),
                   ("cccl", "cuda/std/__cccl/version.h", "CCCL_VERSION"))


def _nvrtc_fingerprint(files: list) -> str:
    """Identifies the NVRTC install without loading it (loading costs 10-25 ms on a disk hit)."""
    from cuda.pathfinder import find_nvidia_header_directory
    try:
        header = Path(find_nvidia_header_directory("nvrtc")) / "nvrtc.h"
        st = header.stat()
        files.append(str(header))
        return f"nvrtc.h={header}:{st.st_size}:{st.st_mtime_ns}"   # an upgrade rewrites it
    except (OSError, TypeError, RuntimeError):
        return "nvrtc=" + ".".join(map(str, nvrtc_version()))


def _compute_toolchain_fingerprint() -> tuple[str, list]:
    """(fingerprint, files it was read from): NVRTC, CUDA runtime and CCCL header versions."""
    files: list = []
    parts = [_nvrtc_fingerprint(files)]
    dirs = dict(zip(("cccl", "cudart"), (None, None)))
    for d in _system_include_dirs():
        dirs["cccl" if Path(d).name == "cccl" else "cudart"] = d
    for lib, header, macro in _VERSION_MACROS:
        try:
            path = Path(dirs[lib]) / header
            text = path.read_text(errors="replace")
            files.append(str(path))
            m = re.search(rf"#define\s+{macro}\s+(\d+)", text)
            parts.append(f"{lib}={m.group(1) if m else dirs[lib]}")
        except (OSError, TypeError):
            parts.append(f"{lib}=none")
    return ";".join(parts), files


def _stat_key(path: str):
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns]


@functools.cache
def _toolchain_fingerprint() -> str:
    """The toolchain part of every disk-cache key, memoised on disk.

    Finding the headers needs cuda.pathfinder, whose import alone costs 15-60 ms: a
    whole warm start otherwise.  The memo (one per Python environment) records the
    files the fingerprint came from with their size and mtime; while they are
    unchanged the fingerprint is reused without importing anything.
    """
    if not _disk_cache_enabled():
        return _compute_toolchain_fingerprint()[0]
    env = "\0".join([sys.prefix, sys.version, os.environ.get("CUDA_HOME", ""),
                      os.environ.get("CUDA_PATH", ""), *sys.path])
    memo = Path(get_cache_dir()) / f"toolchain-{hashlib.sha256(env.encode()).hexdigest()[:16]}.json"
    try:
        data = json.loads(memo.read_text())
        if data["files"] and all(_stat_key(f) == k for f, k in zip(data["files"], data["stats"])):
            return data["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    fingerprint, files = _compute_toolchain_fingerprint()
    try:
        record = {"fingerprint": fingerprint, "files": files,
                  "stats": [_stat_key(f) for f in files]}
        _write_entry_text(memo, json.dumps(record))
    except OSError:
        pass
    return fingerprint


def _write_entry_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _disk_key(source: str, options: tuple[str, ...], arch: str,
              name_expressions: tuple[str, ...], extra_source: str | None = None) -> str:
    h = hashlib.sha256()
    fields = (f"format={_FORMAT_VERSION}", f"cuarray={__version__}", _toolchain_fingerprint(),
              _headers_digest(str(_INCLUDE_DIR)), arch, "\0".join(options),
              "\0".join(name_expressions), extra_source or "", source)
    for field in fields:
        data = field.encode()
        h.update(len(data).to_bytes(8, "little") + data)   # length-prefixed: no ambiguity
    return h.hexdigest()


# -- the disk cache -----------------------------------------------------------------------

def get_cache_dir() -> str:
    """The on-disk kernel cache: ``$CUARRAY_CACHE_DIR`` or ``~/.cache/cuarray``."""
    return os.environ.get("CUARRAY_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "cuarray")


def _disk_cache_enabled() -> bool:
    return os.environ.get("CUARRAY_DISABLE_DISK_CACHE", "0").lower() in ("", "0", "false", "no")


def _encode_entry(key: str, cubin: bytes, mapping: dict) -> bytes:
    names = json.dumps(mapping, sort_keys=True).encode()
    body = _ENTRY_HEADER.pack(_MAGIC, _FORMAT_VERSION, bytes.fromhex(key), len(cubin),
                              len(names)) + cubin + names
    return body + hashlib.sha256(body).digest()


def _decode_entry(data: bytes, key: str):
    """(cubin, name map) from an entry's bytes, or None when anything about it is wrong."""
    hsize = _ENTRY_HEADER.size
    if len(data) < hsize + _CHECKSUM_SIZE:
        return None
    magic, version, entry_key, ncubin, nnames = _ENTRY_HEADER.unpack_from(data)
    if (magic != _MAGIC or version != _FORMAT_VERSION or entry_key != bytes.fromhex(key)
            or len(data) != hsize + ncubin + nnames + _CHECKSUM_SIZE):
        return None
    body = data[:-_CHECKSUM_SIZE]
    if hashlib.sha256(body).digest() != data[-_CHECKSUM_SIZE:]:
        return None
    cubin = data[hsize:hsize + ncubin]
    try:
        mapping = json.loads(data[hsize + ncubin:-_CHECKSUM_SIZE])
    except ValueError:
        return None
    return (cubin, mapping) if isinstance(mapping, dict) else None


def _read_entry(cache_dir: str, key: str):
    try:
        with open(os.path.join(cache_dir, key + _ENTRY_SUFFIX), "rb") as f:
            data = f.read()
    except OSError:
        return None
    return _decode_entry(data, key)


def _write_entry(cache_dir: str, key: str, data: bytes) -> None:
    """Write atomically (temporary file in the same directory, then rename); never raise."""
    if cache_dir in _unwritable_dirs:
        return
    tmp = None
    try:
        os.makedirs(cache_dir, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=f".{key[:16]}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(cache_dir, key + _ENTRY_SUFFIX))
        tmp = None
        stats["disk_writes"] += 1
    except OSError:
        _unwritable_dirs.add(cache_dir)   # read-only or missing: stop trying in this process
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _dump_dir(cache_dir: str) -> str | None:
    """Where CUARRAY_DUMP_SOURCE asks for sources to go (None: nowhere)."""
    setting = os.environ.get("CUARRAY_DUMP_SOURCE", "")
    if setting.lower() in ("", "0", "false", "no"):
        return None
    return os.path.join(cache_dir, "dump") if setting.lower() in ("1", "true", "yes") else setting


def _dump_source(target: str, key: str, source: str, options, arch, name_expressions) -> None:
    header = (f"// arch: {arch}\n// options: {' '.join(options)}\n"
              f"// name_expressions: {list(name_expressions)}\n")
    try:
        os.makedirs(target, exist_ok=True)
        with open(os.path.join(target, key + ".cu"), "w") as f:
            f.write(header + source)
    except OSError:
        pass   # dumping is a debugging aid; it must never break a compile


# -- public entry points ------------------------------------------------------------------

def _resolve(source, options, arch, name_expressions):
    """Normalise the arguments into the in-process cache key."""
    if isinstance(source, bytes):
        source = source.decode()
    user_options, arch = _split_arch_option(_normalize_options(options), arch)
    arch = _device_arch() if arch is None else _normalize_arch(arch)
    names = tuple(name_expressions or ())
    return source, user_options, arch, names


def compile_to_cubin(source, options=(), arch=None, name_expressions=None, *, name=_PROGRAM_NAME,
                     cache_dir=None, extra_source=None, log_stream=None) -> tuple[bytes, dict]:
    """Compile to a cubin for ``arch`` (default: the current device's); return (cubin, name map).

    The name map takes each of ``name_expressions`` (e.g. ``"k<float>"``) to its
    lowered (mangled) symbol.  No GPU is needed when ``arch`` is given.
    """
    source, user_options, arch, names = _resolve(source, options, arch, name_expressions)
    key = (source, user_options, arch, names, extra_source)
    hit = _cubin_cache.get(key)
    if hit is None:
        hit = _cubin_cache[key] = _compile_via_disk(
            source, user_options, arch, names, name, cache_dir, extra_source, log_stream)
    return hit[0], dict(hit[1])


def _compile_via_disk(source, user_options, arch, names, name, cache_dir, extra_source,
                      log_stream):
    use_disk = _disk_cache_enabled()
    cache_dir = cache_dir or get_cache_dir()
    dump_dir = _dump_dir(cache_dir)
    key = (_disk_key(source, user_options, arch, names, extra_source)
           if use_disk or dump_dir else None)
    if dump_dir:
        _dump_source(dump_dir, key, source, user_options, arch, names)
    if use_disk:
        found = _read_entry(cache_dir, key)
        if found is not None:
            stats["disk_hits"] += 1
            return found
    options = _nvrtc_options(user_options, arch)
    cubin, mapping = _run_nvrtc(source, options, names, name, log_stream)
    if use_disk:
        _write_entry(cache_dir, key, _encode_entry(key, cubin, mapping))
    return cubin, mapping


def compile_with_cache(source, options=(), arch=None, cache_dir=None, extra_source=None,
                       backend="nvrtc", *, enable_cooperative_groups=False,
                       name_expressions=None, log_stream=None, jitify=False):
    """Compile (or find in a cache) and load ``source``; return its Module.

    See cupy.cuda.compile_with_cache.  Differences from CuPy: NVRTC only
    (``backend="nvcc"`` and ``jitify=True`` raise), always a cubin for one
    architecture, and ``enable_cooperative_groups`` needs no extra options
    (grid-wide sync compiles without relocatable device code).
    """
    if backend != "nvrtc":
        raise ValueError(f"backend {backend!r} is not supported; cuarray compiles with NVRTC")
    if jitify:
        raise NotImplementedError("jitify is not supported")
    source, user_options, arch, names = _resolve(source, options, arch, name_expressions)
    key = (source, user_options, arch, names, extra_source)
    module = _module_cache.get(key)
    if module is None:
        from .function import Module
        cubin, mapping = compile_to_cubin(source, user_options, arch, names,
                                          cache_dir=cache_dir, extra_source=extra_source,
                                          log_stream=log_stream)
        module = _module_cache[key] = Module.from_cubin(cubin, mapping)
    return module


def _clear_memory_cache() -> None:
    """Forget in-process compiled and loaded kernels (the disk cache stays).

    For tests and benchmarks of the disk-cache path a new process takes.
    """
    _cubin_cache.clear()
    _module_cache.clear()
