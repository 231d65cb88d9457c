"""``nn.utils.prune``: zero out parts of a parameter through a mask.

Pruning ``module.weight`` moves the parameter to ``weight_orig``, adds the buffer
``weight_mask`` and a forward pre-hook that sets ``module.weight = weight_orig * weight_mask``
before each call, as PyTorch does. Pruning the same tensor again combines the masks (a
``PruningContainer``); ``remove`` makes the pruned tensor a plain parameter again.

>>> import graphgrad as torch
>>> m = torch.nn.Linear(2, 2)
>>> _ = l1_unstructured(m, "weight", amount=0.5)
>>> list(m.state_dict()), int(m.weight_mask.sum())
(['bias', 'weight_orig', 'weight_mask'], 2)
"""

from __future__ import annotations

from collections.abc import Iterable

from ...creation import ones_like
from ...tensor import Tensor
from ..module import Module
from ._prune_methods import (
    BasePruningMethod,
    CustomFromMask,
    Identity,
    L1Unstructured,
    LnStructured,
    PruningContainer,
    RandomStructured,
    RandomUnstructured,
)
from .convert_parameters import parameters_to_vector

# the classes print as PyTorch's do, from the module users import them from
for _cls in (BasePruningMethod, CustomFromMask, Identity, L1Unstructured, LnStructured,
             PruningContainer, RandomStructured, RandomUnstructured):  # fmt: skip
    _cls.__module__ = __name__

__all__ = [
    "BasePruningMethod",
    "CustomFromMask",
    "Identity",
    "L1Unstructured",
    "LnStructured",
    "PruningContainer",
    "RandomStructured",
    "RandomUnstructured",
    "custom_from_mask",
    "global_unstructured",
    "identity",
    "is_pruned",
    "l1_unstructured",
    "ln_structured",
    "random_structured",
    "random_unstructured",
    "remove",
]


def identity(module: Module, name: str) -> Module:
    """Set up pruning of ``module.<name>`` with a mask of ones (nothing pruned yet).

    Args:
        module: the module.
        name: the parameter's name.

    >>> m = torch.nn.utils.prune.identity(torch.nn.Linear(2, 1), "bias")
    >>> m.bias_mask
    tensor([1.])
    """
    Identity.apply(module, name)
    return module


def random_unstructured(module: Module, name: str, amount) -> Module:
    """Prune ``amount`` random entries of ``module.<name>``.

    Args:
        module: the module.
        name: the parameter's name.
        amount: an int (how many) or a float in [0, 1] (what fraction).

    >>> m = torch.nn.utils.prune.random_unstructured(torch.nn.Linear(4, 1), "weight", 0.5)
    >>> int(m.weight_mask.sum())
    2
    """
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module: Module, name: str, amount, importance_scores=None) -> Module:
    """Prune the ``amount`` entries of ``module.<name>`` of smallest absolute value (or of
    smallest ``importance_scores``).

    Args:
        module: the module.
        name: the parameter's name.
        amount: an int (how many) or a float in [0, 1] (what fraction).
        importance_scores: scores shaped as the parameter, ranking its entries.

    >>> m = torch.nn.Linear(3, 1)
    >>> m.weight.data = torch.tensor([[0.5, -0.1, 0.3]])
    >>> torch.nn.utils.prune.l1_unstructured(m, "weight", 1).weight_mask
    tensor([[1., 0., 1.]])
    """
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module: Module, name: str, amount, dim: int) -> Module:
    """Prune ``amount`` random channels of ``module.<name>`` along ``dim``.

    Args:
        module: the module.
        name: the parameter's name.
        amount: an int (how many channels) or a float in [0, 1] (what fraction).
        dim: the dimension of the channels.

    >>> m = torch.nn.utils.prune.random_structured(torch.nn.Linear(2, 4), "weight", 1, dim=0)
    >>> m.weight_mask.sum(1).tolist().count(0.0)
    1
    """
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module: Module, name: str, amount, n, dim: int, importance_scores=None) -> Module:
    """Prune the ``amount`` channels of ``module.<name>`` along ``dim`` of smallest
    ``n``-norm (of ``importance_scores`` when given).

    Args:
        module: the module.
        name: the parameter's name.
        amount: an int (how many channels) or a float in [0, 1] (what fraction).
        n: the order of the norm.
        dim: the dimension of the channels.
        importance_scores: scores shaped as the parameter.

    >>> m = torch.nn.Linear(2, 2)
    >>> m.weight.data = torch.tensor([[1.0, 1.0], [3.0, 0.0]])
    >>> torch.nn.utils.prune.ln_structured(m, "weight", 1, n=1, dim=0).weight_mask
    tensor([[0., 0.],
            [1., 1.]])
    """
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def custom_from_mask(module: Module, name: str, mask: Tensor) -> Module:
    """Prune ``module.<name>`` with a given mask.

    Args:
        module: the module.
        name: the parameter's name.
        mask: 0 where pruned, shaped as the parameter.

    >>> m = torch.nn.utils.prune.custom_from_mask(
    ...     torch.nn.Linear(2, 1), "weight", torch.tensor([[0.0, 1.0]]))
    >>> m.weight_mask
    tensor([[0., 1.]])
    """
    CustomFromMask.apply(module, name, mask)
    return module


