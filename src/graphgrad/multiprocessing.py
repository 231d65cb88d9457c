"""``graphgrad.multiprocessing``: Python's ``multiprocessing``, with ``spawn`` as
``torch.multiprocessing`` adds it.

Every name of Python's module is here (``mp.Process``, ``mp.Queue``, ``mp.get_context``...).
A tensor sent to another process (a ``spawn``ed one's arguments, a queue) is shared, as
PyTorch shares it: its values move into shared memory, which the receiver maps too, so an
in-place update on either side shows on both (Hogwild training; ``share_memory_()`` and
``Module.share_memory()`` move them ahead; processes this one forks share them).
Distributed training starts its ranks with MPI instead (docs/distributed.md):
``init_process_group`` in a process that ``spawn`` started raises, saying how to launch.

>>> import graphgrad.multiprocessing as mp
>>> mp.get_sharing_strategy()
'file_descriptor'
"""

from __future__ import annotations

import multiprocessing as _mp
import multiprocessing.connection as _connection
import multiprocessing.reduction as _reduction
import signal as _signal
import sys as _sys
import traceback as _traceback
from collections.abc import Callable as _Callable

from ._shared_memory import layout as _layout
from ._shared_memory import mapped_array as _mapped_array
from ._shared_memory import segment_of as _shared_segment_of
from .nn.parameter import Parameter as _Parameter
from .tensor import Tensor as _Tensor

__all__ = [
    "ProcessContext",
    "ProcessException",
    "ProcessExitedException",
    "ProcessRaisedException",
    "get_all_sharing_strategies",
    "get_sharing_strategy",
    "set_sharing_strategy",
    "spawn",
    "start_processes",
]

_STRATEGIES = ("file_descriptor", "file_system")


class _Sharing:
    strategy = "file_descriptor"


def __getattr__(name: str):
    """Python's ``multiprocessing`` for every other name (``Process``, ``Queue``, ...)."""
    return getattr(_mp, name)


def get_all_sharing_strategies() -> set[str]:
    """The names ``set_sharing_strategy`` takes (PyTorch's on Linux)."""
    return set(_STRATEGIES)


def get_sharing_strategy() -> str:
    """The strategy set last (kept for PyTorch scripts: tensors are pickled either way)."""
    return _Sharing.strategy


def set_sharing_strategy(new_strategy: str) -> None:
    """Accept one of ``get_all_sharing_strategies()``, as PyTorch does."""
    if new_strategy not in _STRATEGIES:
        raise AssertionError(
            f"invalid sharing strategy {new_strategy!r}, expected one of "
            f"{get_all_sharing_strategies()}"
        )
    _Sharing.strategy = new_strategy


class ProcessException(Exception):  # noqa: N818 - PyTorch's name
    """A process that ``spawn`` started failed: ``error_index`` (its number) and
    ``error_pid``."""

    def __init__(self, msg: str, error_index: int, pid: int) -> None:
        super().__init__(msg)
        self.msg, self.error_index, self.error_pid = msg, error_index, pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid)


class ProcessRaisedException(ProcessException):
    """The function raised in process ``error_index``; the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """Process ``error_index`` exited with a non-zero code, or was killed by a signal."""

    def __init__(
        self, msg: str, error_index: int, error_pid: int, exit_code: int, signal_name=None
    ) -> None:
        super().__init__(msg, error_index, error_pid)
        self.exit_code, self.signal_name = exit_code, signal_name

    def __reduce__(self):
        args = (self.msg, self.error_index, self.error_pid, self.exit_code, self.signal_name)
        return type(self), args


def _reduce_tensor(t):
    """How a tensor goes to another process (a spawned one, a queue): as PyTorch sends it,
    its values moved into shared memory (here too: ``t.is_shared()`` after) and the receiver
    mapping the same memory, so that writes on either side are seen on both."""
    if t.requires_grad and not t.is_leaf:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since "
            "autograd does not support crossing process boundaries.  If you just want to "
            "transfer the data, call detach() on the tensor before serializing (e.g., putting "
            "it on the queue)."
        )
    segment = _shared_segment_of(t.share_memory_()._data)
    assert segment is not None
    args = (type(t), _reduction.DupFd(segment.fd), _layout(t._data), t.requires_grad)
    return _rebuild_tensor, args


def _rebuild_tensor(cls: type, fd, layout: tuple, requires_grad: bool):
    data = _mapped_array(fd.detach(), *layout)
    if issubclass(cls, _Parameter):
        return cls(_Tensor._make(data), requires_grad)
    return _Tensor._make(data, requires_grad)


for _cls in (_Tensor, _Parameter):
    _reduction.ForkingPickler.register(_cls, _reduce_tensor)


def _run(fn: _Callable, i: int, args: tuple, errors) -> None:
    """What each process runs: ``fn(i, *args)``; a traceback goes back to the parent."""
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass  # (the parent is being interrupted too)
    except Exception:  # noqa: BLE001 - every error is reported to the parent
        errors.put(_traceback.format_exc())
        _sys.exit(1)


class ProcessContext:
    """The processes ``spawn(..., join=False)`` started: ``join()`` until it returns True."""

    def __init__(self, processes: list, error_queues: list) -> None:
        self.processes, self.error_queues = processes, error_queues
        self.sentinels = {p.sentinel: i for i, p in enumerate(processes)}

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def join(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` for the processes: True once all have exited well. The
        first to fail stops the others and raises ``ProcessRaisedException`` (with its
        traceback) or ``ProcessExitedException``."""
        if not self.sentinels:
            return True
        failed = None
        for sentinel in _connection.wait(list(self.sentinels), timeout=timeout):
            i = self.sentinels.pop(sentinel)
            self.processes[i].join()
            if self.processes[i].exitcode != 0:
                failed = i
                break
        if failed is None:
            return not self.sentinels
        for p in self.processes:
            if p.is_alive():
                p.terminate()
            p.join()
        raise self._error(failed)

    def _error(self, i: int) -> ProcessException:
        p = self.processes[i]
        if not self.error_queues[i].empty():
            msg = f"\n\n-- Process {i} terminated with the following error:\n"
            return ProcessRaisedException(msg + self.error_queues[i].get(), i, p.pid)
        if p.exitcode < 0:
            name = _signal.Signals(-p.exitcode).name
            return ProcessExitedException(
                f"process {i} terminated with signal {name}", i, p.pid, p.exitcode, name
            )
        return ProcessExitedException(
            f"process {i} terminated with exit code {p.exitcode}", i, p.pid, p.exitcode
        )


def start_processes(
    fn: _Callable,
    args: tuple = (),
    nprocs: int = 1,
    join: bool = True,
    daemon: bool = False,
    start_method: str = "spawn",
) -> ProcessContext | None:
    """Run ``fn(i, *args)`` in ``nprocs`` new processes (``i`` from 0), started by
    ``start_method``; with ``join``, wait for all (and raise the first failure), else return
    their ``ProcessContext``."""
    ctx = _mp.get_context(start_method)
    errors = [ctx.SimpleQueue() for _ in range(nprocs)]
    processes = []
    for i in range(nprocs):
        p = ctx.Process(target=_run, args=(fn, i, args, errors[i]), daemon=daemon)  # type: ignore[attr-defined]
        p.start()
        processes.append(p)
    context = ProcessContext(processes, errors)
    if not join:
        return context
    while not context.join():
        pass
    return None


# (``mp.spawn(train, args=(world_size,), nprocs=world_size)``: the same function, whose
# default start method is already Python's "spawn")
spawn = start_processes
