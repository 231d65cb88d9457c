"""TransformedDistribution, and LogNormal, HalfNormal and Gumbel built on it."""

from __future__ import annotations

import math

from graphgrad.distributions._base import (
    Distribution,
    broadcast_all,
    nonnegative,
    positive,
    real,
)
from graphgrad.distributions._categorical import sum_rightmost
from graphgrad.distributions._simple import Normal, Uniform
from graphgrad.distributions.transforms import (
    AbsTransform,
    AffineTransform,
    ExpTransform,
    Transform,
)

from .. import _runtime, creation
from ..autograd import grad_mode
from ..ops.elementwise import where
from ..tensor import Tensor

EULER_GAMMA = 0.57721566490153286060


def as_value(value, like):
    """``value`` as a tensor of ``like``'s dtype when it is a Python number."""
    return value if isinstance(value, Tensor) else creation.tensor(value, dtype=like.dtype)


class TransformedDistribution(Distribution):
    """``base_distribution`` pushed through ``transforms`` (applied in order): a draw is
    ``t_n(...t_1(x))`` and ``log_prob`` adds the log-Jacobians of the inverse maps.

    Args:
        base_distribution: the distribution of ``x``.
        transforms: a ``Transform`` or a list of them.
        validate_args: whether to check ``log_prob`` values.

    >>> D = torch.distributions
    >>> d = D.TransformedDistribution(D.Normal(0.0, 1.0), [D.transforms.ExpTransform()])
    >>> d.log_prob(torch.tensor(1.0))
    tensor(-0.9189)
    """

    arg_constraints: dict = {}

    def __init__(self, base_distribution, transforms, validate_args=None):
        if isinstance(transforms, Transform):
            transforms = [transforms]
        elif not isinstance(transforms, list):
            raise ValueError(f"transforms must be a Transform or list, but was {transforms}")
        elif not all(isinstance(t, Transform) for t in transforms):
            raise ValueError("transforms must be a Transform or a list of Transforms")
        self.transforms = transforms
        self.base_dist = base_distribution
        base_shape = tuple(base_distribution.batch_shape) + tuple(base_distribution.event_shape)
        shape = base_shape
        for t in transforms:
            shape = t.forward_shape(shape)
        event_dim = max([len(base_distribution.event_shape)] + [t.event_dim for t in transforms])
        cut = len(shape) - event_dim
        super().__init__(shape[:cut], shape[cut:], validate_args)

    @property
    def has_rsample(self):  # type: ignore[override]
        """Whether the base distribution has a reparameterised ``rsample``."""
        return self.base_dist.has_rsample

    @property
    def support(self):
        """The codomain of the last transform (the base's support when there are none).

        >>> D = torch.distributions
        >>> D.TransformedDistribution(D.Normal(0.0, 1.0), [D.ExpTransform()]).support
        GreaterThan(lower_bound=0.0)
        """
        return self.transforms[-1].codomain if self.transforms else self.base_dist.support

    def expand(self, batch_shape, _instance=None):
        """The same distribution with a larger batch shape: the base distribution is expanded.

        Args:
            batch_shape: the new batch shape.
            _instance: unused (torch's hook for subclasses).

        >>> torch.distributions.LogNormal(0.0, 1.0).expand((2,)).batch_shape
        torch.Size([2])
        """
        new = super().expand(batch_shape, _instance)
        # elementwise transforms keep shapes: the base has the same shape, split differently
        shape = tuple(batch_shape) + tuple(self.event_shape)
        new.base_dist = self.base_dist.expand(shape[: len(shape) - len(self.base_dist.event_shape)])
        return new

    def sample(self, sample_shape=()):
        """A draw of the base distribution pushed through the transforms, without gradient.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.LogNormal(0.0, 1.0).sample((2,)).shape
        torch.Size([2])
        """
        with grad_mode.no_grad():
            return self._push(self.base_dist.sample(sample_shape))

    def rsample(self, sample_shape=()):
        """A reparameterised draw (the base's ``rsample`` pushed through the transforms).

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.LogNormal(0.0, 1.0).rsample((2,)).shape
        torch.Size([2])
        """
        return self._push(self.base_dist.rsample(sample_shape))

    def _push(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def log_prob(self, value):
        """The log density: the base's at the pulled-back point, minus each log-Jacobian.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.LogNormal(0.0, 1.0).log_prob(torch.tensor(1.0))
        tensor(-0.9189)
        """
        value = as_value(value, self._like())
        self._validate_sample(value)
        event_dim = len(self.event_shape)
        log_prob = 0.0
        y = value
        for t in reversed(self.transforms):
            x = t.inv(y)
            event_dim += t.domain.event_dim - t.codomain.event_dim
            jacobian = t.log_abs_det_jacobian(x, y)
            log_prob = log_prob - sum_rightmost(jacobian, event_dim - t.domain.event_dim)
            y = x
        base = self.base_dist.log_prob(y)
        return log_prob + sum_rightmost(base, event_dim - len(self.base_dist.event_shape))

    def _like(self) -> Tensor:
        """A parameter tensor whose dtype a Python-number value takes."""
        return next(v for v in vars(self.base_dist).values() if isinstance(v, Tensor))

    def _sign(self):
        sign = 1
        for t in self.transforms:
            sign = sign * t.sign
        return sign

    def _monotonize_cdf(self, value):
        """``value`` or ``1 - value``: a decreasing chain of transforms flips the cdf."""
        sign = self._sign()
        if isinstance(sign, int) and sign == 1:
            return value
        return sign * (value - 0.5) + 0.5

    def cdf(self, value):
        """The base's cdf at the pulled-back point (flipped when the transforms decrease).

        Args:
            value: the points to evaluate.

        >>> torch.distributions.LogNormal(0.0, 1.0).cdf(torch.tensor(1.0))
        tensor(0.5000)
        """
        value = as_value(value, self._like())
        for t in reversed(self.transforms):
            value = t.inv(value)
        if self._validate_args:
            self.base_dist._validate_sample(value)
        return self._monotonize_cdf(self.base_dist.cdf(value))

    def icdf(self, value):
        """The inverse of ``cdf``: the base's icdf pushed through the transforms.

        Args:
            value: probabilities in ``[0, 1]``.

        >>> torch.distributions.LogNormal(0.0, 1.0).icdf(torch.tensor(0.5))
        tensor(1.)
        """
        value = as_value(value, self._like())
        return self._push(self.base_dist.icdf(self._monotonize_cdf(value)))

    def __repr__(self) -> str:
        if type(self) is TransformedDistribution:
            return "TransformedDistribution()"
        return super().__repr__()


class LogNormal(TransformedDistribution):
    """The distribution of ``exp(X)`` for ``X ~ Normal(loc, scale)``.

    Args:
        loc: the mean of the log.
        scale: the standard deviation of the log, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.LogNormal(0.0, 1.0).mean
    tensor(1.6487)
    """

    arg_constraints = {"loc": real, "scale": positive}
    _property_params = ("loc", "scale")
    support = positive

    def __init__(self, loc, scale, validate_args=None):
        base = Normal(loc, scale, validate_args=validate_args)
        super().__init__(base, ExpTransform(), validate_args=validate_args)

    @property
    def loc(self):
        """The mean of the log.

        >>> torch.distributions.LogNormal(1.0, 2.0).loc
        tensor(1.)
        """
        return self.base_dist.loc

    @property
    def scale(self):
        """The standard deviation of the log.

        >>> torch.distributions.LogNormal(1.0, 2.0).scale
        tensor(2.)
        """
        return self.base_dist.scale

    @property
    def mean(self):
        """The mean, ``exp(loc + scale**2 / 2)``.

        >>> torch.distributions.LogNormal(0.0, 1.0).mean
        tensor(1.6487)
        """
        return (self.loc + self.scale.pow(2) / 2).exp()

    @property
    def mode(self):
        """The mode, ``exp(loc - scale**2)``.

        >>> torch.distributions.LogNormal(0.0, 1.0).mode
        tensor(0.3679)
        """
        return (self.loc - self.scale.pow(2)).exp()

    @property
    def variance(self):
        """The variance, ``(exp(scale**2) - 1) * exp(2 loc + scale**2)``.

        >>> torch.distributions.LogNormal(0.0, 1.0).variance
        tensor(4.6708)
        """
        s2 = self.scale.pow(2)
        return s2.expm1() * (2 * self.loc + s2).exp()

    def entropy(self):
        """The differential entropy, the normal's plus ``loc``.

        >>> torch.distributions.LogNormal(0.0, 1.0).entropy()
        tensor(1.4189)
        """
        return self.base_dist.entropy() + self.loc


class HalfNormal(TransformedDistribution):
    """The distribution of ``|X|`` for ``X ~ Normal(0, scale)``.

    Args:
        scale: the scale of the normal, positive.
        validate_args: whether to check the parameter and ``log_prob`` values.

    >>> torch.distributions.HalfNormal(1.0).log_prob(torch.tensor(0.0))
    tensor(-0.2258)
    """

    arg_constraints = {"scale": positive}
    _property_params = ("scale",)
    support = nonnegative

    def __init__(self, scale, validate_args=None):
        base = Normal(0, scale, validate_args=False)
        super().__init__(base, AbsTransform(), validate_args=validate_args)

    @property
    def scale(self):
        """The scale of the underlying normal.

        >>> torch.distributions.HalfNormal(2.0).scale
        tensor(2.)
        """
        return self.base_dist.scale

    @property
    def mean(self):
        """The mean, ``scale * sqrt(2 / pi)``.

        >>> torch.distributions.HalfNormal(1.0).mean
        tensor(0.7979)
        """
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def mode(self):
        """The mode, 0.

        >>> torch.distributions.HalfNormal(1.0).mode
        tensor(0.)
        """
        return creation.zeros_like(self.scale)

    @property
    def variance(self):
        """The variance, ``scale**2 * (1 - 2 / pi)``.

        >>> torch.distributions.HalfNormal(1.0).variance
        tensor(0.3634)
        """
        return self.scale.pow(2) * (1 - 2 / math.pi)

    def log_prob(self, value):
        """The normal's log density plus ``log 2`` (``-inf`` below 0).

        Args:
            value: non-negative points.

        >>> torch.distributions.HalfNormal(1.0).log_prob(torch.tensor(1.0))
        tensor(-0.7258)
        """
        return folded_log_prob(self, value)

    def cdf(self, value):
        """The cumulative distribution function, ``2 * normal.cdf(value) - 1``.

        Args:
            value: non-negative points.

        >>> torch.distributions.HalfNormal(1.0).cdf(torch.tensor(0.0))
        tensor(0.)
        """
        value = as_value(value, self.scale)
        self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob):
        """The inverse of ``cdf``, ``normal.icdf((prob + 1) / 2)``.

        Args:
            prob: probabilities in ``[0, 1]``.

        >>> torch.distributions.HalfNormal(1.0).icdf(torch.tensor(0.0))
        tensor(0.)
        """
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self):
        """The differential entropy, the normal's minus ``log 2``.

        >>> torch.distributions.HalfNormal(1.0).entropy()
        tensor(0.7258)
        """
        return self.base_dist.entropy() - math.log(2)


