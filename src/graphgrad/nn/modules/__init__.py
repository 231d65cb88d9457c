"""``nn.modules``: where PyTorch's module classes live. Its submodules (``linear``, ``rnn``,
``transformer``...) hold the same ``graphgrad.nn`` classes under PyTorch's paths, so that code
naming ``torch.nn.modules.linear.Linear`` runs and a checkpoint PyTorch pickled a module into
finds its classes (``graphgrad.load``); ``module`` has the global module hooks.

>>> import graphgrad as torch
>>> torch.nn.modules.Module is torch.nn.Module
True
>>> torch.nn.modules.rnn.LSTM is torch.nn.LSTM
True
"""

from __future__ import annotations

from ..module import Module
from . import (
    activation,
    adaptive,
    batchnorm,
    channelshuffle,
    container,
    conv,
    distance,
    dropout,
    flatten,
    fold,
    instancenorm,
    linear,
    loss,
    module,
    normalization,
    padding,
    pixelshuffle,
    pooling,
    rnn,
    sparse,
    transformer,
    upsampling,
)

__all__ = [
    "Module",
    "activation",
    "adaptive",
    "batchnorm",
    "channelshuffle",
    "container",
    "conv",
    "distance",
    "dropout",
    "flatten",
    "fold",
    "instancenorm",
    "linear",
    "loss",
    "module",
    "normalization",
    "padding",
    "pixelshuffle",
    "pooling",
    "rnn",
    "sparse",
    "transformer",
    "upsampling",
]
