"""Counting and searching: unique, unique_consecutive, isin, bincount, bucketize and
searchsorted. Their results are indices, counts and masks, with no gradient (``unique``'s
values, as PyTorch's, have a node whose backward is not implemented; here they have none).

>>> import graphgrad as torch
>>> torch.unique(torch.tensor([3, 1, 2, 3, 1]), return_counts=True)
(tensor([1, 2, 3]), tensor([2, 1, 2]))
>>> torch.bucketize(torch.tensor([3, 6, 9]), torch.tensor([1, 3, 5, 7, 9]))
tensor([1, 3, 4])
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..dtypes import result_type
from ..tensor import Tensor, _wrap_dim
from .array_step import array_step
from .elementwise import as_operand


def _outputs(values: np.ndarray, inverse, counts, return_inverse: bool, return_counts: bool):
    out = [Tensor._make(np.ascontiguousarray(values))]
    if return_inverse:
        out.append(Tensor._make(np.asarray(inverse, np.int64)))
    if return_counts:
        out.append(Tensor._make(np.asarray(counts, np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique(
    input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
    return_counts: bool = False, dim=None,
):  # fmt: skip
    """The distinct elements of ``input`` (or distinct slices along ``dim``), sorted.

    Args:
        input: the tensor.
        sorted: accepted; the result is always sorted, as PyTorch's CPU result is.
        return_inverse: also return, for each element, the index of its value in the result.
        return_counts: also return how many times each value occurs.
        dim: the dimension whose slices are compared (None: the flattened elements).

    >>> torch.unique(torch.tensor([3, 1, 2, 3, 1]), return_inverse=True)
    (tensor([1, 2, 3]), tensor([2, 0, 1, 2, 0]))
    """
    a = input._data
    if dim is None:
        values, inverse, counts = np.unique(
            a.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False
        )
        return _outputs(values, inverse.reshape(a.shape), counts, return_inverse, return_counts)
    axis = _wrap_dim(dim, max(input.ndim, 1))
    values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=axis)
    return _outputs(values, inverse.reshape(-1), counts, return_inverse, return_counts)


def unique_consecutive(input: Tensor, return_inverse=False, return_counts=False, dim=None):
    """``input`` with each run of equal consecutive elements (or slices along ``dim``) kept
    once.

    Args:
        input: the tensor.
        return_inverse: also return, for each element, the index of its run in the result.
        return_counts: also return each run's length.
        dim: the dimension whose slices are compared (None: the flattened elements).

    >>> torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1, 1]), return_counts=True)
    (tensor([1, 2, 3, 1]), tensor([2, 2, 1, 2]))
    """
    a = input._data
    if dim is None:
        rows, axis = a.reshape(-1, 1), 0
    else:
        axis = _wrap_dim(dim, max(input.ndim, 1))
        moved = np.moveaxis(a.reshape(1) if input.ndim == 0 else a, axis, 0)
        rows = moved.reshape(moved.shape[0], -1)
    n = rows.shape[0]
    starts = np.ones(n, bool)
    if n > 1:
        starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    first = np.nonzero(starts)[0]
    inverse = np.cumsum(starts) - 1
    counts = np.diff(np.append(first, n))
    if dim is None:
        values, inverse = a.reshape(-1)[first], inverse.reshape(a.shape)
    else:
        values = np.take(a.reshape(1) if input.ndim == 0 else a, first, axis=axis)
    return _outputs(values, inverse, counts, return_inverse, return_counts)


def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False):
    """Whether each element of ``elements`` occurs in ``test_elements``, as a bool tensor.

    Args:
        elements: a tensor or a number.
        test_elements: a tensor or a number to look in.
        assume_unique: accepted (a hint for speed).
        invert: give the opposite (not in ``test_elements``).

    >>> torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2, 5]))
    tensor([False,  True, False])
    """
    a, b = as_operand(elements), as_operand(test_elements)
    dt = result_type(a, b).np
    x = a._data.astype(dt) if isinstance(a, Tensor) else np.asarray(a, dt)
    y = b._data.astype(dt) if isinstance(b, Tensor) else np.asarray(b, dt)
    return Tensor._make(np.asarray(np.isin(x, y, invert=invert)))


def bincount(input: Tensor, weights=None, minlength: int = 0) -> Tensor:
    """How many times each value ``0..max(input)`` occurs in a 1-d non-negative integer tensor
    (or the sum of ``weights`` at its occurrences).

    Args:
        input: a 1-d tensor of non-negative integers.
        weights: a tensor of ``input``'s length (the result is then float64, or its dtype
            when float32).
        minlength: the least length of the result.

    >>> torch.bincount(torch.tensor([1, 1, 3]), minlength=5)
    tensor([0, 2, 0, 1, 0])
    """
    if input.dtype.category > 1 or input.dtype.name == "bool":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{input.dtype.legacy}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    a = input._data
    if input.ndim != 1 or (a < 0).any():
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return Tensor._make(np.bincount(a, minlength=minlength).astype(np.int64))
    if weights.shape != input.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = np.float32 if weights.dtype.name == "float32" else np.float64
    counts = np.bincount(a, weights=weights._data.astype(np.float64), minlength=minlength)
    return Tensor._make(counts.astype(dt))


@array_step
def _search(boundaries: np.ndarray, values, right: bool, out_int32: bool, sorter=None):
    """The insertion points of ``values`` (an array or a number) in ``boundaries`` (sorted
    along its last axis, or by ``sorter``), as int32 or int64."""
    side: Literal["left", "right"] = "right" if right else "left"
    values = np.asarray(values)
    if sorter is not None:
        boundaries = np.take_along_axis(boundaries, sorter, -1)
    if boundaries.ndim <= 1:
        found = np.searchsorted(boundaries.reshape(-1), values, side=side)
    else:
        found = np.empty(values.shape, np.int64)
        for pos in np.ndindex(*boundaries.shape[:-1]):
            found[pos] = np.searchsorted(boundaries[pos], values[pos], side=side)
    return np.asarray(found, np.int32 if out_int32 else np.int64)


def searchsorted(
    sorted_sequence: Tensor, input, *, out_int32=False, right=False, side=None, sorter=None
) -> Tensor:
    """Where each value of ``input`` would be inserted into ``sorted_sequence`` (along its
    last dimension) to keep it sorted.

    Args:
        sorted_sequence: a tensor sorted along its last dimension (1-d, or with ``input``'s
            leading dimensions).
        input: the values, a tensor or a number.
        out_int32: return int32 indices instead of int64.
        right: after equal elements instead of before them.
        side: ``"left"`` or ``"right"``, the same choice by name.
        sorter: indices that sort ``sorted_sequence`` when it is not sorted itself.

    >>> torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6]))
    tensor([1, 3])
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(
                f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
            )
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of "
                "left while right was True"
            )
        right = side == "right"
    seq = sorted_sequence._data
    values = input._data if isinstance(input, Tensor) else input
    if seq.ndim > 1 and seq.shape[:-1] != np.shape(values)[:-1]:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(seq.shape)} and input value tensor "
            f"{list(np.shape(values))}"
        )
    sorter = None if sorter is None else sorter._data
    return Tensor._make(_search(seq, values, right, out_int32, sorter))


def bucketize(input, boundaries: Tensor, *, out_int32: bool = False, right: bool = False):
    """The index of the bucket of each value: ``i`` with ``boundaries[i-1] < x <=
    boundaries[i]`` (``<= x <`` with ``right=True``).

    Args:
        input: the values, a tensor or a number.
        boundaries: a 1-d increasing tensor.
        out_int32: return int32 indices instead of int64.
        right: which side of a boundary equal values fall on.

    >>> torch.bucketize(torch.tensor([3, 6, 9]), torch.tensor([1, 3, 5, 7, 9]), right=True)
    tensor([2, 3, 5])
    """
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    values = input._data if isinstance(input, Tensor) else input
    return Tensor._make(_search(boundaries._data, values, right, out_int32))


__all__ = ["unique", "unique_consecutive", "isin", "bincount", "bucketize", "searchsorted"]
METHODS = {name: globals()[name] for name in ("unique", "unique_consecutive", "bincount")}
