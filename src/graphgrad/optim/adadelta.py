"""Adadelta: steps scaled by the ratio of running RMS of updates and of gradients, PyTorch's
single-tensor update.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([1.0]))
>>> opt = torch.optim.Adadelta([w])
>>> (w * w).sum().backward()
>>> opt.step()
>>> round(w.item(), 6)
0.996838
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._kernels import add_scaled_, addcmul, write
from .optimizer import Optimizer, check_nonnegative, param_grad, state_array, step_count


class Adadelta(Optimizer):
    """Adadelta: ``delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g``, both averages
    decaying with ``rho``; the parameter moves by ``-lr * delta``.

    Args:
        params, maximize: as in ``SGD``.
        lr: scales the delta (1.0 is the method as published).
        rho: the decay rate of the running averages.
        eps: added inside the square roots.
        weight_decay: L2 penalty added to the gradient.
        foreach, differentiable, capturable: accepted for compatibility (one implementation).

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = torch.optim.Adadelta([w], lr=1.0)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.9968, 1.9968], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach=None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_nonnegative(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_nonnegative(eps=eps, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        data = p._data
        f = data.dtype.type
        grad = param_grad(p, group)
        state = self.state[p]
        step_count(state)
        square_avg = state_array(state, "square_avg", data)
        acc_delta = state_array(state, "acc_delta", data)
        rho, eps = group["rho"], f(group["eps"])
        write(square_avg, addcmul(square_avg * f(rho), grad, grad, 1 - rho))
        std = np.sqrt(square_avg + eps)
        delta = np.sqrt(acc_delta + eps) / std * grad
        write(acc_delta, addcmul(acc_delta * f(rho), delta, delta, 1 - rho))
        add_scaled_(data, delta, -group["lr"])
