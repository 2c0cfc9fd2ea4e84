"""The distributions as data: one :class:`~._kernels.Dist` per kernel (see ``_kernels``).

Bodies are C++ run per element with ``x`` (the lane's base value), ``p_<param>`` and the
element's substream ``_s``; the samplers live in ``cuarray/random.cuh``.  Where one body
draws twice, each draw is its own statement: C++ leaves the order of evaluation of function
arguments unspecified, and the order of draws must not depend on the compiler.
"""

from __future__ import annotations

from ._kernels import Dist

# -- uniform and raw bits -----------------------------------------------------------------------
RANDOM = Dist("random", (), "u01")
UNIFORM = Dist("uniform", ("low", "high"), "u01", "out = p_low + (p_high - p_low) * x;")
RAW32 = Dist("raw32", (), "w32")
RAW64 = Dist("raw64", (), "w64")
# integers: ``low`` and ``high`` (inclusive) as the dtype's 64-bit integers; the range
# high - low in uint64 arithmetic (wraps correctly for signed bounds).
_INT_BODY = ("const unsigned long long lo = (unsigned long long)p_low, "
             "rg = (unsigned long long)p_high - lo; ")
INTEGERS32 = Dist("integers32", ("low", "high"), "w32",
                  _INT_BODY + "out = (out_t)(lo + bounded32(_s, x, (unsigned int)rg));",
                  stream=True, ptypes="ii")
INTEGERS64 = Dist("integers64", ("low", "high"), "w64",
                  _INT_BODY + "out = (out_t)(lo + bounded64(_s, x, rg));",
                  stream=True, ptypes="ii")
UINTEGERS32 = Dist("uintegers32", ("low", "high"), "w32",
                   INTEGERS32.body, stream=True, ptypes="uu")
UINTEGERS64 = Dist("uintegers64", ("low", "high"), "w64", INTEGERS64.body, stream=True,
                   ptypes="uu")

# -- from normals ---------------------------------------------------------------------------------
STANDARD_NORMAL = Dist("standard_normal", (), "normal")
NORMAL = Dist("normal", ("loc", "scale"), "normal", "out = p_loc + p_scale * x;")
LOGNORMAL = Dist("lognormal", ("mean", "sigma"), "normal", "out = r_exp(p_mean + p_sigma * x);")

# -- from exponentials ----------------------------------------------------------------------------
STANDARD_EXPONENTIAL = Dist("standard_exponential", (), "exp")
EXPONENTIAL = Dist("exponential", ("scale",), "exp", "out = p_scale * x;")
PARETO = Dist("pareto", ("a",), "exp", "out = r_expm1(x / p_a);")
POWER = Dist("power", ("a",), "exp", "out = r_pow(-r_expm1(-x), real(1) / p_a);")
RAYLEIGH = Dist("rayleigh", ("scale",), "exp", "out = p_scale * r_sqrt(real(2) * x);")
WEIBULL = Dist("weibull", ("a",), "exp",
               "out = p_a == 0 ? real(0) : r_pow(x, real(1) / p_a);")
GEOMETRIC = Dist("geometric", ("p",), "exp", "out = geometric(x, p_p);")

# -- from uniforms on (0, 1) and [0, 1) --------------------------------------------------------
LOGISTIC = Dist("logistic", ("loc", "scale"), "u01o",
                "out = p_loc + p_scale * (r_log(x) - r_log1p(-x));")
GUMBEL = Dist("gumbel", ("loc", "scale"), "u01o", "out = p_loc - p_scale * r_log(-r_log(x));")
LAPLACE = Dist("laplace", ("loc", "scale"), "u01o",
               "out = x < real(0.5) ? p_loc + p_scale * r_log(x + x)"
               " : p_loc - p_scale * r_log(real(2) - x - x);")
STANDARD_CAUCHY = Dist("standard_cauchy", (), "u01o",
                       "real sn, cs; sin_cos_pi(x - real(0.5), &sn, &cs); out = sn / cs;")
TRIANGULAR = Dist("triangular", ("left", "mode", "right"), "u01",
                  "const real base = p_right - p_left, lb = p_mode - p_left;"
                  " if (x <= lb / base) out = p_left + r_sqrt(x * lb * base);"
                  " else out = p_right - r_sqrt((real(1) - x) * (p_right - p_mode) * base);")
# lam < 10: inversion of the lane's uniform; larger: PTRS on the element's substream (array
# means; a scalar mean takes the prepared kernels below).
POISSON = Dist("poisson", ("lam",), "u01",
               "out = p_lam < 10 ? poisson_inversion(x, p_lam) : poisson_ptrs(_s, p_lam);",
               stream=True)

