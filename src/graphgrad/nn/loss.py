"""Loss layers: MSELoss, L1Loss, SmoothL1Loss, HuberLoss, CrossEntropyLoss, NLLLoss, BCELoss,
BCEWithLogitsLoss. Class weights are registered as buffers, as in PyTorch.

>>> import graphgrad as torch
>>> torch.nn.CrossEntropyLoss(), torch.nn.MSELoss()
(CrossEntropyLoss(), MSELoss())
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from ._reduction import reduction_code, reduction_name
from .module import Module


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction_name(reduction_code(reduction, size_average, reduce))


class _WeightedLoss(_Loss):
    def __init__(
        self, weight: Tensor | None = None, size_average=None, reduce=None, reduction: str = "mean"
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """The mean squared error ``(input - target) ** 2`` (see ``nn.functional.mse_loss``).

    Args:
        reduction: ``"mean"`` (the default) averages the per-element losses, ``"sum"`` adds
            them, ``"none"`` returns them unreduced.
        size_average, reduce: PyTorch's deprecated spellings of ``reduction``, still honoured.

    >>> loss = torch.nn.MSELoss()
    >>> loss(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 4.0]))
    tensor(2.5000)
    >>> torch.nn.MSELoss(reduction="none")(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 4.0]))
    tensor([1., 4.])
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """The mean absolute error ``|input - target|``.

    Args:
        size_average, reduce, reduction: as in ``MSELoss``.

    >>> torch.nn.L1Loss(reduction="sum")(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 4.0]))
    tensor(3.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta`` (divided by ``2 * beta``), absolute error minus
    ``beta / 2`` above it.

    Args:
        size_average, reduce, reduction: as in ``MSELoss``.
        beta: where the loss changes from quadratic to linear.

    >>> torch.nn.SmoothL1Loss(beta=1.0)(torch.tensor([1.0, 2.0]), torch.tensor([0.5, 4.0]))
    tensor(0.8125)
    """

    def __init__(
        self, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Half the squared error below ``delta``, ``delta * (|error| - delta / 2)`` above it.

    Args:
        reduction: as in ``MSELoss``.
        delta: where the loss changes from quadratic to linear.

    >>> torch.nn.HuberLoss(delta=1.0)(torch.tensor([1.0, 2.0]), torch.tensor([0.5, 4.0]))
    tensor(0.8125)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class NLLLoss(_WeightedLoss):
    """The negative log likelihood: minus the input's entry of each target class.

    The input holds log-probabilities (``LogSoftmax`` output), ``(N, C)`` or ``(N, C, d1, ...)``;
    the target holds class indices.

    Args:
        weight: a rescaling weight per class (a tensor of size C).
        size_average, reduce, reduction: as in ``MSELoss``.
        ignore_index: a target value that contributes nothing (and is left out of the mean).

    >>> log_probs = torch.tensor([[-0.5, -1.0], [-2.0, -0.1]])
    >>> torch.nn.NLLLoss()(log_probs, torch.tensor([0, 1]))
    tensor(0.3000)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average=None,
        ignore_index: int = -100,
        reduce=None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )


class CrossEntropyLoss(_WeightedLoss):
    """``LogSoftmax`` over the class dimension followed by ``NLLLoss``.

    The input holds raw scores (logits); the target holds class indices, or class probabilities
    of the input's shape.

    Args:
        weight: a rescaling weight per class (a tensor of size C).
        size_average, reduce, reduction: as in ``MSELoss``.
        ignore_index: a target class index that contributes nothing.
        label_smoothing: mix this much of the uniform distribution into the targets.

    >>> logits = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    >>> torch.nn.CrossEntropyLoss()(logits, torch.tensor([0, 1]))
    tensor(0.1269)
    >>> torch.nn.CrossEntropyLoss(label_smoothing=0.1)(logits, torch.tensor([0, 1]))
    tensor(0.2269)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average=None,
        ignore_index: int = -100,
        reduce=None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCELoss(_WeightedLoss):
    """Binary cross-entropy between probabilities ``input`` and targets in [0, 1].

    Args:
        weight: a rescaling weight per element (broadcast against the input).
        size_average, reduce, reduction: as in ``MSELoss``.

    >>> torch.nn.BCELoss()(torch.tensor([0.8, 0.2]), torch.tensor([1.0, 0.0]))
    tensor(0.2231)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """``Sigmoid`` followed by ``BCELoss``, computed stably from logits.

    Args:
        weight: a rescaling weight per element (broadcast against the input).
        size_average, reduce, reduction: as in ``MSELoss``.
        pos_weight: a weight for the positive term, per class (broadcast along the last dim).

    >>> loss = torch.nn.BCEWithLogitsLoss()
    >>> loss(torch.tensor([2.0, -2.0]), torch.tensor([1.0, 0.0]))
    tensor(0.1269)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average=None,
        reduce=None,
        reduction: str = "mean",
        pos_weight: Tensor | None = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )
