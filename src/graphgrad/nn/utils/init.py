"""``skip_init``: build a module without running its parameter initialisation.

>>> import graphgrad as torch
>>> skip_init(torch.nn.Linear, 2, 3).weight.shape
torch.Size([3, 2])
"""

from __future__ import annotations

import inspect

import numpy as np

from ...random.draws import fork_rng
from ..module import Module


def skip_init(module_cls, *args, **kwargs):
    """Instantiate ``module_cls(*args, **kwargs)`` with uninitialised parameters and buffers.

    PyTorch builds the module on the ``meta`` device and then allocates empty storage, so no
    random numbers are drawn. graphgrad has no ``meta`` device: it builds the module with the
    default generator's state saved and put back (so the random stream is untouched, as in
    PyTorch) and then leaves the values unspecified, as ``torch.empty`` does.

    Args:
        module_cls: a ``Module`` subclass whose constructor takes ``device``.
        args, kwargs: the constructor's arguments.

    >>> m = torch.nn.utils.skip_init(torch.nn.Linear, 5, 1)
    >>> m.weight.shape, m.bias.shape
    (torch.Size([1, 5]), torch.Size([1]))
    """
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    with fork_rng():
        module = module_cls(*args, **kwargs)
    for t in list(module.parameters()) + list(module.buffers()):
        t._data = np.empty_like(t._data)
    return module
