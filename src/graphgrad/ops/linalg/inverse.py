"""Square-matrix functions: det and inv (batched over leading dims).

>>> import graphgrad as torch
>>> A = torch.tensor([[4.0, 7.0], [2.0, 6.0]], requires_grad=True)
>>> torch.linalg.det(A)
tensor(10., grad_fn=<LinalgDetBackward0>)
>>> torch.linalg.inv(A).grad_fn.name()
'LinalgInvExBackward0'
"""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from ..array_step import constant
from ..elementwise import where
from ..primitive import Primitive, apply
from .matmul import matmul


class _LinAlgError(RuntimeError):
    """A singular matrix where an invertible one is needed (``torch.linalg.LinAlgError``).

    Named ``_LinAlgError``, as PyTorch's class (``torch._C._LinAlgError``) is.

    >>> try:
    ...     torch.inverse(torch.zeros(2, 2))
    ... except torch.linalg.LinAlgError as error:
    ...     print(type(error).__name__)
    _LinAlgError
    """


LinAlgError = _LinAlgError


def _square_check(name: str, A: Tensor) -> None:  # noqa: N803 - PyTorch's argument name
    if not A.dtype.is_floating_point and not A.dtype.is_complex:
        raise RuntimeError(
            f"linalg.{name}: Expected a floating point or complex tensor as "
            f"input. Got {A.dtype.legacy}"
        )
    if A.ndim < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"linalg.{name}: A must be batches of square matrices, but they are "
            f"{A.shape[-2]} by {A.shape[-1]} matrices"
        )


def _first_zero_pivot(matrix: np.ndarray) -> int:
    """The 1-based column of the first zero pivot of ``matrix``'s pivoted LU, or 0."""
    lu = np.array(matrix, np.float64)
    with np.errstate(all="ignore"):  # inf entries make NaNs, silently as in LAPACK
        for k in range(min(lu.shape)):
            p = k + int(np.argmax(np.abs(lu[k:, k])))
            if lu[p, k] == 0:
                return k + 1
            lu[[k, p]] = lu[[p, k]]
            lu[k + 1 :] -= np.outer(lu[k + 1 :, k] / lu[k, k], lu[k])
    return 0


def _inv_array(a: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        # PyTorch names the first zero pivot of the LU factorisation (1-based)
        k = _first_zero_pivot(a.reshape(-1, *a.shape[-2:])[0])
        if k:
            raise LinAlgError(
                f"linalg.inv: The diagonal element {k} is zero, the inversion could not "
                "be completed because the input matrix is singular."
            ) from None
        raise LinAlgError("linalg.inv: The input matrix is singular.") from None


_inv = Primitive(
    "inv",
    "LinalgInvExBackward0",
    _inv_array,
    self=lambda grad, result, xp: -xp.matmul(xp.matmul(xp.mT(result), grad), xp.mT(result)),
    attrs=("inverse",),
    display={"inverse": lambda node: node.prim.saved_attr(node, "result")},
    jvp=(lambda t, s: -matmul(matmul(s["result"], t), s["result"]),),
)


def inv(A: Tensor) -> Tensor:  # noqa: N803 - PyTorch's argument name
    """The inverse of a square matrix (or of each in a batch); ``torch.inverse``.

    Args:
        A: ``(*, n, n)``, invertible.

    >>> torch.inverse(torch.tensor([[2.0, 0.0], [0.0, 4.0]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _square_check("inv", A)
    return apply(_inv, A)


def _det_rule(grad, self, result, xp):
    """``grad * det(A) * inv(A)^T``; zero for a singular matrix, as PyTorch returns there."""
    singular = xp.unsqueeze(xp.unsqueeze(result == 0, -1), -1)
    safe = xp.where(singular, xp.eye(self.shape[-1], self), self)
    scale = xp.unsqueeze(xp.unsqueeze(grad * result, -1), -1)
    return xp.where(singular, 0.0, scale * xp.mT(xp.inv(safe)))


def _det_jvp(t: Tensor, s: dict) -> Tensor:
    """``det(A) * trace(inv(A) @ dA)``, the trace taken as ``sum(inv(A)^T * dA)``; zero for a
    singular matrix, as the backward rule gives."""
    a, det = s["self"], s["result"]
    singular = det == 0
    eye = Tensor._make(constant(np.eye(a.shape[-1], dtype=a._data.dtype)))
    safe = where(singular.unsqueeze(-1).unsqueeze(-1), eye, a)
    return where(singular, 0.0, det * (inv(safe).mT * t).sum((-2, -1)))


_det = Primitive(
    "det",
    "LinalgDetBackward0",
    lambda a: np.asarray(np.linalg.det(a)),
    self=_det_rule,
    attrs=("A", "result"),
    display={"A": lambda node: node.prim.saved_attr(node, "self")},
    jvp=(_det_jvp,),
)


def det(A: Tensor) -> Tensor:  # noqa: N803 - PyTorch's argument name
    """The determinant of a square matrix (or of each in a batch).

    Args:
        A: ``(*, n, n)``.

    >>> torch.det(torch.tensor([[2.0, 1.0], [1.0, 3.0]]))
    tensor(5.)
    """
    _square_check("det", A)
    return apply(_det, A)


inverse = inv

__all__ = ["det", "inverse"]

METHODS = {"det": det, "inverse": inv}
