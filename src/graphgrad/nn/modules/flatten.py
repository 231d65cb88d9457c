"""``nn.modules.flatten``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.flatten.Flatten is torch.nn.Flatten
True
"""

from __future__ import annotations

from ..linear import Flatten, Unflatten

__all__ = ["Flatten", "Unflatten"]
