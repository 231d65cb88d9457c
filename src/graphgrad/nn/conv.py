"""Convolution layers: Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d.

>>> import graphgrad as torch
>>> torch.nn.Conv2d(1, 6, 5)
Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
"""

from __future__ import annotations

from collections.abc import Callable

from ..tensor import Size, Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .functional.conv import _tuple
from .linear import add_weight_and_bias, reset_fan_in
from .module import Module

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """Conv1d and Conv2d (and, through ``_ConvTransposeNd``, the transposed ones): the
    subclasses give the number of spatial dims ``_nd`` and the functional form ``_fn``."""

    _nd = 2
    _transposed = False
    _fn: Callable[..., Tensor]  # the functional form: each subclass sets it

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {{'circular', 'replicate', 'zeros', 'reflect'}}, "
                f"but got padding_mode='{padding_mode}'"
            )
        if self._transposed and padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        nd = self._nd
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of {{'same', 'valid'}}"
                )  # (PyTorch prints a set: its order varies from run to run)
            if padding == "same" and any(s != 1 for s in _tuple(stride, nd)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _tuple(kernel_size, nd)
        self.stride = _tuple(stride, nd)
        self.padding = padding if isinstance(padding, str) else _tuple(padding, nd)
        self.dilation = _tuple(dilation, nd)
        self.output_padding = _tuple(0, nd)
        self.groups, self.padding_mode = groups, padding_mode
        if self._transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        add_weight_and_bias(self, shape, bias, out_channels, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_fan_in(self.weight, self.bias, empty_draws=False)

    @property
    def _reversed_padding_repeated_twice(self) -> list[int]:
        """``F.pad``'s argument for this layer's padding (last dim first, each side): how a
        ``padding_mode`` other than zeros pads before a convolution with no padding."""
        if self.padding == "valid":
            return [0] * (2 * self._nd)
        pads = []
        for i in reversed(range(self._nd)):
            if self.padding == "same":  # PyTorch puts the odd element of the total on the right
                total = self.dilation[i] * (self.kernel_size[i] - 1)
                pads += [total // 2, total - total // 2]
            else:
                pads += [self.padding[i]] * 2
        return pads

    def forward(self, input: Tensor) -> Tensor:
        padding: str | tuple = self.padding
        if self.padding_mode != "zeros":
            input = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            padding = (0,) * self._nd
        return type(self)._fn(
            input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        nd = self._nd
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _ConvTransposeNd(_ConvNd):
    """The transposed convolutions: PyTorch's argument order, and an ``output_padding``."""

    _transposed = True

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups: int = 1,
        bias: bool = True,
        dilation=1,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            padding_mode,
            dtype=dtype,
        )
        self.output_padding = _tuple(output_padding, self._nd)

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        """The transposed convolution of ``input``; ``output_size`` picks, among the spatial
        sizes the stride allows, the one to produce (it sets the output padding)."""
        padding = self.output_padding
        if output_size is not None:
            padding = self._output_padding(input, output_size)
        return type(self)._fn(
            input, self.weight, self.bias, self.stride, self.padding, padding, self.groups,
            self.dilation,
        )  # fmt: skip

    def _output_padding(self, input: Tensor, output_size) -> tuple[int, ...]:
        nd, outer = self._nd, input.ndim - self._nd  # outer: the batch and channel dims
        if len(output_size) == nd + outer:
            output_size = output_size[outer:]
        if len(output_size) != nd:
            raise ValueError(
                f"ConvTranspose{nd}D: for {input.ndim}D input, output_size must have {nd} or "
                f"{nd + outer} elements (got {len(output_size)})"
            )
        smallest = [
            (input.shape[outer + d] - 1) * self.stride[d] - 2 * self.padding[d]
            + self.dilation[d] * (self.kernel_size[d] - 1) + 1
            for d in range(nd)
        ]  # fmt: skip
        largest = [smallest[d] + self.stride[d] - 1 for d in range(nd)]
        if any(not lo <= int(n) <= hi for n, lo, hi in zip(output_size, smallest, largest)):
            raise ValueError(
                f"requested an output size of {output_size}, but valid sizes range from "
                f"{smallest} to {largest} (for an input of {Size(input.shape[outer:])})"
            )
        return tuple(int(n) - lo for n, lo in zip(output_size, smallest))


class Conv1d(_ConvNd):
    """1-D convolution (cross-correlation, as PyTorch) over ``(N, C, L)`` or ``(C, L)``
    input, with PyTorch's default initialisation.

    Args:
        in_channels: the number of input channels.
        out_channels: the number of output channels.
        kernel_size: the kernel's size (an int or one per spatial dimension).
        stride: the step between kernel positions.
        padding: zeros added on both sides of each spatial dimension, or ``"same"`` /
            ``"valid"``.
        dilation: the spacing between kernel elements.
        groups: split the channels into this many independent groups.
        bias: whether to add a learnable bias.
        padding_mode: ``"zeros"``, ``"reflect"``, ``"replicate"`` or ``"circular"``: how the
            input is padded (the others pad with ``F.pad`` before the convolution).
        device, dtype: as in ``Linear``.

    >>> torch.nn.Conv1d(2, 4, 3, padding=1)(torch.zeros(5, 2, 10)).shape
    torch.Size([5, 4, 10])
    """

    _nd = 1
    _fn = staticmethod(F.conv1d)


class Conv2d(_ConvNd):
    """2-D convolution over ``(N, C, H, W)`` or ``(C, H, W)`` input.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
        padding_mode, device, dtype: as in ``Conv1d``.

    >>> torch.nn.Conv2d(1, 8, 3, stride=2)(torch.zeros(2, 1, 9, 9)).shape
    torch.Size([2, 8, 4, 4])
    """

    _nd = 2
    _fn = staticmethod(F.conv2d)


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution: the gradient of ``Conv1d`` in its input (upsamples).

    Args:
        in_channels, out_channels, kernel_size, stride, dilation, groups, bias, padding_mode,
        device, dtype: as in ``Conv1d``.
        padding: how much the implicit zero-padding of the matching convolution trims from
            each side of the output.
        output_padding: extra size added to one side of the output (to pick among the shapes a
            strided convolution maps to the same size).

    >>> torch.nn.ConvTranspose1d(4, 2, 3, stride=2)(torch.zeros(1, 4, 5)).shape
    torch.Size([1, 2, 11])
    """

    _nd = 1
    _fn = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution: the gradient of ``Conv2d`` in its input.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias,
        dilation, padding_mode, device, dtype: as in ``ConvTranspose1d``.

    >>> torch.nn.ConvTranspose2d(4, 2, 2, stride=2)(torch.zeros(1, 4, 3, 3)).shape
    torch.Size([1, 2, 6, 6])
    """

    _nd = 2
    _fn = staticmethod(F.conv_transpose2d)


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
