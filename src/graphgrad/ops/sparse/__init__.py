"""Sparse COO tensors (docs/sparse.md): enough for graph networks, where a sparse adjacency or
feature matrix multiplies dense weights.

- ``coo``: the ``SparseTensor`` type, whose array stand-in refuses dense ops;
- ``creation``: ``torch.sparse_coo_tensor`` and ``Tensor.to_sparse``;
- ``queries``: ``indices()``, ``values()``, ``coalesce()``, ``to_dense()``...

Any op given a sparse tensor raises PyTorch's NotImplementedError, unless
``primitive.SPARSE_KERNELS`` has a kernel for it.

>>> import graphgrad as torch
>>> adj = torch.sparse_coo_tensor([[0, 1, 1], [1, 0, 1]], torch.ones(3), (2, 2))
>>> adj.to_dense()
tensor([[0., 1.],
        [1., 1.]])
"""

from __future__ import annotations

from .creation import sparse_coo_tensor, to_sparse
from .queries import METHODS as _QUERIES

__all__ = ["sparse_coo_tensor"]

METHODS = {**_QUERIES, "to_sparse": to_sparse}
