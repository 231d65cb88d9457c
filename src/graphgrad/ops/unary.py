"""Elementwise unary primitives: exp, log, roots, trigonometry, activations, rounding, clamp.

>>> import graphgrad as torch
>>> x = torch.tensor([1.0, 4.0], requires_grad=True)
>>> torch.sqrt(x).sum().backward()
>>> x.grad
tensor([0.5000, 0.2500])
"""

from __future__ import annotations

import numpy as np

from .._argcheck import no_integer_kernel
from ..dtypes import _FLOAT, result_type
from ..tensor import Tensor
from .elementwise import as_operand, no_bool, quiet, zeros_like_grad
from .primitive import DIAGONAL, Primitive, apply


# -- unary math -------------------------------------------------------------------------------
def _unary(name: str, node: str, forward, rule, dtype: str = "float") -> Primitive:
    """An elementwise op of one input: ``rule`` is its ``self`` rule."""
    # elementwise: the Jacobian is diagonal, so the backward rule serves both modes
    return Primitive(name, node, forward, self=rule, dtype=dtype, jvp=DIAGONAL)


def _negative(a: np.ndarray) -> np.ndarray:
    if a.dtype.kind == "b":  # NumPy's error would be a TypeError
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return np.negative(a)


_LN2, _LN10 = 0.6931471805599453, 2.302585092994046

_neg = _unary("neg", "NegBackward0", _negative, lambda grad: -grad, "same")
_abs = _unary(
    "abs",
    "AbsBackward0",
    no_bool(np.abs, "abs_cpu"),
    lambda grad, self, xp: grad * xp.sign(self),
    "same",
)
_reciprocal = _unary(
    "reciprocal",
    "ReciprocalBackward0",
    quiet(np.reciprocal),
    lambda grad, result: -grad * (result * result),  # PyTorch's order
)
_exp = _unary("exp", "ExpBackward0", quiet(np.exp), lambda grad, result: grad * result)
_log = _unary("log", "LogBackward0", quiet(np.log), lambda grad, self: grad / self)
_log2 = _unary("log2", "Log2Backward0", quiet(np.log2), lambda grad, self: grad / (self * _LN2))


def _log10_array(a: np.ndarray) -> np.ndarray:
    # NumPy's float32 log10 loop for AVX-512 misses the correctly rounded result for about a third
    # of inputs, powers of ten among them (log10(100) gave 2.0000002, where PyTorch gives 2);
    # float64's, rounded back, agrees with PyTorch on every machine.
    if a.dtype in (np.float16, np.float32):
        return np.log10(a, dtype=np.float64).astype(a.dtype)
    return np.log10(a)


_log10 = _unary(
    "log10", "Log10Backward0", quiet(_log10_array), lambda grad, self: grad / (self * _LN10)
)
_log1p = _unary("log1p", "Log1PBackward0", quiet(np.log1p), lambda grad, self: grad / (self + 1))
_expm1 = _unary(
    "expm1", "Expm1Backward0", quiet(np.expm1), lambda grad, result: grad * (result + 1)
)
_sqrt = _unary("sqrt", "SqrtBackward0", quiet(np.sqrt), lambda grad, result: grad / (2 * result))
_rsqrt = _unary(
    "rsqrt",
    "RsqrtBackward0",
    quiet(lambda a: 1 / np.sqrt(a)),
    lambda grad, result, xp: -0.5 * grad * xp.pow(result, exponent=3),
)
_sin = _unary("sin", "SinBackward0", np.sin, lambda grad, self, xp: grad * xp.cos(self))
_cos = _unary("cos", "CosBackward0", np.cos, lambda grad, self, xp: -grad * xp.sin(self))
_tan = _unary("tan", "TanBackward0", np.tan, lambda grad, result: grad * (1 + result * result))
# The rules of tanh, sigmoid and relu are their backward primitives (below).
_tanh = _unary(
    "tanh", "TanhBackward0", np.tanh, lambda grad, result, xp: xp.tanh_backward(grad, result)
)
_sigmoid = _unary(
    "sigmoid",
    "SigmoidBackward0",
    lambda a: _sigmoid_array(a),
    lambda grad, result, xp: xp.sigmoid_backward(grad, result),
)
_relu = _unary(
    "relu",
    "ReluBackward0",
    lambda a: _relu_array(a),
    lambda grad, result, xp: xp.threshold_backward(grad, result, threshold=0),
    "same",
)


