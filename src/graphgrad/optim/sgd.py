"""SGD with momentum, dampening, Nesterov and weight decay (PyTorch's update, step by step).

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
>>> opt = torch.optim.SGD([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
Parameter containing:
tensor([0.8000, 1.6000], requires_grad=True)
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._kernels import add_scaled, add_scaled_, write
from .optimizer import Optimizer, check_nonnegative, param_grad


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, dampening, Nesterov momentum and
    weight decay; the updates are bit-identical to PyTorch's.

    Args:
        params: the tensors to optimise, or dicts defining parameter groups (each with its own
            options, such as ``lr``).
        lr: the learning rate.
        momentum: the momentum factor (0 for plain SGD).
        dampening: damping of the momentum's new gradient.
        weight_decay: L2 penalty added to the gradient.
        nesterov: use Nesterov momentum.
        maximize: maximise the objective instead of minimising it.
        foreach, fused, differentiable, capturable: accepted for compatibility (graphgrad has one
            implementation, bit-identical to PyTorch's default one).

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = torch.optim.SGD([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.8000, 1.6000], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach=None,
        differentiable: bool = False,
        fused=None,
    ) -> None:
        check_nonnegative(lr=lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        check_nonnegative(weight_decay=weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        grad = param_grad(p, group)
        momentum = group["momentum"]
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = Tensor._make(np.array(grad, copy=True))
                state["momentum_buffer"] = buf
            else:
                scaled = buf._data * buf._data.dtype.type(momentum)
                write(buf._data, add_scaled(scaled, grad, 1 - group["dampening"]))
            grad = add_scaled(grad, buf._data, momentum) if group["nesterov"] else buf._data
        add_scaled_(p._data, grad, -group["lr"])
