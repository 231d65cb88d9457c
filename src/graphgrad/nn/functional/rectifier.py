"""More rectifiers and gates: celu, prelu, rrelu, glu, mish, gumbel_softmax and the in-place
forms (relu_, elu_, selu_, celu_, leaky_relu_, hardtanh_, rrelu_); the primitives and their
in-place forms are in ``ops.activation_more`` and ``ops.activation_inplace``.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.glu(torch.tensor([1.0, 2.0, 0.0, 100.0]))
tensor([0.5000, 2.0000])
"""

from __future__ import annotations

from ..._argcheck import no_integer_kernel
from ...ops import activation as _act
from ...ops import activation_inplace as _inplace
from ...ops import activation_more as _more
from ...random import default_generator
from ...tensor import Tensor


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``input`` where positive, else ``alpha * (exp(input / alpha) - 1)``; see ``nn.CELU``.

    Args:
        input: the tensor.
        alpha: the scale of the negative part (not 0).
        inplace: write the result into ``input``.

    >>> F.celu(torch.tensor([-1.0, 1.0]), alpha=2.0)
    tensor([-0.7869,  1.0000])
    """
    return _inplace.celu_(input, alpha) if inplace else _more.celu(input, alpha)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``input`` where positive, else ``weight * input``, one learned slope per channel (dim 1)
    or one for all; see ``nn.PReLU``.

    Args:
        input: the tensor.
        weight: the slopes: one element, or one per channel.

    >>> F.prelu(torch.tensor([-2.0, 3.0]), torch.tensor([0.25]))
    tensor([-0.5000,  3.0000])
    """
    if input.dtype != weight.dtype:
        raise RuntimeError(
            "prelu: Type promoting not supported. Got "
            f"{input.dtype.legacy} and {weight.dtype.legacy}"
        )
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1:
        if weight.numel() != channels:
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter numbers "
                f"= {weight.numel()} and channel size = {channels}."
            )
        if input.ndim >= 2:
            weight = weight.reshape((channels,) + (1,) * (input.ndim - 2))
    elif input.ndim:
        weight = weight.reshape(())
    return _more.prelu_kernel(input, weight)


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """Leaky ReLU with slope ``(lower + upper) / 2`` in evaluation, and a slope drawn
    uniformly from [``lower``, ``upper``] per element in training; see ``nn.RReLU``.

    Args:
        input: the tensor.
        lower, upper: the range of the slope.
        training: draw the slopes (else use their mean).
        inplace: write the result into ``input``.

    >>> F.rrelu(torch.tensor([-3.0, 2.0]))
    tensor([-0.6875,  2.0000])
    """
    # checked before any draw; in evaluation PyTorch's kernel is leaky_relu's, and its error too
    no_integer_kernel("rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu", input.dtype)
    noise = _more.rrelu_noise(input, lower, upper, training, default_generator.uniform_array)
    if inplace:
        return _inplace.rrelu_with_noise_(input, noise, lower, upper, training)
    return _more.rrelu_with_noise(input, noise, lower, upper, training)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False) -> Tensor:  # fmt: skip
    """In-place ``rrelu``.

    Args:
        input, lower, upper, training: as in ``rrelu``.

    >>> x = torch.tensor([-3.0, 2.0])
    >>> F.rrelu_(x) is x
    True
    """
    return rrelu(input, lower, upper, training, inplace=True)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """The gated linear unit: ``a * sigmoid(b)``, ``a`` and ``b`` the halves of ``input``
    along ``dim``; see ``nn.GLU``.

    Args:
        input: the tensor (an even size along ``dim``).
        dim: the dimension to halve.

    >>> F.glu(torch.tensor([[1.0, 2.0, 0.0, 0.0]]), dim=1)
    tensor([[0.5000, 1.0000]])
    """
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    size = input.shape[dim]
    if size % 2:
        wrapped = dim % input.ndim
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {wrapped} is size {size}"
        )
    return _more.glu(input, dim)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * tanh(softplus(input))``; see ``nn.Mish``.

    Args:
        input: the tensor.
        inplace: write the result into ``input``.

    >>> F.mish(torch.tensor([-1.0, 1.0]))
    tensor([-0.3034,  0.8651])
    """
    return _inplace.mish_(input) if inplace else _more.mish(input)


def gumbel_softmax(
    logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1
) -> Tensor:
    """A sample from the Gumbel-softmax distribution: ``softmax((logits + g) / tau)``, ``g``
    Gumbel noise drawn as PyTorch draws it; ``hard`` returns one-hot rows whose gradient is
    the soft sample's (the straight-through estimator).

    Args:
        logits: unnormalised log-probabilities.
        tau: the temperature.
        hard: return one-hot samples.
        eps: unused (kept for PyTorch's signature).
        dim: the dimension of the softmax.

    >>> _ = torch.manual_seed(0)
    >>> F.gumbel_softmax(torch.tensor([0.0, 100.0]), hard=True)
    tensor([0., 1.])
    """
    gumbels = -(logits.detach().new_zeros(logits.shape).exponential_().log())
    y_soft = _act.softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.detach().argmax(dim, keepdim=True)
    y_hard = logits.new_zeros(logits.shape).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def relu_(input: Tensor) -> Tensor:
    """In-place ``relu``.

    Args:
        input: the tensor.

    >>> x = torch.tensor([-1.0, 2.0])
    >>> F.relu_(x) is x, x
    (True, tensor([0., 2.]))
    """
    return input.relu_()


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place ``elu``.

    Args:
        input: the tensor.
        alpha: the scale of the negative part.

    >>> x = torch.tensor([-1.0, 2.0])
    >>> F.elu_(x) is x
    True
    """
    return _inplace.elu_(input, alpha)


def selu_(input: Tensor) -> Tensor:
    """In-place ``selu``.

    Args:
        input: the tensor.

    >>> x = torch.tensor([-1.0, 2.0])
    >>> F.selu_(x) is x
    True
    """
    return _inplace.selu_(input)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place ``celu``.

    Args:
        input: the tensor.
        alpha: the scale of the negative part (not 0).

    >>> x = torch.tensor([-1.0, 2.0])
    >>> F.celu_(x, 2.0) is x, x
    (True, tensor([-0.7869,  2.0000]))
    """
    return _inplace.celu_(input, alpha)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """In-place ``leaky_relu``.

    Args:
        input: the tensor.
        negative_slope: the slope for negative inputs.

    >>> x = torch.tensor([-1.0, 2.0])
    >>> F.leaky_relu_(x, 0.5) is x, x
    (True, tensor([-0.5000,  2.0000]))
    """
    return _inplace.leaky_relu_(input, negative_slope)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """In-place ``hardtanh``.

    Args:
        input: the tensor.
        min_val, max_val: the bounds.

    >>> x = torch.tensor([-3.0, 0.5])
    >>> F.hardtanh_(x) is x, x
    (True, tensor([-1.0000,  0.5000]))
    """
    return _inplace.hardtanh_(input, min_val, max_val)


__all__ = [
    "celu",
    "celu_",
    "selu_",
    "elu_",
    "glu",
    "gumbel_softmax",
    "hardtanh_",
    "leaky_relu_",
    "mish",
    "prelu",
    "relu_",
    "rrelu",
    "rrelu_",
]
