"""Whole ``nn.Module`` objects in a checkpoint (``torch.save(model)``): the classes a file may
name, how an instance is rebuilt, and what ``save`` writes for one.

Pickle protocol 2 records an instance as ``torch.save`` writes a module (observed with
``pickletools.dis`` on its ``data.pkl``): the class as ``GLOBAL 'module qualname'``, an empty
tuple and ``NEWOBJ`` (an instance made without running ``__init__``), then its state (its
``__dict__``) and ``BUILD``. Reading that is where Python's pickle runs code. graphgrad's reader
builds an instance only of a class that

* is a subclass of ``nn.Module``, and
* is already imported: the GLOBAL's module must be in ``sys.modules``, and the class is found
  through ``__dict__`` lookups alone (no module ``__getattr__``, no import, no descriptor);

it makes it with ``object.__new__`` and hands the state, checked, to the class's
``__setstate__`` (``Module``'s own, unless the class defines one). A module may also hold a
function of ``graphgrad.nn.functional`` (``TransformerEncoderLayer.activation``) as a value,
which the reader never calls. Nothing else a file names is built or called.

A file PyTorch wrote names PyTorch's classes (``torch.nn.modules.linear Linear``): ``torch`` at
the head of a module path reads as ``graphgrad``, as a ported program's imports do
(``graphgrad.nn.modules`` keeps PyTorch's paths), and the attributes only PyTorch's modules keep
(its extra hook tables, RNN's ``_flat_weights``, a conv's ``transposed``) are dropped.

>>> import sys, graphgrad as torch
>>> find_object_global("torch.nn.modules.linear", "Linear", weights_only=False).cls
<class 'graphgrad.nn.linear.Linear'>
>>> find_object_global("os", "system", weights_only=False)
Traceback (most recent call last):
...
graphgrad.serialization._errors.CheckpointError: the pickle names the global os.system: ...
"""

from __future__ import annotations

import sys
import types

from ..nn import functional
from ..nn.conv import _ConvNd
from ..nn.module import Module
from ..nn.parameter import Parameter
from ..nn.rnn import RNNBase
from ..tensor import Tensor
from ._errors import CheckpointError
from ._safe_globals import is_safe
from ._unpickler import NEVER_RUNS, Reference

# Attributes PyTorch's modules keep that graphgrad's do not (its hook tables graphgrad has no
# use for, and attributes graphgrad computes as properties): dropped from a PyTorch file's state.
_TORCH_ONLY: tuple[tuple[type, tuple[str, ...]], ...] = (
    (
        Module,
        (
            "_is_full_backward_hook",
            "_forward_hooks_with_kwargs",
            "_forward_hooks_always_called",
            "_forward_pre_hooks_with_kwargs",
            "_state_dict_hooks",
            "_state_dict_pre_hooks",
            "_load_state_dict_pre_hooks",
            "_load_state_dict_post_hooks",
        ),
    ),
    (RNNBase, ("_flat_weights",)),
    (_ConvNd, ("transposed", "_reversed_padding_repeated_twice")),
)
# Hook tables graphgrad makes on first use; PyTorch writes them empty in every module.
_MADE_ON_USE = ("_backward_hooks", "_backward_pre_hooks")
# The stores every module has, and what each may hold (besides None).
_STORES = (("_parameters", Parameter), ("_buffers", Tensor), ("_modules", Module))
_FUNCTIONAL = functional.__name__


def lookup(module: str, qualname: str):
    """``module.qualname`` if ``module`` is imported, found in the ``__dict__`` of that module
    and of the classes on the way (read past any ``__getattr__`` or ``__getattribute__``, so
    nothing of the module runs); None if it is not there."""
    obj = sys.modules.get(module)
    for part in qualname.split("."):
        if isinstance(obj, types.ModuleType):
            namespace = object.__getattribute__(obj, "__dict__")
        elif isinstance(obj, type):
            namespace = type.__getattribute__(obj, "__dict__")
        else:
            return None
        if part not in namespace:
            return None
        obj = namespace[part]
    return obj


def _graphgrad_path(module: str) -> str:
    """A PyTorch module path read as graphgrad's: ``torch.nn.modules.rnn`` -> ``graphgrad...``."""
    if module == "torch" or module.startswith("torch."):
        return "graphgrad" + module[len("torch") :]
    return module


def functional_name(func) -> str | None:
    """The name of ``func`` in ``graphgrad.nn.functional`` if it is a public function there."""
    name = getattr(func, "__name__", "")
    if isinstance(func, types.FunctionType) and not name.startswith("_"):
        return name if vars(functional).get(name) is func else None
    return None


