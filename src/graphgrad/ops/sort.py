"""Sorting: sort, argsort, msort, topk, kthvalue, with PyTorch's order among equal values.

The values are taken from the input at the returned indices, so the gradient goes back to those
positions (PyTorch's ``value_selecting_reduction_backward``). NaN sorts as the largest value.
Equal values come out in the order PyTorch's CPU kernels leave them (``_stdsort``); with
``stable=True``, in their original order.

>>> import graphgrad as torch
>>> x = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
>>> torch.sort(x)
torch.return_types.sort(
values=tensor([1., 2., 3.], grad_fn=<SortBackward0>),
indices=tensor([1, 2, 0]))
>>> torch.topk(x, 2).indices
tensor([0, 2])
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor, _wrap_dim
from . import _stdsort
from .array_step import array_step, constant
from .primitive import LINEAR, Primitive, apply
from .reduce.select import _select_prim, return_types
from .return_types import return_type

return_types.sort = return_type("sort")
return_types.topk = return_type("topk")
return_types.kthvalue = return_type("kthvalue")


def _scatter_back(grad, self_sym_sizes, axis, indices, xp):
    """The gradient into zeros of the input's shape at the returned indices."""
    if not self_sym_sizes:
        return grad
    zeros = xp.zeros(self_sym_sizes, grad)
    return xp.scatter(zeros, grad, dim=axis, axis=axis, index=indices, src_shape=grad.shape)


def _take(a: np.ndarray, indices: Tensor, axis: int, **_) -> np.ndarray:
    return a.copy() if a.ndim == 0 else np.take_along_axis(a, indices._data, axis)


def _sorting_prim(name: str, node: str) -> Primitive:
    return Primitive(
        name,
        node,
        _take,
        self=_scatter_back,
        attrs=("dim", "indices", "self_sym_sizes"),
        jvp=LINEAR,  # a take at fixed indices
    )


_sort = _sorting_prim("sort", "SortBackward0")
_topk = _sorting_prim("topk", "TopkBackward0")
_kthvalue = _select_prim("kthvalue", "KthvalueBackward0")


# -- the indices, slice by slice ------------------------------------------------------------------
def _ranks(row: np.ndarray, descending: bool) -> list[int]:
    """Ints ordered as the kernel's comparator orders ``row`` (NaN the largest; ties equal)."""
    _, inverse = np.unique(row, return_inverse=True)  # NaNs sort last and get the top ranks
    ranks = inverse.reshape(-1).astype(np.int64)
    if row.dtype.kind in "fc":
        nan = np.isnan(row)
        ranks[nan] = ranks.max(initial=0) + 1  # np.unique may keep several NaNs apart
    return (-ranks if descending else ranks).tolist()


def _replay(row: np.ndarray, descending: bool, algorithm, width: int) -> np.ndarray:
    """The first ``width`` indices after ``algorithm`` has moved ``row``'s (rank, index) pairs."""
    pairs = [[r, i] for i, r in enumerate(_ranks(row, descending))]
    algorithm(pairs)
    return np.array([i for _, i in pairs[:width]], np.int64)


