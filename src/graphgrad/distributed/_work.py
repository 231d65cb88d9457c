"""Waiting on MPI: every collective is started non-blocking and polled until it completes or
its group's timeout passes, so a rank that died or never joins raises ``DistBackendError`` on
the others instead of hanging them forever (torch's ``timeout=``).

``Work`` is what ``async_op=True`` returns: ``wait()`` finishes the operation (copies results
into non-contiguous tensors, divides for AVG) and returns True, as torch's Work does.

>>> Work([], None, "noop").wait()
True
"""

from __future__ import annotations

import os
import time
import zlib

import numpy as np

from ._group import DistBackendError, ProcessGroup
from ._mpi import mpi

_SPINS_BEFORE_YIELD = 200


def wait_all(requests: list, pg: ProcessGroup, what: str, statuses=None) -> None:
    """Poll ``requests`` until all complete; past ``pg.timeout`` raise and mark ``pg`` broken.

    ``statuses``: a list of ``MPI.Status`` to fill in (for receives)."""
    if not requests:
        return
    testall = mpi().Request.Testall
    if testall(requests, statuses):
        return
    deadline = time.monotonic() + pg.timeout
    spins = 0
    while not testall(requests, statuses):
        spins += 1
        if spins > _SPINS_BEFORE_YIELD:
            os.sched_yield()  # ranks may outnumber cores: let the one we wait for run
        if time.monotonic() > deadline:
            error = DistBackendError(
                f"[Rank {pg.rank()}] {what} timed out after {pg.timeout * 1000:.0f}ms: a rank "
                "did not join it (it may have died, hung, or be running another collective)"
            )
            pg.broken = error
            raise error


def check_usable(pg: ProcessGroup) -> None:
    """A group whose collective timed out cannot be trusted again (its ranks are out of step)."""
    if pg.broken is not None:
        raise DistBackendError(f"the process group is unusable after an earlier error: {pg.broken}")


def check_same(pg: ProcessGroup, description: str) -> None:
    """Every rank must run the same collective on tensors of the same shape and dtype.

    One small all-reduce of a fingerprint (its max and its negated max) tells every rank at
    once whether all agree; only on a mismatch do they exchange descriptions for the error.
    """
    MPI = mpi()
    h = zlib.crc32(description.encode())
    mine = np.array([h, -h], dtype=np.int64)
    result = np.empty(2, dtype=np.int64)
    wait_all([pg.comm.Iallreduce(mine, result, MPI.MAX)], pg, description)
    if result[0] == h and result[1] == -h:
        return
    described = pg.comm.allgather(description)
    me = pg.rank()
    other = next(i for i, d in enumerate(described) if d != description)
    raise RuntimeError(
        "Detected mismatch between collectives on ranks. "
        f"Rank {pg.ranks[me]} is running collective: {description}, but Rank "
        f"{pg.ranks[other]} is running collective: {described[other]}"
    )


class Work:
    """A started collective or point-to-point operation (``async_op=True``).

    Parameters: ``requests`` the MPI requests, ``pg`` the group (for its timeout), ``what``
    its name for errors, ``finish`` run once when it completes, ``result`` its tensors.

    >>> w = Work([], None, "noop"); w.is_completed()
    True
    """

    def __init__(self, requests, pg, what, finish=None, result=()) -> None:
        self._requests = list(requests)
        self._pg, self._what = pg, what
        self._finish = finish
        self._result = list(result)
        self._done = False
        self._source = None
        self.statuses = None  # MPI statuses to fill in, for receives
        if not self._requests:
            self._complete()

    def _complete(self):
        if not self._done:
            self._done = True
            if self._finish is not None:
                out = self._finish()
                if out is not None:
                    self._source = out

    def wait(self, timeout=None) -> bool:
        """Block until done (or the group's timeout; ``timeout``: a shorter timedelta)."""
        if not self._done:
            pg = self._pg
            if timeout is not None:
                pg = ProcessGroup(pg.comm, pg.ranks, timeout.total_seconds())
            try:
                wait_all(self._requests, pg, self._what, self.statuses)
            finally:
                self._pg.broken = self._pg.broken or pg.broken
            self._complete()
        return True

    def is_completed(self) -> bool:
        """Whether it has finished (checked without blocking)."""
        if not self._done and mpi().Request.Testall(self._requests, self.statuses):
            self._complete()
        return self._done

    def is_success(self) -> bool:
        return self.is_completed()

    def exception(self):
        return None

    def result(self) -> list:
        """The tensors the operation wrote."""
        return list(self._result)

    def source_rank(self) -> int:
        """For a receive: the global rank it came from."""
        self.wait()
        return self._source

    def synchronize(self) -> None:
        self.wait()

    def __repr__(self) -> str:
        return f"<graphgrad.distributed.Work {self._what} completed={self._done}>"
