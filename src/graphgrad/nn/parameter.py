"""``nn.Parameter``: a leaf tensor that a Module registers as one of its parameters.

>>> import graphgrad as torch
>>> p = torch.nn.Parameter(torch.ones(2))
>>> p
Parameter containing:
tensor([1., 1.], requires_grad=True)
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a module parameter; shares storage with the tensor it wraps."""

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            data = Tensor._make(np.empty(0, np.float32))
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}"
            )
        if requires_grad and data.dtype.category < 2:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        p = cls._make(data._data, bool(requires_grad))
        p._version_counter = data._version_counter
        return p

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass

    def __reduce_ex__(self, protocol):
        return (Parameter, (Tensor._make(self._data.copy()), self._requires_grad))
