"""The nodes behind nn.RNN/LSTM/GRU outputs have the names torch's CPU build gives them.

Each direction's output is a stack of its steps (``StackBackward0``), or, for a float32 LSTM
without projections, the node of torch's oneDNN layer (``MkldnnRnnLayerBackward0``);
bidirectional layers and packed input give ``CatBackward0``; ``batch_first`` a transpose,
unbatched input a squeeze. graphgrad's ``MkldnnRnnLayerBackward0`` stacks the steps: its
``next_functions`` are the steps' nodes, where torch's point at the input, weights and state.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad as G
from graphgrad.viz import make_dot

CLASSES = [("LSTM", {}), ("GRU", {}), ("RNN", {}), ("RNN", {"nonlinearity": "relu"})]
OPTIONS = [
    {},
    {"batch_first": True},
    {"bidirectional": True},
    {"batch_first": True, "bidirectional": True},
    {"num_layers": 2, "dropout": 0.5},
    {"bias": False},
    {"proj_size": 2},
    {"proj_size": 2, "bidirectional": True, "batch_first": True},
]
CONFIGS = [
    (cls, {**base, **kw})
    for cls, base in CLASSES
    for kw in OPTIONS
    if cls == "LSTM" or "proj_size" not in kw  # projections are LSTM's only
]
IDS = [f"{cls}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for cls, kw in CONFIGS]
FORMS = ["padded", "unbatched", "packed", "packed, equal lengths", "one step"]


def _name(node) -> str | None:
    return None if node is None else type(node).__name__


def _names(t) -> tuple:
    """The node's name and, unless it joins the steps, the names of the nodes it points at (the
    steps' nodes and those of torch's oneDNN layer differ, on purpose)."""
    node = t.grad_fn
    if _name(node) in (None, "StackBackward0", "MkldnnRnnLayerBackward0"):
        return (_name(node),)
    return (_name(node), tuple(_name(n) for n, _ in node.next_functions))


def _run(T, cls: str, kw: dict, dtype: str, form: str) -> dict:
    """The names of the nodes of output, h_n and c_n, for one input form."""
    T.manual_seed(0)
    layer = getattr(getattr(T.nn, cls)(3, 4, **kw), dtype)()
    steps = 1 if form == "one step" else 5
    x = T.randn(steps, 2, 3, dtype=getattr(T, dtype))
    if form == "unbatched":
        x = x[:, 0]
    elif form.startswith("packed"):
        lengths = [5, 5] if "equal" in form else [5, 3]
        x = T.nn.utils.rnn.pack_padded_sequence(x, lengths)
    elif kw.get("batch_first"):
        x = x.transpose(0, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: no oneDNN with projections, once per process
        out, state = layer(x)
    out = out.data if form.startswith("packed") else out
    states = state if isinstance(state, tuple) else (state,)
    return {name: _names(t) for name, t in zip(("output", "h_n", "c_n"), (out, *states))}


@pytest.mark.parametrize(("cls", "kw"), CONFIGS, ids=IDS)
def test_output_and_state_nodes_are_named_as_torchs(cls, kw):
    T = pytest.importorskip("torch")
    for dtype in ("float", "double"):
        for form in FORMS:
            theirs, ours = _run(T, cls, kw, dtype, form), _run(G, cls, kw, dtype, form)
            assert ours == theirs, (dtype, form)


SITUATIONS = {
    "state given": lambda T, m, x: m(x, (T.zeros(1, 2, 4), T.zeros(1, 2, 4))),
    "only the input requires grad": lambda T, m, x: m.requires_grad_(False)(x.requires_grad_()),
    "only h_0 requires grad": lambda T, m, x: m.requires_grad_(False)(
        x, (T.zeros(1, 2, 4, requires_grad=True), T.zeros(1, 2, 4))
    ),
    "eval mode": lambda T, m, x: m.eval()(x),
    "a batch of none": lambda T, m, x: m(x[:, :0]),
    "no_grad": lambda T, m, x: _without_grad(T, m, x),
    "oneDNN off with flags()": lambda T, m, x: _flags_off(T, m, x),
    "oneDNN off by assignment": lambda T, m, x: _enabled_off(T, m, x),
}


def _without_grad(T, m, x):
    with T.no_grad():
        return m(x)


def _flags_off(T, m, x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: TF32 on oneDNN needs an Intel GPU
        with T.backends.mkldnn.flags(enabled=False):
            return m(x)


def _enabled_off(T, m, x):
    T.backends.mkldnn.enabled = False
    try:
        return m(x)
    finally:
        T.backends.mkldnn.enabled = True


@pytest.mark.parametrize("situation", SITUATIONS)
def test_float32_lstm_situations_are_named_as_torchs(situation):
    T = pytest.importorskip("torch")
    names = []
    for M in (T, G):
        M.manual_seed(0)
        out, (h, c) = SITUATIONS[situation](M, M.nn.LSTM(3, 4), M.randn(5, 2, 3))
        names.append([_names(t) for t in (out, h, c)])
    assert names[1] == names[0]


@pytest.mark.parametrize("cls", ["LSTMCell", "GRUCell", "RNNCell"])
def test_cell_outputs_are_named_as_torchs(cls):
    T = pytest.importorskip("torch")
    names = []
    for M in (T, G):
        M.manual_seed(0)
        out = getattr(M.nn, cls)(3, 4)(M.randn(2, 3))
        names.append([_name(t.grad_fn) for t in (out if isinstance(out, tuple) else (out,))])
    assert names[1] == names[0]


def _lstm_grads(enabled: bool, steps: int = 4) -> list:
    """An LSTM's outputs and first- and second-order gradients, oneDNN's node name or not."""
    G.manual_seed(0)
    lstm = G.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    x = G.randn(steps, 2, 3, requires_grad=True)
    with G.backends.mkldnn.flags(enabled=enabled):
        out, (h, c) = lstm(x)
    loss = (out * out).sum() + h.sum() + c.sum()
    grads = G.autograd.grad(loss, [x, *lstm.parameters()], create_graph=True)
    sum((g * g).sum() for g in grads).backward()
    return [out, *grads, x.grad, *(p.grad for p in lstm.parameters())]


def test_the_onednn_node_changes_no_number_at_any_order():
    named, stacked = _lstm_grads(True), _lstm_grads(False)
    for a, b in zip(named, stacked, strict=True):
        assert a.dtype == G.float32
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_the_onednn_node_points_at_the_steps():
    G.manual_seed(0)
    out, _ = G.nn.LSTM(3, 4)(G.randn(5, 2, 3))
    assert out.grad_fn.name() == "MkldnnRnnLayerBackward0"
    assert [n.name() for n, _ in out.grad_fn.next_functions] == ["MulBackward0"] * 5


def test_make_dot_draws_the_onednn_node():
    G.manual_seed(0)
    lstm = G.nn.LSTM(3, 4, bidirectional=True)
    out, (h, c) = lstm(G.randn(5, 2, 3))
    source = make_dot((out.sum(), h.sum(), c.sum()), params=dict(lstm.named_parameters())).source
    assert source.count("MkldnnRnnLayerBackward0") == 2
    assert "weight_hh_l0_reverse" in source
