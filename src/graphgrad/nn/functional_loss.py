"""Losses with PyTorch's nodes: nll_loss (NllLossBackward0), cross_entropy (NllLoss over
LogSoftmax, or the probability-target form), mse_loss, smooth_l1_loss, huber_loss,
binary_cross_entropy (+ with_logits) as primitives; l1_loss decomposed as PyTorch does.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> p = torch.tensor([[0.2, 0.8], [0.6, 0.4]], requires_grad=True)
>>> F.cross_entropy(p, torch.tensor([1, 0]))
tensor(0.5178, grad_fn=<NllLossBackward0>)
"""

from __future__ import annotations

import warnings

import numpy as np

from ..ops.activation import log_softmax, softplus
from ..ops.elementwise import clamp_min, log, sigmoid, where
from ..ops.primitive import LINEAR, Primitive, apply
from ..tensor import Tensor

_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}


def reduction_code(reduction: str, size_average=None, reduce=None) -> int:
    """PyTorch's reduction enum (none=0, mean=1, sum=2), honouring the legacy arguments."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else "mean" if size_average else "sum"
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _REDUCTIONS[reduction]


def _reduce(a: np.ndarray, code: int) -> np.ndarray:
    if code == 1:
        return np.mean(a, dtype=a.dtype)
    if code == 2:
        return np.sum(a, dtype=a.dtype)
    return a


def _scale(s: dict, numel: int) -> float:
    return 1.0 / numel if s["reduction"] == 1 else 1.0


def _broadcast_shape(a: tuple, b: tuple) -> tuple:
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b "
                f"({y}) at non-singleton dimension {i}"
            )
    return tuple(max(x, y) for x, y in zip(a, b, strict=False))


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
        shape = _broadcast_shape(input.shape, target.shape)
        if input.shape != shape:
            input = input.expand(shape)
        if target.shape != shape:
            target = target.expand(shape)
    return input, target


# -- nll_loss ---------------------------------------------------------------------------------
def _check_target(input: Tensor, target: Tensor) -> None:
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {target.dtype.legacy}"
        )
    if input.ndim >= 2 and (target.ndim == 0 or target.shape[0] != input.shape[0]):
        got = target.shape[0] if target.ndim else 1
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({got})."
        )
    expected = input.shape[:1] + input.shape[2:] if input.ndim >= 2 else ()
    if tuple(target.shape) != tuple(expected):
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")


def _nll_forward(a, reduction, total_weight, picked, safe, class_dim, **_):
    chosen = np.take_along_axis(a, np.expand_dims(safe, class_dim), class_dim)
    loss = -np.squeeze(chosen, class_dim) * picked
    if reduction == 1:
        return (loss.sum(dtype=a.dtype) / total_weight._data).astype(a.dtype)
    if reduction == 2:
        return loss.sum(dtype=a.dtype)
    return loss


def _nll_rule(g: Tensor, s: dict) -> Tensor:
    shape, class_dim, dtype = s["input_shape"], s["class_dim"], g._data.dtype
    m = np.zeros(shape, dtype)
    np.put_along_axis(
        m, np.expand_dims(s["safe"], class_dim), np.expand_dims(-s["picked"], class_dim), class_dim
    )
    if s["reduction"] == 1:
        m = m / s["total_weight"]._data
    if s["reduction"] == 0 and g.ndim:
        g = g.unsqueeze(class_dim)
    return g * Tensor._make(m.astype(dtype, copy=False))


_nll_loss = Primitive(
    "nll_loss",
    "NllLossBackward0",
    _nll_forward,
    (_nll_rule,),
    saves={"self": (0,)},
    attrs=("ignore_index", "reduction", "self", "target", "total_weight", "weight"),
    display={"ignore_index": lambda node: node._saved["ignore_index"] % 2**64},
    jvp=LINEAR,
)


_nll_loss2d = Primitive(
    "nll_loss2d",
    "NllLoss2DBackward0",
    _nll_forward,
    (_nll_rule,),
    saves={"self": (0,)},
    attrs=("ignore_index", "reduction", "self", "target", "total_weight", "weight"),
    display={"ignore_index": lambda node: node._saved["ignore_index"] % 2**64},
    jvp=LINEAR,
)


def _nll_apply(
    prim: Primitive, input: Tensor, target: Tensor, weight, code: int, ignore_index: int
) -> Tensor:
    class_dim = 0 if input.ndim == 1 else 1
    t = target._data.astype(np.int64)
    ignored = t == ignore_index
    safe = np.where(ignored, 0, t)
    bad = (safe < 0) | (safe >= input.shape[class_dim])
    if bad.any():
        raise IndexError(f"Target {t[bad].ravel()[0]} is out of bounds.")
    dtype = input._data.dtype
    w = weight._data[safe] if weight is not None else np.ones(safe.shape, dtype)
    picked = np.where(ignored, 0, w).astype(dtype)
    total = Tensor._make(np.asarray(picked.sum(), dtype))
    return apply(
        prim,
        input,
        target=target,
        weight=weight,
        reduction=code,
        ignore_index=ignore_index,
        total_weight=total,
        picked=picked,
        safe=safe,
        class_dim=class_dim,
        input_shape=input._data.shape,
    )


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood of the target classes, given log-probabilities (F.nll_loss).

    Inputs with spatial dims go through NllLoss2DBackward0 as in PyTorch: 4-D directly, 3-D
    and 5-D+ viewed as ``(N, C, 1, -1)`` first.
    """
    code = reduction_code(reduction, size_average, reduce)
    _check_target(input, target)
    if input.ndim <= 2:
        return _nll_apply(_nll_loss, input, target, weight, code, ignore_index)
    if input.ndim == 4:
        return _nll_apply(_nll_loss2d, input, target, weight, code, ignore_index)
    n, c = input.shape[:2]
    flat_target = Tensor._make(np.ascontiguousarray(target._data).reshape(n, 1, -1))
    out = _nll_apply(
        _nll_loss2d, input.contiguous().view(n, c, 1, -1), flat_target, weight, code, ignore_index
    )
    return out.view(target.shape) if code == 0 else out


