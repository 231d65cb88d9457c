"""``convert_conv2d_weight_memory_format`` and ``convert_conv3d_weight_memory_format``.

Each convolution weight's data is replaced by a copy with the same values laid out in the
memory format (``None``: row-major); the Parameter objects stay, so optimizers keep them.

>>> import graphgrad as torch
>>> net = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3))
>>> convert_conv2d_weight_memory_format(net, torch.channels_last)[0].weight.stride()
(9, 1, 3, 1)
"""

from __future__ import annotations

from ..._memory_format import copy_in, memory_format
from ..conv import Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d
from ..module import Module


def _convert(module: Module, kinds: tuple, fmt: memory_format | None) -> Module:
    if isinstance(module, kinds):
        weight = module.weight
        weight._data = copy_in(weight._data, fmt)
        weight._bump_version()
    for child in module.children():
        _convert(child, kinds, fmt)
    return module


def convert_conv2d_weight_memory_format(
    module: Module, memory_format: memory_format | None
) -> Module:
    """Give the weight of every ``Conv2d``/``ConvTranspose2d`` in ``module`` (recursively) the
    layout ``memory_format``.
    Returns ``module``.

    Args:
        module: the module.
        memory_format: the layout, ``torch.channels_last`` (``channels_last_3d``) or
            ``torch.contiguous_format``.

    >>> conv = torch.nn.Conv2d(1, 1, 2)
    >>> torch.nn.utils.convert_conv2d_weight_memory_format(conv, None) is conv
    True
    """
    return _convert(module, (Conv2d, ConvTranspose2d), memory_format)


def convert_conv3d_weight_memory_format(
    module: Module, memory_format: memory_format | None
) -> Module:
    """Give the weight of every ``Conv3d``/``ConvTranspose3d`` in ``module`` (recursively) the
    layout ``memory_format``.
    Returns ``module``.

    Args:
        module: the module.
        memory_format: the layout, ``torch.channels_last`` (``channels_last_3d``) or
            ``torch.contiguous_format``.

    >>> conv = torch.nn.Conv3d(1, 1, 2)
    >>> torch.nn.utils.convert_conv3d_weight_memory_format(conv, None) is conv
    True
    """
    return _convert(module, (Conv3d, ConvTranspose3d), memory_format)
