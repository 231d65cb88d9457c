"""``nn.DataParallel`` as PyTorch's CPU build has it.

>>> import graphgrad as torch
>>> net = torch.nn.DataParallel(torch.nn.Linear(2, 1))
>>> list(net.state_dict()), net(torch.ones(3, 2)).shape
(['module.weight', 'module.bias'], torch.Size([3, 1]))
"""

from __future__ import annotations

from ..module import Module

__all__ = ["DataParallel"]


class DataParallel(Module):
    """Run ``module`` on the batch. PyTorch splits a batch over its GPUs; with none (its CPU
    build, and graphgrad) it calls the module, which it holds as ``module`` (so its
    ``state_dict`` keys start with ``module.``, as a checkpoint saved from one has them).

    Args:
        module: the module to run.
        device_ids, output_device, dim: accepted, as PyTorch's CPU build accepts them.

    >>> import graphgrad as torch
    >>> torch.nn.DataParallel(torch.nn.Linear(2, 1)).module
    Linear(in_features=2, out_features=1, bias=True)
    """

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0):
        super().__init__()
        self.module = module
        self.device_ids: list = []  # (no GPU to spread the batch over)

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)
