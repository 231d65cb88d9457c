"""The distributed tests proper, each a worker script run under ``mpiexec -n 2`` and ``-n 3``
(they skip, saying why, where mpi4py or mpiexec is missing)."""

from __future__ import annotations

import re
import sys
import time

import pytest

from ._mpirun import ROOT, WORKERS, require_mpi, run_ranks, run_worker


@pytest.mark.parametrize("n", [2, 3])
def test_collectives(n):
    run_worker("collectives", n)


@pytest.mark.parametrize("n", [2, 3])
def test_distributed_data_parallel(n):
    run_worker("ddp", n)


def test_a_hung_rank_times_out_the_others():
    out = run_worker("timeout", 2)
    assert "rank 0 timed out after" in out and "rank 0 refused" in out


def test_a_dead_rank_ends_the_job_instead_of_hanging():
    start = time.monotonic()
    proc = run_ranks(2, [str(WORKERS / "dies.py")], timeout=30)
    assert proc.returncode != 0, proc.stdout
    assert "without rank 1" not in proc.stdout
    assert time.monotonic() - start < 20


def test_launcher_sets_torchrun_environment():
    require_mpi()
    import subprocess

    from ._mpirun import env

    cmd = [sys.executable, "-m", "graphgrad.distributed.run", "--nproc-per-node", "2",
           str(WORKERS / "launched.py")]  # fmt: skip
    proc = subprocess.run(
        cmd, env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # (two ranks share the pipe: their lines may run together, so match, not split)
    lines = sorted(re.findall(r"RANK=\d .*?sum=[\d.]+", proc.stdout))
    assert lines == [
        f"RANK={r} LOCAL_RANK={r} WORLD_SIZE=2 LOCAL_WORLD_SIZE=2 GROUP_RANK=0 sum=1.0"
        for r in range(2)
    ]


def test_train_digits_ddp_matches_single_process(tmp_path):
    """examples/train_digits.py --ddp on 2 ranks ends with the single-process weights."""
    for name in ("sklearn", "tqdm", "matplotlib", "safetensors"):
        pytest.importorskip(name)
    require_mpi()
    import subprocess

    import numpy as np

    import graphgrad as torch

    from ._mpirun import env

    example = str(ROOT / "examples" / "train_digits.py")
    common = ["--quiet", "--epochs", "1", "--dropout", "0", "--out", str(tmp_path)]
    launcher = [sys.executable, "-m", "graphgrad.distributed.run", "--nproc-per-node", "2"]
    outputs = []
    for cmd in ([sys.executable, example, *common], [*launcher, example, "--ddp", *common]):
        proc = subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        outputs.append(proc.stdout)
    accuracy = [out.split("test accuracy ")[1].split("%")[0] for out in outputs]
    assert accuracy[0] == accuracy[1] and "on 2 rank(s)" in outputs[1]
    single = torch.load(tmp_path / "digits_graphgrad.ckpt")
    ddp = torch.load(tmp_path / "digits_graphgrad_ddp2.ckpt")
    assert list(single) == list(ddp)
    for key in single:  # float32: the ranks' gradient sums round differently
        np.testing.assert_allclose(ddp[key].numpy(), single[key].numpy(), rtol=0, atol=1e-5)
