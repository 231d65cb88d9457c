"""Devices and the array module each one computes with (NumPy for ``cpu``)."""

from __future__ import annotations

import numpy as np

# The device types PyTorch names (a device object can name any; only the CPU holds tensors here).
DEVICE_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
    "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip


class device:  # noqa: N801 - PyTorch's public name
    """Where a tensor lives: ``device('cpu')``, the only device graphgrad computes on.

    Other device objects can be made, as in PyTorch's CPU build, but a tensor asked to live
    there raises that build's error (see :func:`cpu_only`).

    Args:
        type: ``"cpu"``, ``"cuda"``, ... or ``"type:index"``, or another device.
        index: the device's number (``device("cuda", 1)``).

    >>> device("cpu")
    device(type='cpu')
    >>> device("cuda:1").index
    1
    """

    __slots__ = ("type", "index")
    type: str
    index: int | None

    def __init__(self, type: str | device = "cpu", index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            index = type.index
            type = type.type
        if ":" in type:
            text = type
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{text}'")
            index = int(idx)
        if type not in DEVICE_TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device "
                f"string: {type}"
            )
        self.type = type
        self.index = index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __enter__(self) -> device:
        """Make this the default device inside a ``with`` block, as PyTorch does.

        >>> import graphgrad as torch
        >>> with torch.device("cpu"):
        ...     torch.zeros(1).device
        device(type='cpu')
        """
        _entered.append(_default[0])
        _default[0] = self
        return self

    def __exit__(self, *exc) -> None:
        _default[0] = _entered.pop()

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


CPU = device("cpu")


# What PyTorch's CPU-only build says when asked for a device it does not have.
NO_CUDA = "Torch not compiled with CUDA enabled"
NO_ACCELERATOR = "Cannot access accelerator device when none is available."


# The device ``set_default_device`` recorded (None: the CPU); ``cpu_only(None)`` checks it, so
# every factory that takes no ``device=`` refuses a non-CPU default as PyTorch's CPU build does.
_default: list[device | None] = [None]
_entered: list[device | None] = []  # the defaults that ``with device(...)`` blocks replaced


def cpu_only(requested) -> device:
    """The device a tensor is asked to live on, which must be the CPU.

    graphgrad runs on the CPU alone, as PyTorch's CPU build does, and refuses every other
    device with that build's errors: ``cuda`` raises ``AssertionError``, a bare device index
    (``device=0``) ``RuntimeError``. Portable code asks ``torch.cuda.is_available()`` first.

    >>> cpu_only(None), cpu_only("cpu")
    (device(type='cpu'), device(type='cpu'))
    >>> cpu_only("cuda:0")
    Traceback (most recent call last):
    AssertionError: Torch not compiled with CUDA enabled
    """
    if requested is None:
        if _default[0] is None:
            return CPU
        requested = _default[0]
    if isinstance(requested, int) and not isinstance(requested, bool):
        raise RuntimeError(NO_ACCELERATOR)
    dev = requested if isinstance(requested, device) else device(requested)
    if dev.type == "cuda":
        raise AssertionError(NO_CUDA)
    if dev.type != "cpu":
        raise RuntimeError(f"graphgrad runs on the CPU only; there is no '{dev.type}' device")
    return dev


def array_module(dev: device):
    """The NumPy-compatible module that computes on ``dev`` (NumPy for the CPU, the only one).

    >>> array_module(CPU).__name__
    'numpy'
    """
    cpu_only(dev)
    return np
