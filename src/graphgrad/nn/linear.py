"""Linear layers: Linear, Bilinear, Identity, Flatten, Unflatten.

>>> import graphgrad as torch
>>> layer = torch.nn.Linear(3, 2)
>>> layer, layer(torch.ones(4, 3)).grad_fn.name()
(Linear(in_features=3, out_features=2, bias=True), 'AddmmBackward0')
"""

from __future__ import annotations

import math

import numpy as np

from .._device import cpu_only
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from . import init
from .module import Module
from .parameter import Parameter


def empty_parameter(*shape: int, dtype=None) -> Parameter:
    """An uninitialised parameter of ``shape`` in ``dtype`` (default dtype if None)."""
    dt = (dtype or get_default_dtype()).np
    cpu_only(None)  # a non-CPU default device refuses here, as it does in PyTorch's CPU build
    return Parameter(Tensor._make(np.empty(shape, dt)))


def add_weight_and_bias(module: Module, shape: tuple, bias: bool, out: int, dtype=None) -> None:
    """Give ``module`` an uninitialised ``weight`` of ``shape`` and a ``bias`` of ``out`` values
    (or a registered ``None`` bias), as PyTorch's layers declare them."""
    module.weight = empty_parameter(*shape, dtype=dtype)
    if bias:
        module.bias = empty_parameter(out, dtype=dtype)
    else:
        module.register_parameter("bias", None)


def reset_fan_in(weight: Parameter, bias: Parameter | None, empty_draws: bool = True) -> None:
    """PyTorch's default init of Linear and Conv: ``kaiming_uniform_(a=sqrt(5))`` weights and a
    bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)). With ``fan_in == 0`` Linear still draws its
    bias, from U(0, 0) (``empty_draws``), and Conv skips it, as PyTorch does."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is None:
        return
    fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
    if fan_in > 0 or empty_draws:
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        init.uniform_(bias, -bound, bound)


class Identity(Module):
    """Returns its input unchanged (a placeholder); takes and ignores any arguments.

    >>> torch.nn.Identity(54, unused="argument")(torch.tensor([1.0]))
    tensor([1.])
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``y = x W^T + b``: a fully connected layer over the last dimension.

    ``weight`` (``out_features x in_features``) starts as ``kaiming_uniform_(a=sqrt(5))`` and
    ``bias`` uniform in ``±1/sqrt(in_features)``, drawn from the default generator as PyTorch
    draws them, so ``manual_seed`` gives PyTorch's numbers.

    Args:
        in_features: the size of each input's last dimension.
        out_features: the size of each output's last dimension.
        bias: whether to add a learnable bias.
        device: only ``"cpu"`` (or ``None``) is supported.
        dtype: the parameters' dtype (the default dtype when ``None``).

    >>> fc = torch.nn.Linear(3, 2)
    >>> fc(torch.ones(4, 3)).shape
    torch.Size([4, 2])
    >>> fc.weight.shape, fc.bias.shape
    (torch.Size([2, 3]), torch.Size([2]))
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        add_weight_and_bias(self, (out_features, in_features), bias, out_features, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new initial values for ``weight`` and ``bias`` (as the constructor does).

        >>> fc = torch.nn.Linear(2, 2)
        >>> fc.reset_parameters()
        """
        reset_fan_in(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Bilinear(Module):
    """``y_k = x1^T W_k x2 + b_k``: a bilinear form of two inputs per output feature.

    Args:
        in1_features: the size of the first input's last dimension.
        in2_features: the size of the second input's last dimension.
        out_features: the size of the output's last dimension.
        bias: whether to add a learnable bias.
        device, dtype: as in ``Linear``.

    >>> torch.nn.Bilinear(2, 3, 4)(torch.ones(5, 2), torch.ones(5, 3)).shape
    torch.Size([5, 4])
    """

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        shape = (out_features, in1_features, in2_features)
        add_weight_and_bias(self, shape, bias, out_features, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new initial values, uniform in ``±1/sqrt(in1_features)``.

        >>> torch.nn.Bilinear(2, 3, 4).reset_parameters()
        """
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )


class Flatten(Module):
    """Flatten dimensions ``start_dim`` to ``end_dim`` into one (see ``graphgrad.flatten``).

    Args:
        start_dim: the first dimension merged (1 keeps the batch dimension).
        end_dim: the last dimension merged.

    >>> torch.nn.Flatten()(torch.zeros(2, 3, 4)).shape
    torch.Size([2, 12])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size`` (see ``graphgrad.unflatten``).

    Args:
        dim: the dimension to split.
        unflattened_size: the new dimensions' sizes.

    >>> torch.nn.Unflatten(1, (2, 3))(torch.zeros(4, 6)).shape
    torch.Size([4, 2, 3])
    """

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__()
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        dim = self.dim % input.ndim
        shape = tuple(input.shape)
        return input.reshape(shape[:dim] + self.unflattened_size + shape[dim + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
