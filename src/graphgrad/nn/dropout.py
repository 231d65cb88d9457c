"""Dropout layers: Dropout, Dropout1d, Dropout2d (identity in eval mode).

>>> import graphgrad as torch
>>> torch.nn.Dropout(0.5)
Dropout(p=0.5, inplace=False)
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .module import Module


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """In training mode, zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)``; in eval mode, pass the input through.

    Args:
        p: the probability of zeroing an element.
        inplace: overwrite the input instead of making a new tensor.

    >>> torch.nn.Dropout(p=0.5).eval()(torch.ones(3))
    tensor([1., 1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """In training mode, zero whole channels of ``(N, C, L)`` input with probability ``p``.

    Args:
        p: the probability of zeroing a channel.
        inplace: overwrite the input instead of making a new tensor.

    >>> torch.nn.Dropout1d(0.5).eval()(torch.ones(1, 2, 3)).shape
    torch.Size([1, 2, 3])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """In training mode, zero whole channels of ``(N, C, H, W)`` input with probability ``p``.

    Args:
        p: the probability of zeroing a channel.
        inplace: overwrite the input instead of making a new tensor.

    >>> torch.nn.Dropout2d(0.5).eval()(torch.ones(1, 2, 3, 3)).shape
    torch.Size([1, 2, 3, 3])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """In training mode, zero whole channels of ``(N, C, D, H, W)`` input with probability
    ``p``.

    Args:
        p: the probability of zeroing a channel.
        inplace: overwrite the input instead of making a new tensor.

    >>> torch.nn.Dropout3d(0.5).eval()(torch.ones(1, 2, 1, 1, 1)).shape
    torch.Size([1, 2, 1, 1, 1])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """``F.alpha_dropout`` in training mode, the identity in eval mode.

    Args:
        p: the probability of dropping an element.
        inplace: overwrite the input instead of making a new tensor.

    >>> torch.nn.AlphaDropout(0.5).eval()(torch.ones(2))
    tensor([1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """``F.feature_alpha_dropout`` in training mode, the identity in eval mode.

    Args:
        p: the probability of dropping a channel.
        inplace: overwrite the input instead of making a new tensor.

    >>> torch.nn.FeatureAlphaDropout(0.5).eval()(torch.ones(1, 2, 2)).shape
    torch.Size([1, 2, 2])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.feature_alpha_dropout(input, self.p, self.training)
