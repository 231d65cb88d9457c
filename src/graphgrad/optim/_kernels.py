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

# The float64 work of add_scaled goes through per-thread scratch buffers, chunk by chunk: a fresh
# float64 copy of a big parameter (1.6 MB for a 784x256 layer) would be mapped and unmapped by
# malloc on every step, and its page faults cost more than the arithmetic. Chunks of 16384 values
# (128 KB each) measured fastest on a 784x256 layer.
_CHUNK = 1 << 14
_scratch = threading.local()


def _scratch_buffers() -> np.ndarray:
    buf = getattr(_scratch, "buf", None)
    if buf is None:
        buf = _scratch.buf = np.empty((2, _CHUNK), np.float64)
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
    out = np.empty(a.shape, np.float32)
    _chunked(a.reshape(-1), b.reshape(-1), alpha64, out.reshape(-1))
    return out


def add_scaled_(a: np.ndarray, b: np.ndarray, alpha: float) -> None:
    """``a += alpha * b`` in place, rounded as ``add_scaled``: no new array for a parameter.

    >>> p = np.float32([1.0, 2.0])
    >>> add_scaled_(p, np.float32([2.0, 2.0]), -0.1)
    >>> p
    array([0.8, 1.8], dtype=float32)
    """
    if (
        a.dtype == np.float32
        and a.size > 1024
        and a.shape == b.shape
        and a.flags.c_contiguous
        and not np.may_share_memory(a, b)  # a chunk written must not be read again as b
    ):
        flat = a.reshape(-1)
        _chunked(flat, b.reshape(-1), np.float64(np.float32(alpha)), flat)
    else:
        write(a, add_scaled(a, b, alpha))


def _chunked(a: np.ndarray, b: np.ndarray, alpha64: np.float64, out: np.ndarray) -> None:
    """``out = round32(a + alpha64 * b)`` for flat float32 ``a``, ``b``, ``out``, by chunks."""
    t_buf, u_buf = _scratch_buffers()
    for i in range(0, a.size, _CHUNK):
        j = min(i + _CHUNK, a.size)
        t, u = t_buf[: j - i], u_buf[: j - i]
        t[...] = b[i:j]
        t *= alpha64  # exact: a float32 times a float32, in float64
        u[...] = a[i:j]
        t += u
        out[i:j] = t  # the one rounding to float32


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
