"""PyTorch's allow-list for ``weights_only=True`` loads: ``add_safe_globals``, the
``safe_globals`` context manager, ``get_safe_globals`` and ``clear_safe_globals``.

In graphgrad the list widens what ``load`` accepts with ``weights_only=True`` to the listed
``nn.Module`` subclasses and ``nn.functional`` functions, which ``weights_only=False`` accepts
anyway; an object of any other kind may be listed (as in PyTorch) but graphgrad still never
builds or calls it.

>>> import graphgrad as torch
>>> with torch.serialization.safe_globals([torch.nn.Linear]):
...     torch.serialization.get_safe_globals()
[<class 'graphgrad.nn.linear.Linear'>]
>>> torch.serialization.get_safe_globals()
[]
"""

from __future__ import annotations

_SAFE: list = []


def add_safe_globals(safe_globals: list) -> None:
    """Allow ``torch.load(weights_only=True)`` to rebuild these classes and functions.

    Args:
        safe_globals: objects (an ``nn.Module`` subclass, an ``nn.functional`` function), or
            ``(object, "module.name")`` pairs as PyTorch takes them.

    >>> torch.serialization.add_safe_globals([torch.nn.ReLU])
    >>> torch.nn.ReLU in torch.serialization.get_safe_globals()
    True
    >>> torch.serialization.clear_safe_globals()
    """
    _SAFE.extend(safe_globals)


def get_safe_globals() -> list:
    """The objects ``add_safe_globals`` (or an open ``safe_globals``) allowed.

    >>> torch.serialization.get_safe_globals()
    []
    """
    return list(_SAFE)


def clear_safe_globals() -> None:
    """Forget every object ``add_safe_globals`` allowed.

    >>> torch.serialization.add_safe_globals([torch.nn.ReLU])
    >>> torch.serialization.clear_safe_globals()
    >>> torch.serialization.get_safe_globals()
    []
    """
    _SAFE.clear()


def is_safe(obj) -> bool:
    """Whether ``obj`` is on the list (by identity; a pair counts by its object)."""
    return any((entry[0] if isinstance(entry, tuple) else entry) is obj for entry in _SAFE)


class safe_globals:  # noqa: N801 - PyTorch's name for this context manager
    """Within the block, ``add_safe_globals(safe_globals)``; afterwards the list is as before.

    Args:
        safe_globals: as for ``add_safe_globals``.

    >>> with torch.serialization.safe_globals([torch.nn.Tanh]):
    ...     torch.nn.Tanh in torch.serialization.get_safe_globals()
    True
    """

    def __init__(self, safe_globals: list) -> None:
        self.safe_globals = list(safe_globals)
        self._before: list = []

    def __enter__(self) -> None:
        self._before = list(_SAFE)
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc) -> None:
        _SAFE[:] = self._before


__all__ = [
    "add_safe_globals",
    "clear_safe_globals",
    "get_safe_globals",
    "is_safe",
    "safe_globals",
]
