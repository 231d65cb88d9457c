"""The indexing primitives: select and slice (views), index and index_put (copies), and
the backward ops that put a gradient back in place (SelectBackwardBackward0...).
ops/index/subscript.py parses ``x[key]`` into calls of these.

>>> import graphgrad as torch
>>> a = torch.ones(2, 3, requires_grad=True)
>>> torch.select(a, 1, -1).grad_fn._saved_index
18446744073709551615
>>> torch.index_put(a, (torch.tensor([0, 0]),), torch.tensor(1.0), accumulate=True)
tensor([[3., 3., 3.],
        [1., 1., 1.]], grad_fn=<IndexPutBackward0>)
"""

from __future__ import annotations

import warnings

import numpy as np

from ..._data import fill_value
from ...tensor import Tensor, _wrap_dim
from ..array_step import constant
from ..inplace import check_inplace, commit
from ..primitive import LINEAR, Primitive, apply
from ..shape.core import show_u64
from ..views_inplace import track_view


def _dims(shape) -> str:
    return ", ".join(map(str, shape))


# -- select and slice: views, and the backward ops that embed a gradient back ---------------------
def _at(axis: int, item) -> tuple:
    return (slice(None),) * axis + (item, Ellipsis)


def _embed(g: np.ndarray, input_sizes: tuple, key: tuple) -> np.ndarray:
    out = np.zeros(input_sizes, g.dtype)
    out[key] = g
    return out


_select = Primitive(
    "select",
    "SelectBackward0",
    lambda a, axis, index, **_: a[_at(axis, index)],
    self=lambda grad, self_sym_sizes, dim, axis, index, xp: xp.select_backward(
        grad, input_sizes=self_sym_sizes, dim=dim, axis=axis, index=index
    ),
    attrs=("dim", "index", "self_sym_sizes"),
    view=True,
    display=show_u64("dim", "index"),
    jvp=LINEAR,
)
_select_backward = Primitive(
    "select_backward",
    "SelectBackwardBackward0",
    lambda g, input_sizes, axis, index, **_: _embed(g, input_sizes, _at(axis, index)),
    self=lambda grad, axis, index, dim, xp: xp.select(grad, axis=axis, index=index, dim=dim),
    attrs=("dim", "index"),
    display=show_u64("dim", "index"),
    jvp=LINEAR,
)


def _select_view(input: Tensor, axis: int, index: int, dim: int | None = None) -> Tensor:
    out = apply(
        _select,
        input,
        dim=axis if dim is None else dim,
        axis=axis,
        index=index,
        self_sym_sizes=input._data.shape,
    )
    return track_view(out)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The view of ``input`` at position ``index`` of ``dim``, without that dimension
    (``x[:, 0]`` is ``x.select(1, 0)``).

    Args:
        input: the tensor.
        dim: the dimension.
        index: the position (negative counts from the end).

    >>> torch.select(torch.tensor([[1, 2], [3, 4]]), 1, 0)
    tensor([1, 3])
    """
    if input.ndim == 0:  # checked before the dim, as PyTorch does
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
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
    "slice",
    "SliceBackward0",
    lambda a, **s: a[_slice_key(s)],
    self=lambda grad, self_sym_sizes, dim, axis, start, end, step, xp: xp.slice_backward(
        grad, input_sizes=self_sym_sizes, dim=dim, axis=axis, start=start, end=end, step=step
    ),
    attrs=("dim", "end", "self_sym_sizes", "start", "step"),
    view=True,
    display=show_u64("dim", "start", "end"),
    jvp=LINEAR,
)
_slice_backward = Primitive(
    "slice_backward",
    "SliceBackwardBackward0",
    lambda g, input_sizes, **s: _embed(g, input_sizes, _slice_key(s)),
    self=lambda grad, dim, start, end, step, axis, xp: xp.slice(
        grad, dim=dim, axis=axis, start=start, end=end, step=step
    ),
    attrs=("dim", "end", "start", "step"),
    display=show_u64("dim", "start", "end"),
    jvp=LINEAR,
)


def slice_view(
    input: Tensor, dim: int, start: int, end: int, step: int = 1, axis: int | None = None
) -> Tensor:
    """``input[..., start:end:step]`` along ``dim`` (SliceBackward0); a view."""
    axis = _wrap_dim(dim, input.ndim) if axis is None else axis
    out = apply(
        _slice,
        input,
        dim=dim,
        axis=axis,
        start=start,
        end=end,
        step=step,
        self_sym_sizes=input._data.shape,
    )
    return track_view(out)


def slice_backward(
    grad: Tensor, input_sizes: tuple, dim: int, start: int, end: int, step: int = 1
) -> Tensor:
    """Zeros of ``input_sizes`` with ``grad`` in the slice (SliceBackwardBackward0)."""
    return apply(
        _slice_backward,
        grad,
        input_sizes=tuple(input_sizes),
        dim=dim,
        axis=_wrap_dim(dim, len(input_sizes)),
        start=start,
        end=end,
        step=step,
    )


# -- advanced indexing: index and index_put -------------------------------------------------------
def _np_key(indices: tuple, expand_masks: bool = False) -> tuple:
    key: list[slice | np.ndarray] = []
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


def _index_rule(grad, self_sym_sizes, indices, xp):
    zeros = xp.zeros(self_sym_sizes, grad)
    return xp.index_put_impl(zeros, grad, indices=indices, accumulate=True)


def _put_self_rule(name: str):
    """``self``'s gradient: all of it when accumulating, else zeros where values went."""

    def rule(grad, indices, accumulate, xp):
        if accumulate:
            return grad
        put = getattr(xp, name)
        return put(grad, xp.zeros((), grad), indices=indices, accumulate=False)

    return rule