# -- scalar parameters prepared on the host (cuarray.random._prepare) --------------------------
# The setup of these samplers depends on the parameters only: computed once per call on the
# host instead of once per element (two lgamma calls for BTRS).
POISSON_INVERSION = Dist("poisson_inversion", ("lam", "p0"), "u01",
                         "out = poisson_inversion(x, p_lam, p_p0);")
POISSON_PTRS = Dist("poisson_ptrs", ("lam", "loglam", "a", "b", "lalpha", "vr"),
                    body="const Ptrs c = {p_lam, p_loglam, p_a, p_b, p_lalpha, p_vr};"
                         " out = poisson_ptrs(_s, c);")
BINOMIAL_INVERSION = Dist("binomial_inversion", ("n", "flip", "p0", "r"), "u01",
                          "const long long k = binomial_inversion(x, p_n, p_p0, p_r);"
                          " out = p_flip ? p_n - k : k;", ptypes="iirr")
BINOMIAL_BTRS = Dist("binomial_btrs", ("n", "flip", "q", "a", "b", "c", "vr", "alpha", "lpq",
                                       "m", "h"),
                     body="const Btrs c = {(double)p_n, p_q, p_a, p_b, p_c, p_vr, p_alpha, p_lpq,"
                          " p_m, p_h}; const long long k = binomial_btrs(_s, c);"
                          " out = p_flip ? p_n - k : k;", ptypes="iirrrrrrrrr")
GAMMA_PREPARED = Dist("gamma_prepared", ("d", "c", "inv_a", "scale"), "normal_u",
                      "out = p_scale * gamma_prepared<real>(_s, p_d, p_c, p_inv_a, true, x, y);",
                      stream=True)

# -- rejection samplers on the element's substream ------------------------------------------------
# gammas: the lanes' (normal, uniform) pairs make the first Marsaglia-Tsang proposal (accepted
# 95-99% of the time for shape >= 1), so two elements share one block and one Box-Muller
STANDARD_GAMMA = Dist("standard_gamma", ("shape",), "normal_u",
                      "out = gamma_from<real>(_s, p_shape, true, x, y);", stream=True)
GAMMA = Dist("gamma", ("shape", "scale"), "normal_u",
             "out = p_scale * gamma_from<real>(_s, p_shape, true, x, y);", stream=True)
BETA = Dist("beta", ("a", "b"), body="out = beta<real>(_s, p_a, p_b);")
CHISQUARE = Dist("chisquare", ("df",), "normal_u",
                 "out = real(2) * gamma_from<real>(_s, p_df / real(2), true, x, y);", stream=True)
NONCENTRAL_CHISQUARE = Dist("noncentral_chisquare", ("df", "nonc"),
                            body="out = noncentral_chisquare<real>(_s, p_df, p_nonc);")
F = Dist("f", ("dfnum", "dfden"),
         body="const real num = chisquare<real>(_s, p_dfnum) * p_dfden;"
              " const real den = chisquare<real>(_s, p_dfden) * p_dfnum; out = num / den;")
NONCENTRAL_F = Dist("noncentral_f", ("dfnum", "dfden", "nonc"),
                    body="const real num = noncentral_chisquare<real>(_s, p_dfnum, p_nonc) * p_dfden;"
                         " const real den = chisquare<real>(_s, p_dfden) * p_dfnum;"
                         " out = num / den;")
STANDARD_T = Dist("standard_t", ("df",), body="out = standard_t<real>(_s, p_df);")
VONMISES = Dist("vonmises", ("mu", "kappa"),
                body="out = (real)vonmises(_s, (double)p_mu, (double)p_kappa);")
WALD = Dist("wald", ("mean", "scale"), body="out = wald<real>(_s, p_mean, p_scale);")
ZIPF = Dist("zipf", ("a",), body="out = zipf(_s, p_a);")
LOGSERIES = Dist("logseries", ("p",), body="out = logseries(_s, p_p);")
BINOMIAL = Dist("binomial", ("n", "p"), body="out = binomial(_s, p_n, p_p);", ptypes="ir")
NEGATIVE_BINOMIAL = Dist("negative_binomial", ("n", "p"),
                         body="const double y = standard_gamma<double>(_s, p_n) * ((1.0 - p_p) / p_p);"
                              " out = poisson(_s, y);")
HYPERGEOMETRIC = Dist("hypergeometric", ("ngood", "nbad", "nsample"),
                      body="out = hypergeometric(_s, p_ngood, p_nbad, p_nsample);", ptypes="iii")

#: Every kernel-backed distribution (the CPU tests compile each for sm_90).
ALL = tuple(v for v in dict(globals()).values() if isinstance(v, Dist))
