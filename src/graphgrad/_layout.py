"""Memory layouts (``torch.layout``): ``strided`` for dense tensors, ``sparse_coo`` for sparse
COO ones (graphgrad has no CSR, CSC, BSR or BSC layouts).

>>> import graphgrad as torch
>>> torch.ones(2).layout, torch.eye(2).to_sparse().layout
(torch.strided, torch.sparse_coo)
"""

from __future__ import annotations

from ._named import TorchConstant


class layout(TorchConstant):  # noqa: N801 - PyTorch's name
    """How a tensor stores its elements; compare with ``is`` or ``==`` (one object per
    layout: ``torch.strided`` and ``torch.sparse_coo``, no others to make).

    Args:
        name: the layout's name, as printed after ``torch.``.

    >>> isinstance(torch.strided, torch.layout)
    True
    """

    __slots__ = ()


strided = layout("strided")
sparse_coo = layout("sparse_coo")

__all__ = ["layout", "sparse_coo", "strided"]
