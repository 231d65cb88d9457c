"""Adam (with amsgrad) and AdamW (decoupled weight decay), PyTorch's single-tensor update.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
>>> opt = torch.optim.Adam([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
Parameter containing:
tensor([ 0.9000, -0.9000], requires_grad=True)
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._kernels import addcdiv, addcmul, lerp, write
from .optimizer import Optimizer, check_nonnegative, param_grad, state_array, step_count


class Adam(Optimizer):
    """Adam: steps scaled by running estimates of the gradient's first and second moments.

    Args:
        params, maximize: as in ``SGD``.
        lr: the learning rate.
        betas: the decay rates of the running averages of the gradient and its square.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty added to the gradient (decoupled with
            ``decoupled_weight_decay=True``, which is ``AdamW``).
        amsgrad: use the maximum of past squared-gradient averages (AMSGrad).
        decoupled_weight_decay: shrink the weights directly instead of adding to the gradient.
        foreach, fused, differentiable, capturable: accepted for compatibility (graphgrad has one
            implementation, bit-identical to PyTorch's default one).

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = torch.optim.Adam([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.9000, 1.9000], requires_grad=True)
    """

    _decoupled_default = False

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach=None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused=None,
        decoupled_weight_decay: bool | None = None,
    ) -> None:
        check_nonnegative(lr=lr, eps=eps)
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        check_nonnegative(weight_decay=weight_decay)
        if decoupled_weight_decay is None:
            decoupled_weight_decay = self._decoupled_default
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        data = p._data
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        decoupled = wd != 0 and group["decoupled_weight_decay"]
        grad = param_grad(p, group, l2_decay=not decoupled)
        state = self.state[p]
        step = step_count(state)
        exp_avg = state_array(state, "exp_avg", data)
        exp_avg_sq = state_array(state, "exp_avg_sq", data)
        if decoupled:
            write(data, data * data.dtype.type(1 - lr * wd))
        write(exp_avg, lerp(exp_avg, grad, 1 - beta1))
        square = exp_avg_sq * data.dtype.type(beta2)
        write(exp_avg_sq, addcmul(square, grad, grad, 1 - beta2))
        bias_correction1 = 1 - beta1**step
        bias_correction2_sqrt = (1 - beta2**step) ** 0.5
        step_size = lr / bias_correction1
        second = exp_avg_sq
        if group["amsgrad"]:
            second = state_array(state, "max_exp_avg_sq", data)
            np.maximum(second, exp_avg_sq, out=second)
        denom = np.sqrt(second) / data.dtype.type(bias_correction2_sqrt) + data.dtype.type(
            group["eps"]
        )
        write(data, addcdiv(data, exp_avg, denom, -step_size))


class AdamW(Adam):
    """Adam with decoupled weight decay (default ``weight_decay=0.01``): the weights shrink by
    ``lr * weight_decay`` each step, apart from the gradient's moments.

    Args:
        params, lr, betas, eps, amsgrad, maximize: as in ``Adam``.
        weight_decay: the decoupled decay rate.
        foreach, fused, differentiable, capturable: accepted for compatibility (graphgrad has one
            implementation, bit-identical to PyTorch's default one).

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = torch.optim.AdamW([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.8990, 1.8980], requires_grad=True)
    """

    _decoupled_default = True

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach=None,
        capturable: bool = False,
        differentiable: bool = False,
        fused=None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )
