"""nn.RNN, nn.LSTM, nn.GRU against PyTorch: init bits, reprs, state dicts, outputs, gradients,
dropout, errors, and a few Adam steps."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

import graphgrad as G

from ._rnn_helpers import (
    as_state_tensors,
    assert_close,
    assert_same_parameters,
    state_shape,
    twin_layers,
    twin_leaves,
    weighted_sum,
)

T = pytest.importorskip("torch")

CONFIGS = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
    ("RNN", {"bias": False, "bidirectional": True, "batch_first": True}),
    ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"proj_size": 2, "num_layers": 2, "bidirectional": True}),
    ("LSTM", {"batch_first": True, "bias": False, "proj_size": 3}),
    ("GRU", {}),
    ("GRU", {"num_layers": 3, "batch_first": True}),
    ("GRU", {"bidirectional": True, "bias": False}),
]
IDS = [f"{cls}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for cls, kw in CONFIGS]


@pytest.mark.parametrize(("cls", "kw"), CONFIGS, ids=IDS)
def test_init_names_repr_and_all_weights_as_torch(cls, kw):
    t, g = twin_layers(T, cls, kw, dtype="float")
    assert repr(g) == repr(t)
    assert_same_parameters(t, g)  # bit for bit: the same uniform draws in the same order
    assert g._flat_weights_names == t._flat_weights_names
    assert g._all_weights == t._all_weights
    assert [[tuple(p.shape) for p in w] for w in g.all_weights] == [
        [tuple(p.shape) for p in w] for w in t.all_weights
    ]
    assert g.flatten_parameters() is None
    assert g.mode == t.mode


def test_state_dict_round_trips_between_torch_and_graphgrad():
    t, g = twin_layers(T, "LSTM", {"num_layers": 2, "proj_size": 2, "bidirectional": True})
    T.manual_seed(7)
    t.reset_parameters()  # now different from g
    g.load_state_dict({k: G.tensor(v.numpy()) for k, v in t.state_dict().items()})
    assert_same_parameters(t, g)
    x = np.random.default_rng(0).standard_normal((4, 2, 3))
    assert_close(t(T.tensor(x))[0], g(G.tensor(x))[0], atol=1e-12)
    back = {k: T.tensor(v.numpy()) for k, v in g.state_dict().items()}
    assert list(back) == list(t.state_dict())
    t.load_state_dict(back)
    buffer = io.BytesIO()  # a checkpoint file written by graphgrad loads into torch
    G.save(g.state_dict(), buffer)
    buffer.seek(0)
    fresh = T.nn.LSTM(3, 4, num_layers=2, proj_size=2, bidirectional=True).double()
    fresh.load_state_dict(T.load(buffer))
    assert_same_parameters(fresh, g)


def _inputs(layer, batched: bool, given_state: bool, dtype: str = "double"):
    """Twin inputs ``(x, state)`` for ``layer``; state is None, a tensor or an LSTM pair."""
    rng = np.random.default_rng(1)
    shape = (5, 3)
    if batched:
        shape = (2, 5, 3) if layer.batch_first else (5, 2, 3)
    tx, gx = twin_leaves(T, rng.standard_normal(shape), dtype)
    if not given_state:
        return (tx, None), (gx, None), [tx], [gx]
    batch = (2,) if batched else ()
    cells = [False, True] if layer.mode == "LSTM" else [False]
    pairs = [
        twin_leaves(T, rng.standard_normal(state_shape(layer, batch, c)), dtype) for c in cells
    ]
    ts, gs = [p[0] for p in pairs], [p[1] for p in pairs]
    if layer.mode != "LSTM":
        return (tx, ts[0]), (gx, gs[0]), [tx, *ts], [gx, *gs]
    return (tx, tuple(ts)), (gx, tuple(gs)), [tx, *ts], [gx, *gs]


def _run_both(t, g, t_args, g_args):
    """Forward both, compare every output, backward a weighted sum; return the outputs."""
    to, go = t(*t_args), g(*g_args)
    t_outs, g_outs = [to[0], *as_state_tensors(to[1])], [go[0], *as_state_tensors(go[1])]
    rng = np.random.default_rng(2)
    weights = [rng.standard_normal(tuple(x.shape)) for x in t_outs]
    weighted_sum(t_outs, [T.tensor(w).to(to[0].dtype) for w in weights]).backward()
    weighted_sum(g_outs, [G.tensor(w).to(go[0].dtype) for w in weights]).backward()
    return t_outs, g_outs


@pytest.mark.parametrize(("cls", "kw"), CONFIGS, ids=IDS)
@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("given_state", [True, False], ids=["hx", "no-hx"])
def test_outputs_and_all_gradients_match_torch_float64(cls, kw, batched, given_state):
    t, g = twin_layers(T, cls, kw)
    t_args, g_args, t_leaves, g_leaves = _inputs(t, batched, given_state)
    t_outs, g_outs = _run_both(t, g, t_args, g_args)
    for a, b in zip(t_outs, g_outs):
        assert tuple(b.shape) == tuple(a.shape)
        assert_close(a, b, atol=1e-12)
    for a, b in zip(t_leaves, g_leaves):
        assert_close(a.grad, b.grad, atol=1e-12)
    assert_same_parameters(t, g, atol=1e-12, grads=True)


# float32: PyTorch runs RNN/LSTM/GRU through oneDNN's fused kernels (blocked GEMMs, its own
# vectorised sigmoid/tanh), so each step differs from our NumPy GEMM + elementwise ops by a few
# ulps (we saw <= 6e-8 on outputs of size ~0.5). Over 5 steps and 3 layers that stays < 1e-6;
# gradients sum over steps and batch, so they get a relative tolerance too.
@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
@pytest.mark.parametrize(("cls", "kw"), CONFIGS, ids=IDS)
def test_outputs_and_gradients_match_torch_float32(cls, kw):
    t, g = twin_layers(T, cls, kw, dtype="float")
    t_args, g_args, t_leaves, g_leaves = _inputs(t, True, True, dtype="float")
    t_outs, g_outs = _run_both(t, g, t_args, g_args)
    for a, b in zip(t_outs, g_outs):
        assert b.dtype == G.float32
        assert_close(a, b, atol=1e-6)
    for a, b in zip(t_leaves, g_leaves):
        assert_close(a.grad, b.grad, atol=1e-5, rtol=1e-5)
    tp, gp = list(t.parameters()), list(g.parameters())
    for a, b in zip(tp, gp):
        assert_close(a.grad, b.grad, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize(
    ("cls", "kw"),
    [
        ("LSTM", {"num_layers": 3, "bidirectional": True, "proj_size": 2, "dropout": 0.5}),
        ("GRU", {"num_layers": 2, "batch_first": True, "dropout": 0.3}),
        ("RNN", {"num_layers": 2, "dropout": 0.9}),
    ],
)
def test_dropout_between_layers_draws_torchs_masks(cls, kw):
    t, g = twin_layers(T, cls, kw)
    t_args, g_args, t_leaves, g_leaves = _inputs(t, True, True)
    T.manual_seed(11)
    G.manual_seed(11)
    t_outs, g_outs = _run_both(t, g, t_args, g_args)
    for a, b in zip(t_outs, g_outs):
        assert_close(a, b, atol=1e-12)
    assert_close(t_leaves[0].grad, g_leaves[0].grad, atol=1e-12)
    assert_same_parameters(t, g, atol=1e-12, grads=True)
    # the generators moved alike, and eval mode draws nothing and drops nothing
    assert T.rand(1).item() == G.rand(1).item()
    t.eval()
    g.eval()
    a, b = g(*g_args)[0], g(*g_args)[0]
    assert np.array_equal(a.detach().numpy(), b.detach().numpy())
    assert_close(t(*t_args)[0], a, atol=1e-12)
    assert T.rand(1).item() == G.rand(1).item()


def test_adam_training_loop_prints_torchs_losses_float64(capsys):
    def train(lib):
        lib.manual_seed(0)
        model = lib.nn.LSTM(3, 4, num_layers=2, dropout=0.25, bidirectional=True).double()
        head = lib.nn.Linear(8, 1).double()
        params = list(model.parameters()) + list(head.parameters())
        opt = lib.optim.Adam(params, lr=0.05)
        x = lib.randn(6, 2, 3, dtype=lib.float64)
        y = lib.randn(2, 1, dtype=lib.float64)
        losses = []
        for _ in range(5):
            opt.zero_grad()
            out, _ = model(x)
            loss = ((head(out[-1]) - y) ** 2).mean()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            print(f"{loss.item():.12f}")
        return losses

    theirs, ours = train(T), train(G)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert ours[-1] < ours[0]
    printed = capsys.readouterr().out.split()
    assert printed[:5] == printed[5:]


def _outcome(fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn()
    except Exception as e:  # noqa: BLE001 - we compare whatever each library raises
        return type(e).__name__, str(e)
    return None


BAD_CALLS = [
    lambda L: L.nn.LSTM(3, 4)(L.ones(2, 3, 4, 3)),
    lambda L: L.nn.RNN(3, 4)(L.ones(3)),
    lambda L: L.nn.GRU(3, 4)(L.ones(2, 5, 4)),
    lambda L: L.nn.GRU(3, 4)(L.ones(2, 5, 3, dtype=L.float64)),
    lambda L: L.nn.LSTM(3, 4)(L.ones(2, 5, 3), (L.ones(2, 5, 4), L.ones(1, 5, 4))),
    lambda L: L.nn.LSTM(3, 4)(L.ones(2, 5, 3), (L.ones(1, 5, 4), L.ones(2, 5, 4))),
    lambda L: L.nn.LSTM(3, 4)(L.ones(2, 5, 3), (L.ones(1, 4), L.ones(1, 4))),
    lambda L: L.nn.LSTM(3, 4)(L.ones(2, 3), (L.ones(1, 1, 4), L.ones(1, 4))),
    lambda L: L.nn.LSTM(3, 4)(L.ones(2, 5, 3), (L.ones(1, 5, 4),) * 3),
    lambda L: L.nn.LSTM(3, 4, 2, proj_size=2)(L.ones(2, 3), (L.ones(2, 4), L.ones(2, 4))),
    lambda L: L.nn.RNN(3, 4, 2, bidirectional=True)(L.ones(2, 5, 3), L.ones(7, 5, 4)),
    lambda L: L.nn.GRU(3, 4)(L.ones(2, 5, 3), L.ones(5, 4)),
    lambda L: L.nn.GRU(3, 4)(L.ones(2, 3), L.ones(1, 1, 4)),
    lambda L: L.nn.GRU(3, 4)(L.ones(2, 5, 3), L.ones(1, 5, 4, dtype=L.float64)),
    lambda L: L.nn.GRU(3, 4)(L.ones(0, 5, 3)),
    lambda L: L.nn.LSTM(3, 4, dropout=1.5),
    lambda L: L.nn.LSTM(3, 4, dropout=True),
    lambda L: L.nn.LSTM(3, 0),
    lambda L: L.nn.LSTM(3, 4.0),
    lambda L: L.nn.LSTM(3.0, 4),
    lambda L: L.nn.LSTM(0, 4),
    lambda L: L.nn.LSTM(3, 4, num_layers=0),
    lambda L: L.nn.LSTM(3, 4, proj_size=-1),
    lambda L: L.nn.LSTM(3, 4, proj_size=4),
    lambda L: L.nn.LSTM(3, 4, bias=None),
    lambda L: L.nn.GRU(3, 4, batch_first=1),
    lambda L: L.nn.GRU(3, 4, proj_size=0),
    lambda L: L.nn.RNN(3, 4, nonlinearity="sig"),
    lambda L: L.nn.RNNBase("FOO", 3, 4),
    lambda L: L.nn.LSTM(3, 4, foo=1),
    lambda L: L.nn.LSTM(3),
]


@pytest.mark.parametrize("call", BAD_CALLS, ids=range(len(BAD_CALLS)))
def test_bad_arguments_raise_torchs_error(call):
    expected = _outcome(lambda: call(T))
    assert expected is not None
    assert _outcome(lambda: call(G)) == expected


def test_dropout_with_one_layer_warns_as_torch():
    message = (
        "dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
        "expects num_layers greater than 1, but got dropout=0.5 and num_layers=1"
    )
    with pytest.warns(UserWarning, match=message.replace("(", r"\(")):
        layer = G.nn.GRU(3, 4, dropout=0.5)
    assert layer.dropout == 0.5
    assert G.nn.LSTM(3, 4, 2, dropout=1).dropout == 1.0 == T.nn.LSTM(3, 4, 2, dropout=1).dropout


def test_positional_arguments_follow_torch():
    args = (3, 4, 2, "relu", False, True, 0.0, True)
    t, g = T.nn.RNN(*args), G.nn.RNN(*args)
    assert (
        repr(g)
        == repr(t)
        == "RNN(3, 4, num_layers=2, bias=False, batch_first=True, bidirectional=True)"
    )
    assert g.nonlinearity == t.nonlinearity == "relu"
    lstm = (3, 4, 1, True, False, 0.0, False, 2, None, "float64")
    t = T.nn.LSTM(*lstm[:-1], T.float64)
    g = G.nn.LSTM(*lstm[:-1], G.float64)
    assert repr(g) == repr(t) and g.weight_hr_l0.dtype == G.float64


def test_an_empty_batch_gives_empty_outputs():
    out, (h, c) = G.nn.LSTM(3, 4)(G.ones(2, 0, 3))
    assert tuple(out.shape) == (2, 0, 4) and tuple(h.shape) == (1, 0, 4)
