"""Elementwise binary primitives: arithmetic, powers, maximum/minimum/where, and their rules.

The unary math (exp, log, tanh, relu, clamp...) is in ``ops/unary.py``.

>>> import graphgrad as torch
>>> x = torch.tensor([1.0, 4.0], requires_grad=True)
>>> (x * x + 2 / x).sum().backward()
>>> x.grad
tensor([0.0000, 7.8750])
"""

from __future__ import annotations

import operator

import numpy as np

from .._argcheck import type_name
from ..dtypes import _FLOAT, get_default_dtype, result_type
from ..tensor import Tensor
from .array_step import array_step
from .broadcast import broadcast_shapes
from .primitive import DIAGONAL, Primitive, apply, wrap_int

_SCALARS = (int, float, bool, complex)
_NUMBERS = (int, float)


def quiet(fn):
    """Run a NumPy forward without floating-point warnings: PyTorch returns inf/nan silently.

    Only ops that routinely meet poles (division, logs, roots, powers) pay for ``errstate``.
    """

    def forward(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    forward.__name__ = getattr(fn, "__name__", "forward")
    return forward


def _not_bool(a: np.ndarray, kernel: str, other=None) -> None:
    """PyTorch has no bool version of its CPU kernel ``kernel`` (the operands' promoted dtype
    is bool): its NotImplementedError, where NumPy would compute something. PyTorch checks
    that the operands broadcast (``other``, for a binary kernel) before it looks for one."""
    if a.dtype.kind == "b":
        if other is not None:
            broadcast_shapes(a.shape, np.shape(other))
        raise NotImplementedError(f'"{kernel}" not implemented for ' + "'Bool'")


def no_bool(forward, kernel: str):
    """``forward`` refusing a bool array as PyTorch's ``kernel`` does."""

    def checked(a: np.ndarray, *args, **kwargs):
        _not_bool(a, kernel)
        return forward(a, *args, **kwargs)

    return checked


def as_operand(value):
    """A Tensor or a Python scalar: NumPy scalars become Python scalars, arrays become tensors
    (in the native byte order). Anything else (None, a string, a list, a Fraction) is a
    TypeError, which the operators turn into NotImplemented, as PyTorch's do."""
    if isinstance(value, Tensor) or type(value) in _SCALARS:
        return value
    if isinstance(value, np.bool_):  # PyTorch reads a NumPy bool as a float (its __float__)
        return float(value)
    if isinstance(value, np.generic) and value.dtype.kind in "biufc":
        return value.item()
    if isinstance(value, (bool, int, float, complex)):  # subclasses
        return value
    if isinstance(value, np.ndarray):
        from ..creation import tensor

        return tensor(
            value if value.dtype.isnative else value.astype(value.dtype.newbyteorder("="))
        )
    raise TypeError(f"argument 'other' must be Tensor, not {type_name(value)}")


# -- binary arithmetic ------------------------------------------------------------------------
_add = Primitive(
    "add",
    "AddBackward0",
    lambda a, b, alpha: a + b if alpha == 1 else a + alpha * b,
    self=lambda grad: grad,
    other=lambda grad, alpha: grad if alpha == 1 else grad * alpha,
    dtype="promote",
    attrs=("alpha",),
    jvp=DIAGONAL,
    scalar_arrays=True,
)
_sub = Primitive(
    "sub",
    "SubBackward0",
    lambda a, b, alpha: a - b if alpha == 1 else a - alpha * b,
    self=lambda grad: grad,
    other=lambda grad, alpha: -grad if alpha == 1 else grad * -alpha,
    dtype="promote",
    attrs=("alpha",),
    jvp=DIAGONAL,
    scalar_arrays=True,
)
_rsub = Primitive(
    "rsub",
    "RsubBackward1",
    lambda a, other, alpha: other - a if alpha == 1 else other - alpha * a,
    self=lambda grad, alpha: -grad if alpha == 1 else grad * -alpha,
    dtype=lambda arrays, args: _prepare_rsub(arrays, args),
    attrs=("alpha",),
    jvp=DIAGONAL,
)
_mul = Primitive(
    "mul",
    "MulBackward0",
    np.multiply,
    self=lambda grad, other: grad * other,
    other=lambda grad, self: grad * self,
    dtype="promote",
    jvp=DIAGONAL,
    scalar_arrays=True,
)
_div = Primitive(
    "div",
    "DivBackward0",
    quiet(np.true_divide),
    self=lambda grad, other: grad / other,
    other=lambda grad, self, other: -grad * ((self / other) / other),  # PyTorch's order
    dtype="float",
    jvp=DIAGONAL,
    scalar_arrays=True,
)


def _prepare_rsub(arrays: list, args: tuple) -> list:
    dt = result_type(args[0], args[1] if len(args) > 1 else 0)
    a = arrays[0]
    return [a.astype(dt.np) if a.dtype != dt.np else a]


# Operands that need no conversion: the common case of every operator, checked in one step.
_PLAIN_OPERANDS = frozenset((Tensor, float, int))


def add(input, other, *, alpha=1) -> Tensor:
    """``input + alpha * other``, elementwise and broadcasting.

    Args:
        input: a tensor (or number).
        other: a tensor or number.
        alpha: the multiplier of ``other``.

    >>> torch.add(torch.tensor([1.0, 2.0]), torch.tensor([10.0, 20.0]), alpha=2)
    tensor([21., 42.])
    """
    if input.__class__ is not Tensor or other.__class__ not in _PLAIN_OPERANDS:
        input, other = as_operand(input), as_operand(other)
    if alpha != 1:
        alpha = _checked_alpha(input, other, alpha)
    return apply(_add, input, other, alpha=alpha)


def _checked_alpha(input, other, alpha):
    """``alpha`` as PyTorch takes it: a float is refused for integer operands, and for bool
    ones it counts as a bool."""
    dt = result_type(as_operand(input), as_operand(other))
    if dt.category < _FLOAT:
        if isinstance(alpha, float):
            raise RuntimeError(
                "For integral input tensors, argument alpha must not be a floating point number."
            )
        if dt.name == "bool":
            return bool(alpha)
    return alpha


def _is_bool(value) -> bool:
    if isinstance(value, Tensor):
        return value.dtype.name == "bool"
    return isinstance(value, bool)  # not np.bool_: PyTorch reads that as a float


def check_bool_sub(input, other) -> None:
    """PyTorch's errors for ``-`` with a bool operand, tensor or Python bool (NumPy's would be a
    TypeError, or a silent 0/1)."""
    a_bool, b_bool = _is_bool(input), _is_bool(other)
    if not (a_bool or b_bool):
        return
    if a_bool and b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    raise RuntimeError(
        "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
        "trying to invert a mask, use the `~` or `logical_not()` operator instead."
    )


def sub(input, other, *, alpha=1) -> Tensor:
    """``input - alpha * other``, elementwise and broadcasting (``subtract`` is the same).

    Args:
        input: a tensor (or number).
        other: a tensor or number.
        alpha: the multiplier of ``other``.

    >>> torch.sub(torch.tensor([1.0, 2.0]), 1.0, alpha=2)
    tensor([-1.,  0.])
    """
    check_bool_sub(input, other)
    if alpha != 1:
        alpha = _checked_alpha(input, other, alpha)
    if not isinstance(input, Tensor) and isinstance(other, Tensor):
        return rsub(other, input, alpha=alpha)
    return apply(_sub, as_operand(input), as_operand(other), alpha=alpha)


def rsub(input: Tensor, other, *, alpha=1) -> Tensor:
    """``other - alpha * input`` (what ``3 - x`` computes).

    Args:
        input: the tensor subtracted.
        other: a tensor or number subtracted from.
        alpha: the multiplier of ``input``.

    >>> torch.rsub(torch.tensor([1.0, 2.0]), 3.0)
    tensor([2., 1.])
    """
    check_bool_sub(input, other)
    other = as_operand(other)
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    if input.dtype.category < _FLOAT and isinstance(other, float):
        input = input.to(get_default_dtype())
    elif other.__class__ is int and input.dtype.category < _FLOAT and input.dtype.name != "bool":
        other = wrap_int(other, input.dtype.np)  # -2 - uint8 wraps, as PyTorch's does
    return apply(_rsub, input, other=other, alpha=alpha)


def mul(input, other) -> Tensor:
    """Elementwise product of ``input`` and ``other``, broadcasting (``multiply`` is the same).

    Args:
        input: a tensor (or number).
        other: a tensor or number.

    >>> torch.mul(torch.tensor([1.0, 2.0]), torch.tensor([[1.0], [3.0]]))
    tensor([[1., 2.],
            [3., 6.]])
    """
    if input.__class__ is not Tensor or other.__class__ not in _PLAIN_OPERANDS:
        input, other = as_operand(input), as_operand(other)
    return apply(_mul, input, other)


def div(input, other, *, rounding_mode: str | None = None) -> Tensor:
    """``input / other``, elementwise and broadcasting (``divide``, ``true_divide``).

    Args:
        input: a tensor (or number), the dividend.
        other: a tensor or number, the divisor.
        rounding_mode: ``None`` for true division; ``"floor"`` rounds the quotient down and
            ``"trunc"`` toward zero (these have no gradient).

    >>> torch.div(torch.tensor([7.0, -7.0]), 2.0)
    tensor([ 3.5000, -3.5000])
    >>> torch.div(torch.tensor([7.0, -7.0]), 2.0, rounding_mode="floor")
    tensor([ 3., -4.])
    """
    if rounding_mode is None:
        if not isinstance(input, Tensor):
            return as_operand(other).reciprocal() * input  # PyTorch's graph for 2 / x
        return apply(_div, input, as_operand(other))
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode == "trunc":
        if result_type(as_operand(input), as_operand(other)).category < _FLOAT:
            return _trunc_divide_integers(input, other)
        return div(input, other).trunc()
    raise RuntimeError(
        "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
        f"'{rounding_mode}'"
    )


true_divide = divide = div
multiply = mul
subtract = sub


def zeros_like_grad(grad, xp):
    """PyTorch's ``zeros_like(grad)`` rule (floor, sign, fill_, x**0...): +0.0 whatever the
    signs in ``grad`` (``grad * 0`` would leave -0.0 where grad < 0)."""
    return xp.zeros_like(grad)


# -- powers -----------------------------------------------------------------------------------
def _pow_scalar_rule(grad, self, exponent, xp):
    # PyTorch's pow_backward: grad * (exponent * self.pow(exponent - 1))
    if exponent == 0:
        return xp.zeros_like(grad)
    return grad * (exponent * xp.pow(self, exponent=exponent - 1))


def _pow_exponent_rule(grad, self, exponent, result, xp):
    # PyTorch's convention: no gradient where the base is 0 and the exponent is non-negative
    # (the factor is zeroed before the product with grad, so zeros keep its sign)
    return grad * xp.where((self == 0) & (exponent >= 0), 0.0, result * xp.log(self))


def _pow_tensor_self_rule(grad, self, exponent, xp):
    # PyTorch's convention: no gradient where the exponent is 0 (0**0 would give 0 * inf = nan)
    # grad * (exponent * self ** (exponent - 1)), PyTorch's order: grad * exponent first can
    # underflow to 0 and give 0 * inf = nan where PyTorch's product is inf
    return xp.where(exponent == 0, 0.0, grad * (exponent * self ** (exponent - 1)))


def _pow_scalar_base_rule(grad, self, exponent, result, xp):
    log_base = _log(self)
    if self != 0:
        return grad * result * log_base
    # as _pow_exponent_rule: a zero base gives no gradient for a non-negative exponent
    return grad * xp.where(exponent >= 0, 0.0, result * log_base)


def _log(number) -> float:
    """The log of a Python number as a Python float (which NumPy treats as weak, as PyTorch
    treats a scalar: a NumPy float64 would promote a float32 array)."""
    with np.errstate(all="ignore"):
        return float(np.log(number))


def power_array(a: np.ndarray, exponent) -> np.ndarray:
    """``a ** exponent`` as PyTorch's CPU kernel computes it for a float tensor: products and
    reciprocals for the exponents it special-cases (``x**3`` is ``x * x * x``, which differs
    from ``pow`` in the last bit for a third of float32 inputs), ``pow`` otherwise."""
    if a.dtype.kind == "f":
        if exponent == 3:
            return a * a * a
        if exponent == -2:
            return 1 / (a * a)
        if exponent == -0.5:
            return 1 / np.sqrt(a)
    return np.power(a, exponent)


_quiet_power = quiet(power_array)


def _pow_forward(a: np.ndarray, exponent) -> np.ndarray:
    # x**2 is the common case: square() is exact, quick and cannot warn.
    if a.dtype.kind == "b":  # a bool tensor to a bool power stays bool (NumPy gives int8)
        return np.power(a, exponent).astype(bool)
    return np.square(a) if exponent == 2 else _quiet_power(a, exponent)


_pow0 = Primitive(
    "pow",
    "PowBackward0",
    lambda a, exponent: _pow_forward(a, exponent),
    self=_pow_scalar_rule,
    attrs=("exponent", "self"),
    jvp=DIAGONAL,
)


def _power_tensors(a: np.ndarray, e: np.ndarray) -> np.ndarray:
    """``a ** e`` elementwise; an integer to a negative integer power is what PyTorch's kernel
    gives (1 for a base of 1, ±1 for -1, else 0) where NumPy raises. ``a`` may be a number."""
    if np.result_type(a, e).kind not in "iu" or not np.any(e < 0):
        return np.power(a, e)
    negative = e < 0
    r = np.power(a, np.where(negative, 0, e))
    reciprocal = np.where(a == 1, 1, np.where(a == -1, np.where(e % 2 == 0, 1, -1), 0))
    return np.where(negative, reciprocal, r).astype(r.dtype, copy=False)


def _power_tensor_arrays(a: np.ndarray, e: np.ndarray) -> np.ndarray:
    """``_power_tensors`` of two arrays; for two bools PyTorch checks the shapes broadcast
    before it finds it has no bool kernel."""
    _not_bool(a, "pow", e)
    return _power_tensors(a, e)


_pow1 = Primitive(
    "pow_tensor",
    "PowBackward1",
    quiet(_power_tensor_arrays),
    self=_pow_tensor_self_rule,
    exponent=_pow_exponent_rule,
    dtype="promote",
    jvp=DIAGONAL,
)


def _power_scalar_base(base, e: np.ndarray) -> np.ndarray:
    """``base ** e`` for a number ``base``, as ``_power_tensors``; PyTorch has no kernel for
    a bool to a bool power."""
    if isinstance(base, bool):
        _not_bool(e, "pow")
    return _power_tensors(base, e)


_pow2 = Primitive(
    "pow_scalar_base",
    "PowBackward2",
    quiet(lambda e, self: _power_scalar_base(self, e)),
    exponent=_pow_scalar_base_rule,
    attrs=("exponent", "result", "self"),
    dtype=lambda arrays, args: _pow2_prepare(arrays, args),
    jvp=DIAGONAL,
)


def _pow2_prepare(arrays: list, args: tuple) -> list:
    dt = result_type(args[0], 1.0 if isinstance(args[0], float) else args[0])
    e = arrays[0]
    return [e.astype(dt.np) if e.dtype != dt.np else e]


def pow(input, exponent) -> Tensor:  # noqa: A001 - PyTorch's name
    """``input ** exponent``, elementwise, with a tensor or number base and exponent.

    Args:
        input: the base, a tensor or a number.
        exponent: the exponent, a tensor or a number.

    >>> torch.pow(torch.tensor([1.0, 2.0, 3.0]), 2)
    tensor([1., 4., 9.])
    >>> torch.pow(2.0, torch.tensor([1.0, 2.0]))
    tensor([2., 4.])
    """
    if exponent.__class__ in _NUMBERS and isinstance(input, Tensor):
        if input.dtype.category == _FLOAT:  # the common case: a float tensor keeps its dtype
            return apply(_pow0, input, exponent=exponent)
    exponent = as_operand(exponent)
    if not isinstance(input, Tensor):
        input = as_operand(input)  # a NumPy scalar base as the Python number (as ``**``)
        exponent_t = exponent
        if isinstance(input, float) and exponent_t.dtype.category < _FLOAT:
            exponent_t = exponent_t.to(get_default_dtype())
        elif (
            input.__class__ is int
            and exponent_t.dtype.category < _FLOAT
            and exponent_t.dtype.name != "bool"
        ):
            input = wrap_int(input, exponent_t.dtype.np)  # -2 ** uint8 wraps, as PyTorch's
        return apply(_pow2, exponent_t, self=input)
    if isinstance(exponent, Tensor):
        return apply(_pow1, input, exponent)
    dt = result_type(input, exponent)
    if dt.category < _FLOAT and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if dt.category < _FLOAT and isinstance(exponent, int):
        _check_int_exponent(exponent, dt.np)
    if dt is not input.dtype:
        input = input.to(dt)
    return apply(_pow0, input, exponent=exponent)


_C_INT_NAMES = {"int32": "int", "int64": "long"}


def _check_int_exponent(exponent: int, target: np.dtype) -> None:
    """PyTorch converts an integer exponent to the tensor's integer type without wrapping."""
    if target.kind == "b" or wrap_int(exponent, target) == exponent:
        return
    c_name = _C_INT_NAMES.get(target.name, target.name + "_t")
    raise RuntimeError(f"value cannot be converted to type {c_name} without overflow")


def square(input: Tensor) -> Tensor:
    """``input ** 2``, elementwise.

    Args:
        input: the tensor.

    >>> torch.square(torch.tensor([1.0, -3.0]))
    tensor([1., 9.])
    """
    return pow(input, 2)


def float_power(input, exponent) -> Tensor:
    """``input ** exponent`` computed in float64.

    Args:
        input: the base, a tensor or a number.
        exponent: the exponent, a tensor or a number.

    >>> torch.float_power(torch.tensor([2, 3]), 2)
    tensor([4., 9.], dtype=torch.float64)
    """
    from ..dtypes import float64

    base = input.to(float64) if isinstance(input, Tensor) else input
    exp = exponent.to(float64) if isinstance(exponent, Tensor) else exponent
    return pow(base, exp)


# -- binary comparisons of values with gradients ----------------------------------------------
def _ties(grad, a, b, loses, xp):
    """maximum/minimum's rule for ``a``: the gradient unless ``a`` ``loses(a, b)``, half of it
    at ties; where either side is NaN (the result), all of it, as in PyTorch."""
    return xp.where(a == b, grad / 2, xp.where(loses(a, b), 0.0, grad))


_maximum = Primitive(
    "maximum",
    "MaximumBackward0",
    np.maximum,
    self=lambda grad, self, other, xp: _ties(grad, self, other, operator.lt, xp),
    other=lambda grad, self, other, xp: _ties(grad, other, self, operator.lt, xp),
    dtype="promote",
    jvp=DIAGONAL,
)
_minimum = Primitive(
    "minimum",
    "MinimumBackward0",
    np.minimum,
    self=lambda grad, self, other, xp: _ties(grad, self, other, operator.gt, xp),
    other=lambda grad, self, other, xp: _ties(grad, other, self, operator.gt, xp),
    dtype="promote",
    jvp=DIAGONAL,
)


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """The elementwise maximum of ``input`` and ``other``; a tie splits the gradient evenly.

    Args:
        input: the tensor.
        other: the tensor compared with it (broadcast).

    >>> torch.maximum(torch.tensor([1.0, 5.0]), torch.tensor([3.0, 2.0]))
    tensor([3., 5.])
    """
    return apply(_maximum, input, _tensor_other(other, "maximum"))


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """The elementwise minimum of ``input`` and ``other``; a tie splits the gradient evenly.

    Args:
        input: the tensor.
        other: the tensor compared with it (broadcast).

    >>> torch.minimum(torch.tensor([1.0, 5.0]), torch.tensor([3.0, 2.0]))
    tensor([1., 2.])
    """
    return apply(_minimum, input, _tensor_other(other, "minimum"))


def _tensor_other(other, fn: str) -> Tensor:
    """``other`` where PyTorch takes only a tensor (a number is its TypeError, not a scalar)."""
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{fn}(): argument 'other' (position 2) must be Tensor, not {type_name(other)}"
        )
    return other


