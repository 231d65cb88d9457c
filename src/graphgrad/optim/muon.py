"""Muon: momentum, orthogonalised by Newton-Schulz iterations, for 2-D parameters.

Each step, as PyTorch's ``torch.optim.Muon`` takes it (measured against torch 2.13, float32):

* the momentum buffer ``B`` moves toward the gradient: ``B.lerp_(g, 1 - momentum)``;
* the direction is ``g.lerp(B, momentum)`` with ``nesterov`` (the default), else ``B``;
* ``O`` = ``ns_steps`` Newton-Schulz iterations on it, in bfloat16, as PyTorch runs them: the
  matrix normalised by its Frobenius norm (at least ``eps``), transposed to be wide, then
  ``A = X Xᵀ; B = c A A + b A; X = B X + a X`` with ``(a, b, c) = ns_coefficients``;
* decoupled weight decay ``p *= 1 - lr * weight_decay``, then ``p -= lr' * O`` with ``lr'``
  adjusted to the shape (A, B): ``lr * sqrt(max(1, A / B))`` ("original", the default) or
  ``0.2 * lr * sqrt(max(A, B))`` ("match_rms_adamw").

NumPy has no bfloat16, so each bfloat16 result is a float32 rounded to bfloat16's 8 bits
(``_bf16``), and each product accumulates in float32 as PyTorch's CPU kernels do, but in
NumPy's order: on matrices up to 5x5 the steps are PyTorch's bit for bit; on larger ones some
sums round the other way, so an entry of an update may differ by one bfloat16 step (the
Newton-Schulz result alone: 3 of 36,720 values, on random 3x4 to 100x30 matrices; after four
steps of a 30x100 matrix at lr 0.05, parameters within 1e-4 of PyTorch's). The momentum buffer
is PyTorch's bit for bit.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
>>> opt = torch.optim.Muon([w], lr=0.1, weight_decay=0.0)
>>> (w * torch.tensor([[1.0, 0.0], [0.0, 2.0]])).sum().backward()
>>> opt.step()
>>> w
Parameter containing:
tensor([[0.8883, 0.0000],
        [0.0000, 0.9309]], requires_grad=True)
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from ._kernels import add_scaled_, lerp, write
from .optimizer import Optimizer, state_array

_ADJUSTMENTS = (None, "original", "match_rms_adamw")


def _bf16(x: np.ndarray) -> np.ndarray:
    """float32 values rounded to the nearest bfloat16 (ties to even), kept as float32."""
    bits = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    odd = (bits >> np.uint64(16)) & np.uint64(1)  # ties go to the even bfloat16
    rounded = (bits + np.uint64(0x7FFF) + odd) & np.uint64(0xFFFF0000)
    return rounded.astype(np.uint32).view(np.float32)


def zeropower_via_newtonschulz(grad: np.ndarray, coefficients, steps: int, eps: float):
    """The orthogonalised ``grad`` (float32 holding bfloat16 values): see the module's text."""
    a, b, c = (np.float32(k) for k in coefficients)
    x = _bf16(grad)
    wide = x.shape[0] <= x.shape[1]
    if not wide:
        x = x.T
    norm = _bf16(np.sqrt(np.sum(np.square(x), dtype=np.float32)))
    x = _bf16(x / max(norm, _bf16(np.float32(eps))))
    for _ in range(steps):
        gram = _bf16(x @ x.T)
        poly = _bf16(c * (gram @ gram) + b * gram)
        x = _bf16(poly @ x + a * x)
    return x if wide else x.T


def adjusted_lr(lr: float, adjust_lr_fn: str | None, shape: tuple[int, ...]) -> float:
    """The learning rate scaled for a ``shape`` matrix (see the module's text)."""
    rows, cols = shape
    if adjust_lr_fn == "match_rms_adamw":
        return 0.2 * lr * math.sqrt(max(rows, cols))
    return lr * math.sqrt(max(1.0, rows / cols))


class Muon(Optimizer):
    """Muon (MomentUm Orthogonalized by Newton-Schulz) for 2-D parameters (module docstring).

    Args:
        params: 2-D parameters, or groups of them.
        lr: the learning rate.
        weight_decay: decoupled weight decay (``p *= 1 - lr * weight_decay``).
        momentum: the weight of the momentum buffer.
        nesterov: step along ``g.lerp(B, momentum)`` rather than ``B``.
        ns_coefficients: ``(a, b, c)`` of the Newton-Schulz polynomial.
        eps: the smallest norm the update is divided by.
        ns_steps: Newton-Schulz iterations.
        adjust_lr_fn: ``"original"`` (None) or ``"match_rms_adamw"``.

    >>> w = torch.nn.Parameter(torch.ones(2, 3))
    >>> opt = torch.optim.Muon([w], lr=0.01)
    >>> opt.param_groups[0]["ns_steps"], sorted(opt.state)
    (5, [])
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple[float, float, float] = (3.4445, -4.775, 2.0315),
        eps: float = 1e-7,
        ns_steps: int = 5,
        adjust_lr_fn: str | None = None,
    ) -> None:
        for name, value in (("Learning rate", lr), ("momentum", momentum),
                            ("weight decay", weight_decay)):  # fmt: skip
            if not 0.0 <= value:
                raise ValueError(f"{name} should be >= 0 but is: {value}")
        if adjust_lr_fn not in _ADJUSTMENTS:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {
            "lr": lr,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "nesterov": nesterov,
            "ns_coefficients": ns_coefficients,
            "eps": eps,
            "ns_steps": ns_steps,
            "adjust_lr_fn": adjust_lr_fn,
        }
        super().__init__(params, defaults)

    def add_param_group(self, param_group: dict) -> None:
        """As ``Optimizer.add_param_group``, for 2-D parameters only (PyTorch's error)."""
        super().add_param_group(param_group)
        for p in self.param_groups[-1]["params"]:
            if p.ndim != 2:
                raise ValueError(
                    "Muon only supports 2D parameters whereas we found a parameter with size: "
                    f"{p.shape}"
                )

    def _update(self, p: Tensor, group: dict) -> None:
        data = p._data
        assert p._grad is not None  # step() updates only the parameters with a gradient
        grad = p._grad._data
        momentum, lr = group["momentum"], group["lr"]
        buf = state_array(self.state[p], "momentum_buffer", data)
        write(buf, lerp(buf, grad, 1 - momentum))
        direction = lerp(grad, buf, momentum) if group["nesterov"] else buf
        update = zeropower_via_newtonschulz(
            direction, group["ns_coefficients"], group["ns_steps"], group["eps"]
        )
        write(data, data * data.dtype.type(1 - lr * group["weight_decay"]))
        step = adjusted_lr(lr, group["adjust_lr_fn"], data.shape)
        add_scaled_(data, update.astype(data.dtype), -step)
