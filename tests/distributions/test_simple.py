"""Normal, Bernoulli, Uniform and their KL divergences against torch (issue 12)."""

import numpy as np
import pytest

import graphgrad as gg

torch = pytest.importorskip("torch")

LOC = [0.3, -1.2, 2.0]
SCALE = [0.5, 1.5, 2.5]
VALUE = [0.1, -0.7, 3.3]


def _pair(values):
    ours = gg.tensor(values, dtype=gg.float64, requires_grad=True)
    theirs = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    return ours, theirs


def _close(ours, theirs, tol=1e-12):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _build(name, lib, params):
    D = lib.distributions
    if name == "Normal":
        return D.Normal(*params)
    if name == "Uniform":
        return D.Uniform(params[0], params[0] + params[1])
    return D.Bernoulli(logits=params[0] - params[1])


@pytest.mark.parametrize("name", ["Normal", "Uniform", "Bernoulli"])
def test_log_prob_entropy_moments_and_gradients_match_torch(name):
    (a, ta), (b, tb) = _pair(LOC), _pair(SCALE)
    ours, theirs = _build(name, gg, (a, b)), _build(name, torch, (ta, tb))
    if name == "Uniform":
        values = [0.4, -0.5, 3.0]
    elif name == "Bernoulli":
        values = [1.0, 0.0, 1.0]
    else:
        values = VALUE
    v, tv = gg.tensor(values, dtype=gg.float64), torch.tensor(values, dtype=torch.float64)
    for f, tf in [
        (ours.log_prob(v), theirs.log_prob(tv)),
        (ours.entropy(), theirs.entropy()),
        (ours.mean, theirs.mean),
        (ours.variance, theirs.variance),
        (ours.stddev, theirs.stddev),
    ]:
        _close(f, tf)
        if f.requires_grad:
            ga = gg.autograd.grad(f.sum(), (a, b), allow_unused=True, retain_graph=True)
            tga = torch.autograd.grad(tf.sum(), (ta, tb), allow_unused=True, retain_graph=True)
            for g, tg in zip(ga, tga):
                if tg is not None:
                    _close(g, tg)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)


def test_bernoulli_from_probs_matches_torch():
    p, tp = _pair([0.2, 0.5, 0.9])
    ours, theirs = gg.distributions.Bernoulli(probs=p), torch.distributions.Bernoulli(probs=tp)
    _close(ours.logits, theirs.logits)
    _close(ours.entropy(), theirs.entropy())
    v = [1.0, 0.0, 0.0]
    _close(
        ours.log_prob(gg.tensor(v, dtype=gg.float64)),
        theirs.log_prob(torch.tensor(v, dtype=torch.float64)),
    )


@pytest.mark.parametrize("name", ["Normal", "Uniform", "Bernoulli"])
def test_kl_divergence_and_its_gradient_match_torch(name):
    (a, ta), (b, tb) = _pair(LOC), _pair(SCALE)
    p, tp = _build(name, gg, (a, b)), _build(name, torch, (ta, tb))
    q = _build(
        name,
        gg,
        (
            gg.tensor([0.1, -2.0, 1.0], dtype=gg.float64),
            gg.tensor([1.0, 3.0, 4.0], dtype=gg.float64),
        ),
    )
    tq = _build(
        name,
        torch,
        (
            torch.tensor([0.1, -2.0, 1.0], dtype=torch.float64),
            torch.tensor([1.0, 3.0, 4.0], dtype=torch.float64),
        ),
    )
    kl, tkl = gg.distributions.kl_divergence(p, q), torch.distributions.kl_divergence(tp, tq)
    _close(kl, tkl)
    finite = np.isfinite(tkl.detach().numpy())
    if finite.all():
        g = gg.autograd.grad(kl.sum(), (a, b))
        tg = torch.autograd.grad(tkl.sum(), (ta, tb))
        _close(g[0], tg[0])
        _close(g[1], tg[1])


