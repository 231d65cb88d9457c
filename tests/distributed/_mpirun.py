"""Running a worker script on N ranks under mpiexec, or skipping (with the reason) where there
is no MPI: the distributed tests need mpi4py and an ``mpiexec`` (``pip install mpi4py mpich``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graphgrad.distributed import is_available

WORKERS = Path(__file__).resolve().parent / "workers"
ROOT = Path(__file__).resolve().parents[2]


def mpiexec() -> str | None:
    """The mpiexec beside this Python (the mpich wheel's) or on PATH."""
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")


def require_mpi() -> str:
    if not is_available():
        pytest.skip("MPI tests skipped: mpi4py is not installed (pip install mpi4py mpich)")
    exe = mpiexec()
    if exe is None:
        pytest.skip("MPI tests skipped: no mpiexec found (pip install mpich)")
    return exe


def env() -> dict:
    """One BLAS thread a rank (2 cores here), and the source tree importable."""
    out = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), out.get("PYTHONPATH", "")])
    return out


def run_ranks(n: int, argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    """``mpiexec -n n python argv...``; the output of all ranks, stdout and stderr merged."""
    cmd = [require_mpi(), "-n", str(n), sys.executable, *argv]
    return subprocess.run(
        cmd, env=env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, timeout=timeout,
    )  # fmt: skip


def run_worker(name: str, n: int, *args: str, timeout: float = 60) -> str:
    """Run ``workers/<name>.py`` on ``n`` ranks; it must exit 0 and print 'ok' on every rank."""
    proc = run_ranks(n, [str(WORKERS / f"{name}.py"), *args], timeout)
    assert proc.returncode == 0, proc.stdout
    for rank in range(n):
        assert f"rank {rank} ok" in proc.stdout, proc.stdout
    return proc.stdout
