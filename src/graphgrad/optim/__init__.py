"""``graphgrad.optim``: SGD, Adam, AdamW, RMSprop, Adagrad and ``lr_scheduler``.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([1.0]))
>>> opt = torch.optim.SGD([w], lr=0.5)
>>> (w * w).sum().backward(); opt.step(); opt.zero_grad()
>>> w.grad is None, w.item()
(True, 0.0)
"""

from __future__ import annotations

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "LBFGS", "Optimizer", "RMSprop", "lr_scheduler"]
