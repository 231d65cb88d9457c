"""Making sparse COO tensors: ``torch.sparse_coo_tensor`` and ``Tensor.to_sparse``.

graphgrad always checks a new tensor's invariants (as PyTorch does with
``check_invariants=True``): an index out of its dimension's range, or ``is_coalesced=True`` for
indices that are not sorted and unique, raise PyTorch's errors. PyTorch skips these checks by
default, for speed, and warns that an invalid tensor may crash it.

>>> import graphgrad as torch
>>> torch.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 3)).to_dense()
tensor([[0., 0., 3.],
        [4., 0., 5.]])
"""

from __future__ import annotations

import numpy as np

from ... import _device
from ..._argcheck import dtype_arg, int_tuple
from ..._layout import sparse_coo, strided
from ...autograd.grad_mode import _state as _grad_state
from ...creation import as_tensor
from ...tensor import Tensor
from .coo import NO_GRAD, SparseTensor, linear_index, make_sparse


def sparse_coo_tensor(
    indices,
    values,
    size=None,
    *,
    dtype=None,
    device=None,
    pin_memory: bool = False,
    requires_grad: bool = False,
    check_invariants: bool | None = None,
    is_coalesced: bool | None = None,
) -> SparseTensor:
    """A sparse COO tensor: ``values[k]`` sits at ``indices[:, k]``, zeros elsewhere; entries
    with the same index add up.

    Args:
        indices: ``(sparse_dim, nnz)`` integers: a tensor, a (nested) list or a NumPy array.
        values: ``(nnz, *dense_shape)``: a tensor, a (nested) list or a NumPy array.
        size: the shape; when omitted, each sparse dimension is one more than its largest
            index, and the dense ones are those of ``values``.
        dtype: the dtype of the values; inferred from ``values`` when ``None``.
        device: only the CPU.
        pin_memory: accepted for PyTorch's signature; no effect on the CPU.
        requires_grad: must be False: graphgrad's sparse tensors cannot require grad.
        check_invariants: accepted for PyTorch's signature: graphgrad always checks.
        is_coalesced: declare the indices sorted and unique (checked).

    >>> s = torch.sparse_coo_tensor([[0, 1], [2, 0]], [3.0, 4.0], (2, 3))
    >>> s
    tensor(indices=tensor([[0, 1],
                           [2, 0]]),
           values=tensor([3., 4.]),
           size=(2, 3), nnz=2, layout=torch.sparse_coo)
    """
    _device.cpu_only(device)
    if requires_grad:
        raise NotImplementedError(NO_GRAD)
    idx = _indices_array(indices)
    vals = _values_array(values, dtype_arg(dtype, "sparse_coo_tensor"))
    if idx.ndim != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(idx.shape)}")
    if size is None:
        size = _inferred_size(idx, vals)
    else:
        size = int_tuple((size,), "sparse_coo_tensor")
        _check_rank(size, idx, vals)
    _check_nnz(idx, vals, size)
    _check_bounds(idx, size)
    coalesced = idx.shape[1] <= 1 or bool(is_coalesced)
    if is_coalesced and not _sorted_unique(idx, size):
        raise RuntimeError(
            "cannot set is_coalesced to true if indices correspond to uncoalesced COO tensor"
        )
    return make_sparse(idx, vals, size, coalesced)


def _indices_array(indices) -> np.ndarray:
    data = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
    return np.ascontiguousarray(data, dtype=np.int64)  # floats and bools as PyTorch casts them


def _values_array(values, dtype) -> np.ndarray:
    if isinstance(values, Tensor) and values.requires_grad and _grad_state.enabled:
        raise NotImplementedError(NO_GRAD)
    data = as_tensor(values, dtype=dtype)._data
    return data.reshape(1) if data.ndim == 0 else data  # a number is one value


def _check_rank(size: tuple, idx: np.ndarray, vals: np.ndarray) -> None:
    sparse_dim, dense_dim = idx.shape[0], vals.ndim - 1
    if len(size) != sparse_dim + dense_dim:
        raise RuntimeError(
            "'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = "
            f"{len(size)}, sparse_dim = {sparse_dim}, dense_dim = {dense_dim}"
        )
    for s in size:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")


def _inferred_size(idx: np.ndarray, vals: np.ndarray) -> tuple:
    if idx.shape[1] == 0:
        return (0,) * idx.shape[0] + vals.shape[1:]
    low = idx.min(axis=1)
    for d, m in enumerate(low.tolist()):
        if m < 0:
            raise RuntimeError(f"found negative index {m} for dim {d}")
    return tuple((idx.max(axis=1) + 1).tolist()) + vals.shape[1:]


