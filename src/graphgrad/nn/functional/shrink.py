"""Thresholding activations: threshold, hardshrink, softshrink (primitives of
``ops.activation_more``, with PyTorch's node names), tanhshrink.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.softshrink(torch.tensor([-1.0, 0.2, 2.0]))
tensor([-0.5000,  0.0000,  1.5000])
"""

from __future__ import annotations

import numpy as np

from ...ops import activation_inplace as _inplace
from ...ops import activation_more as _more
from ...ops.unary import tanh
from ...tensor import Tensor


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``input`` where it is greater than ``threshold``, else ``value``; see ``nn.Threshold``.

    Args:
        input: the tensor.
        threshold: the value to compare with.
        value: what replaces the elements not above ``threshold``.
        inplace: write the result into ``input``.

    >>> F.threshold(torch.tensor([-1.0, 0.5, 2.0]), 0.5, 20.0)
    tensor([20., 20.,  2.])
    """
    if inplace:
        return _inplace.threshold_(input, threshold, value)
    return _more.threshold(input, threshold, value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """In-place ``threshold``.

    Args:
        input, threshold, value: as in ``threshold``.

    >>> x = torch.tensor([-1.0, 2.0])
    >>> F.threshold_(x, 0.0, 5.0) is x, x
    (True, tensor([5., 2.]))
    """
    return _inplace.threshold_(input, threshold, value)


def _check_lambd(input: Tensor, lambd: float) -> None:
    """PyTorch's range check: ``lambd`` in [0, the dtype's largest finite value]."""
    dtype = input._data.dtype
    top = float(np.finfo(dtype).max) if dtype.kind == "f" else float("inf")
    if not 0 <= lambd <= top:
        raise RuntimeError(
            f"lambda must be in range [0, {top:g}] for input dtype {input.dtype.legacy}, "
            f"but found {lambd:g}"
        )


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``input`` where ``|input| > lambd``, else 0; see ``nn.Hardshrink``.

    Args:
        input: the tensor.
        lambd: the half-width of the zeroed band.

    >>> F.hardshrink(torch.tensor([-1.0, 0.2, 2.0]))
    tensor([-1.,  0.,  2.])
    """
    return _more.hardshrink(input, lambd)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``input - lambd`` above ``lambd``, ``input + lambd`` below ``-lambd``, else 0; see
    ``nn.Softshrink``.

    Args:
        input: the tensor.
        lambd: the half-width of the zeroed band (non-negative).

    >>> F.softshrink(torch.tensor([-1.0, 2.0]), 0.25)
    tensor([-0.7500,  1.7500])
    """
    _check_lambd(input, lambd)
    return _more.softshrink(input, lambd)


def tanhshrink(input: Tensor) -> Tensor:
    """``input - tanh(input)``; see ``nn.Tanhshrink``.

    Args:
        input: the tensor.

    >>> F.tanhshrink(torch.tensor([0.0, 1.0]))
    tensor([0.0000, 0.2384])
    """
    return input - tanh(input)


__all__ = ["hardshrink", "softshrink", "tanhshrink", "threshold", "threshold_"]
