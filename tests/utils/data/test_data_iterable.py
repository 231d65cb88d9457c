"""utils.data extras against torch: IterableDataset with DataLoader, ChainDataset, StackDataset,
get_worker_info, and collate with collate_fn_map."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import graphgrad
from tests._compare_torch import assert_same, outcome

torch = pytest.importorskip("torch")


def both(case, message=True):
    assert_same(outcome(graphgrad, case), outcome(torch, case), message)


def _data(T):
    return T.utils.data


def _stream(T, n, sized=False):
    data = _data(T)

    class Stream(data.IterableDataset):
        def __iter__(self):
            return ({"x": T.tensor([float(i)]), "i": i} for i in range(n))

    class SizedStream(Stream):
        def __len__(self):
            return n

    return SizedStream() if sized else Stream()


LOADERS = [
    {"batch_size": 2},
    {"batch_size": 2, "drop_last": True},
    {"batch_size": None},
    {},
    {"batch_size": 3, "shuffle": False},
    {"batch_size": 2, "collate_fn": lambda b: len(b)},
    {"batch_size": 10},
]


@pytest.mark.parametrize("kwargs", LOADERS)
def test_dataloader_over_a_stream_as_torch(kwargs):
    both(lambda T: list(_data(T).DataLoader(_stream(T, 5), **kwargs)))


@pytest.mark.parametrize("kwargs", [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}])
def test_stream_loader_errors_as_torch(kwargs):
    both(lambda T: _data(T).DataLoader(_stream(T, 3), **kwargs))


@pytest.mark.parametrize(
    "kwargs", [{"batch_size": 2}, {"batch_size": 2, "drop_last": True}, {"batch_size": None}]
)
def test_stream_loader_len_as_torch(kwargs):
    both(lambda T: len(_data(T).DataLoader(_stream(T, 5, sized=True), **kwargs)))
    both(lambda T: len(_data(T).DataLoader(_stream(T, 5), **kwargs)), message=False)


def test_chain_dataset_as_torch():
    def run(T):
        chained = _stream(T, 2) + _stream(T, 3, sized=True)
        sized = _data(T).ChainDataset([_stream(T, 2, sized=True), _stream(T, 1, sized=True)])
        return type(chained).__name__, [d["i"] for d in chained], len(sized)

    both(run)
    both(lambda T: list(_data(T).ChainDataset([_stream(T, 1), _data(T).TensorDataset(T.ones(1))])))
    both(lambda T: len(_data(T).ChainDataset([_stream(T, 1)])), message=False)


def test_iterable_dataset_has_no_getitem_as_torch():
    both(lambda T: _stream(T, 2)[0])


def test_a_stream_split_by_worker_yields_everything_in_the_main_process():
    def run(T):
        data = _data(T)

        class Split(data.IterableDataset):
            def __iter__(self):
                info = data.get_worker_info()
                start = 0 if info is None else info.id
                step = 1 if info is None else info.num_workers
                return iter(range(start, 6, step))

        return data.get_worker_info(), list(data.DataLoader(Split(), batch_size=4))

    both(run)


STACKS = [
    lambda T: (lambda s: (s[1], len(s)))(
        _data(T).StackDataset(_data(T).TensorDataset(T.arange(3)), [10, 20, 30])
    ),
    lambda T: _data(T).StackDataset(x=_data(T).TensorDataset(T.arange(3)), y=[10, 20, 30])[2],
    lambda T: _data(T).StackDataset(x=[1, 2], y="ab").__getitems__([1, 0]),
    lambda T: list(
        _data(T).DataLoader(
            _data(T).StackDataset(x=_data(T).TensorDataset(T.arange(3)), y=[1, 2, 3]), batch_size=2
        )
    ),
    lambda T: _data(T).StackDataset([1], [1, 2]),
    lambda T: _data(T).StackDataset([1], y=[1]),
    lambda T: _data(T).StackDataset(),
]


@pytest.mark.parametrize("case", range(len(STACKS)))
def test_stack_dataset_as_torch(case):
    both(STACKS[case])


def _collate(T):
    return T.utils.data._utils.collate


Pair = collections.namedtuple("Pair", ["a", "b"])

COLLATES = [
    lambda T: _collate(T).default_collate([collections.OrderedDict(a=1, b=2.0)] * 2),
    lambda T: _collate(T).default_collate([(1, "a"), (2, "b")]),
    lambda T: _collate(T).default_collate([[1, 2], [3, 4]]),
    lambda T: _collate(T).default_collate([Pair(np.float32(1), b"x"), Pair(np.float32(2), b"y")]),
    lambda T: _collate(T).default_collate([np.array([1, 2]), np.array([3, 4])]),
    lambda T: _collate(T).default_collate([np.array(["a"])]),
    lambda T: _collate(T).default_collate([object()]),
    lambda T: _collate(T).default_collate([T.ones(2), T.ones(3)]),
    lambda T: _collate(T).default_collate([[1, 2], [3]]),
    lambda T: _collate(T).default_collate([True, False]),
    lambda T: _collate(T).default_collate([np.int16(4), np.int16(3)]),
    lambda T: _collate(T).default_collate([T.ones(2, requires_grad=True)] * 2).requires_grad,
    lambda T: _collate(T).collate([1.5], collate_fn_map=None),
    lambda T: _collate(T).collate(
        [{"x": 1.5, "y": [1]}],
        collate_fn_map={
            float: lambda b, *, collate_fn_map: "custom",
            int: _collate(T).collate_int_fn,
        },
    ),
    lambda T: _collate(T).collate([True], collate_fn_map={int: lambda b, *, collate_fn_map: "int"}),
    lambda T: _collate(T).collate_float_fn([1.0, 2.0]),
    lambda T: _collate(T).collate_numpy_scalar_fn([np.float32(1.5)]),
    lambda T: _collate(T).collate_numpy_array_fn(
        [np.ones(2)], collate_fn_map=_collate(T).default_collate_fn_map
    ),
    lambda T: _collate(T).collate_str_fn(["a"]),
]


@pytest.mark.parametrize("case", range(len(COLLATES)))
def test_collate_as_torch(case):
    both(COLLATES[case])


def test_default_collate_fn_map_has_torchs_keys():
    def keys(T):
        return sorted(
            str(k).replace(f"{T.__name__}.tensor.", "torch.")
            for k in _collate(T).default_collate_fn_map
        )

    assert keys(graphgrad) == keys(torch)
