"""Iterable-style datasets: ``IterableDataset`` (a stream of samples, defined by ``__iter__``)
and ``ChainDataset``, and how a DataLoader batches a stream.

A DataLoader over an iterable dataset takes no sampler and no shuffle; it pulls ``batch_size``
samples at a time from ``iter(dataset)`` (the last batch may be short unless ``drop_last``).

>>> import graphgrad as torch
>>> from graphgrad.utils.data import DataLoader, IterableDataset
>>> class Count(IterableDataset):
...     def __iter__(self):
...         return iter(range(5))
>>> list(DataLoader(Count(), batch_size=2))
[tensor([0, 1]), tensor([2, 3]), tensor([4])]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from .dataset import Dataset


class IterableDataset(Dataset):
    """Base class of datasets that are streams of samples: subclasses define ``__iter__``.
    ``a + b`` chains two.

    >>> from graphgrad.utils.data import IterableDataset
    >>> class Squares(IterableDataset):
    ...     def __iter__(self):
    ...         return (i * i for i in range(4))
    >>> list(Squares() + Squares())
    [0, 1, 4, 9, 0, 1, 4, 9]
    """

    def __iter__(self) -> Iterator:  # pragma: no cover - abstract
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


def _check_iterable(dataset) -> None:
    if not isinstance(dataset, IterableDataset):
        raise AssertionError("ChainDataset only supports IterableDataset")


class ChainDataset(IterableDataset):
    """The samples of several iterable datasets, one dataset after another (chained lazily).

    Args:
        datasets: the iterable datasets.

    >>> from graphgrad.utils.data import ChainDataset, IterableDataset
    >>> class Upto(IterableDataset):
    ...     def __init__(self, n):
    ...         self.n = n
    ...     def __iter__(self):
    ...         return iter(range(self.n))
    >>> list(ChainDataset([Upto(2), Upto(3)]))
    [0, 1, 0, 1, 2]
    """

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        super().__init__()
        self.datasets = datasets

    def __iter__(self) -> Iterator:
        for dataset in self.datasets:
            _check_iterable(dataset)
            yield from dataset  # type: ignore[misc]

    def __len__(self) -> int:
        total = 0
        for dataset in self.datasets:
            _check_iterable(dataset)
            total += len(dataset)  # type: ignore[arg-type]
        return total


class _InfiniteConstantSampler:
    """The sampler of a DataLoader over an iterable dataset: ``None`` forever (the dataset's
    own iterator decides what comes next)."""

    def __iter__(self) -> Iterator[None]:
        return itertools.repeat(None)


def check_loader_options(shuffle, sampler, batch_sampler) -> None:
    """PyTorch's errors for the options a DataLoader over an iterable dataset does not take."""
    if shuffle not in {False, None}:
        raise ValueError(
            "DataLoader with IterableDataset: expected unspecified shuffle option, "
            f"but got shuffle={shuffle}"
        )
    if sampler is not None:
        raise ValueError(
            "DataLoader with IterableDataset: expected unspecified sampler option, "
            f"but got sampler={sampler}"
        )
    if batch_sampler is not None:
        raise ValueError(
            "DataLoader with IterableDataset: expected unspecified batch_sampler option, "
            f"but got batch_sampler={batch_sampler}"
        )


def fetch_from_stream(stream: Iterator, index, batched: bool, drop_last: bool, collate_fn):
    """The next batch (``index`` is a list as long as the batch) or sample from ``stream``,
    collated; ``StopIteration`` once the stream is exhausted (or only a short batch is left
    and ``drop_last``)."""
    if not batched:
        return collate_fn(next(stream))
    samples = list(itertools.islice(stream, len(index)))
    if not samples or (drop_last and len(samples) < len(index)):
        raise StopIteration
    return collate_fn(samples)
