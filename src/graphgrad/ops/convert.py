"""dtype conversion (``to``, ``float()``, ``double()``...): ToCopyBackward0.

>>> import graphgrad as torch
>>> a = torch.ones(2, dtype=torch.float64, requires_grad=True)
>>> a.float().grad_fn.name()
'ToCopyBackward0'
"""

from __future__ import annotations

from .. import _device
from ..dtypes import dtype as dtype_t
from ..tensor import Tensor
from .primitive import LINEAR, Primitive, apply

_to_copy = Primitive(
    "to_copy",
    "ToCopyBackward0",
    lambda a, dtype: a.astype(dtype.np),
    # The engine casts the gradient back to the input's dtype.
    (lambda g, s: g,),
    jvp=LINEAR,
)


def _parse_to_args(args: tuple, kwargs: dict) -> tuple[dtype_t | None, bool]:
    dt = kwargs.get("dtype")
    for a in args:
        if isinstance(a, dtype_t):
            dt = a
        elif isinstance(a, Tensor):
            dt = a.dtype
        elif isinstance(a, (str, _device.device)) or a is None:
            _device.device(a or "cpu")  # validates the device string
    return dt, bool(kwargs.get("copy", False))


def to(input: Tensor, *args, **kwargs) -> Tensor:
    """``input`` converted to a dtype; the device must be the CPU. Returns ``input`` itself when
    nothing changes (unless ``copy=True``). Takes ``to(dtype)``, ``to(device)``,
    ``to(device, dtype)``, ``to(other_tensor)`` and the keywords ``dtype``, ``device``,
    ``non_blocking``, ``copy``, ``memory_format``.

    Args:
        input: the tensor.

    >>> torch.tensor([1, 2]).to(torch.float64)
    tensor([1., 2.], dtype=torch.float64)
    """
    dt, copy = _parse_to_args(args, kwargs)
    if dt is None or dt is input.dtype:
        return input.clone() if copy else input
    return apply(_to_copy, input, dtype=dt)
