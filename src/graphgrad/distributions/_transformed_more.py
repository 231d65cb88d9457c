"""Weibull, Pareto, InverseGamma and Kumaraswamy: transformed exponential, gamma and uniform
distributions (draws push torch's base draws through the same maps, so they equal torch's)."""

from __future__ import annotations

import math

from graphgrad.distributions._base import (
    broadcast_all,
    greater_than_eq,
    positive,
    unit_interval,
)
from graphgrad.distributions._gamma import Exponential, Gamma
from graphgrad.distributions._simple import Uniform
from graphgrad.distributions._transformed import EULER_GAMMA, TransformedDistribution
from graphgrad.distributions.transforms import AffineTransform, ExpTransform, PowerTransform

from .. import creation
from ..ops.elementwise import where


class Weibull(TransformedDistribution):
    """The Weibull distribution with ``scale`` and shape ``concentration``:
    ``scale * E ** (1 / concentration)`` for ``E ~ Exponential(1)``.

    Args:
        scale: the scale, positive.
        concentration: the shape, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Weibull(1.0, 1.0).log_prob(torch.tensor(1.0))
    tensor(-1.)
    """

    arg_constraints = {"scale": positive, "concentration": positive}
    support = positive

    def __init__(self, scale, concentration, validate_args=None):
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base = Exponential(creation.ones_like(self.scale), validate_args=validate_args)
        transforms = [
            PowerTransform(exponent=self.concentration_reciprocal),
            AffineTransform(loc=0, scale=self.scale),
        ]
        super().__init__(base, transforms, validate_args=validate_args)

    _derived = ("concentration_reciprocal",)

    @property
    def mean(self):
        """The mean, ``scale * gamma(1 + 1 / concentration)``.

        >>> torch.distributions.Weibull(2.0, 1.0).mean
        tensor(2.)
        """
        return self.scale * (1 + self.concentration_reciprocal).lgamma().exp()

    @property
    def mode(self):
        """The mode, ``scale * ((k - 1) / k) ** (1 / k)`` (``nan`` for ``k < 1``, as torch).

        >>> torch.distributions.Weibull(1.0, 2.0).mode
        tensor(0.7071)
        """
        k = self.concentration
        return self.scale * ((k - 1) / k).pow(k.reciprocal())

    @property
    def variance(self):
        """The variance, ``scale**2 * (gamma(1 + 2/k) - gamma(1 + 1/k)**2)``.

        >>> torch.distributions.Weibull(1.0, 1.0).variance
        tensor(1.)
        """
        r = self.concentration_reciprocal
        return self.scale.pow(2) * ((1 + 2 * r).lgamma().exp() - (2 * (1 + r).lgamma()).exp())

    def entropy(self):
        """The differential entropy.

        >>> torch.distributions.Weibull(1.0, 1.0).entropy()
        tensor(1.)
        """
        r = self.concentration_reciprocal
        return EULER_GAMMA * (1 - r) + (self.scale * r).log() + 1


class Pareto(TransformedDistribution):
    """The Pareto (type I) distribution with minimum ``scale`` and tail index ``alpha``:
    ``scale * exp(E)`` for ``E ~ Exponential(alpha)``.

    Args:
        scale: the minimum value, positive.
        alpha: the tail index, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Pareto(1.0, 1.0).log_prob(torch.tensor(1.0))
    tensor(0.)
    """

    arg_constraints = {"alpha": positive, "scale": positive}

    def __init__(self, scale, alpha, validate_args=None):
        self.scale, self.alpha = broadcast_all(scale, alpha)
        base = Exponential(self.alpha, validate_args=validate_args)
        transforms = [ExpTransform(), AffineTransform(loc=0, scale=self.scale)]
        super().__init__(base, transforms, validate_args=validate_args)

    @property
    def support(self):
        """``GreaterThanEq(lower_bound=scale)``.

        >>> torch.distributions.Pareto(2.0, 1.0).support
        GreaterThanEq(lower_bound=2.0)
        """
        return greater_than_eq(self.scale)

    @property
    def mean(self):
        """The mean, ``alpha * scale / (alpha - 1)`` (``inf`` for ``alpha <= 1``).

        >>> torch.distributions.Pareto(1.0, 2.0).mean
        tensor(2.)
        """
        a = self.alpha.clamp(min=1)
        return a * self.scale / (a - 1)

    @property
    def mode(self):
        """The mode, ``scale``.

        >>> torch.distributions.Pareto(2.0, 1.0).mode
        tensor(2.)
        """
        return self.scale

    @property
    def variance(self):
        """The variance (``inf`` for ``alpha <= 2``).

        >>> torch.distributions.Pareto(1.0, 3.0).variance
        tensor(0.7500)
        """
        a = self.alpha.clamp(min=2)
        return self.scale.pow(2) * a / ((a - 1).pow(2) * (a - 2))

    def entropy(self):
        """The differential entropy, ``log(scale / alpha) + 1 + 1 / alpha``.

        >>> torch.distributions.Pareto(1.0, 1.0).entropy()
        tensor(2.)
        """
        return (self.scale / self.alpha).log() + (1 + self.alpha.reciprocal())


