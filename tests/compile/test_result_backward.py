"""A compiled call whose result's backward runs after it (``model = torch.compile(model)``, then
``loss.backward()`` outside): replays give the result a ``CompiledFunctionBackward`` that runs
the recorded backward of the call's graph, and training gives eager's bits."""

import re
import warnings

import numpy as np
import pytest

import graphgrad
from graphgrad.autograd.node import _sequence
from graphgrad.compile import api
from graphgrad.viz import make_dot

nn = graphgrad.nn
F = nn.functional

MODELS = {
    "mlp": (lambda: nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3)), (8, 4)),
    "dropout": (
        lambda: nn.Sequential(nn.Linear(4, 16), nn.Dropout(0.3), nn.GELU(), nn.Linear(16, 3)),
        (8, 4),
    ),
    "batchnorm": (
        lambda: nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3)),
        (8, 4),
    ),
    "layernorm": (
        lambda: nn.Sequential(nn.Linear(4, 16), nn.LayerNorm(16), nn.SiLU(), nn.Linear(16, 3)),
        (8, 4),
    ),
    "cnn": (
        lambda: nn.Sequential(
            nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(36, 3)
        ),
        (8, 1, 8, 8),
    ),
}


def _train(make, shape, compiled: bool, opt_cls, input_grad: bool = False) -> tuple:
    """Six steps of a loop that compiles the model only; every value it leaves, as bytes."""
    graphgrad.manual_seed(0)
    model = make()
    forward = graphgrad.compile(model) if compiled else model
    opt = opt_cls(model.parameters(), lr=0.01)
    gen = graphgrad.Generator().manual_seed(1)
    seen = []
    for _ in range(6):
        x = graphgrad.randn(*shape, generator=gen).requires_grad_(input_grad)
        y = graphgrad.randint(0, 3, (shape[0],), generator=gen)
        opt.zero_grad()
        loss = F.cross_entropy(forward(x), y)
        loss.backward()
        opt.step()
        seen.append(loss.detach().numpy().tobytes())
        if input_grad:
            seen.append(x.grad.numpy().tobytes())
    state = [t.detach().numpy().tobytes() for t in (*model.parameters(), *model.buffers())]
    return seen, state, type(forward(x).grad_fn).__name__


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("opt_cls", [graphgrad.optim.SGD, graphgrad.optim.Adam])
def test_a_compiled_model_trains_to_eager_bits(name, opt_cls):
    make, shape = MODELS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback
        eager = _train(make, shape, False, opt_cls)
        compiled = _train(make, shape, True, opt_cls)
    assert compiled[:2] == eager[:2]
    assert compiled[2] == "CompiledFunctionBackward"


def test_the_gradient_of_an_argument_that_requires_grad():
    make, shape = MODELS["mlp"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eager = _train(make, shape, False, graphgrad.optim.SGD, input_grad=True)
        compiled = _train(make, shape, True, graphgrad.optim.SGD, input_grad=True)
    assert compiled[:2] == eager[:2]


def _replaying(f, *args):
    for _ in range(3):
        out = f(*args)
    assert type(out.grad_fn).__name__ == "CompiledFunctionBackward"
    return out


def test_an_argument_with_a_graph_from_before_the_call():
    graphgrad.manual_seed(0)
    lin = nn.Linear(3, 2)
    f = graphgrad.compile(lin)
    x = graphgrad.randn(4, 3)
    w = graphgrad.tensor([0.5, -1.0, 2.0], requires_grad=True)
    _replaying(f, x * w)
    w.grad = None
    f(x * w).square().sum().backward()  # into the multiplication made before the call
    ref = w.detach().clone().requires_grad_(True)
    lin(x * ref).square().sum().backward()
    assert np.array_equal(w.grad.numpy(), ref.grad.numpy())


def test_a_step_that_returns_its_loss():
    graphgrad.manual_seed(0)
    lin = nn.Linear(3, 2)
    loss_of = graphgrad.compile(lambda x, y: F.cross_entropy(lin(x), y))
    x, y = graphgrad.randn(4, 3), graphgrad.tensor([0, 1, 1, 0])
    _replaying(loss_of, x, y)
    loss_of(x, y).backward()
    grad = lin.weight.grad.clone()
    lin.weight.grad = None
    F.cross_entropy(lin(x), y).backward()
    assert np.array_equal(grad.numpy(), lin.weight.grad.numpy())


def test_retain_graph_and_a_second_backward():
    lin = nn.Linear(3, 2)
    f = graphgrad.compile(lin)
    x = graphgrad.ones(4, 3)
    total = _replaying(f, x).sum()
    total.backward(retain_graph=True)
    once = lin.weight.grad.clone()
    total.backward()
    assert np.array_equal(lin.weight.grad.numpy(), 2 * once.numpy())
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        total.backward()


def test_double_backward_raises_pytorchs_error():
    lin = nn.Linear(3, 2)
    f = graphgrad.compile(lin)
    out = _replaying(f, graphgrad.ones(4, 3))
    with pytest.raises(RuntimeError, match="does not currently support double backward"):
        graphgrad.autograd.grad(out.sum(), lin.weight, create_graph=True)


def test_leaf_hooks_after_the_call_run_as_eagerly():
    lin = nn.Linear(3, 2)
    f = graphgrad.compile(lin)
    x = graphgrad.ones(4, 3)
    _replaying(f, x)
    seen = []
    lin.weight.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.sum().item()))
    lin.bias.register_hook(lambda g: g * 2)
    f(x).sum().backward()
    assert seen == [24.0] and lin.bias.grad.tolist() == [8.0, 8.0]


