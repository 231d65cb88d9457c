"""Cyclic schedules: CyclicLR (triangular cycles, stepped per batch) and
CosineAnnealingWarmRestarts (SGDR).

>>> import graphgrad as torch
>>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=1.0, momentum=0.9)
>>> sched = torch.optim.lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2)
>>> lrs = [sched.get_last_lr()[0]]
>>> for _ in range(4):
...     opt.step(); sched.step(); lrs.append(round(sched.get_last_lr()[0], 4))
>>> lrs
[0.1, 0.3, 0.5, 0.3, 0.1]
"""

from __future__ import annotations

import math

from ..optimizer import Optimizer
from . import schedules as _base

_SCALE_MODES = {"triangular": "cycle", "triangular2": "cycle", "exp_range": "iterations"}


class CyclicLR(_base.LRScheduler):
    """Cycle the learning rate between ``base_lr`` and ``max_lr`` (up in ``step_size_up``
    steps, down in ``step_size_down``), with the amplitude scaled per cycle or per step;
    momentum cycles the other way. Call ``step()`` after every batch.

    Args:
        optimizer, last_epoch: as in ``LRScheduler``.
        base_lr: the lower bound (or one per group).
        max_lr: the upper bound (or one per group).
        step_size_up: steps from ``base_lr`` up to ``max_lr``.
        step_size_down: steps back down (default ``step_size_up``).
        mode: ``"triangular"`` (constant amplitude), ``"triangular2"`` (halved each cycle) or
            ``"exp_range"`` (scaled by ``gamma ** step``).
        gamma: the ``exp_range`` factor.
        scale_fn: a custom amplitude scale (replaces ``mode``).
        scale_mode: whether ``scale_fn`` takes the cycle (``"cycle"``) or the step
            (``"iterations"``).
        cycle_momentum: cycle the momentum (or Adam's beta1) between the two bounds below.
        base_momentum: the momentum at the learning rate's peak.
        max_momentum: the momentum at ``base_lr``.

    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
    >>> scheduler = torch.optim.lr_scheduler.CyclicLR(
    ...     opt, base_lr=0.1, max_lr=1.0, step_size_up=1, mode="triangular2"
    ... )
    >>> lrs = []
    >>> for step in range(4):
    ...     opt.step()
    ...     scheduler.step()
    ...     lrs.append(round(scheduler.get_last_lr()[0], 4))
    >>> lrs
    [1.0, 0.1, 0.55, 0.1]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr,
        max_lr,
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn=None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum=0.8,
        max_momentum=0.9,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        base_lrs = _base._per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups, strict=False):
                group["lr"] = lr
        self.max_lrs = _base._per_group("max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in _SCALE_MODES and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        self.mode, self.gamma = mode, gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = _SCALE_MODES[mode] if scale_fn is None else scale_mode
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self._init_momentum(optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _init_momentum(self, optimizer, base_momentum, max_momentum, last_epoch) -> None:
        if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
            raise ValueError(
                "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
            )
        self.use_beta1 = "betas" in optimizer.defaults
        self.base_momentums = _base._per_group("base_momentum", optimizer, base_momentum)
        self.max_momentums = _base._per_group("max_momentum", optimizer, max_momentum)
        if last_epoch == -1:
            for momentum, group in zip(self.max_momentums, optimizer.param_groups, strict=False):
                self._set_momentum(group, momentum)

    def _set_momentum(self, group: dict, momentum: float) -> None:
        if self.use_beta1:
            group["betas"] = (momentum, *group["betas"][1:])
        else:
            group["momentum"] = momentum

    def scale_fn(self, x: float) -> float:
        """The amplitude's scale at cycle (or step) ``x``, from ``mode`` or ``scale_fn``.

        Args:
            x: the cycle number (``scale_mode="cycle"``) or the step.

        >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
        >>> sched = torch.optim.lr_scheduler.CyclicLR(opt, 0.1, 1.0, mode="triangular2")
        >>> sched.scale_fn(3)
        0.25
        """
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma**x

    def get_lr(self) -> list[float]:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [
            base + (high - base) * scale_factor * scale
            for base, high in zip(self.base_lrs, self.max_lrs, strict=False)
        ]
        if self.cycle_momentum:
            for group, low, high in zip(
                self.optimizer.param_groups, self.base_momentums, self.max_momentums, strict=False
            ):
                self._set_momentum(group, high - (high - low) * scale_factor * scale)
        return lrs

    def state_dict(self) -> dict:
        state = super().state_dict()
        state["_scale_fn_custom"] = None  # a function is not state (PyTorch drops it too)
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        custom = self._scale_fn_custom
        super().load_state_dict(state_dict)
        self._scale_fn_custom = custom


class CosineAnnealingWarmRestarts(_base.LRScheduler):
    """Cosine annealing from ``base_lr`` to ``eta_min`` over ``T_0`` epochs, then restart;
    each period is ``T_mult`` times the last. ``step`` takes fractional epochs too.

    Args:
        optimizer, last_epoch: as in ``LRScheduler``.
        T_0: the first period, in epochs.
        T_mult: the factor by which each period grows (an integer >= 1).
        eta_min: the lowest learning rate.

    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    >>> scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
    >>> lrs = []
    >>> for epoch in range(4):
    ...     opt.step()
    ...     scheduler.step()
    ...     lrs.append(round(scheduler.get_last_lr()[0], 4))
    >>> lrs
    [0.5, 1.0, 0.5, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,  # noqa: N803 - PyTorch's argument names
        T_mult: int = 1,  # noqa: N803
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        if T_0 <= 0 or not isinstance(T_0, int):
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(
                f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}"
            )
        self.T_0, self.T_i, self.T_mult, self.eta_min = T_0, T_0, T_mult, eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        cosine = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [self.eta_min + (base - self.eta_min) * cosine for base in self.base_lrs]

    def step(self, epoch=None) -> None:
        """Advance one epoch, or go to ``epoch`` (fractional epochs allowed, e.g. per batch).

        Args:
            epoch: the (possibly fractional) epoch to set.

        >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
        >>> scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
        >>> scheduler.step(0.5)
        >>> round(scheduler.get_last_lr()[0], 4)
        0.8536
        """
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur -= self.T_i
                self.T_i *= self.T_mult
        else:
            self._jump_to(epoch)
        self.last_epoch = math.floor(epoch)
        self._step_count += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=False):
            group["lr"] = lr
        self._last_lr = self._group_lrs()

    def _jump_to(self, epoch) -> None:
        """Set ``T_cur`` and ``T_i`` for an epoch given directly."""
        if epoch < 0:
            raise ValueError(f"Expected non-negative epoch, but got {epoch}")
        if epoch < self.T_0:
            self.T_i, self.T_cur = self.T_0, epoch
        elif self.T_mult == 1:
            self.T_cur = epoch % self.T_0
        else:
            n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
            self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
            self.T_i = self.T_0 * self.T_mult**n
