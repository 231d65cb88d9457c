"""``torch.accelerator`` as PyTorch's CPU-only build has it: there is no accelerator.

Device-generic code asks first, and so runs unchanged on graphgrad:

>>> import graphgrad as torch
>>> torch.accelerator.is_available()
False
>>> acc = torch.accelerator.current_accelerator()
>>> device = acc.type if torch.accelerator.is_available() else "cpu"
>>> device
'cpu'

What needs a device raises that build's error:

>>> torch.accelerator.synchronize()
Traceback (most recent call last):
RuntimeError: Cannot access accelerator device when none is available.
"""

from __future__ import annotations

__all__ = [
    "current_accelerator", "current_device_index", "device_count", "empty_cache",
    "is_available", "set_device_index", "synchronize",
]  # fmt: skip

_NONE_AVAILABLE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    """Whether an accelerator (CUDA, MPS, XPU...) can be used: never, here.

    >>> import graphgrad as torch
    >>> torch.accelerator.is_available()
    False
    """
    return False


def current_accelerator(check_available: bool = False):
    """The accelerator's device type, or None when there is none (always, here).

    ``check_available``: return None unless the accelerator is also available (no difference
    here, where there is none).

    >>> import graphgrad as torch
    >>> torch.accelerator.current_accelerator() is None
    True
    """
    return None


def device_count() -> int:
    """The number of accelerator devices: 0.

    >>> import graphgrad as torch
    >>> torch.accelerator.device_count()
    0
    """
    return 0


def current_device_index() -> int:
    """The index of the current accelerator device: there is none, so it raises.

    >>> import graphgrad as torch
    >>> torch.accelerator.current_device_index()
    Traceback (most recent call last):
    RuntimeError: Cannot access accelerator device when none is available.
    """
    raise RuntimeError(_NONE_AVAILABLE)


def set_device_index(device) -> None:
    """Make ``device`` (an index or device) the current accelerator: there is none, so it raises.

    >>> import graphgrad as torch
    >>> torch.accelerator.set_device_index(0)
    Traceback (most recent call last):
    RuntimeError: Cannot access accelerator device when none is available.
    """
    raise RuntimeError(_NONE_AVAILABLE)


def synchronize(device=None) -> None:
    """Wait for the accelerator ``device`` (default: the current one): there is none, so it raises.

    >>> import graphgrad as torch
    >>> torch.accelerator.synchronize()
    Traceback (most recent call last):
    RuntimeError: Cannot access accelerator device when none is available.
    """
    raise RuntimeError(_NONE_AVAILABLE)


def empty_cache() -> None:
    """Free the accelerator's cached memory: there is none, so it raises.

    >>> import graphgrad as torch
    >>> torch.accelerator.empty_cache()
    Traceback (most recent call last):
    RuntimeError: Cannot access accelerator device when none is available.
    """
    raise RuntimeError(_NONE_AVAILABLE)