def _where_forward(a, b, condition):
    return np.where(condition._data, a, b)


def _where_prepare(arrays: list, args: tuple) -> list:
    dt = result_type(*args)
    return [
        np.asarray(_in_range(a, dt.np), dt.np)
        if not isinstance(a, np.ndarray) or a.dtype != dt.np
        else a
        for a in arrays
    ]


def _in_range(value, target: np.dtype):
    """A Python int operand wrapped into an integer dtype's range, as PyTorch does."""
    return wrap_int(value, target) if value.__class__ is int and target.kind in "iu" else value


_where = Primitive(
    "where",
    "WhereBackward0",
    _where_forward,
    self=lambda grad, condition, xp: xp.where(xp.asarray(condition), grad, 0.0),
    other=lambda grad, condition, xp: xp.where(xp.asarray(condition), 0.0, grad),
    attrs=("condition",),
    dtype=_where_prepare,
    jvp=DIAGONAL,
)


def where(condition: Tensor, input=None, other=None):
    """``input`` where ``condition`` holds, else ``other``, broadcasting all three.

    With only ``condition``, the indices of its nonzero elements, one tensor per dimension.

    Args:
        condition: a bool tensor (other dtypes: nonzero is True).
        input: the values taken where ``condition`` is True (a tensor or number).
        other: the values taken elsewhere (a tensor or number).

    >>> torch.where(torch.tensor([True, False]), torch.tensor([1.0, 2.0]), 0.0)
    tensor([1., 0.])
    >>> torch.where(torch.tensor([0, 3, 0, 5]))
    (tensor([1, 3]),)
    """
    if input is None and other is None:
        return tuple(Tensor._make(i) for i in np.nonzero(condition._data))
    condition = as_operand(condition)
    if condition.dtype.name != "bool":
        if condition.dtype.name != "uint8":  # PyTorch still takes a uint8 mask
            raise RuntimeError(
                "where expected condition to be a boolean tensor, but got a tensor with dtype "
                f"{condition.dtype.legacy}"
            )
        condition = condition != 0
    input, other = as_operand(input), as_operand(other)
    if condition.shape != np.shape(input) or condition.shape != np.shape(other):
        # PyTorch's message: the shapes broadcast in the order condition, input, other
        broadcast_shapes(broadcast_shapes(condition.shape, np.shape(input)), np.shape(other))
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        dt = result_type(input, other)
        input, other = _in_range(input, dt.np), _in_range(other, dt.np)
        return Tensor._make(_where_numbers(condition._data, input, other, dt.np))
    return apply(_where, input, other, condition=condition)


