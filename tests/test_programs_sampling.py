"""Programs of the kinds issue 12 lists (tests/programs/), run under torch and graphgrad: the
output must be the same.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.py"))


def _run(program: Path, module: str) -> str:
    run = subprocess.run(
        [sys.executable, str(program), module], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program_prints_what_torch_prints(program):
    pytest.importorskip("torch")
    assert _run(program, "graphgrad") == _run(program, "torch")
