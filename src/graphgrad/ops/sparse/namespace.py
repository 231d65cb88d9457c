"""The functions of ``torch.sparse`` that graphgrad has: ``mm`` and ``sum``.

>>> import graphgrad as torch
>>> s = torch.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
>>> torch.sparse.sum(s)
tensor(5.)
"""

from __future__ import annotations

from ...tensor import Tensor
from ..linalg.products import mm as _mm
from ..primitive import not_on_sparse
from ..reduce.core import sum as _sum
from .products import sparse_addmm, sparse_product
from .queries import _coo


def mm(mat1: Tensor, mat2: Tensor, reduce: str | None = None) -> Tensor:
    """The product of a sparse COO matrix and a dense one (or of two dense ones), as
    ``torch.mm``; the gradient flows to the dense operand.

    Args:
        mat1: ``(n, m)``, sparse or dense.
        mat2: ``(m, p)``, sparse or dense.
        reduce: must be ``None``: PyTorch's reductions are for CSR matrices, and raise for COO
            ones as they do here.

    >>> s = torch.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
    >>> torch.sparse.mm(s, torch.tensor([[1.0], [10.0]]))
    tensor([[20.],
            [ 3.]])
    """
    if reduce is not None:
        raise not_on_sparse("_sparse_mm_reduce_impl")
    if mat1.is_sparse and not mat2.is_sparse:
        return sparse_product(sparse_addmm, mat1, mat2)
    if mat2.is_sparse and not mat1.is_sparse:  # through the transposes, as PyTorch does
        return mm(mat2.t(), mat1.transpose(0, 1)).transpose(0, 1)
    return _mm(mat1, mat2)


def sum(input: Tensor, dim=None, dtype=None) -> Tensor:  # noqa: A001 - PyTorch's name
    """The sum of a sparse tensor's values: a dense 0-d tensor. Summing over some of the
    dimensions only (a sparse result in PyTorch) is not supported.

    Args:
        input: a sparse COO tensor.
        dim: ``None`` or every dimension (in any order).
        dtype: the dtype to sum in and return.

    >>> torch.sparse.sum(torch.sparse_coo_tensor([[0, 2]], [1, 2], (3,)))
    tensor(3)
    """
    sparse = _coo(input, "coalesce")
    if dim is not None:
        dims = {d % max(sparse.ndim, 1) for d in ((dim,) if isinstance(dim, int) else dim)}
        if len(dims) != sparse.ndim:
            raise NotImplementedError(
                "torch.sparse.sum over some of the dimensions (a sparse result) is not "
                "supported by graphgrad; sum over all of them, or call to_dense() first"
            )
    return _sum(Tensor._make(sparse._vals), dtype=dtype)


__all__ = ["mm", "sum"]
