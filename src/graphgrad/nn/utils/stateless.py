"""Calling a module with some of its parameters and buffers swapped for other tensors:
``functional_call`` (deprecated here in PyTorch 2, kept as ``torch.func.functional_call``).

>>> import graphgrad as torch
>>> m = torch.nn.Linear(2, 1)
>>> _functional_call(m, {"weight": torch.ones(1, 2), "bias": torch.zeros(1)}, torch.ones(1, 2))
tensor([[2.]])
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Sequence

from ...tensor import Tensor
from ..module import Module


def _merge(parameter_and_buffer_dicts) -> dict:
    if isinstance(parameter_and_buffer_dicts, dict):
        return dict(parameter_and_buffer_dicts)
    if not isinstance(parameter_and_buffer_dicts, Sequence):
        raise ValueError(
            "Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
            f"{type(parameter_and_buffer_dicts)}"
        )
    merged: dict = {}
    for d in parameter_and_buffer_dicts:
        repeated = [k for k in d if k in merged]
        if repeated:
            raise ValueError(
                f"{repeated} appeared in multiple dictionaries; behavior of functional call is "
                "ambiguous"
            )
        merged.update(d)
    return merged


def _module_tensors(module: Module) -> dict:
    """Every parameter and buffer name (tied ones under each of their names) -> tensor."""
    out: dict = dict(module.named_parameters(remove_duplicate=False))
    out.update(module.named_buffers(remove_duplicate=False))
    return out


def _tie(module_tensors: dict, values: dict) -> dict:
    """``values`` with every name tied to a given one (the same tensor in the module) given the
    same value."""
    names_of: dict = {}
    for name, t in module_tensors.items():
        names_of.setdefault(id(t), []).append(name)
    out = dict(values)
    for names in names_of.values():
        given = [n for n in names if n in values]
        if not given or len(names) == 1:
            continue
        if any(values[n] is not values[given[0]] for n in given[1:]):
            raise ValueError(
                f"functional_call got multiple values for keys {sorted(given)}, which are tied. "
                "Consider using tie_weights=False"
            )
        for n in names:
            out[n] = values[given[0]]
    return out


def _check_strict(module: Module, module_tensors: dict, values: dict) -> None:
    unexpected = sorted(k for k in values if k not in module_tensors)
    missing = sorted(k for k in module_tensors if k not in values)
    errors = []
    if unexpected:
        errors.append("Unexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected) + ".")
    if missing:
        errors.append("Missing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
    if errors:
        raise RuntimeError(
            f"Error(s) in reparametrizing for {module._get_name()}:\n\t" + "\n\t".join(errors)
        )


@contextlib.contextmanager
def _swapped(module: Module, values: dict):
    """Put ``values`` in place of the named parameters and buffers (plain attributes for other
    names) for the duration of the block."""
    undo = []
    try:
        for name, value in values.items():
            owner_path, _, attr = name.rpartition(".")
            owner = module.get_submodule(owner_path) if owner_path else module
            for store in (owner._parameters, owner._buffers):
                if attr in store:
                    undo.append((store, attr, store[attr]))
                    store[attr] = value
                    break
            else:
                undo.append((owner.__dict__, attr, owner.__dict__.get(attr, _MISSING)))
                owner.__dict__[attr] = value
        yield
    finally:
        for store, attr, old in reversed(undo):
            if old is _MISSING:
                del store[attr]
            else:
                store[attr] = old


_MISSING = object()


def _functional_call(
    module: Module,
    parameter_and_buffer_dicts,
    args=None,
    kwargs: dict | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
):
    """``module(*args, **kwargs)`` with the parameters and buffers named in
    ``parameter_and_buffer_dicts`` replaced by the given tensors (differentiably), the module
    left unchanged afterwards. This is ``torch.func.functional_call``.

    Args:
        module: the module.
        parameter_and_buffer_dicts: a dict from dotted names to tensors, or a sequence of such
            dicts (with no name in two of them).
        args: the positional arguments (a tuple, or one argument).
        kwargs: the keyword arguments.
        tie_weights: a value given for one of several names of the same tensor is used for all
            of them.
        strict: the names must be exactly the module's parameters and buffers.

    >>> m = torch.nn.Linear(1, 1)
    >>> w = torch.tensor([[3.0]], requires_grad=True)
    >>> out = torch.func.functional_call(m, {"weight": w, "bias": torch.zeros(1)},
    ...                                  (torch.tensor([[2.0]]),))
    >>> out.backward()
    >>> out, w.grad
    (tensor([[6.]], grad_fn=<AddmmBackward0>), tensor([[2.]]))
    """
    values = _merge(parameter_and_buffer_dicts)
    for value in values.values():
        if not isinstance(value, Tensor):
            raise TypeError(f"{value} is not an instance of torch.Tensor")
    module_tensors = _module_tensors(module)
    if tie_weights:
        values = _tie(module_tensors, values)
    if strict:
        _check_strict(module, module_tensors, values)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, values):
        return module(*args, **(kwargs or {}))


def functional_call(
    module: Module,
    parameters_and_buffers: dict,
    args=None,
    kwargs: dict | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
):
    """Deprecated form of ``torch.func.functional_call`` (warns, as PyTorch 2 does): call
    ``module`` with some parameters and buffers replaced.

    Args:
        module: the module.
        parameters_and_buffers: a dict from dotted names to tensors.
        args: the positional arguments (a tuple, or one argument).
        kwargs: the keyword arguments.
        tie_weights: a value given for one name of a tied tensor is used for all its names.
        strict: the names must be exactly the module's parameters and buffers.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     torch.nn.utils.stateless.functional_call(
    ...         torch.nn.Linear(1, 1), {"weight": torch.ones(1, 1), "bias": torch.ones(1)},
    ...         torch.ones(1, 1))
    tensor([[2.]])
    """
    warnings.warn(
        "`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be "
        "removed in a future version of PyTorch. Please use `torch.func.functional_call` instead "
        "which is a drop-in replacement.",
        FutureWarning,
        stacklevel=2,
    )
    return _functional_call(
        module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict
    )
