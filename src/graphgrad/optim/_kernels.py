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

import threading

import numpy as np

# The float64 work of add_scaled goes through a per-thread scratch buffer of this many values,
# chunk by chunk: a fresh float64 copy of a big parameter (1.6 MB for a 784x256 layer) would be
# mapped and unmapped by malloc on every step, and its page faults cost more than the arithmetic.
_CHUNK = 1 << 16
_scratch = threading.local()


def _scratch_buffer() -> np.ndarray:
    buf = getattr(_scratch, "buf", None)
    if buf is None:
        buf = _scratch.buf = np.empty(_CHUNK, np.float64)
    return buf


def add_scaled(a: np.ndarray, b: np.ndarray, alpha: float) -> np.ndarray:
    """``a + alpha * b`` with a single rounding (alpha is first cast to ``a``'s dtype)."""
    if a.dtype != np.float32:
        return a + a.dtype.type(alpha) * b
    alpha64 = np.float64(np.float32(alpha))
    if a.shape != b.shape or a.size <= 1024:
        # asarray: for 0-d inputs NumPy's ufuncs return a scalar, which cannot be ``out=``
        out = np.asarray(np.multiply(b, alpha64, dtype=np.float64))
        np.add(out, a, out=out)
        return out.astype(np.float32)
    flat_a, flat_b = a.reshape(-1), b.reshape(-1)
    out = np.empty(flat_a.size, np.float32)
    scratch = _scratch_buffer()
    for i in range(0, flat_a.size, _CHUNK):
        j = min(i + _CHUNK, flat_a.size)
        t = scratch[: j - i]
        np.multiply(flat_b[i:j], alpha64, out=t)
        np.add(t, flat_a[i:j], out=t)
        out[i:j] = t  # the one rounding to float32
    return out.reshape(a.shape)


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
