# ruff: noqa: N803 - the matrices keep PyTorch's argument names (A, UPLO)
"""The symmetric eigendecomposition: ``torch.linalg.eigh`` and ``eigvalsh``.

``linalg_eigh`` is a primitive whose forward is LAPACK's symmetric solver (NumPy's
``eigh``). Only the triangle ``UPLO`` names is read. Eigenvectors are defined only up to
sign, and the sign LAPACK picks depends on the LAPACK build (NumPy's and PyTorch's differ
for some inputs), so compare them up to sign. The rule is the standard one (PyTorch's
``linalg_eig_backward`` for Hermitian input): with ``A = V diag(L) V^T``,
``gA = V (diag(gL) + skew(V^T gV) / E) V^T``, ``skew(X) = (X - X^T) / 2`` and
``E_ij = L_j - L_i`` off the diagonal, a symmetric gradient. The rule recomputes the
factors from the input, so on the tensor path it records graph and differentiates again.

>>> import graphgrad as torch
>>> torch.linalg.eigvalsh(torch.tensor([[2.0, 1.0], [1.0, 2.0]]))
tensor([1., 3.])
"""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from ..primitive import Primitive, apply
from ..return_types import return_type
from .inverse import _square_check

eigh_type = return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))


def _eigh_forward(a: np.ndarray, UPLO: str) -> tuple:
    values, vectors = np.linalg.eigh(a, UPLO="U" if UPLO == "U" else "L")
    return values.astype(a.dtype), vectors.astype(a.dtype)


def _eigh_rule(grads, self, UPLO, xp):
    """``V (diag(gL) + skew(V^T gV) / E) V^T``; a missing gradient is zero."""
    g_values, g_vectors = (list(grads) + [None] * 2)[:2]
    values, vectors = xp.linalg_eigh(self, UPLO=UPLO)
    n = values.shape[-1]
    eye = xp.eye(n, values)
    inner = xp.zeros(tuple(self.shape[:-2]) + (n, n), values)
    if g_vectors is not None:
        # 1 / (L_j - L_i) off the diagonal, 0 on it
        # (the skew part of V^T gV: the gradient is symmetric, as PyTorch's)
        gaps = xp.unsqueeze(values, -2) - xp.unsqueeze(values, -1) + eye
        vt_gv = xp.matmul(xp.mT(vectors), g_vectors)
        inner = inner + (1 - eye) * (0.5 * (vt_gv - xp.mT(vt_gv))) / gaps
    if g_values is not None:
        inner = inner + xp.unsqueeze(g_values, -1) * eye
    return xp.matmul(xp.matmul(vectors, inner), xp.mT(vectors))


_eigh = Primitive(
    "linalg_eigh", "LinalgEighBackward0", _eigh_forward, self=_eigh_rule, n_outputs=2
)  # fmt: skip


def _uplo_check(UPLO: str) -> str:
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO.upper()


def eigh(A: Tensor, UPLO: str = "L", *, out=None):
    """The eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix:
    ``A = V diag(L) V^T``.

    Args:
        A: ``(*, n, n)`` floating tensor; only the triangle ``UPLO`` names is read.
        UPLO: ``'L'`` (the lower triangle) or ``'U'``.
        out: not supported (PyTorch's output tensors).

    >>> L, V = torch.linalg.eigh(torch.tensor([[2.0, 1.0], [1.0, 2.0]]))
    >>> L
    tensor([1., 3.])
    >>> (V @ torch.diag(L) @ V.mT).round(decimals=4)
    tensor([[2., 1.],
            [1., 2.]])
    """
    _square_check("eigh", A)
    return eigh_type(*apply(_eigh, A, UPLO=_uplo_check(UPLO)))


def eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:
    """The eigenvalues of a symmetric matrix, ascending (``eigh``'s first result).

    Args:
        A: ``(*, n, n)`` floating tensor; only the triangle ``UPLO`` names is read.
        UPLO: ``'L'`` (the lower triangle) or ``'U'``.
        out: not supported (PyTorch's output tensors).

    >>> torch.linalg.eigvalsh(torch.tensor([[1.0, 0.0], [5.0, -1.0]]))
    tensor([-5.0990,  5.0990])
    """
    _square_check("eigh", A)  # (PyTorch's message names eigh)
    return apply(_eigh, A, UPLO=_uplo_check(UPLO))[0]


__all__ = ["eigh", "eigvalsh"]
