"""embedding_bag / EmbeddingBag and embedding's max_norm against PyTorch: values, gradients
(of the table and of per-sample weights), the renormalised table, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

from ._functional_compare import compare, same_error

_RNG = np.random.default_rng(0)
W = _RNG.standard_normal((10, 3))
INPUT = np.array([1, 2, 4, 5, 4, 3, 2, 9, 0, 0])
OFFSETS = np.array([0, 2, 2, 5, 7])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mode": "sum"}, {"mode": "mean"}, {"mode": "max"},
        {"mode": "mean", "padding_idx": 4}, {"mode": "sum", "include_last_offset": True},
        {"mode": "max", "padding_idx": 0},
    ],
)  # fmt: skip
def test_embedding_bag_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    compare(
        torch,
        lambda T, w: T.nn.functional.embedding_bag(T.tensor(INPUT), w, T.tensor(OFFSETS),
                                                   **kwargs),
        [W],
    )  # fmt: skip
    compare(torch, lambda T, w: T.nn.functional.embedding_bag(T.tensor(INPUT.reshape(2, 5)), w,
                                                              **kwargs), [W])  # fmt: skip


def test_per_sample_weights_match_torch():
    torch = pytest.importorskip("torch")
    psw = _RNG.standard_normal(10)
    compare(
        torch,
        lambda T, w, p: T.nn.functional.embedding_bag(
            T.tensor(INPUT), w, T.tensor(OFFSETS), mode="sum", per_sample_weights=p
        ),
        [W, psw],
    )


def test_embedding_max_norm_renormalises_the_table_as_torch():
    torch = pytest.importorskip("torch")
    results = []
    for T in (graphgrad, torch):
        w = T.tensor(W * 3, requires_grad=True)
        out = T.nn.functional.embedding(T.tensor([1, 4, 1, 7]), w, max_norm=2.0)
        out.sum().backward()
        bag = T.nn.functional.embedding_bag(T.tensor([2, 3]), T.tensor(W * 3), T.tensor([0]),
                                            max_norm=1.0, norm_type=1.0)  # fmt: skip
        results.append([out.detach().numpy(), w.detach().numpy(), w.grad.numpy(), bag.numpy()])
    for got, want in zip(*results, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    F = lambda T: T.nn.functional  # noqa: E731, N806
    w = lambda T: T.ones(10, 3)  # noqa: E731
    i = lambda T: T.tensor([1, 2, 3])  # noqa: E731
    for case in [
        lambda T: F(T).embedding_bag(i(T), w(T)),
        lambda T: F(T).embedding_bag(T.tensor([[1, 2], [3, 4]]), w(T), T.tensor([0])),
        lambda T: F(T).embedding_bag(i(T), w(T), T.tensor([1])),
        lambda T: F(T).embedding_bag(i(T), w(T), T.tensor([0, 2]), mode="max",
                                     per_sample_weights=T.ones(3)),
        lambda T: F(T).embedding_bag(T.tensor([1, 2, 30]), w(T), T.tensor([0])),
        lambda T: F(T).embedding_bag(i(T), w(T), T.tensor([0, 2]), mode="foo"),
    ]:  # fmt: skip
        same_error(torch, case)


def test_layer_matches_torch():
    torch = pytest.importorskip("torch")
    for kwargs in ({}, {"mode": "max", "padding_idx": 0, "max_norm": 1.0},
                   {"norm_type": 1.0, "mode": "sum"}):  # fmt: skip
        ours = graphgrad.nn.EmbeddingBag(10, 3, **kwargs).double()
        theirs = torch.nn.EmbeddingBag(10, 3, **kwargs).double()
        assert repr(ours) == repr(theirs)
        ours.load_state_dict({"weight": graphgrad.tensor(theirs.weight.detach().numpy())})
        compare(torch, lambda T, x: (ours if T is graphgrad else theirs)(T.tensor(INPUT),
                                                                         T.tensor(OFFSETS)),
                [np.zeros(1)])  # fmt: skip
        np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy())
    padded = graphgrad.nn.EmbeddingBag(4, 2, padding_idx=1)
    assert not padded.weight[1].detach().numpy().any()
