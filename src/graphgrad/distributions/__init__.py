"""Probability distributions as ``torch.distributions`` has them (Normal, Bernoulli, Categorical,
Uniform, Independent, Gamma, Exponential, Beta, Dirichlet, MultivariateNormal).

Every density is built from differentiable graphgrad ops, so gradients with respect to the
parameters (and higher-order ones) come from autograd. Samples draw from graphgrad's generator
in the same way PyTorch does, so after ``manual_seed`` they equal torch's.

>>> torch.manual_seed(0) is not None
True
>>> torch.distributions.Normal(0.0, 1.0)
Normal(loc: 0.0, scale: 1.0)
"""

from graphgrad.distributions._base import Distribution
from graphgrad.distributions._categorical import Categorical, Independent
from graphgrad.distributions._dirichlet import Beta, Dirichlet
from graphgrad.distributions._gamma import Exponential, Gamma
from graphgrad.distributions._kl import kl_divergence, register_kl
from graphgrad.distributions._multivariate_normal import MultivariateNormal
from graphgrad.distributions._simple import Bernoulli, Normal, Uniform

__all__ = [
    "Bernoulli",
    "Beta",
    "Categorical",
    "Dirichlet",
    "Distribution",
    "Exponential",
    "Gamma",
    "Independent",
    "MultivariateNormal",
    "Normal",
    "Uniform",
    "kl_divergence",
    "register_kl",
]
