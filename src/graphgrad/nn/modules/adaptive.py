"""``nn.modules.adaptive``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.adaptive.AdaptiveLogSoftmaxWithLoss is torch.nn.AdaptiveLogSoftmaxWithLoss
True
"""

from __future__ import annotations

from ..adaptive import AdaptiveLogSoftmaxWithLoss

__all__ = ["AdaptiveLogSoftmaxWithLoss"]
