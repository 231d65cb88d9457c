"""Layers for the piecewise and saturating activations: Hardtanh, ReLU6, Hardsigmoid,
Hardswish, LogSigmoid, Softsign.

>>> import graphgrad as torch
>>> torch.nn.Hardtanh(), torch.nn.ReLU6(inplace=True)
(Hardtanh(min_val=-1.0, max_val=1.0), ReLU6(inplace=True))
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .activation import _InplaceOption
from .module import Module


class Hardtanh(Module):
    """``F.hardtanh`` as a layer: clamps to [``min_val``, ``max_val``].

    Args:
        min_val, max_val: the bounds.
        inplace: write the result into the input.

    >>> import graphgrad as torch
    >>> torch.nn.Hardtanh(-2, 2)(torch.tensor([3.0]))
    tensor([2.])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace}"


class ReLU6(_InplaceOption):
    """``F.relu6`` as a layer.

    Args:
        inplace: write the result into the input.

    >>> import graphgrad as torch
    >>> torch.nn.ReLU6()(torch.tensor([7.0]))
    tensor([6.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.relu6(input, self.inplace)


class Hardsigmoid(_InplaceOption):
    """``F.hardsigmoid`` as a layer.

    Args:
        inplace: write the result into the input.

    >>> import graphgrad as torch
    >>> torch.nn.Hardsigmoid()(torch.tensor([0.0]))
    tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.hardsigmoid(input, self.inplace)


class Hardswish(_InplaceOption):
    """``F.hardswish`` as a layer.

    Args:
        inplace: write the result into the input.

    >>> import graphgrad as torch
    >>> torch.nn.Hardswish()(torch.tensor([4.0]))
    tensor([4.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.hardswish(input, self.inplace)


class LogSigmoid(Module):
    """``F.logsigmoid`` as a layer.

    >>> import graphgrad as torch
    >>> torch.nn.LogSigmoid()(torch.tensor([0.0]))
    tensor([-0.6931])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Softsign(Module):
    """``F.softsign`` as a layer.

    >>> import graphgrad as torch
    >>> torch.nn.Softsign()(torch.tensor([1.0]))
    tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)
