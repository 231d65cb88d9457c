"""The ops that act on a sparse tensor's values or indices alone, giving a sparse tensor:
products with a number (``s * 2``, ``s / 2``), ``-s``, dtype conversion (``to``, ``float()``),
``clone()``, and ``t()`` / ``transpose`` of two sparse dimensions.

Each is the kernel of a dense primitive (registered in ``SPARSE_KERNELS``), reached when that
primitive meets a sparse operand. None records a graph: sparse tensors never require grad.

>>> import graphgrad as torch
>>> s = torch.sparse_coo_tensor([[0, 1], [2, 0]], [3, 4], (2, 3))
>>> (s * 0.5).t()
tensor(indices=tensor([[2, 0],
                       [0, 1]]),
       values=tensor([1.5000, 2.0000]),
       size=(3, 2), nnz=2, layout=torch.sparse_coo)
"""

from __future__ import annotations

from ...tensor import Tensor, _wrap_dim
from ..convert import _to_copy
from ..elementwise import _div, _mul, div, mul
from ..primitive import SPARSE_KERNELS
from ..shape.core import _clone
from ..shape.transpose import _t, _transpose
from ..unary import _neg, neg
from .coo import SparseTensor, make_sparse

_NUMBERS = (int, float, bool, complex)


def _with_values(sparse: SparseTensor, values: Tensor) -> SparseTensor:
    return make_sparse(sparse._idx, values._data, sparse._size, sparse._coalesced)


def _is_scalar(value) -> bool:
    """A Python number or a 0-d dense tensor: what a sparse tensor is multiplied by."""
    if isinstance(value, Tensor):
        return not value.is_sparse and value.ndim == 0
    return isinstance(value, _NUMBERS)


def _mul_kernel(input, other) -> Tensor:
    sparse, scalar = (input, other) if getattr(input, "is_sparse", False) else (other, input)
    if not _is_scalar(scalar):
        return NotImplemented  # sparse * dense, sparse * sparse
    return _with_values(sparse, mul(Tensor._make(sparse._vals), scalar))


def _div_kernel(input, other) -> Tensor:
    if not (getattr(input, "is_sparse", False) and _is_scalar(other)):
        return NotImplemented
    return _with_values(input, div(Tensor._make(input._vals), other))


def _neg_kernel(input: SparseTensor) -> Tensor:
    return _with_values(input, neg(Tensor._make(input._vals)))


def _to_copy_kernel(input: SparseTensor, dtype, memory_format=None) -> Tensor:
    return make_sparse(input._idx, input._vals.astype(dtype.np), input._size, input._coalesced)


def _clone_kernel(input: SparseTensor, **_) -> Tensor:
    return make_sparse(input._idx.copy(), input._vals.copy(), input._size, input._coalesced)


def _t_kernel(input: SparseTensor) -> Tensor:
    sparse_dim = input._idx.shape[0]
    if sparse_dim > 2 or input.ndim > sparse_dim:
        raise RuntimeError(
            "t() expects a tensor with <= 2 sparse and 0 dense dimensions, but got "
            f"{sparse_dim} sparse and {input.ndim - sparse_dim} dense dimensions"
        )
    return _transpose_kernel(input, 0, 1) if sparse_dim == 2 else input.detach()


def _transpose_kernel(input: SparseTensor, dim0: int, dim1: int) -> Tensor:
    """Two sparse dimensions swap their rows of indices; the entries keep their order, so the
    result is not marked coalesced (as in PyTorch)."""
    sparse_dim = input._idx.shape[0]
    d0, d1 = _wrap_dim(dim0, input.ndim), _wrap_dim(dim1, input.ndim)
    if d0 >= sparse_dim or d1 >= sparse_dim:
        raise RuntimeError(
            "sparse transpose: transposed dimensions must be sparse Got sparse_dim: "
            f"{sparse_dim}, d0: {d0}, d1: {d1}"
        )
    size = list(input._size)
    size[d0], size[d1] = size[d1], size[d0]
    idx = input._idx.copy()
    idx[[d0, d1]] = idx[[d1, d0]]
    return make_sparse(idx, input._vals, tuple(size), False)


SPARSE_KERNELS.update(
    {
        _mul: _mul_kernel,
        _div: _div_kernel,
        _neg: _neg_kernel,
        _to_copy: _to_copy_kernel,
        _clone: _clone_kernel,
        _t: _t_kernel,
        _transpose: _transpose_kernel,
    }
)

__all__: list[str] = []
