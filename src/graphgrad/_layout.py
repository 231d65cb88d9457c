"""Memory layouts (``torch.layout``): ``strided`` for dense tensors, ``sparse_coo`` for sparse
COO ones (graphgrad has no CSR, CSC, BSR or BSC layouts).

>>> import graphgrad as torch
>>> torch.ones(2).layout, torch.eye(2).to_sparse().layout
(torch.strided, torch.sparse_coo)
"""

from __future__ import annotations


class layout:  # noqa: N801 - PyTorch's name
    """How a tensor stores its elements; compare with ``is`` or ``==`` (one object per
    layout: ``torch.strided`` and ``torch.sparse_coo``, no others to make).

    Args:
        name: the layout's name, as printed after ``torch.``.

    >>> isinstance(torch.strided, torch.layout)
    True
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name  # pickled by name: unpickling gives the same object


strided = layout("strided")
sparse_coo = layout("sparse_coo")

__all__ = ["layout", "sparse_coo", "strided"]
