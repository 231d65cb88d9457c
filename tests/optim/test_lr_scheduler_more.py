# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch)
"""MultiplicativeLR, ConstantLR, LinearLR, PolynomialLR, CyclicLR, CosineAnnealingWarmRestarts,
SequentialLR and ChainedScheduler against PyTorch: the same learning rates (and momenta), as
exact floats, over many epochs; state-dict round trips; PyTorch's errors."""

from __future__ import annotations

import warnings

import pytest

import graphgrad

CASES = [
    ("MultiplicativeLR", {"lr_lambda": lambda epoch: 0.97}),
    ("MultiplicativeLR", {"lr_lambda": [lambda e: 0.9, lambda e: 1.0 + 0.01 * e]}),
    ("ConstantLR", {}),
    ("ConstantLR", {"factor": 0.2, "total_iters": 7}),
    ("LinearLR", {}),
    ("LinearLR", {"start_factor": 0.1, "end_factor": 0.6, "total_iters": 13}),
    ("PolynomialLR", {}),
    ("PolynomialLR", {"total_iters": 17, "power": 0.7}),
    ("CosineAnnealingWarmRestarts", {"T_0": 3}),
    ("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 3, "eta_min": 0.001}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.3, "step_size_up": 4}),
    (
        "CyclicLR",
        {
            "base_lr": [0.01, 0.02],
            "max_lr": 0.3,
            "step_size_up": 3,
            "step_size_down": 5,
            "mode": "triangular2",
        },
    ),
    (
        "CyclicLR",
        {"base_lr": 0.01, "max_lr": 0.3, "step_size_up": 3, "mode": "exp_range", "gamma": 0.97},
    ),
    (
        "CyclicLR",
        {
            "base_lr": 0.01,
            "max_lr": 0.3,
            "step_size_up": 3,
            "scale_fn": lambda x: 1 / (x + 1),
            "scale_mode": "iterations",
        },
    ),
    ("SequentialLR", {}),
    ("ChainedScheduler", {}),
]


def _build(T, name: str, kwargs: dict, optimizer: str = "SGD"):
    groups = [
        {"params": [T.nn.Parameter(T.ones(1))]},
        {"params": [T.nn.Parameter(T.ones(1))], "lr": 0.05},
    ]
    extra = {"momentum": 0.9} if optimizer == "SGD" else {}
    opt = getattr(T.optim, optimizer)(groups, lr=0.1, **extra)
    S = T.optim.lr_scheduler
    if name == "SequentialLR":
        parts = [
            S.LinearLR(opt, start_factor=0.1, total_iters=4),
            S.ExponentialLR(opt, gamma=0.9),
            S.CosineAnnealingLR(opt, T_max=5),
        ]
        return opt, S.SequentialLR(opt, parts, milestones=[5, 12])
    if name == "ChainedScheduler":
        parts = [
            S.ConstantLR(opt, factor=0.3, total_iters=3),
            S.ExponentialLR(opt, gamma=0.95),
            S.StepLR(opt, 4, 0.5),
        ]
        return opt, S.ChainedScheduler(parts)
    return opt, getattr(S, name)(opt, **kwargs)


def _steps(opt, scheduler, n: int):
    lrs, momenta = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(n):
            opt.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr())
            momenta.append([g.get("momentum", g.get("betas")) for g in opt.param_groups])
    return lrs, momenta


def _run(T, name, kwargs, optimizer="SGD", n=60):
    opt, scheduler = _build(T, name, kwargs, optimizer)
    first = [scheduler.get_last_lr(), [g["lr"] for g in opt.param_groups]]
    return first, _steps(opt, scheduler, n)


IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CASES)]


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_schedule_matches_torch_exactly(name, kwargs):
    torch = pytest.importorskip("torch")
    assert _run(graphgrad, name, kwargs) == _run(torch, name, kwargs)


@pytest.mark.parametrize(("name", "kwargs"), CASES[10:12], ids=IDS[10:12])
def test_cyclic_lr_cycles_adam_beta1_like_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    assert _run(graphgrad, name, kwargs, "Adam") == _run(torch, name, kwargs, "Adam")


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_state_dict_round_trip(name, kwargs):
    opt, scheduler = _build(graphgrad, name, kwargs)
    _steps(opt, scheduler, 7)
    saved, saved_groups = scheduler.state_dict(), opt.state_dict()["param_groups"]
    expected = _steps(opt, scheduler, 20)
    opt2, resumed = _build(graphgrad, name, kwargs)
    resumed.load_state_dict(saved)
    for group, saved_group in zip(opt2.param_groups, saved_groups, strict=True):
        group.update({k: v for k, v in saved_group.items() if k != "params"})
    assert _steps(opt2, resumed, 20) == expected


def test_state_dict_keys_match_torch():
    torch = pytest.importorskip("torch")
    for name, kwargs in CASES:
        ours = set(_build(graphgrad, name, kwargs)[1].state_dict())
        theirs = set(_build(torch, name, kwargs)[1].state_dict())
        # PyTorch's bookkeeping flag for its "get_lr called outside step" warning
        assert ours == theirs - {"_get_lr_called_within_step"}, name


def test_warm_restarts_take_fractional_epochs():
    torch = pytest.importorskip("torch")
    results = []
    for T in (graphgrad, torch):
        opt, scheduler = _build(T, "CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 2})
        lrs = []
        for epoch in [0.5, 1.0, 1.7, 2.2, 5.9, 6.0, 13.5, 3.3]:
            scheduler.step(epoch)
            lrs.append((scheduler.get_last_lr(), scheduler.last_epoch))
        results.append(lrs)
    assert results[0] == results[1]


def _errors(T):
    opt = T.optim.SGD([T.nn.Parameter(T.ones(1))], lr=0.1)
    other = T.optim.SGD([T.nn.Parameter(T.ones(1))], lr=0.1)
    S = T.optim.lr_scheduler
    attempts = [
        lambda: S.ConstantLR(opt, factor=1.5),
        lambda: S.LinearLR(opt, start_factor=0),
        lambda: S.LinearLR(opt, end_factor=1.5),
        lambda: S.CosineAnnealingWarmRestarts(opt, T_0=0),
        lambda: S.CosineAnnealingWarmRestarts(opt, T_0=2.0),
        lambda: S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0),
        lambda: S.CosineAnnealingWarmRestarts(opt, T_0=2, eta_min="a"),
        lambda: S.CyclicLR(opt, 0.1, 1.0, mode="foo"),
        lambda: S.CyclicLR(T.optim.Adagrad(opt.param_groups[0]["params"]), 0.1, 1.0),
        lambda: S.MultiplicativeLR(opt, [lambda e: 1.0, lambda e: 1.0]),
        lambda: S.SequentialLR(opt, [], milestones=[]),
        lambda: S.SequentialLR(opt, [S.StepLR(opt, 2), S.StepLR(opt, 3)], milestones=[]),
        lambda: S.SequentialLR(opt, [S.StepLR(opt, 2), S.StepLR(other, 3)], milestones=[3]),
        lambda: S.SequentialLR(opt, [S.StepLR(opt, 2), S.ReduceLROnPlateau(opt)], milestones=[3]),
        lambda: S.ChainedScheduler([]),
        lambda: S.ChainedScheduler([S.StepLR(opt, 2), S.StepLR(other, 3)]),
    ]
    out = []
    for attempt in attempts:
        with pytest.raises(Exception) as info:  # noqa: PT011 - compared with torch's below
            attempt()
        out.append((type(info.value).__name__, str(info.value).replace(repr(other), "<opt>")))
    return out


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(_errors(graphgrad), _errors(torch), strict=True):
        assert ours == theirs
