"""Guards: a call that differs in what the recording assumed records again (up to a limit)."""

from __future__ import annotations

import argparse
import dataclasses
import queue
import threading
import types
import warnings

import numpy as np
import pytest

import graphgrad

from . import _settings
from ._helpers import replayed


def _entries(f) -> int:
    f = f.__dict__.get("_compiled_call", f)  # a compiled module's call
    return sum(len(v) for v in f.cache.values())


def test_shapes_dtypes_and_requires_grad_get_recordings_of_their_own():
    f = graphgrad.compile(lambda x: (x * 2).sum())
    calls = [
        graphgrad.ones(3),
        graphgrad.ones(4),
        graphgrad.ones(3, dtype=graphgrad.float64),
        graphgrad.ones(3, requires_grad=True),
    ]
    for x in calls * 3:
        want = (x * 2).sum()
        got = f(x)
        assert got.tolist() == want.tolist() and got.dtype is want.dtype
    assert _entries(f) == 4
    assert replayed(f)


def test_grad_mode_is_guarded():
    w = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    f = graphgrad.compile(lambda: w * 3)
    with graphgrad.no_grad():
        for _ in range(3):
            out = f()
            assert not out.requires_grad and out.tolist() == [3.0, 6.0]
    for _ in range(3):  # a recording of its own, whose results have a graph
        out = f()
        out.sum().backward()
    assert type(out.grad_fn).__name__ == "CompiledFunctionBackward"
    assert w.grad.tolist() == [9.0, 9.0]
    assert _entries(f) == 2


def test_the_same_tensor_passed_twice_is_part_of_the_key():
    # recorded as f(x, x), the program reads one array for both arguments
    f = graphgrad.compile(lambda a, b: a * 2 + b)
    x, a, b = graphgrad.ones(2), graphgrad.ones(2), graphgrad.full((2,), 5.0)
    for args in [(x, x)] * 3 + [(a, b)] * 3 + [(x, x)]:
        assert f(*args).tolist() == (args[0] * 2 + args[1]).tolist()
    assert _entries(f) == 2


def test_overlapping_views_written_in_place_as_eagerly():
    def step(a, b):
        return a.add_(1) * b  # b sees a's write where they overlap, as eagerly

    f = graphgrad.compile(step)
    y, eager_y = graphgrad.arange(6.0), graphgrad.arange(6.0)
    for _ in range(4):
        got, want = f(y[:3], y[2:5]), step(eager_y[:3], eager_y[2:5])
        assert got.tolist() == want.tolist() and y.tolist() == eager_y.tolist()
    assert replayed(f)


def test_python_arguments_are_part_of_the_key():
    f = graphgrad.compile(lambda x, s: x * s)
    x = graphgrad.tensor([1.0, 2.0])
    for s in (2.0, 3.0, 2.0, 3.0, 2.0, 3.0):
        assert f(x, s).tolist() == [s, 2 * s]
    assert _entries(f) == 2


def test_arguments_are_read_at_each_call():
    f = graphgrad.compile(lambda x, y: x @ y + 1)
    for i in range(4):
        x = graphgrad.full((2, 2), float(i))
        y = graphgrad.eye(2)
        assert f(x, y).tolist() == [[i + 1.0] * 2] * 2
    assert replayed(f)


def test_module_modes_and_replaced_parameters_are_guarded():
    model = graphgrad.nn.Sequential(graphgrad.nn.Linear(2, 2), graphgrad.nn.Dropout(0.5))
    f = graphgrad.compile(model)
    x = graphgrad.ones(4, 2)
    model.eval()
    with graphgrad.no_grad():
        outs = [f(x) for _ in range(3)]
        assert all(o.tolist() == model(x).tolist() for o in outs)
        model[0].weight = graphgrad.nn.Parameter(graphgrad.zeros(2, 2))
        assert f(x).tolist() == model(x).tolist()
        model.train()
        graphgrad.manual_seed(0)
        got = [f(x).tolist() for _ in range(3)]
        graphgrad.manual_seed(0)
        want = [model(x).tolist() for _ in range(3)]
    assert got == want
    assert _entries(f) == 3


