"""In-place ops on tensors that require grad (``nn.ReLU(inplace=True)``, ``h.mul_(w)``) inside a
compiled call: the write is a step of the recording, the tensor takes over the op's node, and
so do writes into views of such tensors (``outputs[t] = h``): replays give eager's bits."""

import warnings

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


def test_writes_into_views_of_tensors_that_require_grad():
    def make():
        x = graphgrad.tensor([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]], requires_grad=True)
        w = graphgrad.tensor([2.0, -1.0, 0.5], requires_grad=True)

        def step():
            x.grad = w.grad = None
            h = x * 2
            h[0].mul_(w)  # CopySlices: the base's gradient and w's, through the view
            h[:, 1:].exp_()
            (h * h).sum().backward()
            with graphgrad.no_grad():
                x.mul_(0.75)
            return h.detach()

        return step, [x, w]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run_both(make, calls=4)


@pytest.mark.parametrize("compiled", ["step", "model"])
def test_an_rnn_that_writes_its_outputs_into_a_preallocated_tensor(compiled):
    def train(how: str) -> list:
        graphgrad.manual_seed(0)
        cell, head = nn.RNNCell(3, 5), nn.Linear(5, 2)
        params = [*cell.parameters(), *head.parameters()]
        opt = graphgrad.optim.Adam(params, lr=0.01)

        def forward(x):
            outputs = graphgrad.zeros(x.shape[0], x.shape[1], 5)
            h = graphgrad.zeros(x.shape[1], 5)
            for t in range(x.shape[0]):
                h = cell(x[t], h)
                outputs[t] = h  # the educational RNN's pattern
            return head(outputs)

        def step(x):
            opt.zero_grad()
            loss = (forward(x) ** 2).mean()
            loss.backward()
            opt.step()
            return loss

        if how == "model":
            forward = graphgrad.compile(forward)
        step = graphgrad.compile(step) if how == "step" else step
        gen = graphgrad.Generator().manual_seed(1)
        seen = [step(graphgrad.randn(4, 2, 3, generator=gen)).detach().numpy().tobytes()
                for _ in range(5)]  # fmt: skip
        return seen + [p.detach().numpy().tobytes() for p in params]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert train(compiled) == train("")
