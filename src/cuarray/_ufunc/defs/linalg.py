"""Generalized ufuncs of NumPy's linear algebra: matmul, matvec, vecmat, vecdot.

Each is a batched product C[n, m] = sum_k A[n, k] * B[k, m]; ``roles`` maps the labels of
NumPy's signature onto n, k and m.  matvec and vecmat exist from NumPy 2.2 on, and
cuarray defines them only where the installed NumPy has them.
"""

import numpy

from ..gufunc import GufuncSpec, gufunc

__all__ = ["matmul", "vecdot"]


def _doc(name: str) -> str:
    return (f"See numpy.{name}.\n\n"
            "Differences from NumPy: the operands must be cuarray arrays (NumPy arrays and lists "
            "raise TypeError: no implicit host transfers).  Floating-point sums run in another "
            "order than NumPy's (or its BLAS's), so results may differ in the last bits, and "
            "overflow raises no warning.  Explicit ``axis=None``/``axes=None`` mean \"not "
            "given\" (NumPy raises TypeError for them).")


matmul = gufunc(GufuncSpec(
    name="matmul",                                  # (n?,k),(k,m?)->(n?,m?)
    roles={"n": "n", "k": "k", "m": "m"},
    # NumPy's `a @= b` keeps a's core dims, so the result never broadcasts into `a`.
    inplace_axes=([(-1,), (-2, -1), (-1,)], [(-2, -1), (-2, -1), (-2, -1)]),
    doc=_doc("matmul"),
))
vecdot = gufunc(GufuncSpec(
    name="vecdot",                                  # (n),(n)->(): sum of conj(x1) * x2
    roles={"n": "k"},
    conj_first=True,
    doc=_doc("vecdot"),
))

if hasattr(numpy, "matvec"):
    __all__ += ["matvec", "vecmat"]
    matvec = gufunc(GufuncSpec(
        name="matvec",                              # (m,n),(n)->(m)
        roles={"m": "n", "n": "k"},
        doc=_doc("matvec"),
    ))
    vecmat = gufunc(GufuncSpec(
        name="vecmat",                              # (n),(n,m)->(m): conj(x1) @ x2
        roles={"n": "k", "m": "m"},
        conj_first=True,
        doc=_doc("vecmat"),
    ))
