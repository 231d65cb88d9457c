"""Classification losses with PyTorch's nodes: nll_loss (NllLossBackward0, NllLoss2DBackward0)
and cross_entropy (NllLoss over LogSoftmax, or the probability-target form). The elementwise
losses are in ``loss_pointwise``; the reductions in ``_reduction``.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> p = torch.tensor([[0.2, 0.8], [0.6, 0.4]], requires_grad=True)
>>> F.cross_entropy(p, torch.tensor([1, 0]))
tensor(0.5178, grad_fn=<NllLossBackward0>)
"""

from __future__ import annotations

import numpy as np

from ...ops.activation import log_softmax
from ...ops.array_step import array_step
from ...ops.elementwise import where
from ...ops.primitive import LINEAR, Primitive, apply
from ...tensor import Tensor
from .._reduction import reduce_tensor, reduction_code, reduction_name


# -- nll_loss ---------------------------------------------------------------------------------
def _check_target(input: Tensor, target: Tensor, weight: Tensor | None) -> None:
    """nll_loss's argument checks, in PyTorch's order and with its messages (4-d inputs take
    PyTorch's nll_loss2d path, whose messages differ)."""
    if input.ndim == 4 and target.ndim != 3:
        raise RuntimeError(
            "only batches of spatial targets supported (3D tensors) but got targets of "
            f"dimension: {target.ndim}"
        )
    if input.ndim <= 2 and target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.ndim == 1 and target.ndim == 1 and target.shape[0] != 1:
        raise ValueError(
            f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}"
        )
    if input.ndim >= 2 and (target.ndim == 0 or target.shape[0] != input.shape[0]):
        got = target.shape[0] if target.ndim else 0
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({got})."
        )
    expected = input.shape[:1] + input.shape[2:]
    if input.ndim == 3 or input.ndim > 4:
        if tuple(target.shape) != tuple(expected):
            raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {target.dtype.legacy}"
        )
    if weight is not None:
        _check_weight(input, weight)
    if input.ndim == 4 and tuple(target.shape) != tuple(expected):
        raise RuntimeError(
            f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}"
        )  # (PyTorch's message, its spacing and unclosed parenthesis included)


def _checked_target(input: Tensor, target: Tensor, weight: Tensor | None) -> Tensor:
    """``target`` checked; a one-sample input's class index given as a 1-vector made 0-d."""
    _check_target(input, target, weight)
    return target.reshape(()) if input.ndim == 1 and target.ndim == 1 else target


def _check_weight(input: Tensor, weight: Tensor) -> None:
    classes = input.shape[0 if input.ndim == 1 else 1]
    if weight.ndim != 1 or weight.shape[0] != classes:
        if input.ndim <= 2:
            raise RuntimeError(
                f"weight tensor should be defined either for all {classes} classes or no "
                f"classes but got weight tensor of shape: {list(weight.shape)}"
            )
        raise RuntimeError("weight tensor should be defined either for all or no classes")
    if weight.dtype is not input.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.legacy} but found {weight.dtype.legacy}"
        )


def _target_index(ndim: int, safe: np.ndarray):
    """The index of each target's entry, for the usual (N, C) and (C,) inputs, or None (then
    the along-axis functions, several times slower on small batches, do it)."""
    if ndim == 2:
        return np.arange(safe.shape[0]), safe
    return safe if ndim == 1 else None


def _nll_forward(a, reduction, total_weight, picked, safe, class_dim, **_):
    index = _target_index(a.ndim, safe)
    if index is not None:
        chosen = a[index]
    else:
        chosen = np.squeeze(
            np.take_along_axis(a, np.expand_dims(safe, class_dim), class_dim), class_dim
        )
    loss = -chosen * picked
    if a.ndim == 1:  # one sample: PyTorch sums its one term from +0.0 (-0.0 comes out +0.0)
        loss = loss + a.dtype.type(0)
    if reduction == 1:
        return (loss.sum(dtype=a.dtype) / total_weight._data).astype(a.dtype)
    if reduction == 2:
        return loss.sum(dtype=a.dtype)
    return loss