def _sign_array(a: np.ndarray) -> np.ndarray:
    """np.sign, but a bool's sign is itself, NaN gives 0 and -0.0 gives +0.0, as in PyTorch."""
    if a.dtype.kind == "b":
        return a.copy()
    r = np.sign(a)
    if r.dtype.kind == "f":
        r = np.where(np.isnan(r), 0, r) + r.dtype.type(0)  # -0.0 + 0.0 is +0.0
    return r


_sign = _unary("sign", "SignBackward0", _sign_array, zeros_like_grad, "same")
_floor = _unary(
    "floor", "FloorBackward0", no_bool(np.floor, "floor_vml_cpu"), zeros_like_grad, "same"
)
_ceil = _unary("ceil", "CeilBackward0", no_bool(np.ceil, "ceil_vml_cpu"), zeros_like_grad, "same")
_round = _unary(
    "round", "RoundBackward0", no_bool(np.round, "round_vml_cpu"), zeros_like_grad, "same"
)
_trunc = _unary(
    "trunc", "TruncBackward0", no_bool(np.trunc, "trunc_vml_cpu"), zeros_like_grad, "same"
)


# -- the backward ops of tanh, sigmoid and relu -----------------------------------------------
# NOTE: primitives, as in PyTorch, rather than ``g * (1 - y * y)`` in three ops: a first-order
# backward makes one op call instead of three (it is the hot path of every network), and a
# second-order graph has PyTorch's nodes (TanhBackwardBackward0...). Arithmetic in PyTorch's
# order, so the bits agree too.
_tanh_backward = Primitive(
    "tanh_backward",
    "TanhBackwardBackward0",
    lambda g, y: g * (1 - y * y),
    grad_output=lambda grad, output, xp: xp.tanh_backward(grad, output),
    output=lambda grad, output, grad_output: grad * (-2 * output * grad_output),
    dtype="promote",
    jvp=DIAGONAL,
)
_sigmoid_backward = Primitive(
    "sigmoid_backward",
    "SigmoidBackwardBackward0",
    lambda g, y: g * (1 - y) * y,
    grad_output=lambda grad, output, xp: xp.sigmoid_backward(grad, output),
    output=lambda grad, output, grad_output: grad * grad_output * (-2 * output + 1),
    dtype="promote",
    jvp=DIAGONAL,
)
_UINT_OF_SIZE = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _threshold_backward_forward(g: np.ndarray, x: np.ndarray, threshold) -> np.ndarray:
    """``g`` where ``x > threshold`` (and where x is NaN), else +0.0 (spec 3.26), as PyTorch's
    ``x <= threshold ? 0 : g``. On the bits, ``g & mask``: exact, and several times quicker than
    ``np.where``, whose branches mispredict on a ReLU's random pattern."""
    if g.dtype.kind != "f" or g.dtype.itemsize not in _UINT_OF_SIZE:
        return np.where(x <= threshold, g.dtype.type(0), g)
    return _zero_where(g, x <= threshold)


def _zero_where(a: np.ndarray, drop) -> np.ndarray:
    """``a`` with +0.0 where the bool mask ``drop`` is set, for a float ``a``, on the bits:
    ``a & (drop - 1)``, exact, and several times quicker than ``np.where``, whose branches
    mispredict on a ReLU's random pattern."""
    uint = _UINT_OF_SIZE[a.dtype.itemsize]
    keep = np.asarray(drop).view(np.uint8).astype(uint)
    keep -= uint(1)  # 1 (drop) -> 0, 0 (keep) -> all ones
    # the mask is ours alone: the result can take its place (a ReLU's gradient-sized buffer less)
    out = keep if keep.shape == a.shape else None
    return np.bitwise_and(a.view(uint), keep, out=out).view(a.dtype)


_threshold_backward = Primitive(
    "threshold_backward",
    "ThresholdBackwardBackward0",
    _threshold_backward_forward,
    grad_output=lambda grad, self, threshold, xp: xp.threshold_backward(
        grad, self, threshold=threshold
    ),
    self=zeros_like_grad,
    attrs=("self", "threshold"),
    dtype="promote",
    jvp=DIAGONAL,
)


def tanh_backward(grad_output: Tensor, output: Tensor) -> Tensor:
    """``grad_output * (1 - output**2)``: the gradient of tanh through its result.

    Args:
        grad_output: the gradient flowing into ``tanh``'s result.
        output: ``tanh``'s result.

    >>> torch.tanh_backward(torch.tensor([1.0, 1.0]), torch.tensor([0.0, 0.5]))
    tensor([1.0000, 0.7500])
    """
    return apply(_tanh_backward, grad_output, output)


