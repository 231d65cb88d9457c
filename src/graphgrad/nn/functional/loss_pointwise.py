"""Elementwise losses with PyTorch's nodes: mse_loss, smooth_l1_loss, huber_loss and
binary_cross_entropy (+ with_logits) as primitives; l1_loss decomposed as PyTorch does.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> x = torch.tensor([0.0, 2.0], requires_grad=True)
>>> F.mse_loss(x, torch.tensor([1.0, 1.0]))
tensor(1., grad_fn=<MseLossBackward0>)
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from ..._argcheck import check_castable, no_integer_kernel
from ...dtypes import result_type
from ...ops.broadcast import broadcast_shapes
from ...ops.elementwise import quiet
from ...ops.primitive import Primitive, apply
from ...tensor import Tensor
from .._reduction import mean_scale, reduce_array, reduce_tensor, reduction_code, reduction_name


def _elementwise_jvp(rule):
    """The forward rule of an elementwise loss from its backward ``rule`` (``g * f'`` times the
    mean's 1/numel): before the reduction the Jacobian is diagonal, so the rule applied to the
    tangent, summed when the loss is reduced, is the loss's tangent."""

    def jvp(t: Tensor, s: dict) -> Tensor:
        v = rule(t, s)
        return v if s["reduction"] == 0 else v.sum()

    return jvp


def _elementwise_loss(name: str, node: str, forward, attrs: tuple, **rules) -> Primitive:
    """A loss primitive elementwise in ``(self, target)`` before its reduction, whose forward
    rules come from its backward ones."""
    prim = Primitive(name, node, forward, dtype="promote", attrs=attrs, **rules)
    prim.jvp = tuple(_elementwise_jvp(rule) for rule in prim.rules)
    return prim


def _pair(input: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    """Warn about a target of another size, then broadcast both, as PyTorch's losses do."""
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )
        shape = broadcast_shapes(input.shape, target.shape)
        if input.shape != shape:
            input = input.expand(shape)
        if target.shape != shape:
            target = target.expand(shape)
    return input, target


# -- regression losses ------------------------------------------------------------------------
def _pointwise(name: str, node: str, forward, self_rule, attrs: tuple) -> Primitive:
    """A loss ``reduce(f(input - target))``: ``self_rule`` is its input's rule; the target's is
    the same with the two swapped, as PyTorch's (its negation would turn the +0.0 where
    input == target into -0.0)."""
    return _elementwise_loss(
        name,
        node,
        # quiet: at float32's extremes the difference overflows to inf, silently in PyTorch
        quiet(lambda a, b, reduction, **kw: reduce_array(forward(a - b, kw), reduction)),
        attrs + ("reduction", "self", "target"),
        self=self_rule,
        target=_swapped(self_rule),
    )


def _swapped(rule):
    """``rule(grad, self, target, ...)`` with ``self`` and ``target`` swapped (the same reads:
    ``wraps`` gives it ``rule``'s signature)."""

    @functools.wraps(rule)
    def swapped(grad, self, target, *rest):
        return rule(grad, target, self, *rest)

    return swapped


def _mse_rule(grad, self, target, reduction, numel):
    # PyTorch's order, (2 / numel) * d * g: at d = 3e38 the mean of two elements gives 3e38,
    # where g * d * 2 (or d * 2 first) would overflow float32 to inf
    return 2.0 * mean_scale(reduction, numel) * (self - target) * grad


_mse = _pointwise("mse_loss", "MseLossBackward0", lambda d, kw: d * d, _mse_rule, ())


def _smooth_l1_array(d: np.ndarray, kw: dict) -> np.ndarray:
    z, beta = np.abs(d), kw["beta"]
    return np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta).astype(d.dtype, copy=False)


def _huber_array(d: np.ndarray, kw: dict) -> np.ndarray:
    z, delta = np.abs(d), kw["delta"]
    return np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)).astype(d.dtype, copy=False)


def _clipped(grad, d, c, inside_scale: bool, scale: float, xp):
    """The gradient of a loss quadratic inside ``|d| < c`` and linear outside."""
    inner = grad * d / c if inside_scale else grad * d
    outer = 1.0 if inside_scale else c
    return xp.where(d < -c, grad * -outer, xp.where(d > c, grad * outer, inner)) * scale


def _smooth_l1_rule(grad, self, target, beta, reduction, numel, xp):
    return _clipped(grad, self - target, beta, True, mean_scale(reduction, numel), xp)


def _huber_rule(grad, self, target, delta, reduction, numel, xp):
    return _clipped(grad, self - target, delta, False, mean_scale(reduction, numel), xp)


_smooth_l1 = _pointwise(
    "smooth_l1_loss", "SmoothL1LossBackward0", _smooth_l1_array, _smooth_l1_rule, ("beta",)
)
_huber = _pointwise("huber_loss", "HuberLossBackward0", _huber_array, _huber_rule, ("delta",))


