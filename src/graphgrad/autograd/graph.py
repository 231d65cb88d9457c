"""``torch.autograd.graph``'s saved-tensor hooks: what a node saves for backward goes through
``pack_hook`` when it is saved and comes back through ``unpack_hook`` when backward (or a
``_saved_*`` attribute) reads it, so a program can compress, offload or log saved tensors.

The hooks are per thread, as PyTorch's are: hooks registered in one thread do not see what
another thread saves. The innermost ``saved_tensors_hooks`` wins. A value saved through hooks is
not checked against in-place changes (PyTorch does not check it either: the hooks own it).

>>> import graphgrad as torch
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> packed = []
>>> with torch.autograd.graph.saved_tensors_hooks(lambda t: packed.append(t) or len(packed) - 1,
...                                                lambda i: packed[i]):
...     y = (x * x).sum()
>>> len(packed)  # x, twice: as self and as other
2
>>> y.backward(); x.grad
tensor([2., 4.])
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from . import saved as _saved

__all__ = ["saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks"]


def current_hooks() -> tuple[Callable, Callable] | None:
    """The innermost (pack, unpack) pair of this thread, or None (the usual case)."""
    stack = _saved.hooks.stack if _saved.hooks_in_force else None
    return stack[-1] if stack else None


_count_lock = threading.Lock()  # (+= on a module's global is not atomic across threads)


def _count(change: int) -> None:
    with _count_lock:
        _saved.hooks_in_force += change


class saved_tensors_hooks:  # noqa: N801 - PyTorch's public name
    """Within the block, tensors saved for backward are stored as ``pack_hook(tensor)`` and read
    back as ``unpack_hook(packed)``, which must return a tensor (the one backward then uses).

    Args:
        pack_hook: called with each tensor a node saves; returns anything.
        unpack_hook: called with what ``pack_hook`` returned when the tensor is needed.

    >>> with torch.autograd.graph.saved_tensors_hooks(lambda t: t.detach().clone(),
    ...                                                lambda t: t):
    ...     y = torch.tensor([3.0], requires_grad=True).exp()
    >>> y.grad_fn._saved_result
    tensor([20.0855])
    """

    def __init__(self, pack_hook: Callable[[Any], Any], unpack_hook: Callable[[Any], Any]):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self) -> saved_tensors_hooks:
        if _saved.hooks.disabled is not None:
            raise RuntimeError(_saved.hooks.disabled)
        _saved.hooks.stack.append((self.pack_hook, self.unpack_hook))
        _count(1)
        return self

    def __exit__(self, *exc) -> None:
        _saved.hooks.stack.pop()
        _count(-1)


class save_on_cpu(saved_tensors_hooks):  # noqa: N801 - PyTorch's public name
    """Keep saved tensors in CPU memory (PyTorch's offload from an accelerator). graphgrad's
    tensors are all on the CPU already, so each is kept as it is.

    Args:
        pin_memory: accepted for PyTorch's signature (there is no pinned memory here).
        device_type: accepted for PyTorch's signature.

    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.autograd.graph.save_on_cpu():
    ...     y = (x * x).sum()
    >>> y.backward(); x.grad
    tensor([2., 2.])
    """

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(_keep, _keep)


def _keep(t):
    return t


class disable_saved_tensors_hooks:  # noqa: N801 - PyTorch's public name
    """Within the block, entering ``saved_tensors_hooks`` raises ``RuntimeError(error_message)``
    (for code whose saved tensors must not be intercepted); entering it while hooks are in
    force raises that error too.

    Args:
        error_message: the message of that error.

    >>> with torch.autograd.graph.disable_saved_tensors_hooks("not here"):
    ...     with torch.autograd.graph.save_on_cpu():
    ...         pass
    Traceback (most recent call last):
    RuntimeError: not here
    """

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self) -> disable_saved_tensors_hooks:
        if _saved.hooks.stack:  # as PyTorch: hooks already in force cannot be switched off
            raise RuntimeError(self.error_message)
        self._before = _saved.hooks.disabled
        _saved.hooks.disabled = self.error_message
        return self

    def __exit__(self, *exc) -> None:
        _saved.hooks.disabled = self._before