def global_unstructured(
    parameters: Iterable, pruning_method, importance_scores: dict | None = None, **kwargs
) -> None:
    """Prune the ``(module, name)`` pairs of ``parameters`` together, as one tensor: e.g.
    the smallest entries over all of them, with ``pruning_method=L1Unstructured``.

    Args:
        parameters: ``(module, name)`` pairs (a list: it is read twice).
        pruning_method: an unstructured pruning method class.
        importance_scores: a dict from ``(module, name)`` to scores (the parameter itself
            where missing).
        kwargs: the method's arguments (e.g. ``amount``).

    >>> a, b = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    >>> a.weight.data = torch.tensor([[1.0, 4.0]])
    >>> b.weight.data = torch.tensor([[3.0, 2.0]])
    >>> pairs = [(a, "weight"), (b, "weight")]
    >>> torch.nn.utils.prune.global_unstructured(pairs, torch.nn.utils.prune.L1Unstructured,
    ...                                           amount=2)
    >>> a.weight_mask, b.weight_mask
    (tensor([[0., 1.]]), tensor([[1., 0.]]))
    """
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    scores = parameters_to_vector(
        [importance_scores.get((m, name), getattr(m, name)) for m, name in parameters]
    )
    default_mask = parameters_to_vector(
        [getattr(m, name + "_mask", ones_like(getattr(m, name))) for m, name in parameters]
    )
    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError(
            'Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found method '
            f"{pruning_method} of type {method.PRUNING_TYPE}"
        )
    container.add_pruning_method(method)
    final_mask = container.compute_mask(scores, default_mask)
    start = 0
    for m, name in parameters:
        param = getattr(m, name)
        n = param.numel()
        custom_from_mask(m, name, mask=final_mask[start : start + n].view_as(param))
        start += n


def remove(module: Module, name: str) -> Module:
    """Make the pruned ``module.<name>`` a plain parameter again, holding its pruned value
    (``<name>_orig``, ``<name>_mask`` and the hook go).

    Args:
        module: the module.
        name: the parameter's name.

    >>> m = torch.nn.utils.prune.identity(torch.nn.Linear(2, 1), "weight")
    >>> list(torch.nn.utils.prune.remove(m, "weight").state_dict())
    ['bias', 'weight']
    """
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(
        f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed"
    )


def is_pruned(module: Module) -> bool:
    """Whether ``module`` or any submodule has a pruning hook.

    Args:
        module: the module.

    >>> m = torch.nn.Sequential(torch.nn.Linear(2, 1))
    >>> torch.nn.utils.prune.is_pruned(m)
    False
    >>> _ = torch.nn.utils.prune.identity(m[0], "weight")
    >>> torch.nn.utils.prune.is_pruned(m)
    True
    """
    for _, submodule in module.named_modules():
        for hook in submodule._forward_pre_hooks.values():
            if isinstance(hook, BasePruningMethod):
                return True
    return False
