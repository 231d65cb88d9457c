"""``graphgrad.utils``: ``data`` (Dataset, DataLoader), ``checkpoint`` and ``benchmark``.

>>> import graphgrad as torch
>>> torch.utils.data.DataLoader
<class 'graphgrad.utils.data.dataloader.DataLoader'>
"""

from __future__ import annotations

from . import benchmark, checkpoint, data

__all__ = ["benchmark", "checkpoint", "data"]