def test_a_tensor_hook_on_a_parameter_when_recording_falls_back():
    lin = nn.Linear(3, 2)
    lin.bias.register_hook(lambda g: g * 2)
    f = graphgrad.compile(lin)
    with pytest.warns(UserWarning, match="a hook on a leaf tensor"):
        out = f(graphgrad.ones(4, 3))
    out.sum().backward()
    assert lin.bias.grad.tolist() == [8.0, 8.0]


def test_the_check_compares_the_recorded_backward(monkeypatch):
    monkeypatch.setattr(api, "_same_backward", lambda replayed, eager, start: False)
    lin = nn.Linear(3, 2)
    f = graphgrad.compile(lin)
    x = graphgrad.ones(4, 3)
    f(x)
    with pytest.warns(UserWarning, match="the gradients of the result's backward differed"):
        f(x)
    assert type(f(x).grad_fn).__name__ == "AddmmBackward0"  # eager from then on


def test_the_check_finds_a_backward_that_differs():
    lin = nn.Linear(3, 2)
    f = graphgrad.compile(lin)
    x = graphgrad.ones(4, 3)
    replayed = _replaying(f, x)
    start = next(_sequence)
    eager = lin(x)
    assert api._same_backward(replayed, eager, start)
    node = replayed.grad_fn
    (right,) = node.backwards
    node.backwards = (lambda g: [a + 1 for a in right(g)],)
    assert not api._same_backward(replayed, eager, start)


def test_make_dot_draws_the_replayed_result():
    lin = nn.Linear(3, 2)
    f = graphgrad.compile(lin)
    out = _replaying(f, graphgrad.ones(4, 3))
    source = make_dot(out.sum()).source
    assert "CompiledFunctionBackward" in source and "AddmmBackward0" in source


@pytest.mark.parametrize("written", ["result", "input", "weight"])
def test_writes_in_place_before_the_backward_raise_as_eagerly(written):
    graphgrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2), nn.Sigmoid())  # sigmoid's backward reads its result
    f = graphgrad.compile(model)
    x = graphgrad.ones(4, 3, requires_grad=True)  # so that the weight is read too
    out = _replaying(f, x)
    with graphgrad.no_grad():
        {"result": out, "input": x, "weight": model[0].weight}[written].mul_(2)
    shape = {"result": "4, 2", "input": "4, 3", "weight": "2, 3"}[written]
    with pytest.raises(
        RuntimeError,
        match=rf"modified by an inplace operation: \[torch.FloatTensor \[{shape}\]\] is at version",
    ):
        out.sum().backward()


def test_a_write_to_what_the_backward_does_not_read_is_fine():
    graphgrad.manual_seed(0)
    lin = nn.Linear(3, 2)
    f = graphgrad.compile(lin)
    x = graphgrad.ones(4, 3)  # no gradient for x: the weight is not read, nor the result
    out = _replaying(f, x)
    with graphgrad.no_grad():
        lin.weight.mul_(2)
        out.add_(1)
    out.sum().backward()
    assert lin.bias.grad.tolist() == [4.0, 4.0]


class _LanguageModel(nn.Module):
    """word_language_model's shape: returns the output and the LSTM's new hidden state."""

    def __init__(self):
        super().__init__()
        self.emb, self.rnn, self.out = nn.Embedding(20, 8), nn.LSTM(8, 16), nn.Linear(16, 20)

    def forward(self, x, hidden):
        o, hidden = self.rnn(self.emb(x), hidden)
        return self.out(o), hidden


def _train_language_model(compiled: bool) -> tuple:
    graphgrad.manual_seed(0)
    model = _LanguageModel()
    forward = graphgrad.compile(model) if compiled else model
    opt = graphgrad.optim.SGD(model.parameters(), lr=0.5)
    gen = graphgrad.Generator().manual_seed(3)
    hidden = (graphgrad.zeros(1, 4, 16), graphgrad.zeros(1, 4, 16))
    seen = []
    for _ in range(5):
        x, y = (graphgrad.randint(0, 20, (5, 4), generator=gen) for _ in "xy")
        hidden = tuple(h.detach() for h in hidden)  # only the output gets a gradient
        opt.zero_grad()
        out, hidden = forward(x, hidden)
        F.cross_entropy(out.reshape(-1, 20), y.reshape(-1)).backward()
        opt.step()
        seen.append(out.detach().numpy().tobytes())
    seen += [p.detach().numpy().tobytes() for p in model.parameters()]
    return seen, type(out.grad_fn).__name__, type(hidden[0].grad_fn).__name__


