"""More loss layers: PoissonNLLLoss, GaussianNLLLoss, CTCLoss, MarginRankingLoss,
HingeEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, CosineEmbeddingLoss,
MultiMarginLoss, MultiLabelMarginLoss, TripletMarginLoss, TripletMarginWithDistanceLoss,
LinearCrossEntropyLoss (and its LinearCrossEntropyOptions), and PairwiseDistance.

>>> import graphgrad as torch
>>> torch.nn.TripletMarginLoss(), torch.nn.CTCLoss()
(TripletMarginLoss(), CTCLoss())
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .linear import Linear
from .loss import _Loss, _WeightedLoss
from .module import Module


class PoissonNLLLoss(_Loss):
    """``F.poisson_nll_loss`` as a layer.

    Args:
        log_input: the input holds log-rates.
        full: add Stirling's approximation of ``log(target!)``.
        size_average, reduce, reduction: as in ``MSELoss``.
        eps: keeps ``log(input)`` finite when ``log_input`` is False.

    >>> torch.nn.PoissonNLLLoss()(torch.tensor([0.0]), torch.tensor([1.0]))
    tensor(1.)
    """

    def __init__(self, log_input: bool = True, full: bool = False, size_average=None,
                 eps: float = 1e-8, reduce=None, reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                  eps=self.eps, reduction=self.reduction)  # fmt: skip


class GaussianNLLLoss(_Loss):
    """``F.gaussian_nll_loss`` as a layer.

    Args:
        full: add the constant ``0.5 * log(2 pi)``.
        eps: the smallest variance used.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    >>> torch.nn.GaussianNLLLoss()(torch.tensor([0.0]), torch.tensor([2.0]), torch.tensor([1.0]))
    tensor(2.)
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                   reduction=self.reduction)  # fmt: skip


class CTCLoss(_Loss):
    """``F.ctc_loss`` as a layer.

    Args:
        blank: the blank label.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        zero_infinity: give impossible alignments a loss (and gradient) of 0.

    >>> lp = torch.tensor([[[0.5, 0.5]], [[0.5, 0.5]]]).log()
    >>> torch.nn.CTCLoss()(lp, torch.tensor([[1]]), [2], [1])
    tensor(0.2877)
    """

    def __init__(self, blank: int = 0, reduction: str = "mean",
                 zero_infinity: bool = False) -> None:  # fmt: skip
        super().__init__(None, None, reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths,
                target_lengths) -> Tensor:  # fmt: skip
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                          self.reduction, self.zero_infinity)  # fmt: skip


class _MarginLoss(_Loss):
    """A loss with a ``margin`` and two inputs and a target (or one input and a target)."""

    _fn: ClassVar[Callable[..., Any]]  # each subclass sets its functional form

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, *inputs: Tensor) -> Tensor:
        return type(self)._fn(*inputs, margin=self.margin, reduction=self.reduction)


class MarginRankingLoss(_MarginLoss):
    """``F.margin_ranking_loss`` as a layer.

    Args:
        margin: the required gap.
        size_average, reduce, reduction: as in ``MSELoss``.

    >>> torch.nn.MarginRankingLoss()(torch.tensor([1.0]), torch.tensor([2.0]), torch.tensor([1.0]))
    tensor(1.)
    """

    _fn = staticmethod(F.margin_ranking_loss)


class CosineEmbeddingLoss(_MarginLoss):
    """``F.cosine_embedding_loss`` as a layer.

    Args:
        margin: the margin for dissimilar pairs.
        size_average, reduce, reduction: as in ``MSELoss``.

    >>> torch.nn.CosineEmbeddingLoss()(torch.ones(1, 2), torch.ones(1, 2), torch.tensor([-1.0]))
    tensor(1.)
    """

    _fn = staticmethod(F.cosine_embedding_loss)


class HingeEmbeddingLoss(_MarginLoss):
    """``F.hinge_embedding_loss`` as a layer.

    Args:
        margin: the margin for the -1 elements.
        size_average, reduce, reduction: as in ``MSELoss``.

    >>> torch.nn.HingeEmbeddingLoss()(torch.tensor([0.25]), torch.tensor([-1.0]))
    tensor(0.7500)
    """

    _fn = staticmethod(F.hinge_embedding_loss)

    def __init__(self, margin: float = 1.0, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(margin, size_average, reduce, reduction)


class SoftMarginLoss(_Loss):
    """``F.soft_margin_loss`` as a layer.

    Args:
        size_average, reduce, reduction: as in ``MSELoss``.

    >>> torch.nn.SoftMarginLoss()(torch.tensor([0.0]), torch.tensor([1.0]))
    tensor(0.6931)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """``F.multilabel_margin_loss`` as a layer.

    Args:
        size_average, reduce, reduction: as in ``MSELoss``.

    >>> torch.nn.MultiLabelMarginLoss()(torch.tensor([0.1, 0.9]), torch.tensor([1, -1]))
    tensor(0.1000)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """``F.multilabel_soft_margin_loss`` as a layer.

    Args:
        weight: a weight per class, or ``None``.
        size_average, reduce, reduction: as in ``MSELoss``.

    >>> torch.nn.MultiLabelSoftMarginLoss()(torch.zeros(1, 2), torch.tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight,
                                             reduction=self.reduction)  # fmt: skip


class MultiMarginLoss(_WeightedLoss):
    """``F.multi_margin_loss`` as a layer.

    Args:
        p: 1 or 2.
        margin: the required gap.
        weight: a weight per class, or ``None``.
        size_average, reduce, reduction: as in ``MSELoss``.

    >>> torch.nn.MultiMarginLoss()(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([3]))
    tensor(0.3250)
    """

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                 size_average=None, reduce=None, reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.ndim != 1:
            raise ValueError(
                f"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.ndim}D "
                "instead"
            )
        self.p, self.margin = p, margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin,
                                   weight=self.weight, reduction=self.reduction)  # fmt: skip


class TripletMarginLoss(_Loss):
    """``F.triplet_margin_loss`` as a layer.

    Args:
        margin: the required gap.
        p: the norm's degree.
        eps: added to the differences.
        swap: use ``min(d(a, n), d(p, n))`` as the negative distance.
        size_average, reduce, reduction: as in ``MSELoss``.

    >>> torch.nn.TripletMarginLoss()(torch.zeros(1, 2), torch.zeros(1, 2), torch.zeros(1, 2))
    tensor(1.)
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                 swap: bool = False, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(
                f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead"
            )
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p,
                                     eps=self.eps, swap=self.swap,
                                     reduction=self.reduction)  # fmt: skip