def test_replaced_submodules_and_buffers_are_guarded():
    # fine-tuning's ``model.fc = nn.Linear(...)`` after the model was compiled
    nn = graphgrad.nn
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 1)).eval()
    f = graphgrad.compile(model)
    x = graphgrad.ones(2, 2)
    with graphgrad.no_grad():
        for i in range(8):
            if i == 4:
                model[2] = nn.Linear(3, 1)
            if i == 6:
                model[1].running_mean = graphgrad.ones(3)
            assert f(x).tolist() == model(x).tolist(), i
    assert _entries(f) == 3


SCALE = 2.0  # a global the compiled function below reads


class _Scaled(graphgrad.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = graphgrad.nn.Linear(2, 2)
        self.tau = 1.0  # a plain attribute the forward reads

    def forward(self, x):
        return self.lin(x) / self.tau * SCALE


def test_python_values_a_call_reads_are_guarded():
    # a module's attribute, a global and a closure's value, changed after the check passed
    global SCALE
    model = _Scaled()
    shift = 0.0
    f = graphgrad.compile(lambda x: model(x) + shift)
    x = graphgrad.ones(1, 2)
    try:
        for i in range(10):
            if i == 4:
                model.tau = 0.5
            if i == 6:
                SCALE = 3
            if i == 8:
                shift = 1.5
            with graphgrad.no_grad():
                want = (model(x) + shift).tolist()
                assert f(x).tolist() == want, i
    finally:
        SCALE = 2.0
    assert _entries(f) == 4


WEIGHT = graphgrad.ones(2)  # a global tensor the compiled function below reads


def test_a_global_or_closure_tensor_rebound_between_calls_is_read_where_it_is():
    # (state: read through the global or the cell at each replay; one of another shape
    # records again)
    global WEIGHT
    shift = graphgrad.zeros(2)
    f = graphgrad.compile(lambda x: x * WEIGHT + shift)
    x = graphgrad.ones(2)
    try:
        for i in range(10):
            if i == 4:
                WEIGHT = graphgrad.full((2,), 3.0)
            if i == 6:
                shift = graphgrad.full((2,), 5.0)
            if i == 8:
                WEIGHT = graphgrad.full((1,), 2.0)
            assert f(x).tolist() == (x * WEIGHT + shift).tolist(), i
            assert _entries(f) == (1 if i < 8 else 2)
    finally:
        WEIGHT = graphgrad.ones(2)
    assert replayed(f)


def test_a_value_that_changes_at_every_call_ends_in_eager_calls(monkeypatch):
    monkeypatch.setattr(graphgrad._dynamo.config, "recompile_limit", 3)
    model = _Scaled()
    f = graphgrad.compile(model)
    x = graphgrad.ones(1, 2)
    with pytest.warns(UserWarning, match="recompile limit"):
        for i in range(6):
            model.tau = 1.0 + i
            with graphgrad.no_grad():
                assert f(x).tolist() == model(x).tolist()
    assert _entries(f) == 3


def test_recompile_limit(monkeypatch):
    monkeypatch.setattr(graphgrad._dynamo.config, "recompile_limit", 3)
    f = graphgrad.compile(lambda x: x + 1)
    with pytest.warns(UserWarning, match="recompile limit"):
        for n in range(1, 6):
            assert f(graphgrad.zeros(n)).tolist() == [1.0] * n
    assert f.recordings == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once
        f(graphgrad.zeros(7))


class _Optional(graphgrad.nn.Module):
    """A forward that uses what it finds: an extra layer, a scale, a shift buffer."""

    def __init__(self):
        super().__init__()
        self.body = graphgrad.nn.Sequential(graphgrad.nn.Linear(2, 2))

    def forward(self, x):
        x = self.body(x)
        if hasattr(self, "extra"):
            x = self.extra(x)
        if hasattr(self, "shift"):
            x = x + self.shift
        return x * getattr(self, "scale", 1.0)


ADDITIONS = {
    "submodule": lambda m: setattr(m, "extra", graphgrad.nn.Linear(2, 2)),
    "attribute": lambda m: setattr(m, "scale", 3.0),
    "buffer": lambda m: m.register_buffer("shift", graphgrad.ones(2)),
    "appended layer": lambda m: m.body.append(graphgrad.nn.Tanh()),
}


@pytest.mark.parametrize("added", ADDITIONS)
def test_an_attribute_added_after_the_check_records_again(added):
    # the replay would have skipped what the forward finds only now
    model = _Optional()
    f = graphgrad.compile(model)
    x = graphgrad.ones(1, 2)
    with graphgrad.no_grad():
        for _ in range(3):
            f(x)
        assert replayed(f._compiled_call)
        ADDITIONS[added](model)
        assert f(x).tolist() == model(x).tolist()
        assert f(x).tolist() == model(x).tolist()
    assert _entries(f) == 2


class _PlainTensor(graphgrad.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = graphgrad.nn.Linear(2, 2)
        self.mask = graphgrad.tensor([1.0, 0.0])  # not a buffer: a plain attribute

    def forward(self, x):
        return self.lin(x) * self.mask


def test_a_tensor_kept_as_a_plain_module_attribute_is_read_live():
    # it replays (it ran eagerly: "a tensor computed outside the operations"), a write into
    # it is seen, rebinding it to another tensor of its shape replays reading that one, and
    # one of another shape records again
    model = _PlainTensor()
    f = graphgrad.compile(model)
    x = graphgrad.ones(1, 2)
    with graphgrad.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            assert f(x).tolist() == model(x).tolist()
        assert replayed(f._compiled_call)
        model.mask.mul_(3)
        assert f(x).tolist() == model(x).tolist()
        model.mask = graphgrad.tensor([0.0, 2.0])
        assert f(x).tolist() == model(x).tolist() == (model.lin(x) * model.mask).tolist()
        assert f(x)[0, 0].item() == 0.0
        assert _entries(f) == 1
        model.mask = graphgrad.tensor([[1.0, 1.0]])
        assert f(x).tolist() == model(x).tolist()
    assert _entries(f) == 2


class _TupleState(graphgrad.nn.Module):
    def __init__(self, keep: bool = False):
        super().__init__()
        self.lstm = graphgrad.nn.LSTM(3, 4)
        self.hidden = (graphgrad.zeros(1, 1, 4), graphgrad.zeros(1, 1, 4))
        self.keep = keep

    def forward(self, x):
        out, hidden = self.lstm(x, self.hidden)
        if self.keep:  # (truncated backpropagation through time)
            self.hidden = tuple(t.detach() for t in hidden)
        return out.sum()


def test_tensors_in_a_tuple_module_attribute_are_read_live():
    # ``self.hidden = (h, c)`` (the sequence-models tutorial): it ran eagerly ("a tensor
    # computed outside the operations"); now it replays, a write into it is seen, rebinding
    # it to tensors of the same shapes replays, and to another shape records again
    model = _TupleState()
    f = graphgrad.compile(model)
    x = graphgrad.randn(2, 1, 3)

    def both():
        model.zero_grad()
        got = f(x)
        got.backward()
        grads = [p.grad.tolist() for p in model.parameters()]
        model.zero_grad()
        want = model(x)
        want.backward()
        assert (got.item(), grads) == (want.item(), [p.grad.tolist() for p in model.parameters()])

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            both()
        assert replayed(f._compiled_call)
        model.hidden[0].add_(0.5)
        both()
        model.hidden = (graphgrad.ones(1, 1, 4), graphgrad.zeros(1, 1, 4))
        both()
        assert _entries(f) == 1
        model.hidden = (graphgrad.ones(1, 2, 4), graphgrad.zeros(1, 2, 4))
        x = graphgrad.randn(2, 2, 3)
        both()
        model.hidden = (graphgrad.ones(1, 1, 4),)  # (a tuple of another length)
        with pytest.raises(IndexError):  # (the eager call that records raises, as torch's)
            f(x)
    assert _entries(f) == 2


def test_a_forward_that_rebinds_its_tuple_state_replays():
    # ``self.hidden = tuple(t.detach() for t in hidden)`` in the forward (truncated
    # backpropagation through time): it ran eagerly (a Python side effect); the replay
    # rebinds the attribute to its own tensors, and the next call reads them
    runs = []
    for compiled in (False, True):
        graphgrad.manual_seed(0)
        model = _TupleState(keep=True)
        f = graphgrad.compile(model) if compiled else model
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            losses = [f(graphgrad.randn(2, 1, 3)).item() for _ in range(5)]
        runs.append((losses, [t.tolist() for t in model.hidden]))
        assert type(model.hidden) is tuple and model.hidden[0].grad_fn is None
    assert runs[0] == runs[1]
    assert replayed(f._compiled_call) and _entries(f) == 1


@dataclasses.dataclass
class _Config:
    temperature: float = 1.0


class _Tempered(graphgrad.nn.Module):
    def __init__(self, config):
        super().__init__()
        self.lin = graphgrad.nn.Linear(2, 2)
        self.config = config

    def forward(self, x):
        return self.lin(x) / self.config.temperature


CONFIG = types.SimpleNamespace(temperature=1.0)


@pytest.mark.parametrize("where", ["module attribute", "global", "argument"])
def test_a_config_objects_attribute_is_guarded(where):
    # ``cfg.temperature`` changed after the check: replays kept the old one
    config = {"module attribute": _Config(), "global": CONFIG, "argument": argparse.Namespace()}[
        where
    ]
    config.temperature = 1.0
    model = _Tempered(config if where == "module attribute" else _Config())
    if where == "global":
        f = graphgrad.compile(lambda x: model(x) * CONFIG.temperature)
        call, want = (lambda x: f(x)), (lambda x: model(x) * CONFIG.temperature)
    elif where == "argument":
        f = graphgrad.compile(lambda x, cfg: model(x) * cfg.temperature)
        call, want = (lambda x: f(x, config)), (lambda x: model(x) * config.temperature)
    else:
        f = graphgrad.compile(model)
        call, want = f, model
    x = graphgrad.ones(1, 2)
    with graphgrad.no_grad():
        for _ in range(3):
            call(x)
        config.temperature = 4.0
        assert call(x).tolist() == want(x).tolist()
    CONFIG.temperature = 1.0


def _scaled(x, scale=1.0):
    return x * scale


_z = graphgrad.zeros
REASONS = {
    "shape": ((_z(2),), (_z(3),), "argument x's shape is (3,), recorded as (2,)"),
    "dtype": (
        (_z(2),),
        (_z(2, dtype=graphgrad.float64),),
        "argument x's dtype is torch.float64, recorded as torch.float32",
    ),
    "requires_grad": (
        (_z(2),),
        (_z(2, requires_grad=True),),
        "argument x's requires_grad is True, recorded as False",
    ),
    "number": (
        (_z(2), 2.0),
        (_z(2), 3.0),
        "argument scale is 3.0, recorded as 2.0 (a Python number or string argument is part "
        "of the key: one that changes at each call, such as a step count, records again each "
        "time)",
    ),
}


@pytest.mark.parametrize("case", REASONS)
def test_the_recompile_limit_warning_says_what_changed(monkeypatch, case):
    # PyTorch's "last reason": what the call that matched no recording differed in
    monkeypatch.setattr(graphgrad._dynamo.config, "recompile_limit", 1)
    first, second, reason = REASONS[case]
    f = graphgrad.compile(_scaled)
    f(*first)
    with pytest.warns(UserWarning) as caught:
        assert f(*second).tolist() == _scaled(*second).tolist()
    assert str(caught[0].message) == (
        "graphgrad.compile: _scaled was recorded 1 time (recompile limit); calls that match "
        f"none of the recordings run eagerly. Last reason: {reason}"
    )


def test_the_recompile_limit_warning_names_grad_mode_and_guards(monkeypatch):
    monkeypatch.setattr(graphgrad._dynamo.config, "recompile_limit", 1)
    model = _Scaled()
    f = graphgrad.compile(model)
    x = graphgrad.ones(1, 2)
    f(x)
    with pytest.warns(UserWarning, match="Last reason: grad mode is off, recorded as on"):
        with graphgrad.no_grad():
            f(x)
    f = graphgrad.compile(model)
    f(x)
    model.tau = 7.0
    with pytest.warns(UserWarning, match=r"Last reason: _Scaled\.tau is not 1\.0 any more$"):
        assert f(x).tolist() == model(x).tolist()


class _Reads(graphgrad.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = graphgrad.nn.Linear(2, 2)
        self.tau = 1.0
        self.mask = graphgrad.ones(2)

    def forward(self, x):
        return self.lin(x) / self.tau * self.mask * FACTOR


FACTOR = 2.0

GUARD_REASONS = {
    "attribute": (lambda m: setattr(m, "tau", 0.5), "_Reads.tau is not 1.0 any more"),
    "tensor attribute": (
        lambda m: setattr(m, "mask", graphgrad.zeros(1, 2)),
        "_Reads.mask holds a tensor of another shape, dtype or requires_grad, or with a graph",
    ),
    "global": (lambda m: globals().update(FACTOR=3.0), "global FACTOR is not 2.0 any more"),
    "mode": (lambda m: m.eval(), "_Reads.training changed"),
    "submodule": (
        lambda m: setattr(m, "lin", graphgrad.nn.Linear(2, 2)),
        "_Reads.lin was replaced",
    ),
    "parameter": (
        lambda m: setattr(m.lin, "bias", graphgrad.nn.Parameter(graphgrad.ones(2))),
        "Linear.bias was replaced",
    ),
    "hook": (lambda m: m.register_forward_pre_hook(lambda *a: None), "a hook was registered"),
}


@pytest.mark.parametrize("case", GUARD_REASONS)
def test_the_recompile_limit_warning_names_the_guard_that_failed(monkeypatch, case):
    monkeypatch.setattr(graphgrad._dynamo.config, "recompile_limit", 1)
    monkeypatch.setitem(globals(), "FACTOR", 2.0)
    change, reason = GUARD_REASONS[case]
    model = _Reads()
    f = graphgrad.compile(model)
    x = graphgrad.ones(1, 2)
    f(x)
    change(model)
    with pytest.warns(UserWarning) as caught:
        assert f(x).tolist() == model(x).tolist()
    assert str(caught[0].message).endswith(f"Last reason: {reason}")


def test_the_recompile_limit_warning_names_a_closure_variable(monkeypatch):
    monkeypatch.setattr(graphgrad._dynamo.config, "recompile_limit", 1)
    scale = 1.0
    f = graphgrad.compile(lambda x: x * scale)
    f(graphgrad.ones(1))
    scale = 2.0
    with pytest.warns(
        UserWarning, match="Last reason: closure variable scale is not 1.0 any more$"
    ):
        assert f(graphgrad.ones(1)).tolist() == [scale]


def test_compile_signature_and_decorator_forms():
    @graphgrad.compile(fullgraph=True, mode="max-autotune")
    def f(x):
        return x.relu()

    assert f(graphgrad.tensor([-1.0, 1.0])).tolist() == [0.0, 1.0]
    assert f.__name__ == "f"
    g = lambda x: x  # noqa: E731
    assert graphgrad.compile(g, disable=True) is g
    with pytest.raises(RuntimeError, match="Either mode or options"):
        graphgrad.compile(g, mode="default", options={})
    m = graphgrad.compile(graphgrad.nn.Linear(2, 3))
    assert isinstance(m, graphgrad.nn.Module) and m.in_features == 2
    assert [n for n, _ in m.named_parameters()] == ["_orig_mod.weight", "_orig_mod.bias"]


def test_a_guard_that_cannot_be_evaluated_fails_and_the_call_runs_as_eagerly():
    def make():
        scale = 2.0
        f = graphgrad.compile(lambda x: x * scale)

        def forget():
            nonlocal scale
            del scale

        return f, forget

    f, forget = make()
    x = graphgrad.ones(2)
    assert [f(x).tolist() for _ in range(3)][-1] == [2.0, 2.0]
    forget()  # the closure's cell is empty: its guard raises, the call runs (and fails) eagerly
    with pytest.raises(NameError, match="scale"):
        f(x)


def test_hooks_registered_after_the_recording_run():
    # a replay runs none of the Python around the ops: a hook registered later records again
    # (and the recording sees it: the call runs eagerly, the hook at every call)
    model = graphgrad.nn.Sequential(graphgrad.nn.Linear(2, 3), graphgrad.nn.ReLU())
    opt = graphgrad.optim.SGD(model.parameters(), lr=0.1)

    def step(x):
        opt.zero_grad()
        model(x).sum().backward()
        opt.step()

    f = graphgrad.compile(step)
    x = graphgrad.ones(1, 2)
    for _ in range(3):
        f(x)
    forward, grads = [], []
    model[1].register_forward_hook(lambda m, i, o: forward.append(1))
    model[0].weight.register_hook(lambda g: grads.append(1))
    with pytest.warns(UserWarning, match="runs eagerly"):
        for _ in range(3):
            f(x)
    assert len(forward) == len(grads) == 3


step = 0  # a module global named as the optimizer's method (makemore's loop counter)


def test_a_global_named_as_an_attribute_the_call_reads_is_not_guarded():
    # ``optimizer.step()`` put ``step`` among the names the guards read as globals: with a
    # loop counter of that name, every call recorded again and none replayed
    global step
    model = graphgrad.nn.Linear(2, 1)
    optimizer = graphgrad.optim.SGD(model.parameters(), lr=0.1)

    def train_step(x):
        optimizer.zero_grad()
        loss = model(x).square().mean()
        loss.backward()
        optimizer.step()
        return loss

    f = graphgrad.compile(train_step)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for step in range(5):  # noqa: B007 (the global this test is about)
            f(graphgrad.ones(3, 2))
    assert _entries(f) == 1 and replayed(f)


# -- Python values a call reads where discovery looked only one level deep, or not at all:
# each replayed the recorded value after it changed (after the check, which compares the
# first two calls only), a silent wrong result


class _ClassValue(graphgrad.nn.Module):
    scale = 2.0  # a class attribute, read as ``self.scale``

    def forward(self, x):
        return x * self.scale


class _PrivateValue(graphgrad.nn.Module):
    def __init__(self):
        super().__init__()
        self._scale = 2.0

    def forward(self, x):
        return x * self._scale


class _ModuleValue(graphgrad.nn.Module):
    def forward(self, x):
        return x * _settings.SCALE


HELPER_SCALES = [2.0]


class _HelperValue(graphgrad.nn.Module):
    @property
    def scale(self):  # (a property and a helper method read globals, as forward does)
        return HELPER_SCALES[0]

    def helper(self, x):
        return x * self.scale

    def forward(self, x):
        return self.helper(x)


class _CallableValue:
    def __init__(self):
        self.scale = 2.0

    def __call__(self, x):
        return x * self.scale


class _ArrayValue(graphgrad.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = np.array([2.0, 2.0], np.float32)

    def forward(self, x):
        return x * graphgrad.from_numpy(self.w)


@dataclasses.dataclass(frozen=True)
class _Frozen:
    scale: float = 2.0


class _ReplacedValues(graphgrad.nn.Module):
    def __init__(self):
        super().__init__()
        self.cfg = _Frozen()
        self.double = _double

    def forward(self, x):
        return self.double(x) * self.cfg.scale / 2


def _double(x):
    return x * 2


def _by_default(x, cfg={"scale": 2.0}):  # noqa: B006 - a mutable default, on purpose
    return x * cfg["scale"]


NESTED_LIST = [[2.0]]
NESTED_DICT = {"a": {"b": 2.0}}
NESTED_OBJECT = types.SimpleNamespace(inner=types.SimpleNamespace(k=2.0))

PYTHON_VALUES = {
    "class attribute": (_ClassValue, lambda m: setattr(_ClassValue, "scale", 3.0)),
    "private attribute": (_PrivateValue, lambda m: setattr(m, "_scale", 3.0)),
    "a module's value": (_ModuleValue, lambda m: setattr(_settings, "SCALE", 3.0)),
    "a module's function's global": (
        lambda: lambda x: _settings.scaled(x),
        lambda m: _settings.FACTORS.__setitem__(0, 3.0),
    ),
    "global read by a property": (_HelperValue, lambda m: HELPER_SCALES.__setitem__(0, 3.0)),
    "callable object's attribute": (_CallableValue, lambda m: setattr(m, "scale", 3.0)),
    "a NumPy array attribute rebound": (
        _ArrayValue,
        lambda m: setattr(m, "w", np.array([3.0, 3.0], np.float32)),
    ),
    "a data object attribute replaced": (
        _ReplacedValues,
        lambda m: setattr(m, "cfg", _Frozen(3.0)),
    ),
    "a function attribute replaced": (
        _ReplacedValues,
        lambda m: setattr(m, "double", lambda x: x * 3),
    ),
    "a mutable default argument": (
        lambda: _by_default,
        lambda m: _by_default.__defaults__[0].__setitem__("scale", 3.0),
    ),
    "list in a list": (
        lambda: lambda x: x * NESTED_LIST[0][0],
        lambda m: NESTED_LIST[0].__setitem__(0, 3.0),
    ),
    "dict in a dict": (
        lambda: lambda x: x * NESTED_DICT["a"]["b"],
        lambda m: NESTED_DICT["a"].__setitem__("b", 3.0),
    ),
    "object in an object": (
        lambda: lambda x: x * NESTED_OBJECT.inner.k,
        lambda m: setattr(NESTED_OBJECT.inner, "k", 3.0),
    ),
}


@pytest.fixture
def restored_values():
    saved = (_ClassValue.scale, _settings.SCALE, list(HELPER_SCALES))
    yield
    _ClassValue.scale, _settings.SCALE, HELPER_SCALES[:] = saved
    _settings.FACTORS[0] = 2.0
    _by_default.__defaults__[0]["scale"] = 2.0
    NESTED_LIST[0][0] = NESTED_DICT["a"]["b"] = NESTED_OBJECT.inner.k = 2.0


@pytest.mark.parametrize("case", PYTHON_VALUES)
def test_a_python_value_changed_after_the_check_records_again(case, restored_values):
    make, change = PYTHON_VALUES[case]
    fn = make()
    f = graphgrad.compile(fn)
    x = graphgrad.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [f(x).tolist() for _ in range(3)] == [[2.0, 2.0]] * 3
        assert replayed(f.__dict__.get("_compiled_call", f))
        change(fn)
        assert f(x).tolist() == fn(x).tolist() == [3.0, 3.0]
        assert f(x).tolist() == [3.0, 3.0]
    assert _entries(f) == 2


class _Trainer:
    """A trainer object of the user's: the loop counts ``iter_num`` and keeps ``losses``;
    the compiled step reads ``model``, ``opt`` and ``scale`` (``name`` read by ``getattr``)."""

    def __init__(self, read_dict: bool = False):
        graphgrad.manual_seed(0)
        self.model = graphgrad.nn.Linear(3, 1)
        self.opt = graphgrad.optim.SGD(self.model.parameters(), lr=0.1)
        self.iter_num, self.losses, self.scale, self.extra = 0, [], 1.0, 1.0
        self.name, self.read_dict = "extra", read_dict

    def step(self, x, y):
        self.opt.zero_grad()
        scale = self.scale * getattr(self, self.name)
        if self.read_dict:
            scale *= len(self.__dict__)  # (reads every attribute)
        loss = ((self.model(x) - y) ** 2).mean() * scale
        loss.backward()
        self.opt.step()
        return loss


def _run_trainer(trainer, step, changes: dict) -> list:
    x, y = graphgrad.ones(4, 3), graphgrad.zeros(4, 1)
    out = []
    for i in range(8):
        for k, v in changes.get(i, {}).items():
            setattr(trainer, k, v)
        out.append(step(x, y).item())
        trainer.iter_num += 1
        trainer.losses.append(out[-1])
    return out


@pytest.mark.parametrize(
    "changes, recordings",
    [
        ({}, 1),  # (``iter_num`` and ``losses`` change at every call, unread: recorded once)
        ({4: {"scale": 2.0}}, 2),  # (read: records again)
        ({4: {"extra": 3.0}}, 2),  # (read by ``getattr`` with a name it computed)
        ({4: {"name": "scale"}}, 2),
    ],
)
def test_a_trainers_attributes_are_guarded_where_the_step_reads_them(changes, recordings):
    # every public attribute of the trainer was guarded: its loop counter made each call
    # record again, up to the recompile limit (minGPT's ``Trainer.iter_num``)
    eager = _run_trainer(t := _Trainer(), t.step, changes)
    trainer = _Trainer()
    f = graphgrad.compile(trainer.step)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _run_trainer(trainer, f, changes) == eager
    assert replayed(f) and _entries(f) == recordings
    assert "__getattribute__" not in vars(_Trainer)  # (watched during the recording only)


def test_a_step_reading_the_objects_dict_guards_every_attribute():
    trainer = _Trainer(read_dict=True)
    f = graphgrad.compile(trainer.step)
    x, y = graphgrad.ones(4, 3), graphgrad.zeros(4, 1)
    for _ in range(3):
        f(x, y)
    trainer.iter_num += 1  # (a value the step did not name, but reached through __dict__)
    f(x, y)
    assert _entries(f) == 2


class _Holder:
    pass


def test_an_attribute_the_call_adds_to_an_object_is_set_by_every_call():
    # ``trainer.loss = ...`` in the step, where the trainer had no ``loss`` yet: nothing saw
    # the new attribute, and the replays left the first call's loss there
    holder = _Holder()
    w = graphgrad.ones(2, requires_grad=True)

    def step(x):
        holder.loss = (w * x).sum()
        holder.count = 1

    f = graphgrad.compile(step)
    losses = []
    for i in range(5):
        f(graphgrad.full((2,), float(i)))
        losses.append(holder.loss.item())
    assert losses == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert replayed(f)
    holder.extra = 1.0  # (one added between calls: the call may test for it)
    f(graphgrad.ones(2))
    assert _entries(f) == 2


class _NoClassAttributes(type):
    def __setattr__(cls, name, value):
        raise TypeError("this class takes no new attributes")


class _Sealed(metaclass=_NoClassAttributes):
    def __init__(self):
        self.k = 2.0


def test_an_object_whose_class_cannot_be_watched_has_every_attribute_guarded():
    sealed = _Sealed()
    f = graphgrad.compile(lambda x: x * sealed.k)
    assert [f(graphgrad.ones(1)).tolist() for _ in range(3)] == [[2.0]] * 3
    sealed.k = 3.0
    assert f(graphgrad.ones(1)).tolist() == [3.0]


class _Scale:
    def __init__(self) -> None:
        self.k = 2.0


def test_recordings_overlapping_in_threads_put_every_class_back():
    # thread A records, then thread B records a step reading the same class's object, and A
    # finishes first. Before, A's end took B's spy away (B's reads went unnoted), and B's
    # end put A's spy back for good: every later ``scale.k``, on any thread, went through it
    # into the set of a recording long finished. (Queues without a ``__dict__`` sync the two,
    # so that B's recording is kept: an ``Event`` set during it is a side effect)
    scale, w = _Scale(), graphgrad.ones(1, requires_grad=True)
    opt = graphgrad.optim.SGD([w], lr=0.1)
    a_in, b_in, a_out = threading.Event(), queue.SimpleQueue(), queue.SimpleQueue()

    def step_a(x):
        a_in.set()
        b_in.get(timeout=10)
        return x * scale.k * opt.param_groups[0]["lr"]

    def step_b(x):
        b_in.put(1)
        a_out.get(timeout=10)
        return x * scale.k

    fa, fb = graphgrad.compile(step_a), graphgrad.compile(step_b)

    def run_a():
        fa(graphgrad.ones(1))
        for _ in range(9):  # (one for each call of ``step_b`` below)
            a_out.put(1)

    threads = [
        threading.Thread(target=run_a),
        threading.Thread(target=fb, args=(graphgrad.ones(1),)),
    ]
    threads[0].start()
    a_in.wait(10)
    threads[1].start()
    for t in threads:
        t.join(10)
    assert fb.recordings == 1 and _entries(fb) == 1
    assert "__getattribute__" not in vars(_Scale)
    assert "__getitem__" not in vars(graphgrad.optim.optimizer.ParamGroup)
    assert [fb(graphgrad.ones(1)).tolist() for _ in range(3)] == [[2.0]] * 3
    assert replayed(fb) and fb.recordings == 1
    scale.k = 3.0
    assert fb(graphgrad.ones(1)).tolist() == [3.0]
