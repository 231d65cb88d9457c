"""Fused multiply-add (one rounding) in NumPy, for float32 and float64 arrays.

PyTorch's CPU kernels are compiled with FMA contraction, so ``u * (b - a) + a`` and
``x * std + mean`` round once. NumPy has no fma ufunc; these emulate it exactly with
error-free transformations and round-to-odd (Boldo & Melquiond, "Emulation of FMA and correctly
rounded sums: proved algorithms using rounding to odd", IEEE TC 2008). Inputs are assumed finite
and away from overflow and deep underflow.
"""

from __future__ import annotations

import numpy as np

f32, f64 = np.float32, np.float64
_ONE, _MINUS_ONE = np.uint64(1), np.uint64(0xFFFFFFFFFFFFFFFF)
_SPLIT = f64(134217729.0)  # 2**27 + 1: Veltkamp's constant for binary64


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """s, err with s = fl(a + b) and s + err == a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _round_to_odd(s: np.ndarray, err: np.ndarray) -> np.ndarray:
    """Given s = RN(x) and err = x - s, the float64 nearest x whose last bit is odd if inexact."""
    bits = s.view(np.uint64)
    fix = (err != 0) & ((bits & _ONE) == 0)
    if not fix.any():
        return s
    # Step one ulp toward x: away from zero when err has the sign of s.
    step = np.where(np.signbit(err) == np.signbit(s), _ONE, _MINUS_ONE)
    return np.where(fix, (bits + step).view(f64), s)


def fma32(a: np.ndarray, b, c) -> np.ndarray:
    """Correctly rounded float32 ``a * b + c``."""
    p = np.multiply(a, b, dtype=f64)  # exact: 24 + 24 significant bits fit in 53
    s, err = _two_sum(p, np.asarray(c, f64))
    # Rounding the round-to-odd 53-bit sum to 24 bits equals rounding the exact sum (53 >= 2*24+2).
    return _round_to_odd(s, err).astype(f32)


def _two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p, err with p = fl(a * b) and p + err == a * b exactly (Dekker, Veltkamp splitting)."""
    p = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    err = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, err


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = _SPLIT * a
    hi = t - (t - a)
    return hi, a - hi


def fma64(a: np.ndarray, b, c) -> np.ndarray:
    """Correctly rounded float64 ``a * b + c`` (Boldo-Melquiond emulation)."""
    a = np.asarray(a, f64)
    b, c = np.broadcast_to(np.asarray(b, f64), a.shape), np.asarray(c, f64)
    uh, ul = _two_prod(a, b)
    th, tl = _two_sum(c, uh)
    v, err = _two_sum(tl, ul)
    return th + _round_to_odd(v, err)
