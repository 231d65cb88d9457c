"""What a sparse COO tensor holds: ``indices()``, ``values()``, ``_nnz()``, ``coalesce()``,
``to_dense()``... Each is a ``Tensor`` method with PyTorch's answer (or error) for a dense
tensor too.

>>> import graphgrad as torch
>>> s = torch.sparse_coo_tensor([[1, 0, 1]], [1.0, 2.0, 3.0], (2,))
>>> s.is_coalesced(), s._nnz()
(False, 3)
>>> c = s.coalesce()
>>> c.indices(), c.values()
(tensor([[0, 1]]), tensor([2., 4.]))
"""

from __future__ import annotations

from ...tensor import Tensor
from .coo import SparseTensor, coalesced_arrays, dense_array, make_sparse


def _coo(input: Tensor, name: str) -> SparseTensor:
    """``input`` as a sparse tensor, or PyTorch's error for a dense one."""
    if not isinstance(input, SparseTensor):
        raise RuntimeError(f"{name} expected sparse coordinate tensor layout but got Strided")
    return input


def _sparse_only(input: Tensor, name: str) -> SparseTensor:
    """``input`` as a sparse tensor, or PyTorch's error for an op it has no dense kernel of."""
    if not isinstance(input, SparseTensor):
        raise NotImplementedError(
            f"Could not run 'aten::{name}' with arguments from the 'CPU' backend. This could be "
            "because the operator doesn't exist for this backend: it is for sparse tensors."
        )
    return input


def _check_coalesced(input: SparseTensor, what: str) -> None:
    if not input._coalesced:
        raise RuntimeError(
            f"Cannot get {what} on an uncoalesced tensor, please call .coalesce() first"
        )


def indices(input: Tensor) -> Tensor:
    """The indices of a coalesced sparse tensor, ``(sparse_dim, nnz)`` int64 (sharing memory).

    Args:
        input: a coalesced sparse COO tensor (``_indices()`` takes any).

    >>> torch.eye(2).to_sparse().indices()
    tensor([[0, 1],
            [0, 1]])
    """
    sparse = _coo(input, "indices")
    _check_coalesced(sparse, "indices")
    return Tensor._make(sparse._idx)


def values(input: Tensor) -> Tensor:
    """The values of a coalesced sparse tensor, ``(nnz, *dense_shape)`` (sharing memory).

    Args:
        input: a coalesced sparse COO tensor (``_values()`` takes any).

    >>> torch.eye(2).to_sparse().values()
    tensor([1., 1.])
    """
    if not isinstance(input, SparseTensor):
        raise RuntimeError("values expected sparse tensor layout but got Strided")
    _check_coalesced(input, "values")
    return Tensor._make(input._vals)


def _indices(input: Tensor) -> Tensor:
    """The indices of a sparse tensor as stored, coalesced or not (sharing memory).

    Args:
        input: a sparse COO tensor.

    >>> torch.sparse_coo_tensor([[1, 1]], [1.0, 2.0], (2,))._indices()
    tensor([[1, 1]])
    """
    return Tensor._make(_sparse_only(input, "_indices")._idx)


def _values(input: Tensor) -> Tensor:
    """The values of a sparse tensor as stored, coalesced or not (sharing memory).

    Args:
        input: a sparse COO tensor.

    >>> torch.sparse_coo_tensor([[1, 1]], [1.0, 2.0], (2,))._values()
    tensor([1., 2.])
    """
    return Tensor._make(_sparse_only(input, "_values")._vals)


def _nnz(input: Tensor) -> int:
    """The number of stored entries (duplicates counted until ``coalesce()``).

    Args:
        input: a sparse COO tensor.

    >>> torch.sparse_coo_tensor([[1, 1]], [1.0, 2.0], (2,))._nnz()
    2
    """
    return _sparse_only(input, "_nnz")._idx.shape[1]


def sparse_dim(input: Tensor) -> int:
    """How many leading dimensions are sparse (0 for a dense tensor).

    Args:
        input: the tensor.

    >>> torch.eye(2).to_sparse().sparse_dim(), torch.eye(2).sparse_dim()
    (2, 0)
    """
    return input._idx.shape[0] if isinstance(input, SparseTensor) else 0


def dense_dim(input: Tensor) -> int:
    """How many trailing dimensions are dense (all of a dense tensor's).

    Args:
        input: the tensor.

    >>> torch.eye(2).to_sparse(1).dense_dim(), torch.eye(2).dense_dim()
    (1, 2)
    """
    return input.ndim - sparse_dim(input)


def is_coalesced(input: Tensor) -> bool:
    """Whether a sparse tensor is known to have sorted, unique indices: set by ``coalesce()``,
    ``to_sparse()`` and ``is_coalesced=True``, never inferred (but for nnz <= 1).

    Args:
        input: a sparse COO tensor.

    >>> torch.sparse_coo_tensor([[0, 1]], [1.0, 2.0]).is_coalesced()
    False
    """
    return _coo(input, "is_coalesced")._coalesced


def coalesce(input: Tensor) -> Tensor:
    """The sparse tensor with its indices sorted and duplicates summed (in entry order);
    ``input`` itself when it is coalesced already. Zeros stay stored.

    Args:
        input: a sparse COO tensor.

    >>> torch.sparse_coo_tensor([[1, 0, 1]], [1.0, 2.0, 3.0], (2,)).coalesce()
    tensor(indices=tensor([[0, 1]]),
           values=tensor([2., 4.]),
           size=(2,), nnz=2, layout=torch.sparse_coo)
    """
    sparse = _coo(input, "coalesce")
    if sparse._coalesced:
        return sparse
    idx, vals = coalesced_arrays(sparse)
    return make_sparse(idx, vals, sparse._size, True)


def to_dense(input: Tensor, dtype=None, *, masked_grad=None) -> Tensor:
    """The dense tensor a sparse one stands for (duplicates summed); a dense ``input`` itself.

    Args:
        input: the tensor.
        dtype: not supported for sparse tensors (PyTorch's error); convert with ``to`` first.
        masked_grad: accepted for PyTorch's signature (sparse tensors have no gradient here).

    >>> torch.sparse_coo_tensor([[0, 0]], [1.0, 2.0], (2,)).to_dense()
    tensor([3., 0.])
    """
    if not isinstance(input, SparseTensor):
        return input
    if dtype is not None:
        raise RuntimeError("dtype argument is not supported by sparse_to_dense")
    return Tensor._make(dense_array(input))


__all__: list[str] = []

METHODS = {
    "indices": indices,
    "values": values,
    "_indices": _indices,
    "_values": _values,
    "_nnz": _nnz,
    "sparse_dim": sparse_dim,
    "dense_dim": dense_dim,
    "is_coalesced": is_coalesced,
    "coalesce": coalesce,
    "to_dense": to_dense,
}
