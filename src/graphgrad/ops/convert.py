"""dtype conversion (``to``, ``float()``, ``double()``...): ToCopyBackward0.

>>> import graphgrad as torch
>>> a = torch.ones(2, dtype=torch.float64, requires_grad=True)
>>> a.float().grad_fn.name()
'ToCopyBackward0'
"""

from __future__ import annotations

from .. import _device
from .._argcheck import dtype_arg
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
    dt = dtype_arg(kwargs.get("dtype"), "to")
    for a in args:
        if isinstance(a, dtype_t):
            dt = a
        elif isinstance(a, Tensor):
            dt = a.dtype
        elif a in (float, int, bool, complex):  # Python's types stand for 64-bit dtypes
            dt = dtype_arg(a, "to")
        elif isinstance(a, (str, _device.device)) or a is None:
            _device.device(a or "cpu")  # validates the device string
    return dt, bool(kwargs.get("copy", False))


def to(input: Tensor, *args, **kwargs) -> Tensor:
    """Convert dtype (device: CPU only); returns ``input`` itself when nothing changes."""
    dt, copy = _parse_to_args(args, kwargs)
    if dt is None or dt is input.dtype:
        return input.clone() if copy else input
    return apply(_to_copy, input, dtype=dt)
