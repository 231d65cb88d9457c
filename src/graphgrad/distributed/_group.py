"""Process groups: the default (world) group that ``init_process_group`` makes, subgroups from
``new_group``, and the timeout every collective waits under.

A group wraps an MPI communicator. Ranks that torch's API takes (``src``, ``dst``) are global
ranks; a group maps them to its own.

>>> ProcessGroup(None, [0, 2], 5.0).get_group_rank(2)
1
"""

from __future__ import annotations

import datetime
import os

from ._mpi import mpi, mpi_available

# torch's default for gloo (and the MPI backend here): 30 minutes
default_pg_timeout = datetime.timedelta(minutes=30)
_BACKENDS = ("mpi", "gloo")


class DistError(RuntimeError):
    """Base of the errors graphgrad.distributed raises (as ``torch.distributed.DistError``)."""


class DistBackendError(DistError):
    """A collective failed or timed out (as ``torch.distributed.DistBackendError``)."""


class ProcessGroup:
    """Ranks that run collectives together over one MPI communicator.

    Parameters: ``comm`` the communicator (None on ranks outside the group), ``ranks`` the
    members' global ranks in group order, ``timeout`` seconds a collective may wait,
    ``check_comm`` a duplicate of ``comm`` for the collectives' fingerprint checks (see
    ``_fingerprint``: on a communicator of their own, MPI progresses them beside the data
    operation instead of after it).

    >>> ProcessGroup(None, [0, 1], 1.0).size()
    2
    """

    def __init__(self, comm, ranks: list[int], timeout: float, check_comm=None) -> None:
        self.comm = comm
        self.check_comm = check_comm
        self.ranks = list(ranks)
        self.timeout = timeout
        # the error that left the group unusable (a timed-out collective)
        self.broken: Exception | None = None
        self._group_rank = {g: i for i, g in enumerate(self.ranks)}

    def rank(self) -> int:
        return self.comm.Get_rank() if self.comm is not None else -1

    def size(self) -> int:
        return len(self.ranks)

    def is_member(self) -> bool:
        return self.comm is not None

    def get_group_rank(self, global_rank: int) -> int:
        if global_rank not in self._group_rank:
            raise ValueError(f"Group {self!r} does not contain rank {global_rank}")
        return self._group_rank[global_rank]

    def name(self) -> str:
        return "mpi"

    def __repr__(self) -> str:
        return f"<graphgrad.distributed.ProcessGroup ranks={self.ranks}>"


class group:
    """``group.WORLD``: the default process group once initialised (None before)."""

    WORLD: ProcessGroup | None = None


class _State:
    backend: str | None = None


def is_available() -> bool:
    """Whether distributed training can run here (mpi4py and an MPI library are installed).

    >>> isinstance(is_available(), bool)
    True
    """
    return mpi_available()


def is_initialized() -> bool:
    """Whether ``init_process_group`` has run (and ``destroy_process_group`` has not).

    >>> is_initialized()
    False
    """
    return group.WORLD is not None


def _seconds(timeout) -> float:
    if timeout is None:
        return default_pg_timeout.total_seconds()
    if isinstance(timeout, datetime.timedelta):
        return timeout.total_seconds()
    raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {timeout}")


def init_process_group(
    backend: str | None = None,
    init_method: str | None = None,
    timeout: datetime.timedelta | None = None,
    world_size: int = -1,
    rank: int = -1,
    store=None,
    group_name: str = "",
    pg_options=None,
    device_id=None,
) -> None:
    """Join the ranks MPI started into the default process group.

    Parameters: ``backend`` "mpi", or "gloo" (accepted so CPU torch scripts run; both use MPI);
    ``timeout`` how long a collective waits for the other ranks (default 30 minutes);
    ``world_size``/``rank`` checked against MPI's when given; ``init_method``, ``store``,
    ``group_name``, ``pg_options`` and ``device_id`` are accepted and unused (MPI rendezvous).

    >>> import graphgrad.distributed as dist
    >>> dist.init_process_group("gloo"); dist.get_world_size()  # doctest: +SKIP
    1
    """
    if group.WORLD is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = (backend or "mpi").lower()
    if name not in _BACKENDS:
        raise ValueError(f"Invalid backend: '{backend}' (graphgrad.distributed runs on MPI)")
    seconds = _seconds(timeout)
    comm = mpi().COMM_WORLD.Dup()
    _check_launch(comm, world_size, rank)
    group.WORLD = ProcessGroup(comm, list(range(comm.Get_size())), seconds, comm.Dup())
    _State.backend = name


