"""Adafactor (Shazeer & Stern, 2018): Adam-like steps whose second-moment estimate of a matrix
is factored into row and column averages, with a relative step size.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
>>> opt = torch.optim.Adafactor([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
Parameter containing:
tensor([ 0.9000, -0.9000], requires_grad=True)
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._kernels import add_scaled_, lerp, write
from .optimizer import Optimizer, state_array, step_count


def _rms(a: np.ndarray) -> float:
    return float(np.linalg.norm(a.ravel())) / a.size**0.5


class Adafactor(Optimizer):
    """Adafactor. With ``t`` the step: ``beta2_t = 1 - t ** beta2_decay``, the relative step
    ``rho_t = min(lr, 1 / sqrt(t))`` scaled by ``max(eps[1], RMS(param))``; a parameter of two
    or more dimensions keeps row and column averages of ``g**2`` (``row_var``, ``col_var``)
    instead of a full ``variance``; the update ``g / sqrt(v)`` is clipped to RMS ``d``.

    Args:
        params, maximize: as in ``SGD``.
        lr: the largest relative step.
        beta2_decay: the (negative) power of the second moment's decay schedule.
        eps: ``(eps1, eps2)``: the floor of the second moment (``None``: the dtype's machine
            epsilon) and the floor of the parameter's RMS.
        d: the clipping threshold of the update's RMS.
        weight_decay: decoupled decay, ``param *= 1 - lr * weight_decay``.
        foreach: accepted for compatibility (one implementation).

    >>> w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> opt = torch.optim.Adafactor([w], lr=0.01)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> sorted(opt.state[w])
    ['col_var', 'row_var', 'step']
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach=None,
        maximize: bool = False,
    ) -> None:
        checks = [
            (not 0.0 <= lr, f"Learning rate should be >= 0 but is: {lr}"),
            (not 0.0 >= beta2_decay, f"beta2_decay should be <= 0 but is: {beta2_decay}"),
            (eps[0] is not None and not 0.0 <= eps[0], f"epsilon1 should be >= 0 but is: {eps[0]}"),
            (not 0.0 <= eps[1], f"epsilon2 should be >= 0 but is: {eps[1]}"),
            (not 1.0 <= d, f"Clipping threshold d should be >= 1 but is: {d}"),
            (not 0.0 <= weight_decay, f"weight_decay should be >= 0 but is: {weight_decay}"),
        ]
        for failed, message in checks:
            if failed:
                raise ValueError(message)
        defaults = {
            "lr": lr,
            "beta2_decay": beta2_decay,
            "eps": tuple(eps),
            "d": d,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        data = p._data
        f = data.dtype.type
        assert p._grad is not None  # stepped only with a gradient
        grad = -p._grad._data if group["maximize"] else p._grad._data
        state = self.state[p]
        step = step_count(state)
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(data.dtype).eps)
        lr = group["lr"]
        one_minus_beta2 = step ** group["beta2_decay"]
        rho = min(lr, 1 / step**0.5)
        alpha = max(eps2, _rms(data)) * rho
        if group["weight_decay"] != 0:
            write(data, data * f(1 - lr * group["weight_decay"]))
        variance = self._variance(state, data, grad, one_minus_beta2, eps1)
        update = 1 / np.sqrt(np.maximum(variance, f(eps1 * eps1))) * grad
        denom = max(1.0, float(np.linalg.norm(update.ravel())) / (update.size**0.5 * group["d"]))
        add_scaled_(data, update, -alpha / denom)

    @staticmethod
    def _variance(state, data, grad, one_minus_beta2: float, eps1: float) -> np.ndarray:
        """The second-moment estimate: factored into row and column averages for a matrix
        (or a batch of them), a full average otherwise."""
        if data.ndim < 2:
            variance = state_array(state, "variance", data)
            write(variance, lerp(variance, grad * grad, one_minus_beta2))
            return variance.copy()
        f = data.dtype.type
        if "row_var" not in state:
            state["row_var"] = Tensor._make(np.zeros(data.shape[:-1] + (1,), data.dtype))
            state["col_var"] = Tensor._make(
                np.zeros(data.shape[:-2] + (1, data.shape[-1]), data.dtype)
            )
        row_var, col_var = state["row_var"]._data, state["col_var"]._data
        square = grad * grad
        row_mean = square.sum(axis=-1, keepdims=True) / f(grad.shape[-1])
        col_mean = square.sum(axis=-2, keepdims=True) / f(grad.shape[-2])
        write(row_var, lerp(row_var, row_mean, one_minus_beta2))
        write(col_var, lerp(col_var, col_mean, one_minus_beta2))
        scale = np.maximum(row_var.mean(axis=-2, keepdims=True), f(eps1))
        return (row_var @ col_var) / scale
