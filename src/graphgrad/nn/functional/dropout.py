"""Dropout: ``dropout``, ``dropout1d``, ``dropout2d``, drawn from the default generator in
PyTorch's order (the same masks for the same seed).

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.dropout(torch.ones(3), p=0.5, training=False)
tensor([1., 1., 1.])
"""

from __future__ import annotations

import warnings

import numpy as np

from ...ops.array_step import array_step
from ...random.draws import default_generator
from ...tensor import Tensor


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _bernoulli_in_memory_order(data: np.ndarray, shape: tuple, p: float, dtype) -> np.ndarray:
    """PyTorch draws a dropout mask into ``empty_like(input)``, which keeps the layout of a dense
    permuted input (a transposed one, say), so the draws follow memory order, not index order."""
    if shape != data.shape or data.ndim < 2 or data.flags.c_contiguous:
        return default_generator.bernoulli_array(shape, p, dtype)
    order = sorted(range(data.ndim), key=lambda d: -data.strides[d])  # stable for equal strides
    if not np.transpose(data, order).flags.c_contiguous:  # a slice or an expansion: index order
        return default_generator.bernoulli_array(shape, p, dtype)
    drawn = default_generator.bernoulli_array(tuple(shape[d] for d in order), p, dtype)
    return np.ascontiguousarray(np.transpose(drawn, np.argsort(order)))


@array_step
def _mask(data: np.ndarray, p: float, mask_shape: tuple) -> np.ndarray:
    """The scaled keep-mask: one draw of the generator, which graphgrad.compile records (and
    replays) as a whole."""
    dtype = data.dtype
    if p == 1.0:
        return np.zeros((), dtype)
    # PyTorch's draw: bernoulli_(1 - p) on the mask, then divide by 1 - p.
    keep = _bernoulli_in_memory_order(data, mask_shape, 1.0 - p, dtype)
    return (keep / (1.0 - p)).astype(dtype)


def _masked(input: Tensor, p: float, mask_shape: tuple, inplace: bool) -> Tensor:
    noise = Tensor._make(_mask(input._data, p, mask_shape))
    return input.mul_(noise) if inplace else input * noise


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``; the
    mask is drawn as PyTorch draws it, so ``manual_seed`` gives PyTorch's mask.

    Args:
        input: the tensor.
        p: the probability of zeroing an element.
        training: apply dropout (False returns ``input`` unchanged, as in evaluation).
        inplace: overwrite ``input`` instead of making a new tensor.

    >>> F.dropout(torch.ones(4), p=0.5, training=False)
    tensor([1., 1., 1., 1.])
    """
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _masked(input, p, tuple(input.shape), inplace)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
    """PyTorch's feature dropout: one draw per (sample, channel) of an ``(N, C, ...)`` input."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    if input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _masked(input, p, shape, inplace)


_DROPOUT1D_DIMS = (
    "dropout1d: Expected 2D or 3D input, but received a {}D input. Note that dropout1d exists to "
    "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and "
    "an optional batch dimension (i.e. 2D or 3D inputs)."
)
_DROPOUT2D_DIMS = (
    "dropout2d: Received a {}-D input to dropout2d, which is deprecated and will result in an "
    "error in a future release. To retain the behavior and silence this warning, please use "
    "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with "
    "2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
    "inputs)."
)
_DROPOUT2D_3D = (
    "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
    "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
    "This behavior will change in a future release to interpret the input as one without a "
    "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
    "please switch to using dropout1d instead."
)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of a ``(N, C, L)`` or ``(C, L)`` input with probability ``p``.

    Args:
        input: the tensor.
        p: the probability of zeroing a channel.
        training: apply dropout (False returns ``input`` unchanged, as in evaluation).
        inplace: overwrite ``input`` instead of making a new tensor.

    >>> F.dropout1d(torch.ones(1, 2, 3), p=0.5, training=False).shape
    torch.Size([1, 2, 3])
    """
    if input.ndim not in (2, 3):
        raise RuntimeError(_DROPOUT1D_DIMS.format(input.ndim))
    if input.ndim == 3:
        return _feature_dropout(input, p, training, inplace)
    # unbatched (C, L): as a batch of one, as PyTorch (so its graph ends in a squeeze)
    if not inplace:
        return _feature_dropout(input.unsqueeze(0), p, training, False).squeeze(0)
    return _feature_dropout(input.unsqueeze_(0), p, training, True).squeeze_(0)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of a ``(N, C, H, W)`` input with probability ``p``: one draw per
    (sample, channel), for any input of 2 or more dimensions, as PyTorch (which warns unless
    the input is 4-D, and reads a 3-D one as ``(N, C, L)``).

    Args:
        input: the tensor.
        p: the probability of zeroing a channel.
        training: apply dropout (False returns ``input`` unchanged, as in evaluation).
        inplace: overwrite ``input`` instead of making a new tensor.

    >>> F.dropout2d(torch.ones(1, 2, 3, 3), p=0.5, training=False).shape
    torch.Size([1, 2, 3, 3])
    """
    if input.ndim not in (3, 4):
        warnings.warn(_DROPOUT2D_DIMS.format(input.ndim), UserWarning, stacklevel=2)
    elif input.ndim == 3:  # PyTorch reads it as (N, C, L), not (C, H, W), and says so
        warnings.warn(_DROPOUT2D_3D, UserWarning, stacklevel=2)
    return _feature_dropout(input, p, training, inplace)
