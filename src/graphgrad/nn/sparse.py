"""``nn.Embedding``: a lookup table of learnt vectors (EmbeddingBackward0).

>>> import graphgrad as torch
>>> torch.nn.Embedding(10, 3, padding_idx=0)
Embedding(10, 3, padding_idx=0)
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from . import init
from .linear import empty_parameter
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """A lookup table: row ``i`` of ``weight`` for each index ``i`` in the input.

    ``weight`` (``num_embeddings x embedding_dim``) starts N(0, 1).

    Args:
        num_embeddings: the number of rows.
        embedding_dim: the size of each row.
        padding_idx: a row that starts at zero and gets no gradient.
        max_norm: renormalise looked-up rows whose norm exceeds this, in place.
        norm_type: the p of the norm for ``max_norm``.
        scale_grad_by_freq: divide each row's gradient by how often it occurs in the batch.
        sparse: accepted for compatibility; gradients are dense.
        device, dtype: as in ``Linear``.

    >>> emb = torch.nn.Embedding(10, 3, padding_idx=0)
    >>> emb(torch.tensor([[0, 2]])).shape
    torch.Size([1, 2, 3])
    >>> emb.weight[0]
    tensor([0., 0., 0.], grad_fn=<SelectBackward0>)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Tensor | None = None,
        _freeze: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("Padding_idx must be within num_embeddings")
            if padding_idx < 0:
                padding_idx += num_embeddings
        self.padding_idx, self.max_norm, self.norm_type = padding_idx, max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = empty_parameter(num_embeddings, embedding_dim, dtype=dtype)
            self.reset_parameters()
        else:
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """Draw new N(0, 1) rows (the padding row stays zero).

        >>> torch.nn.Embedding(3, 2).reset_parameters()
        """
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(
            input,
            self.weight,
            self.padding_idx,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.sparse,
        )

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding whose ``weight`` is ``embeddings``.

        Args:
            embeddings: the table, ``num_embeddings x embedding_dim``.
            freeze: keep the table fixed (``requires_grad=False``).
            padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse: as in ``Embedding``.

        >>> emb = torch.nn.Embedding.from_pretrained(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> emb(torch.tensor([1])), emb.weight.requires_grad
        (tensor([[3., 4.]]), False)
        """
        rows, cols = embeddings.shape
        return cls(
            rows,
            cols,
            padding_idx,
            max_norm,
            norm_type,
            scale_grad_by_freq,
            sparse,
            _weight=embeddings,
            _freeze=freeze,
        )

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        if self.sparse:
            s += ", sparse=True"
        return s
