"""Hook plumbing shared by nodes, tensors and modules: removable handles, retain_grad's hook,
PyTorch's checks on what hooks return, and the per-node hook lists.

>>> import graphgrad as torch
>>> x = torch.tensor(2.0, requires_grad=True)
>>> handle = x.register_hook(lambda g: g * 3)
>>> (x * x).backward(); x.grad
tensor(12.)
>>> handle.remove()
"""

from __future__ import annotations

import itertools
import weakref

from ..tensor import Tensor


class NodeHooks:
    """A node's hooks and metadata, made on first use: most nodes have none, and one slot that
    is None costs a node less memory (and the engine one check) than four."""

    __slots__ = ("pre", "post", "tensor", "metadata")
    pre: list | None  # hooks called with the gradients coming in
    post: list | None  # hooks called with the gradients in and out
    tensor: dict | None  # output number -> the hooks of that output's tensor
    metadata: dict | None

    def __init__(self) -> None:
        self.pre = self.post = self.tensor = self.metadata = None


_handle_ids = itertools.count()


class RemovableHandle:
    """Returned by ``register_hook``: ``remove()`` takes the hook out again (also on leaving a
    ``with`` block, as PyTorch's handle does)."""

    def __init__(self, hooks: list, hook) -> None:
        self._hooks = hooks
        self._hook = hook
        self.id = next(_handle_ids)

    def remove(self) -> None:
        hooks = self._hooks
        for i, h in enumerate(hooks):
            if h is self._hook:
                del hooks[i]
                return

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class RetainGradHook:
    """What ``retain_grad()`` registers: copies the gradient into ``.grad``. It always runs
    after the tensor's other hooks (so it sees their result) and follows the tensor when an
    in-place op rebases it, as in PyTorch."""

    __slots__ = ("ref",)
    __name__ = "retain_grad_hook"

    def __init__(self, tensor: Tensor) -> None:
        self.ref = weakref.ref(tensor)

    def __call__(self, grad: Tensor) -> None:
        t = self.ref()
        if t is not None:
            t._grad = grad.clone() if t._grad is None else t._grad + grad


def _hook_name(hook) -> str:
    return getattr(hook, "__name__", "<unknown>")


def check_hook_result(hook, old: Tensor, new) -> Tensor:
    """PyTorch's checks on what a tensor hook returned in place of ``old``."""
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    if new._data.shape != old._data.shape:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the size of value")
    if new.dtype is not old.dtype:
        raise RuntimeError(
            f"hook '{_hook_name(hook)}' has changed the type of value (was "
            f"torch.{old.dtype.legacy}Tensor got torch.{new.dtype.legacy}Tensor)"
        )
    return new


def check_hook_count(hook, new, expected: int) -> list:
    """A node hook must return as many values as it was given."""
    new = list(new) if isinstance(new, (tuple, list)) else [new]
    if len(new) != expected:
        raise RuntimeError(
            f"hook '{_hook_name(hook)}' has returned an incorrect number of values (got "
            f"{len(new)}, but expected {expected})"
        )
    return new
