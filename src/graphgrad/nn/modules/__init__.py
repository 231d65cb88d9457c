"""``nn.modules``: where PyTorch's module classes live; here, the ``module`` submodule with the
global module hooks.

>>> import graphgrad as torch
>>> torch.nn.modules.Module is torch.nn.Module
True
"""

from __future__ import annotations

from ..module import Module
from . import module

__all__ = ["Module", "module"]
