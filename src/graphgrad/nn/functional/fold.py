"""3-D convolutions and sliding blocks: conv3d and conv_transpose3d (the n-d convolution),
unfold (im2col) and fold (col2im), the last two a gather of the padded input's flat positions
and its adjoint, an ``index_add`` (their gradients come from those ops).

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.unfold(torch.arange(9.0).view(1, 1, 3, 3), 2)
tensor([[[0., 1., 3., 4.],
         [1., 2., 4., 5.],
         [3., 4., 6., 7.],
         [4., 5., 7., 8.]]])
"""

from __future__ import annotations

import numpy as np

from ...ops.array_step import constant
from ...tensor import Tensor
from .conv import _conv_nd, _conv_transpose_nd, _tuple
from .pad import pad


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """3-D convolution; see ``nn.Conv3d``.

    Args:
        input: ``(N, C_in, D, H, W)`` or without the batch dimension.
        weight: ``(C_out, C_in / groups, kD, kH, kW)``.
        bias: ``(C_out,)``, or ``None``.
        stride, padding, dilation, groups: as in ``nn.Conv1d``.

    >>> F.conv3d(torch.ones(1, 1, 2, 2, 2), torch.ones(1, 1, 2, 2, 2)).flatten()
    tensor([8.])
    """
    return _conv_nd(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> Tensor:  # fmt: skip
    """Transposed 3-D convolution, the gradient of conv3d in its input.

    Args:
        input: ``(N, C_in, D, H, W)`` or without the batch dimension.
        weight: ``(C_in, C_out / groups, kD, kH, kW)``.
        bias: ``(C_out,)``, or ``None``.
        stride, padding, output_padding, groups, dilation: as in ``nn.ConvTranspose1d``.

    >>> F.conv_transpose3d(torch.ones(1, 1, 1, 1, 1), torch.ones(1, 1, 2, 2, 2)).shape
    torch.Size([1, 1, 2, 2, 2])
    """
    return _conv_transpose_nd(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 3
    )


def _block_positions(size, kernel, dilation, stride, name: str, input_size=None):
    """The flat positions ``(kH * kW * L,)`` in the padded ``size`` plane of every block
    element, kernel position major, and the number of blocks per dim."""
    blocks = tuple(
        (n - d * (k - 1) - 1) // s + 1 for n, k, d, s in zip(size, kernel, dilation, stride,
                                                             strict=True)
    )  # fmt: skip
    if min(blocks) < 1:
        raise RuntimeError(
            f"Given {name}, calculated shape of the array of sliding blocks as {blocks}, but "
            "its components must be at least one."
        )
    ki, kj = np.meshgrid(np.arange(kernel[0]), np.arange(kernel[1]), indexing="ij")
    bi, bj = np.meshgrid(np.arange(blocks[0]), np.arange(blocks[1]), indexing="ij")
    rows = ki.reshape(-1, 1) * dilation[0] + bi.reshape(1, -1) * stride[0]
    cols = kj.reshape(-1, 1) * dilation[1] + bj.reshape(1, -1) * stride[1]
    # (made from the shapes: a compiled call's constant)
    return Tensor._make(constant((rows * size[1] + cols).reshape(-1).astype(np.int64))), blocks


def _args(kernel_size, dilation, padding, stride) -> tuple:
    return tuple(_tuple(v, 2) for v in (kernel_size, dilation, padding, stride))


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """The sliding ``kernel_size`` blocks of an ``(N, C, H, W)`` input as columns:
    ``(N, C * kH * kW, L)``, ``L`` the number of blocks (im2col); see ``nn.Unfold``.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: the blocks' size.
        dilation: the spacing between block elements.
        padding: zeros added on both sides of each spatial dim.
        stride: the step between blocks.

    >>> F.unfold(torch.ones(1, 2, 3, 3), 2).shape
    torch.Size([1, 8, 4])
    """
    if input.ndim not in (3, 4):
        raise RuntimeError(
            f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)"
        )
    kernel, dil, pads, strides = _args(kernel_size, dilation, padding, stride)
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    n, c, h, w = x.shape
    size = (h + 2 * pads[0], w + 2 * pads[1])
    where = (
        f"input with spatial size ({h}, {w}), kernel_size={kernel}, dilation={dil}, padding={pads}"
    )
    positions, blocks = _block_positions(size, kernel, dil, strides, where)
    padded = pad(x, (pads[1], pads[1], pads[0], pads[0])) if any(pads) else x
    flat = padded.reshape(n, c, size[0] * size[1]).index_select(2, positions)
    out = flat.reshape(n, c * kernel[0] * kernel[1], blocks[0] * blocks[1])
    return out.squeeze(0) if unbatched else out


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sum columns of sliding blocks back into an ``(N, C, *output_size)`` tensor (col2im),
    the adjoint of ``unfold``; see ``nn.Fold``.

    Args:
        input: ``(N, C * kH * kW, L)`` or ``(C * kH * kW, L)``.
        output_size: the spatial size ``(H, W)`` of the output.
        kernel_size, dilation, padding, stride: as in ``unfold``.

    >>> F.fold(torch.ones(1, 4, 4), (3, 3), 2)
    tensor([[[[1., 2., 1.],
              [2., 4., 2.],
              [1., 2., 1.]]]])
    """
    if input.ndim not in (2, 3):
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
            f"non-zero dimensions for input, but got: {list(input.shape)}"
        )
    out_size = _tuple(output_size, 2)
    kernel, dil, pads, strides = _args(kernel_size, dilation, padding, stride)
    unbatched = input.ndim == 2
    x = input.unsqueeze(0) if unbatched else input
    n, ck, length = x.shape
    per_block = kernel[0] * kernel[1]
    if ck % per_block:
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={ck} and kernel_size={kernel}."
        )
    size = (out_size[0] + 2 * pads[0], out_size[1] + 2 * pads[1])
    where = (
        f"output_size={out_size}, kernel_size={kernel}, dilation={dil}, padding={pads}, "
        f"stride={strides}"
    )
    positions, blocks = _block_positions(size, kernel, dil, strides, where)
    if blocks[0] * blocks[1] != length:
        raise RuntimeError(
            f"Given {where}, expected size of input's dimension 2 to match the calculated "
            f"number of sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, "
            f"but got input.size(2)={length}."
        )
    c = ck // per_block
    planes = x.new_zeros((n, c, size[0] * size[1]))
    out = planes.index_add(2, positions, x.reshape(n, c, per_block * length))
    out = out.reshape(n, c, size[0], size[1])
    out = out[:, :, pads[0] : pads[0] + out_size[0], pads[1] : pads[1] + out_size[1]]
    return out.squeeze(0) if unbatched else out


__all__ = ["conv3d", "conv_transpose3d", "fold", "unfold"]
