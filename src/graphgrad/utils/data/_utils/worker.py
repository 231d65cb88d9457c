"""DataLoader workers, played in the calling process: ``get_worker_info`` and ``Worker``.

PyTorch's loader with ``num_workers=N`` starts N processes and hands them the batches in turn
(batch k to worker k % N). Each seeds its own random number generators from the iterator's
base seed, so what a dataset draws in ``__getitem__`` (a random crop, noise) comes from the
worker's streams, not from the main process's. graphgrad loads every batch in the calling
process, but under the worker's id and with the worker's own generators, so the draws and
the main process's streams are PyTorch's.

>>> from graphgrad.utils.data import get_worker_info
>>> get_worker_info() is None
True
"""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from ....random.draws import Generator, default_generator

__all__ = ["WorkerInfo", "get_worker_info"]


class WorkerInfo:
    """What a dataset sees of the worker loading it (``get_worker_info()``).

    >>> WorkerInfo(id=0, num_workers=2, seed=7, dataset=None)
    WorkerInfo(id=0, num_workers=2, seed=7, dataset=None, rng=None, worker_method='multiprocessing')
    """

    def __init__(self, **fields) -> None:
        self.id: int = fields["id"]
        self.num_workers: int = fields["num_workers"]
        self.seed: int = fields["seed"]
        self.dataset = fields["dataset"]
        self.rng = None
        self.worker_method = "multiprocessing"

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"WorkerInfo({fields})"


class _Current:
    info: WorkerInfo | None = None  # the worker whose batch is loading now


def get_worker_info() -> WorkerInfo | None:
    """The worker loading the current batch (its id, the number of workers, its seed and the
    dataset), or ``None`` outside a ``num_workers > 0`` loader's loading. An ``IterableDataset``
    splits its work by it, as under PyTorch.

    >>> from graphgrad.utils.data import get_worker_info
    >>> print(get_worker_info())
    None
    """
    return _Current.info


class Worker:
    """One of PyTorch's worker processes: entering it (``with worker:``) puts its random
    states in place of the process's (PyTorch's default generator, Python's ``random``,
    NumPy's global generator) and makes it the current worker; leaving keeps its states for
    its next batch and puts the process's back.

    As PyTorch seeds a worker: ``base_seed + id`` for PyTorch's and Python's generators, and
    for NumPy's the state ``SeedSequence([id, base_seed])`` gives; then ``worker_init_fn(id)``.
    """

    def __init__(
        self, id: int, num_workers: int, base_seed: int, dataset, init_fn: Callable | None
    ) -> None:
        seed = base_seed + id
        self.info = WorkerInfo(id=id, num_workers=num_workers, seed=seed, dataset=dataset)
        numpy_seed = np.random.SeedSequence([id, base_seed]).generate_state(4)
        self._states = (
            Generator().manual_seed(seed)._snapshot(),
            random.Random(seed).getstate(),
            np.random.RandomState(numpy_seed).get_state(),
        )
        self._saved: tuple | None = None
        if init_fn is not None:
            with self:
                init_fn(id)

    def __enter__(self) -> Worker:
        self._saved = _states()
        _set_states(self._states)
        _Current.info = self.info
        return self

    def __exit__(self, *exc) -> None:
        _Current.info = None
        self._states = _states()
        assert self._saved is not None
        _set_states(self._saved)


def _states() -> tuple:
    return default_generator._snapshot(), random.getstate(), np.random.get_state()


def _set_states(states: tuple) -> None:
    torch_state, python_state, numpy_state = states
    default_generator._restore(torch_state)
    random.setstate(python_state)
    np.random.set_state(numpy_state)
