"""DataLoader: batches from a dataset with optional shuffling, and ``default_collate``.

Single-process: workers (``num_workers``) are played in the calling process, with PyTorch's
seeds (``_utils.worker``). A TensorDataset (or a Subset of one) with the default collate is
batched by one fancy index per tensor instead of per sample.

>>> import graphgrad as torch
>>> default_collate([{"x": torch.tensor([1.0]), "y": 0}, {"x": torch.tensor([2.0]), "y": 1}])
{'x': tensor([[1.],
        [2.]]), 'y': tensor([0, 1])}
"""

from __future__ import annotations

import os
import warnings

from . import _rng
from ._utils.collate import default_collate, default_convert
from ._utils.worker import Worker
from .iterable import (
    IterableDataset,
    _InfiniteConstantSampler,
    check_loader_options,
    fetch_from_stream,
)
from .sampler import BatchSampler, RandomSampler, SequentialSampler


class DataLoader:
    """Iterate over ``dataset`` in batches, optionally shuffled; each batch is collated
    by ``collate_fn``. Everything runs in the calling process.

    Args:
        dataset: a map-style dataset, or an ``IterableDataset`` (then no ``shuffle`` or
            sampler: its iterator gives the samples in order).
        batch_size: the samples per batch; ``None`` yields the samples one by one, unbatched.
        shuffle: visit the samples in a random order each epoch.
        sampler: the order of the indices (instead of ``shuffle``).
        batch_sampler: yields whole batches of indices (instead of ``batch_size`` etc.).
        num_workers: how many of PyTorch's worker processes to play: batch k loads under
            worker k % N, with its own random numbers (in the calling process, one by one).
        collate_fn: merges a list of samples into a batch (``default_collate``).
        pin_memory: accepted; with no accelerator there is nothing to pin, so each pass warns
            as PyTorch's CPU build does.
        drop_last: drop a last batch smaller than ``batch_size``.
        worker_init_fn: called with each worker's id when its pass starts, under the worker.
        persistent_workers: keep the workers (and their random states) from pass to pass.
        timeout, multiprocessing_context, prefetch_factor: accepted for compatibility.
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
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset, self.num_workers, self.generator = dataset, num_workers, generator
        self.worker_init_fn, self.persistent_workers = worker_init_fn, persistent_workers
        self._iterator: _MultiProcessingDataLoaderIter | None = None
        self.pin_memory = pin_memory
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:  # the dataset's own iterator orders the samples
            check_loader_options(shuffle, sampler, batch_sampler)
            sampler = _InfiniteConstantSampler()
        elif sampler is None:
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

    def __iter__(self) -> _BaseDataLoaderIter:
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        _check_worker_number(self.num_workers)
        if not self.persistent_workers:
            return _MultiProcessingDataLoaderIter(self)
        if self._iterator is None:  # (persistent workers: one set, for every pass)
            self._iterator = _MultiProcessingDataLoaderIter(self)
        else:
            self._iterator._reset(self)
        return self._iterator

    def _fetch(self, index):
        """One batch for ``index`` (a list of indices, or one index without auto-batching)."""
        if self.batch_sampler is None:
            return self.collate_fn(self.dataset[index])
        fast = getattr(self.dataset, "_batch", None) if self._auto_collate else None
        batch = fast(index) if fast is not None else None
        if batch is None:
            getitems = getattr(self.dataset, "__getitems__", None)
            samples = getitems(index) if getitems else [self.dataset[i] for i in index]
            return self.collate_fn(samples)
        return list(batch) if isinstance(batch, tuple) else batch

    def __len__(self) -> int:
        if self._iterable:  # the dataset's length, if it has one, in batches
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)


_NO_PINNING = (
    "'pin_memory' argument is set as true but no accelerator is found, then device pinned "
    "memory won't be used."
)


class _BaseDataLoaderIter:
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

    def __iter__(self) -> _BaseDataLoaderIter:
        return self

    def __len__(self) -> int:
        return len(self._loader)

    def _from_stream(self, stream, index):
        loader = self._loader
        batched = loader.batch_sampler is not None
        return fetch_from_stream(stream, index, batched, loader.drop_last, loader.collate_fn)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    """A pass with ``num_workers=0``: every batch loads in the calling process."""

    def __init__(self, loader: DataLoader) -> None:
        super().__init__(loader)
        self._stream = iter(loader.dataset) if loader._iterable else None

    def __next__(self):
        index = next(self._sampler_iter)
        if self._stream is not None:
            return self._from_stream(self._stream, index)
        return self._loader._fetch(index)


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """A pass with ``num_workers=N``, its workers played in this process (``Worker``): batch
    k loads under worker k % N (an ``IterableDataset``: each worker iterates its own copy, and
    the batches take turns among the workers whose copies last), as PyTorch's do."""

    def __init__(self, loader: DataLoader) -> None:
        super().__init__(loader)
        n = loader.num_workers
        self._workers = [
            Worker(i, n, self._base_seed, loader.dataset, loader.worker_init_fn) for i in range(n)
        ]
        self._start()

    def _start(self) -> None:
        self._turn = 0
        self._streams: dict[Worker, object] = {}
        if self._loader._iterable:
            for worker in self._workers:
                with worker:
                    self._streams[worker] = iter(self._loader.dataset)

    def _reset(self, loader: DataLoader) -> None:
        """The next pass of persistent workers: their random states go on, no new seed."""
        self._sampler_iter = iter(loader._index_sampler)
        self._start()

    def __next__(self):
        n = len(self._workers)
        if not self._loader._iterable:
            index = next(self._sampler_iter)
            worker = self._workers[self._turn % n]
            self._turn += 1
            with worker:
                return self._loader._fetch(index)
        while self._streams:
            worker = self._workers[self._turn % n]
            self._turn += 1
            stream = self._streams.get(worker)
            if stream is None:  # (exhausted: its turns pass to the next)
                continue
            try:
                with worker:
                    return self._from_stream(stream, next(self._sampler_iter))
            except StopIteration:
                del self._streams[worker]
        raise StopIteration


def _check_worker_number(num_workers: int) -> None:
    """PyTorch's warning for more workers than this process may run on (once a process)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # (not on Linux)
        cpus = os.cpu_count() or num_workers
    if num_workers > cpus:
        warnings.warn(
            f"This DataLoader will create {num_workers} worker processes in total. Our "
            f"suggested max number of worker in current system is {cpus}, which is smaller "
            "than what this DataLoader is going to create. Please be aware that excessive "
            "worker creation might get DataLoader running slow or even freeze, lower the "
            "worker number to avoid potential slowness/freeze if necessary.",
            UserWarning,
            stacklevel=1,
        )