@array_step
def _where_numbers(condition: np.ndarray, input, other, dtype) -> np.ndarray:
    """``where`` between two numbers, as ``dtype`` (no gradient): a step of a compiled call."""
    return np.where(condition, input, other).astype(dtype)


def floor_divide(input, other) -> Tensor:
    """``input / other`` rounded down; integer for integer inputs (no gradient).

    Args:
        input: the dividend, a tensor or number.
        other: the divisor, a tensor or number.

    >>> torch.floor_divide(torch.tensor([7, -7]), 2)
    tensor([ 3, -4])
    """
    a, b = as_operand(input), as_operand(other)
    dt = result_type(a, b)
    x = a._data if isinstance(a, Tensor) else a
    y = b._data if isinstance(b, Tensor) else b
    if dt.category < _FLOAT and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")
    if dt.category >= _FLOAT:  # in the result's dtype, as PyTorch (1e-310 is 0 in float32)
        x, y = np.asarray(x, dt.np), np.asarray(y, dt.np)
    with np.errstate(all="ignore"):  # x // 0 is inf or nan, silently as in PyTorch
        out = np.floor_divide(x, y)
    return Tensor._make(np.asarray(out).astype(dt.np, copy=False))


def _trunc_divide_integers(input, other) -> Tensor:
    """Integer ``input / other`` rounded toward zero, in the integer dtype (no gradient)."""
    a, b = as_operand(input), as_operand(other)
    dt = result_type(a, b)
    x = np.asarray(a._data if isinstance(a, Tensor) else a, dt.np)
    y = np.asarray(b._data if isinstance(b, Tensor) else b, dt.np)
    if np.any(y == 0):
        raise RuntimeError("ZeroDivisionError")
    q = np.floor_divide(x, y)
    q = q + ((q * y != x) & ((x < 0) != (y < 0))).astype(dt.np)  # floor, moved toward zero
    return Tensor._make(np.asarray(q).astype(dt.np, copy=False))


