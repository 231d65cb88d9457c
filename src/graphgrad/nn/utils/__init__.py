"""``nn.utils``: gradient clipping and ``rnn`` (padded and packed sequences).

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.ones(4))
>>> (w * 3).sum().backward()
>>> float(torch.nn.utils.clip_grad_norm_([w], 1.0))
6.0
"""

from __future__ import annotations

from . import rnn
from .clip_grad import clip_grad_norm_, clip_grad_value_

__all__ = ["clip_grad_norm_", "clip_grad_value_", "rnn"]
