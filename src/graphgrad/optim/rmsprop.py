"""RMSprop (with momentum and the centered variant), PyTorch's single-tensor update.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([1.0]))
>>> opt = torch.optim.RMSprop([w], lr=0.01)
>>> (w * w).sum().backward()
>>> opt.step()
>>> round(w.item(), 4)
0.9
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._kernels import add_scaled_, addcdiv, addcmul, lerp, write
from .optimizer import Optimizer, check_nonnegative, param_grad, state_array, step_count


class RMSprop(Optimizer):
    """RMSprop: steps scaled by a running average of squared gradients.

    Args:
        params, maximize: as in ``SGD``.
        lr: the learning rate.
        alpha: the decay rate of the running average.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        momentum: the momentum factor.
        centered: normalise by the estimated variance (subtract the mean gradient's square).
        foreach, fused, differentiable, capturable: accepted for compatibility (graphgrad has one
            implementation, bit-identical to PyTorch's default one).

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = torch.optim.RMSprop([w], lr=0.01)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.9000, 1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach=None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_nonnegative(lr=lr, eps=eps)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        check_nonnegative(weight_decay=weight_decay)
        if alpha < 0.0:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
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
        if group["momentum"] > 0:
            state_array(state, "momentum_buffer", data)
        if group["centered"]:
            state_array(state, "grad_avg", data)
        alpha = group["alpha"]
        write(square_avg, addcmul(square_avg * f(alpha), grad, grad, 1 - alpha))
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            write(grad_avg, lerp(grad_avg, grad, 1 - alpha))
            avg = np.sqrt(addcmul(square_avg, grad_avg, grad_avg, -1))
        else:
            avg = np.sqrt(square_avg)
        avg = avg + f(group["eps"])
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]._data
            write(buf, addcdiv(buf * f(group["momentum"]), grad, avg, 1))
            add_scaled_(data, buf, -group["lr"])
        else:
            write(data, addcdiv(data, grad, avg, -group["lr"]))
