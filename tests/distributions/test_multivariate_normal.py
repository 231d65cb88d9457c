"""MultivariateNormal against torch: values, gradients, draws, errors, KL (issue 12)."""

import numpy as np
import pytest

import graphgrad as gg

torch = pytest.importorskip("torch")

COV = [[[2.0, 0.5, 0.1], [0.5, 1.0, -0.3], [0.1, -0.3, 1.5]], [[1.0, 0.0, 0.0]] * 3]
COV[1] = [[1.0, 0.2, 0.0], [0.2, 3.0, 0.4], [0.0, 0.4, 0.8]]
LOC = [[0.3, -1.0, 2.0], [0.0, 0.5, -0.5]]
VALUE = [[1.0, 0.0, 1.5], [-0.3, 0.2, 0.1]]


def _pair(values):
    ours = gg.tensor(values, dtype=gg.float64, requires_grad=True)
    theirs = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    return ours, theirs


def _close(ours, theirs, tol=1e-12):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _build(lib, loc, cov, form):
    M = lib.distributions.MultivariateNormal
    if form == "covariance_matrix":
        return M(loc, covariance_matrix=cov)
    if form == "precision_matrix":
        return M(loc, precision_matrix=cov)
    return M(loc, scale_tril=cov.tril() + cov.diagonal(dim1=-2, dim2=-1).diag_embed())


@pytest.mark.parametrize("form", ["covariance_matrix", "precision_matrix", "scale_tril"])
def test_values_and_gradients_match_torch(form):
    (loc, tloc), (cov, tcov) = _pair(LOC), _pair(COV)
    ours, theirs = _build(gg, loc, cov, form), _build(torch, tloc, tcov, form)
    v, tv = gg.tensor(VALUE, dtype=gg.float64), torch.tensor(VALUE, dtype=torch.float64)
    for f, tf in [
        (ours.log_prob(v), theirs.log_prob(tv)),
        (ours.entropy(), theirs.entropy()),
        (ours.variance, theirs.variance),
        (ours.stddev, theirs.stddev),
        (ours.mode, theirs.mode),
        (ours.covariance_matrix, theirs.covariance_matrix),
        (ours.precision_matrix, theirs.precision_matrix),
        (ours.scale_tril, theirs.scale_tril),
    ]:
        _close(f, tf)
        g = gg.autograd.grad(f.sum(), (loc, cov), allow_unused=True, retain_graph=True)
        tg = torch.autograd.grad(tf.sum(), (tloc, tcov), allow_unused=True, retain_graph=True)
        for x, tx in zip(g, tg):
            if tx is not None:
                _close(x, tx, 1e-10)
    assert repr(ours) == repr(theirs)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape) == (2,)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape) == (3,)


def test_kl_divergence_and_gradients_match_torch():
    (loc, tloc), (cov, tcov) = _pair(LOC), _pair(COV)
    p = _build(gg, loc, cov, "covariance_matrix")
    tp = _build(torch, tloc, tcov, "covariance_matrix")
    q_cov = [[1.0, 0.3, 0.0], [0.3, 2.0, 0.1], [0.0, 0.1, 0.5]]
    q = gg.distributions.MultivariateNormal(
        gg.zeros(3, dtype=gg.float64), gg.tensor(q_cov, dtype=gg.float64)
    )
    tq = torch.distributions.MultivariateNormal(
        torch.zeros(3, dtype=torch.float64), torch.tensor(q_cov, dtype=torch.float64)
    )
    kl, tkl = gg.distributions.kl_divergence(p, q), torch.distributions.kl_divergence(tp, tq)
    _close(kl, tkl)
    g = gg.autograd.grad(kl.sum(), (loc, cov))
    tg = torch.autograd.grad(tkl.sum(), (tloc, tcov))
    _close(g[0], tg[0])
    _close(g[1], tg[1], 1e-10)


