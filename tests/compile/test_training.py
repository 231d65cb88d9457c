"""Training steps compiled: optimizers with state, schedulers, dropout's draws, modules in
train and eval mode, all bit-identical to eager, parameters and optimizer state included."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad
from graphgrad import nn

from ._helpers import bits, replayed, run_both, train_model_compiled_alone


def _opt_state(opt) -> list:
    return [{k: bits(v) for k, v in st.items()} for st in (opt.state[p] for p in opt.state)]


OPTIMIZERS = {
    "sgd": lambda ps: graphgrad.optim.SGD(ps, lr=0.1),
    "sgd_momentum": lambda ps: graphgrad.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    "adam": lambda ps: graphgrad.optim.Adam(ps, lr=0.01),
    "adamw_amsgrad": lambda ps: graphgrad.optim.AdamW(ps, lr=0.01, amsgrad=True),
    "rmsprop": lambda ps: graphgrad.optim.RMSprop(ps, lr=0.01, momentum=0.5),
}


def _mlp_step(make_opt, dropout: float = 0.0, scheduler: bool = False):
    rng = np.random.default_rng(0)
    x_data = rng.standard_normal((8, 5)).astype(np.float32)
    y_data = rng.integers(0, 3, 8)

    def make():
        graphgrad.manual_seed(1)
        model = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Dropout(dropout), nn.Linear(7, 3))
        opt = make_opt(model.parameters())
        sched = graphgrad.optim.lr_scheduler.StepLR(opt, 2, 0.5) if scheduler else None
        x, y = graphgrad.tensor(x_data), graphgrad.tensor(y_data)

        def step():
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            return loss

        step.opt = opt
        return step, list(model.parameters())

    return make


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizers_with_state(name):
    make = _mlp_step(OPTIMIZERS[name])
    step, params = make()
    f = graphgrad.compile(step)
    e_step, e_params = make()
    for _ in range(6):
        want = bits(e_step())
        got = bits(f())
        assert got == want
        assert [bits(p) for p in params] == [bits(p) for p in e_params]
        assert _opt_state(step.opt) == _opt_state(e_step.opt)
    assert replayed(f)


def test_scheduler_steps_are_replayed():
    run_both(_mlp_step(OPTIMIZERS["sgd_momentum"], scheduler=True), calls=6)


def test_dropout_draws_follow_the_generator():
    run_both(_mlp_step(OPTIMIZERS["adam"], dropout=0.3), calls=5)


def test_randn_leaves_and_rng_state():
    # seed example 4, with its randn leaves and hand-written SGD on .data
    def make():
        def step():
            x = graphgrad.randn(1, 10, requires_grad=True)
            w = graphgrad.randn(10, 5, requires_grad=True)
            y = graphgrad.relu(x @ w).sum()
            y.backward()
            w.data -= 0.01 * w.grad.data
            return [x.grad, w.grad, w]

        return step, []

    run_both(make, calls=5)


def test_compiled_module_in_eval_under_no_grad():
    graphgrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.BatchNorm1d(4), nn.Dropout(0.5))
    model.eval()
    f = graphgrad.compile(model)
    x = graphgrad.randn(6, 4)
    with graphgrad.no_grad():
        outs = [f(x) for _ in range(4)]
        want = model(x)
    assert all(bits(o) == bits(want) for o in outs)
    assert replayed(f.__dict__["_compiled_call"])


def test_inference_mode():
    w = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    f = graphgrad.compile(lambda x: (x * w).exp())
    with graphgrad.inference_mode():
        outs = [f(graphgrad.tensor([0.5, 0.25])) for _ in range(3)]
    assert all(o.tolist() == outs[0].tolist() for o in outs)
    assert not outs[-1].requires_grad


def test_accumulating_gradients_over_calls():
    # no zero_grad: .grad grows by the same amounts as eager's
    def make():
        w = graphgrad.tensor([0.5, -1.5, 2.0], requires_grad=True)

        def step():
            (w.tanh() * w).sum().backward()
            return w.grad

        return step, [w]

    run_both(make, calls=5)


def test_returned_grads_are_the_leaves_grads():
    w = graphgrad.tensor([1.0, 2.0], requires_grad=True)

    @graphgrad.compile
    def step():
        w.grad = None
        (w * w).sum().backward()
        return w.grad

    for _ in range(4):
        g = step()
        assert g is w.grad


def test_arguments_that_require_grad_get_their_grad_each_call():
    @graphgrad.compile
    def step(x):
        x.grad = None
        (x * x).sum().backward()
        with graphgrad.no_grad():
            x.sub_(0.25 * x.grad)
        return x, x.grad

    for i in range(4):
        x = graphgrad.tensor([1.0, float(i)], requires_grad=True)
        out, grad = step(x)
        assert out is x and grad is x.grad
        assert x.grad.tolist() == [2.0, 2.0 * i]
        assert x.tolist() == [0.5, 0.5 * i] and x._version == 1
    assert replayed(step)


LAYERS = {
    "batchnorm": (lambda: [nn.Linear(4, 6), nn.BatchNorm1d(6)], (8, 4)),
    "batchnorm2d": (lambda: [nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.MaxPool2d(2)], (4, 2, 6, 6)),
    "layernorm_gelu": (lambda: [nn.Linear(4, 6), nn.LayerNorm(6), nn.GELU()], (8, 4)),
    "lstm": (lambda: [nn.LSTM(4, 5, batch_first=True)], (2, 3, 4)),
    "transformer": (
        lambda: [nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True)],
        (2, 5, 8),
    ),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_train_compiled(name):
    layers, shape = LAYERS[name]

    def make():
        graphgrad.manual_seed(0)
        model = nn.Sequential(*layers())
        opt = graphgrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
        x = graphgrad.randn(*shape)

        def step():
            opt.zero_grad()
            out = model(x)
            out = out[0] if isinstance(out, tuple) else out
            (out**2).mean().backward()
            opt.step()
            return out.detach()

        return step, list(model.parameters()) + list(model.buffers())

    run_both(make, calls=4)


def test_a_draw_the_recording_did_not_see_keeps_the_call_eager():
    # the check compares the generators' states after the replay and after eager
    import warnings

    gen = graphgrad.default_generator

    def step(x):
        gen._mt.raw(1)  # a draw below the Generator's methods: not recorded
        return x * 2

    f = graphgrad.compile(step)
    x = graphgrad.ones(2)
    f(x)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f(x)
    assert any("generator's state differed" in str(w.message) for w in caught)
    before = gen.get_state()
    f(x)
    assert not np.array_equal(gen.get_state().numpy(), before.numpy())  # eager: it drew


def _clipped_step(error_if_nonfinite: bool = False, by_value: bool = False):
    def make():
        graphgrad.manual_seed(2)
        model = nn.Sequential(nn.Linear(4, 6), nn.GELU(), nn.LayerNorm(6), nn.Linear(6, 3))
        opt = graphgrad.optim.AdamW(model.parameters(), lr=0.05)
        x, y = graphgrad.randn(5, 4), graphgrad.tensor([0, 2, 1, 1, 0])

        def step():
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            norm = nn.utils.clip_grad_norm_(
                model.parameters(), 0.3, error_if_nonfinite=error_if_nonfinite
            )
            if by_value:
                nn.utils.clip_grad_value_(model.parameters(), 0.02)
            opt.step()
            return loss, norm

        return step, list(model.parameters())

    return make


@pytest.mark.parametrize("by_value", [False, True])
def test_gradient_clipping_is_replayed(by_value):
    # the norm and the scaling are recorded: the step replays, clipped as eager clips it
    # (clip_grad_value_ wrote with np.clip, unseen: the check caught it and the step ran eagerly)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled = run_both(_clipped_step(by_value=by_value), calls=5)
    assert replayed(compiled)


def test_gradient_clipping_that_checks_the_norm_runs_eagerly():
    # error_if_nonfinite reads the norm into Python (bool(tensor)): the step runs eagerly
    with pytest.warns(UserWarning, match=r"bool\(tensor\)"):
        compiled = run_both(_clipped_step(error_if_nonfinite=True), calls=3, expect_replay=False)
    assert not replayed(compiled)


@pytest.mark.parametrize("dead_row", [False, True])
def test_attention_with_a_mask_is_replayed(dead_row):
    # scaled_dot_product_attention's shortcut for masks without a fully masked row reads a value;
    # a recording takes the general path, with the same values
    def make():
        graphgrad.manual_seed(3)
        layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True)
        opt = graphgrad.optim.AdamW(layer.parameters(), lr=0.01)
        x = graphgrad.randn(2, 5, 8)
        mask = graphgrad.triu(graphgrad.ones(5, 5, dtype=graphgrad.bool), diagonal=1)
        if dead_row:
            mask[2] = True  # query 2 sees nothing: its attention weights are zeros

        def step():
            opt.zero_grad()
            out = layer(x, src_mask=mask)
            out.pow(2).mean().backward()
            opt.step()
            return out

        return step, list(layer.parameters())

    assert replayed(run_both(make, calls=4))


class _Checkpointed(nn.Module):
    """Two blocks, the first under non-reentrant activation checkpointing, dropout inside."""

    def __init__(self, sequential: bool = False) -> None:
        super().__init__()
        self.block = nn.Sequential(nn.Linear(5, 7), nn.GELU(), nn.Dropout(0.3), nn.Linear(7, 7))
        self.head = nn.Linear(7, 3)
        self.sequential = sequential

    def forward(self, x):
        checkpoint = graphgrad.utils.checkpoint
        if self.sequential:
            h = checkpoint.checkpoint_sequential(self.block, 2, x, use_reentrant=False)
        else:
            h = checkpoint.checkpoint(self.block, x, use_reentrant=False)
        return self.head(h.tanh())


@pytest.mark.parametrize("sequential", [False, True])
def test_activation_checkpointing_is_replayed(sequential):
    # the recording runs the segment as a plain call: the recomputation gives the same values,
    # and draws the same dropout masks (it replays the generator's state)
    def make():
        graphgrad.manual_seed(1)
        model = _Checkpointed(sequential)
        opt = graphgrad.optim.Adam(model.parameters(), lr=0.01)
        gen = graphgrad.Generator().manual_seed(2)

        def step():
            x = graphgrad.randn(4, 5, generator=gen)
            opt.zero_grad()
            loss = model(x).pow(2).mean()
            loss.backward()
            opt.step()
            return loss

        return step, list(model.parameters())

    run_both(make, calls=5)


def test_a_compiled_model_with_checkpointing_trains_as_eager():
    # torch.compile(model) with the backward outside the call: the recorded backward of the
    # call's graph stands in for the recomputation
    def sgd(params):
        return graphgrad.optim.SGD(params, lr=0.1)

    trained = [train_model_compiled_alone(_Checkpointed, (4, 5), sgd, c) for c in (True, False)]
    assert trained[0] == trained[1]


def test_reentrant_checkpointing_runs_eagerly():
    # its backward reruns the function and runs a backward of its own inside: not recorded
    def make():
        graphgrad.manual_seed(1)
        lin = nn.Linear(3, 3)
        x = graphgrad.ones(2, 3, requires_grad=True)

        def step():
            lin.zero_grad()
            checkpoint = graphgrad.utils.checkpoint.checkpoint
            checkpoint(lin, x, use_reentrant=True).sum().backward()
            return lin.weight.grad

        return step, [lin.weight, x]

    with pytest.warns(UserWarning, match=r"checkpoint\(use_reentrant=True\) at .*test_training.py"):
        compiled = run_both(make, calls=3, expect_replay=False)
    assert not replayed(compiled)


def test_batch_norm_with_a_cumulative_average_runs_eagerly():
    # momentum=None: the factor 1 / num_batches_tracked is a number read from the buffer
    def make():
        bn = nn.BatchNorm1d(2, momentum=None)
        gen = graphgrad.Generator().manual_seed(0)

        def step():
            return bn(graphgrad.randn(4, 2, generator=gen) * 3)

        return step, [bn.running_mean, bn.running_var]

    with pytest.warns(UserWarning, match=r"BatchNorm\(momentum=None\)"):
        compiled = run_both(make, calls=5, expect_replay=False)
    assert not replayed(compiled)


def test_requires_grad_set_on_an_argument_in_the_call_is_replayed():
    # FGSM's ``x.requires_grad_()`` on the input: the argument kept requires_grad=False after
    # a replay, where eagerly it is True
    w = graphgrad.tensor([1.0, -2.0, 3.0])

    def step(x):
        x.requires_grad_()
        (x * w).pow(2).sum().backward()
        return x.grad.sign()

    f = graphgrad.compile(step)
    for i in range(4):
        x = graphgrad.full((3,), float(i + 1))
        assert f(x).tolist() == [1.0, 1.0, 1.0]
        assert x.requires_grad and x.grad.tolist() == [2.0 * (i + 1), 8.0 * (i + 1), 18.0 * (i + 1)]
    assert replayed(f)


@pytest.mark.parametrize("max_iter", [1, 20])
def test_lbfgs_with_a_compiled_closure(max_iter):
    # the check restored optimizer state by replacing each parameter's state dict, while
    # LBFGS.step held the old one: its later writes were lost (max_iter=1: other losses and
    # weights, silently; more iterations: a TypeError at the next step)
    def run(compiled: bool) -> list:
        graphgrad.manual_seed(0)
        model = nn.Linear(3, 1).double()
        x, y = graphgrad.randn(16, 3, dtype=graphgrad.float64), graphgrad.randn(16, 1).double()
        opt = graphgrad.optim.LBFGS(model.parameters(), lr=0.5, max_iter=max_iter)

        def closure():
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            return loss

        f = graphgrad.compile(closure) if compiled else closure
        losses = [opt.step(f).item() for _ in range(5)]
        assert not compiled or replayed(f)
        return losses + model.weight.detach().numpy().tolist()

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(True) == run(False)


class _Trainer:
    """minGPT's style: the model and its optimizer as attributes of a plain object."""

    def __init__(self) -> None:
        graphgrad.manual_seed(0)
        self.model = nn.Linear(6, 5)
        self.model.optimizer_ = graphgrad.optim.Adam(self.model.parameters(), lr=0.03)
        self.gen = graphgrad.Generator().manual_seed(1)


