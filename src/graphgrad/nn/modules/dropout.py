"""``nn.modules.dropout``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.dropout.AlphaDropout is torch.nn.AlphaDropout
True
"""

from __future__ import annotations

from ..dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout

__all__ = ["AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout"]
