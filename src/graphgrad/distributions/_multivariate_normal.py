"""MultivariateNormal, parameterised by a covariance, a precision or a lower Cholesky factor."""

from __future__ import annotations

import math

import numpy as np

from graphgrad.distributions._base import Constraint, Distribution
from graphgrad.distributions._categorical import real_vector
from graphgrad.distributions._gamma import as_value
from graphgrad.distributions._triangular import (
    cholesky,
    mahalanobis,
    precision_to_scale_tril,
    solve_lower,
)

from .. import creation


def _factorises(a: np.ndarray) -> np.ndarray:
    """Per matrix: whether a Cholesky factorisation succeeds."""
    flat = a.reshape(-1, *a.shape[-2:])
    ok = []
    for m in flat:
        try:
            np.linalg.cholesky(m)
            ok.append(True)
        except np.linalg.LinAlgError:
            ok.append(False)
    return np.array(ok, bool).reshape(a.shape[:-2])


def _positive_definite(v):
    a = v.detach().numpy()
    symmetric = np.isclose(a, np.swapaxes(a, -1, -2), atol=1e-6).all((-2, -1))
    return creation.tensor(symmetric if not symmetric.all() else _factorises(a))


def _lower_cholesky(v):
    a = v.detach().numpy()
    lower = (np.tril(a) == a).all((-2, -1))
    return creation.tensor(lower & (np.diagonal(a, axis1=-2, axis2=-1) > 0).all(-1))


positive_definite = Constraint("PositiveDefinite()", _positive_definite)
lower_cholesky = Constraint("LowerCholesky()", _lower_cholesky)
_MATRICES = ("covariance_matrix", "precision_matrix", "scale_tril")


