"""Selecting reductions: max, min, amax, amin, median, argmax, argmin.

Whole-tensor ``max()`` / ``min()`` / ``median()`` and ``amax`` / ``amin`` split the gradient
evenly among ties; with ``dim``, ``max`` / ``min`` / ``median`` return ``(values, indices)`` and
the gradient goes to the returned index (the first occurrence), as in PyTorch.

>>> import graphgrad as torch
>>> a = torch.tensor([[1.0, 3.0], [4.0, 2.0]], requires_grad=True)
>>> a.max(dim=1)
torch.return_types.max(
values=tensor([3., 4.], grad_fn=<MaxBackward0>),
indices=tensor([1, 0]))
"""

from __future__ import annotations

import numpy as np

from ...autograd.namespace import TENSORS
from ...tensor import Tensor, _wrap_dim
from ..array_step import array_step
from ..elementwise import as_operand, maximum, minimum, where
from ..primitive import LINEAR, Primitive, apply, bind_rule
from ..return_types import return_type
from .core import normalize_dims, restore_dims, shown_dim


class return_types:  # noqa: N801 - PyTorch's namespace name
    """The named tuples that ``max(dim)``, ``min(dim)``, ``median(dim)`` return.

    >>> values, indices = torch.max(torch.tensor([[1.0, 5.0]]), dim=1)
    >>> isinstance(torch.max(torch.tensor([[1.0, 5.0]]), dim=1), torch.return_types.max)
    True
    """

    max = return_type("max")
    min = return_type("min")
    median = return_type("median")
    # added by ops/sort.py, which defines those ops
    sort: type
    topk: type
    kthvalue: type


# -- evenly distributed ties (max(), min(), median(), amax, amin) ------------------------------
def _evenly(grad, self, result, xp):
    """PyTorch's evenly_distribute_backward: each tie gets ``grad / count``."""
    mask = (self != self) if result != result else (self == result)
    return xp.where(mask, grad / mask.sum(), 0.0)


def _amax_rule(grad, self, result, axes, keepdim, xp):
    mask = self == restore_dims(result, self.ndim, axes, keepdim, xp)
    count = xp.sum(mask, axes, keepdim=True)
    # a product, not a where, as PyTorch's scale_grad_by_count: a slice whose result is NaN
    # has no ties (count 0), so all of it gets NaN; the others get -0.0 where the grad is < 0
    return restore_dims(grad, self.ndim, axes, keepdim, xp) / count * mask


def _amax_jvp(t: Tensor, s: dict) -> Tensor:
    """The mean of the tangent over each slice's ties (PyTorch's amaxamin_jvp)."""
    x, axes, keepdim = s["self"], s["axes"], s["keepdim"]
    mask = x == restore_dims(s["result"], x.ndim, axes, keepdim)
    return where(mask, t, 0.0).sum(axes, keepdim=keepdim) / mask.sum(axes, keepdim=keepdim)


def _all_reduce(name: str, node: str, fn) -> Primitive:
    return Primitive(
        name,
        node,
        lambda a, **_: fn(a),
        self=_evenly,
        jvp=(lambda t, s: _evenly_tensors(t, s).sum(),),  # the mean of the tangent over ties
    )


_evenly_tensors = bind_rule(_evenly, TENSORS)


_max_all = _all_reduce("max", "MaxBackward1", np.max)
_min_all = _all_reduce("min", "MinBackward1", np.min)