def _put_values_rule(grad, indices, xp):
    return xp.index(grad, indices=indices, self_sym_sizes=tuple(grad.shape))


def _cast_values(arrays: list, args: tuple) -> list:
    a, v = arrays
    return [a, v.astype(a.dtype, copy=False)]


_index = Primitive(
    "index",
    "IndexBackward0",
    lambda a, indices, **_: a[_np_key(indices)],
    self=_index_rule,
    attrs=("indices", "self_sym_sizes"),
    jvp=LINEAR,
)
_index_put = Primitive(
    "index_put",
    "IndexPutBackward0",
    _index_put_forward,
    self=_put_self_rule("index_put"),
    values=_put_values_rule,
    dtype=_cast_values,
    attrs=("accumulate", "indices"),
    jvp=LINEAR,
)
_index_put_impl = Primitive(
    "index_put_impl",
    "IndexPutImplBackward0",
    _index_put_forward,
    self=_put_self_rule("index_put_impl"),
    values=_put_values_rule,
    dtype=_cast_values,
    attrs=("accumulate", "indices"),
    jvp=LINEAR,
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
        warnings.warn(
            "indexing with dtype torch.uint8 is now deprecated, please use a dtype "
            "torch.bool instead.",
            UserWarning,
            stacklevel=4,
        )
        arr = arr.astype(np.bool_)
    if arr.dtype.kind not in "biu" or (
        isinstance(item, Tensor) and item.dtype.name in ("int8", "int16")
    ):  # PyTorch's index tensors: int64, int32, uint8 or bool
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if isinstance(item, (list, tuple)):  # made from Python values: a recording's constant
        constant(arr)
    return item if isinstance(item, Tensor) and arr is item._data else Tensor._make(arr)


def _value_tensor(value, like: Tensor) -> Tensor:
    """A value to write into ``like``: a tensor as it is, a Python number range-checked as
    PyTorch checks it (NaN or 300 into int8 raise)."""
    if isinstance(value, Tensor):
        return value
    dt = like.dtype
    if isinstance(value, complex) and not dt.is_complex and dt.name != "bool":
        c_type = {"int64": "int64_t", "float16": "double"}.get(dt.name, dt.cpp)
        raise RuntimeError(f"value cannot be converted to type {c_type} without overflow")
    return Tensor._make(constant(np.asarray(fill_value(value, dt), like._data.dtype)))


def index_put(input: Tensor, indices, values, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``values`` written at ``indices`` (what ``x[indices] = values``
    does, out of place).

    Args:
        input: the tensor.
        indices: a tuple of index tensors, one per leading dimension.
        values: the values (broadcast).
        accumulate: add into the entries instead of overwriting (repeated indices add up).

    >>> torch.index_put(torch.zeros(3), (torch.tensor([0, 2]),), torch.tensor([5.0, 7.0]))
    tensor([5., 0., 7.])
    """
    if isinstance(values, Tensor) and values.dtype is not input.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{input.dtype.legacy} for the destination and {values.dtype.legacy} for the source."
        )
    indices = tuple(None if i is None else _as_index_tensor(i) for i in indices)
    return apply(
        _index_put,
        input,
        _value_tensor(values, input),
        indices=indices,
        accumulate=bool(accumulate),
    )


def index_put_(input: Tensor, indices, values, accumulate: bool = False) -> Tensor:
    """``index_put`` in place; returns ``input``.

    Args:
        input, indices, values, accumulate: as in ``index_put``.

    >>> x = torch.zeros(3)
    >>> x.index_put_((torch.tensor([0, 0]),), torch.tensor([1.0, 2.0]), accumulate=True)
    tensor([3., 0., 0.])
    """
    check_inplace(input)
    return commit(input, index_put(input, indices, values, accumulate))


__all__ = ["index_put", "select"]

METHODS = {"select": select, "index_put": index_put, "index_put_": index_put_}
