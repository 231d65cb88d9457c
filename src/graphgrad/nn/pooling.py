"""Pooling layers: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d.

>>> import graphgrad as torch
>>> torch.nn.MaxPool2d(2)
MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
"""

from __future__ import annotations

from collections.abc import Callable

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .module import Module


class _MaxPoolNd(Module):
    _fn: Callable[..., Tensor]  # the functional form: each subclass sets it

    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        dilation=1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor):
        return type(self)._fn(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            ceil_mode=self.ceil_mode,
            return_indices=self.return_indices,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    """The maximum over sliding windows of ``(N, C, L)`` or ``(C, L)`` input.

    Args:
        kernel_size: the window's size.
        stride: the step between windows (``kernel_size`` when ``None``).
        padding: implicit -inf padding on both sides.
        dilation: the spacing between window elements.
        return_indices: also return the position of each maximum.
        ceil_mode: round the output size up instead of down.

    >>> torch.nn.MaxPool1d(2)(torch.tensor([[[1.0, 3.0, 2.0, 4.0]]]))
    tensor([[[3., 4.]]])
    """

    _fn = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """The maximum over sliding windows of ``(N, C, H, W)`` or ``(C, H, W)`` input.

    Args:
        kernel_size, stride, padding, dilation, return_indices, ceil_mode: as in ``MaxPool1d``.

    >>> torch.nn.MaxPool2d(2)(torch.arange(16.0).view(1, 1, 4, 4))
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """

    _fn = staticmethod(F.max_pool2d)


def _single(value):
    return (value,) if isinstance(value, int) else value


class _AvgPoolNd(Module):
    _fn: Callable[..., Tensor]  # the functional form: each subclass sets it
    _size = staticmethod(lambda value: value)  # how the sizes are stored

    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        self.kernel_size = self._size(kernel_size)
        self.stride = self._size(stride if stride is not None else kernel_size)
        self.padding = self._size(padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def _options(self) -> tuple:
        return (self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, *self._options())

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """The average over sliding windows of ``(N, C, L)`` or ``(C, L)`` input.

    Args:
        kernel_size: the window's size.
        stride: the step between windows (``kernel_size`` when ``None``).
        padding: implicit zero padding on both sides.
        ceil_mode: round the output size up instead of down.
        count_include_pad: count the padding zeros in each average.

    >>> torch.nn.AvgPool1d(2)(torch.tensor([[[1.0, 3.0, 2.0, 4.0]]]))
    tensor([[[2., 3.]]])
    """

    _fn = staticmethod(F.avg_pool1d)
    _size = staticmethod(_single)  # PyTorch keeps AvgPool1d's sizes as 1-tuples


class AvgPool2d(_AvgPoolNd):
    """The average over sliding windows of ``(N, C, H, W)`` or ``(C, H, W)`` input.

    Args:
        kernel_size, stride, padding, ceil_mode, count_include_pad: as in ``AvgPool1d``.
        divisor_override: divide every window's sum by this instead of its size.

    >>> torch.nn.AvgPool2d(2)(torch.arange(16.0).view(1, 1, 4, 4))
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """

    _fn = staticmethod(F.avg_pool2d)

    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override=None,
    ) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)
        self.divisor_override = divisor_override

    def _options(self) -> tuple:
        return super()._options() + (self.divisor_override,)


class AdaptiveAvgPool1d(Module):
    """Average pooling whose windows are chosen to give ``output_size`` positions.

    Args:
        output_size: the output length.

    >>> torch.nn.AdaptiveAvgPool1d(1)(torch.tensor([[[1.0, 3.0, 2.0, 4.0]]]))
    tensor([[[2.5000]]])
    """

    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(AdaptiveAvgPool1d):
    """Average pooling whose windows are chosen to give an ``output_size`` grid.

    Args:
        output_size: the output's height and width (an int for both).

    >>> torch.nn.AdaptiveAvgPool2d((1, 1))(torch.arange(16.0).view(1, 1, 4, 4))
    tensor([[[[7.5000]]]])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(input, self.output_size)
