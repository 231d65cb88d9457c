"""Elementwise primitives: arithmetic, powers, unary math, and their backward rules.

>>> import graphgrad as torch
>>> x = torch.tensor([1.0, 4.0], requires_grad=True)
>>> torch.sqrt(x).sum().backward()
>>> x.grad
tensor([0.5000, 0.2500])
"""

from __future__ import annotations

import numbers
import operator

import numpy as np

from ..autograd.grad_mode import _state as _grad_state
from ..dtypes import _FLOAT, get_default_dtype, result_type
from ..tensor import Tensor
from .primitive import DIAGONAL, Primitive, apply

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


def as_operand(value):
    """A Tensor or a Python scalar: NumPy scalars become Python scalars, arrays become tensors."""
    if isinstance(value, Tensor) or type(value) in _SCALARS:
        return value
    if isinstance(value, (np.generic, numbers.Number)):
        return value.item() if isinstance(value, np.generic) else value
    from ..creation import tensor

    return tensor(value)


# -- binary arithmetic ------------------------------------------------------------------------
_add = Primitive(
    "add",
    "AddBackward0",
    lambda a, b, alpha: a + b if alpha == 1 else a + alpha * b,
    (lambda g, s: g, lambda g, s: g if s["alpha"] == 1 else g * s["alpha"]),
    inputs=("self", "other"),
    dtype="promote",
    attrs=("alpha",),
    jvp=DIAGONAL,
    scalar_arrays=True,
)
_sub = Primitive(
    "sub",
    "SubBackward0",
    lambda a, b, alpha: a - b if alpha == 1 else a - alpha * b,
    (lambda g, s: g, lambda g, s: -g if s["alpha"] == 1 else g * -s["alpha"]),
    inputs=("self", "other"),
    dtype="promote",
    attrs=("alpha",),
    jvp=DIAGONAL,
    scalar_arrays=True,
)
_rsub = Primitive(
    "rsub",
    "RsubBackward1",
    lambda a, other, alpha: other - a if alpha == 1 else other - alpha * a,
    (lambda g, s: -g if s["alpha"] == 1 else g * -s["alpha"],),
    dtype=lambda arrays, args: _prepare_rsub(arrays, args),
    attrs=("alpha",),
    jvp=DIAGONAL,
)
_mul = Primitive(
    "mul",
    "MulBackward0",
    np.multiply,
    (lambda g, s: g * s["other"], lambda g, s: g * s["self"]),
    inputs=("self", "other"),
    saves={"other": (0,), "self": (1,)},
    dtype="promote",
    jvp=DIAGONAL,
    scalar_arrays=True,
)
_div = Primitive(
    "div",
    "DivBackward0",
    quiet(np.true_divide),
    (
        lambda g, s: g / s["other"],
        lambda g, s: -g * s["self"] / (s["other"] * s["other"]),
    ),
    inputs=("self", "other"),
    saves={"other": (0, 1), "self": (1,)},
    dtype="float",
    jvp=DIAGONAL,
    scalar_arrays=True,
)


def _prepare_rsub(arrays: list, args: tuple) -> list:
    dt = result_type(args[0], args[1] if len(args) > 1 else 0)
    a = arrays[0]
    return [a.astype(dt.np) if a.dtype != dt.np else a]


def add(input, other, *, alpha=1) -> Tensor:
    """``input + alpha * other``, broadcasting (torch.add)."""
    return apply(_add, as_operand(input), as_operand(other), alpha=alpha)


def sub(input, other, *, alpha=1) -> Tensor:
    """``input - alpha * other`` (torch.sub)."""
    if not isinstance(input, Tensor) and isinstance(other, Tensor):
        return rsub(other, input, alpha=alpha)
    return apply(_sub, as_operand(input), as_operand(other), alpha=alpha)


def rsub(input: Tensor, other, *, alpha=1) -> Tensor:
    """``other - alpha * input`` (what ``3 - x`` calls)."""
    other = as_operand(other)
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    if input.dtype.category < _FLOAT and isinstance(other, float):
        input = input.to(get_default_dtype())
    return apply(_rsub, input, other=other, alpha=alpha)


