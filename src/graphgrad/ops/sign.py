"""Signs and infinities: signbit, sgn, positive, isposinf, isneginf, isreal.

The tests give bool tensors with no gradient; ``sgn`` and ``positive`` are ``sign`` and the
identity for real tensors, with their gradients.

>>> import graphgrad as torch
>>> torch.signbit(torch.tensor([-0.0, 0.0, -2.0]))
tensor([ True, False,  True])
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .unary import sign


def _bool_of(input: Tensor, test) -> Tensor:
    return Tensor._make(np.asarray(test(input._data), dtype=np.bool_))


def signbit(input: Tensor) -> Tensor:
    """Whether each element's sign bit is set: True for negatives and -0.0 (and -NaN).

    Args:
        input: the tensor (an integer's sign bit is ``x < 0``; a bool's is False).

    >>> import graphgrad as torch
    >>> torch.signbit(torch.tensor([-1, 0, 2]))
    tensor([ True, False, False])
    """
    return _bool_of(input, np.signbit)


def isposinf(input: Tensor) -> Tensor:
    """Whether each element is positive infinity (never, for integers and bools).

    Args:
        input: the tensor.

    >>> import graphgrad as torch
    >>> torch.isposinf(torch.tensor([float("inf"), -float("inf"), 1.0]))
    tensor([ True, False, False])
    """
    return _bool_of(input, lambda a: np.isposinf(a) if a.dtype.kind == "f" else np.zeros_like(a))


def isneginf(input: Tensor) -> Tensor:
    """Whether each element is negative infinity (never, for integers and bools).

    Args:
        input: the tensor.

    >>> import graphgrad as torch
    >>> torch.isneginf(torch.tensor([float("inf"), -float("inf"), 1.0]))
    tensor([False,  True, False])
    """
    return _bool_of(input, lambda a: np.isneginf(a) if a.dtype.kind == "f" else np.zeros_like(a))


def isreal(input: Tensor) -> Tensor:
    """Whether each element is real: its imaginary part is 0 (always, for real dtypes; NaN
    included).

    Args:
        input: the tensor.

    >>> import graphgrad as torch
    >>> torch.isreal(torch.tensor([1.0, float("nan")]))
    tensor([True, True])
    """
    return _bool_of(input, lambda a: np.imag(a) == 0 if a.dtype.kind == "c" else np.ones_like(a))


def sgn(input: Tensor) -> Tensor:
    """The sign, extended to complex numbers as ``x / |x|``; for real tensors ``sign``.

    Args:
        input: a real tensor.

    >>> import graphgrad as torch
    >>> torch.sgn(torch.tensor([-2.0, 0.0, 3.0]))
    tensor([-1.,  0.,  1.])
    """
    if input.dtype.is_complex:
        raise NotImplementedError("sgn of a complex tensor is not supported")
    return sign(input)


def positive(input: Tensor) -> Tensor:
    """``input`` itself (``+input``); PyTorch refuses bool tensors.

    Args:
        input: the tensor.

    >>> import graphgrad as torch
    >>> x = torch.tensor([1.0, -2.0])
    >>> torch.positive(x) is x
    True
    """
    if input.dtype.name == "bool":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


METHODS = {
    name: globals()[name] for name in "signbit isposinf isneginf isreal sgn positive".split()
}
INPLACE = ("sgn",)
__all__ = list(METHODS)
