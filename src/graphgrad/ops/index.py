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

from ..tensor import Tensor, _wrap_dim
from .inplace import check_inplace, commit, copy_
from .primitive import Primitive, apply
from .shape import alias, expand, show_u64, unsqueeze, view
from .views_inplace import as_strided, as_strided_scatter, track_view

INT64_MAX = 2**63 - 1


def _zeros(shape: tuple, like: Tensor) -> Tensor:
    return Tensor._make(np.zeros(shape, like._data.dtype))


def _dims(shape) -> str:
    return ", ".join(map(str, shape))


# -- select and slice: views, and the backward ops that embed a gradient back ----------------------
def _at(axis: int, item) -> tuple:
    return (slice(None),) * axis + (item, Ellipsis)


def _embed(g: np.ndarray, input_sizes: tuple, key: tuple) -> np.ndarray:
    out = np.zeros(input_sizes, g.dtype)
    out[key] = g
    return out


_select = Primitive(
    "select", "SelectBackward0",
    lambda a, axis, index, **_: a[_at(axis, index)],
    (lambda g, s: apply(_select_backward, g, input_sizes=s["self_sym_sizes"], dim=s["dim"],
                        axis=s["axis"], index=s["index"]),),
    attrs=("dim", "index", "self_sym_sizes"), view=True, display=show_u64("dim", "index"),
)
_select_backward = Primitive(
    "select_backward", "SelectBackwardBackward0",
    lambda g, input_sizes, axis, index, **_: _embed(g, input_sizes, _at(axis, index)),
    (lambda g, s: _select_view(g, s["axis"], s["index"], s["dim"]),),
    attrs=("dim", "index"), display=show_u64("dim", "index"),
)


def _select_view(input: Tensor, axis: int, index: int, dim: int | None = None) -> Tensor:
    out = apply(_select, input, dim=axis if dim is None else dim, axis=axis, index=index,
                self_sym_sizes=input._data.shape)
    return track_view(out)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim``, without that dim; a view (torch.select)."""
    axis = _wrap_dim(dim, input.ndim)
    n = input._data.shape[axis]
    if not -n <= index < n:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size [{_dims(input.shape)}] at "
            f"dimension {dim}"
        )
    return _select_view(input, axis, index, dim)


def _slice_key(s: dict) -> tuple:
    return _at(s["axis"], slice(s["start"], s["end"], s["step"]))


_slice = Primitive(
    "slice", "SliceBackward0",
    lambda a, **s: a[_slice_key(s)],
    (lambda g, s: apply(_slice_backward, g, input_sizes=s["self_sym_sizes"], **_no_sizes(s)),),
    attrs=("dim", "end", "self_sym_sizes", "start", "step"), view=True,
    display=show_u64("dim", "start", "end"),
)
_slice_backward = Primitive(
    "slice_backward", "SliceBackwardBackward0",
    lambda g, input_sizes, **s: _embed(g, input_sizes, _slice_key(s)),
    (lambda g, s: slice_view(g, s["dim"], s["start"], s["end"], s["step"], s["axis"]),),
    attrs=("dim", "end", "start", "step"), display=show_u64("dim", "start", "end"),
)


def _no_sizes(s: dict) -> dict:
    return {k: v for k, v in s.items() if k != "self_sym_sizes"}


def slice_view(input: Tensor, dim: int, start: int, end: int, step: int = 1,
               axis: int | None = None) -> Tensor:
    """``input[..., start:end:step]`` along ``dim`` (SliceBackward0); a view."""
    axis = _wrap_dim(dim, input.ndim) if axis is None else axis
    out = apply(_slice, input, dim=dim, axis=axis, start=start, end=end, step=step,
                self_sym_sizes=input._data.shape)
    return track_view(out)


def slice_backward(grad: Tensor, input_sizes: tuple, dim: int, start: int, end: int,
                   step: int = 1) -> Tensor:
    """Zeros of ``input_sizes`` with ``grad`` in the slice (SliceBackwardBackward0)."""
    return apply(_slice_backward, grad, input_sizes=tuple(input_sizes), dim=dim,
                 axis=_wrap_dim(dim, len(input_sizes)), start=start, end=end, step=step)


# -- advanced indexing: index and index_put --------------------------------------------------------
def _np_key(indices: tuple, expand_masks: bool = False) -> tuple:
    key = []
    for i in indices:
        if i is None:
            key.append(slice(None))
        elif expand_masks and i._data.dtype == np.bool_:
            key.extend(np.nonzero(i._data))  # ufunc.at wants integer arrays
        else:
            key.append(i._data)
    return tuple(key)


def _index_put_forward(a, values, indices, accumulate, **_):
    out = a.copy()
    try:
        if accumulate:
            np.add.at(out, _np_key(indices, True), values)
        else:
            out[_np_key(indices)] = values
    except ValueError:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape [{_dims(values.shape)}] cannot be broadcast "
            f"to indexing result of shape [{_dims(a[_np_key(indices)].shape)}]"
        ) from None
    return out


def _index_rule(g: Tensor, s: dict) -> Tensor:
    return apply(_index_put_impl, _zeros(s["self_sym_sizes"], g), g, indices=s["indices"],
                 accumulate=True)


def _put_self_rule(prim_name: str):
    def rule(g: Tensor, s: dict) -> Tensor:
        if s["accumulate"]:
            return g
        prim = _index_put if prim_name == "index_put" else _index_put_impl
        return apply(prim, g, _zeros((), g), indices=s["indices"], accumulate=False)

    return rule


def _put_values_rule(g: Tensor, s: dict) -> Tensor:
    return apply(_index, g, indices=s["indices"], self_sym_sizes=g._data.shape)


def _cast_values(arrays: list, args: tuple) -> list:
    a, v = arrays
    return [a, v.astype(a.dtype, copy=False)]


_index = Primitive(
    "index", "IndexBackward0",
    lambda a, indices, **_: a[_np_key(indices)],
    (_index_rule,), attrs=("indices", "self_sym_sizes"),
)
_index_put = Primitive(
    "index_put", "IndexPutBackward0", _index_put_forward,
    (_put_self_rule("index_put"), _put_values_rule),
    inputs=("self", "values"), dtype=_cast_values, attrs=("accumulate", "indices"),
)
_index_put_impl = Primitive(
    "index_put_impl", "IndexPutImplBackward0", _index_put_forward,
    (_put_self_rule("index_put_impl"), _put_values_rule),
    inputs=("self", "values"), dtype=_cast_values, attrs=("accumulate", "indices"),
)


def _as_index_tensor(item) -> Tensor:
    """An index item (tensor, array, list) as a bool or integer tensor, or PyTorch's error."""
    if isinstance(item, Tensor):
        arr = item._data
    elif isinstance(item, (list, tuple, np.ndarray)):
        arr = np.asarray(item)
        if arr.size == 0 and arr.dtype.kind == "f":
            arr = arr.astype(np.int64)
        elif arr.dtype.kind in "iu" and arr.dtype != np.uint8:
            arr = arr.astype(np.int64)
    else:
        raise IndexError(
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
            f"valid indices (got {type(item).__name__})"
        )
    if arr.dtype == np.uint8:
        warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                      "torch.bool instead.", UserWarning, stacklevel=4)
        arr = arr.astype(np.bool_)
    if arr.dtype.kind not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return item if isinstance(item, Tensor) and arr is item._data else Tensor._make(arr)


