"""Geometric, Poisson and Binomial: distributions over counts.

``Geometric`` draws as torch draws (``uniform_`` then a floor of logs), so its samples equal
torch's after ``manual_seed``. torch samples ``Poisson`` and ``Binomial`` with its own C++
rejection samplers (``torch.poisson``, ``torch.binomial``), which graphgrad does not reproduce:
their draws take one 64-bit word from graphgrad's generator to seed NumPy's samplers, so they
are repeatable after ``manual_seed`` and have the right distribution, but differ from torch's.
"""

from __future__ import annotations

import numpy as np

from graphgrad.distributions._base import (
    Distribution,
    broadcast_all,
    integer_interval,
    nonnegative,
    nonnegative_integer,
    real,
    unit_interval,
)
from graphgrad.distributions._exp_family import ExponentialFamily
from graphgrad.distributions._transformed import as_value

from .. import _runtime, creation
from ..autograd import grad_mode
from ..nn import functional as F  # noqa: N812 - as PyTorch code names it
from ..ops.elementwise import where
from ..random.draws import _gen
from ..tensor import Tensor


def numpy_generator() -> np.random.Generator:
    """A NumPy generator seeded by one 64-bit word of graphgrad's default generator."""
    return np.random.Generator(np.random.PCG64(int(_gen(None).random_uint64(1)[0])))


