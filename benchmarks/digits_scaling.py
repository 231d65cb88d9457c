"""Scaling of ``examples/train_digits.py --ddp``: time per epoch and final accuracy on 1, 2 and 3
ranks under the launcher, against the single-process run with the same global batch.

    python benchmarks/digits_scaling.py [--epochs 12] [--batch-size 48] [--repeats 1]

Method. Every configuration trains the same model from the same seed on the same global batch
(48 by default: it divides among 1, 2 and 3 ranks), without dropout, so all runs compute the same
training up to the order of the gradient sums; each run is a fresh process (or set of ranks),
configurations alternate when repeated, and a row shows the median over the repeats. Time per
epoch is the script's own wall-clock time (from before the data is loaded to the end of the last
epoch's evaluation) divided by the epochs. The weight difference is the largest absolute
difference of any weight from the single-process checkpoint. One BLAS thread a rank.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "train_digits.py"
RESULT = re.compile(r"test accuracy ([\d.]+)% after (\d+) epochs in ([\d.]+)s on (\d+) rank")


def command(ranks: int | None, args, out: Path) -> list[str]:
    """The single process (``ranks`` None) or the launcher on ``ranks`` ranks."""
    script = [str(EXAMPLE), "--quiet", "--epochs", str(args.epochs), "--dropout", "0",
              "--batch-size", str(args.batch_size), "--out", str(out)]  # fmt: skip
    if ranks is None:
        return [sys.executable, *script]
    launcher = [sys.executable, "-m", "graphgrad.distributed.run", "--nproc-per-node", str(ranks)]
    return [*launcher, *script, "--ddp"]


def run(ranks: int | None, args, out: Path) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.run(command(ranks, args, out), env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout + proc.stderr)
    accuracy, epochs, seconds, _ = RESULT.search(proc.stdout).groups()
    name = "digits_graphgrad.ckpt" if ranks is None else f"digits_graphgrad_ddp{ranks}.ckpt"
    return {"accuracy": float(accuracy), "epoch_s": float(seconds) / int(epochs),
            "checkpoint": out / name}  # fmt: skip


def max_difference(a: Path, b: Path) -> float:
    import graphgrad as torch

    one, two = torch.load(a), torch.load(b)
    return max(float(np.abs(one[k].numpy() - two[k].numpy()).max()) for k in one)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=48)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    configs = [None, 1, 2, 3]
    runs: dict = {c: [] for c in configs}
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            for c in configs:
                runs[c].append(run(c, args, Path(tmp)))
                print(f"  {c or 'single'}: {runs[c][-1]['epoch_s']:.2f} s/epoch", flush=True)
        single = runs[None][-1]["checkpoint"]
        diffs = {c: max_difference(single, runs[c][-1]["checkpoint"]) for c in configs}
    base = np.median([r["epoch_s"] for r in runs[None]])
    print(f"load average {os.getloadavg()[0]:.1f} at the end\n")
    print("| run | s/epoch | speedup | final accuracy | max weight difference |")
    print("|---|---|---|---|---|")
    for c in configs:
        t = np.median([r["epoch_s"] for r in runs[c]])
        name = "single process" if c is None else f"DDP, {c} rank{'s' if c > 1 else ''}"
        print(f"| {name} | {t:.2f} | {base / t:.2f} | {runs[c][-1]['accuracy']:.2f}% | "
              f"{diffs[c]:.1e} |")  # fmt: skip


if __name__ == "__main__":
    main()
