"""Tensors kept between calls in a module's attributes, a global or a closure variable (a
recurrent model's hidden state): read where they are at each replay, and rebound by the
replay where the call rebinds them."""

from __future__ import annotations

import types
import warnings

import numpy as np
import pytest

import graphgrad
from graphgrad import nn

from ._helpers import bits, replayed


class _ResetOutside(nn.Module):
    """The LSTM of a widely copied time-series tutorial: the loop sets ``hidden_cell`` to
    zeros before each call, and the forward rebinds it to the LSTM's state, with its graph."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 8)
        self.linear = nn.Linear(8, 1)
        self.hidden_cell = (graphgrad.zeros(1, 1, 8), graphgrad.zeros(1, 1, 8))

    def forward(self, seq):
        out, self.hidden_cell = self.lstm(seq.view(len(seq), 1, -1), self.hidden_cell)
        return self.linear(out.view(len(seq), -1))[-1]

    def reset(self):
        self.hidden_cell = (graphgrad.zeros(1, 1, 8), graphgrad.zeros(1, 1, 8))


class _Carried(nn.Module):
    """A hidden state carried from call to call, detached in the forward."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 5, batch_first=True)
        self.fc = nn.Linear(5, 2)
        self.hidden = graphgrad.zeros(1, 4, 5)

    def forward(self, x):
        out, h = self.rnn(x, self.hidden)
        self.hidden = h.detach()
        return self.fc(out[:, -1])

    def reset(self):
        pass


