"""``optim.swa_utils``: Stochastic Weight Averaging and exponential moving averages of a model's
weights (``AveragedModel``), the SWA learning-rate schedule (``SWALR``) and ``update_bn``.

>>> import graphgrad as torch
>>> model = torch.nn.Linear(2, 1)
>>> swa = torch.optim.swa_utils.AveragedModel(model)
>>> with torch.no_grad():
...     _ = model.weight.fill_(1.0)
>>> swa.update_parameters(model)
>>> with torch.no_grad():
...     _ = model.weight.fill_(3.0)
>>> swa.update_parameters(model)
>>> swa.module.weight
Parameter containing:
tensor([[2., 2.]], requires_grad=True)
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Iterable

from ..autograd.grad_mode import no_grad
from ..creation import tensor
from ..dtypes import int64
from ..nn.module import Module
from ..nn.norm import _BatchNorm, _InstanceNorm
from ..tensor import Tensor
from .lr_scheduler.schedules import LRScheduler
from .optimizer import Optimizer

__all__ = [
    "SWALR",
    "AveragedModel",
    "get_ema_avg_fn",
    "get_ema_multi_avg_fn",
    "get_swa_avg_fn",
    "get_swa_multi_avg_fn",
    "update_bn",
]


def _is_float(t: Tensor) -> bool:
    return t.dtype.is_floating_point or t.dtype.is_complex


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable:
    """An in-place exponential moving average over lists of tensors, for ``AveragedModel``'s
    ``multi_avg_fn``: each average moves ``1 - decay`` of the way to the current value.

    Args:
        decay: the weight of the running average.

    >>> avg, cur = [torch.zeros(2)], [torch.ones(2)]
    >>> torch.optim.swa_utils.get_ema_multi_avg_fn(0.75)(avg, cur, 1)
    >>> avg
    [tensor([0.2500, 0.2500])]
    """

    def ema_update(averaged: list, current: list, num_averaged) -> None:
        with no_grad():
            for avg, cur in zip(averaged, current, strict=True):
                if _is_float(avg):
                    avg.lerp_(cur, 1 - decay)
                else:  # lerp takes floating tensors only
                    avg.copy_(avg * decay + cur * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn() -> Callable:
    """An in-place running mean over lists of tensors, for ``AveragedModel``'s
    ``multi_avg_fn``: ``avg += (current - avg) / (num_averaged + 1)``.

    >>> avg, cur = [torch.zeros(2)], [torch.ones(2)]
    >>> torch.optim.swa_utils.get_swa_multi_avg_fn()(avg, cur, torch.tensor(3))
    >>> avg
    [tensor([0.2500, 0.2500])]
    """

    def swa_update(averaged: list, current: list, num_averaged) -> None:
        with no_grad():
            for avg, cur in zip(averaged, current, strict=True):
                if _is_float(avg):
                    avg.lerp_(cur, 1 / (num_averaged + 1))
                elif isinstance(num_averaged, Tensor):
                    avg.addcdiv_(cur - avg, num_averaged + 1)
                else:
                    avg.add_(cur - avg, alpha=1.0 / (num_averaged + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> Callable:
    """The exponential moving average of one tensor, for ``AveragedModel``'s ``avg_fn``:
    ``decay * averaged + (1 - decay) * current``.

    Args:
        decay: the weight of the running average.

    >>> torch.optim.swa_utils.get_ema_avg_fn(0.5)(torch.zeros(2), torch.ones(2), 1)
    tensor([0.5000, 0.5000])
    """

    def ema_update(averaged: Tensor, current: Tensor, num_averaged) -> Tensor:
        return decay * averaged + (1 - decay) * current

    return ema_update


def get_swa_avg_fn() -> Callable:
    """The running mean of one tensor, for ``AveragedModel``'s ``avg_fn``:
    ``averaged + (current - averaged) / (num_averaged + 1)``.

    >>> torch.optim.swa_utils.get_swa_avg_fn()(torch.zeros(2), torch.ones(2), 1)
    tensor([0.5000, 0.5000])
    """

    def swa_update(averaged: Tensor, current: Tensor, num_averaged) -> Tensor:
        return averaged + (current - averaged) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of ``model`` whose parameters are the running average (SWA by default, or
    ``avg_fn``/``multi_avg_fn``) of ``model``'s over the calls of ``update_parameters``.
    Calling it runs the averaged copy.

    Args:
        model: the model to average (deep-copied).
        device: where to keep the copy (``"cpu"`` is the only device).
        avg_fn: ``avg_fn(averaged, current, num_averaged)`` returns the new average of one
            tensor.
        multi_avg_fn: ``multi_avg_fn(averaged_list, current_list, num_averaged)`` updates lists
            of tensors in place (it takes precedence over ``avg_fn``).
        use_buffers: average the buffers too (else they are copied from ``model``).

    >>> ema = torch.optim.swa_utils.AveragedModel(
    ...     torch.nn.Linear(2, 1), multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(0.9))
    >>> ema
    AveragedModel(
      (module): Linear(in_features=2, out_features=1, bias=True)
    )
    >>> ema.n_averaged
    tensor(0)
    """

    def __init__(
        self,
        model: Module,
        device=None,
        avg_fn: Callable | None = None,
        multi_avg_fn: Callable | None = None,
        use_buffers: bool = False,
    ) -> None:
        super().__init__()
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=int64))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        """Run the averaged copy of the model.

        >>> swa = torch.optim.swa_utils.AveragedModel(torch.nn.Identity())
        >>> swa(torch.ones(1))
        tensor([1.])
        """
        return self.module(*args, **kwargs)

    def _tensors(self, model: Module) -> Iterable[Tensor]:
        if self.use_buffers:
            return itertools.chain(model.parameters(), model.buffers())
        return model.parameters()

    def update_parameters(self, model: Module) -> None:
        """Fold ``model``'s current parameters (and buffers with ``use_buffers``) into the
        averages: the first call copies them.

        Args:
            model: the model being trained (with the same structure as the averaged one).

        >>> model = torch.nn.Linear(1, 1)
        >>> swa = torch.optim.swa_utils.AveragedModel(model)
        >>> swa.update_parameters(model)
        >>> swa.n_averaged
        tensor(1)
        """
        pairs = [
            (averaged.detach(), current.detach())
            for averaged, current in zip(self._tensors(self.module), self._tensors(model))
        ]
        with no_grad():
            if int(self.n_averaged) == 0:
                for averaged, current in pairs:
                    averaged.copy_(current)
            else:
                self._average(pairs)
            if not self.use_buffers:  # the buffers follow the model's
                for mine, theirs in zip(self.module.buffers(), model.buffers()):
                    mine.detach().copy_(theirs.detach())
            self.n_averaged += 1

    def _average(self, pairs: list) -> None:
        if self.multi_avg_fn is None and self.avg_fn is not None:
            for averaged, current in pairs:
                averaged.copy_(self.avg_fn(averaged, current, self.n_averaged))
            return
        # Grouped by dtype, as multi_avg_fn takes tensors of one dtype at a time.
        groups: dict = {}
        for averaged, current in pairs:
            group = groups.setdefault(averaged.dtype, ([], []))
            group[0].append(averaged)
            group[1].append(current)
        for averaged_list, current_list in groups.values():
            if self.multi_avg_fn is not None:
                self.multi_avg_fn(averaged_list, current_list, self.n_averaged)
            else:
                avg_fn = get_swa_avg_fn()
                for averaged, current in zip(averaged_list, current_list, strict=True):
                    averaged.copy_(avg_fn(averaged, current, self.n_averaged))


def update_bn(loader: Iterable, model: Module, device=None) -> None:
    """Recompute the running statistics of ``model``'s BatchNorm layers with one pass over
    ``loader`` (a cumulative average over its batches), e.g. for an ``AveragedModel``.

    Args:
        loader: the batches (a batch that is a list or tuple contributes its first element).
        model: the model whose BatchNorm statistics to recompute.
        device: where to move each input first.

    >>> model = torch.nn.BatchNorm1d(1)
    >>> torch.optim.swa_utils.update_bn([torch.tensor([[1.0], [3.0]])], model)
    >>> model.running_mean
    tensor([2.])
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm) and not isinstance(module, _InstanceNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    for batch in loader:
        if isinstance(batch, (list, tuple)):
            batch = batch[0]
        if device is not None:
            batch = batch.to(device)
        model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


def _anneal_cos(t: float) -> float:
    return (1 - math.cos(math.pi * t)) / 2


def _anneal_linear(t: float) -> float:
    return t


class SWALR(LRScheduler):
    """Anneal each group's learning rate to ``swa_lr`` over ``anneal_epochs`` epochs (cosine or
    linear), then hold it there: the schedule used while averaging weights.

    Args:
        optimizer: the optimizer.
        swa_lr: the target learning rate, or one per parameter group.
        anneal_epochs: the number of epochs of the annealing (0: jump at once).
        anneal_strategy: ``"cos"`` or ``"linear"``.
        last_epoch: the index of the last epoch when resuming.

    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.5)
    >>> sched = torch.optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=2,
    ...                                     anneal_strategy="linear")
    >>> for _ in range(3):
    ...     opt.step(); sched.step(); print(round(sched.get_last_lr()[0], 4))
    0.275
    0.05
    0.05
    """

    def __init__(
        self,
        optimizer: Optimizer,
        swa_lr: float,
        anneal_epochs=10,
        anneal_strategy: str = "cos",
        last_epoch=-1,
    ) -> None:
        lrs = _per_group("swa_lr", optimizer, swa_lr)
        for lr, group in zip(lrs, optimizer.param_groups, strict=True):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self.anneal_func = _anneal_cos if anneal_strategy == "cos" else _anneal_linear
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _lr_before(lr: float, swa_lr: float, alpha: float) -> float:
        """The learning rate that, annealed by ``alpha`` towards ``swa_lr``, gives ``lr``."""
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def _fraction(self, step: int) -> float:
        return max(0, min(1, step / max(1, self.anneal_epochs)))

    def get_lr(self) -> list[float]:
        """The learning rates of this epoch: each group's ``lr`` moved towards ``swa_lr`` by the
        annealing's progress.

        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.5)
        >>> torch.optim.swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=0).get_lr()
        [0.1]
        """
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(self._fraction(step - 1))
        alpha = self.anneal_func(self._fraction(step))
        groups = self.optimizer.param_groups
        return [
            g["swa_lr"] * alpha + self._lr_before(g["lr"], g["swa_lr"], prev_alpha) * (1 - alpha)
            for g in groups
        ]


def _per_group(name: str, optimizer: Optimizer, value) -> list:
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. {name} has "
                f"{len(value)} values, param_groups has {len(optimizer.param_groups)}."
            )
        return list(value)
    return [value] * len(optimizer.param_groups)
