"""More of PyTorch's pointwise ops: lerp, nan_to_num, ldexp, frexp, mvlgamma, angle, the
identities of real tensors (conj, real...), and the integer ops gcd, lcm and the bit shifts.

Differentiable ones are formulas of graphgrad's ops, so their gradients (of any order) come
from those ops; node names are those of the last op, not PyTorch's (``LerpBackward0``).
The integer ops, ``heaviside`` and ``nextafter`` have no gradient.

>>> import graphgrad as torch
>>> torch.lerp(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 5.0]), 0.25)
tensor([1.5000, 2.7500])
"""

from __future__ import annotations

import math

import numpy as np

from .._argcheck import no_integer_kernel, type_name
from ..dtypes import get_default_dtype, result_type
from ..tensor import Tensor
from .compare import _binary_no_grad, isfinite, isinf, isnan
from .convert import to
from .elementwise import as_operand, mul, pow, where  # noqa: A004
from .inplace_examples import documented
from .return_types import return_type
from .special import lgamma

frexp_type = return_type("frexp", ("mantissa", "exponent"))


def _must_be_tensor(value, fn: str, name: str, position: int) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
            f"{type_name(value)}"
        )


def _c_name(dtype) -> str:
    """The dtype as PyTorch's C++ messages name it: ``float``, ``double``, ``long``."""
    return dtype.legacy.lower()


