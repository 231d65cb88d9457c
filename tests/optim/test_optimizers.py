# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch)
"""Optimizers against PyTorch: 20-step trajectories, param groups, zero_grad, state_dict, repr."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

RNG = np.random.default_rng(7)
W1 = RNG.uniform(-1, 1, (3, 4)).astype(np.float32)
W2 = RNG.uniform(-1, 1, (4,)).astype(np.float32)

CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.02, "amsgrad": True, "betas": (0.8, 0.99)}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.02, "weight_decay": 0.1, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1}),
    (
        "Adagrad",
        {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1, "initial_accumulator_value": 0.1},
    ),
]


def _loss(w1, w2):
    return (w1 * w2).tanh().sum() + (w1 * w1).sum() * 0.1 + ((w2 - 0.5) ** 2).mean()


def _trajectory(T, name: str, kwargs: dict, steps: int = 20, groups: bool = False):
    w1 = T.nn.Parameter(T.tensor(W1))
    w2 = T.nn.Parameter(T.tensor(W2))
    params = [{"params": [w1]}, {"params": [w2], "lr": kwargs["lr"] / 2}] if groups else [w1, w2]
    opt = getattr(T.optim, name)(params, **kwargs)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        _loss(w1, w2).backward()
        opt.step()
        history.append((w1.detach().numpy().copy(), w2.detach().numpy().copy()))
    return history, opt


@pytest.mark.parametrize(
    ("name", "kwargs"),
    CONFIGS,
    ids=[f"{n}-{'-'.join(k for k in kw if k != 'lr') or 'default'}" for n, kw in CONFIGS],
)
def test_trajectory_matches_torch_for_20_steps(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, _ = _trajectory(graphgrad, name, kwargs)
    theirs, _ = _trajectory(torch, name, kwargs)
    for (a1, a2), (b1, b2) in zip(ours, theirs, strict=False):
        np.testing.assert_allclose(a1, b1, rtol=1e-5, atol=2e-6)
        np.testing.assert_allclose(a2, b2, rtol=1e-5, atol=2e-6)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_param_groups_match_torch(name):
    torch = pytest.importorskip("torch")
    kwargs = {"lr": 0.02, "momentum": 0.9} if name != "Adam" else {"lr": 0.02}
    ours, opt = _trajectory(graphgrad, name, kwargs, steps=5, groups=True)
    theirs, _ = _trajectory(torch, name, kwargs, steps=5, groups=True)
    np.testing.assert_allclose(ours[-1][1], theirs[-1][1], rtol=1e-5, atol=2e-6)
    assert [g["lr"] for g in opt.param_groups] == [0.02, 0.01]


def test_state_dict_round_trip_continues_identically():
    _, opt = _trajectory(graphgrad, "Adam", {"lr": 0.01}, steps=3)
    saved = opt.state_dict()
    assert sorted(saved["state"][0]) == ["exp_avg", "exp_avg_sq", "step"]
    assert float(saved["state"][0]["step"]) == 3.0
    assert saved["param_groups"][0]["params"] == [0, 1]
    w1 = graphgrad.nn.Parameter(graphgrad.tensor(W1))
    w2 = graphgrad.nn.Parameter(graphgrad.tensor(W2))
    a = graphgrad.optim.Adam([w1, w2], lr=0.5)
    a.load_state_dict(saved)
    assert a.param_groups[0]["lr"] == 0.01
    assert a.state[w1]["exp_avg"] is not opt.state[opt.param_groups[0]["params"][0]]["exp_avg"]
    with pytest.raises(ValueError, match="different number of parameter groups"):
        a.load_state_dict({"state": {}, "param_groups": []})


def test_state_dict_layout_matches_torch():
    torch = pytest.importorskip("torch")
    _, ours = _trajectory(graphgrad, "SGD", {"lr": 0.1, "momentum": 0.9}, steps=2)
    _, theirs = _trajectory(torch, "SGD", {"lr": 0.1, "momentum": 0.9}, steps=2)
    a, b = ours.state_dict(), theirs.state_dict()
    assert a["param_groups"] == b["param_groups"]
    assert sorted(a["state"]) == sorted(b["state"])
    assert sorted(a["state"][0]) == sorted(b["state"][0])


def test_zero_grad_set_to_none_default():
    w = graphgrad.nn.Parameter(graphgrad.ones(2))
    opt = graphgrad.optim.SGD([w], lr=0.1)
    (w * 2).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert w.grad is not None and float(w.grad.abs().sum()) == 0.0
    opt.zero_grad()
    assert w.grad is None


def test_step_keeps_parameters_leaves_and_bumps_version():
    w = graphgrad.nn.Parameter(graphgrad.tensor([1.0, 2.0]))
    opt = graphgrad.optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    version = w._version
    opt.step()
    assert w.is_leaf and w.grad_fn is None and w._version == version + 1
    assert repr(w) == "Parameter containing:\ntensor([0.8000, 1.6000], requires_grad=True)"


def test_reprs_match_torch():
    torch = pytest.importorskip("torch")
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad"):
        ours = getattr(graphgrad.optim, name)([graphgrad.nn.Parameter(graphgrad.ones(1))], lr=0.1)
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], lr=0.1)
        assert repr(ours) == repr(theirs)
    two = [
        {"params": [graphgrad.nn.Parameter(graphgrad.ones(1))]},
        {"params": [graphgrad.nn.Parameter(graphgrad.ones(1))], "lr": 0.5},
    ]
    two_t = [
        {"params": [torch.nn.Parameter(torch.ones(1))]},
        {"params": [torch.nn.Parameter(torch.ones(1))], "lr": 0.5},
    ]
    assert repr(graphgrad.optim.SGD(two, lr=0.1, momentum=0.9)) == repr(
        torch.optim.SGD(two_t, lr=0.1, momentum=0.9)
    )


def test_construction_errors_match_torch():
    p = [graphgrad.nn.Parameter(graphgrad.ones(1))]
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        graphgrad.optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate: -0.1"):
        graphgrad.optim.SGD(p, lr=-0.1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 0: 1.0"):
        graphgrad.optim.Adam(p, betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero"):
        graphgrad.optim.SGD(p, lr=0.1, nesterov=True)
    with pytest.raises(
        TypeError, match="should be an iterable of Tensors or dicts, but got torch.FloatTensor"
    ):
        graphgrad.optim.SGD(graphgrad.ones(2, requires_grad=True), lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one"):
        graphgrad.optim.SGD([{"params": p}, {"params": p}], lr=0.1)
    assert graphgrad.optim.SGD(p).defaults["lr"] == 0.001


def test_closure_is_called_with_grad_enabled():
    w = graphgrad.nn.Parameter(graphgrad.tensor([1.0]))
    opt = graphgrad.optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with graphgrad.no_grad():
        loss = opt.step(closure)
    assert float(loss) == 1.0 and abs(float(w) - 0.8) < 1e-7
