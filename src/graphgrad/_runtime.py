"""Process-wide settings PyTorch programs call: number types' limits, threads, determinism and
the default device.

graphgrad computes on NumPy in one thread and is deterministic, so the thread and determinism
settings are recorded and reported back, and change nothing else.

>>> import graphgrad as torch
>>> torch.finfo(torch.float32).eps
1.1920928955078125e-07
>>> torch.iinfo(torch.int8).max
127
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np

from . import _device
from . import dtypes as _dt

__all__ = [
    "finfo", "iinfo", "set_num_threads", "get_num_threads", "set_num_interop_threads",
    "get_num_interop_threads", "use_deterministic_algorithms",
    "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
    "set_default_device", "get_default_device",
]  # fmt: skip


class _Settings(TypedDict):
    threads: int
    interop: int
    deterministic: bool
    warn_only: bool
    device: _device.device


_settings: _Settings = {"threads": 1, "interop": 1, "deterministic": False, "warn_only": False,
             "device": _device.CPU}  # fmt: skip


# NumPy has no bfloat16 to ask: float32's 8 exponent bits with 7 stored mantissa bits. Its
# precision (decimal digits) is floor(-log10(eps)) = 2.
_BFLOAT16_LIMITS = (2.0**-7, (2 - 2.0**-7) * 2.0**127, 2.0**-126, 2)


class finfo:  # noqa: N801 - PyTorch's public name
    """The limits of a floating-point dtype (the default dtype if none is given).

    ``bits``, ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``), ``resolution`` and
    ``dtype`` (its name), as PyTorch's.

    >>> import graphgrad as torch
    >>> torch.finfo(torch.float16).max
    65504.0
    """

    def __init__(self, type: _dt.dtype | None = None) -> None:  # noqa: A002
        dt = _dt.get_default_dtype() if type is None else type
        if not dt.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")  # fmt: skip
        if dt is _dt.bfloat16:
            self._set(16, *_BFLOAT16_LIMITS)
        else:
            info = np.finfo(dt.np)
            limits = float(info.eps), float(info.max), float(info.smallest_normal)
            self._set(info.bits, *limits, int(info.precision))
        self.dtype = dt.name

    def _set(self, bits: int, eps: float, max: float, tiny: float, precision: int) -> None:  # noqa: A002
        self.bits, self.eps, self.max, self.min = bits, eps, max, -max
        self.tiny = self.smallest_normal = tiny
        self.resolution = 10.0**-precision  # as PyTorch computes it, not a float16

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")  # fmt: skip


class iinfo:  # noqa: N801 - PyTorch's public name
    """The limits of an integer dtype: ``bits``, ``min``, ``max``, ``dtype`` (its name).

    >>> import graphgrad as torch
    >>> torch.iinfo(torch.uint8)
    iinfo(min=0, max=255, dtype=uint8)
    """

    def __init__(self, type: _dt.dtype) -> None:  # noqa: A002
        if type is _dt.bool_:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type.is_floating_point or type.np.kind == "c":
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")  # fmt: skip
        info = np.iinfo(type.np)
        self.bits, self.min, self.max, self.dtype = (
            info.bits,
            int(info.min),
            int(info.max),
            type.name,
        )

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def set_num_threads(n: int) -> None:
    """Record the intra-op thread count (graphgrad runs NumPy's single-threaded kernels).

    Args:
        n: a positive thread count.

    >>> import graphgrad as torch
    >>> torch.set_num_threads(4); torch.get_num_threads()
    4
    """
    if not isinstance(n, int) or n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _settings["threads"] = n


def get_num_threads() -> int:
    """The thread count last set with ``set_num_threads`` (1 at start).

    >>> import graphgrad as torch
    >>> isinstance(torch.get_num_threads(), int)
    True
    """
    return _settings["threads"]


def set_num_interop_threads(n: int) -> None:
    """Record the inter-op thread count.

    Args:
        n: a positive thread count.

    >>> import graphgrad as torch
    >>> torch.set_num_interop_threads(2); torch.get_num_interop_threads()
    2
    """
    if not isinstance(n, int) or n <= 0:
        raise RuntimeError("Expected positive number of threads")
    _settings["interop"] = n


def get_num_interop_threads() -> int:
    """The inter-op thread count (1 at start).

    >>> import graphgrad as torch
    >>> torch.get_num_interop_threads() >= 1
    True
    """
    return _settings["interop"]


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms; graphgrad's always are, so this is only recorded.

    Args:
        mode: whether to ask for them.
        warn_only: PyTorch would warn instead of raising for a nondeterministic operation.

    >>> import graphgrad as torch
    >>> torch.use_deterministic_algorithms(True); torch.are_deterministic_algorithms_enabled()
    True
    >>> torch.use_deterministic_algorithms(False)
    """
    _settings["deterministic"] = bool(mode)
    _settings["warn_only"] = bool(mode) and bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    """Whether ``use_deterministic_algorithms(True)`` is in force.

    >>> import graphgrad as torch
    >>> torch.are_deterministic_algorithms_enabled()
    False
    """
    return _settings["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether it was set with ``warn_only=True``.

    >>> import graphgrad as torch
    >>> torch.is_deterministic_algorithms_warn_only_enabled()
    False
    """
    return _settings["warn_only"]


def set_default_device(device) -> None:
    """Set the device factory functions create tensors on (``None``: back to ``cpu``).

    As in PyTorch's CPU build, setting ``"cuda"`` succeeds, but ``get_default_device`` and
    every factory then raise ``AssertionError: Torch not compiled with CUDA enabled``; other
    non-CPU devices raise a clear ``RuntimeError`` there.

    Args:
        device: the device (a ``device``, string or index), or ``None`` for the CPU.

    >>> import graphgrad as torch
    >>> torch.set_default_device("cpu"); torch.get_default_device()
    device(type='cpu')
    """
    _device._default[0] = None if device is None else _device.device(device)


def get_default_device() -> _device.device:
    """The device set with ``set_default_device`` (``cpu`` at start).

    >>> import graphgrad as torch
    >>> torch.get_default_device()
    device(type='cpu')
    """
    chosen = _device._default[0]
    if chosen is not None and chosen.index is not None:
        return (
            chosen  # PyTorch reports "cuda:0" as set; only a bare "cuda" asks for the current one
        )
    return _device.cpu_only(None)
