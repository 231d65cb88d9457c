"""FisherSnedecor (a ratio of gamma draws) and NegativeBinomial (a gamma-Poisson mixture).

FisherSnedecor draws its two gammas as torch does, so its samples equal torch's after
``manual_seed``; NegativeBinomial's Poisson step is not torch's sampler (see ``_counts``).
"""

from __future__ import annotations

import math

from graphgrad.distributions._base import (
    Constraint,
    Distribution,
    broadcast_all,
    nonnegative_integer,
    positive,
    real,
)
from graphgrad.distributions._counts import numpy_generator
from graphgrad.distributions._gamma import Gamma
from graphgrad.distributions._transformed import as_value

from .. import _runtime, creation
from ..autograd import grad_mode
from ..nn import functional as F  # noqa: N812 - as PyTorch code names it
from ..ops.elementwise import where
from ..tensor import Tensor

half_open_unit = Constraint(
    "HalfOpenInterval(lower_bound=0.0, upper_bound=1.0)", lambda v: (v >= 0) & (v < 1)
)
nonnegative_count = Constraint("GreaterThanEq(lower_bound=0)", lambda v: v >= 0)


class FisherSnedecor(Distribution):
    """The F distribution with ``df1`` and ``df2`` degrees of freedom.

    ``rsample`` is differentiable when the degrees of freedom do not require grad (the gamma
    draws are not differentiable in their concentration, see ``Gamma``).

    Args:
        df1: the numerator's degrees of freedom, positive.
        df2: the denominator's degrees of freedom, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.FisherSnedecor(2.0, 2.0).log_prob(torch.tensor(1.0))
    tensor(-1.3863)
    """

    arg_constraints = {"df1": positive, "df2": positive}
    support = positive
    has_rsample = True

    def __init__(self, df1, df2, validate_args=None):
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        super().__init__(self.df1.shape, (), validate_args)

    def expand(self, batch_shape, _instance=None):
        """The same distribution with its parameters expanded to ``batch_shape``.

        Args:
            batch_shape: the new batch shape.
            _instance: unused (torch's hook for subclasses).

        >>> torch.distributions.FisherSnedecor(2.0, 3.0).expand((2,)).batch_shape
        torch.Size([2])
        """
        new = super().expand(batch_shape, _instance)
        new._gamma1 = self._gamma1.expand(batch_shape)
        new._gamma2 = self._gamma2.expand(batch_shape)
        return new

    @property
    def mean(self):
        """The mean, ``df2 / (df2 - 2)`` (``nan`` where ``df2 <= 2``).

        >>> torch.distributions.FisherSnedecor(1.0, 4.0).mean
        tensor(2.)
        """
        df2 = self.df2
        return where(df2 <= 2, math.nan, df2 / (df2 - 2))

    @property
    def mode(self):
        """The mode, ``(df1 - 2) / df1 * df2 / (df2 + 2)`` (``nan`` where ``df1 <= 2``).

        >>> torch.distributions.FisherSnedecor(4.0, 2.0).mode
        tensor(0.2500)
        """
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return where(self.df1 <= 2, math.nan, mode)

    @property
    def variance(self):
        """The variance (``nan`` where ``df2 <= 4``).

        >>> torch.distributions.FisherSnedecor(5.0, 6.0).variance
        tensor(4.0500)
        """
        # nan put into df2 first (as torch does), so the df1-gradient there is nan too
        df1, df2 = self.df1, where(self.df2 <= 4, math.nan, self.df2)
        return 2 * df2.pow(2) * (df1 + df2 - 2) / (df1 * (df2 - 2).pow(2) * (df2 - 4))

    def rsample(self, sample_shape=()):
        """A draw ``X1 / X2`` of the two gammas (each clamped up to the smallest normal).

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.FisherSnedecor(2.0, 3.0).rsample((2,)).shape
        torch.Size([2])
        """
        x1 = self._gamma1.rsample(sample_shape)
        x2 = self._gamma2.rsample(sample_shape)
        tiny = _runtime.finfo(x2.dtype).tiny
        return (x1 / x2.clamp(min=tiny)).clamp(min=tiny)

    def log_prob(self, value):
        """The log density at ``value``.

        Args:
            value: positive points.

        >>> torch.distributions.FisherSnedecor(2.0, 2.0).log_prob(torch.tensor(3.0))
        tensor(-2.7726)
        """
        value = as_value(value, self.df1)
        self._validate_sample(value)
        ct1, ct2 = self.df1 * 0.5, self.df2 * 0.5
        ct3 = self.df1 / self.df2
        t1 = (ct1 + ct2).lgamma() - ct1.lgamma() - ct2.lgamma()
        t2 = ct1 * ct3.log() + (ct1 - 1) * value.log()
        t3 = (ct1 + ct2) * (ct3 * value).log1p()
        return t1 + t2 - t3


