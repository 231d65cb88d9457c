"""``nn.modules.channelshuffle``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.channelshuffle.ChannelShuffle is torch.nn.ChannelShuffle
True
"""

from __future__ import annotations

from ..vision import ChannelShuffle

__all__ = ["ChannelShuffle"]
