"""Layers for the thresholding and gated activations: Threshold, Hardshrink, Softshrink,
Tanhshrink, CELU, PReLU, RReLU, GLU, Mish, Softmax2d.

>>> import graphgrad as torch
>>> torch.nn.PReLU(), torch.nn.Hardshrink(), torch.nn.GLU()
(PReLU(num_parameters=1), Hardshrink(0.5), GLU(dim=-1))
"""

from __future__ import annotations

from ..creation import full
from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .activation import _InplaceOption
from .module import Module
from .parameter import Parameter


def _inplace(module: Module) -> str:
    return ", inplace=True" if module.inplace else ""


class Threshold(Module):
    """``F.threshold`` as a layer: ``x`` above ``threshold``, else ``value``.

    Args:
        threshold: the value to compare with.
        value: what replaces the elements not above ``threshold``.
        inplace: write the result into the input.

    >>> torch.nn.Threshold(0.1, 20)(torch.tensor([0.0, 1.0]))
    tensor([20.,  1.])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace(self)}"


class Hardshrink(Module):
    """``F.hardshrink`` as a layer.

    Args:
        lambd: the half-width of the zeroed band.

    >>> torch.nn.Hardshrink()(torch.tensor([0.2, 1.0]))
    tensor([0., 1.])
    """

    _fn = staticmethod(F.hardshrink)

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """``F.softshrink`` as a layer.

    Args:
        lambd: the half-width of the zeroed band.

    >>> torch.nn.Softshrink()(torch.tensor([0.2, 1.0]))
    tensor([0.0000, 0.5000])
    """

    _fn = staticmethod(F.softshrink)


class Tanhshrink(Module):
    """``F.tanhshrink`` as a layer: ``x - tanh(x)``.

    >>> torch.nn.Tanhshrink()(torch.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.tanhshrink(input)


class CELU(Module):
    """``F.celu`` as a layer.

    Args:
        alpha: the scale of the negative part.
        inplace: write the result into the input.

    >>> torch.nn.CELU()(torch.tensor([-1.0, 1.0]))
    tensor([-0.6321,  1.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace(self)}"


class PReLU(Module):
    """``F.prelu`` with a learned slope: one for all channels, or one per channel.

    Args:
        num_parameters: how many slopes (1, or the number of channels).
        init: the slopes' initial value.
        device, dtype: where and of what type the slopes are.

    >>> torch.nn.PReLU()(torch.tensor([-4.0, 1.0]))
    tensor([-1.,  1.], grad_fn=<WhereBackward0>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None,
                 dtype=None) -> None:  # fmt: skip
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(full((num_parameters,), init, dtype=dtype, device=device))

    def reset_parameters(self) -> None:
        """Refill the slopes with ``init``.

        >>> torch.nn.PReLU(init=0.5).weight.data
        tensor([0.5000])
        """
        self.weight.data.fill_(self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """``F.rrelu`` as a layer: random slopes in training, their mean in evaluation.

    Args:
        lower, upper: the range of the slope.
        inplace: write the result into the input.

    >>> torch.nn.RReLU().eval()(torch.tensor([-3.0, 1.0]))
    tensor([-0.6875,  1.0000])
    """

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
                 inplace: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}{_inplace(self)}"


class GLU(Module):
    """``F.glu`` as a layer.

    Args:
        dim: the dimension to halve.

    >>> torch.nn.GLU()(torch.tensor([2.0, 0.0]))
    tensor([1.])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Mish(_InplaceOption):
    """``F.mish`` as a layer: ``x * tanh(softplus(x))``.

    Args:
        inplace: write the result into the input.

    >>> torch.nn.Mish()(torch.tensor([1.0]))
    tensor([0.8651])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.mish(input, self.inplace)


class Softmax2d(Module):
    """Softmax over the channels (dim -3) of ``(N, C, H, W)`` or ``(C, H, W)`` input.

    >>> torch.nn.Softmax2d()(torch.zeros(2, 1, 1))
    tensor([[[0.5000]],
    <BLANKLINE>
            [[0.5000]]])
    """

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead")
        return F.softmax(input, -3, _stacklevel=5)


__all__ = [
    "CELU",
    "GLU",
    "Hardshrink",
    "Mish",
    "PReLU",
    "RReLU",
    "Softmax2d",
    "Softshrink",
    "Tanhshrink",
    "Threshold",
]
