"""Pointwise functions written as formulas of graphgrad's differentiable ops (no primitives,
but ``logit`` and ``hypot``: their derivatives at 0 and 1, and beside an infinity, are
PyTorch's only from a rule of their own).

Each is the formula PyTorch's CPU kernel evaluates (``logaddexp``: ``max + log1p(exp(-|a -
b|))``), so values agree to rounding, and the gradient (of every order) comes from the ops it
is made of. Where a formula would divide by zero at a point the gradient is defined (``sinc``
at 0), the input there is replaced before the division, so no NaN leaks into the gradient.
Node names are those of the last op (``WhereBackward0``...), not PyTorch's (``SincBackward0``).

>>> import graphgrad as torch
>>> x = torch.tensor([0.0, 0.5], requires_grad=True)
>>> torch.sinc(x)
tensor([1.0000, 0.6366], grad_fn=<WhereBackward0>)
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .._argcheck import type_name
from ..dtypes import get_default_dtype, result_type
from ..tensor import Tensor
from .compare import isinf, isnan, logical_and, logical_or
from .convert import to
from .elementwise import add, as_operand, div, maximum, mul, pow, where  # noqa: A004
from .primitive import DIAGONAL, Primitive, apply, check_broadcast
from .unary import abs, exp, log, log1p, sin, trunc  # noqa: A004

_LN2 = math.log(2.0)


def _quiet(fn):
    """``fn`` without NumPy's floating-point warnings: its formulas meet inf - inf and 0 * inf
    in branches that ``where`` then discards (PyTorch's kernels warn of nothing)."""

    @functools.wraps(fn)
    def quiet(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    return quiet


def _tensor_other(other, fn: str) -> Tensor:
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{fn}(): argument 'other' (position 2) must be Tensor, not {type_name(other)}"
        )
    return other


def _floating_kernel(kernel: str, *operands) -> None:
    """PyTorch's NotImplementedError where its CPU kernel has no integer or bool version."""
    dt = result_type(*operands)
    if not dt.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dt.legacy}'")


def _as_float(input: Tensor) -> Tensor:
    """``input`` itself if floating, else converted to the default dtype (ints -> float32)."""
    return input if input.dtype.is_floating_point else to(input, get_default_dtype())


def _float_result(*operands):
    """The dtype of a float-valued binary op: the promoted dtype, or the default float."""
    dt = result_type(*operands)
    return dt if dt.is_floating_point else get_default_dtype()


@_quiet
def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """``log(exp(input) + exp(other))``, without overflow, elementwise and broadcasting.

    Args:
        input: a floating tensor.
        other: a floating tensor (not a number).

    >>> import graphgrad as torch
    >>> torch.logaddexp(torch.tensor([-100.0, 0.0]), torch.tensor([-100.0, 1000.0]))
    tensor([ -99.3069, 1000.0000])
    """
    other = _tensor_other(other, "logaddexp")
    _floating_kernel("logaddexp_cpu", input, other)
    return _log_add(input, other, exp, 1.0)


@_quiet
def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """``log2(2**input + 2**other)``, without overflow, elementwise and broadcasting.

    Args:
        input: a floating tensor.
        other: a floating tensor (not a number).

    >>> import graphgrad as torch
    >>> torch.logaddexp2(torch.tensor([1.0, 3.0]), torch.tensor([1.0, 0.0]))
    tensor([2.0000, 3.1699])
    """
    other = _tensor_other(other, "logaddexp2")
    _floating_kernel("logaddexp2_cpu", input, other)
    return _log_add(input, other, lambda t: exp(t * _LN2), 1 / _LN2)


def _log_add(a: Tensor, b: Tensor, power, scale: float) -> Tensor:
    # Equal infinities would give inf - inf = NaN in the formula: the answer is the infinity.
    same_inf = logical_and(isinf(a), a == b)
    formula = maximum(a, b) + log1p(power(-abs(a - b))) * scale
    return where(same_inf, a, formula)


