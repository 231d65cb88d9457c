"""Gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_`` (in place on ``.grad``).

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
>>> w.grad = torch.tensor([3.0, 4.0])
>>> float(clip_grad_norm_([w], max_norm=1.0)), w.grad
(5.0, tensor([0.6000, 0.8000]))
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ...tensor import Tensor


def _grads(parameters) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p._grad for p in parameters if p._grad is not None]


def clip_grad_norm_(
    parameters: Iterable[Tensor] | Tensor,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach=None,
) -> Tensor:
    """Scale all gradients in place so that their joint ``norm_type`` norm is at most
    ``max_norm``; returns the norm they had.

    Args:
        parameters: a tensor or an iterable of tensors (those without a gradient are skipped).
        max_norm: the largest norm allowed.
        norm_type: the p of the norm (``inf`` for the largest absolute value).
        error_if_nonfinite: raise if the norm is NaN or infinite.
        foreach: accepted for compatibility.

    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * torch.tensor([3.0, 4.0])).sum().backward()
    >>> torch.nn.utils.clip_grad_norm_([x], max_norm=1.0), x.grad
    (tensor(5.), tensor([0.6000, 0.8000]))
    """
    grads = _grads(parameters)
    if not grads:
        return Tensor._make(np.asarray(0.0, np.float32))
    dtype = grads[0]._data.dtype
    if norm_type == math.inf:
        norms = [np.abs(g._data).max() for g in grads]
        total = np.max(norms).astype(dtype)
    else:
        norms = [np.linalg.norm(g._data.ravel(), norm_type).astype(dtype) for g in grads]
        total = np.linalg.norm(np.asarray(norms), norm_type).astype(dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {float(norm_type)} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
            "by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    coef = np.asarray(max_norm / (total + 1e-6), dtype)
    coef = np.minimum(coef, np.asarray(1.0, dtype))
    for g in grads:
        g._data *= coef
        g._bump_version()
    return Tensor._make(np.asarray(total, dtype))


def clip_grad_value_(
    parameters: Iterable[Tensor] | Tensor, clip_value: float, foreach=None
) -> None:
    """Clamp every gradient element in place into ``[-clip_value, clip_value]``.

    Args:
        parameters: a tensor or an iterable of tensors.
        clip_value: the largest absolute value allowed.
        foreach: accepted for compatibility.

    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> x.grad = torch.tensor([3.0, -4.0])
    >>> torch.nn.utils.clip_grad_value_([x], 1.0)
    >>> x.grad
    tensor([ 1., -1.])
    """
    for g in _grads(parameters):
        np.clip(g._data, -clip_value, clip_value, out=g._data)
        g._bump_version()