class InverseGamma(TransformedDistribution):
    """The distribution of ``1 / X`` for ``X ~ Gamma(concentration, rate)``.

    ``rsample`` is differentiable in ``rate`` only, as ``Gamma``'s.

    Args:
        concentration: the shape, positive.
        rate: the scale of ``1 / X``, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.InverseGamma(1.0, 1.0).log_prob(torch.tensor(1.0))
    tensor(-1.)
    """

    arg_constraints = {"concentration": positive, "rate": positive}
    _property_params = ("concentration", "rate")
    support = positive

    def __init__(self, concentration, rate, validate_args=None):
        base = Gamma(concentration, rate, validate_args=validate_args)
        minus_one = -creation.ones((), dtype=base.rate.dtype)
        super().__init__(base, PowerTransform(minus_one), validate_args=validate_args)

    @property
    def concentration(self):
        """The shape of the gamma distribution.

        >>> torch.distributions.InverseGamma(3.0, 2.0).concentration
        tensor(3.)
        """
        return self.base_dist.concentration

    @property
    def rate(self):
        """The rate of the gamma distribution.

        >>> torch.distributions.InverseGamma(3.0, 2.0).rate
        tensor(2.)
        """
        return self.base_dist.rate

    @property
    def mean(self):
        """The mean, ``rate / (concentration - 1)`` (``inf`` for ``concentration <= 1``).

        >>> torch.distributions.InverseGamma(3.0, 2.0).mean
        tensor(1.)
        """
        c = self.concentration
        return where(c > 1, self.rate / (c - 1), math.inf)

    @property
    def mode(self):
        """The mode, ``rate / (concentration + 1)``.

        >>> torch.distributions.InverseGamma(1.0, 2.0).mode
        tensor(1.)
        """
        return self.rate / (self.concentration + 1)

    @property
    def variance(self):
        """The variance (``inf`` for ``concentration <= 2``).

        >>> torch.distributions.InverseGamma(3.0, 2.0).variance
        tensor(1.)
        """
        c = self.concentration
        finite = self.rate.pow(2) / ((c - 1).pow(2) * (c - 2))
        return where(c > 2, finite, math.inf)

    def entropy(self):
        """The differential entropy.

        >>> torch.distributions.InverseGamma(1.0, 1.0).entropy()
        tensor(2.1544)
        """
        c = self.concentration
        return c + self.rate.log() + c.lgamma() - (1 + c) * c.digamma()


def _kumaraswamy_moment(a, b, n: int):
    """``E[X**n]`` of Kumaraswamy(a, b): ``b * B(1 + n / a, b)``."""
    arg1 = 1 + n / a
    return b * (arg1.lgamma() + b.lgamma() - (arg1 + b).lgamma()).exp()


class Kumaraswamy(TransformedDistribution):
    """The Kumaraswamy distribution on ``(0, 1)`` with shapes ``concentration1`` (a) and
    ``concentration0`` (b): ``(1 - U ** (1 / b)) ** (1 / a)`` for ``U`` uniform.

    Args:
        concentration1: the first shape ``a``, positive.
        concentration0: the second shape ``b``, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Kumaraswamy(1.0, 1.0).log_prob(torch.tensor(0.5))
    tensor(0.)
    """

    arg_constraints = {"concentration1": positive, "concentration0": positive}
    support = unit_interval

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        c0 = self.concentration0
        base = Uniform(
            creation.full_like(c0, 0), creation.full_like(c0, 1), validate_args=validate_args
        )
        transforms = [
            PowerTransform(exponent=c0.reciprocal()),
            AffineTransform(loc=1.0, scale=-1.0),
            PowerTransform(exponent=self.concentration1.reciprocal()),
        ]
        super().__init__(base, transforms, validate_args=validate_args)

    @property
    def mean(self):
        """The mean, ``b * B(1 + 1 / a, b)``.

        >>> torch.distributions.Kumaraswamy(1.0, 1.0).mean
        tensor(0.5000)
        """
        return _kumaraswamy_moment(self.concentration1, self.concentration0, 1)

    @property
    def mode(self):
        """The mode, ``((a - 1) / (a b - 1)) ** (1 / a)`` (``nan`` where ``a < 1`` or ``b < 1``).

        >>> torch.distributions.Kumaraswamy(2.0, 2.0).mode
        tensor(0.5774)
        """
        a, b = self.concentration1, self.concentration0
        log_mode = a.reciprocal() * ((a - 1).log() - (a * b - 1).log())
        log_mode = where((a < 1) | (b < 1), math.nan, log_mode)
        return log_mode.exp()

    @property
    def variance(self):
        """The variance, ``E[X**2] - E[X]**2``.

        >>> torch.distributions.Kumaraswamy(1.0, 1.0).variance
        tensor(0.0833)
        """
        a, b = self.concentration1, self.concentration0
        return _kumaraswamy_moment(a, b, 2) - self.mean.pow(2)

    def entropy(self):
        """The differential entropy.

        >>> torch.distributions.Kumaraswamy(1.0, 1.0).entropy()
        tensor(0.)
        """
        a, b = self.concentration1, self.concentration0
        t1, t0 = 1 - a.reciprocal(), 1 - b.reciprocal()
        harmonic = (b + 1).digamma() + EULER_GAMMA
        return t0 + t1 * harmonic - a.log() - b.log()
