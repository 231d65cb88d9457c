"""Multinomial and OneHotCategorical: categorical draws counted or one-hot encoded.

Both draw through ``Categorical.sample`` (``torch.multinomial`` with replacement), as torch
does, so their samples equal torch's after ``manual_seed``.
"""

from __future__ import annotations

from graphgrad.distributions._base import Constraint, Distribution, broadcast_all
from graphgrad.distributions._categorical import Categorical, real_vector, simplex
from graphgrad.distributions._counts import Binomial

from .. import creation
from ..autograd import grad_mode
from ..nn import functional as F  # noqa: N812 - as PyTorch code names it
from ..ops.elementwise import where

one_hot = Constraint(
    "OneHot()", lambda v: ((v == 0) | (v == 1)).all(-1) & (v.sum(-1) == 1), event_dim=1
)


class _CategoricalWrapper(Distribution):
    """A distribution that keeps a ``Categorical`` over the last dimension of its parameter."""

    arg_constraints = {"probs": simplex, "logits": real_vector}

    def _wrap(self, probs, logits, validate_args) -> None:
        self._categorical = Categorical(probs=probs, logits=logits)
        batch = self._categorical.batch_shape
        super().__init__(batch, (self._categorical._num_events,), validate_args)

    @property
    def probs(self):
        """The normalised probabilities of the categories."""
        return self._categorical.probs

    @property
    def logits(self):
        """The normalised log-probabilities of the categories."""
        return self._categorical.logits

    def expand(self, batch_shape, _instance=None):
        """The same distribution with a larger batch shape.

        Args:
            batch_shape: the new batch shape.
            _instance: unused (torch's hook for subclasses).

        >>> d = torch.distributions.OneHotCategorical(torch.ones(3))
        >>> d.expand((2,)).batch_shape
        torch.Size([2])
        """
        new = super().expand(batch_shape, _instance)
        new._categorical = self._categorical.expand(batch_shape)
        return new

    def _repr_names(self) -> list:
        return []


class Multinomial(_CategoricalWrapper):
    """Counts of ``total_count`` independent draws from the categories given by ``probs``
    or ``logits`` (exactly one) on the last dimension.

    Args:
        total_count: the number of draws (a Python int).
        probs: non-negative category weights.
        logits: unnormalised log-probabilities.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> d = torch.distributions.Multinomial(2, torch.tensor([0.5, 0.5]))
    >>> d.log_prob(torch.tensor([1.0, 1.0]))
    tensor(-0.6931)
    """

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._wrap(probs, logits, validate_args)
        self._binomial = Binomial(total_count, self.probs)

    @property
    def support(self):
        """Count vectors of non-negative numbers summing to at most ``total_count``.

        >>> torch.distributions.Multinomial(3, torch.ones(2)).support
        Multinomial()
        """
        top = self.total_count
        return Constraint(
            "Multinomial()", lambda v: (v >= 0).all(-1) & (v.sum(-1) <= top), event_dim=1
        )

    def expand(self, batch_shape, _instance=None):
        """The same distribution with a larger batch shape.

        Args:
            batch_shape: the new batch shape.
            _instance: unused (torch's hook for subclasses).

        >>> torch.distributions.Multinomial(3, torch.ones(2)).expand((4,)).batch_shape
        torch.Size([4])
        """
        new = super().expand(batch_shape, _instance)
        new._binomial = self._binomial.expand(tuple(batch_shape) + tuple(self.event_shape))
        return new

    @property
    def mean(self):
        """The mean counts, ``total_count * probs``.

        >>> torch.distributions.Multinomial(4, torch.ones(2)).mean
        tensor([2., 2.])
        """
        return self.probs * self.total_count

    @property
    def variance(self):
        """The variance of each count, ``total_count * probs * (1 - probs)``.

        >>> torch.distributions.Multinomial(4, torch.ones(2)).variance
        tensor([1., 1.])
        """
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        """Counts of ``total_count`` categorical draws.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Multinomial(3, torch.tensor([0.0, 1.0])).sample()
        tensor([0., 3.])
        """
        sample_shape = tuple(sample_shape)
        with grad_mode.no_grad():
            draws = self._categorical.sample((self.total_count,) + sample_shape)
            order = list(range(1, draws.dim())) + [0]
            draws = draws.permute(*order)
            counts = creation.zeros(self._extended_shape(sample_shape), dtype=draws.dtype)
            counts = counts.scatter_add(-1, draws, creation.ones_like(draws))
        return counts.to(self.probs.dtype)

    def log_prob(self, value):
        """``log(n!) - sum(log(x_i!)) + sum(x_i log p_i)``.

        Args:
            value: count vectors.

        >>> d = torch.distributions.Multinomial(2, torch.tensor([0.5, 0.5]))
        >>> d.log_prob(torch.tensor([2.0, 0.0]))
        tensor(-1.3863)
        """
        self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = (value.sum(-1) + 1).lgamma()
        log_factorial_xs = (value + 1).lgamma().sum(-1)
        logits = where((value == 0) & (logits == -float("inf")), 0.0, logits)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)

    def entropy(self):
        """The entropy, summed over each count's binomial support.

        >>> torch.distributions.Multinomial(1, torch.tensor([0.5, 0.5])).entropy()
        tensor(0.6931)
        """
        n = self.total_count
        support = self._binomial.enumerate_support()
        binomial_probs = self._binomial.log_prob(support).exp()
        weights = (support + 1).lgamma()
        # torch takes lgamma(n + 1) in the default dtype, whatever the parameters' dtype
        lgamma_n = creation.tensor(float(n + 1)).lgamma()
        return n * self._categorical.entropy() - lgamma_n + (binomial_probs * weights).sum((0, -1))


