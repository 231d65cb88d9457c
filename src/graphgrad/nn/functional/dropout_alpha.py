"""More dropout: dropout3d, and alpha_dropout / feature_alpha_dropout (dropout for SELU
networks: dropped values are set to SELU's negative saturation and an affine map keeps the
mean and variance), drawn from the default generator in PyTorch's order.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.alpha_dropout(torch.ones(3), 0.5, training=False)
tensor([1., 1., 1.])
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ...ops.array_step import array_step, constant
from ...tensor import Tensor
from .dropout import _bernoulli_in_memory_order, _check_p, _masked

_SELU_NEG = 1.0507009873554804934193349852946 * 1.6732632423543772848170429916717  # -SELU(-inf)


def _alpha(input: Tensor, p: float, training: bool, inplace: bool, mask_shape: tuple):
    _check_p(p)
    if not training or p == 0.0:
        return input
    dtype = input._data.dtype
    if p == 1.0:
        zero = Tensor._make(constant(np.zeros((), dtype)))
        return input.mul_(zero) if inplace else input * zero
    keep = _bernoulli_in_memory_order(input._data, mask_shape, 1.0 - p, dtype)
    scale, shift = map(Tensor._make, _scale_and_shift(keep, p, dtype))
    if inplace:  # two in-place steps, as PyTorch (the input's version goes up by 2)
        return input.mul_(scale).add_(shift)
    return input * scale + shift


@array_step
def _scale_and_shift(keep: np.ndarray, p: float, dtype) -> tuple:
    """The affine map of the kept (``keep`` 1) and dropped (0) elements (an array step: a
    compiled call's mask is drawn anew at each replay)."""
    a = 1.0 / math.sqrt((_SELU_NEG**2 * p + 1) * (1 - p))
    shift = ((keep - 1) * (_SELU_NEG * a) + _SELU_NEG * a * p).astype(dtype)
    return (keep * a).astype(dtype), shift


def _feature_shape(input: Tensor, batched: bool) -> tuple:
    lead = 2 if batched else 1
    return tuple(input.shape[:lead]) + (1,) * (input.ndim - lead)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:  # fmt: skip
    """Dropout that keeps a SELU network's self-normalisation: each element is dropped with
    probability ``p`` to SELU's negative saturation value, then an affine map restores the
    mean and variance; see ``nn.AlphaDropout``.

    Args:
        input: the tensor.
        p: the probability of dropping an element.
        training: apply it (False returns ``input`` unchanged).
        inplace: overwrite ``input``.

    >>> _ = torch.manual_seed(0)
    >>> F.alpha_dropout(torch.ones(4), 0.5, training=True)
    tensor([-0.7792, -0.7792,  1.6656, -0.7792])
    """
    return _alpha(input, p, training, inplace, tuple(input.shape))


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:  # fmt: skip
    """``alpha_dropout`` of whole channels (dim 1) of ``(N, C, *)`` input; see
    ``nn.FeatureAlphaDropout``.

    Args:
        input: the tensor.
        p: the probability of dropping a channel.
        training: apply it (False returns ``input`` unchanged).
        inplace: overwrite ``input``.

    >>> F.feature_alpha_dropout(torch.ones(1, 2, 2), 0.5).shape
    torch.Size([1, 2, 2])
    """
    return _alpha(input, p, training, inplace, _feature_shape(input, True))


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:  # fmt: skip
    """Zero whole channels of a ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input with
    probability ``p`` (scaling the rest by ``1 / (1 - p)``); see ``nn.Dropout3d``.

    Args:
        input: the tensor.
        p: the probability of zeroing a channel.
        training: apply dropout (False returns ``input`` unchanged).
        inplace: overwrite ``input``.

    >>> F.dropout3d(torch.ones(1, 2, 1, 1, 1), training=False).flatten()
    tensor([1., 1.])
    """
    _check_p(p)
    if input.ndim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead. Note that dropout3d exists to provide "
            "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 4D or 5D inputs).",
            stacklevel=2,
        )
    if not training or p == 0.0:
        return input
    return _masked(input, p, _feature_shape(input, input.ndim == 5), inplace)


__all__ = ["alpha_dropout", "dropout3d", "feature_alpha_dropout"]
