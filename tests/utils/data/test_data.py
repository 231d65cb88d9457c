"""utils.data: datasets, samplers, DataLoader batching/shuffling/collation, random_split."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

import graphgrad
from graphgrad.utils.data import (
    DataLoader,
    Dataset,
    RandomSampler,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)


def _dataset(n=10):
    x = graphgrad.tensor(np.arange(n * 2, dtype=np.float32).reshape(n, 2))
    y = graphgrad.tensor(np.arange(n) % 3)
    return TensorDataset(x, y)


def test_tensor_dataset_items_and_errors():
    ds = _dataset()
    x, y = ds[3]
    assert x.tolist() == [6.0, 7.0] and int(y) == 0 and len(ds) == 10
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(graphgrad.ones(3), graphgrad.ones(4))


def test_batches_in_order_with_drop_last():
    loader = DataLoader(_dataset(), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [b[0].shape[0] for b in batches] == [4, 4, 2]
    assert batches[1][0].tolist() == [[8.0, 9.0], [10.0, 11.0], [12.0, 13.0], [14.0, 15.0]]
    assert batches[0][1].dtype == graphgrad.int64
    dropped = DataLoader(_dataset(), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and [b[0].shape[0] for b in dropped] == [4, 4]


def test_shuffle_is_a_seeded_permutation():
    def order(seed):
        g = graphgrad.Generator() if hasattr(graphgrad, "Generator") else None
        if g is not None:
            g.manual_seed(seed)
        loader = DataLoader(_dataset(), batch_size=3, shuffle=True, generator=g)
        return [int(v) for x, _ in loader for v in (x[:, 0] / 2).tolist()]

    first = order(0)
    assert sorted(first) == list(range(10))
    if hasattr(graphgrad, "Generator"):
        assert order(0) == first


def test_shuffle_order_matches_torch_when_rng_is_bit_exact():
    torch = pytest.importorskip("torch")
    if not hasattr(graphgrad, "randperm") or not hasattr(graphgrad, "Generator"):
        pytest.skip("graphgrad.random is not available")
    g, gt = graphgrad.Generator(), torch.Generator()
    g.manual_seed(3)
    gt.manual_seed(3)
    ours = list(RandomSampler(range(20), generator=g))
    theirs = list(torch.utils.data.RandomSampler(range(20), generator=gt))
    assert ours == theirs


def test_default_collate_of_tuples_dicts_namedtuples_and_numbers():
    Pair = namedtuple("Pair", ["a", "b"])
    batch = [
        {"x": graphgrad.tensor([1.0]), "y": (1, 2.5), "p": Pair(np.float32(1), "s")},
        {"x": graphgrad.tensor([2.0]), "y": (3, 4.5), "p": Pair(np.float32(2), "t")},
    ]
    out = default_collate(batch)
    assert out["x"].tolist() == [[1.0], [2.0]]
    assert isinstance(out["y"], list) and out["y"][0].tolist() == [1, 3]
    assert out["y"][1].dtype == graphgrad.float64
    assert isinstance(out["p"], Pair) and out["p"].a.tolist() == [1.0, 2.0]
    assert out["p"].b == ("s", "t")  # the batch of strings as zip gives it, as torch
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        default_collate([[1, 2], [3]])


def test_custom_dataset_and_collate_fn():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"i": i, "sq": graphgrad.tensor(float(i * i))}

    batches = list(DataLoader(Squares(), batch_size=2))
    assert batches[1]["sq"].tolist() == [4.0, 9.0] and batches[2]["i"].tolist() == [4]
    sums = list(DataLoader(Squares(), batch_size=5, collate_fn=lambda b: sum(d["i"] for d in b)))
    assert sums == [10]
    assert [d["i"] for d in DataLoader(Squares(), batch_size=None)] == [0, 1, 2, 3, 4]


def test_random_split_and_subset():
    ds = _dataset()
    a, b = random_split(ds, [7, 3])
    assert isinstance(a, Subset) and len(a) == 7 and len(b) == 3
    assert sorted(a.indices + b.indices) == list(range(10))
    c, d, e = random_split(ds, [0.5, 0.3, 0.2])
    assert (len(c), len(d), len(e)) == (5, 3, 2)
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(ds, [4, 4])
    batch = next(iter(DataLoader(a, batch_size=7)))
    expected = np.asarray(a.indices) * 2.0
    np.testing.assert_array_equal(batch[0].numpy()[:, 0], expected)


def test_random_split_matches_torch_when_rng_is_bit_exact():
    torch = pytest.importorskip("torch")
    if not hasattr(graphgrad, "randperm") or not hasattr(graphgrad, "Generator"):
        pytest.skip("graphgrad.random is not available")
    g, gt = graphgrad.Generator(), torch.Generator()
    g.manual_seed(42)
    gt.manual_seed(42)
    ours = random_split(range(30), [0.6, 0.4], generator=g)
    theirs = torch.utils.data.random_split(range(30), [0.6, 0.4], generator=gt)
    assert [list(s.indices) for s in ours] == [list(s.indices) for s in theirs]


def test_pin_memory_warns_as_torchs_cpu_build_does():
    loader = DataLoader(TensorDataset(graphgrad.arange(4.0)), batch_size=2, pin_memory=True)
    with pytest.warns(UserWarning) as record:
        batches = [b[0].tolist() for b in loader]
    assert batches == [[0.0, 1.0], [2.0, 3.0]] and loader.pin_memory is True
    assert [str(w.message) for w in record] == [
        "'pin_memory' argument is set as true but no accelerator is found, then device pinned "
        "memory won't be used."
    ]
