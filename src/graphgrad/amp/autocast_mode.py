"""``torch.autocast``: as far as graphgrad can honestly go, which is where it does nothing.

PyTorch's CPU-only build disables a ``"cuda"`` autocast with a warning, and so does graphgrad;
a disabled autocast is a no-op context manager and decorator. An *enabled* CPU autocast would run
matmuls and convolutions in bfloat16 or float16 and pick per-op dtypes from PyTorch's lists:
graphgrad has no bfloat16 tensors and does not keep those lists, so it raises
NotImplementedError rather than give results that silently differ.

>>> import graphgrad as torch
>>> with torch.autocast("cpu", enabled=False):
...     torch.ones(2).dtype
torch.float32
>>> torch.autocast("cpu")
Traceback (most recent call last):
NotImplementedError: graphgrad has no enabled autocast: ...
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

from ..dtypes import bfloat16, dtype, float16

__all__ = ["autocast", "get_autocast_dtype", "is_autocast_available", "is_autocast_enabled"]

# The device types PyTorch's device strings may start with, in the order its error lists them.
_DEVICE_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
    "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip
_DEFAULT_DTYPES = {"cpu": bfloat16, "cuda": float16}
_NOT_IMPLEMENTED = (
    "graphgrad has no enabled autocast: it would run ops in bfloat16/float16 by PyTorch's "
    "per-op lists, and graphgrad has no bfloat16 tensors nor those lists. Use enabled=False, "
    "or cast the model and inputs yourself (model.half(), x.half())."
)


def _device_type(device_type: Any) -> str:
    """The device type of ``"cpu"`` or ``"cuda:0"``, with PyTorch's errors for others."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    name = device_type.split(":", 1)[0]
    if name not in _DEVICE_TYPES:
        raise RuntimeError(
            f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
            f"string: {device_type}"
        )
    return name


def get_autocast_dtype(device_type: str) -> dtype:
    """The dtype an autocast on ``device_type`` uses by default: bfloat16 on the CPU, float16
    on CUDA.

    Args:
        device_type: ``"cpu"`` or ``"cuda"``.

    >>> torch.get_autocast_dtype("cpu")
    torch.bfloat16
    """
    return _DEFAULT_DTYPES.get(_device_type(device_type), float16)


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether an autocast is active: never, in graphgrad (an enabled one raises).

    Args:
        device_type: the device type to ask about (any).

    >>> torch.is_autocast_enabled("cpu")
    False
    """
    return False


def is_autocast_available(device_type: str) -> bool:
    """Whether PyTorch has autocast for ``device_type``: True for ``"cpu"`` and ``"cuda"``
    (graphgrad's can only be disabled).

    Args:
        device_type: the device type.

    >>> torch.amp.is_autocast_available("cpu")
    True
    """
    return _device_type(device_type) in _DEFAULT_DTYPES


class autocast:  # noqa: N801 - PyTorch's public name
    """A context manager and decorator for mixed precision; graphgrad supports it disabled.

    ``device_type="cuda"`` warns, as PyTorch's CPU build does, and disables itself; a CPU one
    with a dtype other than bfloat16/float16 warns and disables itself; ``enabled=False`` does
    nothing. An enabled CPU (or other device's) autocast raises NotImplementedError.

    Args:
        device_type: ``"cpu"`` or ``"cuda"`` (a string, as in PyTorch).
        dtype: the low-precision dtype (bfloat16 on CPU, float16 on CUDA by default).
        enabled: False makes it a no-op.
        cache_enabled: accepted for PyTorch's signature.

    >>> @torch.autocast("cpu", enabled=False)
    ... def double(x):
    ...     return x * 2
    >>> double(torch.ones(1))
    tensor([2.])
    """

    def __init__(
        self,
        device_type: str,
        dtype: dtype | None = None,
        enabled: bool = True,
        cache_enabled: bool | None = None,
    ) -> None:
        self.device = _device_type(device_type)
        self.fast_dtype = get_autocast_dtype(self.device) if dtype is None else dtype
        self._enabled = bool(enabled) and self._can_enable()
        if self._enabled:
            raise NotImplementedError(_NOT_IMPLEMENTED)

    def _can_enable(self) -> bool:
        """False, with PyTorch's warning, where its CPU build disables the autocast."""
        if self.device == "cuda":
            warnings.warn(
                "CUDA is not available or torch_xla is imported. Disabling autocast.",
                stacklevel=3,
            )
            return False
        if self.device == "cpu" and self.fast_dtype not in (bfloat16, float16):
            warnings.warn(
                "In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                "CPU Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.",
                stacklevel=3,
            )
            return False
        return True

    def __enter__(self) -> autocast:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def __call__(self, func: Callable) -> Callable:
        @functools.wraps(func)
        def decorated(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return decorated
