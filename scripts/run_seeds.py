"""Run example programs with only their imports changed, and print what each prints.

Usage: python scripts/run_seeds.py [DIR]     (DIR defaults to examples/basics)

Each ``example*.py`` in DIR gets ``import torch`` -> ``import graphgrad as torch`` and
``from torchviz import make_dot`` -> ``from graphgrad.viz import make_dot``; nothing else changes,
so PyTorch programs run as they are, and programs written for graphgrad pass through.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from graphgrad.viz.seed_graphs import ported_source


def run(path: Path) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / path.name
        script.write_text(ported_source(path))
        return subprocess.run(
            [sys.executable, str(script)], cwd=tmp, capture_output=True, text=True, timeout=60
        )


def main(argv: list[str]) -> int:
    seed_dir = Path(argv[1] if len(argv) > 1 else Path(__file__).parents[1] / "examples/basics")
    examples = sorted(seed_dir.glob("example*.py"))
    if not examples:
        print(f"no example*.py in {seed_dir}", file=sys.stderr)
        return 1
    failed = 0
    for path in examples:
        print(f"== {path.name}")
        result = run(path)
        sys.stdout.write(result.stdout)
        if result.returncode:
            failed += 1
            sys.stdout.write(result.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
