"""dtype conversion (``to``, ``float()``, ``double()``...): ToCopyBackward0.

>>> import graphgrad as torch
>>> a = torch.ones(2, dtype=torch.float64, requires_grad=True)
>>> a.float().grad_fn.name()
'ToCopyBackward0'
"""

from __future__ import annotations

from .. import _device
from .._argcheck import dtype_arg
from .._memory_format import laid_out
from ..dtypes import check_storable
from ..dtypes import dtype as dtype_t
from ..tensor import Tensor
from .primitive import LINEAR, Primitive, apply

_to_copy = Primitive(
    "to_copy",
    "ToCopyBackward0",
    # astype keeps the layout (preserve_format) unless a memory format is asked for
    lambda a, dtype, memory_format=None: laid_out(a.astype(dtype.np), memory_format),
    # The engine casts the gradient back to the input's dtype.
    self=lambda grad: grad,
    jvp=LINEAR,
)


def parse_to_args(args: tuple, kwargs: dict) -> tuple[dtype_t | None, bool]:
    """The dtype and ``copy`` flag of a ``.to(...)`` call; a device other than the CPU raises."""
    dt = dtype_arg(kwargs.get("dtype"), "to")
    for a in args:
        if isinstance(a, dtype_t):
            dt = a
        elif isinstance(a, Tensor):
            dt = a.dtype
        elif a in (float, int, bool, complex):  # Python's types stand for 64-bit dtypes
            dt = dtype_arg(a, "to")
        elif isinstance(a, (str, int, _device.device)) or a is None:
            _device.cpu_only(a)
    _device.cpu_only(kwargs.get("device"))
    return None if dt is None else check_storable(dt), bool(kwargs.get("copy", False))


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
    dt, copy = parse_to_args(args, kwargs)
    fmt = kwargs.get("memory_format")
    moves = fmt is not None and laid_out(input._data, fmt) is not input._data
    if (dt is None or dt is input.dtype) and not moves:
        return input.clone() if copy else input
    return apply(_to_copy, input, dtype=dt or input.dtype, memory_format=fmt)


def cuda(input: Tensor, device=None, non_blocking: bool = False, memory_format=None) -> Tensor:
    """Copy to a CUDA device: graphgrad, like PyTorch's CPU build, has none, so this raises.

    Args:
        input: the tensor (``input.cuda()``).
        device: the CUDA device.
        non_blocking, memory_format: accepted for PyTorch's signature.

    >>> import graphgrad as torch
    >>> torch.ones(1).cuda()
    Traceback (most recent call last):
    AssertionError: Torch not compiled with CUDA enabled
    """
    _device.cpu_only("cuda" if device is None else device)
    raise AssertionError(_device.NO_CUDA)  # a CPU device named as a CUDA one


def pin_memory(input: Tensor, device=None) -> Tensor:
    """Page-locked memory is for copies to an accelerator, and there is none: raises.

    Args:
        input: the tensor (``input.pin_memory()``).
        device: the accelerator the memory would be pinned for.

    >>> import graphgrad as torch
    >>> torch.ones(1).pin_memory()
    Traceback (most recent call last):
    RuntimeError: Cannot access accelerator device when none is available.
    """
    raise RuntimeError(_device.NO_ACCELERATOR)


def is_pinned(input: Tensor, device=None) -> bool:
    """Whether ``input`` is in page-locked memory: never, without an accelerator.

    Args:
        input: the tensor (``input.is_pinned()``).
        device: the accelerator asked about.

    >>> torch.ones(1).is_pinned()
    False
    """
    return False


def get_device(input: Tensor) -> int:
    """The index of ``input``'s CUDA device, or -1 for a CPU tensor (all of graphgrad's).

    Args:
        input: the tensor (``input.get_device()``).

    >>> torch.ones(1).get_device()
    -1
    """
    return -1


METHODS = {"cuda": cuda, "pin_memory": pin_memory, "is_pinned": is_pinned, "get_device": get_device}
