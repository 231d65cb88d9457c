"""Margin and embedding losses, composed of existing ops: margin_ranking_loss,
hinge_embedding_loss, soft_margin_loss, multilabel_soft_margin_loss, cosine_embedding_loss,
multi_margin_loss, multilabel_margin_loss, triplet_margin_loss and
triplet_margin_with_distance_loss.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> x1, x2 = torch.tensor([1.0, 2.0]), torch.tensor([2.0, 1.0])
>>> F.margin_ranking_loss(x1, x2, torch.tensor([1.0, 1.0]))
tensor(0.5000)
"""

from __future__ import annotations

import numpy as np

from ... import dtypes
from ..._argcheck import check_castable
from ...ops.array_step import array_step
from ...ops.elementwise import minimum, where
from ...tensor import Tensor
from .._reduction import reduce_tensor, reduction_code
from .activation import logsigmoid
from .pairwise import pairwise_distance


def _code(size_average, reduce, reduction: str) -> int:
    return reduction_code(reduction, size_average, reduce)


def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``; see ``nn.MarginRankingLoss``.

    Args:
        input1, input2: the scores to rank.
        target: 1 where ``input1`` should rank higher, -1 where ``input2`` should.
        margin: the required gap.
        size_average, reduce, reduction: as in ``mse_loss``.

    >>> F.margin_ranking_loss(torch.tensor([1.0]), torch.tensor([0.0]), torch.tensor([-1.0]))
    tensor(1.)
    """
    code = _code(size_average, reduce, reduction)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} "
        )
    return reduce_tensor((-target * (input1 - input2) + margin).clamp_min(0), code)


def hinge_embedding_loss(
    input: Tensor,
    target: Tensor,
    margin: float = 1.0,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``input`` where ``target`` is 1, ``max(0, margin - input)`` where it is -1; see
    ``nn.HingeEmbeddingLoss``.

    Args:
        input: the distances.
        target: 1 or -1 per element.
        margin: the margin for the -1 elements.
        size_average, reduce, reduction: as in ``mse_loss``.

    >>> F.hinge_embedding_loss(torch.tensor([0.3, 0.4]), torch.tensor([1.0, -1.0]))
    tensor(0.4500)
    """
    code = _code(size_average, reduce, reduction)
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {input.dtype.legacy}"
        )
    zero = input.new_zeros(())
    below = where(target != 1, (margin - input).clamp_min(0), zero)
    return reduce_tensor(below + where(target != -1, input, zero), code)


def soft_margin_loss(
    input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean"
) -> Tensor:
    """``log(1 + exp(-target * input))``; see ``nn.SoftMarginLoss``.

    Args:
        input: the scores.
        target: 1 or -1 per element.
        size_average, reduce, reduction: as in ``mse_loss``.

    >>> F.soft_margin_loss(torch.tensor([0.0]), torch.tensor([1.0]))
    tensor(0.6931)
    """
    code = _code(size_average, reduce, reduction)
    check_castable(dtypes.get_default_dtype(), input.dtype)  # its exp is a float, input's dtype not
    return reduce_tensor((-target * input).exp().log1p(), code)


