"""LogitRelaxedBernoulli and RelaxedBernoulli: continuous relaxations of a Bernoulli variable
(the binary Concrete / Gumbel-softmax distribution), as ``torch.distributions.relaxed_bernoulli``.

Draws use ``torch.rand`` as torch's do, so they equal torch's after ``manual_seed``.

>>> D = torch.distributions
>>> D.relaxed_bernoulli.LogitRelaxedBernoulli(torch.tensor(0.5), probs=0.3)
LogitRelaxedBernoulli(probs: 0.30000001192092896)
"""

from __future__ import annotations

from graphgrad.distributions._base import Distribution, broadcast_all, real, unit_interval
from graphgrad.distributions._transformed import TransformedDistribution
from graphgrad.distributions.transforms import SigmoidTransform

from .. import _runtime
from ..random import draws
from ..tensor import Tensor

__all__ = ["LogitRelaxedBernoulli", "RelaxedBernoulli"]


def clamp_probs(probs):
    """``probs`` clamped into ``[eps, 1 - eps]`` (torch's ``clamp_probs``)."""
    eps = _runtime.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


class LogitRelaxedBernoulli(Distribution):
    """The logit of a RelaxedBernoulli draw: ``(logit(u) + logits) / temperature``.

    Args:
        temperature: the relaxation temperature (a tensor).
        probs: the probability of a 1.
        logits: the log-odds of a 1.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> d = torch.distributions.relaxed_bernoulli.LogitRelaxedBernoulli(torch.tensor(1.0), 0.5)
    >>> d.log_prob(torch.tensor(0.0))
    tensor(-1.3863)
    """

    arg_constraints = {"probs": unit_interval, "logits": real}
    support = real
    has_rsample = True
    _derived = ("probs", "logits")
    probs: Tensor
    logits: Tensor

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        self.temperature = temperature
        self._given = "probs" if probs is not None else "logits"
        (param,) = broadcast_all(probs if probs is not None else logits)
        setattr(self, self._given, param)
        super().__init__(param.shape, (), validate_args)
        if probs is not None:
            clamped = clamp_probs(param)
            self.logits = clamped.log() - (-clamped).log1p()
        else:
            self.probs = param.sigmoid()

    def _repr_names(self) -> list:
        return [self._given]

    def rsample(self, sample_shape=()):
        """A reparameterised draw, ``(logit(u) + logit(probs)) / temperature``.

        Args:
            sample_shape: the leading shape of the draws.

        >>> d = torch.distributions.relaxed_bernoulli.LogitRelaxedBernoulli(torch.tensor(1.0), 0.5)
        >>> d.rsample((2,)).shape
        torch.Size([2])
        """
        shape = self._extended_shape(sample_shape)
        probs = clamp_probs(self.probs.expand(shape))
        u = clamp_probs(draws.rand(shape, dtype=probs.dtype))
        return (u.log() - (-u).log1p() + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value):
        """The log density of the logit value.

        Args:
            value: real points.

        >>> d = torch.distributions.relaxed_bernoulli.LogitRelaxedBernoulli(torch.tensor(1.0), 0.5)
        >>> d.log_prob(torch.tensor(1.0))
        tensor(-1.6265)
        """
        self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value * self.temperature
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class RelaxedBernoulli(TransformedDistribution):
    """A relaxed Bernoulli on ``(0, 1)``: the sigmoid of a ``LogitRelaxedBernoulli``.

    Args:
        temperature: the relaxation temperature (a tensor).
        probs: the probability of a 1.
        logits: the log-odds of a 1.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> d = torch.distributions.RelaxedBernoulli(torch.tensor(1.0), probs=0.5)
    >>> d.log_prob(torch.tensor(0.5))
    tensor(0.)
    """

    arg_constraints = {"probs": unit_interval, "logits": real}
    support = unit_interval
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base = LogitRelaxedBernoulli(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, SigmoidTransform(), validate_args=validate_args)

    @property
    def temperature(self):
        """The relaxation temperature.

        >>> torch.distributions.RelaxedBernoulli(torch.tensor(0.5), probs=0.25).temperature
        tensor(0.5000)
        """
        return self.base_dist.temperature

    @property
    def probs(self):
        """The probability of a 1.

        >>> torch.distributions.RelaxedBernoulli(torch.tensor(0.5), probs=0.25).probs
        tensor(0.2500)
        """
        return self.base_dist.probs

    @property
    def logits(self):
        """The log-odds of a 1.

        >>> torch.distributions.RelaxedBernoulli(torch.tensor(0.5), logits=0.0).logits
        tensor(0.)
        """
        return self.base_dist.logits
