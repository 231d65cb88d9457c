"""Gamma, Exponential, Beta and Dirichlet against torch: values, gradients, draws, errors, KL."""

import numpy as np
import pytest

import graphgrad as gg

torch = pytest.importorskip("torch")

A = [0.4, 1.0, 2.5]
B = [1.5, 0.7, 3.0]


def _pair(values):
    ours = gg.tensor(values, dtype=gg.float64, requires_grad=True)
    theirs = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    return ours, theirs


def _close(ours, theirs, tol=1e-12):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _build(name, lib, a, b):
    D = lib.distributions
    if name == "Gamma":
        return D.Gamma(a, b)
    if name == "Exponential":
        return D.Exponential(a)
    if name == "Beta":
        return D.Beta(a, b)
    return D.Dirichlet(lib.stack([a, b, a * b], -1))


VALUES = {
    "Gamma": [0.3, 1.7, 0.0],
    "Exponential": [0.3, 1.7, 0.0],
    "Beta": [0.3, 0.9, 0.5],
    "Dirichlet": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2]],
}


@pytest.mark.parametrize("name", ["Gamma", "Exponential", "Beta", "Dirichlet"])
def test_densities_moments_and_gradients_match_torch(name):
    (a, ta), (b, tb) = _pair(A), _pair(B)
    ours, theirs = _build(name, gg, a, b), _build(name, torch, ta, tb)
    v = VALUES[name]
    pairs = [
        (
            ours.log_prob(gg.tensor(v, dtype=gg.float64)),
            theirs.log_prob(torch.tensor(v, dtype=torch.float64)),
        ),
        (ours.entropy(), theirs.entropy()),
        (ours.mean, theirs.mean),
        (ours.variance, theirs.variance),
        (ours.stddev, theirs.stddev),
        (ours.mode, theirs.mode),
    ]
    for f, tf in pairs:
        _close(f, tf)
        if tf.requires_grad:
            g = gg.autograd.grad(f.sum(), (a, b), allow_unused=True, retain_graph=True)
            tg = torch.autograd.grad(tf.sum(), (ta, tb), allow_unused=True, retain_graph=True)
            for x, tx in zip(g, tg):
                if tx is not None:
                    _close(x, tx)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    assert repr(ours.support) == repr(theirs.support)
    assert repr(ours.arg_constraints) == repr(theirs.arg_constraints)


@pytest.mark.parametrize("name", ["Gamma", "Exponential", "Beta", "Dirichlet"])
def test_kl_divergence_and_gradients_match_torch(name):
    (a, ta), (b, tb) = _pair(A), _pair(B)
    p, tp = _build(name, gg, a, b), _build(name, torch, ta, tb)
    c, d = [2.0, 0.3, 1.1], [0.5, 2.0, 1.4]
    q = _build(name, gg, gg.tensor(c, dtype=gg.float64), gg.tensor(d, dtype=gg.float64))
    tq = _build(
        name, torch, torch.tensor(c, dtype=torch.float64), torch.tensor(d, dtype=torch.float64)
    )
    kl, tkl = gg.distributions.kl_divergence(p, q), torch.distributions.kl_divergence(tp, tq)
    _close(kl, tkl)
    g = gg.autograd.grad(kl.sum(), (a, b), allow_unused=True)
    tg = torch.autograd.grad(tkl.sum(), (ta, tb), allow_unused=True)
    for x, tx in zip(g, tg):
        if tx is not None:
            _close(x, tx)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_draws_equal_torch_bit_for_bit(dtype):
    conc = [0.05, 0.5, 1.0, 3.0, 40.0]
    rate = [1.0, 2.0, 0.5, 1.5, 3.0]
    builds = [
        lambda lib, c, r: lib.distributions.Gamma(c, r),
        lambda lib, c, r: lib.distributions.Exponential(r),
        lambda lib, c, r: lib.distributions.Beta(c, r),
        lambda lib, c, r: lib.distributions.Dirichlet(lib.stack([c, r], -1)),
    ]
    gg.manual_seed(11)
    torch.manual_seed(11)
    for build in builds:
        gd, td = getattr(gg, dtype), getattr(torch, dtype)
        ours = build(gg, gg.tensor(conc, dtype=gd), gg.tensor(rate, dtype=gd))
        theirs = build(torch, torch.tensor(conc, dtype=td), torch.tensor(rate, dtype=td))
        for method in ("sample", "rsample"):
            s, ts = getattr(ours, method)((3,)), getattr(theirs, method)((3,))
            assert s.dtype == getattr(gg, dtype)
            np.testing.assert_array_equal(s.numpy(), ts.numpy())
    # the stream (and the cached normal) is left where torch leaves it
    np.testing.assert_array_equal(gg.randn(3).numpy(), torch.randn(3).numpy())


def test_gamma_draws_have_the_right_moments():
    gg.manual_seed(0)
    s = gg.distributions.Gamma(gg.tensor([0.3, 4.0]), gg.tensor([2.0, 0.5])).sample((4000,))
    mean, var = s.mean(0).numpy(), s.var(0).numpy()
    np.testing.assert_allclose(mean, [0.15, 8.0], rtol=0.08)
    np.testing.assert_allclose(var, [0.075, 16.0], rtol=0.15)


