"""Rprop: per-element steps that grow while the gradient keeps its sign and shrink when it
flips, PyTorch's single-tensor update.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([1.0]))
>>> opt = torch.optim.Rprop([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w.item()
0.8999999761581421
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._kernels import write
from .optimizer import Optimizer, check_nonnegative, state_array, step_count


class Rprop(Optimizer):
    """Resilient backpropagation: only the gradient's sign is used; each element's step size is
    multiplied by ``etas[1]`` while the sign holds and by ``etas[0]`` when it flips (that
    element then skips one update), clamped to ``step_sizes``.

    Args:
        params, maximize: as in ``SGD``.
        lr: the initial step size.
        etas: the (decrease, increase) factors, ``0 < etaminus < 1 < etaplus``.
        step_sizes: the (smallest, largest) step size.
        foreach, differentiable, capturable: accepted for compatibility (one implementation).

    >>> w = torch.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = torch.optim.Rprop([w], lr=0.1)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (w ** 2).sum().backward()
    ...     opt.step()
    >>> w
    tensor([ 0.7800, -1.7800], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        etas: tuple = (0.5, 1.2),
        step_sizes: tuple = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach=None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_nonnegative(lr=lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr,
            "etas": tuple(etas),
            "step_sizes": tuple(step_sizes),
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        data = p._data
        f = data.dtype.type
        assert p._grad is not None  # stepped only with a gradient
        grad = p._grad._data
        if group["maximize"]:
            grad = -grad
        state = self.state[p]
        step_count(state)
        prev = state_array(state, "prev", data)
        step_size = state_array(state, "step_size", data, group["lr"])
        etaminus, etaplus = group["etas"]
        sign = np.sign(grad * prev)
        factor = np.where(sign > 0, f(etaplus), np.where(sign < 0, f(etaminus), f(1)))
        low, high = group["step_sizes"]
        write(step_size, np.clip(step_size * factor, f(low), f(high)))
        grad = np.where(sign < 0, f(0), grad)  # a flipped sign: skip this element's update
        write(data, data - np.sign(grad) * step_size)
        write(prev, grad)
