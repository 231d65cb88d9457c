"""``matmul`` and ``@``: PyTorch's ``_matmul_impl`` step by step, on the products of linalg.py.

The graph has PyTorch's nodes: ``v @ B`` is SqueezeBackward4 -> MmBackward0 ->
UnsqueezeBackward0, a batched product is UnsafeViewBackward0 -> BmmBackward0 -> ViewBackward0
-> ExpandBackward0, and so on.

>>> import graphgrad as torch
>>> (torch.ones(3, requires_grad=True) @ torch.ones(3, 4)).grad_fn.name()
'SqueezeBackward4'
>>> (torch.ones(2, 2, 3, requires_grad=True) @ torch.ones(3, 4)).shape
torch.Size([2, 2, 4])
"""

from __future__ import annotations

import numpy as np

from ..._argcheck import type_name
from ...tensor import Tensor
from ..broadcast import broadcast_shapes
from ..elementwise import as_operand
from ..primitive import LINEAR, Primitive, apply
from .products import bmm, dot, mm, mv

_squeeze_row = Primitive(
    "matmul_squeeze",
    "SqueezeBackward4",
    lambda a, **_: a[0],
    self=lambda grad, xp: xp.unsqueeze(grad, 0),
    attrs=("dim", "self_sym_sizes"),
    jvp=LINEAR,
)
_unsafe_view = Primitive(
    "matmul_unsafe_view",
    "UnsafeViewBackward0",
    lambda a, shape, **_: np.reshape(a, shape),
    self=lambda grad, self_sym_sizes, xp: xp.reshape(grad, self_sym_sizes),
    attrs=("self_sym_sizes",),
    jvp=LINEAR,
)


def _unsafe(x: Tensor, shape: tuple) -> Tensor:
    """PyTorch's ``_unsafe_view`` of a fresh product: a reshape that is not a view."""
    return apply(_unsafe_view, x, shape=tuple(shape), self_sym_sizes=x._data.shape)


def _should_fold(t1: Tensor, t2: Tensor) -> bool:
    """PyTorch's ``should_fold``: fold the batch of the larger operand into mm / mv rows."""
    larger = t1.ndim >= t2.ndim
    big, small = (t1, t2) if larger else (t2, t1)
    shape, strides = list(big.shape), list(big.stride())
    if not larger:  # the checks look at big.mT
        shape[-2:], strides[-2:] = shape[:-3:-1], strides[:-3:-1]
    if not (big.ndim >= 3 and small.ndim <= 2):
        return False
    if small.requires_grad:
        return True
    if t1.ndim == 2:
        return False
    if big.numel() == 0:
        return True
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(big.ndim - 2))


def _matmul_folded(tensor1: Tensor, tensor2: Tensor) -> Tensor:
    """N-D @ 1-D / 2-D (or the mirror image) as one mm or mv over folded rows."""
    transpose = tensor2.ndim > tensor1.ndim
    t1 = tensor2.mT if transpose else tensor1
    t2 = tensor2 if not transpose else tensor1.t() if tensor1.ndim == 2 else tensor1
    out_shape = tuple(t1.shape[:-1])
    folded = int(np.prod(out_shape))
    t1_folded = t1.reshape(folded, t1.shape[-1])
    if t2.ndim == 2:
        out = _unsafe(mm(t1_folded, t2), out_shape + (t2.shape[1],))
        return out.mT.contiguous() if transpose else out
    return _unsafe(mv(t1_folded, t2), out_shape)


def _matmul_batched(tensor1: Tensor, tensor2: Tensor) -> Tensor:
    """Broadcast the batch dims, fold them into one, and call bmm."""
    d1, d2 = tensor1.ndim, tensor2.ndim
    n, m1 = (tensor1.shape[-2] if d1 > 1 else 1), tensor1.shape[-1]
    m2, p = (tensor2.shape[-2], tensor2.shape[-1]) if d2 > 1 else (tensor2.shape[0], 1)
    batch1, batch2 = tuple(tensor1.shape[:-2]), tuple(tensor2.shape[:-2])
    if d1 == 3 and d2 == 3 and batch1[0] != batch2[0]:
        if batch1[0] == 1 and tensor1.requires_grad:
            return matmul(tensor1.squeeze(0), tensor2)
        if batch2[0] == 1 and tensor2.requires_grad:
            return matmul(tensor1, tensor2.squeeze(0))
    batch = broadcast_shapes(batch1, batch2)
    size = int(np.prod(batch))
    left = tensor1.expand(batch + (n, m1)).reshape(size, n, m1)
    if d2 == 1:
        right = tensor2.expand(batch + (m2,)).reshape(size, m2).unsqueeze(2)
    else:
        right = tensor2.expand(batch + (m2, p)).reshape(size, m2, p)
    out_shape = batch + ((n,) if d1 > 1 else ()) + ((p,) if d2 > 1 else ())
    out = bmm(left, right)
    return _unsafe(out.squeeze(-1) if d2 == 1 else out, out_shape)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """The matrix product with NumPy's and PyTorch's rules (also ``input @ other``): 1-D
    operands are vectors, and leading dimensions broadcast as a batch.

    Args:
        input: a tensor with at least one dimension.
        other: a tensor with at least one dimension.

    >>> torch.matmul(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([1.0, 1.0]))
    tensor([3., 7.])
    >>> (torch.ones(5, 2, 3) @ torch.ones(3, 4)).shape
    torch.Size([5, 2, 4])
    """
    if not isinstance(other, Tensor):
        raise TypeError(
            f"matmul(): argument 'other' (position 2) must be Tensor, not {type_name(other)}"
        )
    d1, d2 = input.ndim, other.ndim
    if d1 == 0 or d2 == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D"
        )
    if d1 == 1 and d2 == 1:
        return dot(input, other)
    if d1 == 2 and d2 == 1:
        return mv(input, other)
    if d1 == 1 and d2 == 2:
        row = mm(input.unsqueeze(0), other)
        return apply(_squeeze_row, row, dim=0, self_sym_sizes=row._data.shape)
    if d1 == 2 and d2 == 2:
        return mm(input, other)
    if _should_fold(input, other):
        return _matmul_folded(input, other)
    return _matmul_batched(input, other)


def _matmul_op(self: Tensor, other) -> Tensor:
    return matmul(self, _as_tensor(other))


def _rmatmul(self: Tensor, other) -> Tensor:
    return matmul(_as_tensor(other), self)


def _as_tensor(value) -> Tensor:
    """An array-like operand of ``@`` as a tensor (``ndarray @ tensor`` reaches __rmatmul__)."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (int, float, complex, bool, np.generic)):
        # the operator then returns NotImplemented: Python's "unsupported operand type(s)"
        raise TypeError(f"matmul(): argument 'other' must be Tensor, not {type_name(value)}")
    return as_operand(value)


__all__ = ["matmul"]

METHODS = {"matmul": matmul, "__matmul__": _matmul_op, "__rmatmul__": _rmatmul}
