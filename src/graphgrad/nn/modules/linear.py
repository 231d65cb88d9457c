"""``nn.modules.linear``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.linear.Bilinear is torch.nn.Bilinear
True
"""

from __future__ import annotations

from ..attention import NonDynamicallyQuantizableLinear
from ..lazy import LazyLinear
from ..linear import Bilinear, Identity, Linear

__all__ = ["Bilinear", "Identity", "LazyLinear", "Linear", "NonDynamicallyQuantizableLinear"]
