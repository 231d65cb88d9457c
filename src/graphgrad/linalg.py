"""``torch.linalg``: PyTorch's linear-algebra namespace. It only re-exports: each function is
defined (with its gradient) in ``ops/`` beside the ``torch.*`` op it shares a primitive with.

>>> import graphgrad as torch
>>> torch.linalg.norm(torch.tensor([3.0, 4.0]))
tensor(5.)
>>> torch.linalg.vector_norm(torch.tensor([3.0, -4.0]), ord=1)
tensor(7.)
>>> torch.linalg.solve(torch.tensor([[2.0, 0.0], [0.0, 4.0]]), torch.tensor([1.0, 1.0]))
tensor([0.5000, 0.2500])
"""

from __future__ import annotations

from .ops.lapack import linalg_slogdet as slogdet
from .ops.lapack import matrix_exp
from .ops.linalg.composite import matrix_power
from .ops.linalg.eigen import eigh, eigvalsh
from .ops.linalg.forms import cross, diagonal, householder_product, multi_dot, vander, vecdot
from .ops.linalg.inverse import LinAlgError, det, inv
from .ops.linalg.matmul import matmul
from .ops.linalg.solve import (
    cholesky,
    cholesky_ex,
    inv_ex,
    lu_factor,
    lu_factor_ex,
    lu_solve,
    solve,
    solve_ex,
    solve_triangular,
    tensorinv,
    tensorsolve,
)
from .ops.linalg.solve import lu_factorization as lu
from .ops.linalg.spectral import cond, lstsq, matrix_rank, pinv, qr, svd, svdvals
from .ops.reduce.stats import linalg_norm as norm
from .ops.reduce.stats import matrix_norm, vector_norm

__all__ = [
    "LinAlgError",
    "cholesky",
    "cholesky_ex",
    "cond",
    "cross",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "householder_product",
    "inv",
    "inv_ex",
    "lstsq",
    "lu",
    "lu_factor",
    "lu_factor_ex",
    "lu_solve",
    "matmul",
    "matrix_exp",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_ex",
    "solve_triangular",
    "svd",
    "svdvals",
    "tensorinv",
    "tensorsolve",
    "vander",
    "vecdot",
    "vector_norm",
]
