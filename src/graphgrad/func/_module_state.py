"""``stack_module_state``: the parameters and buffers of same-shaped models, stacked, for
``vmap`` over ``functional_call`` (model ensembling).

>>> import graphgrad as torch
>>> from graphgrad.func import stack_module_state
>>> params, buffers = stack_module_state([torch.nn.Linear(3, 2) for _ in range(4)])
>>> {name: tuple(p.shape) for name, p in params.items()}
{'weight': (4, 2, 3), 'bias': (4, 2)}
"""

from __future__ import annotations

from ..autograd.grad_mode import no_grad
from ..ops.shape.join import stack
from ..tensor import Tensor

__all__ = ["stack_module_state"]


def stack_module_state(models) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """Each parameter and buffer of ``models`` stacked along a new first dimension, by name.

    The stacked parameters are new leaves (requiring grad where the models' do), so training
    them leaves the models alone; the buffers are stacked copies too.

    Args:
        models: a list of modules of the same structure, all in training or all in eval mode.

    >>> import graphgrad as torch
    >>> params, _ = stack_module_state([torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)])
    >>> params["weight"].shape, params["weight"].is_leaf, params["weight"].requires_grad
    (torch.Size([2, 1, 2]), True, True)
    """
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError(
            "stack_module_state: Expected all models to have the same training/eval mode."
        )
    all_params = [dict(m.named_parameters()) for m in models]
    params = {name: _stacked_leaf([p[name] for p in all_params], name) for name in all_params[0]}
    all_buffers = [dict(m.named_buffers()) for m in models]
    with no_grad():
        buffers = {name: stack([b[name] for b in all_buffers]) for name in all_buffers[0]}
    return params, buffers


def _stacked_leaf(tensors: list[Tensor], name: str) -> Tensor:
    requires_grad = tensors[0].requires_grad
    if any(t.requires_grad != requires_grad for t in tensors):
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    with no_grad():
        return stack(tensors).requires_grad_(requires_grad)
