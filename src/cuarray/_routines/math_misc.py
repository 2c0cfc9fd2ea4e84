"""Mathematical functions (NumPy reference) that math.py does not hold: unwrap
("Trigonometric functions") and interp ("Miscellaneous").

unwrap is NumPy's own algorithm written with cuarray's ufuncs and routines (the same
operations on the same dtypes, so the same values up to the summation order of its
cumulative sum).  interp is one kernel: each thread binary-searches ``xp`` for
its ``x`` and interpolates with NumPy's formula, including NumPy's retry from the right
end where the left one gives NaN.
"""

from __future__ import annotations

import math

import numpy

from .._core.dtypes import ctype
from .._core.ndarray import _empty
from ._args import device_operand
from .creation import host_scalar

_F64 = numpy.dtype(numpy.float64)
_C128 = numpy.dtype(numpy.complex128)
_BLOCK = 256
_kernels: dict = {}


# -- unwrap ---------------------------------------------------------------------------------
def unwrap(p, discont=None, axis=-1, *, period=2 * math.pi):
    """See numpy.unwrap.

    Differences from NumPy: the cumulative sum of the corrections adds in a different
    order (a parallel scan), which can change the last bits.
    """
    from .._ufunc import namespace as uf
    from .creation import array
    from .differences import diff
    from .dtypes import result_type
    from .manipulation import copyto
    p = device_operand(p, "unwrap")
    period, discont = host_scalar(period), host_scalar(discont)
    nd = p.ndim
    dd = diff(p, axis=axis)
    if discont is None:
        discont = period / 2
    slice1 = [slice(None, None)] * nd
    slice1[axis] = slice(1, None)
    slice1 = tuple(slice1)
    dtype = result_type(dd, period)
    if numpy.issubdtype(dtype, numpy.integer):
        interval_high, rem = divmod(period, 2)
        boundary_ambiguous = rem == 0
    else:
        interval_high = period / 2
        boundary_ambiguous = True
    interval_low = -interval_high
    ddmod = uf.mod(dd - interval_low, period) + interval_low
    if boundary_ambiguous:
        # abs(dd) == period / 2 was mapped to -period / 2: give it the sign of dd.
        copyto(ddmod, interval_high, where=(ddmod == interval_low) & (dd > 0))
    ph_correct = ddmod - dd
    copyto(ph_correct, 0, where=uf.absolute(dd) < discont)
    up = array(p, copy=True, dtype=dtype)
    up[slice1] = p[slice1] + ph_correct.cumsum(axis)
    return up


# -- interp -----------------------------------------------------------------------------------
def interp_source(cmplx: bool) -> tuple[str, str]:
    """(name, source) of NumPy's compiled interp (arr_interp, arr_interp_complex), one
    thread per ``x``: binary search for the last ``xp[j] <= x``, then the line through
    ``(xp[j], fp[j])`` and ``(xp[j+1], fp[j+1])``, every step rounded (no FMA)."""
    t = ctype(_C128 if cmplx else _F64)
    name = f"cuarray_interp__{'complex128' if cmplx else 'float64'}"
    if cmplx:
        line = """const double inv_dx = __ddiv_rn(1.0, __dsub_rn(xp[j + 1], xp[j]));
        const double s_re = __dmul_rn(__dsub_rn(fp[j + 1].re, fp[j].re), inv_dx);
        const double s_im = __dmul_rn(__dsub_rn(fp[j + 1].im, fp[j].im), inv_dx);
        r = T(cuarray_interp::line(s_re, xv, xp[j], xp[j + 1], fp[j].re, fp[j + 1].re),
              cuarray_interp::line(s_im, xv, xp[j], xp[j + 1], fp[j].im, fp[j + 1].im));"""
        nan_x = "T(xv, 0.0)"
    else:
        line = """const double slope = __ddiv_rn(__dsub_rn(fp[j + 1], fp[j]),
                                        __dsub_rn(xp[j + 1], xp[j]));
        r = cuarray_interp::line(slope, xv, xp[j], xp[j + 1], fp[j], fp[j + 1]);"""
        nan_x = "T(xv)"
    lval = "T(l_re, l_im)" if cmplx else "T(l_re)"
    rval = "T(r_re, r_im)" if cmplx else "T(r_re)"
    src = ("#include <cuarray/common.cuh>\n" + ("#include <cuarray/complex.cuh>\n" if cmplx else "")
           + f"""namespace cuarray_interp {{
// NumPy: slope * (x - xp[j]) + fp[j]; where that is NaN, the same from the right end; where
// that is NaN too and both ends are equal, that value.
__device__ __forceinline__ double line(double slope, double x, double x0, double x1,
                                       double y0, double y1) {{
  double r = __dadd_rn(__dmul_rn(slope, __dsub_rn(x, x0)), y0);
  if (isnan(r)) {{
    r = __dadd_rn(__dmul_rn(slope, __dsub_rn(x, x1)), y1);
    if (isnan(r) && y0 == y1) r = y0;
  }}
  return r;
}}
}}
extern "C" __global__ void {name}(const double* __restrict__ x, const long long n,
    const double* __restrict__ xp, const {t}* __restrict__ fp, const long long m,
    const int has_left, const double l_re, const double l_im,
    const int has_right, const double r_re, const double r_im, {t}* __restrict__ out)
{{
  typedef {t} T;
  const T lval = has_left ? {lval} : fp[0];
  const T rval = has_right ? {rval} : fp[m - 1];
  CUARRAY_GRID_STRIDE_LOOP(long long, i, n) {{
    const double xv = x[i];
    T r;
    if (m == 1) {{
      r = xv < xp[0] ? lval : (xv > xp[0] ? rval : fp[0]);
    }} else if (isnan(xv)) {{
      r = {nan_x};
    }} else {{
      long long j;
      if (xv > xp[m - 1]) {{
        j = m;
      }} else if (xv < xp[0]) {{
        j = -1;
      }} else {{
        long long lo = 0, hi = m;
        while (lo < hi) {{
          const long long mid = lo + ((hi - lo) >> 1);
          if (xv >= xp[mid]) lo = mid + 1; else hi = mid;
        }}
        j = lo - 1;
      }}
      if (j == -1) {{
        r = lval;
      }} else if (j == m) {{
        r = rval;
      }} else if (j == m - 1 || xp[j] == xv) {{
        r = fp[j];
      }} else {{
        {line}
      }}
    }}
    out[i] = r;
  }}
}}
""")
    return name, src


