"""GeneralizedPareto: the limit distribution of exceedances over a high threshold."""

from __future__ import annotations

import math

from graphgrad.distributions._base import Constraint, Distribution, broadcast_all, positive, real
from graphgrad.distributions._transformed import as_value

from .. import creation
from ..ops.elementwise import where
from ..random import draws


class GeneralizedPareto(Distribution):
    """The generalized Pareto distribution with location ``loc``, ``scale`` and shape
    ``concentration`` (``0`` gives the exponential, negative values a bounded support).

    Draws are ``icdf(u)`` of ``torch.rand`` draws, as torch's, so they equal torch's after
    ``manual_seed``; ``rsample`` is differentiable in all three parameters.

    Args:
        loc: the location (the lower end of the support).
        scale: the scale, positive.
        concentration: the shape.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.GeneralizedPareto(0.0, 1.0, 0.0).log_prob(torch.tensor(1.0))
    tensor(-1.)
    """

    arg_constraints = {"loc": real, "scale": positive, "concentration": real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        super().__init__(self.loc.shape, (), validate_args)

    @property
    def support(self):
        """``Interval(loc, upper)`` with ``upper = loc - scale / concentration`` for a negative
        concentration, else infinity.

        >>> torch.distributions.GeneralizedPareto(0.0, 1.0, -0.5).support
        Interval(lower_bound=0.0, upper_bound=2.0)
        """
        low = self.loc
        high = where(self.concentration < 0, low - self.scale / self.concentration, math.inf)
        name = f"Interval(lower_bound={_bound(low)}, upper_bound={_bound(high)})"
        return Constraint(name, lambda v: (v >= low) & (v <= high))

    def _z(self, value):
        return (value - self.loc) / self.scale

    def _is_zero(self):
        # torch takes the exponential branch where isclose(concentration, 0)
        return self.concentration.abs() <= 1e-8

    def rsample(self, sample_shape=()):
        """A reparameterised draw, ``icdf(u)`` with ``u = torch.rand``.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.GeneralizedPareto(0.0, 1.0, 0.5).rsample((2,)).shape
        torch.Size([2])
        """
        shape = self._extended_shape(sample_shape)
        return self.icdf(draws.rand(shape, dtype=self.loc.dtype))

    def log_prob(self, value):
        """``-(1 / c + 1) log1p(c z) - log(scale)`` (``-z - log(scale)`` for ``c = 0``),
        with ``z = (value - loc) / scale``.

        Args:
            value: points in the support.

        >>> torch.distributions.GeneralizedPareto(0.0, 1.0, 1.0).log_prob(torch.tensor(1.0))
        tensor(-1.3863)
        """
        value = as_value(value, self.loc)
        self._validate_sample(value)
        z, c = self._z(value), self._safe_concentration()
        log_scale = self.scale.log()
        general = -(1 / c + 1) * (c * z).log1p() - log_scale
        return where(self._is_zero(), -z - log_scale, general)

    def _safe_concentration(self):
        """The concentration with its zeros replaced by 1 (their branch is not used), so the
        unused branch has no ``0 / 0`` to poison gradients."""
        return where(self._is_zero(), creation.ones_like(self.concentration), self.concentration)

    def log_survival_function(self, value):
        """``log(1 - cdf(value))``: ``-log1p(c z) / c`` (``-z`` for ``c = 0``).

        Args:
            value: points in the support.

        >>> gp = torch.distributions.GeneralizedPareto(0.0, 1.0, 0.0)
        >>> gp.log_survival_function(torch.tensor(2.0))
        tensor(-2.)
        """
        value = as_value(value, self.loc)
        self._validate_sample(value)
        z, c = self._z(value), self._safe_concentration()
        return where(self._is_zero(), -z, -(c * z).log1p() / c)

    def log_cdf(self, value):
        """``log(cdf(value))``.

        Args:
            value: points in the support.

        >>> torch.distributions.GeneralizedPareto(0.0, 1.0, 0.0).log_cdf(torch.tensor(0.0))
        tensor(-inf)
        """
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value):
        """The cumulative distribution function, ``1 - (1 + c z) ** (-1 / c)``.

        Args:
            value: points in the support.

        >>> torch.distributions.GeneralizedPareto(0.0, 1.0, 1.0).cdf(torch.tensor(1.0))
        tensor(0.5000)
        """
        return self.log_cdf(value).exp()

    def icdf(self, value):
        """The inverse of ``cdf``, ``loc + scale * expm1(-c log1p(-value)) / c``.

        Args:
            value: probabilities in ``[0, 1]``.

        >>> torch.distributions.GeneralizedPareto(0.0, 1.0, 1.0).icdf(torch.tensor(0.5))
        tensor(1.)
        """
        value = as_value(value, self.loc)
        log1m = (-value).log1p()
        c = self._safe_concentration()
        z = where(self._is_zero(), -log1m, (-c * log1m).expm1() / c)
        return self.loc + self.scale * z

    @property
    def mean(self):
        """The mean, ``loc + scale / (1 - c)`` (``nan`` where ``c >= 1``).

        >>> torch.distributions.GeneralizedPareto(0.0, 1.0, 0.5).mean
        tensor(2.)
        """
        c = self.concentration
        return where(c < 1, self.loc + self.scale / (1 - c), math.nan)

    @property
    def mode(self):
        """The mode, ``loc``.

        >>> torch.distributions.GeneralizedPareto(1.0, 1.0, 0.5).mode
        tensor(1.)
        """
        return self.loc

    @property
    def variance(self):
        """The variance, ``scale**2 / ((1 - c)**2 (1 - 2c))`` (``nan`` where ``c >= 1/2``).

        >>> torch.distributions.GeneralizedPareto(0.0, 1.0, 0.0).variance
        tensor(1.)
        """
        c = self.concentration
        finite = self.scale.pow(2) / ((1 - c).pow(2) * (1 - 2 * c))
        return where(c < 0.5, finite, math.nan)

    def entropy(self):
        """The differential entropy, ``log(scale) + c + 1``.

        >>> torch.distributions.GeneralizedPareto(0.0, 1.0, 0.0).entropy()
        tensor(1.)
        """
        return self.scale.log() + self.concentration + 1


def _bound(t):
    return t.item() if t.dim() == 0 else t
