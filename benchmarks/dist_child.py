"""One rank of the distributed benchmarks (started by distributed.py under the launcher).

    dist_child.py steps {graphgrad,torch} {mlp,cnn} STEPS   time per DDP training step
    dist_child.py allreduce SIZES_BYTES ROUNDS              all_reduce vs mpi4py's Allreduce

Prints one JSON line from rank 0.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import importlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

PER_RANK_BATCH = {"mlp": 64, "cnn": 32}


def make_model(T, kind: str):
    nn = T.nn
    T.manual_seed(0)
    if kind == "mlp":
        return nn.Sequential(
            nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)
        )
    return nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10),
    )  # fmt: skip


def batch(T, kind: str, rank: int):
    rng = np.random.default_rng(rank)
    n = PER_RANK_BATCH[kind]
    shape = (n, 784) if kind == "mlp" else (n, 1, 28, 28)
    x = T.tensor(rng.standard_normal(shape).astype(np.float32))
    return x, T.tensor(rng.integers(0, 10, n))


def time_steps(framework: str, kind: str, steps: int) -> None:
    T = importlib.import_module(framework)
    if framework == "torch":
        T.set_num_threads(1)
    dist = importlib.import_module(f"{framework}.distributed")
    dist.init_process_group("gloo")
    rank = dist.get_rank()
    model = T.nn.parallel.DistributedDataParallel(make_model(T, kind))
    opt = T.optim.SGD(model.parameters(), lr=0.01)
    x, y = batch(T, kind, rank)

    def step():
        opt.zero_grad()
        T.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(3):
        step()
    times = []
    for _ in range(steps):
        dist.barrier()
        start = time.perf_counter()
        step()
        dist.barrier()  # the slowest rank's step
        times.append(time.perf_counter() - start)
    if rank == 0:
        print(json.dumps({"median_s": float(np.median(times)), "min_s": min(times)}))
    dist.destroy_process_group()


def time_allreduce(sizes: list[int], rounds: int) -> None:
    from mpi4py import MPI

    import graphgrad as gg
    import graphgrad.distributed as dist

    dist.init_process_group("mpi")
    comm = MPI.COMM_WORLD
    out = {}
    for nbytes in sizes:
        # zeros: sums stay 0, so no call works on infinities or subnormals the others do not
        a, control = np.zeros(nbytes // 4, np.float32), np.zeros(nbytes // 4, np.float32)
        t = gg.zeros(nbytes // 4)
        calls = {
            "raw": lambda: comm.Allreduce(MPI.IN_PLACE, a, MPI.SUM),
            "ours": lambda: dist.all_reduce(t),
            "control": lambda: comm.Allreduce(MPI.IN_PLACE, control, MPI.SUM),
        }
        times = {k: [] for k in calls}
        rng = np.random.default_rng(0)  # the same orders on every rank
        for _ in range(10):  # warm-up: first-touch page faults, MPI's internal buffers
            for call in calls.values():
                call()
        for _ in range(rounds):  # interleaved, so all see the same machine load
            # in a random order: no call always runs first, or always after the same other call
            for name in rng.permutation(list(calls)):
                comm.Barrier()
                start = time.perf_counter()
                calls[name]()
                times[name].append(time.perf_counter() - start)
        raw = np.array(times["raw"])
        out[nbytes] = {f"{k}_s": float(np.median(v)) for k, v in times.items()}
        out[nbytes].update({f"{k}_min_s": float(np.min(v)) for k, v in times.items()})
        out[nbytes].update({f"{k}_p10_s": float(np.percentile(v, 10)) for k, v in times.items()})
        for name, key in (("ours", "ratio"), ("control", "control_ratio")):
            ratios = np.array(times[name]) / raw
            out[nbytes][key] = float(np.median(ratios))
            out[nbytes][key + "_iqr"] = [float(q) for q in np.percentile(ratios, [25, 75])]
    if comm.Get_rank() == 0:
        print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "steps":
        time_steps(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        time_allreduce([int(s) for s in sys.argv[2].split(",")], int(sys.argv[3]))
