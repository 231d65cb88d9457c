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
from ._kernels import add_scaled, addcdiv, addcmul, write
from .optimizer import (
    Optimizer,
    check_eps,
    check_lr,
    check_weight_decay,
    finish,
    param_grad,
    params_with_grad,
    state_array,
    step_count,
)


class Adagrad(Optimizer):
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
        check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        check_weight_decay(weight_decay)
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}"
            )
        check_eps(eps)
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
                state["step"] = Tensor._make(np.asarray(0.0, np.float32))
                state_array(state, "sum", p._data, group["initial_accumulator_value"])

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            for p in params_with_grad(group):
                self._update(p, group)
        return loss

    def _update(self, p: Tensor, group: dict) -> None:
        data = p._data
        f = data.dtype.type
        state = self.state[p]
        step = step_count(state)
        grad = param_grad(p, group["maximize"])
        if group["weight_decay"] != 0:
            grad = add_scaled(grad, data, group["weight_decay"])
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        total = state_array(state, "sum", data, group["initial_accumulator_value"])
        write(total, addcmul(total, grad, grad, 1))
        std = np.sqrt(total) + f(group["eps"])
        write(data, addcdiv(data, grad, std, -clr))
        finish(p)
