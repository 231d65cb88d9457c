"""Normal, Bernoulli and Uniform, built from differentiable graphgrad ops."""

from __future__ import annotations

import math

from graphgrad.distributions._base import (
    LOG_SQRT_2PI,
    Constraint,
    Distribution,
    boolean,
    broadcast_all,
    positive,
    real,
    unit_interval,
)
from graphgrad.distributions._exp_family import ExponentialFamily

from .. import _runtime, creation
from ..autograd import grad_mode
from ..nn import functional as F  # noqa: N812 - as PyTorch code names it
from ..ops.elementwise import where
from ..random import draws
from ..tensor import Tensor


class Normal(ExponentialFamily):
    """The normal distribution with mean ``loc`` and standard deviation ``scale``.

    Args:
        loc: the mean (a number or tensor).
        scale: the standard deviation, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Normal(torch.tensor(0.0), torch.tensor(1.0)).log_prob(torch.tensor(0.0))
    tensor(-0.9189)
    """

    arg_constraints = {"loc": real, "scale": positive}
    support = real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, (), validate_args)

    @property
    def mean(self):
        """The mean, ``loc``.

        >>> torch.distributions.Normal(1.0, 2.0).mean
        tensor(1.)
        """
        return self.loc

    @property
    def mode(self):
        """The mode, ``loc``.

        >>> torch.distributions.Normal(1.0, 2.0).mode
        tensor(1.)
        """
        return self.loc

    @property
    def variance(self):
        """The variance, ``scale ** 2``.

        >>> torch.distributions.Normal(1.0, 2.0).variance
        tensor(4.)
        """
        return self.scale.pow(2)

    @property
    def stddev(self):
        """The standard deviation, ``scale``.

        >>> torch.distributions.Normal(1.0, 2.0).stddev
        tensor(2.)
        """
        return self.scale

    def sample(self, sample_shape=()):
        """Draws as ``torch.normal(loc, scale)`` makes them, without gradient.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Normal(0.0, 1.0).sample((3,)).shape
        torch.Size([3])
        """
        shape = self._extended_shape(sample_shape)
        with grad_mode.no_grad():
            return draws.normal(self.loc.expand(shape), self.scale.expand(shape))

    def rsample(self, sample_shape=()):
        """A reparameterised draw, ``loc + eps * scale``, differentiable in the parameters.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Normal(0.0, 1.0).rsample((2, 3)).shape
        torch.Size([2, 3])
        """
        shape = self._extended_shape(sample_shape)
        eps = creation.empty(shape, dtype=self.loc.dtype).normal_()
        return self.loc + eps * self.scale

    def log_prob(self, value):
        """The log density at ``value``.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.Normal(0.0, 1.0).log_prob(torch.tensor(1.0))
        tensor(-1.4189)
        """
        value = _as_value(value, self.loc)
        self._validate_sample(value)
        var = self.scale.pow(2)
        return -((value - self.loc) ** 2) / (2 * var) - self.scale.log() - LOG_SQRT_2PI

    def cdf(self, value):
        """The cumulative distribution function, ``(1 + erf((value - loc) / (scale sqrt 2))) / 2``.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.Normal(0.0, 1.0).cdf(torch.tensor(0.0))
        tensor(0.5000)
        """
        value = _as_value(value, self.loc)
        self._validate_sample(value)
        return 0.5 * (1 + ((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)).erf())

    def icdf(self, value):
        """The inverse of ``cdf``, ``loc + scale * sqrt(2) * erfinv(2 value - 1)``.

        Args:
            value: probabilities in ``[0, 1]``.

        >>> torch.distributions.Normal(1.0, 1.0).icdf(torch.tensor(0.5))
        tensor(1.)
        """
        value = _as_value(value, self.loc)
        return self.loc + self.scale * (2 * value - 1).erfinv() * math.sqrt(2)

    @property
    def _natural_params(self) -> tuple:
        return (self.loc / self.scale.pow(2), -0.5 * self.scale.pow(2).reciprocal())

    def _log_normalizer(self, x, y):
        return -0.25 * x.pow(2) / y + 0.5 * (-math.pi / y).log()

    _mean_carrier_measure = 0

    def entropy(self):
        """The differential entropy, ``0.5 + 0.5 * log(2 pi) + log(scale)``.

        >>> torch.distributions.Normal(0.0, 1.0).entropy()
        tensor(1.4189)
        """
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()


def _as_value(value, like):
    return value if isinstance(value, Tensor) else creation.tensor(value, dtype=like.dtype)


