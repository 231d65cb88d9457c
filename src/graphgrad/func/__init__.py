"""Composable function transforms, as ``torch.func``: grad, grad_and_value, vjp, jvp, jacrev,
jacfwd, hessian and vmap; and ``functional_call`` and ``stack_module_state``.

>>> import graphgrad as torch
>>> from graphgrad.func import grad, vmap
>>> w = torch.tensor([1.0, 2.0])
>>> xs = torch.tensor([[1.0, 0.0], [0.0, 3.0]])
>>> vmap(grad(lambda w, x: (w * x).sum() ** 2), in_dims=(None, 0))(w, xs)  # per-sample grads
tensor([[ 2.,  0.],
        [ 0., 36.]])
"""

from __future__ import annotations

from ..nn.utils.stateless import _functional_call as functional_call
from ._module_state import stack_module_state
from ._transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp
from ._vmap import vmap

__all__ = [
    "functional_call",
    "grad",
    "grad_and_value",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "stack_module_state",
    "vjp",
    "vmap",
]
