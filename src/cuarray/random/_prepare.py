"""Host-side setup of samplers for scalar parameters.

Gamma (Marsaglia-Tsang), Poisson (inversion and PTRS) and binomial (inversion and BTRS)
samplers start with constants that depend on the parameters only: square roots, logarithms,
divisions and, for BTRS, two log-gamma values.  With device-array parameters each element
computes them (``*_setup`` in ``cuarray/random.cuh``); with scalar parameters, the common
case, the host computes them once per call here, mirroring the device formulas, and the
kernel receives them by value.  Each function returns (dist, values) or None (the generic
kernel then runs).
"""

from __future__ import annotations

import math

from . import _distributions as D


def gamma(shape: float, scale: float):
    """Marsaglia-Tsang's (d, c) and the boost exponent for shape > 0, shape != 1."""
    if not (0 < shape < math.inf) or shape == 1:
        return None                    # 0, 1, NaN and inf: the generic kernel's cases
    inv_a = 0.0
    if shape < 1:
        inv_a = 1.0 / shape
        shape += 1.0
    d = shape - 1.0 / 3.0
    return D.GAMMA_PREPARED, (d, 1.0 / math.sqrt(9.0 * d), inv_a, scale)


def poisson(lam: float):
    """exp(-lam) for the inversion below 10; PTRS's constants above."""
    if not lam >= 0 or lam == math.inf:
        return None
    if lam < 10:
        return D.POISSON_INVERSION, (lam, math.exp(-lam))
    b = 0.931 + 2.53 * math.sqrt(lam)
    return D.POISSON_PTRS, (lam, math.log(lam), -0.059 + 0.02483 * b, b,
                            math.log(1.1239 + 1.1328 / (b - 3.4)), 0.9277 - 3.6224 / (b - 2.0))


def binomial(n: int, p: float):
    """Inversion (n min(p, 1-p) < 10, and the degenerate n = 0, p = 0, p = 1) or BTRS."""
    if not 0 <= p <= 1:
        return None
    flip = 1 if p > 0.5 else 0
    q = 1.0 - p if flip else p
    if n <= 0 or q == 0:
        # k = 0 draws from (1-q)^n = 1 (then n - 0 = n where p == 1)
        return D.BINOMIAL_INVERSION, (max(n, 0), flip, 1.0, 0.0)
    if n * q < 10.0:
        return D.BINOMIAL_INVERSION, (n, flip, math.exp(n * math.log1p(-q)), q / (1.0 - q))
    nd = float(n)
    spq = math.sqrt(nd * q * (1.0 - q))
    b = 1.15 + 2.53 * spq
    m = math.floor((nd + 1.0) * q)
    return D.BINOMIAL_BTRS, (n, flip, q, -0.0873 + 0.0248 * b + 0.01 * q, b, nd * q + 0.5,
                             0.92 - 4.2 / b, (2.83 + 5.1 / b) * spq, math.log(q / (1.0 - q)),
                             float(m), math.lgamma(m + 1.0) + math.lgamma(nd - m + 1.0))
