"""Constant padding and pixel (un)shuffling as primitives, with PyTorch's node names
(ConstantPadNdBackward0, PixelShuffleBackward0, PixelUnshuffleBackward0).

Each is linear, so its rule is its inverse: padding's gradient is the gradient padded by the
negated amounts (a crop), and pixel_shuffle's is pixel_unshuffle's, and back.

>>> import graphgrad as torch
>>> x = torch.ones(1, 2, requires_grad=True)
>>> y = constant_pad_nd(x, (1, 0), 5.0)
>>> y, y.grad_fn.name()
(tensor([[5., 1., 1.]], grad_fn=<ConstantPadNdBackward0>), 'ConstantPadNdBackward0')
"""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from ..primitive import LINEAR, Primitive, apply


# -- constant padding ---------------------------------------------------------------------------
def _constant_pad_forward(a: np.ndarray, pad: tuple, value) -> np.ndarray:
    """``a`` cropped by the negative amounts of ``pad``, then padded with ``value`` by the
    positive ones; ``pad`` lists (before, after) pairs from the last dim backwards."""
    crop = [slice(None)] * a.ndim
    widths = [(0, 0)] * a.ndim
    for i in range(len(pad) // 2):
        dim, before, after = a.ndim - 1 - i, pad[2 * i], pad[2 * i + 1]
        crop[dim] = slice(max(-before, 0), a.shape[dim] - max(-after, 0))
        widths[dim] = (max(before, 0), max(after, 0))
    return np.pad(a[tuple(crop)], widths, constant_values=value)


def _constant_pad_rule(grad, pad, xp):
    return xp.constant_pad_nd(grad, pad=tuple(-p for p in pad), value=0)


_constant_pad_nd = Primitive(
    "constant_pad_nd",
    "ConstantPadNdBackward0",
    _constant_pad_forward,
    self=_constant_pad_rule,
    attrs=("pad",),
    # the padding value is a constant: the tangent is padded with zeros
    jvp=(lambda t, s: constant_pad_nd(t, s["pad"], 0),),
)


def constant_pad_nd(input: Tensor, pad: tuple, value: float = 0) -> Tensor:
    """``input`` padded with ``value`` (cropped where an amount is negative).

    Args:
        input: the tensor.
        pad: (before, after) amounts, from the last dim backwards.
        value: the fill value.

    >>> constant_pad_nd(torch.tensor([1.0, 2.0, 3.0]), (1, -1))
    tensor([0., 1., 2.])
    """
    pad = tuple(int(p) for p in pad)
    for i in range(len(pad) // 2):
        size = input.shape[input.ndim - 1 - i]
        if size + min(pad[2 * i], 0) + min(pad[2 * i + 1], 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
    return apply(_constant_pad_nd, input, pad=pad, value=value)


# -- pixel shuffle ------------------------------------------------------------------------------
def _rearranged(a: np.ndarray, split: tuple, perm: tuple, shape: tuple) -> np.ndarray:
    """``a`` reshaped to ``split``, permuted by ``perm`` and reshaped to ``shape``: a copy."""
    out = np.transpose(a.reshape(split), perm).reshape(shape)
    return out.copy() if np.may_share_memory(out, a) else out


def _shuffle_forward(a: np.ndarray, upscale_factor: int) -> np.ndarray:
    r = upscale_factor
    *lead, c, h, w = a.shape
    n = len(lead)
    perm = (*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return _rearranged(
        a, (*lead, c // (r * r), r, r, h, w), perm, (*lead, c // (r * r), h * r, w * r)
    )


def _unshuffle_forward(a: np.ndarray, downscale_factor: int) -> np.ndarray:
    r = downscale_factor
    *lead, c, h, w = a.shape
    n = len(lead)
    perm = (*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return _rearranged(
        a, (*lead, c, h // r, r, w // r, r), perm, (*lead, c * r * r, h // r, w // r)
    )


_pixel_shuffle = Primitive(
    "pixel_shuffle",
    "PixelShuffleBackward0",
    _shuffle_forward,
    self=lambda grad, upscale_factor, xp: xp.pixel_unshuffle(grad, downscale_factor=upscale_factor),
    attrs=("upscale_factor",),
    jvp=LINEAR,
)
_pixel_unshuffle = Primitive(
    "pixel_unshuffle",
    "PixelUnshuffleBackward0",
    _unshuffle_forward,
    self=lambda grad, downscale_factor, xp: xp.pixel_shuffle(grad, upscale_factor=downscale_factor),
    attrs=("downscale_factor",),
    jvp=LINEAR,
)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """``(*, C * r * r, H, W)`` to ``(*, C, H * r, W * r)`` (the checks are the caller's).

    Args:
        input: at least 3-D.
        upscale_factor: ``r``.

    >>> pixel_shuffle(torch.arange(4.0).view(4, 1, 1), 2)
    tensor([[[0., 1.],
             [2., 3.]]])
    """
    return apply(_pixel_shuffle, input, upscale_factor=upscale_factor)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """``(*, C, H * r, W * r)`` to ``(*, C * r * r, H, W)`` (the checks are the caller's).

    Args:
        input: at least 3-D.
        downscale_factor: ``r``.

    >>> pixel_unshuffle(torch.arange(4.0).view(1, 2, 2), 2).flatten()
    tensor([0., 1., 2., 3.])
    """
    return apply(_pixel_unshuffle, input, downscale_factor=downscale_factor)


__all__: list[str] = []
