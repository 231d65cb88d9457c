"""``torch.cuda`` as PyTorch's CPU-only build has it: there is no CUDA device.

Portable code asks first, and so runs unchanged on graphgrad:

>>> import graphgrad as torch
>>> device = "cuda" if torch.cuda.is_available() else "cpu"
>>> torch.zeros(2, device=device).device
device(type='cpu')

What only makes sense with a device raises that build's error; seeding and cache calls do
nothing, as they do there.

>>> torch.cuda.current_device()
Traceback (most recent call last):
AssertionError: Torch not compiled with CUDA enabled
"""

from __future__ import annotations

from .._device import NO_CUDA
from . import amp  # noqa: F401 - torch.cuda.amp, an attribute as in PyTorch

__all__ = [
    "current_device", "device_count", "empty_cache", "get_device_name", "get_rng_state",
    "is_available", "is_initialized", "manual_seed", "manual_seed_all", "synchronize",
]  # fmt: skip


def is_available() -> bool:
    """Whether a CUDA device can be used: never, here.

    >>> import graphgrad as torch
    >>> torch.cuda.is_available()
    False
    """
    return False


def is_initialized() -> bool:
    """Whether CUDA has been initialised: never, here.

    >>> import graphgrad as torch
    >>> torch.cuda.is_initialized()
    False
    """
    return False


def device_count() -> int:
    """The number of CUDA devices: 0.

    >>> import graphgrad as torch
    >>> torch.cuda.device_count()
    0
    """
    return 0


def manual_seed(seed: int) -> None:
    """Seed the CUDA generators: there are none, so nothing happens (as in PyTorch).

    Args:
        seed: the seed, ignored.

    >>> import graphgrad as torch
    >>> torch.cuda.manual_seed(0)
    """


def manual_seed_all(seed: int) -> None:
    """Seed every CUDA generator: there are none, so nothing happens (as in PyTorch).

    Args:
        seed: the seed, ignored.

    >>> import graphgrad as torch
    >>> torch.cuda.manual_seed_all(0)
    """


def empty_cache() -> None:
    """Release cached CUDA memory: there is none, so nothing happens (as in PyTorch).

    >>> import graphgrad as torch
    >>> torch.cuda.empty_cache()
    """


def _no_cuda(*args, **kwargs):
    raise AssertionError(NO_CUDA)


def current_device() -> int:
    """The index of the current CUDA device: raises, as there is none.

    >>> import graphgrad as torch
    >>> torch.cuda.current_device()
    Traceback (most recent call last):
    AssertionError: Torch not compiled with CUDA enabled
    """
    return _no_cuda()


def synchronize(device=None) -> None:
    """Wait for a CUDA device: raises, as there is none.

    Args:
        device: the device to wait for.

    >>> import graphgrad as torch
    >>> torch.cuda.synchronize()
    Traceback (most recent call last):
    AssertionError: Torch not compiled with CUDA enabled
    """
    _no_cuda()


def get_device_name(device=None) -> str:
    """The name of a CUDA device: raises, as there is none.

    Args:
        device: the device to name.

    >>> import graphgrad as torch
    >>> torch.cuda.get_device_name()
    Traceback (most recent call last):
    AssertionError: Torch not compiled with CUDA enabled
    """
    return _no_cuda()


def get_rng_state(device="cuda"):
    """A CUDA generator's state: raises, as there is none.

    Args:
        device: the device whose generator to read.

    >>> import graphgrad as torch
    >>> torch.cuda.get_rng_state()
    Traceback (most recent call last):
    AssertionError: Torch not compiled with CUDA enabled
    """
    return _no_cuda()
