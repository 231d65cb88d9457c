"""Comparisons and logical ops: no gradient, boolean results.

>>> import graphgrad as torch
>>> torch.tensor([1, 2, 3]) > 1
tensor([False,  True,  True])
"""

from __future__ import annotations

import numpy as np

from ..dtypes import result_type
from ..tensor import Tensor
from .array_step import on_arrays, value_read
from .elementwise import as_operand
from .primitive import check_broadcast, wrap_int


def _array(value):
    return value._data if isinstance(value, Tensor) else value


def _binary_no_grad(fn, input, other, promote: bool = True) -> Tensor:
    a, b = as_operand(input), as_operand(other)
    x, y = _array(a), _array(b)
    if promote:
        dt = result_type(a, b).np
        x = x.astype(dt) if isinstance(x, np.ndarray) and x.dtype != dt else x
        y = y.astype(dt) if isinstance(y, np.ndarray) and y.dtype != dt else y
        if dt.kind in "iu":  # u8 == 256 compares with 0, as PyTorch wraps the scalar
            x, y = (wrap_int(v, dt) if v.__class__ is int else v for v in (x, y))
    try:
        return Tensor._make(on_arrays(fn, x, y))
    except ValueError:
        check_broadcast((a, b))  # PyTorch's error for shapes that do not broadcast
        raise


def eq(input, other) -> Tensor:
    """``input == other``, elementwise and broadcasting, as a bool tensor; no gradient.

    Args:
        input: the tensor (also ``input.eq(other)``).
        other: a tensor or a number.

    >>> torch.eq(torch.tensor([1, 2]), torch.tensor([1, 3]))
    tensor([ True, False])
    """
    return _binary_no_grad(np.equal, input, other)


def ne(input, other) -> Tensor:
    """``input != other``, elementwise and broadcasting, as a bool tensor; no gradient.

    Args:
        input: the tensor (also ``input.ne(other)``).
        other: a tensor or a number.

    >>> torch.ne(torch.tensor([1, 2]), 2)
    tensor([ True, False])
    """
    return _binary_no_grad(np.not_equal, input, other)


def lt(input, other) -> Tensor:
    """``input < other``, elementwise and broadcasting, as a bool tensor; no gradient.

    Args:
        input: the tensor (also ``input.lt(other)``).
        other: a tensor or a number.

    >>> torch.lt(torch.tensor([1, 2]), 2)
    tensor([ True, False])
    """
    return _binary_no_grad(np.less, input, other)


def le(input, other) -> Tensor:
    """``input <= other``, elementwise and broadcasting, as a bool tensor; no gradient.

    Args:
        input: the tensor (also ``input.le(other)``).
        other: a tensor or a number.

    >>> torch.le(torch.tensor([1, 2]), 2)
    tensor([True, True])
    """
    return _binary_no_grad(np.less_equal, input, other)


def gt(input, other) -> Tensor:
    """``input > other``, elementwise and broadcasting, as a bool tensor; no gradient.

    Args:
        input: the tensor (also ``input.gt(other)``).
        other: a tensor or a number.

    >>> torch.gt(torch.tensor([1, 2]), 1)
    tensor([False,  True])
    """
    return _binary_no_grad(np.greater, input, other)


def ge(input, other) -> Tensor:
    """``input >= other``, elementwise and broadcasting, as a bool tensor; no gradient.

    Args:
        input: the tensor (also ``input.ge(other)``).
        other: a tensor or a number.

    >>> torch.ge(torch.tensor([1, 2]), 2)
    tensor([False,  True])
    """
    return _binary_no_grad(np.greater_equal, input, other)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def logical_and(input, other) -> Tensor:
    """Elementwise logical AND of ``input`` and ``other`` (nonzero is True).

    Args:
        input: a tensor of any dtype.
        other: a tensor of any dtype, broadcast against ``input``.

    >>> torch.logical_and(torch.tensor([True, True]), torch.tensor([True, False]))
    tensor([ True, False])
    """
    return _binary_no_grad(np.logical_and, input, other, promote=False)


def logical_or(input, other) -> Tensor:
    """Elementwise logical OR of ``input`` and ``other`` (nonzero is True).

    Args:
        input: a tensor of any dtype.
        other: a tensor of any dtype, broadcast against ``input``.

    >>> torch.logical_or(torch.tensor([0, 1]), torch.tensor([0, 0]))
    tensor([False,  True])
    """
    return _binary_no_grad(np.logical_or, input, other, promote=False)


def logical_xor(input, other) -> Tensor:
    """Elementwise logical XOR of ``input`` and ``other`` (nonzero is True).

    Args:
        input: a tensor of any dtype.
        other: a tensor of any dtype, broadcast against ``input``.

    >>> torch.logical_xor(torch.tensor([True, True]), torch.tensor([True, False]))
    tensor([False,  True])
    """
    return _binary_no_grad(np.logical_xor, input, other, promote=False)


def logical_not(input: Tensor) -> Tensor:
    """Elementwise logical NOT of ``input`` (zero becomes True).

    Args:
        input: a tensor of any dtype.

    >>> torch.logical_not(torch.tensor([0.0, 2.0]))
    tensor([ True, False])
    """
    return Tensor._make(on_arrays(np.logical_not, input._data))


