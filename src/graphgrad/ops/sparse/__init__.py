"""Sparse COO tensors (docs/sparse.md): enough for graph networks, where a sparse adjacency or
feature matrix multiplies dense weights.

- ``coo``: the ``SparseTensor`` type, whose array stand-in refuses dense ops;
- ``creation``: ``torch.sparse_coo_tensor`` and ``Tensor.to_sparse``;
- ``queries``: ``indices()``, ``values()``, ``coalesce()``, ``to_dense()``...;
- ``products``: sparse @ dense and dense + sparse (the primitives, with gradients to the dense
  operand);
- ``values_ops``: ``s * 2``, ``-s``, ``to(dtype)``, ``t()``...;
- ``namespace``: ``torch.sparse.mm`` and ``torch.sparse.sum``.

The last three register kernels in ``primitive.SPARSE_KERNELS``; any other op given a sparse
tensor raises PyTorch's NotImplementedError.

>>> import graphgrad as torch
>>> adj = torch.sparse_coo_tensor([[0, 1, 1], [1, 0, 1]], torch.ones(3), (2, 2))
>>> torch.spmm(adj, torch.tensor([[1.0], [2.0]]))
tensor([[2.],
        [3.]])
"""

from __future__ import annotations

from . import namespace, values_ops  # noqa: F401 - they register their kernels
from .creation import sparse_coo_tensor, to_sparse
from .products import spmm
from .queries import METHODS as _QUERIES

__all__ = ["sparse_coo_tensor", "spmm"]

METHODS = {**_QUERIES, "to_sparse": to_sparse}
