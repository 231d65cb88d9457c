"""Datasets: Dataset, TensorDataset, Subset, ConcatDataset, and random_split.

>>> import graphgrad as torch
>>> ds = TensorDataset(torch.arange(10.0))
>>> a, b = random_split(ds, [0.8, 0.2], generator=None)
>>> len(a), len(b)
(8, 2)
"""

from __future__ import annotations

import bisect
import math
import warnings
from collections.abc import Sequence

import numpy as np

from ...tensor import Tensor
from . import _rng


class Dataset:
    """Base class: map-style datasets define ``__getitem__`` (and usually ``__len__``)."""

    def __getitem__(self, index):  # pragma: no cover - abstract
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


def _row(t: Tensor, index) -> Tensor:
    if hasattr(Tensor, "__getitem__"):
        return t[index]
    return Tensor._make(np.asarray(t._data[index]))


class TensorDataset(Dataset):
    """Samples are the ``index``-th rows of each tensor."""

    def __init__(self, *tensors: Tensor) -> None:
        if any(tensors[0].shape[0] != t.shape[0] for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(_row(t, index) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _batch(self, indices: list[int]) -> tuple[Tensor, ...]:
        """The collated batch for ``indices`` in one fancy-index per tensor (DataLoader's path)."""
        idx = np.asarray(indices, np.int64)
        return tuple(Tensor._make(t._data[idx]) for t in self.tensors)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)

    def _batch(self, indices: list[int]):
        inner = getattr(self.dataset, "_batch", None)
        if inner is None:
            return None
        return inner([self.indices[i] for i in indices])


class ConcatDataset(Dataset):
    """Several datasets one after another."""

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        self.cumulative_sizes, total = [], 0
        for d in self.datasets:
            total += len(d)
            self.cumulative_sizes.append(total)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


def _fraction_lengths(total: int, fractions: Sequence[float]) -> list[int]:
    lengths = [int(math.floor(total * f)) for f in fractions]
    for i in range(total - sum(lengths)):
        lengths[i % len(lengths)] += 1
    for i, n in enumerate(lengths):
        if n == 0:
            warnings.warn(
                f"Length of split at index {i} is 0. This might result in an empty dataset.",
                stacklevel=3,
            )
    return lengths


def random_split(dataset: Dataset, lengths: Sequence[int | float], generator=None):
    """Split into non-overlapping Subsets of the given lengths (or fractions summing to 1)."""
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        lengths = _fraction_lengths(len(dataset), lengths)
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = _rng.randperm(sum(lengths), generator)
    out, offset = [], 0
    for n in lengths:
        out.append(Subset(dataset, indices[offset : offset + n]))
        offset += n
    return out
