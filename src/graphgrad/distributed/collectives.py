"""Tensor collectives and point-to-point messages, in place, as torch.distributed has them.

Each call checks its arguments, checks (with one small all-reduce) that every rank runs the same
collective on the same shape and dtype, then starts the MPI operation non-blocking and waits
under the group's timeout (``async_op=True``: returns a ``Work`` to ``wait()`` on instead).
Contiguous tensors are reduced in their own memory; others through a contiguous copy.

>>> import graphgrad as torch, graphgrad.distributed as dist
>>> dist.all_reduce(torch.ones(2))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: Default process group has not been initialized, ...
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from ..tensor import Tensor
from ._fingerprint import start_check
from ._group import ProcessGroup, resolve
from ._mpi import mpi
from ._reduce_op import RedOpType, ReduceOp, check_op, mpi_op
from ._work import Work, check_usable


class _Buffer:
    """A tensor's data as a flat contiguous array MPI can write, and the copy back if needed."""

    __slots__ = ("tensor", "copied", "array")

    def __init__(self, tensor: Tensor) -> None:
        data = tensor._data
        flags = data.flags
        self.tensor = tensor
        self.copied = not (flags.c_contiguous and flags.writeable)
        self.array = (np.ascontiguousarray(data) if self.copied else data).reshape(-1)

    def store(self) -> None:
        t = self.tensor
        if self.copied:
            t._data[...] = self.array.reshape(t._data.shape)
        t._version_counter.bump()  # an in-place write, as torch counts it

    def store_average(self, size: int) -> None:
        """``store`` after dividing by ``size`` (AVG: MPI summed)."""
        np.divide(self.array, size, out=self.array, casting="unsafe")
        self.store()

    def finisher(self, op, size: int):
        """What to run when a reduction with ``op`` over ``size`` ranks has completed."""
        return partial(self.store_average, size) if op is RedOpType.AVG else self.store


def _check_tensor(t, name: str = "tensor") -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(
            f"Invalid function argument. Expected parameter `{name}` of type torch.Tensor\n"
            f"             but got {type(t)} instead."
        )
    return t


def _shape(t: Tensor) -> str:
    return "(" + ", ".join(str(d) for d in t.shape) + ")"


def _group(group: ProcessGroup | None) -> ProcessGroup | None:
    """The group to use, or None on a rank outside it (torch then does nothing)."""
    pg = resolve(group)
    if not pg.is_member():
        return None
    check_usable(pg)
    return pg


def _root(pg: ProcessGroup, rank: int, what: str) -> int:
    if not isinstance(rank, int) or rank not in pg.ranks:
        raise RuntimeError(f"ProcessGroupMPI::{what}: invalid root rank: {rank}")
    return pg.get_group_rank(rank)


def _finish(work: Work, async_op: bool):
    if async_op:
        return work
    work.wait()
    return None