def _check_nnz(idx: np.ndarray, vals: np.ndarray, size: tuple) -> None:
    if idx.shape[1] != vals.shape[0]:
        raise RuntimeError(
            "indices and values must have same nnz, but got nnz from indices: "
            f"{idx.shape[1]}, nnz from values: {vals.shape[0]}"
        )
    expected = [vals.shape[0], *size[idx.shape[0] :]]
    if list(vals.shape) != expected:
        raise RuntimeError(
            f"values has incorrect size, expected {expected}, got {list(vals.shape)}"
        )


def _check_bounds(idx: np.ndarray, size: tuple) -> None:
    """Every index within its dimension (PyTorch's ``check_invariants``)."""
    if idx.shape[1] == 0:
        return
    low, high = idx.min(axis=1).tolist(), idx.max(axis=1).tolist()
    for d, (lo, hi) in enumerate(zip(low, high)):
        if lo < 0:
            raise RuntimeError(f"found negative index {lo} for dim {d}")
        if hi >= size[d]:
            raise RuntimeError(
                f"size is inconsistent with indices: for dim {d}, size is {size[d]} but found "
                f"index {hi}"
            )


def _sorted_unique(idx: np.ndarray, size: tuple) -> bool:
    keys = linear_index(idx, size)
    return bool(np.all(keys[1:] > keys[:-1]))


def to_sparse(
    input: Tensor, sparse_dim: int | None = None, *, layout=None, blocksize=None, dense_dim=None
) -> Tensor:
    """``input`` as a sparse COO tensor holding its nonzero entries, in row-major order (a
    sparse ``input`` is returned as it is). With ``sparse_dim``, only the first ``sparse_dim``
    dimensions are sparse: each value is then a slice with a nonzero somewhere.

    Args:
        input: the tensor.
        sparse_dim: how many leading dimensions are sparse (all of them by default).
        layout: ``torch.sparse_coo`` (the default) or ``torch.strided`` (``input`` itself).
        blocksize, dense_dim: for the layouts graphgrad does not have; must be ``None``.

    >>> torch.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse()
    tensor(indices=tensor([[0, 1],
                           [1, 0]]),
           values=tensor([2., 3.]),
           size=(2, 2), nnz=2, layout=torch.sparse_coo)
    """
    if layout is strided and not input.is_sparse:
        return input
    if layout not in (None, sparse_coo) or blocksize is not None or dense_dim is not None:
        raise NotImplementedError(
            f"to_sparse: graphgrad has only the sparse_coo layout (got layout={layout}, "
            f"blocksize={blocksize}, dense_dim={dense_dim})"
        )
    if input.is_sparse:
        return _sparse_to_sparse(input, sparse_dim)
    if input.requires_grad and _grad_state.enabled:
        raise NotImplementedError(NO_GRAD)
    return _dense_to_sparse(input._data, input.ndim if sparse_dim is None else sparse_dim)


def _sparse_to_sparse(input: Tensor, sparse_dim: int | None) -> Tensor:
    if sparse_dim is not None and sparse_dim != input.sparse_dim():
        raise RuntimeError(
            "to_sparse: conversion from Sparse to Sparse with sparse_dim argument "
            "!=self.sparse_dim() is not supported"
        )
    return input


def _dense_to_sparse(a: np.ndarray, sparse_dim: int) -> SparseTensor:
    if not 0 <= sparse_dim <= a.ndim:
        raise RuntimeError(
            f"dense_to_sparse: sparse_dim argument must be in [0,{a.ndim}] range, but "
            f"{sparse_dim} is given"
        )
    if sparse_dim == 0 and a.ndim > 0:
        raise RuntimeError("dense_to_sparse: sparse_dim argument must be in >0 when self.dim()>0")
    nonzero = a != 0
    if a.ndim > sparse_dim:
        nonzero = nonzero.any(axis=tuple(range(sparse_dim, a.ndim)))
    idx = np.stack(np.nonzero(nonzero)) if sparse_dim else np.zeros((0, int(nonzero)), np.int64)
    vals = a[tuple(idx)] if sparse_dim else a.reshape(1, *a.shape)[: idx.shape[1]]
    return make_sparse(idx.astype(np.int64), np.ascontiguousarray(vals), a.shape, True)


__all__ = ["sparse_coo_tensor"]
