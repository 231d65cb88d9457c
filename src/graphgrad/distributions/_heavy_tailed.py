"""Laplace, Cauchy, HalfCauchy, StudentT and Chi2, built from differentiable graphgrad ops."""

from __future__ import annotations

import math

from graphgrad.distributions._base import Distribution, broadcast_all, nonnegative, positive, real
from graphgrad.distributions._gamma import Gamma
from graphgrad.distributions._transformed import (
    TransformedDistribution,
    as_value,
    folded_log_prob,
)
from graphgrad.distributions.transforms import AbsTransform

from .. import _runtime, creation
from ..ops.elementwise import where


class Laplace(Distribution):
    """The Laplace (double exponential) distribution with location ``loc`` and ``scale``.

    Draws equal torch's after ``manual_seed`` (the same ``uniform_`` draws, transformed alike).

    Args:
        loc: the location (mean and median).
        scale: the scale, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Laplace(0.0, 1.0).log_prob(torch.tensor(0.0))
    tensor(-0.6931)
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

        >>> torch.distributions.Laplace(1.0, 2.0).mean
        tensor(1.)
        """
        return self.loc

    @property
    def mode(self):
        """The mode, ``loc``.

        >>> torch.distributions.Laplace(1.0, 2.0).mode
        tensor(1.)
        """
        return self.loc

    @property
    def variance(self):
        """The variance, ``2 * scale**2``.

        >>> torch.distributions.Laplace(0.0, 2.0).variance
        tensor(8.)
        """
        return 2 * self.scale.pow(2)

    @property
    def stddev(self):
        """The standard deviation, ``sqrt(2) * scale``.

        >>> torch.distributions.Laplace(0.0, 1.0).stddev
        tensor(1.4142)
        """
        return math.sqrt(2) * self.scale

    def rsample(self, sample_shape=()):
        """A reparameterised draw, ``loc - scale * sign(u) * log1p(-|u|)`` with ``u`` uniform
        on ``(eps - 1, 1)``.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Laplace(0.0, 1.0).rsample((2,)).shape
        torch.Size([2])
        """
        shape = self._extended_shape(sample_shape)
        eps = _runtime.finfo(self.loc.dtype).eps
        u = creation.empty(shape, dtype=self.loc.dtype).uniform_(eps - 1, 1)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value):
        """``-log(2 scale) - |value - loc| / scale``.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.Laplace(0.0, 1.0).log_prob(torch.tensor(1.0))
        tensor(-1.6931)
        """
        value = as_value(value, self.loc)
        self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value):
        """The cumulative distribution function.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.Laplace(0.0, 1.0).cdf(torch.tensor(0.0))
        tensor(0.5000)
        """
        value = as_value(value, self.loc)
        self._validate_sample(value)
        diff = value - self.loc
        return 0.5 - 0.5 * diff.sign() * (-diff.abs() / self.scale).expm1()

    def icdf(self, value):
        """The inverse of ``cdf``.

        Args:
            value: probabilities in ``[0, 1]``.

        >>> torch.distributions.Laplace(0.0, 1.0).icdf(torch.tensor(0.5))
        tensor(0.)
        """
        value = as_value(value, self.loc)
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self):
        """The differential entropy, ``1 + log(2 scale)``.

        >>> torch.distributions.Laplace(0.0, 1.0).entropy()
        tensor(1.6931)
        """
        return 1 + (2 * self.scale).log()


