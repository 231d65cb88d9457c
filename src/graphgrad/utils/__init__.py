"""``graphgrad.utils``: ``data`` (Dataset, DataLoader) and, when present, ``checkpoint``.

>>> import graphgrad as torch
>>> torch.utils.data.DataLoader
<class 'graphgrad.utils.data.dataloader.DataLoader'>
"""

from __future__ import annotations

import importlib

from . import data

try:  # written by another unit; optional here
    checkpoint = importlib.import_module(".checkpoint", __name__)
except ModuleNotFoundError:  # pragma: no cover - only while it is being written
    pass

__all__ = ["data"]
