"""Run a folder of PyTorch programs twice, once with torch and once with graphgrad, and compare.

Usage: python scripts/run_programs.py DIR [NAME ...] [--timeout SECONDS] [--show]

Every ``*.py`` at the top of DIR (not starting with ``_``) is a program, and so is every
``main.py`` one folder down (a program of several modules, named after its folder). The folder
that holds the program is copied to a scratch directory for each side, so a program may import
helper modules or packages that sit beside it and read data files there. On the graphgrad side
only the import lines of every ``.py`` file in the copy change (``import torch`` ->
``import graphgrad as torch``, ``from torch.nn import X`` -> ``from graphgrad.nn import X``...).
A file ``NAME.args`` beside ``NAME.py`` (``main.args`` beside ``main.py``) holds the
command-line arguments (one line, split like a shell would). Before a program starts, both
sides seed Python's, NumPy's and the torch module's global generators with 0 (many tutorials
never seed, and would print something new on every run); a program that seeds itself
overrides this. ``PYTHONHASHSEED`` is 0 on both sides, so a ``set`` of words (a vocabulary)
is walked in the same order by both.

Each program is reported as ``matched`` (same stdout), ``differs`` (first differing line shown)
or ``fails`` (non-zero exit on the graphgrad side: the last line of its stderr), and the run
exits with 1 when any program did not match. Timings such as ``12.34ms`` and ``1m 4s`` are
masked on both sides.
A difference is tried again number by number: ``differs, close (rtol 1e-04)`` means the same
text with every number within ``--rtol`` (relative, plus ``--atol`` absolute): float32 rounding
that the program prints in full, not a wrong result. ``--float64`` runs both sides with float64
as the default dtype and ``torch.float``/``torch.float32`` read as ``torch.float64``, to show that
a float32 difference is rounding.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Import forms and their graphgrad spellings; the module path after ``torch`` stays as it is.
IMPORTS = [
    (re.compile(r"^(\s*)import torch\s*$", re.M), r"\1import graphgrad as torch"),
    (re.compile(r"^(\s*)import torch as (\w+)", re.M), r"\1import graphgrad as \2"),
    (re.compile(r"^(\s*)import torch\.([\w.]+) as (\w+)", re.M), r"\1import graphgrad.\2 as \3"),
    (re.compile(r"^(\s*)import torch\.([\w.]+)\s*$", re.M), r"\1import graphgrad as torch"),
    (re.compile(r"^(\s*)from torch(\.[\w.]+)? import ", re.M), r"\1from graphgrad\2 import "),
]


def ported(text: str) -> str:
    """``text`` with its torch imports switched to graphgrad."""
    for pattern, replacement in IMPORTS:
        text = pattern.sub(replacement, text)
    return text


FLOAT32 = re.compile(r"torch\.float(32)?\b")


def run_side(program: Path, args: list[str], graphgrad: bool, timeout: float, float64: bool):
    """Run ``program`` (with the folder around it) in a scratch copy; the finished process."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "prog"
        shutil.copytree(program.parent, work)
        for source in work.rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            text = ported(text) if graphgrad else text
            text = FLOAT32.sub("torch.float64", text) if float64 else text
            source.write_text(text, encoding="utf-8")
        module = "graphgrad" if graphgrad else "torch"
        default_dtype = "torch.set_default_dtype(torch.float64); " if float64 else ""
        starter = (
            f"import random, runpy, sys, numpy; import {module} as torch; torch.manual_seed(0); "
            f"{default_dtype}random.seed(0); numpy.random.seed(0); "
            f"sys.argv = {[program.name, *args]!r}; "
            f"runpy.run_path({program.name!r}, run_name='__main__')"
        )
        try:
            return subprocess.run(
                [sys.executable, "-c", starter],
                cwd=work,
                env={**os.environ, "PYTHONHASHSEED": "0"},
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as timed_out:
            return subprocess.CompletedProcess(timed_out.cmd, -1, "", f"timed out after {timeout}s")


def compare(program: Path, timeout: float, show: bool, tolerance, float64: bool) -> str:
    """One line that says how ``program`` fared under graphgrad against torch."""
    args_file = program.with_suffix(".args")
    args = shlex.split(args_file.read_text()) if args_file.exists() else []
    theirs = run_side(program, args, graphgrad=False, timeout=timeout, float64=float64)
    ours = run_side(program, args, graphgrad=True, timeout=timeout, float64=float64)
    if theirs.returncode:
        same = "as graphgrad does" if last_line(ours.stderr) == last_line(theirs.stderr) else ""
        return f"torch fails {same}: {last_line(theirs.stderr)} / ours: {last_line(ours.stderr)}"
    if ours.returncode:
        printed = masked(ours.stdout).splitlines()
        same = printed == masked(theirs.stdout).splitlines()[: len(printed)]
        before = f"after {len(printed)} {'matching' if same else 'differing'} lines"
        return f"fails {before}: {last_line(ours.stderr)}"
    theirs_out, ours_out = masked(theirs.stdout), masked(ours.stdout)
    if ours_out == theirs_out:
        return f"matched ({len(theirs_out.splitlines())} lines)"
    near = close(ours_out, theirs_out, tolerance)
    rounded = f"differs, close (rtol {tolerance[0]:.0e})" if near else "differs"
    diff = list(difflib.unified_diff(theirs_out.splitlines(), ours_out.splitlines(), n=0))
    changed = [line for line in diff[2:] if line[:1] in "+-"]
    if show:
        print("\n".join(diff[:40]))
    return f"{rounded} ({len(changed) // 2 or 1} lines): {changed[0]!r} / {changed[-1]!r}"


# Seconds and milliseconds, "1m 4s" (PyTorch tutorials' timeSince), ms/batch and nanoGPT's mfu.
TIMING = re.compile(
    r"\d+m \d+s\b|\d+(\.\d+)?\s*(ms|s)\b|(?<=ms/batch)\s*\d+\.\d+|(?<=mfu )-?\d+\.\d+%"
)
DECIMAL = re.compile(r"-?\d+(\.\d+)?(e[-+]?\d+)?")


ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def masked(text: str) -> str:
    """``text`` with its timings and object addresses masked."""
    return ADDRESS.sub(" at 0x...", TIMING.sub("<time>", text))


def close(ours: str, theirs: str, tolerance: tuple[float, float]) -> bool:
    """Whether the two outputs are the same text around numbers that agree within tolerance."""
    if DECIMAL.sub("#", ours) != DECIMAL.sub("#", theirs):
        return False
    rtol, atol = tolerance
    pairs = zip(DECIMAL.finditer(ours), DECIMAL.finditer(theirs))
    return all(
        abs(float(a.group()) - float(b.group()))
        <= rtol * max(abs(float(a.group())), abs(float(b.group()))) + atol
        for a, b in pairs
    )


def last_line(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


def name_of(program: Path) -> str:
    return program.parent.name if program.name == "main.py" else program.stem


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("names", nargs="*", help="program names to run (default: all)")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-6)
    parser.add_argument("--float64", action="store_true", help="run both sides in float64")
    parser.add_argument("--show", action="store_true", help="print the diff of each difference")
    options = parser.parse_args(argv[1:])
    programs = sorted(p for p in options.folder.glob("*.py") if not p.name.startswith("_"))
    programs += sorted(options.folder.glob("*/main.py"))
    if options.names:
        programs = [p for p in programs if name_of(p) in options.names]
    bad = 0
    for program in programs:
        verdict = compare(
            program, options.timeout, options.show, (options.rtol, options.atol), options.float64
        )
        bad += not verdict.startswith("matched")
        print(f"{name_of(program)}: {verdict}", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