def test_draws_match_torch():
    cov = [[2.0, 0.5], [0.5, 1.0]]
    gg.manual_seed(4)
    torch.manual_seed(4)
    ours = gg.distributions.MultivariateNormal(gg.zeros(3, 2), gg.tensor(cov))
    theirs = torch.distributions.MultivariateNormal(torch.zeros(3, 2), torch.tensor(cov))
    for method in ("sample", "rsample"):
        s, ts = getattr(ours, method)((5,)), getattr(theirs, method)((5,))
        assert tuple(s.shape) == tuple(ts.shape) == (5, 3, 2)
        # the standard normals are torch's; the factor and the product agree to rounding
        np.testing.assert_allclose(s.numpy(), ts.numpy(), rtol=1e-6, atol=1e-6)


def test_rsample_is_differentiable_in_loc_and_scale():
    loc, tloc = _pair([0.0, 1.0])
    cov, tcov = _pair([[2.0, 0.5], [0.5, 1.0]])
    gg.manual_seed(1)
    torch.manual_seed(1)
    s = gg.distributions.MultivariateNormal(loc, cov).rsample((4,))
    ts = torch.distributions.MultivariateNormal(tloc, tcov).rsample((4,))
    g = gg.autograd.grad(s.pow(2).sum(), (loc, cov))
    tg = torch.autograd.grad(ts.pow(2).sum(), (tloc, tcov))
    _close(g[0], tg[0])
    _close(g[1], tg[1])


def _message(fn, kind=ValueError):
    with pytest.raises(kind) as info:
        fn()
    return str(info.value)


def _mvn(lib, *args, **kwargs):
    return lib.distributions.MultivariateNormal(*args, **kwargs)


@pytest.mark.parametrize(
    "build",
    [
        lambda lib: _mvn(lib, lib.tensor(0.0), lib.eye(2)),
        lambda lib: _mvn(lib, lib.zeros(2)),
        lambda lib: _mvn(lib, lib.zeros(2), lib.eye(2), scale_tril=lib.eye(2)),
        lambda lib: _mvn(lib, lib.zeros(2), lib.ones(2)),
        lambda lib: _mvn(lib, lib.zeros(2), scale_tril=lib.ones(2)),
        lambda lib: _mvn(lib, lib.zeros(2), precision_matrix=lib.ones(2)),
        lambda lib: _mvn(lib, lib.zeros(2), lib.tensor([[1.0, 2.0], [2.0, 1.0]])),
        lambda lib: _mvn(lib, lib.zeros(2), lib.tensor([[1.0, 2.0], [0.0, 1.0]])),
        lambda lib: _mvn(lib, lib.zeros(2), scale_tril=lib.tensor([[1.0, 2.0], [0.0, 1.0]])),
        lambda lib: _mvn(lib, lib.zeros(2), scale_tril=lib.tensor([[-1.0, 0.0], [0.0, 1.0]])),
        lambda lib: _mvn(lib, lib.zeros(2), lib.eye(2)).log_prob(lib.tensor([float("nan"), 0])),
        lambda lib: lib.distributions.kl_divergence(
            _mvn(lib, lib.zeros(2), lib.eye(2)), _mvn(lib, lib.zeros(3), lib.eye(3))
        ),
    ],
)
def test_errors_match_torch(build):
    assert _message(lambda: build(gg)) == _message(lambda: build(torch))


def test_a_matrix_that_is_not_positive_definite_fails_as_torch_without_validation():
    def build(lib):
        return _mvn(lib, lib.zeros(2), lib.tensor([[1.0, 2.0], [2.0, 1.0]]), validate_args=False)

    ours = _message(lambda: build(gg), gg.linalg.LinAlgError)
    assert ours == _message(lambda: build(torch), torch.linalg.LinAlgError)


def test_expand_and_cached_matrices_print_as_torch():
    for lib in (gg, torch):
        d = _mvn(lib, lib.zeros(2), precision_matrix=2 * lib.eye(2)).expand((4,))
        assert tuple(d.covariance_matrix.shape) == (4, 2, 2)
        assert tuple(d.sample((3,)).shape) == (3, 4, 2)
    ours = _mvn(gg, gg.zeros(2), gg.eye(2))
    theirs = _mvn(torch, torch.zeros(2), torch.eye(2))
    assert ours.scale_tril.shape == theirs.scale_tril.shape  # computed once, kept: repr lists it
    assert repr(ours) == repr(theirs)
    assert repr(ours.expand((3,))) == repr(theirs.expand((3,)))