def _hypot_forward(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # Scaled by the larger magnitude, so the squares cannot overflow
    scale = np.maximum(np.abs(a), np.abs(b))
    scale = np.where(scale == 0, scale.dtype.type(1), scale)
    x, y = a / scale, b / scale
    with np.errstate(all="ignore"):
        scaled = scale * np.sqrt(x * x + y * y)
    # C's hypot: an infinite side makes the result infinite, even beside a NaN
    return np.where(np.isinf(a) | np.isinf(b), scale.dtype.type(math.inf), scaled)


_hypot = Primitive(
    "hypot",
    "HypotBackward0",
    _hypot_forward,
    self=lambda grad, self, result: grad * self / result,
    other=lambda grad, other, result: grad * other / result,
    dtype="promote",
    jvp=DIAGONAL,
)


def hypot(input: Tensor, other: Tensor) -> Tensor:
    """``sqrt(input**2 + other**2)``, elementwise and broadcasting, without overflow.

    Args:
        input: a floating tensor.
        other: a floating tensor (not a number).

    The gradient is PyTorch's, ``input / hypot`` (0 beside an infinite ``other``).

    >>> import graphgrad as torch
    >>> torch.hypot(torch.tensor([3.0, 1e30]), torch.tensor([4.0, 1e30]))
    tensor([5.0000e+00, 1.4142e+30])
    """
    other = _tensor_other(other, "hypot")
    _floating_kernel("hypot_cpu", input, other)
    return apply(_hypot, input, other)


@_quiet
def xlogy(input, other) -> Tensor:
    """``input * log(other)``, and 0 where ``input`` is 0 (unless ``other`` is NaN).

    Args:
        input: a tensor or a number.
        other: a tensor or a number (not both numbers). Integers give a float result.

    The gradient is PyTorch's, except for ``other`` where ``input`` and ``other`` are both 0:
    0 here, NaN (0 / 0) in PyTorch.

    >>> import graphgrad as torch
    >>> torch.xlogy(torch.tensor([0.0, 2.0, 0.0]), torch.tensor([0.0, 3.0, float("nan")]))
    tensor([0.0000, 2.1972,    nan])
    """
    x, y = as_operand(input), as_operand(other)
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        raise TypeError(
            f"xlogy(): argument 'other' (position 2) must be Tensor, not {type_name(other)}"
        )
    dt = _float_result(x, y)
    x, y = (_full_like_scalar(v, dt) if not isinstance(v, Tensor) else v for v in (x, y))
    y = _as_float(y)
    x_zero = x == 0
    # Where x == 0 the value is 0 (for any y but NaN), yet PyTorch's gradient for x is still
    # log(y) (0 where y <= 0): y is replaced where its log is not finite, and the zero is
    # product - product.detach(), which keeps the product's gradient.
    bad_log = logical_or(y <= 0, isinf(y))
    product = mul(x, log(where(logical_and(x_zero, bad_log), 1.0, y)))
    return where(logical_and(x_zero, ~isnan(y)), product - product.detach(), product)


@_quiet
def xlog1py(input, other) -> Tensor:
    """``input * log1p(other)``, and 0 where ``input`` is 0 (unless ``other`` is NaN);
    ``torch.special.xlog1py``.

    Args:
        input: a tensor or a number.
        other: a tensor or a number (not both numbers). Integers give a float result.

    >>> import graphgrad as torch
    >>> torch.special.xlog1py(torch.tensor([0.0, 2.0]), torch.tensor([-1.0, 1e-10]))
    tensor([0.0000e+00, 2.0000e-10])
    """
    x, y = as_operand(input), as_operand(other)
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        raise TypeError(
            f"xlog1py(): argument 'other' (position 2) must be Tensor, not {type_name(other)}"
        )
    dt = _float_result(x, y)
    x, y = (_full_like_scalar(v, dt) if not isinstance(v, Tensor) else v for v in (x, y))
    y = _as_float(y)
    x_zero = x == 0
    # as xlogy's, with log1p: the zero keeps the product's gradient for x
    bad_log = logical_or(y <= -1, isinf(y))
    product = mul(x, log1p(where(logical_and(x_zero, bad_log), 0.0, y)))
    return where(logical_and(x_zero, ~isnan(y)), product - product.detach(), product)


def _full_like_scalar(value, dtype) -> Tensor:
    return Tensor._make(np.asarray(value, dtype=dtype.np))


def _logit_forward(a: np.ndarray, eps: float | None) -> np.ndarray:
    """``log(z / (1 - z))`` of ``a`` clamped to ``[eps, 1 - eps]`` (NaN outside [0, 1] without)."""
    f = a.dtype.type
    if eps is None:
        z = np.where((a < 0) | (a > 1), f(math.nan), a)
    else:
        z = np.where(a < f(eps), f(eps), np.where(a > f(1 - eps), f(1 - eps), a))
    with np.errstate(all="ignore"):  # 0 and 1 give -inf and inf, as in PyTorch
        return np.log(z / (1 - z))


def _logit_rule(grad, self, eps, xp):
    # grad / (x (1 - x)): inf at 0 and 1, with the sign of grad (at -0.0 too, where x (1 - x)
    # is -0.0: hence abs, which changes nothing inside [0, 1]); outside the clamp PyTorch's
    # gradient is 0 (with eps) or NaN (without)
    slope = grad / xp.abs(self * (1 - self))
    if eps is None:
        return xp.where((self < 0) | (self > 1), math.nan, slope)
    return xp.where((self < eps) | (self > 1 - eps), 0.0, slope)


_logit = Primitive(
    "logit",
    "LogitBackward0",
    _logit_forward,
    self=_logit_rule,
    attrs=("eps", "self"),
    jvp=DIAGONAL,
)


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """The log-odds ``log(z / (1 - z))`` of ``z``: ``input`` clamped to ``[eps, 1 - eps]``.

    Args:
        input: the probabilities (integers give a float result).
        eps: the clamp; None (the default) clamps nothing. Values below ``eps`` become
            ``eps`` first, then values above ``1 - eps`` become ``1 - eps``, as PyTorch does.

    The gradient is PyTorch's: ``1 / (z (1 - z))``, infinite at 0 and 1; 0 outside the clamp,
    NaN outside [0, 1] without one.

    >>> import graphgrad as torch
    >>> torch.logit(torch.tensor([0.25, 0.5, 1.0]), eps=1e-6)
    tensor([-1.0986,  0.0000, 13.8023])
    """
    return apply(_logit, _as_float(input), eps=eps)


@_quiet
def sinc(input: Tensor) -> Tensor:
    """The normalized sinc: ``sin(pi * x) / (pi * x)``, and 1 at 0.

    Args:
        input: the tensor (integers and bools give a float result).

    >>> import graphgrad as torch
    >>> torch.sinc(torch.tensor([0.0, 0.5, 1.5]))
    tensor([ 1.0000,  0.6366, -0.2122])
    """
    x = _as_float(input)
    zero = x == 0
    product = where(zero, 1.0, x * math.pi)  # no 0/0 in the value or the gradient at 0
    return where(zero, 1.0, sin(product) / product)


@_quiet
def deg2rad(input: Tensor) -> Tensor:
    """Degrees to radians: ``input * pi / 180``.

    Args:
        input: the angles in degrees (integers and bools give a float result).

    >>> import graphgrad as torch
    >>> torch.deg2rad(torch.tensor([180.0, -90.0]))
    tensor([ 3.1416, -1.5708])
    """
    return mul(_as_float(input), math.pi / 180.0)


@_quiet
def rad2deg(input: Tensor) -> Tensor:
    """Radians to degrees: ``input * 180 / pi``.

    Args:
        input: the angles in radians (integers and bools give a float result).

    >>> import graphgrad as torch
    >>> torch.rad2deg(torch.tensor([3.141592653589793, -1.0]))
    tensor([180.0000, -57.2958])
    """
    return mul(_as_float(input), 180.0 / math.pi)


@_quiet
def frac(input: Tensor) -> Tensor:
    """The fractional part, with the sign of ``input``: ``input - trunc(input)``.

    Args:
        input: a floating tensor.

    >>> import graphgrad as torch
    >>> torch.frac(torch.tensor([1.25, -2.5, 3.0]))
    tensor([ 0.2500, -0.5000,  0.0000])
    """
    _floating_kernel("frac_cpu", input)
    return input - trunc(input)


@_quiet
def copysign(input: Tensor, other) -> Tensor:
    """``|input|`` with the sign of ``other`` (its sign bit: -0.0 counts as negative).

    Args:
        input: the magnitudes (integers give a float result).
        other: the signs, a tensor or a number. It gets no gradient (PyTorch gives it zeros).

    >>> import graphgrad as torch
    >>> torch.copysign(torch.tensor([1.0, -2.0, 3.0]), torch.tensor([-0.0, 1.0, -1.0]))
    tensor([-1.,  2., -3.])
    """
    other = as_operand(other)
    check_broadcast((input, other))
    magnitude = abs(to(input, _float_result(input, other)))
    signs = other._data if isinstance(other, Tensor) else other
    return where(Tensor._make(np.asarray(np.signbit(signs))), -magnitude, magnitude)


@_quiet
def fmax(input: Tensor, other: Tensor) -> Tensor:
    """The elementwise maximum, where a NaN loses to a number (``maximum`` propagates NaN).

    Args:
        input: the tensor.
        other: a tensor (not a number). On a tie the gradient goes to ``input``.

    >>> import graphgrad as torch
    >>> torch.fmax(torch.tensor([1.0, float("nan"), 5.0]), torch.tensor([2.0, 3.0, float("nan")]))
    tensor([2., 3., 5.])
    """
    other = _tensor_other(other, "fmax")
    return where(logical_or(input >= other, isnan(other)), input, other)


@_quiet
def fmin(input: Tensor, other: Tensor) -> Tensor:
    """The elementwise minimum, where a NaN loses to a number (``minimum`` propagates NaN).

    Args:
        input: the tensor.
        other: a tensor (not a number). On a tie the gradient goes to ``input``.

    >>> import graphgrad as torch
    >>> torch.fmin(torch.tensor([1.0, float("nan"), 5.0]), torch.tensor([2.0, 3.0, float("nan")]))
    tensor([1., 3., 5.])
    """
    other = _tensor_other(other, "fmin")
    return where(logical_or(input <= other, isnan(other)), input, other)


@_quiet
def exp2(input: Tensor) -> Tensor:
    """``2 ** input``, elementwise.

    Args:
        input: the exponents (integers and bools give a float result).

    >>> import graphgrad as torch
    >>> torch.exp2(torch.tensor([0.0, 3.0, -1.0]))
    tensor([1.0000, 8.0000, 0.5000])
    """
    return pow(2.0, _as_float(input))


@_quiet
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1) -> Tensor:
    """``input + value * tensor1 * tensor2``, broadcasting all three.

    Args:
        input: the tensor added to.
        tensor1: the first factor.
        tensor2: the second factor.
        value: the scale (a number; truncated to an integer for an integer result).

    >>> import graphgrad as torch
    >>> torch.addcmul(torch.ones(2), torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]), value=0.5)
    tensor([2.5000, 5.0000])
    """
    check_broadcast((input, tensor1, tensor2))
    dt = result_type(input, tensor1, tensor2)
    if dt.name == "bool":
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    return add(input, mul(_scaled(tensor1, value, dt), tensor2))