def probs_or_logits(d, probs, logits) -> None:
    """Set ``d.probs`` or ``d.logits`` (exactly one given) and the matching arg_constraints."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    if probs is not None:
        (d.probs,) = broadcast_all(probs)
    else:
        (d.logits,) = broadcast_all(logits)
    d._given = "probs" if probs is not None else "logits"


def complete_probs_logits(d) -> None:
    """The parameter not given, from the one given (probs clamped away from 0 and 1)."""
    if "probs" in d.__dict__ and "logits" not in d.__dict__:
        eps = _runtime.finfo(d.probs.dtype).eps
        clamped = d.probs.clamp(eps, 1 - eps)
        d.logits = clamped.log() - (-clamped).log1p()
    elif "probs" not in d.__dict__:
        d.probs = d.logits.sigmoid()


class Geometric(Distribution):
    """The number of failures before the first success in Bernoulli(``probs``) trials.

    Args:
        probs: the success probability, in ``(0, 1]``.
        logits: the log-odds of success.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Geometric(0.5).log_prob(torch.tensor(1.0))
    tensor(-1.3863)
    """

    arg_constraints = {"probs": unit_interval, "logits": real}
    support = nonnegative_integer
    _derived = ("probs", "logits")
    probs: Tensor
    logits: Tensor
    _given: str

    def __init__(self, probs=None, logits=None, validate_args=None):
        probs_or_logits(self, probs, logits)
        shape = (self.probs if probs is not None else self.logits).shape
        super().__init__(shape, (), validate_args)
        if self._validate_args and probs is not None and not bool((self.probs > 0).all()):
            invalid = self.probs[~(self.probs > 0)]
            raise ValueError(
                f"Expected parameter probs (Tensor of shape {tuple(self.probs.shape)}) of "
                f"distribution {self!r} to be positive but found invalid values:\n{invalid}"
            )
        complete_probs_logits(self)

    def _repr_names(self) -> list:
        return [self._given]

    @property
    def mean(self):
        """The mean, ``1 / probs - 1``.

        >>> torch.distributions.Geometric(0.25).mean
        tensor(3.)
        """
        return 1.0 / self.probs - 1.0

    @property
    def mode(self):
        """The mode, 0.

        >>> torch.distributions.Geometric(0.25).mode
        tensor(0.)
        """
        return creation.zeros_like(self.probs)

    @property
    def variance(self):
        """The variance, ``(1 / probs - 1) / probs``.

        >>> torch.distributions.Geometric(0.5).variance
        tensor(2.)
        """
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape=()):
        """Draws ``floor(log(u) / log1p(-probs))`` with ``u`` uniform on ``[tiny, 1)``.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Geometric(1.0).sample((2,))
        tensor([0., 0.])
        """
        shape = self._extended_shape(sample_shape)
        tiny = _runtime.finfo(self.probs.dtype).tiny
        with grad_mode.no_grad():
            u = creation.empty(shape, dtype=self.probs.dtype).uniform_(tiny, 1)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value):
        """``value * log(1 - probs) + log(probs)`` (0 at ``probs = 1, value = 0``).

        Args:
            value: non-negative whole numbers.

        >>> torch.distributions.Geometric(0.5).log_prob(torch.tensor(0.0))
        tensor(-0.6931)
        """
        value = as_value(value, self.probs)
        self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        probs = where((probs == 1) & (value == 0), creation.zeros_like(probs), probs)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        """The entropy, ``bce_with_logits(logits, probs) / probs``.

        >>> torch.distributions.Geometric(0.5).entropy()
        tensor(1.3863)
        """
        bce = F.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")
        return bce / self.probs


class Poisson(ExponentialFamily):
    """The Poisson distribution with mean ``rate``.

    Draws are not torch's (see the module docstring): repeatable after ``manual_seed``, with
    the right distribution.

    Args:
        rate: the mean, non-negative.
        validate_args: whether to check the parameter and ``log_prob`` values.

    >>> torch.distributions.Poisson(2.0).log_prob(torch.tensor(0.0))
    tensor(-2.)
    """

    arg_constraints = {"rate": nonnegative}
    support = nonnegative_integer

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, (), validate_args)

    @property
    def mean(self):
        """The mean, ``rate``.

        >>> torch.distributions.Poisson(2.0).mean
        tensor(2.)
        """
        return self.rate

    @property
    def mode(self):
        """The mode, ``floor(rate)``.

        >>> torch.distributions.Poisson(2.5).mode
        tensor(2.)
        """
        return self.rate.floor()

    @property
    def variance(self):
        """The variance, ``rate``.

        >>> torch.distributions.Poisson(2.0).variance
        tensor(2.)
        """
        return self.rate

    @property
    def _natural_params(self) -> tuple:
        return (self.rate.log(),)

    def _log_normalizer(self, x):
        return x.exp()

    def sample(self, sample_shape=()):
        """Poisson draws of the batch's rates (NumPy's sampler, seeded from graphgrad's).

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Poisson(0.0).sample((2,))
        tensor([0., 0.])
        """
        shape = self._extended_shape(sample_shape)
        rate = self.rate.detach().expand(shape).numpy()
        counts = numpy_generator().poisson(rate).astype(rate.dtype)
        return creation.tensor(counts, dtype=self.rate.dtype)

    def log_prob(self, value):
        """``value * log(rate) - rate - lgamma(value + 1)``.

        Args:
            value: non-negative whole numbers.

        >>> torch.distributions.Poisson(1.0).log_prob(torch.tensor(1.0))
        tensor(-1.)
        """
        value = as_value(value, self.rate)
        self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - (value + 1).lgamma()


def _clamp_by_zero(x):
    """``max(x, 0)`` whose gradient at 0 is 1/2, as torch's Binomial uses."""
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