def _fill_value(v, cmplx: bool):
    """(given, real, imag) of ``left``/``right`` as NumPy's C code reads them."""
    v = host_scalar(v)
    if v is None:
        return 0, 0.0, 0.0
    if cmplx:
        c = complex(v)
        return 1, c.real, c.imag
    return 1, float(v), 0.0


def _sample_points(a, name: str, dt):
    """A 1-D C-contiguous copy of ``a`` in ``dt`` (NumPy's PyArray_ContiguousFromAny(a, dt,
    1, 1))."""
    if a.ndim < 1:
        raise ValueError("object of too small depth for desired array")
    if a.ndim > 1:
        raise ValueError("object too deep for desired array")
    if a.dtype.kind == "c" and dt.kind != "c":
        raise TypeError(f"Cannot cast array data from {a.dtype!r} to {dt!r} according to "
                        "the rule 'safe'")
    return a.astype(dt, order="C", copy=not (a.dtype == dt and a._c))


def interp(x, xp, fp, left=None, right=None, period=None):
    """See numpy.interp.

    Differences from NumPy: where ``xp`` is not increasing NumPy's result is undefined,
    and this one may differ from it.  ``period`` needs ``cuarray.argsort``.
    """
    from .creation import ascontiguousarray
    x, xp, fp = (device_operand(v, "interp") for v in (x, xp, fp))
    cmplx = fp.dtype.kind == "c"
    out_dt = _C128 if cmplx else _F64
    if period is not None:
        x, xp, fp = _periodic(x, xp, fp, host_scalar(period), out_dt)
        left = right = None
    fp = _sample_points(fp, "fp", out_dt)
    xp = _sample_points(xp, "xp", _F64)
    if x.dtype.kind == "c":
        raise TypeError(f"Cannot cast array data from {x.dtype!r} to {_F64!r} according to "
                        "the rule 'safe'")
    x = ascontiguousarray(x, dtype=_F64) if x.ndim else x.astype(_F64)
    if xp.size == 0 and x.size != 0:
        raise ValueError("array of sample points is empty")
    if fp.size != xp.size:
        raise ValueError("fp and xp are not of the same length.")
    lv, rv = _fill_value(left, cmplx), _fill_value(right, cmplx)
    out = _empty(x.shape, out_dt)
    if x.size:
        fn = _kernels.get(cmplx)
        if fn is None:
            from ..cuda.compiler import compile_with_cache
            name, src = interp_source(cmplx)
            fn = _kernels[cmplx] = compile_with_cache(src).get_function(name)
        grid = min((x.size + _BLOCK - 1) // _BLOCK, 2**31 - 1)
        fn(grid, _BLOCK, (x._ptr, x.size, xp._ptr, fp._ptr, xp.size, *lv, *rv, out._ptr))
    return out


def _periodic(x, xp, fp, period, out_dt):
    """NumPy's periodic interp: everything modulo ``period``, ``xp`` sorted, one point of
    each end copied past the other."""
    from .joining import concatenate
    if period == 0:
        raise ValueError("period must be a non-zero value")
    period = abs(period)
    x, xp, fp = x.astype(_F64), xp.astype(_F64), fp.astype(out_dt)
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("Data points must be 1-D sequences")
    if xp.shape[0] != fp.shape[0]:
        raise ValueError("fp and xp are not of the same length")
    x = x % period
    xp = xp % period
    from .. import argsort      # the sorting chapter
    order = argsort(xp)
    xp, fp = xp[order], fp[order]
    xp = concatenate((xp[-1:] - period, xp, xp[0:1] + period))
    fp = concatenate((fp[-1:], fp, fp[0:1]))
    return x, xp, fp
