"""``nn.AdaptiveLogSoftmaxWithLoss``: an efficient softmax over many classes (Grave et al.,
"Efficient softmax approximation for GPUs"). The frequent classes (below ``cutoffs[0]``) and
one token per rarer cluster share a ``head`` layer; each cluster's own classes come from a
smaller ``tail`` projection.

>>> import graphgrad as torch
>>> asm = torch.nn.AdaptiveLogSoftmaxWithLoss(16, 10, [4, 8])
>>> out = asm(torch.zeros(3, 16), torch.tensor([0, 5, 9]))
>>> out.output.shape, out.loss.shape
(torch.Size([3]), torch.Size([]))
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..ops.activation import log_softmax
from ..ops.shape.join import cat
from ..tensor import Tensor
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


def _check_cutoffs(cutoffs: list, n_classes: int) -> None:
    if not cutoffs:
        raise ValueError("cutoffs should be a sequence of length larger than 0")
    if (
        cutoffs != sorted(cutoffs)
        or min(cutoffs) <= 0
        or max(cutoffs) > n_classes - 1
        or len(set(cutoffs)) != len(cutoffs)
        or any(int(c) != c for c in cutoffs)
    ):
        raise ValueError(
            "cutoffs should be a sequence of unique, positive integers sorted in an increasing "
            "order, where each value is between 1 and n_classes-1"
        )


def _check_shapes(input: Tensor, target: Tensor) -> None:
    if target.ndim == 1:
        if input.shape[0] != target.shape[0]:
            raise RuntimeError("Input and target should have the same size in the batch dimension.")
        if input.ndim != 2:
            raise RuntimeError(
                "1D target tensor expects 2D input tensors, but found inputs with size "
                f"{input.shape}"
            )
    elif target.ndim == 0:
        if input.ndim != 1:
            raise RuntimeError(
                "0D target tensor expects 1D input tensors, but found inputs with size "
                f"{input.shape}"
            )
    else:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")


class AdaptiveLogSoftmaxWithLoss(Module):
    """The adaptive softmax: ``forward(input, target)`` gives each target's log-probability
    (``output``) and their mean negative (``loss``).

    Args:
        in_features: the size of each input sample.
        n_classes: the number of classes.
        cutoffs: increasing class indices that split the classes into the head's shortlist
            and the clusters.
        div_value: each successive cluster's projection is this much smaller.
        head_bias: give the head layer a bias.
        device, dtype: as in ``Linear``.

    >>> torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]).log_prob(torch.zeros(1, 8)).shape
    torch.Size([1, 10])
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs, div_value: float = 4.0,
                 head_bias: bool = False, device=None, dtype=None) -> None:  # fmt: skip
        super().__init__()
        cutoffs = list(cutoffs)
        _check_cutoffs(cutoffs, n_classes)
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(
                Sequential(
                    Linear(in_features, hidden, bias=False, dtype=dtype),
                    Linear(hidden, size, bias=False, dtype=dtype),
                )
            )

    def reset_parameters(self) -> None:
        """Draw new initial values for the head and every tail layer.

        >>> torch.nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2]).reset_parameters()
        """
        self.head.reset_parameters()
        for projection in self.tail:
            assert isinstance(projection, Sequential)  # every tail entry is built as one above
            for layer in projection:
                layer.reset_parameters()

    def forward(self, input: Tensor, target: Tensor):
        _check_shapes(input, target)
        unbatched = target.ndim == 0
        if unbatched:
            input, target = input.unsqueeze(0), target.unsqueeze(0)
        t = target._data.astype(np.int64)
        if t.size and (t.min() < 0 or t.max() >= self.n_classes):
            raise RuntimeError(
                f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                f"[{t.min()}, {t.max()}] were found. "
            )
        # the head's column for each target: its class in the shortlist, else its cluster's
        cluster = np.searchsorted(np.array(self.cutoffs), t, side="right")
        head_column = np.where(cluster == 0, t, self.shortlist_size + cluster - 1)
        head = log_softmax(self.head(input), 1)
        output = head.gather(1, Tensor._make(head_column[:, None])).squeeze(1)
        for i in range(1, self.n_clusters + 1):
            rows = np.nonzero(cluster == i)[0]
            if not rows.size:
                continue
            index = Tensor._make(rows)
            within = log_softmax(self.tail[i - 1](input.index_select(0, index)), 1)
            relative = Tensor._make((t[rows] - self.cutoffs[i - 1])[:, None])
            picked = within.gather(1, relative).squeeze(1)
            output = output.index_add(0, index, picked)
        loss = (-output).mean()
        if unbatched:
            output = output.squeeze(0)
        return _ASMoutput(output, loss)

    def _full_log_prob(self, input: Tensor, head_output: Tensor) -> Tensor:
        head = log_softmax(head_output, 1)
        pieces = [head[:, : self.shortlist_size]]
        for i, projection in enumerate(self.tail):
            cluster = log_softmax(projection(input), 1)
            pieces.append(cluster + head[:, self.shortlist_size + i].unsqueeze(1))
        return cat(pieces, 1)

    def log_prob(self, input: Tensor) -> Tensor:
        """The log-probability of every class, ``(N, n_classes)`` (or ``(n_classes,)``).

        Args:
            input: ``(N, in_features)`` or ``(in_features,)``.

        >>> asm = torch.nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2])
        >>> round(asm.log_prob(torch.ones(4)).exp().sum().item(), 4)
        1.0
        """
        unbatched = input.ndim == 1
        x = input.unsqueeze(0) if unbatched else input
        out = self._full_log_prob(x, self.head(x))
        return out.squeeze(0) if unbatched else out

    def predict(self, input: Tensor) -> Tensor:
        """The most likely class of each sample.

        Args:
            input: ``(N, in_features)`` or ``(in_features,)``.

        >>> torch.nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2]).predict(torch.ones(3, 4)).shape
        torch.Size([3])
        """
        return self.log_prob(input).argmax(-1)


__all__ = ["AdaptiveLogSoftmaxWithLoss"]
