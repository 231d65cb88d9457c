"""``get_worker_info``: which DataLoader worker is running. graphgrad loads data in the calling
process (``num_workers`` is accepted and ignored), so there is never a worker.

>>> from graphgrad.utils.data import get_worker_info
>>> get_worker_info() is None
True
"""

from __future__ import annotations

__all__ = ["get_worker_info"]


def get_worker_info() -> None:
    """Information about the current DataLoader worker process (its id, the number of workers,
    its seed and dataset copy), or ``None`` in the main process, which is where graphgrad
    always loads data. An ``IterableDataset`` that splits its work by worker sees ``None`` and
    yields everything, as under PyTorch with ``num_workers=0``.

    >>> from graphgrad.utils.data import get_worker_info
    >>> print(get_worker_info())
    None
    """
    return None