def _integer_divisor_check(a: np.ndarray, b) -> None:
    """PyTorch's error for an integer division by zero that is computed (none for an empty
    result)."""
    b = np.asarray(b)
    if a.dtype.kind in "iub" and np.any(b == 0) and np.broadcast(a, b).size:
        raise RuntimeError("ZeroDivisionError")


def _fmod_array(a: np.ndarray, b) -> np.ndarray:
    """C's fmod, the sign of the dividend; ``fmod(x, ±inf)`` is ``x``."""
    _not_bool(a, "fmod_cpu", b)
    _integer_divisor_check(a, b)
    with np.errstate(all="ignore"):
        return np.fmod(a, b)


def _remainder_array(a: np.ndarray, b) -> np.ndarray:
    """The sign of the divisor, from fmod as PyTorch's kernel computes it: a nonzero fmod of
    the other sign moves by one divisor; a zero keeps the dividend's sign (NumPy's remainder
    gives the divisor's), and ``remainder(-2, inf)`` is ``inf``."""
    _not_bool(a, "remainder_cpu", b)
    _integer_divisor_check(a, b)
    if a.dtype.kind in "iub":
        return np.remainder(a, b)
    with np.errstate(all="ignore"):
        mod = np.fmod(a, b)
        moves = (mod != 0) & ((np.asarray(b) < 0) != (mod < 0))
        return np.where(moves, mod + b, mod).astype(mod.dtype, copy=False)