class ModuleFactory:
    """What a GLOBAL naming an ``nn.Module`` subclass stands for: ``NEWOBJ`` makes a bare
    instance and the ``BUILD`` after it gives it its state. It is not callable, so a ``REDUCE``
    on it (which would run ``__init__`` with the file's arguments) is refused."""

    def __init__(self, cls: type) -> None:
        self.cls = cls

    def _checkpoint_new(self, *args):
        if args:
            raise CheckpointError(
                f"refused arguments to {self.cls.__qualname__}.__new__: {NEVER_RUNS}"
            )
        return object.__new__(self.cls)

    def _checkpoint_set_state(self, obj, state) -> None:
        set_state(obj, state)


def _check_state(obj, state) -> None:
    what = type(obj).__qualname__
    if not isinstance(state, dict) or not all(
        isinstance(k, str) and not k.startswith("__") for k in state
    ):
        raise CheckpointError(f"corrupt module record: the state of a {what} is not attributes")
    if not isinstance(state.get("training", True), bool):
        raise CheckpointError(f"corrupt module record: {what}.training is not a bool")
    for key, kind in _STORES:
        store = state.get(key, {})
        if not isinstance(store, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, kind)) for k, v in store.items()
        ):
            raise CheckpointError(
                f"corrupt module record: {what}.{key} is not a dict of {kind.__name__}s"
            )


def set_state(obj, state) -> None:
    """Give the bare module ``obj`` its unpickled ``state`` (checked; PyTorch-only attributes
    dropped) through its class's ``__setstate__``."""
    _check_state(obj, state)
    dropped = {key for cls, keys in _TORCH_ONLY if isinstance(obj, cls) for key in keys}
    dropped.update(key for key in _MADE_ON_USE if state.get(key) == {})
    obj.__setstate__({k: v for k, v in state.items() if k not in dropped})


def weights_only_error(module: str, name: str) -> CheckpointError:
    """PyTorch's refusal of a class under ``weights_only=True``, with graphgrad's remedy."""
    dotted = f"{module}.{name}"
    return CheckpointError(
        "Weights only load failed. This file can still be loaded: re-running `torch.load` "
        "with `weights_only` set to `False` will succeed, and in graphgrad that still runs no "
        "code from the file (it then rebuilds nn.Module subclasses that are already imported, "
        "and nothing else).\n\tWeightsUnpickler error: Unsupported global: GLOBAL "
        f"{dotted} was not an allowed global by default. Please use "
        f"`torch.serialization.add_safe_globals([{dotted}])` or the "
        f"`torch.serialization.safe_globals([{dotted}])` context manager to allowlist this "
        "global if you trust this class/function."
    )


def _refusal(module: str, name: str, path: str, obj) -> CheckpointError:
    if obj is None and path != module:
        return CheckpointError(
            f"the pickle names {module}.{name}, a PyTorch object that graphgrad has no "
            f"{path}.{name} for: a module PyTorch pickled cannot be loaded unless all its "
            f"classes are graphgrad's; save its state_dict() in PyTorch and load that instead. "
            f"{NEVER_RUNS}"
        )
    if obj is None and module not in sys.modules:
        return CheckpointError(
            f"the pickle names {module}.{name}, and the module {module} is not imported: "
            f"graphgrad imports nothing while loading (import it first if it defines the "
            f"model's class). {NEVER_RUNS}"
        )
    return CheckpointError(f"the pickle names the global {module}.{name}: {NEVER_RUNS}")


def find_object_global(module: str, name: str, weights_only: bool):
    """The stand-in for a GLOBAL that names a module class (a ``ModuleFactory``) or a
    ``graphgrad.nn.functional`` function (a ``Reference``); ``CheckpointError`` for anything
    else, and, with ``weights_only``, for these too unless ``add_safe_globals`` listed them."""
    path = _graphgrad_path(module)
    obj = lookup(path, name)
    if isinstance(obj, type) and issubclass(obj, Module):
        stand_in: object = ModuleFactory(obj)
    elif path == _FUNCTIONAL and functional_name(obj) == name:
        stand_in = Reference(obj)
    else:
        raise _refusal(module, name, path, obj)
    if weights_only and not is_safe(obj):
        raise weights_only_error(module, name)
    return stand_in


__all__ = ["ModuleFactory", "find_object_global", "functional_name", "lookup", "set_state"]
