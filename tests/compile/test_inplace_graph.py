"""In-place ops on tensors that require grad (``nn.ReLU(inplace=True)``, ``h.mul_(w)``) inside a
compiled call: the write is a step of the recording, the tensor takes over the op's node, and
replays give eager's bits; an in-place write into a view of such a tensor still runs eagerly."""

import warnings

import numpy as np
import pytest

import graphgrad

from ._helpers import replayed, run_both

nn = graphgrad.nn


def _cnn():
    return nn.Sequential(  # torchvision's style: every ReLU in place
        nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(36, 8), nn.ReLU(inplace=True), nn.Linear(8, 3),
    )  # fmt: skip


def _train(compiled: str) -> list:
    graphgrad.manual_seed(0)
    model = _cnn()
    opt = graphgrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    forward = graphgrad.compile(model) if compiled == "model" else model

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(forward(x), y)
        loss.backward()
        opt.step()
        return loss

    step = graphgrad.compile(step) if compiled == "step" else step
    gen = graphgrad.Generator().manual_seed(1)
    seen = []
    for _ in range(5):
        x, y = (
            graphgrad.randn(6, 1, 8, 8, generator=gen),
            graphgrad.randint(0, 3, (6,), generator=gen),
        )
        seen.append(step(x, y).detach().numpy().tobytes())
    return seen + [p.detach().numpy().tobytes() for p in model.parameters()]


@pytest.mark.parametrize("compiled", ["step", "model"])
def test_a_cnn_with_relu_in_place_replays_to_eager_bits(compiled):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback
        assert _train(compiled) == _train("")


def test_a_multiplication_in_place_keeps_the_old_values_for_the_other_gradient():
    def make():
        w = graphgrad.tensor([0.5, -2.0, 3.0], requires_grad=True)
        x = graphgrad.tensor([1.0, 2.0, -1.0], requires_grad=True)

        def step():
            w.grad = x.grad = None
            h = x * 2
            h.mul_(w)  # w's gradient needs h from before the write
            h.exp_()
            h.sum().backward()
            with graphgrad.no_grad():
                x.mul_(0.5)
            return h.detach()

        return step, [w, x]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled = run_both(make, calls=4)
    assert replayed(compiled)


def test_an_in_place_write_into_a_view_of_a_tensor_that_requires_grad_runs_eagerly():
    x = graphgrad.ones(2, 3, requires_grad=True)

    def step():
        h = x * 2
        h[0].mul_(3)
        return h.sum()

    f = graphgrad.compile(step)
    with pytest.warns(UserWarning, match="an in-place op on a view of a tensor that requires grad"):
        f()
    assert np.array_equal(f().detach().numpy(), np.float32(24.0))