def _bitwise(fn, input, other) -> Tensor:
    a, b = as_operand(input), as_operand(other)
    for v in (a, b):
        if isinstance(v, Tensor) and v.dtype.category > 1:
            raise NotImplementedError(
                f"\"{fn.__name__}_cpu\" not implemented for '{v.dtype.legacy}'"
            )
    return _binary_no_grad(fn, a, b)


def bitwise_and(input, other) -> Tensor:
    """Bitwise AND of integer or bool tensors.

    Args:
        input: an integer or bool tensor.
        other: an integer or bool tensor or number, broadcast against ``input``.

    >>> torch.bitwise_and(torch.tensor([12]), torch.tensor([10]))
    tensor([8])
    """
    return _bitwise(np.bitwise_and, input, other)


def bitwise_or(input, other) -> Tensor:
    """Bitwise OR of integer or bool tensors.

    Args:
        input: an integer or bool tensor.
        other: an integer or bool tensor or number, broadcast against ``input``.

    >>> torch.bitwise_or(torch.tensor([12]), torch.tensor([10]))
    tensor([14])
    """
    return _bitwise(np.bitwise_or, input, other)


def bitwise_xor(input, other) -> Tensor:
    """Bitwise XOR of integer or bool tensors.

    Args:
        input: an integer or bool tensor.
        other: an integer or bool tensor or number, broadcast against ``input``.

    >>> torch.bitwise_xor(torch.tensor([12]), torch.tensor([10]))
    tensor([6])
    """
    return _bitwise(np.bitwise_xor, input, other)


def bitwise_not(input: Tensor) -> Tensor:
    """Bitwise NOT of an integer or bool tensor (``~input``).

    Args:
        input: an integer or bool tensor.

    >>> torch.bitwise_not(torch.tensor([0, 5]))
    tensor([-1, -6])
    """
    if input.dtype.category > 1:
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{input.dtype.legacy}'")
    return Tensor._make(on_arrays(np.invert, input._data))


def invert_operator(input: Tensor) -> Tensor:
    """``~input``: ``bitwise_not``, whose operator form PyTorch refuses for floats with a
    TypeError (the function raises NotImplementedError).

    >>> ~torch.tensor([True, False])
    tensor([False,  True])
    """
    if input.dtype.category > 1:
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
        )
    return bitwise_not(input)


def isnan(input: Tensor) -> Tensor:
    """Where ``input`` is NaN, as a bool tensor.

    Args:
        input: the tensor.

    >>> torch.isnan(torch.tensor([1.0, float("nan")]))
    tensor([False,  True])
    """
    return Tensor._make(on_arrays(np.isnan, input._data))


def isinf(input: Tensor) -> Tensor:
    """Where ``input`` is +inf or -inf, as a bool tensor.

    Args:
        input: the tensor.

    >>> torch.isinf(torch.tensor([1.0, float("inf")]))
    tensor([False,  True])
    """
    return Tensor._make(on_arrays(np.isinf, input._data))


def isfinite(input: Tensor) -> Tensor:
    """Where ``input`` is neither infinite nor NaN, as a bool tensor.

    Args:
        input: the tensor.

    >>> torch.isfinite(torch.tensor([1.0, float("inf"), float("nan")]))
    tensor([ True, False, False])
    """
    return Tensor._make(on_arrays(np.isfinite, input._data))


def isclose(input: Tensor, other: Tensor, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
    """Where ``|input - other| <= atol + rtol * |other|``, as a bool tensor.

    Args:
        input: the tensor.
        other: the tensor to compare with.
        rtol: the relative tolerance.
        atol: the absolute tolerance.
        equal_nan: count two NaNs as close.

    >>> torch.isclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0 + 1e-9, 2.1]))
    tensor([ True, False])
    """
    _check_same_dtype(input, other)
    return Tensor._make(on_arrays(np.isclose, input._data, other._data, rtol, atol, equal_nan))


def _check_same_dtype(input: Tensor, other: Tensor) -> None:
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype.legacy} did not match {other.dtype.legacy}")


def allclose(input: Tensor, other: Tensor, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """Whether every element of ``input`` is close to ``other`` (see ``isclose``), as a bool.

    Args:
        input: the tensor.
        other: the tensor to compare with.
        rtol: the relative tolerance.
        atol: the absolute tolerance.
        equal_nan: count two NaNs as close.

    >>> torch.allclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0 + 1e-9, 2.0]))
    True
    """
    value_read("torch.allclose() (a Python bool of the values)")
    _check_same_dtype(input, other)
    return bool(np.allclose(input._data, other._data, rtol, atol, equal_nan))


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape and values.

    Args:
        input: the tensor.
        other: the tensor to compare with.

    >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
    True
    """
    value_read("torch.equal() (a Python bool of the values)")
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


__all__ = [
    "allclose",
    "bitwise_and",
    "bitwise_not",
    "bitwise_or",
    "bitwise_xor",
    "eq",
    "equal",
    "ge",
    "greater",
    "greater_equal",
    "gt",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "le",
    "less",
    "less_equal",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "lt",
    "ne",
    "not_equal",
]

METHODS = {name: globals()[name] for name in __all__}
