"""Distances between rows: pairwise_distance (matched rows of two tensors) and pdist (every
pair of rows of one), composed of ``linalg.vector_norm``.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.pdist(torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
tensor([5.0000, 1.0000, 4.2426])
"""

from __future__ import annotations

import numpy as np

from ...linalg import vector_norm
from ...tensor import Tensor


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:  # fmt: skip
    """The p-norm of ``x1 - x2 + eps`` along the last dimension; see ``nn.PairwiseDistance``.

    Args:
        x1, x2: tensors that broadcast together, the vectors along the last dimension.
        p: the norm's degree.
        eps: added to the differences (keeps the gradient finite at zero distance).
        keepdim: keep the last dimension (size 1).

    >>> F.pairwise_distance(torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]))
    tensor([5.0000])
    """
    diff = x1 - x2 + eps
    if diff.ndim == 0:
        return vector_norm(diff, p)
    return vector_norm(diff, p, dim=-1, keepdim=keepdim)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The p-norm distance between every pair of rows ``i < j`` of an ``(N, M)`` input, in
    row-major order of the pairs (``N * (N - 1) / 2`` values).

    Args:
        input: the ``(N, M)`` rows.
        p: the norm's degree (non-negative).

    >>> F.pdist(torch.tensor([[0.0], [2.0], [5.0]]), p=1)
    tensor([2., 5., 3.])
    """
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    rows, cols = np.triu_indices(input.shape[0], 1)
    first = input.index_select(0, Tensor._make(rows.astype(np.int64)))
    second = input.index_select(0, Tensor._make(cols.astype(np.int64)))
    return vector_norm(first - second, p, dim=-1)


__all__ = ["pairwise_distance", "pdist"]
