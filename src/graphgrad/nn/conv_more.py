"""More convolution layers: Conv3d, ConvTranspose3d, and the sliding-block layers Unfold and
Fold.

>>> import graphgrad as torch
>>> torch.nn.Conv3d(2, 4, 3)
Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .conv import _ConvNd, _ConvTransposeNd
from .module import Module


class Conv3d(_ConvNd):
    """3-D convolution over ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
        padding_mode, device, dtype: as in ``Conv1d``.

    >>> torch.nn.Conv3d(1, 4, 3)(torch.zeros(2, 1, 5, 5, 5)).shape
    torch.Size([2, 4, 3, 3, 3])
    """

    _nd = 3
    _fn = staticmethod(F.conv3d)


class ConvTranspose3d(_ConvTransposeNd):
    """Transposed 3-D convolution: the gradient of ``Conv3d`` in its input.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias,
        dilation, padding_mode, device, dtype: as in ``ConvTranspose1d``.

    >>> torch.nn.ConvTranspose3d(4, 2, 2, stride=2)(torch.zeros(1, 4, 1, 2, 3)).shape
    torch.Size([1, 2, 2, 4, 6])
    """

    _nd = 3
    _fn = staticmethod(F.conv_transpose3d)


class Unfold(Module):
    """``F.unfold`` as a layer: the sliding blocks of the input as columns.

    Args:
        kernel_size: the blocks' size.
        dilation: the spacing between block elements.
        padding: zeros added on both sides of each spatial dim.
        stride: the step between blocks.

    >>> torch.nn.Unfold(2)(torch.ones(1, 1, 3, 3)).shape
    torch.Size([1, 4, 4])
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
            f"padding={self.padding}, stride={self.stride}"
        )


class Fold(Module):
    """``F.fold`` as a layer: columns of sliding blocks summed back into an image.

    Args:
        output_size: the spatial size ``(H, W)`` of the output.
        kernel_size, dilation, padding, stride: as in ``Unfold``.

    >>> torch.nn.Fold((3, 3), 2)(torch.ones(1, 4, 4)).shape
    torch.Size([1, 1, 3, 3])
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.output_size, self.kernel_size, self.dilation = output_size, kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
            f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
        )


__all__ = ["Conv3d", "ConvTranspose3d", "Fold", "Unfold"]