def _check_indices(result: Tensor, adv: list) -> None:
    """Bounds, mask shapes and broadcasting of the tensor indices, with PyTorch's messages."""
    shapes = []
    for k, (dim, idx) in enumerate(adv):
        arr = idx._data
        sizes = result._data.shape[dim : dim + max(arr.ndim, 1)]
        if arr.dtype == np.bool_:
            for j, (m, n) in enumerate(zip(arr.shape, sizes)):
                if m != n:
                    raise IndexError(
                        f"The shape of the mask [{_dims(arr.shape)}] at index {j} does not match "
                        f"the shape of the indexed tensor [{_dims(result.shape)}] at index "
                        f"{dim + j}"
                    )
            shapes.append((int(arr.sum()),))
            continue
        n = sizes[0]
        bad = arr[(arr >= n) | (arr < -n)]
        if bad.size:
            raise IndexError(
                f"index {bad.flat[0]} is out of bounds for dimension {k} with size {n}"
            )
        shapes.append(arr.shape)
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = ", ".join(f"[{_dims(s)}]" for s in shapes)
        raise IndexError(
            f"shape mismatch: indexing tensors could not be broadcast together with shapes "
            f"{listed}"
        ) from None


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


def index_put(input: Tensor, indices, values, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``values`` written at ``indices`` (torch.index_put)."""
    indices = tuple(None if i is None else _as_index_tensor(i) for i in indices)
    return apply(_index_put, input, _value_tensor(values, input), indices=indices,
                 accumulate=bool(accumulate))


def index_put_(input: Tensor, indices, values, accumulate: bool = False) -> Tensor:
    check_inplace(input)
    return commit(input, index_put(input, indices, values, accumulate))


# -- parsing a key ----------------------------------------------------------------------------------
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
            "in an error or a different result", UserWarning, stacklevel=3)
        return tuple(key)
    return (key,)


def _convert(item):
    """Tensor-like key items (lists, arrays, tensors of more than one element) as index tensors."""
    if item is None or item is Ellipsis or isinstance(item, slice):
        return item
    if _is_bool(item) or _is_int(item):
        return item
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
            adv.append((dim, Tensor._make(np.zeros(1 if item else 0, np.int64))))
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


# -- assignment -------------------------------------------------------------------------------------
_fill_tensor = Primitive(
    "fill_tensor", "FillBackward3",
    lambda a, value: np.full_like(a, value),
    (lambda g, s: Tensor._make(np.zeros_like(g._data)), lambda g, s: g.sum()),
    inputs=("self", "value"),
)


def _value_tensor(value, like: Tensor) -> Tensor:
    if isinstance(value, Tensor):
        return value
    return Tensor._make(np.asarray(value, like._data.dtype))


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
        commit(target, apply(_fill_tensor, target, value))
        return
    if value._data.shape != target._data.shape:
        value = expand(value, target.shape)
    copy_(target, value)


def setitem(self: Tensor, key, value) -> None:
    """``self[key] = value``: an in-place write (CopySlices on a view, or IndexPutBackward0)."""
    target, indices = _apply_basic(self, key, for_setitem=True)
    if indices is None:
        _assign(target, value)
        return
    values = _strip_leading_ones(_value_tensor(value, target))
    check_inplace(target)
    commit(target, apply(_index_put, target, values, indices=indices, accumulate=False))


__all__ = ["as_strided", "as_strided_scatter", "index_put", "select"]

METHODS = {
    "__getitem__": getitem, "__setitem__": setitem, "select": select, "index_put": index_put,
    "index_put_": index_put_, "as_strided": as_strided,
}
