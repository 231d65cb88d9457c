"""More pooling layers: MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool1d/2d/3d,
MaxUnpool1d/2d/3d, FractionalMaxPool2d/3d, LPPool1d/2d/3d.

>>> import graphgrad as torch
>>> torch.nn.MaxUnpool2d(2)
MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .functional.conv import _tuple
from .module import Module
from .pooling import AdaptiveAvgPool1d, _AvgPoolNd, _MaxPoolNd


class MaxPool3d(_MaxPoolNd):
    """The maximum over sliding windows of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    Args:
        kernel_size, stride, padding, dilation, return_indices, ceil_mode: as in ``MaxPool1d``.

    >>> torch.nn.MaxPool3d(2)(torch.arange(8.0).view(1, 1, 2, 2, 2)).flatten()
    tensor([7.])
    """

    _fn = staticmethod(F.max_pool3d)


class AvgPool3d(_AvgPoolNd):
    """The average over sliding windows of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    Args:
        kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override: as in
        ``AvgPool2d``.

    >>> torch.nn.AvgPool3d(2)(torch.arange(8.0).view(1, 1, 2, 2, 2)).flatten()
    tensor([3.5000])
    """

    _fn = staticmethod(F.avg_pool3d)

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None) -> None:  # fmt: skip
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)
        self.divisor_override = divisor_override

    def _options(self) -> tuple:
        return super()._options() + (self.divisor_override,)


class AdaptiveAvgPool3d(AdaptiveAvgPool1d):
    """Average pooling whose windows are chosen to give an ``output_size`` volume.

    Args:
        output_size: the output's depth, height and width (an int for all).

    >>> torch.nn.AdaptiveAvgPool3d(1)(torch.arange(8.0).view(1, 2, 2, 2)).flatten()
    tensor([3.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool3d(input, self.output_size)


class _AdaptiveMaxPoolNd(Module):
    _fn: ClassVar[Callable[..., Any]]  # each subclass sets its functional form

    def __init__(self, output_size, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input: Tensor):
        return type(self)._fn(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling whose windows are chosen to give ``output_size`` positions.

    Args:
        output_size: the output length.
        return_indices: also return the position of each maximum.

    >>> torch.nn.AdaptiveMaxPool1d(1)(torch.tensor([[1.0, 3.0, 2.0]]))
    tensor([[3.]])
    """

    _fn = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling whose windows are chosen to give an ``output_size`` grid.

    Args:
        output_size: the output's height and width (an int for both; ``None`` keeps a size).
        return_indices: also return the flat position of each maximum.

    >>> torch.nn.AdaptiveMaxPool2d(1)(torch.arange(4.0).view(1, 2, 2))
    tensor([[[3.]]])
    """

    _fn = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling whose windows are chosen to give an ``output_size`` volume.

    Args:
        output_size: the output's depth, height and width (an int for all).
        return_indices: also return the flat position of each maximum.

    >>> torch.nn.AdaptiveMaxPool3d(1)(torch.arange(8.0).view(1, 2, 2, 2)).flatten()
    tensor([7.])
    """

    _fn = staticmethod(F.adaptive_max_pool3d)


class _MaxUnpoolNd(Module):
    _fn: ClassVar[Callable[..., Any]]  # each subclass sets its functional form
    _nd = 1

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__()
        nd = self._nd
        self.kernel_size = _tuple(kernel_size, nd)
        self.stride = _tuple(stride if stride is not None else kernel_size, nd)
        self.padding = _tuple(padding, nd)

    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:
        return type(self)._fn(
            input, indices, self.kernel_size, self.stride, self.padding, output_size
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The inverse of ``MaxPool1d``: values back at their indices, zeros elsewhere.

    Args:
        kernel_size, stride, padding: the pooling's.

    >>> torch.nn.MaxUnpool1d(2)(torch.tensor([[[3.0]]]), torch.tensor([[[1]]]))
    tensor([[[0., 3.]]])
    """

    _fn = staticmethod(F.max_unpool1d)
    _nd = 1


class MaxUnpool2d(_MaxUnpoolNd):
    """The inverse of ``MaxPool2d``.

    Args:
        kernel_size, stride, padding: the pooling's.

    >>> torch.nn.MaxUnpool2d(2)(torch.tensor([[[3.0]]]), torch.tensor([[[2]]]))
    tensor([[[0., 0.],
             [3., 0.]]])
    """

    _fn = staticmethod(F.max_unpool2d)
    _nd = 2


class MaxUnpool3d(_MaxUnpoolNd):
    """The inverse of ``MaxPool3d``.

    Args:
        kernel_size, stride, padding: the pooling's.

    >>> torch.nn.MaxUnpool3d(2)(torch.tensor([[[[3.0]]]]), torch.tensor([[[[0]]]])).shape
    torch.Size([1, 2, 2, 2])
    """

    _fn = staticmethod(F.max_unpool3d)
    _nd = 3


class _FractionalMaxPoolNd(Module):
    _fn: ClassVar[Callable[..., Any]]  # each subclass sets its functional form
    _nd = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None,
                 return_indices: bool = False, _random_samples=None) -> None:  # fmt: skip
        super().__init__()
        nd, name = self._nd, type(self).__name__
        self.kernel_size = _tuple(kernel_size, nd)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _tuple(output_size, nd) if output_size is not None else None
        ratio = output_ratio
        if ratio is not None and not isinstance(ratio, (tuple, list)):
            ratio = (ratio,) * nd
        self.output_ratio = tuple(ratio) if ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(
                f"{name} requires specifying either an output size, or a pooling ratio"
            )
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input: Tensor):
        return type(self)._fn(
            input,
            self.kernel_size,
            self.output_size,
            self.output_ratio,
            self.return_indices,
            _random_samples=self._random_samples,
        )


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """``F.fractional_max_pool2d`` as a layer.

    Args:
        kernel_size: the windows' size.
        output_size: the output's height and width.
        output_ratio: the output's size as a fraction of the input's, in (0, 1).
        return_indices: also return the flat position of each maximum.
        _random_samples: fixed window offsets, ``(N, C, 2)``, instead of drawing them.

    >>> torch.nn.FractionalMaxPool2d(2, output_size=1)(torch.arange(16.0).view(1, 4, 4))
    tensor([[[15.]]])
    """

    _fn = staticmethod(F.fractional_max_pool2d)
    _nd = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """``F.fractional_max_pool3d`` as a layer.

    Args:
        kernel_size, output_size, output_ratio, return_indices: as in
        ``FractionalMaxPool2d``, for three dims.
        _random_samples: fixed window offsets, ``(N, C, 3)``, instead of drawing them.

    >>> torch.nn.FractionalMaxPool3d(2, output_size=1)(torch.ones(1, 3, 3, 3))
    tensor([[[[1.]]]])
    """

    _fn = staticmethod(F.fractional_max_pool3d)
    _nd = 3


class _LPPoolNd(Module):
    _fn: ClassVar[Callable[..., Any]]  # each subclass sets its functional form

    def __init__(self, norm_type: float, kernel_size, stride=None,
                 ceil_mode: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.norm_type, self.kernel_size = norm_type, kernel_size
        self.stride, self.ceil_mode = stride, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, float(self.norm_type), self.kernel_size, self.stride,
                              self.ceil_mode)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, ceil_mode={self.ceil_mode}"
        )


