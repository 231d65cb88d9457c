# ruff: noqa: N803, N806 - the module under test is ``T`` (graphgrad or torch), matrices A, B, G
"""Benchmark graphgrad against PyTorch (when installed) and hand-written NumPy: W1-W8, import.

``make bench`` (or ``python benchmarks/run.py``) prints one Markdown table. Method: every system
runs the same program (``workloads.py``; ``numpy_ref.py`` for NumPy by hand), BLAS and PyTorch
limited to one thread; each is warmed up, then the systems alternate, round after round, each
round timing a batch of calls long enough to swamp the timer. A row shows each system's median
time per call and the paired ratio (graphgrad over the other system within the same round):
median [min-max] over the rounds. Before timing, each workload's gradients are checked equal
across the systems, so all sides compute the same thing. Peak memory and import time are measured
in fresh processes (``child.py``), alternating systems as well.

    python benchmarks/run.py [--quick] [--only W1,W5] [--json out.json]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy loads its BLAS: quote 1-thread numbers

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import numpy_ref as ref  # noqa: E402
import workloads as wl  # noqa: E402
from report import Row, machine_line, print_compiled_table, print_table  # noqa: E402

import graphgrad  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # the comparison columns stay empty
    torch = None

GG, PT, NP, CG = "graphgrad", "torch", "numpy", "compiled"
COMPILED_ROWS = ("W1", "W2", "W3", "W3'", "W4a", "W4b", "W5a", "W5b")


# -- timing -------------------------------------------------------------------------------------
def _batch(step, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - start) / n


def _calibrate(step, min_time: float) -> int:
    """How many calls make a batch of at least ``min_time`` seconds."""
    n = 1
    while True:
        t = _batch(step, n) * n
        if t >= min_time:
            return n
        n = max(n * 2, int(n * min_time / max(t, 1e-9) * 1.2))


def measure(steps: dict, rounds: int, min_time: float) -> dict[str, list[float]]:
    """Seconds per call, one value per round, the systems taking turns within each round."""
    for step in steps.values():
        for _ in range(3):
            step()
    sizes = {name: _calibrate(step, min_time) for name, step in steps.items()}
    names = list(steps)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            gc.collect()
            times[name].append(_batch(steps[name], sizes[name]))
    return times


# -- gradient check -----------------------------------------------------------------------------
def _as_numpy(value) -> np.ndarray:
    if isinstance(value, np.ndarray | np.generic):
        return np.asarray(value, np.float64)
    return np.asarray(value.detach().numpy(), np.float64)


def check_grads(key: str, results: dict[str, list]) -> None:
    """Every system's gradients equal graphgrad's (normwise, float32 accuracy)."""
    base = [_as_numpy(g) for g in results[GG]]
    for name, grads in results.items():
        other = [_as_numpy(g) for g in grads]
        assert len(other) == len(base), (key, name)
        for i, (a, b) in enumerate(zip(base, other)):
            scale = max(float(np.abs(b).max(initial=0.0)), 1e-6)
            err = float(np.abs(a - b).max(initial=0.0))
            if a.shape != b.shape or err > 2e-4 * scale:
                raise AssertionError(f"{key}: gradient {i} differs from {name}'s ({err:.3g})")


# -- the workloads ------------------------------------------------------------------------------
def _systems(builders: dict) -> dict:
    """The steps of the systems available here (PyTorch only when installed)."""
    steps = {}
    for name, build in builders.items():
        if name == PT and torch is None:
            continue
        steps[name] = build()
    return steps


def timed_workloads() -> list[tuple]:
    """(key, label, builders, ops per call) for the in-process timings."""
    T = graphgrad
    return [
        ("W1", "seed example 1 (create x, x**2+3, backward)",
         {GG: lambda: wl.w1_seed1(T), PT: lambda: wl.w1_seed1(torch), NP: ref.np_seed1}, 1),
        ("W2", "seed example 2 (3x3 polynomial, sum, backward)",
         {GG: lambda: wl.w2_seed2(T), PT: lambda: wl.w2_seed2(torch), NP: ref.np_seed2}, 1),
        ("W3", "seed example 4 as written (randn leaves) + SGD update",
         {GG: lambda: wl.w3_seed4(T), PT: lambda: wl.w3_seed4(torch)}, 1),
        ("W3'", "seed example 4, leaves from fixed arrays (no RNG) + SGD update",
         {GG: lambda: wl.w3_seed4_graph(T), PT: lambda: wl.w3_seed4_graph(torch),
          NP: ref.np_seed4}, 1),
        ("W4a", "1000 chained ops (mul, add, tanh), 1 element, per op",
         {GG: lambda: wl.chain(T, 1), PT: lambda: wl.chain(torch, 1), NP: lambda: ref.np_chain(1)},
         wl.CHAIN_OPS),
        ("W4b", "1000 chained ops (mul, add, tanh), 1000 elements, per op",
         {GG: lambda: wl.chain(T, 1000), PT: lambda: wl.chain(torch, 1000),
          NP: lambda: ref.np_chain(1000)}, wl.CHAIN_OPS),
        ("W5a", "MLP 784-256-256-10 SGD step, batch 128, 1 thread",
         {GG: lambda: wl.mlp(T, 128), PT: lambda: wl.mlp(torch, 128),
          NP: lambda: ref.np_mlp(128)}, 1),
        ("W5c", "W5a with only the model compiled (torch.compile(model); backward, SGD eager)",
         {GG: lambda: wl.mlp(T, 128), PT: lambda: wl.mlp(torch, 128),
          NP: lambda: ref.np_mlp(128), CG: lambda: wl.mlp(T, 128, compile_model=True)}, 1),
        ("W5b", "MLP 784-256-256-10 SGD step, batch 1024, 1 thread",
         {GG: lambda: wl.mlp(T, 1024), PT: lambda: wl.mlp(torch, 1024),
          NP: lambda: ref.np_mlp(1024)}, 1),
        ("W6", "1024^2 matmul forward+backward (3 matmuls), 1 thread",
         {GG: lambda: wl.matmul(T), PT: lambda: wl.matmul(torch), NP: ref.np_matmul}, 1),
    ]  # fmt: skip


def _check(key: str, builders: dict) -> None:
    # W3 draws from the RNG, so only systems with the same stream compare (not NumPy by hand);
    # the compiled step is compared with eager graphgrad apart, bit for bit (compiled_bits).
    systems = _systems({k: v for k, v in builders.items() if k != CG})
    check_grads(key, {name: step() for name, step in systems.items()})


def _with_compiled(key: str, builders: dict) -> dict:
    """``builders`` plus graphgrad.compile of graphgrad's step, for the rows issue 15 names."""
    if key not in COMPILED_ROWS or CG in builders:  # (W5c compiles the model only)
        return builders
    eager = builders[GG]
    return {**builders, CG: lambda: graphgrad.compile(eager())}


