"""The hook stores of modules: each hook is kept in an ordered dict under a key that its handle
removes, and the global hooks (``nn.modules.module.register_module_*``) that every Module runs
before its own hooks, as PyTorch does.

>>> import graphgrad as torch
>>> from graphgrad.nn.modules.module import register_module_forward_hook
>>> seen = []
>>> handle = register_module_forward_hook(lambda m, args, out: seen.append(type(m).__name__))
>>> _ = torch.nn.Sequential(torch.nn.ReLU())(torch.ones(1))
>>> handle.remove()
>>> seen
['ReLU', 'Sequential']
"""

from __future__ import annotations

import itertools
from collections import OrderedDict

from ..autograd.hooks import RemovableHandle
from ..compile._flag import counters

_hook_ids = itertools.count()


class _HookHandle(RemovableHandle):
    """Removes a hook from an ordered hook dict."""

    def __init__(self, hooks: dict, key: int) -> None:
        self._hooks_dict = hooks
        self.id = key

    def remove(self) -> None:
        self._hooks_dict.pop(self.id, None)


def add_hook(store: OrderedDict, hook, prepend: bool = False) -> _HookHandle:
    """Put ``hook`` last in ``store`` (first with ``prepend``); its handle removes it."""
    key = next(_hook_ids)
    store[key] = hook
    counters.hooks += 1  # (a compiled call's replay would not run it: it records again)
    if prepend:
        store.move_to_end(key, last=False)
    return _HookHandle(store, key)


# The global hooks, run by every Module before the module's own.
forward_pre_hooks: OrderedDict = OrderedDict()
forward_hooks: OrderedDict = OrderedDict()
backward_pre_hooks: OrderedDict = OrderedDict()
backward_hooks: OrderedDict = OrderedDict()
buffer_registration_hooks: OrderedDict = OrderedDict()
module_registration_hooks: OrderedDict = OrderedDict()
parameter_registration_hooks: OrderedDict = OrderedDict()


def run_registration_hooks(store: OrderedDict, module, name: str, value):
    """``value`` after each registration hook ``hook(module, name, value)`` (a hook returning
    something other than None replaces it)."""
    for hook in list(store.values()):
        result = hook(module, name, value)
        if result is not None:
            value = result
    return value


def register_module_forward_pre_hook(hook) -> RemovableHandle:
    """Run ``hook(module, args)`` before the forward of every Module (before the module's own
    forward pre-hooks); a value it returns replaces the positional arguments.

    Args:
        hook: the function.

    Returns a handle whose ``remove()`` unregisters the hook.

    >>> handle = torch.nn.modules.module.register_module_forward_pre_hook(
    ...     lambda m, args: (args[0] + 1,))
    >>> torch.nn.Identity()(torch.zeros(1))
    tensor([1.])
    >>> handle.remove()
    """
    return add_hook(forward_pre_hooks, hook)


def register_module_forward_hook(hook, *, with_kwargs: bool = False, always_call: bool = False):
    """Run ``hook(module, args, output)`` after the forward of every Module (before the
    module's own forward hooks); a value it returns replaces the output.

    Args:
        hook: the function.
        with_kwargs: call ``hook(module, args, kwargs, output)`` instead.
        always_call: accepted for compatibility (hooks run when forward returns).

    Returns a handle whose ``remove()`` unregisters the hook.

    >>> handle = torch.nn.modules.module.register_module_forward_hook(lambda m, a, out: out * 2)
    >>> torch.nn.Identity()(torch.ones(1))
    tensor([2.])
    >>> handle.remove()
    """
    return add_hook(forward_hooks, _KwargsHook(hook) if with_kwargs else hook)


class _KwargsHook:
    """A forward hook registered ``with_kwargs``: the module passes the keyword arguments."""

    def __init__(self, hook) -> None:
        self.hook = hook


def call_forward_hook(hook, module, args, kwargs, output):
    """One forward hook's result: ``hook(module, args[, kwargs], output)``."""
    if isinstance(hook, _KwargsHook):
        return hook.hook(module, args, kwargs, output)
    return hook(module, args, output)


