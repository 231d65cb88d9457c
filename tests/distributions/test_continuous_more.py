"""LogNormal, HalfNormal, Gumbel, Laplace, Cauchy, HalfCauchy, StudentT, Chi2 (and the transformed
ones in _more) against torch: densities, cdf/icdf, moments, gradients, shapes, reprs, errors."""

import numpy as np
import pytest

import graphgrad as gg

torch = pytest.importorskip("torch")

A = [0.3, -1.2, 2.0]
B = [0.5, 1.5, 2.5]
C = [0.7, 3.0, 1.2]


def _close(ours, theirs, tol=1e-10):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _params(lib, n):
    dtype = lib.float64
    return [lib.tensor(v, dtype=dtype, requires_grad=True) for v in (A, B, C)[:n]]


# name -> (constructor from (a, b, c) parameters, values in the support, probabilities)
CASES = {
    "LogNormal": (lambda D, a, b, c: D.LogNormal(a, b), [0.4, 1.3, 7.0]),
    "HalfNormal": (lambda D, a, b, c: D.HalfNormal(b), [0.4, 1.3, 0.0]),
    "Gumbel": (lambda D, a, b, c: D.Gumbel(a, b), [0.4, -1.3, 7.0]),
    "Laplace": (lambda D, a, b, c: D.Laplace(a, b), [0.4, -1.3, 7.0]),
    "Cauchy": (lambda D, a, b, c: D.Cauchy(a, b), [0.4, -1.3, 7.0]),
    "HalfCauchy": (lambda D, a, b, c: D.HalfCauchy(b), [0.4, 1.3, 7.0]),
    "StudentT": (lambda D, a, b, c: D.StudentT(c, a, b), [0.4, -1.3, 7.0]),
    "Chi2": (lambda D, a, b, c: D.Chi2(c), [0.4, 1.3, 7.0]),
    "Weibull": (lambda D, a, b, c: D.Weibull(b, c), [0.4, 1.3, 7.0]),
    "Pareto": (lambda D, a, b, c: D.Pareto(b, c), [0.6, 1.6, 7.0]),
    "InverseGamma": (lambda D, a, b, c: D.InverseGamma(c, b), [0.4, 1.3, 7.0]),
    "Kumaraswamy": (lambda D, a, b, c: D.Kumaraswamy(b, c), [0.1, 0.5, 0.95]),
    "FisherSnedecor": (lambda D, a, b, c: D.FisherSnedecor(b * 4, c * 4), [0.4, 1.3, 7.0]),
    "GeneralizedPareto": (lambda D, a, b, c: D.GeneralizedPareto(a, b, c - 1), [0.4, 1.3, 3.0]),
    "GeneralizedPareto0": (
        lambda D, a, b, c: D.GeneralizedPareto(a, b, c * 0),
        [0.4, 1.3, 3.0],
    ),
}
NO_CDF = {"StudentT", "Chi2", "InverseGamma", "FisherSnedecor"}
NO_ENTROPY = {"FisherSnedecor"}
PROBS = [0.1, 0.5, 0.8]


def _both(name):
    build, values = CASES[name]
    ours = build(gg.distributions, *_params(gg, 3))
    ta, tb, tc = _params(torch, 3)
    theirs = build(torch.distributions, ta, tb, tc)
    return ours, theirs, values


def _check(ours_fn, theirs_fn, ours, theirs, tol=1e-10):
    f, tf = ours_fn(ours), theirs_fn(theirs)
    _close(f, tf, tol)
    if tf.requires_grad and f.requires_grad:
        params = [p for p in _leaves(ours)]
        tparams = [p for p in _leaves(theirs)]
        g = gg.autograd.grad(f.sum(), params, allow_unused=True, retain_graph=True)
        tg = torch.autograd.grad(tf.sum(), tparams, allow_unused=True, retain_graph=True)
        for x, tx in zip(g, tg):
            if tx is not None and x is not None:
                _close(x, tx, tol)