# -- cross_entropy ----------------------------------------------------------------------------
def _class_view(weight: Tensor, ndim: int, class_dim: int) -> Tensor:
    shape = [1] * ndim
    shape[class_dim] = weight.shape[0]
    return weight.reshape(shape)


def _prob_cross_entropy(
    logp: Tensor, target: Tensor, weight, code: int, class_dim: int, label_smoothing: float
) -> Tensor:
    n_classes = logp.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * target
    if weight is not None:
        prod = prod * _class_view(weight, logp.ndim, class_dim)
    if code == 0:
        return -prod.sum(class_dim)
    if code == 2:
        return -prod.sum()
    return -prod.sum() / (logp.numel() / n_classes)


def _smoothed(
    logp: Tensor,
    target: Tensor,
    weight,
    code: int,
    class_dim: int,
    ignore_index: int,
    label_smoothing: float,
) -> Tensor:
    nll = nll_loss(
        logp, target, weight, ignore_index=ignore_index, reduction=("none", "mean", "sum")[code]
    )
    ignore = target._data == ignore_index
    prod = logp if weight is None else logp * _class_view(weight, logp.ndim, class_dim)
    smooth = where(Tensor._make(ignore), 0.0, -prod.sum(class_dim))
    if code == 1:
        if weight is not None:
            denom = float(weight._data[target._data[~ignore]].sum())
        else:
            denom = float((~ignore).sum())
        ret = smooth.sum() / denom
    elif code == 2:
        ret = smooth.sum()
    else:
        ret = smooth
    n_classes = logp.shape[class_dim]
    return nll * (1 - label_smoothing) + ret * (label_smoothing / n_classes)


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross entropy against class indices or class probabilities (F.cross_entropy)."""
    code = reduction_code(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, class_dim)
    if target.dtype.is_floating_point and target.shape == input.shape:
        return _prob_cross_entropy(logp, target, weight, code, class_dim, label_smoothing)
    if label_smoothing > 0:
        _check_target(input, target)
        return _smoothed(logp, target, weight, code, class_dim, ignore_index, label_smoothing)
    return nll_loss(
        logp, target, weight, ignore_index=ignore_index, reduction=("none", "mean", "sum")[code]
    )


# -- regression losses ------------------------------------------------------------------------
def _pointwise(name: str, node: str, forward, grad_fn, attrs: tuple) -> Primitive:
    """A loss ``reduce(f(input - target))`` whose gradient is ``f'(input - target)``."""

    def rule_self(g: Tensor, s: dict) -> Tensor:
        return grad_fn(g, s["self"] - s["target"], s) * _scale(s, s["numel"])

    def rule_target(g: Tensor, s: dict) -> Tensor:
        return -grad_fn(g, s["self"] - s["target"], s) * _scale(s, s["numel"])

    return Primitive(
        name,
        node,
        lambda a, b, reduction, **kw: _reduce(forward(a - b, kw), reduction),
        (rule_self, rule_target),
        inputs=("self", "target"),
        saves={"self": (0, 1), "target": (0, 1)},
        dtype="promote",
        attrs=attrs + ("reduction", "self", "target"),
    )


_mse = _pointwise(
    "mse_loss", "MseLossBackward0", lambda d, kw: d * d, lambda g, d, s: g * d * 2, ()
)


def _smooth_l1_array(d: np.ndarray, kw: dict) -> np.ndarray:
    z, beta = np.abs(d), kw["beta"]
    return np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta).astype(d.dtype, copy=False)


def _huber_array(d: np.ndarray, kw: dict) -> np.ndarray:
    z, delta = np.abs(d), kw["delta"]
    return np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)).astype(d.dtype, copy=False)


def _clipped(limit: str, inside_scale: bool):
    def grad(g: Tensor, d: Tensor, s: dict) -> Tensor:
        c = s[limit]
        inner = g * d / c if inside_scale else g * d
        return where(
            d < -c,
            g * -(1.0 if inside_scale else c),
            where(d > c, g * (1.0 if inside_scale else c), inner),
        )

    return grad


