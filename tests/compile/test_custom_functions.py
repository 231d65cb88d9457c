"""Custom autograd Functions in compiled calls: the forward's ops and the backward's ops are
recorded as any others, and replays give eager's bits; a backward that reads a value, or a
forward that marks an input dirty, runs the call eagerly."""

from __future__ import annotations

import pytest

import graphgrad
from graphgrad import nn

from ._helpers import replayed, run_both, train_model_compiled_alone

Function = graphgrad.autograd.Function


class _Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * grad


class _ScaledSort(Function):
    """Two outputs (one non-differentiable), a Python argument, setup_context, and a gradient
    for an output that got none (materialized as zeros)."""

    @staticmethod
    def forward(x, scale):
        values, indices = x.sort(dim=-1)
        return values * scale, indices

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.scale = inputs[1]
        ctx.save_for_backward(output[1])
        ctx.mark_non_differentiable(output[1])

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        (indices,) = ctx.saved_tensors
        grad = graphgrad.zeros_like(grad_values).scatter(-1, indices, grad_values)
        return grad * ctx.scale, None


SHIFT = 0.5


class _Shifted(Function):
    """Reads a global in its backward; with once_differentiable."""

    @staticmethod
    def forward(ctx, x):
        return x + SHIFT

    @staticmethod
    @graphgrad.autograd.function.once_differentiable
    def backward(ctx, grad):
        return grad * (1 + SHIFT)


def _leaf_step(apply):
    def make():
        x = graphgrad.tensor([1.0, -2.0, 0.5], requires_grad=True)

        def step():
            x.grad = None
            apply(x).sum().backward()
            return x.grad

        return step, [x]

    return make


CASES = {
    "cube": lambda x: _Cube.apply(x),
    "two outputs": lambda x: _ScaledSort.apply(x * 2, 3.0)[0].pow(2),
    "once_differentiable": lambda x: _Shifted.apply(x).exp(),
}


@pytest.mark.parametrize("case", CASES)
def test_a_custom_function_is_replayed(case):
    run_both(_leaf_step(CASES[case]), calls=4)


def test_a_global_the_backward_reads_is_guarded():
    global SHIFT
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)

    def step():
        x.grad = None
        _Shifted.apply(x).sum().backward()
        return x.grad

    f = graphgrad.compile(step)
    try:
        assert [f().tolist() for _ in range(3)] == [[1.5, 1.5]] * 3
        SHIFT = 2.0
        assert f().tolist() == [3.0, 3.0]  # records again
    finally:
        SHIFT = 0.5
    assert replayed(f)


class _Gate(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(4, 3)

    def forward(self, x):
        return _Cube.apply(self.lin(x)).tanh()


def test_a_compiled_model_with_a_custom_function_trains_as_eager():
    # torch.compile(model), backward outside: the Function's backward is recorded in the
    # backward of the call's graph
    def adam(params):
        return graphgrad.optim.Adam(params, lr=0.01)

    trained = [train_model_compiled_alone(_Gate, (6, 4), adam, c) for c in (True, False)]
    assert trained[0] == trained[1]


class _ReadsItsGradient(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad * float(grad.abs().max())  # a value read into Python


class _AddOneInPlace(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.mark_dirty(x)
        return x.add_(1)

    @staticmethod
    def backward(ctx, grad):
        return grad


@pytest.mark.parametrize(
    ("apply", "reason"),
    [
        (lambda x: _ReadsItsGradient.apply(x), r"float\(tensor\)"),
        (lambda x: _AddOneInPlace.apply(x * 1), "a custom Function that marks an input dirty"),
    ],
)
def test_a_custom_function_that_cannot_be_recorded_runs_eagerly(apply, reason):
    with pytest.warns(UserWarning, match=reason):
        compiled = run_both(_leaf_step(apply), calls=3, expect_replay=False)
    assert not replayed(compiled)
