"""Grids of coordinates and powers: meshgrid, cartesian_prod, tril/triu_indices, vander.

Built from graphgrad's differentiable ops (reshape, expand, stack, cumprod), so gradients
flow to the inputs with no rule of their own; the index builders have no inputs to
differentiate.

>>> import graphgrad as torch
>>> torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4]))
tensor([[1, 3],
        [1, 4],
        [2, 3],
        [2, 4]])
"""

from __future__ import annotations

import numpy as np

from .. import dtypes
from .._utilities import warn_once
from ..tensor import Tensor
from .array_step import constant
from .convert import to
from .reduce.core import cumprod
from .shape.core import reshape
from .shape.join import cat, stack
from .shape.reorder import flip

_MESHGRID_INDEXING = (
    "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument."
)


def meshgrid(*tensors, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids: output ``i`` holds ``tensors[i]`` repeated along the other dims.

    Args:
        tensors: 0-d or 1-d tensors of one dtype (or one list of them).
        indexing: ``"ij"`` (dims in input order) or ``"xy"`` (the first two swapped, as in
            NumPy's default). None means ``"ij"``, with PyTorch's warning (once).

    >>> import graphgrad as torch
    >>> xs, ys = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij")
    >>> xs
    tensor([[1, 1, 1],
            [2, 2, 2]])
    >>> ys
    tensor([[3, 4, 5],
            [3, 4, 5]])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warn_once("meshgrid indexing", _MESHGRID_INDEXING, stacklevel=2)
        indexing = "ij"
    _check_meshgrid(tensors, indexing)
    swap = indexing == "xy" and len(tensors) >= 2
    order = [1, 0, *range(2, len(tensors))] if swap else list(range(len(tensors)))
    shape = [tensors[i].numel() for i in order]
    grids = []
    for position, i in enumerate(order):
        view = [1] * len(order)
        view[position] = -1
        grids.append(reshape(tensors[i], view).expand(*shape))
    return tuple(grids[order.index(i)] for i in range(len(tensors)))


def _check_meshgrid(tensors: tuple, indexing: str) -> None:
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                f"a tensor of shape {list(t.shape)}"
            )
    if any(t.dtype != tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one element from each 1-d tensor, one combination per row.

    Args:
        tensors: 1-d tensors of one dtype. A single tensor is returned as it is.

    >>> import graphgrad as torch
    >>> torch.cartesian_prod(torch.tensor([1.0, 2.0]), torch.tensor([5.0, 6.0, 7.0])).shape
    torch.Size([6, 2])
    """
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([reshape(g, (-1,)) for g in grids], 1)


def _triangle_indices(name: str, which, row: int, col: int, offset: int, dtype) -> Tensor:
    dtype = dtypes.int64 if dtype is None else dtype
    if dtype not in (dtypes.int64, dtypes.int32):
        raise NotImplementedError(f"\"{name}\" not implemented for '{dtype.legacy}'")
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    rows, cols = which(row, k=offset, m=col)
    return Tensor._make(constant(np.stack([rows, cols]).astype(dtype.np).reshape(2, -1)))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None):
    """The indices of the lower triangle of a ``row`` x ``col`` matrix, as a 2 x N tensor.

    Args:
        row: the number of rows.
        col: the number of columns.
        offset: the diagonal bounding the triangle: 0 the main one, > 0 above, < 0 below.
        dtype: ``torch.long`` (the default) or ``torch.int``.
        device: accepted for PyTorch's signature (the CPU only).
        layout: accepted for PyTorch's signature (strided only).

    >>> import graphgrad as torch
    >>> torch.tril_indices(3, 3)
    tensor([[0, 1, 1, 2, 2, 2],
            [0, 0, 1, 0, 1, 2]])
    """
    return _triangle_indices("tril_indices", np.tril_indices, row, col, offset, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None):
    """The indices of the upper triangle of a ``row`` x ``col`` matrix, as a 2 x N tensor.

    Args:
        row: the number of rows.
        col: the number of columns.
        offset: the diagonal bounding the triangle: 0 the main one, > 0 above, < 0 below.
        dtype: ``torch.long`` (the default) or ``torch.int``.
        device: accepted for PyTorch's signature (the CPU only).
        layout: accepted for PyTorch's signature (strided only).

    >>> import graphgrad as torch
    >>> torch.triu_indices(2, 3, 1)
    tensor([[0, 0, 1],
            [1, 2, 2]])
    """
    return _triangle_indices("triu_indices", np.triu_indices, row, col, offset, dtype)


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803
    """The Vandermonde matrix: column ``j`` is ``x ** (N - 1 - j)`` (``x ** j`` if increasing).

    The powers are running products of ``x`` (as PyTorch forms them), so integer powers are
    exact and the gradient at ``x = 0`` is finite.

    Args:
        x: a 1-d tensor (integers and bools give an int64 result).
        N: the number of columns; ``len(x)`` by default.
        increasing: whether the powers increase from left to right.

    >>> import graphgrad as torch
    >>> torch.vander(torch.tensor([1, 2, 3]))
    tensor([[1, 1, 1],
            [4, 2, 1],
            [9, 3, 1]])
    """
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    result = increasing_powers(x, n)
    return result if increasing else flip(result, 1)


def increasing_powers(x: Tensor, n: int) -> Tensor:
    """``x ** 0 ... x ** (n - 1)`` along a new last dim, as running products of ``x`` (the
    Vandermonde matrix of ``torch.linalg.vander``, batched over ``x``'s leading dims)."""
    dt = dtypes.promote_types(x.dtype, dtypes.int64)
    ones = Tensor._make(constant(np.ones((*x.shape, min(n, 1)), dtype=dt.np)))
    column = reshape(to(x, dt), (*x.shape, 1))
    powers = cumprod(column.expand(*x.shape, max(n - 1, 0)), -1)
    return cat([ones, powers], -1)


__all__ = ["meshgrid", "cartesian_prod", "tril_indices", "triu_indices", "vander"]
