"""``graphgrad.nn.parallel``: ``DistributedDataParallel`` (on graphgrad.distributed) and
``DataParallel`` (PyTorch's CPU build's: it runs the module).

>>> from graphgrad.nn.parallel import DistributedDataParallel
>>> DistributedDataParallel.__name__
'DistributedDataParallel'
"""

from __future__ import annotations

from .data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel"]
