"""Runs a worker's checks on every rank; the first failure prints its traceback and aborts all
ranks (so no rank waits for a partner that has stopped)."""

from __future__ import annotations

import sys
import traceback


def run_checks(checks, rank: int) -> None:
    for check in checks:
        try:
            check()
        except Exception:
            print(f"rank {rank} FAILED in {check.__name__}:\n{traceback.format_exc()}", flush=True)
            from mpi4py import MPI

            MPI.COMM_WORLD.Abort(1)
    print(f"rank {rank} ok", flush=True)
    sys.stdout.flush()
