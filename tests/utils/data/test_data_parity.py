"""DataLoader against PyTorch: the same batches for the same seed over several epochs, for every
sampler, with and without ``generator=``, and the global stream left where torch leaves it
(so a training loop's later ``randn`` draws agree too) (issue 12 item 2)."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

torch = pytest.importorskip("torch")

N = 23


def _dataset(T):
    x = T.tensor(np.arange(N * 2, dtype=np.float32).reshape(N, 2))
    return T.utils.data.TensorDataset(x, T.arange(N))


def _loader_kwargs(T, case: str, gen) -> dict:
    """The DataLoader arguments of ``case``, built from module ``T`` (graphgrad or torch)."""
    data = T.utils.data
    ds_len = range(N)
    samplers = {
        "sequential": lambda: {"shuffle": False},
        "shuffle": lambda: {"shuffle": True},
        "shuffle-gen": lambda: {"shuffle": True, "generator": gen},
        "sequential-gen": lambda: {"generator": gen},  # the base seed comes from gen
        "drop-last": lambda: {"shuffle": True, "drop_last": True},
        "replacement": lambda: {"sampler": data.RandomSampler(ds_len, replacement=True)},
        "replacement-num": lambda: {
            "sampler": data.RandomSampler(ds_len, replacement=True, num_samples=70, generator=gen)
        },
        "num-samples": lambda: {"sampler": data.RandomSampler(ds_len, num_samples=50)},
        "subset-random": lambda: {"sampler": data.SubsetRandomSampler([1, 4, 5, 9, 11, 20, 22])},
        "subset-random-gen": lambda: {
            "sampler": data.SubsetRandomSampler(list(range(0, N, 2)), generator=gen),
            "generator": gen,
        },
        "batch-sampler": lambda: {
            "batch_sampler": data.BatchSampler(data.RandomSampler(ds_len), 4, drop_last=False),
            "batch_size": 1,
        },
    }
    kwargs = samplers[case]()
    kwargs.setdefault("batch_size", 5)
    if "batch_sampler" in kwargs:
        del kwargs["batch_size"]
    return kwargs


CASES = [
    "sequential",
    "shuffle",
    "shuffle-gen",
    "sequential-gen",
    "drop-last",
    "replacement",
    "replacement-num",
    "num-samples",
    "subset-random",
    "subset-random-gen",
    "batch-sampler",
]


def _epochs(T, case: str, seed: int, epochs: int = 3):
    """Batches of ``epochs`` passes, then the next ``randn(3)`` of the global stream."""
    T.manual_seed(seed)
    gen = T.Generator()
    gen.manual_seed(seed + 100)
    loader = T.utils.data.DataLoader(_dataset(T), **_loader_kwargs(T, case, gen))
    batches = []
    for _ in range(epochs):
        for x, y in loader:
            batches.append((x.numpy().copy(), y.numpy().copy()))
        T.randn(2)  # a training step's draw between epochs
    return batches, T.randn(3).numpy(), gen.get_state().numpy().copy()


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("case", CASES)
def test_batches_and_rng_streams_match_torch(case, seed):
    ours, our_next, our_gen = _epochs(graphgrad, case, seed)
    theirs, their_next, their_gen = _epochs(torch, case, seed)
    assert len(ours) == len(theirs)
    for (ax, ay), (bx, by) in zip(ours, theirs):
        np.testing.assert_array_equal(ay, by)
        np.testing.assert_array_equal(ax, bx)
    np.testing.assert_array_equal(our_next, their_next)  # the global stream after the epochs
    np.testing.assert_array_equal(our_gen, their_gen)  # and the loader's own generator


def test_iter_takes_the_base_seed_when_it_starts():
    """``iter(loader)`` draws one int64 from the generator at once, before any batch."""
    states = []
    for T in (graphgrad, torch):
        T.manual_seed(3)
        loader = T.utils.data.DataLoader(range(4), batch_size=2)
        it = iter(loader)
        states.append(T.get_rng_state().numpy().copy())
        assert [b.tolist() for b in it] == [[0, 1], [2, 3]]
    np.testing.assert_array_equal(states[0], states[1])
    graphgrad.manual_seed(3)
    before = graphgrad.get_rng_state().numpy().copy()
    iter(graphgrad.utils.data.DataLoader(range(4)))
    assert not np.array_equal(before, graphgrad.get_rng_state().numpy())


@pytest.mark.parametrize("lengths", [[10, 13], [0.3, 0.3, 0.4]])
def test_random_split_with_the_default_generator_matches_torch(lengths):
    out = []
    for T in (graphgrad, torch):
        T.manual_seed(5)
        parts = T.utils.data.random_split(range(N), lengths)
        out.append(([list(p.indices) for p in parts], T.randn(2).numpy()))
    assert out[0][0] == out[1][0]
    np.testing.assert_array_equal(out[0][1], out[1][1])


@pytest.mark.skipif(not hasattr(graphgrad, "multinomial"), reason="needs graphgrad.multinomial")
@pytest.mark.parametrize("replacement", [True, False])
def test_weighted_random_sampler_matches_torch(replacement):
    weights = [0.1, 2.0, 0.5, 0.0, 3.0, 1.0, 0.7, 0.2]
    out = []
    for T in (graphgrad, torch):
        T.manual_seed(11)
        sampler = T.utils.data.WeightedRandomSampler(weights, 6, replacement=replacement)
        loader = T.utils.data.DataLoader(range(8), batch_size=4, sampler=sampler)
        out.append([b.tolist() for _ in range(3) for b in loader])
    assert out[0] == out[1]


def test_weighted_random_sampler_checks_arguments_as_torch():
    data = graphgrad.utils.data
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        data.WeightedRandomSampler([1.0], 0)
    with pytest.raises(ValueError, match="replacement should be a boolean value"):
        data.WeightedRandomSampler([1.0], 1, replacement=1)
    with pytest.raises(ValueError, match=r"weights should be a 1d sequence .* shape \(1, 2\)"):
        data.WeightedRandomSampler([[1.0, 2.0]], 1)
