"""``utils.data._utils``: the collate functions (``collate``) and the worker information
(``worker.get_worker_info``), where PyTorch keeps them.

>>> import graphgrad as torch
>>> from graphgrad.utils.data._utils import collate
>>> collate.default_collate([1, 2])
tensor([1, 2])
"""

from __future__ import annotations

from . import collate, worker

__all__ = ["collate", "worker"]
