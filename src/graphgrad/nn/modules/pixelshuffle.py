"""``nn.modules.pixelshuffle``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.pixelshuffle.PixelShuffle is torch.nn.PixelShuffle
True
"""

from __future__ import annotations

from ..vision import PixelShuffle, PixelUnshuffle

__all__ = ["PixelShuffle", "PixelUnshuffle"]
