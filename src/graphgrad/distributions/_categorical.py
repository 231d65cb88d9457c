"""Categorical and Independent, built from differentiable graphgrad ops."""

from __future__ import annotations

import math

import numpy as np

from graphgrad.distributions._base import Constraint, Distribution, independent

from .. import _runtime, creation
from ..autograd import grad_mode
from ..random import fills
from ..tensor import Size

simplex = Constraint("Simplex()", lambda v: ((v >= 0).all(-1)) & ((v.sum(-1) - 1).abs() < 1e-6))
real_vector = Constraint("IndependentConstraint(Real(), 1)", lambda v: (v == v).all(-1))


class Categorical(Distribution):
    """A distribution over ``0 .. K-1`` given by ``probs`` or ``logits`` (exactly one) on the
    last dimension; the others are batch dimensions. Samples are drawn as torch draws them
    (``torch.multinomial`` with replacement), so they equal torch's after ``manual_seed``.

    Args:
        probs: non-negative weights (normalised to sum to one along the last dimension).
        logits: unnormalised log-probabilities.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Categorical(probs=torch.tensor([1.0, 3.0])).probs
    tensor([0.2500, 0.7500])
    """

    has_rsample = False
    _derived = ("probs", "logits")

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
            self.arg_constraints = {"probs": simplex}
            param = self.probs
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
            self.arg_constraints = {"logits": real_vector}
            param = self.logits
        self._num_events = param.shape[-1]
        super().__init__(param.shape[:-1], (), validate_args)
        if probs is not None:
            eps = _runtime.finfo(self.probs.dtype).eps
            self.logits = self.probs.clamp(eps, 1 - eps).log()
        else:
            self.probs = self.logits.softmax(-1)

    @property
    def support(self):
        """``IntegerInterval(lower_bound=0, upper_bound=K-1)``.

        >>> torch.distributions.Categorical(probs=torch.ones(3)).support
        IntegerInterval(lower_bound=0, upper_bound=2)
        """
        top = self._num_events - 1
        name = f"IntegerInterval(lower_bound=0, upper_bound={top})"
        return Constraint(name, lambda v: (v % 1 == 0) & (v >= 0) & (v <= top))

    @property
    def mean(self):
        """Undefined for a categorical: ``nan`` of the batch shape, as torch gives.

        >>> torch.distributions.Categorical(probs=torch.ones(3)).mean
        tensor(nan)
        """
        return creation.full(tuple(self.batch_shape), math.nan, dtype=self.probs.dtype)

    @property
    def mode(self):
        """The most probable category, ``probs.argmax(-1)``.

        >>> torch.distributions.Categorical(probs=torch.tensor([0.2, 0.8])).mode
        tensor(1)
        """
        return self.probs.argmax(-1)

    @property
    def variance(self):
        """Undefined for a categorical: ``nan`` of the batch shape, as torch gives.

        >>> torch.distributions.Categorical(probs=torch.ones(3)).variance
        tensor(nan)
        """
        return self.mean

    def sample(self, sample_shape=()):
        """Category indices drawn by ``torch.multinomial(probs, n, replacement=True)``.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Categorical(probs=torch.tensor([0.0, 1.0])).sample((2,))
        tensor([1, 1])
        """
        sample_shape = tuple(sample_shape)
        n = math.prod(sample_shape)
        with grad_mode.no_grad():
            probs_2d = self.probs.reshape(-1, self._num_events)
            draws = fills.multinomial(probs_2d, n, True).T
        return draws.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value):
        """The log-probability of each category index in ``value``.

        Args:
            value: integer category indices.

        >>> d = torch.distributions.Categorical(probs=torch.tensor([0.5, 0.5]))
        >>> d.log_prob(torch.tensor(1))
        tensor(-0.6931)
        """
        self._validate_sample(value)
        index = value.long().unsqueeze(-1)
        shape = np.broadcast_shapes(tuple(index.shape), tuple(self.logits.shape))
        index = index.expand(shape)[..., :1]
        return self.logits.expand(shape).gather(-1, index).squeeze(-1)

    def entropy(self):
        """The entropy, ``-sum(p log p)`` over the last dimension.

        >>> torch.distributions.Categorical(probs=torch.tensor([0.5, 0.5])).entropy()
        tensor(0.6931)
        """
        logits = self.logits.clamp(min=_runtime.finfo(self.logits.dtype).min)
        return -(logits * self.probs).sum(-1)