class Uniform(Distribution):
    """The uniform distribution on the half-open interval ``[low, high)``.

    Args:
        low: the lower bound (inclusive).
        high: the upper bound (exclusive).
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Uniform(0.0, 2.0).log_prob(torch.tensor(1.0))
    tensor(-0.6931)
    """

    arg_constraints = {"low": real, "high": real}
    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        if validate_args is not False and not bool((self.low < self.high).all()):
            raise ValueError(
                f"Expected parameter low (Tensor of shape {tuple(self.low.shape)}) of "
                f"distribution {self!r} to satisfy the constraint "
                f"LessThan(upper_bound={_bound(self.high)}), but found invalid values:\n"
                f"{_bound(self.low)}"
            )
        super().__init__(self.low.shape, (), validate_args)

    @property
    def support(self):
        """``Interval(lower_bound=low, upper_bound=high)``.

        >>> torch.distributions.Uniform(0.0, 1.0).support
        Interval(lower_bound=0.0, upper_bound=1.0)
        """
        low, high = self.low, self.high
        name = f"Interval(lower_bound={_bound(low)}, upper_bound={_bound(high)})"
        return Constraint(name, lambda v: (low <= v) & (v <= high))

    @property
    def mean(self):
        """The mean, ``(low + high) / 2``.

        >>> torch.distributions.Uniform(0.0, 2.0).mean
        tensor(1.)
        """
        return (self.high + self.low) / 2

    @property
    def mode(self):
        """Undefined for a uniform: ``nan`` of the batch shape, as torch gives.

        >>> torch.distributions.Uniform(0.0, 1.0).mode
        tensor(nan)
        """
        return self.high * math.nan

    @property
    def variance(self):
        """The variance, ``(high - low) ** 2 / 12``.

        >>> torch.distributions.Uniform(0.0, 6.0).variance
        tensor(3.)
        """
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape=()):
        """A reparameterised draw, ``low + u * (high - low)`` with ``u = torch.rand``.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Uniform(0.0, 1.0).rsample((2,)).shape
        torch.Size([2])
        """
        shape = self._extended_shape(sample_shape)
        u = draws.rand(shape, dtype=self.low.dtype)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        """``-log(high - low)`` inside the support, ``-inf`` outside.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.Uniform(0.0, 1.0).log_prob(torch.tensor(0.5))
        tensor(0.)
        """
        value = _as_value(value, self.low)
        self._validate_sample(value)
        inside = (self.low <= value) & (self.high > value)
        return inside.to(self.low.dtype).log() - (self.high - self.low).log()

    def cdf(self, value):
        """The cumulative distribution function, ``(value - low) / (high - low)`` in ``[0, 1]``.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.Uniform(0.0, 4.0).cdf(torch.tensor(1.0))
        tensor(0.2500)
        """
        value = _as_value(value, self.low)
        self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value):
        """The inverse of ``cdf``, ``low + value * (high - low)``.

        Args:
            value: probabilities in ``[0, 1]``.

        >>> torch.distributions.Uniform(0.0, 4.0).icdf(torch.tensor(0.25))
        tensor(1.)
        """
        value = _as_value(value, self.low)
        return value * (self.high - self.low) + self.low

    def entropy(self):
        """The differential entropy, ``log(high - low)``.

        >>> torch.distributions.Uniform(0.0, 1.0).entropy()
        tensor(0.)
        """
        return (self.high - self.low).log()


def _bound(t):
    return t.item() if t.dim() == 0 else t


class Bernoulli(ExponentialFamily):
    """The Bernoulli distribution, given by ``probs`` or ``logits`` (exactly one).

    Args:
        probs: the probability of a 1.
        logits: the log-odds of a 1.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Bernoulli(probs=0.25).mean
    tensor(0.2500)
    """

    has_rsample = False
    support = boolean
    _derived = ("probs", "logits")

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
            self.arg_constraints = {"probs": unit_interval}
            shape = self.probs.shape
        else:
            (self.logits,) = broadcast_all(logits)
            self.arg_constraints = {"logits": real}
            shape = self.logits.shape
        super().__init__(shape, (), validate_args)
        if probs is not None:
            eps = _runtime.finfo(self.probs.dtype).eps
            clamped = self.probs.clamp(eps, 1 - eps)
            self.logits = clamped.log() - (-clamped).log1p()
        else:
            self.probs = self.logits.sigmoid()

    @property
    def mean(self):
        """The mean, ``probs``.

        >>> torch.distributions.Bernoulli(probs=0.5).mean
        tensor(0.5000)
        """
        return self.probs

    @property
    def mode(self):
        """1 where ``probs > 0.5``, 0 where below, ``nan`` at exactly 0.5 (as torch gives).

        >>> torch.distributions.Bernoulli(probs=torch.tensor([0.2, 0.5, 0.7])).mode
        tensor([0., nan, 1.])
        """
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return where(self.probs == 0.5, math.nan, mode)

    @property
    def variance(self):
        """The variance, ``probs * (1 - probs)``.

        >>> torch.distributions.Bernoulli(probs=0.5).variance
        tensor(0.2500)
        """
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        """Draws as ``torch.bernoulli(probs)`` makes them.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Bernoulli(probs=1.0).sample((2,))
        tensor([1., 1.])
        """
        shape = self._extended_shape(sample_shape)
        with grad_mode.no_grad():
            return draws.bernoulli(self.probs.expand(shape))

    def log_prob(self, value):
        """``value * log(p) + (1 - value) * log(1 - p)``, computed stably from the logits.

        Args:
            value: the 0/1 outcomes.

        >>> torch.distributions.Bernoulli(probs=0.5).log_prob(torch.tensor(1.0))
        tensor(-0.6931)
        """
        value = _as_value(value, self.probs)
        self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        bce = F.binary_cross_entropy_with_logits
        return -bce(logits, value, reduction="none")

    @property
    def _natural_params(self) -> tuple:
        return (self.logits,)

    def _log_normalizer(self, x):
        return x.exp().log1p()

    _mean_carrier_measure = 0

    def entropy(self):
        """The entropy, ``-(p log p + (1 - p) log(1 - p))``.

        >>> torch.distributions.Bernoulli(probs=0.5).entropy()
        tensor(0.6931)
        """
        bce = F.binary_cross_entropy_with_logits
        return bce(self.logits, self.probs, reduction="none")