def _train(cls, mode: str, data: list) -> tuple:
    """Adam on ``cls`` over ``data``: eagerly, with the model compiled or with the whole step
    compiled. Returns the bits of the losses, the parameters and the hidden state, and the
    compiled callable."""
    graphgrad.manual_seed(0)
    model = cls()
    opt = graphgrad.optim.Adam(model.parameters(), lr=0.01)
    forward = graphgrad.compile(model) if mode == "model" else model

    def step(x, y):
        opt.zero_grad()
        model.reset()
        loss = ((forward(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    if mode == "step":
        step = graphgrad.compile(step)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no fallback, no recompile limit)
        losses = [bits(step(x, y)) for x, y in data]
    hidden = getattr(model, "hidden_cell", None) or model.hidden
    compiled = {"model": forward, "step": step}.get(mode)
    return (losses, bits(list(model.parameters())), bits(hidden)), compiled


@pytest.mark.parametrize("mode", ["model", "step"])
@pytest.mark.parametrize(
    "cls, shapes", [(_ResetOutside, [(12,), (1,)]), (_Carried, [(4, 6, 3), (4, 2)])]
)
def test_attribute_state_rebound_by_the_loop_or_the_forward_replays(cls, shapes, mode):
    # both ran into the recompile limit ("the call changed _ResetOutside.hidden_cell"), eagerly
    graphgrad.manual_seed(1)
    data = [tuple(graphgrad.randn(*s) for s in shapes) for _ in range(6)]
    want, _ = _train(cls, "eager", data)
    got, compiled = _train(cls, mode, data)
    assert got == want
    call = compiled.__dict__.get("_compiled_call", compiled)
    assert replayed(call)
    assert sum(len(v) for v in call.cache.values()) == 1


def test_the_replay_rebinds_the_state_to_tensors_with_the_graph_of_the_call():
    # compiled alone, the rebound LSTM state leaves the call with its graph, as eagerly: a
    # backward through it reaches the weights
    grads = []
    for compiled in (False, True):
        graphgrad.manual_seed(0)
        model = _ResetOutside()
        forward = graphgrad.compile(model) if compiled else model
        seq = graphgrad.randn(12)
        for _ in range(4):
            model.zero_grad()
            model.reset()
            out = forward(seq)
            h, c = model.hidden_cell
            assert h.requires_grad and h.grad_fn is not None
            (out.sum() + 2 * c.sum()).backward()
        grads.append(bits([p.grad for p in model.parameters()]))
    assert grads[0] == grads[1]
    assert replayed(forward._compiled_call)
    assert type(h.grad_fn).__name__ == "CompiledFunctionBackward"


class _Optional(nn.Module):
    def __init__(self):
        super().__init__()
        self.mask = graphgrad.ones(2)

    def forward(self, x):
        return x * 2 if self.mask is not None else x  # (reads the attribute in Python only)


def test_attribute_state_set_to_none_records_again():
    # the replay kept doubling after ``model.mask = None`` (nothing guarded an attribute
    # tensor that no op read)
    model = _Optional()
    f = graphgrad.compile(model)
    x = graphgrad.ones(2)
    for _ in range(3):
        assert f(x).tolist() == [2.0, 2.0]
    model.mask = None
    assert f(x).tolist() == model(x).tolist() == [1.0, 1.0]


def test_the_recompile_limit_names_attribute_state_of_another_form(monkeypatch):
    monkeypatch.setattr(graphgrad._dynamo.config, "recompile_limit", 1)
    model = _Optional()
    f = graphgrad.compile(model)
    f(graphgrad.ones(2))
    model.mask = None
    with pytest.warns(UserWarning, match="Last reason: _Optional.mask is not a Tensor any more$"):
        f(graphgrad.ones(2))


class _Alias(nn.Module):
    """Attribute tensors that alias other state: the weight's array, a gradient."""

    def __init__(self, of_grad: bool):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        if of_grad:
            self.lin(graphgrad.ones(1, 2)).sum().backward()
            self.alias = self.lin.weight.grad
        else:
            self.alias = self.lin.weight.detach()  # (the very array of the weight)

    def forward(self, x):
        return self.lin(x) + self.alias.sum()


@pytest.mark.parametrize("of_grad", [False, True])
def test_attribute_state_aliasing_other_state_stays_guarded_by_identity(of_grad):
    # the program read the weight through ``alias``: rebinding ``alias`` changed the weight
    # a replay used (silently, before this was guarded)
    model = _Alias(of_grad)
    f = graphgrad.compile(model)
    x = graphgrad.ones(1, 2)
    with graphgrad.no_grad():
        for _ in range(3):
            assert f(x).tolist() == model(x).tolist()
        assert replayed(f._compiled_call)
        model.alias = graphgrad.zeros(2, 2)
        assert f(x).tolist() == model(x).tolist() == model.lin(x).tolist()


class _Knobs(nn.Module):
    """A forward that reads Python values and attribute state of every kind guarded."""

    level = 1.0  # (a class attribute)

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)
        self.public, self._private = 1.0, 1.0
        self.table = {"a": {"b": 1.0}}
        self.config = types.SimpleNamespace(inner=types.SimpleNamespace(k=1.0))
        self.array = np.ones(3, np.float32)
        self.mask = graphgrad.ones(3)
        self.state = (graphgrad.zeros(3), graphgrad.zeros(3))
        self.act = graphgrad.tanh

    def forward(self, x):
        scale = self.public * self._private * type(self).level * self.table["a"]["b"]
        h = self.act(self.lin(x) * scale * self.config.inner.k)
        h = h * graphgrad.from_numpy(self.array) * self.mask + self.state[0]
        self.state = (h.detach(), self.state[1])
        return h.sum()


_CHANGES = [
    lambda ms, v: [setattr(m, "public", v) for m in ms],
    lambda ms, v: [setattr(m, "_private", v) for m in ms],
    lambda ms, v: setattr(_Knobs, "level", v),
    lambda ms, v: [m.table["a"].__setitem__("b", v) for m in ms],
    lambda ms, v: [setattr(m.config.inner, "k", v) for m in ms],
    lambda ms, v: [setattr(m, "array", np.full(3, v, np.float32)) for m in ms],
    lambda ms, v: [m.array.__setitem__(0, v) for m in ms],
    lambda ms, v: [setattr(m, "mask", graphgrad.full((3,), v)) for m in ms],
    lambda ms, v: [m.mask.fill_(v) for m in ms],
    lambda ms, v: [setattr(m, "state", (graphgrad.full((3,), v), m.state[1])) for m in ms],
    lambda ms, v: [setattr(m, "act", graphgrad.sigmoid if v > 1 else graphgrad.tanh) for m in ms],
]


@pytest.mark.parametrize("seed", range(8))
def test_values_changed_between_calls_at_random_give_eager_results(seed):
    # each kind of value a forward reads, changed between calls in a random order: every
    # call's result and state are eager's bits (a replay, a new recording, or eager past
    # the recompile limit)
    rng = np.random.default_rng(seed)
    try:
        twins = []
        for _ in range(2):
            graphgrad.manual_seed(0)
            twins.append(_Knobs())
        eager, model = twins
        f = graphgrad.compile(model)
        x = graphgrad.randn(2, 3)
        with graphgrad.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (the recompile limit, when many changes)
            for _ in range(14):
                if rng.random() < 0.4:
                    change = _CHANGES[rng.integers(len(_CHANGES))]
                    change(twins, float(rng.choice([0.5, 1.5, 2.0])))
                assert bits(f(x)) == bits(eager(x))
                assert bits(model.state[0]) == bits(eager.state[0])
        assert replayed(f._compiled_call)
    finally:
        _Knobs.level = 1.0


class _Chained(nn.Module):
    """Truncated backpropagation through time with the state in an attribute: the graph runs
    through several calls (``self.state = cell(x, self.state)``) until the loop detaches it."""

    def __init__(self, lstm: bool):
        super().__init__()
        self.lstm = lstm
        self.cell = nn.LSTMCell(3, 4) if lstm else nn.RNNCell(3, 4)
        self.state = (
            (graphgrad.zeros(2, 4), graphgrad.zeros(2, 4)) if lstm else graphgrad.zeros(2, 4)
        )

    def forward(self, x):
        self.state = self.cell(x, self.state)
        return (self.state[0] if self.lstm else self.state).pow(2).sum()

    def detach_state(self):
        s = self.state
        self.state = tuple(t.detach() for t in s) if self.lstm else s.detach()


@pytest.mark.parametrize("lstm", [False, True])
def test_a_graph_through_attribute_state_across_calls_replays(lstm):
    # the state a call rebinds carries the call's graph into the next call, whose backward
    # hands it its gradient as it hands an argument's (it ran eagerly: "a gradient into a
    # tensor the compiled call made or reads but not as an argument")
    runs = []
    for compiled in (False, True):
        graphgrad.manual_seed(0)
        model = _Chained(lstm)
        f = graphgrad.compile(model) if compiled else model
        opt = graphgrad.optim.SGD(model.parameters(), lr=0.1)
        losses = []
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for chunk in range(5):
                model.detach_state()
                loss = sum(f(graphgrad.full((2, 3), 0.1 * (chunk + t))) for t in range(3))
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(bits(loss))
        runs.append((losses, bits(list(model.parameters()))))
    assert runs[0] == runs[1]
    flags = [(e.verified, e.eager) for v in f._compiled_call.cache.values() for e in v]
    assert flags == [(True, False), (True, False)]  # (the state without, then with a graph)


HIDDEN = graphgrad.zeros(1, 2, 4)


def _global_state_step():
    """A step that keeps the hidden state in a global (``global HIDDEN``), as notebooks do."""
    graphgrad.manual_seed(0)
    rnn, head = nn.RNN(3, 4, batch_first=True), nn.Linear(4, 1)
    opt = graphgrad.optim.SGD([*rnn.parameters(), *head.parameters()], lr=0.1)

    def step(x, y):
        global HIDDEN
        opt.zero_grad()
        out, h = rnn(x, HIDDEN)
        HIDDEN = h.detach()
        loss = ((head(out[:, -1]) - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    return step, lambda: HIDDEN


def _closure_state_step():
    """The same with the state in the enclosing function (``nonlocal hidden``)."""
    graphgrad.manual_seed(0)
    rnn, head = nn.RNN(3, 4, batch_first=True), nn.Linear(4, 1)
    opt = graphgrad.optim.SGD([*rnn.parameters(), *head.parameters()], lr=0.1)
    hidden = graphgrad.zeros(1, 2, 4)

    def step(x, y):
        nonlocal hidden
        opt.zero_grad()
        out, hidden = rnn(x, hidden)
        hidden = hidden.detach()
        loss = ((head(out[:, -1]) - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    return step, lambda: hidden


@pytest.mark.parametrize("make", [_global_state_step, _closure_state_step])
def test_state_in_a_global_or_a_closure_rebound_by_the_step_replays(make):
    # it ran into the recompile limit ("the call changed global HIDDEN"), eagerly
    global HIDDEN
    data = [(graphgrad.randn(2, 5, 3), graphgrad.randn(2, 1)) for _ in range(6)]
    runs = []
    for compiled in (False, True):
        HIDDEN = graphgrad.zeros(1, 2, 4)
        step, state = make()
        f = graphgrad.compile(step) if compiled else step
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            losses = [bits(f(x, y)) for x, y in data]
        runs.append((losses, bits(state())))
    assert runs[0] == runs[1]
    assert replayed(f) and sum(len(v) for v in f.cache.values()) == 1


# -- plain-Python layers in a list (Karpathy's makemore lectures) --------------------------------
class _Linear:
    def __init__(self, g, fan_in: int, fan_out: int) -> None:
        self.weight = graphgrad.randn((fan_in, fan_out), generator=g) / fan_in**0.5

    def __call__(self, x):
        self.out = x @ self.weight
        return self.out

    def parameters(self) -> list:
        return [self.weight]


class _BatchNorm1d:
    def __init__(self, dim: int) -> None:
        self.gamma, self.beta = graphgrad.ones(dim), graphgrad.zeros(dim)
        self.running_mean, self.running_var = graphgrad.zeros(dim), graphgrad.ones(dim)

    def __call__(self, x):
        xmean, xvar = x.mean(0, keepdim=True), x.var(0, keepdim=True)
        self.out = self.gamma * (x - xmean) / graphgrad.sqrt(xvar + 1e-5) + self.beta
        with graphgrad.no_grad():  # (rebound to tensors made by the call, at every call)
            self.running_mean = 0.9 * self.running_mean + 0.1 * xmean
            self.running_var = 0.9 * self.running_var + 0.1 * xvar
        return self.out

    def parameters(self) -> list:
        return [self.gamma, self.beta]


class _Tanh:
    def __call__(self, x):
        self.out = graphgrad.tanh(x)
        return self.out

    def parameters(self) -> list:
        return []


class _Sequential:
    def __init__(self, layers: list) -> None:
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def test_plain_python_layers_in_a_list_replay():
    # makemore's lectures build the network from classes of their own, kept in a list, and
    # update ``p.data += -lr * p.grad``: before, their weights were not found ("a tensor
    # computed outside the operations"), and every call ran eagerly
    def run(compiled: bool) -> list:
        g = graphgrad.Generator().manual_seed(2147483647)
        emb = graphgrad.randn((27, 4), generator=g)
        model = _Sequential([_Linear(g, 12, 16), _BatchNorm1d(16), _Tanh(), _Linear(g, 16, 27)])
        parameters = [emb] + [p for layer in model.layers for p in layer.parameters()]
        for p in parameters:
            p.requires_grad = True

        def step(xb, yb, lr):
            logits = model(emb[xb].view(xb.shape[0], -1))
            loss = graphgrad.nn.functional.cross_entropy(logits, yb)
            for p in parameters:
                p.grad = None
            loss.backward()
            for p in parameters:
                p.data += -lr * p.grad
            return loss

        f = graphgrad.compile(step) if compiled else step
        losses = []
        for i in range(8):
            xb = graphgrad.randint(0, 27, (16, 3), generator=g)
            yb = graphgrad.randint(0, 27, (16,), generator=g)
            losses.append(f(xb, yb, 0.1 if i < 5 else 0.01).item())
        assert not compiled or replayed(f)
        bn = model.layers[1]
        return [losses, *map(bits, parameters), bits(bn.running_mean), bits(bn.running_var)]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(True) == run(False)


def test_a_plain_python_model_of_layers_in_a_list_compiles():
    # (the model alone: each layer's ``self.out`` is a result with a graph, and a compiled
    # model returns three at most, so only the last layer here keeps one)
    class Scale:
        def __init__(self, w):
            self.weight = w

        def __call__(self, x):
            return x @ self.weight

    w = graphgrad.ones(4, 3, requires_grad=True)
    model = graphgrad.compile(_Sequential([Scale(w), _Tanh()]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outs = [model(graphgrad.full((2, 4), i / 10)) for i in range(4)]
    assert replayed(model)
    outs[-1].sum().backward()
    want = [6 * np.tanh(np.float32(0.4) * i) for i in range(4)]
    assert [o.sum().item() for o in outs] == pytest.approx(want, rel=1e-6)
    assert w.grad.sum().item() == pytest.approx(12 * 0.6 * (1 - np.tanh(1.2) ** 2), rel=1e-6)