def test_a_language_model_returning_its_hidden_state():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eager = _train_language_model(False)
        compiled = _train_language_model(True)
    assert compiled[0] == eager[0]
    assert compiled[1:] == ("CompiledFunctionBackward", "CompiledFunctionBackward")


@pytest.mark.parametrize("through", ["loss", "logits", "both"])
def test_each_subset_of_the_results_gets_its_own_backward(through):
    graphgrad.manual_seed(0)
    lin = nn.Linear(3, 2)

    def forward(x, y):  # a model that returns its loss and its logits (Hugging Face's shape)
        logits = lin(x).tanh()
        return {"loss": F.cross_entropy(logits, y), "logits": logits}

    f = graphgrad.compile(forward)
    x, y = graphgrad.randn(4, 3), graphgrad.tensor([0, 1, 1, 0])

    def backward(out):
        lin.zero_grad()
        loss = {"loss": out["loss"], "logits": out["logits"].square().sum()}.get(through)
        (loss if loss is not None else out["loss"] + out["logits"].square().sum()).backward()
        return lin.weight.grad.numpy().tobytes(), lin.bias.grad.numpy().tobytes()

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            out = f(x, y)
    assert type(out["loss"].grad_fn).__name__ == "CompiledFunctionBackward"
    assert len(out["loss"].grad_fn.backwards) == 3
    assert backward(out) == backward(forward(x, y))


def test_the_node_prints_as_pytorchs():
    lin = nn.Linear(3, 2)
    out = _replaying(graphgrad.compile(lin), graphgrad.ones(4, 3))
    assert re.fullmatch(
        r"<torch\.autograd\.function\.CompiledFunctionBackward object at 0x[0-9a-f]+>",
        repr(out.grad_fn),
    )
    assert "grad_fn=<CompiledFunctionBackward>" in repr(out)


def _feed_cell(step, gen) -> graphgrad.Tensor:
    """Four steps of an RNN cell fed its own output (``h = cell(x, h)``)."""
    h = graphgrad.zeros(2, 5)
    loss = 0.0
    for _ in range(4):
        h = step(graphgrad.randn(2, 3, generator=gen), h)
        loss = loss + h.square().mean()
    return loss


class _CatCell(nn.Module):
    """char_rnn_generation's RNN: the hidden state reaches the weights through ``cat`` only."""

    def __init__(self) -> None:
        super().__init__()
        self.i2h = nn.Linear(3 + 5, 5)
        self.i2o = nn.Linear(3 + 5, 2)

    def forward(self, x, h):
        combined = graphgrad.cat((x, h), 1)
        return self.i2o(combined).log_softmax(1), self.i2h(combined)


def _feed_cat_cell(step, gen) -> graphgrad.Tensor:
    h = graphgrad.zeros(1, 5)
    loss = 0.0
    for i in range(3):
        out, h = step(graphgrad.randn(1, 3, generator=gen), h)
        loss = loss + F.nll_loss(out, graphgrad.tensor([i % 2]))
    return loss


def _feed_sequences(step, gen) -> graphgrad.Tensor:
    """char_rnn_classification's batch: an RNN (each weight used at every time step) called
    on three sequences, one backward of the summed losses."""
    return sum(step(graphgrad.randn(4, 1, 3, generator=gen))[0].square().sum() for _ in range(3))


RECURRENT = {
    "cell fed its own output": (lambda: nn.RNNCell(3, 5), _feed_cell),
    "hidden state through cat": (_CatCell, _feed_cat_cell),
    "several sequences, one backward": (lambda: nn.RNN(3, 5), _feed_sequences),
}


def _recurrent_run(name: str, compiled: bool) -> tuple:
    """Five steps with Adam of a recurrent model compiled alone, ``RECURRENT[name]``: the
    losses and the weights, as bytes, and the recordings."""
    make, feed = RECURRENT[name]
    graphgrad.manual_seed(0)
    model = make()
    step = graphgrad.compile(model) if compiled else model
    opt = graphgrad.optim.Adam(model.parameters(), lr=0.01)
    gen = graphgrad.Generator().manual_seed(1)
    seen = []
    for _ in range(5):
        opt.zero_grad()
        loss = feed(step, gen)
        loss.backward()
        opt.step()
        seen.append(loss.detach().numpy().tobytes())
    seen += [p.detach().numpy().tobytes() for p in model.parameters()]
    entries = [e for es in step._compiled_call.cache.values() for e in es] if compiled else []
    return seen, entries


@pytest.mark.parametrize("name", list(RECURRENT))
def test_a_recurrent_model_compiled_alone_replays_to_eager_bits(name):
    # (the check compared the recorded backward with autograd.grad through the whole graph:
    # through the argument's own graph, back into the same weights; and with the hidden
    # state reaching the weights through ``cat`` only, it found no gradient for it at all:
    # every call with a hidden state from the call before ran eagerly, "the gradients of the
    # result's backward differed". A weight used at several steps got the call's gradients
    # as one sum, which eager adds one by one into those of the other calls: other last bits)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled, entries = _recurrent_run(name, True)
    assert compiled == _recurrent_run(name, False)[0]
    assert entries and all(e.verified and not e.eager for e in entries)
