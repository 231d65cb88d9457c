"""The one door to MPI: imports ``mpi4py`` on first use, so ``import graphgrad.distributed``
works (and ``is_available()`` answers) on a machine without it.

>>> isinstance(mpi_available(), bool)
True
"""

from __future__ import annotations

import importlib.util

_MPI = None


def mpi_available() -> bool:
    """Whether ``mpi4py`` (and so an MPI library) can be imported."""
    try:
        return importlib.util.find_spec("mpi4py") is not None
    except (ImportError, ValueError):  # ValueError: blocked with sys.modules["mpi4py"] = None
        return False


def mpi():
    """The ``mpi4py.MPI`` module (initialising MPI on first call)."""
    global _MPI
    if _MPI is None:
        if not mpi_available():
            raise RuntimeError(
                "graphgrad.distributed needs mpi4py and an MPI library: "
                "pip install 'graphgrad[dist]' (mpi4py and the mpich wheel)"
            )
        from mpi4py import MPI

        _MPI = MPI
    return _MPI
