"""Dirichlet and Beta (a two-component Dirichlet), built from differentiable graphgrad ops."""

from __future__ import annotations

import numbers

from graphgrad.distributions._base import (
    Constraint,
    broadcast_all,
    unit_interval,
)
from graphgrad.distributions._categorical import simplex
from graphgrad.distributions._exp_family import ExponentialFamily
from graphgrad.distributions._gamma import as_value, no_concentration_grad
from graphgrad.distributions._gamma_sampler import dirichlet_array

from .. import creation
from ..nn import functional as F  # noqa: N812 - as PyTorch code names it
from ..ops.elementwise import where
from ..ops.pointwise_composite import xlogy
from ..ops.shape.join import stack

positive_vector = Constraint(
    "IndependentConstraint(GreaterThan(lower_bound=0.0), 1)", lambda v: (v > 0).all(-1)
)
positive_number = Constraint("GreaterThan(lower_bound=0.0)", lambda v: v > 0)


class Dirichlet(ExponentialFamily):
    """The Dirichlet distribution over the simplex of the last dimension of ``concentration``.

    Samples equal torch's bit for bit after ``manual_seed``; ``rsample`` is not differentiable
    in the concentration (torch uses its own approximate gradient there).

    Args:
        concentration: positive, at least one-dimensional; the last dimension is the event.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Dirichlet(torch.tensor([1.0, 1.0])).log_prob(torch.tensor([0.3, 0.7]))
    tensor(0.)
    """

    arg_constraints = {"concentration": positive_vector}
    support = simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        shape = tuple(concentration.shape)
        super().__init__(shape[:-1], shape[-1:], validate_args)

    @property
    def mean(self):
        """The mean, ``concentration / concentration.sum(-1)``.

        >>> torch.distributions.Dirichlet(torch.tensor([1.0, 3.0])).mean
        tensor([0.2500, 0.7500])
        """
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        """``(c - 1) / sum(c - 1)`` with ``c - 1`` clamped at 0; where every component is below
        1, the one-hot vector of the largest (as torch gives).

        >>> torch.distributions.Dirichlet(torch.tensor([2.0, 3.0])).mode
        tensor([0.3333, 0.6667])
        """
        c = self.concentration
        cm1 = (c - 1).clamp(min=0)
        mode = cm1 / cm1.sum(-1, keepdim=True)
        all_below = (c < 1).all(-1, keepdim=True)
        one_hot = F.one_hot(c.argmax(-1), c.shape[-1]).to(c.dtype)
        return where(all_below, one_hot, mode)

    @property
    def variance(self):
        """The variance of each component.

        >>> torch.distributions.Dirichlet(torch.tensor([1.0, 1.0])).variance
        tensor([0.0833, 0.0833])
        """
        c = self.concentration
        total = c.sum(-1, keepdim=True)
        return c * (total - c) / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape=()):
        """A draw on the simplex (torch's ``_sample_dirichlet``).

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Dirichlet(torch.ones(3)).rsample((2,)).shape
        torch.Size([2, 3])
        """
        no_concentration_grad(self, type(self).__name__)
        shape = self._extended_shape(sample_shape)
        conc = self.concentration.detach().expand(shape).numpy()
        return creation.tensor(dirichlet_array(conc))

    def log_prob(self, value):
        """The log density at ``value`` (points on the simplex).

        Args:
            value: points whose last dimension sums to one.

        >>> d = torch.distributions.Dirichlet(torch.tensor([2.0, 2.0]))
        >>> d.log_prob(torch.tensor([0.5, 0.5]))
        tensor(0.4055)
        """
        value = as_value(value, self.concentration)
        self._validate_sample(value)
        c = self.concentration
        return xlogy(c - 1.0, value).sum(-1) + c.sum(-1).lgamma() - c.lgamma().sum(-1)

    @property
    def _natural_params(self) -> tuple:
        return (self.concentration,)

    def _log_normalizer(self, x):
        return x.lgamma().sum(-1) - x.sum(-1).lgamma()

    def entropy(self):
        """The differential entropy.

        >>> torch.distributions.Dirichlet(torch.ones(2)).entropy()
        tensor(0.)
        """
        c = self.concentration
        k = c.shape[-1]
        total = c.sum(-1)
        return (
            c.lgamma().sum(-1)
            - total.lgamma()
            - (k - total) * total.digamma()
            - ((c - 1.0) * c.digamma()).sum(-1)
        )


class Beta(ExponentialFamily):
    """The beta distribution on ``[0, 1]``, a Dirichlet over ``(x, 1 - x)``.

    Args:
        concentration1: the first shape parameter (alpha), positive.
        concentration0: the second shape parameter (beta), positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Beta(2.0, 2.0).mean
    tensor(0.5000)
    """

    arg_constraints = {"concentration1": positive_number, "concentration0": positive_number}
    support = unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        if isinstance(concentration1, numbers.Real) and isinstance(concentration0, numbers.Real):
            both = creation.tensor([float(concentration1), float(concentration0)])
        else:
            c1, c0 = broadcast_all(concentration1, concentration0)
            both = stack([c1, c0], -1)
        self._dirichlet = Dirichlet(both, validate_args=validate_args)
        super().__init__(self._dirichlet.batch_shape, (), validate_args)

    def expand(self, batch_shape, _instance=None):
        """The same distribution with its parameters expanded to ``batch_shape``.

        Args:
            batch_shape: the new batch shape.
            _instance: unused (torch's hook for subclasses).

        >>> torch.distributions.Beta(2.0, 3.0).expand((4,)).batch_shape
        torch.Size([4])
        """
        new = super().expand(batch_shape)
        new._dirichlet = self._dirichlet.expand(batch_shape)
        return new

    @property
    def concentration1(self):
        """The first shape parameter (alpha).

        >>> torch.distributions.Beta(2.0, 3.0).concentration1
        tensor(2.)
        """
        return self._dirichlet.concentration[..., 0]

    @property
    def concentration0(self):
        """The second shape parameter (beta).

        >>> torch.distributions.Beta(2.0, 3.0).concentration0
        tensor(3.)
        """
        return self._dirichlet.concentration[..., 1]

    @property
    def mean(self):
        """The mean, ``concentration1 / (concentration1 + concentration0)``.

        >>> torch.distributions.Beta(1.0, 3.0).mean
        tensor(0.2500)
        """
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        """The Dirichlet's mode of the first component.

        >>> torch.distributions.Beta(2.0, 3.0).mode
        tensor(0.3333)
        """
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self):
        """The variance, ``a b / ((a + b) ** 2 (a + b + 1))``.

        >>> torch.distributions.Beta(1.0, 1.0).variance
        tensor(0.0833)
        """
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape=()):
        """A draw: the first component of the Dirichlet's draw.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Beta(2.0, 3.0).rsample((3,)).shape
        torch.Size([3])
        """
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def log_prob(self, value):
        """The log density at ``value`` in ``[0, 1]``.

        Args:
            value: the points.

        >>> torch.distributions.Beta(1.0, 1.0).log_prob(torch.tensor(0.3))
        tensor(0.)
        """
        value = as_value(value, self._dirichlet.concentration)
        self._validate_sample(value)
        return self._dirichlet.log_prob(stack([value, 1.0 - value], -1))

    @property
    def _natural_params(self) -> tuple:
        return (self.concentration1, self.concentration0)

    def _log_normalizer(self, x, y):
        return x.lgamma() + y.lgamma() - (x + y).lgamma()

    def entropy(self):
        """The differential entropy.

        >>> torch.distributions.Beta(1.0, 1.0).entropy()
        tensor(0.)
        """
        return self._dirichlet.entropy()