def compiled_bits(builders: dict, calls: int = 4) -> bool:
    """Whether ``calls`` compiled calls give eager graphgrad's results bit for bit (each side
    built fresh, one after the other: a builder may seed the shared RNG)."""

    def run(step) -> list:
        return [[np.asarray(g.detach().numpy()).tobytes() for g in step()] for _ in range(calls)]

    return run(builders[GG]()) == run(builders[CG]())


def fresh_calls(build, calls: int = 1, warm: int = 8, tries: int = 15) -> float:
    """Seconds of the first ``calls`` calls of a fresh step (``build()``): the median of
    ``tries`` fresh steps, after ``warm`` more. For a compiled step the first call is the eager
    call that records, the second the check. Compiled and eager steps are timed the same way
    (fresh, timed alone), and warmed the same way: Python specializes a function's bytecode
    over its first calls, so the first few recordings in a process cost up to twice as much,
    and the process's very first one several times more."""
    times = []
    for _ in range(warm + tries):
        step = build()
        start = time.perf_counter()
        for _ in range(calls):
            step()
        times.append(time.perf_counter() - start)
    return statistics.median(times[warm:])


def first_calls(builders: dict, ops: int) -> dict:
    """What compiling costs before it pays, per op: the first call of a fresh compiled step
    and of a fresh eager one, and the first ten calls of each (the issue's "a loop of 10
    steps is already faster than eager")."""
    return {
        "first": fresh_calls(builders[CG]) / ops,
        "first_eager": fresh_calls(builders[GG]) / ops,
        "ten": fresh_calls(builders[CG], 10, warm=3, tries=7) / ops,
        "ten_eager": fresh_calls(builders[GG], 10, warm=3, tries=7) / ops,
    }


