# ruff: noqa: N803 - the matrices keep PyTorch's argument names (A)
"""``torch.linalg``'s forms of existing ops, with its argument names and defaults: vecdot,
cross (``dim=-1``), diagonal (the last two dims), vander (increasing powers, batched),
multi_dot, and householder_product; all composed of differentiable ops.

>>> import graphgrad as torch
>>> torch.linalg.vecdot(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([1.0, 1.0]))
tensor([3., 7.])
"""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from ..array_step import constant
from ..grids import increasing_powers
from ..shape.join import cat
from ..shape.reorder import diagonal as _diagonal
from ..structured import cross as _cross
from .matmul import matmul


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """The dot product of vectors along ``dim``, broadcasting the other dims (``x``
    conjugated: the same for real ones).

    Args:
        x: a tensor.
        y: a tensor broadcastable with ``x``.
        dim: the dim holding the vectors.
        out: not supported (PyTorch's output tensor).

    >>> torch.linalg.vecdot(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
    tensor(11.)
    """
    return (x.conj() * y).sum(dim)


def cross(input: Tensor, other: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (the last by default), broadcasting.

    Args:
        input: a tensor of size 3 along ``dim``.
        other: a tensor with as many dims, of size 3 along ``dim``.
        dim: the dim holding the vectors.
        out: not supported (PyTorch's output tensor).

    >>> torch.linalg.cross(torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0]))
    tensor([0., 0., 1.])
    """
    return _cross(input, other, dim=dim)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonal of each matrix in the last two dims (a view, as ``torch.diagonal``).

    Args:
        A: a tensor of at least 2 dims.
        offset: the diagonal: 0 the main one, positive above it, negative below.
        dim1: the first dim of the matrices.
        dim2: the second dim of the matrices.

    >>> torch.linalg.diagonal(torch.arange(8.0).reshape(2, 2, 2))
    tensor([[0., 3.],
            [4., 7.]])
    """
    return _diagonal(A, offset, dim1, dim2)


def vander(x: Tensor, *, N: int | None = None) -> Tensor:  # noqa: N803
    """The Vandermonde matrix of increasing powers, ``x ** 0 ... x ** (N - 1)`` along a new
    last dim (batched over ``x``'s leading dims; integers give int64).

    Args:
        x: ``(*, n)``.
        N: the number of powers (at least 2); ``n`` by default.

    >>> torch.linalg.vander(torch.tensor([1, 2, 3]))
    tensor([[1, 1, 1],
            [1, 2, 4],
            [1, 3, 9]])
    """
    n = x.shape[-1] if x.ndim and N is None else N
    if n is None or n <= 1:
        raise RuntimeError("N must be greater than 1.")
    return increasing_powers(x, n)


def multi_dot(tensors, *, out=None) -> Tensor:
    """The product of a chain of matrices; the first may be a row vector and the last a
    column vector (1-d), which drop from the result.

    Multiplied left to right (PyTorch picks the cheapest order, so results can differ in
    rounding).

    Args:
        tensors: two or more tensors: 2-d, or 1-d first or last.
        out: not supported (PyTorch's output tensor).

    >>> torch.linalg.multi_dot([torch.ones(3), torch.ones(3, 2), torch.ones(2)])
    tensor(6.)
    """
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for t, where in ((tensors[0], "first"), (tensors[-1], "last")):
        if t.ndim not in (1, 2):
            raise RuntimeError(
                f"multi_dot(): the {where} tensor must be 1D or 2D but got {t.ndim}D"
            )
    for i, t in enumerate(tensors[1:-1], 1):
        if t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    result = tensors[0]
    for t in tensors[1:]:
        result = matmul(result, t)
    return result


def householder_product(A: Tensor, tau: Tensor, *, out=None) -> Tensor:
    """The first ``n`` columns of ``H_1 ... H_k``, ``H_i = I - tau_i v_i v_i^T``, with
    ``v_i`` column ``i`` of ``A`` below the diagonal and 1 on it (as ``geqrf`` stores a QR).

    Args:
        A: ``(*, m, n)`` with ``m >= n``: the reflectors' vectors.
        tau: ``(*, k)`` with ``k <= n``: their scales.
        out: not supported (PyTorch's output tensor).

    >>> torch.linalg.householder_product(torch.tensor([[1.0], [1.0]]), torch.tensor([1.0]))
    tensor([[ 0.],
            [-1.]])
    """
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(
            "torch.linalg.householder_product: input.shape[-2] must be greater than or equal "
            "to input.shape[-1]"
        )
    if tau.shape[-1] > n:
        raise RuntimeError(
            "torch.linalg.householder_product: input.shape[-1] must be greater than or equal "
            "to tau.shape[-1]"
        )
    if tau.dtype != A.dtype:
        raise RuntimeError(
            f"torch.linalg.householder_product: tau dtype {tau.dtype.legacy} does not match "
            f"input dtype {A.dtype.legacy}"
        )
    eye = np.broadcast_to(np.eye(m, dtype=A._data.dtype), (*A.shape[:-2], m, m))
    Q = Tensor._make(eye.copy())  # noqa: N806
    for i in range(tau.shape[-1]):
        head = Tensor._make(constant(np.zeros((*A.shape[:-2], i), A._data.dtype)))
        one = Tensor._make(constant(np.ones((*A.shape[:-2], 1), A._data.dtype)))
        v = cat([head, one, A[..., i + 1 :, i]], -1).unsqueeze(-1)
        Q = Q - tau[..., i, None, None] * matmul(matmul(Q, v), v.mT)  # noqa: N806
    return Q[..., :, :n]


__all__ = ["vecdot", "cross", "diagonal", "vander", "multi_dot", "householder_product"]