class Cauchy(Distribution):
    """The Cauchy (Lorentz) distribution with median ``loc`` and half-width ``scale``.

    Draws use ``Tensor.cauchy_``, so they equal torch's after ``manual_seed``.

    Args:
        loc: the median.
        scale: the half width at half maximum, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Cauchy(0.0, 1.0).log_prob(torch.tensor(0.0))
    tensor(-1.1447)
    """

    arg_constraints = {"loc": real, "scale": positive}
    support = real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, (), validate_args)

    @property
    def mean(self):
        """Undefined: ``nan`` of the batch shape, as torch gives.

        >>> torch.distributions.Cauchy(0.0, 1.0).mean
        tensor(nan)
        """
        return creation.full(tuple(self.batch_shape), math.nan, dtype=self.loc.dtype)

    @property
    def mode(self):
        """The mode, ``loc``.

        >>> torch.distributions.Cauchy(1.0, 1.0).mode
        tensor(1.)
        """
        return self.loc

    @property
    def variance(self):
        """Infinite: ``inf`` of the batch shape, as torch gives.

        >>> torch.distributions.Cauchy(0.0, 1.0).variance
        tensor(inf)
        """
        return creation.full(tuple(self.batch_shape), math.inf, dtype=self.loc.dtype)

    def rsample(self, sample_shape=()):
        """A reparameterised draw, ``loc + scale * e`` with ``e`` from ``cauchy_()``.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Cauchy(0.0, 1.0).rsample((2,)).shape
        torch.Size([2])
        """
        shape = self._extended_shape(sample_shape)
        eps = creation.empty(shape, dtype=self.loc.dtype).cauchy_()
        return self.loc + eps * self.scale

    def log_prob(self, value):
        """``-log(pi) - log(scale) - log1p(((value - loc) / scale)**2)``.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.Cauchy(0.0, 1.0).log_prob(torch.tensor(1.0))
        tensor(-1.8379)
        """
        value = as_value(value, self.loc)
        self._validate_sample(value)
        z = (value - self.loc) / self.scale
        return -math.log(math.pi) - self.scale.log() - z.pow(2).log1p()

    def cdf(self, value):
        """The cumulative distribution function, ``atan((value - loc) / scale) / pi + 1/2``.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.Cauchy(0.0, 1.0).cdf(torch.tensor(0.0))
        tensor(0.5000)
        """
        value = as_value(value, self.loc)
        self._validate_sample(value)
        return ((value - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value):
        """The inverse of ``cdf``, ``loc + scale * tan(pi (value - 1/2))``.

        Args:
            value: probabilities in ``(0, 1)``.

        >>> torch.distributions.Cauchy(0.0, 1.0).icdf(torch.tensor(0.5))
        tensor(0.)
        """
        value = as_value(value, self.loc)
        return (math.pi * (value - 0.5)).tan() * self.scale + self.loc

    def entropy(self):
        """The differential entropy, ``log(4 pi) + log(scale)``.

        >>> torch.distributions.Cauchy(0.0, 1.0).entropy()
        tensor(2.5310)
        """
        return math.log(4 * math.pi) + self.scale.log()


class HalfCauchy(TransformedDistribution):
    """The distribution of ``|X|`` for ``X ~ Cauchy(0, scale)``.

    Args:
        scale: the scale of the Cauchy, positive.
        validate_args: whether to check the parameter and ``log_prob`` values.

    >>> torch.distributions.HalfCauchy(1.0).log_prob(torch.tensor(0.0))
    tensor(-0.4516)
    """

    arg_constraints = {"scale": positive}
    _property_params = ("scale",)
    support = nonnegative

    def __init__(self, scale, validate_args=None):
        base = Cauchy(0, scale, validate_args=False)
        super().__init__(base, AbsTransform(), validate_args=validate_args)

    @property
    def scale(self):
        """The scale of the underlying Cauchy.

        >>> torch.distributions.HalfCauchy(2.0).scale
        tensor(2.)
        """
        return self.base_dist.scale

    @property
    def mean(self):
        """Infinite: ``inf`` of the batch shape, as torch gives.

        >>> torch.distributions.HalfCauchy(1.0).mean
        tensor(inf)
        """
        return creation.full(tuple(self.batch_shape), math.inf, dtype=self.scale.dtype)

    @property
    def mode(self):
        """The mode, 0.

        >>> torch.distributions.HalfCauchy(1.0).mode
        tensor(0.)
        """
        return creation.zeros_like(self.scale)

    @property
    def variance(self):
        """Infinite, as the Cauchy's.

        >>> torch.distributions.HalfCauchy(1.0).variance
        tensor(inf)
        """
        return self.base_dist.variance

    def log_prob(self, value):
        """The Cauchy's log density plus ``log 2`` (``-inf`` below 0).

        Args:
            value: non-negative points.

        >>> torch.distributions.HalfCauchy(1.0).log_prob(torch.tensor(1.0))
        tensor(-1.1447)
        """
        return folded_log_prob(self, value)

    def cdf(self, value):
        """The cumulative distribution function, ``2 * cauchy.cdf(value) - 1``.

        Args:
            value: non-negative points.

        >>> torch.distributions.HalfCauchy(1.0).cdf(torch.tensor(0.0))
        tensor(0.)
        """
        value = as_value(value, self.scale)
        self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob):
        """The inverse of ``cdf``, ``cauchy.icdf((prob + 1) / 2)``.

        Args:
            prob: probabilities in ``[0, 1)``.

        >>> torch.distributions.HalfCauchy(1.0).icdf(torch.tensor(0.0))
        tensor(0.)
        """
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self):
        """The differential entropy, the Cauchy's minus ``log 2``.

        >>> torch.distributions.HalfCauchy(1.0).entropy()
        tensor(1.8379)
        """
        return self.base_dist.entropy() - math.log(2)


