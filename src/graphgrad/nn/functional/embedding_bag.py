"""``embedding_bag``: the sum, mean or max of bags of embedding rows, without materialising
the per-index rows' layout: the rows are looked up with ``embedding`` (its gradient), then
added into their bags with ``index_add`` (sum, mean) or picked with ``gather`` (max).

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> w = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
>>> F.embedding_bag(torch.tensor([0, 1, 2]), w, torch.tensor([0, 2]), mode="sum")
tensor([[1., 1.],
        [2., 2.]])
"""

from __future__ import annotations

import numpy as np

from ...ops.array_step import array_step, constant
from ...ops.elementwise import where
from ...tensor import Tensor
from .norm import embedding


def _bags(input: Tensor, offsets: Tensor | None, include_last_offset: bool):
    """The flat indices and, for each of them, its bag; and the number of bags."""
    if input.ndim == 2:
        if offsets is not None:
            kind = "<class 'torch.Tensor'>" if isinstance(offsets, Tensor) else type(offsets)
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a "
                "mini-batch of fixed length sequences. However, found offsets of type "
                f"{kind}"
            )
        n, length = input.shape
        return input.reshape(-1), constant(np.repeat(np.arange(n), length)), n
    if input.ndim != 1:
        raise ValueError(
            f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}"
        )
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.ndim != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    count = offsets.shape[0] - 1 if include_last_offset else offsets.shape[0]
    return input, _bag_of_each(offsets._data, input.shape[0], count, include_last_offset), count


@array_step
def _bag_of_each(offsets: np.ndarray, length: int, count: int, include_last_offset: bool):
    """The bag of each of ``length`` indices, from the bags' starts (``offsets``)."""
    starts = offsets.astype(np.int64)
    if starts.size and starts[0] != 0:
        raise RuntimeError(
            "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
            f"from position 0. However, got {starts[0]}\n[ torch.LongTensor{{}} ]"  # as PyTorch
        )
    bag = np.searchsorted(starts[: count + 1 if include_last_offset else None],
                          np.arange(length), side="right") - 1  # fmt: skip
    return np.minimum(bag, max(count - 1, 0))


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:  # fmt: skip
    """The sum, mean or max of each bag of rows of ``weight``: a bag is a row of a 2-D
    ``input``, or the indices of a 1-D ``input`` from one ``offsets`` entry to the next; see
    ``nn.EmbeddingBag``.

    Args:
        input: the indices, ``(B, L)`` or ``(total,)``.
        weight: the table, ``(num_embeddings, embedding_dim)``.
        offsets: each bag's start in a 1-D ``input``.
        max_norm, norm_type: renormalise looked-up rows, as in ``embedding``.
        scale_grad_by_freq: divide each row's gradient by its count in the batch.
        mode: ``"sum"``, ``"mean"`` or ``"max"``.
        sparse: accepted for compatibility; gradients are dense.
        per_sample_weights: a weight per index (``mode="sum"`` only).
        include_last_offset: ``offsets`` has one more entry, the end of the last bag.
        padding_idx: an index left out of every bag (and of the means' counts).

    >>> F.embedding_bag(torch.tensor([[0, 2]]), torch.tensor([[1.0], [5.0], [3.0]]))
    tensor([[2.]])
    """
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(
                "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                "on GitHub."
            )
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(
                f"embedding_bag: If per_sample_weights ({tuple(per_sample_weights.shape)}) is "
                f"not None, then it must have the same shape as the input ({tuple(input.shape)})"
            )
    flat, bag, count = _bags(input, offsets, include_last_offset)
    idx = _as_int64(flat._data)
    num = weight.shape[0]
    _check_bag_indices(idx, num)
    if padding_idx is not None and padding_idx < 0:
        padding_idx += num
    # (the indices that are not padding_idx: how many depends on the values, which a compiled
    # call's recording cannot replay)
    keep = None if padding_idx is None else np.nonzero(idx != padding_idx)[0]
    picked = Tensor._make(idx if keep is None else idx[keep])
    rows = embedding(picked, weight, None, max_norm, norm_type, scale_grad_by_freq, sparse)
    bags = bag if keep is None else bag[keep]
    dim = weight.shape[1]
    if mode == "max":
        return _bag_max(rows, bags, count, dim)
    if per_sample_weights is not None:
        chosen = per_sample_weights.reshape(-1)
        if keep is not None:
            chosen = chosen.index_select(0, Tensor._make(keep))
        rows = rows * chosen.unsqueeze(1)
    out = rows.new_zeros((count, dim)).index_add(0, Tensor._make(bags), rows)
    if mode == "mean":
        out = out / Tensor._make(_bag_sizes(bags, count, out._data.dtype))
    return out


@array_step
def _as_int64(a: np.ndarray) -> np.ndarray:
    return a.astype(np.int64)


@array_step
def _bag_sizes(bags: np.ndarray, count: int, dtype) -> np.ndarray:
    """Each bag's size (1 for an empty one: its sum, 0, stays 0), a column."""
    return np.maximum(np.bincount(bags, minlength=count), 1).astype(dtype)[:, None]


def _bag_max(rows: Tensor, bags: np.ndarray, count: int, dim: int) -> Tensor:
    """Each bag's elementwise maximum (the first row holding it), 0 for an empty bag."""
    values = rows._data
    best = np.full((count, dim), -1, np.int64)
    for b in range(count):
        members = np.nonzero(bags == b)[0]
        if members.size:
            best[b] = members[np.argmax(values[members], axis=0)]
    empty = best < 0
    out = rows.gather(0, Tensor._make(np.where(empty, 0, best))) if rows.shape[0] else None
    if out is None:
        return rows.new_zeros((count, dim))
    if empty.any():
        out = where(Tensor._make(empty), out.new_zeros(()), out)  # +0.0, not 0 * a row
    return out


__all__ = ["embedding_bag"]


@array_step
def _check_bag_indices(idx: np.ndarray, num: int) -> None:
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        at = int(np.nonzero((idx < 0) | (idx >= num))[0][0])
        raise RuntimeError(
            f"Index {at} of input takes value {idx[at]} which is not in the valid range [0, {num})"
        )
