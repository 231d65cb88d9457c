"""Probability distributions as ``torch.distributions`` has them (Normal, Bernoulli, Categorical,
Uniform, Independent, Gamma, Exponential, Beta, Dirichlet, MultivariateNormal, LogNormal, ...),
and the transforms ``TransformedDistribution`` pushes them through.

Every density is built from differentiable graphgrad ops, so gradients with respect to the
parameters (and higher-order ones) come from autograd. Samples draw from graphgrad's generator
in the same way PyTorch does, so after ``manual_seed`` they equal torch's.

>>> torch.manual_seed(0) is not None
True
>>> torch.distributions.Normal(0.0, 1.0)
Normal(loc: 0.0, scale: 1.0)
"""

from graphgrad.distributions import (
    _kl_more,  # noqa: F401 - registers its KL rules
    relaxed_bernoulli,
    transforms,
)
from graphgrad.distributions._base import Distribution
from graphgrad.distributions._categorical import Categorical, Independent
from graphgrad.distributions._continuous_bernoulli import ContinuousBernoulli
from graphgrad.distributions._counts import Binomial, Geometric, Poisson
from graphgrad.distributions._dirichlet import Beta, Dirichlet
from graphgrad.distributions._exp_family import ExponentialFamily
from graphgrad.distributions._gamma import Exponential, Gamma
from graphgrad.distributions._gamma_derived import FisherSnedecor, NegativeBinomial
from graphgrad.distributions._generalized_pareto import GeneralizedPareto
from graphgrad.distributions._heavy_tailed import Cauchy, Chi2, HalfCauchy, Laplace, StudentT
from graphgrad.distributions._kl import kl_divergence, register_kl
from graphgrad.distributions._lowrank_mvn import LowRankMultivariateNormal
from graphgrad.distributions._mixture import MixtureSameFamily
from graphgrad.distributions._multinomial import Multinomial, OneHotCategorical
from graphgrad.distributions._multivariate_normal import MultivariateNormal
from graphgrad.distributions._relaxed_categorical import RelaxedOneHotCategorical
from graphgrad.distributions._simple import Bernoulli, Normal, Uniform
from graphgrad.distributions._transformed import (
    Gumbel,
    HalfNormal,
    LogNormal,
    TransformedDistribution,
)
from graphgrad.distributions._transformed_more import InverseGamma, Kumaraswamy, Pareto, Weibull
from graphgrad.distributions.relaxed_bernoulli import RelaxedBernoulli
from graphgrad.distributions.transforms import (
    AbsTransform,
    AffineTransform,
    ExpTransform,
    PowerTransform,
    SigmoidTransform,
    TanhTransform,
    Transform,
)

__all__ = [
    "AbsTransform",
    "AffineTransform",
    "Bernoulli",
    "Beta",
    "Binomial",
    "Categorical",
    "Cauchy",
    "Chi2",
    "ContinuousBernoulli",
    "Dirichlet",
    "Distribution",
    "ExpTransform",
    "Exponential",
    "ExponentialFamily",
    "FisherSnedecor",
    "Gamma",
    "GeneralizedPareto",
    "Geometric",
    "Gumbel",
    "HalfCauchy",
    "HalfNormal",
    "Independent",
    "InverseGamma",
    "Kumaraswamy",
    "Laplace",
    "LogNormal",
    "LowRankMultivariateNormal",
    "MixtureSameFamily",
    "Multinomial",
    "MultivariateNormal",
    "NegativeBinomial",
    "Normal",
    "OneHotCategorical",
    "Pareto",
    "Poisson",
    "PowerTransform",
    "RelaxedBernoulli",
    "RelaxedOneHotCategorical",
    "SigmoidTransform",
    "StudentT",
    "TanhTransform",
    "Transform",
    "TransformedDistribution",
    "Uniform",
    "Weibull",
    "kl_divergence",
    "register_kl",
    "relaxed_bernoulli",
    "transforms",
]
