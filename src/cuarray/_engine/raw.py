"""User-written CUDA C++: ``RawKernel`` and ``RawModule`` (CuPy's classes and signatures).

Both compile with NVRTC to a cubin for the current device (the runtime's compiler,
with its in-process and on-disk caches) the first time they are needed, and load it
as a context-independent module, so one object serves every GPU of that architecture.
A launch goes straight to the runtime's fast path (``cuda.function.Function``): the
argument rules, size checks and packing are documented there.

Differences from CuPy: NVRTC is the only backend (``backend='nvcc'`` and
``jitify=True`` raise ValueError); ``translate_cucomplex`` is accepted and has no
effect, since NVRTC compiles ``<cuComplex.h>`` as it is and our complex64/complex128
arrays have cuFloatComplex/cuDoubleComplex's layout.
"""

from __future__ import annotations

_ATTRIBUTES = ("max_threads_per_block", "shared_size_bytes", "const_size_bytes",
               "local_size_bytes", "num_regs", "ptx_version", "binary_version")


def _check_backend(backend, jitify) -> None:
    if backend != "nvrtc":
        raise ValueError(f"backend {backend!r} is not supported: cuarray compiles with NVRTC "
                         "(backend='nvrtc')")
    if jitify:
        raise ValueError("jitify=True is not supported: NVRTC compiles the code as given; "
                         "include the headers it needs")


def _options(options) -> tuple:
    if isinstance(options, str):
        return (options,)
    return tuple(options)


class RawKernel:
    """A CUDA C++ kernel from source.  See cupy.RawKernel.

    ``kernel(grid, block, args, shared_mem=0, stream=None)`` launches it; ``args`` is a
    tuple of arrays (ours or anything with ``__cuda_array_interface__``), NumPy scalars,
    Python scalars and ctypes values.  A wrong argument count or size raises TypeError
    naming the argument; a launch the device refuses raises ``CUDADriverError`` saying
    which limit the configuration broke.
    """

    def __init__(self, code, name, options=(), backend="nvrtc", translate_cucomplex=False, *,
                 enable_cooperative_groups=False, jitify=False):
        _check_backend(backend, jitify)
        self.code = code.decode() if isinstance(code, bytes) else code
        self.name = name
        self.options = _options(options)
        self.backend = backend
        self.translate_cucomplex = translate_cucomplex
        self.enable_cooperative_groups = enable_cooperative_groups
        self.jitify = jitify
        self.name_expressions = None
        self._fn = None
        self._module = None

    @classmethod
    def _from_module(cls, raw_module, name):
        k = cls.__new__(cls)
        k.code, k.name, k.options = raw_module.code, name, raw_module.options
        k.backend, k.translate_cucomplex = raw_module.backend, raw_module.translate_cucomplex
        k.enable_cooperative_groups = raw_module.enable_cooperative_groups
        k.jitify, k.name_expressions = False, raw_module.name_expressions
        k._module = raw_module
        k._fn = None
        return k

    def __repr__(self):
        return f"<cuarray.RawKernel {self.name!r}>"

    @property
    def kernel(self):
        """The loaded ``cuarray.cuda.Function`` (compiled on first access)."""
        fn = self._fn
        if fn is None:
            module = self._module.module if self._module is not None else _compile(
                self.code, self.options, None, self.enable_cooperative_groups)
            fn = self._fn = module.get_function(self.name)
        return fn

    def compile(self, log_stream=None):
        """Compile and load now (else the first launch does).  See cupy.RawKernel.compile."""
        if self._module is not None:
            self._module.compile(log_stream)
        elif self._fn is None:
            _compile(self.code, self.options, None, self.enable_cooperative_groups, log_stream)
        self.kernel

    def __call__(self, grid, block, args, shared_mem=0, stream=None,
                 enable_cooperative_groups=False):
        fn = self._fn
        if fn is None:
            fn = self.kernel
        elif (stream is None and not shared_mem and type(args) is tuple
              and not (enable_cooperative_groups or self.enable_cooperative_groups)):
            # The common launch: 1-2-D grid and block, current stream, argument types seen
            # before; the runtime's engine path packs and launches with no other checks.
            g = _XY.get(type(grid))
            b = _XY.get(type(block))
            if g is not None and b is not None:
                gx, gy = g(grid)
                bx, by = b(block)
                if gx > 0 and gy > 0 and bx > 0 and by > 0:
                    try:
                        if fn._launch_known(gx, gy, bx, by, args):
                            return
                    except Exception as exc:
                        _explain_launch_error(exc, fn, grid, block, shared_mem)
                        raise
        try:
            fn(grid, block, args, shared_mem, stream,
               enable_cooperative_groups or self.enable_cooperative_groups)
        except Exception as exc:
            _explain_launch_error(exc, fn, grid, block, shared_mem)
            raise

    @property
    def attributes(self) -> dict:
        """See cupy.RawKernel.attributes."""
        return self.kernel.attributes

    @property
    def max_dynamic_shared_size_bytes(self) -> int:
        return self.kernel.max_dynamic_shared_size_bytes

    @max_dynamic_shared_size_bytes.setter
    def max_dynamic_shared_size_bytes(self, value):
        self.kernel.max_dynamic_shared_size_bytes = value

    @property
    def preferred_shared_memory_carveout(self) -> int:
        return self.kernel.preferred_shared_memory_carveout

    @preferred_shared_memory_carveout.setter
    def preferred_shared_memory_carveout(self, value):
        self.kernel.preferred_shared_memory_carveout = value


