"""Order statistics: nanmedian, mode, quantile and nanquantile, cummax and cummin.

Each finds its positions with NumPy (in an ``array_step``, which a compiled call repeats on
its own values), then takes the values with ``gather`` (or ``sort`` and ``lerp`` for
quantiles), so the gradient flows to the chosen elements as PyTorch's does.

>>> import graphgrad as torch
>>> torch.quantile(torch.tensor([1.0, 2.0, 3.0, 4.0]), 0.3)
tensor(1.9000)
>>> torch.nanmedian(torch.tensor([1.0, float("nan"), 3.0, 2.0]))
tensor(2.)
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor, _wrap_dim
from .array_step import array_step
from .pointwise_more import lerp
from .return_types import return_type
from .shape.join import stack

nanmedian_type = return_type("nanmedian")
mode_type = return_type("mode")
cummax_type = return_type("cummax")
cummin_type = return_type("cummin")


def _rows(a: np.ndarray, axis: int) -> np.ndarray:
    """``a`` with ``axis`` last (a 0-d array as one element)."""
    return np.moveaxis(a.reshape(1) if a.ndim == 0 else a, axis, -1)


def _reduced_size(input: Tensor, dim: int) -> tuple[int, int]:
    """The wrapped ``dim`` and its size (1 for a 0-d tensor)."""
    axis = _wrap_dim(dim, max(input.ndim, 1))
    return axis, input.shape[axis] if input.ndim else 1


@array_step
def _row_index(find, a: np.ndarray, axis: int) -> np.ndarray:
    """``find(rows)``'s position in each row of ``a`` along ``axis``, as int64 with ``axis``
    kept (size 1)."""
    return np.expand_dims(find(_rows(a, axis)), axis).astype(np.int64)


def _pick(input: Tensor, axis: int, keepdim: bool, index: np.ndarray, kind: type):
    """``(values, indices)`` of ``kind``: the values gathered at ``index`` (``axis`` kept), so
    gradients reach them."""
    source = input.reshape(1) if input.ndim == 0 else input
    indices = Tensor._make(index)
    values = source.gather(axis, indices)
    if not keepdim or input.ndim == 0:
        values, indices = values.squeeze(axis), indices.squeeze(axis)
    return kind(values, indices)


def _nan_median_index(rows: np.ndarray) -> np.ndarray:
    """The position of each row's lower median among its non-NaN values (0 if all NaN)."""
    order = np.argsort(rows, axis=-1, kind="stable")  # NaN sorts last
    count = (~np.isnan(rows)).sum(-1) if rows.dtype.kind == "f" else rows.shape[-1]
    count = np.broadcast_to(count, rows.shape[:-1])
    # an all-NaN row: the middle position (PyTorch's index there is unspecified)
    k = np.where(count == 0, (rows.shape[-1] - 1) // 2, np.maximum((count - 1) // 2, 0))
    return np.take_along_axis(order, k[..., None], -1)[..., 0] if rows.shape[-1] else k


@array_step
def _nan_median_flat(a: np.ndarray) -> np.ndarray:
    """The flat position of the lower median of all of ``a``'s non-NaN values (0-d)."""
    return np.asarray(_nan_median_index(a.reshape(-1)), np.int64)


def nanmedian(input: Tensor, dim=None, keepdim: bool = False):
    """The lower median ignoring NaN: of all elements, or along ``dim`` with its indices.

    Args:
        input: the tensor.
        dim: the dimension to reduce (None: all elements, and no indices).
        keepdim: keep ``dim`` with size 1.

    >>> torch.nanmedian(torch.tensor([[1.0, float("nan"), 3.0], [4.0, 4.0, 1.0]]), 1)
    torch.return_types.nanmedian(
    values=tensor([1., 4.]),
    indices=tensor([0, 0]))
    """
    if dim is None:
        if input.numel() == 0:
            return Tensor._make(np.array(np.nan, input.dtype.np))
        return input.take(Tensor._make(_nan_median_flat(input._data)))
    axis, size = _reduced_size(input, dim)
    if size == 0:
        raise IndexError(
            f"median(): Expected reduction dim {_wrap_dim(dim, input.ndim)} to have non-zero size."
        )
    index = _row_index(_nan_median_index, input._data, axis)
    return _pick(input, axis, keepdim, index, nanmedian_type)


def _mode_index(rows: np.ndarray) -> np.ndarray:
    """Each row's most frequent value (the smallest among equally frequent ones), as the
    position of its last occurrence."""
    out = np.zeros(rows.shape[:-1], np.int64)
    for pos in np.ndindex(*rows.shape[:-1]):
        row = rows[pos]
        values, counts = np.unique(row, return_counts=True)
        best = values[np.argmax(counts)]
        same = np.nonzero((row == best) | (np.isnan(row) & np.isnan(best)))[0]
        out[pos] = same[-1]
    return out


def mode(input: Tensor, dim: int = -1, keepdim: bool = False):
    """The most frequent value along ``dim`` (the smallest of equally frequent ones), and the
    index of its last occurrence.

    Args:
        input: the tensor.
        dim: the dimension to reduce.
        keepdim: keep ``dim`` with size 1.

    >>> torch.mode(torch.tensor([[1, 2, 2, 3], [3, 3, 1, 1]]), 1)
    torch.return_types.mode(
    values=tensor([2, 1]),
    indices=tensor([2, 3]))
    """
    axis, size = _reduced_size(input, dim)
    if size == 0:
        raise IndexError(f"mode(): Expected reduction dim {axis} to have non-zero size.")
    return _pick(input, axis, keepdim, _row_index(_mode_index, input._data, axis), mode_type)


@array_step
def _cumulative_index(a: np.ndarray, axis: int, better) -> np.ndarray:
    """The position of the running best (by ``better``, the latest of equal values; a NaN,
    once met, stays) along ``axis``, int64 in ``a``'s shape."""
    rows = _rows(a, axis)
    index = np.zeros(rows.shape, np.int64)
    if rows.shape[-1]:
        best = rows[..., 0].copy()
        for i in range(1, rows.shape[-1]):
            v = rows[..., i]
            take = better(v, best) | (v == best)
            if rows.dtype.kind == "f":  # a NaN wins and stays
                take = (take & ~np.isnan(best)) | np.isnan(v) & ~np.isnan(best)
            index[..., i] = np.where(take, i, index[..., i - 1])
            best = np.where(take, v, best)
    return np.ascontiguousarray(np.moveaxis(index, -1, axis)).reshape(a.shape)


def _cumulative(input: Tensor, dim: int, better, kind: type):
    axis = _wrap_dim(dim, max(input.ndim, 1))
    idx = Tensor._make(_cumulative_index(input._data, axis, better))
    source = input.reshape(1) if input.ndim == 0 else input
    values = source.gather(axis, idx.reshape(source.shape)).reshape(input.shape)
    return kind(values, idx)


def cummax(input: Tensor, dim: int):
    """The running maximum along ``dim`` and the index where it was reached (the latest of
    equal values; a NaN, once met, stays).

    Args:
        input: the tensor.
        dim: the dimension to scan.

    >>> torch.cummax(torch.tensor([1.0, 3.0, 2.0, 5.0]), 0)
    torch.return_types.cummax(
    values=tensor([1., 3., 3., 5.]),
    indices=tensor([0, 1, 1, 3]))
    """
    return _cumulative(input, dim, np.greater, cummax_type)


def cummin(input: Tensor, dim: int):
    """The running minimum along ``dim`` and the index where it was reached (the latest of
    equal values; a NaN, once met, stays).

    Args:
        input: the tensor.
        dim: the dimension to scan.

    >>> torch.cummin(torch.tensor([3, 1, 1, 2]), 0)
    torch.return_types.cummin(
    values=tensor([3, 1, 1, 1]),
    indices=tensor([0, 1, 2, 2]))
    """
    return _cumulative(input, dim, np.less, cummin_type)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan) -> Tensor:
    if input.dtype.name not in ("float32", "float64"):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if input.numel() == 0 and dim is None:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
            f"but got {interpolation}"
        )
    if isinstance(q, Tensor):
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        qs, scalar = q._data.reshape(-1).astype(np.float64), q.ndim == 0
    else:
        qs, scalar = np.array([float(q)]), True
    if ((qs < 0) | (qs > 1)).any():
        bad = qs[(qs < 0) | (qs > 1)][0]
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {bad:g}")
    if dim is None:
        x, axis = input.reshape(-1), 0
    else:
        axis = _wrap_dim(dim, max(input.ndim, 1))
        x = input.reshape(1) if input.ndim == 0 else input
    x = x.movedim(axis, -1)
    ordered = x.sort(-1).values  # NaN last
    data = ordered._data
    n = data.shape[-1]
    count = (
        (~np.isnan(data)).sum(-1, keepdims=True)
        if ignore_nan
        else np.full(data.shape[:-1] + (1,), n)
    )
    has_nan = np.isnan(data).any(-1, keepdims=True)
    outs = []
    for value in qs:
        rank = value * (count - 1)
        below = np.clip(np.floor(rank), 0, max(n - 1, 0)).astype(np.int64)
        above = np.clip(np.ceil(rank), 0, max(n - 1, 0)).astype(np.int64)
        if interpolation == "nearest":
            below = above = np.clip(np.round(rank), 0, max(n - 1, 0)).astype(np.int64)
        low = ordered.gather(-1, Tensor._make(below))
        high = ordered.gather(-1, Tensor._make(above))
        if interpolation == "lower":
            result = low
        elif interpolation == "higher":
            result = high
        elif interpolation == "midpoint":
            result = lerp(low, high, 0.5)
        elif interpolation == "nearest":
            result = low
        else:
            weight = Tensor._make((rank - below).astype(input.dtype.np))
            result = lerp(low, high, weight)
        empty = (count == 0) if ignore_nan else has_nan
        if empty.any():  # all-NaN rows for nanquantile, any NaN for quantile
            result = result.masked_fill(Tensor._make(empty), float("nan"))
        outs.append(result.squeeze(-1))
    out = stack(outs)
    if keepdim:
        if dim is None:
            out = out.reshape((out.shape[0],) + (1,) * input.ndim)
        else:
            out = out.unsqueeze(axis + 1)
    return out.squeeze(0) if scalar else out