def _modulus_primitives(name: str, node: str, forward, quotient):
    """``name`` by a scalar (``<node>0``) and by a tensor (``<node>1``): the gradient is 1 for
    the dividend and minus the rounded quotient for the divisor."""
    by_scalar = Primitive(
        name,
        f"{node}0",
        lambda a, other: forward(a, other),
        self=lambda grad: grad,
        jvp=DIAGONAL,
    )
    by_tensor = Primitive(
        f"{name}_tensor",
        f"{node}1",
        forward,
        self=lambda grad: grad,
        other=lambda grad, self, other, xp: -grad * quotient(self, other, xp),
        dtype="promote",
        jvp=DIAGONAL,
    )
    return by_scalar, by_tensor


_fmod0, _fmod1 = _modulus_primitives(
    "fmod", "FmodBackward", _fmod_array, lambda a, b, xp: xp.trunc(a / b)
)
_remainder0, _remainder1 = _modulus_primitives(
    "remainder", "RemainderBackward", _remainder_array, lambda a, b, xp: xp.floor_divide(a, b)
)


def _modulus(by_scalar: Primitive, by_tensor: Primitive, input, other) -> Tensor:
    a, b = as_operand(input), as_operand(other)
    if not isinstance(a, Tensor):  # 5 % t
        a = tensor_from(a)
    if isinstance(b, Tensor):
        return apply(by_tensor, a, b)
    dt = result_type(a, b)
    return apply(by_scalar, a if dt is a.dtype else a.to(dt), other=_in_range(b, dt.np))


