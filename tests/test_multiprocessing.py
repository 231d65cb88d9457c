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


def _add_ones(model, times: int) -> None:
    with graphgrad.no_grad():
        for _ in range(times):
            model.weight.add_(1.0)


def test_shared_parameters_are_updated_by_forked_processes():
    # Hogwild (pytorch/examples' mnist_hogwild): before, share_memory() did not exist on a
    # module and share_memory_() did nothing, so each process would train its own copy and
    # the parent's model would stay as it was
    model = graphgrad.nn.Linear(2, 1).share_memory()
    assert model.weight.is_shared() and model.bias.is_shared()
    want = model.weight.detach().clone()
    for _ in range(6):
        want += 1.0  # (the same float32 additions, in this process)
    fork = multiprocessing.get_context("fork")
    workers = [fork.Process(target=_add_ones, args=(model, 3)) for _ in range(2)]
    for w in workers:  # (one after the other: two writing at once could lose an update)
        w.start()
        w.join()
    assert [w.exitcode for w in workers] == [0, 0]
    assert model.weight.tolist() == want.tolist()


def test_a_shared_tensor_sent_to_a_spawned_process_raises():
    # (such a process could not share it, and would train a copy)
    model = graphgrad.nn.Linear(2, 1).share_memory()
    process = multiprocessing.get_context("spawn").Process(target=_add_ones, args=(model, 1))
    with pytest.raises(RuntimeError, match="reaches only the processes this one forks"):
        process.start()
    plain = graphgrad.nn.Linear(2, 1)  # (not shared: sent by value, as before)
    queue = multiprocessing.get_context("spawn").SimpleQueue()
    mp.spawn(_square_into, args=(queue, plain.weight.detach()[0, 0].item()), nprocs=1)
    assert queue.get()[0] == 0
