"""ASGD: SGD with a decaying step and a running average ``ax`` of the iterates (Polyak-Ruppert
averaging), PyTorch's single-tensor update.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([1.0]))
>>> opt = torch.optim.ASGD([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> round(w.item(), 5)
0.79999
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._kernels import add_scaled_, write
from .optimizer import Optimizer, check_nonnegative, param_grad, state_array, step_count


def _scalar_state(value: float) -> Tensor:
    """A float32 0-d state tensor (PyTorch keeps ``eta`` and ``mu`` in the scalar dtype)."""
    return Tensor._make(np.asarray(value, np.float32))


class ASGD(Optimizer):
    """Averaged SGD: the step ``eta = lr / (1 + lambd * lr * t) ** alpha`` decays, the weights
    shrink by ``1 - lambd * eta``, and ``state["ax"]`` averages the iterates from step ``t0`` on.

    Args:
        params, maximize: as in ``SGD``.
        lr: the learning rate.
        lambd: the decay term.
        alpha: the power of the step's decay.
        t0: the step at which averaging starts.
        weight_decay: L2 penalty added to the gradient.
        foreach, differentiable, capturable: accepted for compatibility (one implementation).

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = torch.optim.ASGD([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.8000, 1.6000], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach=None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_nonnegative(lr=lr, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        data = p._data
        grad = param_grad(p, group)
        state = self.state[p]
        if "eta" not in state:
            state["eta"] = _scalar_state(group["lr"])
            state["mu"] = _scalar_state(1.0)
        step = step_count(state)
        ax = state_array(state, "ax", data)
        lr, lambd = group["lr"], group["lambd"]
        eta = float(state["eta"]._data)
        write(data, data * data.dtype.type(1 - lambd * eta))
        add_scaled_(data, grad, -eta)
        mu = float(state["mu"]._data)
        if mu != 1:
            write(ax, ax + (data - ax) * data.dtype.type(mu))
        else:
            write(ax, data)
        state["eta"] = _scalar_state(lr / ((1 + lambd * lr * step) ** group["alpha"]))
        state["mu"] = _scalar_state(1 / max(1, step - group["t0"]))
