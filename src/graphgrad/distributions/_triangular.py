"""Cholesky factors and lower-triangular solves composed from differentiable graphgrad ops, for
MultivariateNormal (graphgrad.linalg has neither yet).

Both loop over the ``n`` rows or columns in Python, each step a few batched tensor ops, so
gradients of any order come from autograd. That suits the small event sizes distributions
have; the values agree with LAPACK's to rounding.
"""

from __future__ import annotations

from graphgrad.ops.linalg.inverse import LinAlgError

from .. import creation
from ..ops.shape.join import cat, stack
from ..ops.shape.reorder import flip


def cholesky(a):
    """The lower Cholesky factor ``L`` of ``a`` (``a = L @ L.mT``), batched over leading dims.

    Raises torch's ``LinAlgError`` naming the first leading minor that is not positive
    definite. ``a`` is read as ``(a + a.mT) / 2`` (the same values for a symmetric matrix), so
    its gradient is symmetric, as torch's is.
    """
    a = (a + a.mT) * 0.5
    n = a.shape[-1]
    columns: list = []
    for j in range(n):
        done = stack(columns, -1) if columns else None  # (..., n, j)
        diag = a[..., j, j]
        if done is not None:
            diag = diag - done[..., j, :].pow(2).sum(-1)
        if not bool((diag.detach() > 0).all()):
            raise LinAlgError(
                "linalg.cholesky: The factorization could not be completed because the input "
                f"is not positive-definite (the leading minor of order {j + 1} is not "
                "positive-definite)."
            )
        ljj = diag.sqrt()
        below = a[..., j + 1 :, j]
        if done is not None:
            below = below - (done[..., j + 1 :, :] * done[..., j : j + 1, :]).sum(-1)
        above = creation.zeros(*a.shape[:-2], j, dtype=a.dtype)
        columns.append(cat([above, ljj.unsqueeze(-1), below / ljj.unsqueeze(-1)], -1))
    return stack(columns, -1)


def solve_lower(lower, b):
    """``X`` with ``lower @ X = b`` for lower-triangular ``lower`` (..., n, n) and ``b``
    (..., n, m), batch dimensions broadcast; forward substitution row by row."""
    rows: list = []
    for i in range(lower.shape[-1]):
        row = b[..., i, :]
        if rows:
            done = stack(rows, -2)  # (..., i, m)
            row = row - (lower[..., i, :i].unsqueeze(-1) * done).sum(-2)
        rows.append(row / lower[..., i, i].unsqueeze(-1))
    return stack(rows, -2)


def precision_to_scale_tril(precision):
    """The lower factor ``L`` with ``L @ L.mT = inverse(precision)``, from the Cholesky factor
    of the precision matrix with its rows and columns reversed (as torch does)."""
    flipped = cholesky(flip(precision, (-2, -1)))
    l_inv = flip(flipped, (-2, -1)).mT
    eye = creation.eye(precision.shape[-1], dtype=precision.dtype)
    return solve_lower(l_inv, eye.expand(l_inv.shape))


def mahalanobis(lower, x):
    """``|lower^-1 x|^2`` over the last dimension: the squared Mahalanobis distance."""
    return solve_lower(lower, x.unsqueeze(-1)).squeeze(-1).pow(2).sum(-1)
