"""The launcher, in the manner of ``torchrun``: starts N ranks under ``mpiexec``, each with
torchrun's environment (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, ...).

    python -m graphgrad.distributed.run --nproc-per-node 2 train.py --epochs 3
    python -m graphgrad.distributed.run --nnodes 2 --nproc-per-node 4 --hostfile hosts train.py

Several machines: MPI starts the remote ranks itself, from its host file (``--hostfile``, passed
to mpiexec as ``-f``; one host name a line, as MPICH's Hydra reads it). Every machine needs the
same Python environment at the same path. ``--mpiexec`` picks another launcher (Open MPI's
``mpirun`` also works: the ranks read their numbers from either MPI's environment).

>>> args = ["--nproc-per-node", "2", "--mpiexec", "mpiexec", "t.py", "-x"]
>>> mpiexec_command(_parser().parse_args(args))[:3]
['mpiexec', '-n', '2']
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

# torchrun's options for its own rendezvous and restarts, which MPI does not need
_RENDEZVOUS = ("rdzv-backend", "rdzv-endpoint", "rdzv-id", "rdzv-conf", "max-restarts",
               "monitor-interval", "node-rank", "master-addr", "master-port")  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m graphgrad.distributed.run",
        description="Start a training script on N ranks with mpiexec, as torchrun does.",
    )
    p.add_argument("--nproc-per-node", "--nproc_per_node", type=int, default=1,
                   help="ranks on each machine")  # fmt: skip
    p.add_argument("--nnodes", type=int, default=1, help="machines (listed in --hostfile)")
    p.add_argument("--hostfile", help="MPI host file (mpiexec -f), for several machines")
    p.add_argument("--mpiexec", help="the mpiexec to run (default: beside python, or on PATH)")
    p.add_argument("--standalone", action="store_true", help="accepted, as torchrun's")
    for name in _RENDEZVOUS:  # (MPI finds the ranks itself: accepted so torchrun lines run)
        p.add_argument(f"--{name}", f"--{name.replace('-', '_')}", help="accepted, as torchrun's")
    p.add_argument("-m", "--module", action="store_true", help="run the script as a module")
    p.add_argument("script", help="the training script (or module, with -m)")
    p.add_argument("script_args", nargs=argparse.REMAINDER)
    return p


def find_mpiexec(given: str | None = None) -> str:
    """``given``, else the mpiexec installed beside this Python (the mpich wheel's), else PATH's."""
    if given:
        return given
    beside = Path(sys.executable).parent / "mpiexec"
    if beside.exists():
        return str(beside)
    found = shutil.which("mpiexec") or shutil.which("mpirun")
    if found is None:
        raise SystemExit("no mpiexec found: pip install 'graphgrad[dist]' (mpi4py and mpich)")
    return found


def mpiexec_command(args: argparse.Namespace) -> list[str]:
    """The mpiexec command line that starts every rank through ``_rank_env``."""
    if args.nproc_per_node < 1 or args.nnodes < 1:
        raise SystemExit("--nproc-per-node and --nnodes must be at least 1")
    cmd = [find_mpiexec(args.mpiexec), "-n", str(args.nproc_per_node * args.nnodes)]
    if args.hostfile:
        cmd += ["-f", args.hostfile]
    if args.nnodes > 1:
        cmd += ["-ppn", str(args.nproc_per_node)]
    # _rank_env.py runs as a file, not as a module of graphgrad: importing graphgrad (and NumPy)
    # before the script could set its own environment (thread counts) would be a surprise.
    cmd += [sys.executable, str(Path(__file__).with_name("_rank_env.py"))]
    cmd += ["-m"] if args.module else []
    return cmd + [args.script, *args.script_args]


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run mpiexec, return its exit status."""
    args = _parser().parse_args(argv)
    env = dict(os.environ)
    env["TORCHELASTIC_RUN_ID"] = args.rdzv_id or "none"  # (as torchrun: is_torchelastic_launched)
    if args.nproc_per_node > 1:
        env.setdefault("OMP_NUM_THREADS", "1")  # as torchrun: ranks share the cores
    return subprocess.call(mpiexec_command(args), env=env)


if __name__ == "__main__":
    sys.exit(main())
