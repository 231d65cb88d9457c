"""Process groups: the default (world) group that ``init_process_group`` makes, subgroups from
``new_group``, and the timeout every collective waits under.

A group wraps an MPI communicator. Ranks that torch's API takes (``src``, ``dst``) are global
ranks; a group maps them to its own.

>>> ProcessGroup(None, [0, 2], 5.0).get_group_rank(2)
1
"""

from __future__ import annotations

import atexit
import datetime
import os
import sys

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
    """``group.WORLD``: the default process group once initialised (None before); also
    PyTorch's ``GroupMember``, with ``NON_GROUP_MEMBER``."""

    WORLD: ProcessGroup | None = None
    NON_GROUP_MEMBER = -100


GroupMember = group


class Backend(str):
    """A backend's name, as ``torch.distributed.Backend``: ``Backend("GLOO")`` is ``"gloo"``.

    >>> Backend("GLOO"), Backend.MPI
    ('gloo', 'mpi')
    """

    UNDEFINED, GLOO, NCCL, UCC, MPI = "undefined", "gloo", "nccl", "ucc", "mpi"

    def __new__(cls, name: str) -> str:  # type: ignore[misc]
        if not isinstance(name, str):
            raise ValueError(
                f"Backend constructor parameter must be string-ish, but got: {type(name)}"
            )
        return name.lower()


_DEVICE_BACKENDS = {"cpu": "gloo", "cuda": "nccl", "xpu": "xccl"}


def get_default_backend_for_device(device) -> str:
    """The backend PyTorch picks for a device type: ``"gloo"`` for the CPU (which runs on MPI
    here).

    >>> get_default_backend_for_device("cpu")
    'gloo'
    """
    kind = getattr(device, "type", None) or str(device).split(":")[0]
    if kind not in _DEVICE_BACKENDS:
        raise ValueError(f"Default backend not registered for device : {kind}")
    return _DEVICE_BACKENDS[kind]


def is_torchelastic_launched() -> bool:
    """Whether a torchrun-style launcher started this process (``graphgrad.distributed.run``
    sets ``TORCHELASTIC_RUN_ID``, as torchrun does; a bare ``mpiexec`` does not).

    >>> isinstance(is_torchelastic_launched(), bool)
    True
    """
    return os.environ.get("TORCHELASTIC_RUN_ID") is not None


def get_node_local_rank(fallback_rank: int | None = None) -> int:
    """This process's rank on its machine (``LOCAL_RANK``, which the launcher sets), else
    ``fallback_rank``.

    >>> get_node_local_rank(fallback_rank=0) >= 0
    True
    """
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    if fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError(
        "LOCAL_RANK is not in the environment. Consider passing fallback_rank to allow "
        "`get_node_local_rank` to work, assuming you are not running in a multi-device context "
        "and want the code to run locally instead."
    )


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
    if comm.Get_size() > 1:
        _abort_on_uncaught_exceptions()


def _abort_on_uncaught_exceptions() -> None:
    """Make an exception that no code catches end every rank after its traceback, as torchrun
    ends the job when one worker fails: otherwise this rank waits in MPI's finalize at exit,
    and the others in their next collective, until the group's timeout. The rank runs the
    program's exit handlers, then leaves without finalizing MPI, which MPI's launcher answers
    by ending the job (``MPI_Abort`` would too, but may drop the traceback on its way)."""
    previous = sys.excepthook
    if getattr(previous, "aborts_the_job", False):  # (a second process group)
        return

    def excepthook(kind, value, traceback) -> None:
        previous(kind, value, traceback)
        atexit._run_exitfuncs()  # (the program's own: log files flushed; MPI's is not one)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)

    excepthook.aborts_the_job = True  # type: ignore[attr-defined]
    sys.excepthook = excepthook


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


def get_process_group_ranks(group: ProcessGroup | None) -> list[int]:
    """The global ranks of ``group``'s members, in group order (the default group if None)."""
    return list(resolve(group).ranks)


def get_global_rank(group: ProcessGroup | None, group_rank: int) -> int:
    """The global rank of ``group``'s member number ``group_rank`` (the same number in the
    default group, and, as in PyTorch, for ``None`` before ``init_process_group``)."""
    if group is GroupMember.WORLD:
        return group_rank
    pg = _registered(group)
    if not 0 <= group_rank < pg.size():
        raise ValueError(f"Group rank {group_rank} is not part of group {pg}")
    return pg.ranks[group_rank]


def get_group_rank(group: ProcessGroup | None, global_rank: int) -> int:
    """``global_rank``'s number within ``group`` (as ``get_global_rank``, the other way)."""
    if group is GroupMember.WORLD:
        return global_rank
    pg = _registered(group)
    if global_rank not in pg.ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {pg}")
    return pg.get_group_rank(global_rank)


def _registered(pg: ProcessGroup | None) -> ProcessGroup:
    if pg is None:
        raise ValueError(
            "Group None is not registered, please create group with torch.distributed.new_group API"
        )
    return pg


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
