"""graphgrad.multiprocessing: Python's module, with torch.multiprocessing's ``spawn`` (the DDP
tutorials import it even where the launcher starts the ranks)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

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


def _add_ones(model, times: int) -> None:
    with graphgrad.no_grad():
        for _ in range(times):
            model.weight.add_(1.0)


# (in a fresh interpreter: forking the test process, which runs threads, could deadlock)
_HOGWILD_BY_FORK = """
import multiprocessing
import graphgrad

def add_ones(model):
    with graphgrad.no_grad():
        for _ in range(3):
            model.weight.add_(1.0)

model = graphgrad.nn.Linear(2, 1).share_memory()
assert model.weight.is_shared() and model.bias.is_shared()
want = model.weight.detach().clone()
for _ in range(6):
    want += 1.0  # (the same float32 additions, in this process)
for _ in range(2):  # (one after the other: two writing at once could lose an update)
    worker = multiprocessing.get_context("fork").Process(target=add_ones, args=(model,))
    worker.start()
    worker.join()
    assert worker.exitcode == 0
assert model.weight.tolist() == want.tolist(), (model.weight, want)
print("shared")
"""


def test_shared_parameters_are_updated_by_forked_processes():
    # Hogwild (pytorch/examples' mnist_hogwild): before, share_memory() did not exist on a
    # module and share_memory_() did nothing, so each process would train its own copy and
    # the parent's model would stay as it was
    src = str(Path(graphgrad.__file__).resolve().parents[1])  # (this graphgrad, not another)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-c", _HOGWILD_BY_FORK],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "shared", done.stderr


def _times_three_from(queue, done) -> None:
    t = queue.get()
    t.mul_(3)
    done.put(t.sum().item())


@pytest.mark.parametrize("shared_first", [True, False])
def test_a_tensor_sent_to_a_spawned_process_is_shared(shared_first):
    # as PyTorch sends it: moved into shared memory, which the receiver maps too (before:
    # a pickled copy, whose updates the sender never saw; mnist_hogwild spawns its workers)
    weight = graphgrad.zeros(2, 3)
    if shared_first:
        weight.share_memory_()
    spawn = multiprocessing.get_context("spawn")
    process = spawn.Process(target=_add_ones, args=(graphgrad.nn.Linear(3, 2), 0))
    process.start()  # (a module's parameters go the same way)
    process.join()
    worker = spawn.Process(target=_add_twice, args=(weight,))
    worker.start()
    worker.join()
    assert weight.is_shared() and weight.tolist() == [[2.0] * 3] * 2
    queue, done = spawn.Queue(), spawn.Queue()
    reader = spawn.Process(target=_times_three_from, args=(queue, done))
    reader.start()
    queue.put(weight[:, 1])  # (through a queue, a view: the view's values are shared)
    assert done.get(timeout=60) == 12.0
    reader.join()
    assert weight.tolist() == [[2.0, 6.0, 2.0]] * 2


def _add_twice(t) -> None:
    t.add_(2.0)


def test_a_non_leaf_tensor_that_requires_grad_is_not_sent():
    spawn = multiprocessing.get_context("spawn")
    process = spawn.Process(target=_add_twice, args=(graphgrad.ones(2, requires_grad=True) * 2,))
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        process.start()
