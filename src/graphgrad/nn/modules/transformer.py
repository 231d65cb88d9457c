"""``nn.modules.transformer``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.transformer.Transformer is torch.nn.Transformer
True
"""

from __future__ import annotations

from ..transformer import (
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from ..transformer_model import Transformer

__all__ = [
    "Transformer",
    "TransformerDecoder",
    "TransformerDecoderLayer",
    "TransformerEncoder",
    "TransformerEncoderLayer",
]
