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
from typing import Any, Protocol, cast

import numpy as np

from ...tensor import Tensor
from . import _rng


class Dataset:
    """Base class of map-style datasets: subclasses define ``__getitem__`` (and usually
    ``__len__``); ``a + b`` concatenates two.

    >>> from graphgrad.utils.data import Dataset
    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 4
    ...     def __getitem__(self, i):
    ...         return torch.tensor(float(i * i))
    >>> Squares()[3], len(Squares() + Squares())
    (tensor(9.), 8)
    """

    def __getitem__(self, index):  # pragma: no cover - abstract
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """A dataset whose ``index``-th sample is the ``index``-th row of each tensor.

    Args:
        tensors: tensors with the same first dimension.

    >>> from graphgrad.utils.data import TensorDataset
    >>> ds = TensorDataset(torch.arange(6.0).view(3, 2), torch.tensor([0, 1, 0]))
    >>> ds[1], len(ds)
    ((tensor([2., 3.]), tensor(1)), 3)
    """

    def __init__(self, *tensors: Tensor) -> None:
        if any(tensors[0].shape[0] != t.shape[0] for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _batch(self, indices: list[int]) -> tuple[Tensor, ...]:
        """The collated batch for ``indices`` in one fancy-index per tensor (DataLoader's path)."""
        idx = np.asarray(indices, np.int64)
        return tuple(Tensor._make(t._data[idx]) for t in self.tensors)


class _SizedDataset(Protocol):
    """What splitting needs of a dataset: a length and samples by index (a Dataset that defines
    ``__len__``, or any sequence)."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: Any) -> Any: ...


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``.

    Args:
        dataset: the dataset.
        indices: the positions to keep, in order.

    >>> from graphgrad.utils.data import Subset
    >>> from graphgrad.utils.data import TensorDataset
    >>> ds = TensorDataset(torch.arange(6.0).view(3, 2), torch.tensor([0, 1, 0]))
    >>> Subset(ds, [2, 0])[0]
    (tensor([4., 5.]), tensor(0))
    """

    def __init__(self, dataset: Dataset | _SizedDataset, indices: Sequence[int]) -> None:
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
    """Several datasets one after another.

    Args:
        datasets: the datasets.

    >>> from graphgrad.utils.data import ConcatDataset
    >>> from graphgrad.utils.data import TensorDataset
    >>> ds = TensorDataset(torch.arange(6.0).view(3, 2), torch.tensor([0, 1, 0]))
    >>> len(ConcatDataset([ds, ds]))
    6
    """

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


class StackDataset(Dataset):
    """Several datasets of one length side by side: sample ``i`` is the tuple (or, with keyword
    arguments, the dict) of their samples ``i``.

    Args:
        args: the datasets, for tuple samples.
        kwargs: the datasets by name, for dict samples (not both).

    >>> from graphgrad.utils.data import StackDataset, TensorDataset
    >>> images = TensorDataset(torch.arange(3.0))
    >>> StackDataset(image=images, label=[7, 8, 9])[1]
    {'image': (tensor(1.),), 'label': 8}
    """

    def __init__(self, *args, **kwargs) -> None:
        if args and kwargs:
            raise ValueError(
                "Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like "
                "input/output, but both types are given."
            )
        datasets = args or list(kwargs.values())
        if not datasets:
            raise ValueError("At least one dataset should be passed")
        self._length = len(datasets[0])
        if any(len(d) != self._length for d in datasets):
            raise ValueError("Size mismatch between datasets")
        self.datasets = args if args else kwargs

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices: list) -> list:
        """The samples at ``indices``, asking each dataset for all of them at once where it
        can (its own ``__getitems__``).

        Args:
            indices: the indices of one batch.

        >>> from graphgrad.utils.data import StackDataset
        >>> StackDataset([1, 2, 3], "abc").__getitems__([0, 2])
        [(1, 'a'), (3, 'c')]
        """
        datasets = self.datasets
        named = isinstance(datasets, dict)
        items = datasets.items() if isinstance(datasets, dict) else enumerate(datasets)
        columns = {key: _samples(d, indices) for key, d in items}
        if named:
            return [{k: col[j] for k, col in columns.items()} for j in range(len(indices))]
        return [tuple(col[j] for col in columns.values()) for j in range(len(indices))]

    def __len__(self) -> int:
        return self._length


def _samples(dataset, indices: list) -> list:
    """``[dataset[i] for i in indices]``, by ``dataset.__getitems__`` when it has one."""
    getitems = getattr(dataset, "__getitems__", None)
    if not getitems:
        return [dataset[i] for i in indices]
    items = getitems(indices)
    if len(items) != len(indices):
        raise ValueError(
            f"Nested dataset's output size mismatch. Expected {len(indices)}, got {len(items)}"
        )
    return items


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


def random_split(dataset: _SizedDataset, lengths: Sequence[int | float], generator=None):
    """Split ``dataset`` into non-overlapping random Subsets of the given lengths (or
    fractions summing to 1), drawn as PyTorch draws them.

    Args:
        dataset: the dataset.
        lengths: the sizes of the pieces, or their fractions.
        generator: the random generator (the default one when ``None``).

    >>> from graphgrad.utils.data import random_split
    >>> first, second = random_split(range(5), [3, 2], generator=torch.Generator().manual_seed(0))
    >>> list(first), list(second)
    ([4, 0, 1], [3, 2])
    """
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        lengths = _fraction_lengths(len(dataset), lengths)
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    lengths = cast("Sequence[int]", lengths)  # counts here: fractions became counts above
    indices = _rng.randperm(sum(lengths), generator)
    out, offset = [], 0
    for n in lengths:
        out.append(Subset(dataset, indices[offset : offset + n]))
        offset += n
    return out
