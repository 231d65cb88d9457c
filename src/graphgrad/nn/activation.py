"""Activation layers: ReLU, LeakyReLU, GELU, SiLU, ELU, SELU, Softplus, Tanh, Sigmoid,
Softmax, Softmin, LogSoftmax.

>>> import graphgrad as torch
>>> torch.nn.LeakyReLU(), torch.nn.Softmax(dim=1)
(LeakyReLU(negative_slope=0.01), Softmax(dim=1))
"""

from __future__ import annotations

from collections.abc import Callable

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .module import Module


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
        return F.silu(input)


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
        return F.elu(input, self.alpha)

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
        return F.selu(input)


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
