"""Hypothesis strategies: dtypes, shapes that broadcast, special values, scalars of every
Python and NumPy type."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

FLOATS = (np.float32, np.float64)
INTS = (np.uint8, np.int8, np.int16, np.int32, np.int64)
DTYPES = (*FLOATS, *INTS, np.bool_)


def specials(dtype) -> list:
    """±0, ±inf, NaN, the smallest denormal, the dtype's max and min (for floats)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        info = np.finfo(dtype)
        tiny = info.smallest_subnormal
        return [0.0, -0.0, np.inf, -np.inf, np.nan, tiny, -tiny, info.max, -info.max, 1.0, -1.0]
    if dtype.kind == "b":
        return [False, True]
    info = np.iinfo(dtype)
    return [0, 1, info.max, info.min, -1 if info.min < 0 else 2]


def is_special(arrays) -> bool:
    """Whether any float input holds a non-finite, denormal or extreme value."""
    for a in arrays:
        if a.dtype.kind == "f" and a.size:
            info = np.finfo(a.dtype)
            mag = np.abs(a[np.isfinite(a)])
            if not np.isfinite(a).all() or np.any((mag > 0) & (mag < info.tiny)):
                return True
            if np.any(mag > info.max / 4):
                return True
    return False


@st.composite
def injected(draw, arrays: list, dtype) -> list:
    """``arrays`` in ``dtype``, with a few elements replaced by special values (or not)."""
    out = [a.astype(dtype) for a in arrays]
    count = draw(st.integers(0, 3))
    values = specials(dtype)
    for _ in range(count):
        i = draw(st.integers(0, len(out) - 1)) if out else 0
        if not out or out[i].size == 0:
            continue
        pos = draw(st.integers(0, out[i].size - 1))
        flat = out[i].reshape(-1).copy()
        flat[pos] = draw(st.sampled_from(values))
        out[i] = flat.reshape(out[i].shape)
    return out


def shapes(max_dims: int = 3, max_side: int = 4):
    return st.lists(st.integers(0, max_side), min_size=0, max_size=max_dims).map(tuple)


@st.composite
def broadcastable(draw, shape: tuple) -> tuple:
    """A shape that broadcasts with ``shape``: a suffix of it, with some sides made 1."""
    keep = draw(st.integers(0, len(shape)))
    tail = list(shape[len(shape) - keep :])
    out = [1 if draw(st.booleans()) else n for n in tail]
    extra = draw(st.lists(st.sampled_from([1, 2]), max_size=1))
    return tuple(extra + out)


@st.composite
def arrays(draw, shape: tuple, dtype) -> np.ndarray:
    dtype = np.dtype(dtype)
    n = int(np.prod(shape))
    if dtype.kind == "f":
        pool = st.one_of(
            st.floats(-4, 4, width=32),
            st.sampled_from(specials(dtype)),
        )
    elif dtype.kind == "b":
        pool = st.booleans()
    else:
        info = np.iinfo(dtype)
        pool = st.one_of(st.integers(max(info.min, -5), 5), st.sampled_from(specials(dtype)))
    values = draw(st.lists(pool, min_size=n, max_size=n))
    return np.array(values, dtype=dtype).reshape(shape)


def python_and_numpy_scalars():
    """A scalar operand: bool, int, float of Python and of NumPy, special values included."""
    ints = st.integers(-3, 3)
    floats = st.sampled_from([0.0, -0.0, 0.5, -2.5, 3.0, np.inf, -np.inf, np.nan, 1e-310, 1e38])
    return st.one_of(
        st.booleans(),
        ints,
        floats,
        st.booleans().map(np.bool_),
        ints.map(np.int64),
        ints.map(np.int32),
        st.integers(0, 3).map(np.uint8),
        floats.map(np.float64),
        floats.map(np.float32),
    )
