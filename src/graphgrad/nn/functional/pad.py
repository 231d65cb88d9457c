"""``F.pad``: constant (the ``constant_pad_nd`` primitive), reflect, replicate and circular
padding.

``pad`` lists (left, right) amounts from the last dim backwards; negative amounts crop. The
non-constant modes pick the padded positions with ``index_select``, so the gradient of a
reflected or repeated element adds up at its source.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.pad(torch.tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect")
tensor([[3., 2., 1., 2., 3., 2.]])
"""

from __future__ import annotations

import numpy as np

from ...ops.array_step import constant
from ...ops.index.gather import index_select
from ...ops.shape.pad_shuffle import constant_pad_nd
from ...tensor import Tensor

_MODES = ("constant", "reflect", "replicate", "circular")


def _check(input: Tensor, pad: tuple, mode: str, value) -> None:
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {input.ndim}"
        )
    if mode == "constant":
        return
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    spatial = len(pad) // 2
    if spatial > 3 or input.ndim not in (spatial + 1, spatial + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )


def _positions(n: int, left: int, right: int, mode: str, dim: int, shape) -> np.ndarray:
    """The source index of each output position along one dim."""
    p = np.arange(-left, n + right)
    if mode == "reflect":
        if left >= n or right >= n:
            raise RuntimeError(
                "Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({left}, {right}) at dimension {dim} of input "
                f"{list(shape)}"
            )
        p = np.abs(p)
        return np.where(p >= n, 2 * (n - 1) - p, p)
    if mode == "replicate":
        return np.clip(p, 0, n - 1)
    # a negative pad crops first, and the other side wraps around what is left (as PyTorch)
    start, stop = max(-left, 0), n - max(-right, 0)
    kept = stop - start
    if kept < 0 or (kept == 0 and max(left, right) > 0):
        raise RuntimeError("Negative padding value is resulting in an empty dimension")
    if left > kept or right > kept:
        raise RuntimeError("Padding value causes wrapping around more than once.")
    return start + (np.arange(-max(left, 0), kept + max(right, 0)) % max(kept, 1))


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:
    """``input`` padded by ``pad`` = (left, right) pairs, from the last dim back (F.pad).

    ``mode``: ``'constant'`` (fill with ``value``, 0 by default), ``'reflect'`` (mirror
    without the edge), ``'replicate'`` (repeat the edge), ``'circular'`` (wrap around).

    >>> import graphgrad as torch
    >>> import graphgrad.nn.functional as F
    >>> F.pad(torch.ones(1, 2), (1, 0, 0, 1), value=5.0)
    tensor([[5., 1., 1.],
            [5., 5., 5.]])
    """
    pad = tuple(int(p) for p in pad)
    _check(input, pad, mode, value)
    if mode == "constant":
        return constant_pad_nd(input, pad, 0 if value is None else value)
    out = input
    for i in range(len(pad) // 2):
        dim, left, right = input.ndim - 1 - i, pad[2 * i], pad[2 * i + 1]
        idx = _positions(out.shape[dim], left, right, mode, dim, input.shape)
        out = index_select(out, dim, Tensor._make(constant(idx.astype(np.int64))))
    return out


__all__ = ["pad"]
