"""NumPy ufuncs with the C library's bits, as PyTorch's scalar CPU kernels compute them.

NumPy's float64 ``log``, ``log1p``, ``exp``, ``tan``, ``sin`` and ``cos`` run SIMD loops on
AVX-512 builds that differ from the C library's in the last bit (0.3% to 7% of values), and
PyTorch's random transforms (``randn``'s scalar path, ``exponential_``, ``cauchy_``,
``log_normal_``) call the C library, so the random streams need its bits.

>>> x = np.array([0.25, 0.5])
>>> bool((c_library(np.log1p, x) == [math.log1p(0.25), math.log1p(0.5)]).all())
True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np


def c_library(func: np.ufunc, x: np.ndarray) -> np.ndarray:
    """``func(x)`` as the C library computes it, for a float64 ``x`` of any shape."""
    flat = np.ascontiguousarray(x, np.float64).reshape(-1)
    return _libm(func, flat, np.empty_like(flat)).reshape(np.shape(x))


def _libm(func: np.ufunc, x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``func`` (a key of ``_MATH``) of contiguous float64 ``x`` as the C library computes it.

    Returns a view of ``out`` (a buffer that does not overlap ``x``) whose elements are in
    ``x``'s order; its memory may run backwards. NumPy's SIMD loops mostly take only positive
    strides: written into a reversed view, the ufunc falls back to a loop calling the C library.
    ``_libm_ok`` checks that this holds for ``func`` in this process (against ``math``, the C
    library's own functions); where it does not, each value goes through ``math``.
    """
    if _libm_ok(func):
        rev = out[::-1]
        func(x, out=rev)
        return rev
    with np.errstate(all="ignore"):
        approx = func(x, out=out)
    ref = _MATH[func]  # (it raises where NumPy returns inf or NaN)
    out[...] = [ref(v) if math.isfinite(a) else a for v, a in zip(x.tolist(), approx.tolist())]
    return out


_MATH: dict[np.ufunc, Callable[[float], float]] = {
    np.log: math.log,
    np.cos: math.cos,
    np.sin: math.sin,
    np.log1p: math.log1p,
    np.exp: math.exp,
    np.tan: math.tan,
}


@functools.cache
def _libm_ok(func: np.ufunc) -> bool:
    """Whether ``func`` on a reversed view gives the C library's bits (checked once each: NumPy
    2.0's ``exp`` keeps its SIMD loop there, later versions' do not)."""
    u = np.random.default_rng(20240607).integers(1, 1 << 53, 1 << 14) * 2.0**-53
    x = u if func is np.log else u * (2.0 * math.pi)
    got = np.empty_like(x)
    func(x, out=got[::-1])
    want = np.fromiter(map(_MATH[func], x.data), np.float64, count=len(x))
    return got[::-1].tobytes() == want.tobytes()
