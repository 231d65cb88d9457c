"""LowRankMultivariateNormal against torch: densities, moments, gradients, draws, errors."""

import numpy as np
import pytest

import graphgrad as gg

torch = pytest.importorskip("torch")


def _close(ours, theirs, tol=1e-10):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _leaf(lib, values):
    return lib.tensor(values, dtype=lib.float64, requires_grad=True)


LOC = [[0.3, -1.0, 2.0], [0.0, 0.5, -0.5]]
W = [[1.0, 0.2], [-0.5, 0.7], [0.3, -1.1]]
DIAG = [0.5, 1.5, 0.8]


def test_lowrank_mvn_matches_torch():
    leaves = [_leaf(gg, v) for v in (LOC, W, DIAG)]
    tleaves = [_leaf(torch, v) for v in (LOC, W, DIAG)]
    d = gg.distributions.LowRankMultivariateNormal(*leaves)
    td = torch.distributions.LowRankMultivariateNormal(*tleaves)
    x = [[[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]]] * 2
    v, tv = gg.tensor(x, dtype=gg.float64), torch.tensor(x, dtype=torch.float64)
    for out, tout in [
        (d.log_prob(v), td.log_prob(tv)),
        (d.entropy(), td.entropy()),
        (d.mean, td.mean),
        (d.variance, td.variance),
        (d.covariance_matrix, td.covariance_matrix),
        (d.scale_tril, td.scale_tril),
        (d.precision_matrix, td.precision_matrix),
    ]:
        _close(out, tout, 1e-9)
        if tout.requires_grad:
            g = gg.autograd.grad(out.sum(), leaves, retain_graph=True, allow_unused=True)
            tg = torch.autograd.grad(tout.sum(), tleaves, retain_graph=True, allow_unused=True)
            for a, b in zip(g, tg):
                if b is not None:
                    _close(a, b, 1e-8)
    assert (d.batch_shape, d.event_shape) == (gg.Size([2]), gg.Size([3]))
    assert repr(d) == repr(td)
    gg.manual_seed(9)
    torch.manual_seed(9)
    s, ts = d.rsample((4,)), td.rsample((4,))
    _close(s, ts, 1e-9)
    g = gg.autograd.grad(s.sum(), leaves)
    tg = torch.autograd.grad(ts.sum(), tleaves)
    for a, b in zip(g, tg):
        _close(a, b, 1e-9)
    big, tbig = d.expand((5, 2)), td.expand((5, 2))
    assert big.batch_shape == gg.Size(tbig.batch_shape)
    _close(big.log_prob(v[0]), tbig.log_prob(tv[0]), 1e-9)
    mvn = gg.distributions.MultivariateNormal(d.loc, d.covariance_matrix)
    _close(d.log_prob(v), mvn.log_prob(v), 1e-9)


def _error(lib, make):
    try:
        make(lib.distributions, lib)
    except Exception as e:  # noqa: BLE001 - the type and message are what is compared
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize(
    "make",
    [
        lambda D, t: D.LowRankMultivariateNormal(t.tensor(0.0), t.ones(3, 2), t.ones(3)),
        lambda D, t: D.LowRankMultivariateNormal(t.zeros(3), t.ones(3), t.ones(3)),
        lambda D, t: D.LowRankMultivariateNormal(t.zeros(3), t.ones(4, 2), t.ones(3)),
        lambda D, t: D.LowRankMultivariateNormal(t.zeros(3), t.ones(3, 2), t.ones(2)),
        lambda D, t: D.LowRankMultivariateNormal(
            t.zeros(3), t.ones(3, 2), t.tensor([1.0, 1.0, 0.0])
        ),
    ],
)
def test_errors_match_torch(make):
    assert _error(gg, make) == _error(torch, make)
