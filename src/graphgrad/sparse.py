"""``torch.sparse``: the functions of PyTorch's sparse namespace that graphgrad has (``mm``
and ``sum``, for sparse COO tensors; docs/sparse.md). They are defined in
``ops/sparse/namespace.py``.

>>> import graphgrad as torch
>>> s = torch.eye(2).to_sparse()
>>> torch.sparse.mm(s, torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
tensor([[1., 2.],
        [3., 4.]])
"""

from __future__ import annotations

from .ops.sparse.namespace import mm, sum  # noqa: A004 - PyTorch's name

__all__ = ["mm", "sum"]