class LPPool1d(_LPPoolNd):
    """``(sum over each window of x ** p) ** (1 / p)`` of ``(N, C, L)`` or ``(C, L)`` input.

    Args:
        norm_type: the power ``p``.
        kernel_size: the window's size.
        stride: the step between windows (``kernel_size`` when ``None``).
        ceil_mode: round the output size up instead of down.

    >>> torch.nn.LPPool1d(2, 2)(torch.tensor([[3.0, 4.0]]))
    tensor([[5.]])
    """

    _fn = staticmethod(F.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """Power-average pooling of ``(N, C, H, W)`` or ``(C, H, W)`` input.

    Args:
        norm_type, kernel_size, stride, ceil_mode: as in ``LPPool1d``.

    >>> torch.nn.LPPool2d(1, 2)(torch.ones(1, 2, 2))
    tensor([[[4.]]])
    """

    _fn = staticmethod(F.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """Power-average pooling of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    Args:
        norm_type, kernel_size, stride, ceil_mode: as in ``LPPool1d``.

    >>> torch.nn.LPPool3d(1, 2)(torch.ones(1, 2, 2, 2)).flatten()
    tensor([8.])
    """

    _fn = staticmethod(F.lp_pool3d)


__all__ = [
    "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d",
    "AvgPool3d",
    "FractionalMaxPool2d",
    "FractionalMaxPool3d",
    "LPPool1d",
    "LPPool2d",
    "LPPool3d",
    "MaxPool3d",
    "MaxUnpool1d",
    "MaxUnpool2d",
    "MaxUnpool3d",
]