def folded_log_prob(d, value):
    """The log density of ``|X|``: the base's plus ``log 2``, ``-inf`` below 0."""
    value = as_value(value, d.scale)
    d._validate_sample(value)
    log_prob = d.base_dist.log_prob(value) + math.log(2)
    return where(value >= 0, log_prob, -math.inf)


class Gumbel(TransformedDistribution):
    """The Gumbel (type I extreme value) distribution with location ``loc`` and ``scale``.

    Draws push torch's uniform draws through ``-log(-log(u))``, so they equal torch's after
    ``manual_seed`` (to the rounding of ``log``).

    Args:
        loc: the location.
        scale: the scale, positive.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Gumbel(0.0, 1.0).log_prob(torch.tensor(0.0))
    tensor(-1.)
    """

    arg_constraints = {"loc": real, "scale": positive}
    support = real

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        info = _runtime.finfo(self.loc.dtype)
        low = creation.full_like(self.loc, info.tiny)
        high = creation.full_like(self.loc, 1 - info.eps)
        base = Uniform(low, high, validate_args=validate_args)
        transforms = [
            ExpTransform().inv,
            AffineTransform(loc=0, scale=-creation.ones_like(self.scale)),
            ExpTransform().inv,
            AffineTransform(loc=self.loc, scale=-self.scale),
        ]
        super().__init__(base, transforms, validate_args=validate_args)

    def log_prob(self, value):
        """``z - exp(z) - log(scale)`` with ``z = (loc - value) / scale``.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.Gumbel(0.0, 1.0).log_prob(torch.tensor(1.0))
        tensor(-1.3679)
        """
        value = as_value(value, self.loc)
        self._validate_sample(value)
        z = (self.loc - value) / self.scale
        return (z - z.exp()) - self.scale.log()

    @property
    def mean(self):
        """The mean, ``loc + scale * euler_gamma``.

        >>> torch.distributions.Gumbel(0.0, 1.0).mean
        tensor(0.5772)
        """
        return self.loc + self.scale * EULER_GAMMA

    @property
    def mode(self):
        """The mode, ``loc``.

        >>> torch.distributions.Gumbel(1.0, 2.0).mode
        tensor(1.)
        """
        return self.loc

    @property
    def stddev(self):
        """The standard deviation, ``scale * pi / sqrt(6)``.

        >>> torch.distributions.Gumbel(0.0, 1.0).stddev
        tensor(1.2825)
        """
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self):
        """The variance, ``stddev ** 2``.

        >>> torch.distributions.Gumbel(0.0, 1.0).variance
        tensor(1.6449)
        """
        return self.stddev.pow(2)

    def entropy(self):
        """The differential entropy, ``log(scale) + 1 + euler_gamma``.

        >>> torch.distributions.Gumbel(0.0, 1.0).entropy()
        tensor(1.5772)
        """
        return self.scale.log() + (1 + EULER_GAMMA)
