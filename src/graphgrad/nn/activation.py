"""Activation layers: ReLU, LeakyReLU, GELU, SiLU, ELU, SELU, Softplus, Tanh, Sigmoid,
Softmax, Softmin, LogSoftmax.

>>> import graphgrad as torch
>>> torch.nn.LeakyReLU(), torch.nn.Softmax(dim=1)
(LeakyReLU(negative_slope=0.01), Softmax(dim=1))
"""

from __future__ import annotations

from collections.abc import Callable

from ..creation import full
from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .module import Module
from .parameter import Parameter


class _InplaceOption(Module):
    """A layer whose one option is ``inplace``, shown in its repr when set."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class ReLU(_InplaceOption):
    """``max(x, 0)``, elementwise (see ``graphgrad.relu``).

    Args:
        inplace: overwrite the input instead of making a new tensor.

    >>> torch.nn.ReLU()(torch.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, inplace=self.inplace)


class LeakyReLU(Module):
    """``x`` where positive, else ``negative_slope * x``.

    Args:
        negative_slope: the slope for negative inputs.
        inplace: overwrite the input instead of making a new tensor.

    >>> torch.nn.LeakyReLU(0.1)(torch.tensor([-1.0, 2.0]))
    tensor([-0.1000,  2.0000])
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    """``x * Phi(x)``, Phi the standard normal CDF (see ``nn.functional.gelu``).

    Args:
        approximate: ``"none"`` for the exact form, ``"tanh"`` for the tanh approximation.

    >>> torch.nn.GELU()(torch.tensor([-1.0, 1.0]))
    tensor([-0.1587,  0.8413])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(_InplaceOption):
    """``x * sigmoid(x)`` (swish), elementwise.

    Args:
        inplace: overwrite the input instead of making a new tensor.

    >>> torch.nn.SiLU()(torch.tensor([-1.0, 1.0]))
    tensor([-0.2689,  0.7311])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, self.inplace)


class ELU(Module):
    """``x`` where positive, else ``alpha * (exp(x) - 1)``.

    Args:
        alpha: the scale of the negative part.
        inplace: overwrite the input instead of making a new tensor.

    >>> torch.nn.ELU()(torch.tensor([-1.0, 1.0]))
    tensor([-0.6321,  1.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class SELU(_InplaceOption):
    """ELU with PyTorch's fixed ``alpha`` and ``scale`` (self-normalising).

    Args:
        inplace: overwrite the input instead of making a new tensor.

    >>> torch.nn.SELU()(torch.tensor([-1.0, 1.0]))
    tensor([-1.1113,  1.0507])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.selu(input, self.inplace)


class Softplus(Module):
    """``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold``.

    Args:
        beta: the sharpness.
        threshold: above this (times beta) the input passes through unchanged.

    >>> torch.nn.Softplus()(torch.tensor([-1.0, 1.0]))
    tensor([0.3133, 1.3133])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Tanh(Module):
    """Hyperbolic tangent, elementwise.

    >>> torch.nn.Tanh()(torch.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7616])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class Sigmoid(Module):
    """``1 / (1 + exp(-x))``, elementwise.

    >>> torch.nn.Sigmoid()(torch.tensor([0.0, 1.0]))
    tensor([0.5000, 0.7311])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class _DimModule(Module):
    _fn: Callable[..., Tensor]  # the functional form: each subclass sets it

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_DimModule):
    """``exp(x) / sum(exp(x))`` along ``dim``: each slice becomes probabilities.

    Args:
        dim: the dimension that sums to 1 (give it: ``None`` picks one and warns, as PyTorch).

    >>> torch.nn.Softmax(dim=1)(torch.tensor([[1.0, 2.0, 3.0]]))
    tensor([[0.0900, 0.2447, 0.6652]])
    """

    _fn = staticmethod(F.softmax)


class Softmin(_DimModule):
    """``softmax(-x)`` along ``dim``.

    Args:
        dim: the dimension that sums to 1.

    >>> torch.nn.Softmin(dim=1)(torch.tensor([[1.0, 2.0, 3.0]]))
    tensor([[0.6652, 0.2447, 0.0900]])
    """

    _fn = staticmethod(F.softmin)


class LogSoftmax(_DimModule):
    """``log(softmax(x))`` along ``dim``, computed stably.

    Args:
        dim: the dimension of the softmax.

    >>> torch.nn.LogSoftmax(dim=1)(torch.tensor([[1.0, 2.0, 3.0]]))
    tensor([[-2.4076, -1.4076, -0.4076]])
    """

    _fn = staticmethod(F.log_softmax)


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
    tensor([-1.,  1.], grad_fn=<PreluKernelBackward0>)
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