class NegativeBinomial(Distribution):
    """The number of successes before ``total_count`` failures in Bernoulli(``probs``) trials.

    Draws are a Poisson of a gamma draw; the Poisson step is not torch's sampler (see
    ``Poisson``), so they are repeatable after ``manual_seed`` but differ from torch's.

    Args:
        total_count: the number of failures, non-negative.
        probs: the success probability, in ``[0, 1)``.
        logits: the log-odds of success.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.NegativeBinomial(1.0, torch.tensor(0.5)).log_prob(torch.tensor(0.0))
    tensor(-0.6931)
    """

    arg_constraints = {"total_count": nonnegative_count, "probs": half_open_unit, "logits": real}
    support = nonnegative_integer
    _derived = ("total_count", "probs", "logits")

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        given = probs if probs is not None else logits
        self.total_count, param = broadcast_all(total_count, given)
        self.total_count = self.total_count.to(param.dtype)
        self._given = "probs" if probs is not None else "logits"
        setattr(self, self._given, param)
        super().__init__(param.shape, (), validate_args)
        if probs is not None:
            eps = _runtime.finfo(param.dtype).eps
            clamped = param.clamp(eps, 1 - eps)
            self.logits = clamped.log() - (-clamped).log1p()
        else:
            self.probs = param.sigmoid()

    probs: Tensor
    logits: Tensor

    def _repr_names(self) -> list:
        return ["total_count", self._given]

    @property
    def mean(self):
        """The mean, ``total_count * exp(logits)``.

        >>> torch.distributions.NegativeBinomial(2.0, torch.tensor(0.5)).mean
        tensor(2.)
        """
        return self.total_count * self.logits.exp()

    @property
    def mode(self):
        """The mode, ``floor((total_count - 1) * exp(logits))`` clamped at 0.

        >>> torch.distributions.NegativeBinomial(3.0, torch.tensor(0.5)).mode
        tensor(2.)
        """
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        """The variance, ``mean / (1 - probs)``.

        >>> torch.distributions.NegativeBinomial(2.0, torch.tensor(0.5)).variance
        tensor(4.)
        """
        return self.mean / (-self.logits).sigmoid()

    def sample(self, sample_shape=()):
        """Poisson draws whose rates are gamma draws (as torch composes them).

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.NegativeBinomial(2.0, torch.tensor(0.5)).sample((3,)).shape
        torch.Size([3])
        """
        with grad_mode.no_grad():
            gamma = Gamma(self.total_count, (-self.logits).exp(), validate_args=False)
            rate = gamma.sample(sample_shape).numpy()
            counts = numpy_generator().poisson(rate).astype(rate.dtype)
            return creation.tensor(counts, dtype=self.probs.dtype)

    def log_prob(self, value):
        """The log-probability of ``value`` successes, computed from the logits.

        Args:
            value: non-negative whole numbers.

        >>> torch.distributions.NegativeBinomial(1.0, torch.tensor(0.5)).log_prob(torch.tensor(1.0))
        tensor(-1.3863)
        """
        value = as_value(value, self.probs)
        self._validate_sample(value)
        n, logits = self.total_count, self.logits
        unnormalized = n * F.logsigmoid(-logits) + value * F.logsigmoid(logits)
        normalization = -(n + value).lgamma() + (1.0 + value).lgamma() + n.lgamma()
        normalization = where(n + value == 0, 0.0, normalization)
        return unnormalized - normalization
