"""``nn.modules.fold``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.fold.Fold is torch.nn.Fold
True
"""

from __future__ import annotations

from ..conv import Fold, Unfold

__all__ = ["Fold", "Unfold"]