@_quiet
def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1) -> Tensor:
    """``input + value * tensor1 / tensor2``, broadcasting all three.

    Args:
        input: the tensor added to.
        tensor1: the numerator.
        tensor2: the denominator (with ``tensor1`` not both integer: PyTorch refuses that).
        value: the scale (a number).

    >>> import graphgrad as torch
    >>> torch.addcdiv(torch.ones(2), torch.tensor([1.0, 2.0]), torch.tensor([4.0, 8.0]), value=2)
    tensor([1.5000, 1.5000])
    """
    check_broadcast((input, tensor1, tensor2))
    if not result_type(tensor1, tensor2).is_floating_point:
        raise RuntimeError(_ADDCDIV_INTEGER)
    dt = result_type(input, tensor1, tensor2)
    return add(input, div(_scaled(tensor1, value, dt), tensor2))


_ADDCDIV_INTEGER = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
    "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
    "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
    "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
    "for all dtypes."
)


def _scaled(tensor: Tensor, value, dtype) -> Tensor:
    """``value * tensor`` as PyTorch's kernels form it: the scale in the result's kind."""
    if not dtype.is_floating_point:
        value = int(value)
    return tensor if value == 1 else mul(to(tensor, dtype), value)


# Tensor methods (see _methods.py), and those PyTorch also has as ``name_``.
METHODS = {
    name: globals()[name]
    for name in """logaddexp logaddexp2 hypot xlogy logit sinc deg2rad rad2deg frac copysign
    fmax fmin exp2 addcmul addcdiv""".split()
}
INPLACE = tuple("hypot xlogy logit sinc deg2rad rad2deg frac copysign exp2 addcmul addcdiv".split())
__all__ = list(METHODS)