_LEAVES: dict = {}


def _leaves(d):
    return _LEAVES[id(d)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_densities_moments_and_gradients_match_torch(name):
    build, values = CASES[name]
    # torch's GeneralizedPareto only runs in float32 (it compares with a float32 zero)
    gp = name.startswith("GeneralizedPareto")
    dtype = "float32" if gp else "float64"
    params = [gg.tensor(v, dtype=getattr(gg, dtype), requires_grad=True) for v in (A, B, C)]
    tparams = [torch.tensor(v, dtype=getattr(torch, dtype), requires_grad=True) for v in (A, B, C)]
    tol = 1e-5 if gp else 1e-10
    ours, theirs = build(gg.distributions, *params), build(torch.distributions, *tparams)
    _LEAVES[id(ours)], _LEAVES[id(theirs)] = params, tparams
    v, tv = (
        gg.tensor(values, dtype=getattr(gg, dtype)),
        torch.tensor(values, dtype=getattr(torch, dtype)),
    )
    p, tp = (
        gg.tensor(PROBS, dtype=getattr(gg, dtype)),
        torch.tensor(PROBS, dtype=getattr(torch, dtype)),
    )
    checks = [
        (lambda d: d.log_prob(v), lambda d: d.log_prob(tv)),
        (lambda d: d.mean, lambda d: d.mean),
        (lambda d: d.variance, lambda d: d.variance),
        (lambda d: d.stddev, lambda d: d.stddev),
    ]
    if name != "Kumaraswamy":  # torch's Kumaraswamy.mode is nan everywhere (see below)
        checks.append((lambda d: d.mode, lambda d: d.mode))
    if name not in NO_ENTROPY:
        checks.append((lambda d: d.entropy(), lambda d: d.entropy()))
    if name not in NO_CDF:
        checks.append((lambda d: d.cdf(v), lambda d: d.cdf(tv)))
        checks.append((lambda d: d.icdf(p), lambda d: d.icdf(tp)))
    for f, tf in checks:
        _check(f, tf, ours, theirs, tol)
    assert ours.batch_shape == gg.Size(theirs.batch_shape)
    assert ours.event_shape == gg.Size(theirs.event_shape)
    assert repr(ours.support) == repr(theirs.support)
    assert ours.has_rsample == theirs.has_rsample


@pytest.mark.parametrize("name", sorted(CASES))
def test_repr_and_expand_match_torch(name):
    build, _ = CASES[name]
    ours = build(gg.distributions, *(gg.tensor(x[0]) for x in (A, B, C)))
    theirs = build(torch.distributions, *(torch.tensor(x[0]) for x in (A, B, C)))
    assert repr(ours) == repr(theirs)
    big, tbig = ours.expand((2, 3)), theirs.expand((2, 3))
    assert big.batch_shape == gg.Size(tbig.batch_shape)
    assert type(big) is type(ours)
    assert tuple(big.sample((4,)).shape) == tuple(tbig.sample((4,)).shape)
    _close(big.mean, tbig.mean, 1e-6)
    if name not in ("Pareto",):
        _close(big.log_prob(gg.tensor(0.5)), tbig.log_prob(torch.tensor(0.5)), 1e-5)


@pytest.mark.parametrize(
    "name",
    [
        "LogNormal",
        "HalfNormal",
        "Gumbel",
        "Laplace",
        "Cauchy",
        "HalfCauchy",
        "Weibull",
        "Pareto",
        "Kumaraswamy",
        "StudentT",
        "Chi2",
        "InverseGamma",
        "FisherSnedecor",
        "GeneralizedPareto",
        "GeneralizedPareto0",
    ],
)
def test_samples_equal_torchs_after_the_same_seed(name):
    build, _ = CASES[name]
    ours = build(gg.distributions, *(gg.tensor(x) for x in (A, B, C)))
    theirs = build(torch.distributions, *(torch.tensor(x) for x in (A, B, C)))
    gg.manual_seed(3)
    torch.manual_seed(3)
    s, ts = ours.sample((200,)), theirs.sample((200,))
    np.testing.assert_allclose(s.numpy(), ts.numpy(), rtol=1e-5, atol=1e-6)
    # and the generators are left in the same place
    np.testing.assert_array_equal(gg.rand(3).numpy(), torch.rand(3).numpy())


@pytest.mark.parametrize(
    "name",
    [
        "LogNormal",
        "HalfNormal",
        "Gumbel",
        "Laplace",
        "Cauchy",
        "HalfCauchy",
        "Weibull",
        "Pareto",
        "Kumaraswamy",
        "GeneralizedPareto",
        "GeneralizedPareto0",
    ],
)
def test_rsample_gradients_match_torch(name):
    build, _ = CASES[name]
    params, tparams = _params(gg, 3), _params(torch, 3)
    ours, theirs = build(gg.distributions, *params), build(torch.distributions, *tparams)
    gg.manual_seed(5)
    torch.manual_seed(5)
    s, ts = ours.rsample((4,)), theirs.rsample((4,))
    g = gg.autograd.grad(s.sum(), params, allow_unused=True)
    tg = torch.autograd.grad(ts.sum(), tparams, allow_unused=True)
    for x, tx in zip(g, tg):
        assert (x is None) == (tx is None)
        if tx is not None:
            _close(x, tx, 1e-8)


def test_studentt_rsample_gradient_in_loc_and_scale_matches_torch():
    loc, tloc = gg.tensor(0.5, requires_grad=True), torch.tensor(0.5, requires_grad=True)
    scale, tscale = gg.tensor(2.0, requires_grad=True), torch.tensor(2.0, requires_grad=True)
    gg.manual_seed(1)
    torch.manual_seed(1)
    s = gg.distributions.StudentT(3.0, loc, scale).rsample((5,))
    ts = torch.distributions.StudentT(3.0, tloc, tscale).rsample((5,))
    g, tg = gg.autograd.grad(s.sum(), (loc, scale)), torch.autograd.grad(ts.sum(), (tloc, tscale))
    for x, tx in zip(g, tg):
        _close(x, tx, 1e-5)


def _error(lib, make):
    try:
        make(lib.distributions, lib)
    except Exception as e:  # noqa: BLE001 - the type and message are what is compared
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize(
    "make",
    [
        lambda D, t: D.LogNormal(0.0, -1.0),
        lambda D, t: D.HalfNormal(t.tensor([1.0, -1.0])),
        lambda D, t: D.Gumbel(0.0, -1.0),
        lambda D, t: D.Laplace(0.0, 0.0),
        lambda D, t: D.Cauchy(0.0, -2.0),
        lambda D, t: D.HalfCauchy(-1.0),
        lambda D, t: D.StudentT(-1.0),
        lambda D, t: D.StudentT(1.0, 0.0, -1.0),
        lambda D, t: D.Chi2(-1.0),
        lambda D, t: D.Weibull(1.0, -2.0),
        lambda D, t: D.Pareto(-1.0, 1.0),
        lambda D, t: D.InverseGamma(-1.0, 1.0),
        lambda D, t: D.Kumaraswamy(1.0, -1.0),
        lambda D, t: D.FisherSnedecor(1.0, -1.0),
        lambda D, t: D.GeneralizedPareto(0.0, -1.0, 0.5),
        lambda D, t: D.GeneralizedPareto(0.0, 1.0, -0.5).cdf(t.tensor(3.0)),
        lambda D, t: D.FisherSnedecor(1.0, 1.0).entropy(),
        lambda D, t: D.LogNormal(0.0, 1.0).log_prob(t.tensor(-1.0)),
        lambda D, t: D.HalfNormal(1.0).log_prob(t.tensor(-1.0)),
        lambda D, t: D.HalfCauchy(1.0).cdf(t.tensor(-1.0)),
        lambda D, t: D.Pareto(1.0, 1.0).log_prob(t.tensor(0.5)),
        lambda D, t: D.TransformedDistribution(D.Normal(0.0, 1.0), 3),
        lambda D, t: D.TransformedDistribution(D.Normal(0.0, 1.0), [3]),
    ],
)
def test_errors_match_torch(make):
    assert _error(gg, make) == _error(torch, make)


def test_transforms_match_torch():
    gt, tt = gg.distributions.transforms, torch.distributions.transforms
    x = [0.3, -1.2, 2.0]
    for name, args in [
        ("ExpTransform", ()),
        ("SigmoidTransform", ()),
        ("TanhTransform", ()),
        ("AffineTransform", (1.5, -2.0)),
        ("PowerTransform", (3.0,)),
    ]:
        ours, theirs = getattr(gt, name)(*args), getattr(tt, name)(*args)
        xs = [abs(v) for v in x] if name == "PowerTransform" else x
        v, tv = gg.tensor(xs, dtype=gg.float64), torch.tensor(xs, dtype=torch.float64)
        y, ty = ours(v), theirs(tv)
        _close(y, ty)
        _close(ours.inv(y), theirs.inv(ty))
        _close(ours.log_abs_det_jacobian(v, y), theirs.log_abs_det_jacobian(tv, ty))
        assert repr(ours) == repr(theirs)
        assert repr(ours.inv) == repr(theirs.inv)
        assert repr(ours.domain) == repr(theirs.domain)
        assert repr(ours.codomain) == repr(theirs.codomain)
    assert gt.ExpTransform() == gt.ExpTransform()
    assert gt.AffineTransform(1.0, 2.0) == gt.AffineTransform(1.0, 2.0)
    assert gt.AffineTransform(1.0, 2.0) != gt.AffineTransform(1.0, 3.0)


def test_transformed_distribution_with_a_chain_matches_torch():
    def build(lib, loc, scale):
        T = lib.distributions.transforms
        chain = [T.AffineTransform(loc, scale), T.SigmoidTransform()]
        base = lib.distributions.Normal(lib.zeros(3, dtype=lib.float64), 1.0)
        return lib.distributions.TransformedDistribution(base, chain)

    loc, tloc = [lib.tensor(0.2, dtype=lib.float64, requires_grad=True) for lib in (gg, torch)]
    scale, tscale = [lib.tensor(1.5, dtype=lib.float64, requires_grad=True) for lib in (gg, torch)]
    d, td = build(gg, loc, scale), build(torch, tloc, tscale)
    v = [0.2, 0.5, 0.9]
    lp = d.log_prob(gg.tensor(v, dtype=gg.float64))
    tlp = td.log_prob(torch.tensor(v, dtype=torch.float64))
    _close(lp, tlp)
    _close(d.cdf(gg.tensor(v, dtype=gg.float64)), td.cdf(torch.tensor(v, dtype=torch.float64)))
    g = gg.autograd.grad(lp.sum(), (loc, scale))
    tg = torch.autograd.grad(tlp.sum(), (tloc, tscale))
    for x, tx in zip(g, tg):
        _close(x, tx, 1e-6)
    assert repr(d) == repr(td) == "TransformedDistribution()"
    assert d.batch_shape == gg.Size(td.batch_shape)
    ind = gg.distributions.Independent(d, 1)
    assert ind.log_prob(gg.tensor(v, dtype=gg.float64)).shape == gg.Size([])


def test_kumaraswamy_mode_is_the_density_maximum():
    # torch's formula gives nan for every a, b; graphgrad gives ((a-1)/(ab-1))**(1/a)
    a, b = gg.tensor([2.0, 0.5, 1.5]), gg.tensor([2.0, 2.0, 3.0])
    mode = gg.distributions.Kumaraswamy(a, b).mode
    expected = [(1 / 3) ** 0.5, float("nan"), (0.5 / 3.5) ** (1 / 1.5)]
    np.testing.assert_allclose(mode.numpy(), expected, rtol=1e-6)
