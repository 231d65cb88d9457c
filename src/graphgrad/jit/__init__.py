"""``torch.jit`` as PyTorch runs it with TorchScript turned off (``PYTORCH_JIT=0``): graphgrad
has no TorchScript compiler, so ``script`` and ``trace`` return what they are given, which then
runs eagerly with the same values; ``is_scripting()`` and ``is_tracing()`` are False, and the
decorators (``ignore``, ``unused``, ``export``, ``interface``) leave their functions as they
are. Saving and loading TorchScript archives raise, with what to use instead.
(``graphgrad.compile`` is the way to record and replay a step: docs/compile.md.)

>>> import graphgrad as torch
>>> @torch.jit.script
... def double(x):
...     return x * 2
>>> double(torch.ones(2)), torch.jit.is_scripting()
(tensor([2., 2.]), False)
"""

from __future__ import annotations

import typing
import warnings
from collections import namedtuple
from collections.abc import Callable
from typing import Any, TypeVar

from ..futures import Future
from ..nn.module import Module

_T = TypeVar("_T")
Final = typing.Final
Attribute = namedtuple("Attribute", ["value", "type"])
_NO_ARCHIVES = (
    "graphgrad has no TorchScript, so it cannot {} TorchScript archives: save the model's "
    "state_dict with graphgrad.save, and load it into the model with graphgrad.load"
)


def script(obj: _T, optimize=None, _frames_up: int = 0, _rcb=None, example_inputs=None) -> _T:
    """``obj`` itself (a function, module or class): it runs eagerly, as under
    ``PYTORCH_JIT=0``.

    Args:
        obj: what PyTorch would compile.
        optimize, _frames_up, _rcb, example_inputs: accepted for PyTorch's signature.
    """
    return obj


def trace(func: _T, example_inputs=None, *args: Any, **kwargs: Any) -> _T:
    """``func`` itself (a function or module); nothing is recorded, as under ``PYTORCH_JIT=0``.

    Args:
        func: what PyTorch would trace.
        example_inputs, args, kwargs: accepted for PyTorch's signature.

    >>> import graphgrad as torch
    >>> net = torch.nn.Linear(2, 1)
    >>> torch.jit.trace(net, torch.ones(1, 2)) is net
    True
    """
    return func


def trace_module(mod: _T, inputs: Any, *args: Any, **kwargs: Any) -> _T:
    """``mod`` itself, as ``trace``.

    Args:
        mod: the module.
        inputs, args, kwargs: accepted for PyTorch's signature.
    """
    return mod


def is_scripting() -> bool:
    """False: code never runs under TorchScript here.

    >>> import graphgrad as torch
    >>> torch.jit.is_scripting()
    False
    """
    return False


def is_tracing() -> bool:
    """False: no call is being traced.

    >>> import graphgrad as torch
    >>> torch.jit.is_tracing()
    False
    """
    return False


def ignore(drop: Any = False, **kwargs: Any) -> Any:
    """Mark a function for TorchScript to leave to Python: it is returned as it is. Used bare
    (``@ignore``) or called (``@ignore(drop=True)``, which warns as PyTorch's does).

    Args:
        drop: the function (bare use), or whether TorchScript should drop its calls.
        kwargs: accepted for PyTorch's signature.
    """
    if callable(drop):
        return drop
    if drop:
        warnings.warn(
            "ignore(True) has been deprecated. TorchScript will now drop the function call on "
            f"compilation. Use torch.jit.unused now. {kwargs}",
            FutureWarning,
            stacklevel=2,
        )
    return lambda fn: fn


def unused(fn: _T) -> _T:
    """``fn`` itself (TorchScript would replace it with a raise).

    Args:
        fn: the function or method.
    """
    return fn


def export(fn: _T) -> _T:
    """``fn`` itself (TorchScript would compile it as an entry point).

    Args:
        fn: the method.
    """
    return fn


def interface(obj: _T) -> _T:
    """``obj`` itself (TorchScript would make it an interface type).

    Args:
        obj: the class.
    """
    return obj


def script_method(fn: _T) -> _T:
    """``fn`` itself (a method of a ``ScriptModule``).

    Args:
        fn: the method.
    """
    return fn


def annotate(the_type: Any, the_value: _T) -> _T:
    """``the_value``: the type is TorchScript's business.

    Args:
        the_type: the type TorchScript would give the value.
        the_value: the value.

    >>> import graphgrad as torch
    >>> torch.jit.annotate(list, [])
    []
    """
    return the_value


def fork(func: Callable, *args: Any, **kwargs: Any) -> Future:
    """Run ``func(*args, **kwargs)`` now and return a completed ``Future`` holding its result
    (PyTorch runs it asynchronously only under TorchScript).

    Args:
        func: the function.
        args, kwargs: its arguments.

    >>> import graphgrad as torch
    >>> torch.jit.wait(torch.jit.fork(lambda a: a + 1, 1))
    2
    """
    future = Future()
    future.set_result(func(*args, **kwargs))
    return future


def wait(future: Future) -> Any:
    """The result of a ``fork``.

    Args:
        future: what ``fork`` returned.
    """
    return future.wait()


class ScriptModule(Module):
    """A module PyTorch would compile; here an ordinary ``nn.Module``."""


def save(m: Any, f: Any, _extra_files: Any = None) -> None:
    """Refused: graphgrad writes no TorchScript archives (see the message).

    Args:
        m, f, _extra_files: as in PyTorch.
    """
    raise NotImplementedError(_NO_ARCHIVES.format("write"))


def load(f: Any, map_location: Any = None, _extra_files: Any = None) -> Any:
    """Refused: graphgrad reads no TorchScript archives (see the message).

    Args:
        f, map_location, _extra_files: as in PyTorch.
    """
    raise NotImplementedError(_NO_ARCHIVES.format("read"))


def freeze(mod: _T, preserved_attrs: Any = None, optimize_numerics: bool = True) -> _T:
    """``mod`` itself (there is no scripted module to freeze).

    Args:
        mod: the module.
        preserved_attrs, optimize_numerics: accepted for PyTorch's signature.
    """
    return mod


def optimize_for_inference(mod: _T, other_methods: Any = None) -> _T:
    """``mod`` itself.

    Args:
        mod: the module.
        other_methods: accepted for PyTorch's signature.
    """
    return mod


__all__ = [
    "Attribute", "Final", "ScriptModule", "annotate", "export", "fork", "freeze", "ignore",
    "interface", "is_scripting", "is_tracing", "load", "optimize_for_inference", "save",
    "script", "script_method", "trace", "trace_module", "unused", "wait",
]  # fmt: skip
