"""graphgrad.multiprocessing: Python's module, with torch.multiprocessing's ``spawn`` (the DDP
tutorials import it even where the launcher starts the ranks)."""

from __future__ import annotations

import multiprocessing

import pytest

import graphgrad
import graphgrad.multiprocessing as mp


def _square_into(i: int, queue, scale: float) -> None:
    queue.put((i, (graphgrad.tensor(float(i)) * scale).item()))


def _fails_on_one(i: int) -> None:
    if i == 1:
        raise ValueError("bad input on 1")


def _exits_with(i: int, code: int) -> None:
    raise SystemExit(code if i == 0 else 0)


def test_spawn_runs_the_function_in_each_process():
    # before: ModuleNotFoundError (pytorch/examples' multigpu_torchrun.py imports it)
    queue = multiprocessing.get_context("spawn").SimpleQueue()
    assert mp.spawn(_square_into, args=(queue, 2.0), nprocs=2) is None
    assert sorted(queue.get() for _ in range(2)) == [(0, 0.0), (1, 2.0)]
    context = mp.spawn(_square_into, args=(queue, 3.0), nprocs=1, join=False)
    assert isinstance(context, mp.ProcessContext) and len(context.pids()) == 1
    while not context.join():
        pass
    assert queue.get() == (0, 0.0)


def test_a_failing_process_raises_in_the_parent_with_its_traceback():
    with pytest.raises(mp.ProcessRaisedException) as raised:
        mp.spawn(_fails_on_one, nprocs=2)
    assert raised.value.error_index == 1 and raised.value.error_pid > 0
    text = str(raised.value)
    assert text.startswith("\n\n-- Process 1 terminated with the following error:\nTraceback")
    assert text.rstrip().endswith("ValueError: bad input on 1")
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with exit code 3"):
        mp.spawn(_exits_with, args=(3,), nprocs=2)


def test_pythons_names_and_the_sharing_strategies():
    assert mp.Process is multiprocessing.Process and mp.get_context is multiprocessing.get_context
    assert mp.get_all_sharing_strategies() == {"file_descriptor", "file_system"}
    mp.set_sharing_strategy("file_system")
    assert mp.get_sharing_strategy() == "file_system"
    mp.set_sharing_strategy("file_descriptor")
    with pytest.raises(AssertionError, match="invalid sharing strategy 'x'"):
        mp.set_sharing_strategy("x")
    assert graphgrad.multiprocessing is mp
