"""``torch.cpu``: the device module of the CPU (what ``get_device_module("cpu")`` returns). The
CPU is always available, is the only device, and has nothing to wait for.

>>> import graphgrad as torch
>>> torch.cpu.is_available(), torch.cpu.device_count(), torch.cpu.current_device()
(True, 1, 'cpu')
"""

from __future__ import annotations

__all__ = [
    "current_device", "device_count", "is_available", "is_initialized", "set_device",
    "synchronize",
]  # fmt: skip


def is_available() -> bool:
    """Whether the CPU can be used: always.

    >>> torch.cpu.is_available()
    True
    """
    return True


def is_initialized() -> bool:
    """Whether the CPU device is initialised: always.

    >>> torch.cpu.is_initialized()
    True
    """
    return True


def device_count() -> int:
    """The number of CPU devices: 1.

    >>> torch.cpu.device_count()
    1
    """
    return 1


def current_device() -> str:
    """The current CPU device: ``"cpu"``.

    >>> torch.cpu.current_device()
    'cpu'
    """
    return "cpu"


def set_device(device) -> None:
    """Select the CPU device: there is one, so this does nothing.

    Args:
        device: ignored.

    >>> torch.cpu.set_device("cpu")
    """


def synchronize(device=None) -> None:
    """Wait for the CPU's work to finish: it finished when each call returned.

    Args:
        device: ignored.

    >>> torch.cpu.synchronize()
    """
