"""``nn.modules.sparse``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.sparse.Embedding is torch.nn.Embedding
True
"""

from __future__ import annotations

from ..sparse import Embedding
from ..sparse_bag import EmbeddingBag

__all__ = ["Embedding", "EmbeddingBag"]