class Binomial(Distribution):
    """The number of successes in ``total_count`` Bernoulli(``probs``) trials.

    Draws are not torch's (see the module docstring): repeatable after ``manual_seed``, with
    the right distribution.

    Args:
        total_count: the number of trials (a whole number or tensor of them).
        probs: the success probability.
        logits: the log-odds of success.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> torch.distributions.Binomial(2, torch.tensor(0.5)).log_prob(torch.tensor(1.0))
    tensor(-0.6931)
    """

    arg_constraints = {
        "total_count": nonnegative_integer,
        "probs": unit_interval,
        "logits": real,
    }
    _derived = ("total_count", "probs", "logits")

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        given = probs if probs is not None else logits
        self.total_count, param = broadcast_all(total_count, given)
        self.total_count = self.total_count.to(param.dtype)
        if probs is not None:
            self.probs = param
        else:
            self.logits = param
        self._given = "probs" if probs is not None else "logits"
        super().__init__(param.shape, (), validate_args)
        complete_probs_logits(self)

    def _repr_names(self) -> list:
        return ["total_count", self._given]

    @property
    def support(self):
        """``IntegerInterval(lower_bound=0, upper_bound=total_count)``.

        >>> torch.distributions.Binomial(5, torch.tensor(0.5)).support
        IntegerInterval(lower_bound=0, upper_bound=5.0)
        """
        return integer_interval(0, self.total_count)

    @property
    def mean(self):
        """The mean, ``total_count * probs``.

        >>> torch.distributions.Binomial(4, torch.tensor(0.25)).mean
        tensor(1.)
        """
        return self.total_count * self.probs

    @property
    def mode(self):
        """The mode, ``floor((total_count + 1) * probs)`` clamped to ``total_count``.

        >>> torch.distributions.Binomial(5, torch.tensor(0.5)).mode
        tensor(3.)
        """
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self):
        """The variance, ``total_count * probs * (1 - probs)``.

        >>> torch.distributions.Binomial(4, torch.tensor(0.5)).variance
        tensor(1.)
        """
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        """Binomial draws (NumPy's sampler, seeded from graphgrad's generator).

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Binomial(3, torch.tensor(1.0)).sample((2,))
        tensor([3., 3.])
        """
        shape = self._extended_shape(sample_shape)
        n = self.total_count.detach().expand(shape).numpy().astype(np.int64)
        p = self.probs.detach().expand(shape).numpy().astype(np.float64)
        counts = numpy_generator().binomial(n, p.clip(0.0, 1.0))
        return creation.tensor(counts.astype(np.float64), dtype=self.probs.dtype)

    def log_prob(self, value):
        """The log-probability of ``value`` successes, computed stably from the logits.

        Args:
            value: whole numbers in ``[0, total_count]``.

        >>> torch.distributions.Binomial(2, torch.tensor(0.5)).log_prob(torch.tensor(0.0))
        tensor(-1.3863)
        """
        value = as_value(value, self.probs)
        self._validate_sample(value)
        n, logits = self.total_count, self.logits
        log_factorial_n = (n + 1).lgamma()
        log_factorial_k = (value + 1).lgamma()
        log_factorial_nmk = (n - value + 1).lgamma()
        normalize = n * _clamp_by_zero(logits) + n * (-logits.abs()).exp().log1p() - log_factorial_n
        return value * logits - log_factorial_k - log_factorial_nmk - normalize

    def enumerate_support(self, expand=True):
        """Every count ``0 .. total_count`` along a new leading dimension.

        Args:
            expand: whether to expand the values to the batch shape.

        >>> torch.distributions.Binomial(2, torch.tensor(0.5)).enumerate_support()
        tensor([0., 1., 2.])
        """
        top = int(self.total_count.max())
        if not bool((self.total_count == top).all()):
            raise NotImplementedError(
                "Inhomogeneous total count not supported by `enumerate_support`."
            )
        values = creation.arange(1 + top, dtype=self.probs.dtype)
        values = values.view((-1,) + (1,) * len(self.batch_shape))
        return values.expand((-1,) + tuple(self.batch_shape)) if expand else values

    def entropy(self):
        """The entropy, summed over the support (needs one ``total_count`` for the batch).

        >>> torch.distributions.Binomial(1, torch.tensor(0.5)).entropy()
        tensor(0.6931)
        """
        top = int(self.total_count.max())
        if not bool(self.total_count.min() == top):
            raise NotImplementedError("Inhomogeneous total count not supported by `entropy`.")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)
