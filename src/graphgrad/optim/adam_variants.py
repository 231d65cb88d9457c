"""Adamax, NAdam and RAdam: Adam's moments with an infinity norm, Nesterov momentum, or a
rectified variance; PyTorch's single-tensor updates.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
>>> opt = torch.optim.Adamax([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
Parameter containing:
tensor([ 0.9000, -0.9000], requires_grad=True)
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from ._kernels import add_scaled_, addcdiv, addcmul, lerp, write
from .optimizer import (
    Optimizer,
    check_betas,
    check_nonnegative,
    param_grad,
    state_array,
    step_count,
)


def _moments(state: dict, data: np.ndarray, grad: np.ndarray, betas) -> tuple:
    """Update and return Adam's ``exp_avg`` and ``exp_avg_sq`` from ``grad``."""
    beta1, beta2 = betas
    exp_avg = state_array(state, "exp_avg", data)
    exp_avg_sq = state_array(state, "exp_avg_sq", data)
    write(exp_avg, lerp(exp_avg, grad, 1 - beta1))
    write(exp_avg_sq, addcmul(exp_avg_sq * data.dtype.type(beta2), grad, grad, 1 - beta2))
    return exp_avg, exp_avg_sq


def _decayed_grad(p: Tensor, group: dict) -> np.ndarray:
    """The gradient, after shrinking the weights first under ``decoupled_weight_decay``."""
    data, wd = p._data, group["weight_decay"]
    decoupled = wd != 0 and group.get("decoupled_weight_decay", False)
    if decoupled:
        write(data, data * data.dtype.type(1 - group["lr"] * wd))
    return param_grad(p, group, l2_decay=not decoupled)


def _adam_defaults(lr, betas, eps, weight_decay, **flags) -> dict:
    check_nonnegative(lr=lr, eps=eps)
    check_betas(betas)
    check_nonnegative(weight_decay=weight_decay)
    return {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay, **flags}


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm, ``u = max(beta2 * u, |g| + eps)``, in place of the
    squared-gradient average.

    Args:
        params, maximize: as in ``SGD``.
        lr: the learning rate.
        betas: the decay rates of the gradient average and of the infinity norm.
        eps: added to ``|g|`` for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        foreach, differentiable, capturable: accepted for compatibility (one implementation).

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = torch.optim.Adamax([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.9000, 1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr: float = 2e-3,
        betas: tuple = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach=None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        defaults = _adam_defaults(
            lr,
            betas,
            eps,
            weight_decay,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        data = p._data
        f = data.dtype.type
        grad = param_grad(p, group)
        state = self.state[p]
        step = step_count(state)
        beta1, beta2 = group["betas"]
        exp_avg = state_array(state, "exp_avg", data)
        exp_inf = state_array(state, "exp_inf", data)
        write(exp_avg, lerp(exp_avg, grad, 1 - beta1))
        write(exp_inf, np.maximum(exp_inf * f(beta2), np.abs(grad) + f(group["eps"])))
        clr = group["lr"] / (1 - beta1**step)
        write(data, addcdiv(data, exp_avg, exp_inf, -clr))


class NAdam(Optimizer):
    """NAdam: Adam with Nesterov momentum, whose factor ``mu_t`` warms up with
    ``momentum_decay``.

    Args:
        params, maximize: as in ``SGD``.
        lr, betas, eps: as in ``Adam``.
        weight_decay: L2 penalty added to the gradient (or decoupled, as in AdamW, with
            ``decoupled_weight_decay=True``).
        momentum_decay: how fast ``mu_t`` approaches ``beta1``.
        decoupled_weight_decay: shrink the weights directly instead of adding to the gradient.
        foreach, differentiable, capturable: accepted for compatibility (one implementation).

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = torch.optim.NAdam([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.8944, 1.8944], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr: float = 2e-3,
        betas: tuple = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach=None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = _adam_defaults(
            lr,
            betas,
            eps,
            weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
        )
        check_nonnegative(momentum_decay=momentum_decay)
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        data = p._data
        state = self.state[p]
        step = step_count(state)
        if "mu_product" not in state:  # a float32 0-d tensor in PyTorch, like ``step``
            state["mu_product"] = Tensor._make(np.asarray(1.0, np.float32))
        lr, (beta1, beta2), decay = group["lr"], group["betas"], group["momentum_decay"]
        grad = _decayed_grad(p, group)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))
        product = state["mu_product"]
        product._data = np.asarray(product._data * np.float32(mu), np.float32)
        mu_product = float(product._data)
        exp_avg, exp_avg_sq = _moments(state, data, grad, (beta1, beta2))
        denom = np.sqrt(exp_avg_sq / data.dtype.type(1 - beta2**step)) + data.dtype.type(
            group["eps"]
        )
        updated = addcdiv(data, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product))
        write(data, addcdiv(updated, exp_avg, denom, -lr * mu_next / (1.0 - mu_product * mu_next)))


class RAdam(Optimizer):
    """RAdam: Adam whose adaptive step is rectified by the variance of its estimate (plain
    momentum steps while too few gradients have been seen).

    Args:
        params, maximize: as in ``SGD``.
        lr, betas, eps: as in ``Adam``.
        weight_decay: L2 penalty added to the gradient (or decoupled, as in AdamW, with
            ``decoupled_weight_decay=True``).
        decoupled_weight_decay: shrink the weights directly instead of adding to the gradient.
        foreach, differentiable, capturable: accepted for compatibility (one implementation).

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = torch.optim.RAdam([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.8000, 1.6000], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach=None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = _adam_defaults(
            lr,
            betas,
            eps,
            weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            decoupled_weight_decay=decoupled_weight_decay,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        data = p._data
        f = data.dtype.type
        state = self.state[p]
        step = step_count(state)
        lr, (beta1, beta2) = group["lr"], group["betas"]
        grad = _decayed_grad(p, group)
        exp_avg, exp_avg_sq = _moments(state, data, grad, (beta1, beta2))
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        corrected = exp_avg / f(bias_correction1)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t > 5.0:
            rect = math.sqrt(
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            )
            adaptive_lr = f(math.sqrt(bias_correction2)) / (np.sqrt(exp_avg_sq) + f(group["eps"]))
            update = corrected * f(lr) * adaptive_lr * f(rect)
        else:
            update = corrected * f(lr)
        add_scaled_(data, update, -1.0)


class SparseAdam(Optimizer):
    """Adam for sparse gradients (such as ``nn.Embedding(sparse=True)``'s). graphgrad has no
    sparse gradients, so ``step`` raises PyTorch's error for dense ones.

    Args:
        params, maximize: as in ``SGD``.
        lr, betas, eps: as in ``Adam``.

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = torch.optim.SparseAdam([w])
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    Traceback (most recent call last):
    RuntimeError: SparseAdam does not support dense gradients, please consider Adam instead
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple = (0.9, 0.999),
        eps: float = 1e-8,
        maximize: bool = False,
    ) -> None:
        check_nonnegative(lr=lr, eps=eps)
        check_betas(betas)
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        raise RuntimeError(
            "SparseAdam does not support dense gradients, please consider Adam instead"
        )