def test_gamma_rsample_gradient_in_rate_matches_torch():
    rate, trate = _pair([0.5, 2.0])
    gg.manual_seed(3)
    torch.manual_seed(3)
    s = gg.distributions.Gamma(gg.tensor([1.5, 0.3], dtype=gg.float64), rate).rsample((4,))
    ts = torch.distributions.Gamma(torch.tensor([1.5, 0.3], dtype=torch.float64), trate).rsample(
        (4,)
    )
    _close(gg.autograd.grad(s.sum(), rate)[0], torch.autograd.grad(ts.sum(), trate)[0])


def test_rsample_through_the_concentration_is_refused():
    conc = gg.tensor([1.5], requires_grad=True)
    with pytest.raises(NotImplementedError, match="concentration"):
        gg.distributions.Gamma(conc, 1.0).rsample()
    with pytest.raises(NotImplementedError, match="concentration"):
        gg.distributions.Dirichlet(gg.stack([conc, conc], -1)).rsample()
    assert gg.distributions.Gamma(conc, 1.0).sample().shape == (1,)


def _message(fn):
    with pytest.raises(ValueError) as info:
        fn()
    return str(info.value)


@pytest.mark.parametrize(
    "build",
    [
        lambda lib: lib.distributions.Gamma(-1.0, 1.0),
        lambda lib: lib.distributions.Gamma(lib.tensor([1.0, 2.0]), lib.tensor([1.0, 0.0])),
        lambda lib: lib.distributions.Gamma(1.0, 1.0).log_prob(lib.tensor(-1.0)),
        lambda lib: lib.distributions.Exponential(lib.tensor([-1.0])),
        lambda lib: lib.distributions.Beta(lib.tensor([1.0, -1.0]), 1.0),
        lambda lib: lib.distributions.Beta(1.0, 1.0).log_prob(lib.tensor(1.5)),
        lambda lib: lib.distributions.Dirichlet(lib.tensor(1.0)),
        lambda lib: lib.distributions.Dirichlet(lib.tensor([0.5, 0.5])).log_prob(
            lib.tensor([0.2, 0.2])
        ),
    ],
)
def test_errors_match_torch(build):
    assert _message(lambda: build(gg)) == _message(lambda: build(torch))


def test_reprs_expand_and_shapes_match_torch():
    for build in [
        lambda lib: lib.distributions.Gamma(2.0, 1.0),
        lambda lib: lib.distributions.Gamma(lib.ones(2), 1.0).expand((3, 2)),
        lambda lib: lib.distributions.Exponential(lib.tensor([2.0])),
        lambda lib: lib.distributions.Beta(2.0, 3.0).expand((4,)),
        lambda lib: lib.distributions.Dirichlet(lib.ones(2, 3)).expand((5, 2)),
    ]:
        ours, theirs = build(gg), build(torch)
        assert repr(ours) == repr(theirs)
        assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
        assert tuple(ours.sample((2,)).shape) == tuple(theirs.sample((2,)).shape)


def test_special_functions_match_torch():
    x = [0.001, 0.4, 1.0, 2.5, 9.99, 10.0, 37.0, 1e4, -2.5, -7.3]
    for dtype in ("float64", "float32"):
        ours, theirs = (
            gg.tensor(x, dtype=getattr(gg, dtype)),
            torch.tensor(x, dtype=getattr(torch, dtype)),
        )
        tol = 1e-13 if dtype == "float64" else 2e-6
        for name in ("lgamma", "digamma"):
            got, want = getattr(gg, name)(ours), getattr(torch, name)(theirs)
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=tol, atol=0)
        for n in (1, 2, 3):
            got, want = gg.polygamma(n, ours), torch.polygamma(n, theirs)
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=tol * 10, atol=0)
    edges = [0.0, -0.0, -1.0, float("inf"), float("nan")]
    for name in ("lgamma", "digamma"):
        got = getattr(gg, name)(gg.tensor(edges)).numpy()
        np.testing.assert_array_equal(got, getattr(torch, name)(torch.tensor(edges)).numpy())


def test_special_function_derivatives_chain_as_torch():
    x, tx = _pair([0.7, 2.0, 5.5])
    (g,) = gg.autograd.grad(x.lgamma().sum(), x, create_graph=True)
    (tg,) = torch.autograd.grad(tx.lgamma().sum(), tx, create_graph=True)
    (h,) = gg.autograd.grad(g.sum(), x, create_graph=True)
    (th,) = torch.autograd.grad(tg.sum(), tx, create_graph=True)
    _close(g, tg)
    _close(h, th)
    _close(gg.autograd.grad(h.sum(), x)[0], torch.autograd.grad(th.sum(), tx)[0])
    assert type(x.polygamma(2)).__name__ == "Tensor"
    assert gg.digamma(x).grad_fn.name() == "DigammaBackward0"
    with pytest.raises(RuntimeError, match="negative n"):
        gg.polygamma(-1, x)