def run_timed(args, extra: dict) -> list[Row]:
    rows = []
    for key, label, builders, ops in timed_workloads():
        if args.only and key.rstrip("'abc") not in args.only:
            continue
        builders = _with_compiled(key, builders)
        _check(key, builders)
        if CG in builders:
            extra.setdefault("compiled_bits", {})[key] = compiled_bits(builders)
            extra.setdefault("first_call", {})[key] = first_calls(builders, ops)
        times = measure(_systems(builders), args.rounds, args.min_time)
        rows.append(Row(key, label, {k: [t / ops for t in v] for k, v in times.items()}))
        print(f"  {key} done", file=sys.stderr, flush=True)
    return rows


# -- fresh processes: memory and import ---------------------------------------------------------
def _child(*argv: str, bytecode: bool = True) -> dict:
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed packages are: compiled once
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, "child.py"), *argv],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _alternate(argv_of, systems: list[str], reps: int) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {s: [] for s in systems}
    for r in range(reps):
        k = r % len(systems)
        for s in systems[k:] + systems[:k]:
            results[s].append(_child(*argv_of(s)))
    return results


def _field_row(key: str, label: str, res: dict, field: str, unit: str = "s") -> Row:
    """A row from the child processes' results: one ``field`` per run, per system."""
    return Row(key, label, {s: [r[field] for r in v] for s, v in res.items()}, unit=unit)


def run_processes(args) -> tuple[list[Row], dict]:
    systems = [GG] + ([PT] if torch is not None else [])
    rows, extra = [], {}
    reps = 3 if args.quick else 5
    if not args.only or "W7" in args.only:
        res = _alternate(lambda s: ("w7", s, "100000"), systems, reps)
        rows.append(_field_row("W7", "100,000 chained scalar ops + backward: time", res, "time_s"))
        rows.append(
            _field_row(
                "W7m",
                "100,000 chained scalar ops + backward: peak memory",
                res,
                "peak_mib",
                unit="MiB",
            )
        )
        rows.append(
            _field_row(
                "W7p",
                "the same, peak memory of the whole process",
                res,
                "process_peak_mib",
                unit="MiB",
            )
        )
        if not (args.quick or args.no_million):  # a million ops: it works, in linear time
            big = [_child("w7", GG, "1000000")]
            extra["W7_1M"] = {
                "time_s": [b["time_s"] for b in big],
                "peak_mib": [b["peak_mib"] for b in big],
            }
            extra["W7_100k_time_s"] = res[GG]
    if not args.only or "W8" in args.only:
        res = _alternate(lambda s: ("w8", s, "1024"), systems, reps)
        rows.append(
            _field_row(
                "W8",
                "peak memory of W5's step, batch 1024 (own process)",
                res,
                "peak_mib",
                unit="MiB",
            )
        )
    if not args.only or "import" in args.only:
        for s in systems:
            _child("import", s)  # compile bytecode once, as installing a package does
        res = _alternate(lambda s: ("import", s), systems, 3 * reps)
        rows.append(
            _field_row("import", "import graphgrad / import torch (fresh process)", res, "time_s")
        )
    return rows, extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, shorter batches")
    parser.add_argument("--only", default="", help="comma-separated keys: W1,...,W8,import")
    parser.add_argument("--json", default="", help="also write the raw timings here")
    parser.add_argument("--rounds", type=int, default=0)
    parser.add_argument("--no-million", action="store_true", help="skip W7's million-op run")
    args = parser.parse_args()
    args.only = [k for k in args.only.split(",") if k]
    args.rounds = args.rounds or (7 if args.quick else 21)
    args.min_time = 0.02 if args.quick else 0.05
    started = time.time()
    compiled: dict = {}
    rows = run_timed(args, compiled)
    proc_rows, extra = run_processes(args)
    extra.update(compiled)
    rows += proc_rows
    print(machine_line(torch, platform, started))
    print_table(rows, extra)
    print_compiled_table(rows, extra)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": [r.as_dict() for r in rows], "extra": extra}, f, indent=1)


if __name__ == "__main__":
    main()
