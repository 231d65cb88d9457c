"""AdaptiveLogSoftmaxWithLoss against PyTorch: its layers and their seeded initial values,
output, loss and gradients, log_prob, predict, and the errors."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

from ._functional_compare import same_error


def _pair(torch, *args, **kwargs):
    layers = []
    for T in (graphgrad, torch):
        T.manual_seed(0)
        layers.append(T.nn.AdaptiveLogSoftmaxWithLoss(*args, **kwargs).double())
    return layers


@pytest.mark.parametrize(
    ("cutoffs", "head_bias"), [([4, 8], False), ([3], True), ([2, 5, 9], False)]
)
def test_matches_torch(cutoffs, head_bias):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch, 8, 12, cutoffs, div_value=2.0, head_bias=head_bias)
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).standard_normal((6, 8))
    target = np.array([0, 11, 4, 5, 9, 1])
    results = []
    for layer, T in ((ours, graphgrad), (theirs, torch)):
        inp = T.tensor(x, requires_grad=True)
        out = layer(inp, T.tensor(target))
        (out.loss + (out.output**2).sum()).backward()
        grads = [p.grad.numpy() for p in layer.parameters()]
        single = layer(T.tensor(x[0]), T.tensor(3)).output.detach().numpy()
        results.append([out.output.detach().numpy(), out.loss.detach().numpy(), inp.grad.numpy(),
                        layer.log_prob(T.tensor(x)).detach().numpy(),
                        layer.predict(T.tensor(x)).numpy(), single, *grads])  # fmt: skip
    for got, want in zip(*results, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    for case in [
        lambda T: T.nn.AdaptiveLogSoftmaxWithLoss(8, 10, []),
        lambda T: T.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 2]),
        lambda T: T.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4])(T.ones(8), T.tensor([1])),
        lambda T: T.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4])(T.ones(2, 8), T.tensor(1)),
        lambda T: T.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4])(T.ones(2, 8), T.tensor([1, 12])),
        lambda T: T.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4])(T.ones(2, 2, 8), T.ones(2, 2)),
    ]:
        same_error(torch, case)
