"""``nn.Parameter``: a leaf tensor that a Module registers as one of its parameters.

>>> import graphgrad as torch
>>> p = torch.nn.Parameter(torch.ones(2))
>>> p
Parameter containing:
tensor([1., 1.], requires_grad=True)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a module parameter: assigning one to a Module attribute registers it.
    It shares storage with the tensor it wraps.

    Args:
        data: the tensor (an empty one when ``None``).
        requires_grad: whether the parameter requires grad.

    >>> torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    Parameter containing:
    tensor([1., 2.], requires_grad=True)
    """

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

    def __deepcopy__(self, memo):
        """A parameter with a copy of the data, and neither the ``.grad`` nor the attributes
        set on this one, as PyTorch's ``copy.deepcopy(model)`` makes.

        >>> import copy
        >>> p = torch.nn.Parameter(torch.ones(2))
        >>> p.sum().backward()
        >>> q = copy.deepcopy(p)
        >>> q, q.grad
        (Parameter containing:
        tensor([1., 1.], requires_grad=True), None)
        """
        p = type(self)._make(self._data.copy(), self._requires_grad)
        memo[id(self)] = p
        return p


class _Lazy:
    """The mark of uninitialized parameters and buffers (``nn.lazy``'s classes derive from it)."""

    __slots__ = ()


def is_lazy(param) -> bool:
    """Whether ``param`` is an uninitialized parameter or buffer (of a lazy module).

    Args:
        param: a tensor.

    >>> torch.nn.parameter.is_lazy(torch.nn.LazyLinear(3).weight)
    True
    >>> torch.nn.parameter.is_lazy(torch.nn.Linear(2, 3).weight)
    False
    """
    return isinstance(param, _Lazy)


class _BufferMeta(type):
    """``isinstance(t, Buffer)`` holds for the tensors ``Buffer(...)`` made (which are plain
    Tensors, as in PyTorch)."""

    def __instancecheck__(cls, instance) -> bool:
        return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)


class Buffer(metaclass=_BufferMeta):
    """A tensor marked as a buffer: assigning it to a Module attribute registers it as a buffer
    (``register_buffer`` with its ``persistent``). It is a plain Tensor that shares storage with
    ``data``.

    Args:
        data: the tensor (an empty one when ``None``).
        persistent: whether the module's ``state_dict`` includes it.

    >>> m = torch.nn.Module()
    >>> m.steps = torch.nn.Buffer(torch.zeros(1))
    >>> m.scratch = torch.nn.Buffer(torch.ones(2), persistent=False)
    >>> list(m.state_dict().items())  # (OrderedDict's repr differs from Python 3.12 on)
    [('steps', tensor([0.]))]
    """

    persistent: bool

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Tensor:  # type: ignore[misc]
        if data is None:
            data = Tensor._make(np.empty(0, np.float32))
        t = data.detach().requires_grad_(data.requires_grad)
        t.__dict__.update(persistent=persistent, _is_buffer=True)
        return t


def reset_grads(params: Iterable[Tensor], set_to_none: bool = True) -> None:
    """``zero_grad`` of modules and optimizers: each ``.grad`` to None (the default, as PyTorch 2)
    or to zeros."""
    for p in params:
        if p._grad is None:
            continue
        if set_to_none:
            p._grad = None
        else:
            p._grad = Tensor._make(np.zeros_like(p._grad._data))
