"""Adagrad with learning-rate decay, PyTorch's single-tensor update.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([1.0]))
>>> opt = torch.optim.Adagrad([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> round(w.item(), 4)
0.9
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._kernels import addcdiv, addcmul, write
from .optimizer import Optimizer, check_nonnegative, new_step, param_grad, state_array, step_count


class Adagrad(Optimizer):
    """Adagrad: each element's step is scaled by the root of its summed squared gradients.

    Args:
        params, maximize: as in ``SGD``.
        lr: the learning rate.
        lr_decay: the learning rate decays as ``lr / (1 + (step - 1) * lr_decay)``.
        weight_decay: L2 penalty added to the gradient.
        initial_accumulator_value: the starting value of the sums of squares.
        eps: added to the denominator for numerical stability.
        foreach, fused, differentiable, capturable: accepted for compatibility (graphgrad has one
            implementation, bit-identical to PyTorch's default one).

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = torch.optim.Adagrad([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.9000, 1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach=None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused=None,
    ) -> None:
        check_nonnegative(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:  # PyTorch creates Adagrad's state eagerly
            for p in group["params"]:
                state = self.state[p]
                state["step"] = new_step()
                state_array(state, "sum", p._data, group["initial_accumulator_value"])

    def _update(self, p: Tensor, group: dict) -> None:
        data = p._data
        f = data.dtype.type
        state = self.state[p]
        step = step_count(state)
        grad = param_grad(p, group)
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        total = state_array(state, "sum", data, group["initial_accumulator_value"])
        write(total, addcmul(total, grad, grad, 1))
        std = np.sqrt(total) + f(group["eps"])
        write(data, addcdiv(data, grad, std, -clr))
