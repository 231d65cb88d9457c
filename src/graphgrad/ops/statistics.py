"""Covariance, correlation, pairwise distances and renormalisation, as formulas of
graphgrad's differentiable ops (so gradients of every order come from them).

>>> import graphgrad as torch
>>> torch.cov(torch.tensor([[1.0, 2.0, 4.0], [0.0, 3.0, -1.0]]))
tensor([[ 2.3333, -1.3333],
        [-1.3333,  4.3333]])
"""

from __future__ import annotations

import warnings

from ..dtypes import get_default_dtype
from ..tensor import Tensor, _wrap_dim
from .elementwise import where
from .inplace_examples import documented
from .reduce.stats import vector_norm


def cov(input: Tensor, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """The covariance matrix of the variables in ``input``'s rows (observations in columns).

    Args:
        input: a 1-d (one variable) or 2-d tensor.
        correction: subtracted from the number of observations (1: the unbiased estimate).
        fweights: integer frequency weights, one per observation.
        aweights: float observation weights, one per observation.

    >>> torch.cov(torch.tensor([1.0, 2.0, 4.0]), correction=0)
    tensor(1.5556)
    """
    if input.ndim > 2:
        raise RuntimeError(
            "cov(): expected input to have two or fewer dimensions but got an input with "
            f"{input.ndim} dimensions"
        )
    x = input if input.dtype.is_floating_point else input.to(get_default_dtype())
    x = x.reshape(1, -1) if x.ndim < 2 else x
    n = x.shape[1]
    weight = None
    if fweights is not None:
        if fweights.dtype.category > 1:
            raise RuntimeError(
                "cov(): expected fweights to have integral dtype but got fweights with "
                f"{fweights.dtype.legacy} dtype"
            )
        weight = fweights.to(x.dtype)
    if aweights is not None:
        if not aweights.dtype.is_floating_point:
            raise RuntimeError(
                "cov(): expected aweights to have floating point dtype but got aweights with "
                f"{aweights.dtype.legacy} dtype"
            )
        weight = aweights.to(x.dtype) if weight is None else weight * aweights.to(x.dtype)
    if weight is None:
        total = float(n)
        mean = x.mean(1, keepdim=True)
        norm = total - correction
    else:
        total = weight.sum()
        mean = (x * weight).sum(1, keepdim=True) / total
        if aweights is None or correction == 0:
            norm = total - correction
        else:
            norm = total - correction * (weight * aweights.to(x.dtype)).sum() / total
    if float(norm) <= 0:
        warnings.warn(
            "cov(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "number of observations.",
            UserWarning,
            stacklevel=2,
        )
        norm = norm * 0 if isinstance(norm, Tensor) else 0.0
    centered = x - mean
    weighted = centered if weight is None else centered * weight
    out = (weighted @ centered.t()) / norm
    return out.squeeze()  # one variable: a 0-d result, as PyTorch's


def corrcoef(input: Tensor) -> Tensor:
    """The Pearson correlation coefficients of the variables in ``input``'s rows, clipped to
    [-1, 1].

    Args:
        input: a 1-d or 2-d tensor (variables in rows, observations in columns).

    >>> torch.corrcoef(torch.tensor([[1.0, 2.0, 4.0], [0.0, 3.0, -1.0]]))
    tensor([[ 1.0000, -0.4193],
            [-0.4193,  1.0000]])
    """
    c = cov(input)
    if c.ndim == 0:
        return c / c
    std = c.diagonal().sqrt()
    c = c / std.unsqueeze(1) / std.unsqueeze(0)
    return c.clamp(-1, 1)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode=None) -> Tensor:
    """The ``p``-norm distance between each row of ``x1`` and each row of ``x2`` (batched over
    leading dimensions).

    Args:
        x1: a ``(..., P, M)`` floating tensor.
        x2: a ``(..., R, M)`` floating tensor.
        p: the norm's order, ``>= 0`` (``inf`` for the largest difference).
        compute_mode: accepted; the distance is always computed directly (not by matrix
            products), which is the more accurate of PyTorch's two ways.

    >>> torch.cdist(torch.tensor([[0.0, 0.0], [1.0, 1.0]]), torch.tensor([[0.0, 1.0]]))
    tensor([[1.],
            [1.]])
    """
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
        if not x.dtype.is_floating_point:
            raise RuntimeError(
                f"cdist only supports floating-point dtypes, {name} got: {x.dtype.legacy}"
            )
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return vector_norm(diff, p, dim=-1)


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """``input`` with each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled
    down to norm ``maxnorm`` (by ``maxnorm / (norm + 1e-7)``, as PyTorch).

    Args:
        input: the tensor.
        p: the norm's order, ``> 0``.
        dim: the dimension whose slices are renormalised.
        maxnorm: the largest norm kept, ``>= 0``.

    >>> torch.renorm(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), 2, 0, 2.5)
    tensor([[1.0000, 2.0000],
            [1.5000, 2.0000]])
    """
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    axis = _wrap_dim(dim, max(input.ndim, 1))
    others = tuple(d for d in range(input.ndim) if d != axis)
    norm = vector_norm(input, p, dim=others, keepdim=True) if others else input.abs()
    scale = where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    return input * scale.to(input.dtype)


__all__ = ["cov", "corrcoef", "cdist", "renorm"]
METHODS = {
    "cov": cov,
    "corrcoef": corrcoef,
    "renorm": renorm,
    "renorm_": documented(renorm, "torch.tensor([[0.5, 2.0], [1.0, 0.25]])", "2, 0, 1.0"),
}
