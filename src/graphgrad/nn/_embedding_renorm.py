"""``embedding``'s ``max_norm``: the looked-up rows of the table whose norm exceeds it are
scaled down in place (unrecorded, as PyTorch's embedding_renorm_).

>>> import numpy as np
>>> import graphgrad as torch
>>> w = torch.tensor([[3.0, 4.0], [0.3, 0.4]])
>>> renorm_rows(w, np.array([0, 1]), 1.0, 2.0)
>>> w
tensor([[0.6000, 0.8000],
        [0.3000, 0.4000]])
"""

from __future__ import annotations

import numpy as np

from ..ops.array_step import array_step
from ..tensor import Tensor


@array_step
def renorm_rows(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale each row of ``weight`` named in ``indices`` whose ``norm_type``-norm exceeds
    ``max_norm`` by ``max_norm / (norm + 1e-7)``, in place."""
    table = weight._data
    rows = np.unique(indices.reshape(-1))
    if not rows.size:
        return
    norms = np.linalg.norm(table[rows].astype(np.float64), ord=norm_type, axis=1)
    over = norms > max_norm
    if not over.any():
        return
    scale = (max_norm / (norms[over] + 1e-7)).astype(table.dtype)
    table[rows[over]] *= scale[:, None]
    weight._bump_version()
