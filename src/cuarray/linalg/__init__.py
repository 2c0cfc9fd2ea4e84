"""cuarray.linalg: NumPy's linear algebra on the GPU (cuBLAS, cuSOLVER).  See numpy.linalg.

Products run on cuBLAS for float16/32/64 and complex64/128 (float16 sums in float32, as
NumPy's do) and on cuarray's own kernels for integers and bool.  float32 products do
not use TF32 unless enabled: ``set_tf32(True)`` or ``CUARRAY_TF32=1`` in the environment.
"""

import numpy as _numpy

# --- Matrix and vector products --------------------------------------------------------------
from ._products import matrix_power as matrix_power
from ._products import multi_dot as multi_dot
from ._products import set_tf32 as set_tf32
from . import _products as _p

# The array API's spellings, which differ from the top-level functions of the same name.
cross = _p.linalg_cross
diagonal = _p.linalg_diagonal
matmul = _p.linalg_matmul
matrix_transpose = _p.linalg_matrix_transpose
outer = _p.linalg_outer
tensordot = _p.linalg_tensordot
trace = _p.linalg_trace
vecdot = _p.linalg_vecdot
if hasattr(_numpy.linalg, "matvec"):       # where NumPy's linalg namespace has them
    from .._ufunc.namespace import matvec as matvec
    from .._ufunc.namespace import vecmat as vecmat
del _p

# --- Decompositions, eigenvalues, norms, solving equations and inverting matrices -----------
from ._common import LinAlgError as LinAlgError
from ._decompositions import cholesky as cholesky
from ._decompositions import eig as eig
from ._decompositions import eigh as eigh
from ._decompositions import eigvals as eigvals
from ._decompositions import eigvalsh as eigvalsh
from ._decompositions import qr as qr
from ._svd import svd as svd
from ._svd import svdvals as svdvals
from ._norms import cond as cond
from ._norms import matrix_norm as matrix_norm
from ._norms import norm as norm
from ._norms import vector_norm as vector_norm
from ._solve import det as det
from ._solve import inv as inv
from ._solve import lstsq as lstsq
from ._solve import matrix_rank as matrix_rank
from ._solve import pinv as pinv
from ._solve import slogdet as slogdet
from ._solve import solve as solve
from ._solve import tensorinv as tensorinv
from ._solve import tensorsolve as tensorsolve
