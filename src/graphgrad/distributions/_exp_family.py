"""ExponentialFamily: the base of the distributions whose density is
``exp(<t(x), theta> - F(theta) + k(x))``; its entropy comes from the log-normaliser ``F``."""

from __future__ import annotations

from graphgrad.distributions._base import Distribution

from .. import autograd


class ExponentialFamily(Distribution):
    """A distribution of the exponential family, described by ``_natural_params`` (theta),
    ``_log_normalizer(*theta)`` (F) and ``_mean_carrier_measure`` (E[k(x)]).

    ``entropy`` is ``F(theta) - <theta, grad F(theta)> - E[k(x)]``, with ``grad F`` from
    autograd (the Bregman divergence of F), as torch computes it.

    Args:
        batch_shape: the shape of independent draws of the parameters.
        event_shape: the shape of one event.
        validate_args: whether to check parameters and ``log_prob`` values.

    >>> d = torch.distributions.Exponential(2.0)
    >>> isinstance(d, torch.distributions.ExponentialFamily)
    True
    >>> torch.distributions.ExponentialFamily.entropy(d)
    tensor(0.3069, grad_fn=<SubBackward0>)
    """

    @property
    def _natural_params(self) -> tuple:
        """The natural parameters theta, a tuple of tensors."""
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        """The log-normaliser F(theta)."""
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        """The expected carrier measure E[k(x)]."""
        raise NotImplementedError

    def entropy(self):
        """The entropy from the Bregman divergence of the log-normaliser.

        >>> torch.distributions.ExponentialFamily.entropy(torch.distributions.Normal(0.0, 1.0))
        tensor(1.4189, grad_fn=<SubBackward0>)
        """
        result = -self._mean_carrier_measure
        params = [p.detach().requires_grad_() for p in self._natural_params]
        log_normalizer = self._log_normalizer(*params)
        grads = autograd.grad(log_normalizer.sum(), params, create_graph=True)
        result = result + log_normalizer
        for param, grad in zip(params, grads):
            result = result - (param * grad).reshape(tuple(self._batch_shape) + (-1,)).sum(-1)
        return result