def _targets_mask(shape: tuple, class_dim: int, safe: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """True at each counted target's entry (ignored targets have none), False elsewhere."""
    mask = np.zeros(shape, bool)
    index = _target_index(mask.ndim, safe)
    if index is not None:
        mask[index] = keep
    else:
        np.put_along_axis(
            mask, np.expand_dims(safe, class_dim), np.expand_dims(keep, class_dim), class_dim
        )
    return mask


def _nll_rule(grad, self, reduction, total_weight, weight, picked, class_dim, safe, keep, xp):
    """PyTorch's nll_loss_backward: ``-(grad / total_weight)`` for the mean (``-grad``
    otherwise), times the target's weight, at each counted target's entry; +0.0 everywhere else
    (written by ``where``, not multiplied, so a negative ``grad`` leaves no -0.0 behind)."""
    if reduction == 1:
        grad = grad / xp.asarray(total_weight)
    grad = -grad
    if weight is not None:
        grad = grad * xp.asarray(picked)
    if grad.ndim:  # one value per target (reduction none, or weighted): along the class dim
        grad = xp.reshape(grad, grad.shape[:class_dim] + (1,) + grad.shape[class_dim:])
    mask = _targets_mask(self.shape, class_dim, safe, keep)
    return xp.where(xp.asarray(mask), grad, 0.0)


def _nll_primitive(name: str, node: str) -> Primitive:
    """nll_loss and nll_loss2d: one computation under PyTorch's two node names."""
    return Primitive(
        name,
        node,
        _nll_forward,
        self=_nll_rule,
        attrs=("ignore_index", "reduction", "self", "target", "total_weight", "weight"),
        display={"ignore_index": lambda node: node._saved["ignore_index"] % 2**64},
        jvp=LINEAR,
    )


_nll_loss = _nll_primitive("nll_loss", "NllLossBackward0")
_nll_loss2d = _nll_primitive("nll_loss2d", "NllLoss2DBackward0")


@array_step
def _nll_weights(target: np.ndarray, classes: int, dtype, weight, ignore_index: int) -> tuple:
    """The targets as safe indices, each one's weight, which count, and the total weight: a
    function of arrays only, which graphgrad.compile records (and replays) as one step."""
    t = target.astype(np.int64)  # a copy: the node keeps it, whatever the caller does
    ignored = t == ignore_index
    any_ignored = ignored.any()
    safe = np.where(ignored, 0, t) if any_ignored else t
    if safe.size and (safe.min() < 0 or safe.max() >= classes):
        bad = (safe < 0) | (safe >= classes)
        raise IndexError(f"Target {t[bad].ravel()[0]} is out of bounds.")
    if weight is None and not any_ignored:  # the usual case: every target counts once
        picked = np.ones(safe.shape, dtype)
    else:
        w = weight[safe] if weight is not None else np.ones(safe.shape, dtype)
        picked = np.where(ignored, 0, w).astype(dtype)
    return safe, picked, ~ignored, np.asarray(picked.sum(), dtype)


def _nll_apply(
    prim: Primitive, input: Tensor, target: Tensor, weight, code: int, ignore_index: int
) -> Tensor:
    class_dim = 0 if input.ndim == 1 else 1
    classes = input._data.shape[class_dim]
    w = None if weight is None else weight._data
    safe, picked, keep, total = _nll_weights(
        target._data, classes, input._data.dtype, w, ignore_index
    )
    total = Tensor._make(total)
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
        keep=keep,
        class_dim=class_dim,
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
    """The negative log likelihood of class indices; see ``nn.NLLLoss``.

    Args:
        input: log-probabilities, ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``.
        target: class indices, ``(N,)``, ``()`` or ``(N, d1, ...)``.
        weight: a rescaling weight per class.
        size_average, reduce, reduction: as in ``nn.MSELoss``.
        ignore_index: a target value that contributes nothing.

    >>> F.nll_loss(torch.tensor([[-0.5, -1.0], [-2.0, -0.1]]), torch.tensor([0, 1]))
    tensor(0.3000)
    """
    code = reduction_code(reduction, size_average, reduce)
    target = _checked_target(input, target, weight)
    if input.ndim <= 2:
        return _nll_apply(_nll_loss, input, target, weight, code, ignore_index)
    if input.ndim == 4:
        return _nll_apply(_nll_loss2d, input, target, weight, code, ignore_index)
    n, c = input.shape[:2]
    flat_target = target.reshape(n, 1, -1)
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


@array_step
def _smoothing_terms(target: np.ndarray, ignore_index: int, weight, dtype) -> tuple:
    """Where the targets are ignored, and the mean's denominator: the weights of the others'
    classes (or their count), summed as PyTorch sums them; a step of a compiled call."""
    ignore = target == ignore_index
    denom = weight[target[~ignore]].sum() if weight is not None else (~ignore).sum()
    return ignore, np.asarray(denom, dtype)


def _smoothed(
    logp: Tensor,
    target: Tensor,
    weight,
    code: int,
    class_dim: int,
    ignore_index: int,
    label_smoothing: float,
) -> Tensor:
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction_name(code))
    w = None if weight is None else weight._data
    ignore, denom = _smoothing_terms(target._data, ignore_index, w, logp._data.dtype)
    prod = logp if weight is None else logp * _class_view(weight, logp.ndim, class_dim)
    smooth = where(Tensor._make(ignore), 0.0, -prod.sum(class_dim))
    ret = reduce_tensor(smooth, code, Tensor._make(denom) if code == 1 else None)
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
    """``log_softmax`` over the class dimension then ``nll_loss``; see ``nn.CrossEntropyLoss``.

    Args:
        input: logits, ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``.
        target: class indices, or class probabilities of ``input``'s shape.
        weight: a rescaling weight per class.
        size_average, reduce, reduction: as in ``nn.MSELoss``.
        ignore_index: a target class index that contributes nothing.
        label_smoothing: mix this much of the uniform distribution into the targets.

    >>> logits = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    >>> F.cross_entropy(logits, torch.tensor([0, 1]), reduction="none")
    tensor([0.1269, 0.1269])
    """
    code = reduction_code(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, class_dim)
    if target.dtype.is_floating_point and target.shape == input.shape:
        return _prob_cross_entropy(logp, target, weight, code, class_dim, label_smoothing)
    if label_smoothing > 0:
        target = _checked_target(input, target, weight)
        return _smoothed(logp, target, weight, code, class_dim, ignore_index, label_smoothing)
    return nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction_name(code))


__all__ = ["cross_entropy", "nll_loss"]