_smooth_l1 = _pointwise(
    "smooth_l1_loss", "SmoothL1LossBackward0", _smooth_l1_array, _clipped("beta", True), ("beta",)
)
_huber = _pointwise(
    "huber_loss", "HuberLossBackward0", _huber_array, _clipped("delta", False), ("delta",)
)


def _regression(prim, input, target, code, **params) -> Tensor:
    input, target = _pair(input, target)
    return apply(prim, input, target, reduction=code, numel=input.numel(), **params)


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    weight=None,
) -> Tensor:
    """Mean squared error (F.mse_loss)."""
    return _regression(_mse, input, target, reduction_code(reduction, size_average, reduce))


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    weight=None,
) -> Tensor:
    """Mean absolute error, as PyTorch decomposes it: sub, abs, mean (F.l1_loss)."""
    code = reduction_code(reduction, size_average, reduce)
    input, target = _pair(input, target)
    loss = (input - target).abs()
    return loss.mean() if code == 1 else loss.sum() if code == 2 else loss


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """Squared below ``beta``, absolute above (F.smooth_l1_loss)."""
    code = reduction_code(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=("none", "mean", "sum")[code])
    return _regression(_smooth_l1, input, target, code, beta=beta)


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0, weight=None
) -> Tensor:
    """Squared below ``delta``, ``delta``-scaled absolute above (F.huber_loss)."""
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return _regression(_huber, input, target, reduction_code(reduction), delta=delta)


# -- binary cross entropy ---------------------------------------------------------------------
def _bce_forward(x, t, weight, reduction, **_):
    with np.errstate(divide="ignore", invalid="ignore"):
        log_x = np.maximum(np.log(x), -100)
        log_1mx = np.maximum(np.log1p(-x), -100)
    loss = -(t * log_x + (1 - t) * log_1mx)
    if weight is not None:
        loss = loss * weight._data
    return _reduce(loss.astype(x.dtype, copy=False), reduction)


def _weighted(grad: Tensor, s: dict) -> Tensor:
    if s["weight"] is not None:
        grad = grad * s["weight"]
    return grad * _scale(s, s["numel"])


_bce = Primitive(
    "binary_cross_entropy",
    "BinaryCrossEntropyBackward0",
    _bce_forward,
    (
        lambda g, s: _weighted(
            g * (s["self"] - s["target"]) / clamp_min((1 - s["self"]) * s["self"], 1e-12), s
        ),
        lambda g, s: _weighted(g * (log(1 - s["self"]) - log(s["self"])), s),
    ),
    inputs=("self", "target"),
    saves={"self": (0, 1), "target": (0,)},
    dtype="promote",
    attrs=("reduction", "self", "target", "weight"),
)


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Cross entropy of probabilities ``input`` against targets in [0, 1] (F.bce)."""
    code = reduction_code(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    if weight is not None and weight.shape != input.shape:
        weight = weight.expand(_broadcast_shape(target.shape, weight.shape))
    x = input._data
    if np.any((x < 0) | (x > 1)):
        raise RuntimeError("all elements of input should be between 0 and 1")
    return apply(_bce, input, target, weight=weight, reduction=code, numel=input.numel())


def _bcel_forward(x, t, weight, pos_weight, reduction, **_):
    log_sig = -(np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x))))
    if pos_weight is not None:
        log_sig = log_sig * ((pos_weight._data - 1) * t + 1)
    loss = (1 - t) * x - log_sig
    if weight is not None:
        loss = loss * weight._data
    return _reduce(loss.astype(x.dtype, copy=False), reduction)


def _bcel_self_rule(g: Tensor, s: dict) -> Tensor:
    x, t, pw = s["self"], s["target"], s["pos_weight"]
    if pw is None:
        return _weighted(g * (sigmoid(x) - t), s)
    pt = pw * t
    return _weighted(g * ((pt + 1 - t) * sigmoid(x) - pt), s)


def _bcel_target_rule(g: Tensor, s: dict) -> Tensor:
    x, pw = s["self"], s["pos_weight"]
    if pw is None:
        return _weighted(g * -x, s)
    return _weighted(g * (pw * softplus(-x) - softplus(x)), s)


_bcel = Primitive(
    "binary_cross_entropy_with_logits",
    "BinaryCrossEntropyWithLogitsBackward0",
    _bcel_forward,
    (_bcel_self_rule, _bcel_target_rule),
    inputs=("self", "target"),
    saves={"self": (0, 1), "target": (0,)},
    dtype="promote",
    attrs=("pos_weight", "reduction", "self", "target", "weight"),
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
    """Sigmoid + binary cross entropy in one stable step (F.binary_cross_entropy_with_logits)."""
    code = reduction_code(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
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
    "cross_entropy",
    "huber_loss",
    "l1_loss",
    "mse_loss",
    "nll_loss",
    "reduction_code",
    "smooth_l1_loss",
]
