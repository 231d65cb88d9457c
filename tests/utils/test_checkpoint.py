"""utils.checkpoint: same gradients as without it, PyTorch's node names and warning (spec
§3.22), and the memory it saves on a deep MLP (measured with tracemalloc)."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest

import graphgrad
from graphgrad import nn
from graphgrad.utils.checkpoint import checkpoint, checkpoint_sequential


def _f(t):
    return (t.sin() * t).exp().sum()


@pytest.mark.parametrize("use_reentrant", [False, True])
def test_gradients_equal_plain(use_reentrant):
    x = graphgrad.tensor([0.3, -1.2, 2.0], dtype=graphgrad.float64, requires_grad=True)
    y = checkpoint(_f, x, use_reentrant=use_reentrant)
    assert y.grad_fn.name() == ("CheckpointFunctionBackward" if use_reentrant else "SumBackward0")
    y.backward()
    got = x.grad.numpy().copy()
    x.grad = None
    _f(x).backward()
    np.testing.assert_allclose(got, x.grad.numpy(), rtol=1e-14)
    assert graphgrad.autograd.gradcheck(
        lambda t: checkpoint(_f, t, use_reentrant=use_reentrant), (x,)
    )


def test_default_warns_and_is_reentrant():
    x = graphgrad.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        y = checkpoint(_f, x)
    assert str(w[0].message).startswith(
        "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly."
    )
    assert type(y.grad_fn).__name__ == "CheckpointFunctionBackward"


def test_names_parity():
    torch = pytest.importorskip("torch")
    from torch.utils.checkpoint import checkpoint as torch_checkpoint

    for reentrant in (True, False):
        ours = checkpoint(_f, graphgrad.ones(2, requires_grad=True), use_reentrant=reentrant)
        theirs = torch_checkpoint(_f, torch.ones(2, requires_grad=True), use_reentrant=reentrant)
        assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__


def test_saved_activations_are_dropped_then_recomputed():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    calls = []

    def f(t):
        calls.append(1)
        return (t.exp() * t).sum()

    y = checkpoint(f, x, use_reentrant=False)
    mul = y.grad_fn.next_functions[0][0]
    assert mul.name() == "MulBackward0" and mul._saved["self"].tensor is None
    y.backward()
    assert len(calls) == 2 and np.allclose(x.grad.numpy(), np.exp([1.0, 2.0]) * [2.0, 3.0])


def _mlp(depth: int, width: int):
    graphgrad.manual_seed(0)
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Tanh()]
    return nn.Sequential(*layers)


def measure(model, x, segments: int | None) -> tuple[int, int]:
    """Bytes still allocated after the forward (what backward will need), and the peak over
    forward and backward, both from tracemalloc (NumPy reports its buffers to it)."""
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    if segments is None:
        loss = model(x).square().mean()
    else:
        loss = checkpoint_sequential(model, segments, x, use_reentrant=False).square().mean()
    after_forward = tracemalloc.get_traced_memory()[0] - base
    loss.backward()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return after_forward, peak


def test_checkpointing_a_deep_mlp_saves_memory():
    model = _mlp(depth=16, width=128)
    x = graphgrad.randn(256, 128)
    plain = measure(model, x, None)
    grads = [p.grad.numpy().copy() for p in model.parameters()]
    model.zero_grad()
    ckpt = measure(model, x, 4)
    for g, p in zip(grads, model.parameters(), strict=False):
        np.testing.assert_allclose(p.grad.numpy(), g, rtol=1e-5, atol=1e-6)
    # Without checkpointing all 32 modules keep their activations (128 KiB each). With 4
    # segments the last one runs normally (as in PyTorch) and keeps its 8, and the other three
    # keep only their outputs: about 1/4 + 3/32 of the memory.
    assert ckpt[0] < 0.5 * plain[0]
    assert ckpt[1] < plain[1]