def mul(input, other) -> Tensor:
    """Elementwise product, broadcasting (torch.mul)."""
    return apply(_mul, as_operand(input), as_operand(other))


def div(input, other, *, rounding_mode: str | None = None) -> Tensor:
    """True division (torch.div); ``rounding_mode='floor'|'trunc'`` rounds (no gradient)."""
    if rounding_mode is None:
        if not isinstance(input, Tensor):
            return reciprocal(other) * input
        return apply(_div, input, as_operand(other))
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode == "trunc":
        q = div(input, other)
        return q.trunc() if q.dtype.category >= _FLOAT else q
    raise RuntimeError(
        "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
        f"'{rounding_mode}'"
    )


true_divide = divide = div
multiply = mul
subtract = sub


# -- powers -----------------------------------------------------------------------------------
def _pow_scalar_rule(g: Tensor, s: dict) -> Tensor:
    e = s["exponent"]
    if e == 0:
        return g * 0
    # PyTorch's pow_backward, grad * (exponent * self.pow(exponent - 1)); a first-order backward
    # of x**2 (no graph to record) skips self.pow(1), which is self exactly.
    base = s["self"] if e == 2 and not _grad_state.enabled else s["self"] ** (e - 1)
    return g * (e * base)


def _pow_base_rule(g: Tensor, s: dict) -> Tensor:
    base, exp = s["self"], s["exponent"]
    # PyTorch's convention: no gradient where the base is 0 and the exponent is non-negative.
    grad = g * s["result"] * log(base)
    if isinstance(base, Tensor):
        return where((base == 0) & (exp >= 0), 0.0, grad)
    return grad


_quiet_power = quiet(np.power)


def _pow_forward(a: np.ndarray, exponent) -> np.ndarray:
    # x**2 is the common case: square() is exact, quick and cannot warn.
    return np.square(a) if exponent == 2 else _quiet_power(a, exponent)


_pow0 = Primitive(
    "pow",
    "PowBackward0",
    lambda a, exponent: _pow_forward(a, exponent),
    (_pow_scalar_rule,),
    saves={"self": (0,)},
    attrs=("exponent", "self"),
    dtype=lambda arrs, args: arrs,
    jvp=DIAGONAL,
)
_pow1 = Primitive(
    "pow_tensor",
    "PowBackward1",
    quiet(np.power),
    (
        lambda g, s: g * s["exponent"] * s["self"] ** (s["exponent"] - 1),
        lambda g, s: _pow_base_rule(g, s),
    ),
    inputs=("self", "exponent"),
    dtype="promote",
    saves={"self": (0, 1), "exponent": (0, 1), "result": (1,)},
    jvp=DIAGONAL,
)
_pow2 = Primitive(
    "pow_scalar_base",
    "PowBackward2",
    quiet(lambda e, self: np.power(self, e)),
    (lambda g, s: g * s["result"] * np.log(s["self"]),),
    inputs=("exponent",),
    saves={"result": (0,)},
    attrs=("exponent", "result", "self"),
    dtype=lambda arrays, args: _pow2_prepare(arrays, args),
    jvp=DIAGONAL,
)


def _pow2_prepare(arrays: list, args: tuple) -> list:
    dt = result_type(args[0], 1.0 if isinstance(args[0], float) else args[0])
    e = arrays[0]
    return [e.astype(dt.np) if e.dtype != dt.np else e]


def pow(input, exponent) -> Tensor:  # noqa: A001 - PyTorch's name
    """``input ** exponent`` for tensor or scalar base and exponent (torch.pow)."""
    if exponent.__class__ in _NUMBERS and isinstance(input, Tensor):
        if input.dtype.category == _FLOAT:  # the common case: a float tensor keeps its dtype
            return apply(_pow0, input, exponent=exponent)
    exponent = as_operand(exponent)
    if not isinstance(input, Tensor):
        exponent_t = exponent
        if isinstance(input, float) and exponent_t.dtype.category < _FLOAT:
            exponent_t = exponent_t.to(get_default_dtype())
        return apply(_pow2, exponent_t, self=input)
    if isinstance(exponent, Tensor):
        return apply(_pow1, input, exponent)
    dt = result_type(input, exponent)
    if dt.category < _FLOAT and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if dt is not input.dtype:
        input = input.to(dt)
    return apply(_pow0, input, exponent=exponent)


