"""MixtureSameFamily against torch: densities, moments, gradients, draws, reprs and errors."""

import numpy as np
import pytest

import graphgrad as gg

torch = pytest.importorskip("torch")


def _close(ours, theirs, tol=1e-10):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _leaf(lib, values):
    return lib.tensor(values, dtype=lib.float64, requires_grad=True)


LOGITS = [[0.3, -1.0, 2.0], [0.0, 0.5, -0.5]]
LOC = [[0.0, 1.0, -2.0], [3.0, 0.5, 1.5]]


def _build(lib, logits, loc, event):
    D = lib.distributions
    if event:
        comp = D.Independent(D.Normal(loc.unsqueeze(-1).expand(2, 3, 2), 1.5), 1)
    else:
        comp = D.Normal(loc, loc.exp())
    return D.MixtureSameFamily(D.Categorical(logits=logits), comp)


@pytest.mark.parametrize("event", [False, True])
def test_mixture_matches_torch(event):
    lg, tlg = _leaf(gg, LOGITS), _leaf(torch, LOGITS)
    loc, tloc = _leaf(gg, LOC), _leaf(torch, LOC)
    m, tm = _build(gg, lg, loc, event), _build(torch, tlg, tloc, event)
    x = [[0.5, -1.0], [2.0, 0.1]] if event else [0.5, 2.0]
    v, tv = gg.tensor(x, dtype=gg.float64), torch.tensor(x, dtype=torch.float64)
    outs = [(m.log_prob(v), tm.log_prob(tv)), (m.mean, tm.mean), (m.variance, tm.variance)]
    if not event:
        outs.append((m.cdf(v), tm.cdf(tv)))
    for out, tout in outs:
        _close(out, tout)
        g = gg.autograd.grad(out.sum(), (lg, loc), retain_graph=True)
        tg = torch.autograd.grad(tout.sum(), (tlg, tloc), retain_graph=True)
        for a, b in zip(g, tg):
            _close(a, b, 1e-9)
    assert (m.batch_shape, m.event_shape) == (gg.Size(tm.batch_shape), gg.Size(tm.event_shape))
    # fresh ones: torch's repr also shows the mixture's lazily derived parameter once used
    assert repr(_build(gg, lg, loc, event)) == repr(_build(torch, tlg, tloc, event))
    D, TD = gg.distributions, torch.distributions
    fresh = D.MixtureSameFamily(D.Categorical(lg.exp()), D.Normal(loc, 1.0))
    tfresh = TD.MixtureSameFamily(TD.Categorical(tlg.exp()), TD.Normal(tloc, 1.0))
    assert repr(fresh) == repr(tfresh)
    assert repr(m.support) == repr(tm.support)
    gg.manual_seed(8)
    torch.manual_seed(8)
    _close(m.sample((4,)), tm.sample((4,)), 1e-6)
    big, tbig = m.expand((5, 2)), tm.expand((5, 2))
    assert big.batch_shape == gg.Size(tbig.batch_shape)
    assert big.sample((3,)).shape == gg.Size(tbig.sample((3,)).shape)
    _close(big.log_prob(v), tbig.log_prob(tv))


def _error(lib, make):
    try:
        make(lib.distributions, lib)
    except Exception as e:  # noqa: BLE001 - the type and message are what is compared
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize(
    "make",
    [
        lambda D, t: D.MixtureSameFamily(D.Normal(0.0, 1.0), D.Normal(t.zeros(3), 1.0)),
        lambda D, t: D.MixtureSameFamily(D.Categorical(t.ones(3)), 3),
        lambda D, t: D.MixtureSameFamily(D.Categorical(t.ones(2, 3)), D.Normal(t.zeros(3, 3), 1.0)),
        lambda D, t: D.MixtureSameFamily(D.Categorical(t.ones(2)), D.Normal(t.zeros(3), 1.0)),
        lambda D, t: D.MixtureSameFamily(
            D.Categorical(t.ones(3)), D.Normal(t.zeros(3), 1.0)
        ).rsample(),
        lambda D, t: D.MixtureSameFamily(
            D.Categorical(t.ones(3)), D.Normal(t.zeros(3), 1.0)
        ).entropy(),
    ],
)
def test_errors_match_torch(make):
    assert _error(gg, make) == _error(torch, make)