def multilabel_soft_margin_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross-entropy of each class's logit, averaged over the classes; see
    ``nn.MultiLabelSoftMarginLoss``.

    Args:
        input: ``(N, C)`` logits.
        target: ``(N, C)``, 1 for the present classes and 0 for the others.
        weight: a weight per class, or ``None``.
        size_average, reduce, reduction: as in ``mse_loss``.

    >>> F.multilabel_soft_margin_loss(torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """
    code = _code(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    return reduce_tensor(loss, code)


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``1 - cos(input1, input2)`` where ``target`` is 1, ``max(0, cos - margin)`` where it is
    -1; see ``nn.CosineEmbeddingLoss``.

    Args:
        input1, input2: ``(N, D)`` or ``(D,)`` embeddings.
        target: 1 or -1 per pair.
        margin: the margin for dissimilar pairs.
        size_average, reduce, reduction: as in ``mse_loss``.

    >>> F.cosine_embedding_loss(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 1.0]]),
    ...                         torch.tensor([1.0]))
    tensor(1.)
    """
    code = _code(size_average, reduce, reduction)
    if input1.ndim != input2.ndim:
        raise RuntimeError(
            f"cosine_embedding_loss : Input1 and Input2 should have same dimension, but got "
            f"{input1.ndim} and {input2.ndim}"
        )
    if target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    dim = input1.ndim - 1
    eps = 1e-12  # PyTorch's: added to each squared magnitude
    dot = (input1 * input2).sum(dim)
    mag1, mag2 = (input1 * input1).sum(dim) + eps, (input2 * input2).sum(dim) + eps
    cos = dot / (mag1 * mag2).sqrt()
    zero = cos.new_zeros(())
    loss = where(target == 1, 1 - cos, zero) + where(
        target == -1, (cos - margin).clamp_min(0), zero
    )
    return reduce_tensor(loss, code)


def _check_long_target(input: Tensor, target: Tensor, name: str) -> None:
    if target.dtype.name != "int64":
        raise RuntimeError(f"{name}: expected target dtype to be Long, got {target.dtype.legacy}")


@array_step
def _margin_targets(target: np.ndarray, classes: int) -> tuple:
    """The checked targets, flat, and the mask of the other classes of each sample (an array
    step: a compiled call reads each replay's targets)."""
    t = target.reshape(-1)
    _check_targets(t, classes)
    return t, np.arange(classes) != t[:, None]


@array_step
def _multilabel_targets(target: np.ndarray, shape: tuple) -> tuple:
    """Each slot's class (0 past the first -1) and the ``(N, slot, class)`` mask of the pairs
    counted: a listed target's slot against a class that is not a target."""
    t = target.reshape(shape)
    ended = np.cumsum(t == -1, axis=1) > 0  # the -1 and everything after it
    if (t[~ended] < -1).any() or (t[~ended] >= shape[1]).any():
        raise RuntimeError("argument #2 'target' is out of range")
    is_target = np.zeros(shape, bool)
    rows, slots = np.nonzero(~ended)
    is_target[rows, t[rows, slots]] = True
    return np.where(ended, 0, t), ~ended[:, :, None] & ~is_target[:, None, :]


def multi_margin_loss(
    input: Tensor,
    target: Tensor,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """The multi-class hinge loss: ``sum over i != y of max(0, margin - x[y] + x[i]) ** p``,
    divided by the number of classes; see ``nn.MultiMarginLoss``.

    Args:
        input: ``(N, C)`` or ``(C,)`` scores.
        target: the class of each sample.
        p: 1 or 2.
        margin: the required gap.
        weight: a weight per class (applied by the target's class), or ``None``.
        size_average, reduce, reduction: as in ``mse_loss``.

    >>> F.multi_margin_loss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([3]))
    tensor(0.3250)
    """
    code = _code(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.ndim == 2 else input.reshape(1, -1)
    _check_long_target(input, target, "multi_margin_loss")
    classes = x.shape[1]
    t, others = map(Tensor._make, _margin_targets(target._data, classes))
    chosen = x.gather(1, t.reshape(-1, 1))
    gaps = (margin - chosen + x).clamp_min(0)
    if p == 2:
        gaps = gaps * gaps
    if weight is not None:
        gaps = gaps * weight.gather(0, t).reshape(-1, 1)
    loss = where(others, gaps, gaps.new_zeros(())).sum(1) / classes
    if input.ndim < 2:
        loss = loss.reshape(target.shape) if target.ndim else loss.reshape(())
    return reduce_tensor(loss, code)


def multilabel_margin_loss(
    input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean"
) -> Tensor:
    """The multi-label hinge loss: for each target class ``j`` (the classes listed before the
    first -1) and each other class ``i``, ``max(0, 1 - (x[j] - x[i]))``, summed and divided by
    the number of classes; see ``nn.MultiLabelMarginLoss``.

    Args:
        input: ``(N, C)`` or ``(C,)`` scores.
        target: the same shape: class indices, ended by -1.
        size_average, reduce, reduction: as in ``mse_loss``.

    >>> F.multilabel_margin_loss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]),
    ...                          torch.tensor([[3, 0, -1, 1]]))
    tensor(0.8500)
    """
    code = _code(size_average, reduce, reduction)
    x = input if input.ndim == 2 else input.reshape(1, -1)
    _check_long_target(input, target, "multilabel_margin_loss")
    classes = x.shape[1]
    listed, counted = map(Tensor._make, _multilabel_targets(target._data, tuple(x.shape)))
    # (N, slot, class): slot j's target score against every non-target class
    chosen = x.gather(1, listed)
    gaps = (1 - chosen.unsqueeze(2) + x.unsqueeze(1)).clamp_min(0)
    loss = where(counted, gaps, gaps.new_zeros(())).sum((1, 2)) / classes
    if input.ndim < 2:
        loss = loss.reshape(())
    return reduce_tensor(loss, code)


def _triplet(anchor, positive, negative, distance, margin: float, swap: bool, code: int):
    d_pos, d_neg = distance(anchor, positive), distance(anchor, negative)
    if swap:
        d_neg = minimum(d_neg, distance(positive, negative))
    return reduce_tensor((margin + d_pos - d_neg).clamp_min(0), code)


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``max(0, d(anchor, positive) - d(anchor, negative) + margin)``, ``d`` the p-norm
    distance; see ``nn.TripletMarginLoss``.

    Args:
        anchor, positive, negative: ``(N, D)`` or ``(D,)`` embeddings.
        margin: the required gap.
        p: the norm's degree.
        eps: added to the differences (as ``pairwise_distance``).
        swap: use ``min(d(a, n), d(p, n))`` as the negative distance.
        size_average, reduce, reduction: as in ``mse_loss``.

    >>> F.triplet_margin_loss(torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]),
    ...                       torch.tensor([[1.0, 0.0]]))
    tensor(5.0000)
    """
    code = _code(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dims = (anchor.ndim, positive.ndim, negative.ndim)
    if len(set(dims)) != 1:  # any number of dims, the same for all three
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative "
            f"{dims[2]}D inputs"
        )

    def distance(a, b):
        return pairwise_distance(a, b, p, eps)

    return _triplet(anchor, positive, negative, distance, margin, swap, code)


def triplet_margin_with_distance_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    *,
    distance_function=None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """``triplet_margin_loss`` with any ``distance_function`` (``pairwise_distance`` by
    default); see ``nn.TripletMarginWithDistanceLoss``.

    Args:
        anchor, positive, negative: the embeddings.
        distance_function: a function of two tensors giving their distances.
        margin: the required gap (positive).
        swap: use ``min(d(a, n), d(p, n))`` as the negative distance.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    >>> F.triplet_margin_with_distance_loss(torch.tensor([[0.0]]), torch.tensor([[2.0]]),
    ...                                     torch.tensor([[1.0]]),
    ...                                     distance_function=lambda a, b: (a - b).abs().sum(1))
    tensor(2.)
    """
    code = reduction_code(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    distance = pairwise_distance if distance_function is None else distance_function
    return _triplet(anchor, positive, negative, distance, margin, swap, code)


__all__ = [
    "cosine_embedding_loss",
    "hinge_embedding_loss",
    "margin_ranking_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "soft_margin_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]


@array_step
def _check_targets(t: np.ndarray, classes: int) -> None:
    if t.size and (t.min() < 0 or t.max() >= classes):
        raise RuntimeError("target out of range")
