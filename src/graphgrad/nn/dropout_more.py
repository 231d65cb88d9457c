"""More dropout layers: Dropout3d, AlphaDropout, FeatureAlphaDropout.

>>> import graphgrad as torch
>>> torch.nn.AlphaDropout(0.2)
AlphaDropout(p=0.2, inplace=False)
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .dropout import _DropoutNd


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


__all__ = ["AlphaDropout", "Dropout3d", "FeatureAlphaDropout"]