class Chi2(Gamma):
    """The chi-squared distribution with ``df`` degrees of freedom, ``Gamma(df / 2, 1 / 2)``.

    Args:
        df: the degrees of freedom, positive.
        validate_args: whether to check the parameter and ``log_prob`` values.

    >>> torch.distributions.Chi2(2.0).mean
    tensor(2.)
    """

    arg_constraints = {"df": positive}
    _property_params = ("df",)

    def __init__(self, df, validate_args=None):
        (df,) = broadcast_all(df)
        super().__init__(0.5 * df, creation.full_like(df, 0.5), validate_args)

    def _expand_names(self) -> tuple:
        return ("concentration", "rate")

    @property
    def df(self):
        """The degrees of freedom, ``2 * concentration``.

        >>> torch.distributions.Chi2(3.0).df
        tensor(3.)
        """
        return self.concentration * 2


class StudentT(Distribution):
    """Student's t distribution with ``df`` degrees of freedom, location ``loc`` and ``scale``.

    A draw is ``loc + scale * X / sqrt(Z / df)`` with ``X`` standard normal and ``Z`` chi-squared,
    drawn in torch's order from the same primitives, so draws equal torch's after
    ``manual_seed``. ``rsample`` is differentiable in ``loc`` and ``scale`` (not ``df``, see
    ``Gamma``).

    Args:
        df: the degrees of freedom, positive.
        loc: the location.
        scale: the scale, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.StudentT(1.0).log_prob(torch.tensor(0.0))
    tensor(-1.1447)
    """

    arg_constraints = {"df": positive, "loc": real, "scale": positive}
    support = real
    has_rsample = True

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)
        super().__init__(self.df.shape, (), validate_args)

    def expand(self, batch_shape, _instance=None):
        """The same distribution with its parameters expanded to ``batch_shape``.

        Args:
            batch_shape: the new batch shape.
            _instance: unused (torch's hook for subclasses).

        >>> torch.distributions.StudentT(3.0).expand((2,)).batch_shape
        torch.Size([2])
        """
        new = super().expand(batch_shape, _instance)
        new._chi2 = self._chi2.expand(batch_shape)
        return new

    @property
    def mean(self):
        """The mean, ``loc`` (``nan`` where ``df <= 1``).

        >>> torch.distributions.StudentT(torch.tensor([0.5, 3.0])).mean
        tensor([nan, 0.])
        """
        return where(self.df <= 1, math.nan, self.loc)

    @property
    def mode(self):
        """The mode, ``loc``.

        >>> torch.distributions.StudentT(3.0, 1.0).mode
        tensor(1.)
        """
        return self.loc

    @property
    def variance(self):
        """``scale**2 * df / (df - 2)`` for ``df > 2``, ``inf`` for ``1 < df <= 2``, else ``nan``.

        >>> torch.distributions.StudentT(torch.tensor([0.5, 1.5, 3.0])).variance
        tensor([nan, inf, 3.])
        """
        df = self.df
        finite = self.scale.pow(2) * df / (df - 2)
        return where(df > 2, finite, where(df > 1, math.inf, math.nan))

    def rsample(self, sample_shape=()):
        """A draw, ``loc + scale * X * rsqrt(Z / df)``.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.StudentT(3.0).rsample((2,)).shape
        torch.Size([2])
        """
        shape = self._extended_shape(sample_shape)
        x = creation.empty(shape, dtype=self.df.dtype).normal_()
        z = self._chi2.rsample(sample_shape)
        return self.loc + self.scale * (x * (z / self.df).rsqrt())

    def log_prob(self, value):
        """The log density at ``value``.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.StudentT(1.0).log_prob(torch.tensor(1.0))
        tensor(-1.8379)
        """
        value = as_value(value, self.df)
        self._validate_sample(value)
        df = self.df
        y = (value - self.loc) / self.scale
        norm = (
            self.scale.log()
            + 0.5 * df.log()
            + 0.5 * math.log(math.pi)
            + (0.5 * df).lgamma()
            - (0.5 * (df + 1.0)).lgamma()
        )
        return -0.5 * (df + 1.0) * (y.pow(2) / df).log1p() - norm

    def entropy(self):
        """The differential entropy.

        >>> torch.distributions.StudentT(1.0).entropy()
        tensor(2.5310)
        """
        df = self.df
        half_up = 0.5 * (df + 1)
        lbeta = (0.5 * df).lgamma() + math.lgamma(0.5) - half_up.lgamma()
        return (
            self.scale.log()
            + half_up * (half_up.digamma() - (0.5 * df).digamma())
            + 0.5 * df.log()
            + lbeta
        )