def lerp(input: Tensor, end: Tensor, weight) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``, elementwise and broadcasting.

    Computed as PyTorch does: from ``end`` backwards where ``weight >= 0.5``, so the ends are
    exact.

    Args:
        input: the start, a floating tensor.
        end: the end, a tensor of ``input``'s dtype.
        weight: a number or a tensor of ``input``'s dtype.

    >>> torch.lerp(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 5.0]), torch.tensor([0.6, 1.0]))
    tensor([2.2000, 5.0000])
    """
    scalar = not isinstance(weight, Tensor)
    if not isinstance(end, Tensor) or (scalar and not isinstance(weight, (int, float, bool))):
        got = ", ".join(type_name(v) if not isinstance(v, Tensor) else "Tensor"
                        for v in (input, end, weight))  # fmt: skip
        raise TypeError(
            f"lerp() received an invalid combination of arguments - got ({got}), but expected "
            "one of:\n * (Tensor input, Tensor end, Tensor weight, *, Tensor out = None)\n"
            " * (Tensor input, Tensor end, Number weight, *, Tensor out = None)\n"
        )
    named = (("end", end),) + (() if scalar else (("weight", weight),))
    for name, value in named:
        if value.dtype is not input.dtype:
            raise RuntimeError(
                f"expected dtype {_c_name(input.dtype)} for `{name}` but got dtype "
                f"{_c_name(value.dtype)}"
            )
    no_integer_kernel("lerp_kernel_scalar" if scalar else "lerp_kernel_tensor", input.dtype)
    diff = end - input
    if scalar:
        return input + weight * diff if abs(weight) < 0.5 else end - diff * (1 - weight)
    return where(weight.abs() < 0.5, input + weight * diff, end - diff * (1 - weight))


def nan_to_num(input: Tensor, nan: float = 0.0, posinf=None, neginf=None) -> Tensor:
    """``input`` with NaN, +inf and -inf replaced by numbers.

    Args:
        input: the tensor.
        nan: the value for NaN (0).
        posinf: the value for +inf (default: the dtype's largest finite value).
        neginf: the value for -inf (default: the dtype's lowest finite value).

    >>> torch.nan_to_num(torch.tensor([float("nan"), float("inf"), -1.0]), posinf=9.0)
    tensor([ 0.,  9., -1.])
    """
    if not input.dtype.is_floating_point:
        return input.clone()
    info = np.finfo(input.dtype.np)
    posinf = float(info.max) if posinf is None else float(posinf)
    neginf = float(info.min) if neginf is None else float(neginf)
    out = where(isnan(input), float(nan), input)
    out = where(isinf(input) & (input > 0), posinf, out)
    return where(isinf(input) & (input < 0), neginf, out)


def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """The Heaviside step: 0 where ``input < 0``, 1 where ``input > 0``, ``values`` where 0.

    Args:
        input: the tensor.
        values: the values at 0, a tensor of ``input``'s dtype, broadcast.

    >>> torch.heaviside(torch.tensor([-1.5, 0.0, 2.0]), torch.tensor(0.5))
    tensor([0.0000, 0.5000, 1.0000])
    """
    _must_be_tensor(values, "heaviside", "values", 2)
    if values.dtype is not input.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")

    def step(x, v):
        return np.where(x == 0, v, (x > 0).astype(x.dtype)).astype(x.dtype)

    return _binary_no_grad(step, input, values)


def ldexp(input: Tensor, other: Tensor) -> Tensor:
    """``input * 2 ** other``, elementwise and broadcasting, in a floating dtype.

    Args:
        input: the tensor.
        other: the exponents, a tensor.

    >>> torch.ldexp(torch.tensor([1.0, -3.0]), torch.tensor([3, -1]))
    tensor([ 8.0000, -1.5000])
    """
    _must_be_tensor(other, "ldexp", "other", 2)
    return mul(input, pow(2.0, other))


def frexp(input: Tensor):
    """Split each element into a mantissa in ``[0.5, 1)`` (by magnitude) and a power of two:
    ``input = mantissa * 2 ** exponent``; the exponent is int32.

    Args:
        input: a floating tensor.

    >>> torch.frexp(torch.tensor([8.0, -0.3]))
    torch.return_types.frexp(
    mantissa=tensor([ 0.5000, -0.6000]),
    exponent=tensor([ 4, -1], dtype=torch.int32))
    """
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    exponent = np.frexp(input._data)[1].astype(np.int32)
    # the mantissa as a division by an exact power of two, so its gradient is grad / 2**e
    scale = Tensor._make(np.ldexp(np.ones((), input.dtype.np), exponent))
    return frexp_type(input / scale, Tensor._make(exponent))


def nextafter(input: Tensor, other: Tensor) -> Tensor:
    """The next floating-point value after ``input`` in the direction of ``other``.

    Args:
        input: a floating tensor.
        other: the direction, a tensor.

    >>> x = torch.tensor([1.0, 2.0])
    >>> torch.nextafter(x, torch.tensor([2.0, 1.0])) - x
    tensor([ 1.1921e-07, -1.1921e-07])
    """
    _must_be_tensor(other, "nextafter", "other", 2)
    no_integer_kernel("nextafter_cpu", result_type(input, other))
    return _binary_no_grad(np.nextafter, input, other)


def mvlgamma(input: Tensor, p: int) -> Tensor:
    """The log of the multivariate gamma function of dimension ``p``:
    ``sum_j lgamma(input - j / 2) + p (p - 1) / 4 log(pi)`` for ``j < p``.

    Args:
        input: the tensor.
        p: the dimension, ``>= 1``.

    >>> torch.mvlgamma(torch.tensor([2.5, 3.0]), 2)
    tensor([0.8570, 1.5502])
    """
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = input if input.dtype.is_floating_point else to(input, get_default_dtype())
    shifts = Tensor._make(-np.arange(p, dtype=x.dtype.np) / 2)
    return lgamma(x.unsqueeze(-1) + shifts).sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


def angle(input: Tensor) -> Tensor:
    """The argument of each element: ``pi`` for negative reals, 0 otherwise (NaN stays NaN).

    Args:
        input: the tensor; integers and bools give the default float dtype.

    >>> torch.angle(torch.tensor([-2.0, 0.0, 3.0]))
    tensor([3.1416, 0.0000, 0.0000])
    """
    x = input if input.dtype.is_floating_point else to(input, get_default_dtype())
    out = where(isnan(x), x.detach(), to(where(x < 0, math.pi, 0.0), x.dtype))
    if x.requires_grad:  # PyTorch's gradient of a real angle is 0: x * 0 carries the graph
        out = out + where(isfinite(x), mul(x, 0.0), 0.0)
    return out


def conj(input: Tensor) -> Tensor:
    """The complex conjugate: ``input`` itself, for graphgrad's real tensors.

    Args:
        input: the tensor.

    >>> x = torch.tensor([1.0])
    >>> torch.conj(x) is x
    True
    """
    return input


def conj_physical(input: Tensor) -> Tensor:
    """The complex conjugate, computed: ``input`` itself, for real tensors.

    Args:
        input: the tensor.

    >>> torch.conj_physical(torch.tensor([1.0, -2.0]))
    tensor([ 1., -2.])
    """
    return input


def resolve_conj(input: Tensor) -> Tensor:
    """``input`` with its conjugate bit applied: ``input`` itself, for real tensors.

    Args:
        input: the tensor.

    >>> torch.resolve_conj(torch.tensor([1.0]))
    tensor([1.])
    """
    return input


def resolve_neg(input: Tensor) -> Tensor:
    """``input`` with its negative bit applied: ``input`` itself (graphgrad has no lazy
    negation).

    Args:
        input: the tensor.

    >>> torch.resolve_neg(torch.tensor([1.0]))
    tensor([1.])
    """
    return input


def real(input: Tensor) -> Tensor:
    """The real part: ``input`` itself, for real tensors.

    Args:
        input: the tensor.

    >>> torch.real(torch.tensor([1.5]))
    tensor([1.5000])
    """
    return input


def _integer_op(fn, kernel: str, input, other) -> Tensor:
    _must_be_tensor(other, kernel, "other", 2)
    dt = result_type(input, other)
    if dt.category > 1:
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for '{dt.legacy}'")
    return _binary_no_grad(fn, input, other)


def gcd(input: Tensor, other: Tensor) -> Tensor:
    """The greatest common divisor, elementwise and broadcasting, of integer tensors (>= 0).

    Args:
        input: an integer tensor.
        other: an integer tensor.

    >>> torch.gcd(torch.tensor([12, -18, 0]), torch.tensor([8, 4, 0]))
    tensor([4, 2, 0])
    """
    return _integer_op(np.gcd, "gcd", input, other)


def lcm(input: Tensor, other: Tensor) -> Tensor:
    """The least common multiple, elementwise and broadcasting, of integer tensors (>= 0).

    Args:
        input: an integer tensor.
        other: an integer tensor.

    >>> torch.lcm(torch.tensor([12, -18, 0]), torch.tensor([8, 4, 5]))
    tensor([24, 36,  0])
    """
    return _integer_op(np.lcm, "lcm", input, other)


def _shift(left: bool):
    """The shift kernel: shifts past the width (or negative ones) give 0, or -1 for a negative
    number shifted right, as PyTorch's."""

    def kernel(x, s):
        # the operands are already in the promoted dtype, but a Python int stays an int
        dt = x.dtype if isinstance(x, np.ndarray) else np.asarray(s).dtype
        x, s = np.asarray(x).astype(dt), np.asarray(s).astype(dt)
        bits = 8 * dt.itemsize
        if dt.kind == "b":
            x, s, dt = x.astype(np.int64), s.astype(np.int64), np.dtype(np.int64)
        valid = (s >= 0) & (s < bits)
        safe = np.where(valid, s, 0).astype(dt)
        with np.errstate(all="ignore"):
            if left:
                return np.where(valid, np.left_shift(x, safe), 0).astype(dt)
            out_of_range = np.where(x < 0, -1, 0) if dt.kind == "i" else 0
            return np.where(valid, np.right_shift(x, safe), out_of_range).astype(dt)

    return kernel


def _shift_op(left: bool, input, other) -> Tensor:
    a, b = as_operand(input), as_operand(other)
    dt = result_type(a, b)
    if dt.category > 1:
        kernel = "lshift_cpu" if left else "rshift_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dt.legacy}'")
    return _binary_no_grad(_shift(left), a, b)


def bitwise_left_shift(input, other) -> Tensor:
    """``input << other``, elementwise and broadcasting, for integer tensors.

    Args:
        input: an integer tensor (or a number, with ``other`` a tensor).
        other: the shift, a tensor or a number; shifts past the width give 0.

    >>> torch.bitwise_left_shift(torch.tensor([1, 2, -3]), 2)
    tensor([  4,   8, -12])
    """
    return _shift_op(True, input, other)


def bitwise_right_shift(input, other) -> Tensor:
    """``input >> other`` (arithmetic), elementwise and broadcasting, for integer tensors.

    Args:
        input: an integer tensor (or a number, with ``other`` a tensor).
        other: the shift, a tensor or a number; shifts past the width give 0 or -1.

    >>> torch.bitwise_right_shift(torch.tensor([16, -16]), torch.tensor([2, 70]))
    tensor([ 4, -1])
    """
    return _shift_op(False, input, other)


def _reflected(fn):
    def method(self: Tensor, other) -> Tensor:
        return fn(as_operand(other), self)

    return method


__all__ = """lerp nan_to_num heaviside ldexp frexp nextafter mvlgamma angle conj conj_physical
    resolve_conj resolve_neg real gcd lcm bitwise_left_shift bitwise_right_shift""".split()

METHODS = {name: globals()[name] for name in __all__ if name != "real"}
METHODS.update(
    {
        "__lshift__": bitwise_left_shift,
        "__rshift__": bitwise_right_shift,
        "__rlshift__": _reflected(bitwise_left_shift),
        "__rrshift__": _reflected(bitwise_right_shift),
    }
)
_FLOATS = "torch.tensor([[0.5, 2.0], [1.0, 0.25]])"
_INTS = "torch.tensor([[1, 2], [3, 4]])"
_INPLACE_EXAMPLES = {
    "lerp": (_FLOATS, "torch.ones(2, 2), 0.3"),
    "nan_to_num": (_FLOATS, ""),
    "heaviside": (_FLOATS, "torch.tensor(0.5)"),
    "ldexp": (_FLOATS, "torch.tensor([1, 2])"),
    "nextafter": (_FLOATS, "torch.zeros(2, 2)"),
    "mvlgamma": ("torch.tensor([[2.5, 3.0]])", "p=2"),
    "conj_physical": (_FLOATS, ""),
    "gcd": (_INTS, "torch.tensor([6, 8])"),
    "lcm": (_INTS, "torch.tensor([6, 8])"),
    "bitwise_left_shift": (_INTS, "1"),
    "bitwise_right_shift": (_INTS, "1"),
}
METHODS.update(
    {
        name + "_": documented(globals()[name], *example)
        for name, example in _INPLACE_EXAMPLES.items()
    }
)
