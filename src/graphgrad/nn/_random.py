"""Random fills for nn (init) drawn from graphgrad's generator, PyTorch's streams bit for bit.

>>> import graphgrad as torch
>>> _ = torch.manual_seed(0)
>>> uniform_(torch.empty(2), -1.0, 1.0).shape
torch.Size([2])
"""

from __future__ import annotations

from .. import random as _random
from ..tensor import Tensor


def uniform_(tensor: Tensor, a: float, b: float, generator=None) -> Tensor:
    """Fill ``tensor`` in place with U(a, b) draws."""
    return _random.uniform_(tensor, a, b, generator=generator)


def normal_(tensor: Tensor, mean: float, std: float, generator=None) -> Tensor:
    """Fill ``tensor`` in place with N(mean, std**2) draws."""
    return _random.normal_(tensor, mean, std, generator=generator)
