"""The hooks of optimizers: around ``step`` (per optimizer and global), around ``state_dict``
and ``load_state_dict``.

As in PyTorch, the step pre-hooks run global first, then the optimizer's own; the post-hooks
run the optimizer's own first, then the global ones. Each step hook gets
``(optimizer, args, kwargs)``, where ``args`` starts with the optimizer itself.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.ones(1))
>>> opt = torch.optim.SGD([w], lr=0.1)
>>> handle = opt.register_step_post_hook(lambda o, args, kwargs: print("stepped"))
>>> opt.step()
stepped
"""

from __future__ import annotations

import functools
from collections import OrderedDict

from ..autograd.hooks import RemovableHandle
from ..nn._hooks import add_hook

_global_step_pre_hooks: OrderedDict = OrderedDict()
_global_step_post_hooks: OrderedDict = OrderedDict()

_STORES = (
    "_optimizer_step_pre_hooks",
    "_optimizer_step_post_hooks",
    "_optimizer_state_dict_pre_hooks",
    "_optimizer_state_dict_post_hooks",
    "_optimizer_load_state_dict_pre_hooks",
    "_optimizer_load_state_dict_post_hooks",
)


def register_optimizer_step_pre_hook(hook) -> RemovableHandle:
    """Run ``hook(optimizer, args, kwargs)`` before the ``step`` of every optimizer (before the
    optimizer's own pre-hooks); it may return ``(new_args, new_kwargs)``.

    Args:
        hook: the function.

    Returns a handle whose ``remove()`` unregisters the hook.

    >>> calls = []
    >>> handle = torch.optim.optimizer.register_optimizer_step_pre_hook(
    ...     lambda opt, args, kwargs: calls.append(type(opt).__name__))
    >>> torch.optim.Adam([torch.nn.Parameter(torch.ones(1))]).step()
    >>> handle.remove()
    >>> calls
    ['Adam']
    """
    return add_hook(_global_step_pre_hooks, hook)


def register_optimizer_step_post_hook(hook) -> RemovableHandle:
    """Run ``hook(optimizer, args, kwargs)`` after the ``step`` of every optimizer (after the
    optimizer's own post-hooks).

    Args:
        hook: the function.

    Returns a handle whose ``remove()`` unregisters the hook.

    >>> calls = []
    >>> handle = torch.optim.optimizer.register_optimizer_step_post_hook(
    ...     lambda opt, args, kwargs: calls.append(type(opt).__name__))
    >>> torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1).step()
    >>> handle.remove()
    >>> calls
    ['SGD']
    """
    return add_hook(_global_step_post_hooks, hook)


def hook_step(cls) -> None:
    """Make ``cls.step`` run the step hooks around it (once per class, as PyTorch patches the
    class of each optimizer it builds)."""
    step = cls.step
    if getattr(step, "_runs_hooks", False):
        return

    @functools.wraps(step)
    def step_with_hooks(*args, **kwargs):
        optimizer = args[0]
        pre = [*_global_step_pre_hooks.values(), *optimizer._optimizer_step_pre_hooks.values()]
        for hook in pre:
            result = hook(optimizer, args, kwargs)
            if result is None:
                continue
            if not (isinstance(result, tuple) and len(result) == 2):
                raise RuntimeError(
                    f"{step} must return None or a tuple of (new_args, new_kwargs), "
                    f"but got {result}."
                )
            args, kwargs = result
        optimizer._opt_called = True  # (a scheduler stepped before it warns, as PyTorch's)
        out = step(*args, **kwargs)
        post = [*optimizer._optimizer_step_post_hooks.values(), *_global_step_post_hooks.values()]
        for hook in post:
            hook(optimizer, args, kwargs)
        return out

    step_with_hooks._runs_hooks = True  # type: ignore[attr-defined]
    cls.step = step_with_hooks


class OptimizerHooks:
    """The hook registration methods of ``Optimizer``."""

    _optimizer_step_pre_hooks: OrderedDict
    _optimizer_step_post_hooks: OrderedDict
    _optimizer_state_dict_pre_hooks: OrderedDict
    _optimizer_state_dict_post_hooks: OrderedDict
    _optimizer_load_state_dict_pre_hooks: OrderedDict
    _optimizer_load_state_dict_post_hooks: OrderedDict

    def _init_hooks(self) -> None:
        for name in _STORES:
            self.__dict__.setdefault(name, OrderedDict())
        hook_step(type(self))

    def register_step_pre_hook(self, hook) -> RemovableHandle:
        """Run ``hook(optimizer, args, kwargs)`` before each ``step``; it may return
        ``(new_args, new_kwargs)`` to replace the arguments.

        Args:
            hook: the function.

        Returns a handle whose ``remove()`` unregisters the hook.

        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
        >>> handle = opt.register_step_pre_hook(lambda o, args, kwargs: print(kwargs))
        >>> opt.step(closure=None)
        {'closure': None}
        """
        return add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook) -> RemovableHandle:
        """Run ``hook(optimizer, args, kwargs)`` after each ``step``.

        Args:
            hook: the function.

        Returns a handle whose ``remove()`` unregisters the hook.

        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
        >>> handle = opt.register_step_post_hook(lambda o, args, kwargs: print("done"))
        >>> opt.step()
        done
        """
        return add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer)`` before ``state_dict`` builds its dict.

        Args:
            hook: the function.
            prepend: run it before the hooks registered earlier.

        Returns a handle whose ``remove()`` unregisters the hook.

        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
        >>> handle = opt.register_state_dict_pre_hook(lambda o: print("saving"))
        >>> _ = opt.state_dict()
        saving
        """
        return add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer, state_dict)`` on the dict ``state_dict`` built; a dict it
        returns is returned instead.

        Args:
            hook: the function.
            prepend: run it before the hooks registered earlier.

        Returns a handle whose ``remove()`` unregisters the hook.

        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
        >>> handle = opt.register_state_dict_post_hook(lambda o, sd: {**sd, "note": 1})
        >>> opt.state_dict()["note"]
        1
        """
        return add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer, state_dict)`` before ``load_state_dict`` loads (on a shallow
        copy of the dict); a dict it returns is loaded instead.

        Args:
            hook: the function.
            prepend: run it before the hooks registered earlier.

        Returns a handle whose ``remove()`` unregisters the hook.

        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
        >>> def lower_lr(o, sd):
        ...     sd["param_groups"][0]["lr"] = 0.01
        >>> handle = opt.register_load_state_dict_pre_hook(lower_lr)
        >>> opt.load_state_dict(opt.state_dict())
        >>> opt.param_groups[0]["lr"]
        0.01
        """
        return add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer)`` after ``load_state_dict`` has loaded.

        Args:
            hook: the function.
            prepend: run it before the hooks registered earlier.

        Returns a handle whose ``remove()`` unregisters the hook.

        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
        >>> handle = opt.register_load_state_dict_post_hook(lambda o: print("loaded"))
        >>> opt.load_state_dict(opt.state_dict())
        loaded
        """
        return add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    def _state_dict_with_hooks(self, build) -> dict:
        for hook in list(self._optimizer_state_dict_pre_hooks.values()):
            hook(self)
        state_dict = build()
        for hook in list(self._optimizer_state_dict_post_hooks.values()):
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def _load_pre_hooks(self, state_dict: dict) -> dict:
        for hook in list(self._optimizer_load_state_dict_pre_hooks.values()):
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def _load_post_hooks(self) -> None:
        for hook in list(self._optimizer_load_state_dict_post_hooks.values()):
            hook(self)
