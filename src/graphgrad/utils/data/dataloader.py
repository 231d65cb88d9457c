"""DataLoader: batches from a dataset with optional shuffling, and ``default_collate``.

Single-process only (``num_workers`` is accepted and ignored). A TensorDataset (or a Subset of
one) with the default collate is batched by one fancy index per tensor instead of per sample.

>>> import graphgrad as torch
>>> default_collate([{"x": torch.tensor([1.0]), "y": 0}, {"x": torch.tensor([2.0]), "y": 1}])
{'x': tensor([[1.],
        [2.]]), 'y': tensor([0, 1])}
"""

from __future__ import annotations

import collections.abc as abc
import warnings

import numpy as np

from ...tensor import Tensor
from . import _rng
from .sampler import BatchSampler, RandomSampler, SequentialSampler


def _stack(tensors: list[Tensor]) -> Tensor:
    return Tensor._make(np.stack([t._data for t in tensors]))


def default_collate(batch: list):
    """Stack samples into a batch, recursing into tuples, lists, dicts and namedtuples
    (numbers become tensors).

    Args:
        batch: a list of samples.

    >>> from graphgrad.utils.data import default_collate
    >>> default_collate([(torch.tensor([1.0]), 0), (torch.tensor([2.0]), 1)])
    [tensor([[1.],
            [2.]]), tensor([0, 1])]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(batch)
    if isinstance(elem, np.ndarray):
        return Tensor._make(np.stack(batch))
    if isinstance(elem, np.generic):
        return Tensor._make(np.asarray(batch))
    if isinstance(elem, bool):
        return Tensor._make(np.asarray(batch, np.bool_))
    if isinstance(elem, float):
        return Tensor._make(np.asarray(batch, np.float64))
    if isinstance(elem, int):
        return Tensor._make(np.asarray(batch, np.int64))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, abc.Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch, strict=False)))
    if isinstance(elem, abc.Sequence):
        if any(len(e) != len(elem) for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(s)) for s in zip(*batch, strict=False)]
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {type(elem)}"
    )


def default_convert(data):
    """NumPy arrays to tensors, recursively (what ``batch_size=None`` applies to each sample).

    Args:
        data: a sample.

    >>> import numpy as np
    >>> from graphgrad.utils.data import default_convert
    >>> default_convert(np.array([1, 2]))
    tensor([1, 2])
    """
    if isinstance(data, np.ndarray):
        return Tensor._make(data)
    if isinstance(data, abc.Mapping):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (list, tuple)):
        return [default_convert(d) for d in data]
    return data


class DataLoader:
    """Iterate over ``dataset`` in batches, optionally shuffled; each batch is collated
    by ``collate_fn``. Everything runs in the calling process.

    Args:
        dataset: a map-style dataset (or an iterable one).
        batch_size: the samples per batch; ``None`` yields the samples one by one, unbatched.
        shuffle: visit the samples in a random order each epoch.
        sampler: the order of the indices (instead of ``shuffle``).
        batch_sampler: yields whole batches of indices (instead of ``batch_size`` etc.).
        num_workers: accepted; data is always loaded in the calling process.
        collate_fn: merges a list of samples into a batch (``default_collate``).
        pin_memory: accepted; with no accelerator there is nothing to pin, so each pass warns
            as PyTorch's CPU build does.
        drop_last: drop a last batch smaller than ``batch_size``.
        timeout, worker_init_fn, multiprocessing_context, prefetch_factor,
            persistent_workers: accepted for compatibility (there are no workers).
        generator: the random generator for shuffling.

    >>> from graphgrad.utils.data import TensorDataset
    >>> ds = TensorDataset(torch.arange(6.0).view(3, 2), torch.tensor([0, 1, 0]))
    >>> from graphgrad.utils.data import DataLoader
    >>> for x, y in DataLoader(ds, batch_size=2):
    ...     print(x.shape, y)
    torch.Size([2, 2]) tensor([0, 1])
    torch.Size([1, 2]) tensor([0])
    """

    def __init__(
        self,
        dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler=None,
        batch_sampler=None,
        num_workers: int = 0,
        collate_fn=None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn=None,
        multiprocessing_context=None,
        generator=None,
        *,
        prefetch_factor=None,
        persistent_workers: bool = False,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to "
                "disable multiprocessing."
            )
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (
            batch_size != 1 or shuffle or sampler is not None or drop_last
        ):
            raise ValueError(
                "batch_sampler option is mutually exclusive with batch_size, "
                "shuffle, sampler, and drop_last"
            )
        self.dataset, self.num_workers, self.generator = dataset, num_workers, generator
        self.pin_memory = pin_memory
        if sampler is None:
            sampler = (
                RandomSampler(dataset, generator=generator)
                if shuffle
                else SequentialSampler(dataset)
            )
        if batch_sampler is None and batch_size is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        elif batch_sampler is not None:
            batch_size, drop_last = None, False
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.batch_size, self.drop_last = batch_size, drop_last
        self._auto_collate = collate_fn is None
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn

    @property
    def _index_sampler(self):
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __iter__(self) -> _LoaderIter:
        return _LoaderIter(self)

    def _fetch(self, index):
        """One batch for ``index`` (a list of indices, or one index without auto-batching)."""
        if self.batch_sampler is None:
            return self.collate_fn(self.dataset[index])
        fast = getattr(self.dataset, "_batch", None) if self._auto_collate else None
        batch = fast(index) if fast is not None else None
        if batch is None:
            return self.collate_fn([self.dataset[i] for i in index])
        return list(batch) if isinstance(batch, tuple) else batch

    def __len__(self) -> int:
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)


_NO_PINNING = (
    "'pin_memory' argument is set as true but no accelerator is found, then device pinned "
    "memory won't be used."
)


class _LoaderIter:
    """One pass over a DataLoader. Starting it takes PyTorch's draws in PyTorch's order: the
    sampler's ``iter()`` first, then one int64 base seed (for worker seeding) from the loader's
    ``generator`` or the default generator, so the global stream stays in step with torch's."""

    def __init__(self, loader: DataLoader) -> None:
        self._loader = loader
        if loader.pin_memory:
            # stacklevel 1: shown once per process, as PyTorch's from its own line
            warnings.warn(_NO_PINNING, UserWarning, stacklevel=1)
        self._sampler_iter = iter(loader._index_sampler)
        self._base_seed = _rng.base_seed(loader.generator)

    def __iter__(self) -> _LoaderIter:
        return self

    def __next__(self):
        return self._loader._fetch(next(self._sampler_iter))

    def __len__(self) -> int:
        return len(self._loader)
