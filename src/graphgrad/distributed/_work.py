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

from ._group import DistBackendError, ProcessGroup
from ._mpi import mpi

# Spin this long before yielding the core at each poll (as MPI's own waits spin, then yield).
_SPIN_SECONDS = 0.001


def wait_all(requests: list, pg: ProcessGroup, what: str, statuses=None) -> None:
    """Poll ``requests`` until all complete; past ``pg.timeout`` raise and mark ``pg`` broken.

    ``statuses``: a list of ``MPI.Status`` to fill in (for receives)."""
    if not requests:
        return
    testall = mpi().Request.Testall
    if testall(requests, statuses):
        return
    now = time.monotonic()
    deadline, yield_after = now + pg.timeout, now + _SPIN_SECONDS
    while not testall(requests, statuses):
        now = time.monotonic()
        if now > yield_after:
            os.sched_yield()  # ranks may outnumber cores: let the one we wait for run
        if now > deadline:
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


class Work:
    """A started collective or point-to-point operation (``async_op=True``).

    Parameters: ``requests`` the MPI requests, ``pg`` the group (for its timeout), ``what``
    its name for errors, ``finish`` run once when it completes, ``result`` its tensors,
    ``check`` the ranks' fingerprint exchange (``_fingerprint.Check``), verified first.

    >>> w = Work([], None, "noop"); w.is_completed()
    True
    """

    __slots__ = ("_check", "_requests", "_pg", "_what", "_finish", "_result", "_done",
                 "_source", "statuses")  # fmt: skip

    def __init__(self, requests, pg, what, finish=None, result=(), check=None) -> None:
        self._check = check
        self._requests = requests
        self._pg, self._what = pg, what
        self._finish = finish
        self._result = result
        self._done = False
        self._source: int | None = None
        self.statuses: list | None = None  # MPI statuses to fill in, for receives
        if not requests:
            self._complete()

    def _complete(self):
        if not self._done:
            self._done = True
            if self._finish is not None:
                self._source = self._finish()

    def wait(self, timeout=None) -> bool:
        """Block until done (or the group's timeout; ``timeout``: a shorter timedelta)."""
        if self._done:
            return True
        pg = self._pg
        if timeout is not None:
            pg = ProcessGroup(pg.comm, pg.ranks, timeout.total_seconds(), pg.check_comm)
        try:
            if self._check is not None:  # first: do all ranks run this same collective?
                wait_all([self._check.request], pg, self._what)
                self._check.verify()
                self._check = None
            wait_all(self._requests, pg, self._what, self.statuses)
        finally:
            self._pg.broken = self._pg.broken or pg.broken
        self._complete()
        return True

    def is_completed(self) -> bool:
        """Whether it has finished (checked without blocking)."""
        if self._done:
            return True
        testall = mpi().Request.Testall
        if self._check is not None and not testall([self._check.request]):
            return False
        if testall(self._requests, self.statuses):
            self.wait()
        return self._done

    def is_success(self) -> bool:
        return self.is_completed()

    def exception(self):
        return None

    def result(self) -> list:
        """The tensors the operation wrote."""
        return list(self._result)

    def source_rank(self) -> int | None:
        """For a receive: the global rank it came from (None for other operations)."""
        self.wait()
        return self._source

    def synchronize(self) -> None:
        self.wait()

    def __repr__(self) -> str:
        return f"<graphgrad.distributed.Work {self._what} completed={self._done}>"
