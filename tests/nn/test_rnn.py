"""RNNCell, LSTMCell, GRUCell against PyTorch: init bits, outputs, gradients, reprs, errors."""

import numpy as np
import pytest

import graphgrad as G

T = pytest.importorskip("torch")

CASES = [
    ("RNNCell", {}),
    ("RNNCell", {"nonlinearity": "relu"}),
    ("LSTMCell", {}),
    ("GRUCell", {}),
    ("GRUCell", {"bias": False}),
]


def _pair(cls, kw):
    T.manual_seed(3)
    G.manual_seed(3)
    return getattr(T.nn, cls)(5, 4, **kw), getattr(G.nn, cls)(5, 4, **kw)


@pytest.mark.parametrize(("cls", "kw"), CASES)
def test_init_bit_exact_and_repr(cls, kw):
    t, g = _pair(cls, kw)
    assert repr(t) == repr(g)
    tp, gp = list(t.named_parameters()), list(g.named_parameters())
    assert [n for n, _ in tp] == [n for n, _ in gp]
    for (_, a), (_, b) in zip(tp, gp):
        assert np.array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize(("cls", "kw"), CASES)
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("given_h", [True, False])
def test_forward_and_gradients_match(cls, kw, batched, given_h):
    t, g = _pair(cls, kw)
    t, g = t.double(), g.double()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5) if batched else (5,))
    hs = [rng.standard_normal(x.shape[:-1] + (4,)) for _ in range(2)]
    tx, gx = T.tensor(x, requires_grad=True), G.tensor(x, requires_grad=True)
    th = [T.tensor(h, requires_grad=True) for h in hs]
    gh = [G.tensor(h, requires_grad=True) for h in hs]
    if cls == "LSTMCell":
        ta, ga = (tuple(th), tuple(gh)) if given_h else (None, None)
    else:
        ta, ga = (th[0], gh[0]) if given_h else (None, None)
    to, go = t(tx, ta), g(gx, ga)
    if cls == "LSTMCell":
        to, go = to[0] * to[1], go[0] * go[1]
    np.testing.assert_allclose(go.detach().numpy(), to.detach().numpy(), atol=1e-12)
    (to * to).sum().backward()
    (go * go).sum().backward()
    np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy(), atol=1e-12)
    for a, b in zip(t.parameters(), g.parameters()):
        np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), atol=1e-12)
    if given_h:
        np.testing.assert_allclose(gh[0].grad.numpy(), th[0].grad.numpy(), atol=1e-12)


def test_bad_rank_and_nonlinearity_raise_as_torch():
    with pytest.raises(ValueError, match="Expected input to be 1D or 2D, got 3D instead"):
        G.nn.GRUCell(5, 4)(G.ones(1, 2, 5))
    with pytest.raises(ValueError, match="Unknown nonlinearity: sig"):
        G.nn.RNNCell(5, 4, nonlinearity="sig")
