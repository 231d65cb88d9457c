"""Thread safety as PyTorch defines it: which state is per thread and which is process-wide.

Per thread in PyTorch 2.13 (and here): grad mode, inference mode, the forward-AD "computing
the primal" switch and func.jvp's levels. Process-wide in PyTorch (and here): anomaly mode, the
default dtype and the public forward-AD level (another thread sees it). Each test runs its
threads at the same time for a bounded while (well under a second each;
``GRAPHGRAD_THREAD_SECONDS=5`` runs them for seconds).
"""

from __future__ import annotations

import math
import os
import threading
import time

import numpy as np
import pytest

import graphgrad
import graphgrad.autograd.forward_ad as fwAD

DURATION = float(os.environ.get("GRAPHGRAD_THREAD_SECONDS", "0.4"))  # per concurrent test
MIN_RUNS = 3  # runs of each thread's target, however long they take


def _run_concurrently(*targets) -> list:
    """Run each target in its own thread until DURATION passes, and at least MIN_RUNS times (a
    loaded machine may not schedule a thread within DURATION); return the errors raised."""
    stop = time.monotonic() + DURATION
    errors: list = []

    def loop(target):
        try:
            runs = 0
            while runs < MIN_RUNS or time.monotonic() < stop:
                target()
                runs += 1
        except BaseException as e:  # noqa: BLE001 - reported to the test
            errors.append(e)

    threads = [threading.Thread(target=loop, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _train_step(T):
    w = T.ones(8, requires_grad=True)
    ((w * 2).sin().sum() + (w**2).mean()).backward()


def test_forward_ad_tangents_survive_ops_in_another_thread():
    # the old module-level switch was turned off around every op's primal, in every thread
    misses = []

    def dual_work():
        with fwAD.dual_level():
            x = fwAD.make_dual(graphgrad.tensor([1.0, 2.0]), graphgrad.tensor([1.0, 1.0]))
            for _ in range(20):
                tangent = fwAD.unpack_dual(x * x).tangent
                if tangent is None or tangent.tolist() != [2.0, 4.0]:
                    misses.append(tangent)

    errors = _run_concurrently(dual_work, lambda: _train_step(graphgrad))
    assert not errors
    assert misses == []


def test_func_jvp_concurrently_in_two_threads():
    # func.jvp runs in a level of its own thread: two threads at once, and a trainer
    results = {1.0: [], 3.0: []}

    def jvp(scale):
        def run():
            x = graphgrad.tensor([1.0, 2.0])
            _, out = graphgrad.func.jvp(lambda t: (t * t).sum(), (x,), (x * scale,))
            results[scale].append(out.item())

        return run

    errors = _run_concurrently(jvp(1.0), jvp(3.0), lambda: _train_step(graphgrad))
    assert not errors
    assert results[1.0] and set(results[1.0]) == {10.0}
    assert results[3.0] and set(results[3.0]) == {30.0}


def _in_thread(fn):
    out = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


def _observed(T) -> dict:
    """What a new thread sees while the main thread has every mode switched."""
    fw = T.autograd.forward_ad
    prev = T.get_default_dtype()
    T.set_default_dtype(T.float64)
    try:
        packed: list = []
        hooks = T.autograd.graph.saved_tensors_hooks(lambda t: packed.append(1) or t, lambda t: t)
        with pytest.warns(UserWarning), T.autograd.detect_anomaly(), hooks:
            with T.inference_mode(), fw.dual_level():

                def look():
                    d = fw.make_dual(T.ones(2), T.ones(2))
                    try:
                        fw.enter_dual_level()
                        nested = "entered"
                    except RuntimeError as e:
                        nested = str(e)
                    return {
                        "grad": T.is_grad_enabled(),
                        "inference": T.is_inference_mode_enabled(),
                        "anomaly": T.is_anomaly_enabled(),
                        "default_dtype": str(T.get_default_dtype()),
                        "tangent": fw.unpack_dual(d * 3).tangent.tolist(),
                        "nested": nested,
                        "saved_through_main_hooks": (
                            T.ones(2, requires_grad=True).exp(),
                            len(packed),
                        )[1],
                    }

                seen = _in_thread(look)
                seen["main_grad"] = T.is_grad_enabled()
        # set in another thread, seen here: the default dtype is process-wide
        _in_thread(lambda: T.set_default_dtype(T.float32))
        seen["after_other_thread_set"] = str(T.get_default_dtype())
    finally:
        T.set_default_dtype(prev)
    return seen


def test_which_state_is_per_thread_matches_torch():
    torch = pytest.importorskip("torch")
    assert _observed(graphgrad) == _observed(torch)


def test_grad_and_inference_mode_per_thread_concurrently():
    wrong = []

    def no_grad_thread():
        with graphgrad.no_grad():
            if graphgrad.ones(1, requires_grad=True).mul(2).requires_grad:
                wrong.append("no_grad leaked out")

    def inference_thread():
        with graphgrad.inference_mode():
            if not graphgrad.ones(1).is_inference():
                wrong.append("inference_mode lost")

    def grad_thread():
        y = graphgrad.ones(1, requires_grad=True) * 2
        if not y.requires_grad or y.is_inference() or not graphgrad.is_grad_enabled():
            wrong.append("another thread's mode leaked in")

    errors = _run_concurrently(no_grad_thread, inference_thread, grad_thread)
    assert not errors
    assert wrong == []


def test_default_dtype_is_process_wide_as_in_torch():
    torch = pytest.importorskip("torch")
    for T in (graphgrad, torch):
        prev = T.get_default_dtype()
        try:
            _in_thread(lambda T=T: T.set_default_dtype(T.float64))
            assert T.get_default_dtype() == T.float64
            assert T.tensor([1.5]).dtype == T.float64
        finally:
            T.set_default_dtype(prev)


def test_backward_in_threads_concurrently_gives_each_its_gradient():
    grads = {2.0: [], 5.0: []}

    def step(scale):
        def run():
            w = graphgrad.tensor(np.arange(4.0), requires_grad=True)
            (w * scale).sum().backward()
            grads[scale].append(w.grad.tolist())

        return run

    assert not _run_concurrently(step(2.0), step(5.0))
    assert grads[2.0] and all(g == [2.0] * 4 for g in grads[2.0])
    assert grads[5.0] and all(g == [5.0] * 4 for g in grads[5.0])


def _anomaly_beside_training(T) -> tuple:
    """One thread switches anomaly mode on and off (process-wide in PyTorch) around its
    backward while another trains: the trainer's gradients, and the mode after both."""
    grads = set()

    def switcher():
        with T.autograd.set_detect_anomaly(True):
            x = T.ones(2, requires_grad=True)
            (x * 3).sum().backward()

    def trainer():
        w = T.tensor([1.0, 2.0], requires_grad=True)
        (w * w).sum().backward()
        grads.add(tuple(w.grad.tolist()))

    errors = _run_concurrently(switcher, trainer)
    return [repr(e) for e in errors], grads, T.is_anomaly_enabled()


def test_anomaly_mode_switched_in_another_thread_as_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _anomaly_beside_training(graphgrad), _anomaly_beside_training(torch)
    assert ours == theirs == ([], {(2.0, 4.0)}, False)


def _default_dtype_switched_beside_creation(T) -> tuple:
    """One thread sets the default dtype to float64 and back while another makes tensors of
    Python floats: each gets one of the two (never an error, never another dtype)."""
    seen = set()

    def switcher():
        T.set_default_dtype(T.float64)
        T.tensor([1.5])
        T.set_default_dtype(T.float32)

    def creator():
        seen.add(str(T.tensor([1.5]).dtype))

    prev = T.get_default_dtype()
    try:
        errors = _run_concurrently(switcher, creator)
        after = str(T.get_default_dtype())
    finally:
        T.set_default_dtype(prev)
    return [repr(e) for e in errors], seen <= {"torch.float32", "torch.float64"}, after


def test_default_dtype_switched_in_another_thread_as_torch():
    torch = pytest.importorskip("torch")
    ours = _default_dtype_switched_beside_creation(graphgrad)
    assert ours == _default_dtype_switched_beside_creation(torch) == ([], True, "torch.float32")


def test_saved_tensor_hooks_per_thread_concurrently():
    """Hooks registered in one thread pack exactly that thread's saved tensors while another
    thread saves tensors of its own (torch keeps them in thread-local state)."""
    packers: list = []
    hooked: dict = {"saves": 0, "threads": set()}

    def pack(t):
        packers.append(threading.get_ident())
        return t

    def hooked_thread():
        hooked["threads"].add(threading.get_ident())
        x = graphgrad.ones(3, requires_grad=True)
        with graphgrad.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            y = (x * x).exp()  # saves x twice and exp's result
        y.sum().backward()
        hooked["saves"] += 3
        if not np.allclose(x.grad.numpy(), 2 * math.e):  # d/dx exp(x * x) at 1
            raise AssertionError(x.grad)

    errors = _run_concurrently(hooked_thread, lambda: _train_step(graphgrad))
    assert not errors
    assert len(packers) == hooked["saves"] > 0
    assert set(packers) == hooked["threads"]
