"""Random fills for nn (init, dropout) drawn from graphgrad's generator.

``graphgrad.random`` reproduces PyTorch's streams (``manual_seed`` then ``nn.Linear(3, 2)`` gives
PyTorch's weights bit for bit); the NumPy fallback below only serves while that module is absent.

>>> import numpy as np
>>> uniform_array((2, 3), np.dtype(np.float32)).shape
(2, 3)
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor

try:
    from .. import random as _random
except ImportError:  # pragma: no cover - only while graphgrad.random is being written
    _random = None

_fallback = np.random.default_rng(0)


def uniform_(tensor: Tensor, a: float, b: float, generator=None) -> Tensor:
    """Fill ``tensor`` in place with U(a, b) draws."""
    if _random is not None and hasattr(_random, "uniform_"):
        return _random.uniform_(tensor, a, b, generator=generator)
    tensor._data[...] = _fallback.uniform(a, b, tensor._data.shape)
    return tensor


def normal_(tensor: Tensor, mean: float, std: float, generator=None) -> Tensor:
    """Fill ``tensor`` in place with N(mean, std**2) draws."""
    if _random is not None and hasattr(_random, "normal_"):
        return _random.normal_(tensor, mean, std, generator=generator)
    tensor._data[...] = _fallback.normal(mean, std, tensor._data.shape)
    return tensor


def uniform_array(shape: tuple, dtype: np.dtype, generator=None) -> np.ndarray:
    """An array of U(0, 1) draws (dropout masks)."""
    t = Tensor._make(np.empty(shape, dtype))
    return uniform_(t, 0.0, 1.0, generator)._data
