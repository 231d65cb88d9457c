"""``nn.modules.container``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.container.ModuleDict is torch.nn.ModuleDict
True
"""

from __future__ import annotations

from ..container import ModuleDict, ModuleList, Sequential
from ..container_params import ParameterDict, ParameterList

__all__ = ["ModuleDict", "ModuleList", "ParameterDict", "ParameterList", "Sequential"]
