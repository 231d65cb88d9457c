# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch)
"""Learning-rate schedulers against PyTorch, step by step."""

from __future__ import annotations

import warnings

import pytest

import graphgrad

SCHEDULES = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [2, 5, 5, 9], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.01}),
    ("LambdaLR", {"lr_lambda": lambda epoch: 1.0 / (1 + epoch)}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 25}),
    (
        "OneCycleLR",
        {"max_lr": [0.5, 0.2], "total_steps": 21, "anneal_strategy": "linear", "three_phase": True},
    ),
]


def _run(T, name: str, kwargs: dict, optimizer: str = "SGD"):
    groups = [
        {"params": [T.nn.Parameter(T.ones(1))]},
        {"params": [T.nn.Parameter(T.ones(1))], "lr": 0.05},
    ]
    extra = {"momentum": 0.9} if optimizer == "SGD" else {}
    opt = getattr(T.optim, optimizer)(groups, lr=0.1, **extra)
    sched = getattr(T.optim.lr_scheduler, name)(opt, **kwargs)
    lrs, momenta = [sched.get_last_lr()], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(20):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
            momenta.append([g.get("momentum", g.get("betas")) for g in opt.param_groups])
    return lrs, momenta, opt


@pytest.mark.parametrize(("name", "kwargs"), SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_schedule_matches_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours = _run(graphgrad, name, kwargs)
    theirs = _run(torch, name, kwargs)
    assert ours[0] == theirs[0]  # the same float formulas, so exactly equal
    assert ours[1] == theirs[1]
    assert sorted(ours[2].param_groups[0]) == sorted(theirs[2].param_groups[0])


def test_one_cycle_cycles_adam_betas_like_torch():
    torch = pytest.importorskip("torch")
    kwargs = {"max_lr": 0.3, "total_steps": 22}
    ours = _run(graphgrad, "OneCycleLR", kwargs, optimizer="Adam")
    theirs = _run(torch, "OneCycleLR", kwargs, optimizer="Adam")
    assert ours[0] == theirs[0]  # the same float formulas, so exactly equal
    assert ours[1] == theirs[1]


def test_reduce_on_plateau_matches_torch():
    torch = pytest.importorskip("torch")
    metrics = [1.0, 0.9, 0.9, 0.95, 0.91, 0.92, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]

    def run(T, **kwargs):
        opt = T.optim.SGD([T.nn.Parameter(T.ones(1))], lr=1.0)
        sched = T.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        out = []
        for m in metrics:
            sched.step(m)
            out.append(sched.get_last_lr()[0])
        return out

    for kwargs in (
        {"patience": 1},
        {"patience": 0, "cooldown": 2, "factor": 0.5},
        {"mode": "max", "patience": 1, "threshold_mode": "abs", "min_lr": 0.05},
    ):
        assert run(graphgrad, **kwargs) == run(torch, **kwargs)


def test_scheduler_state_dict_round_trip():
    opt = graphgrad.optim.SGD([graphgrad.nn.Parameter(graphgrad.ones(1))], lr=1.0)
    sched = graphgrad.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 3
    other = graphgrad.optim.lr_scheduler.StepLR(opt, step_size=5)
    other.load_state_dict(state)
    assert other.step_size == 2 and other.get_last_lr() == [0.5]


def test_scheduler_errors():
    opt = graphgrad.optim.SGD([graphgrad.nn.Parameter(graphgrad.ones(1))], lr=1.0)
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        graphgrad.optim.lr_scheduler.StepLR([], step_size=1)
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        graphgrad.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0)
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        graphgrad.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)


@pytest.mark.parametrize("optimizer_first", [True, False])
def test_step_order_and_epoch_warnings_are_pytorchs(optimizer_first):
    # before: no warning (karpathy/pytorch-made steps its scheduler first and passes epochs)
    torch = pytest.importorskip("torch")
    seen = []
    for T in (graphgrad, torch):
        opt = T.optim.SGD(T.nn.Linear(1, 1).parameters(), 0.1)
        sched = T.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):
                steps = (opt.step, sched.step) if optimizer_first else (sched.step, opt.step)
                for step in steps:
                    step()
            sched.step(5)
        seen.append(([(w.category, str(w.message)) for w in caught], opt.param_groups[0]["lr"]))
    assert seen[0] == seen[1] and len(seen[0][0]) == (1 if optimizer_first else 2)


def test_sequential_lr_moves_to_its_next_scheduler_without_the_epoch_warning():
    # (it starts the next scheduler at epoch 0 itself: not the user's deprecated argument)
    torch = pytest.importorskip("torch")
    seen = []
    for T in (graphgrad, torch):
        opt = T.optim.SGD(T.nn.Linear(1, 1).parameters(), 0.1)
        first = T.optim.lr_scheduler.ConstantLR(opt, 0.5, total_iters=2)
        then = T.optim.lr_scheduler.ExponentialLR(opt, 0.9)
        sched = T.optim.lr_scheduler.SequentialLR(opt, [first, then], milestones=[2])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(4):
                opt.step()
                sched.step()
        seen.append(([str(w.message) for w in caught], opt.param_groups[0]["lr"]))
    assert seen[0] == seen[1] and seen[0][0] == []