def remainder(input, other) -> Tensor:
    """Python's modulus: the remainder of ``input / other`` with the sign of ``other``.

    Args:
        input: the dividend, a tensor or number.
        other: the divisor, a tensor or number.

    >>> torch.remainder(torch.tensor([-3.0, 3.0]), 2.0)
    tensor([1., 1.])
    """
    return _modulus(_remainder0, _remainder1, input, other)


def tensor_from(value) -> Tensor:
    return Tensor._make(np.asarray(value))


def fmod(input: Tensor, other) -> Tensor:
    """C's modulus: the remainder of ``input / other`` with the sign of ``input``.

    Args:
        input: the dividend.
        other: the divisor, a tensor or number.

    >>> torch.fmod(torch.tensor([-3.0, 3.0]), 2.0)
    tensor([-1.,  1.])
    >>> torch.fmod(torch.tensor([-3.0, 3.0]), float("inf"))
    tensor([-3.,  3.])
    """
    return _modulus(_fmod0, _fmod1, input, other)


# Tensor methods (see _methods.py) and the ones that also get a generated in-place ``name_``.
METHODS = {
    name: globals()[name]
    for name in """add sub mul div pow maximum minimum square floor_divide remainder fmod
    float_power multiply divide true_divide subtract rsub""".split()
}
INPLACE = ("add", "sub", "mul", "div", "pow", "square", "remainder", "floor_divide", "fmod")
__all__ = [*METHODS, "where"]
