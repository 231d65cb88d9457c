# ruff: noqa: N803, N806 - the module under test is ``T`` (graphgrad or torch), matrices A, B, G
"""Measurements that need a process of their own: peak memory (W7, W8) and import time.

Run by ``run.py`` as ``python child.py MODE SYSTEM [N]``; prints one JSON object. Peak memory is
the process's resident-set high-water mark (``VmHWM``, reset through ``/proc/self/clear_refs``)
minus its resident set just before the workload, so the interpreter, the libraries and the
model's parameters are not counted; the same measure serves NumPy-backed graphgrad and PyTorch's
C++ allocator alike.

>>> # python benchmarks/child.py w7 graphgrad 100000  ->  {"time_s": ..., "peak_mib": ...}
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import gc  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        return int(re.search(rf"{field}:\s+(\d+)", f.read()).group(1))


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current resident set (Linux >= 4.0)


class PeakMeter:
    """Resident-set growth over a block: ``peak_mib`` once the block has run."""

    def __enter__(self) -> PeakMeter:
        gc.collect()
        self.before = _status_kib("VmRSS")
        _reset_peak()
        return self

    def __exit__(self, *exc) -> None:
        high = _status_kib("VmHWM")
        self.peak_mib = (high - self.before) / 1024
        self.process_peak_mib = high / 1024  # interpreter and libraries included


def _load(system: str):
    T = importlib.import_module(system)
    if system == "torch":
        T.set_num_threads(1)
    return T


def chain_scalar(system: str, n_ops: int) -> dict:
    """W7: ``n_ops`` chained ops (mul, add, tanh) on a one-element tensor, then backward."""
    T = _load(system)
    blocks = n_ops // 3

    def run(blocks: int) -> None:
        x = T.tensor([0.5], requires_grad=True)
        y = x
        for _ in range(blocks):
            y = (y * 0.9 + 0.1).tanh()
        y.sum().backward()

    run(10)  # warm-up: lazily loaded code and caches are not part of the graph's cost
    with PeakMeter() as meter:
        start = time.perf_counter()
        run(blocks)
        elapsed = time.perf_counter() - start
    return {
        "time_s": elapsed,
        "peak_mib": meter.peak_mib,
        "process_peak_mib": meter.process_peak_mib,
        "ops": 3 * blocks + 1,
    }


def mlp_memory(system: str, batch: int) -> dict:
    """W8: peak memory of W5's training step (model and data already in memory)."""
    import workloads

    T = _load(system)
    small = workloads.mlp(T, 2)
    small()  # warm-up on a tiny batch: code paths, not buffers of the measured size
    del small
    step = workloads.mlp(T, batch)
    with PeakMeter() as meter:
        for _ in range(5):
            step()
    return {"peak_mib": meter.peak_mib}


def import_time(system: str) -> dict:
    start = time.perf_counter()
    importlib.import_module(system)
    return {"time_s": time.perf_counter() - start}


def main(argv: list[str]) -> None:
    mode, system = argv[0], argv[1]
    if mode == "w7":
        out = chain_scalar(system, int(argv[2]))
    elif mode == "w8":
        out = mlp_memory(system, int(argv[2]))
    elif mode == "import":
        out = import_time(system)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
