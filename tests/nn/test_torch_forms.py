"""Layer functions called as ``torch.<name>``, with PyTorch's native signatures: torch's values
(to float32 rounding: these are ``F``'s kernels, whose last bits docs/core.md discusses) and
random draws for the same calls, and the same refusals."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

from .._compare_torch import assert_same, outcome

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 8)).astype(np.float32)
IMG = RNG.standard_normal((1, 4, 4, 4)).astype(np.float32)
TARGET = RNG.random((2, 3, 8)).astype(np.float32)
SIGNS = np.where(RNG.random((2, 3, 8)) < 0.5, -1.0, 1.0).astype(np.float32)


def x(T):
    return T.tensor(X, requires_grad=True)


def results(T, f):
    """``f``'s result(s) as arrays, after the same seed (dropout draws)."""
    T.manual_seed(0)
    out = f(T)
    return [o.detach().numpy() for o in (out if isinstance(out, tuple) else (out,))]


CASES = {
    "dropout": lambda T: T.dropout(x(T), 0.5, True),
    "dropout keywords": lambda T: T.dropout(x(T), p=0.2, train=True),
    "dropout eval": lambda T: T.dropout(x(T), 0.5, False),
    "dropout without train": lambda T: T.dropout(x(T), 0.5),
    "alpha_dropout": lambda T: T.alpha_dropout(x(T), 0.5, True),
    "feature_alpha_dropout": lambda T: T.feature_alpha_dropout(x(T), 0.5, True),
    "layer_norm": lambda T: T.layer_norm(x(T), [8]),
    "layer_norm all": lambda T: T.layer_norm(x(T), (8,), T.ones(8), T.zeros(8), 1e-5, True),
    "group_norm": lambda T: T.group_norm(x(T), 3),
    "batch_norm": lambda T: T.batch_norm(x(T), None, None, T.zeros(3), T.ones(3), True, 0.1,
                                         1e-5, False),
    "instance_norm": lambda T: T.instance_norm(x(T), None, None, None, None, True, 0.1, 1e-5,
                                               False),
    "embedding": lambda T: T.embedding(x(T)[0], T.tensor([1, 2, 0])),
    "embedding padding": lambda T: T.embedding(x(T)[0], T.tensor([1, 2]), 1),
    "embedding no padding": lambda T: T.embedding(x(T)[0], T.tensor([1, 2]), -1),
    "max_pool1d": lambda T: T.max_pool1d(x(T), 2),
    "max_pool2d": lambda T: T.max_pool2d(T.tensor(IMG, requires_grad=True), 2),
    "max_pool2d stride": lambda T: T.max_pool2d(T.tensor(IMG, requires_grad=True), 2, 1),
    "max_pool3d": lambda T: T.max_pool3d(T.tensor(IMG, requires_grad=True), 2),
    "avg_pool1d": lambda T: T.avg_pool1d(x(T), 2),
    "adaptive_avg_pool1d": lambda T: T.adaptive_avg_pool1d(x(T), 3),
    "adaptive_max_pool1d": lambda T: T.adaptive_max_pool1d(x(T), 3),
    "rms_norm": lambda T: T.rms_norm(x(T), [8]),
    "kl_div": lambda T: T.kl_div(x(T), T.tensor(TARGET)),
    "kl_div mean": lambda T: T.kl_div(x(T), T.tensor(TARGET), 1),
    "kl_div sum": lambda T: T.kl_div(x(T), T.tensor(TARGET), 2, log_target=True),
    "kl_div positional log_target": lambda T: T.kl_div(x(T), T.tensor(TARGET), 2, True),
    "kl_div string": lambda T: T.kl_div(x(T), T.tensor(TARGET), "mean"),
    "bce with logits": lambda T: T.binary_cross_entropy_with_logits(x(T), T.tensor(TARGET)),
    "bce with logits mean": lambda T: T.binary_cross_entropy_with_logits(
        x(T), T.tensor(TARGET), None, T.full((8,), 2.0), 1),
    "margin_ranking_loss": lambda T: T.margin_ranking_loss(x(T), x(T) * 0.5, T.tensor(SIGNS)),
    "hinge_embedding_loss": lambda T: T.hinge_embedding_loss(x(T), T.tensor(SIGNS), 1.0, 2),
    "cosine_embedding_loss": lambda T: T.cosine_embedding_loss(x(T)[0], x(T)[1],
                                                               T.tensor([1.0, -1, 1])),
    "triplet_margin_loss": lambda T: T.triplet_margin_loss(x(T)[0], x(T)[1], x(T)[0] * 2),
    "conv1d": lambda T: T.conv1d(x(T), T.ones(4, 3, 2)),
    "conv2d same": lambda T: T.conv2d(T.tensor(IMG), T.ones(2, 4, 3, 3), None, 1, "same"),
    "conv_transpose1d": lambda T: T.conv_transpose1d(x(T), T.ones(3, 2, 2)),
    "cosine_similarity": lambda T: T.cosine_similarity(x(T), x(T) + 1),
    "pairwise_distance": lambda T: T.pairwise_distance(x(T)[0], x(T)[1]),
    "pdist": lambda T: T.pdist(x(T)[0]),
    "pixel_shuffle": lambda T: T.pixel_shuffle(T.tensor(IMG, requires_grad=True), 2),
    "pixel_unshuffle": lambda T: T.pixel_unshuffle(T.tensor(IMG, requires_grad=True), 2),
    "channel_shuffle": lambda T: T.channel_shuffle(T.tensor(IMG), 2),
    "selu": lambda T: T.selu(x(T)),
    "celu": lambda T: T.celu(x(T), 2.0),
    "prelu": lambda T: T.prelu(x(T), T.tensor([0.25])),
    "rrelu": lambda T: T.rrelu(x(T)),
    "threshold": lambda T: T.threshold(x(T), 0.1, 20.0),
    "hardshrink": lambda T: T.hardshrink(x(T)),
    "bilinear": lambda T: T.bilinear(x(T), x(T), T.ones(5, 8, 8)),
}  # fmt: skip


# Python's own message for a missing argument, where torch's binding words it its own way
SAME_ERROR_TYPE = {"dropout without train", "kl_div positional log_target", "kl_div string"}


@pytest.mark.parametrize("name", CASES)
def test_matches_pytorchs(name):
    torch = pytest.importorskip("torch")
    case = lambda T: results(T, CASES[name])  # noqa: E731
    got, want = outcome(graphgrad, case), outcome(torch, case)
    if got[0] != "ok" or want[0] != "ok":
        assert_same(got, want, message=name not in SAME_ERROR_TYPE)
        return
    assert len(got[1]) == len(want[1])
    for ours, theirs in zip(got[1], want[1]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_a_reduction_outside_0_to_2_is_refused():
    with pytest.raises(ValueError, match="5 is not a valid value for reduction"):
        graphgrad.kl_div(graphgrad.zeros(2), graphgrad.ones(2), 5)


def test_integer_reductions_without_torch():
    loss = graphgrad.binary_cross_entropy_with_logits(graphgrad.zeros(2), graphgrad.ones(2), None,
                                                      None, 2)  # fmt: skip
    assert loss.item() == pytest.approx(2 * np.log(2))
    assert graphgrad.dropout(graphgrad.ones(3), 0.5, False).tolist() == [1.0, 1.0, 1.0]
