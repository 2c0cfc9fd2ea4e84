"""Making a C2R input a valid half spectrum, so cuFFT computes NumPy's irfft/irfftn.

NumPy's irfft reads only the real parts of the DC and (even n) Nyquist bins, and
irfftn assumes Hermitian symmetry along the halved axis only (inverse FFTs over the
other axes, then a 1-D irfft).  cuFFT's C2R assumes a valid half spectrum: its 1-D
transform does not ignore those imaginary parts at every size, and its multi-axis
transform assumes symmetry along every axis, so arbitrary (non-Hermitian) input
gives other results than NumPy's.

NumPy's result depends on the DC and Nyquist slices (index 0 and n/2 of the halved
axis) only through their Hermitian-symmetric part along the other transformed axes:
``z[k] -> (z[k] + conj(z[-k])) / 2`` (indices mirrored modulo each axis' length).
Replacing those two slices by it leaves NumPy's result unchanged and makes the
input a half spectrum of a real array, on which every C2R decomposition agrees.
One small in-place kernel does it on the C2R's scratch copy; each thread owns a
(k, -k) pair, so the update has no race.
"""

from __future__ import annotations

import numpy

_kernels: dict = {}
BLOCK = 256


def hermitian_source(real: str, nd: int) -> tuple[str, str]:
    """(kernel name, CUDA source) symmetrising slices of ``nd`` axes of complex<``real``>.

    Arguments: ``base`` (the first slice), ``count`` (elements per slice), ``nslices``
    (1 or 2), ``second`` (byte offset of the second slice), ``mask`` (bit d: mirror
    axis d), then each axis' length and byte stride.
    """
    name = f"cuarray_fft_hermitian__{real}__{nd}"
    params = ["char* base", "long long count", "long long nslices", "long long second",
              "long long mask"]
    for d in range(nd):
        params += [f"long long s{d}", f"long long t{d}"]
    body = [f"typedef {real} T;",
            "const long long total = count * nslices;",
            "for (long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x; g < total;",
            "     g += (long long)blockDim.x * gridDim.x) {",
            "  const long long i = g % count;",
            "  char* sb = base + (g / count) * second;",
            "  long long r = i, off = 0, moff = 0, mlin = 0, place = 1;",
            "  (void)r; (void)place;"]
    for d in range(nd - 1, -1, -1):
        body += [f"  {{ const long long c = r % s{d}; r /= s{d};",
                 f"    const long long m = (((mask >> {d}) & 1) && c) ? s{d} - c : c;",
                 f"    off += c * t{d}; moff += m * t{d}; mlin += m * place; place *= s{d}; }}"]
    body += ["  if (mlin < i) continue;                // the partner's thread does this pair",
             "  T* p = reinterpret_cast<T*>(sb + off);",
             "  if (mlin == i) { p[1] = (T)0; continue; }",
             "  T* q = reinterpret_cast<T*>(sb + moff);",
             "  const T sr = (p[0] + q[0]) * (T)0.5, si = (p[1] - q[1]) * (T)0.5;",
             "  p[0] = sr; p[1] = si; q[0] = sr; q[1] = -si;",
             "}"]
    src = (f'extern "C" __global__ void {name}(' + ", ".join(params) + ")\n{\n  "
           + "\n  ".join(body) + "\n}\n")
    return name, src


def slice_args(shape, strides, h: int, nyquist: bool, mirror_axes) -> tuple:
    """(count, nslices, second, mask, [(length, stride), ...]) for the slices of axis ``h``."""
    dims = [(n, st) for ax, (n, st) in enumerate(zip(shape, strides)) if ax != h]
    kept = [ax for ax in range(len(shape)) if ax != h]
    mask = 0
    for d, ax in enumerate(kept):
        if ax in mirror_axes:
            mask |= 1 << d
    count = 1
    for n, _ in dims:
        count *= n
    nslices = 2 if nyquist and shape[h] > 1 else 1
    return count, nslices, (shape[h] - 1) * strides[h], mask, dims


def symmetrize(x, h: int, nyquist: bool, mirror_axes) -> None:
    """Make the DC (and, for even n, Nyquist) slices of ``x`` along ``h`` Hermitian along
    ``mirror_axes``; in place, on the current stream."""
    count, nslices, second, mask, dims = slice_args(x._shape, x._strides, h, nyquist,
                                                   mirror_axes)
    total = count * nslices
    if not total:
        return
    real = "float" if x.dtype == numpy.complex64 else "double"
    key = (real, len(dims))
    fn = _kernels.get(key)
    if fn is None:
        from ..cuda.compiler import compile_with_cache
        name, src = hermitian_source(real, len(dims))
        fn = _kernels[key] = compile_with_cache(src).get_function(name)
    args = [x._ptr, count, nslices, second, mask]
    for n, st in dims:
        args += [n, st]
    grid = min((total + BLOCK - 1) // BLOCK, 1 << 20)
    fn(grid, BLOCK, tuple(args))
