"""ExponentialFamily: membership as torch's, and the Bregman-divergence entropy against torch."""

import numpy as np
import pytest

import graphgrad as gg

torch = pytest.importorskip("torch")

CASES = [
    lambda D, t: D.Normal(t.tensor([0.0, 1.0]), t.tensor([2.0, 0.5])),
    lambda D, t: D.Exponential(t.tensor([2.0, 0.3])),
    lambda D, t: D.Gamma(t.tensor([2.0, 0.3]), t.tensor([1.5, 3.0])),
    lambda D, t: D.Bernoulli(t.tensor([0.2, 0.7])),
]


@pytest.mark.parametrize("index", range(len(CASES)))
def test_bregman_entropy_matches_torch_and_the_closed_form(index):
    ours, theirs = CASES[index](gg.distributions, gg), CASES[index](torch.distributions, torch)
    entropy = gg.distributions.ExponentialFamily.entropy(ours)
    tentropy = torch.distributions.ExponentialFamily.entropy(theirs)
    np.testing.assert_allclose(entropy.detach().numpy(), tentropy.detach().numpy(), rtol=1e-5)
    np.testing.assert_allclose(entropy.detach().numpy(), ours.entropy().numpy(), rtol=1e-5)


def test_membership_matches_torch():
    names = [n for n in gg.distributions.__all__ if n[0].isupper()]
    for name in names:
        ours, theirs = getattr(gg.distributions, name), getattr(torch.distributions, name)
        assert issubclass(ours, gg.distributions.ExponentialFamily) == issubclass(
            theirs, torch.distributions.ExponentialFamily
        ), name


def test_poisson_and_beta_entropy_raise_as_torchs():
    for make in [lambda D, t: D.Poisson(t.tensor(2.0)), lambda D, t: D.Beta(2.0, 3.0)]:
        with pytest.raises(NotImplementedError):
            gg.distributions.ExponentialFamily.entropy(make(gg.distributions, gg))
        with pytest.raises(NotImplementedError):
            torch.distributions.ExponentialFamily.entropy(make(torch.distributions, torch))
