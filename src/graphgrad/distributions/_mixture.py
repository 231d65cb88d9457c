"""MixtureSameFamily: a categorical choice among the components of one batched distribution."""

from __future__ import annotations

import numpy as np

from graphgrad.distributions._base import Constraint, Distribution
from graphgrad.distributions._categorical import Categorical, real_vector

from ..autograd import grad_mode
from ..tensor import Size


class MixtureSameFamily(Distribution):
    """A mixture whose weights are ``mixture_distribution`` (a ``Categorical`` over K) and whose
    components are the last batch dimension (size K) of ``component_distribution``.

    Draws pick a component with the categorical, then draw every component and gather the
    chosen one, in torch's order, so they equal torch's after ``manual_seed``.

    Args:
        mixture_distribution: a ``Categorical`` with K categories.
        component_distribution: a distribution whose batch shape ends in K.
        validate_args: whether to check ``log_prob`` values.

    >>> D = torch.distributions
    >>> m = D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Normal(torch.zeros(2), 1.0))
    >>> m.log_prob(torch.tensor(0.0))
    tensor(-0.9189)
    """

    arg_constraints: dict = {}
    has_rsample = False

    def __init__(self, mixture_distribution, component_distribution, validate_args=None):
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError(
                " The Mixture distribution needs to be an  instance of "
                "torch.distributions.Categorical"
            )
        if not isinstance(component_distribution, Distribution):
            raise ValueError(
                "The Component distribution needs to be an instance of "
                "torch.distributions.Distribution"
            )
        self._mixture_distribution = mixture_distribution
        self._component_distribution = component_distribution
        mdbs = tuple(mixture_distribution.batch_shape)
        cdbs = tuple(component_distribution.batch_shape)[:-1]
        for size1, size2 in zip(reversed(mdbs), reversed(cdbs)):
            if size1 != 1 and size2 != 1 and size1 != size2:
                raise ValueError(
                    f"`mixture_distribution.batch_shape` ({Size(mdbs)}) is not compatible with "
                    f"`component_distribution.batch_shape`({Size(cdbs)})"
                )
        km = mixture_distribution._num_events
        kc = component_distribution.batch_shape[-1]
        if km != kc:
            raise ValueError(
                f"`mixture_distribution component` ({km}) does not equal "
                f"`component_distribution.batch_shape[-1]` ({kc})"
            )
        # torch reads the mixture's lazily computed logits here, which adds them to its repr
        if "logits" not in mixture_distribution.arg_constraints:
            constraints = dict(mixture_distribution.arg_constraints, logits=real_vector)
            mixture_distribution.arg_constraints = constraints
        self._num_component = km
        self._event_ndims = len(component_distribution.event_shape)
        super().__init__(cdbs, component_distribution.event_shape, validate_args)

    @property
    def mixture_distribution(self):
        """The categorical distribution of the component index.

        >>> D = torch.distributions
        >>> m = D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Normal(torch.zeros(2), 1.0))
        >>> m.mixture_distribution
        Categorical(probs: torch.Size([2]), logits: torch.Size([2]))
        """
        return self._mixture_distribution

    @property
    def component_distribution(self):
        """The batched distribution of the components.

        >>> D = torch.distributions
        >>> m = D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Normal(torch.zeros(2), 1.0))
        >>> m.component_distribution
        Normal(loc: torch.Size([2]), scale: torch.Size([2]))
        """
        return self._component_distribution

    @property
    def support(self):
        """The components' support, as torch names it.

        >>> D = torch.distributions
        >>> D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Normal(torch.zeros(2), 1.0)).support
        MixtureSameFamilyConstraint(Real())
        """
        inner = self._component_distribution.support
        name = f"MixtureSameFamilyConstraint({inner!r})"
        dims = self._event_ndims

        def check(value):
            return inner(value.unsqueeze(-1 - dims)).all(-1)

        return Constraint(name, check, event_dim=dims)

    def expand(self, batch_shape, _instance=None):
        """The same mixture with a larger batch shape.

        Args:
            batch_shape: the new batch shape.
            _instance: unused (torch's hook for subclasses).

        >>> D = torch.distributions
        >>> m = D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Normal(torch.zeros(2), 1.0))
        >>> m.expand((3,)).batch_shape
        torch.Size([3])
        """
        batch_shape = tuple(batch_shape)
        new = super().expand(batch_shape, _instance)
        new._component_distribution = self._component_distribution.expand(
            batch_shape + (self._num_component,)
        )
        new._mixture_distribution = self._mixture_distribution.expand(batch_shape)
        return new

    def _pad(self, x):
        """``x`` with a component dimension before the event dimensions."""
        return x.unsqueeze(-1 - self._event_ndims)

    def _weights(self):
        """The mixture probabilities, broadcastable against the components' moments."""
        probs = self._mixture_distribution.probs
        return probs.reshape(tuple(probs.shape) + (1,) * self._event_ndims)

    @property
    def mean(self):
        """The mean, ``sum_k p_k mean_k``.

        >>> D = torch.distributions
        >>> components = D.Normal(torch.tensor([0.0, 2.0]), 1.0)
        >>> D.MixtureSameFamily(D.Categorical(torch.ones(2)), components).mean
        tensor(1.)
        """
        dim = -1 - self._event_ndims
        return (self._weights() * self._component_distribution.mean).sum(dim)

    @property
    def variance(self):
        """The variance, by the law of total variance.

        >>> D = torch.distributions
        >>> components = D.Normal(torch.tensor([0.0, 2.0]), 1.0)
        >>> D.MixtureSameFamily(D.Categorical(torch.ones(2)), components).variance
        tensor(2.)
        """
        dim = -1 - self._event_ndims
        probs = self._weights()
        components = self._component_distribution
        mean_cond_var = (probs * components.variance).sum(dim)
        var_cond_mean = (probs * (components.mean - self._pad(self.mean)).pow(2)).sum(dim)
        return mean_cond_var + var_cond_mean

    def cdf(self, x):
        """The cumulative distribution function, ``sum_k p_k cdf_k(x)``.

        Args:
            x: the points to evaluate.

        >>> D = torch.distributions
        >>> m = D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Normal(torch.zeros(2), 1.0))
        >>> m.cdf(torch.tensor(0.0))
        tensor(0.5000)
        """
        x = self._pad(x)
        cdf_x = self._component_distribution.cdf(x)
        return (cdf_x * self._mixture_distribution.probs).sum(-1)

    def log_prob(self, x):
        """``logsumexp_k (log p_k + log_prob_k(x))``.

        Args:
            x: the points to evaluate.

        >>> D = torch.distributions
        >>> m = D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Normal(torch.zeros(2), 1.0))
        >>> m.log_prob(torch.tensor(1.0))
        tensor(-1.4189)
        """
        if self._validate_args:
            self._validate_sample(x)
        log_prob_x = self._component_distribution.log_prob(self._pad(x))
        log_mix_prob = self._mixture_distribution.logits.log_softmax(-1)
        return (log_prob_x + log_mix_prob).logsumexp(-1)

    def sample(self, sample_shape=()):
        """Draws: a component index per draw, then that component's draw.

        Args:
            sample_shape: the leading shape of the draws.

        >>> D = torch.distributions
        >>> m = D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Normal(torch.zeros(2), 1.0))
        >>> m.sample((3,)).shape
        torch.Size([3])
        """
        sample_shape = tuple(sample_shape)
        with grad_mode.no_grad():
            gather_dim = len(sample_shape) + len(self.batch_shape)
            event_shape = tuple(self.event_shape)
            mix_sample = self._mixture_distribution.sample(sample_shape)
            mix_shape = tuple(mix_sample.shape)
            comp_samples = self._component_distribution.sample(sample_shape)
            index = mix_sample.reshape(mix_shape + (1,) * (len(event_shape) + 1))
            index = index.repeat(*((1,) * len(mix_shape) + (1,) + event_shape))
            shape = np.broadcast_shapes(
                tuple(index.shape[:gather_dim]), comp_samples.shape[:gather_dim]
            )
            comp_samples = comp_samples.expand(
                tuple(shape) + tuple(comp_samples.shape[gather_dim:])
            )
            index = index.expand(tuple(shape) + tuple(index.shape[gather_dim:]))
            return comp_samples.gather(gather_dim, index).squeeze(gather_dim)

    def __repr__(self) -> str:
        return (
            f"MixtureSameFamily(\n  {self._mixture_distribution!r},\n"
            f"  {self._component_distribution!r})"
        )
