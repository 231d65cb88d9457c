"""RelaxedOneHotCategorical (the Concrete / Gumbel-softmax distribution on the simplex) and the
ExpRelaxedCategorical it is the exponential of. Draws use ``torch.rand`` as torch's do."""

from __future__ import annotations

from graphgrad.distributions._categorical import real_vector, simplex
from graphgrad.distributions._multinomial import _CategoricalWrapper
from graphgrad.distributions._transformed import TransformedDistribution
from graphgrad.distributions.relaxed_bernoulli import clamp_probs
from graphgrad.distributions.transforms import ExpTransform

from .. import creation
from ..random import draws


class ExpRelaxedCategorical(_CategoricalWrapper):
    """The log of a RelaxedOneHotCategorical draw: ``log_softmax((logits + g) / temperature)``
    with ``g`` standard Gumbel noise.

    Args:
        temperature: the relaxation temperature (a tensor).
        probs: non-negative category weights.
        logits: unnormalised log-probabilities.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> from graphgrad.distributions._relaxed_categorical import ExpRelaxedCategorical
    >>> ExpRelaxedCategorical(torch.tensor(1.0), torch.ones(3)).event_shape
    torch.Size([3])
    """

    support = real_vector
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = temperature
        self._wrap(probs, logits, validate_args)

    def rsample(self, sample_shape=()):
        """A reparameterised draw of log-probabilities.

        Args:
            sample_shape: the leading shape of the draws.
        """
        shape = self._extended_shape(sample_shape)
        u = clamp_probs(draws.rand(shape, dtype=self.logits.dtype))
        gumbels = -((-(u.log())).log())
        scores = (self.logits + gumbels) / self.temperature
        return scores - scores.logsumexp(dim=-1, keepdim=True)

    def log_prob(self, value):
        """The log density of a vector of log-probabilities.

        Args:
            value: vectors of log-probabilities.
        """
        k = self._categorical._num_events
        self._validate_sample(value)
        t = self.temperature
        log_scale = creation.full_like(t, float(k)).lgamma() - t.log() * (-(k - 1))
        score = self.logits - value * t
        score = (score - score.logsumexp(dim=-1, keepdim=True)).sum(-1)
        return score + log_scale


class RelaxedOneHotCategorical(TransformedDistribution):
    """A relaxed one-hot categorical on the simplex: the exponential of an
    ``ExpRelaxedCategorical``.

    Args:
        temperature: the relaxation temperature (a tensor).
        probs: non-negative category weights.
        logits: unnormalised log-probabilities.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> d = torch.distributions.RelaxedOneHotCategorical(torch.tensor(1.0), torch.ones(2))
    >>> d.log_prob(torch.tensor([0.5, 0.5]))
    tensor(0.)
    """

    arg_constraints = {"probs": simplex, "logits": real_vector}
    support = simplex
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base = ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, ExpTransform(), validate_args=validate_args)

    @property
    def temperature(self):
        """The relaxation temperature.

        >>> D = torch.distributions
        >>> D.RelaxedOneHotCategorical(torch.tensor(0.5), torch.ones(2)).temperature
        tensor(0.5000)
        """
        return self.base_dist.temperature

    @property
    def probs(self):
        """The normalised probabilities of the categories.

        >>> D = torch.distributions
        >>> D.RelaxedOneHotCategorical(torch.tensor(0.5), torch.ones(2)).probs
        tensor([0.5000, 0.5000])
        """
        return self.base_dist.probs

    @property
    def logits(self):
        """The normalised log-probabilities of the categories.

        >>> D = torch.distributions
        >>> D.RelaxedOneHotCategorical(torch.tensor(0.5), torch.ones(2)).logits
        tensor([-0.6931, -0.6931])
        """
        return self.base_dist.logits
