"""Distributed benchmarks: DDP step time and scaling on 1, 2 and 3 ranks (graphgrad on MPI
against torch.distributed's gloo DDP, in the same run), and all_reduce against mpi4py's raw
``Allreduce`` on NumPy arrays.

    nice python benchmarks/distributed.py [--steps 20] [--rounds 2000] [--only allreduce]
                                          [--json out.json]

Method. Weak scaling: every rank trains on its own batch of fixed size (MLP 784-512-512-10,
64 samples a rank; CNN of two 3x3 convolutions, 32 samples a rank), so N ranks do N times the
work of one; efficiency is t(1) / t(N), 100% when a step takes as long on N ranks as on one.
A step is timed between barriers (the slowest rank's step), median over ``--steps`` after 3
warm-up steps. graphgrad and torch run alternately, each config a fresh launch of
``dist_child.py`` under ``python -m graphgrad.distributed.run``, BLAS and torch at one thread a
rank. all_reduce: 2 ranks, float32 sums of zeros, after 10 untimed rounds; each round runs
mpi4py's ``Allreduce`` (raw), graphgrad's ``all_reduce`` and a second raw ``Allreduce`` (the
control), each after a barrier, in a random order each round (the same on both ranks); a
ratio is the median over the rounds of (that call's time / the same round's raw time), with its
interquartile range, so the control ratio (ideally 1) shows what the machine's noise does. The
ratio of the two calls' 10th-percentile times compares their least disturbed runs. On a shared
machine run it under ``nice``, as the numbers in docs/distributed.md were.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = [4 << 10, 64 << 10, 1 << 20, 4 << 20, 16 << 20]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(n: int, *args: str) -> dict:
    """Run dist_child.py on ``n`` ranks; rank 0's JSON line."""
    env = dict(os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=str(_free_port()))
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "graphgrad.distributed.run", "--nproc-per-node", str(n),
           str(HERE / "dist_child.py"), *args]  # fmt: skip
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])


def scaling(steps: int) -> dict:
    results = {}
    for kind in ("mlp", "cnn"):
        for n in (1, 2, 3):
            for framework in ("graphgrad", "torch"):
                r = launch(n, "steps", framework, kind, str(steps))
                results[(kind, n, framework)] = r["median_s"]
                print(f"  {kind} {n} rank(s) {framework}: {1e3 * r['median_s']:.2f} ms", flush=True)
    return results


def print_scaling(results: dict) -> None:
    print("\n| model | ranks | graphgrad ms/step | efficiency | torch gloo ms/step | efficiency "
          "| graphgrad / torch |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for kind in ("mlp", "cnn"):
        for n in (1, 2, 3):
            ours, theirs = results[(kind, n, "graphgrad")], results[(kind, n, "torch")]
            eff = results[(kind, 1, "graphgrad")] / ours
            teff = results[(kind, 1, "torch")] / theirs
            print(f"| {kind.upper()} | {n} | {1e3 * ours:.2f} | {100 * eff:.0f}% | "
                  f"{1e3 * theirs:.2f} | {100 * teff:.0f}% | {ours / theirs:.2f} |")  # fmt: skip


def print_bandwidth(results: dict) -> None:
    print("\n| size | mpi4py Allreduce | graphgrad all_reduce | ratio [IQR] | control [IQR] | "
          "ratio of 10th percentiles |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for size, r in results.items():
        label = f"{int(size) >> 20} MiB" if int(size) >= 1 << 20 else f"{int(size) >> 10} KiB"
        raw = f"{1e6 * r['raw_s']:.0f} us (p10 {1e6 * r['raw_p10_s']:.0f})"
        ours = f"{1e6 * r['ours_s']:.0f} us (p10 {1e6 * r['ours_p10_s']:.0f})"
        ratio, control = (_with_iqr(r, key) for key in ("ratio", "control_ratio"))
        low = r["ours_p10_s"] / r["raw_p10_s"]
        print(f"| {label} | {raw} | {ours} | {ratio} | {control} | {low:.3f} |")


def _with_iqr(r: dict, key: str) -> str:
    low, high = r[key + "_iqr"]
    return f"{r[key]:.3f} [{low:.2f}-{high:.2f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--only", choices=["scaling", "allreduce"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f} at start")  # fmt: skip
    steps = bandwidth = {}
    if args.only != "allreduce":
        steps = scaling(args.steps)
        print_scaling(steps)
    if args.only != "scaling":
        bandwidth = launch(2, "allreduce", ",".join(map(str, SIZES)), str(args.rounds))
        print_bandwidth(bandwidth)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    if args.json:
        data = {"steps": {"/".join(map(str, k)): v for k, v in steps.items()}}
        data["allreduce"] = bandwidth
        args.json.write_text(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
