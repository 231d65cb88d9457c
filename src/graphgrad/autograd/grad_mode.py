"""Grad-mode switches: no_grad, enable_grad, set_grad_enabled (context managers and decorators).

>>> import graphgrad as torch
>>> x = torch.ones(2, requires_grad=True)
>>> with torch.no_grad():
...     (x * 2).requires_grad
False
>>> with torch.inference_mode():
...     y = x * 2
>>> y.requires_grad, y.is_inference()
(False, True)
"""

from __future__ import annotations

import functools
import threading

from ..tensor import enter_inference_mode, inference_state


class _GradState(threading.local):
    enabled = True


_state = _GradState()


def is_grad_enabled() -> bool:
    """Whether operations are recorded for autograd right now (per thread).

    >>> torch.is_grad_enabled()
    True
    >>> with torch.no_grad():
    ...     torch.is_grad_enabled()
    False
    """
    return _state.enabled


class _DecoratorContextManager:
    """Base for context managers that also decorate functions (with or without parentheses)."""

    def __new__(cls, orig_func=None, *args, **kwargs):
        if cls is not set_grad_enabled and callable(orig_func):
            return cls()(orig_func)
        return super().__new__(cls)

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_DecoratorContextManager):  # noqa: N801 - PyTorch's public name
    """Disable gradient recording inside the block: results have no ``grad_fn`` and do not
    require grad. Also a decorator (``@no_grad()`` or ``@no_grad``).

    Args:
        orig_func: the function, when used as a decorator without parentheses.

    >>> x = torch.tensor([1.0], requires_grad=True)
    >>> with torch.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    def __init__(self, orig_func=None) -> None:
        self.prev = True

    def __enter__(self) -> None:
        self.prev = _state.enabled
        _state.enabled = False

    def __exit__(self, *exc) -> None:
        _state.enabled = self.prev


class enable_grad(_DecoratorContextManager):  # noqa: N801
    """Re-enable gradient recording inside the block (for example inside ``no_grad``).
    Also a decorator.

    Args:
        orig_func: the function, when used as a decorator without parentheses.

    >>> x = torch.tensor([1.0], requires_grad=True)
    >>> with torch.no_grad():
    ...     with torch.enable_grad():
    ...         y = x * 2
    >>> y.requires_grad
    True
    """

    def __init__(self, orig_func=None) -> None:
        self.prev = True

    def __enter__(self) -> None:
        self.prev = _state.enabled
        _state.enabled = True

    def __exit__(self, *exc) -> None:
        _state.enabled = self.prev


class set_grad_enabled(_DecoratorContextManager):  # noqa: N801
    """Turn gradient recording on or off: at once when called, and only for the block
    in a ``with`` statement (restored on leaving it). Also a decorator.

    Args:
        mode: True to record, False not to.

    >>> x = torch.tensor([1.0], requires_grad=True)
    >>> with torch.set_grad_enabled(False):
    ...     y = x * 2
    >>> y.requires_grad, torch.is_grad_enabled()
    (False, True)
    """

    def __init__(self, mode: bool) -> None:
        self.prev = _state.enabled
        self.mode = bool(mode)
        _state.enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        _state.enabled = self.prev

    def __call__(self, func):
        _state.enabled = self.prev  # as a decorator it only applies during calls
        return super().__call__(func)

    def clone(self):
        return _ScopedMode(self.mode)


class _ScopedMode(set_grad_enabled):
    """set_grad_enabled used as a decorator: apply the mode only during each call."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self.prev = True

    def __enter__(self) -> None:
        self.prev = _state.enabled
        _state.enabled = self.mode


class inference_mode(_DecoratorContextManager):  # noqa: N801
    """Like ``no_grad``, and what is made inside is an *inference tensor*: it can never
    be saved for backward nor changed in place outside inference mode (as in PyTorch). Also a
    decorator.

    Args:
        mode: False makes it do nothing (to switch it off conditionally).

    >>> x = torch.tensor([1.0], requires_grad=True)
    >>> with torch.inference_mode():
    ...     y = x * 2
    >>> y.requires_grad, y.is_inference()
    (False, True)
    """

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)
        self.prev_grad = True
        self.prev = False

    def __enter__(self) -> None:
        self.prev_grad = _state.enabled
        _state.enabled = not self.mode
        self.prev = enter_inference_mode(self.mode)

    def __exit__(self, *exc) -> None:
        enter_inference_mode(self.prev)
        _state.enabled = self.prev_grad

    def clone(self):
        return type(self)(self.mode)


def is_inference_mode_enabled() -> bool:
    """Whether this thread is inside ``inference_mode``.

    >>> with torch.inference_mode():
    ...     torch.is_inference_mode_enabled()
    True
    """
    return inference_state.enabled