def quantile(input: Tensor, q, dim=None, keepdim: bool = False, *, interpolation="linear"):
    """The ``q``-th quantiles of ``input`` (of all elements, or along ``dim``); NaN where a
    reduced row has a NaN.

    Args:
        input: a float32 or float64 tensor.
        q: a number in [0, 1], or a 0-d/1-d tensor of them (a leading dimension per value).
        dim: the dimension to reduce (None: all elements).
        keepdim: keep the reduced dimensions with size 1.
        interpolation: between the two nearest values: ``"linear"``, ``"lower"``,
            ``"higher"``, ``"midpoint"`` or ``"nearest"`` (half to even).

    >>> torch.quantile(torch.tensor([[1.0, 2.0, 3.0, 4.0]]), torch.tensor([0.3, 0.9]), dim=1)
    tensor([[1.9000],
            [3.7000]])
    """
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


def nanquantile(input: Tensor, q, dim=None, keepdim: bool = False, *, interpolation="linear"):
    """``quantile`` ignoring NaN (NaN only where a reduced row is all NaN).

    Args:
        input: a float32 or float64 tensor.
        q: a number in [0, 1], or a 0-d/1-d tensor of them.
        dim: the dimension to reduce (None: all elements).
        keepdim: keep the reduced dimensions with size 1.
        interpolation: ``"linear"``, ``"lower"``, ``"higher"``, ``"midpoint"`` or
            ``"nearest"``.

    >>> torch.nanquantile(torch.tensor([1.0, float("nan"), 3.0]), 0.5)
    tensor(2.)
    """
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


__all__ = ["nanmedian", "mode", "quantile", "nanquantile", "cummax", "cummin"]
METHODS = {name: globals()[name] for name in __all__}
