"""Indexing: ``x[key]`` (ints, slices, None, ``...``, boolean masks, integer tensors) and
``x[key] = value``, with PyTorch's nodes: SelectBackward0, SliceBackward0, UnsqueezeBackward0,
AliasBackward0, IndexBackward0; assignment goes through a view and an in-place copy (the base's
node becomes CopySlices) or through IndexPutBackward0.

Basic indexing returns views; each key item is applied in turn, as PyTorch does, and the tensor
indices (if any) are applied last, in one IndexBackward0.

>>> import graphgrad as torch
>>> A = torch.ones(2, 3, requires_grad=True)
>>> A[0, 1].grad_fn.name(), A[:, 1:].grad_fn._saved_end, A[[0, 1]].grad_fn.name()
('SelectBackward0', 9223372036854775807, 'IndexBackward0')
>>> y = A * 1
>>> y[0] = 5.0
>>> y.grad_fn.name()
'torch::autograd::CopySlices'
"""

from __future__ import annotations

import operator
import warnings

import numpy as np

from ...tensor import Tensor
from ..array_step import array_step, constant
from ..inplace import check_inplace, check_overlap, commit, copy_
from ..primitive import LINEAR, Primitive, apply
from ..shape.core import expand, unsqueeze, view
from ..shape.transpose import alias
from ..views_inplace import as_strided, as_strided_scatter
from .slicing import (
    _as_index_tensor,
    _index,
    _index_put,
    _select_view,
    _value_tensor,
    slice_view,
)

INT64_MAX = 2**63 - 1


def _dims(shape) -> str:
    return ", ".join(map(str, shape))


# -- tensor indices -------------------------------------------------------------------------------
def _check_indices(result: Tensor, adv: list) -> None:
    """Bounds, mask shapes and broadcasting of the tensor indices, with PyTorch's messages."""
    shapes = []
    for k, (dim, idx) in enumerate(adv):
        arr = idx._data
        sizes = result._data.shape[dim : dim + max(arr.ndim, 1)]
        if arr.dtype == np.bool_:
            for j, (m, n) in enumerate(zip(arr.shape, sizes, strict=False)):
                if m != n:
                    raise IndexError(
                        f"The shape of the mask [{_dims(arr.shape)}] at index {j} does not match "
                        f"the shape of the indexed tensor [{_dims(result.shape)}] at index "
                        f"{dim + j}"
                    )
            shapes.append((int(arr.sum()),))
            continue
        _check_bounds(arr, sizes[0], k)
        shapes.append(arr.shape)
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = ", ".join(f"[{_dims(s)}]" for s in shapes)
        raise IndexError(
            f"shape mismatch: indexing tensors could not be broadcast together with shapes {listed}"
        ) from None


@array_step
def _check_bounds(index: np.ndarray, n: int, k: int) -> None:
    """The ``k``-th tensor index lies in [-n, n)."""
    bad = index[(index >= n) | (index < -n)]
    if bad.size:
        raise IndexError(f"index {bad.flat[0]} is out of bounds for dimension {k} with size {n}")


def _indices_tuple(adv: list) -> tuple:
    """PyTorch's ``indices``: one entry per key position, None where a dim is taken whole (a
    mask's entry spans as many dims as it has)."""
    out: list = []
    cur = 0
    for dim, idx in adv:
        out.extend([None] * (dim - cur))
        out.append(idx)
        cur = dim + (idx.ndim if idx._data.dtype == np.bool_ else 1)
    return tuple(out)


# -- parsing a key --------------------------------------------------------------------------------
def _is_int(item) -> bool:
    if isinstance(item, Tensor):
        return item.ndim == 0 and item.dtype.category == 1 and item.dtype.name != "uint8"
    return isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_))


def _is_bool(item) -> bool:
    if isinstance(item, Tensor):
        return item.ndim == 0 and item.dtype.name == "bool"
    return isinstance(item, (bool, np.bool_))


def _normalize_key(key) -> tuple:
    if isinstance(key, tuple):
        return key
    if isinstance(key, list) and any(
        isinstance(k, (slice, list, tuple, Tensor, np.ndarray)) or k is None or k is Ellipsis
        for k in key
    ):
        warnings.warn(
            "Using a non-tuple sequence for multidimensional indexing is deprecated and will be "
            "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this "
            "will be interpreted as tensor index, x[torch.tensor(seq)], which will result either "
            "in an error or a different result",
            UserWarning,
            stacklevel=3,
        )
        return tuple(key)
    return (key,)


def _convert(item):
    """Tensor-like key items (lists, arrays, tensors of more than one element) as index tensors."""
    if item is None or item is Ellipsis or isinstance(item, slice):
        return item
    if _is_bool(item) or _is_int(item):
        return item
    if isinstance(item, range):  # a sequence of ints, as PyTorch reads it
        item = list(item)
    return _as_index_tensor(item)


def _dims_used(item) -> int:
    if item is None or item is Ellipsis or _is_bool(item):
        return 0
    if isinstance(item, Tensor) and not _is_int(item) and item._data.dtype == np.bool_:
        return item.ndim
    return 1


