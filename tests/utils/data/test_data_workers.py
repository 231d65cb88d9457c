"""DataLoader workers, played in the calling process: what a dataset draws in each worker, the
main process's streams after, ``worker_init_fn``, ``get_worker_info`` and persistent workers,
against PyTorch's real worker processes."""

from __future__ import annotations

import random
import warnings

import numpy as np
import pytest

import graphgrad

from ...random._helpers import torch_with_simd_kernels


def _draws(T) -> tuple:
    """A sample drawn from PyTorch's, Python's and NumPy's global generators."""
    draws = (T.rand(1).item(), random.random(), float(np.random.rand()))
    return tuple(round(x, 6) for x in draws)


def _map_style(T, **kwargs) -> list:
    data = T.utils.data

    class Noisy(data.Dataset):
        def __len__(self):
            return 7

        def __getitem__(self, i):
            return (i, data.get_worker_info().id, *_draws(T))

    T.manual_seed(0)
    loader = data.DataLoader(Noisy(), batch_size=None, **kwargs)
    seen = [list(loader) for _ in range(2)]
    return [seen, round(T.rand(1).item(), 6)]


def _compare(run) -> None:
    torch = torch_with_simd_kernels()
    state = random.getstate(), np.random.get_state()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (more workers than cores: both warn)
            want = run(torch)
            random.setstate(state[0])
            np.random.set_state(state[1])
            got = run(graphgrad)
    finally:
        random.setstate(state[0])
        np.random.set_state(state[1])
    assert got == want


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_workers": 2},
        {"num_workers": 3, "shuffle": True},
        {"num_workers": 2, "persistent_workers": True},
    ],
    ids=["two", "three-shuffled", "persistent"],
)
def test_workers_draw_pytorchs_numbers(kwargs):
    # before: every draw came from the main process's generators (other numbers, and the
    # main stream moved on by them); worker k loads batch k % N, seeded from the base seed
    _compare(lambda T: _map_style(T, **kwargs))


def test_an_iterable_dataset_runs_once_in_each_worker():
    def run(T):
        data = T.utils.data

        class Uneven(data.IterableDataset):
            def __iter__(self):
                info = data.get_worker_info()
                for k in range((5, 2, 3)[info.id]):
                    yield (info.id, k, *_draws(T))

        T.manual_seed(0)
        loader = data.DataLoader(Uneven(), batch_size=2, num_workers=3)
        return [[b[0].tolist() + b[1].tolist() for b in loader], round(T.rand(1).item(), 6)]

    _compare(run)


def test_worker_init_fn_runs_in_each_worker_with_its_seed():
    def run(T):
        data = T.utils.data
        calls = []

        def init(worker_id):
            info = data.get_worker_info()
            calls.append((worker_id, info.id, info.num_workers, info.seed == T.initial_seed()))
            calls.append(_draws(T))

        T.manual_seed(0)
        loader = data.DataLoader(list(range(4)), batch_size=2, num_workers=2, worker_init_fn=init)
        batches = [b.tolist() for b in loader]
        return batches, data.get_worker_info()  # (the calls happen in torch's workers)

    _compare(run)
    seen = []
    loader = graphgrad.utils.data.DataLoader(
        [0, 1], num_workers=2, worker_init_fn=lambda i: seen.append(i)
    )
    assert [b.tolist() for b in loader] == [[0], [1]] and seen == [0, 1]


def test_a_loaders_iterators_have_pytorchs_class_names():
    loader = graphgrad.utils.data.DataLoader([1, 2])
    assert type(iter(loader)).__name__ == "_SingleProcessDataLoaderIter"
    loader.num_workers = 1
    assert type(iter(loader)).__name__ == "_MultiProcessingDataLoaderIter"
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        graphgrad.utils.data.DataLoader([1], persistent_workers=True)
