"""Gamma and Exponential, built from differentiable graphgrad ops (lgamma, digamma)."""

from __future__ import annotations

from graphgrad.distributions._base import (
    broadcast_all,
    nonnegative,
    positive,
)
from graphgrad.distributions._exp_family import ExponentialFamily
from graphgrad.distributions._gamma_sampler import standard_gamma_array

from .. import _runtime, creation
from ..autograd import grad_mode
from ..ops.elementwise import where
from ..ops.pointwise_composite import xlogy
from ..tensor import Tensor


def as_value(value, like):
    """``value`` as a tensor of ``like``'s dtype when it is a Python number."""
    return value if isinstance(value, Tensor) else creation.tensor(value, dtype=like.dtype)


def no_concentration_grad(d, name: str) -> None:
    """torch differentiates these draws in the concentration with its own approximation of the
    implicit-reparameterisation gradient; graphgrad has not reproduced it, so it says so."""
    if grad_mode.is_grad_enabled() and d.concentration.requires_grad:
        raise NotImplementedError(
            f"graphgrad: {name}.rsample is not differentiable with respect to the "
            "concentration; use sample(), or detach the concentration"
        )


class Gamma(ExponentialFamily):
    """The gamma distribution with shape ``concentration`` and inverse scale ``rate``.

    Samples equal torch's bit for bit after ``manual_seed``. ``rsample`` is differentiable
    in ``rate`` only (see ``no_concentration_grad``).

    Args:
        concentration: the shape parameter, positive.
        rate: the rate (inverse scale), positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Gamma(2.0, 1.0).log_prob(torch.tensor(1.0))
    tensor(-1.)
    """

    arg_constraints = {"concentration": positive, "rate": positive}
    support = nonnegative
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.shape, (), validate_args)

    @property
    def mean(self):
        """The mean, ``concentration / rate``.

        >>> torch.distributions.Gamma(2.0, 4.0).mean
        tensor(0.5000)
        """
        return self.concentration / self.rate

    @property
    def mode(self):
        """The mode, ``(concentration - 1) / rate`` clamped at 0.

        >>> torch.distributions.Gamma(3.0, 2.0).mode
        tensor(1.)
        """
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        """The variance, ``concentration / rate ** 2``.

        >>> torch.distributions.Gamma(2.0, 2.0).variance
        tensor(0.5000)
        """
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=()):
        """A draw, ``standard_gamma(concentration) / rate`` (torch's draws, clamped up to the
        smallest normal number).

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Gamma(2.0, 1.0).rsample((2,)).shape
        torch.Size([2])
        """
        no_concentration_grad(self, "Gamma")
        shape = self._extended_shape(sample_shape)
        alpha = self.concentration.detach().expand(shape).numpy()
        value = creation.tensor(standard_gamma_array(alpha)) / self.rate.expand(shape)
        tiny = _runtime.finfo(value.dtype).tiny
        return where(value.detach() < tiny, value.detach().clamp(min=tiny), value)

    def log_prob(self, value):
        """The log density at ``value``.

        Args:
            value: non-negative points.

        >>> torch.distributions.Gamma(1.0, 1.0).log_prob(torch.tensor(2.0))
        tensor(-2.)
        """
        value = as_value(value, self.rate)
        self._validate_sample(value)
        c, r = self.concentration, self.rate
        return xlogy(c, r) + xlogy(c - 1, value) - r * value - c.lgamma()

    @property
    def _natural_params(self) -> tuple:
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return (x + 1).lgamma() + (x + 1) * (-y.reciprocal()).log()

    _mean_carrier_measure = 0

    def entropy(self):
        """The differential entropy.

        >>> torch.distributions.Gamma(1.0, 1.0).entropy()
        tensor(1.)
        """
        c = self.concentration
        return c - self.rate.log() + c.lgamma() + (1.0 - c) * c.digamma()


class Exponential(ExponentialFamily):
    """The exponential distribution with rate ``rate``; draws as ``Tensor.exponential_`` makes
    them (equal to torch's after ``manual_seed``).

    Args:
        rate: the rate, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Exponential(2.0).mean
    tensor(0.5000)
    """

    arg_constraints = {"rate": positive}
    support = nonnegative
    has_rsample = True

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, (), validate_args)

    @property
    def mean(self):
        """The mean, ``1 / rate``.

        >>> torch.distributions.Exponential(4.0).mean
        tensor(0.2500)
        """
        return self.rate.reciprocal()

    @property
    def mode(self):
        """The mode, 0.

        >>> torch.distributions.Exponential(4.0).mode
        tensor(0.)
        """
        return creation.zeros_like(self.rate)

    @property
    def stddev(self):
        """The standard deviation, ``1 / rate``.

        >>> torch.distributions.Exponential(4.0).stddev
        tensor(0.2500)
        """
        return self.rate.reciprocal()

    @property
    def variance(self):
        """The variance, ``rate ** -2``.

        >>> torch.distributions.Exponential(2.0).variance
        tensor(0.2500)
        """
        return self.rate.pow(-2)

    def rsample(self, sample_shape=()):
        """A reparameterised draw, ``e / rate`` with ``e`` from ``exponential_()``.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Exponential(1.0).rsample((3,)).shape
        torch.Size([3])
        """
        shape = self._extended_shape(sample_shape)
        e = creation.empty(shape, dtype=self.rate.dtype).exponential_()
        return e / self.rate

    def log_prob(self, value):
        """``log(rate) - rate * value``.

        Args:
            value: non-negative points.

        >>> torch.distributions.Exponential(1.0).log_prob(torch.tensor(2.0))
        tensor(-2.)
        """
        value = as_value(value, self.rate)
        self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        """The cumulative distribution function, ``1 - exp(-rate * value)``.

        Args:
            value: non-negative points.

        >>> torch.distributions.Exponential(1.0).cdf(torch.tensor(0.0))
        tensor(0.)
        """
        value = as_value(value, self.rate)
        self._validate_sample(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value):
        """The inverse of ``cdf``, ``-log1p(-value) / rate``.

        Args:
            value: probabilities in ``[0, 1)``.

        >>> torch.distributions.Exponential(1.0).icdf(torch.tensor(0.0))
        tensor(0.)
        """
        value = as_value(value, self.rate)
        return -(-value).log1p() / self.rate

    @property
    def _natural_params(self) -> tuple:
        return (-self.rate,)

    def _log_normalizer(self, x):
        return -(-x).log()

    _mean_carrier_measure = 0

    def entropy(self):
        """The differential entropy, ``1 - log(rate)``.

        >>> torch.distributions.Exponential(1.0).entropy()
        tensor(1.)
        """
        return 1.0 - self.rate.log()