def square(input: Tensor) -> Tensor:
    return pow(input, 2)


def float_power(input, exponent) -> Tensor:
    from ..dtypes import float64

    base = input.to(float64) if isinstance(input, Tensor) else input
    exp = exponent.to(float64) if isinstance(exponent, Tensor) else exponent
    return pow(base, exp)


# -- binary comparisons of values with gradients ----------------------------------------------
def _tie_rule(pick: int, wins):
    """maximum/minimum: the chosen side (where ``wins(a, b)``) gets the gradient, ties split it
    in half."""

    def rule(g: Tensor, s: dict) -> Tensor:
        a, b = (s["self"], s["other"]) if pick == 0 else (s["other"], s["self"])
        return where(a == b, g / 2, where(wins(a, b), g, 0.0))

    return rule


_maximum = Primitive(
    "maximum",
    "MaximumBackward0",
    np.maximum,
    (_tie_rule(0, operator.gt), _tie_rule(1, operator.gt)),
    inputs=("self", "other"),
    saves={"self": (0, 1), "other": (0, 1)},
    dtype="promote",
    jvp=DIAGONAL,
)
_minimum = Primitive(
    "minimum",
    "MinimumBackward0",
    np.minimum,
    (_tie_rule(0, operator.lt), _tie_rule(1, operator.lt)),
    inputs=("self", "other"),
    saves={"self": (0, 1), "other": (0, 1)},
    dtype="promote",
    jvp=DIAGONAL,
)


def maximum(input: Tensor, other: Tensor) -> Tensor:
    return apply(_maximum, input, as_operand(other))


def minimum(input: Tensor, other: Tensor) -> Tensor:
    return apply(_minimum, input, as_operand(other))


def _where_forward(a, b, condition):
    return np.where(condition._data, a, b)


def _where_prepare(arrays: list, args: tuple) -> list:
    dt = result_type(*args)
    return [
        np.asarray(a, dt.np) if not isinstance(a, np.ndarray) or a.dtype != dt.np else a
        for a in arrays
    ]


_where = Primitive(
    "where",
    "WhereBackward0",
    _where_forward,
    (lambda g, s: where(s["condition"], g, 0.0), lambda g, s: where(s["condition"], 0.0, g)),
    inputs=("self", "other"),
    attrs=("condition",),
    dtype=_where_prepare,
    jvp=DIAGONAL,
)


def where(condition: Tensor, input=None, other=None):
    """``input`` where ``condition`` holds, else ``other`` (torch.where)."""
    if input is None and other is None:
        return tuple(Tensor._make(i) for i in np.nonzero(condition._data))
    condition = as_operand(condition)
    if condition.dtype.name != "bool":
        condition = condition != 0
    input, other = as_operand(input), as_operand(other)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        dt = result_type(input, other)
        return Tensor._make(np.where(condition._data, input, other).astype(dt.np))
    return apply(_where, input, other, condition=condition)


# -- unary math -------------------------------------------------------------------------------
def _unary(name: str, node: str, forward, rule, saves: str | None, dtype: str = "float"):
    return Primitive(
        name,
        node,
        forward,
        (rule,),
        saves={saves: (0,)} if saves else None,
        dtype=dtype,
        jvp=DIAGONAL,  # elementwise: the Jacobian is diagonal, so the rule serves both modes
    )


def _zero_rule(g: Tensor, s: dict) -> Tensor:
    return g * 0


