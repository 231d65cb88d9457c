"""LowRankMultivariateNormal: a normal whose covariance is ``W @ W.mT + diag(D)``.

Densities use the capacitance matrix ``C = I + W.mT D^-1 W`` (m x m, m the rank) and the
Woodbury identity, as torch does, so nothing n x n is factorised.
"""

from __future__ import annotations

import math

import numpy as np

from graphgrad.distributions._base import Distribution, independent, positive, real
from graphgrad.distributions._categorical import real_vector
from graphgrad.distributions._gamma import as_value
from graphgrad.distributions._triangular import cholesky, solve_lower

from .. import creation
from ..tensor import Size


class LowRankMultivariateNormal(Distribution):
    """A multivariate normal with covariance ``cov_factor @ cov_factor.mT + diag(cov_diag)``.

    Draws are ``loc + W @ eps_W + sqrt(D) * eps_D`` from torch's standard normals in torch's
    order, so they equal torch's after ``manual_seed`` (to the rounding of the matrix product).

    Args:
        loc: the mean, shape ``batch + (n,)``.
        cov_factor: the low-rank factor ``W``, shape ``batch + (n, m)``.
        cov_diag: the diagonal ``D``, positive, shape ``batch + (n,)``.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> LRMVN = torch.distributions.LowRankMultivariateNormal
    >>> d = LRMVN(torch.zeros(2), torch.zeros(2, 1), torch.ones(2))
    >>> d.log_prob(torch.zeros(2))
    tensor(-1.8379)
    """

    arg_constraints = {
        "loc": real_vector,
        "cov_factor": independent(real, 2),
        "cov_diag": independent(positive, 1),
    }
    support = real_vector
    has_rsample = True

    def __init__(self, loc, cov_factor, cov_diag, validate_args=None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        n = loc.shape[-1]
        if cov_factor.dim() < 2:
            raise ValueError(
                "cov_factor must be at least two-dimensional, with optional leading batch "
                "dimensions"
            )
        if tuple(cov_factor.shape[-2:-1]) != (n,):
            raise ValueError(f"cov_factor must be a batch of matrices with shape {n} x m")
        if tuple(cov_diag.shape[-1:]) != (n,):
            raise ValueError(
                f"cov_diag must be a batch of vectors with shape {Size(loc.shape[-1:])}"
            )
        batch = tuple(
            np.broadcast_shapes(
                tuple(loc.shape[:-1]), tuple(cov_factor.shape[:-2]), tuple(cov_diag.shape[:-1])
            )
        )
        self.loc = loc.expand(*batch, n)
        self.cov_factor = cov_factor.expand(*batch, n, cov_factor.shape[-1])
        self.cov_diag = cov_diag.expand(*batch, n)
        self._unbroadcasted_cov_factor = cov_factor
        self._unbroadcasted_cov_diag = cov_diag
        # factorised before the parameters are validated, as torch does (a bad diagonal can
        # raise LinAlgError here first)
        self._capacitance_tril = _capacitance_tril(cov_factor, cov_diag)
        super().__init__(batch, (n,), validate_args)

    @property
    def mean(self):
        """The mean, ``loc``.

        >>> LRMVN = torch.distributions.LowRankMultivariateNormal
        >>> LRMVN(torch.ones(2), torch.ones(2, 1), torch.ones(2)).mean
        tensor([1., 1.])
        """
        return self.loc

    @property
    def mode(self):
        """The mode, ``loc``."""
        return self.loc

    @property
    def variance(self):
        """The diagonal of the covariance, ``(W**2).sum(-1) + D``.

        >>> LRMVN = torch.distributions.LowRankMultivariateNormal
        >>> LRMVN(torch.ones(2), torch.ones(2, 1), torch.ones(2)).variance
        tensor([2., 2.])
        """
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return (w.pow(2).sum(-1) + d).expand(self._extended_shape())

    def _matrix_shape(self) -> tuple:
        return tuple(self.batch_shape) + tuple(self.event_shape) * 2

    @property
    def covariance_matrix(self):
        """The covariance, ``W @ W.mT + diag(D)``.

        >>> LRMVN = torch.distributions.LowRankMultivariateNormal
        >>> LRMVN(torch.zeros(2), torch.ones(2, 1), torch.ones(2)).covariance_matrix
        tensor([[2., 1.],
                [1., 2.]])
        """
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return (w @ w.mT + d.diag_embed()).expand(self._matrix_shape())

    @property
    def scale_tril(self):
        """The lower Cholesky factor of the covariance.

        >>> LRMVN = torch.distributions.LowRankMultivariateNormal
        >>> LRMVN(torch.zeros(2), torch.zeros(2, 1), 4 * torch.ones(2)).scale_tril
        tensor([[2., 0.],
                [0., 2.]])
        """
        return cholesky(self.covariance_matrix)

    @property
    def precision_matrix(self):
        """The inverse covariance.

        >>> LRMVN = torch.distributions.LowRankMultivariateNormal
        >>> LRMVN(torch.zeros(2), torch.zeros(2, 1), 4 * torch.ones(2)).precision_matrix
        tensor([[0.2500, 0.0000],
                [0.0000, 0.2500]])
        """
        low = self.scale_tril
        eye = creation.eye(low.shape[-1], dtype=low.dtype).expand(low.shape)
        inv = solve_lower(low, eye)
        return inv.mT @ inv

    def rsample(self, sample_shape=()):
        """A reparameterised draw, ``loc + W @ eps_W + sqrt(D) * eps_D``.

            Args:
                sample_shape: the leading shape of the draws.

            >>> LRMVN = torch.distributions.LowRankMultivariateNormal
        >>> d = LRMVN(torch.zeros(2), torch.ones(2, 1), torch.ones(2))
            >>> d.rsample((3,)).shape
            torch.Size([3, 2])
        """
        shape = self._extended_shape(sample_shape)
        w = self._unbroadcasted_cov_factor
        eps_w = creation.empty(shape[:-1] + (w.shape[-1],), dtype=self.loc.dtype).normal_()
        eps_d = creation.empty(shape, dtype=self.loc.dtype).normal_()
        low_rank = (w @ eps_w.unsqueeze(-1)).squeeze(-1)
        return self.loc + low_rank + self._unbroadcasted_cov_diag.sqrt() * eps_d

    def _log_det(self):
        """``log det(covariance) = 2 sum log diag(L_C) + sum log D``."""
        half = self._capacitance_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        return 2 * half + self._unbroadcasted_cov_diag.log().sum(-1)

    def log_prob(self, value):
        """The log density, with the Mahalanobis distance from the Woodbury identity.

            Args:
                value: points whose last dimension is the event.

            >>> LRMVN = torch.distributions.LowRankMultivariateNormal
        >>> d = LRMVN(torch.zeros(1), torch.ones(1, 1), torch.ones(1))
            >>> d.log_prob(torch.zeros(1))
            tensor(-1.2655)
        """
        value = as_value(value, self.loc)
        self._validate_sample(value)
        diff = value - self.loc
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        wt_dinv_x = (w.mT / d.unsqueeze(-2)) @ diff.unsqueeze(-1)
        low = self._capacitance_tril
        shape = np.broadcast_shapes(tuple(low.shape[:-2]), tuple(wt_dinv_x.shape[:-2]))
        solved = solve_lower(low.expand(*shape, -1, -1), wt_dinv_x.expand(*shape, -1, -1))
        mahalanobis = (diff.pow(2) / d).sum(-1) - solved.pow(2).sum((-2, -1))
        n = self.event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + self._log_det() + mahalanobis)

    def entropy(self):
        """The differential entropy, ``(n (1 + log 2 pi) + log det covariance) / 2``.

            >>> LRMVN = torch.distributions.LowRankMultivariateNormal
        >>> d = LRMVN(torch.zeros(1), torch.zeros(1, 1), torch.ones(1))
            >>> d.entropy()
            tensor(1.4189)
        """
        n = self.event_shape[0]
        h = 0.5 * (n * (1.0 + math.log(2 * math.pi)) + self._log_det())
        return h.expand(tuple(self.batch_shape)) if self.batch_shape else h


def _capacitance_tril(w, d):
    """The Cholesky factor of ``I + W.mT D^-1 W``."""
    m = w.shape[-1]
    capacitance = (w.mT / d.unsqueeze(-2)) @ w
    return cholesky(capacitance + creation.eye(m, dtype=w.dtype))
