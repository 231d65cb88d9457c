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
