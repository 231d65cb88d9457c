"""The parametrization behind ``nn.utils.parametrizations.orthogonal``: an orthogonal matrix from
an unconstrained one, by the matrix exponential or the Cayley map of a skew-symmetric matrix,
or by a product of Householder reflectors.

>>> import graphgrad as torch
>>> orth = _Orthogonal(torch.zeros(3, 3), _OrthMaps.matrix_exp, use_trivialization=False)
>>> orth(torch.zeros(3, 3))
tensor([[1., 0., 0.],
        [0., 1., 0.],
        [0., 0., 1.]])
"""

from __future__ import annotations

from enum import Enum, auto

import numpy as np

from ...autograd.grad_mode import no_grad
from ...creation import eye, zeros_like
from ...linalg import inv
from ...ops.lapack import matrix_exp
from ...ops.shape.join import cat
from ...random.draws import randn
from ...tensor import Tensor
from ..module import Module


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


def householder_product(A: Tensor, tau: Tensor) -> Tensor:  # noqa: N803
    """The first ``k`` columns of ``H_0 H_1 ... H_{k-1}``, ``H_i = I - tau_i v_i v_i^H`` with
    ``v_i`` column ``i`` of ``A`` below the diagonal and 1 on it (``torch.linalg
    .householder_product``), composed of differentiable ops.

    Args:
        A: the reflectors, ``(*, n, k)``.
        tau: their scales, ``(*, k)``.

    >>> householder_product(torch.zeros(2, 1), torch.tensor([2.0]))
    tensor([[-1.],
            [ 0.]])
    """
    n, k = A.shape[-2], A.shape[-1]
    identity = eye(n, dtype=A.dtype)
    below = Tensor._make(np.tril(np.ones((n, k), A.dtype.np), -1))
    unit = Tensor._make(np.eye(n, k, dtype=A.dtype.np))
    V = A * below + unit  # noqa: N806
    Q = identity.expand(*A.shape[:-2], n, n)  # noqa: N806
    for i in range(k):
        v = V[..., :, i : i + 1]
        reflector = identity - tau[..., i, None, None] * (v @ v.mH)
        Q = Q @ reflector  # noqa: N806
    return Q[..., :, :k]


def _make_orthogonal(A: Tensor) -> Tensor:  # noqa: N803
    """The Q of A's QR decomposition with R's diagonal made positive."""
    q, r = np.linalg.qr(A._data)
    signs = np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]
    return Tensor._make((q * signs).astype(A._data.dtype))


def _is_orthogonal(Q: Tensor) -> bool:  # noqa: N803
    n, k = Q.shape[-2], Q.shape[-1]
    q = Q._data
    eps = 10 * n * np.finfo(q.dtype).eps
    return bool(np.allclose(np.swapaxes(q.conj(), -2, -1) @ q, np.eye(k), atol=eps))


def _geqrf(Q: Tensor) -> tuple[np.ndarray, np.ndarray]:  # noqa: N803
    """LAPACK's ``geqrf`` (``torch.geqrf``): the Householder reflectors below the diagonal, R on
    and above it, and the reflectors' scales."""
    h, tau = np.linalg.qr(Q._data, mode="raw")
    return np.swapaxes(h, -2, -1), tau


class _Orthogonal(Module):
    """Maps an unconstrained matrix to an orthogonal one (see the module docstring)."""

    base: Tensor

    def __init__(
        self, weight: Tensor, orthogonal_map: _OrthMaps, *, use_trivialization: bool = True
    ) -> None:
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:  # noqa: N803
        n, k = X.shape[-2], X.shape[-1]
        transposed = n < k
        if transposed:
            X = X.mT  # noqa: N806
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            Q = self._skew_map(X, n, k)  # noqa: N806
        else:
            A = X.tril(diagonal=-1)  # noqa: N806
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = householder_product(A, tau)  # noqa: N806
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)  # noqa: N806
        if hasattr(self, "base"):
            Q = self.base @ Q  # noqa: N806
        return Q.mT if transposed else Q

    def _skew_map(self, X: Tensor, n: int, k: int) -> Tensor:  # noqa: N803
        X = X.tril()  # noqa: N806
        if n != k:
            pad = X.new_zeros(n, n - k).expand(*X.shape[:-2], n, n - k)
            X = cat([X, pad], dim=-1)  # noqa: N806
        A = X - X.mH  # noqa: N806
        if self.orthogonal_map == _OrthMaps.matrix_exp:
            Q = matrix_exp(A)  # noqa: N806
        else:
            identity = eye(n, dtype=A.dtype)
            Q = inv(identity - 0.5 * A) @ (identity + 0.5 * A)  # noqa: N806
        return Q[..., :k] if n != k else Q

    def right_inverse(self, Q: Tensor) -> Tensor:  # noqa: N803
        with no_grad():
            return self._right_inverse(Q)

    def _right_inverse(self, Q: Tensor) -> Tensor:  # noqa: N803
        if Q.shape != self.shape:
            raise ValueError(
                f"Expected a matrix or batch of matrices of shape {self.shape}. "
                f"Got a tensor of shape {Q.shape}."
            )
        q_init = Q
        n, k = Q.shape[-2], Q.shape[-1]
        transpose = n < k
        if transpose:
            Q = Q.mT  # noqa: N806
            n, k = k, n
        if not hasattr(self, "base"):
            if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
                raise NotImplementedError(
                    "It is not possible to assign to the matrix exponential or the Cayley "
                    "parametrizations when use_trivialization=False."
                )
            a, tau = _geqrf(Q)
            # the reflectors' diagonal holds only the signs that forward multiplies back in
            diag = np.diagonal(a, axis1=-2, axis2=-1)
            signs = np.sign(diag) * np.where(tau == 0.0, -1, 1)
            a = a.copy()
            idx = np.arange(min(a.shape[-2:]))
            a[..., idx, idx] = signs
            A = Tensor._make(a.astype(Q._data.dtype))  # noqa: N806
            return A.mT if transpose else A
        if n == k:
            Q = _make_orthogonal(Q) if not _is_orthogonal(Q) else Q.clone()  # noqa: N806
        else:
            # complete Q into an n x n orthogonal matrix with random columns (as PyTorch)
            filler = randn(*(tuple(Q.shape[:-2]) + (n, n - k)), dtype=Q.dtype)
            Q = _make_orthogonal(cat([Q, filler], dim=-1))  # noqa: N806
        self.base = Q
        # -Id: the householder map sends zeros with diagonal -1 to the identity
        neg_id = zeros_like(q_init)
        neg_id.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return neg_id