def test_normal_second_derivative_of_log_prob_matches_torch():
    (a, ta), (b, tb) = _pair(LOC), _pair(SCALE)
    lp = gg.distributions.Normal(a, b).log_prob(gg.tensor(VALUE, dtype=gg.float64)).sum()
    tlp = (
        torch.distributions.Normal(ta, tb).log_prob(torch.tensor(VALUE, dtype=torch.float64)).sum()
    )
    (g,) = gg.autograd.grad(lp, b, create_graph=True)
    (tg,) = torch.autograd.grad(tlp, tb, create_graph=True)
    _close(gg.autograd.grad(g.sum(), b)[0], torch.autograd.grad(tg.sum(), tb)[0])


@pytest.mark.parametrize("method", ["sample", "rsample"])
def test_samples_equal_torch_bit_for_bit(method):
    gg.manual_seed(7)
    torch.manual_seed(7)
    for ours, theirs in [
        (
            gg.distributions.Normal(gg.tensor([0.0, 1.0]), gg.tensor([1.0, 2.0])),
            torch.distributions.Normal(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0])),
        ),
        (
            gg.distributions.Uniform(gg.tensor([0.0, 1.0]), gg.tensor([1.0, 3.0])),
            torch.distributions.Uniform(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 3.0])),
        ),
    ]:
        s, ts = getattr(ours, method)((5, 3)), getattr(theirs, method)((5, 3))
        assert tuple(s.shape) == tuple(ts.shape)
        np.testing.assert_array_equal(s.numpy(), ts.numpy())
    s = gg.distributions.Bernoulli(probs=gg.tensor([0.2, 0.7])).sample((6,))
    ts = torch.distributions.Bernoulli(probs=torch.tensor([0.2, 0.7])).sample((6,))
    np.testing.assert_array_equal(s.numpy(), ts.numpy())


def test_rsample_is_differentiable():
    loc = gg.tensor(1.0, requires_grad=True)
    gg.distributions.Normal(loc, 2.0).rsample((4,)).sum().backward()
    assert loc.grad.item() == 4.0


def _message(fn):
    with pytest.raises(ValueError) as info:
        fn()
    return str(info.value)


@pytest.mark.parametrize(
    "build",
    [
        lambda lib: lib.distributions.Normal(0.0, -1.0),
        lambda lib: lib.distributions.Normal(lib.zeros(2), lib.tensor([1.0, -1.0])),
        lambda lib: lib.distributions.Normal(0.0, 1.0).log_prob(lib.tensor(float("nan"))),
        lambda lib: lib.distributions.Uniform(0.0, 1.0).log_prob(lib.tensor(2.0)),
        lambda lib: lib.distributions.Uniform(1.0, 0.0),
        lambda lib: lib.distributions.Bernoulli(probs=1.5),
        lambda lib: lib.distributions.Bernoulli(probs=0.5).log_prob(lib.tensor(0.5)),
        lambda lib: lib.distributions.Bernoulli(probs=0.3, logits=0.1),
        lambda lib: lib.distributions.Bernoulli(),
    ],
)
def test_errors_match_torch(build):
    assert _message(lambda: build(gg)) == _message(lambda: build(torch))


def test_reprs_match_torch():
    for build in [
        lambda lib: lib.distributions.Normal(0.0, 1.0),
        lambda lib: lib.distributions.Normal(lib.zeros(2), 1.0),
        lambda lib: lib.distributions.Bernoulli(probs=0.3),
        lambda lib: lib.distributions.Bernoulli(logits=lib.zeros(3)),
        lambda lib: lib.distributions.Uniform(0.0, 2.0),
    ]:
        assert repr(build(gg)) == repr(build(torch))


def test_kl_for_an_unregistered_pair_raises_not_implemented():
    with pytest.raises(NotImplementedError):
        gg.distributions.kl_divergence(
            gg.distributions.Normal(0.0, 1.0), gg.distributions.Bernoulli(probs=0.5)
        )
