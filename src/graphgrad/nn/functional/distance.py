"""Vector normalisation and similarity, and the KL divergence loss; composites.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.normalize(torch.tensor([[3.0, 4.0]]))
tensor([[0.6000, 0.8000]])
"""

from __future__ import annotations

import warnings

from ...ops.elementwise import where
from ...ops.reduce.stats import norm
from ...ops.unary import exp, log
from ...tensor import Tensor
from .._reduction import reduction_code


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``input`` divided by its ``p``-norm along ``dim`` (at least ``eps``) (F.normalize).

    Args:
        input: the tensor.
        p: the order of the norm.
        dim: the dimension the norm runs along.
        eps: the smallest norm divided by.
        out: a tensor to write the result into.

    >>> import graphgrad as torch
    >>> import graphgrad.nn.functional as F
    >>> F.normalize(torch.tensor([1.0, 1.0]), p=1, dim=0)
    tensor([0.5000, 0.5000])
    """
    denom = norm(input, p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    result = input / denom
    return result if out is None else out.copy_(result)


def _norm_clamped(x: Tensor, dim: int, eps: float) -> Tensor:
    """The 2-norm along ``dim``, raised to ``eps`` outside the graph: the gradient is the
    unclamped norm's, as PyTorch's in-place ``clamp_min_`` under ``no_grad`` leaves it."""
    n = norm(x, 2, dim, keepdim=True)
    detached = n.detach()
    return n + (detached.clamp_min(eps) - detached)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim`` (F.cosine_similarity).

    Each input is divided by its norm (at least ``eps``) before the dot product, as PyTorch
    does, which keeps the result in [-1, 1].

    >>> import graphgrad as torch
    >>> import graphgrad.nn.functional as F
    >>> F.cosine_similarity(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]]))
    tensor([0.7071])
    """
    x1, x2 = x1.broadcast_to(_common(x1, x2)), x2.broadcast_to(_common(x1, x2))
    return ((x1 / _norm_clamped(x1, dim, eps)) * (x2 / _norm_clamped(x2, dim, eps))).sum(dim)


def _common(a: Tensor, b: Tensor) -> tuple:
    from ...ops.broadcast import broadcast_shapes

    return tuple(broadcast_shapes(tuple(a.shape), tuple(b.shape)))


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:  # fmt: skip
    """KL divergence of ``target`` from the distribution whose log-probabilities are ``input``.

    Pointwise ``target * (log(target) - input)`` (0 where ``target`` is 0), or with
    ``log_target=True``, ``exp(target) * (target - input)``; ``reduction`` is ``'none'``,
    ``'sum'``, ``'mean'`` (over all elements) or ``'batchmean'`` (over the first dim).

    Args:
        input: log-probabilities.
        target: probabilities (log-probabilities with ``log_target=True``).
        size_average, reduce: PyTorch's legacy forms of ``reduction``.
        reduction: ``'none'``, ``'sum'``, ``'mean'`` or ``'batchmean'``.
        log_target: whether ``target`` holds log-probabilities.

    >>> import graphgrad as torch
    >>> import graphgrad.nn.functional as F
    >>> F.kl_div(torch.tensor([[-1.0, -0.5]]), torch.tensor([[0.5, 0.5]]), reduction="sum")
    tensor(0.0569)
    """
    if reduction == "mean" and size_average is None and reduce is None:
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            UserWarning,
            stacklevel=2,
        )
    if not (input.dtype.is_floating_point and target.dtype.is_floating_point):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        pointwise = exp(target) * (target - input)
    else:
        positive = target > 0
        safe = where(positive, target, 1.0)
        pointwise = where(positive, target * log(safe), 0.0) - target * input
    if reduction == "batchmean" and size_average is None and reduce is None:
        return pointwise.sum() / input.shape[0] if input.ndim else pointwise.sum()
    code = reduction_code(reduction, size_average, reduce)
    return pointwise if code == 0 else pointwise.mean() if code == 1 else pointwise.sum()


__all__ = ["cosine_similarity", "kl_div", "normalize"]