class MultivariateNormal(Distribution):
    """The multivariate normal distribution with mean ``loc`` and exactly one of
    ``covariance_matrix``, ``precision_matrix`` or ``scale_tril`` (lower-triangular, positive
    diagonal). Draws are ``loc + L @ eps`` with ``eps`` standard normal, as torch draws them.

    Args:
        loc: the mean, at least one-dimensional (the last dimension is the event).
        covariance_matrix: positive-definite covariance matrices.
        precision_matrix: positive-definite inverse covariance matrices.
        scale_tril: lower Cholesky factors of the covariance.
        validate_args: whether to check the parameters and ``log_prob`` values.

    >>> d = torch.distributions.MultivariateNormal(torch.zeros(2), torch.eye(2))
    >>> d.log_prob(torch.zeros(2))
    tensor(-1.8379)
    """

    arg_constraints = {
        "loc": real_vector,
        "covariance_matrix": positive_definite,
        "precision_matrix": positive_definite,
        "scale_tril": lower_cholesky,
    }
    support = real_vector
    has_rsample = True

    def __init__(
        self,
        loc,
        covariance_matrix=None,
        precision_matrix=None,
        scale_tril=None,
        validate_args=None,
    ):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = {"covariance_matrix": covariance_matrix, "precision_matrix": precision_matrix}
        given["scale_tril"] = scale_tril
        given = {k: v for k, v in given.items() if v is not None}
        if len(given) != 1:
            raise ValueError(
                "Exactly one of covariance_matrix or precision_matrix or scale_tril may be "
                "specified."
            )
        ((name, matrix),) = given.items()
        if matrix.dim() < 2:
            what = "scale_tril matrix" if name == "scale_tril" else name
            raise ValueError(
                f"{what} must be at least two-dimensional, with optional leading batch dimensions"
            )
        batch = tuple(np.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(loc.shape[:-1])))
        # the given matrix lives in __dict__ (what validation, repr and expand read); the
        # properties below return it, or derive the other two from the Cholesky factor
        self.__dict__[name] = matrix.expand(*batch, -1, -1)
        self.loc = loc.expand(*batch, -1)
        super().__init__(batch, tuple(self.loc.shape[-1:]), validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = scale_tril
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = precision_to_scale_tril(precision_matrix)

    def _expand_names(self) -> tuple:
        return ("loc",) + tuple(k for k in _MATRICES if k in self.__dict__)

    def _matrix_shape(self) -> tuple:
        return tuple(self.batch_shape) + tuple(self.event_shape) * 2

    @property
    def scale_tril(self):
        """The lower Cholesky factor of the covariance, expanded to the batch shape.

        >>> torch.distributions.MultivariateNormal(torch.zeros(2), 4 * torch.eye(2)).scale_tril
        tensor([[2., 0.],
                [0., 2.]])
        """
        if "scale_tril" not in self.__dict__:  # computed once, then kept (torch's lazy_property)
            self.__dict__["scale_tril"] = self._unbroadcasted_scale_tril.expand(
                self._matrix_shape()
            )
        return self.__dict__["scale_tril"]

    @property
    def covariance_matrix(self):
        """The covariance, ``L @ L.mT``.

        >>> d = torch.distributions.MultivariateNormal(torch.zeros(2), scale_tril=2 * torch.eye(2))
        >>> d.covariance_matrix
        tensor([[4., 0.],
                [0., 4.]])
        """
        if "covariance_matrix" not in self.__dict__:
            low = self._unbroadcasted_scale_tril
            self.__dict__["covariance_matrix"] = (low @ low.mT).expand(self._matrix_shape())
        return self.__dict__["covariance_matrix"]

    @property
    def precision_matrix(self):
        """The inverse covariance, ``inverse(L).mT @ inverse(L)``.

        >>> d = torch.distributions.MultivariateNormal(torch.zeros(2), 4 * torch.eye(2))
        >>> d.precision_matrix
        tensor([[0.2500, 0.0000],
                [0.0000, 0.2500]])
        """
        if "precision_matrix" not in self.__dict__:
            low = self._unbroadcasted_scale_tril
            eye = creation.eye(low.shape[-1], dtype=low.dtype).expand(low.shape)
            inv = solve_lower(low, eye)
            self.__dict__["precision_matrix"] = (inv.mT @ inv).expand(self._matrix_shape())
        return self.__dict__["precision_matrix"]

    @property
    def mean(self):
        """The mean, ``loc``.

        >>> torch.distributions.MultivariateNormal(torch.ones(2), torch.eye(2)).mean
        tensor([1., 1.])
        """
        return self.loc

    @property
    def mode(self):
        """The mode, ``loc``.

        >>> torch.distributions.MultivariateNormal(torch.ones(2), torch.eye(2)).mode
        tensor([1., 1.])
        """
        return self.loc

    @property
    def variance(self):
        """The variances of the components (the covariance's diagonal).

        >>> torch.distributions.MultivariateNormal(torch.zeros(2), 4 * torch.eye(2)).variance
        tensor([4., 4.])
        """
        shape = tuple(self.batch_shape) + tuple(self.event_shape)
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(shape)

    def rsample(self, sample_shape=()):
        """A reparameterised draw, ``loc + L @ eps`` with ``eps`` standard normal.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.MultivariateNormal(torch.zeros(2), torch.eye(2)).rsample((3,)).shape
        torch.Size([3, 2])
        """
        shape = self._extended_shape(sample_shape)
        eps = creation.empty(shape, dtype=self.loc.dtype).normal_()
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self):
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        """The log density at ``value``.

        Args:
            value: points whose last dimension is the event.

        >>> torch.distributions.MultivariateNormal(torch.zeros(1), torch.eye(1)).log_prob(
        ...     torch.ones(1))
        tensor(-1.4189)
        """
        value = as_value(value, self.loc)
        self._validate_sample(value)
        m = mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        n = self.event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + m) - self._half_log_det()

    def entropy(self):
        """The differential entropy, ``n (1 + log 2 pi) / 2 + log det L``.

        >>> torch.distributions.MultivariateNormal(torch.zeros(1), torch.eye(1)).entropy()
        tensor(1.4189)
        """
        n = self.event_shape[0]
        h = 0.5 * n * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return h.expand(tuple(self.batch_shape)) if self.batch_shape else h