def _median_array(a: np.ndarray) -> np.ndarray:
    """The lower median of all elements; NaN if any element is NaN (or there are none)."""
    if a.size == 0 or (a.dtype.kind in "fc" and np.isnan(a).any()):
        return np.asarray(np.nan, a.dtype if a.dtype.kind in "fc" else np.float32)
    return np.sort(a, axis=None)[(a.size - 1) // 2]


_median_all = _all_reduce("median", "MedianBackward0", _median_array)


def _amax_prim(name: str, node: str, fn) -> Primitive:
    return Primitive(
        name,
        node,
        lambda a, axes, keepdim, **_: fn(a, axis=axes, keepdims=keepdim),
        self=_amax_rule,
        attrs=("dim", "keepdim", "result", "self"),
        jvp=(_amax_jvp,),
    )


_amax = _amax_prim("amax", "AmaxBackward0", np.max)
_amin = _amax_prim("amin", "AminBackward0", np.min)


# -- value selection with dim (max(dim), min(dim), median(dim)) --------------------------------
def _select_rule(grad, self_sym_sizes, axis, keepdim, indices, xp):
    """The gradient goes to the returned index (PyTorch's value_selecting_reduction_backward)."""
    shape = self_sym_sizes
    if not shape:
        return grad
    idx = restore_dims(xp.asarray(indices), len(shape), (axis,), keepdim, xp)
    positions = np.arange(shape[axis]).reshape((-1,) + (1,) * (len(shape) - axis - 1))
    grad = restore_dims(grad, len(shape), (axis,), keepdim, xp)
    return xp.where(idx == xp.asarray(positions), grad, 0.0)


def _take(a, indices, axis, keepdim, **_):
    if a.ndim == 0:
        return a.copy()
    idx = indices._data if keepdim else np.expand_dims(indices._data, axis)
    out = np.take_along_axis(a, idx, axis)
    return out if keepdim else np.squeeze(out, axis)


def _select_prim(name: str, node: str) -> Primitive:
    return Primitive(
        name,
        node,
        _take,
        self=_select_rule,
        attrs=("dim", "indices", "keepdim", "self_sym_sizes"),
        jvp=LINEAR,  # a take at fixed indices
    )


_max_dim = _select_prim("max_dim", "MaxBackward0")
_min_dim = _select_prim("min_dim", "MinBackward0")
_median_dim = _select_prim("median_dim", "MedianBackward1")


def _median_index(a: np.ndarray, axis: int) -> np.ndarray:
    """Index of the lower median along ``axis`` (NaN wins, as in PyTorch)."""
    n = a.shape[axis]
    order = np.argsort(a, axis=axis, kind="stable")  # NaN sorts last
    idx = np.take(order, [(n - 1) // 2], axis=axis)
    nan = np.isnan(a) if a.dtype.kind in "fc" else np.zeros(a.shape, bool)
    if nan.any():
        first_nan = np.expand_dims(np.argmax(nan, axis=axis), axis)
        idx = np.where(np.any(nan, axis=axis, keepdims=True), first_nan, idx)
    return idx


@array_step
def _indices(a: np.ndarray, axis: int, kind: str, keepdim: bool) -> np.ndarray:
    """The int64 indices that ``max/min/median(dim)`` return (a step of a recording)."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
    if kind == "median":
        idx = _median_index(a, axis).astype(np.int64)
    else:
        fn = np.argmax if kind == "max" else np.argmin
        idx = np.expand_dims(fn(a, axis=axis), axis).astype(np.int64)
    return idx if keepdim else np.squeeze(idx, axis)


def _reduce_dim(kind: str, prim: Primitive, input: Tensor, dim, keepdim: bool):
    a = input._data
    axis = _wrap_dim(int(dim), a.ndim)
    if a.ndim and a.shape[axis] == 0:
        raise IndexError(f"{kind}(): Expected reduction dim {axis} to have non-zero size.")
    indices = Tensor._make(_indices(a, axis, kind, keepdim))
    values = apply(
        prim,
        input,
        indices=indices,
        axis=axis,
        keepdim=keepdim,
        dim=shown_dim(dim),
        self_sym_sizes=a.shape,
    )
    return getattr(return_types, kind)(values, indices)


def _empty_check(kind: str, input: Tensor) -> None:
    if input._data.size == 0:
        raise RuntimeError(
            f"{kind}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
            "the reduction dim with the 'dim' argument."
        )


def _max_min(kind: str, input: Tensor, dim, keepdim: bool, other):
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        return (maximum if kind == "max" else minimum)(input, as_operand(other))
    if dim is None:
        if keepdim:
            raise TypeError(
                f"{kind}() received an invalid combination of arguments - got "
                "(keepdim=bool, ), but expected one of: (), (Tensor other), "
                "(int dim, bool keepdim)"
            )
        _empty_check(kind, input)
        return apply(_max_all if kind == "max" else _min_all, input)
    return _reduce_dim(kind, _max_dim if kind == "max" else _min_dim, input, dim, keepdim)


def max(input: Tensor, dim=None, keepdim: bool = False, *, other=None):  # noqa: A001
    """The largest element of ``input``; with ``dim``, a ``(values, indices)`` named tuple
    along it; with ``other``, the elementwise maximum (``maximum``).

    Args:
        input: the tensor.
        dim: the dimension to reduce; all of them when ``None``.
        keepdim: keep the reduced dimension, with size 1.
        other: a tensor to compare with elementwise instead.

    >>> x = torch.tensor([[1.0, 5.0], [4.0, 2.0]])
    >>> torch.max(x)
    tensor(5.)
    >>> torch.max(x, dim=1)
    torch.return_types.max(
    values=tensor([5., 4.]),
    indices=tensor([1, 0]))
    """
    return _max_min("max", input, dim, keepdim, other)


def min(input: Tensor, dim=None, keepdim: bool = False, *, other=None):  # noqa: A001
    """The smallest element of ``input``; with ``dim``, a ``(values, indices)`` named tuple
    along it; with ``other``, the elementwise minimum (``minimum``).

    Args:
        input, dim, keepdim, other: as in ``max``.

    >>> torch.min(torch.tensor([[1.0, 5.0], [4.0, 2.0]]), 0, keepdim=True).values
    tensor([[1., 2.]])
    """
    return _max_min("min", input, dim, keepdim, other)


def median(input: Tensor, dim=None, keepdim: bool = False):
    """The median of ``input`` (the lower of the two middle values for an even count); with
    ``dim``, a ``(values, indices)`` named tuple along it.

    Args:
        input, dim, keepdim: as in ``max``.

    >>> torch.median(torch.tensor([3.0, 1.0, 2.0, 4.0]))
    tensor(2.)
    """
    if dim is None:
        return apply(_median_all, input)
    return _reduce_dim("median", _median_dim, input, dim, keepdim)


def _amax_amin(prim: Primitive, name: str, input: Tensor, dim, keepdim: bool) -> Tensor:
    axes = normalize_dims(dim, input.ndim)
    if input._data.size == 0:
        if dim is None or dim == ():
            _empty_check(name, input)
        empty = [d for d in axes if input._data.shape[d] == 0]
        if empty:
            raise IndexError(f"{name}(): Expected reduction dim {empty[0]} to have non-zero size.")
    return apply(prim, input, axes=axes, keepdim=keepdim, dim=shown_dim(dim, as_tuple=True))


def amax(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """The largest values over ``dim`` (several dimensions allowed); ties share the gradient.

    Args:
        input: the tensor.
        dim: a dimension or tuple of dimensions; all of them when ``()``.
        keepdim: keep the reduced dimensions, with size 1.

    >>> torch.amax(torch.tensor([[1.0, 5.0], [4.0, 2.0]]), dim=0)
    tensor([4., 5.])
    """
    return _amax_amin(_amax, "amax", input, dim, keepdim)


def amin(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """The smallest values over ``dim`` (several dimensions allowed); ties share the gradient.

    Args:
        input, dim, keepdim: as in ``amax``.

    >>> torch.amin(torch.tensor([[1.0, 5.0], [4.0, 2.0]]), dim=(0, 1))
    tensor(1.)
    """
    return _amax_amin(_amin, "amin", input, dim, keepdim)


# -- argmax, argmin (no gradient) ---------------------------------------------------------------
def _arg(fn, name: str, input: Tensor, dim, keepdim: bool) -> Tensor:
    a = input._data
    if a.dtype.kind == "b":
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if a.size == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            )
        return Tensor._make(_arg_indices(fn, a, None, keepdim))
    axis = _wrap_dim(int(dim), a.ndim)
    if a.ndim and a.shape[axis] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")
    return Tensor._make(_arg_indices(fn, a, axis, keepdim))


@array_step
def _arg_indices(fn, a: np.ndarray, axis: int | None, keepdim: bool) -> np.ndarray:
    """argmax/argmin's int64 indices (a step of a recording)."""
    if axis is None:
        out = np.asarray(fn(a, axis=None))
        return (out.reshape((1,) * a.ndim) if keepdim else out).astype(np.int64)
    if a.ndim == 0:
        return np.zeros((), np.int64)
    return np.asarray(fn(a, axis=axis, keepdims=keepdim)).astype(np.int64)


def argmax(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """The index of the largest element (of the flattened tensor, or along ``dim``).

    Args:
        input, dim, keepdim: as in ``max``.

    >>> torch.argmax(torch.tensor([[1.0, 5.0], [4.0, 2.0]]))
    tensor(1)
    """
    return _arg(np.argmax, "argmax", input, dim, keepdim)


def argmin(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """The index of the smallest element (of the flattened tensor, or along ``dim``).

    Args:
        input, dim, keepdim: as in ``max``.

    >>> torch.argmin(torch.tensor([[1.0, 5.0], [4.0, 2.0]]), dim=1, keepdim=True)
    tensor([[0],
            [1]])
    """
    return _arg(np.argmin, "argmin", input, dim, keepdim)


__all__ = ["amax", "amin", "argmax", "argmin", "max", "median", "min", "return_types"]

METHODS = {name: globals()[name] for name in __all__ if name != "return_types"}
