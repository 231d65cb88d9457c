"""``graphgrad.distributed``: torch.distributed for CPU training, on MPI (through mpi4py).

Start the ranks with ``python -m graphgrad.distributed.run --nproc-per-node N script.py`` (or
``mpiexec -n N python script.py``), then call ``init_process_group("gloo")`` (or "mpi"): MPI
already knows every rank, so no address, port or store is needed. Every collective waits at most
the group's ``timeout`` (default 30 minutes) for the other ranks, then raises DistBackendError.

>>> import graphgrad.distributed as dist
>>> dist.is_initialized()
False
"""

from __future__ import annotations

from ._group import (
    Backend,
    DistBackendError,
    DistError,
    GroupMember,
    ProcessGroup,
    default_pg_timeout,
    destroy_process_group,
    get_backend,
    get_default_backend_for_device,
    get_global_rank,
    get_group_rank,
    get_node_local_rank,
    get_process_group_ranks,
    get_rank,
    get_world_size,
    group,
    init_process_group,
    is_available,
    is_initialized,
    is_torchelastic_launched,
    new_group,
)
from ._reduce_op import ReduceOp, reduce_op
from ._work import Work
from .collectives import (
    all_gather,
    all_gather_into_tensor,
    all_reduce,
    barrier,
    broadcast,
    gather,
    irecv,
    isend,
    recv,
    reduce,
    reduce_scatter,
    reduce_scatter_tensor,
    scatter,
    send,
)
from .objects import all_gather_object, broadcast_object_list, gather_object

__all__ = [
    "Backend",
    "DistBackendError",
    "DistError",
    "GroupMember",
    "ProcessGroup",
    "ReduceOp",
    "Work",
    "all_gather",
    "all_gather_into_tensor",
    "all_gather_object",
    "all_reduce",
    "barrier",
    "broadcast",
    "broadcast_object_list",
    "default_pg_timeout",
    "destroy_process_group",
    "gather",
    "gather_object",
    "get_backend",
    "get_default_backend_for_device",
    "get_global_rank",
    "get_group_rank",
    "get_node_local_rank",
    "get_process_group_ranks",
    "get_rank",
    "get_world_size",
    "group",
    "init_process_group",
    "irecv",
    "is_available",
    "is_initialized",
    "is_torchelastic_launched",
    "isend",
    "new_group",
    "recv",
    "reduce",
    "reduce_op",
    "reduce_scatter",
    "reduce_scatter_tensor",
    "scatter",
    "send",
]
