"""Schedulers that scale the learning rate by a factor: MultiplicativeLR, ConstantLR, LinearLR,
PolynomialLR (PyTorch's recursive formulas, so the sequences are the same floats).

>>> import graphgrad as torch
>>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=1.0)
>>> sched = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
>>> lrs = [sched.get_last_lr()[0]]
>>> for _ in range(3):
...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
>>> lrs
[0.5, 0.75, 1.0, 1.0]
"""

from __future__ import annotations

from ..optimizer import Optimizer
from . import schedules as _base


class MultiplicativeLR(_base.LambdaLR):
    """Multiply each group's learning rate by ``lr_lambda(epoch)`` every epoch.

    Args:
        optimizer, last_epoch: as in ``LRScheduler``.
        lr_lambda: a function of the epoch, or a list of them (one per group).

    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    >>> scheduler = torch.optim.lr_scheduler.MultiplicativeLR(opt, lambda epoch: 0.5)
    >>> lrs = []
    >>> for epoch in range(3):
    ...     opt.step()
    ...     scheduler.step()
    ...     lrs.append(scheduler.get_last_lr()[0])
    >>> lrs
    [0.5, 0.25, 0.125]
    """

    def get_lr(self) -> list[float]:
        if self.last_epoch <= 0:
            return self._group_lrs()
        return [lr * fn(self.last_epoch) for fn, lr in zip(self.lr_lambdas, self._group_lrs())]


class ConstantLR(_base.LRScheduler):
    """Multiply the learning rate by ``factor`` until epoch ``total_iters``, then restore it.

    Args:
        optimizer, last_epoch: as in ``LRScheduler``.
        factor: the factor, in ``[0, 1]``.
        total_iters: the epoch at which the factor stops applying.

    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    >>> scheduler = torch.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2)
    >>> lrs = [scheduler.get_last_lr()[0]]
    >>> for epoch in range(3):
    ...     opt.step()
    ...     scheduler.step()
    ...     lrs.append(scheduler.get_last_lr()[0])
    >>> lrs
    [0.5, 0.5, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor, self.total_iters = factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._group_lrs()]
        if self.last_epoch != self.total_iters:
            return self._group_lrs()
        return [lr * (1.0 / self.factor) for lr in self._group_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        reached = self.last_epoch >= self.total_iters
        return [base * (self.factor + reached * (1 - self.factor)) for base in self.base_lrs]


class LinearLR(_base.LRScheduler):
    """Scale the learning rate by a factor going linearly from ``start_factor`` to
    ``end_factor`` over ``total_iters`` epochs.

    Args:
        optimizer, last_epoch: as in ``LRScheduler``.
        start_factor: the first epoch's factor, in ``(0, 1]``.
        end_factor: the factor from epoch ``total_iters`` on, in ``[0, 1]``.
        total_iters: the number of epochs of the ramp.

    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    >>> scheduler = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
    >>> lrs = [scheduler.get_last_lr()[0]]
    >>> for epoch in range(4):
    ...     opt.step()
    ...     scheduler.step()
    ...     lrs.append(scheduler.get_last_lr()[0])
    >>> lrs
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or "
                "equal to 1."
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        start, end, n = self.start_factor, self.end_factor, self.total_iters
        if self.last_epoch == 0:
            return [lr * start for lr in self._group_lrs()]
        if self.last_epoch > n:
            return self._group_lrs()
        # the ratio of this epoch's factor to the previous one's
        ratio = 1.0 + (end - start) / (n * start + (self.last_epoch - 1) * (end - start))
        return [lr * ratio for lr in self._group_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        start, end, n = self.start_factor, self.end_factor, self.total_iters
        return [
            base * (start + (end - start) * min(n, self.last_epoch) / n) for base in self.base_lrs
        ]


class PolynomialLR(_base.LRScheduler):
    """Decay the learning rate as ``base_lr * (1 - epoch / total_iters) ** power``, reaching 0
    at epoch ``total_iters``.

    Args:
        optimizer, last_epoch: as in ``LRScheduler``.
        total_iters: the number of epochs of the decay.
        power: the polynomial's power.

    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    >>> scheduler = torch.optim.lr_scheduler.PolynomialLR(opt, total_iters=4, power=2.0)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     opt.step()
    ...     scheduler.step()
    ...     lrs.append(scheduler.get_last_lr()[0])
    >>> lrs
    [0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    def __init__(
        self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1
    ) -> None:
        self.total_iters, self.power = total_iters, power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        e, n = self.last_epoch, self.total_iters
        if e == 0 or e > n:
            return self._group_lrs()
        factor = ((1.0 - e / n) / (1.0 - (e - 1) / n)) ** self.power
        return [lr * factor for lr in self._group_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        e, n = self.last_epoch, self.total_iters
        return [base * (1.0 - min(n, e) / n) ** self.power for base in self.base_lrs]