@pytest.mark.parametrize("through", ["module attribute", "trainer object"])
def test_an_optimizer_reached_through_attributes_replays(through):
    # (an optimizer kept as a module's attribute, ``layer.opt.step()`` as in pytorch/examples'
    # mnist_forward_forward, was not found: its state was not put back for the check, which
    # then failed, and the step ran eagerly for good)
    def make():
        trainer = _Trainer()
        model = trainer.model

        if through == "module attribute":

            def step(layer, x):
                loss = layer(x).pow(2).mean()
                layer.optimizer_.zero_grad()
                loss.backward()
                layer.optimizer_.step()
                return loss

            return (lambda: step(model, graphgrad.ones(4, 6))), list(model.parameters())

        def run(t):
            x = graphgrad.randn(4, 6, generator=t.gen)
            loss = t.model(x).pow(2).mean()
            t.model.optimizer_.zero_grad()
            loss.backward()
            t.model.optimizer_.step()
            return loss

        return (lambda: run(trainer)), list(model.parameters())

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run_both(make, calls=5)


def test_a_step_that_sets_the_training_mode_replays():
    # gcn's train_iter: ``model.train()`` in the step, ``model.eval()`` for the evaluation
    # between steps. The guard read the mode after the call, so every call failed it and
    # recorded again; now the guard reads it before, and a replay sets it as the call did
    def run(compiled: bool) -> list:
        graphgrad.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 2))
        opt = graphgrad.optim.Adam(model.parameters(), lr=0.01)
        x, y = graphgrad.randn(16, 4), graphgrad.randint(0, 2, (16,))

        def step(x, y):
            model.train()
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        f = graphgrad.compile(step) if compiled else step
        seen = []
        for _ in range(6):
            seen.append((f(x, y).item(), model.training, model[1].training))
            model.eval()
            with graphgrad.no_grad():
                seen.append(model(x).tolist())
        assert not compiled or f.recordings == 2 and replayed(f)
        return seen

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(True) == run(False)