def _check_launch(comm, world_size: int, rank: int) -> None:
    """A rank or world size given (or set by a launcher) must be MPI's."""
    world_size = int(os.environ.get("WORLD_SIZE", -1)) if world_size == -1 else world_size
    rank = int(os.environ.get("RANK", -1)) if rank == -1 else rank
    if world_size not in (-1, comm.Get_size()):
        raise ValueError(
            f"world_size={world_size} but MPI started {comm.Get_size()} processes: "
            "launch with mpiexec -n WORLD_SIZE or python -m graphgrad.distributed.run"
        )
    if rank not in (-1, comm.Get_rank()):
        raise ValueError(f"rank={rank} but MPI gave this process rank {comm.Get_rank()}")


def default_group() -> ProcessGroup:
    if group.WORLD is None:
        raise ValueError(
            "Default process group has not been initialized, please make sure to call "
            "init_process_group."
        )
    return group.WORLD


def resolve(pg: ProcessGroup | None) -> ProcessGroup:
    """``group=None`` means the default group; raises torch's error before init."""
    world = default_group()
    return world if pg is None else pg


def get_rank(group: ProcessGroup | None = None) -> int:
    """This process's rank in ``group`` (the default group if None); -1 outside the group.

    >>> get_rank()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Default process group has not been initialized, ...
    """
    return resolve(group).rank()


def get_world_size(group: ProcessGroup | None = None) -> int:
    """The number of ranks in ``group`` (the default group if None); -1 outside the group.

    >>> is_initialized() or get_world_size()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Default process group has not been initialized, ...
    """
    pg = resolve(group)
    return pg.size() if pg.is_member() else -1


def get_backend(group: ProcessGroup | None = None) -> str:
    """The backend name given to ``init_process_group`` ("mpi" or "gloo"; both run on MPI).

    >>> is_initialized() or get_backend()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Default process group has not been initialized, ...
    """
    resolve(group)
    assert _State.backend is not None  # resolve() raised if no group was initialized
    return _State.backend


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, **kwargs) -> ProcessGroup:
    """A subgroup of the given global ``ranks`` (all ranks if None); every rank must call it.

    Parameters: ``ranks`` the members (sorted, as torch does), ``timeout`` its collectives'
    timeout (the default group's if None); ``backend`` and ``pg_options`` are accepted and
    unused.

    >>> import graphgrad.distributed as dist
    >>> evens = dist.new_group([0, 2])  # doctest: +SKIP
    """
    world = default_group()
    members = sorted(range(world.size()) if ranks is None else {int(r) for r in ranks})
    for r in members:
        if not 0 <= r < world.size():
            raise ValueError(
                f"Invalid rank {r}, the rank should be in the range [0, {world.size() - 1}]"
            )
    MPI = mpi()
    me = world.rank()
    color = 0 if me in members else MPI.UNDEFINED
    comm = world.comm.Split(color, me)
    seconds = world.timeout if timeout is None else _seconds(timeout)
    if comm == MPI.COMM_NULL:
        return ProcessGroup(None, members, seconds)
    return ProcessGroup(comm, members, seconds, comm.Dup())


def destroy_process_group(group_: ProcessGroup | None = None) -> None:
    """Free ``group_`` (the default group and every subgroup if None).

    >>> destroy_process_group()
    Traceback (most recent call last):
    ...
    AssertionError: Process group cannot be None
    """
    if group_ is None or group_ is group.WORLD:
        if group.WORLD is None:
            raise AssertionError("Process group cannot be None")
        _free(group.WORLD)
        group.WORLD, _State.backend = None, None
        return
    _free(group_)


def _free(pg: ProcessGroup) -> None:
    if pg.comm is not None and pg.broken is None:
        pg.comm.Free()
        pg.check_comm.Free()
    pg.comm = pg.check_comm = None
