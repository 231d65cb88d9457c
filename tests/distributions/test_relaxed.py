"""ContinuousBernoulli and the relaxed Bernoulli / one-hot categorical distributions against
torch: densities, moments, gradients, draws after the same seed, reprs and errors."""

import numpy as np
import pytest

import graphgrad as gg

torch = pytest.importorskip("torch")


def _close(ours, theirs, tol=1e-10):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _leaf(lib, values):
    return lib.tensor(values, dtype=lib.float64, requires_grad=True)


def _grads_match(out, tout, leaves, tleaves, tol=1e-9):
    g = gg.autograd.grad(out.sum(), leaves, retain_graph=True, allow_unused=True)
    tg = torch.autograd.grad(tout.sum(), tleaves, retain_graph=True, allow_unused=True)
    for x, tx in zip(g, tg):
        if tx is not None:
            _close(x, tx, tol)


# probabilities on both sides of the Taylor region around 1/2, and inside it
PROBS = [0.2, 0.4995, 0.5, 0.9]


@pytest.mark.parametrize("given", ["probs", "logits"])
def test_continuous_bernoulli_matches_torch(given):
    values = [0.3, -1.0, 0.0, 2.0] if given == "logits" else PROBS
    p, tp = _leaf(gg, values), _leaf(torch, values)
    d = gg.distributions.ContinuousBernoulli(**{given: p})
    td = torch.distributions.ContinuousBernoulli(**{given: tp})
    x = [0.1, 0.5, 0.0, 0.95]
    v, tv = gg.tensor(x, dtype=gg.float64), torch.tensor(x, dtype=torch.float64)
    for out, tout in [
        (d.log_prob(v), td.log_prob(tv)),
        (d.cdf(v), td.cdf(tv)),
        (d.icdf(v), td.icdf(tv)),
        (d.mean, td.mean),
        (d.variance, td.variance),
        (d.stddev, td.stddev),
        (d.entropy(), td.entropy()),
    ]:
        _close(out, tout, 1e-9)
        _grads_match(out, tout, (p,), (tp,), 1e-7)
    assert repr(gg.distributions.ContinuousBernoulli(**{given: p})) == repr(
        torch.distributions.ContinuousBernoulli(**{given: tp})
    )
    gg.manual_seed(2)
    torch.manual_seed(2)
    s, ts = d.rsample((6,)), td.rsample((6,))
    _close(s, ts, 1e-9)
    _grads_match(s, ts, (p,), (tp,), 1e-6)
    assert d.expand((3, 4)).batch_shape == gg.Size([3, 4])


def test_relaxed_bernoulli_matches_torch():
    temp, ttemp = _leaf(gg, 0.7), _leaf(torch, 0.7)
    p, tp = _leaf(gg, [0.2, 0.5, 0.9]), _leaf(torch, [0.2, 0.5, 0.9])
    LRB = gg.distributions.relaxed_bernoulli.LogitRelaxedBernoulli
    TLRB = torch.distributions.relaxed_bernoulli.LogitRelaxedBernoulli
    pairs = [
        (LRB(temp, p), TLRB(ttemp, tp), [0.4, -2.0, 3.0]),
        (LRB(temp, logits=p), TLRB(ttemp, logits=tp), [0.4, -2.0, 3.0]),
        (
            gg.distributions.RelaxedBernoulli(temp, p),
            torch.distributions.RelaxedBernoulli(ttemp, tp),
            [0.1, 0.5, 0.97],
        ),
    ]
    for d, td, x in pairs:
        v, tv = gg.tensor(x, dtype=gg.float64), torch.tensor(x, dtype=torch.float64)
        lp, tlp = d.log_prob(v), td.log_prob(tv)
        _close(lp, tlp, 1e-9)
        _grads_match(lp, tlp, (temp, p), (ttemp, tp))
        gg.manual_seed(4)
        torch.manual_seed(4)
        s, ts = d.rsample((5,)), td.rsample((5,))
        _close(s, ts, 1e-9)
        _grads_match(s, ts, (temp, p), (ttemp, tp), 1e-8)
        assert repr(d.support) == repr(td.support)
        assert d.batch_shape == gg.Size(td.batch_shape)
    assert repr(LRB(gg.tensor(0.5), 0.3)) == repr(TLRB(torch.tensor(0.5), 0.3))
    assert repr(gg.distributions.RelaxedBernoulli(gg.tensor(0.5), 0.3)) == "RelaxedBernoulli()"


def test_relaxed_one_hot_categorical_matches_torch():
    temp, ttemp = _leaf(gg, 0.7), _leaf(torch, 0.7)
    logits = [[0.3, -1.0, 2.0], [0.0, 0.5, -0.5]]
    lg, tlg = _leaf(gg, logits), _leaf(torch, logits)
    d = gg.distributions.RelaxedOneHotCategorical(temp, logits=lg)
    td = torch.distributions.RelaxedOneHotCategorical(ttemp, logits=tlg)
    x = [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]
    v, tv = gg.tensor(x, dtype=gg.float64), torch.tensor(x, dtype=torch.float64)
    lp, tlp = d.log_prob(v), td.log_prob(tv)
    _close(lp, tlp, 1e-9)
    _grads_match(lp, tlp, (temp, lg), (ttemp, tlg))
    gg.manual_seed(6)
    torch.manual_seed(6)
    s, ts = d.rsample((4,)), td.rsample((4,))
    _close(s, ts, 1e-9)
    _grads_match(s, ts, (temp, lg), (ttemp, tlg), 1e-8)
    assert (d.batch_shape, d.event_shape) == (gg.Size([2]), gg.Size([3]))
    assert repr(d) == repr(td) and repr(d.support) == repr(td.support)
    assert d.expand((5, 2)).sample().shape == gg.Size([5, 2, 3])


def _error(lib, make):
    try:
        make(lib.distributions, lib)
    except Exception as e:  # noqa: BLE001 - the type and message are what is compared
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize(
    "make",
    [
        lambda D, t: D.ContinuousBernoulli(t.tensor(1.3), validate_args=True),
        lambda D, t: D.ContinuousBernoulli(t.tensor(0.3)).log_prob(t.tensor(1.5)),
        lambda D, t: D.ContinuousBernoulli(),
        lambda D, t: D.ContinuousBernoulli(t.tensor(0.3)).mode,
        lambda D, t: D.RelaxedBernoulli(t.tensor(0.5), t.tensor(1.5)),
        lambda D, t: D.RelaxedBernoulli(t.tensor(0.5), t.tensor(0.5)).mean,
        lambda D, t: D.RelaxedOneHotCategorical(t.tensor(0.5)),
    ],
)
def test_errors_match_torch(make):
    ours, theirs = _error(gg, make), _error(torch, make)
    if theirs is not None and "does not implement" in theirs[1]:
        theirs = (
            theirs[0],
            theirs[1].replace(
                "<class 'torch.distributions.continuous_bernoulli.ContinuousBernoulli'>",
                "ContinuousBernoulli",
            ),
        )
    assert ours == theirs