_neg = _unary("neg", "NegBackward0", np.negative, lambda g, s: -g, None, "same")
_abs = _unary("abs", "AbsBackward0", np.abs, lambda g, s: g * sign(s["self"]), "self", "same")
_reciprocal = _unary(
    "reciprocal",
    "ReciprocalBackward0",
    quiet(np.reciprocal),
    lambda g, s: -g * s["result"] * s["result"],
    "result",
)
_exp = _unary("exp", "ExpBackward0", quiet(np.exp), lambda g, s: g * s["result"], "result")
_log = _unary("log", "LogBackward0", quiet(np.log), lambda g, s: g / s["self"], "self")
_log2 = _unary(
    "log2",
    "Log2Backward0",
    quiet(np.log2),
    lambda g, s: g / (s["self"] * 0.6931471805599453),
    "self",
)
_log10 = _unary(
    "log10",
    "Log10Backward0",
    quiet(np.log10),
    lambda g, s: g / (s["self"] * 2.302585092994046),
    "self",
)
_log1p = _unary(
    "log1p", "Log1PBackward0", quiet(np.log1p), lambda g, s: g / (s["self"] + 1), "self"
)
_expm1 = _unary(
    "expm1", "Expm1Backward0", quiet(np.expm1), lambda g, s: g * (s["result"] + 1), "result"
)
_sqrt = _unary(
    "sqrt", "SqrtBackward0", quiet(np.sqrt), lambda g, s: g / (2 * s["result"]), "result"
)
_rsqrt = _unary(
    "rsqrt",
    "RsqrtBackward0",
    quiet(lambda a: 1 / np.sqrt(a)),
    lambda g, s: -0.5 * g * s["result"] ** 3,
    "result",
)
_sin = _unary("sin", "SinBackward0", np.sin, lambda g, s: g * cos(s["self"]), "self")
_cos = _unary("cos", "CosBackward0", np.cos, lambda g, s: -g * sin(s["self"]), "self")
_tan = _unary(
    "tan", "TanBackward0", np.tan, lambda g, s: g * (1 + s["result"] * s["result"]), "result"
)
_tanh = _unary(
    "tanh", "TanhBackward0", np.tanh, lambda g, s: tanh_backward(g, s["result"]), "result"
)
_sigmoid = _unary(
    "sigmoid",
    "SigmoidBackward0",
    lambda a: _sigmoid_array(a),
    lambda g, s: sigmoid_backward(g, s["result"]),
    "result",
)
_relu = _unary(
    "relu",
    "ReluBackward0",
    lambda a: np.maximum(a, 0, dtype=a.dtype),
    lambda g, s: threshold_backward(g, s["result"], 0),
    "result",
    "same",
)
_sign = _unary("sign", "SignBackward0", np.sign, _zero_rule, None, "same")
_floor = _unary("floor", "FloorBackward0", np.floor, _zero_rule, None, "same")
_ceil = _unary("ceil", "CeilBackward0", np.ceil, _zero_rule, None, "same")
_round = _unary("round", "RoundBackward0", np.round, _zero_rule, None, "same")
_trunc = _unary("trunc", "TruncBackward0", np.trunc, _zero_rule, None, "same")


# -- the backward ops of tanh, sigmoid and relu -----------------------------------------------
# NOTE: primitives, as in PyTorch, rather than ``g * (1 - y * y)`` in three ops: a first-order
# backward makes one op call instead of three (it is the hot path of every network), and a
# second-order graph has PyTorch's nodes (TanhBackwardBackward0...). Arithmetic in PyTorch's
# order, so the bits agree too.
_tanh_backward = Primitive(
    "tanh_backward",
    "TanhBackwardBackward0",
    lambda g, y: g * (1 - y * y),
    (
        lambda g, s: tanh_backward(g, s["output"]),
        lambda g, s: g * (-2 * s["output"] * s["grad_output"]),
    ),
    inputs=("grad_output", "output"),
    saves={"grad_output": (1,), "output": (0, 1)},
    dtype="promote",
    jvp=DIAGONAL,
)
_sigmoid_backward = Primitive(
    "sigmoid_backward",
    "SigmoidBackwardBackward0",
    lambda g, y: g * (1 - y) * y,
    (
        lambda g, s: sigmoid_backward(g, s["output"]),
        lambda g, s: g * s["grad_output"] * (-2 * s["output"] + 1),
    ),
    inputs=("grad_output", "output"),
    saves={"grad_output": (1,), "output": (0, 1)},
    dtype="promote",
    jvp=DIAGONAL,
)
_UINT_OF_SIZE = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _threshold_backward_forward(g: np.ndarray, x: np.ndarray, threshold) -> np.ndarray:
    """``g`` where ``x > threshold`` (and where x is NaN), else +0.0 (spec 3.26), as PyTorch's
    ``x <= threshold ? 0 : g``. On the bits, ``g & mask``: exact, and several times quicker than
    ``np.where``, whose branches mispredict on a ReLU's random pattern."""
    uint = _UINT_OF_SIZE.get(g.dtype.itemsize) if g.dtype.kind == "f" else None
    if uint is None:
        return np.where(x <= threshold, g.dtype.type(0), g)
    keep = np.asarray(x <= threshold).view(np.uint8).astype(uint)
    keep -= uint(1)  # 1 (drop) -> 0, 0 (keep) -> all ones
    return np.bitwise_and(g.view(uint), keep).view(g.dtype)


