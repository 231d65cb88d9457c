"""Gradient clipping: ``clip_grad_norm_`` (``get_total_norm`` then ``clip_grads_with_norm_``)
and ``clip_grad_value_``, in place on ``.grad``.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
>>> w.grad = torch.tensor([3.0, 4.0])
>>> float(clip_grad_norm_([w], max_norm=1.0)), w.grad
(5.0, tensor([0.6000, 0.8000]))
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable

import numpy as np

from ...autograd.grad_mode import no_grad
from ...ops.array_step import array_step
from ...tensor import Tensor


def _grads(parameters) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p._grad for p in parameters if p._grad is not None]


@array_step
def _norm_of(norm_type: float, dtype, *arrays: np.ndarray) -> np.ndarray:
    """The joint ``norm_type`` norm of ``arrays`` (each one's norm, then the norm of those)."""
    if norm_type == math.inf:
        return np.max([np.abs(a).max(initial=0) for a in arrays]).astype(dtype)
    if norm_type == -math.inf:
        return np.min([np.abs(a).min(initial=np.inf) for a in arrays]).astype(dtype)
    norms = [np.linalg.norm(a.ravel(), norm_type).astype(dtype) for a in arrays]
    return np.linalg.norm(np.asarray(norms), norm_type).astype(dtype)


def get_total_norm(
    tensors: Iterable[Tensor] | Tensor,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach=None,
) -> Tensor:
    """The norm of the norms of ``tensors``: their joint ``norm_type`` norm, as if they were
    one vector (``clip_grad_norm_`` measures the gradients with it).

    Args:
        tensors: a tensor or an iterable of tensors (usually gradients).
        norm_type: the p of the norm (``inf`` for the largest absolute value).
        error_if_nonfinite: raise if the norm is NaN or infinite.
        foreach: accepted for compatibility.

    >>> torch.nn.utils.get_total_norm([torch.tensor([3.0]), torch.tensor([4.0])])
    tensor(5.)
    """
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    arrays = [t._data for t in tensors]
    if not arrays:
        return Tensor._make(np.asarray(0.0, np.float32))
    total = Tensor._make(_norm_of(float(norm_type), np.result_type(*arrays), *arrays))
    if error_if_nonfinite and not bool(total.isfinite()):
        raise RuntimeError(
            f"The total norm of order {float(norm_type)} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
            "by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return total


def clip_grads_with_norm_(
    parameters: Iterable[Tensor] | Tensor, max_norm: float, total_norm, foreach=None
) -> None:
    """Scale the gradients in place by ``max_norm / (total_norm + 1e-6)`` when that is below 1
    (the second half of ``clip_grad_norm_``, given a norm from ``get_total_norm``).

    Args:
        parameters: a tensor or an iterable of tensors (those without a gradient are skipped).
        max_norm: the largest norm allowed.
        total_norm: the gradients' total norm (a tensor or a number).
        foreach: accepted for compatibility.

    >>> w = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
    >>> w.grad = torch.tensor([3.0, 4.0])
    >>> torch.nn.utils.clip_grads_with_norm_([w], 1.0, torch.tensor(5.0))
    >>> w.grad
    tensor([0.6000, 0.8000])
    """
    grads = _grads(parameters)
    if not grads:
        return
    norm = total_norm._data if isinstance(total_norm, Tensor) else np.asarray(total_norm)
    with no_grad():  # as PyTorch's: a gradient that requires grad is scaled outside its graph
        for g in grads:
            g.mul_(Tensor._make(_clip_coef(norm, max_norm, g._data.dtype)))


@array_step
def _clip_coef(norm: np.ndarray, max_norm: float, dtype) -> np.ndarray:
    """``min(max_norm / (norm + 1e-6), 1)`` in ``dtype``, the factor of the gradients."""
    return np.minimum(np.asarray(max_norm / (norm.astype(dtype) + 1e-6), dtype), 1.0).astype(dtype)


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
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    total = get_total_norm(_grads(parameters), norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_norm(
    parameters: Iterable[Tensor] | Tensor,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach=None,
) -> Tensor:
    """Deprecated name of ``clip_grad_norm_`` (warns, as PyTorch does, then clips).

    Args:
        parameters: a tensor or an iterable of tensors.
        max_norm: the largest norm allowed.
        norm_type: the p of the norm.
        error_if_nonfinite: raise if the norm is NaN or infinite.
        foreach: accepted for compatibility.

    >>> import warnings
    >>> w = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
    >>> w.grad = torch.tensor([3.0, 4.0])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     torch.nn.utils.clip_grad_norm([w], 1.0)
    tensor(5.)
    """
    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
        "`torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


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
    # (ops in place, which graphgrad.compile records, where np.clip wrote unseen; two of them,
    # as PyTorch's foreach clamps bump the version twice)
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(min=-clip_value)
            g.clamp_(max=clip_value)
