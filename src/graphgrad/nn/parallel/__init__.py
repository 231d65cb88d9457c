"""``graphgrad.nn.parallel``: ``DistributedDataParallel`` (on graphgrad.distributed).

>>> from graphgrad.nn.parallel import DistributedDataParallel
>>> DistributedDataParallel.__name__
'DistributedDataParallel'
"""

from __future__ import annotations

from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
