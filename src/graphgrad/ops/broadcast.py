"""PyTorch's broadcasting of shapes, with its error message (``infer_size``).

>>> broadcast_shapes((2, 1, 3), (4, 1))
(2, 4, 3)
>>> try:
...     broadcast_shapes((2, 3), (3, 2))
... except RuntimeError as e:
...     print(e)
The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1
"""

from __future__ import annotations

import numpy as np


def broadcast_shapes(a: tuple, b: tuple) -> tuple:
    """The shape ``a`` and ``b`` broadcast to. Dims are checked from the last one, as PyTorch
    does, so its message names the last dim that does not match."""
    n = max(len(a), len(b))
    out = [1] * n
    for i in range(n - 1, -1, -1):
        offset = n - 1 - i
        x = a[len(a) - 1 - offset] if offset < len(a) else 1
        y = b[len(b) - 1 - offset] if offset < len(b) else 1
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {i}"
            )
        out[i] = y if x == 1 else x
    return tuple(out)


def sum_to_size(array: np.ndarray, shape: tuple) -> np.ndarray:
    """``Tensor.sum_to_size`` on an array (``ARRAYS.sum_to_size``): the same sums, no graph.

    >>> sum_to_size(np.ones((2, 3)), (1, 3))
    array([[2., 2., 2.]])
    """
    dims = sum_to_dims(array.shape, shape)
    if dims:
        array = np.sum(array, axis=dims, keepdims=True)
    return array.reshape(shape)


def sum_to_dims(have: tuple, shape: tuple) -> tuple:
    """The dims of a ``have``-shaped value to sum over so that it reshapes to ``shape``: the
    leading ones and those where ``shape`` has 1 (PyTorch's expand error when it cannot)."""
    lead = len(have) - len(shape)
    if lead < 0 or any(s != 1 and s != d for s, d in zip(shape, have[lead:], strict=True)):
        raise RuntimeError(
            f"size {{{', '.join(map(str, shape))}}} is not expandable to size "
            f"{{{', '.join(map(str, have))}}}."
        )
    return tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and have[lead + i] != 1
    )
