"""``kl_divergence`` and ``register_kl``: a table of KL rules keyed by the two types."""

from __future__ import annotations

import numpy as np

from .. import creation
from ..nn import functional as F  # noqa: N812 - as PyTorch code names it
from ..ops.elementwise import where

_KL_RULES: dict = {}


def register_kl(type_p, type_q):
    """A decorator that registers ``fn(p, q)`` as the KL divergence of ``type_p`` from ``type_q``.

    Args:
        type_p: the class of the first distribution.
        type_q: the class of the second distribution.

    >>> D = torch.distributions
    >>> @D.register_kl(D.Uniform, D.Normal)
    ... def _kl(p, q):
    ...     return p.low * 0
    >>> D.kl_divergence(D.Uniform(0.0, 1.0), D.Normal(0.0, 1.0))
    tensor(0.)
    """

    def decorator(fn):
        _KL_RULES[type_p, type_q] = fn
        return fn

    return decorator


def kl_divergence(p, q):
    """``KL(p || q)``, from the rule registered for the pair of types.

    Args:
        p: a distribution.
        q: a distribution.

    >>> D = torch.distributions
    >>> D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 1.0))
    tensor(0.5000)
    """
    for tp in type(p).__mro__:
        for tq in type(q).__mro__:
            if (tp, tq) in _KL_RULES:
                return _KL_RULES[tp, tq](p, q)
    raise NotImplementedError(
        f"No KL(p || q) is implemented for p type {type(p).__name__} and q type {type(q).__name__}"
    )


def _register_builtin_rules() -> None:
    from graphgrad.distributions._simple import Bernoulli, Normal, Uniform

    @register_kl(Normal, Normal)
    def _kl_normal_normal(p, q):
        var_ratio = (p.scale / q.scale).pow(2)
        t1 = ((p.loc - q.loc) / q.scale).pow(2)
        return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())

    @register_kl(Bernoulli, Bernoulli)
    def _kl_bernoulli_bernoulli(p, q):
        sp = _softplus
        t1 = p.probs * (sp(-q.logits) - sp(-p.logits))
        t2 = (1 - p.probs) * (sp(q.logits) - sp(p.logits))
        return t1 + t2

    @register_kl(Uniform, Uniform)
    def _kl_uniform_uniform(p, q):
        result = ((q.high - q.low) / (p.high - p.low)).log()
        outside = (q.low > p.low) | (q.high < p.high)
        return where(outside, creation.full_like(result, float("inf")), result)


def _register_more_rules() -> None:
    from graphgrad.distributions._categorical import Categorical, Independent, sum_rightmost

    @register_kl(Categorical, Categorical)
    def _kl_categorical_categorical(p, q):
        t = p.probs * (p.logits - q.logits)
        t = where((q.probs == 0).expand_as(t), creation.full_like(t, float("inf")), t)
        return where((p.probs == 0).expand_as(t), creation.zeros_like(t), t).sum(-1)

    @register_kl(Independent, Independent)
    def _kl_independent_independent(p, q):
        if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
            raise NotImplementedError
        kl = kl_divergence(p.base_dist, q.base_dist)
        return sum_rightmost(kl, p.reinterpreted_batch_ndims)


def _register_gamma_family_rules() -> None:
    from graphgrad.distributions._dirichlet import Beta, Dirichlet
    from graphgrad.distributions._gamma import Exponential, Gamma

    @register_kl(Gamma, Gamma)
    def _kl_gamma_gamma(p, q):
        t1 = q.concentration * (p.rate / q.rate).log()
        t2 = q.concentration.lgamma() - p.concentration.lgamma()
        t3 = (p.concentration - q.concentration) * p.concentration.digamma()
        t4 = (q.rate - p.rate) * (p.concentration / p.rate)
        return t1 + t2 + t3 + t4

    @register_kl(Exponential, Exponential)
    def _kl_exponential_exponential(p, q):
        rate_ratio = q.rate / p.rate
        return -rate_ratio.log() + rate_ratio - 1

    @register_kl(Beta, Beta)
    def _kl_beta_beta(p, q):
        p1, p0, q1, q0 = p.concentration1, p.concentration0, q.concentration1, q.concentration0
        sum_p, sum_q = p1 + p0, q1 + q0
        t1 = q1.lgamma() + q0.lgamma() + sum_p.lgamma()
        t2 = p1.lgamma() + p0.lgamma() + sum_q.lgamma()
        t3 = (p1 - q1) * p1.digamma()
        t4 = (p0 - q0) * p0.digamma()
        t5 = (sum_q - sum_p) * sum_p.digamma()
        return t1 - t2 + t3 + t4 + t5

    @register_kl(Dirichlet, Dirichlet)
    def _kl_dirichlet_dirichlet(p, q):
        pc, qc = p.concentration, q.concentration
        sum_p = pc.sum(-1)
        t1 = sum_p.lgamma() - qc.sum(-1).lgamma()
        t2 = (pc.lgamma() - qc.lgamma()).sum(-1)
        t4 = pc.digamma() - sum_p.digamma().unsqueeze(-1)
        return t1 - t2 + ((pc - qc) * t4).sum(-1)


def _register_multivariate_normal_rule() -> None:
    from graphgrad.distributions._multivariate_normal import MultivariateNormal
    from graphgrad.distributions._triangular import mahalanobis, solve_lower

    @register_kl(MultivariateNormal, MultivariateNormal)
    def _kl_multivariatenormal_multivariatenormal(p, q):
        if p.event_shape != q.event_shape:
            raise ValueError(
                "KL-divergence between two Multivariate Normals with                          "
                "different event shapes cannot be computed"
            )
        p_low, q_low = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
        half_term1 = q._half_log_det() - p._half_log_det()
        shape = np.broadcast_shapes(tuple(q_low.shape), tuple(p_low.shape))
        term2 = solve_lower(q_low.expand(shape), p_low.expand(shape)).pow(2).sum((-2, -1))
        term3 = mahalanobis(q_low, q.loc - p.loc)
        kl = half_term1 + 0.5 * (term2 + term3 - p.event_shape[0])
        batch = np.broadcast_shapes(tuple(p.batch_shape), tuple(q.batch_shape))
        return kl.expand(batch) if batch else kl


def _softplus(x):
    return F.softplus(x)


_register_builtin_rules()
_register_more_rules()
_register_gamma_family_rules()
_register_multivariate_normal_rule()
