"""SyncBatchNorm: batch normalisation whose statistics span the ranks of a process group.

As in PyTorch on the CPU: where nothing needs synchronising (evaluation, no process group, or
a group of one rank) it is ``BatchNorm``; a training step across several ranks raises
PyTorch's error, since PyTorch synchronises batch statistics only on accelerators.
``convert_sync_batchnorm`` swaps a model's BatchNorm layers for it, sharing their parameters
and buffers.

>>> import graphgrad as torch
>>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
>>> torch.nn.SyncBatchNorm.convert_sync_batchnorm(net)[1]
SyncBatchNorm(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
"""

from __future__ import annotations

from ..distributed._group import get_world_size, is_initialized
from ..tensor import Tensor
from .module import Module
from .norm import _BatchNorm


class SyncBatchNorm(_BatchNorm):
    """Batch normalisation over any ``(N, C, *)`` input, meant to share statistics across the
    ranks of ``process_group``.

    Args:
        num_features, eps, momentum, affine, track_running_stats, device, dtype: as in
            ``BatchNorm1d``.
        process_group: the group whose ranks would share statistics (default: the world).

    >>> import graphgrad as torch
    >>> torch.nn.SyncBatchNorm(2)(torch.tensor([[1.0, 2.0], [3.0, 6.0]]))
    tensor([[-1.0000, -1.0000],
            [ 1.0000,  1.0000]], grad_fn=<NativeBatchNormBackward0>)
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        process_group=None,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)
        self.process_group = process_group

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim < 2:
            raise ValueError(f"expected at least 2D input (got {input.ndim}D input)")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        if input.shape[1] == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")
        if self.training and is_initialized() and get_world_size(self.process_group) > 1:
            raise ValueError(
                "SyncBatchNorm expected input tensor to be on GPU or XPU or privateuseone"
            )
        return super().forward(input)

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group=None) -> Module:
        """``module`` with every BatchNorm layer in it replaced by a ``SyncBatchNorm`` that
        shares its parameters, buffers and training mode.

        Args:
            module: a layer or a model.
            process_group: given to each new ``SyncBatchNorm``.

        >>> import graphgrad as torch
        >>> bn = torch.nn.BatchNorm2d(4)
        >>> sync = torch.nn.SyncBatchNorm.convert_sync_batchnorm(bn)
        >>> type(sync).__name__, sync.weight is bn.weight
        ('SyncBatchNorm', True)
        """
        out = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine,
                      module.track_running_stats, process_group)  # fmt: skip
            for name in ("weight", "bias"):
                if getattr(module, name) is not None:
                    setattr(out, name, getattr(module, name))
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                out._buffers[name] = module._buffers[name]
            out.training = module.training
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out


__all__ = ["SyncBatchNorm"]
