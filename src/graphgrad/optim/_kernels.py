"""Array updates in float32 arithmetic as PyTorch's CPU kernels do them.

``add_scaled`` is ``a + alpha * b`` with one rounding: PyTorch's ``add(b, alpha=...)`` kernel is
a fused multiply-add on x86-64, so a NumPy ``a + alpha * b`` (two roundings) would drift by an
ulp now and then. The product of two float32 values is exact in float64, so computing there and
rounding once reproduces the FMA (up to rare double-rounding ties).

>>> import numpy as np
>>> add_scaled(np.float32([1.0]), np.float32([2.0]), -0.1)
array([0.8], dtype=float32)
"""

from __future__ import annotations

import numpy as np


def add_scaled(a: np.ndarray, b: np.ndarray, alpha: float) -> np.ndarray:
    """``a + alpha * b`` with a single rounding (alpha is first cast to ``a``'s dtype)."""
    if a.dtype == np.float32:
        alpha32 = np.float64(np.float32(alpha))
        return (a.astype(np.float64) + alpha32 * b.astype(np.float64)).astype(np.float32)
    return a + a.dtype.type(alpha) * b


def addcmul(a: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float) -> np.ndarray:
    """``a + value * t1 * t2`` as PyTorch's vector kernel computes it: ``fma(value*t1, t2, a)``."""
    if a.dtype == np.float32:
        scaled = (np.float32(value) * t1).astype(np.float64)
        return (a.astype(np.float64) + scaled * t2.astype(np.float64)).astype(np.float32)
    return a + a.dtype.type(value) * t1 * t2


def addcdiv(a: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float) -> np.ndarray:
    """``a + value * (t1 / t2)``, evaluated as PyTorch's kernel does: ``a + (value*t1) / t2``."""
    return a + (a.dtype.type(value) * t1) / t2


def lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """PyTorch's ``lerp``: ``start + w (end - start)``, or from ``end`` when ``w >= 0.5``."""
    w = start.dtype.type(weight)
    diff = end - start
    if weight < 0.5:
        return add_scaled(start, diff, float(w))
    return add_scaled(end, diff, -float(start.dtype.type(1) - w))


def write(target: np.ndarray, value: np.ndarray) -> None:
    """Store ``value`` into ``target`` in place (keeps views and storage sharing intact)."""
    np.copyto(target, value, casting="unsafe")
