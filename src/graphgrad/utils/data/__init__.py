"""``graphgrad.utils.data``: Dataset, IterableDataset, TensorDataset, Subset, random_split,
DataLoader.

>>> import graphgrad as torch
>>> from graphgrad.utils.data import DataLoader, TensorDataset
>>> ds = TensorDataset(torch.arange(6.0).reshape(3, 2), torch.tensor([0, 1, 0]))
>>> [tuple(x.shape) for x, _ in DataLoader(ds, batch_size=2)]
[(2, 2), (1, 2)]
"""

from __future__ import annotations

from ._utils.collate import default_collate, default_convert
from ._utils.worker import get_worker_info
from .dataloader import DataLoader
from .dataset import ConcatDataset, Dataset, StackDataset, Subset, TensorDataset, random_split
from .distributed import DistributedSampler
from .iterable import ChainDataset, IterableDataset
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = [
    "BatchSampler",
    "ChainDataset",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "DistributedSampler",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "StackDataset",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "random_split",
]