def register_module_full_backward_pre_hook(hook) -> RemovableHandle:
    """Run ``hook(module, grad_output)`` for every Module once the gradients with respect to its
    outputs are known (before the module's own backward pre-hooks); it may return a
    replacement ``grad_output``.

    Args:
        hook: the function.

    Returns a handle whose ``remove()`` unregisters the hook.

    >>> handle = torch.nn.modules.module.register_module_full_backward_pre_hook(
    ...     lambda m, grad_output: (grad_output[0] * 3,))
    >>> x = torch.ones(1, requires_grad=True)
    >>> torch.nn.Identity()(x).sum().backward()
    >>> handle.remove()
    >>> x.grad
    tensor([3.])
    """
    return add_hook(backward_pre_hooks, hook)


def register_module_full_backward_hook(hook) -> RemovableHandle:
    """Run ``hook(module, grad_input, grad_output)`` for every Module once the gradients with
    respect to its inputs are known (before the module's own backward hooks); it may return a
    replacement ``grad_input``.

    Args:
        hook: the function.

    Returns a handle whose ``remove()`` unregisters the hook.

    >>> seen = []
    >>> handle = torch.nn.modules.module.register_module_full_backward_hook(
    ...     lambda m, grad_input, grad_output: seen.append(grad_input))
    >>> torch.nn.Identity()(torch.ones(1, requires_grad=True)).sum().backward()
    >>> handle.remove()
    >>> seen
    [(tensor([1.]),)]
    """
    return add_hook(backward_hooks, hook)


def register_module_backward_hook(hook) -> RemovableHandle:
    """The deprecated form of ``register_module_full_backward_hook``; here it registers the same
    full backward hook ``hook(module, grad_input, grad_output)``.

    Args:
        hook: the function.

    Returns a handle whose ``remove()`` unregisters the hook.

    >>> handle = torch.nn.modules.module.register_module_backward_hook(lambda m, gi, go: None)
    >>> handle.remove()
    """
    return add_hook(backward_hooks, hook)


def register_module_buffer_registration_hook(hook) -> RemovableHandle:
    """Run ``hook(module, name, buffer)`` whenever any Module registers a buffer; a value it
    returns is registered instead.

    Args:
        hook: the function.

    Returns a handle whose ``remove()`` unregisters the hook.

    >>> names = []
    >>> handle = torch.nn.modules.module.register_module_buffer_registration_hook(
    ...     lambda m, name, b: names.append(name))
    >>> _ = torch.nn.BatchNorm1d(2)
    >>> handle.remove()
    >>> names
    ['running_mean', 'running_var', 'num_batches_tracked']
    """
    return add_hook(buffer_registration_hooks, hook)


def register_module_module_registration_hook(hook) -> RemovableHandle:
    """Run ``hook(module, name, submodule)`` whenever any Module registers a child module; a
    value it returns is registered instead.

    Args:
        hook: the function.

    Returns a handle whose ``remove()`` unregisters the hook.

    >>> names = []
    >>> handle = torch.nn.modules.module.register_module_module_registration_hook(
    ...     lambda m, name, child: names.append(name))
    >>> _ = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Tanh())
    >>> handle.remove()
    >>> names
    ['0', '1']
    """
    return add_hook(module_registration_hooks, hook)


def register_module_parameter_registration_hook(hook) -> RemovableHandle:
    """Run ``hook(module, name, param)`` whenever any Module registers a parameter (not
    ``None``); a value it returns is registered instead.

    Args:
        hook: the function.

    Returns a handle whose ``remove()`` unregisters the hook.

    >>> names = []
    >>> handle = torch.nn.modules.module.register_module_parameter_registration_hook(
    ...     lambda m, name, p: names.append(name))
    >>> _ = torch.nn.Linear(2, 1)
    >>> handle.remove()
    >>> names
    ['weight', 'bias']
    """
    return add_hook(parameter_registration_hooks, hook)
