"""Run the seed programs with only their imports changed, and print what each prints.

Usage: python scripts/run_seeds.py SEED_DIR

Each ``exampleN.py`` in SEED_DIR gets ``import torch`` -> ``import graphgrad as torch`` and
``from torchviz import make_dot`` -> ``from graphgrad.viz import make_dot``; nothing else changes.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

IMPORTS = (
    (re.compile(r"^import torch$", re.M), "import graphgrad as torch"),
    (re.compile(r"^from torchviz import make_dot$", re.M), "from graphgrad.viz import make_dot"),
)


def ported_source(path: Path) -> str:
    """The seed program with its two import lines switched to graphgrad."""
    text = path.read_text()
    for pattern, replacement in IMPORTS:
        text = pattern.sub(replacement, text)
    return text


def run(path: Path) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / path.name
        script.write_text(ported_source(path))
        return subprocess.run(
            [sys.executable, str(script)], cwd=tmp, capture_output=True, text=True, timeout=60
        )


def main(argv: list[str]) -> int:
    seed_dir = Path(argv[1] if len(argv) > 1 else "../shared/seed")
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