def _stable_orders(rows: np.ndarray, descending: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each row's stable sorting indices (NaN the largest), and which rows hold equal values."""
    if not descending:
        orders = np.argsort(rows, axis=-1, kind="stable")
    elif rows.dtype.kind in "fc":  # NaN first, then the largest
        orders = np.lexsort((-rows, ~np.isnan(rows)), axis=-1)
    else:
        orders = np.argsort(-rows.astype(np.int64), axis=-1, kind="stable")
    ranked = np.take_along_axis(rows, orders, -1)
    same = ranked[:, 1:] == ranked[:, :-1]
    if rows.dtype.kind in "fc":
        same |= np.isnan(ranked[:, 1:]) & np.isnan(ranked[:, :-1])
    return orders, same.any(axis=-1)


def _by_slice(a: np.ndarray, axis: int, fn) -> np.ndarray:
    """``fn(rows)`` on the 2-D stack of ``a``'s slices along ``axis``; the result put back."""
    moved = np.moveaxis(a, axis, -1)
    out = fn(moved.reshape(-1, moved.shape[-1]))
    return np.moveaxis(out.reshape(moved.shape[:-1] + out.shape[-1:]), -1, axis)


def _radix_stable(a: np.ndarray, descending: bool) -> bool:
    """PyTorch's 1-D ascending integer sort of 32768+ elements is a (stable) radix sort."""
    return a.ndim == 1 and not descending and a.dtype.kind in "iu" and a.size >= 32768


@array_step
def _sort_indices(a: np.ndarray, axis: int, descending: bool, stable: bool) -> np.ndarray:
    stable = stable or _radix_stable(a, descending)

    def rows_fn(rows: np.ndarray) -> np.ndarray:
        orders, tied = _stable_orders(rows, descending)
        if not stable:  # rows without ties come out the same whatever the algorithm
            for r in np.flatnonzero(tied):
                orders[r] = _replay(rows[r], descending, _stdsort.introsort, rows.shape[1])
        return orders

    return _by_slice(a, axis, rows_fn)


def _topk_algorithm(k: int, n: int, sorted: bool):  # noqa: A002
    def algorithm(pairs: list) -> None:
        if k * 64 <= n:
            _stdsort.partial_sort(pairs, k)
            return
        _stdsort.nth_element(pairs, k - 1)
        if sorted:
            _stdsort.introsort(pairs, 0, k - 1)

    return algorithm


@array_step
def _topk_indices(a: np.ndarray, axis: int, k: int, largest: bool, sorted: bool) -> np.ndarray:  # noqa: A002
    def rows_fn(rows: np.ndarray) -> np.ndarray:
        n = rows.shape[1]
        orders, tied = _stable_orders(rows, largest)
        out = orders[:, :k].copy()
        if not sorted and k * 64 > n:  # nth_element leaves the k in its own order
            tied[:] = True
        algorithm = _topk_algorithm(k, n, sorted)
        for r in np.flatnonzero(tied):
            out[r] = _replay(rows[r], largest, algorithm, k)
        return out

    return _by_slice(a, axis, rows_fn)


def _kth_indices(a: np.ndarray, axis: int, k: int) -> np.ndarray:
    def rows_fn(rows: np.ndarray) -> np.ndarray:
        orders, tied = _stable_orders(rows, False)
        out = orders[:, k - 1 : k].copy()
        for r in np.flatnonzero(tied):
            out[r] = _replay(rows[r], False, lambda p: _stdsort.quickselect(p, k - 1), k)[-1]
        return out

    return _by_slice(a, axis, rows_fn)


# -- the public functions -------------------------------------------------------------------------
def _axis(input: Tensor, dim: int) -> int:
    return _wrap_dim(int(dim), max(input.ndim, 1))


@array_step
def _kth_result(a: np.ndarray, axis: int, k: int, keepdim: bool) -> np.ndarray:
    idx = _kth_indices(a, axis, k)
    return idx if keepdim else np.squeeze(idx, axis)


def _result(kind: str, prim: Primitive, input: Tensor, idx: np.ndarray, axis: int, dim: int):
    indices = Tensor._make(idx)
    values = apply(
        prim, input, indices=indices, axis=axis, dim=dim % 2**64, self_sym_sizes=input.shape
    )
    return getattr(return_types, kind)(values, indices)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """``(values, indices)`` of ``input`` sorted along ``dim`` (torch.sort).

    Args:
        input: the tensor.
        dim: the dimension to sort along.
        descending: sort largest first.
        stable: keep equal values in their order (otherwise their order is PyTorch's).

    >>> import graphgrad as torch
    >>> torch.sort(torch.tensor([[2, 1], [0, 5]]), dim=0, descending=True).indices
    tensor([[0, 1],
            [1, 0]])
    """
    a, axis = input._data, _axis(input, dim)
    idx = (
        constant(np.zeros((), np.int64))
        if a.ndim == 0
        else _sort_indices(a, axis, descending, stable)
    )
    return _result("sort", _sort, input, idx, axis, dim)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """The indices that sort ``input`` along ``dim`` (torch.argsort).

    Args:
        input: the tensor.
        dim: the dimension to sort along.
        descending: sort largest first.
        stable: keep equal values in their order.

    >>> import graphgrad as torch
    >>> torch.argsort(torch.tensor([3.0, 1.0, 2.0]), descending=True)
    tensor([0, 2, 1])
    """
    return sort(input, dim, descending, stable).indices


def msort(input: Tensor) -> Tensor:
    """``input`` sorted along its first dim (torch.msort).

    Args:
        input: the tensor.

    >>> import graphgrad as torch
    >>> torch.msort(torch.tensor([[2, 1], [0, 5]]))
    tensor([[0, 1],
            [2, 5]])
    """
    return sort(input, 0).values


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices (torch.topk).

    Args:
        input: the tensor.
        k: how many elements.
        dim: the dimension to select along.
        largest: the largest elements (``False``: the smallest).
        sorted: return them in sorted order.

    >>> import graphgrad as torch
    >>> torch.topk(torch.tensor([1.0, 5.0, 3.0, 4.0]), 2, largest=False)
    torch.return_types.topk(
    values=tensor([1., 3.]),
    indices=tensor([0, 2]))
    """
    a, axis = input._data, _axis(input, dim)
    n = a.shape[axis] if a.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if a.ndim == 0:
        idx = constant(np.zeros((), np.int64))
    elif k == 0:
        idx = constant(np.zeros(a.shape[:axis] + (0,) + a.shape[axis + 1 :], np.int64))
    else:
        idx = _topk_indices(a, axis, k, largest, sorted)
    return _result("topk", _topk, input, idx, axis, dim)


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False):
    """The ``k``-th smallest element along ``dim`` and its index (torch.kthvalue).

    Args:
        input: the tensor.
        k: which element, counting from 1.
        dim: the dimension to select along.
        keepdim: keep ``dim`` with size 1.

    >>> import graphgrad as torch
    >>> torch.kthvalue(torch.tensor([4.0, 1.0, 3.0]), 2).values
    tensor(3.)
    """
    a, axis = input._data, _axis(input, dim)
    n = a.shape[axis] if a.ndim else 1
    if n == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {axis} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    if a.ndim == 0:
        idx = constant(np.zeros((), np.int64))
    else:
        idx = _kth_result(a, axis, k, keepdim)
    values = apply(
        _kthvalue,
        input,
        indices=Tensor._make(idx),
        axis=axis,
        keepdim=keepdim,
        dim=dim % 2**64,
        self_sym_sizes=input.shape,
    )
    return return_types.kthvalue(values, Tensor._make(idx))


__all__ = ["argsort", "kthvalue", "msort", "sort", "topk"]

METHODS = {name: globals()[name] for name in __all__}
