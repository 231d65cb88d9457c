"""Sliding windows over the spatial dims of ``(N, C, *spatial)`` arrays, for conv and pooling.

``windows`` is im2col as a zero-copy strided view; ``scatter_windows`` is its adjoint (col2im),
one vectorised add per kernel position. Both work for any number of spatial dims.

>>> import numpy as np
>>> a = np.arange(16.0).reshape(1, 1, 4, 4)
>>> windows(a, (2, 2), (2, 2), (1, 1), (2, 2)).shape
(1, 1, 2, 2, 2, 2)
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided


def out_size(size: int, k: int, s: int, p: int, d: int) -> int:
    """How many windows fit along one dim (no ceil mode)."""
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def pad(a: np.ndarray, before: tuple, after: tuple | None = None, value: float = 0.0):
    """Pad the spatial dims (all dims after the first two)."""
    after = before if after is None else after
    if not any(before) and not any(after):
        return a
    widths = [(0, 0), (0, 0)] + [(b, e) for b, e in zip(before, after, strict=False)]
    return np.pad(a, widths, constant_values=value)


def windows(a: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple, out: tuple):
    """A read-only view ``(N, C, *kernel, *out)`` of the windows of an already padded array."""
    s_n, s_c, *s_sp = a.strides
    shape = a.shape[:2] + tuple(kernel) + tuple(out)
    strides = (
        (s_n, s_c)
        + tuple(s * d for s, d in zip(s_sp, dilation, strict=False))
        + tuple(s * st for s, st in zip(s_sp, stride, strict=False))
    )
    return as_strided(a, shape, strides, writeable=False)


def scatter_windows(cols: np.ndarray, size: tuple, stride: tuple, dilation: tuple):
    """col2im: add ``cols`` ``(N, C, *kernel, *out)`` back into a zero ``(N, C, *size)`` array."""
    nd = len(size)
    kernel, out = cols.shape[2 : 2 + nd], cols.shape[2 + nd :]
    result = np.zeros(cols.shape[:2] + tuple(size), cols.dtype)
    for pos in np.ndindex(*kernel):
        index = (slice(None), slice(None)) + tuple(
            slice(p * d, p * d + s * (o - 1) + 1, s)
            for p, d, s, o in zip(pos, dilation, stride, out, strict=False)
        )
        result[index] += cols[(slice(None), slice(None)) + pos]
    return result


def crop(a: np.ndarray, start: tuple, size: tuple) -> np.ndarray:
    """The spatial block ``[start, start + size)`` of ``a``."""
    index = (slice(None), slice(None)) + tuple(
        slice(b, b + n) for b, n in zip(start, size, strict=False)
    )
    return a[index]
