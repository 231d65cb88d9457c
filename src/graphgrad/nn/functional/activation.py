"""The piecewise and saturating activations: hardtanh, relu6, hardsigmoid, hardswish,
logsigmoid (primitives of ``ops.activation_more``, with PyTorch's node names), softsign.

Gradients are PyTorch's: zero outside the linear part of ``hardtanh`` (and at its ends),
``logsigmoid`` stable for large ``|x|``.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.relu6(torch.tensor([-1.0, 3.0, 7.0]))
tensor([0., 3., 6.])
"""

from __future__ import annotations

from ...ops import activation_inplace as _inplace
from ...ops import activation_more as _more
from ...ops.unary import abs as _abs
from ...tensor import Tensor


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:  # fmt: skip
    """``input`` clamped to [``min_val``, ``max_val``]; gradient 1 strictly inside, else 0.

    Args:
        input: the tensor.
        min_val, max_val: the bounds.
        inplace: write the result into ``input``.

    >>> import graphgrad as torch
    >>> import graphgrad.nn.functional as F
    >>> F.hardtanh(torch.tensor([-2.0, 0.5, 2.0]))
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if inplace:
        return _inplace.hardtanh_(input, min_val, max_val)
    return _more.hardtanh(input, min_val, max_val)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(input, 0), 6)`` (F.relu6).

    Args:
        input: the tensor.
        inplace: write the result into ``input``.

    >>> import graphgrad as torch
    >>> import graphgrad.nn.functional as F
    >>> F.relu6(torch.tensor([8.0]))
    tensor([6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(input + 3) / 6``: 0 below -3, 1 above 3 (F.hardsigmoid).

    Args:
        input: the tensor.
        inplace: write the result into ``input``.

    >>> import graphgrad as torch
    >>> import graphgrad.nn.functional as F
    >>> F.hardsigmoid(torch.tensor([-4.0, 0.0, 1.5]))
    tensor([0.0000, 0.5000, 0.7500])
    """
    return _inplace.hardsigmoid_(input) if inplace else _more.hardsigmoid(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * relu6(input + 3) / 6`` (F.hardswish).

    Args:
        input: the tensor.
        inplace: write the result into ``input``.

    >>> import graphgrad as torch
    >>> import graphgrad.nn.functional as F
    >>> F.hardswish(torch.tensor([-4.0, 1.0, 4.0]))
    tensor([-0.0000, 0.6667, 4.0000])
    """
    return _inplace.hardswish_(input) if inplace else _more.hardswish(input)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(input))``, computed as ``min(x, 0) - log1p(exp(-|x|))`` (F.logsigmoid).

    >>> import graphgrad as torch
    >>> import graphgrad.nn.functional as F
    >>> F.logsigmoid(torch.tensor([0.0, -100.0]))
    tensor([  -0.6931, -100.0000])
    """
    return _more.logsigmoid(input)


def softsign(input: Tensor) -> Tensor:
    """``input / (1 + |input|)`` (F.softsign).

    >>> import graphgrad as torch
    >>> import graphgrad.nn.functional as F
    >>> F.softsign(torch.tensor([1.0, -3.0]))
    tensor([ 0.5000, -0.7500])
    """
    return input / (1 + _abs(input))


__all__ = ["hardsigmoid", "hardswish", "hardtanh", "logsigmoid", "relu6", "softsign"]