def _manual_step(read_lr):
    """A step that reads the learning rate into Python (``read_lr(opt, sched)``) and updates
    by hand, with a scheduler changing it between calls."""
    w = graphgrad.ones(3, requires_grad=True)
    opt = graphgrad.optim.SGD([w], lr=0.1)
    sched = graphgrad.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

    def step(x):
        w.grad = None
        (w * x).sum().backward()
        with graphgrad.no_grad():
            w.sub_(read_lr(opt, sched) * w.grad)
        return w.clone()

    return step, sched


READ_LR = {
    "param_groups": lambda opt, sched: opt.param_groups[0]["lr"],
    "param_groups get": lambda opt, sched: opt.param_groups[0].get("lr"),
    "get_last_lr": lambda opt, sched: sched.get_last_lr()[0],
}


@pytest.mark.parametrize("how", READ_LR)
def test_a_learning_rate_read_into_python_is_guarded(how):
    # the replays went on with the recorded learning rate after the scheduler halved it
    runs = []
    for compiled in (False, True):
        step, sched = _manual_step(READ_LR[how])
        f = graphgrad.compile(step) if compiled else step
        out = []
        for i in range(6):
            out.append(f(graphgrad.full((3,), 1.0 + i % 2)).tolist())
            sched.step()
        runs.append(out)
    assert runs[0] == runs[1]
    assert runs[0][-1] == [pytest.approx(0.475, abs=1e-6)] * 3
    assert replayed(f)


def test_a_scheduler_stepped_in_or_out_of_the_step_replays_every_call():
    # the optimizer's own reads of its groups are not guarded: a learning rate changing at
    # every call records once
    for inside in (True, False):
        m = graphgrad.nn.Linear(3, 1)
        opt = graphgrad.optim.AdamW(m.parameters(), lr=0.1)
        sched = graphgrad.optim.lr_scheduler.CosineAnnealingLR(opt, 50)
        x, y = graphgrad.randn(8, 3), graphgrad.randn(8, 1)

        def step():
            opt.zero_grad()
            loss = ((m(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
            if inside:  # noqa: B023 - read at each call, as intended
                sched.step()
            return loss

        f = graphgrad.compile(step)
        for _ in range(12):
            f()
            if not inside:
                sched.step()
        assert [(e.verified, e.eager) for v in f.cache.values() for e in v] == [(True, False)]
