"""CosineSimilarity and the KL divergence loss (KLDivLoss) as layers.

>>> import graphgrad as torch
>>> torch.nn.CosineSimilarity(dim=0)(torch.tensor([1.0, 0.0]), torch.tensor([2.0, 0.0]))
tensor(1.)
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from ._reduction import reduction_code, reduction_name
from .module import Module


class CosineSimilarity(Module):
    """``F.cosine_similarity(x1, x2, dim, eps)`` as a layer.

    Args:
        dim: the dimension the vectors run along.
        eps: the smallest norm divided by.

    >>> torch.nn.CosineSimilarity(dim=0)(torch.tensor([1.0, 0.0]), torch.tensor([1.0, 1.0]))
    tensor(0.7071)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class KLDivLoss(Module):
    """``F.kl_div`` as a loss layer; ``reduction`` may also be ``'batchmean'``.

    Args:
        size_average, reduce: PyTorch's legacy forms of ``reduction``.
        reduction: ``'none'``, ``'sum'``, ``'mean'`` or ``'batchmean'``.
        log_target: whether the target holds log-probabilities.

    >>> import graphgrad as torch
    >>> loss = torch.nn.KLDivLoss(reduction="batchmean")
    >>> loss(torch.tensor([[-0.5, -1.0]]), torch.tensor([[0.5, 0.5]]))
    tensor(0.0569)
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 log_target: bool = False) -> None:  # fmt: skip
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = reduction_name(reduction_code(reduction, size_average, reduce))
        self.reduction, self.log_target = reduction, log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)
