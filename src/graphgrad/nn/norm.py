"""Normalisation layers: BatchNorm1d, BatchNorm2d (running statistics as buffers), LayerNorm.

>>> import graphgrad as torch
>>> bn = torch.nn.BatchNorm1d(4)
>>> bn
BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
>>> list(bn.state_dict())[2:]
['running_mean', 'running_var', 'num_batches_tracked']
"""

from __future__ import annotations

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .linear import empty_parameter
from .module import Module
from .parameter import Parameter


def _filled(shape: tuple, value: float, dtype=None) -> Tensor:
    return Tensor._make(np.full(shape, value, (dtype or get_default_dtype()).np))


class _BatchNorm(Module):
    _dims: tuple = (2, 3)

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(_filled((num_features,), 1.0, dtype))
            self.bias = Parameter(_filled((num_features,), 0.0, dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", _filled((num_features,), 0.0, dtype))
            self.register_buffer("running_var", _filled((num_features,), 1.0, dtype))
            self.register_buffer("num_batches_tracked", Tensor._make(np.array(0, np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in self._dims:
            dims = " or ".join(f"{d}D" for d in self._dims)
            raise ValueError(f"expected {dims} input (got {input.ndim}D input)")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)  # an in-place op, which graphgrad.compile records
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked._data)
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if keep else None,
            self.running_var if keep else None,
            self.weight,
            self.bias,
            use_batch,
            factor,
            self.eps,
        )

    def _fill_missing(self, state_dict: dict, prefix: str) -> None:
        key = prefix + "num_batches_tracked"
        if self.num_batches_tracked is not None and key not in state_dict:
            state_dict[key] = self.num_batches_tracked

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over ``(N, C)`` or ``(N, C, L)`` input: each channel is
    normalised by the batch's mean and variance in training mode, by the running ones in eval
    mode.

    Args:
        num_features: the number of channels C.
        eps: added to the variance for numerical stability.
        momentum: the weight of each batch in the running statistics (``None``: a plain
            cumulative average).
        affine: learn a scale and shift per channel.
        track_running_stats: keep running statistics (used in eval mode).
        device, dtype: as in ``Linear``.

    >>> torch.nn.BatchNorm1d(2)(torch.tensor([[1.0, 2.0], [3.0, 6.0]]))
    tensor([[-1.0000, -1.0000],
            [ 1.0000,  1.0000]], grad_fn=<NativeBatchNormBackward0>)
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over ``(N, C, H, W)`` input.

    Args:
        num_features, eps, momentum, affine, track_running_stats, device, dtype: as in
        ``BatchNorm1d``.

    >>> torch.nn.BatchNorm2d(3)(torch.zeros(2, 3, 4, 4)).shape
    torch.Size([2, 3, 4, 4])
    """

    _dims = (4,)


class LayerNorm(Module):
    """Normalise over the trailing ``normalized_shape`` dimensions, with a learnt scale
    and shift.

    Args:
        normalized_shape: the shape of the trailing dimensions (an int for the last one).
        eps: added to the variance for numerical stability.
        elementwise_affine: learn a scale (and shift) per element.
        bias: learn the shift too.
        device, dtype: as in ``Linear``.

    >>> torch.nn.LayerNorm(3)(torch.tensor([[1.0, 2.0, 3.0]]))
    tensor([[-1.2247,  0.0000,  1.2247]], grad_fn=<NativeLayerNormBackward0>)
    """

    def __init__(
        self,
        normalized_shape,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps, self.elementwise_affine, self._bias_flag = eps, elementwise_affine, bias
        if elementwise_affine:
            self.weight = Parameter(_filled(self.normalized_shape, 1.0, dtype))
            if bias:
                self.bias = Parameter(_filled(self.normalized_shape, 0.0, dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self._bias_flag}"
        )


__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "empty_parameter"]