def all_reduce(tensor: Tensor, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Combine ``tensor`` across the ranks of ``group`` with ``op``; every rank gets the result.

    Parameters: ``tensor`` (overwritten in place), ``op`` a ReduceOp (SUM, AVG, PRODUCT, MIN,
    MAX, BAND, BOR, BXOR), ``group`` (default group if None), ``async_op`` return a Work.

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> t = torch.ones(2); dist.all_reduce(t); t  # doctest: +SKIP
    tensor([2., 2.])
    """
    _check_tensor(tensor)
    pg = _group(group)
    if pg is None:
        return None
    check_op(op, tensor.dtype)
    check = start_check(pg, "ALLREDUCE", tensor, op=op)
    buf = _Buffer(tensor)  # the tensor's own memory when it is contiguous: no copy
    is_bool = buf.array.dtype == np.bool_
    req = pg.comm.Iallreduce(mpi().IN_PLACE, buf.array, mpi_op(op, is_bool))
    return _finish(
        Work([req], pg, "all_reduce", buf.finisher(op, pg.size()), [tensor], check=check), async_op
    )


def broadcast(tensor: Tensor, src: int = 0, group=None, async_op: bool = False):
    """Copy ``tensor`` from global rank ``src`` to every rank of ``group``, in place.

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> t = torch.ones(2); dist.broadcast(t, src=0)  # doctest: +SKIP
    """
    _check_tensor(tensor)
    pg = _group(group)
    if pg is None:
        return None
    root = _root(pg, src, "broadcast")
    check = start_check(pg, "BROADCAST", tensor, root=src)
    buf = _Buffer(tensor)
    req = pg.comm.Ibcast(buf.array, root)
    return _finish(Work([req], pg, "broadcast", buf.store, [tensor], check=check), async_op)


def reduce(tensor: Tensor, dst: int = 0, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Combine ``tensor`` across ranks into global rank ``dst``'s copy (others keep theirs).

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> t = torch.ones(2); dist.reduce(t, dst=0)  # doctest: +SKIP
    """
    _check_tensor(tensor)
    pg = _group(group)
    if pg is None:
        return None
    check_op(op, tensor.dtype, "reduce")
    root = _root(pg, dst, "reduce")
    check = start_check(pg, "REDUCE", tensor, op=op, root=dst)
    buf = _Buffer(tensor)
    mop = mpi_op(op, tensor.dtype.np == np.bool_)
    finish: Callable[[], None] | None
    if pg.rank() == root:
        req = pg.comm.Ireduce(mpi().IN_PLACE, buf.array, mop, root)
        finish = buf.finisher(op, pg.size())
    else:
        req, finish = pg.comm.Ireduce(buf.array, None, mop, root), None
    return _finish(Work([req], pg, "reduce", finish, [tensor], check=check), async_op)


def _check_list(tensors, tensor: Tensor, pg: ProcessGroup, what: str) -> None:
    if not isinstance(tensors, (list, tuple)) or len(tensors) != pg.size():
        got = len(tensors) if isinstance(tensors, (list, tuple)) else type(tensors).__name__
        raise RuntimeError(
            f"ProcessGroupMPI::{what}: invalid output tensor list at index 0 (expected length "
            f"{pg.size()}, got {got})"
        )
    for i, t in enumerate(tensors):
        _check_tensor(t, "tensor_list")
        if t.shape != tensor.shape:
            raise RuntimeError(
                f"ProcessGroupMPI::{what}: invalid tensor size at index {i} (expected "
                f"{_shape(tensor)}, got {_shape(t)})"
            )
        if t.dtype is not tensor.dtype:
            raise RuntimeError(
                f"ProcessGroupMPI::{what}: invalid tensor type at index {i} (expected "
                f"{tensor.dtype}, got {t.dtype})"
            )


def _scatter_into(tensors, flat: np.ndarray) -> None:
    """Copy consecutive equal slices of ``flat`` into ``tensors``."""
    for t, part in zip(tensors, np.split(flat, len(tensors))):
        t._data[...] = part.reshape(t._data.shape)
        t._version_counter.bump()


def all_gather(tensor_list: list, tensor: Tensor, group=None, async_op: bool = False):
    """Every rank's ``tensor``, in rank order, into each rank's ``tensor_list``.

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> out = [torch.zeros(1) for _ in range(2)]
    >>> dist.all_gather(out, torch.ones(1))  # doctest: +SKIP
    """
    _check_tensor(tensor)
    pg = _group(group)
    if pg is None:
        return None
    _check_list(tensor_list, tensor, pg, "allgather")
    check = start_check(pg, "ALLGATHER", tensor)
    send = np.ascontiguousarray(tensor._data).reshape(-1)
    flat = np.empty(send.size * pg.size(), dtype=send.dtype)
    req = pg.comm.Iallgather(send, flat)
    finish = lambda: _scatter_into(tensor_list, flat)
    return _finish(Work([req], pg, "all_gather", finish, tensor_list, check=check), async_op)


def _check_multiple(big: Tensor, small: Tensor, pg: ProcessGroup, what: str) -> None:
    if big.numel() != small.numel() * pg.size() or big.dtype is not small.dtype:
        raise RuntimeError(
            f"ProcessGroupMPI::{what}: the larger tensor must hold world_size ({pg.size()}) "
            f"times the other's elements, of the same dtype: got {_shape(big)} {big.dtype} "
            f"for {_shape(small)} {small.dtype}"
        )


def all_gather_into_tensor(output_tensor: Tensor, input_tensor: Tensor, group=None,
                           async_op: bool = False):  # fmt: skip
    """Every rank's ``input_tensor`` concatenated (in rank order) into ``output_tensor``.

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> dist.all_gather_into_tensor(torch.zeros(4), torch.ones(2))  # doctest: +SKIP
    """
    _check_tensor(output_tensor, "output_tensor")
    _check_tensor(input_tensor, "input_tensor")
    pg = _group(group)
    if pg is None:
        return None
    _check_multiple(output_tensor, input_tensor, pg, "all_gather_into_tensor")
    check = start_check(pg, "ALLGATHER_INTO_TENSOR", input_tensor)
    out = _Buffer(output_tensor)
    req = pg.comm.Iallgather(np.ascontiguousarray(input_tensor._data).reshape(-1), out.array)
    return _finish(
        Work([req], pg, "all_gather_into_tensor", out.store, [output_tensor], check=check), async_op
    )


def _reduce_scatter_flat(out: _Buffer, flat: np.ndarray, op, pg: ProcessGroup, what: str, check):
    req = pg.comm.Ireduce_scatter_block(flat, out.array, mpi_op(op, flat.dtype == np.bool_))
    return Work([req], pg, what, out.finisher(op, pg.size()), [out.tensor], check=check)


def reduce_scatter(output: Tensor, input_list: list, op=ReduceOp.SUM, group=None,
                   async_op: bool = False):  # fmt: skip
    """Combine ``input_list[i]`` across ranks with ``op`` into rank i's ``output``.

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> dist.reduce_scatter(torch.zeros(1), [torch.ones(1)] * 2)  # doctest: +SKIP
    """
    _check_tensor(output, "output")
    pg = _group(group)
    if pg is None:
        return None
    check_op(op, output.dtype, "reduce_scatter")
    _check_list(input_list, output, pg, "reduce_scatter")
    check = start_check(pg, "REDUCE_SCATTER", output, op=op)
    flat = np.concatenate([np.ascontiguousarray(t._data).reshape(-1) for t in input_list])
    work = _reduce_scatter_flat(_Buffer(output), flat, op, pg, "reduce_scatter", check)
    return _finish(work, async_op)


def reduce_scatter_tensor(output: Tensor, input: Tensor, op=ReduceOp.SUM, group=None,
                          async_op: bool = False):  # fmt: skip
    """Combine ``input`` across ranks with ``op``; rank i keeps the i-th equal chunk.

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> dist.reduce_scatter_tensor(torch.zeros(2), torch.ones(4))  # doctest: +SKIP
    """
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    pg = _group(group)
    if pg is None:
        return None
    check_op(op, output.dtype, "reduce_scatter_tensor")
    _check_multiple(input, output, pg, "reduce_scatter_tensor")
    check = start_check(pg, "REDUCE_SCATTER_TENSOR", output, op=op)
    flat = np.ascontiguousarray(input._data).reshape(-1)
    work = _reduce_scatter_flat(_Buffer(output), flat, op, pg, "reduce_scatter_tensor", check)
    return _finish(work, async_op)


def _root_list(tensors, is_root: bool, name: str, role: str) -> None:
    if is_root and tensors is None:
        raise ValueError(f"Argument ``{name}`` must be specified on {role} rank.")
    if not is_root and tensors:
        raise ValueError(f"Argument ``{name}`` must NOT be specified on non-{role} ranks.")


def gather(tensor: Tensor, gather_list=None, dst: int = 0, group=None, async_op: bool = False):
    """Every rank's ``tensor`` into ``gather_list`` on global rank ``dst`` (None elsewhere).

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> dist.gather(torch.ones(1), None, dst=1)  # doctest: +SKIP
    """
    _check_tensor(tensor)
    pg = _group(group)
    if pg is None:
        return None
    root = _root(pg, dst, "gather")
    is_root = pg.rank() == root
    _root_list(gather_list, is_root, "gather_list", "destination")
    if is_root:
        _check_list(gather_list, tensor, pg, "gather")
    check = start_check(pg, "GATHER", tensor, root=dst)
    send = np.ascontiguousarray(tensor._data).reshape(-1)
    flat = np.empty(send.size * pg.size(), dtype=send.dtype) if is_root else None
    req = pg.comm.Igather(send, flat, root)
    finish = (lambda: _scatter_into(gather_list, flat)) if flat is not None else None
    return _finish(Work([req], pg, "gather", finish, gather_list or [], check=check), async_op)


def scatter(tensor: Tensor, scatter_list=None, src: int = 0, group=None, async_op: bool = False):
    """``scatter_list[i]`` on global rank ``src`` into rank i's ``tensor``.

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> dist.scatter(torch.zeros(1), None, src=1)  # doctest: +SKIP
    """
    _check_tensor(tensor)
    pg = _group(group)
    if pg is None:
        return None
    root = _root(pg, src, "scatter")
    is_root = pg.rank() == root
    _root_list(scatter_list, is_root, "scatter_list", "source")
    if is_root:
        _check_list(scatter_list, tensor, pg, "scatter")
    check = start_check(pg, "SCATTER", tensor, root=src)
    flat = None
    if is_root:
        flat = np.concatenate([np.ascontiguousarray(t._data).reshape(-1) for t in scatter_list])
    out = _Buffer(tensor)
    req = pg.comm.Iscatter(flat, out.array, root)
    return _finish(Work([req], pg, "scatter", out.store, [tensor], check=check), async_op)


def barrier(group=None, async_op: bool = False, device_ids=None):
    """Wait until every rank of ``group`` reaches it.

    >>> import graphgrad.distributed as dist
    >>> dist.barrier()  # doctest: +SKIP
    """
    pg = _group(group)
    if pg is None:
        return None
    return _finish(Work([pg.comm.Ibarrier()], pg, "barrier"), async_op)


def _peer(pg: ProcessGroup, rank: int, role: str) -> int:
    if rank == pg.ranks[pg.rank()]:
        raise ValueError(
            f"Invalid {role} rank: {role} rank should not be the same as the rank of the "
            "current process."
        )
    if rank not in pg.ranks:
        raise ValueError(f"Invalid {role} rank: {rank} is not in the group")
    return pg.get_group_rank(rank)


def isend(tensor: Tensor, dst: int, group=None, tag: int = 0) -> Work | None:
    """Start sending ``tensor`` to global rank ``dst``; returns a Work to ``wait()`` on.

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> dist.isend(torch.ones(2), dst=1).wait()  # doctest: +SKIP
    True
    """
    _check_tensor(tensor)
    pg = _group(group)
    if pg is None:
        return None
    peer = _peer(pg, dst, "destination")
    data = np.ascontiguousarray(tensor._data).reshape(-1)
    return Work([pg.comm.Isend(data, peer, tag)], pg, "send", result=[tensor])


def irecv(tensor: Tensor, src: int | None = None, group=None, tag: int = 0) -> Work | None:
    """Start receiving into ``tensor`` from global rank ``src`` (any rank if None).

    The message must have exactly ``tensor``'s number of elements (RuntimeError otherwise).

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> dist.irecv(torch.zeros(2), src=0).wait()  # doctest: +SKIP
    True
    """
    _check_tensor(tensor)
    pg = _group(group)
    if pg is None:
        return None
    MPI = mpi()
    peer = MPI.ANY_SOURCE if src is None else _peer(pg, src, "source")
    buf = _Buffer(tensor)
    # a buffer one element longer: a longer message then shows as a wrong count, not MPI's abort
    space = np.empty(buf.array.size + 1, dtype=buf.array.dtype)
    status = MPI.Status()
    req = pg.comm.Irecv(space, peer, tag)

    def finish():
        count = status.Get_count(MPI.Datatype.fromcode(space.dtype.char))
        if count != buf.array.size:
            raise RuntimeError(
                f"recv: the message had {count} elements, the tensor has {buf.array.size}"
            )
        buf.array[...] = space[:-1]
        buf.store()
        return pg.ranks[status.Get_source()]

    work = Work([req], pg, "recv", finish, [tensor])
    work.statuses = [status]
    return work


def send(tensor: Tensor, dst: int, group=None, tag: int = 0) -> None:
    """Send ``tensor`` to global rank ``dst`` and wait until it is sent.

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> dist.send(torch.ones(2), dst=1)  # doctest: +SKIP
    """
    work = isend(tensor, dst, group, tag)
    if work is not None:
        work.wait()


def recv(tensor: Tensor, src: int | None = None, group=None, tag: int = 0) -> int:
    """Receive into ``tensor`` from global rank ``src`` (any if None); returns the sender's rank.

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> dist.recv(torch.zeros(2), src=0)  # doctest: +SKIP
    0
    """
    work = irecv(tensor, src, group, tag)
    if work is None:
        return -1
    rank = work.source_rank()
    assert rank is not None  # a receive's work knows its sender once waited for
    return rank