def _full_slice(s: slice, n: int) -> bool:
    return s.start in (None, 0) and s.step in (None, 1) and (s.stop is None or s.stop >= n)


def _apply_slice(result: Tensor, dim: int, s: slice) -> Tensor:
    start = 0 if s.start is None else operator.index(s.start)
    end = INT64_MAX if s.stop is None else operator.index(s.stop)
    step = 1 if s.step is None else operator.index(s.step)
    if step <= 0:
        raise ValueError("step must be greater than zero")
    return slice_view(result, dim, start, end, step, dim)


def _apply_int(result: Tensor, dim: int, item, position: int) -> Tensor:
    if result.ndim == 0:
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
            "in C++ to convert a 0-dim tensor to a number"
        )
    index, n = int(item), result._data.shape[dim]
    if not -n <= index < n:
        raise IndexError(f"index {index} is out of bounds for dimension {position} with size {n}")
    return _select_view(result, dim, index)


def _apply_basic(t: Tensor, key, for_setitem: bool = False) -> tuple[Tensor, tuple | None]:
    """Apply the basic items of ``key`` one by one (views); return the result and the tensor
    indices still to apply (None when there are none)."""
    # PyTorch skips slices that take a whole dim, except for a lone slice in getitem.
    skip_full = for_setitem or not isinstance(key, slice)
    items = [_convert(i) for i in _normalize_key(key)]
    used = sum(_dims_used(i) for i in items)
    if t.ndim == 0 and any(_is_int(i) for i in items):
        _apply_int(t, 0, 0, 0)  # raises PyTorch's 0-dim message
    if used > t.ndim:
        raise IndexError(f"too many indices for tensor of dimension {t.ndim}")
    result, dim, adv, ellipsis_done = t, 0, [], False
    for position, item in enumerate(items):
        if item is None:
            result, dim = unsqueeze(result, dim), dim + 1
        elif item is Ellipsis:
            dim += 0 if ellipsis_done else t.ndim - used
            ellipsis_done = True
        elif _is_bool(item):
            result = unsqueeze(result, dim)
            adv.append((dim, Tensor._make(constant(np.zeros(1 if item else 0, np.int64)))))
            dim += 1
        elif _is_int(item):
            result = _apply_int(result, dim, item, position)
        elif isinstance(item, slice):
            if not (skip_full and _full_slice(item, result._data.shape[dim])):
                result = _apply_slice(result, dim, item)
            dim += 1
        else:
            adv.append((dim, item))
            dim += item.ndim if item._data.dtype == np.bool_ else 1
    if not adv:
        return result, None
    _check_indices(result, adv)
    return result, _indices_tuple(adv)


def getitem(self: Tensor, key) -> Tensor:
    """``self[key]``: views for basic indexing, a copy (IndexBackward0) with tensor indices."""
    result, indices = _apply_basic(self, key)
    if indices is not None:
        return apply(_index, result, indices=indices, self_sym_sizes=result._data.shape)
    return alias(self) if result is self else result


# -- assignment -----------------------------------------------------------------------------------
_fill_tensor = Primitive(
    "fill_tensor",
    "FillBackward3",
    lambda a, value: np.full_like(a, value),
    self=lambda grad, xp: xp.zeros_like(grad),
    value=lambda grad, xp: xp.sum(grad),
    jvp=LINEAR,
)


def _strip_leading_ones(value: Tensor) -> Tensor:
    """PyTorch views the value without its leading size-1 dims before assigning it."""
    shape = value._data.shape
    k = 0
    while k < len(shape) and shape[k] == 1:
        k += 1
    return view(value, shape[k:]) if k else value


def _assign(target: Tensor, value) -> None:
    value = _strip_leading_ones(_value_tensor(value, target))
    if value.ndim == 0:
        check_inplace(target)
        check_overlap(target)
        commit(target, apply(_fill_tensor, target, value))
        return
    if value._data.shape != target._data.shape:
        value = expand(value, target.shape)
    copy_(target, value)


def setitem(self: Tensor, key, value) -> None:
    """``self[key] = value``: an in-place write (CopySlices on a view, or IndexPutBackward0)."""
    if not isinstance(value, (Tensor, bool, int, float, complex)):
        # PyTorch takes a tensor or a Python number only (not a list, None or a NumPy value)
        kind = type(value)
        name = f"numpy.{kind.__name__}" if kind.__module__ == "numpy" else kind.__name__
        raise TypeError(f"can't assign a {name} to a torch.{self.dtype.legacy}Tensor")
    target, indices = _apply_basic(self, key, for_setitem=True)
    if indices is None:
        _assign(target, value)
        return
    values = _strip_leading_ones(_value_tensor(value, target))
    check_inplace(target)
    check_overlap(target)
    commit(target, apply(_index_put, target, values, indices=indices, accumulate=False))


__all__ = ["as_strided", "as_strided_scatter"]

METHODS = {"__getitem__": getitem, "__setitem__": setitem, "as_strided": as_strided}
