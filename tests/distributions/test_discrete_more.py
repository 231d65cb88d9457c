"""Geometric, Poisson, Binomial, Multinomial and OneHotCategorical against torch, and the KL
divergences registered for the newer distributions."""

import numpy as np
import pytest

import graphgrad as gg

torch = pytest.importorskip("torch")


def _close(ours, theirs, tol=1e-10):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _leaf(lib, values):
    return lib.tensor(values, dtype=lib.float64, requires_grad=True)


P = [0.2, 0.5, 0.9]
PROBS_2D = [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]

# name -> (constructor from one parameter tensor, the parameter, values in the support)
CASES = {
    "Geometric": (lambda D, p: D.Geometric(p), P, [0.0, 3.0, 1.0]),
    "Geometric-logits": (lambda D, p: D.Geometric(logits=p), [0.3, -1.0, 2.0], [0.0, 3.0, 1.0]),
    "Poisson": (lambda D, p: D.Poisson(p), [0.5, 2.0, 7.5], [0.0, 3.0, 9.0]),
    "Binomial": (lambda D, p: D.Binomial(5, p), P, [0.0, 3.0, 5.0]),
    "Binomial-logits": (lambda D, p: D.Binomial(4, logits=p), [0.3, -1.0, 2.0], [0.0, 3.0, 4.0]),
    "NegativeBinomial": (
        lambda D, p: D.NegativeBinomial(3.0, p),
        [0.2, 0.5, 0.8],
        [0.0, 3.0, 11.0],
    ),
    "NegativeBinomial-logits": (
        lambda D, p: D.NegativeBinomial(2.5, logits=p),
        [0.3, -1.0, 2.0],
        [0.0, 3.0, 11.0],
    ),
    "Multinomial": (
        lambda D, p: D.Multinomial(4, p),
        PROBS_2D,
        [[1.0, 1.0, 2.0], [4.0, 0.0, 0.0]],
    ),
    "Multinomial-logits": (
        lambda D, p: D.Multinomial(3, logits=p),
        PROBS_2D,
        [[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]],
    ),
    "OneHotCategorical": (
        lambda D, p: D.OneHotCategorical(p),
        PROBS_2D,
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_densities_moments_and_gradients_match_torch(name):
    build, param, values = CASES[name]
    p, tp = _leaf(gg, param), _leaf(torch, param)
    ours, theirs = build(gg.distributions, p), build(torch.distributions, tp)
    v, tv = gg.tensor(values, dtype=gg.float64), torch.tensor(values, dtype=torch.float64)
    checks = [
        (lambda d: d.log_prob(v), lambda d: d.log_prob(tv)),
        (lambda d: d.mean, lambda d: d.mean),
        (lambda d: d.variance, lambda d: d.variance),
        (lambda d: d.stddev, lambda d: d.stddev),
    ]
    if not name.startswith(("Poisson", "NegativeBinomial")):
        checks.append((lambda d: d.entropy(), lambda d: d.entropy()))
    if not name.startswith("Multinomial"):
        checks.append((lambda d: d.mode, lambda d: d.mode))
    for f, tf in checks:
        out, tout = f(ours), tf(theirs)
        _close(out, tout)
        if tout.requires_grad:
            (g,) = gg.autograd.grad(out.sum(), (p,), retain_graph=True)
            (tg,) = torch.autograd.grad(tout.sum(), (tp,), retain_graph=True)
            _close(g, tg, 1e-9)
    assert ours.batch_shape == gg.Size(theirs.batch_shape)
    assert ours.event_shape == gg.Size(theirs.event_shape)
    # a fresh pair: torch's repr also shows a lazily derived parameter once it was used
    assert repr(build(gg.distributions, p)) == repr(build(torch.distributions, tp))
    assert repr(ours.support) == repr(theirs.support)
    big, tbig = (
        ours.expand((4,) + tuple(ours.batch_shape)),
        theirs.expand((4,) + tuple(theirs.batch_shape)),
    )
    assert big.batch_shape == gg.Size(tbig.batch_shape)
    _close(big.log_prob(v), tbig.log_prob(tv))
    assert tuple(big.sample((2,)).shape) == tuple(tbig.sample((2,)).shape)


@pytest.mark.parametrize("name", ["Geometric", "Multinomial", "OneHotCategorical"])
def test_samples_equal_torchs_after_the_same_seed(name):
    build, param, _ = CASES[name]
    ours, theirs = (
        build(gg.distributions, gg.tensor(param)),
        build(torch.distributions, torch.tensor(param)),
    )
    gg.manual_seed(7)
    torch.manual_seed(7)
    np.testing.assert_array_equal(ours.sample((50,)).numpy(), theirs.sample((50,)).numpy())
    np.testing.assert_array_equal(gg.rand(3).numpy(), torch.rand(3).numpy())


@pytest.mark.parametrize(
    "make, mean, var",
    [
        (lambda D: D.Poisson(gg.tensor([0.5, 4.0, 30.0])), [0.5, 4.0, 30.0], [0.5, 4.0, 30.0]),
        (
            lambda D: D.Binomial(gg.tensor([3.0, 10.0, 40.0]), gg.tensor([0.5, 0.1, 0.7])),
            [1.5, 1.0, 28.0],
            [0.75, 0.9, 8.4],
        ),
        (
            lambda D: D.NegativeBinomial(gg.tensor([3.0, 10.0]), gg.tensor([0.5, 0.2])),
            [3.0, 2.5],
            [6.0, 3.125],
        ),
    ],
)
def test_poisson_and_binomial_draws_have_the_right_moments(make, mean, var):
    # torch's C++ samplers are not reproduced; 20,000 draws put the sample mean within
    # 5 standard errors (sqrt(var / n)) of the mean, and the variance within 5%.
    gg.manual_seed(0)
    d = make(gg.distributions)
    draws = d.sample((20000,)).numpy()
    assert (draws == np.round(draws)).all() and (draws >= 0).all()
    n = draws.shape[0]
    assert (np.abs(draws.mean(0) - mean) < 5 * np.sqrt(np.array(var) / n)).all()
    np.testing.assert_allclose(draws.var(0), var, rtol=0.05)
    gg.manual_seed(0)
    np.testing.assert_array_equal(make(gg.distributions).sample((20000,)).numpy(), draws)


def _error(lib, make):
    try:
        make(lib.distributions, lib)
    except Exception as e:  # noqa: BLE001 - the type and message are what is compared
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize(
    "make",
    [
        lambda D, t: D.Geometric(0.0),
        lambda D, t: D.Geometric(1.5),
        lambda D, t: D.Geometric(),
        lambda D, t: D.Poisson(-1.0),
        lambda D, t: D.Poisson(1.0).log_prob(t.tensor(0.5)),
        lambda D, t: D.Poisson(1.0).entropy(),
        lambda D, t: D.Binomial(2.5, t.tensor(0.3)),
        lambda D, t: D.Binomial(5),
        lambda D, t: D.Binomial(5, t.tensor(0.3)).log_prob(t.tensor(6.0)),
        lambda D, t: D.Binomial(t.tensor([2.0, 3.0]), t.tensor(0.3)).entropy(),
        lambda D, t: D.Multinomial(2.5, t.ones(3)),
        lambda D, t: D.NegativeBinomial(3.0, t.tensor(1.0)),
        lambda D, t: D.NegativeBinomial(-3.0, t.tensor(0.5)),
        lambda D, t: D.NegativeBinomial(3.0, t.tensor(0.5)).entropy(),
        lambda D, t: D.NegativeBinomial(3.0, t.tensor(0.5)).log_prob(t.tensor(-1.0)),
        lambda D, t: D.Multinomial(3, t.ones(3)).log_prob(t.tensor([2.0, 2.0, 0.0])),
        lambda D, t: D.OneHotCategorical(t.ones(3)).log_prob(t.tensor([1.0, 1.0, 0.0])),
    ],
)
def test_errors_match_torch(make):
    assert _error(gg, make) == _error(torch, make)


KL_PAIRS = [
    (lambda D, a, b: D.Binomial(5, a.sigmoid()), lambda D, a, b: D.Binomial(5, b.sigmoid())),
    (lambda D, a, b: D.Geometric(a.sigmoid()), lambda D, a, b: D.Geometric(b.sigmoid())),
    (lambda D, a, b: D.Poisson(a.exp()), lambda D, a, b: D.Poisson(b.exp())),
    (lambda D, a, b: D.OneHotCategorical(logits=a), lambda D, a, b: D.OneHotCategorical(logits=b)),
    (lambda D, a, b: D.Laplace(a, b.exp()), lambda D, a, b: D.Laplace(b, a.exp())),
    (lambda D, a, b: D.Cauchy(a, b.exp()), lambda D, a, b: D.Cauchy(b, a.exp())),
    (lambda D, a, b: D.Gumbel(a, b.exp()), lambda D, a, b: D.Gumbel(b, a.exp())),
    (lambda D, a, b: D.HalfNormal(a.exp()), lambda D, a, b: D.HalfNormal(b.exp())),
    (lambda D, a, b: D.LogNormal(a, b.exp()), lambda D, a, b: D.LogNormal(b, a.exp())),
    (lambda D, a, b: D.Pareto(a.exp(), b.exp()), lambda D, a, b: D.Pareto(b.exp(), a.exp())),
    (lambda D, a, b: D.Chi2(a.exp()), lambda D, a, b: D.Chi2(b.exp())),
    (lambda D, a, b: D.StudentT(a.exp()), lambda D, a, b: D.StudentT(b.exp())),
]


@pytest.mark.parametrize("index", range(len(KL_PAIRS)))
def test_kl_divergences_and_gradients_match_torch(index):
    make_p, make_q = KL_PAIRS[index]
    a, ta = _leaf(gg, [0.3, -1.2, 2.0]), _leaf(torch, [0.3, -1.2, 2.0])
    b, tb = _leaf(gg, [1.1, 0.4, -0.5]), _leaf(torch, [1.1, 0.4, -0.5])
    D, TD = gg.distributions, torch.distributions
    try:
        tkl = TD.kl_divergence(make_p(TD, ta, tb), make_q(TD, ta, tb))
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            D.kl_divergence(make_p(D, a, b), make_q(D, a, b))
        return
    kl = D.kl_divergence(make_p(D, a, b), make_q(D, a, b))
    _close(kl, tkl)
    g = gg.autograd.grad(kl.sum(), (a, b))
    tg = torch.autograd.grad(tkl.sum(), (ta, tb))
    for x, tx in zip(g, tg):
        _close(x, tx, 1e-9)
