"""``nn.EmbeddingBag``: an embedding table whose lookups are summed, averaged or maxed per bag.

>>> import graphgrad as torch
>>> torch.nn.EmbeddingBag(10, 3)
EmbeddingBag(10, 3, mode='mean')
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from . import init
from .linear import empty_parameter
from .module import Module
from .parameter import Parameter


class EmbeddingBag(Module):
    """``F.embedding_bag`` with a learnt table ``weight`` (``num_embeddings x embedding_dim``,
    N(0, 1) at the start).

    Args:
        num_embeddings: the number of rows.
        embedding_dim: the size of each row.
        max_norm, norm_type: renormalise looked-up rows, as in ``Embedding``.
        scale_grad_by_freq: divide each row's gradient by its count in the batch.
        mode: ``"sum"``, ``"mean"`` or ``"max"``.
        sparse: accepted for compatibility; gradients are dense.
        include_last_offset: ``offsets`` has one more entry, the end of the last bag.
        padding_idx: an index left out of every bag (its row starts at zero).
        device, dtype: as in ``Linear``.

    >>> bag = torch.nn.EmbeddingBag(5, 2, mode="sum")
    >>> bag(torch.tensor([0, 1, 2]), torch.tensor([0, 1])).shape
    torch.Size([2, 2])
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight: Tensor | None = None,
                 include_last_offset: bool = False, padding_idx: int | None = None,
                 device=None, dtype=None) -> None:  # fmt: skip
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("padding_idx must be within num_embeddings")
            if padding_idx < 0:
                padding_idx += num_embeddings
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = empty_parameter(num_embeddings, embedding_dim, dtype=dtype)
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError(
                    "Shape of weight does not match num_embeddings and embedding_dim"
                )
            self.weight = Parameter(_weight)
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset

    def reset_parameters(self) -> None:
        """Draw new N(0, 1) rows (the padding row stays zero).

        >>> torch.nn.EmbeddingBag(3, 2).reset_parameters()
        """
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    def forward(self, input: Tensor, offsets: Tensor | None = None,
                per_sample_weights: Tensor | None = None) -> Tensor:  # fmt: skip
        return F.embedding_bag(
            input, self.weight, offsets, self.max_norm, self.norm_type,
            self.scale_grad_by_freq, self.mode, self.sparse, per_sample_weights,
            self.include_last_offset, self.padding_idx,
        )  # fmt: skip

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True,
                        max_norm: float | None = None, norm_type: float = 2.0,
                        scale_grad_by_freq: bool = False, mode: str = "mean",
                        sparse: bool = False, include_last_offset: bool = False,
                        padding_idx: int | None = None) -> EmbeddingBag:  # fmt: skip
        """An EmbeddingBag whose ``weight`` is ``embeddings``.

        Args:
            embeddings: the table.
            freeze: keep the table fixed (``requires_grad=False``).
            max_norm, norm_type, scale_grad_by_freq, mode, sparse, include_last_offset,
            padding_idx: as in ``EmbeddingBag``.

        >>> bag = torch.nn.EmbeddingBag.from_pretrained(torch.tensor([[1.0], [3.0]]))
        >>> bag(torch.tensor([[0, 1]]))
        tensor([[2.]])
        """
        rows, cols = embeddings.shape
        bag = cls(rows, cols, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                  embeddings, include_last_offset, padding_idx)  # fmt: skip
        bag.weight.requires_grad = not freeze
        return bag

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s


__all__ = ["EmbeddingBag"]