class OneHotCategorical(_CategoricalWrapper):
    """A categorical distribution whose values are one-hot vectors.

    Args:
        probs: non-negative category weights.
        logits: unnormalised log-probabilities.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.OneHotCategorical(torch.tensor([0.25, 0.75])).mode
    tensor([0., 1.])
    """

    support = one_hot

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._wrap(probs, logits, validate_args)

    @property
    def mean(self):
        """The mean, ``probs``.

        >>> torch.distributions.OneHotCategorical(torch.ones(2)).mean
        tensor([0.5000, 0.5000])
        """
        return self.probs

    @property
    def mode(self):
        """The one-hot vector of the most likely category.

        >>> torch.distributions.OneHotCategorical(torch.tensor([0.25, 0.75])).mode
        tensor([0., 1.])
        """
        index = self.probs.argmax(-1)
        return F.one_hot(index, self.probs.shape[-1]).to(self.probs.dtype)

    @property
    def variance(self):
        """The variance, ``probs * (1 - probs)``.

        >>> torch.distributions.OneHotCategorical(torch.ones(2)).variance
        tensor([0.2500, 0.2500])
        """
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        """One-hot vectors of categorical draws.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.OneHotCategorical(torch.tensor([0.0, 1.0])).sample()
        tensor([0., 1.])
        """
        index = self._categorical.sample(sample_shape)
        return F.one_hot(index, self.probs.shape[-1]).to(self.probs.dtype)

    def log_prob(self, value):
        """The log-probability of the category each one-hot vector marks.

        Args:
            value: one-hot vectors.

        >>> d = torch.distributions.OneHotCategorical(torch.tensor([0.25, 0.75]))
        >>> d.log_prob(torch.tensor([0.0, 1.0]))
        tensor(-0.2877)
        """
        self._validate_sample(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self):
        """The entropy of the categories.

        >>> torch.distributions.OneHotCategorical(torch.ones(2)).entropy()
        tensor(0.6931)
        """
        return self._categorical.entropy()

    def enumerate_support(self, expand=True):
        """Every one-hot vector along a new leading dimension.

        Args:
            expand: whether to expand the values to the batch shape.

        >>> torch.distributions.OneHotCategorical(torch.ones(2)).enumerate_support()
        tensor([[1., 0.],
                [0., 1.]])
        """
        k = self.event_shape[0]
        values = creation.eye(k, dtype=self.probs.dtype)
        values = values.view((k,) + (1,) * len(self.batch_shape) + (k,))
        return values.expand((k,) + tuple(self.batch_shape) + (k,)) if expand else values
