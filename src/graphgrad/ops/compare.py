"""Comparisons and logical ops: no gradient, boolean results.

>>> import graphgrad as torch
>>> torch.tensor([1, 2, 3]) > 1
tensor([False,  True,  True])
"""

from __future__ import annotations

import numpy as np

from ..dtypes import result_type
from ..tensor import Tensor
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
        out = fn(x, y)
    except ValueError:
        check_broadcast((a, b))  # PyTorch's error for shapes that do not broadcast
        raise
    return Tensor._make(out if type(out) is np.ndarray else np.asarray(out))


def eq(input, other) -> Tensor:
    return _binary_no_grad(np.equal, input, other)


def ne(input, other) -> Tensor:
    return _binary_no_grad(np.not_equal, input, other)


def lt(input, other) -> Tensor:
    return _binary_no_grad(np.less, input, other)


def le(input, other) -> Tensor:
    return _binary_no_grad(np.less_equal, input, other)


def gt(input, other) -> Tensor:
    return _binary_no_grad(np.greater, input, other)


def ge(input, other) -> Tensor:
    return _binary_no_grad(np.greater_equal, input, other)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def logical_and(input, other) -> Tensor:
    return _binary_no_grad(np.logical_and, input, other, promote=False)


def logical_or(input, other) -> Tensor:
    return _binary_no_grad(np.logical_or, input, other, promote=False)


def logical_xor(input, other) -> Tensor:
    return _binary_no_grad(np.logical_xor, input, other, promote=False)


def logical_not(input: Tensor) -> Tensor:
    return Tensor._make(np.asarray(np.logical_not(input._data)))


def _bitwise(fn, input, other) -> Tensor:
    a, b = as_operand(input), as_operand(other)
    for v in (a, b):
        if isinstance(v, Tensor) and v.dtype.category > 1:
            raise NotImplementedError(
                f"\"{fn.__name__}_cpu\" not implemented for '{v.dtype.legacy}'"
            )
    return _binary_no_grad(fn, a, b)


def bitwise_and(input, other) -> Tensor:
    return _bitwise(np.bitwise_and, input, other)


def bitwise_or(input, other) -> Tensor:
    return _bitwise(np.bitwise_or, input, other)


def bitwise_xor(input, other) -> Tensor:
    return _bitwise(np.bitwise_xor, input, other)


def bitwise_not(input: Tensor) -> Tensor:
    if input.dtype.category > 1:
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{input.dtype.legacy}'")
    return Tensor._make(np.asarray(np.invert(input._data)))


def isnan(input: Tensor) -> Tensor:
    return Tensor._make(np.asarray(np.isnan(input._data)))


def isinf(input: Tensor) -> Tensor:
    return Tensor._make(np.asarray(np.isinf(input._data)))


def isfinite(input: Tensor) -> Tensor:
    return Tensor._make(np.asarray(np.isfinite(input._data)))


def isclose(input: Tensor, other: Tensor, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
    return Tensor._make(np.asarray(np.isclose(input._data, other._data, rtol, atol, equal_nan)))


def allclose(input: Tensor, other: Tensor, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return bool(np.allclose(input._data, other._data, rtol, atol, equal_nan))


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape and values."""
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