def sigmoid_backward(grad_output: Tensor, output: Tensor) -> Tensor:
    """``grad_output * (1 - output) * output``: the gradient of sigmoid through its result.

    Args:
        grad_output: the gradient flowing into ``sigmoid``'s result.
        output: ``sigmoid``'s result.

    >>> torch.sigmoid_backward(torch.tensor([1.0, 1.0]), torch.tensor([0.5, 0.25]))
    tensor([0.2500, 0.1875])
    """
    return apply(_sigmoid_backward, grad_output, output)


def threshold_backward(grad_output: Tensor, self: Tensor, threshold) -> Tensor:
    """``grad_output`` where ``self > threshold``, else 0 (relu's gradient, ``self`` its result).

    Args:
        grad_output: the gradient flowing into the result.
        self: the tensor compared with ``threshold`` (relu's input or result).
        threshold: the value at or below which the gradient is cut.

    >>> torch.threshold_backward(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 3.0]), 0.0)
    tensor([0., 2.])
    """
    return apply(_threshold_backward, grad_output, self, threshold=threshold)


def _relu_array(a: np.ndarray) -> np.ndarray:
    if a.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    if a.dtype.kind == "f" and a.dtype.itemsize in _UINT_OF_SIZE:
        return _zero_where(a, a < 0)  # -0.0 and NaN stay, as in PyTorch
    return np.where(a < 0, a.dtype.type(0), a)


def _sigmoid_array(a: np.ndarray) -> np.ndarray:
    # exp of a non-positive argument only, so large |a| neither overflows nor warns.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)


def _clamp_forward(a, min, max):  # noqa: A002
    # by comparison, as PyTorch: a bound replaces only values strictly beyond it, so -0.0
    # stays -0.0 at min=0 and NaN stays NaN; a NaN bound makes every value NaN
    try:
        if min is not None:
            lo = np.asarray(min, a.dtype)
            a = np.where((a < lo) | (lo != lo), lo, a)
        if max is not None:
            hi = np.asarray(max, a.dtype)
            a = np.where((a > hi) | (hi != hi), hi, a)
    except OverflowError:  # an int bound beyond an integer dtype's range
        raise RuntimeError(
            f"value cannot be converted to type {a.dtype.name}_t without overflow"
        ) from None
    return a


def _clamp_rule(grad, self, min, max, xp):  # noqa: A002
    # the bounds compare as Python numbers (as_operand), so a NumPy float64 bound does not
    # promote a float32 array
    lo = None if min is None else as_operand(min)
    hi = None if max is None else as_operand(max)
    return xp.where(_inside(self, lo, hi), grad, 0.0)


def _inside(x, lo, hi):
    """Where ``lo <= x <= hi`` (a bound of None: no bound)."""
    inside = None if lo is None else x >= lo
    if hi is not None:
        inside = (x <= hi) if inside is None else inside & (x <= hi)
    return inside


_clamp = Primitive(
    "clamp",
    "ClampBackward1",
    _clamp_forward,
    self=_clamp_rule,
    attrs=("max", "min", "self"),
    dtype=lambda arrays, args: arrays,
    jvp=DIAGONAL,
)


def _clamp_tensor_forward(a, lo, hi):
    # NaN in any operand gives NaN (np.maximum/np.minimum propagate it); lo > hi gives hi
    if lo is not None:
        a = np.maximum(a, lo)
    return a if hi is None else np.minimum(a, hi)


def _clamp_tensor_prepare(arrays: list, args: tuple) -> list:
    dt = result_type(*(a for a in args if a is not None)).np
    return [a if a is None or getattr(a, "dtype", dt) == dt else np.asarray(a, dt) for a in arrays]


def _clamp_self_rule(grad, self, min, max, xp):  # noqa: A002
    # PyTorch's convention: the input keeps the gradient at ties with a bound
    return xp.where(_inside(self, min, max), grad, 0.0)


def _clamp_min_rule(grad, self, min, max, xp):  # noqa: A002
    chosen = self < min if max is None else (self < min) & (min < max)
    return xp.where(chosen, grad, 0.0)


def _clamp_max_rule(grad, self, min, max, xp):  # noqa: A002
    # ``max`` also wins where the bounds cross (min > max), whatever self is
    chosen = self > max if min is None else (self > max) | (min > max)
    return xp.where(chosen, grad, 0.0)


