"""``convert_conv2d_weight_memory_format`` and ``convert_conv3d_weight_memory_format``.

graphgrad stores every tensor in NumPy's row-major (``contiguous_format``) layout and has no
``channels_last``: these functions do what PyTorch does on the CPU for ``contiguous_format``,
replacing each convolution weight's data by a contiguous copy with the same values (the
Parameter objects stay, so optimizers keep them). The ``memory_format`` argument is accepted and
not otherwise used.

>>> import graphgrad as torch
>>> net = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3))
>>> convert_conv2d_weight_memory_format(net, None)[0].weight.shape
torch.Size([2, 1, 3, 3])
"""

from __future__ import annotations

import numpy as np

from ..conv import Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d
from ..module import Module


def _convert(module: Module, kinds: tuple) -> Module:
    if isinstance(module, kinds):
        weight = module.weight
        weight._data = np.ascontiguousarray(weight._data).copy()
        weight._bump_version()
    for child in module.children():
        _convert(child, kinds)
    return module


def convert_conv2d_weight_memory_format(module: Module, memory_format) -> Module:
    """Give the weight of every ``Conv2d``/``ConvTranspose2d`` in ``module`` (recursively) the
    layout ``memory_format`` (in graphgrad: a contiguous copy, see the module docstring).
    Returns ``module``.

    Args:
        module: the module.
        memory_format: the layout (``torch.contiguous_format`` in PyTorch terms).

    >>> conv = torch.nn.Conv2d(1, 1, 2)
    >>> torch.nn.utils.convert_conv2d_weight_memory_format(conv, None) is conv
    True
    """
    return _convert(module, (Conv2d, ConvTranspose2d))


def convert_conv3d_weight_memory_format(module: Module, memory_format) -> Module:
    """Give the weight of every ``Conv3d``/``ConvTranspose3d`` in ``module`` (recursively) the
    layout ``memory_format`` (in graphgrad: a contiguous copy, see the module docstring).
    Returns ``module``.

    Args:
        module: the module.
        memory_format: the layout (``torch.contiguous_format`` in PyTorch terms).

    >>> conv = torch.nn.Conv3d(1, 1, 2)
    >>> torch.nn.utils.convert_conv3d_weight_memory_format(conv, None) is conv
    True
    """
    return _convert(module, (Conv3d, ConvTranspose3d))