_threshold_backward = Primitive(
    "threshold_backward",
    "ThresholdBackwardBackward0",
    _threshold_backward_forward,
    (
        lambda g, s: threshold_backward(g, s["self"], s["threshold"]),
        lambda g, s: Tensor._make(np.zeros_like(g._data)),
    ),
    inputs=("grad_output", "self"),
    saves={"self": (0,)},
    attrs=("self", "threshold"),
    dtype="promote",
    jvp=DIAGONAL,
)


def tanh_backward(grad_output: Tensor, output: Tensor) -> Tensor:
    """``grad_output * (1 - output**2)``: the gradient of tanh through its result."""
    return apply(_tanh_backward, grad_output, output)


def sigmoid_backward(grad_output: Tensor, output: Tensor) -> Tensor:
    """``grad_output * (1 - output) * output``: the gradient of sigmoid through its result."""
    return apply(_sigmoid_backward, grad_output, output)


def threshold_backward(grad_output: Tensor, self: Tensor, threshold) -> Tensor:
    """``grad_output`` where ``self > threshold``, else 0 (relu's gradient, ``self`` its result)."""
    return apply(_threshold_backward, grad_output, self, threshold=threshold)


def _sigmoid_array(a: np.ndarray) -> np.ndarray:
    # exp of a non-positive argument only, so large |a| neither overflows nor warns.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)


def _clamp_forward(a, min, max):  # noqa: A002
    if min is not None:
        a = np.maximum(a, np.asarray(min, a.dtype))
    if max is not None:
        a = np.minimum(a, np.asarray(max, a.dtype))
    return a


def _clamp_rule(g: Tensor, s: dict) -> Tensor:
    x, lo, hi = s["self"], s["min"], s["max"]
    inside = None
    if lo is not None:
        inside = x >= lo
    if hi is not None:
        inside = (x <= hi) if inside is None else inside & (x <= hi)
    return where(inside, g, 0.0)


_clamp = Primitive(
    "clamp",
    "ClampBackward1",
    _clamp_forward,
    (_clamp_rule,),
    saves={"self": (0,)},
    attrs=("max", "min", "self"),
    dtype=lambda arrays, args: arrays,
    jvp=DIAGONAL,
)


