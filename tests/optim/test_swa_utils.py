"""optim.swa_utils against torch, bit for bit on small models: AveragedModel with each kind of
average (default SWA, avg_fn, multi_avg_fn, use_buffers), SWALR's learning rates, update_bn."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad
from tests._compare_torch import assert_same, outcome

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
STEPS = [RNG.standard_normal((4, 3)).astype(np.float32) for _ in range(4)]
BATCHES = [RNG.standard_normal((5, 3)).astype(np.float32) for _ in range(3)]


def both(case, message=True, ok=False):
    want = outcome(torch, case)
    assert not ok or want[0] == "ok", want
    assert_same(outcome(graphgrad, case), want, message)


def _model(T):
    """Linear -> BatchNorm1d with fixed weights (same in both libraries)."""
    model = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.BatchNorm1d(4))
    with T.no_grad():
        model[0].weight.copy_(T.tensor(STEPS[0]))
        model[0].bias.fill_(0.25)
    return model


def _train(T, model, swa, steps=3):
    """Change the model's weights and BatchNorm buffers (as a training step would, but without
    the reductions of a forward, whose last bits may differ) and fold them in, per step."""
    for i in range(steps):
        with T.no_grad():
            model[0].weight.add_(T.tensor(STEPS[i + 1]) * 0.3)
            model[1].running_mean.add_(T.tensor(BATCHES[i][0, :1]))
            model[1].running_var.mul_(T.tensor(BATCHES[i][1, :1]).abs())
            model[1].num_batches_tracked.add_(1)
        swa.update_parameters(model)
    return [t.detach().clone() for t in swa.state_dict().values()]


def _averaged(kind):
    def run(T):
        S = T.optim.swa_utils
        kwargs = {
            "swa": {},
            "swa_buffers": {"use_buffers": True},
            "ema_fn": {"avg_fn": S.get_ema_avg_fn(0.9)},
            "swa_fn": {"avg_fn": S.get_swa_avg_fn(), "use_buffers": True},
            "ema_multi": {"multi_avg_fn": S.get_ema_multi_avg_fn(0.75), "use_buffers": True},
            "swa_multi": {"multi_avg_fn": S.get_swa_multi_avg_fn(), "use_buffers": True},
            "swa_multi_params": {"multi_avg_fn": S.get_swa_multi_avg_fn()},
        }[kind]
        model = _model(T)
        swa = S.AveragedModel(model, **kwargs)
        states = _train(T, model, swa)
        return list(swa.state_dict()), states

    return run


@pytest.mark.parametrize(
    "kind", ["swa", "swa_buffers", "ema_fn", "swa_fn", "ema_multi", "swa_multi"]
)
def test_averaged_model_bits_as_torch(kind):
    # the SWA multi_avg_fn cannot average BatchNorm's int64 counter (torch raises too)
    both(_averaged(kind), ok=kind != "swa_multi")


def test_lerp_averages_within_an_ulp_of_torch():
    """The multi_avg_fns use lerp, whose last bit depends on whether torch's kernel fuses the
    multiply-add (its AVX2 kernel does): compare within a float32 rounding."""
    got, want = (
        outcome(graphgrad, _averaged("swa_multi_params")),
        outcome(torch, _averaged("swa_multi_params")),
    )
    assert got[0] == want[0] == "ok" and got[1][0] == want[1][0]
    for g, w in zip(got[1][1], want[1][1], strict=True):
        np.testing.assert_allclose(g[3], w[3], rtol=1e-6, atol=1e-7)


def test_averaged_model_runs_the_average():
    model = _model(graphgrad).eval()
    swa = graphgrad.optim.swa_utils.AveragedModel(model)
    swa.update_parameters(model)
    x = graphgrad.tensor(BATCHES[0])
    assert swa(x).tolist() == model(x).tolist()


def test_averaged_model_repr_as_torch():
    both(lambda T: repr(T.optim.swa_utils.AveragedModel(_model(T))))


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("anneal_epochs", [0, 1, 3])
def test_swalr_learning_rates_as_torch(strategy, anneal_epochs):
    def run(T):
        w = T.nn.Parameter(T.ones(1))
        v = T.nn.Parameter(T.ones(1))
        opt = T.optim.SGD([{"params": [w]}, {"params": [v], "lr": 0.2}], lr=0.5)
        sched = T.optim.swa_utils.SWALR(
            opt, swa_lr=[0.05, 0.01], anneal_epochs=anneal_epochs, anneal_strategy=strategy
        )
        lrs = [sched.get_last_lr()]
        for _ in range(5):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
        return lrs

    both(run, ok=True)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"anneal_strategy": "x"},
        {"anneal_epochs": -1},
        {"anneal_epochs": 1.5},
        {"swa_lr": [1.0, 2.0]},
    ],
)
def test_swalr_errors_as_torch(kwargs):
    def run(T):
        opt = T.optim.SGD([T.nn.Parameter(T.ones(1))], lr=0.5)
        T.optim.swa_utils.SWALR(opt, **{"swa_lr": 0.1, **kwargs})

    both(run)


def test_update_bn_as_torch():
    """The running statistics are means over batches (reductions): equal within float32
    rounding; the mode and momentum are restored exactly."""

    def run(T):
        model = _model(T).eval()
        loader = [(T.tensor(b), 0) for b in BATCHES]
        T.optim.swa_utils.update_bn(loader, model)
        return model.training, model[1].momentum, [t.clone() for t in model.state_dict().values()]

    got, want = outcome(graphgrad, run), outcome(torch, run)
    assert got[0] == want[0] == "ok" and got[1][:2] == want[1][:2] == (False, 0.1)
    for g, w in zip(got[1][2], want[1][2], strict=True):
        np.testing.assert_allclose(g[3], w[3], rtol=1e-6, atol=1e-7)


def test_update_bn_without_batchnorm_is_a_no_op():
    model = graphgrad.nn.InstanceNorm1d(2, track_running_stats=True)
    graphgrad.optim.swa_utils.update_bn([graphgrad.ones(1, 2, 3)], model)
    assert model.running_mean.tolist() == [0.0, 0.0] and model.training


def test_ema_of_integer_tensors_as_torch():
    def run(T):
        avg, cur = [T.tensor([10, 20])], [T.tensor([0, 7])]
        T.optim.swa_utils.get_ema_multi_avg_fn(0.5)(avg, cur, 1)
        swa_avg, swa_cur = [T.tensor([10, 20])], [T.tensor([0, 7])]
        T.optim.swa_utils.get_swa_multi_avg_fn()(swa_avg, swa_cur, T.tensor(2))
        return avg, swa_avg

    both(run)
