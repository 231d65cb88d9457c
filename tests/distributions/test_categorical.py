"""Categorical and Independent against torch (issue 12)."""

import numpy as np
import pytest

import graphgrad as gg

torch = pytest.importorskip("torch")

PROBS = [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]
OTHER = [[0.1, 0.8, 0.1], [0.3, 0.3, 0.4]]


def _close(ours, theirs, tol=1e-12):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _param(values):
    return (
        gg.tensor(values, dtype=gg.float64, requires_grad=True),
        torch.tensor(values, dtype=torch.float64, requires_grad=True),
    )


@pytest.mark.parametrize("form", ["probs", "logits"])
def test_categorical_log_prob_entropy_kl_and_gradients_match_torch(form):
    p, tp = _param(PROBS)
    ours = gg.distributions.Categorical(**{form: p})
    theirs = torch.distributions.Categorical(**{form: tp})
    q = gg.distributions.Categorical(probs=gg.tensor(OTHER, dtype=gg.float64))
    tq = torch.distributions.Categorical(probs=torch.tensor(OTHER, dtype=torch.float64))
    idx = [[0, 2], [1, 1], [2, 0]]
    for f, tf in [
        (ours.log_prob(gg.tensor(idx)), theirs.log_prob(torch.tensor(idx))),
        (ours.entropy(), theirs.entropy()),
        (gg.distributions.kl_divergence(ours, q), torch.distributions.kl_divergence(theirs, tq)),
    ]:
        _close(f, tf)
        (g,) = gg.autograd.grad(f.sum(), p, retain_graph=True)
        (tg,) = torch.autograd.grad(tf.sum(), tp, retain_graph=True)
        _close(g, tg)
    _close(ours.probs, theirs.probs)
    _close(ours.logits, theirs.logits)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape) == (2,)
    assert np.isnan(ours.mean.numpy()).all() and tuple(ours.variance.shape) == (2,)


def test_categorical_kl_with_zero_probabilities_matches_torch():
    a, b = [[0.0, 0.5, 0.5]], [[0.5, 0.0, 0.5]]
    kl = gg.distributions.kl_divergence(
        gg.distributions.Categorical(probs=gg.tensor(b)),
        gg.distributions.Categorical(probs=gg.tensor(a)),
    )
    tkl = torch.distributions.kl_divergence(
        torch.distributions.Categorical(probs=torch.tensor(b)),
        torch.distributions.Categorical(probs=torch.tensor(a)),
    )
    np.testing.assert_array_equal(kl.numpy(), tkl.numpy())


def test_categorical_samples_equal_torch_bit_for_bit():
    gg.manual_seed(3)
    torch.manual_seed(3)
    s = gg.distributions.Categorical(probs=gg.tensor(PROBS)).sample((4, 5))
    ts = torch.distributions.Categorical(probs=torch.tensor(PROBS)).sample((4, 5))
    assert s.dtype == gg.int64 and tuple(s.shape) == tuple(ts.shape) == (4, 5, 2)
    np.testing.assert_array_equal(s.numpy(), ts.numpy())


def test_independent_matches_torch():
    loc, tloc = _param([[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]])
    ours = gg.distributions.Independent(gg.distributions.Normal(loc, 2.0), 1)
    theirs = torch.distributions.Independent(torch.distributions.Normal(tloc, 2.0), 1)
    assert repr(ours) == repr(theirs)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    v = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    other = gg.distributions.Independent(
        gg.distributions.Normal(gg.zeros(2, 3, dtype=gg.float64), 1.0), 1
    )
    tother = torch.distributions.Independent(
        torch.distributions.Normal(torch.zeros(2, 3, dtype=torch.float64), 1.0), 1
    )
    for f, tf in [
        (
            ours.log_prob(gg.tensor(v, dtype=gg.float64)),
            theirs.log_prob(torch.tensor(v, dtype=torch.float64)),
        ),
        (ours.entropy(), theirs.entropy()),
        (
            gg.distributions.kl_divergence(ours, other),
            torch.distributions.kl_divergence(theirs, tother),
        ),
    ]:
        _close(f, tf)
        if f.requires_grad:
            _close(gg.autograd.grad(f.sum(), loc)[0], torch.autograd.grad(tf.sum(), tloc)[0])
    gg.manual_seed(1)
    torch.manual_seed(1)
    np.testing.assert_array_equal(ours.sample((2,)).numpy(), theirs.sample((2,)).numpy())


def _message(fn):
    with pytest.raises(ValueError) as info:
        fn()
    return str(info.value)


@pytest.mark.parametrize(
    "build",
    [
        lambda lib: lib.distributions.Categorical(probs=lib.tensor([0.2, -0.3, 0.5])),
        lambda lib: lib.distributions.Categorical(probs=lib.tensor([0.2, 0.3, 0.5])).log_prob(
            lib.tensor(3)
        ),
        lambda lib: lib.distributions.Categorical(probs=lib.tensor(0.5)),
        lambda lib: lib.distributions.Categorical(logits=lib.tensor(0.5)),
        lambda lib: lib.distributions.Categorical(),
        lambda lib: lib.distributions.Independent(lib.distributions.Normal(0.0, 1.0), 1),
    ],
)
def test_errors_match_torch(build):
    assert _message(lambda: build(gg)) == _message(lambda: build(torch))


def test_reprs_and_support_match_torch():
    for build in [
        lambda lib: lib.distributions.Categorical(probs=lib.ones(3)),
        lambda lib: lib.distributions.Categorical(logits=lib.zeros(2, 4)),
    ]:
        assert repr(build(gg)) == repr(build(torch))
        assert repr(build(gg).support) == repr(build(torch).support)
