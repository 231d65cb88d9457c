"""Normalisation layers: BatchNorm1d, BatchNorm2d (running statistics as buffers), LayerNorm.

>>> import graphgrad as torch
>>> bn = torch.nn.BatchNorm1d(4)
>>> bn
BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
>>> list(bn.state_dict())[2:]
['running_mean', 'running_var', 'num_batches_tracked']
"""

from __future__ import annotations

import warnings

import numpy as np

from ..dtypes import get_default_dtype
from ..ops.array_step import value_read
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
            if self.momentum is None:  # (a cumulative average: a number from the buffer)
                value_read("BatchNorm(momentum=None) (its factor is 1 / num_batches_tracked)")
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
        self.eps, self.elementwise_affine = eps, elementwise_affine
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
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )


__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "LayerNorm",
    "empty_parameter",
    "BatchNorm3d",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "LocalResponseNorm",
    "RMSNorm",
]


class BatchNorm3d(_BatchNorm):
    """Batch normalisation over ``(N, C, D, H, W)`` input.

    Args:
        num_features, eps, momentum, affine, track_running_stats, device, dtype: as in
        ``BatchNorm1d``.

    >>> torch.nn.BatchNorm3d(3)(torch.zeros(2, 3, 1, 2, 2)).shape
    torch.Size([2, 3, 1, 2, 2])
    """

    _dims = (5,)


class GroupNorm(Module):
    """``F.group_norm`` with a learnt per-channel scale and shift.

    Args:
        num_groups: how many groups the channels are split into.
        num_channels: the number of channels C (a multiple of ``num_groups``).
        eps: added to the variance for numerical stability.
        affine: learn a scale and shift per channel.
        device, dtype: as in ``Linear``.

    >>> torch.nn.GroupNorm(1, 2)(torch.tensor([[1.0, 3.0]])).detach()
    tensor([[-1.0000,  1.0000]])
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device=None, dtype=None) -> None:  # fmt: skip
        super().__init__()
        if num_channels % num_groups:
            raise ValueError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
            )
        self.num_groups, self.num_channels, self.eps, self.affine = (
            num_groups,
            num_channels,
            eps,
            affine,
        )
        if affine:
            self.weight = Parameter(_filled((num_channels,), 1.0, dtype))
            self.bias = Parameter(_filled((num_channels,), 0.0, dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.affine}"
        )


class _InstanceNorm(_BatchNorm):
    """Instance normalisation layers: a ``_BatchNorm``'s parameters and buffers, with
    PyTorch's other defaults (no affine, no running statistics) and unbatched input."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device=None,
                 dtype=None) -> None:  # fmt: skip
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        unbatched = input.ndim == self._dims[0]
        feature_dim = 0 if unbatched else 1
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(
                    f"expected input's size at dim={feature_dim} to match num_features "
                    f"({self.num_features}), but got: {input.shape[feature_dim]}."
                )
            warnings.warn(
                f"input's size at dim={feature_dim} does not match num_features. You can "
                "silence this warning by not passing in num_features, which is not used "
                "because affine=False",
                stacklevel=3,
            )
        x = input.unsqueeze(0) if unbatched else input
        out = F.instance_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            self.training or not self.track_running_stats,
            self.momentum if self.momentum is not None else 0.0,
            self.eps,
        )
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Normalise each channel of each sample of ``(N, C, L)`` or ``(C, L)`` input over its
    positions.

    Args:
        num_features: the number of channels C.
        eps: added to the variance for numerical stability.
        momentum: the weight of each batch in the running statistics.
        affine: learn a scale and shift per channel.
        track_running_stats: keep running statistics (used in eval mode).
        device, dtype: as in ``Linear``.

    >>> torch.nn.InstanceNorm1d(1)(torch.tensor([[[1.0, 3.0]]]))
    tensor([[[-1.0000,  1.0000]]])
    """

    _dims = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of ``(N, C, H, W)`` or ``(C, H, W)`` input.

    Args:
        num_features, eps, momentum, affine, track_running_stats, device, dtype: as in
        ``InstanceNorm1d``.

    >>> torch.nn.InstanceNorm2d(3)(torch.rand(2, 3, 4, 4)).shape
    torch.Size([2, 3, 4, 4])
    """

    _dims = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    Args:
        num_features, eps, momentum, affine, track_running_stats, device, dtype: as in
        ``InstanceNorm1d``.

    >>> torch.nn.InstanceNorm3d(3)(torch.rand(3, 2, 2, 2)).shape
    torch.Size([3, 2, 2, 2])
    """

    _dims = (4, 5)


class LocalResponseNorm(Module):
    """``F.local_response_norm`` as a layer.

    Args:
        size: how many neighbouring channels to average over.
        alpha, beta, k: the multiplicative factor, the exponent and the additive factor.

    >>> torch.nn.LocalResponseNorm(2)
    LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75,
                 k: float = 1.0) -> None:  # fmt: skip
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class RMSNorm(Module):
    """``F.rms_norm`` with a learnt elementwise scale.

    Args:
        normalized_shape: the shape of the trailing dimensions (an int for the last one).
        eps: added to the mean square (the dtype's epsilon when ``None``).
        elementwise_affine: learn a scale per element.
        device, dtype: as in ``Linear``.

    >>> torch.nn.RMSNorm(2)(torch.tensor([[3.0, 4.0]])).detach()
    tensor([[0.8485, 1.1314]])
    """

    def __init__(self, normalized_shape, eps: float | None = None,
                 elementwise_affine: bool = True, device=None, dtype=None) -> None:  # fmt: skip
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(_filled(self.normalized_shape, 1.0, dtype))
        else:
            self.register_parameter("weight", None)

    def forward(self, input: Tensor) -> Tensor:
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )
