"""Learning-rate schedulers, as ``torch.optim.lr_scheduler``: the base class and the
closed-form schedules (``schedules``), the multiplicative and linear factors (``factors``),
the cyclic ones (``cyclic``), one-cycle and plateau (``onecycle``), and the schedulers made of
other schedulers (``compose``).

>>> import graphgrad as torch
>>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=1.0)
>>> sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
>>> [sched.step() or sched.get_last_lr()[0] for _ in range(4)]
[1.0, 0.5, 0.5, 0.25]
"""

from ..optimizer import Optimizer  # noqa: F401 - torch.optim.lr_scheduler has it too
from .compose import ChainedScheduler, SequentialLR
from .cyclic import CosineAnnealingWarmRestarts, CyclicLR
from .factors import ConstantLR, LinearLR, MultiplicativeLR, PolynomialLR
from .onecycle import OneCycleLR, ReduceLROnPlateau
from .schedules import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LRScheduler,
    MultiStepLR,
    StepLR,
    _LRScheduler,  # noqa: F401 - the old name, which torch still exports
)

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]