def _regression(prim, input, target, code, **params) -> Tensor:
    input, target = _pair(input, target)
    return apply(prim, input, target, reduction=code, numel=input.numel(), **params)


def _weighted_loss(
    loss: Tensor, input: Tensor, weight: Tensor, code: int, by_weight: bool
) -> Tensor:
    """An unreduced ``loss`` times ``weight``, reduced as PyTorch 2.13 reduces its weighted
    regression losses: the mean of mse and l1 divides by the weights' sum, huber's by the
    number of elements."""
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    return reduce_tensor(loss, code, weight.sum() if by_weight else None)


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    weight=None,
) -> Tensor:
    """The mean squared error; see ``nn.MSELoss``.

    Args:
        input: the predictions.
        target: the targets, of ``input``'s shape.
        size_average, reduce, reduction: as in ``nn.MSELoss``.
        weight: a weight per element, of ``input``'s shape; the mean is then the weighted
            sum over the weights' sum.

    >>> F.mse_loss(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 4.0]))
    tensor(2.5000)
    >>> w = torch.tensor([1.0, 3.0])
    >>> F.mse_loss(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 4.0]), weight=w)
    tensor(3.2500)
    """
    code = reduction_code(reduction, size_average, reduce)
    no_integer_kernel("mse_cpu", result_type(input, target))
    if weight is None:
        return _regression(_mse, input, target, code)
    return _weighted_loss(_regression(_mse, input, target, 0), input, weight, code, by_weight=True)


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    weight=None,
) -> Tensor:
    """The mean absolute error; see ``nn.L1Loss``.

    Args:
        input: the predictions.
        target: the targets, of ``input``'s shape.
        size_average, reduce, reduction: as in ``nn.MSELoss``.
        weight: a weight per element, of ``input``'s shape; the mean is then the weighted
            sum over the weights' sum.

    >>> F.l1_loss(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 4.0]))
    tensor(1.5000)
    """
    code = reduction_code(reduction, size_average, reduce)
    input, target = _pair(input, target)
    loss = (input - target).abs()
    if weight is None:
        return reduce_tensor(loss, code)
    return _weighted_loss(loss, input, weight, code, by_weight=True)


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """Squared error below ``beta``, absolute above it; see ``nn.SmoothL1Loss``.

    Args:
        input: the predictions.
        target: the targets, of ``input``'s shape.
        size_average, reduce, reduction: as in ``nn.MSELoss``.
        beta: where the loss changes from quadratic to linear.

    >>> F.smooth_l1_loss(torch.tensor([1.0, 2.0]), torch.tensor([0.5, 4.0]))
    tensor(0.8125)
    """
    code = reduction_code(reduction, size_average, reduce)
    no_integer_kernel("smooth_l1_cpu", result_type(input, target))
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction_name(code))
    return _regression(_smooth_l1, input, target, code, beta=beta)


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0, weight=None
) -> Tensor:
    """Squared error below ``delta``, linear above it; see ``nn.HuberLoss``.

    Args:
        input: the predictions.
        target: the targets, of ``input``'s shape.
        reduction: as in ``nn.MSELoss``.
        delta: where the loss changes from quadratic to linear.
        weight: a weight per element, of ``input``'s shape; the mean is then the mean of the
            weighted losses.

    >>> F.huber_loss(torch.tensor([1.0, 2.0]), torch.tensor([0.5, 4.0]), delta=0.5)
    tensor(0.5000)
    """
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    code = reduction_code(reduction)
    check_castable(result_type(input, target), input.dtype)  # the result takes input's dtype
    no_integer_kernel("huber_cpu", input.dtype)
    if weight is None:
        return _regression(_huber, input, target, code, delta=delta)
    loss = _regression(_huber, input, target, 0, delta=delta)
    return _weighted_loss(loss, input, weight, code, by_weight=False)


# -- binary cross entropy ---------------------------------------------------------------------
def _bce_forward(x, t, weight, reduction, **_):
    with np.errstate(divide="ignore", invalid="ignore"):
        log_x = np.maximum(np.log(x), -100)
        log_1mx = np.maximum(np.log1p(-x), -100)
    loss = -(t * log_x + (1 - t) * log_1mx)
    if weight is not None:
        loss = loss * weight._data
    return reduce_array(loss.astype(x.dtype, copy=False), reduction)


def _weighted(grad, weight, reduction, numel, xp):
    if weight is not None:
        grad = grad * xp.asarray(weight)
    return grad * mean_scale(reduction, numel)


def _bce_self_rule(grad, self, target, weight, reduction, numel, xp):
    v = grad * (self - target) / xp.clamp((1 - self) * self, min=1e-12, max=None)
    return _weighted(v, weight, reduction, numel, xp)


def _bce_target_rule(grad, self, weight, reduction, numel, xp):
    return _weighted(grad * (xp.log(1 - self) - xp.log(self)), weight, reduction, numel, xp)


