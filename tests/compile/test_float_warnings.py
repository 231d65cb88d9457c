"""A replay computes through overflow silently, as eager graphgrad (and PyTorch) do.

Run in a fresh interpreter, with Python's default warning filters: a leaked warning is printed
on stderr (graphgrad's filter is set at import, which pytest's per-test capture would reset).
"""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import graphgrad as torch
step = torch.compile(lambda x: x * 10)
x = torch.tensor([3e38], dtype=torch.float32)
print([step(x).tolist() for _ in range(4)])  # record, check, then replay twice
"""


def test_replay_leaks_no_numpy_warning():
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and out.stderr == "", out.stderr
    assert out.stdout.strip() == str([[float("inf")]] * 4)