def sum_rightmost(value, dims: int):
    """``value`` summed over its last ``dims`` dimensions."""
    return value if dims == 0 else value.reshape(*value.shape[: value.dim() - dims], -1).sum(-1)


class Independent(Distribution):
    """Reinterprets the rightmost ``reinterpreted_batch_ndims`` batch dimensions of
    ``base_distribution`` as event dimensions (``log_prob`` sums over them).

    Args:
        base_distribution: the distribution to wrap.
        reinterpreted_batch_ndims: how many batch dimensions become event dimensions.
        validate_args: whether to check ``log_prob`` values.

    >>> base = torch.distributions.Normal(torch.zeros(3), torch.ones(3))
    >>> torch.distributions.Independent(base, 1).event_shape
    torch.Size([3])
    """

    arg_constraints: dict = {}

    def __init__(self, base_distribution, reinterpreted_batch_ndims, validate_args=None):
        batch = tuple(base_distribution.batch_shape)
        if reinterpreted_batch_ndims > len(batch):
            raise ValueError(
                "Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), "
                f"actual {reinterpreted_batch_ndims} vs {len(batch)}"
            )
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims
        cut = len(batch) - reinterpreted_batch_ndims
        event = batch[cut:] + tuple(base_distribution.event_shape)
        super().__init__(batch[:cut], event, validate_args)
        self._validate_args = (
            base_distribution._validate_args if validate_args is None else bool(validate_args)
        )
        self.has_rsample = base_distribution.has_rsample
        self.support = independent(base_distribution.support, reinterpreted_batch_ndims)

    @property
    def mean(self):
        """The base distribution's mean.

        >>> D = torch.distributions
        >>> D.Independent(D.Normal(torch.ones(2), 1.0), 1).mean
        tensor([1., 1.])
        """
        return self.base_dist.mean

    @property
    def mode(self):
        """The base distribution's mode.

        >>> D = torch.distributions
        >>> D.Independent(D.Normal(torch.ones(2), 1.0), 1).mode
        tensor([1., 1.])
        """
        return self.base_dist.mode

    def expand(self, batch_shape, _instance=None):
        """The base distribution expanded to ``batch_shape`` plus the reinterpreted dimensions.

        Args:
            batch_shape: the new batch shape.
            _instance: unused (torch's hook for subclasses).

        >>> D = torch.distributions
        >>> D.Independent(D.Normal(torch.zeros(3), 1.0), 1).expand((2,)).batch_shape
        torch.Size([2])
        """
        batch_shape = tuple(batch_shape)
        base_batch = batch_shape + tuple(self.event_shape)[: self.reinterpreted_batch_ndims]
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.base_dist = self.base_dist.expand(base_batch)
        new._batch_shape = Size(batch_shape)
        return new

    @property
    def variance(self):
        """The base distribution's variance.

        >>> D = torch.distributions
        >>> D.Independent(D.Normal(torch.ones(2), 1.0), 1).variance
        tensor([1., 1.])
        """
        return self.base_dist.variance

    def sample(self, sample_shape=()):
        """The base distribution's draws.

        Args:
            sample_shape: the leading shape of the draws.

        >>> D = torch.distributions
        >>> D.Independent(D.Normal(torch.ones(2), 1.0), 1).sample().shape
        torch.Size([2])
        """
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()):
        """The base distribution's reparameterised draws.

        Args:
            sample_shape: the leading shape of the draws.

        >>> D = torch.distributions
        >>> D.Independent(D.Normal(torch.ones(2), 1.0), 1).rsample().shape
        torch.Size([2])
        """
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value):
        """The base ``log_prob`` summed over the reinterpreted dimensions.

        Args:
            value: the points to evaluate.

        >>> d = torch.distributions.Independent(torch.distributions.Normal(torch.zeros(2), 1.0), 1)
        >>> d.log_prob(torch.zeros(2))
        tensor(-1.8379)
        """
        return sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)

    def entropy(self):
        """The base entropy summed over the reinterpreted dimensions.

        >>> D = torch.distributions
        >>> D.Independent(D.Normal(torch.zeros(2), 1.0), 1).entropy()
        tensor(2.8379)
        """
        return sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)

    def __repr__(self) -> str:
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"
