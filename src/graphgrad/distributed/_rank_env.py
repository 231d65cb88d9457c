"""What each rank runs under the launcher: sets torchrun's environment variables from MPI's
(MPICH's Hydra or Open MPI), then runs the script as ``__main__``, as ``python script.py``
would (the launcher runs this file directly, so nothing of graphgrad is imported before it).

>>> torchrun_env({"PMI_RANK": "3", "PMI_SIZE": "4", "MPI_LOCALRANKID": "1",
...               "MPI_LOCALNRANKS": "2"})["GROUP_RANK"]
'1'
"""

from __future__ import annotations

import os
import runpy
import sys
from collections.abc import Mapping


def _first(env: Mapping[str, str], names: tuple, default: str) -> str:
    return next((env[n] for n in names if n in env), default)


def torchrun_env(env: Mapping[str, str]) -> dict:
    """RANK, LOCAL_RANK, WORLD_SIZE, ... (torchrun's names) from the MPI launcher's variables."""
    rank = _first(env, ("PMI_RANK", "OMPI_COMM_WORLD_RANK"), "0")
    size = _first(env, ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE"), "1")
    local = _first(env, ("MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK"), "0")
    local_size = _first(env, ("MPI_LOCALNRANKS", "OMPI_COMM_WORLD_LOCAL_SIZE"), size)
    return {
        "RANK": rank,
        "WORLD_SIZE": size,
        "LOCAL_RANK": local,
        "LOCAL_WORLD_SIZE": local_size,
        "GROUP_RANK": str(int(rank) // int(local_size)),
        "ROLE_RANK": rank,
        "ROLE_WORLD_SIZE": size,
        "MASTER_ADDR": env.get("MASTER_ADDR", "127.0.0.1"),
        "MASTER_PORT": env.get("MASTER_PORT", "29500"),
        "TORCHELASTIC_RESTART_COUNT": "0",
        "TORCHELASTIC_MAX_RESTARTS": "0",
    }


def main(argv: list[str]) -> None:
    os.environ.update(torchrun_env(os.environ))
    as_module = argv[:1] == ["-m"]
    argv = argv[1:] if as_module else argv
    sys.argv = list(argv)
    # sys.path[0] is this file's folder: make it what ``python script.py`` (or -m) would have
    sys.path[0] = os.getcwd() if as_module else os.path.dirname(os.path.abspath(argv[0]))
    if as_module:
        runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
    else:
        runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