class PairwiseDistance(Module):
    """``F.pairwise_distance`` as a layer.

    Args:
        p: the norm's degree.
        eps: added to the differences.
        keepdim: keep the last dimension.

    >>> torch.nn.PairwiseDistance()(torch.zeros(1, 2), torch.tensor([[3.0, 4.0]]))
    tensor([5.0000])
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class TripletMarginWithDistanceLoss(_Loss):
    """``F.triplet_margin_with_distance_loss`` as a layer.

    Args:
        distance_function: a function of two tensors giving their distances
            (``PairwiseDistance()`` when ``None``).
        margin: the required gap (positive).
        swap: use ``min(d(a, n), d(p, n))`` as the negative distance.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    >>> torch.nn.TripletMarginWithDistanceLoss()(torch.zeros(1, 2), torch.zeros(1, 2),
    ...                                          torch.zeros(1, 2))
    tensor(1.)
    """

    def __init__(self, *, distance_function=None, margin: float = 1.0, swap: bool = False,
                 reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(None, None, reduction)
        if margin <= 0:
            raise ValueError(
                "TripletMarginWithDistanceLoss: expected margin to be greater than 0, got "
                f"{margin} instead"
            )
        self.distance_function = (
            distance_function if distance_function is not None else PairwiseDistance()
        )
        self.margin, self.swap = margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction,
        )  # fmt: skip


@dataclass
class LinearCrossEntropyOptions:
    """PyTorch's settings for a chunked ``linear_cross_entropy``; accepted for compatibility
    (graphgrad computes the logits at once, so they change nothing).

    Args:
        allow_retain_graph, batch_chunk_size, chunking_method, acc_policy, acc_dtype: as in
            PyTorch.

    >>> torch.nn.LinearCrossEntropyOptions().acc_policy
    'auto'
    """

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None


class LinearCrossEntropyLoss(Module):
    """A ``Linear`` output layer (``in_features`` to ``num_classes``, no bias by default) and
    ``cross_entropy`` in one module.

    Args:
        in_features: the size of each input sample.
        num_classes: the number of classes.
        out_features: must be ``()`` (other shapes are not supported).
        bias: learn a bias in the output layer.
        device, dtype: as in ``Linear``.
        reduction, weight, ignore_index, label_smoothing: as in ``cross_entropy``.
        options: a ``LinearCrossEntropyOptions`` (no effect here).

    >>> loss = torch.nn.LinearCrossEntropyLoss(3, 4)
    >>> loss(torch.zeros(2, 3), torch.tensor([0, 1]))
    tensor(1.3863, grad_fn=<NllLossBackward0>)
    """

    def __init__(self, in_features: int, num_classes: int, *, out_features: tuple = (),
                 bias: bool = False, device=None, dtype=None, reduction: str = "mean",
                 weight: Tensor | None = None, ignore_index: int | None = None,
                 label_smoothing: float = 0.0, options=None) -> None:  # fmt: skip
        super().__init__()
        if tuple(out_features):
            raise NotImplementedError("LinearCrossEntropyLoss: only out_features=() is supported")
        self.num_classes, self.out_features = num_classes, tuple(out_features)
        self.reduction, self.ignore_index = reduction, ignore_index
        self.label_smoothing, self.options = label_smoothing, options
        self.register_buffer("weight", weight)
        self.linear = Linear(in_features, num_classes, bias=bias, device=device, dtype=dtype)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.linear_cross_entropy(
            input, self.linear.weight, target, linear_bias=self.linear.bias,
            weight=self.weight, reduction=self.reduction, ignore_index=self.ignore_index,
            label_smoothing=self.label_smoothing, options=self.options,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
            f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
            f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
            f"label_smoothing={self.label_smoothing}, options={self.options}"
        )


__all__ = [
    "CTCLoss",
    "CosineEmbeddingLoss",
    "GaussianNLLLoss",
    "HingeEmbeddingLoss",
    "LinearCrossEntropyLoss",
    "LinearCrossEntropyOptions",
    "MarginRankingLoss",
    "MultiLabelMarginLoss",
    "MultiLabelSoftMarginLoss",
    "MultiMarginLoss",
    "PairwiseDistance",
    "PoissonNLLLoss",
    "SoftMarginLoss",
    "TripletMarginLoss",
    "TripletMarginWithDistanceLoss",
]