def _xy_tuple(t):
    n = len(t)
    if n == 1:
        return t[0], 1
    if n == 2:
        return t[0], t[1]
    return 0, 0           # 3-D: the general path


_XY = {int: lambda v: (v, 1), tuple: _xy_tuple}


def _attribute(name):
    return property(lambda self: getattr(self.kernel, name), doc=f"See cupy.RawKernel.{name}.")


for _name in _ATTRIBUTES:
    setattr(RawKernel, _name, _attribute(_name))
del _name


def _compile(code, options, name_expressions, cooperative, log_stream=None):
    from ..cuda.compiler import compile_with_cache
    return compile_with_cache(code, options, name_expressions=name_expressions,
                              enable_cooperative_groups=cooperative, log_stream=log_stream)


def _explain_launch_error(exc, fn, grid, block, shared_mem) -> None:
    """Re-raise a refused launch with the limit it broke named (the driver only says
    CUDA_ERROR_INVALID_VALUE); other errors pass through unchanged."""
    from ..cuda._driver import CUDADriverError
    if not isinstance(exc, CUDADriverError):
        return
    from ..cuda.function import _dim3
    try:
        g, b = _dim3(grid), _dim3(block)
        limit = fn.max_threads_per_block
        smem = fn.max_dynamic_shared_size_bytes
    except Exception:
        return
    problems = []
    threads = b[0] * b[1] * b[2]
    if threads > limit:
        problems.append(f"block {b} has {threads} threads but this kernel allows at most {limit}")
    if b[2] > 64 or b[0] > 1024 or b[1] > 1024:
        problems.append(f"block {b} exceeds the per-dimension limits (1024, 1024, 64)")
    if g[0] > 2**31 - 1 or g[1] > 65535 or g[2] > 65535:
        problems.append(f"grid {g} exceeds the limits (2**31 - 1, 65535, 65535)")
    if shared_mem > smem:
        problems.append(f"shared_mem={shared_mem} exceeds this kernel's dynamic shared memory "
                        f"limit of {smem} bytes (raise max_dynamic_shared_size_bytes)")
    if problems:
        raise CUDADriverError(exc.status, f"invalid launch configuration for kernel "
                              f"{fn.name!r}: " + "; ".join(problems) + f" ({exc})") from exc


class RawModule:
    """A CUDA C++ module from source or from a cubin/PTX/fatbin file.  See cupy.RawModule.

    ``name_expressions`` instantiates templates: ``get_function('f<float>')`` then finds
    the lowered name.  Exactly one of ``code`` and ``path`` is given.
    """

    def __init__(self, code=None, path=None, options=(), backend="nvrtc",
                 translate_cucomplex=False, *, enable_cooperative_groups=False,
                 name_expressions=None, jitify=False):
        if (code is None) == (path is None):
            raise TypeError("exactly one of code and path must be given")
        if path is not None and name_expressions:
            raise ValueError("name_expressions applies to code compiled from source, not to a "
                             "loaded file")
        _check_backend(backend, jitify)
        self.code = code.decode() if isinstance(code, bytes) else code
        self.file_path = path
        self.options = _options(options)
        self.backend = backend
        self.translate_cucomplex = translate_cucomplex
        self.enable_cooperative_groups = enable_cooperative_groups
        self.name_expressions = tuple(name_expressions) if name_expressions else None
        self._module = None
        self._kernels: dict = {}

    @property
    def module(self):
        """The loaded ``cuarray.cuda.Module`` (compiled or read on first access)."""
        m = self._module
        if m is None:
            m = self._module = self._load()
        return m

    def _load(self, log_stream=None):
        if self.code is not None:
            return _compile(self.code, self.options, self.name_expressions,
                            self.enable_cooperative_groups, log_stream)
        from ..cuda.function import Module
        m = Module()
        m.load_file(self.file_path)
        return m

    def compile(self, log_stream=None):
        """Compile and load now.  See cupy.RawModule.compile."""
        if self._module is None:
            self._module = self._load(log_stream)

    def get_function(self, name) -> RawKernel:
        """The kernel ``name`` (a name expression for a template) as a RawKernel."""
        k = self._kernels.get(name)
        if k is None:
            k = RawKernel._from_module(self, name)
            k.kernel          # raises AttributeError now for an unknown name
            self._kernels[name] = k
        return k

    def get_global(self, name):
        """A MemoryPointer to the ``__device__`` variable ``name`` on the current device."""
        from ..cuda.memory import MemoryPointer, UnownedMemory
        var = self.module.get_global(name)
        return MemoryPointer(UnownedMemory(var.ptr, var.size, self), 0)
