"""Histograms: ``histc`` and ``histogram`` (no gradient, as in PyTorch).

``histc`` places ``x`` in bin ``int((x - min) * bins / (max - min))`` computed in the input's
dtype (the last bin closed), as PyTorch's kernel does; ``histogram`` counts by its bin edges
(``linspace(min, max, bins + 1)``, or the edges given), each bin ``[edge_i, edge_i+1)`` but the
last closed.

>>> import graphgrad as torch
>>> torch.histc(torch.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3)
tensor([0., 2., 1., 0.])
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np

from .creation import linspace
from .ops.array_step import array_step
from .tensor import Tensor

__all__ = ["histc", "histogram"]


def _range(data: np.ndarray, low: float, high: float, widen: float) -> tuple[float, float]:
    """The data's range when ``low == high``; an empty range is widened by ``widen`` a side."""
    if low == high and data.size:
        low, high = float(data.min()), float(data.max())
    if low == high:
        low, high = low - widen, high + widen
    return low, high


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0, *,  # noqa: A002
          out: Tensor | None = None) -> Tensor:  # fmt: skip
    """Counts of ``input`` in ``bins`` equal bins over [``min``, ``max``] (the data's range
    when both are 0); values outside are ignored. The result has ``input``'s dtype.

    Args:
        input: the values.
        bins: the number of bins.
        min, max: the range of the bins.
        out: a tensor to write the counts into.

    >>> import graphgrad as torch
    >>> torch.histc(torch.tensor([0.0, 0.5, 1.0]), bins=2)
    tensor([1., 2.])
    """
    data = input._data
    if data.dtype.kind != "f":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{input.dtype.legacy}'")
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got " + str(bins) + " for dim 0")
    if min > max:
        raise RuntimeError("torch.histc(): max must be larger than min")
    result = Tensor._make(_histc_counts(data, bins, float(min), float(max)))
    return result if out is None else out.copy_(result)


@array_step
def _histc_counts(data: np.ndarray, bins: int, low: float, high: float) -> np.ndarray:
    low, high = _range(data, low, high, 1.0)
    flat = data.reshape(-1)
    flat = flat[(flat >= low) & (flat <= high) & ~np.isnan(flat)]
    dt = data.dtype.type
    pos = ((flat - dt(low)) * dt(bins) / (dt(high) - dt(low))).astype(np.int64)
    pos = np.minimum(pos, bins - 1)
    return np.bincount(pos, minlength=bins)[:bins].astype(data.dtype)


class histogram_type(tuple):  # noqa: N801 - shown as torch.return_types.histogram
    """``torch.return_types.histogram``: the tuple ``(hist, bin_edges)`` with those names."""

    __slots__ = ()
    hist = property(itemgetter(0), doc="the counts (or weight sums, or densities)")
    bin_edges = property(itemgetter(1), doc="the bins' edges, one more than bins")

    def __new__(cls, hist: Tensor, bin_edges: Tensor):
        return tuple.__new__(cls, (hist, bin_edges))

    def __repr__(self) -> str:
        return f"torch.return_types.histogram(\nhist={self[0]!r},\nbin_edges={self[1]!r})"


def histogram(input: Tensor, bins=100, *, range=None, weight: Tensor | None = None,  # noqa: A002
              density: bool = False, out=None):  # fmt: skip
    """``(hist, bin_edges)``: counts (or ``weight`` sums) of ``input`` in ``bins`` equal bins
    over ``range`` (the data's range by default), or between the edges of a ``bins`` tensor.

    Args:
        input: the values.
        bins: the number of bins, or a 1-D tensor of increasing bin edges.
        range: ``(min, max)`` of the bins.
        weight: a weight per value, summed instead of counting.
        density: normalise so that the histogram integrates to 1.
        out: a ``(hist, bin_edges)`` pair of tensors to write into.

    >>> import graphgrad as torch
    >>> torch.histogram(torch.tensor([1.0, 2.0, 1.0]), bins=2).hist
    tensor([2., 1.])
    """
    data = input._data.reshape(-1)
    if isinstance(bins, Tensor):
        edges = bins._data.astype(data.dtype)
    else:
        low, high = (float(r) for r in range) if range is not None else (0.0, 0.0)
        low, high = _range(data, low, high, 0.5)
        edges = linspace(low, high, int(bins) + 1, dtype=input.dtype)._data
    n = edges.size - 1
    inside = (data >= edges[0]) & (data <= edges[-1])
    pos = np.minimum(np.searchsorted(edges, data[inside], side="right") - 1, n - 1)
    w = None if weight is None else weight._data.reshape(-1)[inside]
    hist = np.bincount(pos, weights=w, minlength=n)[:n].astype(data.dtype)
    if density:
        hist = (hist / (hist.sum() * np.diff(edges))).astype(data.dtype)
    return histogram_type(Tensor._make(hist), Tensor._make(edges.copy()))