def clamp(input: Tensor, min=None, max=None) -> Tensor:  # noqa: A002
    """Limit values to ``[min, max]``; the boundaries count as inside for the gradient."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input
        if min is not None:
            out = maximum(out, as_operand(min))
        if max is not None:
            out = minimum(out, as_operand(max))
        return out
    if input.dtype.category < _FLOAT and (isinstance(min, float) or isinstance(max, float)):
        input = input.to(result_type(input, min if isinstance(min, float) else max))
    return apply(_clamp, input, min=min, max=max)


clip = clamp


def clamp_min(input: Tensor, min) -> Tensor:  # noqa: A002
    return clamp(input, min=min)


def clamp_max(input: Tensor, max) -> Tensor:  # noqa: A002
    return clamp(input, max=max)


def _unary_fn(prim: Primitive, doc: str):
    def fn(input: Tensor) -> Tensor:
        return apply(prim, as_operand(input))

    fn.__name__ = prim.name
    fn.__doc__ = doc
    return fn


neg = _unary_fn(_neg, "Elementwise negation (torch.neg).")
negative = neg
abs = _unary_fn(_abs, "Absolute value; gradient 0 at 0 (torch.abs).")  # noqa: A001
absolute = abs
reciprocal = _unary_fn(_reciprocal, "1 / input (torch.reciprocal).")
exp = _unary_fn(_exp, "Elementwise e**x (torch.exp).")
log = _unary_fn(_log, "Natural logarithm (torch.log).")
log2 = _unary_fn(_log2, "Base-2 logarithm (torch.log2).")
log10 = _unary_fn(_log10, "Base-10 logarithm (torch.log10).")
log1p = _unary_fn(_log1p, "log(1 + input), accurate near 0 (torch.log1p).")
expm1 = _unary_fn(_expm1, "exp(input) - 1, accurate near 0 (torch.expm1).")
sqrt = _unary_fn(_sqrt, "Square root; gradient inf at 0 (torch.sqrt).")
rsqrt = _unary_fn(_rsqrt, "1 / sqrt(input) (torch.rsqrt).")
sin = _unary_fn(_sin, "Sine (torch.sin).")
cos = _unary_fn(_cos, "Cosine (torch.cos).")
tan = _unary_fn(_tan, "Tangent (torch.tan).")
tanh = _unary_fn(_tanh, "Hyperbolic tangent (torch.tanh).")
sigmoid = _unary_fn(_sigmoid, "Logistic function 1 / (1 + exp(-x)) (torch.sigmoid).")
relu = _unary_fn(_relu, "max(x, 0); gradient 0 at 0 (torch.relu).")
sign = _unary_fn(_sign, "Sign of each element; zero gradient (torch.sign).")
floor = _unary_fn(_floor, "Round down; zero gradient (torch.floor).")
ceil = _unary_fn(_ceil, "Round up; zero gradient (torch.ceil).")
trunc = _unary_fn(_trunc, "Round toward zero; zero gradient (torch.trunc).")
fix = trunc


def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001
    """Round half to even, like PyTorch (torch.round)."""
    if decimals:
        scale = 10.0**decimals
        return apply(_round, input * scale) / scale
    return apply(_round, input)


def floor_divide(input, other) -> Tensor:
    """Division rounded down; integer for integer inputs (no gradient)."""
    a, b = as_operand(input), as_operand(other)
    dt = result_type(a, b)
    x = a._data if isinstance(a, Tensor) else a
    y = b._data if isinstance(b, Tensor) else b
    if dt.category < _FLOAT and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")
    return Tensor._make(np.asarray(np.floor_divide(x, y)).astype(dt.np, copy=False))


def remainder(input, other) -> Tensor:
    """Python-style modulus, the sign of the divisor (torch.remainder)."""
    a, b = as_operand(input), as_operand(other)
    return a - floor_divide(a, b) * b if isinstance(a, Tensor) else tensor_from(a) % b


def tensor_from(value) -> Tensor:
    return Tensor._make(np.asarray(value))


def fmod(input: Tensor, other) -> Tensor:
    other = as_operand(other)
    return input - div(input, other, rounding_mode="trunc") * other


# Tensor methods (see _methods.py) and the ones that also get a generated in-place ``name_``.
METHODS = {
    name: globals()[name]
    for name in """add sub mul div pow neg abs reciprocal exp log log2 log10 log1p expm1 sqrt
    rsqrt sin cos tan tanh sigmoid relu sign floor ceil round trunc clamp clip clamp_min
    clamp_max maximum minimum square floor_divide remainder fmod float_power negative absolute
    multiply divide true_divide subtract rsub fix""".split()
}
INPLACE = tuple(
    """add sub mul div pow neg abs reciprocal exp log sqrt sin cos tanh sigmoid relu clamp floor
    ceil round sign trunc clamp_min clamp_max square rsqrt log1p expm1 remainder floor_divide fmod
    tan clip""".split()
)