def _clamp_tensor_primitive(name: str, node: str) -> Primitive:
    """clamp with tensor bounds (``None`` for a missing one): ``min`` gets the gradient where
    it is chosen, ``max`` where it is chosen, the input elsewhere, ties included."""
    return Primitive(
        name,
        node,
        _clamp_tensor_forward,
        self=_clamp_self_rule,
        min=_clamp_min_rule,
        max=_clamp_max_rule,
        dtype=_clamp_tensor_prepare,
        jvp=DIAGONAL,
    )


_clamp_tensor = _clamp_tensor_primitive("clamp_tensor", "ClampBackward0")
_clamp_min_tensor = _clamp_tensor_primitive("clamp_min_tensor", "ClampMinBackward1")
_clamp_max_tensor = _clamp_tensor_primitive("clamp_max_tensor", "ClampMaxBackward1")


def clamp(input: Tensor, min=None, max=None) -> Tensor:  # noqa: A002
    """Limit each element of ``input`` to ``[min, max]`` (``clip`` is the same function).

    The gradient passes where ``min <= input <= max`` (the boundaries count as inside) and is
    0 elsewhere.

    Args:
        input: the tensor (also ``input.clamp(...)``).
        min: the lower bound, a number or a tensor (broadcast); ``None`` for none.
        max: the upper bound, a number or a tensor (broadcast); ``None`` for none.

    >>> torch.clamp(torch.tensor([-2.0, 0.5, 3.0]), min=0.0, max=1.0)
    tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        lo, hi = (None if b is None else as_operand(b) for b in (min, max))
        return apply(_clamp_tensor, input, lo, hi)
    if input.dtype.category < _FLOAT and (isinstance(min, float) or isinstance(max, float)):
        input = input.to(result_type(input, min if isinstance(min, float) else max))
    return apply(_clamp, input, min=min, max=max)


clip = clamp


def clamp_min(input: Tensor, min) -> Tensor:  # noqa: A002
    """``clamp(input, min=min)``: see ``clamp``.

    Args:
        input: the tensor.
        min: the lower bound, a number or a tensor (broadcast).

    >>> torch.clamp_min(torch.tensor([-2.0, 0.5]), 0.0)
    tensor([0.0000, 0.5000])
    """
    if isinstance(min, Tensor):
        return apply(_clamp_min_tensor, input, min, None)
    return clamp(input, min=min)


def clamp_max(input: Tensor, max) -> Tensor:  # noqa: A002
    """``clamp(input, max=max)``: see ``clamp``.

    Args:
        input: the tensor.
        max: the upper bound, a number or a tensor (broadcast).

    >>> torch.clamp_max(torch.tensor([-2.0, 0.5]), 0.0)
    tensor([-2.,  0.])
    """
    if isinstance(max, Tensor):
        return apply(_clamp_max_tensor, input, None, max)
    return clamp(input, max=max)


def _unary_fn(prim: Primitive, doc: str, values: str, shown: str):
    """The public function of an elementwise primitive; its docstring is ``doc`` with the
    example ``graphgrad.<name>(tensor(values))``, which prints ``shown``."""

    def fn(input: Tensor) -> Tensor:
        return apply(prim, input if input.__class__ is Tensor else as_operand(input))

    fn.__name__ = fn.__qualname__ = prim.name
    fn.__doc__ = (
        f"{doc}\n\nArgs:\n    input: the tensor (also ``input.{prim.name}()``).\n\n"
        f">>> torch.{prim.name}(torch.tensor({values}))\n{shown}\n"
    )
    return fn


neg = _unary_fn(
    _neg,
    "Negate each element of ``input``.",
    "[1.0, -2.0]",
    "tensor([-1.,  2.])",
)
negative = neg
abs = _unary_fn(  # noqa: A001
    _abs,
    "Absolute value of each element of ``input``; its gradient is 0 at 0.",
    "[-1.5, 2.0]",
    "tensor([1.5000, 2.0000])",
)
absolute = abs
reciprocal = _unary_fn(
    _reciprocal,
    "``1 / input``, elementwise.",
    "[2.0, 0.5]",
    "tensor([0.5000, 2.0000])",
)
exp = _unary_fn(
    _exp,
    "``e ** input``, elementwise.",
    "[0.0, 1.0]",
    "tensor([1.0000, 2.7183])",
)
log = _unary_fn(
    _log,
    "Natural logarithm of each element of ``input``.",
    "[1.0, 10.0]",
    "tensor([0.0000, 2.3026])",
)
log2 = _unary_fn(
    _log2,
    "Base-2 logarithm of each element of ``input``.",
    "[1.0, 8.0]",
    "tensor([0., 3.])",
)
log10 = _unary_fn(
    _log10,
    "Base-10 logarithm of each element of ``input``.",
    "[1.0, 1000.0]",
    "tensor([0., 3.])",
)
log1p = _unary_fn(
    _log1p,
    "``log(1 + input)``, accurate for ``input`` near 0.",
    "[0.0, 1e-8]",
    "tensor([0.0000e+00, 1.0000e-08])",
)
expm1 = _unary_fn(
    _expm1,
    "``exp(input) - 1``, accurate for ``input`` near 0.",
    "[0.0, 1e-8]",
    "tensor([0.0000e+00, 1.0000e-08])",
)
sqrt = _unary_fn(
    _sqrt,
    "Square root of each element of ``input``; its gradient is inf at 0.",
    "[4.0, 2.0]",
    "tensor([2.0000, 1.4142])",
)
rsqrt = _unary_fn(
    _rsqrt,
    "``1 / sqrt(input)``, elementwise.",
    "[4.0, 0.25]",
    "tensor([0.5000, 2.0000])",
)
sin = _unary_fn(
    _sin,
    "Sine of each element of ``input`` (radians).",
    "[0.0, 1.0]",
    "tensor([0.0000, 0.8415])",
)
cos = _unary_fn(
    _cos,
    "Cosine of each element of ``input`` (radians).",
    "[0.0, 1.0]",
    "tensor([1.0000, 0.5403])",
)
tan = _unary_fn(
    _tan,
    "Tangent of each element of ``input`` (radians).",
    "[0.0, 1.0]",
    "tensor([0.0000, 1.5574])",
)
tanh = _unary_fn(
    _tanh,
    "Hyperbolic tangent of each element of ``input``.",
    "[0.0, 1.0]",
    "tensor([0.0000, 0.7616])",
)
sigmoid = _unary_fn(
    _sigmoid,
    "The logistic function ``1 / (1 + exp(-input))``, elementwise.",
    "[0.0, 2.0]",
    "tensor([0.5000, 0.8808])",
)
relu = _unary_fn(
    _relu,
    "``max(input, 0)``, elementwise; its gradient is 0 at 0.",
    "[-1.0, 2.0]",
    "tensor([0., 2.])",
)
sign = _unary_fn(
    _sign,
    "-1, 0 or 1: the sign of each element of ``input``; its gradient is 0.",
    "[-3.0, 0.0, 2.0]",
    "tensor([-1.,  0.,  1.])",
)
floor = _unary_fn(
    _floor,
    "Round each element of ``input`` down; the gradient is 0.",
    "[-1.5, 1.5]",
    "tensor([-2.,  1.])",
)
ceil = _unary_fn(
    _ceil,
    "Round each element of ``input`` up; the gradient is 0.",
    "[-1.5, 1.5]",
    "tensor([-1.,  2.])",
)
trunc = _unary_fn(
    _trunc,
    "Round each element of ``input`` toward zero; the gradient is 0.",
    "[-1.5, 1.5]",
    "tensor([-1.,  1.])",
)
fix = trunc


def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001
    """Round each element of ``input`` to the nearest integer, half to even (as PyTorch).

    Args:
        input: the tensor (also ``input.round()``).
        decimals: round to this many decimal places instead (negative: to tens, hundreds...).

    >>> torch.round(torch.tensor([0.5, 1.5, 2.567]))
    tensor([0., 2., 3.])
    >>> torch.round(torch.tensor([2.567]), decimals=2)
    tensor([2.5700])
    """
    if decimals:
        no_integer_kernel("round_cpu", input.dtype)  # PyTorch rounds decimals of floats only
        scale = 10.0**decimals
        return apply(_round, input * scale) / scale
    return apply(_round, input)


METHODS = {
    name: globals()[name]
    for name in """neg abs reciprocal exp log log2 log10 log1p expm1 sqrt rsqrt sin cos tan tanh
    sigmoid relu sign floor ceil round trunc clamp clip clamp_min clamp_max negative absolute
    fix""".split()
}
INPLACE = tuple(
    """neg abs reciprocal exp log sqrt sin cos tanh sigmoid relu clamp floor ceil round sign trunc
    clamp_min clamp_max rsqrt log1p expm1 tan clip""".split()
)
__all__ = [*METHODS, "sigmoid_backward", "tanh_backward", "threshold_backward"]
