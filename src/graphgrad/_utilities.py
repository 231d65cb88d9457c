"""The process-wide utilities of ``torch`` that concern type casting, warnings, determinism,
matmul precision and device modules (``torch.can_cast``, ``set_warn_always``,
``set_deterministic_debug_mode``, ``set_float32_matmul_precision``, ``_assert``,
``compiled_with_cxx11_abi``, ``get_device_module``).

graphgrad computes in full float32 precision, deterministically, on the CPU, so the settings
are recorded and reported back, as PyTorch's CPU build reports them.

>>> import graphgrad as torch
>>> torch.can_cast(torch.float64, torch.int32)
False
"""

from __future__ import annotations

import importlib
import warnings
from types import ModuleType

from . import _device, _runtime
from .dtypes import dtype as _dtype

__all__ = [
    "_assert", "can_cast", "compiled_with_cxx11_abi", "get_deterministic_debug_mode",
    "get_device_module", "get_float32_matmul_precision", "is_warn_always_enabled",
    "set_deterministic_debug_mode", "set_float32_matmul_precision", "set_warn_always",
]  # fmt: skip

_state = {"warn_always": False, "matmul_precision": "highest"}


def can_cast(from_: _dtype, to: _dtype) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` to be cast to ``to`` (as in an in-place
    op's result): not complex to real, not floating to integer, not anything but bool to bool.

    Args:
        from_: the dtype cast from.
        to: the dtype cast to.

    >>> torch.can_cast(torch.double, torch.float), torch.can_cast(torch.float, torch.int)
    (True, False)
    """
    for position, (name, value) in enumerate((("from_", from_), ("to", to)), 1):
        if not isinstance(value, _dtype):
            raise TypeError(
                f"can_cast(): argument '{name}' (position {position}) must be torch.dtype, "
                f"not {type(value).__name__}"
            )
    if from_.is_complex and not to.is_complex:
        return False
    if from_.is_floating_point and not (to.is_floating_point or to.is_complex):
        return False
    return to.category != 0 or from_.category == 0


def set_warn_always(b: bool, /) -> None:
    """Make warnings that PyTorch gives once per process be given every time (recorded: each
    of graphgrad's warnings goes through Python's ``warnings`` filters).

    Args:
        b: whether to warn always.

    >>> torch.set_warn_always(True); torch.is_warn_always_enabled()
    True
    >>> torch.set_warn_always(False)
    """
    if not isinstance(b, bool):
        raise RuntimeError(f"setWarnOnlyOnce expects a bool, but got {type(b).__name__}")
    _state["warn_always"] = b


_warned: set[str] = set()


def warn_once(key: str, message: str, category: type[Warning] = UserWarning,
              stacklevel: int = 3) -> None:  # fmt: skip
    """Warn as PyTorch's warn-once does: the first time ``key`` comes up in the process, and
    every time while ``set_warn_always(True)`` is in force.

    Args:
        key: what the warning is about (one warning per key).
        message, category, stacklevel: as in ``warnings.warn``.
    """
    if key in _warned and not _state["warn_always"]:
        return
    _warned.add(key)
    warnings.warn(message, category, stacklevel=stacklevel + 1)


def is_warn_always_enabled() -> bool:
    """Whether ``set_warn_always(True)`` is in force.

    >>> torch.is_warn_always_enabled()
    False
    """
    return bool(_state["warn_always"])


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode: int | str) -> None:
    """Set the determinism debug mode: ``"default"``/0 (off), ``"warn"``/1 (warn about
    nondeterministic ops) or ``"error"``/2 (raise); the same as
    ``use_deterministic_algorithms`` with ``warn_only`` for 1.

    Args:
        debug_mode: the mode, by name or number.

    >>> torch.set_deterministic_debug_mode("warn"); torch.get_deterministic_debug_mode()
    1
    >>> torch.set_deterministic_debug_mode(0)
    """
    if not isinstance(debug_mode, (str, int)):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(
                "invalid value of debug_mode, expected one of `default`, `warn`, `error`, "
                f"but got {debug_mode}"
            )
        debug_mode = _DEBUG_MODES[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(
            f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}"
        )
    _runtime.use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """The determinism debug mode: 0 (off), 1 (warn) or 2 (error).

    >>> torch.get_deterministic_debug_mode()
    0
    """
    if not _runtime.are_deterministic_algorithms_enabled():
        return 0
    return 1 if _runtime.is_deterministic_algorithms_warn_only_enabled() else 2


def set_float32_matmul_precision(precision: str) -> None:
    """Set the internal precision of float32 matrix products: ``"highest"``, ``"high"`` or
    ``"medium"`` (recorded: graphgrad always multiplies in full float32). Another string only
    warns, as in PyTorch.

    Args:
        precision: the precision's name.

    >>> torch.set_float32_matmul_precision("high"); torch.get_float32_matmul_precision()
    'high'
    >>> torch.set_float32_matmul_precision("highest")
    """
    if not isinstance(precision, str):
        raise RuntimeError(
            f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}"
        )
    if precision not in ("highest", "high", "medium"):
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
            "setFloat32MatmulPrecision call has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    """The float32 matrix product precision that was set (``"highest"`` at start).

    >>> torch.get_float32_matmul_precision()
    'highest'
    """
    return str(_state["matmul_precision"])


def _assert(condition, message):
    """``assert condition, message``, as a function (which traced programs can keep).

    Args:
        condition: what must be true (a bool, or a one-element tensor).
        message: the ``AssertionError``'s message.

    >>> torch._assert(torch.tensor(True), "never shown")
    >>> torch._assert(1 > 2, "one is not more than two")
    Traceback (most recent call last):
    AssertionError: one is not more than two
    """
    assert condition, message


def compiled_with_cxx11_abi() -> bool:
    """Whether PyTorch was built with the C++11 ABI of libstdc++: PyTorch's builds are (True).

    >>> torch.compiled_with_cxx11_abi()
    True
    """
    return True


def get_device_module(device=None) -> ModuleType:
    """The module of a device type (``torch.cpu``, ``torch.cuda``...). With no device: the
    current accelerator's, or ``torch.cpu`` when there is none (always, here).

    Args:
        device: a device, a device string, or ``None``.

    >>> torch.get_device_module("cpu").__name__, torch.get_device_module().__name__
    ('graphgrad.cpu', 'graphgrad.cpu')
    """
    if device is None:
        kind = "cpu"
    elif isinstance(device, (str, _device.device)):
        kind = _device.device(device).type
    else:
        raise RuntimeError(f"Invalid value of device '{device}', expect torch.device, str, or None")
    try:
        return importlib.import_module(f"{__package__}.{kind}")
    except ImportError:
        raise RuntimeError(
            f"Device '{kind}' does not have a corresponding module registered as 'torch.{kind}'."
        ) from None
