"""Collectives on picklable Python objects (as torch's, which pickle to byte tensors): the bytes
travel through the same timed MPI operations as tensors do.

Like torch's, these unpickle what other ranks send: use them only between trusted ranks.

>>> import graphgrad.distributed as dist
>>> dist.all_gather_object([None], {"a": 1})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: Default process group has not been initialized, ...
"""

from __future__ import annotations

import pickle

import numpy as np

from ._group import ProcessGroup, resolve
from ._mpi import mpi
from ._work import check_usable, wait_all


def _member(group) -> ProcessGroup | None:
    pg = resolve(group)
    if not pg.is_member():
        return None
    check_usable(pg)
    return pg


def _pickled(obj) -> np.ndarray:
    return np.frombuffer(pickle.dumps(obj), dtype=np.uint8)


def _gathered_bytes(pg: ProcessGroup, data: np.ndarray) -> list[bytes]:
    """Every rank's bytes, in rank order."""
    sizes = np.empty(pg.size(), dtype=np.int64)
    wait_all([pg.comm.Iallgather(np.array([data.size], np.int64), sizes)], pg, "all_gather_object")
    flat = np.empty(int(sizes.sum()), dtype=np.uint8)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    MPI = mpi()
    req = pg.comm.Iallgatherv(data, [flat, sizes, offsets, MPI.BYTE])
    wait_all([req], pg, "all_gather_object")
    return [flat[o : o + n].tobytes() for o, n in zip(offsets, sizes)]


def all_gather_object(object_list: list, obj, group=None) -> None:
    """Every rank's ``obj`` into ``object_list`` (of length world size), in rank order.

    >>> import graphgrad.distributed as dist
    >>> out = [None, None]; dist.all_gather_object(out, {"rank": 0})  # doctest: +SKIP
    """
    pg = _member(group)
    if pg is None:
        return
    if len(object_list) != pg.size():
        raise ValueError(
            f"Argument ``object_list`` must have length {pg.size()} (the world size), "
            f"got {len(object_list)}"
        )
    for i, raw in enumerate(_gathered_bytes(pg, _pickled(obj))):
        object_list[i] = pickle.loads(raw)


def gather_object(obj, object_gather_list=None, dst: int = 0, group=None) -> None:
    """Every rank's ``obj`` into ``object_gather_list`` on global rank ``dst``.

    >>> import graphgrad.distributed as dist
    >>> dist.gather_object({"x": 1}, None, dst=1)  # doctest: +SKIP
    """
    pg = _member(group)
    if pg is None:
        return
    is_root = pg.ranks[pg.rank()] == dst
    if is_root and object_gather_list is None:
        raise ValueError("Argument ``object_gather_list`` must be specified on destination rank.")
    if not is_root and object_gather_list:
        raise ValueError(
            "Argument ``object_gather_list`` must NOT be specified on non-destination ranks."
        )
    gathered = _gathered_bytes(pg, _pickled(obj))
    if is_root:
        for i, raw in enumerate(gathered):
            object_gather_list[i] = pickle.loads(raw)


def broadcast_object_list(object_list: list, src: int = 0, group=None, device=None) -> None:
    """Replace ``object_list``'s items, on every rank, by global rank ``src``'s.

    >>> import graphgrad.distributed as dist
    >>> items = [1, "two"]; dist.broadcast_object_list(items, src=0)  # doctest: +SKIP
    """
    pg = _member(group)
    if pg is None:
        return
    root = pg.get_group_rank(src)
    mine = pg.rank() == root
    data = _pickled(list(object_list)) if mine else None
    size = np.array([data.size if data is not None else 0], dtype=np.int64)
    wait_all([pg.comm.Ibcast(size, root)], pg, "broadcast_object_list")
    buf = data.copy() if data is not None else np.empty(int(size[0]), dtype=np.uint8)
    wait_all([pg.comm.Ibcast(buf, root)], pg, "broadcast_object_list")
    if not mine:
        received = pickle.loads(buf.tobytes())
        if len(received) != len(object_list):
            raise ValueError(
                f"broadcast_object_list: rank {src} sent {len(received)} objects, this rank's "
                f"list has {len(object_list)}"
            )
        object_list[:] = received
