"""``optim.Muon`` against torch's: steps (bit for bit on small matrices, within one bfloat16
step of the update on larger ones, whose float32 sums PyTorch's kernels order otherwise), the
momentum buffer, its repr and its argument checks."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

OPTIONS = [
    {},
    {"lr": 0.05},
    {"lr": 0.02, "nesterov": False},
    {"adjust_lr_fn": "match_rms_adamw", "weight_decay": 0.3},
    {"adjust_lr_fn": "original", "momentum": 0.5, "ns_steps": 3, "eps": 1e-3},
]


def _run(T, shape, steps=4, **options):
    rng = np.random.default_rng(1)
    p = T.nn.Parameter(T.tensor(rng.standard_normal(shape).astype(np.float32)))
    opt = T.optim.Muon([p], **options)
    for _ in range(steps):
        p.grad = T.tensor(rng.standard_normal(shape).astype(np.float32))
        opt.step()
    return p.detach().numpy().copy(), opt.state[p]["momentum_buffer"].numpy().copy()


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("shape", [(2, 2), (4, 3), (3, 4), (5, 5)])
def test_small_matrices_step_as_torch_bit_for_bit(shape, options):
    torch = pytest.importorskip("torch")
    (ours, our_buffer), (theirs, their_buffer) = (
        _run(graphgrad, shape, **options),
        _run(torch, shape, **options),
    )
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(our_buffer, their_buffer)


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("shape", [(16, 8), (64, 32), (30, 100)])
def test_larger_matrices_step_as_torch_to_bfloat16_rounding(shape, options):
    torch = pytest.importorskip("torch")
    steps = 4
    (ours, our_buffer), (theirs, their_buffer) = (
        _run(graphgrad, shape, steps, **options),
        _run(torch, shape, steps, **options),
    )
    np.testing.assert_array_equal(our_buffer, their_buffer)  # no bfloat16 on this path
    lr = options.get("lr", 1e-3) * (0.2 * max(shape) ** 0.5 if "match" in str(options) else 2)
    # each step's update moves each entry by at most lr' (|O| <= 1): one bfloat16 step is 2**-8
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=steps * lr * 2**-8)


def test_repr_and_state_keys_are_torchs():
    torch = pytest.importorskip("torch")
    texts = [repr(T.optim.Muon([T.nn.Parameter(T.ones(2, 2))])) for T in (graphgrad, torch)]
    assert texts[0] == texts[1]


BAD = [
    {"lr": -1},
    {"momentum": -0.1},
    {"weight_decay": -1},
    {"adjust_lr_fn": "x"},
]


@pytest.mark.parametrize("options", BAD, ids=[str(b) for b in BAD])
def test_bad_arguments_raise_torchs_errors(options):
    torch = pytest.importorskip("torch")
    messages = []
    for T in (graphgrad, torch):
        with pytest.raises(ValueError) as info:  # noqa: PT011 - the messages are compared
            T.optim.Muon([T.nn.Parameter(T.ones(2, 2))], **options)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("shape", [(3,), (2, 2, 2), ()])
def test_only_2d_parameters(shape):
    torch = pytest.importorskip("torch")
    messages = []
    for T in (graphgrad, torch):
        with pytest.raises(ValueError) as info:  # noqa: PT011 - the messages are compared
            T.optim.Muon([T.nn.Parameter(T.ones(shape))])
        messages.append(str(info.value))
    assert messages[0] == messages[1]
