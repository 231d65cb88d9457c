"""ContinuousBernoulli: the density ``C(p) p**x (1 - p)**(1 - x)`` on ``[0, 1]``.

Near ``p = 1/2`` the closed forms divide zero by zero, so (as torch) the normaliser, mean and
variance switch to their Taylor expansions inside ``lims`` around 1/2.
"""

from __future__ import annotations

import math

from graphgrad.distributions._base import broadcast_all, real, unit_interval
from graphgrad.distributions._exp_family import ExponentialFamily
from graphgrad.distributions._transformed import as_value
from graphgrad.distributions.relaxed_bernoulli import clamp_probs

from .. import creation
from ..autograd import grad_mode
from ..nn import functional as F  # noqa: N812 - as PyTorch code names it
from ..ops.elementwise import where
from ..random import draws
from ..tensor import Tensor


class ContinuousBernoulli(ExponentialFamily):
    """The continuous Bernoulli distribution on ``[0, 1]`` (Loaiza-Ganem and Cunningham).

    Draws are ``icdf(u)`` of ``torch.rand`` draws, as torch's, so they equal torch's after
    ``manual_seed``; ``rsample`` is differentiable.

    Args:
        probs: the shape parameter in ``[0, 1]`` (clamped into ``(0, 1)``).
        logits: its log-odds.
        lims: the interval around 1/2 where Taylor expansions are used.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.ContinuousBernoulli(0.5).log_prob(torch.tensor(0.3))
    tensor(0.)
    """

    arg_constraints = {"probs": unit_interval, "logits": real}
    support = unit_interval
    has_rsample = True
    _derived = ("probs", "logits")
    probs: Tensor
    logits: Tensor

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        self._lims = lims
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
            if validate_args is not None and not bool(unit_interval(self.probs).all()):
                raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(self.probs)
            self._given = "probs"
            param = self.probs
        else:
            (self.logits,) = broadcast_all(logits)
            self._given = "logits"
            param = self.logits
        super().__init__(param.shape, (), validate_args)
        if probs is not None:
            self.logits = self.probs.log() - (-self.probs).log1p()
        else:
            self.probs = clamp_probs(self.logits.sigmoid())

    def _repr_names(self) -> list:
        return [self._given]

    def _outside_unstable_region(self):
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self):
        return where(self._outside_unstable_region(), self.probs, self._lims[0])

    def _cont_bern_log_norm(self):
        """``log C(p)``, the log of the normalising constant."""
        cut = self._cut_probs()
        below_half = where(cut <= 0.5, cut, 0.0)
        above_half = where(cut >= 0.5, cut, 1.0)
        log_norm = ((-cut).log1p() - cut.log()).abs().log() - where(
            cut <= 0.5, (-2.0 * below_half).log1p(), (2.0 * above_half - 1.0).log()
        )
        x = (self.probs - 0.5).pow(2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self):
        """The mean.

        >>> torch.distributions.ContinuousBernoulli(0.5).mean
        tensor(0.5000)
        """
        cut = self._cut_probs()
        mus = cut / (2.0 * cut - 1.0) + 1.0 / ((-cut).log1p() - cut.log())
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x.pow(2)) * x
        return where(self._outside_unstable_region(), mus, taylor)

    @property
    def variance(self):
        """The variance.

        >>> torch.distributions.ContinuousBernoulli(0.5).variance
        tensor(0.0833)
        """
        cut = self._cut_probs()
        closed = cut * (cut - 1.0) / (1.0 - 2.0 * cut).pow(2) + 1.0 / (
            (-cut).log1p() - cut.log()
        ).pow(2)
        x = (self.probs - 0.5).pow(2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return where(self._outside_unstable_region(), closed, taylor)

    def sample(self, sample_shape=()):
        """``icdf(u)`` of uniform draws, without gradient.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.ContinuousBernoulli(0.3).sample((2,)).shape
        torch.Size([2])
        """
        with grad_mode.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        """A reparameterised draw, ``icdf(u)`` with ``u = torch.rand``.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.ContinuousBernoulli(0.3).rsample((2,)).shape
        torch.Size([2])
        """
        shape = self._extended_shape(sample_shape)
        return self.icdf(draws.rand(shape, dtype=self.probs.dtype))

    def log_prob(self, value):
        """``x log p + (1 - x) log(1 - p) + log C(p)``.

        Args:
            value: points in ``[0, 1]``.

        >>> torch.distributions.ContinuousBernoulli(0.3).log_prob(torch.tensor(0.5))
        tensor(-0.0297)
        """
        value = as_value(value, self.probs)
        self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        bce = F.binary_cross_entropy_with_logits(logits, value, reduction="none")
        return -bce + self._cont_bern_log_norm()

    def cdf(self, value):
        """The cumulative distribution function.

        Args:
            value: points in ``[0, 1]``.

        >>> torch.distributions.ContinuousBernoulli(0.5).cdf(torch.tensor(0.25))
        tensor(0.2500)
        """
        value = as_value(value, self.probs)
        self._validate_sample(value)
        cut = self._cut_probs()
        cdfs = (cut.pow(value) * (1.0 - cut).pow(1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        unbounded = where(self._outside_unstable_region(), cdfs, value)
        zeros, ones = creation.zeros_like(unbounded), creation.ones_like(unbounded)
        return where(value <= 0.0, zeros, where(value >= 1.0, ones, unbounded))

    def icdf(self, value):
        """The inverse of ``cdf``.

        Args:
            value: probabilities in ``[0, 1]``.

        >>> torch.distributions.ContinuousBernoulli(0.5).icdf(torch.tensor(0.25))
        tensor(0.2500)
        """
        value = as_value(value, self.probs)
        cut = self._cut_probs()
        closed = ((-cut + value * (2.0 * cut - 1.0)).log1p() - (-cut).log1p()) / (
            cut.log() - (-cut).log1p()
        )
        return where(self._outside_unstable_region(), closed, value)

    @property
    def _natural_params(self) -> tuple:
        return (self.logits,)

    _mean_carrier_measure = 0

    def entropy(self):
        """The differential entropy.

        >>> torch.distributions.ContinuousBernoulli(0.5).entropy()
        tensor(0.)
        """
        log_probs0 = (-self.probs).log1p()
        log_probs1 = self.probs.log()
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0
