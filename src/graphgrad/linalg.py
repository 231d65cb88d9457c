"""``torch.linalg``: norms, det, inv and the matrix product, under PyTorch's names.

>>> import graphgrad as torch
>>> torch.linalg.norm(torch.tensor([3.0, 4.0]))
tensor(5.)
>>> torch.linalg.vector_norm(torch.tensor([3.0, -4.0]), ord=1)
tensor(7.)
"""

from __future__ import annotations

from .ops.linalg.inverse import LinAlgError, det, inv
from .ops.linalg.matmul import matmul
from .ops.reduce.stats import linalg_norm as norm
from .ops.reduce.stats import matrix_norm, vector_norm

__all__ = ["LinAlgError", "det", "inv", "matmul", "matrix_norm", "norm", "vector_norm"]
