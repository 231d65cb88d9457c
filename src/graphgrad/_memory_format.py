"""Memory formats (``torch.memory_format``): the order a tensor's elements lie in memory.

``channels_last`` keeps a 4-d NCHW tensor's channels innermost (NHWC in memory, strides
``(H*W*C, 1, W*C, C)``), as convolution libraries prefer; ``channels_last_3d`` does the same
for 5-d tensors. A NumPy array holds such a layout as a transposed C-ordered array, so the
strides PyTorch reports are the array's own.

>>> import graphgrad as torch
>>> torch.ones(1, 2, 3, 4).to(memory_format=torch.channels_last).stride()
(24, 1, 8, 2)
"""

from __future__ import annotations

import numpy as np

from ._named import TorchConstant


class memory_format(TorchConstant):  # noqa: N801 - PyTorch's name
    """A memory format: ``torch.contiguous_format``, ``torch.preserve_format``,
    ``torch.channels_last`` or ``torch.channels_last_3d``.

    Args:
        name: the format's name, as printed after ``torch.``.

    >>> import graphgrad as torch
    >>> torch.channels_last
    torch.channels_last
    """

    __slots__ = ()


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")

# the axes from outermost to innermost in memory, for the formats that put channels last
_AXES = {channels_last: (0, 2, 3, 1), channels_last_3d: (0, 2, 3, 4, 1)}


def axes(fmt: memory_format, ndim: int) -> tuple[int, ...] | None:
    """The memory order of ``fmt``'s axes for a tensor of ``ndim`` dims (None: row-major)."""
    order = _AXES.get(fmt)
    if order is not None and ndim != len(order):
        raise RuntimeError(f"required rank {len(order)} tensor to use {fmt.name} format")
    return order


def is_in(a: np.ndarray, fmt: memory_format | None) -> bool:
    """Whether ``a``'s elements lie densely in ``fmt``'s order (dims of size 1 count as any)."""
    order = _AXES.get(fmt)  # type: ignore[arg-type]
    if order is None:
        return a.flags.c_contiguous
    return a.ndim == len(order) and a.transpose(order).flags.c_contiguous


def copy_in(a: np.ndarray, fmt: memory_format | None) -> np.ndarray:
    """A copy of ``a`` laid out in ``fmt``; ``preserve_format`` keeps ``a``'s own order."""
    if fmt is preserve_format:
        return np.array(a, order="K", copy=True)
    order = axes(fmt, a.ndim) if fmt is not None else None
    if order is None:
        return np.array(a, order="C", copy=True)
    # a fresh C-ordered copy, also when the transpose is already contiguous: a new array's size-1
    # dims get PyTorch's strides, and the result never shares the input's memory
    return np.array(a.transpose(order), order="C", copy=True).transpose(np.argsort(order))


def laid_out(a: np.ndarray, fmt: memory_format | None) -> np.ndarray:
    """``a`` itself when it is already in ``fmt`` (or ``fmt`` is None), else a copy in it."""
    if fmt is None or fmt is preserve_format or is_in(a, fmt):
        if fmt is not None:
            axes(fmt, a.ndim)  # a format of another rank raises even when nothing moves
        return a
    return copy_in(a, fmt)


__all__ = ["channels_last", "channels_last_3d", "contiguous_format", "memory_format",
           "preserve_format"]  # fmt: skip