_bce = _elementwise_loss(
    "binary_cross_entropy",
    "BinaryCrossEntropyBackward0",
    _bce_forward,
    ("reduction", "self", "target", "weight"),
    self=_bce_self_rule,
    target=_bce_target_rule,
)


def _check_expands(weight: Tensor, shape) -> None:
    """A loss's weight must broadcast to the input's shape without growing it (a bigger
    weight would silently make a bigger loss); PyTorch's messages for both failures."""
    for i in range(1, weight.ndim + 1):
        w = weight.shape[-i]
        if w != 1 and (i > len(shape) or w != shape[-i]):
            if i <= len(shape):
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {w} at -{i}! Mismatching "
                    f"argument at index 1 had {weight.shape}; but expected shape should be "
                    f"broadcastable to {list(shape)}"
                )
            break
    full = broadcast_shapes(shape, weight.shape)
    if tuple(full) != tuple(shape):
        raise RuntimeError(
            f"output with shape {list(shape)} doesn't match the broadcast shape {list(full)}"
        )


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross-entropy of probabilities; see ``nn.BCELoss``.

    Args:
        input: probabilities in [0, 1].
        target: targets in [0, 1], of ``input``'s shape.
        weight: a rescaling weight per element (broadcast).
        size_average, reduce, reduction: as in ``nn.MSELoss``.

    >>> F.binary_cross_entropy(torch.tensor([0.8, 0.2]), torch.tensor([1.0, 0.0]))
    tensor(0.2231)
    """
    code = reduction_code(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    if weight is not None and weight.shape != input.shape:
        _check_expands(weight, input.shape)
        weight = weight.expand(input.shape)
    if target.dtype != input.dtype:
        raise RuntimeError(f"Found dtype {target.dtype.legacy} but expected {input.dtype.legacy}")
    no_integer_kernel("binary_cross_entropy", input.dtype)
    # NaN is outside [0, 1] too, as PyTorch's kernel checks it; the input first, then the target
    for what, t in (("input", input), ("target", target)):
        x = t._data
        if not np.all((x >= 0) & (x <= 1)):
            raise RuntimeError(f"all elements of {what} should be between 0 and 1")
    return apply(_bce, input, target, weight=weight, reduction=code, numel=input.numel())


def _bcel_forward(x, t, weight, pos_weight, reduction, **_):
    log_sig = -(np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x))))
    if pos_weight is not None:
        log_sig = log_sig * ((pos_weight._data - 1) * t + 1)
    loss = (1 - t) * x - log_sig
    if weight is not None:
        loss = loss * weight._data
    return reduce_array(loss.astype(x.dtype, copy=False), reduction)


def _bcel_self_rule(grad, self, target, pos_weight, weight, reduction, numel, xp):
    if pos_weight is None:
        v = grad * (xp.sigmoid(self) - target)
    else:
        pt = xp.asarray(pos_weight) * target
        v = grad * ((pt + 1 - target) * xp.sigmoid(self) - pt)
    return _weighted(v, weight, reduction, numel, xp)


def _bcel_target_rule(grad, self, pos_weight, weight, reduction, numel, xp):
    if pos_weight is None:
        v = grad * -self
    else:
        v = grad * (xp.asarray(pos_weight) * _softplus(-self, xp) - _softplus(self, xp))
    return _weighted(v, weight, reduction, numel, xp)


def _softplus(x, xp):
    return xp.softplus(x, beta=1.0, threshold=20.0)


_bcel = _elementwise_loss(
    "binary_cross_entropy_with_logits",
    "BinaryCrossEntropyWithLogitsBackward0",
    _bcel_forward,
    ("pos_weight", "reduction", "self", "target", "weight"),
    self=_bcel_self_rule,
    target=_bcel_target_rule,
)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy of logits, computed stably; see ``nn.BCEWithLogitsLoss``.

    Args:
        input: logits.
        target: targets in [0, 1], of ``input``'s shape.
        weight: a rescaling weight per element (broadcast).
        size_average, reduce, reduction: as in ``nn.MSELoss``.
        pos_weight: a weight of the positive term per class.

    >>> F.binary_cross_entropy_with_logits(torch.tensor([2.0, -2.0]), torch.tensor([1.0, 0.0]))
    tensor(0.1269)
    """
    code = reduction_code(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    no_integer_kernel("log_sigmoid_cpu", input.dtype)
    check_castable(input.dtype, target.dtype)  # PyTorch's kernel writes into a target-typed buffer
    # PyTorch's "size of tensor a" errors (the weight after the input, the pos_weight before)
    if weight is not None:
        broadcast_shapes(input.shape, weight.shape)
        _check_expands(weight, input.shape)
    if pos_weight is not None:
        broadcast_shapes(pos_weight.shape, input.shape)
        _check_expands(pos_weight, input.shape)
    return apply(
        _bcel,
        input,
        target,
        weight=weight,
        pos_weight=pos_weight,
        reduction=code,
        numel=input.numel(),
    )


__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "huber_loss",
    "l1_loss",
    "mse_loss",
    "smooth_l1_loss",
]
