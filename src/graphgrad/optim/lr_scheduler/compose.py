"""Schedulers made of schedulers: SequentialLR (one after another, switching at milestones)
and ChainedScheduler (all of them every step, their factors multiplying).

>>> import graphgrad as torch
>>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=1.0)
>>> warmup = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
>>> decay = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
>>> sched = torch.optim.lr_scheduler.SequentialLR(opt, [warmup, decay], milestones=[2])
>>> lrs = [sched.get_last_lr()[0]]
>>> for _ in range(4):
...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
>>> lrs
[0.5, 0.75, 1.0, 0.5, 0.25]
"""

from __future__ import annotations

from bisect import bisect_right

from ..optimizer import Optimizer
from . import schedules as _base
from .onecycle import ReduceLROnPlateau


def _check_schedulers(kind: str, schedulers, optimizer: Optimizer) -> None:
    """PyTorch's checks: at least one scheduler, none a ReduceLROnPlateau (for SequentialLR),
    all of them on ``optimizer``."""
    if len(schedulers) < 1:
        raise ValueError(f"{kind} expects at least one scheduler, but got no scheduler.")
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{kind} at index {i} should have `optimizer` as its attribute.")
        if isinstance(scheduler, ReduceLROnPlateau) and kind == "SequentialLR":
            raise ValueError(
                f"{kind} does not support `ReduceLROnPlateau` scheduler as it requires "
                "additional kwargs to be specified when calling `step`, but got one at "
                f"index {i} in the given schedulers sequence."
            )
        if scheduler.optimizer is not optimizer:
            raise ValueError(
                f"{kind} expects all schedulers to belong to the same optimizer, but got "
                f"scheduler {type(scheduler).__name__} at index {i} has {scheduler.optimizer}, "
                f"which is different from {type(optimizer).__name__}."
            )


class _Composite(_base.LRScheduler):
    """What SequentialLR and ChainedScheduler share: the state dict nests the schedulers'."""

    _schedulers: list  # each subclass's constructor sets it

    def state_dict(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        state_dict = dict(state_dict)
        nested = state_dict.pop("_schedulers")
        self.__dict__.update(state_dict)
        for scheduler, saved in zip(self._schedulers, nested, strict=False):
            scheduler.load_state_dict(saved)


class SequentialLR(_Composite):
    """Run ``schedulers[0]`` until ``milestones[0]``, then ``schedulers[1]`` (restarted from its
    epoch 0), and so on.

    Args:
        optimizer: the optimizer all the schedulers drive.
        schedulers: the schedulers, in order.
        milestones: the epochs at which to switch (one fewer than the schedulers).
        last_epoch: as in ``LRScheduler``.

    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    >>> first = torch.optim.lr_scheduler.ConstantLR(opt, factor=0.1, total_iters=2)
    >>> then = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    >>> scheduler = torch.optim.lr_scheduler.SequentialLR(opt, [first, then], milestones=[2])
    >>> lrs = [scheduler.get_last_lr()[0]]
    >>> for epoch in range(3):
    ...     opt.step()
    ...     scheduler.step()
    ...     lrs.append(round(scheduler.get_last_lr()[0], 4))
    >>> lrs
    [0.1, 0.1, 1.0, 0.9]
    """

    def __init__(self, optimizer: Optimizer, schedulers, milestones, last_epoch: int = -1) -> None:
        _check_schedulers("SequentialLR", schedulers, optimizer)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more "
                f"than the number of milestone points, but got number of schedulers "
                f"{len(schedulers)} and the number of milestones to be equal to "
                f"{len(milestones)}"
            )
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        # the schedulers each took their first step when built: undo them, then redo the
        # first scheduler's alone
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:
            scheduler.last_epoch -= 1
        first = self._schedulers[0]
        first._step_count = 0
        first._is_initial = True
        first.step()
        first._is_initial = False
        self._last_lr = first.get_last_lr()

    def step(self) -> None:  # type: ignore[override]
        """Advance one epoch with the scheduler whose turn it is (restarting a scheduler at
        its milestone).

        >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
        >>> s = torch.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)
        >>> scheduler = torch.optim.lr_scheduler.SequentialLR(opt, [s], milestones=[])
        >>> scheduler.step()
        >>> scheduler.get_last_lr()
        [0.5]
        """
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_Composite):
    """Step every scheduler in ``schedulers`` on each ``step()``, so their effects compose.

    Args:
        schedulers: the schedulers (all on one optimizer).
        optimizer: that optimizer (default: the first scheduler's).

    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    >>> a = torch.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2)
    >>> b = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    >>> scheduler = torch.optim.lr_scheduler.ChainedScheduler([a, b])
    >>> lrs = [scheduler.get_last_lr()[0]]
    >>> for epoch in range(3):
    ...     opt.step()
    ...     scheduler.step()
    ...     lrs.append(round(scheduler.get_last_lr()[0], 4))
    >>> lrs
    [0.5, 0.45, 0.81, 0.729]
    """

    def __init__(self, schedulers, optimizer: Optimizer | None = None) -> None:
        if len(schedulers) < 1:
            raise ValueError(
                "ChainedScheduler expects at least one scheduler to be chained, "
                "but got no scheduler."
            )
        optimizer = optimizer or schedulers[0].optimizer
        _check_schedulers("ChainedScheduler", schedulers, optimizer)
        self._schedulers = list(schedulers)
        self.optimizer = optimizer
        self._last_lr = self._group_lrs()

    def step(self) -> None:  # type: ignore[override]
        """Step each scheduler in turn.

        >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
        >>> s = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> scheduler = torch.optim.lr_scheduler.ChainedScheduler([s])
        >>> scheduler.step()
        >>> scheduler.get_last_lr()
        [0.5]
        """
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._group_lrs()
