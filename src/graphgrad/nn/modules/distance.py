"""``nn.modules.distance``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.distance.CosineSimilarity is torch.nn.CosineSimilarity
True
"""

from __future__ import annotations

from ..distance import CosineSimilarity
from ..loss_margin import PairwiseDistance

__all__ = ["CosineSimilarity", "PairwiseDistance"]
